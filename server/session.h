/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/session.h — identity for the HTTP interface: login sessions (the
 * lotse_session cookie), CSRF tokens, local passwords (argon2id), TOTP
 * second factor (RFC 6238, liboath) and lock-out after failed logins.
 * Public to the files of server/ (route_login.c, auth.c, oidc*.c) and to
 * cli/cmd_user.c; not part of the library's outside API.
 *
 * Contract:
 * - A session id is 256 random bits, sent to the browser base64url-encoded
 *   in the cookie and stored only as its SHA-256 (sessions.id_hash), so a
 *   copy of the database does not let anyone log in.
 * - A session ends at the first of: idle time-out (no request for idle_s),
 *   absolute lifetime (max_s after creation), logout. An ended session is
 *   LOTSE_ENOTFOUND exactly like an unknown one. The idle clock is written
 *   at most every idle_s/10 (1 to 60 s), so it may end that much early.
 * - The CSRF token of a session is derived from its id (SHA-256 with its
 *   own prefix); it is returned by GET /api/session and must be sent as
 *   X-CSRF-Token on every state-changing request authenticated by cookie.
 * - Every function taking `now` (unix seconds) uses no other clock, so tests
 *   can move time.
 * Tables (store migration 4): user_credentials, user_totp, sessions,
 * login_failures, user_identities(user_id, issuer, subject) — the last one
 * links an OIDC subject to a lotse user (server/oidc*.c).
 * See also: docs/api/login.md, docs/api/session.md, docs/cli/user.md.
 */
#ifndef LOTSE_SERVER_SESSION_H
#define LOTSE_SERVER_SESSION_H

#include "base/base.h"
#include "store/store.h"

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_COOKIE "lotse_session"
#define SESSION_ID_BUF 48   /* base64url of 32 bytes (43) + NUL, rounded */
#define SESSION_CSRF_BUF 65 /* hex SHA-256 + NUL */

/* ------------------------------------------------------------- settings */

/* From lotse.conf (keys in brackets, defaults in docs/api/login.md). */
typedef struct session_opts {
  int64_t idle_s;        /* auth.session_idle_seconds (1800) */
  int64_t max_s;         /* auth.session_max_seconds (36000) */
  int cookie_secure;     /* auth.cookie_secure (on); off only for tests
                            over http://127.0.0.1 */
  unsigned totp_roles;   /* auth.totp_roles: gov role bit mask */
  int totp_all;          /* auth.totp_roles = all */
  int lock_after;        /* auth.lockout_after (5) failures per account */
  int lock_after_ip;     /* auth.lockout_after_ip (20) failures per address */
  int64_t lock_base_s;   /* auth.lockout_base_seconds (30), doubled per
                            further failure */
  int64_t lock_max_s;    /* auth.lockout_max_seconds (3600) */
} session_opts_t;

/* Defaults, then the keys of conf (NULL: defaults only). An unknown role
 * in auth.totp_roles is LOTSE_EINVAL with the role named; o is then left
 * with the defaults. */
int session_opts_load(const lotse_conf_t *conf, session_opts_t *o,
                      lotse_err_t *err);

/* -------------------------------------------------------- session.c */

typedef struct session {
  int64_t user_id;
  char user[64];
  int mfa;                /* the login verified a second factor */
  char method[16];        /* "passwort" or "oidc" */
  int64_t created_at, last_seen, expires_at; /* expires_at: absolute */
  char csrf[SESSION_CSRF_BUF];
} session_t;

/* Start a session for user after successful authentication (password and,
 * where needed, TOTP by route_login.c; the provider's ID token by oidc).
 * Writes the cookie value to id (NUL-terminated) and fills out (may be
 * NULL). LOTSE_ENOTFOUND for an unknown user. */
int session_create(store_t *st, const session_opts_t *o, const char *user,
                   int mfa, const char *method, int64_t now,
                   char id[SESSION_ID_BUF], session_t *out, lotse_err_t *err);

/* The live session with cookie value id; refreshes its idle clock.
 * LOTSE_ENOTFOUND for a malformed, unknown, idle or expired id (an ended
 * session's row is deleted on the way). */
int session_lookup(store_t *st, const session_opts_t *o, const char *id,
                   int64_t now, session_t *out, lotse_err_t *err);

/* End the session with cookie value id (no error when there is none). */
int session_destroy(store_t *st, const char *id, lotse_err_t *err);

/* End every session of user (after a password change or disable). */
int session_destroy_user(store_t *st, int64_t user_id, lotse_err_t *err);

/* Whether token equals the session's CSRF token (constant time). */
int session_csrf_ok(const session_t *s, const char *token);

/* The Set-Cookie header value for id, or one that clears the cookie when
 * id is NULL: HttpOnly; SameSite=Strict; Path=/; Secure unless
 * o->cookie_secure is off; Max-Age = the absolute lifetime. */
int session_cookie_format(const session_opts_t *o, const char *id, char *buf,
                          size_t n);

/* The value of cookie name in a Cookie header, copied to out; 0 when
 * found, LOTSE_ENOTFOUND when absent, LOTSE_ETOOBIG when it does not fit
 * (a caller treats that as a wrong value, not as no cookie). */
int session_cookie_find(const char *header, const char *name, char *out,
                        size_t n);

/* ------------------------------------------------------- password.c */

/* argon2id, encoded "$argon2id$v=19$m=…,t=…,p=…$salt$hash" (random 16-byte
 * salt). Passwords of 8 to 1024 bytes; shorter or longer is LOTSE_EINVAL. */
int password_hash(const char *password, char **encoded, lotse_err_t *err);
/* The same with explicit costs (tests use small ones). */
int password_hash_cost(const char *password, uint32_t t_cost,
                       uint32_t m_kib, char **encoded, lotse_err_t *err);
/* 1 when password matches encoded, 0 when not (also for a malformed
 * encoding). */
int password_verify(const char *encoded, const char *password);

/* Set user's password (stored hashed) and end the user's sessions. */
int password_set(store_t *st, const char *user, const char *password,
                 lotse_err_t *err);
/* Check user's password against the store. 1 match, 0 no match (unknown
 * user or no password: the same work is done, the same 0 returned);
 * negative on a store error. user_id is set on a match. */
int password_check(store_t *st, const char *user, const char *password,
                   int64_t *user_id, lotse_err_t *err);

/* ----------------------------------------------------------- totp.c */

#define TOTP_STEP 30
#define TOTP_DIGITS 6

/* Enroll (or re-enroll) user: a new random 160-bit secret; writes the
 * otpauth:// URI for authenticator apps to *uri (caller frees). */
int totp_enroll(store_t *st, const char *user, char **uri, lotse_err_t *err);
int totp_disable(store_t *st, const char *user, lotse_err_t *err);
/* 1 when the user has TOTP enrolled, 0 when not, negative on error. */
int totp_enrolled(store_t *st, int64_t user_id, lotse_err_t *err);
/* Check a 6-digit code at now, accepting one step either side. A code of a
 * step already used (or older) is refused, so a code works once.
 * 1 accepted (and the step recorded), 0 refused, negative on error. */
int totp_check(store_t *st, int64_t user_id, const char *code, int64_t now,
               lotse_err_t *err);
/* The code for a raw secret at now (tests and the CLI). */
int totp_code(const unsigned char *secret, size_t n, int64_t now,
              char out[TOTP_DIGITS + 1]);

/* ------------------------------------------------------ totp_seal.c */

/* TOTP secrets at rest: AES-256-GCM under the workspace key file auth.key
 * (beside lotse.db; 64 hex digits, mode 0600), associated data = the user
 * id. totp.c seals on enrollment and rewrites a plaintext secret of an
 * older workspace sealed on its next use. */
#define TOTP_KEY_LEN 32
#define TOTP_SECRET_MAX 64
#define TOTP_SEALED_MAX (4 + 12 + TOTP_SECRET_MAX + 16)

/* Read auth.key of st's workspace; create it first when missing and create
 * is set. LOTSE_ENOTFOUND when missing (create 0), LOTSE_ECORRUPT when
 * malformed. */
int totp_key_load(store_t *st, int create, unsigned char key[TOTP_KEY_LEN],
                  lotse_err_t *err);
/* 1 when blob has the sealed form, 0 for a plaintext secret. */
int totp_sealed(const unsigned char *blob, size_t n);
int totp_seal(const unsigned char key[TOTP_KEY_LEN], int64_t user_id,
              const unsigned char *secret, size_t n, unsigned char *out,
              size_t cap, size_t *outn, lotse_err_t *err);
/* LOTSE_ECORRUPT (German message) for another key, another user id or a
 * changed byte. */
int totp_unseal(const unsigned char key[TOTP_KEY_LEN], int64_t user_id,
                const unsigned char *blob, size_t n, unsigned char *secret,
                size_t cap, size_t *secretn, lotse_err_t *err);

/* --------------------------------------------- HTTP (route_login.c) */

struct http_req;
/* Start a session for user (already authenticated by the caller) and queue
 * the reply that sets its cookie: 302 to location, or, with location NULL,
 * 200 with the body of GET /api/session. Returns the queued reply's result;
 * on failure an error reply (500, or 401 for an unknown user) is queued
 * instead. method: "passwort" or "oidc"; id_token: the provider's ID token
 * (kept as the hint for its logout) or NULL. The session whose cookie the
 * request carries ends first, and the login is audited. */
enum MHD_Result server_session_login_reply(struct http_req *r,
                                           const char *user, int mfa,
                                           const char *method,
                                           const char *location,
                                           const char *id_token);

/* ---------------------------------------------------- login_audit.c */

typedef enum {
  LOGIN_EVENT_SUCCESS = 0, /* auth.login */
  LOGIN_EVENT_FAILURE,     /* auth.login_failed */
  LOGIN_EVENT_LOCKOUT,     /* auth.lockout: a failure started a lock */
  LOGIN_EVENT_LOGOUT       /* auth.logout */
} login_event_kind_t;

typedef struct login_event {
  login_event_kind_t kind;
  const char *user;   /* as typed or from the provider */
  int user_known;     /* 0: user is not stored, only that it was unknown */
  const char *method; /* "local" or "oidc" */
  int mfa;            /* success: a second factor was verified */
  const char *reason; /* failure: bad_password, bad_totp, totp_required,
                         totp_not_enrolled, locked, unknown_user … */
  const char *client; /* client address or NULL */
  int64_t lock_s;     /* lock-out: its length in seconds */
} login_event_t;

/* Append one record for e to the audit trail beside st's database.
 * Refusals beyond 20 a minute per reason and client are counted instead
 * (0 returned) and the next record's details.suppressed says how many. */
int login_audit(store_t *st, const login_event_t *e, lotse_err_t *err);
/* The throttle behind login_audit: 1 when a refusal record for (reason,
 * client) may be written at now (*suppressed: how many were left out
 * before it), 0 when it is to be left out (*suppressed: how many are left
 * out so far, this one included). */
int login_audit_admit(const char *reason, const char *client, int64_t now,
                      int64_t *suppressed);
/* The client address of r ("?" when unknown) into out. */
struct http_req;
void server_client_addr(struct http_req *r, char *out, size_t n);
/* 1 when a user of that name exists. */
int login_audit_user_known(store_t *st, const char *user);

/* ------------------------------------------------- lock-out (session.c) */

/* Seconds of lock-out after `failures` consecutive failures: 0 below
 * `after`, then base, 2*base, 4*base … capped at max. */
int64_t session_backoff_seconds(int failures, int after, int64_t base,
                                int64_t max);
/* Seconds until key ("user:NAME" or "ip:ADDR") may try again; 0 when free. */
int64_t session_lock_remaining(store_t *st, const char *key, int64_t now);
/* Record a failed (ok = 0) or successful (ok = 1: the counter is cleared)
 * attempt for key; after is the threshold for this kind of key. */
int session_lock_record(store_t *st, const session_opts_t *o, const char *key,
                        int after, int ok, int64_t now, lotse_err_t *err);

#endif
