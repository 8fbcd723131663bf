/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/server/test_session.c — sessions, cookie, CSRF, settings and
 * lock-out (server/session.c), argon2id passwords (server/password.c) and
 * TOTP (server/totp.c, against the RFC 6238 test vectors). Time is passed
 * in, so idle time-out and lifetime are tested without waiting.
 */
#include "testutil.h"

#include "gov/registry.h"
#include "server/session.h"

#define NOW 1800000000LL
/* RFC 6238 appendix B, SHA-1 seed. */
static const unsigned char RFC_SECRET[] = "12345678901234567890";

static store_t *g_st;
static char *g_dir;

static int setup(void **state) {
  (void)state;
  g_dir = test_dir("unit-session");
  char *db = test_path(g_dir, "lotse.db");
  lotse_err_t err = {0};
  int rc = store_open(db, &g_st, &err);
  free(db);
  if (rc) return -1;
  rc = store_user_put(g_st, "anna", "Anna", "Hauptamt", STORE_CLASS_ALL,
                      NULL, 0, &err) ||
       store_user_put(g_st, "bert", "Bert", "Hauptamt", STORE_CLASS_ALL,
                      NULL, 0, &err);
  return rc ? -1 : 0;
}

static int teardown(void **state) {
  (void)state;
  store_close(g_st);
  free(g_dir);
  return 0;
}

static int64_t uid_of(const char *name) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(g_st),
                                      "SELECT id FROM users WHERE name = ?",
                                      -1, &s, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return id;
}

static session_opts_t opts(void) {
  session_opts_t o;
  assert_int_equal(session_opts_load(NULL, &o, NULL), 0);
  return o;
}

/* ------------------------------------------------------------ settings */

static void test_opts_defaults_and_conf(void **state) {
  (void)state;
  session_opts_t o = opts();
  assert_int_equal(o.idle_s, 1800);
  assert_int_equal(o.max_s, 36000);
  assert_int_equal(o.cookie_secure, 1);
  assert_int_equal(o.totp_roles, 0);
  assert_int_equal(o.totp_all, 0);
  lotse_conf_t *c = lotse_conf_new();
  assert_non_null(c);
  lotse_conf_set(c, "auth.session_idle_seconds", "60");
  lotse_conf_set(c, "auth.cookie_secure", "off");
  lotse_conf_set(c, "auth.totp_roles", "admin, auditor");
  lotse_conf_set(c, "auth.lockout_after", "3");
  lotse_err_t err = {0};
  assert_int_equal(session_opts_load(c, &o, &err), 0);
  assert_int_equal(o.idle_s, 60);
  assert_int_equal(o.cookie_secure, 0);
  assert_int_equal(o.lock_after, 3);
  assert_int_equal(o.totp_roles,
                   GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR));
  lotse_conf_set(c, "auth.totp_roles", "all");
  assert_int_equal(session_opts_load(c, &o, &err), 0);
  assert_int_equal(o.totp_all, 1);
  /* An unknown role is an error; o keeps the defaults. */
  lotse_conf_set(c, "auth.totp_roles", "admin,koenig");
  assert_int_equal(session_opts_load(c, &o, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "koenig"));
  assert_int_equal(o.idle_s, 1800);
  assert_int_equal(o.totp_roles, 0);
  lotse_conf_free(c);
}

/* ------------------------------------------------------------- cookies */

static void test_cookie_format(void **state) {
  (void)state;
  session_opts_t o = opts();
  char buf[256];
  assert_int_equal(session_cookie_format(&o, "abc", buf, sizeof buf), 0);
  assert_string_equal(buf, "lotse_session=abc; Path=/; Max-Age=36000; "
                           "HttpOnly; SameSite=Strict; Secure");
  o.cookie_secure = 0;
  assert_int_equal(session_cookie_format(&o, NULL, buf, sizeof buf), 0);
  assert_string_equal(buf, "lotse_session=; Path=/; Max-Age=0; HttpOnly; "
                           "SameSite=Strict");
  assert_int_equal(session_cookie_format(&o, "abc", buf, 10), LOTSE_ETOOBIG);
}

static void test_cookie_find(void **state) {
  (void)state;
  char v[16];
  assert_int_equal(session_cookie_find("a=1; lotse_session=xyz; b=2",
                                       "lotse_session", v, sizeof v),
                   0);
  assert_string_equal(v, "xyz");
  assert_int_equal(session_cookie_find("lotse_session=q", "lotse_session", v,
                                       sizeof v),
                   0);
  assert_string_equal(v, "q");
  /* A longer name that starts the same is another cookie. */
  assert_int_equal(session_cookie_find("lotse_session2=x; x=lotse_session",
                                       "lotse_session", v, sizeof v),
                   LOTSE_ENOTFOUND);
  assert_int_equal(session_cookie_find("", "lotse_session", v, sizeof v),
                   LOTSE_ENOTFOUND);
  assert_int_equal(session_cookie_find("lotse_session=0123456789abcdefgh",
                                       "lotse_session", v, sizeof v),
                   LOTSE_ETOOBIG);
}

/* ------------------------------------------------------------ sessions */

static void test_session_lifecycle(void **state) {
  (void)state;
  session_opts_t o = opts();
  o.idle_s = 100;
  o.max_s = 1000;
  char id[SESSION_ID_BUF], id2[SESSION_ID_BUF];
  session_t s, s2;
  lotse_err_t err = {0};
  assert_int_equal(
      session_create(g_st, &o, "anna", 1, "passwort", NOW, id, &s, &err), 0);
  assert_int_equal(strlen(id), 43);
  assert_string_equal(s.user, "anna");
  assert_int_equal(s.mfa, 1);
  assert_string_equal(s.method, "passwort");
  assert_int_equal(s.expires_at, NOW + 1000);
  assert_int_equal(strlen(s.csrf), 64);
  /* The store holds the SHA-256 of the id, never the id or the token. */
  char hex[65];
  lotse_sha256_hex(id, strlen(id), hex);
  assert_int_equal(store_scalar(g_st, "SELECT count(*) FROM sessions"), 1);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(store_db(g_st),
                                      "SELECT id_hash FROM sessions", -1, &q,
                                      NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), hex);
  sqlite3_finalize(q);
  assert_string_not_equal(s.csrf, hex);
  /* Two sessions differ in id and token. */
  assert_int_equal(
      session_create(g_st, &o, "anna", 0, "oidc", NOW, id2, &s2, &err), 0);
  assert_string_not_equal(id, id2);
  assert_string_not_equal(s.csrf, s2.csrf);
  /* Activity keeps it alive past the idle time, up to the lifetime. */
  for (int64_t t = NOW + 90; t < NOW + 1000; t += 90)
    assert_int_equal(session_lookup(g_st, &o, id, t, &s, &err), 0);
  assert_int_equal(session_lookup(g_st, &o, id, NOW + 1000, &s, &err),
                   LOTSE_ENOTFOUND);
  /* The second one was idle: gone, and its row deleted. */
  assert_int_equal(session_lookup(g_st, &o, id2, NOW + 101, &s2, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(store_scalar(g_st, "SELECT count(*) FROM sessions"), 0);
  /* A login sweeps out sessions that ended without being looked up. */
  assert_int_equal(
      session_create(g_st, &o, "anna", 0, "passwort", NOW, id, NULL, &err), 0);
  assert_int_equal(
      session_create(g_st, &o, "anna", 0, "passwort", NOW + 101, id2, NULL,
                     &err),
      0);
  assert_int_equal(store_scalar(g_st, "SELECT count(*) FROM sessions"), 1);
  assert_int_equal(session_lookup(g_st, &o, id2, NOW + 101, NULL, &err), 0);
  assert_int_equal(session_destroy(g_st, id2, &err), 0);
}

static void test_session_refusals(void **state) {
  (void)state;
  session_opts_t o = opts();
  char id[SESSION_ID_BUF];
  session_t s;
  lotse_err_t err = {0};
  assert_int_equal(
      session_create(g_st, &o, "niemand", 0, "passwort", NOW, id, &s, &err),
      LOTSE_ENOTFOUND);
  assert_int_equal(session_lookup(g_st, &o, "", NOW, &s, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(session_lookup(g_st, &o, "A'; DROP TABLE sessions; --",
                                  NOW, &s, &err),
                   LOTSE_ENOTFOUND);
  char forged[44];
  memset(forged, 'A', 43);
  forged[43] = 0;
  assert_int_equal(session_lookup(g_st, &o, forged, NOW, &s, &err),
                   LOTSE_ENOTFOUND);
  /* CSRF: equal token only. */
  assert_int_equal(
      session_create(g_st, &o, "bert", 0, "passwort", NOW, id, &s, &err), 0);
  char tok[SESSION_CSRF_BUF];
  strcpy(tok, s.csrf);
  assert_true(session_csrf_ok(&s, tok));
  tok[63] = tok[63] == '0' ? '1' : '0';
  assert_false(session_csrf_ok(&s, tok));
  tok[63] = 0;
  assert_false(session_csrf_ok(&s, tok));
  assert_false(session_csrf_ok(&s, NULL));
  assert_false(session_csrf_ok(&s, ""));
  /* Destroy, and destroy by user. */
  assert_int_equal(session_destroy(g_st, id, &err), 0);
  assert_int_equal(session_lookup(g_st, &o, id, NOW, &s, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(session_destroy(g_st, id, &err), 0); /* twice: fine */
  assert_int_equal(
      session_create(g_st, &o, "bert", 0, "passwort", NOW, id, &s, &err), 0);
  assert_int_equal(session_destroy_user(g_st, uid_of("bert"), &err), 0);
  assert_int_equal(session_lookup(g_st, &o, id, NOW, &s, &err),
                   LOTSE_ENOTFOUND);
}

/* ------------------------------------------------------------ lock-out */

static void test_backoff(void **state) {
  (void)state;
  assert_int_equal(session_backoff_seconds(0, 5, 30, 3600), 0);
  assert_int_equal(session_backoff_seconds(4, 5, 30, 3600), 0);
  assert_int_equal(session_backoff_seconds(5, 5, 30, 3600), 30);
  assert_int_equal(session_backoff_seconds(6, 5, 30, 3600), 60);
  assert_int_equal(session_backoff_seconds(8, 5, 30, 3600), 240);
  assert_int_equal(session_backoff_seconds(12, 5, 30, 3600), 3600);
  assert_int_equal(session_backoff_seconds(1000000, 5, 30, 3600), 3600);
}

static void test_lock_record(void **state) {
  (void)state;
  session_opts_t o = opts();
  o.lock_base_s = 10;
  lotse_err_t err = {0};
  const char *k = "user:anna";
  for (int i = 0; i < 2; i++)
    assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, NOW, &err), 0);
  assert_int_equal(session_lock_remaining(g_st, k, NOW), 0);
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, NOW, &err), 0);
  assert_int_equal(session_lock_remaining(g_st, k, NOW), 10);
  assert_int_equal(session_lock_remaining(g_st, k, NOW + 4), 6);
  assert_int_equal(session_lock_remaining(g_st, k, NOW + 10), 0);
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, NOW + 10, &err), 0);
  assert_int_equal(session_lock_remaining(g_st, k, NOW + 10), 20);
  assert_int_equal(session_lock_remaining(g_st, "user:bert", NOW + 10), 0);
  /* A failure a day later starts counting afresh. */
  int64_t later = NOW + 10 + 24 * 3600;
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, later, &err), 0);
  assert_int_equal(session_lock_remaining(g_st, k, later), 0);
  /* Success clears. */
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, later, &err), 0);
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 1, later, &err), 0);
  assert_int_equal(session_lock_record(g_st, &o, k, 3, 0, later, &err), 0);
  assert_int_equal(session_lock_remaining(g_st, k, later), 0);
}

/* ------------------------------------------------------------ passwords */

static void test_password_hash_verify(void **state) {
  (void)state;
  char *h = NULL;
  lotse_err_t err = {0};
  assert_int_equal(password_hash_cost("richtig-richtig", 1, 64, &h, &err), 0);
  assert_non_null(strstr(h, "$argon2id$v=19$m=64,t=1,p=1$"));
  assert_null(strstr(h, "richtig"));
  assert_true(password_verify(h, "richtig-richtig"));
  assert_false(password_verify(h, "richtig-richtiG"));
  assert_false(password_verify(h, ""));
  char *h2 = NULL;
  assert_int_equal(password_hash_cost("richtig-richtig", 1, 64, &h2, &err),
                   0);
  assert_string_not_equal(h, h2); /* random salt */
  free(h2);
  /* Tampered or foreign encodings never match. */
  assert_false(password_verify("$argon2i$v=19$m=64,t=1,p=1$AAAA$BBBB",
                               "richtig-richtig"));
  h[strlen(h) - 2] = h[strlen(h) - 2] == 'A' ? 'B' : 'A';
  assert_false(password_verify(h, "richtig-richtig"));
  assert_false(password_verify(NULL, "x"));
  free(h);
  assert_int_equal(password_hash("kurz", &h, &err), LOTSE_EINVAL);
  assert_null(h);
  char big[1100];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(password_hash(big, &h, &err), LOTSE_EINVAL);
}

static void test_password_store(void **state) {
  (void)state;
  lotse_err_t err = {0};
  int64_t uid = 0;
  session_opts_t o = opts();
  char id[SESSION_ID_BUF];
  assert_int_equal(password_check(g_st, "anna", "irgendwas-1", &uid, &err),
                   0); /* no password yet */
  assert_int_equal(
      session_create(g_st, &o, "anna", 0, "passwort", NOW, id, NULL, &err), 0);
  assert_int_equal(password_set(g_st, "anna", "Anna-Passwort-1", &err), 0);
  /* Setting a password ended anna's sessions. */
  assert_int_equal(session_lookup(g_st, &o, id, NOW, NULL, &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(password_check(g_st, "anna", "Anna-Passwort-1", &uid, &err),
                   1);
  assert_int_equal(uid, uid_of("anna"));
  uid = 0;
  assert_int_equal(password_check(g_st, "anna", "Anna-Passwort-2", &uid, &err),
                   0);
  assert_int_equal(uid, 0);
  assert_int_equal(password_check(g_st, "niemand", "Anna-Passwort-1", &uid,
                                  &err),
                   0);
  assert_int_equal(password_set(g_st, "niemand", "Anna-Passwort-1", &err),
                   LOTSE_ENOTFOUND);
  assert_int_equal(password_set(g_st, "anna", "kurz", &err), LOTSE_EINVAL);
  assert_int_equal(password_check(g_st, "anna", "Anna-Passwort-1", &uid, &err),
                   1);
}

/* ----------------------------------------------------------------- TOTP */

static void test_totp_rfc6238_vectors(void **state) {
  (void)state;
  static const struct {
    int64_t t;
    const char *code; /* last 6 of the RFC's 8 digits */
  } v[] = {{59, "287082"},
           {1111111109, "081804"},
           {1111111111, "050471"},
           {1234567890, "005924"},
           {2000000000, "279037"}};
  char out[TOTP_DIGITS + 1];
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    assert_int_equal(totp_code(RFC_SECRET, 20, v[i].t, out), 0);
    assert_string_equal(out, v[i].code);
  }
}

static void put_secret(const char *user) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(
                       store_db(g_st),
                       "INSERT OR REPLACE INTO user_totp(user_id, secret, "
                       "enrolled_at) SELECT id, ?, 0 FROM users WHERE name = ?",
                       -1, &s, NULL),
                   SQLITE_OK);
  sqlite3_bind_blob(s, 1, RFC_SECRET, 20, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, user, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
}

static void test_totp_check_window_and_reuse(void **state) {
  (void)state;
  lotse_err_t err = {0};
  int64_t uid = uid_of("bert");
  assert_int_equal(totp_enrolled(g_st, uid, &err), 0);
  assert_int_equal(totp_check(g_st, uid, "123456", NOW, &err), 0);
  put_secret("bert");
  assert_int_equal(totp_enrolled(g_st, uid, &err), 1);
  char prev[7], cur[7], next[7], old[7], far[7];
  totp_code(RFC_SECRET, 20, NOW - 30, prev);
  totp_code(RFC_SECRET, 20, NOW, cur);
  totp_code(RFC_SECRET, 20, NOW + 30, next);
  totp_code(RFC_SECRET, 20, NOW - 60, old);
  totp_code(RFC_SECRET, 20, NOW + 60, far);
  /* Outside the window, malformed: refused, nothing recorded. */
  assert_int_equal(totp_check(g_st, uid, old, NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, far, NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, "12345", NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, "12345a", NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, NULL, NOW, &err), 0);
  /* One step back is accepted once; then not again, nor any older. */
  assert_int_equal(totp_check(g_st, uid, prev, NOW, &err), 1);
  assert_int_equal(totp_check(g_st, uid, prev, NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, cur, NOW, &err), 1);
  assert_int_equal(totp_check(g_st, uid, cur, NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, prev, NOW, &err), 0);
  assert_int_equal(totp_check(g_st, uid, next, NOW, &err), 1);
  assert_int_equal(totp_check(g_st, uid, next, NOW + 30, &err), 0);
}

static void test_totp_enroll_disable(void **state) {
  (void)state;
  lotse_err_t err = {0};
  char *uri = NULL;
  assert_int_equal(totp_enroll(g_st, "anna", &uri, &err), 0);
  assert_non_null(strstr(uri, "otpauth://totp/lotse:anna?secret="));
  assert_non_null(strstr(uri, "&issuer=lotse&algorithm=SHA1&digits=6&"
                              "period=30"));
  assert_null(strchr(uri, '\n'));
  free(uri);
  assert_int_equal(totp_enrolled(g_st, uid_of("anna"), &err), 1);
  assert_int_equal(totp_disable(g_st, "anna", &err), 0);
  assert_int_equal(totp_enrolled(g_st, uid_of("anna"), &err), 0);
  assert_int_equal(totp_enroll(g_st, "niemand", &uri, &err), LOTSE_ENOTFOUND);
  assert_null(uri);
  assert_int_equal(totp_disable(g_st, "niemand", &err), LOTSE_ENOTFOUND);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_opts_defaults_and_conf),
      cmocka_unit_test(test_cookie_format),
      cmocka_unit_test(test_cookie_find),
      cmocka_unit_test(test_session_lifecycle),
      cmocka_unit_test(test_session_refusals),
      cmocka_unit_test(test_backoff),
      cmocka_unit_test(test_lock_record),
      cmocka_unit_test(test_password_hash_verify),
      cmocka_unit_test(test_password_store),
      cmocka_unit_test(test_totp_rfc6238_vectors),
      cmocka_unit_test(test_totp_check_window_and_reuse),
      cmocka_unit_test(test_totp_enroll_disable),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
