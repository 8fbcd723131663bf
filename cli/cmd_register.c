/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_register.c — `lotse register export [OPTIONEN]`: the register of
 * AI applications as algorithm-register JSON (fields of the Dutch
 * Algoritmeregister standard; gov/kpi.h, gov/algoreg.c).
 */
#include "cli/cli.h"
#include "gov/kpi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_APP = 256, OPT_ALL, OPT_ORG, OPT_CONTACT, OPT_WEBSITE, OPT_PRETTY };

const cli_opt_t cmd_register_opts[] = {
    {"app", OPT_APP, "ID", "nur diese Anwendung (in jedem Status)"},
    {"all", OPT_ALL, NULL, "auch Anwendungen im Status Entwurf"},
    {"organisation", OPT_ORG, "NAME",
     "Organisation (Standard: register.organisation in lotse.conf)"},
    {"contact", OPT_CONTACT, "ADRESSE",
     "Kontakt, E-Mail oder https-Adresse (Standard: register.contact)"},
    {"website", OPT_WEBSITE, "URL",
     "öffentliche Seite zum Einsatz (Standard: register.website)"},
    {"pretty", OPT_PRETTY, NULL, "eingerückt ausgeben"},
    {0, 0, 0, 0}};

static const char *conf_or(const cli_ctx_t *ctx, const char *val,
                           const char *key) {
  if (val) return val;
  const char *v = lotse_conf_get(ctx->conf, key, NULL);
  return v && *v ? v : NULL;
}

int cmd_register(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("register");
  gov_algoreg_opts_t o = {0};
  const char *org = NULL, *contact = NULL, *website = NULL;
  int pretty = 0, c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_APP: o.app_id = val; break;
    case OPT_ALL: o.include_drafts = 1; break;
    case OPT_ORG: org = val; break;
    case OPT_CONTACT: contact = val; break;
    case OPT_WEBSITE: website = val; break;
    case OPT_PRETTY: pretty = 1; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind >= argc) return cli_usage_error(cmd, "Unterbefehl fehlt (export)");
  if (strcmp(argv[optind], "export"))
    return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", argv[optind]);
  if (optind + 1 != argc) return cli_usage_error(cmd, "zu viele Argumente");
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  o.organisation = conf_or(ctx, org, "register.organisation");
  o.contact = conf_or(ctx, contact, "register.contact");
  o.website = conf_or(ctx, website, "register.website");
  o.provider = conf_or(ctx, NULL, "register.provider");
  if (!o.organisation || !o.contact)
    fprintf(stderr, "lotse register: Hinweis: %s fehlt (--%s oder %s in "
            "lotse.conf); das Feld bleibt leer\n",
            !o.organisation ? "Organisation" : "Kontakt",
            !o.organisation ? "organisation" : "contact",
            !o.organisation ? "register.organisation" : "register.contact");
  json_t *arr;
  if (gov_algoreg_export(ctx->st, &o, &arr, &err)) return cli_fail(&err);
  char *s = json_dumps(arr, pretty ? JSON_INDENT(2) : JSON_COMPACT);
  json_decref(arr);
  if (!s) return cli_fail(&(lotse_err_t){LOTSE_ENOMEM, "out of memory"});
  puts(s);
  free(s);
  return CLI_EXIT_OK;
}
