/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_stats.c — `lotse stats [--json]`: counts of the workspace.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_JSON = 256 };

const cli_opt_t cmd_stats_opts[] = {
    {"json", OPT_JSON, NULL, "als JSON ausgeben"}, {0, 0, 0, 0}};

int cmd_stats(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("stats");
  int json = 0, c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  lotse_err_t err = {0};
  store_stats_t s;
  if (cli_workspace_open(ctx, &err) || store_stats_get(ctx->st, &s, &err))
    return cli_fail(&err);
  if (json) {
    json_t *cls = json_object();
    for (int i = 0; i < STORE_CLASS_COUNT; i++)
      json_object_set_new(cls, store_class_name(i), json_integer(s.by_class[i]));
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:i}",
        "documents", (json_int_t)s.documents, "versions",
        (json_int_t)s.versions, "chunks", (json_int_t)s.chunks,
        "chunks_indexed", (json_int_t)s.chunks_indexed, "users",
        (json_int_t)s.users, "groups", (json_int_t)s.groups, "units",
        (json_int_t)s.units, "bytes_original", (json_int_t)s.bytes_original,
        "db_bytes", (json_int_t)s.db_bytes, "by_class", cls,
        "schema_version", store_schema_version(ctx->st));
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) puts(line);
    free(line);
    json_decref(o);
    return CLI_EXIT_OK;
  }
  printf("Arbeitsbereich:   %s\n", ctx->workspace);
  printf("Dokumente:        %lld (Versionen: %lld)\n", (long long)s.documents,
         (long long)s.versions);
  printf("Abschnitte:       %lld (im Suchindex: %lld)\n", (long long)s.chunks,
         (long long)s.chunks_indexed);
  for (int i = 0; i < STORE_CLASS_COUNT; i++)
    printf("  %-16s %lld\n", store_class_name(i), (long long)s.by_class[i]);
  printf("Originalgröße:    %.1f MB\n", (double)s.bytes_original / 1e6);
  printf("Datenbank:        %.1f MB\n", (double)s.db_bytes / 1e6);
  printf("Benutzer/Gruppen/Einheiten: %lld/%lld/%lld\n", (long long)s.users,
         (long long)s.groups, (long long)s.units);
  return CLI_EXIT_OK;
}
