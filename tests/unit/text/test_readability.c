/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_readability.c — sentence and word splitting (dates,
 * abbreviations, grouped numbers, hyphenated compounds) and the formulas
 * of FRE (Amstad), WSTF 1–4 and LIX recomputed from the counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "text/readability.h"

static void split(const char *t, text_rd_doc_t *d) {
  lotse_err_t err = {0};
  assert_int_equal(text_rd_split(t, strlen(t), NULL, d, &err), 0);
}

static void test_sentences(void **state) {
  (void)state;
  text_rd_doc_t d;
  split("Der Termin ist am 01.02.2026 um 9 Uhr. Bringen Sie z. B. den "
        "Ausweis mit! Kommen Sie bzw. Ihr Sohn? Ja.", &d);
  assert_int_equal(d.ns, 4);
  assert_int_equal(d.s[0].nwords, 8); /* 01.02.2026 is one word */
  assert_int_equal(d.s[3].nwords, 1);
  text_rd_doc_release(&d);
  split("Überschrift ohne Punkt\n\nZweiter Absatz", &d);
  assert_int_equal(d.ns, 2);
  text_rd_doc_release(&d);
  split("   ", &d);
  assert_int_equal(d.ns, 0);
  assert_int_equal(d.nw, 0);
  text_rd_doc_release(&d);
}

static void test_words(void **state) {
  (void)state;
  text_rd_doc_t d;
  const char *t = "Die GPS-Geräte kosten 1.000 Euro, die Kranken·kasse "
                  "zahlt 3,5 Prozent.";
  split(t, &d);
  assert_int_equal(d.nw, 10);
  assert_int_equal(d.w[1].end - d.w[1].start, strlen("GPS-Geräte"));
  assert_int_equal(d.w[1].letters, 9);
  assert_false(d.w[3].alpha); /* 1.000 */
  assert_int_equal(d.w[3].end - d.w[3].start, 5);
  assert_int_equal(d.w[6].end - d.w[6].start, strlen("Kranken·kasse"));
  assert_int_equal(d.w[8].end - d.w[8].start, 3); /* 3,5 */
  text_rd_doc_release(&d);
}

static void test_scores(void **state) {
  (void)state;
  lotse_err_t err = {0};
  const text_hyphen_t *h = text_hyphen_get(&err); /* NULL: fallback */
  const char *t = "Wir helfen Ihnen gern. Die Verwaltung bearbeitet Ihren "
                  "Antrag sehr schnell. Rufen Sie uns an.";
  text_readability_t r;
  assert_int_equal(text_readability(t, strlen(t), h, &r, &err), 0);
  assert_int_equal(r.sentences, 3);
  assert_int_equal(r.words, 15);
  double asl = 15.0 / 3, asw = (double)r.syllables / 15;
  assert_true(fabs(r.fre - (180 - asl - 58.5 * asw)) < 1e-9);
  double ms = 100.0 * (double)r.poly / 15, iw = 100.0 * (double)r.longw / 15;
  double es = 100.0 * (double)r.mono / 15;
  assert_true(fabs(r.wstf[0] - (0.1935 * ms + 0.1672 * asl + 0.1297 * iw -
                                0.0327 * es - 0.875)) < 1e-9);
  assert_true(fabs(r.wstf[3] - (0.2744 * ms + 0.2656 * asl - 1.693)) < 1e-9);
  assert_true(fabs(r.lix - (asl + iw)) < 1e-9);
  /* Verwaltung, bearbeitet, schnell: more than six letters */
  assert_int_equal(r.longw, 3);
  /* a harder text scores lower */
  const char *hard = "Die Inanspruchnahme der Leistungsgewährung setzt die "
                     "fristgerechte Antragstellung voraus.";
  text_readability_t r2;
  assert_int_equal(text_readability(hard, strlen(hard), h, &r2, &err), 0);
  assert_true(r2.fre < r.fre);
  assert_true(r2.lix > r.lix);
  assert_true(r2.wstf[0] > r.wstf[0]);
  text_readability_t r3;
  assert_int_equal(text_readability("", 0, h, &r3, &err), 0);
  assert_int_equal(r3.words, 0);
  assert_true(r3.fre == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sentences),
      cmocka_unit_test(test_words),
      cmocka_unit_test(test_scores),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
