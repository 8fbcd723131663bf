/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_easy_versions.c — easy-language versions of a Bescheid for
 * staff (apps/easy_version.h):
 *   GET  /api/easy/versions               the versions the caller may see
 *   POST /api/easy/versions               create {bescheid_ref, text?,
 *                                         doc_id?, draft_id?, data_class?}
 *   GET  /api/easy/versions/{id}          one version with its revisions,
 *                                         history and the caller's next steps
 *   POST /api/easy/versions/{id}/edit     {text}: a new revision (entwurf)
 *   POST /api/easy/versions/{id}/review   {state?: geprueft|pruefgruppe,
 *                                         note?}
 *   POST /api/easy/versions/{id}/publish  {override?}
 *   POST /api/easy/versions/{id}/withdraw {reason}
 *
 * Contract: named users only (anonymous 401; session callers need the
 * CSRF header on POST, checked by server/auth.c before this runs). The
 * acting user is always the authenticated caller. A version outside the
 * caller's clearance answers like an unknown one (404). Errors: 400 bad
 * input, 403 four-eyes rule, 404 unknown, 409 step not allowed in the
 * current state (or findings without override); nothing is stored then.
 * Replies carry "url" (public_url of lotse.conf + /leicht/ID) when the
 * workspace configures one, else null; "path" always. The public page
 * itself is server/route_leicht.c. Spec: server/api/easy-versions.json.
 */
#include "server/server_internal.h"

#include "apps/easy_version.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "/api/easy/versions"

static enum MHD_Result reply_err(http_req_t *r, int rc,
                                 const lotse_err_t *err) {
  unsigned status = rc == LOTSE_EINVAL      ? MHD_HTTP_BAD_REQUEST
                    : rc == LOTSE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                    : rc == LOTSE_EACCESS   ? MHD_HTTP_CONFLICT
                    : rc == LOTSE_EREFUSED  ? MHD_HTTP_FORBIDDEN
                                            : MHD_HTTP_INTERNAL_SERVER_ERROR;
  if (status == MHD_HTTP_INTERNAL_SERVER_ERROR) {
    lotse_log(LOTSE_LOG_ERROR, "server: easy versions: %s", err->msg);
    return server_reply_error(r, status,
                              "Interner Fehler bei den Fassungen in Leichter "
                              "Sprache; nichts wurde geändert");
  }
  return server_reply_error(r, status, "%s", err->msg);
}

/* The public address of id from [server] public_url, or NULL. */
static char *public_url(http_req_t *r, const char *id) {
  char *ws = server_workspace_dir(r->srv->o.db_path);
  lotse_buf_t p;
  lotse_buf_init(&p, 8192);
  lotse_buf_printf(&p, "%s/lotse.conf", ws ? ws : ".");
  free(ws);
  lotse_conf_t *conf = NULL;
  lotse_err_t err = {0};
  char *url = NULL;
  if (p.data && !lotse_conf_load(p.data, &conf, &err)) {
    const char *base = lotse_conf_get(conf, "server.public_url", NULL);
    if (base && *base && easy_qr_permalink(base, id, &url, &err)) url = NULL;
  }
  lotse_conf_free(conf);
  lotse_buf_release(&p);
  return url;
}

static enum MHD_Result reply_version(http_req_t *r, unsigned status,
                                     const char *id) {
  json_t *v = NULL;
  lotse_err_t err = {0};
  int rc = easy_version_json(r->w->st, &r->principal, id, &v, &err);
  if (rc) return reply_err(r, rc, &err);
  char *url = public_url(r, id);
  json_object_set_new(v, "url", url ? json_string(url) : json_null());
  free(url);
  return server_reply_json(r, status, v);
}

/* ------------------------------------------------------------ bodies */

/* The body as an object whose keys are all in keys (space separated);
 * NULL after a 400 reply. */
static json_t *body_or_reply(http_req_t *r, const char *keys) {
  json_error_t je;
  json_t *b = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je)
                          : NULL;
  if (!json_is_object(b)) {
    json_decref(b);
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Anfragekörper muss ein JSON-Objekt sein");
    return NULL;
  }
  const char *k;
  json_t *v;
  json_object_foreach(b, k, v) {
    size_t n = strlen(k);
    const char *p = keys;
    int found = 0;
    while (!found && n && (p = strstr(p, k)) != NULL) {
      found = (p == keys || p[-1] == ' ') && (p[n] == ' ' || !p[n]);
      p += n;
    }
    if (!found) {
      server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                         "unbekannte Angabe '%s' (erlaubt: %s)", k, keys);
      json_decref(b);
      return NULL;
    }
  }
  return b;
}

/* Optional string field: *out NULL when absent or null; 400 otherwise. */
static int str_or_reply(http_req_t *r, json_t *b, const char *key,
                        const char **out) {
  json_t *v = json_object_get(b, key);
  *out = NULL;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v) || strlen(json_string_value(v)) !=
                                json_string_length(v)) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Feld '%s' muss ein Text (ohne NUL-Zeichen) sein",
                       key);
    return -1;
  }
  *out = json_string_value(v);
  return 0;
}

/* Optional positive integer field (0 when absent or null). */
static int id_or_reply(http_req_t *r, json_t *b, const char *key,
                       int64_t *out) {
  json_t *v = json_object_get(b, key);
  *out = 0;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 1) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Feld '%s' muss eine Nummer ab 1 sein", key);
    return -1;
  }
  *out = json_integer_value(v);
  return 0;
}

/* ------------------------------------------------------------ handlers */

static enum MHD_Result create(http_req_t *r) {
  json_t *b = body_or_reply(r, "bescheid_ref text doc_id draft_id data_class");
  if (!b) return r->result;
  easy_version_new_t in = {.data_class = -1};
  const char *cls = NULL;
  if (str_or_reply(r, b, "bescheid_ref", &in.bescheid_ref) ||
      str_or_reply(r, b, "text", &in.text) ||
      str_or_reply(r, b, "data_class", &cls) ||
      id_or_reply(r, b, "doc_id", &in.doc_id) ||
      id_or_reply(r, b, "draft_id", &in.draft_id)) {
    json_decref(b);
    return r->result;
  }
  if (cls && (in.data_class = store_class_parse(cls)) < 0) {
    json_decref(b);
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Feld 'data_class': unbekannte Datenklasse");
  }
  if (!in.text && !in.draft_id) {
    json_decref(b);
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Feld 'text' oder 'draft_id' fehlt");
  }
  char *ws = server_workspace_dir(r->srv->o.db_path);
  easy_version_ctx_t c = {.st = r->w->st, .workspace = ws,
                          .who = &r->principal};
  char id[EASY_VERSION_ID_LEN + 1];
  lotse_err_t err = {0};
  int rc = ws ? easy_version_create(&c, &in, id, &err)
              : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  free(ws);
  json_decref(b);
  if (rc) return reply_err(r, rc, &err);
  return reply_version(r, MHD_HTTP_CREATED, id);
}

static int review_state_or_reply(http_req_t *r, const char *s,
                                 easy_review_t *to) {
  *to = EASY_REVIEW_CHECKED;
  if (!s) return 0;
  if (easy_review_parse(s, to) ||
      (*to != EASY_REVIEW_CHECKED && *to != EASY_REVIEW_TESTED)) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Feld 'state' muss 'geprueft' oder 'pruefgruppe' "
                       "sein");
    return -1;
  }
  return 0;
}

static const char *const ACTION_KEYS[][2] = {
    {"edit", "text"},
    {"review", "state note"},
    {"publish", "override"},
    {"withdraw", "reason"}};

static int apply(http_req_t *r, const easy_version_ctx_t *c, const char *id,
                 const char *action, json_t *b, lotse_err_t *err) {
  const char *s1 = NULL, *s2 = NULL;
  if (!strcmp(action, "edit")) {
    if (str_or_reply(r, b, "text", &s1)) return 1;
    return easy_version_edit(c, id, s1, NULL, err);
  }
  if (!strcmp(action, "review")) {
    easy_review_t to;
    if (str_or_reply(r, b, "state", &s1) || str_or_reply(r, b, "note", &s2) ||
        review_state_or_reply(r, s1, &to))
      return 1;
    return easy_version_review(c, id, to, s2, err);
  }
  if (!strcmp(action, "publish")) {
    if (str_or_reply(r, b, "override", &s1)) return 1;
    return easy_version_publish(c, id, s1, NULL, err);
  }
  if (str_or_reply(r, b, "reason", &s1)) return 1;
  return easy_version_withdraw(c, id, s1, err);
}

static enum MHD_Result change(http_req_t *r, const char *id,
                              const char *action) {
  const char *keys = NULL;
  for (size_t i = 0; i < sizeof ACTION_KEYS / sizeof ACTION_KEYS[0]; i++)
    if (!strcmp(action, ACTION_KEYS[i][0])) keys = ACTION_KEYS[i][1];
  json_t *b = body_or_reply(r, keys);
  if (!b) return r->result;
  char *ws = server_workspace_dir(r->srv->o.db_path);
  easy_version_ctx_t c = {.st = r->w->st, .workspace = ws,
                          .who = &r->principal};
  lotse_err_t err = {0};
  int rc = ws ? apply(r, &c, id, action, b, &err)
              : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  free(ws);
  json_decref(b);
  if (rc == 1) return r->result; /* a 400 was sent */
  if (rc) return reply_err(r, rc, &err);
  return reply_version(r, MHD_HTTP_OK, id);
}

static enum MHD_Result list(http_req_t *r) {
  json_t *l = NULL;
  lotse_err_t err = {0};
  int rc = easy_version_list_json(r->w->st, &r->principal, 0, &l, &err);
  if (rc) return reply_err(r, rc, &err);
  return server_reply_json(r, MHD_HTTP_OK, json_pack("{so}", "versions", l));
}

/* "/api/easy/versions[/ID[/ACTION]]" into id (may stay "") and action
 * (NULL when absent); -1 for another shape. */
static int split(const char *path, char id[EASY_VERSION_ID_LEN + 1],
                 const char **action) {
  const char *p = path + strlen(PREFIX);
  id[0] = '\0';
  *action = NULL;
  if (!*p) return 0;
  if (*p++ != '/') return -1;
  const char *slash = strchr(p, '/');
  size_t n = slash ? (size_t)(slash - p) : strlen(p);
  if (n != EASY_VERSION_ID_LEN) return -1;
  memcpy(id, p, n);
  id[n] = '\0';
  if (!easy_version_id_ok(id)) return -1;
  if (!slash) return 0;
  *action = slash + 1;
  for (size_t i = 0; i < sizeof ACTION_KEYS / sizeof ACTION_KEYS[0]; i++)
    if (!strcmp(*action, ACTION_KEYS[i][0])) return 0;
  return -1;
}

enum MHD_Result route_easy_versions(http_req_t *r) {
  char id[EASY_VERSION_ID_LEN + 1];
  const char *action;
  if (split(r->path, id, &action))
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Fassung nicht gefunden");
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Fassungen in Leichter Sprache sind nur für angemeldete "
           "Beschäftigte zugänglich");
  int post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
  int wants_post = action || !id[0];
  if (post && !wants_post)
    return server_reply_not_allowed(r, "GET, HEAD");
  if (!post && action) return server_reply_not_allowed(r, "POST");
  if (!id[0]) return post ? create(r) : list(r);
  if (!action) return reply_version(r, MHD_HTTP_OK, id);
  return change(r, id, action);
}
