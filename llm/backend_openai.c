/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/backend_openai.c — the "openai" backend: a libcurl client for any
 * OpenAI-compatible server (lotse serve, llama.cpp server, vLLM, …).
 *
 * Contract: generate() posts to {base_url}/chat/completions (msgs) or
 * {base_url}/completions (prompt); with on_text it asks for a stream and
 * parses the Server-Sent Events as they arrive, calling on_text once per
 * non-empty delta; on_text returning non-zero aborts the transfer
 * (LOTSE_ECANCELED). embed() posts to {base_url}/embeddings and
 * L2-normalises the answer. Without model_name the first model of GET
 * {base_url}/models is used (asked once, in open()).
 * Time-outs: connect min(timeout, 10 s); a whole non-streamed request
 * timeout_ms; a stream is aborted after timeout_ms without a byte.
 * Retries: connection failures, 429 and 5xx answers are retried up to
 * cfg->retries times with exponential back-off (Retry-After honoured up to
 * 30 s) — but never once text has been handed to on_text.
 * Errors name the URL, the HTTP status and the server's own message; the
 * API key is only ever put into the Authorization header, never into a
 * message or log line. The handle may be shared by threads: each call uses
 * its own curl handle.
 */
#include "llm/llm.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OAI_TIMEOUT_DEFAULT 120000
#define OAI_CONNECT_MAX 10000
#define OAI_BODY_MAX (64u << 20) /* a non-streamed answer */
#define OAI_EVENT_MAX (4u << 20) /* one pending event of a stream */
#define OAI_BACKOFF_MS 250
#define OAI_BACKOFF_MAX_MS 8000
#define OAI_RETRY_AFTER_MAX_S 30

typedef struct oai {
  char *base;    /* base URL without trailing '/' */
  char *api_key; /* NULL: no Authorization header */
  char *model;
  int timeout_ms;
  int retries;
} oai_t;

/* One HTTP exchange (possibly tried several times). */
typedef struct oai_call {
  const oai_t *o;
  char url[2048];
  const char *body; /* JSON; NULL for GET */
  int stream;
  CURL *h;
  long status;
  lotse_buf_t data; /* whole body, or the unparsed tail of a stream */
  /* stream state */
  const llm_request_t *req;
  int chat;
  lotse_buf_t text; /* generated text so far */
  int delivered;    /* text was handed to on_text: never retry */
  int cancelled;
  int stream_err; /* an error event arrived */
  char stream_msg[256];
  char finish[16];
  int prompt_tokens, completion_tokens, chunks;
} oai_call_t;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init(void) {
  curl_init_rc = curl_global_init(CURL_GLOBAL_ALL);
}

/* ----------------------------------------------------------- events */

static void take_usage(oai_call_t *c, json_t *ev) {
  json_t *u = json_object_get(ev, "usage");
  if (!json_is_object(u)) return;
  c->prompt_tokens =
      (int)json_integer_value(json_object_get(u, "prompt_tokens"));
  c->completion_tokens =
      (int)json_integer_value(json_object_get(u, "completion_tokens"));
}

static void take_finish(oai_call_t *c, json_t *choice) {
  const char *fr = json_string_value(json_object_get(choice, "finish_reason"));
  if (fr) snprintf(c->finish, sizeof c->finish, "%s", fr);
}

/* The server's message in an error object {"error": {"message"}} or
 * {"error": "…"}; NULL when there is none. */
static const char *error_message(json_t *o) {
  json_t *e = json_object_get(o, "error");
  if (json_is_string(e)) return json_string_value(e);
  const char *m = json_string_value(json_object_get(e, "message"));
  if (m) return m;
  return json_string_value(json_object_get(o, "detail"));
}

/* One "data:" payload of a stream; 0, or -1 to abort the transfer. */
static int on_event(oai_call_t *c, const char *data, size_t len) {
  if (len == 6 && memcmp(data, "[DONE]", 6) == 0) return 0;
  json_t *ev = json_loadb(data, len, 0, NULL);
  if (!json_is_object(ev)) {
    json_decref(ev);
    return 0; /* not ours to judge: keep-alive comments, odd servers */
  }
  const char *emsg = error_message(ev);
  if (emsg || json_object_get(ev, "error")) {
    c->stream_err = 1;
    snprintf(c->stream_msg, sizeof c->stream_msg, "%s",
             emsg ? emsg : "error event");
    json_decref(ev);
    return -1;
  }
  take_usage(c, ev);
  json_t *choice = json_array_get(json_object_get(ev, "choices"), 0);
  take_finish(c, choice);
  json_t *t = c->chat
                  ? json_object_get(json_object_get(choice, "delta"), "content")
                  : json_object_get(choice, "text");
  const char *s = json_string_value(t);
  size_t n = json_string_length(t);
  int rc = 0;
  if (s && n) {
    c->chunks++;
    if (lotse_buf_append(&c->text, s, n)) {
      rc = -1;
    } else if (c->req->on_text) {
      c->delivered = 1;
      if (c->req->on_text(c->req->ud, s, n)) {
        c->cancelled = 1;
        rc = -1;
      }
    }
  }
  json_decref(ev);
  return rc;
}

/* The end of the first event in d[from..len) (the blank line after it,
 * "\n\n" or "\n\r\n"), or NULL when it is not complete yet. */
static char *event_end(const lotse_buf_t *d, size_t from) {
  for (size_t i = from; i + 1 < d->len; i++)
    if (d->data[i] == '\n' &&
        (d->data[i + 1] == '\n' ||
         (d->data[i + 1] == '\r' && i + 2 < d->len && d->data[i + 2] == '\n')))
      return d->data + i;
  return NULL;
}

/* The "data:" lines of the event p..end, joined by newlines, into ev. */
static int event_data(const char *p, const char *end, lotse_buf_t *ev) {
  int rc = 0;
  while (p < end && !rc) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    size_t ll = (size_t)(le - p);
    if (ll && p[ll - 1] == '\r') ll--;
    if (ll >= 5 && memcmp(p, "data:", 5) == 0) {
      const char *v = p + 5;
      size_t vl = ll - 5;
      if (vl && *v == ' ') v++, vl--;
      if (ev->len) rc = lotse_buf_putc(ev, '\n');
      if (!rc) rc = lotse_buf_append(ev, v, vl);
    }
    p = nl ? nl + 1 : end;
  }
  return rc;
}

/* Handle the complete events at the front of c->data. */
static int drain_events(oai_call_t *c) {
  lotse_buf_t *d = &c->data;
  size_t start = 0;
  char *end;
  while ((end = event_end(d, start)) != NULL) {
    lotse_buf_t ev;
    lotse_buf_init(&ev, OAI_EVENT_MAX);
    int rc = event_data(d->data + start, end, &ev);
    if (!rc && ev.len) rc = on_event(c, ev.data, ev.len);
    lotse_buf_release(&ev);
    if (rc) return -1;
    start = (size_t)(end - d->data) + (end[1] == '\r' ? 3 : 2);
  }
  if (start) {
    memmove(d->data, d->data + start, d->len - start);
    d->len -= start;
    d->data[d->len] = '\0';
  }
  return 0;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud) {
  oai_call_t *c = ud;
  size_t len = size * n;
  if (!c->status) curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->status);
  if (lotse_buf_append(&c->data, p, len)) return 0;
  if (c->stream && c->status >= 200 && c->status < 300 && drain_events(c))
    return 0;
  return len;
}

/* ------------------------------------------------------------ HTTP */

static struct curl_slist *headers(const oai_t *o) {
  struct curl_slist *l =
      curl_slist_append(NULL, "Content-Type: application/json");
  struct curl_slist *t =
      l ? curl_slist_append(l, "Accept: application/json, text/event-stream")
        : NULL;
  if (!t) {
    curl_slist_free_all(l);
    return NULL;
  }
  l = t;
  if (o->api_key) {
    size_t n = strlen(o->api_key) + 32;
    char *h = malloc(n);
    if (h) snprintf(h, n, "Authorization: Bearer %s", o->api_key);
    t = h ? curl_slist_append(l, h) : NULL;
    if (h) { /* wipe the copy; curl keeps its own */
      memset(h, 0, n);
      free(h);
    }
    if (!t) {
      curl_slist_free_all(l);
      return NULL;
    }
    l = t;
  }
  return l;
}

static void set_options(oai_call_t *c, struct curl_slist *hl, char *ebuf) {
  const oai_t *o = c->o;
  CURL *h = c->h;
  long connect =
      o->timeout_ms < OAI_CONNECT_MAX ? o->timeout_ms : OAI_CONNECT_MAX;
  curl_easy_setopt(h, CURLOPT_URL, c->url);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "lotse");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect);
  if (c->body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body);
  if (c->stream) { /* a long answer is fine; silence is not */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     (long)(o->timeout_ms + 999) / 1000);
  } else {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
  }
}

static int retryable(CURLcode cc, long status) {
  if (cc == CURLE_OK) return status == 429 || status >= 500;
  return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
         cc == CURLE_COULDNT_RESOLVE_PROXY || cc == CURLE_GOT_NOTHING ||
         cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int status_code(long status) {
  if (status == 400 || status == 413 || status == 422) return LOTSE_EINVAL;
  if (status == 401 || status == 403) return LOTSE_EACCESS;
  if (status == 404) return LOTSE_ENOTFOUND;
  return LOTSE_EIO;
}

/* The failure of a finished attempt as err. */
static int call_error(oai_call_t *c, CURLcode cc, const char *ebuf,
                      lotse_err_t *err) {
  if (c->cancelled) return lotse_err_set(err, LOTSE_ECANCELED, "cancelled");
  if (c->stream_err)
    return lotse_err_set(err, LOTSE_EIO, "server %s reported an error: %s",
                         c->url, c->stream_msg);
  if (cc == CURLE_OPERATION_TIMEDOUT)
    return lotse_err_set(err, LOTSE_ETIMEDOUT, "no answer from %s within %d ms",
                         c->url, c->o->timeout_ms);
  if (cc != CURLE_OK)
    return lotse_err_set(err, LOTSE_EIO, "unable to reach %s: %s", c->url,
                         ebuf[0] ? ebuf : curl_easy_strerror(cc));
  json_t *o =
      json_loadb(c->data.data ? c->data.data : "", c->data.len, 0, NULL);
  const char *m = error_message(o);
  char *clean = lotse_utf8_sanitize(
      m ? m : (c->data.data ? c->data.data : ""),
      m ? strlen(m) : (c->data.len > 200 ? 200 : c->data.len));
  int rc =
      lotse_err_set(err, status_code(c->status), "server %s answered %ld: %s",
                    c->url, c->status, clean ? clean : "");
  free(clean);
  json_decref(o);
  return rc;
}

/* Run the call, retrying what may be retried. 0 when the server answered
 * 2xx and the whole body (or stream) was read. */
static int call_perform(oai_call_t *c, lotse_err_t *err) {
  struct curl_slist *hl = headers(c->o);
  if (!hl) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  for (int attempt = 0;; attempt++) {
    char ebuf[CURL_ERROR_SIZE] = "";
    lotse_buf_reset(&c->data);
    c->status = 0;
    c->h = curl_easy_init();
    if (!c->h) {
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
      break;
    }
    set_options(c, hl, ebuf);
    CURLcode cc = curl_easy_perform(c->h);
    if (!c->status) curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->status);
    curl_off_t after = -1;
    curl_easy_getinfo(c->h, CURLINFO_RETRY_AFTER, &after);
    curl_easy_cleanup(c->h);
    c->h = NULL;
    if (!c->cancelled && !c->stream_err && cc == CURLE_OK && c->status >= 200 &&
        c->status < 300)
      break;
    if (!c->cancelled && !c->stream_err && !c->delivered &&
        attempt < c->o->retries && retryable(cc, c->status)) {
      long ms = OAI_BACKOFF_MS << (attempt < 5 ? attempt : 5);
      if (ms > OAI_BACKOFF_MAX_MS) ms = OAI_BACKOFF_MAX_MS;
      if (after > 0 && after <= OAI_RETRY_AFTER_MAX_S) ms = (long)after * 1000;
      lotse_log(LOTSE_LOG_WARN, "openai: %s: %s, retrying in %ld ms", c->url,
                cc != CURLE_OK ? curl_easy_strerror(cc) : "server error", ms);
      lotse_buf_reset(&c->text);
      c->chunks = 0;
      sleep_ms(ms);
      continue;
    }
    rc = call_error(c, cc, ebuf, err);
    break;
  }
  curl_slist_free_all(hl);
  return rc;
}

static void call_init(oai_call_t *c, const oai_t *o, const char *path,
                      const char *body, int stream) {
  memset(c, 0, sizeof *c);
  c->o = o;
  snprintf(c->url, sizeof c->url, "%s%s", o->base, path);
  c->body = body;
  c->stream = stream;
  lotse_buf_init(&c->data, stream ? OAI_EVENT_MAX : OAI_BODY_MAX);
  lotse_buf_init(&c->text, OAI_BODY_MAX);
}

static void call_release(oai_call_t *c) {
  lotse_buf_release(&c->data);
  lotse_buf_release(&c->text);
}

/* The body of a successful call as a JSON object. */
static json_t *call_json(oai_call_t *c, lotse_err_t *err) {
  json_error_t je;
  json_t *o = json_loadb(c->data.data ? c->data.data : "", c->data.len, 0, &je);
  if (!json_is_object(o)) {
    json_decref(o);
    lotse_err_set(err, LOTSE_ECORRUPT, "server %s sent no JSON object: %s",
                  c->url, je.text);
    return NULL;
  }
  return o;
}

/* ------------------------------------------------------------ requests */

static int add_sampling(json_t *o, const llm_sampling_t *s) {
  int bad = json_object_set_new(o, "temperature",
                                json_real(s->temp > 0 ? s->temp : 0));
  bad |= json_object_set_new(o, "seed", json_integer((json_int_t)s->seed));
  if (s->temp > 0) { /* irrelevant when greedy; some servers refuse them */
    if (s->top_p > 0 && s->top_p < 1)
      bad |= json_object_set_new(o, "top_p", json_real(s->top_p));
    if (s->top_k > 0)
      bad |= json_object_set_new(o, "top_k", json_integer(s->top_k));
    if (s->min_p > 0)
      bad |= json_object_set_new(o, "min_p", json_real(s->min_p));
  }
  if (s->repeat_penalty > 0 && s->repeat_penalty != 1) {
    bad |=
        json_object_set_new(o, "repeat_penalty", json_real(s->repeat_penalty));
    bad |= json_object_set_new(o, "repetition_penalty",
                               json_real(s->repeat_penalty));
  }
  return bad;
}

static int add_input(json_t *o, const llm_request_t *req) {
  if (!req->msgs)
    return json_object_set_new(o, "prompt", json_string(req->prompt));
  json_t *a = json_array();
  int bad = !a;
  for (size_t i = 0; !bad && i < req->n_msgs; i++)
    bad = json_array_append_new(
        a, json_pack("{s:s, s:s}", "role", req->msgs[i].role, "content",
                     req->msgs[i].content ? req->msgs[i].content : ""));
  if (bad) {
    json_decref(a);
    return -1;
  }
  return json_object_set_new(o, "messages", a);
}

static int add_options(json_t *o, const llm_request_t *req, int stream) {
  int bad = 0;
  if (req->max_tokens > 0)
    bad |= json_object_set_new(o, "max_tokens", json_integer(req->max_tokens));
  if (req->n_stop) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < req->n_stop; i++)
      if (json_array_append_new(a, json_string(req->stop[i]))) bad = 1;
    bad |= json_object_set_new(o, "stop", a);
  }
  bad |= json_object_set_new(o, "stream", json_boolean(stream));
  if (stream)
    bad |= json_object_set_new(o, "stream_options",
                               json_pack("{s:b}", "include_usage", 1));
  return bad;
}

static int add_schema(json_t *o, const char *schema, lotse_err_t *err) {
  if (!schema) return 0;
  json_error_t je;
  json_t *s = json_loads(schema, 0, &je);
  if (!json_is_object(s)) {
    json_decref(s);
    return lotse_err_set(err, LOTSE_EINVAL, "invalid json schema: %s", je.text);
  }
  if (json_object_set_new(o, "response_format",
                          json_pack("{s:s, s:{s:s, s:o, s:b}}", "type",
                                    "json_schema", "json_schema", "name",
                                    "lotse", "schema", s, "strict", 1)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

static char *request_body(const oai_t *o, const llm_request_t *req, int stream,
                          lotse_err_t *err) {
  json_t *b = json_object();
  if (!b) {
    lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    return NULL;
  }
  int bad = json_object_set_new(b, "model", json_string(o->model));
  bad |= add_input(b, req);
  bad |= add_sampling(b, &req->sampling);
  bad |= add_options(b, req, stream);
  char *text = NULL;
  if (bad)
    lotse_err_set(err, LOTSE_EINVAL,
                  "unable to encode the request (text not UTF-8?)");
  else if (!add_schema(b, req->json_schema, err)) {
    text = json_dumps(b, JSON_COMPACT);
    if (!text) lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  json_decref(b);
  return text;
}

/* A non-streamed answer into the call's stream fields. */
static int take_whole(oai_call_t *c, lotse_err_t *err) {
  json_t *o = call_json(c, err);
  if (!o) return err->code;
  take_usage(c, o);
  json_t *choice = json_array_get(json_object_get(o, "choices"), 0);
  take_finish(c, choice);
  json_t *t =
      c->chat ? json_object_get(json_object_get(choice, "message"), "content")
              : json_object_get(choice, "text");
  int rc = 0;
  if (!json_is_string(t) && !json_is_null(t))
    rc = lotse_err_set(err, LOTSE_ECORRUPT, "server %s sent no text", c->url);
  else if (lotse_buf_append(&c->text,
                            json_string_value(t) ? json_string_value(t) : "",
                            json_string_length(t)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "answer too large");
  json_decref(o);
  return rc;
}

static int oai_generate(void *impl, const llm_request_t *req, llm_result_t *res,
                        lotse_err_t *err) {
  const oai_t *o = impl;
  memset(res, 0, sizeof *res);
  if (!req->msgs == !req->prompt)
    return lotse_err_set(err, LOTSE_EINVAL, "need either messages or a prompt");
  int stream = req->on_text != NULL;
  char *body = request_body(o, req, stream, err);
  if (!body) return err->code ? err->code : LOTSE_ENOMEM;
  oai_call_t c;
  call_init(&c, o, req->msgs ? "/chat/completions" : "/completions", body,
            stream);
  c.req = req;
  c.chat = req->msgs != NULL;
  int rc = call_perform(&c, err);
  if (!rc && !stream) rc = take_whole(&c, err);
  if (!rc) {
    res->text = c.text.data ? lotse_buf_detach(&c.text) : lotse_strdup("");
    if (!res->text) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    res->prompt_tokens = c.prompt_tokens;
    res->completion_tokens =
        c.completion_tokens ? c.completion_tokens : c.chunks;
    snprintf(res->finish_reason, sizeof res->finish_reason, "%s",
             strcmp(c.finish, "length") == 0 ? "length" : "stop");
  }
  call_release(&c);
  free(body);
  return rc;
}

/* ---------------------------------------------------------- embeddings */

static int take_vector(oai_call_t *c, float **vec, size_t *dim,
                       int *n_tokens, lotse_err_t *err) {
  json_t *o = call_json(c, err);
  if (!o) return err->code;
  json_int_t pt = json_integer_value(
      json_object_get(json_object_get(o, "usage"), "prompt_tokens"));
  *n_tokens = pt > 0 && pt < INT32_MAX ? (int)pt : 0;
  json_t *e = json_object_get(json_array_get(json_object_get(o, "data"), 0),
                              "embedding");
  size_t n = json_array_size(e);
  int rc = 0;
  float *v = n ? malloc(n * sizeof *v) : NULL;
  double norm = 0;
  for (size_t i = 0; v && i < n; i++) {
    json_t *x = json_array_get(e, i);
    if (!json_is_number(x)) break;
    v[i] = (float)json_number_value(x);
    norm += (double)v[i] * v[i];
  }
  if (!n || !v || !(norm > 0) || !isfinite(norm)) {
    free(v);
    rc = lotse_err_set(err, LOTSE_ECORRUPT,
                       "server %s sent no usable embedding", c->url);
  } else {
    float inv = (float)(1.0 / sqrt(norm));
    for (size_t i = 0; i < n; i++) v[i] *= inv;
    *vec = v;
    *dim = n;
  }
  json_decref(o);
  return rc;
}

static int oai_embed(void *impl, const char *text, size_t len,
                     llm_embed_pool_t pool, float **vec, size_t *dim,
                     int *n_tokens, lotse_err_t *err) {
  const oai_t *o = impl;
  *vec = NULL;
  *dim = 0;
  json_t *b = json_pack("{s:s, s:s%, s:s}", "model", o->model, "input", text,
                        len, "encoding_format", "float");
  if (b && pool == LLM_EMBED_LAST) /* lotse's own server understands it */
    json_object_set_new(b, "pooling", json_string("last"));
  char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
  json_decref(b);
  if (!body)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unable to encode the text (not UTF-8?)");
  oai_call_t c;
  call_init(&c, o, "/embeddings", body, 0);
  int rc = call_perform(&c, err);
  if (!rc) rc = take_vector(&c, vec, dim, n_tokens, err);
  call_release(&c);
  free(body);
  return rc;
}

/* ---------------------------------------------------------- lifecycle */

static int first_model(oai_t *o, lotse_err_t *err) {
  oai_call_t c;
  call_init(&c, o, "/models", NULL, 0);
  int rc = call_perform(&c, err);
  json_t *j = rc ? NULL : call_json(&c, err);
  if (!rc && !j) rc = err->code;
  const char *id = json_string_value(
      json_object_get(json_array_get(json_object_get(j, "data"), 0), "id"));
  if (!rc && !id)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "server %s lists no model", c.url);
  if (!rc && !(o->model = lotse_strdup(id)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  json_decref(j);
  call_release(&c);
  return rc;
}

static void oai_close(void *impl) {
  oai_t *o = impl;
  if (!o) return;
  if (o->api_key) memset(o->api_key, 0, strlen(o->api_key));
  free(o->api_key);
  free(o->base);
  free(o->model);
  free(o);
}

static int oai_open(const llm_config_t *cfg, void **impl, lotse_err_t *err) {
  *impl = NULL;
  const char *url = cfg->base_url;
  if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
    return lotse_err_set(
        err, LOTSE_EINVAL,
        "the openai backend needs a base url (http:// or https://)");
  pthread_once(&curl_once, curl_init);
  if (curl_init_rc != CURLE_OK)
    return lotse_err_set(err, LOTSE_EINTERNAL, "unable to initialise libcurl");
  oai_t *o = calloc(1, sizeof *o);
  if (!o) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  o->base = lotse_strdup(url);
  o->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : OAI_TIMEOUT_DEFAULT;
  o->retries = cfg->retries > 0 ? cfg->retries : 0;
  int rc = o->base ? 0 : LOTSE_ENOMEM;
  if (!rc && cfg->api_key && *cfg->api_key &&
      !(o->api_key = lotse_strdup(cfg->api_key)))
    rc = LOTSE_ENOMEM;
  if (!rc && cfg->model_name && !(o->model = lotse_strdup(cfg->model_name)))
    rc = LOTSE_ENOMEM;
  if (rc) lotse_err_set(err, rc, "out of memory");
  size_t n = o->base ? strlen(o->base) : 0;
  while (n && o->base[n - 1] == '/') o->base[--n] = '\0';
  if (!rc && !o->model) rc = first_model(o, err);
  if (rc) {
    oai_close(o);
    return rc;
  }
  *impl = o;
  return 0;
}

static const char *oai_model_id(void *impl) { return ((oai_t *)impl)->model; }

const llm_backend_ops_t llm_backend_openai = {
    .name = "openai",
    .open = oai_open,
    .close = oai_close,
    .model_id = oai_model_id,
    .generate = oai_generate,
    .embed = oai_embed,
};
