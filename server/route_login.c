/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_login.c — local login, logout and the session view:
 *   POST /api/login    {user, password, totp?} → session cookie
 *   POST /api/logout   ends the caller's session, clears the cookie
 *   GET  /api/session  who is logged in, roles, and the CSRF token
 *
 * Contract: a login is refused (429 with Retry-After) while the account or
 * the client address is locked out, before the password is looked at. A
 * wrong password or code counts one failure for both; a success clears
 * both. A user holding a role listed in auth.totp_roles (or any user with
 * `all`), and every user who has enrolled TOTP, must give a valid code:
 * without one the answer is 401 with error.totp_required = true, which
 * does not count as a failure; with TOTP required but not enrolled the
 * answer is 403. Messages are German and do not tell an unknown user from
 * a wrong password.
 * See also: server/session.h, docs/api/login.md, docs/api/session.md.
 */
#include "server/server_internal.h"

#include "gov/registry.h"
#include "server/oidc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT_JSON "application/json; charset=utf-8"
#define USER_MAX 63

/* ------------------------------------------------------------ replies */

enum MHD_Result server_reply_json_cookie(http_req_t *r, unsigned status,
                                         json_t *body, const char *cookie,
                                         int64_t retry_after) {
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!text)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      strlen(text), text, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(text);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  char ra[32];
  snprintf(ra, sizeof ra, "%lld", (long long)retry_after);
  if ((cookie && MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
                                         cookie) != MHD_YES) ||
      (status == MHD_HTTP_UNAUTHORIZED &&
       MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                               "Bearer") != MHD_YES) ||
      (retry_after > 0 && MHD_add_response_header(
                              resp, MHD_HTTP_HEADER_RETRY_AFTER, ra) !=
                              MHD_YES)) {
    MHD_destroy_response(resp);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  return server_reply_response(r, status, CT_JSON, resp);
}

static const char *error_type(unsigned status) {
  switch (status) {
  case 400: return "invalid_request";
  case 401: return "unauthorized";
  case 403: return "forbidden";
  case 429: return "too_many_requests";
  default: return "internal";
  }
}

/* The error shape, with error.totp_required when asked for. */
static enum MHD_Result login_error(http_req_t *r, unsigned status,
                                   const char *msg, int totp_required,
                                   int64_t retry_after) {
  json_t *body = json_pack("{s:{s:i,s:s,s:s}}", "error", "code", (int)status,
                           "message", msg, "type", error_type(status));
  if (body && totp_required)
    json_object_set_new(json_object_get(body, "error"), "totp_required",
                        json_true());
  return server_reply_json_cookie(r, status, body, NULL, retry_after);
}

/* Whether the server listens on the loopback interface only. */
static int loopback(const char *bind) {
  return bind && (!strcmp(bind, "127.0.0.1") || !strcmp(bind, "::1") ||
                  !strcmp(bind, "localhost"));
}

int server_session_opts_or_reply(http_req_t *r, session_opts_t *o) {
  lotse_err_t err = {0};
  if (session_opts_load(r->srv->o.conf, o, &err) == 0) {
    /* auth.cookie_secure = off is for plain HTTP on this machine only. */
    if (!o->cookie_secure && !loopback(r->srv->o.bind)) o->cookie_secure = 1;
    return 0;
  }
  lotse_log(LOTSE_LOG_ERROR, "server: %s", err.msg);
  server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                     "Anmeldung falsch eingerichtet (lotse.conf, auth.*)");
  return -1;
}

/* ------------------------------------------------------- session view */

/* Display name and unit of user into the object. */
static int add_user_details(store_t *st, const char *user, json_t *o) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT coalesce(u.display_name, ''), "
                         "coalesce(n.name, '') FROM users u LEFT JOIN units n "
                         "ON n.id = u.unit_id WHERE u.name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
  int rc = -1;
  if (sqlite3_step(s) == SQLITE_ROW &&
      !json_object_set_new(
          o, "display",
          server_json_text((const char *)sqlite3_column_text(s, 0))) &&
      !json_object_set_new(
          o, "unit", server_json_text((const char *)sqlite3_column_text(s, 1))))
    rc = 0;
  sqlite3_finalize(s);
  return rc;
}

static json_t *roles_json(unsigned mask) {
  json_t *a = json_array();
  for (int i = 0; a && i < GOV_ROLE_COUNT; i++)
    if (mask & GOV_ROLE_BIT(i) &&
        json_array_append_new(a, json_string(gov_role_name(i)))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* The body of GET /api/session for the caller (sess: its session or NULL
 * for a development token). NULL on error. */
static json_t *session_json(http_req_t *r, const char *user,
                            const session_t *sess, const session_opts_t *o) {
  unsigned mask = 0;
  lotse_err_t err = {0};
  if (gov_roles_of(r->w->st, user, &mask, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: %s", err.msg);
    return NULL;
  }
  json_t *b = json_pack(
      "{s:b,s:o,s:o,s:s,s:b}", "authenticated", 1, "user",
      server_json_text(user), "roles", roles_json(mask), "method",
      sess ? sess->method : "dev-token", "mfa", sess ? sess->mfa : 0);
  if (!b || add_user_details(r->w->st, user, b)) {
    json_decref(b);
    return NULL;
  }
  int rc = sess ? json_object_set_new(b, "csrf", json_string(sess->csrf)) |
                      json_object_set_new(b, "expires_at",
                                          json_integer(sess->expires_at)) |
                      json_object_set_new(b, "idle_timeout_s",
                                          json_integer(o->idle_s))
                : json_object_set_new(b, "csrf", json_null());
  if (rc) {
    json_decref(b);
    return NULL;
  }
  return b;
}

/* Whether single sign-on is set up, for the login page: {enabled, label}. */
static json_t *sso_json(http_req_t *r) {
  const char *label = NULL;
  int on = oidc_sso_enabled(r->srv->o.conf, &label);
  return on ? json_pack("{s:b,s:s}", "enabled", 1, "label", label)
            : json_pack("{s:b}", "enabled", 0);
}

enum MHD_Result route_session(http_req_t *r) {
  json_t *b = NULL;
  if (r->principal.user_id == 0) {
    b = json_pack("{s:b,s:n,s:n}", "authenticated", 0, "user", "csrf");
  } else {
    session_opts_t o;
    if (server_session_opts_or_reply(r, &o)) return r->result;
    b = session_json(r, r->principal.name,
                     r->has_session ? &r->session : NULL, &o);
  }
  if (!b || json_object_set_new(b, "sso", sso_json(r))) {
    json_decref(b);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  return server_reply_json(r, MHD_HTTP_OK, b);
}

/* "local" for the session method "passwort", else the method. */
static const char *audit_method(const char *method) {
  return method && strcmp(method, "passwort") == 0 ? "local" : method;
}

/* The session id in the request's lotse_session cookie into id (""
 * when there is none or it is malformed). */
static void cookie_session_id(http_req_t *r, char id[SESSION_ID_BUF * 2]) {
  const char *c = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_COOKIE);
  if (!c || session_cookie_find(c, SESSION_COOKIE, id, SESSION_ID_BUF * 2))
    id[0] = 0;
}

static int end_cookie_session(http_req_t *r, lotse_err_t *err) {
  char id[SESSION_ID_BUF * 2];
  cookie_session_id(r, id);
  return id[0] ? session_destroy(r->w->st, id, err) : 0;
}

enum MHD_Result server_session_login_reply(struct http_req *r,
                                           const char *user, int mfa,
                                           const char *method,
                                           const char *location,
                                           const char *id_token) {
  session_opts_t o;
  if (server_session_opts_or_reply(r, &o)) return r->result;
  lotse_err_t err = {0};
  char id[SESSION_ID_BUF], cookie[256];
  session_t sess;
  /* The session whose cookie this browser still sends ends now: one live
   * session per browser, and a fixed id never survives a login. */
  if (end_cookie_session(r, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: session: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  int rc = session_create(r->w->st, &o, user, mfa, method, lotse_now_unix(),
                          id, &sess, &err);
  if (rc == LOTSE_ENOTFOUND) {
    /* A known user without a session: the account is deactivated (the
     * store refuses its sessions). The provider vouched for the user, so
     * single sign-on says why; a password login is answered like a wrong
     * password, so a password of a deactivated account cannot be tested. */
    if (location)
      return oidc_fail_page(r, MHD_HTTP_FORBIDDEN, "account_disabled",
                            "Ihr Benutzerkonto ist in lotse deaktiviert; "
                            "bitte wenden Sie sich an die Administration");
    login_event_t ev = {.kind = LOGIN_EVENT_FAILURE, .user = user,
                        .user_known = login_audit_user_known(r->w->st, user),
                        .method = audit_method(method),
                        .reason = "account_disabled"};
    if (!ev.user_known) ev.reason = "unknown_user";
    if (login_audit(r->w->st, &ev, &err))
      lotse_log(LOTSE_LOG_ERROR, "server: audit: %s", err.msg);
    return server_reply_unauthorized(r, "Benutzername oder Passwort falsch");
  }
  if (!rc) rc = session_cookie_format(&o, id, cookie, sizeof cookie);
  if (!rc && id_token) oidc_session_remember(id, id_token);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: session: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  lotse_log(LOTSE_LOG_INFO, "server: login %s (%s%s)", user, method,
            mfa ? ", 2FA" : "");
  login_event_t ev = {.kind = LOGIN_EVENT_SUCCESS, .user = user,
                      .user_known = 1, .method = audit_method(method),
                      .mfa = mfa};
  if (login_audit(r->w->st, &ev, &err))
    lotse_log(LOTSE_LOG_ERROR, "server: audit: %s", err.msg);
  if (location) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp ||
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie) !=
            MHD_YES ||
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location) !=
            MHD_YES) {
      if (resp) MHD_destroy_response(resp);
      return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                "Interner Fehler");
    }
    return server_reply_response(r, MHD_HTTP_FOUND, "text/plain", resp);
  }
  json_t *b = session_json(r, user, &sess, &o);
  if (!b)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  return server_reply_json_cookie(r, MHD_HTTP_OK, b, cookie, 0);
}

/* -------------------------------------------------------------- logout */

enum MHD_Result route_logout(http_req_t *r) {
  session_opts_t o;
  if (server_session_opts_or_reply(r, &o)) return r->result;
  char cookie[128];
  char *redirect = NULL;
  if (r->has_session) {
    lotse_err_t err = {0};
    /* Single sign-on sessions end at the provider too (RP-Initiated
     * Logout): the web app follows the redirect. */
    char id[SESSION_ID_BUF * 2];
    cookie_session_id(r, id);
    if (strcmp(r->session.method, "oidc") == 0 &&
        oidc_logout_url(r, id, &redirect))
      return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                "Interner Fehler");
    if (end_cookie_session(r, &err)) {
      free(redirect);
      lotse_log(LOTSE_LOG_ERROR, "server: logout: %s", err.msg);
      return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                "Interner Fehler");
    }
    login_event_t ev = {.kind = LOGIN_EVENT_LOGOUT,
                        .user = r->session.user, .user_known = 1,
                        .method = audit_method(r->session.method)};
    if (login_audit(r->w->st, &ev, &err))
      lotse_log(LOTSE_LOG_ERROR, "server: audit: %s", err.msg);
  }
  json_t *b = json_pack("{s:b}", "logged_out", r->has_session);
  if (b && redirect &&
      json_object_set_new(b, "redirect", json_string(redirect))) {
    json_decref(b);
    b = NULL;
  }
  free(redirect);
  if (!b || session_cookie_format(&o, NULL, cookie, sizeof cookie)) {
    json_decref(b);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  return server_reply_json_cookie(r, MHD_HTTP_OK, b, cookie, 0);
}

/* --------------------------------------------------------------- login */

typedef struct login {
  const char *user, *password, *totp; /* point into body */
  char ukey[80], ikey[80];            /* lock-out keys */
  session_opts_t o;
  int64_t now, uid;
} login_t;

void server_client_addr(struct http_req *r, char *out, size_t n) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  char addr[INET6_ADDRSTRLEN] = "?";
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;
  if (sa && sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
              addr, sizeof addr);
  else if (sa && sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6,
              &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
              addr, sizeof addr);
  snprintf(out, n, "%s", addr);
}

static void client_key(http_req_t *r, char *out, size_t n) {
  char addr[INET6_ADDRSTRLEN + 1];
  server_client_addr(r, addr, sizeof addr);
  snprintf(out, n, "ip:%s", addr);
}

static int record(http_req_t *r, login_t *l, int ok);

/* One login failure (or a lock-out) in the audit trail. */
static void audit_failure(http_req_t *r, const login_t *l,
                          login_event_kind_t kind, const char *reason,
                          int64_t lock_s) {
  int known = login_audit_user_known(r->w->st, l->user);
  login_event_t ev = {.kind = kind,
                      .user = l->user,
                      .user_known = known,
                      .method = "local",
                      .reason = !known && !strcmp(reason, "bad_password")
                                    ? "unknown_user"
                                    : reason,
                      .client = l->ikey + 3, /* after "ip:" */
                      .lock_s = lock_s};
  lotse_err_t err = {0};
  if (login_audit(r->w->st, &ev, &err))
    lotse_log(LOTSE_LOG_ERROR, "server: audit: %s", err.msg);
}

/* A refused attempt: audited with reason, counted as a failure when
 * count is set, and a lock-out that this failure started audited too. */
static void refuse(http_req_t *r, login_t *l, const char *reason, int count) {
  audit_failure(r, l, LOGIN_EVENT_FAILURE, reason, 0);
  if (!count || record(r, l, 0)) return;
  int64_t wait = session_lock_remaining(r->w->st, l->ukey, l->now);
  int64_t wait_ip = session_lock_remaining(r->w->st, l->ikey, l->now);
  if (wait_ip > wait) wait = wait_ip;
  if (wait > 0) audit_failure(r, l, LOGIN_EVENT_LOCKOUT, "lockout", wait);
}

/* Record a failure (ok = 0) or success for both keys in one transaction. */
static int record(http_req_t *r, login_t *l, int ok) {
  lotse_err_t err = {0};
  store_t *st = r->w->st;
  int rc = store_begin(st, &err);
  if (!rc)
    rc = session_lock_record(st, &l->o, l->ukey, l->o.lock_after, ok, l->now,
                             &err);
  if (!rc)
    rc = session_lock_record(st, &l->o, l->ikey, l->o.lock_after_ip, ok,
                             l->now, &err);
  if (!rc) rc = store_commit(st, &err);
  if (rc) {
    store_rollback(st);
    lotse_log(LOTSE_LOG_ERROR, "server: login failures: %s", err.msg);
  }
  return rc;
}

static int parse_or_reply(http_req_t *r, json_t **body, login_t *l) {
  json_error_t je;
  *body = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je) : NULL;
  json_t *b = *body;
  const char *user = b ? json_string_value(json_object_get(b, "user")) : NULL;
  const char *pw = b ? json_string_value(json_object_get(b, "password")) : NULL;
  json_t *t = b ? json_object_get(b, "totp") : NULL;
  if (!json_is_object(b) || !user || !pw || (t && !json_is_string(t) &&
                                              !json_is_null(t))) {
    login_error(r, MHD_HTTP_BAD_REQUEST,
                "Erwartet wird JSON {\"user\", \"password\", \"totp\"?}", 0,
                0);
    return -1;
  }
  if (!*user || strlen(user) > USER_MAX || !lotse_utf8_valid(user,
                                                             strlen(user))) {
    login_error(r, MHD_HTTP_BAD_REQUEST, "Ungültiger Benutzername", 0, 0);
    return -1;
  }
  l->user = user;
  l->password = pw;
  l->totp = t && json_is_string(t) && *json_string_value(t)
                ? json_string_value(t)
                : NULL;
  snprintf(l->ukey, sizeof l->ukey, "user:%s", user);
  client_key(r, l->ikey, sizeof l->ikey);
  return 0;
}

/* 0 when no code is needed or the code is right; otherwise replied. */
static int second_factor_or_reply(http_req_t *r, login_t *l, int *mfa) {
  lotse_err_t err = {0};
  unsigned roles = 0;
  int enrolled = totp_enrolled(r->w->st, l->uid, &err);
  if (enrolled < 0 || gov_roles_of(r->w->st, l->user, &roles, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: login: %s", err.msg);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Interner Fehler");
    return -1;
  }
  int required = l->o.totp_all || (roles & l->o.totp_roles);
  *mfa = 0;
  if (!enrolled && !required) return 0;
  if (!enrolled) {
    refuse(r, l, "totp_not_enrolled", 0);
    login_error(r, MHD_HTTP_FORBIDDEN,
                "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben, "
                "aber noch nicht eingerichtet; bitte wenden Sie sich an die "
                "Administration",
                0, 0);
    return -1;
  }
  if (!l->totp) {
    refuse(r, l, "totp_required", 0);
    login_error(r, MHD_HTTP_UNAUTHORIZED,
                "Bitte den sechsstelligen Code aus Ihrer Authenticator-App "
                "eingeben",
                1, 0);
    return -1;
  }
  int ok = totp_check(r->w->st, l->uid, l->totp, l->now, &err);
  if (ok < 0) {
    lotse_log(LOTSE_LOG_ERROR, "server: login: %s", err.msg);
    refuse(r, l, "totp_unreadable", 0);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s",
                       ok == LOTSE_ECORRUPT
                           ? "Der Sicherheitscode kann nicht geprüft werden "
                             "(Schlüssel des Servers passt nicht); bitte "
                             "wenden Sie sich an die Administration"
                           : "Interner Fehler");
    return -1;
  }
  if (!ok) {
    refuse(r, l, "bad_totp", 1);
    login_error(r, MHD_HTTP_UNAUTHORIZED,
                "Code ungültig oder bereits verwendet", 1, 0);
    return -1;
  }
  *mfa = 1;
  return 0;
}

enum MHD_Result route_login(http_req_t *r) {
  login_t l;
  memset(&l, 0, sizeof l);
  json_t *body = NULL;
  if (server_session_opts_or_reply(r, &l.o) || parse_or_reply(r, &body, &l))
    goto out;
  l.now = lotse_now_unix();
  int64_t wait = session_lock_remaining(r->w->st, l.ukey, l.now);
  int64_t wait_ip = session_lock_remaining(r->w->st, l.ikey, l.now);
  if (wait_ip > wait) wait = wait_ip;
  if (wait > 0) {
    refuse(r, &l, "locked", 0);
    char msg[160];
    snprintf(msg, sizeof msg,
             "Zu viele fehlgeschlagene Anmeldungen; bitte in %lld Sekunden "
             "erneut versuchen",
             (long long)wait);
    login_error(r, MHD_HTTP_TOO_MANY_REQUESTS, msg, 0, wait);
    goto out;
  }
  lotse_err_t err = {0};
  int ok = password_check(r->w->st, l.user, l.password, &l.uid, &err);
  if (ok < 0) {
    lotse_log(LOTSE_LOG_ERROR, "server: login: %s", err.msg);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Interner Fehler");
    goto out;
  }
  if (!ok) {
    refuse(r, &l, "bad_password", 1);
    login_error(r, MHD_HTTP_UNAUTHORIZED, "Benutzername oder Passwort falsch",
                0, 0);
    goto out;
  }
  int mfa = 0;
  if (second_factor_or_reply(r, &l, &mfa)) goto out;
  record(r, &l, 1);
  server_session_login_reply(r, l.user, mfa, "passwort", NULL, NULL);
out:
  json_decref(body);
  return r->result;
}
