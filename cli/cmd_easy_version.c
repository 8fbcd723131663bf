/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_version.c — `lotse easy version`. NOT BUILT YET: being written in
 * this session.
 */
#include "cli/cli.h"

#include <stdio.h>

static const cli_opt_t opts[] = {{0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)argc;
  (void)argv;
  (void)ctx;
  fprintf(stderr, "lotse easy version: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}

const cli_cmd_t cmd_easy_version_def = {"easy version", run, "lotse easy version",
                                     "noch nicht verfügbar", opts, 0};
