/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_easy.c — the Leichte-Sprache tools over HTTP:
 *   POST /api/easy/check  {"text": "...", "max_words": N, "max_letters": N}
 *     the rule check and readability scores of text/easy.h, the same
 *     findings and scores as `lotse easy check --json`, as one object
 *     {"findings": [...], "scores": {...}};
 *   GET /api/easy/qr?url=URL&format=png|svg[&size=N]
 *     the QR code for a link to an easy version (apps/easy_qr.h), the same
 *     image as `lotse easy qr --url URL`.
 *
 * Contract: named users only (anonymous 401); nothing is stored or sent to
 * a model. 400 for a body or query out of shape, 413 for a text over
 * EASY_TEXT_MAX bytes. Specs: server/api/easy-check.json, easy-qr.json.
 */
#include "server/server_internal.h"

#include "apps/easy_simplify.h"

#include "apps/easy_qr.h"
#include "text/easy.h"

#include <stdlib.h>
#include <string.h>

#define EASY_TEXT_MAX ((size_t)256 << 10)

static int bad_or_reply(http_req_t *r, const char *msg) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
  return -1;
}

/* A threshold field: absent or null leaves *out at 0 (the default). */
static int limit_or_reply(http_req_t *r, json_t *body, const char *key,
                          int *out) {
  json_t *v = json_object_get(body, key);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < 1 ||
      json_integer_value(v) > 1000) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Feld '%s' muss eine Zahl von 1 bis 1000 sein", key);
    return -1;
  }
  *out = (int)json_integer_value(v);
  return 0;
}

/* The text and options of the body; *body to be released by the caller. */
static int params_or_reply(http_req_t *r, json_t **body, const char **text,
                           size_t *len, text_easy_opts_t *o) {
  json_error_t je;
  if (!r->body.len) return bad_or_reply(r, "Anfragekörper (JSON) fehlt");
  *body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!json_is_object(*body))
    return bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
  json_t *t = json_object_get(*body, "text");
  if (!json_is_string(t)) return bad_or_reply(r, "Feld 'text' (Text) fehlt");
  if (limit_or_reply(r, *body, "max_words", &o->max_words) ||
      limit_or_reply(r, *body, "max_letters", &o->long_letters))
    return -1;
  *text = json_string_value(t);
  *len = json_string_length(t);
  if (*len > EASY_TEXT_MAX) {
    server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                       "Der Text ist zu lang (höchstens %zu KiB)",
                       EASY_TEXT_MAX >> 10);
    return -1;
  }
  return 0;
}

enum MHD_Result route_easy_check(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Die Prüfung auf Leichte Sprache ist nur für angemeldete "
           "Beschäftigte");
  json_t *body = NULL;
  const char *text = NULL;
  size_t len = 0;
  text_easy_opts_t o = {0, 0};
  if (params_or_reply(r, &body, &text, &len, &o)) {
    json_decref(body);
    return r->result;
  }
  lotse_err_t err = {0};
  const text_hyphen_t *h = text_hyphen_get(&err);
  if (!h) {
    json_decref(body);
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err.msg);
  }
  text_easy_result_t res;
  json_t *reply = NULL;
  if (!text_easy_check(text, len, h, &o, &res, &err)) {
    json_t *f = easy_findings_json(&res), *s = easy_scores_json(&res);
    reply = f && s ? json_pack("{s:o, s:o}", "findings", f, "scores", s)
                   : NULL;
    if (!reply) json_decref(f), json_decref(s);
    text_easy_result_release(&res);
  }
  json_decref(body);
  if (!reply)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Prüfung ist fehlgeschlagen");
  return server_reply_json(r, MHD_HTTP_OK, reply);
}

/* Query parameter key: NULL when absent; *bad when empty or with a NUL. */
static const char *arg(http_req_t *r, const char *key, int *bad) {
  const char *v = server_query_arg(r, key, bad);
  if (v && !*v) *bad = 1;
  return v;
}

/* format (1 = PNG, 0 = SVG) and size; a 400 reply when out of shape. */
static int qr_opts_or_reply(http_req_t *r, int *png, int *px) {
  int bad = 0;
  const char *fmt = arg(r, "format", &bad);
  const char *size = arg(r, "size", &bad);
  *png = 1;
  *px = EASY_QR_SIZE_DEFAULT;
  if (fmt && !bad) {
    if (!strcmp(fmt, "svg"))
      *png = 0;
    else if (strcmp(fmt, "png"))
      bad = 1;
  }
  if (size && !bad) {
    char *end;
    long n = strtol(size, &end, 10);
    if (*end || n < 1 || n > EASY_QR_SIZE_MAX) bad = 1;
    *px = (int)n;
  }
  if (!bad) return 0;
  server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "Parameter 'format' muss png oder svg sein, 'size' eine "
                     "Zahl von 1 bis %d",
                     EASY_QR_SIZE_MAX);
  return -1;
}

enum MHD_Result route_easy_qr(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "QR-Codes für Leichte Sprache sind nur für angemeldete "
           "Beschäftigte");
  int bad = 0, png, px;
  const char *url = arg(r, "url", &bad);
  if (!url || bad) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'url' (die Adresse der Leichten Sprache) "
                       "fehlt");
    return r->result;
  }
  if (qr_opts_or_reply(r, &png, &px)) return r->result;
  lotse_err_t err = {0};
  easy_qr_t qr = {0, NULL};
  lotse_buf_t out;
  lotse_buf_init(&out, (size_t)16 << 20);
  int rc = easy_qr_url_check(url, &err);
  if (rc) {
    lotse_buf_release(&out);
    server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", err.msg);
    return r->result;
  }
  rc = easy_qr_encode(url, &qr, &err);
  if (!rc)
    rc = png ? easy_qr_png(&qr, px, &out, &err)
             : easy_qr_svg(&qr, px, &out, &err);
  easy_qr_free(&qr);
  if (rc) {
    lotse_buf_release(&out);
    return server_reply_error(r, rc == LOTSE_EINVAL
                                     ? MHD_HTTP_BAD_REQUEST
                                     : MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "%s", err.msg);
  }
  char *data = malloc(out.len ? out.len : 1);
  if (!data) {
    lotse_buf_release(&out);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "kein Speicher");
  }
  memcpy(data, out.data, out.len);
  size_t n = out.len;
  lotse_buf_release(&out);
  return server_reply_body(r, MHD_HTTP_OK,
                           png ? "image/png" : "image/svg+xml", data, n);
}
