/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen_json.c — the JSON shape of an answer, shared by `lotse ask
 * --json` and POST /api/ask (docs/api/ask.md describes it).
 *
 * Contract: invalid UTF-8 in stored titles or passages is replaced, so the
 * result always serialises; NULL only on OOM.
 */
#include "apps/fragen.h"

#include <stdlib.h>
#include <string.h>

static json_t *text(const char *s) {
  if (!s) return json_string("");
  json_t *j = json_string(s);
  if (j) return j;
  char *clean = lotse_utf8_sanitize(s, strlen(s));
  j = clean ? json_string(clean) : NULL;
  free(clean);
  return j;
}

static json_t *source_json(const fragen_source_t *s) {
  json_t *o = json_object();
  if (!o) return NULL;
  int bad = json_object_set_new(o, "n", json_integer(s->n));
  bad |= json_object_set_new(o, "doc_id", json_integer(s->doc_id));
  bad |= json_object_set_new(o, "chunk_id", json_integer(s->chunk_id));
  bad |= json_object_set_new(o, "title", text(s->title));
  bad |= json_object_set_new(o, "section", text(s->section));
  bad |= json_object_set_new(o, "page", json_integer(s->page));
  bad |= json_object_set_new(o, "snippet", text(s->snippet));
  bad |= json_object_set_new(o, "class", json_string(store_class_name(s->data_class)));
  bad |= json_object_set_new(o, "cited", json_boolean(s->cited));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *fragen_sources_json(const fragen_source_t *src, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++)
    if (json_array_append_new(a, source_json(&src[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

json_t *fragen_answer_json(const fragen_answer_t *a) {
  json_t *o = json_object();
  if (!o) return NULL;
  int bad = json_object_set_new(o, "answer", text(a->text));
  bad |= json_object_set_new(o, "found", json_boolean(a->found));
  bad |= json_object_set_new(o, "extractive", json_boolean(a->extractive));
  bad |= json_object_set_new(o, "label", json_string(GOV_DRAFT_LABEL));
  bad |= json_object_set_new(o, "notice", a->notice ? text(a->notice) : json_null());
  bad |= json_object_set_new(o, "risk_class", json_integer(a->risk_class));
  bad |= json_object_set_new(o, "draft_id", a->draft_id ? json_integer(a->draft_id)
                                                        : json_null());
  bad |= json_object_set_new(o, "withheld", json_integer((json_int_t)a->withheld));
  bad |= json_object_set_new(o, "usage",
                             json_pack("{s:i, s:i}", "prompt_tokens", a->prompt_tokens,
                                       "completion_tokens", a->completion_tokens));
  bad |= json_object_set_new(o, "sources", fragen_sources_json(a->sources, a->n_sources));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}
