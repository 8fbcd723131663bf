/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_minutes.c — `lotse minutes render|new|draft`: meeting minutes
 * (Protokolle) in the county's fixed structure (apps/minutes.h).
 *   render DATEI|-    validate a minutes JSON file and print it as
 *                     Markdown (--format md, default), HTML or PDF;
 *                     --out DATEI writes it all-or-nothing to a file
 *                     (PDF goes to stdout only when that is no terminal)
 *   new --from-json DATEI --user NAME [--app ID]
 *                     validate and store it as a draft for sign-off
 *                     (`lotse draft signoff`); prints the draft id
 *   draft --app ID --user NAME NOTIZEN|-
 *                     notes → model through the gate, the minutes schema
 *                     as decoding constraint → labelled draft; prints the
 *                     minutes JSON (stdout) and the draft id (stderr)
 *   publish ENTWURF [--class KLASSE]
 *                     signed-off minutes → Markdown → stored document,
 *                     found by `lotse search`
 * Exit 0 done; 1 invalid minutes (German message naming the field;
 * nothing stored) or other error; 2 usage; 3 refused by the gate.
 */
#include "apps/easy_qr.h" /* easy_qr_write_files: all-or-nothing write */
#include "apps/minutes.h"
#include "cli/cli_llm.h"
#include "gov/gate.h"
#include "gov/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_FORMAT = 256, OPT_FROM_JSON, OPT_USER, OPT_APP, OPT_MAX,
       OPT_CLASS, OPT_OUT };

#define MINUTES_APP_DEFAULT MINUTES_DRAFT_APP
#define EXIT_REFUSED 3

const cli_opt_t cmd_minutes_opts[] = {
    {"format", OPT_FORMAT, "FORMAT", "render: md (Standard), html oder pdf"},
    {"out", OPT_OUT, "DATEI",
     "render: in diese Datei schreiben (ganz oder gar nicht) statt auf die "
     "Standardausgabe"},
    {"from-json", OPT_FROM_JSON, "DATEI",
     "new: Protokoll aus dieser JSON-Datei (- für die Standardeingabe)"},
    {"user", OPT_USER, "NAME", "new, draft: verfassende Person (Pflicht)"},
    {"app", OPT_APP, "ID",
     "new, draft: Anwendung, der der Entwurf zugeordnet wird (Standard: "
     MINUTES_APP_DEFAULT ")"},
    {"max-tokens", OPT_MAX, "N",
     "draft: höchstens N Tokens Ausgabe (Standard 2048)"},
    {"class", OPT_CLASS, "KLASSE",
     "publish: Schutzklasse des Dokuments (Standard intern)"},
    CLI_LLM_OPTS,
    {0, 0, 0, 0}};

typedef struct args {
  const char *format, *from_json, *user, *app, *cls, *out;
  int max_tokens, llm_set;
  cli_llm_t llm;
} args_t;

static int read_doc(const char *path, json_t **doc, lotse_err_t *err) {
  char *data = NULL;
  size_t len = 0;
  int rc = strcmp(path, "-")
               ? lotse_file_read(path, MINUTES_INPUT_MAX, &data, &len, err)
               : lotse_stream_read(stdin, MINUTES_INPUT_MAX, &data, &len, err);
  if (!rc) rc = minutes_parse(data ? data : "", len, doc, err);
  free(data);
  return rc;
}

static int do_render(const args_t *a, const char *path) {
  lotse_err_t err = {0};
  minutes_format_t f = MINUTES_MD;
  json_t *doc = NULL;
  if (minutes_format_parse(a->format ? a->format : "md", &f, &err))
    return cli_usage_error(cli_cmd_find("minutes"), "--format: %s", err.msg);
  if (f == MINUTES_PDF && !a->out && isatty(fileno(stdout)))
    return cli_usage_error(cli_cmd_find("minutes"),
                           "render: PDF nicht auf das Terminal; --out DATEI "
                           "angeben oder umleiten");
  if (read_doc(path, &doc, &err)) return cli_fail(&err);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = minutes_render(doc, f, &b, &err);
  json_decref(doc);
  if (!rc && a->out) {
    const char *paths[1] = {a->out};
    const lotse_buf_t *data[1] = {&b};
    rc = easy_qr_write_files(1, paths, data, &err);
  } else if (!rc && fwrite(b.data, 1, b.len, stdout) != b.len) {
    rc = lotse_err_set(&err, LOTSE_EIO, "Standardausgabe nicht schreibbar");
  }
  lotse_buf_release(&b);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}

static int do_new(const args_t *a, cli_ctx_t *ctx) {
  lotse_err_t err = {0};
  store_principal_t p;
  json_t *doc = NULL;
  if (read_doc(a->from_json, &doc, &err)) return cli_fail(&err);
  char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(doc);
  if (!text) {
    lotse_err_set(&err, LOTSE_ENOMEM, "kein Speicher");
    return cli_fail(&err);
  }
  int64_t id = 0;
  int rc = cli_workspace_open(ctx, &err);
  if (!rc) rc = cli_principal(ctx, a->user, &p, &err);
  gov_draft_in_t d = {.app = a->app ? a->app : MINUTES_APP_DEFAULT,
                      .user = p.name, .text = text};
  if (!rc) rc = gov_review_draft_add(ctx->st, &d, &id, &err);
  free(text);
  if (rc) return cli_fail(&err);
  printf("Protokoll als Entwurf %lld gespeichert (%s)\n", (long long)id,
         GOV_DRAFT_LABEL);
  return CLI_EXIT_OK;
}

/* The backend: -m/--backend, else llm.model from lotse.conf. */
static int open_model(cli_ctx_t *ctx, args_t *a, llm_backend_t **b,
                      lotse_err_t *err) {
  int rc = cli_llm_open_conf(&a->llm, ctx->conf, b, err);
  if (rc || *b) return rc;
  return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "kein Sprachmodell: -m DATEI angeben oder llm.model "
                       "in lotse.conf eintragen");
}

static int do_draft(args_t *a, cli_ctx_t *ctx, const char *arg) {
  lotse_err_t err = {0};
  store_principal_t p;
  char *notes = NULL;
  size_t len = 0;
  if (strcmp(arg, "-")
          ? lotse_file_read(arg, MINUTES_NOTES_MAX, &notes, &len, &err)
          : lotse_stream_read(stdin, MINUTES_NOTES_MAX, &notes, &len, &err))
    return cli_fail(&err);
  llm_backend_t *b = NULL;
  gov_ctx_t *gc = NULL;
  minutes_draft_t d;
  memset(&d, 0, sizeof d);
  int rc = cli_workspace_open(ctx, &err);
  if (!rc) rc = cli_principal(ctx, a->user, &p, &err);
  if (!rc && open_model(ctx, a, &b, &err)) {
    free(notes);
    return cli_llm_fail(&err);
  }
  gov_ctx_opts_t go = {.store = ctx->st, .workspace = ctx->workspace,
                       .llm = b};
  if (!rc) rc = gov_ctx_open(&go, &gc, &err);
  minutes_draft_opts_t o = {.app_id = a->app, .max_tokens = a->max_tokens};
  if (!rc) rc = minutes_draft(gc, &p, notes ? notes : "", len, &o, &d, &err);
  int code = CLI_EXIT_OK;
  if (rc == LOTSE_EREFUSED && d.refused) {
    fprintf(stderr, "lotse: abgelehnt: %s\n", d.message);
    code = EXIT_REFUSED;
  } else if (rc) {
    code = cli_fail(&err);
  } else {
    char *js = json_dumps(d.doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (js) printf("%s\n", js);
    free(js);
    if (*d.finding) fprintf(stderr, "Hinweis: %s\n", d.finding);
    fprintf(stderr, "%s (Entwurf %lld)\n", GOV_DRAFT_LABEL,
            (long long)d.draft_id);
  }
  minutes_draft_release(&d);
  gov_ctx_free(gc);
  llm_close(b);
  free(notes);
  return code;
}

static int do_publish(const args_t *a, cli_ctx_t *ctx, const char *arg) {
  lotse_err_t err = {0};
  char *end;
  long long id = strtoll(arg, &end, 10);
  if (end == arg || *end || id <= 0)
    return cli_usage_error(cli_cmd_find("minutes"),
                           "publish: Entwurfsnummer erwartet, nicht '%s'",
                           arg);
  int cls = store_class_parse(a->cls ? a->cls : "intern");
  if (cls < 0)
    return cli_usage_error(cli_cmd_find("minutes"),
                           "--class: unbekannte Schutzklasse '%s'", a->cls);
  int64_t doc = 0;
  int rc = cli_workspace_open(ctx, &err);
  if (!rc) rc = minutes_publish(ctx->st, id, cls, NULL, 0, &doc, &err);
  if (rc) return cli_fail(&err);
  printf("Protokoll aus Entwurf %lld als Dokument %lld gespeichert\n", id,
         (long long)doc);
  return CLI_EXIT_OK;
}

static int check_sub(const cli_cmd_t *cmd, const char *sub,
                     const args_t *a) {
  if (strcmp(sub, "draft") && (a->llm_set || a->max_tokens))
    return cli_usage_error(cmd, "%s: Modelloptionen gelten nur für draft",
                           sub);
  if (a->cls && strcmp(sub, "publish"))
    return cli_usage_error(cmd, "%s: --class gilt nur für publish", sub);
  if (a->out && strcmp(sub, "render"))
    return cli_usage_error(cmd, "%s: --out gilt nur für render", sub);
  return 0;
}

/* 0 parsed; -1 help printed; else an exit code. */
static int parse_args(int argc, char **argv, const cli_cmd_t *cmd,
                      args_t *a) {
  char *val;
  int c;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    int lrc = cli_llm_opt(&a->llm, cmd, c, val);
    if (lrc == 0) {
      a->llm_set = 1;
      continue;
    }
    if (lrc != 1) return lrc;
    switch (c) {
    case OPT_MAX:
      lrc = cli_parse_int(cmd, "--max-tokens", val, 1, 1 << 16,
                          &a->max_tokens);
      if (lrc) return lrc;
      break;
    case OPT_FORMAT: a->format = val; break;
    case OPT_FROM_JSON: a->from_json = val; break;
    case OPT_USER: a->user = val; break;
    case OPT_APP: a->app = val; break;
    case OPT_CLASS: a->cls = val; break;
    case OPT_OUT: a->out = val; break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
  }
  return 0;
}

/* Operands left after the subcommand: argv[optind..argc). */
static int run_sub(const cli_cmd_t *cmd, const char *sub, args_t *a,
                   cli_ctx_t *ctx, int argc, char **argv) {
  int left = argc - optind;
  if (!strcmp(sub, "render")) {
    if (left != 1)
      return cli_usage_error(cmd, "render: genau eine DATEI oder - angeben");
    if (a->from_json || a->user || a->app)
      return cli_usage_error(cmd, "render: nur --format und --out");
    return do_render(a, argv[optind]);
  }
  if (!strcmp(sub, "new")) {
    if (left)
      return cli_usage_error(cmd, "new: unerwartetes Argument '%s'",
                             argv[optind]);
    if (!a->from_json) return cli_usage_error(cmd, "new: --from-json fehlt");
    if (!a->user) return cli_usage_error(cmd, "new: --user fehlt");
    if (a->format)
      return cli_usage_error(cmd, "new: --format gilt nur für render");
    return do_new(a, ctx);
  }
  if (!strcmp(sub, "publish")) {
    if (left != 1)
      return cli_usage_error(cmd, "publish: genau eine Entwurfsnummer "
                                  "angeben");
    if (a->format || a->from_json || a->user || a->app)
      return cli_usage_error(cmd, "publish: nur --class");
    return do_publish(a, ctx, argv[optind]);
  }
  if (!strcmp(sub, "draft")) {
    if (left != 1)
      return cli_usage_error(cmd, "draft: genau eine Notiz-DATEI oder - "
                                  "angeben");
    if (!a->user) return cli_usage_error(cmd, "draft: --user fehlt");
    if (a->format || a->from_json)
      return cli_usage_error(cmd, "draft: --format und --from-json gelten "
                                  "nicht");
    return do_draft(a, ctx, argv[optind]);
  }
  return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", sub);
}

int cmd_minutes(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("minutes");
  args_t a;
  memset(&a, 0, sizeof a);
  int rc = parse_args(argc, argv, cmd, &a);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  if (optind >= argc) return cli_usage_error(cmd, "kein Unterbefehl");
  const char *sub = argv[optind++];
  rc = check_sub(cmd, sub, &a);
  if (rc) return rc;
  return run_sub(cmd, sub, &a, ctx, argc, argv);
}
