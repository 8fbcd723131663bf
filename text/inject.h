/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/inject.h — screening text for hidden instructions (prompt
 * injection): invisible characters (zero-width, bidi controls, Unicode tag
 * characters that smuggle ASCII), chat role markers of model templates and
 * instruction patterns in German and English ("ignoriere alle vorherigen
 * Anweisungen", "ignore previous instructions", "du bist jetzt", "system
 * prompt", "in your response …"). Text hidden by markup (HTML, DOCX) is
 * found by ingest/ while extracting; it reaches the screen as
 * TEXT_INJECT_HIDDEN_TEXT findings (see ingest/ingest.h, ingest_hidden_t).
 *
 * Contract (what the runtime gate relies on):
 *   - text_inject_scan() reads n bytes of UTF-8 (invalid bytes are
 *     tolerated and never matched) and appends findings sorted by start
 *     (ties: longer first). start/end are byte offsets into the input, end
 *     exclusive, on UTF-8 sequence boundaries. Findings of different types
 *     may overlap (an instruction spelled with zero-width characters
 *     between its letters is both). The input is not modified.
 *   - Each finding has a score 0..100 (how sure we are that it is an
 *     attack, not how harmful it would be) and a stable rule id; the list
 *     has an overall score: the highest finding score plus 10 for every
 *     further rule that fired with a score of at least
 *     TEXT_INJECT_CORROBORATE, at most 100 (weak signals alone, however
 *     many, never add up to an attack: a long text has some). text_inject_suspicious() is
 *     score >= TEXT_INJECT_THRESHOLD: the gate refuses or strips above it
 *     and may just log below it.
 *   - Matching of instruction patterns is word-based: case, German umlauts
 *     (ä = ae = a), Cyrillic/Greek look-alike letters and invisible
 *     characters inside words do not hide a pattern.
 *   - Time is linear in n (patterns span a bounded number of words).
 *   - Thread-safe: no global mutable state.
 *
 * Ownership: the caller owns the text_inject_list_t (zero-initialised) and
 * releases it with text_inject_list_release(); at most
 * TEXT_INJECT_MAX_FINDINGS findings are kept (truncated = 1 beyond).
 * text_inject_strip() returns a new string the caller frees.
 *
 * See also: docs/cli/screen.md, eval/inject.c (BIPIA detection rate,
 * false positives on German news sentences).
 */
#ifndef LOTSE_TEXT_INJECT_H
#define LOTSE_TEXT_INJECT_H

#include "base/base.h"

#include <stdbool.h>
#include <stddef.h>

/* Stable ids: never renumber; add new types at the end. */
typedef enum {
  TEXT_INJECT_ZERO_WIDTH = 0,  /* "zero_width": U+200B..U+200D, U+2060,
                                  U+FEFF not at the start */
  TEXT_INJECT_BIDI = 1,        /* "bidi": U+202A..U+202E, U+2066..U+2069 */
  TEXT_INJECT_TAG = 2,         /* "tag_chars": U+E0000..U+E007F */
  TEXT_INJECT_INVISIBLE = 3,   /* "invisible": other format characters */
  TEXT_INJECT_INSTRUCTION = 4, /* "instruction": a pattern matched */
  TEXT_INJECT_ROLE_MARKER = 5, /* "role_marker": <|im_start|>, [INST] … */
  TEXT_INJECT_HIDDEN_TEXT = 6, /* "hidden_text": hidden by markup */
  TEXT_INJECT_TYPE_COUNT
} text_inject_type_t;

typedef struct text_inject_finding {
  text_inject_type_t type;
  size_t start, end; /* byte offsets, end exclusive */
  int score;         /* 0..100 */
  const char *rule;  /* stable id, static: "ignore_previous", "zwsp" … */
  const char *label; /* German description of the rule, static */
  unsigned count;    /* characters in a run of invisible characters */
} text_inject_finding_t;

#define TEXT_INJECT_MAX_FINDINGS 100000
#define TEXT_INJECT_THRESHOLD 50
/* Findings from this score on add to the overall score of a list. */
#define TEXT_INJECT_CORROBORATE 40

typedef struct text_inject_list {
  text_inject_finding_t *v;
  size_t n, cap;
  int truncated; /* more than TEXT_INJECT_MAX_FINDINGS were found */
  int score;     /* overall score, see the contract */
} text_inject_list_t;

enum {
  /* Characters only: skip instruction patterns and role markers. */
  TEXT_INJECT_NO_PATTERNS = 1u << 0,
  /* Patterns only: skip invisible characters. */
  TEXT_INJECT_NO_CHARS = 1u << 1
};

enum {
  /* text_inject_strip(): remove zero-width, bidi, tag and other invisible
   * characters found. */
  TEXT_INJECT_STRIP_CHARS = 1u << 0,
  /* Remove each sentence holding an instruction or role-marker finding
   * with a score >= TEXT_INJECT_THRESHOLD (from the previous '.', '!',
   * '?' or line break to the next, trailing blanks included). */
  TEXT_INJECT_STRIP_INSTRUCTIONS = 1u << 1,
  TEXT_INJECT_STRIP_ALL = 3u
};

/* ---------------------------------------------------------- text/inject.c */

/* Scan s[0..n) and append the findings to out (zero-initialised or
 * reused: findings are appended, the list is re-sorted and its score
 * recomputed). Returns 0, LOTSE_EINVAL for NULL arguments, LOTSE_ENOMEM
 * (out then keeps what was found so far). */
int text_inject_scan(const char *s, size_t n, unsigned flags,
                     text_inject_list_t *out, lotse_err_t *err);

/* Append one finding found elsewhere (ingest's hidden text) and update the
 * score. 0 or LOTSE_ENOMEM. */
int text_inject_list_add(text_inject_list_t *l,
                         const text_inject_finding_t *f);
void text_inject_list_release(text_inject_list_t *l); /* NULL: no-op */
bool text_inject_suspicious(const text_inject_list_t *l);

/* s[0..n) without what the findings of l (a scan of exactly this s) mark
 * for removal under `what` (TEXT_INJECT_STRIP_*). *out is NUL-terminated;
 * *out_len (may be NULL) its length. 0, LOTSE_EINVAL, LOTSE_ENOMEM. */
int text_inject_strip(const char *s, size_t n, const text_inject_list_t *l,
                      unsigned what, char **out, size_t *out_len,
                      lotse_err_t *err);

const char *text_inject_type_id(text_inject_type_t t);    /* "bidi"; "?" */
const char *text_inject_type_label(text_inject_type_t t); /* German */
int text_inject_type_parse(const char *id);               /* type or -1 */

/* ---------------------------------- shared by text/inject*.c (and tests) */

#include <stdint.h>

/* Append without sorting or rescoring (the scan does both at the end). */
int text_inject_push(text_inject_list_t *l, const text_inject_finding_t *f);
/* Decode the UTF-8 sequence at s[i] into *cp: its length, 0 if invalid. */
size_t text_inject_utf8(const unsigned char *s, size_t n, size_t i,
                        uint32_t *cp);
/* text/inject_patterns.c: role markers and instruction patterns. Appends
 * (unsorted); 0 or LOTSE_ENOMEM. */
int text_inject_scan_patterns(const char *s, size_t n,
                              text_inject_list_t *out);
/* The folded form of one code point as the pattern matcher sees it:
 * writes up to 2 ASCII bytes to out and returns their number; 0 for a
 * separator, -1 for a character skipped inside words (invisible,
 * apostrophe), and '#' (1 byte) for letters of other scripts. */
int text_inject_fold(uint32_t cp, char out[2]);

#endif
