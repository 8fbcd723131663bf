/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/squad.h — loading a SQuAD-format question set (LegalQuAD) for the
 * evaluations: the contexts become documents 0..n-1, each question keeps
 * the index of the context it was asked about and its first answer text.
 */
#ifndef LOTSE_EVAL_SQUAD_H
#define LOTSE_EVAL_SQUAD_H

#include <jansson.h>

#define SQUAD_MAX_QUESTIONS 4096

typedef struct squad_qa {
  const char *question;
  const char *answer; /* first answer's text; NULL when there is none */
  int doc;            /* index of the relevant context */
} squad_qa_t;

/* Load path. *contexts: JSON array of the context strings (borrowed from
 * *root; json_decref both). need_answer: skip questions without an answer
 * text. Returns 0, or 2 after a message on stderr (unreadable, empty). */
int squad_load(const char *path, int need_answer, json_t **root,
               json_t **contexts, squad_qa_t **qa, int *nq);

#endif
