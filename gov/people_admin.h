/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/people_admin.h — account administration: users (create, change,
 * deactivate and reactivate), organisational units (create with parent,
 * rename), groups (create, membership), role revocation that keeps at least
 * one administrator, and revocation of a training completion. What the
 * Verwaltung page (server/route_admin*.c) changes; passwords and TOTP stay
 * with server/session.h.
 *
 * Contract: none of these functions opens a transaction; the caller wraps
 * one change (and its audit record) in store_begin/store_commit and rolls
 * back on any error, so bad input stores nothing. Bad input is LOTSE_EINVAL
 * with a German message naming the value; an unknown user, unit, group or
 * training named as the object of the change is LOTSE_ENOTFOUND; a name
 * that exists already is LOTSE_EEXIST; a change that would leave no active
 * administrator, or rename a unit an application names, is LOTSE_EACCESS.
 * Invariants: (1) a deactivated user keeps every row (roles, trainings,
 * drafts stay attributable) and has no session (triggers of store migration
 * 5 end them and refuse new ones); (2) there is always at least one active
 * user holding the role admin once one existed.
 * See also: gov/registry.h (roles, trainings), docs/api/admin.md.
 */
#ifndef LOTSE_GOV_PEOPLE_ADMIN_H
#define LOTSE_GOV_PEOPLE_ADMIN_H

#include "base/base.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOV_DISPLAY_MAX 200 /* bytes of a display name */

/* What to set on a user. Create: display NULL means the name, unit NULL or
 * "" none, clearance < 0 offen+intern, groups as given. Update: NULL / < 0 /
 * set_groups false leave that attribute unchanged; unit "" removes it. */
typedef struct gov_user_spec {
  const char *display;
  const char *unit;           /* must exist */
  int clearance;              /* STORE_CLASS_BIT mask */
  const char *const *groups;  /* must exist */
  size_t ngroups;
  bool set_groups;
} gov_user_spec_t;

/* Whether name is a valid new user name: 1 to 63 bytes of a-z, 0-9, '.',
 * '_', '-', starting with a letter or digit. */
bool gov_user_name_ok(const char *name);

int gov_user_create(store_t *st, const char *name, const gov_user_spec_t *s,
                    lotse_err_t *err);
int gov_user_update(store_t *st, const char *name, const gov_user_spec_t *s,
                    lotse_err_t *err);
/* Deactivate (active false: the user's sessions end, no login until
 * reactivated) or reactivate. actor is recorded. Deactivating the last
 * active administrator is LOTSE_EACCESS; doing what is already so is
 * LOTSE_EINVAL. */
int gov_user_set_active(store_t *st, const char *name, bool active,
                        const char *actor, lotse_err_t *err);
/* *active for an existing user (LOTSE_ENOTFOUND otherwise). */
int gov_user_active(store_t *st, const char *name, bool *active,
                    lotse_err_t *err);

/* gov_role_revoke, refusing (LOTSE_EACCESS) to take the role admin from
 * the last active administrator. */
int gov_role_revoke_guarded(store_t *st, const char *user, const char *role,
                            lotse_err_t *err);

/* A new unit below parent (NULL or "": top level; must exist). */
int gov_unit_create(store_t *st, const char *name, const char *parent,
                    lotse_err_t *err);
/* Rename a unit; refused while an application (any version) names it as
 * owner or permitted unit, since that would change who may use it. */
int gov_unit_rename(store_t *st, const char *name, const char *new_name,
                    lotse_err_t *err);

int gov_group_create(store_t *st, const char *name, lotse_err_t *err);
/* Add and remove members (users must exist; adding a member or removing a
 * non-member is a no-op). */
int gov_group_members(store_t *st, const char *group, const char *const *add,
                      size_t nadd, const char *const *remove, size_t nremove,
                      lotse_err_t *err);

/* Whether training id is in the catalogue. */
int gov_training_exists(store_t *st, const char *id, bool *exists,
                        lotse_err_t *err);
/* Remove user's completion of training id (LOTSE_ENOTFOUND when there is
 * none). */
int gov_training_revoke(store_t *st, const char *user, const char *id,
                        lotse_err_t *err);

#endif
