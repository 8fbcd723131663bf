/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_detect.c — type detection by content: magic
 * numbers, a look inside zips, markup, mail headers, text versus binary,
 * and files renamed with a wrong extension.
 */
#include "ingest/ingest_fixtures.h"

#define DETECT(s, path) ingest_detect((s), sizeof(s) - 1, (path))

static void test_pdf_magic(void **state) {
  (void)state;
  assert_int_equal(DETECT("%PDF-1.7\n%\xE2\xE3\n1 0 obj", "a.pdf"),
                   INGEST_TYPE_PDF);
  /* renamed: still a PDF */
  assert_int_equal(DETECT("%PDF-1.4\n...", "bericht.docx"), INGEST_TYPE_PDF);
  assert_int_equal(DETECT("%PDF-1.4\n...", NULL), INGEST_TYPE_PDF);
  /* junk before the header is accepted when the end looks like a PDF */
  assert_int_equal(DETECT("junk\r\n%PDF-1.4\n1 0 obj\n%%EOF\n", "a.bin"),
                   INGEST_TYPE_PDF);
  /* a text that mentions the header is still text */
  assert_int_equal(DETECT("Die Kopfzeile %PDF-1.7 nennt die Version.\n",
                          "notiz.txt"),
                   INGEST_TYPE_TEXT);
}

static void test_zip_look_inside(void **state) {
  (void)state;
  size_t n;
  static const char doc[] = FX_DOCX_DOC_START
      "<w:p><w:r><w:t>Hallo</w:t></w:r></w:p>" FX_DOCX_DOC_END;
  char *docx = fx_docx(doc, sizeof doc - 1, &n);
  assert_int_equal(ingest_detect(docx, n, "x.docx"), INGEST_TYPE_DOCX);
  assert_int_equal(ingest_detect(docx, n, "umbenannt.pdf"), INGEST_TYPE_DOCX);
  /* truncated: libzip cannot open it, the raw names still say DOCX */
  assert_int_equal(ingest_detect(docx, n - 30, "x.docx"), INGEST_TYPE_DOCX);
  free(docx);

  char *odt = fx_odt("<x/>", NULL, &n);
  assert_int_equal(ingest_detect(odt, n, "x.odt"), INGEST_TYPE_ODT);
  assert_int_equal(ingest_detect(odt, n, "x.txt"), INGEST_TYPE_ODT);
  free(odt);

  fx_entry_t other[] = {{"bild.png", "not really", 0, 0, 0},
                        {"liesmich.txt", "Text", 0, 0, 0}};
  char *zip = fx_zip(other, 2, &n);
  assert_int_equal(ingest_detect(zip, n, "x.docx"), INGEST_TYPE_ZIP);
  free(zip);

  /* an ODS is an OpenDocument package, but not text */
  fx_entry_t ods[] = {
      {"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0, 1, 0},
      {"content.xml", "<x/>", 0, 0, 0}};
  zip = fx_zip(ods, 2, &n);
  assert_int_equal(ingest_detect(zip, n, "x.odt"), INGEST_TYPE_ZIP);
  free(zip);
}

static void test_ole(void **state) {
  (void)state;
  assert_int_equal(DETECT("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", "a.docx"),
                   INGEST_TYPE_OLE);
}

static void test_html(void **state) {
  (void)state;
  assert_int_equal(DETECT("<!DOCTYPE html><html><body>x</body></html>",
                          "a.txt"),
                   INGEST_TYPE_HTML);
  assert_int_equal(DETECT("\xEF\xBB\xBF \n  <HTML lang=\"de\"><p>x", NULL),
                   INGEST_TYPE_HTML);
  assert_int_equal(DETECT("<!-- gen -->\n<head><title>t</title></head>",
                          "a.md"),
                   INGEST_TYPE_HTML);
  assert_int_equal(DETECT("<?xml version=\"1.0\"?>\n<html xmlns=\"x\">",
                          "a.xml"),
                   INGEST_TYPE_HTML);
  /* markup later in a text is not HTML */
  assert_int_equal(DETECT("Hallo <html> ist ein Tag", "a.txt"),
                   INGEST_TYPE_TEXT);
  assert_int_equal(DETECT("<note>kein html</note>", "a.txt"),
                   INGEST_TYPE_TEXT);
}

static void test_eml(void **state) {
  (void)state;
  assert_int_equal(DETECT("From: a@example.org\r\nTo: b@example.org\r\n"
                          "Subject: Test\r\n\r\nText",
                          "mail.txt"),
                   INGEST_TYPE_EML);
  assert_int_equal(DETECT("Received: from x\n  by y\nReturn-Path: <a@b>\n"
                          "X-Spam: no\nSubject: s\n\nbody",
                          NULL),
                   INGEST_TYPE_EML);
  assert_int_equal(DETECT("From sender@x Mon Jan  1 00:00:00 2024\n"
                          "From: a@b\nDate: Mon, 1 Jan 2024 00:00:00 +0100\n"
                          "\nbody",
                          "x.pdf"),
                   INGEST_TYPE_EML);
  /* one header line is not enough */
  assert_int_equal(DETECT("Subject: Protokoll\n\nDer Ausschuss tagte.",
                          "a.txt"),
                   INGEST_TYPE_TEXT);
  /* a sentence with a colon is not a header */
  assert_int_equal(DETECT("Date: heute\nTo: alle\nbitte beachten: x\n"
                          "und dann weiter im Text ohne Leerzeile",
                          "a.txt"),
                   INGEST_TYPE_TEXT);
}

static void test_text_and_markdown(void **state) {
  (void)state;
  assert_int_equal(DETECT("Nur Text.\n\nZweiter Absatz.", "a.txt"),
                   INGEST_TYPE_TEXT);
  assert_int_equal(DETECT("Nur Text.", "a.md"), INGEST_TYPE_MARKDOWN);
  assert_int_equal(DETECT("Nur Text.", "A.MARKDOWN"), INGEST_TYPE_MARKDOWN);
  assert_int_equal(DETECT("Vorwort\n\n## Abschnitt\n\nText", "a.txt"),
                   INGEST_TYPE_MARKDOWN);
  assert_int_equal(DETECT("#hashtag ist keine \xC3\x9C" "berschrift", "a.txt"),
                   INGEST_TYPE_TEXT);
  /* Latin-1 / Windows-1252 */
  assert_int_equal(DETECT("Gr\xFC\xDF" "e aus M\xFCnchen \x80 5", "a.txt"),
                   INGEST_TYPE_TEXT);
  /* UTF-16 with BOM */
  assert_int_equal(DETECT("\xFF\xFEH\0i\0", "a.txt"), INGEST_TYPE_TEXT);
}

static void test_binary(void **state) {
  (void)state;
  assert_int_equal(DETECT("\x7F" "ELF\x02\x01\x01\0\0\0", "a.txt"),
                   INGEST_TYPE_BINARY);
  assert_int_equal(DETECT("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", "a.pdf"),
                   INGEST_TYPE_BINARY);
  unsigned char rnd[4096];
  unsigned v = 12345;
  for (size_t i = 0; i < sizeof rnd; i++) {
    v = v * 1103515245u + 12345u;
    rnd[i] = (unsigned char)(v >> 16);
  }
  assert_int_equal(ingest_detect((char *)rnd, sizeof rnd, "a.pdf"),
                   INGEST_TYPE_BINARY);
  assert_int_equal(ingest_detect("", 0, "a.txt"), INGEST_TYPE_UNKNOWN);
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(ingest_type_mime(INGEST_TYPE_PDF), "application/pdf");
  assert_string_equal(ingest_type_mime(INGEST_TYPE_MARKDOWN), "text/markdown");
  assert_string_equal(ingest_type_mime(INGEST_TYPE_EML), "message/rfc822");
  assert_string_equal(ingest_type_mime(INGEST_TYPE_ODT),
                      "application/vnd.oasis.opendocument.text");
  assert_string_equal(ingest_type_mime(INGEST_TYPE_BINARY),
                      "application/octet-stream");
  assert_string_equal(ingest_type_name(INGEST_TYPE_DOCX), "docx");
  assert_string_equal(ingest_type_name(INGEST_TYPE_OLE), "ole");
  assert_string_equal(ingest_type_name((ingest_type_t)99), "unknown");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pdf_magic),
      cmocka_unit_test(test_zip_look_inside),
      cmocka_unit_test(test_ole),
      cmocka_unit_test(test_html),
      cmocka_unit_test(test_eml),
      cmocka_unit_test(test_text_and_markdown),
      cmocka_unit_test(test_binary),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
