/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/stats.c — latency samples and their summary (nearest-rank
 * percentiles), the R-line output protocol, and disk usage of an index.
 *
 * Contract: percentiles are nearest-rank over all samples (queries times
 * rounds): p95 is the smallest sample that at least 95 % of the samples do
 * not exceed. Per-category lines use the same rule on that category only.
 * CPU time (CLOCK_THREAD_CPUTIME_ID) is reported beside wall time because
 * on a shared 2-vCPU machine it is the figure that other load disturbs
 * least.
 */
#include "bench/bench.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bench_lat_add(bench_lat_t *l, double ms, double cpu_ms, const char *cat) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    double *v = realloc(l->ms, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    l->ms = v;
    v = realloc(l->cpu, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    l->cpu = v;
    const char **c = realloc(l->cat, cap * sizeof *c);
    if (!c) return LOTSE_ENOMEM;
    l->cat = c;
    l->cap = cap;
  }
  l->ms[l->n] = ms;
  l->cpu[l->n] = cpu_ms;
  l->cat[l->n++] = cat;
  return 0;
}

void bench_lat_release(bench_lat_t *l) {
  free(l->ms);
  free(l->cpu);
  free(l->cat);
  memset(l, 0, sizeof *l);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest rank of a sorted array. */
static double rank(const double *v, size_t n, double pct) {
  size_t r = (size_t)(pct / 100.0 * (double)n + 0.999999);
  if (r < 1) r = 1;
  if (r > n) r = n;
  return v[r - 1];
}

void bench_put(FILE *out, const char *engine, const char *key,
               const char *fmt, ...) {
  va_list ap;
  fprintf(out, "R\t%s\t%s\t", engine, key);
  va_start(ap, fmt);
  vfprintf(out, fmt, ap);
  va_end(ap);
  fputc('\n', out);
}

/* Summary of the samples whose category is cat (all when cat is NULL). */
static void print_subset(const bench_lat_t *l, const char *engine,
                         const char *cat, FILE *out) {
  double *v = malloc((l->n ? l->n : 1) * sizeof *v);
  if (!v) return;
  size_t n = 0;
  double sum = 0;
  for (size_t i = 0; i < l->n; i++)
    if (!cat || !strcmp(cat, l->cat[i])) sum += (v[n++] = l->ms[i]);
  if (n) {
    qsort(v, n, sizeof *v, cmp_double);
    if (cat) {
      char key[96];
      snprintf(key, sizeof key, "p95_ms.%s", cat);
      bench_put(out, engine, key, "%.3f", rank(v, n, 95));
    } else {
      bench_put(out, engine, "samples", "%zu", n);
      bench_put(out, engine, "p50_ms", "%.3f", rank(v, n, 50));
      bench_put(out, engine, "p95_ms", "%.3f", rank(v, n, 95));
      bench_put(out, engine, "p99_ms", "%.3f", rank(v, n, 99));
      bench_put(out, engine, "mean_ms", "%.3f", sum / (double)n);
      bench_put(out, engine, "max_ms", "%.3f", v[n - 1]);
    }
  }
  free(v);
}

static void print_cpu(const bench_lat_t *l, const char *engine, FILE *out) {
  double *v = malloc((l->n ? l->n : 1) * sizeof *v);
  if (!v || !l->n) {
    free(v);
    return;
  }
  memcpy(v, l->cpu, l->n * sizeof *v);
  qsort(v, l->n, sizeof *v, cmp_double);
  bench_put(out, engine, "cpu_p50_ms", "%.3f", rank(v, l->n, 50));
  bench_put(out, engine, "cpu_p95_ms", "%.3f", rank(v, l->n, 95));
  free(v);
}

void bench_lat_print(const bench_lat_t *l, const char *engine, FILE *out) {
  print_subset(l, engine, NULL, out);
  print_cpu(l, engine, out);
  for (size_t i = 0; i < l->n; i++) {
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = !strcmp(l->cat[i], l->cat[j]);
    if (!seen) print_subset(l, engine, l->cat[i], out);
  }
}

long long bench_du(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return -1;
  if (S_ISREG(st.st_mode)) return (long long)st.st_size;
  if (!S_ISDIR(st.st_mode)) return 0;
  DIR *d = opendir(path);
  if (!d) return -1;
  long long sum = 0;
  struct dirent *e;
  char p[4096];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    int k = snprintf(p, sizeof p, "%s/%s", path, e->d_name);
    long long s = k > 0 && (size_t)k < sizeof p ? bench_du(p) : -1;
    if (s > 0) sum += s;
  }
  closedir(d);
  return sum;
}
