/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_syslog.c — RFC 5424 and RFC 3164 lines: the
 * examples of the RFCs, the forms log files contain, and lines that must
 * be reported malformed.
 */
#include "testutil.h"

#include "analytics/logwatch/syslog.h"

#include <time.h>

static int span_is(lw_span s, const char *want) {
  if (!want) return s.p == NULL;
  return s.p && s.n == strlen(want) && !memcmp(s.p, want, s.n);
}
#define SPAN(s, w) assert_true(span_is((s), (w)))

/* Field values are borrowed spans, not NUL-terminated. */
static int val_is(const lw_event *ev, const char *name, const char *want) {
  size_t n;
  const char *v = lw_event_get(ev, name, &n);
  return v && n == strlen(want) && !memcmp(v, want, n);
}
#define VAL(ev, name, w) assert_true(val_is((ev), (name), (w)))

static int parse(const char *line, lw_syslog *o) {
  return lw_syslog_parse_year(line, strlen(line), 2026, o);
}

/* RFC 5424 §6.5 example 1: no structured data, MSGID, BOM before MSG. */
static void test_5424_example1(void **state) {
  (void)state;
  lw_syslog s;
  const char *l = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - "
                  "ID47 - \xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8";
  assert_int_equal(parse(l, &s), 0);
  assert_int_equal(s.format, LW_SYSLOG_5424);
  assert_int_equal(s.pri, 34);
  assert_int_equal(s.facility, 4);
  assert_int_equal(s.severity, 2);
  assert_int_equal(s.version, 1);
  assert_int_equal(s.ts_ms, 1065910455003LL);
  SPAN(s.host, "mymachine.example.com");
  SPAN(s.program, "su");
  SPAN(s.pid, NULL); /* NILVALUE */
  SPAN(s.msgid, "ID47");
  SPAN(s.sd, NULL);
  SPAN(s.message, "'su root' failed for lonvick on /dev/pts/8");
}

/* Example 2 (offset), example 3 and 4 (structured data, escapes). */
static void test_5424_sd(void **state) {
  (void)state;
  lw_syslog s;
  assert_int_equal(parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 "
                         "myproc 8710 - - %% It's time to make the do-nuts.",
                         &s), 0);
  assert_int_equal(s.ts_ms, 1061727255000LL);
  SPAN(s.pid, "8710");
  SPAN(s.message, "%% It's time to make the do-nuts.");
  const char *l =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Appli\\\"cation\" "
      "eventID=\"1011\"][examplePriority@32473 class=\"high\"] BOMAn "
      "application event";
  assert_int_equal(parse(l, &s), 0);
  assert_non_null(s.sd.p);
  assert_int_equal(s.sd.p[0], '[');
  SPAN(s.message, "BOMAn application event");
  lw_field f[32];
  char scr[512];
  size_t n = lw_syslog_fields(&s, f, 32, scr, sizeof scr);
  lw_event ev = {.fields = f, .n_fields = n};
  size_t vn;
  const char *v = lw_event_get(&ev, "sd.exampleSDID@32473.eventSource", &vn);
  assert_non_null(v);
  assert_int_equal(vn, strlen("Appli\"cation"));
  assert_memory_equal(v, "Appli\"cation", vn);
  v = lw_event_get(&ev, "sd.examplePriority@32473.class", &vn);
  assert_non_null(v);
  assert_memory_equal(v, "high", 4);
  VAL(&ev, "facility", "local4");
  VAL(&ev, "severity", "notice");
  VAL(&ev, "program", "evntslog");
  /* SD only, no MSG at all */
  /* an unescaped "]" inside a value is accepted (lenient, as rsyslog) */
  assert_int_equal(parse("<14>1 - - - - - [a b=\"]\"]", &s), 0);
  assert_int_equal(parse("<14>1 - - - - - [a b=\"\\]\"]", &s), 0);
  SPAN(s.message, "");
  assert_int_equal(s.ts_ms, 0);
  SPAN(s.host, NULL);
}

static void test_5424_malformed(void **state) {
  (void)state;
  lw_syslog s;
  static const char *bad[] = {
      "<34>1 2003-10-11T22:14:15Z host app - ID47",  /* no SD */
      "<34>1 2003-10-11 22:14:15Z host app - ID47 - x", /* bad time */
      "<34>1 2003-13-11T22:14:15Z host app - ID47 - x", /* month 13 */
      "<34>1 2003-10-11T22:14:15 host app - ID47 - x", /* no offset */
      "<34>1 2003-10-11T22:14:15Z host app - ID47 [x a=\"1\" x", /* SD */
      "<34>1 2003-10-11T22:14:15Z host app - ID47 [x a=1] x",
      "<192>1 - - - - - - x", /* PRI > 191 */
      "<034>1 - - - - - - x", /* leading zero */
      "<34>0 - - - - - - x",  /* version 0 */
      "<34 - - -",
      "",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(parse(bad[i], &s), 1);
    assert_int_equal(s.format, LW_SYSLOG_MALFORMED);
    SPAN(s.message, bad[i]); /* the whole line is kept */
    SPAN(s.host, NULL);
    assert_int_equal(s.pri, -1);
  }
}

/* RFC 3164 §5.4 examples and the BSD forms of log files. */
static void test_3164(void **state) {
  (void)state;
  lw_syslog s;
  assert_int_equal(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed "
                         "for lonvick on /dev/pts/8", &s), 0);
  assert_int_equal(s.format, LW_SYSLOG_3164);
  assert_int_equal(s.pri, 34);
  SPAN(s.host, "mymachine");
  SPAN(s.program, "su");
  SPAN(s.pid, NULL);
  SPAN(s.message, "'su root' failed for lonvick on /dev/pts/8");
  assert_int_equal(s.ts_ms, 1791756855000LL); /* 2026-10-11T22:14:15Z */

  /* no PRI, pid, day padded with a space (loghub Linux) */
  assert_int_equal(parse("Jun  4 15:16:01 combo sshd(pam_unix)[19939]: "
                         "authentication failure; logname= uid=0", &s), 0);
  assert_int_equal(s.pri, -1);
  SPAN(s.host, "combo");
  SPAN(s.program, "sshd(pam_unix)");
  SPAN(s.pid, "19939");
  SPAN(s.message, "authentication failure; logname= uid=0");

  /* no tag: the rest is the message */
  assert_int_equal(parse("Jun 14 15:16:01 combo last message repeated 2 times",
                         &s), 0);
  SPAN(s.host, "combo");
  SPAN(s.program, NULL);
  SPAN(s.message, "last message repeated 2 times");

  /* no host, tag right after the time */
  assert_int_equal(parse("<13>Feb  5 17:32:18 kernel[0]: eth0 up", &s), 0);
  SPAN(s.host, NULL);
  SPAN(s.program, "kernel");
  SPAN(s.pid, "0");

  /* rsyslog high-precision file format */
  assert_int_equal(parse("2026-11-27T05:32:42.123456+01:00 web1 "
                         "postfix/smtpd[811]: connect from x", &s), 0);
  SPAN(s.host, "web1");
  SPAN(s.program, "postfix/smtpd");
  assert_int_equal(s.ts_ms, 1795753962123LL);

  /* PRI alone makes it syslog; CRLF is stripped */
  assert_int_equal(parse("<13>hello world\r\n", &s), 0);
  SPAN(s.message, "hello world");
  assert_int_equal(s.severity, 5);
}

static void test_3164_malformed(void **state) {
  (void)state;
  lw_syslog s;
  static const char *bad[] = {
      "hello world",                      /* no PRI, no time */
      "Jux 14 15:16:01 combo sshd: x",    /* month */
      "Jun 34 15:16:01 combo sshd: x",    /* day */
      "Jun 14 25:16:01 combo sshd: x",    /* hour */
      "Jun 14 15:16 combo sshd: x",       /* no seconds */
      "Jun 14 15:16:01x combo",
      "081109 203615 148 INFO dfs.DataNode: Receiving block", /* HDFS */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(parse(bad[i], &s), 1);
    SPAN(s.message, bad[i]);
  }
}

static void test_fields_and_names(void **state) {
  (void)state;
  lw_syslog s;
  assert_int_equal(parse("<86>Jun 14 15:16:01 combo sshd[42]: Accepted", &s),
                   0);
  lw_field f[16];
  char scr[64];
  size_t n = lw_syslog_fields(&s, f, 16, scr, sizeof scr);
  lw_event ev = {.fields = f, .n_fields = n};
  VAL(&ev, "facility", "authpriv");
  VAL(&ev, "severity", "info");
  VAL(&ev, "pri", "86");
  size_t vn;
  const char *v = lw_event_get(&ev, "pid", &vn);
  assert_int_equal(vn, 2);
  assert_memory_equal(v, "42", 2);
  assert_null(lw_event_get(&ev, "msgid", NULL));
  /* a too small field array is filled, never overrun */
  assert_int_equal(lw_syslog_fields(&s, f, 2, scr, sizeof scr), 2);
  assert_string_equal(lw_syslog_facility_name(99), "");
  assert_string_equal(lw_syslog_severity_name(3), "err");
  /* malformed: only the message */
  assert_int_equal(parse("garbage", &s), 1);
  assert_int_equal(lw_syslog_fields(&s, f, 16, scr, sizeof scr), 1);
  assert_string_equal(f[0].name, "message");
}

/* The current-year variant never places a BSD time a day into the future. */
static void test_year_guess(void **state) {
  (void)state;
  lw_syslog s;
  assert_int_equal(lw_syslog_parse("Dec 31 23:59:59 h p: x", 22, &s), 0);
  assert_true(s.ts_ms <= ((int64_t)time(NULL) + 86400) * 1000);
  assert_true(s.ts_ms > ((int64_t)time(NULL) - 400 * 86400LL) * 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_5424_example1),
      cmocka_unit_test(test_5424_sd),
      cmocka_unit_test(test_5424_malformed),
      cmocka_unit_test(test_3164),
      cmocka_unit_test(test_3164_malformed),
      cmocka_unit_test(test_fields_and_names),
      cmocka_unit_test(test_year_guess),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
