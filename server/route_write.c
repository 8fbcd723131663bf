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
 *
 * POST /api/write: a draft from a built-in template through the governed
 * application (apps/write.h), body {"template", "values": {name: text},
 * "register", "app", "doc_id" | "query", "max_tokens"}; 200 with the
 * labelled draft and the style check's findings, 403 refused by the gate,
 * 400 bad body/template/values, 404 document not readable, 503 no model.
 * Spec: server/api/write-draft.json.
 */
#include "server/server_internal.h"

#include "apps/write.h"
#include "text/style.h"

#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------ POST /api/write: draft */

typedef struct draft_params {
  json_t *body;
  write_template_t t;
  write_kv_t kv[WRITE_KEYS_MAX];
  size_t n_kv;
  write_opts_t o;
  json_int_t doc_id;
  const char *query;
} draft_params_t;

static int opt_string(json_t *body, const char *key, const char **out) {
  json_t *v = json_object_get(body, key);
  *out = json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)
             ? json_string_value(v) : NULL;
  return v && !json_is_null(v) && !*out;
}

static int values_or_reply(http_req_t *r, draft_params_t *p) {
  json_t *vals = json_object_get(p->body, "values");
  if (vals && !json_is_null(vals) && !json_is_object(vals))
    return bad_or_reply(r, "Feld 'values' muss ein JSON-Objekt sein");
  const char *k;
  json_t *v;
  json_object_foreach(vals, k, v) {
    if (!json_is_string(v) ||
        strlen(json_string_value(v)) != json_string_length(v))
      return bad_or_reply(r, "Werte in 'values' müssen Texte sein");
    if (p->n_kv >= WRITE_KEYS_MAX)
      return bad_or_reply(r, "zu viele Werte in 'values'");
    p->kv[p->n_kv++] = (write_kv_t){k, json_string_value(v)};
  }
  return 0;
}

static int draft_params_or_reply(http_req_t *r, draft_params_t *p) {
  json_error_t je;
  if (!r->body.len) return bad_or_reply(r, "Anfragekörper (JSON) fehlt");
  p->body = json_loadb(r->body.data, r->body.len, 0, &je);
  if (!json_is_object(p->body))
    return bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
  const char *tid = NULL;
  if (opt_string(p->body, "template", &tid) || !tid)
    return bad_or_reply(r, "Feld 'template' (Text) fehlt");
  if (opt_string(p->body, "app", &p->o.app_id) ||
      opt_string(p->body, "register", &p->o.reg) ||
      opt_string(p->body, "query", &p->query))
    return bad_or_reply(r, "Felder 'app', 'register' und 'query' müssen Texte sein");
  json_t *d = json_object_get(p->body, "doc_id"), *mt = json_object_get(p->body, "max_tokens");
  if (d && !json_is_null(d) && (!json_is_integer(d) || json_integer_value(d) < 1))
    return bad_or_reply(r, "Feld 'doc_id' muss eine Dokumentnummer sein");
  if (mt && !json_is_null(mt) &&
      (!json_is_integer(mt) || json_integer_value(mt) < 1 ||
       json_integer_value(mt) > 65536))
    return bad_or_reply(r, "Feld 'max_tokens' muss eine Zahl von 1 bis 65536 sein");
  p->doc_id = json_is_integer(d) ? json_integer_value(d) : 0;
  p->o.max_tokens = json_is_integer(mt) ? (int)json_integer_value(mt) : 0;
  if (!p->o.app_id) p->o.app_id = "schreiben";
  if (p->doc_id && p->query)
    return bad_or_reply(r, "höchstens eines von 'doc_id' und 'query' angeben");
  lotse_err_t err = {0};
  char *ws = server_workspace_dir(r->srv->o.db_path);
  int rc = ws ? write_template_find(ws, tid, &p->t, NULL, &err)
              : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  free(ws);
  if (rc) return bad_or_reply(r, err.msg);
  return values_or_reply(r, p);
}

static enum MHD_Result draft_failure(http_req_t *r, int rc,
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
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", err->msg);
  if (rc == LOTSE_ENOTFOUND || rc == LOTSE_EEMPTY)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "%s", err->msg);
  if (rc == LOTSE_EUNSUPPORTED)
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err->msg);
  lotse_log(LOTSE_LOG_ERROR, "server: write: %s", err->msg);
  return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "Interner Fehler beim Entwerfen");
}

static json_t *draft_json(const draft_params_t *p, const write_result_t *res) {
  json_t *f = findings_json(&res->findings);
  if (!f) return NULL;
  return json_pack("{s:s, s:s, s:o, s:I, s:s, s:o, s:o, s:b}", "template",
                   p->t.id, "register", p->o.reg ? p->o.reg : p->t.reg, "text",
                   server_json_text(res->text), "draft_id",
                   (json_int_t)res->draft_id, "label", GOV_DRAFT_LABEL,
                   "notice", res->notice ? server_json_text(res->notice)
                                         : json_null(),
                   "findings", f, "truncated", res->findings.truncated);
}

static int draft_run(http_req_t *r, draft_params_t *p, write_result_t *res,
                     lotse_err_t *err) {
  gov_ctx_t *gc = NULL;
  write_sources_t src = {0};
  int rc = server_gov_open(r, &gc, err);
  if (!rc && p->doc_id)
    rc = write_sources_doc(r->w->st, &r->principal, (int64_t)p->doc_id, &src, err);
  else if (!rc && p->query)
    rc = write_sources_query(r->w->search, r->w->st, &r->principal, p->query,
                             WRITE_QUERY_PASSAGES, &src, err);
  p->o.src = &src;
  if (!rc)
    rc = write_draft(gc, &r->principal, &p->t, p->kv, p->n_kv, &p->o, res, err);
  write_sources_release(&src);
  gov_ctx_free(gc);
  return rc;
}

enum MHD_Result route_write_draft(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Die Schreibassistenz ist nur für angemeldete Beschäftigte");
  draft_params_t p;
  memset(&p, 0, sizeof p);
  enum MHD_Result out;
  if (draft_params_or_reply(r, &p)) {
    out = r->result;
  } else {
    lotse_err_t err = {0};
    write_result_t res;
    memset(&res, 0, sizeof res);
    int rc = draft_run(r, &p, &res, &err);
    json_t *body = rc ? NULL : draft_json(&p, &res);
    if (rc) out = draft_failure(r, rc, &res.decision, &err);
    else if (!body)
      out = server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                               "Interner Fehler beim Entwerfen");
    else out = server_reply_json(r, MHD_HTTP_OK, body);
    write_result_release(&res);
  }
  write_template_release(&p.t);
  json_decref(p.body);
  return out;
}
