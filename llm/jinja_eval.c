/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_eval.c — executes the AST: statements, scopes, loops and the
 * expression operators (attributes, subscripts, slices, arithmetic,
 * comparisons, and/or/not, ternary), with Python/jinja2 semantics.
 *
 * Contract: jinja_render appends to ctx->out; every statement and every
 * expression costs one step, and a render that exceeds ctx->max_steps,
 * ctx->out_max or the arena cap stops with LOTSE_ELIMIT / LOTSE_ETOOBIG.
 * Scopes: the root scope holds top-level {% set %}; each loop iteration
 * gets a fresh child scope (jinja2 semantics: assignments inside a loop do
 * not leak out; namespace() objects carry state across iterations).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "llm/jinja_internal.h"

struct jinja_scope {
  jinja_scope_t *parent;
  jinja_dict_t vars;
};

static int exec_list(jinja_ctx_t *ctx, const jinja_node_t *n);

int jinja_fail(jinja_ctx_t *ctx, const jinja_node_t *at, int code,
               const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (at)
    return lotse_err_set(ctx->err, code, "chat template %u:%u: %s", at->line,
                         at->col, msg);
  return lotse_err_set(ctx->err, code, "chat template: %s", msg);
}

static int oom(jinja_ctx_t *ctx, const jinja_node_t *at) {
  return jinja_fail(ctx, at, LOTSE_ELIMIT,
                    "rendering needs more than %zu bytes of memory",
                    ctx->arena.max);
}

int jinja_charge(jinja_ctx_t *ctx, const jinja_node_t *at, uint64_t n) {
  ctx->steps += n;
  if (ctx->steps <= ctx->max_steps) return 0;
  return jinja_fail(ctx, at, LOTSE_ELIMIT,
                    "rendering exceeded its budget of %llu steps "
                    "(endless or huge loop?)",
                    (unsigned long long)ctx->max_steps);
}

int jinja_charge_val(jinja_ctx_t *ctx, const jinja_node_t *at,
                     const jinja_val_t *v) {
  size_t n = v->t == JV_STR ? v->u.s.n / 64 : v->t == JV_LIST ? v->u.l->n
             : (v->t == JV_DICT || v->t == JV_NS) ? v->u.d->n : 0;
  return n ? jinja_charge(ctx, at, n) : 0;
}

static int step(jinja_ctx_t *ctx, const jinja_node_t *at) {
  return jinja_charge(ctx, at, 1);
}

/* ------------------------------------------------------------ scopes */

static const char *const FUNCS[] = {"raise_exception", "strftime_now",
                                    "namespace", "range", "dict"};

static jinja_val_t lookup(const jinja_ctx_t *ctx, const char *name,
                          size_t n) {
  for (const jinja_scope_t *s = ctx->scope; s; s = s->parent) {
    const jinja_val_t *v = jinja_dict_get(&s->vars, name, n);
    if (v) return *v;
  }
  const jinja_val_t *g = jinja_dict_get(ctx->globals, name, n);
  if (g) return *g;
  for (size_t i = 0; i < sizeof(FUNCS) / sizeof(FUNCS[0]); i++)
    if (strlen(FUNCS[i]) == n && memcmp(FUNCS[i], name, n) == 0) {
      jinja_val_t f = {.t = JV_FUNC};
      f.u.fn = (int)i;
      return f;
    }
  return jinja_val_undef();
}

static int assign(jinja_ctx_t *ctx, const jinja_node_t *at, const char *name,
                  jinja_val_t v) {
  if (jinja_dict_set(&ctx->arena, &ctx->scope->vars, name, strlen(name), v))
    return oom(ctx, at);
  return 0;
}

static int bind_targets(jinja_ctx_t *ctx, const jinja_node_t *n,
                        const jinja_val_t *v) {
  if (n->nnames == 1) return assign(ctx, n, n->names[0], *v);
  if (v->t != JV_LIST || v->u.l->n != n->nnames)
    return jinja_fail(ctx, n, LOTSE_EINVAL,
                      "cannot unpack %s into %zu variables",
                      jinja_type_name(v), n->nnames);
  for (size_t i = 0; i < n->nnames; i++) {
    int rc = assign(ctx, n, n->names[i], v->u.l->v[i]);
    if (rc) return rc;
  }
  return 0;
}

/* One scope reused by every iteration of a loop: emptied, not reallocated,
 * so a long loop costs no memory per iteration. Nothing keeps a pointer
 * into a scope's arrays (values are copied out). */
static void reset_scope(jinja_ctx_t *ctx, jinja_scope_t *s) {
  s->vars.n = 0;
  ctx->scope = s;
}

static jinja_scope_t *push_scope(jinja_ctx_t *ctx) {
  jinja_scope_t *s = jinja_arena_alloc(&ctx->arena, sizeof(*s));
  if (!s) return NULL;
  s->parent = ctx->scope;
  ctx->scope = s;
  return s;
}

/* ------------------------------------------------------------ output */

static int emit(jinja_ctx_t *ctx, const jinja_node_t *at, const char *p,
                size_t n) {
  if (n > ctx->out_max - ctx->out->len || lotse_buf_append(ctx->out, p, n))
    return jinja_fail(ctx, at, LOTSE_ETOOBIG,
                      "rendered prompt exceeds %zu bytes",
                      ctx->out_max - ctx->out_base);
  return 0;
}

static int emit_val(jinja_ctx_t *ctx, const jinja_node_t *at,
                    const jinja_val_t *v) {
  if (v->t == JV_STR) return emit(ctx, at, v->u.s.p, v->u.s.n);
  int rc = jinja_to_str(&ctx->arena, v, ctx->out);
  if (rc == LOTSE_ELIMIT)
    return jinja_fail(ctx, at, rc, "value nested deeper than %d levels",
                      JINJA_MAX_DEPTH);
  if (rc || ctx->out->len > ctx->out_max)
    return jinja_fail(ctx, at, LOTSE_ETOOBIG,
                      "rendered prompt exceeds %zu bytes",
                      ctx->out_max - ctx->out_base);
  return 0;
}

/* --------------------------------------------------------- iteration */

/* The items a for loop (and list-taking filters) walk. */
int jinja_iter_items(jinja_ctx_t *ctx, const jinja_node_t *at,
                     const jinja_val_t *v, jinja_list_t **out) {
  jinja_list_t *l = NULL;
  if (v->t == JV_LIST) {
    *out = v->u.l;
    return 0;
  }
  if (v->t == JV_UNDEF) {
    l = jinja_list_new(&ctx->arena, 0);
  } else if (v->t == JV_DICT || v->t == JV_NS) {
    l = jinja_list_new(&ctx->arena, v->u.d->n);
    for (size_t i = 0; l && i < v->u.d->n; i++)
      l->v[i] = jinja_val_str(v->u.d->k[i], v->u.d->kn[i]);
  } else if (v->t == JV_STR) {
    size_t k, *off = jinja_utf8_offsets(&ctx->arena, v->u.s.p, v->u.s.n, &k);
    l = off ? jinja_list_new(&ctx->arena, k) : NULL;
    for (size_t i = 0; l && i < k; i++)
      l->v[i] = jinja_val_str(v->u.s.p + off[i], off[i + 1] - off[i]);
  } else {
    return jinja_fail(ctx, at, LOTSE_EINVAL, "'%s' object is not iterable",
                      jinja_type_name(v));
  }
  if (!l) return oom(ctx, at);
  *out = l;
  return 0;
}

static int filter_items(jinja_ctx_t *ctx, const jinja_node_t *n,
                        jinja_list_t **items) {
  jinja_list_t *in = *items, *l = jinja_list_new(&ctx->arena, in->n);
  if (!l) return oom(ctx, n);
  jinja_scope_t *saved = ctx->scope, *it = push_scope(ctx);
  size_t k = 0;
  int rc = it ? 0 : oom(ctx, n);
  for (size_t i = 0; !rc && i < in->n; i++) {
    jinja_val_t c;
    reset_scope(ctx, it);
    rc = bind_targets(ctx, n, &in->v[i]);
    if (!rc) rc = jinja_eval(ctx, n->b, &c);
    if (!rc && jinja_truthy(&c)) l->v[k++] = in->v[i];
    ctx->scope = saved;
  }
  l->n = k;
  *items = l;
  return rc;
}

static int exec_for(jinja_ctx_t *ctx, const jinja_node_t *n) {
  jinja_val_t it;
  jinja_list_t *items = NULL;
  int rc = jinja_eval(ctx, n->a, &it);
  if (!rc) rc = jinja_iter_items(ctx, n->a, &it, &items);
  if (!rc && n->b) rc = filter_items(ctx, n, &items);
  if (rc) return rc;
  jinja_scope_t *saved = ctx->scope;
  if (items->n == 0 && n->orelse) {
    if (!push_scope(ctx)) return oom(ctx, n);
    rc = exec_list(ctx, n->orelse);
    ctx->scope = saved;
    return rc;
  }
  jinja_loop_t *loops = jinja_arena_alloc(&ctx->arena,
                                          (items->n + 1) * sizeof(*loops));
  jinja_scope_t *scope = loops ? push_scope(ctx) : NULL;
  if (!scope) return oom(ctx, n);
  for (size_t i = 0; !rc && i < items->n; i++) {
    loops[i].index0 = (int64_t)i;
    loops[i].length = (int64_t)items->n;
    loops[i].items = items;
    jinja_val_t lv = {.t = JV_LOOP};
    lv.u.loop = &loops[i];
    reset_scope(ctx, scope);
    rc = bind_targets(ctx, n, &items->v[i]);
    if (!rc) rc = assign(ctx, n, "loop", lv);
    if (!rc) rc = exec_list(ctx, n->body);
    ctx->scope = saved;
    if (ctx->loop_ctl == JN_BREAK) {
      ctx->loop_ctl = 0;
      break;
    }
    ctx->loop_ctl = 0;
  }
  return rc;
}

/* -------------------------------------------------------- statements */

static int exec_set(jinja_ctx_t *ctx, const jinja_node_t *n) {
  jinja_val_t v;
  int rc = jinja_eval(ctx, n->a, &v);
  if (rc) return rc;
  if (n->kind == JN_SET) return bind_targets(ctx, n, &v);
  jinja_val_t ns = lookup(ctx, n->names[0], strlen(n->names[0]));
  if (ns.t != JV_NS)
    return jinja_fail(ctx, n, LOTSE_EINVAL,
                      "cannot assign attribute on %s '%s' (not a namespace)",
                      jinja_type_name(&ns), n->names[0]);
  if (jinja_dict_set(&ctx->arena, ns.u.d, n->s, n->n, v)) return oom(ctx, n);
  return 0;
}

static int exec_set_block(jinja_ctx_t *ctx, const jinja_node_t *n) {
  lotse_buf_t tmp, *saved = ctx->out;
  size_t saved_max = ctx->out_max;
  lotse_buf_init(&tmp, ctx->out_max);
  ctx->out = &tmp;
  int rc = exec_list(ctx, n->body);
  ctx->out = saved;
  ctx->out_max = saved_max;
  if (!rc) {
    char *s = jinja_arena_strndup(&ctx->arena, tmp.data ? tmp.data : "",
                                  tmp.len);
    if (!s) rc = oom(ctx, n);
    else rc = bind_targets(ctx, n, &(jinja_val_t){.t = JV_STR,
                                                   .u.s = {s, tmp.len}});
  }
  lotse_buf_release(&tmp);
  return rc;
}

static int exec_one(jinja_ctx_t *ctx, const jinja_node_t *n) {
  jinja_val_t v;
  int rc;
  switch (n->kind) {
  case JN_TEXT: return emit(ctx, n, n->s, n->n);
  case JN_OUT:
    rc = jinja_eval(ctx, n->a, &v);
    return rc ? rc : emit_val(ctx, n, &v);
  case JN_IF:
    rc = jinja_eval(ctx, n->a, &v);
    if (rc) return rc;
    return exec_list(ctx, jinja_truthy(&v) ? n->body : n->orelse);
  case JN_FOR: return exec_for(ctx, n);
  case JN_SET: case JN_SET_ATTR: return exec_set(ctx, n);
  case JN_SET_BLOCK: return exec_set_block(ctx, n);
  case JN_BREAK: case JN_CONTINUE: ctx->loop_ctl = n->kind; return 0;
  default:
    return jinja_fail(ctx, n, LOTSE_EINTERNAL, "bad statement node %d",
                      n->kind);
  }
}

static int exec_list(jinja_ctx_t *ctx, const jinja_node_t *n) {
  for (; n; n = n->next) {
    int rc = step(ctx, n);
    if (!rc) rc = exec_one(ctx, n);
    if (rc) return rc;
    if (ctx->loop_ctl) return 0;
  }
  return 0;
}

int jinja_render(jinja_ctx_t *ctx, const jinja_node_t *root) {
  ctx->scope = NULL;
  if (!push_scope(ctx)) return oom(ctx, NULL);
  int rc = exec_list(ctx, root);
  ctx->loop_ctl = 0;
  return rc;
}

/* ----------------------------------------------- attributes, indexes */

static int get_attr(jinja_ctx_t *ctx, const jinja_node_t *n,
                    const jinja_val_t *obj, jinja_val_t *out) {
  *out = jinja_val_undef();
  if (obj->t == JV_DICT || obj->t == JV_NS) {
    int rc = jinja_charge(ctx, n, obj->u.d->n / 16);
    if (rc) return rc;
    const jinja_val_t *v = jinja_dict_get(obj->u.d, n->s, n->n);
    if (v) *out = *v;
  } else if (obj->t == JV_LOOP) {
    const jinja_loop_t *l = obj->u.loop;
    int64_t i = l->index0, len = l->length;
    const char *f = n->s;
    if (!strcmp(f, "index0")) *out = jinja_val_int(i);
    else if (!strcmp(f, "index")) *out = jinja_val_int(i + 1);
    else if (!strcmp(f, "revindex")) *out = jinja_val_int(len - i);
    else if (!strcmp(f, "revindex0")) *out = jinja_val_int(len - i - 1);
    else if (!strcmp(f, "first")) *out = jinja_val_bool(i == 0);
    else if (!strcmp(f, "last")) *out = jinja_val_bool(i == len - 1);
    else if (!strcmp(f, "length")) *out = jinja_val_int(len);
    else if (!strcmp(f, "depth")) *out = jinja_val_int(1);
    else if (!strcmp(f, "depth0")) *out = jinja_val_int(0);
    else if (!strcmp(f, "previtem") && i > 0) *out = l->items->v[i - 1];
    else if (!strcmp(f, "nextitem") && i + 1 < len) *out = l->items->v[i + 1];
  } else if (obj->t == JV_UNDEF) {
    if (n->a->kind == JE_NAME)
      return jinja_fail(ctx, n, LOTSE_EINVAL, "'%s' is undefined", n->a->s);
    return jinja_fail(ctx, n, LOTSE_EINVAL,
                      "undefined value has no attribute '%s'", n->s);
  }
  return 0;
}

static bool int_key(const jinja_val_t *k, int64_t *i) {
  if (k->t == JV_INT) *i = k->u.i;
  else if (k->t == JV_BOOL) *i = k->u.b;
  else return false;
  return true;
}

static int str_index(jinja_ctx_t *ctx, const jinja_node_t *n,
                     const jinja_val_t *s, int64_t i, jinja_val_t *out) {
  size_t k, *off = jinja_utf8_offsets(&ctx->arena, s->u.s.p, s->u.s.n, &k);
  if (!off) return oom(ctx, n);
  if (i < 0) i += (int64_t)k;
  if (i >= 0 && i < (int64_t)k)
    *out = jinja_val_str(s->u.s.p + off[i], off[i + 1] - off[i]);
  return 0;
}

static int get_item(jinja_ctx_t *ctx, const jinja_node_t *n,
                    const jinja_val_t *obj, const jinja_val_t *key,
                    jinja_val_t *out) {
  int64_t i;
  *out = jinja_val_undef();
  if (obj->t == JV_LIST && int_key(key, &i)) {
    int64_t len = (int64_t)obj->u.l->n;
    if (i < 0) i += len;
    if (i >= 0 && i < len) *out = obj->u.l->v[i];
  } else if (obj->t == JV_STR && int_key(key, &i)) {
    return str_index(ctx, n, obj, i, out);
  } else if ((obj->t == JV_DICT || obj->t == JV_NS) && key->t == JV_STR) {
    int rc = jinja_charge(ctx, n, obj->u.d->n / 16);
    if (rc) return rc;
    const jinja_val_t *v = jinja_dict_get(obj->u.d, key->u.s.p, key->u.s.n);
    if (v) *out = *v;
  } else if (obj->t == JV_LOOP && key->t == JV_STR) {
    jinja_node_t tmp = *n;
    tmp.s = jinja_arena_strndup(&ctx->arena, key->u.s.p, key->u.s.n);
    tmp.n = key->u.s.n;
    return tmp.s ? get_attr(ctx, &tmp, obj, out) : oom(ctx, n);
  } else if (obj->t == JV_UNDEF) {
    if (n->a->kind == JE_NAME)
      return jinja_fail(ctx, n, LOTSE_EINVAL, "'%s' is undefined", n->a->s);
    return jinja_fail(ctx, n, LOTSE_EINVAL, "undefined value is not "
                                             "subscriptable");
  }
  return 0;
}

/* Python's slice.indices(); returns the number of items. */
static int64_t slice_indices(int64_t len, const jinja_val_t *sv, int64_t step,
                             int64_t *start) {
  int64_t s, e;
  bool has_s = sv[0].t == JV_INT, has_e = sv[1].t == JV_INT;
  int64_t lo = step < 0 ? -1 : 0, hi = step < 0 ? len - 1 : len;
  s = has_s ? sv[0].u.i : (step < 0 ? hi : lo);
  e = has_e ? sv[1].u.i : (step < 0 ? lo : hi);
  if (has_s) {
    if (s < 0) s += len;
    s = s < lo ? lo : s > hi ? hi : s;
  }
  if (has_e) {
    if (e < 0) e += len;
    e = e < lo ? lo : e > hi ? hi : e;
  }
  *start = s;
  if (step > 0) return e > s ? (e - s + step - 1) / step : 0;
  return s > e ? (s - e - step - 1) / (-step) : 0;
}

static int eval_slice(jinja_ctx_t *ctx, const jinja_node_t *n,
                      jinja_val_t *out) {
  jinja_val_t obj, sv[3] = {{0}, {0}, {0}};
  int rc = jinja_eval(ctx, n->a, &obj);
  for (int i = 0; !rc && i < 3; i++) {
    if (n->args[i]) rc = jinja_eval(ctx, n->args[i], &sv[i]);
    if (!rc && sv[i].t == JV_BOOL) sv[i] = jinja_val_int(sv[i].u.b);
    if (!rc && sv[i].t != JV_INT && sv[i].t != JV_NONE && sv[i].t != JV_UNDEF)
      rc = jinja_fail(ctx, n, LOTSE_EINVAL, "slice indices must be integers");
  }
  if (rc) return rc;
  int64_t step = sv[2].t == JV_INT ? sv[2].u.i : 1, start;
  if (step == 0)
    return jinja_fail(ctx, n, LOTSE_EINVAL, "slice step cannot be zero");
  if (obj.t == JV_LIST) {
    int64_t k = slice_indices((int64_t)obj.u.l->n, sv, step, &start);
    jinja_list_t *l = jinja_list_new(&ctx->arena, (size_t)k);
    if (!l) return oom(ctx, n);
    for (int64_t i = 0; i < k; i++) l->v[i] = obj.u.l->v[start + i * step];
    *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
    return 0;
  }
  if (obj.t == JV_UNDEF)
    return jinja_fail(ctx, n, LOTSE_EINVAL, "'%s' is undefined",
                      n->a->kind == JE_NAME ? n->a->s : "value");
  if (obj.t != JV_STR) { /* jinja2: a failed subscript is undefined */
    *out = jinja_val_undef();
    return 0;
  }
  size_t cnt, *off = jinja_utf8_offsets(&ctx->arena, obj.u.s.p, obj.u.s.n,
                                        &cnt);
  if (!off) return oom(ctx, n);
  int64_t k = slice_indices((int64_t)cnt, sv, step, &start);
  char *s = jinja_arena_alloc(&ctx->arena, obj.u.s.n + 1);
  if (!s) return oom(ctx, n);
  size_t w = 0;
  for (int64_t i = 0; i < k; i++) {
    int64_t c = start + i * step;
    memcpy(s + w, obj.u.s.p + off[c], off[c + 1] - off[c]);
    w += off[c + 1] - off[c];
  }
  *out = jinja_val_str(s, w);
  return 0;
}

/* --------------------------------------------------------- operators */

static bool num(const jinja_val_t *v) {
  return v->t == JV_INT || v->t == JV_FLOAT || v->t == JV_BOOL;
}
static double fnum(const jinja_val_t *v) {
  return v->t == JV_FLOAT ? v->u.f : v->t == JV_BOOL ? v->u.b : (double)v->u.i;
}
static int64_t inum(const jinja_val_t *v) {
  return v->t == JV_BOOL ? v->u.b : v->u.i;
}

static int concat(jinja_ctx_t *ctx, const jinja_node_t *n, const char *a,
                  size_t an, const char *b, size_t bn, jinja_val_t *out) {
  char *s = jinja_arena_alloc(&ctx->arena, an + bn + 1);
  if (!s) return oom(ctx, n);
  memcpy(s, a, an);
  memcpy(s + an, b, bn);
  *out = jinja_val_str(s, an + bn);
  return 0;
}

static int type_error(jinja_ctx_t *ctx, const jinja_node_t *n,
                      const jinja_val_t *a, const jinja_val_t *b) {
  static const char *const sym[] = {"", "+", "-", "*", "/", "//", "%", "**"};
  return jinja_fail(ctx, n, LOTSE_EINVAL,
                    "unsupported operand types for %s: '%s' and '%s'",
                    n->op < 8 ? sym[n->op] : "?", jinja_type_name(a),
                    jinja_type_name(b));
}

static int repeat(jinja_ctx_t *ctx, const jinja_node_t *n,
                  const jinja_val_t *seq, int64_t times, jinja_val_t *out) {
  size_t k = times > 0 ? (size_t)times : 0;
  size_t unit = seq->t == JV_STR ? seq->u.s.n : seq->u.l->n;
  if (unit && k > (ctx->arena.max / 16) / unit) return oom(ctx, n);
  if (seq->t == JV_STR) {
    char *s = jinja_arena_alloc(&ctx->arena, unit * k + 1);
    if (!s) return oom(ctx, n);
    for (size_t i = 0; i < k; i++) memcpy(s + i * unit, seq->u.s.p, unit);
    *out = jinja_val_str(s, unit * k);
    return 0;
  }
  jinja_list_t *l = jinja_list_new(&ctx->arena, unit * k);
  if (!l) return oom(ctx, n);
  for (size_t i = 0; i < k; i++)
    memcpy(l->v + i * unit, seq->u.l->v, unit * sizeof(jinja_val_t));
  *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
  return 0;
}

static int int_arith(jinja_ctx_t *ctx, const jinja_node_t *n, int64_t a,
                     int64_t b, jinja_val_t *out) {
  int64_t r = 0;
  bool ovf = false;
  switch (n->op) {
  case JO_ADD: ovf = __builtin_add_overflow(a, b, &r); break;
  case JO_SUB: ovf = __builtin_sub_overflow(a, b, &r); break;
  case JO_MUL: ovf = __builtin_mul_overflow(a, b, &r); break;
  case JO_FLOORDIV: case JO_MOD:
    if (b == 0)
      return jinja_fail(ctx, n, LOTSE_EINVAL, "integer division by zero");
    if (a == INT64_MIN && b == -1) { ovf = true; break; }
    r = n->op == JO_FLOORDIV ? a / b : a % b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
      r = n->op == JO_FLOORDIV ? r - 1 : r + b;
    break;
  case JO_POW:
    if (b < 0) {
      *out = (jinja_val_t){.t = JV_FLOAT, .u.f = pow((double)a, (double)b)};
      return 0;
    }
    r = 1;
    for (int64_t i = 0; i < b && !ovf; i++) {
      ovf = __builtin_mul_overflow(r, a, &r);
      if (r == 0 || r == 1) break; /* 0**b, 1**b */
      if (r == -1 && a == -1) { r = (b % 2) ? -1 : 1; break; }
    }
    break;
  default: return type_error(ctx, n, &(jinja_val_t){.t = JV_INT},
                             &(jinja_val_t){.t = JV_INT});
  }
  if (ovf) return jinja_fail(ctx, n, LOTSE_EINVAL, "integer overflow");
  *out = jinja_val_int(r);
  return 0;
}

static int float_arith(jinja_ctx_t *ctx, const jinja_node_t *n, double a,
                       double b, jinja_val_t *out) {
  double r;
  if ((n->op == JO_DIV || n->op == JO_FLOORDIV || n->op == JO_MOD) && b == 0)
    return jinja_fail(ctx, n, LOTSE_EINVAL, "division by zero");
  switch (n->op) {
  case JO_ADD: r = a + b; break;
  case JO_SUB: r = a - b; break;
  case JO_MUL: r = a * b; break;
  case JO_DIV: r = a / b; break;
  case JO_FLOORDIV: r = floor(a / b); break;
  case JO_MOD:
    r = fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    break;
  default: r = pow(a, b); break;
  }
  *out = (jinja_val_t){.t = JV_FLOAT, .u.f = r};
  return 0;
}

static int eval_bin(jinja_ctx_t *ctx, const jinja_node_t *n,
                    const jinja_val_t *a, const jinja_val_t *b,
                    jinja_val_t *out) {
  if (n->op == JO_TILDE) {
    lotse_buf_t sb;
    lotse_buf_init(&sb, ctx->out_max);
    int rc = jinja_to_str(&ctx->arena, a, &sb);
    if (!rc) rc = jinja_to_str(&ctx->arena, b, &sb);
    if (!rc) rc = concat(ctx, n, sb.data ? sb.data : "", sb.len, "", 0, out);
    else if (rc == LOTSE_ELIMIT)
      rc = jinja_fail(ctx, n, rc, "value nested deeper than %d levels",
                      JINJA_MAX_DEPTH);
    else rc = jinja_fail(ctx, n, LOTSE_ETOOBIG, "string too long");
    lotse_buf_release(&sb);
    return rc;
  }
  if (num(a) && num(b)) {
    if (n->op == JO_DIV || a->t == JV_FLOAT || b->t == JV_FLOAT)
      return float_arith(ctx, n, fnum(a), fnum(b), out);
    return int_arith(ctx, n, inum(a), inum(b), out);
  }
  if (n->op == JO_ADD && a->t == JV_STR && b->t == JV_STR)
    return concat(ctx, n, a->u.s.p, a->u.s.n, b->u.s.p, b->u.s.n, out);
  if (n->op == JO_ADD && a->t == JV_LIST && b->t == JV_LIST) {
    jinja_list_t *l = jinja_list_new(&ctx->arena, a->u.l->n + b->u.l->n);
    if (!l) return oom(ctx, n);
    if (a->u.l->n) memcpy(l->v, a->u.l->v, a->u.l->n * sizeof(jinja_val_t));
    if (b->u.l->n)
      memcpy(l->v + a->u.l->n, b->u.l->v, b->u.l->n * sizeof(jinja_val_t));
    *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
    return 0;
  }
  if (n->op == JO_MUL && (a->t == JV_STR || a->t == JV_LIST) &&
      (b->t == JV_INT || b->t == JV_BOOL))
    return repeat(ctx, n, a, inum(b), out);
  if (n->op == JO_MUL && (b->t == JV_STR || b->t == JV_LIST) &&
      (a->t == JV_INT || a->t == JV_BOOL))
    return repeat(ctx, n, b, inum(a), out);
  return type_error(ctx, n, a, b);
}

static int contains(jinja_ctx_t *ctx, const jinja_node_t *n,
                    const jinja_val_t *item, const jinja_val_t *seq,
                    bool *res) {
  *res = false;
  size_t work = seq->t == JV_STR ? seq->u.s.n / 64
                : seq->t == JV_LIST ? seq->u.l->n
                : (seq->t == JV_DICT || seq->t == JV_NS) ? seq->u.d->n / 16 : 0;
  int rc = jinja_charge(ctx, n, work); /* scans cost steps: no silent hang */
  if (rc) return rc;
  if (seq->t == JV_STR) {
    if (item->t != JV_STR)
      return jinja_fail(ctx, n, LOTSE_EINVAL,
                        "'in <string>' requires string as left operand");
    *res = item->u.s.n == 0 ||
           memmem(seq->u.s.p, seq->u.s.n, item->u.s.p, item->u.s.n) != NULL;
  } else if (seq->t == JV_LIST) {
    for (size_t i = 0; !*res && i < seq->u.l->n; i++)
      *res = jinja_equal(item, &seq->u.l->v[i]);
  } else if (seq->t == JV_DICT || seq->t == JV_NS) {
    *res = item->t == JV_STR &&
           jinja_dict_get(seq->u.d, item->u.s.p, item->u.s.n) != NULL;
  } else if (seq->t != JV_UNDEF) {
    return jinja_fail(ctx, n, LOTSE_EINVAL,
                      "argument of type '%s' is not iterable",
                      jinja_type_name(seq));
  }
  return 0;
}

static int order(jinja_ctx_t *ctx, const jinja_node_t *n,
                 const jinja_val_t *a, const jinja_val_t *b, int *cmp) {
  if (num(a) && num(b)) {
    double x = fnum(a), y = fnum(b);
    if (a->t != JV_FLOAT && b->t != JV_FLOAT)
      *cmp = inum(a) < inum(b) ? -1 : inum(a) > inum(b);
    else
      *cmp = x < y ? -1 : x > y;
    return 0;
  }
  if (a->t == JV_STR && b->t == JV_STR) {
    size_t m = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
    int c = memcmp(a->u.s.p, b->u.s.p, m);
    *cmp = c ? c : (a->u.s.n < b->u.s.n ? -1 : a->u.s.n > b->u.s.n);
    return 0;
  }
  return jinja_fail(ctx, n, LOTSE_EINVAL,
                    "ordering not supported between '%s' and '%s'",
                    jinja_type_name(a), jinja_type_name(b));
}

static int eval_cmp(jinja_ctx_t *ctx, const jinja_node_t *n,
                    const jinja_val_t *a, const jinja_val_t *b, bool *res) {
  int c = 0, rc = 0;
  if ((n->op == JO_EQ || n->op == JO_NE) && a->t == JV_LIST && b->t == JV_LIST)
    rc = jinja_charge(ctx, n, a->u.l->n);
  if (rc) return rc;
  switch (n->op) {
  case JO_EQ: *res = jinja_equal(a, b); return 0;
  case JO_NE: *res = !jinja_equal(a, b); return 0;
  case JO_IN: return contains(ctx, n, a, b, res);
  case JO_NOTIN:
    rc = contains(ctx, n, a, b, res);
    *res = !*res;
    return rc;
  default: break;
  }
  rc = order(ctx, n, a, b, &c);
  *res = n->op == JO_LT ? c < 0 : n->op == JO_GT ? c > 0
         : n->op == JO_LE ? c <= 0 : c >= 0;
  return rc;
}

/* ------------------------------------------------------- expressions */

static int eval_seq(jinja_ctx_t *ctx, const jinja_node_t *n,
                    jinja_val_t *out) {
  if (n->kind == JE_LIST) {
    jinja_list_t *l = jinja_list_new(&ctx->arena, n->nargs);
    if (!l) return oom(ctx, n);
    l->tuple = n->op == 1;
    for (size_t i = 0; i < n->nargs; i++) {
      int rc = jinja_eval(ctx, n->args[i], &l->v[i]);
      if (rc) return rc;
    }
    *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
    return 0;
  }
  jinja_dict_t *d = jinja_dict_new(&ctx->arena);
  if (!d) return oom(ctx, n);
  for (size_t i = 0; i + 1 < n->nargs; i += 2) {
    jinja_val_t k, v;
    int rc = jinja_eval(ctx, n->args[i], &k);
    if (!rc) rc = jinja_eval(ctx, n->args[i + 1], &v);
    if (rc) return rc;
    if (k.t != JV_STR)
      return jinja_fail(ctx, n, LOTSE_EUNSUPPORTED,
                        "dict keys must be strings, not %s",
                        jinja_type_name(&k));
    if ((rc = jinja_charge(ctx, n, d->n / 16))) return rc;
    if (jinja_dict_set(&ctx->arena, d, k.u.s.p, k.u.s.n, v))
      return oom(ctx, n);
  }
  *out = (jinja_val_t){.t = JV_DICT, .u.d = d};
  return 0;
}

static int eval_pair(jinja_ctx_t *ctx, const jinja_node_t *n,
                     jinja_val_t *a, jinja_val_t *b) {
  int rc = jinja_eval(ctx, n->a, a);
  return rc ? rc : jinja_eval(ctx, n->b, b);
}

static int eval_logic(jinja_ctx_t *ctx, const jinja_node_t *n,
                      jinja_val_t *out) {
  int rc = jinja_eval(ctx, n->a, out);
  if (rc) return rc;
  bool t = jinja_truthy(out);
  if ((n->kind == JE_AND && t) || (n->kind == JE_OR && !t))
    return jinja_eval(ctx, n->b, out);
  return 0;
}

static int eval_unary(jinja_ctx_t *ctx, const jinja_node_t *n,
                      jinja_val_t *out) {
  int rc = jinja_eval(ctx, n->a, out);
  if (rc) return rc;
  if (n->kind == JE_NOT) {
    *out = jinja_val_bool(!jinja_truthy(out));
    return 0;
  }
  if (!num(out))
    return jinja_fail(ctx, n, LOTSE_EINVAL, "bad operand type for unary %c: "
                      "'%s'", n->kind == JE_NEG ? '-' : '+',
                      jinja_type_name(out));
  if (n->kind == JE_POS) return 0;
  if (out->t == JV_FLOAT) out->u.f = -out->u.f;
  else if (inum(out) == INT64_MIN)
    return jinja_fail(ctx, n, LOTSE_EINVAL, "integer overflow");
  else *out = jinja_val_int(-inum(out));
  return 0;
}

/* Tests, comparisons and the ternary: the expressions that decide. */
static int eval_predicate(jinja_ctx_t *ctx, const jinja_node_t *n,
                          jinja_val_t *out) {
  jinja_val_t a, b;
  bool res;
  int rc;
  if (n->kind == JE_TEST) {
    rc = jinja_eval(ctx, n->a, &a);
    if (!rc) rc = jinja_apply_test(ctx, n, &a, &res);
    if (!rc) *out = jinja_val_bool(n->neg ? !res : res);
    return rc;
  }
  if (n->kind == JE_CMP) {
    rc = eval_pair(ctx, n, &a, &b);
    if (!rc) rc = eval_cmp(ctx, n, &a, &b, &res);
    if (!rc) *out = jinja_val_bool(res);
    return rc;
  }
  rc = jinja_eval(ctx, n->b, &a); /* JE_COND: a if b else c */
  if (rc) return rc;
  if (jinja_truthy(&a)) return jinja_eval(ctx, n->a, out);
  return n->c ? jinja_eval(ctx, n->c, out) : 0;
}

int jinja_eval(jinja_ctx_t *ctx, const jinja_node_t *n, jinja_val_t *out) {
  jinja_val_t a, b;
  int rc = step(ctx, n);
  if (rc) return rc;
  *out = jinja_val_undef();
  switch (n->kind) {
  case JE_CONST: *out = n->v; return 0;
  case JE_NAME: *out = lookup(ctx, n->s, n->n); return 0;
  case JE_LIST: case JE_DICT: return eval_seq(ctx, n, out);
  case JE_ATTR:
    rc = jinja_eval(ctx, n->a, &a);
    return rc ? rc : get_attr(ctx, n, &a, out);
  case JE_INDEX:
    rc = eval_pair(ctx, n, &a, &b);
    return rc ? rc : get_item(ctx, n, &a, &b, out);
  case JE_SLICE: return eval_slice(ctx, n, out);
  case JE_CALL: return jinja_call(ctx, n, out);
  case JE_FILTER:
    rc = jinja_eval(ctx, n->a, out);
    return rc ? rc : jinja_apply_filter(ctx, n, out);
  case JE_TEST: case JE_CMP: case JE_COND:
    return eval_predicate(ctx, n, out);
  case JE_NOT: case JE_NEG: case JE_POS: return eval_unary(ctx, n, out);
  case JE_BIN:
    rc = eval_pair(ctx, n, &a, &b);
    return rc ? rc : eval_bin(ctx, n, &a, &b, out);
  case JE_AND: case JE_OR: return eval_logic(ctx, n, out);
  default:
    return jinja_fail(ctx, n, LOTSE_EINTERNAL, "bad expression node %d",
                      n->kind);
  }
}
