/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_kpi.c — GET /api/kpi?since=…&until=…&app=…: KPIs per AI
 * application from the audit trail (gov/kpi.h), the cockpit's data.
 *
 * Contract: only named users holding the role auditor, ki_koordination or
 * admin see KPIs (anonymous: 401; other users: 403 with a German reason).
 * since/until take the forms of `lotse kpi` (2026-03-01,
 * 2026-03-01T08:00Z, 30d, 12h); a malformed value or an empty range is 400.
 * The trail is opened read-only per request and never created here.
 * Spec: server/api/kpi.json.
 */
#include "gov/audit.h"
#include "gov/kpi.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define KPI_ROLES                                                    \
  (GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) | \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))

static int time_or_reply(http_req_t *r, const char *key, int64_t *ms) {
  int bad = 0;
  const char *v = server_query_arg(r, key, &bad);
  if (!v) return 0;
  lotse_err_t err = {0};
  if (!bad && !gov_kpi_parse_time(v, lotse_now_unix() * 1000, ms, &err))
    return 0;
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "Parameter '%s': %s", key,
                     bad ? "ungültiges Zeichen" : err.msg);
  return -1;
}

static int query_or_reply(http_req_t *r, gov_kpi_query_t *q) {
  if (time_or_reply(r, "since", &q->since_ms) ||
      time_or_reply(r, "until", &q->until_ms))
    return -1;
  if (q->since_ms && q->until_ms && q->until_ms <= q->since_ms) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Der Zeitraum ist leer ('until' liegt nicht nach "
                       "'since')");
    return -1;
  }
  int bad = 0;
  q->app_id = server_query_arg(r, "app", &bad);
  if (bad || (q->app_id && (!*q->app_id || strlen(q->app_id) > GOV_SLUG_MAX))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'app' muss eine Anwendungs-ID sein");
    return -1;
  }
  return 0;
}

static int role_or_reply(http_req_t *r) {
  return server_roles_or_reply(
      r, KPI_ROLES,
      "Kennzahlen sind nur für angemeldete Beschäftigte zugänglich",
      "Keine Berechtigung: Kennzahlen sehen nur Revision, KI-Koordination "
      "und Administration");
}

enum MHD_Result route_kpi(http_req_t *r) {
  gov_kpi_query_t q = {0};
  if (role_or_reply(r) || query_or_reply(r, &q)) return r->result;
  char *ws = server_workspace_dir(r->srv->o.db_path);
  gov_audit_t *a = NULL;
  gov_kpi_report_t *rep = NULL;
  lotse_err_t err = {0};
  int rc = ws ? gov_audit_open(ws, GOV_AUDIT_RDONLY, &a, &err) : LOTSE_ENOMEM;
  if (!rc) rc = gov_kpi_compute(a, r->w->st, &q, &rep, &err);
  gov_audit_close(a);
  free(ws);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: kpi: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Kennzahlen konnten nicht berechnet werden");
  }
  json_t *body = gov_kpi_report_json(rep);
  gov_kpi_report_free(rep);
  if (!body)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Kennzahlen konnten nicht berechnet werden");
  return server_reply_json(r, MHD_HTTP_OK, body);
}
