/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_classify_schema.c — the questionnaire loader refuses
 * malformed files with LOTSE_ECORRUPT and a message naming file, line and
 * column; a small valid file shows the interpreter's rules (when, unless,
 * ask_if, exclusive, always) independent of the shipped questionnaire.
 */
#include "testutil.h"

#include "gov/classify.h"

/* A valid questionnaire; the cases below each break one thing. */
static const char VALID[] =
    "version: \"t1\"\n"
    "title: Test\n"
    "always:\n"
    "  - reason: Grundschulung\n"
    "    trainings: [basis]\n"
    "sections:\n"
    "  - id: s1\n"
    "    title: Eins\n"
    "    questions:\n"
    "      - id: area\n"
    "        kind: multi_choice\n"
    "        text: Bereich?\n"
    "        options:\n"
    "          - {value: hr, label: Personal}\n"
    "          - {value: school, label: Schule}\n"
    "          - {value: none, label: Keiner, exclusive: ja}\n"
    "        effects:\n"
    "          hr:\n"
    "            - class: 3\n"
    "              reason: Personal ist hochriskant\n"
    "              unless: {exc: ja, prof: nein}\n"
    "          school:\n"
    "            - class: 3\n"
    "              reason: Schule ist hochriskant\n"
    "              when: {exc: nein}\n"
    "      - id: exc\n"
    "        kind: yes_no\n"
    "        text: Ausnahme?\n"
    "        ask_if: {area: [hr, school]}\n"
    "      - id: prof\n"
    "        kind: yes_no\n"
    "        text: Profiling?\n"
    "        ask_if: {area: [hr, school]}\n"
    "        effects:\n"
    "          ja:\n"
    "            - {measures: [datenschutz], reason: Profile}\n"
    "      - id: chat\n"
    "        kind: choice\n"
    "        required: nein\n"
    "        text: Chat?\n"
    "        options:\n"
    "          - {value: intern, label: Intern}\n"
    "          - {value: extern, label: Extern}\n"
    "        effects:\n"
    "          extern:\n"
    "            - class: 2\n"
    "              measures: [transparenzhinweis, personalrat]\n"
    "              reason: Chat mit Menschen\n"
    "              trainings: [chat-1, basis]\n";

static int parse(const char *text, gov_questionnaire_t **q, lotse_err_t *err) {
  return gov_questionnaire_parse(text, strlen(text), "t.yaml", q, err);
}

/* VALID with the first occurrence of from replaced by to. */
static char *mutate(const char *from, const char *to) {
  const char *p = strstr(VALID, from);
  if (!p) fail_msg("test: '%s' not in VALID", from);
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  lotse_buf_append(&b, VALID, (size_t)(p - VALID));
  lotse_buf_puts(&b, to);
  lotse_buf_puts(&b, p + strlen(from));
  return lotse_buf_detach(&b);
}

typedef struct bad {
  const char *from, *to; /* mutation of VALID; from NULL: to is the file */
  const char *where;     /* "t.yaml:L:C" expected in the message */
  const char *what;      /* a substring of the message */
} bad_t;

static const bad_t BAD[] = {
    {NULL, "", "t.yaml:1:1", "leer"},
    {NULL, "- a\n- b\n", "t.yaml:1:1", "Zuordnung"},
    {NULL, "version: 1\ntitle: [\n", "t.yaml:3:1", "YAML-Syntaxfehler"},
    {NULL, "a: 1\n---\nb: 2\n", "t.yaml:2:1", "ein YAML-Dokument"},
    {NULL, "version: 1\n\ttitle: x\n", "t.yaml:2:", "YAML-Syntaxfehler"},
    {"title: Test\n", "title: Test\ncolour: blau\n", "t.yaml:3:1",
     "unbekannter Schlüssel 'colour'"},
    {"title: Test\n", "title: Test\ntitle: Zwei\n", "t.yaml:3:1",
     "'title' doppelt (zuerst in Zeile 2)"},
    {"title: Test\n", "", "t.yaml:1:1", "'title' fehlt"},
    {"title: Test\n", "title: \"\"\n", "t.yaml:2:8", "nicht leerer Text"},
    {"version: \"t1\"\n", "version: &v \"t1\"\n", "t.yaml:1:10", "Anker"},
    {"title: Test\n", "title: *v\n", "t.yaml:2:8", "Alias"},
    {"    title: Eins\n", "    title: Eins\n    note: x\n", "t.yaml:9:5",
     "unbekannter Schlüssel 'note'"},
    {"      - id: exc\n", "      - id: area\n", "t.yaml:26:13",
     "Fragen-Kennung 'area' doppelt"},
    {"      - id: exc\n", "      - id: Exc!\n", "t.yaml:26:13",
     "nur a-z"},
    {"        kind: yes_no\n        text: Ausnahme?\n",
     "        kind: ja_nein\n        text: Ausnahme?\n", "t.yaml:27:15",
     "yes_no, choice oder multi_choice"},
    {"        text: Bereich?\n", "", "t.yaml:10:9", "'text' fehlt"},
    {"            - class: 3\n              reason: Personal",
     "            - class: 5\n              reason: Personal", "t.yaml:19:22",
     "Risikoklasse 1 bis 4"},
    {"[datenschutz]", "[datenschutz, rechtsamt]", "t.yaml:36:40",
     "unbekannte Maßnahme 'rechtsamt'"},
    {"              reason: Schule ist hochriskant\n", "", "t.yaml:23:15",
     "'reason' fehlt"},
    {"            - {measures: [datenschutz], reason: Profile}",
     "            - {reason: Profile}", "t.yaml:36:15", "ohne Folge"},
    {"[chat-1, basis]", "[Chat 1]", "t.yaml:49:27", "Schulungs-Kennung"},
    {"          school:\n", "          schule:\n", "t.yaml:22:11",
     "kennt den Wert 'schule' nicht"},
    {"when: {exc: nein}", "when: {exc: vielleicht}", "t.yaml:25:27",
     "kennt den Wert 'vielleicht'"},
    {"when: {exc: nein}", "when: {gibtsnicht: nein}", "t.yaml:25:22",
     "unbekannte Frage 'gibtsnicht'"},
    {"when: {exc: nein}", "when: []", "t.yaml:25:21", "Zuordnung Frage"},
    {"ask_if: {area: [hr, school]}\n      - id: prof",
     "ask_if: {prof: ja}\n      - id: prof", "t.yaml:29:18",
     "nur frühere Fragen"},
    {"ask_if: {area: [hr, school]}", "ask_if: {area: []}", "t.yaml:29:24",
     "Wert oder Liste"},
    {"          - {value: school, label: Schule}\n", "", "t.yaml:28:29",
     "kennt den Wert 'school'"},
    {"          - {value: school, label: Schule}\n"
     "          - {value: none, label: Keiner, exclusive: ja}\n", "",
     "t.yaml:14:11", "mindestens zwei"},
    {"{value: school,", "{value: hr,", "t.yaml:15:21", "Wert 'hr' doppelt"},
    {"{value: intern, label: Intern}", "{value: intern, label: Intern, "
     "exclusive: ja}", "t.yaml:42:55", "nur bei multi_choice"},
    {"exclusive: ja}", "exclusive: vielleicht}", "t.yaml:16:53",
     "ja oder nein"},
    {"        ask_if: {area: [hr, school]}\n        effects:",
     "        ask_if: {area: [hr, school]}\n        options: [ja]\n"
     "        effects:", "t.yaml:34:18", "keine 'options'"},
    {"        text: Chat?\n        options:", "        text: Chat?\n"
     "        opts:", "t.yaml:41:9", "unbekannter Schlüssel 'opts'"},
    {"        required: nein\n", "        required: 0\n", "t.yaml:39:19",
     "ja oder nein"},
    {"    questions:\n", "    questions: []\n    x:\n", "t.yaml:10:5",
     "unbekannter Schlüssel 'x'"},
    {"  - id: s1\n", "  - id: s1\n    extra: {a: 1}\n", "t.yaml:8:5",
     "unbekannter Schlüssel 'extra'"},
    {"sections:\n", "sections: []\nold:\n", "t.yaml:7:1",
     "unbekannter Schlüssel 'old'"},
    {"          hr:\n", "          [hr]:\n", "t.yaml:18:11", "einfache Texte"},
};

static void test_malformed_files(void **state) {
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
    const bad_t *b = &BAD[i];
    char *text = b->from ? mutate(b->from, b->to) : lotse_strdup(b->to);
    gov_questionnaire_t *q = (void *)1;
    lotse_err_t err = {0};
    int rc = parse(text, &q, &err);
    if (rc != LOTSE_ECORRUPT || !strstr(err.msg, b->where) ||
        !strstr(err.msg, b->what) || q) {
      fprintf(stderr, "case %zu: rc %d, message '%s', expected '%s' and "
              "'%s'\n", i, rc, err.msg, b->where, b->what);
      failures++;
    }
    if (!rc) gov_questionnaire_free(q);
    free(text);
  }
  assert_int_equal(failures, 0);
}

static void test_bad_bytes_and_files(void **state) {
  (void)state;
  gov_questionnaire_t *q;
  lotse_err_t err = {0};
  const char latin1[] = "version: 1\ntitle: Gr\xf6\xdf" "e\n";
  assert_int_equal(parse(latin1, &q, &err), LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "UTF-8"));
  const char nul[] = "version: \"a\\0b\"\n";
  assert_int_equal(parse(nul, &q, &err), LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "NUL"));
  /* deeply nested */
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  for (int i = 0; i < 40; i++) lotse_buf_putc(&b, '[');
  for (int i = 0; i < 40; i++) lotse_buf_putc(&b, ']');
  assert_int_equal(parse(b.data, &q, &err), LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "verschachtelt"));
  lotse_buf_release(&b);
  /* a file that does not exist keeps lotse_file_read's code */
  assert_int_not_equal(gov_questionnaire_load("/nonexistent/q.yaml", &q,
                                              &err), 0);
  assert_null(q);
  assert_non_null(strstr(err.msg, "/nonexistent/q.yaml"));
  /* the valid file from disk */
  char *dir = test_dir("classify_schema");
  char *path = test_path(dir, "q.yaml");
  assert_int_equal(lotse_file_write(path, VALID, strlen(VALID), &err), 0);
  assert_int_equal(gov_questionnaire_load(path, &q, &err), 0);
  assert_string_equal(gov_questionnaire_version(q), "t1");
  char hex[65];
  lotse_sha256_hex(VALID, strlen(VALID), hex);
  assert_string_equal(gov_questionnaire_sha256(q), hex);
  gov_questionnaire_free(q);
  free(path);
  free(dir);
}

/* ------------------------------------------------- interpreter semantics */

static int eval(const gov_questionnaire_t *q, const char *answers,
                gov_classification_t *c) {
  json_error_t je;
  json_t *a = json_loads(answers, 0, &je);
  if (!a) fail_msg("bad test JSON %s", answers);
  lotse_err_t err = {0};
  int rc = gov_classify_eval(q, a, c, &err);
  json_decref(a);
  return rc;
}

static void test_rules(void **state) {
  (void)state;
  gov_questionnaire_t *q;
  lotse_err_t err = {0};
  assert_int_equal(parse(VALID, &q, &err), 0);
  static const struct {
    const char *answers;
    int risk_class;
    size_t reasons;
  } cases[] = {
      {"{\"area\":[\"none\"]}", 1, 1},
      /* unless: both conditions must hold to suppress */
      {"{\"area\":[\"hr\"],\"exc\":true,\"prof\":false}", 1, 1},
      {"{\"area\":[\"hr\"],\"exc\":true,\"prof\":true}", 3, 3},
      {"{\"area\":[\"hr\"],\"exc\":false,\"prof\":false}", 3, 2},
      /* when: must hold to apply */
      {"{\"area\":[\"school\"],\"exc\":true,\"prof\":false}", 1, 1},
      {"{\"area\":[\"school\"],\"exc\":false,\"prof\":false}", 3, 2},
      {"{\"area\":[\"hr\",\"school\"],\"exc\":false,\"prof\":false}", 3, 3},
      /* optional question: may be missing or null */
      {"{\"area\":[\"none\"],\"chat\":null}", 1, 1},
      {"{\"area\":[\"none\"],\"chat\":\"extern\"}", 2, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gov_classification_t c;
    if (eval(q, cases[i].answers, &c)) fail_msg("%s", cases[i].answers);
    if (c.risk_class != cases[i].risk_class)
      fail_msg("%s: class %d", cases[i].answers, c.risk_class);
    size_t n = 0;
    while (c.reasons[n]) n++;
    if (n != cases[i].reasons)
      fail_msg("%s: %zu reasons", cases[i].answers, n);
    gov_classification_release(&c);
  }
  /* measures and trainings: unique, in order */
  gov_classification_t c;
  assert_int_equal(eval(q, "{\"area\":[\"hr\"],\"exc\":false,\"prof\":true,"
                        "\"chat\":\"extern\"}", &c), 0);
  assert_int_equal(c.risk_class, 3);
  assert_true(c.measures.needs_transparency && c.measures.needs_personalrat &&
              c.measures.needs_dpo && c.measures.needs_dsfa);
  assert_string_equal(c.measures.trainings[0], "basis");
  assert_string_equal(c.measures.trainings[1], "chat-1");
  assert_null(c.measures.trainings[2]);
  gov_classification_release(&c);
  /* multi_choice may be empty only when optional; exclusive values */
  assert_int_equal(eval(q, "{\"area\":[]}", &c), LOTSE_EINVAL);
  assert_int_equal(eval(q, "{\"area\":[\"none\",\"hr\"],\"exc\":true,"
                        "\"prof\":true}", &c), LOTSE_EINVAL);
  gov_questionnaire_free(q);
  gov_questionnaire_free(NULL);
}

/* Every truncation and many one-byte changes of a valid file load or fail
 * cleanly (run under ASan this is a small fuzz test of the loader). */
static void test_mutations_fail_cleanly(void **state) {
  (void)state;
  static const char subst[] = {'\0', ':', '-', '[', '{', ' ', '\n', '"',
                               '&', '*', 'x', '\t', '\'', '#'};
  size_t n = strlen(VALID), ok = 0, bad = 0;
  char *buf = malloc(n + 1);
  assert_non_null(buf);
  for (size_t cut = 0; cut <= n; cut++) {
    gov_questionnaire_t *q;
    lotse_err_t err = {0};
    int rc = gov_questionnaire_parse(VALID, cut, "t.yaml", &q, &err);
    assert_true(rc == 0 || rc == LOTSE_ECORRUPT);
    rc ? bad++ : ok++;
    gov_questionnaire_free(q);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < sizeof subst; k++) {
      memcpy(buf, VALID, n + 1);
      buf[i] = subst[k];
      gov_questionnaire_t *q;
      lotse_err_t err = {0};
      int rc = gov_questionnaire_parse(buf, n, "t.yaml", &q, &err);
      if (rc != 0 && rc != LOTSE_ECORRUPT)
        fail_msg("byte %zu -> %d: rc %d", i, subst[k], rc);
      if (rc) assert_null(q);
      rc ? bad++ : ok++;
      gov_questionnaire_free(q);
    }
  free(buf);
  assert_true(ok > 0 && bad > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_files),
      cmocka_unit_test(test_bad_bytes_and_files),
      cmocka_unit_test(test_rules),
      cmocka_unit_test(test_mutations_fail_cleanly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
