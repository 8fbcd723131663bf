/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/aho.h — Aho-Corasick multi-pattern search over bytes,
 * the prefilter of the Sigma matcher (sigma_match.c): one pass over an
 * event's text names every pattern that occurs in it.
 *
 * Contract: patterns are added, then lw_aho_build() turns the trie into a
 * full DFA over a compressed alphabet (bytes that occur in no pattern share
 * one class), so a scan is one table lookup per input byte. After build the
 * automaton is read-only and may be scanned from several threads. Matching
 * is exact on bytes: callers lower-case patterns and text themselves.
 * Memory: states x classes x 4 bytes; lw_aho_build refuses more than
 * LW_AHO_MAX_CELLS cells (LOTSE_ELIMIT) so a hostile rule set cannot
 * exhaust memory.
 */
#ifndef LOTSE_LOGWATCH_AHO_H
#define LOTSE_LOGWATCH_AHO_H

#include "base/base.h"

#include <stddef.h>
#include <stdint.h>

#define LW_AHO_MAX_CELLS ((size_t)64 << 20)

typedef struct lw_aho lw_aho;

lw_aho *lw_aho_new(void); /* NULL on OOM */
void lw_aho_free(lw_aho *a);
/* Add pattern p[0..len) (len >= 1) reported as id; copies p. Adding after
 * build is refused (LOTSE_EINVAL). */
int lw_aho_add(lw_aho *a, const char *p, size_t len, uint32_t id);
int lw_aho_build(lw_aho *a, lotse_err_t *err);
size_t lw_aho_states(const lw_aho *a);

/* Called once per (occurrence end, pattern); return nonzero to stop. */
typedef int (*lw_aho_cb)(void *ud, uint32_t id, size_t end);
/* Scan text[0..len); returns 1 when the callback stopped it, else 0. */
int lw_aho_scan(const lw_aho *a, const char *text, size_t len, lw_aho_cb cb,
                void *ud);

#endif
