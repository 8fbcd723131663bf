/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/event.h — one log event as every logwatch stage sees it:
 * ingestion (sources, syslog, JSON lines, journald) produces it, template
 * mining reads `message`, Sigma matches on `fields`, anomaly detection keeps
 * `source`/`line` as evidence. Strings are borrowed (not NUL-terminated
 * unless said); the producer owns the memory until the callback returns.
 */
#ifndef LOTSE_LOGWATCH_EVENT_H
#define LOTSE_LOGWATCH_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct lw_field {
  const char *name; /* e.g. "Image", "host", "EventID"; NUL-terminated */
  const char *value;
  size_t value_len;
} lw_field;

typedef struct lw_event {
  const char *source;   /* file path, "-", "udp:5514", "tcp:5514" */
  uint64_t line;        /* 1-based line (or datagram/record) number */
  int64_t ts_ms;        /* event time in ms since the epoch, 0 if unknown */
  const char *message;  /* free-text content that template mining sees */
  size_t message_len;
  const lw_field *fields; /* header fields, syslog fields, flattened JSON */
  size_t n_fields;
  int malformed;        /* did not match its format; kept and counted */
} lw_event;

/* The value of field name (exact, case-sensitive), NULL when absent. */
static inline const char *lw_event_get(const lw_event *ev, const char *name,
                                       size_t *len) {
  for (size_t i = 0; i < ev->n_fields; i++)
    if (strcmp(ev->fields[i].name, name) == 0) {
      if (len) *len = ev->fields[i].value_len;
      return ev->fields[i].value;
    }
  return NULL;
}

#endif
