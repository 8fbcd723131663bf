/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_filter.c — the filters (value | name(args)) and tests
 * (value is name args) that chat templates use, with jinja2 semantics;
 * tojson is transformers' json.dumps(ensure_ascii=False, indent=...).
 *
 * Contract: the tables below are the whole supported set; the parser asks
 * jinja_filter_known / jinja_test_known, so an unknown name fails at
 * compile time with its position. Filters replace *v with their result.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llm/jinja_internal.h"

typedef int (*filter_fn)(jinja_ctx_t *, const jinja_node_t *, jinja_val_t *,
                         const jinja_args_t *);

static int oom(jinja_ctx_t *ctx, const jinja_node_t *at) {
  return jinja_fail(ctx, at, LOTSE_ELIMIT, "out of memory while rendering");
}

static int need(jinja_ctx_t *ctx, const jinja_node_t *e, const jinja_val_t *v,
                int type) {
  if (v->t == type) return 0;
  static const char *const names[] = {"undefined", "none", "bool", "int",
                                      "float", "string", "list", "dict"};
  return jinja_fail(ctx, e, LOTSE_EINVAL, "filter '%s' expects a %s, not %s",
                    e->s, names[type], jinja_type_name(v));
}

static jinja_val_t list_val(jinja_list_t *l) {
  return (jinja_val_t){.t = JV_LIST, .u.l = l};
}

/* --------------------------------------------------- string filters */

static int f_string(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a);

/* jinja2's do_trim: str(value).strip(chars). */
static int f_trim(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                  const jinja_args_t *a) {
  int rc = f_string(ctx, e, v, a);
  return rc ? rc : jinja_str_strip(ctx, v, jinja_arg(a, 0, "chars"), 3, v);
}

static int case_mode(const char *name) {
  return !strcmp(name, "upper") ? 0 : !strcmp(name, "lower") ? 1
         : !strcmp(name, "capitalize") ? 2 : 3;
}

static int f_case(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                  const jinja_args_t *a) {
  (void)a;
  if (v->t != JV_STR) {
    lotse_buf_t b;
    lotse_buf_init(&b, ctx->out_max);
    int rc = jinja_to_str(&ctx->arena, v, &b);
    char *s = rc ? NULL : jinja_arena_strndup(&ctx->arena,
                                              b.data ? b.data : "", b.len);
    if (s) *v = jinja_val_str(s, b.len);
    lotse_buf_release(&b);
    if (!s) return oom(ctx, e);
  }
  return jinja_str_case(ctx, v, case_mode(e->s), v);
}

static int f_string(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a) {
  (void)a;
  if (v->t == JV_STR) return 0;
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  int rc = jinja_to_str(&ctx->arena, v, &b);
  char *s = rc ? NULL : jinja_arena_strndup(&ctx->arena, b.data ? b.data : "",
                                            b.len);
  if (s) *v = jinja_val_str(s, b.len);
  lotse_buf_release(&b);
  return s ? 0 : oom(ctx, e);
}

static int f_tojson(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a) {
  const jinja_val_t *ind = jinja_arg(a, 0, "indent");
  const jinja_val_t *sk = jinja_arg(a, 99, "sort_keys");
  int indent = ind && ind->t == JV_INT && ind->u.i > 0 && ind->u.i < 64
                   ? (int)ind->u.i : 0;
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  int rc = jinja_to_json(v, indent, sk && jinja_truthy(sk), 0, &b);
  char *s = rc ? NULL : jinja_arena_strndup(&ctx->arena, b.data ? b.data : "",
                                            b.len);
  if (s) *v = jinja_val_str(s, b.len);
  lotse_buf_release(&b);
  if (rc == LOTSE_EINVAL)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "tojson: %s is not JSON "
                      "serializable", jinja_type_name(v));
  if (rc == LOTSE_ELIMIT)
    return jinja_fail(ctx, e, rc, "tojson: value nested deeper than %d "
                      "levels", JINJA_MAX_DEPTH);
  return s ? 0 : jinja_fail(ctx, e, LOTSE_ETOOBIG, "tojson: value too large");
}

static int f_replace(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                     const jinja_args_t *a) {
  int rc = f_string(ctx, e, v, a);
  if (rc) return rc;
  jinja_node_t call = *e; /* reuse the str.replace method */
  jinja_node_t attr = {.kind = JE_ATTR, .s = "replace", .n = 7};
  jinja_node_t obj = {.kind = JE_CONST, .v = *v};
  attr.a = &obj;
  call.a = &attr;
  call.kind = JE_CALL;
  return jinja_call(ctx, &call, v);
}

/* ----------------------------------------------- sequence filters */

static int f_length(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a) {
  (void)a;
  size_t n;
  switch (v->t) {
  case JV_STR: n = jinja_utf8_len(v->u.s.p, v->u.s.n); break;
  case JV_LIST: n = v->u.l->n; break;
  case JV_DICT: case JV_NS: n = v->u.d->n; break;
  case JV_UNDEF: n = 0; break;
  default:
    return jinja_fail(ctx, e, LOTSE_EINVAL, "object of type '%s' has no "
                      "len()", jinja_type_name(v));
  }
  *v = jinja_val_int((int64_t)n);
  return 0;
}

static int to_list(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v) {
  if (v->t == JV_LIST) return 0;
  jinja_list_t *l;
  int rc = jinja_iter_items(ctx, e, v, &l);
  if (rc) return rc;
  *v = list_val(l);
  return 0;
}

static int f_list(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                  const jinja_args_t *a) {
  (void)a;
  return to_list(ctx, e, v);
}

static int f_items(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                   const jinja_args_t *a) {
  (void)a;
  if (v->t == JV_UNDEF) return to_list(ctx, e, v);
  int rc = (v->t == JV_NS) ? 0 : need(ctx, e, v, JV_DICT);
  if (rc) return rc;
  jinja_list_t *l = jinja_list_new(&ctx->arena, v->u.d->n);
  if (!l) return oom(ctx, e);
  for (size_t i = 0; i < v->u.d->n; i++) {
    jinja_list_t *p = jinja_list_new(&ctx->arena, 2);
    if (!p) return oom(ctx, e);
    p->tuple = true;
    p->v[0] = jinja_val_str(v->u.d->k[i], v->u.d->kn[i]);
    p->v[1] = v->u.d->v[i];
    l->v[i] = list_val(p);
  }
  *v = list_val(l);
  return 0;
}

static int f_join(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                  const jinja_args_t *a) {
  const jinja_val_t *sep = jinja_arg(a, 0, "d");
  const jinja_val_t *attr = jinja_arg(a, 1, "attribute");
  int rc = to_list(ctx, e, v);
  if (rc) return rc;
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  for (size_t i = 0; !rc && i < v->u.l->n; i++) {
    const jinja_val_t *it = &v->u.l->v[i];
    if (attr && attr->t == JV_STR && it->t == JV_DICT) {
      const jinja_val_t *x = jinja_dict_get(it->u.d, attr->u.s.p,
                                            attr->u.s.n);
      static const jinja_val_t undef = {.t = JV_UNDEF};
      it = x ? x : &undef;
    }
    if (i && sep) rc = jinja_to_str(&ctx->arena, sep, &b);
    if (!rc) rc = jinja_to_str(&ctx->arena, it, &b);
  }
  char *s = rc ? NULL : jinja_arena_strndup(&ctx->arena, b.data ? b.data : "",
                                            b.len);
  if (s) *v = jinja_val_str(s, b.len);
  lotse_buf_release(&b);
  return s ? 0 : jinja_fail(ctx, e, LOTSE_ETOOBIG, "join: result too large");
}

static int f_first_last(jinja_ctx_t *ctx, const jinja_node_t *e,
                        jinja_val_t *v, const jinja_args_t *a) {
  (void)a;
  int rc = to_list(ctx, e, v);
  if (rc) return rc;
  size_t n = v->u.l->n;
  *v = n == 0 ? jinja_val_undef() : v->u.l->v[e->s[0] == 'f' ? 0 : n - 1];
  return 0;
}

static int f_reverse(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                     const jinja_args_t *a) {
  (void)a;
  bool was_str = v->t == JV_STR;
  int rc = to_list(ctx, e, v);
  if (rc) return rc;
  size_t n = v->u.l->n, bytes = 0;
  jinja_list_t *l = jinja_list_new(&ctx->arena, n);
  if (!l) return oom(ctx, e);
  for (size_t i = 0; i < n; i++) {
    l->v[i] = v->u.l->v[n - 1 - i];
    if (was_str) bytes += l->v[i].u.s.n;
  }
  if (!was_str) {
    *v = list_val(l);
    return 0;
  }
  char *s = jinja_arena_alloc(&ctx->arena, bytes + 1);
  if (!s) return oom(ctx, e);
  for (size_t i = 0, w = 0; i < n; w += l->v[i].u.s.n, i++)
    memcpy(s + w, l->v[i].u.s.p, l->v[i].u.s.n);
  *v = jinja_val_str(s, bytes);
  return 0;
}

static int f_default(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                     const jinja_args_t *a) {
  (void)ctx;
  (void)e;
  const jinja_val_t *def = jinja_arg(a, 0, "default_value");
  const jinja_val_t *boolean = jinja_arg(a, 1, "boolean");
  bool use = v->t == JV_UNDEF ||
             (boolean && jinja_truthy(boolean) && !jinja_truthy(v));
  if (use) *v = def ? *def : jinja_val_str("", 0);
  return 0;
}

static int f_number(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a) {
  bool want_int = !strcmp(e->s, "int");
  const jinja_val_t *def = jinja_arg(a, 0, "default");
  double d = 0;
  bool ok = true;
  if (v->t == JV_INT || v->t == JV_BOOL) d = v->t == JV_INT ? (double)v->u.i
                                                            : v->u.b;
  else if (v->t == JV_FLOAT) d = v->u.f;
  else if (v->t == JV_STR) {
    char buf[64], *end;
    size_t n = v->u.s.n < 63 ? v->u.s.n : 63;
    memcpy(buf, v->u.s.p, n);
    buf[n] = '\0';
    d = strtod(buf, &end);
    ok = end != buf;
  } else ok = false;
  if (!ok) {
    *v = def ? *def : want_int ? jinja_val_int(0)
                               : (jinja_val_t){.t = JV_FLOAT, .u.f = 0.0};
    return 0;
  }
  if (want_int && (d >= 9.2e18 || d <= -9.2e18))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "int: value out of range");
  if (want_int && v->t == JV_INT) return 0;
  *v = want_int ? jinja_val_int((int64_t)d)
                : (jinja_val_t){.t = JV_FLOAT, .u.f = d};
  return 0;
}

static int f_abs(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                 const jinja_args_t *a) {
  (void)a;
  if (v->t == JV_BOOL) *v = jinja_val_int(v->u.b);
  if (v->t == JV_FLOAT) v->u.f = fabs(v->u.f);
  else if (v->t == JV_INT && v->u.i != INT64_MIN) v->u.i = v->u.i < 0 ? -v->u.i
                                                                      : v->u.i;
  else return jinja_fail(ctx, e, LOTSE_EINVAL, "abs: bad operand");
  return 0;
}

static int f_safe(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                  const jinja_args_t *a) {
  (void)ctx, (void)e, (void)v, (void)a;
  return 0;
}

/* ---------------------------------------- select/reject/map family */

static int run_test(jinja_ctx_t *ctx, const jinja_node_t *at,
                    const char *name, const jinja_val_t *v,
                    const jinja_val_t *args, size_t nargs, bool *res);

static jinja_val_t item_attr(const jinja_val_t *it, const jinja_val_t *attr) {
  if ((it->t == JV_DICT || it->t == JV_NS) && attr->t == JV_STR) {
    const jinja_val_t *x = jinja_dict_get(it->u.d, attr->u.s.p, attr->u.s.n);
    if (x) return *x;
  }
  return jinja_val_undef();
}

static int f_select(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                    const jinja_args_t *a) {
  bool by_attr = strstr(e->s, "attr") != NULL, keep = e->s[0] == 's';
  size_t first = by_attr ? 1 : 0;
  if (by_attr && (a->npos < 1 || a->pos[0].t != JV_STR))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "%s needs an attribute name",
                      e->s);
  if (a->npos > first && a->pos[first].t != JV_STR)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "%s needs a test name", e->s);
  int rc = to_list(ctx, e, v);
  jinja_list_t *l = rc ? NULL : jinja_list_new(&ctx->arena, v->u.l->n);
  if (rc) return rc;
  if (!l) return oom(ctx, e);
  size_t k = 0;
  for (size_t i = 0; !rc && i < v->u.l->n; i++) {
    const jinja_val_t *it = &v->u.l->v[i];
    jinja_val_t x = by_attr ? item_attr(it, &a->pos[0]) : *it;
    bool r;
    if (a->npos > first)
      rc = run_test(ctx, e, a->pos[first].u.s.p, &x, a->pos + first + 1,
                    a->npos - first - 1, &r);
    else
      r = jinja_truthy(&x);
    if (!rc && r == keep) l->v[k++] = *it;
  }
  l->n = k;
  *v = list_val(l);
  return rc;
}

static int apply_named(jinja_ctx_t *ctx, const jinja_node_t *e,
                       const char *name, jinja_val_t *v);

static int f_map(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *v,
                 const jinja_args_t *a) {
  const jinja_val_t *attr = jinja_arg(a, 99, "attribute");
  const jinja_val_t *def = jinja_arg(a, 99, "default");
  const jinja_val_t *name = jinja_arg(a, 0, NULL);
  if (!attr && (!name || name->t != JV_STR))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "map needs attribute= or a "
                                             "filter name");
  int rc = to_list(ctx, e, v);
  jinja_list_t *l = rc ? NULL : jinja_list_new(&ctx->arena, v->u.l->n);
  if (rc) return rc;
  if (!l) return oom(ctx, e);
  for (size_t i = 0; !rc && i < v->u.l->n; i++) {
    l->v[i] = v->u.l->v[i];
    if (attr) {
      l->v[i] = item_attr(&l->v[i], attr);
      if (l->v[i].t == JV_UNDEF && def) l->v[i] = *def;
    } else {
      rc = apply_named(ctx, e, name->u.s.p, &l->v[i]);
    }
  }
  *v = list_val(l);
  return rc;
}

/* ------------------------------------------------------------ table */

/* walks: the filter touches every item or byte, so it costs steps in
 * proportion (length, first, default... do not, so a loop over messages
 * that asks messages|length stays linear). */
static const struct { const char *name; filter_fn fn; bool walks; }
    FILTERS[] = {
    {"trim", f_trim, 1}, {"length", f_length, 0}, {"count", f_length, 0},
    {"tojson", f_tojson, 1}, {"string", f_string, 1}, {"upper", f_case, 1},
    {"lower", f_case, 1}, {"capitalize", f_case, 1}, {"title", f_case, 1},
    {"default", f_default, 0}, {"d", f_default, 0}, {"items", f_items, 1},
    {"list", f_list, 1}, {"join", f_join, 1}, {"first", f_first_last, 0},
    {"last", f_first_last, 0}, {"reverse", f_reverse, 1},
    {"selectattr", f_select, 1}, {"rejectattr", f_select, 1},
    {"select", f_select, 1}, {"reject", f_select, 1}, {"map", f_map, 1},
    {"int", f_number, 0}, {"float", f_number, 0}, {"abs", f_abs, 0},
    {"replace", f_replace, 1}, {"safe", f_safe, 0},
};

static int find_index(const char *name) {
  for (size_t i = 0; i < sizeof(FILTERS) / sizeof(FILTERS[0]); i++)
    if (!strcmp(FILTERS[i].name, name)) return (int)i;
  return -1;
}

static filter_fn find_filter(const char *name) {
  int i = find_index(name);
  return i >= 0 ? FILTERS[i].fn : NULL;
}

bool jinja_filter_known(const char *name) { return find_filter(name) != NULL; }

static int apply_named(jinja_ctx_t *ctx, const jinja_node_t *e,
                       const char *name, jinja_val_t *v) {
  filter_fn fn = find_filter(name);
  if (!fn)
    return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED, "unsupported filter '%s'",
                      name);
  jinja_node_t tmp = *e;
  jinja_args_t none = {0};
  tmp.s = name;
  tmp.n = strlen(name);
  return fn(ctx, &tmp, v, &none);
}

int jinja_apply_filter(jinja_ctx_t *ctx, const jinja_node_t *e,
                       jinja_val_t *v) {
  jinja_args_t a;
  int i = find_index(e->s);
  if (i < 0)
    return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED, "unsupported filter '%s'",
                      e->s);
  int rc = FILTERS[i].walks ? jinja_charge_val(ctx, e, v) : 0;
  if (!rc && v->t == JV_STR && FILTERS[i].fn == f_length)
    rc = jinja_charge(ctx, e, v->u.s.n / 64); /* counting code points */
  if (!rc) rc = jinja_eval_args(ctx, e, 0, &a);
  return rc ? rc : FILTERS[i].fn(ctx, e, v, &a);
}

/* ------------------------------------------------------------ tests */

static const char *const TESTS[] = {
    "defined", "undefined", "none", "string", "number", "integer", "float",
    "boolean", "true", "false", "mapping", "iterable", "sequence",
    "callable", "equalto", "eq", "==", "ne", "!=", "lt", "<", "le", "<=",
    "gt", ">", "ge", ">=", "greaterthan", "lessthan", "in", "odd", "even",
    "divisibleby", "lower", "upper", "sameas", NULL};

bool jinja_test_known(const char *name) {
  for (size_t i = 0; TESTS[i]; i++)
    if (!strcmp(TESTS[i], name)) return true;
  return false;
}

static int test_type(const char *t, const jinja_val_t *v, bool *res) {
  int y = v->t;
  if (!strcmp(t, "defined")) *res = y != JV_UNDEF;
  else if (!strcmp(t, "undefined")) *res = y == JV_UNDEF;
  else if (!strcmp(t, "none")) *res = y == JV_NONE;
  else if (!strcmp(t, "string")) *res = y == JV_STR;
  else if (!strcmp(t, "number")) *res = y == JV_INT || y == JV_FLOAT ||
                                        y == JV_BOOL;
  else if (!strcmp(t, "integer")) *res = y == JV_INT;
  else if (!strcmp(t, "float")) *res = y == JV_FLOAT;
  else if (!strcmp(t, "boolean")) *res = y == JV_BOOL;
  else if (!strcmp(t, "true")) *res = y == JV_BOOL && v->u.b;
  else if (!strcmp(t, "false")) *res = y == JV_BOOL && !v->u.b;
  else if (!strcmp(t, "mapping")) *res = y == JV_DICT;
  else if (!strcmp(t, "iterable")) *res = y == JV_STR || y == JV_LIST ||
                                          y == JV_DICT || y == JV_UNDEF;
  else if (!strcmp(t, "sequence")) *res = y == JV_STR || y == JV_LIST ||
                                          y == JV_DICT || y == JV_UNDEF;
  else if (!strcmp(t, "callable")) *res = y == JV_FUNC;
  else return 1;
  return 0;
}

/* jinja2: str(value).islower() / .isupper() */
static int test_case(jinja_ctx_t *ctx, const char *t, const jinja_val_t *v,
                     bool *res) {
  if (strcmp(t, "lower") && strcmp(t, "upper")) return 1;
  if (v->t == JV_STR) {
    *res = jinja_str_is_case(v, t[0] == 'l');
    return 0;
  }
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  int rc = jinja_to_str(&ctx->arena, v, &b);
  jinja_val_t s = jinja_val_str(b.data, b.len);
  *res = !rc && jinja_str_is_case(&s, t[0] == 'l');
  lotse_buf_release(&b);
  return rc ? LOTSE_ETOOBIG : 0;
}

static int test_cmp(jinja_ctx_t *ctx, const jinja_node_t *at, const char *t,
                    const jinja_val_t *v, const jinja_val_t *o, bool *res) {
  static const struct { const char *name; int op; } CMPS[] = {
      {"equalto", JO_EQ}, {"eq", JO_EQ}, {"==", JO_EQ}, {"sameas", JO_EQ},
      {"ne", JO_NE}, {"!=", JO_NE}, {"lt", JO_LT}, {"<", JO_LT},
      {"lessthan", JO_LT}, {"le", JO_LE}, {"<=", JO_LE}, {"gt", JO_GT},
      {">", JO_GT}, {"greaterthan", JO_GT}, {"ge", JO_GE}, {">=", JO_GE},
      {"in", JO_IN}};
  for (size_t i = 0; i < sizeof(CMPS) / sizeof(CMPS[0]); i++) {
    if (strcmp(CMPS[i].name, t)) continue;
    if (!o)
      return jinja_fail(ctx, at, LOTSE_EINVAL, "test '%s' needs an argument",
                        t);
    jinja_node_t cmp = *at; /* reuse the comparison operators */
    jinja_node_t lhs = {.kind = JE_CONST, .v = *v};
    jinja_node_t rhs = {.kind = JE_CONST, .v = *o};
    jinja_val_t r;
    cmp.kind = JE_CMP;
    cmp.op = (uint8_t)CMPS[i].op;
    cmp.a = &lhs;
    cmp.b = &rhs;
    int rc = jinja_eval(ctx, &cmp, &r);
    *res = !rc && r.u.b;
    return rc;
  }
  return 1;
}

static int run_test(jinja_ctx_t *ctx, const jinja_node_t *at,
                    const char *name, const jinja_val_t *v,
                    const jinja_val_t *args, size_t nargs, bool *res) {
  *res = false;
  if (test_type(name, v, res) == 0) return 0;
  int rc = test_case(ctx, name, v, res);
  if (rc == LOTSE_ETOOBIG)
    return jinja_fail(ctx, at, rc, "test '%s': value too large", name);
  if (rc == 0) return 0;
  rc = test_cmp(ctx, at, name, v, nargs ? &args[0] : NULL, res);
  if (rc <= 0) return rc;
  bool odd = !strcmp(name, "odd"), even = !strcmp(name, "even");
  if (odd || even || !strcmp(name, "divisibleby")) {
    double d = odd || even ? 2 : (nargs && args[0].t == JV_INT
                                      ? (double)args[0].u.i
                                      : nargs && args[0].t == JV_FLOAT
                                            ? args[0].u.f : 0);
    bool isnum = v->t == JV_INT || v->t == JV_FLOAT || v->t == JV_BOOL;
    if (!isnum || d == 0)
      return jinja_fail(ctx, at, LOTSE_EINVAL, "test '%s' needs numbers",
                        name);
    double x = v->t == JV_INT ? (double)v->u.i : v->t == JV_FLOAT ? v->u.f
                                                                  : v->u.b;
    bool div = v->t == JV_INT && (odd || even) ? v->u.i % 2 == 0
                                               : fmod(x, d) == 0;
    *res = odd ? !div : div;
    return 0;
  }
  return jinja_fail(ctx, at, LOTSE_EUNSUPPORTED, "unsupported test '%s'",
                    name);
}

int jinja_apply_test(jinja_ctx_t *ctx, const jinja_node_t *e,
                     const jinja_val_t *v, bool *res) {
  jinja_args_t a;
  int rc = jinja_charge_val(ctx, e, v);
  if (!rc) rc = jinja_eval_args(ctx, e, 0, &a);
  return rc ? rc : run_test(ctx, e, e->s, v, a.pos, a.npos, res);
}
