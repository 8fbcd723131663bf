/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen_cite.c — citation parsing and cleaning for "Fragen": a model
 * may cite [7] when there are three sources; such numbers are removed,
 * while the text streams, before anyone sees them.
 *
 * Contract: the streaming cleaner and fragen_cite_clean() give the same
 * text for any split of the input into pieces; every group left in the
 * output names only numbers in 1..n_sources. Only spaces and one open
 * group (at most GROUP_MAX bytes) are held back at any time.
 * See also: apps/fragen.h.
 */
#include "apps/fragen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_MAX 64    /* bytes inside a bracket that may be a citation */
#define NUMS_MAX 16     /* numbers in one group */
#define RANGE_MAX 20    /* a range "1-20" at most this long */

/* ------------------------------------------------------------- parsing */

static size_t skip_space(const char *s, size_t i, size_t len) {
  while (i < len && s[i] == ' ') i++;
  return i;
}

/* "Quelle" or "Quellen" (first letter either case) at i: its end, or i. */
static size_t skip_word(const char *s, size_t i, size_t len) {
  static const char w[] = "uelle";
  if (i >= len || (s[i] != 'Q' && s[i] != 'q')) return i;
  size_t j = i + 1;
  for (size_t k = 0; w[k]; k++, j++)
    if (j >= len || s[j] != w[k]) return i;
  if (j < len && s[j] == 'n') j++;
  return skip_space(s, j, len);
}

/* Digits at *i (1..6 of them) into *v; 0 ok, -1 not a number. */
static int read_num(const char *s, size_t *i, size_t len, int *v) {
  size_t j = *i;
  int x = 0;
  while (j < len && s[j] >= '0' && s[j] <= '9' && j - *i < 7)
    x = x * 10 + (s[j++] - '0');
  if (j == *i || j - *i > 6) return -1;
  *v = x;
  *i = j;
  return 0;
}

size_t fragen_cite_parse(const char *inner, size_t len, int *nums,
                         size_t max) {
  size_t i = skip_space(inner, 0, len), n = 0;
  if (i == len) return 0;
  while (i < len) {
    int a, b;
    i = skip_word(inner, i, len);
    if (read_num(inner, &i, len, &a)) return 0;
    b = a;
    i = skip_space(inner, i, len);
    if (i < len && inner[i] == '-') {
      i = skip_space(inner, i + 1, len);
      if (read_num(inner, &i, len, &b) || b < a || b - a >= RANGE_MAX)
        return 0;
      i = skip_space(inner, i, len);
    }
    for (int v = a; v <= b; v++) {
      if (n == max) return 0;
      nums[n++] = v;
    }
    if (i == len) break;
    if (inner[i] != ',' && inner[i] != ';') return 0;
    i = skip_space(inner, i + 1, len);
    if (i == len) return 0; /* trailing separator */
  }
  return n;
}

/* ---------------------------------------------------------- streaming */

void fragen_cite_init(fragen_cite_t *c, size_t n_sources,
                      unsigned char *cited, fragen_emit_fn emit, void *ud) {
  memset(c, 0, sizeof *c);
  c->n_sources = n_sources;
  c->cited = cited;
  c->emit = emit;
  c->ud = ud;
}

static void out(fragen_cite_t *c, const char *p, size_t n) {
  if (!c->rc && n) c->rc = c->emit(c->ud, p, n);
}

static void flush_held(fragen_cite_t *c) {
  out(c, c->held, c->nheld);
  c->nheld = c->nspace = 0;
  c->in_group = 0;
}

/* The held group ends with ']': write it cleaned (or drop it). */
static void close_group(fragen_cite_t *c) {
  int nums[NUMS_MAX], keep[NUMS_MAX];
  const char *inner = c->held + c->nspace + 1;
  size_t nk = 0,
         n = fragen_cite_parse(inner, c->nheld - c->nspace - 1, nums, NUMS_MAX);
  if (n == 0) { /* not a citation: unchanged */
    flush_held(c);
    out(c, "]", 1);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    int v = nums[i], dup = 0;
    if (v < 1 || (size_t)v > c->n_sources) continue;
    for (size_t k = 0; k < nk; k++) dup |= keep[k] == v;
    if (!dup) keep[nk++] = v;
  }
  if (nk) {
    char buf[NUMS_MAX * 9 + 4];
    size_t len = 0;
    buf[len++] = '[';
    for (size_t k = 0; k < nk; k++) {
      if (c->cited) c->cited[keep[k] - 1] = 1;
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%d",
                              k ? ", " : "", keep[k]);
    }
    buf[len++] = ']';
    out(c, c->held, c->nspace);
    out(c, buf, len);
  }
  c->nheld = c->nspace = 0;
  c->in_group = 0;
}

static int group_char(char ch) {
  return (ch >= '0' && ch <= '9') || ch == ',' || ch == ';' || ch == ' ' ||
         ch == '-' || strchr("Qquelln", ch) != NULL;
}

/* One byte through the state machine. */
static void step(fragen_cite_t *c, char ch) {
  if (c->in_group) {
    if (ch == ']') {
      close_group(c);
      return;
    }
    if (ch && group_char(ch) && c->nheld - c->nspace < GROUP_MAX) {
      c->held[c->nheld++] = ch;
      return;
    }
    flush_held(c); /* not a citation after all; ch starts afresh */
  }
  if (ch == ' ' && c->nheld < sizeof c->held - GROUP_MAX - 2) {
    c->held[c->nheld++] = ch;
    c->nspace++;
  } else if (ch == '[') {
    c->held[c->nheld++] = ch;
    c->in_group = 1;
  } else {
    flush_held(c);
    out(c, &ch, 1);
  }
}

int fragen_cite_feed(fragen_cite_t *c, const char *text, size_t len) {
  size_t i = 0;
  while (i < len && !c->rc) {
    /* Plain bytes with nothing held go out in one piece. */
    if (!c->nheld) {
      size_t j = i;
      while (j < len && text[j] != ' ' && text[j] != '[') j++;
      out(c, text + i, j - i);
      i = j;
      if (i == len) break;
    }
    step(c, text[i++]);
  }
  return c->rc;
}

int fragen_cite_finish(fragen_cite_t *c) {
  flush_held(c);
  return c->rc;
}

/* ------------------------------------------------------------- batch */

static int to_buf(void *ud, const char *text, size_t len) {
  return lotse_buf_append(ud, text, len) ? 1 : 0;
}

char *fragen_cite_clean(const char *text, size_t len, size_t n_sources,
                        unsigned char *cited) {
  lotse_buf_t b;
  lotse_buf_init(&b, len + 1024);
  fragen_cite_t c;
  fragen_cite_init(&c, n_sources, cited, to_buf, &b);
  if (fragen_cite_feed(&c, text, len) || fragen_cite_finish(&c)) {
    lotse_buf_release(&b);
    return NULL;
  }
  return b.data ? lotse_buf_detach(&b) : lotse_strdup("");
}
