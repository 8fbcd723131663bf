/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/threadpool.c — persistent workers, a job generation counter and a
 * counting barrier, both waited on by spinning briefly and then sleeping
 * on a Linux futex.
 *
 * Invariants: (1) job_gen changes exactly once per llm_tp_run and workers
 * run the job of the generation they observed; (2) bar_count is reset to
 * 0 before bar_gen advances, so a thread that saw the new generation
 * counts into the next barrier; (3) every sleeper registers in a waiter
 * count before its futex wait re-checks the word, and the waker reads that
 * count after changing the word (both sequentially consistent), so no
 * wake-up is lost.
 */
#include "llm/threadpool.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How long a waiter spins before it sleeps. Inside a forward pass the
 * other threads arrive within microseconds; between passes they sleep. */
#define SPIN_BARRIER_NS 30000
#define SPIN_JOB_NS 100000

typedef struct worker {
  llm_tp_t *tp;
  int ith;
  pthread_t th;
} worker_t;

struct llm_tp {
  int n;
  worker_t *w;
  llm_tp_fn fn;
  void *arg;
  _Atomic uint32_t job_gen;
  _Atomic uint32_t job_waiters;
  _Atomic uint32_t n_done;
  _Atomic uint32_t done_waiters;
  _Atomic int stop;
  _Atomic uint32_t bar_count;
  _Atomic uint32_t bar_gen;
  _Atomic uint32_t bar_waiters;
  _Atomic uint32_t cnt_waiters;
};

/* ------------------------------------------------------------ waiting */

static void futex_wait(_Atomic uint32_t *addr, uint32_t expect) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expect, NULL,
          NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *addr) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
          NULL, 0);
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait until *word != old: spin for up to spin_ns, then sleep. */
static void wait_change(_Atomic uint32_t *word, uint32_t old,
                        _Atomic uint32_t *waiters, int64_t spin_ns) {
  int64_t t0 = 0;
  for (unsigned i = 1;; i++) {
    if (atomic_load_explicit(word, memory_order_acquire) != old) return;
    cpu_relax();
    if ((i & 63) == 0) {
      int64_t t = now_ns();
      if (!t0) t0 = t;
      else if (t - t0 > spin_ns) break;
    }
  }
  atomic_fetch_add(waiters, 1);
  while (atomic_load(word) == old) futex_wait(word, old);
  atomic_fetch_sub(waiters, 1);
}

/* Wait until *word == want (a counter that only grows toward it). */
static void wait_value(_Atomic uint32_t *word, uint32_t want,
                       _Atomic uint32_t *waiters, int64_t spin_ns) {
  for (;;) {
    uint32_t v = atomic_load_explicit(word, memory_order_acquire);
    if (v == want) return;
    wait_change(word, v, waiters, spin_ns);
  }
}

/* ------------------------------------------------------------ barrier */

void llm_tp_barrier(llm_tp_t *tp) {
  if (tp->n == 1) return;
  uint32_t gen = atomic_load(&tp->bar_gen);
  if (atomic_fetch_add(&tp->bar_count, 1) == (uint32_t)tp->n - 1) {
    atomic_store(&tp->bar_count, 0);
    atomic_fetch_add(&tp->bar_gen, 1);
    if (atomic_load(&tp->bar_waiters)) futex_wake_all(&tp->bar_gen);
    return;
  }
  wait_change(&tp->bar_gen, gen, &tp->bar_waiters, SPIN_BARRIER_NS);
}

/* ------------------------------------------------------------ counters */

void llm_tp_wait_ge(llm_tp_t *tp, _Atomic uint32_t *word, uint32_t want) {
  for (;;) {
    uint32_t v = atomic_load_explicit(word, memory_order_acquire);
    if (v >= want) return;
    wait_change(word, v, &tp->cnt_waiters, SPIN_BARRIER_NS);
  }
}

void llm_tp_post(llm_tp_t *tp, _Atomic uint32_t *word) {
  if (atomic_load(&tp->cnt_waiters)) futex_wake_all(word);
}

/* ------------------------------------------------------------ workers */

static void *worker_main(void *p) {
  worker_t *w = p;
  llm_tp_t *tp = w->tp;
  uint32_t seen = 0;
  for (;;) {
    wait_change(&tp->job_gen, seen, &tp->job_waiters, SPIN_JOB_NS);
    seen = atomic_load(&tp->job_gen);
    if (atomic_load(&tp->stop)) break;
    tp->fn(tp->arg, w->ith, tp->n);
    atomic_fetch_add(&tp->n_done, 1);
    if (atomic_load(&tp->done_waiters)) futex_wake_all(&tp->n_done);
  }
  return NULL;
}

void llm_tp_run(llm_tp_t *tp, llm_tp_fn fn, void *arg) {
  if (tp->n == 1) {
    fn(arg, 0, 1);
    return;
  }
  tp->fn = fn;
  tp->arg = arg;
  atomic_store(&tp->n_done, 0);
  atomic_fetch_add(&tp->job_gen, 1);
  if (atomic_load(&tp->job_waiters)) futex_wake_all(&tp->job_gen);
  fn(arg, 0, tp->n);
  wait_value(&tp->n_done, (uint32_t)tp->n - 1, &tp->done_waiters,
             SPIN_BARRIER_NS);
}

/* ------------------------------------------------------------ lifecycle */

static void stop_workers(llm_tp_t *tp, int started) {
  atomic_store(&tp->stop, 1);
  atomic_fetch_add(&tp->job_gen, 1);
  futex_wake_all(&tp->job_gen);
  for (int i = 1; i < started; i++) pthread_join(tp->w[i].th, NULL);
}

llm_tp_t *llm_tp_new(int n) {
  if (n < 1) n = 1;
  llm_tp_t *tp = calloc(1, sizeof *tp);
  if (!tp) return NULL;
  tp->n = n;
  tp->w = calloc((size_t)n, sizeof *tp->w);
  if (!tp->w) {
    free(tp);
    return NULL;
  }
  for (int i = 1; i < n; i++) {
    tp->w[i].tp = tp;
    tp->w[i].ith = i;
    if (pthread_create(&tp->w[i].th, NULL, worker_main, &tp->w[i]) != 0) {
      stop_workers(tp, i);
      free(tp->w);
      free(tp);
      return NULL;
    }
  }
  return tp;
}

void llm_tp_free(llm_tp_t *tp) {
  if (!tp) return;
  stop_workers(tp, tp->n);
  free(tp->w);
  free(tp);
}

int llm_tp_size(const llm_tp_t *tp) { return tp->n; }
