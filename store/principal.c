/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/principal.c — users, groups and units, and the principal that
 * every read is checked against.
 *
 * Login comes later; until then a principal is named (CLI --user, the
 * development token of the HTTP server) and loaded from these tables.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

void store_principal_anonymous(store_principal_t *p) {
  memset(p, 0, sizeof *p);
  p->clearance = STORE_CLASS_BIT(STORE_CLASS_OFFEN);
  snprintf(p->name, sizeof p->name, "%s", "anonym");
}

int store_principal_load(store_t *st, const char *user, store_principal_t *p,
                         lotse_err_t *err) {
  store_principal_anonymous(p);
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "SELECT id, clearance, disabled_at FROM users "
                         "WHERE name = ?",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW && sqlite3_column_type(s, 2) != SQLITE_NULL) {
    sqlite3_finalize(s); /* deactivated (gov/people_admin.h): no access */
    return lotse_err_set(err, LOTSE_ENOTFOUND, "user '%s' is deactivated",
                         user);
  }
  if (rc == SQLITE_ROW) {
    p->user_id = sqlite3_column_int64(s, 0);
    p->clearance = (unsigned)sqlite3_column_int(s, 1) & STORE_CLASS_ALL;
    snprintf(p->name, sizeof p->name, "%s", user);
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "user lookup");
  return lotse_err_set(err, LOTSE_ENOTFOUND, "unknown user '%s'", user);
}

int store_acl_bind(sqlite3_stmt *stmt, const store_principal_t *p) {
  int ic = sqlite3_bind_parameter_index(stmt, ":clearance");
  int iu = sqlite3_bind_parameter_index(stmt, ":uid");
  if (!ic || !iu) return LOTSE_EINTERNAL;
  sqlite3_bind_int(stmt, ic, (int)p->clearance);
  sqlite3_bind_int64(stmt, iu, p->user_id);
  return 0;
}

static int valid_name(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > 63) return 0;
  for (const char *c = name; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == ',') return 0;
  return 1;
}

int store_group_add(store_t *st, const char *name, lotse_err_t *err) {
  if (!valid_name(name))
    return lotse_err_set(err, LOTSE_EINVAL, "invalid group name '%s'",
                         name ? name : "");
  int64_t id;
  return store_name_id(st, "groups", name, 1, &id, err);
}

int store_unit_add(store_t *st, const char *name, const char *parent,
                   lotse_err_t *err) {
  if (!valid_name(name))
    return lotse_err_set(err, LOTSE_EINVAL, "invalid unit name '%s'",
                         name ? name : "");
  int64_t pid = 0, id;
  int rc = 0;
  if (parent && (rc = store_name_id(st, "units", parent, 0, &pid, err)))
    return rc;
  if ((rc = store_name_id(st, "units", name, 1, &id, err))) return rc;
  if (!parent) return 0;
  sqlite3_stmt *s;
  if ((rc = store_prepare(st, "UPDATE units SET parent_id = ? WHERE id = ?",
                          &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, pid);
  sqlite3_bind_int64(s, 2, id);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err_db(st, err, "unit");
  sqlite3_finalize(s);
  return rc;
}

static int user_row_put(store_t *st, const char *name, const char *display,
                        int64_t unit_id, unsigned clearance, int64_t *uid,
                        lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st,
                         "INSERT INTO users(name, display_name, unit_id, "
                         "clearance, created_at) VALUES(?1, ?2, ?3, ?4, ?5) "
                         "ON CONFLICT(name) DO UPDATE SET "
                         "display_name = excluded.display_name, "
                         "unit_id = excluded.unit_id, "
                         "clearance = excluded.clearance",
                         &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, display ? display : name, -1, SQLITE_STATIC);
  if (unit_id) sqlite3_bind_int64(s, 3, unit_id);
  sqlite3_bind_int(s, 4, (int)clearance);
  sqlite3_bind_int64(s, 5, lotse_now_unix());
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "user");
  if ((rc = store_prepare(st, "SELECT id FROM users WHERE name = ?", &s, err)))
    return rc;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(s) == SQLITE_ROW ? 0 : store_err_db(st, err, "user");
  *uid = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return rc;
}

static int user_groups_put(store_t *st, int64_t uid, const char *const *groups,
                           size_t n, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = store_prepare(st, "DELETE FROM user_groups WHERE user_id = ?", &s,
                         err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, uid);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err_db(st, err, "groups");
  sqlite3_finalize(s);
  for (size_t i = 0; i < n && !rc; i++) {
    int64_t gid;
    if (!valid_name(groups[i]))
      return lotse_err_set(err, LOTSE_EINVAL, "invalid group name '%s'",
                           groups[i] ? groups[i] : "");
    if ((rc = store_name_id(st, "groups", groups[i], 1, &gid, err))) break;
    if ((rc = store_prepare(st, "INSERT OR IGNORE INTO user_groups "
                                "VALUES(?, ?)", &s, err)))
      break;
    sqlite3_bind_int64(s, 1, uid);
    sqlite3_bind_int64(s, 2, gid);
    if (sqlite3_step(s) != SQLITE_DONE) rc = store_err_db(st, err, "groups");
    sqlite3_finalize(s);
  }
  return rc;
}

int store_user_put(store_t *st, const char *name, const char *display,
                   const char *unit, unsigned clearance,
                   const char *const *groups, size_t ngroups,
                   lotse_err_t *err) {
  if (!valid_name(name))
    return lotse_err_set(err, LOTSE_EINVAL, "invalid user name '%s'",
                         name ? name : "");
  if (clearance & ~STORE_CLASS_ALL)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid clearance mask %u",
                         clearance);
  int rc = store_begin(st, err);
  if (rc) return rc;
  int64_t unit_id = 0, uid = 0;
  if (unit && *unit) rc = store_name_id(st, "units", unit, 1, &unit_id, err);
  if (!rc) rc = user_row_put(st, name, display, unit_id, clearance, &uid, err);
  if (!rc) rc = user_groups_put(st, uid, groups, ngroups, err);
  if (!rc) rc = store_commit(st, err);
  if (rc) store_rollback(st);
  return rc;
}

void store_user_unit(store_t *st, const char *user, char *buf, size_t n) {
  buf[0] = '\0';
  sqlite3_stmt *s;
  if (!user || !*user ||
      sqlite3_prepare_v2(store_db(st),
                         "SELECT coalesce(n.name, '') FROM users u LEFT JOIN "
                         "units n ON n.id = u.unit_id WHERE u.name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW)
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
}
