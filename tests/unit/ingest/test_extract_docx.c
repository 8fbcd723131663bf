/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_docx.c — DOCX made with libzip: headings
 * from styles, paragraphs, tables, core properties; and hostile packages:
 * malformed XML, entity declarations, zip bombs (honest and lying
 * headers), encrypted entries, too many entries, broken and foreign zips.
 */
#include "ingest/ingest_fixtures.h"
#include "ingest/extract_internal.h"

#define P(style, text)                                                    \
  "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr><w:r><w:t>" text   \
  "</w:t></w:r></w:p>"

static const char body[] =
    FX_DOCX_DOC_START
    P("Title", "Dienstanweisung (Titelzeile)")
    P("KapitelEins", "Allgemeine Bestimmungen")
    "<w:p><w:r><w:t xml:space=\"preserve\">Die Abfallentsorgung "
    "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>regelt</w:t></w:r>"
    "<w:r><w:tab/><w:t>der Landkreis f\xC3\xBCr alle Gemeinden.</w:t></w:r>"
    "<w:del><w:r><w:delText>GEL\xC3\x96SCHT</w:delText></w:r></w:del>"
    "</w:p>"
    P("berschrift2", "Geb\xC3\xBChren und Fristen")
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Restm\xC3\xBCll</w:t></w:r></w:p>"
    "</w:tc><w:tc><w:p><w:r><w:t>120 Euro</w:t></w:r></w:p></w:tc></w:tr>"
    "</w:tbl>"
    "<w:p><w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr><w:r><w:t>Dritte "
    "Ebene</w:t></w:r></w:p>"
    P("Heading4", "Vierte Ebene")
    P("KapitelNummeriert", "Geerbte Ebene")
    P("Standard", "Normaler Text")
    "<w:sectPr/>" FX_DOCX_DOC_END;

static void test_document(void **state) {
  (void)state;
  size_t n;
  char *docx = fx_docx(body, sizeof body - 1, &n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(docx, n, "vermerk.pdf", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_DOCX);
  /* dc:title of docProps/core.xml wins over the Title paragraph */
  assert_string_equal(x.title, "Dienstanweisung M\xC3\xBCllentsorgung");
  assert_string_equal(fx_meta(&x, "author"), "J\xC3\xBCrgen Gro\xC3\x9F");
  assert_string_equal(fx_meta(&x, "created"), "2024-03-01T09:00:00Z");
  static const struct {
    ingest_block_kind_t kind;
    int level;
    const char *text;
  } want[] = {
      {INGEST_BLOCK_HEADING, 1, "Dienstanweisung (Titelzeile)"},
      {INGEST_BLOCK_HEADING, 1, "Allgemeine Bestimmungen"},
      {INGEST_BLOCK_PARA, 0,
       "Die Abfallentsorgung regelt der Landkreis f\xC3\xBCr alle Gemeinden."},
      {INGEST_BLOCK_HEADING, 2, "Geb\xC3\xBChren und Fristen"},
      {INGEST_BLOCK_PARA, 0, "Restm\xC3\xBCll"},
      {INGEST_BLOCK_PARA, 0, "120 Euro"},
      {INGEST_BLOCK_HEADING, 3, "Dritte Ebene"},
      {INGEST_BLOCK_HEADING, 4, "Vierte Ebene"},
      {INGEST_BLOCK_HEADING, 1, "Geerbte Ebene"},
      {INGEST_BLOCK_PARA, 0, "Normaler Text"},
  };
  assert_int_equal(x.nblocks, sizeof want / sizeof *want);
  for (size_t i = 0; i < x.nblocks; i++) {
    assert_string_equal(x.blocks[i].text, want[i].text);
    assert_int_equal(x.blocks[i].kind, want[i].kind);
    assert_int_equal(x.blocks[i].level, want[i].level);
    assert_int_equal(x.blocks[i].page, 0);
  }
  ingest_extract_release(&x);
  free(docx);
}

static int extract_doc(const char *xml, size_t len, const ingest_limits_t *lim,
                       lotse_err_t *err) {
  size_t n;
  char *docx = fx_docx(xml, len, &n);
  ingest_extract_t x;
  int rc = fx_extract(docx, n, "x.docx", lim, &x, err);
  if (!rc) ingest_extract_release(&x);
  free(docx);
  return rc;
}

static void test_malformed_xml(void **state) {
  (void)state;
  lotse_err_t err;
  static const char broken[] =
      FX_DOCX_DOC_START "<w:p><w:r><w:t>offen</w:r></w:p>" FX_DOCX_DOC_END;
  assert_int_equal(extract_doc(broken, sizeof broken - 1, NULL, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "malformed docx"));
  assert_non_null(strstr(err.msg, "word/document.xml"));

  /* entity declarations (billion laughs, external entities) are refused */
  static const char laughs[] =
      "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"ha\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
      "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<w:document xmlns:w=\"" FX_W_NS "\"><w:body><w:p><w:r><w:t>&b;&x;"
      "</w:t></w:r></w:p></w:body></w:document>";
  assert_int_equal(extract_doc(laughs, sizeof laughs - 1, NULL, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "document type declaration"));

  /* well-formed, but no text */
  static const char empty[] = FX_DOCX_DOC_START "<w:p/>" FX_DOCX_DOC_END;
  assert_int_equal(extract_doc(empty, sizeof empty - 1, NULL, &err),
                   LOTSE_EEMPTY);
}

/* word/document.xml of 64 MiB repeated text: about 64 KiB deflated. */
static char *bomb_xml(size_t *len) {
  const size_t size = (size_t)64 << 20;
  char *xml = malloc(size);
  assert_non_null(xml);
  size_t head = strlen(FX_DOCX_DOC_START "<w:p><w:r><w:t>");
  memcpy(xml, FX_DOCX_DOC_START "<w:p><w:r><w:t>", head);
  for (size_t i = head; i < size; i++) xml[i] = "Abfall "[i % 7];
  *len = size;
  return xml;
}

static void test_zip_bomb(void **state) {
  (void)state;
  size_t xl, n;
  char *xml = bomb_xml(&xl);
  char *docx = fx_docx(xml, xl, &n);
  free(xml);
  assert_true(n < ((size_t)1 << 20)); /* it really is a bomb */
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  lim.max_unpacked_bytes = (size_t)8 << 20;
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(docx, n, "bombe.docx", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  assert_non_null(strstr(err.msg, "limit"));

  /* the same, but both headers claim 4 KiB: libzip inflates past the
   * claim, so counting the real bytes must stop it at the limit */
  assert_int_equal(fx_zip_lie_size(docx, n, "word/document.xml", 4096), 2);
  assert_int_equal(fx_extract(docx, n, "luege.docx", &lim, &x, &err),
                   LOTSE_ETOOBIG);
  free(docx);
}

static void test_encrypted_entry(void **state) {
  (void)state;
  if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) {
    print_message("libzip lacks AES-256: skipping the encrypted entry case\n");
    skip();
  }
  static const char doc[] = FX_DOCX_DOC_START
      "<w:p><w:r><w:t>geheim</w:t></w:r></w:p>" FX_DOCX_DOC_END;
  fx_entry_t e[] = {{"[Content_Types].xml", FX_CT_DOCX, 0, 0, 0},
                    {"word/document.xml", doc, 0, 0, 1}};
  size_t n;
  char *docx = fx_zip(e, 2, &n);
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(docx, n, "geheim.docx", NULL, &x, &err),
                   LOTSE_EENCRYPTED);
  assert_non_null(strstr(err.msg, "encrypted"));
  free(docx);
}

static void test_broken_and_foreign_zips(void **state) {
  (void)state;
  size_t n;
  char *docx = fx_docx(body, sizeof body - 1, &n);
  ingest_extract_t x;
  lotse_err_t err;
  /* cut off: the central directory is gone */
  assert_int_equal(fx_extract(docx, n - 40, "kaputt.docx", NULL, &x, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "zip"));
  free(docx);

  fx_entry_t other[] = {{"bild.txt", "kein Dokument", 0, 0, 0}};
  char *zip = fx_zip(other, 1, &n);
  assert_int_equal(fx_extract(zip, n, "archiv.docx", NULL, &x, &err),
                   LOTSE_EUNSUPPORTED);
  assert_non_null(strstr(err.msg, "zip"));
  free(zip);

  /* absurd entry count */
  size_t k = INGEST_ZIP_MAX_ENTRIES + 2;
  fx_entry_t *many = calloc(k, sizeof *many);
  char (*names)[24] = calloc(k, sizeof *names);
  assert_true(many && names);
  many[0] = (fx_entry_t){"[Content_Types].xml", FX_CT_DOCX, 0, 0, 0};
  many[1] = (fx_entry_t){"word/document.xml", body, sizeof body - 1, 0, 0};
  for (size_t i = 2; i < k; i++) {
    snprintf(names[i], sizeof names[i], "f/%zu", i);
    many[i] = (fx_entry_t){names[i], "x", 1, 1, 0};
  }
  zip = fx_zip(many, k, &n);
  assert_int_equal(fx_extract(zip, n, "viele.docx", NULL, &x, &err),
                   LOTSE_ETOOBIG);
  assert_non_null(strstr(err.msg, "entries"));
  free(zip);
  free(many);
  free(names);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_document),
      cmocka_unit_test(test_malformed_xml),
      cmocka_unit_test(test_zip_bomb),
      cmocka_unit_test(test_encrypted_entry),
      cmocka_unit_test(test_broken_and_foreign_zips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
