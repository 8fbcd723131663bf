/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_search.c — GET /api/search?q=…&limit=N&offset=N: full-text
 * search with citations, as the caller's principal.
 *
 * Contract: hits, total and snippets only ever cover documents the caller
 * may read (search_run applies the ACL inside the candidate query). A
 * missing or empty q, a limit or offset that is not a number in range, or
 * a malformed query (unbalanced quote) is 400 with a German message.
 * Snippets mark the matched words with "[" and "]" (search's defaults),
 * as plain text: clients must escape them before putting them into HTML.
 * Spec: server/api/search.json.
 */
#include "server/server_internal.h"

#include <string.h>

#define LIMIT_DEFAULT 10
#define LIMIT_MAX 100
#define OFFSET_MAX 10000

/* A decimal number in [lo, hi]; 0 on success. */
static int parse_range(const char *v, long lo, long hi, long *out) {
  long n = 0;
  if (!*v || strlen(v) > 9) return -1;
  for (const char *p = v; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    n = n * 10 + (*p - '0');
  }
  if (n < lo || n > hi) return -1;
  *out = n;
  return 0;
}

static int query_blank(const char *q) {
  for (; *q; q++)
    if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') return 0;
  return 1;
}

/* Read q, limit and offset into o; 400 on anything out of shape. */
static int params_or_reply(http_req_t *r, const char **q, search_opts_t *o) {
  int bad = 0;
  long n;
  *q = server_query_arg(r, "q", &bad);
  if (!*q || query_blank(*q)) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'q' fehlt oder ist leer");
    return -1;
  }
  if (bad || !lotse_utf8_valid(*q, strlen(*q))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'q' ist kein gültiger UTF-8-Text");
    return -1;
  }
  const char *v = server_query_arg(r, "limit", &bad);
  if (v && (bad || parse_range(v, 1, LIMIT_MAX, &n))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'limit' muss eine Zahl von 1 bis %d sein",
                       LIMIT_MAX);
    return -1;
  }
  o->limit = v ? (int)n : LIMIT_DEFAULT;
  v = server_query_arg(r, "offset", &bad);
  if (v && (bad || parse_range(v, 0, OFFSET_MAX, &n))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'offset' muss eine Zahl von 0 bis %d sein",
                       OFFSET_MAX);
    return -1;
  }
  o->offset = v ? (int)n : 0;
  return 0;
}

static json_t *hit_json(const search_hit_t *h) {
  json_t *o = json_object();
  if (!o) return NULL;
  int bad = json_object_set_new(o, "doc_id", json_integer(h->doc_id));
  bad |= json_object_set_new(o, "chunk_id", json_integer(h->chunk_id));
  bad |= json_object_set_new(o, "title", server_json_text(h->title));
  bad |= json_object_set_new(o, "source", server_json_text(h->source));
  bad |= json_object_set_new(o, "section", server_json_text(h->section));
  bad |= json_object_set_new(o, "page", json_integer(h->page));
  bad |= json_object_set_new(o, "score", json_real(h->score));
  bad |= json_object_set_new(o, "snippet", server_json_text(h->snippet));
  bad |= json_object_set_new(o, "mime", server_json_text(h->mime));
  bad |= json_object_set_new(
      o, "class", json_string(store_class_name(h->data_class)));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *result_json(const char *q, const search_opts_t *o,
                           const search_result_t *res) {
  json_t *body = json_object(), *hits = json_array();
  int bad = !body || !hits;
  for (size_t i = 0; i < res->n && !bad; i++)
    bad = json_array_append_new(hits, hit_json(&res->hits[i]));
  if (!bad) {
    bad |= json_object_set_new(body, "query", server_json_text(q));
    bad |= json_object_set_new(body, "total", json_integer(res->total));
    bad |= json_object_set_new(body, "limit", json_integer(o->limit));
    bad |= json_object_set_new(body, "offset", json_integer(o->offset));
    bad |= json_object_set(body, "hits", hits);
    bad |= json_object_set_new(body, "took_ms",
                               json_real((double)(long long)(res->millis * 1000) /
                                         1000.0));
  }
  json_decref(hits);
  if (bad) {
    json_decref(body);
    return NULL;
  }
  return body;
}

enum MHD_Result route_search(http_req_t *r) {
  const char *q;
  search_opts_t o;
  search_opts_default(&o);
  if (params_or_reply(r, &q, &o)) return r->result;
  search_result_t res;
  lotse_err_t err = {0};
  int rc = search_run(r->w->search, &r->principal, q, &o, &res, &err);
  if (rc == LOTSE_EINVAL)
    return server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                              "Ungültige Suchanfrage: %s", err.msg);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: search: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler bei der Suche");
  }
  json_t *body = result_json(q, &o, &res);
  search_result_release(&res);
  return server_reply_json(r, MHD_HTTP_OK, body);
}
