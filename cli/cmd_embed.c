/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_embed.c — `lotse embed`: the embedding vector of a text (L2-
 * normalised), as one JSON array on stdout.
 */
#include "cli/cli_llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_POOLING = 256 };

const cli_opt_t cmd_embed_opts[] = {
    CLI_LLM_OPTS,
    {"pooling", OPT_POOLING, "ART", "mean (Mittelwert, Standard) oder last (letztes Token)"},
    {0, 0, 0, 0}};

static int embed_print(cli_llm_t *l, const char *text, llm_embed_pool_t pool) {
  lotse_err_t err = {0};
  llm_backend_t *b = NULL;
  float *v = NULL;
  size_t dim = 0;
  int rc = cli_llm_open(l, &b, &err);
  if (rc == 0)
    rc = llm_embed(b, text, strlen(text), pool, &v, &dim, NULL, &err);
  llm_close(b);
  if (rc < 0)
    return cli_llm_fail(&err);
  putchar('[');
  for (size_t i = 0; i < dim; i++)
    printf("%s%.9g", i ? "," : "", (double)v[i]);
  puts("]");
  free(v);
  return CLI_EXIT_OK;
}

int cmd_embed(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("embed");
  cli_llm_t l = {0};
  llm_embed_pool_t pool = LLM_EMBED_MEAN;
  int c, rc = 0;
  char *val;
  while (rc == 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    rc = cli_llm_opt(&l, cmd, c, val);
    if (rc != 1)
      continue;
    rc = 0;
    if (c == 'h') {
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    } else if (c == OPT_POOLING && strcmp(val, "mean") == 0) {
      pool = LLM_EMBED_MEAN;
    } else if (c == OPT_POOLING && strcmp(val, "last") == 0) {
      pool = LLM_EMBED_LAST;
    } else if (c == OPT_POOLING) {
      rc = cli_usage_error(cmd, "--pooling erwartet mean oder last");
    } else {
      rc = CLI_EXIT_USAGE;
    }
  }
  if (rc == 0 && argc - optind != 1)
    rc = cli_usage_error(cmd, "genau einen TEXT angeben (oder - für stdin)");
  if (rc != 0)
    return rc;
  char *text = NULL;
  if (cli_llm_read_text(argv[optind], &text) < 0)
    return CLI_EXIT_FAIL;
  rc = text[0] == '\0' ? cli_usage_error(cmd, "der Text ist leer")
                       : embed_print(&l, text, pool);
  free(text);
  return rc;
}
