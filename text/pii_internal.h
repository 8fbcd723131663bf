/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/pii_internal.h — what the files of the PII scanner share: the IBAN
 * registry lookups (pii_check.c), label search and byte classes (pii.c),
 * the health vocabulary (pii_health.c).
 */
#ifndef LOTSE_TEXT_PII_INTERNAL_H
#define LOTSE_TEXT_PII_INTERNAL_H

#include "text/pii.h"

#include <stddef.h>

/* text/pii_check.c */
/* Total IBAN length for the country code cc[0..2), 0 if unknown. */
int pii_iban_length(const char *cc);
/* Country known, length and BBAN structure right (checksum not tested). */
int pii_iban_structure_ok(const char *s, size_t n);

/* text/pii.c */
static inline int pii_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int pii_is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static inline int pii_is_alpha(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
/* Letters, digits and every byte of a multi-byte UTF-8 sequence (so "ü"
 * counts as part of a word). */
static inline int pii_is_word(unsigned char c) {
  return pii_is_digit(c) || pii_is_alpha(c) || c >= 0x80;
}
/* Length of a no-break space (U+00A0, as copied from office documents)
 * at u[j], 0 if there is none. */
static inline size_t pii_nbsp(const unsigned char *u, size_t j, size_t n) {
  return j + 1 < n && u[j] == 0xC2 && u[j + 1] == 0xA0 ? 2 : 0;
}
/* Is one of labels (lower-case, NULL-terminated list) written, starting at
 * a word boundary, in the TEXT_PII_CONTEXT bytes before pos? Returns the
 * offset just past the nearest such label + 1, or 0 when there is none. */
size_t pii_label_before(const char *s, size_t pos,
                        const char *const *labels);

/* text/pii_health.c */
/* If a health term starts at s[i] (a word start), return the end of the
 * word holding it; 0 otherwise. */
size_t pii_health_word(const char *s, size_t n, size_t i);
/* If an ICD-10 code ("F32.1", "M54.5 G") starts at s[i] and a diagnosis
 * label stands before it, return its end; 0 otherwise. */
size_t pii_icd_code(const char *s, size_t n, size_t i);

#endif
