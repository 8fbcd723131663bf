/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/test_fts5.c — the FTS5 tokenizer "lotse_de" in an
 * in-memory SQLite database: documents are analysed, MATCH expressions are
 * built from text_analyze() output of a query (as search/ does), the right
 * rows are found ("Urlaubsantrag" <-> "Antrag auf Urlaub", "Müller" <->
 * "Mueller"), and highlight() marks the original words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/text.h"

static sqlite3 *g_db;
static text_analyzer_t *g_an;

static const char *const k_docs[] = {
    /* 1 */ "Der Urlaubsantrag wurde genehmigt.",
    /* 2 */ "Ein Antrag auf Urlaub ist bis Freitag zu stellen.",
    /* 3 */ "Herr Müller hat die Straße gereinigt.",
    /* 4 */ "Frau Mueller wohnt in der Strasse nebenan.",
    /* 5 */ "Die Anträge werden im Bürgerbüro geprüft.",
    /* 6 */ "Das Wetter ist heute schön.",
    /* 7 */ "Bitte senden Sie uns eine E-Mail.",
    /* 8 */ "Die Reisekostenabrechnung liegt vor.",
};

static void exec(const char *sql) {
  char *msg = NULL;
  int rc = sqlite3_exec(g_db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int setup(void **state) {
  (void)state;
  lotse_err_t err;
  if (sqlite3_open(":memory:", &g_db) != SQLITE_OK) return -1;
  if (text_fts5_register(g_db, &err) != 0) return -1;
  if (text_analyzer_new(&g_an, &err) != 0) return -1;
  if (sqlite3_exec(g_db,
                   "CREATE VIRTUAL TABLE docs USING fts5(body, "
                   "tokenize='lotse_de')",
                   NULL, NULL, NULL) != SQLITE_OK)
    return -1;
  sqlite3_stmt *st;
  sqlite3_prepare_v2(g_db, "INSERT INTO docs(rowid, body) VALUES(?1, ?2)",
                     -1, &st, NULL);
  for (size_t i = 0; i < sizeof k_docs / sizeof *k_docs; i++) {
    sqlite3_bind_int(st, 1, (int)i + 1);
    sqlite3_bind_text(st, 2, k_docs[i], -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return -1;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  text_analyzer_free(g_an);
  sqlite3_close(g_db);
  return 0;
}

/* ------------------------------------------- MATCH from text_analyze() */

typedef struct expr {
  char s[1024];
  size_t len;
} expr_t;

/* Append "term" (quotes doubled) joined by OR. */
static int add_term(void *ctx, const char *t, size_t n, size_t s, size_t e,
                    int col) {
  (void)s, (void)e, (void)col;
  expr_t *x = ctx;
  if (x->len + 2 * n + 8 >= sizeof x->s) return 1;
  if (x->len) {
    memcpy(x->s + x->len, " OR ", 4);
    x->len += 4;
  }
  x->s[x->len++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (t[i] == '"') x->s[x->len++] = '"';
    x->s[x->len++] = t[i];
  }
  x->s[x->len++] = '"';
  x->s[x->len] = '\0';
  return 0;
}

/* Rows matching the analysed query q, as a bit set (bit i = rowid i). */
static unsigned match_rows(const char *q) {
  expr_t x = {{0}, 0};
  assert_int_equal(text_analyze(g_an, q, strlen(q), 0, add_term, &x), 0);
  assert_true(x.len > 0);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(g_db,
                                      "SELECT rowid FROM docs WHERE docs "
                                      "MATCH ?1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, x.s, -1, SQLITE_TRANSIENT);
  unsigned rows = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    rows |= 1u << sqlite3_column_int(st, 0);
  assert_int_equal(rc, SQLITE_DONE);
  sqlite3_finalize(st);
  return rows;
}

/* Rows matching a raw MATCH expression. */
static unsigned raw_rows(const char *expr) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(g_db,
                                      "SELECT rowid FROM docs WHERE docs "
                                      "MATCH ?1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
  unsigned rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    rows |= 1u << sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rows;
}

#define ROW(i) (1u << (i))

static void test_compound_both_directions(void **state) {
  (void)state;
  if (access(text_lexicon_path(), R_OK) != 0) skip();
  unsigned a = match_rows("Urlaubsantrag");
  unsigned b = match_rows("Antrag auf Urlaub");
  /* Rows 1 and 2 both ways; row 5 ("Anträge") shares "antrag". */
  assert_int_equal(a, ROW(1) | ROW(2) | ROW(5));
  assert_int_equal(b, ROW(1) | ROW(2) | ROW(5));
  assert_int_equal(match_rows("Reisekosten"), ROW(8));
  assert_int_equal(match_rows("Abrechnung"), ROW(8));
}

static void test_umlauts_and_sharp_s(void **state) {
  (void)state;
  assert_int_equal(match_rows("Mueller"), ROW(3) | ROW(4));
  assert_int_equal(match_rows("Müller"), ROW(3) | ROW(4));
  assert_int_equal(match_rows("Straße"), ROW(3) | ROW(4));
  assert_int_equal(match_rows("STRASSE"), ROW(3) | ROW(4));
  assert_int_equal(match_rows("Antraege"), match_rows("Antrag"));
  assert_int_equal(match_rows("Wetter"), ROW(6));
  assert_int_equal(match_rows("Email"), ROW(7)); /* joined "E-Mail" */
  assert_int_equal(match_rows("Mail"), ROW(7));
}

/* highlight() of row id for the analysed query q. */
static char *highlight(int id, const char *q) {
  expr_t x = {{0}, 0};
  assert_int_equal(text_analyze(g_an, q, strlen(q), 0, add_term, &x), 0);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(g_db,
                                      "SELECT highlight(docs, 0, '[', ']') "
                                      "FROM docs WHERE docs MATCH ?1 AND "
                                      "rowid = ?2",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, x.s, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 2, id);
  char *out = NULL;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  assert_non_null(out);
  return out;
}

static void check_highlight(int id, const char *q, const char *want) {
  char *got = highlight(id, q);
  if (strcmp(got, want) != 0) fail_msg("got '%s', want '%s'", got, want);
  free(got);
}

static void test_highlight_marks_original_words(void **state) {
  (void)state;
  check_highlight(3, "Mueller", "Herr [Müller] hat die Straße gereinigt.");
  check_highlight(4, "Müller Straße",
                  "Frau [Mueller] wohnt in der [Strasse] nebenan.");
  check_highlight(5, "Antrag", "Die [Anträge] werden im Bürgerbüro geprüft.");
  if (access(text_lexicon_path(), R_OK) == 0) {
    check_highlight(1, "Antrag", "Der [Urlaubsantrag] wurde genehmigt.");
    check_highlight(2, "Urlaubsantrag",
                    "Ein [Antrag] auf [Urlaub] ist bis Freitag zu stellen.");
  }
}

static void test_snippet(void **state) {
  (void)state;
  sqlite3_stmt *st;
  expr_t x = {{0}, 0};
  text_analyze(g_an, "gereinigt", 9, 0, add_term, &x);
  assert_int_equal(sqlite3_prepare_v2(g_db,
                                      "SELECT snippet(docs, 0, '<', '>', "
                                      "'...', 3) FROM docs WHERE docs MATCH "
                                      "?1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, x.s, -1, SQLITE_TRANSIENT);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  const char *snip = (const char *)sqlite3_column_text(st, 0);
  assert_non_null(strstr(snip, "<gereinigt>"));
  sqlite3_finalize(st);
}

/* Query mode passes pieces through verbatim: analysed terms match, raw
 * user text generally does not (the contract: never MATCH raw text). */
static void test_query_mode_verbatim(void **state) {
  (void)state;
  assert_int_equal(raw_rows("\"antrag\""), match_rows("Antrag"));
  assert_int_equal(raw_rows("\"Antrag\""), 0);     /* not lower-cased */
  assert_int_equal(raw_rows("\"anträge\""), 0);    /* not stemmed */
  /* Phrases work on positions; dropped stop words leave no gap, so
   * "Müller hat die Straße" holds the phrase "mull strass". */
  assert_int_equal(raw_rows("\"mull strass\""), ROW(3));
  assert_int_equal(raw_rows("\"mull\" AND \"strass\""), ROW(3) | ROW(4));
}

static void test_prefix_query(void **state) {
  (void)state;
  char *p = text_fold_prefix(g_an, "Anträ", strlen("Anträ"));
  assert_non_null(p);
  assert_string_equal(p, "antra");
  char expr[64];
  snprintf(expr, sizeof expr, "\"%s\"*", p);
  free(p);
  unsigned rows = raw_rows(expr);
  assert_true(rows & ROW(2));
  assert_true(rows & ROW(5));
  assert_false(rows & ROW(6));
}

static void test_tokenizer_rejects_options(void **state) {
  (void)state;
  int rc = sqlite3_exec(g_db,
                        "CREATE VIRTUAL TABLE bad USING fts5(body, "
                        "tokenize='lotse_de extra')",
                        NULL, NULL, NULL);
  assert_int_not_equal(rc, SQLITE_OK);
}

static void test_register_twice_and_args(void **state) {
  (void)state;
  lotse_err_t err;
  assert_int_equal(text_fts5_register(g_db, &err), 0); /* replaces */
  assert_int_equal(text_fts5_register(NULL, &err), LOTSE_EINVAL);
  /* A second table on the same connection gets its own tokenizer. */
  exec("CREATE VIRTUAL TABLE docs2 USING fts5(body, tokenize='lotse_de')");
  exec("INSERT INTO docs2(body) VALUES('Urlaubsanträge im Bürgerbüro')");
  sqlite3_stmt *st;
  sqlite3_prepare_v2(g_db,
                     "SELECT count(*) FROM docs2 WHERE docs2 MATCH "
                     "'\"burgerburo\" OR \"urlaubsantrag\"'",
                     -1, &st, NULL);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
}

static void test_invalid_utf8_document(void **state) {
  (void)state;
  exec("CREATE VIRTUAL TABLE docs3 USING fts5(body, tokenize='lotse_de')");
  sqlite3_stmt *st;
  sqlite3_prepare_v2(g_db, "INSERT INTO docs3(body) VALUES(?1)", -1, &st,
                     NULL);
  const char bad[] = "Haus\xFF\xFE Amt\xC3";
  sqlite3_bind_text(st, 1, bad, sizeof bad - 1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_prepare_v2(g_db,
                     "SELECT count(*) FROM docs3 WHERE docs3 MATCH "
                     "'\"amt\"'",
                     -1, &st, NULL);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compound_both_directions),
      cmocka_unit_test(test_umlauts_and_sharp_s),
      cmocka_unit_test(test_highlight_marks_original_words),
      cmocka_unit_test(test_snippet),
      cmocka_unit_test(test_query_mode_verbatim),
      cmocka_unit_test(test_prefix_query),
      cmocka_unit_test(test_tokenizer_rejects_options),
      cmocka_unit_test(test_register_twice_and_args),
      cmocka_unit_test(test_invalid_utf8_document),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
