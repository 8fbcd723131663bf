/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_training.c — `lotse training add|grant|list`: the catalogue of
 * trainings that applications may require, and who completed which one
 * when (gov/registry.h). The runtime gate refuses users whose required
 * training is missing or expired.
 */
#include "cli/cli.h"
#include "gov/registry.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OPT_TITLE = 256, OPT_VALID_DAYS, OPT_USER, OPT_DATE, OPT_EXPIRES,
       OPT_JSON };

const cli_opt_t cmd_training_opts[] = {
    {"title", OPT_TITLE, "TEXT", "Titel der Schulung (add)"},
    {"valid-days", OPT_VALID_DAYS, "TAGE",
     "Gültigkeit eines Abschlusses in Tagen, 0 = unbegrenzt (add)"},
    {"user", OPT_USER, "NAME", "Benutzer (grant; list: dessen Abschlüsse)"},
    {"date", OPT_DATE, "JJJJ-MM-TT", "Abschlussdatum (grant; Standard: heute)"},
    {"expires", OPT_EXPIRES, "JJJJ-MM-TT",
     "Ablaufdatum (grant; Standard: aus der Gültigkeit der Schulung)"},
    {"json", OPT_JSON, NULL, "als JSON-Zeilen ausgeben (list)"},
    {0, 0, 0, 0}};

/* YYYY-MM-DD as unix seconds (UTC midnight); -1 when malformed. */
static int64_t parse_date(const char *s) {
  struct tm tm = {0};
  char *end = strptime(s, "%Y-%m-%d", &tm);
  if (!end || *end) return -1;
  time_t t = timegm(&tm);
  return t < 0 ? -1 : (int64_t)t;
}

static void fmt_date(int64_t t, char *buf, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, n, "%Y-%m-%d", &tm);
}

static int list(cli_ctx_t *ctx, const char *user, int as_json) {
  lotse_err_t err = {0};
  json_t *a = NULL;
  if (gov_training_list_json(ctx->st, user, &a, &err)) return cli_fail(&err);
  size_t i;
  json_t *it;
  json_array_foreach(a, i, it) {
    if (as_json) {
      char *line = json_dumps(it, JSON_COMPACT);
      if (line) printf("%s\n", line);
      free(line);
      continue;
    }
    const char *id = json_string_value(json_object_get(it, "id"));
    const char *title = json_string_value(json_object_get(it, "title"));
    if (!user) {
      json_int_t d = json_integer_value(json_object_get(it, "valid_days"));
      char valid[32] = "unbegrenzt gültig";
      if (d) snprintf(valid, sizeof valid, "gültig %lld Tage", (long long)d);
      printf("%-24s %-40s %s\n", id, title, valid);
      continue;
    }
    char done[16], exp[16] = "unbegrenzt";
    fmt_date(json_integer_value(json_object_get(it, "completed_at")), done,
             sizeof done);
    const json_t *e = json_object_get(it, "expires_at");
    if (json_is_integer(e)) fmt_date(json_integer_value(e), exp, sizeof exp);
    printf("%-24s abgeschlossen %s, gültig bis %s\n", id, done, exp);
  }
  if (!as_json && !json_array_size(a)) printf("(keine Einträge)\n");
  json_decref(a);
  return CLI_EXIT_OK;
}

typedef struct tr_args {
  const char *title, *user, *date, *expires;
  long valid_days;
  int json;
} tr_args_t;

static int parse(int argc, char **argv, const cli_cmd_t *cmd, tr_args_t *a) {
  int c;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_TITLE: a->title = val; break;
    case OPT_USER: a->user = val; break;
    case OPT_DATE: a->date = val; break;
    case OPT_EXPIRES: a->expires = val; break;
    case OPT_JSON: a->json = 1; break;
    case OPT_VALID_DAYS:
      a->valid_days = strtol(val, &end, 10);
      if (*end || end == val || a->valid_days < 0)
        return cli_usage_error(cmd, "--valid-days braucht eine Zahl >= 0");
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  return -1;
}

static int grant(cli_ctx_t *ctx, const cli_cmd_t *cmd, const char *id,
                 const tr_args_t *a) {
  if (!a->user) return cli_usage_error(cmd, "--user fehlt");
  int64_t done = a->date ? parse_date(a->date) : lotse_now_unix();
  int64_t exp = a->expires ? parse_date(a->expires) : 0;
  if (done < 0 || exp < 0)
    return cli_usage_error(cmd, "Datum im Format JJJJ-MM-TT angeben");
  lotse_err_t err = {0};
  if (gov_training_grant(ctx->st, a->user, id, done, exp, "cli", &err))
    return cli_fail(&err);
  printf("Schulung %s für %s eingetragen\n", id, a->user);
  return CLI_EXIT_OK;
}

int cmd_training(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("training");
  tr_args_t a = {0};
  int rc = parse(argc, argv, cmd, &a);
  if (rc >= 0) return rc;
  int n = argc - optind;
  const char *sub = n >= 1 ? argv[optind] : "";
  int list_cmd = !strcmp(sub, "list");
  if (!list_cmd && strcmp(sub, "add") != 0 && strcmp(sub, "grant") != 0)
    return cli_usage_error(cmd, "Unterbefehl add, grant oder list angeben");
  if (n != (list_cmd ? 1 : 2))
    return cli_usage_error(cmd, list_cmd ? "'list' erwartet keine Kennung"
                                         : "genau eine Schulungskennung angeben");
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  if (list_cmd) return list(ctx, a.user, a.json);
  const char *id = argv[optind + 1];
  if (!strcmp(sub, "grant")) return grant(ctx, cmd, id, &a);
  if (!a.title) return cli_usage_error(cmd, "--title fehlt");
  if (a.valid_days > 3660)
    return cli_usage_error(cmd, "--valid-days höchstens 3660");
  if (gov_training_add(ctx->st, id, a.title, (int)a.valid_days, &err))
    return cli_fail(&err);
  printf("Schulung gespeichert: %s\n", id);
  return CLI_EXIT_OK;
}
