/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch.h — shared checks of the logwatch libFuzzer
 * harnesses (scripts/fuzz-logwatch.sh): a failed property prints what broke
 * and aborts, which libFuzzer reports as a crash with the input saved.
 */
#ifndef LOTSE_FUZZ_LOGWATCH_H
#define LOTSE_FUZZ_LOGWATCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_CHECK(cond, what)                                              \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "fuzz property failed: %s (%s:%d: %s)\n", (what),   \
              __FILE__, __LINE__, #cond);                                 \
      abort();                                                            \
    }                                                                     \
  } while (0)

/* p[0..n) lies inside base[0..len) (an absent span, p == NULL, n == 0, too). */
static inline int fz_inside(const char *p, size_t n, const char *base,
                            size_t len) {
  if (!p) return n == 0;
  return p >= base && p <= base + len && n <= (size_t)(base + len - p);
}

/* A heap copy of exactly n bytes so that ASan sees every overread. */
static inline char *fz_dup(const uint8_t *data, size_t n, size_t extra_front,
                           const char *front) {
  char *c = malloc(n + extra_front ? n + extra_front : 1);
  if (!c) abort();
  if (extra_front) memcpy(c, front, extra_front);
  if (n) memcpy(c + extra_front, data, n);
  return c;
}

#endif
