/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/bench_search.c — lotse's side of the search benchmark: prepare the
 * shared inputs (file list, queries, stop words), index the corpus through
 * the product pipeline (ingest_run: read, sha256, detect, extract, chunk,
 * store), then time every query single-threaded.
 *
 * Usage: bench_search [--data DIR] [--work DIR] [--rounds N] [--index-only]
 *   --data   the shared data root (default <repo>/../shared/data)
 *   --work   scratch directory on local disk (created; default a mkdtemp
 *            directory below /tmp); the peer reads files.txt, queries.txt
 *            and stopwords.txt from it and writes its own index there
 *   --rounds measured rounds per query after one warm-up run (default 3)
 *   --index-only  stop after indexing (for profiling the ingest path)
 * Output: R lines on stdout (bench/bench.h), progress on stderr.
 * Exit: 0 done; 1 a step failed; 2 usage or corpus missing.
 */
#include "bench/bench.h"
#include "ingest/ingest.h"
#include "search/search.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_SOURCE_DIR
#define BENCH_SOURCE_DIR "."
#endif

#define ENGINE "lotse"
#define MB 1e6

typedef struct bench_args {
  const char *data;
  const char *work;
  int rounds;
  int index_only;
} bench_args_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const lotse_err_t *err) {
  fprintf(stderr, "bench_search: %s: %s\n", what, err->msg);
  return 1;
}

static int path_in(char *out, size_t n, const char *dir, const char *leaf) {
  int k = snprintf(out, n, "%s/%s", dir, leaf);
  return k < 0 || (size_t)k >= n;
}

/* ------------------------------------------------------------- inputs */

static int write_list(const lotse_strv_t *files, const char *path,
                      lotse_err_t *err) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 26);
  int rc = lotse_buf_append(&b, "", 0);
  for (size_t i = 0; i < files->n && !rc; i++)
    rc = lotse_buf_printf(&b, "%s\n", files->v[i]);
  if (!rc) rc = lotse_file_write(path, b.data, b.len, err);
  else lotse_err_set(err, rc, "out of memory");
  lotse_buf_release(&b);
  return rc;
}

/* Read every file once so both engines start with the corpus in the page
 * cache, whichever runs first. */
static void warm_page_cache(const lotse_strv_t *files) {
  for (size_t i = 0; i < files->n; i++) {
    char *d;
    size_t n;
    lotse_err_t err = {0};
    if (!lotse_file_read(files->v[i], (size_t)1 << 30, &d, &n, &err)) free(d);
  }
}

static int prepare(const bench_args_t *a, lotse_strv_t *files,
                   bench_queries_t *q) {
  lotse_err_t err = {0};
  if (bench_corpus_files(a->data, files, &err)) {
    fprintf(stderr,
            "bench_search: corpus not found: %s\n"
            "  expected %s/" BENCH_GAZETTE_DIR "/*.txt and %s/" BENCH_LAWS_DIR
            "/*/index.md\n"
            "  (the shared data lives in ../shared/data next to the "
            "repository; pass --data DIR)\n",
            err.msg, a->data, a->data);
    return 2;
  }
  lotse_strv_t titles = {0}, heads = {0};
  text_analyzer_t *an = NULL;
  char p1[4096], p2[4096];
  int rc = bench_corpus_titles(a->data, &titles, &err);
  if (!rc) rc = bench_corpus_headings(files, &heads, &err);
  if (!rc) rc = text_analyzer_new(&an, &err);
  if (!rc) rc = bench_queries_build(an, &titles, &heads, q, &err);
  if (!rc && (path_in(p1, sizeof p1, a->work, "files.txt") ||
              path_in(p2, sizeof p2, a->work, "queries.txt")))
    rc = lotse_err_set(&err, LOTSE_EINVAL, "work path too long");
  if (!rc) rc = write_list(files, p1, &err);
  if (!rc && path_in(p1, sizeof p1, a->work, "stopwords.txt"))
    rc = lotse_err_set(&err, LOTSE_EINVAL, "work path too long");
  if (!rc) rc = bench_queries_write(q, p2, p1, &err);
  for (size_t i = 0; !rc && i < q->n; i++) {
    int seen = 0, count = 0;
    for (size_t j = 0; j < q->n; j++) {
      int same = !strcmp(q->v[i].cat, q->v[j].cat);
      seen |= same && j < i;
      count += same;
    }
    char key[64];
    snprintf(key, sizeof key, "queries.%s", q->v[i].cat);
    if (!seen) bench_put(stdout, ENGINE, key, "%d", count);
  }
  text_analyzer_free(an);
  lotse_strv_release(&titles);
  lotse_strv_release(&heads);
  return rc ? fail("preparing queries", &err) : 0;
}

/* ------------------------------------------------------------ indexing */

static void on_progress(void *ctx, ingest_event_t ev, const char *path,
                        int done, int total, const char *msg) {
  (void)ctx;
  (void)done;
  (void)total;
  if (ev == INGEST_EV_FILE_FAILED)
    fprintf(stderr, "bench_search: not ingested: %s: %s\n", path, msg);
}

static void report_index(const ingest_summary_t *s, double sec, double cpu,
                         long long bytes, const store_stats_t *st) {
  bench_put(stdout, ENGINE, "files", "%d", s->files);
  bench_put(stdout, ENGINE, "failed", "%d", s->failed);
  bench_put(stdout, ENGINE, "bytes_in", "%lld", (long long)s->bytes_in);
  bench_put(stdout, ENGINE, "text_bytes", "%lld", (long long)s->text_bytes);
  bench_put(stdout, ENGINE, "index_seconds", "%.3f", sec);
  bench_put(stdout, ENGINE, "index_cpu_seconds", "%.3f", cpu);
  bench_put(stdout, ENGINE, "mbps_text", "%.2f",
            (double)s->text_bytes / MB / sec);
  bench_put(stdout, ENGINE, "mbps_in", "%.2f", (double)s->bytes_in / MB / sec);
  bench_put(stdout, ENGINE, "index_bytes", "%lld", bytes);
  bench_put(stdout, ENGINE, "passages", "%lld", (long long)st->chunks);
}

static int index_corpus(const char *db_path, const char *dir,
                        const lotse_strv_t *files) {
  store_t *st = NULL;
  lotse_err_t err = {0};
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.limits.ocr = 0;
  o.data_class = STORE_CLASS_OFFEN;
  ingest_summary_t sum;
  store_stats_t stats = {0};
  if (store_open(db_path, &st, &err)) return fail("opening the store", &err);
  fprintf(stderr, "bench_search: lotse indexing %zu files\n", files->n);
  double t0 = now_ms(), c0 = cpu_s();
  int rc = ingest_run(st, (const char *const *)files->v, files->n, &o,
                      on_progress, NULL, &sum, &err);
  double sec = (now_ms() - t0) / 1e3, cpu = cpu_s() - c0;
  if (!rc) rc = store_stats_get(st, &stats, &err);
  store_close(st); /* checkpoints the WAL: the size below is the index */
  if (rc) return fail("indexing", &err);
  report_index(&sum, sec, cpu, bench_du(dir), &stats);
  return 0;
}

/* ------------------------------------------------------------- queries */

static double thread_cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int run_one(search_t *s, const store_principal_t *p, const char *q,
                   search_result_t *res, double *ms, double *cpu) {
  lotse_err_t err = {0};
  search_opts_t o;
  search_opts_default(&o);
  double c0 = thread_cpu_ms(), t0 = now_ms();
  int rc = search_run(s, p, q, &o, res, &err);
  *ms = now_ms() - t0;
  *cpu = thread_cpu_ms() - c0;
  if (rc) fprintf(stderr, "bench_search: query '%s': %s\n", q, err.msg);
  return rc;
}

/* What the first measured round records: the top-10 sources per query
 * (lotse.hits, compared with the peer's by run.sh) and per query its time,
 * counts and FTS5 expression (lotse.queries.tsv, for finding slow ones). */
typedef struct record {
  FILE *hits, *detail;
  double nhits, total;
  int zero;
} record_t;

static void record_query(record_t *rec, size_t i, const bench_query_t *q,
                         const search_result_t *r, double ms) {
  fprintf(rec->hits, "%zu", i);
  for (size_t k = 0; k < r->n; k++)
    fprintf(rec->hits, "\t%s", r->hits[k].source);
  fputc('\n', rec->hits);
  fprintf(rec->detail, "%zu\t%s\t%.3f\t%lld\t%s\t%s\n", i, q->cat, ms,
          (long long)r->total, q->text, r->match ? r->match : "");
  rec->nhits += (double)r->n;
  rec->total += (double)r->total;
  rec->zero += r->n == 0;
}

static int time_queries(search_t *s, const bench_queries_t *q, int rounds,
                        record_t *rec, bench_lat_t *lat) {
  store_principal_t p;
  store_principal_anonymous(&p);
  double ms, cpu;
  int errors = 0;
  search_result_t r;
  for (size_t i = 0; i < q->n; i++) { /* warm-up */
    if (!run_one(s, &p, q->v[i].text, &r, &ms, &cpu))
      search_result_release(&r);
  }
  for (int round = 0; round < rounds; round++) {
    for (size_t i = 0; i < q->n; i++) {
      if (run_one(s, &p, q->v[i].text, &r, &ms, &cpu)) {
        errors++;
        continue;
      }
      if (round == 0) record_query(rec, i, &q->v[i], &r, ms);
      search_result_release(&r);
      if (bench_lat_add(lat, ms, cpu, q->v[i].cat)) return LOTSE_ENOMEM;
    }
  }
  double n = (double)q->n;
  bench_put(stdout, ENGINE, "queries", "%zu", q->n);
  bench_put(stdout, ENGINE, "errors", "%d", errors);
  bench_put(stdout, ENGINE, "hits_mean", "%.2f", rec->nhits / n);
  bench_put(stdout, ENGINE, "matches_mean", "%.1f", rec->total / n);
  bench_put(stdout, ENGINE, "zero_hits", "%d", rec->zero);
  return errors ? LOTSE_EINTERNAL : 0;
}

static int search_corpus(const char *db_path, const char *work,
                         const bench_queries_t *q, int rounds) {
  store_t *st = NULL;
  search_t *s = NULL;
  lotse_err_t err = {0};
  char hits[4096], detail[4096];
  if (path_in(hits, sizeof hits, work, "lotse.hits") ||
      path_in(detail, sizeof detail, work, "lotse.queries.tsv"))
    return 1;
  if (store_open(db_path, &st, &err) || search_new(st, &s, &err)) {
    store_close(st);
    return fail("opening the searcher", &err);
  }
  record_t rec = {fopen(hits, "w"), fopen(detail, "w"), 0, 0, 0};
  bench_lat_t lat = {0};
  fprintf(stderr, "bench_search: lotse timing %zu queries x %d rounds\n",
          q->n, rounds);
  int rc = rec.hits && rec.detail ? time_queries(s, q, rounds, &rec, &lat)
                                  : LOTSE_EIO;
  if (rec.hits) fclose(rec.hits);
  if (rec.detail) fclose(rec.detail);
  bench_lat_print(&lat, ENGINE, stdout);
  bench_lat_release(&lat);
  search_free(s);
  store_close(st);
  if (rc) fprintf(stderr, "bench_search: timing queries failed\n");
  return rc ? 1 : 0;
}

/* ---------------------------------------------------------------- main */

static int parse_args(int argc, char **argv, bench_args_t *a) {
  a->data = BENCH_SOURCE_DIR "/../shared/data";
  a->work = NULL;
  a->rounds = 3;
  a->index_only = 0;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(argv[i], "--data") && v) a->data = argv[++i];
    else if (!strcmp(argv[i], "--work") && v) a->work = argv[++i];
    else if (!strcmp(argv[i], "--rounds") && v) a->rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--index-only")) a->index_only = 1;
    else return 2;
  }
  return a->rounds >= 1 && a->rounds <= 100 ? 0 : 2;
}

static int make_work(bench_args_t *a, char *tmpl) {
  lotse_err_t err = {0};
  if (!a->work) {
    if (!mkdtemp(tmpl)) return 1;
    a->work = tmpl;
  }
  return lotse_mkdir_p(a->work, &err) ? fail("work directory", &err) : 0;
}

int main(int argc, char **argv) {
  bench_args_t a;
  if (parse_args(argc, argv, &a)) {
    fprintf(stderr, "usage: bench_search [--data DIR] [--work DIR] "
                    "[--rounds N] [--index-only]\n");
    return 2;
  }
  char tmpl[] = "/tmp/lotse-bench-XXXXXX", dir[4096], db[4096];
  if (make_work(&a, tmpl) || path_in(dir, sizeof dir, a.work, "lotse") ||
      path_in(db, sizeof db, dir, "lotse.db")) {
    fprintf(stderr, "bench_search: unable to use work directory\n");
    return 1;
  }
  lotse_strv_t files = {0};
  bench_queries_t q = {0};
  lotse_err_t err = {0};
  int rc = prepare(&a, &files, &q);
  if (!rc && bench_du(dir) > 0) {
    fprintf(stderr, "bench_search: %s is not empty; use a fresh --work\n",
            dir);
    rc = 2;
  }
  if (!rc && lotse_mkdir_p(dir, &err)) rc = fail("store directory", &err);
  if (!rc) {
    fprintf(stderr, "bench_search: work directory %s\n", a.work);
    warm_page_cache(&files);
    rc = index_corpus(db, dir, &files);
  }
  if (!rc && !a.index_only) rc = search_corpus(db, a.work, &q, a.rounds);
  bench_queries_release(&q);
  lotse_strv_release(&files);
  return rc;
}
