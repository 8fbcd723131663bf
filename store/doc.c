/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/doc.c — writing and reading versioned documents.
 *
 * Invariants: (1) documents.source is unique; (2) only the current version's
 * chunks are in chunk_fts; (3) a version row, its chunks and their index
 * entries are written in the same transaction as documents.current_version,
 * so after a crash a document is either wholly there or wholly absent.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- groups */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, de-duplicated, comma-joined group list: the canonical form that
 * decides whether access changed. */
static char *groups_canon(const char *const *groups, size_t n) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  const char **v = calloc(n ? n : 1, sizeof *v);
  if (!v) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (groups[i] && *groups[i]) v[k++] = groups[i];
  qsort(v, k, sizeof *v, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < k && !rc; i++) {
    if (i && strcmp(v[i], v[i - 1]) == 0) continue;
    if (b.len) rc = lotse_buf_putc(&b, ',');
    if (!rc) rc = lotse_buf_puts(&b, v[i]);
  }
  free(v);
  if (rc) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

static char *doc_groups_read(store_t *st, int64_t doc_id) {
  sqlite3_stmt *s;
  if (store_prepare(st,
                    "SELECT group_concat(name, ',') FROM (SELECT g.name "
                    "FROM doc_groups dg JOIN groups g ON g.id = dg.group_id "
                    "WHERE dg.doc_id = ? ORDER BY g.name)",
                    &s, NULL))
    return NULL;
  sqlite3_bind_int64(s, 1, doc_id);
  char *r = NULL;
  if (sqlite3_step(s) == SQLITE_ROW) r = store_col_dup(s, 0);
  sqlite3_finalize(s);
  return r ? r : lotse_strdup("");
}

static int doc_groups_write(store_t *st, int64_t doc_id, const char *canon,
                            lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st, "DELETE FROM doc_groups WHERE doc_id = ?", &s,
                         err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, doc_id);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "doc_groups");
  char *list = lotse_strdup(canon), *save = NULL;
  if (!list) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  rc = 0;
  for (char *g = strtok_r(list, ",", &save); g && !rc;
       g = strtok_r(NULL, ",", &save)) {
    int64_t gid;
    if ((rc = store_name_id(st, "groups", g, 1, &gid, err))) break;
    if ((rc = store_prepare(st, "INSERT INTO doc_groups VALUES(?, ?)", &s,
                            err)))
      break;
    sqlite3_bind_int64(s, 1, doc_id);
    sqlite3_bind_int64(s, 2, gid);
    if (sqlite3_step(s) != SQLITE_DONE) rc = store_err_db(st, err, "group");
    sqlite3_finalize(s);
  }
  free(list);
  return rc;
}

/* ------------------------------------------------------------ doc state */

int store_doc_state(store_t *st, const char *source, store_doc_state_t *out,
                    lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "SELECT d.id, d.current_version, v.sha256, "
                         "d.data_class FROM documents d JOIN doc_versions v "
                         "ON v.doc_id = d.id AND v.version = d.current_version "
                         "WHERE d.source = ?",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    out->doc_id = sqlite3_column_int64(s, 0);
    out->version = sqlite3_column_int(s, 1);
    const unsigned char *sha = sqlite3_column_text(s, 2);
    snprintf(out->sha256, sizeof out->sha256, "%s", sha ? (char *)sha : "");
    out->data_class = sqlite3_column_int(s, 3);
    sqlite3_finalize(s);
    out->groups = doc_groups_read(st, out->doc_id);
    if (!out->groups) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    return 0;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "document lookup");
  return LOTSE_ENOTFOUND;
}

/* -------------------------------------------------------------- writing */

static int exec_id(store_t *st, const char *sql, int64_t id,
                   lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, id);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "write");
}

static int version_insert(store_t *st, int64_t doc_id, int version,
                          const store_doc_in_t *d, int64_t now,
                          int64_t *vid, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "INSERT INTO doc_versions(doc_id, version, title, "
                         "mime, sha256, size, mtime, ingested_at, metadata) "
                         "VALUES(?,?,?,?,?,?,?,?,?)",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, doc_id);
  sqlite3_bind_int(s, 2, version);
  sqlite3_bind_text(s, 3, d->title ? d->title : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, d->mime ? d->mime : "application/octet-stream",
                    -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, d->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, d->size);
  sqlite3_bind_int64(s, 7, d->mtime);
  sqlite3_bind_int64(s, 8, now);
  if (d->metadata) sqlite3_bind_text(s, 9, d->metadata, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "version insert");
  *vid = sqlite3_last_insert_rowid(st->db);
  return 0;
}

static int chunks_insert(store_t *st, int64_t vid, const store_chunk_t *c,
                         size_t n, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "INSERT INTO chunks(version_id, ord, heading, page, "
                         "text, start_off, end_off) VALUES(?,?,?,?,?,?,?)",
                         &s, err);
  if (rc) return rc;
  for (size_t i = 0; i < n && !rc; i++) {
    sqlite3_bind_int64(s, 1, vid);
    sqlite3_bind_int(s, 2, c[i].ord);
    sqlite3_bind_text(s, 3, c[i].heading ? c[i].heading : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(s, 4, c[i].page);
    sqlite3_bind_text(s, 5, c[i].text ? c[i].text : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, c[i].start);
    sqlite3_bind_int64(s, 7, c[i].end);
    if (sqlite3_step(s) != SQLITE_DONE) rc = store_err_db(st, err, "chunk");
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  if (rc) return rc;
  return exec_id(st,
                 "INSERT INTO chunk_fts(rowid, title, heading, body) "
                 "SELECT c.id, v.title, c.heading, c.text FROM chunks c "
                 "JOIN doc_versions v ON v.id = c.version_id "
                 "WHERE c.version_id = ?",
                 vid, err);
}

/* Remove the current version's chunks from the index (external content:
 * FTS5 needs the exact indexed values to delete them). */
static int index_drop_version(store_t *st, int64_t doc_id, int version,
                              lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "INSERT INTO chunk_fts(chunk_fts, rowid, title, "
                         "heading, body) SELECT 'delete', c.id, v.title, "
                         "c.heading, c.text FROM chunks c JOIN doc_versions v "
                         "ON v.id = c.version_id WHERE v.doc_id = ? AND "
                         "v.version = ?",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, doc_id);
  sqlite3_bind_int(s, 2, version);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "index delete");
}

static int doc_row_write(store_t *st, const store_doc_state_t *old,
                         const store_doc_in_t *d, int version, int64_t now,
                         int64_t *doc_id, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc;
  if (old) {
    rc = store_prepare(st,
                       "UPDATE documents SET current_version = ?, "
                       "data_class = ?, updated_at = ? WHERE id = ?",
                       &s, err);
    if (rc) return rc;
    sqlite3_bind_int(s, 1, version);
    sqlite3_bind_int(s, 2, d->data_class);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, old->doc_id);
    *doc_id = old->doc_id;
  } else {
    rc = store_prepare(st,
                       "INSERT INTO documents(source, current_version, "
                       "data_class, created_at, updated_at) "
                       "VALUES(?, ?, ?, ?, ?)",
                       &s, err);
    if (rc) return rc;
    sqlite3_bind_text(s, 1, d->source, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, version);
    sqlite3_bind_int(s, 3, d->data_class);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, now);
  }
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "document write");
  if (!old) *doc_id = sqlite3_last_insert_rowid(st->db);
  return 0;
}

static int put_locked(store_t *st, const store_doc_in_t *d, const char *canon,
                      const store_chunk_t *chunks, size_t n,
                      store_put_result_t *res, lotse_err_t *err) {
  store_doc_state_t old;
  int rc = store_doc_state(st, d->source, &old, err);
  if (rc && rc != LOTSE_ENOTFOUND) return rc;
  int exists = (rc == 0);
  rc = 0;
  int64_t now = lotse_now_unix();
  int64_t doc_id = 0, vid = 0;
  if (exists && strcmp(old.sha256, d->sha256) == 0) {
    int same = old.data_class == d->data_class && !strcmp(old.groups, canon);
    res->doc_id = old.doc_id;
    res->version = old.version;
    res->status = same ? STORE_PUT_UNCHANGED : STORE_PUT_ACCESS;
    rc = same ? 0
              : doc_row_write(st, &old, d, old.version, now, &doc_id, err);
    if (!rc && !same) rc = doc_groups_write(st, old.doc_id, canon, err);
    free(old.groups);
    return rc;
  }
  int version = exists ? old.version + 1 : 1;
  if (exists) rc = index_drop_version(st, old.doc_id, old.version, err);
  if (!rc)
    rc = doc_row_write(st, exists ? &old : NULL, d, version, now, &doc_id,
                       err);
  if (!rc) rc = version_insert(st, doc_id, version, d, now, &vid, err);
  if (!rc) rc = chunks_insert(st, vid, chunks, n, err);
  if (!rc) rc = doc_groups_write(st, doc_id, canon, err);
  if (exists) free(old.groups);
  res->doc_id = doc_id;
  res->version = version;
  res->status = exists ? STORE_PUT_VERSION : STORE_PUT_NEW;
  return rc;
}

int store_doc_put(store_t *st, const store_doc_in_t *d,
                  const store_chunk_t *chunks, size_t n,
                  store_put_result_t *res, lotse_err_t *err) {
  memset(res, 0, sizeof *res);
  if (!d->source || !*d->source || !d->sha256 || strlen(d->sha256) != 64)
    return lotse_err_set(err, LOTSE_EINVAL, "document needs source and sha256");
  if (d->data_class < 0 || d->data_class >= STORE_CLASS_COUNT)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid data class %d",
                         d->data_class);
  char *canon = groups_canon(d->groups, d->ngroups);
  if (!canon) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = store_begin(st, err);
  if (!rc) rc = put_locked(st, d, canon, chunks, n, res, err);
  if (!rc && res->status == STORE_PUT_UNCHANGED) store_rollback(st);
  else if (!rc) rc = store_commit(st, err);
  if (rc) store_rollback(st);
  free(canon);
  return rc;
}
