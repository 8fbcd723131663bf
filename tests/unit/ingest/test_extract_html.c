/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_html.c — HTML: title, headings, block
 * text, skipped script/style/nav, entities and charsets.
 */
#include "ingest/ingest_fixtures.h"

static void test_page(void **state) {
  (void)state;
  static const char html[] =
      "<!DOCTYPE html>\n<html lang=\"de\"><head>"
      "<meta charset=\"utf-8\"><title>B\xC3\xBCrgerservice &amp; Kontakt"
      "</title><meta name=\"author\" content=\"Pressestelle\">"
      "<style>body { color: red } .geheim {}</style>"
      "<script>var tracking = 'SCRIPTTEXT';</script></head>"
      "<body><nav><a href=\"/\">NAVTEXT Startseite</a></nav>"
      "<h1>Kfz-<b>Zulassung</b></h1>"
      "<p>Sie erreichen uns <em>montags</em> bis freitags.<br>Auch "
      "per E-Mail.</p>"
      "<div>Stra&szlig;e &amp; Hausnummer: Hauptstra&#223;e 1</div>"
      "<h2>Unterlagen</h2><ul><li>Personalausweis</li><li>eVB-Nummer</li>"
      "</ul><table><tr><td>Geb\xC3\xBChr</td><td>30 &euro;</td></tr></table>"
      "<noscript>NOSCRIPTTEXT</noscript>"
      "<script type=\"text/javascript\">document.write('SCRIPT2')</script>"
      "</body></html>";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(html, sizeof html - 1, "seite.txt", NULL, &x,
                              &err),
                   0);
  assert_int_equal(x.type, INGEST_TYPE_HTML);
  assert_string_equal(x.title, "B\xC3\xBCrgerservice & Kontakt");
  assert_int_equal(x.blocks[0].kind, INGEST_BLOCK_HEADING);
  assert_int_equal(x.blocks[0].level, 1);
  assert_string_equal(x.blocks[0].text, "Kfz-Zulassung");
  assert_string_equal(x.blocks[1].text,
                      "Sie erreichen uns montags bis freitags. Auch per "
                      "E-Mail.");
  assert_string_equal(x.blocks[2].text,
                      "Stra\xC3\x9F" "e & Hausnummer: Hauptstra\xC3\x9F" "e 1");
  assert_int_equal(x.blocks[3].kind, INGEST_BLOCK_HEADING);
  assert_int_equal(x.blocks[3].level, 2);
  assert_string_equal(x.blocks[4].text, "Personalausweis");
  assert_string_equal(x.blocks[5].text, "eVB-Nummer");
  assert_true(fx_find(&x, "Geb\xC3\xBChr") >= 0);
  assert_true(fx_find(&x, "30 \xE2\x82\xAC") >= 0);
  char *all = fx_joined(&x);
  assert_null(strstr(all, "SCRIPT"));
  assert_null(strstr(all, "tracking"));
  assert_null(strstr(all, "color"));
  assert_null(strstr(all, "NAVTEXT"));
  assert_null(strstr(all, "NOSCRIPTTEXT"));
  free(all);
  assert_string_equal(fx_meta(&x, "author"), "Pressestelle");
  assert_string_equal(fx_meta(&x, "lang"), "de");
  ingest_extract_release(&x);
}

static void test_latin1_meta_charset(void **state) {
  (void)state;
  static const char html[] =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=iso-8859-1\"></head><body><p>Gr\xFC\xDF" "e</p></body></html>";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(html, sizeof html - 1, "a.htm", NULL, &x, &err),
                   0);
  assert_string_equal(x.blocks[0].text, "Gr\xC3\xBC\xC3\x9F" "e");
  assert_string_equal(x.title, "a.htm");
  ingest_extract_release(&x);
}

static void test_empty_and_broken(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  static const char empty[] =
      "<html><head><script>only()</script></head><body>  </body></html>";
  assert_int_equal(fx_extract(empty, sizeof empty - 1, "e.html", NULL, &x,
                              &err),
                   LOTSE_EEMPTY);
  /* unclosed tags and garbage: libxml2 recovers */
  static const char broken[] = "<html><body><p>Offen <b>fett <div>Ende";
  assert_int_equal(fx_extract(broken, sizeof broken - 1, "b.html", NULL, &x,
                              &err),
                   0);
  assert_true(fx_find(&x, "Ende") >= 0);
  ingest_extract_release(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_page),
      cmocka_unit_test(test_latin1_meta_charset),
      cmocka_unit_test(test_empty_and_broken),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
