/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/lwstore.h — logwatch.db in the workspace: sources,
 * templates per source (count, first/last seen), line/event/malformed
 * counters and the last malformed lines of each source. SQLite in WAL
 * mode with its own schema version (PRAGMA user_version), apart from
 * lotse.db so that a busy log stream never blocks documents or audit.
 *
 * Contract: one lw_store per thread. Writes happen between lw_store_begin
 * and lw_store_commit (one transaction per batch); lw_store_rollback
 * leaves the file as it was before the batch. Other logwatch modules
 * (alerts) keep their tables in the same file: they add a schema function
 * to the table in lwstore.c (`extra_schema[]`) that runs inside the schema
 * transaction of every open (write it idempotent: CREATE … IF NOT EXISTS),
 * and write through lw_store_db() inside the batch transaction.
 *
 * Times are milliseconds since the epoch (UTC).
 */
#ifndef LOTSE_LOGWATCH_LWSTORE_H
#define LOTSE_LOGWATCH_LWSTORE_H

#include "base/base.h"

#include <sqlite3.h>
#include <stdint.h>

#define LW_STORE_SCHEMA_VERSION 1
#define LW_STORE_MALFORMED_KEEP 1000 /* default cap of kept lines per source */

typedef struct lw_store lw_store;

/* Schema function of another module (see extra_schema[] in lwstore.c). */
typedef int (*lw_store_schema_fn)(sqlite3 *db, lotse_err_t *err);

/* Open (create) the database file at path. */
int lw_store_open(const char *path, lw_store **out, lotse_err_t *err);
/* DIR/logwatch.db of a workspace directory. */
int lw_store_open_workspace(const char *dir, lw_store **out,
                            lotse_err_t *err);
void lw_store_close(lw_store *s); /* NULL is a no-op; rolls back an open batch */
sqlite3 *lw_store_db(lw_store *s);

int lw_store_begin(lw_store *s, lotse_err_t *err);
int lw_store_commit(lw_store *s, lotse_err_t *err);
void lw_store_rollback(lw_store *s);

/* The id of source `name` (created with kind when missing; kind of an
 * existing source is updated). */
int lw_store_source(lw_store *s, const char *name, const char *kind,
                    int64_t *id, lotse_err_t *err);
/* Add to the counters of a source. */
int lw_store_source_count(lw_store *s, int64_t source_id, uint64_t lines,
                          uint64_t events, uint64_t malformed,
                          lotse_err_t *err);

/* Templates: ids are per source, stable across runs (1, 2, …). */
typedef struct lw_store_template {
  int64_t id;
  const char *text;
  uint64_t count;
  int64_t first_ms, last_ms;
} lw_store_template;

/* Call fn for each template of the source in id order (to seed the miner);
 * fn returning non-zero stops the walk and is returned. */
int lw_store_templates_each(lw_store *s, int64_t source_id,
                            int (*fn)(void *ud, const lw_store_template *t),
                            void *ud, lotse_err_t *err);
/* Insert or update template t->id of the source: text replaced, count
 * increased by add_count, first_ms = min, last_ms = max. */
int lw_store_template_put(lw_store *s, int64_t source_id,
                          const lw_store_template *t, uint64_t add_count,
                          lotse_err_t *err);

/* Keep a malformed line (text capped at 4 KiB) and drop all but the newest
 * `keep` of the source (0: LW_STORE_MALFORMED_KEEP). The total count lives
 * in the source's counters. */
int lw_store_malformed_add(lw_store *s, int64_t source_id, uint64_t line,
                           const char *text, size_t len, lotse_err_t *err);
int lw_store_malformed_trim(lw_store *s, int64_t source_id, size_t keep,
                            lotse_err_t *err);

#endif
