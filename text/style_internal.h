/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/style_internal.h — tables of the style check (text/style_phrases.c),
 * shared with the unit tests.
 */
#ifndef LOTSE_TEXT_STYLE_INTERNAL_H
#define LOTSE_TEXT_STYLE_INTERNAL_H

#include <stddef.h>

/* A bureaucratic phrase: ASCII letters compare case-insensitively, a space
 * matches any run of white space, a trailing '*' lets the last word go on
 * ("diesbezüglich*" also finds "diesbezügliche"). */
typedef struct style_phrase {
  const char *phrase;
  const char *plain; /* German alternative */
} style_phrase_t;

/* A Funktionsverbgefüge: the noun part (a phrase as above) and, '|'
 * separated, the beginnings of the verb's forms; the verb must stand in
 * the same sentence. */
typedef struct style_fvg {
  const char *noun;
  const char *verbs;
  const char *plain;
} style_fvg_t;

extern const style_phrase_t style_phrases[];
extern const size_t style_phrases_n;
/* Dotted abbreviations to write out (plain = the long form). */
extern const style_phrase_t style_dotted[];
extern const size_t style_dotted_n;
extern const style_fvg_t style_fvgs[];
extern const size_t style_fvgs_n;
/* Abbreviations everyone knows (never reported), NULL-terminated. */
extern const char *const style_known_abbrevs[];
/* Dotted abbreviations after which a full stop does not end a sentence
 * (without the dot, lower-case compare), NULL-terminated. */
extern const char *const style_dotted_abbrevs[];

#endif
