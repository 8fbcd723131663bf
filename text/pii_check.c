/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/pii_check.c — check digits and layouts of the numbers text/pii.c
 * finds: IBAN (ISO 13616: country length and BBAN structure from the SWIFT
 * IBAN registry, MOD 97-10, the Spanish national check), Steuer-IdNr and
 * USt-IdNr (ISO 7064 MOD 11,10), Steuernummer (state layouts of the ELSTER
 * federal form), Rentenversicherungsnummer and the ICAO 9303 check digit of
 * identity documents.
 *
 * Contract: every function takes a compact value (no separators) and its
 * length, reads exactly n bytes and returns 1 (valid) or 0; no allocation.
 */
#include "text/pii.h"
#include "text/pii_internal.h"

#include <string.h>

/* ------------------------------------------------------------------ IBAN */

/* BBAN structure per country as runs of <count><kind>: n digits, a upper-
 * case letters, c letters or digits (consecutive runs of one kind merged).
 * Source: the SWIFT IBAN registry. Sorted by country code. */
static const struct {
  char cc[3];
  const char *bban;
} iban_countries[] = {
    {"AD", "8n12c"},   {"AE", "19n"},      {"AL", "8n16c"},
    {"AT", "16n"},     {"AZ", "4a20c"},    {"BA", "16n"},
    {"BE", "12n"},     {"BG", "4a6n8c"},   {"BH", "4a14c"},
    {"BI", "23n"},     {"BR", "23n1a1c"},  {"BY", "4c4n16c"},
    {"CH", "5n12c"},   {"CR", "18n"},      {"CY", "8n16c"},
    {"CZ", "20n"},     {"DE", "18n"},      {"DJ", "23n"},
    {"DK", "14n"},     {"DO", "4c20n"},    {"EE", "16n"},
    {"EG", "25n"},     {"ES", "20n"},      {"FI", "14n"},
    {"FK", "2a12n"},   {"FO", "14n"},      {"FR", "10n11c2n"},
    {"GB", "4a14n"},   {"GE", "2a16n"},    {"GI", "4a15c"},
    {"GL", "14n"},     {"GR", "7n16c"},    {"GT", "24c"},
    {"HN", "4a20n"},   {"HR", "17n"},      {"HU", "24n"},
    {"IE", "4a14n"},   {"IL", "19n"},      {"IQ", "4a15n"},
    {"IS", "22n"},     {"IT", "1a10n12c"}, {"JO", "4a4n18c"},
    {"KW", "4a22c"},   {"KZ", "3n13c"},    {"LB", "4n20c"},
    {"LC", "4a24c"},   {"LI", "5n12c"},    {"LT", "16n"},
    {"LU", "3n13c"},   {"LV", "4a13c"},    {"LY", "21n"},
    {"MC", "10n11c2n"}, {"MD", "20c"},     {"ME", "18n"},
    {"MK", "3n10c2n"}, {"MN", "16n"},      {"MR", "23n"},
    {"MT", "4a5n18c"}, {"MU", "4a19n3a"},  {"NI", "4a20n"},
    {"NL", "4a10n"},   {"NO", "11n"},      {"OM", "3n16c"},
    {"PK", "4a16c"},   {"PL", "24n"},      {"PS", "4a21c"},
    {"PT", "21n"},     {"QA", "4a21c"},    {"RO", "4a16c"},
    {"RS", "18n"},     {"RU", "14n15c"},   {"SA", "2n18c"},
    {"SC", "4a20n3a"}, {"SD", "14n"},      {"SE", "20n"},
    {"SI", "15n"},     {"SK", "20n"},      {"SM", "1a10n12c"},
    {"SO", "19n"},     {"ST", "21n"},      {"SV", "4a20n"},
    {"TL", "19n"},     {"TN", "20n"},      {"TR", "6n16c"},
    {"UA", "6n19c"},   {"VA", "18n"},      {"VG", "4a16n"},
    {"XK", "16n"},     {"YE", "4a4n18c"},
};

static const char *iban_bban(const char *cc) {
  size_t lo = 0, hi = sizeof iban_countries / sizeof iban_countries[0];
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = memcmp(cc, iban_countries[mid].cc, 2);
    if (c == 0) return iban_countries[mid].bban;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

int pii_iban_length(const char *cc) {
  const char *f = iban_bban(cc);
  if (!f) return 0;
  int total = 4, k = 0;
  for (; *f; f++) {
    if (*f >= '0' && *f <= '9') k = k * 10 + (*f - '0');
    else {
      total += k;
      k = 0;
    }
  }
  return total;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* Does bban[0..n) follow the structure string f? */
static int bban_matches(const char *f, const char *b, size_t n) {
  size_t pos = 0;
  int k = 0;
  for (; *f; f++) {
    if (is_digit(*f)) {
      k = k * 10 + (*f - '0');
      continue;
    }
    for (int i = 0; i < k; i++, pos++) {
      if (pos >= n) return 0;
      char c = b[pos];
      if (*f == 'n' && !is_digit(c)) return 0;
      if (*f == 'a' && !is_upper(c)) return 0;
      if (*f == 'c' && !is_digit(c) && !is_upper(c)) return 0;
    }
    k = 0;
  }
  return pos == n;
}

int pii_iban_structure_ok(const char *s, size_t n) {
  if (n < 5 || !is_upper(s[0]) || !is_upper(s[1]) || !is_digit(s[2]) ||
      !is_digit(s[3]))
    return 0;
  const char *f = iban_bban(s);
  if (!f || (size_t)pii_iban_length(s) != n) return 0;
  return bban_matches(f, s + 4, n - 4);
}

/* Spanish national check digits (positions 9 and 10 of the BBAN) with
 * weights 1, 2, 4, 8, 5, 10, 9, 7, 3, 6. */
static int es_digit(const char *d, size_t n) {
  static const int w[10] = {1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
  int sum = 0;
  for (size_t i = 0; i < n; i++) sum += (d[i] - '0') * w[i + 10 - n];
  int c = 11 - sum % 11;
  return c == 11 ? 0 : c == 10 ? 1 : c;
}

static int es_national_ok(const char *bban) {
  return es_digit(bban, 8) == bban[8] - '0' &&
         es_digit(bban + 10, 10) == bban[9] - '0';
}

int text_pii_check_iban(const char *s, size_t n) {
  if (!pii_iban_structure_ok(s, n)) return 0;
  unsigned rem = 0;
  for (size_t k = 0; k < n; k++) {
    char c = s[(k + 4) % n];
    if (is_digit(c)) rem = (rem * 10 + (unsigned)(c - '0')) % 97;
    else rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
  }
  if (rem != 1) return 0;
  if (memcmp(s, "ES", 2) == 0) return es_national_ok(s + 4);
  return 1;
}

/* ---------------------------------------------------- ISO 7064 MOD 11,10 */

/* The check digit that completes d[0..n) under ISO 7064 MOD 11,10. */
static int mod_11_10_digit(const char *d, size_t n) {
  int p = 10;
  for (size_t i = 0; i < n; i++) {
    int sum = (d[i] - '0' + p) % 10;
    if (sum == 0) sum = 10;
    p = (sum * 2) % 11;
  }
  int c = 11 - p;
  return c == 10 ? 0 : c;
}

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_digit(s[i])) return 0;
  return n > 0;
}

int text_pii_check_tax_id(const char *s, size_t n) {
  if (n != 11 || !all_digits(s, n) || s[0] == '0') return 0;
  /* Among the first ten digits exactly one digit occurs twice or three
   * times, every other digit at most once. */
  int count[10] = {0}, repeated = 0;
  for (size_t i = 0; i < 10; i++) count[s[i] - '0']++;
  for (int d = 0; d < 10; d++) {
    if (count[d] > 3) return 0;
    if (count[d] >= 2) repeated++;
  }
  if (repeated != 1) return 0;
  return mod_11_10_digit(s, 10) == s[10] - '0';
}

int text_pii_check_vat_de(const char *s, size_t n) {
  if (n != 9 || !all_digits(s, n) || s[0] == '0') return 0;
  return mod_11_10_digit(s, 8) == s[8] - '0';
}

/* ----------------------------------------------------------- Steuernummer */

int text_pii_check_tax_number(const char *s, size_t n) {
  if (!all_digits(s, n)) return 0;
  if (n == 10 || n == 11) return 1;
  if (n != 13) return 0;
  /* Federal form: state prefix, Finanzamt digits, then "0" at index 4. */
  static const char *const two[] = {"10", "11", "21", "22", "23", "24", "26",
                                    "27", "28", "30", "31", "32", "40", "41"};
  if (s[4] != '0') return 0;
  if (s[0] == '9' || s[0] == '5') return 1; /* Bayern, Nordrhein-Westfalen */
  for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
    if (memcmp(s, two[i], 2) == 0) return 1;
  return 0;
}

/* --------------------------------------------- Rentenversicherungsnummer */

int text_pii_check_social_security(const char *s, size_t n) {
  if (n != 12 || !all_digits(s, 8) || !is_upper(s[8]) ||
      !all_digits(s + 9, 3))
    return 0;
  int day = (s[2] - '0') * 10 + (s[3] - '0');
  int month = (s[4] - '0') * 10 + (s[5] - '0');
  if (day < 1 || day > 31 || month < 1 || month > 12) return 0;
  /* The letter counts as its two-digit position in the alphabet; the
   * products' digit sums are added up modulo 10. */
  static const int w[12] = {2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1};
  int d[12], letter = s[8] - 'A' + 1, sum = 0;
  for (int i = 0; i < 8; i++) d[i] = s[i] - '0';
  d[8] = letter / 10;
  d[9] = letter % 10;
  d[10] = s[9] - '0';
  d[11] = s[10] - '0';
  for (int i = 0; i < 12; i++) {
    int p = d[i] * w[i];
    sum += p / 10 + p % 10;
  }
  return sum % 10 == s[11] - '0';
}

/* ---------------------------------------------------------------- ICAO 9303 */

int text_pii_check_icao(const char *s, size_t n) {
  static const int w[3] = {7, 3, 1};
  if (n < 2 || !is_digit(s[n - 1])) return 0;
  int sum = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    int v;
    if (is_digit(s[i])) v = s[i] - '0';
    else if (is_upper(s[i])) v = s[i] - 'A' + 10;
    else if (s[i] == '<') v = 0;
    else return 0;
    sum += v * w[i % 3];
  }
  return sum % 10 == s[n - 1] - '0';
}
