/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/log.c — clocks and the stderr logger used by library code.
 */
#include "base/base.h"

#include <stdio.h>
#include <time.h>

static lotse_log_level_t g_level = LOTSE_LOG_WARN;

void lotse_log_set_level(lotse_log_level_t lvl) { g_level = lvl; }

void lotse_log(lotse_log_level_t lvl, const char *fmt, ...) {
  static const char *names[] = {"debug", "info", "warn", "error"};
  if (lvl < g_level) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "lotse: %s: ", names[lvl]);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int64_t lotse_now_unix(void) { return (int64_t)time(NULL); }

double lotse_now_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
