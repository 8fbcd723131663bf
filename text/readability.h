/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/readability.h — sentence and word splitting for German text and
 * the classic readability scores: Flesch Reading Ease after Amstad (1978),
 * the four Wiener Sachtextformeln (Bamberger/Vanecek 1984) and LIX
 * (Björnsson 1968).
 *
 * Counting (the same for every score; documented so that the figures can
 * be compared with other tools):
 *   - A word is a maximal run of letters and digits (ASCII, and UTF-8
 *     letters from U+00C0 on), joined across a hyphen, a Mediopunkt
 *     (U+00B7), a soft hyphen or an apostrophe between two such characters
 *     and across "." or "," between two digits ("GPS-Geräte", "1.000").
 *     Scores count only words with at least one letter; the sentence
 *     length check of text/easy.h counts all words (numbers too).
 *   - A sentence ends at ".", "!", "?" (and runs of them) followed by a
 *     blank or the end, at ";" and ":" followed by a line break, and at a
 *     blank line. A "." does not end a sentence after a digit ("1.",
 *     "01.02.2026"), after a single letter ("z. B.") or after an
 *     abbreviation on the list in readability.c ("bzw.", "Abs.", "Nr."…).
 *     Text without an end mark is one sentence.
 *   - Syllables: text_hyphen_syllables() (hyphenation patterns).
 *   - Long words (LIX, WSTF "IW"): more than 6 letters.
 *
 * Scores (ASL = words/sentences, ASW = syllables/word, MS = % words with
 * three or more syllables, IW = % words with more than six letters,
 * ES = % one-syllable words):
 *   FRE (Amstad) = 180 - ASL - 58.5 * ASW (higher = easier; ~60-70 normal)
 *   WSTF1 = 0.1935 MS + 0.1672 ASL + 0.1297 IW - 0.0327 ES - 0.875
 *   WSTF2 = 0.2007 MS + 0.1682 ASL + 0.1373 IW - 2.779
 *   WSTF3 = 0.2963 MS + 0.1905 ASL - 1.1144
 *   WSTF4 = 0.2744 MS + 0.2656 ASL - 1.693   (school grade 4..15)
 *   LIX   = ASL + 100 * long words / words     (< 40 easy, > 60 hard)
 */
#ifndef LOTSE_TEXT_READABILITY_H
#define LOTSE_TEXT_READABILITY_H

#include "base/base.h"
#include "text/hyphen.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct text_rd_word {
  size_t start, end; /* byte offsets, end exclusive */
  int letters;       /* letter count (characters, not bytes) */
  int syllables;     /* 0 for words without letters */
  bool alpha;        /* contains a letter */
} text_rd_word_t;

typedef struct text_rd_sent {
  size_t start, end;       /* from the first word to the end mark */
  size_t first, nwords;    /* index into words */
} text_rd_sent_t;

typedef struct text_rd_doc {
  text_rd_word_t *w;
  size_t nw;
  text_rd_sent_t *s;
  size_t ns;
} text_rd_doc_t;

#define TEXT_RD_MAX_BYTES (16u << 20)

/* Splits s[0..n) into sentences and words; syllables with h (may be NULL:
 * vowel groups). LOTSE_ETOOBIG beyond TEXT_RD_MAX_BYTES. */
int text_rd_split(const char *s, size_t n, const text_hyphen_t *h,
                  text_rd_doc_t *doc, lotse_err_t *err);
void text_rd_doc_release(text_rd_doc_t *doc);

typedef struct text_readability {
  size_t sentences, words, syllables;
  size_t poly;  /* words with >= 3 syllables */
  size_t mono;  /* one-syllable words */
  size_t longw; /* words with > 6 letters */
  double asl, asw, fre, wstf[4], lix;
} text_readability_t;

/* Scores of an already split document (all 0 when it has no words). */
void text_readability_doc(const text_rd_doc_t *doc, text_readability_t *r);

/* Split and score in one go. */
int text_readability(const char *s, size_t n, const text_hyphen_t *h,
                     text_readability_t *r, lotse_err_t *err);

#endif
