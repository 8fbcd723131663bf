/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/classify.h — the AI-Act questionnaire and the risk class it yields.
 *
 * The questionnaire is a data file (YAML, German; default
 * gov/questionnaire/ki-verordnung.yaml, installed beside the binary's
 * sources) interpreted by gov/classify.c: questions grouped by legal basis
 * (Art. 5 prohibited practices, Art. 6 with Annex III high-risk areas,
 * Art. 50 transparency, staff monitoring, personal data), each answer with
 * the consequences it has. Answers are a JSON object {question_id: value}
 * stored with the application version.
 *
 * Risk classes follow the county's service instruction:
 *   1 minimal, 2 gering (transparency duties), 3 hoch, 4 unannehmbar.
 * Contract: gov_classify_eval() is a pure function of questionnaire and
 * answers; an unknown question id, a missing required answer or a value of
 * the wrong kind is LOTSE_EINVAL with a German message naming the question.
 */
#ifndef LOTSE_GOV_CLASSIFY_H
#define LOTSE_GOV_CLASSIFY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/base.h"

typedef struct gov_questionnaire gov_questionnaire_t;

/* What a class demands before approval (service instruction). */
typedef struct gov_measures {
  bool prohibited;        /* class 4: can never be approved */
  bool needs_dsfa;        /* class 3: DSFA reference (Art. 35 GDPR) */
  bool needs_risk_mgmt;   /* class 3: risk management record */
  bool needs_transparency; /* class >= 2: Art. 50 notice shown to users */
  bool needs_personalrat; /* the application can monitor staff */
  bool needs_dpo;         /* personal data: Datenschutz must approve */
  char **trainings;       /* required training ids, NULL-terminated */
} gov_measures_t;

typedef struct gov_classification {
  int risk_class;       /* 1..4 */
  gov_measures_t measures;
  char **reasons;       /* German, one per triggering answer; NULL-terminated */
} gov_classification_t;

/* Load and validate a questionnaire file (schema errors name line and
 * column). path NULL: the default file. */
int gov_questionnaire_load(const char *path, gov_questionnaire_t **out,
                           lotse_err_t *err);
void gov_questionnaire_free(gov_questionnaire_t *q); /* NULL is a no-op */

/* The questions as JSON (id, section, text, kind, options) for UIs/CLI. */
json_t *gov_questionnaire_json(const gov_questionnaire_t *q);

/* Classify answers (a JSON object). Fills *out; free with
 * gov_classification_release(). */
int gov_classify_eval(const gov_questionnaire_t *q, const json_t *answers,
                      gov_classification_t *out, lotse_err_t *err);
void gov_classification_release(gov_classification_t *c);

/* The classification as JSON: {"risk_class":N,"measures":{...},
 * "reasons":[...]} — stored with the application version. */
json_t *gov_classification_json(const gov_classification_t *c);

#endif
