/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/llm/bandwidth.c — memory-bandwidth probe for the LLM benchmark.
 * T threads each read a contiguous share of one buffer (default 1 GiB,
 * 2 threads) and sum it; the best of R passes counts. Prints one JSON line:
 * {"threads":2,"mib":1024,"reps":5,"gb_s":best,"gb_s_median":...}.
 *
 * Generation speed of a quantised model depends on how fast its weights
 * stream from DRAM, and on this kind of machine that speed switches between
 * two states while one measures; a probe next to each engine run tells which
 * state a number was taken in. Build: cc -O2 -march=native -pthread.
 *
 * Usage: bandwidth [--threads T] [--mib M] [--reps R]
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

typedef struct worker {
  const uint64_t *p;
  size_t n; /* words */
  pthread_barrier_t *bar;
  int reps;
  uint64_t sink;
} worker_t;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Eight independent sums so loads, not the adds, limit the loop. */
static uint64_t sum_words(const uint64_t *p, size_t n) {
  uint64_t a[8] = {0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) a[k] += p[i + k];
  for (; i < n; i++) a[0] += p[i];
  uint64_t s = 0;
  for (int k = 0; k < 8; k++) s += a[k];
  return s;
}

static void *worker_run(void *arg) {
  worker_t *w = arg;
  for (int r = 0; r < w->reps; r++) {
    pthread_barrier_wait(w->bar);
    w->sink += sum_words(w->p, w->n);
    pthread_barrier_wait(w->bar);
  }
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int parse_args(int argc, char **argv, int *threads, long *mib,
                      int *reps) {
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc) return -1;
    long v = strtol(argv[i + 1], NULL, 10);
    if (v < 1) return -1;
    if (!strcmp(argv[i], "--threads") && v <= 256) *threads = (int)v;
    else if (!strcmp(argv[i], "--mib") && v <= (1L << 20)) *mib = v;
    else if (!strcmp(argv[i], "--reps") && v <= 1000) *reps = (int)v;
    else return -1;
    i++;
  }
  return 0;
}

int main(int argc, char **argv) {
  int threads = 2, reps = 5;
  long mib = 1024;
  if (parse_args(argc, argv, &threads, &mib, &reps)) {
    fprintf(stderr, "usage: bandwidth [--threads T] [--mib M] [--reps R]\n");
    return 2;
  }
  size_t bytes = (size_t)mib << 20, words = bytes / 8;
  uint64_t *buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) {
    perror("bandwidth: mmap");
    return 1;
  }
  madvise(buf, bytes, MADV_HUGEPAGE);
  for (size_t i = 0; i < words; i++) buf[i] = i * 0x9e3779b97f4a7c15ULL;

  pthread_barrier_t bar;
  pthread_barrier_init(&bar, NULL, (unsigned)threads);
  worker_t *w = calloc((size_t)threads, sizeof *w);
  pthread_t *tid = calloc((size_t)threads, sizeof *tid);
  double *gbs = calloc((size_t)reps, sizeof *gbs);
  if (!w || !tid || !gbs) return 1;
  size_t share = words / (size_t)threads;
  for (int t = 0; t < threads; t++) {
    w[t] = (worker_t){.p = buf + (size_t)t * share, .n = share, .bar = &bar,
                      .reps = reps};
    if (t && pthread_create(&tid[t], NULL, worker_run, &w[t])) return 1;
  }
  /* The main thread is worker 0 and times each pass barrier to barrier. */
  for (int r = 0; r < reps; r++) {
    pthread_barrier_wait(&bar);
    double t0 = now_s();
    w[0].sink += sum_words(w[0].p, w[0].n);
    pthread_barrier_wait(&bar);
    gbs[r] = (double)(share * (size_t)threads * 8) / (now_s() - t0) / 1e9;
  }
  uint64_t sink = w[0].sink;
  for (int t = 1; t < threads; t++) {
    pthread_join(tid[t], NULL);
    sink += w[t].sink;
  }
  qsort(gbs, (size_t)reps, sizeof *gbs, cmp_double);
  printf("{\"threads\":%d,\"mib\":%ld,\"reps\":%d,\"gb_s\":%.1f,"
         "\"gb_s_median\":%.1f,\"check\":%llu}\n",
         threads, mib, reps, gbs[reps - 1], gbs[reps / 2],
         (unsigned long long)(sink & 0xff));
  pthread_barrier_destroy(&bar);
  free(gbs);
  free(tid);
  free(w);
  munmap(buf, bytes);
  return 0;
}
