/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_version.c — `lotse easy version new|edit|review|publish|
 * withdraw|list|show`: easy-language versions of a Bescheid with their
 * review status and their permanent public address (apps/easy_version.h,
 * docs/cli/easy-version.md).
 *
 * Contract: every change names the acting user (--user) and is recorded in
 * the audit trail of the workspace (easy.create … easy.withdraw); a change
 * that is refused stores nothing. Texts come from a file or stdin (--text),
 * never from the command line, so they do not end up in shell history.
 */
#include "cli/cli.h"

#include "apps/easy_version.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OPT_USER = 'u', OPT_REF = 256, OPT_DOC, OPT_DRAFT, OPT_CLASS,
       OPT_TEXT, OPT_STATE, OPT_NOTE, OPT_OVERRIDE, OPT_REASON, OPT_BASE,
       OPT_LIMIT, OPT_JSON };

static const cli_opt_t opts[] = {
    {"user", OPT_USER, "NAME", "handelnde Person (Pflicht)"},
    {"ref", OPT_REF, "AKTENZEICHEN",
     "new: Aktenzeichen des verbindlichen Bescheids (Pflicht)"},
    {"doc", OPT_DOC, "NR", "new: Dokumentnummer des Bescheids im Bestand"},
    {"draft", OPT_DRAFT, "NR",
     "new: Text aus diesem KI-Entwurf (lotse easy simplify) übernehmen"},
    {"class", OPT_CLASS, "KLASSE",
     "new: Datenklasse (Vorgabe: die des Dokuments, sonst intern)"},
    {"text", OPT_TEXT, "DATEI",
     "new, edit: Text aus DATEI (- für die Standardeingabe)"},
    {"state", OPT_STATE, "STUFE",
     "review: geprueft (Vorgabe) oder pruefgruppe"},
    {"note", OPT_NOTE, "TEXT", "review: Bemerkung zur Prüfung"},
    {"override", OPT_OVERRIDE, "GRUND",
     "publish: trotz Befunden der Regelprüfung veröffentlichen, mit Grund"},
    {"reason", OPT_REASON, "GRUND", "withdraw: Grund (Pflicht)"},
    {"base-url", OPT_BASE, "URL",
     "Basisadresse (Vorgabe: [server] public_url in lotse.conf)"},
    {"limit", OPT_LIMIT, "N", "list: höchstens N Einträge (Vorgabe 100)"},
    {"json", OPT_JSON, NULL, "Ausgabe als JSON"},
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_easy_version_def = {
    "easy version", run,
    "lotse easy version new|edit|review|publish|withdraw|list|show --user "
    "NAME [OPTIONEN] [KENNUNG]",
    "Fassungen in Leichter Sprache anlegen, prüfen, veröffentlichen", opts,
    0};

typedef struct args {
  const char *sub, *id, *user, *ref, *cls, *text, *state, *note, *override,
      *reason, *base;
  int64_t doc, draft;
  int limit, json;
} args_t;

static int number(const char *opt, const char *val, int64_t max,
                  int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(val, &end, 10);
  if (errno || end == val || *end || v < 1 || v > max)
    return cli_usage_error(&cmd_easy_version_def,
                           "--%s: ganze Zahl ab 1 erwartet, nicht '%s'", opt,
                           val);
  *out = v;
  return 0;
}

static int parse_opt(int c, char *val, args_t *a) {
  int64_t n;
  switch (c) {
  case OPT_USER: a->user = val; return 0;
  case OPT_REF: a->ref = val; return 0;
  case OPT_DOC: return number("doc", val, INT64_MAX, &a->doc);
  case OPT_DRAFT: return number("draft", val, INT64_MAX, &a->draft);
  case OPT_CLASS: a->cls = val; return 0;
  case OPT_TEXT: a->text = val; return 0;
  case OPT_STATE: a->state = val; return 0;
  case OPT_NOTE: a->note = val; return 0;
  case OPT_OVERRIDE: a->override = val; return 0;
  case OPT_REASON: a->reason = val; return 0;
  case OPT_BASE: a->base = val; return 0;
  case OPT_LIMIT:
    if (number("limit", val, 1000, &n)) return CLI_EXIT_USAGE;
    a->limit = (int)n;
    return 0;
  case OPT_JSON: a->json = 1; return 0;
  case 'h': cli_usage(&cmd_easy_version_def, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

/* Which options each subcommand takes (besides --user, --json). */
static const struct {
  const char *sub;
  int needs_id;
} SUBS[] = {{"new", 0},     {"edit", 1},     {"review", 1}, {"publish", 1},
            {"withdraw", 1}, {"list", 0},    {"show", 1}};

static int parse_args(int argc, char **argv, args_t *a) {
  const cli_cmd_t *cmd = &cmd_easy_version_def;
  char *val;
  int c, rc;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1)
    if ((rc = parse_opt(c, val, a))) return rc;
  if (optind >= argc)
    return cli_usage_error(cmd, "Unterbefehl fehlt (new, edit, review, "
                           "publish, withdraw, list oder show)");
  a->sub = argv[optind++];
  int needs_id = -1;
  for (size_t i = 0; i < sizeof SUBS / sizeof SUBS[0]; i++)
    if (!strcmp(a->sub, SUBS[i].sub)) needs_id = SUBS[i].needs_id;
  if (needs_id < 0)
    return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", a->sub);
  if (needs_id && optind < argc) a->id = argv[optind++];
  if (needs_id && !a->id)
    return cli_usage_error(cmd, "%s: KENNUNG der Fassung fehlt", a->sub);
  if (optind < argc)
    return cli_usage_error(cmd, "unerwartetes Argument '%s'", argv[optind]);
  if (!a->user) return cli_usage_error(cmd, "--user NAME fehlt");
  if (!strcmp(a->sub, "new") && !a->ref)
    return cli_usage_error(cmd, "new: --ref AKTENZEICHEN fehlt");
  if (!strcmp(a->sub, "new") && !a->text && !a->draft)
    return cli_usage_error(cmd, "new: --text DATEI oder --draft NR angeben");
  if (!strcmp(a->sub, "edit") && !a->text)
    return cli_usage_error(cmd, "edit: --text DATEI fehlt");
  if (!strcmp(a->sub, "withdraw") && !a->reason)
    return cli_usage_error(cmd, "withdraw: --reason GRUND fehlt");
  return 0;
}

/* ------------------------------------------------------------ helpers */

static int read_text(const char *path, char **out, lotse_err_t *err) {
  size_t len = 0;
  int rc = strcmp(path, "-") ? lotse_file_read(path, EASY_VERSION_TEXT_MAX,
                                               out, &len, err)
                             : lotse_stream_read(stdin, EASY_VERSION_TEXT_MAX,
                                                 out, &len, err);
  if (!rc && strlen(*out) != len) {
    free(*out);
    *out = NULL;
    rc = lotse_err_set(err, LOTSE_EINVAL, "Text enthält ein NUL-Byte");
  }
  return rc;
}

/* The permanent address of id (malloc'ed), or NULL when no base address
 * is known (--base-url, else [server] public_url). */
static char *permalink(cli_ctx_t *ctx, const args_t *a, const char *id) {
  const char *base = a->base;
  char *url = NULL;
  lotse_err_t err = {0};
  if (!base && ctx->conf)
    base = lotse_conf_get(ctx->conf, "server.public_url", NULL);
  if (base && *base && easy_qr_permalink(base, id, &url, &err)) {
    fprintf(stderr, "lotse: %s\n", err.msg);
    url = NULL;
  }
  return url;
}

static void print_json(json_t *j) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) printf("%s\n", s);
  free(s);
}

static const char *s_of(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

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

/* ------------------------------------------------------------ reading */

static int do_list(cli_ctx_t *ctx, const args_t *a,
                   const store_principal_t *p) {
  json_t *l;
  lotse_err_t err = {0};
  if (easy_version_list_json(ctx->st, p, a->limit, &l, &err))
    return cli_fail(&err);
  if (a->json) print_json(l);
  if (!a->json && !json_array_size(l)) printf("Keine Fassungen.\n");
  size_t i;
  json_t *v;
  json_array_foreach(l, i, v) {
    if (a->json) break;
    char when[32];
    fmt_time(json_object_get(v, "created_at"), when);
    printf("%s  %-16s rev %-3lld %-15s %s  %s\n", s_of(v, "id"),
           s_of(v, "status"),
           (long long)json_integer_value(json_object_get(v, "rev")),
           json_is_true(json_object_get(v, "online")) ? "online" : "-", when,
           s_of(v, "bescheid_ref"));
  }
  json_decref(l);
  return CLI_EXIT_OK;
}

static void show_text(json_t *v, const char *url) {
  char when[32];
  printf("Fassung %s — %s\n", s_of(v, "id"), s_of(v, "status"));
  printf("Bescheid: %s", s_of(v, "bescheid_ref"));
  if (json_is_integer(json_object_get(v, "doc_id")))
    printf(" (Dokument %lld)",
           (long long)json_integer_value(json_object_get(v, "doc_id")));
  fmt_time(json_object_get(v, "created_at"), when);
  printf("\nDatenklasse: %s\nAngelegt: %s von %s\n", s_of(v, "data_class"),
         when, s_of(v, "created_by"));
  printf("Adresse: %s\n", url ? url : s_of(v, "path"));
  if (json_is_integer(json_object_get(v, "published_rev")))
    printf("Online: Überarbeitung %lld%s\n",
           (long long)json_integer_value(json_object_get(v, "published_rev")),
           json_is_true(json_object_get(v, "online")) ? "" : " (zurückgezogen)");
  json_t *revs = json_object_get(v, "revisions");
  json_t *cur = json_array_get(revs, json_array_size(revs) - 1);
  printf("\nÜberarbeitung %lld (%s, von %s):\n%s\n",
         (long long)json_integer_value(json_object_get(cur, "rev")),
         s_of(cur, "status"), s_of(cur, "author"), s_of(cur, "text"));
  printf("\nVerlauf:\n");
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(v, "history"), i, h) {
    fmt_time(json_object_get(h, "at"), when);
    printf("  %s  %-14s rev %lld  %-16s %s%s%s\n", when, s_of(h, "action"),
           (long long)json_integer_value(json_object_get(h, "rev")),
           s_of(h, "to_status"), s_of(h, "actor"),
           *s_of(h, "note") ? ": " : "", s_of(h, "note"));
  }
}

static int do_show(cli_ctx_t *ctx, const args_t *a,
                   const store_principal_t *p, const char *id) {
  json_t *v;
  lotse_err_t err = {0};
  if (easy_version_json(ctx->st, p, id, &v, &err)) return cli_fail(&err);
  char *url = permalink(ctx, a, id);
  if (url) json_object_set_new(v, "url", json_string(url));
  if (a->json)
    print_json(v);
  else
    show_text(v, url);
  free(url);
  json_decref(v);
  return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ changes */

static int do_new(cli_ctx_t *ctx, const args_t *a,
                  const easy_version_ctx_t *c) {
  lotse_err_t err = {0};
  easy_version_new_t in = {.bescheid_ref = a->ref, .doc_id = a->doc,
                           .draft_id = a->draft, .data_class = -1};
  if (a->cls && (in.data_class = store_class_parse(a->cls)) < 0)
    return cli_usage_error(&cmd_easy_version_def,
                           "--class: unbekannte Datenklasse '%s'", a->cls);
  char *text = NULL;
  if (a->text && read_text(a->text, &text, &err)) return cli_fail(&err);
  in.text = text;
  char id[EASY_VERSION_ID_LEN + 1];
  int rc = easy_version_create(c, &in, id, &err);
  free(text);
  if (rc) return cli_fail(&err);
  char *url = permalink(ctx, a, id);
  if (a->json) {
    json_t *o = json_pack("{s:s, s:s?, s:s}", "id", id, "url", url, "status",
                          "entwurf");
    print_json(o);
    json_decref(o);
  } else {
    printf("Kennung: %s\nAdresse: %s\n", id, url ? url : "(keine)");
  }
  if (!url)
    fprintf(stderr, "Hinweis: keine Basisadresse; [server] public_url in "
                    "lotse.conf eintragen oder --base-url angeben\n");
  fprintf(stderr, "QR-Code für den Bescheid: lotse easy qr --id %s --png "
                  "qr.png\nStand: Entwurf; online erst nach Prüfung durch "
                  "eine zweite Person und Veröffentlichung\n", id);
  free(url);
  return CLI_EXIT_OK;
}

static int do_change(const args_t *a, const easy_version_ctx_t *c) {
  lotse_err_t err = {0};
  int rc = 0, rev = 0, findings = 0;
  if (!strcmp(a->sub, "edit")) {
    char *text = NULL;
    if (read_text(a->text, &text, &err)) return cli_fail(&err);
    rc = easy_version_edit(c, a->id, text, &rev, &err);
    free(text);
    if (!rc) printf("Überarbeitung %d angelegt (Entwurf)\n", rev);
  } else if (!strcmp(a->sub, "review")) {
    easy_review_t to = EASY_REVIEW_CHECKED;
    if (a->state && (easy_review_parse(a->state, &to) ||
                     (to != EASY_REVIEW_CHECKED && to != EASY_REVIEW_TESTED)))
      return cli_usage_error(&cmd_easy_version_def,
                             "--state: geprueft oder pruefgruppe, nicht '%s'",
                             a->state);
    rc = easy_version_review(c, a->id, to, a->note, &err);
    if (!rc) printf("Stand: %s\n", easy_review_name(to));
  } else if (!strcmp(a->sub, "publish")) {
    rc = easy_version_publish(c, a->id, a->override, &findings, &err);
    if (!rc)
      printf("Veröffentlicht (%d Befund%s der Regelprüfung)\n", findings,
             findings == 1 ? "" : "e");
  } else {
    rc = easy_version_withdraw(c, a->id, a->reason, &err);
    if (!rc) printf("Zurückgezogen\n");
  }
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  args_t a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  lotse_err_t err = {0};
  store_principal_t p;
  if (cli_workspace_open(ctx, &err) || cli_principal(ctx, a.user, &p, &err))
    return cli_fail(&err);
  easy_version_ctx_t c = {.st = ctx->st, .workspace = ctx->workspace,
                          .who = &p};
  if (!strcmp(a.sub, "list")) return do_list(ctx, &a, &p);
  if (!strcmp(a.sub, "show")) return do_show(ctx, &a, &p, a.id);
  if (!strcmp(a.sub, "new")) return do_new(ctx, &a, &c);
  return do_change(&a, &c);
}
