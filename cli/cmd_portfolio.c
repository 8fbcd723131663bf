/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_portfolio.c — `lotse portfolio [--json] [--project N] [--file F]
 * [--values]`: the county's AI projects with priority, time frame, focus
 * area and their KPI definitions (gov/kpi.h); with --values the current
 * value of every KPI the cockpit computes (from the workspace's audit trail
 * and register). Without --values no workspace is needed.
 */
#include "cli/cli.h"
#include "gov/audit.h"
#include "gov/kpi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_JSON = 256, OPT_PROJECT, OPT_FILE, OPT_VALUES };

const cli_opt_t cmd_portfolio_opts[] = {
    {"json", OPT_JSON, NULL, "als JSON ausgeben"},
    {"project", OPT_PROJECT, "N", "nur Projekt N (mit Kurzbeschreibung)"},
    {"file", OPT_FILE, "DATEI",
     "andere Portfolio-Datei (Standard: gov/portfolio/projekte.yaml)"},
    {"values", OPT_VALUES, NULL,
     "aktuelle Werte der automatisch gemessenen Kennzahlen (Arbeitsbereich)"},
    {0, 0, 0, 0}};

/* The current value of k, 0 and *v set when the cockpit knows one. */
static int value_of(const gov_kpi_report_t *r, const gov_kpi_def_t *k,
                    double *v) {
  if (!r || k->metric == GOV_METRIC_NONE) return -1;
  return gov_kpi_metric_value(r, k->metric, k->app, v) ? -1 : 0;
}

static void print_value(const gov_kpi_report_t *r, const gov_kpi_def_t *k) {
  double v;
  if (!r || k->metric == GOV_METRIC_NONE) return;
  if (value_of(r, k, &v))
    printf("      aktuell: noch kein Wert\n");
  else if (k->unit == GOV_UNIT_ANTEIL)
    printf("      aktuell: %.0f %%\n", v * 100);
  else if (k->unit == GOV_UNIT_DAUER_MS)
    printf("      aktuell: %.0f ms\n", v);
  else
    printf("      aktuell: %.0f\n", v);
}

static void print_kpi(const gov_kpi_def_t *k, const gov_kpi_report_t *r) {
  printf("    - %s\n      [%s; %s; Quelle: %s", k->name,
         gov_kpi_unit_label(k->unit), gov_kpi_direction_label(k->direction),
         gov_kpi_source_label(k->source));
  if (k->metric != GOV_METRIC_NONE)
    printf("; Messgröße %s%s%s", gov_metric_name(k->metric),
           k->app ? " der Anwendung " : "", k->app ? k->app : "");
  printf("]\n");
  print_value(r, k);
}

static void print_project(const gov_project_t *p, int detail,
                          const gov_kpi_report_t *r) {
  printf("%02d  %s\n", p->number, p->title);
  printf("    Priorität %d – %s (%s) · %s\n", p->priority, p->prio->name,
         p->prio->time_frame, p->focus->name);
  if (detail) printf("    %s\n", p->summary);
  printf("    Erfolgskriterien:\n");
  for (size_t i = 0; i < p->nkpis; i++) print_kpi(&p->kpis[i], r);
}

/* Add "value" (number or null) to each computed KPI of one project's JSON. */
static void project_values(json_t *pj, const gov_project_t *p,
                           const gov_kpi_report_t *r) {
  json_t *kpis = json_object_get(pj, "kpis");
  for (size_t i = 0; i < p->nkpis; i++) {
    double v;
    if (p->kpis[i].metric == GOV_METRIC_NONE) continue;
    json_object_set_new(json_array_get(kpis, i), "value",
                        value_of(r, &p->kpis[i], &v) ? json_null()
                                                     : json_real(v));
  }
}

static int print_json(const gov_portfolio_t *pf, const gov_project_t *one,
                      const gov_kpi_report_t *r) {
  json_t *o = one ? gov_project_json(one) : gov_portfolio_json(pf);
  if (o && r && one) project_values(o, one, r);
  for (size_t i = 0; o && r && !one && i < pf->nprojects; i++)
    project_values(json_array_get(json_object_get(o, "projects"), i),
                   &pf->projects[i], r);
  char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!s) {
    fprintf(stderr, "lotse: out of memory\n");
    return CLI_EXIT_FAIL;
  }
  puts(s);
  free(s);
  return CLI_EXIT_OK;
}

/* The cockpit's values over the whole trail of the workspace. */
static int compute_values(cli_ctx_t *ctx, gov_kpi_report_t **r) {
  lotse_err_t err = {0};
  gov_audit_t *a = NULL;
  int rc = cli_workspace_open(ctx, &err);
  if (!rc) rc = gov_audit_open(ctx->workspace, GOV_AUDIT_RDONLY, &a, &err);
  if (!rc) rc = gov_kpi_compute(a, ctx->st, NULL, r, &err);
  gov_audit_close(a);
  return rc ? cli_fail(&err) : 0;
}

static int show(cli_ctx_t *ctx, const gov_portfolio_t *pf, int number,
                int json, int values) {
  const gov_project_t *one = number ? gov_portfolio_find(pf, number) : NULL;
  if (number && !one) {
    fprintf(stderr, "lotse: kein Projekt mit der Nummer %d im Portfolio\n",
            number);
    return CLI_EXIT_FAIL;
  }
  gov_kpi_report_t *r = NULL;
  if (values && compute_values(ctx, &r)) return CLI_EXIT_FAIL;
  int rc = CLI_EXIT_OK;
  if (json) {
    rc = print_json(pf, one, r);
  } else if (one) {
    print_project(one, 1, r);
  } else {
    printf("KI-Portfolio des Landkreises: %zu Projekte\n\n", pf->nprojects);
    for (size_t i = 0; i < pf->nprojects; i++) {
      if (i) putchar('\n');
      print_project(&pf->projects[i], 0, r);
    }
  }
  gov_kpi_report_free(r);
  return rc;
}

int cmd_portfolio(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("portfolio");
  int json = 0, values = 0, c, number = 0;
  const char *file = NULL;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_FILE: file = val; break;
    case OPT_VALUES: values = 1; break;
    case OPT_PROJECT:
      number = (int)strtol(val, &end, 10);
      if (*end || number < 1 || number > 99)
        return cli_usage_error(cmd, "--project braucht eine Zahl von 1 bis "
                               "99, nicht '%s'", val);
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  lotse_err_t err = {0};
  gov_portfolio_t *pf;
  if (gov_portfolio_load(file, &pf, &err)) return cli_fail(&err);
  int rc = show(ctx, pf, number, json, values);
  gov_portfolio_free(pf);
  return rc;
}
