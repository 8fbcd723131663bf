/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_user.c — `lotse user add NAME …`, `lotse user list`,
 * `lotse user grant|revoke NAME ROLLE…`, `lotse user passwd NAME` and
 * `lotse user totp enroll|disable NAME` and `lotse user deactivate|
 * reactivate NAME`: the principals that access rights are tested against,
 * their governance roles (gov/registry.h), their login credentials
 * (server/session.h: argon2id password, TOTP secret) and whether the
 * account may log in at all (gov/people_admin.h).
 */
#include "cli/cli.h"
#include "gov/audit.h"
#include "gov/people_admin.h"
#include "gov/registry.h"
#include "server/session.h"

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

static int wants_help(int argc, char **argv, int i, const cli_cmd_t *cmd) {
  for (; i < argc; i++)
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      cli_usage(cmd, stdout);
      return 1;
    }
  return 0;
}

/* passwd NAME: the password is the first line of stdin (never an argument,
 * which other users could read in the process list). */
static int passwd(int argc, char **argv, cli_ctx_t *ctx, const cli_cmd_t *cmd) {
  if (wants_help(argc, argv, 2, cmd)) return CLI_EXIT_OK;
  if (argc != 3)
    return cli_usage_error(cmd, "passwd braucht genau einen NAME; das "
                                "Passwort kommt aus der Standardeingabe");
  lotse_err_t err = {0};
  char *data = NULL;
  size_t len = 0;
  if (lotse_stream_read(stdin, 4096, &data, &len, &err)) return cli_fail(&err);
  size_t n = strcspn(data, "\r\n");
  data[n] = 0;
  int rc = cli_workspace_open(ctx, &err) ||
           password_set(ctx->st, argv[2], data, &err);
  memset(data, 0, len);
  free(data);
  if (rc) return cli_fail(&err);
  printf("Passwort von %s gesetzt; laufende Sitzungen beendet\n", argv[2]);
  return CLI_EXIT_OK;
}

/* totp enroll|disable NAME */
static int totp(int argc, char **argv, cli_ctx_t *ctx, const cli_cmd_t *cmd) {
  if (wants_help(argc, argv, 2, cmd)) return CLI_EXIT_OK;
  if (argc != 4 || (strcmp(argv[2], "enroll") && strcmp(argv[2], "disable")))
    return cli_usage_error(cmd, "Aufruf: lotse user totp enroll|disable NAME");
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  if (!strcmp(argv[2], "disable")) {
    if (totp_disable(ctx->st, argv[3], &err)) return cli_fail(&err);
    printf("Zwei-Faktor-Anmeldung für %s ausgeschaltet\n", argv[3]);
    return CLI_EXIT_OK;
  }
  char *uri;
  if (totp_enroll(ctx->st, argv[3], &uri, &err)) return cli_fail(&err);
  printf("%s\n", uri);
  free(uri);
  fprintf(stderr, "Diese Adresse (oder ihren QR-Code) einmalig in die "
                  "Authenticator-App übernehmen; ein früheres Geheimnis gilt "
                  "nicht mehr\n");
  return CLI_EXIT_OK;
}

/* The audit record of a change made on the command line: the actor is the
 * operating-system account ("cli:root"), since no lotse user is logged in
 * there; the same action names as the web administration (admin.*). */
static int audit_cli(cli_ctx_t *ctx, const char *actor, const char *action,
                     const char *name, lotse_err_t *err) {
  json_t *d = json_pack("{s:s, s:s}", "name", name, "via", "cli");
  char *details = d ? json_dumps(d, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
  json_decref(d);
  gov_audit_t *au = NULL;
  int rc = details ? gov_audit_open(ctx->workspace, 0, &au, err)
                   : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) {
    gov_audit_rec_t rec = {.actor = actor, .unit = "", .action = action,
                           .decision = GOV_AUDIT_DECISION_NONE,
                           .details_json = details};
    rc = gov_audit_append(au, &rec, NULL, err);
  }
  gov_audit_close(au);
  free(details);
  return rc;
}

/* deactivate|reactivate NAME: a deactivated account keeps its rows but its
 * sessions end and it cannot log in (gov_user_set_active). */
static int set_active(int argc, char **argv, cli_ctx_t *ctx,
                      const cli_cmd_t *cmd) {
  if (wants_help(argc, argv, 2, cmd)) return CLI_EXIT_OK;
  bool on = !strcmp(argv[1], "reactivate");
  if (argc != 3)
    return cli_usage_error(cmd, "%s braucht genau einen NAME", argv[1]);
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  char actor[96];
  const char *os = getenv("LOGNAME");
  snprintf(actor, sizeof actor, "cli:%s", os && *os ? os : "unbekannt");
  /* As in the web administration: the change and its audit record in one
   * transaction, so neither exists without the other. */
  int rc = store_begin(ctx->st, &err);
  if (!rc) rc = gov_user_set_active(ctx->st, argv[2], on, actor, &err);
  if (!rc)
    rc = audit_cli(ctx, actor,
                   on ? "admin.user_reactivate" : "admin.user_deactivate",
                   argv[2], &err);
  if (!rc) rc = store_commit(ctx->st, &err);
  if (rc) {
    store_rollback(ctx->st);
    return cli_fail(&err);
  }
  printf(on ? "%s wieder aktiv; Anmeldung möglich\n"
            : "%s deaktiviert; Sitzungen beendet, keine Anmeldung mehr\n",
         argv[2]);
  return CLI_EXIT_OK;
}

int cmd_user(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("user");
  if (argc >= 2 && !strcmp(argv[1], "list")) return list(ctx);
  if (argc >= 2 && !strcmp(argv[1], "passwd"))
    return passwd(argc, argv, ctx, cmd);
  if (argc >= 2 && !strcmp(argv[1], "totp")) return totp(argc, argv, ctx, cmd);
  if (argc >= 2 && (!strcmp(argv[1], "deactivate") ||
                    !strcmp(argv[1], "reactivate")))
    return set_active(argc, argv, ctx, cmd);
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
