/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_write_templates.c — NOT BUILT YET: being written in this session;
 * answers 501 until then.
 */
#include "server/server_internal.h"

enum MHD_Result route_write_templates(http_req_t *r) {
  return server_reply_error(r, MHD_HTTP_NOT_IMPLEMENTED,
                            "Noch nicht verfügbar");
}
