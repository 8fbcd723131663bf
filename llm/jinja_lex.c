/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_lex.c — template source to tokens, with jinja2's whitespace
 * rules as transformers configures them: trim_blocks (the newline after a
 * block or comment tag goes), lstrip_blocks (spaces before a block or
 * comment tag on its own line go), {%- -%} {{- -}} {#- -#} (all whitespace
 * on that side goes), {%+ (keeps it), newlines normalised to \n and one
 * trailing newline dropped.
 *
 * Contract: tokens keep line:column of their first character; strings are
 * unescaped like Python literals into the arena. An unterminated tag,
 * comment or string, or a character no token starts with, is LOTSE_EINVAL
 * with its position.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "llm/jinja_internal.h"

typedef struct lexer {
  jinja_arena_t *a;
  const char *src;
  size_t len, pos;
  size_t lc_pos; /* cursor of the line:column cache */
  uint32_t lc_line, lc_col;
  bool line_starting; /* previous tag ended a line (lstrip_blocks) */
  jinja_toks_t *toks;
  lotse_err_t *err;
} lexer_t;

static void pos_lc(lexer_t *lx, size_t pos, uint32_t *line, uint32_t *col) {
  if (pos < lx->lc_pos) { /* positions only move forward; restart if not */
    lx->lc_pos = 0;
    lx->lc_line = 1;
    lx->lc_col = 1;
  }
  for (; lx->lc_pos < pos; lx->lc_pos++) {
    if (lx->src[lx->lc_pos] == '\n') {
      lx->lc_line++;
      lx->lc_col = 1;
    } else if (((unsigned char)lx->src[lx->lc_pos] & 0xC0) != 0x80) {
      lx->lc_col++;
    }
  }
  *line = lx->lc_line;
  *col = lx->lc_col;
}

static int lex_fail(lexer_t *lx, size_t pos, const char *what) {
  uint32_t line, col;
  pos_lc(lx, pos, &line, &col);
  return lotse_err_set(lx->err, LOTSE_EINVAL, "chat template %u:%u: %s",
                       line, col, what);
}

static jinja_tok_t *push(lexer_t *lx, int kind, size_t pos) {
  jinja_toks_t *t = lx->toks;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    jinja_tok_t *v = realloc(t->v, cap * sizeof(*v));
    if (!v) return NULL;
    t->v = v;
    t->cap = cap;
  }
  jinja_tok_t *k = &t->v[t->n++];
  memset(k, 0, sizeof(*k));
  k->kind = (uint8_t)kind;
  pos_lc(lx, pos, &k->line, &k->col);
  return k;
}

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* ------------------------------------------------------------ strings */

static int hexval(const char *p, int n, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < n; i++) {
    if (!isxdigit((unsigned char)p[i])) return -1;
    v = v * 16 + (uint32_t)(isdigit((unsigned char)p[i])
                                ? p[i] - '0'
                                : (tolower((unsigned char)p[i]) - 'a' + 10));
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* One escape at p[0] == '\\'; returns bytes consumed, writes to *o. */
static size_t unescape_one(const char *p, size_t left, char *o, size_t *w) {
  static const char from[] = "ntr\\'\"abfv\n";
  static const char to[] = "\n\t\r\\'\"\a\b\f\v";
  const char *f = left > 1 ? strchr(from, p[1]) : NULL;
  uint32_t cp;
  if (f && *f) {
    if (*f == '\n') { *w = 0; return 2; } /* line continuation */
    o[0] = to[f - from];
    *w = 1;
    return 2;
  }
  int digits = left > 1 ? (p[1] == 'x' ? 2 : p[1] == 'u' ? 4
                           : p[1] == 'U' ? 8 : 0) : 0;
  if (digits && left >= (size_t)digits + 2 && hexval(p + 2, digits, &cp) == 0) {
    *w = put_utf8(o, cp);
    return (size_t)digits + 2;
  }
  if (left > 1 && p[1] >= '0' && p[1] <= '7') {
    size_t k = 1;
    cp = 0;
    while (k < 4 && k < left && p[k] >= '0' && p[k] <= '7')
      cp = cp * 8 + (uint32_t)(p[k++] - '0');
    *w = put_utf8(o, cp);
    return k;
  }
  o[0] = '\\'; /* unknown escapes stay as written, like Python */
  *w = 1;
  return 1;
}

static int lex_string(lexer_t *lx) {
  size_t start = lx->pos;
  char q = lx->src[lx->pos++];
  size_t end = lx->pos;
  while (end < lx->len && lx->src[end] != q)
    end += (lx->src[end] == '\\' && end + 1 < lx->len) ? 2 : 1;
  if (end >= lx->len) return lex_fail(lx, start, "unterminated string");
  char *o = jinja_arena_alloc(lx->a, (end - lx->pos) * 2 + 1);
  jinja_tok_t *t = push(lx, JT_STRING, start);
  if (!o || !t) return LOTSE_ENOMEM;
  size_t n = 0;
  for (size_t i = lx->pos; i < end;) {
    if (lx->src[i] != '\\') {
      o[n++] = lx->src[i++];
      continue;
    }
    size_t w;
    i += unescape_one(lx->src + i, end - i, o + n, &w);
    n += w;
  }
  t->s = o;
  t->n = n;
  lx->pos = end + 1;
  return 0;
}

/* ------------------------------------------------------ inside a tag */

static int lex_number(lexer_t *lx) {
  size_t start = lx->pos, i = lx->pos;
  const char *s = lx->src;
  bool is_float = false;
  while (i < lx->len && isdigit((unsigned char)s[i])) i++;
  if (i + 1 < lx->len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
    is_float = true;
    for (i++; i < lx->len && isdigit((unsigned char)s[i]);) i++;
  }
  if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < lx->len && (s[j] == '+' || s[j] == '-')) j++;
    if (j < lx->len && isdigit((unsigned char)s[j])) {
      is_float = true;
      for (i = j; i < lx->len && isdigit((unsigned char)s[i]);) i++;
    }
  }
  char buf[64];
  if (i - start >= sizeof(buf)) return lex_fail(lx, start, "number too long");
  memcpy(buf, s + start, i - start);
  buf[i - start] = '\0';
  jinja_tok_t *t = push(lx, is_float ? JT_FLOAT : JT_INT, start);
  if (!t) return LOTSE_ENOMEM;
  errno = 0;
  if (is_float) t->f = strtod(buf, NULL);
  else t->i = strtoll(buf, NULL, 10);
  if (errno == ERANGE) return lex_fail(lx, start, "number out of range");
  lx->pos = i;
  return 0;
}

static const struct { const char *s; uint8_t op; } OPS[] = {
    {"//", JO_FLOORDIV}, {"**", JO_POW}, {"==", JO_EQ}, {"!=", JO_NE},
    {"<=", JO_LE}, {">=", JO_GE}, {"+", JO_ADD}, {"-", JO_SUB},
    {"*", JO_MUL}, {"/", JO_DIV}, {"%", JO_MOD}, {"~", JO_TILDE},
    {"<", JO_LT}, {">", JO_GT}, {"=", JO_ASSIGN}, {"(", JO_LPAREN},
    {")", JO_RPAREN}, {"[", JO_LBRACK}, {"]", JO_RBRACK}, {"{", JO_LBRACE},
    {"}", JO_RBRACE}, {",", JO_COMMA}, {".", JO_DOT}, {":", JO_COLON},
    {"|", JO_PIPE},
};

static int lex_op(lexer_t *lx, int *depth) {
  const char *p = lx->src + lx->pos;
  size_t left = lx->len - lx->pos;
  for (size_t i = 0; i < sizeof(OPS) / sizeof(OPS[0]); i++) {
    size_t k = strlen(OPS[i].s);
    if (k > left || memcmp(p, OPS[i].s, k) != 0) continue;
    jinja_tok_t *t = push(lx, JT_OP, lx->pos);
    if (!t) return LOTSE_ENOMEM;
    t->op = OPS[i].op;
    if (t->op == JO_LPAREN || t->op == JO_LBRACK || t->op == JO_LBRACE)
      (*depth)++;
    else if ((t->op == JO_RPAREN || t->op == JO_RBRACK ||
              t->op == JO_RBRACE) && *depth > 0)
      (*depth)--;
    lx->pos += k;
    return 0;
  }
  return lex_fail(lx, lx->pos, "unexpected character in tag");
}

/* End delimiter at pos ("}}" or "%}", optionally after '-' or '+'):
 * returns its length and the modifier, 0 if none. */
static size_t end_at(const lexer_t *lx, char close, char *mod) {
  const char *p = lx->src + lx->pos;
  size_t left = lx->len - lx->pos;
  *mod = 0;
  if (left >= 3 && (p[0] == '-' || p[0] == '+') && p[1] == close &&
      p[2] == '}') {
    *mod = p[0];
    return 3;
  }
  return (left >= 2 && p[0] == close && p[1] == '}') ? 2 : 0;
}

static void after_tag(lexer_t *lx, char mod, bool trim) {
  if (mod == '-') {
    while (lx->pos < lx->len && is_ws(lx->src[lx->pos])) lx->pos++;
  } else if (trim && mod != '+' && lx->pos < lx->len &&
             lx->src[lx->pos] == '\n') {
    lx->pos++;
  }
  lx->line_starting = lx->pos > 0 && lx->src[lx->pos - 1] == '\n';
}

static int lex_tag(lexer_t *lx, char kind, size_t open_pos) {
  char close = kind == '{' ? '}' : '%';
  int depth = 0, rc = 0;
  while (!rc) {
    while (lx->pos < lx->len && is_ws(lx->src[lx->pos])) lx->pos++;
    if (lx->pos >= lx->len)
      return lex_fail(lx, open_pos, kind == '{' ? "unterminated '{{' tag"
                                                : "unterminated '{%' tag");
    char mod;
    size_t k = depth == 0 ? end_at(lx, close, &mod) : 0;
    unsigned char c = (unsigned char)lx->src[lx->pos];
    if (k) {
      if (!push(lx, kind == '{' ? JT_VAR_END : JT_BLOCK_END, lx->pos))
        return LOTSE_ENOMEM;
      lx->pos += k;
      after_tag(lx, mod, kind == '%');
      return 0;
    }
    if (isalpha(c) || c == '_') {
      size_t s = lx->pos;
      while (lx->pos < lx->len && (isalnum((unsigned char)lx->src[lx->pos]) ||
                                   lx->src[lx->pos] == '_'))
        lx->pos++;
      jinja_tok_t *t = push(lx, JT_NAME, s);
      if (!t) return LOTSE_ENOMEM;
      t->s = lx->src + s;
      t->n = lx->pos - s;
    } else if (isdigit(c)) {
      rc = lex_number(lx);
    } else if (c == '\'' || c == '"') {
      rc = lex_string(lx);
    } else {
      rc = lex_op(lx, &depth);
    }
  }
  return rc;
}

static int lex_comment(lexer_t *lx, size_t open_pos) {
  const char *end = NULL;
  for (size_t i = lx->pos; i + 1 < lx->len; i++)
    if (lx->src[i] == '#' && lx->src[i + 1] == '}') {
      end = lx->src + i;
      break;
    }
  if (!end) return lex_fail(lx, open_pos, "unterminated comment");
  size_t at = (size_t)(end - lx->src);
  char mod = (at > lx->pos && (end[-1] == '-' || end[-1] == '+')) ? end[-1] : 0;
  lx->pos = at + 2;
  after_tag(lx, mod, true);
  return 0;
}

/* ------------------------------------------------------------- text */

static size_t find_open(const lexer_t *lx, size_t from) {
  for (size_t i = from; i + 1 < lx->len; i++)
    if (lx->src[i] == '{' &&
        (lx->src[i + 1] == '{' || lx->src[i + 1] == '%' ||
         lx->src[i + 1] == '#'))
      return i;
  return lx->len;
}

/* Text [pos, t) before a tag of the given kind and modifier. */
static int emit_text(lexer_t *lx, size_t t, char kind, char mod) {
  size_t s = lx->pos, e = t;
  if (t < lx->len && mod == '-') {
    while (e > s && is_ws(lx->src[e - 1])) e--;
  } else if (t < lx->len && mod != '+' && kind != '{') {
    size_t l = e; /* lstrip_blocks: only blanks since the line start */
    while (l > s && lx->src[l - 1] != '\n' && is_ws(lx->src[l - 1])) l--;
    bool at_line = l > s ? lx->src[l - 1] == '\n' : lx->line_starting;
    if (at_line) e = l;
  }
  if (e > s) {
    jinja_tok_t *tok = push(lx, JT_TEXT, s);
    if (!tok) return LOTSE_ENOMEM;
    tok->s = lx->src + s;
    tok->n = e - s;
  }
  return 0;
}

/* Copy with \r\n and \r turned into \n, one trailing newline dropped. */
static char *normalise(jinja_arena_t *a, const char *src, size_t len,
                       size_t *out_len) {
  char *o = jinja_arena_alloc(a, len + 1);
  if (!o) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (src[i] == '\r') {
      o[n++] = '\n';
      if (i + 1 < len && src[i + 1] == '\n') i++;
    } else {
      o[n++] = src[i];
    }
  }
  if (n > 0 && o[n - 1] == '\n') n--;
  o[n] = '\0';
  *out_len = n;
  return o;
}

int jinja_lex(jinja_arena_t *a, const char *src, size_t len,
              jinja_toks_t *toks, lotse_err_t *err) {
  lexer_t lx = {.a = a, .toks = toks, .err = err, .line_starting = true,
                .lc_line = 1, .lc_col = 1};
  lx.src = normalise(a, src, len, &lx.len);
  if (!lx.src) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  while (!rc && lx.pos < lx.len) {
    size_t t = find_open(&lx, lx.pos);
    char kind = t < lx.len ? lx.src[t + 1] : 0;
    char mod = (t + 2 < lx.len && (lx.src[t + 2] == '-' ||
                                   lx.src[t + 2] == '+')) ? lx.src[t + 2] : 0;
    rc = emit_text(&lx, t, kind, mod);
    if (rc || t >= lx.len) break;
    lx.pos = t + 2 + (mod ? 1 : 0);
    if (kind == '#') {
      rc = lex_comment(&lx, t);
    } else if (!push(&lx, kind == '{' ? JT_VAR_BEGIN : JT_BLOCK_BEGIN, t)) {
      rc = LOTSE_ENOMEM;
    } else {
      rc = lex_tag(&lx, kind, t);
    }
  }
  if (!rc && !push(&lx, JT_EOF, lx.len)) rc = LOTSE_ENOMEM;
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  return rc;
}
