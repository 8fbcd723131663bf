/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry_read.c — the registry as JSON for the CLI and the HTTP API:
 * one application in full, the list, and the history.
 *
 * Contract: read-only; the shapes are documented in docs/api/apps.md and
 * server/api/apps.json (field names English, status values and missing
 * items German).
 */
#include "gov/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column as JSON: integer, text, parsed JSON text (flag), or null. */
static json_t *col_json(sqlite3_stmt *s, int col, int parse) {
  switch (sqlite3_column_type(s, col)) {
  case SQLITE_NULL: return json_null();
  case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(s, col));
  default: break;
  }
  const char *t = (const char *)sqlite3_column_text(s, col);
  if (parse) {
    json_t *j = json_loads(t ? t : "", 0, NULL);
    return j ? j : json_null();
  }
  return json_string(t ? t : "");
}

/* Rows of sql (bound: ?1 app id, ?2 version, ?3 round) as objects with
 * the given keys; keys starting with '@' hold JSON text. */
static int rows_json(store_t *st, const char *sql, const reg_app_t *a,
                     const char *const *keys, json_t **out,
                     lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st, sql, &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  if (sqlite3_bind_parameter_count(s) >= 2) sqlite3_bind_int(s, 2, a->version);
  if (sqlite3_bind_parameter_count(s) >= 3) sqlite3_bind_int(s, 3, a->round);
  json_t *arr = json_array();
  while (arr && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = json_object();
    for (int k = 0; o && keys[k]; k++) {
      int parse = keys[k][0] == '@';
      if (json_object_set_new(o, keys[k] + parse, col_json(s, k, parse))) {
        json_decref(o);
        o = NULL;
      }
    }
    if (!o || json_array_append_new(arr, o)) {
      json_decref(arr);
      arr = NULL;
    }
  }
  sqlite3_finalize(s);
  if (!arr) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc != SQLITE_DONE) {
    json_decref(arr);
    return store_err_db(st, err, "registry");
  }
  *out = arr;
  return 0;
}

static json_t *strv_to_json(const lotse_strv_t *v) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < v->n; i++)
    if (json_array_append_new(a, json_string(v->v[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

static json_t *roles_json(unsigned mask) {
  json_t *a = json_array();
  for (int r = 0; a && r < GOV_ROLE_COUNT; r++)
    if ((mask & GOV_ROLE_BIT(r)) &&
        json_array_append_new(a, json_string(gov_role_name(r)))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* What the class requires, what is given and what is missing. */
static int requirements_json(store_t *st, const reg_app_t *a, json_t *o,
                             lotse_err_t *err) {
  reg_needs_t n;
  lotse_strv_t missing = {0};
  unsigned have = 0;
  int rc = reg_needs_load(st, a, &n, err);
  if (!rc) rc = reg_missing(st, a, &n, &missing, &have, err);
  if (rc) {
    lotse_strv_release(&missing);
    return rc;
  }
  json_t *docs = json_array();
  if (docs && (n.measures & REG_M_DSFA))
    json_array_append_new(docs, json_string("dsfa"));
  if (docs && (n.measures & REG_M_RISK))
    json_array_append_new(docs, json_string("risikomanagement"));
  if (docs && (n.measures & REG_M_TRANSPARENCY))
    json_array_append_new(docs, json_string("transparenzhinweis"));
  int bad = json_object_set_new(
      o, "required",
      json_pack("{so so}", "roles", roles_json(n.roles), "documents", docs));
  bad |= json_object_set_new(o, "approved_roles", roles_json(have));
  bad |= json_object_set_new(o, "missing", strv_to_json(&missing));
  lotse_strv_release(&missing);
  return bad ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory") : 0;
}

static int version_json(store_t *st, const reg_app_t *a, json_t *o,
                        lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT snapshot, sha256, answers, classification, "
                       "risk_class FROM app_versions WHERE app_id = ? AND "
                       "version = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
    sqlite3_finalize(s);
    return store_err_db(st, err, "version");
  }
  int bad = json_object_set_new(o, "current", col_json(s, 0, 1));
  bad |= json_object_set_new(o, "sha256", col_json(s, 1, 0));
  bad |= json_object_set_new(o, "answers", col_json(s, 2, 1));
  bad |= json_object_set_new(o, "classification", col_json(s, 3, 1));
  bad |= json_object_set_new(o, "risk_class", col_json(s, 4, 0));
  sqlite3_finalize(s);
  return bad ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory") : 0;
}

static json_t *approval_json(const reg_app_t *a, int64_t now) {
  if (!a->approved_version) return json_null();
  return json_pack("{si ss sI sI sb sb}", "version", a->approved_version,
                   "sha256", a->approved_sha256, "approved_at",
                   (json_int_t)a->approved_at, "valid_until",
                   (json_int_t)a->valid_until, "expired",
                   now >= a->valid_until, "current",
                   a->approved_version == a->version);
}

static const char *const APPROVAL_KEYS[] = {
    "role", "user", "decision", "comment", "at", "version", "round", NULL};
static const char *const DOC_KEYS[] = {"kind", "reference", "by", "at",
                                       "version", NULL};
static const char *const REC_KEYS[] = {"nr",      "text",    "status",
                                       "by",      "at",      "done_by",
                                       "done_at", "done_comment", NULL};
static const char *const VERSION_KEYS[] = {"version", "sha256", "created_at",
                                           "created_by", "risk_class", NULL};

/* The lists of show: approvals of the round, documents, recommendations,
 * versions. */
static int lists_json(store_t *st, const reg_app_t *a, json_t *o,
                      lotse_err_t *err) {
  static const struct {
    const char *key, *sql;
    const char *const *cols;
  } lists[] = {
      {"approvals",
       "SELECT p.role, u.name, p.decision, p.comment, p.created_at, "
       "p.version, p.round FROM app_approvals p JOIN users u ON "
       "u.id = p.user_id WHERE p.app_id = ?1 AND p.version = ?2 AND "
       "p.round = ?3 ORDER BY p.id",
       APPROVAL_KEYS},
      {"documents",
       "SELECT kind, reference, created_by, created_at, version FROM "
       "app_documents WHERE app_id = ?1 ORDER BY id",
       DOC_KEYS},
      {"recommendations",
       "SELECT nr, text, status, created_by, created_at, done_by, done_at, "
       "done_comment FROM app_recommendations WHERE app_id = ?1 ORDER BY nr",
       REC_KEYS},
      {"versions",
       "SELECT version, sha256, created_at, created_by, risk_class FROM "
       "app_versions WHERE app_id = ?1 ORDER BY version",
       VERSION_KEYS}};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    json_t *arr;
    int rc = rows_json(st, lists[i].sql, a, lists[i].cols, &arr, err);
    if (rc) return rc;
    if (json_object_set_new(o, lists[i].key, arr))
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

int gov_app_show_json(store_t *st, const char *slug, int64_t now,
                      json_t **out, lotse_err_t *err) {
  *out = NULL;
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  json_t *o = json_pack("{ss ss ss si si}", "id", a.slug, "status",
                        gov_status_name(a.status), "status_label",
                        gov_status_label(a.status), "version", a.version,
                        "round", a.round);
  if (!o) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  rc = version_json(st, &a, o, err);
  if (!rc) rc = requirements_json(st, &a, o, err);
  if (!rc) rc = lists_json(st, &a, o, err);
  if (!rc && json_object_set_new(o, "approval", approval_json(&a, now)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return 0;
}

int gov_app_list_json(store_t *st, json_t **out, lotse_err_t *err) {
  static const char *const keys[] = {
      "id",          "name",      "owner_unit",       "status",
      "version",     "risk_class", "approved_version", "valid_until",
      "updated_at",  NULL};
  reg_app_t all = {0};
  json_t *arr;
  int rc = rows_json(
      st,
      "SELECT a.slug, json_extract(v.snapshot, '$.name'), "
      "json_extract(v.snapshot, '$.owner_unit'), a.status, a.current_version,"
      " v.risk_class, a.approved_version, a.valid_until, a.updated_at FROM "
      "apps a JOIN app_versions v ON v.app_id = a.id AND v.version = "
      "a.current_version WHERE ?1 = 0 ORDER BY a.slug",
      &all, keys, &arr, err);
  if (rc) return rc;
  size_t i;
  json_t *it;
  json_array_foreach(arr, i, it) {
    int s = gov_status_parse(json_string_value(json_object_get(it, "status")));
    json_object_set_new(it, "status_label", json_string(gov_status_label(s)));
  }
  *out = arr;
  return 0;
}

int gov_app_history_json(store_t *st, const char *slug, json_t **out,
                         lotse_err_t *err) {
  static const char *const keys[] = {"at",      "actor", "action",
                                     "version", "from",  "to",
                                     "comment", "@details", NULL};
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  return rows_json(st,
                   "SELECT at, actor, action, version, from_status, "
                   "to_status, comment, details FROM app_history WHERE "
                   "app_id = ?1 ORDER BY id",
                   &a, keys, out, err);
}
