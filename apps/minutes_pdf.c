/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes_pdf.c — minutes as an A4 PDF in the county's fixed layout,
 * the same parts as the HTML of apps/minutes_render.c: heading
 * "Niederschrift", the head table (Sitzung, Datum TT.MM.JJJJ, Ort,
 * Anwesend), one section "TOP n: …" per agenda item with Wortbeiträge and
 * Beschlüsse (or "Keine Wortbeiträge." / "Kein Beschluss."), the task table
 * (Nr., Aufgabe, Zuständig, Frist) whose header row repeats on every page it
 * continues on, and "Seite X von Y" at the foot of each page. Text is set
 * with Pango (DejaVu Sans through fontconfig) and wraps; a bookmark per TOP;
 * tagged for screen readers (headings, tables with header cells, lists),
 * language de-DE.
 *
 * Contract: the PDF is built in memory (cairo stream surface) and appended
 * to out only when complete, so out is unchanged on error. Layout runs
 * twice with the same measurements: the first pass only counts pages (for
 * "von Y"), the second draws. Invariants: (1) a table row moves to the
 * next page whole when it fits on one, else it is split between lines;
 * (2) a list entry breaks between lines when at least two of them fit
 * before the break; (3) no line is ever cut; (4) a heading keeps room for
 * the start of what follows on its page.
 * Texts are laid out as plain text (no markup), line breaks and tabs
 * become spaces as in the HTML. Thread use: every call has its own Pango
 * font map and cairo surface. LeakSanitizer: fontconfig keeps 288 bytes
 * per process; the suppression is in text/hyphen.c (one hook a program).
 */
#include "apps/minutes.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 in PDF points */
#define PAGE_H 841.890
#define MARGIN_X 56.69 /* 2 cm */
#define MARGIN_TOP 56.69
#define BODY_BOTTOM (PAGE_H - 70.87) /* 2.5 cm: the footer lives below */
#define BODY_W (PAGE_W - 2 * MARGIN_X)
#define PAD_X 4.0
#define MAX_CELLS 4
#define PDF_MAX ((size_t)256 << 20) /* bytes of one PDF */
#define FONT "DejaVu Sans"
#define EPS 0.01
#define TAG_DEPTH 8

typedef struct cell {
  const char *text;
  double x, w;     /* within the body, points */
  int style;       /* index into pdf_t.font */
  const char *tag; /* structure element of the cell (TD, TH, LBody), or
                      NULL: its text belongs to the row's element */
} cell_t;

typedef struct row {
  cell_t c[MAX_CELLS];
  int n;
  const char *tag; /* structure element: P, H1, H2, H3, TR, LI */
  double pad;  /* above and below the text */
  double keep; /* room wanted below it on the same page (headings) */
  int rule;    /* a line above the row */
  int shade;   /* grey background (table header) */
  int flow;    /* text that may break across pages (2 lines at least
                  before the break); else the row moves whole if it can */
} row_t;

enum { F_TEXT, F_BOLD, F_H1, F_H2, F_FOOT, F_COUNT };
static const char *const font_spec[F_COUNT] = {
    FONT " 10", FONT " Bold 10", FONT " Bold 18", FONT " Bold 13",
    FONT " 8.5"};

typedef struct pdf {
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoFontMap *fm;
  PangoContext *pc;
  PangoFontDescription *font[F_COUNT];
  lotse_buf_t bytes; /* the PDF as cairo writes it */
  int draw;          /* 0: counting pass */
  int page, pages;   /* current (1-based), total from the counting pass */
  double y;          /* top of the free space on the page */
  int fresh;         /* nothing but a repeated table header on the page */
  const row_t *thead; /* repeated at the top of a continued table */
  const char *open[TAG_DEPTH]; /* structure tags open (drawing pass) */
  int nopen;
  int thead_depth;   /* nopen with the task table's tag open */
  int row_page;      /* where the last row began (bookmarks) */
  double row_y;
  int rc;
} pdf_t;

/* One laid-out cell with the boxes of its lines (layout coordinates). */
typedef struct run {
  PangoLayout *l;
  int nlines, next; /* next: first line not yet drawn */
  double *top, *bot, *base, *lx;
  double x;
} run_t;

/* ------------------------------------------------------------ layout */

static PangoLayout *layout_new(pdf_t *p, const char *text, int style,
                               double width) {
  PangoLayout *l = pango_layout_new(p->pc);
  char *t = g_strdup(text ? text : "");
  for (char *s = t; *s; s++)
    if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
  pango_layout_set_font_description(l, p->font[style]);
  pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_auto_dir(l, FALSE); /* left-aligned German layout; a
                                          right-to-left name still reads
                                          right to left within it */
  pango_layout_set_text(l, t, -1);
  g_free(t);
  return l;
}

static void run_close(run_t *r) {
  if (r->l) g_object_unref(r->l);
  free(r->top);
  memset(r, 0, sizeof *r);
}

static int run_open(pdf_t *p, const cell_t *c, run_t *r) {
  memset(r, 0, sizeof *r);
  r->x = MARGIN_X + c->x + PAD_X;
  r->l = layout_new(p, c->text, c->style, c->w - 2 * PAD_X);
  r->nlines = pango_layout_get_line_count(r->l);
  if (r->nlines < 1) r->nlines = 1;
  r->top = malloc(4 * (size_t)r->nlines * sizeof *r->top);
  if (!r->top) return LOTSE_ENOMEM;
  r->bot = r->top + r->nlines;
  r->base = r->bot + r->nlines;
  r->lx = r->base + r->nlines;
  PangoLayoutIter *it = pango_layout_get_iter(r->l);
  int i = 0;
  do {
    PangoRectangle lr;
    pango_layout_iter_get_line_extents(it, NULL, &lr);
    r->top[i] = lr.y / (double)PANGO_SCALE;
    r->bot[i] = (lr.y + lr.height) / (double)PANGO_SCALE;
    r->lx[i] = lr.x / (double)PANGO_SCALE;
    r->base[i] = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
    i++;
  } while (i < r->nlines && pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  r->nlines = i;
  return 0;
}

static double run_height(const run_t *r) {
  return r->bot[r->nlines - 1] - r->top[0];
}

/* The height of the next piece of the row that fits into avail points.
 * When every cell's remaining lines fit: the tallest of them. Else the
 * smallest, over the cells that do not fit, of the lines that fit whole
 * (cells that fit draw what lies within it). -1 when no line of some cell
 * fits, unless the page is fresh: then that cell's first line is taken
 * anyway, so the layout always advances. */
static double segment(const run_t *run, int n, double avail, int fresh) {
  double all = 0, cut = -1;
  for (int i = 0; i < n; i++) {
    const run_t *r = &run[i];
    if (r->next >= r->nlines) continue;
    double off = r->top[r->next];
    int j = r->next;
    while (j < r->nlines && r->bot[j] - off <= avail + EPS) j++;
    if (j == r->nlines) {
      if (r->bot[j - 1] - off > all) all = r->bot[j - 1] - off;
      continue;
    }
    if (j == r->next && !fresh) return -1;
    double h = r->bot[j > r->next ? j - 1 : r->next] - off;
    if (cut < 0 || h < cut) cut = h;
  }
  return cut < 0 ? all : cut;
}

/* How many lines of r (from its first) fit into avail points. */
static int lines_fit(const run_t *r, double avail) {
  int j = 0;
  while (j < r->nlines && r->bot[j] - r->top[0] <= avail + EPS) j++;
  return j;
}

static int runs_done(const run_t *run, int n) {
  for (int i = 0; i < n; i++)
    if (run[i].next < run[i].nlines) return 0;
  return 1;
}

/* ------------------------------------------------------------- pages */

/* Structure tags (tagged PDF: headings, tables, lists for screen readers)
 * are written in the drawing pass only, and kept on a stack so that a
 * page break can close and reopen them (see new_page). */
static void tag_begin(pdf_t *p, const char *tag) {
  if (!p->draw || !tag) return;
  if (NEVER(p->nopen >= TAG_DEPTH)) {
    p->rc = LOTSE_EINTERNAL;
    return;
  }
  p->open[p->nopen++] = tag;
  cairo_tag_begin(p->cr, tag, NULL);
}

static void tag_end(pdf_t *p, const char *tag) {
  if (!p->draw || !tag || NEVER(p->nopen <= 0)) return;
  p->nopen--;
  cairo_tag_end(p->cr, tag);
}

static void reopen(pdf_t *p, int from, int to) {
  for (int i = from; i < to; i++) cairo_tag_begin(p->cr, p->open[i], NULL);
}

static void place_row(pdf_t *p, const row_t *r);

static void footer(pdf_t *p) {
  if (!p->draw) return;
  char s[64];
  snprintf(s, sizeof s, "Seite %d von %d", p->page, p->pages);
  PangoLayout *l = layout_new(p, s, F_FOOT, BODY_W);
  pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
  cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
  cairo_move_to(p->cr, MARGIN_X, BODY_BOTTOM + 28);
  pango_cairo_show_layout(p->cr, l);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  g_object_unref(l);
}

/* Close the page. Open structure tags but the Document are closed before
 * the footer and reopened on the new page, so the footer is no part of a
 * row or list (cairo 1.16 has no artifacts) and an element broken across
 * pages becomes one per page; a continued task table gets its header row
 * again, tagged as the first row of the table's part on the new page. */
static void new_page(pdf_t *p) {
  int n = p->nopen;
  const char *saved[TAG_DEPTH];
  memcpy(saved, p->open, sizeof saved);
  for (int i = n - 1; i >= 1; i--) cairo_tag_end(p->cr, p->open[i]);
  footer(p);
  if (p->draw) cairo_show_page(p->cr);
  p->page++;
  p->y = MARGIN_TOP;
  p->fresh = 1;
  const row_t *h = p->thead;
  int upto = h && p->thead_depth < n ? p->thead_depth : n;
  reopen(p, 1, upto);
  if (h) {
    p->thead = NULL;
    p->nopen = upto;
    place_row(p, h);
    memcpy(p->open, saved, sizeof saved);
    p->nopen = n;
    p->thead = h;
    p->fresh = 1;
  }
  reopen(p, upto, n);
}

static void space(pdf_t *p, double pts) {
  if (p->fresh || p->rc) return;
  if (p->y + pts >= BODY_BOTTOM) new_page(p);
  else p->y += pts;
}

/* Draw the next cut points of every cell at p->y and mark them drawn. */
static void draw_segment(pdf_t *p, const row_t *r, run_t *run, int n,
                         double cut) {
  cairo_t *cr = p->cr;
  if (p->draw && r->shade) {
    cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
    cairo_rectangle(cr, MARGIN_X, p->y, BODY_W, cut + 2 * r->pad);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
  }
  if (p->draw && r->rule) {
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN_X, p->y);
    cairo_line_to(cr, MARGIN_X + BODY_W, p->y);
    cairo_stroke(cr);
  }
  for (int i = 0; i < n; i++) {
    run_t *c = &run[i];
    if (c->next >= c->nlines || c->bot[c->next] - c->top[c->next] > cut + EPS)
      continue;
    double off = c->top[c->next];
    tag_begin(p, r->c[i].tag);
    while (c->next < c->nlines && c->bot[c->next] - off <= cut + EPS) {
      if (p->draw) {
        cairo_move_to(cr, c->x + c->lx[c->next],
                      p->y + r->pad + c->base[c->next] - off);
        pango_cairo_show_layout_line(
            cr, pango_layout_get_line_readonly(c->l, c->next));
      }
      c->next++;
    }
    tag_end(p, r->c[i].tag);
  }
}

/* Lay out a row, move it to a new page when it does not fit here but
 * would on an empty page, else split it between lines across pages. */
static void place_row(pdf_t *p, const row_t *r) {
  run_t run[MAX_CELLS];
  int n = 0;
  double h = 0;
  if (p->rc) return;
  for (; n < r->n; n++) {
    if (run_open(p, &r->c[n], &run[n])) {
      run_close(&run[n]);
      p->rc = LOTSE_ENOMEM;
      goto out;
    }
    if (run_height(&run[n]) > h) h = run_height(&run[n]);
  }
  h += 2 * r->pad;
  if (!p->fresh && p->y + h + r->keep > BODY_BOTTOM &&
      (r->flow ? lines_fit(&run[n - 1], BODY_BOTTOM - p->y - 2 * r->pad) < 2
               : MARGIN_TOP + h + r->keep <= BODY_BOTTOM))
    new_page(p);
  p->row_page = p->page;
  p->row_y = p->y;
  tag_begin(p, r->tag);
  for (;;) {
    double cut = segment(run, n, BODY_BOTTOM - p->y - 2 * r->pad, p->fresh);
    if (cut < 0) {
      new_page(p);
      continue;
    }
    draw_segment(p, r, run, n, cut);
    p->y += cut + 2 * r->pad;
    p->fresh = 0;
    if (runs_done(run, n)) break;
    new_page(p);
  }
  tag_end(p, r->tag);
out:
  for (int i = 0; i < n; i++) run_close(&run[i]);
}

/* ----------------------------------------------------------- content */

static const char *str(const json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

/* YYYY-MM-DD (validated) as TT.MM.JJJJ into d[11]. */
static const char *date_de(const char *s, char d[11]) {
  if (strlen(s) != 10) return s;
  memcpy(d, s + 8, 2);
  d[2] = '.';
  memcpy(d + 3, s + 5, 2);
  d[5] = '.';
  memcpy(d + 6, s, 4);
  d[10] = '\0';
  return d;
}

static void paragraph(pdf_t *p, const char *tag, const char *text, int style,
                      double pad, double keep) {
  row_t r = {.c = {{text, 0, BODY_W, style, NULL}}, .n = 1, .tag = tag,
             .pad = pad, .keep = keep};
  place_row(p, &r);
}

static void bookmark(pdf_t *p, const char *name) {
  if (!p->draw || p->rc) return;
  char link[96];
  snprintf(link, sizeof link, "page=%d pos=[%.1f %.1f]", p->row_page,
           MARGIN_X, p->row_y);
  char *t = g_strdup(name);
  for (char *s = t; *s; s++)
    if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
  cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT, t, link,
                                0);
  g_free(t);
}

static void head_row(pdf_t *p, const char *label, const char *value) {
  row_t r = {.c = {{label, 0, 100, F_BOLD, "TH"},
                   {value, 100, BODY_W - 100, F_TEXT, "TD"}},
             .n = 2, .tag = "TR", .pad = 3};
  place_row(p, &r);
}

static void head(pdf_t *p, const json_t *doc) {
  char d[11];
  paragraph(p, "H1", "Niederschrift", F_H1, 0, 60);
  space(p, 12);
  tag_begin(p, "Table");
  head_row(p, "Sitzung", str(doc, "meeting"));
  head_row(p, "Datum", date_de(str(doc, "date"), d));
  if (json_object_get(doc, "place")) head_row(p, "Ort", str(doc, "place"));
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  const json_t *a = json_object_get(doc, "attendees");
  int rc = lotse_buf_puts(&b, "");
  for (size_t i = 0; i < json_array_size(a) && !rc; i++) {
    if (i) rc = lotse_buf_puts(&b, ", ");
    if (!rc) rc = lotse_buf_puts(&b, json_string_value(json_array_get(a, i)));
  }
  if (rc) p->rc = rc;
  else head_row(p, "Anwesend", b.data);
  lotse_buf_release(&b);
  tag_end(p, "Table");
}

/* "Wortbeiträge" or "Beschlüsse" with a bullet per entry. */
static void sublist(pdf_t *p, const json_t *it, const char *key,
                    const char *heading, const char *none) {
  const json_t *a = json_object_get(it, key);
  space(p, 6);
  paragraph(p, "H3", heading, F_BOLD, 2, 30);
  if (json_array_size(a) == 0) {
    paragraph(p, "P", none, F_TEXT, 2, 0);
    return;
  }
  tag_begin(p, "L");
  for (size_t i = 0; i < json_array_size(a); i++) {
    row_t r = {.c = {{"\xe2\x80\xa2", 6, 16, F_TEXT, "Lbl"},
                     {json_string_value(json_array_get(a, i)), 18,
                      BODY_W - 18, F_TEXT, "LBody"}},
               .n = 2, .tag = "LI", .pad = 2, .flow = 1};
    place_row(p, &r);
  }
  tag_end(p, "L");
}

static void items(pdf_t *p, const json_t *doc) {
  const json_t *items = json_object_get(doc, "items");
  for (size_t i = 0; i < json_array_size(items) && !p->rc; i++) {
    const json_t *it = json_array_get(items, i);
    char *h = g_strdup_printf("TOP %zu: %s", i + 1, str(it, "title"));
    space(p, 16);
    paragraph(p, "H2", h, F_H2, 2, 60);
    bookmark(p, h);
    g_free(h);
    sublist(p, it, "statements", "Wortbeiträge", "Keine Wortbeiträge.");
    sublist(p, it, "decisions", "Beschlüsse", "Kein Beschluss.");
  }
}

#define COL_NR 34.0
#define COL_DUE 74.0
#define COL_OWNER 130.0
#define COL_TASK (BODY_W - COL_NR - COL_DUE - COL_OWNER)

/* A row of the task table; the header row is bold on grey and keeps
 * room for the first task below it. */
static row_t task_row(const char *nr, const char *task, const char *owner,
                      const char *due, int header) {
  int st = header ? F_BOLD : F_TEXT;
  const char *ct = header ? "TH" : "TD";
  row_t r = {.c = {{nr, 0, COL_NR, st, ct},
                   {task, COL_NR, COL_TASK, st, ct},
                   {owner, COL_NR + COL_TASK, COL_OWNER, st, ct},
                   {due, COL_NR + COL_TASK + COL_OWNER, COL_DUE, st, ct}},
             .n = 4, .tag = "TR", .pad = 3, .rule = !header, .shade = header,
             .keep = header ? 24 : 0};
  return r;
}

static void tasks(pdf_t *p, const json_t *doc) {
  const json_t *t = json_object_get(doc, "tasks");
  space(p, 16);
  paragraph(p, "H2", "Aufgaben", F_H2, 2, 40);
  bookmark(p, "Aufgaben");
  if (json_array_size(t) == 0) {
    paragraph(p, "P", "Keine Aufgaben.", F_TEXT, 2, 0);
    return;
  }
  space(p, 4);
  tag_begin(p, "Table");
  p->thead_depth = p->nopen;
  row_t th = task_row("Nr.", "Aufgabe", "Zuständig", "Frist", 1);
  place_row(p, &th);
  p->thead = &th; /* repeated on every page the table goes on to */
  for (size_t i = 0; i < json_array_size(t) && !p->rc; i++) {
    const json_t *task = json_array_get(t, i);
    char nr[24], d[11];
    snprintf(nr, sizeof nr, "%zu", i + 1);
    row_t r = task_row(nr, str(task, "task"), str(task, "owner"),
                       date_de(str(task, "due"), d), 0);
    place_row(p, &r);
  }
  p->thead = NULL;
  tag_end(p, "Table");
  if (p->draw && !p->rc) {
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, MARGIN_X, p->y);
    cairo_line_to(p->cr, MARGIN_X + BODY_W, p->y);
    cairo_stroke(p->cr);
  }
}

/* One pass over the document: counting (draw 0) or drawing (draw 1). */
static void pass(pdf_t *p, const json_t *doc, int draw) {
  p->draw = draw;
  p->page = 1;
  p->y = MARGIN_TOP;
  p->fresh = 1;
  p->thead = NULL;
  p->nopen = 0;
  tag_begin(p, "Document");
  head(p, doc);
  items(p, doc);
  tasks(p, doc);
  tag_end(p, "Document");
  if (!draw) p->pages = p->page;
  else footer(p);
}

/* --------------------------------------------------- document language */

/* The last occurrence of needle in [hay, hay + n), or NULL. */
static const char *find_last(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
    if (!memcmp(hay + i, needle, k)) return hay + i;
  return NULL;
}

/* The number after key in [s, end), or -1. */
static long num_after(const char *s, const char *end, const char *key) {
  const char *k = memmem(s, (size_t)(end - s), key, strlen(key));
  if (!k) return -1;
  char *e;
  long v = strtol(k + strlen(key), &e, 10);
  return e == k + strlen(key) || v < 0 ? -1 : v;
}

/* cairo 1.16 cannot name the document language, which screen readers use
 * to pick the voice: append an incremental update (PDF 1.7 section 7.5.6)
 * that repeats the catalog with /Lang (de-DE). The bytes cairo wrote stay
 * as they are. Only for the layout cairo writes (classic xref table and
 * trailer); anything else is left alone, without /Lang. */
static int add_lang(lotse_buf_t *b) {
  const char *d = b->data, *end = d + b->len;
  const char *t = b->len ? find_last(d, b->len, "\ntrailer\n") : NULL;
  const char *sx = t ? find_last(t, (size_t)(end - t), "startxref\n") : NULL;
  if (!sx || end[-1] != '\n') return 0;
  long size = num_after(t, sx, "/Size "), root = num_after(t, sx, "/Root ");
  long info = num_after(t, sx, "/Info "), prev = num_after(sx, end, "xref\n");
  char head[48];
  snprintf(head, sizeof head, "\n%ld 0 obj\n", root);
  const char *o = size > 0 && root > 0 && prev > 0
                      ? find_last(d, (size_t)(t - d), head) : NULL;
  const char *body = o ? o + strlen(head) : NULL;
  const char *e = body ? memmem(body, (size_t)(t - body), "\nendobj", 7)
                       : NULL;
  if (!e || e - body < 4 || memcmp(e - 2, ">>", 2) ||
      !memmem(body, (size_t)(e - body), "/Type /Catalog", 14) ||
      memmem(body, (size_t)(e - body), "/Lang", 5))
    return 0;
  size_t at = b->len;
  int rc = lotse_buf_printf(b, "%ld 0 obj\n%.*s   /Lang (de-DE)\n>>\nendobj\n",
                            root, (int)(e - 2 - body), body);
  size_t xref = b->len;
  if (!rc)
    rc = lotse_buf_printf(b, "xref\n0 1\n0000000000 65535 f \n%ld 1\n"
                          "%010zu 00000 n \ntrailer\n<< /Size %ld\n   /Root "
                          "%ld 0 R\n", root, at, size, root);
  if (!rc && info > 0) rc = lotse_buf_printf(b, "   /Info %ld 0 R\n", info);
  if (!rc)
    rc = lotse_buf_printf(b, "   /Prev %ld\n>>\nstartxref\n%zu\n%%%%EOF\n",
                          prev, xref);
  return rc;
}

/* ------------------------------------------------------------ surface */

static cairo_status_t write_cb(void *closure, const unsigned char *data,
                               unsigned int len) {
  pdf_t *p = closure;
  return lotse_buf_append(&p->bytes, data, len) ? CAIRO_STATUS_WRITE_ERROR
                                                 : CAIRO_STATUS_SUCCESS;
}

static int pdf_open(pdf_t *p, const json_t *doc) {
  lotse_buf_init(&p->bytes, PDF_MAX);
  p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, PAGE_W,
                                                   PAGE_H);
  char *title = g_strdup_printf("Niederschrift: %s", str(doc, "meeting"));
  for (char *s = title; *s; s++)
    if (*s == '\n' || *s == '\r' || *s == '\t') *s = ' ';
  cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE,
                                 title);
  g_free(title);
  cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT,
                                 "Niederschrift");
  cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR,
                                 "lotse");
  p->cr = cairo_create(p->surface);
  p->fm = pango_cairo_font_map_new();
  p->pc = pango_font_map_create_context(p->fm);
  pango_cairo_context_set_resolution(p->pc, 72); /* 1 pt = 1 unit */
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(p->pc, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_language(p->pc, pango_language_from_string("de-de"));
  pango_cairo_update_context(p->cr, p->pc);
  for (int i = 0; i < F_COUNT; i++)
    p->font[i] = pango_font_description_from_string(font_spec[i]);
  return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? 0 : LOTSE_ENOMEM;
}

static void pdf_close(pdf_t *p) {
  for (int i = 0; i < F_COUNT; i++)
    if (p->font[i]) pango_font_description_free(p->font[i]);
  if (p->pc) g_object_unref(p->pc);
  if (p->fm) g_object_unref(p->fm);
  if (p->cr) cairo_destroy(p->cr);
  if (p->surface) cairo_surface_destroy(p->surface);
  lotse_buf_release(&p->bytes);
}

int minutes_render_pdf(const json_t *doc, lotse_buf_t *out, lotse_err_t *err) {
  pdf_t p;
  memset(&p, 0, sizeof p);
  int rc = pdf_open(&p, doc);
  if (!rc) {
    pass(&p, doc, 0);
    if (!p.rc) pass(&p, doc, 1);
    rc = p.rc;
  }
  if (!rc) {
    cairo_surface_finish(p.surface);
    cairo_status_t st = cairo_surface_status(p.surface);
    if (st == CAIRO_STATUS_WRITE_ERROR) rc = LOTSE_ETOOBIG;
    else if (st != CAIRO_STATUS_SUCCESS)
      rc = lotse_err_set(err, LOTSE_EINTERNAL, "PDF-Erzeugung fehlgeschlagen: "
                         "%s", cairo_status_to_string(st));
    else rc = add_lang(&p.bytes);
  }
  if (rc == LOTSE_ETOOBIG)
    lotse_err_set(err, rc, "Protokoll zu groß für die PDF-Ausgabe");
  else if (rc == LOTSE_ENOMEM)
    lotse_err_set(err, rc, "kein Speicher für die PDF-Ausgabe");
  if (!rc && lotse_buf_append(out, p.bytes.data, p.bytes.len))
    rc = lotse_err_set(err, LOTSE_ETOOBIG,
                       "Protokoll zu groß für die Ausgabe");
  pdf_close(&p);
  return rc;
}
