/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_alerts.c — alerts.h: the German explanation of
 * each kind, storing and listing with every filter, the idempotent schema,
 * --since parsing, and a read-only open of a workspace without logwatch.db.
 */
#include "testutil.h"

#include "analytics/logwatch/alerts.h"

static const int64_t T0 = 1795758000000LL; /* 2026-11-27 05:40:00 UTC */

static lw_alert burst(void) {
  static const lw_evidence ev[2] = {
      {"auth.log", 1200, 1795758000000LL, "Failed password for root"},
      {"auth.log", 1201, 1795758001000LL, "Failed password for admin"}};
  lw_alert a = {0};
  a.kind = LW_ALERT_BURST, a.severity = LW_SEV_HIGH;
  a.source = "auth.log", a.host = "";
  a.template_id = 12, a.template_text = "Failed password for <*>";
  a.t_first_ms = T0, a.t_last_ms = T0 + 252000, a.detected_ms = T0 + 31000;
  a.line_first = 1200, a.line_last = 1265, a.count = 48;
  a.base_median = 2, a.base_q1 = 2, a.base_q3 = 3, a.threshold = 10;
  a.bucket_ms = 300000;
  a.evidence = ev, a.n_evidence = 2;
  return a;
}

static void test_explain_burst(void **state) {
  (void)state;
  lw_alert a = burst();
  char *t = lw_alert_explain(&a);
  assert_non_null(t);
  assert_non_null(strstr(t, "Das Muster „Failed password for <*>“ trat in "
                            "auth.log zwischen 27.11.2026 05:40:00 UTC und "
                            "27.11.2026 05:44:12 UTC (Zeile 1200 bis 1265) "
                            "48-mal auf, üblich sind 2–3 je 5 Minuten"));
  assert_non_null(strstr(t, "Median 2; als auffällig gilt ab 10"));
  free(t);
  a.base_q1 = a.base_q3 = 0.5, a.bucket_ms = 0, a.t_first_ms = 0;
  t = lw_alert_explain(&a);
  assert_non_null(strstr(t, "zwischen Zeile 1200 und 1265 48-mal auf, "
                            "üblich sind 0,5 je Abschnitt"));
  free(t);
}

static void test_explain_new_and_sequence(void **state) {
  (void)state;
  lw_alert a = burst();
  a.kind = LW_ALERT_NEW_TEMPLATE, a.count = 3;
  char *t = lw_alert_explain(&a);
  assert_non_null(strstr(t, "In auth.log erschien ein Muster, das in dieser "
                            "Quelle bisher nie vorkam: „Failed password "
                            "for <*>“. Es trat zwischen 27.11.2026"));
  assert_non_null(strstr(t, " 3-mal auf."));
  free(t);
  a.kind = LW_ALERT_RARE_SEQUENCE, a.host = "web1";
  a.prev_template_text = "session opened for <*>";
  a.seq_prob = 0.0, a.seq_prev_total = 400;
  t = lw_alert_explain(&a);
  assert_non_null(strstr(t, "In auth.log (Host web1) folgte auf das Muster "
                            "„session opened for <*>“ das Muster „Failed "
                            "password for <*>“. Diese Abfolge ist selten: von "
                            "400 Meldungen des ersten Musters folgte sie "
                            "bisher 0-mal."));
  free(t);
  /* a long template is cut on a character boundary */
  char longt[400];
  memset(longt, 'a', sizeof longt);
  memcpy(longt + 159, "ä", 2);
  longt[sizeof longt - 1] = 0;
  a.kind = LW_ALERT_NEW_TEMPLATE, a.template_text = longt;
  t = lw_alert_explain(&a);
  assert_true(lotse_utf8_valid(t, strlen(t)));
  assert_non_null(strstr(t, " …“"));
  free(t);
}

/* A Latin-1 log line (invalid UTF-8) keeps its alert: U+FFFD instead. */
static void test_row_survives_latin1(void **state) {
  (void)state;
  static const lw_evidence ev[1] = {
      {"app.log", 7, 0, "Anmeldung f\xfcr M\xfcller fehlgeschlagen"}};
  lw_alert a = burst();
  a.kind = LW_ALERT_NEW_TEMPLATE;
  a.template_text = "Anmeldung f\xfcr <*> fehlgeschlagen";
  a.evidence = ev, a.n_evidence = 1;
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  lotse_err_t err = {0};
  assert_int_equal(lw_alerts_schema(db, &err), 0);
  assert_int_equal(lw_alerts_insert(db, &a, NULL, &err), 0);
  json_t *arr = NULL;
  assert_int_equal(lw_alerts_list_json(db, NULL, &arr, &err), 0);
  json_t *o = json_array_get(arr, 0);
  assert_string_equal(json_string_value(json_object_get(o, "template")),
                      "Anmeldung f\xef\xbf\xbdr <*> fehlgeschlagen");
  assert_non_null(strstr(json_string_value(json_object_get(o, "explanation")),
                         "„Anmeldung f\xef\xbf\xbdr <*> fehlgeschlagen“"));
  json_t *e = json_array_get(json_object_get(o, "evidence"), 0);
  assert_string_equal(json_string_value(json_object_get(e, "text")),
                      "Anmeldung f\xef\xbf\xbdr M\xef\xbf\xbdller "
                      "fehlgeschlagen");
  json_decref(arr);
  sqlite3_close(db);
}

static sqlite3 *mem_db(void) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  lotse_err_t err = {0};
  assert_int_equal(lw_alerts_schema(db, &err), 0);
  assert_int_equal(lw_alerts_schema(db, &err), 0); /* idempotent */
  return db;
}

static size_t count(sqlite3 *db, const lw_alerts_filter *f) {
  json_t *arr = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_alerts_list_json(db, f, &arr, &err), 0);
  size_t n = json_array_size(arr);
  json_decref(arr);
  return n;
}

static void test_store_and_list(void **state) {
  (void)state;
  sqlite3 *db = mem_db();
  lotse_err_t err = {0};
  lw_alert a = burst();
  int64_t id1 = 0, id2 = 0, id3 = 0;
  assert_int_equal(lw_alerts_insert(db, &a, &id1, &err), 0);
  a.kind = LW_ALERT_NEW_TEMPLATE, a.severity = LW_SEV_LOW;
  a.source = "app.log", a.t_first_ms = a.t_last_ms = T0 - 86400000LL * 10;
  assert_int_equal(lw_alerts_insert(db, &a, &id2, &err), 0);
  a.kind = LW_ALERT_RARE_SEQUENCE, a.severity = LW_SEV_MEDIUM;
  a.prev_template_text = "x <*>", a.prev_template_id = 4;
  a.seq_prob = 0.0005, a.seq_prev_total = 2000, a.host = "web1";
  assert_int_equal(lw_alerts_insert(db, &a, &id3, &err), 0);
  assert_true(id1 < id2 && id2 < id3);

  json_t *arr = NULL;
  assert_int_equal(lw_alerts_list_json(db, NULL, &arr, &err), 0);
  assert_int_equal(json_array_size(arr), 3);
  json_t *o = json_array_get(arr, 2); /* newest first: the burst is last */
  assert_int_equal(json_integer_value(json_object_get(o, "id")), id1);
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "burst");
  assert_string_equal(json_string_value(json_object_get(o, "severity")), "hoch");
  assert_string_equal(json_string_value(json_object_get(o, "first")),
                      "2026-11-27T05:40:00Z");
  assert_string_equal(json_string_value(json_object_get(o, "detected")),
                      "2026-11-27T05:40:31Z");
  assert_int_equal(json_integer_value(json_object_get(o, "count")), 48);
  json_t *ev = json_object_get(o, "evidence");
  assert_int_equal(json_array_size(ev), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 1),
                                                      "line")), 1201);
  json_t *det = json_object_get(o, "details");
  assert_int_equal(json_integer_value(json_object_get(det, "bucket_s")), 300);
  assert_true(json_is_null(json_object_get(o, "prev_template")));
  o = json_array_get(arr, 0);
  assert_string_equal(json_string_value(json_object_get(o, "prev_template")),
                      "x <*>");
  assert_string_equal(json_string_value(json_object_get(o, "host")), "web1");
  json_decref(arr);

  lw_alerts_filter f = {.min_severity = LW_SEV_MEDIUM};
  assert_int_equal(count(db, &f), 2);
  f = (lw_alerts_filter){.source = "app.log"};
  assert_int_equal(count(db, &f), 2);
  f = (lw_alerts_filter){.kind = "burst"};
  assert_int_equal(count(db, &f), 1);
  f = (lw_alerts_filter){.since_ms = T0 - 86400000LL};
  assert_int_equal(count(db, &f), 1);
  f = (lw_alerts_filter){.id = id2};
  assert_int_equal(count(db, &f), 1);
  f = (lw_alerts_filter){.id = id3 + 100};
  assert_int_equal(count(db, &f), 0);
  f = (lw_alerts_filter){.limit = 2};
  assert_int_equal(count(db, &f), 2);
  sqlite3_close(db);
}

static void test_list_without_table_is_empty(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(count(db, NULL), 0);
  sqlite3_close(db);
}

static void test_parse_since(void **state) {
  (void)state;
  int64_t v = 0, now = T0;
  assert_int_equal(lw_alerts_parse_since("24h", now, &v), 0);
  assert_int_equal(v, now - 86400000LL);
  assert_int_equal(lw_alerts_parse_since("7d", now, &v), 0);
  assert_int_equal(v, now - 7 * 86400000LL);
  assert_int_equal(lw_alerts_parse_since("30m", now, &v), 0);
  assert_int_equal(v, now - 1800000LL);
  assert_int_equal(lw_alerts_parse_since("2026-11-27", now, &v), 0);
  assert_int_equal(v, 1795737600000LL);
  assert_int_equal(lw_alerts_parse_since("2026-11-27T05:40", now, &v), 0);
  assert_int_equal(v, T0);
  assert_int_equal(lw_alerts_parse_since("2026-11-27T05:40:00Z", now, &v), 0);
  assert_int_equal(v, T0);
  static const char *const bad[] = {"", "gestern", "24", "h", "-3d",
                                    "2026-13-01", "2026-11-27 05:40", "24hx"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(lw_alerts_parse_since(bad[i], now, &v), LOTSE_EINVAL);
  assert_int_equal(lw_alerts_parse_since(NULL, now, &v), LOTSE_EINVAL);
}

static void test_open_ro_without_db(void **state) {
  (void)state;
  char *dir = test_dir("alerts-ro");
  sqlite3 *db = (sqlite3 *)1;
  lotse_err_t err = {0};
  assert_int_equal(lw_alerts_open_ro(dir, &db, &err), 0);
  assert_null(db);
  char *p = test_path(dir, "logwatch.db");
  assert_int_equal(access(p, F_OK), -1); /* nothing created */
  free(p);
  free(dir);
}

/* ------------------------------------------------------------ sink */

static void sink_feed(lw_alert_sink *k, uint64_t line, int64_t ts,
                      uint32_t tid, int is_new) {
  char msg[48], tpl[48];
  snprintf(msg, sizeof msg, "event %u at %llu", tid, (unsigned long long)line);
  snprintf(tpl, sizeof tpl, "event %u at <*>", tid);
  lw_event ev = {.source = "net.log", .line = line, .ts_ms = ts,
                 .message = msg, .message_len = strlen(msg)};
  lw_alert_sink_on_event(k, &ev, tid, tpl, is_new);
}

static json_t *stored(lw_store *st) {
  json_t *arr = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_alerts_list_json(lw_store_db(st), NULL, &arr, &err), 0);
  return arr;
}

static void commit(lw_store *st, lw_alert_sink *k) {
  lotse_err_t err = {0};
  assert_int_equal(lw_store_begin(st, &err), 0);
  assert_int_equal(lw_alert_sink_commit(k, st, &err), 0);
  assert_int_equal(lw_store_commit(st, &err), 0);
}

/* A listener run: the open alert is visible after each commit, updated in
 * place, and final once its window has passed. */
static void test_sink_open_then_final(void **state) {
  (void)state;
  char *dir = test_dir("alerts-sink");
  char *db = test_path(dir, "logwatch.db");
  lw_store *st = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open(db, &st, &err), 0);
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 20;
  lw_alert_sink *k = lw_alert_sink_new(&o, 0, &err);
  assert_non_null(k);
  uint64_t line = 0;
  for (int i = 0; i < 30; i++) sink_feed(k, ++line, T0 + i * 1000, 1, i == 0);
  sink_feed(k, ++line, T0 + 40000, 2, 1); /* new after warm-up */
  commit(st, k);
  json_t *arr = stored(st);
  assert_int_equal(json_array_size(arr), 1);
  json_t *a = json_array_get(arr, 0);
  int64_t id = json_integer_value(json_object_get(a, "id"));
  assert_true(json_is_true(json_object_get(a, "open")));
  assert_int_equal(json_integer_value(json_object_get(a, "count")), 1);
  json_decref(arr);
  sink_feed(k, ++line, T0 + 50000, 2, 0);
  sink_feed(k, ++line, T0 + 60000, 2, 0);
  commit(st, k);
  arr = stored(st);
  assert_int_equal(json_array_size(arr), 1);
  a = json_array_get(arr, 0);
  assert_int_equal(json_integer_value(json_object_get(a, "id")), id);
  assert_int_equal(json_integer_value(json_object_get(a, "count")), 3);
  assert_true(json_is_true(json_object_get(a, "open")));
  json_decref(arr);
  assert_int_equal(lw_alert_sink_written(k), 0);
  sink_feed(k, ++line, T0 + 60000 + o.window_ms, 1, 0); /* window passed */
  commit(st, k);
  commit(st, k);
  arr = stored(st);
  assert_int_equal(json_array_size(arr), 1);
  a = json_array_get(arr, 0);
  assert_true(json_is_false(json_object_get(a, "open")));
  assert_int_equal(json_integer_value(json_object_get(a, "count")), 3);
  assert_int_equal(json_integer_value(json_object_get(a, "line_last")), 33);
  json_decref(arr);
  assert_int_equal(lw_alert_sink_written(k), 1);
  lw_alert_sink_free(k);
  lw_store_close(st);
  free(db);
  free(dir);
}

/* A listener that stops: finish writes its open alert final; a row an
 * earlier process left open is closed by the next sink's first commit. */
static void test_sink_finish_and_stale(void **state) {
  (void)state;
  char *dir = test_dir("alerts-sink-finish");
  char *db = test_path(dir, "logwatch.db");
  lw_store *st = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open(db, &st, &err), 0);
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 5;
  for (int round = 0; round < 2; round++) {
    lw_alert_sink *k = lw_alert_sink_new(&o, 0, &err);
    uint64_t line = 0;
    for (int i = 0; i < 10; i++) sink_feed(k, ++line, T0 + i, 1, i == 0);
    sink_feed(k, ++line, T0 + 20, 2 + round, 1);
    commit(st, k); /* round 0: row 1 open; round 1: row 1 closed as stale */
    json_t *arr = stored(st);
    assert_int_equal(json_array_size(arr), round + 1);
    json_t *mine = json_array_get(arr, 0), *old = json_array_get(arr, 1);
    assert_true(json_is_true(json_object_get(mine, "open")));
    if (old) assert_true(json_is_false(json_object_get(old, "open")));
    json_decref(arr);
    if (round == 1) {
      assert_int_equal(lw_alert_sink_finish(k, st, &err), 0);
      arr = stored(st);
      assert_true(json_is_false(json_object_get(json_array_get(arr, 0),
                                                "open")));
      json_decref(arr);
      assert_int_equal(lw_alert_sink_written(k), 1);
      assert_int_equal(lw_alert_sink_finish(k, st, &err), 0); /* no-op */
    }
    lw_alert_sink_free(k); /* round 0: "crashes" with its row open */
  }
  lw_store_close(st);
  free(db);
  free(dir);
}

/* A file run flushes at its commit; a template the miner knew from the
 * store (is_new_template 0 on first sight) is not new. */
static void test_sink_file_run(void **state) {
  (void)state;
  char *dir = test_dir("alerts-sink-file");
  char *db = test_path(dir, "logwatch.db");
  lw_store *st = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open(db, &st, &err), 0);
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = 20;
  lw_alert_sink *k = lw_alert_sink_new(&o, 1, &err);
  lw_ingest_opts io = {0};
  lw_alert_sink_attach(k, &io);
  assert_ptr_equal(io.ud, k);
  assert_non_null(io.on_event);
  uint64_t line = 0;
  for (int i = 0; i < 30; i++) sink_feed(k, ++line, T0 + i, 1, i == 0);
  sink_feed(k, ++line, T0 + 40, 7, 0); /* known from an earlier run */
  sink_feed(k, ++line, T0 + 50, 8, 1); /* new */
  lw_event bad = {.source = "net.log", .line = ++line, .malformed = 1};
  io.on_event(k, &bad, 0, NULL, 0); /* malformed: ignored */
  commit(st, k);
  json_t *arr = stored(st);
  assert_int_equal(json_array_size(arr), 1);
  json_t *a = json_array_get(arr, 0);
  assert_int_equal(json_integer_value(json_object_get(a, "template_id")), 8);
  assert_true(json_is_false(json_object_get(a, "open")));
  json_decref(arr);
  lw_alert_sink_free(k);
  lw_store_close(st);
  free(db);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_explain_burst),
      cmocka_unit_test(test_explain_new_and_sequence),
      cmocka_unit_test(test_store_and_list),
      cmocka_unit_test(test_row_survives_latin1),
      cmocka_unit_test(test_list_without_table_is_empty),
      cmocka_unit_test(test_parse_since),
      cmocka_unit_test(test_open_ro_without_db),
      cmocka_unit_test(test_sink_open_then_final),
      cmocka_unit_test(test_sink_file_run),
      cmocka_unit_test(test_sink_finish_and_stale),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
