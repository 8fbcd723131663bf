/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_portfolio.c — GET /api/portfolio: the county's AI project
 * portfolio with priorities, time frames, focus areas and KPI definitions
 * (gov/kpi.h, the data of `lotse portfolio --json`), for the cockpit.
 *
 * Contract: the same callers as /api/kpi (roles auditor, ki_koordination,
 * admin; anonymous 401, others 403). The portfolio file is read per
 * request (gov_portfolio_path: $LOTSE_PORTFOLIO, the source tree, or
 * /usr/share/lotse); a missing or invalid file is 500 with the reason in
 * the server log. The values of the KPIs come from /api/kpi.
 * Spec: server/api/portfolio.json.
 */
#include "gov/kpi.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#define PORTFOLIO_ROLES                                                     \
  (GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) | \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))

enum MHD_Result route_portfolio(http_req_t *r) {
  if (server_roles_or_reply(r, PORTFOLIO_ROLES,
                            "Das Projektportfolio ist nur für angemeldete "
                            "Beschäftigte zugänglich",
                            "Keine Berechtigung: das Projektportfolio sehen "
                            "nur Revision, KI-Koordination und "
                            "Administration"))
    return r->result;
  gov_portfolio_t *pf = NULL;
  lotse_err_t err = {0};
  json_t *body = NULL;
  if (gov_portfolio_load(NULL, &pf, &err) == 0) body = gov_portfolio_json(pf);
  gov_portfolio_free(pf);
  if (!body) {
    lotse_log(LOTSE_LOG_ERROR, "server: portfolio: %s",
              err.msg[0] ? err.msg : "out of memory");
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Das Projektportfolio konnte nicht gelesen "
                              "werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, body);
}
