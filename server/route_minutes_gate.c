/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_minutes_gate.c — the two /api/minutes steps that go beyond
 * the form (route_minutes.c has the paths):
 *   POST /api/minutes/draft          {notes, app?, max_tokens?}: notes →
 *                                    model through the gate (minutes_draft)
 *                                    → 200 {minutes, draft_id, label,
 *                                    finding}; 403 refused (with reason),
 *                                    503 no model
 *   POST /api/minutes/{id}/publish   {class?}: the signed-off minutes as a
 *                                    document search finds
 *                                    (minutes_publish) → 200 {doc_id}
 *
 * Contract: a refusal stores nothing (apps/minutes_draft.c). Publishing is
 * for the author of the draft, the person who signed it off and the
 * overseeing roles; anyone else gets 404 as for a missing draft. The class
 * must lie within the caller's clearance (403), since the document is
 * visible to everyone with that clearance. Not signed off, or a final text
 * that is no valid minutes: 409, nothing stored. Audited as "publish".
 */
#include "server/route_minutes.h"

#include "gov/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- draft */

typedef struct draft_params {
  json_t *body;
  const char *notes;
  size_t len;
  minutes_draft_opts_t o;
} draft_params_t;

static int draft_params_or_reply(http_req_t *r, draft_params_t *p) {
  p->body = minutes_body_or_reply(r);
  if (!p->body) return -1;
  json_t *n = json_object_get(p->body, "notes");
  json_t *mt = json_object_get(p->body, "max_tokens");
  if (!json_is_string(n) || json_string_length(n) == 0)
    return minutes_bad_or_reply(r, "Feld 'notes' (die Notizen) fehlt");
  p->notes = json_string_value(n);
  p->len = json_string_length(n);
  if (strlen(p->notes) != p->len)
    return minutes_bad_or_reply(r, "Feld 'notes' enthält ein Nullzeichen");
  if (p->len > MINUTES_NOTES_MAX) {
    server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                       "Die Notizen sind zu lang (höchstens %zu KiB)",
                       MINUTES_NOTES_MAX >> 10);
    return -1;
  }
  if (mt && !json_is_null(mt) &&
      (!json_is_integer(mt) || json_integer_value(mt) < 1 ||
       json_integer_value(mt) > 65536))
    return minutes_bad_or_reply(
        r, "Feld 'max_tokens' muss eine Zahl von 1 bis 65536 sein");
  p->o.max_tokens = json_is_integer(mt) ? (int)json_integer_value(mt) : 0;
  return minutes_app_or_reply(r, p->body, &p->o.app_id);
}

static enum MHD_Result draft_failure(http_req_t *r, int rc,
                                     const minutes_draft_t *d,
                                     const lotse_err_t *err) {
  if (rc == LOTSE_EREFUSED) {
    const char *msg = d->refused ? d->message : err->msg;
    json_t *body = json_pack("{s:{s:i, s:o, s:s, s:s}}", "error", "code", 403,
                             "message", server_json_text(msg), "type",
                             "forbidden", "reason",
                             d->refused && d->reason ? d->reason : "model");
    return server_reply_json(r, MHD_HTTP_FORBIDDEN, body);
  }
  if (rc == LOTSE_EINVAL)
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", err->msg);
  if (rc == LOTSE_ETOOBIG)
    return server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "%s", err->msg);
  if (rc == LOTSE_EUNSUPPORTED)
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Kein Sprachmodell für Protokolle eingerichtet: "
                              "bitte das Formular ausfüllen");
  if (rc == LOTSE_ECORRUPT) {
    lotse_log(LOTSE_LOG_WARN, "server: minutes draft: %s", err->msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Das Modell hat kein gültiges Protokoll "
                              "geliefert; nichts gespeichert");
  }
  return minutes_reply_internal(r, err);
}

static int draft_run(http_req_t *r, const draft_params_t *p,
                     minutes_draft_t *d, lotse_err_t *err) {
  gov_ctx_t *gc = NULL;
  int rc = server_gov_open(r, &gc, err);
  if (!rc)
    rc = minutes_draft(gc, &r->principal, p->notes, p->len, &p->o, d, err);
  gov_ctx_free(gc);
  return rc;
}

enum MHD_Result minutes_post_draft(http_req_t *r) {
  draft_params_t p;
  memset(&p, 0, sizeof p);
  enum MHD_Result out;
  if (draft_params_or_reply(r, &p)) {
    out = r->result;
  } else {
    lotse_err_t err = {0};
    minutes_draft_t d;
    memset(&d, 0, sizeof d);
    int rc = draft_run(r, &p, &d, &err);
    if (rc) {
      out = draft_failure(r, rc, &d, &err);
    } else {
      json_t *body = json_pack("{s:O, s:I, s:s, s:o}", "minutes", d.doc,
                               "draft_id", (json_int_t)d.draft_id, "label",
                               GOV_DRAFT_LABEL, "finding",
                               *d.finding ? server_json_text(d.finding)
                                          : json_null());
      out = body ? server_reply_json(r, MHD_HTTP_OK, body)
                 : server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                      "Interner Fehler bei den Protokollen");
    }
    minutes_draft_release(&d);
  }
  json_decref(p.body);
  return out;
}

/* ------------------------------------------------------------- publish */

/* The author, the reviewer who signed it off, or an overseeing role. */
static int may_publish(http_req_t *r, const json_t *d) {
  const char *me = r->principal.name;
  const char *user = json_string_value(json_object_get(d, "user"));
  const char *rev = json_string_value(json_object_get(d, "reviewer"));
  return (user && !strcmp(user, me)) || (rev && !strcmp(rev, me)) ||
         minutes_oversees(r);
}

/* The class of the body (default intern), within the caller's clearance;
 * -1 after a 400/403 reply. */
static int class_or_reply(http_req_t *r, int *cls) {
  json_t *b = r->body.len ? minutes_body_or_reply(r) : json_object();
  if (!b) return -1;
  const char *name = NULL;
  int bad = minutes_opt_string(b, "class", &name);
  *cls = bad ? -1 : store_class_parse(name ? name : "intern");
  json_decref(b);
  if (*cls < 0)
    return minutes_bad_or_reply(r, "Feld 'class' muss offen, intern, "
                                   "vertraulich oder personenbezogen sein");
  if (!(r->principal.clearance & STORE_CLASS_BIT(*cls))) {
    server_reply_error(r, MHD_HTTP_FORBIDDEN,
                       "Sie dürfen keine Dokumente der Schutzklasse %s "
                       "anlegen", store_class_name(*cls));
    return -1;
  }
  return 0;
}

static enum MHD_Result publish_failure(http_req_t *r, int rc,
                                       const lotse_err_t *err) {
  if (rc == LOTSE_EACCESS || rc == LOTSE_EINVAL)
    return minutes_reply_invalid(r, MHD_HTTP_CONFLICT, err->msg);
  if (rc == LOTSE_ENOTFOUND)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Entwurf nicht gefunden");
  return minutes_reply_internal(r, err);
}

enum MHD_Result minutes_post_publish(http_req_t *r, int64_t id) {
  json_t *d = NULL;
  lotse_err_t err = {0};
  int rc = gov_review_draft_json(r->w->st, id, &d, &err);
  if (rc == LOTSE_ENOTFOUND || (!rc && !may_publish(r, d))) {
    json_decref(d);
    return server_reply_error(r, MHD_HTTP_NOT_FOUND,
                              "Entwurf nicht gefunden");
  }
  json_decref(d);
  if (rc) return minutes_reply_internal(r, &err);
  int cls;
  if (class_or_reply(r, &cls)) return r->result;
  int64_t doc = 0;
  rc = minutes_publish(r->w->st, id, cls, NULL, 0, &doc, &err);
  if (rc) return publish_failure(r, rc, &err);
  char *ws = server_workspace_dir(r->srv->o.db_path);
  rc = ws ? gov_review_audit(r->w->st, ws, id, "publish", r->principal.name,
                             &err)
          : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  free(ws);
  if (rc) return minutes_reply_internal(r, &err);
  return server_reply_json(r, MHD_HTTP_OK,
                           json_pack("{s:I, s:I, s:s}", "doc_id",
                                     (json_int_t)doc, "draft_id",
                                     (json_int_t)id, "class",
                                     store_class_name(cls)));
}
