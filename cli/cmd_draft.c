/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_draft.c — `lotse draft list|show|signoff|export`: AI outputs as
 * labelled drafts, their sign-off by a named person and the export of the
 * final text (gov/review.h).
 *
 * Contract: export refuses an unsigned draft (exit 1, German message);
 * sign-off and export are recorded in the audit trail (action "sign_off",
 * "export"; no text, only ids and the final text's hash).
 */
#include "cli/cli.h"

#include "gov/gate.h"
#include "gov/review.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OPT_USER = 'u', OPT_APP = 256, OPT_STATUS, OPT_JSON, OPT_TEXT,
       OPT_OUT, OPT_LIMIT };

const cli_opt_t cmd_draft_opts[] = {
    {"user", OPT_USER, "NAME",
     "list: Entwürfe dieser Person; signoff: prüfende Person (Pflicht)"},
    {"app", OPT_APP, "ANWENDUNG", "list: nur Entwürfe dieser Anwendung"},
    {"status", OPT_STATUS, "STATUS", "list: entwurf oder final"},
    {"limit", OPT_LIMIT, "N", "list: höchstens N Einträge (Standard 100)"},
    {"text", OPT_TEXT, "DATEI",
     "signoff: endgültiger Text aus DATEI (- für die Standardeingabe)"},
    {"out", OPT_OUT, "DATEI", "export: in DATEI schreiben statt auf stdout"},
    {"json", OPT_JSON, NULL, "Ausgabe als JSON"},
    {0, 0, 0, 0}};

typedef struct opts {
  const char *user, *app, *status, *text, *out;
  int json, limit;
} opts_t;

static void fmt_time(json_t *t, char buf[32]) {
  if (!json_is_integer(t)) {
    snprintf(buf, 32, "-");
    return;
  }
  time_t tt = (time_t)json_integer_value(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

static const char *s_of(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static void print_json(json_t *j) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) printf("%s\n", s);
  free(s);
}

/* --------------------------------------------------------------- list */

static int do_list(cli_ctx_t *ctx, const opts_t *o) {
  lotse_err_t err = {0};
  gov_draft_filter_t f = {.user = o->user, .app = o->app,
                          .status = o->status, .limit = o->limit};
  json_t *l;
  if (gov_review_list_json(ctx->st, &f, &l, &err)) return cli_fail(&err);
  if (o->json) {
    print_json(l);
  } else {
    size_t i;
    json_t *d;
    if (json_array_size(l) == 0) printf("Keine Entwürfe.\n");
    json_array_foreach(l, i, d) {
      char when[32];
      fmt_time(json_object_get(d, "created_at"), when);
      int final = !strcmp(s_of(d, "status"), "final");
      printf("%-6lld %-20s %s  %-12s %s\n",
             (long long)json_integer_value(json_object_get(d, "id")),
             s_of(d, "app"), when, s_of(d, "user"),
             final ? "abgezeichnet" : GOV_DRAFT_LABEL);
    }
  }
  json_decref(l);
  return CLI_EXIT_OK;
}

/* --------------------------------------------------------------- show */

static void show_text(json_t *d) {
  char when[32];
  int final = !strcmp(s_of(d, "status"), "final");
  fmt_time(json_object_get(d, "created_at"), when);
  printf("Entwurf %lld — %s\n",
         (long long)json_integer_value(json_object_get(d, "id")),
         final ? "geprüft und abgezeichnet" : s_of(d, "label"));
  printf("Anwendung: %s (Version %lld)\nErstellt:  %s von %s (%s)\n",
         s_of(d, "app"),
         (long long)json_integer_value(json_object_get(d, "app_version")),
         when, s_of(d, "user"), s_of(d, "unit"));
  if (final) {
    fmt_time(json_object_get(d, "signed_at"), when);
    printf("Abgezeichnet: %s von %s\nSHA-256 der Endfassung: %s\n", when,
           s_of(d, "reviewer"), s_of(d, "final_text_sha256"));
  }
  printf("\n%s\n", s_of(d, "text"));
  if (final && strcmp(s_of(d, "text"), s_of(d, "final_text")))
    printf("\nEndfassung:\n%s\n", s_of(d, "final_text"));
  const char *notice = json_string_value(json_object_get(d, "notice"));
  if (notice) printf("\n%s\n", notice);
  size_t i;
  json_t *s;
  json_t *src = json_object_get(d, "sources");
  if (json_array_size(src)) printf("\nQuellen:\n");
  json_array_foreach(src, i, s) {
    printf("  [%zu] %s (Dokument %lld", i + 1, s_of(s, "title"),
           (long long)json_integer_value(json_object_get(s, "doc")));
    json_int_t page = json_integer_value(json_object_get(s, "page"));
    if (page > 0) printf(", Seite %lld", (long long)page);
    printf(")\n");
  }
}

static int parse_id(const cli_cmd_t *cmd, const char *s, int64_t *id) {
  char *end;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || v <= 0)
    return cli_usage_error(cmd, "ungültige Entwurfsnummer '%s'", s);
  *id = v;
  return 0;
}

static int do_show(cli_ctx_t *ctx, const opts_t *o, int64_t id) {
  lotse_err_t err = {0};
  json_t *d;
  if (gov_review_draft_json(ctx->st, id, &d, &err)) return cli_fail(&err);
  if (o->json) print_json(d);
  else show_text(d);
  json_decref(d);
  return CLI_EXIT_OK;
}

/* ------------------------------------------------------- signoff/export */

static int do_signoff(cli_ctx_t *ctx, const cli_cmd_t *cmd, const opts_t *o,
                      int64_t id) {
  if (!o->user)
    return cli_usage_error(cmd, "signoff braucht die prüfende Person "
                                "(--user NAME)");
  lotse_err_t err = {0};
  char *text = NULL;
  size_t len = 0;
  if (o->text &&
      lotse_file_read(!strcmp(o->text, "-") ? "/dev/stdin" : o->text,
                      GOV_DRAFT_TEXT_MAX, &text, &len, &err))
    return cli_fail(&err);
  int rc = gov_review_signoff(ctx->st, id, o->user, text, &err);
  free(text);
  if (rc) return cli_fail(&err);
  json_t *d;
  if (gov_review_draft_json(ctx->st, id, &d, &err)) return cli_fail(&err);
  rc = gov_review_audit(ctx->st, ctx->workspace, id, "sign_off", o->user,
                        &err);
  if (!rc) {
    if (o->json) print_json(d);
    else
      printf("Entwurf %lld abgezeichnet von %s (SHA-256 %s)\n",
             (long long)id, o->user, s_of(d, "final_text_sha256"));
  }
  json_decref(d);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}

static int do_export(cli_ctx_t *ctx, const opts_t *o, int64_t id) {
  lotse_err_t err = {0};
  char *out = NULL;
  int rc = gov_review_export(ctx->st, id, o->json, &out, &err);
  if (!rc)
    rc = gov_review_audit(ctx->st, ctx->workspace, id, "export",
                          o->user ? o->user : "cli", &err);
  if (!rc && o->out) rc = lotse_file_write(o->out, out, strlen(out), &err);
  else if (!rc) fputs(out, stdout);
  if (!rc && o->json && !o->out) putchar('\n');
  free(out);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}

/* --------------------------------------------------------------- main */

static int parse(int argc, char **argv, const cli_cmd_t *cmd, opts_t *o) {
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_USER: o->user = val; break;
    case OPT_APP: o->app = val; break;
    case OPT_STATUS: o->status = val; break;
    case OPT_TEXT: o->text = val; break;
    case OPT_OUT: o->out = val; break;
    case OPT_JSON: o->json = 1; break;
    case OPT_LIMIT:
      o->limit = atoi(val);
      if (o->limit <= 0)
        return cli_usage_error(cmd, "--limit braucht eine positive Zahl");
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  return -1;
}

int cmd_draft(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("draft");
  opts_t o = {0};
  int rc = parse(argc, argv, cmd, &o);
  if (rc >= 0) return rc;
  if (optind >= argc)
    return cli_usage_error(cmd, "Unterbefehl fehlt (list, show, signoff, "
                                "export)");
  const char *sub = argv[optind++];
  int list = !strcmp(sub, "list");
  if (!list && strcmp(sub, "show") && strcmp(sub, "signoff") &&
      strcmp(sub, "export"))
    return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", sub);
  int64_t id = 0;
  if (!list && argc - optind != 1)
    return cli_usage_error(cmd, "genau eine Entwurfsnummer angeben");
  if (list && argc - optind != 0)
    return cli_usage_error(cmd, "list erwartet keine weiteren Argumente");
  if (!list && (rc = parse_id(cmd, argv[optind], &id))) return rc;
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  if (list) return do_list(ctx, &o);
  if (!strcmp(sub, "show")) return do_show(ctx, &o, id);
  if (!strcmp(sub, "signoff")) return do_signoff(ctx, cmd, &o, id);
  return do_export(ctx, &o, id);
}
