/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/bench_audit.c — speed of the audit trail (gov/audit.h): durable
 * appends on the work disk (commit with synchronous=FULL plus the fsync'd
 * anchor: what a gate call pays), appends on a memory file system (the CPU
 * and SQLite cost without the disk), verify and export rates.
 *
 * Usage: bench_audit [--work DIR] [--mem DIR] [--appends N] [--records N]
 *                    [--rounds N]
 *   --work     directory on the disk the workspace would live on (default
 *              a mkdtemp directory below /tmp); a fresh trail is made there
 *   --mem      directory on tmpfs (default /dev/shm; "" to skip)
 *   --appends  durable appends timed on --work (default 1000)
 *   --records  appends on --mem, then verified and exported (default 50000)
 *   --rounds   verify/export rounds, best reported (default 3)
 * Output: R<TAB>audit<TAB>key<TAB>value lines on stdout (bench/bench.h
 * protocol), a summary on stderr. Exit: 0 done; 1 a step failed; 2 usage.
 */
#include "base/base.h"
#include "gov/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const gov_audit_source_t SOURCES[3] = {
    {1042, 3, 88121}, {977, 1, 70210}, {1203, 2, 91007}};

static gov_audit_rec_t sample(int64_t i) {
  gov_audit_rec_t r = {0};
  r.actor = i % 7 ? "pamt" : "jlehmann";
  r.unit = "Fachdienst 10 Personal";
  r.app_id = i % 5 ? "fragen" : "schreiben";
  r.app_version = 4;
  r.action = "ask";
  r.decision = i % 11 ? GOV_AUDIT_DECISION_ALLOW : GOV_AUDIT_DECISION_REFUSE;
  r.reason_code = r.decision == GOV_AUDIT_DECISION_REFUSE ? "training" : "";
  r.reason = r.decision == GOV_AUDIT_DECISION_REFUSE
                 ? "Für diese Anwendung fehlt Ihnen die Schulung "
                   "„KI-Grundlagen“."
                 : "";
  r.sources = SOURCES;
  r.nsources = 3;
  r.model = "qwen3-8b-q4_k_m";
  r.prompt_tokens = 1800 + i % 300;
  r.completion_tokens = 220 + i % 90;
  r.latency_ms = 2400 + i % 800;
  r.details_json = "{\"draft_id\":123,\"notice\":false}";
  return r;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p) {
  size_t k = (size_t)(p * (double)(n - 1) + 0.5);
  return v[k < n ? k : n - 1];
}

/* Append n records to a fresh trail in dir; report rate and latencies. */
static int run_appends(const char *dir, const char *tag, int64_t n) {
  gov_audit_t *a;
  lotse_err_t err = {0};
  if (gov_audit_open(dir, 0, &a, &err)) {
    fprintf(stderr, "bench_audit: %s\n", err.msg);
    return 1;
  }
  double *lat = malloc((size_t)n * sizeof *lat);
  if (!lat) return 1;
  double t0 = lotse_now_mono();
  for (int64_t i = 0; i < n; i++) {
    gov_audit_rec_t r = sample(i);
    double s = lotse_now_mono();
    if (gov_audit_append(a, &r, NULL, &err)) {
      fprintf(stderr, "bench_audit: append: %s\n", err.msg);
      free(lat);
      gov_audit_close(a);
      return 1;
    }
    lat[i] = (lotse_now_mono() - s) * 1e3;
  }
  double secs = lotse_now_mono() - t0;
  gov_audit_close(a);
  qsort(lat, (size_t)n, sizeof *lat, cmp_double);
  printf("R\taudit\t%s_append_per_s\t%.0f\n", tag, (double)n / secs);
  printf("R\taudit\t%s_append_p50_ms\t%.3f\n", tag, pct(lat, (size_t)n, .5));
  printf("R\taudit\t%s_append_p99_ms\t%.3f\n", tag, pct(lat, (size_t)n, .99));
  fprintf(stderr, "%-6s append: %8.0f records/s  p50 %.3f ms  p99 %.3f ms "
          "(%lld records)\n", tag, (double)n / secs, pct(lat, (size_t)n, .5),
          pct(lat, (size_t)n, .99), (long long)n);
  free(lat);
  return 0;
}

static int export_one(void *ctx, const gov_audit_rec_t *r) {
  lotse_buf_t *b = ctx;
  lotse_buf_reset(b);
  return gov_audit_rec_json(r, b, NULL);
}

/* Verify and export the trail in dir, best of rounds. */
static int run_reads(const char *dir, const char *tag, int rounds) {
  gov_audit_t *a;
  lotse_err_t err = {0};
  if (gov_audit_open(dir, GOV_AUDIT_RDONLY, &a, &err)) {
    fprintf(stderr, "bench_audit: %s\n", err.msg);
    return 1;
  }
  double best_v = 1e30, best_e = 1e30;
  gov_audit_verdict_t v = {0};
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  int rc = 0;
  for (int k = 0; k < rounds && !rc; k++) {
    double t0 = lotse_now_mono();
    rc = gov_audit_verify(a, &v, &err);
    double t1 = lotse_now_mono();
    if (!rc) rc = gov_audit_query(a, NULL, export_one, &b, &err);
    double t2 = lotse_now_mono();
    if (t1 - t0 < best_v) best_v = t1 - t0;
    if (t2 - t1 < best_e) best_e = t2 - t1;
  }
  lotse_buf_release(&b);
  gov_audit_close(a);
  if (rc || v.fault != GOV_AUDIT_OK) {
    fprintf(stderr, "bench_audit: verify: %s\n", rc ? err.msg : v.message);
    return 1;
  }
  double n = (double)v.records;
  printf("R\taudit\t%s_verify_per_s\t%.0f\n", tag, n / best_v);
  printf("R\taudit\t%s_export_per_s\t%.0f\n", tag, n / best_e);
  fprintf(stderr, "%-6s verify: %8.0f records/s, export (JSON): %.0f "
          "records/s (%lld records, best of %d)\n", tag, n / best_v,
          n / best_e, (long long)v.records, rounds);
  return 0;
}

static char *fresh_dir(const char *parent, const char *name) {
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  if (lotse_buf_printf(&b, "%s/%s.XXXXXX", parent, name) || !mkdtemp(b.data)) {
    fprintf(stderr, "bench_audit: cannot create a directory in '%s'\n",
            parent);
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

/* Remove the files a trail consists of, then the directory. */
static void remove_trail(const char *dir) {
  static const char *const files[] = {"audit.db", "audit.db-wal",
                                      "audit.db-shm", "audit.key",
                                      "audit.anchor"};
  char p[4200];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
  }
  rmdir(dir);
}

int main(int argc, char **argv) {
  const char *work = "/tmp", *mem = "/dev/shm";
  int64_t appends = 1000, records = 50000;
  int rounds = 3;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(argv[i], "--work") && v) work = argv[++i];
    else if (!strcmp(argv[i], "--mem") && v) mem = argv[++i];
    else if (!strcmp(argv[i], "--appends") && v) appends = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--records") && v) records = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--rounds") && v) rounds = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_audit [--work DIR] [--mem DIR] "
              "[--appends N] [--records N] [--rounds N]\n");
      return 2;
    }
  }
  if (appends < 1 || records < 1 || rounds < 1) {
    fprintf(stderr, "bench_audit: counts must be positive\n");
    return 2;
  }
  int rc = 0;
  char *d = fresh_dir(work, "bench-audit");
  if (!d) return 1;
  rc = run_appends(d, "disk", appends);
  if (!rc) rc = run_reads(d, "disk", rounds);
  remove_trail(d);
  free(d);
  if (!rc && *mem && lotse_path_is_dir(mem)) {
    d = fresh_dir(mem, "bench-audit");
    if (!d) return 1;
    rc = run_appends(d, "tmpfs", records);
    if (!rc) rc = run_reads(d, "tmpfs", rounds);
    remove_trail(d);
    free(d);
  }
  return rc ? 1 : 0;
}
