/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/store.h — the embedded SQLite store: schema and migrations,
 * versioned documents with their chunks and full-text index, and the
 * principals (users, groups, units) that access rights are checked against.
 *
 * Contract: one store_t per thread (one SQLite connection). Every write that
 * belongs together is one transaction: a failed call leaves the database as
 * it was. Readers only see documents through the ACL condition below.
 */
#ifndef LOTSE_STORE_H
#define LOTSE_STORE_H

#include "base/base.h"

#include <sqlite3.h>

typedef struct store store_t;

/* ------------------------------------------------------------ data classes */

/* Data classes of the service instruction, in ascending protection need.
 * A principal holds a bit mask of the classes it is cleared for. */
typedef enum {
  STORE_CLASS_OFFEN = 0,
  STORE_CLASS_INTERN = 1,
  STORE_CLASS_VERTRAULICH = 2,
  STORE_CLASS_PERSONENBEZOGEN = 3,
  STORE_CLASS_COUNT
} store_class_t;

const char *store_class_name(int cls);    /* "offen" … ; "?" if unknown */
int store_class_parse(const char *name);  /* class or -1 */
/* "intern,vertraulich" -> mask; returns -1 on an unknown name. */
int store_class_mask_parse(const char *list);
#define STORE_CLASS_BIT(c) (1u << (c))
#define STORE_CLASS_ALL ((1u << STORE_CLASS_COUNT) - 1)

/* ----------------------------------------------------------------- opening */

/* Open (creating if needed) the database at path, set WAL mode and the
 * pragmas, register lotse's SQL extensions and run pending migrations. */
int store_open(const char *path, store_t **out, lotse_err_t *err);
void store_close(store_t *st); /* NULL is a no-op */
sqlite3 *store_db(store_t *st);
int store_schema_version(store_t *st);
int store_schema_latest(void);

int store_begin(store_t *st, lotse_err_t *err); /* BEGIN IMMEDIATE */
int store_commit(store_t *st, lotse_err_t *err);
void store_rollback(store_t *st);

/* Copy of a text column; "" for NULL; NULL only when out of memory. */
char *store_col_dup_text(sqlite3_stmt *s, int col);

/* First column of the first row of sql as an integer; -1 on error. */
int64_t store_scalar(store_t *st, const char *sql);

/* Wrap the last SQLite error of st into err with a short context. */
int store_err_db(store_t *st, lotse_err_t *err, const char *what);

/* --------------------------------------------------------------- documents */

typedef struct store_chunk {
  int ord;             /* 0-based order within the version */
  const char *heading; /* heading path "A › B", may be "" */
  int page;            /* 1-based page, 0 when the format has no pages */
  const char *text;
  int64_t start, end;  /* byte offsets in the version's extracted text */
} store_chunk_t;

typedef struct store_doc_in {
  const char *source;   /* absolute path or URI; identifies the document */
  const char *title;
  const char *mime;
  const char *sha256;   /* hex of the original bytes */
  int64_t size;         /* bytes of the original */
  int64_t mtime;        /* unix seconds of the original, 0 if unknown */
  int data_class;       /* store_class_t */
  const char *const *groups; /* access groups; none = every principal */
  size_t ngroups;
  const char *metadata; /* JSON object text, may be NULL */
} store_doc_in_t;

typedef enum {
  STORE_PUT_NEW = 1,       /* first version of a new document */
  STORE_PUT_VERSION = 2,   /* content changed: a new version */
  STORE_PUT_UNCHANGED = 3, /* same sha256, same access: nothing written */
  STORE_PUT_ACCESS = 4     /* same content, data class or groups updated */
} store_put_status_t;

typedef struct store_put_result {
  store_put_status_t status;
  int64_t doc_id;
  int version;
} store_put_result_t;

/* Store one document version with its chunks in a single transaction;
 * replaces the previous version's entries in the full-text index (the old
 * version and its chunks stay in the history). Unknown groups are created. */
int store_doc_put(store_t *st, const store_doc_in_t *doc,
                  const store_chunk_t *chunks, size_t nchunks,
                  store_put_result_t *res, lotse_err_t *err);

/* What the store knows about a source: lets ingestion skip unchanged files
 * before extracting them. Returns LOTSE_ENOTFOUND for an unknown source. */
typedef struct store_doc_state {
  int64_t doc_id;
  int version;
  char sha256[65];
  int data_class;
  char *groups; /* sorted, comma-separated; caller frees */
} store_doc_state_t;
int store_doc_state(store_t *st, const char *source, store_doc_state_t *out,
                    lotse_err_t *err);

/* --------------------------------------------------------------- principals */

/* Who is asking. user_id 0 is the anonymous public: class "offen" and
 * documents without access groups only. */
typedef struct store_principal {
  int64_t user_id;
  unsigned clearance; /* STORE_CLASS_BIT mask */
  char name[64];
} store_principal_t;

void store_principal_anonymous(store_principal_t *p);
/* LOTSE_ENOTFOUND for an unknown or a deactivated user. */
/* The name of user's organisational unit into buf (n bytes); "" when the
 * user is unknown, has no unit, or the lookup fails (for audit records,
 * which must be written regardless). */
void store_user_unit(store_t *st, const char *user, char *buf, size_t n);
int store_principal_load(store_t *st, const char *user,
                         store_principal_t *p, lotse_err_t *err);

int store_unit_add(store_t *st, const char *name, const char *parent,
                   lotse_err_t *err);
int store_group_add(store_t *st, const char *name, lotse_err_t *err);
/* Create or update a user; groups and unit are created when missing. */
int store_user_put(store_t *st, const char *name, const char *display,
                   const char *unit, unsigned clearance,
                   const char *const *groups, size_t ngroups,
                   lotse_err_t *err);

/* SQL condition that is true when the principal bound to the parameters
 * :clearance and :uid may read document alias d. Search and document
 * lookups all use it, so rights are decided in one place. */
#define STORE_ACL_SQL                                                       \
  "(((:clearance >> d.data_class) & 1) AND "                                \
  "(NOT EXISTS (SELECT 1 FROM doc_groups g WHERE g.doc_id = d.id) OR "      \
  "EXISTS (SELECT 1 FROM doc_groups g JOIN user_groups ug "                 \
  "ON ug.group_id = g.group_id WHERE g.doc_id = d.id AND ug.user_id = :uid)))"

/* Bind :clearance and :uid of a statement prepared with STORE_ACL_SQL. */
int store_acl_bind(sqlite3_stmt *stmt, const store_principal_t *p);

/* ------------------------------------------------------- reading documents */

typedef struct store_chunk_out {
  int64_t id;
  int ord;
  char *heading;
  int page;
  char *text;
  int64_t start, end;
} store_chunk_out_t;

typedef struct store_version_out {
  int version;
  char *sha256;
  int64_t size;
  int64_t ingested_at;
} store_version_out_t;

typedef struct store_doc {
  int64_t id;
  char *source;
  char *title;
  char *mime;
  char *sha256;
  int64_t size;
  int64_t mtime;
  int64_t created_at;
  int64_t updated_at;
  int data_class;
  int version;       /* current version number */
  char *groups;      /* comma-separated */
  char *metadata;    /* JSON text or NULL */
  store_version_out_t *versions;
  size_t nversions;
  store_chunk_out_t *chunks; /* of the current version */
  size_t nchunks;
} store_doc_t;

/* Load a document the principal may read. A document outside the
 * principal's rights is LOTSE_ENOTFOUND, exactly like a missing one. */
int store_doc_get(store_t *st, const store_principal_t *p, int64_t id,
                  store_doc_t **out, lotse_err_t *err);
void store_doc_free(store_doc_t *d);

/* -------------------------------------------------------------- statistics */

typedef struct store_stats {
  int64_t documents, versions, chunks, chunks_indexed, users, groups, units;
  int64_t by_class[STORE_CLASS_COUNT];
  int64_t bytes_original; /* sum of current versions' sizes */
  int64_t db_bytes;
} store_stats_t;

int store_stats_get(store_t *st, store_stats_t *s, lotse_err_t *err);

/* ---------------------------------------------------------------- checks */

/* Run every consistency check; each problem found is one line appended to
 * problems (none = healthy). Returns an error only if checking failed. */
int store_check(store_t *st, lotse_strv_t *problems, lotse_err_t *err);

#endif
