/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/style.h — deterministic style check for administrative German
 * (Schreibassistenz): very long sentences, chains of nominalisations,
 * Funktionsverbgefüge, passive voice, stacked genitives, bureaucratic
 * phrases with plainer alternatives and abbreviations used before they
 * are defined.
 *
 * Contract:
 *   - text_style_check() reads n bytes of UTF-8 (invalid bytes are
 *     tolerated and never part of a word) and appends findings sorted by
 *     start, then rule. start/end are byte offsets, end exclusive. Findings
 *     of different rules may overlap. The input is not modified.
 *   - Each finding carries a German message and a German suggestion
 *     (NUL-terminated, at most TEXT_STYLE_MSG_MAX - 1 bytes).
 *   - The list never grows past TEXT_STYLE_MAX_FINDINGS (then truncated is
 *     set and the check still returns 0).
 *   - Thread-safe: no global mutable state. Time is linear in n times the
 *     size of the built-in tables.
 *
 * Heuristics (documented for users in docs/cli/write.md):
 *   sentences end at . ! ? ; or a blank line; a full stop after a digit or
 *   after a known abbreviation ("z.", "Abs.", "Nr." …) does not end one.
 *   A word is a run of letters, digits and inner hyphens.
 */
#ifndef LOTSE_TEXT_STYLE_H
#define LOTSE_TEXT_STYLE_H

#include "base/base.h"

#include <stdbool.h>
#include <stddef.h>

/* Stable ids (text_style_rule_id); add new rules at the end. */
typedef enum {
  TEXT_STYLE_LONG_SENTENCE = 0, /* "long_sentence" */
  TEXT_STYLE_NOMINAL_CHAIN = 1, /* "nominal_chain": -ung/-heit/-keit/-ion */
  TEXT_STYLE_FUNCTION_VERB = 2, /* "function_verb": Funktionsverbgefüge */
  TEXT_STYLE_PASSIVE = 3,       /* "passive" */
  TEXT_STYLE_GENITIVE_CHAIN = 4,/* "genitive_chain" */
  TEXT_STYLE_PHRASE = 5,        /* "phrase": bureaucratic phrase */
  TEXT_STYLE_ABBREVIATION = 6,  /* "abbreviation": not defined before */
  TEXT_STYLE_RULE_COUNT
} text_style_rule_t;

#define TEXT_STYLE_MSG_MAX 192
#define TEXT_STYLE_MAX_FINDINGS 10000
#define TEXT_STYLE_DEFAULT_MAX_WORDS 25

typedef struct text_style_finding {
  text_style_rule_t rule;
  size_t start, end; /* byte offsets, end exclusive */
  char message[TEXT_STYLE_MSG_MAX];
  char suggestion[TEXT_STYLE_MSG_MAX];
} text_style_finding_t;

typedef struct text_style_list {
  text_style_finding_t *v;
  size_t n, cap;
  bool truncated;
} text_style_list_t;

typedef struct text_style_opts {
  unsigned max_words; /* a sentence with more words is reported; 0: 25 */
} text_style_opts_t;

/* opts may be NULL (defaults). Returns 0, or LOTSE_ENOMEM/LOTSE_EINVAL. */
int text_style_check(const char *text, size_t n, const text_style_opts_t *opts,
                     text_style_list_t *out, lotse_err_t *err);
void text_style_list_release(text_style_list_t *l);

const char *text_style_rule_id(text_style_rule_t r);
/* One JSON object (no newline): rule, start, end, message, suggestion. */
int text_style_finding_json(const text_style_finding_t *f, lotse_buf_t *b);

/* Table sizes, for tests and documentation. */
size_t text_style_phrase_count(void);
size_t text_style_fvg_count(void);

#endif
