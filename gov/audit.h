/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/audit.h — the audit trail: append-only, hash-chained records of every
 * governed AI call (who, which application and version, what the gate
 * decided and why, which sources, model, tokens, latency), kept apart from
 * conversation content (ARCHITECTURE.md §3, §5; service instruction).
 *
 * Files in the workspace (beside lotse.db):
 *   audit.db      SQLite, WAL, synchronous=FULL, table audit (STRICT) with
 *                 triggers that refuse UPDATE and DELETE.
 *   audit.key     32 random bytes (hex), mode 0600, created with the trail.
 *   audit.anchor  one line: the head (seq, hash) and its HMAC under the key.
 *
 * Chain: record n stores prev = h(n-1) (64 zero hex digits for n = 1) and
 *   h(n) = SHA-256(raw h(n-1) || canonical bytes of record n)
 *   mac(n) = HMAC-SHA-256(key, raw h(n))
 * Canonical bytes: "lotse-audit-v1", then the fields in the order of
 * gov_audit_rec_t (seq, ts_ms, actor, unit, app_id, app_version, action,
 * decision, reason_code, reason, sources, model, prompt_tokens,
 * completion_tokens, latency_ms, details): integers as 8-byte big-endian,
 * text as 4-byte big-endian length + bytes exactly as stored.
 *
 * What verify detects, and how:
 *   a changed field                  h(n) differs from the stored hash
 *   a deleted record in the middle   a gap in seq
 *   an inserted or reordered record  prev differs from h(n-1), or seq (part
 *                                    of the hash) no longer fits
 *   a chain recomputed after edits,  mac(n) is wrong: only the key holder can
 *   forged records at the end        compute it
 *   deleted records at the end       the anchor's seq is beyond the head
 *   a missing or forged anchor       anchor file absent / HMAC wrong
 * The anchor is written after each commit (fsync'd temp file, rename), so
 * after a crash it may lag the head: records past it still carry valid MACs
 * and verify accepts them (reported as anchor_lag). Limits: whoever can read
 * audit.key can forge everything; keep the key readable by the service
 * account only, and copy `lotse audit verify --json`'s head hash elsewhere
 * (a printout, a ticket) to detect a wholesale rollback of all three files.
 *
 * Fail closed: a writer (gov_audit_open without GOV_AUDIT_RDONLY, and
 * every gov_audit_append) refuses with LOTSE_ECORRUPT to continue a trail
 * whose key or anchor is missing, whose anchor is forged, or whose anchor
 * names a record that is gone or differs: the next anchor would otherwise
 * cover the damage. The gate then refuses AI calls until someone runs
 * `lotse audit verify`; to start a new trail, move audit.* aside (they are
 * the evidence). A lagging anchor is not damage; appending catches it up.
 *
 * Contract: records hold no conversation content (prompt or answer text);
 * details is for small metadata (capped at 16 KiB). Bad input is refused with
 * LOTSE_EINVAL and stores nothing. Nothing here prints.
 * Threads: a handle may be shared (calls are serialised by a mutex inside);
 * one handle per thread scales better. Appends from any number of handles
 * and processes are ordered by SQLite's write lock, and the anchor by a
 * flock on audit.key.
 */
#ifndef LOTSE_GOV_AUDIT_H
#define LOTSE_GOV_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

typedef struct gov_audit gov_audit_t;

typedef enum {
  GOV_AUDIT_DECISION_NONE = 0, /* no gate decision (e.g. a sign-off) */
  GOV_AUDIT_DECISION_ALLOW,
  GOV_AUDIT_DECISION_REFUSE
} gov_audit_decision_t;

const char *gov_audit_decision_name(gov_audit_decision_t d); /* "allow" … */

/* One retrieved source handed to the model. */
typedef struct gov_audit_source {
  int64_t doc, version, chunk;
} gov_audit_source_t;

/* One record. For gov_audit_append the caller fills the inputs (NULL text
 * is stored as ""); seq, hash and prev_hash are ignored there. Records read
 * back (query callback) have every field set, sources = NULL and
 * sources_json the stored JSON array. */
typedef struct gov_audit_rec {
  int64_t seq;        /* 1, 2, … assigned by append */
  int64_t ts_ms;      /* UTC milliseconds since 1970; 0 on append: now */
  const char *actor;  /* user name */
  const char *unit;   /* the user's organisational unit */
  const char *app_id; /* application slug */
  int64_t app_version;
  const char *action; /* required: "ask", "refuse", "sign_off", … */
  gov_audit_decision_t decision;
  const char *reason_code; /* stable, English ("not_approved"); required
                              when decision is REFUSE */
  const char *reason;      /* German text shown to the user */
  const gov_audit_source_t *sources;
  size_t nsources;
  const char *model;
  int64_t prompt_tokens, completion_tokens, latency_ms; /* >= 0 */
  const char *details_json; /* a JSON object or NULL ({}); stored sorted */
  /* read back only: */
  const char *sources_json;
  const char *hash, *prev_hash; /* lower-case hex */
} gov_audit_rec_t;

/* ------------------------------------------------------------ gov/audit.c */

enum {
  GOV_AUDIT_RDONLY = 1 /* verify/export: create nothing, tolerate missing
                          files (verify reports them) */
};

/* Open the trail of workspace dir. Without GOV_AUDIT_RDONLY the files are
 * created when none exists, and a damaged trail is refused (LOTSE_ECORRUPT,
 * see "Fail closed"). *out is owned by the caller: gov_audit_close(). */
int gov_audit_open(const char *workspace, int flags, gov_audit_t **out,
                   lotse_err_t *err);
void gov_audit_close(gov_audit_t *a); /* NULL is a no-op */

/* Append one record durably (committed and fsync'd before return); *seq
 * (may be NULL) receives its number. LOTSE_EINVAL for bad input,
 * LOTSE_ECORRUPT for a damaged trail, LOTSE_EACCESS on a read-only handle:
 * in every error case nothing is stored. */
int gov_audit_append(gov_audit_t *a, const gov_audit_rec_t *r, int64_t *seq,
                     lotse_err_t *err);

/* The head: last seq (0 for an empty trail) and its hash (hex, 65 bytes). */
int gov_audit_head(gov_audit_t *a, int64_t *seq, char hash[65],
                   lotse_err_t *err);

/* ----------------------------------------------------- gov/audit_verify.c */

typedef enum {
  GOV_AUDIT_OK = 0,
  GOV_AUDIT_MODIFIED,        /* a field of record seq was changed */
  GOV_AUDIT_LINK,            /* seq does not follow its predecessor */
  GOV_AUDIT_GAP,             /* record seq is missing (deleted) */
  GOV_AUDIT_MAC,             /* record seq was not written with the key */
  GOV_AUDIT_MALFORMED,       /* record seq has a field of the wrong type */
  GOV_AUDIT_TRUNCATED,       /* records from seq to the anchor are missing */
  GOV_AUDIT_ANCHOR_MISSING,  /* audit.anchor is gone */
  GOV_AUDIT_ANCHOR_FORGED,   /* the anchor's HMAC is wrong or unreadable */
  GOV_AUDIT_ANCHOR_MISMATCH, /* the record at the anchor's seq differs */
  GOV_AUDIT_KEY_MISSING,     /* audit.key is gone: nothing can be proven */
  GOV_AUDIT_UNPROTECTED      /* the append-only triggers were removed */
} gov_audit_fault_t;

const char *gov_audit_fault_code(gov_audit_fault_t f); /* "modified" … */

typedef struct gov_audit_verdict {
  gov_audit_fault_t fault; /* GOV_AUDIT_OK: the chain is intact */
  int64_t seq;             /* the first bad record (0 when not about one) */
  int64_t records;         /* records checked */
  int64_t head_seq;        /* last record read */
  char head_hash[65];
  int64_t anchor_seq;      /* -1 when there is no valid anchor */
  int64_t anchor_lag;      /* records past the anchor (after a crash) */
  char message[LOTSE_ERR_MSG_MAX]; /* German, names the record */
} gov_audit_verdict_t;

/* Check the whole trail. Returns 0 when the check ran (the verdict says
 * whether the chain is intact) and a negative code when it could not run
 * (I/O, database error). Runs on a consistent snapshot; appends may go on. */
int gov_audit_verify(gov_audit_t *a, gov_audit_verdict_t *v,
                     lotse_err_t *err);

/* Records in seq order, filtered (zero/NULL fields do not filter). */
typedef struct gov_audit_filter {
  int64_t since_ms, until_ms; /* ts_ms >= since_ms, ts_ms < until_ms */
  int64_t from_seq;           /* seq >= from_seq */
  const char *app_id, *actor, *action;
} gov_audit_filter_t;

/* Calls fn for each record (fields valid during the call only); fn returns
 * 0 to go on, anything else stops the walk and is returned. The handle is
 * locked during the walk: fn must not call functions on the same handle. */
typedef int (*gov_audit_fn)(void *ctx, const gov_audit_rec_t *r);
int gov_audit_query(gov_audit_t *a, const gov_audit_filter_t *f,
                    gov_audit_fn fn, void *ctx, lotse_err_t *err);

/* Append r as one line of JSON (no newline) to out: seq, time (ISO 8601
 * UTC), ts_ms, actor, unit, app, app_version, action, decision,
 * reason_code, reason, sources (array), model, prompt_tokens,
 * completion_tokens, latency_ms, details (object), hash, prev_hash. */
int gov_audit_rec_json(const gov_audit_rec_t *r, lotse_buf_t *out,
                       lotse_err_t *err);

#endif
