/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_documents.c — GET /api/documents/{id}: one document with
 * its metadata, version history and the text passages of the current
 * version.
 *
 * Contract: a document the caller may not read answers exactly like one
 * that does not exist — same status (404), same body — so its existence
 * does not leak (store_doc_get decides both in one query). An id that is
 * not a positive decimal integer is 400. Spec: server/api/documents.json.
 */
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define ID_PREFIX "/api/documents/"
#define NOT_FOUND_MSG "Dokument nicht gefunden"

/* A positive id of at most 18 digits; 0 on success. */
static int parse_id(const char *s, int64_t *out) {
  size_t n = strlen(s);
  if (n == 0 || n > 18) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (v <= 0) return -1;
  *out = v;
  return 0;
}

static json_t *groups_json(const char *list) {
  json_t *a = json_array();
  const char *p = list;
  while (a && p && *p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *g = lotse_strndup(p, n);
    if (n && json_array_append_new(a, server_json_text(g))) {
      json_decref(a);
      a = NULL;
    }
    free(g);
    p = e ? e + 1 : NULL;
  }
  return a;
}

/* The stored metadata object, or an empty object when there is none. */
static json_t *metadata_json(const char *text) {
  json_t *m = text && *text ? json_loads(text, 0, NULL) : NULL;
  if (m && json_is_object(m)) return m;
  json_decref(m);
  return json_object();
}

static json_t *versions_json(const store_doc_t *d) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < d->nversions; i++) {
    const store_version_out_t *v = &d->versions[i];
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "version", json_integer(v->version)) ||
        json_object_set_new(o, "sha256", server_json_text(v->sha256)) ||
        json_object_set_new(o, "size", json_integer(v->size)) ||
        json_object_set_new(o, "ingested_at", json_integer(v->ingested_at)) ||
        json_array_append_new(a, o)) {
      json_decref(a);
      a = NULL;
    }
  }
  return a;
}

static json_t *chunks_json(const store_doc_t *d) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < d->nchunks; i++) {
    const store_chunk_out_t *c = &d->chunks[i];
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "id", json_integer(c->id)) ||
        json_object_set_new(o, "ord", json_integer(c->ord)) ||
        json_object_set_new(o, "section", server_json_text(c->heading)) ||
        json_object_set_new(o, "page", json_integer(c->page)) ||
        json_object_set_new(o, "text", server_json_text(c->text)) ||
        json_array_append_new(a, o)) {
      json_decref(a);
      a = NULL;
    }
  }
  return a;
}

static json_t *doc_json(const store_doc_t *d) {
  json_t *o = json_object();
  if (!o) return NULL;
  int bad = json_object_set_new(o, "id", json_integer(d->id));
  bad |= json_object_set_new(o, "source", server_json_text(d->source));
  bad |= json_object_set_new(o, "title", server_json_text(d->title));
  bad |= json_object_set_new(o, "mime", server_json_text(d->mime));
  bad |= json_object_set_new(o, "sha256", server_json_text(d->sha256));
  bad |= json_object_set_new(o, "size", json_integer(d->size));
  bad |= json_object_set_new(o, "mtime", json_integer(d->mtime));
  bad |= json_object_set_new(o, "created_at", json_integer(d->created_at));
  bad |= json_object_set_new(o, "updated_at", json_integer(d->updated_at));
  bad |= json_object_set_new(o, "class",
                             json_string(store_class_name(d->data_class)));
  bad |= json_object_set_new(o, "groups", groups_json(d->groups));
  bad |= json_object_set_new(o, "version", json_integer(d->version));
  bad |= json_object_set_new(o, "metadata", metadata_json(d->metadata));
  bad |= json_object_set_new(o, "versions", versions_json(d));
  bad |= json_object_set_new(o, "chunks", chunks_json(d));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

enum MHD_Result route_documents(http_req_t *r) {
  int64_t id;
  if (parse_id(r->path + strlen(ID_PREFIX), &id))
    return server_reply_error(
        r, MHD_HTTP_BAD_REQUEST,
        "Dokumentnummer muss eine positive ganze Zahl sein");
  store_doc_t *d = NULL;
  lotse_err_t err = {0};
  int rc = store_doc_get(r->w->st, &r->principal, id, &d, &err);
  if (rc == LOTSE_ENOTFOUND)
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, NOT_FOUND_MSG);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: document %lld: %s", (long long)id,
              err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler beim Laden des Dokuments");
  }
  json_t *body = doc_json(d);
  store_doc_free(d);
  return server_reply_json(r, MHD_HTTP_OK, body);
}
