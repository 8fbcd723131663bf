/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_sigma.c — `lotse logwatch sigma`. PLACEHOLDER while the
 * subcommand is being written: it says so and fails.
 */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)argc, (void)argv, (void)ctx;
  fprintf(stderr, "lotse logwatch sigma: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}

const cli_cmd_t cmd_logwatch_sigma_def = {
    "logwatch sigma", run, "lotse logwatch sigma", "(in Arbeit)", NULL, 0};
