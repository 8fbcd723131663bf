/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_search.c — `lotse search [--json] [--limit N] [--user NAME]
 * QUERY`. Without --user the search runs as the anonymous public (class
 * "offen", documents without access groups), never with more rights.
 */
#include "cli/cli.h"
#include "search/search.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_JSON = 256, OPT_LIMIT, OPT_OFFSET, OPT_USER, OPT_PASSAGES };

const cli_opt_t cmd_search_opts[] = {
    {"json", OPT_JSON, NULL, "ein JSON-Objekt je Treffer und Zeile"},
    {"limit", OPT_LIMIT, "N", "höchstens N Treffer (Standard 10)"},
    {"offset", OPT_OFFSET, "N", "die ersten N Treffer überspringen"},
    {"user", OPT_USER, "NAME", "mit den Rechten dieses Benutzers suchen"},
    {"passages", OPT_PASSAGES, NULL,
     "alle passenden Abschnitte statt eines je Dokument"},
    {0, 0, 0, 0}};

static void print_json(const search_result_t *r) {
  for (size_t i = 0; i < r->n; i++) {
    const search_hit_t *h = &r->hits[i];
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:f, s:s, s:s, s:s}",
                          "doc_id", (json_int_t)h->doc_id, "chunk_id",
                          (json_int_t)h->chunk_id, "title", h->title,
                          "source", h->source, "section", h->section, "page",
                          h->page, "score", h->score, "snippet", h->snippet,
                          "mime", h->mime, "class",
                          store_class_name(h->data_class));
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) puts(line);
    free(line);
    json_decref(o);
  }
}

static void print_human(const search_result_t *r, int color) {
  const char *b = color ? "\033[1m" : "", *e = color ? "\033[0m" : "";
  if (!r->n) {
    printf("Keine Treffer.\n");
    return;
  }
  for (size_t i = 0; i < r->n; i++) {
    const search_hit_t *h = &r->hits[i];
    printf("%zu. %s%s%s  [Dokument %lld, Relevanz %.2f]\n", i + 1, b,
           h->title, e, (long long)h->doc_id, h->score);
    printf("   Quelle: %s", h->source);
    if (h->page) printf(", Seite %d", h->page);
    if (*h->section) printf(", Abschnitt: %s", h->section);
    printf("\n   %s\n\n", h->snippet);
  }
  printf("%lld %s\n", (long long)r->total,
         r->total == 1 ? "Treffer" : "Treffer insgesamt");
}

static int run(cli_ctx_t *ctx, const char *user, const char *query,
               const search_opts_t *o, int json) {
  lotse_err_t err = {0};
  store_principal_t p;
  search_t *s = NULL;
  search_result_t r;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, user, &p, &err) ||
      search_new(ctx->st, &s, &err))
    return cli_fail(&err);
  int rc = search_run(s, &p, query, o, &r, &err);
  search_free(s);
  if (rc) return cli_fail(&err);
  if (json) print_json(&r);
  else print_human(&r, isatty(1));
  search_result_release(&r);
  return CLI_EXIT_OK;
}

/* All operands form the query, so `lotse search Antrag auf Urlaub` works
 * without quotes. */
static char *join_args(int argc, char **argv) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  for (int i = 0; i < argc; i++)
    if ((i && lotse_buf_putc(&b, ' ')) || lotse_buf_puts(&b, argv[i])) {
      lotse_buf_release(&b);
      return NULL;
    }
  return lotse_buf_detach(&b);
}

int cmd_search(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("search");
  search_opts_t o;
  search_opts_default(&o);
  const char *user = NULL;
  int json = 0, c;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_LIMIT:
    case OPT_OFFSET: {
      long v = strtol(val, &end, 10);
      if (*end || v < 0 || v > 1000 || (c == OPT_LIMIT && v == 0))
        return cli_usage_error(cmd, "ungültige Zahl '%s'", val);
      if (c == OPT_LIMIT) o.limit = (int)v;
      else o.offset = (int)v;
      break;
    }
    case OPT_USER: user = val; break;
    case OPT_PASSAGES: o.per_document = 0; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind >= argc) return cli_usage_error(cmd, "keine Suchanfrage");
  char *query = join_args(argc - optind, argv + optind);
  if (!query) return CLI_EXIT_FAIL;
  int rc = run(ctx, user, query, &o, json);
  free(query);
  return rc;
}
