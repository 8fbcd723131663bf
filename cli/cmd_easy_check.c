/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_check.c — `lotse easy check`. PLACEHOLDER while the
 * subcommand is being written: it says so and fails.
 */
#include "cli/cli.h"

#include <stdio.h>

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)argc, (void)argv, (void)ctx;
  fprintf(stderr, "lotse easy check: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}

const cli_cmd_t cmd_easy_check_def = {
    "easy check", run, "lotse easy check", "(in Arbeit)", NULL, 0};
