/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/format.c — header patterns ("<Date> <Time> <Content>")
 * compiled to one anchored PCRE2 expression (JIT when available), the way
 * loghub/logparser turns its log_format into a regex: fields become lazy
 * named groups, runs of spaces in the text between them become "\s+".
 *
 * Invariants: (1) f->names[i] is the name of field i, group "f<i>";
 * (2) content_idx is the index of <Content> or -1.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "analytics/logwatch/format.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

struct lw_format {
  pcre2_code *re;
  pcre2_match_data *md; /* reused by lw_format_match (one thread) */
  pcre2_match_context *mc; /* backtracking limit, see LW_FORMAT_MATCH_LIMIT */
  int jit;
  size_t n;
  int content_idx;
  uint32_t group[LW_FORMAT_MAX_FIELDS];
  char names[LW_FORMAT_MAX_FIELDS][64];
};

static int is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

static int is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Append the literal part p[0..n) with space runs turned into \s+. */
static int put_literal(lotse_buf_t *b, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == ' ') {
      while (i + 1 < n && p[i + 1] == ' ') i++;
      if (lotse_buf_puts(b, "\\s+")) return LOTSE_ENOMEM;
    } else if (lotse_buf_putc(b, p[i])) {
      return LOTSE_ENOMEM;
    }
  }
  return 0;
}

/* Parse "<Name>" at p (p[0] == '<'); returns its length or 0 when it is not
 * a field reference (then '<' is literal). */
static size_t field_ref(const char *p, size_t *name_len) {
  size_t i = 1;
  while (p[i] && p[i] != '<' && p[i] != '>') i++;
  if (p[i] != '>' || i == 1) return 0;
  *name_len = i - 1;
  return i + 1;
}

/* A field is lazy ".*?" as in logparser; the last element of the pattern
 * is greedy ".*" instead, which matches the same (it must run to "$"
 * either way) without trying "$" after every byte. */
static int add_field(lw_format *f, const char *name, size_t nl, int last,
                     lotse_buf_t *b, lotse_err_t *err) {
  for (size_t k = 0; k < nl; k++)
    if (!is_name_char(name[k]))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "bad field name '<%.*s>' in format (letters, "
                           "digits, '_')", (int)nl, name);
  if (nl >= sizeof f->names[0])
    return lotse_err_set(err, LOTSE_EINVAL, "field name '%.*s' too long",
                         (int)nl, name);
  if (f->n >= LW_FORMAT_MAX_FIELDS)
    return lotse_err_set(err, LOTSE_EINVAL, "more than %d fields in format",
                         LW_FORMAT_MAX_FIELDS);
  for (size_t k = 0; k < f->n; k++)
    if (strlen(f->names[k]) == nl && !memcmp(f->names[k], name, nl))
      return lotse_err_set(err, LOTSE_EINVAL, "field '<%.*s>' twice in format",
                           (int)nl, name);
  memcpy(f->names[f->n], name, nl);
  f->names[f->n][nl] = 0;
  if (nl == 7 && !memcmp(name, "Content", 7)) f->content_idx = (int)f->n;
  if (lotse_buf_printf(b, last ? "(?<f%zu>.*)" : "(?<f%zu>.*?)", f->n))
    return LOTSE_ENOMEM;
  f->n++;
  return 0;
}

static int build_regex(lw_format *f, const char *pattern, lotse_buf_t *b,
                       lotse_err_t *err) {
  if (lotse_buf_putc(b, '^')) return LOTSE_ENOMEM;
  const char *p = pattern, *lit = pattern;
  while (*p) {
    size_t nl = 0, fl = *p == '<' ? field_ref(p, &nl) : 0;
    if (!fl) {
      p++;
      continue;
    }
    if (put_literal(b, lit, (size_t)(p - lit))) return LOTSE_ENOMEM;
    int rc = add_field(f, p + 1, nl, p[fl] == 0, b, err);
    if (rc) return rc;
    p += fl;
    lit = p;
  }
  if (put_literal(b, lit, (size_t)(p - lit)) || lotse_buf_putc(b, '$'))
    return LOTSE_ENOMEM;
  return 0;
}

static int compile_regex(lw_format *f, const char *src, lotse_err_t *err) {
  int ec;
  PCRE2_SIZE eo;
  f->re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL,
                        &ec, &eo, NULL);
  if (!f->re) {
    char msg[160];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
    return lotse_err_set(err, LOTSE_EINVAL,
                         "bad format pattern: %s (at offset %zu of '%s')", msg,
                         (size_t)eo, src);
  }
  f->jit = pcre2_jit_compile(f->re, PCRE2_JIT_COMPLETE) == 0;
  f->md = pcre2_match_data_create_from_pattern(f->re, NULL);
  f->mc = pcre2_match_context_create(NULL);
  if (f->mc) {
    pcre2_set_match_limit(f->mc, LW_FORMAT_MATCH_LIMIT);
    pcre2_set_depth_limit(f->mc, LW_FORMAT_MATCH_LIMIT / 10);
  }
  if (!f->md || !f->mc) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < f->n; i++) {
    char gname[24];
    snprintf(gname, sizeof gname, "f%zu", i);
    int g = pcre2_substring_number_from_name(f->re, (PCRE2_SPTR)gname);
    if (g <= 0) return lotse_err_set(err, LOTSE_EINTERNAL, "format group lost");
    f->group[i] = (uint32_t)g;
  }
  return 0;
}

int lw_format_compile(const char *pattern, lw_format **out,
                      lotse_err_t *err) {
  *out = NULL;
  if (!pattern || !*pattern)
    return lotse_err_set(err, LOTSE_EINVAL, "empty format pattern");
  lw_format *f = calloc(1, sizeof *f);
  if (!f) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  f->content_idx = -1;
  lotse_buf_t b;
  lotse_buf_init(&b, 64 * 1024);
  int rc = build_regex(f, pattern, &b, err);
  if (rc == LOTSE_ENOMEM || rc == LOTSE_ETOOBIG)
    rc = lotse_err_set(err, LOTSE_EINVAL, "format pattern too long");
  if (!rc) rc = compile_regex(f, b.data, err);
  lotse_buf_release(&b);
  if (rc) {
    lw_format_free(f);
    return rc;
  }
  *out = f;
  return 0;
}

int lw_format_match(const lw_format *f, const char *line, size_t len,
                    lw_field *fields, size_t cap, size_t *n,
                    const char **content, size_t *content_len) {
  if (n) *n = 0;
  while (len && is_space((unsigned char)line[len - 1])) len--;
  while (len && is_space((unsigned char)*line)) line++, len--;
  int rc = f->jit ? pcre2_jit_match(f->re, (PCRE2_SPTR)line, len, 0, 0,
                                    f->md, f->mc)
                  : pcre2_match(f->re, (PCRE2_SPTR)line, len, 0, 0, f->md,
                                f->mc);
  /* A line that needs more backtracking than PCRE2's limits is malformed,
   * not an error: one odd line must not stop a whole ingest (found by
   * tests/fuzz/fuzz_logwatch_format.c: 128 bytes with many space runs). */
  if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_MATCHLIMIT ||
      rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
    return 0;
  if (rc < 0) return LOTSE_EINTERNAL;
  const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->md);
  size_t k = 0;
  for (size_t i = 0; i < f->n && k < cap; i++) {
    PCRE2_SIZE s = ov[2 * f->group[i]], e = ov[2 * f->group[i] + 1];
    fields[k].name = f->names[i];
    fields[k].value = s == PCRE2_UNSET ? line + len : line + s;
    fields[k].value_len = s == PCRE2_UNSET ? 0 : e - s;
    k++;
  }
  if (n) *n = k;
  const char *c = line;
  size_t cl = len;
  if (f->content_idx >= 0) {
    PCRE2_SIZE s = ov[2 * f->group[f->content_idx]];
    PCRE2_SIZE e = ov[2 * f->group[f->content_idx] + 1];
    c = s == PCRE2_UNSET ? line + len : line + s;
    cl = s == PCRE2_UNSET ? 0 : e - s;
  }
  if (content) *content = c;
  if (content_len) *content_len = cl;
  return 1;
}

size_t lw_format_nfields(const lw_format *f) { return f->n; }

const char *lw_format_field_name(const lw_format *f, size_t i) {
  return i < f->n ? f->names[i] : NULL;
}

void lw_format_free(lw_format *f) {
  if (!f) return;
  pcre2_match_data_free(f->md);
  pcre2_match_context_free(f->mc);
  pcre2_code_free(f->re);
  free(f);
}
