/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/jsonl.c — JSON events flattened to lw_field pairs
 * (rules in jsonl.h).
 *
 * Contract: one lw_jsonl owns the text of the last parsed event: names
 * and values live in one growing byte buffer addressed by offsets while
 * the walk runs, and become pointers only when the walk is complete (so a
 * reallocation never leaves a dangling field).
 * Invariants: (1) at most LW_JSONL_MAX_FIELDS path fields; (2) every name
 * and value is NUL-terminated; (3) a malformed event yields no fields.
 */
#include "analytics/logwatch/jsonl.h"
#include "base/base.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  size_t name_off, leaf_off, val_off, val_len; /* leaf_off: into the name */
} entry_t;

struct lw_jsonl {
  char *txt;
  size_t txt_len, txt_cap;
  entry_t *e;
  size_t n_e, cap_e;
  lw_field *f;
  size_t cap_f;
  size_t *order; /* scratch for the leaf-alias pass */
  char *path;    /* current path while walking */
  size_t path_cap;
};

lw_jsonl *lw_jsonl_new(void) { return calloc(1, sizeof(lw_jsonl)); }

void lw_jsonl_free(lw_jsonl *j) {
  if (!j) return;
  free(j->txt);
  free(j->e);
  free(j->f);
  free(j->order);
  free(j->path);
  free(j);
}

/* ----------------------------------------------------------- the walk */

/* Append p[0..n) + NUL to txt; returns its offset or (size_t)-1 on OOM. */
static size_t txt_add(lw_jsonl *j, const char *p, size_t n) {
  if (j->txt_len + n + 1 > j->txt_cap) {
    size_t cap = j->txt_cap ? j->txt_cap : 4096;
    while (cap < j->txt_len + n + 1) cap *= 2;
    char *t = realloc(j->txt, cap);
    if (!t) return (size_t)-1;
    j->txt = t, j->txt_cap = cap;
  }
  size_t off = j->txt_len;
  if (n) memcpy(j->txt + off, p, n);
  j->txt[off + n] = 0;
  j->txt_len += n + 1;
  return off;
}

static int path_reserve(lw_jsonl *j, size_t need) {
  if (need <= j->path_cap) return 0;
  size_t cap = j->path_cap ? j->path_cap * 2 : 256;
  while (cap < need) cap *= 2;
  char *p = realloc(j->path, cap);
  if (!p) return LOTSE_ENOMEM;
  j->path = p, j->path_cap = cap;
  return 0;
}

static int value_text(const json_t *v, char *buf, size_t cap,
                      const char **p, size_t *n) {
  switch (json_typeof(v)) {
  case JSON_STRING:
    *p = json_string_value(v), *n = json_string_length(v);
    return 0;
  case JSON_INTEGER:
    *n = (size_t)snprintf(buf, cap, "%" JSON_INTEGER_FORMAT,
                          json_integer_value(v));
    break;
  case JSON_REAL: {
    double d = json_real_value(v);
    *n = (size_t)snprintf(buf, cap, "%.15g", d);
    if (strtod(buf, NULL) != d) *n = (size_t)snprintf(buf, cap, "%.17g", d);
    break;
  }
  case JSON_TRUE: *n = 4, memcpy(buf, "true", 5); break;
  case JSON_FALSE: *n = 5, memcpy(buf, "false", 6); break;
  default: *n = 0, buf[0] = 0; break;
  }
  *p = buf;
  return 0;
}

static int add_leaf(lw_jsonl *j, size_t plen, size_t leaf, const json_t *v) {
  if (j->n_e >= LW_JSONL_MAX_FIELDS) return 1;
  if (j->n_e == j->cap_e) {
    size_t cap = j->cap_e ? j->cap_e * 2 : 64;
    entry_t *e = realloc(j->e, cap * sizeof *e);
    if (!e) return LOTSE_ENOMEM;
    j->e = e, j->cap_e = cap;
  }
  char num[64];
  const char *vp;
  size_t vn;
  value_text(v, num, sizeof num, &vp, &vn);
  size_t no = txt_add(j, j->path, plen);
  size_t vo = no == (size_t)-1 ? no : txt_add(j, vp, vn);
  if (vo == (size_t)-1) return LOTSE_ENOMEM;
  j->e[j->n_e++] = (entry_t){no, leaf, vo, vn};
  return 0;
}

/* Walk v whose path is j->path[0..plen) with its last segment at leaf. */
static int walk(lw_jsonl *j, const json_t *v, size_t plen, size_t leaf,
                int depth) {
  if (depth > LW_JSONL_MAX_DEPTH) return 1;
  if (json_is_array(v)) {
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
      int rc = walk(j, x, plen, leaf, depth + 1);
      if (rc) return rc;
    }
    return 0;
  }
  if (!json_is_object(v)) return plen ? add_leaf(j, plen, leaf, v) : 0; /* "": {…} */
  const char *k;
  const json_t *x;
  json_object_foreach((json_t *)v, k, x) {
    size_t kn = strlen(k), np = plen, nl = leaf;
    if (strcmp(k, "#attributes") && strcmp(k, "#text")) {
      if (path_reserve(j, plen + kn + 2)) return LOTSE_ENOMEM;
      if (plen) j->path[np++] = '.';
      nl = np;
      memcpy(j->path + np, k, kn);
      np += kn;
    }
    int rc = walk(j, x, np, nl, depth + 1);
    if (rc) return rc;
  }
  return 0;
}

/* ------------------------------------------------------- leaf aliases */

static int by_leaf(const void *a, const void *b, void *ctx) {
  const lw_jsonl *sort_ctx = ctx;
  const entry_t *x = &sort_ctx->e[*(const size_t *)a];
  const entry_t *y = &sort_ctx->e[*(const size_t *)b];
  int c = strcmp(sort_ctx->txt + x->name_off + x->leaf_off,
                 sort_ctx->txt + y->name_off + y->leaf_off);
  if (c) return c;
  c = strcmp(sort_ctx->txt + x->name_off, sort_ctx->txt + y->name_off);
  if (c) return c;
  return x < y ? -1 : x > y;
}

static int is_full_name(const lw_jsonl *j, const char *name) {
  for (size_t i = 0; i < j->n_e; i++)
    if (!strcmp(j->txt + j->e[i].name_off, name)) return 1;
  return 0;
}

/* Fields for all paths, then the unambiguous leaf names. */
static int build_fields(lw_jsonl *j, size_t *n_out) {
  size_t need = 2 * j->n_e;
  if (need > j->cap_f) {
    lw_field *f = realloc(j->f, (need ? need : 1) * sizeof *f);
    size_t *o = realloc(j->order, (j->n_e ? j->n_e : 1) * sizeof *o);
    if (f) j->f = f;
    if (o) j->order = o;
    if (!f || !o) return LOTSE_ENOMEM;
    j->cap_f = need;
  }
  size_t n = 0;
  for (size_t i = 0; i < j->n_e; i++) {
    j->f[n++] = (lw_field){j->txt + j->e[i].name_off, j->txt + j->e[i].val_off,
                           j->e[i].val_len};
    j->order[i] = i;
  }
  if (j->n_e > 1) /* order is still NULL when no event had a field */
    qsort_r(j->order, j->n_e, sizeof *j->order, by_leaf, j);
  for (size_t a = 0; a < j->n_e;) {
    const entry_t *ea = &j->e[j->order[a]];
    const char *leaf = j->txt + ea->name_off + ea->leaf_off;
    size_t b = a + 1, same = 1;
    while (b < j->n_e) {
      const entry_t *eb = &j->e[j->order[b]];
      if (strcmp(leaf, j->txt + eb->name_off + eb->leaf_off)) break;
      if (strcmp(j->txt + ea->name_off, j->txt + eb->name_off)) same = 0;
      b++;
    }
    if (same && ea->leaf_off > 0 && !is_full_name(j, leaf))
      for (size_t k = a; k < b; k++) {
        const entry_t *ek = &j->e[j->order[k]];
        j->f[n++] = (lw_field){j->txt + ek->name_off + ek->leaf_off,
                               j->txt + ek->val_off, ek->val_len};
      }
    a = b;
  }
  *n_out = n;
  return 0;
}

/* ------------------------------------------------------------------ API */

int lw_jsonl_flatten(lw_jsonl *j, const json_t *root, const lw_field **fields,
                     size_t *n) {
  *fields = NULL, *n = 0;
  j->txt_len = 0, j->n_e = 0;
  if (!json_is_object(root)) return 1;
  if (path_reserve(j, 256)) return LOTSE_ENOMEM;
  int rc = walk(j, root, 0, 0, 0);
  if (rc == 0) rc = build_fields(j, n);
  if (rc) {
    *n = 0;
    return rc;
  }
  *fields = j->f;
  return 0;
}

int lw_jsonl_parse(lw_jsonl *j, const char *line, size_t len,
                   const lw_field **fields, size_t *n) {
  *fields = NULL, *n = 0;
  json_error_t jerr;
  json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
  /* unsigned 64-bit ids and the like: keep the event, as a real number */
  if (!root && strstr(jerr.text, "too big"))
    root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
                      &jerr);
  if (!root) return 1;
  int rc = lw_jsonl_flatten(j, root, fields, n);
  json_decref(root);
  return rc;
}

const lw_field *lw_jsonl_message(const lw_field *f, size_t n,
                                 const char *want) {
  static const char *const names[] = {
      "message", "msg", "MESSAGE", "Message", "log", "Event.EventData.Message",
      "Event.RenderingInfo.Message"};
  if (want)
    for (size_t i = 0; i < n; i++)
      if (!strcmp(f[i].name, want)) return &f[i];
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    for (size_t i = 0; i < n; i++)
      if (!strcmp(f[i].name, names[k])) return &f[i];
  return NULL;
}
