/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/server/test_login_audit.c — logins in the audit trail
 * (server/login_audit.c): the records' fields, no name for an unknown
 * user, and the throttle that keeps cheap refusals (a locked account, a
 * forged single-sign-on callback) from filling the append-only trail while
 * still counting every one of them.
 */
#include "testutil.h"

#include "gov/audit.h"
#include "server/session.h"

#define NOW 1800000000LL

static store_t *g_st;
static char *g_dir;

static int setup(void **state) {
  (void)state;
  g_dir = test_dir("unit-login-audit");
  char *db = test_path(g_dir, "lotse.db");
  lotse_err_t err = {0};
  int rc = store_open(db, &g_st, &err);
  free(db);
  if (rc) return -1;
  return store_user_put(g_st, "anna", "Anna", "Hauptamt", STORE_CLASS_ALL,
                        NULL, 0, &err)
             ? -1
             : 0;
}

static int teardown(void **state) {
  (void)state;
  store_close(g_st);
  free(g_dir);
  return 0;
}

typedef struct last {
  char action[64], actor[64], reason[64], details[512];
  int decision;
  int64_t n;
} last_t;

static int keep_last(void *ctx, const gov_audit_rec_t *r) {
  last_t *l = ctx;
  snprintf(l->action, sizeof l->action, "%s", r->action);
  snprintf(l->actor, sizeof l->actor, "%s", r->actor);
  snprintf(l->reason, sizeof l->reason, "%s", r->reason_code);
  snprintf(l->details, sizeof l->details, "%s", r->details_json);
  l->decision = (int)r->decision;
  l->n++;
  return 0;
}

static last_t trail(void) {
  gov_audit_t *a = NULL;
  lotse_err_t err = {0};
  last_t l;
  memset(&l, 0, sizeof l);
  assert_int_equal(gov_audit_open(g_dir, GOV_AUDIT_RDONLY, &a, &err), 0);
  assert_int_equal(gov_audit_query(a, NULL, keep_last, &l, &err), 0);
  gov_audit_close(a);
  return l;
}

static void test_records(void **state) {
  (void)state;
  lotse_err_t err = {0};
  login_event_t ok = {.kind = LOGIN_EVENT_SUCCESS, .user = "anna",
                      .user_known = 1, .method = "local", .mfa = 1};
  assert_int_equal(login_audit(g_st, &ok, &err), 0);
  last_t l = trail();
  assert_string_equal(l.action, "auth.login");
  assert_string_equal(l.actor, "anna");
  assert_int_equal(l.decision, GOV_AUDIT_DECISION_NONE);
  assert_string_equal(l.details, "{\"method\":\"local\",\"mfa\":true}");
  login_event_t bad = {.kind = LOGIN_EVENT_FAILURE,
                       .user = "Geheimes-Passwort-1", .user_known = 0,
                       .method = "local", .reason = "unknown_user",
                       .client = "192.0.2.7"};
  assert_int_equal(login_audit(g_st, &bad, &err), 0);
  l = trail();
  assert_string_equal(l.action, "auth.login_failed");
  assert_string_equal(l.actor, "");
  assert_string_equal(l.reason, "unknown_user");
  assert_null(strstr(l.details, "Geheim"));
  assert_non_null(strstr(l.details, "\"user_known\":false"));
  assert_non_null(strstr(l.details, "\"client\":\"192.0.2.7\""));
  login_event_t out = {.kind = LOGIN_EVENT_LOGOUT, .user = "anna",
                       .user_known = 1, .method = "oidc"};
  assert_int_equal(login_audit(g_st, &out, &err), 0);
  l = trail();
  assert_string_equal(l.action, "auth.logout");
  login_event_t odd = {.kind = (login_event_kind_t)9};
  assert_int_equal(login_audit(g_st, &odd, &err), LOTSE_EINVAL);
}

static void test_throttle_counts_what_it_leaves_out(void **state) {
  (void)state;
  int64_t sup = -1;
  for (int i = 0; i < 20; i++) {
    assert_int_equal(login_audit_admit("locked", "198.51.100.1", NOW, &sup),
                     1);
    assert_int_equal(sup, 0);
  }
  assert_int_equal(login_audit_admit("locked", "198.51.100.1", NOW + 5, &sup),
                   0);
  assert_int_equal(sup, 1);
  assert_int_equal(login_audit_admit("locked", "198.51.100.1", NOW + 59,
                                     &sup),
                   0);
  assert_int_equal(sup, 2);
  /* other reasons and other clients have their own allowance */
  assert_int_equal(login_audit_admit("bad_state", "198.51.100.1", NOW, &sup),
                   1);
  assert_int_equal(login_audit_admit("locked", "198.51.100.2", NOW, &sup), 1);
  /* the next window admits again and reports the two left out */
  assert_int_equal(login_audit_admit("locked", "198.51.100.1", NOW + 60,
                                     &sup),
                   1);
  assert_int_equal(sup, 2);
  assert_int_equal(login_audit_admit("locked", "198.51.100.1", NOW + 61,
                                     &sup),
                   1);
  assert_int_equal(sup, 0);
}

static void test_throttled_refusals_stored_once_counted(void **state) {
  (void)state;
  lotse_err_t err = {0};
  int64_t before = trail().n;
  login_event_t e = {.kind = LOGIN_EVENT_FAILURE, .method = "oidc",
                     .reason = "bad_state", .client = "203.0.113.9"};
  for (int i = 0; i < 30; i++) assert_int_equal(login_audit(g_st, &e, &err), 0);
  assert_int_equal(trail().n - before, 20);
  /* successes and logouts are never throttled */
  login_event_t ok = {.kind = LOGIN_EVENT_SUCCESS, .user = "anna",
                      .user_known = 1, .method = "oidc"};
  for (int i = 0; i < 25; i++)
    assert_int_equal(login_audit(g_st, &ok, &err), 0);
  assert_int_equal(trail().n - before, 45);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_records),
      cmocka_unit_test(test_throttle_counts_what_it_leaves_out),
      cmocka_unit_test(test_throttled_refusals_stored_once_counted),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
