/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch_syslog.c — libFuzzer harness for the syslog
 * parser (analytics/logwatch/syslog.h, RFC 5424 and RFC 3164).
 *
 * Properties checked on every input (an exact-size heap copy, so ASan sees
 * any read past the line):
 *   - the result is 0 (parsed) or 1 (malformed), and parsing is repeatable;
 *   - malformed: format LW_SYSLOG_MALFORMED, message = the whole line
 *     without trailing CR/LF, every other span absent, pri/facility/
 *     severity -1;
 *   - parsed: format 5424 or 3164, every span inside the line, pri in
 *     -1..191 with facility = pri / 8 and severity = pri % 8;
 *   - lw_syslog_fields stays within its field and scratch capacity, every
 *     value lies in the line or the scratch buffer;
 *   - lines that cannot be syslog are reported malformed: the input behind
 *     a control byte, and behind a PRI over 191.
 * Build and run: scripts/fuzz-logwatch.sh.
 */
#include "analytics/logwatch/syslog.h"
#include "tests/fuzz/fuzz_logwatch.h"

static size_t stripped(const char *p, size_t n) {
  while (n && (p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
  return n;
}

static void check_malformed(const lw_syslog *s, const char *line, size_t len) {
  FZ_CHECK(s->format == LW_SYSLOG_MALFORMED, "malformed has no format");
  FZ_CHECK(s->message.p == line && s->message.n == stripped(line, len),
           "malformed message is the whole line");
  FZ_CHECK(!s->timestamp.p && !s->host.p && !s->program.p && !s->pid.p &&
               !s->msgid.p && !s->sd.p,
           "malformed has no other span");
  FZ_CHECK(s->pri == -1 && s->facility == -1 && s->severity == -1,
           "malformed has no priority");
}

static void check_parsed(const lw_syslog *s, const char *line, size_t len) {
  FZ_CHECK(s->format == LW_SYSLOG_5424 || s->format == LW_SYSLOG_3164,
           "parsed line has a format");
  const lw_span *sp[] = {&s->timestamp, &s->host, &s->program, &s->pid,
                         &s->msgid,     &s->sd,   &s->message};
  for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
    FZ_CHECK(fz_inside(sp[i]->p, sp[i]->n, line, len), "span inside line");
  FZ_CHECK(s->pri >= -1 && s->pri <= 191, "pri range");
  if (s->pri >= 0)
    FZ_CHECK(s->facility == s->pri / 8 && s->severity == s->pri % 8,
             "facility and severity follow pri");
  else
    FZ_CHECK(s->facility == -1 && s->severity == -1, "no pri, no facility");
}

static int static_name(const lw_syslog *s, const char *v) {
  return v == lw_syslog_facility_name(s->facility) ||
         v == lw_syslog_severity_name(s->severity);
}

/* Every capacity of fields and of scratch (an exact-size heap buffer, so
 * ASan catches a write past it). */
static void check_fields(const lw_syslog *s, const char *line, size_t len) {
  static const size_t scaps[] = {0, 1, 7, 40, 512};
  lw_field f[64];
  for (size_t k = 0; k < sizeof scaps / sizeof *scaps; k++) {
    size_t scap = scaps[k];
    char *scr = malloc(scap ? scap : 1);
    FZ_CHECK(scr != NULL, "memory");
    for (size_t cap = 0; cap <= 64; cap += 16) {
      size_t n = lw_syslog_fields(s, f, cap, scr, scap);
      FZ_CHECK(n <= cap, "fields within capacity");
      for (size_t i = 0; i < n; i++) {
        FZ_CHECK(f[i].name && f[i].name[0], "field has a name");
        FZ_CHECK(fz_inside(f[i].value, f[i].value_len, line, len) ||
                     fz_inside(f[i].value, f[i].value_len + 1, scr, scap) ||
                     static_name(s, f[i].value),
                 "field value in line, scratch or a keyword");
        if (fz_inside(f[i].value, f[i].value_len + 1, scr, scap))
          FZ_CHECK(f[i].value[f[i].value_len] == 0, "scratch value ends");
      }
    }
    free(scr);
  }
}

static int parse_checked(const char *line, size_t len) {
  lw_syslog s, again;
  int rc = lw_syslog_parse_year(line, len, 2024, &s);
  FZ_CHECK(rc == 0 || rc == 1, "result is 0 or 1");
  FZ_CHECK(lw_syslog_parse_year(line, len, 2024, &again) == rc &&
               again.format == s.format && again.message.n == s.message.n &&
               again.ts_ms == s.ts_ms,
           "parsing is repeatable");
  if (rc == 1)
    check_malformed(&s, line, len);
  else
    check_parsed(&s, line, len);
  check_fields(&s, line, len);
  FZ_CHECK(lw_syslog_parse(line, len, &again) == rc, "year does not decide");
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *line = fz_dup(data, size, 0, NULL);
  parse_checked(line, size);
  free(line);
  /* A control byte cannot start a PRI, a timestamp or a 5424 header. */
  line = fz_dup(data, size, 1, "\x01");
  FZ_CHECK(parse_checked(line, size + 1) == 1, "control byte -> malformed");
  free(line);
  line = fz_dup(data, size, 5, "<192>");
  FZ_CHECK(parse_checked(line, size + 5) == 1, "PRI over 191 -> malformed");
  free(line);
  return 0;
}
