/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_drafts.c — AI drafts and their sign-off over HTTP:
 *   GET  /api/drafts                  the caller's drafts (?status=, ?app=;
 *                                     governance roles: all, ?user=)
 *   GET  /api/drafts/{id}             one draft (label, text, sources,
 *                                     notice, sign-off)
 *   POST /api/drafts/{id}/signoff     sign off as the caller; body
 *                                     {"final_text": "…"} (optional)
 *   GET  /api/drafts/{id}/export      the final document (JSON); 409 until
 *                                     signed off
 *
 * Contract: only named users; a draft is visible to its author and to
 * holders of the roles KI-Koordination, Auditor and Administration; any
 * other draft answers exactly like a missing one (404). The reviewer is the
 * authenticated caller, never a name from the body. Sign-off and export are
 * audited (gov_review_audit). Bad input changes nothing.
 * Spec: server/api/drafts.json.
 */
#include "gov/registry.h"
#include "gov/review.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "/api/drafts"
#define NOT_FOUND_MSG "Entwurf nicht gefunden"
#define OVERSEE                                                           \
  (GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))

static enum MHD_Result reply_err(http_req_t *r, int rc,
                                 const lotse_err_t *err) {
  unsigned status = rc == LOTSE_EINVAL      ? MHD_HTTP_BAD_REQUEST
                    : rc == LOTSE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                    : rc == LOTSE_EACCESS   ? MHD_HTTP_CONFLICT
                    : rc == LOTSE_EEXIST    ? MHD_HTTP_CONFLICT
                                            : MHD_HTTP_INTERNAL_SERVER_ERROR;
  if (status == MHD_HTTP_INTERNAL_SERVER_ERROR) {
    lotse_log(LOTSE_LOG_ERROR, "server: drafts: %s", err->msg);
    return server_reply_error(r, status, "Interner Fehler bei den Entwürfen");
  }
  return server_reply_error(r, status, "%s", err->msg);
}

static int oversees(http_req_t *r) {
  unsigned have = 0;
  lotse_err_t err = {0};
  return !gov_roles_of(r->w->st, r->principal.name, &have, &err) &&
         (have & OVERSEE);
}

/* Draft id as JSON when the caller may see it; 404 (same as missing) or
 * another error reply otherwise. */
static json_t *draft_or_reply(http_req_t *r, int64_t id) {
  json_t *d = NULL;
  lotse_err_t err = {0};
  int rc = gov_review_draft_json(r->w->st, id, &d, &err);
  if (rc == LOTSE_ENOTFOUND ||
      (!rc && strcmp(json_string_value(json_object_get(d, "user")),
                     r->principal.name) && !oversees(r))) {
    json_decref(d);
    server_reply_error(r, MHD_HTTP_NOT_FOUND, NOT_FOUND_MSG);
    return NULL;
  }
  if (rc) {
    reply_err(r, rc, &err);
    return NULL;
  }
  return d;
}

static const char *query(http_req_t *r, const char *key) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result list(http_req_t *r) {
  gov_draft_filter_t f = {.user = r->principal.name,
                          .app = query(r, "app"),
                          .status = query(r, "status")};
  if (oversees(r)) f.user = query(r, "user");
  const char *lim = query(r, "limit");
  if (lim) {
    f.limit = atoi(lim);
    if (f.limit <= 0 || f.limit > 1000)
      return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                                "limit muss zwischen 1 und 1000 liegen");
  }
  json_t *out;
  lotse_err_t err = {0};
  int rc = gov_review_list_json(r->w->st, &f, &out, &err);
  if (rc) return reply_err(r, rc, &err);
  return server_reply_json(r, MHD_HTTP_OK, json_pack("{so}", "drafts", out));
}

/* Audit action on draft id by the caller; 500 when the trail fails. */
static int audit_or_reply(http_req_t *r, int64_t id, const char *action) {
  char *ws = server_workspace_dir(r->srv->o.db_path);
  lotse_err_t err = {0};
  int rc = ws ? gov_review_audit(r->w->st, ws, id, action, r->principal.name,
                                 &err)
              : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  free(ws);
  if (rc) reply_err(r, LOTSE_EINTERNAL, &err);
  return rc ? -1 : 0;
}

static enum MHD_Result signoff(http_req_t *r, int64_t id) {
  json_t *d = draft_or_reply(r, id);
  if (!d) return r->result;
  json_decref(d);
  json_error_t je;
  json_t *b = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &je)
                          : json_object();
  json_t *ft = json_object_get(b, "final_text");
  if (!json_is_object(b) || (ft && !json_is_string(ft))) {
    json_decref(b);
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Erwartet wird ein JSON-Objekt mit dem "
                              "optionalen Text \"final_text\"");
  }
  lotse_err_t err = {0};
  int rc = gov_review_signoff(r->w->st, id, r->principal.name,
                              json_string_value(ft), &err);
  json_decref(b);
  if (rc) return reply_err(r, rc, &err);
  if (audit_or_reply(r, id, "sign_off")) return r->result;
  if ((rc = gov_review_draft_json(r->w->st, id, &d, &err)))
    return reply_err(r, rc, &err);
  return server_reply_json(r, MHD_HTTP_OK, d);
}

static enum MHD_Result export_final(http_req_t *r, int64_t id) {
  json_t *d = draft_or_reply(r, id);
  if (!d) return r->result;
  json_decref(d);
  char *out = NULL;
  lotse_err_t err = {0};
  int rc = gov_review_export(r->w->st, id, 1, &out, &err);
  if (rc) return reply_err(r, rc, &err);
  if (audit_or_reply(r, id, "export")) {
    free(out);
    return r->result;
  }
  d = json_loads(out, 0, NULL);
  free(out);
  if (!d) return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                    "Interner Fehler bei den Entwürfen");
  return server_reply_json(r, MHD_HTTP_OK, d);
}

/* "/api/drafts[/ID[/ACTION]]": id (0 when absent) and action; -1 when the
 * path has another shape. */
static int split(const char *path, int64_t *id, const char **action) {
  *id = 0;
  *action = NULL;
  const char *p = path + strlen(PREFIX);
  if (!*p) return 0;
  if (*p++ != '/') return -1;
  int64_t v = 0;
  int digits = 0;
  for (; *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
    v = v * 10 + (*p - '0');
  if (!digits || v <= 0) return -1;
  *id = v;
  if (!*p) return 0;
  if (*p++ != '/' || !*p || strchr(p, '/')) return -1;
  *action = p;
  return 0;
}

enum MHD_Result route_drafts(http_req_t *r) {
  int64_t id;
  const char *action;
  if (split(r->path, &id, &action) ||
      (action && strcmp(action, "signoff") && strcmp(action, "export")))
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Unbekannter Pfad");
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Entwürfe sind nur für angemeldete Beschäftigte zugänglich");
  int post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
  int wants_post = action && !strcmp(action, "signoff");
  if (post != wants_post)
    return server_reply_not_allowed(r, wants_post ? "POST" : "GET, HEAD");
  if (!id) return list(r);
  if (!action) {
    json_t *d = draft_or_reply(r, id);
    return d ? server_reply_json(r, MHD_HTTP_OK, d) : r->result;
  }
  return wants_post ? signoff(r, id) : export_final(r, id);
}
