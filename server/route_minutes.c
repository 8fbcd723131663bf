/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_minutes.c — meeting minutes (Protokolle, apps/minutes.h)
 * over HTTP, for named users:
 *   GET  /api/minutes/schema          the JSON Schema of the structure
 *   POST /api/minutes/render?format=  body = minutes → Markdown, HTML or
 *                                     PDF (attachment)
 *   POST /api/minutes                 {minutes, app?} → a draft for
 *                                     sign-off, as `lotse minutes new`
 *   POST /api/minutes/draft           {notes, app?, max_tokens?} → the
 *                                     model through the gate → a labelled
 *                                     draft (route_minutes_gate.c)
 *   GET  /api/minutes/{id}?format=    the draft (final text once signed
 *                                     off) rendered
 *   POST /api/minutes/{id}/publish    {class?} → the signed-off minutes as
 *                                     a searchable document
 *                                     (route_minutes_gate.c)
 *
 * Contract: anonymous callers get 401; invalid minutes are 400 with the
 * validator's German message naming the field, which the error object also
 * carries as "field" (e.g. "items[2].title"); nothing is stored then. A
 * draft is visible to its author and to the overseeing roles (as GET
 * /api/drafts/{id}); any other answers like a missing one (404).
 * Spec: server/api/minutes.json; docs/api/minutes.md.
 */
#include "server/route_minutes.h"

#include "gov/registry.h"
#include "gov/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "/api/minutes"
#define OVERSEE                                                           \
  (GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))

/* ------------------------------------------------------------- helpers */

/* The field a validator message starts with ("items[2].title: Text
 * fehlt" → "items[2].title"); "" when it names none. */
static void field_of(const char *msg, char *out, size_t cap) {
  size_t n = 0;
  while (msg[n] && ((msg[n] >= 'a' && msg[n] <= 'z') ||
                    (msg[n] >= '0' && msg[n] <= '9') || msg[n] == '[' ||
                    msg[n] == ']' || msg[n] == '.' || msg[n] == '_'))
    n++;
  if (n == 0 || n >= cap || msg[n] != ':' || msg[0] < 'a' || msg[0] > 'z')
    n = 0;
  memcpy(out, msg, n);
  out[n] = '\0';
}

enum MHD_Result minutes_reply_invalid(http_req_t *r, unsigned status,
                                      const char *msg) {
  char f[128];
  field_of(msg, f, sizeof f);
  if (!*f) return server_reply_error(r, status, "%s", msg);
  json_t *b = json_pack("{s:{s:i, s:o, s:s, s:s}}", "error", "code",
                        (int)status, "message", server_json_text(msg),
                        "type",
                        status == MHD_HTTP_CONFLICT ? "conflict"
                                                    : "invalid_request",
                        "field", f);
  return server_reply_json(r, status, b);
}

int minutes_bad_or_reply(http_req_t *r, const char *msg) {
  server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", msg);
  return -1;
}

/* Optional text member key: *out NULL when absent or null; 1 when present
 * but no text (or with a NUL byte). */
int minutes_opt_string(const json_t *body, const char *key,
                       const char **out) {
  json_t *v = json_object_get(body, key);
  *out = json_is_string(v) &&
                 strlen(json_string_value(v)) == json_string_length(v)
             ? json_string_value(v)
             : NULL;
  return v && !json_is_null(v) && !*out;
}

/* An application id as the register spells them: 1 to 64 of a-z, 0-9,
 * '-', '_'. */
static int app_id_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-' || s[i] == '_'))
      return 0;
  return 1;
}

int minutes_app_or_reply(http_req_t *r, const json_t *body,
                         const char **app) {
  if (minutes_opt_string(body, "app", app) || (*app && !app_id_ok(*app)))
    return minutes_bad_or_reply(
        r, "Feld 'app' muss eine Anwendungskennung sein (a-z, 0-9, - und _)");
  if (!*app) *app = MINUTES_DRAFT_APP;
  return 0;
}

/* The body as a JSON object (duplicate keys refused, as in
 * minutes_parse); NULL after a 400 reply. */
json_t *minutes_body_or_reply(http_req_t *r) {
  if (!r->body.len) {
    minutes_bad_or_reply(r, "Anfragekörper (JSON) fehlt");
    return NULL;
  }
  json_error_t je;
  json_t *b = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES,
                         &je);
  if (!b) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "kein gültiges JSON (Zeile %d, Spalte %d): %s",
                       je.line, je.column, je.text);
    return NULL;
  }
  if (!json_is_object(b)) {
    json_decref(b);
    minutes_bad_or_reply(r, "Anfragekörper muss ein JSON-Objekt sein");
    return NULL;
  }
  return b;
}

int minutes_oversees(http_req_t *r) {
  unsigned have = 0;
  lotse_err_t err = {0};
  return !gov_roles_of(r->w->st, r->principal.name, &have, &err) &&
         (have & OVERSEE);
}

enum MHD_Result minutes_reply_internal(http_req_t *r,
                                       const lotse_err_t *err) {
  lotse_log(LOTSE_LOG_ERROR, "server: minutes: %s", err->msg);
  return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "Interner Fehler bei den Protokollen");
}

json_t *minutes_draft_or_reply(http_req_t *r, int64_t id) {
  json_t *d = NULL;
  lotse_err_t err = {0};
  int rc = gov_review_draft_json(r->w->st, id, &d, &err);
  if (rc == LOTSE_ENOTFOUND ||
      (!rc && strcmp(json_string_value(json_object_get(d, "user")),
                     r->principal.name) && !minutes_oversees(r))) {
    json_decref(d);
    server_reply_error(r, MHD_HTTP_NOT_FOUND, "Entwurf nicht gefunden");
    return NULL;
  }
  if (rc) {
    minutes_reply_internal(r, &err);
    return NULL;
  }
  return d;
}

/* ?format= (default md); -1 after a 400 reply. */
static int format_or_reply(http_req_t *r, minutes_format_t *f) {
  int bad = 0;
  const char *v = server_query_arg(r, "format", &bad);
  lotse_err_t err = {0};
  *f = MINUTES_MD;
  if (bad || (v && minutes_format_parse(v, f, &err)))
    return minutes_bad_or_reply(r, "Parameter 'format' muss md, html oder "
                                   "pdf sein");
  return 0;
}

/* Render doc and queue it (PDF as attachment name.pdf). */
static enum MHD_Result reply_rendered(http_req_t *r, const json_t *doc,
                                      minutes_format_t f, const char *name,
                                      unsigned bad_status) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  lotse_err_t err = {0};
  int rc = minutes_render(doc, f, &b, &err);
  if (rc) {
    lotse_buf_release(&b);
    if (rc == LOTSE_EINVAL) return minutes_reply_invalid(r, bad_status, err.msg);
    if (rc == LOTSE_EUNSUPPORTED)
      return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "%s",
                                err.msg);
    return minutes_reply_internal(r, &err);
  }
  size_t len = b.len;
  char *data = len ? lotse_buf_detach(&b) : lotse_strdup("");
  lotse_buf_release(&b);
  if (f == MINUTES_MD)
    return server_reply_body(r, MHD_HTTP_OK, "text/markdown; charset=utf-8",
                             data, len);
  if (f == MINUTES_HTML)
    return server_reply_body(r, MHD_HTTP_OK, "text/html; charset=utf-8",
                             data, len);
  struct MHD_Response *resp =
      data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
           : NULL;
  char disp[96];
  snprintf(disp, sizeof disp, "attachment; filename=\"%s.pdf\"", name);
  if (!resp || MHD_add_response_header(resp, "Content-Disposition", disp) !=
                   MHD_YES) {
    if (resp) MHD_destroy_response(resp);
    else free(data);
    lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
    return minutes_reply_internal(r, &err);
  }
  return server_reply_response(r, MHD_HTTP_OK, "application/pdf", resp);
}

/* ----------------------------------------------------------- handlers */

static enum MHD_Result get_schema(http_req_t *r) {
  json_t *s = json_loads(minutes_schema(), 0, NULL);
  if (!s) {
    lotse_err_t err = {0};
    lotse_err_set(&err, LOTSE_EINTERNAL, "schema does not parse");
    return minutes_reply_internal(r, &err);
  }
  return server_reply_json(r, MHD_HTTP_OK, s);
}

static enum MHD_Result post_render(http_req_t *r) {
  minutes_format_t f;
  if (format_or_reply(r, &f)) return r->result;
  if (!r->body.len)
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Anfragekörper (Protokoll als JSON) fehlt");
  json_t *doc = NULL;
  lotse_err_t err = {0};
  int rc = minutes_parse(r->body.data, r->body.len, &doc, &err);
  if (rc == LOTSE_EINVAL || rc == LOTSE_ECORRUPT)
    return minutes_reply_invalid(r, MHD_HTTP_BAD_REQUEST, err.msg);
  if (rc == LOTSE_ETOOBIG)
    return server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "%s", err.msg);
  if (rc) return minutes_reply_internal(r, &err);
  enum MHD_Result out =
      reply_rendered(r, doc, f, "protokoll", MHD_HTTP_BAD_REQUEST);
  json_decref(doc);
  return out;
}

static enum MHD_Result post_new(http_req_t *r) {
  json_t *body = minutes_body_or_reply(r);
  if (!body) return r->result;
  const char *app = NULL;
  json_t *doc = json_object_get(body, "minutes");
  lotse_err_t err = {0};
  enum MHD_Result out;
  if (minutes_app_or_reply(r, body, &app)) {
    out = r->result;
  } else if (!doc) {
    out = server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                             "Feld 'minutes' (das Protokoll) fehlt");
  } else if (minutes_validate(doc, &err)) {
    out = minutes_reply_invalid(r, MHD_HTTP_BAD_REQUEST, err.msg);
  } else {
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    gov_draft_in_t d = {.app = app, .user = r->principal.name, .text = text};
    int64_t id = 0;
    int rc = text ? gov_review_draft_add(r->w->st, &d, &id, &err)
                  : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
    free(text);
    if (rc == LOTSE_EINVAL)
      out = server_reply_error(r, MHD_HTTP_BAD_REQUEST, "%s", err.msg);
    else if (rc)
      out = minutes_reply_internal(r, &err);
    else
      out = server_reply_json(r, MHD_HTTP_CREATED,
                              json_pack("{s:I, s:s}", "draft_id",
                                        (json_int_t)id, "label",
                                        GOV_DRAFT_LABEL));
  }
  json_decref(body);
  return out;
}

static enum MHD_Result get_one(http_req_t *r, int64_t id) {
  minutes_format_t f;
  if (format_or_reply(r, &f)) return r->result;
  json_t *d = minutes_draft_or_reply(r, id);
  if (!d) return r->result;
  const char *status = json_string_value(json_object_get(d, "status"));
  const char *text = json_string_value(json_object_get(
      d, status && !strcmp(status, "final") ? "final_text" : "text"));
  json_error_t je;
  json_t *doc = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;
  json_decref(d);
  enum MHD_Result out;
  if (!json_is_object(doc)) {
    out = server_reply_error(r, MHD_HTTP_NOT_FOUND,
                             "Entwurf %lld ist kein Protokoll",
                             (long long)id);
  } else {
    char name[48];
    snprintf(name, sizeof name, "protokoll-%lld", (long long)id);
    out = reply_rendered(r, doc, f, name, MHD_HTTP_CONFLICT);
  }
  json_decref(doc);
  return out;
}

/* ------------------------------------------------------------ dispatch */

typedef enum { P_ROOT, P_SCHEMA, P_RENDER, P_DRAFT, P_ONE, P_PUBLISH,
               P_NONE } minutes_path_t;

/* "/api/minutes[/schema|/render|/draft|/ID[/publish]]" */
static minutes_path_t split(const char *path, int64_t *id) {
  const char *p = path + strlen(PREFIX);
  *id = 0;
  if (!*p) return P_ROOT;
  if (*p++ != '/') return P_NONE;
  if (!strcmp(p, "schema")) return P_SCHEMA;
  if (!strcmp(p, "render")) return P_RENDER;
  if (!strcmp(p, "draft")) return P_DRAFT;
  int64_t v = 0;
  int digits = 0;
  for (; *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
    v = v * 10 + (*p - '0');
  if (!digits || v <= 0) return P_NONE;
  *id = v;
  if (!*p) return P_ONE;
  return strcmp(p, "/publish") ? P_NONE : P_PUBLISH;
}

enum MHD_Result route_minutes(http_req_t *r) {
  int64_t id;
  minutes_path_t what = split(r->path, &id);
  if (what == P_NONE)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Unbekannter Pfad");
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Protokolle sind nur für angemeldete Beschäftigte zugänglich");
  int post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
  int wants_post = what != P_SCHEMA && what != P_ONE;
  if (post != wants_post)
    return server_reply_not_allowed(r, wants_post ? "POST" : "GET, HEAD");
  switch (what) {
  case P_SCHEMA: return get_schema(r);
  case P_RENDER: return post_render(r);
  case P_ROOT: return post_new(r);
  case P_DRAFT: return minutes_post_draft(r);
  case P_ONE: return get_one(r, id);
  default: return minutes_post_publish(r, id);
  }
}
