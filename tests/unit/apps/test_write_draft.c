/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_write_draft.c — write_draft through the gate on a
 * real store: a labelled stored draft whose findings equal the style check
 * of its text, no model and refusals store nothing, sources read within
 * the user's rights and withheld above the application's classes.
 */
#include "testutil.h"

#include "gov/gov_fixture.h"

#include "apps/write.h"
#include "gov/registry.h"
#include "ingest/ingest.h"

#include <sqlite3.h>

typedef struct world {
  char *dir;
  store_t *st;
  search_t *s;
  gov_ctx_t *gc;
  llm_backend_t *llm;
} world_t;

static void user(store_t *st, const char *name, unsigned clearance) {
  lotse_err_t err = {0};
  fx_must(store_user_put(st, name, name, "fd-soziales", clearance, NULL, 0,
                         &err), &err, "user");
}

static void doc(store_t *st, const char *src, int cls, const char *text) {
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = cls;
  store_put_result_t r;
  lotse_err_t err = {0};
  fx_must(ingest_one(st, src, text, strlen(text), 0, &o, &r, NULL, &err),
          &err, "ingest");
}

static const char APP[] =
    "{\"id\": \"schreiben\", \"name\": \"Schreibassistenz\", \"purpose\": "
    "\"Entwürfe aus Vorlagen\", \"owner_unit\": \"fd-soziales\", \"models\": "
    "[\"schreib-synth\"], \"system_prompt\": \"Du bist Schreibhilfe.\", "
    "\"config\": {\"max_tokens\": 16}, \"data_classes\": [\"offen\", "
    "\"intern\"], \"units\": [\"fd-soziales\"], \"trainings\": "
    "[\"ki-grundlagen\"]}";

static world_t *world_new(const char *name, int model) {
  world_t *w = calloc(1, sizeof *w);
  w->dir = test_dir(name);
  char *db = test_path(w->dir, "lotse.db");
  lotse_err_t err = {0};
  fx_must(store_open(db, &w->st, &err), &err, "store_open");
  free(db);
  store_t *st = w->st;
  fx_must(store_unit_add(st, "fd-soziales", NULL, &err), &err, "unit");
  unsigned oi = STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                STORE_CLASS_BIT(STORE_CLASS_INTERN);
  user(st, "anna", oi);
  user(st, "carla", oi); /* untrained */
  user(st, "dora", STORE_CLASS_ALL);
  user(st, "koord", oi);
  user(st, "leitung", oi);
  fx_must(gov_role_grant(st, "koord", "ki_koordination", "test", &err), &err,
          "role");
  fx_must(gov_role_grant(st, "leitung", "fachdienstleitung", "test", &err),
          &err, "role");
  fx_must(gov_training_add(st, "ki-grundlagen", "KI-Grundlagen", 0, &err),
          &err, "training");
  fx_must(gov_training_grant(st, "anna", "ki-grundlagen", lotse_now_unix(), 0,
                             "test", &err), &err, "grant");
  fx_must(gov_training_grant(st, "dora", "ki-grundlagen", lotse_now_unix(), 0,
                             "test", &err), &err, "grant");
  doc(st, "sprech.txt", STORE_CLASS_OFFEN,
      "Sprechzeiten\n\nDie Sprechzeiten der Zulassung ändern sich ab Montag.\n");
  doc(st, "wagen.txt", STORE_CLASS_VERTRAULICH,
      "Dienstwagen\n\nDer Dienstwagen Kolibri steht im Hof.\n");
  json_t *f = json_loads(APP, 0, NULL);
  assert_non_null(f);
  fx_app_register(st, "schreiben", f);
  json_decref(f);
  fx_app_approve(st, "schreiben");
  fx_must(search_new(st, &w->s, &err), &err, "search_new");
  if (model) w->llm = fx_synth_backend(w->dir, "schreib-synth", 3, 1, 4096);
  gov_ctx_opts_t o = {.store = st, .workspace = w->dir, .llm = w->llm};
  fx_must(gov_ctx_open(&o, &w->gc, &err), &err, "gov_ctx_open");
  return w;
}

static void world_free(world_t *w) {
  gov_ctx_free(w->gc);
  search_free(w->s);
  llm_close(w->llm);
  store_close(w->st);
  free(w->dir);
  free(w);
}

/* The first column of the first row of sql. */
static int64_t test_db_count(store_t *st, const char *sql) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

static int64_t drafts(world_t *w) {
  return test_db_count(w->st, "SELECT count(*) FROM drafts");
}

static int draft(world_t *w, const char *who, const char *tid,
                 const write_kv_t *kv, size_t n, const write_opts_t *o,
                 write_result_t *r) {
  store_principal_t p;
  lotse_err_t err = {0};
  fx_must(store_principal_load(w->st, who, &p, &err), &err, "principal");
  write_template_t t;
  fx_must(write_template_builtin(tid, &t, &err), &err, "template");
  int rc = write_draft(w->gc, &p, &t, kv, n, o, r, &err);
  if (rc) assert_true(err.msg[0] != '\0');
  write_template_release(&t);
  return rc;
}

static const write_kv_t VERMERK[] = {{"anlass", "Ortstermin"},
                                     {"sachverhalt", "Die Brücke ist zu."}};

static void test_draft_with_findings(void **state) {
  (void)state;
  world_t *w = world_new("write_draft_ok", 1);
  write_opts_t o = {.app_id = "schreiben"};
  write_result_t r;
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 2, &o, &r), 0);
  assert_true(r.draft_id > 0);
  assert_non_null(r.text);
  assert_int_equal(drafts(w), 1);
  text_style_list_t l = {0};
  lotse_err_t err = {0};
  assert_int_equal(text_style_check(r.text, strlen(r.text), NULL, &l, &err), 0);
  assert_int_equal(l.n, r.findings.n);
  for (size_t i = 0; i < l.n; i++) {
    assert_int_equal(l.v[i].start, r.findings.v[i].start);
    assert_int_equal(l.v[i].rule, r.findings.v[i].rule);
  }
  text_style_list_release(&l);
  write_result_release(&r);
  world_free(w);
}

static void test_refusals_store_nothing(void **state) {
  (void)state;
  world_t *w = world_new("write_draft_refused", 1);
  write_opts_t o = {.app_id = "schreiben"};
  write_result_t r;
  assert_int_equal(draft(w, "carla", "vermerk", VERMERK, 2, &o, &r),
                   LOTSE_EREFUSED);
  assert_int_equal(r.decision.reason, GOV_REFUSE_TRAINING);
  assert_null(r.text);
  write_opts_t bad = {.app_id = "gibtsnicht"};
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 2, &bad, &r),
                   LOTSE_EREFUSED);
  assert_int_equal(r.decision.reason, GOV_REFUSE_UNKNOWN_APP);
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 1, &o, &r),
                   LOTSE_EINVAL); /* missing value: before the gate */
  write_opts_t reg = {.app_id = "schreiben", .reg = "locker"};
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 2, &reg, &r),
                   LOTSE_EINVAL);
  assert_int_equal(drafts(w), 0);
  world_free(w);
  w = world_new("write_draft_nomodel", 0);
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 2, &o, &r),
                   LOTSE_EUNSUPPORTED);
  assert_int_equal(drafts(w), 0);
  world_free(w);
}

static void test_sources(void **state) {
  (void)state;
  world_t *w = world_new("write_draft_sources", 1);
  store_principal_t anna, dora;
  lotse_err_t err = {0};
  fx_must(store_principal_load(w->st, "anna", &anna, &err), &err, "anna");
  fx_must(store_principal_load(w->st, "dora", &dora, &err), &err, "dora");
  int64_t sprech = test_db_count(w->st, "SELECT id FROM documents WHERE "
                                        "source LIKE '%sprech.txt'");
  int64_t wagen = test_db_count(w->st, "SELECT id FROM documents WHERE "
                                       "source LIKE '%wagen.txt'");
  write_sources_t src;
  /* anna may not read "vertraulich": the same answer as a missing id */
  assert_int_equal(write_sources_doc(w->st, &anna, wagen, &src, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(write_sources_doc(w->st, &anna, 9999, &src, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(write_sources_query(w->s, w->st, &anna, "Kolibri", 5, &src,
                                       &err), LOTSE_ENOTFOUND);
  /* dora may read it, the application may not process it */
  assert_int_equal(write_sources_doc(w->st, &dora, wagen, &src, &err), 0);
  write_opts_t o = {.app_id = "schreiben", .src = &src};
  write_result_t r;
  assert_int_equal(draft(w, "dora", "zusammenfassung", NULL, 0, &o, &r),
                   LOTSE_EREFUSED);
  assert_int_equal(r.decision.reason, GOV_REFUSE_SOURCE_CLASS);
  write_sources_release(&src);
  assert_int_equal(drafts(w), 0);
  /* a readable, admitted document */
  assert_int_equal(write_sources_doc(w->st, &anna, sprech, &src, &err), 0);
  assert_true(src.n >= 1);
  assert_non_null(strstr(src.v[0].text, "Sprechzeiten"));
  assert_int_equal(draft(w, "anna", "vermerk", VERMERK, 2, &o, &r),
                   LOTSE_EINVAL); /* no placeholder "text" */
  assert_int_equal(draft(w, "anna", "zusammenfassung", NULL, 0, &o, &r), 0);
  assert_true(r.draft_id > 0);
  write_result_release(&r);
  write_sources_release(&src);
  assert_int_equal(write_sources_query(w->s, w->st, &anna, "Sprechzeiten", 5,
                                       &src, &err), 0);
  assert_int_equal(src.v[0].doc_id, sprech);
  write_sources_release(&src);
  assert_int_equal(drafts(w), 1);
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_draft_with_findings),
      cmocka_unit_test(test_refusals_store_nothing),
      cmocka_unit_test(test_sources),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
