/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/auth.c — who is calling.
 *
 * Contract: without an Authorization header the caller is the anonymous
 * public (store_principal_anonymous). "Authorization: Bearer dev:NAME"
 * names user NAME only when the server runs with development tokens; with
 * them off, or for any other scheme, the request is refused with 401 rather
 * than silently answered with anonymous rights, so a client never mistakes
 * the public view for its own.
 */
#include "server/server_internal.h"

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

int server_auth_principal_or_reply(http_req_t *r) {
  store_principal_anonymous(&r->principal);
  const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_AUTHORIZATION);
  if (!h) return 0;
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
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: %s", err.msg);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Interner Fehler");
    return -1;
  }
  return 0;
}
