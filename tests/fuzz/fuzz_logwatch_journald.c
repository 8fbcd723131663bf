/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch_journald.c — libFuzzer harness for the journal
 * export reader (analytics/logwatch/journald.h).
 *
 * The input is read as a stream (fmemopen) until the reader says end of
 * input. Properties:
 *   - each result is 0 (entry), 1 (malformed entry), 2 (end) or
 *     LOTSE_ENOMEM; the end comes after at most size + 1 reads;
 *   - malformed gives no fields; an entry gives at most
 *     LW_JOURNALD_MAX_FIELDS + 8 fields (journal names plus the common
 *     names), each with a non-empty name and a value NUL-terminated at
 *     value_len;
 *   - a malformed entry is skipped up to its blank line and nothing else:
 *     "lower=1\n\n" in front of the input reads as one malformed entry and
 *     then exactly the entries of the input alone.
 * Build and run: scripts/fuzz-logwatch.sh.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fmemopen */
#endif
#include "analytics/logwatch/journald.h"
#include "base/base.h"
#include "tests/fuzz/fuzz_logwatch.h"

#define MAX_TRACE 256

typedef struct trace {
  int rc[MAX_TRACE];
  size_t n[MAX_TRACE];
  size_t len;
} trace_t;

static void check_entry(const lw_field *f, size_t n) {
  FZ_CHECK(n <= LW_JOURNALD_MAX_FIELDS + 8, "field count bounded");
  for (size_t i = 0; i < n; i++) {
    FZ_CHECK(f[i].name && f[i].name[0], "field has a name");
    FZ_CHECK(f[i].value && f[i].value[f[i].value_len] == 0,
             "value NUL-terminated at value_len");
  }
}

static void read_all(const char *buf, size_t size, trace_t *t) {
  t->len = 0;
  FILE *in = fmemopen((void *)buf, size, "r");
  FZ_CHECK(in != NULL, "fmemopen");
  lw_journald *j = lw_journald_new();
  FZ_CHECK(j != NULL, "memory");
  for (size_t reads = 0;; reads++) {
    FZ_CHECK(reads <= size + 1, "end of input reached");
    const lw_field *f = NULL;
    size_t n = 99;
    int rc = lw_journald_read(j, in, &f, &n);
    FZ_CHECK(rc == 0 || rc == 1 || rc == 2 || rc == LOTSE_ENOMEM,
             "result 0, 1, 2 or ENOMEM");
    if (rc == 1 || rc == 2) FZ_CHECK(n == 0, "no fields without an entry");
    if (rc == 0) check_entry(f, n);
    if (t->len < MAX_TRACE) t->rc[t->len] = rc, t->n[t->len++] = n;
    if (rc != 0 && rc != 1) break;
  }
  lw_journald_free(j);
  fclose(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static trace_t plain, prefixed;
  static const char pre[] = "lower=1\n\n";
  char *buf = fz_dup(data, size, 0, NULL);
  read_all(buf, size, &plain);
  free(buf);
  buf = fz_dup(data, size, sizeof pre - 1, pre);
  read_all(buf, size + sizeof pre - 1, &prefixed);
  free(buf);
  FZ_CHECK(prefixed.rc[0] == 1, "bad field name -> malformed entry");
  if (plain.len < MAX_TRACE) {
    FZ_CHECK(prefixed.len == plain.len + 1, "same number of reads after it");
    for (size_t i = 0; i < plain.len; i++)
      FZ_CHECK(prefixed.rc[i + 1] == plain.rc[i] &&
                   prefixed.n[i + 1] == plain.n[i],
               "same entries after the malformed one");
  }
  return 0;
}
