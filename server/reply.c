/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/reply.c — queuing replies: JSON bodies, the one error shape, and
 * the headers every reply carries.
 *
 * Contract: each request gets at most one reply; every reply has
 * X-Content-Type-Options: nosniff, Cache-Control: no-store and
 * Content-Security-Policy: default-src 'none' (a web page its own, see
 * server_reply_page), and is counted in the
 * metrics under the request's route and status.
 * Invariants: error bodies are {"error": {"code", "message", "type"}} with
 * a German message; when even that cannot be built (out of memory) a fixed
 * 500 body is sent.
 */
#include "server/server_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT_JSON "application/json; charset=utf-8"

static const char OOM_BODY[] =
    "{\"error\":{\"code\":500,\"message\":\"Interner Fehler\","
    "\"type\":\"internal\"}}";

json_t *server_json_text(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  if (lotse_utf8_valid(s, n)) return json_stringn(s, n);
  char *clean = lotse_utf8_sanitize(s, n);
  json_t *j = clean ? json_string(clean) : NULL;
  free(clean);
  return j;
}

static const char *error_type(unsigned status) {
  switch (status) {
  case 400:
  case 415: return "invalid_request";
  case 401: return "unauthorized";
  case 403: return "forbidden";
  case 404: return "not_found";
  case 405: return "method_not_allowed";
  case 409: return "conflict";
  case 413:
  case 414: return "too_large";
  case 503: return "unavailable";
  default: return "internal";
  }
}

#define CSP_API "default-src 'none'"

static int add_headers(struct MHD_Response *resp, const char *ctype,
                       const char *csp) {
  return MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) ==
                 MHD_YES &&
         MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") ==
             MHD_YES &&
         MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                 "no-store") == MHD_YES &&
         MHD_add_response_header(resp, "Content-Security-Policy", csp) ==
             MHD_YES;
}

static int add_common_headers(struct MHD_Response *resp, const char *ctype) {
  return add_headers(resp, ctype, CSP_API);
}

/* Queue resp (consumed) and record the request in the metrics. */
static enum MHD_Result queue(http_req_t *r, unsigned status,
                             struct MHD_Response *resp) {
  r->replied = 1;
  r->result = MHD_queue_response(r->conn, status, resp);
  MHD_destroy_response(resp);
  server_metrics_record(&r->srv->metrics, r->route, status,
                        lotse_now_mono() - r->t0);
  return r->result;
}

static struct MHD_Response *make_response(char *body, size_t len,
                                          const char *ctype,
                                          enum MHD_ResponseMemoryMode mode) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, body, mode);
  if (!resp) {
    if (mode == MHD_RESPMEM_MUST_FREE) free(body);
    return NULL;
  }
  if (!add_common_headers(resp, ctype)) {
    MHD_destroy_response(resp);
    return NULL;
  }
  return resp;
}

static enum MHD_Result reply_oom(http_req_t *r) {
  struct MHD_Response *resp = make_response(
      (char *)OOM_BODY, sizeof OOM_BODY - 1, CT_JSON, MHD_RESPMEM_PERSISTENT);
  if (!resp) {
    r->replied = 1;
    r->result = MHD_NO; /* closes the connection */
    return r->result;
  }
  return queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, resp);
}

enum MHD_Result server_reply_body(http_req_t *r, unsigned status,
                                  const char *ctype, char *body,
                                  size_t len) {
  if (!body) return reply_oom(r);
  struct MHD_Response *resp =
      make_response(body, len, ctype, MHD_RESPMEM_MUST_FREE);
  if (!resp) return reply_oom(r);
  return queue(r, status, resp);
}

enum MHD_Result server_reply_page(http_req_t *r, unsigned status,
                                  const char *ctype, const char *csp,
                                  char *body, size_t len) {
  if (!body) return reply_oom(r);
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(body);
    return reply_oom(r);
  }
  if (!add_headers(resp, ctype, csp)) {
    MHD_destroy_response(resp);
    return reply_oom(r);
  }
  return queue(r, status, resp);
}

enum MHD_Result server_reply_response(http_req_t *r, unsigned status,
                                      const char *ctype,
                                      struct MHD_Response *resp) {
  if (!add_common_headers(resp, ctype)) {
    MHD_destroy_response(resp);
    return reply_oom(r);
  }
  return queue(r, status, resp);
}

enum MHD_Result server_reply_json(http_req_t *r, unsigned status,
                                  json_t *body) {
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!text) return reply_oom(r);
  return server_reply_body(r, status, CT_JSON, text, strlen(text));
}

/* The error body as text; NULL on OOM. */
static char *error_text(unsigned status, const char *msg) {
  json_t *inner = json_object(), *outer = json_object();
  char *text = NULL;
  if (inner && outer &&
      !json_object_set_new(inner, "code", json_integer(status)) &&
      !json_object_set_new(inner, "message", server_json_text(msg)) &&
      !json_object_set_new(inner, "type", json_string(error_type(status))) &&
      !json_object_set(outer, "error", inner))
    text = json_dumps(outer, JSON_COMPACT);
  json_decref(inner);
  json_decref(outer);
  return text;
}

static enum MHD_Result reply_error_with(http_req_t *r, unsigned status,
                                        const char *msg, const char *hname,
                                        const char *hvalue) {
  char *text = error_text(status, msg);
  if (!text) return reply_oom(r);
  struct MHD_Response *resp =
      make_response(text, strlen(text), CT_JSON, MHD_RESPMEM_MUST_FREE);
  if (!resp) return reply_oom(r);
  if (hname && MHD_add_response_header(resp, hname, hvalue) != MHD_YES) {
    MHD_destroy_response(resp);
    return reply_oom(r);
  }
  return queue(r, status, resp);
}

enum MHD_Result server_reply_error(http_req_t *r, unsigned status,
                                   const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return reply_error_with(r, status, msg, NULL, NULL);
}

enum MHD_Result server_reply_not_allowed(http_req_t *r, const char *allow) {
  char msg[160];
  snprintf(msg, sizeof msg, "Methode %s ist hier nicht erlaubt (erlaubt: %s)",
           r->method, allow);
  return reply_error_with(r, MHD_HTTP_METHOD_NOT_ALLOWED, msg,
                          MHD_HTTP_HEADER_ALLOW, allow);
}

enum MHD_Result server_reply_unauthorized(http_req_t *r, const char *msg) {
  return reply_error_with(r, MHD_HTTP_UNAUTHORIZED, msg,
                          MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
}
