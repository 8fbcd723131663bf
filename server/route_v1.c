/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_v1.c — the OpenAI-compatible API's plumbing: the job queue
 * and its workers, suspending and resuming connections, the error shape
 * (refusals of the gate: 403 with its code).
 *
 * Contract: a /v1 request never blocks an MHD thread while the model works:
 * its connection is suspended and a worker (V1_WORKERS threads) calls the
 * model; /healthz and the other routes stay responsive however many
 * requests wait. The backend itself queues generations in arrival order
 * (llm.h), so answers never interleave. At most V1_QUEUE_MAX jobs wait or
 * run; more is 503. Without a model (server_opts_t.llm NULL) every /v1
 * route answers 503.
 * Governance: each worker owns a store connection and a gov_ctx_t (opened
 * at its first job, closed when it ends); every job passes the runtime
 * gate there (gov/gate.h; server/v1_gate.c, which also answers GET
 * /v1/models with the applications the caller may run now).
 * Invariants: (1) every queued job runs (possibly only to notice it was
 * cancelled) and wakes its connection, so server_v1_stop() leaves no
 * connection suspended; (2) lock order: state lock, then job lock; no MHD
 * call is made under the state lock except MHD_suspend_connection of a job
 * that is not yet visible to any worker.
 * Spec: server/api/v1-*.json.
 */
#include "server/v1_internal.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

typedef struct v1_state v1_state_t;

typedef struct v1_worker {
  v1_state_t *st;
  size_t idx;
  store_t *store; /* this worker's connection, opened at its first job */
  gov_ctx_t *gc;  /* its governance context (audit trail, model) */
} v1_worker_t;

struct v1_state {
  pthread_mutex_t lock;
  pthread_cond_t cond; /* a job was queued, or closing */
  pthread_t threads[V1_WORKERS];
  v1_worker_t args[V1_WORKERS];
  size_t nthreads;
  v1_job_t *head, *tail;
  v1_job_t *running[V1_WORKERS];
  size_t jobs; /* queued or running */
  int closing;
};

/* ----------------------------------------------------------------- jobs */

static void job_id(char *out, size_t n, const char *prefix) {
  unsigned char rnd[12];
  static unsigned long long seq;
  if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
    unsigned long long x = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED) ^
                           (unsigned long long)lotse_now_unix() << 20;
    for (size_t i = 0; i < sizeof rnd; i++) rnd[i] = (unsigned char)(x >> i);
  }
  size_t k = (size_t)snprintf(out, n, "%s", prefix);
  for (size_t i = 0; i < sizeof rnd && k + 2 < n; i++, k += 2)
    snprintf(out + k, n - k, "%02x", rnd[i]);
}

v1_job_t *v1_job_new(http_req_t *r, v1_kind_t kind) {
  v1_job_t *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  if (pthread_mutex_init(&j->lock, NULL)) {
    free(j);
    return NULL;
  }
  if (pthread_cond_init(&j->cond, NULL)) {
    pthread_mutex_destroy(&j->lock);
    free(j);
    return NULL;
  }
  j->kind = kind;
  j->srv = r->srv;
  j->conn = r->conn;
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  j->fd = ci ? ci->connect_fd : -1;
  j->refs = 1;
  j->created = (long long)lotse_now_unix();
  j->model = llm_model_id(r->srv->o.llm);
  job_id(j->id, sizeof j->id, kind == V1_CHAT ? "chatcmpl-" : "cmpl-");
  lotse_buf_init(&j->out, 4 * V1_STREAM_BUF);
  r->v1 = j;
  return j;
}

int v1_job_peer_gone(v1_job_t *j) {
  if (j->fd < 0 || !j->suspended || j->gone) return 0;
  struct pollfd p = {.fd = j->fd, .events = POLLRDHUP};
  if (poll(&p, 1, 0) != 1) return 0;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void job_free(v1_job_t *j) {
  json_decref(j->body);
  free(j->msgs);
  for (size_t i = 0; i < j->n_parts; i++) free(j->parts[i]);
  free(j->parts);
  free(j->stops);
  free(j->schema);
  free(j->inputs);
  free(j->notice);
  if (j->vecs)
    for (size_t i = 0; i < j->n_inputs; i++) free(j->vecs[i]);
  free(j->vecs);
  llm_result_release(&j->res);
  lotse_buf_release(&j->out);
  pthread_cond_destroy(&j->cond);
  pthread_mutex_destroy(&j->lock);
  free(j);
}

void v1_job_release(v1_job_t *j) {
  if (!j) return;
  pthread_mutex_lock(&j->lock);
  int last = --j->refs == 0;
  pthread_mutex_unlock(&j->lock);
  if (last) job_free(j);
}

void v1_job_wake(v1_job_t *j) {
  pthread_mutex_lock(&j->lock);
  int need = j->suspended && !j->gone;
  j->suspended = 0;
  pthread_mutex_unlock(&j->lock);
  /* Outside the lock: the connection stays suspended until this call, so
   * MHD cannot finish the request in between. */
  if (need) MHD_resume_connection(j->conn);
}

static void job_cancel(v1_job_t *j) {
  pthread_mutex_lock(&j->lock);
  j->cancel = 1;
  pthread_cond_broadcast(&j->cond);
  pthread_mutex_unlock(&j->lock);
}

/* The worker's store and governance context, opened on first use. */
static int worker_gov(v1_worker_t *w, server_t *srv, lotse_err_t *err) {
  if (w->gc) return 0;
  char *ws = server_workspace_dir(srv->o.db_path);
  if (!ws) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = w->store ? 0 : store_open(srv->o.db_path, &w->store, err);
  gov_ctx_opts_t go = {.store = w->store, .workspace = ws, .llm = srv->o.llm};
  if (!rc) rc = gov_ctx_open(&go, &w->gc, err);
  free(ws);
  return rc;
}

static void job_run(v1_job_t *j, v1_worker_t *w) {
  pthread_mutex_lock(&j->lock);
  int cancelled = j->cancel;
  pthread_mutex_unlock(&j->lock);
  if (cancelled) {
    j->rc = lotse_err_set(&j->err, LOTSE_ECANCELED, "cancelled");
  } else if ((j->rc = worker_gov(w, j->srv, &j->err))) {
    lotse_log(LOTSE_LOG_ERROR, "server: /v1 governance: %s", j->err.msg);
    j->rc = LOTSE_EINTERNAL;
  } else if (j->kind == V1_EMBEDDING) {
    v1_embed_run(j, w->gc);
  } else {
    v1_chat_run(j, w->gc);
  }
  if (j->stream) v1_sse_finish(j);
  pthread_mutex_lock(&j->lock);
  j->done = 1;
  pthread_cond_broadcast(&j->cond);
  pthread_mutex_unlock(&j->lock);
  v1_job_wake(j);
}

/* -------------------------------------------------------------- workers */

static void *worker_main(void *arg) {
  v1_worker_t *w = arg;
  v1_state_t *st = w->st;
  pthread_mutex_lock(&st->lock);
  for (;;) {
    while (!st->head && !st->closing) pthread_cond_wait(&st->cond, &st->lock);
    v1_job_t *j = st->head;
    if (!j) break; /* closing and nothing left */
    st->head = j->next;
    if (!st->head) st->tail = NULL;
    j->next = NULL;
    st->running[w->idx] = j;
    pthread_mutex_unlock(&st->lock);
    job_run(j, w);
    pthread_mutex_lock(&st->lock);
    st->running[w->idx] = NULL;
    st->jobs--;
    pthread_mutex_unlock(&st->lock);
    v1_job_release(j); /* the worker's reference */
    pthread_mutex_lock(&st->lock);
  }
  pthread_mutex_unlock(&st->lock);
  gov_ctx_free(w->gc);
  store_close(w->store);
  w->gc = NULL;
  w->store = NULL;
  return NULL;
}

static void state_free(v1_state_t *st) {
  pthread_cond_destroy(&st->cond);
  pthread_mutex_destroy(&st->lock);
  free(st);
}

int server_v1_start(server_t *s, lotse_err_t *err) {
  if (!s->o.llm) return 0;
  v1_state_t *st = calloc(1, sizeof *st);
  if (!st) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (pthread_mutex_init(&st->lock, NULL)) {
    free(st);
    return lotse_err_set(err, LOTSE_EINTERNAL, "unable to set up /v1 queue");
  }
  if (pthread_cond_init(&st->cond, NULL)) {
    pthread_mutex_destroy(&st->lock);
    free(st);
    return lotse_err_set(err, LOTSE_EINTERNAL, "unable to set up /v1 queue");
  }
  s->v1 = st;
  for (size_t i = 0; i < V1_WORKERS; i++) {
    st->args[i].st = st;
    st->args[i].idx = i;
    if (pthread_create(&st->threads[i], NULL, worker_main, &st->args[i]))
      return lotse_err_set(err, LOTSE_EINTERNAL,
                           "unable to start /v1 worker threads");
    st->nthreads++;
  }
  return 0;
}

void server_v1_stop(server_t *s) {
  v1_state_t *st = s->v1;
  if (!st) return;
  pthread_mutex_lock(&st->lock);
  st->closing = 1;
  for (v1_job_t *j = st->head; j; j = j->next) job_cancel(j);
  for (size_t i = 0; i < V1_WORKERS; i++)
    if (st->running[i]) job_cancel(st->running[i]);
  pthread_cond_broadcast(&st->cond);
  pthread_mutex_unlock(&st->lock);
  for (size_t i = 0; i < st->nthreads; i++) pthread_join(st->threads[i], NULL);
  st->nthreads = 0;
}

void server_v1_free(server_t *s) {
  if (!s->v1) return;
  server_v1_stop(s); /* in case start failed half-way */
  state_free(s->v1);
  s->v1 = NULL;
}

enum MHD_Result v1_job_submit(http_req_t *r, v1_job_t *j) {
  v1_state_t *st = r->srv->v1;
  pthread_mutex_lock(&st->lock);
  if (st->closing || st->jobs >= V1_QUEUE_MAX) {
    int closing = st->closing;
    pthread_mutex_unlock(&st->lock);
    return v1_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "%s",
                          closing ? "Der Server wird beendet"
                                  : "Zu viele Anfragen an das Sprachmodell; "
                                    "bitte später erneut versuchen");
  }
  /* Not yet visible to a worker, so nobody can resume it too early. */
  pthread_mutex_lock(&j->lock);
  j->refs++; /* the worker's */
  j->suspended = 1;
  MHD_suspend_connection(r->conn);
  pthread_mutex_unlock(&j->lock);
  if (st->tail)
    st->tail->next = j;
  else
    st->head = j;
  st->tail = j;
  st->jobs++;
  pthread_cond_signal(&st->cond);
  pthread_mutex_unlock(&st->lock);
  return MHD_YES;
}

/* -------------------------------------------------------- HTTP side */

void server_v1_request_done(http_req_t *r, int toe) {
  (void)toe; /* any end of the request ends interest in the answer */
  v1_job_t *j = r->v1;
  r->v1 = NULL;
  pthread_mutex_lock(&j->lock);
  j->gone = 1;
  j->cancel = 1; /* no-op when the worker is done */
  pthread_cond_broadcast(&j->cond);
  pthread_mutex_unlock(&j->lock);
  v1_job_release(j);
}

enum MHD_Result server_v1_resume(http_req_t *r) {
  v1_job_t *j = r->v1;
  pthread_mutex_lock(&j->lock);
  int done = j->done, streamed = j->streamed;
  pthread_mutex_unlock(&j->lock);
  if (j->stream && (streamed || (done && !j->rc))) return v1_sse_reply(r, j);
  if (NEVER(!done))
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Interner Fehler");
  if (j->rc) return v1_reply_job_error(r, j);
  json_t *body = j->kind == V1_EMBEDDING ? v1_embed_reply(j) : v1_chat_reply(j);
  if (j->kind != V1_EMBEDDING) return server_reply_json(r, MHD_HTTP_OK, body);
  /* Embeddings: floats with 9 significant digits (exact for float32). */
  char *text =
      body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
  json_decref(body);
  return server_reply_body(r, MHD_HTTP_OK, "application/json; charset=utf-8",
                           text, text ? strlen(text) : 0);
}

/* --------------------------------------------------------------- errors */

int v1_bad(v1_bad_t *b, const char *param, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->msg, sizeof b->msg, fmt, ap);
  va_end(ap);
  b->param = param;
  return -1;
}

static const char *error_type(unsigned status) {
  switch (status) {
  case 400: return "invalid_request";
  case 503: return "unavailable";
  default: return "internal";
  }
}

enum MHD_Result v1_reply_error(http_req_t *r, unsigned status,
                               const char *param, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  json_t *inner = json_object(), *outer = json_object();
  int bad = !inner || !outer;
  if (!bad) {
    bad |= json_object_set_new(inner, "code", json_integer(status));
    bad |= json_object_set_new(inner, "message", server_json_text(msg));
    bad |= json_object_set_new(inner, "type", json_string(error_type(status)));
    bad |= json_object_set_new(inner, "param",
                               param ? json_string(param) : json_null());
    bad |= json_object_set(outer, "error", inner);
  }
  json_decref(inner);
  if (bad) {
    json_decref(outer);
    outer = NULL; /* server_reply_json answers 500 */
  }
  return server_reply_json(r, status, outer);
}

int v1_model_or_reply(http_req_t *r) {
  if (r->srv->o.llm && r->srv->v1) return 0;
  v1_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                 "Kein Sprachmodell geladen (lotse serve --model DATEI)");
  return -1;
}

/* 403 for a refusal: the gate's German reason and stable code, or the
 * session's refusal of the engine's model ("model_not_approved"). */
static enum MHD_Result reply_refused(http_req_t *r, const v1_job_t *j) {
  int gate = j->decision.reason != GOV_REFUSE_NONE;
  char msg[LOTSE_ERR_MSG_MAX + 32];
  if (gate)
    snprintf(msg, sizeof msg, "%s", j->decision.message);
  else
    snprintf(msg, sizeof msg, "Anfrage abgelehnt: %s", j->err.msg);
  json_t *body = json_pack(
      "{s:{s:s, s:o, s:s, s:n}}", "error", "code",
      gate ? gov_refusal_code(j->decision.reason) : "model_not_approved",
      "message", server_json_text(msg), "type", "permission_denied", "param");
  return server_reply_json(r, MHD_HTTP_FORBIDDEN, body);
}

enum MHD_Result v1_reply_job_error(http_req_t *r, const v1_job_t *j) {
  switch (j->rc) {
  case LOTSE_EREFUSED:
    return reply_refused(r, j);
  case LOTSE_EINVAL:
  case LOTSE_ELIMIT:
  case LOTSE_ETOOBIG:
  case LOTSE_EUNSUPPORTED: /* e.g. no usable chat template */
    return v1_reply_error(r, MHD_HTTP_BAD_REQUEST, NULL,
                          "Anfrage vom Sprachmodell abgelehnt: %s", j->err.msg);
  case LOTSE_ECANCELED:
    return v1_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                          "Anfrage abgebrochen, der Server wird beendet");
  default:
    lotse_log(LOTSE_LOG_ERROR, "server: %s: %s", r->path, j->err.msg);
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Interner Fehler des Sprachmodells");
  }
}

int v1_body_parse(http_req_t *r, v1_job_t *j, v1_bad_t *b) {
  json_error_t je;
  if (!r->body.len) return v1_bad(b, NULL, "Anfragekörper (JSON) fehlt");
  j->body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!j->body)
    return v1_bad(b, NULL,
                  "Anfragekörper ist kein gültiges JSON (Zeile %d, Spalte "
                  "%d)",
                  je.line, je.column);
  if (!json_is_object(j->body))
    return v1_bad(b, NULL, "Anfragekörper muss ein JSON-Objekt sein");
  return 0;
}
