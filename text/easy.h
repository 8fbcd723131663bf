/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/easy.h — deterministic checks of a German text against the rules
 * of Leichte Sprache (easy-to-read German), with byte-offset findings and
 * German messages, plus the readability scores of text/readability.h.
 *
 * Each rule is a heuristic over words and sentences as split by
 * text_rd_split(); none needs a model. What each one matches:
 *   sentence_length  a sentence with more than max_words words (numbers
 *                    count as words).
 *   statements       more than one statement: a comma or ";" followed by
 *                    a word that opens a clause (und, oder, aber, denn,
 *                    weil, dass, wenn, obwohl, damit, ob, als, während,
 *                    nachdem, bevor, sodass, relative pronouns der/die/das/
 *                    dem/den/deren/dessen/welche…), a ";" inside the
 *                    sentence, or "aber"/"denn"/"sondern", which always
 *                    join clauses. "und" without a comma is not flagged
 *                    (it mostly joins nouns: "Kinder und Eltern").
 *   passive          a form of "werden" (wird, werden, wurde, wurden,
 *                    worden …) followed in the same clause (no comma,
 *                    colon, quote, bracket or dash between) by a
 *                    lower-case participle: [separable prefix: ab, an,
 *                    auf, aus, ein, zu …] ge…t / ge…en (6+ letters),
 *                    …iert, be-/ver-/er-/ent-/zer- …t, or a strong
 *                    participle from a short list (entschieden …).
 *   genitive         "des"/"eines" followed within three words by a
 *                    capitalised word ending in -s; or a capitalised noun
 *                    (not the sentence's first word) + "der" + a
 *                    capitalised word, optionally with one lower-case
 *                    adjective between ("der Antrag der neuen Mieterin").
 *   subjunctive      Konjunktiv II forms: würde, hätte, wäre, könnte,
 *                    müsste, sollte, dürfte, bräuchte, käme, ginge (and
 *                    their person forms).
 *   negation         nicht, nichts, kein*, nie, niemals, niemand,
 *                    nirgends, weder.
 *   abbreviation     abbreviations with a dot (z. B., d. h., u. a., bzw.,
 *                    ggf., usw., evtl., Abs., Nr., Art., vgl., ca.,
 *                    inkl., …), "§", and words of 2–6 letters written in
 *                    capitals (GPS, SGB).
 *   roman_numeral    a canonical Roman numeral of two or more letters
 *                    (II, IV, XII), except words that are more often
 *                    something else (CD, DC, MD, MM, CM, MC).
 *   large_number     a number above 1000 (years 1900–2100 written with
 *                    four digits excepted), and five or more digits
 *                    without grouping ("12000": "12 000" is easier).
 *   percentage       a number followed by "%" or "Prozent".
 *   date             a date in digits (01.02.2026, 1.2.26); the message
 *                    suggests the written-out form ("1. Februar 2026").
 *   long_word        a word with more than long_letters letters (default
 *                    12) and no Mediopunkt or hyphen; the message
 *                    suggests a split (see text_easy_split()).
 *   foreign_word     a word from a small list of English/technical words
 *                    (Homepage, Download, online, Rechtsbehelf …) or with
 *                    non-German letter patterns (a "c" not followed by h
 *                    or k, "y", "ou", "-ing" but not "-ling" at the end of
 *                    a word of 6+ letters),
 *                    unless explained: "(" follows it, or its sentence or
 *                    the next one contains "bedeutet" or "heißt".
 *
 * Contract: findings in ascending start order (ties by rule), offsets on
 * UTF-8 boundaries, end exclusive; the input is not modified. Messages
 * and hints are German.
 */
#ifndef LOTSE_TEXT_EASY_H
#define LOTSE_TEXT_EASY_H

#include "text/readability.h"

typedef enum {
  TEXT_EASY_SENTENCE_LENGTH = 0,
  TEXT_EASY_STATEMENTS,
  TEXT_EASY_PASSIVE,
  TEXT_EASY_GENITIVE,
  TEXT_EASY_SUBJUNCTIVE,
  TEXT_EASY_NEGATION,
  TEXT_EASY_ABBREVIATION,
  TEXT_EASY_ROMAN,
  TEXT_EASY_LARGE_NUMBER,
  TEXT_EASY_PERCENTAGE,
  TEXT_EASY_DATE,
  TEXT_EASY_LONG_WORD,
  TEXT_EASY_FOREIGN,
  TEXT_EASY_RULE_COUNT
} text_easy_rule_t;

typedef struct text_easy_finding {
  text_easy_rule_t rule;
  size_t start, end;
  size_t sentence; /* index of the sentence */
  char hint[96];   /* German suggestion, may be empty */
} text_easy_finding_t;

typedef struct text_easy_opts {
  int max_words;    /* sentence_length threshold; 0 = default 12 */
  int long_letters; /* long_word threshold; 0 = default 12 */
} text_easy_opts_t;

typedef struct text_easy_result {
  text_easy_finding_t *f;
  size_t n, cap;
  size_t sentences;
  size_t sentences_short; /* sentences passing sentence_length */
  size_t sentences_clean; /* sentences with no finding at all */
  text_readability_t scores;
} text_easy_result_t;

const char *text_easy_rule_id(text_easy_rule_t r);      /* "passive" */
const char *text_easy_rule_message(text_easy_rule_t r); /* German */

/* Checks s[0..n); h may be NULL (syllables and splits degrade). */
int text_easy_check(const char *s, size_t n, const text_hyphen_t *h,
                    const text_easy_opts_t *opts, text_easy_result_t *res,
                    lotse_err_t *err);
void text_easy_result_release(text_easy_result_t *res);

/* Suggested split of a compound word into out ("Kranken·versicherung"),
 * from the hyphenation points of h: a point after a linking element
 * ("-ungs", "-heits", "-keits", "-ions", "-täts", "-s") scores highest,
 * then one before a verb prefix (ver-, be-, ge-, ent-, er-, an-, ab-,
 * auf-, aus-, ein-, vor-, nach-, über-, unter-), then one after "-en"
 * or "-er"; both parts need at least four letters, ties go to the middle.
 * Returns 0 and an empty out when no point qualifies. */
int text_easy_split(const text_hyphen_t *h, const char *w, size_t n,
                    char *out, size_t cap);

#endif
