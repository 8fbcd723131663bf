/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/v1_internal.h — what the files of the OpenAI-compatible API share:
 * the job that carries one /v1 request to the model and back, the request
 * parsers, the reply builders and the event stream.
 *
 * Life of a job: the handler (route_v1_*.c) parses and validates the body
 * on the MHD thread, suspends the connection and queues the job; a worker
 * of route_v1.c runs the model; when the answer (or, for a stream, its
 * first piece) is there, the worker resumes the connection and MHD calls
 * the access handler again, which queues the reply (server_v1_resume).
 * Governance: the request's "model" names the application (gov/gate.h);
 * the worker opens the gate for the caller (r->principal) with the request's
 * texts as input, runs the model through the session and closes it into a
 * labelled draft (embeddings: audit record only). Each worker owns its
 * store connection and gov_ctx_t. A refusal is 403 with the gate's reason.
 * Streams: the worker appends Server-Sent Events to a bounded buffer that
 * the response callback (sse.c) drains; the callback suspends the
 * connection while the buffer is empty.
 * Ownership: a job is reference-counted: one reference for the HTTP
 * request (dropped in server_v1_request_done), one for the worker, one for
 * a queued stream response (dropped by its free callback).
 * Invariants: (1) MHD_resume_connection is only called for a connection
 * this code suspended, exactly once per suspension, and never after the
 * request is gone; (2) a connection is suspended only under the job lock,
 * so a resume cannot overtake its suspension; (3) no job is suspended when
 * server_v1_stop() returns.
 */
#ifndef LOTSE_SERVER_V1_INTERNAL_H
#define LOTSE_SERVER_V1_INTERNAL_H

#include "gov/gate.h"
#include "llm/llm.h"
#include "server/server_internal.h"

#include <jansson.h>
#include <pthread.h>

#define V1_WORKERS 4               /* threads that call the model */
#define V1_QUEUE_MAX 64            /* jobs waiting or running; more is 503 */
#define V1_STREAM_BUF (256u << 10) /* bytes of events not yet sent */
#define V1_MAX_MESSAGES 1024
#define V1_MAX_STOP 16
#define V1_MAX_INPUTS 256 /* texts per embeddings request */
#define V1_APP_MAX 128    /* bytes of an application id ("model") */

typedef enum { V1_CHAT, V1_COMPLETION, V1_EMBEDDING } v1_kind_t;

typedef struct v1_job v1_job_t;
struct v1_job {
  /* Set by the handler before the job is queued; read-only afterwards. */
  v1_kind_t kind;
  int stream;        /* reply as text/event-stream */
  int include_usage; /* stream_options.include_usage */
  server_t *srv;
  struct MHD_Connection *conn;
  int fd;            /* the client's socket (-1: unknown), see v1_job_peer_gone */
  char id[48];       /* "chatcmpl-…" / "cmpl-…" */
  long long created; /* unix seconds */
  const char *model; /* llm_model_id(), owned by the backend */
  json_t *body;      /* the parsed request; the strings below point in it */
  llm_chat_msg_t *msgs;
  char **parts; /* message texts joined from content parts (owned) */
  size_t n_parts;
  const char **stops;
  char *schema; /* response_format's schema as text (owned) */
  llm_request_t req;
  const char **inputs; /* embeddings */
  size_t n_inputs;
  llm_embed_pool_t pool;
  int base64; /* encoding_format "base64" */
  char app[V1_APP_MAX];   /* "model": the application's id */
  store_principal_t user; /* the caller */

  /* Shared state, guarded by lock. */
  pthread_mutex_t lock;
  pthread_cond_t cond; /* buffer drained, or request gone */
  int refs;
  int suspended;   /* this code suspended conn and has not resumed it */
  int gone;        /* MHD finished the request: never touch conn */
  int cancel;      /* stop the generation at the next piece */
  int done;        /* the worker finished (result below is final) */
  int streamed;    /* the stream's first event is in out */
  lotse_buf_t out; /* events not yet handed to MHD */
  size_t out_off;  /* bytes of out already handed over */

  /* Written by the worker before done is set. */
  int rc;
  lotse_err_t err;
  llm_result_t res;
  float **vecs; /* one per input */
  size_t dim;
  int prompt_tokens; /* embeddings: input tokens over all inputs */
  gov_decision_t decision; /* the gate's refusal (rc LOTSE_EREFUSED) */
  int64_t draft_id;        /* the labelled draft of the output (0: none) */
  char *notice;            /* the Art. 50 notice (owned), NULL: none due */

  v1_job_t *next; /* in the queue */
};

/* ------------------------------------------------------------ route_v1.c */

/* What is wrong with a request body: the field and a German message. */
typedef struct v1_bad {
  const char *param;
  char msg[256];
} v1_bad_t;

/* Fill b and return -1. */
int v1_bad(v1_bad_t *b, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parse r->body as a JSON object into j->body. */
int v1_body_parse(http_req_t *r, v1_job_t *j, v1_bad_t *b);
/* A new job for r (one reference, held by the request); NULL on OOM. */
v1_job_t *v1_job_new(http_req_t *r, v1_kind_t kind);
void v1_job_release(v1_job_t *j);
/* Whether the client hung up while its connection is suspended (MHD does
 * not watch a suspended socket, so a non-streamed request would otherwise
 * only notice at its reply). Polls the socket without blocking; call with
 * j->lock held: a suspended connection is never closed, so the descriptor
 * is still this client's. */
int v1_job_peer_gone(v1_job_t *j);
/* Suspend r's connection and hand j to the workers (or answer 503 when the
 * queue is full or the server stops). Returns the MHD result. */
enum MHD_Result v1_job_submit(http_req_t *r, v1_job_t *j);
/* The OpenAI error shape {"error": {code, message, type, param}}; param
 * may be NULL. */
enum MHD_Result v1_reply_error(http_req_t *r, unsigned status,
                               const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 503 when no model is configured; 0 when one is. */
int v1_model_or_reply(http_req_t *r);
/* The failed job's error as a reply (400, 403, 503 or 500). */
enum MHD_Result v1_reply_job_error(http_req_t *r, const v1_job_t *j);
/* Read "model" (the application) into j->app and the caller into j->user
 * (handler, after the other fields): -1 with b filled when it is missing. */
int v1_parse_app(v1_job_t *j, http_req_t *r, v1_bad_t *b);
/* Open the gate for j with input (worker): 0 and *g, or -1 with j->rc,
 * j->err (and j->decision for a refusal) set. */
int v1_gate_open(v1_job_t *j, gov_ctx_t *gc, const char *action,
                 const char *input, size_t len, gov_gate_t **g);
/* Close the session with output (NULL: audit only); sets j->draft_id and
 * j->notice; a failure becomes j->rc unless j->rc is already set. */
void v1_gate_close(v1_job_t *j, gov_gate_t *g, const char *output);
/* The "lotse" object of a reply: label, draft id, notice, application. */
json_t *v1_lotse_json(const v1_job_t *j);

/* ------------------------------------------------------- route_v1_chat.c */

/* Parse the body of /v1/chat/completions or /v1/completions into j;
 * 400 (already queued) and -1 when it is out of shape. */
int v1_chat_parse_or_reply(http_req_t *r, v1_job_t *j);
/* Run the generation through the gate (worker thread). */
void v1_chat_run(v1_job_t *j, gov_ctx_t *gc);
/* The complete (non-stream) reply of a finished job; NULL on OOM. */
json_t *v1_chat_reply(const v1_job_t *j);
/* One chunk of a stream: delta text (role first when role is set) or the
 * final chunk with finish_reason; NULL on OOM. */
json_t *v1_chat_chunk(const v1_job_t *j, const char *text, size_t len, int role,
                      const char *finish_reason);
/* The usage object of a result. */
json_t *v1_usage(int prompt_tokens, int completion_tokens);

/* ------------------------------------------------------ route_v1_embed.c */

int v1_embed_parse_or_reply(http_req_t *r, v1_job_t *j);
void v1_embed_run(v1_job_t *j, gov_ctx_t *gc);
json_t *v1_embed_reply(const v1_job_t *j);

/* ----------------------------------------------------------------- sse.c */

/* Append "data: <json>\n\n" (takes the reference) or "data: [DONE]\n\n"
 * (json NULL) to the stream; waits while the buffer is full. Returns
 * non-zero when the generation should stop (client gone, cancelled). */
int v1_sse_push(v1_job_t *j, json_t *event);
/* on_text of a streaming request: one delta chunk (role chunk first). */
int v1_sse_on_text(void *ud, const char *text, size_t len);
/* on_text of a non-streaming request: only reports cancellation. */
int v1_sse_on_cancel(void *ud, const char *text, size_t len);
/* The end of a stream: final chunk, usage, [DONE] — or an error event. */
void v1_sse_finish(v1_job_t *j);
/* Queue the 200 text/event-stream response that drains j->out. */
enum MHD_Result v1_sse_reply(http_req_t *r, v1_job_t *j);
/* Wake the connection if this code suspended it (worker side). */
void v1_job_wake(v1_job_t *j);

#endif
