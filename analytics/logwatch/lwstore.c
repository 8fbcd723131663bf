/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/lwstore.c — logwatch.db: schema, sources, templates,
 * malformed lines (contract in lwstore.h).
 *
 * Invariants: (1) user_version is LW_STORE_SCHEMA_VERSION after a
 * successful open; a newer file is refused (LOTSE_ESCHEMA), never
 * rewritten; (2) writes only between lw_store_begin and lw_store_commit;
 * (3) templates are keyed (source_id, id) and never renumbered.
 */
#include "analytics/logwatch/lwstore.h"
#include "analytics/logwatch/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Schema functions of other logwatch modules, run inside the schema
 * transaction of every open (each must be idempotent). */
static const lw_store_schema_fn extra_schema[] = {
    lw_alerts_schema,
};

enum { ST_SOURCE_GET, ST_SOURCE_ADD, ST_SOURCE_KIND, ST_SOURCE_COUNT,
       ST_TMPL_PUT, ST_MAL_ADD, ST_MAL_TRIM, ST_TMPL_EACH, ST__N };

static const char *const sql_text[ST__N] = {
    [ST_SOURCE_GET] = "SELECT id, kind FROM sources WHERE name = ?1",
    [ST_SOURCE_ADD] = "INSERT INTO sources(name, kind, created_ms, updated_ms)"
                      " VALUES (?1, ?2, ?3, ?3)",
    [ST_SOURCE_KIND] = "UPDATE sources SET kind = ?2 WHERE id = ?1",
    [ST_SOURCE_COUNT] = "UPDATE sources SET lines = lines + ?2, events = "
                        "events + ?3, malformed = malformed + ?4, updated_ms "
                        "= ?5 WHERE id = ?1",
    [ST_TMPL_PUT] =
        "INSERT INTO templates(source_id, id, template, count, first_ms, "
        "last_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(source_id, id) "
        "DO UPDATE SET template = excluded.template, count = count + "
        "excluded.count, first_ms = min(first_ms, excluded.first_ms), "
        "last_ms = max(last_ms, excluded.last_ms)",
    [ST_MAL_ADD] = "INSERT INTO malformed_lines(source_id, line, text, "
                   "seen_ms) VALUES (?1, ?2, ?3, ?4)",
    [ST_MAL_TRIM] = "DELETE FROM malformed_lines WHERE source_id = ?1 AND id "
                    "<= (SELECT id FROM malformed_lines WHERE source_id = ?1 "
                    "ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    [ST_TMPL_EACH] = "SELECT id, template, count, first_ms, last_ms FROM "
                     "templates WHERE source_id = ?1 ORDER BY id",
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS sources("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL,"
    " lines INTEGER NOT NULL DEFAULT 0,"
    " events INTEGER NOT NULL DEFAULT 0,"
    " malformed INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS templates("
    " source_id INTEGER NOT NULL REFERENCES sources(id),"
    " id INTEGER NOT NULL,"
    " template TEXT NOT NULL,"
    " count INTEGER NOT NULL,"
    " first_ms INTEGER NOT NULL,"
    " last_ms INTEGER NOT NULL,"
    " PRIMARY KEY(source_id, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS malformed_lines("
    " id INTEGER PRIMARY KEY,"
    " source_id INTEGER NOT NULL REFERENCES sources(id),"
    " line INTEGER NOT NULL,"
    " text TEXT NOT NULL,"
    " seen_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS malformed_lines_source"
    " ON malformed_lines(source_id, id);";

struct lw_store {
  sqlite3 *db;
  sqlite3_stmt *st[ST__N];
  int in_tx;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int db_err(lw_store *s, lotse_err_t *err, const char *what) {
  return lotse_err_set(err, LOTSE_EDB, "logwatch.db: %s: %s", what,
                       sqlite3_errmsg(s->db));
}

sqlite3 *lw_store_db(lw_store *s) { return s ? s->db : NULL; }

static int schema(lw_store *s, lotse_err_t *err) {
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
    return db_err(s, err, "Schema sperren");
  sqlite3_stmt *q = NULL;
  int ver = -1, rc = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) ==
          SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    ver = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (ver < 0) {
    rc = db_err(s, err, "Schema-Version lesen");
  } else if (ver > LW_STORE_SCHEMA_VERSION) {
    rc = lotse_err_set(err, LOTSE_ESCHEMA,
                       "logwatch.db hat Schema-Version %d, dieses Programm "
                       "kennt nur %d", ver, LW_STORE_SCHEMA_VERSION);
  } else if (sqlite3_exec(s->db, schema_sql, NULL, NULL, NULL) ||
             sqlite3_exec(s->db, "PRAGMA user_version = 1", NULL, NULL,
                          NULL)) {
    rc = db_err(s, err, "Schema anlegen");
  }
  for (size_t i = 0; !rc && i < sizeof extra_schema / sizeof *extra_schema;
       i++)
    rc = extra_schema[i](s->db, err);
  if (rc || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) {
    if (!rc) rc = db_err(s, err, "Schema schreiben");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  }
  return rc;
}

int lw_store_open(const char *path, lw_store **out, lotse_err_t *err) {
  *out = NULL;
  lw_store *s = calloc(1, sizeof *s);
  if (!s) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  if (sqlite3_open_v2(path, &s->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                          SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    rc = lotse_err_set(err, LOTSE_EDB, "'%s' lässt sich nicht öffnen: %s",
                       path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
    goto out;
  }
  sqlite3_busy_timeout(s->db, 10000);
  if (sqlite3_exec(s->db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                   "PRAGMA foreign_keys=ON;",
                   NULL, NULL, NULL)) {
    rc = db_err(s, err, "Einstellungen");
    goto out;
  }
  rc = schema(s, err);
  for (int i = 0; !rc && i < ST__N; i++)
    if (sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->st[i], NULL))
      rc = db_err(s, err, "Abfrage vorbereiten");
out:
  if (rc) {
    lw_store_close(s);
    return rc;
  }
  *out = s;
  return 0;
}

int lw_store_open_workspace(const char *dir, lw_store **out,
                            lotse_err_t *err) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/logwatch.db", dir);
  if (n < 0 || (size_t)n >= sizeof path)
    return lotse_err_set(err, LOTSE_EINVAL, "Pfad zu lang");
  return lw_store_open(path, out, err);
}

void lw_store_close(lw_store *s) {
  if (!s) return;
  if (s->in_tx) lw_store_rollback(s);
  for (int i = 0; i < ST__N; i++) sqlite3_finalize(s->st[i]);
  sqlite3_close(s->db);
  free(s);
}

int lw_store_begin(lw_store *s, lotse_err_t *err) {
  if (s->in_tx) return lotse_err_set(err, LOTSE_EINTERNAL, "batch already open");
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
    return db_err(s, err, "Transaktion beginnen");
  s->in_tx = 1;
  return 0;
}

int lw_store_commit(lw_store *s, lotse_err_t *err) {
  if (!s->in_tx) return lotse_err_set(err, LOTSE_EINTERNAL, "no open batch");
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) {
    int rc = db_err(s, err, "Transaktion abschließen");
    lw_store_rollback(s);
    return rc;
  }
  s->in_tx = 0;
  return 0;
}

void lw_store_rollback(lw_store *s) {
  if (!s->in_tx) return;
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  s->in_tx = 0;
}

/* Step a prepared statement to its end and reset it. */
static int run(lw_store *s, int which, lotse_err_t *err, const char *what) {
  sqlite3_stmt *q = s->st[which];
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(s, err, what);
}

int lw_store_source(lw_store *s, const char *name, const char *kind,
                    int64_t *id, lotse_err_t *err) {
  sqlite3_stmt *q = s->st[ST_SOURCE_GET];
  sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  int same = 0;
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(q, 0);
    const char *k = (const char *)sqlite3_column_text(q, 1);
    same = k && !strcmp(k, kind);
  }
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  if (rc == SQLITE_ROW) {
    if (same) return 0;
    sqlite3_bind_int64(s->st[ST_SOURCE_KIND], 1, *id);
    sqlite3_bind_text(s->st[ST_SOURCE_KIND], 2, kind, -1, SQLITE_STATIC);
    return run(s, ST_SOURCE_KIND, err, "Quelle ändern");
  }
  if (rc != SQLITE_DONE) return db_err(s, err, "Quelle lesen");
  q = s->st[ST_SOURCE_ADD];
  sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, now_ms());
  rc = run(s, ST_SOURCE_ADD, err, "Quelle anlegen");
  if (!rc) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int lw_store_source_count(lw_store *s, int64_t source_id, uint64_t lines,
                          uint64_t events, uint64_t malformed,
                          lotse_err_t *err) {
  sqlite3_stmt *q = s->st[ST_SOURCE_COUNT];
  sqlite3_bind_int64(q, 1, source_id);
  sqlite3_bind_int64(q, 2, (sqlite3_int64)lines);
  sqlite3_bind_int64(q, 3, (sqlite3_int64)events);
  sqlite3_bind_int64(q, 4, (sqlite3_int64)malformed);
  sqlite3_bind_int64(q, 5, now_ms());
  return run(s, ST_SOURCE_COUNT, err, "Zähler schreiben");
}

int lw_store_templates_each(lw_store *s, int64_t source_id,
                            int (*fn)(void *ud, const lw_store_template *t),
                            void *ud, lotse_err_t *err) {
  sqlite3_stmt *q = s->st[ST_TMPL_EACH];
  sqlite3_bind_int64(q, 1, source_id);
  int rc, out = 0;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    lw_store_template t = {
        .id = sqlite3_column_int64(q, 0),
        .text = (const char *)sqlite3_column_text(q, 1),
        .count = (uint64_t)sqlite3_column_int64(q, 2),
        .first_ms = sqlite3_column_int64(q, 3),
        .last_ms = sqlite3_column_int64(q, 4)};
    if (!t.text) t.text = "";
    if ((out = fn(ud, &t)) != 0) break;
  }
  if (!out && rc != SQLITE_DONE) out = db_err(s, err, "Muster lesen");
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return out;
}

int lw_store_template_put(lw_store *s, int64_t source_id,
                          const lw_store_template *t, uint64_t add_count,
                          lotse_err_t *err) {
  /* templates of binary or Latin-1 logs: stored as valid UTF-8 (U+FFFD) */
  size_t len = strlen(t->text);
  char *clean = lotse_utf8_valid(t->text, len) ? NULL
                                                : lotse_utf8_sanitize(t->text, len);
  if (!clean && !lotse_utf8_valid(t->text, len))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_stmt *q = s->st[ST_TMPL_PUT];
  sqlite3_bind_int64(q, 1, source_id);
  sqlite3_bind_int64(q, 2, t->id);
  sqlite3_bind_text(q, 3, clean ? clean : t->text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, (sqlite3_int64)add_count);
  sqlite3_bind_int64(q, 5, t->first_ms);
  sqlite3_bind_int64(q, 6, t->last_ms);
  int rc = run(s, ST_TMPL_PUT, err, "Muster schreiben");
  free(clean);
  return rc;
}

int lw_store_malformed_add(lw_store *s, int64_t source_id, uint64_t line,
                           const char *text, size_t len, lotse_err_t *err) {
  if (len > 4096) len = 4096;
  char *clean = lotse_utf8_sanitize(text, len);
  if (!clean) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_stmt *q = s->st[ST_MAL_ADD];
  sqlite3_bind_int64(q, 1, source_id);
  sqlite3_bind_int64(q, 2, (sqlite3_int64)line);
  sqlite3_bind_text(q, 3, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, now_ms());
  int rc = run(s, ST_MAL_ADD, err, "fehlerhafte Zeile schreiben");
  free(clean);
  return rc;
}

int lw_store_malformed_trim(lw_store *s, int64_t source_id, size_t keep,
                            lotse_err_t *err) {
  sqlite3_stmt *q = s->st[ST_MAL_TRIM];
  sqlite3_bind_int64(q, 1, source_id);
  sqlite3_bind_int64(q, 2, (sqlite3_int64)(keep ? keep
                                                : LW_STORE_MALFORMED_KEEP));
  return run(s, ST_MAL_TRIM, err, "fehlerhafte Zeilen kürzen");
}
