/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/doc_read.c — loading one document for display, behind the ACL.
 *
 * Contract: a document the principal may not read is reported exactly like
 * a missing one (LOTSE_ENOTFOUND), so its existence does not leak.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

void store_doc_free(store_doc_t *d) {
  if (!d) return;
  free(d->source);
  free(d->title);
  free(d->mime);
  free(d->sha256);
  free(d->groups);
  free(d->metadata);
  for (size_t i = 0; i < d->nversions; i++) free(d->versions[i].sha256);
  free(d->versions);
  for (size_t i = 0; i < d->nchunks; i++) {
    free(d->chunks[i].heading);
    free(d->chunks[i].text);
  }
  free(d->chunks);
  free(d);
}

static int load_head(store_t *st, const store_principal_t *p, int64_t id,
                     store_doc_t *d, int64_t *vid, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "SELECT d.id, d.source, v.title, v.mime, v.sha256, "
                         "v.size, v.mtime, d.created_at, d.updated_at, "
                         "d.data_class, d.current_version, v.metadata, v.id "
                         "FROM documents d JOIN doc_versions v ON "
                         "v.doc_id = d.id AND v.version = d.current_version "
                         "WHERE d.id = :id AND " STORE_ACL_SQL,
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), id);
  store_acl_bind(s, p);
  rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_err_db(st, err, "document");
    return lotse_err_set(err, LOTSE_ENOTFOUND, "document %lld not found",
                         (long long)id);
  }
  d->id = sqlite3_column_int64(s, 0);
  d->source = store_col_dup(s, 1);
  d->title = store_col_dup(s, 2);
  d->mime = store_col_dup(s, 3);
  d->sha256 = store_col_dup(s, 4);
  d->size = sqlite3_column_int64(s, 5);
  d->mtime = sqlite3_column_int64(s, 6);
  d->created_at = sqlite3_column_int64(s, 7);
  d->updated_at = sqlite3_column_int64(s, 8);
  d->data_class = sqlite3_column_int(s, 9);
  d->version = sqlite3_column_int(s, 10);
  d->metadata = store_col_dup(s, 11);
  *vid = sqlite3_column_int64(s, 12);
  sqlite3_finalize(s);
  if (!d->source || !d->title || !d->mime || !d->sha256)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

static int load_versions(store_t *st, store_doc_t *d, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "SELECT version, sha256, size, ingested_at FROM "
                         "doc_versions WHERE doc_id = ? ORDER BY version",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, d->id);
  size_t cap = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (d->nversions == cap) {
      cap = cap ? cap * 2 : 4;
      void *nv = realloc(d->versions, cap * sizeof *d->versions);
      if (!nv) break;
      d->versions = nv;
    }
    store_version_out_t *v = &d->versions[d->nversions++];
    v->version = sqlite3_column_int(s, 0);
    v->sha256 = store_col_dup(s, 1);
    v->size = sqlite3_column_int64(s, 2);
    v->ingested_at = sqlite3_column_int64(s, 3);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE)
    return rc == SQLITE_ROW ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory")
                            : store_err_db(st, err, "versions");
  return 0;
}

static int load_chunks(store_t *st, store_doc_t *d, int64_t vid,
                       lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "SELECT id, ord, heading, page, text, start_off, "
                         "end_off FROM chunks WHERE version_id = ? "
                         "ORDER BY ord",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, vid);
  size_t cap = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (d->nchunks == cap) {
      cap = cap ? cap * 2 : 16;
      void *nc = realloc(d->chunks, cap * sizeof *d->chunks);
      if (!nc) break;
      d->chunks = nc;
    }
    store_chunk_out_t *c = &d->chunks[d->nchunks++];
    c->id = sqlite3_column_int64(s, 0);
    c->ord = sqlite3_column_int(s, 1);
    c->heading = store_col_dup(s, 2);
    c->page = sqlite3_column_int(s, 3);
    c->text = store_col_dup(s, 4);
    c->start = sqlite3_column_int64(s, 5);
    c->end = sqlite3_column_int64(s, 6);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE)
    return rc == SQLITE_ROW ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory")
                            : store_err_db(st, err, "chunks");
  return 0;
}

int store_doc_get(store_t *st, const store_principal_t *p, int64_t id,
                  store_doc_t **out, lotse_err_t *err) {
  *out = NULL;
  store_doc_t *d = calloc(1, sizeof *d);
  if (!d) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int64_t vid = 0;
  int rc = load_head(st, p, id, d, &vid, err);
  if (!rc) rc = load_versions(st, d, err);
  if (!rc) rc = load_chunks(st, d, vid, err);
  if (!rc) {
    store_doc_state_t state;
    rc = store_doc_state(st, d->source, &state, err);
    d->groups = state.groups;
  }
  if (rc) {
    store_doc_free(d);
    return rc;
  }
  *out = d;
  return 0;
}
