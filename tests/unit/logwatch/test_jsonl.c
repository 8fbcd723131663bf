/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_jsonl.c — flattening of JSON events: dotted
 * paths, leaf aliases only when unambiguous, #attributes/#text collapsed
 * (Windows event JSON), arrays, value texts, malformed input.
 */
#include "testutil.h"

#include "analytics/logwatch/jsonl.h"

static const char *get(const lw_field *f, size_t n, const char *name) {
  lw_event ev = {.fields = f, .n_fields = n};
  return lw_event_get(&ev, name, NULL);
}

static size_t count(const lw_field *f, size_t n, const char *name) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += !strcmp(f[i].name, name);
  return c;
}

static int parse(lw_jsonl *j, const char *s, const lw_field **f, size_t *n) {
  return lw_jsonl_parse(j, s, strlen(s), f, n);
}

static void test_windows_event(void **state) {
  (void)state;
  lw_jsonl *j = lw_jsonl_new();
  const lw_field *f;
  size_t n;
  const char *ev =
      "{\"Event\":{\"#attributes\":{\"xmlns\":\"http://x\"},\"System\":{"
      "\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Sysmon\"}},"
      "\"EventID\":1,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
      "\"Correlation\":null,\"Execution\":{\"#attributes\":{\"ProcessID\":"
      "3208}}},\"EventData\":{\"Image\":\"C:\\\\Windows\\\\cmd.exe\","
      "\"ProcessId\":15596,\"User\":\"a\\\\b\"}}}";
  assert_int_equal(parse(j, ev, &f, &n), 0);
  assert_string_equal(get(f, n, "Event.System.Provider.Name"),
                      "Microsoft-Windows-Sysmon");
  assert_string_equal(get(f, n, "Event.xmlns"), "http://x");
  assert_string_equal(get(f, n, "Event.System.EventID"), "1");
  assert_string_equal(get(f, n, "EventID"), "1"); /* leaf alias */
  assert_string_equal(get(f, n, "Image"), "C:\\Windows\\cmd.exe");
  assert_string_equal(get(f, n, "Event.EventData.Image"),
                      "C:\\Windows\\cmd.exe");
  assert_string_equal(get(f, n, "Channel"),
                      "Microsoft-Windows-Sysmon/Operational");
  assert_string_equal(get(f, n, "Correlation"), ""); /* null */
  assert_string_equal(get(f, n, "ProcessID"), "3208");
  /* ProcessId and ProcessID differ in case: both unambiguous */
  assert_string_equal(get(f, n, "ProcessId"), "15596");
  /* paths come first, in document order */
  assert_string_equal(f[0].name, "Event.xmlns");
  lw_jsonl_free(j);
}

static void test_ambiguous_leaf(void **state) {
  (void)state;
  lw_jsonl *j = lw_jsonl_new();
  const lw_field *f;
  size_t n;
  assert_int_equal(parse(j, "{\"a\":{\"name\":\"x\"},\"b\":{\"name\":\"y\"},"
                            "\"c\":{\"d\":{\"e\":true}},\"e2\":1.5}",
                         &f, &n), 0);
  assert_null(get(f, n, "name")); /* two paths end in "name" */
  assert_string_equal(get(f, n, "a.name"), "x");
  assert_string_equal(get(f, n, "b.name"), "y");
  assert_string_equal(get(f, n, "c.d.e"), "true");
  assert_string_equal(get(f, n, "e"), "true");
  assert_string_equal(get(f, n, "e2"), "1.5");
  /* a leaf equal to an existing top-level name is not aliased */
  assert_int_equal(parse(j, "{\"host\":\"a\",\"x\":{\"host\":\"b\"}}", &f, &n),
                   0);
  assert_int_equal(count(f, n, "host"), 1);
  assert_string_equal(get(f, n, "host"), "a");
  lw_jsonl_free(j);
}

static void test_arrays_and_text(void **state) {
  (void)state;
  lw_jsonl *j = lw_jsonl_new();
  const lw_field *f;
  size_t n;
  assert_int_equal(parse(j, "{\"tags\":[\"a\",\"b\"],\"x\":[{\"k\":1},{\"k\":2}],"
                            "\"EventID\":{\"#text\":\"4624\",\"#attributes\":"
                            "{\"Qualifiers\":\"\"}},\"s\":\"nul\\u0000in\"}",
                         &f, &n), 0);
  assert_int_equal(count(f, n, "tags"), 2);
  /* an integer beyond int64 keeps the event (as a real number) */
  const lw_field *g;
  size_t gn;
  assert_int_equal(parse(j, "{\"id\":18446744073709551615,\"m\":\"x\"}", &g,
                         &gn), 0);
  assert_string_equal(get(g, gn, "id"), "1.8446744073709552e+19");
  assert_int_equal(parse(j, "{\"tags\":[\"a\",\"b\"],\"x\":[{\"k\":1},{\"k\":2}],"
                            "\"EventID\":{\"#text\":\"4624\",\"#attributes\":"
                            "{\"Qualifiers\":\"\"}},\"s\":\"nul\\u0000in\"}",
                         &f, &n), 0);
  assert_int_equal(count(f, n, "x.k"), 2);
  assert_int_equal(count(f, n, "k"), 2); /* same path twice: still one */
  assert_string_equal(get(f, n, "EventID"), "4624");
  assert_string_equal(get(f, n, "EventID.Qualifiers"), "");
  size_t vn;
  lw_event ev = {.fields = f, .n_fields = n};
  assert_non_null(lw_event_get(&ev, "s", &vn));
  assert_int_equal(vn, 6);
  lw_jsonl_free(j);
}

static void test_malformed(void **state) {
  (void)state;
  lw_jsonl *j = lw_jsonl_new();
  const lw_field *f;
  size_t n;
  static const char *bad[] = {"", "not json", "[1,2]", "\"s\"", "42",
                              "{\"a\":1", "{\"a\":1} trailing", "{'a':1}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(parse(j, bad[i], &f, &n), 1);
    assert_int_equal(n, 0);
  }
  /* nesting deeper than the limit */
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  for (int i = 0; i < LW_JSONL_MAX_DEPTH + 4; i++) lotse_buf_puts(&b, "{\"a\":");
  lotse_buf_puts(&b, "1");
  for (int i = 0; i < LW_JSONL_MAX_DEPTH + 4; i++) lotse_buf_putc(&b, '}');
  assert_int_equal(lw_jsonl_parse(j, b.data, b.len, &f, &n), 1);
  /* too many fields */
  lotse_buf_reset(&b);
  lotse_buf_putc(&b, '{');
  for (int i = 0; i <= LW_JSONL_MAX_FIELDS; i++)
    lotse_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
  lotse_buf_putc(&b, '}');
  assert_int_equal(lw_jsonl_parse(j, b.data, b.len, &f, &n), 1);
  /* the parser is reusable after failures */
  assert_int_equal(parse(j, "{\"msg\":\"ok\"}", &f, &n), 0);
  assert_int_equal(n, 1);
  lotse_buf_release(&b);
  lw_jsonl_free(j);
  lw_jsonl_free(NULL);
}

static void test_message_field(void **state) {
  (void)state;
  lw_jsonl *j = lw_jsonl_new();
  const lw_field *f;
  size_t n;
  assert_int_equal(parse(j, "{\"level\":\"info\",\"msg\":\"started\","
                            "\"text\":\"t\"}", &f, &n), 0);
  assert_string_equal(lw_jsonl_message(f, n, NULL)->value, "started");
  assert_string_equal(lw_jsonl_message(f, n, "text")->value, "t");
  assert_string_equal(lw_jsonl_message(f, n, "nope")->value, "started");
  assert_int_equal(parse(j, "{\"a\":1}", &f, &n), 0);
  assert_null(lw_jsonl_message(f, n, NULL));
  lw_jsonl_free(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_windows_event),
      cmocka_unit_test(test_ambiguous_leaf),
      cmocka_unit_test(test_arrays_and_text),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_message_field),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
