/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_questionnaire.c — GET /api/questionnaire: the AI-Act
 * questionnaire (questions, kinds, options, help texts and the ask_if
 * conditions), the same JSON as `lotse app questions --json`, so the web
 * application can show the classification form of an application
 * (answers go to POST /api/apps/{id}/classify).
 *
 * Contract: named users only (anonymous 401). The file is found as for the
 * command (gov_questionnaire_default_path) and read per request; a missing
 * or invalid file is 500 with the reason in the server log.
 * Spec: server/api/questionnaire.json.
 */
#include "gov/classify.h"
#include "server/server_internal.h"

#include <stdlib.h>

enum MHD_Result route_questionnaire(http_req_t *r) {
  if (r->principal.user_id == 0)
    return server_reply_unauthorized(r, "Der Fragebogen ist nur für "
                                        "angemeldete Beschäftigte "
                                        "zugänglich");
  char *path = gov_questionnaire_default_path();
  gov_questionnaire_t *q = NULL;
  lotse_err_t err = {0};
  json_t *body = NULL;
  int rc = path ? gov_questionnaire_load(path, &q, &err) : LOTSE_ENOTFOUND;
  if (!rc) body = gov_questionnaire_json(q);
  gov_questionnaire_free(q);
  free(path);
  if (!body) {
    lotse_log(LOTSE_LOG_ERROR, "server: questionnaire: %s",
              err.msg[0] ? err.msg : "not found or out of memory");
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Der Fragebogen konnte nicht gelesen werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, body);
}
