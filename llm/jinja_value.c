/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_value.c — the arena and the values of the Jinja interpreter:
 * truthiness, equality, str() and json.dumps() exactly as Python prints.
 *
 * Contract: every value and string lives in a jinja_arena_t; nothing here
 * frees a single value. Strings are UTF-8 byte ranges, not NUL-terminated.
 * Invariants: (1) the arena never exceeds its max; (2) to_str/to_json only
 * append to the buffer, whose cap bounds the output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/jinja_internal.h"

/* ============================================================ arena */

struct jinja_arena_blk {
  jinja_arena_blk_t *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK (64u << 10)

void jinja_arena_init(jinja_arena_t *a, size_t max) {
  a->head = NULL;
  a->total = 0;
  a->max = max;
}

void jinja_arena_release(jinja_arena_t *a) {
  jinja_arena_blk_t *b = a->head;
  while (b) {
    jinja_arena_blk_t *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->total = 0;
}

void *jinja_arena_alloc(jinja_arena_t *a, size_t n) {
  n = (n + 15u) & ~(size_t)15u;
  if (n == 0) n = 16;
  jinja_arena_blk_t *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    if (cap > a->max || a->total > a->max - cap) return NULL;
    b = malloc(sizeof(*b) + cap);
    if (!b) return NULL;
    b->used = 0;
    b->cap = cap;
    a->total += cap;
    if (a->head && n > ARENA_BLOCK) { /* keep filling the current block */
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *jinja_arena_strndup(jinja_arena_t *a, const char *s, size_t n) {
  char *p = jinja_arena_alloc(a, n + 1);
  if (p && n) memcpy(p, s, n);
  return p;
}

/* =========================================================== values */

jinja_val_t jinja_val_str(const char *p, size_t n) {
  jinja_val_t v = {.t = JV_STR};
  v.u.s.p = p ? p : "";
  v.u.s.n = n;
  return v;
}

jinja_val_t jinja_val_int(int64_t i) {
  jinja_val_t v = {.t = JV_INT};
  v.u.i = i;
  return v;
}

jinja_val_t jinja_val_bool(bool b) {
  jinja_val_t v = {.t = JV_BOOL};
  v.u.b = b;
  return v;
}

jinja_val_t jinja_val_none(void) { return (jinja_val_t){.t = JV_NONE}; }
jinja_val_t jinja_val_undef(void) { return (jinja_val_t){.t = JV_UNDEF}; }

jinja_list_t *jinja_list_new(jinja_arena_t *a, size_t n) {
  if (n > SIZE_MAX / sizeof(jinja_val_t) / 2) return NULL;
  jinja_list_t *l = jinja_arena_alloc(a, sizeof(*l));
  if (!l) return NULL;
  l->n = n;
  l->v = n ? jinja_arena_alloc(a, n * sizeof(jinja_val_t)) : NULL;
  if (n && !l->v) return NULL;
  return l;
}

jinja_dict_t *jinja_dict_new(jinja_arena_t *a) {
  return jinja_arena_alloc(a, sizeof(jinja_dict_t));
}

static long dict_find(const jinja_dict_t *d, const char *k, size_t kn) {
  for (size_t i = 0; i < d->n; i++)
    if (d->kn[i] == kn && memcmp(d->k[i], k, kn) == 0) return (long)i;
  return -1;
}

int jinja_dict_set(jinja_arena_t *a, jinja_dict_t *d, const char *k,
                   size_t kn, jinja_val_t v) {
  long i = dict_find(d, k, kn);
  if (i >= 0) {
    d->v[i] = v;
    return 0;
  }
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    const char **nk = jinja_arena_alloc(a, cap * sizeof(*nk));
    size_t *nkn = jinja_arena_alloc(a, cap * sizeof(*nkn));
    jinja_val_t *nv = jinja_arena_alloc(a, cap * sizeof(*nv));
    if (!nk || !nkn || !nv) return LOTSE_ENOMEM;
    if (d->n) {
      memcpy(nk, d->k, d->n * sizeof(*nk));
      memcpy(nkn, d->kn, d->n * sizeof(*nkn));
      memcpy(nv, d->v, d->n * sizeof(*nv));
    }
    d->k = nk;
    d->kn = nkn;
    d->v = nv;
    d->cap = cap;
  }
  d->k[d->n] = k;
  d->kn[d->n] = kn;
  d->v[d->n] = v;
  d->n++;
  return 0;
}

const jinja_val_t *jinja_dict_get(const jinja_dict_t *d, const char *k,
                                  size_t kn) {
  long i = d ? dict_find(d, k, kn) : -1;
  return i >= 0 ? &d->v[i] : NULL;
}

bool jinja_truthy(const jinja_val_t *v) {
  switch (v->t) {
  case JV_BOOL: return v->u.b;
  case JV_INT: return v->u.i != 0;
  case JV_FLOAT: return v->u.f != 0.0;
  case JV_STR: return v->u.s.n != 0;
  case JV_LIST: return v->u.l->n != 0;
  case JV_DICT: return v->u.d->n != 0;
  case JV_NS: case JV_LOOP: case JV_FUNC: return true;
  default: return false;
  }
}

static bool is_num(const jinja_val_t *v) {
  return v->t == JV_INT || v->t == JV_FLOAT || v->t == JV_BOOL;
}

static double num_of(const jinja_val_t *v) {
  if (v->t == JV_FLOAT) return v->u.f;
  if (v->t == JV_BOOL) return v->u.b ? 1.0 : 0.0;
  return (double)v->u.i;
}

static bool equal_d(const jinja_val_t *a, const jinja_val_t *b, int depth);

static bool dict_equal(const jinja_dict_t *a, const jinja_dict_t *b,
                       int depth) {
  if (a->n != b->n) return false;
  for (size_t i = 0; i < a->n; i++) {
    const jinja_val_t *o = jinja_dict_get(b, a->k[i], a->kn[i]);
    if (!o || !equal_d(&a->v[i], o, depth + 1)) return false;
  }
  return true;
}

bool jinja_equal(const jinja_val_t *a, const jinja_val_t *b) {
  return equal_d(a, b, 0);
}

/* Values nested deeper than JINJA_MAX_DEPTH compare unequal (no crash). */
static bool equal_d(const jinja_val_t *a, const jinja_val_t *b, int depth) {
  if (depth > JINJA_MAX_DEPTH) return false;
  if (is_num(a) && is_num(b)) {
    if (a->t != JV_FLOAT && b->t != JV_FLOAT)
      return (a->t == JV_BOOL ? a->u.b : a->u.i) ==
             (b->t == JV_BOOL ? b->u.b : b->u.i);
    return num_of(a) == num_of(b);
  }
  if (a->t != b->t) return false;
  switch (a->t) {
  case JV_UNDEF: case JV_NONE: return true;
  case JV_STR:
    return a->u.s.n == b->u.s.n && memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
  case JV_LIST:
    if (a->u.l->n != b->u.l->n) return false;
    if (a->u.l == b->u.l) return true;
    for (size_t i = 0; i < a->u.l->n; i++)
      if (!equal_d(&a->u.l->v[i], &b->u.l->v[i], depth + 1)) return false;
    return true;
  case JV_DICT: return a->u.d == b->u.d || dict_equal(a->u.d, b->u.d, depth);
  case JV_NS: return a->u.d == b->u.d;
  case JV_LOOP: return a->u.loop == b->u.loop;
  case JV_FUNC: return a->u.fn == b->u.fn;
  default: return false;
  }
}

const char *jinja_type_name(const jinja_val_t *v) {
  static const char *const names[] = {"undefined", "none", "bool", "int",
                                      "float", "str", "list", "dict",
                                      "namespace", "loop", "function"};
  return v->t < sizeof(names) / sizeof(names[0]) ? names[v->t] : "?";
}

/* ================================================== str() and repr() */

static int put_float(double f, lotse_buf_t *b) {
  char tmp[40];
  if (isnan(f)) return lotse_buf_puts(b, "nan");
  if (isinf(f)) return lotse_buf_puts(b, f > 0 ? "inf" : "-inf");
  for (int prec = 1; prec <= 17; prec++) { /* shortest round trip */
    snprintf(tmp, sizeof(tmp), "%.*g", prec, f);
    if (strtod(tmp, NULL) == f) break;
  }
  char *e = strchr(tmp, 'e');
  if (e) { /* Python: 1e+16, 1e-05 */
    int exp = atoi(e + 1);
    char mant[40];
    snprintf(mant, sizeof(mant), "%.*s", (int)(e - tmp), tmp);
    return lotse_buf_printf(b, "%se%c%02d", mant, exp < 0 ? '-' : '+',
                            exp < 0 ? -exp : exp);
  }
  int rc = lotse_buf_puts(b, tmp);
  if (!rc && !strpbrk(tmp, ".n")) rc = lotse_buf_puts(b, ".0");
  return rc;
}

static int put_repr_str(const jinja_val_t *v, lotse_buf_t *b) {
  const char *p = v->u.s.p;
  size_t n = v->u.s.n;
  char q = (memchr(p, '\'', n) && !memchr(p, '"', n)) ? '"' : '\'';
  int rc = lotse_buf_putc(b, q);
  for (size_t i = 0; !rc && i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == (unsigned char)q || c == '\\') rc = lotse_buf_printf(b, "\\%c", c);
    else if (c == '\n') rc = lotse_buf_puts(b, "\\n");
    else if (c == '\r') rc = lotse_buf_puts(b, "\\r");
    else if (c == '\t') rc = lotse_buf_puts(b, "\\t");
    else if (c < 0x20 || c == 0x7f) rc = lotse_buf_printf(b, "\\x%02x", c);
    else rc = lotse_buf_putc(b, (char)c);
  }
  return rc ? rc : lotse_buf_putc(b, q);
}

static int to_str_d(jinja_arena_t *a, const jinja_val_t *v, lotse_buf_t *b,
                    int depth);

static int put_repr(jinja_arena_t *a, const jinja_val_t *v, lotse_buf_t *b,
                    int depth) {
  if (v->t == JV_STR) return put_repr_str(v, b);
  if (v->t == JV_UNDEF) return lotse_buf_puts(b, "Undefined");
  return to_str_d(a, v, b, depth);
}

/* LOTSE_ELIMIT for values nested deeper than JINJA_MAX_DEPTH. */
int jinja_to_str(jinja_arena_t *a, const jinja_val_t *v, lotse_buf_t *b) {
  return to_str_d(a, v, b, 0);
}

static int to_str_d(jinja_arena_t *a, const jinja_val_t *v, lotse_buf_t *b,
                    int depth) {
  int rc = 0;
  if (depth > JINJA_MAX_DEPTH) return LOTSE_ELIMIT;
  switch (v->t) {
  case JV_UNDEF: return 0;
  case JV_NONE: return lotse_buf_puts(b, "None");
  case JV_BOOL: return lotse_buf_puts(b, v->u.b ? "True" : "False");
  case JV_INT: return lotse_buf_printf(b, "%lld", (long long)v->u.i);
  case JV_FLOAT: return put_float(v->u.f, b);
  case JV_STR: return lotse_buf_append(b, v->u.s.p, v->u.s.n);
  case JV_LIST:
    rc = lotse_buf_putc(b, v->u.l->tuple ? '(' : '[');
    for (size_t i = 0; !rc && i < v->u.l->n; i++) {
      if (i) rc = lotse_buf_puts(b, ", ");
      if (!rc) rc = put_repr(a, &v->u.l->v[i], b, depth + 1);
    }
    if (!rc && v->u.l->tuple && v->u.l->n == 1) rc = lotse_buf_putc(b, ',');
    return rc ? rc : lotse_buf_putc(b, v->u.l->tuple ? ')' : ']');
  case JV_DICT:
    rc = lotse_buf_putc(b, '{');
    for (size_t i = 0; !rc && i < v->u.d->n; i++) {
      jinja_val_t k = jinja_val_str(v->u.d->k[i], v->u.d->kn[i]);
      if (i) rc = lotse_buf_puts(b, ", ");
      if (!rc) rc = put_repr_str(&k, b);
      if (!rc) rc = lotse_buf_puts(b, ": ");
      if (!rc) rc = put_repr(a, &v->u.d->v[i], b, depth + 1);
    }
    return rc ? rc : lotse_buf_putc(b, '}');
  case JV_NS: return lotse_buf_puts(b, "<Namespace>");
  case JV_LOOP: return lotse_buf_puts(b, "<LoopContext>");
  default: return lotse_buf_puts(b, "<function>");
  }
}

/* ======================================================== json.dumps */

static int json_str(const char *p, size_t n, lotse_buf_t *b) {
  int rc = lotse_buf_putc(b, '"');
  size_t run = 0; /* bytes copied verbatim in one append */
  for (size_t i = 0; !rc && i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    if (i > run) rc = lotse_buf_append(b, p + run, i - run);
    run = i + 1;
    if (rc) break;
    switch (c) {
    case '"': rc = lotse_buf_puts(b, "\\\""); break;
    case '\\': rc = lotse_buf_puts(b, "\\\\"); break;
    case '\n': rc = lotse_buf_puts(b, "\\n"); break;
    case '\r': rc = lotse_buf_puts(b, "\\r"); break;
    case '\t': rc = lotse_buf_puts(b, "\\t"); break;
    case '\b': rc = lotse_buf_puts(b, "\\b"); break;
    case '\f': rc = lotse_buf_puts(b, "\\f"); break;
    default: rc = lotse_buf_printf(b, "\\u%04x", c);
    }
  }
  if (!rc && n > run) rc = lotse_buf_append(b, p + run, n - run);
  return rc ? rc : lotse_buf_putc(b, '"');
}

static int json_nl(int indent, int depth, lotse_buf_t *b) {
  int rc = lotse_buf_putc(b, '\n');
  for (int i = 0; !rc && i < indent * depth; i++) rc = lotse_buf_putc(b, ' ');
  return rc;
}

static size_t *sorted_keys(const jinja_dict_t *d) {
  size_t *ix = malloc((d->n ? d->n : 1) * sizeof(*ix));
  if (!ix) return NULL;
  for (size_t i = 0; i < d->n; i++) ix[i] = i;
  for (size_t i = 1; i < d->n; i++) { /* insertion sort: dicts are small */
    size_t x = ix[i], j = i;
    while (j > 0) {
      size_t y = ix[j - 1], m = d->kn[x] < d->kn[y] ? d->kn[x] : d->kn[y];
      int c = memcmp(d->k[x], d->k[y], m);
      if (c > 0 || (c == 0 && d->kn[x] >= d->kn[y])) break;
      ix[j] = y;
      j--;
    }
    ix[j] = x;
  }
  return ix;
}

static int json_dict(const jinja_dict_t *d, int indent, bool sort, int depth,
                     lotse_buf_t *b) {
  if (d->n == 0) return lotse_buf_puts(b, "{}");
  size_t *ix = sort ? sorted_keys(d) : NULL;
  if (sort && !ix) return LOTSE_ENOMEM;
  int rc = lotse_buf_putc(b, '{');
  for (size_t j = 0; !rc && j < d->n; j++) {
    size_t i = ix ? ix[j] : j;
    if (j) rc = lotse_buf_puts(b, indent ? "," : ", ");
    if (!rc && indent) rc = json_nl(indent, depth + 1, b);
    if (!rc) rc = json_str(d->k[i], d->kn[i], b);
    if (!rc) rc = lotse_buf_puts(b, ": ");
    if (!rc) rc = jinja_to_json(&d->v[i], indent, sort, depth + 1, b);
  }
  free(ix);
  if (!rc && indent) rc = json_nl(indent, depth, b);
  return rc ? rc : lotse_buf_putc(b, '}');
}

/* LOTSE_EINVAL for values JSON cannot hold (undefined, functions). */
int jinja_to_json(const jinja_val_t *v, int indent, bool sort_keys,
                  int depth, lotse_buf_t *b) {
  if (depth > JINJA_MAX_DEPTH) return LOTSE_ELIMIT;
  int rc = 0;
  switch (v->t) {
  case JV_NONE: return lotse_buf_puts(b, "null");
  case JV_BOOL: return lotse_buf_puts(b, v->u.b ? "true" : "false");
  case JV_INT: return lotse_buf_printf(b, "%lld", (long long)v->u.i);
  case JV_FLOAT:
    if (isnan(v->u.f)) return lotse_buf_puts(b, "NaN");
    if (isinf(v->u.f)) return lotse_buf_puts(b, v->u.f > 0 ? "Infinity"
                                                           : "-Infinity");
    return put_float(v->u.f, b);
  case JV_STR: return json_str(v->u.s.p, v->u.s.n, b);
  case JV_LIST:
    if (v->u.l->n == 0) return lotse_buf_puts(b, "[]");
    rc = lotse_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < v->u.l->n; i++) {
      if (i) rc = lotse_buf_puts(b, indent ? "," : ", ");
      if (!rc && indent) rc = json_nl(indent, depth + 1, b);
      if (!rc) rc = jinja_to_json(&v->u.l->v[i], indent, sort_keys,
                                  depth + 1, b);
    }
    if (!rc && indent) rc = json_nl(indent, depth, b);
    return rc ? rc : lotse_buf_putc(b, ']');
  case JV_DICT: case JV_NS:
    return json_dict(v->u.d, indent, sort_keys, depth, b);
  default: return LOTSE_EINVAL;
  }
}

/* ============================================================= UTF-8 */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t jinja_utf8_len(const char *p, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || !is_cont((unsigned char)p[i])) k++;
  return k;
}

/* A stray continuation byte at the start counts as its own character. */
size_t *jinja_utf8_offsets(jinja_arena_t *a, const char *p, size_t n,
                           size_t *count) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || !is_cont((unsigned char)p[i])) k++;
  size_t *off = jinja_arena_alloc(a, (k + 1) * sizeof(*off));
  if (!off) return NULL;
  size_t j = 0;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || !is_cont((unsigned char)p[i])) off[j++] = i;
  off[k] = n;
  *count = k;
  return off;
}
