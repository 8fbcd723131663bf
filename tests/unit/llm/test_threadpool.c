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
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
