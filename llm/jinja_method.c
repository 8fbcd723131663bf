/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_method.c — calls: the global functions chat templates use
 * (raise_exception, strftime_now, namespace, range, dict) and the Python
 * methods of str (startswith, endswith, strip, lstrip, rstrip, split,
 * replace, upper, lower, title, capitalize, join) and dict (items, keys,
 * values, get).
 *
 * Contract: raise_exception(msg) fails the render with LOTSE_EINVAL and
 * exactly msg as the error text; range() refuses more than
 * JINJA_MAX_RANGE items like jinja2's sandbox; strftime_now formats
 * ctx->now in local time with English (C locale) month and day names.
 */
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "llm/jinja_internal.h"

/* ------------------------------------------------------------ helpers */

int jinja_eval_args(jinja_ctx_t *ctx, const jinja_node_t *e, size_t first,
                    jinja_args_t *args) {
  memset(args, 0, sizeof(*args));
  for (size_t i = first; i < e->nargs; i++) {
    jinja_val_t v;
    int rc = jinja_eval(ctx, e->args[i], &v);
    if (rc) return rc;
    if (e->kw[i]) {
      if (args->nkw == 8)
        return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED, "too many arguments");
      args->kw[args->nkw] = e->kw[i];
      args->kwv[args->nkw++] = v;
    } else {
      if (args->npos == 8)
        return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED, "too many arguments");
      args->pos[args->npos++] = v;
    }
  }
  return 0;
}

/* Positional argument i, else the keyword kw, else NULL. */
const jinja_val_t *jinja_arg(const jinja_args_t *a, size_t i,
                             const char *kw) {
  if (i < a->npos) return &a->pos[i];
  for (size_t k = 0; kw && k < a->nkw; k++)
    if (!strcmp(a->kw[k], kw)) return &a->kwv[k];
  return NULL;
}

static int oom(jinja_ctx_t *ctx, const jinja_node_t *at) {
  return jinja_fail(ctx, at, LOTSE_ELIMIT, "out of memory while rendering");
}

static int want_str(jinja_ctx_t *ctx, const jinja_node_t *at,
                    const jinja_val_t *v, const char *what) {
  if (v && v->t == JV_STR) return 0;
  return jinja_fail(ctx, at, LOTSE_EINVAL, "%s expects a string, not %s",
                    what, v ? jinja_type_name(v) : "nothing");
}

static int32_t decode(const char *p, size_t n, size_t *len) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p,
                                        (utf8proc_ssize_t)n, &cp);
  if (k <= 0) { /* invalid byte: treat it as one opaque character */
    *len = 1;
    return -1 - (unsigned char)p[0];
  }
  *len = (size_t)k;
  return cp;
}

/* Python str.isspace() */
static bool is_space(int32_t c) {
  return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85 ||
         c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
         c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
         c == 0x3000;
}

static bool in_chars(int32_t c, const jinja_val_t *chars) {
  if (!chars) return is_space(c);
  for (size_t i = 0, k; i < chars->u.s.n; i += k)
    if (decode(chars->u.s.p + i, chars->u.s.n - i, &k) == c) return true;
  return false;
}

/* which: 1 left, 2 right, 3 both; chars NULL/none: whitespace. */
int jinja_str_strip(jinja_ctx_t *ctx, const jinja_val_t *s,
                    const jinja_val_t *chars, int which, jinja_val_t *out) {
  if (chars && chars->t != JV_STR) chars = NULL;
  if (chars && chars->u.s.n > 64) { /* each character scans the set */
    int rc = jinja_charge(ctx, NULL, (s->u.s.n / 64 + 1) * (chars->u.s.n / 64));
    if (rc) return rc;
  }
  const char *p = s->u.s.p;
  size_t b = 0, e = s->u.s.n, k;
  while ((which & 1) && b < e && in_chars(decode(p + b, e - b, &k), chars))
    b += k;
  while ((which & 2) && e > b) {
    size_t st = e - 1;
    while (st > b && ((unsigned char)p[st] & 0xC0) == 0x80) st--;
    if (!in_chars(decode(p + st, e - st, &k), chars)) break;
    e = st;
  }
  *out = jinja_val_str(p + b, e - b);
  return 0;
}

static bool is_cased(int32_t c) {
  if (c < 0) return false;
  utf8proc_category_t cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
         cat == UTF8PROC_CATEGORY_LT;
}

bool jinja_str_is_case(const jinja_val_t *s, bool lower) {
  bool cased = false;
  for (size_t i = 0, k; i < s->u.s.n; i += k) {
    int32_t c = decode(s->u.s.p + i, s->u.s.n - i, &k);
    if (!is_cased(c)) continue;
    utf8proc_category_t cat = utf8proc_category(c);
    if (cat == UTF8PROC_CATEGORY_LT ||
        cat == (lower ? UTF8PROC_CATEGORY_LU : UTF8PROC_CATEGORY_LL))
      return false;
    cased = true;
  }
  return cased;
}

/* mode: 0 upper, 1 lower, 2 capitalize, 3 title (jinja2 filter),
 * 4 str.title(). */
int jinja_str_case(jinja_ctx_t *ctx, const jinja_val_t *s, int mode,
                   jinja_val_t *out) {
  const char *p = s->u.s.p;
  size_t n = s->u.s.n, w = 0, k;
  char *o = jinja_arena_alloc(&ctx->arena, n * 3 + 1);
  if (!o) return oom(ctx, NULL);
  bool word_start = true;
  for (size_t i = 0; i < n; i += k) {
    int32_t c = decode(p + i, n - i, &k);
    bool up = mode == 0 || ((mode == 2 && i == 0) ||
                            (mode >= 3 && word_start));
    if (mode == 3) word_start = c == '-' || c == '(' || c == '{' || c == '[' ||
                                c == '<' || is_space(c);
    else if (mode == 4) word_start = !is_cased(c);
    if (c < 0) {
      o[w++] = p[i];
      continue;
    }
    if (up && c == 0xDF) { /* ß upper-cases to SS */
      o[w++] = 'S';
      o[w++] = mode == 0 ? 'S' : 's';
      continue;
    }
    int32_t m = up ? utf8proc_toupper(c) : utf8proc_tolower(c);
    w += (size_t)utf8proc_encode_char(m, (utf8proc_uint8_t *)o + w);
  }
  *out = jinja_val_str(o, w);
  return 0;
}

/* ------------------------------------------------------ str methods */

static size_t split_sep(const jinja_val_t *s, const jinja_val_t *sep,
                        int64_t max, jinja_list_t *l) {
  const char *p = s->u.s.p;
  size_t n = s->u.s.n, i = 0, cnt = 0;
  for (;;) {
    const char *hit = (max < 0 || (int64_t)cnt < max)
                          ? memmem(p + i, n - i, sep->u.s.p, sep->u.s.n)
                          : NULL;
    if (!hit) {
      l->v[cnt++] = jinja_val_str(p + i, n - i);
      return cnt;
    }
    size_t j = (size_t)(hit - p);
    l->v[cnt++] = jinja_val_str(p + i, j - i);
    i = j + sep->u.s.n;
  }
}

static size_t split_ws(const jinja_val_t *s, int64_t max, jinja_list_t *l) {
  const char *p = s->u.s.p;
  size_t n = s->u.s.n, i = 0, cnt = 0, k;
  for (;;) {
    while (i < n && is_space(decode(p + i, n - i, &k))) i += k;
    if (i >= n) return cnt;
    size_t j = i;
    if (max >= 0 && (int64_t)cnt >= max) { /* the rest, right-stripped */
      size_t e = n;
      while (e > i && is_space((unsigned char)p[e - 1])) e--;
      l->v[cnt++] = jinja_val_str(p + i, e - i);
      return cnt;
    }
    while (j < n && !is_space(decode(p + j, n - j, &k))) j += k;
    l->v[cnt++] = jinja_val_str(p + i, j - i);
    i = j;
  }
}

static int str_split(jinja_ctx_t *ctx, const jinja_node_t *e,
                     const jinja_val_t *s, const jinja_args_t *a,
                     jinja_val_t *out) {
  const jinja_val_t *sep = jinja_arg(a, 0, "sep");
  const jinja_val_t *maxv = jinja_arg(a, 1, "maxsplit");
  int64_t max = maxv && maxv->t == JV_INT ? maxv->u.i : -1;
  if (sep && sep->t == JV_NONE) sep = NULL;
  if (sep && (sep->t != JV_STR || sep->u.s.n == 0))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "split() needs a non-empty "
                                             "string separator");
  jinja_list_t *l = jinja_list_new(&ctx->arena, s->u.s.n + 1);
  if (!l) return oom(ctx, e);
  l->n = sep ? split_sep(s, sep, max, l) : split_ws(s, max, l);
  *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
  return 0;
}

static int str_replace(jinja_ctx_t *ctx, const jinja_node_t *e,
                       const jinja_val_t *s, const jinja_args_t *a,
                       jinja_val_t *out) {
  const jinja_val_t *old = jinja_arg(a, 0, "old"), *rep = jinja_arg(a, 1, "new");
  const jinja_val_t *cntv = jinja_arg(a, 2, "count");
  int64_t max = cntv && cntv->t == JV_INT ? cntv->u.i : -1;
  int rc = want_str(ctx, e, old, "replace()");
  if (!rc) rc = want_str(ctx, e, rep, "replace()");
  if (rc) return rc;
  if (old->u.s.n == 0)
    return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED, "replace() of ''");
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  size_t i = 0, n = s->u.s.n;
  int64_t done = 0;
  while (!rc && i < n) {
    const char *hit = (max < 0 || done < max)
                          ? memmem(s->u.s.p + i, n - i, old->u.s.p, old->u.s.n)
                          : NULL;
    size_t stop = hit ? (size_t)(hit - s->u.s.p) : n;
    rc = lotse_buf_append(&b, s->u.s.p + i, stop - i);
    if (!rc && hit) rc = lotse_buf_append(&b, rep->u.s.p, rep->u.s.n);
    i = hit ? stop + old->u.s.n : n;
    done++;
  }
  if (!rc) {
    char *o = jinja_arena_strndup(&ctx->arena, b.data ? b.data : "", b.len);
    if (o) *out = jinja_val_str(o, b.len);
    else rc = LOTSE_ENOMEM;
  }
  lotse_buf_release(&b);
  return rc ? jinja_fail(ctx, e, LOTSE_ETOOBIG, "replace() result too large")
            : 0;
}

static bool affix(const jinja_val_t *s, const jinja_val_t *x, bool end) {
  if (x->t == JV_LIST) {
    for (size_t i = 0; i < x->u.l->n; i++)
      if (affix(s, &x->u.l->v[i], end)) return true;
    return false;
  }
  if (x->t != JV_STR || x->u.s.n > s->u.s.n) return false;
  const char *p = end ? s->u.s.p + s->u.s.n - x->u.s.n : s->u.s.p;
  return memcmp(p, x->u.s.p, x->u.s.n) == 0;
}

static int str_join(jinja_ctx_t *ctx, const jinja_node_t *e,
                    const jinja_val_t *sep, const jinja_val_t *seq,
                    jinja_val_t *out) {
  if (!seq || seq->t != JV_LIST)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "join() expects a list");
  lotse_buf_t b;
  lotse_buf_init(&b, ctx->out_max);
  int rc = 0;
  for (size_t i = 0; !rc && i < seq->u.l->n; i++) {
    if (i) rc = lotse_buf_append(&b, sep->u.s.p, sep->u.s.n);
    if (!rc) rc = jinja_to_str(&ctx->arena, &seq->u.l->v[i], &b);
  }
  char *o = rc ? NULL : jinja_arena_strndup(&ctx->arena, b.data ? b.data : "",
                                            b.len);
  if (o) *out = jinja_val_str(o, b.len);
  lotse_buf_release(&b);
  return o ? 0 : jinja_fail(ctx, e, LOTSE_ETOOBIG, "join() result too large");
}

static int str_method(jinja_ctx_t *ctx, const jinja_node_t *e,
                      const char *m, const jinja_val_t *s,
                      const jinja_args_t *a, jinja_val_t *out) {
  const jinja_val_t *a0 = jinja_arg(a, 0, NULL);
  if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
    if (!a0) return want_str(ctx, e, a0, m);
    *out = jinja_val_bool(affix(s, a0, m[0] == 'e'));
    return 0;
  }
  if (!strcmp(m, "strip")) return jinja_str_strip(ctx, s, a0, 3, out);
  if (!strcmp(m, "lstrip")) return jinja_str_strip(ctx, s, a0, 1, out);
  if (!strcmp(m, "rstrip")) return jinja_str_strip(ctx, s, a0, 2, out);
  if (!strcmp(m, "split")) return str_split(ctx, e, s, a, out);
  if (!strcmp(m, "replace")) return str_replace(ctx, e, s, a, out);
  if (!strcmp(m, "upper")) return jinja_str_case(ctx, s, 0, out);
  if (!strcmp(m, "lower")) return jinja_str_case(ctx, s, 1, out);
  if (!strcmp(m, "capitalize")) return jinja_str_case(ctx, s, 2, out);
  if (!strcmp(m, "title")) return jinja_str_case(ctx, s, 4, out);
  if (!strcmp(m, "join")) return str_join(ctx, e, s, a0, out);
  return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED,
                    "unsupported string method '%s'", m);
}

static int dict_method(jinja_ctx_t *ctx, const jinja_node_t *e,
                       const char *m, const jinja_dict_t *d,
                       const jinja_args_t *a, jinja_val_t *out) {
  if (!strcmp(m, "get")) {
    const jinja_val_t *k = jinja_arg(a, 0, "key"), *def = jinja_arg(a, 1,
                                                                    "default");
    const jinja_val_t *v = k && k->t == JV_STR
                               ? jinja_dict_get(d, k->u.s.p, k->u.s.n) : NULL;
    *out = v ? *v : def ? *def : jinja_val_none();
    return 0;
  }
  int which = !strcmp(m, "items") ? 0 : !strcmp(m, "keys") ? 1
              : !strcmp(m, "values") ? 2 : -1;
  if (which < 0)
    return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED,
                      "unsupported dict method '%s'", m);
  jinja_list_t *l = jinja_list_new(&ctx->arena, d->n);
  if (!l) return oom(ctx, e);
  for (size_t i = 0; i < d->n; i++) {
    jinja_val_t k = jinja_val_str(d->k[i], d->kn[i]);
    if (which == 0) {
      jinja_list_t *pair = jinja_list_new(&ctx->arena, 2);
      if (!pair) return oom(ctx, e);
      pair->tuple = true;
      pair->v[0] = k;
      pair->v[1] = d->v[i];
      l->v[i] = (jinja_val_t){.t = JV_LIST, .u.l = pair};
    } else {
      l->v[i] = which == 1 ? k : d->v[i];
    }
  }
  *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
  return 0;
}

/* -------------------------------------------------- global functions */

static const char *const MONTHS[] = {"January", "February", "March",
                                     "April", "May", "June", "July",
                                     "August", "September", "October",
                                     "November", "December"};
static const char *const DAYS[] = {"Sunday", "Monday", "Tuesday",
                                   "Wednesday", "Thursday", "Friday",
                                   "Saturday"};

static int put_tm(lotse_buf_t *b, char d, const struct tm *tm) {
  switch (d) {
  case 'Y': return lotse_buf_printf(b, "%d", tm->tm_year + 1900);
  case 'y': return lotse_buf_printf(b, "%02d", tm->tm_year % 100);
  case 'm': return lotse_buf_printf(b, "%02d", tm->tm_mon + 1);
  case 'd': return lotse_buf_printf(b, "%02d", tm->tm_mday);
  case 'e': return lotse_buf_printf(b, "%2d", tm->tm_mday);
  case 'H': return lotse_buf_printf(b, "%02d", tm->tm_hour);
  case 'I': return lotse_buf_printf(b, "%02d", (tm->tm_hour + 11) % 12 + 1);
  case 'M': return lotse_buf_printf(b, "%02d", tm->tm_min);
  case 'S': return lotse_buf_printf(b, "%02d", tm->tm_sec);
  case 'j': return lotse_buf_printf(b, "%03d", tm->tm_yday + 1);
  case 'p': return lotse_buf_puts(b, tm->tm_hour < 12 ? "AM" : "PM");
  case 'b': return lotse_buf_printf(b, "%.3s", MONTHS[tm->tm_mon]);
  case 'B': return lotse_buf_puts(b, MONTHS[tm->tm_mon]);
  case 'a': return lotse_buf_printf(b, "%.3s", DAYS[tm->tm_wday]);
  case 'A': return lotse_buf_puts(b, DAYS[tm->tm_wday]);
  case '%': return lotse_buf_putc(b, '%');
  default: return lotse_buf_printf(b, "%%%c", d);
  }
}

static int fn_strftime(jinja_ctx_t *ctx, const jinja_node_t *e,
                       const jinja_args_t *a, jinja_val_t *out) {
  const jinja_val_t *f = jinja_arg(a, 0, "format");
  int rc = want_str(ctx, e, f, "strftime_now()");
  if (rc) return rc;
  time_t t = (time_t)ctx->now;
  struct tm tm;
  if (!localtime_r(&t, &tm))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "strftime_now(): bad clock");
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  for (size_t i = 0; !rc && i < f->u.s.n; i++) {
    if (f->u.s.p[i] == '%' && i + 1 < f->u.s.n) rc = put_tm(&b, f->u.s.p[++i], &tm);
    else rc = lotse_buf_putc(&b, f->u.s.p[i]);
  }
  char *o = rc ? NULL : jinja_arena_strndup(&ctx->arena, b.data ? b.data : "",
                                            b.len);
  if (o) *out = jinja_val_str(o, b.len);
  lotse_buf_release(&b);
  return o ? 0 : jinja_fail(ctx, e, LOTSE_ETOOBIG, "strftime_now(): format "
                                                    "too long");
}

static int fn_range(jinja_ctx_t *ctx, const jinja_node_t *e,
                    const jinja_args_t *a, jinja_val_t *out) {
  int64_t v[3] = {0, 0, 1};
  if (a->npos < 1 || a->npos > 3 || a->nkw)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "range() takes 1 to 3 integers");
  for (size_t i = 0; i < a->npos; i++) {
    if (a->pos[i].t != JV_INT)
      return jinja_fail(ctx, e, LOTSE_EINVAL, "range() takes integers");
    v[a->npos == 1 ? 1 : i] = a->pos[i].u.i;
  }
  if (v[2] == 0)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "range() step must not be zero");
  double cnt = v[2] > 0 ? ((double)v[1] - (double)v[0]) / (double)v[2]
                        : ((double)v[0] - (double)v[1]) / (double)-v[2];
  if (cnt > JINJA_MAX_RANGE)
    return jinja_fail(ctx, e, LOTSE_ELIMIT,
                      "range() of more than %d items", JINJA_MAX_RANGE);
  size_t k = 0;
  for (int64_t x = v[0]; v[2] > 0 ? x < v[1] : x > v[1]; x += v[2]) k++;
  int rc = jinja_charge(ctx, e, k); /* memory grows with steps, not faster */
  if (rc) return rc;
  jinja_list_t *l = jinja_list_new(&ctx->arena, k);
  if (!l) return oom(ctx, e);
  for (size_t i = 0; i < k; i++) l->v[i] = jinja_val_int(v[0] + (int64_t)i * v[2]);
  *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
  return 0;
}

static int fn_namespace(jinja_ctx_t *ctx, const jinja_node_t *e, int fn,
                        const jinja_args_t *a, jinja_val_t *out) {
  jinja_dict_t *d = jinja_dict_new(&ctx->arena);
  if (!d) return oom(ctx, e);
  if (a->npos > 1 || (a->npos == 1 && a->pos[0].t != JV_DICT))
    return jinja_fail(ctx, e, LOTSE_EINVAL, "%s() takes keyword arguments "
                      "or one dict", fn == JF_DICT ? "dict" : "namespace");
  const jinja_dict_t *src = a->npos ? a->pos[0].u.d : NULL;
  for (size_t i = 0; src && i < src->n; i++)
    if (jinja_dict_set(&ctx->arena, d, src->k[i], src->kn[i], src->v[i]))
      return oom(ctx, e);
  for (size_t i = 0; i < a->nkw; i++)
    if (jinja_dict_set(&ctx->arena, d, a->kw[i], strlen(a->kw[i]),
                       a->kwv[i]))
      return oom(ctx, e);
  *out = (jinja_val_t){.t = fn == JF_DICT ? JV_DICT : JV_NS, .u.d = d};
  return 0;
}

static int call_func(jinja_ctx_t *ctx, const jinja_node_t *e, int fn,
                     const jinja_args_t *a, jinja_val_t *out) {
  if (fn == JF_RAISE) {
    lotse_buf_t b;
    lotse_buf_init(&b, LOTSE_ERR_MSG_MAX);
    const jinja_val_t *m = jinja_arg(a, 0, NULL);
    if (m) (void)jinja_to_str(&ctx->arena, m, &b);
    lotse_err_set(ctx->err, LOTSE_EINVAL, "%s",
                  b.data ? b.data : "raise_exception() called");
    lotse_buf_release(&b);
    return LOTSE_EINVAL;
  }
  if (fn == JF_STRFTIME) return fn_strftime(ctx, e, a, out);
  if (fn == JF_RANGE) return fn_range(ctx, e, a, out);
  return fn_namespace(ctx, e, fn, a, out);
}

/* -------------------------------------------------------------- calls */

static int call_method(jinja_ctx_t *ctx, const jinja_node_t *e,
                       jinja_val_t *out) {
  const jinja_node_t *attr = e->a;
  jinja_val_t obj;
  jinja_args_t a;
  int rc = jinja_eval(ctx, attr->a, &obj);
  if (!rc) rc = jinja_charge_val(ctx, e, &obj);
  if (!rc) rc = jinja_eval_args(ctx, e, 0, &a);
  if (rc) return rc;
  if (obj.t == JV_STR) return str_method(ctx, e, attr->s, &obj, &a, out);
  if (obj.t == JV_DICT) {
    const jinja_val_t *f = jinja_dict_get(obj.u.d, attr->s, attr->n);
    if (f && f->t == JV_FUNC) return call_func(ctx, e, f->u.fn, &a, out);
    return dict_method(ctx, e, attr->s, obj.u.d, &a, out);
  }
  if (obj.t == JV_LOOP && !strcmp(attr->s, "cycle")) {
    if (a.npos == 0)
      return jinja_fail(ctx, e, LOTSE_EINVAL, "loop.cycle() needs values");
    *out = a.pos[obj.u.loop->index0 % (int64_t)a.npos];
    return 0;
  }
  if (obj.t == JV_UNDEF && attr->a->kind == JE_NAME)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "'%s' is undefined", attr->a->s);
  return jinja_fail(ctx, e, LOTSE_EUNSUPPORTED,
                    "unsupported method '%s' of %s", attr->s,
                    jinja_type_name(&obj));
}

int jinja_call(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *out) {
  if (e->a->kind == JE_ATTR) return call_method(ctx, e, out);
  jinja_val_t f;
  jinja_args_t a;
  int rc = jinja_eval(ctx, e->a, &f);
  if (rc) return rc;
  if (f.t == JV_UNDEF)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "'%s' is undefined",
                      e->a->kind == JE_NAME ? e->a->s : "callee");
  if (f.t != JV_FUNC)
    return jinja_fail(ctx, e, LOTSE_EINVAL, "'%s' object is not callable",
                      jinja_type_name(&f));
  rc = jinja_eval_args(ctx, e, 0, &a);
  return rc ? rc : call_func(ctx, e, f.u.fn, &a, out);
}
