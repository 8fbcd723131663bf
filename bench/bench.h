/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/bench.h — shared pieces of the search benchmark (bench_search):
 * the corpus file list, the query set generated from the corpus, and the
 * latency statistics.
 *
 * Contract: everything here is deterministic. The same corpus gives the
 * same file list (sorted by path) and the same queries in the same order,
 * so lotse and the Xapian peer (bench/xapian_peer.cc), which reads the
 * files written here, measure exactly the same work.
 * Output protocol (stdout, one result per line, read by bench/report.awk):
 *   R<TAB>engine<TAB>key<TAB>value
 */
#ifndef LOTSE_BENCH_H
#define LOTSE_BENCH_H

#include "base/base.h"
#include "text/text.h"

#include <stdio.h>

/* ------------------------------------------------------ bench/corpus.c */

/* Paths below the data root (../shared/data relative to the repository). */
#define BENCH_GAZETTE_DIR "corpora/nds-verkuendung-2024/plaintext"
#define BENCH_GAZETTE_META "corpora/nds-verkuendung-2024/metadata.csv"
#define BENCH_LAWS_DIR "corpora/gesetze"

/* The corpus: gazette *.txt and laws <law>/index.md, absolute, sorted. Fails
 * with LOTSE_ENOTFOUND and a message naming the missing directory. */
int bench_corpus_files(const char *data_root, lotse_strv_t *files,
                       lotse_err_t *err);

/* Titles of the gazette (column "title" of metadata.csv, file order). */
int bench_corpus_titles(const char *data_root, lotse_strv_t *titles,
                        lotse_err_t *err);

/* Section headings of the laws ("#### § 1 Anwendungsbereich" gives
 * "Anwendungsbereich"), in file order. */
int bench_corpus_headings(const lotse_strv_t *files, lotse_strv_t *heads,
                          lotse_err_t *err);

/* ----------------------------------------------------- bench/queries.c */

typedef struct bench_query {
  char *cat;  /* "title", "word", "heading", "long", "compound" */
  char *text; /* words separated by single spaces, no query syntax */
} bench_query_t;

typedef struct bench_queries {
  bench_query_t *v;
  size_t n, cap;
  lotse_strv_t stopwords; /* lower-cased words lotse drops, for the peer */
} bench_queries_t;

/* Build the query set from titles and headings; an's stop word decision
 * also fills q->stopwords so the peer drops exactly the same words. */
int bench_queries_build(text_analyzer_t *an, const lotse_strv_t *titles,
                        const lotse_strv_t *heads, bench_queries_t *q,
                        lotse_err_t *err);
void bench_queries_release(bench_queries_t *q);

/* Write "cat<TAB>text" lines and the stop word list (one per line). */
int bench_queries_write(const bench_queries_t *q, const char *path,
                        const char *stop_path, lotse_err_t *err);

/* ------------------------------------------------------- bench/stats.c */

typedef struct bench_lat {
  double *ms;  /* wall time, one sample per query and round */
  double *cpu; /* CPU time of the thread for the same sample */
  const char **cat; /* category of each sample (borrowed) */
  size_t n, cap;
} bench_lat_t;

int bench_lat_add(bench_lat_t *l, double ms, double cpu_ms, const char *cat);
void bench_lat_release(bench_lat_t *l);

/* Print p50/p95/p99/mean/max of wall time and p50/p95 of CPU time over
 * all samples, then wall p95 per category, as R lines for engine. */
void bench_lat_print(const bench_lat_t *l, const char *engine, FILE *out);

/* Print one R line. */
void bench_put(FILE *out, const char *engine, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Bytes of all regular files below path (recursive); -1 on error. */
long long bench_du(const char *path);

#endif
