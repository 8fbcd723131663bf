/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_schema.c — constrained-decoding runs: state, advance and the
 * per-step token mask (json_schema.h).
 *
 * Contract: a run owns its matcher state and, when started through
 * llm_jsonc_start(), its vocabulary index; advance changes the state only
 * when every byte of the token is accepted. The mask walks the byte trie
 * depth-first with one matcher state per depth, skipping the subtree of
 * a rejected byte; inside a string (after whole characters) the plain-text
 * tokens are decided from their code point counts and only the other
 * tokens are walked.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/json_schema_internal.h"

struct llm_jsonc_run {
  const llm_jsonc_t *c;
  const llm_jsonc_vocab_t *v;
  llm_jsonc_vocab_t *own;
  jm_state_t st;
  jm_state_t *stack; /* JM_TOKEN_MAX + 1 states for the trie walk */
  bool finished;     /* end of generation consumed: nothing may follow */
};

int llm_jsonc_start_vocab(const llm_jsonc_t *c, const llm_jsonc_vocab_t *v,
                          llm_jsonc_run_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!c) return lotse_err_set(err, LOTSE_EINVAL, "no compiled schema");
  llm_jsonc_run_t *r = calloc(1, sizeof *r);
  if (r) r->stack = malloc((JM_TOKEN_MAX + 1) * sizeof *r->stack);
  if (!r || !r->stack) {
    llm_jsonc_run_free(r);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  r->c = c;
  r->v = v;
  jm_init(c, &r->st);
  *out = r;
  return 0;
}

int llm_jsonc_start(const llm_jsonc_t *c, const llm_tokenizer_t *tok,
                    llm_jsonc_run_t **out, lotse_err_t *err) {
  *out = NULL;
  llm_jsonc_vocab_t *v = NULL;
  int rc = tok ? llm_jsonc_vocab_new(tok, &v, err) : 0;
  if (!rc) rc = llm_jsonc_start_vocab(c, v, out, err);
  if (rc) {
    llm_jsonc_vocab_free(v);
    return rc;
  }
  (*out)->own = v;
  return 0;
}

void llm_jsonc_run_free(llm_jsonc_run_t *r) {
  if (!r) return;
  llm_jsonc_vocab_free(r->own);
  free(r->stack);
  free(r);
}

static bool feed_all(const llm_jsonc_t *c, jm_state_t *s, const char *p,
                     size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!jm_feed(c, s, (uint8_t)p[i])) return false;
  return true;
}

bool llm_jsonc_accepts(const llm_jsonc_run_t *r, const char *p, size_t n) {
  if (!r || r->finished) return false;
  jm_state_t s;
  jm_copy(&s, &r->st);
  return feed_all(r->c, &s, p, n);
}

int llm_jsonc_advance_bytes(llm_jsonc_run_t *r, const char *p, size_t n) {
  if (!r || r->finished) return LOTSE_EINVAL;
  jm_state_t s;
  jm_copy(&s, &r->st);
  if (!feed_all(r->c, &s, p, n)) return LOTSE_EINVAL;
  jm_copy(&r->st, &s);
  return 0;
}

int llm_jsonc_advance(llm_jsonc_run_t *r, int32_t token) {
  if (!r || !r->v || r->finished || token < 0 ||
      (size_t)token >= r->v->n_vocab)
    return LOTSE_EINVAL;
  const llm_jsonc_vocab_t *v = r->v;
  switch (v->cls[token]) {
  case JV_EOG:
    if (!jm_done(r->c, &r->st)) return LOTSE_EINVAL;
    r->finished = true;
    return 0;
  case JV_TEXT:
  case JV_PLAIN:
    return llm_jsonc_advance_bytes(r, v->blob + v->off[token],
                                   v->off[token + 1] - v->off[token]);
  }
  return LOTSE_EINVAL;
}

bool llm_jsonc_can_end(const llm_jsonc_run_t *r) {
  return r && (r->finished || jm_done(r->c, &r->st));
}

/* Complete and no byte may follow (a closed container at the top is the
 * quick case; a top-level number is probed byte by byte). */
bool llm_jsonc_done(const llm_jsonc_run_t *r) {
  if (!r) return false;
  if (r->finished || (r->st.depth == 1 && jm_done(r->c, &r->st))) return true;
  if (!jm_done(r->c, &r->st)) return false;
  for (int b = 0; b < 256; b++) {
    jm_state_t s;
    jm_copy(&s, &r->st);
    if (jm_feed(r->c, &s, (uint8_t)b)) return false;
  }
  return true;
}

int llm_jsonc_complete(const llm_jsonc_run_t *r, lotse_buf_t *out) {
  if (!r || !out) return LOTSE_EINVAL;
  if (r->finished) return 0;
  size_t start = out->len;
  int rc = jm_complete(r->c, &r->st, out);
  jm_state_t s;
  jm_copy(&s, &r->st);
  if (!rc && !(feed_all(r->c, &s, out->data ? out->data + start : "",
                        out->len - start) &&
               jm_done(r->c, &s)))
    rc = LOTSE_EINTERNAL; /* a bug here: never hand out invalid bytes */
  if (rc) {
    out->len = start;
    if (out->data) out->data[start] = '\0';
  }
  return rc;
}

/* Depth-first over a preorder trie: state d+1 = state d + the node's
 * byte; a rejected byte skips the node's subtree. */
static void trie_walk(llm_jsonc_run_t *r, const jv_trie_t *t, uint8_t *mask) {
  const jv_node_t *n = t->n;
  jm_state_t *st = r->stack;
  jm_copy(&st[0], &r->st);
  for (uint32_t i = 1; i < t->count;) {
    uint32_t d = n[i].depth;
    jm_copy(&st[d], &st[d - 1]);
    if (!jm_feed(r->c, &st[d], n[i].byte)) {
      i = n[i].end;
      continue;
    }
    for (uint32_t k = 0; k < n[i].ntok; k++) mask[t->tok_ids[n[i].tok + k]] = 1;
    i++;
  }
}

void llm_jsonc_mask(llm_jsonc_run_t *r, uint8_t *mask) {
  if (!r || !r->v) return;
  const llm_jsonc_vocab_t *v = r->v;
  uint32_t room;
  if (r->finished) {
    memset(mask, 0, v->n_vocab);
    return;
  }
  if (jm_in_plain_string(r->c, &r->st, &room)) {
    if (room == UINT32_MAX) {
      for (size_t i = 0; i < v->n_vocab; i++) mask[i] = v->cls[i] == JV_PLAIN;
    } else {
      memset(mask, 0, v->n_vocab);
      for (size_t i = 0; i < v->n_plain; i++)
        if (v->plain_cp[i] <= room) mask[v->plain_ids[i]] = 1;
    }
    trie_walk(r, &v->rest, mask);
  } else {
    memset(mask, 0, v->n_vocab);
    trie_walk(r, &v->all, mask);
  }
  if (jm_done(r->c, &r->st))
    for (size_t i = 0; i < v->n_eog; i++) mask[v->eog[i]] = 1;
}
