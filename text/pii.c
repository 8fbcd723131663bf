/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/pii.c — the PII scanner: one pass over the text, trying at each word
 * start the matchers in a fixed order (e-mail, IBAN, USt-IdNr, RV-Nummer,
 * document numbers, dates, ICD-10 codes, digit groups, health words); the
 * first that matches consumes its span.
 *
 * Contract: see text/pii.h. Invariants: (1) findings are appended in
 * ascending, non-overlapping order because the scan position only moves
 * forward past each match; (2) every matcher reads at most
 * TEXT_PII_LOOKAHEAD bytes ahead and pii_label_before() at most
 * TEXT_PII_CONTEXT bytes behind, so the scan is linear in the input.
 */
#include "text/pii.h"
#include "text/pii_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ types */

static const struct {
  const char *id, *label;
} type_names[TEXT_PII_TYPE_COUNT] = {
    [TEXT_PII_IBAN] = {"iban", "IBAN"},
    [TEXT_PII_TAX_ID] = {"tax_id", "Steuer-Identifikationsnummer"},
    [TEXT_PII_TAX_NUMBER] = {"tax_number", "Steuernummer"},
    [TEXT_PII_VAT_ID] = {"vat_id", "Umsatzsteuer-Identifikationsnummer"},
    [TEXT_PII_SOCIAL_SECURITY] = {"social_security",
                                  "Rentenversicherungsnummer"},
    [TEXT_PII_ID_CARD] = {"id_card", "Personalausweisnummer"},
    [TEXT_PII_PASSPORT] = {"passport", "Reisepassnummer"},
    [TEXT_PII_PHONE] = {"phone", "Telefonnummer"},
    [TEXT_PII_EMAIL] = {"email", "E-Mail-Adresse"},
    [TEXT_PII_BIRTH_DATE] = {"birth_date", "Geburtsdatum"},
    [TEXT_PII_HEALTH] = {"health", "Gesundheitsangabe"},
};

const char *text_pii_type_id(text_pii_type_t t) {
  return (unsigned)t < TEXT_PII_TYPE_COUNT ? type_names[t].id : "?";
}

const char *text_pii_type_label(text_pii_type_t t) {
  return (unsigned)t < TEXT_PII_TYPE_COUNT ? type_names[t].label : "?";
}

int text_pii_type_parse(const char *id) {
  for (int t = 0; id && t < TEXT_PII_TYPE_COUNT; t++)
    if (strcmp(id, type_names[t].id) == 0) return t;
  return -1;
}

const char *text_pii_check_name(text_pii_check_t c) {
  return c == TEXT_PII_CHECK_VALID     ? "valid"
         : c == TEXT_PII_CHECK_INVALID ? "invalid"
                                       : "none";
}

const char *text_pii_data_class(text_pii_type_t t) {
  (void)t; /* every type identifies or describes a natural person */
  return "personenbezogen";
}

bool text_pii_special_category(text_pii_type_t t) {
  return t == TEXT_PII_HEALTH;
}

/* ----------------------------------------------------------------- labels */

static const char *const iban_labels[] = {"iban", "konto", "bankverbindung",
                                          NULL};
static const char *const tax_id_labels[] = {
    "steuer-id", "steuerid", "steuer-identifikationsnummer",
    "steueridentifikationsnummer", "identifikationsnummer", "idnr", "id-nr",
    "tin:", "tin ", NULL};
static const char *const tax_no_labels[] = {
    "steuernummer", "steuer-nr", "steuer-nummer", "st.-nr", "st.nr", "stnr",
    "st-nr", NULL};
static const char *const phone_labels[] = {
    "tel.", "tel:", "tel ", "telefon", "fax", "mobil", "handy", "rufnummer",
    "durchwahl", "phone", NULL};
static const char *const id_card_labels[] = {
    "personalausweis", "ausweisnummer", "ausweis-nr", "ausweisnr", "ausweis",
    "dokumentennummer", "pa-nr", NULL};
static const char *const passport_labels[] = {"reisepass", "passnummer",
                                              "pass-nr", "passnr", "pass",
                                              NULL};
static const char *const isbn_labels[] = {"isbn", "issn", NULL};
static const char *const file_ref_labels[] = {
    "az.", "az:", "aktenzeichen", "geschäftszeichen", "gz.", "gz:", NULL};
static const char *const birth_labels[] = {
    "geb.", "geb ", "geboren", "geburtsdatum", "geburtstag", "date of birth",
    "born", NULL};

size_t pii_label_before(const char *s, size_t pos,
                        const char *const *labels) {
  const unsigned char *u = (const unsigned char *)s;
  size_t w0 = pos > TEXT_PII_CONTEXT ? pos - TEXT_PII_CONTEXT : 0, best = 0;
  /* Labels count on the value's line, and on the line before only when the
   * value opens its line ("Geburtsdatum:\n12.03.1980"). */
  size_t ls = pos;
  int only_marks = 1;
  while (ls > w0 && u[ls - 1] != '\n') only_marks &= !pii_is_word(u[--ls]);
  if (ls > w0) {
    w0 = ls;
    if (only_marks)
      for (w0 = ls - 1; w0 > 0 && pos - w0 < TEXT_PII_CONTEXT &&
                        u[w0 - 1] != '\n';)
        w0--;
  }
  for (size_t j = w0; j < pos; j++) {
    if (!pii_is_alpha(u[j]) || (j > 0 && pii_is_word(u[j - 1]))) continue;
    for (const char *const *l = labels; *l; l++) {
      size_t k = 0;
      while ((*l)[k] && j + k < pos &&
             (unsigned char)(*l)[k] == ((u[j + k] >= 'A' && u[j + k] <= 'Z')
                                            ? u[j + k] + 32
                                            : u[j + k]))
        k++;
      if (!(*l)[k] && j + k + 1 > best) best = j + k + 1;
    }
  }
  return best;
}

/* ---------------------------------------------------------------- matches */

typedef struct match {
  text_pii_type_t type;
  size_t start, end;
  text_pii_check_t valid;
  int skip; /* consume the span without a finding (a plain date) */
} match_t;

typedef struct scan {
  const char *s;
  const unsigned char *u;
  size_t n;
} scan_t;

static int found(match_t *m, text_pii_type_t t, size_t start, size_t end,
                 text_pii_check_t valid) {
  *m = (match_t){t, start, end, valid, 0};
  return 1;
}

static text_pii_check_t check_of(int ok) {
  return ok ? TEXT_PII_CHECK_VALID : TEXT_PII_CHECK_INVALID;
}

/* Is u[j] part of a word? A no-break space is not. */
static int word_at(const scan_t *sc, size_t j) {
  const unsigned char *u = sc->u;
  if (pii_nbsp(u, j, sc->n) || (j > 0 && pii_nbsp(u, j - 1, sc->n)))
    return 0;
  return pii_is_word(u[j]);
}

static int boundary(const scan_t *sc, size_t j) {
  return j >= sc->n || !word_at(sc, j);
}

/* ----------------------------------------------------------------- e-mail */

static int local_char(unsigned char c) {
  return pii_is_digit(c) || pii_is_alpha(c) || strchr("._%+-", c) != NULL;
}

static int match_email(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  size_t j = i, n = sc->n;
  while (j < n && j - i < 64 && u[j] && local_char(u[j])) j++;
  if (j >= n || u[j] != '@' || u[j - 1] == '.') return 0;
  size_t d = j + 1, end = 0, labels = 0, last_alpha = 0;
  while (d < n && d - j < 128) {
    size_t l = d;
    int alpha = 1;
    while (l < n && (pii_is_digit(u[l]) || pii_is_alpha(u[l]) ||
                     (u[l] == '-' && l > d))) {
      if (!pii_is_alpha(u[l])) alpha = 0;
      l++;
    }
    if (l == d) break;
    labels++;
    end = l;
    last_alpha = alpha && l - d >= 2;
    if (l + 1 < n && u[l] == '.' && pii_is_word(u[l + 1])) d = l + 1;
    else break;
  }
  if (labels < 2 || !last_alpha || !boundary(sc, end)) return 0;
  return found(m, TEXT_PII_EMAIL, i, end, TEXT_PII_CHECK_NONE);
}

/* ------------------------------------------------------------------- IBAN */

/* Collect up to max letters (upper-cased) and digits from i: lower-case
 * letters only after the first four, one separator (space, '-', '.')
 * between characters after the country code ("ES 58 0049-…",
 * "NO07.8380.08.06006"). Returns the count; *end is set past the last
 * character taken. */
static size_t collect_iban(const scan_t *sc, size_t i, char *buf, size_t max,
                           size_t *end) {
  const unsigned char *u = sc->u;
  size_t j = i, k = 0;
  while (k < max && j < sc->n && j - i < TEXT_PII_LOOKAHEAD) {
    unsigned char c = u[j];
    if (pii_is_upper(c) || pii_is_digit(c) || (k >= 4 && pii_is_alpha(c))) {
      buf[k++] = (char)(pii_is_alpha(c) ? (c & ~0x20) : c);
      *end = ++j;
    } else if ((c == ' ' || c == '-' || c == '.' || pii_nbsp(u, j, sc->n)) &&
               k >= 2 && j + (c == 0xC2) + 1 < sc->n &&
               (pii_is_digit(u[j + (c == 0xC2) + 1]) ||
                pii_is_alpha(u[j + (c == 0xC2) + 1]))) {
      j += (size_t)(c == 0xC2) + 1;
    } else {
      break;
    }
  }
  return k;
}

/* Only letters, digits and spaces in [i, end): how IBANs are printed;
 * "AT1140277237-10560217" is some other identifier unless it checks. */
static int spaced_only(const scan_t *sc, size_t i, size_t end) {
  for (size_t j = i; j < end; j++)
    if (sc->u[j] == '-' || sc->u[j] == '.') return 0;
  return 1;
}

static int match_iban(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  if (i + 4 > sc->n || !pii_is_upper(u[i]) || !pii_is_upper(u[i + 1]))
    return 0;
  char buf[40];
  size_t end = i, want = (size_t)pii_iban_length(sc->s + i);
  if (want) {
    size_t k = collect_iban(sc, i, buf, want, &end);
    if (k == want && boundary(sc, end) && pii_is_digit((unsigned char)buf[2]) &&
        pii_is_digit((unsigned char)buf[3])) {
      if (text_pii_check_iban(buf, k))
        return found(m, TEXT_PII_IBAN, i, end, TEXT_PII_CHECK_VALID);
      if ((pii_iban_structure_ok(buf, k) && spaced_only(sc, i, end)) ||
          pii_label_before(sc->s, i, iban_labels))
        return found(m, TEXT_PII_IBAN, i, end, TEXT_PII_CHECK_INVALID);
      return 0;
    }
  }
  /* Unknown country or wrong length: a malformed IBAN right after its
   * label ("IBAN: XX12 …"). */
  size_t lab = pii_label_before(sc->s, i, iban_labels);
  if (!lab || i - (lab - 1) > 3) return 0;
  size_t k = collect_iban(sc, i, buf, 34, &end);
  if (k < 8 || !boundary(sc, end) || !pii_is_digit((unsigned char)buf[2]) ||
      !pii_is_digit((unsigned char)buf[3]))
    return 0;
  return found(m, TEXT_PII_IBAN, i, end, TEXT_PII_CHECK_INVALID);
}

/* --------------------------------------------------------------- USt-IdNr */

/* Exactly nine digits from j, in groups split by single spaces or dots
 * ("221.304.969"), followed by no further group; returns the end or 0. */
static size_t nine_digits(const scan_t *sc, size_t j, char d[9]) {
  const unsigned char *u = sc->u;
  size_t k = 0, end = 0, n = sc->n;
  while (j < n && k < 9) {
    if (pii_is_digit(u[j])) {
      d[k++] = (char)u[j++];
      end = j;
    } else if ((u[j] == ' ' || u[j] == '.') && k > 0 && j + 1 < n &&
               pii_is_digit(u[j + 1])) {
      j++;
    } else {
      break;
    }
  }
  if (k != 9 || !boundary(sc, end)) return 0;
  if (end + 1 < n && (u[end] == '.' || u[end] == ' ') &&
      pii_is_digit(u[end + 1]))
    return 0; /* more digit groups follow: not a 9-digit number */
  return end;
}

static int match_vat(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  size_t n = sc->n, j = i + 2;
  if (i + 3 > n || u[i] != 'D' || u[i + 1] != 'E') return 0;
  for (int k = 0; k < 3 && j < n && strchr(" -.", u[j]) && u[j]; k++) j++;
  int doubled = 0; /* "DE DE 123456789": not a valid way to write it */
  if (j + 2 < n && u[j] == 'D' && u[j + 1] == 'E' && !pii_is_alpha(u[j + 2])) {
    doubled = 1;
    for (j += 2; j < n && (u[j] == ' ' || u[j] == '-'); j++) {
    }
  }
  char d[9];
  size_t end = nine_digits(sc, j, d);
  if (!end) return 0;
  return found(m, TEXT_PII_VAT_ID, i, end,
               check_of(!doubled && text_pii_check_vat_de(d, 9)));
}

/* -------------------------------------------- Rentenversicherungsnummer */

static int match_social_security(const scan_t *sc, size_t i, match_t *m) {
  /* 2 digits, 6 digits, letter, 3 digits; single spaces allowed after
   * the area, the birth date, the letter and the serial. */
  static const char shape[] = "99 999999 A 99 9";
  const unsigned char *u = sc->u;
  char c[13];
  size_t j = i, k = 0;
  for (const char *p = shape; *p; p++) {
    if (j >= sc->n) return 0;
    if (*p == ' ') {
      if (u[j] == ' ') j++;
      continue;
    }
    if (*p == '9' ? !pii_is_digit(u[j]) : !pii_is_upper(u[j])) return 0;
    c[k++] = (char)u[j++];
  }
  if (!boundary(sc, j)) return 0;
  return found(m, TEXT_PII_SOCIAL_SECURITY, i, j,
               check_of(text_pii_check_social_security(c, 12)));
}

/* ------------------------------------------- Personalausweis, Reisepass */

static int doc_char(unsigned char c) {
  return pii_is_digit(c) || (c && strchr("CFGHJKLMNPRTVWXYZ", c));
}

static int match_document(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  size_t j = i, digits = 0;
  while (j < sc->n && j - i < 11 && doc_char(u[j])) digits += pii_is_digit(u[j++]);
  size_t len = j - i;
  if ((len != 9 && len != 10) || !boundary(sc, j) || digits == 0) return 0;
  size_t card = pii_label_before(sc->s, i, id_card_labels);
  size_t pass = pii_label_before(sc->s, i, passport_labels);
  text_pii_type_t t;
  if (card || pass) t = card >= pass ? TEXT_PII_ID_CARD : TEXT_PII_PASSPORT;
  else if (strchr("CFGHJK", u[i])) t = TEXT_PII_PASSPORT;
  else if (pii_is_upper(u[i])) t = TEXT_PII_ID_CARD;
  else return 0; /* all digits: only after a label */
  if (len == 9)
    return (card || pass) ? found(m, t, i, j, TEXT_PII_CHECK_NONE) : 0;
  int ok = text_pii_check_icao(sc->s + i, 10);
  if (!ok && !card && !pass) return 0;
  return found(m, t, i, j, check_of(ok));
}

/* ------------------------------------------------------------------ dates */

static const char *const months[] = {
    "januar", "februar", "märz", "maerz", "april", "mai", "juni", "juli",
    "august", "september", "oktober", "november", "dezember", "jan.", "feb.",
    "mär.", "apr.", "jun.", "jul.", "aug.", "sept.", "sep.", "okt.", "nov.",
    "dez.", NULL};

/* Read 1..max digits at *j; returns the value or -1. */
static int read_num(const scan_t *sc, size_t *j, int min, int max) {
  int v = 0, k = 0;
  while (*j < sc->n && k < max && pii_is_digit(sc->u[*j])) {
    v = v * 10 + (sc->u[*j] - '0');
    (*j)++;
    k++;
  }
  if (k < min || (*j < sc->n && pii_is_digit(sc->u[*j]))) return -1;
  return v;
}

static size_t month_name(const scan_t *sc, size_t j) {
  for (const char *const *mo = months; *mo; mo++) {
    size_t l = strlen(*mo), k = 0;
    while (k < l && j + k < sc->n &&
           (unsigned char)(*mo)[k] == (pii_is_upper(sc->u[j + k])
                                           ? sc->u[j + k] + 32
                                           : sc->u[j + k]))
      k++;
    if (k == l && ((*mo)[l - 1] == '.' || boundary(sc, j + l))) return j + l;
  }
  return 0;
}

/* YYYY-MM-DD after the year at [i, j): the end, 0 if none. */
static size_t date_iso(const scan_t *sc, size_t j, int *day, int *month) {
  j++; /* the '-' */
  *month = read_num(sc, &j, 2, 2);
  if (*month < 0 || j >= sc->n || sc->u[j] != '-') return 0;
  j++;
  *day = read_num(sc, &j, 2, 2);
  return *day < 0 ? 0 : j;
}

/* "D.M.YYYY", "D.M.YY", "D. Monat YYYY" after the day at [i, j). */
static size_t date_dotted(const scan_t *sc, size_t j, int *month) {
  const unsigned char *u = sc->u;
  j++; /* the '.' */
  if (j < sc->n && u[j] == ' ') j++;
  size_t mn = month_name(sc, j);
  if (mn) {
    *month = 1;
    j = mn;
    if (j < sc->n && u[j] == ' ') j++;
    return read_num(sc, &j, 4, 4) < 0 ? 0 : j;
  }
  *month = read_num(sc, &j, 1, 2);
  if (*month < 0 || j >= sc->n || u[j] != '.') return 0;
  j++;
  if (j + 1 < sc->n && u[j] == ' ' && pii_is_digit(u[j + 1])) j++;
  size_t y0 = j;
  if (read_num(sc, &j, 2, 4) < 0 || j - y0 == 3) return 0;
  return j;
}

/* End of a calendar date at i, 0 if none. */
static size_t date_end(const scan_t *sc, size_t i) {
  size_t j = i;
  int a = read_num(sc, &j, 1, 4), day = a, month = 0;
  if (a < 0 || j >= sc->n) return 0;
  if (j - i == 4 && sc->u[j] == '-') j = date_iso(sc, j, &day, &month);
  else if (j - i <= 2 && sc->u[j] == '.') j = date_dotted(sc, j, &month);
  else return 0;
  if (!j || day < 1 || day > 31 || month < 1 || month > 12 ||
      !boundary(sc, j))
    return 0;
  return j;
}

/* A birth label right before the date: between them only marks and the
 * words "am", "den", "dem" ("geboren am 1. März", "Geburtsdatum: …"), not
 * "die 1960 geborene Klägerin war vom 01.10.1986 …". */
static int birth_label_close(const scan_t *sc, size_t i) {
  size_t lab = pii_label_before(sc->s, i, birth_labels);
  if (!lab) return 0;
  size_t j = lab - 1;
  while (j < i) {
    if (!pii_is_word(sc->u[j])) {
      j++;
      continue;
    }
    size_t w = j;
    while (j < i && pii_is_word(sc->u[j])) j++;
    int ok = (j - w == 2 && (memcmp(sc->s + w, "am", 2) == 0)) ||
             (j - w == 3 && (memcmp(sc->s + w, "den", 3) == 0 ||
                             memcmp(sc->s + w, "dem", 3) == 0));
    if (!ok) return 0;
  }
  return 1;
}

/* "… ist am 16.9.1944 geboren" */
static int born_after(const scan_t *sc, size_t e) {
  size_t j = e;
  while (j < sc->n && j - e < 3 && sc->u[j] == ' ') j++;
  return j + 7 <= sc->n && memcmp(sc->s + j, "geboren", 7) == 0 &&
         (j + 7 == sc->n || !pii_is_alpha(sc->u[j + 7]));
}

static int match_date(const scan_t *sc, size_t i, match_t *m) {
  size_t e = date_end(sc, i);
  if (!e) return 0;
  const unsigned char *u = sc->u;
  int star = (i >= 1 && u[i - 1] == '*') ||
             (i >= 2 && u[i - 1] == ' ' && u[i - 2] == '*');
  if (star || birth_label_close(sc, i) || born_after(sc, e))
    return found(m, TEXT_PII_BIRTH_DATE, i, e, TEXT_PII_CHECK_NONE);
  *m = (match_t){TEXT_PII_BIRTH_DATE, i, e, TEXT_PII_CHECK_NONE, 1};
  return 1;
}

/* ----------------------------------------------------------- digit groups */

#define DSEQ_GROUPS 12
#define DSEQ_DIGITS 20

/* A run of digit groups joined by short separators ("0221 / 123 45-6"). */
typedef struct dseq {
  int ng, ndig;
  int gdig[DSEQ_GROUPS];    /* digits per group */
  size_t gend[DSEQ_GROUPS]; /* end offset of each group */
  char gsep[DSEQ_GROUPS];   /* separator before group: 0, ' ', '/', '-', '(' */
  char dig[DSEQ_DIGITS + 1];
} dseq_t;

/* Separator at j: spaces around at most one of "/-", or (phone) brackets.
 * Returns its length (0: none) and its class in *cls. */
static size_t dseq_sep(const scan_t *sc, size_t j, int phone, char *cls) {
  const unsigned char *u = sc->u;
  size_t k = j, spaces = 0, marks = 0;
  *cls = ' ';
  while (k < sc->n && k - j < 6) {
    size_t nb = pii_nbsp(u, k, sc->n);
    if (nb) {
      spaces++;
      k += nb;
      continue;
    }
    if (u[k] == ' ') spaces++;
    else if (u[k] == '/' || u[k] == '-') {
      if (marks++) return 0;
      *cls = (char)u[k];
    } else if (phone && (u[k] == '(' || u[k] == ')')) {
      *cls = '(';
    } else {
      break;
    }
    k++;
  }
  if (k == j || spaces > 2 || k >= sc->n || !pii_is_digit(u[k])) return 0;
  return k - j;
}

static void dseq_collect(const scan_t *sc, size_t i, int phone, dseq_t *d) {
  const unsigned char *u = sc->u;
  size_t j = i;
  memset(d, 0, sizeof *d);
  for (;;) {
    size_t g = j;
    while (j < sc->n && pii_is_digit(u[j])) j++;
    size_t len = j - g;
    if ((size_t)d->ndig + len > DSEQ_DIGITS || d->ng == DSEQ_GROUPS) {
      j = g;
      break;
    }
    memcpy(d->dig + d->ndig, sc->s + g, len);
    d->ndig += (int)len;
    d->gdig[d->ng] = (int)len;
    d->gend[d->ng++] = j;
    char cls;
    size_t sl = dseq_sep(sc, j, phone, &cls);
    if (!sl || j + sl - i > TEXT_PII_LOOKAHEAD || d->ng == DSEQ_GROUPS)
      break;
    d->gsep[d->ng] = cls;
    j += sl;
  }
}

/* The sequence ends cleanly after group k-1: no letter glued to it, no
 * decimal part ("0,5", "1.234"). */
static int dseq_clean_end(const scan_t *sc, const dseq_t *d, int k) {
  size_t e = d->gend[k - 1];
  if (!boundary(sc, e)) return 0;
  if (e + 1 < sc->n && (sc->u[e] == ',' || sc->u[e] == '.') &&
      pii_is_digit(sc->u[e + 1]))
    return 0;
  return 1;
}

/* Digits in groups [0, k). */
static int dseq_digits(const dseq_t *d, int k) {
  int t = 0;
  for (int g = 0; g < k; g++) t += d->gdig[g];
  return t;
}

/* Groups [0, k) joined only by spaces (or one group). */
static int dseq_spaced(const dseq_t *d, int k) {
  for (int g = 1; g < k; g++)
    if (d->gsep[g] != ' ') return 0;
  return 1;
}

/* Regional Steuernummer written with slashes: 2/3/5, 3/3/5, 3/4/4 or
 * 5/5 (5/6) digits between the slashes (spaces inside a part allowed). */
static int slash_layout(const dseq_t *d, int k) {
  int part[4] = {0}, np = 0;
  for (int g = 0; g < k; g++) {
    if (g > 0 && d->gsep[g] == '/') {
      if (++np == 4) return 0;
    } else if (g > 0 && d->gsep[g] != ' ') {
      return 0;
    }
    part[np] += d->gdig[g];
  }
  if (np == 2)
    return (part[0] == 2 || part[0] == 3) && (part[1] == 3 || part[1] == 4) &&
           (part[2] == 4 || part[2] == 5);
  if (np == 1) return part[0] == 5 && d->dig[0] != '0';
  return 0;
}

static int match_tax_number(const scan_t *sc, const dseq_t *d, size_t i,
                            int labelled, match_t *m) {
  for (int k = d->ng; k > 0; k--) {
    int nd = dseq_digits(d, k);
    if (nd != 10 && nd != 11 && nd != 13) continue;
    if (!dseq_clean_end(sc, d, k)) continue;
    if (!labelled && !slash_layout(d, k)) continue;
    return found(m, TEXT_PII_TAX_NUMBER, i, d->gend[k - 1],
                 check_of(text_pii_check_tax_number(d->dig, (size_t)nd)));
  }
  return 0;
}

static int match_tax_id(const scan_t *sc, const dseq_t *d, size_t i,
                        int labelled, match_t *m) {
  if (d->dig[0] == '0') return 0;
  for (int k = 1; k <= d->ng; k++) {
    if (dseq_digits(d, k) != 11) continue;
    if (!dseq_spaced(d, k) || !dseq_clean_end(sc, d, k)) return 0;
    int ok = text_pii_check_tax_id(d->dig, 11);
    if (!ok && !labelled) return 0;
    return found(m, TEXT_PII_TAX_ID, i, d->gend[k - 1], check_of(ok));
  }
  return 0;
}

static int match_phone_seq(const scan_t *sc, const dseq_t *d, size_t start,
                           int min_digits, match_t *m) {
  if (d->ndig < min_digits || d->ndig > 15) return 0;
  if (!dseq_clean_end(sc, d, d->ng)) return 0;
  return found(m, TEXT_PII_PHONE, start, d->gend[d->ng - 1],
               TEXT_PII_CHECK_NONE);
}

/* Shape of a German number without a label: "0" and a non-zero digit
 * (or "00" and a country code), an area code of at least three digits with
 * the leading zero, and either a separator after it or 10+ digits in one
 * piece ("01711234567", not "0640612" or "01 02 03"). */
static int national_phone(const dseq_t *d) {
  if (d->dig[0] != '0') return 0;
  if (d->dig[1] == '0' && (d->ndig < 3 || d->dig[2] == '0')) return 0;
  if (d->gdig[0] < 3) return 0;
  return d->ng >= 2 || d->ndig >= 10;
}

static int match_digits(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  if (i >= 2 && strchr(".,-/", u[i - 1]) && pii_is_digit(u[i - 2]))
    return 0; /* the tail of "1.234", "0,5" or "11.2-0312/2026" */
  dseq_t d;
  dseq_collect(sc, i, 1, &d);
  if (pii_label_before(sc->s, i, isbn_labels) ||
      pii_label_before(sc->s, i, file_ref_labels)) {
    /* a book number or a file reference, not a phone number: consume it */
    *m = (match_t){TEXT_PII_PHONE, i, d.gend[d.ng - 1], TEXT_PII_CHECK_NONE, 1};
    return 1;
  }
  size_t lid = pii_label_before(sc->s, i, tax_id_labels);
  size_t lno = pii_label_before(sc->s, i, tax_no_labels);
  if (lno && lno >= lid && match_tax_number(sc, &d, i, 1, m)) return 1;
  if (match_tax_id(sc, &d, i, lid != 0, m)) return 1;
  if (match_tax_number(sc, &d, i, 0, m)) return 1;
  if (national_phone(&d) && match_phone_seq(sc, &d, i, 7, m)) return 1;
  if (pii_label_before(sc->s, i, phone_labels))
    return match_phone_seq(sc, &d, i, 5, m);
  return 0;
}

/* "+49 (0) 221 12345-67", "(0221) 12345" */
static int match_phone_mark(const scan_t *sc, size_t i, match_t *m) {
  const unsigned char *u = sc->u;
  if (i > 0 && pii_is_word(u[i - 1])) return 0;
  if (i + 1 >= sc->n || !pii_is_digit(u[i + 1])) return 0;
  if (u[i] == '(' && u[i + 1] != '0') return 0;
  dseq_t d;
  dseq_collect(sc, i + 1, 1, &d);
  return match_phone_seq(sc, &d, i, u[i] == '+' ? 8 : 7, m);
}

/* ------------------------------------------------------------------- scan */

static int try_word(const scan_t *sc, size_t i, match_t *m) {
  unsigned char c = sc->u[i];
  if (match_email(sc, i, m)) return 1;
  if (pii_is_upper(c)) {
    if (match_iban(sc, i, m) || match_vat(sc, i, m) ||
        match_document(sc, i, m))
      return 1;
    size_t e = pii_icd_code(sc->s, sc->n, i);
    if (e) return found(m, TEXT_PII_HEALTH, i, e, TEXT_PII_CHECK_NONE);
  }
  if (pii_is_digit(c))
    return match_social_security(sc, i, m) || match_document(sc, i, m) ||
           match_date(sc, i, m) || match_digits(sc, i, m);
  size_t e = pii_health_word(sc->s, sc->n, i);
  if (e) return found(m, TEXT_PII_HEALTH, i, e, TEXT_PII_CHECK_NONE);
  return 0;
}

static int list_push(text_pii_list_t *l, const match_t *m) {
  if (l->n == TEXT_PII_MAX_FINDINGS) {
    l->truncated = 1;
    return 0;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    text_pii_finding_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = (text_pii_finding_t){m->type, m->start, m->end, m->valid,
                                      text_pii_special_category(m->type)};
  return 0;
}

int text_pii_scan(const char *s, size_t n, unsigned flags,
                  text_pii_list_t *out, lotse_err_t *err) {
  if ((!s && n) || !out)
    return lotse_err_set(err, LOTSE_EINVAL, "pii scan: no text or no list");
  scan_t sc = {s, (const unsigned char *)s, n};
  size_t i = 0;
  while (i < n) {
    unsigned char c = sc.u[i];
    match_t m;
    int hit = 0;
    if (c == '+' || c == '(') hit = match_phone_mark(&sc, i, &m);
    else if ((pii_is_digit(c) || pii_is_alpha(c) || c >= 0xC0) &&
             (i == 0 || !word_at(&sc, i - 1)))
      hit = try_word(&sc, i, &m);
    if (!hit) {
      i++;
      continue;
    }
    i = m.end > i ? m.end : i + 1;
    if (m.skip || (m.valid == TEXT_PII_CHECK_INVALID &&
                   (flags & TEXT_PII_ONLY_VALID)))
      continue;
    int rc = list_push(out, &m);
    if (rc) return lotse_err_set(err, rc, "pii scan: out of memory");
  }
  return 0;
}

void text_pii_list_release(text_pii_list_t *l) {
  if (!l) return;
  free(l->v);
  *l = (text_pii_list_t){0};
}
