/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/session.c — login sessions, their cookie and CSRF token, the
 * identity settings from lotse.conf, and lock-out after failed logins.
 *
 * Contract: see server/session.h. The cookie value is the only copy of a
 * session id; the store keeps its SHA-256. A lookup that finds an ended
 * session deletes it and answers LOTSE_ENOTFOUND.
 * Invariants: (1) an id is exactly 43 base64url characters, anything else
 * is refused before the database is asked; (2) the CSRF token differs from
 * every stored value, being SHA-256 of the id under its own prefix.
 */
#include "server/session.h"

#include "gov/registry.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_RAW 32
#define ID_LEN 43
#define CSRF_PREFIX "lotse-csrf:"
#define FAILURE_FORGET_S (24 * 3600) /* a failure older than this is gone */

/* ------------------------------------------------------------- settings */

static int parse_roles(const char *list, session_opts_t *o, lotse_err_t *err) {
  char buf[512];
  if (strlen(list) >= sizeof buf)
    return lotse_err_set(err, LOTSE_EINVAL, "auth.totp_roles ist zu lang");
  strcpy(buf, list);
  char *save = NULL;
  for (char *t = strtok_r(buf, ", \t", &save); t;
       t = strtok_r(NULL, ", \t", &save)) {
    if (!strcmp(t, "all") || !strcmp(t, "alle")) {
      o->totp_all = 1;
      continue;
    }
    if (!strcmp(t, "none") || !strcmp(t, "keine")) continue;
    int r = gov_role_parse(t);
    if (r < 0)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "unbekannte Rolle '%s' in auth.totp_roles", t);
    o->totp_roles |= GOV_ROLE_BIT(r);
  }
  return 0;
}

static int64_t conf_pos(const lotse_conf_t *c, const char *key, int64_t def) {
  long long v = lotse_conf_get_int(c, key, def);
  return v > 0 ? (int64_t)v : def;
}

static void opts_default(session_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->idle_s = 1800;
  o->max_s = 36000;
  o->cookie_secure = 1;
  o->lock_after = 5;
  o->lock_after_ip = 20;
  o->lock_base_s = 30;
  o->lock_max_s = 3600;
}

int session_opts_load(const lotse_conf_t *conf, session_opts_t *o,
                      lotse_err_t *err) {
  opts_default(o);
  if (!conf) return 0;
  session_opts_t n = *o;
  n.idle_s = conf_pos(conf, "auth.session_idle_seconds", n.idle_s);
  n.max_s = conf_pos(conf, "auth.session_max_seconds", n.max_s);
  n.cookie_secure = lotse_conf_get_bool(conf, "auth.cookie_secure", 1);
  n.lock_after = (int)conf_pos(conf, "auth.lockout_after", n.lock_after);
  n.lock_after_ip =
      (int)conf_pos(conf, "auth.lockout_after_ip", n.lock_after_ip);
  n.lock_base_s = conf_pos(conf, "auth.lockout_base_seconds", n.lock_base_s);
  n.lock_max_s = conf_pos(conf, "auth.lockout_max_seconds", n.lock_max_s);
  const char *roles = lotse_conf_get(conf, "auth.totp_roles", NULL);
  int rc = roles ? parse_roles(roles, &n, err) : 0;
  if (rc) return rc;
  *o = n;
  return 0;
}

/* ------------------------------------------------------------ ids */

static const char B64URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64url(const unsigned char *p, size_t n, char *out) {
  size_t o = 0, i = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
    out[o++] = B64URL[v >> 18 & 63];
    out[o++] = B64URL[v >> 12 & 63];
    out[o++] = B64URL[v >> 6 & 63];
    out[o++] = B64URL[v & 63];
  }
  if (n - i == 2) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
    out[o++] = B64URL[v >> 18 & 63];
    out[o++] = B64URL[v >> 12 & 63];
    out[o++] = B64URL[v >> 6 & 63];
  } else if (n - i == 1) {
    unsigned v = (unsigned)p[i] << 16;
    out[o++] = B64URL[v >> 18 & 63];
    out[o++] = B64URL[v >> 12 & 63];
  }
  out[o] = 0;
}

static int id_ok(const char *id) {
  if (!id || strlen(id) != ID_LEN) return 0;
  for (size_t i = 0; i < ID_LEN; i++)
    if (!strchr(B64URL, id[i]) || !id[i]) return 0;
  return 1;
}

static void id_hash(const char *id, char hex[65]) {
  lotse_sha256_hex(id, strlen(id), hex);
}

static void csrf_of(const char *id, char out[SESSION_CSRF_BUF]) {
  char buf[sizeof CSRF_PREFIX + ID_LEN];
  snprintf(buf, sizeof buf, "%s%s", CSRF_PREFIX, id);
  lotse_sha256_hex(buf, strlen(buf), out);
}

/* ------------------------------------------------------------ store */

static int prep(store_t *st, const char *sql, sqlite3_stmt **s,
                lotse_err_t *err) {
  if (sqlite3_prepare_v2(store_db(st), sql, -1, s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "sessions");
  return 0;
}

/* Run a statement that returns no rows; finalizes it. */
static int done(store_t *st, sqlite3_stmt *s, lotse_err_t *err) {
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "sessions");
}

int session_create(store_t *st, const session_opts_t *o, const char *user,
                   int mfa, const char *method, int64_t now,
                   char id[SESSION_ID_BUF], session_t *out,
                   lotse_err_t *err) {
  unsigned char raw[ID_RAW];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return lotse_err_set(err, LOTSE_EIO, "no random bytes for a session id");
  b64url(raw, sizeof raw, id);
  OPENSSL_cleanse(raw, sizeof raw);
  char hash[65];
  id_hash(id, hash);
  sqlite3_stmt *s;
  int rc = prep(st,
                "INSERT INTO sessions(id_hash, user_id, mfa, method, "
                "created_at, last_seen, expires_at) SELECT ?, id, ?, ?, ?, ?, "
                "? FROM users WHERE name = ?",
                &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, mfa ? 1 : 0);
  sqlite3_bind_text(s, 3, method ? method : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, now);
  sqlite3_bind_int64(s, 5, now);
  sqlite3_bind_int64(s, 6, now + o->max_s);
  sqlite3_bind_text(s, 7, user ? user : "", -1, SQLITE_STATIC);
  if ((rc = done(st, s, err))) return rc;
  if (sqlite3_changes(store_db(st)) != 1) {
    id[0] = 0;
    return lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannter Benutzer '%s'",
                         user ? user : "");
  }
  /* Sweep ended sessions now and then: each login removes them all. */
  if ((rc = prep(st,
                 "DELETE FROM sessions WHERE expires_at <= ?1 OR "
                 "last_seen <= ?1 - ?2",
                 &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, now);
  sqlite3_bind_int64(s, 2, o->idle_s);
  if ((rc = done(st, s, err))) return rc;
  if (!out) return 0;
  return session_lookup(st, o, id, now, out, err);
}

static void row_to_session(sqlite3_stmt *s, const char *id, session_t *out) {
  memset(out, 0, sizeof *out);
  out->user_id = sqlite3_column_int64(s, 0);
  snprintf(out->user, sizeof out->user, "%s", sqlite3_column_text(s, 1));
  out->mfa = sqlite3_column_int(s, 2);
  snprintf(out->method, sizeof out->method, "%s",
           sqlite3_column_text(s, 3));
  out->created_at = sqlite3_column_int64(s, 4);
  out->last_seen = sqlite3_column_int64(s, 5);
  out->expires_at = sqlite3_column_int64(s, 6);
  csrf_of(id, out->csrf);
}

int session_lookup(store_t *st, const session_opts_t *o, const char *id,
                   int64_t now, session_t *out, lotse_err_t *err) {
  if (!id_ok(id))
    return lotse_err_set(err, LOTSE_ENOTFOUND, "Sitzung unbekannt");
  char hash[65];
  id_hash(id, hash);
  sqlite3_stmt *s;
  int rc = prep(st,
                "SELECT s.user_id, u.name, s.mfa, s.method, s.created_at, "
                "s.last_seen, s.expires_at FROM sessions s JOIN users u ON "
                "u.id = s.user_id WHERE s.id_hash = ?",
                &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    return rc == SQLITE_DONE
               ? lotse_err_set(err, LOTSE_ENOTFOUND, "Sitzung unbekannt")
               : store_err_db(st, err, "sessions");
  }
  session_t tmp;
  row_to_session(s, id, &tmp);
  sqlite3_finalize(s);
  int ended = now >= tmp.expires_at || now - tmp.last_seen >= o->idle_s;
  if (ended) {
    if ((rc = session_destroy(st, id, err))) return rc;
    return lotse_err_set(err, LOTSE_ENOTFOUND, "Sitzung abgelaufen");
  }
  /* Refresh the idle clock at most every idle_s/10 (≤ 60 s, ≥ 1 s), so
   * busy readers do not write on every request. */
  int64_t every = o->idle_s / 10;
  if (every > 60) every = 60;
  if (every < 1) every = 1;
  if (now - tmp.last_seen >= every) {
    if ((rc = prep(st, "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
                   &s, err)))
      return rc;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    if ((rc = done(st, s, err))) return rc;
    tmp.last_seen = now;
  }
  if (out) *out = tmp;
  return 0;
}

int session_destroy(store_t *st, const char *id, lotse_err_t *err) {
  if (!id_ok(id)) return 0;
  char hash[65];
  id_hash(id, hash);
  sqlite3_stmt *s;
  int rc = prep(st, "DELETE FROM sessions WHERE id_hash = ?", &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
  return done(st, s, err);
}

int session_destroy_user(store_t *st, int64_t user_id, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = prep(st, "DELETE FROM sessions WHERE user_id = ?", &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, user_id);
  return done(st, s, err);
}

int session_csrf_ok(const session_t *s, const char *token) {
  size_t n = strlen(s->csrf);
  if (!token || n == 0 || strlen(token) != n) return 0;
  return CRYPTO_memcmp(s->csrf, token, n) == 0;
}

/* ------------------------------------------------------------ cookies */

int session_cookie_format(const session_opts_t *o, const char *id, char *buf,
                          size_t n) {
  int k = id ? snprintf(buf, n,
                        "%s=%s; Path=/; Max-Age=%lld; HttpOnly; "
                        "SameSite=Strict%s",
                        SESSION_COOKIE, id, (long long)o->max_s,
                        o->cookie_secure ? "; Secure" : "")
             : snprintf(buf, n,
                        "%s=; Path=/; Max-Age=0; HttpOnly; "
                        "SameSite=Strict%s",
                        SESSION_COOKIE, o->cookie_secure ? "; Secure" : "");
  return k < 0 || (size_t)k >= n ? LOTSE_ETOOBIG : 0;
}

int session_cookie_find(const char *h, const char *name, char *out,
                        size_t n) {
  size_t nl = strlen(name);
  while (h && *h) {
    while (*h == ' ' || *h == '\t' || *h == ';') h++;
    const char *end = strchr(h, ';');
    size_t len = end ? (size_t)(end - h) : strlen(h);
    if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
      size_t vl = len - nl - 1;
      while (vl && (h[nl + 1 + vl - 1] == ' ' || h[nl + 1 + vl - 1] == '\t'))
        vl--;
      if (vl >= n) return LOTSE_ETOOBIG;
      memcpy(out, h + nl + 1, vl);
      out[vl] = 0;
      return 0;
    }
    h = end;
  }
  return LOTSE_ENOTFOUND;
}

/* ------------------------------------------------------------ lock-out */

int64_t session_backoff_seconds(int failures, int after, int64_t base,
                                int64_t max) {
  if (failures < after || base <= 0) return 0;
  int64_t t = base;
  for (int i = after; i < failures && t < max; i++) t *= 2;
  return t < max ? t : max;
}

int64_t session_lock_remaining(store_t *st, const char *key, int64_t now) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT locked_until FROM login_failures "
                         "WHERE key = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  int64_t until = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0)
                                                 : 0;
  sqlite3_finalize(s);
  return until > now ? until - now : 0;
}

int session_lock_record(store_t *st, const session_opts_t *o, const char *key,
                        int after, int ok, int64_t now, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc;
  if (ok) {
    if ((rc = prep(st, "DELETE FROM login_failures WHERE key = ?", &s, err)))
      return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    return done(st, s, err);
  }
  int failures = 1;
  /* Forget old failures of every key (keeps the table small when names
   * are sprayed). */
  if ((rc = prep(st, "DELETE FROM login_failures WHERE last_at < ?", &s,
                 err)))
    return rc;
  sqlite3_bind_int64(s, 1, now - FAILURE_FORGET_S);
  if ((rc = done(st, s, err))) return rc;
  if ((rc = prep(st,
                 "SELECT failures, last_at FROM login_failures WHERE key = ?",
                 &s, err)))
    return rc;
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW &&
      now - sqlite3_column_int64(s, 1) < FAILURE_FORGET_S)
    failures = sqlite3_column_int(s, 0) + 1;
  sqlite3_finalize(s);
  int64_t lock =
      session_backoff_seconds(failures, after, o->lock_base_s, o->lock_max_s);
  if ((rc = prep(st,
                 "INSERT OR REPLACE INTO login_failures(key, failures, "
                 "last_at, locked_until) VALUES(?, ?, ?, ?)",
                 &s, err)))
    return rc;
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, failures);
  sqlite3_bind_int64(s, 3, now);
  sqlite3_bind_int64(s, 4, lock ? now + lock : 0);
  return done(st, s, err);
}
