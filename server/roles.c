/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/roles.c — governance roles as a precondition of a route, the
 * workspace folder of the served database, and a request's governance
 * context.
 *
 * Contract: server_roles_or_reply() answers 401 for the anonymous public
 * and 403 (with the caller's German reason) for a named user holding none
 * of the roles in mask; 500 when the roles cannot be read.
 */
#include "gov/gate.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

int server_roles_or_reply(http_req_t *r, unsigned mask, const char *anon_msg,
                          const char *forbidden_msg) {
  if (r->principal.user_id == 0) {
    server_reply_unauthorized(r, anon_msg);
    return -1;
  }
  unsigned have = 0;
  lotse_err_t err = {0};
  if (gov_roles_of(r->w->st, r->principal.name, &have, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: roles: %s", err.msg);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       "Rollen konnten nicht gelesen werden");
    return -1;
  }
  if (have & mask) return 0;
  server_reply_error(r, MHD_HTTP_FORBIDDEN, "%s", forbidden_msg);
  return -1;
}

char *server_workspace_dir(const char *db_path) {
  const char *slash = db_path ? strrchr(db_path, '/') : NULL;
  if (!slash) return lotse_strdup(".");
  if (slash == db_path) return lotse_strdup("/");
  return lotse_strndup(db_path, (size_t)(slash - db_path));
}

int server_gov_open(http_req_t *r, gov_ctx_t **gc, lotse_err_t *err) {
  char *ws = server_workspace_dir(r->srv->o.db_path);
  gov_ctx_opts_t go = {.store = r->w->st, .workspace = ws,
                       .llm = r->srv->o.llm};
  int rc = ws ? gov_ctx_open(&go, gc, err)
              : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  free(ws); /* the context keeps what it needs (the audit trail open) */
  return rc;
}
