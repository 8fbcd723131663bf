/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_health.c — GET /healthz: is the service able to answer?
 *
 * Contract: 200 {"status":"ok"} when this worker's database connection
 * runs a trivial statement (SELECT 1); 503 with the error shape otherwise.
 * Cheap enough for a load balancer to call every second; reveals nothing
 * about the documents. Spec: server/api/healthz.json.
 */
#include "server/server_internal.h"

enum MHD_Result route_health(http_req_t *r) {
  if (server_worker_get_or_reply(r)) return r->result;
  sqlite3_stmt *q = NULL;
  int ok = sqlite3_prepare_v2(store_db(r->w->st), "SELECT 1", -1, &q,
                              NULL) == SQLITE_OK &&
           sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  if (!ok) {
    lotse_log(LOTSE_LOG_ERROR, "server: health check: %s",
              sqlite3_errmsg(store_db(r->w->st)));
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Datenbank nicht erreichbar");
  }
  json_t *body = json_pack("{s:s}", "status", "ok");
  return server_reply_json(r, MHD_HTTP_OK, body);
}
