/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/threadpool.h — persistent worker threads for the forward pass.
 *
 * Contract: llm_tp_run(tp, fn, arg) calls fn(arg, ith, nth) once on every
 * thread, ith in [0, nth); the calling thread is worker 0, so a pool of n
 * threads starts n - 1. It returns when every call has returned. Inside fn,
 * llm_tp_barrier() waits until all nth threads reached it (every thread
 * must call it equally often). Waiting threads spin briefly, then sleep on
 * a futex, so a busy neighbour on a small machine is not starved.
 * One run at a time per pool; the pool is not thread-safe otherwise.
 */
#ifndef LOTSE_LLM_THREADPOOL_H
#define LOTSE_LLM_THREADPOOL_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct llm_tp llm_tp_t;
typedef void (*llm_tp_fn)(void *arg, int ith, int nth);

/* NULL on failure (out of memory, thread creation). n < 1 means 1. */
llm_tp_t *llm_tp_new(int n);
void llm_tp_free(llm_tp_t *tp);
int llm_tp_size(const llm_tp_t *tp);
void llm_tp_run(llm_tp_t *tp, llm_tp_fn fn, void *arg);
void llm_tp_barrier(llm_tp_t *tp);

/* Completion counters, for work that needs no barrier: wait until
 * *word >= want (spinning briefly, then sleeping); whoever raises a word
 * calls llm_tp_post afterwards so sleepers re-check it. */
void llm_tp_wait_ge(llm_tp_t *tp, _Atomic uint32_t *word, uint32_t want);
void llm_tp_post(llm_tp_t *tp, _Atomic uint32_t *word);

/* Contiguous share [*i0, *i1) of n items for thread ith of nth. */
static inline void llm_tp_split(int64_t n, int ith, int nth, int64_t *i0,
                                int64_t *i1) {
  *i0 = n * ith / nth;
  *i1 = n * (ith + 1) / nth;
}

#endif
