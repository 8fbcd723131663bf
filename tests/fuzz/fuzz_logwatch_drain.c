/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch_drain.c — libFuzzer harness for the template
 * miner (analytics/logwatch/drain.h) and the batch parse with its CSV
 * (drain_parse.h).
 *
 * The first byte picks an option set (loghub HDFS and Linux settings, the
 * defaults, and a tiny tree with max_children 2 and st 1); the rest are
 * messages, one per line. Properties:
 *   - lw_drain_add returns 0, LOTSE_ETOOBIG or LOTSE_ENOMEM; on success the
 *     id is in 1..count, is_new exactly when the count grew by one (the new
 *     id is then the count), the template is non-empty-safe text without
 *     leading, trailing or double spaces, and the sizes add up to the
 *     number of learnt messages; ids 0 and count+1 are refused;
 *   - every template seeds a fresh miner to a cluster with that template
 *     and count, and seeding it again adds to the same cluster;
 *   - NUL bytes separate tokens like blanks (templates are C strings), so
 *     the checks above hold for any bytes;
 *   - lw_drain_parse over the whole input gives one row per line (no format)
 *     and the CSV has a header and one line per row, LineIds increasing.
 * Build and run: scripts/fuzz-logwatch.sh.
 */
#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/drain_parse.h"
#include "base/base.h"
#include "tests/fuzz/fuzz_logwatch.h"

static const char *const hdfs_masks[] = {"blk_-?\\d+",
                                         "(\\d+\\.){3}\\d+(:\\d+)?"};
static const char *const linux_masks[] = {"(\\d+\\.){3}\\d+",
                                          "\\d{2}:\\d{2}:\\d{2}"};

static lw_drain_opts opts_for(unsigned sel) {
  lw_drain_opts o = {0};
  switch (sel % 4) {
  case 0:
    o.depth = 4, o.st = 0.5, o.masks = hdfs_masks, o.n_masks = 2;
    break;
  case 1:
    o.depth = 6, o.st = 0.39, o.masks = linux_masks, o.n_masks = 2;
    break;
  case 2: break; /* defaults */
  default: o.depth = 3, o.st = 1.0, o.max_children = 2; break;
  }
  return o;
}

static void check_template(const char *t) {
  FZ_CHECK(t != NULL, "template of a live cluster");
  size_t n = strlen(t);
  FZ_CHECK(n == 0 || (t[0] != ' ' && t[n - 1] != ' '), "no outer spaces");
  FZ_CHECK(!strstr(t, "  "), "tokens joined by one space");
}

static void check_seed(const lw_drain_opts *o, const lw_drain *d) {
  lw_drain *s = lw_drain_new(o, NULL);
  FZ_CHECK(s != NULL, "seed miner");
  for (uint32_t id = 1; id <= lw_drain_count(d) && id <= 64; id++) {
    const char *t = lw_drain_template(d, id);
    uint32_t a = 0, b = 0;
    if (lw_drain_seed(s, t, 5, &a) != 0) continue; /* too big */
    FZ_CHECK(a >= 1 && a <= lw_drain_count(s) && !strcmp(lw_drain_template(s, a), t),
             "seed restores the template");
    uint64_t before = lw_drain_size(s, a);
    FZ_CHECK(lw_drain_seed(s, t, 5, &b) == 0 && b == a &&
                 lw_drain_size(s, a) == before + 5,
             "seeding again adds to the same cluster");
  }
  lw_drain_free(s);
}

static void check_parse(const lw_drain_opts *o, const char *buf, size_t len) {
  lw_drain *d = lw_drain_new(o, NULL);
  FZ_CHECK(d != NULL, "parse miner");
  lw_parse_out out = {0};
  lotse_err_t err = {0};
  int rc = lw_drain_parse(d, NULL, buf, len, &out, &err);
  if (rc == 0) {
    FZ_CHECK(out.malformed == 0 && out.n == out.total_lines,
             "without a format every line is a row");
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *fp = open_memstream(&csv, &csv_len);
    FZ_CHECK(fp != NULL, "memstream");
    FZ_CHECK(lw_drain_write_csv(d, &out, fp, &err) == 0, "CSV written");
    fclose(fp);
    size_t lines = 0;
    for (size_t i = 0; i < csv_len; i++) lines += csv[i] == '\n';
    FZ_CHECK(lines == out.n + 1, "header plus one CSV line per row");
    for (size_t i = 1; i < out.n; i++)
      FZ_CHECK(out.lines[i] > out.lines[i - 1], "LineIds increase");
    free(csv);
  } else {
    FZ_CHECK(rc == LOTSE_ETOOBIG || rc == LOTSE_ENOMEM, "parse error code");
  }
  lw_parse_out_release(&out);
  lw_drain_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  lw_drain_opts o = opts_for(data[0]);
  char *buf = fz_dup(data + 1, size - 1, 0, NULL);
  size_t len = size - 1;
  lotse_err_t err = {0};
  lw_drain *d = lw_drain_new(&o, &err);
  FZ_CHECK(d != NULL, "options accepted");
  uint64_t learnt = 0;
  for (size_t i = 0; i <= len;) {
    const char *nl = memchr(buf + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - buf) : len;
    char *msg = fz_dup((const uint8_t *)buf + i, e - i, 0, NULL);
    size_t before = lw_drain_count(d);
    uint32_t id = 99;
    int is_new = 7;
    int rc = lw_drain_add(d, msg, e - i, &id, &is_new);
    free(msg);
    if (rc == 0) {
      learnt++;
      size_t after = lw_drain_count(d);
      FZ_CHECK(id >= 1 && id <= after, "id in 1..count");
      FZ_CHECK(is_new ? after == before + 1 && id == after : after == before,
               "is_new exactly when a cluster was made");
      check_template(lw_drain_template(d, id));
      FZ_CHECK(lw_drain_size(d, id) >= 1, "cluster has a size");
    } else {
      FZ_CHECK(rc == LOTSE_ETOOBIG || rc == LOTSE_ENOMEM, "add error code");
    }
    i = e + 1;
  }
  uint64_t sum = 0;
  for (uint32_t id = 1; id <= lw_drain_count(d); id++)
    sum += lw_drain_size(d, id);
  FZ_CHECK(sum == learnt, "sizes add up to the learnt messages");
  uint32_t past = (uint32_t)lw_drain_count(d) + 1;
  FZ_CHECK(!lw_drain_template(d, 0) && !lw_drain_template(d, past) &&
               !lw_drain_size(d, 0) && !lw_drain_size(d, past),
           "bad ids refused");
  check_seed(&o, d);
  lw_drain_free(d);
  check_parse(&o, buf, len);
  free(buf);
  return 0;
}
