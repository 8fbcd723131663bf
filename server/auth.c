/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/auth.c — who is calling.
 *
 * Contract: "Authorization: Bearer dev:NAME" names user NAME only when the
 * server runs with development tokens; with them off, or for any other
 * scheme, the request is refused with 401 rather than silently answered
 * with anonymous rights, so a client never mistakes the public view for its
 * own. Without an Authorization header, a lotse_session cookie names the
 * session's user (server/session.c); a cookie of an ended or unknown
 * session is 401 and cleared, again never anonymous. A request with the
 * cookie and a method other than GET/HEAD must carry the session's
 * X-CSRF-Token, else 403 before the handler runs. With neither, the caller
 * is the anonymous public (store_principal_anonymous).
 */
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEV_PREFIX "dev:"

/* NAME of "Bearer dev:NAME", or NULL when the header has another form. */
static const char *dev_token_user(const char *h) {
  if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
    return NULL;
  h += 6;
  while (*h == ' ' || *h == '\t') h++;
  if (strncmp(h, DEV_PREFIX, strlen(DEV_PREFIX)) != 0) return NULL;
  return h + strlen(DEV_PREFIX);
}

static int user_name_ok(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n >= sizeof(((store_principal_t *)0)->name)) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)name[i] < 0x21 || name[i] == 0x7f) return 0;
  return lotse_utf8_valid(name, n);
}

static int internal_error(http_req_t *r, const lotse_err_t *err) {
  lotse_log(LOTSE_LOG_ERROR, "server: %s", err->msg);
  server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Interner Fehler");
  return -1;
}

/* 401 for a session cookie that names no live session; clears it. */
static int session_ended(http_req_t *r, const session_opts_t *o) {
  char cookie[128];
  json_t *body = json_pack(
      "{s:{s:i,s:s,s:s}}", "error", "code", 401, "message",
      "Sitzung abgelaufen oder unbekannt; bitte erneut anmelden", "type",
      "unauthorized");
  if (session_cookie_format(o, NULL, cookie, sizeof cookie)) cookie[0] = 0;
  server_reply_json_cookie(r, MHD_HTTP_UNAUTHORIZED, body,
                           cookie[0] ? cookie : NULL, 0);
  return -1;
}

static int safe_method(const char *m) {
  return !strcmp(m, MHD_HTTP_METHOD_GET) || !strcmp(m, MHD_HTTP_METHOD_HEAD);
}

static int session_principal_or_reply(http_req_t *r, const char *id) {
  session_opts_t o;
  if (server_session_opts_or_reply(r, &o)) return -1;
  lotse_err_t err = {0};
  int rc = session_lookup(r->w->st, &o, id, lotse_now_unix(), &r->session,
                          &err);
  if (rc == LOTSE_ENOTFOUND) return session_ended(r, &o);
  if (rc) return internal_error(r, &err);
  rc = store_principal_load(r->w->st, r->session.user, &r->principal, &err);
  if (rc == LOTSE_ENOTFOUND) return session_ended(r, &o);
  if (rc) return internal_error(r, &err);
  if (!safe_method(r->method)) {
    const char *t = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                "X-CSRF-Token");
    if (!session_csrf_ok(&r->session, t)) {
      store_principal_anonymous(&r->principal);
      server_reply_error(r, MHD_HTTP_FORBIDDEN,
                         "CSRF-Token fehlt oder ist falsch (Kopfzeile "
                         "X-CSRF-Token, Wert aus GET /api/session)");
      return -1;
    }
  }
  r->has_session = 1;
  return 0;
}

int server_auth_principal_or_reply(http_req_t *r) {
  store_principal_anonymous(&r->principal);
  r->has_session = 0;
  const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_AUTHORIZATION);
  if (!h) {
    const char *c = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_COOKIE);
    char id[SESSION_ID_BUF * 2];
    int rc = c ? session_cookie_find(c, SESSION_COOKIE, id, sizeof id)
               : LOTSE_ENOTFOUND;
    if (rc == LOTSE_ENOTFOUND) return 0;
    if (rc) id[0] = 0; /* too long: no session has such an id */
    return session_principal_or_reply(r, id);
  }
  const char *user = dev_token_user(h);
  if (!user) {
    server_reply_unauthorized(
        r, "Anmeldeverfahren nicht unterstützt; ohne Authorization-Kopfzeile "
           "gelten die Rechte der Öffentlichkeit");
    return -1;
  }
  if (!r->srv->o.dev_tokens) {
    server_reply_unauthorized(
        r, "Entwicklungs-Token sind ausgeschaltet (server.dev_tokens = off)");
    return -1;
  }
  lotse_err_t err = {0};
  int rc = user_name_ok(user)
               ? store_principal_load(r->w->st, user, &r->principal, &err)
               : LOTSE_ENOTFOUND;
  if (rc == LOTSE_ENOTFOUND) {
    server_reply_unauthorized(r, "Unbekannter Benutzer im Entwicklungs-Token");
    return -1;
  }
  if (rc) return internal_error(r, &err);
  return 0;
}
