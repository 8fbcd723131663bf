/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_vocab.c — what constrained decoding needs from a tokenizer:
 * every token's bytes, its class (text, plain string text, end of
 * generation, never) and two byte tries for the mask walk.
 *
 * Contract: only NORMAL and BYTE tokens with 1..JM_TOKEN_MAX bytes are
 * text; control, user-defined (e.g. <think>), unused and unknown tokens
 * are never allowed, end-of-generation tokens only at the end. The tries
 * are stored in preorder with each node's subtree end, so a walk that
 * rejects a byte skips the subtree in one jump; tokens with equal bytes
 * share a node. "rest" holds only the text tokens that are not plain, for
 * the fast path inside strings.
 * Invariant: a node's depth is its byte's position + 1; the root has 0.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/json_schema_internal.h"

typedef struct tok_ref {
  uint64_t key; /* first 8 bytes, big-endian, zero-padded: orders most
                   pairs without memcmp */
  const char *p;
  uint32_t len;
  int32_t id;
} tok_ref_t;

static tok_ref_t ref_make(const char *p, uint32_t len, int32_t id) {
  tok_ref_t r = {0, p, len, id};
  for (uint32_t i = 0; i < 8; i++)
    r.key = r.key << 8 | (i < len ? (uint8_t)p[i] : 0);
  return r;
}

static int ref_cmp(const void *a, const void *b) {
  const tok_ref_t *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  size_t n = x->len < y->len ? x->len : y->len;
  int r = memcmp(x->p, y->p, n);
  if (r) return r;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Code points if p[0..n) is plain string text, else -1. */
static long plain_cp(const char *p, uint32_t n) {
  long cp = 0;
  for (uint32_t i = 0; i < n;) {
    uint8_t b = (uint8_t)p[i++];
    cp++;
    if (b < 0x20 || b == '"' || b == '\\') return -1;
    if (b < 0x80) continue;
    uint32_t range;
    int need = jm_utf8_lead(b, &range);
    if (!need || i + (uint32_t)need > n) return -1;
    for (int k = 0; k < need; k++, range = 0x80bf) {
      uint8_t c = (uint8_t)p[i++];
      if (c < (range >> 8) || c > (range & 0xff)) return -1;
    }
  }
  return cp;
}

/* ------------------------------------------------------------- tries */

static void trie_release(jv_trie_t *t) {
  free(t->n);
  free(t->tok_ids);
  memset(t, 0, sizeof *t);
}

/* refs sorted by bytes; nodes <= total bytes + 1. */
static int trie_build(jv_trie_t *t, const tok_ref_t *refs, size_t n) {
  size_t bytes = 0;
  for (size_t i = 0; i < n; i++) bytes += refs[i].len;
  t->n = malloc((bytes + 1) * sizeof *t->n);
  t->tok_ids = malloc((n + 1) * sizeof *t->tok_ids);
  if (!t->n || !t->tok_ids) return LOTSE_ENOMEM;
  uint32_t path[JM_TOKEN_MAX + 1], cur = 0;
  t->n[0] = (jv_node_t){0};
  t->count = 1;
  path[0] = 0;
  for (size_t i = 0; i < n; i++) {
    const tok_ref_t *r = &refs[i];
    uint32_t lcp = 0;
    if (i > 0) {
      const tok_ref_t *q = &refs[i - 1];
      while (lcp < q->len && lcp < r->len && q->p[lcp] == r->p[lcp]) lcp++;
    }
    for (; cur > lcp; cur--) t->n[path[cur]].end = (uint32_t)t->count;
    for (; cur < r->len; cur++) {
      path[cur + 1] = (uint32_t)t->count;
      t->n[t->count++] = (jv_node_t){.byte = (uint8_t)r->p[cur],
                                     .depth = (uint8_t)(cur + 1)};
    }
    jv_node_t *nd = &t->n[path[r->len]];
    if (nd->ntok == 0) nd->tok = (uint32_t)i;
    if (nd->ntok < UINT16_MAX) nd->ntok++;
    t->tok_ids[i] = r->id;
  }
  for (; cur > 0; cur--) t->n[path[cur]].end = (uint32_t)t->count;
  t->n[0].end = (uint32_t)t->count;
  return 0;
}

/* ------------------------------------------------------------- tokens */

static int collect_bytes(const llm_tokenizer_t *tok, llm_jsonc_vocab_t *v) {
  size_t n = v->n_vocab, cap = n * 8 + 64, len = 0;
  v->blob = malloc(cap);
  if (!v->blob) return LOTSE_ENOMEM;
  char buf[JM_TOKEN_MAX + 1];
  size_t n_eog = 0;
  v->off[0] = 0;
  for (size_t id = 0; id < n; id++) {
    int32_t i = (int32_t)id, type = llm_tok_type(tok, i);
    v->cls[id] = JV_NONE;
    if (llm_tok_is_eog(tok, i)) {
      v->cls[id] = JV_EOG;
      v->eog[n_eog++] = i;
    } else if (type == LLM_TOKT_NORMAL || type == LLM_TOKT_BYTE) {
      int k = llm_token_bytes(tok, i, false, buf, sizeof buf);
      if (k > 0 && k <= JM_TOKEN_MAX) {
        if (len + (size_t)k > cap) {
          while (len + (size_t)k > cap) cap *= 2;
          char *nb = realloc(v->blob, cap);
          if (!nb) return LOTSE_ENOMEM;
          v->blob = nb;
        }
        memcpy(v->blob + len, buf, (size_t)k);
        len += (size_t)k;
        v->cls[id] = JV_TEXT;
      }
    }
    v->off[id + 1] = (uint32_t)len;
  }
  v->n_eog = n_eog;
  return 0;
}

/* Classify plain tokens and sort text tokens into "all" and "rest". */
static int build_tries(llm_jsonc_vocab_t *v) {
  size_t n = v->n_vocab, na = 0, nr = 0;
  tok_ref_t *all = malloc((n + 1) * sizeof *all);
  tok_ref_t *rest = malloc((n + 1) * sizeof *rest);
  v->plain_ids = malloc((n + 1) * sizeof *v->plain_ids);
  v->plain_cp = malloc((n + 1) * sizeof *v->plain_cp);
  int rc = (all && rest && v->plain_ids && v->plain_cp) ? 0 : LOTSE_ENOMEM;
  for (size_t id = 0; id < n && !rc; id++) {
    if (v->cls[id] != JV_TEXT) continue;
    tok_ref_t r = ref_make(v->blob + v->off[id],
                           v->off[id + 1] - v->off[id], (int32_t)id);
    all[na++] = r;
    long cp = plain_cp(r.p, r.len);
    if (cp < 0) {
      rest[nr++] = r;
      continue;
    }
    v->cls[id] = JV_PLAIN;
    v->plain_ids[v->n_plain] = (int32_t)id;
    v->plain_cp[v->n_plain++] = (uint32_t)cp;
  }
  if (!rc) {
    qsort(all, na, sizeof *all, ref_cmp);
    qsort(rest, nr, sizeof *rest, ref_cmp);
    rc = trie_build(&v->all, all, na);
  }
  if (!rc) rc = trie_build(&v->rest, rest, nr);
  free(all);
  free(rest);
  return rc;
}

int llm_jsonc_vocab_new(const llm_tokenizer_t *tok, llm_jsonc_vocab_t **out,
                        lotse_err_t *err) {
  *out = NULL;
  if (!tok) return lotse_err_set(err, LOTSE_EINVAL, "no tokenizer");
  llm_jsonc_vocab_t *v = calloc(1, sizeof *v);
  if (!v) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  v->n_vocab = llm_tok_n_vocab(tok);
  v->off = malloc((v->n_vocab + 1) * sizeof *v->off);
  v->cls = malloc(v->n_vocab + 1);
  v->eog = malloc((v->n_vocab + 1) * sizeof *v->eog);
  int rc = (v->off && v->cls && v->eog) ? 0 : LOTSE_ENOMEM;
  if (!rc) rc = collect_bytes(tok, v);
  if (!rc) rc = build_tries(v);
  if (rc) {
    llm_jsonc_vocab_free(v);
    return lotse_err_set(err, rc, "out of memory indexing the vocabulary");
  }
  *out = v;
  return 0;
}

void llm_jsonc_vocab_free(llm_jsonc_vocab_t *v) {
  if (!v) return;
  trie_release(&v->all);
  trie_release(&v->rest);
  free(v->eog);
  free(v->off);
  free(v->blob);
  free(v->cls);
  free(v->plain_ids);
  free(v->plain_cp);
  free(v);
}
