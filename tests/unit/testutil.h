/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/testutil.h — helpers shared by the unit tests: scratch
 * directories under $LOTSE_TEST_TMP and a fresh store per test.
 */
#ifndef LOTSE_TESTUTIL_H
#define LOTSE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"

/* A fresh, empty directory for this test: $LOTSE_TEST_TMP/<name>.<pid>. */
static inline char *test_dir(const char *name) {
  const char *root = getenv("LOTSE_TEST_TMP");
  if (!root || !*root) root = "/tmp";
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  lotse_buf_printf(&b, "%s/%s.%ld", root, name, (long)getpid());
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", b.data);
  if (system(cmd) != 0) fprintf(stderr, "warning: %s failed\n", cmd);
  lotse_err_t err;
  assert_int_equal(lotse_mkdir_p(b.data, &err), 0);
  return lotse_buf_detach(&b);
}

static inline char *test_path(const char *dir, const char *file) {
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  lotse_buf_printf(&b, "%s/%s", dir, file);
  return lotse_buf_detach(&b);
}

#endif
