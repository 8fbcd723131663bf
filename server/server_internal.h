/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/server_internal.h — what the files of the HTTP interface share:
 * the server and request structs, reply helpers, the route table, the
 * per-thread store, authentication and the metrics registry.
 *
 * Contract: a handler (route_*) queues exactly one reply through the
 * server_reply_* helpers and returns their result. Helpers named *_or_reply
 * return 0 on success; on failure they have already queued the error reply
 * (its MHD result is in r->result) and return -1, and the caller just
 * returns r->result.
 * Invariants: (1) every reply carries the security headers and is counted
 * in the metrics; (2) every error body is {"error": {code, message, type}}
 * with a German message.
 */
#ifndef LOTSE_SERVER_INTERNAL_H
#define LOTSE_SERVER_INTERNAL_H

#include "search/search.h"
#include "server/server.h"
#include "server/session.h"
#include "store/store.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

/* Longest request target (path and query) answered normally; longer is
 * 414. Lowered to max_request_bytes when that is smaller. */
#define SERVER_URL_MAX 8192
/* A body within this many times max_request_bytes is read and dropped
 * before the 413 is sent, so the client sees the reply instead of a reset
 * connection; a larger one is refused at once and the connection closed. */
#define SERVER_DISCARD_FACTOR 8
/* POST /api/upload takes a file of up to this many bytes (or
 * max_request_bytes when that is larger); see server_route_body_max. */
#define SERVER_UPLOAD_MAX (16u << 20)

/* Route labels; they are the values of the metrics' route label. */
typedef enum {
  ROUTE_ID_SEARCH,
  ROUTE_ID_DOCUMENTS,
  ROUTE_ID_ASK,
  ROUTE_ID_HEALTHZ,
  ROUTE_ID_METRICS,
  ROUTE_ID_V1_CHAT,
  ROUTE_ID_V1_COMPLETIONS,
  ROUTE_ID_V1_EMBEDDINGS,
  ROUTE_ID_V1_MODELS,
  ROUTE_ID_APPS,
  ROUTE_ID_KPI,
  ROUTE_ID_DRAFTS,
  ROUTE_ID_WEB,   /* route_static.c: / and /web/… */
  ROUTE_ID_AUDIT, /* route_audit.c */
  ROUTE_ID_PORTFOLIO,
  ROUTE_ID_UPLOAD, /* route_upload.c */
  ROUTE_ID_QUESTIONNAIRE,
  ROUTE_ID_DIRECTORY,
  ROUTE_ID_LOGIN,   /* route_login.c: /api/login */
  ROUTE_ID_LOGOUT,  /* route_login.c: /api/logout */
  ROUTE_ID_SESSION, /* route_login.c: /api/session */
  ROUTE_ID_OIDC,    /* oidc.c: /auth/oidc/login and /callback */
  ROUTE_ID_SECURITY, /* route_security.c: /api/security/alerts… */
  ROUTE_ID_ADMIN,   /* route_admin*.c: /api/admin/… */
  ROUTE_ID_WRITE,   /* route_write.c: /api/write/check */
  ROUTE_ID_WRITE_DRAFT, /* route_write.c: /api/write */
  ROUTE_ID_EASY_CHECK, /* route_easy.c: /api/easy/check */
  ROUTE_ID_EASY_QR,    /* route_easy.c: /api/easy/qr */
  ROUTE_ID_EASY_SIMPLIFY, /* route_easy_simplify.c: /api/easy/simplify */
  ROUTE_ID_EASY_VERSIONS, /* route_easy_versions.c: /api/easy/versions… */
  ROUTE_ID_LEICHT,        /* route_leicht.c: /leicht/ID (public) */
  ROUTE_ID_MINUTES,       /* route_minutes.c: /api/minutes… */
  ROUTE_ID_WRITE_TEMPLATES, /* route_write_templates.c: /api/write/templates */
  ROUTE_ID_OTHER, /* unknown paths, so the label set stays fixed */
  ROUTE_ID_COUNT
} route_id_t;

/* ------------------------------------------------------------ metrics */

#define METRICS_NBUCKETS 13
#define METRICS_NSTATUS 10 /* the status codes we send, plus "other" */

typedef struct server_metrics {
  pthread_mutex_t lock;
  uint64_t requests[ROUTE_ID_COUNT][METRICS_NSTATUS];
  uint64_t buckets[ROUTE_ID_COUNT][METRICS_NBUCKETS]; /* cumulative le */
  uint64_t count[ROUTE_ID_COUNT];
  double sum[ROUTE_ID_COUNT];
  /* language model (/v1): finished generations, those cancelled, tokens */
  uint64_t llm_generations, llm_cancelled, llm_prompt_tokens,
      llm_completion_tokens, llm_embeddings;
} server_metrics_t;

/* ------------------------------------------------------------- server */

/* One per worker thread: its own SQLite connection and searcher. */
typedef struct server_worker {
  store_t *st;
  search_t *search;
} server_worker_t;

struct server {
  struct MHD_Daemon *daemon;
  server_opts_t o;   /* strings point into db_path and bind below */
  char *db_path;
  char *bind;
  int port;
  size_t url_max;
  pthread_key_t key; /* -> server_worker_t of the calling thread */
  int key_ok;
  pthread_mutex_t wlock; /* guards workers */
  int wlock_ok;
  server_worker_t **workers; /* owned; freed after the daemon stopped */
  size_t nworkers, capworkers;
  server_metrics_t metrics;
  int metrics_ok;
  struct v1_state *v1; /* the /v1 job queue (route_v1.c); NULL without llm */
};

/* One HTTP request; created by the URI callback, freed when MHD reports
 * the request completed. */
typedef struct http_req {
  server_t *srv;
  struct MHD_Connection *conn;
  const char *method; /* owned by MHD */
  const char *path;   /* decoded path without query, owned by MHD */
  route_id_t route;
  size_t uri_len;     /* raw request target as received */
  size_t head_bytes;  /* request target + header lines */
  size_t body_bytes;  /* body bytes seen (and dropped) */
  int started;        /* the access handler has seen this request */
  int too_large;      /* body over the limit: reply 413 at the end */
  int replied;
  enum MHD_Result result; /* of the queued reply */
  double t0;
  server_worker_t *w;  /* set by server_worker_get_or_reply */
  store_principal_t principal; /* set by server_auth_principal_or_reply */
  int has_session;     /* the principal came from a session cookie */
  session_t session;   /* that session (auth.c) */
  lotse_buf_t body;    /* request body of routes that take one (max set on
                          first use, released in on_completed) */
  struct v1_job *v1;   /* a /v1 request waiting for the model (route_v1.c) */
} http_req_t;

/* ------------------------------------------------------------- reply.c */

/* Queue body (JSON, takes the reference) with status. */
enum MHD_Result server_reply_json(http_req_t *r, unsigned status,
                                  json_t *body);
/* Queue body (malloc'ed, ownership passes to MHD) with a content type. */
enum MHD_Result server_reply_body(http_req_t *r, unsigned status,
                                  const char *ctype, char *body, size_t len);
/* The error shape; message is German, type follows from status. */
enum MHD_Result server_reply_error(http_req_t *r, unsigned status,
                                   const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queue a web page or asset (malloc'ed body, ownership passes to MHD) with
 * its own Content-Security-Policy instead of the API's default-src 'none'. */
enum MHD_Result server_reply_page(http_req_t *r, unsigned status,
                                  const char *ctype, const char *csp,
                                  char *body, size_t len);
/* 405 with an Allow header. */
enum MHD_Result server_reply_not_allowed(http_req_t *r, const char *allow);
/* 401 with WWW-Authenticate. */
enum MHD_Result server_reply_unauthorized(http_req_t *r, const char *msg);
/* Queue a response built elsewhere (e.g. a stream from a callback) with the
 * common headers and ctype; resp is consumed. */
enum MHD_Result server_reply_response(http_req_t *r, unsigned status,
                                      const char *ctype,
                                      struct MHD_Response *resp);
/* A JSON string for s, replacing invalid UTF-8; NULL only on OOM. */
json_t *server_json_text(const char *s);

/* ------------------------------------------------------------ routes.c */

route_id_t server_route_classify(const char *path);
const char *server_route_name(route_id_t id);
/* Reply to a complete request: 404, 405, or the route's handler. */
enum MHD_Result server_route_dispatch(http_req_t *r);
/* Whether the route reads a request body (kept in r->body). */
int server_route_takes_body(route_id_t id);
/* The most bytes (target + headers + body) a request to route id may have. */
size_t server_route_body_max(const server_t *s, route_id_t id);

/* ------------------------------------------------------------ worker.c */

/* This thread's store and searcher, opened on first use; 503 on failure. */
/* Query parameter key (server/query.c): NULL when absent, "" without a
 * value; sets *bad when the value holds a NUL byte. */
const char *server_query_arg(http_req_t *r, const char *key, int *bad);
int server_worker_get_or_reply(http_req_t *r);
void server_workers_free(server_t *s);

/* -------------------------------------------------------------- auth.c */

/* Who is calling: a development token's user, the user of a live
 * lotse_session cookie (with X-CSRF-Token checked on state-changing
 * methods: 403 without it), or anonymous. 401 for a token that is not
 * accepted or a session that ended. Needs r->w. */
int server_auth_principal_or_reply(http_req_t *r);

/* --------------------------------------------------------- route_login.c */

/* Queue a JSON reply (body reference taken) with an optional Set-Cookie
 * value and Retry-After seconds (0: none); a 401 gets WWW-Authenticate. */
enum MHD_Result server_reply_json_cookie(http_req_t *r, unsigned status,
                                         json_t *body, const char *cookie,
                                         int64_t retry_after);
/* The identity settings of this server (lotse.conf auth.*); 500 when they
 * are invalid. auth.cookie_secure = off counts only on a loopback bind. */
int server_session_opts_or_reply(http_req_t *r, session_opts_t *o);

/* ------------------------------------------------------------- roles.c */

/* 0 when the caller holds one of the governance roles in mask (bits of
 * GOV_ROLE_BIT); else 401 (anonymous, anon_msg) or 403 (forbidden_msg). */
int server_roles_or_reply(http_req_t *r, unsigned mask, const char *anon_msg,
                          const char *forbidden_msg);
/* The folder holding db_path (audit.db lies beside lotse.db); malloc'ed,
 * NULL on OOM. */
char *server_workspace_dir(const char *db_path);
/* The governance context of request r: its worker's store, the served
 * workspace, the server's model (gov_ctx_free when done). */
typedef struct gov_ctx gov_ctx_t;
int server_gov_open(http_req_t *r, gov_ctx_t **gc, lotse_err_t *err);

/* ----------------------------------------------------------- metrics.c */

int server_metrics_init(server_metrics_t *m);
void server_metrics_release(server_metrics_t *m);
void server_metrics_record(server_metrics_t *m, route_id_t route,
                           unsigned status, double seconds);
/* One finished /v1 generation (cancelled or not) and its token counts. */
void server_metrics_llm_record(server_metrics_t *m, int prompt_tokens,
                               int completion_tokens, int cancelled);
void server_metrics_llm_embedding(server_metrics_t *m);
/* Append the HTTP counters and histograms in Prometheus text format. */
int server_metrics_render(server_metrics_t *m, lotse_buf_t *out);

/* ----------------------------------------------- handlers (route_*.c) */

enum MHD_Result route_search(http_req_t *r);
enum MHD_Result route_ask(http_req_t *r); /* route_ask.c */
enum MHD_Result route_documents(http_req_t *r);
enum MHD_Result route_health(http_req_t *r);
enum MHD_Result route_metrics(http_req_t *r);
enum MHD_Result route_v1_chat(http_req_t *r);
enum MHD_Result route_v1_completions(http_req_t *r);
enum MHD_Result route_v1_embeddings(http_req_t *r);
enum MHD_Result route_v1_models(http_req_t *r);
enum MHD_Result route_apps(http_req_t *r);
enum MHD_Result route_kpi(http_req_t *r); /* route_kpi.c */
enum MHD_Result route_drafts(http_req_t *r); /* route_drafts.c */
enum MHD_Result route_login(http_req_t *r);   /* route_login.c */
enum MHD_Result route_logout(http_req_t *r);  /* route_login.c */
enum MHD_Result route_session(http_req_t *r); /* route_login.c */
enum MHD_Result route_index(http_req_t *r);  /* route_static.c: / */
enum MHD_Result route_static(http_req_t *r); /* route_static.c: /web/… */
enum MHD_Result route_audit(http_req_t *r);  /* route_audit.c */
enum MHD_Result route_portfolio(http_req_t *r); /* route_portfolio.c */
enum MHD_Result route_upload(http_req_t *r);    /* route_upload.c */
enum MHD_Result route_questionnaire(http_req_t *r); /* route_questionnaire.c */
enum MHD_Result route_directory(http_req_t *r); /* route_directory.c */
enum MHD_Result route_oidc(http_req_t *r);      /* oidc.c */
enum MHD_Result route_security(http_req_t *r);  /* route_security.c */
enum MHD_Result route_admin(http_req_t *r);     /* route_admin.c */
enum MHD_Result route_write(http_req_t *r);     /* route_write.c */
enum MHD_Result route_write_draft(http_req_t *r); /* route_write.c */
enum MHD_Result route_easy_check(http_req_t *r); /* route_easy.c */
enum MHD_Result route_easy_qr(http_req_t *r);    /* route_easy.c */
enum MHD_Result route_easy_simplify(http_req_t *r); /* route_easy_simplify.c */
enum MHD_Result route_easy_versions(http_req_t *r); /* route_easy_versions.c */
enum MHD_Result route_leicht(http_req_t *r);        /* route_leicht.c */
enum MHD_Result route_minutes(http_req_t *r);       /* route_minutes.c */
enum MHD_Result route_write_templates(http_req_t *r); /* route_write_templates.c */

/* ------------------------------------------------------------ route_v1.c */

/* Start / stop the workers that run /v1 jobs (no-op without a model).
 * server_v1_stop cancels every job and waits until each suspended
 * connection is resumed; call it before MHD_stop_daemon. New /v1 requests
 * are answered 503 from then on. */
int server_v1_start(server_t *s, lotse_err_t *err);
void server_v1_stop(server_t *s);
void server_v1_free(server_t *s); /* after MHD_stop_daemon */
/* The access handler is called again for a request with r->v1 set (its
 * connection was resumed): queue the reply. */
enum MHD_Result server_v1_resume(http_req_t *r);
/* MHD finished the request (toe: how); drops the request's hold on r->v1
 * and cancels a generation whose client went away. */
void server_v1_request_done(http_req_t *r, int toe);

#endif
