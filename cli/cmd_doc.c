/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_doc.c — `lotse doc show [--json] [--user NAME] ID`: metadata,
 * versions and text of one document, behind the same rights as search.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OPT_JSON = 256, OPT_USER };

const cli_opt_t cmd_doc_opts[] = {
    {"json", OPT_JSON, NULL, "als JSON ausgeben"},
    {"user", OPT_USER, "NAME", "mit den Rechten dieses Benutzers"},
    {0, 0, 0, 0}};

static void fmt_time(int64_t t, char *buf, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

json_t *cli_doc_json(const store_doc_t *d); /* also used by tests via CLI */

json_t *cli_doc_json(const store_doc_t *d) {
  json_t *o = json_pack(
      "{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:i}", "id",
      (json_int_t)d->id, "source", d->source, "title", d->title, "mime",
      d->mime, "sha256", d->sha256, "size", (json_int_t)d->size, "mtime",
      (json_int_t)d->mtime, "created_at", (json_int_t)d->created_at,
      "updated_at", (json_int_t)d->updated_at, "class",
      store_class_name(d->data_class), "groups", d->groups ? d->groups : "",
      "version", d->version);
  if (!o) return NULL;
  json_t *meta = d->metadata ? json_loads(d->metadata, 0, NULL) : NULL;
  json_object_set_new(o, "metadata", meta ? meta : json_object());
  json_t *vs = json_array(), *cs = json_array();
  for (size_t i = 0; i < d->nversions; i++)
    json_array_append_new(
        vs, json_pack("{s:i, s:s, s:I, s:I}", "version",
                      d->versions[i].version, "sha256",
                      d->versions[i].sha256 ? d->versions[i].sha256 : "",
                      "size", (json_int_t)d->versions[i].size, "ingested_at",
                      (json_int_t)d->versions[i].ingested_at));
  for (size_t i = 0; i < d->nchunks; i++)
    json_array_append_new(
        cs, json_pack("{s:I, s:i, s:s, s:i, s:s, s:I, s:I}", "id",
                      (json_int_t)d->chunks[i].id, "ord", d->chunks[i].ord,
                      "section", d->chunks[i].heading ? d->chunks[i].heading : "",
                      "page", d->chunks[i].page, "text",
                      d->chunks[i].text ? d->chunks[i].text : "", "start",
                      (json_int_t)d->chunks[i].start, "end",
                      (json_int_t)d->chunks[i].end));
  json_object_set_new(o, "versions", vs);
  json_object_set_new(o, "chunks", cs);
  return o;
}

static void print_human(const store_doc_t *d) {
  char t[32];
  printf("Dokument %lld: %s\n", (long long)d->id, d->title);
  printf("  Quelle:      %s\n  Typ:         %s\n  Größe:       %lld Bytes\n",
         d->source, d->mime, (long long)d->size);
  printf("  Datenklasse: %s\n  Gruppen:     %s\n", store_class_name(d->data_class),
         d->groups && *d->groups ? d->groups : "(alle)");
  printf("  SHA-256:     %s\n", d->sha256);
  if (d->metadata) printf("  Metadaten:   %s\n", d->metadata);
  printf("  Versionen:\n");
  for (size_t i = 0; i < d->nversions; i++) {
    fmt_time(d->versions[i].ingested_at, t, sizeof t);
    printf("    %s%d  %s  %s\n", d->versions[i].version == d->version ? "*" : " ",
           d->versions[i].version, t, d->versions[i].sha256);
  }
  printf("\n");
  for (size_t i = 0; i < d->nchunks; i++) {
    const store_chunk_out_t *c = &d->chunks[i];
    printf("[Abschnitt %d", c->ord + 1);
    if (c->page) printf(", Seite %d", c->page);
    if (c->heading && *c->heading) printf(", %s", c->heading);
    printf("]\n%s\n\n", c->text);
  }
}

int cmd_doc(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("doc");
  const char *user = NULL;
  int json = 0, c;
  char *val, *end;
  if (argc >= 2 && argv[1][0] != '-') {
    if (strcmp(argv[1], "show") != 0)
      return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", argv[1]);
    argv++;
    argc--;
  }
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_USER: user = val; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) return cli_usage_error(cmd, "genau eine ID angeben");
  long long id = strtoll(argv[optind], &end, 10);
  if (*end || id <= 0)
    return cli_usage_error(cmd, "ungültige ID '%s'", argv[optind]);
  lotse_err_t err = {0};
  store_principal_t p;
  store_doc_t *d;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, user, &p, &err))
    return cli_fail(&err);
  int rc = store_doc_get(ctx->st, &p, id, &d, &err);
  if (rc == LOTSE_ENOTFOUND) {
    fprintf(stderr, "lotse: Dokument %lld nicht gefunden\n", id);
    return CLI_EXIT_FAIL;
  }
  if (rc) return cli_fail(&err);
  if (json) {
    json_t *o = cli_doc_json(d);
    char *s = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
    if (s) puts(s);
    free(s);
    json_decref(o);
  } else {
    print_human(d);
  }
  store_doc_free(d);
  return CLI_EXIT_OK;
}
