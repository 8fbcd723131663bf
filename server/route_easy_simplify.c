/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_easy_simplify.c — POST /api/easy/simplify: a Bescheid or
 * letter to a draft in Leichte Sprache through the governed application
 * (apps/easy_simplify.h, default "leichte-sprache"), with the rule check of
 * POST /api/easy/check on the draft and the scores of the original.
 *
 * Body {"text", "app"?, "max_words"?, "max_letters"?, "max_tokens"?}.
 * 200 {text, draft_id, label, notice (EASY_NOTICE_DE: not legally
 * binding), ai_notice (the application's transparency notice or null),
 * findings, scores, original_scores}; 400 body out of shape or text not
 * UTF-8; 401 anonymous; 403 refused by the gate (with "reason", as POST
 * /api/write); 413 text over EASY_SIMPLIFY_MAX or, with the instruction,
 * over the model's context; 503 no model, no hyphenation patterns or
 * an empty draft. A refusal or failure stores no draft.
 * Spec: server/api/easy-simplify.json, page docs/api/easy-simplify.md.
 */
#include "server/server_internal.h"

#include "apps/easy_qr.h"
#include "apps/easy_simplify.h"

#include <stdlib.h>
#include <string.h>

typedef struct params {
  json_t *body;
  const char *text;
  size_t len;
  easy_simplify_opts_t o;
} params_t;

static int bad_or_reply(http_req_t *r, const char *msg) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
  return -1;
}

/* An integer field lo..hi: absent or null leaves *out at 0 (default). */
static int int_or_reply(http_req_t *r, const char *key, int lo, int hi,
                        json_t *body, int *out) {
  json_t *v = json_object_get(body, key);
  if (!v || json_is_null(v)) return 0;
  if (!json_is_integer(v) || json_integer_value(v) < lo ||
      json_integer_value(v) > hi) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Feld '%s' muss eine Zahl von %d bis %d sein", key, lo,
                       hi);
    return -1;
  }
  *out = (int)json_integer_value(v);
  return 0;
}

static int params_or_reply(http_req_t *r, params_t *p) {
  json_error_t je;
  if (!r->body.len) return bad_or_reply(r, "Anfragekörper (JSON) fehlt");
  p->body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!json_is_object(p->body))
    return bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
  json_t *t = json_object_get(p->body, "text");
  json_t *app = json_object_get(p->body, "app");
  if (!json_is_string(t) || json_string_length(t) == 0)
    return bad_or_reply(r, "Feld 'text' (Text des Bescheids) fehlt");
  if (app && !json_is_null(app) &&
      (!json_is_string(app) || !*json_string_value(app) ||
       strlen(json_string_value(app)) != json_string_length(app)))
    return bad_or_reply(r, "Feld 'app' muss der Name einer Anwendung sein");
  if (int_or_reply(r, "max_words", 1, 1000, p->body, &p->o.max_words) ||
      int_or_reply(r, "max_letters", 1, 1000, p->body, &p->o.long_letters) ||
      int_or_reply(r, "max_tokens", 1, 65536, p->body, &p->o.max_tokens))
    return -1;
  p->text = json_string_value(t);
  p->len = json_string_length(t);
  p->o.app_id = json_is_string(app) ? json_string_value(app) : NULL;
  if (p->len > EASY_SIMPLIFY_MAX) {
    server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                       "Der Text ist zu lang (höchstens %zu KiB)",
                       EASY_SIMPLIFY_MAX >> 10);
    return -1;
  }
  return 0;
}

static enum MHD_Result failure(http_req_t *r, int rc, const gov_decision_t *d,
                               const lotse_err_t *err) {
  if (rc == LOTSE_EREFUSED) {
    int gate = d->reason != GOV_REFUSE_NONE;
    json_t *body = json_pack(
        "{s:{s:i, s:o, s:s, s:s}}", "error", "code", 403, "message",
        server_json_text(gate ? d->message : err->msg), "type", "forbidden",
        "reason", gate ? gov_refusal_code(d->reason) : "model");
    return server_reply_json(r, MHD_HTTP_FORBIDDEN, body);
  }
  if (rc == LOTSE_EINVAL)
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", err->msg);
  if (rc == LOTSE_ETOOBIG || rc == LOTSE_ELIMIT)
    return server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "%s", err->msg);
  if (rc == LOTSE_EUNSUPPORTED || rc == LOTSE_ENOTFOUND || rc == LOTSE_EEMPTY)
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "%s",
                              err->msg);
  lotse_log(LOTSE_LOG_ERROR, "server: easy simplify: %s", err->msg);
  return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "Interner Fehler beim Übertragen in Leichte "
                            "Sprache");
}

static json_t *result_json(const easy_simplify_t *s) {
  json_t *f = easy_findings_json(&s->check);
  json_t *sc = easy_scores_json(&s->check);
  json_t *orig = easy_scores_json(&s->original);
  if (!f || !sc || !orig) {
    json_decref(f);
    json_decref(sc);
    json_decref(orig);
    return NULL;
  }
  return json_pack("{s:o, s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "text",
                   server_json_text(s->text), "draft_id",
                   (json_int_t)s->draft_id, "label", GOV_DRAFT_LABEL,
                   "notice", EASY_NOTICE_DE, "ai_notice",
                   s->ai_notice ? server_json_text(s->ai_notice) : json_null(),
                   "findings", f, "scores", sc, "original_scores", orig);
}

static int run(http_req_t *r, const params_t *p, easy_simplify_t *out,
               lotse_err_t *err) {
  gov_ctx_t *gc = NULL;
  int rc = server_gov_open(r, &gc, err);
  if (!rc)
    rc = easy_simplify(gc, &r->principal, p->text, p->len, &p->o, out, err);
  gov_ctx_free(gc);
  return rc;
}

enum MHD_Result route_easy_simplify(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Leichte Sprache mit KI ist nur für angemeldete Beschäftigte");
  params_t p;
  memset(&p, 0, sizeof p);
  enum MHD_Result out;
  if (params_or_reply(r, &p)) {
    out = r->result;
  } else {
    lotse_err_t err = {0};
    easy_simplify_t res;
    memset(&res, 0, sizeof res);
    int rc = run(r, &p, &res, &err);
    json_t *body = rc ? NULL : result_json(&res);
    if (rc)
      out = failure(r, rc, &res.decision, &err);
    else if (!body)
      out = server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                               "kein Speicher");
    else
      out = server_reply_json(r, MHD_HTTP_OK, body);
    easy_simplify_release(&res);
  }
  json_decref(p.body);
  return out;
}
