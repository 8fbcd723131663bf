/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_nolexicon.c — without a readable lexicon the
 * analysis still works and compound splitting is silently off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static int collect(void *ctx, const char *t, size_t n, size_t s, size_t e,
                   int col) {
  (void)s, (void)e;
  char *out = ctx;
  size_t len = strlen(out);
  if (len + n + 4 >= 256) return 1;
  if (len) out[len++] = ' ';
  if (col) out[len++] = '+';
  memcpy(out + len, t, n);
  out[len + n] = '\0';
  return 0;
}

static void test_analysis_without_lexicon(void **state) {
  (void)state;
  text_analyzer_t *a;
  lotse_err_t err;
  assert_int_equal(text_analyzer_new(&a, &err), 0);
  char out[256] = "";
  const char *s = "Der Urlaubsantrag von Herrn Mueller";
  assert_int_equal(text_analyze(a, s, strlen(s), 0, collect, out), 0);
  assert_string_equal(out, "urlaubsantrag herrn mull");
  char buf[64];
  const char *parts[4];
  assert_int_equal(text_compound_split(a, "urlaubsantrag", 13, buf,
                                       sizeof buf, parts, 4),
                   1);
  assert_string_equal(parts[0], "urlaubsantrag");
  text_analyzer_free(a);
}

int main(void) {
  setenv("LOTSE_LEXICON", "/nonexistent/lotse-test/de_DE.dic", 1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_analysis_without_lexicon),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
