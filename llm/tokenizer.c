/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/tokenizer.c — tokenizing: special-token partitioning, byte-level BPE
 * and SentencePiece merge sessions (the tables are built in
 * llm/vocab_compile.c).
 *
 * Contract: llm_tokenize() returns the ids llama.cpp's llama_tokenize()
 * returns for the same vocabulary, with add_special = LLM_TOK_ADD_BOS and
 * parse_special = LLM_TOK_PARSE_SPECIAL:
 *   1. the text is cut at special tokens, longest first: user-defined
 *      tokens always, control and unknown tokens only when parsing specials;
 *   2. gpt2: each piece is pre-tokenized (pretok.c), byte-encoded and
 *      merged pair by pair, lowest merge rank first (leftmost on ties);
 *      llama3 takes a whole pre-token directly when it is a token;
 *   3. llama: a piece gets a leading space when it is first or follows a
 *      special token, spaces become '▁', then adjacent pairs whose
 *      concatenation is a token merge, highest score first (leftmost on
 *      ties); what is left unknown falls back to <0xNN> byte tokens.
 * Invariants: the object is read-only after llm_tokenizer_new(); every call
 * uses its own scratch memory, so threads may share one tokenizer.
 */
#include "llm/tokenizer_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ merge sessions */

typedef struct sym {
  int32_t prev, next, id;
  uint32_t off, n;
} sym_t;

typedef struct bigram {
  float score;  /* SentencePiece: higher first */
  int32_t rank; /* BPE: lower first */
  int32_t left, right, id;
  uint32_t size;
} bigram_t;

typedef struct session {
  const llm_tokenizer_t *t;
  llm_tokens_t *out;
  char *buf; /* byte-encoded word or escaped text */
  size_t buf_n, buf_cap;
  sym_t *sym;
  size_t sym_cap;
  bigram_t *heap;
  size_t heap_n, heap_cap;
  /* Words seen in this call and their ids (BPE): text repeats words, and
   * the cache lives in the call, so threads share nothing. */
  struct wentry { uint64_t h; uint32_t woff, wlen, ioff, nids; } *wc;
  char *wtext;
  int32_t *wids;
  size_t wtext_n, wids_n, n_words;
} session_t;

/* The cache starts after WC_START words, so short texts allocate nothing. */
enum { WC_SLOTS = 4096, WC_MAX_WORD = 48, WC_TEXT = 1 << 18, WC_IDS = 1 << 17,
       WC_START = 256 };

static void session_release(session_t *s) {
  free(s->buf);
  free(s->sym);
  free(s->heap);
  free(s->wc);
  free(s->wtext);
  free(s->wids);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * elem);
  if (!q) return LOTSE_ENOMEM;
  *p = q;
  *cap = c;
  return 0;
}

/* a before b in the work queue? */
static int big_before(const bigram_t *a, const bigram_t *b, int spm) {
  if (spm) {
    if (a->score != b->score) return a->score > b->score;
  } else if (a->rank != b->rank) {
    return a->rank < b->rank;
  }
  return a->left < b->left;
}

static int heap_push(session_t *s, const bigram_t *b) {
  if (grow((void **)&s->heap, &s->heap_cap, s->heap_n + 1, sizeof *b))
    return LOTSE_ENOMEM;
  size_t i = s->heap_n++;
  while (i > 0 && big_before(b, &s->heap[(i - 1) / 2], s->t->is_spm)) {
    s->heap[i] = s->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  s->heap[i] = *b;
  return 0;
}

static bigram_t heap_pop(session_t *s) {
  bigram_t top = s->heap[0], last = s->heap[--s->heap_n];
  size_t i = 0, n = s->heap_n;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && big_before(&s->heap[c + 1], &s->heap[c], s->t->is_spm)) c++;
    if (!big_before(&s->heap[c], &last, s->t->is_spm)) break;
    s->heap[i] = s->heap[c];
    i = c;
  }
  if (n) s->heap[i] = last;
  return top;
}

/* Cut buf[0..buf_n) into UTF-8 characters, one symbol each. */
static int split_symbols(session_t *s, size_t *count) {
  size_t n = 0;
  for (size_t i = 0; i < s->buf_n; n++) {
    if (grow((void **)&s->sym, &s->sym_cap, n + 1, sizeof *s->sym))
      return LOTSE_ENOMEM;
    size_t k = llm_utf8_len((unsigned char)s->buf[i]);
    if (k > s->buf_n - i) k = s->buf_n - i;
    s->sym[n] = (sym_t){(int32_t)n - 1, i + k == s->buf_n ? -1 : (int32_t)n + 1,
                        llm_strmap_get(s->t, s->buf + i, k), (uint32_t)i,
                        (uint32_t)k};
    i += k;
  }
  *count = n;
  return 0;
}

static int try_pair(session_t *s, int32_t a, int32_t b) {
  if (a < 0 || b < 0) return 0;
  const sym_t *l = &s->sym[a], *r = &s->sym[b];
  bigram_t g = {0, 0, a, b, -1, l->n + r->n};
  if (s->t->is_spm) {
    g.id = llm_strmap_get(s->t, s->buf + l->off, g.size);
    if (g.id < 0) return 0;
    g.score = s->t->v.scores ? s->t->v.scores[g.id] : 0.0f;
  } else {
    if (l->id < 0 || r->id < 0) return 0;
    g.rank = llm_pair_rank(&s->t->ranks, l->id, r->id);
    if (g.rank < 0) return 0;
    g.id = llm_strmap_get(s->t, s->buf + l->off, g.size);
  }
  return heap_push(s, &g);
}

/* Merge symbols lo..hi-1 as one chain. */
static int merge_all(session_t *s, size_t lo, size_t hi) {
  s->heap_n = 0;
  s->sym[lo].prev = -1;
  s->sym[hi - 1].next = -1;
  for (size_t i = lo + 1; i < hi; i++)
    if (try_pair(s, (int32_t)i - 1, (int32_t)i)) return LOTSE_ENOMEM;
  while (s->heap_n) {
    bigram_t g = heap_pop(s);
    sym_t *l = &s->sym[g.left], *r = &s->sym[g.right];
    if (l->n == 0 || r->n == 0 || l->n + r->n != g.size) continue;
    l->n += r->n;
    r->n = 0;
    l->id = g.id;
    l->next = r->next;
    if (r->next >= 0) s->sym[r->next].prev = g.left;
    if (try_pair(s, l->prev, g.left) || try_pair(s, g.left, l->next))
      return LOTSE_ENOMEM;
  }
  return 0;
}

/* A symbol that is no token: bytes (SentencePiece byte fallback; for BPE
 * llama.cpp looks each byte of the encoded text up as a one-byte token). */
static int emit_unknown(session_t *s, const sym_t *y) {
  const llm_tokenizer_t *t = s->t;
  for (uint32_t j = 0; j < y->n; j++) {
    unsigned char c = (unsigned char)s->buf[y->off + j];
    int32_t id = t->is_spm ? t->byte_tok[c] : -1;
    if (id < 0) id = llm_strmap_get(t, (const char *)&c, 1);
    if (id < 0 && t->is_spm) id = t->v.unk;
    if (id >= 0 && llm_tokens_push(s->out, id)) return LOTSE_ENOMEM;
  }
  return 0;
}

static int emit_symbols(session_t *s, size_t lo, size_t hi) {
  for (int32_t i = lo < hi ? (int32_t)lo : -1; i != -1; i = s->sym[i].next) {
    const sym_t *y = &s->sym[i];
    int rc = y->id >= 0 ? llm_tokens_push(s->out, y->id) : emit_unknown(s, y);
    if (rc) return rc;
  }
  return 0;
}

/* The cache slot of the word in s->buf (NULL: not cached, or no memory). */
static struct wentry *cache_find(session_t *s) {
  if (s->buf_n > WC_MAX_WORD || ++s->n_words < WC_START) return NULL;
  if (!s->wc) {
    s->wc = calloc(WC_SLOTS, sizeof *s->wc);
    s->wtext = malloc(WC_TEXT);
    s->wids = malloc(WC_IDS * sizeof *s->wids);
    if (!s->wc || !s->wtext || !s->wids) { /* no memory: no cache */
      free(s->wc);
      free(s->wtext);
      free(s->wids);
      s->wc = NULL;
      s->wtext = NULL;
      s->wids = NULL;
      return NULL;
    }
  }
  uint64_t h = llm_hash_bytes(s->buf, s->buf_n) | 1;
  struct wentry *w = &s->wc[h & (WC_SLOTS - 1)];
  if (w->h != h) w->wlen = UINT32_MAX; /* a miss: filled by cache_put */
  return w;
}

static void cache_put(session_t *s, struct wentry *w, size_t first) {
  size_t nids = s->out->n - first;
  if (s->wtext_n + s->buf_n > WC_TEXT || s->wids_n + nids > WC_IDS) {
    memset(s->wc, 0, WC_SLOTS * sizeof *s->wc); /* full: start over */
    s->wtext_n = s->wids_n = 0;
  }
  memcpy(s->wtext + s->wtext_n, s->buf, s->buf_n);
  memcpy(s->wids + s->wids_n, s->out->v + first, nids * sizeof *s->wids);
  *w = (struct wentry){llm_hash_bytes(s->buf, s->buf_n) | 1, (uint32_t)s->wtext_n,
                       (uint32_t)s->buf_n, (uint32_t)s->wids_n, (uint32_t)nids};
  s->wtext_n += s->buf_n;
  s->wids_n += nids;
}

static int bpe_word(void *ud, const uint32_t *cp, size_t b, size_t e) {
  session_t *s = ud;
  if (grow((void **)&s->buf, &s->buf_cap, (e - b) * 8 + 1, 1)) return LOTSE_ENOMEM;
  s->buf_n = 0;
  for (size_t i = b; i < e; i++) {
    char raw[4];
    size_t k = llm_utf8_encode(cp[i], raw);
    for (size_t j = 0; j < k; j++)
      s->buf_n += llm_utf8_encode(llm_byte_to_cp((unsigned char)raw[j]),
                                  s->buf + s->buf_n);
  }
  if (s->t->ignore_merges) {
    int32_t id = llm_strmap_get(s->t, s->buf, s->buf_n);
    if (id >= 0) return llm_tokens_push(s->out, id);
  }
  struct wentry *w = cache_find(s);
  if (w && w->h && w->wlen == s->buf_n &&
      memcmp(s->wtext + w->woff, s->buf, s->buf_n) == 0) {
    for (uint32_t i = 0; i < w->nids; i++)
      if (llm_tokens_push(s->out, s->wids[w->ioff + i])) return LOTSE_ENOMEM;
    return 0;
  }
  size_t n, first = s->out->n;
  int rc = split_symbols(s, &n);
  if (!rc && n) rc = merge_all(s, 0, n);
  if (!rc) rc = emit_symbols(s, 0, n);
  if (!rc && w) cache_put(s, w, first);
  return rc;
}

static int bpe_text(session_t *s, const char *text, size_t len) {
  llm_cpts_t c;
  if (llm_cpts_decode(text, len, &c)) return LOTSE_ENOMEM;
  int rc = llm_pretok_split(s->t->pre, c.cp, c.n, bpe_word, s);
  llm_cpts_release(&c);
  return rc;
}

static int spm_text(session_t *s, const char *text, size_t len, int prefix) {
  if (grow((void **)&s->buf, &s->buf_cap, (len + 1) * 3 + 1, 1)) return LOTSE_ENOMEM;
  s->buf_n = 0;
  for (size_t i = 0; i < len + (size_t)prefix; i++) {
    char c = prefix ? (i == 0 ? ' ' : text[i - 1]) : text[i];
    if (c == ' ') {
      memcpy(s->buf + s->buf_n, "\xE2\x96\x81", 3);
      s->buf_n += 3;
    } else {
      s->buf[s->buf_n++] = c;
    }
  }
  /* Merges never cross a place no token can span, so the text is merged
   * piece by piece there: the same result as one pass (the pieces share no
   * symbol), with small work queues instead of one huge one. */
  size_t n, lo = 0;
  int rc = split_symbols(s, &n);
  for (size_t i = 1; !rc && i <= n; i++) {
    if (i < n && llm_pairs_has(s->t, llm_pair_hash(s->buf + s->sym[i - 1].off,
                                           s->sym[i - 1].n, s->sym[i].n)))
      continue;
    rc = merge_all(s, lo, i);
    if (!rc) rc = emit_symbols(s, lo, i);
    lo = i;
  }
  return rc;
}

/* -------------------------------------------------- special partition */

typedef struct frag {
  int32_t id; /* -1: raw text */
  size_t off, len;
} frag_t;

typedef struct frags {
  frag_t *v;
  size_t n, cap;
} frags_t;

static int frag_add(frags_t *f, int32_t id, size_t off, size_t len) {
  if (grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v)) return LOTSE_ENOMEM;
  f->v[f->n++] = (frag_t){id, off, len};
  return 0;
}

/* Cut the raw fragments of *f at every occurrence of special token id. */
static int cut_at(const llm_tokenizer_t *t, const char *text, int32_t id,
                  frags_t *f) {
  frags_t nf = {0};
  const char *tok = t->v.tokens[id];
  size_t tl = t->len[id];
  int rc = 0;
  for (size_t i = 0; i < f->n && !rc; i++) {
    frag_t g = f->v[i];
    if (g.id >= 0 || g.len < tl) { rc = frag_add(&nf, g.id, g.off, g.len); continue; }
    size_t pos = g.off, end = g.off + g.len;
    while (!rc && pos < end) {
      const char *m = memmem(text + pos, end - pos, tok, tl);
      if (!m) { rc = frag_add(&nf, -1, pos, end - pos); break; }
      size_t at = (size_t)(m - text);
      if (at > pos) rc = frag_add(&nf, -1, pos, at - pos);
      if (!rc) rc = frag_add(&nf, id, at, tl);
      pos = at + tl;
    }
  }
  free(f->v);
  *f = nf;
  return rc;
}

static int partition(const llm_tokenizer_t *t, const char *text, size_t len,
                     int parse_special, frags_t *f) {
  if (len == 0) return 0;
  int rc = frag_add(f, -1, 0, len);
  for (size_t i = 0; i < t->n_special && !rc; i++) {
    int32_t id = t->special[i];
    int ty = t->v.types[id];
    if (!parse_special && ty != LLM_TOKT_USER_DEFINED) continue;
    rc = cut_at(t, text, id, f);
  }
  return rc;
}

int llm_tokenize(const llm_tokenizer_t *t, const char *text, size_t len,
                 unsigned flags, llm_tokens_t *out, lotse_err_t *err) {
  frags_t f = {0};
  session_t s = {.t = t, .out = out};
  int add = (flags & LLM_TOK_ADD_BOS) != 0;
  int rc = partition(t, text, len, (flags & LLM_TOK_PARSE_SPECIAL) != 0, &f);
  if (!rc && add && t->v.add_bos && t->v.bos >= 0)
    rc = llm_tokens_push(out, t->v.bos);
  int prev_special = 1;
  for (size_t i = 0; i < f.n && !rc; i++) {
    const frag_t *g = &f.v[i];
    if (g->id >= 0) {
      rc = llm_tokens_push(out, g->id);
      prev_special = 1;
    } else if (t->is_spm) {
      rc = spm_text(&s, text + g->off, g->len, t->add_space_prefix && prev_special);
      prev_special = 0;
    } else {
      rc = bpe_text(&s, text + g->off, g->len);
    }
  }
  if (!rc && add && t->v.add_eos && t->v.eos >= 0)
    rc = llm_tokens_push(out, t->v.eos);
  free(f.v);
  session_release(&s);
  if (rc) return lotse_err_set(err, rc, "out of memory while tokenizing");
  return 0;
}
