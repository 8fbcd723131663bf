/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain.h — online log template mining with a
 * fixed-depth parse tree (Drain: He, Zhu, Zheng, Lyu, ICWS 2017).
 *
 * A message is masked (each mask regex, in order, replaces its matches with
 * "<*>"), split at whitespace into tokens, each token masked by the
 * built-in rules of mask.h (numbers, hex) and runs of "<*>" tokens joined
 * into one (not with LW_DRAIN_CLASSIC), routed by token count and the
 * first depth-2 tokens (tokens with digits go to a "<*>" branch) to a leaf,
 * and joined to the most similar cluster there when the share of equal
 * tokens exceeds st (classic: reaches st; not classic, positions where both
 * hold a variable are left out of the share); the cluster's template then
 * turns differing tokens into "<*>". Otherwise a new cluster starts.
 *
 * Cluster ids are dense and start at 1 (0 is never a cluster); they do not
 * change during the life of an lw_drain. Templates are tokens joined by one
 * space, "<*>" for variable parts.
 * Threads: one lw_drain is used by one thread at a time.
 */
#ifndef LOTSE_LOGWATCH_DRAIN_H
#define LOTSE_LOGWATCH_DRAIN_H

#include "base/base.h"

#include <stddef.h>
#include <stdint.h>

/* Zero members take the defaults (depth 4, st 0.4, max_children 100). */
typedef struct lw_drain_opts {
  int depth;                 /* tree depth incl. root and length layer, >= 3 */
  double st;                 /* similarity threshold, 0 < st <= 1 */
  const char *const *masks;  /* PCRE2 patterns, applied in order */
  size_t n_masks;
  int max_children;          /* children per inner node, >= 2 */
  unsigned flags;            /* LW_DRAIN_* */
} lw_drain_opts;

/* Exactly logparser's Drain: no built-in token masking (mask.h) and none of
 * the merging rules; for comparisons with the published figures. */
#define LW_DRAIN_CLASSIC 1u

typedef struct lw_drain lw_drain;

/* NULL on a bad regex or option (err says which) or out of memory. */
lw_drain *lw_drain_new(const lw_drain_opts *o, lotse_err_t *err);

/* Learn one message (len bytes, need not be NUL-terminated). 0 or
 * LOTSE_ENOMEM / LOTSE_ETOOBIG (message over LW_DRAIN_MAX_MSG bytes after
 * masking, or too many tokens). *is_new = 1 when a cluster was created. */
int lw_drain_add(lw_drain *d, const char *content, size_t len,
                 uint32_t *cluster_id, int *is_new);

/* Restore a cluster from a stored template ("<*>" for variable parts) with
 * its count; a template equal to an existing one adds to that cluster. */
int lw_drain_seed(lw_drain *d, const char *template_text, uint64_t count,
                  uint32_t *cluster_id);

size_t lw_drain_count(const lw_drain *d);                     /* clusters */
/* The cluster's template, NULL for a bad id. Valid until the next
 * lw_drain_add / lw_drain_seed (which may generalise it): copy to keep. */
const char *lw_drain_template(const lw_drain *d, uint32_t id);
uint64_t lw_drain_size(const lw_drain *d, uint32_t id);       /* 0: bad id */
void lw_drain_free(lw_drain *d); /* NULL is a no-op */

#define LW_DRAIN_MAX_MSG (64u * 1024u)
#define LW_DRAIN_MAX_TOKENS 4096u

#endif
