/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_write.c — template parsing (every error case names
 * what is wrong), the built-in templates, filling and the system prompt.
 */
#include "testutil.h"

#include "apps/write.h"

static int parse_err(const char *text, const char *want) {
  write_template_t t;
  lotse_err_t err = {0};
  int rc = write_template_parse(text, strlen(text), &t, &err);
  if (rc && want) assert_non_null(strstr(err.msg, want));
  assert_null(t.id);
  return rc;
}

#define GOOD "id: brief\ntitle: Brief\nplaceholders: name, ort\n---\n" \
             "An {{name}} in {{ort}}, Grüße an {{name}}.\n"

static void test_parse_good(void **state) {
  (void)state;
  write_template_t t;
  lotse_err_t err = {0};
  assert_int_equal(write_template_parse(GOOD, strlen(GOOD), &t, &err), 0);
  assert_string_equal(t.id, "brief");
  assert_string_equal(t.title, "Brief");
  assert_string_equal(t.reg, "fachlich");
  assert_int_equal(t.length, 200);
  assert_int_equal(t.n_keys, 2);
  assert_string_equal(t.keys[1], "ort");
  assert_string_equal(t.body, "An {{name}} in {{ort}}, Grüße an {{name}}.");
  write_kv_t kv[] = {{"ort", "Kiel"}, {"name", "Frau Abel"}};
  char *s = NULL;
  assert_int_equal(write_template_fill(&t, kv, 2, &s, &err), 0);
  assert_string_equal(s, "An Frau Abel in Kiel, Grüße an Frau Abel.");
  free(s);
  /* missing, unknown, duplicate values are errors naming the key */
  assert_int_equal(write_template_fill(&t, kv, 1, &s, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "„name“ fehlt"));
  assert_null(s);
  write_kv_t extra[] = {{"ort", "Kiel"}, {"name", "A"}, {"farbe", "rot"}};
  assert_int_equal(write_template_fill(&t, extra, 3, &s, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "„farbe“"));
  write_kv_t dup[] = {{"ort", "Kiel"}, {"ort", "Eutin"}};
  assert_int_equal(write_template_fill(&t, dup, 2, &s, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "doppelt"));
  write_template_release(&t);
}

static void test_parse_errors(void **state) {
  (void)state;
  assert_int_equal(parse_err("id: a\ntitle: A\n---\nHallo {{wer}}\n",
                             "unbekannter Platzhalter „wer“"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nplaceholders: x, y\n---\n{{x}}\n",
                             "„y“ kommt im Text nicht vor"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\n---\nHallo {{x\n", "ohne"),
                   LOTSE_EINVAL);
  assert_int_equal(parse_err("title: A\n---\nText\n", "id fehlt"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\n---\nText\n", "title fehlt"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nText\n", "„:“"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\n", "„---“"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\n---\n  \n", "Text fehlt"),
                   LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nfarbe: rot\n---\nT\n",
                             "unbekanntes Feld „farbe“"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nregister: locker\n---\nT\n",
                             "register"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nlength: 5\n---\nT\n", "length"),
                   LOTSE_EINVAL);
  assert_int_equal(parse_err("id: A B\ntitle: A\n---\nT\n", "ungültige id"),
                   LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\nid: b\ntitle: A\n---\nT\n", "doppelt"),
                   LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nplaceholders: x,x\n---\n{{x}}\n",
                             "doppelt"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: A\nplaceholders: X!\n---\n{{X!}}\n",
                             "ungültiger Platzhaltername"), LOTSE_EINVAL);
  assert_int_equal(parse_err("id: a\ntitle: \xff\n---\nT\n", "UTF-8"),
                   LOTSE_EINVAL);
  /* comments, CRLF and blank header lines are fine */
  const char *crlf = "# Kommentar\r\n\r\nid: a\r\ntitle: A\r\n---\r\nT\r\n";
  write_template_t t;
  lotse_err_t err = {0};
  assert_int_equal(write_template_parse(crlf, strlen(crlf), &t, &err), 0);
  assert_string_equal(t.body, "T");
  write_template_release(&t);
}

static void test_builtin(void **state) {
  (void)state;
  assert_int_equal(write_template_count(), 5);
  lotse_err_t err = {0};
  for (size_t i = 0; i < write_template_count(); i++) {
    write_template_t t;
    assert_int_equal(write_template_builtin(write_template_id(i), &t, &err), 0);
    assert_string_equal(t.id, write_template_id(i));
    assert_true(t.n_keys > 0);
    write_template_release(&t);
  }
  write_template_t t;
  assert_int_equal(write_template_builtin("bescheid", &t, &err), 0);
  assert_non_null(strstr(t.body, "Tenor"));
  assert_non_null(strstr(t.body, "Begründung"));
  assert_non_null(strstr(t.body, "Rechtsbehelfsbelehrung"));
  write_template_release(&t);
  assert_int_equal(write_template_builtin("fax", &t, &err), LOTSE_ENOTFOUND);
  assert_non_null(strstr(err.msg, "„fax“"));
  assert_null(write_template_id(5));
}

static void test_system_prompt(void **state) {
  (void)state;
  write_template_t t;
  lotse_err_t err = {0};
  assert_int_equal(write_template_builtin("buergeranfrage", &t, &err), 0);
  char *s = write_system_prompt("Du bist Schreibhilfe.", &t, NULL);
  assert_non_null(s);
  assert_true(strncmp(s, "Du bist Schreibhilfe.\n\n", 23) == 0);
  assert_non_null(strstr(s, "bürgernah"));
  assert_non_null(strstr(s, "etwa 200 Wörter"));
  free(s);
  s = write_system_prompt("", &t, "fachlich");
  assert_non_null(strstr(s, "Register: fachlich"));
  assert_null(strstr(s, "bürgernah"));
  free(s);
  assert_true(write_register_ok("buergernah"));
  assert_false(write_register_ok("Fachlich"));
  assert_false(write_register_ok(NULL));
  write_template_release(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_good),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_builtin),
      cmocka_unit_test(test_system_prompt),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
