/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/totp_seal.c — TOTP secrets encrypted at rest: AES-256-GCM
 * (OpenSSL EVP) under the workspace key file auth.key, with the user id as
 * associated data, so a copy of lotse.db alone does not yield the secrets
 * and a sealed secret moved to another user's row does not open.
 *
 * Contract: see server/session.h (totp_key_load, totp_seal, totp_unseal).
 * Stored form: "LTS1" || 12-byte random nonce || ciphertext || 16-byte tag;
 * a stored value without the magic is a plaintext secret of an older
 * workspace, which totp.c rewrites sealed on its next use.
 * Invariants: (1) auth.key is created with mode 0600 and O_EXCL, so two
 * processes never write different keys; (2) a wrong key, a changed byte or
 * another user id is LOTSE_ECORRUPT, never a wrong secret.
 */
#include "server/session.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "LTS1"
#define MAGIC_LEN 4
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_FILE "auth.key"
#define KEY_HEX (TOTP_KEY_LEN * 2)

/* ---------------------------------------------------------------- key */

/* dir(db)/auth.key into out. */
static int key_path(store_t *st, char *out, size_t n, lotse_err_t *err) {
  const char *db = sqlite3_db_filename(store_db(st), "main");
  if (!db || !*db)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Datenbank ohne Datei: kein Ort für " KEY_FILE);
  const char *slash = strrchr(db, '/');
  int k = slash ? snprintf(out, n, "%.*s/" KEY_FILE, (int)(slash - db), db)
                : snprintf(out, n, KEY_FILE);
  if (k < 0 || (size_t)k >= n)
    return lotse_err_set(err, LOTSE_ETOOBIG, "Pfad zu lang");
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int key_read(const char *path, unsigned char key[TOTP_KEY_LEN],
                    lotse_err_t *err) {
  FILE *f = fopen(path, "r");
  if (!f)
    return lotse_err_set(err, errno == ENOENT ? LOTSE_ENOTFOUND : LOTSE_EIO,
                         "Schlüsseldatei '%s' nicht lesbar", path);
  char hex[KEY_HEX + 2] = "";
  size_t got = fread(hex, 1, KEY_HEX, f);
  fclose(f);
  int rc = got == KEY_HEX ? 0 : -1;
  for (size_t i = 0; !rc && i < TOTP_KEY_LEN; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) rc = -1;
    else key[i] = (unsigned char)(hi << 4 | lo);
  }
  OPENSSL_cleanse(hex, sizeof hex);
  if (rc)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "Schlüsseldatei '%s' beschädigt (erwartet: 64 "
                         "Hex-Ziffern)",
                         path);
  return 0;
}

static int key_create(const char *path, lotse_err_t *err) {
  unsigned char raw[TOTP_KEY_LEN];
  char hex[KEY_HEX + 2];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return lotse_err_set(err, LOTSE_EIO, "keine Zufallszahlen für %s",
                         KEY_FILE);
  for (size_t i = 0; i < TOTP_KEY_LEN; i++)
    snprintf(hex + 2 * i, 3, "%02x", raw[i]);
  hex[KEY_HEX] = '\n';
  OPENSSL_cleanse(raw, sizeof raw);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(hex, sizeof hex);
    if (errno == EEXIST) return 0; /* another process was first */
    return lotse_err_set(err, LOTSE_EIO, "Schlüsseldatei '%s' nicht "
                                         "anlegbar", path);
  }
  ssize_t w = write(fd, hex, KEY_HEX + 1);
  int ok = w == KEY_HEX + 1 && fsync(fd) == 0;
  OPENSSL_cleanse(hex, sizeof hex);
  if (close(fd) != 0) ok = 0;
  if (!ok) {
    unlink(path);
    return lotse_err_set(err, LOTSE_EIO, "Schlüsseldatei '%s' nicht "
                                         "schreibbar", path);
  }
  return 0;
}

int totp_key_load(store_t *st, int create, unsigned char key[TOTP_KEY_LEN],
                  lotse_err_t *err) {
  char path[4096];
  int rc = key_path(st, path, sizeof path, err);
  if (rc) return rc;
  rc = key_read(path, key, err);
  if (rc == LOTSE_ENOTFOUND && create) {
    rc = key_create(path, err);
    if (!rc) rc = key_read(path, key, err);
  }
  return rc;
}

/* ------------------------------------------------------------ sealing */

static void aad_of(int64_t user_id, char out[48]) {
  snprintf(out, 48, "lotse-totp-v1:%lld", (long long)user_id);
}

int totp_sealed(const unsigned char *blob, size_t n) {
  return n > MAGIC_LEN + NONCE_LEN + TAG_LEN &&
         memcmp(blob, MAGIC, MAGIC_LEN) == 0;
}

int totp_seal(const unsigned char key[TOTP_KEY_LEN], int64_t user_id,
              const unsigned char *secret, size_t n, unsigned char *out,
              size_t cap, size_t *outn, lotse_err_t *err) {
  size_t need = MAGIC_LEN + NONCE_LEN + n + TAG_LEN;
  if (n == 0 || n > TOTP_SECRET_MAX || cap < need)
    return lotse_err_set(err, LOTSE_EINVAL, "TOTP secret of bad size");
  memcpy(out, MAGIC, MAGIC_LEN);
  unsigned char *nonce = out + MAGIC_LEN, *ct = nonce + NONCE_LEN;
  if (RAND_bytes(nonce, NONCE_LEN) != 1)
    return lotse_err_set(err, LOTSE_EIO, "no random bytes for a nonce");
  char aad[48];
  aad_of(user_id, aad);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  int ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) &&
           EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)aad,
                             (int)strlen(aad)) &&
           EVP_EncryptUpdate(c, ct, &len, secret, (int)n) &&
           EVP_EncryptFinal_ex(c, ct + len, &fin) &&
           EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, ct + n);
  EVP_CIPHER_CTX_free(c);
  if (!ok || (size_t)(len + fin) != n)
    return lotse_err_set(err, LOTSE_EINTERNAL, "AES-GCM encryption failed");
  *outn = need;
  return 0;
}

int totp_unseal(const unsigned char key[TOTP_KEY_LEN], int64_t user_id,
                const unsigned char *blob, size_t n, unsigned char *secret,
                size_t cap, size_t *secretn, lotse_err_t *err) {
  if (!totp_sealed(blob, n) ||
      n - MAGIC_LEN - NONCE_LEN - TAG_LEN > cap)
    return lotse_err_set(err, LOTSE_ECORRUPT, "TOTP-Geheimnis beschädigt");
  size_t ctn = n - MAGIC_LEN - NONCE_LEN - TAG_LEN;
  const unsigned char *nonce = blob + MAGIC_LEN, *ct = nonce + NONCE_LEN;
  unsigned char tag[TAG_LEN];
  memcpy(tag, ct + ctn, TAG_LEN);
  char aad[48];
  aad_of(user_id, aad);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  int ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce) &&
           EVP_DecryptUpdate(c, NULL, &len, (const unsigned char *)aad,
                             (int)strlen(aad)) &&
           EVP_DecryptUpdate(c, secret, &len, ct, (int)ctn) &&
           EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) &&
           EVP_DecryptFinal_ex(c, secret + len, &fin) > 0;
  EVP_CIPHER_CTX_free(c);
  if (!ok) {
    OPENSSL_cleanse(secret, cap);
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "TOTP-Geheimnis lässt sich mit " KEY_FILE
                         " nicht entschlüsseln (anderer Schlüssel oder "
                         "veränderte Daten)");
  }
  *secretn = ctn;
  return 0;
}
