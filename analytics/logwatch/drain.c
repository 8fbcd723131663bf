/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain.c — Drain template mining (see drain.h).
 *
 * Layout: the tree is nodes in one array; the edges "parent + token →
 * child" live in one open-addressing hash table whose token bytes sit in
 * one growing arena, so learning a line allocates nothing unless the tree
 * or a cluster changes. The length layer is an array indexed by token
 * count. A variable token ("<*>", or only variables and punctuation such
 * as "<*>:" — lw_mask_is_var) routes to the node's wildcard child.
 *
 * Two stages: lw_drain_prepare (masks, tokens; per-thread scratch, no
 * shared writes) and lw_drain_learn (tree and clusters; one thread), so
 * drain_parse.c can run them as a pipeline.
 *
 * LW_DRAIN_CLASSIC reproduces logparser's Drain; otherwise lotse's general
 * rules apply (all in this file and mask.c, none per data set): built-in
 * number masking, adjacent "<*>" joined, variable-vs-variable positions
 * left out of the similarity, similarity must exceed st, and a generalised
 * token keeps its brackets/quotes/separators and a common "key=".
 *
 * Invariants: (1) every cluster in a leaf has the leaf's token count;
 * (2) cluster c's tok[i] points into c->text, which is the tokens joined by
 * one space; (3) node.nchild counts all children, the wildcard included
 * (as logparser's len(childD) does).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/drain_internal.h"
#include "analytics/logwatch/mask.h"

#include <stdlib.h>
#include <string.h>

static const char STAR[] = "<*>";

/* ---------------------------------------------------------------- utils */

/* Python's str.split() whitespace (ASCII part), and NUL: a template is a C
 * string, so a NUL inside a token would cut it short. */
static int is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) ||
         c == 0;
}

static uint64_t hash_tok(uint32_t parent, const char *p, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ parent;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

static int is_star(const char *p, size_t n) {
  return n == 3 && p[0] == '<' && p[1] == '*' && p[2] == '>';
}

static int has_digit(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] >= '0' && p[i] <= '9') return 1;
  return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 16;
  while (nc < need) nc *= 2;
  void *q = realloc(*p, nc * elem);
  if (!q) return LOTSE_ENOMEM;
  *p = q;
  *cap = nc;
  return 0;
}

/* ---------------------------------------------------------------- masks */

/* Replace every non-empty match of each mask with "<*>", in order. The
 * result is sc->mbuf[0 or 1][0..*outlen) (or s itself without masks). */
static int apply_masks(const lw_drain *d, lw_drain_scratch *sc, const char *s,
                       size_t n, const char **out, size_t *outlen) {
  const char *cur = s;
  size_t cl = n;
  for (size_t m = 0; m < d->n_masks; m++) {
    const lw_mask *mk = &d->masks[m];
    int w = (int)(m & 1);
    size_t pos = 0, ol = 0;
    if (grow((void **)&sc->mbuf[w], &sc->mcap[w], cl * 3 + 16, 1))
      return LOTSE_ENOMEM;
    char *o = sc->mbuf[w];
    while (pos <= cl) {
      int rc = mk->jit ? pcre2_jit_match(mk->re, (PCRE2_SPTR)cur, cl, pos, 0,
                                         sc->md, d->mc)
                       : pcre2_match(mk->re, (PCRE2_SPTR)cur, cl, pos, 0,
                                     sc->md, d->mc);
      if (rc < 0) break; /* no match (or limit): keep the rest */
      const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
      size_t ms = ov[0], me = ov[1];
      if (me <= ms) { /* empty match: ignored */
        if (ms >= cl) break;
        memcpy(o + ol, cur + pos, ms + 1 - pos);
        ol += ms + 1 - pos;
        pos = ms + 1;
        continue;
      }
      memcpy(o + ol, cur + pos, ms - pos);
      ol += ms - pos;
      memcpy(o + ol, STAR, 3);
      ol += 3;
      pos = me;
    }
    if (pos < cl) {
      memcpy(o + ol, cur + pos, cl - pos);
      ol += cl - pos;
    }
    cur = o;
    cl = ol;
  }
  *out = cur;
  *outlen = cl;
  return 0;
}

/* Split at whitespace into sc->tp/tl/tv, each token masked by mask.h and
 * runs of "<*>" tokens joined into one, unless classic; returns the count,
 * -1 for too many tokens, -2 out of memory. */
static long tokenize(lw_drain_scratch *sc, const char *s, size_t n,
                     int classic) {
  size_t k = 0, i = 0, o = 0;
  if (!classic && grow((void **)&sc->tbuf, &sc->tbcap, 3 * n + 3, 1)) return -2;
  while (i < n) {
    while (i < n && is_space((unsigned char)s[i])) i++;
    if (i == n) break;
    size_t b = i;
    while (i < n && !is_space((unsigned char)s[i])) i++;
    if (k == LW_DRAIN_MAX_TOKENS) return -1;
    if (classic) {
      sc->tp[k] = s + b;
      sc->tl[k] = (uint32_t)(i - b);
      sc->tv[k] = is_star(s + b, i - b);
    } else {
      size_t m = lw_mask_token(s + b, i - b, sc->tbuf + o);
      sc->tp[k] = sc->tbuf + o;
      sc->tl[k] = (uint32_t)m;
      sc->tv[k] = (uint8_t)lw_mask_is_var(sc->tp[k], m);
      o += m;
      if (k && m == 3 && is_star(sc->tp[k], 3) && sc->tl[k - 1] == 3 &&
          is_star(sc->tp[k - 1], 3))
        continue; /* "<*> <*>" is one variable slot (a list, a date) */
    }
    k++;
  }
  return (long)k;
}

int lw_drain_scratch_init(lw_drain_scratch *s) {
  memset(s, 0, sizeof *s);
  s->md = pcre2_match_data_create(16, NULL);
  s->tp = malloc(LW_DRAIN_MAX_TOKENS * sizeof *s->tp);
  s->tl = malloc(LW_DRAIN_MAX_TOKENS * sizeof *s->tl);
  s->tv = malloc(LW_DRAIN_MAX_TOKENS);
  if (s->md && s->tp && s->tl && s->tv) return 0;
  lw_drain_scratch_release(s);
  return LOTSE_ENOMEM;
}

void lw_drain_scratch_release(lw_drain_scratch *s) {
  pcre2_match_data_free(s->md);
  free(s->mbuf[0]), free(s->mbuf[1]), free(s->tbuf);
  free(s->tp), free(s->tl), free(s->tv);
  memset(s, 0, sizeof *s);
}

long lw_drain_prepare(const lw_drain *d, lw_drain_scratch *s,
                      const char *content, size_t len) {
  if (len > LW_DRAIN_MAX_MSG) return LOTSE_ETOOBIG;
  const char *m;
  size_t ml;
  int rc = apply_masks(d, s, content, len, &m, &ml);
  if (rc) return rc;
  long ntok = tokenize(s, m, ml, (d->flags & LW_DRAIN_CLASSIC) != 0);
  if (ntok < 0) return ntok == -2 ? LOTSE_ENOMEM : LOTSE_ETOOBIG;
  return ntok;
}

/* ----------------------------------------------------------------- tree */

/* Index of a fresh node; 0 on failure (node 0 is made first, by
 * lw_drain_new, and means "none" afterwards). */
static uint32_t node_new(lw_drain *d) {
  if (grow((void **)&d->nodes, &d->ncap, d->nnodes + 1, sizeof *d->nodes) ||
      d->nnodes >= UINT32_MAX)
    return 0;
  memset(&d->nodes[d->nnodes], 0, sizeof *d->nodes);
  return (uint32_t)d->nnodes++;
}

static uint32_t edge_find(const lw_drain *d, uint32_t parent, const char *p,
                          size_t n) {
  if (!d->ecap) return 0;
  uint64_t h = hash_tok(parent, p, n);
  for (size_t i = h & (d->ecap - 1);; i = (i + 1) & (d->ecap - 1)) {
    const lw_edge *e = &d->edges[i];
    if (!e->child) return 0;
    if (e->h == h && e->parent == parent && e->len == n &&
        !memcmp(d->arena + e->off, p, n))
      return e->child;
  }
}

static int edge_rehash(lw_drain *d) {
  size_t nc = d->ecap ? d->ecap * 2 : 1024;
  lw_edge *ne = calloc(nc, sizeof *ne);
  if (!ne) return LOTSE_ENOMEM;
  for (size_t i = 0; i < d->ecap; i++) {
    if (!d->edges[i].child) continue;
    size_t j = d->edges[i].h & (nc - 1);
    while (ne[j].child) j = (j + 1) & (nc - 1);
    ne[j] = d->edges[i];
  }
  free(d->edges);
  d->edges = ne;
  d->ecap = nc;
  return 0;
}

static uint32_t edge_add(lw_drain *d, uint32_t parent, const char *p,
                         size_t n) {
  if (d->alen + n >= UINT32_MAX) return 0; /* offsets are 32-bit */
  if ((d->nedges + 1) * 2 > d->ecap && edge_rehash(d)) return 0;
  if (grow((void **)&d->arena, &d->acap, d->alen + n + 1, 1)) return 0;
  uint32_t child = node_new(d);
  if (!child) return 0;
  memcpy(d->arena + d->alen, p, n);
  uint64_t h = hash_tok(parent, p, n);
  size_t i = h & (d->ecap - 1);
  while (d->edges[i].child) i = (i + 1) & (d->ecap - 1);
  d->edges[i] = (lw_edge){h, parent, child, (uint32_t)d->alen, (uint32_t)n};
  d->alen += n;
  d->nedges++;
  d->nodes[parent].nchild++;
  return child;
}

static uint32_t star_add(lw_drain *d, uint32_t parent) {
  uint32_t c = node_new(d);
  if (!c) return 0;
  d->nodes[parent].star = c;
  d->nodes[parent].nchild++;
  return c;
}

/* The leaf for a token sequence when searching (0: none), logparser's
 * treeSearch. */
static uint32_t leaf_search(const lw_drain *d, size_t ntok) {
  if (ntok >= d->lencap || !d->len_node[ntok]) return 0;
  uint32_t nd = d->len_node[ntok];
  size_t depth = (size_t)d->depth - 2;
  for (size_t i = 0; i < ntok && i + 1 < depth; i++) {
    uint32_t c = d->tv[i] ? 0 : edge_find(d, nd, d->tp[i], d->tl[i]);
    if (!c) c = d->nodes[nd].star;
    if (!c) return 0;
    nd = c;
  }
  return nd;
}

/* One step of logparser's addSeqToPrefixTree below node nd. */
static uint32_t step_add(lw_drain *d, uint32_t nd, const char *p, size_t n,
                         int var) {
  lw_node *x = &d->nodes[nd];
  if (var) return x->star ? x->star : star_add(d, nd);
  uint32_t c = edge_find(d, nd, p, n);
  if (c) return c;
  size_t maxc = (size_t)d->max_children;
  if (has_digit(p, n)) return x->star ? x->star : star_add(d, nd);
  if (x->star)
    return x->nchild < maxc ? edge_add(d, nd, p, n) : x->star;
  if (x->nchild + 1 < maxc) return edge_add(d, nd, p, n);
  return star_add(d, nd);
}

/* The leaf to insert a new cluster of the current tokens into. */
static uint32_t leaf_insert(lw_drain *d, size_t ntok) {
  if (ntok >= d->lencap) {
    size_t old = d->lencap;
    if (grow((void **)&d->len_node, &d->lencap, ntok + 1, sizeof(uint32_t)))
      return 0;
    memset(d->len_node + old, 0, (d->lencap - old) * sizeof(uint32_t));
  }
  if (!d->len_node[ntok] && !(d->len_node[ntok] = node_new(d))) return 0;
  uint32_t nd = d->len_node[ntok];
  size_t depth = (size_t)d->depth - 2;
  for (size_t i = 0; i < ntok && i + 1 < depth; i++) {
    nd = step_add(d, nd, d->tp[i], d->tl[i], d->tv[i]);
    if (!nd) return 0;
  }
  return nd;
}

/* ------------------------------------------------------------- clusters */

/* Set c's tokens from ptr/len arrays (which may point into c->text). */
static int cluster_set(lw_cluster *c, const char *const *tp,
                       const uint32_t *tl, size_t ntok) {
  size_t total = 0;
  for (size_t i = 0; i < ntok; i++) total += tl[i] + 1;
  char *t = malloc(total ? total : 1);
  if (!t) return LOTSE_ENOMEM;
  size_t o = 0;
  for (size_t i = 0; i < ntok; i++) {
    memcpy(t + o, tp[i], tl[i]);
    o += tl[i];
    t[o++] = ' ';
  }
  t[total ? total - 1 : 0] = 0;
  o = 0;
  for (size_t i = 0; i < ntok; i++) {
    c->tok[i] = t + o;
    c->tl[i] = tl[i];
    c->var[i] = (uint8_t)lw_mask_is_var(c->tok[i], c->tl[i]);
    o += tl[i] + 1;
  }
  free(c->text);
  c->text = t;
  return 0;
}

static uint32_t cluster_new(lw_drain *d, uint32_t leaf, size_t ntok) {
  if (grow((void **)&d->cl, &d->clcap, d->ncl + 2, sizeof *d->cl)) return 0;
  lw_node *x = &d->nodes[leaf];
  if (grow((void **)&x->cl, &x->clcap, x->ncl + 1, sizeof(uint32_t)))
    return 0;
  lw_cluster *c = calloc(1, sizeof *c);
  if (!c) return 0;
  c->ntok = (uint32_t)ntok;
  c->tok = malloc((ntok ? ntok : 1) * sizeof *c->tok);
  c->tl = malloc((ntok ? ntok : 1) * sizeof *c->tl);
  c->var = malloc(ntok ? ntok : 1);
  if (!c->tok || !c->tl || !c->var ||
      cluster_set(c, (const char *const *)d->tp, d->tl, ntok)) {
    free(c->tok), free(c->tl), free(c->var), free(c);
    return 0;
  }
  uint32_t id = (uint32_t)++d->ncl; /* ids start at 1; d->cl[0] unused */
  d->cl[id] = c;
  x->cl[x->ncl++] = id;
  return id;
}

/* logparser's fastMatch: best similarity, ties to more wildcards, first
 * found on equal both. Similarity = equal tokens / tokens, joined when it
 * reaches st. Not classic: positions where both sides are variables
 * (lw_mask_is_var) count neither as equal nor in the denominator — a masked
 * number in a template's variable slot says nothing about whether the
 * constant text agrees — and the similarity must exceed st, so that with
 * st 0.5 two messages of which half the words differ ("Link ok" / "Link
 * error") stay apart. */
static uint32_t best_match(const lw_drain *d, uint32_t leaf, size_t ntok) {
  const lw_node *x = &d->nodes[leaf];
  int classic = (d->flags & LW_DRAIN_CLASSIC) != 0;
  double best = -1;
  long bestpar = -1;
  uint32_t bestid = 0;
  for (size_t k = 0; k < x->ncl; k++) {
    const lw_cluster *c = d->cl[x->cl[k]];
    size_t sim = 0, both = 0;
    long par = 0;
    for (size_t i = 0; i < ntok; i++) {
      int star = c->tl[i] == 3 && is_star(c->tok[i], 3);
      par += star;
      if (!classic && c->var[i] && d->tv[i]) {
        both++;
        continue;
      }
      if (star) continue;
      if (c->tl[i] == d->tl[i] && !memcmp(c->tok[i], d->tp[i], d->tl[i]))
        sim++;
    }
    double s = ntok > both ? (double)sim / (double)(ntok - both) : 1.0;
    if (s > best || (s == best && par > bestpar)) {
      best = s;
      bestpar = par;
      bestid = x->cl[k];
    }
  }
  if (classic) return bestid && best >= d->st ? bestid : 0;
  return bestid && best > d->st ? bestid : 0;
}

/* Punctuation kept around a generalised token: opening brackets and
 * quotes in front, closing ones and separators behind (not '/' or '.',
 * which belong to paths and names). */
static int keep_punct(unsigned char c, int front) {
  return front ? c && strchr("([{'\"", c) != NULL
               : c && strchr(")]}'\",;:", c) != NULL;
}

/* Length of the kept punctuation both tokens start with (fwd) or end with. */
static size_t common_punct(const char *a, size_t na, const char *b, size_t nb,
                           int fwd) {
  size_t k = 0;
  while (k < na && k < nb) {
    char x = fwd ? a[k] : a[na - 1 - k], y = fwd ? b[k] : b[nb - 1 - k];
    if (x != y || !keep_punct((unsigned char)x, fwd)) break;
    k++;
  }
  return k;
}

/* "key=" both tokens start with ("user=root" / "user=guest" → "user=<*>"):
 * the common prefix up to its last '=' or ':' (0: none). */
static size_t key_prefix(const char *a, size_t na, const char *b, size_t nb) {
  size_t k = 0, last = 0;
  while (k < na && k < nb && a[k] == b[k]) {
    if ((a[k] == '=' || a[k] == ':') && k > 0) last = k + 1;
    k++;
  }
  return last;
}

/* Turn the tokens of c that differ from the current ones into "<*>" —
 * not classic: keeping the brackets, quotes and separators both start and
 * end with, so "[A8]" and "[B2]" give "[<*>]", "ntp1," and "ntp2," give
 * "<*>,". */
static int cluster_update(lw_drain *d, lw_cluster *c) {
  int changed = 0, classic = (d->flags & LW_DRAIN_CLASSIC) != 0;
  size_t need = 0;
  for (size_t i = 0; i < c->ntok; i++) need += c->tl[i] + 3;
  char *tmp = NULL;
  size_t o = 0;
  for (size_t i = 0; i < c->ntok; i++) {
    if (is_star(c->tok[i], c->tl[i])) continue;
    if (c->tl[i] == d->tl[i] && !memcmp(c->tok[i], d->tp[i], d->tl[i]))
      continue;
    changed = 1;
    size_t pre = classic ? 0 : common_punct(c->tok[i], c->tl[i], d->tp[i],
                                            d->tl[i], 1);
    size_t suf = classic ? 0 : common_punct(c->tok[i], c->tl[i], d->tp[i],
                                            d->tl[i], 0);
    if (!classic) {
      size_t kv = key_prefix(c->tok[i], c->tl[i], d->tp[i], d->tl[i]);
      if (kv > pre) pre = kv;
    }
    size_t mn = c->tl[i] < d->tl[i] ? c->tl[i] : d->tl[i];
    if (pre + suf >= mn) pre = suf = 0; /* overlap: "--" vs "---" */
    if (!pre && !suf) {
      c->tok[i] = STAR;
      c->tl[i] = 3;
      continue;
    }
    if (!tmp && !(tmp = malloc(need))) return LOTSE_ENOMEM;
    char *t = tmp + o;
    memcpy(t, c->tok[i], pre);
    memcpy(t + pre, STAR, 3);
    memcpy(t + pre + 3, c->tok[i] + c->tl[i] - suf, suf);
    c->tok[i] = t;
    c->tl[i] = (uint32_t)(pre + 3 + suf);
    o += c->tl[i];
  }
  int rc = changed ? cluster_set(c, (const char *const *)c->tok, c->tl,
                                 c->ntok) : 0;
  free(tmp);
  return rc;
}

static int learn(lw_drain *d, size_t ntok, uint64_t count,
                 uint32_t *cluster_id, int *is_new) {
  uint32_t leaf = leaf_search(d, ntok);
  uint32_t id = leaf ? best_match(d, leaf, ntok) : 0;
  *is_new = 0;
  if (id) {
    int rc = cluster_update(d, d->cl[id]);
    if (rc) return rc;
  } else {
    leaf = leaf_insert(d, ntok);
    if (!leaf || !(id = cluster_new(d, leaf, ntok))) return LOTSE_ENOMEM;
    *is_new = 1;
  }
  d->cl[id]->size += count;
  *cluster_id = id;
  return 0;
}

/* ------------------------------------------------------------------ api */

static int compile_masks(lw_drain *d, const lw_drain_opts *o,
                         lotse_err_t *err) {
  d->masks = calloc(o->n_masks ? o->n_masks : 1, sizeof *d->masks);
  if (!d->masks) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < o->n_masks; i++) {
    int ec;
    PCRE2_SIZE eo;
    if (!o->masks[i] || !*o->masks[i])
      return lotse_err_set(err, LOTSE_EINVAL, "empty mask pattern");
    d->masks[i].re = pcre2_compile((PCRE2_SPTR)o->masks[i],
                                   PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    if (!d->masks[i].re) {
      char msg[160];
      pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
      return lotse_err_set(err, LOTSE_EINVAL,
                           "bad mask '%s': %s (at offset %zu)", o->masks[i],
                           msg, (size_t)eo);
    }
    d->masks[i].jit = pcre2_jit_compile(d->masks[i].re, PCRE2_JIT_COMPLETE) == 0;
    d->n_masks++;
  }
  d->mc = pcre2_match_context_create(NULL);
  if (d->mc) { /* a mask over its limit stops masking that line */
    pcre2_set_match_limit(d->mc, 100000);
    pcre2_set_depth_limit(d->mc, 10000);
  }
  return d->mc && !lw_drain_scratch_init(&d->sc) ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int check_opts(lw_drain *d, const lw_drain_opts *o, lotse_err_t *err) {
  d->depth = o && o->depth ? o->depth : 4;
  d->st = o && o->st != 0 ? o->st : 0.4;
  d->max_children = o && o->max_children ? o->max_children : 100;
  d->flags = o ? o->flags : 0;
  if (d->depth < 3 || d->depth > 64)
    return lotse_err_set(err, LOTSE_EINVAL, "depth %d out of range 3..64",
                         d->depth);
  if (!(d->st > 0 && d->st <= 1))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "similarity threshold %g out of range (0, 1]", d->st);
  if (d->max_children < 2)
    return lotse_err_set(err, LOTSE_EINVAL, "max_children %d below 2",
                         d->max_children);
  if (o && o->n_masks && !o->masks)
    return lotse_err_set(err, LOTSE_EINVAL, "masks missing");
  return 0;
}

lw_drain *lw_drain_new(const lw_drain_opts *o, lotse_err_t *err) {
  lw_drain *d = calloc(1, sizeof *d);
  if (!d) {
    lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    return NULL;
  }
  static const lw_drain_opts none;
  if (check_opts(d, o, err) || compile_masks(d, o ? o : &none, err)) {
    lw_drain_free(d);
    return NULL;
  }
  d->tp = malloc(LW_DRAIN_MAX_TOKENS * sizeof *d->tp);
  d->tl = malloc(LW_DRAIN_MAX_TOKENS * sizeof *d->tl);
  d->tv = malloc(LW_DRAIN_MAX_TOKENS);
  if (!d->tp || !d->tl || !d->tv || node_new(d) != 0 /* node 0: "none" */) {
    lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    lw_drain_free(d);
    return NULL;
  }
  return d;
}

int lw_drain_learn(lw_drain *d, size_t ntok, const char *const *tp,
                   const uint32_t *tl, const uint8_t *tv,
                   uint32_t *cluster_id, int *is_new) {
  if (tp != d->tp) {
    memcpy(d->tp, tp, ntok * sizeof *tp);
    memcpy(d->tl, tl, ntok * sizeof *tl);
    memcpy(d->tv, tv, ntok);
  }
  return learn(d, ntok, 1, cluster_id, is_new);
}

int lw_drain_add(lw_drain *d, const char *content, size_t len,
                 uint32_t *cluster_id, int *is_new) {
  int dummy;
  if (!is_new) is_new = &dummy;
  *cluster_id = 0;
  *is_new = 0;
  long ntok = lw_drain_prepare(d, &d->sc, content, len);
  if (ntok < 0) return (int)ntok;
  return lw_drain_learn(d, (size_t)ntok, (const char *const *)d->sc.tp,
                        d->sc.tl, d->sc.tv, cluster_id, is_new);
}

int lw_drain_seed(lw_drain *d, const char *template_text, uint64_t count,
                  uint32_t *cluster_id) {
  *cluster_id = 0;
  size_t len = strlen(template_text);
  if (len > LW_DRAIN_MAX_MSG) return LOTSE_ETOOBIG;
  long ntok = tokenize(&d->sc, template_text, len, 1);
  if (ntok < 0) return LOTSE_ETOOBIG;
  memcpy(d->tp, d->sc.tp, (size_t)ntok * sizeof *d->tp);
  memcpy(d->tl, d->sc.tl, (size_t)ntok * sizeof *d->tl);
  for (long k = 0; k < ntok; k++) /* route as lw_drain_add would */
    d->tv[k] = (d->flags & LW_DRAIN_CLASSIC)
                   ? (uint8_t)is_star(d->tp[k], d->tl[k])
                   : (uint8_t)lw_mask_is_var(d->tp[k], d->tl[k]);
  uint32_t leaf = leaf_search(d, (size_t)ntok);
  const lw_node *x = leaf ? &d->nodes[leaf] : NULL;
  for (size_t k = 0; x && k < x->ncl; k++) {
    lw_cluster *c = d->cl[x->cl[k]];
    size_t i = 0;
    while (i < c->ntok && c->tl[i] == d->tl[i] &&
           !memcmp(c->tok[i], d->tp[i], d->tl[i]))
      i++;
    if (i == c->ntok) {
      c->size += count;
      *cluster_id = x->cl[k];
      return 0;
    }
  }
  leaf = leaf_insert(d, (size_t)ntok);
  uint32_t id = leaf ? cluster_new(d, leaf, (size_t)ntok) : 0;
  if (!id) return LOTSE_ENOMEM;
  d->cl[id]->size = count;
  *cluster_id = id;
  return 0;
}

size_t lw_drain_count(const lw_drain *d) { return d->ncl; }

const char *lw_drain_template(const lw_drain *d, uint32_t id) {
  return id && id <= d->ncl ? d->cl[id]->text : NULL;
}

uint64_t lw_drain_size(const lw_drain *d, uint32_t id) {
  return id && id <= d->ncl ? d->cl[id]->size : 0;
}

void lw_drain_free(lw_drain *d) {
  if (!d) return;
  for (size_t i = 1; i <= d->ncl; i++) {
    free(d->cl[i]->text), free(d->cl[i]->tok), free(d->cl[i]->tl);
    free(d->cl[i]->var);
    free(d->cl[i]);
  }
  free(d->cl);
  for (size_t i = 0; i < d->nnodes; i++) free(d->nodes[i].cl);
  free(d->nodes);
  free(d->edges);
  free(d->arena);
  free(d->len_node);
  for (size_t i = 0; i < d->n_masks; i++) pcre2_code_free(d->masks[i].re);
  free(d->masks);
  pcre2_match_context_free(d->mc);
  lw_drain_scratch_release(&d->sc);
  free(d->tp), free(d->tl), free(d->tv);
  free(d);
}
