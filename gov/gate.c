/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/gate.c — the runtime gate's decision: gov_gate_open() runs the checks
 * of gov/gate.h in their order and either refuses (German message, audit
 * record, nothing else changes) or opens a session.
 *
 * Contract: see gov/gate.h. A refusal is audited before gov_gate_open
 * returns; if the audit record cannot be written the call is not allowed
 * either (the error is returned, nothing decided). Input text is scanned
 * (text/pii.h, text/inject.h) but never stored: the audit keeps only the
 * types of what was found.
 * Invariants: (1) checks run in the order of gov_refusal_t; (2) an open
 * session always holds an approved, unexpired, unchanged application.
 * See also: gov/gate_session.c (sources, model, close), gov/registry.h.
 */
#include "gov/gate_internal.h"

#include "gov/review.h"
#include "text/inject.h"
#include "text/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INPUT_MAX (1u << 20) /* bytes of user input the gate screens */

static const char *const REFUSAL_CODES[GOV_REFUSE_COUNT] = {
    [GOV_REFUSE_NONE] = "none",
    [GOV_REFUSE_UNKNOWN_APP] = "unknown_app",
    [GOV_REFUSE_NOT_APPROVED] = "not_approved",
    [GOV_REFUSE_EXPIRED] = "expired",
    [GOV_REFUSE_CHANGED] = "changed",
    [GOV_REFUSE_UNIT] = "unit_not_permitted",
    [GOV_REFUSE_TRAINING] = "training_missing",
    [GOV_REFUSE_DATA_CLASS] = "data_class",
    [GOV_REFUSE_INJECTION] = "injection",
    [GOV_REFUSE_SOURCE_CLASS] = "source_class",
};

const char *gov_refusal_code(gov_refusal_t r) {
  if ((int)r < 0 || r >= GOV_REFUSE_COUNT) return "?";
  return REFUSAL_CODES[r];
}

/* ------------------------------------------------------------- context */

int gov_ctx_open(const gov_ctx_opts_t *o, gov_ctx_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!o || !o->store || !o->workspace || !*o->workspace)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "governance context needs a store and a workspace");
  gov_ctx_t *c = calloc(1, sizeof *c);
  if (!c) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  c->st = o->store;
  c->llm = o->llm;
  int rc = gov_audit_open(o->workspace, 0, &c->audit, err);
  if (rc) {
    free(c);
    return rc;
  }
  *out = c;
  return 0;
}

void gov_ctx_free(gov_ctx_t *c) {
  if (!c) return;
  gov_audit_close(c->audit);
  free(c);
}

/* --------------------------------------------------------------- audit */

int gate_audit(gov_gate_t *g, gov_audit_decision_t d, const char *code,
               const char *reason, const gov_audit_source_t *src, size_t n,
               const char *details, lotse_err_t *err) {
  double ms = (lotse_now_mono() - g->t0) * 1000.0;
  gov_audit_rec_t r = {
      .actor = g->user,
      .unit = g->unit,
      .app_id = g->app.slug,
      .app_version = g->app.version,
      .action = g->action,
      .decision = d,
      .reason_code = code,
      .reason = reason,
      .sources = src,
      .nsources = n,
      .model = g->model,
      .prompt_tokens = g->prompt_tokens,
      .completion_tokens = g->completion_tokens,
      .latency_ms = ms > 0 ? (int64_t)(ms + 0.5) : 0,
      .details_json = details,
  };
  return gov_audit_append(g->c->audit, &r, NULL, err);
}

/* ------------------------------------------------------------ messages */

static void fmt_date(int64_t t, char buf[16]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, 16, "%d.%m.%Y", &tm);
}

/* The refusal for a registry verdict other than OK. */
static gov_refusal_t verdict_refusal(const gov_app_approved_t *a,
                                     gov_decision_t *dec) {
  char day[16];
  switch (a->verdict) {
  case GOV_APP_UNKNOWN:
    snprintf(dec->message, sizeof dec->message,
             "Die Anwendung „%s“ ist nicht registriert. KI-Funktionen "
             "dürfen nur über eine registrierte und freigegebene Anwendung "
             "genutzt werden.",
             a->slug);
    return GOV_REFUSE_UNKNOWN_APP;
  case GOV_APP_EXPIRED:
    fmt_date(a->valid_until, day);
    snprintf(dec->message, sizeof dec->message,
             "Die Freigabe der Anwendung „%s“ ist am %s abgelaufen. Sie muss "
             "erneut geprüft und freigegeben werden, bevor sie wieder "
             "genutzt werden darf.",
             a->slug, day);
    return GOV_REFUSE_EXPIRED;
  case GOV_APP_CHANGED:
    snprintf(dec->message, sizeof dec->message,
             "Die Anwendung „%s“ wurde seit ihrer Freigabe verändert "
             "(freigegeben ist Version %d). Die geänderte Fassung darf erst "
             "nach erneuter Prüfung und Freigabe genutzt werden.",
             a->slug, a->version);
    return GOV_REFUSE_CHANGED;
  default:
    snprintf(dec->message, sizeof dec->message,
             "Die Anwendung „%s“ ist derzeit nicht freigegeben (Status: "
             "%s). Sie darf erst nach Abschluss der Freigabe genutzt "
             "werden.",
             a->slug, a->status >= 0 ? gov_status_label(a->status)
                                     : "unbekannt");
    return GOV_REFUSE_NOT_APPROVED;
  }
}

/* ------------------------------------------------------------- checks */

/* The user's unit name into g->unit ("" when none or unknown user). */
static int load_unit(gov_gate_t *g, lotse_err_t *err) {
  if (g->anonymous) return 0;
  sqlite3_stmt *s;
  store_t *st = g->c->st;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT coalesce(n.name, '') FROM users u LEFT JOIN "
                         "units n ON n.id = u.unit_id WHERE u.name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "users");
  sqlite3_bind_text(s, 1, g->user, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW)
    snprintf(g->unit, sizeof g->unit, "%s", sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return 0;
}

static int check_unit(gov_gate_t *g, gov_decision_t *dec, lotse_err_t *err) {
  bool ok = false;
  int rc = g->anonymous ? 0
                        : gov_app_unit_permitted(g->c->st, &g->app, g->user,
                                                 &ok, err);
  if (rc || ok) return rc;
  if (g->unit[0])
    snprintf(dec->message, sizeof dec->message,
             "Ihre Organisationseinheit „%s“ ist für die Anwendung „%s“ "
             "nicht zugelassen. Wenden Sie sich an die KI-Koordination, wenn "
             "Sie die Anwendung benötigen.",
             g->unit, g->app.slug);
  else
    snprintf(dec->message, sizeof dec->message,
             "Ihnen ist keine Organisationseinheit zugeordnet, die die "
             "Anwendung „%s“ nutzen darf. Wenden Sie sich an die "
             "KI-Koordination.",
             g->app.slug);
  dec->reason = GOV_REFUSE_UNIT;
  return 0;
}

static int check_training(gov_gate_t *g, int64_t now, gov_decision_t *dec,
                          lotse_err_t *err) {
  lotse_strv_t miss = {0};
  int rc = gov_app_trainings_missing(g->c->st, &g->app, g->user, now, &miss,
                                     err);
  if (!rc && miss.n > 0) {
    char list[256] = "";
    for (size_t i = 0; i < miss.n; i++) {
      size_t k = strlen(list);
      snprintf(list + k, sizeof list - k, "%s„%s“", i ? ", " : "", miss.v[i]);
    }
    snprintf(dec->message, sizeof dec->message,
             "Für die Anwendung „%s“ fehlt Ihnen %s %s (nicht abgeschlossen "
             "oder abgelaufen). Bitte schließen Sie sie ab; danach können "
             "Sie die Anwendung nutzen.",
             g->app.slug, miss.n > 1 ? "die Schulungen" : "die Schulung",
             list);
    dec->reason = GOV_REFUSE_TRAINING;
  }
  lotse_strv_release(&miss);
  return rc;
}

/* Adds label to the ", "-separated list in buf unless it is there. */
static void add_label(char *buf, size_t cap, const char *label) {
  if (strstr(buf, label)) return;
  size_t k = strlen(buf);
  snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", label);
}

/* Appends s to the JSON array a unless it is there already. */
static void add_id(json_t *a, const char *s) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) if (!strcmp(json_string_value(v), s)) return;
  json_array_append_new(a, json_string(s));
}

static int check_data_class(gov_gate_t *g, const gov_call_t *call,
                            gov_decision_t *dec, json_t *types,
                            lotse_err_t *err) {
  text_pii_list_t l = {0};
  int rc = text_pii_scan(call->input, call->input_len, 0, &l, err);
  unsigned need = 0;
  char labels[256] = "";
  for (size_t i = 0; !rc && i < l.n; i++) {
    const text_pii_finding_t *f = &l.v[i];
    int cls = f->special_category
                  ? GOV_CLASS_SPECIAL
                  : store_class_parse(text_pii_data_class(f->type));
    if (cls < 0) cls = STORE_CLASS_PERSONENBEZOGEN;
    if (g->app.data_classes & (1u << cls)) continue;
    need |= 1u << cls;
    add_label(labels, sizeof labels, text_pii_type_label(f->type));
    add_id(types, text_pii_type_id(f->type));
  }
  text_pii_list_release(&l);
  if (rc || !need) return rc;
  snprintf(dec->message, sizeof dec->message,
           "Ihre Eingabe enthält %s (%s). Die Anwendung „%s“ darf solche "
           "Daten nicht verarbeiten. Bitte entfernen Sie diese Angaben und "
           "versuchen Sie es erneut.",
           (need & (1u << GOV_CLASS_SPECIAL))
               ? "Gesundheitsdaten oder andere besondere Kategorien "
                 "personenbezogener Daten (Art. 9 DSGVO)"
               : "personenbezogene Daten",
           labels, g->app.slug);
  dec->reason = GOV_REFUSE_DATA_CLASS;
  return 0;
}

static int check_injection(gov_gate_t *g, const gov_call_t *call,
                           gov_decision_t *dec, json_t *rules,
                           lotse_err_t *err) {
  text_inject_list_t l = {0};
  int rc = text_inject_scan(call->input, call->input_len, 0, &l, err);
  char labels[256] = "";
  for (size_t i = 0; !rc && i < l.n; i++) {
    add_label(labels, sizeof labels, text_inject_type_label(l.v[i].type));
    add_id(rules, l.v[i].rule);
  }
  g->input_findings = (int)l.n;
  if (!rc && text_inject_suspicious(&l)) {
    snprintf(dec->message, sizeof dec->message,
             "Ihre Eingabe enthält versteckte Anweisungen oder unsichtbare "
             "Steuerzeichen (%s). Aus Sicherheitsgründen wird sie nicht an "
             "das KI-Modell weitergegeben.",
             labels);
    dec->reason = GOV_REFUSE_INJECTION;
  }
  text_inject_list_release(&l);
  return rc;
}

/* Runs the checks in order; dec->reason stays NONE when all pass. What
 * the scans found goes to details as {"pii": [types], "inject": [rules]}. */
static int run_checks(gov_gate_t *g, const gov_call_t *call, int64_t now,
                      gov_decision_t *dec, json_t *details,
                      lotse_err_t *err) {
  int rc = gov_app_load_approved(g->c->st, call->app_id, now, &g->app, err);
  if (rc) return rc;
  if (g->app.verdict != GOV_APP_OK) {
    dec->reason = verdict_refusal(&g->app, dec);
    return 0;
  }
  if ((rc = check_unit(g, dec, err)) || dec->reason) return rc;
  if ((rc = check_training(g, now, dec, err)) || dec->reason) return rc;
  if (call->input_len == 0) return 0;
  json_t *types = json_array(), *rules = json_array();
  json_object_set_new(details, "pii", types);
  json_object_set_new(details, "inject", rules);
  if (!types || !rules)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if ((rc = check_data_class(g, call, dec, types, err)) || dec->reason)
    return rc;
  return check_injection(g, call, dec, rules, err);
}

void gate_free(gov_gate_t *g) {
  if (!g) return;
  gov_app_approved_release(&g->app);
  json_decref(g->sources);
  free(g->asrc);
  free(g);
}

static const char *notice_of(const gov_app_approved_t *a) {
  if (a->needs_transparency || a->risk_class == 2)
    return a->transparency_notice && *a->transparency_notice
               ? a->transparency_notice
               : GOV_NOTICE_DEFAULT;
  return NULL;
}

int gov_gate_open(gov_ctx_t *c, const gov_call_t *call, gov_gate_t **out,
                  gov_decision_t *dec, lotse_err_t *err) {
  *out = NULL;
  dec->reason = GOV_REFUSE_NONE;
  dec->message[0] = '\0';
  if (!c || !call || !call->app_id || !call->user || !call->action ||
      (!call->input && call->input_len))
    return lotse_err_set(err, LOTSE_EINVAL, "incomplete gate call");
  if (call->input_len > INPUT_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "Eingabe zu lang (%zu Bytes, höchstens %u)",
                         call->input_len, INPUT_MAX);
  gov_gate_t *g = calloc(1, sizeof *g);
  if (!g) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  g->c = c;
  g->t0 = lotse_now_mono();
  g->app.status = -1;
  snprintf(g->app.slug, sizeof g->app.slug, "%s", call->app_id);
  g->anonymous = call->user->user_id == 0 || !call->user->name[0];
  snprintf(g->user, sizeof g->user, "%s",
           g->anonymous ? "anonym" : call->user->name);
  snprintf(g->action, sizeof g->action, "%s", call->action);
  json_t *details = json_object();
  int rc = details ? load_unit(g, err)
                   : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = run_checks(g, call, lotse_now_unix(), dec, details, err);
  if (!rc && dec->reason) {
    char *dj = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
    rc = gate_audit(g, GOV_AUDIT_DECISION_REFUSE,
                    gov_refusal_code(dec->reason), dec->message, NULL, 0, dj,
                    err);
    free(dj);
    if (!rc) rc = lotse_err_set(err, LOTSE_EREFUSED, "%s", dec->message);
  }
  json_decref(details);
  if (!rc) {
    g->notice = notice_of(&g->app);
    g->sources = json_array();
    if (!g->sources) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (rc) {
    if (rc != LOTSE_EREFUSED) dec->reason = GOV_REFUSE_NONE;
    gate_free(g);
    return rc;
  }
  *out = g;
  return 0;
}

/* ------------------------------------------------------------ accessors */

const char *gov_gate_system_prompt(const gov_gate_t *g) {
  return g && g->app.system_prompt ? g->app.system_prompt : "";
}

int gov_gate_risk_class(const gov_gate_t *g) {
  return g ? g->app.risk_class : 0;
}

const char *gov_gate_notice(const gov_gate_t *g) {
  return g ? g->notice : NULL;
}

int gov_gate_has_model(const gov_gate_t *g) { return g && g->c->llm != NULL; }
