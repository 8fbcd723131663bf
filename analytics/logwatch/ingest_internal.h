/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/ingest_internal.h — what the pipeline (ingest.c) and
 * the network listeners (source_net.c) share: the per-source state and the
 * run that feeds records into it.
 */
#ifndef LOTSE_LOGWATCH_INGEST_INTERNAL_H
#define LOTSE_LOGWATCH_INGEST_INTERNAL_H

#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/format.h"
#include "analytics/logwatch/ingest.h"
#include "analytics/logwatch/journald.h"
#include "analytics/logwatch/jsonl.h"

#define LW_INGEST_MAX_LINE (1u << 20) /* longer records are malformed */
#define LW_INGEST_MAX_FIELDS 256      /* fields of a syslog/format event */

/* A template of one source: drain cluster id → stable store id. */
typedef struct lw_tmpl {
  int64_t store_id; /* 0: not yet known */
  uint64_t pending; /* events since the last commit */
  int64_t first_ms, last_ms;
} lw_tmpl;

typedef struct lw_src {
  char *name;  /* store name; owned */
  int input;   /* lw_input (never AUTO once the first record decided) */
  int64_t id;  /* sources.id */
  lw_drain *drain;
  lw_tmpl *t;  /* indexed by drain cluster id */
  size_t n_t;
  int64_t next_tid;
  lw_format *fmt;      /* LW_INPUT_LINES with a header pattern */
  lw_jsonl *jsonl;     /* LW_INPUT_JSONL */
  lw_journald *jd;     /* LW_INPUT_JOURNALD */
  uint64_t line;       /* record number within the current input */
  uint64_t lines, events, malformed; /* since the last commit */
} lw_src;

typedef struct lw_run {
  lw_store *st;
  const lw_ingest_opts *o;
  lw_ingest_stats *stats;
  lotse_err_t *err;
  lw_field fields[LW_INGEST_MAX_FIELDS];
  char scratch[8192];
  uint64_t records; /* events + malformed of the whole run */
} lw_run;

/* One record (line, datagram, frame) of source s; 0 or LOTSE_E…. */
int lw_run_record(lw_run *r, lw_src *s, const char *p, size_t n);
/* Write pending counters/templates, on_commit, COMMIT, BEGIN again when
 * reopen. */
int lw_run_commit(lw_run *r, lw_src *const *srcs, size_t n, int reopen);
/* max_events reached or *stop set. */
int lw_run_done(const lw_run *r);

/* source_net.c: serve the listeners (specs/srcs, n) until lw_run_done;
 * commits batches of all n_all sources (the first commit also holds what
 * the file sources read, so a listener that cannot bind fails the run). */
int lw_net_serve(lw_run *r, const lw_source_spec *const *specs,
                 lw_src *const *srcs, size_t n, lw_src *const *all,
                 size_t n_all);

#endif
