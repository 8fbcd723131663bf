/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/readability.c — sentence/word splitting and readability scores
 * (rules and formulas in text/readability.h).
 */
#include "text/readability.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Abbreviations after which "." does not end a sentence (lower case,
 * without the dot). Single letters ("z. B.", "d. h.") are handled apart. */
static const char *const abbrevs[] = {
    "bzw", "ggf", "usw", "evtl", "abs", "nr", "art", "vgl", "ca", "inkl",
    "zzgl", "ggü", "gem", "lt", "sog", "str", "tel", "dr", "prof", "hr",
    "fr", "abt", "az", "bzgl", "max", "min", "mio", "mrd", "etc", "jh",
    "kap", "s", "st", "u", "v", "vs", "zb", "zt", "uvm", "einschl", NULL};

/* Length of the letter or digit character at s[i], 0 when none. */
static size_t word_char(const char *s, size_t n, size_t i, bool *letter,
                        bool *digit) {
  *letter = *digit = false;
  if (i >= n) return 0;
  unsigned char c = (unsigned char)s[i];
  if (c >= '0' && c <= '9') return *digit = true, 1;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return *letter = true, 1;
  if (c < 0xC3 || c > 0xDF || i + 1 >= n) return 0;
  unsigned char d = (unsigned char)s[i + 1];
  if ((d & 0xC0) != 0x80) return 0;
  if (c == 0xC3 && (d == 0x97 || d == 0xB7)) return 0; /* × ÷ */
  *letter = true;
  return 2;
}

/* Length of a joiner at s[i] ("-", "'", U+00B7, U+00AD), 0 when none. */
static size_t joiner(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  if (s[i] == '-' || s[i] == '\'') return 1;
  if ((unsigned char)s[i] == 0xC2 && i + 1 < n &&
      ((unsigned char)s[i + 1] == 0xB7 || (unsigned char)s[i + 1] == 0xAD))
    return 2;
  return 0;
}

static bool is_abbrev(const char *s, const text_rd_word_t *w) {
  size_t len = w->end - w->start;
  if (w->letters == 1 && w->alpha) return true;
  if (!w->alpha) return true; /* "1." "01.02." */
  for (size_t i = 0; abbrevs[i]; i++)
    if (strlen(abbrevs[i]) == len && !strncasecmp(abbrevs[i], s + w->start,
                                                  len))
      return true;
  return false;
}

typedef struct {
  text_rd_doc_t *d;
  size_t capw, caps;
} split_t;

static int push_word(split_t *sp, const text_rd_word_t *w) {
  if (sp->d->nw == sp->capw) {
    size_t cap = sp->capw ? sp->capw * 2 : 64;
    text_rd_word_t *p = realloc(sp->d->w, cap * sizeof *p);
    if (!p) return LOTSE_ENOMEM;
    sp->d->w = p, sp->capw = cap;
  }
  sp->d->w[sp->d->nw++] = *w;
  return 0;
}

static int close_sentence(split_t *sp, size_t *first, size_t end) {
  if (*first == sp->d->nw) return 0;
  if (sp->d->ns == sp->caps) {
    size_t cap = sp->caps ? sp->caps * 2 : 16;
    text_rd_sent_t *p = realloc(sp->d->s, cap * sizeof *p);
    if (!p) return LOTSE_ENOMEM;
    sp->d->s = p, sp->caps = cap;
  }
  text_rd_sent_t *t = &sp->d->s[sp->d->ns++];
  t->first = *first, t->nwords = sp->d->nw - *first;
  t->start = sp->d->w[*first].start;
  t->end = end > sp->d->w[sp->d->nw - 1].end ? end
                                              : sp->d->w[sp->d->nw - 1].end;
  *first = sp->d->nw;
  return 0;
}

/* Scans one word at s[i]; returns its end. */
static size_t scan_word(const char *s, size_t n, size_t i,
                        text_rd_word_t *w) {
  bool letter, digit, prev_digit = false;
  memset(w, 0, sizeof *w);
  w->start = i;
  for (;;) {
    size_t k = word_char(s, n, i, &letter, &digit);
    if (k) {
      w->letters += letter;
      w->alpha |= letter;
      prev_digit = digit;
      i += k;
      continue;
    }
    size_t j = joiner(s, n, i);
    if (!j && prev_digit && i < n && (s[i] == '.' || s[i] == ',')) j = 1;
    bool l2, d2;
    if (!j || i + j >= n || !word_char(s, n, i + j, &l2, &d2)) break;
    if ((s[i] == '.' || s[i] == ',') && !d2) break;
    i += j;
  }
  w->end = i;
  return i;
}

/* May a sentence end before s[j] (blank, closing quote or bracket)? */
static bool may_follow_end(const char *s, size_t n, size_t j) {
  if (j >= n) return true;
  return s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r' ||
         s[j] == '"' || s[j] == ')' || (unsigned char)s[j] == 0xE2;
}

/* End of sentence mark at s[i] (after the word before it)? Returns the
 * end offset of the mark, 0 when none. */
static size_t sentence_end(const char *s, size_t n, size_t i,
                           const text_rd_word_t *prev) {
  char c = s[i];
  size_t j = i;
  if (c == '.' || c == '!' || c == '?') {
    while (j < n && (s[j] == '.' || s[j] == '!' || s[j] == '?')) j++;
    if (!may_follow_end(s, n, j)) return 0;
    if (c == '.' && j == i + 1 && prev && prev->end == i &&
        is_abbrev(s, prev))
      return 0;
    return j;
  }
  if ((c == ';' || c == ':') && i + 1 < n && s[i + 1] == '\n') return i + 1;
  if (c == '\n') {
    j = i + 1;
    while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) j++;
    if (j < n && s[j] == '\n') return i + 1;
  }
  return 0;
}

int text_rd_split(const char *s, size_t n, const text_hyphen_t *h,
                  text_rd_doc_t *doc, lotse_err_t *err) {
  memset(doc, 0, sizeof *doc);
  if (n > TEXT_RD_MAX_BYTES)
    return lotse_err_set(err, LOTSE_ETOOBIG, "text larger than %u bytes",
                         TEXT_RD_MAX_BYTES);
  split_t sp = {doc, 0, 0};
  size_t first = 0;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0;) {
    bool letter, digit;
    if (word_char(s, n, i, &letter, &digit)) {
      text_rd_word_t w;
      i = scan_word(s, n, i, &w);
      w.syllables = w.alpha ? text_hyphen_syllables(h, s + w.start,
                                                    w.end - w.start)
                            : 0;
      if (w.alpha && w.syllables < 1) w.syllables = 1;
      rc = push_word(&sp, &w);
      continue;
    }
    const text_rd_word_t *prev = doc->nw ? &doc->w[doc->nw - 1] : NULL;
    size_t e = sentence_end(s, n, i, prev);
    if (e) {
      rc = close_sentence(&sp, &first, e);
      i = e;
    } else {
      i++;
    }
  }
  if (rc == 0) rc = close_sentence(&sp, &first, n);
  if (rc) {
    text_rd_doc_release(doc);
    return lotse_err_set(err, rc, "out of memory");
  }
  return 0;
}

void text_rd_doc_release(text_rd_doc_t *doc) {
  free(doc->w);
  free(doc->s);
  memset(doc, 0, sizeof *doc);
}

void text_readability_doc(const text_rd_doc_t *doc, text_readability_t *r) {
  memset(r, 0, sizeof *r);
  for (size_t i = 0; i < doc->ns; i++) {
    const text_rd_sent_t *t = &doc->s[i];
    size_t words = 0;
    for (size_t k = t->first; k < t->first + t->nwords; k++) {
      const text_rd_word_t *w = &doc->w[k];
      if (!w->alpha) continue;
      words++;
      r->syllables += (size_t)w->syllables;
      r->poly += w->syllables >= 3;
      r->mono += w->syllables == 1;
      r->longw += w->letters > 6;
    }
    r->words += words;
    r->sentences += words > 0;
  }
  if (!r->words) return;
  double wd = (double)r->words;
  r->asl = wd / (double)r->sentences;
  r->asw = (double)r->syllables / wd;
  double ms = 100.0 * (double)r->poly / wd;
  double iw = 100.0 * (double)r->longw / wd;
  double es = 100.0 * (double)r->mono / wd;
  r->fre = 180.0 - r->asl - 58.5 * r->asw;
  r->wstf[0] = 0.1935 * ms + 0.1672 * r->asl + 0.1297 * iw - 0.0327 * es -
               0.875;
  r->wstf[1] = 0.2007 * ms + 0.1682 * r->asl + 0.1373 * iw - 2.779;
  r->wstf[2] = 0.2963 * ms + 0.1905 * r->asl - 1.1144;
  r->wstf[3] = 0.2744 * ms + 0.2656 * r->asl - 1.693;
  r->lix = r->asl + iw;
}

int text_readability(const char *s, size_t n, const text_hyphen_t *h,
                     text_readability_t *r, lotse_err_t *err) {
  text_rd_doc_t doc;
  int rc = text_rd_split(s, n, h, &doc, err);
  if (rc) return rc;
  text_readability_doc(&doc, r);
  text_rd_doc_release(&doc);
  return 0;
}
