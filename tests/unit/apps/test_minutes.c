/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_minutes.c — the minutes structure: the schema
 * compiles for constrained decoding, the validator accepts the example and
 * refuses each kind of defect with the field named, Markdown and HTML show
 * every part in the fixed layout and escape what people wrote.
 */
#include "testutil.h"

#include "apps/minutes.h"
#include "llm/json_schema.h"

static const char good[] =
    "{\"meeting\":\"Dienstbesprechung Bauamt\",\"date\":\"2026-02-28\","
    "\"place\":\"Raum 2.14\",\"attendees\":[\"A. Meier\",\"B. Yilmaz\"],"
    "\"items\":[{\"title\":\"Digitale Bauakte\",\"statements\":[\"Frau "
    "Meier berichtet.\"],\"decisions\":[\"Pilot ab März\"]},{\"title\":"
    "\"Verschiedenes\",\"statements\":[],\"decisions\":[]}],"
    "\"tasks\":[{\"task\":\"Zeitplan erstellen\",\"owner\":\"B. Yilmaz\","
    "\"due\":\"2024-02-29\"}]}";

static int parse_rc(const char *s, lotse_err_t *err) {
  json_t *j = NULL;
  int rc = minutes_parse(s, strlen(s), &j, err);
  if (rc) assert_null(j);
  else assert_non_null(j);
  json_decref(j);
  return rc;
}

/* good with one substring replaced. */
static int variant_rc(const char *from, const char *to, lotse_err_t *err) {
  const char *p = strstr(good, from);
  assert_non_null(p);
  char buf[2048];
  snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - good), good, to,
           p + strlen(from));
  return parse_rc(buf, err);
}

static void test_schema_compiles(void **state) {
  (void)state;
  lotse_err_t err = {0};
  llm_jsonc_t *c = NULL;
  const char *s = minutes_schema();
  assert_int_equal(llm_jsonc_compile(s, strlen(s), &c, &err), 0);
  llm_jsonc_free(c);
}

static void test_validate(void **state) {
  (void)state;
  lotse_err_t err = {0};
  assert_int_equal(parse_rc(good, &err), 0);
  struct {
    const char *from, *to, *msg;
  } bad[] = {
      {"\"2026-02-28\"", "\"2026-02-29\"", "date: Datum"},
      {"\"2026-02-28\"", "\"28.02.2026\"", "date: Datum"},
      {"\"2024-02-29\"", "\"2023-13-01\"", "tasks[1].due"},
      {"\"Digitale Bauakte\"", "\"  \"", "items[1].title: Text fehlt"},
      {"\"Digitale Bauakte\"", "7", "items[1].title: Text erwartet"},
      {"\"place\":\"Raum 2.14\",", "\"ort\":\"x\",", "unbekanntes Feld 'ort'"},
      {"\"attendees\":[\"A. Meier\",\"B. Yilmaz\"]", "\"attendees\":[]",
       "attendees: mindestens"},
      {"\"Verschiedenes\",", "\"Verschiedenes\",\"extra\":1,",
       "items[2]: unbekanntes Feld 'extra'"},
      {"\"owner\":\"B. Yilmaz\",", "", "tasks[1].owner: Angabe fehlt"},
      {"\"decisions\":[]", "\"decisions\":[\"\"]",
       "items[2].decisions[1]: Text fehlt"},
      {"Pilot ab", "Pilot\\u0001ab", "Steuerzeichen"},
      {"\"statements\":[]", "\"statements\":\"x\"", "Liste erwartet"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    lotse_err_clear(&err);
    assert_int_equal(variant_rc(bad[i].from, bad[i].to, &err), LOTSE_EINVAL);
    if (!strstr(err.msg, bad[i].msg))
      fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
  }
  assert_int_equal(parse_rc("{\"meeting\":", &err), LOTSE_ECORRUPT);
  assert_int_equal(parse_rc("[]", &err), LOTSE_EINVAL);
  assert_int_equal(variant_rc("\"place\":\"Raum 2.14\",", "", &err), 0);
}

/* The schema level accepts what constrained decoding can produce (a date
 * of 10 characters that is no date, blank text), the strict check does
 * not; both refuse what the schema forbids. */
static void test_schema_level(void **state) {
  (void)state;
  lotse_err_t err = {0};
  json_error_t je;
  json_t *j = json_loads(good, 0, &je);
  assert_non_null(j);
  json_object_set_new(j, "date", json_string("abcdefghij"));
  json_t *it = json_array_get(json_object_get(j, "items"), 0);
  json_object_set_new(it, "title", json_string("   "));
  assert_int_equal(minutes_validate_schema(j, &err), 0);
  assert_int_equal(minutes_validate(j, &err), LOTSE_EINVAL);
  /* 10 code points of two bytes each are 10 characters for the schema. */
  json_object_set_new(j, "date", json_string("ääääääääää"));
  assert_int_equal(minutes_validate_schema(j, &err), 0);
  json_object_set_new(j, "date", json_string("2026-01-011"));
  assert_int_equal(minutes_validate_schema(j, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "date"));
  json_object_set_new(j, "date", json_string("2026-01-01"));
  json_object_set_new(it, "title", json_string(""));
  assert_int_equal(minutes_validate_schema(j, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "items[1].title"));
  json_object_set_new(it, "title", json_string("ok"));
  json_object_set_new(j, "extra", json_true());
  assert_int_equal(minutes_validate_schema(j, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "unbekanntes Feld 'extra'"));
  json_object_del(j, "extra");
  assert_int_equal(minutes_validate(j, &err), 0);
  json_decref(j);
}

static char *render(const char *s, minutes_format_t f) {
  lotse_err_t err = {0};
  json_t *j = NULL;
  assert_int_equal(minutes_parse(s, strlen(s), &j, &err), 0);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  assert_int_equal(minutes_render(j, f, &b, &err), 0);
  json_decref(j);
  return lotse_buf_detach(&b);
}

static void test_markdown(void **state) {
  (void)state;
  char *md = render(good, MINUTES_MD);
  assert_non_null(strstr(md, "# Niederschrift: Dienstbesprechung Bauamt\n"));
  assert_non_null(strstr(md, "| Datum | 28.02.2026 |"));
  assert_non_null(strstr(md, "| Ort | Raum 2.14 |"));
  assert_non_null(strstr(md, "| Anwesend | A. Meier, B. Yilmaz |"));
  assert_non_null(strstr(md, "## TOP 1: Digitale Bauakte\n"));
  assert_non_null(strstr(md, "- Pilot ab März\n"));
  assert_non_null(strstr(md, "## TOP 2: Verschiedenes\n"));
  assert_non_null(strstr(md, "Keine Wortbeiträge."));
  assert_non_null(strstr(md, "| 1 | Zeitplan erstellen | B. Yilmaz | "
                             "29.02.2024 |"));
  /* TOP 1 comes before TOP 2, the tasks last. */
  assert_true(strstr(md, "TOP 1") < strstr(md, "TOP 2"));
  assert_true(strstr(md, "TOP 2") < strstr(md, "## Aufgaben"));
  free(md);
  char *doc = malloc(sizeof good + 64);
  const char *p = strstr(good, "Digitale Bauakte");
  sprintf(doc, "%.*s*fett* | [x](javascript:y)\\nzwei%s", (int)(p - good),
          good, p + strlen("Digitale Bauakte"));
  md = render(doc, MINUTES_MD);
  assert_non_null(strstr(md, "## TOP 1: \\*fett\\* \\| \\[x\\](javascript:"
                             "y) zwei\n"));
  free(md);
  /* A text that would open a list at the start of its line. */
  p = strstr(good, "Frau Meier berichtet.");
  sprintf(doc, "%.*s12. Punkt%s", (int)(p - good), good,
          p + strlen("Frau Meier berichtet."));
  md = render(doc, MINUTES_MD);
  assert_non_null(strstr(md, "\n- 12\\. Punkt\n"));
  free(md);
  p = strstr(good, "Pilot ab");
  sprintf(doc, "%.*s- 3.5%s", (int)(p - good), good, p + strlen("Pilot ab"));
  md = render(doc, MINUTES_MD);
  assert_non_null(strstr(md, "\n- \\- 3.5 März\n"));
  free(md);
  free(doc);
}

static void test_html(void **state) {
  (void)state;
  char *doc = malloc(sizeof good + 64);
  const char *p = strstr(good, "Raum 2.14");
  sprintf(doc, "%.*s<script>alert(\\\"x\\\")</script> & 'o'%s",
          (int)(p - good), good, p + strlen("Raum 2.14"));
  char *h = render(doc, MINUTES_HTML);
  assert_non_null(strstr(h, "<html lang=\"de\">"));
  assert_null(strstr(h, "<script>"));
  assert_non_null(strstr(h, "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/"
                            "script&gt; &amp; &#39;o&#39;</td>"));
  assert_non_null(strstr(h, "<h2>TOP 1: Digitale Bauakte</h2>"));
  assert_non_null(strstr(h, "<li>Pilot ab März</li>"));
  assert_non_null(strstr(h, "<td>29.02.2024</td>"));
  assert_non_null(strstr(h, "<p>Kein Beschluss.</p>"));
  assert_non_null(strstr(h, "</html>\n"));
  free(h);
  free(doc);
}

static void test_format(void **state) {
  (void)state;
  lotse_err_t err = {0};
  minutes_format_t f = MINUTES_MD;
  assert_int_equal(minutes_format_parse("html", &f, &err), 0);
  assert_int_equal(f, MINUTES_HTML);
  assert_int_equal(minutes_format_parse("md", &f, &err), 0);
  assert_int_equal(f, MINUTES_MD);
  assert_int_equal(minutes_format_parse("pdf", &f, &err), 0);
  assert_int_equal(f, MINUTES_PDF);
  assert_int_equal(minutes_format_parse("docx", &f, &err), LOTSE_EINVAL);
  assert_int_equal(minutes_format_parse(NULL, &f, &err), LOTSE_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_compiles),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_schema_level),
      cmocka_unit_test(test_markdown),
      cmocka_unit_test(test_html),
      cmocka_unit_test(test_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
