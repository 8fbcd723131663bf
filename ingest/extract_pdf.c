/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_pdf.c — PDF via poppler-glib: the text layer page by page
 * (paragraphs and headings from its layout, see ingest/pdf_layout.c), OCR
 * for pages without a text layer, and the document information (title,
 * author, subject, dates) as metadata.
 *
 * Contract: a file without "%%EOF" in its last 1024 bytes is truncated and
 * refused (poppler would silently rebuild part of it); a password-protected
 * file is LOTSE_EENCRYPTED; at most lim->max_pages pages are read (the
 * metadata says so when more exist). Pages are rendered for OCR at
 * lim->ocr_dpi, lowered for huge pages so one image stays below
 * MAX_OCR_PIXELS.
 */
#include "ingest/extract_internal.h"

#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OCR_PIXELS (64.0 * 1024 * 1024)
#define MAX_OCR_SIDE 30000.0

typedef struct pdf {
  const ingest_limits_t *lim;
  ingest_extract_t *x;
  lotse_err_t *err;
  ingest_ocr_t *ocr; /* opened at the first page without text */
  ingest_pdf_layout_t layout;
  int no_text;       /* pages with neither text layer nor OCR text */
} pdf_t;

static int has_text(const char *s) {
  for (; s && *s; s++)
    if (!strchr(" \t\r\n\f", *s)) return 1;
  return 0;
}

/* ------------------------------------------------------------------- OCR */

static int render_and_ocr(pdf_t *p, PopplerPage *page, int pageno) {
  double w_pt = 0, h_pt = 0;
  poppler_page_get_size(page, &w_pt, &h_pt);
  if (!(w_pt >= 1 && h_pt >= 1 && w_pt < 1e6 && h_pt < 1e6)) return 0;
  double scale = (p->lim->ocr_dpi > 0 ? p->lim->ocr_dpi : 300) / 72.0;
  double px = w_pt * scale * h_pt * scale;
  if (px > MAX_OCR_PIXELS) scale *= sqrt(MAX_OCR_PIXELS / px);
  if (w_pt * scale > MAX_OCR_SIDE) scale = MAX_OCR_SIDE / w_pt;
  if (h_pt * scale > MAX_OCR_SIDE) scale = MAX_OCR_SIDE / h_pt;
  int w = (int)ceil(w_pt * scale), h = (int)ceil(h_pt * scale);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return lotse_err_set(p->err, LOTSE_ENOMEM,
                         "unable to render page %d for ocr", pageno);
  }
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, scale, scale);
  poppler_page_render(page, cr);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  int rc = 0;
  if (!p->ocr) rc = ingest_ocr_open(p->lim->ocr_lang, &p->ocr, p->err);
  size_t before = p->x->nblocks;
  if (!rc)
    rc = ingest_ocr_run(p->ocr, cairo_image_surface_get_data(s), w, h, 4,
                        cairo_image_surface_get_stride(s),
                        (int)lround(scale * 72.0), pageno, p->x, p->err);
  cairo_surface_destroy(s);
  if (!rc && p->x->nblocks > before) p->x->ocr_pages++;
  else if (!rc) p->no_text++;
  return rc;
}

/* ----------------------------------------------------------------- pages */

static int read_page(pdf_t *p, PopplerDocument *doc, int i) {
  PopplerPage *page = poppler_document_get_page(doc, i);
  if (!page) return 0; /* an unreadable page tree entry: skip it */
  char *text = poppler_page_get_text(page);
  int rc = 0;
  if (has_text(text)) {
    rc = ingest_pdf_layout_page(&p->layout, page, text, i + 1, p->x, p->err);
  } else if (p->lim->ocr) {
    rc = render_and_ocr(p, page, i + 1);
  } else {
    p->no_text++;
  }
  g_free(text);
  g_object_unref(page);
  return rc;
}

/* ------------------------------------------------------------- metadata */

static int meta_date(json_t *m, const char *key, GDateTime *dt) {
  if (!dt) return 0;
  gchar *s = g_date_time_format_iso8601(dt);
  int rc = ingest_meta_set_str(m, key, s);
  g_free(s);
  g_date_time_unref(dt);
  return rc;
}

static int meta_take(json_t *m, const char *key, gchar *v) {
  int rc = ingest_meta_set_str(m, key, v);
  g_free(v);
  return rc;
}

/* Titles word processors fill in by themselves say nothing. */
static int junk_title(const char *s) {
  static const char *const junk[] = {"untitled", "unbenannt", "ohne titel",
                                      "dokument", "document"};
  for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
    size_t k = strlen(junk[i]);
    if (strncasecmp(s, junk[i], k)) continue;
    s += k;
    while (*s == ' ' || (*s >= '0' && *s <= '9')) s++;
    return !*s || !strcasecmp(s, ".doc") || !strcasecmp(s, ".docx");
  }
  return 0;
}

static int set_title(ingest_extract_t *x, gchar *t) {
  const char *s = t;
  static const char *const prefixes[] = {"Microsoft Word - ",
                                         "Microsoft Word-"};
  for (size_t i = 0; s && i < 2; i++)
    if (!strncmp(s, prefixes[i], strlen(prefixes[i]))) s += strlen(prefixes[i]);
  int rc = 0;
  if (s && !junk_title(s)) rc = ingest_extract_set_title(x, s);
  g_free(t);
  return rc;
}

static int read_info(PopplerDocument *doc, ingest_extract_t *x, json_t *m) {
  int rc = set_title(x, poppler_document_get_title(doc));
  if (!rc && x->title) rc = ingest_meta_set_str(m, "title", x->title);
  if (!rc) rc = meta_take(m, "author", poppler_document_get_author(doc));
  if (!rc) rc = meta_take(m, "subject", poppler_document_get_subject(doc));
  if (!rc) rc = meta_take(m, "keywords", poppler_document_get_keywords(doc));
  if (!rc) rc = meta_take(m, "creator", poppler_document_get_creator(doc));
  if (!rc) rc = meta_take(m, "producer", poppler_document_get_producer(doc));
  if (!rc)
    rc = meta_date(m, "created", poppler_document_get_creation_date_time(doc));
  if (!rc)
    rc = meta_date(m, "modified",
                   poppler_document_get_modification_date_time(doc));
  return rc;
}

static int page_counts(json_t *m, const pdf_t *p, int total, int read) {
  int rc = json_object_set_new(m, "pages", json_integer(total));
  if (!rc && read < total)
    rc = json_object_set_new(m, "pages_read", json_integer(read));
  if (!rc && p->x->ocr_pages)
    rc = json_object_set_new(m, "ocr_pages", json_integer(p->x->ocr_pages));
  if (!rc && p->no_text)
    rc = json_object_set_new(m, "pages_without_text",
                             json_integer(p->no_text));
  return rc ? LOTSE_ENOMEM : 0;
}

/* ------------------------------------------------------------------ open */

static int open_doc(const char *d, size_t n, PopplerDocument **out,
                    lotse_err_t *err) {
  size_t tail = n < 1024 ? n : 1024;
  if (!memmem(d + n - tail, tail, "%%EOF", 5))
    return LOTSE_CORRUPT_BKPT(err, "malformed pdf: truncated "
                                   "(no end-of-file marker)");
  GBytes *bytes = g_bytes_new_static(d, n);
  GError *ge = NULL;
  *out = poppler_document_new_from_bytes(bytes, NULL, &ge);
  g_bytes_unref(bytes);
  if (*out) return 0;
  int rc;
  if (ge && ge->domain == POPPLER_ERROR && ge->code == POPPLER_ERROR_ENCRYPTED)
    rc = lotse_err_set(err, LOTSE_EENCRYPTED,
                       "encrypted pdf (password protected)");
  else
    rc = LOTSE_CORRUPT_BKPT(err, "malformed pdf: %s",
                            ge && ge->message ? ge->message : "unreadable");
  g_clear_error(&ge);
  return rc;
}

int ingest_extract_pdf(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err) {
  ingest_libs_init();
  PopplerDocument *doc = NULL;
  int rc = open_doc(d, n, &doc, err);
  if (rc) return rc;
  pdf_t p = {.lim = lim, .x = x, .err = err};
  int total = poppler_document_get_n_pages(doc);
  int read = total < lim->max_pages ? total : lim->max_pages;
  if (read < 0) read = 0;
  x->pages = read;
  for (int i = 0; i < read && !rc; i++) rc = read_page(&p, doc, i);
  if (!rc) ingest_pdf_layout_headings(&p.layout, x);
  json_t *m = json_object();
  if (!rc && !m) rc = LOTSE_ENOMEM;
  if (!rc) rc = read_info(doc, x, m);
  if (!rc) rc = page_counts(m, &p, total, read);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (!rc) rc = ingest_meta_store(x, m, err);
  if (!rc && !x->nblocks && p.no_text)
    rc = lotse_err_set(err, LOTSE_EEMPTY,
                       lim->ocr ? "pdf has no text layer and ocr found no "
                                  "text"
                                : "pdf has no text layer and ocr is off");
  json_decref(m);
  ingest_ocr_close(p.ocr);
  ingest_pdf_layout_release(&p.layout);
  g_object_unref(doc);
  return rc;
}
