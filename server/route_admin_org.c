/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_admin_org.c — POST /api/admin/units|groups|trainings/…:
 * organisational units (create below a parent, rename), groups (create,
 * members) and the training catalogue (create, update).
 *
 * Contract: see server/route_admin.h and gov/people_admin.h; a unit that
 * an application names is not renamed (409).
 */
#include "gov/people_admin.h"
#include "gov/registry.h"
#include "server/route_admin.h"

#include <string.h>

#define ADMIN_ONLY GOV_ROLE_BIT(GOV_ROLE_ADMIN)
#define TRAINERS \
  (GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION))

static void details(admin_req_t *a, const char *const *keys, size_t n) {
  for (size_t i = 0; i < n; i++) admin_detail(a, keys[i]);
}

static int do_unit_create(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *parent = NULL;
  int rc = admin_str(a, "name", true, &name, err);
  if (!rc) rc = admin_str(a, "parent", false, &parent, err);
  if (!rc) rc = gov_unit_create(a->st, name, parent, err);
  details(a, (const char *const[]){"name", "parent"}, 2);
  a->status = MHD_HTTP_CREATED;
  admin_message(a, "Organisationseinheit %s angelegt", name ? name : "");
  return rc;
}

static int do_unit_rename(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *to = NULL;
  int rc = admin_str(a, "name", true, &name, err);
  if (!rc) rc = admin_str(a, "new_name", true, &to, err);
  if (!rc) rc = gov_unit_rename(a->st, name, to, err);
  details(a, (const char *const[]){"name", "new_name"}, 2);
  admin_message(a, "Organisationseinheit %s heißt jetzt %s", name ? name : "",
                to ? to : "");
  return rc;
}

static int do_group_create(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL;
  int rc = admin_str(a, "name", true, &name, err);
  if (!rc) rc = gov_group_create(a->st, name, err);
  admin_detail(a, "name");
  a->status = MHD_HTTP_CREATED;
  admin_message(a, "Gruppe %s angelegt", name ? name : "");
  return rc;
}

static int do_group_members(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *add[ADMIN_LIST_MAX], *rm[ADMIN_LIST_MAX];
  size_t na = 0, nr = 0;
  bool pa, pr;
  int rc = admin_str(a, "name", true, &name, err);
  if (!rc) rc = admin_strs(a, "add", add, &na, &pa, err);
  if (!rc) rc = admin_strs(a, "remove", rm, &nr, &pr, err);
  if (!rc && na + nr == 0)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "mindestens einen Benutzer in add oder remove "
                       "angeben");
  if (!rc) rc = gov_group_members(a->st, name, add, na, rm, nr, err);
  details(a, (const char *const[]){"name", "add", "remove"}, 3);
  admin_message(a, "Mitglieder der Gruppe %s geändert", name ? name : "");
  return rc;
}

/* valid_days of the body: *days (-1 when absent). */
static int valid_days(admin_req_t *a, int *days, lotse_err_t *err) {
  json_t *v = json_object_get(a->body, "valid_days");
  *days = -1;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > 3660)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'valid_days' muss eine ganze Zahl von 0 bis 3660 "
                         "sein (0: unbegrenzt)");
  *days = (int)json_integer_value(v);
  return 0;
}

/* Title and validity of training id (which exists). */
static int training_get(store_t *st, const char *id, char *title, size_t n,
                        int *days, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT title, valid_days FROM trainings WHERE "
                         "id = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "trainings");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  if (step == SQLITE_ROW) {
    snprintf(title, n, "%s", (const char *)sqlite3_column_text(s, 0));
    *days = sqlite3_column_int(s, 1);
  }
  sqlite3_finalize(s);
  return step == SQLITE_ROW ? 0 : store_err_db(st, err, "trainings");
}

static int training_put(admin_req_t *a, bool create, lotse_err_t *err) {
  const char *id = NULL, *title = NULL;
  int days;
  bool exists = false;
  char old_title[256] = "";
  int old_days = 0;
  int rc = admin_str(a, "id", true, &id, err);
  if (!rc) rc = admin_str(a, "title", create, &title, err);
  if (!rc) rc = valid_days(a, &days, err);
  if (!rc) rc = gov_training_exists(a->st, id, &exists, err);
  if (!rc && create && exists)
    rc = lotse_err_set(err, LOTSE_EEXIST, "Schulung '%s' gibt es schon", id);
  if (!rc && !create && !exists)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannte Schulung '%s'", id);
  if (!rc && !create && !title && days < 0)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "nichts zu ändern: title oder valid_days angeben");
  if (!rc && exists)
    rc = training_get(a->st, id, old_title, sizeof old_title, &old_days, err);
  if (!rc)
    rc = gov_training_add(a->st, id, title ? title : old_title,
                          days >= 0 ? days : create ? 0 : old_days, err);
  details(a, (const char *const[]){"id", "title", "valid_days"}, 3);
  a->status = create ? MHD_HTTP_CREATED : MHD_HTTP_OK;
  admin_message(a, "Schulung %s %s", id ? id : "",
                create ? "in den Katalog aufgenommen" : "geändert");
  return rc;
}

static int do_training_create(admin_req_t *a, lotse_err_t *err) {
  return training_put(a, true, err);
}

static int do_training_update(admin_req_t *a, lotse_err_t *err) {
  return training_put(a, false, err);
}

const admin_action_t admin_org_actions[] = {
    {"units/create", "admin.unit_create", ADMIN_ONLY, "name parent", NULL,
     do_unit_create},
    {"units/rename", "admin.unit_rename", ADMIN_ONLY, "name new_name", NULL,
     do_unit_rename},
    {"groups/create", "admin.group_create", ADMIN_ONLY, "name", NULL,
     do_group_create},
    {"groups/members", "admin.group_members", ADMIN_ONLY, "name add remove",
     NULL, do_group_members},
    {"trainings/create", "admin.training_create", TRAINERS,
     "id title valid_days", NULL, do_training_create},
    {"trainings/update", "admin.training_update", TRAINERS,
     "id title valid_days", NULL, do_training_update},
    {NULL, NULL, 0, NULL, NULL, NULL}};
