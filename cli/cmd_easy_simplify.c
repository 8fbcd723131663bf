/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_simplify.c — `lotse easy simplify [--app ID] --user NAME
 * [--max-words N] [--max-letters N] [--max-tokens N] [--json]
 * [Modelloptionen] DATEI|-`: a Bescheid or letter to a draft in Leichte
 * Sprache through the governed application (apps/easy_simplify.h), then
 * the rule check of `lotse easy check` on the draft.
 *
 * Output: the draft on stdout; label, draft id, number of findings and the
 * Flesch score before/after on stderr. --json: one object {draft_id,
 * label, notice, ai_notice, text, original_scores} and then the lines of
 * `lotse easy check --json` for the draft. Exit 0 done (findings are
 * information), 1 error or no model, 2 usage, 3 refused by the gate.
 */
#include "apps/easy_qr.h"
#include "apps/easy_simplify.h"
#include "cli/cli.h"
#include "cli/cli_llm.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_JSON = 256, OPT_APP, OPT_USER, OPT_MAX_WORDS, OPT_MAX_LETTERS,
  OPT_MAX_TOKENS
};

#define EXIT_REFUSED 3
#define JSON_FLAGS \
  (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static const cli_opt_t opts[] = {
    {"app", OPT_APP, "ID", "Anwendung (Standard: leichte-sprache)"},
    {"user", OPT_USER, "NAME",
     "als dieser Benutzer (Rechte, Einheit, Schulungen; Pflicht)"},
    {"max-words", OPT_MAX_WORDS, "N",
     "Prüfung: höchstens N Wörter je Satz (Standard 12)"},
    {"max-letters", OPT_MAX_LETTERS, "N",
     "Prüfung: Wörter mit mehr als N Buchstaben melden (Standard 12)"},
    {"max-tokens", OPT_MAX_TOKENS, "N",
     "höchstens N Tokens Entwurf (Standard 2048)"},
    {"json", OPT_JSON, NULL,
     "Entwurf als JSON-Objekt, danach die Zeilen von easy check --json"},
    CLI_LLM_OPTS,
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_easy_simplify_def = {
    "easy simplify", run,
    "lotse easy simplify [--app ID] --user NAME [--max-words N] "
    "[--max-letters N] [--max-tokens N] [--json] [Modelloptionen] DATEI|-",
    "Bescheid mit KI in Leichte Sprache übertragen, Entwurf prüfen", opts, 0};

typedef struct args {
  cli_llm_t llm;
  easy_simplify_opts_t o;
  const char *user;
  int json;
} args_t;

/* 0 handled, -1 help shown, else an exit code. */
static int parse_opt(args_t *a, const cli_cmd_t *cmd, int c, char *val) {
  int rc = cli_llm_opt(&a->llm, cmd, c, val);
  if (rc != 1) return rc;
  switch (c) {
  case OPT_JSON: a->json = 1; return 0;
  case OPT_APP: a->o.app_id = val; return 0;
  case OPT_USER: a->user = val; return 0;
  case OPT_MAX_WORDS:
    return cli_parse_int(cmd, "--max-words", val, 1, 1000, &a->o.max_words);
  case OPT_MAX_LETTERS:
    return cli_parse_int(cmd, "--max-letters", val, 1, 1000,
                         &a->o.long_letters);
  case OPT_MAX_TOKENS:
    return cli_parse_int(cmd, "--max-tokens", val, 1, 1 << 16,
                         &a->o.max_tokens);
  case 'h': cli_usage(cmd, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

static int print_line(json_t *o) {
  char *s = o ? json_dumps(o, JSON_FLAGS) : NULL;
  json_decref(o);
  if (!s) return LOTSE_ENOMEM;
  puts(s);
  free(s);
  return 0;
}

static void print_refusal(const gov_decision_t *d) {
  print_line(json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "refused",
                       "reason", gov_refusal_code(d->reason), "message",
                       d->message));
}

/* The draft object, then the lines of `lotse easy check --json`. */
static int print_json(const easy_simplify_t *r) {
  json_t *orig = easy_scores_json(&r->original);
  json_t *head = orig ? json_pack("{s:I, s:s, s:s, s:s?, s:s, s:o}",
                                  "draft_id", (json_int_t)r->draft_id, "label",
                                  GOV_DRAFT_LABEL, "notice", EASY_NOTICE_DE,
                                  "ai_notice", r->ai_notice, "text", r->text,
                                  "original_scores", orig)
                      : NULL;
  if (!head) return LOTSE_ENOMEM;
  int rc = print_line(head);
  json_t *f = rc ? NULL : easy_findings_json(&r->check);
  if (!rc && !f) rc = LOTSE_ENOMEM;
  for (size_t k = 0; !rc && k < json_array_size(f); k++)
    rc = print_line(json_incref(json_array_get(f, k)));
  json_decref(f);
  if (!rc) {
    json_t *s = easy_scores_json(&r->check);
    rc = print_line(s ? json_pack("{s:o}", "scores", s) : NULL);
  }
  return rc;
}

static void print_text(const easy_simplify_t *r) {
  size_t n = strlen(r->text);
  printf("%s%s", r->text, n && r->text[n - 1] == '\n' ? "" : "\n");
  fprintf(stderr, "%s (Entwurf %lld)\n%s\n", GOV_DRAFT_LABEL,
          (long long)r->draft_id, EASY_NOTICE_DE);
  if (r->ai_notice) fprintf(stderr, "%s\n", r->ai_notice);
  fprintf(stderr,
          "%zu Hinweis%s der Regelprüfung (lotse easy check). Lesbarkeit "
          "(Flesch, Amstad): vorher %.1f, nachher %.1f\n",
          r->check.n, r->check.n == 1 ? "" : "e", r->original.scores.fre,
          r->check.scores.fre);
}

static int simplify(args_t *a, cli_ctx_t *ctx, const char *text, size_t len) {
  lotse_err_t err = {0};
  store_principal_t p;
  llm_backend_t *b = NULL;
  gov_ctx_t *gc = NULL;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, a->user, &p, &err))
    return cli_fail(&err);
  if (cli_llm_open_conf(&a->llm, ctx->conf, &b, &err))
    return cli_llm_fail(&err);
  gov_ctx_opts_t go = {.store = ctx->st, .workspace = ctx->workspace,
                       .llm = b};
  easy_simplify_t r;
  memset(&r, 0, sizeof r);
  int rc = gov_ctx_open(&go, &gc, &err);
  if (!rc) rc = easy_simplify(gc, &p, text, len, &a->o, &r, &err);
  int code = CLI_EXIT_OK;
  if (rc == LOTSE_EREFUSED && r.decision.reason != GOV_REFUSE_NONE) {
    if (a->json) print_refusal(&r.decision);
    fprintf(stderr, "lotse: abgelehnt: %s\n", r.decision.message);
    code = EXIT_REFUSED;
  } else if (rc) {
    code = cli_fail(&err);
  } else if (a->json) {
    if (print_json(&r)) code = CLI_EXIT_FAIL;
    fprintf(stderr, "%s (Entwurf %lld)\n", GOV_DRAFT_LABEL,
            (long long)r.draft_id);
  } else {
    print_text(&r);
  }
  easy_simplify_release(&r);
  gov_ctx_free(gc);
  llm_close(b);
  return code;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = &cmd_easy_simplify_def;
  args_t a;
  memset(&a, 0, sizeof a);
  int c, rc = 0;
  char *val;
  while (rc == 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1)
    rc = parse_opt(&a, cmd, c, val);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  if (argc - optind != 1)
    return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
  if (!a.user) return cli_usage_error(cmd, "--user fehlt");
  lotse_err_t err = {0};
  char *text = NULL;
  size_t len = 0;
  const char *path = argv[optind];
  if (strcmp(path, "-") ? lotse_file_read(path, EASY_SIMPLIFY_MAX, &text,
                                          &len, &err)
                        : lotse_stream_read(stdin, EASY_SIMPLIFY_MAX, &text,
                                            &len, &err))
    return cli_fail(&err);
  rc = simplify(&a, ctx, text, len);
  free(text);
  return rc;
}
