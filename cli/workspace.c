/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/workspace.c — finding and opening the workspace: DIR/lotse.db and
 * DIR/lotse.conf.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_workspace_default(void) {
  const char *h = getenv("LOTSE_HOME");
  return (h && *h) ? h : "./lotse-data";
}

int cli_workspace_open(cli_ctx_t *ctx, lotse_err_t *err) {
  char db[4096], conf[4096];
  snprintf(conf, sizeof conf, "%s/lotse.conf", ctx->workspace);
  snprintf(db, sizeof db, "%s/lotse.db", ctx->workspace);
  if (!lotse_path_is_dir(ctx->workspace))
    return lotse_err_set(err, LOTSE_ENOTFOUND,
                         "Arbeitsbereich '%s' nicht gefunden; zuerst "
                         "'lotse init %s' ausführen",
                         ctx->workspace, ctx->workspace);
  int rc = lotse_conf_load(conf, &ctx->conf, err);
  if (rc == LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc,
                         "'%s' ist kein Arbeitsbereich (lotse.conf fehlt); "
                         "zuerst 'lotse init %s' ausführen",
                         ctx->workspace, ctx->workspace);
  if (rc) return rc;
  return store_open(db, &ctx->st, err);
}

void cli_workspace_close(cli_ctx_t *ctx) {
  store_close(ctx->st);
  ctx->st = NULL;
  lotse_conf_free(ctx->conf);
  ctx->conf = NULL;
}

int cli_principal(cli_ctx_t *ctx, const char *user, store_principal_t *p,
                  lotse_err_t *err) {
  if (!user) {
    store_principal_anonymous(p);
    return 0;
  }
  int rc = store_principal_load(ctx->st, user, p, err);
  if (rc == LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc, "unbekannter Benutzer '%s'", user);
  return rc;
}
