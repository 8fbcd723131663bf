/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_people_admin.c — account administration
 * (gov/people_admin.h): users, deactivation and its effect on sessions and
 * principals, the last-administrator guard, units, groups, revocation of a
 * training; every refusal stores nothing.
 */
#include "testutil.h"

#include "gov/people_admin.h"
#include "gov/registry.h"
#include "server/session.h"
#include "store/store.h"

#include <jansson.h>
#include <sqlite3.h>

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
  assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
                   SQLITE_OK);
}

/* A digest of the tables the functions write: equal means unchanged. */
static char *digest(store_t *st) {
  static const char *const T[] = {"users", "units", "groups", "user_groups",
                                  "gov_roles", "user_trainings", "trainings",
                                  "sessions"};
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", T[i]);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
      for (int c = 0; c < sqlite3_column_count(s); c++)
        lotse_buf_printf(&b, "%s|", sqlite3_column_text(s, c)
                                        ? (const char *)sqlite3_column_text(s, c)
                                        : "NULL");
    sqlite3_finalize(s);
  }
  return lotse_buf_detach(&b);
}

/* Run fn's change in a transaction like the server does; on error roll
 * back and check nothing changed. Returns the code. */
#define CHANGE(f, expr)                                             \
  ({                                                                \
    char *before_ = digest((f)->st);                                \
    lotse_err_t err_ = {0};                                         \
    assert_int_equal(store_begin((f)->st, &err_), 0);               \
    lotse_err_t *err = &err_;                                       \
    int rc_ = (expr);                                               \
    if (rc_) {                                                      \
      store_rollback((f)->st);                                      \
      char *after_ = digest((f)->st);                               \
      assert_string_equal(before_, after_);                         \
      free(after_);                                                 \
      assert_true(err_.msg[0] != 0);                                \
    } else {                                                        \
      assert_int_equal(store_commit((f)->st, err), 0);              \
    }                                                               \
    free(before_);                                                  \
    rc_;                                                            \
  })

static int setup(void **state) {
  fx_t *f = calloc(1, sizeof *f);
  f->dir = test_dir("gov_people_admin");
  char *db = test_path(f->dir, "lotse.db");
  lotse_err_t err = {0};
  assert_int_equal(store_open(db, &f->st, &err), 0);
  free(db);
  store_t *st = f->st;
  assert_int_equal(store_unit_add(st, "Dezernat 2", NULL, &err), 0);
  assert_int_equal(store_unit_add(st, "Sozialamt", "Dezernat 2", &err), 0);
  assert_int_equal(store_group_add(st, "sozial", &err), 0);
  assert_int_equal(store_group_add(st, "personal", &err), 0);
  assert_int_equal(store_user_put(st, "chefin", NULL, "Sozialamt",
                                  STORE_CLASS_ALL, NULL, 0, &err),
                   0);
  assert_int_equal(gov_role_grant(st, "chefin", "admin", "test", &err), 0);
  assert_int_equal(gov_training_add(st, "ki-grundlagen", "KI-Grundlagen",
                                    365, &err),
                   0);
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

static void test_user_name_rules(void **state) {
  (void)state;
  assert_true(gov_user_name_ok("mmustermann"));
  assert_true(gov_user_name_ok("a.b-c_d9"));
  assert_false(gov_user_name_ok(""));
  assert_false(gov_user_name_ok(NULL));
  assert_false(gov_user_name_ok("Gross"));
  assert_false(gov_user_name_ok("-start"));
  assert_false(gov_user_name_ok("mit leer"));
  assert_false(gov_user_name_ok("ümlaut"));
  char longname[80];
  memset(longname, 'a', 64);
  longname[64] = 0;
  assert_false(gov_user_name_ok(longname));
  longname[63] = 0;
  assert_true(gov_user_name_ok(longname));
}

static void test_user_create_and_update(void **state) {
  fx_t *f = *state;
  const char *groups[] = {"sozial", "personal"};
  gov_user_spec_t sp = {.display = "Berta Beispiel",
                        .unit = "Sozialamt",
                        .clearance = (int)(STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                                           STORE_CLASS_BIT(
                                               STORE_CLASS_VERTRAULICH)),
                        .groups = groups,
                        .ngroups = 2,
                        .set_groups = true};
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "berta", &sp, err)), 0);
  assert_int_equal(scalar(f->st, "SELECT clearance FROM users WHERE name = "
                                 "'berta'"),
                   STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                       STORE_CLASS_BIT(STORE_CLASS_VERTRAULICH));
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM user_groups ug JOIN "
                                 "users u ON u.id = ug.user_id WHERE u.name "
                                 "= 'berta'"),
                   2);
  /* Refusals: exists, bad name, unknown unit/group, bad display. */
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "berta", &sp, err)),
                   LOTSE_EEXIST);
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "Berta X", &sp, err)),
                   LOTSE_EINVAL);
  gov_user_spec_t bad = sp;
  bad.unit = "Gibtsnicht";
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "carl", &bad, err)),
                   LOTSE_EINVAL);
  bad = sp;
  const char *nogroup[] = {"sozial", "fehlt"};
  bad.groups = nogroup;
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "carl", &bad, err)),
                   LOTSE_EINVAL);
  bad = sp;
  bad.display = "Zeile\nzwei";
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "carl", &bad, err)),
                   LOTSE_EINVAL);
  /* Defaults: display = name, offen+intern, no unit, no groups. */
  gov_user_spec_t dflt = {.clearance = -1};
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "carl", &dflt, err)), 0);
  assert_int_equal(scalar(f->st, "SELECT clearance = 3 AND unit_id IS NULL "
                                 "AND display_name = 'carl' FROM users WHERE "
                                 "name = 'carl'"),
                   1);
  /* Update: only what is set; "" removes the unit; groups replaced. */
  const char *one[] = {"personal"};
  gov_user_spec_t up = {.unit = "", .clearance = -1, .groups = one,
                        .ngroups = 1, .set_groups = true};
  assert_int_equal(CHANGE(f, gov_user_update(f->st, "berta", &up, err)), 0);
  assert_int_equal(scalar(f->st, "SELECT unit_id IS NULL AND display_name = "
                                 "'Berta Beispiel' AND clearance = 5 FROM "
                                 "users WHERE name = 'berta'"),
                   1);
  assert_int_equal(scalar(f->st, "SELECT count(*) = 1 AND max(g.name) = "
                                 "'personal' FROM user_groups ug JOIN groups "
                                 "g ON g.id = ug.group_id JOIN users u ON "
                                 "u.id = ug.user_id WHERE u.name = 'berta'"),
                   1);
  assert_int_equal(CHANGE(f, gov_user_update(f->st, "niemand", &up, err)),
                   LOTSE_ENOTFOUND);
}

static void test_deactivate_ends_sessions_and_access(void **state) {
  fx_t *f = *state;
  gov_user_spec_t sp = {.clearance = -1};
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "dora", &sp, err)), 0);
  exec_ok(f->st, "INSERT INTO sessions(id_hash, user_id, method, created_at, "
                 "last_seen, expires_at) SELECT printf('%064d', 1), id, "
                 "'passwort', 1, 1, 9999999999 FROM users WHERE name = "
                 "'dora'");
  store_principal_t p;
  lotse_err_t e = {0};
  assert_int_equal(store_principal_load(f->st, "dora", &p, &e), 0);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "dora", false, "chefin", err)), 0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM sessions"), 0);
  assert_int_equal(scalar(f->st, "SELECT disabled_by = 'chefin' FROM users "
                                 "WHERE name = 'dora'"),
                   1);
  assert_int_equal(store_principal_load(f->st, "dora", &p, &e),
                   LOTSE_ENOTFOUND);
  assert_int_equal(p.user_id, 0);
  /* No new session while deactivated (the insert is skipped). */
  exec_ok(f->st, "INSERT INTO sessions(id_hash, user_id, method, created_at, "
                 "last_seen, expires_at) SELECT printf('%064d', 2), id, "
                 "'passwort', 1, 1, 9999999999 FROM users WHERE name = "
                 "'dora'");
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM sessions"), 0);
  /* The login path: session_create reports the user as not found. */
  session_opts_t o;
  char id[SESSION_ID_BUF];
  assert_int_equal(session_opts_load(NULL, &o, &e), 0);
  assert_int_equal(session_create(f->st, &o, "dora", 0, "passwort",
                                  lotse_now_unix(), id, NULL, &e),
                   LOTSE_ENOTFOUND);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM sessions"), 0);
  bool active = true;
  assert_int_equal(gov_user_active(f->st, "dora", &active, &e), 0);
  assert_false(active);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "dora", false, "chefin", err)),
      LOTSE_EINVAL);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "dora", true, "chefin", err)), 0);
  assert_int_equal(store_principal_load(f->st, "dora", &p, &e), 0);
  assert_int_equal(session_create(f->st, &o, "dora", 0, "passwort",
                                  lotse_now_unix(), id, NULL, &e),
                   0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM sessions"), 1);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "gibtsnicht", false, "x", err)),
      LOTSE_ENOTFOUND);
}

static void test_last_admin_is_kept(void **state) {
  fx_t *f = *state;
  assert_int_equal(
      CHANGE(f, gov_role_revoke_guarded(f->st, "chefin", "admin", err)),
      LOTSE_EACCESS);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "chefin", false, "x", err)),
      LOTSE_EACCESS);
  gov_user_spec_t sp = {.clearance = -1};
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "zweite", &sp, err)), 0);
  lotse_err_t e = {0};
  assert_int_equal(gov_role_grant(f->st, "zweite", "admin", "t", &e), 0);
  /* A deactivated administrator does not count. */
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "zweite", false, "chefin", err)),
      0);
  assert_int_equal(
      CHANGE(f, gov_role_revoke_guarded(f->st, "chefin", "admin", err)),
      LOTSE_EACCESS);
  assert_int_equal(
      CHANGE(f, gov_user_set_active(f->st, "zweite", true, "chefin", err)), 0);
  assert_int_equal(
      CHANGE(f, gov_role_revoke_guarded(f->st, "chefin", "admin", err)), 0);
  unsigned mask = 0;
  assert_int_equal(gov_roles_of(f->st, "chefin", &mask, &e), 0);
  assert_int_equal(mask & GOV_ROLE_BIT(GOV_ROLE_ADMIN), 0);
  /* Other roles are not guarded; unknown role or user are refused. */
  assert_int_equal(CHANGE(f, gov_role_revoke_guarded(f->st, "chefin",
                                                     "auditor", err)),
                   0);
  assert_int_equal(
      CHANGE(f, gov_role_revoke_guarded(f->st, "chefin", "kaiser", err)),
      LOTSE_EINVAL);
  assert_int_equal(
      CHANGE(f, gov_role_revoke_guarded(f->st, "wer", "auditor", err)),
      LOTSE_ENOTFOUND);
}

static void test_units(void **state) {
  fx_t *f = *state;
  assert_int_equal(
      CHANGE(f, gov_unit_create(f->st, "Jobcenter", "Sozialamt", err)), 0);
  assert_int_equal(scalar(f->st, "SELECT p.name = 'Sozialamt' FROM units u "
                                 "JOIN units p ON p.id = u.parent_id WHERE "
                                 "u.name = 'Jobcenter'"),
                   1);
  assert_int_equal(CHANGE(f, gov_unit_create(f->st, "Jobcenter", NULL, err)),
                   LOTSE_EEXIST);
  assert_int_equal(CHANGE(f, gov_unit_create(f->st, "X", "Fehlt", err)),
                   LOTSE_EINVAL);
  assert_int_equal(CHANGE(f, gov_unit_create(f->st, "a,b", NULL, err)),
                   LOTSE_EINVAL);
  assert_int_equal(CHANGE(f, gov_unit_create(f->st, " x", NULL, err)),
                   LOTSE_EINVAL);
  assert_int_equal(
      CHANGE(f, gov_unit_rename(f->st, "Jobcenter", "Jobcenter Nord", err)),
      0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM units WHERE name = "
                                 "'Jobcenter Nord'"),
                   1);
  assert_int_equal(
      CHANGE(f, gov_unit_rename(f->st, "Jobcenter Nord", "Sozialamt", err)),
      LOTSE_EEXIST);
  assert_int_equal(CHANGE(f, gov_unit_rename(f->st, "Fehlt", "Neu", err)),
                   LOTSE_ENOTFOUND);
  /* A unit an application names keeps its name. */
  json_t *app = json_pack("{s:s, s:s, s:s, s:s}", "id", "hilfe", "name",
                          "Hilfe", "purpose", "Test", "owner_unit",
                          "Sozialamt");
  lotse_err_t e = {0};
  assert_int_equal(gov_app_create(f->st, app, "chefin", &e), 0);
  json_decref(app);
  assert_int_equal(
      CHANGE(f, gov_unit_rename(f->st, "Sozialamt", "Amt für Soziales", err)),
      LOTSE_EACCESS);
}

static void test_groups(void **state) {
  fx_t *f = *state;
  assert_int_equal(CHANGE(f, gov_group_create(f->st, "bau", err)), 0);
  assert_int_equal(CHANGE(f, gov_group_create(f->st, "bau", err)),
                   LOTSE_EEXIST);
  assert_int_equal(CHANGE(f, gov_group_create(f->st, "", err)), LOTSE_EINVAL);
  gov_user_spec_t sp = {.clearance = -1};
  assert_int_equal(CHANGE(f, gov_user_create(f->st, "emil", &sp, err)), 0);
  const char *add[] = {"emil", "chefin"}, *rm[] = {"chefin"};
  assert_int_equal(
      CHANGE(f, gov_group_members(f->st, "bau", add, 2, NULL, 0, err)), 0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM user_groups ug JOIN "
                                 "groups g ON g.id = ug.group_id WHERE "
                                 "g.name = 'bau'"),
                   2);
  assert_int_equal(
      CHANGE(f, gov_group_members(f->st, "bau", NULL, 0, rm, 1, err)), 0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM user_groups ug JOIN "
                                 "groups g ON g.id = ug.group_id WHERE "
                                 "g.name = 'bau'"),
                   1);
  const char *ghost[] = {"emil", "gespenst"};
  assert_int_equal(
      CHANGE(f, gov_group_members(f->st, "bau", ghost, 2, NULL, 0, err)),
      LOTSE_EINVAL);
  assert_int_equal(
      CHANGE(f, gov_group_members(f->st, "fehlt", add, 1, NULL, 0, err)),
      LOTSE_ENOTFOUND);
}

static void test_training_revoke(void **state) {
  fx_t *f = *state;
  lotse_err_t e = {0};
  bool exists = false;
  assert_int_equal(gov_training_exists(f->st, "ki-grundlagen", &exists, &e),
                   0);
  assert_true(exists);
  assert_int_equal(gov_training_exists(f->st, "fehlt", &exists, &e), 0);
  assert_false(exists);
  assert_int_equal(gov_training_grant(f->st, "chefin", "ki-grundlagen",
                                      lotse_now_unix() - 86400, 0, "t", &e),
                   0);
  assert_int_equal(
      CHANGE(f, gov_training_revoke(f->st, "chefin", "ki-grundlagen", err)),
      0);
  assert_int_equal(scalar(f->st, "SELECT count(*) FROM user_trainings"), 0);
  assert_int_equal(
      CHANGE(f, gov_training_revoke(f->st, "chefin", "ki-grundlagen", err)),
      LOTSE_ENOTFOUND);
  assert_int_equal(
      CHANGE(f, gov_training_revoke(f->st, "wer", "ki-grundlagen", err)),
      LOTSE_ENOTFOUND);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_user_name_rules),
      cmocka_unit_test_setup_teardown(test_user_create_and_update, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_deactivate_ends_sessions_and_access,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_last_admin_is_kept, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_units, setup, teardown),
      cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
      cmocka_unit_test_setup_teardown(test_training_revoke, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
