/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_apps.c — the register of AI applications over HTTP:
 *   GET  /api/apps                   list
 *   GET  /api/apps/{id}              one application (gov_app_show_json)
 *   GET  /api/apps/{id}/history      its history
 *   POST /api/apps                   create (body: the fields with "id")
 *   POST /api/apps/{id}/{action}     update, classify, submit, approve,
 *        reject, document, opinion, resolve, suspend, resume, retire
 *
 * Contract: only named users (development token until login exists) see
 * the register; anonymous callers get 401. Managing an application needs
 * the role KI-Koordination or Administration (documents also Datenschutz
 * and Informationssicherheit); approve/reject/opinion are decided by the
 * registry against the caller's own roles. A missing role is 403 with a
 * German reason; bad input 400, unknown application 404, a second decision
 * 409 — and none of them changes stored data. Spec: server/api/apps.json.
 */
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "/api/apps"

static enum MHD_Result reply_err(http_req_t *r, int rc,
                                 const lotse_err_t *err) {
  unsigned status = rc == LOTSE_EINVAL      ? MHD_HTTP_BAD_REQUEST
                    : rc == LOTSE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                    : rc == LOTSE_EACCESS   ? MHD_HTTP_FORBIDDEN
                    : rc == LOTSE_EEXIST    ? MHD_HTTP_CONFLICT
                                            : MHD_HTTP_INTERNAL_SERVER_ERROR;
  if (status == MHD_HTTP_INTERNAL_SERVER_ERROR) {
    lotse_log(LOTSE_LOG_ERROR, "server: apps: %s", err->msg);
    return server_reply_error(r, status, "Interner Fehler im KI-Register");
  }
  return server_reply_error(r, status, "%s", err->msg);
}

/* The body as a JSON object (an empty body is {}); 400 otherwise. */
static json_t *body_or_reply(http_req_t *r) {
  json_error_t je;
  json_t *j = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je)
                          : json_object();
  if (!json_is_object(j)) {
    json_decref(j);
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Der Inhalt der Anfrage muss ein JSON-Objekt sein");
    return NULL;
  }
  return j;
}

static const char *opt_str(const json_t *b, const char *key) {
  return json_string_value(json_object_get(b, key));
}

/* Whether the caller holds one of the roles in mask; 403 otherwise. */
static int roles_or_reply(http_req_t *r, unsigned mask, const char *what) {
  unsigned have = 0;
  lotse_err_t err = {0};
  int rc = gov_roles_of(r->w->st, r->principal.name, &have, &err);
  if (rc) {
    reply_err(r, rc, &err);
    return -1;
  }
  if (have & mask) return 0;
  server_reply_error(r, MHD_HTTP_FORBIDDEN,
                     "Keine Berechtigung: %s ist der KI-Koordination "
                     "vorbehalten",
                     what);
  return -1;
}

#define MANAGE                                        \
  (GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) |           \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))
#define DOCUMENT                                      \
  (MANAGE | GOV_ROLE_BIT(GOV_ROLE_DATENSCHUTZ) |      \
   GOV_ROLE_BIT(GOV_ROLE_INFORMATIONSSICHERHEIT))

static int opinion(http_req_t *r, const char *id, const json_t *b,
                   lotse_err_t *err) {
  const json_t *recs = json_object_get(b, "recommendations");
  size_t n = json_array_size(recs);
  if (recs && !json_is_array(recs))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'recommendations' muss eine Liste von Texten sein");
  const char **v = calloc(n + 1, sizeof *v);
  if (!v) return LOTSE_ENOMEM;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    if (!(v[i] = json_string_value(json_array_get(recs, i))))
      rc = lotse_err_set(err, LOTSE_EINVAL,
                         "'recommendations' muss eine Liste von Texten sein");
  if (!rc)
    rc = gov_app_opinion(r->w->st, id, r->principal.name, opt_str(b, "text"),
                         v, err);
  free(v);
  return rc;
}

static int update(http_req_t *r, const char *id, json_t *b,
                  lotse_err_t *err) {
  char *comment = lotse_strdup(opt_str(b, "comment"));
  json_object_del(b, "comment");
  int v;
  int rc = gov_app_update(r->w->st, id, b, r->principal.name, comment, &v,
                          err);
  free(comment);
  return rc;
}

/* Run action on application id; mask: roles needed before the registry
 * is asked (0: the registry checks the caller's role itself). */
static int action_run(http_req_t *r, const char *id, const char *action,
                      json_t *b, lotse_err_t *err) {
  store_t *st = r->w->st;
  const char *u = r->principal.name, *c = opt_str(b, "comment");
  if (!strcmp(action, "update")) return update(r, id, b, err);
  if (!strcmp(action, "submit")) return gov_app_submit(st, id, u, c, err);
  if (!strcmp(action, "suspend")) return gov_app_suspend(st, id, u, c, err);
  if (!strcmp(action, "resume")) return gov_app_resume(st, id, u, c, err);
  if (!strcmp(action, "retire")) return gov_app_retire(st, id, u, c, err);
  if (!strcmp(action, "approve"))
    return gov_app_approve(st, id, u, opt_str(b, "role"), c, err);
  if (!strcmp(action, "reject"))
    return gov_app_reject(st, id, u, opt_str(b, "role"), c, err);
  if (!strcmp(action, "document"))
    return gov_app_document_add(st, id, opt_str(b, "kind"),
                                opt_str(b, "reference"), u, err);
  if (!strcmp(action, "opinion")) return opinion(r, id, b, err);
  if (!strcmp(action, "resolve")) {
    const json_t *nr = json_object_get(b, "nr");
    if (!json_is_integer(nr) || json_integer_value(nr) < 1 ||
        json_integer_value(nr) > 1000000)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "'nr' muss die Nummer der Empfehlung sein");
    return gov_app_recommendation_done(st, id, (int)json_integer_value(nr), u,
                                       c, err);
  }
  if (!strcmp(action, "classify")) {
    gov_questionnaire_t *q = NULL;
    char *path = gov_questionnaire_default_path();
    int rc = gov_questionnaire_load(path, &q, err);
    free(path);
    if (!rc)
      rc = gov_app_classify(st, q, id, json_object_get(b, "answers"), u, err);
    gov_questionnaire_free(q);
    return rc;
  }
  return LOTSE_ENOTFOUND;
}

static unsigned action_roles(const char *action) {
  if (!strcmp(action, "approve") || !strcmp(action, "reject") ||
      !strcmp(action, "opinion"))
    return 0;
  return !strcmp(action, "document") ? DOCUMENT : MANAGE;
}

static enum MHD_Result post(http_req_t *r, const char *id,
                            const char *action) {
  if (!id && !action && roles_or_reply(r, MANAGE, "das Anlegen")) return r->result;
  if (action && action_roles(action) &&
      roles_or_reply(r, action_roles(action), "dieser Schritt"))
    return r->result;
  json_t *b = body_or_reply(r);
  if (!b) return r->result;
  lotse_err_t err = {0};
  int rc = !action ? gov_app_create(r->w->st, b, r->principal.name, &err)
                   : action_run(r, id, action, b, &err);
  const char *slug = action ? id : opt_str(b, "id");
  char *keep = lotse_strdup(slug ? slug : "");
  json_decref(b);
  if (rc == LOTSE_ENOTFOUND && !err.msg[0]) {
    free(keep);
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Unbekannter Schritt '%s'", action);
  }
  if (rc) {
    free(keep);
    return reply_err(r, rc, &err);
  }
  json_t *out = NULL;
  rc = gov_app_show_json(r->w->st, keep, lotse_now_unix(), &out, &err);
  free(keep);
  if (rc) return reply_err(r, rc, &err);
  return server_reply_json(r, action ? MHD_HTTP_OK : MHD_HTTP_CREATED, out);
}

static enum MHD_Result get(http_req_t *r, const char *id, const char *action) {
  lotse_err_t err = {0};
  json_t *out = NULL;
  int rc;
  if (!id)
    rc = gov_app_list_json(r->w->st, &out, &err);
  else if (!action)
    rc = gov_app_show_json(r->w->st, id, lotse_now_unix(), &out, &err);
  else if (!strcmp(action, "history"))
    rc = gov_app_history_json(r->w->st, id, &out, &err);
  else
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Unbekannter Pfad");
  if (rc) return reply_err(r, rc, &err);
  if (!id) out = json_pack("{so}", "apps", out);
  return server_reply_json(r, MHD_HTTP_OK, out);
}

/* Split "/api/apps[/ID[/ACTION]]" into id and action (in buf); -1 when the
 * path has another shape. */
static int split(const char *path, char *buf, size_t n, char **id,
                 char **action) {
  *id = *action = NULL;
  const char *rest = path + strlen(PREFIX);
  if (!*rest) return 0;
  if (*rest != '/' || strlen(rest + 1) >= n) return -1;
  strcpy(buf, rest + 1);
  char *slash = strchr(buf, '/');
  if (slash) {
    *slash = '\0';
    *action = slash + 1;
    if (!**action || strchr(*action, '/')) return -1;
  }
  *id = buf;
  return **id ? 0 : -1;
}

enum MHD_Result route_apps(http_req_t *r) {
  char buf[160], *id, *action;
  if (split(r->path, buf, sizeof buf, &id, &action))
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Unbekannter Pfad");
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Das KI-Register ist nur für angemeldete Beschäftigte zugänglich");
  if (!strcmp(r->method, MHD_HTTP_METHOD_POST)) {
    if (id && !action)
      return server_reply_not_allowed(r, "GET, HEAD");
    return post(r, id, action);
  }
  if (action && strcmp(action, "history") != 0)
    return server_reply_not_allowed(r, "POST");
  return get(r, id, action);
}
