/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/store.c — opening the database, pragmas, transactions, errors and
 * the data-class names.
 *
 * Why these pragmas: WAL lets readers (the HTTP server) run beside one
 * writer (ingest); synchronous=NORMAL is safe against process crashes in
 * WAL mode (a kill -9 loses nothing committed); busy_timeout makes a second
 * writer wait instead of failing; a 64 MiB page cache and memory-mapped
 * reads because search touches the index at random.
 */
#include "store/store_internal.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[STORE_CLASS_COUNT] = {
    "offen", "intern", "vertraulich", "personenbezogen"};

const char *store_class_name(int cls) {
  return (cls >= 0 && cls < STORE_CLASS_COUNT) ? class_names[cls] : "?";
}

int store_class_parse(const char *name) {
  for (int i = 0; i < STORE_CLASS_COUNT; i++)
    if (name && strcmp(name, class_names[i]) == 0) return i;
  return -1;
}

int store_class_mask_parse(const char *list) {
  unsigned mask = 0;
  const char *p = list;
  while (p && *p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char name[32];
    if (n == 0 || n >= sizeof name) return -1;
    memcpy(name, p, n);
    name[n] = '\0';
    if (strcmp(name, "alle") == 0 || strcmp(name, "all") == 0) {
      mask |= STORE_CLASS_ALL;
    } else {
      int c = store_class_parse(name);
      if (c < 0) return -1;
      mask |= STORE_CLASS_BIT(c);
    }
    p = e ? e + 1 : NULL;
  }
  return (int)mask;
}

int store_err_db(store_t *st, lotse_err_t *err, const char *what) {
  return lotse_err_set(err, LOTSE_EDB, "%s: %s", what,
                       st && st->db ? sqlite3_errmsg(st->db) : "no database");
}

int store_exec(store_t *st, const char *sql, lotse_err_t *err) {
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    lotse_err_set(err, LOTSE_EDB, "sql failed: %s", msg ? msg : "?");
    sqlite3_free(msg);
    return LOTSE_EDB;
  }
  return 0;
}

int store_prepare(store_t *st, const char *sql, sqlite3_stmt **stmt,
                  lotse_err_t *err) {
  if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
    *stmt = NULL;
    return store_err_db(st, err, "prepare");
  }
  return 0;
}

char *store_col_dup(sqlite3_stmt *s, int col) {
  const unsigned char *t = sqlite3_column_text(s, col);
  return t ? lotse_strdup((const char *)t) : NULL;
}

char *store_col_dup_text(sqlite3_stmt *s, int col) {
  const unsigned char *t = sqlite3_column_text(s, col);
  return lotse_strdup(t ? (const char *)t : "");
}

static int set_pragmas(store_t *st, lotse_err_t *err) {
  sqlite3_busy_timeout(st->db, 10000);
  return store_exec(st,
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA temp_store=MEMORY;"
                    /* The index is read at random: keep it in memory. */
                    "PRAGMA cache_size=-65536;"
                    "PRAGMA mmap_size=1073741824;",
                    err);
}

int store_open(const char *path, store_t **out, lotse_err_t *err) {
  *out = NULL;
  store_t *st = calloc(1, sizeof *st);
  if (!st) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  st->path = lotse_strdup(path);
  int rc = sqlite3_open_v2(path, &st->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  if (rc != SQLITE_OK) {
    rc = lotse_err_set(err, LOTSE_EDB, "unable to open database '%s': %s",
                       path, st->db ? sqlite3_errmsg(st->db) : "?");
    store_close(st);
    return rc;
  }
  sqlite3_extended_result_codes(st->db, 1);
  if ((rc = set_pragmas(st, err)) || (rc = text_fts5_register(st->db, err)) ||
      (rc = store_migrate(st, err))) {
    store_close(st);
    return rc;
  }
  *out = st;
  return 0;
}

void store_close(store_t *st) {
  if (!st) return;
  if (st->db) sqlite3_close_v2(st->db);
  free(st->path);
  free(st);
}

sqlite3 *store_db(store_t *st) { return st->db; }

int store_begin(store_t *st, lotse_err_t *err) {
  return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_commit(store_t *st, lotse_err_t *err) {
  return store_exec(st, "COMMIT", err);
}

void store_rollback(store_t *st) {
  if (!sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_name_id(store_t *st, const char *table, const char *name,
                  int create, int64_t *id, lotse_err_t *err) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE name = ?", table);
  sqlite3_stmt *s;
  int rc = store_prepare(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, table);
  if (!create) return lotse_err_set(err, LOTSE_ENOTFOUND, "unknown %s '%s'",
                                    table, name);
  snprintf(sql, sizeof sql, "INSERT INTO %s(name) VALUES(?)", table);
  if ((rc = store_prepare(st, sql, &s, err))) return rc;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, table);
  *id = sqlite3_last_insert_rowid(st->db);
  return 0;
}
