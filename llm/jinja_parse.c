/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_parse.c — tokens to an AST: statements (if/elif/else, for with
 * else and an inline filter, set, set-block, break/continue, generation)
 * and expressions with jinja2's precedence (ternary < or < and < not <
 * comparison/in < + - < ~ < * / // % < ** < unary < postfix, filter, test).
 *
 * Contract: the AST lives in the arena; unknown or unsupported tags,
 * filters and tests are compile errors naming the construct and its
 * line:column (LOTSE_EUNSUPPORTED for Jinja features left out on purpose,
 * LOTSE_EINVAL for syntax errors). Nesting deeper than JINJA_MAX_DEPTH is
 * an error, so hostile templates cannot exhaust the stack.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "llm/jinja_internal.h"

typedef struct parser {
  jinja_arena_t *a;
  const jinja_tok_t *t;
  size_t n, i;
  int depth;
  lotse_err_t *err;
} parser_t;

static int parse_expr(parser_t *p, jinja_node_t **out);
static int parse_or(parser_t *p, jinja_node_t **out);
static int parse_unary(parser_t *p, bool with_filter, jinja_node_t **out);
static int parse_body(parser_t *p, const char *const *ends,
                      jinja_node_t **out, const jinja_tok_t **end_tok);

/* ------------------------------------------------------------ helpers */

static const jinja_tok_t *cur(const parser_t *p) { return &p->t[p->i]; }

static int fail_at(parser_t *p, const jinja_tok_t *t, int code,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail_at(parser_t *p, const jinja_tok_t *t, int code,
                   const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return lotse_err_set(p->err, code, "chat template %u:%u: %s", t->line,
                       t->col, msg);
}

static int oom(parser_t *p) {
  return lotse_err_set(p->err, LOTSE_ENOMEM, "out of memory");
}

static bool is_name(const jinja_tok_t *t, const char *s) {
  return t->kind == JT_NAME && t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

static bool is_op(const jinja_tok_t *t, int op) {
  return t->kind == JT_OP && t->op == op;
}

static bool accept_name(parser_t *p, const char *s) {
  if (!is_name(cur(p), s)) return false;
  p->i++;
  return true;
}

static bool accept_op(parser_t *p, int op) {
  if (!is_op(cur(p), op)) return false;
  p->i++;
  return true;
}

static const char *tok_desc(const jinja_tok_t *t, char *buf, size_t cap) {
  static const char *const kinds[] = {"text", "'{{'", "'}}'", "'{%'", "'%}'",
                                      "name", "string", "integer", "float",
                                      "operator", "end of template"};
  if (t->kind == JT_NAME) snprintf(buf, cap, "'%.*s'", (int)t->n, t->s);
  else snprintf(buf, cap, "%s", kinds[t->kind]);
  return buf;
}

static int expect_op(parser_t *p, int op, const char *what) {
  if (accept_op(p, op)) return 0;
  char d[64];
  return fail_at(p, cur(p), LOTSE_EINVAL, "expected '%s', found %s", what,
                 tok_desc(cur(p), d, sizeof(d)));
}

static int expect_kind(parser_t *p, int kind, const char *what) {
  if (cur(p)->kind == kind) {
    p->i++;
    return 0;
  }
  char d[64];
  return fail_at(p, cur(p), LOTSE_EINVAL, "expected %s, found %s", what,
                 tok_desc(cur(p), d, sizeof(d)));
}

static jinja_node_t *node(parser_t *p, int kind, const jinja_tok_t *at) {
  jinja_node_t *n = jinja_arena_alloc(p->a, sizeof(*n));
  if (!n) return NULL;
  n->kind = (uint8_t)kind;
  n->line = at->line;
  n->col = at->col;
  return n;
}

static char *name_dup(parser_t *p, const jinja_tok_t *t) {
  return jinja_arena_strndup(p->a, t->s, t->n);
}

/* Growable argument vector in the arena. */
typedef struct argv {
  jinja_node_t **v;
  const char **kw;
  size_t n, cap;
} argv_t;

static int argv_push(parser_t *p, argv_t *av, jinja_node_t *e,
                     const char *kw) {
  if (av->n == av->cap) {
    size_t cap = av->cap ? av->cap * 2 : 4;
    jinja_node_t **v = jinja_arena_alloc(p->a, cap * sizeof(*v));
    const char **k = jinja_arena_alloc(p->a, cap * sizeof(*k));
    if (!v || !k) return oom(p);
    if (av->n) {
      memcpy(v, av->v, av->n * sizeof(*v));
      memcpy(k, av->kw, av->n * sizeof(*k));
    }
    av->v = v;
    av->kw = k;
    av->cap = cap;
  }
  av->v[av->n] = e;
  av->kw[av->n] = kw;
  av->n++;
  return 0;
}

static void argv_to(const argv_t *av, jinja_node_t *n) {
  n->args = av->v;
  n->kw = av->kw;
  n->nargs = av->n;
}

static int enter(parser_t *p) {
  if (++p->depth > JINJA_MAX_DEPTH)
    return fail_at(p, cur(p), LOTSE_ELIMIT, "nesting deeper than %d",
                   JINJA_MAX_DEPTH);
  return 0;
}

/* --------------------------------------------------------- primaries */

static int parse_call_args(parser_t *p, jinja_node_t *n) {
  argv_t av = {0};
  int rc = 0;
  while (!rc && !accept_op(p, JO_RPAREN)) {
    if (av.n && (rc = expect_op(p, JO_COMMA, ","))) break;
    if (accept_op(p, JO_RPAREN)) break; /* trailing comma */
    const char *kw = NULL;
    if (cur(p)->kind == JT_NAME && is_op(&p->t[p->i + 1], JO_ASSIGN)) {
      kw = name_dup(p, cur(p));
      if (!kw) return oom(p);
      p->i += 2;
    }
    jinja_node_t *e;
    rc = parse_expr(p, &e);
    if (!rc) rc = argv_push(p, &av, e, kw);
  }
  argv_to(&av, n);
  return rc;
}

static int parse_seq(parser_t *p, jinja_node_t *n, int close, bool dict) {
  argv_t av = {0};
  int rc = 0;
  const char *what = close == JO_RBRACK ? "]" : close == JO_RBRACE ? "}" : ")";
  while (!rc && !accept_op(p, close)) {
    if (av.n && (rc = expect_op(p, JO_COMMA, ","))) break;
    if (accept_op(p, close)) break;
    jinja_node_t *e;
    rc = parse_expr(p, &e);
    if (!rc) rc = argv_push(p, &av, e, NULL);
    if (!rc && dict) {
      rc = expect_op(p, JO_COLON, ":");
      if (!rc) rc = parse_expr(p, &e);
      if (!rc) rc = argv_push(p, &av, e, NULL);
    }
    if (!rc && cur(p)->kind == JT_EOF) rc = expect_op(p, close, what);
  }
  argv_to(&av, n);
  return rc;
}

static int parse_const_name(parser_t *p, const jinja_tok_t *t,
                            jinja_node_t *n) {
  static const char *const names[] = {"true", "True", "false", "False",
                                      "none", "None"};
  for (size_t i = 0; i < 6; i++)
    if (is_name(t, names[i])) {
      n->kind = JE_CONST;
      n->v = i < 4 ? jinja_val_bool(i < 2) : jinja_val_none();
      return 0;
    }
  static const char *const reserved[] = {"if", "else", "elif", "for", "in",
                                         "and", "or", "not", "is"};
  for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
    if (is_name(t, reserved[i]))
      return fail_at(p, t, LOTSE_EINVAL, "unexpected '%s'", reserved[i]);
  n->kind = JE_NAME;
  n->s = name_dup(p, t);
  n->n = t->n;
  return n->s ? 0 : oom(p);
}

static int parse_strings(parser_t *p, jinja_node_t *n) {
  size_t total = 0, j = p->i;
  for (; p->t[j].kind == JT_STRING; j++) total += p->t[j].n;
  char *s = jinja_arena_alloc(p->a, total + 1);
  if (!s) return oom(p);
  size_t k = 0;
  for (; p->i < j; p->i++) { /* adjacent literals concatenate */
    memcpy(s + k, p->t[p->i].s, p->t[p->i].n);
    k += p->t[p->i].n;
  }
  n->kind = JE_CONST;
  n->v = jinja_val_str(s, total);
  return 0;
}

static int parse_primary(parser_t *p, jinja_node_t **out) {
  const jinja_tok_t *t = cur(p);
  jinja_node_t *n = node(p, JE_CONST, t);
  if (!n) return oom(p);
  *out = n;
  switch (t->kind) {
  case JT_NAME: p->i++; return parse_const_name(p, t, n);
  case JT_STRING: return parse_strings(p, n);
  case JT_INT: p->i++; n->v = jinja_val_int(t->i); return 0;
  case JT_FLOAT:
    p->i++;
    n->v.t = JV_FLOAT;
    n->v.u.f = t->f;
    return 0;
  default: break;
  }
  if (accept_op(p, JO_LPAREN)) {
    jinja_node_t *e;
    int rc = parse_expr(p, &e);
    if (rc) return rc;
    if (accept_op(p, JO_RPAREN)) { /* (expr) */
      *out = e;
      return 0;
    }
    n->kind = JE_LIST; /* tuple: (a, b) */
    n->op = 1;
    rc = expect_op(p, JO_COMMA, ")");
    argv_t av = {0};
    if (!rc) rc = argv_push(p, &av, e, NULL);
    jinja_node_t rest = {0};
    if (!rc) rc = parse_seq(p, &rest, JO_RPAREN, false);
    for (size_t i = 0; !rc && i < rest.nargs; i++)
      rc = argv_push(p, &av, rest.args[i], NULL);
    argv_to(&av, n);
    return rc;
  }
  if (accept_op(p, JO_LBRACK)) {
    n->kind = JE_LIST;
    return parse_seq(p, n, JO_RBRACK, false);
  }
  if (accept_op(p, JO_LBRACE)) {
    n->kind = JE_DICT;
    return parse_seq(p, n, JO_RBRACE, true);
  }
  char d[64];
  return fail_at(p, t, LOTSE_EINVAL, "unexpected %s",
                 tok_desc(t, d, sizeof(d)));
}

/* ---------------------------------------------------------- postfix */

static int parse_subscript(parser_t *p, jinja_node_t *n) {
  jinja_node_t *parts[3] = {NULL, NULL, NULL};
  int rc = 0, k = 0;
  bool slice = false;
  while (!rc && k < 3) {
    if (!is_op(cur(p), JO_COLON) && !is_op(cur(p), JO_RBRACK))
      rc = parse_expr(p, &parts[k]);
    if (rc || !accept_op(p, JO_COLON)) break;
    slice = true;
    k++;
  }
  if (!rc) rc = expect_op(p, JO_RBRACK, "]");
  if (rc) return rc;
  if (!slice) {
    n->kind = JE_INDEX;
    n->b = parts[0];
    return n->b ? 0 : fail_at(p, cur(p), LOTSE_EINVAL, "empty subscript");
  }
  n->kind = JE_SLICE;
  n->args = jinja_arena_alloc(p->a, 3 * sizeof(*n->args));
  if (!n->args) return oom(p);
  memcpy(n->args, parts, sizeof(parts));
  n->nargs = 3;
  return 0;
}

static int parse_postfix(parser_t *p, jinja_node_t **io) {
  for (;;) {
    const jinja_tok_t *t = cur(p);
    int kind = is_op(t, JO_DOT) ? JE_ATTR : is_op(t, JO_LBRACK) ? JE_INDEX
               : is_op(t, JO_LPAREN) ? JE_CALL : -1;
    if (kind < 0) return 0;
    p->i++;
    jinja_node_t *n = node(p, kind, t);
    if (!n) return oom(p);
    n->a = *io;
    int rc = 0;
    if (kind == JE_ATTR && cur(p)->kind == JT_INT) { /* x.0 */
      n->kind = JE_INDEX;
      n->b = node(p, JE_CONST, cur(p));
      if (!n->b) return oom(p);
      n->b->v = jinja_val_int(cur(p)->i);
      p->i++;
    } else if (kind == JE_ATTR) {
      if (cur(p)->kind != JT_NAME) rc = expect_kind(p, JT_NAME, "attribute");
      else {
        n->s = name_dup(p, cur(p));
        n->n = cur(p)->n;
        p->i++;
        if (!n->s) rc = oom(p);
      }
    } else if (kind == JE_INDEX) {
      rc = parse_subscript(p, n);
    } else {
      rc = parse_call_args(p, n);
    }
    if (rc) return rc;
    *io = n;
  }
}

static int parse_filter(parser_t *p, jinja_node_t **io) {
  const jinja_tok_t *t = cur(p);
  int rc = expect_kind(p, JT_NAME, "filter name");
  if (rc) return rc;
  jinja_node_t *n = node(p, JE_FILTER, t);
  if (!n || !(n->s = name_dup(p, t))) return oom(p);
  n->n = t->n;
  if (!jinja_filter_known(n->s))
    return fail_at(p, t, LOTSE_EUNSUPPORTED, "unsupported filter '%s'", n->s);
  if (accept_op(p, JO_LPAREN) && (rc = parse_call_args(p, n))) return rc;
  n->a = *io;
  *io = n;
  return 0;
}

static bool starts_test_arg(const jinja_tok_t *t) {
  static const char *const stop[] = {"else", "or", "and", "if", "in", "not",
                                     "is"};
  if (t->kind == JT_NAME) {
    for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
      if (is_name(t, stop[i])) return false;
    return true;
  }
  return t->kind == JT_STRING || t->kind == JT_INT || t->kind == JT_FLOAT ||
         is_op(t, JO_LBRACK) || is_op(t, JO_LBRACE);
}

static int parse_test(parser_t *p, jinja_node_t **io) {
  bool neg = accept_name(p, "not");
  const jinja_tok_t *t = cur(p);
  int rc = expect_kind(p, JT_NAME, "test name");
  if (rc) return rc;
  jinja_node_t *n = node(p, JE_TEST, t);
  if (!n || !(n->s = name_dup(p, t))) return oom(p);
  n->n = t->n;
  n->neg = neg;
  n->a = *io;
  if (!jinja_test_known(n->s))
    return fail_at(p, t, LOTSE_EUNSUPPORTED, "unsupported test '%s'", n->s);
  if (accept_op(p, JO_LPAREN)) {
    rc = parse_call_args(p, n);
  } else if (starts_test_arg(cur(p))) {
    jinja_node_t *arg;
    argv_t av = {0};
    rc = parse_primary(p, &arg);
    if (!rc) rc = parse_postfix(p, &arg);
    if (!rc) rc = argv_push(p, &av, arg, NULL);
    argv_to(&av, n);
  }
  *io = n;
  return rc;
}

static int parse_unary(parser_t *p, bool with_filter, jinja_node_t **out) {
  int rc = enter(p);
  const jinja_tok_t *t = cur(p);
  if (!rc && (is_op(t, JO_SUB) || is_op(t, JO_ADD))) {
    p->i++;
    jinja_node_t *n = node(p, is_op(t, JO_SUB) ? JE_NEG : JE_POS, t);
    if (!n) return oom(p);
    rc = parse_unary(p, false, &n->a);
    *out = n;
  } else if (!rc) {
    rc = parse_primary(p, out);
  }
  if (!rc) rc = parse_postfix(p, out);
  while (!rc && with_filter) {
    if (accept_op(p, JO_PIPE)) rc = parse_filter(p, out);
    else if (accept_name(p, "is")) rc = parse_test(p, out);
    else break;
    if (!rc) rc = parse_postfix(p, out);
  }
  p->depth--;
  return rc;
}

/* ------------------------------------------------------ binary levels */

typedef int (*level_fn)(parser_t *, jinja_node_t **);

static int binary(parser_t *p, jinja_node_t **out, level_fn next,
                  const int *ops, int kind) {
  int rc = next(p, out);
  while (!rc) {
    const jinja_tok_t *t = cur(p);
    int op = -1;
    for (const int *o = ops; *o; o++)
      if (is_op(t, *o)) op = *o;
    if (op < 0) return 0;
    p->i++;
    jinja_node_t *n = node(p, kind, t);
    if (!n) return oom(p);
    n->op = (uint8_t)op;
    n->a = *out;
    rc = next(p, &n->b);
    *out = n;
  }
  return rc;
}

static int parse_unary_f(parser_t *p, jinja_node_t **o) {
  return parse_unary(p, true, o);
}
static int parse_pow(parser_t *p, jinja_node_t **o) {
  static const int ops[] = {JO_POW, 0};
  return binary(p, o, parse_unary_f, ops, JE_BIN);
}
static int parse_math2(parser_t *p, jinja_node_t **o) {
  static const int ops[] = {JO_MUL, JO_DIV, JO_FLOORDIV, JO_MOD, 0};
  return binary(p, o, parse_pow, ops, JE_BIN);
}
static int parse_concat(parser_t *p, jinja_node_t **o) {
  static const int ops[] = {JO_TILDE, 0};
  return binary(p, o, parse_math2, ops, JE_BIN);
}
static int parse_math1(parser_t *p, jinja_node_t **o) {
  static const int ops[] = {JO_ADD, JO_SUB, 0};
  return binary(p, o, parse_concat, ops, JE_BIN);
}

static int cmp_op(parser_t *p) {
  const jinja_tok_t *t = cur(p);
  static const int ops[] = {JO_EQ, JO_NE, JO_LT, JO_GT, JO_LE, JO_GE};
  for (size_t i = 0; i < 6; i++)
    if (is_op(t, ops[i])) return p->i++, ops[i];
  if (accept_name(p, "in")) return JO_IN;
  if (is_name(t, "not") && is_name(&p->t[p->i + 1], "in")) {
    p->i += 2;
    return JO_NOTIN;
  }
  return -1;
}

/* a < b < c is (a < b) and (b < c), as in Python. */
static int parse_compare(parser_t *p, jinja_node_t **out) {
  jinja_node_t *left;
  int rc = parse_math1(p, &left);
  bool first = true;
  *out = left;
  for (int op; !rc && (op = cmp_op(p)) >= 0; first = false) {
    const jinja_tok_t *at = &p->t[p->i - 1];
    jinja_node_t *n = node(p, JE_CMP, at);
    if (!n) return oom(p);
    n->op = (uint8_t)op;
    n->a = left;
    rc = parse_math1(p, &n->b);
    left = n->b;
    if (first) {
      *out = n;
      continue;
    }
    jinja_node_t *and = node(p, JE_AND, at);
    if (!and) return oom(p);
    and->a = *out;
    and->b = n;
    *out = and;
  }
  return rc;
}

static int parse_not(parser_t *p, jinja_node_t **out) {
  const jinja_tok_t *t = cur(p);
  if (is_name(t, "not") && !is_name(&p->t[p->i + 1], "in")) {
    p->i++;
    jinja_node_t *n = node(p, JE_NOT, t);
    if (!n) return oom(p);
    *out = n;
    int rc = enter(p);
    if (!rc) rc = parse_not(p, &n->a);
    p->depth--;
    return rc;
  }
  return parse_compare(p, out);
}

static int logic(parser_t *p, jinja_node_t **out, level_fn next,
                 const char *word, int kind) {
  int rc = next(p, out);
  while (!rc && is_name(cur(p), word)) {
    jinja_node_t *n = node(p, kind, cur(p));
    if (!n) return oom(p);
    p->i++;
    n->a = *out;
    rc = next(p, &n->b);
    *out = n;
  }
  return rc;
}

static int parse_and(parser_t *p, jinja_node_t **o) {
  return logic(p, o, parse_not, "and", JE_AND);
}
static int parse_or(parser_t *p, jinja_node_t **o) {
  return logic(p, o, parse_and, "or", JE_OR);
}

static int parse_expr(parser_t *p, jinja_node_t **out) {
  int rc = enter(p);
  if (!rc) rc = parse_or(p, out);
  while (!rc && is_name(cur(p), "if")) {
    jinja_node_t *n = node(p, JE_COND, cur(p));
    if (!n) return oom(p);
    p->i++;
    n->a = *out;
    rc = parse_or(p, &n->b);
    if (!rc && accept_name(p, "else")) rc = parse_expr(p, &n->c);
    *out = n;
  }
  p->depth--;
  return rc;
}

/* ------------------------------------------------------- statements */

static int end_block(parser_t *p) { return expect_kind(p, JT_BLOCK_END, "'%}'"); }

static int parse_targets(parser_t *p, jinja_node_t *n) {
  const char *names[8];
  size_t k = 0;
  do {
    if (k == 8)
      return fail_at(p, cur(p), LOTSE_EUNSUPPORTED, "too many targets");
    if (cur(p)->kind != JT_NAME)
      return expect_kind(p, JT_NAME, "a variable name");
    if (!(names[k++] = name_dup(p, cur(p)))) return oom(p);
    p->i++;
  } while (accept_op(p, JO_COMMA));
  n->names = jinja_arena_alloc(p->a, k * sizeof(*n->names));
  if (!n->names) return oom(p);
  memcpy(n->names, names, k * sizeof(*names));
  n->nnames = k;
  return 0;
}

static int parse_if(parser_t *p, jinja_node_t *n) {
  static const char *const ends[] = {"elif", "else", "endif", NULL};
  const jinja_tok_t *end;
  int rc = parse_expr(p, &n->a);
  if (!rc) rc = end_block(p);
  if (!rc) rc = parse_body(p, ends, &n->body, &end);
  if (rc) return rc;
  p->i++; /* the end name */
  if (is_name(end, "elif")) {
    jinja_node_t *e = node(p, JN_IF, end);
    if (!e) return oom(p);
    n->orelse = e;
    return parse_if(p, e);
  }
  if (is_name(end, "else")) {
    static const char *const ends2[] = {"endif", NULL};
    rc = end_block(p);
    if (!rc) rc = parse_body(p, ends2, &n->orelse, &end);
    if (rc) return rc;
    p->i++;
  }
  return end_block(p);
}

static int parse_for(parser_t *p, jinja_node_t *n) {
  static const char *const ends[] = {"else", "endfor", NULL};
  const jinja_tok_t *end;
  int rc = parse_targets(p, n);
  if (!rc && !accept_name(p, "in"))
    rc = fail_at(p, cur(p), LOTSE_EINVAL, "expected 'in' in for loop");
  if (!rc) rc = parse_or(p, &n->a); /* no ternary here, as in jinja2 */
  if (!rc && accept_name(p, "if")) rc = parse_expr(p, &n->b);
  if (!rc && is_name(cur(p), "recursive"))
    rc = fail_at(p, cur(p), LOTSE_EUNSUPPORTED, "unsupported recursive loop");
  if (!rc) rc = end_block(p);
  if (!rc) rc = parse_body(p, ends, &n->body, &end);
  if (rc) return rc;
  p->i++;
  if (is_name(end, "else")) {
    static const char *const ends2[] = {"endfor", NULL};
    rc = end_block(p);
    if (!rc) rc = parse_body(p, ends2, &n->orelse, &end);
    if (rc) return rc;
    p->i++;
  }
  return end_block(p);
}

static int parse_set(parser_t *p, jinja_node_t *n) {
  int rc = parse_targets(p, n);
  if (!rc && n->nnames == 1 && accept_op(p, JO_DOT)) { /* ns.attr = */
    n->kind = JN_SET_ATTR;
    if (cur(p)->kind != JT_NAME) return expect_kind(p, JT_NAME, "attribute");
    n->s = name_dup(p, cur(p));
    n->n = cur(p)->n;
    p->i++;
    if (!n->s) return oom(p);
  }
  if (!rc && n->kind == JN_SET && n->nnames == 1 &&
      cur(p)->kind == JT_BLOCK_END) { /* {% set x %}...{% endset %} */
    static const char *const ends[] = {"endset", NULL};
    const jinja_tok_t *end;
    n->kind = JN_SET_BLOCK;
    rc = end_block(p);
    if (!rc) rc = parse_body(p, ends, &n->body, &end);
    if (!rc) p->i++;
    return rc ? rc : end_block(p);
  }
  if (!rc) rc = expect_op(p, JO_ASSIGN, "=");
  if (!rc) rc = parse_expr(p, &n->a);
  return rc ? rc : end_block(p);
}

static int parse_generation(parser_t *p, jinja_node_t **out) {
  static const char *const ends[] = {"endgeneration", NULL};
  const jinja_tok_t *end;
  int rc = end_block(p);
  if (!rc) rc = parse_body(p, ends, out, &end);
  if (!rc) p->i++;
  return rc ? rc : end_block(p);
}

static const char *const UNSUPPORTED_TAGS[] = {
    "macro", "call", "filter", "include", "import", "from", "extends",
    "block", "with", "raw", "autoescape", "do", "trans", "pluralize", NULL};

/* One {% ... %} statement; *out may stay NULL (empty generation body). */
static int parse_stmt(parser_t *p, const jinja_tok_t *t, jinja_node_t **out) {
  p->i++;
  int kind = is_name(t, "if") ? JN_IF : is_name(t, "for") ? JN_FOR
             : is_name(t, "set") ? JN_SET : is_name(t, "break") ? JN_BREAK
             : is_name(t, "continue") ? JN_CONTINUE : -1;
  if (is_name(t, "generation")) return parse_generation(p, out);
  if (kind < 0) {
    if ((t->n > 3 && memcmp(t->s, "end", 3) == 0) || is_name(t, "else") ||
        is_name(t, "elif"))
      return fail_at(p, t, LOTSE_EINVAL, "unexpected '%.*s'", (int)t->n,
                     t->s);
    for (size_t i = 0; UNSUPPORTED_TAGS[i]; i++)
      if (is_name(t, UNSUPPORTED_TAGS[i]))
        return fail_at(p, t, LOTSE_EUNSUPPORTED, "unsupported tag '%.*s'",
                       (int)t->n, t->s);
    return fail_at(p, t, LOTSE_EINVAL, "unknown tag '%.*s'", (int)t->n, t->s);
  }
  jinja_node_t *n = node(p, kind, t);
  if (!n) return oom(p);
  *out = n;
  if (kind == JN_IF) return parse_if(p, n);
  if (kind == JN_FOR) return parse_for(p, n);
  if (kind == JN_SET) return parse_set(p, n);
  return end_block(p);
}

static bool in_list(const jinja_tok_t *t, const char *const *names) {
  for (; names && *names; names++)
    if (is_name(t, *names)) return true;
  return false;
}

static int parse_output(parser_t *p, jinja_node_t **out) {
  jinja_node_t *n = node(p, JN_OUT, cur(p));
  if (!n) return oom(p);
  int rc = parse_expr(p, &n->a);
  if (!rc) rc = expect_kind(p, JT_VAR_END, "'}}'");
  *out = n;
  return rc;
}

/* Statements until a block tag named in ends (left at that name). */
static int parse_body(parser_t *p, const char *const *ends,
                      jinja_node_t **out, const jinja_tok_t **end_tok) {
  jinja_node_t head = {0}, *tail = &head;
  const jinja_tok_t *open = p->i > 0 ? &p->t[p->i - 1] : cur(p);
  int rc = enter(p);
  while (!rc) {
    const jinja_tok_t *t = cur(p);
    jinja_node_t *n = NULL;
    if (t->kind == JT_EOF) {
      size_t k = 0;
      while (ends && ends[k + 1]) k++;
      if (ends)
        rc = fail_at(p, open, LOTSE_EINVAL, "missing '{%% %s %%}'", ends[k]);
      break;
    }
    p->i++;
    if (t->kind == JT_TEXT) {
      if (!(n = node(p, JN_TEXT, t))) rc = oom(p);
      else { n->s = t->s; n->n = t->n; }
    } else if (t->kind == JT_VAR_BEGIN) {
      rc = parse_output(p, &n);
    } else if (cur(p)->kind != JT_NAME) {
      rc = expect_kind(p, JT_NAME, "a tag name");
    } else if (in_list(cur(p), ends)) {
      *end_tok = cur(p);
      break;
    } else {
      rc = parse_stmt(p, cur(p), &n);
    }
    for (tail->next = n; tail->next; tail = tail->next) {}
  }
  p->depth--;
  *out = head.next;
  return rc;
}

int jinja_parse(jinja_arena_t *a, const jinja_toks_t *toks,
                jinja_node_t **root, lotse_err_t *err) {
  parser_t p = {.a = a, .t = toks->v, .n = toks->n, .err = err};
  const jinja_tok_t *end = NULL;
  int rc = parse_body(&p, NULL, root, &end);
  if (!rc && end) /* cannot happen: no end names at top level */
    rc = fail_at(&p, end, LOTSE_EINVAL, "unexpected '%.*s'", (int)end->n,
                 end->s);
  return rc;
}
