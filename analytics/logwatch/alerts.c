/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/alerts.c — storage, explanation and listing of
 * logwatch alerts (alerts.h), and the sink between the anomaly detector and
 * the ingest pipeline.
 *
 * Contract: rows of lw_alerts are insert-only; evidence and details are
 * JSON text columns written by this file only; times are ms since the
 * epoch, or line numbers where the source had no timestamps (details.unit).
 * Invariants: (1) severity_rank = lw_severity of severity; (2) the sink
 * writes buffered alerts only inside the pipeline's commit hook.
 * See also: analytics/logwatch/alerts.h, analytics/logwatch/anomaly.c.
 */
#include "analytics/logwatch/alerts.h"
#include "analytics/logwatch/alerts_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPLAIN_TPL_MAX 160

/* ------------------------------------------------------------ schema */

int lw_alerts_schema(sqlite3 *db, lotse_err_t *err) {
  static const char sql[] =
      "CREATE TABLE IF NOT EXISTS lw_alerts("
      " id INTEGER PRIMARY KEY,"
      " created_ms INTEGER NOT NULL,"
      " kind TEXT NOT NULL,"
      " severity TEXT NOT NULL,"
      " severity_rank INTEGER NOT NULL,"
      " source TEXT NOT NULL,"
      " host TEXT NOT NULL DEFAULT '',"
      " template_id INTEGER NOT NULL,"
      " template TEXT NOT NULL,"
      " prev_template TEXT,"
      " first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,"
      " detected_ms INTEGER NOT NULL,"
      " line_first INTEGER NOT NULL, line_last INTEGER NOT NULL,"
      " count INTEGER NOT NULL,"
      " explanation TEXT NOT NULL,"
      " details TEXT NOT NULL,"
      " evidence TEXT NOT NULL,"
      " open INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS lw_alerts_last ON lw_alerts(last_ms);"
      "CREATE INDEX IF NOT EXISTS lw_alerts_source ON lw_alerts(source);";
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    lotse_err_set(err, LOTSE_EDB, "unable to create the alerts table: %s",
                  msg ? msg : "?");
    sqlite3_free(msg);
    return LOTSE_EDB;
  }
  return 0;
}

/* ------------------------------------------------------------ text */

static void fmt_time_de(int64_t ms, char *buf, size_t n) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%d.%m.%Y %H:%M:%S UTC", &tm);
}

static void fmt_iso(int64_t ms, char *buf, size_t n) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A number in German notation: "3" or "2,5". */
static void fmt_num(double v, char *buf, size_t n) {
  if (v == (double)(long long)v) {
    snprintf(buf, n, "%lld", (long long)v);
    return;
  }
  snprintf(buf, n, "%.1f", v);
  char *dot = strchr(buf, '.');
  if (dot) *dot = ',';
}

/* The template capped at EXPLAIN_TPL_MAX bytes on a UTF-8 boundary. */
static void put_template(lotse_buf_t *b, const char *t) {
  size_t n = strlen(t ? t : "");
  if (n <= EXPLAIN_TPL_MAX) {
    lotse_buf_printf(b, "„%s“", t ? t : "");
    return;
  }
  n = EXPLAIN_TPL_MAX;
  while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80) n--;
  lotse_buf_printf(b, "„%.*s …“", (int)n, t);
}

static void put_range(lotse_buf_t *b, const lw_alert *a) {
  if (a->bucket_ms == 0 && a->kind == LW_ALERT_BURST) {
    lotse_buf_printf(b, "zwischen Zeile %llu und %llu",
                     (unsigned long long)a->line_first,
                     (unsigned long long)a->line_last);
    return;
  }
  if (a->t_first_ms > 1000000000000LL) { /* a real time, not ticks */
    char t1[40], t2[40];
    fmt_time_de(a->t_first_ms, t1, sizeof t1);
    fmt_time_de(a->t_last_ms, t2, sizeof t2);
    lotse_buf_printf(b, "zwischen %s und %s (Zeile %llu bis %llu)", t1, t2,
                     (unsigned long long)a->line_first,
                     (unsigned long long)a->line_last);
    return;
  }
  lotse_buf_printf(b, "zwischen Zeile %llu und %llu",
                   (unsigned long long)a->line_first,
                   (unsigned long long)a->line_last);
}

static void explain_burst(lotse_buf_t *b, const lw_alert *a) {
  char q1[32], q3[32], med[32], thr[32];
  fmt_num(a->base_q1, q1, sizeof q1), fmt_num(a->base_q3, q3, sizeof q3);
  fmt_num(a->base_median, med, sizeof med), fmt_num(a->threshold, thr, sizeof thr);
  lotse_buf_puts(b, "Das Muster ");
  put_template(b, a->template_text);
  lotse_buf_printf(b, " trat in %s ", a->source);
  put_range(b, a);
  lotse_buf_printf(b, " %llu-mal auf, üblich sind ",
                   (unsigned long long)a->count);
  if (!strcmp(q1, q3))
    lotse_buf_printf(b, "%s", q1);
  else
    lotse_buf_printf(b, "%s–%s", q1, q3);
  if (a->bucket_ms > 0 && a->bucket_ms % 60000 == 0)
    lotse_buf_printf(b, " je %lld Minuten", (long long)(a->bucket_ms / 60000));
  else if (a->bucket_ms > 0)
    lotse_buf_printf(b, " je %lld Sekunden", (long long)(a->bucket_ms / 1000));
  else
    lotse_buf_puts(b, " je Abschnitt gleicher Zeilenzahl");
  lotse_buf_printf(b, " (Median %s; als auffällig gilt ab %s).", med, thr);
}

static void explain_new(lotse_buf_t *b, const lw_alert *a) {
  lotse_buf_printf(b, "In %s", a->source);
  if (a->host && *a->host) lotse_buf_printf(b, " (Host %s)", a->host);
  lotse_buf_puts(b, " erschien ein Muster, das in dieser Quelle bisher nie "
                    "vorkam: ");
  put_template(b, a->template_text);
  lotse_buf_puts(b, ". Es trat ");
  put_range(b, a);
  lotse_buf_printf(b, " %llu-mal auf.", (unsigned long long)a->count);
}

static void explain_seq(lotse_buf_t *b, const lw_alert *a) {
  lotse_buf_printf(b, "In %s", a->source);
  if (a->host && *a->host) lotse_buf_printf(b, " (Host %s)", a->host);
  lotse_buf_puts(b, " folgte auf das Muster ");
  put_template(b, a->prev_template_text);
  lotse_buf_puts(b, " das Muster ");
  put_template(b, a->template_text);
  unsigned long long seen =
      (unsigned long long)(a->seq_prob * (double)a->seq_prev_total + 0.5);
  lotse_buf_printf(b, ". Diese Abfolge ist selten: von %llu Meldungen des "
                      "ersten Musters folgte sie bisher %llu-mal. Sie trat ",
                   (unsigned long long)a->seq_prev_total, seen);
  put_range(b, a);
  lotse_buf_printf(b, " %llu-mal auf.", (unsigned long long)a->count);
}

char *lw_alert_explain(const lw_alert *a) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  switch (a->kind) {
  case LW_ALERT_BURST: explain_burst(&b, a); break;
  case LW_ALERT_NEW_TEMPLATE: explain_new(&b, a); break;
  case LW_ALERT_RARE_SEQUENCE: explain_seq(&b, a); break;
  }
  if (!b.len) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

/* ------------------------------------------------------------ rows */

/* A JSON string of s (NULL: ""); invalid UTF-8 (a Latin-1 log line) is
 * replaced by U+FFFD rather than lost. NULL only on OOM. */
static json_t *jtext(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  if (lotse_utf8_valid(s, n)) return json_string(s);
  char *c = lotse_utf8_sanitize(s, n);
  json_t *j = c ? json_string(c) : NULL;
  free(c);
  return j;
}

/* Set o[k] = v (reference taken); *bad when v is NULL or setting failed. */
static void put(json_t *o, const char *k, json_t *v, int *bad) {
  if (!v || json_object_set_new(o, k, v)) *bad = 1;
}

static json_t *evidence_json(const lw_alert *a, int *bad) {
  json_t *ev = json_array();
  if (!ev) return *bad = 1, NULL;
  for (size_t i = 0; i < a->n_evidence; i++) {
    const lw_evidence *e = &a->evidence[i];
    json_t *x = json_object();
    if (!x || json_array_append_new(ev, x)) {
      *bad = 1;
      break;
    }
    put(x, "source", jtext(e->source), bad);
    put(x, "line", json_integer((json_int_t)e->line), bad);
    put(x, "ts_ms", json_integer((json_int_t)e->ts_ms), bad);
    put(x, "text", jtext(e->text), bad);
  }
  return ev;
}

static json_t *details_json(const lw_alert *a, int timed, int *bad) {
  json_t *det = json_object();
  if (!det) return *bad = 1, NULL;
  put(det, "unit", json_string(timed ? "ms" : "line"), bad);
  if (a->kind == LW_ALERT_BURST) {
    put(det, "median", json_real(a->base_median), bad);
    put(det, "q1", json_real(a->base_q1), bad);
    put(det, "q3", json_real(a->base_q3), bad);
    put(det, "threshold", json_real(a->threshold), bad);
    put(det, "bucket_s", json_integer(a->bucket_ms / 1000), bad);
  } else if (a->kind == LW_ALERT_RARE_SEQUENCE) {
    put(det, "probability", json_real(a->seq_prob), bad);
    put(det, "prev_total", json_integer((json_int_t)a->seq_prev_total), bad);
    put(det, "prev_template_id", json_integer(a->prev_template_id), bad);
  }
  return det;
}

/* The alert as the JSON object that is buffered and stored. */
json_t *lw_alert_row(const lw_alert *a) {
  char *expl = lw_alert_explain(a);
  json_t *o = json_object();
  int bad = !expl || !o, timed = a->t_first_ms > 1000000000000LL;
  if (bad) goto out;
  put(o, "open", json_boolean(a->open), &bad);
  put(o, "kind", json_string(lw_alert_kind_name(a->kind)), &bad);
  put(o, "severity", json_string(lw_severity_name(a->severity)), &bad);
  put(o, "severity_rank", json_integer(a->severity), &bad);
  put(o, "source", jtext(a->source), &bad);
  put(o, "host", jtext(a->host), &bad);
  put(o, "template_id", json_integer(a->template_id), &bad);
  put(o, "template", jtext(a->template_text), &bad);
  put(o, "prev_template", a->prev_template_text ? jtext(a->prev_template_text)
                                                : json_null(), &bad);
  put(o, "first_ms", json_integer(timed ? a->t_first_ms : 0), &bad);
  put(o, "last_ms", json_integer(timed ? a->t_last_ms : 0), &bad);
  put(o, "detected_ms", json_integer(timed ? a->detected_ms : 0), &bad);
  put(o, "line_first", json_integer((json_int_t)a->line_first), &bad);
  put(o, "line_last", json_integer((json_int_t)a->line_last), &bad);
  put(o, "count", json_integer((json_int_t)a->count), &bad);
  put(o, "explanation", jtext(expl), &bad);
  put(o, "details", details_json(a, timed, &bad), &bad);
  put(o, "evidence", evidence_json(a, &bad), &bad);
out:
  free(expl);
  if (!bad) return o;
  json_decref(o);
  return NULL;
}

static const char *jstr(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static json_int_t jint(const json_t *o, const char *k) {
  return json_integer_value(json_object_get(o, k));
}

static const char sql_insert[] =
    "INSERT INTO lw_alerts(created_ms, kind, severity, severity_rank, source,"
    " host, template_id, template, prev_template, first_ms, last_ms,"
    " detected_ms, line_first, line_last, count, explanation, details,"
    " evidence, open) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
/* Same columns; created_ms (?1) is left as it was. */
static const char sql_update[] =
    "UPDATE lw_alerts SET kind = ?2, severity = ?3, severity_rank = ?4,"
    " source = ?5, host = ?6, template_id = ?7, template = ?8,"
    " prev_template = ?9, first_ms = ?10, last_ms = ?11, detected_ms = ?12,"
    " line_first = ?13, line_last = ?14, count = ?15, explanation = ?16,"
    " details = ?17, evidence = ?18, open = ?19 WHERE id = ?20 AND open = 1";

static void bind_row(sqlite3_stmt *st, const json_t *o, const char *det,
                     const char *ev) {
  sqlite3_bind_int64(st, 1, lotse_now_unix() * 1000);
  sqlite3_bind_text(st, 2, jstr(o, "kind"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, jstr(o, "severity"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, jint(o, "severity_rank"));
  sqlite3_bind_text(st, 5, jstr(o, "source"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 6, jstr(o, "host"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 7, jint(o, "template_id"));
  sqlite3_bind_text(st, 8, jstr(o, "template"), -1, SQLITE_TRANSIENT);
  const char *prev = json_string_value(json_object_get(o, "prev_template"));
  if (prev) sqlite3_bind_text(st, 9, prev, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 10, jint(o, "first_ms"));
  sqlite3_bind_int64(st, 11, jint(o, "last_ms"));
  sqlite3_bind_int64(st, 12, jint(o, "detected_ms"));
  sqlite3_bind_int64(st, 13, jint(o, "line_first"));
  sqlite3_bind_int64(st, 14, jint(o, "line_last"));
  sqlite3_bind_int64(st, 15, jint(o, "count"));
  sqlite3_bind_text(st, 16, jstr(o, "explanation"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 17, det, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 18, ev, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 19, json_is_true(json_object_get(o, "open")));
}

int lw_alerts_put_row(sqlite3 *db, const json_t *o, int64_t *id,
                      lotse_err_t *err) {
  sqlite3_stmt *st = NULL;
  char *det = json_dumps(json_object_get(o, "details"), JSON_COMPACT);
  char *ev = json_dumps(json_object_get(o, "evidence"), JSON_COMPACT);
  int rc = LOTSE_EDB, update = *id > 0;
  if (!det || !ev) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  if (sqlite3_prepare_v2(db, update ? sql_update : sql_insert, -1, &st,
                         NULL) != SQLITE_OK)
    goto dberr;
  bind_row(st, o, det, ev);
  if (update) sqlite3_bind_int64(st, 20, *id);
  if (sqlite3_step(st) != SQLITE_DONE) goto dberr;
  if (!update) *id = sqlite3_last_insert_rowid(db);
  rc = 0;
  goto out;
dberr:
  lotse_err_set(err, LOTSE_EDB, "unable to store alert: %s", sqlite3_errmsg(db));
out:
  sqlite3_finalize(st);
  free(det), free(ev);
  return rc;
}

int lw_alerts_insert(sqlite3 *db, const lw_alert *a, int64_t *id,
                     lotse_err_t *err) {
  json_t *o = lw_alert_row(a);
  if (!o) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int64_t rowid = 0;
  int rc = lw_alerts_put_row(db, o, &rowid, err);
  if (!rc && id) *id = rowid;
  json_decref(o);
  return rc;
}

/* ------------------------------------------------------------ listing */

static json_t *iso_or_null(int64_t ms) {
  if (ms <= 0) return json_null();
  char buf[40];
  fmt_iso(ms, buf, sizeof buf);
  return json_string(buf);
}

static json_t *parsed_or_null(const unsigned char *txt) {
  json_t *v = txt ? json_loads((const char *)txt, 0, NULL) : NULL;
  return v ? v : json_null();
}

static json_t *row_json(sqlite3_stmt *st) {
  json_t *o = json_object();
  if (!o) return NULL;
  static const char *const names[] = {
      "id", "created_ms", "kind", "severity", NULL, "source", "host",
      "template_id", "template", "prev_template", "first_ms", "last_ms",
      "detected_ms", "line_first", "line_last", "count", "explanation"};
  for (int i = 0; i < (int)(sizeof names / sizeof *names); i++) {
    if (!names[i]) continue;
    int ty = sqlite3_column_type(st, i);
    json_t *v = ty == SQLITE_INTEGER ? json_integer(sqlite3_column_int64(st, i))
                : ty == SQLITE_NULL ? json_null()
                : json_string((const char *)sqlite3_column_text(st, i));
    json_object_set_new(o, names[i], v ? v : json_null());
  }
  json_object_set_new(o, "first", iso_or_null(sqlite3_column_int64(st, 10)));
  json_object_set_new(o, "last", iso_or_null(sqlite3_column_int64(st, 11)));
  json_object_set_new(o, "detected", iso_or_null(sqlite3_column_int64(st, 12)));
  json_object_set_new(o, "created", iso_or_null(sqlite3_column_int64(st, 1)));
  json_object_set_new(o, "details", parsed_or_null(sqlite3_column_text(st, 17)));
  json_object_set_new(o, "evidence", parsed_or_null(sqlite3_column_text(st, 18)));
  json_object_set_new(o, "open", json_boolean(sqlite3_column_int(st, 19)));
  return o;
}

int lw_alerts_list_json(sqlite3 *db, const lw_alerts_filter *f, json_t **out,
                        lotse_err_t *err) {
  static const char sql[] =
      "SELECT id, created_ms, kind, severity, severity_rank, source, host,"
      " template_id, template, prev_template, first_ms, last_ms, detected_ms,"
      " line_first, line_last, count, explanation, details, evidence, open"
      " FROM lw_alerts WHERE (?1 = 0 OR last_ms >= ?1 OR (last_ms = 0 AND"
      " created_ms >= ?1)) AND severity_rank >= ?2 AND (?3 IS NULL OR"
      " source = ?3) AND (?4 IS NULL OR kind = ?4) AND (?5 = 0 OR id = ?5)"
      " ORDER BY id DESC LIMIT ?6";
  lw_alerts_filter none = {0};
  if (!f) f = &none;
  *out = NULL;
  sqlite3_stmt *st = NULL;
  json_t *arr = json_array();
  if (!arr) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    if (strstr(sqlite3_errmsg(db), "no such table")) { /* nothing stored yet */
      *out = arr;
      return 0;
    }
    goto dberr;
  }
  sqlite3_bind_int64(st, 1, f->since_ms);
  sqlite3_bind_int(st, 2, f->min_severity);
  if (f->source) sqlite3_bind_text(st, 3, f->source, -1, SQLITE_STATIC);
  if (f->kind) sqlite3_bind_text(st, 4, f->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, f->id);
  sqlite3_bind_int64(st, 6, f->limit ? (sqlite3_int64)f->limit : 1000);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    json_t *o = row_json(st);
    if (!o || json_array_append_new(arr, o)) goto oom;
  }
  if (rc != SQLITE_DONE) goto dberr;
  sqlite3_finalize(st);
  *out = arr;
  return 0;
oom:
  sqlite3_finalize(st);
  json_decref(arr);
  return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
dberr:
  lotse_err_set(err, LOTSE_EDB, "unable to read alerts: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  json_decref(arr);
  return LOTSE_EDB;
}

int lw_alerts_open_ro(const char *workspace, sqlite3 **db, lotse_err_t *err) {
  *db = NULL;
  lotse_buf_t p;
  lotse_buf_init(&p, 8192);
  if (lotse_buf_printf(&p, "%s/logwatch.db", workspace))
    return lotse_err_set(err, LOTSE_ETOOBIG, "workspace path too long");
  int rc = 0;
  if (access(p.data, F_OK) != 0) goto out;
  if (sqlite3_open_v2(p.data, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = lotse_err_set(err, LOTSE_EDB, "unable to open '%s': %s", p.data,
                       *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_close(*db);
    *db = NULL;
    goto out;
  }
  sqlite3_busy_timeout(*db, 5000);
out:
  lotse_buf_release(&p);
  return rc;
}

int lw_alerts_parse_since(const char *s, int64_t now_ms, int64_t *out) {
  if (!s || !*s) return LOTSE_EINVAL;
  char *end;
  long long n = strtoll(s, &end, 10);
  if (end != s && n >= 0 && end[0] && !end[1] && (s[0] >= '0' && s[0] <= '9') &&
      end - s < 8) {
    int64_t unit = end[0] == 'm' ? 60000 : end[0] == 'h' ? 3600000
                   : end[0] == 'd' ? 86400000 : 0;
    if (unit) {
      *out = now_ms - n * unit;
      return 0;
    }
  }
  static const char *const fmts[] = {"%Y-%m-%d", "%Y-%m-%dT%H:%M",
                                     "%Y-%m-%dT%H:%M:%S"};
  for (size_t i = 0; i < 3; i++) {
    struct tm tm = {0};
    const char *e = strptime(s, fmts[i], &tm);
    if (e && (!*e || (e[0] == 'Z' && !e[1]))) {
      *out = (int64_t)timegm(&tm) * 1000;
      return 0;
    }
  }
  return LOTSE_EINVAL;
}
