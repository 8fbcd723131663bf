/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/search.c — running a query: ACL-filtered FTS5 candidates, BM25
 * with field weights, best passage per document, snippets for the page
 * that is returned.
 *
 * Contract: the ACL condition is part of the candidate query, so rows the
 * principal may not read never reach ranking, counting or snippets.
 * Invariants: (1) scores are finite and higher is better; (2) ties break by
 * doc id, then chunk id, ascending.
 */
#include "search/search_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void search_opts_default(search_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->limit = 10;
  o->per_document = 1;
  o->mark_open = "[";
  o->mark_close = "]";
  o->snippet_tokens = 24;
  o->w_title = 4.0;
  o->w_heading = 2.0;
  o->w_body = 1.0;
}

int search_new(store_t *st, search_t **out, lotse_err_t *err) {
  *out = NULL;
  search_t *s = calloc(1, sizeof *s);
  if (!s) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  s->st = st;
  int rc = search_rank_register(store_db(st), err);
  if (!rc) rc = text_analyzer_new(&s->an, err);
  if (rc) {
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

void search_free(search_t *s) {
  if (!s) return;
  search_docmap_release(&s->map);
  text_analyzer_free(s->an);
  free(s);
}

void search_result_release(search_result_t *r) {
  for (size_t i = 0; i < r->n; i++) {
    search_hit_t *h = &r->hits[i];
    free(h->title);
    free(h->source);
    free(h->section);
    free(h->snippet);
    free(h->mime);
  }
  free(r->hits);
  free(r->match);
  memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------ candidates */

typedef struct cand {
  int64_t doc_id, chunk_id;
  double score;
} cand_t;

typedef struct cands {
  cand_t *v;
  size_t n, cap;
} cands_t;

static int cand_cmp(const void *a, const void *b) {
  const cand_t *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  if (x->doc_id != y->doc_id) return x->doc_id < y->doc_id ? -1 : 1;
  return (x->chunk_id > y->chunk_id) - (x->chunk_id < y->chunk_id);
}

static int cands_push(cands_t *c, int64_t doc, int64_t chunk, double score) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    cand_t *v = realloc(c->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = (cand_t){doc, chunk, score};
  return 0;
}

/* Keep the best passage of each document, in one pass: best[] maps a
 * document to its slot in the output (slot + 1; 0 = not seen yet). */
static int keep_best_per_doc(search_t *s, cands_t *c) {
  int64_t nd = s->map.ndocs;
  int32_t *best = calloc((size_t)nd, sizeof *best);
  if (!best) return LOTSE_ENOMEM;
  size_t w = 0;
  for (size_t i = 0; i < c->n; i++) {
    int64_t d = c->v[i].doc_id;
    if (!best[d]) {
      c->v[w] = c->v[i];
      best[d] = (int32_t)++w;
    } else if (cand_cmp(&c->v[i], &c->v[best[d] - 1]) < 0) {
      c->v[best[d] - 1] = c->v[i];
    }
  }
  c->n = w;
  free(best);
  return 0;
}

/* Passages matching the expression, scored, filtered by the principal's
 * readable documents before anything is ranked or counted. */
static const char *const CAND_SQL =
    "SELECT rowid, lotse_bm25(chunk_fts, ?5, ?2, ?3, ?4) FROM chunk_fts "
    "WHERE chunk_fts MATCH ?1";

static int candidates(search_t *s, const char *match, const search_opts_t *o,
                      cands_t *c, lotse_err_t *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(store_db(s->st), CAND_SQL, -1, &q, NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search");
  sqlite3_bind_text(q, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_double(q, 2, o->w_title);
  sqlite3_bind_double(q, 3, o->w_heading);
  sqlite3_bind_double(q, 4, o->w_body);
  sqlite3_bind_pointer(q, 5, &s->map, "lotse_docmap", NULL);
  const search_docmap_t *m = &s->map;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t chunk = sqlite3_column_int64(q, 0);
    int64_t doc = chunk > 0 && chunk < m->nchunks ? m->chunk_doc[chunk] : 0;
    if (!search_docmap_visible(m, doc)) continue;
    double score = -sqlite3_column_double(q, 1); /* bm25: lower is better */
    if (!isfinite(score)) score = 0;
    if (cands_push(c, doc, chunk, score)) {
      sqlite3_finalize(q);
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    }
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? 0 : store_err_db(s->st, err, "search");
}

/* Drop candidates of documents that have a passage matching exclude. */
static int drop_excluded(search_t *s, const char *exclude, cands_t *c,
                         lotse_err_t *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(store_db(s->st),
                         "SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH ?",
                         -1, &q, NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search");
  sqlite3_bind_text(q, 1, exclude, -1, SQLITE_STATIC);
  const search_docmap_t *m = &s->map;
  uint64_t *bad = calloc((size_t)(m->ndocs + 63) / 64, sizeof *bad);
  if (!bad) {
    sqlite3_finalize(q);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t chunk = sqlite3_column_int64(q, 0);
    int64_t doc = chunk > 0 && chunk < m->nchunks ? m->chunk_doc[chunk] : 0;
    if (doc > 0 && doc < m->ndocs) bad[doc >> 6] |= 1ull << (doc & 63);
  }
  sqlite3_finalize(q);
  size_t w = 0;
  for (size_t i = 0; i < c->n; i++)
    if (!(bad[c->v[i].doc_id >> 6] >> (c->v[i].doc_id & 63) & 1))
      c->v[w++] = c->v[i];
  c->n = w;
  free(bad);
  return rc == SQLITE_DONE ? 0 : store_err_db(s->st, err, "search");
}

/* ---------------------------------------------------------------- details */

static const char *const HIT_SQL =
    "SELECT v.title, d.source, c.heading, c.page, v.mime, d.data_class, "
    "c.text FROM chunks c JOIN doc_versions v ON v.id = c.version_id "
    "JOIN documents d ON d.id = v.doc_id WHERE c.id = :id AND " STORE_ACL_SQL;

static int hit_fill(search_t *s, const search_query_t *qq, sqlite3_stmt *q,
                    const cand_t *c, const search_opts_t *o,
                    search_hit_t *h) {
  h->doc_id = c->doc_id;
  h->chunk_id = c->chunk_id;
  h->score = c->score;
  h->title = store_col_dup_text(q, 0);
  h->source = store_col_dup_text(q, 1);
  h->section = store_col_dup_text(q, 2);
  h->page = sqlite3_column_int(q, 3);
  h->mime = store_col_dup_text(q, 4);
  h->data_class = sqlite3_column_int(q, 5);
  const char *text = (const char *)sqlite3_column_text(q, 6);
  h->snippet = search_snippet_make(s, qq, text ? text : "", o);
  if (!h->title || !h->source || !h->section || !h->mime || !h->snippet)
    return LOTSE_ENOMEM;
  return 0;
}

static int details(search_t *s, const store_principal_t *p,
                   const search_query_t *qq, const search_opts_t *o,
                   const cand_t *v, size_t n, search_result_t *res,
                   lotse_err_t *err) {
  if (!n) return 0;
  res->hits = calloc(n, sizeof *res->hits);
  if (!res->hits) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(store_db(s->st), HIT_SQL, -1, &q, NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search details");
  store_acl_bind(q, p);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":id"),
                       v[i].chunk_id);
    int step = sqlite3_step(q);
    /* Defence in depth: the ACL is checked again on the row shown. */
    if (step == SQLITE_ROW) {
      rc = hit_fill(s, qq, q, &v[i], o, &res->hits[res->n++]);
      if (rc) lotse_err_set(err, rc, "out of memory");
    } else if (step != SQLITE_DONE) {
      rc = store_err_db(s->st, err, "search details");
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return rc;
}

/* ------------------------------------------------------------------- run */

static void opts_fix(const search_opts_t *in, search_opts_t *o) {
  search_opts_default(o);
  if (!in) return;
  *o = *in;
  if (o->limit <= 0) o->limit = 10;
  if (o->limit > 1000) o->limit = 1000;
  if (o->offset < 0) o->offset = 0;
  if (!o->mark_open) o->mark_open = "[";
  if (!o->mark_close) o->mark_close = "]";
  if (o->snippet_tokens <= 0 || o->snippet_tokens > 64) o->snippet_tokens = 24;
  if (o->w_title <= 0) o->w_title = 4.0;
  if (o->w_heading <= 0) o->w_heading = 2.0;
  if (o->w_body <= 0) o->w_body = 1.0;
}

static int run_locked(search_t *s, const store_principal_t *p,
                      const search_query_t *q, const search_opts_t *o,
                      search_result_t *res, lotse_err_t *err) {
  int rc = search_docmap_refresh(s, p, err);
  cands_t c = {0};
  if (!rc) rc = candidates(s, q->match, o, &c, err);
  if (!rc && q->exclude) rc = drop_excluded(s, q->exclude, &c, err);
  if (!rc && o->per_document && keep_best_per_doc(s, &c))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) {
    if (c.n) qsort(c.v, c.n, sizeof *c.v, cand_cmp);
    res->total = (int64_t)c.n;
    size_t from = (size_t)o->offset < c.n ? (size_t)o->offset : c.n;
    size_t n = c.n - from < (size_t)o->limit ? c.n - from : (size_t)o->limit;
    rc = details(s, p, q, o, c.v + from, n, res, err);
  }
  free(c.v);
  return rc;
}

int search_run(search_t *s, const store_principal_t *p, const char *query,
               const search_opts_t *in, search_result_t *res,
               lotse_err_t *err) {
  memset(res, 0, sizeof *res);
  double t0 = lotse_now_mono();
  search_opts_t o;
  opts_fix(in, &o);
  search_query_t q;
  int rc = search_query_compile(s, query, &q, err);
  if (rc || !q.match) {
    search_query_release(&q);
    return rc;
  }
  /* One read transaction: maps, candidates and details see one snapshot. */
  sqlite3 *db = store_db(s->st);
  int own_tx = sqlite3_get_autocommit(db);
  if (own_tx && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    rc = store_err_db(s->st, err, "search");
  if (!rc) rc = run_locked(s, p, &q, &o, res, err);
  if (own_tx && !sqlite3_get_autocommit(db))
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  res->match = q.match;
  q.match = NULL;
  search_query_release(&q);
  res->millis = (lotse_now_mono() - t0) * 1000.0;
  if (rc) search_result_release(res);
  return rc;
}
