/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_analyze.c — `lotse analyze TEXT`: show the index terms lotse's
 * German analysis makes of a text (normalisation, stop words, compound
 * parts, stems) and the search expression a query becomes. For checking
 * why a document is or is not found.
 */
#include "cli/cli.h"
#include "search/search.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_QUERY = 256 };

const cli_opt_t cmd_analyze_opts[] = {
    {"query", OPT_QUERY, NULL, "auch den Suchausdruck anzeigen (braucht Arbeitsbereich)"},
    {0, 0, 0, 0}};

static int print_term(void *ctx, const char *t, size_t n, size_t s, size_t e,
                      int colocated) {
  const char *text = ctx;
  printf("%s%-24.*s  %.*s\n", colocated ? "  + " : "", (int)n, t,
         (int)(e - s), text + s);
  return 0;
}

static int show_query(cli_ctx_t *ctx, const char *text) {
  lotse_err_t err = {0};
  search_t *s;
  char *match = NULL, *exclude = NULL;
  if (cli_workspace_open(ctx, &err) || search_new(ctx->st, &s, &err))
    return cli_fail(&err);
  int rc = search_query_build(s, text, &match, &exclude, &err);
  search_free(s);
  if (rc) return cli_fail(&err);
  printf("\nSuchausdruck: %s\n", match ? match : "(leer)");
  if (exclude) printf("Ausschluss:   %s\n", exclude);
  free(match);
  free(exclude);
  return CLI_EXIT_OK;
}

int cmd_analyze(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("analyze");
  int query = 0, c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_QUERY: query = 1; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) return cli_usage_error(cmd, "genau einen Text angeben");
  const char *text = argv[optind];
  lotse_err_t err = {0};
  text_analyzer_t *a;
  if (text_analyzer_new(&a, &err)) return cli_fail(&err);
  text_analyze(a, text, strlen(text), 0, print_term, (void *)text);
  text_analyzer_free(a);
  return query ? show_query(ctx, text) : CLI_EXIT_OK;
}
