/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/audit_verify.c — proving the audit trail (chain, MACs, anchor,
 * triggers) and reading it back (queries, JSON lines).
 *
 * Contract: gov_audit_verify() reports the first fault in seq order, then
 * faults of the anchor, then of the schema; it never changes a file.
 * Invariant: the anchor is read before the snapshot of the database is
 * taken, so an append racing with verify can only make the anchor lag,
 * never make it run ahead of the rows verify sees.
 * See also: gov/audit.h (format), gov/audit.c (writing).
 */
#include "gov/audit_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const FAULT_CODES[] = {
    "ok", "modified", "link", "gap", "mac", "malformed", "truncated",
    "anchor_missing", "anchor_forged", "anchor_mismatch", "key_missing",
    "unprotected"};

const char *gov_audit_fault_code(gov_audit_fault_t f) {
  if ((unsigned)f >= sizeof FAULT_CODES / sizeof FAULT_CODES[0]) return "?";
  return FAULT_CODES[f];
}

static const char ZERO_HASH[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

#define COLUMNS                                                             \
  "seq, ts_ms, actor, unit, app_id, app_version, action, decision,"         \
  " reason_code, reason, sources, model, prompt_tokens, completion_tokens," \
  " latency_ms, details, prev_hash, hash, mac"

static int fault(gov_audit_verdict_t *v, gov_audit_fault_t f, int64_t seq,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fault(gov_audit_verdict_t *v, gov_audit_fault_t f, int64_t seq,
                 const char *fmt, ...) {
  va_list ap;
  v->fault = f;
  v->seq = seq;
  va_start(ap, fmt);
  vsnprintf(v->message, sizeof v->message, fmt, ap);
  va_end(ap);
  return 1;
}

/* Read the row's fields into val; 0, or 1 with the verdict set when a
 * column has the wrong type. */
static int row_fields(sqlite3_stmt *s, audit_val_t val[AUDIT_NFIELDS],
                      int64_t seq, gov_audit_verdict_t *v) {
  for (int i = 0; i < AUDIT_NFIELDS + 3; i++) {
    int want = (i < AUDIT_NFIELDS && audit_kinds[i] == 'I') ? SQLITE_INTEGER
                                                             : SQLITE_TEXT;
    if (sqlite3_column_type(s, i) != want)
      return fault(v, GOV_AUDIT_MALFORMED, seq,
                   "Eintrag %lld: Feld '%s' hat den falschen Typ "
                   "(nachträglich verändert)",
                   (long long)seq,
                   i < AUDIT_NFIELDS ? audit_names[i]
                   : i == AUDIT_NFIELDS ? "prev_hash"
                   : i == AUDIT_NFIELDS + 1 ? "hash" : "mac");
    if (i >= AUDIT_NFIELDS) continue;
    if (want == SQLITE_INTEGER) {
      val[i].i = sqlite3_column_int64(s, i);
    } else {
      val[i].s = (const char *)sqlite3_column_text(s, i);
      val[i].n = (size_t)sqlite3_column_bytes(s, i);
      if (!val[i].s) val[i].s = "";
    }
  }
  return 0;
}

/* Check one row against its predecessor's hash (prev, hex). Returns 1 with
 * the verdict set on a fault. */
static int check_row(gov_audit_t *a, sqlite3_stmt *s, int64_t expect,
                     const char *prev, gov_audit_verdict_t *v) {
  int64_t seq = sqlite3_column_int64(s, 0);
  if (sqlite3_column_type(s, 0) != SQLITE_INTEGER || seq < expect)
    return fault(v, GOV_AUDIT_MALFORMED, seq,
                 "Eintrag %lld: ungültige laufende Nummer", (long long)seq);
  if (seq > expect)
    return fault(v, GOV_AUDIT_GAP, expect,
                 "Eintrag %lld fehlt (gelöscht)%s", (long long)expect,
                 seq > expect + 1 ? ", weitere bis zum nächsten vorhandenen"
                                    " Eintrag ebenso" : "");
  audit_val_t val[AUDIT_NFIELDS];
  if (row_fields(s, val, seq, v)) return 1;
  const char *sprev = (const char *)sqlite3_column_text(s, AUDIT_NFIELDS);
  const char *shash = (const char *)sqlite3_column_text(s, AUDIT_NFIELDS + 1);
  const char *smac = (const char *)sqlite3_column_text(s, AUDIT_NFIELDS + 2);
  unsigned char rprev[32], h[32], mac[32], want[32];
  char hex[65];
  if (audit_unhex(sprev, strlen(sprev), rprev, 32) != 0 ||
      audit_unhex(smac, strlen(smac), mac, 32) != 0 || strlen(shash) != 64)
    return fault(v, GOV_AUDIT_MALFORMED, seq,
                 "Eintrag %lld: Prüfsumme unlesbar (nachträglich verändert)",
                 (long long)seq);
  audit_chain_hash(rprev, val, h);
  audit_hex(h, 32, hex);
  if (strcmp(hex, shash) != 0)
    return fault(v, GOV_AUDIT_MODIFIED, seq,
                 "Eintrag %lld: Inhalt nachträglich verändert (Prüfsumme "
                 "stimmt nicht)", (long long)seq);
  if (strcmp(sprev, prev) != 0)
    return fault(v, GOV_AUDIT_LINK, seq,
                 "Eintrag %lld: passt nicht zu seinem Vorgänger (eingefügt, "
                 "entfernt oder umsortiert)", (long long)seq);
  audit_hmac(a->key, h, 32, want);
  if (memcmp(mac, want, 32) != 0)
    return fault(v, GOV_AUDIT_MAC, seq,
                 "Eintrag %lld: nicht mit dem Schlüssel dieses "
                 "Arbeitsbereichs geschrieben (gefälscht oder Kette neu "
                 "berechnet)", (long long)seq);
  return 0;
}

/* Walk all rows in seq order; fault on the first bad one. */
static int walk_chain(gov_audit_t *a, const audit_anchor_t *an, int have_an,
                      gov_audit_verdict_t *v, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(a->db, "SELECT " COLUMNS " FROM audit ORDER BY seq",
                         -1, &s, NULL) != SQLITE_OK)
    return audit_err_db(a, err, "verify");
  char prev[65];
  memcpy(prev, ZERO_HASH, 65);
  int rc = SQLITE_DONE, stop = 0;
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    stop = check_row(a, s, v->head_seq + 1, prev, v);
    if (stop) break;
    v->records++;
    v->head_seq = sqlite3_column_int64(s, 0);
    memcpy(prev, sqlite3_column_text(s, AUDIT_NFIELDS + 1), 65);
    if (have_an && an->seq == v->head_seq && strcmp(an->hash, prev) != 0)
      stop = fault(v, GOV_AUDIT_ANCHOR_MISMATCH, v->head_seq,
                   "Eintrag %lld: weicht vom gesicherten Anker ab (Kette "
                   "ab hier ersetzt)", (long long)v->head_seq);
  }
  if (!stop && rc != SQLITE_DONE) rc = audit_err_db(a, err, "verify");
  else rc = 0;
  memcpy(v->head_hash, prev, 65);
  sqlite3_finalize(s);
  return rc;
}

/* The append-only triggers must still be there and still refuse. */
static int triggers_ok(gov_audit_t *a) {
  sqlite3_stmt *s;
  int n = 0;
  if (sqlite3_prepare_v2(a->db, "SELECT sql FROM sqlite_master WHERE "
                         "type = 'trigger' AND tbl_name = 'audit'",
                         -1, &s, NULL) != SQLITE_OK)
    return 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *sql = (const char *)sqlite3_column_text(s, 0);
    if (!sql || !strstr(sql, "RAISE(ABORT")) continue;
    if (strstr(sql, "BEFORE UPDATE ON audit")) n |= 1;
    if (strstr(sql, "BEFORE DELETE ON audit")) n |= 2;
  }
  sqlite3_finalize(s);
  return n == 3;
}

static void check_anchor(const audit_anchor_t *an, int arc,
                         gov_audit_verdict_t *v) {
  if (arc == LOTSE_ENOTFOUND) {
    fault(v, GOV_AUDIT_ANCHOR_MISSING, 0,
          "Anker des Prüfprotokolls (audit.anchor) fehlt; gelöschte "
          "Einträge am Ende wären nicht erkennbar");
  } else if (arc || !an->mac_ok) {
    fault(v, GOV_AUDIT_ANCHOR_FORGED, 0,
          "Anker des Prüfprotokolls (audit.anchor) ist ungültig oder "
          "gefälscht");
  } else if (an->seq > v->head_seq) {
    if (an->seq == v->head_seq + 1)
      fault(v, GOV_AUDIT_TRUNCATED, an->seq,
            "Eintrag %lld fehlt am Ende (gelöscht)", (long long)an->seq);
    else
      fault(v, GOV_AUDIT_TRUNCATED, v->head_seq + 1,
            "Eintrag %lld bis Eintrag %lld fehlen am Ende (gelöscht)",
            (long long)v->head_seq + 1, (long long)an->seq);
  } else if (an->seq == 0 && strcmp(an->hash, ZERO_HASH) != 0) {
    fault(v, GOV_AUDIT_ANCHOR_FORGED, 0,
          "Anker des Prüfprotokolls (audit.anchor) ist ungültig");
  } else {
    v->anchor_seq = an->seq;
    v->anchor_lag = v->head_seq - an->seq;
  }
}

int gov_audit_verify(gov_audit_t *a, gov_audit_verdict_t *v,
                     lotse_err_t *err) {
  memset(v, 0, sizeof *v);
  v->anchor_seq = -1;
  memcpy(v->head_hash, ZERO_HASH, 65);
  pthread_mutex_lock(&a->mu);
  audit_anchor_t an;
  lotse_err_t aerr = {0};
  struct stat st;
  int arc = audit_anchor_read(a, &an, &aerr), rc = 0;
  int key_present = stat(a->key_path, &st) == 0;
  if (!a->have_key) {
    if (key_present)
      fault(v, GOV_AUDIT_KEY_MISSING, 0, "Schlüssel des Prüfprotokolls "
            "(audit.key) ist unlesbar");
    else if (a->db || arc != LOTSE_ENOTFOUND)
      fault(v, GOV_AUDIT_KEY_MISSING, 0, "Schlüssel des Prüfprotokolls "
            "(audit.key) fehlt; nichts ist mehr nachweisbar");
    goto out; /* no key, no trail: nothing was ever recorded */
  }
  if (a->db) {
    if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
      rc = audit_err_db(a, err, "verify");
      goto out;
    }
    rc = walk_chain(a, &an, arc == 0 && an.mac_ok, v, err);
    if (!rc && v->fault == GOV_AUDIT_OK) check_anchor(&an, arc, v);
    if (!rc && v->fault == GOV_AUDIT_OK && !triggers_ok(a))
      fault(v, GOV_AUDIT_UNPROTECTED, 0, "Schutz des Prüfprotokolls gegen "
            "Änderungen (Trigger) wurde entfernt");
    sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
  } else {
    check_anchor(&an, arc, v); /* audit.db deleted: anchor says how much */
  }
out:
  if (!rc && v->fault == GOV_AUDIT_OK)
    snprintf(v->message, sizeof v->message,
             "Prüfprotokoll intakt: %lld Einträge", (long long)v->records);
  pthread_mutex_unlock(&a->mu);
  return rc;
}

/* ---------------------------------------------------------------- queries */

static void rec_from_row(sqlite3_stmt *s, gov_audit_rec_t *r) {
  memset(r, 0, sizeof *r);
#define T(i) ((const char *)sqlite3_column_text(s, (i)))
  r->seq = sqlite3_column_int64(s, AF_SEQ);
  r->ts_ms = sqlite3_column_int64(s, AF_TS);
  r->actor = T(AF_ACTOR);
  r->unit = T(AF_UNIT);
  r->app_id = T(AF_APP);
  r->app_version = sqlite3_column_int64(s, AF_APP_VERSION);
  r->action = T(AF_ACTION);
  const char *d = T(AF_DECISION);
  r->decision = d && !strcmp(d, "allow")    ? GOV_AUDIT_DECISION_ALLOW
                : d && !strcmp(d, "refuse") ? GOV_AUDIT_DECISION_REFUSE
                                            : GOV_AUDIT_DECISION_NONE;
  r->reason_code = T(AF_REASON_CODE);
  r->reason = T(AF_REASON);
  r->sources_json = T(AF_SOURCES);
  r->model = T(AF_MODEL);
  r->prompt_tokens = sqlite3_column_int64(s, AF_PTOK);
  r->completion_tokens = sqlite3_column_int64(s, AF_CTOK);
  r->latency_ms = sqlite3_column_int64(s, AF_LATENCY);
  r->details_json = T(AF_DETAILS);
  r->prev_hash = T(AUDIT_NFIELDS);
  r->hash = T(AUDIT_NFIELDS + 1);
#undef T
}

int gov_audit_query(gov_audit_t *a, const gov_audit_filter_t *f,
                    gov_audit_fn fn, void *ctx, lotse_err_t *err) {
  static const gov_audit_filter_t none = {0};
  if (!f) f = &none;
  if (!a->db) return 0; /* read-only and no audit.db: no records */
  char sql[640];
  snprintf(sql, sizeof sql,
           "SELECT " COLUMNS " FROM audit WHERE seq >= ?1 AND ts_ms >= ?2"
           "%s%s%s%s ORDER BY seq",
           f->until_ms ? " AND ts_ms < ?3" : "",
           f->app_id ? " AND app_id = ?4" : "",
           f->actor ? " AND actor = ?5" : "",
           f->action ? " AND action = ?6" : "");
  pthread_mutex_lock(&a->mu);
  sqlite3_stmt *s;
  int rc = 0;
  if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK) {
    rc = audit_err_db(a, err, "query");
    goto out;
  }
  sqlite3_bind_int64(s, 1, f->from_seq);
  sqlite3_bind_int64(s, 2, f->since_ms);
  if (f->until_ms) sqlite3_bind_int64(s, 3, f->until_ms);
  if (f->app_id) sqlite3_bind_text(s, 4, f->app_id, -1, SQLITE_STATIC);
  if (f->actor) sqlite3_bind_text(s, 5, f->actor, -1, SQLITE_STATIC);
  if (f->action) sqlite3_bind_text(s, 6, f->action, -1, SQLITE_STATIC);
  int step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    gov_audit_rec_t r;
    rec_from_row(s, &r);
    if ((rc = fn(ctx, &r)) != 0) break;
  }
  if (!rc && step != SQLITE_DONE) rc = audit_err_db(a, err, "query");
  sqlite3_finalize(s);
out:
  pthread_mutex_unlock(&a->mu);
  return rc;
}

/* ------------------------------------------------------------------- JSON */

static json_t *json_or_string(const char *text) {
  json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  return j ? j : json_string(text ? text : "");
}

static json_t *str(const char *s) {
  json_t *j = json_string(s ? s : "");
  return j ? j : json_stringn("", 0); /* invalid UTF-8 cannot be stored */
}

int gov_audit_rec_json(const gov_audit_rec_t *r, lotse_buf_t *out,
                       lotse_err_t *err) {
  char when[40];
  time_t t = (time_t)(r->ts_ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(when + n, sizeof when - n, ".%03dZ", (int)(r->ts_ms % 1000));
  json_t *o = json_object();
  if (!o) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  json_object_set_new(o, "seq", json_integer(r->seq));
  json_object_set_new(o, "time", json_string(when));
  json_object_set_new(o, "ts_ms", json_integer(r->ts_ms));
  json_object_set_new(o, "actor", str(r->actor));
  json_object_set_new(o, "unit", str(r->unit));
  json_object_set_new(o, "app", str(r->app_id));
  json_object_set_new(o, "app_version", json_integer(r->app_version));
  json_object_set_new(o, "action", str(r->action));
  json_object_set_new(o, "decision",
                      json_string(gov_audit_decision_name(r->decision)));
  json_object_set_new(o, "reason_code", str(r->reason_code));
  json_object_set_new(o, "reason", str(r->reason));
  json_object_set_new(o, "sources", json_or_string(r->sources_json));
  json_object_set_new(o, "model", str(r->model));
  json_object_set_new(o, "prompt_tokens", json_integer(r->prompt_tokens));
  json_object_set_new(o, "completion_tokens",
                      json_integer(r->completion_tokens));
  json_object_set_new(o, "latency_ms", json_integer(r->latency_ms));
  json_object_set_new(o, "details", json_or_string(r->details_json));
  json_object_set_new(o, "hash", str(r->hash));
  json_object_set_new(o, "prev_hash", str(r->prev_hash));
  char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (!line) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = lotse_buf_puts(out, line);
  free(line);
  return rc ? lotse_err_set(err, rc, "audit: record too large") : 0;
}
