/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry_internal.h — what the registry's files share: the
 * application row, statement helpers, history records and the approval
 * requirements of a version.
 */
#ifndef LOTSE_GOV_REGISTRY_INTERNAL_H
#define LOTSE_GOV_REGISTRY_INTERNAL_H

#include "gov/registry.h"

#define REG_DAY 86400

/* Bits of app_versions.measures (from gov_measures_t). */
enum {
  REG_M_PROHIBITED = 1u << 0,
  REG_M_DSFA = 1u << 1,
  REG_M_RISK = 1u << 2,
  REG_M_TRANSPARENCY = 1u << 3,
  REG_M_PERSONALRAT = 1u << 4,
  REG_M_DPO = 1u << 5
};

typedef struct reg_app {
  int64_t id;
  char slug[GOV_SLUG_MAX + 1];
  int status;
  int version; /* current */
  int round;
  int approved_version; /* 0: never approved */
  char approved_sha256[65];
  int64_t approved_at, valid_until;
} reg_app_t;

/* What the current version's class demands. */
typedef struct reg_needs {
  int risk_class;   /* 0: not classified */
  unsigned measures; /* REG_M_* */
  unsigned roles;   /* GOV_ROLE_BIT mask of required approvals */
} reg_needs_t;

/* gov/registry.c */
int reg_prepare(store_t *st, const char *sql, sqlite3_stmt **s,
                lotse_err_t *err);
/* Step a write statement to completion and finalize it. */
int reg_done(store_t *st, sqlite3_stmt *s, lotse_err_t *err);
/* LOTSE_ENOTFOUND (German message) for an unknown slug. */
int reg_app_load(store_t *st, const char *slug, reg_app_t *a,
                 lotse_err_t *err);
int reg_history_add(store_t *st, const reg_app_t *a, const char *actor,
                    const char *action, int from, int to,
                    const char *comment, const json_t *details,
                    lotse_err_t *err);
/* UPDATE apps SET status (and updated_at); a->status follows. */
int reg_status_set(store_t *st, reg_app_t *a, int to, lotse_err_t *err);
/* users.id and unit_id (0 when none); LOTSE_EINVAL for an unknown user. */
int reg_user_lookup(store_t *st, const char *user, int64_t *uid,
                    int64_t *unit_id, lotse_err_t *err);
int reg_unit_lookup(store_t *st, const char *unit, int64_t *id,
                    lotse_err_t *err);
/* A version's stored snapshot text and sha256 (caller frees *text). */
int reg_version_text(store_t *st, const reg_app_t *a, int version,
                     char **text, char sha256[65], lotse_err_t *err);
/* Canonical text of a snapshot object (caller frees). */
char *reg_canonical(const json_t *o);
int reg_slug_ok(const char *s);
/* Commit when rc is 0, else roll back; returns rc (or the commit's). */
int reg_finish(store_t *st, int rc, lotse_err_t *err);

/* gov/approval.c */
int reg_needs_load(store_t *st, const reg_app_t *a, reg_needs_t *n,
                   lotse_err_t *err);
/* German list of what the current round still lacks; *have: roles that
 * approved in this round. */
int reg_missing(store_t *st, const reg_app_t *a, const reg_needs_t *n,
                lotse_strv_t *missing, unsigned *have, lotse_err_t *err);

#endif
