/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry_people.c — governance roles of users and the training
 * catalogue with each user's completions.
 *
 * Contract: roles and completions belong to users of store/principal.c;
 * an unknown user, role or training is LOTSE_EINVAL and writes nothing.
 * A completion is one row per user and training: recording it again
 * replaces date and expiry (the latest completion counts).
 */
#include "gov/registry_internal.h"

#include <stdio.h>
#include <string.h>

#define TITLE_MAX 200

/* ------------------------------------------------------------------ roles */

int gov_role_grant(store_t *st, const char *user, const char *role,
                   const char *actor, lotse_err_t *err) {
  int r = gov_role_parse(role);
  if (r < 0)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte Rolle '%s' (ki_koordination, "
                         "fachdienstleitung, datenschutz, "
                         "informationssicherheit, personalrat, ethik_beirat, "
                         "auditor, admin)",
                         role ? role : "");
  int64_t uid;
  int rc = reg_user_lookup(st, user, &uid, NULL, err);
  if (rc) return rc;
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "INSERT OR IGNORE INTO gov_roles(user_id, role, "
                        "granted_at, granted_by) VALUES(?,?,?,?)",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, gov_role_name(r), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, lotse_now_unix());
  sqlite3_bind_text(s, 4, actor && *actor ? actor : "cli", -1, SQLITE_STATIC);
  return reg_done(st, s, err);
}

int gov_role_revoke(store_t *st, const char *user, const char *role,
                    lotse_err_t *err) {
  int r = gov_role_parse(role);
  if (r < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Rolle '%s'",
                         role ? role : "");
  int64_t uid;
  int rc = reg_user_lookup(st, user, &uid, NULL, err);
  if (rc) return rc;
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "DELETE FROM gov_roles WHERE user_id = ? AND role = ?",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, gov_role_name(r), -1, SQLITE_STATIC);
  return reg_done(st, s, err);
}

int gov_roles_of(store_t *st, const char *user, unsigned *mask,
                 lotse_err_t *err) {
  *mask = 0;
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT r.role FROM gov_roles r JOIN users u ON "
                       "u.id = r.user_id WHERE u.name = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    int r = gov_role_parse((const char *)sqlite3_column_text(s, 0));
    if (r >= 0) *mask |= GOV_ROLE_BIT(r);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "roles");
}

/* -------------------------------------------------------------- trainings */

int gov_training_add(store_t *st, const char *id, const char *title,
                     int valid_days, lotse_err_t *err) {
  if (!reg_slug_ok(id))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "ungültige Schulungskennung '%s' (a-z, 0-9, '-')",
                         id ? id : "");
  if (!title || !*title || strlen(title) > TITLE_MAX ||
      !lotse_utf8_valid(title, strlen(title)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Titel der Schulung fehlt oder ist zu lang");
  if (valid_days < 0 || valid_days > 3660)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Gültigkeit muss 0 bis 3660 Tage sein");
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO trainings(id, title, valid_days, "
                       "created_at) VALUES(?,?,?,?) ON CONFLICT(id) DO "
                       "UPDATE SET title = excluded.title, "
                       "valid_days = excluded.valid_days",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, title, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 3, valid_days);
  sqlite3_bind_int64(s, 4, lotse_now_unix());
  return reg_done(st, s, err);
}

static int training_days(store_t *st, const char *id, int *days,
                         lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st, "SELECT valid_days FROM trainings WHERE id = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, id ? id : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *days = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  if (rc == SQLITE_ROW) return 0;
  if (rc != SQLITE_DONE) return store_err_db(st, err, "training");
  return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Schulung '%s'",
                       id ? id : "");
}

int gov_training_grant(store_t *st, const char *user, const char *id,
                       int64_t completed, int64_t expires, const char *actor,
                       lotse_err_t *err) {
  int64_t uid;
  int days = 0;
  int rc = reg_user_lookup(st, user, &uid, NULL, err);
  if (!rc) rc = training_days(st, id, &days, err);
  if (rc) return rc;
  if (completed <= 0 || completed > lotse_now_unix() + REG_DAY)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Abschlussdatum fehlt oder liegt in der Zukunft");
  if (!expires && days) expires = completed + (int64_t)days * REG_DAY;
  if (expires && expires <= completed)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Ablaufdatum muss nach dem Abschlussdatum liegen");
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "INSERT INTO user_trainings(user_id, training_id, "
                        "completed_at, expires_at, recorded_by) "
                        "VALUES(?,?,?,?,?) ON CONFLICT(user_id, training_id) "
                        "DO UPDATE SET completed_at = excluded.completed_at, "
                        "expires_at = excluded.expires_at, "
                        "recorded_by = excluded.recorded_by",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, completed);
  if (expires) sqlite3_bind_int64(s, 4, expires);
  sqlite3_bind_text(s, 5, actor && *actor ? actor : "cli", -1, SQLITE_STATIC);
  return reg_done(st, s, err);
}

int gov_training_list_json(store_t *st, const char *user, json_t **out,
                           lotse_err_t *err) {
  *out = NULL;
  int64_t uid = 0;
  int rc = user ? reg_user_lookup(st, user, &uid, NULL, err) : 0;
  if (rc) return rc;
  sqlite3_stmt *s;
  rc = reg_prepare(st,
                   user ? "SELECT t.id, t.title, t.valid_days, "
                          "ut.completed_at, ut.expires_at FROM user_trainings "
                          "ut JOIN trainings t ON t.id = ut.training_id "
                          "WHERE ut.user_id = ? ORDER BY t.id"
                        : "SELECT id, title, valid_days, NULL, NULL FROM "
                          "trainings WHERE ? = 0 ORDER BY id",
                   &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, uid);
  json_t *a = json_array();
  while (a && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = json_pack("{ss ss si}", "id", sqlite3_column_text(s, 0),
                          "title", sqlite3_column_text(s, 1), "valid_days",
                          sqlite3_column_int(s, 2));
    if (o && user) {
      json_object_set_new(o, "completed_at",
                          json_integer(sqlite3_column_int64(s, 3)));
      json_object_set_new(o, "expires_at",
                          sqlite3_column_type(s, 4) == SQLITE_NULL
                              ? json_null()
                              : json_integer(sqlite3_column_int64(s, 4)));
    }
    if (!o || json_array_append_new(a, o)) {
      json_decref(a);
      a = NULL;
    }
  }
  sqlite3_finalize(s);
  if (!a) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc != SQLITE_DONE) {
    json_decref(a);
    return store_err_db(st, err, "trainings");
  }
  *out = a;
  return 0;
}
