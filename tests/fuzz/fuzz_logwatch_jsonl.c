/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch_jsonl.c — libFuzzer harness for the JSON-lines
 * flattening (analytics/logwatch/jsonl.h).
 *
 * Properties checked on every input (an exact-size heap copy):
 *   - the result is 0 (parsed), 1 (malformed) or LOTSE_ENOMEM;
 *   - malformed yields no fields; an input jansson rejects, or whose top
 *     level is not an object, is malformed; so is the input behind "]";
 *   - parsed: at most 2 × LW_JSONL_MAX_FIELDS fields (paths plus leaf
 *     aliases), each with a non-empty NUL-terminated name and a value that
 *     is NUL-terminated at value_len; lw_jsonl_message returns one of them;
 *   - one lw_jsonl reused for a second, different line gives the same
 *     answer as a fresh one (no state leaks between lines).
 * Build and run: scripts/fuzz-logwatch.sh.
 */
#include "analytics/logwatch/jsonl.h"
#include "base/base.h"
#include "tests/fuzz/fuzz_logwatch.h"

#include <jansson.h>

static lw_jsonl *reused;

static void check_fields(const lw_field *f, size_t n) {
  FZ_CHECK(n <= 2 * (size_t)LW_JSONL_MAX_FIELDS, "field count bounded");
  FZ_CHECK(n == 0 || f != NULL, "fields present");
  for (size_t i = 0; i < n; i++) {
    /* JSON allows the empty key, so an empty name is possible */
    FZ_CHECK(f[i].name && strlen(f[i].name) < (1u << 20), "field has a name");
    FZ_CHECK(f[i].value && f[i].value[f[i].value_len] == 0,
             "value NUL-terminated at value_len");
  }
  const lw_field *m = lw_jsonl_message(f, n, NULL);
  FZ_CHECK(!m || (m >= f && m < f + n), "message field is one of them");
}

static int parse_checked(lw_jsonl *j, const char *line, size_t len) {
  const lw_field *f = NULL;
  size_t n = 99;
  int rc = lw_jsonl_parse(j, line, len, &f, &n);
  FZ_CHECK(rc == 0 || rc == 1 || rc == LOTSE_ENOMEM, "result 0, 1 or ENOMEM");
  if (rc == 1) FZ_CHECK(n == 0, "malformed has no fields");
  if (rc == 0) check_fields(f, n);
  json_error_t e;
  json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &e);
  if (!root && strstr(e.text, "too big")) /* jsonl.h: read again as reals */
    root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &e);
  if (!root || !json_is_object(root))
    FZ_CHECK(rc == 1, "not a JSON object -> malformed");
  json_decref(root);
  return rc == 0 ? (int)n : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!reused) reused = lw_jsonl_new();
  lw_jsonl *fresh = lw_jsonl_new();
  FZ_CHECK(reused && fresh, "memory");
  char *line = fz_dup(data, size, 0, NULL);
  int a = parse_checked(reused, line, size);
  int b = parse_checked(fresh, line, size);
  FZ_CHECK(a == b, "reused parser answers like a fresh one");
  free(line);
  line = fz_dup(data, size, 1, "]");
  FZ_CHECK(parse_checked(reused, line, size + 1) == -1, "']...' is malformed");
  free(line);
  lw_jsonl_free(fresh);
  return 0;
}
