/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/aho.c — Aho-Corasick automaton (see aho.h).
 *
 * Build: (1) the byte classes: every byte that occurs in a pattern gets a
 * class 1..k, all others class 0; (2) the trie as rows of k+1 transitions
 * (0 = no child; no trie edge points back to the root, state 0); (3) a
 * breadth-first pass sets each state's failure state, fills the missing
 * transitions from it (so the table is a DFA) and links each state to the
 * nearest state on its failure chain that ends a pattern (`dict`).
 * Invariants: delta has nstates * nclass cells; out lists are acyclic.
 */
#include "analytics/logwatch/aho.h"

#include <stdlib.h>
#include <string.h>

#define LW_AHO_OUT 0x80000000u /* flag in delta: target state reports */

struct lw_aho {
  /* patterns until build */
  char *pbuf;
  size_t plen, pcap;
  size_t *poff, *plens;
  uint32_t *pid;
  size_t npat, patcap;
  /* automaton */
  int built;
  uint8_t cls[256];
  size_t nclass;
  uint32_t *delta; /* nstates * nclass */
  size_t nstates, scap;
  uint32_t *out_head; /* first output of a state, UINT32_MAX none */
  uint32_t *dict;     /* next state on the fail chain with outputs, 0 none */
  uint32_t *out_id, *out_next;
  size_t nout, ocap;
};

lw_aho *lw_aho_new(void) { return calloc(1, sizeof(lw_aho)); }

void lw_aho_free(lw_aho *a) {
  if (!a) return;
  free(a->pbuf), free(a->poff), free(a->plens), free(a->pid);
  free(a->delta), free(a->out_head), free(a->dict);
  free(a->out_id), free(a->out_next);
  free(a);
}

size_t lw_aho_states(const lw_aho *a) { return a ? a->nstates : 0; }

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * elem);
  if (!q) return LOTSE_ENOMEM;
  *p = q, *cap = n;
  return 0;
}

int lw_aho_add(lw_aho *a, const char *p, size_t len, uint32_t id) {
  if (!a || a->built || !p || len == 0) return LOTSE_EINVAL;
  size_t pc = a->patcap;
  if (a->npat + 1 > pc) {
    size_t c1 = pc, c2 = pc, c3 = pc;
    if (grow((void **)&a->poff, &c1, a->npat + 1, sizeof(size_t)) ||
        grow((void **)&a->plens, &c2, a->npat + 1, sizeof(size_t)) ||
        grow((void **)&a->pid, &c3, a->npat + 1, sizeof(uint32_t)))
      return LOTSE_ENOMEM;
    a->patcap = c1;
  }
  if (grow((void **)&a->pbuf, &a->pcap, a->plen + len, 1)) return LOTSE_ENOMEM;
  memcpy(a->pbuf + a->plen, p, len);
  a->poff[a->npat] = a->plen, a->plens[a->npat] = len, a->pid[a->npat] = id;
  a->plen += len, a->npat++;
  return 0;
}

static int new_state(lw_aho *a, uint32_t *s) {
  if (a->nstates + 1 > a->scap) {
    size_t n = a->scap ? a->scap * 2 : 256;
    if (n * a->nclass > LW_AHO_MAX_CELLS || n >= LW_AHO_OUT) {
      n = LW_AHO_MAX_CELLS / a->nclass;
      if (n <= a->nstates) return LOTSE_ELIMIT;
    }
    uint32_t *d = realloc(a->delta, n * a->nclass * sizeof(uint32_t));
    if (!d) return LOTSE_ENOMEM;
    a->delta = d;
    uint32_t *h = realloc(a->out_head, n * sizeof(uint32_t));
    if (!h) return LOTSE_ENOMEM;
    a->out_head = h;
    a->scap = n;
  }
  *s = (uint32_t)a->nstates++;
  memset(a->delta + (size_t)*s * a->nclass, 0, a->nclass * sizeof(uint32_t));
  a->out_head[*s] = UINT32_MAX;
  return 0;
}

static int add_out(lw_aho *a, uint32_t s, uint32_t id) {
  size_t c1 = a->ocap, c2 = a->ocap;
  if (grow((void **)&a->out_id, &c1, a->nout + 1, sizeof(uint32_t)) ||
      grow((void **)&a->out_next, &c2, a->nout + 1, sizeof(uint32_t)))
    return LOTSE_ENOMEM;
  a->ocap = c1;
  a->out_id[a->nout] = id;
  a->out_next[a->nout] = a->out_head[s];
  a->out_head[s] = (uint32_t)a->nout++;
  return 0;
}

static int build_trie(lw_aho *a) {
  uint32_t root;
  int rc = new_state(a, &root);
  for (size_t i = 0; !rc && i < a->npat; i++) {
    const uint8_t *p = (const uint8_t *)a->pbuf + a->poff[i];
    uint32_t s = 0;
    for (size_t j = 0; !rc && j < a->plens[i]; j++) {
      size_t cell = (size_t)s * a->nclass + a->cls[p[j]];
      if (a->delta[cell]) {
        s = a->delta[cell];
        continue;
      }
      uint32_t t;
      rc = new_state(a, &t);
      if (!rc) a->delta[(size_t)s * a->nclass + a->cls[p[j]]] = t, s = t;
    }
    if (!rc) rc = add_out(a, s, a->pid[i]);
  }
  return rc;
}

/* Number states in breadth-first order (bfs[0..n) without the root): the
 * shallow states, where a scan spends most of its time, then share a few
 * cache lines instead of being spread over the whole table. */
static int renumber(lw_aho *a, const uint32_t *bfs, size_t n) {
  size_t ns = a->nstates, nc = a->nclass;
  uint32_t *map = malloc(ns * sizeof *map);
  uint32_t *d = malloc(ns * nc * sizeof *d);
  uint32_t *oh = malloc(ns * sizeof *oh), *dl = malloc(ns * sizeof *dl);
  if (!map || !d || !oh || !dl) {
    free(map), free(d), free(oh), free(dl);
    return LOTSE_ENOMEM;
  }
  map[0] = 0;
  for (size_t i = 0; i < n; i++) map[bfs[i]] = (uint32_t)(i + 1);
  for (size_t s = 0; s < ns; s++) {
    uint32_t t = map[s];
    for (size_t c = 0; c < nc; c++) d[(size_t)t * nc + c] = map[a->delta[s * nc + c]];
    oh[t] = a->out_head[s];
    dl[t] = map[a->dict[s]];
  }
  free(a->delta), free(a->out_head), free(a->dict), free(map);
  a->delta = d, a->out_head = oh, a->dict = dl;
  /* flag transitions into states that report something (LW_AHO_OUT) so
   * a scan reads the output tables only then */
  for (size_t i = 0; i < ns * nc; i++) {
    uint32_t t = d[i];
    if (oh[t] != UINT32_MAX || dl[t]) d[i] = t | LW_AHO_OUT;
  }
  return 0;
}

/* Breadth-first: fail links, DFA completion, dictionary links. */
static int build_links(lw_aho *a) {
  size_t n = a->nstates, nc = a->nclass;
  uint32_t *fail = calloc(n, sizeof(uint32_t));
  uint32_t *queue = malloc(n * sizeof(uint32_t));
  a->dict = calloc(n, sizeof(uint32_t));
  if (!fail || !queue || !a->dict) {
    free(fail), free(queue);
    return LOTSE_ENOMEM;
  }
  size_t qh = 0, qt = 0;
  for (size_t c = 0; c < nc; c++)
    if (a->delta[c]) queue[qt++] = a->delta[c]; /* depth 1: fail = root */
  while (qh < qt) {
    uint32_t s = queue[qh++];
    uint32_t f = fail[s];
    a->dict[s] = a->out_head[f] != UINT32_MAX ? f : a->dict[f];
    for (size_t c = 0; c < nc; c++) {
      uint32_t *cell = &a->delta[(size_t)s * nc + c];
      uint32_t fc = a->delta[(size_t)f * nc + c];
      if (*cell) {
        fail[*cell] = fc;
        queue[qt++] = *cell;
      } else {
        *cell = fc;
      }
    }
  }
  free(fail);
  int rc = renumber(a, queue, qt);
  free(queue);
  return rc;
}

int lw_aho_build(lw_aho *a, lotse_err_t *err) {
  if (!a || a->built) return lotse_err_set(err, LOTSE_EINVAL, "automaton already built");
  int seen[256] = {0};
  for (size_t i = 0; i < a->plen; i++) seen[(uint8_t)a->pbuf[i]] = 1;
  a->nclass = 1;
  for (int b = 0; b < 256; b++)
    a->cls[b] = seen[b] ? (uint8_t)a->nclass++ : 0;
  int rc = build_trie(a);
  if (!rc) rc = build_links(a);
  free(a->pbuf), free(a->poff), free(a->plens), free(a->pid);
  a->pbuf = NULL, a->poff = a->plens = NULL, a->pid = NULL;
  a->plen = a->pcap = a->npat = a->patcap = 0;
  if (rc)
    return lotse_err_set(err, rc, rc == LOTSE_ELIMIT
                                      ? "pattern automaton too large"
                                      : "out of memory building the automaton");
  a->built = 1;
  return 0;
}

int lw_aho_scan(const lw_aho *a, const char *text, size_t len, lw_aho_cb cb,
                void *ud) {
  if (!a || !a->built || a->nstates == 0) return 0;
  const uint8_t *t = (const uint8_t *)text;
  const uint32_t *delta = a->delta;
  const uint8_t *cls = a->cls;
  size_t nc = a->nclass;
  uint32_t s = 0;
  for (size_t i = 0; i < len; i++) {
    uint32_t x = delta[(size_t)s * nc + cls[t[i]]];
    s = x & ~LW_AHO_OUT;
    if (!(x & LW_AHO_OUT)) continue;
    uint32_t o = a->out_head[s] != UINT32_MAX ? s : a->dict[s];
    while (o) {
      for (uint32_t k = a->out_head[o]; k != UINT32_MAX; k = a->out_next[k])
        if (cb(ud, a->out_id[k], i + 1)) return 1;
      o = a->dict[o];
    }
  }
  return 0;
}
