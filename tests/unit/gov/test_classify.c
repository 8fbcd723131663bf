/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_classify.c — the shipped AI-Act questionnaire
 * (gov/questionnaire/ki-verordnung.yaml) rule by rule: each Art. 5 practice
 * and exclusion of the service instruction, each Annex III area, the Art. 6(3) exceptions and profiling, Art. 50,
 * personal data and staff monitoring; answers of the wrong kind; the JSON
 * views. Malformed files: tests/unit/gov/test_classify_schema.c.
 */
#include "testutil.h"

#include "gov/classify.h"

static gov_questionnaire_t *g_q;

static int setup(void **state) {
  (void)state;
  lotse_err_t err = {0};
  char *path = gov_questionnaire_default_path();
  int rc = gov_questionnaire_load(path, &g_q, &err);
  if (rc) fprintf(stderr, "load %s: %s\n", path, err.msg);
  free(path);
  return rc;
}

static int teardown(void **state) {
  (void)state;
  gov_questionnaire_free(g_q);
  return 0;
}

/* A harmless internal drafting tool: everything "no". */
static const char *const BASE =
    "{\"art5_manipulation\":false,\"art5_vulnerability\":false,"
    "\"art5_social_scoring\":false,\"art5_predictive_policing\":false,"
    "\"art5_face_scraping\":false,\"art5_emotion_work\":false,"
    "\"art5_biometric_categorisation\":false,"
    "\"art5_realtime_biometric_id\":false,"
    "\"da_biometric_recognition\":false,\"da_discrimination\":false,"
    "\"da_personality_profiles\":false,\"da_automated_decision\":false,"
    "\"art6_product\":false,"
    "\"annex3_area\":[\"none\"],\"art50_interaction\":false,"
    "\"art50_public_text\":false,\"art50_synthetic_media\":false,"
    "\"personal_data\":false,\"staff_monitoring\":false}";

/* BASE with the keys of over (JSON object) replaced or added. */
static json_t *answers(const char *over) {
  json_error_t je;
  json_t *a = json_loads(BASE, 0, &je);
  assert_non_null(a);
  if (over) {
    json_t *o = json_loads(over, 0, &je);
    if (!o) fail_msg("bad test JSON %s: %s", over, je.text);
    assert_int_equal(json_object_update(a, o), 0);
    json_decref(o);
  }
  return a;
}

static int classify(const char *over, gov_classification_t *c,
                    lotse_err_t *err) {
  json_t *a = answers(over);
  int rc = gov_classify_eval(g_q, a, c, err);
  json_decref(a);
  return rc;
}

static int has(char **v, const char *s) {
  for (size_t i = 0; v && v[i]; i++)
    if (!strcmp(v[i], s)) return 1;
  return 0;
}

static int has_sub(char **v, const char *s) {
  for (size_t i = 0; v && v[i]; i++)
    if (strstr(v[i], s)) return 1;
  return 0;
}

static size_t count(char **v) {
  size_t n = 0;
  while (v && v[n]) n++;
  return n;
}

/* ------------------------------------------------------------ the cases */

typedef struct ccase {
  const char *over;     /* answers changed from BASE */
  int risk_class;
  const char *reason;   /* a substring of one reason; NULL: any */
} ccase_t;

static void run_cases(const ccase_t *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    gov_classification_t c;
    lotse_err_t err = {0};
    int rc = classify(cases[i].over, &c, &err);
    if (rc) fail_msg("%s: %s", cases[i].over, err.msg);
    if (c.risk_class != cases[i].risk_class)
      fail_msg("%s: class %d, expected %d", cases[i].over, c.risk_class,
               cases[i].risk_class);
    if (cases[i].reason && !has_sub(c.reasons, cases[i].reason))
      fail_msg("%s: no reason containing '%s'", cases[i].over,
               cases[i].reason);
    assert_int_equal(c.measures.prohibited, c.risk_class == 4);
    assert_int_equal(c.measures.needs_dsfa || c.risk_class < 3, 1);
    assert_int_equal(c.measures.needs_transparency || c.risk_class < 2, 1);
    assert_true(has(c.measures.trainings, "ki-grundlagen"));
    gov_classification_release(&c);
  }
}

static void test_plain_tool_is_minimal(void **state) {
  (void)state;
  gov_classification_t c;
  lotse_err_t err = {0};
  assert_int_equal(classify(NULL, &c, &err), 0);
  assert_int_equal(c.risk_class, 1);
  assert_false(c.measures.prohibited);
  assert_false(c.measures.needs_dsfa);
  assert_false(c.measures.needs_risk_mgmt);
  assert_false(c.measures.needs_transparency);
  assert_false(c.measures.needs_personalrat);
  assert_false(c.measures.needs_dpo);
  assert_int_equal(count(c.measures.trainings), 1);
  assert_string_equal(c.measures.trainings[0], "ki-grundlagen");
  assert_int_equal(count(c.reasons), 1); /* the always-rule's */
  gov_classification_release(&c);
}

static void test_art5_each_practice_is_class_4(void **state) {
  (void)state;
  static const ccase_t cases[] = {
      {"{\"art5_manipulation\":true}", 4, "Buchst. a"},
      {"{\"art5_vulnerability\":true}", 4, "Buchst. b"},
      {"{\"art5_social_scoring\":true}", 4, "Buchst. c"},
      {"{\"art5_predictive_policing\":true}", 4, "Buchst. d"},
      {"{\"art5_face_scraping\":true}", 4, "Buchst. e"},
      {"{\"art5_emotion_work\":true}", 4, "Buchst. f"},
      {"{\"art5_biometric_categorisation\":true}", 4, "Buchst. g"},
      {"{\"art5_realtime_biometric_id\":true}", 4, "Buchst. h"},
      /* prohibited wins over everything else */
      {"{\"art5_social_scoring\":true,\"art50_interaction\":true,"
       "\"annex3_area\":[\"public_services\"],\"art6_exception\":\"none\","
       "\"profiling\":true}", 4, "Social Scoring"},
  };
  run_cases(cases, sizeof cases / sizeof *cases);
}

/* The service instruction's exclusions go beyond Art. 5. */
static void test_service_instruction_exclusions_are_class_4(void **state) {
  (void)state;
  static const ccase_t cases[] = {
      {"{\"da_biometric_recognition\":true}", 4, "Biometrische Erkennung"},
      {"{\"da_discrimination\":true}", 4, "geschützten Merkmalen"},
      {"{\"da_personality_profiles\":true}", 4, "Persönlichkeitsprofile"},
      {"{\"da_automated_decision\":true}", 4, "Art. 22 DSGVO"},
  };
  run_cases(cases, sizeof cases / sizeof *cases);
}

static void test_annex3_each_area_is_class_3(void **state) {
  (void)state;
  static const char *const areas[] = {
      "biometrics", "critical_infrastructure", "education", "employment",
      "public_services", "law_enforcement", "migration", "justice_democracy"};
  for (size_t i = 0; i < sizeof areas / sizeof *areas; i++) {
    char over[256], nr[16];
    snprintf(over, sizeof over, "{\"annex3_area\":[\"%s\"],"
             "\"art6_exception\":\"none\",\"profiling\":false}", areas[i]);
    snprintf(nr, sizeof nr, "Nr. %zu ", i + 1);
    ccase_t c = {over, 3, nr};
    run_cases(&c, 1);
    gov_classification_t r;
    lotse_err_t err = {0};
    assert_int_equal(classify(over, &r, &err), 0);
    assert_true(r.measures.needs_dsfa);
    assert_true(r.measures.needs_risk_mgmt);
    assert_true(has(r.measures.trainings, "ki-aufsicht"));
    gov_classification_release(&r);
  }
  static const ccase_t more[] = {
      {"{\"art6_product\":true}", 3, "Art. 6 Abs. 1"},
      {"{\"annex3_area\":[\"education\",\"employment\"],"
       "\"art6_exception\":\"none\",\"profiling\":false}", 3, "Nr. 4"},
  };
  run_cases(more, sizeof more / sizeof *more);
}

static void test_art6_3_exceptions_lower_the_class(void **state) {
  (void)state;
  static const char *const exc[] = {"narrow_procedural", "improve_human_work",
                                    "detect_patterns", "preparatory"};
  for (size_t i = 0; i < 4; i++) {
    char over[256];
    snprintf(over, sizeof over, "{\"annex3_area\":[\"public_services\"],"
             "\"art6_exception\":\"%s\",\"profiling\":false}", exc[i]);
    gov_classification_t c;
    lotse_err_t err = {0};
    assert_int_equal(classify(over, &c, &err), 0);
    assert_int_equal(c.risk_class, 1);
    assert_true(c.measures.needs_risk_mgmt); /* the exception's record */
    assert_false(c.measures.needs_dsfa);
    assert_true(has_sub(c.reasons, "Art. 6 Abs. 3"));
    gov_classification_release(&c);
  }
  /* an exception with a chatbot: 2 */
  static const ccase_t cases[] = {
      {"{\"annex3_area\":[\"employment\"],\"art6_exception\":\"preparatory\","
       "\"profiling\":false,\"art50_interaction\":true}", 2, "Art. 50"},
  };
  run_cases(cases, 1);
}

static void test_profiling_overrides_exception(void **state) {
  (void)state;
  static const ccase_t cases[] = {
      {"{\"annex3_area\":[\"employment\"],\"art6_exception\":"
       "\"detect_patterns\",\"profiling\":true}", 3, "Unterabs. 3"},
      {"{\"annex3_area\":[\"migration\"],\"art6_exception\":\"preparatory\","
       "\"profiling\":true}", 3, "Nr. 7"},
  };
  run_cases(cases, 2);
  gov_classification_t c;
  lotse_err_t err = {0};
  assert_int_equal(classify(cases[0].over, &c, &err), 0);
  assert_true(c.measures.needs_dpo);
  assert_false(has_sub(c.reasons, "in Anspruch genommen"));
  gov_classification_release(&c);
}

static void test_art50_transparency_is_class_2(void **state) {
  (void)state;
  static const ccase_t cases[] = {
      {"{\"art50_interaction\":true}", 2, "Abs. 1"},
      {"{\"art50_public_text\":true}", 2, "Öffentlichkeit"},
      {"{\"art50_synthetic_media\":true,\"art50_deepfake\":false}", 2,
       "Abs. 2"},
      {"{\"art50_synthetic_media\":true,\"art50_deepfake\":true}", 2,
       "Deepfakes"},
  };
  run_cases(cases, sizeof cases / sizeof *cases);
  gov_classification_t c;
  lotse_err_t err = {0};
  assert_int_equal(classify(cases[0].over, &c, &err), 0);
  assert_true(c.measures.needs_transparency);
  assert_false(c.measures.needs_dsfa);
  gov_classification_release(&c);
}

static void test_personal_data_and_staff(void **state) {
  (void)state;
  gov_classification_t c;
  lotse_err_t err = {0};
  assert_int_equal(classify("{\"personal_data\":true,"
                            "\"special_categories\":false}", &c, &err), 0);
  assert_int_equal(c.risk_class, 1);
  assert_true(c.measures.needs_dpo);
  assert_false(c.measures.needs_dsfa);
  assert_true(has(c.measures.trainings, "datenschutz-ki"));
  gov_classification_release(&c);

  assert_int_equal(classify("{\"personal_data\":true,"
                            "\"special_categories\":true}", &c, &err), 0);
  assert_true(c.measures.needs_dsfa);
  assert_true(c.measures.needs_dpo);
  assert_int_equal(c.risk_class, 1);
  gov_classification_release(&c);

  assert_int_equal(classify("{\"staff_monitoring\":true}", &c, &err), 0);
  assert_true(c.measures.needs_personalrat);
  assert_false(c.measures.needs_dpo);
  assert_int_equal(c.risk_class, 1);
  assert_true(has_sub(c.reasons, "Personalrat"));
  gov_classification_release(&c);
}

/* ------------------------------------------------------- answer checks */

static void expect_einval(const char *over, const char *msg_part) {
  gov_classification_t c;
  lotse_err_t err = {0};
  int rc = classify(over, &c, &err);
  if (rc != LOTSE_EINVAL) fail_msg("%s: rc %d, expected EINVAL", over, rc);
  if (!strstr(err.msg, msg_part))
    fail_msg("%s: message '%s' lacks '%s'", over, err.msg, msg_part);
  assert_null(c.reasons); /* nothing to release */
}

static void test_bad_answers(void **state) {
  (void)state;
  expect_einval("{\"no_such_question\":true}", "no_such_question");
  expect_einval("{\"art5_manipulation\":null}", "art5_manipulation");
  expect_einval("{\"art5_manipulation\":\"vielleicht\"}", "ja/nein");
  expect_einval("{\"art5_manipulation\":1}", "art5_manipulation");
  expect_einval("{\"annex3_area\":\"none\"}", "Liste");
  expect_einval("{\"annex3_area\":[]}", "annex3_area");
  expect_einval("{\"annex3_area\":[\"mars\"]}", "unbekannter Wert");
  expect_einval("{\"annex3_area\":[\"education\",\"education\"],"
                "\"art6_exception\":\"none\",\"profiling\":false}", "doppelt");
  expect_einval("{\"annex3_area\":[\"none\",\"education\"]}", "schließt");
  /* follow-up questions become required once asked */
  expect_einval("{\"annex3_area\":[\"education\"],\"profiling\":false}",
                "art6_exception");
  expect_einval("{\"annex3_area\":[\"education\"],"
                "\"art6_exception\":\"none\"}", "profiling");
  expect_einval("{\"art50_synthetic_media\":true}", "art50_deepfake");
  expect_einval("{\"art6_exception\":[\"none\"]}", "art6_exception");

  lotse_err_t err = {0};
  gov_classification_t c;
  json_t *arr = json_array();
  assert_int_equal(gov_classify_eval(g_q, arr, &c, &err), LOTSE_EINVAL);
  json_decref(arr);
  json_t *empty = json_object();
  assert_int_equal(gov_classify_eval(g_q, empty, &c, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "art5_manipulation")); /* the first */
  json_decref(empty);
}

static void test_answer_forms(void **state) {
  (void)state;
  gov_classification_t c;
  lotse_err_t err = {0};
  /* "ja"/"nein" as strings */
  assert_int_equal(classify("{\"art50_interaction\":\"ja\","
                            "\"staff_monitoring\":\"nein\"}", &c, &err), 0);
  assert_int_equal(c.risk_class, 2);
  assert_false(c.measures.needs_personalrat);
  gov_classification_release(&c);
  /* answers to questions not asked are ignored (if well-formed) */
  assert_int_equal(classify("{\"art6_exception\":\"none\","
                            "\"profiling\":true,\"art50_deepfake\":true}",
                            &c, &err), 0);
  assert_int_equal(c.risk_class, 1);
  gov_classification_release(&c);
}

/* ------------------------------------------------------------ JSON views */

static void test_classification_json_roundtrip(void **state) {
  (void)state;
  gov_classification_t c, back;
  lotse_err_t err = {0};
  assert_int_equal(classify("{\"annex3_area\":[\"employment\"],"
                            "\"art6_exception\":\"none\",\"profiling\":true,"
                            "\"personal_data\":true,\"special_categories\":"
                            "false,\"staff_monitoring\":true}", &c, &err), 0);
  json_t *j = gov_classification_json(&c);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "risk_class")), 3);
  assert_string_equal(json_string_value(json_object_get(j, "risk_label")),
                      "hoch");
  assert_int_equal(gov_classification_from_json(j, &back, &err), 0);
  assert_int_equal(back.risk_class, c.risk_class);
  assert_int_equal(memcmp(&back.measures, &c.measures,
                          offsetof(gov_measures_t, trainings)), 0);
  assert_int_equal(count(back.reasons), count(c.reasons));
  for (size_t i = 0; c.reasons[i]; i++)
    assert_string_equal(back.reasons[i], c.reasons[i]);
  assert_int_equal(count(back.measures.trainings), 3);
  for (size_t i = 0; c.measures.trainings[i]; i++)
    assert_string_equal(back.measures.trainings[i], c.measures.trainings[i]);
  gov_classification_release(&back);
  gov_classification_release(&c);

  json_object_set_new(j, "risk_class", json_integer(5));
  assert_int_equal(gov_classification_from_json(j, &back, &err), LOTSE_EINVAL);
  json_object_set_new(j, "risk_class", json_integer(2));
  json_object_set_new(json_object_get(j, "measures"), "needs_dpo",
                      json_string("ja"));
  assert_int_equal(gov_classification_from_json(j, &back, &err), LOTSE_EINVAL);
  json_decref(j);
  assert_string_equal(gov_risk_class_label(4), "unannehmbar");
  assert_null(gov_risk_class_label(0));
}

static void test_questionnaire_json(void **state) {
  (void)state;
  json_t *a = gov_questionnaire_json(g_q);
  assert_true(json_is_array(a));
  size_t i, yes_no = 0, areas = 0;
  json_t *x;
  json_array_foreach(a, i, x) {
    const char *kind = json_string_value(json_object_get(x, "kind"));
    assert_non_null(kind);
    assert_non_null(json_string_value(json_object_get(x, "text")));
    assert_non_null(json_string_value(json_object_get(x, "section_title")));
    json_t *opts = json_object_get(x, "options");
    if (!strcmp(kind, "yes_no")) {
      yes_no++;
      assert_int_equal(json_array_size(opts), 2);
      assert_string_equal(json_string_value(json_object_get(
                              json_array_get(opts, 0), "value")), "ja");
    }
    if (!strcmp(json_string_value(json_object_get(x, "id")), "annex3_area"))
      areas = json_array_size(opts);
  }
  assert_true(yes_no >= 18);
  assert_int_equal(areas, 9);
  json_decref(a);
  assert_non_null(gov_questionnaire_version(g_q));
  assert_int_equal(strlen(gov_questionnaire_sha256(g_q)), 64);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_tool_is_minimal),
      cmocka_unit_test(test_art5_each_practice_is_class_4),
      cmocka_unit_test(test_service_instruction_exclusions_are_class_4),
      cmocka_unit_test(test_annex3_each_area_is_class_3),
      cmocka_unit_test(test_art6_3_exceptions_lower_the_class),
      cmocka_unit_test(test_profiling_overrides_exception),
      cmocka_unit_test(test_art50_transparency_is_class_2),
      cmocka_unit_test(test_personal_data_and_staff),
      cmocka_unit_test(test_bad_answers),
      cmocka_unit_test(test_answer_forms),
      cmocka_unit_test(test_classification_json_roundtrip),
      cmocka_unit_test(test_questionnaire_json),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
