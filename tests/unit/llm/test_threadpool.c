/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_threadpool.c — every task index runs exactly once per
 * round, barriers order the phases, pools of 1..4 threads, long rounds
 * that make workers fall asleep in between.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "testutil.h"

#include "llm/threadpool.h"

#define N_TASKS 1000

typedef struct job {
  llm_tp_t *tp;
  _Atomic int count[N_TASKS];
  int phase_a[64];
  _Atomic int bad;
  _Atomic int calls;
  int seen_ith[64];
} job_t;

static void job_fn(void *arg, int ith, int nth) {
  job_t *j = arg;
  atomic_fetch_add(&j->calls, 1);
  j->seen_ith[ith]++;
  int64_t i0, i1;
  llm_tp_split(N_TASKS, ith, nth, &i0, &i1);
  for (int64_t i = i0; i < i1; i++) atomic_fetch_add(&j->count[i], 1);
  /* Phase A writes a value; after the barrier everyone checks all. */
  j->phase_a[ith] = ith + 1;
  llm_tp_barrier(j->tp);
  for (int t = 0; t < nth; t++)
    if (j->phase_a[t] != t + 1) atomic_fetch_add(&j->bad, 1);
  llm_tp_barrier(j->tp);
  j->phase_a[ith] = 0;
  llm_tp_barrier(j->tp);
  for (int t = 0; t < nth; t++)
    if (j->phase_a[t] != 0) atomic_fetch_add(&j->bad, 1);
}

static void run_rounds(int nth, int rounds, bool sleep_between) {
  job_t *j = calloc(1, sizeof *j);
  assert_non_null(j);
  j->tp = llm_tp_new(nth);
  assert_non_null(j->tp);
  assert_int_equal(llm_tp_size(j->tp), nth);
  for (int r = 0; r < rounds; r++) {
    llm_tp_run(j->tp, job_fn, j);
    if (sleep_between && r % 10 == 0) {
      struct timespec ts = {0, 2 * 1000 * 1000}; /* past the spin phase */
      nanosleep(&ts, NULL);
    }
  }
  for (int i = 0; i < N_TASKS; i++) assert_int_equal(j->count[i], rounds);
  assert_int_equal(atomic_load(&j->bad), 0);
  assert_int_equal(atomic_load(&j->calls), rounds * nth);
  for (int t = 0; t < nth; t++) assert_int_equal(j->seen_ith[t], rounds);
  llm_tp_free(j->tp);
  free(j);
}

/* Stages of claimed chunks with done counters instead of barriers: a
 * stage's results are all visible to every thread after its wait. */
#define N_STAGES 50
#define N_CHUNKS 37
typedef struct staged {
  llm_tp_t *tp;
  _Atomic uint32_t claim[N_STAGES], done[N_STAGES];
  int val[N_STAGES][N_CHUNKS];
  _Atomic int bad;
} staged_t;

static void staged_fn(void *arg, int ith, int nth) {
  staged_t *s = arg;
  (void)ith, (void)nth;
  for (int st = 0; st < N_STAGES; st++) {
    uint32_t c;
    while ((c = atomic_fetch_add(&s->claim[st], 1)) < N_CHUNKS) {
      /* each chunk reads the whole previous stage */
      int sum = 0;
      for (int k = 0; st && k < N_CHUNKS; k++) sum += s->val[st - 1][k];
      if (st && sum != N_CHUNKS * st) atomic_fetch_add(&s->bad, 1);
      s->val[st][c] = st + 1;
      if (atomic_fetch_add(&s->done[st], 1) + 1 == N_CHUNKS)
        llm_tp_post(s->tp, &s->done[st]);
    }
    llm_tp_wait_ge(s->tp, &s->done[st], N_CHUNKS);
  }
}

static void test_stage_counters(void **state) {
  (void)state;
  for (int nth = 1; nth <= 3; nth++) {
    staged_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->tp = llm_tp_new(nth);
    for (int round = 0; round < 20; round++) {
      for (int st = 0; st < N_STAGES; st++) {
        atomic_store(&s->claim[st], 0);
        atomic_store(&s->done[st], 0);
      }
      memset(s->val, 0, sizeof s->val);
      llm_tp_run(s->tp, staged_fn, s);
      for (int st = 0; st < N_STAGES; st++)
        for (int k = 0; k < N_CHUNKS; k++) assert_int_equal(s->val[st][k], st + 1);
    }
    assert_int_equal(atomic_load(&s->bad), 0);
    llm_tp_free(s->tp);
    free(s);
  }
}

static void test_split_covers(void **state) {
  (void)state;
  for (int nth = 1; nth <= 7; nth++)
    for (int64_t n = 0; n < 50; n++) {
      int64_t next = 0;
      for (int t = 0; t < nth; t++) {
        int64_t a, b;
        llm_tp_split(n, t, nth, &a, &b);
        assert_int_equal(a, next);
        assert_true(b >= a);
        next = b;
      }
      assert_int_equal(next, n);
    }
}

static void test_one_thread(void **state) {
  (void)state;
  run_rounds(1, 50, false);
}

static void test_two_threads(void **state) {
  (void)state;
  run_rounds(2, 2000, false);
}

static void test_four_threads_sleeping(void **state) {
  (void)state;
  run_rounds(4, 200, true);
}

static void test_free_idle(void **state) {
  (void)state;
  llm_tp_t *tp = llm_tp_new(3); /* never run: workers must still stop */
  assert_non_null(tp);
  llm_tp_free(tp);
  llm_tp_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split_covers),
      cmocka_unit_test(test_one_thread),
      cmocka_unit_test(test_two_threads),
      cmocka_unit_test(test_four_threads_sleeping),
      cmocka_unit_test(test_free_idle),
      cmocka_unit_test(test_stage_counters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
