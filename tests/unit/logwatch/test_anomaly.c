/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_anomaly.c — the three detectors of
 * analytics/logwatch/anomaly.h on synthetic event streams: new template only
 * after warm-up and aggregated over its window, bursts against median + k·MAD
 * with the minimum count, rare transitions per host, seeding, severity from
 * the level field, bad options.
 */
#include "testutil.h"

#include "analytics/logwatch/anomaly.h"

#define MAXA 64

typedef struct got {
  size_t n;
  lw_alert_kind kind[MAXA];
  lw_severity sev[MAXA];
  uint64_t count[MAXA], line_first[MAXA], line_last[MAXA];
  uint32_t tid[MAXA], prev[MAXA];
  size_t n_ev[MAXA];
  uint64_t ev_line0[MAXA];
  char ev_text0[MAXA][64];
  double med[MAXA], thr[MAXA];
  int64_t detected[MAXA];
} got;

static void on_alert(void *ud, const lw_alert *a) {
  got *g = ud;
  if (g->n >= MAXA) return;
  size_t i = g->n++;
  g->kind[i] = a->kind, g->sev[i] = a->severity, g->count[i] = a->count;
  g->line_first[i] = a->line_first, g->line_last[i] = a->line_last;
  g->tid[i] = a->template_id, g->prev[i] = a->prev_template_id;
  g->n_ev[i] = a->n_evidence, g->med[i] = a->base_median;
  g->thr[i] = a->threshold, g->detected[i] = a->detected_ms;
  if (a->n_evidence) {
    g->ev_line0[i] = a->evidence[0].line;
    snprintf(g->ev_text0[i], sizeof g->ev_text0[i], "%s", a->evidence[0].text);
    assert_string_equal(a->evidence[0].source, a->source);
  }
}

typedef struct feeder {
  lw_anomaly *d;
  const char *source;
  uint64_t line;
  lw_field f[2];
  size_t nf;
} feeder;

static void feed(feeder *fd, int64_t ts, uint32_t tid, const char *host,
                 const char *level) {
  char msg[64];
  snprintf(msg, sizeof msg, "message %u line %llu", tid,
           (unsigned long long)(fd->line + 1));
  fd->nf = 0;
  if (host) fd->f[fd->nf++] = (lw_field){"host", host, strlen(host)};
  if (level) fd->f[fd->nf++] = (lw_field){"Level", level, strlen(level)};
  lw_event ev = {.source = fd->source, .line = ++fd->line, .ts_ms = ts,
                 .message = msg, .message_len = strlen(msg),
                 .fields = fd->f, .n_fields = fd->nf};
  char tpl[32];
  snprintf(tpl, sizeof tpl, "message %u line <*>", tid);
  assert_int_equal(lw_anomaly_feed(fd->d, &ev, tid, tpl), 0);
}

static lw_anomaly *mk(lw_anomaly_opts *o, got *g) {
  lotse_err_t err = {0};
  lw_anomaly *d = lw_anomaly_new(o, on_alert, g, &err);
  if (!d) fail_msg("lw_anomaly_new: %s", err.msg);
  return d;
}

static size_t count_kind(const got *g, lw_alert_kind k) {
  size_t n = 0;
  for (size_t i = 0; i < g->n; i++) n += g->kind[i] == k;
  return n;
}

static void test_new_template_after_warmup(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 50;
  got g = {0};
  feeder fd = {mk(&o, &g), "app.log", 0, {{0}}, 0};
  for (int i = 0; i < 40; i++) feed(&fd, 0, 1, NULL, NULL);
  feed(&fd, 0, 2, NULL, NULL); /* new, but still in warm-up */
  for (int i = 0; i < 20; i++) feed(&fd, 0, 1, NULL, NULL);
  assert_int_equal(g.n, 0);
  feed(&fd, 0, 3, NULL, NULL); /* line 62: new after warm-up */
  feed(&fd, 0, 1, NULL, NULL);
  feed(&fd, 0, 3, NULL, NULL);
  feed(&fd, 0, 3, NULL, NULL);
  assert_int_equal(g.n, 0); /* window still open */
  assert_int_equal(lw_anomaly_flush(fd.d), 0);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.kind[0], LW_ALERT_NEW_TEMPLATE);
  assert_int_equal(g.tid[0], 3);
  assert_int_equal(g.count[0], 3);
  assert_int_equal(g.line_first[0], 62);
  assert_int_equal(g.line_last[0], 65);
  assert_int_equal(g.n_ev[0], 3);
  assert_int_equal(g.ev_line0[0], 62);
  assert_string_equal(g.ev_text0[0], "message 3 line 62");
  assert_int_equal(g.sev[0], LW_SEV_MEDIUM);
  assert_int_equal(lw_anomaly_alerts(fd.d), 1);
  lw_anomaly_free(fd.d);
}

static void test_new_template_window_closes(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 10;
  got g = {0};
  feeder fd = {mk(&o, &g), "app.log", 0, {{0}}, 0};
  int64_t t0 = 1700000000000;
  for (int i = 0; i < 20; i++) feed(&fd, t0 + i * 1000, 1, NULL, NULL);
  feed(&fd, t0 + 30000, 7, NULL, "FATAL");
  assert_int_equal(g.n, 0);
  feed(&fd, t0 + 30000 + o.window_ms, 1, NULL, NULL); /* window ends */
  assert_int_equal(g.n, 1);
  assert_int_equal(g.kind[0], LW_ALERT_NEW_TEMPLATE);
  assert_int_equal(g.sev[0], LW_SEV_HIGH); /* FATAL raises mittel */
  assert_int_equal(g.detected[0], t0 + 30000);
  feed(&fd, t0 + 40000 + o.window_ms, 7, NULL, NULL); /* known now */
  lw_anomaly_flush(fd.d);
  assert_int_equal(count_kind(&g, LW_ALERT_NEW_TEMPLATE), 1);
  lw_anomaly_free(fd.d);
}

static void test_seeded_templates_are_known(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 100;
  got g = {0};
  feeder fd = {mk(&o, &g), "app.log", 0, {{0}}, 0};
  assert_int_equal(lw_anomaly_seed(fd.d, "app.log", 1, 80), 0);
  assert_int_equal(lw_anomaly_seed(fd.d, "app.log", 2, 30), 0);
  feed(&fd, 0, 2, NULL, NULL); /* seeded: not new; warm-up over (110) */
  feed(&fd, 0, 5, NULL, NULL); /* new */
  lw_anomaly_flush(fd.d);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.tid[0], 5);
  lw_anomaly_free(fd.d);
}

/* 2–3 events per 5-minute bucket for 20 buckets, then 60 in one. */
static void test_burst_against_baseline(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 1000000; /* only bursts here */
  got g = {0};
  feeder fd = {mk(&o, &g), "web.log", 0, {{0}}, 0};
  int64_t t0 = 1700000000000 - 1700000000000 % o.bucket_ms;
  for (int b = 0; b < 20; b++)
    for (int i = 0; i < 2 + b % 2; i++)
      feed(&fd, t0 + b * o.bucket_ms + i * 1000, 1, NULL, NULL);
  assert_int_equal(g.n, 0);
  int64_t tb = t0 + 20 * o.bucket_ms;
  for (int i = 0; i < 60; i++) feed(&fd, tb + i * 1000, 1, NULL, "ERROR");
  assert_int_equal(g.n, 0); /* the bucket is still open */
  feed(&fd, tb + o.bucket_ms, 1, NULL, NULL);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.kind[0], LW_ALERT_BURST);
  assert_int_equal(g.count[0], 60);
  assert_true(g.med[0] >= 2.0 && g.med[0] <= 3.0);
  assert_true(g.thr[0] >= 10.0 && g.thr[0] < 60.0);
  assert_int_equal(g.detected[0], tb + ((int64_t)g.thr[0] - 1) * 1000);
  assert_int_equal(g.n_ev[0], o.max_evidence);
  assert_int_equal(g.sev[0], LW_SEV_HIGH); /* ≥ 3× threshold, ERROR */
  lw_anomaly_flush(fd.d);
  assert_int_equal(g.n, 1);
  lw_anomaly_free(fd.d);
}

/* Below the minimum count, or without enough history, nothing fires. */
static void test_burst_needs_min_count_and_history(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 1000000;
  got g = {0};
  feeder fd = {mk(&o, &g), "web.log", 0, {{0}}, 0};
  int64_t t0 = 0 + 1000 * o.bucket_ms;
  for (int i = 0; i < 50; i++) feed(&fd, t0 + i, 1, NULL, NULL); /* no history */
  for (int b = 1; b < 30; b++) feed(&fd, t0 + b * o.bucket_ms, 1, NULL, NULL);
  for (int i = 0; i < 8; i++) feed(&fd, t0 + 30 * o.bucket_ms + i, 1, NULL, NULL);
  lw_anomaly_flush(fd.d);
  assert_int_equal(g.n, 0); /* 8 < min_count 10, first bucket had no baseline */
  lw_anomaly_free(fd.d);
}

/* A→B→C repeated per host, interleaved across two hosts: no alert; then
 * A→C on one host is a rare transition. */
static void test_rare_sequence_per_host(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 100;
  o.seq_min_prev = 50;
  o.seq_min_cur = 20;
  o.seq_max_prob = 0.01;
  got g = {0};
  feeder fd = {mk(&o, &g), "auth.log", 0, {{0}}, 0};
  for (int r = 0; r < 200; r++)
    for (uint32_t t = 1; t <= 3; t++) {
      feed(&fd, 0, t, "alpha", NULL);
      feed(&fd, 0, t, "beta", NULL);
    }
  lw_anomaly_flush(fd.d);
  assert_int_equal(g.n, 0);
  feed(&fd, 0, 1, "alpha", NULL);
  feed(&fd, 0, 3, "alpha", NULL); /* 1 → 3 never seen */
  lw_anomaly_flush(fd.d);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.kind[0], LW_ALERT_RARE_SEQUENCE);
  assert_int_equal(g.prev[0], 1);
  assert_int_equal(g.tid[0], 3);
  assert_int_equal(g.line_first[0], fd.line);
  assert_int_equal(g.sev[0], LW_SEV_LOW);
  lw_anomaly_free(fd.d);
}

/* Warm-up and known templates are per source. */
static void test_sources_are_separate(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 20;
  got g = {0};
  feeder a = {mk(&o, &g), "a.log", 0, {{0}}, 0};
  feeder b = {a.d, "b.log", 0, {{0}}, 0};
  for (int i = 0; i < 30; i++) feed(&a, 0, 1, NULL, NULL);
  feed(&b, 0, 1, NULL, NULL); /* b.log still in warm-up */
  feed(&a, 0, 2, NULL, NULL); /* new for a.log */
  lw_anomaly_flush(a.d);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.tid[0], 2);
  lw_anomaly_free(a.d);
}

static void test_bad_options(void **state) {
  (void)state;
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.bucket_ms = 0;
  lotse_err_t err = {0};
  got g = {0};
  assert_null(lw_anomaly_new(&o, on_alert, &g, &err));
  assert_int_equal(err.code, LOTSE_EINVAL);
  lw_anomaly_opts_default(&o);
  assert_null(lw_anomaly_new(&o, NULL, NULL, &err));
  lw_anomaly_opts_default(&o);
  o.min_history = o.history + 1;
  assert_null(lw_anomaly_new(&o, on_alert, &g, &err));
  lw_anomaly_free(NULL);
}

static void test_opts_from_conf(void **state) {
  (void)state;
  lotse_conf_t *c = lotse_conf_new();
  assert_non_null(c);
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  lotse_err_t err = {0};
  assert_int_equal(lw_anomaly_opts_conf(c, &o, &err), 0); /* nothing set */
  assert_int_equal(o.warmup_events, 1000);
  lotse_conf_set(c, "logwatch.anomaly_warmup", "200");
  lotse_conf_set(c, "logwatch.anomaly_bucket_s", "60");
  lotse_conf_set(c, "logwatch.anomaly_k", "3.5");
  lotse_conf_set(c, "logwatch.anomaly_host_field", "Node");
  assert_int_equal(lw_anomaly_opts_conf(c, &o, &err), 0);
  assert_int_equal(o.warmup_events, 200);
  assert_int_equal(o.bucket_ms, 60000);
  assert_true(o.k == 3.5);
  assert_string_equal(o.group_field, "Node");
  lotse_conf_set(c, "logwatch.anomaly_min_count", "viele");
  lotse_conf_set(c, "logwatch.anomaly_warmup", "300");
  assert_int_equal(lw_anomaly_opts_conf(c, &o, &err), LOTSE_EINVAL);
  assert_int_equal(o.warmup_events, 200); /* nothing changed */
  assert_non_null(strstr(err.msg, "logwatch.anomaly_min_count"));
  lotse_conf_free(c);
}

static void test_huge_template_id_refused(void **state) {
  (void)state;
  got g = {0};
  lw_anomaly *d = mk(NULL, &g);
  lw_event ev = {.source = "x", .line = 1, .message = "m", .message_len = 1};
  assert_int_equal(lw_anomaly_feed(d, &ev, LW_ANOMALY_MAX_TEMPLATES, "m"),
                   LOTSE_ELIMIT);
  assert_int_equal(lw_anomaly_feed(d, &ev, UINT32_MAX, "m"), LOTSE_ELIMIT);
  assert_int_equal(lw_anomaly_mark_known(d, "x", UINT32_MAX), LOTSE_ELIMIT);
  assert_int_equal(lw_anomaly_feed(d, &ev, 3, "m"), 0); /* still usable */
  lw_anomaly_flush(d);
  lw_anomaly_free(d);
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(lw_alert_kind_name(LW_ALERT_BURST), "burst");
  assert_int_equal(lw_alert_kind_parse("rare_sequence"), LW_ALERT_RARE_SEQUENCE);
  assert_int_equal(lw_alert_kind_parse("x"), 0);
  assert_string_equal(lw_severity_name(LW_SEV_HIGH), "hoch");
  assert_int_equal(lw_severity_parse("mittel"), LW_SEV_MEDIUM);
  assert_int_equal(lw_severity_parse(NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_template_after_warmup),
      cmocka_unit_test(test_new_template_window_closes),
      cmocka_unit_test(test_seeded_templates_are_known),
      cmocka_unit_test(test_burst_against_baseline),
      cmocka_unit_test(test_burst_needs_min_count_and_history),
      cmocka_unit_test(test_rare_sequence_per_host),
      cmocka_unit_test(test_sources_are_separate),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_opts_from_conf),
      cmocka_unit_test(test_huge_template_id_refused),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
