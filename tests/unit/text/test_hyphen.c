/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_hyphen.c — split points and syllable counts from
 * Debian's German hyphenation patterns, umlauts and capitals, the
 * vowel-group fallback, and the error for a missing pattern file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text/hyphen.h"

static const text_hyphen_t *dict(void) {
  lotse_err_t err = {0};
  const text_hyphen_t *h = text_hyphen_get(&err);
  if (!h) {
    fprintf(stderr, "skip: %s\n", err.msg);
    skip();
  }
  return h;
}

static int syl(const char *w) {
  return text_hyphen_syllables(dict(), w, strlen(w));
}

static void test_syllables(void **state) {
  (void)state;
  assert_int_equal(syl("Haus"), 1);
  assert_int_equal(syl("Abend"), 2);
  assert_int_equal(syl("über"), 2);
  assert_int_equal(syl("Bescheid"), 2);
  assert_int_equal(syl("Theater"), 3);
  assert_int_equal(syl("Krankenversicherung"), 6);
  assert_int_equal(syl("ÜBERGANGSGELD"), 4);
  assert_int_equal(syl("2026"), 0);
  /* fallback without patterns: vowel groups */
  assert_int_equal(text_hyphen_syllables(NULL, "Bescheid", 8), 2);
  assert_int_equal(text_hyphen_syllables(NULL, "Straße", 7), 2);
  /* outside Latin-1: fallback on the raw bytes */
  assert_int_equal(syl("Łoda"), 2);
}

static void test_points(void **state) {
  (void)state;
  const char *w = "Bürgergeld";
  size_t p[16];
  int n = text_hyphen_points(dict(), w, strlen(w), p, 16);
  assert_int_equal(n, 2);
  assert_int_equal(p[0], strlen("Bür")); /* Bür-ger-geld */
  assert_int_equal(p[1], strlen("Bürger"));
  /* at most max points written */
  const char *k = "Krankenversicherung";
  assert_int_equal(text_hyphen_points(dict(), k, strlen(k), p, 2), 2);
  assert_int_equal(text_hyphen_points(dict(), "Ei", 2, p, 16), 0);
  assert_int_equal(text_hyphen_points(NULL, k, strlen(k), p, 16), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_syllables),
      cmocka_unit_test(test_points),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
