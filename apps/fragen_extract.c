/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen_extract.c — the answer without a language model: from each
 * of the best passages the sentence(s) sharing the most words with the
 * question, quoted and cited.
 *
 * Contract: the output only quotes text of the given sources, each quote
 * followed by its source's [n]; brackets inside quotes become parentheses
 * so that every [n] in the answer is a citation. Linear in the input.
 * Matching is deliberately simple (ASCII and German umlaut case folding,
 * shared prefixes for inflected forms); the search has already ranked.
 * See also: apps/fragen.h.
 */
#include "apps/fragen.h"

#include <stdlib.h>
#include <string.h>

#define TERMS_MAX 32
#define TERM_LEN 48
#define QUOTE_FIRST 700 /* bytes quoted from the best passage */
#define QUOTE_MORE 350  /* bytes quoted from each further passage */
#define SPANS_MAX 16    /* sources considered */
#define PREFIX 6      /* shared bytes that make two long words one term */

typedef struct terms {
  char t[TERMS_MAX][TERM_LEN];
  size_t len[TERMS_MAX];
  size_t n;
} terms_t;

static const char *const STOP[] = {
    "aber", "alle", "auch", "auf", "aus", "bei", "bin", "bis", "das", "dass",
    "dem", "den", "der", "des", "die", "dies", "diese", "dieser", "ein",
    "eine", "einem", "einen", "einer", "for", "fuer", "f\xc3\xbcr", "gibt",
    "habe", "haben", "hat", "ich", "ihr", "ist", "kann", "man", "mein",
    "meine", "mich", "mir", "mit", "muss", "nach", "nicht", "oder", "sich",
    "sie", "sind", "the", "und", "uns", "von", "vom", "wann", "warum", "was",
    "welche", "welcher", "welches", "wenn", "wer", "werden", "wie", "wir",
    "wird", "wo", "wobei", "woher", "wohin", "zum", "zur", NULL};

static int is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Lower-case copy of a word (ASCII and Latin-1 capitals in UTF-8). */
static size_t fold(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    else if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 &&
             c <= 0x9E && c != 0x97)
      c = (unsigned char)(c + 0x20);
    out[k++] = (char)c;
  }
  out[k] = '\0';
  return k;
}

static int is_stop(const char *w) {
  for (size_t i = 0; STOP[i]; i++)
    if (strcmp(STOP[i], w) == 0) return 1;
  return 0;
}

static void terms_from(terms_t *t, const char *q) {
  t->n = 0;
  for (size_t i = 0; q[i] && t->n < TERMS_MAX;) {
    if (!is_word_byte((unsigned char)q[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (q[j] && is_word_byte((unsigned char)q[j])) j++;
    char w[TERM_LEN];
    size_t n = fold(q + i, j - i, w, sizeof w);
    i = j;
    if (n < 3 || is_stop(w)) continue;
    int dup = 0;
    for (size_t k = 0; k < t->n; k++) dup |= strcmp(t->t[k], w) == 0;
    if (dup) continue;
    memcpy(t->t[t->n], w, n + 1);
    t->len[t->n++] = n;
  }
}

static int same_term(const char *a, size_t na, const char *b, size_t nb) {
  if (na >= PREFIX && nb >= PREFIX) return memcmp(a, b, PREFIX) == 0;
  size_t m = na < nb ? na : nb;
  return memcmp(a, b, m) == 0;
}

/* Distinct question terms in s[0..n). */
static int score(const terms_t *t, const char *s, size_t n) {
  unsigned hit = 0;
  for (size_t i = 0; i < n;) {
    if (!is_word_byte((unsigned char)s[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && is_word_byte((unsigned char)s[j])) j++;
    char w[TERM_LEN];
    size_t wn = fold(s + i, j - i, w, sizeof w);
    if (wn >= 3)
      for (size_t k = 0; k < t->n; k++)
        if (same_term(t->t[k], t->len[k], w, wn)) hit |= 1u << k;
    i = j;
  }
  return __builtin_popcount(hit);
}

/* Abbreviations that end with '.' inside a sentence (legal and
 * administrative German). */
static const char *const ABBREV[] = {
    "Abs", "Alt", "Anm", "Art", "Aufl", "Az", "Beschl", "Bl", "Dr", "Hs",
    "Kap", "Mio", "Mrd", "Nr", "Prof", "Rn", "Rz", "St", "Str", "Tz", "Urt",
    "Var", "Ziff", "bspw", "bzw", "ca", "etc", "evtl", "gem", "ggf", "inkl",
    "insb", "lit", "sog", "usw", "vgl", "zzgl", NULL};

/* Whether the '.' at s[i] ends a sentence: not after a short number (an
 * ordinal: "2. April"), a single letter ("z. B.") or a known abbreviation,
 * and not when a lower-case word follows. */
static int period_ends(const char *s, size_t i, size_t n) {
  size_t w = i;
  while (w > 0 && is_word_byte((unsigned char)s[w - 1])) w--;
  size_t len = i - w;
  int digits = len > 0;
  for (size_t k = w; k < i; k++) digits &= s[k] >= '0' && s[k] <= '9';
  if ((digits && len <= 3) || len == 1) return 0;
  for (size_t k = 0; ABBREV[k]; k++)
    if (strlen(ABBREV[k]) == len && memcmp(ABBREV[k], s + w, len) == 0) return 0;
  size_t j = i + 1;
  while (j < n && s[j] == ' ') j++;
  if (j < n && s[j] >= 'a' && s[j] <= 'z') return 0;
  if (j + 1 < n && (unsigned char)s[j] == 0xC3 &&
      strchr("\xa4\xb6\xbc\x9f", s[j + 1]) != NULL)
    return 0; /* ä ö ü ß */
  return 1;
}

/* A paragraph number glued to the next sentence ("…lassen.7Sie hat"), as
 * text extracted from court decisions often has: the end of 1 to 3 digits
 * followed by a capital letter at i, or i. */
static size_t numbered_start(const char *s, size_t i, size_t n) {
  size_t j = i;
  while (j < n && j - i < 4 && s[j] >= '0' && s[j] <= '9') j++;
  if (j == i || j - i > 3 || j >= n) return i;
  if ((s[j] >= 'A' && s[j] <= 'Z') ||
      (j + 1 < n && (unsigned char)s[j] == 0xC3 &&
       strchr("\x84\x96\x9c", s[j + 1]) != NULL)) /* Ä Ö Ü */
    return j;
  return i;
}

/* End of the sentence starting at i: after '.', '!' or '?' followed by
 * white space (see period_ends), or at a line break, or at n. */
static size_t sentence_end(const char *s, size_t i, size_t n) {
  for (; i < n; i++) {
    if (s[i] == '\n') return i + 1;
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
        (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\n') &&
        (s[i] != '.' || period_ends(s, i, n)))
      return i + 1;
    if (s[i] == '.' && numbered_start(s, i + 1, n) > i + 1) return i + 1;
  }
  return n;
}

static size_t utf8_back(const char *s, size_t max) {
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
  return max;
}

/* Append s[0..n) squeezed: white space runs as one space, brackets as
 * parentheses, trimmed. */
static int put_squeezed(lotse_buf_t *b, const char *s, size_t n) {
  int space = 0, any = 0, rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    char c = s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = any;
      continue;
    }
    if (space) rc = lotse_buf_putc(b, ' ');
    space = 0;
    any = 1;
    if (c == '[') c = '(';
    else if (c == ']') c = ')';
    if (!rc) rc = lotse_buf_putc(b, c);
  }
  return rc;
}

/* The quoted part of one source and how well it matches. */
typedef struct span {
  size_t src, from, to;
  int score;
} span_t;

/* The best sentence of text and the one after it when it also matches and
 * both fit max bytes; the first sentences when none matches. */
static span_t best_span(const terms_t *t, const char *s, size_t n,
                        size_t max) {
  int best = -1;
  size_t bi = 0, be = 0;
  for (size_t i = 0; i < n;) {
    i = numbered_start(s, i, n);
    size_t e = sentence_end(s, i, n);
    int sc = score(t, s + i, e - i);
    if (sc > best) {
      best = sc;
      bi = i;
      be = e;
    }
    i = e;
  }
  if (best > 0 && be < n) {
    size_t e2 = sentence_end(s, be, n);
    if (e2 - bi <= max && score(t, s + be, e2 - be) > 0) be = e2;
  }
  if (best <= 0) { /* nothing matched: the start of the passage */
    bi = 0;
    be = n;
    best = 0;
  }
  return (span_t){.from = bi, .to = be, .score = best};
}

static int put_quote(lotse_buf_t *b, const fragen_source_t *src,
                     const span_t *sp, size_t max) {
  const char *s = src->text ? src->text : "";
  size_t from = sp->from, to = sp->to;
  int cut = 0;
  if (to - from > max) {
    to = from + utf8_back(s + from, max);
    cut = 1;
  }
  int rc = lotse_buf_puts(b, "- \xe2\x80\x9e"); /* „ */
  if (!rc) rc = put_squeezed(b, s + from, to - from);
  if (!rc && cut) rc = lotse_buf_puts(b, " \xe2\x80\xa6"); /* … */
  if (!rc) rc = lotse_buf_printf(b, "\xe2\x80\x9c [%d]\n", src->n); /* “ */
  return rc;
}

char *fragen_extract(const char *question, const fragen_source_t *src,
                     size_t n, size_t max) {
  terms_t t;
  terms_from(&t, question ? question : "");
  span_t sp[SPANS_MAX];
  size_t ns = 0;
  /* The best span of each source, ordered by score (ties: search rank). */
  for (size_t i = 0; i < n && ns < SPANS_MAX; i++) {
    const char *s = src[i].text ? src[i].text : "";
    span_t x = best_span(&t, s, strlen(s), QUOTE_FIRST);
    x.src = i;
    size_t k = ns++;
    while (k > 0 && sp[k - 1].score < x.score) {
      sp[k] = sp[k - 1];
      k--;
    }
    sp[k] = x;
  }
  lotse_buf_t b;
  lotse_buf_init(&b, 1u << 20);
  int rc = lotse_buf_puts(&b, FRAGEN_TEXT_EXTRACTIVE "\n\n");
  for (size_t k = 0; k < ns && k < max && !rc; k++)
    rc = put_quote(&b, &src[sp[k].src], &sp[k], k ? QUOTE_MORE : QUOTE_FIRST);
  if (rc) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}
