/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_journald.c — journal export format: text and
 * binary fields, several entries, the common logwatch names, malformed
 * entries skipped without losing the next one.
 */
#include "testutil.h"

#include "analytics/logwatch/journald.h"

static int val_is(const lw_field *f, size_t n, const char *name,
                  const char *want, size_t wn) {
  lw_event ev = {.fields = f, .n_fields = n};
  size_t vn;
  const char *v = lw_event_get(&ev, name, &vn);
  return v && vn == wn && !memcmp(v, want, wn);
}
#define VAL(name, w) assert_true(val_is(f, n, (name), (w), strlen(w)))

static FILE *mem(const char *p, size_t n) {
  FILE *in = fmemopen((void *)p, n, "r");
  assert_non_null(in);
  return in;
}

static const char export_text[] =
    "__CURSOR=s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8\n"
    "__REALTIME_TIMESTAMP=1342540861416351\n"
    "__MONOTONIC_TIMESTAMP=1100311603\n"
    "_BOOT_ID=6c7c6013a8a54e5f8ad9a6ffb1c1b7d1\n"
    "PRIORITY=6\n"
    "SYSLOG_FACILITY=3\n"
    "SYSLOG_IDENTIFIER=systemd\n"
    "_PID=1\n"
    "_HOSTNAME=waldi\n"
    "MESSAGE=Started Journal Service.\n"
    "\n"
    "__CURSOR=s=2\n"
    "__REALTIME_TIMESTAMP=1342540861421465\n"
    "_COMM=sshd\n"
    "MESSAGE\n"
    "\x0b\x00\x00\x00\x00\x00\x00\x00"
    "foo\nbar\0baz\n"
    "\n";

static void test_entries(void **state) {
  (void)state;
  lw_journald *j = lw_journald_new();
  FILE *in = mem(export_text, sizeof export_text - 1);
  const lw_field *f;
  size_t n;
  assert_int_equal(lw_journald_read(j, in, &f, &n), 0);
  VAL("MESSAGE", "Started Journal Service.");
  VAL("message", "Started Journal Service.");
  VAL("host", "waldi");
  VAL("program", "systemd");
  VAL("pid", "1");
  VAL("severity", "info");
  VAL("facility", "daemon");
  assert_int_equal(lw_journald_ts_ms(j), 1342540861416LL);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 0);
  assert_true(val_is(f, n, "MESSAGE", "foo\nbar\0baz", 11));
  VAL("program", "sshd"); /* _COMM when SYSLOG_IDENTIFIER is missing */
  assert_int_equal(lw_journald_read(j, in, &f, &n), 2);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 2);
  fclose(in);
  lw_journald_free(j);
}

static void test_malformed(void **state) {
  (void)state;
  static const char bad[] =
      "MESSAGE=one\n"
      "bad name=x\n" /* space and lower case in the name */
      "\n"
      "MESSAGE=two\n"
      "\n"
      "DATA\n"
      "\xff\xff\xff\xff\xff\xff\xff\x7f" /* absurd length */
      "x\n"
      "\n"
      "MESSAGE=three\n"; /* last entry without its blank line */
  lw_journald *j = lw_journald_new();
  FILE *in = mem(bad, sizeof bad - 1);
  const lw_field *f;
  size_t n;
  assert_int_equal(lw_journald_read(j, in, &f, &n), 1);
  assert_int_equal(n, 0);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 0);
  VAL("message", "two");
  assert_int_equal(lw_journald_read(j, in, &f, &n), 1);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 0);
  VAL("message", "three");
  assert_int_equal(lw_journald_read(j, in, &f, &n), 2);
  fclose(in);
  /* binary field cut short */
  static const char cut[] = "MESSAGE\n\x10\x00\x00\x00\x00\x00\x00\x00" "abc";
  in = mem(cut, sizeof cut - 1);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 1);
  assert_int_equal(lw_journald_read(j, in, &f, &n), 2);
  fclose(in);
  lw_journald_free(j);
  lw_journald_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entries),
      cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
