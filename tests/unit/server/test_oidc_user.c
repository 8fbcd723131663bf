/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/server/test_oidc_user.c — the [oidc] settings and the
 * provisioning of users from verified claims (server/oidc_user.c) on a
 * fresh store: new user, update, identity link, refusal of a name linked
 * to another subject, role claim through role_map, claims switched off.
 */
#include "testutil.h"

#include "gov/registry.h"
#include "server/oidc.h"
#include "store/store.h"

#include <sqlite3.h>

#define ISS "https://idp.example/realms/kreis"

static store_t *fresh(const char *name) {
  char *dir = test_dir(name), *db = test_path(dir, "lotse.db");
  store_t *st = NULL;
  lotse_err_t err;
  assert_int_equal(store_open(db, &st, &err), 0);
  free(dir);
  free(db);
  return st;
}

static lotse_conf_t *conf_of(const char *const *kv) {
  lotse_conf_t *c = lotse_conf_new();
  for (; kv[0]; kv += 2) assert_int_equal(lotse_conf_set(c, kv[0], kv[1]), 0);
  return c;
}

static char *sql_text(store_t *st, const char *sql) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
                   SQLITE_OK);
  char *out = NULL;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
    out = strdup((const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return out ? out : strdup("");
}

static void expect_sql(store_t *st, const char *sql, const char *want) {
  char *got = sql_text(st, sql);
  assert_string_equal(got, want);
  free(got);
}

static const char *const BASE[] = {
    "oidc.issuer", ISS, "oidc.client_id", "lotse", "oidc.redirect_uri",
    "https://lotse.example/auth/oidc/callback", NULL};

static void test_conf(void **state) {
  (void)state;
  oidc_conf_t o;
  lotse_err_t err;
  lotse_conf_t *c = conf_of(BASE);
  assert_int_equal(oidc_conf_load(c, &o, &err), 0);
  assert_string_equal(o.claim_user, "preferred_username");
  assert_int_equal(o.leeway_s, 60);
  assert_int_equal(o.clearance, STORE_CLASS_BIT(STORE_CLASS_OFFEN));
  lotse_conf_set(c, "oidc.role_map", "kc-dsb:datenschutz, kc-x:nope");
  assert_int_equal(oidc_conf_load(c, &o, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "nope"));
  lotse_conf_set(c, "oidc.role_map", "");
  lotse_conf_set(c, "oidc.redirect_uri", "http://lotse.example/cb");
  assert_int_equal(oidc_conf_load(c, &o, &err), LOTSE_EINVAL);
  lotse_conf_free(c);
  static const char *const none[] = {NULL};
  c = conf_of(none);
  assert_int_equal(oidc_conf_load(c, &o, &err), 0);
  assert_null(o.issuer); /* off */
  lotse_conf_free(c);
  static const char *const noclient[] = {"oidc.issuer", ISS, NULL};
  c = conf_of(noclient);
  assert_int_equal(oidc_conf_load(c, &o, &err), LOTSE_EINVAL);
  lotse_conf_free(c);
}

static json_t *claims(const char *sub, const char *user) {
  return json_pack("{s:s,s:s,s:s,s:[s,s,i],s:[s,s],s:s}", "sub", sub,
                   "preferred_username", user, "name", "Alice Amtmann",
                   "groups", "/kreis/bauamt", "sozialamt", 7, "roles",
                   "kc-dsb", "datenschutz", "unit", "sozialamt");
}

static void test_provision_and_link(void **state) {
  (void)state;
  store_t *st = fresh("oidc-user");
  lotse_conf_t *c = conf_of(BASE);
  lotse_conf_set(c, "oidc.role_map", "kc-dsb:datenschutz");
  oidc_conf_t o;
  lotse_err_t err;
  assert_int_equal(oidc_conf_load(c, &o, &err), 0);
  char user[OIDC_NAME_MAX];
  json_t *cl = claims("s-1", "alice");
  assert_int_equal(oidc_user_provision(st, &o, ISS, cl, 1000, user, &err), 0);
  assert_string_equal(user, "alice");
  expect_sql(st, "SELECT display_name || '|' || clearance FROM users "
                 "WHERE name = 'alice'", "Alice Amtmann|1");
  expect_sql(st, "SELECT group_concat(n, ',') FROM (SELECT g.name n FROM "
                 "user_groups ug JOIN groups g ON g.id = ug.group_id "
                 "ORDER BY 1)", "kreis/bauamt,sozialamt");
  /* role_map set: only mapped values count ("datenschutz" itself not) */
  expect_sql(st, "SELECT group_concat(role) FROM gov_roles",
             "datenschutz");
  expect_sql(st, "SELECT subject || '|' || last_login FROM "
                 "user_identities", "s-1|1000");
  /* the provider renames the user: the link wins over the claim */
  json_object_set_new(cl, "preferred_username", json_string("alice2"));
  json_object_set_new(cl, "roles", json_array());
  assert_int_equal(oidc_user_provision(st, &o, ISS, cl, 2000, user, &err), 0);
  assert_string_equal(user, "alice");
  expect_sql(st, "SELECT count(*) FROM gov_roles", "0"); /* revoked */
  expect_sql(st, "SELECT last_login FROM user_identities", "2000");
  json_decref(cl);
  /* another subject claiming the linked name is refused */
  cl = claims("s-2", "alice");
  assert_int_equal(oidc_user_provision(st, &o, ISS, cl, 3000, user, &err),
                   LOTSE_EACCESS);
  assert_non_null(strstr(err.msg, "bereits"));
  expect_sql(st, "SELECT count(*) FROM user_identities", "1");
  /* a claim without a usable name */
  json_object_set_new(cl, "preferred_username", json_string("a,b"));
  assert_int_equal(oidc_user_provision(st, &o, ISS, cl, 3000, user, &err),
                   LOTSE_EACCESS);
  json_decref(cl);
  lotse_conf_free(c);
  store_close(st);
}

static void test_claims_off_keep_local_settings(void **state) {
  (void)state;
  store_t *st = fresh("oidc-user-off");
  lotse_err_t err;
  const char *const g[] = {"bauamt"};
  assert_int_equal(store_user_put(st, "bob", "Bob", "bauamt",
                                  STORE_CLASS_ALL, g, 1, &err),
                   0);
  assert_int_equal(gov_role_grant(st, "bob", "auditor", "test", &err), 0);
  lotse_conf_t *c = conf_of(BASE);
  lotse_conf_set(c, "oidc.claim_groups", "");
  lotse_conf_set(c, "oidc.claim_roles", "");
  lotse_conf_set(c, "oidc.claim_unit", "");
  oidc_conf_t o;
  assert_int_equal(oidc_conf_load(c, &o, &err), 0);
  char user[OIDC_NAME_MAX];
  json_t *cl = claims("s-bob", "bob");
  assert_int_equal(oidc_user_provision(st, &o, ISS, cl, 10, user, &err), 0);
  json_decref(cl);
  expect_sql(st, "SELECT g.name FROM user_groups ug JOIN groups g ON "
                 "g.id = ug.group_id", "bauamt");
  expect_sql(st, "SELECT n.name || '|' || u.clearance FROM users u JOIN "
                 "units n ON n.id = u.unit_id", "bauamt|15");
  expect_sql(st, "SELECT role FROM gov_roles", "auditor");
  lotse_conf_free(c);
  store_close(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conf),
      cmocka_unit_test(test_provision_and_link),
      cmocka_unit_test(test_claims_off_keep_local_settings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
