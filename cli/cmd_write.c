/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_write.c — `lotse write`. PLACEHOLDER while the command is being
 * written: it says so and fails.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

const cli_opt_t cmd_write_opts[] = {{0, 0, 0, 0}};

int cmd_write(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  if (argc > 1 && !strcmp(argv[1], "-h")) {
    cli_usage(cli_cmd_find("write"), stdout);
    return CLI_EXIT_OK;
  }
  fprintf(stderr, "lotse write: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}
