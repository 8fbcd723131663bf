/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/text.h — German text analysis for search: normalisation, stop words,
 * compound splitting, Snowball stemming, and the FTS5 tokenizer "lotse_de"
 * built from them.
 *
 * Layering: text/ depends only on base/ (and SQLite's FTS5 API, utf8proc,
 * libstemmer); store/ registers the tokenizer on every connection it opens.
 *
 * The analysis of one word, in order:
 *   1. NFKC + case folding (utf8proc); "ß" becomes "ss";
 *   2. umlaut equivalence: "ae", "oe", "ue" are read as "ä", "ö", "ü"
 *      (not "ue" after "q", not "u" between vowels, as Snowball german2),
 *      so "Müller" and "Mueller" give the same term;
 *   3. stop words are dropped (unless TEXT_KEEP_STOPWORDS);
 *   4. compounds are split with a lexicon ("urlaubsantrag" -> "urlaub" +
 *      "antrag", linking elements such as -s-, -es-, -n-, -en- allowed);
 *      the parts are emitted as colocated terms at the word's position;
 *   5. Snowball German stemming; umlauts fold to their base vowel.
 *
 * Contract for the FTS5 tokenizer: documents (FTS5_TOKENIZE_DOCUMENT and
 * FTS5_TOKENIZE_AUX) go through the full analysis. Queries
 * (FTS5_TOKENIZE_QUERY) are *pre-analysed terms*: search/ builds every MATCH
 * expression from text_analyze() output, so in query mode the tokenizer
 * emits each whitespace-separated piece verbatim. Never pass raw user text
 * to MATCH.
 */
#ifndef LOTSE_TEXT_H
#define LOTSE_TEXT_H

#include "base/base.h"

#include <sqlite3.h>

typedef struct text_analyzer text_analyzer_t;

enum {
  TEXT_KEEP_STOPWORDS = 1 << 0, /* emit stop words too */
  TEXT_NO_COMPOUNDS = 1 << 1,   /* do not split compounds */
  TEXT_NO_STEM = 1 << 2         /* stop after step 2 (prefix queries) */
};

/* One output term. start/end are byte offsets of the source word in the
 * analysed text; colocated is 1 for compound parts that share the position
 * of the preceding full word. Return non-zero to stop the analysis (that
 * value is then returned by text_analyze). */
typedef int (*text_term_cb)(void *ctx, const char *term, size_t len,
                            size_t start, size_t end, int colocated);

/* The lexicon and stop words are loaded once per process (thread-safe);
 * an analyzer holds the per-thread stemmer and a word cache. */
int text_analyzer_new(text_analyzer_t **out, lotse_err_t *err);
void text_analyzer_free(text_analyzer_t *a); /* NULL is a no-op */
int text_analyze(text_analyzer_t *a, const char *s, size_t n, int flags,
                 text_term_cb cb, void *ctx);

/* Steps 1 and 2 for one word, plus umlaut folding to the base vowel, as
 * used for prefix queries: "Anträ" -> "antra". Caller frees. */
char *text_fold_prefix(text_analyzer_t *a, const char *word, size_t n);

/* Is the (folded) word a stop word? */
int text_is_stopword(const char *folded, size_t n);

/* Split a folded word into lexicon parts; fills up to max part pointers
 * into buf (NUL-separated) and returns the number of parts (0 or 1 when the
 * word is not a compound). Exposed for tests and for `lotse analyze`. */
int text_compound_split(text_analyzer_t *a, const char *folded, size_t n,
                        char *buf, size_t bufsz, const char **parts,
                        int max);

/* Register the FTS5 tokenizer "lotse_de" on db. */
int text_fts5_register(sqlite3 *db, lotse_err_t *err);

/* Where the compound lexicon is read from; default
 * /usr/share/hunspell/de_DE.dic, overridable with LOTSE_LEXICON. */
const char *text_lexicon_path(void);

#endif
