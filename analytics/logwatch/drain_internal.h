/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain_internal.h — the miner's data layout and its two
 * stages, shared by drain.c, drain_parse.c (pipeline) and unit tests only.
 */
#ifndef LOTSE_LOGWATCH_DRAIN_INTERNAL_H
#define LOTSE_LOGWATCH_DRAIN_INTERNAL_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include "analytics/logwatch/drain.h"

#include <pcre2.h>

typedef struct lw_mask {
  pcre2_code *re;
  int jit;
} lw_mask;

/* Per-thread state of the first stage (masks + tokens): one lw_drain's
 * masks may be applied by several threads, each with its own scratch. */
typedef struct lw_drain_scratch {
  pcre2_match_data *md;
  char *mbuf[2];
  size_t mcap[2];
  char *tbuf; /* masked tokens */
  size_t tbcap;
  const char **tp; /* LW_DRAIN_MAX_TOKENS each */
  uint32_t *tl;
  uint8_t *tv;
} lw_drain_scratch;

typedef struct lw_node {
  uint32_t star;   /* wildcard child, 0: none */
  size_t nchild;   /* all children, wildcard included */
  uint32_t *cl;    /* clusters (leaf only) */
  size_t ncl, clcap;
} lw_node;

typedef struct lw_edge {
  uint64_t h;
  uint32_t parent, child; /* child 0: empty slot */
  uint32_t off, len;      /* token bytes in the arena */
} lw_edge;

typedef struct lw_cluster {
  uint32_t ntok;
  const char **tok; /* into text, or the static "<*>" between updates */
  uint32_t *tl;
  uint8_t *var;     /* lw_mask_is_var of each token */
  char *text;       /* tokens joined by one space */
  uint64_t size;
} lw_cluster;

struct lw_drain {
  int depth, max_children;
  unsigned flags;
  double st;
  lw_mask *masks;
  size_t n_masks;
  pcre2_match_context *mc; /* shared read-only by every scratch */
  lw_drain_scratch sc;      /* lw_drain_add's own */
  const char **tp; /* tokens of the current line */
  uint32_t *tl;
  uint8_t *tv;     /* 1: token is a variable (lw_mask_is_var; classic: "<*>") */
  lw_node *nodes;
  size_t nnodes, ncap;
  lw_edge *edges;
  size_t nedges, ecap;
  char *arena;
  size_t alen, acap;
  uint32_t *len_node;
  size_t lencap;
  lw_cluster **cl; /* cl[1..ncl] */
  size_t ncl, clcap;
};

/* Stage 1, thread-safe for distinct scratches: mask and split content into
 * s->tp/tl/tv; returns the token count or LOTSE_ETOOBIG / LOTSE_ENOMEM. */
int lw_drain_scratch_init(lw_drain_scratch *s);
void lw_drain_scratch_release(lw_drain_scratch *s);
long lw_drain_prepare(const lw_drain *d, lw_drain_scratch *s,
                      const char *content, size_t len);
/* Stage 2, one thread: learn a prepared token list (the arrays are copied
 * before use, the bytes only read). */
int lw_drain_learn(lw_drain *d, size_t ntok, const char *const *tp,
                   const uint32_t *tl, const uint8_t *tv,
                   uint32_t *cluster_id, int *is_new);

#endif
