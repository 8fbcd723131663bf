/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/ingest.h — the ingestion pipeline: sources (files,
 * stdin, journald export files, syslog over UDP/TCP) → lw_event (syslog,
 * JSON lines, journald, or plain lines with a header pattern) → template
 * miner (one lw_drain per source, seeded from logwatch.db so template ids
 * stay stable) → lw_store (counters, templates, malformed lines).
 *
 * Contract: file and stdin sources are ingested in ONE transaction: a run
 * that fails (unreadable file, store error, callback error) changes nothing
 * stored. Listeners commit a batch every LW_INGEST_BATCH events or second.
 * The run ends at the end of all inputs, after max_events events, or when
 * *stop becomes non-zero (signal handler) — listeners then commit what they
 * have and return 0.
 *
 * Per-event callback: on_event sees every event in input order, after
 * template mining, with the source's stable template id and text (for a
 * malformed line template_id is 0 and template_text NULL); it must not keep
 * pointers into ev after returning. ev->source is the source's name in the
 * store (see lw_source_spec.name), ev->line the record number within its
 * file (empty lines count, they are not records) or listener. on_commit runs inside each batch
 * transaction just before COMMIT (write alerts through lw_store_db); a
 * non-zero return rolls the batch back and fails the run.
 */
#ifndef LOTSE_LOGWATCH_INGEST_H
#define LOTSE_LOGWATCH_INGEST_H

#include "analytics/logwatch/event.h"
#include "analytics/logwatch/lwstore.h"
#include "base/base.h"

#include <signal.h>
#include <stdint.h>

#define LW_INGEST_BATCH 1000

typedef enum lw_input {
  LW_INPUT_AUTO = 0, /* by content of the first line: '{' jsonl, KEY=… journald,
                        syslog when it parses as syslog, else lines */
  LW_INPUT_LINES,    /* plain lines, optional header pattern (format) */
  LW_INPUT_SYSLOG,
  LW_INPUT_JSONL,
  LW_INPUT_JOURNALD
} lw_input;

/* "auto", "lines", "syslog", "jsonl", "journald" → value; -1 when unknown. */
int lw_input_parse(const char *name);
const char *lw_input_name(int input);

typedef struct lw_source_spec {
  const char *path;   /* file, "-" for stdin; NULL for a listener */
  const char *listen; /* "udp:PORT" or "tcp:PORT" (listeners parse syslog) */
  const char *name;   /* source name in the store; NULL: the absolute path,
                         "stdin", or the listen string. Specs with the same
                         name share one source (one miner, one id space) */
  int input;          /* lw_input */
  const char *format; /* header pattern for LW_INPUT_LINES, NULL: none */
} lw_source_spec;

typedef void (*lw_on_event_fn)(void *ud, const lw_event *ev,
                               uint32_t template_id, const char *template_text,
                               int is_new_template);
typedef int (*lw_on_commit_fn)(void *ud, lw_store *st, lotse_err_t *err);

struct lw_drain_opts; /* analytics/logwatch/drain.h */

typedef struct lw_ingest_opts {
  const struct lw_drain_opts *drain; /* NULL: the miner's defaults */
  const char *bind_addr;             /* listeners; NULL: 127.0.0.1 */
  uint64_t max_events;               /* 0: no limit */
  size_t malformed_keep;             /* 0: LW_STORE_MALFORMED_KEEP */
  const char *message_field;         /* JSON: field with the text */
  volatile sig_atomic_t *stop;       /* may be NULL */
  lw_on_event_fn on_event;           /* may be NULL */
  lw_on_commit_fn on_commit;         /* may be NULL */
  void *ud;
  /* Called once when every listener is bound (tests wait for it). */
  void (*on_listening)(void *ud, const char *listen, int port);
} lw_ingest_opts;

typedef struct lw_ingest_stats {
  uint64_t lines;     /* lines, datagrams, frames or journal entries */
  uint64_t events;    /* parsed events */
  uint64_t malformed; /* kept as malformed */
  uint64_t new_templates;
  uint64_t templates; /* templates of the sources after the run */
} lw_ingest_stats;

/* "udp:514" / "tcp:6514" → proto 'u' or 't' and the port (0: any free
 * port, reported through on_listening); LOTSE_EINVAL with a German message
 * otherwise (source_net.c). */
int lw_listen_parse(const char *spec, int *proto, int *port,
                    lotse_err_t *err);

int lw_ingest_run(lw_store *st, const lw_source_spec *src, size_t n_src,
                  const lw_ingest_opts *o, lw_ingest_stats *stats,
                  lotse_err_t *err);

#endif
