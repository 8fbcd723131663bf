/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_security.c — GET /api/security/alerts?since=…&severity=…&
 * source=…&kind=…&limit=… and GET /api/security/alerts/ID: the alerts of the
 * log anomaly detection (analytics/logwatch/alerts.h) from the workspace's
 * logwatch.db, newest first; POST /api/security/alerts/ID/summary
 * {"app": SLUG}: a summary of the alert by the language model, only through
 * the governance gate, stored as a labelled draft of the caller.
 *
 * Contract: only named users holding the role informationssicherheit,
 * admin or auditor see alerts (anonymous: 401; other users: 403 with a
 * German reason). logwatch.db is opened read-only per request and never
 * created here; a workspace without one answers an empty list. A malformed
 * parameter is 400 with a German message; an unknown alert id is 404. A
 * summary the gate refuses is 403 with the gate's reason (no draft); no
 * model configured is 503.
 * Spec: server/api/security-alerts.json.
 */
#include "analytics/logwatch/alerts.h"
#include "gov/gate.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define ALERT_ROLES                                                      \
  (GOV_ROLE_BIT(GOV_ROLE_INFORMATIONSSICHERHEIT) |                        \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR))
#define ALERTS_PATH "/api/security/alerts"
#define SOURCE_MAX 1024

static int bad_or_reply(http_req_t *r, const char *key, const char *what) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "Parameter '%s': %s", key, what);
  return -1;
}

static int limit_or_reply(http_req_t *r, lw_alerts_filter *f) {
  int bad = 0;
  const char *v = server_query_arg(r, "limit", &bad);
  if (!v) return 0;
  char *end;
  long long n = strtoll(v, &end, 10);
  if (bad || !*v || *end || n < 1 || n > 1000)
    return bad_or_reply(r, "limit", "eine Zahl von 1 bis 1000 angeben");
  f->limit = (size_t)n;
  return 0;
}

static int filter_or_reply(http_req_t *r, lw_alerts_filter *f) {
  int bad = 0;
  const char *v = server_query_arg(r, "since", &bad);
  if (v && (bad || lw_alerts_parse_since(v, lotse_now_unix() * 1000,
                                         &f->since_ms)))
    return bad_or_reply(r, "since", "Zeitpunkt nicht lesbar (JJJJ-MM-TT, "
                                    "JJJJ-MM-TTThh:mm[:ss], 30d, 12h oder 30m)");
  v = server_query_arg(r, "severity", &bad);
  if (v && (bad || !(f->min_severity = lw_severity_parse(v))))
    return bad_or_reply(r, "severity", "niedrig, mittel oder hoch angeben");
  v = server_query_arg(r, "kind", &bad);
  if (v && (bad || !lw_alert_kind_parse(v)))
    return bad_or_reply(r, "kind",
                        "new_template, burst oder rare_sequence angeben");
  f->kind = v;
  v = server_query_arg(r, "source", &bad);
  if (v && (bad || !*v || strlen(v) > SOURCE_MAX))
    return bad_or_reply(r, "source", "Name einer Quelle angeben");
  f->source = v;
  return limit_or_reply(r, f);
}

/* The id after "/api/security/alerts/", 0 for the list; -1 when bad.
 * *summary is set for ".../ID/summary". */
static int64_t path_id(const char *path, int *summary) {
  const char *p = path + strlen(ALERTS_PATH);
  *summary = 0;
  if (!*p) return 0;
  if (*p++ != '/' || *p < '0' || *p > '9') return -1;
  char *end;
  long long id = strtoll(p, &end, 10);
  if (id < 1) return -1;
  if (!strcmp(end, "/summary")) *summary = 1;
  else if (*end) return -1;
  return id;
}

static int role_or_reply(http_req_t *r) {
  return server_roles_or_reply(
      r, ALERT_ROLES,
      "Sicherheitsalarme sind nur für angemeldete Beschäftigte zugänglich",
      "Keine Berechtigung: Sicherheitsalarme sehen nur "
      "Informationssicherheit, Revision und Administration");
}

/* The alert id as JSON (NULL with the reply queued: 404/500). */
static json_t *alert_or_reply(http_req_t *r, int64_t id) {
  char *ws = server_workspace_dir(r->srv->o.db_path);
  sqlite3 *db = NULL;
  json_t *arr = NULL;
  lotse_err_t err = {0};
  lw_alerts_filter f = {.id = id, .limit = 1};
  int rc = ws ? lw_alerts_open_ro(ws, &db, &err) : LOTSE_ENOMEM;
  if (!rc && db) rc = lw_alerts_list_json(db, &f, &arr, &err);
  sqlite3_close(db);
  free(ws);
  json_t *one = rc ? NULL : json_incref(json_array_get(arr, 0));
  json_decref(arr);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: security alerts: %s", err.msg);
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       "Alarme konnten nicht gelesen werden");
  } else if (!one) {
    server_reply_error(r, MHD_HTTP_NOT_FOUND, "Kein Alarm mit der Nummer %lld",
                       (long long)id);
  }
  return one;
}

/* The body {"app": SLUG, "max_tokens": N?}; 0, or -1 with a 400 queued. */
static int summary_body_or_reply(http_req_t *r, char *app, int *max_tokens) {
  json_error_t je;
  json_t *b = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je)
                          : NULL;
  const char *a = json_string_value(json_object_get(b, "app"));
  json_t *mt = json_object_get(b, "max_tokens");
  int ok = json_is_object(b) && a && *a && strlen(a) <= GOV_SLUG_MAX &&
           (!mt || (json_is_integer(mt) && json_integer_value(mt) >= 1 &&
                    json_integer_value(mt) <= 4096));
  if (ok) {
    memcpy(app, a, strlen(a) + 1);
    *max_tokens = mt ? (int)json_integer_value(mt) : 0;
  }
  json_decref(b);
  if (ok) return 0;
  server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "Anfragekörper: JSON-Objekt mit \"app\" (Kennung der "
                     "freigegebenen Anwendung) und optional \"max_tokens\" "
                     "(1 bis 4096) erwartet");
  return -1;
}

static enum MHD_Result summary_reply(http_req_t *r, int rc,
                                     const json_t *alert, lw_summary *s,
                                     const lotse_err_t *err) {
  if (rc == LOTSE_EREFUSED && s->decision.reason != GOV_REFUSE_NONE) {
    json_t *body = json_pack("{s:{s:i, s:o, s:s, s:s}}", "error", "code", 403,
                             "message", server_json_text(s->decision.message),
                             "type", "forbidden", "reason",
                             gov_refusal_code(s->decision.reason));
    return server_reply_json(r, MHD_HTTP_FORBIDDEN, body);
  }
  if (rc == LOTSE_EUNSUPPORTED)
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Kein Sprachmodell eingerichtet: eine "
                              "Zusammenfassung ist nicht möglich");
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: alert summary: %s", err->msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Zusammenfassung fehlgeschlagen");
  }
  json_t *body = json_pack(
      "{s:O, s:I, s:s, s:o}", "alert", json_object_get(alert, "id"), "draft",
      (json_int_t)s->draft_id, "label", GOV_DRAFT_LABEL, "text",
      server_json_text(s->text ? s->text : ""));
  lw_summary_release(s);
  return server_reply_json(r, MHD_HTTP_OK, body);
}

static enum MHD_Result summarize(http_req_t *r, int64_t id) {
  char app[GOV_SLUG_MAX + 1];
  int max_tokens = 0;
  if (summary_body_or_reply(r, app, &max_tokens)) return r->result;
  json_t *alert = alert_or_reply(r, id);
  if (!alert) return r->result;
  gov_ctx_t *gc = NULL;
  lw_summary s;
  memset(&s, 0, sizeof s);
  lw_summary_req q = {.app = app, .user = &r->principal, .alert = alert,
                      .max_tokens = max_tokens};
  lotse_err_t err = {0};
  int rc = server_gov_open(r, &gc, &err);
  if (!rc) rc = lw_alert_summarize(gc, &q, &s, &err);
  gov_ctx_free(gc);
  enum MHD_Result res = summary_reply(r, rc, alert, &s, &err);
  json_decref(alert);
  return res;
}

enum MHD_Result route_security(http_req_t *r) {
  if (role_or_reply(r)) return r->result;
  int summary;
  int64_t id = path_id(r->path, &summary);
  int post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
  if (id < 0 || post != summary)
    return id >= 0 && (post || summary)
               ? server_reply_not_allowed(r, summary ? "POST" : "GET, HEAD")
               : server_reply_error(r, MHD_HTTP_NOT_FOUND,
                                    "Unbekannte Adresse: erwartet wird "
                                    ALERTS_PATH ", " ALERTS_PATH "/NUMMER "
                                    "oder " ALERTS_PATH "/NUMMER/summary");
  if (summary) return summarize(r, id);
  lw_alerts_filter f = {.id = id, .limit = 100};
  if (!id && filter_or_reply(r, &f)) return r->result;
  char *ws = server_workspace_dir(r->srv->o.db_path);
  sqlite3 *db = NULL;
  json_t *arr = NULL;
  lotse_err_t err = {0};
  int rc = ws ? lw_alerts_open_ro(ws, &db, &err) : LOTSE_ENOMEM;
  if (!rc && db) rc = lw_alerts_list_json(db, &f, &arr, &err);
  sqlite3_close(db);
  free(ws);
  if (!rc && !arr && !(arr = json_array())) rc = LOTSE_ENOMEM;
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: security alerts: %s", err.msg);
    json_decref(arr);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Alarme konnten nicht gelesen werden");
  }
  if (id) {
    json_t *one = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    if (!one)
      return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                                "Kein Alarm mit der Nummer %lld",
                                (long long)id);
    return server_reply_json(r, MHD_HTTP_OK, one);
  }
  json_t *body = json_pack("{s:I, s:o}", "count",
                           (json_int_t)json_array_size(arr), "alerts", arr);
  if (!body)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Alarme konnten nicht gelesen werden");
  return server_reply_json(r, MHD_HTTP_OK, body);
}
