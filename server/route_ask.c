/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_ask.c — POST /api/ask: a question to the governed
 * application "Fragen" (apps/fragen.h) as the caller, through the gate.
 *
 * Body: {"question": "...", "app": "fragen", "passages": 5,
 * "max_tokens": 512, "stream": false}. Replies: 200 with the answer
 * (apps/fragen_json.c), 400 for a body out of shape or an empty/too long
 * question, 403 when the gate refuses (German message plus "reason", the
 * gate's stable code), 500 otherwise. Spec: server/api/ask.json.
 *
 * Stream ("stream": true): text/event-stream, each event one JSON object
 * "data: {...}\n\n" with "type": "sources" (the admitted passages, before
 * any text), "text" (answer pieces, invented citations already removed),
 * then "done" (the whole answer object: sources with cited flags, draft id)
 * or "error". A producer thread with its own store connection runs the
 * question; the handler waits until the gate has decided, so a refusal is
 * still a plain 403. The response callback blocks its MHD thread while it
 * waits for the next piece (like the synchronous path, which blocks for
 * the whole answer). A client that goes away stops the generation at the
 * next piece; what was produced is still stored and audited.
 */
#include "server/server_internal.h"

#include "apps/fragen.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CT_SSE "text/event-stream; charset=utf-8"
#define STREAM_BLOCK (16u << 10)

typedef struct ask_params {
  const char *question, *app; /* point into body */
  int passages, max_tokens, stream;
  json_t *body;
} ask_params_t;

/* ------------------------------------------------------------ parsing */

static int bad_or_reply(http_req_t *r, const char *msg) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
  return -1;
}

static int int_field(json_t *b, const char *key, int lo, int hi, int *out) {
  json_t *v = json_object_get(b, key);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < lo ||
      json_integer_value(v) > hi)
    return -1;
  *out = (int)json_integer_value(v);
  return 0;
}

static int params_or_reply(http_req_t *r, ask_params_t *p) {
  memset(p, 0, sizeof *p);
  if (!r->body.len) return bad_or_reply(r, "Anfragekörper (JSON) fehlt");
  json_error_t je;
  p->body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!json_is_object(p->body))
    return bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
  json_t *q = json_object_get(p->body, "question");
  json_t *app = json_object_get(p->body, "app");
  json_t *st = json_object_get(p->body, "stream");
  if (!json_is_string(q))
    return bad_or_reply(r, "Feld 'question' (Text) fehlt");
  if (strlen(json_string_value(q)) != json_string_length(q))
    return bad_or_reply(r, "Feld 'question' enthält ein NUL-Zeichen");
  if (app && !json_is_null(app) && !json_is_string(app))
    return bad_or_reply(r, "Feld 'app' muss ein Text sein");
  if (st && !json_is_null(st) && !json_is_boolean(st))
    return bad_or_reply(r, "Feld 'stream' muss true oder false sein");
  if (int_field(p->body, "passages", 1, FRAGEN_PASSAGES_MAX, &p->passages))
    return bad_or_reply(r, "Feld 'passages' muss eine Zahl von 1 bis 10 sein");
  if (int_field(p->body, "max_tokens", 1, 1 << 16, &p->max_tokens))
    return bad_or_reply(r, "Feld 'max_tokens' muss eine Zahl von 1 bis 65536 sein");
  p->question = json_string_value(q);
  p->app = json_is_string(app) ? json_string_value(app) : NULL;
  p->stream = json_is_true(st);
  return 0;
}

/* The error of a failed fragen_ask as a reply. */
static enum MHD_Result reply_failure(http_req_t *r, int rc,
                                     const gov_decision_t *d,
                                     const lotse_err_t *err) {
  if (rc == LOTSE_EREFUSED) {
    const char *reason = d->reason != GOV_REFUSE_NONE
                             ? gov_refusal_code(d->reason) : "model";
    const char *msg = d->reason != GOV_REFUSE_NONE ? d->message : err->msg;
    json_t *body = json_pack("{s:{s:i, s:o, s:s, s:s}}", "error", "code", 403,
                             "message", server_json_text(msg), "type",
                             "forbidden", "reason", reason);
    return server_reply_json(r, MHD_HTTP_FORBIDDEN, body);
  }
  if (rc == LOTSE_EINVAL)
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST, "Ungültige Frage: %s",
                              err->msg);
  lotse_log(LOTSE_LOG_ERROR, "server: ask: %s", err->msg);
  return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "Interner Fehler beim Beantworten der Frage");
}

/* ----------------------------------------------------------- plain reply */

static enum MHD_Result ask_plain(http_req_t *r, const ask_params_t *p) {
  lotse_err_t err = {0};
  gov_ctx_t *gc = NULL;
  fragen_opts_t fo = {.app_id = p->app, .passages = p->passages,
                      .max_tokens = p->max_tokens};
  fragen_answer_t a;
  memset(&a, 0, sizeof a);
  int rc = server_gov_open(r, &gc, &err);
  if (!rc)
    rc = fragen_ask(gc, r->w->search, r->w->st, &r->principal, p->question,
                    &fo, &a, &err);
  gov_ctx_free(gc);
  if (rc) return reply_failure(r, rc, &a.decision, &err);
  json_t *body = fragen_answer_json(&a);
  fragen_answer_release(&a);
  return server_reply_json(r, MHD_HTTP_OK, body);
}

/* --------------------------------------------------------------- stream */

typedef struct ask_stream {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int refs;    /* producer, handler, response */
  int started; /* the gate let the call through (first event queued) */
  int done;    /* the producer finished */
  int gone;    /* the client went away: stop */
  lotse_buf_t out;
  size_t off;
  /* the question, owned */
  char *db_path, *workspace, *question, *app;
  store_principal_t user;
  int passages, max_tokens;
  llm_backend_t *llm;
  /* the outcome before the stream started */
  int rc;
  gov_decision_t decision;
  lotse_err_t err;
} ask_stream_t;

static void stream_release(ask_stream_t *s) {
  pthread_mutex_lock(&s->lock);
  int last = --s->refs == 0;
  pthread_mutex_unlock(&s->lock);
  if (!last) return;
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->cond);
  lotse_buf_release(&s->out);
  free(s->db_path);
  free(s->workspace);
  free(s->question);
  free(s->app);
  free(s);
}

/* Append one event (takes the reference); non-zero: stop producing. */
static int push(ask_stream_t *s, const char *type, json_t *ev) {
  if (ev) json_object_set_new(ev, "type", json_string(type));
  char *text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
  json_decref(ev);
  pthread_mutex_lock(&s->lock);
  int stop = s->gone || !text;
  if (!stop) {
    if (s->off) {
      memmove(s->out.data, s->out.data + s->off, s->out.len - s->off);
      s->out.len -= s->off;
      s->off = 0;
    }
    stop = lotse_buf_puts(&s->out, "data: ") || lotse_buf_puts(&s->out, text) ||
           lotse_buf_puts(&s->out, "\n\n");
  }
  s->started = 1;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
  free(text);
  return stop;
}

static void on_sources(void *ud, const fragen_source_t *src, size_t n) {
  push(ud, "sources", json_pack("{s:o}", "sources", fragen_sources_json(src, n)));
}

static int on_text(void *ud, const char *text, size_t len) {
  json_t *t = json_stringn(text, len);
  if (!t) return 1;
  return push(ud, "text", json_pack("{s:o}", "text", t));
}

static int open_all(ask_stream_t *s, store_t **st, search_t **se,
                    gov_ctx_t **gc) {
  gov_ctx_opts_t go = {.workspace = s->workspace, .llm = s->llm};
  int rc = store_open(s->db_path, st, &s->err);
  if (!rc) rc = search_new(*st, se, &s->err);
  go.store = *st;
  if (!rc) rc = gov_ctx_open(&go, gc, &s->err);
  return rc;
}

static void *produce(void *arg) {
  ask_stream_t *s = arg;
  store_t *st = NULL;
  search_t *se = NULL;
  gov_ctx_t *gc = NULL;
  fragen_opts_t fo = {.app_id = s->app, .passages = s->passages,
                      .max_tokens = s->max_tokens, .on_sources = on_sources,
                      .on_text = on_text, .ud = s};
  fragen_answer_t a;
  memset(&a, 0, sizeof a);
  lotse_err_t err = {0};
  int rc = open_all(s, &st, &se, &gc);
  if (!rc) rc = fragen_ask(gc, se, st, &s->user, s->question, &fo, &a, &err);
  gov_ctx_free(gc);
  search_free(se);
  store_close(st);
  pthread_mutex_lock(&s->lock);
  int started = s->started;
  if (!started) { /* the handler replies with a status of its own */
    s->rc = rc;
    s->decision = a.decision;
    if (rc && err.code) s->err = err;
  }
  pthread_mutex_unlock(&s->lock);
  if (started && !rc) {
    push(s, "done", fragen_answer_json(&a));
  } else if (started && rc == LOTSE_EREFUSED) { /* e.g. the model */
    push(s, "error", json_pack("{s:{s:i, s:o, s:s, s:s}}", "error", "code",
                               403, "message", server_json_text(err.msg),
                               "type", "forbidden", "reason", "model"));
  } else if (started && rc != LOTSE_ECANCELED) {
    lotse_log(LOTSE_LOG_ERROR, "server: ask stream: %s", err.msg);
    push(s, "error", json_pack("{s:{s:i, s:s, s:s}}", "error", "code", 500,
                               "message", "Interner Fehler beim Beantworten "
                               "der Frage", "type", "internal"));
  }
  if (!rc) fragen_answer_release(&a);
  pthread_mutex_lock(&s->lock);
  s->done = 1;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
  stream_release(s);
  return NULL;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  ask_stream_t *s = cls;
  (void)pos;
  pthread_mutex_lock(&s->lock);
  while (s->off == s->out.len && !s->done)
    pthread_cond_wait(&s->cond, &s->lock);
  size_t n = s->out.len - s->off;
  if (n > max) n = max;
  memcpy(buf, s->out.data + s->off, n);
  s->off += n;
  pthread_mutex_unlock(&s->lock);
  return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *cls) {
  ask_stream_t *s = cls;
  pthread_mutex_lock(&s->lock);
  s->gone = 1;
  pthread_mutex_unlock(&s->lock);
  stream_release(s);
}

static ask_stream_t *stream_new(http_req_t *r, const ask_params_t *p) {
  ask_stream_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->cond, NULL);
  lotse_buf_init(&s->out, 8u << 20);
  s->refs = 1;
  s->db_path = lotse_strdup(r->srv->o.db_path);
  s->workspace = server_workspace_dir(r->srv->o.db_path);
  s->question = lotse_strdup(p->question);
  s->app = p->app ? lotse_strdup(p->app) : NULL;
  s->user = r->principal;
  s->passages = p->passages;
  s->max_tokens = p->max_tokens;
  s->llm = r->srv->o.llm;
  if (!s->db_path || !s->workspace || !s->question || (p->app && !s->app)) {
    stream_release(s);
    return NULL;
  }
  return s;
}

static enum MHD_Result ask_stream(http_req_t *r, const ask_params_t *p) {
  ask_stream_t *s = stream_new(r, p);
  pthread_t t;
  if (!s)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Nicht genug Speicher");
  s->refs++; /* the producer's */
  if (pthread_create(&t, NULL, produce, s)) {
    s->refs--; /* no producer */
    stream_release(s);
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Kein Thread für die Antwort frei");
  }
  pthread_detach(t);
  pthread_mutex_lock(&s->lock);
  while (!s->started && !s->done) pthread_cond_wait(&s->cond, &s->lock);
  int started = s->started;
  pthread_mutex_unlock(&s->lock);
  if (!started) {
    enum MHD_Result res = reply_failure(r, s->rc ? s->rc : LOTSE_EINTERNAL,
                                        &s->decision, &s->err);
    stream_release(s);
    return res;
  }
  struct MHD_Response *resp = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, s, stream_free);
  if (!resp) {
    stream_free(s);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Nicht genug Speicher");
  }
  return server_reply_response(r, MHD_HTTP_OK, CT_SSE, resp);
}

enum MHD_Result route_ask(http_req_t *r) {
  ask_params_t p;
  enum MHD_Result res;
  if (params_or_reply(r, &p)) {
    json_decref(p.body);
    return r->result;
  }
  res = p.stream ? ask_stream(r, &p) : ask_plain(r, &p);
  json_decref(p.body);
  return res;
}
