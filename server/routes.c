/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/routes.c — the route table: which handler answers which path and
 * method, and what it needs before it runs.
 *
 * Contract: an unknown path is 404 and a known path with another method is
 * 405 with an Allow header, both before any database work. A route that
 * needs a principal gets one (server/auth.c) before its handler runs.
 * See also: the specs in server/api/ (one per route) and docs/api/.
 */
#include "server/server_internal.h"

#include <string.h>

typedef enum MHD_Result (*route_fn)(http_req_t *r);

typedef struct route {
  const char *path;  /* exact path, or prefix when prefix is set */
  int prefix;
  route_id_t id;
  const char *name;  /* metrics label */
  route_fn fn;
  int needs_store;
  int needs_principal;
  const char *allow; /* methods; GET implies HEAD (MHD sends no body) */
} route_t;

#define ROUTE_ALLOW "GET, HEAD"
#define ROUTE_POST "POST"
#define ROUTE_GET_POST "GET, HEAD, POST"

static const route_t ROUTES[] = {
    {"/api/search", 0, ROUTE_ID_SEARCH, "search", route_search, 1, 1,
     ROUTE_ALLOW},
    {"/api/documents/", 1, ROUTE_ID_DOCUMENTS, "documents", route_documents,
     1, 1, ROUTE_ALLOW},
    {"/healthz", 0, ROUTE_ID_HEALTHZ, "healthz", route_health, 0, 0,
     ROUTE_ALLOW},
    {"/api/login", 0, ROUTE_ID_LOGIN, "login", route_login, 1, 0,
     ROUTE_POST},
    {"/api/logout", 0, ROUTE_ID_LOGOUT, "logout", route_logout, 1, 1,
     ROUTE_POST},
    {"/api/session", 0, ROUTE_ID_SESSION, "session", route_session, 1, 1,
     ROUTE_ALLOW},
    {"/auth/oidc/", 1, ROUTE_ID_OIDC, "oidc", route_oidc, 1, 0,
     ROUTE_ALLOW},
    {"/metrics", 0, ROUTE_ID_METRICS, "metrics", route_metrics, 1, 0,
     ROUTE_ALLOW},
    {"/api/ask", 0, ROUTE_ID_ASK, "ask", route_ask, 1, 1, ROUTE_POST},
    {"/v1/chat/completions", 0, ROUTE_ID_V1_CHAT, "v1_chat_completions",
     route_v1_chat, 1, 1, ROUTE_POST},
    {"/v1/completions", 0, ROUTE_ID_V1_COMPLETIONS, "v1_completions",
     route_v1_completions, 1, 1, ROUTE_POST},
    {"/v1/embeddings", 0, ROUTE_ID_V1_EMBEDDINGS, "v1_embeddings",
     route_v1_embeddings, 1, 1, ROUTE_POST},
    {"/v1/models", 0, ROUTE_ID_V1_MODELS, "v1_models", route_v1_models, 1, 1,
     ROUTE_ALLOW},
    {"/api/apps", 1, ROUTE_ID_APPS, "apps", route_apps, 1, 1, ROUTE_GET_POST},
    {"/api/kpi", 0, ROUTE_ID_KPI, "kpi", route_kpi, 1, 1, ROUTE_ALLOW},
    {"/api/drafts", 1, ROUTE_ID_DRAFTS, "drafts", route_drafts, 1, 1,
     ROUTE_GET_POST},
    {"/", 0, ROUTE_ID_WEB, "web", route_index, 0, 0, ROUTE_ALLOW},
    {"/web/", 1, ROUTE_ID_WEB, "web", route_static, 0, 0, ROUTE_ALLOW},
    {"/api/audit", 0, ROUTE_ID_AUDIT, "audit", route_audit, 1, 1,
     ROUTE_ALLOW},
    {"/api/portfolio", 0, ROUTE_ID_PORTFOLIO, "portfolio", route_portfolio, 1,
     1, ROUTE_ALLOW},
    {"/api/upload", 0, ROUTE_ID_UPLOAD, "upload", route_upload, 1, 1,
     ROUTE_POST},
    {"/api/questionnaire", 0, ROUTE_ID_QUESTIONNAIRE, "questionnaire",
     route_questionnaire, 1, 1, ROUTE_ALLOW},
    {"/api/directory", 0, ROUTE_ID_DIRECTORY, "directory", route_directory, 1,
     1, ROUTE_ALLOW},
    {"/api/security/alerts", 1, ROUTE_ID_SECURITY, "security_alerts",
     route_security, 1, 1, ROUTE_GET_POST},
    {"/api/admin/", 1, ROUTE_ID_ADMIN, "admin", route_admin, 1, 1,
     ROUTE_GET_POST},
    {"/api/write/check", 0, ROUTE_ID_WRITE, "write_check", route_write, 1, 1,
     ROUTE_POST},
    {"/api/write", 0, ROUTE_ID_WRITE_DRAFT, "write_draft", route_write_draft,
     1, 1, ROUTE_POST},
    {"/api/easy/check", 0, ROUTE_ID_EASY_CHECK, "easy_check",
     route_easy_check, 1, 1, ROUTE_POST},
    {"/api/easy/qr", 0, ROUTE_ID_EASY_QR, "easy_qr", route_easy_qr, 1, 1,
     ROUTE_ALLOW},
    {"/api/easy/simplify", 0, ROUTE_ID_EASY_SIMPLIFY, "easy_simplify",
     route_easy_simplify, 1, 1, ROUTE_POST},
    {"/api/easy/versions", 1, ROUTE_ID_EASY_VERSIONS, "easy_versions",
     route_easy_versions, 1, 1, ROUTE_GET_POST},
    {"/leicht/", 1, ROUTE_ID_LEICHT, "leicht", route_leicht, 1, 0,
     ROUTE_ALLOW},
    {"/api/minutes", 1, ROUTE_ID_MINUTES, "minutes", route_minutes, 1, 1,
     ROUTE_GET_POST},
    {"/api/write/templates", 0, ROUTE_ID_WRITE_TEMPLATES, "write_templates",
     route_write_templates, 1, 1, ROUTE_ALLOW},
};
#define NROUTES (sizeof ROUTES / sizeof ROUTES[0])

static const route_t *route_find(const char *path) {
  for (size_t i = 0; i < NROUTES; i++) {
    const route_t *rt = &ROUTES[i];
    size_t n = strlen(rt->path);
    if (rt->prefix ? strncmp(path, rt->path, n) == 0
                   : strcmp(path, rt->path) == 0)
      return rt;
  }
  return NULL;
}

route_id_t server_route_classify(const char *path) {
  const route_t *rt = path ? route_find(path) : NULL;
  return rt ? rt->id : ROUTE_ID_OTHER;
}

const char *server_route_name(route_id_t id) {
  for (size_t i = 0; i < NROUTES; i++)
    if (ROUTES[i].id == id) return ROUTES[i].name;
  return "other";
}

int server_route_takes_body(route_id_t id) {
  for (size_t i = 0; i < NROUTES; i++)
    if (ROUTES[i].id == id) return strstr(ROUTES[i].allow, ROUTE_POST) != NULL;
  return 0;
}

size_t server_route_body_max(const server_t *s, route_id_t id) {
  size_t max = s->o.max_request_bytes;
  if (id == ROUTE_ID_UPLOAD && max < SERVER_UPLOAD_MAX)
    return SERVER_UPLOAD_MAX;
  return max;
}

static int method_allowed(const route_t *rt, const char *m) {
  if (strcmp(m, MHD_HTTP_METHOD_POST) == 0)
    return strstr(rt->allow, ROUTE_POST) != NULL;
  if (strcmp(rt->allow, ROUTE_POST) == 0) return 0;
  return strcmp(m, MHD_HTTP_METHOD_GET) == 0 ||
         strcmp(m, MHD_HTTP_METHOD_HEAD) == 0;
}

enum MHD_Result server_route_dispatch(http_req_t *r) {
  if (r->v1) return server_v1_resume(r); /* woken by the model's answer */
  const route_t *rt = route_find(r->path);
  if (!rt)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Unbekannter Pfad; siehe /api/search, "
                              "/api/documents/{id}, /healthz, /metrics, "
                              "/v1/models");
  if (!method_allowed(rt, r->method))
    return server_reply_not_allowed(r, rt->allow);
  if (rt->needs_store && server_worker_get_or_reply(r)) return r->result;
  if (rt->needs_principal && server_auth_principal_or_reply(r))
    return r->result;
  return rt->fn(r);
}
