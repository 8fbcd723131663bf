/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch.c — `lotse logwatch SUB`: security log analysis
 * (analytics/logwatch/). Each subcommand lives in cli/cmd_logwatch_<sub>.c
 * with its own option table and help page (docs/cli/logwatch-<sub>.md), so
 * `lotse logwatch parse -h` lists only what parse understands.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const cli_cmd_t *const subs[] = {
    &cmd_logwatch_ingest_def, &cmd_logwatch_parse_def,
    &cmd_logwatch_sigma_def, &cmd_logwatch_alerts_def};
#define NSUBS (sizeof subs / sizeof subs[0])

static void overview(FILE *out) {
  const cli_cmd_t *self = cli_cmd_find("logwatch");
  cli_usage(self, out);
  fprintf(out, "\nUnterbefehle:\n");
  for (size_t i = 0; i < NSUBS; i++)
    fprintf(out, "  %-28s %s\n", subs[i]->name + strlen("logwatch "),
            subs[i]->summary);
  fprintf(out, "\nHilfe zu einem Unterbefehl: lotse logwatch UNTERBEFEHL -h\n");
}

int cmd_logwatch(int argc, char **argv, cli_ctx_t *ctx) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    overview(argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
  }
  for (size_t i = 0; i < NSUBS; i++) {
    if (strcmp(argv[1], subs[i]->name + strlen("logwatch ")) != 0) continue;
    optind = 1;
    return subs[i]->fn(argc - 1, argv + 1, ctx);
  }
  fprintf(stderr,
          "lotse logwatch: unbekannter Unterbefehl '%s' (Übersicht: lotse "
          "logwatch -h)\n", argv[1]);
  return CLI_EXIT_USAGE;
}
