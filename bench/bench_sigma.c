/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/bench_sigma.c — Sigma matching speed with every Windows rule
 * loaded (rules/windows, rules-threat-hunting/windows and
 * rules-emerging-threats of ../shared/data/sigma): load + compile time,
 * then events/s over SigmaHQ's regression events (Sysmon, Defender, Task
 * Scheduler JSON), matching only (events parsed once) and end to end
 * (JSON text → flattened event → matches), each for about SECONDS.
 *
 * Usage: bench_sigma [--no-prefilter] [SECONDS] [DATA_DIR]
 * Prints one line per measurement; exit 0 (also when the data is absent).
 */
#include "analytics/logwatch/sigma.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct ev_copy {
  lw_event ev;
  lw_field *f;
  char *mem;
} ev_copy;

static lotse_strv_t g_files;
static ev_copy *g_ev;
static size_t g_nev, g_cap;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this (single-threaded) process: on a shared machine the
 * rate per CPU second is steadier than the wall-clock rate. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int collect(const char *path, const struct stat *sb, int flag,
                   struct FTW *ftw) {
  (void)sb, (void)ftw;
  size_t n = strlen(path);
  if (flag == FTW_F && n > 5 && !strcmp(path + n - 5, ".json"))
    return lotse_strv_push(&g_files, path) ? 1 : 0;
  return 0;
}

/* Keep a deep copy of each event (parsers reuse their buffers). */
static int keep(void *ud, const lw_event *ev) {
  (void)ud;
  if (ev->malformed) return 0;
  if (g_nev == g_cap) {
    g_cap = g_cap ? g_cap * 2 : 128;
    ev_copy *q = realloc(g_ev, g_cap * sizeof *q);
    if (!q) return -1;
    g_ev = q;
  }
  size_t need = 0;
  for (size_t i = 0; i < ev->n_fields; i++)
    need += strlen(ev->fields[i].name) + 1 + ev->fields[i].value_len + 1;
  ev_copy *c = &g_ev[g_nev];
  c->f = malloc((ev->n_fields + 1) * sizeof *c->f);
  c->mem = malloc(need + 1);
  if (!c->f || !c->mem) return -1;
  char *p = c->mem;
  for (size_t i = 0; i < ev->n_fields; i++) {
    size_t nl = strlen(ev->fields[i].name) + 1, vl = ev->fields[i].value_len;
    memcpy(p, ev->fields[i].name, nl);
    c->f[i].name = p, p += nl;
    memcpy(p, ev->fields[i].value, vl), p[vl] = 0;
    c->f[i].value = p, c->f[i].value_len = vl, p += vl + 1;
  }
  c->ev = *ev;
  c->ev.fields = c->f, c->ev.message = NULL, c->ev.message_len = 0;
  g_nev++;
  return 0;
}

typedef struct e2e {
  lw_sigma_ctx *c;
  size_t events, hits;
} e2e;

static int match_one(void *ud, const lw_event *ev) {
  e2e *x = ud;
  const uint32_t *h;
  size_t n;
  if (lw_sigma_match(x->c, ev, &h, &n)) return -1;
  x->events++, x->hits += n;
  return 0;
}

int main(int argc, char **argv) {
  double secs = 2.0;
  const char *dir = NULL;
  int prefilter = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--no-prefilter")) prefilter = 0;
    else if (atof(argv[i]) > 0 && !lotse_path_is_dir(argv[i])) secs = atof(argv[i]);
    else dir = argv[i];
  }
  char buf[4096], path[4200];
  if (!dir) {
    const char *src = getenv("LOTSE_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/../shared/data/sigma", src ? src : ".");
    dir = lotse_path_is_dir(buf) ? buf : "../shared/data/sigma";
  }
  snprintf(path, sizeof path, "%s/regression", dir);
  if (!lotse_path_is_dir(path)) {
    printf("bench_sigma: skipped, '%s' is absent\n", path);
    return 0;
  }
  lw_sigma *s = lw_sigma_new();
  lw_sigma_set_prefilter(s, prefilter);
  lotse_err_t err = {0};
  static const char *const sets[] = {"rules/windows", "rules-threat-hunting/windows",
                                     "rules-emerging-threats"};
  double t0 = now_s(), c0 = cpu_s();
  int rc = 0;
  for (size_t i = 0; !rc && i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, sets[i]);
    rc = lw_sigma_load_path(s, path, &err);
  }
  double t1 = now_s();
  if (!rc) rc = lw_sigma_compile(s, &err);
  double t2 = now_s(), c2 = cpu_s();
  if (rc) {
    fprintf(stderr, "bench_sigma: %s\n", err.msg);
    return 1;
  }
  printf("rules: %zu loaded, %zu unsupported; load %.3f s, compile (prefilter) "
         "%.3f s (CPU %.3f s)\n", lw_sigma_rule_count(s),
         lw_sigma_unsupported_count(s), t1 - t0, t2 - t1, c2 - c0);
  snprintf(path, sizeof path, "%s/regression", dir);
  nftw(path, collect, 16, FTW_PHYS);
  /* the files' text, kept for the end-to-end run */
  char **data = calloc(g_files.n, sizeof *data);
  size_t *len = calloc(g_files.n, sizeof *len), bytes = 0;
  for (size_t i = 0; i < g_files.n; i++) {
    if (lotse_file_read(g_files.v[i], (size_t)64 << 20, &data[i], &len[i], &err)) return 1;
    lw_sigma_read_events(g_files.v[i], data[i], len[i], keep, NULL, &err);
    bytes += len[i];
  }
  lw_sigma_ctx *c = lw_sigma_ctx_new(s);
  size_t done = 0, hits = 0;
  double start = now_s(), el, cstart = cpu_s(), cel;
  do {
    for (size_t i = 0; i < g_nev; i++) {
      const uint32_t *h;
      size_t n;
      lw_sigma_match(c, &g_ev[i].ev, &h, &n);
      hits += n;
    }
    done += g_nev;
  } while ((el = now_s() - start) < secs);
  cel = cpu_s() - cstart;
  printf("match only (prefilter %s): %zu events in %.2f s = %.0f events/s "
         "(%.0f per CPU second), %.2f matches/event\n",
         prefilter ? "on" : "off", done, el, (double)done / el,
         (double)done / cel, (double)hits / (double)done);
  e2e x = {c, 0, 0};
  size_t rounds = 0;
  start = now_s(), cstart = cpu_s();
  do {
    for (size_t i = 0; i < g_files.n; i++)
      lw_sigma_read_events(g_files.v[i], data[i], len[i], match_one, &x, &err);
    rounds++;
  } while ((el = now_s() - start) < secs);
  cel = cpu_s() - cstart;
  printf("end to end (JSON text -> matches): %zu events in %.2f s = %.0f events/s "
         "(%.0f per CPU second, %.1f MB/s)\n",
         x.events, el, (double)x.events / el, (double)x.events / cel,
         (double)bytes * (double)rounds / el / 1e6);
  lw_sigma_ctx_free(c);
  for (size_t i = 0; i < g_nev; i++) free(g_ev[i].f), free(g_ev[i].mem);
  for (size_t i = 0; i < g_files.n; i++) free(data[i]);
  free(g_ev), free(data), free(len);
  lotse_strv_release(&g_files);
  lw_sigma_free(s);
  return 0;
}
