/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_ocr.c — OCR: a "scanned" PDF (an image of German
 * text, no text layer) and an image handed to ingest_ocr_image() directly.
 * Small pages at 150 dpi keep it quick; the main words must be recognised
 * (case-insensitive), OCR noise elsewhere is allowed.
 */
#include "ingest/ingest_fixtures.h"
#include "search/search.h"
#include <unistd.h>
#include "store/store.h"

static void expect_words(const ingest_extract_t *x) {
  char *all = fx_joined(x);
  if (!fx_has_ci(all, "Dienstvereinbarung") || !fx_has_ci(all, "mobiles") ||
      !fx_has_ci(all, "Arbeiten") || !fx_has_ci(all, "Landratsamt"))
    print_message("ocr text: %s\n", all);
  assert_true(fx_has_ci(all, "Dienstvereinbarung"));
  assert_true(fx_has_ci(all, "mobiles"));
  assert_true(fx_has_ci(all, "Arbeiten"));
  assert_true(fx_has_ci(all, "Landratsamt"));
  assert_true(fx_has_ci(all, "\xC3\xBC" "ber")); /* the umlaut survives */
  free(all);
}

static void test_scanned_pdf(void **state) {
  (void)state;
  const char *path = fx_path("scanned.pdf");
  fx_pdf_scanned(path);
  size_t n;
  char *pdf = fx_read(path, &n);
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.ocr_dpi = 150;
  ingest_extract_t x;
  lotse_err_t err;
  int rc = fx_extract(pdf, n, "scan.pdf", &lim, &x, &err);
  if (rc) print_message("extract: %s\n", err.msg);
  assert_int_equal(rc, 0);
  assert_int_equal(x.type, INGEST_TYPE_PDF);
  assert_int_equal(x.pages, 1);
  assert_int_equal(x.ocr_pages, 1);
  for (size_t i = 0; i < x.nblocks; i++) assert_int_equal(x.blocks[i].page, 1);
  expect_words(&x);
  assert_string_equal(fx_meta(&x, "ocr_pages"), "1");
  ingest_extract_release(&x);
  free(pdf);
}

/* End to end: the scanned page goes through the ingest pipeline into a
 * store and is found by search with its page number. */
static void test_scanned_pdf_is_found(void **state) {
  (void)state;
  const char *path = fx_path("scanned-search.pdf");
  fx_pdf_scanned(path);
  size_t n;
  char *pdf = fx_read(path, &n);
  char db[4096];
  snprintf(db, sizeof db, "%s", fx_path("scan-store.db"));
  unlink(db);
  store_t *st;
  lotse_err_t err;
  assert_int_equal(store_open(db, &st, &err), 0);
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.limits.ocr_dpi = 150;
  o.data_class = STORE_CLASS_OFFEN;
  store_put_result_t r;
  ingest_summary_t sum = {0};
  int rc = ingest_one(st, "/akten/scan.pdf", pdf, n, 0, &o, &r, &sum, &err);
  if (rc) print_message("ingest: %s\n", err.msg);
  assert_int_equal(rc, 0);
  assert_int_equal(sum.ocr_pages, 1);
  search_t *s;
  assert_int_equal(search_new(st, &s, &err), 0);
  store_principal_t p;
  store_principal_anonymous(&p);
  search_result_t res;
  assert_int_equal(search_run(s, &p, "Dienstvereinbarung Landratsamt", NULL,
                              &res, &err), 0);
  assert_int_equal(res.n, 1);
  assert_string_equal(res.hits[0].source, "/akten/scan.pdf");
  assert_string_equal(res.hits[0].mime, "application/pdf");
  assert_int_equal(res.hits[0].page, 1);
  assert_non_null(strstr(res.hits[0].snippet, "[Landratsamt]"));
  search_result_release(&res);
  search_free(s);
  store_close(st);
  free(pdf);
}

static void test_image(void **state) {
  (void)state;
  cairo_surface_t *img = fx_text_image(fx_scan_lines, 3, 460, 160, 150);
  ingest_extract_t x;
  ingest_extract_init(&x, 0);
  lotse_err_t err;
  int rc = ingest_ocr_image(cairo_image_surface_get_data(img),
                            cairo_image_surface_get_width(img),
                            cairo_image_surface_get_height(img), 4,
                            cairo_image_surface_get_stride(img), 150, "deu", 3,
                            &x, &err);
  cairo_surface_destroy(img);
  if (rc) print_message("ocr: %s\n", err.msg);
  assert_int_equal(rc, 0);
  assert_true(x.nblocks > 0);
  assert_int_equal(x.blocks[0].page, 3);
  expect_words(&x);
  ingest_extract_release(&x);
}

static void test_bad_arguments(void **state) {
  (void)state;
  unsigned char px[16 * 16];
  memset(px, 255, sizeof px);
  ingest_extract_t x;
  ingest_extract_init(&x, 0);
  lotse_err_t err;
  /* a language name that could be a path is refused before tesseract */
  assert_int_equal(ingest_ocr_image(px, 16, 16, 1, 16, 150, "../etc", 1, &x,
                                    &err),
                   LOTSE_EINVAL);
  assert_int_equal(ingest_ocr_image(px, 16, 16, 1, 16, 150, "xyzzy", 1, &x,
                                    &err),
                   LOTSE_EUNSUPPORTED);
  assert_non_null(strstr(err.msg, "xyzzy"));
  assert_int_equal(ingest_ocr_image(px, 16, 16, 2, 16, 150, "deu", 1, &x,
                                    &err),
                   LOTSE_EINVAL);
  assert_int_equal(ingest_ocr_image(px, 16, 16, 1, 8, 150, "deu", 1, &x,
                                    &err),
                   LOTSE_EINVAL);
  /* a blank image is fine and yields nothing */
  assert_int_equal(ingest_ocr_image(px, 16, 16, 1, 16, 150, "deu", 1, &x,
                                    &err),
                   0);
  assert_int_equal(x.nblocks, 0);
  ingest_extract_release(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scanned_pdf),
      cmocka_unit_test(test_scanned_pdf_is_found),
      cmocka_unit_test(test_image),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, fx_teardown);
}
