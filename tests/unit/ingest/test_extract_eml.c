/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_extract_eml.c — e-mail: RFC 2047 subject, header
 * metadata, multipart/alternative with a quoted-printable text part,
 * attachments listed, HTML-only body in Latin-1 and base64.
 */
#include "ingest/ingest_fixtures.h"

static const char mail[] =
    "Return-Path: <juergen@landkreis.example>\r\n"
    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@landkreis.example>\r\n"
    "To: Poststelle <post@landkreis.example>, b@landkreis.example\r\n"
    "Subject: =?UTF-8?B?w4RuZGVydW5nIGRlciDDlmZmbnVuZ3N6ZWl0ZW4=?=\r\n"
    "Date: Tue, 05 Mar 2024 10:15:00 +0100\r\n"
    "Message-ID: <abc123@landkreis.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "This is a multi-part message in MIME format.\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Sehr geehrte Damen und Herren,\r\n"
    "\r\n"
    "die =C3=96ffnungszeiten =C3=A4ndern sich ab dem 1. April. Wir sind =\r\n"
    "dann montags bis freitags erreichbar.\r\n"
    "\r\n"
    "Mit freundlichen Gr=C3=BC=C3=9Fen\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "\r\n"
    "<html><body><p>HTMLVERSION</p></body></html>\r\n"
    "--alt--\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"aushang.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"aushang.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQKQU5IQU5HVEVYVAo=\r\n"
    "--outer--\r\n";

static void test_multipart(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(mail, sizeof mail - 1, "nachricht.txt", NULL,
                              &x, &err),
                   0);
  assert_int_equal(x.type, INGEST_TYPE_EML);
  assert_string_equal(x.title, "\xC3\x84nderung der \xC3\x96" "ffnungszeiten");
  assert_int_equal(x.blocks[0].kind, INGEST_BLOCK_HEADING);
  assert_string_equal(x.blocks[0].text, x.title);
  assert_string_equal(x.blocks[1].text, "Sehr geehrte Damen und Herren,");
  assert_string_equal(x.blocks[2].text,
                      "die \xC3\x96" "ffnungszeiten \xC3\xA4ndern sich ab dem "
                      "1. April. Wir sind dann montags bis freitags "
                      "erreichbar.");
  assert_string_equal(x.blocks[3].text,
                      "Mit freundlichen Gr\xC3\xBC\xC3\x9F" "en");
  assert_int_equal(x.nblocks, 4);
  char *all = fx_joined(&x);
  assert_null(strstr(all, "HTMLVERSION")); /* text/plain preferred */
  assert_null(strstr(all, "ANHANGTEXT"));  /* attachments not read */
  free(all);
  const char *from = fx_meta(&x, "from");
  assert_non_null(strstr(from, "J\xC3\xBCrgen M\xC3\xBCller"));
  assert_non_null(strstr(from, "juergen@landkreis.example"));
  assert_non_null(strstr(fx_meta(&x, "to"), "post@landkreis.example"));
  assert_non_null(strstr(fx_meta(&x, "to"), "b@landkreis.example"));
  assert_non_null(strstr(fx_meta(&x, "date"), "2024-03-05T10:15:00"));
  assert_string_equal(fx_meta(&x, "message_id"), "abc123@landkreis.example");
  assert_string_equal(fx_meta(&x, "attachments"),
                      "[{\"name\":\"aushang.pdf\",\"type\":\"application/"
                      "pdf\"}]");
  ingest_extract_release(&x);
}

static const char html_mail[] =
    "From: kaemmerei@landkreis.example\n"
    "To: alle@landkreis.example\n"
    "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "PGh0bWw+PGhlYWQ+PHRpdGxlPkludGVybjwvdGl0bGU+PHNjcmlwdD5TQ1JJUFRURVhUKCk8"
    "L3NjcmlwdD48L2hlYWQ+PGJvZHk+PGgxPlJ1bmRzY2hyZWliZW48L2gxPjxwPkdy/N9lIGF1"
    "cyBkZXIgS+RtbWVyZWk8L3A+PC9ib2R5PjwvaHRtbD4=\n";

static void test_html_only_latin1(void **state) {
  (void)state;
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(html_mail, sizeof html_mail - 1, "r.eml", NULL,
                              &x, &err),
                   0);
  assert_string_equal(x.title, "Gr\xC3\xBC\xC3\x9F" "e"); /* not <title> */
  assert_true(fx_find(&x, "Rundschreiben") >= 0);
  assert_true(fx_find(&x, "Gr\xC3\xBC\xC3\x9F" "e aus der K\xC3\xA4mmerei") >=
              0);
  char *all = fx_joined(&x);
  assert_null(strstr(all, "SCRIPTTEXT"));
  free(all);
  ingest_extract_release(&x);
}

static void test_plain_latin1_and_empty(void **state) {
  (void)state;
  static const char latin[] =
      "From: a@example.org\nTo: b@example.org\nSubject: Termin\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: 8bit\n\n"
      "Bitte best\xE4tigen Sie den Termin.\n";
  ingest_extract_t x;
  lotse_err_t err;
  assert_int_equal(fx_extract(latin, sizeof latin - 1, "t.eml", NULL, &x,
                              &err),
                   0);
  assert_true(fx_find(&x, "Bitte best\xC3\xA4tigen Sie den Termin.") >= 0);
  ingest_extract_release(&x);

  static const char empty[] = "From: a@example.org\nTo: b@example.org\n\n\n";
  assert_int_equal(fx_extract(empty, sizeof empty - 1, "e.eml", NULL, &x,
                              &err),
                   LOTSE_EEMPTY);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_multipart),
      cmocka_unit_test(test_html_only_latin1),
      cmocka_unit_test(test_plain_latin1_and_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
