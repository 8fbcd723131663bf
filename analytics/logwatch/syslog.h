/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/syslog.h — syslog messages: RFC 5424 (structured data,
 * NILVALUE "-", UTF-8 BOM before MSG) and RFC 3164 / BSD
 * (`<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`), the BSD form also without
 * <PRI> and with an ISO 8601 timestamp as log files written by rsyslog and
 * syslog-ng contain them.
 *
 * Contract: lw_syslog_parse() never allocates; every span points into the
 * caller's line. It returns 0 (parsed) or 1 (malformed: `message` is then
 * the whole line, every other span empty). A malformed line is data, not an
 * error: callers count and keep it.
 *
 * Field names an event gets (lw_syslog_fields, documented for users in
 * docs/cli/logwatch-ingest.md): host, program, pid, facility, severity
 * (RFC 5424 keywords: "auth", "err" …), pri, version, timestamp, msgid,
 * message, and each structured-data parameter as `sd.<SD-ID>.<PARAM>`
 * (unescaped).
 */
#ifndef LOTSE_LOGWATCH_SYSLOG_H
#define LOTSE_LOGWATCH_SYSLOG_H

#include "analytics/logwatch/event.h"

#include <stddef.h>
#include <stdint.h>

enum { LW_SYSLOG_MALFORMED = 0, LW_SYSLOG_5424 = 5424, LW_SYSLOG_3164 = 3164 };

typedef struct lw_span {
  const char *p; /* NULL when absent */
  size_t n;
} lw_span;

typedef struct lw_syslog {
  int format;    /* LW_SYSLOG_5424, LW_SYSLOG_3164, LW_SYSLOG_MALFORMED */
  int pri;       /* 0..191, -1 when the line had no <PRI> */
  int facility;  /* pri / 8, -1 when absent */
  int severity;  /* pri % 8, -1 when absent */
  int version;   /* RFC 5424 VERSION, 0 for BSD */
  int64_t ts_ms; /* ms since the epoch (UTC), 0 when unknown/NILVALUE */
  lw_span timestamp, host, program, pid, msgid;
  lw_span sd;      /* raw STRUCTURED-DATA ("[id k=\"v\"]..."), RFC 5424 */
  lw_span message; /* MSG without BOM; whole line when malformed */
} lw_syslog;

/* Parse one line (no trailing newline needed; "\r\n" is stripped).
 * Returns 0 or 1 (malformed). BSD timestamps have no year: the current
 * UTC year is assumed, or the previous one when that lies more than a day
 * in the future (lw_syslog_parse_year fixes the year for tests). */
int lw_syslog_parse(const char *line, size_t len, lw_syslog *out);
int lw_syslog_parse_year(const char *line, size_t len, int year,
                         lw_syslog *out);

/* RFC 5424 keyword of a facility (0..23) / severity (0..7); "" otherwise. */
const char *lw_syslog_facility_name(int facility);
const char *lw_syslog_severity_name(int severity);

/* Fill fields[0..cap) with the named fields of s (see the header comment);
 * values that need unescaping or formatting are written into scratch
 * (scratch_cap bytes; fields whose value does not fit are left out).
 * Returns the number of fields written. Spans of s stay borrowed. */
size_t lw_syslog_fields(const lw_syslog *s, lw_field *fields, size_t cap,
                        char *scratch, size_t scratch_cap);

#endif
