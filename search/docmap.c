/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/docmap.c — in-memory maps that let a query filter and group its
 * candidates without a join per matching passage: indexed chunk id ->
 * document id, and the set of documents the current principal may read.
 *
 * Why: a frequent word matches thousands of passages; looking up chunk,
 * version, document and access rows for each of them cost more than the
 * ranking itself. The maps are rebuilt when the database changed (another
 * connection committed: PRAGMA data_version; or this connection wrote:
 * sqlite3_total_changes), so a query never sees stale rights.
 * The visible set is computed with STORE_ACL_SQL, the one place where rights
 * are decided.
 */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

void search_docmap_release(search_docmap_t *m) {
  free(m->chunk_doc);
  free(m->colsize);
  free(m->visible);
  memset(m, 0, sizeof *m);
}

/* SQLite varint (as FTS5 stores column sizes): 7 bits per byte, high bit
 * set while more follow; the ninth byte carries 8 bits. */
static size_t get_varint(const unsigned char *p, size_t n, uint64_t *v) {
  *v = 0;
  for (size_t i = 0; i < n && i < 9; i++) {
    if (i == 8) {
      *v = (*v << 8) | p[i];
      return 9;
    }
    *v = (*v << 7) | (p[i] & 0x7f);
    if (!(p[i] & 0x80)) return i + 1;
  }
  return 0;
}

/* Token counts of every indexed passage, from FTS5's own %_docsize table,
 * for lotse_bm25() (search/rank.c). */
static int load_sizes(search_t *s, lotse_err_t *err) {
  search_docmap_t *m = &s->map;
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(store_db(s->st),
                         "SELECT id, sz FROM chunk_fts_docsize", -1, &q,
                         NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search sizes");
  double total = 0;
  int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(q, 0);
    const unsigned char *p = sqlite3_column_blob(q, 1);
    size_t n = (size_t)sqlite3_column_bytes(q, 1), off = 0, k;
    uint64_t sum = 0, v;
    while (p && off < n && (k = get_varint(p + off, n - off, &v))) {
      sum += v;
      off += k;
    }
    if (id > 0 && id < m->nchunks) m->colsize[id] = (uint32_t)sum;
    total += (double)sum;
    rows++;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return store_err_db(s->st, err, "search sizes");
  m->avglen = rows ? total / (double)rows : 0;
  return 0;
}

static int load_chunks(search_t *s, lotse_err_t *err) {
  sqlite3 *db = store_db(s->st);
  search_docmap_t *m = &s->map;
  int64_t maxc = store_scalar(s->st, "SELECT coalesce(max(id), 0) FROM chunks");
  int64_t maxd = store_scalar(s->st, "SELECT coalesce(max(id), 0) FROM documents");
  if (maxc < 0 || maxd < 0) return store_err_db(s->st, err, "search map");
  free(m->chunk_doc);
  free(m->colsize);
  free(m->visible);
  m->nchunks = maxc + 1;
  m->ndocs = maxd + 1;
  m->chunk_doc = calloc((size_t)m->nchunks, sizeof *m->chunk_doc);
  m->colsize = calloc((size_t)m->nchunks, sizeof *m->colsize);
  m->visible = calloc((size_t)(m->ndocs + 63) / 64, sizeof *m->visible);
  m->vis_valid = 0;
  if (!m->chunk_doc || !m->colsize || !m->visible)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(db,
                         "SELECT c.id, d.id FROM documents d JOIN doc_versions"
                         " v ON v.doc_id = d.id AND v.version = "
                         "d.current_version JOIN chunks c ON c.version_id = "
                         "v.id",
                         -1, &q, NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search map");
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t c = sqlite3_column_int64(q, 0);
    if (c > 0 && c < m->nchunks) m->chunk_doc[c] = sqlite3_column_int64(q, 1);
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return store_err_db(s->st, err, "search map");
  return load_sizes(s, err);
}

static int load_visible(search_t *s, const store_principal_t *p,
                        lotse_err_t *err) {
  search_docmap_t *m = &s->map;
  memset(m->visible, 0, (size_t)(m->ndocs + 63) / 64 * sizeof *m->visible);
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(store_db(s->st),
                         "SELECT d.id FROM documents d WHERE " STORE_ACL_SQL,
                         -1, &q, NULL) != SQLITE_OK)
    return store_err_db(s->st, err, "search rights");
  store_acl_bind(q, p);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t d = sqlite3_column_int64(q, 0);
    if (d > 0 && d < m->ndocs) m->visible[d >> 6] |= 1ull << (d & 63);
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return store_err_db(s->st, err, "search rights");
  m->vis_valid = 1;
  m->vis_user = p->user_id;
  m->vis_clearance = p->clearance;
  return 0;
}

int search_docmap_refresh(search_t *s, const store_principal_t *p,
                          lotse_err_t *err) {
  search_docmap_t *m = &s->map;
  sqlite3 *db = store_db(s->st);
  int64_t dv = store_scalar(s->st, "PRAGMA data_version");
  int64_t own = sqlite3_total_changes64(db);
  if (dv < 0) return store_err_db(s->st, err, "search map");
  int rc = 0;
  if (!m->valid || dv != m->data_version || own != m->own_changes) {
    m->valid = 0;
    if ((rc = load_chunks(s, err))) return rc;
    m->data_version = dv;
    m->own_changes = own;
    m->valid = 1;
  }
  if (!m->vis_valid || m->vis_user != p->user_id ||
      m->vis_clearance != p->clearance)
    rc = load_visible(s, p, err);
  return rc;
}
