/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_registry.c — applications, versions, the approval
 * workflow by role and class, and what the runtime gate reads.
 */
#include "testutil.h"

#include "gov/registry.h"
#include "store/store.h"

#include <jansson.h>

typedef struct fx {
  char *dir;
  store_t *st;
} fx_t;

static int64_t scalar(store_t *st, const char *sql) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

static void exec_ok(store_t *st, const char *sql) {
  char *msg = NULL;
  int rc = sqlite3_exec(store_db(st), sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) fprintf(stderr, "%s: %s\n", sql, msg);
  sqlite3_free(msg);
  assert_int_equal(rc, SQLITE_OK);
}

static void user(store_t *st, const char *name, const char *unit,
                 const char *role) {
  lotse_err_t err = {0};
  assert_int_equal(store_user_put(st, name, NULL, unit, STORE_CLASS_ALL, NULL,
                                  0, &err), 0);
  if (role) assert_int_equal(gov_role_grant(st, name, role, "test", &err), 0);
}

static int setup(void **state) {
  fx_t *f = calloc(1, sizeof *f);
  f->dir = test_dir("gov_registry");
  char *db = test_path(f->dir, "lotse.db");
  lotse_err_t err = {0};
  assert_int_equal(store_open(db, &f->st, &err), 0);
  free(db);
  store_t *st = f->st;
  assert_int_equal(store_unit_add(st, "Dezernat 2", NULL, &err), 0);
  assert_int_equal(store_unit_add(st, "Sozialamt", "Dezernat 2", &err), 0);
  assert_int_equal(store_unit_add(st, "Jobcenter", "Sozialamt", &err), 0);
  assert_int_equal(store_unit_add(st, "Bauamt", NULL, &err), 0);
  user(st, "koord", "Bauamt", "ki_koordination");
  user(st, "fdl", "Sozialamt", "fachdienstleitung");
  user(st, "fdl_bau", "Bauamt", "fachdienstleitung");
  user(st, "dezernent", "Dezernat 2", "fachdienstleitung");
  user(st, "dsb", "Bauamt", "datenschutz");
  user(st, "isb", "Bauamt", "informationssicherheit");
  user(st, "pr", "Bauamt", "personalrat");
  user(st, "ethik", "Bauamt", "ethik_beirat");
  user(st, "sachb", "Jobcenter", NULL);
  user(st, "bau", "Bauamt", NULL);
  assert_int_equal(gov_training_add(st, "ki-grundlagen", "KI-Grundlagen", 0,
                                    &err), 0);
  assert_int_equal(gov_training_add(st, "datenschutz-ki", "Datenschutz und KI",
                                    365, &err), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx_t *f = *state;
  store_close(f->st);
  free(f->dir);
  free(f);
  return 0;
}

static json_t *fields(const char *extra) {
  json_error_t je;
  char text[2048];
  snprintf(text, sizeof text,
           "{\"id\":\"buergerinfo\",\"name\":\"Bürgerinfo\","
           "\"purpose\":\"Antworten auf Fragen zu Sozialleistungen\","
           "\"owner_unit\":\"Sozialamt\",\"models\":[\"qwen3-8b\"],"
           "\"system_prompt\":\"Du hilfst.\",\"config\":{\"temperature\":0.2},"
           "\"data_classes\":[\"intern\",\"offen\"],\"units\":[\"Sozialamt\"],"
           "\"trainings\":[\"ki-grundlagen\"]%s}",
           extra ? extra : "");
  json_t *j = json_loads(text, 0, &je);
  if (!j) fprintf(stderr, "json: %s\n", je.text);
  assert_non_null(j);
  return j;
}

static void create_default(store_t *st) {
  json_t *f = fields(NULL);
  lotse_err_t err = {0};
  int rc = gov_app_create(st, f, "koord", &err);
  if (rc) fprintf(stderr, "create: %s\n", err.msg);
  assert_int_equal(rc, 0);
  json_decref(f);
}

/* A classification as gov/classify.c would produce it. */
static void classify(store_t *st, int cls, bool dpo, bool personalrat,
                     bool transparency, int expect) {
  char *tr[] = {"ki-grundlagen", NULL};
  char *reasons[] = {"Testfall", NULL};
  gov_classification_t c = {0};
  c.risk_class = cls;
  c.measures.prohibited = cls == 4;
  c.measures.needs_dsfa = cls == 3;
  c.measures.needs_risk_mgmt = cls == 3;
  c.measures.needs_transparency = transparency;
  c.measures.needs_personalrat = personalrat;
  c.measures.needs_dpo = dpo;
  c.measures.trainings = tr;
  c.reasons = reasons;
  json_t *answers = json_pack("{sb}", "chatbot", transparency);
  lotse_err_t err = {0};
  int rc = gov_app_classify_set(st, "buergerinfo", answers, &c, "koord", &err);
  if (rc != expect) fprintf(stderr, "classify: %s\n", err.msg);
  assert_int_equal(rc, expect);
  json_decref(answers);
}

static int approve(store_t *st, const char *u, const char *role,
                   lotse_err_t *err) {
  lotse_err_clear(err);
  return gov_app_approve(st, "buergerinfo", u, role, "ok", err);
}

static const char *status(store_t *st) {
  static char buf[32];
  sqlite3_stmt *s;
  sqlite3_prepare_v2(store_db(st), "SELECT status FROM apps WHERE slug = "
                     "'buergerinfo'", -1, &s, NULL);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  snprintf(buf, sizeof buf, "%s", sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return buf;
}

static gov_app_verdict_t verdict(store_t *st, int64_t now) {
  gov_app_approved_t a;
  lotse_err_t err = {0};
  assert_int_equal(gov_app_load_approved(st, "buergerinfo", now, &a, &err), 0);
  gov_app_verdict_t v = a.verdict;
  if (v != GOV_APP_OK) assert_true(a.reason[0] != '\0');
  gov_app_approved_release(&a);
  return v;
}

/* Class 1, approved by KI-Koordination and Fachdienstleitung. */
static void approved_class1(store_t *st) {
  lotse_err_t err = {0};
  create_default(st);
  classify(st, 1, false, false, false, 0);
  assert_int_equal(gov_app_submit(st, "buergerinfo", "koord", NULL, &err), 0);
  assert_int_equal(approve(st, "koord", "ki_koordination", &err), 0);
  assert_string_equal(status(st), "in_pruefung");
  assert_int_equal(approve(st, "fdl", "fachdienstleitung", &err), 0);
  assert_string_equal(status(st), "freigegeben");
}

/* ------------------------------------------------------------------ tests */

static void test_schema_and_names(void **state) {
  fx_t *f = *state;
  assert_true(store_schema_latest() >= 2);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM sqlite_master WHERE "
                          "name IN ('apps','app_versions','app_approvals',"
                          "'app_history','gov_roles','trainings',"
                          "'user_trainings','app_documents',"
                          "'app_recommendations')"), 9);
  for (int s = 0; s < GOV_STATUS_COUNT; s++)
    assert_int_equal(gov_status_parse(gov_status_name(s)), s);
  for (int r = 0; r < GOV_ROLE_COUNT; r++)
    assert_int_equal(gov_role_parse(gov_role_name(r)), r);
  assert_string_equal(gov_status_label(GOV_STATUS_AUSSER_BETRIEB),
                      "außer Betrieb");
  assert_int_equal(gov_class_parse("besondere_kategorien"), GOV_CLASS_SPECIAL);
  assert_int_equal(gov_role_parse("chef"), -1);
}

static void test_create_snapshot_hash(void **state) {
  fx_t *f = *state;
  create_default(f->st);
  json_t *snap;
  lotse_err_t err = {0};
  assert_int_equal(gov_app_version_json(f->st, "buergerinfo", 0, &snap, &err),
                   0);
  /* Lists are normalised: data classes in class order. */
  assert_string_equal(json_string_value(json_array_get(
                          json_object_get(snap, "data_classes"), 0)),
                      "offen");
  json_decref(snap);
  /* The stored hash is the SHA-256 of the stored snapshot text. */
  sqlite3_stmt *s;
  sqlite3_prepare_v2(store_db(f->st), "SELECT snapshot, sha256 FROM "
                     "app_versions", -1, &s, NULL);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  char hex[65];
  const char *text = (const char *)sqlite3_column_text(s, 0);
  lotse_sha256_hex(text, strlen(text), hex);
  assert_string_equal(hex, (const char *)sqlite3_column_text(s, 1));
  /* Canonical: sorted keys, compact. */
  assert_true(strncmp(text, "{\"config\":{\"temperature\":0.2", 28) == 0);
  assert_non_null(strstr(text, "},\"data_classes\":[\"offen\",\"intern\"],"));
  sqlite3_finalize(s);
  assert_string_equal(status(f->st), "entwurf");
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_NOT_APPROVED);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_history"), 1);
}

static void test_create_bad_input_changes_nothing(void **state) {
  fx_t *f = *state;
  static const char *const bad[] = {
      ",\"owner_unit\":\"Gibtsnicht\"", ",\"colour\":\"blau\"",
      ",\"data_classes\":[\"geheim\"]", ",\"data_classes\":[]",
      ",\"units\":[\"Sozialamt\",\"Sozialamt\"]",
      ",\"trainings\":[\"unbekannt\"]", ",\"config\":[1]",
      ",\"purpose\":\"\"", ",\"name\":3", ",\"id\":\"Groß\"",
      ",\"models\":[\"\"]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *j = fields(bad[i]);
    lotse_err_t err = {0};
    assert_int_equal(gov_app_create(f->st, j, "koord", &err), LOTSE_EINVAL);
    assert_true(err.msg[0] != '\0');
    json_decref(j);
  }
  json_t *j = json_pack("{ss ss ss}", "id", "x1", "name", "X", "owner_unit",
                        "Bauamt");
  lotse_err_t err = {0};
  assert_int_equal(gov_app_create(f->st, j, NULL, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "purpose"));
  json_decref(j);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM apps"), 0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_history"), 0);
  create_default(f->st);
  j = fields(NULL);
  assert_int_equal(gov_app_create(f->st, j, NULL, &err), LOTSE_EEXIST);
  json_decref(j);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_versions"), 1);
}

static void test_update_versions(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  int v = 0;
  /* Same content (other order of lists): no new version. */
  json_t *same = json_pack("{s[ss]}", "data_classes", "offen", "intern");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", same, "koord", NULL,
                                  &v, &err), 0);
  assert_int_equal(v, 1);
  json_decref(same);
  json_t *ch = json_pack("{ss}", "system_prompt", "Du hilfst freundlich.");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", ch, "koord", "neu",
                                  &v, &err), 0);
  assert_int_equal(v, 2);
  json_decref(ch);
  assert_string_equal(status(f->st), "entwurf");
  json_t *idc = json_pack("{ss}", "id", "anders");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", idc, "koord", NULL,
                                  &v, &err), LOTSE_EINVAL);
  json_decref(idc);
  json_t *badunit = json_pack("{s[s]}", "units", "Nirgendwo");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", badunit, NULL, NULL,
                                  &v, &err), LOTSE_EINVAL);
  json_decref(badunit);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_versions"), 2);
  /* Versions are immutable. */
  assert_int_not_equal(sqlite3_exec(store_db(f->st), "UPDATE app_versions SET "
                       "snapshot = '{}'", NULL, NULL, NULL), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(store_db(f->st), "DELETE FROM "
                       "app_history", NULL, NULL, NULL), SQLITE_OK);
}

static void test_class1_workflow(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  /* Not classified: submit refused. */
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", "koord", NULL, &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "klassifiziert"));
  classify(f->st, 1, false, false, false, 0);
  /* Approval before submission is refused. */
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", "koord", NULL, &err),
                   0);
  /* Without the role. */
  assert_int_equal(approve(f->st, "bau", "ki_koordination", &err),
                   LOTSE_EACCESS);
  assert_non_null(strstr(err.msg, "KI-Koordination"));
  /* Fachdienstleitung of another unit. */
  assert_int_equal(approve(f->st, "fdl_bau", "fachdienstleitung", &err),
                   LOTSE_EACCESS);
  /* A role the class does not call for. */
  assert_int_equal(approve(f->st, "dsb", "datenschutz", &err), LOTSE_EINVAL);
  assert_int_equal(approve(f->st, "ethik", "ethik_beirat", &err),
                   LOTSE_EINVAL);
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err), 0);
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err),
                   LOTSE_EEXIST);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_approvals"), 1);
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_NOT_APPROVED);
  /* The head of the unit above the owner unit may sign as Fachdienstleitung. */
  assert_int_equal(approve(f->st, "dezernent", "fachdienstleitung", &err), 0);
  assert_string_equal(status(f->st), "freigegeben");
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_OK);
  int64_t until = scalar(f->st, "SELECT valid_until - approved_at FROM apps");
  assert_true(until > 0 && until <= 366 * 86400);
  /* Classification is frozen now. */
  classify(f->st, 2, false, false, true, LOTSE_EINVAL);
}

static void test_four_eyes(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  assert_int_equal(gov_role_grant(f->st, "fdl", "ki_koordination", NULL, &err),
                   0);
  create_default(f->st);
  classify(f->st, 1, false, false, false, 0);
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", NULL, NULL, &err), 0);
  assert_int_equal(approve(f->st, "fdl", "fachdienstleitung", &err), 0);
  assert_int_equal(approve(f->st, "fdl", "ki_koordination", &err),
                   LOTSE_EACCESS);
  assert_non_null(strstr(err.msg, "Vier-Augen"));
  assert_string_equal(status(f->st), "in_pruefung");
}

static void test_class3_needs_more(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  classify(f->st, 3, true, true, true, 0);
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", NULL, NULL, &err), 0);
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err), 0);
  assert_int_equal(approve(f->st, "fdl", "fachdienstleitung", &err), 0);
  assert_int_equal(approve(f->st, "dsb", "datenschutz", &err), 0);
  assert_int_equal(approve(f->st, "isb", "informationssicherheit", &err), 0);
  assert_string_equal(status(f->st), "in_pruefung"); /* Personalrat, docs */
  json_t *show;
  assert_int_equal(gov_app_show_json(f->st, "buergerinfo", lotse_now_unix(),
                                     &show, &err), 0);
  json_t *missing = json_object_get(show, "missing");
  assert_int_equal(json_array_size(missing), 4);
  assert_string_equal(json_string_value(json_array_get(missing, 0)),
                      "Zustimmung Personalrat");
  json_decref(show);
  assert_int_equal(approve(f->st, "pr", "personalrat", &err), 0);
  assert_int_equal(gov_app_document_add(f->st, "buergerinfo", "dsfa",
                                        "DSFA-2026-014", "dsb", &err), 0);
  assert_int_equal(gov_app_document_add(f->st, "buergerinfo", "akte", "x",
                                        "dsb", &err), LOTSE_EINVAL);
  assert_int_equal(gov_app_document_add(f->st, "buergerinfo",
                                        "risikomanagement", "RM-7", "koord",
                                        &err), 0);
  assert_string_equal(status(f->st), "in_pruefung"); /* notice missing */
  assert_int_equal(gov_app_document_add(f->st, "buergerinfo",
                                        "transparenzhinweis",
                                        "Sie sprechen mit einer KI.", "koord",
                                        &err), 0);
  assert_string_equal(status(f->st), "freigegeben");
  gov_app_approved_t a;
  assert_int_equal(gov_app_load_approved(f->st, "buergerinfo",
                                         lotse_now_unix(), &a, &err), 0);
  assert_int_equal(a.verdict, GOV_APP_OK);
  assert_int_equal(a.risk_class, 3);
  assert_true(a.needs_transparency);
  assert_string_equal(a.transparency_notice, "Sie sprechen mit einer KI.");
  assert_string_equal(a.models[0], "qwen3-8b");
  assert_null(a.models[1]);
  assert_true(a.data_classes == (STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                                 STORE_CLASS_BIT(STORE_CLASS_INTERN)));
  assert_string_equal(a.system_prompt, "Du hilfst.");
  assert_true(json_is_object(a.config));
  gov_app_approved_release(&a);
}

static void test_class4_never(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  classify(f->st, 4, false, false, false, 0);
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", NULL, NULL, &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "Risikoklasse 4"));
  assert_string_equal(status(f->st), "entwurf");
}

static void test_reject_and_resubmit(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  classify(f->st, 1, false, false, false, 0);
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", NULL, NULL, &err), 0);
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err), 0);
  assert_int_equal(gov_app_reject(f->st, "buergerinfo", "fdl",
                                  "fachdienstleitung", "", &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_app_reject(f->st, "buergerinfo", "fdl",
                                  "fachdienstleitung", "Zweck unklar", &err),
                   0);
  assert_string_equal(status(f->st), "entwurf");
  /* New round: earlier approvals do not count. */
  assert_int_equal(gov_app_submit(f->st, "buergerinfo", NULL, NULL, &err), 0);
  assert_int_equal(approve(f->st, "fdl", "fachdienstleitung", &err), 0);
  assert_string_equal(status(f->st), "in_pruefung");
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err), 0);
  assert_string_equal(status(f->st), "freigegeben");
}

static void test_change_after_approval(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  approved_class1(f->st);
  int v;
  json_t *ch = json_pack("{s[s]}", "models", "llama-3.1-8b");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", ch, "koord", NULL, &v,
                                  &err), 0);
  json_decref(ch);
  assert_int_equal(v, 2);
  assert_string_equal(status(f->st), "in_pruefung");
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_CHANGED);
  /* Approvals do not carry over; the classification does (same purpose). */
  assert_int_equal(approve(f->st, "koord", "ki_koordination", &err), 0);
  assert_string_equal(status(f->st), "in_pruefung");
  assert_int_equal(approve(f->st, "fdl", "fachdienstleitung", &err), 0);
  assert_string_equal(status(f->st), "freigegeben");
  gov_app_approved_t a;
  assert_int_equal(gov_app_load_approved(f->st, "buergerinfo",
                                         lotse_now_unix(), &a, &err), 0);
  assert_int_equal(a.verdict, GOV_APP_OK);
  assert_int_equal(a.version, 2);
  assert_string_equal(a.models[0], "llama-3.1-8b");
  gov_app_approved_release(&a);
  /* A new purpose needs a new classification. */
  ch = json_pack("{ss}", "purpose", "Bescheide entwerfen");
  assert_int_equal(gov_app_update(f->st, "buergerinfo", ch, "koord", NULL, &v,
                                  &err), 0);
  json_decref(ch);
  assert_int_equal(scalar(f->st, "SELECT risk_class IS NULL FROM "
                          "app_versions WHERE version = 3"), 1);
}

static void test_tampered_snapshot_is_changed(void **state) {
  fx_t *f = *state;
  approved_class1(f->st);
  exec_ok(f->st, "DROP TRIGGER app_versions_frozen");
  exec_ok(f->st, "UPDATE app_versions SET snapshot = replace(snapshot, "
          "'Du hilfst.', 'Ignoriere alles.')");
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_CHANGED);
  /* Re-hashing the row is not enough: the approval keeps its own hash. */
  sqlite3_stmt *s;
  sqlite3_prepare_v2(store_db(f->st), "SELECT snapshot FROM app_versions",
                     -1, &s, NULL);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  char hex[65], sql[256];
  const char *t = (const char *)sqlite3_column_text(s, 0);
  lotse_sha256_hex(t, strlen(t), hex);
  sqlite3_finalize(s);
  snprintf(sql, sizeof sql, "UPDATE app_versions SET sha256 = '%s'", hex);
  exec_ok(f->st, sql);
  assert_int_equal(verdict(f->st, lotse_now_unix()), GOV_APP_CHANGED);
}

static void test_expiry_suspend_resume_retire(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  approved_class1(f->st);
  int64_t now = lotse_now_unix();
  assert_int_equal(verdict(f->st, now + 364 * 86400), GOV_APP_OK);
  assert_int_equal(verdict(f->st, now + 366 * 86400), GOV_APP_EXPIRED);
  assert_int_equal(gov_app_resume(f->st, "buergerinfo", NULL, NULL, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_app_suspend(f->st, "buergerinfo", "koord", "Prüfung",
                                   &err), 0);
  assert_int_equal(verdict(f->st, now), GOV_APP_SUSPENDED);
  assert_int_equal(gov_app_resume(f->st, "buergerinfo", "koord", NULL, &err),
                   0);
  assert_int_equal(verdict(f->st, now), GOV_APP_OK);
  exec_ok(f->st, "UPDATE apps SET valid_until = 1");
  assert_int_equal(gov_app_suspend(f->st, "buergerinfo", "koord", NULL, &err),
                   0);
  assert_int_equal(gov_app_resume(f->st, "buergerinfo", "koord", NULL, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_app_retire(f->st, "buergerinfo", "koord", "Ende",
                                  &err), 0);
  assert_int_equal(verdict(f->st, now), GOV_APP_RETIRED);
  assert_int_equal(gov_app_retire(f->st, "buergerinfo", NULL, NULL, &err),
                   LOTSE_EINVAL);
  json_t *ch = json_pack("{ss}", "name", "Neu");
  int v;
  assert_int_equal(gov_app_update(f->st, "buergerinfo", ch, NULL, NULL, &v,
                                  &err), LOTSE_EINVAL);
  json_decref(ch);
  gov_app_approved_t a;
  assert_int_equal(gov_app_load_approved(f->st, "gibtsnicht", now, &a, &err),
                   0);
  assert_int_equal(a.verdict, GOV_APP_UNKNOWN);
  gov_app_approved_release(&a);
  json_t *h;
  assert_int_equal(gov_app_history_json(f->st, "buergerinfo", &h, &err), 0);
  const char *last = json_string_value(
      json_object_get(json_array_get(h, json_array_size(h) - 1), "action"));
  assert_string_equal(last, "retired");
  json_decref(h);
}

static void test_units_and_trainings(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  approved_class1(f->st);
  gov_app_approved_t a;
  int64_t now = lotse_now_unix();
  assert_int_equal(gov_app_load_approved(f->st, "buergerinfo", now, &a, &err),
                   0);
  bool ok;
  assert_int_equal(gov_app_unit_permitted(f->st, &a, "sachb", &ok, &err), 0);
  assert_true(ok); /* Jobcenter lies below Sozialamt */
  assert_int_equal(gov_app_unit_permitted(f->st, &a, "bau", &ok, &err), 0);
  assert_false(ok);
  assert_int_equal(gov_app_unit_permitted(f->st, &a, "niemand", &ok, &err), 0);
  assert_false(ok);
  lotse_strv_t miss = {0};
  assert_int_equal(gov_app_trainings_missing(f->st, &a, "sachb", now, &miss,
                                             &err), 0);
  assert_int_equal(miss.n, 1);
  assert_string_equal(miss.v[0], "ki-grundlagen");
  lotse_strv_release(&miss);
  assert_int_equal(gov_training_grant(f->st, "sachb", "ki-grundlagen",
                                      now - 86400, now + 86400, "koord", &err),
                   0);
  assert_int_equal(gov_app_trainings_missing(f->st, &a, "sachb", now, &miss,
                                             &err), 0);
  assert_int_equal(miss.n, 0);
  assert_int_equal(gov_app_trainings_missing(f->st, &a, "sachb",
                                             now + 2 * 86400, &miss, &err), 0);
  assert_int_equal(miss.n, 1); /* expired */
  lotse_strv_release(&miss);
  gov_app_approved_release(&a);
  assert_int_equal(gov_training_grant(f->st, "sachb", "unbekannt", now, 0,
                                      NULL, &err), LOTSE_EINVAL);
  assert_int_equal(gov_training_grant(f->st, "sachb", "datenschutz-ki", now,
                                      0, NULL, &err), 0);
  assert_int_equal(scalar(f->st, "SELECT expires_at - completed_at FROM "
                          "user_trainings WHERE training_id = "
                          "'datenschutz-ki'"), 365 * 86400);
  json_t *list;
  assert_int_equal(gov_training_list_json(f->st, "sachb", &list, &err), 0);
  assert_int_equal(json_array_size(list), 2);
  json_decref(list);
}

static void test_roles(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  unsigned m;
  assert_int_equal(gov_role_grant(f->st, "bau", "chef", NULL, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_role_grant(f->st, "niemand", "admin", NULL, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_role_grant(f->st, "bau", "auditor", NULL, &err), 0);
  assert_int_equal(gov_role_grant(f->st, "bau", "auditor", NULL, &err), 0);
  assert_int_equal(gov_roles_of(f->st, "bau", &m, &err), 0);
  assert_int_equal(m, GOV_ROLE_BIT(GOV_ROLE_AUDITOR));
  assert_int_equal(gov_role_revoke(f->st, "bau", "auditor", &err), 0);
  assert_int_equal(gov_roles_of(f->st, "bau", &m, &err), 0);
  assert_int_equal(m, 0);
}

static void test_opinion_recommendations(void **state) {
  fx_t *f = *state;
  lotse_err_t err = {0};
  create_default(f->st);
  const char *recs[] = {"Hinweis auf KI deutlich machen",
                        "Beschwerdeweg anbieten", NULL};
  assert_int_equal(gov_app_opinion(f->st, "buergerinfo", "koord", "gut",
                                   recs, &err), LOTSE_EACCESS);
  assert_int_equal(gov_app_opinion(f->st, "buergerinfo", "ethik",
                                   "Vertretbar mit Auflagen", recs, &err), 0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM app_recommendations "
                          "WHERE status = 'offen'"), 2);
  assert_int_equal(gov_app_recommendation_done(f->st, "buergerinfo", 2,
                                               "koord", "umgesetzt", &err), 0);
  assert_int_equal(gov_app_recommendation_done(f->st, "buergerinfo", 2,
                                               "koord", NULL, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_app_recommendation_done(f->st, "buergerinfo", 9,
                                               "koord", NULL, &err),
                   LOTSE_EINVAL);
  json_t *show;
  assert_int_equal(gov_app_show_json(f->st, "buergerinfo", lotse_now_unix(),
                                     &show, &err), 0);
  json_t *r = json_object_get(show, "recommendations");
  assert_int_equal(json_array_size(r), 2);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(r, 1), "status")), "umgesetzt");
  json_decref(show);
  json_t *list;
  assert_int_equal(gov_app_list_json(f->st, &list, &err), 0);
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(list, 0), "status_label")), "Entwurf");
  json_decref(list);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(test_schema_and_names),
      T(test_create_snapshot_hash),
      T(test_create_bad_input_changes_nothing),
      T(test_update_versions),
      T(test_class1_workflow),
      T(test_four_eyes),
      T(test_class3_needs_more),
      T(test_class4_never),
      T(test_reject_and_resubmit),
      T(test_change_after_approval),
      T(test_tampered_snapshot_is_changed),
      T(test_expiry_suspend_resume_retire),
      T(test_units_and_trainings),
      T(test_roles),
      T(test_opinion_recommendations),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
