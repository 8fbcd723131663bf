/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/store_internal.h — what the store's files share and nobody else sees.
 */
#ifndef LOTSE_STORE_INTERNAL_H
#define LOTSE_STORE_INTERNAL_H

#include "store/store.h"

struct store {
  sqlite3 *db;
  char *path;
};

int store_migrate(store_t *st, lotse_err_t *err);      /* store/migrate.c */
int store_exec(store_t *st, const char *sql, lotse_err_t *err);
int store_prepare(store_t *st, const char *sql, sqlite3_stmt **stmt,
                  lotse_err_t *err);
/* Look up or create a row in a name table ("groups", "units"); id out. */
int store_name_id(store_t *st, const char *table, const char *name,
                  int create, int64_t *id, lotse_err_t *err);
char *store_col_dup(sqlite3_stmt *s, int col); /* NULL-safe copy */

#endif
