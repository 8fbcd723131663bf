/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/store/test_store.c — migrations, versioned documents, access
 * rights on reads.
 */
#include "testutil.h"

#include "store/store.h"
#include "text/text.h"

/* Collects the first analysed term of a word as a quoted FTS5 term. */
static int first_term(void *ctx, const char *t, size_t n, size_t s, size_t e,
                      int colocated) {
  (void)s;
  (void)e;
  (void)colocated;
  lotse_buf_t *q = ctx;
  if (q->len == 0) lotse_buf_printf(q, "\"%.*s\"", (int)n, t);
  return 0;
}

/* Number of indexed passages containing the analysed form of word. */
static int64_t fts_count(store_t *st, const char *word) {
  text_analyzer_t *a;
  lotse_err_t err;
  assert_int_equal(text_analyzer_new(&a, &err), 0);
  lotse_buf_t q;
  lotse_buf_init(&q, 4096);
  text_analyze(a, word, strlen(word), TEXT_NO_COMPOUNDS, first_term, &q);
  text_analyzer_free(a);
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM "
                   "chunk_fts WHERE chunk_fts MATCH ?", -1, &s, NULL), SQLITE_OK);
  sqlite3_bind_text(s, 1, q.data, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  lotse_buf_release(&q);
  return n;
}

static store_t *open_fresh(const char *name, char **dir_out) {
  char *dir = test_dir(name);
  char *db = test_path(dir, "lotse.db");
  store_t *st;
  lotse_err_t err = {0};
  int rc = store_open(db, &st, &err);
  if (rc) fprintf(stderr, "store_open: %s\n", err.msg);
  assert_int_equal(rc, 0);
  free(db);
  *dir_out = dir;
  return st;
}

static int64_t scalar(store_t *st, const char *sql) {
  sqlite3_stmt *s;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

static const char SHA_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char SHA_B[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static int put(store_t *st, const char *source, const char *sha, int cls,
               const char *group, const char *text, store_put_result_t *res) {
  const char *groups[1] = {group};
  store_doc_in_t d = {.source = source, .title = "Titel", .mime = "text/plain",
                      .sha256 = sha, .size = 10, .data_class = cls,
                      .groups = groups, .ngroups = group ? 1 : 0};
  store_chunk_t c = {.ord = 0, .heading = "Kapitel", .page = 1, .text = text,
                     .start = 0, .end = (int64_t)strlen(text)};
  lotse_err_t err = {0};
  int rc = store_doc_put(st, &d, &c, 1, res, &err);
  if (rc) fprintf(stderr, "store_doc_put: %s\n", err.msg);
  return rc;
}

static void test_migrations_idempotent(void **state) {
  (void)state;
  char *dir;
  store_t *st = open_fresh("migrate", &dir);
  assert_int_equal(store_schema_version(st), store_schema_latest());
  store_close(st);
  char *db = test_path(dir, "lotse.db");
  lotse_err_t err;
  assert_int_equal(store_open(db, &st, &err), 0); /* second open: no-op */
  assert_int_equal(scalar(st, "SELECT count(*) FROM schema_migrations"),
                   store_schema_latest());
  sqlite3_stmt *jm;
  assert_int_equal(sqlite3_prepare_v2(store_db(st), "PRAGMA journal_mode", -1, &jm, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(jm), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(jm, 0), "wal");
  sqlite3_finalize(jm);
  /* A schema from the future is refused, not silently used. */
  assert_int_equal(sqlite3_exec(store_db(st), "INSERT INTO schema_migrations "
                                "VALUES(999, 'future', 0)", NULL, NULL, NULL), SQLITE_OK);
  store_close(st);
  assert_int_equal(store_open(db, &st, &err), LOTSE_ESCHEMA);
  assert_non_null(strstr(err.msg, "999"));
  free(db);
  free(dir);
}

static void test_versions(void **state) {
  (void)state;
  char *dir;
  store_t *st = open_fresh("versions", &dir);
  store_put_result_t r;
  assert_int_equal(put(st, "/a.txt", SHA_A, STORE_CLASS_INTERN, NULL, "Erste Fassung Zaunkoenig", &r), 0);
  assert_int_equal(r.status, STORE_PUT_NEW);
  assert_int_equal(r.version, 1);
  int64_t id = r.doc_id;
  assert_int_equal(put(st, "/a.txt", SHA_A, STORE_CLASS_INTERN, NULL, "egal", &r), 0);
  assert_int_equal(r.status, STORE_PUT_UNCHANGED);
  assert_int_equal(put(st, "/a.txt", SHA_B, STORE_CLASS_INTERN, NULL, "Zweite Fassung Rotkehlchen", &r), 0);
  assert_int_equal(r.status, STORE_PUT_VERSION);
  assert_int_equal(r.version, 2);
  assert_int_equal(r.doc_id, id);
  /* History kept, only the current version indexed. */
  assert_int_equal(scalar(st, "SELECT count(*) FROM doc_versions"), 2);
  assert_int_equal(scalar(st, "SELECT count(*) FROM chunks"), 2);
  assert_int_equal(fts_count(st, "Rotkehlchen"), 1);
  assert_int_equal(fts_count(st, "Zaunkoenig"), 0);
  assert_int_equal(fts_count(st, "Fassung"), 1);
  /* Same content, other class: access update, no new version. */
  assert_int_equal(put(st, "/a.txt", SHA_B, STORE_CLASS_VERTRAULICH, "personalamt", "egal", &r), 0);
  assert_int_equal(r.status, STORE_PUT_ACCESS);
  assert_int_equal(scalar(st, "SELECT count(*) FROM doc_versions"), 2);
  assert_int_equal(scalar(st, "SELECT data_class FROM documents"), STORE_CLASS_VERTRAULICH);
  store_doc_state_t s;
  lotse_err_t err;
  assert_int_equal(store_doc_state(st, "/a.txt", &s, &err), 0);
  assert_string_equal(s.groups, "personalamt");
  assert_int_equal(s.version, 2);
  free(s.groups);
  assert_int_equal(store_doc_state(st, "/nope", &s, &err), LOTSE_ENOTFOUND);
  store_close(st);
  free(dir);
}

static void test_bad_input_changes_nothing(void **state) {
  (void)state;
  char *dir;
  store_t *st = open_fresh("badput", &dir);
  store_put_result_t r;
  assert_int_equal(put(st, "/a.txt", SHA_A, 7, NULL, "x", &r), LOTSE_EINVAL);
  assert_int_equal(put(st, "/a.txt", "short", 0, NULL, "x", &r), LOTSE_EINVAL);
  assert_int_equal(put(st, "", SHA_A, 0, NULL, "x", &r), LOTSE_EINVAL);
  assert_int_equal(scalar(st, "SELECT count(*) FROM documents"), 0);
  assert_int_equal(scalar(st, "SELECT count(*) FROM groups"), 0);
  lotse_err_t err;
  assert_int_equal(store_user_put(st, "a,b", NULL, NULL, 1, NULL, 0, &err), LOTSE_EINVAL);
  const char *bad[] = {""};
  assert_int_equal(store_user_put(st, "ok", NULL, "Amt", 1, bad, 1, &err), LOTSE_EINVAL);
  /* The failed user put rolled back its unit too. */
  assert_int_equal(scalar(st, "SELECT count(*) FROM users"), 0);
  assert_int_equal(scalar(st, "SELECT count(*) FROM units"), 0);
  store_close(st);
  free(dir);
}

static void test_acl_reads(void **state) {
  (void)state;
  char *dir;
  store_t *st = open_fresh("acl", &dir);
  store_put_result_t pub, conf, grp;
  assert_int_equal(put(st, "/pub.txt", SHA_A, STORE_CLASS_OFFEN, NULL, "oeffentlich", &pub), 0);
  assert_int_equal(put(st, "/conf.txt", SHA_A, STORE_CLASS_VERTRAULICH, NULL, "vertraulich", &conf), 0);
  assert_int_equal(put(st, "/grp.txt", SHA_A, STORE_CLASS_INTERN, "personalamt", "gruppe", &grp), 0);
  lotse_err_t err;
  const char *pa[] = {"personalamt"};
  unsigned all = STORE_CLASS_ALL, basic = STORE_CLASS_BIT(0) | STORE_CLASS_BIT(1);
  assert_int_equal(store_user_put(st, "chefin", "Chefin", "Personalamt", all, pa, 1, &err), 0);
  assert_int_equal(store_user_put(st, "azubi", NULL, "Bürgerservice", basic, NULL, 0, &err), 0);
  store_principal_t anon, chefin, azubi;
  store_principal_anonymous(&anon);
  assert_int_equal(store_principal_load(st, "chefin", &chefin, &err), 0);
  assert_int_equal(store_principal_load(st, "azubi", &azubi, &err), 0);
  assert_int_equal(store_principal_load(st, "niemand", &azubi, &err), LOTSE_ENOTFOUND);
  assert_int_equal(store_principal_load(st, "azubi", &azubi, &err), 0);
  struct { store_principal_t *p; int64_t id; int ok; } cases[] = {
      {&anon, pub.doc_id, 1},   {&anon, conf.doc_id, 0},   {&anon, grp.doc_id, 0},
      {&azubi, pub.doc_id, 1},  {&azubi, conf.doc_id, 0},  {&azubi, grp.doc_id, 0},
      {&chefin, pub.doc_id, 1}, {&chefin, conf.doc_id, 1}, {&chefin, grp.doc_id, 1},
      {&chefin, 9999, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    store_doc_t *d = NULL;
    int rc = store_doc_get(st, cases[i].p, cases[i].id, &d, &err);
    assert_int_equal(rc, cases[i].ok ? 0 : LOTSE_ENOTFOUND);
    if (d) {
      assert_int_equal(d->nchunks, 1);
      assert_int_equal(d->nversions, 1);
    }
    store_doc_free(d);
  }
  store_close(st);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_migrations_idempotent),
      cmocka_unit_test(test_versions),
      cmocka_unit_test(test_bad_input_changes_nothing),
      cmocka_unit_test(test_acl_reads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
