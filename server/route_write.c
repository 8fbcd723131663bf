/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_write.c — POST /api/write/check: the writing assistant's
 * style check for administrative German (text/style.h) on a text sent as
 * {"text": "...", "max_words": 25}.
 *
 * Contract: named users only (anonymous 401); nothing is stored or sent to
 * a model. 200 with {"findings": [{rule, start, end, message,
 * suggestion}], "truncated": bool}, start/end byte offsets into the UTF-8
 * text; 400 for a body out of shape, 413 for a text over WRITE_TEXT_MAX
 * bytes (or a request over the server's size limit). Spec:
 * server/api/write.json.
 */
#include "server/server_internal.h"

#include "text/style.h"

#define WRITE_TEXT_MAX ((size_t)256 << 10)

static int bad_or_reply(http_req_t *r, const char *msg) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
  return -1;
}

/* The text and options of the body; *body to be released by the caller. */
static int params_or_reply(http_req_t *r, json_t **body, const char **text,
                           size_t *len, text_style_opts_t *o) {
  json_error_t je;
  if (!r->body.len) return bad_or_reply(r, "Anfragekörper (JSON) fehlt");
  *body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!json_is_object(*body))
    return bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
  json_t *t = json_object_get(*body, "text");
  json_t *mw = json_object_get(*body, "max_words");
  if (!json_is_string(t)) return bad_or_reply(r, "Feld 'text' (Text) fehlt");
  if (mw && !json_is_null(mw) &&
      (!json_is_integer(mw) || json_integer_value(mw) < 1 ||
       json_integer_value(mw) > 1000))
    return bad_or_reply(r, "Feld 'max_words' muss eine Zahl von 1 bis 1000 "
                           "sein");
  *text = json_string_value(t);
  *len = json_string_length(t);
  if (*len > WRITE_TEXT_MAX) {
    server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                       "Der Text ist zu lang (höchstens %zu KiB)",
                       WRITE_TEXT_MAX >> 10);
    return -1;
  }
  o->max_words = json_is_integer(mw) ? (unsigned)json_integer_value(mw) : 0;
  return 0;
}

static json_t *findings_json(const text_style_list_t *l) {
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < l->n; k++) {
    const text_style_finding_t *f = &l->v[k];
    json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:o}", "rule",
                          text_style_rule_id(f->rule), "start",
                          (json_int_t)f->start, "end", (json_int_t)f->end,
                          "message", server_json_text(f->message),
                          "suggestion", server_json_text(f->suggestion));
    if (!o || json_array_append_new(arr, o)) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

enum MHD_Result route_write(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Die Schreibassistenz ist nur für angemeldete Beschäftigte");
  json_t *body = NULL;
  const char *text = NULL;
  size_t len = 0;
  text_style_opts_t o = {0};
  if (params_or_reply(r, &body, &text, &len, &o)) {
    json_decref(body);
    return r->result;
  }
  text_style_list_t l = {0};
  lotse_err_t err = {0};
  int rc = text_style_check(text, len, &o, &l, &err);
  json_t *arr = rc ? NULL : findings_json(&l);
  json_t *reply = arr ? json_pack("{s:o, s:b}", "findings", arr, "truncated",
                                  l.truncated)
                      : NULL;
  text_style_list_release(&l);
  json_decref(body);
  if (!reply)
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Prüfung ist fehlgeschlagen");
  return server_reply_json(r, MHD_HTTP_OK, reply);
}
