/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/anomaly_opts.c — the detector's settings (defaults and
 * lotse.conf [logwatch] anomaly_* keys) and the names of alert kinds and
 * severities (anomaly.h).
 *
 * Contract: lw_anomaly_opts_conf changes only the members whose key is
 * present, and nothing when a value is malformed (it names the key).
 * See also: analytics/logwatch/anomaly.c, docs/cli/logwatch-alerts.md.
 */
#include "analytics/logwatch/anomaly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ options */

void lw_anomaly_opts_default(lw_anomaly_opts *o) {
  memset(o, 0, sizeof *o);
  o->warmup_events = 1000;
  o->bucket_ms = 300000;
  o->bucket_events = 1000;
  o->k = 5.0;
  o->min_count = 10;
  o->min_history = 12;
  o->history = 288;
  o->seq_max_prob = 0.001;
  o->seq_min_prev = 100;
  o->seq_min_cur = 20;
  o->window_ms = 3600000;
  o->max_open_ms = 86400000;
  o->max_evidence = 10;
  o->max_text = 2048;
  o->group_field = "host";
}

/* Key `logwatch.<name>` as a number in [lo, hi]; 1 absent, 0 set, <0 bad. */
static int conf_num(const lotse_conf_t *c, const char *name, double lo,
                    double hi, double *out, lotse_err_t *err) {
  char key[64];
  snprintf(key, sizeof key, "logwatch.%s", name);
  const char *v = lotse_conf_get(c, key, NULL);
  if (!v) return 1;
  char *end;
  double x = strtod(v, &end);
  if (end == v || *end || !(x >= lo && x <= hi))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "lotse.conf: '%s' must be a number from %g to %g",
                         key, lo, hi);
  *out = x;
  return 0;
}

enum { K_WARMUP, K_BUCKET, K_K, K_MIN_COUNT, K_MIN_HISTORY, K_SEQ_PROB,
       K_WINDOW };

static void conf_set(lw_anomaly_opts *o, int what, double v) {
  switch (what) {
  case K_WARMUP: o->warmup_events = (uint64_t)v; break;
  case K_BUCKET: o->bucket_ms = (int64_t)(v * 1000); break;
  case K_K: o->k = v; break;
  case K_MIN_COUNT: o->min_count = (uint64_t)v; break;
  case K_MIN_HISTORY: o->min_history = (size_t)v; break;
  case K_SEQ_PROB: o->seq_max_prob = v; break;
  case K_WINDOW: o->window_ms = (int64_t)(v * 1000); break;
  }
}

int lw_anomaly_opts_conf(const lotse_conf_t *c, lw_anomaly_opts *o,
                         lotse_err_t *err) {
  static const struct {
    const char *name;
    double lo, hi;
    int what;
  } keys[] = {{"anomaly_warmup", 0, 1e12, K_WARMUP},
              {"anomaly_bucket_s", 1, 86400, K_BUCKET},
              {"anomaly_k", 0, 1000, K_K},
              {"anomaly_min_count", 1, 1e9, K_MIN_COUNT},
              {"anomaly_min_history", 1, 288, K_MIN_HISTORY},
              {"anomaly_seq_max_prob", 0, 0.5, K_SEQ_PROB},
              {"anomaly_window_s", 1, 86400, K_WINDOW}};
  lw_anomaly_opts t = *o; /* all or nothing */
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    double v = 0;
    int rc = conf_num(c, keys[i].name, keys[i].lo, keys[i].hi, &v, err);
    if (rc < 0) return rc;
    if (!rc) conf_set(&t, keys[i].what, v);
  }
  const char *h = lotse_conf_get(c, "logwatch.anomaly_host_field", NULL);
  if (h) t.group_field = h;
  *o = t;
  return 0;
}

/* ------------------------------------------------------------ names */

static const char *const kind_names[] = {NULL, "new_template", "burst",
                                         "rare_sequence"};
static const char *const sev_names[] = {NULL, "niedrig", "mittel", "hoch"};

const char *lw_alert_kind_name(lw_alert_kind k) {
  return k >= 1 && k <= 3 ? kind_names[k] : "?";
}
const char *lw_severity_name(lw_severity s) {
  return s >= 1 && s <= 3 ? sev_names[s] : "?";
}
int lw_alert_kind_parse(const char *s) {
  for (int i = 1; s && i <= 3; i++)
    if (!strcmp(s, kind_names[i])) return i;
  return 0;
}
int lw_severity_parse(const char *s) {
  for (int i = 1; s && i <= 3; i++)
    if (!strcmp(s, sev_names[i])) return i;
  return 0;
}
