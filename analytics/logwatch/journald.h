/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/journald.h — the systemd journal export format
 * (`journalctl -o export`): entries of `KEY=value` lines, binary-safe
 * fields as `KEY\n<64-bit little-endian length><bytes>\n`, a blank line
 * between entries.
 *
 * Field names: every journal field under its own name (MESSAGE,
 * _HOSTNAME, SYSLOG_IDENTIFIER, _PID, PRIORITY, __REALTIME_TIMESTAMP …)
 * plus the common logwatch names host, program, pid, severity (keyword),
 * facility (keyword) and message, so Sigma rules and templates see journal
 * entries like syslog lines.
 *
 * Contract: lw_journald_read returns 0 (one entry, *fields valid until the
 * next call), 1 (malformed entry: skipped up to its blank line, counted by
 * the caller; *fields is empty), 2 (end of input) or a negative LOTSE_E…
 * (read error, out of memory). A binary field longer than
 * LW_JOURNALD_MAX_FIELD makes its entry malformed.
 */
#ifndef LOTSE_LOGWATCH_JOURNALD_H
#define LOTSE_LOGWATCH_JOURNALD_H

#include "analytics/logwatch/event.h"

#include <stdint.h>
#include <stdio.h>

#define LW_JOURNALD_MAX_FIELD (16u << 20)
#define LW_JOURNALD_MAX_FIELDS 1024

typedef struct lw_journald lw_journald;

lw_journald *lw_journald_new(void); /* NULL on OOM */
void lw_journald_free(lw_journald *j);

int lw_journald_read(lw_journald *j, FILE *in, const lw_field **fields,
                     size_t *n);
/* __REALTIME_TIMESTAMP of the last entry in ms, 0 when absent. */
int64_t lw_journald_ts_ms(const lw_journald *j);

#endif
