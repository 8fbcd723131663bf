/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/pii.h — detection of personal data (PII) in German text: bank
 * accounts, tax and social-security numbers, identity documents, phone
 * numbers, e-mail addresses, dates of birth in context and health terms
 * (Art. 9 GDPR), with check digits validated where the number has one.
 *
 * Contract (what the runtime gate relies on):
 *   - text_pii_scan() reads n bytes of UTF-8 (invalid bytes are tolerated
 *     and never matched) and appends findings in ascending start order; the
 *     spans of two findings never overlap. start/end are byte offsets into
 *     the input, end exclusive, and always fall on UTF-8 sequence
 *     boundaries of valid input. The input is not modified and no copy of
 *     a matched value is kept: a finding carries offsets only.
 *   - Time is linear in n: every matcher looks at most a bounded number of
 *     bytes ahead (TEXT_PII_LOOKAHEAD) and behind (TEXT_PII_CONTEXT).
 *   - valid is the result of the number's own check (check digit, or for
 *     the Steuernummer the layout of the state it belongs to); types
 *     without such a check report TEXT_PII_CHECK_NONE. A number whose check
 *     fails is still reported (as TEXT_PII_CHECK_INVALID) when its form is
 *     unambiguous (e.g. "DE" + 9 digits) or a label stands before it
 *     ("IBAN", "Steuer-ID" …): a mistyped number is still personal data.
 *     Bare digit strings without a label are reported only when valid.
 *   - text_pii_data_class() maps a type to the data class it implies, by
 *     the name store/ uses ("personenbezogen"; store_class_parse() turns it
 *     into STORE_CLASS_*); special_category marks Art. 9 data (health),
 *     which the gate must treat above "personenbezogen".
 *   - Numbers may be grouped with spaces, no-break spaces (U+00A0) and the
 *     separators usual for their type ("DE89 3704 …", "181/815/08155",
 *     "0221 / 123 45-67", "DE 221.304.969").
 *   - Thread-safe: no global mutable state.
 *
 * Ownership: the caller owns the text_pii_list_t and releases it with
 * text_pii_list_release(); the list never outgrows TEXT_PII_MAX_FINDINGS
 * (further findings set truncated = 1, the scan still returns 0).
 *
 * See also: docs/cli/pii.md, eval/pii.c (vectors and false-positive rate).
 */
#ifndef LOTSE_TEXT_PII_H
#define LOTSE_TEXT_PII_H

#include "base/base.h"

#include <stdbool.h>
#include <stddef.h>

/* Stable ids: never renumber (they may be stored); add new types at the
 * end. The id strings (text_pii_type_id) are stable too. */
typedef enum {
  TEXT_PII_IBAN = 0,            /* "iban" */
  TEXT_PII_TAX_ID = 1,          /* "tax_id": Steuer-IdNr, 11 digits */
  TEXT_PII_TAX_NUMBER = 2,      /* "tax_number": Steuernummer */
  TEXT_PII_VAT_ID = 3,          /* "vat_id": USt-IdNr DE + 9 digits */
  TEXT_PII_SOCIAL_SECURITY = 4, /* "social_security": RV-Nummer */
  TEXT_PII_ID_CARD = 5,         /* "id_card": Personalausweis */
  TEXT_PII_PASSPORT = 6,        /* "passport": Reisepass */
  TEXT_PII_PHONE = 7,           /* "phone" */
  TEXT_PII_EMAIL = 8,           /* "email" */
  TEXT_PII_BIRTH_DATE = 9,      /* "birth_date": a date after "geb." … */
  TEXT_PII_HEALTH = 10,         /* "health": health terms, ICD-10 codes */
  TEXT_PII_TYPE_COUNT
} text_pii_type_t;

typedef enum {
  TEXT_PII_CHECK_INVALID = -1, /* the number's check failed */
  TEXT_PII_CHECK_NONE = 0,     /* the type has no check */
  TEXT_PII_CHECK_VALID = 1     /* check digit (or layout) correct */
} text_pii_check_t;

typedef struct text_pii_finding {
  text_pii_type_t type;
  size_t start, end;      /* byte offsets, end exclusive */
  text_pii_check_t valid;
  bool special_category;  /* Art. 9 GDPR (health) */
} text_pii_finding_t;

#define TEXT_PII_MAX_FINDINGS 100000
#define TEXT_PII_LOOKAHEAD 96 /* bytes a matcher may read past its start */
#define TEXT_PII_CONTEXT 48   /* bytes searched for a label before a value */

typedef struct text_pii_list {
  text_pii_finding_t *v;
  size_t n, cap;
  int truncated; /* more than TEXT_PII_MAX_FINDINGS were found */
} text_pii_list_t;

enum {
  /* Drop findings whose check failed (keep valid and unchecked ones). */
  TEXT_PII_ONLY_VALID = 1u << 0
};

/* ------------------------------------------------------------ text/pii.c */

/* Scan s[0..n) and append the findings to out (which the caller has
 * zero-initialised or reused). Returns 0, LOTSE_EINVAL for NULL arguments,
 * LOTSE_ENOMEM. On error out keeps the findings appended so far. */
int text_pii_scan(const char *s, size_t n, unsigned flags,
                  text_pii_list_t *out, lotse_err_t *err);
void text_pii_list_release(text_pii_list_t *l); /* NULL is a no-op */

const char *text_pii_type_id(text_pii_type_t t);    /* "iban"; "?" */
const char *text_pii_type_label(text_pii_type_t t); /* German: "IBAN" */
int text_pii_type_parse(const char *id);             /* type or -1 */
const char *text_pii_check_name(text_pii_check_t c); /* "valid" … */

/* The data class a finding of type t implies ("personenbezogen"), and
 * whether it is a special category under Art. 9 GDPR. */
const char *text_pii_data_class(text_pii_type_t t);
bool text_pii_special_category(text_pii_type_t t);

/* ------------------------------------------------------ text/pii_check.c */

/* Check functions over a compact value (separators removed, letters
 * upper-case as written). Each returns 1 when valid, 0 when not. Exposed
 * for tests and the eval; text_pii_scan() uses them. */
int text_pii_check_iban(const char *s, size_t n);   /* "DE89370400440532013000" */
int text_pii_check_tax_id(const char *s, size_t n); /* 11 digits */
int text_pii_check_vat_de(const char *s, size_t n); /* 9 digits after "DE" */
/* 10 or 11 digits (regional form: every such string fits the layout of
 * some state, so only the length is checked) or 13 digits (federal ELSTER
 * form: the state prefix and the "0" after the Finanzamt number). No
 * state publishes its check-digit procedure in a form we can rely on, so
 * "valid" for a Steuernummer means "fits a state's layout". */
int text_pii_check_tax_number(const char *s, size_t n);
/* 12 characters: area (2), birth date DDMMYY, letter, serial (2), check. */
int text_pii_check_social_security(const char *s, size_t n);
/* ICAO 9303 check digit (weights 7, 3, 1) of s[0..n-1) against s[n-1]. */
int text_pii_check_icao(const char *s, size_t n);

#endif
