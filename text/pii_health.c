/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/pii_health.c — health terms (special category, Art. 9 GDPR): a
 * vocabulary of diagnoses, sick notes, disabilities, treatments and
 * dependencies, and ICD-10 codes after a diagnosis label.
 *
 * Contract: pii_health_word() looks at one word (letters, umlauts, inner
 * hyphens; at most HEALTH_WORD_MAX bytes are compared) and matches a term
 * at the word's start, anywhere inside it (compounds: "Atemwegserkrankung")
 * or as the whole word, as each term says. Matching folds ASCII and the
 * German umlauts to lower case. The vocabulary favours precision: words
 * that are common outside health ("Behinderung" of traffic is only matched
 * at the word start, "Operation" not at all).
 */
#include "text/pii_internal.h"

#include <string.h>

#define HEALTH_WORD_MAX 64

enum { AT_START, ANYWHERE, WHOLE };

static const struct {
  const char *term; /* lower-case UTF-8 */
  int where;
} health_terms[] = {
    {"diagnose", ANYWHERE},         {"diagnostiz", ANYWHERE},
    {"krankschreibung", ANYWHERE},  {"krankgeschrieben", ANYWHERE},
    {"krankmeldung", ANYWHERE},     {"arbeitsunfähig", ANYWHERE},
    {"arbeitsunfaehig", ANYWHERE},  {"au-bescheinigung", ANYWHERE},
    {"erkrankung", ANYWHERE},       {"erkrankt", ANYWHERE},
    {"krankheit", ANYWHERE},        {"depression", ANYWHERE},
    {"depressiv", ANYWHERE},        {"chemotherapie", ANYWHERE},
    {"psychotherap", ANYWHERE},     {"psychiatr", ANYWHERE},
    {"psychisch", AT_START},        {"therapie", ANYWHERE},
    {"schwerbehind", ANYWHERE},     {"behinderung", AT_START},
    {"pflegegrad", ANYWHERE},       {"pflegebedürftig", ANYWHERE},
    {"suchterkrank", ANYWHERE},     {"alkoholabhängig", ANYWHERE},
    {"drogenabhängig", ANYWHERE},   {"medikament", ANYWHERE},
    {"medikation", ANYWHERE},       {"krankenhausaufenthalt", ANYWHERE},
    {"klinikaufenthalt", ANYWHERE}, {"herzinfarkt", ANYWHERE},
    {"schlaganfall", ANYWHERE},     {"bandscheib", ANYWHERE},
    {"demenz", ANYWHERE},           {"epilep", ANYWHERE},
    {"diabet", ANYWHERE},           {"tumor", AT_START},
    {"krebsleiden", ANYWHERE},      {"burnout", ANYWHERE},
    {"burn-out", ANYWHERE},         {"schwangerschaft", ANYWHERE},
    {"schwanger", AT_START},        {"arztbrief", ANYWHERE},
    {"attest", AT_START},           {"befundbericht", ANYWHERE},
    {"rehaklinik", ANYWHERE},       {"arbeitsunfall", ANYWHERE},
    {"blutgruppe", ANYWHERE},       {"allergi", ANYWHERE},
    {"asthma", ANYWHERE},           {"infektion", ANYWHERE},
    {"covid", AT_START},            {"betriebsärzt", ANYWHERE},
    {"amtsärzt", ANYWHERE},         {"ärztlich", AT_START},
    {"hiv", WHOLE},                 {"aids", WHOLE},
    {"gdb", WHOLE},                 {"reha", WHOLE},
    {"befund", WHOLE},
    {"befunde", WHOLE},
};

/* Words holding a term that are not about health. */
static const char *const health_veto[] = {"desinfekt", NULL};

/* Lower-case ASCII and the upper-case Latin-1 letters (Ä Ö Ü …) in UTF-8. */
static size_t fold(const char *s, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 &&
             c <= 0x9E && c != 0x97)
      c = (unsigned char)(c + 0x20);
    out[i] = (char)c;
  }
  out[n] = '\0';
  return n;
}

static size_t word_end(const char *s, size_t n, size_t i) {
  size_t j = i;
  while (j < n) {
    unsigned char c = (unsigned char)s[j];
    if (pii_is_word(c)) j++;
    else if (c == '-' && j + 1 < n && pii_is_word((unsigned char)s[j + 1]) &&
             j > i)
      j++;
    else break;
  }
  return j;
}

size_t pii_health_word(const char *s, size_t n, size_t i) {
  unsigned char c = i < n ? (unsigned char)s[i] : 0;
  if (!pii_is_alpha(c) && c < 0xC0) return 0; /* letters, "Ä" … */
  size_t e = word_end(s, n, i), len = e - i;
  if (len < 3 || len > HEALTH_WORD_MAX) return 0;
  char w[HEALTH_WORD_MAX + 1];
  fold(s + i, len, w);
  for (const char *const *v = health_veto; *v; v++)
    if (strstr(w, *v)) return 0;
  for (size_t k = 0; k < sizeof health_terms / sizeof health_terms[0]; k++) {
    const char *t = health_terms[k].term;
    size_t tl = strlen(t);
    switch (health_terms[k].where) {
    case AT_START:
      if (len >= tl && memcmp(w, t, tl) == 0) return e;
      break;
    case ANYWHERE:
      if (strstr(w, t)) return e;
      break;
    default:
      if (len == tl && memcmp(w, t, tl) == 0) return e;
    }
  }
  return 0;
}

/* ------------------------------------------------------------ ICD-10 codes */

static const char *const icd_labels[] = {"icd", "diagnose", "diagn.", "dg.",
                                         "befund", NULL};

size_t pii_icd_code(const char *s, size_t n, size_t i) {
  const unsigned char *u = (const unsigned char *)s;
  if (i + 3 > n || !pii_is_upper(u[i]) || !pii_is_digit(u[i + 1]) ||
      !pii_is_digit(u[i + 2]))
    return 0;
  size_t j = i + 3;
  if (j + 1 < n && u[j] == '.' && pii_is_digit(u[j + 1])) {
    j += 2;
    if (j < n && pii_is_digit(u[j])) j++;
  } else if (j + 1 < n && u[j] == '.' && u[j + 1] == '-') {
    j += 2;
  }
  if (j < n && pii_is_word(u[j])) return 0;
  /* Diagnostic certainty suffix: G (confirmed), V, Z, A; side R, L, B. */
  size_t k = j < n && u[j] == ' ' ? j + 1 : j;
  if (k < n && strchr("GVZARLB", u[k]) && u[k] &&
      (k + 1 >= n || !pii_is_word(u[k + 1])))
    j = k + 1;
  if (!pii_label_before(s, i, icd_labels)) return 0;
  return j;
}
