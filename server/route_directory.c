/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_directory.c — GET /api/directory: the people and structures
 * the platform checks rights against, read-only, for the web application's
 * Verwaltung page: users (display name, unit, cleared data classes, groups,
 * governance roles, completed trainings with expiry), units with their
 * parent, groups with their member count, and the training catalogue.
 *
 * Contract: only named users holding the role admin or ki_koordination
 * (anonymous 401, others 403). Nothing is changed here; users, roles and
 * trainings are administered with `lotse user` and `lotse training`.
 * Invariants: every list is sorted by name (trainings of a user by id).
 * Spec: server/api/directory.json.
 */
#include "gov/registry.h"
#include "server/server_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define DIRECTORY_ROLES \
  (GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION))

static const char SQL_USERS[] =
    "SELECT u.name, u.display_name, coalesce(n.name, ''), u.clearance, "
    "coalesce((SELECT group_concat(name, ',') FROM (SELECT g.name FROM "
    "user_groups ug JOIN groups g ON g.id = ug.group_id WHERE ug.user_id = "
    "u.id ORDER BY g.name)), ''), coalesce((SELECT group_concat(role, ',') "
    "FROM (SELECT r.role FROM gov_roles r WHERE r.user_id = u.id ORDER BY "
    "r.role)), '') FROM users u LEFT JOIN units n ON n.id = u.unit_id "
    "ORDER BY u.name";
static const char SQL_USER_TRAININGS[] =
    "SELECT u.name, t.training_id, t.completed_at, t.expires_at FROM "
    "user_trainings t JOIN users u ON u.id = t.user_id ORDER BY u.name, "
    "t.training_id";
static const char SQL_UNITS[] =
    "SELECT n.name, p.name FROM units n LEFT JOIN units p ON p.id = "
    "n.parent_id ORDER BY n.name";
static const char SQL_GROUPS[] =
    "SELECT g.name, (SELECT count(*) FROM user_groups ug WHERE ug.group_id "
    "= g.id) FROM groups g ORDER BY g.name";
static const char SQL_TRAININGS[] =
    "SELECT id, title, valid_days FROM trainings ORDER BY id";

static json_t *col_text(sqlite3_stmt *s, int i) {
  const char *t = (const char *)sqlite3_column_text(s, i);
  return t ? server_json_text(t) : json_null();
}

static json_t *col_int(sqlite3_stmt *s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return json_null();
  return json_integer((json_int_t)sqlite3_column_int64(s, i));
}

/* "a,b" -> ["a", "b"]; "" -> []. */
static json_t *split_list(const char *csv) {
  json_t *a = json_array();
  while (a && csv && *csv) {
    const char *comma = strchr(csv, ',');
    size_t n = comma ? (size_t)(comma - csv) : strlen(csv);
    char *item = lotse_strndup(csv, n);
    if (!item || json_array_append_new(a, server_json_text(item))) {
      free(item);
      json_decref(a);
      return NULL;
    }
    free(item);
    csv = comma ? comma + 1 : NULL;
  }
  return a;
}

static json_t *clearance_list(unsigned mask) {
  json_t *a = json_array();
  for (int i = 0; a && i < STORE_CLASS_COUNT; i++)
    if ((mask & STORE_CLASS_BIT(i)) &&
        json_array_append_new(a, json_string(store_class_name(i)))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* One row of stmt as a value for out (or any non-NULL value when out is
 * NULL); NULL on OOM. */
typedef json_t *(*row_fn)(sqlite3_stmt *s, void *ctx);

static int query_rows(store_t *st, const char *sql, row_fn fn, void *ctx,
                      json_t *out) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *row = fn(s, ctx);
    if (!row) {
      rc = SQLITE_NOMEM;
      break;
    }
    if (out && json_array_append_new(out, row)) rc = SQLITE_NOMEM;
    else rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : -1;
}

static json_t *user_row(sqlite3_stmt *s, void *ctx) {
  json_t *byname = ctx;
  json_t *u = json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:o, s:[]}", "name", col_text(s, 0),
      "display", col_text(s, 1), "unit", col_text(s, 2), "clearance",
      clearance_list((unsigned)sqlite3_column_int(s, 3)), "groups",
      split_list((const char *)sqlite3_column_text(s, 4)), "roles",
      split_list((const char *)sqlite3_column_text(s, 5)), "trainings");
  const char *name = (const char *)sqlite3_column_text(s, 0);
  if (u && name && json_object_set(byname, name, u)) {
    json_decref(u);
    return NULL;
  }
  return u;
}

/* Appends the training to its user (found in ctx by name); returns
 * json_true() (a singleton) when that went well. */
static json_t *user_training_row(sqlite3_stmt *s, void *ctx) {
  const char *name = (const char *)sqlite3_column_text(s, 0);
  json_t *u = name ? json_object_get(ctx, name) : NULL;
  json_t *t = json_pack("{s:o, s:o, s:o}", "id", col_text(s, 1),
                        "completed_at", col_int(s, 2), "expires_at",
                        col_int(s, 3));
  if (!t || (u && json_array_append_new(json_object_get(u, "trainings"), t)))
    return NULL;
  if (!u) json_decref(t);
  return json_true();
}

static json_t *unit_row(sqlite3_stmt *s, void *ctx) {
  (void)ctx;
  return json_pack("{s:o, s:o}", "name", col_text(s, 0), "parent",
                   col_text(s, 1));
}

static json_t *group_row(sqlite3_stmt *s, void *ctx) {
  (void)ctx;
  return json_pack("{s:o, s:o}", "name", col_text(s, 0), "members",
                   col_int(s, 1));
}

static json_t *training_row(sqlite3_stmt *s, void *ctx) {
  (void)ctx;
  return json_pack("{s:o, s:o, s:o}", "id", col_text(s, 0), "title",
                   col_text(s, 1), "valid_days", col_int(s, 2));
}

static json_t *directory_json(store_t *st) {
  json_t *users = json_array(), *byname = json_object();
  json_t *units = json_array(), *groups = json_array();
  json_t *trainings = json_array(), *out = NULL;
  if (users && byname && units && groups && trainings &&
      !query_rows(st, SQL_USERS, user_row, byname, users) &&
      !query_rows(st, SQL_USER_TRAININGS, user_training_row, byname, NULL) &&
      !query_rows(st, SQL_UNITS, unit_row, NULL, units) &&
      !query_rows(st, SQL_GROUPS, group_row, NULL, groups) &&
      !query_rows(st, SQL_TRAININGS, training_row, NULL, trainings))
    out = json_pack("{s:O, s:O, s:O, s:O}", "users", users, "units", units,
                    "groups", groups, "trainings", trainings);
  json_decref(users);
  json_decref(byname);
  json_decref(units);
  json_decref(groups);
  json_decref(trainings);
  return out;
}

enum MHD_Result route_directory(http_req_t *r) {
  if (server_roles_or_reply(r, DIRECTORY_ROLES,
                            "Die Verwaltung ist nur für angemeldete "
                            "Beschäftigte zugänglich",
                            "Keine Berechtigung: die Verwaltung sehen nur "
                            "Administration und KI-Koordination"))
    return r->result;
  json_t *body = directory_json(r->w->st);
  if (!body) {
    lotse_log(LOTSE_LOG_ERROR, "server: directory: %s",
              sqlite3_errmsg(store_db(r->w->st)));
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Verwaltungsdaten konnten nicht gelesen "
                              "werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, body);
}
