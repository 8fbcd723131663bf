/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_lexicon.c — the lexicon loader with a small
 * Hunspell pair written by the test (LOTSE_LEXICON): suffix expansion
 * (J, p), compound roles (COMPOUNDBEGIN/END via flags and identity rules),
 * NEEDAFFIX and FORBIDDENWORD entries. Independent of the installed
 * dictionary, so the splitting rules are checked deterministically.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/text.h"
#include "text/text_internal.h"

static const char k_aff[] =
    "SET UTF-8\n"
    "NEEDAFFIX h\n"
    "ONLYINCOMPOUND o\n"
    "FORBIDDENWORD d\n"
    "COMPOUNDBEGIN x\n"
    "COMPOUNDMIDDLE y\n"
    "COMPOUNDEND z\n"
    "SFX j Y 1\n"
    "SFX j 0 0/xoc .\n"
    "SFX J Y 2\n"
    "SFX J en ung en\n"
    "SFX J en ungen en\n"
    "SFX p Y 2\n"
    "SFX p ag äge ag\n"
    "SFX p ag ägen ag\n";

static const char k_dic[] =
    "13\n"
    "\tcomment lines start with a tab\n"
    "Urlaubs/hj\n"
    "urlaub/z\n"
    "Antrag/pj\n"
    "antrag/pz\n"
    "abrechnen/Jz\n"
    "Reise/j\n"
    "kosten/jz\n"
    "Verwaltung\n"
    "Tran/S\n"
    "Bogus/dj\n"
    "x-ray/jz\n"
    "Amt/z\n"
    "Bau/jz\n";

static char g_dic_path[512];
static text_analyzer_t *g_an;

static int write_file(const char *path, const char *s) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(s, f);
  return fclose(f);
}

static int setup(void **state) {
  (void)state;
  const char *tmp = getenv("LOTSE_TEST_TMP");
  if (!tmp) tmp = "/tmp";
  if (lotse_mkdir_p(tmp, NULL) != 0) return -1;
  char aff[512];
  snprintf(g_dic_path, sizeof g_dic_path, "%s/text-lexicon-%d.dic", tmp,
           (int)getpid());
  snprintf(aff, sizeof aff, "%s/text-lexicon-%d.aff", tmp, (int)getpid());
  if (write_file(g_dic_path, k_dic) || write_file(aff, k_aff)) return -1;
  setenv("LOTSE_LEXICON", g_dic_path, 1);
  lotse_err_t err;
  int rc = text_analyzer_new(&g_an, &err); /* loads the lexicon */
  remove(g_dic_path);
  remove(aff);
  return rc;
}

static int teardown(void **state) {
  (void)state;
  text_analyzer_free(g_an);
  return 0;
}

static void check_split(const char *w, const char *want) {
  char buf[256], got[256] = "";
  const char *parts[8];
  int k = text_compound_split(g_an, w, strlen(w), buf, sizeof buf, parts, 8);
  assert_true(k >= 1);
  for (int i = 0; i < k; i++) {
    if (i) strcat(got, " ");
    strcat(got, parts[i]);
  }
  if (strcmp(got, want) != 0) fail_msg("%s: got '%s', want '%s'", w, got, want);
}

static void test_path_from_env(void **state) {
  (void)state;
  assert_string_equal(text_lexicon_path(), g_dic_path);
  const text_lexicon_t *lx = text_lexicon_get();
  assert_non_null(lx);
  int f = text_lexicon_lookup(lx, "abrechnung", strlen("abrechnung"));
  assert_true(f & TEXT_LEX_HEAD); /* J form inherits the direct z */
  f = text_lexicon_lookup(lx, "urlaubs", strlen("urlaubs"));
  assert_true(f & TEXT_LEX_INCOMPOUND);
  assert_true(f & TEXT_LEX_MODIFIER); /* via identity rule j */
  assert_false(f & TEXT_LEX_HEAD);
  assert_int_equal(text_lexicon_lookup(lx, "bogus", 5), 0); /* forbidden */
  assert_int_equal(text_lexicon_lookup(lx, "x-ray", 5), 0); /* not letters */
  assert_true(text_lexicon_lookup(lx, "anträgen", strlen("anträgen")) &
              TEXT_LEX_HEAD);
}

static void test_roles_drive_splitting(void **state) {
  (void)state;
  check_split("urlaubsantrag", "urlaub antrag");
  check_split("urlaubsanträge", "urlaub anträge");
  check_split("reisekostenabrechnung", "reise kosten abrechnung");
  check_split("antragsamt", "antrag amt");
  /* "Tran" may not begin a compound, "Verwaltung" takes no part. */
  check_split("tranantrag", "tranantrag");
  check_split("verwaltungsamt", "verwaltungsamt");
  check_split("bogusantrag", "bogusantrag");
  /* Eight code points are enough, six are not. */
  check_split("reiseamt", "reise amt");
  check_split("bauantrag", "bau antrag");
  check_split("bauamt", "bauamt");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_path_from_env),
      cmocka_unit_test(test_roles_drive_splitting),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
