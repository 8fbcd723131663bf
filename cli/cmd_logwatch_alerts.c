/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_alerts.c — `lotse logwatch alerts`: the alerts of the
 * anomaly detection (analytics/logwatch/alerts.h) stored in the workspace's
 * logwatch.db by `lotse logwatch ingest`, filtered by time, severity,
 * source and kind; `--summarize ID` asks the language model for a summary
 * of one alert, only through the governance gate (an approved application,
 * a named user), which becomes a labelled draft.
 *
 * Exit: 0 done; 1 error; 2 usage; 3 refused by the gate.
 */
#include "analytics/logwatch/alerts.h"
#include "cli/cli_llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_REFUSED 3

enum { OPT_JSON = 256, OPT_SINCE, OPT_SEVERITY, OPT_SOURCE, OPT_KIND,
       OPT_LIMIT, OPT_SUMMARIZE, OPT_APP, OPT_USER };

static const cli_opt_t opts[] = {
    {"json", OPT_JSON, NULL, "als JSON-Zeilen ausgeben (eine Zeile je Alarm)"},
    {"since", OPT_SINCE, "ZEIT",
     "nur Alarme ab ZEIT: JJJJ-MM-TT[THH:MM] (UTC) oder z. B. 24h, 7d, 30m"},
    {"severity", OPT_SEVERITY, "STUFE",
     "nur Alarme mindestens dieser Stufe: niedrig, mittel, hoch"},
    {"source", OPT_SOURCE, "QUELLE", "nur Alarme dieser Quelle"},
    {"kind", OPT_KIND, "ART",
     "nur diese Art: new_template, burst, rare_sequence"},
    {"limit", OPT_LIMIT, "N", "höchstens N Alarme, neueste zuerst (Standard 100)"},
    {"summarize", OPT_SUMMARIZE, "ID",
     "Alarm ID vom Sprachmodell zusammenfassen lassen (über die KI-Freigabe)"},
    {"app", OPT_APP, "ID", "freigegebene Anwendung für --summarize"},
    {"user", OPT_USER, "NAME", "Benutzer, der die Zusammenfassung anfordert"},
    CLI_LLM_OPTS,
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_logwatch_alerts_def = {
    "logwatch alerts", run, "lotse logwatch alerts [OPTIONEN]",
    "Alarme der Anomalieerkennung anzeigen oder zusammenfassen lassen", opts,
    0};

typedef struct al_args {
  lw_alerts_filter f;
  const char *since, *app, *user;
  int json;
  int64_t summarize;
  cli_llm_t llm;
} al_args;

static int parse_opt(al_args *a, const cli_cmd_t *cmd, int c, char *val) {
  int rc = cli_llm_opt(&a->llm, cmd, c, val);
  if (rc != 1) return rc;
  uint64_t n;
  switch (c) {
  case OPT_JSON: a->json = 1; return 0;
  case OPT_SINCE: a->since = val; return 0;
  case OPT_SOURCE: a->f.source = val; return 0;
  case OPT_APP: a->app = val; return 0;
  case OPT_USER: a->user = val; return 0;
  case OPT_SEVERITY:
    if (!(a->f.min_severity = lw_severity_parse(val)))
      return cli_usage_error(cmd, "--severity: niedrig, mittel oder hoch angeben");
    return 0;
  case OPT_KIND:
    if (!lw_alert_kind_parse(val))
      return cli_usage_error(cmd, "--kind: new_template, burst oder "
                                  "rare_sequence angeben");
    a->f.kind = val;
    return 0;
  case OPT_LIMIT:
    if (cli_parse_u64(cmd, "--limit", val, &n)) return CLI_EXIT_USAGE;
    if (n < 1 || n > 100000)
      return cli_usage_error(cmd, "--limit zwischen 1 und 100000 angeben");
    a->f.limit = (size_t)n;
    return 0;
  case OPT_SUMMARIZE:
    if (cli_parse_u64(cmd, "--summarize", val, &n)) return CLI_EXIT_USAGE;
    if (n < 1 || n > INT64_MAX)
      return cli_usage_error(cmd, "--summarize braucht die Nummer eines Alarms");
    a->summarize = (int64_t)n;
    return 0;
  case 'h': cli_usage(cmd, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

static void print_human(const json_t *o) {
  const char *first = json_string_value(json_object_get(o, "first"));
  printf("#%lld  [%s]  %s  %s  %lld×", (long long)json_integer_value(
                                           json_object_get(o, "id")),
         json_string_value(json_object_get(o, "severity")),
         json_string_value(json_object_get(o, "kind")),
         json_string_value(json_object_get(o, "source")),
         (long long)json_integer_value(json_object_get(o, "count")));
  if (first) printf("  ab %s", first);
  if (json_is_true(json_object_get(o, "open"))) printf("  (läuft noch)");
  printf("\n  %s\n", json_string_value(json_object_get(o, "explanation")));
  const json_t *ev = json_object_get(o, "evidence");
  size_t i;
  const json_t *e;
  json_array_foreach(ev, i, e) {
    if (i == 3) {
      printf("  … %zu weitere Belegzeilen (--json zeigt alle)\n",
             json_array_size(ev) - 3);
      break;
    }
    printf("  Zeile %lld: %.200s\n",
           (long long)json_integer_value(json_object_get(e, "line")),
           json_string_value(json_object_get(e, "text")));
  }
}

static int list(const al_args *a, sqlite3 *db) {
  lotse_err_t err = {0};
  json_t *arr = NULL;
  if (db && lw_alerts_list_json(db, &a->f, &arr, &err)) return cli_fail(&err);
  if (!arr && !(arr = json_array())) return CLI_EXIT_FAIL;
  size_t i;
  json_t *o;
  json_array_foreach(arr, i, o) {
    if (a->json) {
      char *s = json_dumps(o, JSON_COMPACT);
      if (s) puts(s);
      free(s);
    } else {
      print_human(o);
    }
  }
  if (!a->json && !json_array_size(arr)) printf("(keine Alarme)\n");
  json_decref(arr);
  return CLI_EXIT_OK;
}

static int summarize(cli_ctx_t *ctx, al_args *a, const json_t *alert) {
  lotse_err_t err = {0};
  store_principal_t p;
  llm_backend_t *b = NULL;
  gov_ctx_t *gc = NULL;
  if (cli_principal(ctx, a->user, &p, &err)) return cli_fail(&err);
  if (cli_llm_open_conf(&a->llm, ctx->conf, &b, &err)) return cli_llm_fail(&err);
  gov_ctx_opts_t go = {.store = ctx->st, .workspace = ctx->workspace, .llm = b};
  lw_summary s;
  lw_summary_req r = {.app = a->app, .user = &p, .alert = alert};
  int rc = gov_ctx_open(&go, &gc, &err);
  if (!rc) rc = lw_alert_summarize(gc, &r, &s, &err);
  int exit_code = CLI_EXIT_OK;
  if (rc == LOTSE_EREFUSED && s.decision.reason != GOV_REFUSE_NONE) {
    fprintf(stderr, "lotse: abgelehnt: %s\n", s.decision.message);
    exit_code = EXIT_REFUSED;
  } else if (rc == LOTSE_EUNSUPPORTED) {
    fprintf(stderr, "lotse: kein Sprachmodell eingerichtet (-m DATEI oder "
                    "llm.model in lotse.conf)\n");
    exit_code = CLI_EXIT_FAIL;
  } else if (rc) {
    exit_code = cli_fail(&err);
  } else if (a->json) {
    json_t *o = json_pack("{s:I, s:I, s:s, s:s}", "alert",
                          json_integer_value(json_object_get(alert, "id")),
                          "draft", (json_int_t)s.draft_id, "label",
                          GOV_DRAFT_LABEL, "text", s.text ? s.text : "");
    char *js = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (js) puts(js);
    free(js);
    json_decref(o);
  } else {
    printf("%s\n\n%s (Entwurf %lld)\n", s.text ? s.text : "", GOV_DRAFT_LABEL,
           (long long)s.draft_id);
  }
  if (!rc) lw_summary_release(&s);
  gov_ctx_free(gc);
  llm_close(b);
  return exit_code;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = &cmd_logwatch_alerts_def;
  al_args a = {0};
  a.f.limit = 100;
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    int rc = parse_opt(&a, cmd, c, val);
    if (rc < 0) return CLI_EXIT_OK;
    if (rc) return rc;
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unerwartetes Argument '%s'", argv[optind]);
  if (a.summarize && (!a.app || !a.user))
    return cli_usage_error(cmd, "--summarize braucht --app und --user");
  if (!a.summarize && (a.app || a.user))
    return cli_usage_error(cmd, "--app und --user gelten nur mit --summarize");
  if (a.since && lw_alerts_parse_since(a.since, lotse_now_unix() * 1000,
                                       &a.f.since_ms))
    return cli_usage_error(cmd, "--since: JJJJ-MM-TT[THH:MM] oder z. B. 24h, "
                                "7d, 30m angeben");
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  sqlite3 *db = NULL;
  if (lw_alerts_open_ro(ctx->workspace, &db, &err)) return cli_fail(&err);
  if (!a.summarize) {
    int rc = list(&a, db);
    sqlite3_close(db);
    return rc;
  }
  json_t *arr = NULL;
  lw_alerts_filter one = {.id = a.summarize, .limit = 1};
  int rc = db ? lw_alerts_list_json(db, &one, &arr, &err) : 0;
  sqlite3_close(db);
  if (rc) return cli_fail(&err);
  const json_t *alert = json_array_get(arr, 0);
  if (!alert) {
    json_decref(arr);
    fprintf(stderr, "lotse: kein Alarm mit der Nummer %lld\n",
            (long long)a.summarize);
    return CLI_EXIT_FAIL;
  }
  rc = summarize(ctx, &a, alert);
  json_decref(arr);
  return rc;
}
