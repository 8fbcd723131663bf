/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/squad.c — see eval/squad.h.
 */
#include "squad.h"

#include <stdio.h>
#include <stdlib.h>

static void add_questions(json_t *qas, int doc, int need_answer,
                          squad_qa_t *qa, int *nq) {
  size_t k;
  json_t *q;
  json_array_foreach(qas, k, q) {
    if (*nq == SQUAD_MAX_QUESTIONS) return;
    json_t *ans = json_array_get(json_object_get(q, "answers"), 0);
    const char *text = json_string_value(json_object_get(ans, "text"));
    if (need_answer && !text) continue;
    qa[(*nq)++] = (squad_qa_t){
        json_string_value(json_object_get(q, "question")), text, doc};
  }
}

int squad_load(const char *path, int need_answer, json_t **root,
               json_t **contexts, squad_qa_t **qa, int *nq) {
  json_error_t je;
  *contexts = NULL;
  *qa = NULL;
  *nq = 0;
  *root = json_load_file(path, 0, &je);
  if (!*root) {
    fprintf(stderr, "eval: %s: %s (line %d)\n", path, je.text, je.line);
    return 2;
  }
  *contexts = json_array();
  *qa = calloc(SQUAD_MAX_QUESTIONS, sizeof **qa);
  if (!*contexts || !*qa) {
    fprintf(stderr, "eval: out of memory\n");
    return 2;
  }
  size_t i, j;
  json_t *d, *par;
  json_array_foreach(json_object_get(*root, "data"), i, d) {
    json_array_foreach(json_object_get(d, "paragraphs"), j, par) {
      int doc = (int)json_array_size(*contexts);
      json_array_append(*contexts, json_object_get(par, "context"));
      add_questions(json_object_get(par, "qas"), doc, need_answer, *qa, nq);
    }
  }
  if (*nq && json_array_size(*contexts)) return 0;
  fprintf(stderr, "eval: %s holds no questions\n", path);
  return 2;
}
