/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_admin.h — what the files of /api/admin/ share: the request
 * of one administrative action, the readers of its JSON body and the
 * action tables of route_admin_users.c and route_admin_org.c.
 *
 * Contract: an action's fn runs inside one transaction of the served store
 * (route_admin.c opens it, appends the audit record, commits; any error
 * rolls everything back). fn fills a->details (audit metadata, never a
 * secret), a->message (German, shown to the administrator) and may add
 * fields to a->reply. Its optional prepare runs before the transaction
 * (slow work such as hashing a password, so no write lock is held).
 */
#ifndef LOTSE_SERVER_ROUTE_ADMIN_H
#define LOTSE_SERVER_ROUTE_ADMIN_H

#include "server/server_internal.h"

#include <stdbool.h>

#define ADMIN_LIST_MAX 64 /* entries of one list in a body */

typedef struct admin_req {
  http_req_t *r;
  store_t *st;
  json_t *body;    /* the request's JSON object (owned here) */
  json_t *details; /* audit details object (owned here) */
  json_t *reply;   /* the 200/201 reply object (owned here) */
  unsigned status; /* 200 unless the action sets 201 */
  char message[320];
  char *secret; /* prepared secret (password hash), wiped and freed */
  char *shown;  /* a generated password shown once, wiped and freed */
} admin_req_t;

typedef int (*admin_fn)(admin_req_t *a, lotse_err_t *err);

typedef struct admin_action {
  const char *path;   /* below /api/admin/, e.g. "users/create" */
  const char *record; /* audit action, e.g. "admin.user_create" */
  unsigned roles;     /* GOV_ROLE_BIT mask of who may */
  const char *keys;   /* allowed body keys, space-separated */
  admin_fn prepare;   /* may be NULL */
  admin_fn fn;
} admin_action_t;

/* route_admin_users.c and route_admin_org.c: NULL-terminated by path. */
extern const admin_action_t admin_user_actions[];
extern const admin_action_t admin_org_actions[];

/* ---------------------------------------------- body readers (route_admin.c)
 * Each returns 0 or LOTSE_EINVAL with a German message naming the field. */

/* A string field; absent: *out NULL (LOTSE_EINVAL when required). */
int admin_str(admin_req_t *a, const char *key, bool required,
              const char **out, lotse_err_t *err);
/* A list of strings (at most ADMIN_LIST_MAX); absent: *n = 0 and *present
 * false. out has ADMIN_LIST_MAX slots pointing into the body. */
int admin_strs(admin_req_t *a, const char *key, const char **out, size_t *n,
               bool *present, lotse_err_t *err);
/* A list of data classes as a STORE_CLASS_BIT mask; absent: -1. At least
 * one class. */
int admin_classes(admin_req_t *a, const char *key, int *mask,
                  lotse_err_t *err);
/* "YYYY-MM-DD" as unix seconds (UTC midnight); absent: *out = 0. */
int admin_date(admin_req_t *a, const char *key, int64_t *out,
               lotse_err_t *err);
/* Set details[key] to a copy of body[key] (when present). */
void admin_detail(admin_req_t *a, const char *key);
void admin_message(admin_req_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
