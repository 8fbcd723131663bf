/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/search/test_search.c — query building and running: German
 * analysis in queries, operators, hostile query text, rights before
 * ranking, paging and ordering.
 */
#include "testutil.h"

#include "ingest/ingest.h"
#include "search/search.h"
#include "store/store.h"

typedef struct fixture {
  char *dir;
  store_t *st;
  search_t *s;
  store_principal_t anon, chefin;
} fixture_t;

static void add_doc(fixture_t *f, const char *name, const char *text,
                    int cls, const char *group) {
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = cls;
  const char *g[1] = {group};
  o.groups = g;
  o.ngroups = group ? 1 : 0;
  store_put_result_t r;
  lotse_err_t err = {0};
  int rc = ingest_one(f->st, name, text, strlen(text), 0, &o, &r, NULL, &err);
  if (rc) fprintf(stderr, "ingest_one: %s\n", err.msg);
  assert_int_equal(rc, 0);
}

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof *f);
  f->dir = test_dir("search");
  char *db = test_path(f->dir, "lotse.db");
  lotse_err_t err;
  assert_int_equal(store_open(db, &f->st, &err), 0);
  free(db);
  add_doc(f, "/a.md", "# Urlaub\n\nDer Antrag auf Urlaub ist rechtzeitig zu "
          "stellen.\n", STORE_CLASS_OFFEN, NULL);
  add_doc(f, "/b.txt", "Der Urlaubsantrag wird im Portal gestellt.\n",
          STORE_CLASS_OFFEN, NULL);
  add_doc(f, "/c.txt", "Herr Müller bearbeitet den Bauantrag.\n",
          STORE_CLASS_OFFEN, NULL);
  add_doc(f, "/geheim.txt", "Urlaubsantrag von Frau Geheim wegen Kur.\n",
          STORE_CLASS_PERSONENBEZOGEN, "personalamt");
  const char *pa[] = {"personalamt"};
  assert_int_equal(store_user_put(f->st, "chefin", NULL, NULL, STORE_CLASS_ALL,
                                  pa, 1, &err), 0);
  assert_int_equal(store_principal_load(f->st, "chefin", &f->chefin, &err), 0);
  store_principal_anonymous(&f->anon);
  assert_int_equal(search_new(f->st, &f->s, &err), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  search_free(f->s);
  store_close(f->st);
  free(f->dir);
  free(f);
  return 0;
}

/* Sources of the hits, comma-joined, in rank order. */
static char *run(fixture_t *f, const store_principal_t *p, const char *q,
                 int64_t *total) {
  search_result_t r;
  lotse_err_t err = {0};
  int rc = search_run(f->s, p, q, NULL, &r, &err);
  if (rc) fprintf(stderr, "search_run(%s): %s\n", q, err.msg);
  assert_int_equal(rc, 0);
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  for (size_t i = 0; i < r.n; i++)
    lotse_buf_printf(&b, "%s%s", i ? "," : "", r.hits[i].source);
  if (total) *total = r.total;
  search_result_release(&r);
  return lotse_buf_detach(&b);
}

#define ASSERT_HITS(f, p, q, want)           \
  do {                                       \
    char *got_ = run((f), (p), (q), NULL);   \
    assert_string_equal(got_, (want));       \
    free(got_);                              \
  } while (0)

static void test_compounds_and_umlauts(void **state) {
  fixture_t *f = *state;
  /* The exact compound first, then the phrase; a document with only one
   * part ("Bauantrag") does not match. */
  ASSERT_HITS(f, &f->anon, "Urlaubsantrag", "/b.txt,/a.md");
  ASSERT_HITS(f, &f->anon, "+Urlaubsantrag", "/b.txt,/a.md");
  ASSERT_HITS(f, &f->anon, "Antrag auf Urlaub", "/a.md,/b.txt,/c.txt");
  ASSERT_HITS(f, &f->anon, "Bauantrag Urlaubsantrag", "/c.txt,/b.txt,/a.md");
  ASSERT_HITS(f, &f->anon, "Mueller", "/c.txt");
  ASSERT_HITS(f, &f->anon, "MÜLLER", "/c.txt");
}

static void test_operators(void **state) {
  fixture_t *f = *state;
  ASSERT_HITS(f, &f->anon, "\"Antrag auf Urlaub\"", "/a.md");
  ASSERT_HITS(f, &f->anon, "\xE2\x80\x9E" "Antrag auf Urlaub" "\xE2\x80\x9C", "/a.md");
  ASSERT_HITS(f, &f->anon, "Urlaub -Portal", "/a.md");
  ASSERT_HITS(f, &f->anon, "Bauan*", "/c.txt");
  ASSERT_HITS(f, &f->anon, "der die das", "");
  ASSERT_HITS(f, &f->anon, "-Urlaub", "");
  search_result_t r;
  lotse_err_t err = {0};
  assert_int_equal(search_run(f->s, &f->anon, "\"offen", NULL, &r, &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "Anführungszeichen"));
}

static void test_hostile_query_text(void **state) {
  fixture_t *f = *state;
  /* FTS5 syntax typed by a user is just words: no column filters, no
   * errors, no access to other columns or tables. */
  const char *q[] = {"title:Urlaub", "body : geheim", "NEAR(Urlaub Antrag)",
                     "Urlaub AND OR NOT", "^Urlaub", "{title}: x", "*", "**",
                     "'; DROP TABLE documents; --", "\"\"", "+", "-", "\x01\x02",
                     "Urlaub\xFF\xFE", "x\"y"};
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
    search_result_t r;
    lotse_err_t err = {0};
    int rc = search_run(f->s, &f->anon, q[i], NULL, &r, &err);
    assert_true(rc == 0 || rc == LOTSE_EINVAL);
    if (rc == 0) {
      for (size_t k = 0; k < r.n; k++)
        assert_string_not_equal(r.hits[k].source, "/geheim.txt");
      search_result_release(&r);
    }
  }
  int64_t total;
  char *got = run(f, &f->chefin, "Urlaubsantrag", &total);
  assert_non_null(strstr(got, "/geheim.txt"));
  free(got);
}

static void test_rights_before_ranking(void **state) {
  fixture_t *f = *state;
  int64_t total = -1;
  char *got = run(f, &f->anon, "Kur Geheim", &total);
  assert_string_equal(got, "");
  assert_int_equal(total, 0);
  free(got);
  got = run(f, &f->chefin, "Kur Geheim", &total);
  assert_string_equal(got, "/geheim.txt");
  assert_int_equal(total, 1);
  free(got);
  /* Counting: anonymous sees 2 documents for "Urlaubsantrag", chefin 3. */
  free(run(f, &f->anon, "Urlaubsantrag", &total));
  assert_int_equal(total, 2);
  free(run(f, &f->chefin, "Urlaubsantrag", &total));
  assert_int_equal(total, 3);
}

static void test_paging_and_snippets(void **state) {
  fixture_t *f = *state;
  search_opts_t o;
  search_opts_default(&o);
  o.limit = 1;
  o.offset = 1;
  o.mark_open = "<b>";
  o.mark_close = "</b>";
  search_result_t r;
  lotse_err_t err;
  assert_int_equal(search_run(f->s, &f->anon, "Urlaubsantrag", &o, &r, &err), 0);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.total, 2);
  assert_string_equal(r.hits[0].source, "/a.md");
  assert_string_equal(r.hits[0].section, "Urlaub");
  assert_string_equal(r.hits[0].title, "Urlaub");
  assert_non_null(strstr(r.hits[0].snippet, "<b>Antrag</b>"));
  assert_true(r.hits[0].score > 0);
  search_result_release(&r);
  o.offset = 5;
  assert_int_equal(search_run(f->s, &f->anon, "Urlaubsantrag", &o, &r, &err), 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.total, 2);
  search_result_release(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compounds_and_umlauts),
      cmocka_unit_test(test_operators),
      cmocka_unit_test(test_hostile_query_text),
      cmocka_unit_test(test_rights_before_ranking),
      cmocka_unit_test(test_paging_and_snippets),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
