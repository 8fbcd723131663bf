/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_upload.c — POST /api/upload?name=…&class=…&group=…: one file
 * (the request body, as is) read and stored like `lotse ingest` does
 * (ingest_one: type by content, text extraction, hidden text kept out,
 * chunks, full-text index), for "Dokumente hochladen" in the web
 * application.
 *
 * Contract: named users only (anonymous 401). Nobody can store a document
 * they could not read themselves: the class must lie within the caller's
 * clearance and the group, when given, must be one the caller belongs to
 * (otherwise 403, nothing stored). The document's source is
 * "upload/USER/NAME", so uploading the same name again makes a new version
 * and the same bytes again change nothing. A file that cannot be read is
 * 400 (415 for an unsupported or encrypted format) and stores nothing.
 * The body may be up to SERVER_UPLOAD_MAX bytes (or max_request_bytes when
 * larger); it is kept in memory while the request runs.
 * Spec: server/api/upload.json.
 */
#include "ingest/ingest.h"
#include "server/server_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define UPLOAD_NAME_MAX 200

/* The value of query parameter key, NULL when absent; *bad when it is
 * empty, holds a NUL byte, is not UTF-8 or longer than max. */
static const char *arg(http_req_t *r, const char *key, size_t max, int *bad) {
  const char *v = NULL;
  size_t n = 0;
  if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, key,
                                    strlen(key), &v, &n) != MHD_YES)
    return NULL;
  if (!v || !*v || strlen(v) != n || n > max || !lotse_utf8_valid(v, n))
    *bad = 1;
  return v;
}

/* A file name: no path separators, no control characters, not hidden. */
static int name_ok(const char *s) {
  if (s[0] == '.') return 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\') return 0;
  return 1;
}

/* 1 when the caller belongs to group, 0 when not, negative on error. */
static int member_of(http_req_t *r, const char *group) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(
      store_db(r->w->st),
      "SELECT 1 FROM user_groups ug JOIN groups g ON g.id = ug.group_id "
      "WHERE ug.user_id = ?1 AND g.name = ?2",
      -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, r->principal.user_id);
    sqlite3_bind_text(s, 2, group, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
  }
  sqlite3_finalize(s);
  if (rc == SQLITE_ROW) return 1;
  return rc == SQLITE_DONE ? 0 : LOTSE_EDB;
}

typedef struct upload_req {
  const char *name, *group;
  int data_class;
} upload_req_t;

static int request_or_reply(http_req_t *r, upload_req_t *u) {
  int bad = 0;
  u->name = arg(r, "name", UPLOAD_NAME_MAX, &bad);
  if (!u->name || bad || !name_ok(u->name)) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'name' (Dateiname, höchstens %d Bytes, "
                       "ohne '/') fehlt oder ist ungültig",
                       UPLOAD_NAME_MAX);
    return -1;
  }
  const char *cls = arg(r, "class", 32, &bad);
  u->data_class = cls && !bad ? store_class_parse(cls) : STORE_CLASS_INTERN;
  if (bad || u->data_class < 0) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'class' muss offen, intern, vertraulich "
                       "oder personenbezogen sein");
    return -1;
  }
  u->group = arg(r, "group", 63, &bad);
  if (bad || (u->group && !name_ok(u->group))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'group' ist kein gültiger Gruppenname");
    return -1;
  }
  if (r->body.len == 0) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Die Anfrage enthält keine Datei (leerer Inhalt)");
    return -1;
  }
  return 0;
}

static int rights_or_reply(http_req_t *r, const upload_req_t *u) {
  if (r->principal.user_id == 0) {
    server_reply_unauthorized(r, "Hochladen ist nur für angemeldete "
                                 "Beschäftigte möglich");
    return -1;
  }
  if (!(r->principal.clearance & STORE_CLASS_BIT(u->data_class))) {
    server_reply_error(r, MHD_HTTP_FORBIDDEN,
                       "Keine Berechtigung: Ihre Freigabe umfasst die "
                       "Schutzklasse „%s“ nicht",
                       store_class_name(u->data_class));
    return -1;
  }
  int m = u->group ? member_of(r, u->group) : 1;
  if (m == 1) return 0;
  if (m < 0)
    server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       "Gruppen konnten nicht gelesen werden");
  else
    server_reply_error(r, MHD_HTTP_FORBIDDEN,
                       "Keine Berechtigung: Sie gehören nicht zur Gruppe "
                       "„%s“",
                       u->group);
  return -1;
}

static const char *status_name(store_put_status_t s) {
  switch (s) {
  case STORE_PUT_NEW: return "new";
  case STORE_PUT_VERSION: return "version";
  case STORE_PUT_UNCHANGED: return "unchanged";
  case STORE_PUT_ACCESS: return "access";
  }
  return "?";
}

static enum MHD_Result reply_ingest_error(http_req_t *r, int rc,
                                          const lotse_err_t *err) {
  switch (rc) {
  case LOTSE_ETOOBIG:
  case LOTSE_ELIMIT:
    return server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                              "Die Datei ist zu groß (%s)", err->msg);
  case LOTSE_EUNSUPPORTED:
  case LOTSE_EENCRYPTED:
    return server_reply_error(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                              "Dieses Dateiformat kann nicht gelesen werden "
                              "(%s)",
                              err->msg);
  case LOTSE_EINVAL:
  case LOTSE_ECORRUPT:
  case LOTSE_EEMPTY:
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Die Datei konnte nicht gelesen werden (%s)",
                              err->msg);
  default:
    lotse_log(LOTSE_LOG_ERROR, "server: upload: %s", err->msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Datei konnte nicht gespeichert werden");
  }
}

enum MHD_Result route_upload(http_req_t *r) {
  upload_req_t u;
  if (request_or_reply(r, &u) || rights_or_reply(r, &u)) return r->result;
  char source[UPLOAD_NAME_MAX + sizeof r->principal.name + 16];
  snprintf(source, sizeof source, "upload/%s/%s", r->principal.name, u.name);
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = u.data_class;
  const char *groups[1] = {u.group};
  o.groups = u.group ? groups : NULL;
  o.ngroups = u.group ? 1 : 0;
  store_put_result_t res;
  ingest_summary_t sum;
  memset(&sum, 0, sizeof sum);
  lotse_err_t err = {0};
  int rc = ingest_one(r->w->st, source, r->body.data, r->body.len,
                      lotse_now_unix(), &o, &res, &sum, &err);
  if (rc) return reply_ingest_error(r, rc, &err);
  json_t *body = json_pack(
      "{s:I, s:i, s:s, s:o, s:s, s:o, s:i, s:I}", "doc_id",
      (json_int_t)res.doc_id, "version", res.version, "status",
      status_name(res.status), "source", server_json_text(source), "class",
      store_class_name(u.data_class), "group",
      u.group ? server_json_text(u.group) : json_null(), "hidden", sum.hidden,
      "text_bytes", (json_int_t)sum.text_bytes);
  return server_reply_json(r,
                           res.status == STORE_PUT_NEW ? MHD_HTTP_CREATED
                                                       : MHD_HTTP_OK,
                           body);
}
