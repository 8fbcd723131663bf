/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_write.c — the writing assistant (Schreibassistenz):
 *   `lotse write check [--json] [--max-words N] DATEI|-`: the style check
 *   for administrative German (text/style.h) on a text file or stdin. With
 *   --json one object per finding and line (rule, start, end, message,
 *   suggestion); without, a German list with line numbers. Exit 0 also
 *   when something was found.
 *   `lotse write draft --template ID --set NAME=WERT … [DATEI|-]`: a draft
 *   from a county template through the governed application (apps/write.h),
 *   printed with its label and the style check's findings; a refusal by
 *   the gate prints its German reason and exits 3.
 *   `lotse write templates`: the catalogue (the workspace's files in
 *   vorlagen/ and the built-in examples they do not replace), each with
 *   its title and placeholders or the error of a broken file (exit 1).
 */
#include "apps/write.h"
#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "text/style.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_JSON = 256, OPT_MAX_WORDS, OPT_TEMPLATE, OPT_TEMPLATE_FILE, OPT_SET,
  OPT_APP, OPT_USER, OPT_REGISTER, OPT_MAX_TOKENS, OPT_DOC, OPT_QUERY
};

#define WRITE_INPUT_MAX ((size_t)4 << 20)
#define EXIT_REFUSED 3
#define WRITE_APP_DEFAULT "schreiben"

const cli_opt_t cmd_write_opts[] = {
    {"json", OPT_JSON, NULL, "Ergebnis als JSON (check: ein Objekt je Hinweis und Zeile)"},
    {"max-words", OPT_MAX_WORDS, "N",
     "check: Sätze mit mehr als N Wörtern melden (Standard 25)"},
    {"template", OPT_TEMPLATE, "ID",
     "draft: Vorlage des Kreises (vorlagen/ID.txt im Arbeitsbereich) oder "
     "Beispiel (email, vermerk, bescheid, buergeranfrage, zusammenfassung)"},
    {"template-file", OPT_TEMPLATE_FILE, "DATEI", "draft: eigene Vorlage des Kreises"},
    {"set", OPT_SET, "NAME=WERT", "draft: Wert für einen Platzhalter (mehrfach)"},
    {"app", OPT_APP, "ID", "draft: Anwendung (Standard: schreiben)"},
    {"user", OPT_USER, "NAME", "draft: als dieser Benutzer (Rechte, Einheit, Schulungen)"},
    {"register", OPT_REGISTER, "R", "draft: fachlich oder buergernah (Standard: wie die Vorlage)"},
    {"doc", OPT_DOC, "ID", "draft: aus diesem Dokument (im Rahmen Ihrer Rechte) für „text“"},
    {"query", OPT_QUERY, "SUCHE", "draft: aus den besten Treffern dieser Suche für „text“"},
    {"max-tokens", OPT_MAX_TOKENS, "N", "draft: höchstens N Tokens Entwurf (Standard 1024)"},
    CLI_LLM_OPTS,
    {0, 0, 0, 0}};

typedef struct write_cli {
  cli_llm_t llm;
  text_style_opts_t style;
  write_opts_t wo;
  const char *template_id, *template_file, *user, *query;
  uint64_t doc;
  write_sources_t src;
  write_kv_t kv[WRITE_KEYS_MAX];
  size_t n_kv;
  int json, draft_opt;
} write_cli_t;

static int read_input(const char *path, char **data, size_t *len,
                      lotse_err_t *err) {
  if (strcmp(path, "-") != 0)
    return lotse_file_read(path, WRITE_INPUT_MAX, data, len, err);
  return lotse_stream_read(stdin, WRITE_INPUT_MAX, data, len, err);
}

static size_t line_of(const char *t, size_t off) {
  size_t line = 1;
  for (size_t i = 0; i < off; i++) line += t[i] == '\n';
  return line;
}

static int print_json(const text_style_list_t *l) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = 0;
  for (size_t k = 0; k < l->n && !rc; k++) {
    lotse_buf_reset(&b);
    rc = text_style_finding_json(&l->v[k], &b);
    if (!rc) printf("%.*s\n", (int)b.len, b.data);
  }
  lotse_buf_release(&b);
  return rc;
}

static void print_list(const char *text, const text_style_list_t *l) {
  if (l->n == 0) {
    printf("Keine Hinweise.\n");
    return;
  }
  size_t line = 1, at = 0;
  for (size_t k = 0; k < l->n; k++) {
    const text_style_finding_t *f = &l->v[k];
    line += line_of(text + at, f->start - at) - 1; /* findings are sorted */
    at = f->start;
    printf("Zeile %zu (Byte %zu–%zu): %s\n  Vorschlag: %s\n", line, f->start,
           f->end, f->message, f->suggestion);
  }
  printf("%zu Hinweis%s%s\n", l->n, l->n == 1 ? "" : "e",
         l->truncated ? " (weitere nicht aufgeführt)" : "");
}

static int parse_max_words(const cli_cmd_t *cmd, const char *v, unsigned *out) {
  char *end;
  long x = strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || x < 1 || x > 1000)
    return cli_usage_error(cmd, "--max-words erwartet eine Zahl von 1 bis 1000");
  *out = (unsigned)x;
  return 0;
}

static int parse_set(write_cli_t *w, const cli_cmd_t *cmd, char *val) {
  char *eq = strchr(val, '=');
  if (!eq || eq == val)
    return cli_usage_error(cmd, "--set erwartet NAME=WERT, nicht „%s“", val);
  if (w->n_kv >= WRITE_KEYS_MAX)
    return cli_usage_error(cmd, "höchstens %d Werte mit --set", WRITE_KEYS_MAX);
  *eq = '\0';
  w->kv[w->n_kv++] = (write_kv_t){val, eq + 1};
  return 0;
}

/* 0 handled, -1 help shown, else an exit code. */
static int parse_opt(write_cli_t *w, const cli_cmd_t *cmd, int c, char *val) {
  int rc = cli_llm_opt(&w->llm, cmd, c, val);
  if (rc != 1) return rc ? rc : (w->draft_opt = 1, 0);
  if (c >= OPT_TEMPLATE) w->draft_opt = 1;
  switch (c) {
  case OPT_JSON: w->json = 1; return 0;
  case OPT_MAX_WORDS: return parse_max_words(cmd, val, &w->style.max_words);
  case OPT_TEMPLATE: w->template_id = val; return 0;
  case OPT_TEMPLATE_FILE: w->template_file = val; return 0;
  case OPT_SET: return parse_set(w, cmd, val);
  case OPT_APP: w->wo.app_id = val; return 0;
  case OPT_USER: w->user = val; return 0;
  case OPT_REGISTER:
    if (!write_register_ok(val))
      return cli_usage_error(cmd, "--register erwartet fachlich oder buergernah");
    w->wo.reg = val;
    return 0;
  case OPT_DOC:
    if (cli_parse_u64(cmd, "--doc", val, &w->doc)) return CLI_EXIT_USAGE;
    if (w->doc == 0 || w->doc > INT64_MAX)
      return cli_usage_error(cmd, "--doc erwartet eine Dokumentnummer");
    return 0;
  case OPT_QUERY: w->query = val; return 0;
  case OPT_MAX_TOKENS:
    return cli_parse_int(cmd, "--max-tokens", val, 1, 1 << 16, &w->wo.max_tokens);
  case 'h': cli_usage(cmd, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

static int check(write_cli_t *w, const char *path) {
  lotse_err_t err = {0};
  char *text = NULL;
  size_t len = 0;
  if (read_input(path, &text, &len, &err)) return cli_fail(&err);
  text_style_list_t l = {0};
  int rc = text_style_check(text, len, &w->style, &l, &err);
  if (!rc && w->json) rc = print_json(&l);
  else if (!rc) print_list(text, &l);
  if (rc && !err.msg[0]) lotse_err_set(&err, rc, "out of memory");
  text_style_list_release(&l);
  free(text);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}

static int load_template(const cli_ctx_t *ctx, const write_cli_t *w,
                         write_template_t *t, lotse_err_t *err) {
  if (w->template_id)
    return write_template_find(ctx->workspace, w->template_id, t, NULL, err);
  char *data = NULL;
  size_t len = 0;
  int rc = lotse_file_read(w->template_file, WRITE_TEMPLATE_MAX, &data, &len, err);
  if (!rc) rc = write_template_parse(data, len, t, err);
  free(data);
  return rc;
}

static void print_json_error(const gov_decision_t *d) {
  json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "refused",
                        "reason", gov_refusal_code(d->reason), "message",
                        d->message);
  char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if (s) puts(s);
  free(s);
  json_decref(o);
}

static int print_draft_json(const write_template_t *t, const char *reg,
                            const write_result_t *r) {
  json_t *f = json_array();
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = f ? 0 : LOTSE_ENOMEM;
  for (size_t k = 0; k < r->findings.n && !rc; k++) {
    lotse_buf_reset(&b);
    rc = text_style_finding_json(&r->findings.v[k], &b);
    json_t *x = rc ? NULL : json_loadb(b.data, b.len, 0, NULL);
    rc = rc ? rc : json_array_append_new(f, x) ? LOTSE_ENOMEM : 0;
  }
  lotse_buf_release(&b);
  json_t *o = rc ? NULL
                 : json_pack("{s:s, s:s, s:s, s:I, s:s, s:s?, s:o}", "template",
                             t->id, "register", reg, "text", r->text,
                             "draft_id", (json_int_t)r->draft_id, "label",
                             GOV_DRAFT_LABEL, "notice", r->notice, "findings", f);
  if (!o && !rc) f = NULL; /* json_pack with "o" consumed it */
  char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if (s) puts(s);
  if (!o) json_decref(f);
  json_decref(o);
  rc = s ? 0 : LOTSE_ENOMEM;
  free(s);
  return rc;
}

static void print_draft(const write_result_t *r) {
  size_t n = strlen(r->text);
  printf("%s%s", r->text, n && r->text[n - 1] == '\n' ? "" : "\n");
  printf("\n%s (Entwurf %lld)\n", GOV_DRAFT_LABEL, (long long)r->draft_id);
  if (r->notice) printf("%s\n", r->notice);
  printf("\nStilprüfung:\n");
  print_list(r->text, &r->findings);
}

static int load_sources(cli_ctx_t *ctx, write_cli_t *w,
                        const store_principal_t *p, lotse_err_t *err) {
  if (w->doc) return write_sources_doc(ctx->st, p, (int64_t)w->doc, &w->src, err);
  if (!w->query) return 0;
  search_t *s = NULL;
  int rc = search_new(ctx->st, &s, err);
  if (!rc) rc = write_sources_query(s, ctx->st, p, w->query,
                                    WRITE_QUERY_PASSAGES, &w->src, err);
  search_free(s);
  return rc;
}

/* The gate and the model; t is filled. */
static int draft_run(cli_ctx_t *ctx, write_cli_t *w, const write_template_t *t) {
  lotse_err_t err = {0};
  store_principal_t p;
  llm_backend_t *b = NULL;
  gov_ctx_t *gc = NULL;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, w->user, &p, &err))
    return cli_fail(&err);
  if (cli_llm_open_conf(&w->llm, ctx->conf, &b, &err)) return cli_llm_fail(&err);
  gov_ctx_opts_t go = {.store = ctx->st, .workspace = ctx->workspace, .llm = b};
  write_result_t r;
  memset(&r, 0, sizeof r);
  int rc = gov_ctx_open(&go, &gc, &err);
  if (!rc) rc = load_sources(ctx, w, &p, &err);
  w->wo.src = &w->src;
  if (!rc) rc = write_draft(gc, &p, t, w->kv, w->n_kv, &w->wo, &r, &err);
  int exit_code = CLI_EXIT_OK;
  if (rc == LOTSE_EREFUSED && r.decision.reason != GOV_REFUSE_NONE) {
    if (w->json) print_json_error(&r.decision);
    fprintf(stderr, "lotse: abgelehnt: %s\n", r.decision.message);
    exit_code = EXIT_REFUSED;
  } else if (rc) {
    exit_code = cli_fail(&err);
  } else if (w->json) {
    const char *reg = w->wo.reg ? w->wo.reg : t->reg;
    if (print_draft_json(t, reg, &r)) exit_code = CLI_EXIT_FAIL;
  } else {
    print_draft(&r);
  }
  write_result_release(&r);
  write_sources_release(&w->src);
  gov_ctx_free(gc);
  llm_close(b);
  return exit_code;
}

/* path: optional DATEI|- whose text fills the placeholder "text". */
static int draft(cli_ctx_t *ctx, write_cli_t *w, const char *path) {
  const cli_cmd_t *cmd = cli_cmd_find("write");
  if (!w->template_id == !w->template_file)
    return cli_usage_error(cmd, "genau eine von --template oder --template-file angeben");
  if (!w->wo.app_id) w->wo.app_id = WRITE_APP_DEFAULT;
  lotse_err_t err = {0};
  write_template_t t;
  if (load_template(ctx, w, &t, &err)) return cli_fail(&err);
  char *text = NULL;
  size_t len = 0;
  int rc = 0;
  if (w->doc && w->query)
    rc = cli_usage_error(cmd, "höchstens eine von --doc oder --query angeben");
  else if (path && (w->doc || w->query))
    rc = cli_usage_error(cmd, "DATEI nicht zusammen mit --doc oder --query");
  else if (path && w->n_kv >= WRITE_KEYS_MAX)
    rc = cli_usage_error(cmd, "höchstens %d Werte mit --set", WRITE_KEYS_MAX);
  else if (path && read_input(path, &text, &len, &err))
    rc = cli_fail(&err);
  else if (path && (memchr(text, '\0', len) || !lotse_utf8_valid(text, len)))
    rc = cli_usage_error(cmd, "die DATEI ist kein UTF-8-Text");
  if (!rc && path) w->kv[w->n_kv++] = (write_kv_t){"text", text};
  if (!rc) rc = draft_run(ctx, w, &t);
  free(text);
  write_template_release(&t);
  return rc;
}

/* One line per template: id, source, title, placeholders, or the error. */
static int templates(cli_ctx_t *ctx, const write_cli_t *w) {
  if (w->draft_opt || w->json || w->style.max_words)
    return cli_usage_error(cli_cmd_find("write"),
                           "'templates' hat keine Optionen");
  write_catalog_t c;
  lotse_err_t err = {0};
  if (write_catalog_list(ctx->workspace, &c, &err)) return cli_fail(&err);
  int broken = 0;
  for (size_t i = 0; i < c.n; i++) {
    const write_catalog_entry_t *e = &c.e[i];
    const char *src = e->from_file ? "Datei" : "Beispiel";
    write_template_t t;
    if (e->error || write_template_find(ctx->workspace, e->id, &t, NULL, &err)) {
      printf("%-20s %-8s FEHLER: %s\n", e->id, src,
             e->error ? e->error : err.msg);
      broken++;
      continue;
    }
    printf("%-20s %-8s %s (%s; Platzhalter:", e->id, src, t.title, t.reg);
    for (size_t k = 0; k < t.n_keys; k++)
      printf("%s %s", k ? "," : "", t.keys[k]);
    printf("%s)\n", t.n_keys ? "" : " keine");
    write_template_release(&t);
  }
  write_catalog_release(&c);
  if (broken)
    fprintf(stderr, "lotse: %d Vorlage(n) fehlerhaft; sie werden nicht "
                    "verwendet\n", broken);
  return broken ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_write(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("write");
  write_cli_t w;
  memset(&w, 0, sizeof w);
  int c, rc = 0;
  char *val;
  while (rc == 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1)
    rc = parse_opt(&w, cmd, c, val);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  const char *sub = optind < argc ? argv[optind] : "";
  int n = argc - optind - 1;
  if (strcmp(sub, "check") == 0) {
    if (w.draft_opt)
      return cli_usage_error(cmd, "diese Optionen gelten nur für 'draft'");
    if (n != 1) return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
    return check(&w, argv[optind + 1]);
  }
  if (strcmp(sub, "draft") == 0) {
    if (n > 1) return cli_usage_error(cmd, "höchstens eine DATEI oder - angeben");
    return draft(ctx, &w, n == 1 ? argv[optind + 1] : NULL);
  }
  if (strcmp(sub, "templates") == 0) {
    if (n != 0) return cli_usage_error(cmd, "'templates' nimmt keine DATEI");
    return templates(ctx, &w);
  }
  return cli_usage_error(cmd,
                         "Unterbefehl 'check', 'draft' oder 'templates' erwartet");
}
