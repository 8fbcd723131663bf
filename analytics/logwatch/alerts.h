/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/alerts.h — alerts of the anomaly detector in the
 * workspace's logwatch.db: the table (created through the schema hook of
 * lwstore.c), the German explanation of an alert, listing with filters as
 * JSON, and the sink that connects detector and ingest pipeline.
 *
 * Contract: a closed alert row (open = 0) is final; a row stored while its
 * alert was still open (listeners) is updated until it closes. Evidence is
 * stored capped (anomaly.h max_evidence / max_text). Listing never writes.
 * The sink buffers alerts raised during ingestion and writes them in the
 * pipeline's commit hook, inside the batch transaction, so a failed ingest
 * leaves no alerts behind.
 * See also: analytics/logwatch/anomaly.h, cli/cmd_logwatch_alerts.c,
 * server/route_security.c, docs/cli/logwatch-alerts.md.
 */
#ifndef LOTSE_LOGWATCH_ALERTS_H
#define LOTSE_LOGWATCH_ALERTS_H

#include "analytics/logwatch/anomaly.h"
#include "analytics/logwatch/ingest.h"
#include "base/base.h"
#include "gov/gate.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

/* CREATE TABLE IF NOT EXISTS lw_alerts …; idempotent (lwstore.c hook). */
int lw_alerts_schema(sqlite3 *db, lotse_err_t *err);

/* The German explanation in plain words; caller frees (NULL on OOM). */
char *lw_alert_explain(const lw_alert *a);

/* Store one alert; *id (may be NULL) its row id. */
int lw_alerts_insert(sqlite3 *db, const lw_alert *a, int64_t *id,
                     lotse_err_t *err);

typedef struct lw_alerts_filter {
  int64_t since_ms;      /* alerts whose last line is at or after; 0: all */
  int min_severity;      /* lw_severity; 0: all */
  const char *source;    /* exact source name; NULL: all */
  const char *kind;      /* "burst" …; NULL: all */
  int64_t id;            /* one alert; 0: all */
  size_t limit;          /* newest first; 0: 1000 */
} lw_alerts_filter;

/* A JSON array of alerts (newest first) with all stored members:
 * id, kind, severity, source, host, template_id, template, prev_template,
 * first, last, detected (ISO 8601 UTC or null), first_ms, last_ms, line_first,
 * line_last, count, explanation, details, evidence [{source,line,text}],
 * created, open (still collecting lines). *out is owned by the caller. */
int lw_alerts_list_json(sqlite3 *db, const lw_alerts_filter *f, json_t **out,
                        lotse_err_t *err);

/* "2026-11-27", "2026-11-27T05:00[:00]" (UTC) or "24h", "7d", "30m" before
 * now_ms → ms since the epoch; LOTSE_EINVAL when malformed. */
int lw_alerts_parse_since(const char *s, int64_t now_ms, int64_t *out);

/* DIR/logwatch.db opened read-only for listing; *db NULL (and 0) when the
 * workspace has no logwatch.db yet. Close with sqlite3_close. */
int lw_alerts_open_ro(const char *workspace, sqlite3 **db, lotse_err_t *err);

/* ------------------------------------------------ summary (alerts_summary.c) */

typedef struct lw_summary_req {
  const char *app;               /* the approved application to run */
  const store_principal_t *user; /* who asks (unit, trainings, clearance) */
  const json_t *alert;           /* one element of lw_alerts_list_json */
  int max_tokens;                /* 0: 256 */
} lw_summary_req;

typedef struct lw_summary {
  gov_decision_t decision; /* reason != NONE when refused */
  int64_t draft_id;        /* the labelled draft (GOV_DRAFT_LABEL) */
  char *text;              /* the draft's text; lw_summary_release */
  int prompt_tokens, completion_tokens;
} lw_summary;

/* Summarise the alert through the gate. LOTSE_EREFUSED with decision
 * filled when the gate refuses (nothing stored but the audit record);
 * LOTSE_EUNSUPPORTED when no model is configured. */
int lw_alert_summarize(gov_ctx_t *gc, const lw_summary_req *r,
                       lw_summary *out, lotse_err_t *err);
void lw_summary_release(lw_summary *s);

/* ------------------------------------------------ detector ↔ ingest sink */

typedef struct lw_alert_sink lw_alert_sink;

/* A detector with options o (NULL: defaults) whose alerts are buffered
 * until lw_alert_sink_commit. flush_on_commit: close every open window at
 * each commit (file/stdin runs: the commit is the end of the input). */
lw_alert_sink *lw_alert_sink_new(const lw_anomaly_opts *o, int flush_on_commit,
                                 lotse_err_t *err);
void lw_alert_sink_free(lw_alert_sink *s);

/* Plug the sink into ingest options: sets on_event, on_commit and ud. */
void lw_alert_sink_attach(lw_alert_sink *s, lw_ingest_opts *o);

/* The callbacks themselves (ud = the sink), for callers that chain them. */
void lw_alert_sink_on_event(void *ud, const lw_event *ev, uint32_t template_id,
                            const char *template_text, int is_new_template);
int lw_alert_sink_commit(void *ud, lw_store *st, lotse_err_t *err);

/* End of a run (after lw_ingest_run returned 0): close every open alert
 * and write it final in one transaction of its own (nothing to do after a
 * file run, whose commit flushed). */
int lw_alert_sink_finish(lw_alert_sink *s, lw_store *st, lotse_err_t *err);

/* Final (closed) alerts written so far by this sink. */
uint64_t lw_alert_sink_written(const lw_alert_sink *s);

#endif
