/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/tokenizer.c — the compiled tokenizer: hash tables over the
 * vocabulary, special-token partitioning, byte-level BPE and SentencePiece.
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

/* ------------------------------------------------------- hash tables */

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

static size_t table_size(size_t n) {
  size_t m = 16;
  while (m < 2 * n) m <<= 1;
  return m;
}

int llm_strmap_init(llm_strmap_t *m, char *const *str, const size_t *len,
                    size_t n) {
  size_t size = table_size(n);
  m->slot = calloc(size, sizeof *m->slot);
  if (!m->slot) return LOTSE_ENOMEM;
  m->mask = size - 1;
  for (size_t i = 0; i < n; i++) {
    size_t h = hash_bytes(str[i], len[i]) & m->mask;
    for (;; h = (h + 1) & m->mask) {
      uint32_t s = m->slot[h];
      if (s == 0 || (len[s - 1] == len[i] &&
                     memcmp(str[s - 1], str[i], len[i]) == 0)) {
        m->slot[h] = (uint32_t)i + 1; /* a later id replaces an earlier one */
        break;
      }
    }
  }
  return 0;
}

int32_t llm_strmap_find(const llm_strmap_t *m, char *const *str,
                        const size_t *len, const char *s, size_t n) {
  if (!m->slot) return -1;
  for (size_t h = hash_bytes(s, n) & m->mask;; h = (h + 1) & m->mask) {
    uint32_t x = m->slot[h];
    if (x == 0) return -1;
    if (len[x - 1] == n && memcmp(str[x - 1], s, n) == 0) return (int32_t)x - 1;
  }
}

void llm_strmap_release(llm_strmap_t *m) {
  free(m->slot);
  m->slot = NULL;
}

int32_t llm_strmap_get(const llm_tokenizer_t *t, const char *s, size_t n) {
  return llm_strmap_find(&t->tok, t->v.tokens, t->len, s, n);
}

static uint64_t pair_key(int32_t a, int32_t b) {
  return ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1;
}

static int32_t pair_find(const llm_pairmap_t *m, int32_t a, int32_t b) {
  if (!m->key) return -1;
  uint64_t k = pair_key(a, b);
  for (size_t h = (size_t)(k * 0x9E3779B97F4A7C15ull >> 20) & m->mask;;
       h = (h + 1) & m->mask) {
    if (m->key[h] == 0) return -1;
    if (m->key[h] == k) return m->val[h];
  }
}

static void pair_put(llm_pairmap_t *m, int32_t a, int32_t b, int32_t v) {
  uint64_t k = pair_key(a, b);
  for (size_t h = (size_t)(k * 0x9E3779B97F4A7C15ull >> 20) & m->mask;;
       h = (h + 1) & m->mask) {
    if (m->key[h] == k) return; /* first rank wins */
    if (m->key[h] == 0) { m->key[h] = k; m->val[h] = v; return; }
  }
}

/* ------------------------------------------------------- construction */

static int copy_vocab(const llm_vocab_t *src, llm_vocab_t *v) {
  llm_vocab_init(v);
  if (llm_vocab_alloc(v, src->n, src->scores != NULL)) return LOTSE_ENOMEM;
  for (size_t i = 0; i < src->n; i++) {
    if (!(v->tokens[i] = lotse_strdup(src->tokens[i] ? src->tokens[i] : "")))
      return LOTSE_ENOMEM;
    v->types[i] = src->types ? src->types[i] : LLM_TOKT_NORMAL;
    if (v->scores) v->scores[i] = src->scores[i];
  }
  if (src->n_merges) {
    if (!(v->merges = calloc(src->n_merges, sizeof *v->merges))) return LOTSE_ENOMEM;
    for (; v->n_merges < src->n_merges; v->n_merges++)
      if (!(v->merges[v->n_merges] = lotse_strdup(src->merges[v->n_merges])))
        return LOTSE_ENOMEM;
  }
  v->model = lotse_strdup(src->model);
  v->pre = src->pre ? lotse_strdup(src->pre) : NULL;
  v->chat_template = src->chat_template ? lotse_strdup(src->chat_template) : NULL;
  if (!v->model || (src->pre && !v->pre) ||
      (src->chat_template && !v->chat_template))
    return LOTSE_ENOMEM;
  v->bos = src->bos; v->eos = src->eos; v->eot = src->eot;
  v->unk = src->unk; v->pad = src->pad;
  v->add_bos = src->add_bos; v->add_eos = src->add_eos;
  return 0;
}

static int build_ranks(llm_tokenizer_t *t) {
  size_t size = table_size(t->v.n_merges);
  t->ranks.key = calloc(size, sizeof *t->ranks.key);
  t->ranks.val = calloc(size, sizeof *t->ranks.val);
  if (!t->ranks.key || !t->ranks.val) return LOTSE_ENOMEM;
  t->ranks.mask = size - 1;
  for (size_t r = 0; r < t->v.n_merges && r < INT32_MAX; r++) {
    const char *m = t->v.merges[r];
    const char *sp = m[0] ? strchr(m + 1, ' ') : NULL;
    if (!sp) continue;
    int32_t a = llm_strmap_get(t, m, (size_t)(sp - m));
    int32_t b = llm_strmap_get(t, sp + 1, strlen(sp + 1));
    if (a >= 0 && b >= 0) pair_put(&t->ranks, a, b, (int32_t)r);
  }
  return 0;
}

static int cmp_special(const void *a, const void *b, const llm_tokenizer_t *t) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  if (t->len[x] != t->len[y]) return t->len[x] > t->len[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* qsort has no context argument: insertion sort is fine for the few
 * special tokens real vocabularies have (a few hundred at most). */
static void sort_specials(llm_tokenizer_t *t) {
  for (size_t i = 1; i < t->n_special; i++) {
    int32_t x = t->special[i];
    size_t j = i;
    while (j > 0 && cmp_special(&t->special[j - 1], &x, t) > 0) {
      t->special[j] = t->special[j - 1];
      j--;
    }
    t->special[j] = x;
  }
}

static int build_specials(llm_tokenizer_t *t) {
  t->special = malloc((t->v.n ? t->v.n : 1) * sizeof *t->special);
  if (!t->special) return LOTSE_ENOMEM;
  for (size_t i = 0; i < t->v.n; i++) {
    int ty = t->v.types[i];
    if ((ty == LLM_TOKT_CONTROL || ty == LLM_TOKT_USER_DEFINED ||
         ty == LLM_TOKT_UNKNOWN) && t->len[i] > 0)
      t->special[t->n_special++] = (int32_t)i;
  }
  sort_specials(t);
  return 0;
}

static void add_eog(llm_tokenizer_t *t, int32_t id) {
  if (id < 0 || (size_t)id >= t->v.n || t->n_eog == sizeof t->eog / sizeof t->eog[0])
    return;
  for (size_t i = 0; i < t->n_eog; i++)
    if (t->eog[i] == id) return;
  t->eog[t->n_eog++] = id;
}

static void drop_eog(llm_tokenizer_t *t, int32_t id) {
  for (size_t i = 0; i < t->n_eog; i++)
    if (t->eog[i] == id) t->eog[i] = t->eog[--t->n_eog];
}

static int32_t find_cstr(const llm_tokenizer_t *t, const char *s) {
  return llm_strmap_get(t, s, strlen(s));
}

/* llama.cpp recognises some tokens by their text when it loads a
 * vocabulary: end-of-generation and fill-in-the-middle markers become
 * control tokens even when the file says otherwise (Qwen's "</s>", for
 * one); we do the same so that special-token parsing agrees. */
static const char *const eog_texts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
    "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>",
    "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
    "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
    "<\xEF\xBD\x9C" "end\xE2\x96\x81" "of\xE2\x96\x81" "sentence\xEF\xBD\x9C>",
    "[e~["};
static const char *const fim_texts[] = {
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<PRE>",
    "\xE2\x96\x81<PRE>", "<|code_prefix|>", "<|prefix|>", "<|fim_suffix|>",
    "<fim-suffix>", "<fim_suffix>", "<SUF>", "\xE2\x96\x81<SUF>",
    "<|code_suffix|>", "<|suffix|>", "<|fim_middle|>", "<fim-middle>",
    "<fim_middle>", "<MID>", "\xE2\x96\x81<MID>", "<|code_middle|>",
    "<|middle|>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>",
    "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "hole\xEF\xBD\x9C>",
    "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>"};
static const char *const fim_eog_texts[] = {
    "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
    "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
    "<|file_sep|>"};

static void mark_control(llm_tokenizer_t *t, const char *const *texts,
                         size_t n, int eog) {
  for (size_t i = 0; i < n; i++) {
    int32_t id = find_cstr(t, texts[i]);
    if (id < 0) continue;
    if (t->v.types[id] != LLM_TOKT_UNKNOWN) t->v.types[id] = LLM_TOKT_CONTROL;
    if (eog) add_eog(t, id);
  }
}

static void set_type(llm_tokenizer_t *t, int32_t id, int type) {
  if (id >= 0) t->v.types[id] = type;
}

static void fix_types(llm_tokenizer_t *t) {
  mark_control(t, eog_texts, sizeof eog_texts / sizeof eog_texts[0], 1);
  mark_control(t, fim_texts, sizeof fim_texts / sizeof fim_texts[0], 0);
  mark_control(t, fim_eog_texts, sizeof fim_eog_texts / sizeof fim_eog_texts[0], 1);
  static const char *const always_user[] = {"<|channel|>", "<|message|>",
                                            "<|start|>", "<|constrain|>"};
  for (size_t i = 0; i < 4; i++)
    set_type(t, find_cstr(t, always_user[i]), LLM_TOKT_USER_DEFINED);
  add_eog(t, t->v.eos);
  add_eog(t, t->v.eot);
  int32_t end = find_cstr(t, "<|end|>"), ret = find_cstr(t, "<|return|>");
  int32_t call = find_cstr(t, "<|call|>"), calls = find_cstr(t, "<|calls|>");
  int32_t flush = find_cstr(t, "<|flush|>");
  if (end >= 0 && ((ret >= 0 && call >= 0) || ((call >= 0 || calls >= 0) && flush >= 0))) {
    drop_eog(t, end);
    set_type(t, end, LLM_TOKT_USER_DEFINED);
  }
  int32_t s_end = find_cstr(t, "</s>");
  if (s_end >= 0 && find_cstr(t, "<|tool_response>") >= 0) {
    drop_eog(t, s_end);
    set_type(t, s_end, LLM_TOKT_NORMAL);
  }
}

static void build_bytes(llm_tokenizer_t *t) {
  for (int b = 0; b < 256; b++) {
    char s[8];
    size_t n;
    if (t->is_spm) {
      static const char hex[] = "0123456789ABCDEF";
      memcpy(s, "<0x", 3);
      s[3] = hex[b >> 4]; s[4] = hex[b & 15]; s[5] = '>';
      n = 6;
    } else {
      n = llm_utf8_encode(llm_byte_to_cp((unsigned char)b), s);
    }
    t->byte_tok[b] = llm_strmap_get(t, s, n);
  }
}

/* Hash of two adjacent characters a (na bytes) + b, as one key. */
static uint64_t pair_hash(const char *a, size_t na, size_t nb) {
  return (hash_bytes(a, na + nb) ^ (uint64_t)na * 0x9E3779B97F4A7C15ull) | 1;
}

static void pairs_put(llm_tokenizer_t *t, uint64_t h) {
  size_t i = (size_t)(h >> 17) & t->pairs_mask;
  while (t->pairs[i] && t->pairs[i] != h) i = (i + 1) & t->pairs_mask;
  t->pairs[i] = h;
}

static int pairs_has(const llm_tokenizer_t *t, uint64_t h) {
  size_t i = (size_t)(h >> 17) & t->pairs_mask;
  for (; t->pairs[i]; i = (i + 1) & t->pairs_mask)
    if (t->pairs[i] == h) return 1;
  return 0;
}

/* Characters are cut as the merge sessions cut them (llm_utf8_len). */
static size_t char_len(const char *s, size_t left) {
  size_t k = llm_utf8_len((unsigned char)*s);
  return k < left ? k : left;
}

static int build_pairs(llm_tokenizer_t *t) {
  size_t total = 0;
  for (size_t i = 0; i < t->v.n; i++) total += t->len[i];
  size_t size = table_size(total);
  if (!(t->pairs = calloc(size, sizeof *t->pairs))) return LOTSE_ENOMEM;
  t->pairs_mask = size - 1;
  for (size_t i = 0; i < t->v.n; i++) {
    const char *s = t->v.tokens[i];
    size_t n = t->len[i], a = 0;
    if (!n) continue;
    size_t na = char_len(s, n);
    while (a + na < n) {
      size_t nb = char_len(s + a + na, n - a - na);
      pairs_put(t, pair_hash(s + a, na, nb));
      a += na;
      na = nb;
    }
  }
  return 0;
}

int llm_tokenizer_new(const llm_vocab_t *v, llm_tokenizer_t **out,
                      lotse_err_t *err) {
  *out = NULL;
  if (!v || !v->model || !v->n || !v->tokens)
    return lotse_err_set(err, LOTSE_EINVAL, "empty vocabulary");
  if (v->n > INT32_MAX - 1)
    return lotse_err_set(err, LOTSE_ETOOBIG, "vocabulary too large");
  int spm = strcmp(v->model, "llama") == 0;
  if (!spm && strcmp(v->model, "gpt2") != 0)
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported tokenizer model '%s'", v->model);
  llm_tokenizer_t *t = calloc(1, sizeof *t);
  if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = copy_vocab(v, &t->v);
  if (!rc && !(t->len = malloc(t->v.n * sizeof *t->len))) rc = LOTSE_ENOMEM;
  for (size_t i = 0; !rc && i < t->v.n; i++) t->len[i] = strlen(t->v.tokens[i]);
  if (!rc) rc = llm_strmap_init(&t->tok, t->v.tokens, t->len, t->v.n);
  if (!rc) rc = build_ranks(t);
  if (!rc) fix_types(t);
  if (!rc) rc = build_specials(t);
  if (!rc && spm) rc = build_pairs(t);
  if (rc) {
    llm_tokenizer_free(t);
    return lotse_err_set(err, rc, "out of memory");
  }
  t->is_spm = spm;
  t->pre = llm_pre_from_name(t->v.pre);
  t->ignore_merges = t->pre == LLM_PRE_LLAMA3;
  t->add_space_prefix = 1;
  build_bytes(t);
  *out = t;
  return 0;
}

int llm_tokenizer_from_gguf(const gguf_t *g, llm_tokenizer_t **out,
                            lotse_err_t *err) {
  llm_vocab_t v;
  *out = NULL;
  int rc = llm_vocab_from_gguf(g, &v, err);
  if (rc) return rc;
  rc = llm_tokenizer_new(&v, out, err);
  llm_vocab_release(&v);
  bool prefix;
  if (!rc && gguf_get_bool(g, "tokenizer.ggml.add_space_prefix", &prefix) == 0)
    (*out)->add_space_prefix = prefix;
  return rc;
}

void llm_tokenizer_free(llm_tokenizer_t *t) {
  if (!t) return;
  llm_vocab_release(&t->v);
  free(t->len);
  llm_strmap_release(&t->tok);
  free(t->ranks.key);
  free(t->ranks.val);
  free(t->special);
  free(t->pairs);
  free(t);
}

/* ---------------------------------------------------------- accessors */

size_t llm_tok_n_vocab(const llm_tokenizer_t *t) { return t->v.n; }
int32_t llm_tok_bos(const llm_tokenizer_t *t) { return t->v.bos; }
int32_t llm_tok_eos(const llm_tokenizer_t *t) { return t->v.eos; }
bool llm_tok_add_bos(const llm_tokenizer_t *t) { return t->v.add_bos; }

bool llm_tok_is_eog(const llm_tokenizer_t *t, int32_t id) {
  for (size_t i = 0; i < t->n_eog; i++)
    if (t->eog[i] == id) return true;
  return false;
}

int llm_tok_type(const llm_tokenizer_t *t, int32_t id) {
  if (id < 0 || (size_t)id >= t->v.n) return LOTSE_EINVAL;
  return t->v.types[id];
}

const char *llm_tok_text(const llm_tokenizer_t *t, int32_t id) {
  if (id < 0 || (size_t)id >= t->v.n) return "";
  return t->v.tokens[id];
}

int32_t llm_tok_find(const llm_tokenizer_t *t, const char *text, size_t n) {
  return llm_strmap_get(t, text, n);
}

int llm_tokens_push(llm_tokens_t *t, int32_t id) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    int32_t *v = realloc(t->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    t->v = v;
    t->cap = cap;
  }
  t->v[t->n++] = id;
  return 0;
}

void llm_tokens_release(llm_tokens_t *t) {
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

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
    g.rank = pair_find(&s->t->ranks, l->id, r->id);
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
  uint64_t h = hash_bytes(s->buf, s->buf_n) | 1;
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
  *w = (struct wentry){hash_bytes(s->buf, s->buf_n) | 1, (uint32_t)s->wtext_n,
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
    if (i < n && pairs_has(s->t, pair_hash(s->buf + s->sym[i - 1].off,
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
