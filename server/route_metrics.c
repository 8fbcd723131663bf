/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_metrics.c — GET /metrics: Prometheus text format 0.0.4.
 *
 * Contract: only aggregate numbers — counts of documents, passages,
 * versions, documents per data class, request counters and latencies.
 * Never a title, source, user or group name, so the endpoint is served
 * without authentication (counts per class are accepted as public; put
 * /metrics behind the reverse proxy if even that is too much).
 * Spec: server/api/metrics.json.
 */
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#ifndef LOTSE_VERSION
#define LOTSE_VERSION "unknown" /* set by the build for the CLI only */
#endif

#define METRICS_MAX (1u << 20)
#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"

static int render_gauge(lotse_buf_t *b, const char *name, const char *help,
                        long long v) {
  return lotse_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name,
                          help, name, name, v);
}

static int render_store(lotse_buf_t *b, const store_stats_t *s) {
  int rc = render_gauge(b, "lotse_documents", "Documents in the store.",
                        (long long)s->documents);
  if (!rc)
    rc = render_gauge(b, "lotse_document_versions",
                      "Stored document versions, old ones included.",
                      (long long)s->versions);
  if (!rc)
    rc = render_gauge(b, "lotse_chunks",
                      "Searchable passages (current versions).",
                      (long long)s->chunks_indexed);
  if (!rc)
    rc = render_gauge(b, "lotse_database_bytes", "Size of the database file.",
                      (long long)s->db_bytes);
  if (!rc)
    rc = lotse_buf_puts(b, "# HELP lotse_documents_by_class Documents per "
                           "data class.\n"
                           "# TYPE lotse_documents_by_class gauge\n");
  for (int c = 0; c < STORE_CLASS_COUNT && !rc; c++)
    rc = lotse_buf_printf(b, "lotse_documents_by_class{class=\"%s\"} %lld\n",
                          store_class_name(c), (long long)s->by_class[c]);
  return rc;
}

static int render_build(lotse_buf_t *b) {
  return lotse_buf_printf(
      b,
      "# HELP lotse_build_info Version of lotse and its libraries.\n"
      "# TYPE lotse_build_info gauge\n"
      "lotse_build_info{version=\"%s\",sqlite=\"%s\",microhttpd=\"%s\"} 1\n",
      LOTSE_VERSION, sqlite3_libversion(), MHD_get_version());
}

enum MHD_Result route_metrics(http_req_t *r) {
  store_stats_t st;
  lotse_err_t err = {0};
  if (store_stats_get(r->w->st, &st, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: metrics: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Datenbank nicht erreichbar");
  }
  lotse_buf_t b;
  lotse_buf_init(&b, METRICS_MAX);
  int rc = render_build(&b);
  if (!rc) rc = render_store(&b, &st);
  if (!rc) rc = server_metrics_render(&r->srv->metrics, &b);
  if (rc) {
    lotse_buf_release(&b);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  size_t len = b.len;
  return server_reply_body(r, MHD_HTTP_OK, CT_PROM, lotse_buf_detach(&b),
                           len);
}
