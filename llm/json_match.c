/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_match.c — the byte matcher: a pushdown automaton over the node
 * graph of llm/json_compile.c that accepts exactly the prefixes of
 * documents valid under the schema (grammar in json_schema_internal.h).
 *
 * Contract: jm_feed() either consumes the byte and returns true, or
 * returns false; callers feed copies when they only probe. Every accepted
 * prefix can still be completed (no dead ends): escapes reject lone
 * surrogates and \u0000 at the first digit that decides it, UTF-8 is
 * checked byte by byte, counts are checked before a character starts.
 * Frames (fields a, b, pos, phase, ws of jm_frame_t):
 *   document  phase 0 before the value, 1 after it started
 *   object    a next property, b key candidate, pos key bytes matched
 *   map       (only phase and ws)
 *   array     a items started
 *   string    a code points, b \u value or next UTF-8 byte range (lo<<8|hi),
 *             pos hex digits, ws pending UTF-8 bytes
 *   number    a integer digits, b fraction digits, pos exponent digits
 *   literal   a..b the literals still possible, pos bytes matched
 * A value that ends without a closing byte (number, literal) is popped
 * when a byte that cannot continue it arrives; that byte then goes to the
 * frame below.
 */
#include <string.h>

#include "llm/json_schema_internal.h"

enum { R_REJECT, R_ACCEPT, R_DONE, R_POP, R_PUSH };


#define INT_DIGITS 18
#define FRAC_DIGITS 16
#define EXP_DIGITS 2

static bool is_ws(uint8_t b) { return b == ' ' || b == '\n' || b == '\t'; }
static bool is_digit(uint8_t b) { return b >= '0' && b <= '9'; }

static int hex_value(uint8_t b) {
  if (is_digit(b)) return b - '0';
  if (b >= 'a' && b <= 'f') return b - 'a' + 10;
  if (b >= 'A' && b <= 'F') return b - 'A' + 10;
  return -1;
}

static int ws_step(jm_frame_t *f) {
  if (f->ws >= JM_WS_MAX) return R_REJECT;
  f->ws++;
  return R_ACCEPT;
}

/* ---------------------------------------------------------------- objects */

/* No required property at or after index i. */
static bool rest_optional(const jc_node_t *nd, const jc_prop_t *pr,
                          uint32_t i) {
  return i >= nd->count || pr[i].req_next >= nd->count;
}

/* Next byte of a key: the lowest candidate that agrees with it. Keys may
 * skip optional properties up to the next required one. */
static int key_step(const jc_node_t *nd, const jc_prop_t *pr, jm_frame_t *f,
                    uint8_t b) {
  uint32_t lim = pr[f->a].req_next < nd->count ? pr[f->a].req_next
                                               : nd->count - 1;
  const char *cur = pr[f->b].key;
  for (uint32_t j = f->b; j <= lim; j++) {
    const jc_prop_t *p = &pr[j];
    if (p->key_len <= f->pos || (uint8_t)p->key[f->pos] != b) continue;
    if (j != f->b && memcmp(p->key, cur, f->pos) != 0) continue;
    f->b = j;
    if (++f->pos == p->key_len) {
      f->a = j + 1;
      f->phase = O_COLON;
    }
    return R_ACCEPT;
  }
  return R_REJECT;
}

static int step_object(const llm_jsonc_t *c, const jc_node_t *nd,
                       jm_frame_t *f, uint8_t b, uint32_t *push) {
  const jc_prop_t *pr = c->props + nd->first;
  if (f->phase == O_OPEN) {
    if (b != '{') return R_REJECT;
    f->phase = O_FIRST;
    return R_ACCEPT;
  }
  if (f->phase != O_KEY && f->phase != O_COLON && is_ws(b)) return ws_step(f);
  switch (f->phase) {
  case O_FIRST:
    if (b == '}') return rest_optional(nd, pr, f->a) ? R_DONE : R_REJECT;
    /* fall through */
  case O_NEXT:
    if (b != '"' || f->a >= nd->count) return R_REJECT;
    f->phase = O_KEY;
    f->b = f->a;
    f->pos = 1;
    f->ws = 0;
    return R_ACCEPT;
  case O_KEY:
    return key_step(nd, pr, f, b);
  case O_COLON:
    if (b != ':') return R_REJECT;
    f->phase = O_VALUE;
    f->ws = 0;
    return R_ACCEPT;
  case O_VALUE:
    f->phase = O_AFTER;
    f->ws = 0;
    *push = pr[f->b].node;
    return R_PUSH;
  case O_AFTER:
    if (b == ',' && f->a < nd->count) {
      f->phase = O_NEXT;
      f->ws = 0;
      return R_ACCEPT;
    }
    if (b == '}' && rest_optional(nd, pr, f->a)) return R_DONE;
    return R_REJECT;
  }
  return R_REJECT;
}

/* Free keys (strings), values of one schema. */
static int step_map(const llm_jsonc_t *c, const jc_node_t *nd, jm_frame_t *f,
                    uint8_t b, uint32_t *push) {
  if (f->phase == O_OPEN) {
    if (b != '{') return R_REJECT;
    f->phase = O_FIRST;
    return R_ACCEPT;
  }
  if (f->phase != O_COLON && is_ws(b)) return ws_step(f);
  switch (f->phase) {
  case O_FIRST:
    if (b == '}') return R_DONE;
    /* fall through */
  case O_NEXT:
    if (b != '"') return R_REJECT;
    f->phase = O_COLON;
    f->ws = 0;
    *push = c->string;
    return R_PUSH;
  case O_COLON:
    if (b != ':') return R_REJECT;
    f->phase = O_VALUE;
    f->ws = 0;
    return R_ACCEPT;
  case O_VALUE:
    f->phase = O_AFTER;
    f->ws = 0;
    *push = nd->child;
    return R_PUSH;
  case O_AFTER:
    if (b == '}') return R_DONE;
    if (b != ',') return R_REJECT;
    f->phase = O_NEXT;
    f->ws = 0;
    return R_ACCEPT;
  }
  return R_REJECT;
}

static int step_array(const jc_node_t *nd, jm_frame_t *f, uint8_t b,
                      uint32_t *push) {
  if (f->phase == A_OPEN) {
    if (b != '[') return R_REJECT;
    f->phase = A_FIRST;
    return R_ACCEPT;
  }
  if (is_ws(b)) return ws_step(f);
  switch (f->phase) {
  case A_FIRST:
    if (b == ']') return nd->min == 0 ? R_DONE : R_REJECT;
    if (nd->max == 0) return R_REJECT;
    break;
  case A_NEXT:
    break;
  case A_AFTER:
    if (b == ']') return f->a >= nd->min ? R_DONE : R_REJECT;
    if (b != ',' || f->a >= nd->max) return R_REJECT;
    f->phase = A_NEXT;
    f->ws = 0;
    return R_ACCEPT;
  }
  f->phase = A_AFTER;
  f->ws = 0;
  f->a++;
  *push = nd->child;
  return R_PUSH;
}

/* ---------------------------------------------------------------- strings */

/* A UTF-8 lead byte: continuation bytes needed and the range of the first
 * one (excluding overlong forms, surrogates and code points > 10FFFF). */
int jm_utf8_lead(uint8_t b, uint32_t *range) {
  *range = 0x80bf;
  if (b >= 0xc2 && b <= 0xdf) return 1;
  if (b == 0xe0) *range = 0xa0bf;
  if (b == 0xed) *range = 0x809f;
  if (b >= 0xe0 && b <= 0xef) return 2;
  if (b == 0xf0) *range = 0x90bf;
  if (b == 0xf4) *range = 0x808f;
  if (b >= 0xf0 && b <= 0xf4) return 3;
  return 0;
}

static int string_body(const jc_node_t *nd, jm_frame_t *f, uint8_t b) {
  if (b == '"') return f->a >= nd->min ? R_DONE : R_REJECT;
  if (b < 0x20 || f->a >= nd->max) return R_REJECT;
  if (b == '\\') {
    f->phase = S_ESC;
  } else if (b >= 0x80) {
    int need = jm_utf8_lead(b, &f->b);
    if (!need) return R_REJECT;
    f->ws = (uint8_t)need;
    f->phase = S_UTF8;
  }
  f->a++;
  return R_ACCEPT;
}

/* One hex digit of \uXXXX (low: the second half of a surrogate pair). */
static int string_hex(jm_frame_t *f, uint8_t b, bool low) {
  int h = hex_value(b);
  if (h < 0) return R_REJECT;
  uint32_t v = f->b * 16 + (uint32_t)h;
  if (low && ((f->pos == 0 && h != 0xd) || (f->pos == 1 && h < 0xc)))
    return R_REJECT;
  if (!low && f->pos == 1 && v >= 0xdc && v <= 0xdf)
    return R_REJECT; /* a lone low half */
  if (!low && f->pos == 3 && v == 0) return R_REJECT;    /* \u0000 */
  f->b = v;
  if (++f->pos < 4) return R_ACCEPT;
  f->phase = (!low && v >= 0xd800 && v <= 0xdbff) ? S_LOW_BS : S_BODY;
  return R_ACCEPT;
}

static int step_string(const jc_node_t *nd, jm_frame_t *f, uint8_t b) {
  switch (f->phase) {
  case S_OPEN:
    if (b != '"') return R_REJECT;
    f->phase = S_BODY;
    return R_ACCEPT;
  case S_BODY:
    return string_body(nd, f, b);
  case S_UTF8:
    if (b < (f->b >> 8) || b > (f->b & 0xff)) return R_REJECT;
    f->b = 0x80bf;
    if (--f->ws == 0) f->phase = S_BODY;
    return R_ACCEPT;
  case S_ESC:
    if (b == 'u') {
      f->phase = S_U;
      f->pos = 0;
      f->b = 0;
      return R_ACCEPT;
    }
    if (!strchr("\"\\/bfnrt", b) || b == 0) return R_REJECT;
    f->phase = S_BODY;
    return R_ACCEPT;
  case S_U:
    return string_hex(f, b, false);
  case S_LOW_BS:
    if (b != '\\') return R_REJECT;
    f->phase = S_LOW_U;
    return R_ACCEPT;
  case S_LOW_U:
    if (b != 'u') return R_REJECT;
    f->phase = S_LOW;
    f->pos = 0;
    f->b = 0;
    return R_ACCEPT;
  case S_LOW:
    return string_hex(f, b, true);
  }
  return R_REJECT;
}

/* ---------------------------------------------------------------- numbers */

static int number_tail(bool real, jm_frame_t *f, uint8_t b) {
  if (real && b == '.') {
    f->phase = N_DOT;
    return R_ACCEPT;
  }
  if (real && (b == 'e' || b == 'E')) {
    f->phase = N_E;
    return R_ACCEPT;
  }
  return R_POP;
}

static int step_number(const jc_node_t *nd, jm_frame_t *f, uint8_t b) {
  bool real = nd->kind == JK_NUMBER, dig = is_digit(b);
  switch (f->phase) {
  case N_START:
    if (b == '-') {
      f->phase = N_MINUS;
      return R_ACCEPT;
    }
    /* fall through */
  case N_MINUS:
    if (!dig) return R_REJECT;
    f->phase = b == '0' ? N_ZERO : N_INT;
    f->a = 1;
    return R_ACCEPT;
  case N_ZERO:
    return number_tail(real, f, b);
  case N_INT:
    if (dig && f->a < INT_DIGITS) {
      f->a++;
      return R_ACCEPT;
    }
    return number_tail(real, f, b);
  case N_DOT:
    if (!dig) return R_REJECT;
    f->phase = N_FRAC;
    f->b = 1;
    return R_ACCEPT;
  case N_FRAC:
    if (dig && f->b < FRAC_DIGITS) {
      f->b++;
      return R_ACCEPT;
    }
    if (b == 'e' || b == 'E') {
      f->phase = N_E;
      return R_ACCEPT;
    }
    return R_POP;
  case N_E:
    if (b == '+' || b == '-') {
      f->phase = N_ESIGN;
      return R_ACCEPT;
    }
    /* fall through */
  case N_ESIGN:
    if (!dig) return R_REJECT;
    f->phase = N_EXP;
    f->pos = 1;
    return R_ACCEPT;
  case N_EXP:
    if (dig && f->pos < EXP_DIGITS) {
      f->pos++;
      return R_ACCEPT;
    }
    return R_POP;
  }
  return R_REJECT;
}

/* ---------------------------------------------------------------- literals */

static int step_literal(const llm_jsonc_t *c, jm_frame_t *f, uint8_t b) {
  const jc_lit_t *l = c->lits;
  uint32_t lo = f->b, hi = f->b;
  for (uint32_t j = f->a; j < f->b; j++) {
    bool m = l[j].len > f->pos && (uint8_t)l[j].text[f->pos] == b;
    if (m && lo == f->b) lo = j;
    if (m) hi = j + 1;
    else if (lo != f->b) break; /* matches are contiguous */
  }
  if (lo == f->b) return l[f->a].len == f->pos ? R_POP : R_REJECT;
  f->a = lo;
  f->b = hi;
  f->pos++;
  return (hi - lo == 1 && l[lo].len == f->pos) ? R_DONE : R_ACCEPT;
}

/* ---------------------------------------------------------------- driver */

static bool can_start(const llm_jsonc_t *c, const jc_node_t *nd, uint8_t b) {
  switch (nd->kind) {
  case JK_OBJECT:
  case JK_MAP: return b == '{';
  case JK_ARRAY: return b == '[';
  case JK_STRING: return b == '"';
  case JK_NUMBER:
  case JK_INTEGER: return b == '-' || is_digit(b);
  case JK_LITERAL:
    for (uint32_t i = 0; i < nd->count; i++)
      if ((uint8_t)c->lits[nd->first + i].text[0] == b) return true;
    return false;
  }
  return false;
}

static bool push_value(const llm_jsonc_t *c, jm_state_t *s, uint32_t node,
                       uint8_t b) {
  const jc_node_t *nd = &c->nodes[node];
  if (nd->kind == JK_UNION) {
    uint32_t i = 0;
    for (; i < nd->count; i++)
      if (can_start(c, &c->nodes[c->kids[nd->first + i]], b)) break;
    if (i == nd->count) return false;
    node = c->kids[nd->first + i];
    nd = &c->nodes[node];
  }
  if (s->depth >= JM_DEPTH) return false;
  jm_frame_t *f = &s->f[s->depth++];
  *f = (jm_frame_t){.node = node};
  if (nd->kind == JK_LITERAL) {
    f->a = nd->first;
    f->b = nd->first + nd->count;
  }
  return true;
}

void jm_init(const llm_jsonc_t *c, jm_state_t *s) {
  (void)c;
  s->depth = 1;
  s->f[0] = (jm_frame_t){.node = JM_NONE};
}

static int step(const llm_jsonc_t *c, jm_frame_t *f, uint8_t b,
                uint32_t *push) {
  if (f->node == JM_NONE) { /* the document: one value, then nothing */
    if (f->phase) return R_REJECT;
    f->phase = 1;
    *push = c->root;
    return R_PUSH;
  }
  const jc_node_t *nd = &c->nodes[f->node];
  switch (nd->kind) {
  case JK_OBJECT: return step_object(c, nd, f, b, push);
  case JK_MAP: return step_map(c, nd, f, b, push);
  case JK_ARRAY: return step_array(nd, f, b, push);
  case JK_STRING: return step_string(nd, f, b);
  case JK_NUMBER:
  case JK_INTEGER: return step_number(nd, f, b);
  case JK_LITERAL: return step_literal(c, f, b);
  }
  return R_REJECT;
}

bool jm_feed(const llm_jsonc_t *c, jm_state_t *s, uint8_t b) {
  for (;;) {
    uint32_t push = JM_NONE;
    switch (step(c, &s->f[s->depth - 1], b, &push)) {
    case R_ACCEPT:
      return true;
    case R_DONE:
      s->depth--;
      return true;
    case R_POP:
      s->depth--;
      continue;
    case R_PUSH:
      if (!push_value(c, s, push, b)) return false;
      continue;
    default:
      return false;
    }
  }
}

bool jm_done(const llm_jsonc_t *c, const jm_state_t *s) {
  if (s->f[0].phase == 0) return false;
  if (s->depth == 1) return true;
  if (s->depth != 2) return false;
  const jm_frame_t *f = &s->f[1];
  const jc_node_t *nd = &c->nodes[f->node];
  if (nd->kind == JK_NUMBER || nd->kind == JK_INTEGER)
    return f->phase == N_ZERO || f->phase == N_INT || f->phase == N_FRAC ||
           f->phase == N_EXP;
  if (nd->kind == JK_LITERAL) return c->lits[f->a].len == f->pos;
  return false;
}

bool jm_in_plain_string(const llm_jsonc_t *c, const jm_state_t *s,
                        uint32_t *room) {
  const jm_frame_t *f = &s->f[s->depth - 1];
  if (f->node == JM_NONE) return false;
  const jc_node_t *nd = &c->nodes[f->node];
  if (nd->kind != JK_STRING || f->phase != S_BODY) return false;
  *room = nd->max == JM_NONE ? UINT32_MAX : nd->max - f->a;
  return true;
}
