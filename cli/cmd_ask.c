/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_ask.c — `lotse ask [OPTIONEN] FRAGE`: a question to the governed
 * application "Fragen", answered from the documents the user may read,
 * with citations, through the runtime gate (gov/gate.h).
 *
 * The model is the one named by -m/--backend, else llm.model from
 * lotse.conf; with none, the answer is extractive. The answer streams to
 * stdout; sources, label and draft follow. A refusal by the gate prints
 * its German reason and exits 3.
 */
#include "apps/fragen.h"
#include "cli/cli_llm.h"
#include "search/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_REFUSED 3

enum { OPT_USER = 256, OPT_APP, OPT_JSON, OPT_PASSAGES, OPT_MAX };

const cli_opt_t cmd_ask_opts[] = {
    {"user", OPT_USER, "NAME", "als dieser Benutzer fragen (Rechte, Einheit, Schulungen)"},
    {"app", OPT_APP, "ID", "Anwendung (Standard: fragen)"},
    {"json", OPT_JSON, NULL, "Antwort, Quellen und Entwurf als ein JSON-Objekt"},
    {"passages", OPT_PASSAGES, "N", "höchstens N Textstellen als Quellen (Standard 5, höchstens 10)"},
    {"max-tokens", OPT_MAX, "N", "höchstens N Tokens Antwort (Standard 512)"},
    CLI_LLM_OPTS,
    {0, 0, 0, 0}};

typedef struct ask {
  cli_llm_t llm;
  fragen_opts_t fo;
  const char *user;
  int json;
} ask_t;

static int parse_opt(ask_t *a, const cli_cmd_t *cmd, int c, char *val) {
  int rc = cli_llm_opt(&a->llm, cmd, c, val);
  if (rc != 1) return rc;
  switch (c) {
  case OPT_USER: a->user = val; return 0;
  case OPT_APP: a->fo.app_id = val; return 0;
  case OPT_JSON: a->json = 1; return 0;
  case OPT_PASSAGES:
    return cli_parse_int(cmd, "--passages", val, 1, FRAGEN_PASSAGES_MAX,
                         &a->fo.passages);
  case OPT_MAX:
    return cli_parse_int(cmd, "--max-tokens", val, 1, 1 << 16,
                         &a->fo.max_tokens);
  case 'h': cli_usage(cmd, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

static int print_text(void *ud, const char *text, size_t len) {
  (void)ud;
  fwrite(text, 1, len, stdout);
  fflush(stdout);
  return ferror(stdout) ? 1 : 0;
}

static void print_human(const fragen_answer_t *a) {
  size_t n = strlen(a->text);
  if (n && a->text[n - 1] != '\n') printf("\n");
  if (a->n_sources) printf("\nQuellen:\n");
  for (size_t i = 0; i < a->n_sources; i++) {
    const fragen_source_t *s = &a->sources[i];
    printf("[%d] %s", s->n, s->title);
    if (*s->section) printf(", Abschnitt: %s", s->section);
    if (s->page) printf(", Seite %d", s->page);
    printf(" (Dokument %lld)\n", (long long)s->doc_id);
  }
  if (a->draft_id)
    printf("\n%s (Entwurf %lld)\n", GOV_DRAFT_LABEL, (long long)a->draft_id);
  if (a->notice) printf("%s\n", a->notice);
}

static int refused(const ask_t *a, const gov_decision_t *d) {
  if (a->json) {
    json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "refused",
                          "reason", gov_refusal_code(d->reason), "message",
                          d->message);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (s) puts(s);
    free(s);
    json_decref(o);
  }
  fprintf(stderr, "lotse: abgelehnt: %s\n", d->message);
  return EXIT_REFUSED;
}

static int run(cli_ctx_t *ctx, ask_t *a, const char *question) {
  lotse_err_t err = {0};
  store_principal_t p;
  search_t *s = NULL;
  llm_backend_t *b = NULL;
  gov_ctx_t *gc = NULL;
  fragen_answer_t ans;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, a->user, &p, &err))
    return cli_fail(&err);
  if (cli_llm_open_conf(&a->llm, ctx->conf, &b, &err)) return cli_llm_fail(&err);
  gov_ctx_opts_t go = {.store = ctx->st, .workspace = ctx->workspace, .llm = b};
  int rc = search_new(ctx->st, &s, &err);
  if (!rc) rc = gov_ctx_open(&go, &gc, &err);
  if (!a->json) a->fo.on_text = print_text;
  if (!rc) rc = fragen_ask(gc, s, ctx->st, &p, question, &a->fo, &ans, &err);
  int exit_code = CLI_EXIT_OK;
  if (rc == LOTSE_EREFUSED && ans.decision.reason != GOV_REFUSE_NONE) {
    exit_code = refused(a, &ans.decision);
  } else if (rc) {
    exit_code = cli_fail(&err);
  } else {
    if (a->json) {
      json_t *o = fragen_answer_json(&ans);
      char *js = o ? json_dumps(o, JSON_COMPACT) : NULL;
      if (js) puts(js);
      else exit_code = CLI_EXIT_FAIL;
      free(js);
      json_decref(o);
    } else {
      print_human(&ans);
    }
    fragen_answer_release(&ans);
  }
  gov_ctx_free(gc);
  search_free(s);
  llm_close(b);
  return exit_code;
}

/* All operands form the question, so quotes are not needed. */
static char *join_args(int argc, char **argv) {
  lotse_buf_t b;
  lotse_buf_init(&b, FRAGEN_QUESTION_MAX + 1);
  for (int i = 0; i < argc; i++)
    if ((i && lotse_buf_putc(&b, ' ')) || lotse_buf_puts(&b, argv[i])) {
      lotse_buf_release(&b);
      return NULL;
    }
  return b.data ? lotse_buf_detach(&b) : lotse_strdup("");
}

int cmd_ask(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("ask");
  ask_t a = {0};
  int c, rc = 0;
  char *val;
  while (rc == 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1)
    rc = parse_opt(&a, cmd, c, val);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  if (optind >= argc) return cli_usage_error(cmd, "keine Frage angegeben");
  char *q = join_args(argc - optind, argv + optind);
  if (!q)
    return cli_usage_error(cmd, "die Frage ist zu lang (höchstens %d Bytes)",
                           FRAGEN_QUESTION_MAX);
  rc = run(ctx, &a, q);
  free(q);
  return rc;
}
