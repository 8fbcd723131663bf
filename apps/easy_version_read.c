/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_version_read.c — reading easy-language versions: the staff list
 * and detail (filtered by the caller's clearance for the data class) and
 * the answer of the public address /leicht/ID (apps/easy_version.h).
 *
 * Contract: nothing here writes. The public answer never carries a
 * revision other than the published one, and nothing of a withdrawn
 * version but its withdrawal time.
 */
#include "apps/easy_version.h"
#include "apps/easy_version_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column i as JSON: null, integer or (UTF-8) string. */
static json_t *col_json(sqlite3_stmt *s, int i) {
  switch (sqlite3_column_type(s, i)) {
  case SQLITE_NULL:
    return json_null();
  case SQLITE_INTEGER:
    return json_integer((json_int_t)sqlite3_column_int64(s, i));
  default:
    return json_stringn((const char *)sqlite3_column_text(s, i),
                        (size_t)sqlite3_column_bytes(s, i));
  }
}

/* One row as an object with the given column names ("" skips a column). */
static json_t *row_json(sqlite3_stmt *s, const char *const *names, int n) {
  json_t *o = json_object();
  for (int i = 0; o && i < n; i++) {
    if (!names[i][0]) continue;
    json_t *v = col_json(s, i);
    if (!v || json_object_set_new(o, names[i], v)) {
      json_decref(o);
      return NULL;
    }
  }
  return o;
}

/* ------------------------------------------------------------ list */

#define VERSION_COLS                                                     \
  "v.id, v.bescheid_ref, v.doc_id, v.draft_id, v.data_class,"            \
  " v.created_by, v.created_at, r.rev,"                                  \
  " CASE WHEN v.withdrawn_at IS NOT NULL THEN 'zurueckgezogen'"          \
  " ELSE r.status END, v.published_rev, v.published_at, v.withdrawn_at," \
  " v.withdrawn_by, v.withdraw_reason"

static const char *const VERSION_NAMES[] = {
    "id",     "bescheid_ref",  "doc_id",       "draft_id",     "data_class",
    "created_by", "created_at", "rev",         "status",       "published_rev",
    "published_at", "withdrawn_at", "withdrawn_by", "withdraw_reason"};
#define NVERSION_NAMES (int)(sizeof VERSION_NAMES / sizeof VERSION_NAMES[0])

/* Data class as its name, and "online" (published and not withdrawn). */
static int version_finish(json_t *o) {
  json_int_t cls = json_integer_value(json_object_get(o, "data_class"));
  int online = json_is_integer(json_object_get(o, "published_rev")) &&
               json_is_null(json_object_get(o, "withdrawn_at"));
  const char *id = json_string_value(json_object_get(o, "id"));
  char path[64 + EASY_VERSION_ID_LEN];
  snprintf(path, sizeof path, "/leicht/%s", id ? id : "");
  return json_object_set_new(o, "data_class",
                             json_string(store_class_name((int)cls))) ||
         json_object_set_new(o, "online", json_boolean(online)) ||
         json_object_set_new(o, "path", json_string(path));
}

int easy_version_list_json(store_t *st, const store_principal_t *who,
                           int limit, json_t **out, lotse_err_t *err) {
  *out = NULL;
  if (limit <= 0) limit = 100;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT " VERSION_COLS " FROM easy_versions v"
                         " JOIN easy_revisions r ON r.version_id = v.id"
                         " AND r.rev = (SELECT max(rev) FROM easy_revisions"
                         " WHERE version_id = v.id)"
                         " WHERE ((?1 >> v.data_class) & 1) AND ?2 != 0"
                         " ORDER BY v.created_at DESC, v.rowid DESC LIMIT ?3",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy versions");
  sqlite3_bind_int64(s, 1, who ? (sqlite3_int64)who->clearance : 0);
  sqlite3_bind_int64(s, 2, who ? who->user_id : 0);
  sqlite3_bind_int(s, 3, limit);
  json_t *arr = json_array();
  int rc = arr ? 0 : LOTSE_ENOMEM, step;
  while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = row_json(s, VERSION_NAMES, NVERSION_NAMES);
    if (!o || version_finish(o) || json_array_append_new(arr, o))
      rc = LOTSE_ENOMEM;
  }
  if (!rc && step != SQLITE_DONE) rc = store_err_db(st, err, "easy versions");
  sqlite3_finalize(s);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (rc) {
    json_decref(arr);
    return rc;
  }
  *out = arr;
  return 0;
}

/* ------------------------------------------------------------ detail */

static const char *const REV_NAMES[] = {
    "rev",         "text",       "text_sha256", "author",    "created_at",
    "status",      "reviewer",   "reviewed_at", "review_note", "tested_by",
    "tested_at",   "test_note",  "publisher",   "published_at", "findings",
    "override_reason"};
#define NREV_NAMES (int)(sizeof REV_NAMES / sizeof REV_NAMES[0])

static const char *const HIST_NAMES[] = {"rev",         "at",        "actor",
                                         "action",      "from_status",
                                         "to_status",   "note"};
#define NHIST_NAMES (int)(sizeof HIST_NAMES / sizeof HIST_NAMES[0])

/* The rows of sql (one parameter: the id) as an array of objects. */
static int rows_json(store_t *st, const char *sql, const char *id,
                     const char *const *names, int n, json_t **out,
                     lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy version");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  json_t *arr = json_array();
  int rc = arr ? 0 : LOTSE_ENOMEM, step = SQLITE_DONE;
  while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = row_json(s, names, n);
    if (!o || json_array_append_new(arr, o)) rc = LOTSE_ENOMEM;
  }
  if (!rc && step != SQLITE_DONE) rc = store_err_db(st, err, "easy version");
  sqlite3_finalize(s);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (rc) json_decref(arr);
  *out = rc ? NULL : arr;
  return rc;
}

/* The steps the principal may take next on version o (its current
 * revision is last of revs): names of easy_version_* actions. */
static json_t *steps_json(const store_principal_t *who, json_t *o,
                          json_t *revs) {
  json_t *a = json_array();
  if (!a || !json_is_null(json_object_get(o, "withdrawn_at"))) return a;
  json_t *cur = json_array_get(revs, json_array_size(revs) - 1);
  const char *st = json_string_value(json_object_get(cur, "status"));
  const char *author = json_string_value(json_object_get(cur, "author"));
  st = st ? st : "";
  json_array_append_new(a, json_string("edit"));
  if (!strcmp(st, "entwurf") && author && strcmp(author, who->name))
    json_array_append_new(a, json_string("review"));
  if (!strcmp(st, "geprueft")) json_array_append_new(a, json_string("test"));
  if (!strcmp(st, "geprueft") || !strcmp(st, "pruefgruppe"))
    json_array_append_new(a, json_string("publish"));
  json_array_append_new(a, json_string("withdraw"));
  return a;
}

static int version_row(store_t *st, const store_principal_t *who,
                       const char *id, json_t **out, lotse_err_t *err) {
  sqlite3_stmt *s;
  *out = NULL;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT " VERSION_COLS " FROM easy_versions v"
                         " JOIN easy_revisions r ON r.version_id = v.id"
                         " WHERE v.id = ? ORDER BY r.rev DESC LIMIT 1",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy version");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  int rc = 0;
  if (sqlite3_step(s) != SQLITE_ROW ||
      !easy_version_visible(who, sqlite3_column_int(s, 4)))
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "Fassung '%s' nicht gefunden",
                       id);
  else if (!(*out = row_json(s, VERSION_NAMES, NVERSION_NAMES)) ||
           version_finish(*out))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  sqlite3_finalize(s);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

int easy_version_json(store_t *st, const store_principal_t *who,
                      const char *id, json_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!easy_version_id_ok(id))
    return lotse_err_set(err, LOTSE_ENOTFOUND, "Fassung '%s' nicht gefunden",
                         id ? id : "");
  json_t *o = NULL, *revs = NULL, *hist = NULL;
  int rc = version_row(st, who, id, &o, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT rev, text, text_sha256, author, created_at,"
                   " status, reviewer, reviewed_at, review_note, tested_by,"
                   " tested_at, test_note, publisher, published_at,"
                   " findings, override_reason FROM easy_revisions"
                   " WHERE version_id = ? ORDER BY rev",
                   id, REV_NAMES, NREV_NAMES, &revs, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT rev, at, actor, action, from_status, to_status,"
                   " note FROM easy_history WHERE version_id = ? ORDER BY id",
                   id, HIST_NAMES, NHIST_NAMES, &hist, err);
  json_t *steps = rc ? NULL : steps_json(who, o, revs);
  if (!rc && (!steps || json_object_set_new(o, "revisions", revs) ||
              json_object_set_new(o, "history", hist) ||
              json_object_set_new(o, "steps", steps)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) {
    json_decref(o);
    if (!steps) json_decref(revs), json_decref(hist);
    return rc;
  }
  *out = o;
  return 0;
}

/* ------------------------------------------------------------ public */

int easy_version_public(store_t *st, const char *id, easy_public_t *out,
                        lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!easy_version_id_ok(id)) return 0;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT v.withdrawn_at, v.published_at,"
                         " v.bescheid_ref, r.text FROM easy_versions v"
                         " JOIN easy_revisions r ON r.version_id = v.id"
                         " AND r.rev = v.published_rev WHERE v.id = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy version");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  int rc = 0, step = sqlite3_step(s);
  if (step == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
    out->state = EASY_PUBLIC_WITHDRAWN;
    out->withdrawn_at = sqlite3_column_int64(s, 0);
  } else if (step == SQLITE_ROW) {
    out->state = EASY_PUBLIC_ONLINE;
    out->published_at = sqlite3_column_int64(s, 1);
    out->bescheid_ref = store_col_dup_text(s, 2);
    out->text = store_col_dup_text(s, 3);
    if (!out->bescheid_ref || !out->text)
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  } else if (step != SQLITE_DONE) {
    rc = store_err_db(st, err, "easy version");
  }
  sqlite3_finalize(s);
  if (rc) easy_public_release(out);
  return rc;
}

void easy_public_release(easy_public_t *p) {
  if (!p) return;
  free(p->text);
  free(p->bescheid_ref);
  memset(p, 0, sizeof *p);
}
