/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain_parse.h — batch parsing of a whole log buffer
 * (`lotse logwatch parse`, eval/loghub.c): lines → header pattern →
 * template miner, then the structured CSV "LineId,EventId,EventTemplate"
 * that loghub/logparser tooling reads.
 *
 * Contract: a line that does not match the format is counted in
 * `malformed` and gets no row; LineId is the physical line number (1-based),
 * so it equals logparser's LineId when every line matches. EventId is
 * "E" + the first 8 hex digits of SHA-256 of the final template text, so
 * equal templates share an id and ids are stable across runs and files.
 */
#ifndef LOTSE_LOGWATCH_DRAIN_PARSE_H
#define LOTSE_LOGWATCH_DRAIN_PARSE_H

#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/format.h"

#include <stdio.h>

typedef struct lw_parse_out {
  uint32_t *ids;      /* cluster id of each matched line */
  uint64_t *lines;    /* its physical line number */
  size_t n, cap;
  uint64_t total_lines, malformed;
} lw_parse_out;

/* Learn every line of buf[0..len) (f NULL: the whole line is the content)
 * and record its cluster. Rows are appended to out. Inputs of 1 MiB and
 * more run as a pipeline of two threads (format, masks and tokens in one,
 * the tree in the caller's), with the same result as one thread. f is used
 * by one thread at a time either way. */
int lw_drain_parse(lw_drain *d, const lw_format *f, const char *buf,
                   size_t len, lw_parse_out *out, lotse_err_t *err);
/* The same with the choice made: threads 1 = one thread, 2 = pipeline. */
int lw_drain_parse_threads(lw_drain *d, const lw_format *f, const char *buf,
                           size_t len, int threads, lw_parse_out *out,
                           lotse_err_t *err);
void lw_parse_out_release(lw_parse_out *o);

/* The CSV with header; final templates. LOTSE_EIO when writing fails. */
int lw_drain_write_csv(const lw_drain *d, const lw_parse_out *o, FILE *fp,
                       lotse_err_t *err);

/* "EventId,EventTemplate,Occurrences" (loghub's *_templates.csv): one row
 * per distinct template (clusters with equal text summed), in the order the
 * templates first appeared. */
int lw_drain_write_templates(const lw_drain *d, FILE *fp, lotse_err_t *err);

/* "E" + 8 hex digits of SHA-256(template): id[10]. */
void lw_drain_event_id(const char *template_text, char id[10]);

#endif
