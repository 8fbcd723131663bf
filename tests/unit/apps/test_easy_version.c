/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_easy_version.c — the store of easy-language versions
 * on a real workspace: identifiers (shape, no repeats), the life cycle
 * entwurf -> geprueft -> pruefgruppe -> veroeffentlicht with four eyes and
 * the rule check (or an override), an edit keeping the published revision
 * online, withdrawal as final state, visibility by data class, prefill from
 * a readable draft only, bad input and a broken audit trail storing
 * nothing, one audit record per change.
 */
#include "testutil.h"

#include "gov/gov_fixture.h"

#include "apps/easy_version.h"
#include "gov/review.h"

#include <sqlite3.h>

#define CLEAN "Sie bekommen Geld vom Amt.\n\nDas Geld kommt jeden Monat.\n"
#define CLEAN2 "Sie bekommen mehr Geld.\n\nDas Geld kommt am 1. Mai.\n"
#define HARD                                                              \
  "Gemäß § 35 SGB XII wird Ihnen hiermit die beantragte Leistung "       \
  "bewilligt, sofern keine anderweitigen Ansprüche bestehen.\n"

static const char B32[] = "abcdefghijklmnopqrstuvwxyz234567";

typedef struct world {
  char *dir;
  store_t *st;
  store_principal_t anna, bert, dora, koord;
} world_t;

static void user(world_t *w, const char *name, unsigned clearance,
                 store_principal_t *p) {
  lotse_err_t err = {0};
  fx_must(store_user_put(w->st, name, name, "fd-soziales", clearance, NULL,
                         0, &err), &err, "user");
  fx_must(store_principal_load(w->st, name, p, &err), &err, "principal");
}

static world_t *world_new(const char *name) {
  world_t *w = calloc(1, sizeof *w);
  w->dir = test_dir(name);
  char *db = test_path(w->dir, "lotse.db");
  lotse_err_t err = {0};
  fx_must(store_open(db, &w->st, &err), &err, "store_open");
  free(db);
  fx_must(store_unit_add(w->st, "fd-soziales", NULL, &err), &err, "unit");
  unsigned oi = STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                STORE_CLASS_BIT(STORE_CLASS_INTERN);
  user(w, "anna", oi, &w->anna);
  user(w, "bert", oi, &w->bert);
  user(w, "dora", STORE_CLASS_ALL, &w->dora);
  user(w, "koord", oi, &w->koord);
  fx_must(gov_role_grant(w->st, "koord", "ki_koordination", "test", &err),
          &err, "role");
  return w;
}

static void world_free(world_t *w) {
  store_close(w->st);
  free(w->dir);
  free(w);
}

static easy_version_ctx_t ctx(world_t *w, const store_principal_t *p) {
  easy_version_ctx_t c = {.st = w->st, .workspace = w->dir, .who = p};
  return c;
}

static int64_t count(world_t *w, const char *sql) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(store_db(w->st), sql, -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

/* Audit records whose action starts with "easy." (audit.db beside lotse). */
static int64_t audits(world_t *w) {
  char *p = test_path(w->dir, "audit.db");
  sqlite3 *db = NULL;
  int64_t n = 0;
  if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM audit WHERE action LIKE "
                           "'easy.%'", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
      n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  free(p);
  return n;
}

/* Rows in the three tables, as one number to compare before and after. */
static int64_t rows(world_t *w) {
  return count(w, "SELECT (SELECT count(*) FROM easy_versions) * 10000 + "
                  "(SELECT count(*) FROM easy_revisions) * 100 + "
                  "(SELECT count(*) FROM easy_history)");
}

static const char *status_of(world_t *w, const char *id, json_t **keep) {
  lotse_err_t err = {0};
  fx_must(easy_version_json(w->st, &w->dora, id, keep, &err), &err, "json");
  return json_string_value(json_object_get(*keep, "status"));
}

static void test_ids(void **state) {
  (void)state;
  char a[EASY_VERSION_ID_LEN + 1], b[EASY_VERSION_ID_LEN + 1];
  lotse_err_t err = {0};
  assert_int_equal(easy_version_id_new(a, &err), 0);
  assert_int_equal(strlen(a), EASY_VERSION_ID_LEN);
  assert_true(easy_version_id_ok(a));
  assert_int_equal(easy_qr_id_check(a, &err), 0); /* fits the QR command */
  unsigned seen[32] = {0};
  for (int i = 0; i < 500; i++) {
    assert_int_equal(easy_version_id_new(b, &err), 0);
    assert_string_not_equal(a, b);
    assert_true(easy_version_id_ok(b));
    for (const char *p = b; *p; p++)
      seen[strchr(B32, *p) - B32]++;
  }
  int used = 0;
  for (int i = 0; i < 32; i++) used += seen[i] > 0;
  assert_true(used >= 30); /* the whole alphabet is drawn from */
  assert_false(easy_version_id_ok(NULL));
  assert_false(easy_version_id_ok(""));
  assert_false(easy_version_id_ok("abc"));
  memcpy(b, a, sizeof b);
  b[3] = 'A';
  assert_false(easy_version_id_ok(b));
  b[3] = '1'; /* not in the base32 alphabet */
  assert_false(easy_version_id_ok(b));
  b[3] = '/';
  assert_false(easy_version_id_ok(b));
}

static void test_life_cycle(void **state) {
  (void)state;
  world_t *w = world_new("easyver_cycle");
  easy_version_ctx_t an = ctx(w, &w->anna), be = ctx(w, &w->bert);
  char id[EASY_VERSION_ID_LEN + 1];
  lotse_err_t err = {0};
  easy_version_new_t in = {.bescheid_ref = "50.2-123/2026", .data_class = -1,
                           .text = HARD};
  assert_int_equal(easy_version_create(&an, &in, id, &err), 0);
  assert_true(easy_version_id_ok(id));
  easy_public_t pub;
  assert_int_equal(easy_version_public(w->st, id, &pub, &err), 0);
  assert_int_equal(pub.state, EASY_PUBLIC_NONE); /* never a draft */
  /* publishing an unchecked draft, checking one's own text: refused */
  int64_t before = rows(w);
  assert_int_equal(easy_version_publish(&be, id, "x", NULL, &err),
                   LOTSE_EACCESS);
  assert_int_equal(easy_version_review(&an, id, EASY_REVIEW_CHECKED, NULL,
                                       &err), LOTSE_EREFUSED);
  assert_non_null(strstr(err.msg, "Vier-Augen"));
  assert_int_equal(easy_version_review(&be, id, EASY_REVIEW_TESTED, NULL,
                                       &err), LOTSE_EACCESS);
  assert_int_equal(rows(w), before);
  assert_int_equal(easy_version_review(&be, id, EASY_REVIEW_CHECKED,
                                       "mit Bescheid verglichen", &err), 0);
  assert_int_equal(easy_version_review(&an, id, EASY_REVIEW_TESTED,
                                       "Prüfgruppe Lebenshilfe", &err), 0);
  /* the hard text has findings: publish needs a reason */
  int findings = -1;
  assert_int_equal(easy_version_publish(&an, id, NULL, &findings, &err),
                   LOTSE_EACCESS);
  assert_true(findings > 0);
  assert_non_null(strstr(err.msg, "Befund"));
  assert_int_equal(easy_version_publish(&an, id, "Fachbegriff nötig",
                                        &findings, &err), 0);
  assert_int_equal(easy_version_public(w->st, id, &pub, &err), 0);
  assert_int_equal(pub.state, EASY_PUBLIC_ONLINE);
  assert_string_equal(pub.text, HARD);
  assert_string_equal(pub.bescheid_ref, "50.2-123/2026");
  easy_public_release(&pub);
  /* an edit is a new draft; the published text stays online */
  int rev = 0;
  assert_int_equal(easy_version_edit(&be, id, CLEAN, &rev, &err), 0);
  assert_int_equal(rev, 2);
  assert_int_equal(easy_version_edit(&be, id, CLEAN, &rev, &err),
                   LOTSE_EINVAL); /* unchanged */
  json_t *j = NULL;
  assert_string_equal(status_of(w, id, &j), "entwurf");
  assert_true(json_is_true(json_object_get(j, "online")));
  assert_int_equal(json_array_size(json_object_get(j, "revisions")), 2);
  json_decref(j);
  assert_int_equal(easy_version_public(w->st, id, &pub, &err), 0);
  assert_string_equal(pub.text, HARD);
  easy_public_release(&pub);
  /* bert wrote revision 2, so anna checks it; clean: no reason needed */
  assert_int_equal(easy_version_review(&be, id, EASY_REVIEW_CHECKED, NULL,
                                       &err), LOTSE_EREFUSED);
  assert_int_equal(easy_version_review(&an, id, EASY_REVIEW_CHECKED, NULL,
                                       &err), 0);
  assert_int_equal(easy_version_publish(&be, id, NULL, &findings, &err), 0);
  assert_int_equal(findings, 0);
  assert_int_equal(easy_version_public(w->st, id, &pub, &err), 0);
  assert_string_equal(pub.text, CLEAN);
  easy_public_release(&pub);
  /* withdraw: final, the address answers with a notice */
  assert_int_equal(easy_version_withdraw(&an, id, NULL, &err), LOTSE_EINVAL);
  assert_int_equal(easy_version_withdraw(&an, id, "Bescheid aufgehoben",
                                         &err), 0);
  assert_int_equal(easy_version_public(w->st, id, &pub, &err), 0);
  assert_int_equal(pub.state, EASY_PUBLIC_WITHDRAWN);
  assert_null(pub.text);
  easy_public_release(&pub);
  before = rows(w);
  assert_int_equal(easy_version_edit(&an, id, CLEAN2, NULL, &err),
                   LOTSE_EACCESS);
  assert_int_equal(easy_version_withdraw(&an, id, "nochmal", &err),
                   LOTSE_EACCESS);
  assert_int_equal(rows(w), before);
  assert_string_equal(status_of(w, id, &j), "zurueckgezogen");
  assert_int_equal(json_array_size(json_object_get(j, "steps")), 0);
  /* create, review x2, publish, edit, review, publish, withdraw */
  assert_int_equal(json_array_size(json_object_get(j, "history")), 8);
  json_decref(j);
  assert_int_equal(audits(w), 8);
  /* the stored rows refuse changes of text and deletion */
  assert_int_not_equal(sqlite3_exec(store_db(w->st),
                                    "UPDATE easy_revisions SET text = 'x'",
                                    NULL, NULL, NULL), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(store_db(w->st),
                                    "DELETE FROM easy_versions", NULL, NULL,
                                    NULL), SQLITE_OK);
  world_free(w);
}

static void test_visibility_and_bad_input(void **state) {
  (void)state;
  world_t *w = world_new("easyver_bad");
  easy_version_ctx_t an = ctx(w, &w->anna), dc = ctx(w, &w->dora);
  char id[EASY_VERSION_ID_LEN + 1], secret[EASY_VERSION_ID_LEN + 1];
  lotse_err_t err = {0};
  easy_version_new_t in = {.bescheid_ref = "AZ 1", .data_class = -1,
                           .text = CLEAN};
  assert_int_equal(easy_version_create(&an, &in, id, &err), 0);
  in.data_class = STORE_CLASS_VERTRAULICH;
  assert_int_equal(easy_version_create(&dc, &in, secret, &err), 0);
  json_t *l = NULL, *j = NULL;
  assert_int_equal(easy_version_list_json(w->st, &w->anna, 0, &l, &err), 0);
  assert_int_equal(json_array_size(l), 1);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(l, 0), "data_class")), "intern");
  json_decref(l);
  assert_int_equal(easy_version_list_json(w->st, &w->dora, 0, &l, &err), 0);
  assert_int_equal(json_array_size(l), 2);
  json_decref(l);
  assert_int_equal(easy_version_json(w->st, &w->anna, secret, &j, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(easy_version_edit(&an, secret, CLEAN2, NULL, &err),
                   LOTSE_ENOTFOUND);
  store_principal_t anon;
  store_principal_anonymous(&anon);
  easy_version_ctx_t nobody = ctx(w, &anon);
  assert_int_equal(easy_version_list_json(w->st, &anon, 0, &l, &err), 0);
  assert_int_equal(json_array_size(l), 0);
  json_decref(l);

  int64_t before = rows(w), audit_before = audits(w);
  easy_version_new_t bad[] = {
      {.bescheid_ref = "", .data_class = -1, .text = CLEAN},
      {.bescheid_ref = "AZ\n2", .data_class = -1, .text = CLEAN},
      {.bescheid_ref = "AZ 2", .data_class = -1, .text = "  \n "},
      {.bescheid_ref = "AZ 2", .data_class = -1, .text = "M\xfcll"},
      {.bescheid_ref = "AZ 2", .data_class = STORE_CLASS_PERSONENBEZOGEN,
       .text = CLEAN},
      {.bescheid_ref = "AZ 2", .data_class = 9, .text = CLEAN},
      {.bescheid_ref = "AZ 2", .data_class = -1, .doc_id = 77, .text = CLEAN},
      {.bescheid_ref = "AZ 2", .data_class = -1, .draft_id = 5},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = easy_version_create(&an, &bad[i], id, &err);
    assert_true(rc == LOTSE_EINVAL || rc == LOTSE_ENOTFOUND);
    assert_string_equal(id, "");
  }
  assert_int_equal(easy_version_create(&nobody, &in, id, &err),
                   LOTSE_EACCESS);
  assert_int_equal(easy_version_review(&an, "kein-solcher-bescheid",
                                       EASY_REVIEW_CHECKED, NULL, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(rows(w), before);
  assert_int_equal(audits(w), audit_before);
  /* a trail that cannot be written: nothing is stored */
  easy_version_ctx_t broken = ctx(w, &w->anna);
  broken.workspace = "/nonexistent/lotse-ws";
  in.data_class = -1;
  assert_int_not_equal(easy_version_create(&broken, &in, id, &err), 0);
  assert_int_equal(rows(w), before);
  world_free(w);
}

static void test_from_draft(void **state) {
  (void)state;
  world_t *w = world_new("easyver_draft");
  lotse_err_t err = {0};
  gov_draft_in_t d = {.app = "leichte-sprache", .app_version = 1,
                      .user = "anna", .text = CLEAN2};
  int64_t did = 0;
  fx_must(gov_review_draft_add(w->st, &d, &did, &err), &err, "draft");
  easy_version_ctx_t be = ctx(w, &w->bert), ko = ctx(w, &w->koord),
                     an = ctx(w, &w->anna);
  char id[EASY_VERSION_ID_LEN + 1];
  easy_version_new_t in = {.bescheid_ref = "AZ 3", .data_class = -1,
                           .draft_id = did};
  /* bert may not read anna's draft; KI-Koordination may */
  assert_int_equal(easy_version_create(&be, &in, id, &err), LOTSE_ENOTFOUND);
  assert_int_equal(easy_version_create(&ko, &in, id, &err), 0);
  assert_int_equal(easy_version_create(&an, &in, id, &err), 0);
  json_t *j = NULL;
  assert_int_equal(easy_version_json(w->st, &w->anna, id, &j, &err), 0);
  json_t *r0 = json_array_get(json_object_get(j, "revisions"), 0);
  assert_string_equal(json_string_value(json_object_get(r0, "text")), CLEAN2);
  assert_int_equal(json_integer_value(json_object_get(j, "draft_id")), did);
  assert_string_equal(json_string_value(json_object_get(j, "created_by")),
                      "anna");
  json_decref(j);
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ids),
      cmocka_unit_test(test_life_cycle),
      cmocka_unit_test(test_visibility_and_bad_input),
      cmocka_unit_test(test_from_draft),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
