/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/analyze.c — the analyzer: tokenisation of a text into words, the
 * per-word pipeline of text.h (fold, stop words, compounds, stemming) and
 * the emission of terms with byte offsets into the input.
 *
 * Tokens are maximal runs of letters (any Unicode category L*) and digits
 * (N*); combining marks (M*) and format characters (Cf, e.g. the soft
 * hyphen) continue a token but never start one. Invalid UTF-8 bytes and
 * everything else separate tokens. Tokens longer than TEXT_WORD_MAX bytes
 * are skipped (hashes, base64, garbage).
 * Hyphenated words ("E-Mail", "Kfz-Steuer", joined by '-', U+2010 or
 * U+2011 without spaces, up to 8 parts) are emitted as their parts, each at
 * its own position; when every part contains a non-digit, the joined form
 * ("email", "kfzsteuer") follows the first emitted part as a colocated term
 * whose offsets span the whole hyphenated word. So "E-Mail" finds "Email"
 * and the other way round; "3-5" is not joined.
 * Compound parts of a word are colocated terms with the word's offsets,
 * after the word's own stem, without duplicates.
 * Flags: TEXT_NO_STEM emits, per word, the folded form with umlauts folded
 * to their base vowel (the text_fold_prefix() form, which is how the index
 * spells umlauts) and no compound parts; stop words are dropped in every
 * mode unless TEXT_KEEP_STOPWORDS. Stop words leave no gap in positions.
 * Contract: one analyzer per thread (the Snowball stemmer and the cache are
 * not thread-safe); the lexicon and stop words are shared.
 */
#include "text/text_internal.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define GROUP_MAX 8 /* parts of one hyphenated word */
#define SCRATCH_SIZE 2048

struct text_analyzer {
  struct sb_stemmer *stemmer;
  text_cache_t *cache;
  const text_lexicon_t *lx;
  char scratch[SCRATCH_SIZE];
};

int text_analyzer_new(text_analyzer_t **out, lotse_err_t *err) {
  if (!out) return lotse_err_set(err, LOTSE_EINVAL, "no output pointer");
  *out = NULL;
  text_global_init();
  text_analyzer_t *a = calloc(1, sizeof *a);
  if (!a) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  a->stemmer = sb_stemmer_new("german", "UTF_8");
  a->cache = text_cache_new();
  a->lx = text_lexicon_get();
  if (!a->stemmer || !a->cache) {
    text_analyzer_free(a);
    return lotse_err_set(err, LOTSE_ENOMEM,
                         "unable to create the german stemmer");
  }
  *out = a;
  return 0;
}

void text_analyzer_free(text_analyzer_t *a) {
  if (!a) return;
  if (a->stemmer) sb_stemmer_delete(a->stemmer);
  text_cache_free(a->cache);
  free(a);
}

/* --------------------------------------------------- one word, uncached */

typedef struct term_sink {
  text_word_t *w;
  char *p, *end;
} term_sink_t;

/* Append a term unless it repeats the stem or an earlier part. */
static int sink_add(term_sink_t *s, const char *t, size_t n, int dedupe) {
  if (n == 0 || n > 255) return 0;
  for (int i = 1; dedupe && i < s->w->nterms; i++)
    if (s->w->len[i] == n && memcmp(s->w->term[i], t, n) == 0) return 0;
  if ((size_t)(s->end - s->p) < n || s->w->nterms == TEXT_TERMS_MAX)
    return LOTSE_ETOOBIG;
  memcpy(s->p, t, n);
  s->w->term[s->w->nterms] = s->p;
  s->w->len[s->w->nterms++] = (uint8_t)n;
  s->p += n;
  return 0;
}

static int sink_stem(term_sink_t *s, struct sb_stemmer *st, const char *w,
                     size_t n, int dedupe) {
  const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
  if (!r) return LOTSE_ENOMEM;
  int len = sb_stemmer_length(st);
  if (len <= 0) return sink_add(s, w, n, dedupe); /* never an empty term */
  return sink_add(s, (const char *)r, (size_t)len, dedupe);
}

/* Stems of the compound parts of w. Parts are not split again: a part
 * is a lexicon word, and splitting those ("verbraucher" -> "verb" +
 * "raucher") does more harm than good. */
static int sink_parts(term_sink_t *s, text_analyzer_t *a, const char *w,
                      size_t n) {
  text_span_t sp[TEXT_COMPOUND_MAX_PARTS];
  int np = text_compound_find(a->lx, w, n, sp, TEXT_COMPOUND_MAX_PARTS);
  int rc = 0;
  for (int k = 0; rc == 0 && k < np; k++)
    rc = sink_stem(s, a->stemmer, w + sp[k].off, sp[k].len, 1);
  return rc;
}

int text_word_build(text_analyzer_t *a, const char *surface, size_t n,
                    char *scratch, size_t scratchsz, text_word_t *out) {
  memset(out, 0, sizeof *out);
  char folded[TEXT_WORD_MAX];
  int fl = text_fold_word(surface, n, folded, sizeof folded);
  if (fl == LOTSE_ENOMEM) return fl;
  if (fl <= 0) return 0; /* nothing left, too long or invalid: no terms */
  out->stop = text_is_stopword(folded, (size_t)fl);
  term_sink_t s = {out, scratch, scratch + scratchsz};
  int rc = sink_add(&s, folded, (size_t)fl, 0);
  if (rc != 0) return rc;
  out->len[0] = (uint8_t)text_fold_umlaut_base(s.p - fl, (size_t)fl);
  rc = sink_stem(&s, a->stemmer, folded, (size_t)fl, 0);
  if (rc == 0 && !out->stop && a->lx)
    rc = sink_parts(&s, a, folded, (size_t)fl);
  if (rc == LOTSE_ETOOBIG) rc = 0; /* keep what fitted */
  return rc;
}

/* Cached analysis of one surface word. */
static int word_get(text_analyzer_t *a, const char *s, size_t n,
                    text_word_t *w) {
  uint32_t h = text_hash(s, n);
  if (text_cache_get(a->cache, s, n, h, w)) return 0;
  int rc = text_word_build(a, s, n, a->scratch, sizeof a->scratch, w);
  if (rc != 0) return rc;
  (void)text_cache_put(a->cache, s, n, h, w); /* on OOM: just not cached */
  return 0;
}

/* --------------------------------------------------------- emission */

typedef struct emit_ctx {
  text_analyzer_t *a;
  int flags;
  text_term_cb cb;
  void *ctx;
} emit_ctx_t;

/* Emit a word's terms; *primary is set when its main term was emitted. */
static int emit_word(emit_ctx_t *e, const char *s, size_t start, size_t end,
                     int colocated, int *primary) {
  if (end - start > TEXT_WORD_MAX) return 0;
  text_word_t w;
  int rc = word_get(e->a, s + start, end - start, &w);
  if (rc != 0 || w.nterms < 2) return rc;
  if (w.stop && !(e->flags & TEXT_KEEP_STOPWORDS)) return 0;
  if (primary) *primary = 1;
  if (e->flags & TEXT_NO_STEM)
    return e->cb(e->ctx, w.term[0], w.len[0], start, end, colocated);
  rc = e->cb(e->ctx, w.term[1], w.len[1], start, end, colocated);
  for (int k = 2; rc == 0 && k < w.nterms && !(e->flags & TEXT_NO_COMPOUNDS);
       k++)
    rc = e->cb(e->ctx, w.term[k], w.len[k], start, end, 1);
  return rc;
}

typedef struct span {
  size_t start, end;
} span_t;

/* The hyphen-free concatenation of a group, analysed as one word. */
static int emit_joined(emit_ctx_t *e, const char *s, const span_t *g, int n,
                       int colocated) {
  char buf[TEXT_WORD_MAX];
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    size_t l = g[i].end - g[i].start;
    if (len + l > sizeof buf) return 0;
    memcpy(buf + len, s + g[i].start, l);
    len += l;
  }
  text_word_t w;
  int rc = word_get(e->a, buf, len, &w);
  if (rc != 0 || w.nterms < 2) return rc;
  if (w.stop && !(e->flags & TEXT_KEEP_STOPWORDS)) return 0;
  int t = e->flags & TEXT_NO_STEM ? 0 : 1;
  return e->cb(e->ctx, w.term[t], w.len[t], g[0].start, g[n - 1].end,
               colocated);
}

static int has_non_digit(const char *s, const span_t *g) {
  for (size_t i = g->start; i < g->end; i++)
    if (s[i] < '0' || s[i] > '9') return 1;
  return 0;
}

static int emit_group(emit_ctx_t *e, const char *s, const span_t *g, int n) {
  int joined_done = n < 2;
  for (int i = 0; i < n && !joined_done; i++)
    if (!has_non_digit(s, &g[i])) joined_done = 1;
  int any = 0;
  for (int i = 0; i < n; i++) {
    int primary = 0;
    int rc = emit_word(e, s, g[i].start, g[i].end, 0, &primary);
    if (rc == 0 && primary && !joined_done) {
      joined_done = 1;
      rc = emit_joined(e, s, g, n, 1);
    }
    if (rc != 0) return rc;
    any |= primary;
  }
  return joined_done || any ? 0 : emit_joined(e, s, g, n, 0);
}

/* ------------------------------------------------------ tokenisation */

enum { CLS_SEP, CLS_WORD, CLS_JOIN };

/* Class and byte length of the character at s[i]. */
static int char_class(const unsigned char *s, size_t n, size_t i,
                      size_t *len) {
  unsigned char c = s[i];
  *len = 1;
  if (c < 0x80)
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z')
               ? CLS_WORD
               : CLS_SEP;
  if (c == 0xC3 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
    *len = 2; /* U+00C0..U+00FF: letters except U+00D7 and U+00F7 */
    return s[i + 1] == 0x97 || s[i + 1] == 0xB7 ? CLS_SEP : CLS_WORD;
  }
  utf8proc_int32_t cp;
  utf8proc_ssize_t l = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
  if (l <= 0) return CLS_SEP; /* invalid byte: skipped as a separator */
  *len = (size_t)l;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    return CLS_WORD;
  case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    return CLS_JOIN;
  default:
    return CLS_SEP;
  }
}

/* End of the token that starts at i (s[i] is a word character). */
static size_t token_end(const unsigned char *s, size_t n, size_t i) {
  while (i < n) {
    size_t l;
    if (char_class(s, n, i, &l) == CLS_SEP) break;
    i += l;
  }
  return i;
}

/* Bytes of a hyphen at s[i] that joins a word at s[i + len], else 0. */
static size_t hyphen_at(const unsigned char *s, size_t n, size_t i) {
  size_t h = 0;
  if (i < n && s[i] == '-') h = 1;
  else if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 &&
           (s[i + 2] == 0x90 || s[i + 2] == 0x91))
    h = 3;
  size_t l;
  return h && i + h < n && char_class(s, n, i + h, &l) == CLS_WORD ? h : 0;
}

int text_analyze(text_analyzer_t *a, const char *str, size_t n, int flags,
                 text_term_cb cb, void *ctx) {
  if (!a || !cb || (!str && n)) return LOTSE_EINVAL;
  const unsigned char *s = (const unsigned char *)str;
  emit_ctx_t e = {a, flags, cb, ctx};
  size_t i = 0;
  while (i < n) {
    size_t l;
    if (char_class(s, n, i, &l) != CLS_WORD) {
      i += l;
      continue;
    }
    span_t g[GROUP_MAX];
    int ng = 0;
    g[ng++] = (span_t){i, token_end(s, n, i)};
    size_t h;
    while (ng < GROUP_MAX && (h = hyphen_at(s, n, g[ng - 1].end)) != 0) {
      size_t st = g[ng - 1].end + h;
      g[ng++] = (span_t){st, token_end(s, n, st)};
    }
    i = g[ng - 1].end;
    int rc = emit_group(&e, str, g, ng);
    if (rc != 0) return rc;
  }
  return 0;
}

/* ------------------------------------------------------ compound split */

int text_compound_split(text_analyzer_t *a, const char *folded, size_t n,
                        char *buf, size_t bufsz, const char **parts,
                        int max) {
  (void)a; /* the lexicon is process-wide */
  if (!folded || !buf || !parts || max < 1) return LOTSE_EINVAL;
  if (n == 0) return 0;
  text_span_t sp[TEXT_COMPOUND_MAX_PARTS];
  int k = n <= TEXT_WORD_MAX
              ? text_compound_find(text_lexicon_get(), folded, n, sp,
                                   max < TEXT_COMPOUND_MAX_PARTS
                                       ? max
                                       : TEXT_COMPOUND_MAX_PARTS)
              : 0;
  if (k < 2) {
    if (n + 1 > bufsz) return LOTSE_ETOOBIG;
    memcpy(buf, folded, n);
    buf[n] = '\0';
    parts[0] = buf;
    return 1;
  }
  size_t used = 0;
  for (int i = 0; i < k; i++) {
    if (used + sp[i].len + 1 > bufsz) return LOTSE_ETOOBIG;
    memcpy(buf + used, folded + sp[i].off, sp[i].len);
    buf[used + sp[i].len] = '\0';
    parts[i] = buf + used;
    used += sp[i].len + 1;
  }
  return k;
}
