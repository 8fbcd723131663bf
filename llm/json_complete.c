/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_complete.c — the bytes that finish a document from any matcher
 * state, for generations cut off by a token limit (llm_jsonc_complete).
 *
 * Contract: jm_complete() walks the frames from the innermost outwards and
 * appends what each one still needs: the rest of a number, literal, key or
 * escape; minLength characters ('a'); the closing quote or bracket; the
 * required properties not yet written and the items up to minItems, each
 * with the smallest value of its schema. The caller checks the result by
 * feeding it to the matcher. Whitespace is never added.
 * Invariant: the smallest value of a union starts with its first member's
 * first byte, so the matcher picks the same member.
 */
#include <string.h>

#include "llm/json_schema_internal.h"

static int put(lotse_buf_t *b, const char *s) { return lotse_buf_puts(b, s); }

static int put_n(lotse_buf_t *b, const char *p, size_t n) {
  return lotse_buf_append(b, p, n);
}

/* The smallest value of a node's schema. */
static int min_value(const llm_jsonc_t *c, uint32_t node, lotse_buf_t *b);

static bool required(const jc_prop_t *pr, uint32_t i) {
  return pr[i].req_next == i;
}

/* "key":value for property i of an object node. */
static int put_member(const llm_jsonc_t *c, const jc_prop_t *p,
                      lotse_buf_t *b) {
  int rc = put_n(b, p->key, p->key_len);
  if (!rc) rc = put(b, ":");
  if (!rc) rc = min_value(c, p->node, b);
  return rc;
}

/* The required properties from index i on, then '}'. */
static int object_tail(const llm_jsonc_t *c, const jc_node_t *nd, uint32_t i,
                       bool comma, lotse_buf_t *b) {
  const jc_prop_t *pr = c->props + nd->first;
  int rc = 0;
  for (; i < nd->count && !rc; i++) {
    if (!required(pr, i)) continue;
    if (comma) rc = put(b, ",");
    if (!rc) rc = put_member(c, &pr[i], b);
    comma = true;
  }
  return rc ? rc : put(b, "}");
}

/* Items from number `have` up to minItems, then ']'. */
static int array_tail(const llm_jsonc_t *c, const jc_node_t *nd,
                      uint32_t have, lotse_buf_t *b) {
  int rc = 0;
  for (; have < nd->min && !rc; have++) {
    if (have > 0) rc = put(b, ",");
    if (!rc) rc = min_value(c, nd->child, b);
  }
  return rc ? rc : put(b, "]");
}

static int min_value(const llm_jsonc_t *c, uint32_t node, lotse_buf_t *b) {
  const jc_node_t *nd = &c->nodes[node];
  int rc = 0;
  if (node == c->any) return put(b, "null"); /* a cut-off value of any type */
  switch (nd->kind) {
  case JK_OBJECT:
    rc = put(b, "{");
    return rc ? rc : object_tail(c, nd, 0, false, b);
  case JK_MAP:
    return put(b, "{}");
  case JK_ARRAY:
    rc = put(b, "[");
    return rc ? rc : array_tail(c, nd, 0, b);
  case JK_STRING:
    rc = put(b, "\"");
    for (uint32_t i = 0; i < nd->min && !rc; i++) rc = put(b, "a");
    return rc ? rc : put(b, "\"");
  case JK_NUMBER:
  case JK_INTEGER:
    return put(b, "0");
  case JK_LITERAL:
    return put_n(b, c->lits[nd->first].text, c->lits[nd->first].len);
  case JK_UNION:
    return min_value(c, c->kids[nd->first], b);
  }
  return LOTSE_EINTERNAL;
}

/* ---------------------------------------------------------------- frames */

static int finish_number(const jm_frame_t *f, lotse_buf_t *b) {
  bool open = f->phase == N_MINUS || f->phase == N_DOT || f->phase == N_E ||
              f->phase == N_ESIGN;
  return open ? put(b, "0") : 0;
}

/* \uXXXX digits still missing (no \u0000, no lone surrogate half). */
static int finish_hex(const jm_frame_t *f, bool low, lotse_buf_t *b) {
  static const char *const low_rest[] = {"dc00", "c00", "00", "0"};
  if (low) return put(b, low_rest[f->pos]);
  uint32_t v = f->b;
  int rc = 0;
  for (uint32_t p = f->pos; p < 4 && !rc; p++) {
    char d = (p == 3 && v == 0) ? '1' : '0';
    v = v * 16 + (uint32_t)(d - '0');
    rc = put_n(b, &d, 1);
  }
  if (!rc && v >= 0xd800 && v <= 0xdbff) rc = put(b, "\\udc00");
  return rc;
}

static int finish_string(const jc_node_t *nd, const jm_frame_t *f,
                         lotse_buf_t *b) {
  int rc = 0;
  switch (f->phase) {
  case S_UTF8: {
    char lo = (char)(f->b >> 8), cont = (char)0x80;
    rc = put_n(b, &lo, 1);
    for (int i = 1; i < f->ws && !rc; i++) rc = put_n(b, &cont, 1);
    break;
  }
  case S_ESC: rc = put(b, "n"); break;
  case S_U: rc = finish_hex(f, false, b); break;
  case S_LOW_BS: rc = put(b, "\\udc00"); break;
  case S_LOW_U: rc = put(b, "udc00"); break;
  case S_LOW: rc = finish_hex(f, true, b); break;
  }
  for (uint32_t n = f->a; n < nd->min && !rc; n++) rc = put(b, "a");
  return rc ? rc : put(b, "\"");
}

static int finish_object(const llm_jsonc_t *c, const jc_node_t *nd,
                         const jm_frame_t *f, lotse_buf_t *b) {
  const jc_prop_t *pr = c->props + nd->first;
  const jc_prop_t *p = &pr[f->b];
  int rc = 0;
  switch (f->phase) {
  case O_FIRST: return object_tail(c, nd, f->a, false, b);
  case O_AFTER: return object_tail(c, nd, f->a, true, b);
  case O_NEXT: { /* a key must follow: the next required one, else any */
    uint32_t i = pr[f->a].req_next < nd->count ? pr[f->a].req_next : f->a;
    rc = put_member(c, &pr[i], b);
    return rc ? rc : object_tail(c, nd, i + 1, true, b);
  }
  case O_KEY:
    rc = put_n(b, p->key + f->pos, p->key_len - f->pos);
    if (!rc) rc = put(b, ":");
    if (!rc) rc = min_value(c, p->node, b);
    return rc ? rc : object_tail(c, nd, f->b + 1, true, b);
  case O_COLON: rc = put(b, ":"); /* fall through */
  case O_VALUE:
    if (!rc) rc = min_value(c, p->node, b);
    return rc ? rc : object_tail(c, nd, f->a, true, b);
  }
  return LOTSE_EINTERNAL;
}

static int finish_map(const llm_jsonc_t *c, const jc_node_t *nd,
                      const jm_frame_t *f, lotse_buf_t *b) {
  int rc = 0;
  switch (f->phase) {
  case O_NEXT: rc = put(b, "\"\""); /* fall through */
  case O_COLON: rc = rc ? rc : put(b, ":"); /* fall through */
  case O_VALUE: rc = rc ? rc : min_value(c, nd->child, b); /* fall through */
  case O_FIRST:
  case O_AFTER: return rc ? rc : put(b, "}");
  }
  return LOTSE_EINTERNAL;
}

static int finish_array(const llm_jsonc_t *c, const jc_node_t *nd,
                        const jm_frame_t *f, lotse_buf_t *b) {
  if (f->phase != A_NEXT) return array_tail(c, nd, f->a, b);
  int rc = min_value(c, nd->child, b); /* the item after the ',' */
  return rc ? rc : array_tail(c, nd, f->a + 1, b);
}

static int finish_frame(const llm_jsonc_t *c, const jm_frame_t *f,
                        lotse_buf_t *b) {
  if (f->node == JM_NONE) return f->phase ? 0 : min_value(c, c->root, b);
  const jc_node_t *nd = &c->nodes[f->node];
  switch (nd->kind) {
  case JK_OBJECT: return finish_object(c, nd, f, b);
  case JK_MAP: return finish_map(c, nd, f, b);
  case JK_ARRAY: return finish_array(c, nd, f, b);
  case JK_STRING: return finish_string(nd, f, b);
  case JK_NUMBER:
  case JK_INTEGER: return finish_number(f, b);
  case JK_LITERAL: {
    const jc_lit_t *l = &c->lits[f->a];
    return put_n(b, l->text + f->pos, l->len - f->pos);
  }
  }
  return LOTSE_EINTERNAL;
}

int jm_complete(const llm_jsonc_t *c, const jm_state_t *s, lotse_buf_t *out) {
  for (uint32_t d = s->depth; d-- > 0;) {
    int rc = finish_frame(c, &s->f[d], out);
    if (rc) return rc;
  }
  return 0;
}
