/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/algoreg.c — the application register exported as algorithm-register
 * entries: the fields (keys) of the Dutch Algoritmeregister publication
 * standard 1.0.0, filled in German from the register (gov/registry.h).
 *
 * Contract: read-only; one entry per application, built only from what the
 * register holds (snapshot, classification, approvals, documents, ethics
 * recommendations, history) plus the organisation data of the options;
 * nothing is invented: a field without a source stays "" or []. Values of
 * the standard's closed lists (status, publication_category) use the
 * standard's own values so that tools built for it can read the export;
 * what only lotse knows goes into "x_lotse".
 * See also: gov/kpi.h, docs/cli/register.md.
 */
#include "gov/kpi.h"

#include "gov/gate.h"
#include "gov/registry.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHORT_MAX 350 /* description_short, characters */

/* ------------------------------------------------------------- helpers */

static const char *jstr(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static int64_t jint(const json_t *o, const char *key) {
  return json_integer_value(json_object_get(o, key));
}

/* Items of a JSON array of strings joined with sep. */
static void join(lotse_buf_t *b, const json_t *arr, const char *sep) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (i) lotse_buf_puts(b, sep);
    lotse_buf_puts(b, json_string_value(v) ? json_string_value(v) : "?");
  }
}

/* s cut to at most max characters (UTF-8), ending in "…" when cut. */
static json_t *cut(const char *s, size_t max) {
  size_t chars = 0, keep = 0;
  for (size_t i = 0; s[i]; i++) {
    if ((s[i] & 0xC0) == 0x80) continue; /* continuation byte */
    if (chars == max - 1) keep = i;
    chars++;
  }
  if (chars <= max) return json_string(s);
  lotse_buf_t b;
  lotse_buf_init(&b, keep + 8);
  lotse_buf_append(&b, s, keep);
  lotse_buf_puts(&b, "…");
  json_t *o = json_string(b.data ? b.data : "");
  lotse_buf_release(&b);
  return o;
}

/* Append s as a sentence: with a full stop unless it ends in one. */
static void sentence(lotse_buf_t *b, const char *s) {
  size_t n = strlen(s);
  lotse_buf_puts(b, s);
  if (n && !strchr(".!?", s[n - 1])) lotse_buf_putc(b, '.');
}

static const char *doc_label(const char *kind) {
  if (!strcmp(kind, "dsfa")) return "DSFA";
  if (!strcmp(kind, "risikomanagement")) return "Risikomanagement";
  if (!strcmp(kind, "transparenzhinweis")) return "Transparenzhinweis";
  return "Nachweis";
}

static json_t *buf_json(lotse_buf_t *b) {
  json_t *o = json_string(b->data ? b->data : "");
  lotse_buf_release(b);
  return o;
}

/* "2026-03" of unix seconds t (0: ""). */
static json_t *month(int64_t t) {
  if (t <= 0) return json_string("");
  char buf[16];
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m", &tm))
    return json_string("");
  return json_string(buf);
}

static void date(char buf[16], int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm) ||
      !strftime(buf, 16, "%d.%m.%Y", &tm))
    snprintf(buf, 16, "–");
}

/* The first time the history moved the application to status `to`
 * (first: 1) or the last time (first: 0); 0 when never. */
static int64_t history_time(const json_t *hist, const char *to, int first) {
  size_t i;
  json_t *h;
  int64_t t = 0;
  json_array_foreach(hist, i, h) {
    if (strcmp(jstr(h, "to"), to)) continue;
    t = jint(h, "at");
    if (first) break;
  }
  return t;
}

/* ------------------------------------------------ the standard's values */

static const char *std_status(const char *s) {
  if (!strcmp(s, "freigegeben")) return "In gebruik";
  if (!strcmp(s, "ausgesetzt") || !strcmp(s, "ausser_betrieb"))
    return "Buiten gebruik";
  return "In ontwikkeling"; /* entwurf, in_pruefung */
}

static json_t *std_category(int risk_class, const json_t *measures) {
  if (risk_class >= 3) return json_string("Hoog-risico AI-systeem");
  if (risk_class == 2 ||
      json_is_true(json_object_get(measures, "needs_dpo")) ||
      json_is_true(json_object_get(measures, "needs_personalrat")))
    return json_string("Impactvolle algoritmes");
  if (risk_class == 1) return json_string("Overige algoritmes");
  return json_null(); /* not classified yet */
}

static const char *class_label(int c) {
  static const char *const L[] = {"nicht eingestuft", "minimal",
                                  "gering (Transparenzpflichten)", "hoch",
                                  "unannehmbar"};
  return c >= 0 && c <= 4 ? L[c] : "?";
}

/* ------------------------------------------------------------ the texts */

static json_t *goal_text(const json_t *cur) {
  lotse_buf_t b;
  lotse_buf_init(&b, 16384);
  lotse_buf_puts(&b, "Zweck: ");
  sentence(&b, jstr(cur, "purpose"));
  lotse_buf_printf(&b, " Verantwortlich: %s; nutzbar für: ",
                   jstr(cur, "owner_unit"));
  join(&b, json_object_get(cur, "units"), ", ");
  lotse_buf_puts(&b, ". Wirkung: Die Anwendung erstellt Entwürfe und "
                     "Antworten für Beschäftigte der Verwaltung; sie trifft "
                     "selbst keine Entscheidung.");
  return buf_json(&b);
}

static void opinions(lotse_buf_t *b, const json_t *hist) {
  size_t i;
  json_t *h;
  json_array_foreach(hist, i, h) {
    if (strcmp(jstr(h, "action"), "opinion")) continue;
    char d[16];
    date(d, jint(h, "at"));
    lotse_buf_printf(b, " Stellungnahme des Ethik-Beirats (%s): ", d);
    sentence(b, jstr(h, "comment"));
  }
}

static json_t *proportionality_text(const json_t *app, const json_t *hist) {
  const json_t *cls = json_object_get(app, "classification");
  int rc = (int)jint(app, "risk_class");
  lotse_buf_t b;
  lotse_buf_init(&b, 16384);
  lotse_buf_printf(&b, "Einstufung nach der KI-Verordnung: Risikoklasse %d "
                   "(%s).", rc, class_label(rc));
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(cls, "reasons"), i, r)
    lotse_buf_printf(&b, " %s", json_string_value(r) ? json_string_value(r) : "");
  opinions(&b, hist);
  return buf_json(&b);
}

static json_t *human_text(const json_t *app) {
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  lotse_buf_puts(&b, "Jede Ausgabe ist als „" GOV_DRAFT_LABEL "“ "
                     "gekennzeichnet und wird erst verwendet, wenn eine "
                     "namentlich genannte Person sie geprüft und "
                     "freigezeichnet hat; die Person kann den Text ändern, "
                     "Entwurf und endgültige Fassung werden beide "
                     "aufbewahrt.");
  const json_t *m = json_object_get(json_object_get(app, "classification"),
                                    "measures");
  if (json_is_true(json_object_get(m, "needs_transparency")))
    lotse_buf_puts(&b, " Nutzende sehen den Hinweis nach Art. 50 "
                       "KI-Verordnung, dass sie mit einem KI-System "
                       "arbeiten.");
  return buf_json(&b);
}

static void measures(lotse_buf_t *b, const json_t *app) {
  lotse_buf_puts(b, " Freigabe durch: ");
  const json_t *roles = json_object_get(app, "approved_roles");
  size_t i;
  json_t *v;
  json_array_foreach(roles, i, v) {
    const char *r = json_string_value(v) ? json_string_value(v) : "";
    int role = gov_role_parse(r);
    lotse_buf_printf(b, "%s%s", i ? ", " : "",
                     role >= 0 ? gov_role_label(role) : r);
  }
  lotse_buf_puts(b, json_array_size(roles) ? "." : "noch keine.");
  json_array_foreach(json_object_get(app, "documents"), i, v) {
    lotse_buf_printf(b, " %s: ", doc_label(jstr(v, "kind")));
    sentence(b, jstr(v, "reference"));
  }
  const json_t *m = json_object_get(json_object_get(app, "classification"),
                                    "measures");
  if (json_is_true(json_object_get(m, "needs_personalrat")))
    lotse_buf_puts(b, " Der Personalrat ist beteiligt, weil die Anwendung "
                      "Beschäftigte überwachen könnte.");
}

static void recommendations(lotse_buf_t *b, const json_t *app) {
  const json_t *recs = json_object_get(app, "recommendations");
  size_t n = json_array_size(recs), done = 0, i;
  json_t *r;
  if (!n) return;
  json_array_foreach(recs, i, r) done += !strcmp(jstr(r, "status"), "umgesetzt");
  lotse_buf_printf(b, " Empfehlungen des Ethik-Beirats: %zu, davon %zu "
                   "umgesetzt:", n, done);
  json_array_foreach(recs, i, r)
    lotse_buf_printf(b, "%s %s (%s)", i ? ";" : "", jstr(r, "text"),
                     jstr(r, "status"));
  lotse_buf_puts(b, ".");
}

static json_t *risks_text(const json_t *app) {
  int rc = (int)jint(app, "risk_class");
  lotse_buf_t b;
  lotse_buf_init(&b, 32768);
  lotse_buf_printf(&b, "Risikoklasse %d (%s) nach der Dienstanweisung.", rc,
                   class_label(rc));
  measures(&b, app);
  lotse_buf_puts(&b, " Bei jedem Aufruf prüft die Plattform, dass genau die "
                     "freigegebene, unveränderte Fassung läuft, die "
                     "Freigabe nicht abgelaufen ist, die Organisationseinheit "
                     "zugelassen ist, die nötigen Schulungen nachgewiesen "
                     "sind und die Eingaben keine unzulässigen Datenklassen "
                     "oder versteckten Anweisungen enthalten; jede Nutzung "
                     "und jede Ablehnung steht im manipulationsgeschützten "
                     "Prüfprotokoll.");
  const json_t *ap = json_object_get(app, "approval");
  if (jint(ap, "valid_until") > 0) {
    char d[16];
    date(d, jint(ap, "valid_until"));
    lotse_buf_printf(&b, " Erneute Prüfung spätestens am %s.", d);
  }
  recommendations(&b, app);
  return buf_json(&b);
}

static json_t *assessments(const json_t *app) {
  static const struct {
    const char *kind, *title;
  } K[] = {{"dsfa", "Datenschutz-Folgenabschätzung (DSFA, Art. 35 DSGVO)"},
           {"risikomanagement", "Risikomanagement (Art. 9 KI-Verordnung)"}};
  json_t *arr = json_array();
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(app, "documents"), i, d)
    for (size_t k = 0; k < sizeof K / sizeof K[0]; k++)
      if (!strcmp(jstr(d, "kind"), K[k].kind))
        json_array_append_new(arr, json_pack("{s:s, s:s}", "title", K[k].title,
                                             "link", jstr(d, "reference")));
  return arr;
}

static int has_document(const json_t *app, const char *kind) {
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(app, "documents"), i, d)
    if (!strcmp(jstr(d, "kind"), kind)) return 1;
  return 0;
}

static json_t *assessments_text(const json_t *app) {
  const json_t *m = json_object_get(json_object_get(app, "classification"),
                                    "measures");
  if (!json_object_get(app, "classification") ||
      json_is_null(json_object_get(app, "classification")))
    return json_string("Die Anwendung ist noch nicht eingestuft.");
  if (json_is_true(json_object_get(m, "needs_dsfa")))
    return json_string(has_document(app, "dsfa")
                           ? "Eine DSFA ist nach der Einstufung erforderlich "
                             "und liegt vor."
                           : "Eine DSFA ist nach der Einstufung erforderlich "
                             "und liegt noch nicht vor.");
  return json_string(json_is_true(json_object_get(m, "needs_dpo"))
                         ? "Eine DSFA ist nach der Einstufung nicht "
                           "erforderlich; der Datenschutz hat die Anwendung "
                           "geprüft."
                         : "Eine DSFA ist nach der Einstufung nicht "
                           "erforderlich: keine hohe Risikoklasse und keine "
                           "personenbezogenen Daten.");
}

static json_t *data_text(const json_t *cur) {
  lotse_buf_t b;
  lotse_buf_init(&b, 8192);
  lotse_buf_puts(&b, "Zulässige Datenklassen der Eingaben und Quellen: ");
  join(&b, json_object_get(cur, "data_classes"), ", ");
  lotse_buf_puts(&b, ". Quellen werden nur im Rahmen der Zugriffsrechte der "
                     "jeweiligen Nutzenden herangezogen.");
  const char *extra = jstr(json_object_get(cur, "config"), "datenquellen");
  if (*extra) lotse_buf_printf(&b, " %s", extra);
  return buf_json(&b);
}

static json_t *tech_text(const json_t *app) {
  const json_t *cur = json_object_get(app, "current");
  lotse_buf_t b;
  lotse_buf_init(&b, 8192);
  lotse_buf_puts(&b, "Sprachmodell(e): ");
  if (json_array_size(json_object_get(cur, "models")))
    join(&b, json_object_get(cur, "models"), ", ");
  else
    lotse_buf_puts(&b, "keines (nur deterministische Verarbeitung)");
  lotse_buf_printf(&b, ", ausgeführt über die KI-Plattform lotse. Das Modell "
                   "lernt im Betrieb nicht dazu. Systemanweisung und "
                   "Konfiguration sind Teil der freigegebenen Fassung "
                   "(Version %lld, SHA-256 %s).",
                   (long long)jint(app, "version"), jstr(app, "sha256"));
  return buf_json(&b);
}

/* ------------------------------------------------------------ one entry */

static json_t *lotse_json(const json_t *app) {
  const json_t *ap = json_object_get(app, "approval");
  return json_pack("{s:s, s:I, s:s, s:I, s:s, s:O*, s:O*}", "id",
                   jstr(app, "id"), "version", (json_int_t)jint(app, "version"),
                   "status", jstr(app, "status"), "risk_class",
                   (json_int_t)jint(app, "risk_class"), "sha256",
                   jstr(app, "sha256"), "approved_version",
                   json_object_get(ap, "version"), "valid_until",
                   json_object_get(ap, "valid_until"));
}

static json_t *entry_json(const json_t *app, const json_t *hist,
                          const gov_algoreg_opts_t *o) {
  const json_t *cur = json_object_get(app, "current");
  const char *status = jstr(app, "status");
  json_t *e = json_object();
  if (!e) return NULL;
  int bad = 0;
#define SET(k, v) bad |= json_object_set_new(e, k, v)
  SET("name", json_string(jstr(cur, "name")));
  SET("description_short", cut(jstr(cur, "purpose"), SHORT_MAX));
  SET("organization", json_string(o->organisation ? o->organisation : ""));
  SET("category", json_array());
  SET("status", json_string(std_status(status)));
  SET("begin_date", month(history_time(hist, "freigegeben", 1)));
  SET("end_date", month(strcmp(status, "ausser_betrieb")
                            ? 0 : history_time(hist, "ausser_betrieb", 0)));
  SET("contact_email", json_string(o->contact ? o->contact : ""));
  SET("website", json_string(o->website ? o->website : ""));
  SET("publication_category",
      std_category((int)jint(app, "risk_class"),
                   json_object_get(json_object_get(app, "classification"),
                                   "measures")));
  SET("url", json_string(""));
  SET("goal", goal_text(cur));
  SET("proportionality", proportionality_text(app, hist));
  SET("human_intervention", human_text(app));
  SET("risks", risks_text(app));
  SET("lawful_basis",
      json_string(jstr(json_object_get(cur, "config"), "rechtsgrundlage")));
  SET("lawful_basis_grouping", json_array());
  SET("process_index_url", json_string(""));
  SET("impacttoetsen_grouping", assessments(app));
  SET("impacttoetsen", assessments_text(app));
  SET("source_data", data_text(cur));
  SET("source_data_grouping", json_array());
  SET("methods_and_models", tech_text(app));
  SET("provider", json_string(o->provider ? o->provider
                                          : "Eigenbetrieb (Plattform lotse)"));
  SET("publiccode", json_string(""));
  SET("lang", json_string("deu"));
  SET("standard_version", json_string(GOV_ALGOREG_STANDARD));
  SET("source_id", json_string(jstr(app, "id")));
  SET("tags", json_string(""));
  SET("x_lotse", lotse_json(app));
#undef SET
  if (bad) {
    json_decref(e);
    return NULL;
  }
  return e;
}

int gov_algoreg_entry(struct store *st, const char *app_id,
                      const gov_algoreg_opts_t *o, json_t **out,
                      lotse_err_t *err) {
  *out = NULL;
  json_t *app = NULL, *hist = NULL;
  int rc = gov_app_show_json(st, app_id, o->now ? o->now : lotse_now_unix(),
                             &app, err);
  if (!rc) rc = gov_app_history_json(st, app_id, &hist, err);
  if (!rc && !(*out = entry_json(app, hist, o)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  json_decref(app);
  json_decref(hist);
  return rc;
}

int gov_algoreg_export(struct store *st, const gov_algoreg_opts_t *o,
                       json_t **out, lotse_err_t *err) {
  *out = NULL;
  json_t *list = NULL, *arr = json_array();
  if (!arr) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = gov_app_list_json(st, &list, err);
  size_t i;
  json_t *it;
  json_array_foreach(list, i, it) {
    if (rc) break;
    const char *id = jstr(it, "id");
    if (o->app_id && strcmp(o->app_id, id)) continue;
    if (!o->app_id && !o->include_drafts &&
        !strcmp(jstr(it, "status"), "entwurf"))
      continue;
    json_t *e;
    if (!(rc = gov_algoreg_entry(st, id, o, &e, err)))
      json_array_append_new(arr, e);
  }
  json_decref(list);
  if (!rc && o->app_id && !json_array_size(arr))
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "Anwendung '%s' ist nicht im "
                       "Register", o->app_id);
  if (rc) {
    json_decref(arr);
    return rc;
  }
  *out = arr;
  return 0;
}
