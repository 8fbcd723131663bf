/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/stats.c — counts for `lotse stats` and /metrics.
 */
#include "store/store_internal.h"

#include <string.h>

int64_t store_scalar(store_t *st, const char *sql) {
  sqlite3_stmt *s;
  int64_t v = -1;
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

int store_stats_get(store_t *st, store_stats_t *s, lotse_err_t *err) {
  memset(s, 0, sizeof *s);
  s->documents = store_scalar(st, "SELECT count(*) FROM documents");
  s->versions = store_scalar(st, "SELECT count(*) FROM doc_versions");
  s->chunks = store_scalar(st, "SELECT count(*) FROM chunks");
  s->chunks_indexed =
      store_scalar(st, "SELECT count(*) FROM chunks c JOIN doc_versions v ON "
                 "v.id = c.version_id JOIN documents d ON d.id = v.doc_id "
                 "AND d.current_version = v.version");
  s->users = store_scalar(st, "SELECT count(*) FROM users");
  s->groups = store_scalar(st, "SELECT count(*) FROM groups");
  s->units = store_scalar(st, "SELECT count(*) FROM units");
  s->bytes_original =
      store_scalar(st, "SELECT coalesce(sum(v.size), 0) FROM documents d JOIN "
                 "doc_versions v ON v.doc_id = d.id AND "
                 "v.version = d.current_version");
  s->db_bytes = store_scalar(st, "SELECT page_count * page_size FROM "
                           "pragma_page_count(), pragma_page_size()");
  sqlite3_stmt *q;
  int rc = store_prepare(st,
                         "SELECT data_class, count(*) FROM documents "
                         "GROUP BY data_class",
                         &q, err);
  if (rc) return rc;
  while (sqlite3_step(q) == SQLITE_ROW) {
    int c = sqlite3_column_int(q, 0);
    if (c >= 0 && c < STORE_CLASS_COUNT)
      s->by_class[c] = sqlite3_column_int64(q, 1);
  }
  sqlite3_finalize(q);
  if (s->documents < 0 || s->chunks < 0)
    return store_err_db(st, err, "statistics");
  return 0;
}
