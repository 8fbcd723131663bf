/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_pii.c — the PII scanner: each type found with exact
 * byte offsets and the right check result, numbers with a broken check
 * digit told apart, ordinary German text left alone, and the invariants
 * (ascending, non-overlapping, bounded work on hostile input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text/pii.h"
#include "text/pii_internal.h"

static text_pii_list_t scan_flags(const char *text, unsigned flags) {
  text_pii_list_t l = {0};
  lotse_err_t err = {0};
  assert_int_equal(text_pii_scan(text, strlen(text), flags, &l, &err), 0);
  return l;
}

static text_pii_list_t scan(const char *text) { return scan_flags(text, 0); }

/* text holds exactly one finding: of type t over the substring value (its
 * first occurrence), with check result v. */
static void expect_one(const char *text, text_pii_type_t t, const char *value,
                       text_pii_check_t v) {
  text_pii_list_t l = scan(text);
  const char *at = strstr(text, value);
  assert_non_null(at);
  if (l.n != 1)
    fail_msg("'%s': %zu findings, want 1 (%s)", text, l.n,
             l.n ? text_pii_type_id(l.v[0].type) : "-");
  if (l.v[0].type != t)
    fail_msg("'%s': type %s, want %s", text, text_pii_type_id(l.v[0].type),
             text_pii_type_id(t));
  assert_int_equal(l.v[0].start, (size_t)(at - text));
  assert_int_equal(l.v[0].end, (size_t)(at - text) + strlen(value));
  if (l.v[0].valid != v)
    fail_msg("'%s': valid=%s, want %s", text,
             text_pii_check_name(l.v[0].valid), text_pii_check_name(v));
  assert_int_equal(l.v[0].special_category, t == TEXT_PII_HEALTH);
  text_pii_list_release(&l);
}

static void expect_none(const char *text) {
  text_pii_list_t l = scan(text);
  if (l.n)
    fail_msg("'%s': unexpected %s at %zu..%zu", text,
             text_pii_type_id(l.v[0].type), l.v[0].start, l.v[0].end);
  text_pii_list_release(&l);
}

#define VALID TEXT_PII_CHECK_VALID
#define INVALID TEXT_PII_CHECK_INVALID
#define NONE TEXT_PII_CHECK_NONE

#define NBSP "\xC2\xA0"
#define IBAN_NBSP \
  "DE89" NBSP "3704" NBSP "0044" NBSP "0532" NBSP "0130" NBSP "00"

static void test_iban(void **state) {
  (void)state;
  expect_one("Bitte überweisen Sie an DE89 3704 0044 0532 0130 00.",
             TEXT_PII_IBAN, "DE89 3704 0044 0532 0130 00", VALID);
  expect_one("IBAN DE89370400440532013000", TEXT_PII_IBAN,
             "DE89370400440532013000", VALID);
  expect_one("IBAN: DE89 3704 0044 0532 0130 01 (neu)", TEXT_PII_IBAN,
             "DE89 3704 0044 0532 0130 01", INVALID);
  expect_one("GB82 WEST 1234 5698 7654 32", TEXT_PII_IBAN,
             "GB82 WEST 1234 5698 7654 32", VALID);
  expect_one("ES91 2100 0418 4502 0005 1332", TEXT_PII_IBAN,
             "ES91 2100 0418 4502 0005 1332", VALID);
  /* MOD 97 right, Spanish national check digits wrong */
  text_pii_list_t l = scan("ES2121000418450200051331");
  for (size_t k = 0; k < l.n; k++) assert_int_not_equal(l.v[k].valid, VALID);
  text_pii_list_release(&l);
  /* letters where the Dutch BBAN wants digits, even with a label */
  l = scan("IBAN NL56 3003 0A17 1643 00");
  for (size_t k = 0; k < l.n; k++) assert_int_not_equal(l.v[k].valid, VALID);
  text_pii_list_release(&l);
  /* spellings found in the wild: space after the country, dashes, dots,
   * lower-case letters in the BBAN */
  expect_one("ES 58 0049 0290 3424 1352 8341", TEXT_PII_IBAN,
             "ES 58 0049 0290 3424 1352 8341", VALID);
  expect_one("ES15-0049-1806-9121-1186-9374", TEXT_PII_IBAN,
             "ES15-0049-1806-9121-1186-9374", VALID);
  expect_one("NO07.8380.08.06006", TEXT_PII_IBAN, "NO07.8380.08.06006",
             VALID);
  expect_one("MC11 1273 9000 7000 1111 1000 h79", TEXT_PII_IBAN,
             "MC11 1273 9000 7000 1111 1000 h79", VALID);
  /* no-break spaces as office programs write them */
  expect_one("IBAN " IBAN_NBSP, TEXT_PII_IBAN, IBAN_NBSP, VALID);
  expect_one("DE89 3704 0044 0532 0130 00", TEXT_PII_IBAN,
             "DE89 3704 0044 0532 0130 00", VALID); /* ends the text */
  assert_int_equal(pii_iban_length("AD"), 24);
  assert_int_equal(pii_iban_length("DE"), 22);
  assert_int_equal(pii_iban_length("NO"), 15);
  assert_int_equal(pii_iban_length("MT"), 31);
  assert_int_equal(pii_iban_length("YE"), 30);
  assert_int_equal(pii_iban_length("QQ"), 0);
  /* another identifier with an IBAN's structure but dashes, no check */
  expect_none("des EURODAC-Treffers AT1140277237-10560217 sowie");
  /* a label does not turn the next word into an IBAN */
  expect_one("IBAN fehlt, Steuer-ID 86095742719", TEXT_PII_TAX_ID,
             "86095742719", VALID);
  assert_true(text_pii_check_iban("DE89370400440532013000", 22));
  assert_false(text_pii_check_iban("DE89370400440532013001", 22));
  assert_false(text_pii_check_iban("XX89370400440532013000", 22));
  assert_false(text_pii_check_iban("DE8937040044053201300", 21));
}

static void test_tax_id(void **state) {
  (void)state;
  expect_one("Steuer-ID 86 095 742 719", TEXT_PII_TAX_ID, "86 095 742 719",
             VALID);
  expect_one("Ihre Nummer 86095742719 liegt vor", TEXT_PII_TAX_ID,
             "86095742719", VALID);
  expect_one("Steuer-IdNr.: 86095742718", TEXT_PII_TAX_ID, "86095742718",
             INVALID);
  expect_none("Ihre Nummer 86095742718 liegt vor"); /* no label, bad digit */
  assert_true(text_pii_check_tax_id("11234567890", 11));
  assert_true(text_pii_check_tax_id("11123456786", 11)); /* digit 3 times */
  assert_false(text_pii_check_tax_id("12345678903", 11)); /* no repeat */
  assert_false(text_pii_check_tax_id("11112345678", 11)); /* 4 times */
  assert_false(text_pii_check_tax_id("11223456785", 11)); /* two repeats */
  assert_false(text_pii_check_tax_id("01234567896", 11)); /* leading 0 */
}

static void test_vat_id(void **state) {
  (void)state;
  expect_one("USt-IdNr.: DE 118619592", TEXT_PII_VAT_ID, "DE 118619592",
             VALID);
  expect_one("DE136695976 ist unsere Nummer", TEXT_PII_VAT_ID, "DE136695976",
             VALID);
  expect_one("DE 221.304.969", TEXT_PII_VAT_ID, "DE 221.304.969", VALID);
  expect_one("DE 125014855", TEXT_PII_VAT_ID, "DE 125014855", INVALID);
  assert_false(text_pii_check_vat_de("011125440", 9));
  expect_none("DE 246X595 415");
  expect_one("DE DE 246595415", TEXT_PII_VAT_ID, "DE DE 246595415", INVALID);
}

static void test_tax_number(void **state) {
  (void)state;
  expect_one("St.-Nr. 181/815/08155", TEXT_PII_TAX_NUMBER, "181/815/08155",
             VALID);
  expect_one("unter 21/815/08150 geführt", TEXT_PII_TAX_NUMBER,
             "21/815/08150", VALID);
  expect_one("Steuernummer: 2893081508152", TEXT_PII_TAX_NUMBER,
             "2893081508152", VALID);
  expect_one("Steuernummer: 1234081508152", TEXT_PII_TAX_NUMBER,
             "1234081508152", INVALID); /* no state has prefix 12 */
  expect_one("Steuernummer 04 522 658 002", TEXT_PII_TAX_NUMBER,
             "04 522 658 002", VALID);
  expect_none("Das Aktenzeichen lautet 2893081508152.");
  assert_true(text_pii_check_tax_number("9181081508155", 13));
  assert_false(text_pii_check_tax_number("9181181508155", 13));
  assert_false(text_pii_check_tax_number("123456789", 9));
}

static void test_social_security(void **state) {
  (void)state;
  expect_one("RV-Nr. 15 070649 C 103", TEXT_PII_SOCIAL_SECURITY,
             "15 070649 C 103", VALID);
  expect_one("15070649C103", TEXT_PII_SOCIAL_SECURITY, "15070649C103", VALID);
  expect_one("15 070649 C 104", TEXT_PII_SOCIAL_SECURITY, "15 070649 C 104",
             INVALID);
  assert_false(text_pii_check_social_security("15071349C103", 12));
}

static void test_documents(void **state) {
  (void)state;
  expect_one("Ausweis T220001293 liegt vor", TEXT_PII_ID_CARD, "T220001293",
             VALID);
  expect_one("Nummer T220001293", TEXT_PII_ID_CARD, "T220001293", VALID);
  expect_none("Nummer T220001294");
  expect_one("Ausweisnummer: T220001294", TEXT_PII_ID_CARD, "T220001294",
             INVALID);
  expect_one("Personalausweis T22000129", TEXT_PII_ID_CARD, "T22000129",
             NONE);
  expect_one("Reisepass C01X00T478", TEXT_PII_PASSPORT, "C01X00T478", VALID);
  expect_one("C01X00T478", TEXT_PII_PASSPORT, "C01X00T478", VALID);
  assert_true(text_pii_check_icao("T220001293", 10));
  assert_false(text_pii_check_icao("T22000129X", 10));
}

static void test_phone(void **state) {
  (void)state;
  expect_one("Tel. 0221 / 123 45-67 (Zentrale)", TEXT_PII_PHONE,
             "0221 / 123 45-67", NONE);
  expect_one("erreichbar unter +49 (0) 221 1234567.", TEXT_PII_PHONE,
             "+49 (0) 221 1234567", NONE);
  expect_one("Rückruf: (0221) 123456", TEXT_PII_PHONE, "(0221) 123456", NONE);
  expect_one("mobil 0171 1234567", TEXT_PII_PHONE, "0171 1234567", NONE);
  expect_one("Telefon 12 34 56", TEXT_PII_PHONE, "12 34 56", NONE);
  expect_one("Fax: 0221/1234567", TEXT_PII_PHONE, "0221/1234567", NONE);
  expect_one("Tel." NBSP "0221" NBSP "123456", TEXT_PII_PHONE,
             "0221" NBSP "123456", NONE);
  expect_none("Im Jahr 2014 kamen 12345 Besucher, davon 0,5 Prozent.");
  expect_none("Die Summe beträgt 1.234.567,89 Euro bei 01067 Dresden.");
  expect_none("Hacker's Guide, McGraw-Hill, ISBN 0071481478");
  expect_none("Aktenzeichen: 11.2-0312/2026-007, Az. 0221 123456");
  expect_none("Projekte 01 02 03 04, Gutachten Nr. 0640612, Konto 00000000000");
  expect_one("Mobil: 01711234567", TEXT_PII_PHONE, "01711234567", NONE);
  expect_one("erreichbar: 01711234567", TEXT_PII_PHONE, "01711234567", NONE);
}

static void test_email(void **state) {
  (void)state;
  expect_one("Schreiben Sie an max.mustermann@kreis-musterhausen.de.",
             TEXT_PII_EMAIL, "max.mustermann@kreis-musterhausen.de", NONE);
  expect_none("Der Preis @ 5 Euro, siehe foo@bar");
}

static void test_birth_date(void **state) {
  (void)state;
  expect_one("Max Mustermann, geb. 12.03.1980, wohnhaft", TEXT_PII_BIRTH_DATE,
             "12.03.1980", NONE);
  expect_one("geboren am 1. März 1950 in Köln", TEXT_PII_BIRTH_DATE,
             "1. März 1950", NONE);
  expect_one("Erika Muster (* 12. Mai 1950 in Bonn)", TEXT_PII_BIRTH_DATE,
             "12. Mai 1950", NONE);
  expect_one("Geburtsdatum: 1980-03-12", TEXT_PII_BIRTH_DATE, "1980-03-12",
             NONE);
  expect_none("Die Sitzung am 12.03.2024 wurde vertagt.");
  expect_none("Die 1960 geborene Klägerin war vom 01.10.1986 an tätig.");
  expect_one("Er ist am 16.9.1944 geboren.", TEXT_PII_BIRTH_DATE, "16.9.1944",
             NONE);
  expect_none("geb. 32.13.1980"); /* not a date */
  expect_one("Geburtsdatum:\n12.03.1980", TEXT_PII_BIRTH_DATE, "12.03.1980",
             NONE);
  /* a label two table rows up does not make a date a birth date */
  expect_one("| Geburtsdatum | 14. Juli 1986 |\n| Eintritt | 1. August 2009 |",
             TEXT_PII_BIRTH_DATE, "14. Juli 1986", NONE);
}

static void test_health(void **state) {
  (void)state;
  expect_one("Die Krankschreibung liegt vor.", TEXT_PII_HEALTH,
             "Krankschreibung", NONE);
  expect_one("Bitte die AU-Bescheinigung nachreichen.", TEXT_PII_HEALTH,
             "AU-Bescheinigung", NONE);
  expect_one("wegen einer Atemwegserkrankung", TEXT_PII_HEALTH,
             "Atemwegserkrankung", NONE);
  expect_one("ICD-10: F32.1 G", TEXT_PII_HEALTH, "F32.1 G", NONE);
  expect_none("Die Verkehrsbehinderung dauerte an.");
  expect_one("laut Ärztlichem Gutachten", TEXT_PII_HEALTH, "Ärztlichem", NONE);
  expect_none("Er sucht die Desinfektionsmittel.");
  expect_none("Die Zone F32 ist gesperrt."); /* code without a label */
  text_pii_list_t l = scan("Diagnose F32.1, Schwerbehinderung");
  assert_int_equal(l.n, 3);
  for (size_t k = 0; k < l.n; k++) assert_true(l.v[k].special_category);
  text_pii_list_release(&l);
}

static void test_only_valid_and_order(void **state) {
  (void)state;
  const char *text =
      "Herr Muster (geb. 12.03.1980), Tel. 0221 123456, IBAN DE89 3704 0044 "
      "0532 0130 01, Steuer-ID 86095742719, E-Mail a.b@c.de, Diagnose.";
  text_pii_list_t l = scan(text);
  assert_int_equal(l.n, 6);
  for (size_t k = 0; k < l.n; k++) {
    assert_true(l.v[k].start < l.v[k].end);
    assert_true(l.v[k].end <= strlen(text));
    if (k) assert_true(l.v[k - 1].end <= l.v[k].start);
  }
  text_pii_list_release(&l);
  l = scan_flags(text, TEXT_PII_ONLY_VALID);
  assert_int_equal(l.n, 5); /* the IBAN with the wrong check digits is out */
  for (size_t k = 0; k < l.n; k++) assert_int_not_equal(l.v[k].type, TEXT_PII_IBAN);
  text_pii_list_release(&l);
}

static void test_types(void **state) {
  (void)state;
  for (int t = 0; t < TEXT_PII_TYPE_COUNT; t++) {
    assert_int_equal(text_pii_type_parse(text_pii_type_id(t)), t);
    assert_string_not_equal(text_pii_type_label(t), "?");
    assert_string_equal(text_pii_data_class(t), "personenbezogen");
  }
  assert_string_equal(text_pii_type_id(TEXT_PII_TAX_ID), "tax_id");
  assert_int_equal(text_pii_type_parse("nope"), -1);
  assert_true(text_pii_special_category(TEXT_PII_HEALTH));
  assert_false(text_pii_special_category(TEXT_PII_IBAN));
  text_pii_list_t l = {0};
  assert_int_equal(text_pii_scan(NULL, 3, 0, &l, NULL), LOTSE_EINVAL);
  assert_int_equal(text_pii_scan("x", 1, 0, NULL, NULL), LOTSE_EINVAL);
  assert_int_equal(text_pii_scan(NULL, 0, 0, &l, NULL), 0);
  text_pii_list_release(NULL);
}

/* Hostile shapes that would make a careless matcher quadratic, and
 * truncated input at every length of a mixed text (ASan checks reads). */
static void test_hostile_input(void **state) {
  (void)state;
  const char *pieces[] = {"a.", "1 ", "DE", "+4", "(0", "*1", "@", "12/"};
  size_t n = 1 << 20;
  char *big = malloc(n + 1);
  assert_non_null(big);
  for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
    size_t pl = strlen(pieces[p]);
    for (size_t k = 0; k < n; k++) big[k] = pieces[p][k % pl];
    big[n] = '\0';
    text_pii_list_t l = {0};
    assert_int_equal(text_pii_scan(big, n, 0, &l, NULL), 0);
    text_pii_list_release(&l);
  }
  free(big);
  const char *mixed = "IBAN DE89 3704 0044 0532 0130 00, 15 070649 C 103, "
                      "geb. 1. März 1950, +49 221 1234567, x@y.de F32.1";
  for (size_t len = 0; len <= strlen(mixed); len++) {
    char *cut = malloc(len ? len : 1);
    memcpy(cut, mixed, len);
    text_pii_list_t l = {0};
    assert_int_equal(text_pii_scan(cut, len, 0, &l, NULL), 0);
    for (size_t k = 0; k < l.n; k++) assert_true(l.v[k].end <= len);
    text_pii_list_release(&l);
    free(cut);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iban),          cmocka_unit_test(test_tax_id),
      cmocka_unit_test(test_vat_id),        cmocka_unit_test(test_tax_number),
      cmocka_unit_test(test_social_security), cmocka_unit_test(test_documents),
      cmocka_unit_test(test_phone),         cmocka_unit_test(test_email),
      cmocka_unit_test(test_birth_date),    cmocka_unit_test(test_health),
      cmocka_unit_test(test_only_valid_and_order),
      cmocka_unit_test(test_types),         cmocka_unit_test(test_hostile_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
