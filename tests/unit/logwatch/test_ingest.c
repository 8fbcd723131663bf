/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_ingest.c — the pipeline without the CLI: the
 * per-event callback (order, stable template ids, is_new, malformed
 * events), a failing commit hook leaves logwatch.db unchanged, max_events,
 * inputs sharing one source name, argument checks.
 */
#include "testutil.h"

#include "analytics/logwatch/ingest.h"

typedef struct rec {
  int n, n_malformed, n_new;
  uint32_t tid[64];
  uint64_t line[64];
  int commits;
  int fail_commit;
} rec_t;

static void on_event(void *ud, const lw_event *ev, uint32_t tid,
                     const char *text, int is_new) {
  rec_t *r = ud;
  if (r->n < 64) r->tid[r->n] = tid, r->line[r->n] = ev->line;
  r->n++;
  if (ev->malformed) {
    r->n_malformed++;
    assert_int_equal(tid, 0);
    assert_null(text);
  } else {
    assert_non_null(text);
    assert_true(tid > 0);
  }
  r->n_new += is_new;
}

static int on_commit(void *ud, lw_store *st, lotse_err_t *err) {
  rec_t *r = ud;
  assert_non_null(lw_store_db(st));
  r->commits++;
  if (r->fail_commit)
    return lotse_err_set(err, LOTSE_EIO, "commit hook refused");
  return 0;
}

static int64_t scalar(lw_store *s, const char *sql) {
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(lw_store_db(s), sql, -1, &q, NULL), 0);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

static const char log_text[] =
    "<13>Nov 27 05:00:01 h1 app[1]: job 1 started\n"
    "<13>Nov 27 05:00:02 h1 app[1]: job 2 started\n"
    "\n"
    "garbage without header\n"
    "<13>Nov 27 05:00:03 h1 app[1]: disk full on /var\n"
    "<13>Nov 27 05:00:04 h1 app[1]: job 3 started\n";

static void test_callback_and_stable_ids(void **state) {
  (void)state;
  char *dir = test_dir("lw_ingest_cb");
  char *path = test_path(dir, "app.log");
  lotse_err_t err = {0};
  assert_int_equal(lotse_file_write(path, log_text, sizeof log_text - 1, &err), 0);
  lw_store *st;
  assert_int_equal(lw_store_open_workspace(dir, &st, &err), 0);
  rec_t r = {0};
  lw_ingest_opts o = {.on_event = on_event, .on_commit = on_commit, .ud = &r};
  lw_source_spec sp = {.path = path, .input = LW_INPUT_SYSLOG};
  lw_ingest_stats stats;
  assert_int_equal(lw_ingest_run(st, &sp, 1, &o, &stats, &err), 0);
  assert_int_equal(r.n, 5);
  assert_int_equal(r.n_malformed, 1);
  assert_int_equal(r.commits, 1);
  assert_int_equal(stats.lines, 5);
  assert_int_equal(stats.events, 4);
  assert_int_equal(stats.malformed, 1);
  /* line numbers count the empty line too */
  assert_int_equal(r.line[2], 4);
  assert_int_equal(r.line[4], 6);
  /* "job N started" is one template; "disk full" another */
  assert_int_equal(r.tid[0], r.tid[1]);
  assert_int_equal(r.tid[0], r.tid[4]);
  assert_true(r.tid[3] != r.tid[0]);
  assert_int_equal(r.n_new, 2);
  assert_int_equal(stats.new_templates, 2);
  uint32_t job = r.tid[0], disk = r.tid[3];
  /* a second run restores the templates: same ids, nothing new */
  rec_t r2 = {0};
  o.ud = &r2;
  assert_int_equal(lw_ingest_run(st, &sp, 1, &o, &stats, &err), 0);
  assert_int_equal(r2.n_new, 0);
  assert_int_equal(r2.tid[0], job);
  assert_int_equal(r2.tid[3], disk);
  assert_int_equal(stats.templates, 2);
  assert_int_equal(scalar(st, "SELECT count FROM templates WHERE id = 1"), 6);
  lw_store_close(st);
  free(path);
  free(dir);
}

static void test_failed_commit_stores_nothing(void **state) {
  (void)state;
  char *dir = test_dir("lw_ingest_fail");
  char *path = test_path(dir, "app.log");
  lotse_err_t err = {0};
  assert_int_equal(lotse_file_write(path, log_text, sizeof log_text - 1, &err), 0);
  lw_store *st;
  assert_int_equal(lw_store_open_workspace(dir, &st, &err), 0);
  rec_t r = {.fail_commit = 1};
  lw_ingest_opts o = {.on_event = on_event, .on_commit = on_commit, .ud = &r};
  lw_source_spec sp = {.path = path, .input = LW_INPUT_SYSLOG};
  assert_int_equal(lw_ingest_run(st, &sp, 1, &o, NULL, &err), LOTSE_EIO);
  assert_string_equal(err.msg, "commit hook refused");
  assert_int_equal(scalar(st, "SELECT count(*) FROM sources"), 0);
  assert_int_equal(scalar(st, "SELECT count(*) FROM templates"), 0);
  assert_int_equal(scalar(st, "SELECT count(*) FROM malformed_lines"), 0);
  /* a missing second file fails the whole run as well */
  lw_source_spec two[2] = {sp, {.path = "/nonexistent/x.log"}};
  r.fail_commit = 0;
  assert_int_equal(lw_ingest_run(st, two, 2, &o, NULL, &err), LOTSE_EIO);
  assert_non_null(strstr(err.msg, "/nonexistent/x.log"));
  assert_int_equal(scalar(st, "SELECT count(*) FROM sources"), 0);
  lw_store_close(st);
  free(path);
  free(dir);
}

static void test_max_events_and_shared_source(void **state) {
  (void)state;
  char *dir = test_dir("lw_ingest_max");
  char *a = test_path(dir, "a.log"), *b = test_path(dir, "b.log");
  lotse_err_t err = {0};
  assert_int_equal(lotse_file_write(a, log_text, sizeof log_text - 1, &err), 0);
  assert_int_equal(lotse_file_write(b, log_text, sizeof log_text - 1, &err), 0);
  lw_store *st;
  assert_int_equal(lw_store_open_workspace(dir, &st, &err), 0);
  rec_t r = {0};
  lw_ingest_opts o = {.on_event = on_event, .ud = &r, .max_events = 3};
  lw_source_spec sp[2] = {{.path = a, .name = "rot", .input = LW_INPUT_AUTO},
                          {.path = b, .name = "rot", .input = LW_INPUT_AUTO}};
  lw_ingest_stats stats;
  assert_int_equal(lw_ingest_run(st, sp, 2, &o, &stats, &err), 0);
  assert_int_equal(stats.lines, 3);
  assert_int_equal(r.n, 3);
  o.max_events = 0;
  assert_int_equal(lw_ingest_run(st, sp, 2, &o, &stats, &err), 0);
  assert_int_equal(stats.lines, 10);
  /* "disk full" is new (the first run stopped before it), once: one miner
   * serves both files */
  assert_int_equal(stats.new_templates, 1);
  assert_int_equal(scalar(st, "SELECT count(*) FROM sources"), 1);
  assert_int_equal(scalar(st, "SELECT lines FROM sources"), 13);
  assert_int_equal(scalar(st, "SELECT kind = 'syslog' FROM sources"), 1);
  lw_store_close(st);
  free(a);
  free(b);
  free(dir);
}

static void test_arguments(void **state) {
  (void)state;
  char *dir = test_dir("lw_ingest_args");
  lw_store *st;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open_workspace(dir, &st, &err), 0);
  lw_ingest_opts o = {0};
  lw_source_spec both = {.path = "-", .listen = "udp:1"};
  assert_int_equal(lw_ingest_run(st, &both, 1, &o, NULL, &err), LOTSE_EINVAL);
  lw_source_spec bad = {.listen = "udp:70000"};
  assert_int_equal(lw_ingest_run(st, &bad, 1, &o, NULL, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "udp:70000"));
  assert_int_equal(lw_ingest_run(st, &bad, 0, &o, NULL, &err), LOTSE_EINVAL);
  assert_int_equal(scalar(st, "SELECT count(*) FROM sources"), 0);
  int proto, port;
  assert_int_equal(lw_listen_parse("tcp:6514", &proto, &port, &err), 0);
  assert_int_equal(proto, 't');
  assert_int_equal(port, 6514);
  assert_int_equal(lw_listen_parse("tcp:", &proto, &port, &err), LOTSE_EINVAL);
  assert_int_equal(lw_listen_parse("udp:12x", &proto, &port, &err),
                   LOTSE_EINVAL);
  assert_int_equal(lw_input_parse("jsonl"), LW_INPUT_JSONL);
  assert_int_equal(lw_input_parse("xml"), -1);
  assert_string_equal(lw_input_name(LW_INPUT_JOURNALD), "journald");
  lw_store_close(st);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_callback_and_stable_ids),
      cmocka_unit_test(test_failed_commit_stores_nothing),
      cmocka_unit_test(test_max_events_and_shared_source),
      cmocka_unit_test(test_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
