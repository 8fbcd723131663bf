/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_lwstore.c — logwatch.db: schema version,
 * sources, templates with counts and first/last seen, the cap on kept
 * malformed lines, and that a rolled-back batch leaves nothing behind.
 */
#include "testutil.h"

#include "analytics/logwatch/lwstore.h"

static int64_t scalar(lw_store *s, const char *sql) {
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(lw_store_db(s), sql, -1, &q, NULL), 0);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

typedef struct seen {
  int64_t id[8];
  char text[8][64];
  uint64_t count[8];
  int n;
} seen_t;

static int collect(void *ud, const lw_store_template *t) {
  seen_t *s = ud;
  s->id[s->n] = t->id;
  s->count[s->n] = t->count;
  snprintf(s->text[s->n], sizeof s->text[0], "%s", t->text);
  return ++s->n >= 8;
}

static void test_sources_and_templates(void **state) {
  (void)state;
  char *dir = test_dir("lwstore_tmpl");
  lw_store *s;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open_workspace(dir, &s, &err), 0);
  assert_int_equal(scalar(s, "PRAGMA user_version"), LW_STORE_SCHEMA_VERSION);
  int64_t a, b, a2;
  assert_int_equal(lw_store_begin(s, &err), 0);
  assert_int_equal(lw_store_source(s, "/var/log/auth.log", "syslog", &a, &err), 0);
  assert_int_equal(lw_store_source(s, "udp:5514", "udp:5514", &b, &err), 0);
  assert_int_equal(lw_store_source(s, "/var/log/auth.log", "lines", &a2, &err), 0);
  assert_int_equal(a, a2);
  assert_true(a != b);
  lw_store_template t = {.id = 1, .text = "session opened for <*>",
                         .first_ms = 2000, .last_ms = 3000};
  assert_int_equal(lw_store_template_put(s, a, &t, 5, &err), 0);
  t.text = "session <*> for <*>", t.first_ms = 1000, t.last_ms = 2500;
  assert_int_equal(lw_store_template_put(s, a, &t, 2, &err), 0);
  lw_store_template t2 = {.id = 2, .text = "x", .first_ms = 1, .last_ms = 1};
  assert_int_equal(lw_store_template_put(s, a, &t2, 1, &err), 0);
  lw_store_template t3 = {.id = 3, .text = "Gr\xfc\xdf <*>", .first_ms = 1,
                         .last_ms = 1};
  assert_int_equal(lw_store_template_put(s, b, &t3, 1, &err), 0);
  assert_int_equal(lw_store_source_count(s, a, 10, 8, 2, &err), 0);
  assert_int_equal(lw_store_commit(s, &err), 0);
  assert_int_equal(scalar(s, "SELECT kind = 'lines' FROM sources WHERE name = "
                             "'/var/log/auth.log'"), 1);
  assert_int_equal(scalar(s, "SELECT count FROM templates WHERE id = 1"), 7);
  /* Latin-1 bytes were replaced: the stored text is valid UTF-8 */
  assert_int_equal(scalar(s, "SELECT template = 'Gr\xef\xbf\xbd\xef\xbf\xbd "
                             "<*>' FROM templates WHERE id = 3"), 1);
  assert_int_equal(scalar(s, "SELECT first_ms FROM templates WHERE id = 1"), 1000);
  assert_int_equal(scalar(s, "SELECT last_ms FROM templates WHERE id = 1"), 3000);
  assert_int_equal(scalar(s, "SELECT lines + events * 100 + malformed * 10000 "
                             "FROM sources WHERE name = '/var/log/auth.log'"),
                   10 + 800 + 20000);
  seen_t seen = {0};
  assert_int_equal(lw_store_templates_each(s, a, collect, &seen, &err), 0);
  assert_int_equal(seen.n, 2);
  assert_int_equal(seen.id[0], 1);
  assert_string_equal(seen.text[0], "session <*> for <*>");
  assert_int_equal(seen.count[0], 7);
  seen_t none = {0};
  assert_int_equal(lw_store_templates_each(s, b, collect, &none, &err), 0);
  assert_int_equal(none.n, 1); /* the Latin-1 template */
  lw_store_close(s);
  /* reopening keeps everything */
  assert_int_equal(lw_store_open_workspace(dir, &s, &err), 0);
  assert_int_equal(scalar(s, "SELECT count(*) FROM templates"), 3);
  lw_store_close(s);
  free(dir);
}

static void test_malformed_cap_and_rollback(void **state) {
  (void)state;
  char *dir = test_dir("lwstore_mal");
  lw_store *s;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open_workspace(dir, &s, &err), 0);
  int64_t a;
  assert_int_equal(lw_store_begin(s, &err), 0);
  assert_int_equal(lw_store_source(s, "f", "lines", &a, &err), 0);
  for (int i = 1; i <= 30; i++) {
    char line[32];
    int n = snprintf(line, sizeof line, "kaputt %d \xff", i);
    assert_int_equal(lw_store_malformed_add(s, a, (uint64_t)i, line, (size_t)n,
                                            &err), 0);
  }
  assert_int_equal(lw_store_malformed_trim(s, a, 10, &err), 0);
  assert_int_equal(lw_store_commit(s, &err), 0);
  assert_int_equal(scalar(s, "SELECT count(*) FROM malformed_lines"), 10);
  assert_int_equal(scalar(s, "SELECT min(line) FROM malformed_lines"), 21);
  /* invalid UTF-8 was replaced, the text stays valid */
  assert_int_equal(scalar(s, "SELECT count(*) FROM malformed_lines WHERE text "
                             "LIKE 'kaputt 30 %'"), 1);
  /* a rolled-back batch leaves nothing */
  assert_int_equal(lw_store_begin(s, &err), 0);
  assert_int_equal(lw_store_source(s, "g", "lines", &a, &err), 0);
  assert_int_equal(lw_store_malformed_add(s, a, 1, "x", 1, &err), 0);
  lw_store_rollback(s);
  assert_int_equal(scalar(s, "SELECT count(*) FROM sources"), 1);
  assert_int_equal(scalar(s, "SELECT count(*) FROM malformed_lines"), 10);
  /* a second begin without commit is refused; close rolls back */
  assert_int_equal(lw_store_begin(s, &err), 0);
  assert_int_equal(lw_store_begin(s, &err), LOTSE_EINTERNAL);
  assert_int_equal(lw_store_source(s, "h", "lines", &a, &err), 0);
  lw_store_close(s);
  assert_int_equal(lw_store_open_workspace(dir, &s, &err), 0);
  assert_int_equal(scalar(s, "SELECT count(*) FROM sources"), 1);
  lw_store_close(s);
  lw_store_close(NULL);
  free(dir);
}

static void test_newer_schema_refused(void **state) {
  (void)state;
  char *dir = test_dir("lwstore_ver");
  char *path = test_path(dir, "logwatch.db");
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), 0);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", 0, 0, 0), 0);
  sqlite3_close(db);
  lw_store *s = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_store_open(path, &s, &err), LOTSE_ESCHEMA);
  assert_null(s);
  assert_non_null(strstr(err.msg, "99"));
  /* the file was not touched */
  assert_int_equal(sqlite3_open(path, &db), 0);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master",
                                      -1, &q, NULL), 0);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(q, 0), 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  free(path);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sources_and_templates),
      cmocka_unit_test(test_malformed_cap_and_rollback),
      cmocka_unit_test(test_newer_schema_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
