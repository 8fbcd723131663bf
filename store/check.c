/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/check.c — consistency check of a workspace database: SQLite's own
 * integrity and foreign-key checks, the FTS5 index against its content,
 * and lotse's invariants (every document has its current version, every
 * indexed chunk belongs to a current version).
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

static int collect(store_t *st, const char *sql, const char *what,
                   const char *ok_text, lotse_strv_t *problems,
                   lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st, sql, &s, err);
  if (rc) return rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    if (ok_text && t && !strcmp(t, ok_text)) continue;
    char line[512];
    snprintf(line, sizeof line, "%s: %s", what, t ? t : "(null)");
    if (lotse_strv_push(problems, line)) {
      sqlite3_finalize(s);
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    }
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) {
    char line[512];
    snprintf(line, sizeof line, "%s: %s", what, sqlite3_errmsg(st->db));
    return lotse_strv_push(problems, line);
  }
  return 0;
}

int store_check(store_t *st, lotse_strv_t *problems, lotse_err_t *err) {
  int rc = collect(st, "PRAGMA integrity_check", "integrity", "ok",
                   problems, err);
  if (!rc)
    rc = collect(st,
                 "SELECT \"table\" || ' row ' || rowid || ' -> ' || parent "
                 "FROM pragma_foreign_key_check",
                 "foreign key", NULL, problems, err);
  if (!rc) {
    /* FTS5 reports a mismatch between index and content as an error. */
    char *msg = NULL;
    if (sqlite3_exec(st->db,
                     "INSERT INTO chunk_fts(chunk_fts) "
                     "VALUES('integrity-check')",
                     NULL, NULL, &msg) != SQLITE_OK) {
      char line[512];
      snprintf(line, sizeof line, "full-text index: %s", msg ? msg : "?");
      rc = lotse_strv_push(problems, line);
    }
    sqlite3_free(msg);
  }
  if (!rc)
    rc = collect(st,
                 "SELECT 'document ' || d.id || ' has no version ' || "
                 "d.current_version FROM documents d WHERE NOT EXISTS "
                 "(SELECT 1 FROM doc_versions v WHERE v.doc_id = d.id AND "
                 "v.version = d.current_version)",
                 "documents", NULL, problems, err);
  if (!rc)
    rc = collect(st,
                 "SELECT 'source ' || source || ' stored ' || count(*) || "
                 "' times' FROM documents GROUP BY source HAVING count(*) > 1",
                 "duplicates", NULL, problems, err);
  return rc;
}
