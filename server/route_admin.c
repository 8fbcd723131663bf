/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_admin.c — /api/admin/…: the Verwaltung page's changes to
 * users, roles, units, groups and trainings, and the account list.
 *   GET  /api/admin/users              users with account status
 *   POST /api/admin/{resource}/{action} one change (tables in
 *                                      route_admin_users.c, _org.c)
 *
 * Contract: named users only (anonymous 401); each action names the roles
 * that may run it (admin; trainings also ki_koordination), others 403. The
 * body is a JSON object with only the action's keys (400 otherwise). One
 * change is one transaction of lotse.db together with its record in the
 * audit trail (action "admin.…", actor = the caller, details without
 * secrets): if either fails, nothing is stored. Errors: 400 bad input,
 * 404 unknown object, 409 exists already / last administrator / unit in
 * use, 500 store or audit trail. Session callers need the CSRF token
 * (server/auth.c checks it before this runs).
 * Spec: server/api/admin.json; docs/api/admin.md.
 */
#include "server/route_admin.h"

#include "gov/audit.h"
#include "gov/registry.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFIX "/api/admin/"
#define READERS \
  (GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION))

/* ------------------------------------------------------------ readers */

/* What staff call the field: a refusal should say what to fill in, not
 * only the API key. */
static const char *field_label(const char *key) {
  static const char *const labels[][2] = {
      {"name", "den Namen"},         {"display", "den Anzeigenamen"},
      {"unit", "die Einheit"},       {"password", "das Passwort"},
      {"training", "die Schulung"},  {"id", "die Kennung"},
      {"title", "den Titel"},        {"parent", "die übergeordnete Einheit"},
      {"new_name", "den neuen Namen"}, {"role", "die Rolle"}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (strcmp(labels[i][0], key) == 0) return labels[i][1];
  return NULL;
}

static int missing(const char *key, lotse_err_t *err) {
  const char *label = field_label(key);
  if (label)
    return lotse_err_set(err, LOTSE_EINVAL, "Bitte %s angeben ('%s' fehlt)",
                         label, key);
  return lotse_err_set(err, LOTSE_EINVAL, "Angabe '%s' fehlt", key);
}

int admin_str(admin_req_t *a, const char *key, bool required,
              const char **out, lotse_err_t *err) {
  json_t *v = json_object_get(a->body, key);
  *out = NULL;
  if (!v || json_is_null(v))
    return required ? missing(key, err) : 0;
  if (!json_is_string(v))
    return lotse_err_set(err, LOTSE_EINVAL, "'%s' muss ein Text sein", key);
  *out = json_string_value(v);
  if (required && !**out) return missing(key, err);
  return 0;
}

int admin_strs(admin_req_t *a, const char *key, const char **out, size_t *n,
               bool *present, lotse_err_t *err) {
  json_t *v = json_object_get(a->body, key), *it;
  size_t i;
  *n = 0;
  *present = v && !json_is_null(v);
  if (!*present) return 0;
  if (!json_is_array(v) || json_array_size(v) > ADMIN_LIST_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'%s' muss eine Liste von höchstens %d Texten sein",
                         key, ADMIN_LIST_MAX);
  json_array_foreach(v, i, it) {
    if (!json_is_string(it) || !*json_string_value(it))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "'%s' darf nur nicht-leere Texte enthalten", key);
    out[(*n)++] = json_string_value(it);
  }
  return 0;
}

int admin_classes(admin_req_t *a, const char *key, int *mask,
                  lotse_err_t *err) {
  const char *v[ADMIN_LIST_MAX];
  size_t n;
  bool present;
  int rc = admin_strs(a, key, v, &n, &present, err);
  *mask = -1;
  if (rc || !present) return rc;
  if (!n)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "mindestens eine Datenklasse angeben");
  *mask = 0;
  for (size_t i = 0; i < n; i++) {
    int c = 0;
    while (c < STORE_CLASS_COUNT && strcmp(v[i], store_class_name(c))) c++;
    if (c == STORE_CLASS_COUNT)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "unbekannte Datenklasse '%s' (offen, intern, "
                           "vertraulich, personenbezogen)",
                           v[i]);
    *mask |= (int)STORE_CLASS_BIT(c);
  }
  return 0;
}

int admin_date(admin_req_t *a, const char *key, int64_t *out,
               lotse_err_t *err) {
  const char *s;
  int rc = admin_str(a, key, false, &s, err);
  *out = 0;
  if (rc || !s || !*s) return rc;
  struct tm tm = {0};
  const char *end = strptime(s, "%Y-%m-%d", &tm);
  time_t t = end && !*end && strlen(s) == 10 ? timegm(&tm) : (time_t)-1;
  if (t <= 0)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'%s' muss ein Datum JJJJ-MM-TT sein", key);
  *out = (int64_t)t;
  return 0;
}

void admin_detail(admin_req_t *a, const char *key) {
  json_t *v = json_object_get(a->body, key);
  if (v) json_object_set(a->details, key, v);
}

void admin_message(admin_req_t *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->message, sizeof a->message, fmt, ap);
  va_end(ap);
}

/* Only the keys of the action (space-separated in keys). */
static int keys_ok(const json_t *body, const char *keys, lotse_err_t *err) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)body, k, v) {
    size_t n = strlen(k);
    const char *p = keys;
    bool found = false;
    while (!found && (p = strstr(p, k)) != NULL) {
      found = (p == keys || p[-1] == ' ') && (p[n] == ' ' || !p[n]);
      p += n ? n : 1;
    }
    if (!found || !n)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "unbekannte Angabe '%s' (erlaubt: %s)", k, keys);
  }
  return 0;
}

/* -------------------------------------------------------------- reply */

static enum MHD_Result reply_err(http_req_t *r, int rc,
                                 const lotse_err_t *err) {
  unsigned status = rc == LOTSE_EINVAL      ? MHD_HTTP_BAD_REQUEST
                    : rc == LOTSE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                    : rc == LOTSE_EEXIST    ? MHD_HTTP_CONFLICT
                    : rc == LOTSE_EACCESS   ? MHD_HTTP_CONFLICT
                                            : MHD_HTTP_INTERNAL_SERVER_ERROR;
  if (status == MHD_HTTP_INTERNAL_SERVER_ERROR) {
    lotse_log(LOTSE_LOG_ERROR, "server: admin: %s", err->msg);
    return server_reply_error(r, status,
                              "Interner Fehler bei der Verwaltung; nichts "
                              "wurde geändert");
  }
  return server_reply_error(r, status, "%s", err->msg);
}

/* ---------------------------------------------------------- the audit */

static int audit_append(admin_req_t *a, const admin_action_t *act,
                        lotse_err_t *err) {
  char *ws = server_workspace_dir(a->r->srv->o.db_path);
  char unit[256];
  store_user_unit(a->st, a->r->principal.name, unit, sizeof unit);
  char *details = json_dumps(a->details, JSON_SORT_KEYS | JSON_COMPACT);
  gov_audit_t *au = NULL;
  int rc = ws && details
               ? gov_audit_open(ws, 0, &au, err)
               : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) {
    gov_audit_rec_t rec = {.actor = a->r->principal.name,
                           .unit = unit,
                           .action = act->record,
                           .decision = GOV_AUDIT_DECISION_NONE,
                           .reason = a->message,
                           .details_json = details};
    rc = gov_audit_append(au, &rec, NULL, err);
  }
  gov_audit_close(au);
  free(ws);
  free(details);
  return rc;
}

/* ------------------------------------------------------------ actions */

static void admin_req_release(admin_req_t *a) {
  json_decref(a->body);
  json_decref(a->details);
  json_decref(a->reply);
  if (a->secret) OPENSSL_cleanse(a->secret, strlen(a->secret));
  if (a->shown) OPENSSL_cleanse(a->shown, strlen(a->shown));
  free(a->secret);
  free(a->shown);
}

static int run_change(admin_req_t *a, const admin_action_t *act,
                      lotse_err_t *err) {
  int rc = act->prepare ? act->prepare(a, err) : 0;
  if (rc) return rc;
  if ((rc = store_begin(a->st, err))) return rc;
  rc = act->fn(a, err);
  if (!rc) rc = audit_append(a, act, err);
  if (!rc) rc = store_commit(a->st, err);
  if (rc) store_rollback(a->st);
  return rc;
}

static enum MHD_Result run_action(http_req_t *r, const admin_action_t *act) {
  if (server_roles_or_reply(r, act->roles,
                            "Die Verwaltung ist nur für angemeldete "
                            "Beschäftigte zugänglich",
                            act->roles & GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION)
                                ? "Keine Berechtigung: Schulungen verwalten "
                                  "nur Administration und KI-Koordination"
                                : "Keine Berechtigung: diese Änderung darf "
                                  "nur die Administration vornehmen"))
    return r->result;
  admin_req_t a = {.r = r, .st = r->w->st, .status = MHD_HTTP_OK};
  json_error_t je;
  lotse_err_t err = {0};
  int rc = 0;
  a.body = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je) : NULL;
  a.details = json_object();
  a.reply = json_object();
  if (!json_is_object(a.body))
    rc = lotse_err_set(&err, LOTSE_EINVAL,
                       "Erwartet wird ein JSON-Objekt mit den Angaben %s",
                       act->keys);
  else if (!a.details || !a.reply)
    rc = lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = keys_ok(a.body, act->keys, &err);
  if (!rc) rc = run_change(&a, act, &err);
  enum MHD_Result res;
  if (rc) {
    res = reply_err(r, rc, &err);
  } else {
    json_object_set_new(a.reply, "message", json_string(a.message));
    if (a.shown) json_object_set_new(a.reply, "password", json_string(a.shown));
    res = server_reply_json(r, a.status, json_incref(a.reply));
  }
  admin_req_release(&a);
  return res;
}

/* ------------------------------------------------------- GET users */

static const char SQL_USERS[] =
    "SELECT u.name, u.display_name, coalesce(n.name, ''), u.clearance, "
    "coalesce((SELECT json_group_array(name) FROM (SELECT g.name FROM "
    "user_groups ug JOIN groups g ON g.id = ug.group_id WHERE ug.user_id = "
    "u.id ORDER BY g.name)), '[]'), coalesce((SELECT json_group_array(role) "
    "FROM (SELECT role FROM gov_roles WHERE user_id = u.id ORDER BY role)), "
    "'[]'), coalesce((SELECT json_group_array(json_object('id', "
    "training_id, 'completed_at', completed_at, 'expires_at', expires_at)) "
    "FROM (SELECT * FROM user_trainings WHERE user_id = u.id ORDER BY "
    "training_id)), '[]'), u.disabled_at, u.disabled_by, EXISTS (SELECT 1 "
    "FROM user_credentials c WHERE c.user_id = u.id), EXISTS (SELECT 1 FROM "
    "user_totp t WHERE t.user_id = u.id), (SELECT count(*) FROM sessions s "
    "WHERE s.user_id = u.id AND s.expires_at > ?) FROM users u LEFT JOIN "
    "units n ON n.id = u.unit_id ORDER BY u.name";

static json_t *col_json(sqlite3_stmt *s, int i) {
  const char *t = (const char *)sqlite3_column_text(s, i);
  json_t *v = t ? json_loads(t, 0, NULL) : NULL;
  return v ? v : json_array();
}

static json_t *col_opt_int(sqlite3_stmt *s, int i) {
  return sqlite3_column_type(s, i) == SQLITE_NULL
             ? json_null()
             : json_integer((json_int_t)sqlite3_column_int64(s, i));
}

static json_t *clearance_list(unsigned mask) {
  json_t *a = json_array();
  for (int i = 0; a && i < STORE_CLASS_COUNT; i++)
    if (mask & STORE_CLASS_BIT(i))
      json_array_append_new(a, json_string(store_class_name(i)));
  return a;
}

static json_t *user_row(sqlite3_stmt *s) {
  const char *by = (const char *)sqlite3_column_text(s, 8);
  return json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:b, s:b, s:I}",
      "name", server_json_text((const char *)sqlite3_column_text(s, 0)),
      "display", server_json_text((const char *)sqlite3_column_text(s, 1)),
      "unit", server_json_text((const char *)sqlite3_column_text(s, 2)),
      "clearance", clearance_list((unsigned)sqlite3_column_int(s, 3)),
      "groups", col_json(s, 4), "roles", col_json(s, 5), "trainings",
      col_json(s, 6), "active", sqlite3_column_type(s, 7) == SQLITE_NULL,
      "disabled_at", col_opt_int(s, 7), "disabled_by",
      by ? server_json_text(by) : json_null(), "password",
      sqlite3_column_int(s, 9), "totp", sqlite3_column_int(s, 10),
      "sessions", (json_int_t)sqlite3_column_int64(s, 11));
}

static enum MHD_Result list_users(http_req_t *r) {
  if (server_roles_or_reply(r, READERS,
                            "Die Verwaltung ist nur für angemeldete "
                            "Beschäftigte zugänglich",
                            "Keine Berechtigung: die Verwaltung sehen nur "
                            "Administration und KI-Koordination"))
    return r->result;
  sqlite3_stmt *s;
  json_t *users = json_array();
  int rc = sqlite3_prepare_v2(store_db(r->w->st), SQL_USERS, -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, lotse_now_unix());
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      json_t *u = user_row(s);
      if (!u || !users || json_array_append_new(users, u)) {
        rc = SQLITE_NOMEM;
        break;
      }
    }
    sqlite3_finalize(s);
  }
  if (rc != SQLITE_DONE || !users) {
    lotse_log(LOTSE_LOG_ERROR, "server: admin users: %s",
              sqlite3_errmsg(store_db(r->w->st)));
    json_decref(users);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Benutzerliste konnte nicht gelesen werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, json_pack("{s:o}", "users", users));
}

/* ----------------------------------------------------------- dispatch */

static const admin_action_t *find_action(const char *sub) {
  const admin_action_t *tables[] = {admin_user_actions, admin_org_actions};
  for (size_t t = 0; t < 2; t++)
    for (const admin_action_t *a = tables[t]; a->path; a++)
      if (!strcmp(a->path, sub)) return a;
  return NULL;
}

enum MHD_Result route_admin(http_req_t *r) {
  const char *sub = r->path + strlen(PREFIX);
  int post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
  if (!strcmp(sub, "users")) {
    if (post) return server_reply_not_allowed(r, "GET, HEAD");
    return list_users(r);
  }
  const admin_action_t *act = find_action(sub);
  if (!act)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Unbekannter Pfad der Verwaltung; siehe "
                              "docs/api/admin.md");
  if (!post) return server_reply_not_allowed(r, "POST");
  return run_action(r, act);
}
