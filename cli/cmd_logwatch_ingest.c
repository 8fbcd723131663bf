/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_ingest.c — `lotse logwatch ingest`. PLACEHOLDER while the
 * subcommand is being written: it says so and fails.
 */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)argc, (void)argv, (void)ctx;
  fprintf(stderr, "lotse logwatch ingest: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}

const cli_cmd_t cmd_logwatch_ingest_def = {
    "logwatch ingest", run, "lotse logwatch ingest", "(in Arbeit)", NULL, 0};
