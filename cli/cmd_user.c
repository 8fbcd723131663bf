/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_user.c — `lotse user add NAME …`, `lotse user list` and
 * `lotse user grant|revoke NAME ROLLE…`: the principals that access rights
 * are tested against until login exists, and their governance roles
 * (gov/registry.h).
 */
#include "cli/cli.h"
#include "gov/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_DISPLAY = 256, OPT_UNIT, OPT_CLEARANCE };

const cli_opt_t cmd_user_opts[] = {
    {"display", OPT_DISPLAY, "NAME", "Anzeigename"},
    {"unit", OPT_UNIT, "EINHEIT", "Organisationseinheit"},
    {"clearance", OPT_CLEARANCE, "KLASSEN",
     "freigegebene Datenklassen, z. B. offen,intern (Standard: offen,intern)"},
    {"group", 'g', "GRUPPE", "Gruppe (mehrfach oder durch Komma getrennt)"},
    {0, 0, 0, 0}};

static int list(cli_ctx_t *ctx) {
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(ctx->st),
                         "SELECT u.name, u.display_name, coalesce(n.name,''), "
                         "u.clearance, coalesce((SELECT group_concat(g.name, ',') "
                         "FROM user_groups ug JOIN groups g ON g.id = "
                         "ug.group_id WHERE ug.user_id = u.id), ''), "
                         "coalesce((SELECT group_concat(r.role, ',') FROM "
                         "gov_roles r WHERE r.user_id = u.id), '') "
                         "FROM users u LEFT JOIN units n ON n.id = u.unit_id "
                         "ORDER BY u.name",
                         -1, &s, NULL) != SQLITE_OK) {
    store_err_db(ctx->st, &err, "users");
    return cli_fail(&err);
  }
  while (sqlite3_step(s) == SQLITE_ROW) {
    unsigned cl = (unsigned)sqlite3_column_int(s, 3);
    char classes[96] = "";
    for (int i = 0; i < STORE_CLASS_COUNT; i++)
      if (cl & STORE_CLASS_BIT(i)) {
        if (*classes) strcat(classes, ",");
        strcat(classes, store_class_name(i));
      }
    printf("%-16s %-28s Einheit: %-16s Klassen: %-40s Gruppen: %s%s%s\n",
           sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
           sqlite3_column_text(s, 2), classes, sqlite3_column_text(s, 4),
           sqlite3_column_bytes(s, 5) ? " Rollen: " : "",
           sqlite3_column_text(s, 5));
  }
  sqlite3_finalize(s);
  return CLI_EXIT_OK;
}

/* grant|revoke NAME ROLLE...: every role is checked before any is stored. */
static int roles(int argc, char **argv, cli_ctx_t *ctx, const cli_cmd_t *cmd) {
  int grant = !strcmp(argv[1], "grant");
  if (argc >= 3 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
    cli_usage(cmd, stdout);
    return CLI_EXIT_OK;
  }
  if (argc < 4)
    return cli_usage_error(cmd, "%s braucht NAME und mindestens eine ROLLE",
                           argv[1]);
  for (int i = 3; i < argc; i++)
    if (gov_role_parse(argv[i]) < 0)
      return cli_usage_error(cmd,
                             "unbekannte Rolle '%s' (ki_koordination, "
                             "fachdienstleitung, datenschutz, "
                             "informationssicherheit, personalrat, "
                             "ethik_beirat, auditor, admin)",
                             argv[i]);
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err) || store_begin(ctx->st, &err))
    return cli_fail(&err);
  int rc = 0;
  for (int i = 3; i < argc && !rc; i++)
    rc = grant ? gov_role_grant(ctx->st, argv[2], argv[i], "cli", &err)
               : gov_role_revoke(ctx->st, argv[2], argv[i], &err);
  if (!rc) rc = store_commit(ctx->st, &err);
  if (rc) {
    store_rollback(ctx->st);
    return cli_fail(&err);
  }
  printf("Rollen von %s %s\n", argv[2], grant ? "erteilt" : "entzogen");
  return CLI_EXIT_OK;
}

int cmd_user(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("user");
  if (argc >= 2 && !strcmp(argv[1], "list")) return list(ctx);
  if (argc >= 2 && (!strcmp(argv[1], "grant") || !strcmp(argv[1], "revoke")))
    return roles(argc, argv, ctx, cmd);
  if (argc >= 2 && argv[1][0] != '-') {
    if (strcmp(argv[1], "add") != 0)
      return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", argv[1]);
    argv++;
    argc--;
  }
  const char *display = NULL, *unit = NULL;
  int clearance = STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                  STORE_CLASS_BIT(STORE_CLASS_INTERN);
  lotse_strv_t groups = {0};
  int c, rc = -1;
  char *val;
  while (rc < 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_DISPLAY: display = val; break;
    case OPT_UNIT: unit = val; break;
    case OPT_CLEARANCE:
      clearance = store_class_mask_parse(val);
      if (clearance < 0)
        rc = cli_usage_error(cmd, "unbekannte Datenklasse in '%s'", val);
      break;
    case 'g':
      if (cli_split_list(&groups, val)) rc = CLI_EXIT_FAIL;
      break;
    case 'h': cli_usage(cmd, stdout); rc = CLI_EXIT_OK; break;
    default: rc = CLI_EXIT_USAGE;
    }
  }
  if (rc < 0 && argc - optind != 1)
    rc = cli_usage_error(cmd, "genau einen Benutzernamen angeben");
  if (rc < 0) {
    lotse_err_t err = {0};
    if (cli_workspace_open(ctx, &err) ||
        store_user_put(ctx->st, argv[optind], display, unit,
                       (unsigned)clearance, (const char *const *)groups.v,
                       groups.n, &err))
      rc = cli_fail(&err);
    else {
      printf("Benutzer gespeichert: %s\n", argv[optind]);
      rc = CLI_EXIT_OK;
    }
  }
  lotse_strv_release(&groups);
  return rc;
}
