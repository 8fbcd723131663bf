/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_write_templates.c — GET /api/write/templates: the templates
 * of the writing assistant — the county's files in WORKSPACE/vorlagen and
 * the built-in examples they do not replace (apps/write_catalog.c) — so
 * that the web application can offer one labelled field per placeholder
 * before it sends POST /api/write.
 *
 * Contract: named users only (anonymous 401); read-only, nothing stored,
 * no model. 200 with {"templates": [{id, title, register, tone, length,
 * placeholders: [name…], sources, source}]} sorted by id; a broken file
 * is left out (and logged with its error), never replaced by the example;
 * `sources` is true for a template with the placeholder "text", which
 * POST /api/write can fill from `doc_id` or `query`. Spec:
 * server/api/write-templates.json.
 */
#include "server/server_internal.h"

#include "apps/write.h"

#include <stdlib.h>
#include <string.h>

static json_t *template_json(const write_template_t *t, int from_file) {
  json_t *keys = json_array();
  int sources = 0;
  for (size_t k = 0; keys && k < t->n_keys; k++) {
    if (strcmp(t->keys[k], "text") == 0) sources = 1;
    if (json_array_append_new(keys, server_json_text(t->keys[k]))) {
      json_decref(keys);
      return NULL;
    }
  }
  if (!keys) return NULL;
  return json_pack("{s:o, s:o, s:s, s:o, s:i, s:o, s:b, s:s}", "id",
                   server_json_text(t->id), "title", server_json_text(t->title),
                   "register", t->reg ? t->reg : "fachlich", "tone",
                   server_json_text(t->tone ? t->tone : ""), "length",
                   t->length, "placeholders", keys, "sources", sources,
                   "source", from_file ? "datei" : "beispiel");
}

/* The catalogue of workspace ws as a JSON array; NULL on error (err set). */
static json_t *templates_json(const char *ws, lotse_err_t *err) {
  write_catalog_t c;
  if (write_catalog_list(ws, &c, err)) return NULL;
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < c.n; i++) {
    write_template_t t;
    lotse_err_t e = {0};
    if (c.e[i].error ||
        write_template_find(ws, c.e[i].id, &t, NULL, &e)) {
      lotse_log(LOTSE_LOG_WARN, "server: write templates: %s",
                c.e[i].error ? c.e[i].error : e.msg);
      continue;
    }
    json_t *o = template_json(&t, c.e[i].from_file);
    write_template_release(&t);
    if (!o || json_array_append_new(arr, o)) {
      json_decref(arr);
      arr = NULL;
    }
  }
  write_catalog_release(&c);
  if (!arr) lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return arr;
}

enum MHD_Result route_write_templates(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(
        r, "Die Schreibassistenz ist nur für angemeldete Beschäftigte");
  lotse_err_t err = {0};
  char *ws = server_workspace_dir(r->srv->o.db_path);
  json_t *arr = ws ? templates_json(ws, &err) : NULL;
  free(ws);
  json_t *reply = arr ? json_pack("{s:o}", "templates", arr) : NULL;
  if (!reply) {
    lotse_log(LOTSE_LOG_ERROR, "server: write templates: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Die Vorlagen konnten nicht geladen werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, reply);
}
