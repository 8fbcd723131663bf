/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/format.h — header patterns for plain log lines, in the
 * notation of loghub/logparser: "<Date> <Time> <Level> <Component>: <Content>".
 *
 * Contract: each <Name> is a field (lazy, any characters); the text between
 * fields is a PCRE2 regular-expression fragment (so "\\[<Pid>\\]" and
 * "(\\[<PID>\\])?" work as in the published loghub settings) in which every
 * run of spaces matches one or more whitespace characters. The whole
 * (whitespace-trimmed) line must match. <Content> is the free text that
 * template mining sees; without it the whole trimmed line is the content.
 * Field names: 1..63 characters of [A-Za-z0-9_], at most LW_FORMAT_MAX_FIELDS,
 * no duplicates.
 * Threads: lw_format_match() keeps its match state in the lw_format; use one
 * lw_format per thread.
 */
#ifndef LOTSE_LOGWATCH_FORMAT_H
#define LOTSE_LOGWATCH_FORMAT_H

#include "analytics/logwatch/event.h"
#include "base/base.h"

#include <stddef.h>

#define LW_FORMAT_MAX_FIELDS 32
/* PCRE2 match limit per line: every line of the ten loghub 2k sets needs
 * < 10,000 steps; a line over the limit is malformed (lw_format_match 0),
 * so a hostile line costs at most ~0.1 ms instead of milliseconds. */
#define LW_FORMAT_MATCH_LIMIT 100000u

typedef struct lw_format lw_format;

/* Compile pattern; LOTSE_EINVAL with a message on a bad pattern. */
int lw_format_compile(const char *pattern, lw_format **out, lotse_err_t *err);

/* 1 matched, 0 not matched (malformed line), <0 error. fields point into
 * line (names into f); at most cap are filled, *n says how many. *content =
 * the <Content> field (whole trimmed line when the format has no
 * <Content>). fields may be NULL when cap is 0; n, content, content_len may
 * be NULL. */
int lw_format_match(const lw_format *f, const char *line, size_t len,
                    lw_field *fields, size_t cap, size_t *n,
                    const char **content, size_t *content_len);

size_t lw_format_nfields(const lw_format *f);
const char *lw_format_field_name(const lw_format *f, size_t i); /* NULL past end */
void lw_format_free(lw_format *f); /* NULL is a no-op */

#endif
