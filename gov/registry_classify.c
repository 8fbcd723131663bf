/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry_classify.c — classifying an application's current version
 * with the AI-Act questionnaire (gov/classify.h) and storing the result.
 *
 * Kept apart from gov/approval.c so that the workflow links without the
 * questionnaire interpreter (tests build classifications by hand).
 */
#include "gov/registry.h"

int gov_app_classify(store_t *st, const gov_questionnaire_t *q,
                     const char *slug, const json_t *answers,
                     const char *actor, lotse_err_t *err) {
  gov_classification_t c = {0};
  int rc = gov_classify_eval(q, answers, &c, err);
  if (!rc) rc = gov_app_classify_set(st, slug, answers, &c, actor, err);
  gov_classification_release(&c);
  return rc;
}
