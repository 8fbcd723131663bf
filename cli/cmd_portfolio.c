/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_portfolio.c — `lotse portfolio [--json] [--project N] [--file F]`:
 * the county's AI projects with priority, time frame, focus area and their
 * KPI definitions (gov/kpi.h). Needs no workspace.
 */
#include "cli/cli.h"
#include "gov/kpi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_JSON = 256, OPT_PROJECT, OPT_FILE };

const cli_opt_t cmd_portfolio_opts[] = {
    {"json", OPT_JSON, NULL, "als JSON ausgeben"},
    {"project", OPT_PROJECT, "N", "nur Projekt N (mit Kurzbeschreibung)"},
    {"file", OPT_FILE, "DATEI",
     "andere Portfolio-Datei (Standard: gov/portfolio/projekte.yaml)"},
    {0, 0, 0, 0}};

static void print_kpi(const gov_kpi_def_t *k) {
  printf("    - %s\n      [%s; %s; Quelle: %s", k->name,
         gov_kpi_unit_label(k->unit), gov_kpi_direction_label(k->direction),
         gov_kpi_source_label(k->source));
  if (k->metric != GOV_METRIC_NONE)
    printf("; Messgröße %s%s%s", gov_metric_name(k->metric),
           k->app ? " der Anwendung " : "", k->app ? k->app : "");
  printf("]\n");
}

static void print_project(const gov_project_t *p, int detail) {
  printf("%02d  %s\n", p->number, p->title);
  printf("    Priorität %d – %s (%s) · %s\n", p->priority, p->prio->name,
         p->prio->time_frame, p->focus->name);
  if (detail) printf("    %s\n", p->summary);
  printf("    Erfolgskriterien:\n");
  for (size_t i = 0; i < p->nkpis; i++) print_kpi(&p->kpis[i]);
}

static int print_json(json_t *o) {
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

int cmd_portfolio(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("portfolio");
  int json = 0, c, number = 0;
  const char *file = NULL;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_FILE: file = val; break;
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
  const gov_project_t *one = number ? gov_portfolio_find(pf, number) : NULL;
  int rc = CLI_EXIT_OK;
  if (number && !one) {
    fprintf(stderr, "lotse: kein Projekt mit der Nummer %d im Portfolio\n",
            number);
    rc = CLI_EXIT_FAIL;
  } else if (json) {
    rc = print_json(one ? gov_project_json(one) : gov_portfolio_json(pf));
  } else if (one) {
    print_project(one, 1);
  } else {
    printf("KI-Portfolio des Landkreises: %zu Projekte\n\n", pf->nprojects);
    for (size_t i = 0; i < pf->nprojects; i++) {
      if (i) putchar('\n');
      print_project(&pf->projects[i], 0);
    }
  }
  gov_portfolio_free(pf);
  return rc;
}
