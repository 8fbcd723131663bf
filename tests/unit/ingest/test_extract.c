/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract.c — the extraction result and the
 * dispatcher: block rules, limits (file size, text size), empty input,
 * unsupported types (OLE, binary), title fallback, metadata shape.
 */
#include "ingest/ingest_fixtures.h"

static void test_defaults(void **state) {
  (void)state;
  ingest_limits_t l;
  ingest_limits_default(&l);
  assert_int_equal(l.max_file_bytes, (size_t)100 << 20);
  assert_int_equal(l.max_unpacked_bytes, (size_t)256 << 20);
  assert_int_equal(l.max_text_bytes, (size_t)32 << 20);
  assert_int_equal(l.max_pages, 2000);
  assert_int_equal(l.ocr, 1);
  assert_string_equal(l.ocr_lang, "deu");
  assert_int_equal(l.ocr_dpi, 300);
}

static void test_add_rules(void **state) {
  (void)state;
  ingest_extract_t x;
  ingest_extract_init(&x, 20);
  assert_int_equal(
      ingest_extract_add(&x, INGEST_BLOCK_PARA, 0, 1, "  \n\t ", 5), 0);
  assert_int_equal(x.nblocks, 0); /* whitespace only: ignored */
  assert_int_equal(ingest_extract_add(&x, INGEST_BLOCK_HEADING, 9, 2,
                                      " a \n\n b\xFF", 8),
                   0);
  assert_string_equal(x.blocks[0].text, "a b\xEF\xBF\xBD");
  assert_int_equal(x.blocks[0].level, 6); /* clamped */
  assert_int_equal(x.blocks[0].page, 2);
  assert_int_equal(x.text_bytes, 6);
  assert_int_equal(ingest_extract_add(&x, INGEST_BLOCK_PARA, 3, 0,
                                      "0123456789ABCD", 14),
                   0);
  assert_int_equal(x.blocks[1].level, 0);
  assert_int_equal(x.text_bytes, 20); /* exactly at the limit */
  assert_int_equal(ingest_extract_add(&x, INGEST_BLOCK_PARA, 0, 0, "x", 1),
                   LOTSE_ETOOBIG);
  assert_int_equal(x.nblocks, 2);
  assert_int_equal(ingest_extract_set_title(&x, "  Titel \n zwei "), 0);
  assert_string_equal(x.title, "Titel zwei");
  ingest_extract_release(&x);
  assert_int_equal(x.nblocks, 0);
  ingest_extract_release(&x); /* twice is harmless */
}

static void test_empty_and_limits(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract("", 0, "leer.txt", NULL, &x, &err),
                   LOTSE_EEMPTY);
  assert_int_equal(fx_extract(" \n\n \t\n", 6, "leer.txt", NULL, &x, &err),
                   LOTSE_EEMPTY);

  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.max_file_bytes = 10;
  assert_int_equal(fx_extract("elf Zeichen", 11, "a.txt", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  assert_non_null(strstr(err.msg, "limit"));

  /* text above max_text_bytes */
  ingest_limits_default(&lim);
  lim.max_text_bytes = 1000;
  size_t n = 5000;
  char *big = malloc(n);
  assert_non_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (i % 50 == 49) ? '\n' : "wort "[i % 5];
  assert_int_equal(fx_extract(big, n, "gross.txt", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  assert_non_null(strstr(err.msg, "extracted text"));
  /* the same text as HTML and Markdown */
  memcpy(big, "<html><body><p>", 15);
  assert_int_equal(fx_extract(big, n, "gross.html", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  memcpy(big, "# Titel\n", 8);
  assert_int_equal(fx_extract(big, n, "gross.md", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  free(big);
}

static void test_unsupported(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  char ole[2048] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  assert_int_equal(fx_extract(ole, sizeof ole, "alt.doc", NULL, &x, &err),
                   LOTSE_EUNSUPPORTED);
  assert_non_null(strstr(err.msg, "legacy office"));
  assert_int_equal(x.type, INGEST_TYPE_OLE);
  /* an encrypted DOCX is an OLE container with these streams */
  memcpy(ole + 1024, "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28);
  assert_int_equal(fx_extract(ole, sizeof ole, "geheim.docx", NULL, &x, &err),
                   LOTSE_EENCRYPTED);
  assert_non_null(strstr(err.msg, "password"));

  static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10";
  assert_int_equal(fx_extract(png, sizeof png - 1, "bild.txt", NULL, &x, &err),
                   LOTSE_EUNSUPPORTED);
  assert_int_equal(x.type, INGEST_TYPE_BINARY);
}

static void test_title_and_metadata(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  static const char md[] =
      "Vorwort ohne Titel.\n\n## Erste \xC3\x9C" "berschrift\n";
  assert_int_equal(fx_extract(md, sizeof md - 1, "dir/notiz.md", NULL, &x,
                              &err),
                   0);
  assert_string_equal(x.title, "Erste \xC3\x9C" "berschrift");
  ingest_extract_release(&x);

  static const char txt[] = "Nur ein Satz, der endet.\n";
  assert_int_equal(fx_extract(txt, sizeof txt - 1, "/a/b/vermerk-2024.txt",
                              NULL, &x, &err),
                   0);
  assert_string_equal(x.title, "vermerk-2024.txt");
  json_error_t je;
  json_t *m = json_loads(x.metadata, 0, &je);
  assert_true(json_is_object(m));
  json_decref(m);
  ingest_extract_release(&x);

  assert_int_equal(fx_extract(txt, sizeof txt - 1, NULL, NULL, &x, &err), 0);
  assert_string_equal(x.title, "unbenannt");
  ingest_extract_release(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_add_rules),
      cmocka_unit_test(test_empty_and_limits),
      cmocka_unit_test(test_unsupported),
      cmocka_unit_test(test_title_and_metadata),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
