/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_match.c — matching events against the compiled
 * rules: the prefilter (needles → Aho-Corasick), the per-event view (field
 * ids, lower-cased values), log source predicates and rule evaluation.
 *
 * Prefilter soundness: for each rule a set of needles is derived from its
 * condition such that whenever the rule matches, at least one needle
 * occurs in the lower-cased text of some field value: a selection needs
 * one of its maps, a map needs its best test, a test one of its values
 * (its best one with |all), AND takes the better side, OR both, NOT
 * nothing. A value contributes the last LW_SIGMA_WINDOW bytes of its
 * longest literal run (a substring of every matching text); regular
 * expressions, cidr, null, comparisons and case-sensitive values give
 * none. Rules without needles are evaluated for every event of their log
 * source ("always" list). tests/unit/logwatch/test_sigma.c checks that
 * results with and without the prefilter are equal.
 */
#include "analytics/logwatch/sigma_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LW_SIGMA_WINDOW 8
#define LW_SIGMA_MIN_NEEDLE 3

/* ------------------------------------------------------------- needles */

typedef struct ndl {
  const char *p;
  uint32_t n;
  int field; /* the test's field; -1 for keywords (any value) */
} ndl;

typedef struct nset {
  ndl *v;
  size_t n;
  int none; /* no needle set: anything may match */
} nset;

static void ns_free(nset *s) { free(s->v), s->v = NULL, s->n = 0; }

static int ns_add(nset *s, const char *p, uint32_t n, int field) {
  ndl *q = realloc(s->v, (s->n + 1) * sizeof *q);
  if (!q) return LOTSE_ENOMEM;
  s->v = q, s->v[s->n++] = (ndl){p, n, field};
  return 0;
}

static int ns_union(nset *a, nset *b) { /* a |= b; frees b */
  if (a->none || b->none) {
    ns_free(a), ns_free(b);
    a->none = 1;
    return 0;
  }
  for (size_t i = 0; i < b->n; i++)
    if (ns_add(a, b->v[i].p, b->v[i].n, b->v[i].field)) {
      ns_free(b);
      return LOTSE_ENOMEM;
    }
  ns_free(b);
  return 0;
}

static uint32_t ns_score(const nset *s) {
  if (s->none || s->n == 0) return 0;
  uint32_t m = UINT32_MAX;
  for (size_t i = 0; i < s->n; i++) m = s->v[i].n < m ? s->v[i].n : m;
  return m;
}

static void ns_best(nset *a, nset *b) { /* a = better of a, b; frees other */
  uint32_t sa = ns_score(a), sb = ns_score(b);
  if (sb > sa || (sb == sa && sb > 0 && b->n < a->n)) {
    ns_free(a);
    *a = *b;
  } else {
    ns_free(b);
  }
  memset(b, 0, sizeof *b);
}

static nset value_needles(const sg_value *v, int field) {
  nset s = {NULL, 0, 1};
  if (v->cased || v->kind > SG_GLOB) return s;
  size_t best = 0, bl = 0;
  for (size_t i = 0; i < v->len;) {
    if (v->mask && v->mask[i]) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < v->len && !(v->mask && v->mask[j])) j++;
    if (j - i > bl) best = i, bl = j - i;
    i = j;
  }
  if (bl < LW_SIGMA_MIN_NEEDLE || memchr(v->s + best, 0, bl)) return s;
  if (bl > LW_SIGMA_WINDOW) best += bl - LW_SIGMA_WINDOW, bl = LW_SIGMA_WINDOW;
  s.none = 0;
  if (ns_add(&s, v->s + best, (uint32_t)bl, field)) s.none = 1;
  return s;
}

static nset test_needles(const sg_test *t) {
  nset acc = {NULL, 0, t->all ? 1 : 0};
  for (size_t i = 0; i < t->nv; i++) {
    nset one = value_needles(&t->v[i], t->field);
    if (!t->all) {
      if (ns_union(&acc, &one)) acc.none = 1;
    } else if (!one.none) {
      if (acc.none) acc = one;
      else ns_best(&acc, &one);
    }
  }
  if (!acc.none && acc.n == 0) acc.none = 1;
  return acc;
}

static nset sel_needles(const sg_sel *sel) {
  nset acc = {NULL, 0, 0};
  for (size_t i = 0; i < sel->nm && !acc.none; i++) {
    nset best = {NULL, 0, 1};
    for (size_t k = 0; k < sel->m[i].nt; k++) {
      nset one = test_needles(&sel->m[i].t[k]);
      if (best.none && !one.none) {
        best = one;
        continue;
      }
      if (!one.none) ns_best(&best, &one);
      ns_free(&one);
    }
    if (ns_union(&acc, &best)) acc.none = 1;
  }
  if (!acc.none && acc.n == 0) acc.none = 1;
  return acc;
}

static nset node_needles(const sg_rule *r, uint32_t n) {
  const sg_node *x = &r->node[n];
  nset a, b, none = {NULL, 0, 1};
  switch (x->op) {
  case SG_N_SEL:
    return sel_needles(&r->sel[x->a]);
  case SG_N_AND:
    a = node_needles(r, x->a), b = node_needles(r, x->b);
    if (a.none) return b;
    if (!b.none) ns_best(&a, &b);
    return a;
  case SG_N_OR:
    a = node_needles(r, x->a), b = node_needles(r, x->b);
    if (ns_union(&a, &b)) a.none = 1;
    return a;
  default:
    return none;
  }
}

static int push_u32(uint32_t **v, uint32_t *n, uint32_t x) {
  if ((*n & (*n - 1)) == 0) { /* grow at powers of two */
    uint32_t *q = realloc(*v, (*n ? *n * 2 : 1) * sizeof *q);
    if (!q) return LOTSE_ENOMEM;
    *v = q;
  }
  (*v)[(*n)++] = x;
  return 0;
}

int lw_sigma_compile(lw_sigma *s, lotse_err_t *err) {
  if (s->compiled) return 0;
  sg_names nd = {0};
  int rc = 0;
  uint32_t nalways = 0;
  s->ac = lw_aho_new();
  if (!s->ac) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  size_t ncap = 0;
  for (size_t i = 0; !rc && i < s->nrule; i++) {
    nset ns = s->prefilter ? node_needles(&s->rule[i], s->rule[i].root)
                           : (nset){NULL, 0, 1};
    if (ns.none) {
      ns_free(&ns);
      rc = push_u32(&s->always, &nalways, (uint32_t)i);
      continue;
    }
    for (size_t k = 0; !rc && k < ns.n; k++) {
      int id;
      size_t before = nd.n;
      rc = sg_names_intern(&nd, ns.v[k].p, ns.v[k].n, &id);
      if (rc) break;
      if (nd.n > before) {
        if (nd.n > ncap) {
          size_t c = ncap ? ncap * 2 : 1024;
          uint32_t **q = realloc(s->needle_rules, c * sizeof *q);
          uint32_t *qn = q ? realloc(s->needle_nrules, c * sizeof *qn) : NULL;
          if (q) s->needle_rules = q;
          if (!q || !qn) {
            rc = LOTSE_ENOMEM;
            break;
          }
          s->needle_nrules = qn, ncap = c;
        }
        s->needle_rules[id] = NULL, s->needle_nrules[id] = 0;
        s->nneedle = nd.n;
        rc = lw_aho_add(s->ac, ns.v[k].p, ns.v[k].n, (uint32_t)id);
      }
      /* (rule, field + 1) pairs */
      uint32_t cnt = s->needle_nrules[id], fv = (uint32_t)(ns.v[k].field + 1);
      if (!rc && (cnt == 0 || s->needle_rules[id][cnt - 2] != i ||
                  s->needle_rules[id][cnt - 1] != fv)) {
        rc = push_u32(&s->needle_rules[id], &s->needle_nrules[id], (uint32_t)i);
        if (!rc) rc = push_u32(&s->needle_rules[id], &s->needle_nrules[id], fv);
      }
    }
    ns_free(&ns);
  }
  sg_names_release(&nd);
  s->nalways = nalways;
  if (rc) return lotse_err_set(err, rc, "out of memory building the prefilter");
  rc = lw_aho_build(s->ac, err);
  if (rc) return rc;
  s->compiled = 1;
  return 0;
}

/* ------------------------------------------------------------- context */

struct lw_sigma_ctx {
  const lw_sigma *s;
  pcre2_match_data *md;
  pcre2_match_context *mc;
  uint32_t stamp;
  uint32_t *fstamp; /* per field id */
  int32_t *first;
  uint32_t *rstamp; /* per rule: candidate this event */
  uint32_t *cand, *hits;
  size_t ncand, nhits;
  uint8_t *active;  /* per log source */
  int8_t *selc;     /* selection cache of the rule being evaluated */
  size_t selcap;
  /* per event */
  int32_t *next, *fid;
  const char **low;
  size_t *lowlen;
  size_t fcap;
  size_t *seg_end; /* text segments (one per distinct value) */
  int32_t *seg_fid;
  size_t nseg, cur;
  /* duplicate values (jsonl leaf aliases share the path's value) */
  const char *dup_p[256];
  int32_t dup_i[256];
  uint32_t dup_stamp[256];
  char *text; /* lower-cased values, NUL-separated */
  size_t tcap;
};

lw_sigma_ctx *lw_sigma_ctx_new(const lw_sigma *s) {
  lw_sigma_ctx *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  size_t nf = s->names.n ? s->names.n : 1, nr = s->nrule ? s->nrule : 1;
  size_t maxsel = 1;
  for (size_t i = 0; i < s->nrule; i++)
    maxsel = s->rule[i].nsel > maxsel ? s->rule[i].nsel : maxsel;
  c->s = s;
  c->md = pcre2_match_data_create(4, NULL);
  c->mc = pcre2_match_context_create(NULL);
  if (c->mc) {
    pcre2_set_match_limit(c->mc, SG_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(c->mc, SG_RE_DEPTH_LIMIT);
  }
  c->fstamp = calloc(nf, sizeof *c->fstamp);
  c->first = calloc(nf, sizeof *c->first);
  c->rstamp = calloc(nr, sizeof *c->rstamp);
  c->cand = malloc(nr * sizeof *c->cand);
  c->hits = malloc(nr * sizeof *c->hits);
  c->active = calloc(s->nls + 1, 1);
  c->selc = malloc(maxsel);
  c->selcap = maxsel;
  if (!c->md || !c->mc || !c->fstamp || !c->first || !c->rstamp || !c->cand ||
      !c->hits || !c->active || !c->selc) {
    lw_sigma_ctx_free(c);
    return NULL;
  }
  return c;
}

void lw_sigma_ctx_free(lw_sigma_ctx *c) {
  if (!c) return;
  if (c->md) pcre2_match_data_free(c->md);
  if (c->mc) pcre2_match_context_free(c->mc);
  free(c->fstamp), free(c->first), free(c->rstamp), free(c->cand);
  free(c->hits), free(c->active), free(c->selc), free(c->next);
  free(c->fid), free(c->seg_end), free(c->seg_fid);
  free(c->low), free(c->lowlen), free(c->text);
  free(c);
}

/* ---------------------------------------------------------- event view */

static const struct {
  const char *event, *sigma;
} aliases[] = {
    {"Event.System.Provider.Name", "Provider_Name"},
    {"Event.System.Provider.#attributes.Name", "Provider_Name"},
    {"Event.System.EventID.#text", "EventID"},
};

/* Leaf names of Security 4688 (process creation without Sysmon) under
 * Sigma's process_creation names; used only when no rule names the leaf
 * itself. */
static const struct {
  const char *leaf, *sigma;
} leaf_aliases[] = {
    {"NewProcessName", "Image"},
    {"ParentProcessName", "ParentImage"},
};

static int leaf_alias(const lw_sigma *s, const char *leaf, size_t ln) {
  for (size_t i = 0; i < sizeof leaf_aliases / sizeof *leaf_aliases; i++)
    if (strlen(leaf_aliases[i].leaf) == ln && !memcmp(leaf, leaf_aliases[i].leaf, ln))
      return sg_names_find(&s->names, leaf_aliases[i].sigma,
                           strlen(leaf_aliases[i].sigma));
  return -1;
}

static int field_id(const lw_sigma *s, const char *name) {
  size_t n = strlen(name);
  int id = sg_names_find(&s->names, name, n);
  if (id >= 0) return id;
  for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
    if (!strcmp(name, aliases[i].event))
      return sg_names_find(&s->names, aliases[i].sigma, strlen(aliases[i].sigma));
  const char *dot = strrchr(name, '.');
  const char *leaf = dot ? dot + 1 : name;
  size_t ln = n - (size_t)(leaf - name);
  if (dot && (id = sg_names_find(&s->names, leaf, ln)) >= 0) return id;
  if ((id = leaf_alias(s, leaf, ln)) >= 0) return id;
  /* Windows names with spaces (Defender's `Source Name`) are written
   * without them in Sigma rules (SourceName). */
  if (!memchr(leaf, ' ', ln) || ln >= 128) return -1;
  char buf[128];
  size_t k = 0;
  for (size_t i = 0; i < ln; i++)
    if (leaf[i] != ' ') buf[k++] = leaf[i];
  return sg_names_find(&s->names, buf, k);
}

const char *sg_ev_value(const sg_evview *v, int fid, const char **low,
                        size_t *len) {
  int32_t i = fid >= 0 && v->fstamp[fid] == v->stamp ? v->first[fid] : -1;
  if (i < 0) {
    if (low) *low = NULL;
    return NULL;
  }
  if (low) *low = v->low[i];
  if (len) *len = v->lowlen[i];
  return v->ev->fields[i].value;
}

static int grow_event(lw_sigma_ctx *c, size_t nf, size_t need) {
  if (nf > c->fcap) {
    size_t cap = nf * 2;
    int32_t *nx = realloc(c->next, cap * sizeof *nx);
    if (nx) c->next = nx;
    int32_t *fd = nx ? realloc(c->fid, cap * sizeof *fd) : NULL;
    if (fd) c->fid = fd;
    const char **lw = fd ? realloc(c->low, cap * sizeof *lw) : NULL;
    if (lw) c->low = lw;
    size_t *ll = lw ? realloc(c->lowlen, cap * sizeof *ll) : NULL;
    if (ll) c->lowlen = ll;
    size_t *se = ll ? realloc(c->seg_end, cap * sizeof *se) : NULL;
    if (se) c->seg_end = se;
    int32_t *sf = se ? realloc(c->seg_fid, cap * sizeof *sf) : NULL;
    if (!sf) return LOTSE_ENOMEM;
    c->seg_fid = sf, c->fcap = cap;
  }
  if (need + 1 > c->tcap) {
    char *t = realloc(c->text, need * 2 + 1);
    if (!t) return LOTSE_ENOMEM;
    c->text = t, c->tcap = need * 2 + 1;
  }
  return 0;
}

/* Index of an earlier field with the same value (pointer and length), -1. */
static int32_t dup_of(lw_sigma_ctx *c, const lw_field *f, int32_t i) {
  size_t h = ((uintptr_t)f->value >> 3) & 255;
  for (size_t k = 0; k < 256; k++, h = (h + 1) & 255) {
    if (c->dup_stamp[h] != c->stamp) {
      c->dup_stamp[h] = c->stamp, c->dup_p[h] = f->value, c->dup_i[h] = i;
      return -1;
    }
    if (c->dup_p[h] == f->value) return c->dup_i[h];
  }
  return -1;
}

static int build_view(lw_sigma_ctx *c, const lw_event *ev, sg_evview *v,
                      size_t *textlen) {
  size_t nf = ev->n_fields, need = 0;
  for (size_t i = 0; i < nf; i++) need += 2 * ev->fields[i].value_len + 1;
  int rc = grow_event(c, nf, need);
  if (rc) return rc;
  if (++c->stamp == 0) { /* wrapped: clear all stamps */
    memset(c->fstamp, 0, (c->s->names.n ? c->s->names.n : 1) * sizeof *c->fstamp);
    memset(c->rstamp, 0, (c->s->nrule ? c->s->nrule : 1) * sizeof *c->rstamp);
    memset(c->dup_stamp, 0, sizeof c->dup_stamp);
    c->stamp = 1;
  }
  size_t k = 0;
  c->nseg = 0;
  for (size_t i = 0; i < nf; i++) {
    const lw_field *f = &ev->fields[i];
    c->fid[i] = f->name ? field_id(c->s, f->name) : -1;
    int32_t d = dup_of(c, f, (int32_t)i);
    if (d >= 0 && ev->fields[d].value_len == f->value_len &&
        c->fid[d] == c->fid[i]) {
      c->low[i] = c->low[d], c->lowlen[i] = c->lowlen[d];
      continue;
    }
    char *lo = c->text + k;
    size_t ll = sg_fold(f->value, f->value_len, lo);
    lo[ll] = 0;
    c->low[i] = lo, c->lowlen[i] = ll;
    k += ll + 1;
    c->seg_end[c->nseg] = k, c->seg_fid[c->nseg++] = c->fid[i];
  }
  for (size_t i = nf; i-- > 0;) { /* reverse: chains end up in order */
    int32_t id = c->fid[i];
    c->next[i] = -1;
    if (id < 0) continue;
    if (c->fstamp[id] == c->stamp) c->next[i] = c->first[id];
    c->fstamp[id] = c->stamp, c->first[id] = (int32_t)i;
  }
  v->ev = ev, v->low = c->low, v->lowlen = c->lowlen;
  v->first = c->first, v->next = c->next;
  v->fstamp = c->fstamp, v->stamp = c->stamp;
  *textlen = k;
  return 0;
}

/* ---------------------------------------------------------- evaluation */

static int field_present(const lw_sigma_ctx *c, int fid) {
  return fid >= 0 && c->fstamp[fid] == c->stamp;
}

static int value_holds(lw_sigma_ctx *c, const sg_evview *v, const sg_test *t,
                       const sg_value *x) {
  int present = field_present(c, t->field);
  if (x->kind == SG_EXISTS) return present == (x->num != 0);
  if (x->kind == SG_NULL) {
    if (!present) return 1;
    for (int32_t i = v->first[t->field]; i >= 0; i = v->next[i])
      if (v->ev->fields[i].value_len) return 0;
    return 1;
  }
  if (!present) return 0;
  for (int32_t i = v->first[t->field]; i >= 0; i = v->next[i]) {
    const lw_field *f = &v->ev->fields[i];
    if (x->kind == SG_FIELDREF) {
      if (!field_present(c, x->ref)) return 0;
      int32_t r = v->first[x->ref];
      if (v->lowlen[r] == v->lowlen[i] &&
          !memcmp(v->low[r], v->low[i], v->lowlen[i]))
        return 1;
    } else if (sg_value_match(x, f->value, f->value_len, v->low[i],
                              v->lowlen[i], c->md, c->mc)) {
      return 1;
    }
  }
  return 0;
}

static int keyword_holds(lw_sigma_ctx *c, const sg_evview *v, const sg_value *x) {
  for (size_t i = 0; i < v->ev->n_fields; i++) {
    const lw_field *f = &v->ev->fields[i];
    if (sg_value_match(x, f->value, f->value_len, v->low[i], v->lowlen[i],
                       c->md, c->mc))
      return 1;
  }
  return 0;
}

static int test_holds(lw_sigma_ctx *c, const sg_evview *v, const sg_test *t) {
  for (size_t k = 0; k < t->nv; k++) {
    int h = t->field < 0 ? keyword_holds(c, v, &t->v[k])
                         : value_holds(c, v, t, &t->v[k]);
    if (t->all && !h) return 0;
    if (!t->all && h) return 1;
  }
  return t->all;
}

static int sel_holds(lw_sigma_ctx *c, const sg_evview *v, const sg_sel *sel) {
  for (size_t i = 0; i < sel->nm; i++) {
    size_t k = 0;
    while (k < sel->m[i].nt && test_holds(c, v, &sel->m[i].t[k])) k++;
    if (k == sel->m[i].nt) return 1;
  }
  return 0;
}

static int node_holds(lw_sigma_ctx *c, const sg_evview *v, const sg_rule *r,
                      uint32_t n) {
  const sg_node *x = &r->node[n];
  switch (x->op) {
  case SG_N_SEL:
    if (c->selc[x->a] < 0) c->selc[x->a] = (int8_t)sel_holds(c, v, &r->sel[x->a]);
    return c->selc[x->a];
  case SG_N_AND:
    return node_holds(c, v, r, x->a) && node_holds(c, v, r, x->b);
  case SG_N_OR:
    return node_holds(c, v, r, x->a) || node_holds(c, v, r, x->b);
  case SG_N_NOT:
    return !node_holds(c, v, r, x->a);
  case SG_N_TRUE:
    return 1;
  default:
    return 0;
  }
}

/* ------------------------------------------------------------- matching */

typedef struct scan_ud {
  lw_sigma_ctx *c;
} scan_ud;

static void add_cand(lw_sigma_ctx *c, uint32_t r) {
  if (c->rstamp[r] == c->stamp) return;
  c->rstamp[r] = c->stamp;
  if (c->active[c->s->rule[r].ls]) c->cand[c->ncand++] = r;
}

/* A needle ending at text offset end: its rules become candidates when
 * it lies in a value of the field their test is about (or any field, for
 * keywords). Ends only grow during a scan, so the segment cursor only
 * moves forward. */
static int on_needle(void *ud, uint32_t id, size_t end) {
  lw_sigma_ctx *c = ((scan_ud *)ud)->c;
  const lw_sigma *s = c->s;
  while (c->cur + 1 < c->nseg && c->seg_end[c->cur] < end) c->cur++;
  uint32_t fv = (uint32_t)(c->seg_fid[c->cur] + 1);
  const uint32_t *p = s->needle_rules[id];
  for (uint32_t k = 0; k < s->needle_nrules[id]; k += 2)
    if (p[k + 1] == 0 || p[k + 1] == fv) add_cand(c, p[k]);
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

int lw_sigma_match(lw_sigma_ctx *c, const lw_event *ev, const uint32_t **hits,
                   size_t *n) {
  const lw_sigma *s = c->s;
  sg_evview v;
  size_t textlen;
  *hits = c->hits, *n = 0;
  c->ncand = c->nhits = 0;
  if (!s->compiled || ev->malformed) return 0;
  int rc = build_view(c, ev, &v, &textlen);
  if (rc) return rc;
  sg_ls_eval(s, &v, c->active);
  for (size_t i = 0; i < s->nalways; i++) add_cand(c, s->always[i]);
  scan_ud ud = {c};
  c->cur = 0;
  if (s->nneedle && c->nseg)
    lw_aho_scan(s->ac, c->text, textlen, on_needle, &ud);
  for (size_t i = 0; i < c->ncand; i++) {
    const sg_rule *r = &s->rule[c->cand[i]];
    memset(c->selc, 0xFF, r->nsel);
    if (node_holds(c, &v, r, r->root)) c->hits[c->nhits++] = c->cand[i];
  }
  qsort(c->hits, c->nhits, sizeof *c->hits, cmp_u32);
  *n = c->nhits;
  return 0;
}
