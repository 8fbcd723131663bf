/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/vocab_compile.c — a vocabulary compiled for tokenizing: hash tables
 * (token text -> id, merge pair -> rank, SentencePiece character pairs),
 * the special-token list, llama.cpp's load-time type fixes, accessors.
 *
 * Contract: llm_tokenizer_new() deep-copies the vocabulary; the result is
 * never written again, so threads may share it (llm/tokenizer.c keeps all
 * per-call state on its own).
 * Invariants: token text -> id keeps the last id of equal texts and merge
 * pair -> rank the first rank, as llama.cpp's maps do.
 */
#include "llm/tokenizer_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- hash tables */

uint64_t llm_hash_bytes(const char *s, size_t n) {
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
    size_t h = llm_hash_bytes(str[i], len[i]) & m->mask;
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
  for (size_t h = llm_hash_bytes(s, n) & m->mask;; h = (h + 1) & m->mask) {
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

int32_t llm_pair_rank(const llm_pairmap_t *m, int32_t a, int32_t b) {
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
uint64_t llm_pair_hash(const char *a, size_t na, size_t nb) {
  return (llm_hash_bytes(a, na + nb) ^ (uint64_t)na * 0x9E3779B97F4A7C15ull) | 1;
}

static void pairs_put(llm_tokenizer_t *t, uint64_t h) {
  size_t i = (size_t)(h >> 17) & t->pairs_mask;
  while (t->pairs[i] && t->pairs[i] != h) i = (i + 1) & t->pairs_mask;
  t->pairs[i] = h;
}

int llm_pairs_has(const llm_tokenizer_t *t, uint64_t h) {
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
      pairs_put(t, llm_pair_hash(s + a, na, nb));
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
