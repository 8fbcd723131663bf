/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_analyze.c — text_analyze(): tokenisation, offsets,
 * stemming of inflections, stop words, flags, hyphenated words, hostile
 * input (invalid UTF-8, overlong tokens) and early stop by the callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define MAXT 64

typedef struct terms {
  char s[MAXT][64];
  int col[MAXT];
  size_t start[MAXT], end[MAXT];
  int n;
} terms_t;

static text_analyzer_t *g_an;

static int setup(void **state) {
  (void)state;
  lotse_err_t err;
  return text_analyzer_new(&g_an, &err);
}

static int teardown(void **state) {
  (void)state;
  text_analyzer_free(g_an);
  text_analyzer_free(NULL); /* no-op */
  return 0;
}

static int collect(void *ctx, const char *t, size_t n, size_t s, size_t e,
                   int col) {
  terms_t *ts = ctx;
  if (ts->n == MAXT || n >= 64) return 1;
  memcpy(ts->s[ts->n], t, n);
  ts->s[ts->n][n] = '\0';
  ts->col[ts->n] = col;
  ts->start[ts->n] = s;
  ts->end[ts->n] = e;
  ts->n++;
  return 0;
}

static void analyze_n(const char *s, size_t n, int flags, terms_t *t) {
  memset(t, 0, sizeof *t);
  assert_int_equal(text_analyze(g_an, s, n, flags, collect, t), 0);
}

static void analyze(const char *s, int flags, terms_t *t) {
  analyze_n(s, strlen(s), flags, t);
}

/* The single main term of a one-word text. */
static const char *term_of(const char *word, terms_t *t) {
  analyze(word, TEXT_NO_COMPOUNDS, t);
  assert_int_equal(t->n, 1);
  return t->s[0];
}

static void same_term(const char *a, const char *b) {
  terms_t ta, tb;
  const char *x = term_of(a, &ta), *y = term_of(b, &tb);
  if (strcmp(x, y) != 0) fail_msg("%s -> %s but %s -> %s", a, x, b, y);
}

static void test_offsets_and_stop_words(void **state) {
  (void)state;
  const char *s = "Die Anträge der Bürger";
  terms_t t;
  analyze(s, 0, &t);
  assert_int_equal(t.n, 2);
  assert_string_equal(t.s[0], "antrag");
  assert_int_equal(t.start[0], 4);
  assert_int_equal(t.end[0], 12); /* "Anträge" is 8 bytes */
  assert_memory_equal(s + t.start[1], "Bürger", t.end[1] - t.start[1]);
  assert_int_equal(t.col[0], 0);
  assert_int_equal(t.col[1], 0);

  analyze(s, TEXT_KEEP_STOPWORDS, &t);
  assert_int_equal(t.n, 4);
  assert_string_equal(t.s[0], "die");
  assert_int_equal(t.start[2], 13);
  assert_int_equal(t.end[2], 16);
}

static void test_inflections(void **state) {
  (void)state;
  same_term("Anträge", "Antrag");
  same_term("Antraege", "Antrag");
  same_term("Anträgen", "Antrag");
  same_term("Häuser", "Haus");
  same_term("Hauses", "Haus");
  same_term("Müller", "Mueller");
  same_term("Straße", "Strasse");
  same_term("STRAẞE", "strasse");
  same_term("Gebühren", "Gebühr");
  same_term("Bescheide", "Bescheid");
  same_term("Mu\xCC\x88ller", "Müller");
  same_term("\xEF\xAC\x81nanz", "Finanz");
  same_term("\xEF\xBC\xA6inanz", "Finanz"); /* fullwidth F */
}

static void test_no_stem(void **state) {
  (void)state;
  terms_t t;
  analyze("Anträge Mueller", TEXT_NO_STEM, &t);
  assert_int_equal(t.n, 2);
  assert_string_equal(t.s[0], "antrage");
  assert_string_equal(t.s[1], "muller");
}

static void test_tokens(void **state) {
  (void)state;
  terms_t t;
  analyze("§\xC2\xA0" "12a Abs. 3 (2024)", 0, &t);
  assert_int_equal(t.n, 4);
  assert_string_equal(t.s[0], "12a");
  assert_string_equal(t.s[2], "3");
  assert_string_equal(t.s[3], "2024");
  /* Letters of any script are letters; marks and soft hyphens stay
   * inside a word. */
  analyze("Ver\xC2\xADwaltung \xCE\xB1\xCE\xB2\xCE\xB3 x\xCC\x81y", 0, &t);
  assert_int_equal(t.n, 3);
  assert_int_equal(t.end[0], 12);
  assert_int_equal(t.end[2] - t.start[2], 4);
  analyze("\xEF\xB7\xBA", 0, &t); /* U+FDFA: NFKC gives a whole phrase */
  assert_int_equal(t.n, 1);
  assert_null(strchr(t.s[0], ' '));
  analyze("", 0, &t);
  assert_int_equal(t.n, 0);
  analyze(" ,.;!? ", 0, &t);
  assert_int_equal(t.n, 0);
}

static void test_hyphenated(void **state) {
  (void)state;
  terms_t t;
  analyze("E-Mail", 0, &t);
  assert_int_equal(t.n, 3);
  assert_string_equal(t.s[0], "e");
  assert_string_equal(t.s[1], "email"); /* joined, colocated */
  assert_int_equal(t.col[1], 1);
  assert_int_equal(t.start[1], 0);
  assert_int_equal(t.end[1], 6);
  assert_string_equal(t.s[2], "mail");
  assert_int_equal(t.col[2], 0);
  assert_int_equal(t.start[2], 2);

  terms_t e;
  analyze("Email", 0, &e);
  assert_string_equal(e.s[0], t.s[1]);

  analyze("Kfz-Steuer", 0, &t);
  assert_int_equal(t.n, 3);
  assert_string_equal(t.s[0], "kfz");
  assert_int_equal(t.col[1], 1);
  analyze("3-5", 0, &t); /* numbers are not joined */
  assert_int_equal(t.n, 2);
  analyze("Ist-Zustand", 0, &t); /* stop word part: joined form stays */
  assert_int_equal(t.n, 2);
  assert_int_equal(t.col[0], 0);
  assert_int_equal(t.col[1], 1);
  assert_int_equal(t.start[1], 0);
  analyze("Kfz- und Steuer", 0, &t); /* hyphen before a space */
  assert_int_equal(t.n, 2);
  assert_int_equal(t.col[1], 0);
}

static void test_invalid_utf8(void **state) {
  (void)state;
  terms_t t;
  const char s[] = "Haus\xFF\xFE" "Amt\xC3 \xE2\x82 Bau\xF0\x9F\x98";
  analyze_n(s, sizeof s - 1, 0, &t);
  assert_int_equal(t.n, 3);
  assert_string_equal(t.s[0], "haus");
  assert_string_equal(t.s[1], "amt");
  assert_string_equal(t.s[2], "bau");
  const char z[] = "Haus\0Amt"; /* NUL separates */
  analyze_n(z, sizeof z - 1, 0, &t);
  assert_int_equal(t.n, 2);
  /* Overlong encodings and surrogates are not letters either. */
  const char o[] = "\xC0\xAF\xED\xA0\x80x";
  analyze_n(o, sizeof o - 1, 0, &t);
  assert_int_equal(t.n, 1);
  assert_string_equal(t.s[0], "x");
}

static void test_long_token_skipped(void **state) {
  (void)state;
  char s[400];
  memset(s, 'a', 300);
  memcpy(s + 300, " Haus", 6);
  terms_t t;
  analyze(s, 0, &t);
  assert_int_equal(t.n, 1);
  assert_string_equal(t.s[0], "haus");
}

static int stop_after_one(void *ctx, const char *t, size_t n, size_t s,
                          size_t e, int col) {
  (void)t, (void)n, (void)s, (void)e, (void)col;
  ++*(int *)ctx;
  return 7;
}

static void test_callback_stops(void **state) {
  (void)state;
  int calls = 0;
  const char *s = "Haus Baum Amt";
  assert_int_equal(text_analyze(g_an, s, strlen(s), 0, stop_after_one, &calls),
                   7);
  assert_int_equal(calls, 1);
  assert_int_equal(text_analyze(NULL, s, 1, 0, stop_after_one, &calls),
                   LOTSE_EINVAL);
  assert_int_equal(text_analyze(g_an, NULL, 1, 0, stop_after_one, &calls),
                   LOTSE_EINVAL);
  assert_int_equal(text_analyze(g_an, NULL, 0, 0, stop_after_one, &calls), 0);
}

static int count_terms(void *ctx, const char *t, size_t n, size_t s,
                       size_t e, int col) {
  (void)t, (void)n, (void)s, (void)e, (void)col;
  ++*(size_t *)ctx;
  return 0;
}

/* The cache must not change results: the same words again after enough
 * distinct words in between to force the cache to refill. */
static void test_cache_consistency(void **state) {
  (void)state;
  terms_t first, again;
  analyze("Müller Urlaubsanträge Straße", 0, &first);
  size_t cap = 1u << 22, len = 0;
  char *big = malloc(cap);
  assert_non_null(big);
  int words = 0;
  for (; len + 32 < cap && words < 150000; words++)
    len += (size_t)snprintf(big + len, cap - len, "wort%dx ", words);
  size_t n = 0;
  assert_int_equal(text_analyze(g_an, big, len, 0, count_terms, &n), 0);
  assert_int_equal(n, (size_t)words);
  free(big);
  analyze("Müller Urlaubsanträge Straße", 0, &again);
  assert_int_equal(first.n, again.n);
  for (int i = 0; i < first.n; i++) {
    assert_string_equal(first.s[i], again.s[i]);
    assert_int_equal(first.col[i], again.col[i]);
  }
}

static void test_analyzer_new_args(void **state) {
  (void)state;
  lotse_err_t err;
  assert_int_equal(text_analyzer_new(NULL, &err), LOTSE_EINVAL);
  assert_true(strlen(err.msg) > 0);
  assert_string_not_equal(text_lexicon_path(), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offsets_and_stop_words),
      cmocka_unit_test(test_inflections),
      cmocka_unit_test(test_no_stem),
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_hyphenated),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_long_token_skipped),
      cmocka_unit_test(test_callback_stops),
      cmocka_unit_test(test_cache_consistency),
      cmocka_unit_test(test_analyzer_new_args),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
