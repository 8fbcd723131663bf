/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_odt.c — OpenDocument text made with
 * libzip: headings with outline levels, paragraphs, lists, tables, spans,
 * meta.xml; malformed content, encrypted package, missing content.
 */
#include "ingest/ingest_fixtures.h"

#define ODT_START                                                           \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                              \
  "<office:document-content "                                               \
  "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "      \
  "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "          \
  "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "        \
  "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\">"       \
  "<office:body><office:text>"
#define ODT_END "</office:text></office:body></office:document-content>"

static const char content[] =
    ODT_START
    "<text:sequence-decls/>"
    "<text:h text:outline-level=\"1\">\xC2\xA7 1 Geltungsbereich</text:h>"
    "<text:p text:style-name=\"P1\">Diese Satzung gilt f\xC3\xBCr das "
    "<text:span text:style-name=\"T1\">gesamte</text:span>"
    "<text:s text:c=\"3\"/>Kreisgebiet.<text:note><text:note-citation>1"
    "</text:note-citation><text:note-body><text:p>FUSSNOTE</text:p>"
    "</text:note-body></text:note></text:p>"
    "<text:h text:outline-level=\"2\">Gr\xC3\xBCnde</text:h>"
    "<text:list><text:list-item><text:p>Erstens</text:p></text:list-item>"
    "<text:list-item><text:p>Zweitens<text:line-break/>mit Umbruch</text:p>"
    "</text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>Zelle "
    "\xC3\x84</text:p></table:table-cell></table:table-row></table:table>"
    "<text:h>Ohne Ebene</text:h>"
    "<text:p/>"
    ODT_END;

static void test_document(void **state) {
  (void)state;
  size_t n;
  char *odt = fx_odt(content, NULL, &n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(odt, n, "satzung.txt", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_ODT);
  assert_string_equal(x.title, "Satzung \xC3\xBC" "ber die Abfallwirtschaft");
  assert_string_equal(fx_meta(&x, "author"), "Bettina M\xC3\xB6ller");
  static const struct {
    ingest_block_kind_t kind;
    int level;
    const char *text;
  } want[] = {
      {INGEST_BLOCK_HEADING, 1, "\xC2\xA7 1 Geltungsbereich"},
      {INGEST_BLOCK_PARA, 0,
       "Diese Satzung gilt f\xC3\xBCr das gesamte Kreisgebiet."},
      {INGEST_BLOCK_HEADING, 2, "Gr\xC3\xBCnde"},
      {INGEST_BLOCK_PARA, 0, "Erstens"},
      {INGEST_BLOCK_PARA, 0, "Zweitens mit Umbruch"},
      {INGEST_BLOCK_PARA, 0, "Zelle \xC3\x84"},
      {INGEST_BLOCK_HEADING, 1, "Ohne Ebene"},
  };
  assert_int_equal(x.nblocks, sizeof want / sizeof *want);
  for (size_t i = 0; i < x.nblocks; i++) {
    assert_string_equal(x.blocks[i].text, want[i].text);
    assert_int_equal(x.blocks[i].kind, want[i].kind);
    assert_int_equal(x.blocks[i].level, want[i].level);
  }
  ingest_extract_release(&x);
  free(odt);
}

static void test_bad_packages(void **state) {
  (void)state;
  size_t n;
  ingest_extract_t x;
  lotse_err_t err;
  static const char broken[] = ODT_START "<text:p>offen" ODT_END;
  char *odt = fx_odt(broken, NULL, &n);
  assert_int_equal(fx_extract(odt, n, "k.odt", NULL, &x, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "malformed odt"));
  assert_non_null(strstr(err.msg, "content.xml"));
  free(odt);

  /* ODF encryption is declared in the manifest */
  static const char manifest[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:"
      "xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path="
      "\"content.xml\" manifest:media-type=\"text/xml\">"
      "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/>"
      "</manifest:file-entry></manifest:manifest>";
  odt = fx_odt(content, manifest, &n);
  assert_int_equal(fx_extract(odt, n, "geheim.odt", NULL, &x, &err),
                   LOTSE_EENCRYPTED);
  free(odt);

  /* a package without content.xml */
  fx_entry_t e[] = {{"mimetype", FX_ODT_MIME, 0, 1, 0},
                    {"meta.xml", "<x/>", 0, 0, 0}};
  char *zip = fx_zip(e, 2, &n);
  assert_int_equal(fx_extract(zip, n, "leer.odt", NULL, &x, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "content.xml"));
  free(zip);

  /* a small unpack limit applies to ODT as well */
  odt = fx_odt(content, NULL, &n);
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.max_unpacked_bytes = 100;
  assert_int_equal(fx_extract(odt, n, "s.odt", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  free(odt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_document),
      cmocka_unit_test(test_bad_packages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
