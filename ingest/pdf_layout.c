/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/pdf_layout.c — paragraphs and headings from a PDF page's text
 * layer. Poppler gives the text with line breaks, one glyph box per
 * character and font runs; from them each line gets its vertical extent,
 * font size and weight. A paragraph ends at a blank line, a vertical gap,
 * a change of font size or weight, or after a short line that ends a
 * sentence. After the last page, short paragraphs set larger than the body
 * text (or bold at body size) become headings, levels by size.
 *
 * Contract: works with whatever poppler delivers — when the glyph boxes or
 * font runs do not line up with the text, those cues are simply not used.
 * Invariants: the layout only records blocks this file added; headings are
 * decided once per document so levels agree across pages.
 */
#include "ingest/extract_internal.h"

#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEADING_RATIO 1.08  /* font size above body size for a heading */
#define HEADING_MAX_CHARS 200
#define HEADING_MAX_LINES 3

typedef struct line {
  size_t off, len;    /* bytes in the page text */
  size_t c0, c1;      /* character offsets [c0, c1) */
  double top, bottom; /* glyph extent; top > bottom when unknown */
  float size;         /* largest font size, 0 when unknown */
  int bold;           /* every visible character bold */
  size_t chars;       /* visible characters */
} line_t;

typedef struct page {
  const char *t;
  size_t n;
  line_t *l;
  size_t nl;
  size_t longest; /* characters of the longest line */
} page_t;

/* ----------------------------------------------------------------- lines */

static int is_space_char(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f';
}

static int split_lines(page_t *pg) {
  size_t nl = 1;
  for (size_t i = 0; i < pg->n; i++) nl += pg->t[i] == '\n';
  pg->l = calloc(nl, sizeof *pg->l);
  if (!pg->l) return LOTSE_ENOMEM;
  size_t c = 0, k = 0, start = 0;
  for (size_t i = 0; i <= pg->n; i++) {
    if (i < pg->n && pg->t[i] != '\n') {
      c += ((unsigned char)pg->t[i] & 0xC0) != 0x80;
      continue;
    }
    line_t *l = &pg->l[k++];
    l->off = start;
    l->len = i - start;
    l->c1 = c;
    l->top = 1e300;
    l->bottom = -1e300;
    l->bold = 1;
    c++; /* the '\n' is a character too */
    start = i + 1;
  }
  pg->nl = k;
  for (size_t j = 0; j < k; j++) {
    pg->l[j].c0 = j ? pg->l[j - 1].c1 + 1 : 0;
    size_t chars = pg->l[j].c1 - pg->l[j].c0;
    if (chars > pg->longest) pg->longest = chars;
  }
  return 0;
}

/* Font size and weight per character from poppler's runs. */
static int char_fonts(PopplerPage *page, size_t nchars, float **size,
                      unsigned char **bold) {
  *size = calloc(nchars + 1, sizeof **size);
  *bold = calloc(nchars + 1, 1);
  if (!*size || !*bold) return LOTSE_ENOMEM;
  GList *runs = poppler_page_get_text_attributes(page);
  for (GList *r = runs; r; r = r->next) {
    const PopplerTextAttributes *a = r->data;
    int b = a->font_name && (strcasestr(a->font_name, "bold") ||
                             strcasestr(a->font_name, "black") ||
                             strcasestr(a->font_name, "heavy"));
    for (long i = a->start_index; i >= 0 && i <= a->end_index &&
                                  (size_t)i < nchars;
         i++) {
      (*size)[i] = (float)a->font_size;
      (*bold)[i] = (unsigned char)b;
    }
  }
  poppler_page_free_text_attributes(runs);
  return 0;
}

/* Fill each line's extent, size and weight from the per-char data. */
static int line_props(page_t *pg, PopplerPage *page) {
  size_t nchars = pg->nl ? pg->l[pg->nl - 1].c1 : 0;
  PopplerRectangle *r = NULL;
  guint nr = 0;
  if (!poppler_page_get_text_layout(page, &r, &nr) || nr < nchars) nr = 0;
  float *size = NULL;
  unsigned char *bold = NULL;
  int rc = char_fonts(page, nchars, &size, &bold);
  for (size_t j = 0; !rc && j < pg->nl; j++) {
    line_t *l = &pg->l[j];
    const char *p = pg->t + l->off;
    for (size_t i = 0, c = l->c0; i < l->len; i++) {
      if (((unsigned char)p[i] & 0xC0) == 0x80) continue;
      if (!is_space_char(p[i])) {
        l->chars++;
        if (size[c] > l->size) l->size = size[c];
        l->bold &= bold[c];
        if (nr) {
          double t = fmin(r[c].y1, r[c].y2), b = fmax(r[c].y1, r[c].y2);
          l->top = fmin(l->top, t);
          l->bottom = fmax(l->bottom, b);
        }
      }
      c++;
    }
  }
  g_free(r);
  free(size);
  free(bold);
  return rc;
}

/* ------------------------------------------------------------ paragraphs */

static int ends_para(const char *s, size_t n) {
  while (n && is_space_char(s[n - 1])) n--;
  return n && strchr(".:!?", s[n - 1]);
}

/* A new paragraph starts at line j: a gap of more than 60 % of a line's
 * height, a jump up (next column), or another font size or weight. */
static int break_before(const line_t *a, const line_t *b) {
  if (a->top <= a->bottom && b->top <= b->bottom) {
    double h = a->bottom - a->top;
    if (h > 0 && (b->top - a->bottom > 0.6 * h || b->bottom < a->top))
      return 1;
  }
  if (a->size > 0 && b->size > 0 &&
      fabsf(a->size - b->size) > 0.05f * fmaxf(a->size, b->size))
    return 1;
  return a->bold != b->bold;
}

typedef struct para {
  lotse_buf_t buf;
  float size;
  int bold, nlines;
  size_t chars;
} para_t;

static int para_flush(ingest_pdf_layout_t *L, para_t *p, int pageno,
                      ingest_extract_t *x, lotse_err_t *err) {
  int rc = 0;
  size_t before = x->nblocks;
  if (p->buf.len)
    rc = ingest_add_block(x, INGEST_BLOCK_PARA, 0, pageno, p->buf.data,
                          p->buf.len, err);
  if (!rc && x->nblocks > before) {
    if (L->n == L->cap) {
      size_t cap = L->cap ? L->cap * 2 : 64;
      ingest_pdf_para_t *v = realloc(L->v, cap * sizeof *v);
      if (!v) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
      L->v = v;
      L->cap = cap;
    }
    L->v[L->n++] = (ingest_pdf_para_t){.block = before, .size = p->size,
                                       .bold = p->bold, .nlines = p->nlines,
                                       .chars = p->chars};
  }
  lotse_buf_reset(&p->buf);
  p->size = 0;
  p->bold = 1;
  p->nlines = 0;
  p->chars = 0;
  return rc;
}

static int para_line(para_t *p, const page_t *pg, const line_t *l) {
  if (ingest_para_join(&p->buf, pg->t + l->off, l->len)) return LOTSE_ENOMEM;
  if (l->size > p->size) p->size = l->size;
  p->bold &= l->bold;
  p->nlines++;
  p->chars += l->chars;
  return 0;
}

static int page_paras(ingest_pdf_layout_t *L, const page_t *pg, int pageno,
                      ingest_extract_t *x, lotse_err_t *err) {
  para_t p = {.bold = 1};
  lotse_buf_init(&p.buf, 0);
  const line_t *prev = NULL;
  int rc = 0;
  for (size_t j = 0; j < pg->nl && !rc; j++) {
    const line_t *l = &pg->l[j];
    if (!l->chars) { /* blank line */
      rc = para_flush(L, &p, pageno, x, err);
      prev = NULL;
      continue;
    }
    if (prev && break_before(prev, l)) rc = para_flush(L, &p, pageno, x, err);
    if (!rc && para_line(&p, pg, l))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    if (!rc && ends_para(pg->t + l->off, l->len) &&
        (l->c1 - l->c0) * 10 < pg->longest * 8)
      rc = para_flush(L, &p, pageno, x, err);
    prev = l;
  }
  if (!rc) rc = para_flush(L, &p, pageno, x, err);
  lotse_buf_release(&p.buf);
  return rc;
}

int ingest_pdf_layout_page(ingest_pdf_layout_t *L, struct _PopplerPage *page,
                           const char *text, int pageno, ingest_extract_t *x,
                           lotse_err_t *err) {
  page_t pg = {.t = text, .n = strlen(text)};
  int rc = split_lines(&pg);
  if (!rc) rc = line_props(&pg, page);
  if (rc) {
    free(pg.l);
    return lotse_err_set(err, rc, "out of memory");
  }
  rc = page_paras(L, &pg, pageno, x, err);
  free(pg.l);
  return rc;
}

/* -------------------------------------------------------------- headings */

static float round_half(float s) { return roundf(s * 2) / 2; }

/* The body size: the one most characters are set in (half-point steps). */
static float body_size(const ingest_pdf_layout_t *L) {
  enum { NB = 400 }; /* up to 200 pt */
  size_t *chars = calloc(NB, sizeof *chars);
  if (!chars) return 0; /* no headings then */
  for (size_t i = 0; i < L->n; i++) {
    long b = lroundf(L->v[i].size * 2);
    if (b > 0 && b < NB) chars[b] += L->v[i].chars;
  }
  size_t best = 0;
  for (size_t b = 1; b < NB; b++)
    if (chars[b] > chars[best]) best = b;
  free(chars);
  return (float)best / 2;
}

static int candidate(const ingest_pdf_para_t *p, const ingest_block_t *b,
                     float body) {
  size_t n = strlen(b->text);
  if (p->chars > HEADING_MAX_CHARS || p->nlines > HEADING_MAX_LINES || !n ||
      strchr(".,;", b->text[n - 1]))
    return 0;
  return p->size >= body * HEADING_RATIO ||
         (p->bold && p->size >= body * 0.97f);
}

void ingest_pdf_layout_headings(ingest_pdf_layout_t *L, ingest_extract_t *x) {
  float body = body_size(L);
  if (body <= 0) return;
  float sizes[5];
  size_t nsizes = 0, ncand = 0;
  for (size_t i = 0; i < L->n; i++) {
    const ingest_pdf_para_t *p = &L->v[i];
    if (!candidate(p, &x->blocks[p->block], body)) continue;
    ncand++;
    float s = round_half(p->size);
    if (p->size < body * HEADING_RATIO) continue;
    size_t k = 0;
    while (k < nsizes && sizes[k] > s) k++;
    if ((k < nsizes && sizes[k] == s) || k >= 5) continue;
    memmove(sizes + k + 1, sizes + k,
            (nsizes - k - (nsizes == 5)) * sizeof *sizes);
    sizes[k] = s;
    if (nsizes < 5) nsizes++;
  }
  /* Nearly everything "large": no usable hierarchy, leave paragraphs. */
  if (L->n >= 5 && ncand * 10 > L->n * 6) return;
  for (size_t i = 0; i < L->n; i++) {
    const ingest_pdf_para_t *p = &L->v[i];
    ingest_block_t *b = &x->blocks[p->block];
    if (!candidate(p, b, body)) continue;
    size_t k = 0;
    while (k < nsizes && sizes[k] > round_half(p->size)) k++;
    b->kind = INGEST_BLOCK_HEADING;
    b->level = (int)(p->size >= body * HEADING_RATIO ? k + 1 : nsizes + 1);
    if (b->level > 6) b->level = 6;
  }
}

void ingest_pdf_layout_release(ingest_pdf_layout_t *L) {
  free(L->v);
  L->v = NULL;
  L->n = L->cap = 0;
}
