/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_kpi.c — `lotse kpi [--json] [--since T] [--until T] [--app ID]`:
 * KPIs per application from the audit trail (gov/kpi.h). Reads the trail
 * read-only; a workspace without one shows no applications.
 */
#include "cli/cli.h"
#include "gov/audit.h"
#include "gov/kpi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_JSON = 256, OPT_SINCE, OPT_UNTIL, OPT_APP };

const cli_opt_t cmd_kpi_opts[] = {
    {"json", OPT_JSON, NULL, "als JSON ausgeben"},
    {"since", OPT_SINCE, "ZEIT",
     "ab diesem Zeitpunkt (2026-03-01, 2026-03-01T08:00Z, 30d, 12h)"},
    {"until", OPT_UNTIL, "ZEIT", "bis vor diesen Zeitpunkt"},
    {"app", OPT_APP, "ID", "nur diese Anwendung"},
    {0, 0, 0, 0}};

static void print_rate(const gov_kpi_app_t *k) {
  char buf[64];
  if (k->drafts < 0)
    snprintf(buf, sizeof buf, "unbekannt");
  else if (k->drafts == 0)
    snprintf(buf, sizeof buf, "keine Entwürfe");
  else
    snprintf(buf, sizeof buf, "%lld/%lld (%.0f %%)", (long long)k->drafts_signed,
             (long long)k->drafts, k->signoff_rate * 100);
  printf(" %18s", buf);
}

static void print_row(const char *name, const gov_kpi_app_t *k) {
  printf("%-20s %8lld %8lld %9lld", name, (long long)k->users,
         (long long)k->calls, (long long)k->refusals);
  print_rate(k);
  if (k->latency_median_ms < 0)
    printf(" %10s\n", "–");
  else
    printf(" %7.0f ms\n", k->latency_median_ms);
  if (k->nreasons) {
    printf("  Ablehnungen nach Grund:");
    for (size_t i = 0; i < k->nreasons; i++)
      printf("%s %s %lld", i ? "," : "", k->reasons[i].code,
             (long long)k->reasons[i].count);
    putchar('\n');
  }
}

static void print_report(const gov_kpi_report_t *r) {
  char a[21], b[21];
  gov_kpi_format_time(r->since_ms, a);
  gov_kpi_format_time(r->until_ms, b);
  printf("Kennzahlen aus dem Prüfprotokoll (Zeitraum: %s%s%s%s)\n\n",
         r->since_ms ? "ab " : "", r->since_ms ? a : "",
         r->until_ms ? (r->since_ms ? " bis vor " : "bis vor ") : "",
         r->until_ms ? b : (r->since_ms ? "" : "gesamt"));
  if (!r->napps) {
    printf("Keine Aufrufe im Zeitraum.\n");
  } else {
    printf("%-20s %8s %8s %9s %18s %10s\n", "Anwendung", "Nutzende",
           "Aufrufe", "abgelehnt", "freigezeichnet", "Median");
    for (size_t i = 0; i < r->napps; i++)
      print_row(r->apps[i].app_id, &r->apps[i]);
    if (r->napps > 1) print_row("Gesamt", &r->total);
  }
  if (r->apps_total >= 0)
    printf("\nRegister: %lld Anwendungen, davon %lld freigegeben\n",
           (long long)r->apps_total, (long long)r->apps_approved);
}

static int parse_time_opt(const cli_cmd_t *cmd, const char *opt,
                          const char *val, int64_t *ms) {
  lotse_err_t err = {0};
  if (gov_kpi_parse_time(val, lotse_now_unix() * 1000, ms, &err) == 0)
    return 0;
  return cli_usage_error(cmd, "--%s: %s", opt, err.msg);
}

int cmd_kpi(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("kpi");
  int json = 0, c;
  gov_kpi_query_t q = {0};
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_APP: q.app_id = val; break;
    case OPT_SINCE:
      if (parse_time_opt(cmd, "since", val, &q.since_ms)) return CLI_EXIT_USAGE;
      break;
    case OPT_UNTIL:
      if (parse_time_opt(cmd, "until", val, &q.until_ms)) return CLI_EXIT_USAGE;
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  if (q.since_ms && q.until_ms && q.until_ms <= q.since_ms)
    return cli_usage_error(cmd, "--until muss nach --since liegen");
  lotse_err_t err = {0};
  gov_audit_t *audit = NULL;
  gov_kpi_report_t *r = NULL;
  if (cli_workspace_open(ctx, &err) ||
      gov_audit_open(ctx->workspace, GOV_AUDIT_RDONLY, &audit, &err) ||
      gov_kpi_compute(audit, ctx->st, &q, &r, &err)) {
    gov_audit_close(audit);
    return cli_fail(&err);
  }
  gov_audit_close(audit);
  int rc = CLI_EXIT_OK;
  if (json) {
    json_t *o = gov_kpi_report_json(r);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (s) puts(s);
    else rc = cli_fail(&(lotse_err_t){LOTSE_ENOMEM, "out of memory"});
    free(s);
  } else {
    print_report(r);
  }
  gov_kpi_report_free(r);
  return rc;
}
