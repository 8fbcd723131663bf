/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_minutes.h — what the two files of /api/minutes share
 * (route_minutes.c: paths, rendering, drafts from the form;
 * route_minutes_gate.c: drafts by the model and publishing).
 *
 * Contract: as server_internal.h — a *_or_reply helper that fails has
 * queued the error reply (result in r->result).
 */
#ifndef LOTSE_SERVER_ROUTE_MINUTES_H
#define LOTSE_SERVER_ROUTE_MINUTES_H

#include "apps/minutes.h"
#include "server/server_internal.h"

/* 400 (or status) with msg; when msg starts with a field path of the
 * validator ("items[2].title: …") the error object carries it as
 * "field". */
enum MHD_Result minutes_reply_invalid(http_req_t *r, unsigned status,
                                      const char *msg);
/* 400 with msg; returns -1. */
int minutes_bad_or_reply(http_req_t *r, const char *msg);
/* 500, logged. */
enum MHD_Result minutes_reply_internal(http_req_t *r, const lotse_err_t *err);
/* Optional text member (NULL when absent or null); 1 when it is no text. */
int minutes_opt_string(const json_t *body, const char *key, const char **out);
/* The optional "app" of body (default MINUTES_DRAFT_APP); -1 after 400. */
int minutes_app_or_reply(http_req_t *r, const json_t *body, const char **app);
/* The request body as a JSON object; NULL after a 400 reply. */
json_t *minutes_body_or_reply(http_req_t *r);
/* Whether the caller holds an overseeing role (KI-Koordination, Auditor,
 * Administration). */
int minutes_oversees(http_req_t *r);
/* Draft id as JSON when the caller may see it (author or overseeing
 * role); NULL after a 404 (same as missing) or 500 reply. */
json_t *minutes_draft_or_reply(http_req_t *r, int64_t id);

/* route_minutes_gate.c */
enum MHD_Result minutes_post_draft(http_req_t *r);
enum MHD_Result minutes_post_publish(http_req_t *r, int64_t id);

#endif
