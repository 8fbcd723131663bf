/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_security.c — GET /api/security/alerts?since=…&severity=…&
 * source=…&kind=…&limit=… and GET /api/security/alerts/ID: the alerts of the
 * log anomaly detection (analytics/logwatch/alerts.h) from the workspace's
 * logwatch.db, newest first.
 *
 * Contract: only named users holding the role informationssicherheit,
 * admin or auditor see alerts (anonymous: 401; other users: 403 with a
 * German reason). logwatch.db is opened read-only per request and never
 * created here; a workspace without one answers an empty list. A malformed
 * parameter is 400 with a German message; an unknown alert id is 404.
 * Spec: server/api/security-alerts.json.
 */
#include "analytics/logwatch/alerts.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define ALERT_ROLES                                                      \
  (GOV_ROLE_BIT(GOV_ROLE_INFORMATIONSSICHERHEIT) |                        \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR))
#define ALERTS_PATH "/api/security/alerts"
#define SOURCE_MAX 1024

/* The value of query parameter key, NULL when absent; *bad when it holds
 * a NUL byte. */
static const char *arg(http_req_t *r, const char *key, int *bad) {
  const char *v = NULL;
  size_t n = 0;
  if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, key,
                                    strlen(key), &v, &n) != MHD_YES)
    return NULL;
  if (!v) return "";
  if (strlen(v) != n) *bad = 1;
  return v;
}

static int bad_or_reply(http_req_t *r, const char *key, const char *what) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "Parameter '%s': %s", key, what);
  return -1;
}

static int limit_or_reply(http_req_t *r, lw_alerts_filter *f) {
  int bad = 0;
  const char *v = arg(r, "limit", &bad);
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
  const char *v = arg(r, "since", &bad);
  if (v && (bad || lw_alerts_parse_since(v, lotse_now_unix() * 1000,
                                         &f->since_ms)))
    return bad_or_reply(r, "since", "Zeitpunkt nicht lesbar (JJJJ-MM-TT, "
                                    "JJJJ-MM-TTThh:mm[:ss], 30d, 12h oder 30m)");
  v = arg(r, "severity", &bad);
  if (v && (bad || !(f->min_severity = lw_severity_parse(v))))
    return bad_or_reply(r, "severity", "niedrig, mittel oder hoch angeben");
  v = arg(r, "kind", &bad);
  if (v && (bad || !lw_alert_kind_parse(v)))
    return bad_or_reply(r, "kind",
                        "new_template, burst oder rare_sequence angeben");
  f->kind = v;
  v = arg(r, "source", &bad);
  if (v && (bad || !*v || strlen(v) > SOURCE_MAX))
    return bad_or_reply(r, "source", "Name einer Quelle angeben");
  f->source = v;
  return limit_or_reply(r, f);
}

/* The id after "/api/security/alerts/", 0 for the list; -1 when bad. */
static int64_t path_id(const char *path) {
  const char *p = path + strlen(ALERTS_PATH);
  if (!*p) return 0;
  if (*p++ != '/' || !*p) return -1;
  char *end;
  long long id = strtoll(p, &end, 10);
  if (*end || id < 1 || *p < '0' || *p > '9') return -1;
  return id;
}

static int role_or_reply(http_req_t *r) {
  return server_roles_or_reply(
      r, ALERT_ROLES,
      "Sicherheitsalarme sind nur für angemeldete Beschäftigte zugänglich",
      "Keine Berechtigung: Sicherheitsalarme sehen nur "
      "Informationssicherheit, Revision und Administration");
}

enum MHD_Result route_security(http_req_t *r) {
  if (role_or_reply(r)) return r->result;
  int64_t id = path_id(r->path);
  if (id < 0)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Unbekannte Adresse: erwartet wird "
                              ALERTS_PATH " oder " ALERTS_PATH "/NUMMER");
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
