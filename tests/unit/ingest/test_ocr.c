/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_ocr.c — OCR: a "scanned" PDF (an image of German
 * text, no text layer) and an image handed to ingest_ocr_image() directly.
 * Small pages at 150 dpi keep it quick; the main words must be recognised
 * (case-insensitive), OCR noise elsewhere is allowed.
 */
#include "ingest/ingest_fixtures.h"

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
      cmocka_unit_test(test_image),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, fx_teardown);
}
