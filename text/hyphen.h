/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/hyphen.h — German hyphenation points and syllable counts, a thin
 * wrapper around libhyphen with Debian's hyphen-de patterns
 * (/usr/share/hyphen/hyph_de_DE.dic, ISO-8859-1, reformed spelling).
 *
 * Contract:
 *   - text_hyphen_get() loads the pattern file once per process (first
 *     call; thread-safe) from $LOTSE_HYPHEN_DIC or TEXT_HYPHEN_DEFAULT and
 *     returns the shared dictionary; a missing or unreadable file is a
 *     clear LOTSE_ENOTFOUND error (every later call reports it again).
 *   - Words are UTF-8; they are lower-cased and converted to ISO-8859-1
 *     internally. A word with a letter outside ISO-8859-1 has no split
 *     points (and counts as one syllable per vowel group, see below).
 *   - text_hyphen_points() writes byte offsets into the word (ascending,
 *     0 < off < n, on UTF-8 boundaries) where a hyphen may be inserted,
 *     with at least two letters on either side (the usual typesetting
 *     rule), and returns their number (at most max are written).
 *   - text_hyphen_syllables() counts vowel groups, where a split point
 *     found with one letter allowed on either side that falls between two
 *     vowels ("The-a-ter", "Mu-se-um") starts a new group; words without
 *     a vowel (numbers, "§") count 0. Words the patterns do not cover
 *     (non-Latin-1 letters, > TEXT_HYPHEN_WORD_MAX bytes) fall back to
 *     counting vowel groups (a, e, i, o, u, y, ä, ö, ü; "ie", "ei", "au",
 *     "eu", "äu" are one group by construction).
 */
#ifndef LOTSE_TEXT_HYPHEN_H
#define LOTSE_TEXT_HYPHEN_H

#include "base/base.h"

#include <stddef.h>

#define TEXT_HYPHEN_DEFAULT "/usr/share/hyphen/hyph_de_DE.dic"
#define TEXT_HYPHEN_WORD_MAX 256 /* bytes; longer words: fallback */

typedef struct text_hyphen text_hyphen_t;

/* The shared dictionary; NULL with err filled when the file is missing. */
const text_hyphen_t *text_hyphen_get(lotse_err_t *err);

/* Split points of word[0..n) (see contract); -1 never: 0 when none. */
int text_hyphen_points(const text_hyphen_t *h, const char *word, size_t n,
                       size_t *pts, size_t max);

/* Syllables of word[0..n); h may be NULL (vowel-group fallback only). */
int text_hyphen_syllables(const text_hyphen_t *h, const char *word,
                          size_t n);

#endif
