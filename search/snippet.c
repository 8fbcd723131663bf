/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/snippet.c — the passage excerpt shown with a hit: the window of
 * words with the most distinct query terms, hits between the marks.
 *
 * Why not FTS5's snippet(): it re-runs the full-text match for every hit
 * and cannot see that a compound part matched; here the passage is analysed
 * once with the same analyzer as the index, and a word is a hit when its
 * term or one of its compound parts is a query term (or starts with a query
 * prefix).
 * Invariant: the output is the passage's own text (whitespace squeezed),
 * cut at word boundaries, never cutting a UTF-8 sequence.
 */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_WORDS_MAX 4096 /* words looked at per passage */

typedef struct word {
  size_t start, end;
  int term; /* index of the query term it matches, -1 if none */
} word_t;

typedef struct scan {
  const search_query_t *q;
  word_t *w;
  size_t n, cap;
} scan_t;

static int term_index(const search_query_t *q, const char *t, size_t n) {
  for (size_t i = 0; i < q->terms.n; i++)
    if (strlen(q->terms.v[i]) == n && !memcmp(q->terms.v[i], t, n))
      return (int)i;
  for (size_t i = 0; i < q->prefixes.n; i++) {
    size_t pl = strlen(q->prefixes.v[i]);
    if (pl <= n && !memcmp(q->prefixes.v[i], t, pl))
      return (int)(q->terms.n + i);
  }
  return -1;
}

static int on_term(void *ctx, const char *t, size_t n, size_t start,
                   size_t end, int colocated) {
  scan_t *sc = ctx;
  int hit = term_index(sc->q, t, n);
  if (colocated && sc->n && sc->w[sc->n - 1].start == start) {
    if (sc->w[sc->n - 1].term < 0) sc->w[sc->n - 1].term = hit;
    return 0;
  }
  if (colocated && sc->n) { /* joined form of a hyphenated word */
    if (hit >= 0 && sc->w[sc->n - 1].term < 0) sc->w[sc->n - 1].term = hit;
    return 0;
  }
  if (sc->n == SNIPPET_WORDS_MAX) return 1;
  if (sc->n == sc->cap) {
    size_t cap = sc->cap ? sc->cap * 2 : 256;
    word_t *w = realloc(sc->w, cap * sizeof *w);
    if (!w) return 1;
    sc->w = w;
    sc->cap = cap;
  }
  sc->w[sc->n++] = (word_t){start, end, hit};
  return 0;
}

/* Start of the best window of len words: most distinct terms, then most
 * hits, then earliest. */
static size_t best_window(const word_t *w, size_t n, size_t len,
                          size_t nterms) {
  if (n <= len) return 0;
  unsigned char *seen = calloc(nterms ? nterms : 1, 1);
  size_t best = 0;
  int best_score = -1;
  for (size_t s = 0; s + len <= n && seen; s++) {
    if (w[s].term < 0 && s) continue; /* windows start at a hit */
    memset(seen, 0, nterms ? nterms : 1);
    int distinct = 0, hits = 0;
    for (size_t i = s; i < s + len; i++) {
      if (w[i].term < 0) continue;
      hits++;
      if (!seen[w[i].term]) seen[w[i].term] = 1, distinct++;
    }
    int score = distinct * 1000 + hits;
    if (score > best_score) best_score = score, best = s;
  }
  free(seen);
  /* Show a little context before the first hit. */
  return best > 3 ? best - 3 : 0;
}

/* Append text[a, b) with whitespace runs squeezed to one space. */
static int put_text(lotse_buf_t *b, const char *t, size_t a, size_t e) {
  int rc = 0;
  for (size_t i = a; i < e && !rc; i++) {
    char c = t[i];
    int ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (ws && (b->len == 0 || b->data[b->len - 1] == ' ')) continue;
    rc = lotse_buf_putc(b, ws ? ' ' : c);
  }
  return rc;
}

static char *render(const char *text, const word_t *w, size_t n, size_t from,
                    size_t len, const search_opts_t *o) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  size_t to = from + len < n ? from + len : n;
  int rc = from ? lotse_buf_puts(&b, "\xE2\x80\xA6") : 0; /* … */
  size_t pos = from ? w[from].start : 0;
  for (size_t i = from; i < to && !rc; i++) {
    rc = put_text(&b, text, pos, w[i].start);
    if (!rc && w[i].term >= 0) rc = lotse_buf_puts(&b, o->mark_open);
    if (!rc) rc = put_text(&b, text, w[i].start, w[i].end);
    if (!rc && w[i].term >= 0) rc = lotse_buf_puts(&b, o->mark_close);
    pos = w[i].end;
  }
  size_t tail = to < n ? w[to].start : strlen(text);
  /* Keep punctuation right after the last word, not the next word. */
  size_t end = pos;
  while (end < tail && text[end] != ' ' && text[end] != '\n') end++;
  if (!rc) rc = put_text(&b, text, pos, to < n ? end : tail);
  while (!rc && b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
  if (!rc && to < n) rc = lotse_buf_puts(&b, "\xE2\x80\xA6");
  if (rc) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

char *search_snippet_make(search_t *s, const search_query_t *q,
                          const char *text, const search_opts_t *o) {
  scan_t sc = {.q = q};
  text_analyze(s->an, text, strlen(text), 0, on_term, &sc);
  size_t len = (size_t)o->snippet_tokens;
  size_t from = best_window(sc.w, sc.n, len,
                            q->terms.n + q->prefixes.n);
  char *out = sc.n ? render(text, sc.w, sc.n, from, len, o) : NULL;
  if (!sc.n) { /* only stop words: show the beginning */
    lotse_buf_t b;
    lotse_buf_init(&b, 1 << 16);
    size_t n = strlen(text) < 200 ? strlen(text) : 200;
    while (n && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
    if (put_text(&b, text, 0, n)) lotse_buf_release(&b);
    out = lotse_buf_detach(&b);
  }
  free(sc.w);
  return out;
}
