/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/search/test_rank.c — lotse_bm25() gives FTS5's bm25() scores
 * for every matching passage, with the in-memory lengths and without them.
 */
#include "testutil.h"

#include "ingest/ingest.h"
#include "search/search_internal.h"

#include <math.h>

static void add(store_t *st, const char *src, const char *text) {
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = STORE_CLASS_OFFEN;
  o.chunk_target = 200;
  store_put_result_t r;
  lotse_err_t err;
  assert_int_equal(ingest_one(st, src, text, strlen(text), 0, &o, &r, NULL, &err), 0);
}

static int compare(store_t *st, search_t *s, const char *match, int with_map) {
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(store_db(st),
                   "SELECT bm25(chunk_fts, 4, 2, 1), "
                   "lotse_bm25(chunk_fts, ?2, 4, 2, 1) FROM chunk_fts "
                   "WHERE chunk_fts MATCH ?1", -1, &q, NULL), SQLITE_OK);
  sqlite3_bind_text(q, 1, match, -1, SQLITE_STATIC);
  if (with_map) sqlite3_bind_pointer(q, 2, &s->map, "lotse_docmap", NULL);
  int rows = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    double a = sqlite3_column_double(q, 0), b = sqlite3_column_double(q, 1);
    if (fabs(a - b) > 1e-9 * fabs(a) + 1e-12)
    {
      fprintf(stderr, "%s (map %d): bm25 %.12f != lotse_bm25 %.12f\n", match, with_map, a, b);
      fail();
    }
    rows++;
  }
  sqlite3_finalize(q);
  return rows;
}

static void test_same_scores_as_fts5(void **state) {
  (void)state;
  char *dir = test_dir("rank");
  char *db = test_path(dir, "lotse.db");
  store_t *st;
  search_t *s;
  lotse_err_t err;
  assert_int_equal(store_open(db, &st, &err), 0);
  add(st, "/a.md", "# Urlaub\n\nDer Antrag auf Urlaub ist rechtzeitig zu "
      "stellen. Urlaub wird im Portal beantragt.\n\n## Resturlaub\n\n"
      "Resturlaub verfällt am 31. März des Folgejahres.\n");
  add(st, "/b.txt", "Der Urlaubsantrag wird im Portal gestellt.\n");
  lotse_buf_t long_text;
  lotse_buf_init(&long_text, 1 << 20);
  for (int i = 0; i < 60; i++)
    lotse_buf_printf(&long_text, "Absatz %d über Reisekosten und Urlaub "
                     "im Landkreis, Antrag Nummer %d.\n\n", i, i);
  add(st, "/c.txt", long_text.data);
  lotse_buf_release(&long_text);
  assert_int_equal(search_new(st, &s, &err), 0);
  store_principal_t p;
  store_principal_anonymous(&p);
  search_result_t r;
  assert_int_equal(search_run(s, &p, "Urlaub", NULL, &r, &err), 0);
  search_result_release(&r);
  const char *queries[] = {"\"urlaub\"", "\"urlaub\" OR \"antrag\"",
                           "(\"urlaub\" AND \"portal\") OR \"reisekost\"",
                           "\"antrag urlaub\"", "\"resturlaub\" OR \"marz\""};
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    int a = compare(st, s, queries[i], 1);
    int b = compare(st, s, queries[i], 0);
    assert_true(a > 0);
    assert_int_equal(a, b);
  }
  search_free(s);
  store_close(st);
  free(db);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_scores_as_fts5),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
