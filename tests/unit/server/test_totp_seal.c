/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/server/test_totp_seal.c — TOTP secrets at rest
 * (server/totp_seal.c, server/totp.c): the stored value is sealed with
 * AES-256-GCM under auth.key and does not contain the secret; a plaintext
 * secret of an older workspace still works and is rewritten sealed; another
 * key, another user's row or a changed byte gives a clear error, never a
 * silently refused code.
 */
#include "testutil.h"

#include "server/session.h"

#include <liboath/oath.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW 1800000000LL
static const unsigned char RFC_SECRET[] = "12345678901234567890";

static store_t *g_st;
static char *g_dir;

static int setup(void **state) {
  (void)state;
  g_dir = test_dir("unit-totp-seal");
  char *key = test_path(g_dir, "auth.key");
  unlink(key); /* a fresh key for each run */
  free(key);
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

/* The stored user_totp.secret of user into out; its length. */
static size_t stored(const char *user, unsigned char *out, size_t cap) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(g_st),
                                      "SELECT secret FROM user_totp WHERE "
                                      "user_id = ?",
                                      -1, &s, NULL),
                   SQLITE_OK);
  sqlite3_bind_int64(s, 1, uid_of(user));
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  size_t n = (size_t)sqlite3_column_bytes(s, 0);
  assert_true(n <= cap);
  memcpy(out, sqlite3_column_blob(s, 0), n);
  sqlite3_finalize(s);
  return n;
}

static void put_plain(const char *user) {
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

static int contains(const unsigned char *h, size_t hn, const unsigned char *n,
                    size_t nn) {
  for (size_t i = 0; i + nn <= hn; i++)
    if (memcmp(h + i, n, nn) == 0) return 1;
  return 0;
}

/* The raw secret of an otpauth:// URI. */
static size_t uri_secret(const char *uri, unsigned char out[64]) {
  const char *p = strstr(uri, "secret=");
  assert_non_null(p);
  p += 7;
  char b32[128];
  size_t n = strcspn(p, "&");
  assert_true(n + 8 < sizeof b32);
  memcpy(b32, p, n);
  while (n % 8) b32[n++] = '='; /* oath wants the padding back */
  b32[n] = 0;
  char *raw = NULL;
  size_t rawn = 0;
  assert_int_equal(oath_init(), OATH_OK);
  assert_int_equal(oath_base32_decode(b32, n, &raw, &rawn), OATH_OK);
  assert_true(rawn <= 64);
  memcpy(out, raw, rawn);
  free(raw);
  return rawn;
}

static void write_key(const char *hex) {
  char *path = test_path(g_dir, "auth.key");
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(hex, f);
  fclose(f);
  free(path);
}

static char *read_key(void) {
  char *path = test_path(g_dir, "auth.key");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char *buf = calloc(1, 128);
  assert_true(fread(buf, 1, 127, f) > 0);
  fclose(f);
  free(path);
  return buf;
}

/* ------------------------------------------------------------- tests */

static void test_enroll_stores_sealed_secret(void **state) {
  (void)state;
  lotse_err_t err = {0};
  char *uri = NULL;
  assert_int_equal(totp_enroll(g_st, "bert", &uri, &err), 0);
  unsigned char secret[64], blob[TOTP_SEALED_MAX];
  size_t sn = uri_secret(uri, secret);
  free(uri);
  assert_int_equal(sn, 20);
  size_t bn = stored("bert", blob, sizeof blob);
  assert_int_equal(bn, 4 + 12 + 20 + 16);
  assert_memory_equal(blob, "LTS1", 4);
  assert_false(contains(blob, bn, secret, sn));
  assert_false(contains(blob, bn, secret, 8)); /* not even a part */
  /* auth.key: created, 0600, 64 hex digits */
  char *path = test_path(g_dir, "auth.key");
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  free(path);
  /* codes from the app's copy of the secret are accepted */
  char code[TOTP_DIGITS + 1];
  assert_int_equal(totp_code(secret, sn, NOW, code), 0);
  assert_int_equal(totp_check(g_st, uid_of("bert"), code, NOW, &err), 1);
}

static void test_plaintext_rewritten_sealed(void **state) {
  (void)state;
  lotse_err_t err = {0};
  put_plain("anna");
  unsigned char blob[TOTP_SEALED_MAX];
  assert_int_equal(stored("anna", blob, sizeof blob), 20);
  char code[TOTP_DIGITS + 1];
  assert_int_equal(totp_code(RFC_SECRET, 20, NOW, code), 0);
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW, &err), 1);
  size_t bn = stored("anna", blob, sizeof blob);
  assert_int_equal(bn, 52);
  assert_true(totp_sealed(blob, bn));
  assert_false(contains(blob, bn, RFC_SECRET, 20));
  /* and it still works, sealed now */
  assert_int_equal(totp_code(RFC_SECRET, 20, NOW + 30, code), 0);
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW + 30, &err),
                   1);
}

static void test_other_key_is_a_clear_error(void **state) {
  (void)state;
  lotse_err_t err = {0};
  char *saved = read_key();
  write_key("00112233445566778899aabbccddeeff"
            "00112233445566778899aabbccddeeff\n");
  char code[TOTP_DIGITS + 1];
  assert_int_equal(totp_code(RFC_SECRET, 20, NOW + 60, code), 0);
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW + 60, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "auth.key"));
  /* a malformed key file is named too */
  write_key("kein Schlüssel\n");
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW + 60, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "auth.key"));
  /* a missing one as well, and it is not silently replaced */
  char *path = test_path(g_dir, "auth.key");
  unlink(path);
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW + 60, &err),
                   LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "auth.key"));
  struct stat sb;
  assert_int_not_equal(stat(path, &sb), 0);
  free(path);
  write_key(saved);
  free(saved);
  assert_int_equal(totp_check(g_st, uid_of("anna"), code, NOW + 60, &err),
                   1);
}

static void test_seal_binds_user_and_bytes(void **state) {
  (void)state;
  lotse_err_t err = {0};
  unsigned char key[TOTP_KEY_LEN], blob[TOTP_SEALED_MAX], out[64];
  size_t bn = 0, on = 0;
  assert_int_equal(totp_key_load(g_st, 0, key, &err), 0);
  assert_int_equal(
      totp_seal(key, 7, RFC_SECRET, 20, blob, sizeof blob, &bn, &err), 0);
  assert_int_equal(totp_unseal(key, 7, blob, bn, out, sizeof out, &on, &err),
                   0);
  assert_int_equal(on, 20);
  assert_memory_equal(out, RFC_SECRET, 20);
  /* another user's row */
  assert_int_equal(totp_unseal(key, 8, blob, bn, out, sizeof out, &on, &err),
                   LOTSE_ECORRUPT);
  /* a changed byte anywhere after the magic */
  for (size_t i = 4; i < bn; i++) {
    blob[i] ^= 1;
    assert_int_equal(
        totp_unseal(key, 7, blob, bn, out, sizeof out, &on, &err),
        LOTSE_ECORRUPT);
    blob[i] ^= 1;
  }
  /* two seals of one secret differ (random nonce) */
  unsigned char again[TOTP_SEALED_MAX];
  size_t an = 0;
  assert_int_equal(
      totp_seal(key, 7, RFC_SECRET, 20, again, sizeof again, &an, &err), 0);
  assert_int_equal(an, bn);
  assert_memory_not_equal(again, blob, bn);
  /* bad sizes */
  assert_int_equal(totp_seal(key, 7, RFC_SECRET, 0, blob, sizeof blob, &bn,
                             &err),
                   LOTSE_EINVAL);
  assert_int_equal(totp_seal(key, 7, RFC_SECRET, 20, blob, 10, &bn, &err),
                   LOTSE_EINVAL);
  assert_int_equal(totp_unseal(key, 7, blob, 20, out, sizeof out, &on, &err),
                   LOTSE_ECORRUPT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_enroll_stores_sealed_secret),
      cmocka_unit_test(test_plaintext_rewritten_sealed),
      cmocka_unit_test(test_other_key_is_a_clear_error),
      cmocka_unit_test(test_seal_binds_user_and_bytes),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
