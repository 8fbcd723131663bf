/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_simplify.c — `lotse easy simplify`. NOT BUILT YET: being written in
 * this session.
 */
#include "cli/cli.h"

#include <stdio.h>

static const cli_opt_t opts[] = {{0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)argc;
  (void)argv;
  (void)ctx;
  fprintf(stderr, "lotse easy simplify: noch nicht verfügbar\n");
  return CLI_EXIT_FAIL;
}

const cli_cmd_t cmd_easy_simplify_def = {"easy simplify", run, "lotse easy simplify",
                                     "noch nicht verfügbar", opts, 0};
