/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/people_admin.c — account administration: users, units, groups, the
 * last-administrator guard and revocation of training completions.
 *
 * Contract: see gov/people_admin.h; every check runs before the first
 * write, and the caller's transaction makes a failed change leave nothing.
 */
#include "gov/people_admin.h"
#include "gov/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 63

/* ------------------------------------------------------------- checks */

bool gov_user_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > NAME_MAX_BYTES) return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || !strchr("._-", c))) return false;
  }
  return true;
}

/* A unit or group name: 1 to 63 bytes of UTF-8 without control characters
 * or commas (lists are comma-separated), no space at either end. */
static bool org_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > NAME_MAX_BYTES || !lotse_utf8_valid(name, n) ||
      name[0] == ' ' || name[n - 1] == ' ')
    return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == ',')
      return false;
  return true;
}

static bool display_ok(const char *d) {
  size_t n = strlen(d);
  if (n == 0 || n > GOV_DISPLAY_MAX || !lotse_utf8_valid(d, n)) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f) return false;
  return true;
}

/* id of name in table (users, units, groups); 0 when absent. */
static int name_id(store_t *st, const char *table, const char *name,
                   int64_t *id, lotse_err_t *err) {
  static const char *const SQL[] = {
      "SELECT id FROM users WHERE name = ?",
      "SELECT id FROM units WHERE name = ?",
      "SELECT id FROM groups WHERE name = ?"};
  int which = !strcmp(table, "users") ? 0 : !strcmp(table, "units") ? 1 : 2;
  sqlite3_stmt *s;
  int rc = reg_prepare(st, SQL[which], &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, name ? name : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                               : store_err_db(st, err, table);
}

static int user_id_or_404(store_t *st, const char *name, int64_t *id,
                          lotse_err_t *err) {
  int rc = name_id(st, "users", name, id, err);
  if (!rc && !*id)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannter Benutzer '%s'",
                       name ? name : "");
  return rc;
}

static int64_t scalar(store_t *st, const char *sql, int64_t a,
                      lotse_err_t *err, int *rc) {
  sqlite3_stmt *s;
  int64_t v = 0;
  if ((*rc = reg_prepare(st, sql, &s, err))) return 0;
  sqlite3_bind_int64(s, 1, a);
  int step = sqlite3_step(s);
  if (step == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    *rc = store_err_db(st, err, "people");
  return v;
}

/* LOTSE_EACCESS when uid is the only active user holding the role admin. */
static int keeps_an_admin(store_t *st, int64_t uid, lotse_err_t *err) {
  int rc = 0;
  int64_t is_admin = scalar(st,
                            "SELECT count(*) FROM gov_roles r JOIN users u "
                            "ON u.id = r.user_id WHERE r.user_id = ? AND "
                            "r.role = 'admin' AND u.disabled_at IS NULL",
                            uid, err, &rc);
  if (rc || !is_admin) return rc;
  int64_t others = scalar(st,
                          "SELECT count(*) FROM gov_roles r JOIN users u ON "
                          "u.id = r.user_id WHERE r.role = 'admin' AND "
                          "u.disabled_at IS NULL AND u.id <> ?",
                          uid, err, &rc);
  if (rc) return rc;
  if (!others)
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Das ist die letzte aktive Administration; vorher "
                         "einer weiteren Person die Rolle admin geben");
  return 0;
}

/* -------------------------------------------------------------- users */

/* Check the spec and resolve its unit and groups (gids: ngroups slots). */
static int spec_check(store_t *st, const gov_user_spec_t *sp, int64_t *unit,
                      int64_t *gids, lotse_err_t *err) {
  if (sp->display && !display_ok(sp->display))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anzeigename fehlt, ist zu lang (höchstens %d Bytes) "
                         "oder enthält Steuerzeichen",
                         GOV_DISPLAY_MAX);
  if (sp->clearance >= 0 && ((unsigned)sp->clearance & ~STORE_CLASS_ALL))
    return lotse_err_set(err, LOTSE_EINVAL, "ungültige Datenklassen");
  *unit = 0;
  int rc = 0;
  if (sp->unit && *sp->unit) {
    if ((rc = name_id(st, "units", sp->unit, unit, err))) return rc;
    if (!*unit)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "unbekannte Organisationseinheit '%s'", sp->unit);
  }
  for (size_t i = 0; sp->set_groups && i < sp->ngroups; i++) {
    if ((rc = name_id(st, "groups", sp->groups[i], &gids[i], err))) return rc;
    if (!gids[i])
      return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Gruppe '%s'",
                           sp->groups[i] ? sp->groups[i] : "");
  }
  return 0;
}

static int groups_set(store_t *st, int64_t uid, const int64_t *gids,
                      size_t n, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st, "DELETE FROM user_groups WHERE user_id = ?", &s,
                       err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, uid);
  rc = reg_done(st, s, err);
  for (size_t i = 0; i < n && !rc; i++) {
    if ((rc = reg_prepare(st,
                          "INSERT OR IGNORE INTO user_groups(user_id, "
                          "group_id) VALUES(?, ?)",
                          &s, err)))
      break;
    sqlite3_bind_int64(s, 1, uid);
    sqlite3_bind_int64(s, 2, gids[i]);
    rc = reg_done(st, s, err);
  }
  return rc;
}

static int64_t *gids_new(const gov_user_spec_t *sp, lotse_err_t *err) {
  int64_t *g = calloc(sp->ngroups + 1, sizeof *g);
  if (!g) lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return g;
}

int gov_user_create(store_t *st, const char *name, const gov_user_spec_t *sp,
                    lotse_err_t *err) {
  if (!gov_user_name_ok(name))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "ungültiger Benutzername '%s' (1 bis 63 Zeichen: "
                         "a-z, 0-9, Punkt, Unterstrich, Bindestrich)",
                         name ? name : "");
  int64_t uid, unit = 0, *gids = gids_new(sp, err);
  if (!gids) return LOTSE_ENOMEM;
  int rc = name_id(st, "users", name, &uid, err);
  if (!rc && uid)
    rc = lotse_err_set(err, LOTSE_EEXIST, "Benutzer '%s' gibt es schon",
                       name);
  if (!rc) rc = spec_check(st, sp, &unit, gids, err);
  sqlite3_stmt *s = NULL;
  if (!rc)
    rc = reg_prepare(st,
                     "INSERT INTO users(name, display_name, unit_id, "
                     "clearance, created_at) VALUES(?, ?, ?, ?, ?)",
                     &s, err);
  if (!rc) {
    int cl = sp->clearance >= 0
                 ? sp->clearance
                 : (int)(STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                         STORE_CLASS_BIT(STORE_CLASS_INTERN));
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sp->display ? sp->display : name, -1,
                      SQLITE_STATIC);
    if (unit) sqlite3_bind_int64(s, 3, unit);
    sqlite3_bind_int(s, 4, cl);
    sqlite3_bind_int64(s, 5, lotse_now_unix());
    rc = reg_done(st, s, err);
  }
  if (!rc) rc = name_id(st, "users", name, &uid, err);
  if (!rc && sp->set_groups) rc = groups_set(st, uid, gids, sp->ngroups, err);
  free(gids);
  return rc;
}

int gov_user_update(store_t *st, const char *name, const gov_user_spec_t *sp,
                    lotse_err_t *err) {
  int64_t uid, unit = 0, *gids = gids_new(sp, err);
  if (!gids) return LOTSE_ENOMEM;
  int rc = user_id_or_404(st, name, &uid, err);
  if (!rc) rc = spec_check(st, sp, &unit, gids, err);
  sqlite3_stmt *s = NULL;
  if (!rc)
    rc = reg_prepare(st,
                     "UPDATE users SET display_name = coalesce(?1, "
                     "display_name), unit_id = CASE WHEN ?2 THEN ?3 ELSE "
                     "unit_id END, clearance = CASE WHEN ?4 >= 0 THEN ?4 "
                     "ELSE clearance END WHERE id = ?5",
                     &s, err);
  if (!rc) {
    if (sp->display) sqlite3_bind_text(s, 1, sp->display, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, sp->unit != NULL);
    if (unit) sqlite3_bind_int64(s, 3, unit);
    sqlite3_bind_int(s, 4, sp->clearance);
    sqlite3_bind_int64(s, 5, uid);
    rc = reg_done(st, s, err);
  }
  if (!rc && sp->set_groups) rc = groups_set(st, uid, gids, sp->ngroups, err);
  free(gids);
  return rc;
}

int gov_user_active(store_t *st, const char *name, bool *active,
                    lotse_err_t *err) {
  int64_t uid;
  int rc = user_id_or_404(st, name, &uid, err);
  if (rc) return rc;
  int64_t off = scalar(st,
                       "SELECT disabled_at IS NOT NULL FROM users WHERE "
                       "id = ?",
                       uid, err, &rc);
  *active = !off;
  return rc;
}

int gov_user_set_active(store_t *st, const char *name, bool active,
                        const char *actor, lotse_err_t *err) {
  bool now_active;
  int64_t uid;
  int rc = gov_user_active(st, name, &now_active, err);
  if (!rc) rc = user_id_or_404(st, name, &uid, err);
  if (rc) return rc;
  if (now_active == active)
    return lotse_err_set(err, LOTSE_EINVAL, "Benutzer '%s' ist bereits %s",
                         name, active ? "aktiv" : "deaktiviert");
  if (!active && (rc = keeps_an_admin(st, uid, err))) return rc;
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        active ? "UPDATE users SET disabled_at = NULL, "
                                 "disabled_by = NULL WHERE id = ?1"
                               : "UPDATE users SET disabled_at = ?2, "
                                 "disabled_by = ?3 WHERE id = ?1",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, uid);
  if (!active) {
    sqlite3_bind_int64(s, 2, lotse_now_unix());
    sqlite3_bind_text(s, 3, actor && *actor ? actor : "cli", -1,
                      SQLITE_STATIC);
  }
  return reg_done(st, s, err);
}

int gov_role_revoke_guarded(store_t *st, const char *user, const char *role,
                            lotse_err_t *err) {
  int64_t uid;
  int rc = gov_role_parse(role) < 0
               ? lotse_err_set(err, LOTSE_EINVAL, "unbekannte Rolle '%s'",
                               role ? role : "")
               : user_id_or_404(st, user, &uid, err);
  if (!rc && gov_role_parse(role) == GOV_ROLE_ADMIN)
    rc = keeps_an_admin(st, uid, err);
  return rc ? rc : gov_role_revoke(st, user, role, err);
}

/* ------------------------------------------------------ units, groups */

int gov_unit_create(store_t *st, const char *name, const char *parent,
                    lotse_err_t *err) {
  if (!org_name_ok(name))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "ungültiger Name der Organisationseinheit '%s' (1 "
                         "bis 63 Bytes, ohne Komma und Steuerzeichen)",
                         name ? name : "");
  int64_t id, pid = 0;
  int rc = name_id(st, "units", name, &id, err);
  if (!rc && id)
    rc = lotse_err_set(err, LOTSE_EEXIST,
                       "Organisationseinheit '%s' gibt es schon", name);
  if (!rc && parent && *parent) {
    rc = name_id(st, "units", parent, &pid, err);
    if (!rc && !pid)
      rc = lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte übergeordnete Einheit '%s'", parent);
  }
  sqlite3_stmt *s;
  if (!rc && !(rc = reg_prepare(st,
                                "INSERT INTO units(name, parent_id) "
                                "VALUES(?, ?)",
                                &s, err))) {
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (pid) sqlite3_bind_int64(s, 2, pid);
    rc = reg_done(st, s, err);
  }
  return rc;
}

/* The slug of an application whose versions name unit, or "" (buf). */
static int unit_used_by_app(store_t *st, const char *unit, char *slug,
                            size_t n, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT a.slug FROM apps a JOIN app_versions v ON "
                       "v.app_id = a.id WHERE json_extract(v.snapshot, "
                       "'$.owner_unit') = ?1 OR EXISTS (SELECT 1 FROM "
                       "json_each(v.snapshot, '$.units') WHERE value = ?1) "
                       "ORDER BY a.slug LIMIT 1",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  slug[0] = 0;
  if (step == SQLITE_ROW)
    snprintf(slug, n, "%s", (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return step == SQLITE_ROW || step == SQLITE_DONE
             ? 0
             : store_err_db(st, err, "apps");
}

int gov_unit_rename(store_t *st, const char *name, const char *new_name,
                    lotse_err_t *err) {
  int64_t id, other;
  char slug[GOV_SLUG_MAX + 1];
  int rc = name_id(st, "units", name, &id, err);
  if (!rc && !id)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND,
                       "unbekannte Organisationseinheit '%s'",
                       name ? name : "");
  if (!rc && !org_name_ok(new_name))
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "ungültiger neuer Name '%s' (1 bis 63 Bytes, ohne "
                       "Komma und Steuerzeichen)",
                       new_name ? new_name : "");
  if (!rc) rc = name_id(st, "units", new_name, &other, err);
  if (!rc && other)
    rc = lotse_err_set(err, LOTSE_EEXIST,
                       "Organisationseinheit '%s' gibt es schon", new_name);
  if (!rc) rc = unit_used_by_app(st, name, slug, sizeof slug, err);
  if (!rc && slug[0])
    rc = lotse_err_set(err, LOTSE_EACCESS,
                       "Die Anwendung '%s' nennt die Einheit '%s'; eine "
                       "Umbenennung änderte, wer sie nutzen darf",
                       slug, name);
  sqlite3_stmt *s;
  if (!rc &&
      !(rc = reg_prepare(st, "UPDATE units SET name = ? WHERE id = ?", &s,
                         err))) {
    sqlite3_bind_text(s, 1, new_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    rc = reg_done(st, s, err);
  }
  return rc;
}

int gov_group_create(store_t *st, const char *name, lotse_err_t *err) {
  if (!org_name_ok(name))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "ungültiger Gruppenname '%s' (1 bis 63 Bytes, ohne "
                         "Komma und Steuerzeichen)",
                         name ? name : "");
  int64_t id;
  int rc = name_id(st, "groups", name, &id, err);
  if (!rc && id)
    rc = lotse_err_set(err, LOTSE_EEXIST, "Gruppe '%s' gibt es schon", name);
  sqlite3_stmt *s;
  if (!rc &&
      !(rc = reg_prepare(st, "INSERT INTO groups(name) VALUES(?)", &s, err))) {
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = reg_done(st, s, err);
  }
  return rc;
}

static int member_ids(store_t *st, const char *const *names, size_t n,
                      int64_t *ids, lotse_err_t *err) {
  for (size_t i = 0; i < n; i++) {
    int rc = name_id(st, "users", names[i], &ids[i], err);
    if (rc) return rc;
    if (!ids[i])
      return lotse_err_set(err, LOTSE_EINVAL, "unbekannter Benutzer '%s'",
                           names[i] ? names[i] : "");
  }
  return 0;
}

static int member_write(store_t *st, const char *sql, int64_t gid,
                        const int64_t *ids, size_t n, lotse_err_t *err) {
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    sqlite3_stmt *s;
    if ((rc = reg_prepare(st, sql, &s, err))) break;
    sqlite3_bind_int64(s, 1, ids[i]);
    sqlite3_bind_int64(s, 2, gid);
    rc = reg_done(st, s, err);
  }
  return rc;
}

int gov_group_members(store_t *st, const char *group, const char *const *add,
                      size_t nadd, const char *const *remove, size_t nremove,
                      lotse_err_t *err) {
  int64_t gid;
  int rc = name_id(st, "groups", group, &gid, err);
  if (!rc && !gid)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannte Gruppe '%s'",
                       group ? group : "");
  if (rc) return rc;
  int64_t *ids = calloc(nadd + nremove + 1, sizeof *ids);
  if (!ids) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  rc = member_ids(st, add, nadd, ids, err);
  if (!rc) rc = member_ids(st, remove, nremove, ids + nadd, err);
  if (!rc)
    rc = member_write(st,
                      "INSERT OR IGNORE INTO user_groups(user_id, group_id) "
                      "VALUES(?, ?)",
                      gid, ids, nadd, err);
  if (!rc)
    rc = member_write(st,
                      "DELETE FROM user_groups WHERE user_id = ? AND "
                      "group_id = ?",
                      gid, ids + nadd, nremove, err);
  free(ids);
  return rc;
}

/* ---------------------------------------------------------- trainings */

int gov_training_exists(store_t *st, const char *id, bool *exists,
                        lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st, "SELECT 1 FROM trainings WHERE id = ?", &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, id ? id : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  *exists = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_err_db(st, err, "trainings");
}

int gov_training_revoke(store_t *st, const char *user, const char *id,
                        lotse_err_t *err) {
  int64_t uid;
  int rc = user_id_or_404(st, user, &uid, err);
  if (rc) return rc;
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "DELETE FROM user_trainings WHERE user_id = ? AND "
                        "training_id = ?",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, id ? id : "", -1, SQLITE_STATIC);
  if ((rc = reg_done(st, s, err))) return rc;
  if (sqlite3_changes(store_db(st)) == 0)
    return lotse_err_set(err, LOTSE_ENOTFOUND,
                         "'%s' hat die Schulung '%s' nicht abgeschlossen",
                         user, id ? id : "");
  return 0;
}
