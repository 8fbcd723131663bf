/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_kpi_algoreg.c — the register exported as
 * algorithm-register entries: every field of the Dutch standard present,
 * values taken from the register (class, documents, approvals, legal basis,
 * dates), drafts left out unless asked for, unknown applications refused.
 */
#include "testutil.h"

#include "gov/kpi.h"
#include "gov/registry.h"
#include "store/store.h"

#include <jansson.h>

static const char *const KEYS[] = {
    "name", "description_short", "organization", "category", "status",
    "begin_date", "end_date", "contact_email", "website",
    "publication_category", "url", "goal", "proportionality",
    "human_intervention", "risks", "lawful_basis", "lawful_basis_grouping",
    "process_index_url", "impacttoetsen_grouping", "impacttoetsen",
    "source_data", "source_data_grouping", "methods_and_models", "provider",
    "publiccode", "lang", "standard_version", "source_id", "tags", NULL};

static void ok(int rc, const lotse_err_t *err, const char *what) {
  if (rc) fprintf(stderr, "%s: %s\n", what, err->msg);
  assert_int_equal(rc, 0);
}

static void user(store_t *st, const char *name, const char *role) {
  lotse_err_t err = {0};
  ok(store_user_put(st, name, NULL, "Sozialamt", STORE_CLASS_ALL, NULL, 0,
                    &err), &err, "user");
  if (role) ok(gov_role_grant(st, name, role, "test", &err), &err, "grant");
}

static store_t *fresh(const char *name, char **dir) {
  *dir = test_dir(name);
  char *db = test_path(*dir, "lotse.db");
  store_t *st = NULL;
  lotse_err_t err = {0};
  ok(store_open(db, &st, &err), &err, "store_open");
  free(db);
  ok(store_unit_add(st, "Sozialamt", NULL, &err), &err, "unit");
  user(st, "koord", "ki_koordination");
  user(st, "fdl", "fachdienstleitung");
  user(st, "dsb", "datenschutz");
  user(st, "isb", "informationssicherheit");
  user(st, "ethik", "ethik_beirat");
  ok(gov_training_add(st, "ki-grundlagen", "KI-Grundlagen", 0, &err), &err,
     "training");
  return st;
}

static void create(store_t *st, const char *id, const char *purpose) {
  char text[4096];
  snprintf(text, sizeof text,
           "{\"id\":\"%s\",\"name\":\"Anwendung %s\",\"purpose\":\"%s\","
           "\"owner_unit\":\"Sozialamt\",\"models\":[\"qwen3-8b\"],"
           "\"config\":{\"rechtsgrundlage\":\"§ 13 SGB I\"},"
           "\"data_classes\":[\"intern\",\"personenbezogen\"]}",
           id, id, purpose);
  json_error_t je;
  json_t *f = json_loads(text, 0, &je);
  assert_non_null(f);
  lotse_err_t err = {0};
  ok(gov_app_create(st, f, "koord", &err), &err, "create");
  json_decref(f);
}

static void classify(store_t *st, const char *id, int cls) {
  char *tr[] = {"ki-grundlagen", NULL};
  char *reasons[] = {"Die Anwendung wirkt beim Zugang zu Sozialleistungen mit",
                     NULL};
  gov_classification_t c = {0};
  c.risk_class = cls;
  c.measures.needs_dsfa = c.measures.needs_risk_mgmt = cls == 3;
  c.measures.needs_dpo = true;
  c.measures.trainings = tr;
  c.reasons = reasons;
  json_t *answers = json_pack("{ss}", "personal_data", "ja");
  lotse_err_t err = {0};
  ok(gov_app_classify_set(st, id, answers, &c, "koord", &err), &err,
     "classify");
  json_decref(answers);
}

/* A class-3 application taken through the whole approval. */
static void approved_class3(store_t *st, const char *id) {
  lotse_err_t err = {0};
  create(st, id, "Hinweise zu Anträgen auf Sozialleistungen vorbereiten");
  classify(st, id, 3);
  ok(gov_app_submit(st, id, "koord", NULL, &err), &err, "submit");
  ok(gov_app_approve(st, id, "koord", "ki_koordination", "", &err), &err, "a1");
  ok(gov_app_approve(st, id, "fdl", "fachdienstleitung", "", &err), &err, "a2");
  ok(gov_app_approve(st, id, "dsb", "datenschutz", "", &err), &err, "a3");
  ok(gov_app_approve(st, id, "isb", "informationssicherheit", "", &err), &err,
     "a4");
  ok(gov_app_document_add(st, id, "dsfa", "DSFA-2026-014", "dsb", &err), &err,
     "dsfa");
  ok(gov_app_document_add(st, id, "risikomanagement", "RM-7", "koord", &err),
     &err, "rm");
  const char *recs[] = {"Ablehnungen stichprobenartig prüfen", NULL};
  ok(gov_app_opinion(st, id, "ethik", "Vertretbar mit Auflagen", recs, &err),
     &err, "opinion");
}

static const char *s(const json_t *o, const char *k) {
  const char *v = json_string_value(json_object_get(o, k));
  assert_non_null(v);
  return v;
}

static json_t *export(store_t *st, const char *app, int drafts) {
  gov_algoreg_opts_t o = {.organisation = "Landkreis Musterhausen",
                          .contact = "ki@musterhausen.example",
                          .app_id = app, .include_drafts = drafts};
  json_t *arr = NULL;
  lotse_err_t err = {0};
  ok(gov_algoreg_export(st, &o, &arr, &err), &err, "export");
  assert_true(json_is_array(arr));
  return arr;
}

static void entry_has_standard_fields(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("algoreg_fields", &dir);
  approved_class3(st, "sozialhinweis");
  json_t *arr = export(st, NULL, 0);
  assert_int_equal(json_array_size(arr), 1);
  json_t *e = json_array_get(arr, 0);
  for (int i = 0; KEYS[i]; i++) {
    if (!json_object_get(e, KEYS[i])) fprintf(stderr, "missing %s\n", KEYS[i]);
    assert_non_null(json_object_get(e, KEYS[i]));
  }
  assert_string_equal(s(e, "name"), "Anwendung sozialhinweis");
  assert_string_equal(s(e, "organization"), "Landkreis Musterhausen");
  assert_string_equal(s(e, "contact_email"), "ki@musterhausen.example");
  assert_string_equal(s(e, "status"), "In gebruik");
  assert_string_equal(s(e, "publication_category"), "Hoog-risico AI-systeem");
  assert_string_equal(s(e, "lawful_basis"), "§ 13 SGB I");
  assert_string_equal(s(e, "standard_version"), GOV_ALGOREG_STANDARD);
  assert_string_equal(s(e, "source_id"), "sozialhinweis");
  assert_int_equal(strlen(s(e, "begin_date")), 7); /* yyyy-mm */
  assert_string_equal(s(e, "end_date"), "");
  /* impact assessments: the DSFA and the risk management record */
  json_t *it = json_object_get(e, "impacttoetsen_grouping");
  assert_int_equal(json_array_size(it), 2);
  assert_string_equal(s(json_array_get(it, 0), "link"), "DSFA-2026-014");
  assert_non_null(strstr(s(e, "impacttoetsen"), "liegt vor"));
  /* texts come from the register */
  assert_non_null(strstr(s(e, "risks"), "Risikoklasse 3"));
  assert_non_null(strstr(s(e, "risks"), "Informationssicherheit"));
  assert_non_null(strstr(s(e, "risks"), "RM-7"));
  assert_non_null(strstr(s(e, "risks"), "Ablehnungen stichprobenartig"));
  assert_non_null(strstr(s(e, "proportionality"), "Zugang zu Sozialleistungen"));
  assert_non_null(strstr(s(e, "proportionality"), "Vertretbar mit Auflagen"));
  assert_non_null(strstr(s(e, "human_intervention"), "freigezeichnet"));
  assert_non_null(strstr(s(e, "source_data"), "personenbezogen"));
  assert_non_null(strstr(s(e, "methods_and_models"), "qwen3-8b"));
  json_t *x = json_object_get(e, "x_lotse");
  assert_int_equal(json_integer_value(json_object_get(x, "risk_class")), 3);
  assert_string_equal(s(x, "status"), "freigegeben");
  assert_int_equal(strlen(s(x, "sha256")), 64);
  json_decref(arr);
  store_close(st);
  free(dir);
}

static void drafts_filter_and_unknown(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("algoreg_drafts", &dir);
  approved_class3(st, "b-fertig");
  create(st, "a-entwurf", "Noch in Arbeit");
  json_t *arr = export(st, NULL, 0);
  assert_int_equal(json_array_size(arr), 1); /* the draft is left out */
  json_decref(arr);
  arr = export(st, NULL, 1);
  assert_int_equal(json_array_size(arr), 2);
  json_t *d = json_array_get(arr, 0); /* sorted by id */
  assert_string_equal(s(d, "source_id"), "a-entwurf");
  assert_string_equal(s(d, "status"), "In ontwikkeling");
  assert_true(json_is_null(json_object_get(d, "publication_category")));
  assert_string_equal(s(d, "begin_date"), "");
  json_decref(arr);
  arr = export(st, "a-entwurf", 0); /* asked for by id: any status */
  assert_int_equal(json_array_size(arr), 1);
  json_decref(arr);
  gov_algoreg_opts_t o = {.app_id = "gibtsnicht"};
  lotse_err_t err = {0};
  json_t *none = (json_t *)1;
  assert_int_equal(gov_algoreg_export(st, &o, &none, &err), LOTSE_ENOTFOUND);
  assert_null(none);
  assert_non_null(strstr(err.msg, "gibtsnicht"));
  store_close(st);
  free(dir);
}

static void retired_and_long_purpose(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("algoreg_retired", &dir);
  char purpose[1200] = "";
  for (int i = 0; i < 60; i++) strcat(purpose, "Äpfel und Birnen ");
  create(st, "alt", purpose);
  classify(st, "alt", 1);
  lotse_err_t err = {0};
  ok(gov_app_retire(st, "alt", "koord", "ersetzt", &err), &err, "retire");
  json_t *arr = export(st, "alt", 0);
  json_t *e = json_array_get(arr, 0);
  assert_string_equal(s(e, "status"), "Buiten gebruik");
  assert_int_equal(strlen(s(e, "end_date")), 7);
  assert_string_equal(s(e, "publication_category"), "Impactvolle algoritmes");
  const char *d = s(e, "description_short");
  assert_true(lotse_utf8_valid(d, strlen(d)));
  size_t chars = 0;
  for (const char *p = d; *p; p++) chars += ((*p & 0xC0) != 0x80);
  assert_int_equal(chars, 350);
  assert_non_null(strstr(d, "…"));
  json_decref(arr);
  store_close(st);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(entry_has_standard_fields),
      cmocka_unit_test(drafts_filter_and_unknown),
      cmocka_unit_test(retired_and_long_purpose),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
