/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/text/bench_analyze.c — throughput and inspection tool for
 * text_analyze(); not a unit test (no test_ prefix, so ctest does not build
 * it). Build by hand, e.g.
 *   gcc -O2 -I. -Itests/unit tests/unit/text/bench_analyze.c \
 *       build/liblotse.a $(pkg-config --libs sqlite3 libutf8proc) \
 *       -lstemmer -lpthread -lm
 * Usage:
 *   bench_analyze FILE...          MB/s of the analysis (one core), terms
 *   bench_analyze -d FILE          print every term (offsets, colocated)
 *   bench_analyze -s WORD...       compound split of the folded words
 */
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stats {
  size_t terms, colocated;
} stats_t;

static int count_cb(void *ctx, const char *t, size_t n, size_t s, size_t e,
                    int col) {
  stats_t *st = ctx;
  (void)t, (void)n, (void)s, (void)e;
  st->terms++;
  st->colocated += col != 0;
  return 0;
}

static int dump_cb(void *ctx, const char *t, size_t n, size_t s, size_t e,
                   int col) {
  const char *src = ctx;
  printf("%s%.*s\t[%zu,%zu) %.*s\n", col ? "  + " : "", (int)n, t, s, e,
         (int)(e - s), src + s);
  return 0;
}

static int bench(text_analyzer_t *a, int argc, char **argv) {
  size_t bytes = 0;
  stats_t st = {0, 0};
  double dt = 0;
  for (int i = 0; i < argc; i++) {
    char *d;
    size_t n;
    if (lotse_file_read(argv[i], 1u << 30, &d, &n, NULL) != 0) continue;
    double t1 = lotse_now_mono();
    text_analyze(a, d, n, 0, count_cb, &st);
    dt += lotse_now_mono() - t1;
    bytes += n;
    free(d);
  }
  printf("%zu bytes, %zu terms (%zu colocated), %.3f s, %.1f MB/s\n", bytes,
         st.terms, st.colocated, dt, bytes / dt / 1e6);
  return 0;
}

static int split_words(text_analyzer_t *a, int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    char buf[512];
    const char *parts[8];
    const char *w = argv[i]; /* give folded words: "urlaubsanträge" */
    int k = text_compound_split(a, w, strlen(w), buf, sizeof buf, parts, 8);
    printf("%s:", w);
    for (int j = 0; j < k; j++) printf(" %s", parts[j]);
    printf("\n");
  }
  return 0;
}

int main(int argc, char **argv) {
  text_analyzer_t *a;
  lotse_err_t err;
  if (argc < 2 || text_analyzer_new(&a, &err) != 0) return 2;
  int rc = 0;
  if (strcmp(argv[1], "-d") == 0 && argc > 2) {
    char *d;
    size_t n;
    if (lotse_file_read(argv[2], 1u << 30, &d, &n, NULL) != 0) return 1;
    text_analyze(a, d, n, 0, dump_cb, d);
    free(d);
  } else if (strcmp(argv[1], "-s") == 0) {
    rc = split_words(a, argc - 2, argv + 2);
  } else {
    rc = bench(a, argc - 1, argv + 1);
  }
  text_analyzer_free(a);
  return rc;
}
