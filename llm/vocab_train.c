/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/vocab_train.c — a small, deterministic BPE trainer for synthetic
 * models.
 *
 *   "gpt2":  byte-level BPE over qwen2 pre-tokens: 256 byte tokens, then one
 *            token per merge (most frequent pair first, ties by the smaller
 *            ids), then <|endoftext|> <|im_start|> <|im_end|> (control).
 *            A ChatML chat template is attached.
 *   "llama": SentencePiece style: <unk> <s> </s>, 256 <0xNN> byte tokens,
 *            the corpus' characters (most frequent first), then merged
 *            pieces scored -k for the k-th merge; words start with '▁'.
 * n_tokens is the exact size of the result: when the corpus runs out of
 * pairs the rest is filled with "[PADn]" tokens of type UNUSED.
 * Contract: equal input gives an equal vocabulary.
 */
#include "llm/tokenizer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPM_SPACE "\xE2\x96\x81"

static const char chatml[] =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
    " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

typedef struct word {
  int32_t *sym;
  size_t n;
  int64_t freq;
} word_t;

typedef struct trainer {
  llm_vocab_t *v;
  size_t cap;          /* v->n is the number of tokens so far */
  word_t *w;
  size_t n_w;
  char **merges;
  size_t n_merges;
  uint32_t *slot; /* text -> id + 1, open addressing */
  size_t mask;
} trainer_t;

typedef struct span {
  const char *p;
  size_t n;
} span_t;

static int cmp_span(const void *a, const void *b) {
  const span_t *x = a, *y = b;
  size_t n = x->n < y->n ? x->n : y->n;
  int c = memcmp(x->p, y->p, n);
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* ---------------------------------------------------------- tokens */

static size_t text_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return (size_t)(h ^ h >> 31);
}

/* The slot of text s: its id + 1, or an empty slot (0) to fill. */
static size_t text_slot(const trainer_t *tr, const char *s, size_t n) {
  size_t h = text_hash(s, n) & tr->mask;
  for (;; h = (h + 1) & tr->mask) {
    uint32_t x = tr->slot[h];
    if (!x) return h;
    const char *t = tr->v->tokens[x - 1];
    if (strlen(t) == n && memcmp(t, s, n) == 0) return h;
  }
}

/* 0, 1 when the text is a token already (nothing added), or an error. */
static int add_token(trainer_t *tr, const char *s, size_t n, int type,
                     float score) {
  llm_vocab_t *v = tr->v;
  if (v->n == tr->cap) return LOTSE_ELIMIT;
  size_t h = text_slot(tr, s, n);
  if (tr->slot[h]) return 1; /* texts are unique (llama.cpp insists) */
  if (!(v->tokens[v->n] = lotse_strndup(s, n))) return LOTSE_ENOMEM;
  v->types[v->n] = type;
  if (v->scores) v->scores[v->n] = score;
  tr->slot[h] = (uint32_t)v->n + 1;
  v->n++;
  return 0;
}

static int32_t find_text(const trainer_t *tr, const char *s, size_t n) {
  return (int32_t)tr->slot[text_slot(tr, s, n)] - 1;
}

/* ------------------------------------------------------------ words */

typedef struct collect {
  span_t *s;
  size_t n, cap;
  char *buf; /* concatenated words */
  size_t len, buf_cap;
} collect_t;

static int collect_word(void *ud, const uint32_t *cp, size_t b, size_t e) {
  collect_t *c = ud;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 1024;
    span_t *s = realloc(c->s, cap * sizeof *s);
    if (!s) return LOTSE_ENOMEM;
    c->s = s;
    c->cap = cap;
  }
  size_t start = c->len;
  for (size_t i = b; i < e; i++) c->len += llm_utf8_encode(cp[i], c->buf + c->len);
  c->s[c->n++] = (span_t){(const char *)(uintptr_t)start, c->len - start};
  return 0;
}

/* SentencePiece words: '▁' + word, split before every space. */
static int spm_words(const llm_cpts_t *t, collect_t *c) {
  size_t b = 0;
  for (size_t i = 1; i <= t->n; i++)
    if (i == t->n || t->cp[i] == ' ') {
      int rc = collect_word(c, t->cp, b, i);
      if (rc) return rc;
      b = i;
    }
  return 0;
}

/* Unique words with counts, as spans into c->buf. */
static int gather(const char *corpus, size_t len, int spm, collect_t *c) {
  llm_cpts_t t;
  size_t extra = spm ? 4 : 0;
  if (llm_cpts_decode(corpus, len, &t)) return LOTSE_ENOMEM;
  if (spm && t.n) { /* a leading space, like SentencePiece's dummy prefix */
    uint32_t *cp = realloc(t.cp, (t.n + 1) * sizeof *cp);
    if (!cp) { llm_cpts_release(&t); return LOTSE_ENOMEM; }
    memmove(cp + 1, cp, t.n * sizeof *cp);
    cp[0] = ' ';
    t.cp = cp;
    t.n++;
  }
  c->buf = malloc(t.n * 4 + extra + 1);
  int rc = c->buf ? 0 : LOTSE_ENOMEM;
  if (!rc) rc = spm ? spm_words(&t, c)
                    : llm_pretok_split(LLM_PRE_QWEN2, t.cp, t.n, collect_word, c);
  llm_cpts_release(&t);
  for (size_t i = 0; !rc && i < c->n; i++) c->s[i].p = c->buf + (uintptr_t)c->s[i].p;
  if (!rc && c->n) qsort(c->s, c->n, sizeof *c->s, cmp_span);
  return rc;
}

/* Symbols of one word: byte ids (gpt2) or character ids (llama). */
static int word_symbols(trainer_t *tr, span_t s, int spm, word_t *w) {
  w->sym = malloc((s.n * 3 + 3) * sizeof *w->sym);
  if (!w->sym) return LOTSE_ENOMEM;
  w->n = 0;
  for (size_t i = 0; i < s.n;) {
    if (!spm) { w->sym[w->n++] = (unsigned char)s.p[i++]; continue; }
    size_t k = llm_utf8_len((unsigned char)s.p[i]);
    if (k > s.n - i) k = s.n - i;
    char tmp[8];
    size_t m = 0;
    if (s.p[i] == ' ') { memcpy(tmp, SPM_SPACE, 3); m = 3; }
    else { memcpy(tmp, s.p + i, k); m = k; }
    w->sym[w->n++] = find_text(tr, tmp, m);
    i += k;
  }
  return 0;
}

static int build_words(trainer_t *tr, const collect_t *c, int spm) {
  tr->w = calloc(c->n ? c->n : 1, sizeof *tr->w);
  if (!tr->w) return LOTSE_ENOMEM;
  for (size_t i = 0; i < c->n;) {
    size_t j = i;
    while (j < c->n && cmp_span(&c->s[i], &c->s[j]) == 0) j++;
    word_t *w = &tr->w[tr->n_w++];
    w->freq = (int64_t)(j - i);
    if (word_symbols(tr, c->s[i], spm, w)) return LOTSE_ENOMEM;
    i = j;
  }
  return 0;
}

/* ------------------------------------------------------------ merges */

typedef struct paircount {
  uint64_t *key;
  int64_t *cnt;
  size_t mask;
} paircount_t;

static int best_pair(trainer_t *tr, paircount_t *pc, int32_t *a, int32_t *b) {
  memset(pc->key, 0, (pc->mask + 1) * sizeof *pc->key);
  uint64_t best = 0;
  int64_t best_n = 1; /* a pair must occur at least twice */
  for (size_t i = 0; i < tr->n_w; i++) {
    const word_t *w = &tr->w[i];
    for (size_t j = 1; j < w->n; j++) {
      if (w->sym[j - 1] < 0 || w->sym[j] < 0) continue;
      uint64_t k = ((uint64_t)(uint32_t)w->sym[j - 1] << 32 | (uint32_t)w->sym[j]) + 1;
      size_t h = (size_t)(k * 0x9E3779B97F4A7C15ull >> 24) & pc->mask;
      while (pc->key[h] && pc->key[h] != k) h = (h + 1) & pc->mask;
      if (!pc->key[h]) { pc->key[h] = k; pc->cnt[h] = 0; }
      pc->cnt[h] += w->freq;
      if (pc->cnt[h] > best_n || (pc->cnt[h] == best_n && best && k < best)) {
        best_n = pc->cnt[h];
        best = k;
      }
    }
  }
  if (!best) return 0;
  *a = (int32_t)((best - 1) >> 32);
  *b = (int32_t)((best - 1) & 0xFFFFFFFFu);
  return 1;
}

static void apply_merge(trainer_t *tr, int32_t a, int32_t b, int32_t id) {
  for (size_t i = 0; i < tr->n_w; i++) {
    word_t *w = &tr->w[i];
    size_t o = 0;
    for (size_t j = 0; j < w->n; j++) {
      if (j + 1 < w->n && w->sym[j] == a && w->sym[j + 1] == b) {
        w->sym[o++] = id;
        j++;
      } else {
        w->sym[o++] = w->sym[j];
      }
    }
    w->n = o;
  }
}

static int merge_once(trainer_t *tr, int32_t a, int32_t b, int spm) {
  llm_vocab_t *v = tr->v;
  size_t la = strlen(v->tokens[a]), lb = strlen(v->tokens[b]);
  char *s = malloc(la + lb + 2);
  if (!s) return LOTSE_ENOMEM;
  memcpy(s, v->tokens[a], la);
  memcpy(s + la, v->tokens[b], lb + 1);
  int32_t id = find_text(tr, s, la + lb);
  int rc = 0;
  if (id < 0) {
    id = (int32_t)v->n;
    rc = add_token(tr, s, la + lb, LLM_TOKT_NORMAL, -(float)tr->n_merges);
  }
  if (!rc && !spm) { /* the merge as "a b" */
    memcpy(s, v->tokens[a], la);
    s[la] = ' ';
    memcpy(s + la + 1, v->tokens[b], lb + 1);
    tr->merges[tr->n_merges] = s;
    s = NULL;
  }
  free(s);
  if (!rc) { tr->n_merges++; apply_merge(tr, a, b, id); }
  return rc;
}

static int run_merges(trainer_t *tr, size_t target, int spm) {
  size_t syms = 0;
  for (size_t i = 0; i < tr->n_w; i++) syms += tr->w[i].n;
  size_t size = 16;
  while (size < 2 * syms + 16) size <<= 1;
  paircount_t pc = {calloc(size, sizeof *pc.key), calloc(size, sizeof *pc.cnt), size - 1};
  tr->merges = calloc(target + 1, sizeof *tr->merges);
  int rc = pc.key && pc.cnt && tr->merges ? 0 : LOTSE_ENOMEM;
  int32_t a, b;
  while (!rc && tr->v->n < target && tr->n_merges < target &&
         best_pair(tr, &pc, &a, &b))
    rc = merge_once(tr, a, b, spm);
  free(pc.key);
  free(pc.cnt);
  return rc;
}

/* ---------------------------------------------------------- alphabet */

typedef struct charfreq {
  uint32_t cp;
  int64_t n;
} charfreq_t;

static int cmp_charfreq(const void *a, const void *b) {
  const charfreq_t *x = a, *y = b;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return (x->cp > y->cp) - (x->cp < y->cp);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The corpus' characters, most frequent first, at most max of them; the
 * space is always first (as '▁'). */
static int spm_alphabet(trainer_t *tr, const char *corpus, size_t len,
                        size_t max) {
  llm_cpts_t t;
  if (llm_cpts_decode(corpus, len, &t)) return LOTSE_ENOMEM;
  qsort(t.cp, t.n, sizeof *t.cp, cmp_u32);
  charfreq_t *f = malloc((t.n + 1) * sizeof *f);
  size_t nf = 0;
  int rc = f ? 0 : LOTSE_ENOMEM;
  for (size_t i = 0; !rc && i < t.n;) {
    size_t j = i;
    while (j < t.n && t.cp[j] == t.cp[i]) j++;
    if (t.cp[i] != ' ' && t.cp[i] != 0xFFFD) f[nf++] = (charfreq_t){t.cp[i], (int64_t)(j - i)};
    i = j;
  }
  if (!rc) qsort(f, nf, sizeof *f, cmp_charfreq);
  if (!rc) rc = add_token(tr, SPM_SPACE, 3, LLM_TOKT_NORMAL, -1e6f);
  for (size_t i = 0; !rc && i < nf && i + 1 < max; i++) {
    char s[4];
    size_t k = llm_utf8_encode(f[i].cp, s);
    rc = add_token(tr, s, k, LLM_TOKT_NORMAL, -1e6f - (float)(i + 1));
    if (rc == 1) rc = 0; /* '▁' itself in the corpus */
  }
  free(f);
  llm_cpts_release(&t);
  return rc;
}

/* ------------------------------------------------------------- setup */

static int base_tokens(trainer_t *tr, int spm, const char *corpus, size_t len,
                       size_t n_tokens) {
  int rc = 0;
  if (spm) {
    rc = add_token(tr, "<unk>", 5, LLM_TOKT_UNKNOWN, 0);
    if (!rc) rc = add_token(tr, "<s>", 3, LLM_TOKT_CONTROL, 0);
    if (!rc) rc = add_token(tr, "</s>", 4, LLM_TOKT_CONTROL, 0);
  }
  for (int b = 0; b < 256 && !rc; b++) {
    char s[8];
    size_t k = spm ? (size_t)snprintf(s, sizeof s, "<0x%02X>", b)
                   : llm_utf8_encode(llm_byte_to_cp((unsigned char)b), s);
    rc = add_token(tr, s, k, spm ? LLM_TOKT_BYTE : LLM_TOKT_NORMAL, 0);
  }
  if (!rc && spm) /* half of the rest at most for single characters */
    rc = spm_alphabet(tr, corpus, len, (n_tokens - tr->v->n) / 2 + 1);
  return rc;
}

static int finish(trainer_t *tr, int spm) {
  llm_vocab_t *v = tr->v;
  int rc = 0;
  size_t specials = spm ? 0 : 3;
  for (size_t i = v->n; (rc == 0 || rc == 1) && v->n + specials < tr->cap; i++) {
    char pad[32];
    int k = snprintf(pad, sizeof pad, "[PAD%zu]", i);
    rc = add_token(tr, pad, (size_t)k, LLM_TOKT_UNUSED, -1e9f);
  }
  if (rc == 1) rc = 0;
  if (!spm) {
    if (!rc) rc = add_token(tr, "<|endoftext|>", 13, LLM_TOKT_CONTROL, 0);
    if (!rc) rc = add_token(tr, "<|im_start|>", 12, LLM_TOKT_CONTROL, 0);
    if (!rc) rc = add_token(tr, "<|im_end|>", 10, LLM_TOKT_CONTROL, 0);
    v->bos = v->pad = (int32_t)v->n - 3;
    v->eos = v->eot = (int32_t)v->n - 1;
    v->add_bos = false;
    if (!rc && !(v->chat_template = lotse_strdup(chatml))) rc = LOTSE_ENOMEM;
    v->merges = tr->merges;
    v->n_merges = tr->n_merges;
    tr->merges = NULL;
  } else {
    v->unk = 0;
    v->bos = 1;
    v->eos = 2;
    v->add_bos = true;
  }
  return rc;
}

int llm_vocab_train(const char *model, const char *corpus, size_t len,
                    size_t n_tokens, llm_vocab_t *v, lotse_err_t *err) {
  llm_vocab_init(v);
  int spm = model && strcmp(model, "llama") == 0;
  if (!model || (!spm && strcmp(model, "gpt2") != 0))
    return lotse_err_set(err, LOTSE_EUNSUPPORTED, "unsupported tokenizer model '%s'",
                         model ? model : "(null)");
  size_t min = spm ? 3 + 256 + 1 : 256 + 3;
  if (n_tokens < min || n_tokens > (1u << 24))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "vocabulary size %zu out of range (%zu to 16777216)",
                         n_tokens, min);
  trainer_t tr = {.v = v, .cap = n_tokens};
  collect_t c = {0};
  size_t size = 16;
  while (size < 2 * n_tokens) size <<= 1;
  tr.slot = calloc(size, sizeof *tr.slot);
  tr.mask = size - 1;
  int rc = llm_vocab_alloc(v, n_tokens, spm);
  v->n = 0;
  if (!rc && !tr.slot) rc = LOTSE_ENOMEM;
  if (!rc) rc = base_tokens(&tr, spm, corpus, len, n_tokens);
  if (!rc) rc = gather(corpus, len, spm, &c);
  if (!rc) rc = build_words(&tr, &c, spm);
  if (!rc) rc = run_merges(&tr, n_tokens - (spm ? 0 : 3), spm);
  if (!rc) rc = finish(&tr, spm);
  if (!rc && !(v->model = lotse_strdup(spm ? "llama" : "gpt2"))) rc = LOTSE_ENOMEM;
  if (!rc && !spm && !(v->pre = lotse_strdup("qwen2"))) rc = LOTSE_ENOMEM;
  for (size_t i = 0; i < tr.n_w; i++) free(tr.w[i].sym);
  free(tr.w);
  for (size_t i = 0; tr.merges && i < tr.n_merges; i++) free(tr.merges[i]);
  free(tr.merges);
  free(c.s);
  free(c.buf);
  free(tr.slot);
  if (rc) {
    llm_vocab_release(v);
    return lotse_err_set(err, rc, "unable to train the vocabulary");
  }
  return 0;
}
