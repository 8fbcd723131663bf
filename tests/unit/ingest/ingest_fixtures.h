/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/ingest_fixtures.h — documents made at run time for the
 * ingest tests: scratch paths, zip packages (DOCX/ODT, bombs, encrypted
 * entries) built with libzip in memory, PDFs drawn with cairo (text and
 * "scanned"), and small helpers around ingest_extract().
 *
 * Header-only on purpose: each test file is its own executable.
 */
#ifndef LOTSE_TEST_INGEST_FIXTURES_H
#define LOTSE_TEST_INGEST_FIXTURES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "ingest/ingest.h"

#define FX_UNUSED __attribute__((unused))

/* ------------------------------------------------------------ scratch */

/* $LOTSE_TEST_TMP/ingest-<name> (the directory is created). */
static FX_UNUSED const char *fx_path(const char *name) {
  static char buf[4][1024];
  static int turn;
  const char *dir = getenv("LOTSE_TEST_TMP");
  if (!dir || !*dir) dir = "/tmp";
  mkdir(dir, 0700);
  char *b = buf[turn++ % 4];
  snprintf(b, sizeof buf[0], "%s/ingest-%s", dir, name);
  return b;
}

static FX_UNUSED char *fx_read(const char *path, size_t *len) {
  char *d = NULL;
  lotse_err_t err;
  assert_int_equal(lotse_file_read(path, (size_t)1 << 30, &d, len, &err), 0);
  return d;
}

/* ---------------------------------------------------------------- zip */

typedef struct fx_entry {
  const char *name;
  const char *data;
  size_t len;  /* 0: strlen(data) */
  int store;   /* stored, not deflated */
  int encrypt; /* AES-256 with password "geheim" */
} fx_entry_t;

/* Build a zip in memory; the caller frees the result. */
static FX_UNUSED char *fx_zip(const fx_entry_t *e, size_t n, size_t *len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  assert_non_null(src);
  zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  assert_non_null(za);
  zip_source_keep(src);
  for (size_t i = 0; i < n; i++) {
    size_t l = e[i].len ? e[i].len : strlen(e[i].data);
    zip_source_t *s = zip_source_buffer(za, e[i].data, l, 0);
    assert_non_null(s);
    zip_int64_t idx = zip_file_add(za, e[i].name, s, ZIP_FL_ENC_UTF_8);
    assert_true(idx >= 0);
    zip_set_file_compression(za, (zip_uint64_t)idx,
                             e[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
    if (e[i].encrypt)
      assert_int_equal(zip_file_set_encryption(za, (zip_uint64_t)idx,
                                               ZIP_EM_AES_256, "geheim"),
                       0);
  }
  assert_int_equal(zip_close(za), 0);
  assert_int_equal(zip_source_open(src), 0);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  char *out = malloc((size_t)size + 1);
  assert_non_null(out);
  assert_int_equal(zip_source_read(src, out, (zip_uint64_t)size), size);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&ze);
  *len = (size_t)size;
  return out;
}

static FX_UNUSED void fx_put32(char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (char)((v >> (8 * i)) & 0xFF);
}

/* Make the local and central headers of entry name claim a small size. */
static FX_UNUSED int fx_zip_lie_size(char *z, size_t n, const char *name,
                                     uint32_t claim) {
  size_t k = strlen(name);
  int patched = 0;
  for (size_t i = 0; i + 46 + k <= n; i++) {
    if (!memcmp(z + i, "PK\x03\x04", 4) && !memcmp(z + i + 30, name, k)) {
      fx_put32(z + i + 22, claim);
      patched++;
    }
    if (!memcmp(z + i, "PK\x01\x02", 4) && !memcmp(z + i + 46, name, k)) {
      fx_put32(z + i + 24, claim);
      patched++;
    }
  }
  return patched;
}

/* ------------------------------------------------------------- office */

#define FX_CT_DOCX                                                          \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"           \
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"          \
  "content-types\"><Default Extension=\"xml\" ContentType=\"application/"   \
  "xml\"/><Override PartName=\"/word/document.xml\" ContentType=\""         \
  "application/vnd.openxmlformats-officedocument.wordprocessingml."         \
  "document.main+xml\"/></Types>"

#define FX_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#define FX_DOCX_DOC_START                                                   \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"           \
  "<w:document xmlns:w=\"" FX_W_NS "\"><w:body>"
#define FX_DOCX_DOC_END "</w:body></w:document>"

static FX_UNUSED char *fx_docx(const char *document_xml, size_t doc_len,
                               size_t *len) {
  static const char styles[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<w:styles xmlns:w=\"" FX_W_NS "\">"
      "<w:style w:type=\"paragraph\" w:styleId=\"KapitelEins\">"
      "<w:name w:val=\"heading 1\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Standard\">"
      "<w:name w:val=\"Normal\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"KapitelNummeriert\">"
      "<w:name w:val=\"Kapitel nummeriert\"/><w:basedOn w:val=\"KapitelEins\"/>"
      "</w:style></w:styles>";
  static const char core[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
      "package/2006/metadata/core-properties\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
      "xmlns:dcterms=\"http://purl.org/dc/terms/\">"
      "<dc:title>Dienstanweisung M\xC3\xBCllentsorgung</dc:title>"
      "<dc:creator>J\xC3\xBCrgen Gro\xC3\x9F</dc:creator>"
      "<dcterms:created>2024-03-01T09:00:00Z</dcterms:created>"
      "</cp:coreProperties>";
  fx_entry_t e[] = {
      {"[Content_Types].xml", FX_CT_DOCX, 0, 0, 0},
      {"word/document.xml", document_xml, doc_len, 0, 0},
      {"word/styles.xml", styles, 0, 0, 0},
      {"docProps/core.xml", core, 0, 0, 0},
  };
  return fx_zip(e, 4, len);
}

#define FX_ODT_MIME "application/vnd.oasis.opendocument.text"

static FX_UNUSED char *fx_odt(const char *content_xml, const char *manifest,
                              size_t *len) {
  static const char meta[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<office:document-meta xmlns:office=\"urn:oasis:names:tc:"
      "opendocument:xmlns:office:1.0\" xmlns:dc=\"http://purl.org/dc/"
      "elements/1.1/\" xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:"
      "meta:1.0\"><office:meta><dc:title>Satzung \xC3\xBC"
      "ber die Abfallwirtschaft</dc:title><meta:initial-creator>Bettina "
      "M\xC3\xB6ller</meta:initial-creator></office:meta>"
      "</office:document-meta>";
  static const char plain_manifest[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:"
      "xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" "
      "manifest:media-type=\"" FX_ODT_MIME "\"/></manifest:manifest>";
  fx_entry_t e[] = {
      {"mimetype", FX_ODT_MIME, 0, 1, 0},
      {"content.xml", content_xml, 0, 0, 0},
      {"meta.xml", meta, 0, 0, 0},
      {"META-INF/manifest.xml", manifest ? manifest : plain_manifest, 0, 0, 0},
  };
  return fx_zip(e, 4, len);
}

/* ---------------------------------------------------------------- pdf */

static FX_UNUSED void fx_pdf_heading(cairo_t *cr, double size,
                                     const char *text) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, 72, 72);
  cairo_show_text(cr, text);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
}

/* Two A4 pages of German text in DejaVu Sans, with title metadata and a
 * bold heading on each page (18 pt, then 14 pt). */
static FX_UNUSED void fx_pdf_two_pages(const char *path) {
  cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                 "Gesch\xC3\xA4" "ftsordnung des Kreistags");
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
                                 "Landratsamt Musterkreis");
  cairo_t *cr = cairo_create(s);
  static const char *const p1[] = {
      "Erste Seite: Die Sitzungen des Kreistags sind \303\266ffentlich.",
      "", ("Gr\303\274\303\237e an alle B\303\274rgerinnen und "
           "B\303\274rger.")};
  static const char *const p2[] = {
      "Zweite Seite: \xC3\x84nderungen der Tagesordnung",
      "werden vorab bekannt gegeben."};
  fx_pdf_heading(cr, 18, "Gesch\xC3\xA4" "ftsordnung");
  for (size_t i = 0; i < 3; i++) {
    cairo_move_to(cr, 72, 100 + 20.0 * (double)i);
    cairo_show_text(cr, p1[i]);
  }
  cairo_show_page(cr);
  fx_pdf_heading(cr, 14, "\xC2\xA7 2 Tagesordnung");
  for (size_t i = 0; i < 2; i++) {
    cairo_move_to(cr, 72, 100 + 16.0 * (double)i);
    cairo_show_text(cr, p2[i]);
  }
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(s);
}

/* Render lines of text (28 pt, black on white) into an image surface at
 * dpi; the caller destroys it. */
static FX_UNUSED cairo_surface_t *fx_text_image(const char *const *lines,
                                                size_t n, double w_pt,
                                                double h_pt, double dpi) {
  double k = dpi / 72.0;
  cairo_surface_t *img = cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, (int)(w_pt * k), (int)(h_pt * k));
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, k, k);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 28);
  for (size_t i = 0; i < n; i++) {
    cairo_move_to(cr, 24, 48 + 40.0 * (double)i);
    cairo_show_text(cr, lines[i]);
  }
  cairo_destroy(cr);
  cairo_surface_flush(img);
  return img;
}

static const char *const fx_scan_lines[] = {
    "Dienstvereinbarung \303\274ber", "mobiles Arbeiten",
    "im Landratsamt"};

/* A page that is only an image of text: no text layer. */
static FX_UNUSED void fx_pdf_scanned(const char *path) {
  const double w = 460, h = 160;
  cairo_surface_t *img = fx_text_image(fx_scan_lines, 3, w, h, 150);
  cairo_surface_t *s = cairo_pdf_surface_create(path, w, h);
  cairo_t *cr = cairo_create(s);
  cairo_scale(cr, 72.0 / 150, 72.0 / 150);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(s);
  cairo_surface_destroy(img);
}

/* ------------------------------------------------------------ helpers */

/* Group teardown: drop cairo's font caches (filled by the fixtures' toy
 * font API), so LeakSanitizer sees only real leaks. */
static FX_UNUSED int fx_teardown(void **state) {
  (void)state;
  cairo_debug_reset_static_data();
  return 0;
}

/* fontconfig loads its configuration once per process and keeps it (used
 * by cairo's toy fonts here and by poppler when rendering): not a leak of
 * ours. LeakSanitizer reads this hook from the executable. */
const char *__lsan_default_suppressions(void);
__attribute__((used)) const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}

/* All block texts joined by '\n' (caller frees). */
static FX_UNUSED char *fx_joined(const ingest_extract_t *x) {
  size_t n = 1;
  for (size_t i = 0; i < x->nblocks; i++) n += strlen(x->blocks[i].text) + 1;
  char *s = calloc(1, n);
  assert_non_null(s);
  for (size_t i = 0; i < x->nblocks; i++) {
    strcat(s, x->blocks[i].text);
    strcat(s, "\n");
  }
  return s;
}

/* Case-insensitive (ASCII) substring search. */
static FX_UNUSED int fx_has_ci(const char *hay, const char *needle) {
  size_t k = strlen(needle);
  for (const char *p = hay; *p; p++) {
    size_t i = 0;
    while (i < k && p[i] &&
           tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == k) return 1;
  }
  return 0;
}

/* Index of the first block whose text contains needle, or -1. */
static FX_UNUSED int fx_find(const ingest_extract_t *x, const char *needle) {
  for (size_t i = 0; i < x->nblocks; i++)
    if (strstr(x->blocks[i].text, needle)) return (int)i;
  return -1;
}

/* The metadata string value of key ("" when absent; static buffer). */
static FX_UNUSED const char *fx_meta(const ingest_extract_t *x,
                                     const char *key) {
  static char buf[1024];
  buf[0] = '\0';
  json_error_t je;
  json_t *o = x->metadata ? json_loads(x->metadata, 0, &je) : NULL;
  assert_non_null(o);
  assert_true(json_is_object(o));
  json_t *v = json_object_get(o, key);
  if (json_is_string(v)) snprintf(buf, sizeof buf, "%s", json_string_value(v));
  else if (json_is_integer(v))
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
  else if (v) {
    char *s = json_dumps(v, JSON_COMPACT);
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    free(s);
  }
  json_decref(o);
  return buf;
}

/* ingest_extract() with default limits (or lim); checks the error shape:
 * a failure has a one-line message and leaves x empty. */
static FX_UNUSED int fx_extract(const char *d, size_t n, const char *path,
                                const ingest_limits_t *lim,
                                ingest_extract_t *x, lotse_err_t *err) {
  ingest_limits_t def;
  ingest_limits_default(&def);
  lotse_err_clear(err);
  int rc = ingest_extract(d, n, path, lim ? lim : &def, x, err);
  if (rc) {
    assert_true(rc < 0);
    assert_int_equal(err->code, rc);
    assert_true(strlen(err->msg) > 0);
    assert_null(strchr(err->msg, '\n'));
    assert_int_equal(x->nblocks, 0);
    assert_null(x->title);
    assert_null(x->metadata);
  } else {
    assert_true(x->nblocks > 0);
    assert_non_null(x->title);
    assert_non_null(x->metadata);
  }
  return rc;
}

#endif
