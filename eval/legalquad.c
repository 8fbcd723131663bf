/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/legalquad.c — retrieval quality on LegalQuAD (200 German questions,
 * 200 labour-court decisions, one relevant decision per question).
 *
 * Corpus = the 200 contexts, each ingested through lotse's real pipeline
 * (ingest_one: extraction, chunking, store, lotse_de tokenizer); queries =
 * the 200 questions run through search_run() as typed (OR semantics, best
 * passage per document). Printed next to it, measured in the same run: the
 * baseline of FTS5's built-in unicode61 tokenizer over whole contexts with
 * the question's words OR-ed.
 *
 * Usage: eval_legalquad LegalQuAD.json [--min-ndcg X] [--chunk BYTES]
 * Exit 0; 1 when lotse's nDCG@10 is below X; 2 on bad input.
 */
#include "base/base.h"
#include "ingest/ingest.h"
#include "search/search.h"
#include "store/store.h"
#include "squad.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef squad_qa_t qa_t;

typedef struct metrics {
  double ndcg, mrr, recall10, recall100;
} metrics_t;

static void add_rank(metrics_t *m, int rank /* 1-based, 0 = not found */) {
  if (rank <= 0) return;
  if (rank <= 10) {
    m->ndcg += 1.0 / log2(rank + 1.0);
    m->mrr += 1.0 / rank;
    m->recall10 += 1;
  }
  if (rank <= 100) m->recall100 += 1;
}

static void print_row(const char *name, const metrics_t *m, int n) {
  printf("| %-44s | %.3f | %.3f | %.3f | %.3f |\n", name, m->ndcg / n,
         m->mrr / n, m->recall10 / n, m->recall100 / n);
}

/* ----------------------------------------------------------- lotse's run */

static size_t g_chunk; /* --chunk: passage size to evaluate, 0 = default */

static int lotse_run(json_t *contexts, const qa_t *qa, int nq, metrics_t *m,
                     double *ingest_s, double *query_ms) {
  char dir[] = "/tmp/lotse-eval-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char db[128];
  snprintf(db, sizeof db, "%s/lotse.db", dir);
  lotse_err_t err = {0};
  store_t *st;
  search_t *s;
  if (store_open(db, &st, &err)) goto fail;
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = STORE_CLASS_OFFEN;
  if (g_chunk) o.chunk_target = g_chunk;
  double t0 = lotse_now_mono();
  size_t i;
  json_t *ctx;
  json_array_foreach(contexts, i, ctx) {
    /* The source names the document and becomes its title: spell the
     * index in letters so that no number in a question matches a title. */
    char src[64];
    snprintf(src, sizeof src, "legalquad:q%c%c", 'a' + (int)(i / 26),
             'a' + (int)(i % 26));
    const char *text = json_string_value(ctx);
    store_put_result_t r;
    if (ingest_one(st, src, text, strlen(text), 0, &o, &r, NULL, &err))
      goto fail;
    if (r.doc_id != (int64_t)i + 1) {
      fprintf(stderr, "unexpected doc id\n");
      return 1;
    }
  }
  *ingest_s = lotse_now_mono() - t0;
  if (search_new(st, &s, &err)) goto fail;
  store_principal_t p;
  store_principal_anonymous(&p);
  search_opts_t so;
  search_opts_default(&so);
  so.limit = 100;
  t0 = lotse_now_mono();
  for (int q = 0; q < nq; q++) {
    search_result_t res;
    if (search_run(s, &p, qa[q].question, &so, &res, &err)) goto fail;
    int rank = 0;
    for (size_t h = 0; h < res.n && !rank; h++)
      if (res.hits[h].doc_id == qa[q].doc + 1) rank = (int)h + 1;
    add_rank(m, rank);
    search_result_release(&res);
  }
  *query_ms = (lotse_now_mono() - t0) * 1000.0 / nq;
  search_free(s);
  store_close(st);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", dir);
  return 0;
fail:
  fprintf(stderr, "eval: %s\n", err.msg);
  return 1;
}

/* ------------------------------------------------- the unicode61 baseline */

/* The question's words, each quoted, OR-ed (unicode61 decides the words). */
static char *or_query(const char *q) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  const unsigned char *p = (const unsigned char *)q;
  while (*p) {
    while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') ||
                   ((*p | 32) >= 'a' && (*p | 32) <= 'z')))
      p++;
    const unsigned char *s = p;
    while (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
           ((*p | 32) >= 'a' && (*p | 32) <= 'z'))
      p++;
    if (p > s)
      lotse_buf_printf(&b, "%s\"%.*s\"", b.len ? " OR " : "", (int)(p - s),
                       (const char *)s);
  }
  return lotse_buf_detach(&b);
}

static int baseline_run(json_t *contexts, const qa_t *qa, int nq,
                        metrics_t *m) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, "
                   "tokenize='unicode61')",
               NULL, NULL, NULL);
  sqlite3_stmt *ins, *q;
  sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES(?, ?)", -1, &ins,
                     NULL);
  size_t i;
  json_t *ctx;
  json_array_foreach(contexts, i, ctx) {
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
    sqlite3_bind_text(ins, 2, json_string_value(ctx), -1, SQLITE_STATIC);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank "
                         "LIMIT 100", -1, &q, NULL);
  for (int k = 0; k < nq; k++) {
    char *expr = or_query(qa[k].question);
    sqlite3_bind_text(q, 1, expr, -1, SQLITE_TRANSIENT);
    int rank = 0, pos = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
      pos++;
      if (!rank && sqlite3_column_int64(q, 0) == qa[k].doc + 1) rank = pos;
    }
    sqlite3_reset(q);
    free(expr);
    add_rank(m, rank);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return 0;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: eval_legalquad LegalQuAD.json [--min-ndcg X] "
                    "[--chunk BYTES]\n");
    return 2;
  }
  double min_ndcg = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--min-ndcg")) min_ndcg = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--chunk")) g_chunk = (size_t)atol(argv[i + 1]);
    else {
      fprintf(stderr, "eval: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  json_t *root, *contexts;
  qa_t *qa;
  int nq;
  int rc = squad_load(argv[1], 0, &root, &contexts, &qa, &nq);
  if (rc) return rc;
  metrics_t ours = {0}, base = {0};
  double ingest_s = 0, query_ms = 0;
  if (lotse_run(contexts, qa, nq, &ours, &ingest_s, &query_ms) ||
      baseline_run(contexts, qa, nq, &base))
    return 1;
  printf("LegalQuAD: %zu documents, %d queries\n\n", json_array_size(contexts),
         nq);
  printf("| %-44s | nDCG@10 | MRR@10 | Recall@10 | Recall@100 |\n", "system");
  printf("|---|---|---|---|---|\n");
  printf("| %-44s | 0.768 | 0.732 | 0.880 | 0.995 |\n",
         "BM25 (bm25s, MTEB; published)");
  print_row("FTS5 unicode61, words OR-ed (measured here)", &base, nq);
  print_row("lotse (lotse_de analysis, passages)", &ours, nq);
  printf("\nlotse: ingest %.2f s, mean query %.2f ms\n", ingest_s, query_ms);
  double ndcg = ours.ndcg / nq;
  json_decref(contexts);
  json_decref(root);
  free(qa);
  if (min_ndcg > 0 && ndcg < min_ndcg) {
    printf("FAIL: nDCG@10 %.3f below the gate %.3f\n", ndcg, min_ndcg);
    return 1;
  }
  return 0;
}
