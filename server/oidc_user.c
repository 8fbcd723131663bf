/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc_user.c — the [oidc] settings and what a verified ID token
 * makes of a lotse user: provisioning, the link (issuer, subject) → user in
 * user_identities, and the mapping of the groups, roles and unit claims.
 *
 * Contract: see server/oidc.h. The provider is the source of truth for the
 * claims that are configured: groups and unit are replaced by the claims'
 * values, governance roles granted and revoked to match the role claim.
 * A claim that is switched off ("") leaves that part of the user alone.
 * Invariants: (1) a subject is linked to one user and a user to one subject
 * per issuer; (2) claims are read only after jwt_verify() accepted them.
 */
#include "server/oidc.h"

#include "gov/registry.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define OIDC_MAX_GROUPS 256

/* ------------------------------------------------------------ settings */

static int parse_role_map(const char *map, lotse_err_t *err) {
  char buf[1024];
  if (!map || !*map) return 0;
  if (strlen(map) >= sizeof buf)
    return lotse_err_set(err, LOTSE_EINVAL, "oidc.role_map is too long");
  snprintf(buf, sizeof buf, "%s", map);
  char *save = NULL;
  for (char *it = strtok_r(buf, ",", &save); it;
       it = strtok_r(NULL, ",", &save)) {
    char *colon = strrchr(it, ':');
    if (!colon) return lotse_err_set(err, LOTSE_EINVAL,
                                     "oidc.role_map: '%s' lacks ':'", it);
    char *role = colon + 1;
    lotse_str_squeeze(role);
    if (gov_role_parse(role) < 0)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "oidc.role_map: unknown role '%s'", role);
  }
  return 0;
}

int oidc_conf_load(const lotse_conf_t *conf, oidc_conf_t *o,
                   lotse_err_t *err) {
  memset(o, 0, sizeof *o);
  o->issuer = lotse_conf_get(conf, "oidc.issuer", NULL);
  if (o->issuer && !*o->issuer) o->issuer = NULL;
  o->client_id = lotse_conf_get(conf, "oidc.client_id", NULL);
  o->client_secret = lotse_conf_get(conf, "oidc.client_secret", "");
  o->redirect_uri = lotse_conf_get(conf, "oidc.redirect_uri", NULL);
  o->scopes = lotse_conf_get(conf, "oidc.scopes", "openid profile email");
  o->claim_user = lotse_conf_get(conf, "oidc.claim_user",
                                 "preferred_username");
  o->claim_display = lotse_conf_get(conf, "oidc.claim_display", "name");
  o->claim_groups = lotse_conf_get(conf, "oidc.claim_groups", "groups");
  o->claim_roles = lotse_conf_get(conf, "oidc.claim_roles", "roles");
  o->claim_unit = lotse_conf_get(conf, "oidc.claim_unit", "unit");
  o->role_map = lotse_conf_get(conf, "oidc.role_map", "");
  o->mfa = lotse_conf_get_bool(conf, "oidc.mfa", 0);
  o->leeway_s = lotse_conf_get_int(conf, "oidc.leeway_seconds", 60);
  o->label = lotse_conf_get(conf, "oidc.label",
                            "Mit dem Landkreis-Konto anmelden (Single "
                            "Sign-on)");
  o->post_logout_redirect_uri =
      lotse_conf_get(conf, "oidc.post_logout_redirect_uri", NULL);
  if (o->post_logout_redirect_uri && !*o->post_logout_redirect_uri)
    o->post_logout_redirect_uri = NULL;
  const char *cl = lotse_conf_get(conf, "oidc.clearance", "offen");
  int mask = store_class_mask_parse(cl);
  if (mask < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "oidc.clearance: bad '%s'", cl);
  o->clearance = (unsigned)mask;
  if (o->leeway_s < 0 || o->leeway_s > 600)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "oidc.leeway_seconds must be 0..600");
  if (!o->issuer) return parse_role_map(o->role_map, err);
  if (!oidc_url_allowed(o->issuer))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "oidc.issuer must be an https:// URL");
  if (!o->client_id || !*o->client_id)
    return lotse_err_set(err, LOTSE_EINVAL, "oidc.client_id is missing");
  if (!o->redirect_uri || !oidc_url_allowed(o->redirect_uri))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "oidc.redirect_uri missing or not https://");
  if (o->post_logout_redirect_uri &&
      !oidc_url_allowed(o->post_logout_redirect_uri))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "oidc.post_logout_redirect_uri is not https://");
  return parse_role_map(o->role_map, err);
}

/* ----------------------------------------------------------- identities */

static int step_done(store_t *st, sqlite3_stmt *s, lotse_err_t *err) {
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
  return lotse_err_set(err, LOTSE_EDB, "oidc: %s",
                       sqlite3_errmsg(store_db(st)));
}

/* The user name linked to (issuer, sub) into user; LOTSE_ENOTFOUND when
 * none. */
static int identity_user(store_t *st, const char *issuer, const char *sub,
                         char user[OIDC_NAME_MAX], lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT u.name FROM user_identities i JOIN users u "
                         "ON u.id = i.user_id WHERE i.issuer = ? AND "
                         "i.subject = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return lotse_err_set(err, LOTSE_EDB, "oidc: %s",
                         sqlite3_errmsg(store_db(st)));
  sqlite3_bind_text(s, 1, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, sub, -1, SQLITE_STATIC);
  int rc = LOTSE_ENOTFOUND;
  if (sqlite3_step(s) == SQLITE_ROW) {
    snprintf(user, OIDC_NAME_MAX, "%s",
             (const char *)sqlite3_column_text(s, 0));
    rc = 0;
  }
  sqlite3_finalize(s);
  return rc;
}

/* Whether user name already has another subject of issuer: 1 yes. */
static int linked_elsewhere(store_t *st, const char *issuer, const char *name,
                            const char *sub) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT 1 FROM user_identities i JOIN users u ON "
                         "u.id = i.user_id WHERE u.name = ? AND i.issuer = ? "
                         "AND i.subject <> ?",
                         -1, &s, NULL) != SQLITE_OK)
    return 1;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, sub, -1, SQLITE_STATIC);
  int hit = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return hit;
}

static int identity_link(store_t *st, const char *issuer, const char *sub,
                         const char *user, int64_t now, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "INSERT INTO user_identities(user_id, issuer, "
                         "subject, created_at, last_login) SELECT id, ?2, "
                         "?3, ?4, ?4 FROM users WHERE name = ?1 "
                         "ON CONFLICT(issuer, subject) DO UPDATE SET "
                         "last_login = excluded.last_login",
                         -1, &s, NULL) != SQLITE_OK)
    return lotse_err_set(err, LOTSE_EDB, "oidc: %s",
                         sqlite3_errmsg(store_db(st)));
  sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, sub, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, now);
  return step_done(st, s, err);
}

/* ------------------------------------------------------------- claims */

/* Values of claim name as strings (a string or an array of strings);
 * Keycloak's realm_access.roles is reached with a dotted name. */
static json_t *claim_get(json_t *claims, const char *name) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", name);
  json_t *v = claims;
  char *save = NULL;
  for (char *p = strtok_r(buf, ".", &save); p && v;
       p = strtok_r(NULL, ".", &save))
    v = json_object_get(v, p);
  return v;
}

/* The store's view of user: current unit, clearance and groups. */
typedef struct user_now {
  int exists;
  char unit[OIDC_NAME_MAX];
  unsigned clearance;
  lotse_strv_t groups;
} user_now_t;

static int user_now_load(store_t *st, const char *name, user_now_t *u) {
  sqlite3_stmt *s;
  memset(u, 0, sizeof *u);
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT u.clearance, n.name FROM users u LEFT JOIN "
                         "units n ON n.id = u.unit_id WHERE u.name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return LOTSE_EDB;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) {
    u->exists = 1;
    u->clearance = (unsigned)sqlite3_column_int(s, 0);
    const char *un = (const char *)sqlite3_column_text(s, 1);
    snprintf(u->unit, sizeof u->unit, "%s", un ? un : "");
  }
  sqlite3_finalize(s);
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT g.name FROM user_groups ug JOIN groups g ON "
                         "g.id = ug.group_id JOIN users u ON u.id = "
                         "ug.user_id WHERE u.name = ? ORDER BY g.name",
                         -1, &s, NULL) != SQLITE_OK)
    return LOTSE_EDB;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  int rc = 0;
  while (!rc && sqlite3_step(s) == SQLITE_ROW)
    rc = lotse_strv_push(&u->groups, (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return rc;
}

static int name_ok(const char *v) {
  size_t n = v ? strlen(v) : 0;
  if (n == 0 || n >= OIDC_NAME_MAX) return 0;
  for (; *v; v++)
    if ((unsigned char)*v < 0x20 || *v == ',') return 0;
  return 1;
}

/* The lotse role for an IdP role value (role_map, or the name itself). */
static int map_role(const char *map, const char *v) {
  if (!map || !*map) return gov_role_parse(v);
  size_t vl = strlen(v);
  for (const char *p = map; *p;) {
    while (*p == ' ' || *p == ',') p++;
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    const char *colon = p;
    while (colon < end && *colon != ':') colon++;
    const char *last = colon;
    for (const char *q = colon; q < end; q++)
      if (*q == ':') last = q;
    if (last < end && (size_t)(last - p) == vl && strncmp(p, v, vl) == 0) {
      char role[64];
      size_t rl = (size_t)(end - last - 1);
      snprintf(role, sizeof role, "%.*s", (int)(rl < 63 ? rl : 63), last + 1);
      lotse_str_squeeze(role);
      return gov_role_parse(role);
    }
    p = end;
  }
  return -1;
}

static int roles_sync(store_t *st, const oidc_conf_t *o, const char *user,
                      json_t *claims, lotse_err_t *err) {
  json_t *v = claim_get(claims, o->claim_roles);
  unsigned want = 0, have = 0;
  size_t i;
  json_t *e;
  if (json_is_string(v)) {
    int r = map_role(o->role_map, json_string_value(v));
    if (r >= 0) want |= GOV_ROLE_BIT(r);
  }
  json_array_foreach(v, i, e) {
    int r = json_is_string(e) ? map_role(o->role_map, json_string_value(e))
                              : -1;
    if (r >= 0) want |= GOV_ROLE_BIT(r);
  }
  int rc = gov_roles_of(st, user, &have, err);
  for (int r = 0; !rc && r < GOV_ROLE_COUNT; r++) {
    unsigned b = GOV_ROLE_BIT(r);
    if ((want & b) && !(have & b))
      rc = gov_role_grant(st, user, gov_role_name(r), "oidc", err);
    else if (!(want & b) && (have & b))
      rc = gov_role_revoke(st, user, gov_role_name(r), err);
  }
  return rc;
}

/* Groups from the claim (invalid names skipped) into out. */
static int groups_from_claim(json_t *v, lotse_strv_t *out) {
  size_t i;
  json_t *e;
  int rc = 0;
  if (json_is_string(v) && name_ok(json_string_value(v)))
    return lotse_strv_push(out, json_string_value(v));
  json_array_foreach(v, i, e) {
    if (rc || out->n >= OIDC_MAX_GROUPS) break;
    const char *g = json_string_value(e);
    if (g && *g == '/') g++; /* Keycloak's group paths: "/kreis/amt" */
    if (name_ok(g)) rc = lotse_strv_push(out, g);
    else lotse_log(LOTSE_LOG_WARN, "oidc: group claim value skipped");
  }
  return rc;
}

static int refuse(lotse_err_t *err, const char *msg) {
  return lotse_err_set(err, LOTSE_EACCESS, "%s", msg);
}

/* The user name for the claims: the linked one, else claim_user. */
static int pick_user(store_t *st, const oidc_conf_t *o, const char *issuer,
                     const char *sub, json_t *claims,
                     char user[OIDC_NAME_MAX], lotse_err_t *err) {
  int rc = identity_user(st, issuer, sub, user, err);
  if (rc != LOTSE_ENOTFOUND) return rc;
  const char *name = json_string_value(claim_get(claims, o->claim_user));
  if (!name_ok(name))
    return refuse(err, "Das ID-Token enthält keinen gültigen Benutzernamen");
  if (linked_elsewhere(st, issuer, name, sub))
    return refuse(err, "Der Benutzername ist bereits mit einem anderen "
                       "Konto des Identitätsanbieters verknüpft");
  snprintf(user, OIDC_NAME_MAX, "%s", name);
  return 0;
}

int oidc_user_provision(store_t *st, const oidc_conf_t *o,
                        const char *issuer, json_t *claims, int64_t now,
                        char user[OIDC_NAME_MAX], lotse_err_t *err) {
  const char *sub = json_string_value(json_object_get(claims, "sub"));
  if (!sub || !*sub) return refuse(err, "Das ID-Token nennt kein Subjekt");
  int rc = pick_user(st, o, issuer, sub, claims, user, err);
  if (rc) return rc;
  user_now_t cur;
  if (user_now_load(st, user, &cur))
    return lotse_err_set(err, LOTSE_EDB, "oidc: user lookup failed");
  const char *display =
      json_string_value(claim_get(claims, o->claim_display));
  const char *unit = cur.unit;
  if (*o->claim_unit) {
    const char *cu = json_string_value(claim_get(claims, o->claim_unit));
    unit = name_ok(cu) ? cu : NULL;
  }
  lotse_strv_t groups = {0};
  if (*o->claim_groups)
    rc = groups_from_claim(claim_get(claims, o->claim_groups), &groups);
  lotse_strv_t *gs = *o->claim_groups ? &groups : &cur.groups;
  if (!rc)
    rc = store_user_put(st, user, name_ok(display) ? display : user, unit,
                        cur.exists ? cur.clearance : o->clearance,
                        (const char *const *)gs->v, gs->n, err);
  if (!rc) rc = identity_link(st, issuer, sub, user, now, err);
  if (!rc && *o->claim_roles) rc = roles_sync(st, o, user, claims, err);
  lotse_strv_release(&groups);
  lotse_strv_release(&cur.groups);
  return rc;
}
