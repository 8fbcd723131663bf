/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes_pdf.c — minutes as PDF. NOT BUILT YET: being written in
 * this session; until then every call is LOTSE_EUNSUPPORTED.
 */
#include "apps/minutes.h"

int minutes_render_pdf(const json_t *doc, lotse_buf_t *out, lotse_err_t *err) {
  (void)doc;
  (void)out;
  return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "PDF-Ausgabe ist noch nicht verfügbar");
}
