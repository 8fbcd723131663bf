/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/password.c — local passwords: argon2id hashes (libargon2) in
 * user_credentials.
 *
 * Contract: see server/session.h. Costs follow RFC 9106's second
 * recommendation (t = 3, m = 64 MiB, p = 1) with a 16-byte random salt;
 * the encoded hash carries its parameters, so raising the costs later does
 * not lock anyone out.
 * Invariants: (1) a password is never stored or logged, only its hash;
 * (2) checking an unknown user or a user without a password costs one full
 * verification, like a wrong password, so timing does not tell them apart.
 */
#include "server/session.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define T_COST 3
#define M_KIB (64u * 1024u)
#define PARALLEL 1
#define SALT_LEN 16
#define HASH_LEN 32
#define PW_MIN 8
#define PW_MAX 1024

int password_hash_cost(const char *pw, uint32_t t_cost, uint32_t m_kib,
                       char **encoded, lotse_err_t *err) {
  *encoded = NULL;
  size_t n = pw ? strlen(pw) : 0;
  if (n < PW_MIN)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Passwort zu kurz (mindestens %d Zeichen)", PW_MIN);
  if (n > PW_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Passwort zu lang (höchstens %d Bytes)", PW_MAX);
  unsigned char salt[SALT_LEN];
  if (RAND_bytes(salt, sizeof salt) != 1)
    return lotse_err_set(err, LOTSE_EIO, "no random bytes for a salt");
  size_t len = argon2_encodedlen(t_cost, m_kib, PARALLEL, SALT_LEN, HASH_LEN,
                                 Argon2_id);
  char *out = malloc(len);
  if (!out) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = argon2id_hash_encoded(t_cost, m_kib, PARALLEL, pw, n, salt,
                                 SALT_LEN, HASH_LEN, out, len);
  if (rc != ARGON2_OK) {
    free(out);
    return lotse_err_set(err, rc == ARGON2_MEMORY_ALLOCATION_ERROR
                                  ? LOTSE_ENOMEM
                                  : LOTSE_EINTERNAL,
                         "argon2id: %s", argon2_error_message(rc));
  }
  *encoded = out;
  return 0;
}

int password_hash(const char *pw, char **encoded, lotse_err_t *err) {
  return password_hash_cost(pw, T_COST, M_KIB, encoded, err);
}

int password_verify(const char *encoded, const char *pw) {
  if (!encoded || !pw || strncmp(encoded, "$argon2id$", 10) != 0) return 0;
  size_t n = strlen(pw);
  if (n > PW_MAX) return 0;
  return argon2id_verify(encoded, pw, n) == ARGON2_OK;
}

/* ------------------------------------------------------------ store */

int password_set(store_t *st, const char *user, const char *pw,
                 lotse_err_t *err) {
  char *enc;
  int rc = password_hash(pw, &enc, err);
  if (rc) return rc;
  sqlite3_stmt *s = NULL;
  int64_t uid = 0;
  if ((rc = store_begin(st, err))) goto out;
  if (sqlite3_prepare_v2(store_db(st),
                         "INSERT OR REPLACE INTO user_credentials(user_id, "
                         "hash, updated_at) SELECT id, ?, ? FROM users WHERE "
                         "name = ? RETURNING user_id",
                         -1, &s, NULL) != SQLITE_OK) {
    rc = store_err_db(st, err, "credentials");
    goto rollback;
  }
  sqlite3_bind_text(s, 1, enc, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, lotse_now_unix());
  sqlite3_bind_text(s, 3, user ? user : "", -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  if (step == SQLITE_ROW) uid = sqlite3_column_int64(s, 0);
  if (step == SQLITE_ROW) step = sqlite3_step(s);
  sqlite3_finalize(s);
  if (step != SQLITE_DONE) {
    rc = store_err_db(st, err, "credentials");
    goto rollback;
  }
  if (!uid) {
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannter Benutzer '%s'",
                       user ? user : "");
    goto rollback;
  }
  if ((rc = session_destroy_user(st, uid, err))) goto rollback;
  rc = store_commit(st, err);
  goto out;
rollback:
  store_rollback(st);
out:
  if (enc) memset(enc, 0, strlen(enc));
  free(enc);
  return rc;
}

/* A hash of a random password, verified against when there is no real one,
 * so an unknown user costs what a wrong password costs. */
static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void) {
  unsigned char r[16];
  char pw[40];
  if (RAND_bytes(r, sizeof r) != 1) memset(r, 0x5a, sizeof r);
  for (size_t i = 0; i < sizeof r; i++)
    pw[2 * i] = "0123456789abcdef"[r[i] >> 4],
    pw[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
  pw[32] = 0;
  if (password_hash(pw, &dummy_hash, NULL)) dummy_hash = NULL;
}

int password_check(store_t *st, const char *user, const char *pw,
                   int64_t *user_id, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT u.id, c.hash FROM users u LEFT JOIN "
                         "user_credentials c ON c.user_id = u.id "
                         "WHERE u.name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "credentials");
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  int64_t uid = 0;
  char *hash = NULL;
  if (step == SQLITE_ROW) {
    uid = sqlite3_column_int64(s, 0);
    if (sqlite3_column_type(s, 1) != SQLITE_NULL)
      hash = lotse_strdup((const char *)sqlite3_column_text(s, 1));
  }
  sqlite3_finalize(s);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    return store_err_db(st, err, "credentials");
  int ok = 0;
  if (hash) {
    ok = password_verify(hash, pw);
  } else {
    pthread_once(&dummy_once, dummy_init);
    (void)password_verify(dummy_hash, pw);
  }
  free(hash);
  if (ok && user_id) *user_id = uid;
  return ok;
}
