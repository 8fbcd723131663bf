/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_review.c — drafts and sign-off: labelled drafts,
 * sign-off by a named known person (final text kept beside the draft),
 * export only after sign-off, the Art. 50 notice, and drafts that cannot
 * be changed or deleted behind the API.
 */
#include "testutil.h"

#include "gov/gate.h"
#include "gov/review.h"

#include <jansson.h>

static void must(int rc, const lotse_err_t *err, const char *what) {
  if (rc) fail_msg("%s failed (%d): %s", what, rc, err->msg);
}

static store_t *fresh(const char *name, char **dir) {
  *dir = test_dir(name);
  char *db = test_path(*dir, "lotse.db");
  store_t *st;
  lotse_err_t err = {0};
  must(store_open(db, &st, &err), &err, "store_open");
  free(db);
  must(store_user_put(st, "anna", "Anna Muster", "fd-soziales",
                      STORE_CLASS_BIT(STORE_CLASS_OFFEN), NULL, 0, &err),
       &err, "user");
  must(store_user_put(st, "pruefer", "Paul Prüfer", "fd-soziales",
                      STORE_CLASS_BIT(STORE_CLASS_OFFEN), NULL, 0, &err),
       &err, "user");
  return st;
}

static int64_t add(store_t *st, const char *text, int cls,
                   const char *notice) {
  gov_draft_in_t d = {.app = "fragen", .app_version = 3, .user = "anna",
                      .unit = "fd-soziales", .risk_class = cls,
                      .notice = notice, .text = text,
                      .sources = "[{\"doc\":4,\"chunk\":9,\"title\":"
                                 "\"Urlaubsordnung\",\"page\":2}]"};
  int64_t id = 0;
  lotse_err_t err = {0};
  must(gov_review_draft_add(st, &d, &id, &err), &err, "draft_add");
  assert_true(id > 0);
  return id;
}

static json_t *get(store_t *st, int64_t id) {
  json_t *d;
  lotse_err_t err = {0};
  must(gov_review_draft_json(st, id, &d, &err), &err, "draft_json");
  return d;
}

static const char *str(json_t *o, const char *k) {
  return json_string_value(json_object_get(o, k));
}

static void test_draft_labelled(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_label", &dir);
  int64_t id = add(st, "Entwurf der Antwort.", 1, NULL);
  json_t *d = get(st, id);
  assert_string_equal(str(d, "label"), GOV_DRAFT_LABEL);
  assert_string_equal(str(d, "status"), "entwurf");
  assert_string_equal(str(d, "text"), "Entwurf der Antwort.");
  char sha[65];
  lotse_sha256_hex("Entwurf der Antwort.", strlen("Entwurf der Antwort."), sha);
  assert_string_equal(str(d, "text_sha256"), sha);
  assert_true(json_is_null(json_object_get(d, "reviewer")));
  assert_true(json_is_null(json_object_get(d, "notice")));
  assert_int_equal(json_array_size(json_object_get(d, "sources")), 1);
  json_decref(d);
  store_close(st);
  free(dir);
}

static void test_signoff(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_signoff", &dir);
  int64_t id = add(st, "Entwurf.", 1, NULL);
  lotse_err_t err = {0};
  must(gov_review_signoff(st, id, "pruefer", "Geprüfte Fassung.", &err),
       &err, "signoff");
  json_t *d = get(st, id);
  assert_string_equal(str(d, "status"), "final");
  assert_string_equal(str(d, "reviewer"), "pruefer");
  assert_string_equal(str(d, "text"), "Entwurf."); /* both kept */
  assert_string_equal(str(d, "final_text"), "Geprüfte Fassung.");
  char sha[65];
  lotse_sha256_hex("Geprüfte Fassung.", strlen("Geprüfte Fassung."), sha);
  assert_string_equal(str(d, "final_text_sha256"), sha);
  assert_true(json_integer_value(json_object_get(d, "signed_at")) > 0);
  json_decref(d);
  /* only once */
  assert_int_equal(gov_review_signoff(st, id, "anna", NULL, &err),
                   LOTSE_EEXIST);
  d = get(st, id);
  assert_string_equal(str(d, "reviewer"), "pruefer");
  json_decref(d);
  /* NULL final text: the draft as it is */
  int64_t id2 = add(st, "Unverändert.", 1, NULL);
  must(gov_review_signoff(st, id2, "anna", NULL, &err), &err, "signoff");
  d = get(st, id2);
  assert_string_equal(str(d, "final_text"), "Unverändert.");
  json_decref(d);
  store_close(st);
  free(dir);
}

static void test_signoff_bad_input_changes_nothing(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_bad", &dir);
  int64_t id = add(st, "Entwurf.", 1, NULL);
  lotse_err_t err = {0};
  assert_int_equal(gov_review_signoff(st, id, "niemand", NULL, &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "niemand"));
  assert_int_equal(gov_review_signoff(st, id, "", NULL, &err), LOTSE_EINVAL);
  assert_int_equal(gov_review_signoff(st, id, "pruefer", "", &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_review_signoff(st, id, "pruefer", "\xff\xfe", &err),
                   LOTSE_EINVAL);
  assert_int_equal(gov_review_signoff(st, id + 100, "pruefer", NULL, &err),
                   LOTSE_ENOTFOUND);
  json_t *d = get(st, id);
  assert_string_equal(str(d, "status"), "entwurf");
  assert_true(json_is_null(json_object_get(d, "final_text")));
  json_decref(d);
  /* bad drafts are not stored */
  gov_draft_in_t bad = {.app = "fragen", .user = "anna", .text = "x",
                        .sources = "{\"kein\": \"array\"}"};
  assert_int_equal(gov_review_draft_add(st, &bad, NULL, &err), LOTSE_EINVAL);
  bad.sources = NULL;
  bad.text = "";
  assert_int_equal(gov_review_draft_add(st, &bad, NULL, &err), LOTSE_EINVAL);
  assert_int_equal(store_scalar(st, "SELECT count(*) FROM drafts"), 1);
  store_close(st);
  free(dir);
}

static void test_export_only_after_signoff(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_export", &dir);
  int64_t id = add(st, "Entwurf.", 2, GOV_NOTICE_DEFAULT);
  char *out = NULL;
  lotse_err_t err = {0};
  assert_int_equal(gov_review_export(st, id, 0, &out, &err), LOTSE_EACCESS);
  assert_null(out);
  assert_non_null(strstr(err.msg, "nicht abgezeichnet"));
  must(gov_review_signoff(st, id, "pruefer", "Endfassung.", &err), &err,
       "signoff");
  must(gov_review_export(st, id, 0, &out, &err), &err, "export");
  assert_non_null(strstr(out, "Endfassung."));
  assert_null(strstr(out, "Entwurf."));
  assert_non_null(strstr(out, "Art. 50")); /* class 2 carries the notice */
  assert_non_null(strstr(out, "pruefer"));
  assert_non_null(strstr(out, "Urlaubsordnung"));
  assert_non_null(strstr(out, "Seite 2"));
  free(out);
  must(gov_review_export(st, id, 1, &out, &err), &err, "export json");
  json_t *j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_string_equal(str(j, "final_text"), "Endfassung.");
  assert_string_equal(str(j, "notice"), GOV_NOTICE_DEFAULT);
  json_decref(j);
  free(out);
  /* a class-1 draft has no notice */
  int64_t id1 = add(st, "Ohne Hinweis.", 1, NULL);
  must(gov_review_signoff(st, id1, "pruefer", NULL, &err), &err, "signoff");
  must(gov_review_export(st, id1, 0, &out, &err), &err, "export");
  assert_null(strstr(out, "Art. 50"));
  free(out);
  store_close(st);
  free(dir);
}

static void test_list(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_list", &dir);
  int64_t a = add(st, "Eins.", 1, NULL);
  int64_t b = add(st, "Zwei.", 1, NULL);
  lotse_err_t err = {0};
  must(gov_review_signoff(st, a, "pruefer", NULL, &err), &err, "signoff");
  json_t *l;
  must(gov_review_list_json(st, NULL, &l, &err), &err, "list");
  assert_int_equal(json_array_size(l), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0),
                                                      "id")),
                   b); /* newest first */
  assert_null(json_object_get(json_array_get(l, 0), "text"));
  json_decref(l);
  gov_draft_filter_t f = {.status = "final"};
  must(gov_review_list_json(st, &f, &l, &err), &err, "list");
  assert_int_equal(json_array_size(l), 1);
  json_decref(l);
  f.status = "fertig";
  assert_int_equal(gov_review_list_json(st, &f, &l, &err), LOTSE_EINVAL);
  f = (gov_draft_filter_t){.user = "pruefer"};
  must(gov_review_list_json(st, &f, &l, &err), &err, "list");
  assert_int_equal(json_array_size(l), 0);
  json_decref(l);
  store_close(st);
  free(dir);
}

static void test_drafts_immutable(void **state) {
  (void)state;
  char *dir;
  store_t *st = fresh("review_immutable", &dir);
  int64_t id = add(st, "Entwurf.", 1, NULL);
  sqlite3 *db = store_db(st);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE drafts SET text = 'anders'",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "DELETE FROM drafts", NULL, NULL,
                                    NULL),
                       SQLITE_OK);
  /* a final draft cannot be re-signed behind the API */
  lotse_err_t err = {0};
  must(gov_review_signoff(st, id, "pruefer", NULL, &err), &err, "signoff");
  assert_int_not_equal(sqlite3_exec(db, "UPDATE drafts SET reviewer = 'anna'",
                                    NULL, NULL, NULL),
                       SQLITE_OK);
  json_t *d = get(st, id);
  assert_string_equal(str(d, "text"), "Entwurf.");
  assert_string_equal(str(d, "reviewer"), "pruefer");
  json_decref(d);
  store_close(st);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_draft_labelled),
      cmocka_unit_test(test_signoff),
      cmocka_unit_test(test_signoff_bad_input_changes_nothing),
      cmocka_unit_test(test_export_only_after_signoff),
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_drafts_immutable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
