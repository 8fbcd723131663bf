/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/audit.c — opening the audit trail (audit.db, audit.key,
 * audit.anchor) and appending hash-chained records.
 *
 * Contract: gov_audit_append() either stores the record (committed with
 * synchronous=FULL) or stores nothing; the anchor follows after the commit.
 * Invariants: (1) seq is dense from 1; (2) every row's prev_hash is the
 * hash of the row before; (3) the anchor's seq only grows (updated under a
 * flock on audit.key, skipped when another writer is already further).
 * See also: gov/audit.h (format and threat model), gov/audit_verify.c.
 */
#include "gov/audit_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char audit_kinds[AUDIT_NFIELDS] = {'I', 'I', 'T', 'T', 'T', 'I',
                                         'T', 'T', 'T', 'T', 'T', 'T',
                                         'I', 'I', 'I', 'T'};
const char *const audit_names[AUDIT_NFIELDS] = {
    "seq", "ts_ms", "actor", "unit", "app_id", "app_version",
    "action", "decision", "reason_code", "reason", "sources", "model",
    "prompt_tokens", "completion_tokens", "latency_ms", "details"};

static const char ZERO_HASH[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS audit ("
    " seq INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL,"
    " actor TEXT NOT NULL, unit TEXT NOT NULL, app_id TEXT NOT NULL,"
    " app_version INTEGER NOT NULL, action TEXT NOT NULL,"
    " decision TEXT NOT NULL, reason_code TEXT NOT NULL,"
    " reason TEXT NOT NULL, sources TEXT NOT NULL, model TEXT NOT NULL,"
    " prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,"
    " latency_ms INTEGER NOT NULL, details TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX IF NOT EXISTS audit_app_ts ON audit(app_id, ts_ms);"
    "CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts_ms);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
    "PRAGMA user_version = 1;";

const char *gov_audit_decision_name(gov_audit_decision_t d) {
  switch (d) {
  case GOV_AUDIT_DECISION_NONE: return "none";
  case GOV_AUDIT_DECISION_ALLOW: return "allow";
  case GOV_AUDIT_DECISION_REFUSE: return "refuse";
  }
  return "?";
}

/* ------------------------------------------------------ hashing helpers */

static void put_be(lotse_sha256_t *s, uint64_t v, int bytes) {
  unsigned char b[8];
  for (int i = 0; i < bytes; i++)
    b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
  lotse_sha256_update(s, b, (size_t)bytes);
}

void audit_chain_hash(const unsigned char prev[32],
                      const audit_val_t v[AUDIT_NFIELDS],
                      unsigned char out[32]) {
  lotse_sha256_t s;
  lotse_sha256_init(&s);
  lotse_sha256_update(&s, prev, 32);
  lotse_sha256_update(&s, AUDIT_MAGIC, strlen(AUDIT_MAGIC));
  for (int i = 0; i < AUDIT_NFIELDS; i++) {
    if (audit_kinds[i] == 'I') {
      put_be(&s, (uint64_t)v[i].i, 8);
    } else {
      put_be(&s, (uint64_t)v[i].n, 4);
      if (v[i].n) lotse_sha256_update(&s, v[i].s, v[i].n);
    }
  }
  lotse_sha256_final(&s, out);
}

void audit_hmac(const unsigned char key[AUDIT_KEY_LEN], const void *msg,
                size_t n, unsigned char out[32]) {
  unsigned char pad[64], inner[32];
  lotse_sha256_t s;
  memset(pad, 0x36, sizeof pad);
  for (int i = 0; i < AUDIT_KEY_LEN; i++) pad[i] ^= key[i];
  lotse_sha256_init(&s);
  lotse_sha256_update(&s, pad, sizeof pad);
  lotse_sha256_update(&s, msg, n);
  lotse_sha256_final(&s, inner);
  memset(pad, 0x5c, sizeof pad);
  for (int i = 0; i < AUDIT_KEY_LEN; i++) pad[i] ^= key[i];
  lotse_sha256_init(&s);
  lotse_sha256_update(&s, pad, sizeof pad);
  lotse_sha256_update(&s, inner, sizeof inner);
  lotse_sha256_final(&s, out);
}

void audit_hex(const unsigned char *p, size_t n, char *hex) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    hex[2 * i] = digits[p[i] >> 4];
    hex[2 * i + 1] = digits[p[i] & 15];
  }
  hex[2 * n] = '\0';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int audit_unhex(const char *hex, size_t hexlen, unsigned char *out,
                size_t n) {
  if (!hex || hexlen != 2 * n) return -1;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (unsigned char)(hi << 4 | lo);
  }
  return 0;
}

int audit_err_db(gov_audit_t *a, lotse_err_t *err, const char *what) {
  return lotse_err_set(err, LOTSE_EDB, "audit: %s: %s", what,
                       a->db ? sqlite3_errmsg(a->db) : "no database");
}

/* ----------------------------------------------------------- key, anchor */

static char *path_join(const char *dir, const char *file) {
  size_t n = strlen(dir) + strlen(file) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, file);
  return p;
}

static int key_load(gov_audit_t *a, lotse_err_t *err) {
  char buf[2 * AUDIT_KEY_LEN + 2];
  int fd = open(a->key_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return LOTSE_ENOTFOUND;
    return lotse_err_set(err, LOTSE_EIO, "unable to open '%s': %s",
                         a->key_path, strerror(errno));
  }
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 2 * AUDIT_KEY_LEN ||
      audit_unhex(buf, 2 * AUDIT_KEY_LEN, a->key, AUDIT_KEY_LEN) != 0) {
    close(fd);
    return LOTSE_CORRUPT_BKPT(err, "audit key '%s' is malformed",
                              a->key_path);
  }
  a->have_key = 1;
  a->keyfd = fd;
  return 0;
}

/* Create audit.key atomically (temp file + link, which fails if another
 * process was first; then its key is used). */
static int key_create(gov_audit_t *a, lotse_err_t *err) {
  unsigned char k[AUDIT_KEY_LEN];
  char hex[2 * AUDIT_KEY_LEN + 2];
  if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k)
    return lotse_err_set(err, LOTSE_EIO, "no random bytes for the audit key");
  audit_hex(k, sizeof k, hex);
  strcat(hex, "\n");
  size_t tn = strlen(a->key_path) + 32;
  char *tmp = malloc(tn);
  if (!tmp) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  snprintf(tmp, tn, "%s.tmp.%ld", a->key_path, (long)getpid());
  int rc = 0;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) ||
      fsync(fd) != 0)
    rc = lotse_err_set(err, LOTSE_EIO, "unable to write '%s': %s", tmp,
                       strerror(errno));
  if (fd >= 0) close(fd);
  if (!rc && link(tmp, a->key_path) != 0 && errno != EEXIST)
    rc = lotse_err_set(err, LOTSE_EIO, "unable to create '%s': %s",
                       a->key_path, strerror(errno));
  unlink(tmp);
  free(tmp);
  return rc;
}

int audit_anchor_read(gov_audit_t *a, audit_anchor_t *an, lotse_err_t *err) {
  char *data = NULL;
  size_t len = 0;
  memset(an, 0, sizeof *an);
  an->seq = -1;
  int rc = lotse_file_read(a->anchor_path, 1024, &data, &len, err);
  if (rc == LOTSE_ENOTFOUND) {
    lotse_err_clear(err);
    return LOTSE_ENOTFOUND;
  }
  if (rc) return rc;
  char magic[32], hash[80], mac[80];
  long long seq;
  unsigned char raw[32], got[32], want[32];
  if (sscanf(data, "%31s %lld %79s %79s", magic, &seq, hash, mac) != 4 ||
      strcmp(magic, AUDIT_ANCHOR_MAGIC) != 0 || seq < 0 ||
      strlen(hash) != 64 || audit_unhex(hash, 64, raw, 32) != 0 ||
      audit_unhex(mac, strlen(mac), got, 32) != 0) {
    free(data);
    return LOTSE_CORRUPT_BKPT(err, "audit anchor '%s' is malformed",
                              a->anchor_path);
  }
  an->seq = seq;
  memcpy(an->hash, hash, 65);
  if (a->have_key) {
    char msg[160];
    int n = snprintf(msg, sizeof msg, "%s %lld %s", AUDIT_ANCHOR_MAGIC, seq,
                     hash);
    audit_hmac(a->key, msg, (size_t)n, want);
    an->mac_ok = memcmp(got, want, 32) == 0;
  }
  free(data);
  return 0;
}

/* Write the anchor for (seq, hash) unless the file already names a later
 * record. Durable content (fsync of the temp file); the rename itself may
 * be lost in a crash, which leaves a lagging anchor, never a torn one. */
static int anchor_write(gov_audit_t *a, int64_t seq, const char *hash,
                        lotse_err_t *err) {
  audit_anchor_t cur;
  if (a->keyfd >= 0 && flock(a->keyfd, LOCK_EX) != 0)
    return lotse_err_set(err, LOTSE_EIO, "unable to lock '%s': %s",
                         a->key_path, strerror(errno));
  lotse_err_t ignore = {0};
  int rc = 0;
  if (audit_anchor_read(a, &cur, &ignore) == 0 && cur.mac_ok &&
      cur.seq >= seq)
    goto out;
  char line[256], mac_hex[65];
  unsigned char mac[32];
  int n = snprintf(line, sizeof line, "%s %lld %s", AUDIT_ANCHOR_MAGIC,
                   (long long)seq, hash);
  audit_hmac(a->key, line, (size_t)n, mac);
  audit_hex(mac, 32, mac_hex);
  n += snprintf(line + n, sizeof line - (size_t)n, " %s\n", mac_hex);
  size_t tn = strlen(a->anchor_path) + 8;
  char *tmp = malloc(tn);
  if (!tmp) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  snprintf(tmp, tn, "%s.tmp", a->anchor_path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int ok = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
  if (fd >= 0 && close(fd) != 0) ok = 0;
  if (!ok || rename(tmp, a->anchor_path) != 0) {
    rc = lotse_err_set(err, LOTSE_EIO, "unable to write '%s': %s",
                       a->anchor_path, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
out:
  if (a->keyfd >= 0) flock(a->keyfd, LOCK_UN);
  return rc;
}

/* --------------------------------------------------------------- opening */

static int exec_sql(gov_audit_t *a, const char *sql, lotse_err_t *err) {
  char *msg = NULL;
  if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    int rc = lotse_err_set(err, LOTSE_EDB, "audit: %s",
                           msg ? msg : sqlite3_errmsg(a->db));
    sqlite3_free(msg);
    return rc;
  }
  return 0;
}

static int db_open(gov_audit_t *a, lotse_err_t *err) {
  int flags = a->rdonly ? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(a->db_path, &a->db, flags | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK)
    return audit_err_db(a, err, "open");
  sqlite3_busy_timeout(a->db, 10000);
  if (a->rdonly) {
    sqlite3_stmt *s;
    int ok = sqlite3_prepare_v2(a->db, "SELECT 1 FROM audit LIMIT 0", -1, &s,
                                NULL) == SQLITE_OK;
    sqlite3_finalize(s);
    return ok ? 0
              : LOTSE_CORRUPT_BKPT(err, "'%s' holds no audit trail",
                                   a->db_path);
  }
  int rc = exec_sql(a, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                    err);
  sqlite3_stmt *uv;
  int version = 0;
  if (!rc && sqlite3_prepare_v2(a->db, "PRAGMA user_version", -1, &uv,
                                NULL) == SQLITE_OK) {
    if (sqlite3_step(uv) == SQLITE_ROW) version = sqlite3_column_int(uv, 0);
    sqlite3_finalize(uv);
  }
  if (version > 1)
    rc = lotse_err_set(err, LOTSE_ESCHEMA, "audit trail '%s' has format %d, "
                       "newer than this program", a->db_path, version);
  if (!rc && version < 1) rc = exec_sql(a, "BEGIN IMMEDIATE", err);
  if (!rc && version < 1) {
    rc = exec_sql(a, SCHEMA, err);
    if (!rc) rc = exec_sql(a, "COMMIT", err);
    if (rc) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
  }
  if (!rc &&
      (sqlite3_prepare_v2(a->db, "SELECT seq, hash FROM audit ORDER BY seq "
                                 "DESC LIMIT 1", -1, &a->st_head,
                          NULL) != SQLITE_OK ||
       sqlite3_prepare_v2(a->db, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,"
                                 "?,?,?,?,?,?,?,?,?,?,?)", -1, &a->st_insert,
                          NULL) != SQLITE_OK))
    rc = audit_err_db(a, err, "prepare");
  return rc;
}

/* Head of the database (0 and zero hash when empty). */
static int head_get(gov_audit_t *a, int64_t *seq, char hash[65],
                    lotse_err_t *err) {
  *seq = 0;
  memcpy(hash, ZERO_HASH, 65);
  if (!a->db) return 0;
  sqlite3_stmt *s = a->st_head;
  int own = 0;
  if (!s) { /* read-only handles prepare on demand */
    if (sqlite3_prepare_v2(a->db, "SELECT seq, hash FROM audit ORDER BY seq "
                           "DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
      return audit_err_db(a, err, "head");
    own = 1;
  }
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const char *h = (const char *)sqlite3_column_text(s, 1);
    *seq = sqlite3_column_int64(s, 0);
    if (h && strlen(h) == 64) memcpy(hash, h, 65);
    else rc = SQLITE_CORRUPT;
  }
  int out = (rc == SQLITE_ROW || rc == SQLITE_DONE)
                ? 0
                : audit_err_db(a, err, "head");
  if (own) sqlite3_finalize(s);
  else sqlite3_reset(s);
  return out;
}

/* The writer's check before continuing the chain at (head, hash): the
 * anchor must exist, carry a valid HMAC and name a record that is there
 * with the same hash. Otherwise appending would bury the evidence (the next
 * anchor would cover a truncated or rewritten chain): LOTSE_ECORRUPT, and
 * the gate refuses AI calls until the trail is looked at. */
static int anchor_check(gov_audit_t *a, int64_t head, const char *hash,
                        lotse_err_t *err) {
  audit_anchor_t an;
  lotse_err_t ignore = {0};
  int rc = audit_anchor_read(a, &an, &ignore);
  const char *why = NULL;
  char at[65];
  if (rc == LOTSE_ENOTFOUND) why = "Anker (audit.anchor) fehlt";
  else if (rc || !an.mac_ok) why = "Anker (audit.anchor) ist ungültig";
  else if (an.seq > head) why = "Einträge am Ende fehlen";
  else if (an.seq == head) {
    if (strcmp(an.hash, hash) != 0) why = "Kette weicht vom Anker ab";
  } else if (an.seq == 0) {
    if (strcmp(an.hash, ZERO_HASH) != 0) why = "Anker ist ungültig";
  } else { /* lagging anchor (after a crash): compare that record */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(a->db, "SELECT hash FROM audit WHERE seq = ?", -1,
                           &s, NULL) != SQLITE_OK)
      return audit_err_db(a, err, "anchor");
    sqlite3_bind_int64(s, 1, an.seq);
    const char *h = sqlite3_step(s) == SQLITE_ROW
                        ? (const char *)sqlite3_column_text(s, 0) : NULL;
    snprintf(at, sizeof at, "%s", h ? h : "");
    sqlite3_finalize(s);
    if (strcmp(at, an.hash) != 0) why = "Kette weicht vom Anker ab";
  }
  if (!why) return 0;
  return LOTSE_CORRUPT_BKPT(err,
                            "Prüfprotokoll in '%s' beschädigt (%s); es wird "
                            "nicht weitergeschrieben, 'lotse audit verify' "
                            "ausführen",
                            a->dir, why);
}

/* Under a flock on the workspace directory, so two processes starting on
 * a fresh workspace create one key and one anchor between them. */
static int open_write_locked(gov_audit_t *a, lotse_err_t *err) {
  int created = 0, rc = key_load(a, err);
  if (rc == LOTSE_ENOTFOUND) {
    /* A trail that exists without its key cannot be continued: whatever
     * is appended could not be told from a forgery. */
    struct stat st;
    if (stat(a->anchor_path, &st) == 0 || stat(a->db_path, &st) == 0)
      return LOTSE_CORRUPT_BKPT(err,
                                "Schlüssel des Prüfprotokolls '%s' fehlt; "
                                "'lotse audit verify' ausführen",
                                a->key_path);
    rc = key_create(a, err);
    if (!rc) rc = key_load(a, err);
    created = 1;
  }
  if (!rc) rc = db_open(a, err);
  if (rc) return rc;
  int64_t seq;
  char hash[65];
  if ((rc = head_get(a, &seq, hash, err))) return rc;
  if (created && seq == 0) return anchor_write(a, 0, hash, err);
  return anchor_check(a, seq, hash, err);
}

static int open_write(gov_audit_t *a, lotse_err_t *err) {
  int dfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || flock(dfd, LOCK_EX) != 0) {
    int rc = lotse_err_set(err, LOTSE_EIO, "unable to lock '%s': %s", a->dir,
                           strerror(errno));
    if (dfd >= 0) close(dfd);
    return rc;
  }
  int rc = open_write_locked(a, err);
  close(dfd); /* releases the lock */
  return rc;
}

int gov_audit_open(const char *workspace, int flags, gov_audit_t **out,
                   lotse_err_t *err) {
  *out = NULL;
  if (!workspace || !*workspace)
    return lotse_err_set(err, LOTSE_EINVAL, "audit: no workspace");
  if (!lotse_path_is_dir(workspace))
    return lotse_err_set(err, LOTSE_ENOTFOUND, "workspace '%s' not found",
                         workspace);
  gov_audit_t *a = calloc(1, sizeof *a);
  if (!a) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  pthread_mutex_init(&a->mu, NULL);
  a->keyfd = -1;
  a->rdonly = (flags & GOV_AUDIT_RDONLY) != 0;
  a->dir = lotse_strdup(workspace);
  a->db_path = path_join(workspace, "audit.db");
  a->key_path = path_join(workspace, "audit.key");
  a->anchor_path = path_join(workspace, "audit.anchor");
  int rc = 0;
  if (!a->dir || !a->db_path || !a->key_path || !a->anchor_path)
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  else if (!a->rdonly)
    rc = open_write(a, err);
  else {
    struct stat st;
    rc = key_load(a, err); /* a missing or bad key: verify reports it */
    if (rc == LOTSE_ENOTFOUND || rc == LOTSE_ECORRUPT) {
      rc = 0;
      lotse_err_clear(err);
    }
    if (!rc && stat(a->db_path, &st) == 0) rc = db_open(a, err);
  }
  if (rc) {
    gov_audit_close(a);
    return rc;
  }
  *out = a;
  return 0;
}

void gov_audit_close(gov_audit_t *a) {
  if (!a) return;
  sqlite3_finalize(a->st_head);
  sqlite3_finalize(a->st_insert);
  if (a->db) sqlite3_close(a->db);
  if (a->keyfd >= 0) close(a->keyfd);
  pthread_mutex_destroy(&a->mu);
  memset(a->key, 0, sizeof a->key);
  free(a->dir);
  free(a->db_path);
  free(a->key_path);
  free(a->anchor_path);
  free(a);
}

int gov_audit_head(gov_audit_t *a, int64_t *seq, char hash[65],
                   lotse_err_t *err) {
  pthread_mutex_lock(&a->mu);
  int rc = head_get(a, seq, hash, err);
  pthread_mutex_unlock(&a->mu);
  return rc;
}

/* -------------------------------------------------------------- appending */

static int check_text(const char *what, const char *s, lotse_err_t *err) {
  if (!s) return 0;
  size_t n = strlen(s);
  if (n > AUDIT_MAX_TEXT)
    return lotse_err_set(err, LOTSE_EINVAL, "audit: %s longer than %d bytes",
                         what, AUDIT_MAX_TEXT);
  if (!lotse_utf8_valid(s, n))
    return lotse_err_set(err, LOTSE_EINVAL, "audit: %s is not UTF-8", what);
  return 0;
}

static int validate(const gov_audit_rec_t *r, lotse_err_t *err) {
  const char *texts[] = {r->actor, r->unit, r->app_id, r->action,
                         r->reason_code, r->reason, r->model};
  const char *names[] = {"actor", "unit", "app_id", "action",
                         "reason_code", "reason", "model"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    int rc = check_text(names[i], texts[i], err);
    if (rc) return rc;
  }
  if (!r->action || !*r->action)
    return lotse_err_set(err, LOTSE_EINVAL, "audit: action is required");
  if (r->decision != GOV_AUDIT_DECISION_NONE &&
      r->decision != GOV_AUDIT_DECISION_ALLOW &&
      r->decision != GOV_AUDIT_DECISION_REFUSE)
    return lotse_err_set(err, LOTSE_EINVAL, "audit: bad decision %d",
                         (int)r->decision);
  if (r->decision == GOV_AUDIT_DECISION_REFUSE &&
      (!r->reason_code || !*r->reason_code))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "audit: a refusal needs a reason_code");
  if (r->ts_ms < 0 || r->app_version < 0 || r->prompt_tokens < 0 ||
      r->completion_tokens < 0 || r->latency_ms < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "audit: negative number");
  if (r->nsources > AUDIT_MAX_SOURCES || (r->nsources && !r->sources))
    return lotse_err_set(err, LOTSE_EINVAL, "audit: bad sources (%zu)",
                         r->nsources);
  return 0;
}

/* sources as a JSON array and details as sorted compact JSON, into b
 * (separated by a NUL); offsets of details in *doff. */
static int encode_json(const gov_audit_rec_t *r, lotse_buf_t *b, size_t *doff,
                       lotse_err_t *err) {
  int rc = lotse_buf_putc(b, '[');
  for (size_t i = 0; !rc && i < r->nsources; i++)
    rc = lotse_buf_printf(b, "%s{\"doc\":%lld,\"version\":%lld,\"chunk\":"
                          "%lld}", i ? "," : "", (long long)r->sources[i].doc,
                          (long long)r->sources[i].version,
                          (long long)r->sources[i].chunk);
  if (!rc) rc = lotse_buf_putc(b, ']');
  if (!rc) rc = lotse_buf_append(b, "", 1);
  if (rc) return lotse_err_set(err, rc, "audit: sources too large");
  *doff = b->len;
  if (!r->details_json || !*r->details_json)
    return lotse_buf_puts(b, "{}");
  json_error_t je;
  json_t *d = json_loads(r->details_json, JSON_REJECT_DUPLICATES, &je);
  if (!d || !json_is_object(d)) {
    json_decref(d);
    return lotse_err_set(err, LOTSE_EINVAL,
                         "audit: details is not a JSON object%s%s",
                         d ? "" : ": ", d ? "" : je.text);
  }
  char *s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(d);
  if (!s) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  rc = strlen(s) > AUDIT_MAX_DETAILS
           ? lotse_err_set(err, LOTSE_EINVAL,
                           "audit: details longer than %d bytes",
                           AUDIT_MAX_DETAILS)
           : lotse_buf_puts(b, s);
  free(s);
  return rc;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_text(audit_val_t *v, const char *s) {
  v->s = s ? s : "";
  v->n = strlen(v->s);
}

/* Insert the record after prev (inside the caller's transaction). */
static int insert(gov_audit_t *a, audit_val_t v[AUDIT_NFIELDS],
                  const char prev_hex[65], char hash_hex[65],
                  lotse_err_t *err) {
  unsigned char prev[32], h[32], mac[32];
  char mac_hex[65];
  if (audit_unhex(prev_hex, 64, prev, 32) != 0)
    return LOTSE_CORRUPT_BKPT(err, "audit: head hash of record %lld is "
                              "malformed", (long long)(v[AF_SEQ].i - 1));
  audit_chain_hash(prev, v, h);
  audit_hmac(a->key, h, 32, mac);
  audit_hex(h, 32, hash_hex);
  audit_hex(mac, 32, mac_hex);
  sqlite3_stmt *s = a->st_insert;
  for (int i = 0; i < AUDIT_NFIELDS; i++) {
    if (audit_kinds[i] == 'I') sqlite3_bind_int64(s, i + 1, v[i].i);
    else sqlite3_bind_text(s, i + 1, v[i].s, (int)v[i].n, SQLITE_STATIC);
  }
  sqlite3_bind_text(s, AUDIT_NFIELDS + 1, prev_hex, 64, SQLITE_STATIC);
  sqlite3_bind_text(s, AUDIT_NFIELDS + 2, hash_hex, 64, SQLITE_STATIC);
  sqlite3_bind_text(s, AUDIT_NFIELDS + 3, mac_hex, 64, SQLITE_STATIC);
  int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : audit_err_db(a, err, "insert");
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}

int gov_audit_append(gov_audit_t *a, const gov_audit_rec_t *r, int64_t *seq,
                     lotse_err_t *err) {
  if (!a || !r) return lotse_err_set(err, LOTSE_EINVAL, "audit: no record");
  if (a->rdonly || !a->db)
    return lotse_err_set(err, LOTSE_EACCESS, "audit: opened read-only");
  int rc = validate(r, err);
  if (rc) return rc;
  lotse_buf_t js;
  size_t doff = 0;
  lotse_buf_init(&js, AUDIT_MAX_DETAILS + 64 * (AUDIT_MAX_SOURCES + 1));
  if ((rc = encode_json(r, &js, &doff, err))) goto out;
  audit_val_t v[AUDIT_NFIELDS] = {0};
  set_text(&v[AF_ACTOR], r->actor);
  set_text(&v[AF_UNIT], r->unit);
  set_text(&v[AF_APP], r->app_id);
  v[AF_APP_VERSION].i = r->app_version;
  set_text(&v[AF_ACTION], r->action);
  set_text(&v[AF_DECISION], gov_audit_decision_name(r->decision));
  set_text(&v[AF_REASON_CODE], r->reason_code);
  set_text(&v[AF_REASON], r->reason);
  set_text(&v[AF_SOURCES], js.data);
  set_text(&v[AF_MODEL], r->model);
  v[AF_PTOK].i = r->prompt_tokens;
  v[AF_CTOK].i = r->completion_tokens;
  v[AF_LATENCY].i = r->latency_ms;
  set_text(&v[AF_DETAILS], js.data + doff);

  int64_t head;
  char prev[65], hash[65];
  pthread_mutex_lock(&a->mu);
  if ((rc = exec_sql(a, "BEGIN IMMEDIATE", err))) goto unlock;
  rc = head_get(a, &head, prev, err);
  if (!rc) rc = anchor_check(a, head, prev, err);
  v[AF_SEQ].i = head + 1;
  v[AF_TS].i = r->ts_ms ? r->ts_ms : now_ms(); /* under the write lock */
  if (!rc) rc = insert(a, v, prev, hash, err);
  if (!rc) rc = exec_sql(a, "COMMIT", err);
  if (rc) {
    sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
    goto unlock;
  }
  if (seq) *seq = head + 1;
  lotse_err_t aerr = {0};
  if (anchor_write(a, head + 1, hash, &aerr)) /* the record is stored */
    lotse_log(LOTSE_LOG_WARN, "audit anchor not updated: %s", aerr.msg);
unlock:
  pthread_mutex_unlock(&a->mu);
out:
  lotse_buf_release(&js);
  return rc;
}
