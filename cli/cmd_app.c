/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_app.c — `lotse app …`: register AI applications, change them
 * (new versions), classify them with the AI-Act questionnaire, and take
 * them through submission, approvals by role, suspension and retirement.
 *
 * The CLI runs with the rights of whoever may open the workspace (the
 * administrator); decisions that belong to a role (approve, reject,
 * opinion) name the deciding person with --user and are checked against
 * that person's roles (gov/registry.h). Exit: 0 done, 1 refused or failed
 * (German reason on stderr), 2 usage.
 */
#include "cli/cli.h"
#include "gov/registry.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_NAME = 256, OPT_PURPOSE, OPT_UNIT, OPT_MODEL, OPT_PROMPT,
  OPT_PROMPT_FILE, OPT_CONFIG, OPT_CONFIG_FILE, OPT_CLASSES, OPT_UNITS,
  OPT_TRAINING, OPT_FILE, OPT_COMMENT, OPT_USER, OPT_ROLE, OPT_KIND, OPT_REF,
  OPT_TEXT, OPT_RECOMMEND, OPT_ANSWERS, OPT_QUESTIONNAIRE, OPT_JSON
};

const cli_opt_t cmd_app_opts[] = {
    {"name", OPT_NAME, "TEXT", "Name der Anwendung"},
    {"purpose", OPT_PURPOSE, "TEXT", "Zweck der Anwendung"},
    {"unit", OPT_UNIT, "EINHEIT", "federführende Organisationseinheit"},
    {"model", OPT_MODEL, "MODELL",
     "Sprachmodell (mehrfach oder durch Komma getrennt; das erste gilt)"},
    {"prompt", OPT_PROMPT, "TEXT", "Systemprompt"},
    {"prompt-file", OPT_PROMPT_FILE, "DATEI", "Systemprompt aus einer Datei"},
    {"config", OPT_CONFIG, "JSON", "Konfiguration (JSON-Objekt)"},
    {"config-file", OPT_CONFIG_FILE, "DATEI", "Konfiguration aus einer Datei"},
    {"classes", OPT_CLASSES, "KLASSEN",
     "erlaubte Datenklassen, z. B. offen,intern (Standard: offen)"},
    {"units", OPT_UNITS, "EINHEITEN",
     "zugelassene Organisationseinheiten (Standard: die federführende)"},
    {"training", OPT_TRAINING, "SCHULUNG",
     "Pflichtschulung (mehrfach oder durch Komma getrennt)"},
    {"file", OPT_FILE, "DATEI", "alle Angaben als JSON-Objekt aus einer Datei"},
    {"comment", OPT_COMMENT, "TEXT", "Kommentar oder Begründung"},
    {"user", OPT_USER, "NAME", "handelnde Person (für Entscheidungen Pflicht)"},
    {"role", OPT_ROLE, "ROLLE", "Rolle, in der entschieden wird"},
    {"kind", OPT_KIND, "ART",
     "Dokumentart: dsfa, risikomanagement, transparenzhinweis, information, "
     "sonstiges"},
    {"ref", OPT_REF, "TEXT", "Aktenzeichen, Verweis oder Text des Dokuments"},
    {"text", OPT_TEXT, "TEXT", "Text der Stellungnahme des Ethik-Beirats"},
    {"recommend", OPT_RECOMMEND, "TEXT", "Empfehlung (mehrfach)"},
    {"answers", OPT_ANSWERS, "DATEI", "Antworten zum Fragebogen (JSON, - für stdin)"},
    {"questionnaire", OPT_QUESTIONNAIRE, "DATEI",
     "anderer Fragebogen (YAML) als der mitgelieferte"},
    {"json", OPT_JSON, NULL, "als JSON ausgeben"},
    {0, 0, 0, 0}};

typedef struct app_args {
  const char *sub, *id, *nr;
  json_t *fields; /* create/update */
  const char *comment, *user, *role, *kind, *ref, *text, *answers, *qfile;
  lotse_strv_t recs;
  int json;
} app_args_t;

/* cli/cmd_app_show.c */
int cli_app_print(const char *sub, json_t *j, int as_json);

/* ------------------------------------------------------------- parsing */

static int set_list(json_t *f, const char *key, const char *val) {
  json_t *a = json_object_get(f, key);
  if (!a) {
    a = json_array();
    if (json_object_set_new(f, key, a)) return -1;
  }
  lotse_strv_t sv = {0};
  int rc = cli_split_list(&sv, val);
  for (size_t i = 0; !rc && i < sv.n; i++)
    rc = json_array_append_new(a, json_string(sv.v[i]));
  lotse_strv_release(&sv);
  return rc;
}

static int set_file_text(json_t *f, const char *key, const char *path,
                         int as_json, lotse_err_t *err) {
  char *data;
  size_t len;
  int rc = lotse_file_read(path, 1u << 20, &data, &len, err);
  if (rc) return rc;
  json_t *v = NULL;
  if (as_json) {
    json_error_t je;
    v = json_loadb(data, len, 0, &je);
    if (!v)
      rc = lotse_err_set(err, LOTSE_EINVAL, "'%s' ist kein JSON: %s (Zeile %d)",
                         path, je.text, je.line);
  } else if (!(v = json_stringn(data, len))) {
    rc = lotse_err_set(err, LOTSE_EINVAL, "'%s' ist kein gültiges UTF-8", path);
  }
  free(data);
  if (!rc && json_object_set_new(f, key, v)) rc = LOTSE_ENOMEM;
  return rc;
}

/* One field option into a->fields. */
static int field_opt(app_args_t *a, int c, const char *val, lotse_err_t *err) {
  json_t *f = a->fields;
  static const struct { int key; const char *field; } text[] = {
      {OPT_NAME, "name"}, {OPT_PURPOSE, "purpose"}, {OPT_UNIT, "owner_unit"},
      {OPT_PROMPT, "system_prompt"}};
  for (size_t i = 0; i < 4; i++)
    if (text[i].key == c)
      return json_object_set_new(f, text[i].field, json_string(val))
                 ? lotse_err_set(err, LOTSE_EINVAL,
                                 "'%s' ist kein gültiges UTF-8", val)
                 : 0;
  switch (c) {
  case OPT_MODEL: return set_list(f, "models", val);
  case OPT_CLASSES: return set_list(f, "data_classes", val);
  case OPT_UNITS: return set_list(f, "units", val);
  case OPT_TRAINING: return set_list(f, "trainings", val);
  case OPT_PROMPT_FILE: return set_file_text(f, "system_prompt", val, 0, err);
  case OPT_CONFIG_FILE: return set_file_text(f, "config", val, 1, err);
  case OPT_CONFIG: {
    json_error_t je;
    json_t *v = json_loads(val, 0, &je);
    if (!v)
      return lotse_err_set(err, LOTSE_EINVAL, "--config ist kein JSON: %s",
                           je.text);
    return json_object_set_new(f, "config", v);
  }
  default: return 1; /* not a field option */
  }
}

static int other_opt(app_args_t *a, int c, const char *val) {
  switch (c) {
  case OPT_COMMENT: a->comment = val; return 0;
  case OPT_USER: a->user = val; return 0;
  case OPT_ROLE: a->role = val; return 0;
  case OPT_KIND: a->kind = val; return 0;
  case OPT_REF: a->ref = val; return 0;
  case OPT_TEXT: a->text = val; return 0;
  case OPT_ANSWERS: a->answers = val; return 0;
  case OPT_QUESTIONNAIRE: a->qfile = val; return 0;
  case OPT_JSON: a->json = 1; return 0;
  case OPT_RECOMMEND: return lotse_strv_push(&a->recs, val);
  default: return 1;
  }
}

/* Options of a --file go first; options on the command line override. */
static int merge_file(app_args_t *a, const char *path, lotse_err_t *err) {
  json_t *tmp = json_object();
  int rc = tmp ? set_file_text(tmp, "x", path, 1, err) : LOTSE_ENOMEM;
  json_t *o = json_object_get(tmp, "x");
  if (!rc && !json_is_object(o))
    rc = lotse_err_set(err, LOTSE_EINVAL, "'%s' enthält kein JSON-Objekt",
                       path);
  if (!rc) {
    json_t *merged = json_deep_copy(o);
    json_object_update(merged, a->fields);
    json_decref(a->fields);
    a->fields = merged;
  }
  json_decref(tmp);
  return rc;
}

/* Parse options and operands; returns -1 to go on, else an exit code. */
static int parse(int argc, char **argv, const cli_cmd_t *cmd, app_args_t *a) {
  lotse_err_t err = {0};
  const char *file = NULL;
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    if (c == 'h') {
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    }
    if (c == '?') return CLI_EXIT_USAGE;
    if (c == OPT_FILE) {
      file = val;
      continue;
    }
    int rc = field_opt(a, c, val, &err);
    if (rc == 1) rc = other_opt(a, c, val);
    if (rc < 0) return cli_usage_error(cmd, "%s", err.msg[0] ? err.msg : "ungültige Angabe");
    if (rc) return cli_usage_error(cmd, "unbekannte Option");
  }
  if (file && merge_file(a, file, &err)) return cli_fail(&err);
  int n = argc - optind;
  if (n < 1) return cli_usage_error(cmd, "Unterbefehl fehlt");
  a->sub = argv[optind];
  a->id = n >= 2 ? argv[optind + 1] : NULL;
  a->nr = n >= 3 ? argv[optind + 2] : NULL;
  int want = !strcmp(a->sub, "list") || !strcmp(a->sub, "questions") ? 1
             : !strcmp(a->sub, "resolve")                            ? 3
                                                                     : 2;
  if (n != want)
    return cli_usage_error(cmd, "'%s' erwartet %s", a->sub,
                           want == 1   ? "keine weiteren Angaben"
                           : want == 2 ? "eine Kennung (ID)"
                                       : "ID und Nummer der Empfehlung");
  return -1;
}

/* ------------------------------------------------------------- actions */

static int need(const cli_cmd_t *cmd, const char *v, const char *opt) {
  if (v) return 0;
  cli_usage_error(cmd, "--%s fehlt", opt);
  return -1;
}

static int classify(cli_ctx_t *ctx, const app_args_t *a, lotse_err_t *err) {
  char *path = a->qfile ? NULL : gov_questionnaire_default_path();
  gov_questionnaire_t *q = NULL;
  json_t *ans = NULL;
  json_error_t je;
  int rc = gov_questionnaire_load(a->qfile ? a->qfile : path, &q, err);
  if (!rc) {
    ans = !strcmp(a->answers, "-") ? json_loadf(stdin, 0, &je)
                                   : json_load_file(a->answers, 0, &je);
    if (!ans)
      rc = lotse_err_set(err, LOTSE_EINVAL,
                         "Antworten '%s' sind kein JSON: %s (Zeile %d)",
                         a->answers, je.text, je.line);
  }
  if (!rc) rc = gov_app_classify(ctx->st, q, a->id, ans, a->user, err);
  json_decref(ans);
  gov_questionnaire_free(q);
  free(path);
  return rc;
}

static int questions(const app_args_t *a, lotse_err_t *err) {
  char *path = a->qfile ? NULL : gov_questionnaire_default_path();
  gov_questionnaire_t *q = NULL;
  int rc = gov_questionnaire_load(a->qfile ? a->qfile : path, &q, err);
  free(path);
  if (rc) return rc;
  json_t *j = gov_questionnaire_json(q);
  gov_questionnaire_free(q);
  return cli_app_print("questions", j, 1) ? LOTSE_ENOMEM : 0;
}

static int run_read(cli_ctx_t *ctx, const app_args_t *a, lotse_err_t *err) {
  json_t *j = NULL;
  int rc = !strcmp(a->sub, "show")
               ? gov_app_show_json(ctx->st, a->id, lotse_now_unix(), &j, err)
           : !strcmp(a->sub, "list") ? gov_app_list_json(ctx->st, &j, err)
                                     : gov_app_history_json(ctx->st, a->id,
                                                            &j, err);
  if (rc) return rc;
  return cli_app_print(a->sub, j, a->json) ? LOTSE_ENOMEM : 0;
}

/* Workflow steps; returns 1 when sub is none of them. */
static int run_step(const cli_cmd_t *cmd, cli_ctx_t *ctx, const app_args_t *a,
                    lotse_err_t *err) {
  store_t *st = ctx->st;
  const char *s = a->sub, *u = a->user;
  if (!strcmp(s, "submit")) return gov_app_submit(st, a->id, u, a->comment, err);
  if (!strcmp(s, "suspend")) return gov_app_suspend(st, a->id, u, a->comment, err);
  if (!strcmp(s, "resume")) return gov_app_resume(st, a->id, u, a->comment, err);
  if (!strcmp(s, "retire")) return gov_app_retire(st, a->id, u, a->comment, err);
  if (!strcmp(s, "approve") || !strcmp(s, "reject")) {
    if (need(cmd, u, "user") || need(cmd, a->role, "role")) return -100;
    return !strcmp(s, "approve")
               ? gov_app_approve(st, a->id, u, a->role, a->comment, err)
               : gov_app_reject(st, a->id, u, a->role, a->comment, err);
  }
  if (!strcmp(s, "document")) {
    if (need(cmd, a->kind, "kind") || need(cmd, a->ref, "ref")) return -100;
    return gov_app_document_add(st, a->id, a->kind, a->ref, u, err);
  }
  if (!strcmp(s, "opinion")) {
    if (need(cmd, u, "user") || need(cmd, a->text, "text")) return -100;
    const char **recs = calloc(a->recs.n + 1, sizeof *recs);
    if (!recs) return LOTSE_ENOMEM;
    for (size_t i = 0; i < a->recs.n; i++) recs[i] = a->recs.v[i];
    int rc = gov_app_opinion(st, a->id, u, a->text, recs, err);
    free(recs);
    return rc;
  }
  if (!strcmp(s, "resolve")) {
    char *end;
    long nr = strtol(a->nr, &end, 10);
    if (*end || nr < 1 || nr > 1000000) {
      cli_usage_error(cmd, "Nummer der Empfehlung muss eine positive Zahl sein");
      return -100;
    }
    return gov_app_recommendation_done(st, a->id, (int)nr, u, a->comment, err);
  }
  if (!strcmp(s, "classify")) {
    if (need(cmd, a->answers, "answers")) return -100;
    return classify(ctx, a, err);
  }
  return 1;
}

/* After a step: what was done and where the application stands now. */
static void report(cli_ctx_t *ctx, const app_args_t *a) {
  static const char *const done[][2] = {
      {"submit", "eingereicht"}, {"approve", "Zustimmung erfasst"},
      {"reject", "abgelehnt, zurück im Entwurf"},
      {"document", "Dokument erfasst"}, {"opinion", "Stellungnahme erfasst"},
      {"resolve", "Empfehlung als umgesetzt vermerkt"},
      {"suspend", "ausgesetzt"}, {"resume", "wieder in Betrieb"},
      {"retire", "außer Betrieb genommen"}, {"classify", "eingestuft"}};
  const char *what = a->sub;
  for (size_t i = 0; i < sizeof done / sizeof done[0]; i++)
    if (!strcmp(done[i][0], a->sub)) what = done[i][1];
  json_t *j = NULL;
  lotse_err_t err = {0};
  if (gov_app_show_json(ctx->st, a->id, lotse_now_unix(), &j, &err)) {
    printf("%s: %s\n", a->id, what);
    return;
  }
  json_t *rc = json_object_get(j, "risk_class");
  printf("%s: %s; Status: %s", a->id, what,
         json_string_value(json_object_get(j, "status_label")));
  if (json_is_integer(rc))
    printf("; Risikoklasse %lld", (long long)json_integer_value(rc));
  size_t left = json_array_size(json_object_get(j, "missing"));
  if (left && !strcmp(json_string_value(json_object_get(j, "status")),
                      "in_pruefung"))
    printf("; es fehlen noch %zu Punkte (lotse app show %s)", left, a->id);
  printf("\n");
  json_decref(j);
}

static int run(const cli_cmd_t *cmd, cli_ctx_t *ctx, app_args_t *a,
               lotse_err_t *err) {
  const char *s = a->sub;
  if (!strcmp(s, "questions")) return questions(a, err);
  int rc = cli_workspace_open(ctx, err);
  store_principal_t p;
  if (!rc && a->user) rc = cli_principal(ctx, a->user, &p, err);
  if (rc) return rc;
  if (!strcmp(s, "show") || !strcmp(s, "list") || !strcmp(s, "history"))
    return run_read(ctx, a, err);
  if (!strcmp(s, "create")) {
    if (a->id && json_object_set_new(a->fields, "id", json_string(a->id)))
      return LOTSE_ENOMEM;
    if (!(rc = gov_app_create(ctx->st, a->fields, a->user, err)))
      printf("Anwendung angelegt: %s (Version 1, Entwurf)\n", a->id);
    return rc;
  }
  if (!strcmp(s, "update")) {
    int v = 0;
    if (!(rc = gov_app_update(ctx->st, a->id, a->fields, a->user, a->comment,
                              &v, err)))
      printf("Anwendung %s: Version %d\n", a->id, v);
    return rc;
  }
  rc = run_step(cmd, ctx, a, err);
  if (rc == 1) {
    cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", s);
    return -100;
  }
  if (!rc) report(ctx, a);
  return rc;
}

int cmd_app(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("app");
  app_args_t a = {0};
  a.fields = json_object();
  if (!a.fields) return CLI_EXIT_FAIL;
  int rc = parse(argc, argv, cmd, &a);
  if (rc < 0) {
    lotse_err_t err = {0};
    rc = run(cmd, ctx, &a, &err);
    rc = rc == -100 ? CLI_EXIT_USAGE : rc ? cli_fail(&err) : CLI_EXIT_OK;
  }
  json_decref(a.fields);
  lotse_strv_release(&a.recs);
  return rc;
}
