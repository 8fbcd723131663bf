/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/text_internal.h — shared internals of the text/ module: word
 * folding, the process-wide lexicon and stop words, the affix expander,
 * the compound splitter and the per-analyzer word cache.
 *
 * Invariants: (1) every "folded" word is the output of text_fold_word():
 * NFKC + case folded, "ß" -> "ss", "ae/oe/ue" -> "ä/ö/ü", valid UTF-8;
 * (2) process-wide data (lexicon, stop words) is built once under
 * pthread_once and is read-only afterwards, so it is shared by all threads;
 * (3) nothing here keeps per-thread state except text_analyzer_t.
 */
#ifndef LOTSE_TEXT_INTERNAL_H
#define LOTSE_TEXT_INTERNAL_H

#include "text/text.h"

#include <stddef.h>
#include <stdint.h>

/* Longest surface token (bytes) that is analysed; longer tokens (hashes,
 * base64, run-together garbage) are skipped. Folded words get the same
 * cap. Lengths fit in one byte everywhere below. */
#define TEXT_WORD_MAX 128
/* Words shorter than this (code points) are never split. */
#define TEXT_COMPOUND_MIN_WORD 8
/* Parts shorter than this (code points) are never used. */
#define TEXT_COMPOUND_MIN_PART 3
/* At most this many parts per compound. */
#define TEXT_COMPOUND_MAX_PARTS 4
/* Terms of one word: prefix form, stem and the part stems. */
#define TEXT_TERMS_MAX (2 + TEXT_COMPOUND_MAX_PARTS)

/* ------------------------------------------------------------ fold.c */

/* Steps 1 and 2 for one word: writes the folded form to out (cap bytes,
 * not NUL-terminated) and returns its length, 0 if nothing is left, or a
 * negative LOTSE_E* code (LOTSE_ETOOBIG when it does not fit, LOTSE_EINVAL
 * for invalid UTF-8). */
int text_fold_word(const char *s, size_t n, char *out, size_t cap);
/* "ae/oe/ue" -> "ä/ö/ü" german2-style on an already case-folded word;
 * returns the length written to out (cap >= n suffices: never grows;
 * in == out is allowed). */
size_t text_fold_umlaut_pairs(const char *s, size_t n, char *out);
/* "ä/ö/ü" -> "a/o/u" in place; returns the new length. */
size_t text_fold_umlaut_base(char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t text_utf8_count(const char *s, size_t n);

/* ------------------------------------------------------- stopwords.c */

/* Fold the built-in list; called once from text_global_init(). */
int text_stopwords_build(void);

/* -------------------------------------------------------------- init.c */

/* Build the process-wide tables (stop words, lexicon) exactly once. */
void text_global_init(void);

/* ------------------------------------------------------------ lexicon.c */

enum {
  TEXT_LEX_STANDALONE = 1, /* a word on its own */
  TEXT_LEX_INCOMPOUND = 2, /* a form that only occurs inside compounds */
  TEXT_LEX_MODIFIER = 4,   /* may begin a compound or stand inside one */
  TEXT_LEX_HEAD = 8        /* may end a compound */
};

typedef struct text_lexicon text_lexicon_t;

/* Load once (called under pthread_once); NULL when the file is missing or
 * unreadable, after logging one warning. */
text_lexicon_t *text_lexicon_load(const char *path);
/* The process-wide lexicon or NULL (compound splitting off). */
const text_lexicon_t *text_lexicon_get(void);
/* 0 when w is absent, else an OR of TEXT_LEX_* flags. */
int text_lexicon_lookup(const text_lexicon_t *lx, const char *w, size_t n);
/* The same with h == text_hash(w, n) already known. */
int text_lexicon_lookup_h(const text_lexicon_t *lx, const char *w, size_t n,
                          uint32_t h);
/* 0 when no lexicon word starts with the bytes whose text_hash() is h
 * (a Bloom-style filter: 1 may be a false positive). */
int text_lexicon_maybe_prefix(const text_lexicon_t *lx, uint32_t h);
size_t text_lexicon_size(const text_lexicon_t *lx);

/* -------------------------------------------------------------- affix.c */

/* Hunspell suffix rules (SFX) of selected flags, used to expand dictionary
 * entries into derived forms ("abrechnen/J" -> "abrechnung"). */
typedef struct text_affix text_affix_t;

/* Parse the .aff file at path, keeping only rules of the flags in keep.
 * NULL when the file is missing or unreadable. */
text_affix_t *text_affix_load(const char *path, const char *keep);
enum {
  TEXT_AFFIX_FORBIDDEN,
  TEXT_AFFIX_NEEDAFFIX,
  TEXT_AFFIX_ONLYINCOMPOUND,
  TEXT_AFFIX_COMPOUNDBEGIN,
  TEXT_AFFIX_COMPOUNDMIDDLE,
  TEXT_AFFIX_COMPOUNDEND,
  TEXT_AFFIX_COMPOUNDFLAG
};
/* The flag character declared for one of the TEXT_AFFIX_* keys, or 0. */
char text_affix_special(const text_affix_t *af, int which);

enum {
  TEXT_AFFIX_ROLE_BEGIN = 1,
  TEXT_AFFIX_ROLE_MIDDLE = 2,
  TEXT_AFFIX_ROLE_END = 4
};
/* Compound roles (TEXT_AFFIX_ROLE_*) that a .dic entry with these flags
 * has: directly, and with with_identity also through identity rules
 * ("SFX j 0 0/xoc ." gives the bare word the role COMPOUNDBEGIN). */
int text_affix_roles(const text_affix_t *af, const char *flags, size_t n,
                     int with_identity);
/* Does the .aff declare compound roles at all? */
int text_affix_has_roles(const text_affix_t *af);
void text_affix_free(text_affix_t *af);
/* Call emit for every form derived from word (n bytes) with the given
 * flag characters. Forms longer than TEXT_WORD_MAX are skipped. */
typedef void (*text_affix_emit_fn)(void *ctx, const char *form, size_t n);
void text_affix_expand(const text_affix_t *af, const char *word, size_t n,
                       const char *flags, size_t nflags,
                       text_affix_emit_fn emit, void *ctx);

/* ------------------------------------------------------------ compound.c */

typedef struct text_span {
  uint8_t off; /* byte offset of the part in the folded word */
  uint8_t len; /* bytes of the part, linking element excluded */
} text_span_t;

/* Split a folded word; fills parts and returns their number (>= 2), or 0
 * when the word is not split. */
int text_compound_find(const text_lexicon_t *lx, const char *w, size_t n,
                       text_span_t *parts, int max);

/* -------------------------------------------------------------- cache.c */

/* One analysed surface word: terms[0] is the prefix form (steps 1-2 plus
 * umlaut folding), terms[1] the stem, terms[2..] the compound part stems
 * (without repeats). nterms == 0 yields nothing. */
typedef struct text_word {
  int stop;
  int nterms;
  const char *term[TEXT_TERMS_MAX];
  uint8_t len[TEXT_TERMS_MAX];
} text_word_t;

typedef struct text_cache text_cache_t;

text_cache_t *text_cache_new(void);
void text_cache_free(text_cache_t *c);
/* 1 and *out filled when key is cached, else 0. Pointers in *out stay
 * valid until the next text_cache_put(). */
int text_cache_get(text_cache_t *c, const char *key, size_t n, uint32_t h,
                   text_word_t *out);
/* Store w under key; may clear the whole cache first when it is full.
 * Returns 0 or LOTSE_ENOMEM (then nothing is stored). */
int text_cache_put(text_cache_t *c, const char *key, size_t n, uint32_t h,
                   const text_word_t *w);
/* FNV-1a, 32 bit; incremental: text_hash(s, n + 1) ==
 * text_hash_step(text_hash(s, n), s[n]). */
#define TEXT_HASH_INIT 2166136261u
static inline uint32_t text_hash_step(uint32_t h, unsigned char c) {
  return (h ^ c) * 16777619u;
}
uint32_t text_hash(const char *s, size_t n);

/* ------------------------------------------------------------ analyze.c */

/* Analyse one folded-or-surface word without touching the cache (used by
 * the cache-miss path); terms are written into scratch (>= 1 KiB). */
int text_word_build(text_analyzer_t *a, const char *surface, size_t n,
                    char *scratch, size_t scratchsz, text_word_t *out);

#endif
