/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/search_internal.h — shared by the files of search/: the searcher,
 * the compiled query, the document map and the snippet maker.
 */
#ifndef LOTSE_SEARCH_INTERNAL_H
#define LOTSE_SEARCH_INTERNAL_H

#include "search/search.h"
#include "text/text.h"

/* A query after parsing and analysis (search/query.c). */
typedef struct search_query {
  char *match;            /* FTS5 expression selecting passages */
  char *exclude;          /* FTS5 expression of -words, or NULL */
  lotse_strv_t terms;     /* analysed terms to highlight */
  lotse_strv_t prefixes;  /* folded prefixes to highlight */
} search_query_t;

int search_query_compile(search_t *s, const char *query, search_query_t *q,
                         lotse_err_t *err);
void search_query_release(search_query_t *q);

/* Which document each indexed passage belongs to and which documents a
 * principal may read (search/docmap.c). Rebuilt when the database changed
 * (PRAGMA data_version, or this connection's own changes). */
typedef struct search_docmap {
  int64_t data_version, own_changes; /* what the map was built from */
  int valid;
  int64_t *chunk_doc;   /* indexed by chunk id; 0 = not indexed */
  int64_t nchunks;      /* array length (max chunk id + 1) */
  int64_t ndocs;        /* max doc id + 1 */
  uint32_t *colsize;    /* tokens per indexed chunk, all columns */
  double avglen;        /* mean of colsize over indexed chunks */
  uint64_t *visible;    /* bit per doc id for vis_user/vis_clearance */
  int vis_valid;
  int64_t vis_user;
  unsigned vis_clearance;
} search_docmap_t;

int search_docmap_refresh(search_t *s, const store_principal_t *p,
                          lotse_err_t *err);
void search_docmap_release(search_docmap_t *m);

static inline int search_docmap_visible(const search_docmap_t *m,
                                        int64_t doc) {
  return doc > 0 && doc < m->ndocs &&
         (m->visible[doc >> 6] >> (doc & 63) & 1);
}

/* Register the ranking function lotse_bm25 (search/rank.c). */
int search_rank_register(sqlite3 *db, lotse_err_t *err);

/* Snippet of text around the query's terms, hits between the marks
 * (search/snippet.c). Caller frees. */
char *search_snippet_make(search_t *s, const search_query_t *q,
                          const char *text, const search_opts_t *o);

struct search {
  store_t *st;
  text_analyzer_t *an;
  search_docmap_t map;
};

#endif
