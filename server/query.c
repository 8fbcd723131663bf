/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/query.c — query-string parameters, read the same way by every
 * route: absent is NULL, a parameter without a value is "", and a value
 * with an embedded NUL (%00) is reported, since C string handling would
 * silently cut it there.
 */
#include "server/server_internal.h"

#include <string.h>

const char *server_query_arg(http_req_t *r, const char *key, int *bad) {
  const char *v = NULL;
  size_t n = 0;
  if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, key,
                                    strlen(key), &v, &n) != MHD_YES)
    return NULL;
  if (!v) return "";
  if (strlen(v) != n) *bad = 1;
  return v;
}
