/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_easy.c — every Leichte-Sprache rule of text/easy.h
 * with German sentences that must trigger it (and the exact span) and
 * sentences that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text/easy.h"

static const text_hyphen_t *dict(void) {
  lotse_err_t err = {0};
  const text_hyphen_t *h = text_hyphen_get(&err);
  if (!h) {
    fprintf(stderr, "skip: %s\n", err.msg);
    skip();
  }
  return h;
}

/* Number of findings of rule in text; *span gets the first one's text. */
static size_t count(const char *text, text_easy_rule_t rule, char *span,
                    char *hint) {
  text_easy_result_t r;
  lotse_err_t err = {0};
  text_easy_opts_t o = {0, 0};
  assert_int_equal(text_easy_check(text, strlen(text), dict(), &o, &r, &err),
                   0);
  size_t n = 0;
  for (size_t k = 0; k < r.n; k++) {
    if (r.f[k].rule != rule) continue;
    if (!n++ && span) {
      snprintf(span, 128, "%.*s", (int)(r.f[k].end - r.f[k].start),
               text + r.f[k].start);
      if (hint) snprintf(hint, 96, "%s", r.f[k].hint);
    }
    if (k) assert_true(r.f[k - 1].start <= r.f[k].start);
  }
  text_easy_result_release(&r);
  return n;
}

static void hit(const char *text, text_easy_rule_t rule, const char *want) {
  char span[128] = "", hint[96] = "";
  size_t n = count(text, rule, span, hint);
  if (n == 0) fail_msg("%s: no %s", text, text_easy_rule_id(rule));
  assert_string_equal(span, want);
}

static void hit_hint(const char *text, text_easy_rule_t rule,
                     const char *want, const char *want_hint) {
  char span[128] = "", hint[96] = "";
  assert_true(count(text, rule, span, hint) > 0);
  assert_string_equal(span, want);
  assert_string_equal(hint, want_hint);
}

static void miss(const char *text, text_easy_rule_t rule) {
  char span[128] = "";
  if (count(text, rule, span, NULL))
    fail_msg("%s: unexpected %s on '%s'", text, text_easy_rule_id(rule),
             span);
}

static void test_sentence_length(void **state) {
  (void)state;
  const char *lng = "Wir schicken Ihnen den Brief mit allen Unterlagen für "
                    "den Antrag morgen früh nach Hause.";
  hit(lng, TEXT_EASY_SENTENCE_LENGTH, lng);
  miss("Wir schicken Ihnen den Brief morgen.", TEXT_EASY_SENTENCE_LENGTH);
  /* --max-words */
  text_easy_result_t r;
  lotse_err_t err = {0};
  text_easy_opts_t o = {5, 0};
  const char *t = "Wir schicken Ihnen den Brief morgen.";
  assert_int_equal(text_easy_check(t, strlen(t), dict(), &o, &r, &err), 0);
  assert_int_equal(r.sentences_short, 0);
  assert_int_equal(r.f[0].rule, TEXT_EASY_SENTENCE_LENGTH);
  text_easy_result_release(&r);
}

static void test_statements(void **state) {
  (void)state;
  hit("Sie bekommen Geld, weil Sie wenig verdienen.", TEXT_EASY_STATEMENTS,
      ", weil");
  hit("Der Bus kommt spät; wir warten.", TEXT_EASY_STATEMENTS, "; wir");
  hit("Das Amt hilft gern, aber es braucht Zeit.", TEXT_EASY_STATEMENTS,
      "aber");
  miss("Kinder und Eltern kommen zum Fest.", TEXT_EASY_STATEMENTS);
  miss("Bitte bringen Sie Ausweis, Brief und Foto mit.",
       TEXT_EASY_STATEMENTS);
}

static void test_passive(void **state) {
  (void)state;
  hit("Der Antrag wird vom Amt geprüft.", TEXT_EASY_PASSIVE,
      "wird vom Amt geprüft");
  hit("Das Geld wurde gestern verbucht.", TEXT_EASY_PASSIVE,
      "wurde gestern verbucht");
  hit("Die Daten werden kontrolliert.", TEXT_EASY_PASSIVE,
      "werden kontrolliert");
  hit("Das Geld wird im Mai ausgezahlt.", TEXT_EASY_PASSIVE,
      "wird im Mai ausgezahlt");
  hit("Darüber wurde noch nicht entschieden.", TEXT_EASY_PASSIVE,
      "wurde noch nicht entschieden");
  miss("Das Amt prüft den Antrag.", TEXT_EASY_PASSIVE);
  miss("Wir werden morgen anrufen.", TEXT_EASY_PASSIVE);
  miss("Er wurde wütend, weil er nicht gefragt hat.", TEXT_EASY_PASSIVE);
  miss("Sie wird Ärztin.", TEXT_EASY_PASSIVE);
}

static void test_genitive(void **state) {
  (void)state;
  hit("Das Dach des Hauses ist neu.", TEXT_EASY_GENITIVE, "des Hauses");
  hit("Wir lesen den Brief der neuen Mieterin.", TEXT_EASY_GENITIVE,
      "der neuen Mieterin");
  miss("Das Dach vom Haus ist neu.", TEXT_EASY_GENITIVE);
  miss("Der Brief kommt morgen.", TEXT_EASY_GENITIVE);
  miss("Morgen kommt der Brief.", TEXT_EASY_GENITIVE);
}

static void test_subjunctive(void **state) {
  (void)state;
  hit("Sie könnten einen Antrag stellen.", TEXT_EASY_SUBJUNCTIVE, "könnten");
  hit("Würden Sie bitte kommen?", TEXT_EASY_SUBJUNCTIVE, "Würden");
  hit("Das wäre gut.", TEXT_EASY_SUBJUNCTIVE, "wäre");
  miss("Sie können einen Antrag stellen.", TEXT_EASY_SUBJUNCTIVE);
  miss("Das ist gut.", TEXT_EASY_SUBJUNCTIVE);
}

static void test_negation(void **state) {
  (void)state;
  hit("Sie bekommen das Geld nicht.", TEXT_EASY_NEGATION, "nicht");
  hit("Sie haben keinen Anspruch.", TEXT_EASY_NEGATION, "keinen");
  hit("Niemand muss warten.", TEXT_EASY_NEGATION, "Niemand");
  miss("Sie bekommen das Geld.", TEXT_EASY_NEGATION);
  miss("Die Nichte kommt mit.", TEXT_EASY_NEGATION);
}

static void test_abbreviation(void **state) {
  (void)state;
  hit("Bringen Sie z. B. den Ausweis mit.", TEXT_EASY_ABBREVIATION, "z. B.");
  hit("Lesen Sie Abs. 2 im Brief.", TEXT_EASY_ABBREVIATION, "Abs.");
  hit("Das steht in § 7.", TEXT_EASY_ABBREVIATION, "§");
  hit("Das steht im SGB.", TEXT_EASY_ABBREVIATION, "SGB");
  miss("Bringen Sie zum Beispiel den Ausweis mit.", TEXT_EASY_ABBREVIATION);
  miss("Das Amt ist offen.", TEXT_EASY_ABBREVIATION);
}

static void test_roman(void **state) {
  (void)state;
  hit_hint("Das steht in Teil IV.", TEXT_EASY_ROMAN, "IV", "4");
  hit_hint("Sie bekommen Geld nach Buch XII.", TEXT_EASY_ROMAN, "XII",
           "12");
  miss("Das steht in Teil 4.", TEXT_EASY_ROMAN);
  miss("Ich kaufe eine CD.", TEXT_EASY_ROMAN);
  miss("Das ist ein IIX.", TEXT_EASY_ROMAN); /* not canonical */
}

static void test_large_number(void **state) {
  (void)state;
  hit_hint("Sie bekommen 12000 Euro.", TEXT_EASY_LARGE_NUMBER, "12000",
           "Ziffern gliedern: 12 000");
  hit("Im Kreis leben 1.500 Kinder.", TEXT_EASY_LARGE_NUMBER, "1.500");
  hit_hint("Es sind 123456789012345678901234 Sandkörner.",
           TEXT_EASY_LARGE_NUMBER, "123456789012345678901234",
           "Ziffern gliedern: 123 456 789 012 345 678 901 234");
  miss("Sie bekommen 300 Euro.", TEXT_EASY_LARGE_NUMBER);
  miss("Das Gesetz gilt seit 2024.", TEXT_EASY_LARGE_NUMBER);
}

static void test_percentage(void **state) {
  (void)state;
  hit("Die Miete steigt um 5 %.", TEXT_EASY_PERCENTAGE, "5 %");
  hit("Die Miete steigt um 5%.", TEXT_EASY_PERCENTAGE, "5%");
  hit("Die Miete steigt um 5 Prozent.", TEXT_EASY_PERCENTAGE, "5 Prozent");
  miss("Die Miete steigt ein wenig.", TEXT_EASY_PERCENTAGE);
  miss("Die Miete steigt um 5 Euro.", TEXT_EASY_PERCENTAGE);
}

static void test_date(void **state) {
  (void)state;
  hit_hint("Kommen Sie am 01.02.2026 zu uns.", TEXT_EASY_DATE, "01.02.2026",
           "1. Februar 2026");
  hit_hint("Kommen Sie am 3.4.26 zu uns.", TEXT_EASY_DATE, "3.4.26",
           "3. April 2026");
  hit_hint("Kommen Sie am 3.4. zu uns.", TEXT_EASY_DATE, "3.4.", "3. April");
  miss("Kommen Sie am 1. Februar 2026 zu uns.", TEXT_EASY_DATE);
  miss("Das kostet 1.500 Euro.", TEXT_EASY_DATE);
  miss("Kommen Sie am 32.13.2026 zu uns.", TEXT_EASY_DATE);
}

static void test_long_word(void **state) {
  (void)state;
  hit_hint("Die Krankenversicherung zahlt.", TEXT_EASY_LONG_WORD,
           "Krankenversicherung", "Kranken·versicherung");
  hit_hint("Sie bekommen Übergangsgeld.", TEXT_EASY_LONG_WORD,
           "Übergangsgeld", "Übergangs·geld");
  miss("Die Kranken·versicherung zahlt.", TEXT_EASY_LONG_WORD);
  miss("Die Kranken-Versicherung zahlt.", TEXT_EASY_LONG_WORD);
  miss("Die Kasse zahlt.", TEXT_EASY_LONG_WORD);
}

static void test_foreign(void **state) {
  (void)state;
  hit("Besuchen Sie unsere Homepage.", TEXT_EASY_FOREIGN, "Homepage");
  hit("Wir haben ein Meeting.", TEXT_EASY_FOREIGN, "Meeting");
  hit("Das steht auf dem Computer.", TEXT_EASY_FOREIGN, "Computer");
  miss("Wir haben ein Meeting (ein Treffen).", TEXT_EASY_FOREIGN);
  miss("Das steht im Computer. Computer bedeutet Rechner.",
       TEXT_EASY_FOREIGN);
  miss("Wir haben ein Treffen.", TEXT_EASY_FOREIGN);
  miss("Der Flüchtling wohnt im Frühling hier.", TEXT_EASY_FOREIGN);
}

static void test_clean_and_ids(void **state) {
  (void)state;
  const char *t = "Wir helfen Ihnen gern. Rufen Sie uns an.";
  text_easy_result_t r;
  lotse_err_t err = {0};
  assert_int_equal(text_easy_check(t, strlen(t), dict(), NULL, &r, &err), 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.sentences, 2);
  assert_int_equal(r.sentences_clean, 2);
  assert_true(r.scores.fre > 60);
  text_easy_result_release(&r);
  for (int i = 0; i < TEXT_EASY_RULE_COUNT; i++) {
    assert_true(strlen(text_easy_rule_id((text_easy_rule_t)i)) > 2);
    assert_true(strlen(text_easy_rule_message((text_easy_rule_t)i)) > 10);
  }
  assert_string_equal(text_easy_rule_id(TEXT_EASY_RULE_COUNT), "?");
}

/* Every prefix of a text with umlauts, dates and abbreviations: findings
 * stay inside the input, on UTF-8 boundaries, in order. */
static void test_prefixes(void **state) {
  (void)state;
  const char *t = "Über die Förderung (z. B. 1.500 € bzw. 5 %) wird am "
                  "3.4.26 entschieden; Teil IV gilt nicht. Würden Sie "
                  "unsere Homepage besuchen?";
  size_t n = strlen(t);
  for (size_t len = 0; len <= n; len++) {
    text_easy_result_t r;
    lotse_err_t err = {0};
    assert_int_equal(text_easy_check(t, len, dict(), NULL, &r, &err), 0);
    for (size_t k = 0; k < r.n; k++) {
      assert_true(r.f[k].start < r.f[k].end);
      assert_true(r.f[k].end <= len);
      assert_true(((unsigned char)t[r.f[k].start] & 0xC0) != 0x80);
      if (r.f[k].end < len)
        assert_true(((unsigned char)t[r.f[k].end] & 0xC0) != 0x80);
      if (k) assert_true(r.f[k - 1].start <= r.f[k].start);
    }
    text_easy_result_release(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sentence_length), cmocka_unit_test(test_statements),
      cmocka_unit_test(test_passive),         cmocka_unit_test(test_genitive),
      cmocka_unit_test(test_subjunctive),     cmocka_unit_test(test_negation),
      cmocka_unit_test(test_abbreviation),    cmocka_unit_test(test_roman),
      cmocka_unit_test(test_large_number),    cmocka_unit_test(test_percentage),
      cmocka_unit_test(test_date),            cmocka_unit_test(test_long_word),
      cmocka_unit_test(test_foreign),         cmocka_unit_test(test_clean_and_ids),
      cmocka_unit_test(test_prefixes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
