/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/sse.c — streaming /v1 answers as Server-Sent Events
 * ("data: {chunk}\n\n" … "data: [DONE]\n\n", text/event-stream).
 *
 * Contract: the worker (producer) appends events to the job's buffer and
 * waits while more than V1_STREAM_BUF bytes are unsent, so a slow client
 * slows its own generation instead of growing memory. The response
 * callback (consumer, an MHD thread) hands out what is there and suspends
 * the connection while the buffer is empty; the producer resumes it. When
 * the client goes away, MHD ends the request, server_v1_request_done()
 * sets cancel, and the next on_text returns non-zero, so the generation
 * stops at the next token.
 * Invariants: see server/v1_internal.h (suspend under the job lock, resume
 * outside it, never after the request is gone).
 */
#include "server/v1_internal.h"

#include <stdlib.h>
#include <string.h>

#define CT_SSE "text/event-stream; charset=utf-8"
#define SSE_BLOCK (16u << 10)

/* Append one event under the lock; 0 or -1 when it does not fit. */
static int append_event(v1_job_t *j, const char *text) {
  lotse_buf_t *o = &j->out;
  if (j->out_off) { /* drop what MHD already took */
    memmove(o->data, o->data + j->out_off, o->len - j->out_off);
    o->len -= j->out_off;
    j->out_off = 0;
  }
  if (lotse_buf_puts(o, "data: ") || lotse_buf_puts(o, text) ||
      lotse_buf_puts(o, "\n\n"))
    return -1;
  j->streamed = 1;
  return 0;
}

int v1_sse_push(v1_job_t *j, json_t *event) {
  char *text = event ? json_dumps(event, JSON_COMPACT) : NULL;
  json_decref(event);
  if (event && !text) return 1; /* out of memory: end the stream */
  pthread_mutex_lock(&j->lock);
  while (!j->cancel && !j->gone && j->out.len - j->out_off > V1_STREAM_BUF)
    pthread_cond_wait(&j->cond, &j->lock);
  int stop = j->cancel || j->gone;
  if (!stop && append_event(j, text ? text : "[DONE]")) stop = 1;
  pthread_mutex_unlock(&j->lock);
  free(text);
  v1_job_wake(j);
  return stop;
}

int v1_sse_on_text(void *ud, const char *text, size_t len) {
  v1_job_t *j = ud;
  if (!len) return v1_sse_on_cancel(ud, text, len);
  if (j->kind == V1_CHAT && !j->streamed &&
      v1_sse_push(j, v1_chat_chunk(j, NULL, 0, 1, NULL)))
    return 1;
  return v1_sse_push(j, v1_chat_chunk(j, text, len, 0, NULL));
}

int v1_sse_on_cancel(void *ud, const char *text, size_t len) {
  (void)text;
  (void)len;
  v1_job_t *j = ud;
  pthread_mutex_lock(&j->lock);
  if (!j->cancel && v1_job_peer_gone(j)) j->cancel = 1;
  int stop = j->cancel;
  pthread_mutex_unlock(&j->lock);
  return stop;
}

/* An error after the first event: the stream can only end with an error
 * event (OpenAI clients raise it). */
static void push_error(v1_job_t *j) {
  int input = j->rc == LOTSE_EINVAL || j->rc == LOTSE_ELIMIT ||
              j->rc == LOTSE_ETOOBIG || j->rc == LOTSE_EUNSUPPORTED;
  json_t *e = json_pack(
      "{s:{s:i, s:s, s:s, s:n}}", "error", "code", input ? 400 : 500, "message",
      input ? "Anfrage vom Sprachmodell abgelehnt"
            : "Interner Fehler des Sprachmodells",
      "type", input ? "invalid_request" : "internal", "param");
  v1_sse_push(j, e);
}

void v1_sse_finish(v1_job_t *j) {
  if (j->rc) {
    /* Nothing sent yet: server_v1_resume answers with an error reply. */
    if (j->streamed && j->rc != LOTSE_ECANCELED) push_error(j);
    return;
  }
  const char *fr = j->res.finish_reason[0] ? j->res.finish_reason : "stop";
  if (j->kind == V1_CHAT && !j->streamed &&
      v1_sse_push(j, v1_chat_chunk(j, NULL, 0, 1, NULL)))
    return;
  /* The last chunk before [DONE] carries the "lotse" object: the one with
   * finish_reason, or the usage chunk when usage was asked for. */
  json_t *fin = v1_chat_chunk(j, NULL, 0, 0, fr);
  if (fin && !j->include_usage &&
      json_object_set_new(fin, "lotse", v1_lotse_json(j))) {
    json_decref(fin);
    fin = NULL;
  }
  if (!fin || v1_sse_push(j, fin)) return;
  if (j->include_usage) {
    json_t *u = v1_chat_chunk(j, NULL, 0, 0, NULL);
    if (u && (json_array_clear(json_object_get(u, "choices")) ||
              json_object_set_new(
                  u, "usage",
                  v1_usage(j->res.prompt_tokens, j->res.completion_tokens)) ||
              json_object_set_new(u, "lotse", v1_lotse_json(j)))) {
      json_decref(u);
      u = NULL;
    }
    if (!u || v1_sse_push(j, u)) return;
  }
  v1_sse_push(j, NULL);
}

/* ------------------------------------------------------- MHD side */

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  v1_job_t *j = cls;
  ssize_t n;
  pthread_mutex_lock(&j->lock);
  size_t avail = j->out.len - j->out_off;
  if (avail) {
    size_t k = avail < max ? avail : max;
    memcpy(buf, j->out.data + j->out_off, k);
    j->out_off += k;
    if (j->out_off == j->out.len) {
      lotse_buf_reset(&j->out);
      j->out_off = 0;
    }
    pthread_cond_broadcast(&j->cond);
    n = (ssize_t)k;
  } else if (j->done) {
    n = MHD_CONTENT_READER_END_OF_STREAM;
  } else {
    /* Under the lock: the producer's resume cannot overtake it. */
    j->suspended = 1;
    MHD_suspend_connection(j->conn);
    n = 0;
  }
  pthread_mutex_unlock(&j->lock);
  return n;
}

static void sse_free(void *cls) { v1_job_release(cls); }

enum MHD_Result v1_sse_reply(http_req_t *r, v1_job_t *j) {
  pthread_mutex_lock(&j->lock);
  j->refs++; /* the response's */
  pthread_mutex_unlock(&j->lock);
  struct MHD_Response *resp = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, SSE_BLOCK, sse_read, j, sse_free);
  if (!resp) {
    v1_job_release(j);
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Nicht genug Speicher");
  }
  if (MHD_add_response_header(resp, "X-Accel-Buffering", "no") != MHD_YES) {
    MHD_destroy_response(resp);
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Nicht genug Speicher");
  }
  return server_reply_response(r, MHD_HTTP_OK, CT_SSE, resp);
}
