/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/alerts_sink.c — the sink between the anomaly detector
 * and the ingest pipeline (alerts.h): alerts raised while events flow are
 * buffered as rows and written in the pipeline's commit hook, inside the
 * batch transaction, so a failed ingest leaves no alerts behind.
 *
 * Contract: on_event never fails visibly (the callback returns void); an
 * error is kept and returned by the next commit, which rolls the batch
 * back. At most SINK_MAX_PENDING alerts wait per batch (more are counted
 * and logged as dropped). Runs that do not flush at each commit (syslog
 * listeners) also write snapshots of the alerts still open; such a row is
 * updated until its alert closes (lw_alerts.open = 0), then never again;
 * lw_alert_sink_finish closes them when the listener stops, and the first
 * commit of a sink closes rows an earlier (crashed) process left open.
 * See also: analytics/logwatch/alerts.c (rows), analytics/logwatch/ingest.h.
 */
#include "analytics/logwatch/alerts.h"
#include "analytics/logwatch/alerts_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define SINK_MAX_PENDING 100000

/* ------------------------------------------------------------ sink */

struct lw_alert_sink {
  lw_anomaly *det;
  json_t *pending; /* uid → row, the latest state of each alert */
  json_t *rowids;  /* uid → lw_alerts.id of rows still open */
  int flush_on_commit;
  int committed; /* a commit went through (stale rows were closed) */
  int rc; /* sticky error from on_event */
  uint64_t written, dropped;
};

static void sink_alert(void *ud, const lw_alert *a) {
  lw_alert_sink *s = ud;
  char key[24];
  snprintf(key, sizeof key, "%llu", (unsigned long long)a->uid);
  if (json_object_size(s->pending) >= SINK_MAX_PENDING &&
      !json_object_get(s->pending, key)) {
    s->dropped++;
    return;
  }
  json_t *o = lw_alert_row(a);
  if (!o || json_object_set_new(s->pending, key, o)) s->rc = LOTSE_ENOMEM;
}

lw_alert_sink *lw_alert_sink_new(const lw_anomaly_opts *o, int flush_on_commit,
                                 lotse_err_t *err) {
  lw_alert_sink *s = calloc(1, sizeof *s);
  if (!s || !(s->pending = json_object()) || !(s->rowids = json_object())) {
    lw_alert_sink_free(s);
    lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    return NULL;
  }
  s->flush_on_commit = flush_on_commit;
  if (!(s->det = lw_anomaly_new(o, sink_alert, s, err))) {
    lw_alert_sink_free(s);
    return NULL;
  }
  return s;
}

void lw_alert_sink_free(lw_alert_sink *s) {
  if (!s) return;
  lw_anomaly_free(s->det);
  json_decref(s->pending);
  json_decref(s->rowids);
  free(s);
}

void lw_alert_sink_attach(lw_alert_sink *s, lw_ingest_opts *o) {
  o->on_event = lw_alert_sink_on_event;
  o->on_commit = lw_alert_sink_commit;
  o->ud = s;
}

void lw_alert_sink_on_event(void *ud, const lw_event *ev, uint32_t template_id,
                            const char *template_text, int is_new_template) {
  lw_alert_sink *s = ud;
  if (s->rc || ev->malformed || !template_text) return;
  /* Known to the miner from an earlier run: not new for the detector. */
  int rc = is_new_template ? 0
           : lw_anomaly_mark_known(s->det, ev->source, template_id);
  if (!rc) rc = lw_anomaly_feed(s->det, ev, template_id, template_text);
  if (rc == LOTSE_ELIMIT) rc = 0; /* an absurd template id: not counted */
  s->rc = rc;
}

/* Write one pending row: insert, or update the row of a still open alert. */
static int put(lw_alert_sink *s, sqlite3 *db, const char *key, json_t *row,
               lotse_err_t *err) {
  int64_t id = json_integer_value(json_object_get(s->rowids, key));
  int rc = lw_alerts_put_row(db, row, &id, err);
  if (rc) return rc;
  if (json_is_true(json_object_get(row, "open")))
    return json_object_set_new(s->rowids, key, json_integer(id))
               ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory") : 0;
  json_object_del(s->rowids, key); /* final: never written again */
  s->written++;
  return 0;
}

int lw_alert_sink_commit(void *ud, lw_store *st, lotse_err_t *err) {
  lw_alert_sink *s = ud;
  if (s->rc) return lotse_err_set(err, s->rc, "anomaly detection failed: %s",
                                  lotse_strerror(s->rc));
  if (s->flush_on_commit)
    lw_anomaly_flush(s->det);
  else
    lw_anomaly_each_open(s->det, sink_alert, s);
  if (s->rc) return lotse_err_set(err, s->rc, "out of memory");
  sqlite3 *db = lw_store_db(st);
  int rc = lw_alerts_schema(db, err);
  /* Rows left open by an earlier process can never be continued. */
  if (!rc && !s->committed &&
      sqlite3_exec(db, "UPDATE lw_alerts SET open = 0 WHERE open = 1", NULL,
                   NULL, NULL) != SQLITE_OK)
    rc = lotse_err_set(err, LOTSE_EDB, "unable to close stale alerts: %s",
                       sqlite3_errmsg(db));
  const char *key;
  json_t *row;
  json_object_foreach(s->pending, key, row) {
    if (rc) break;
    rc = put(s, db, key, row, err);
  }
  if (rc) return rc;
  s->committed = 1;
  json_object_clear(s->pending);
  if (s->dropped)
    lotse_log(LOTSE_LOG_WARN, "logwatch: %llu alerts dropped (more than %d "
              "in one batch)", (unsigned long long)s->dropped, SINK_MAX_PENDING);
  s->dropped = 0;
  return 0;
}

int lw_alert_sink_finish(lw_alert_sink *s, lw_store *st, lotse_err_t *err) {
  if (s->rc) return lotse_err_set(err, s->rc, "anomaly detection failed: %s",
                                  lotse_strerror(s->rc));
  lw_anomaly_flush(s->det);
  if (!json_object_size(s->pending)) return 0;
  int rc = lw_store_begin(st, err);
  if (rc) return rc;
  int keep = s->flush_on_commit;
  s->flush_on_commit = 1;
  rc = lw_alert_sink_commit(s, st, err);
  s->flush_on_commit = keep;
  if (!rc) rc = lw_store_commit(st, err);
  if (rc) lw_store_rollback(st);
  return rc;
}

uint64_t lw_alert_sink_written(const lw_alert_sink *s) {
  return s ? s->written : 0;
}
