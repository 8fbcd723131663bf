/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/queries.c — the benchmark's query set, made from the corpus itself:
 * gazette titles (2–4 content words, the longest word alone, the whole
 * title as typed), long compounds, and law section headings.
 *
 * Contract: queries contain only words (letters and digits) separated by
 * single spaces, so neither lotse's nor Xapian's query syntax is triggered
 * and both engines read them as "any of these words". A word is a "stop
 * word" when lotse's analyzer emits no term for it; those words are also
 * written out for the peer's stopper, so both engines ignore the same
 * words. Deterministic: the same titles give the same queries.
 */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64
#define LONG_MAX_WORDS 12
#define COMPOUND_MIN_BYTES 16
#define COMPOUND_MAX 40
#define HEADING_MAX 60

typedef struct span {
  const char *p;
  size_t n;
  int content; /* letters, >= 3 characters, and lotse keeps it */
} span_t;

typedef struct words {
  span_t v[MAX_WORDS];
  int n;
} words_t;

/* ---------------------------------------------------------- word splitting */

/* Length of the UTF-8 sequence at p and its code point (0 if invalid). */
static size_t utf8_next(const unsigned char *p, unsigned *cp) {
  if (p[0] < 0x80) { *cp = p[0]; return 1; }
  if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
    *cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  size_t n = (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) n = 1;
  *cp = 0;
  return n;
}

/* Letters and digits of German text: ASCII alnum and Latin-1/Extended-A
 * letters; everything else (dashes, quotes, §, dots) separates words. */
static int is_word_cp(unsigned cp, int *letter) {
  int alpha = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
              (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
  *letter = alpha;
  return alpha || (cp >= '0' && cp <= '9');
}

static int count_term(void *ctx, const char *t, size_t n, size_t s, size_t e,
                      int colocated) {
  (void)t;
  (void)n;
  (void)s;
  (void)e;
  if (!colocated) (*(int *)ctx)++;
  return 0;
}

/* Lower-case copy (ASCII and Latin-1 capitals) into the stop word list. */
static int stop_add(lotse_strv_t *stop, const char *w, size_t n) {
  char *c = lotse_strndup(w, n);
  if (!c) return LOTSE_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)c[i];
    if (b >= 'A' && b <= 'Z') c[i] = (char)(b + 32);
    if (b == 0xC3 && i + 1 < n) {
      unsigned char t = (unsigned char)c[i + 1];
      if (t >= 0x80 && t <= 0x9E && t != 0x97) c[i + 1] = (char)(t + 32);
      i++;
    }
  }
  int rc = 0, seen = 0;
  for (size_t i = 0; i < stop->n && !seen; i++) seen = !strcmp(stop->v[i], c);
  if (!seen) rc = lotse_strv_push(stop, c);
  free(c);
  return rc;
}

static int words_split(text_analyzer_t *an, const char *s, words_t *w,
                       lotse_strv_t *stop) {
  w->n = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p && w->n < MAX_WORDS) {
    unsigned cp;
    int letter, letters = 0, chars = 0;
    const unsigned char *start = p;
    while (*p) {
      size_t k = utf8_next(p, &cp);
      if (!is_word_cp(cp, &letter)) break;
      letters += letter;
      chars++;
      p += k;
    }
    if (p == start) { p += utf8_next(p, &cp); continue; }
    span_t *sp = &w->v[w->n++];
    *sp = (span_t){(const char *)start, (size_t)(p - start), 0};
    int terms = 0;
    text_analyze(an, sp->p, sp->n, 0, count_term, &terms);
    if (!terms && stop_add(stop, sp->p, sp->n)) return LOTSE_ENOMEM;
    sp->content = terms > 0 && letters > 0 && chars >= 3;
  }
  return 0;
}

/* ------------------------------------------------------------ the set */

static int query_add(bench_queries_t *q, const char *cat, const char *text) {
  if (!*text) return 0;
  for (size_t i = 0; i < q->n; i++)
    if (!strcmp(q->v[i].text, text)) return 0;
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 256;
    bench_query_t *v = realloc(q->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    q->v = v;
    q->cap = cap;
  }
  char *c = lotse_strdup(cat), *t = lotse_strdup(text);
  if (!c || !t) {
    free(c);
    free(t);
    return LOTSE_ENOMEM;
  }
  q->v[q->n++] = (bench_query_t){c, t};
  return 0;
}

/* Join up to max words (content words only when content_only). */
static int add_joined(bench_queries_t *q, const char *cat, const words_t *w,
                      int content_only, int max, int min) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  int rc = lotse_buf_append(&b, "", 0), used = 0;
  for (int i = 0; i < w->n && used < max && !rc; i++) {
    if (content_only && !w->v[i].content) continue;
    if (used++) rc = lotse_buf_putc(&b, ' ');
    if (!rc) rc = lotse_buf_append(&b, w->v[i].p, w->v[i].n);
  }
  if (!rc && used >= min) rc = query_add(q, cat, b.data);
  lotse_buf_release(&b);
  return rc;
}

static int add_longest(bench_queries_t *q, const char *cat,
                       const words_t *w, size_t min_bytes) {
  int best = -1;
  for (int i = 0; i < w->n; i++)
    if (w->v[i].content && (best < 0 || w->v[i].n > w->v[best].n)) best = i;
  if (best < 0 || w->v[best].n < min_bytes) return 0;
  char *t = lotse_strndup(w->v[best].p, w->v[best].n);
  if (!t) return LOTSE_ENOMEM;
  int rc = query_add(q, cat, t);
  free(t);
  return rc;
}

/* Queries from title i; the residues pick a deterministic mix. */
static int from_title(bench_queries_t *q, const words_t *w, size_t i,
                      size_t *compounds) {
  int rc = 0;
  if (i % 3 == 0) rc = add_joined(q, "title", w, 1, 2 + (int)(i / 3 % 3), 2);
  if (!rc && i % 5 == 1) rc = add_longest(q, "word", w, 1);
  if (!rc && i % 9 == 2) rc = add_joined(q, "long", w, 0, LONG_MAX_WORDS, 5);
  if (!rc && i % 4 == 3 && *compounds < COMPOUND_MAX) {
    size_t before = q->n;
    rc = add_longest(q, "compound", w, COMPOUND_MIN_BYTES);
    *compounds += q->n - before;
  }
  return rc;
}

int bench_queries_build(text_analyzer_t *an, const lotse_strv_t *titles,
                        const lotse_strv_t *heads, bench_queries_t *q,
                        lotse_err_t *err) {
  memset(q, 0, sizeof *q);
  words_t w;
  size_t compounds = 0;
  int rc = 0;
  for (size_t i = 0; i < titles->n && !rc; i++) {
    rc = words_split(an, titles->v[i], &w, &q->stopwords);
    if (!rc) rc = from_title(q, &w, i, &compounds);
  }
  size_t stride = heads->n > HEADING_MAX ? heads->n / HEADING_MAX : 1;
  for (size_t i = 0; i < heads->n && !rc; i += stride) {
    rc = words_split(an, heads->v[i], &w, &q->stopwords);
    if (!rc) rc = add_joined(q, "heading", &w, 1, 3, 1);
  }
  if (rc) {
    bench_queries_release(q);
    return lotse_err_set(err, rc, "out of memory");
  }
  return 0;
}

void bench_queries_release(bench_queries_t *q) {
  for (size_t i = 0; i < q->n; i++) {
    free(q->v[i].cat);
    free(q->v[i].text);
  }
  free(q->v);
  lotse_strv_release(&q->stopwords);
  memset(q, 0, sizeof *q);
}

int bench_queries_write(const bench_queries_t *q, const char *path,
                        const char *stop_path, lotse_err_t *err) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 26);
  int rc = lotse_buf_append(&b, "", 0);
  for (size_t i = 0; i < q->n && !rc; i++)
    rc = lotse_buf_printf(&b, "%s\t%s\n", q->v[i].cat, q->v[i].text);
  if (!rc) rc = lotse_file_write(path, b.data, b.len, err);
  lotse_buf_reset(&b);
  for (size_t i = 0; i < q->stopwords.n && !rc; i++)
    rc = lotse_buf_printf(&b, "%s\n", q->stopwords.v[i]);
  if (!rc) rc = lotse_file_write(stop_path, b.data, b.len, err);
  lotse_buf_release(&b);
  if (rc == LOTSE_ENOMEM || rc == LOTSE_ETOOBIG)
    lotse_err_set(err, rc, "out of memory");
  return rc;
}
