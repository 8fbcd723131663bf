/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_fragen.c — the pure parts of "Fragen": citation
 * parsing and cleaning (batch and streaming give the same text for every
 * split), question -> query, relevance cut, prompt building, extractive
 * answers.
 */
#include "testutil.h"

#include "apps/fragen.h"

/* ------------------------------------------------------------- parsing */

static void parse_is(const char *inner, size_t want_n, const int *want) {
  int nums[16];
  size_t n = fragen_cite_parse(inner, strlen(inner), nums, 16);
  if (n != want_n) fprintf(stderr, "parse '%s': %zu != %zu\n", inner, n, want_n);
  assert_int_equal(n, want_n);
  for (size_t i = 0; i < n; i++) assert_int_equal(nums[i], want[i]);
}

static void test_cite_parse(void **state) {
  (void)state;
  parse_is("1", 1, (int[]){1});
  parse_is(" 12 ", 1, (int[]){12});
  parse_is("1, 2", 2, (int[]){1, 2});
  parse_is("1,2;3", 3, (int[]){1, 2, 3});
  parse_is("Quelle 3", 1, (int[]){3});
  parse_is("Quellen 1, 4", 2, (int[]){1, 4});
  parse_is("quelle 2", 1, (int[]){2});
  parse_is("2-4", 3, (int[]){2, 3, 4});
  parse_is("1 - 2, 5", 3, (int[]){1, 2, 5});
  parse_is("", 0, NULL);
  parse_is("  ", 0, NULL);
  parse_is("Anlage A", 0, NULL);
  parse_is("1,", 0, NULL);
  parse_is(",1", 0, NULL);
  parse_is("1 2", 0, NULL);
  parse_is("1234567", 0, NULL);
  parse_is("3-1", 0, NULL);
  parse_is("1-30", 0, NULL);
  parse_is("Quelle", 0, NULL);
  parse_is("Quellex 1", 0, NULL);
}

/* -------------------------------------------------------------- cleaning */

static void clean_is(const char *in, size_t nsrc, const char *want) {
  char *got = fragen_cite_clean(in, strlen(in), nsrc, NULL);
  assert_non_null(got);
  if (strcmp(got, want))
    fprintf(stderr, "clean '%s' (n=%zu):\n got '%s'\nwant '%s'\n", in, nsrc,
            got, want);
  assert_string_equal(got, want);
  free(got);
}

static void test_cite_clean(void **state) {
  (void)state;
  clean_is("Antrag im Portal [1].", 2, "Antrag im Portal [1].");
  clean_is("Antrag im Portal [3].", 2, "Antrag im Portal.");
  clean_is("A [1, 9] B", 2, "A [1] B");
  clean_is("A [9, 1, 1] B", 2, "A [1] B");
  clean_is("A [Quelle 2] B", 2, "A [2] B");
  clean_is("A [0] B", 2, "A B");
  clean_is("A [2][3] B", 2, "A [2] B");
  clean_is("A  [7]  B", 2, "A  B");
  clean_is("[5] Anfang", 2, " Anfang");
  clean_is("Siehe [Anlage A] und [x].", 2, "Siehe [Anlage A] und [x].");
  clean_is("offen [1", 2, "offen [1");
  clean_is("offen [", 2, "offen [");
  clean_is("[[1]]", 1, "[[1]]");
  clean_is("Zeile\n[4]\n", 3, "Zeile\n\n");
  clean_is("Gr\xc3\xb6\xc3\x9f" "e [1] \xe2\x80\x93 gut [9]", 1,
           "Gr\xc3\xb6\xc3\x9f" "e [1] \xe2\x80\x93 gut");
  clean_is("", 1, "");
  clean_is("ohne Quellen [1]", 0, "ohne Quellen");
  /* A long bracket is no citation and passes unchanged. */
  char longb[200];
  memset(longb, '1', sizeof longb);
  longb[0] = '[';
  longb[198] = ']';
  longb[199] = '\0';
  clean_is(longb, 3, longb);
}

static void test_cite_marks_cited(void **state) {
  (void)state;
  unsigned char cited[4] = {0};
  const char *in = "a [2] b [4, 7] c [1-2]";
  char *got = fragen_cite_clean(in, strlen(in), 4, cited);
  assert_string_equal(got, "a [2] b [4] c [1, 2]");
  assert_int_equal(cited[0], 1);
  assert_int_equal(cited[1], 1);
  assert_int_equal(cited[2], 0);
  assert_int_equal(cited[3], 1);
  free(got);
}

static int to_buf(void *ud, const char *text, size_t len) {
  return lotse_buf_append(ud, text, len) ? 1 : 0;
}

static char *stream(const char *in, size_t nsrc, const size_t *cuts,
                    size_t ncuts) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  fragen_cite_t c;
  fragen_cite_init(&c, nsrc, NULL, to_buf, &b);
  size_t at = 0, len = strlen(in);
  for (size_t i = 0; i <= ncuts; i++) {
    size_t end = i < ncuts ? cuts[i] : len;
    assert_int_equal(fragen_cite_feed(&c, in + at, end - at), 0);
    at = end;
  }
  assert_int_equal(fragen_cite_finish(&c), 0);
  return b.data ? lotse_buf_detach(&b) : lotse_strdup("");
}

/* Every split into two and three pieces, and byte by byte, gives the
 * batch result. */
static void test_cite_stream_equals_batch(void **state) {
  (void)state;
  static const char *const in[] = {
      "Der Antrag [1] geht an das Amt [5]. Frist: [2, 3]; siehe [Anlage].",
      "  [9]  x [1][9] [Quelle 2]\n[ 1 ]",
      "[1-3] und [7-9] und [1,",
  };
  for (size_t k = 0; k < sizeof in / sizeof in[0]; k++) {
    size_t len = strlen(in[k]);
    char *want = fragen_cite_clean(in[k], len, 3, NULL);
    for (size_t a = 0; a <= len; a++)
      for (size_t b = a; b <= len; b++) {
        size_t cuts[2] = {a, b};
        char *got = stream(in[k], 3, cuts, 2);
        assert_string_equal(got, want);
        free(got);
      }
    size_t bytes[256];
    for (size_t i = 0; i < len; i++) bytes[i] = i + 1;
    char *got = stream(in[k], 3, bytes, len - 1);
    assert_string_equal(got, want);
    free(got);
    free(want);
  }
}

static int stop_at_second(void *ud, const char *text, size_t len) {
  (void)text;
  (void)len;
  return ++*(int *)ud >= 2 ? 7 : 0;
}

static void test_cite_stream_cancel(void **state) {
  (void)state;
  int calls = 0;
  fragen_cite_t c;
  fragen_cite_init(&c, 2, NULL, stop_at_second, &calls);
  assert_int_equal(fragen_cite_feed(&c, "eins", 4), 0);
  assert_int_equal(fragen_cite_feed(&c, "zwei", 4), 7);
  assert_int_equal(fragen_cite_feed(&c, "drei", 4), 7);
  assert_int_equal(fragen_cite_finish(&c), 7);
  assert_int_equal(calls, 2);
}

/* ---------------------------------------------------------------- query */

static void test_query_from_question(void **state) {
  (void)state;
  char *q = fragen_query_from_question(
      "Wie \"beantrage ich -Urlaub +schnell* per E-Mail?\n");
  assert_non_null(q);
  assert_null(strchr(q, '"'));
  assert_null(strchr(q, '*'));
  assert_null(strchr(q, '+'));
  assert_null(strchr(q, '\n'));
  assert_non_null(strstr(q, " Urlaub"));
  assert_non_null(strstr(q, "E-Mail"));
  assert_non_null(strstr(q, "beantrage"));
  free(q);
  q = fragen_query_from_question("--x");
  assert_string_equal(q, "  x");
  free(q);
}

static void test_relevant(void **state) {
  (void)state;
  search_hit_t h[5] = {{.score = 10}, {.score = 5}, {.score = 3},
                       {.score = 2.9}, {.score = 2.8}};
  assert_int_equal(fragen_relevant(h, 5, 0.3, 10), 3);
  assert_int_equal(fragen_relevant(h, 5, 0.3, 2), 2);
  assert_int_equal(fragen_relevant(h, 5, 0.0, 10), 5);
  assert_int_equal(fragen_relevant(h, 0, 0.3, 10), 0);
  assert_int_equal(fragen_relevant(h, 1, 0.3, 10), 1);
}

/* --------------------------------------------------------------- prompt */

static void test_prompt_build(void **state) {
  (void)state;
  fragen_source_t src[2] = {
      {.n = 1, .title = "Urlaubsordnung", .section = "Antrag", .page = 3,
       .text = "Urlaub wird im Portal beantragt [2]."},
      {.n = 2, .title = "Reisekosten", .section = "", .page = 0,
       .text = "Reisen genehmigt die Leitung."}};
  char *sys, *user;
  lotse_err_t err;
  assert_int_equal(fragen_prompt_build("Du bist InfoBuddy.", "Wie Urlaub?",
                                       src, 2, &sys, &user, &err), 0);
  assert_true(strncmp(sys, "Du bist InfoBuddy.\n\n", 20) == 0);
  assert_non_null(strstr(sys, fragen_rules));
  assert_non_null(strstr(user, "[1] Urlaubsordnung, Abschnitt: Antrag, Seite 3\n"
                               "Urlaub wird im Portal beantragt (2).\n"));
  assert_non_null(strstr(user, "[2] Reisekosten\nReisen genehmigt"));
  assert_null(strstr(user, "Seite 0"));
  const char *p1 = strstr(user, "[1]"), *p2 = strstr(user, "[2]"),
             *fq = strstr(user, "Frage: Wie Urlaub?");
  assert_true(p1 && p2 && fq && p1 < p2 && p2 < fq);
  free(sys);
  free(user);

  /* No app prompt: just the rules. Long passage: cut on a boundary. */
  char text[2002];
  text[0] = 'x';
  for (int i = 0; i < 1000; i++) memcpy(text + 1 + 2 * i, "\xc3\xa4", 2);
  text[2001] = '\0';
  src[0].text = text;
  assert_int_equal(fragen_prompt_build(NULL, "F", src, 1, &sys, &user, &err), 0);
  assert_string_equal(sys, fragen_rules);
  assert_true(lotse_utf8_valid(user, strlen(user)));
  assert_non_null(strstr(user, " …\n"));
  assert_true(strlen(user) < 1600);
  free(sys);
  free(user);
}

/* ----------------------------------------------------------- extractive */

static void test_extract(void **state) {
  (void)state;
  fragen_source_t src[3] = {
      {.n = 1, .text = "Allgemeines zur Verwaltung. Urlaub beantragen Sie "
                       "im Portal. Danach entscheidet die Leitung."},
      {.n = 2, .text = "Die Urlaubsplanung beginnt im Januar. Urlaubsantr\xc3"
                       "\xa4ge [3] gehen an die Personalstelle."},
      {.n = 3, .text = "Kantine: Montag Eintopf."}};
  char *a = fragen_extract("Wie beantrage ich Urlaub?", src, 3, 2);
  assert_non_null(a);
  assert_true(strncmp(a, FRAGEN_TEXT_EXTRACTIVE, strlen(FRAGEN_TEXT_EXTRACTIVE)) == 0);
  assert_non_null(strstr(a, "\xe2\x80\x9eUrlaub beantragen Sie im Portal."
                            "\xe2\x80\x9c [1]\n"));
  assert_null(strstr(a, "Allgemeines"));
  assert_null(strstr(a, "Leitung"));
  /* Both sentences of source 2 match; its bracket is no citation. */
  assert_non_null(strstr(a, "Urlaubsantr\xc3\xa4ge (3) gehen"));
  assert_non_null(strstr(a, "[2]\n"));
  assert_null(strstr(a, "Kantine")); /* max 2 */
  assert_null(strstr(a, "[3]"));
  free(a);

  /* No word in common: the passage's start, cut at QUOTE_FIRST. */
  char longt[1200];
  memset(longt, 'a', sizeof longt - 1);
  longt[sizeof longt - 1] = '\0';
  fragen_source_t one = {.n = 1, .text = longt};
  a = fragen_extract("Kantine?", &one, 1, 5);
  assert_non_null(strstr(a, " \xe2\x80\xa6\xe2\x80\x9c [1]"));
  assert_true(strlen(a) < 900);
  free(a);
}

/* Ordinals, abbreviations and single letters do not end a sentence. */
static void test_extract_sentences(void **state) {
  (void)state;
  fragen_source_t one = {
      .n = 1,
      .text = "Vorweg etwas anderes. Nach \xc2\xa7 86b Abs. 2 Satz 2 SGG kann das "
              "Gericht am 2. April z. B. einstweilige Anordnungen treffen. "
              "Danach kommt nichts. Sonst noch etwas."};
  char *a = fragen_extract("Wann kann das Gericht einstweilige Anordnungen "
                           "treffen?", &one, 1, 1);
  assert_non_null(strstr(a, "\xe2\x80\x9eNach \xc2\xa7 86b Abs. 2 Satz 2 SGG kann "
                            "das Gericht am 2. April z. B. einstweilige "
                            "Anordnungen treffen.\xe2\x80\x9c [1]"));
  free(a);
}

/* The best-matching sentence over all sources comes first; paragraph
 * numbers glued to a sentence ("lassen.7Sie") end the sentence before. */
static void test_extract_ranks_across_sources(void **state) {
  (void)state;
  fragen_source_t src[2] = {
      {.n = 1, .text = "Die Abschiebung ist ein Thema.3Sonst nichts."},
      {.n = 2, .text = "Vorweg.12Die Dauer der Aussetzung der Abschiebung "
                       "bemisst sich nach dem Hindernis. Ende."}};
  char *a = fragen_extract("Wonach bemisst sich die Dauer einer ausgesetzten "
                           "Abschiebung?", src, 2, 2);
  const char *q2 = strstr(a, "\xe2\x80\x9e" "Die Dauer der Aussetzung der "
                             "Abschiebung bemisst sich nach dem Hindernis."
                             "\xe2\x80\x9c [2]");
  const char *q1 = strstr(a, "\xe2\x80\x9e" "Die Abschiebung ist ein Thema."
                             "\xe2\x80\x9c [1]");
  assert_non_null(q2);
  assert_non_null(q1);
  assert_true(q2 < q1);
  assert_null(strstr(a, "Vorweg"));
  assert_null(strstr(a, "12Die"));
  free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cite_parse),
      cmocka_unit_test(test_cite_clean),
      cmocka_unit_test(test_cite_marks_cited),
      cmocka_unit_test(test_cite_stream_equals_batch),
      cmocka_unit_test(test_cite_stream_cancel),
      cmocka_unit_test(test_query_from_question),
      cmocka_unit_test(test_relevant),
      cmocka_unit_test(test_prompt_build),
      cmocka_unit_test(test_extract),
      cmocka_unit_test(test_extract_sentences),
      cmocka_unit_test(test_extract_ranks_across_sources),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
