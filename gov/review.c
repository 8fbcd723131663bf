/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/review.c — drafts of AI outputs and their sign-off (gov/review.h).
 *
 * Contract: see gov/review.h. The table "drafts" comes from migration 3;
 * its triggers keep the content and a finished sign-off unchangeable, so
 * this file's single UPDATE is guarded by "status = 'entwurf'" as well.
 * Invariants: (1) text_sha256 is the SHA-256 of text, final_text_sha256
 * that of final_text; (2) status 'final' iff reviewer and signed_at are set.
 */
#include "gov/review.h"

#include "gov/audit.h"
#include "gov/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXCERPT_BYTES 160

static int db_err(store_t *st, lotse_err_t *err, const char *what) {
  return store_err_db(st, err, what);
}

static int check_text(const char *t, const char *what, lotse_err_t *err) {
  if (!t || !*t)
    return lotse_err_set(err, LOTSE_EINVAL, "%s ist leer", what);
  size_t n = strlen(t);
  if (n > GOV_DRAFT_TEXT_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "%s ist zu lang (%zu Bytes, höchstens %u)", what, n,
                         GOV_DRAFT_TEXT_MAX);
  if (!lotse_utf8_valid(t, n))
    return lotse_err_set(err, LOTSE_EINVAL, "%s ist kein gültiges UTF-8",
                         what);
  return 0;
}

/* ------------------------------------------------------------ creating */

int gov_review_draft_add(store_t *st, const gov_draft_in_t *d, int64_t *id,
                         lotse_err_t *err) {
  if (!st || !d || !d->app || !*d->app || !d->user || !*d->user)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Entwurf ohne Anwendung oder Benutzer");
  int rc = check_text(d->text, "der Entwurfstext", err);
  if (rc) return rc;
  const char *src = d->sources ? d->sources : "[]";
  json_error_t je;
  json_t *parsed = json_loads(src, 0, &je);
  int is_array = json_is_array(parsed);
  json_decref(parsed);
  if (!is_array)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Quellen des Entwurfs sind kein JSON-Array");
  char sha[65];
  lotse_sha256_hex(d->text, strlen(d->text), sha);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "INSERT INTO drafts(app, app_version, user_name, "
                         "unit, created_at, label, text, text_sha256, "
                         "sources, risk_class, notice, status) VALUES(?1, "
                         "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                         "'entwurf')",
                         -1, &s, NULL) != SQLITE_OK)
    return db_err(st, err, "drafts");
  sqlite3_bind_text(s, 1, d->app, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, d->app_version);
  sqlite3_bind_text(s, 3, d->user, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, d->unit ? d->unit : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, lotse_now_unix());
  sqlite3_bind_text(s, 6, GOV_DRAFT_LABEL, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, d->text, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, sha, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 9, src, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 10, d->risk_class);
  if (d->notice && *d->notice)
    sqlite3_bind_text(s, 11, d->notice, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 11);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_err(st, err, "draft insert");
  sqlite3_finalize(s);
  if (!rc && id) *id = sqlite3_last_insert_rowid(store_db(st));
  return rc;
}

/* ------------------------------------------------------------ sign-off */

static int user_exists(store_t *st, const char *name, int *yes,
                       lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM users WHERE name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return db_err(st, err, "users");
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  *yes = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return 0;
}

/* status of draft id into *final (0 entwurf, 1 final); ENOTFOUND. */
static int draft_status(store_t *st, int64_t id, int *final, char **text,
                        lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT status, text FROM drafts WHERE id = ?", -1,
                         &s, NULL) != SQLITE_OK)
    return db_err(st, err, "drafts");
  sqlite3_bind_int64(s, 1, id);
  int rc = 0;
  if (sqlite3_step(s) != SQLITE_ROW) {
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "Entwurf %lld nicht gefunden",
                       (long long)id);
  } else {
    *final = strcmp((const char *)sqlite3_column_text(s, 0), "final") == 0;
    if (text && !(*text = store_col_dup_text(s, 1)))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  sqlite3_finalize(s);
  return rc;
}

static int signoff_write(store_t *st, int64_t id, const char *reviewer,
                         const char *final_text, lotse_err_t *err) {
  char sha[65];
  lotse_sha256_hex(final_text, strlen(final_text), sha);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "UPDATE drafts SET status = 'final', reviewer = ?2, "
                         "signed_at = ?3, final_text = ?4, "
                         "final_text_sha256 = ?5 "
                         "WHERE id = ?1 AND status = 'entwurf'",
                         -1, &s, NULL) != SQLITE_OK)
    return db_err(st, err, "drafts");
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_text(s, 2, reviewer, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, lotse_now_unix());
  sqlite3_bind_text(s, 4, final_text, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, sha, -1, SQLITE_STATIC);
  int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_err(st, err, "sign-off");
  sqlite3_finalize(s);
  if (!rc && sqlite3_changes(store_db(st)) != 1)
    rc = lotse_err_set(err, LOTSE_EEXIST,
                       "Entwurf %lld ist bereits abgezeichnet", (long long)id);
  return rc;
}

int gov_review_signoff(store_t *st, int64_t id, const char *reviewer,
                       const char *final_text, lotse_err_t *err) {
  if (!st || !reviewer || !*reviewer)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Abzeichnen braucht eine namentlich genannte "
                         "prüfende Person");
  int rc, known = 0, final = 0;
  if (final_text && (rc = check_text(final_text, "der endgültige Text", err)))
    return rc;
  if ((rc = user_exists(st, reviewer, &known, err))) return rc;
  if (!known)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte prüfende Person '%s' (Benutzer zuerst "
                         "mit 'lotse user add' anlegen)",
                         reviewer);
  if ((rc = store_begin(st, err))) return rc;
  char *text = NULL;
  rc = draft_status(st, id, &final, &text, err);
  if (!rc && final)
    rc = lotse_err_set(err, LOTSE_EEXIST,
                       "Entwurf %lld ist bereits abgezeichnet", (long long)id);
  if (!rc)
    rc = signoff_write(st, id, reviewer, final_text ? final_text : text, err);
  free(text);
  if (rc) {
    store_rollback(st);
    return rc;
  }
  return store_commit(st, err);
}

/* ------------------------------------------------------------- reading */

#define DRAFT_COLS                                                         \
  "id, app, app_version, user_name, unit, created_at, label, text, "      \
  "text_sha256, sources, risk_class, notice, status, reviewer, "          \
  "signed_at, final_text, final_text_sha256"

static json_t *col_str_or_null(sqlite3_stmt *s, int col) {
  if (sqlite3_column_type(s, col) == SQLITE_NULL) return json_null();
  const char *t = (const char *)sqlite3_column_text(s, col);
  return json_string(t ? t : "");
}

static json_t *col_int_or_null(sqlite3_stmt *s, int col) {
  if (sqlite3_column_type(s, col) == SQLITE_NULL) return json_null();
  return json_integer(sqlite3_column_int64(s, col));
}

/* The text cut at a UTF-8 boundary near EXCERPT_BYTES, with "…". */
static json_t *excerpt(const char *t) {
  size_t n = strlen(t);
  if (n <= EXCERPT_BYTES) return json_string(t);
  size_t k = EXCERPT_BYTES;
  while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80) k--;
  char buf[EXCERPT_BYTES + 8];
  memcpy(buf, t, k);
  memcpy(buf + k, "…", sizeof "…");
  return json_string(buf);
}

static json_t *row_json(sqlite3_stmt *s, int full) {
  json_t *o = json_object();
  if (!o) return NULL;
  const char *text = (const char *)sqlite3_column_text(s, 7);
  json_t *src = json_loads((const char *)sqlite3_column_text(s, 9), 0, NULL);
  json_object_set_new(o, "id", json_integer(sqlite3_column_int64(s, 0)));
  json_object_set_new(o, "app", col_str_or_null(s, 1));
  json_object_set_new(o, "app_version", json_integer(sqlite3_column_int(s, 2)));
  json_object_set_new(o, "user", col_str_or_null(s, 3));
  json_object_set_new(o, "unit", col_str_or_null(s, 4));
  json_object_set_new(o, "created_at", col_int_or_null(s, 5));
  json_object_set_new(o, "label", col_str_or_null(s, 6));
  if (full) {
    json_object_set_new(o, "text", col_str_or_null(s, 7));
    json_object_set_new(o, "sources", src ? src : json_array());
  } else {
    json_object_set_new(o, "excerpt", excerpt(text ? text : ""));
    json_object_set_new(o, "n_sources",
                        json_integer((json_int_t)json_array_size(src)));
    json_decref(src);
  }
  json_object_set_new(o, "text_sha256", col_str_or_null(s, 8));
  json_object_set_new(o, "risk_class", json_integer(sqlite3_column_int(s, 10)));
  json_object_set_new(o, "notice", col_str_or_null(s, 11));
  json_object_set_new(o, "status", col_str_or_null(s, 12));
  json_object_set_new(o, "reviewer", col_str_or_null(s, 13));
  json_object_set_new(o, "signed_at", col_int_or_null(s, 14));
  if (full) json_object_set_new(o, "final_text", col_str_or_null(s, 15));
  json_object_set_new(o, "final_text_sha256", col_str_or_null(s, 16));
  return o;
}

int gov_review_draft_json(store_t *st, int64_t id, json_t **out,
                          lotse_err_t *err) {
  *out = NULL;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT " DRAFT_COLS " FROM drafts WHERE id = ?", -1,
                         &s, NULL) != SQLITE_OK)
    return db_err(st, err, "drafts");
  sqlite3_bind_int64(s, 1, id);
  int rc = 0;
  if (sqlite3_step(s) != SQLITE_ROW)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "Entwurf %lld nicht gefunden",
                       (long long)id);
  else if (!(*out = row_json(s, 1)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_finalize(s);
  return rc;
}

int gov_review_list_json(store_t *st, const gov_draft_filter_t *f,
                         json_t **out, lotse_err_t *err) {
  *out = NULL;
  gov_draft_filter_t none = {0};
  if (!f) f = &none;
  if (f->status && strcmp(f->status, "entwurf") && strcmp(f->status, "final"))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannter Status '%s' (entwurf oder final)",
                         f->status);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT " DRAFT_COLS " FROM drafts "
                         "WHERE (?1 IS NULL OR user_name = ?1) "
                         "AND (?2 IS NULL OR app = ?2) "
                         "AND (?3 IS NULL OR status = ?3) "
                         "ORDER BY id DESC LIMIT ?4",
                         -1, &s, NULL) != SQLITE_OK)
    return db_err(st, err, "drafts");
  sqlite3_bind_text(s, 1, f->user, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, f->app, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, f->status, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 4, f->limit > 0 ? f->limit : 100);
  json_t *arr = json_array();
  int rc = arr ? 0 : LOTSE_ENOMEM, step;
  while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = row_json(s, 0);
    if (!o || json_array_append_new(arr, o))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (!rc && step != SQLITE_DONE) rc = db_err(st, err, "drafts");
  sqlite3_finalize(s);
  if (rc) json_decref(arr);
  else *out = arr;
  return rc;
}

/* ------------------------------------------------------------- export */

static void fmt_time(int64_t t, char buf[32]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

static int export_text(const json_t *d, lotse_buf_t *b) {
  char when[32];
  fmt_time(json_integer_value(json_object_get(d, "signed_at")), when);
  int rc = lotse_buf_printf(b, "%s\n",
                            json_string_value(json_object_get(d, "final_text")));
  const char *notice = json_string_value(json_object_get(d, "notice"));
  if (!rc && notice) rc = lotse_buf_printf(b, "\n%s\n", notice);
  const json_t *src = json_object_get(d, "sources");
  size_t i;
  const json_t *v;
  if (!rc && json_array_size(src) > 0) rc = lotse_buf_puts(b, "\nQuellen:\n");
  json_array_foreach(src, i, v) {
    const char *title = json_string_value(json_object_get(v, "title"));
    json_int_t doc = json_integer_value(json_object_get(v, "doc"));
    json_int_t page = json_integer_value(json_object_get(v, "page"));
    char page_txt[32] = "";
    if (page > 0)
      snprintf(page_txt, sizeof page_txt, ", Seite %lld", (long long)page);
    if (!rc)
      rc = lotse_buf_printf(b, "  [%zu] %s (Dokument %lld%s)\n", i + 1,
                            title ? title : "", (long long)doc, page_txt);
  }
  if (!rc)
    rc = lotse_buf_printf(
        b, "\nGeprüft und abgezeichnet von %s am %s (SHA-256 %s)\n",
        json_string_value(json_object_get(d, "reviewer")), when,
        json_string_value(json_object_get(d, "final_text_sha256")));
  return rc;
}

int gov_review_export(store_t *st, int64_t id, int json, char **out,
                      lotse_err_t *err) {
  *out = NULL;
  json_t *d;
  int rc = gov_review_draft_json(st, id, &d, err);
  if (rc) return rc;
  if (strcmp(json_string_value(json_object_get(d, "status")), "final")) {
    json_decref(d);
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Entwurf %lld ist noch nicht abgezeichnet: %s; "
                         "endgültig ausgeben erst nach Prüfung durch eine "
                         "namentlich genannte Person ('lotse draft signoff')",
                         (long long)id, GOV_DRAFT_LABEL);
  }
  if (json) {
    json_object_set_new(d, "export_label", json_string("geprüft"));
    *out = json_dumps(d, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    rc = *out ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  } else {
    lotse_buf_t b;
    lotse_buf_init(&b, GOV_DRAFT_TEXT_MAX * 2u);
    rc = export_text(d, &b);
    if (rc) {
      lotse_buf_release(&b);
      rc = lotse_err_set(err, rc, "export of draft %lld failed", (long long)id);
    } else {
      *out = lotse_buf_detach(&b);
    }
  }
  json_decref(d);
  return rc;
}

/* -------------------------------------------------------------- audit */

int gov_review_audit(store_t *st, const char *workspace, int64_t id,
                     const char *action, const char *actor,
                     lotse_err_t *err) {
  json_t *d;
  int rc = gov_review_draft_json(st, id, &d, err);
  if (rc) return rc;
  gov_audit_t *a = NULL;
  json_t *det = json_pack("{s:I, s:s?}", "draft_id", (json_int_t)id,
                          "final_text_sha256",
                          json_string_value(
                              json_object_get(d, "final_text_sha256")));
  char *dj = det ? json_dumps(det, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  if (!dj) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char unit[128];
  store_user_unit(st, actor, unit, sizeof unit);
  if (!rc) rc = gov_audit_open(workspace, 0, &a, err);
  if (!rc) {
    gov_audit_rec_t r = {
        .actor = actor,
        .unit = unit,
        .app_id = json_string_value(json_object_get(d, "app")),
        .app_version = json_integer_value(json_object_get(d, "app_version")),
        .action = action,
        .decision = GOV_AUDIT_DECISION_NONE,
        .details_json = dj};
    rc = gov_audit_append(a, &r, NULL, err);
  }
  gov_audit_close(a);
  free(dj);
  json_decref(det);
  json_decref(d);
  return rc;
}
