/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/alerts_internal.h — shared between alerts.c (rows,
 * listing) and alerts_sink.c (buffering during ingestion).
 */
#ifndef LOTSE_LOGWATCH_ALERTS_INTERNAL_H
#define LOTSE_LOGWATCH_ALERTS_INTERNAL_H

#include "analytics/logwatch/anomaly.h"
#include "base/base.h"

#include <jansson.h>
#include <sqlite3.h>

/* The alert as the JSON row that is buffered and stored (explanation
 * included); NULL on OOM. Owner: the caller. */
json_t *lw_alert_row(const lw_alert *a);
/* Store a row made by lw_alert_row: *id == 0 inserts and sets *id; else
 * the row *id is updated while it is still open (a closed row is final). */
int lw_alerts_put_row(sqlite3 *db, const json_t *row, int64_t *id,
                      lotse_err_t *err);

#endif
