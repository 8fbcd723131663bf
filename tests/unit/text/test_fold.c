/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_fold.c — steps 1 and 2 of the analysis: NFKC, case
 * folding, "ß", the german2 umlaut equivalence, and the stop word list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "text/text_internal.h"

/* text_fold_prefix() of s, compared with want. */
static void check_prefix(const char *s, const char *want) {
  char *got = text_fold_prefix(NULL, s, strlen(s));
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

/* text_fold_word() (umlauts kept), compared with want. */
static void check_word(const char *s, const char *want) {
  char out[TEXT_WORD_MAX];
  int n = text_fold_word(s, strlen(s), out, sizeof out);
  assert_true(n >= 0);
  assert_int_equal((size_t)n, strlen(want));
  assert_memory_equal(out, want, (size_t)n);
}

static void test_case_and_ascii(void **state) {
  (void)state;
  check_word("Haus", "haus");
  check_word("VERWALTUNG", "verwaltung");
  check_word("2024", "2024");
  check_prefix("Anträ", "antra"); /* the header's example */
}

static void test_sharp_s(void **state) {
  (void)state;
  check_word("Straße", "strasse");
  check_word("STRAẞE", "strasse"); /* capital sharp s U+1E9E */
  check_word("daß", "dass");
  check_prefix("Straße", "strasse");
  check_prefix("Strasse", "strasse");
}

static void test_umlaut_equivalence(void **state) {
  (void)state;
  check_word("Mueller", "müller");
  check_word("Müller", "müller");
  check_word("Antraege", "anträge");
  check_word("Oel", "öl");
  check_prefix("Mueller", "muller");
  check_prefix("Müller", "muller");
  check_prefix("Anträge", "antrage");
  check_prefix("Antraege", "antrage");
}

static void test_german2_exceptions(void **state) {
  (void)state;
  check_word("Steuer", "steuer"); /* "u" between vowels */
  check_word("Bauer", "bauer");
  check_word("neue", "neue");
  check_word("Frauen", "frauen");
  check_word("Quelle", "quelle"); /* "ue" after "q" */
  check_word("quer", "quer");
  check_word("aktuell", "aktüll"); /* consistent, if unusual */
}

static void test_nfkc(void **state) {
  (void)state;
  check_word("\xEF\xAC\x81nanz", "finanz");              /* U+FB01 ligature */
  check_word("\xEF\xBC\xADüller", "müller");             /* fullwidth M */
  check_word("Mu\xCC\x88ller", "müller");                /* u + U+0308 */
  check_word("Ver\xC2\xADwaltung", "verwaltung");        /* soft hyphen */
  check_word("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc"); /* fullwidth */
  check_prefix("Mu\xCC\x88ller", "muller");
}

static void test_fold_limits(void **state) {
  (void)state;
  char out[4];
  assert_int_equal(text_fold_word("abcdef", 6, out, sizeof out),
                   LOTSE_ETOOBIG);
  assert_int_equal(text_fold_word("", 0, out, sizeof out), 0);
  /* Invalid UTF-8 is an error for the word folder ... */
  assert_true(text_fold_word("M\xFFller", 7, out, sizeof out) < 0);
  /* ... and replaced, not fatal, in the public prefix folder. */
  char *p = text_fold_prefix(NULL, "M\xFFller", 7);
  assert_non_null(p);
  assert_true(strncmp(p, "m", 1) == 0);
  free(p);
  assert_null(text_fold_prefix(NULL, NULL, 0));
}

static void test_umlaut_base(void **state) {
  (void)state;
  char s[] = "äöüaou";
  size_t n = text_fold_umlaut_base(s, strlen(s));
  assert_int_equal(n, 6);
  assert_memory_equal(s, "aouaou", 6);
}

static int is_stop(const char *w) {
  char out[64];
  int n = text_fold_word(w, strlen(w), out, sizeof out);
  return n > 0 && text_is_stopword(out, (size_t)n);
}

static void test_stopwords(void **state) {
  (void)state;
  const char *stop[] = {"der", "die", "das", "und", "oder", "auf", "für",
                        "Fuer", "mit", "von", "zu", "im", "in", "ist",
                        "ein", "eine", "über", "ueber", "dass", "daß",
                        "nicht", "wurde", "werden", "können", "gemäß"};
  for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
    assert_true(is_stop(stop[i]));
  const char *content[] = {"antrag", "urlaub", "haus", "steuer", "behörde",
                           "landkreis", "bescheid", "frist"};
  for (size_t i = 0; i < sizeof content / sizeof *content; i++)
    assert_false(is_stop(content[i]));
  assert_false(text_is_stopword(NULL, 0));
  assert_false(text_is_stopword("", 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_case_and_ascii),
      cmocka_unit_test(test_sharp_s),
      cmocka_unit_test(test_umlaut_equivalence),
      cmocka_unit_test(test_german2_exceptions),
      cmocka_unit_test(test_nfkc),
      cmocka_unit_test(test_fold_limits),
      cmocka_unit_test(test_umlaut_base),
      cmocka_unit_test(test_stopwords),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
