/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_text.c — plain text and Markdown: blocks,
 * heading levels, fenced code, front matter, charsets.
 */
#include "ingest/ingest_fixtures.h"

static void expect_block(const ingest_extract_t *x, size_t i,
                         ingest_block_kind_t kind, int level,
                         const char *text) {
  assert_true(i < x->nblocks);
  assert_string_equal(x->blocks[i].text, text);
  assert_int_equal(x->blocks[i].kind, kind);
  assert_int_equal(x->blocks[i].level, level);
  assert_int_equal(x->blocks[i].page, 0);
}

#define H INGEST_BLOCK_HEADING
#define P INGEST_BLOCK_PARA

static void test_markdown_atx_setext(void **state) {
  (void)state;
  static const char md[] =
      "# Dienstanweisung **Akten**  #\n"
      "\n"
      "Diese Anweisung gilt f\xC3\xBCr alle\n"
      "Besch\xC3\xA4" "ftigten.\n"
      "\n"
      "Geltungsbereich\n"
      "===============\n"
      "Text unter Setext.\n"
      "\n"
      "Zust\xC3\xA4ndigkeit\n"
      "---\n"
      "- erster Punkt\n"
      "- zweiter [Punkt](http://example.org)\n"
      "\n"
      "### Dritte Ebene ###\n"
      "> Zitat mit `code`\n"
      "\n"
      "---\n"
      "\n"
      "| a | b |\n"
      "|---|:-:|\n"
      "| 1 | 2 |\n";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(md, sizeof md - 1, "a.md", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_MARKDOWN);
  expect_block(&x, 0, H, 1, "Dienstanweisung Akten");
  expect_block(&x, 1, P, 0,
               "Diese Anweisung gilt f\xC3\xBCr alle Besch\xC3\xA4" "ftigten.");
  expect_block(&x, 2, H, 1, "Geltungsbereich");
  expect_block(&x, 3, P, 0, "Text unter Setext.");
  expect_block(&x, 4, H, 2, "Zust\xC3\xA4ndigkeit");
  expect_block(&x, 5, P, 0, "erster Punkt");
  expect_block(&x, 6, P, 0, "zweiter Punkt");
  expect_block(&x, 7, H, 3, "Dritte Ebene");
  expect_block(&x, 8, P, 0, "Zitat mit code");
  expect_block(&x, 9, P, 0, "| a | b |");
  expect_block(&x, 10, P, 0, "| 1 | 2 |");
  assert_int_equal(x.nblocks, 11);
  assert_string_equal(x.title, "Dienstanweisung Akten"); /* first heading */
  assert_string_equal(fx_meta(&x, "encoding"), "utf-8");
  ingest_extract_release(&x);
}

static void test_markdown_fence_and_front_matter(void **state) {
  (void)state;
  static const char md[] =
      "---\n"
      "title: \"Leitfaden Datenschutz\"\n"
      "author: x\n"
      "---\n"
      "Einleitung.\n"
      "\n"
      "```sh\n"
      "# kein Titel\n"
      "echo hallo\n"
      "```\n"
      "## Echt\n";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(md, sizeof md - 1, "a.txt", NULL, &x, &err), 0);
  assert_int_equal(x.type, INGEST_TYPE_MARKDOWN);
  assert_string_equal(x.title, "Leitfaden Datenschutz");
  expect_block(&x, 0, P, 0, "Einleitung.");
  expect_block(&x, 1, P, 0, "# kein Titel echo hallo");
  expect_block(&x, 2, H, 2, "Echt");
  assert_int_equal(x.nblocks, 3);
  ingest_extract_release(&x);
}

static void test_plain_paragraphs_and_headings(void **state) {
  (void)state;
  static const char txt[] =
      "Satzung \xC3\xBC" "ber die Benutzung der Kreisbibliothek\r\n"
      "\r\n"
      "\xC2\xA7 1 Geltungsbereich\r\n"
      "\r\n"
      "Diese Satzung gilt f\xC3\xBCr die Verwal-\r\n"
      "tung und die E-Mail-\r\n"
      "Adresse der Bibliothek.\r\n"
      "\r\n"
      "2.1 Ausleihe\r\n"
      "\r\n"
      "Kurzer Satz ohne Punkt\r\n"
      "   \r\n"
      "Letzter Absatz.";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(txt, sizeof txt - 1, "s.txt", NULL, &x, &err),
                   0);
  assert_int_equal(x.type, INGEST_TYPE_TEXT);
  expect_block(&x, 0, H, 1,
               "Satzung \xC3\xBC" "ber die Benutzung der Kreisbibliothek");
  expect_block(&x, 1, H, 2, "\xC2\xA7 1 Geltungsbereich");
  expect_block(&x, 2, P, 0,
               "Diese Satzung gilt f\xC3\xBCr die Verwaltung und die "
               "E-Mail-Adresse der Bibliothek.");
  expect_block(&x, 3, H, 3, "2.1 Ausleihe");
  /* not the first paragraph, not numbered: stays a paragraph */
  expect_block(&x, 4, P, 0, "Kurzer Satz ohne Punkt");
  expect_block(&x, 5, P, 0, "Letzter Absatz.");
  assert_int_equal(x.nblocks, 6);
  ingest_extract_release(&x);
}

static void test_plain_no_false_title(void **state) {
  (void)state;
  static const char txt[] = "Sehr geehrte Damen und Herren,\n\nText.\n";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(txt, sizeof txt - 1, "brief.txt", NULL, &x,
                              &err),
                   0);
  assert_int_equal(x.blocks[0].kind, P);
  assert_string_equal(x.title, "brief.txt"); /* file name fallback */
  ingest_extract_release(&x);
}

static void test_latin1_and_utf16(void **state) {
  (void)state;
  static const char l1[] = "Gr\xFC\xDF" "e aus M\xFCnchen, 5 \x80.\n";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(l1, sizeof l1 - 1, "l.txt", NULL, &x, &err), 0);
  assert_string_equal(x.blocks[0].text,
                      "Gr\xC3\xBC\xC3\x9F" "e aus M\xC3\xBCnchen, 5 "
                      "\xE2\x82\xAC.");
  assert_string_equal(fx_meta(&x, "encoding"), "windows-1252");
  ingest_extract_release(&x);

  /* UTF-16LE with BOM: "Ä b" */
  static const char u16[] = "\xFF\xFE\xC4\x00 \x00" "b\x00";
  assert_int_equal(fx_extract(u16, sizeof u16 - 1, "u.txt", NULL, &x, &err),
                   0);
  assert_string_equal(x.blocks[0].text, "\xC3\x84 b");
  ingest_extract_release(&x);

  /* UTF-8 with one broken byte stays UTF-8 */
  static const char mixed[] = "\xC3\xA4rger \xC3\xBC" "ber \xFF Fehler\n";
  assert_int_equal(fx_extract(mixed, sizeof mixed - 1, "m.txt", NULL, &x,
                              &err),
                   0);
  assert_string_equal(x.blocks[0].text,
                      "\xC3\xA4rger \xC3\xBC" "ber \xEF\xBF\xBD Fehler");
  ingest_extract_release(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_markdown_atx_setext),
      cmocka_unit_test(test_markdown_fence_and_front_matter),
      cmocka_unit_test(test_plain_paragraphs_and_headings),
      cmocka_unit_test(test_plain_no_false_title),
      cmocka_unit_test(test_latin1_and_utf16),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
