/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_compound.c — compound splitting with the default
 * lexicon (hunspell-de-de): real compounds split into the right parts,
 * common non-compounds stay whole, and the parts reach the analysis as
 * colocated terms. Skipped when the dictionary is not installed.
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

static text_analyzer_t *g_an;

static int setup(void **state) {
  (void)state;
  lotse_err_t err;
  return text_analyzer_new(&g_an, &err);
}

static int teardown(void **state) {
  (void)state;
  text_analyzer_free(g_an);
  return 0;
}

static void need_lexicon(void) {
  if (access(text_lexicon_path(), R_OK) != 0) skip();
}

/* Split folded word w and compare with the space-separated parts want. */
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

static void test_two_parts(void **state) {
  (void)state;
  need_lexicon();
  check_split("urlaubsantrag", "urlaub antrag");
  check_split("urlaubsanträge", "urlaub anträge"); /* inflected head */
  check_split("steuererklärung", "steuer erklärung");
  check_split("ordnungsamt", "ordnung amt"); /* Fugen-s after -ung */
  check_split("umsatzsteuer", "umsatz steuer");
  check_split("bürgermeisterin", "bürger meisterin");
  check_split("antragsunterlagen", "antrag unterlagen");
  check_split("wochenende", "woche ende");
  check_split("kindergarten", "kind garten");
  check_split("landkreis", "land kreis");
  check_split("verwaltungsgericht", "verwaltung gericht");
  check_split("finanzministerium", "finanz ministerium");
  check_split("bauantrag", "bau antrag");
}

static void test_three_parts(void **state) {
  (void)state;
  need_lexicon();
  check_split("reisekostenabrechnung", "reise kosten abrechnung");
  check_split("naturschutzgebiet", "natur schutz gebiet");
  check_split("gewerbeaufsichtsamt", "gewerbe aufsicht amt");
}

static void test_not_compounds(void **state) {
  (void)state;
  need_lexicon();
  const char *whole[] = {
      "verwaltung", "bearbeitung", "abteilung",  "beamter",
      "beamten",    "gebühren",    "bescheid",   "bericht",
      "erklärung",  "ordnung",     "wohnung",    "behörde",
      "behörden",   "maßnahmen",   "richtlinie", "laufenden",
      "weiteren",   "mitarbeiterinnen", "nutzerinnen", "körperschaft",
      "transformation", "software", "infektionen", "punktülle",
      "niedersachsen", "handlungen", "gutachten", "urlaub", "antrag"};
  for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
    check_split(whole[i], whole[i]);
}

static void test_split_buffer_limits(void **state) {
  (void)state;
  need_lexicon();
  char buf[8];
  const char *parts[4];
  const char *w = "urlaubsantrag";
  assert_int_equal(
      text_compound_split(g_an, w, strlen(w), buf, sizeof buf, parts, 4),
      LOTSE_ETOOBIG);
  char big[64];
  assert_int_equal(
      text_compound_split(g_an, w, strlen(w), big, sizeof big, parts, 1), 1);
  assert_string_equal(parts[0], w);
  assert_int_equal(text_compound_split(g_an, w, 0, big, sizeof big, parts, 4),
                   0);
  assert_true(text_compound_split(g_an, NULL, 3, big, sizeof big, parts, 4) <
              0);
}

/* ---------------------------------------------- through text_analyze() */

typedef struct terms {
  char s[32][64];
  int col[32];
  size_t start[32], end[32];
  int n;
} terms_t;

static int collect(void *ctx, const char *t, size_t n, size_t s, size_t e,
                   int col) {
  terms_t *ts = ctx;
  if (ts->n == 32 || n >= 64) return 1;
  memcpy(ts->s[ts->n], t, n);
  ts->s[ts->n][n] = '\0';
  ts->col[ts->n] = col;
  ts->start[ts->n] = s;
  ts->end[ts->n] = e;
  ts->n++;
  return 0;
}

static int has(const terms_t *t, const char *s) {
  for (int i = 0; i < t->n; i++)
    if (strcmp(t->s[i], s) == 0) return 1;
  return 0;
}

static void analyze(const char *s, int flags, terms_t *t) {
  memset(t, 0, sizeof *t);
  assert_int_equal(text_analyze(g_an, s, strlen(s), flags, collect, t), 0);
}

/* "Urlaubsantrag" finds "Antrag auf Urlaub" and the other way round: the
 * compound's terms include every content term of the phrase. */
static void test_compound_meets_phrase(void **state) {
  (void)state;
  need_lexicon();
  terms_t c, p;
  analyze("Urlaubsantrag", 0, &c);
  analyze("Antrag auf Urlaub", 0, &p);
  assert_int_equal(p.n, 2);
  for (int i = 0; i < p.n; i++) assert_true(has(&c, p.s[i]));
  assert_int_equal(c.n, 3);
  assert_string_equal(c.s[0], "urlaubsantrag");
  assert_int_equal(c.col[0], 0);
  for (int i = 1; i < c.n; i++) {
    assert_int_equal(c.col[i], 1);
    assert_int_equal(c.start[i], 0);
    assert_int_equal(c.end[i], 13);
  }
  /* Inflected forms meet too. */
  analyze("Urlaubsanträgen", 0, &c);
  assert_true(has(&c, "urlaub") && has(&c, "antrag"));
  analyze("Reisekostenabrechnung", 0, &c);
  analyze("Abrechnung der Kosten einer Reise", 0, &p);
  assert_int_equal(p.n, 3);
  for (int i = 0; i < p.n; i++) assert_true(has(&c, p.s[i]));
}

static void test_no_compounds_flag(void **state) {
  (void)state;
  need_lexicon();
  terms_t t;
  analyze("Urlaubsantrag", TEXT_NO_COMPOUNDS, &t);
  assert_int_equal(t.n, 1);
  assert_string_equal(t.s[0], "urlaubsantrag");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_parts),
      cmocka_unit_test(test_three_parts),
      cmocka_unit_test(test_not_compounds),
      cmocka_unit_test(test_split_buffer_limits),
      cmocka_unit_test(test_compound_meets_phrase),
      cmocka_unit_test(test_no_compounds_flag),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
