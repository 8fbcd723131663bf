/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_check.c — `lotse check`: consistency of the workspace database
 * (SQLite integrity, full-text index, lotse's invariants). Exit 0 when
 * healthy, 1 with one line per problem otherwise.
 */
#include "cli/cli.h"

#include <stdio.h>

const cli_opt_t cmd_check_opts[] = {{0, 0, 0, 0}};

int cmd_check(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("check");
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    if (c == 'h') {
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    }
    return CLI_EXIT_USAGE;
  }
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  lotse_err_t err = {0};
  lotse_strv_t problems = {0};
  if (cli_workspace_open(ctx, &err) || store_check(ctx->st, &problems, &err)) {
    lotse_strv_release(&problems);
    return cli_fail(&err);
  }
  for (size_t i = 0; i < problems.n; i++)
    printf("Problem: %s\n", problems.v[i]);
  int bad = problems.n > 0;
  if (!bad) printf("Arbeitsbereich in Ordnung: %s\n", ctx->workspace);
  lotse_strv_release(&problems);
  return bad ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
