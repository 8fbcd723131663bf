/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_style.c — the style check for administrative
 * German: for every rule German sentences that must be reported (with the
 * exact byte span) and sentences that must not, plus the sentence
 * splitter, the JSON form and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/style.h"
#include "text/style_internal.h"

#define LONG TEXT_STYLE_LONG_SENTENCE
#define NOMINAL TEXT_STYLE_NOMINAL_CHAIN
#define FVG TEXT_STYLE_FUNCTION_VERB
#define PASSIVE TEXT_STYLE_PASSIVE
#define GENITIVE TEXT_STYLE_GENITIVE_CHAIN
#define PHRASE TEXT_STYLE_PHRASE
#define ABBREV TEXT_STYLE_ABBREVIATION

static text_style_list_t check_max(const char *text, unsigned max) {
  text_style_list_t l = {0};
  lotse_err_t err = {0};
  text_style_opts_t o = {max};
  assert_int_equal(text_style_check(text, strlen(text), &o, &l, &err), 0);
  for (size_t k = 1; k < l.n; k++) assert_true(l.v[k - 1].start <= l.v[k].start);
  for (size_t k = 0; k < l.n; k++) {
    assert_true(l.v[k].start < l.v[k].end);
    assert_true(l.v[k].end <= strlen(text));
    assert_true(l.v[k].message[0] && l.v[k].suggestion[0]);
  }
  return l;
}

static size_t count_rule(const text_style_list_t *l, text_style_rule_t r,
                         size_t *idx) {
  size_t n = 0;
  for (size_t k = 0; k < l->n; k++)
    if (l->v[k].rule == r) {
      if (!n && idx) *idx = k;
      n++;
    }
  return n;
}

/* Exactly one finding of rule r in text, spanning exactly span (its first
 * occurrence). */
static void expect(const char *text, text_style_rule_t r, const char *span) {
  text_style_list_t l = check_max(text, 0);
  size_t k = 0, n = count_rule(&l, r, &k);
  if (n != 1)
    fail_msg("'%s': %zu findings of %s, want 1", text, n, text_style_rule_id(r));
  const char *at = strstr(text, span);
  assert_non_null(at);
  if (l.v[k].start != (size_t)(at - text) ||
      l.v[k].end != (size_t)(at - text) + strlen(span))
    fail_msg("'%s': %s at %zu..%zu, want '%s'", text, text_style_rule_id(r),
             l.v[k].start, l.v[k].end, span);
  text_style_list_release(&l);
}

static void expect_none(const char *text, text_style_rule_t r) {
  text_style_list_t l = check_max(text, 0);
  size_t k = 0;
  if (count_rule(&l, r, &k))
    fail_msg("'%s': unexpected %s at %zu..%zu (%s)", text,
             text_style_rule_id(r), l.v[k].start, l.v[k].end, l.v[k].message);
  text_style_list_release(&l);
}

static void test_long_sentence(void **state) {
  (void)state;
  const char *s =
      "Wir haben Ihren Antrag vom letzten Monat erhalten und werden ihn in "
      "den nächsten Wochen sorgfältig lesen, mit den Unterlagen vergleichen "
      "und Ihnen danach schriftlich mitteilen, wie es weitergeht.";
  expect(s, LONG, s);
  char two[600];
  snprintf(two, sizeof two, "Kurz und klar. %s Danke.", s);
  expect(two, LONG, s);
  expect_none("Wir haben Ihren Antrag erhalten. Wir lesen ihn bald.", LONG);
  /* abbreviations and ordinals do not end a sentence: one long sentence */
  const char *abbr = "Bitte bringen Sie z. B. Ihren Ausweis, Ihre Meldebescheinigung "
                     "und ggf. den Bescheid vom 3. Mai nach Abs. 2 mit, damit "
                     "wir alles am selben Tag prüfen und erledigen können.";
  expect(abbr, LONG, abbr);
  text_style_list_t l = check_max(abbr, 40);
  assert_int_equal(count_rule(&l, LONG, NULL), 0);
  text_style_list_release(&l);
  l = check_max("Eins zwei drei vier. Fünf sechs.", 3);
  assert_int_equal(count_rule(&l, LONG, NULL), 1);
  assert_int_equal(l.v[0].start, 0);
  assert_int_equal(l.v[0].end, strlen("Eins zwei drei vier."));
  text_style_list_release(&l);
  /* a blank line ends a sentence (headings without full stop) */
  l = check_max("Eins zwei drei\n\nvier fünf sechs", 3);
  assert_int_equal(count_rule(&l, LONG, NULL), 0);
  text_style_list_release(&l);
}

static void test_nominal_chain(void **state) {
  (void)state;
  expect("Die Durchführung der Prüfung zur Feststellung der Zuständigkeit "
         "dauert lange.",
         NOMINAL, "Durchführung der Prüfung zur Feststellung der Zuständigkeit");
  expect("Zur Vermeidung einer Verzögerung der Bearbeitung antworten Sie "
         "bitte.",
         NOMINAL, "Vermeidung einer Verzögerung der Bearbeitung");
  /* three other words between neighbours break the chain */
  expect_none("Nach Einreichung der Unterlagen zur Berechnung kommt Post.",
              NOMINAL);
  expect_none("Die Prüfung dauert zwei Wochen.", NOMINAL);
  expect_none("Die Prüfung, die Zahlung und die Mitteilung folgen.", NOMINAL);
  expect_none("Die Prüfung ist schon lange fertig, aber die Zahlung fehlt "
              "noch immer wegen der Feiertage.",
              NOMINAL);
}

static void test_function_verb(void **state) {
  (void)state;
  expect("Die Regel kommt hier zur Anwendung.", FVG, "kommt hier zur Anwendung");
  expect("Die Vorschrift wurde zur Anwendung gebracht.", FVG,
         "zur Anwendung gebracht");
  expect("Wir setzen Sie hiermit in Kenntnis.", FVG, "setzen Sie hiermit in Kenntnis");
  expect("Bitte nehmen Sie das Schreiben zur Kenntnis.", FVG,
         "nehmen Sie das Schreiben zur Kenntnis");
  expect("Die Stadt stellt Ihnen Formulare zur Verfügung.", FVG,
         "stellt Ihnen Formulare zur Verfügung");
  expect_none("Wir wenden die Regel an.", FVG);
  expect_none("Die Anwendung ist kostenlos.", FVG);
  expect_none("Zur Kenntnis: Das Amt ist morgen geschlossen.", FVG);
}

static void test_passive(void **state) {
  (void)state;
  expect("Der Antrag wird von uns geprüft.", PASSIVE, "wird von uns geprüft");
  expect("Das Geld wurde gestern ausgezahlt.", PASSIVE, "wurde gestern ausgezahlt");
  expect("Die Akte wird bearbeitet.", PASSIVE, "wird bearbeitet");
  expect("Wir melden uns, sobald der Antrag genehmigt wird.", PASSIVE,
         "genehmigt wird");
  expect("Der Bescheid ist am Montag zugestellt worden.", PASSIVE,
         "zugestellt worden");
  expect("Die Daten werden gelöscht.", PASSIVE, "werden gelöscht");
  expect("Die Gebühr wird nicht berechnet, wenn Sie informiert sind.", PASSIVE,
         "wird nicht berechnet");
  expect("Über den Antrag wird erst morgen entschieden.", PASSIVE,
         "wird erst morgen entschieden");
  expect("Der Bescheid wurde unterschrieben.", PASSIVE, "wurde unterschrieben");
  expect_none("Sie werden den Brief bekommen.", PASSIVE);
  expect_none("Wir prüfen Ihren Antrag.", PASSIVE);
  expect_none("Wir werden Ihren Antrag bald genehmigen.", PASSIVE);
  expect_none("Sie werden die Unterlagen gewähren.", PASSIVE);
  expect_none("Er wird Lehrer.", PASSIVE);
  expect_none("Es wird spät, bitte beeilen Sie sich nicht gehetzt.", PASSIVE);
}

static void test_genitive_chain(void **state) {
  (void)state;
  expect("Wir warten auf die Prüfung der Unterlagen des Antragstellers.",
         GENITIVE, "Prüfung der Unterlagen des Antragstellers");
  expect("Das ist die Adresse des Vaters des Kindes der Familie.", GENITIVE,
         "Adresse des Vaters des Kindes der Familie");
  expect("Er kennt die Meinung des zuständigen Amtes der Stadt.", GENITIVE,
         "Meinung des zuständigen Amtes der Stadt");
  expect_none("Der Antrag des Vaters liegt vor.", GENITIVE);
  expect_none("Wir geben der Mutter des Kindes das Geld.", GENITIVE);
  expect_none("Wegen des Wetters der Woche bleibt das Amt zu.", GENITIVE);
  expect_none("Die Frau, der Mann und die Kinder kommen.", GENITIVE);
}

static void test_phrase(void **state) {
  (void)state;
  expect("Aufgrund der Tatsache, dass die Frist abgelaufen ist, lehnen wir ab.",
         PHRASE, "Aufgrund der Tatsache, dass");
  expect("Die Zahlung erfolgt seitens der Stadt.", PHRASE, "seitens");
  expect("Diesbezügliche Fragen beantworten wir gern.", PHRASE,
         "Diesbezügliche");
  expect("Im Rahmen\nvon Hausbesuchen fragen wir nach.", PHRASE,
         "Im Rahmen\nvon");
  expect("Bitte zahlen Sie UMGEHEND.", PHRASE, "UMGEHEND");
  expect("Sie erhalten hiermit den Bescheid.", PHRASE, "Sie erhalten hiermit");
  expect_none("Der Rahmen des Bildes ist blau.", PHRASE);
  expect_none("Das Zwecksbündnis hält.", PHRASE); /* no word boundary */
  expect_none("Wir schicken Ihnen den Bescheid.", PHRASE);
  assert_true(text_style_phrase_count() >= 60);
  assert_true(text_style_fvg_count() >= 20);
  for (size_t k = 0; k < style_phrases_n; k++) { /* each entry finds itself */
    char buf[200];
    snprintf(buf, sizeof buf, "Text: %s und mehr.", style_phrases[k].phrase);
    char *star = strchr(buf, '*');
    if (star) memmove(star, star + 1, strlen(star));
    text_style_list_t l = check_max(buf, 0);
    if (!count_rule(&l, PHRASE, NULL))
      fail_msg("phrase '%s' not found in '%s'", style_phrases[k].phrase, buf);
    text_style_list_release(&l);
  }
}

static void test_abbreviation(void **state) {
  (void)state;
  expect("Nach dem SGB haben Sie einen Anspruch.", ABBREV, "SGB");
  expect("Das BAföG wird beantragt. Das BAföG hilft.", ABBREV, "BAföG");
  expect("Das Sozialgesetzbuch (SGB) gilt. Nach dem SGB und der StVO gilt.",
         ABBREV, "StVO");
  expect_none("Das Sozialgesetzbuch (SGB) gilt. Nach dem SGB gilt es.", ABBREV);
  expect_none("Die SGB (Sozialgesetzbuch) gilt.", ABBREV);
  expect_none("Zahlen Sie per IBAN an die GmbH in der EU.", ABBREV);
  expect_none("Das Sozialgesetzbuch (SGB) gilt: SGB II und Kapitel IV.",
              ABBREV);
  /* dotted abbreviations: written out */
  expect("Bringen Sie ggf. den Ausweis mit.", ABBREV, "ggf.");
  expect("Dokumente, z. B. Ausweise, bitte mitbringen.", ABBREV, "z. B.");
  expect("Das gilt i.d.R. für alle.", ABBREV, "i.d.R.");
  expect_none("Die Eggf-Werte sind gut. Das Gemüse ist frisch.", ABBREV);
  expect_none("Sie zahlen etwa zehn Euro, das heißt wenig.", ABBREV);
  for (size_t k = 0; k < style_dotted_n; k++) { /* each entry finds itself */
    char buf[100];
    snprintf(buf, sizeof buf, "Text %s und mehr.", style_dotted[k].phrase);
    text_style_list_t l = check_max(buf, 0);
    if (count_rule(&l, ABBREV, NULL) != 1)
      fail_msg("'%s' not found once in '%s'", style_dotted[k].phrase, buf);
    text_style_list_release(&l);
  }
  expect_none("ACHTUNG: Das Amt ist zu.", ABBREV);
  expect_none("Das Amt ist zu.", ABBREV);
}

static void test_json_and_ids(void **state) {
  (void)state;
  text_style_list_t l = check_max("Die Zahlung erfolgt seitens der Stadt.", 0);
  assert_int_equal(l.n, 1);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  assert_int_equal(text_style_finding_json(&l.v[0], &b), 0);
  assert_string_equal(b.data,
                      "{\"rule\":\"phrase\",\"start\":20,\"end\":27,"
                      "\"message\":\"Amtsdeutsch: „seitens“\","
                      "\"suggestion\":\"Einfacher: „von“.\"}");
  lotse_buf_release(&b);
  text_style_list_release(&l);
  for (int r = 0; r < TEXT_STYLE_RULE_COUNT; r++)
    assert_string_not_equal(text_style_rule_id((text_style_rule_t)r), "unknown");
  assert_string_equal(text_style_rule_id(TEXT_STYLE_RULE_COUNT), "unknown");
  lotse_err_t err = {0};
  assert_int_equal(text_style_check(NULL, 3, NULL, &l, &err), LOTSE_EINVAL);
  assert_int_equal(text_style_check("", 0, NULL, &l, &err), 0);
  assert_int_equal(l.n, 0);
}

static void test_hostile_input(void **state) {
  (void)state;
  /* a quote of invalid bytes still gives a valid UTF-8 message */
  const char *bad = "Wir lesen die Prüfung \xff der Unterlagen \xc3 des Amtes.";
  text_style_list_t g = check_max(bad, 0);
  assert_int_equal(count_rule(&g, GENITIVE, NULL), 1);
  for (size_t k = 0; k < g.n; k++)
    assert_true(lotse_utf8_valid(g.v[k].message, strlen(g.v[k].message)));
  text_style_list_release(&g);
  size_t n = 200000;
  char *s = malloc(n + 1);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++) s[i] = (char)(0x80 + (i * 7919) % 128);
  s[n] = '\0';
  text_style_list_t l = {0};
  assert_int_equal(text_style_check(s, n, NULL, &l, NULL), 0);
  text_style_list_release(&l);
  for (size_t i = 0; i < n; i++) s[i] = "AB. wird geprüft ("[i % 18];
  assert_int_equal(text_style_check(s, n, NULL, &l, NULL), 0);
  assert_true(l.n > 0);
  for (size_t k = 0; k < l.n; k++) assert_true(l.v[k].end <= n);
  text_style_list_release(&l);
  /* one endless sentence full of Funktionsverbgefüge nouns */
  for (size_t i = 0; i < n; i++) s[i] = "Antrag stellen und "[i % 19];
  assert_int_equal(text_style_check(s, n, NULL, &l, NULL), 0);
  assert_int_equal(count_rule(&l, FVG, NULL), l.n - count_rule(&l, LONG, NULL));
  assert_true(count_rule(&l, FVG, NULL) > 1000);
  text_style_list_release(&l);
  /* many distinct abbreviations: the list is capped */
  for (size_t i = 0; i + 4 < n; i += 4) {
    s[i] = (char)('A' + (i / 4) % 26);
    s[i + 1] = (char)('A' + (i / 104) % 26);
    s[i + 2] = (char)('A' + (i / 2704) % 26);
    s[i + 3] = ' ';
  }
  assert_int_equal(text_style_check(s, n, NULL, &l, NULL), 0);
  assert_true(l.n <= TEXT_STYLE_MAX_FINDINGS);
  text_style_list_release(&l);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_long_sentence), cmocka_unit_test(test_nominal_chain),
      cmocka_unit_test(test_function_verb), cmocka_unit_test(test_passive),
      cmocka_unit_test(test_genitive_chain), cmocka_unit_test(test_phrase),
      cmocka_unit_test(test_abbreviation),  cmocka_unit_test(test_json_and_ids),
      cmocka_unit_test(test_hostile_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
