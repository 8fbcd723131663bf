/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_cond.c — Sigma conditions: `sel and not
 * (filter1 or 1 of filter_*)`, `all of them`, parsed by recursive descent
 * into the rule's node array.
 *
 * Grammar (precedence not > and > or):
 *   expr := and ('or' and)* ; and := unary ('and' unary)*
 *   unary := 'not' unary | '(' expr ')' | quant 'of' (pattern | 'them')
 *          | name ;  quant := '1' | 'any' | 'all'
 * `x of pattern` expands to OR/AND over the selections the pattern (with
 * `*` wildcards) names; `them` means every selection not starting with
 * `_`. A pattern naming no selection, an unknown name, or a pipe
 * (aggregation) makes the rule unsupported with the reason.
 */
#include "analytics/logwatch/sigma_internal.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  sg_rule *r;
  const char *p;
  char tok[128];
  int depth;
  char *msg;
  size_t msgcap;
  int fail; /* 1 unsupported/bad, <0 OOM */
} parser;

static void next(parser *ps) {
  while (isspace((uint8_t)*ps->p)) ps->p++;
  size_t n = 0;
  if (*ps->p == '(' || *ps->p == ')') {
    ps->tok[n++] = *ps->p++;
  } else {
    while (*ps->p && !isspace((uint8_t)*ps->p) && *ps->p != '(' &&
           *ps->p != ')' && n + 1 < sizeof ps->tok)
      ps->tok[n++] = *ps->p++;
  }
  ps->tok[n] = 0;
}

static int bad(parser *ps, const char *what) {
  if (!ps->fail) {
    snprintf(ps->msg, ps->msgcap, "condition: %s", what);
    ps->fail = 1;
  }
  return 0;
}

static uint32_t add_node(parser *ps, uint8_t op, uint32_t a, uint32_t b) {
  sg_rule *r = ps->r;
  sg_node *q = realloc(r->node, (r->nnode + 1) * sizeof *q);
  if (!q) {
    ps->fail = LOTSE_ENOMEM;
    return 0;
  }
  r->node = q;
  r->node[r->nnode] = (sg_node){op, a, b};
  return (uint32_t)r->nnode++;
}

static uint32_t parse_or(parser *ps);

static uint32_t quantified(parser *ps, int all) {
  next(ps);
  if (strcmp(ps->tok, "of") != 0) return bad(ps, "'of' expected");
  next(ps);
  if (!ps->tok[0] || !strcmp(ps->tok, "(") || !strcmp(ps->tok, ")"))
    return bad(ps, "selection pattern expected after 'of'");
  int them = !strcmp(ps->tok, "them");
  uint32_t acc = 0;
  int have = 0;
  for (size_t i = 0; i < ps->r->nsel && !ps->fail; i++) {
    const char *name = ps->r->sel[i].name;
    if (them ? name[0] == '_' : fnmatch(ps->tok, name, 0) != 0) continue;
    uint32_t n = add_node(ps, SG_N_SEL, (uint32_t)i, 0);
    acc = have ? add_node(ps, all ? SG_N_AND : SG_N_OR, acc, n) : n;
    have = 1;
  }
  next(ps);
  if (!have) return bad(ps, "pattern names no selection");
  return acc;
}

static uint32_t unary(parser *ps) {
  if (++ps->depth > 64) return bad(ps, "nested too deeply");
  uint32_t r = 0;
  if (!strcmp(ps->tok, "not")) {
    next(ps);
    r = add_node(ps, SG_N_NOT, unary(ps), 0);
  } else if (!strcmp(ps->tok, "(")) {
    next(ps);
    r = parse_or(ps);
    if (strcmp(ps->tok, ")") != 0) r = bad(ps, "')' expected");
    else next(ps);
  } else if (!strcmp(ps->tok, "1") || !strcmp(ps->tok, "any") ||
             !strcmp(ps->tok, "all")) {
    r = quantified(ps, !strcmp(ps->tok, "all"));
  } else if (!ps->tok[0] || !strcmp(ps->tok, ")")) {
    r = bad(ps, "unexpected end");
  } else {
    size_t i = 0;
    while (i < ps->r->nsel && strcmp(ps->r->sel[i].name, ps->tok) != 0) i++;
    if (i == ps->r->nsel) {
      char m[200];
      snprintf(m, sizeof m, "unknown selection '%.100s'", ps->tok);
      return bad(ps, m);
    }
    r = add_node(ps, SG_N_SEL, (uint32_t)i, 0);
    next(ps);
  }
  ps->depth--;
  return r;
}

static uint32_t parse_and(parser *ps) {
  uint32_t l = unary(ps);
  while (!ps->fail && !strcmp(ps->tok, "and")) {
    next(ps);
    l = add_node(ps, SG_N_AND, l, unary(ps));
  }
  return l;
}

static uint32_t parse_or(parser *ps) {
  uint32_t l = parse_and(ps);
  while (!ps->fail && !strcmp(ps->tok, "or")) {
    next(ps);
    l = add_node(ps, SG_N_OR, l, parse_and(ps));
  }
  return l;
}

int sg_cond_compile(sg_rule *r, const char *text, char *msg, size_t msgcap) {
  if (strchr(text, '|')) {
    snprintf(msg, msgcap, "aggregation in condition not supported");
    return 1;
  }
  parser ps = {r, text, {0}, 0, msg, msgcap, 0};
  next(&ps);
  uint32_t root = parse_or(&ps);
  if (!ps.fail && ps.tok[0]) {
    char m[200];
    snprintf(m, sizeof m, "unexpected '%.100s'", ps.tok);
    bad(&ps, m);
  }
  if (ps.fail) return ps.fail;
  /* Several conditions (a list) are an OR: link to the previous root. */
  if (r->nnode > 0 && r->root != UINT32_MAX) {
    uint32_t o = add_node(&ps, SG_N_OR, r->root, root);
    if (ps.fail) return ps.fail;
    root = o;
  }
  r->root = root;
  return 0;
}
