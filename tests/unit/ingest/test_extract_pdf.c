/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_pdf.c — PDF text layer with pages and
 * umlauts, metadata, page limit, and bad input: truncated, random bytes,
 * password protected (made with qpdf when installed).
 */
#include "ingest/ingest_fixtures.h"

#include <unistd.h>

static char *two_pages(size_t *n) {
  const char *path = fx_path("two-pages.pdf");
  fx_pdf_two_pages(path);
  return fx_read(path, n);
}

static void test_two_pages(void **state) {
  (void)state;
  size_t n;
  char *pdf = two_pages(&n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(pdf, n, "ordnung.pdf", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_PDF);
  assert_int_equal(x.pages, 2);
  assert_int_equal(x.ocr_pages, 0);
  int a = fx_find(&x, "Sitzungen des Kreistags sind \xC3\xB6" "ffentlich.");
  int b = fx_find(&x, "Gr\xC3\xBC\xC3\x9F" "e an alle B\xC3\xBCrgerinnen");
  int c = fx_find(&x, "\xC3\x84nderungen der Tagesordnung werden vorab");
  assert_true(a >= 0 && b > a && c > b);
  assert_int_equal(x.blocks[a].page, 1);
  assert_int_equal(x.blocks[b].page, 1);
  assert_int_equal(x.blocks[c].page, 2);
  assert_int_equal(x.blocks[a].kind, INGEST_BLOCK_PARA);
  /* headings from the font: 18 pt bold -> 1, 14 pt bold -> 2 */
  assert_int_equal(x.blocks[0].kind, INGEST_BLOCK_HEADING);
  assert_int_equal(x.blocks[0].level, 1);
  assert_string_equal(x.blocks[0].text, "Gesch\xC3\xA4" "ftsordnung");
  assert_int_equal(x.blocks[0].page, 1);
  assert_int_equal(x.blocks[c - 1].kind, INGEST_BLOCK_HEADING);
  assert_int_equal(x.blocks[c - 1].level, 2);
  assert_string_equal(x.blocks[c - 1].text, "\xC2\xA7 2 Tagesordnung");
  assert_int_equal(x.blocks[c - 1].page, 2);
  assert_int_equal(x.nblocks, 5);
  assert_string_equal(x.title, "Gesch\xC3\xA4" "ftsordnung des Kreistags");
  assert_string_equal(fx_meta(&x, "author"), "Landratsamt Musterkreis");
  assert_string_equal(fx_meta(&x, "pages"), "2");
  ingest_extract_release(&x);

  /* renamed with a wrong extension: still read as PDF */
  assert_int_equal(fx_extract(pdf, n, "ordnung.docx", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_PDF);
  ingest_extract_release(&x);

  /* page limit: only page 1 is read, the metadata says how many exist */
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.max_pages = 1;
  assert_int_equal(fx_extract(pdf, n, "ordnung.pdf", &lim, &x, &err), 0);
  assert_int_equal(x.pages, 1);
  assert_int_equal(fx_find(&x, "Tagesordnung"), -1);
  assert_string_equal(fx_meta(&x, "pages_read"), "1");
  ingest_extract_release(&x);
  free(pdf);
}

/* A word processor's default title is ignored: the first heading wins. */
static void test_junk_title(void **state) {
  (void)state;
  const char *path = fx_path("junk-title.pdf");
  cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                 "Microsoft Word - Dokument1.docx");
  cairo_t *cr = cairo_create(s);
  fx_pdf_heading(cr, 18, "Hausordnung");
  cairo_move_to(cr, 72, 120);
  cairo_show_text(cr, "Im Kreishaus wird nicht geraucht.");
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  size_t n;
  char *pdf = fx_read(path, &n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(pdf, n, "d.pdf", NULL, &x, &err), 0);
  assert_string_equal(x.title, "Hausordnung");
  ingest_extract_release(&x);
  free(pdf);
}

static void test_truncated(void **state) {
  (void)state;
  size_t n;
  char *pdf = two_pages(&n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(pdf, n / 2, "halb.pdf", NULL, &x, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "truncated"));
  assert_int_equal(fx_extract(pdf, 200, "kopf.pdf", NULL, &x, &err),
                   LOTSE_ECORRUPT);
  free(pdf);
}

static void test_garbage(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  /* random bytes named .pdf: not a PDF at all */
  unsigned char rnd[8192];
  unsigned v = 7;
  for (size_t i = 0; i < sizeof rnd; i++) {
    v = v * 1103515245u + 12345u;
    rnd[i] = (unsigned char)(v >> 16);
  }
  assert_int_equal(fx_extract((char *)rnd, sizeof rnd, "zufall.pdf", NULL, &x,
                              &err),
                   LOTSE_EUNSUPPORTED);
  /* a PDF header followed by random bytes and an EOF marker */
  memcpy(rnd, "%PDF-1.5\n", 9);
  memcpy(rnd + sizeof rnd - 7, "%%EOF\n", 6);
  int rc = fx_extract((char *)rnd, sizeof rnd - 1, "kaputt.pdf", NULL, &x,
                      &err);
  assert_int_equal(rc, LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "malformed pdf"));
}

static void test_encrypted(void **state) {
  (void)state;
  if (system("command -v qpdf >/dev/null 2>&1") != 0) {
    print_message("qpdf is not installed: skipping the encrypted pdf case\n");
    skip();
  }
  const char *in = fx_path("plain.pdf");
  const char *out = fx_path("encrypted.pdf");
  fx_pdf_two_pages(in);
  unlink(out);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "qpdf --encrypt user owner 256 -- '%s' '%s' >/dev/null 2>&1", in,
           out);
  assert_int_equal(system(cmd), 0);
  size_t n;
  char *pdf = fx_read(out, &n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(pdf, n, "geheim.pdf", NULL, &x, &err),
                   LOTSE_EENCRYPTED);
  assert_non_null(strstr(err.msg, "encrypted"));
  free(pdf);
}

static void test_no_text_layer_without_ocr(void **state) {
  (void)state;
  const char *path = fx_path("scan-no-ocr.pdf");
  fx_pdf_scanned(path);
  size_t n;
  char *pdf = fx_read(path, &n);
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.ocr = 0;
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(pdf, n, "scan.pdf", &lim, &x, &err),
                   LOTSE_EEMPTY);
  assert_non_null(strstr(err.msg, "ocr"));
  free(pdf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_pages),
      cmocka_unit_test(test_junk_title),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_encrypted),
      cmocka_unit_test(test_no_text_layer_without_ocr),
  };
  return cmocka_run_group_tests(tests, NULL, fx_teardown);
}
