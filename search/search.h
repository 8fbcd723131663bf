/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/search.h — German full-text search over the store with citations,
 * filtered by the caller's access rights before ranking.
 *
 * Query language (what staff type):
 *   words            any of the words (ranked OR; more matching words rank
 *                    higher); compounds also match their parts and the
 *                    other way round
 *   "a phrase"       the words in this order
 *   wort*            prefix
 *   +wort            the word must occur
 *   -wort            the word must not occur in the document
 * Ranking: BM25 with field weights title > heading > body.
 *
 * Contract: a hit, a count or a snippet is only ever produced for chunks of
 * documents the principal may read (STORE_ACL_SQL is part of the candidate
 * query itself). Equal input gives equal order (ties by doc id, chunk id).
 */
#ifndef LOTSE_SEARCH_H
#define LOTSE_SEARCH_H

#include "base/base.h"
#include "store/store.h"

typedef struct search search_t;

/* A searcher holds the analyzer and prepared statements for one store;
 * use it from one thread. */
int search_new(store_t *st, search_t **out, lotse_err_t *err);
void search_free(search_t *s); /* NULL is a no-op */

typedef struct search_opts {
  int limit;            /* hits to return (default 10, max 1000) */
  int offset;           /* for paging */
  int per_document;     /* 1: best passage per document (default) */
  const char *mark_open;  /* snippet highlight, default "[" */
  const char *mark_close; /* default "]" */
  int snippet_tokens;   /* snippet length in tokens, default 24 */
  double w_title, w_heading, w_body; /* BM25 field weights (0 = default) */
} search_opts_t;

void search_opts_default(search_opts_t *o);

typedef struct search_hit {
  int64_t doc_id;
  int64_t chunk_id;
  char *title;
  char *source;
  char *section; /* heading path, "" if none */
  int page;      /* 0 if the format has no pages */
  double score;  /* higher is better */
  char *snippet;
  char *mime;
  int data_class;
} search_hit_t;

typedef struct search_result {
  search_hit_t *hits;
  size_t n;
  int64_t total;     /* matching visible documents (or passages when
                        per_document is 0) */
  char *match;       /* the FTS5 expression that was run (for debugging) */
  double millis;
} search_result_t;

/* Run a query for principal p. An empty query or one with only stop words
 * gives zero hits, not an error; a malformed query (unbalanced quote) is
 * LOTSE_EINVAL with a message that says what is wrong. */
int search_run(search_t *s, const store_principal_t *p, const char *query,
               const search_opts_t *o, search_result_t *res,
               lotse_err_t *err);
void search_result_release(search_result_t *res);

/* Build the FTS5 MATCH expressions for a query (exposed for tests and
 * `lotse analyze`): *match selects passages; *exclude (NULL when the query
 * has no -word) selects passages whose documents are dropped, so an
 * excluded word removes the whole document, not just one passage. Caller
 * frees both; *match is NULL when nothing searchable is left. */
int search_query_build(search_t *s, const char *query, char **match,
                       char **exclude, lotse_err_t *err);

#endif
