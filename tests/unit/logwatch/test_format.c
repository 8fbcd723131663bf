/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_format.c — header patterns: fields and content
 * of the loghub notations (plain, regex fragments, optional groups),
 * malformed lines, trimming, bad patterns.
 */
#include "testutil.h"

#include "analytics/logwatch/format.h"

static lw_format *compile(const char *pat) {
  lw_format *f = NULL;
  lotse_err_t err = {0};
  assert_int_equal(lw_format_compile(pat, &f, &err), 0);
  return f;
}

static void assert_field(const lw_field *fl, const char *name,
                         const char *value) {
  assert_string_equal(fl->name, name);
  assert_int_equal(fl->value_len, strlen(value));
  assert_memory_equal(fl->value, value, strlen(value));
}

static void test_hdfs(void **state) {
  (void)state;
  lw_format *f = compile("<Date> <Time> <Pid> <Level> <Component>: <Content>");
  assert_int_equal(lw_format_nfields(f), 6);
  assert_string_equal(lw_format_field_name(f, 5), "Content");
  assert_null(lw_format_field_name(f, 6));
  const char *line = "081109 203615 148 INFO dfs.DataNode$PacketResponder: "
                     "PacketResponder 1 for block blk_38 terminating\n";
  lw_field fl[8];
  size_t n;
  const char *c;
  size_t cl;
  assert_int_equal(lw_format_match(f, line, strlen(line), fl, 8, &n, &c, &cl), 1);
  assert_int_equal(n, 6);
  assert_field(&fl[0], "Date", "081109");
  assert_field(&fl[2], "Pid", "148");
  assert_field(&fl[4], "Component", "dfs.DataNode$PacketResponder");
  assert_int_equal(cl, strlen("PacketResponder 1 for block blk_38 terminating"));
  assert_memory_equal(c, "PacketResponder 1 for block blk_38 terminating", cl);
  /* cap limits the fields written, content still found */
  assert_int_equal(lw_format_match(f, line, strlen(line), fl, 2, &n, &c, &cl), 1);
  assert_int_equal(n, 2);
  assert_memory_equal(c, "PacketResponder", 15);
  /* too few parts: malformed */
  assert_int_equal(lw_format_match(f, "081109 203615", 13, fl, 8, &n, &c, &cl), 0);
  assert_int_equal(lw_format_match(f, "", 0, NULL, 0, NULL, NULL, NULL), 0);
  lw_format_free(f);
}

static void test_regex_fragments(void **state) {
  (void)state;
  /* Linux: optional [PID] group, escaped brackets */
  lw_format *f = compile("<Month> <Date> <Time> <Level> "
                         "<Component>(\\[<PID>\\])?: <Content>");
  lw_field fl[8];
  size_t n;
  const char *c;
  size_t cl;
  const char *a = "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; "
                  "user unknown";
  assert_int_equal(lw_format_match(f, a, strlen(a), fl, 8, &n, &c, &cl), 1);
  assert_field(&fl[4], "Component", "sshd(pam_unix)");
  assert_field(&fl[5], "PID", "19939");
  assert_memory_equal(c, "check pass; user unknown", cl);
  const char *b = "Jun 14 15:16:01 combo kernel: hello  world ";
  assert_int_equal(lw_format_match(f, b, strlen(b), fl, 8, &n, &c, &cl), 1);
  assert_field(&fl[4], "Component", "kernel");
  assert_field(&fl[5], "PID", "");
  assert_int_equal(cl, strlen("hello  world"));
  lw_format_free(f);
  /* Apache: literal brackets around fields; several spaces match one */
  f = compile("\\[<Time>\\] \\[<Level>\\] <Content>");
  const char *ap = "  [Sun Dec 04 04:47:44 2005]   [notice] workerEnv.init() ok";
  assert_int_equal(lw_format_match(f, ap, strlen(ap), fl, 8, &n, &c, &cl), 1);
  assert_field(&fl[0], "Time", "Sun Dec 04 04:47:44 2005");
  assert_field(&fl[1], "Level", "notice");
  assert_memory_equal(c, "workerEnv.init() ok", cl);
  assert_int_equal(lw_format_match(f, "notice ok", 9, fl, 8, &n, &c, &cl), 0);
  lw_format_free(f);
}

static void test_no_content(void **state) {
  (void)state;
  lw_format *f = compile("<Host> <Msg>");
  const char *c;
  size_t cl;
  const char *l = " web1 disk full \r\n";
  assert_int_equal(lw_format_match(f, l, strlen(l), NULL, 0, NULL, &c, &cl), 1);
  assert_int_equal(cl, strlen("web1 disk full"));
  assert_memory_equal(c, "web1 disk full", cl);
  lw_format_free(f);
}

static void test_bad_patterns(void **state) {
  (void)state;
  lw_format *f = (lw_format *)1;
  lotse_err_t err = {0};
  assert_int_equal(lw_format_compile("", &f, &err), LOTSE_EINVAL);
  assert_null(f);
  assert_int_equal(lw_format_compile("<A> <A>", &f, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "twice"));
  assert_int_equal(lw_format_compile("<A b> <C>", &f, &err), LOTSE_EINVAL);
  assert_int_equal(lw_format_compile("(<A> <C>", &f, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "bad format pattern"));
  char big[LW_FORMAT_MAX_FIELDS * 8 + 16] = {0};
  for (int i = 0; i <= LW_FORMAT_MAX_FIELDS; i++)
    snprintf(big + strlen(big), sizeof big - strlen(big), "<F%d> ", i);
  assert_int_equal(lw_format_compile(big, &f, &err), LOTSE_EINVAL);
  assert_null(f);
  lw_format_free(NULL);
}

/* A line needing more backtracking than LW_FORMAT_MATCH_LIMIT is
 * malformed (0), not an error (found by helper E's fuzzer). */
static void test_backtracking_limit(void **state) {
  (void)state;
  lw_format *f = compile("<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: "
                         "<Content>");
  char line[4096] = "";
  for (int i = 0; i < 300; i++) strcat(line, "a ");
  strcat(line, "sshd[1 ]:x sshd[ ]:");
  assert_int_equal(lw_format_match(f, line, strlen(line), NULL, 0, NULL, NULL,
                                   NULL), 0);
  const char *ok = "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping failed";
  const char *c;
  size_t cl;
  assert_int_equal(lw_format_match(f, ok, strlen(ok), NULL, 0, NULL, &c, &cl), 1);
  assert_memory_equal(c, "reverse mapping failed", cl);
  lw_format_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hdfs),
      cmocka_unit_test(test_regex_fragments),
      cmocka_unit_test(test_no_content),
      cmocka_unit_test(test_bad_patterns),
      cmocka_unit_test(test_backtracking_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
