/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/anomaly.h — online anomaly detection over mined log
 * events: (1) a template never seen for a source, after a warm-up; (2) a
 * burst of one template in a time bucket against a robust baseline
 * (median + k·MAD of the earlier buckets, with a minimum count); (3) a rare
 * transition between consecutive templates of one source/host.
 *
 * Contract: events are fed in arrival order with the template id the miner
 * gave them (lw_drain); the detector copies what it keeps, so the event's
 * strings may be reused after lw_anomaly_feed returns. Alerts are handed to
 * the callback when their window closes (a new template or rare sequence:
 * window_ms after its latest line, at most max_open_ms after its first; a
 * burst: at the end of its bucket) or at lw_anomaly_flush;
 * lw_anomaly_each_open shows the open ones before that. The alert and its
 * strings are valid only during the callback. Timestamps are ms
 * since the epoch; events without a time (ts_ms == 0) count one "tick" per
 * event instead (bucket_events events per bucket).
 * Invariants: (1) an alert's line range covers exactly its evidence and
 * counted lines of that source; (2) the callback is never called from a
 * failing call; (3) no alert of a source before its warm-up ended.
 * See also: analytics/logwatch/alerts.h (storage, explanation text).
 */
#ifndef LOTSE_LOGWATCH_ANOMALY_H
#define LOTSE_LOGWATCH_ANOMALY_H

#include "analytics/logwatch/event.h"
#include "base/base.h"

#include <stddef.h>
#include <stdint.h>

typedef enum lw_alert_kind {
  LW_ALERT_NEW_TEMPLATE = 1, /* "new_template" */
  LW_ALERT_BURST = 2,        /* "burst" */
  LW_ALERT_RARE_SEQUENCE = 3 /* "rare_sequence" */
} lw_alert_kind;

typedef enum lw_severity {
  LW_SEV_LOW = 1,    /* niedrig */
  LW_SEV_MEDIUM = 2, /* mittel */
  LW_SEV_HIGH = 3    /* hoch */
} lw_severity;

/* One evidence line: where it came from and its text (capped). */
typedef struct lw_evidence {
  const char *source;
  uint64_t line;
  int64_t ts_ms;
  const char *text;
} lw_evidence;

typedef struct lw_alert {
  uint64_t uid;              /* unique per detector, stable while open */
  int open;                  /* 1: still collecting lines (a snapshot) */
  lw_alert_kind kind;
  lw_severity severity;
  const char *source;
  const char *host;          /* the host field of the group, "" when none */
  uint32_t template_id;
  const char *template_text;
  uint32_t prev_template_id; /* rare_sequence: the template before */
  const char *prev_template_text; /* rare_sequence, else NULL */
  int64_t t_first_ms, t_last_ms; /* time range of the counted lines */
  int64_t detected_ms;       /* event time at which it became an alert */
  uint64_t line_first, line_last;
  uint64_t count;            /* lines counted into this alert */
  /* burst: the baseline; rare_sequence: observed probability in ‰ */
  double base_median, base_q1, base_q3, threshold;
  double seq_prob;           /* P(template | prev_template) before */
  uint64_t seq_prev_total;   /* how often prev_template was seen */
  int64_t bucket_ms;         /* burst: bucket width (0: ticks) */
  const lw_evidence *evidence;
  size_t n_evidence;
} lw_alert;

typedef void (*lw_alert_fn)(void *ud, const lw_alert *alert);

typedef struct lw_anomaly_opts {
  uint64_t warmup_events; /* per source; default 1000 */
  int64_t bucket_ms;      /* burst bucket width; default 300000 (5 min) */
  uint64_t bucket_events; /* ticks per bucket for events without time; 1000 */
  double k;               /* MAD multiplier; default 5 */
  uint64_t min_count;     /* a burst has at least this many; default 10 */
  size_t min_history;     /* earlier buckets needed for a baseline; 12 */
  size_t history;         /* buckets kept per template; default 288 */
  double seq_max_prob;    /* rare: (count + 1) / (prev seen + 1) below this;
                             default 0.001 */
  uint64_t seq_min_prev;  /* prev template seen at least; default 100 */
  uint64_t seq_min_cur;   /* cur template seen at least; default 20 */
  int64_t window_ms;      /* new/rare alerts collect lines until this long
                             after the latest; default 3600000 (1 h) */
  int64_t max_open_ms;    /* ... but at most this long; default 86400000 */
  size_t max_evidence;    /* evidence lines per alert; default 10 */
  size_t max_text;        /* bytes kept per evidence line; default 2048 */
  const char *group_field;/* field that names the host; default "host" */
} lw_anomaly_opts;

typedef struct lw_anomaly lw_anomaly;

/* Template ids are dense per source (the miner counts from 1); an id at or
 * above this is refused with LOTSE_ELIMIT (the event is not counted). */
#define LW_ANOMALY_MAX_TEMPLATES (1u << 22)

/* Override o from lotse.conf (section [logwatch]): anomaly_warmup,
 * anomaly_bucket_s, anomaly_k, anomaly_min_count, anomaly_min_history,
 * anomaly_seq_max_prob, anomaly_window_s, anomaly_host_field. Absent keys
 * leave o as it is; a malformed value is LOTSE_EINVAL naming the key. */
int lw_anomaly_opts_conf(const lotse_conf_t *c, lw_anomaly_opts *o,
                         lotse_err_t *err);

/* Defaults for every member (the values named above). */
void lw_anomaly_opts_default(lw_anomaly_opts *o);

/* A detector; fn receives the alerts. Returns NULL with err filled on bad
 * options or out of memory. Owner: the caller (lw_anomaly_free). */
lw_anomaly *lw_anomaly_new(const lw_anomaly_opts *o, lw_alert_fn fn, void *ud,
                           lotse_err_t *err);

/* The template is already known for the source (restored from the store):
 * counts as seen, and warm-up counts the events. */
int lw_anomaly_seed(lw_anomaly *d, const char *source, uint32_t template_id,
                    uint64_t count);

/* The miner knew template_id of source from an earlier run (its store):
 * the template is not new, and the source counts as warmed up. */
int lw_anomaly_mark_known(lw_anomaly *d, const char *source,
                          uint32_t template_id);

/* One mined event. May call fn for alerts whose window closed. Returns 0,
 * LOTSE_ENOMEM or LOTSE_ELIMIT (template id too large; the event is not
 * counted); the detector stays usable. */
int lw_anomaly_feed(lw_anomaly *d, const lw_event *ev, uint32_t template_id,
                    const char *template_text);

/* Close every open window and bucket (end of input): pending alerts go to
 * fn. The detector keeps learning afterwards. */
int lw_anomaly_flush(lw_anomaly *d);

/* Snapshots (open = 1) of the alerts still collecting lines and of the
 * bursts whose current bucket already crossed its threshold, so that a
 * long-running listener can show them before they close. The same uid
 * comes again, final, through the callback when the alert closes. */
void lw_anomaly_each_open(lw_anomaly *d, lw_alert_fn fn, void *ud);

/* Alerts emitted so far. */
uint64_t lw_anomaly_alerts(const lw_anomaly *d);

void lw_anomaly_free(lw_anomaly *d);

/* "new_template", "burst", "rare_sequence"; "niedrig", "mittel", "hoch". */
const char *lw_alert_kind_name(lw_alert_kind k);
const char *lw_severity_name(lw_severity s);
int lw_alert_kind_parse(const char *s);  /* 0 when unknown */
int lw_severity_parse(const char *s);    /* 0 when unknown */

#endif
