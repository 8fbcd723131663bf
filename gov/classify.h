/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/classify.h — the AI-Act questionnaire and the risk class it yields.
 *
 * The questionnaire is a data file (YAML, German; default
 * gov/questionnaire/ki-verordnung.yaml, installed beside the binary's
 * sources) interpreted by gov/classify.c: questions grouped by legal basis
 * (Art. 5 prohibited practices, the service instruction's exclusions,
 * Art. 6 with Annex III high-risk areas, Art. 50 transparency, personal
 * data, staff monitoring), each answer with the consequences it has. Answers are a JSON object {question_id: value}
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
#include <stddef.h>

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

/* Load and validate a questionnaire file (schema errors are LOTSE_ECORRUPT
 * naming "<file>:<line>:<column>"; an unreadable file keeps the code of
 * lotse_file_read). path NULL: the default file, found in this order:
 * $LOTSE_QUESTIONNAIRE, $LOTSE_SOURCE_DIR/gov/questionnaire/
 * ki-verordnung.yaml, the same below the source tree this was built from,
 * then that relative path. The file format: docs/governance/
 * questionnaire.md. *out is owned by the caller (gov_questionnaire_free);
 * a loaded questionnaire is immutable and may be shared between threads. */
int gov_questionnaire_load(const char *path, gov_questionnaire_t **out,
                           lotse_err_t *err);
/* The same from memory; name stands for the file in messages. */
int gov_questionnaire_parse(const char *text, size_t len, const char *name,
                            gov_questionnaire_t **out, lotse_err_t *err);
void gov_questionnaire_free(gov_questionnaire_t *q); /* NULL is a no-op */
/* The default file's path as described above; caller frees. */
char *gov_questionnaire_default_path(void);
/* The file's "version" field and the SHA-256 (hex) of its bytes; borrowed
 * from q. Store them with answers to know what they were given to. */
const char *gov_questionnaire_version(const gov_questionnaire_t *q);
const char *gov_questionnaire_sha256(const gov_questionnaire_t *q);

/* The questions for UIs/CLI, in order: a JSON array of {id, section,
 * section_title, text, help?, kind ("yes_no"|"choice"|"multi_choice"),
 * required, options: [{value, label, help?, exclusive?}], ask_if?:
 * {question_id: [values]}}. yes_no questions list the options "ja" and
 * "nein". New reference, caller owns it. */
json_t *gov_questionnaire_json(const gov_questionnaire_t *q);

/* "minimal", "gering", "hoch", "unannehmbar" for 1..4; NULL otherwise. */
const char *gov_risk_class_label(int risk_class);

/* Classify answers (a JSON object {question_id: value}; yes_no: true/false
 * or "ja"/"nein", choice: "value", multi_choice: ["value", …]). Fills *out
 * (trainings and reasons never NULL on success); free with
 * gov_classification_release(). On error *out is empty. */
int gov_classify_eval(const gov_questionnaire_t *q, const json_t *answers,
                      gov_classification_t *out, lotse_err_t *err);
void gov_classification_release(gov_classification_t *c);

/* The classification as JSON — stored with the application version:
 * {"risk_class":N, "risk_label":"hoch", "measures":{"prohibited":b,
 * "needs_dsfa":b, "needs_risk_mgmt":b, "needs_transparency":b,
 * "needs_personalrat":b, "needs_dpo":b, "trainings":[id…]},
 * "reasons":[text…]}. New reference, caller owns it. */
json_t *gov_classification_json(const gov_classification_t *c);
/* Back from that JSON (risk_label is ignored; missing flags are false).
 * Free with gov_classification_release(). */
int gov_classification_from_json(const json_t *j, gov_classification_t *out,
                                 lotse_err_t *err);

#endif
