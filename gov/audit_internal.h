/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/audit_internal.h — what gov/audit.c (writing) and gov/audit_verify.c
 * (checking, reading) share: the handle, the canonical record bytes, HMAC
 * and the anchor file.
 *
 * Invariant: the columns of table audit, the entries of audit_kinds[] and
 * the canonical field order are the same list, in the same order.
 */
#ifndef LOTSE_GOV_AUDIT_INTERNAL_H
#define LOTSE_GOV_AUDIT_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "gov/audit.h"

#define AUDIT_NFIELDS 16
#define AUDIT_KEY_LEN 32
#define AUDIT_MAX_TEXT 4096      /* one text field */
#define AUDIT_MAX_DETAILS 16384  /* details JSON */
#define AUDIT_MAX_SOURCES 4096   /* sources per record */
#define AUDIT_MAGIC "lotse-audit-v1"
#define AUDIT_ANCHOR_MAGIC "lotse-audit-anchor-v1"

/* Column indexes of the canonical fields (= columns of table audit). */
enum {
  AF_SEQ, AF_TS, AF_ACTOR, AF_UNIT, AF_APP, AF_APP_VERSION, AF_ACTION,
  AF_DECISION, AF_REASON_CODE, AF_REASON, AF_SOURCES, AF_MODEL, AF_PTOK,
  AF_CTOK, AF_LATENCY, AF_DETAILS
};
/* 'I' integer or 'T' text, per field. */
extern const char audit_kinds[AUDIT_NFIELDS];
extern const char *const audit_names[AUDIT_NFIELDS];

typedef struct audit_val {
  int64_t i;     /* 'I' fields */
  const char *s; /* 'T' fields: bytes, not necessarily NUL-terminated */
  size_t n;
} audit_val_t;

struct gov_audit {
  pthread_mutex_t mu;
  int rdonly;
  sqlite3 *db;      /* NULL: read-only and audit.db does not exist */
  int have_key;
  unsigned char key[AUDIT_KEY_LEN];
  int keyfd;        /* flock target for anchor updates; -1 if none */
  char *dir, *db_path, *key_path, *anchor_path;
  sqlite3_stmt *st_head, *st_insert;
};

/* h = SHA-256(prev || canonical bytes of v). */
void audit_chain_hash(const unsigned char prev[32],
                      const audit_val_t v[AUDIT_NFIELDS],
                      unsigned char out[32]);
void audit_hmac(const unsigned char key[AUDIT_KEY_LEN], const void *msg,
                size_t n, unsigned char out[32]);
void audit_hex(const unsigned char *p, size_t n, char *hex);
/* 0 on success; -1 when hex is not exactly 2n lower/upper hex digits. */
int audit_unhex(const char *hex, size_t hexlen, unsigned char *out, size_t n);

/* The anchor file: 0 and the fields; LOTSE_ENOTFOUND when absent;
 * LOTSE_ECORRUPT when unreadable. *mac_ok tells whether the HMAC is right
 * (always 0 without a key). */
typedef struct audit_anchor {
  int64_t seq;
  char hash[65];
  int mac_ok;
} audit_anchor_t;
int audit_anchor_read(gov_audit_t *a, audit_anchor_t *an, lotse_err_t *err);

int audit_err_db(gov_audit_t *a, lotse_err_t *err, const char *what);

#endif
