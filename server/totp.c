/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/totp.c — the second factor: time-based one-time passwords
 * (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) computed with liboath,
 * secrets in user_totp, sealed with AES-256-GCM under auth.key
 * (server/totp_seal.c).
 *
 * Contract: see server/session.h. A code is accepted for the current step
 * and one step either side (clock drift); the step of an accepted code is
 * stored and no code of that or an earlier step is accepted again. A
 * plaintext secret (stored before secrets were sealed) still works and is
 * rewritten sealed when it is next read; a sealed secret that does not
 * open (another auth.key) is LOTSE_ECORRUPT with a German message, never
 * a refused code.
 * Invariants: (1) the secret leaves the store only in the otpauth:// URI
 * printed once at enrollment; (2) the check compares in constant time;
 * (3) the store holds the secret only sealed, once it was used or enrolled
 * by this version.
 */
#include "server/session.h"

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_LEN 20 /* 160 bits, RFC 4226's recommendation */
#define ISSUER "lotse"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ok;

static void oath_setup(void) { oath_ok = oath_init() == OATH_OK; }

int totp_code(const unsigned char *secret, size_t n, int64_t now,
              char out[TOTP_DIGITS + 1]) {
  pthread_once(&oath_once, oath_setup);
  out[0] = 0;
  if (!oath_ok || now < 0) return LOTSE_EINTERNAL;
  int rc = oath_totp_generate((const char *)secret, n, (time_t)now, TOTP_STEP,
                              0, TOTP_DIGITS, out);
  return rc == OATH_OK ? 0 : LOTSE_EINTERNAL;
}

/* Percent-encode s for a URI path or query value. */
static int uri_escape(lotse_buf_t *b, const char *s) {
  int rc = 0;
  for (; *s && !rc; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || strchr("-._~", c))
      rc = lotse_buf_putc(b, (char)c);
    else
      rc = lotse_buf_printf(b, "%%%02X", c);
  }
  return rc;
}

static int make_uri(const char *user, const unsigned char *secret,
                    char **uri, lotse_err_t *err) {
  char *b32 = NULL;
  size_t b32len = 0;
  if (oath_base32_encode((const char *)secret, SECRET_LEN, &b32, &b32len) !=
      OATH_OK)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  while (b32len && b32[b32len - 1] == '=') b32[--b32len] = 0;
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  int rc = lotse_buf_puts(&b, "otpauth://totp/" ISSUER ":");
  if (!rc) rc = uri_escape(&b, user);
  if (!rc)
    rc = lotse_buf_printf(&b,
                          "?secret=%s&issuer=" ISSUER
                          "&algorithm=SHA1&digits=%d&period=%d",
                          b32, TOTP_DIGITS, TOTP_STEP);
  OPENSSL_cleanse(b32, b32len);
  free(b32);
  if (rc) {
    lotse_buf_release(&b);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  *uri = lotse_buf_detach(&b);
  return *uri ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int exec_user(store_t *st, const char *sql, const char *user,
                     const void *blob, size_t blen, int64_t now,
                     lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "totp");
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  if (blob) {
    sqlite3_bind_blob(s, 2, blob, (int)blen, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
  }
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "totp");
}

static int user_exists(store_t *st, const char *user, int64_t *id,
                       lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st), "SELECT id FROM users WHERE name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "totp");
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW && id) *id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (rc == SQLITE_ROW) return 0;
  if (rc == SQLITE_DONE)
    return lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannter Benutzer '%s'",
                         user ? user : "");
  return store_err_db(st, err, "totp");
}

int totp_enroll(store_t *st, const char *user, char **uri, lotse_err_t *err) {
  *uri = NULL;
  unsigned char secret[SECRET_LEN], key[TOTP_KEY_LEN];
  unsigned char sealed[TOTP_SEALED_MAX];
  size_t sn = 0;
  int64_t uid = 0;
  int rc = user_exists(st, user, &uid, err);
  if (rc) return rc;
  if ((rc = totp_key_load(st, 1, key, err))) return rc;
  if (RAND_bytes(secret, sizeof secret) != 1)
    rc = lotse_err_set(err, LOTSE_EIO, "no random bytes for a secret");
  if (!rc)
    rc = totp_seal(key, uid, secret, sizeof secret, sealed, sizeof sealed,
                   &sn, err);
  OPENSSL_cleanse(key, sizeof key);
  if (!rc) rc = make_uri(user, secret, uri, err);
  if (!rc)
    rc = exec_user(st,
                   "INSERT OR REPLACE INTO user_totp(user_id, secret, "
                   "last_step, enrolled_at) SELECT id, ?2, 0, ?3 FROM users "
                   "WHERE name = ?1",
                   user, sealed, sn, lotse_now_unix(), err);
  OPENSSL_cleanse(secret, sizeof secret);
  if (rc) {
    free(*uri);
    *uri = NULL;
  }
  return rc;
}

int totp_disable(store_t *st, const char *user, lotse_err_t *err) {
  int rc = user_exists(st, user, NULL, err);
  if (rc) return rc;
  return exec_user(st,
                   "DELETE FROM user_totp WHERE user_id = (SELECT id FROM "
                   "users WHERE name = ?)",
                   user, NULL, 0, 0, err);
}

int totp_enrolled(store_t *st, int64_t user_id, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT 1 FROM user_totp WHERE user_id = ?", -1, &s,
                         NULL) != SQLITE_OK)
    return store_err_db(st, err, "totp");
  sqlite3_bind_int64(s, 1, user_id);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc == SQLITE_ROW) return 1;
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "totp");
}

static int code_ok(const char *code) {
  if (!code || strlen(code) != TOTP_DIGITS) return 0;
  for (int i = 0; i < TOTP_DIGITS; i++)
    if (code[i] < '0' || code[i] > '9') return 0;
  return 1;
}

/* The step (now/30 - 1 … + 1) whose code equals code, or -1. */
static int64_t match_step(const unsigned char *secret, size_t n,
                          const char *code, int64_t now) {
  int64_t found = -1;
  for (int d = -1; d <= 1; d++) {
    int64_t t = now + d * TOTP_STEP;
    char want[TOTP_DIGITS + 1];
    if (t < 0 || totp_code(secret, n, t, want)) continue;
    if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0) found = t / TOTP_STEP;
  }
  return found;
}

/* Rewrite user_id's plaintext secret sealed. */
static int reseal(store_t *st, int64_t user_id, const unsigned char key[],
                  const unsigned char *secret, size_t n, lotse_err_t *err) {
  unsigned char sealed[TOTP_SEALED_MAX];
  size_t sn = 0;
  int rc = totp_seal(key, user_id, secret, n, sealed, sizeof sealed, &sn,
                     err);
  sqlite3_stmt *s;
  if (!rc && sqlite3_prepare_v2(store_db(st),
                                "UPDATE user_totp SET secret = ? WHERE "
                                "user_id = ?",
                                -1, &s, NULL) != SQLITE_OK)
    rc = store_err_db(st, err, "totp");
  if (rc) return rc;
  sqlite3_bind_blob(s, 1, sealed, (int)sn, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, user_id);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "totp");
}

/* The secret from its stored form (sealed, or plaintext which is then
 * rewritten sealed) into secret (TOTP_SECRET_MAX bytes). */
static int secret_of(store_t *st, int64_t user_id, const unsigned char *blob,
                     size_t n, unsigned char *secret, size_t *sn,
                     lotse_err_t *err) {
  unsigned char key[TOTP_KEY_LEN];
  int sealed = totp_sealed(blob, n);
  int rc = totp_key_load(st, !sealed, key, err);
  if (rc == LOTSE_ENOTFOUND)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "Schlüsseldatei auth.key fehlt: die TOTP-Geheimnisse "
                         "lassen sich nicht entschlüsseln");
  if (rc) return rc;
  if (sealed) {
    rc = totp_unseal(key, user_id, blob, n, secret, TOTP_SECRET_MAX, sn, err);
  } else if (n > TOTP_SECRET_MAX) {
    rc = lotse_err_set(err, LOTSE_ECORRUPT, "TOTP-Geheimnis beschädigt");
  } else {
    memcpy(secret, blob, n);
    *sn = n;
    rc = reseal(st, user_id, key, secret, n, err);
  }
  OPENSSL_cleanse(key, sizeof key);
  return rc;
}

int totp_check(store_t *st, int64_t user_id, const char *code, int64_t now,
               lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT secret, last_step FROM user_totp "
                         "WHERE user_id = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "totp");
  sqlite3_bind_int64(s, 1, user_id);
  int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "totp");
  }
  unsigned char stored[TOTP_SEALED_MAX], secret[TOTP_SECRET_MAX];
  int n = sqlite3_column_bytes(s, 0);
  if (n <= 0 || (size_t)n > sizeof stored) {
    sqlite3_finalize(s);
    return lotse_err_set(err, LOTSE_ECORRUPT, "TOTP-Geheimnis beschädigt");
  }
  memcpy(stored, sqlite3_column_blob(s, 0), (size_t)n);
  int64_t last = sqlite3_column_int64(s, 1);
  sqlite3_finalize(s);
  size_t sn = 0;
  rc = secret_of(st, user_id, stored, (size_t)n, secret, &sn, err);
  OPENSSL_cleanse(stored, sizeof stored);
  if (rc) return rc;
  int64_t step = code_ok(code) ? match_step(secret, sn, code, now) : -1;
  OPENSSL_cleanse(secret, sizeof secret);
  if (step < 0 || step <= last) return 0;
  /* Only a newer step wins, so two racing logins cannot both use a code. */
  if (sqlite3_prepare_v2(store_db(st),
                         "UPDATE user_totp SET last_step = ? WHERE user_id = "
                         "? AND last_step < ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "totp");
  sqlite3_bind_int64(s, 1, step);
  sqlite3_bind_int64(s, 2, user_id);
  sqlite3_bind_int64(s, 3, step);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "totp");
  return sqlite3_changes(store_db(st)) == 1;
}
