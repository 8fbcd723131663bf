/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_audit.c — GET /api/audit?limit=…&app=…&actor=…: the state
 * of the hash-chained audit trail (gov_audit_verify) and its most recent
 * records, for the web application's Audit page.
 *
 * Contract: only named users holding the role auditor or admin (anonymous:
 * 401; other users: 403 with a German reason). The trail is opened
 * read-only per request and never created or changed here; a workspace
 * without a trail answers with the verdict verify gives for it.
 * Invariants: records come newest first, at most limit (1..500, default
 * 50) of them, each in the shape of `lotse audit export`; filters apply
 * to the records, never to the chain check, which always covers the whole
 * trail.
 * Spec: server/api/audit.json.
 */
#include "gov/audit.h"
#include "gov/registry.h"
#include "server/server_internal.h"

#include <stdlib.h>
#include <string.h>

#define AUDIT_ROLES \
  (GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | GOV_ROLE_BIT(GOV_ROLE_ADMIN))
#define AUDIT_LIMIT_DEFAULT 50
#define AUDIT_LIMIT_MAX 500
#define AUDIT_NAME_MAX 128

typedef struct audit_walk {
  json_t *records; /* oldest first while walking */
  size_t limit;
  lotse_buf_t line;
} audit_walk_t;

/* The value of query parameter key, NULL when absent; *bad when it holds
 * a NUL byte or is empty or longer than AUDIT_NAME_MAX. */
static const char *arg(http_req_t *r, const char *key, int *bad) {
  const char *v = server_query_arg(r, key, bad);
  if (v && (!*v || strlen(v) > AUDIT_NAME_MAX)) *bad = 1;
  return v;
}

static int query_or_reply(http_req_t *r, gov_audit_filter_t *f,
                          size_t *limit) {
  int bad = 0;
  const char *v = arg(r, "limit", &bad);
  *limit = AUDIT_LIMIT_DEFAULT;
  if (v && !bad) {
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1 || n > AUDIT_LIMIT_MAX) bad = 1;
    *limit = (size_t)n;
  }
  if (bad) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'limit' muss eine Zahl von 1 bis %d sein",
                       AUDIT_LIMIT_MAX);
    return -1;
  }
  f->app_id = arg(r, "app", &bad);
  f->actor = arg(r, "actor", &bad);
  if (bad || (f->app_id && !lotse_utf8_valid(f->app_id, strlen(f->app_id))) ||
      (f->actor && !lotse_utf8_valid(f->actor, strlen(f->actor)))) {
    server_reply_error(r, MHD_HTTP_BAD_REQUEST,
                       "Parameter 'app' und 'actor' müssen nicht leere "
                       "Namen (höchstens %d Bytes) sein",
                       AUDIT_NAME_MAX);
    return -1;
  }
  return 0;
}

/* Keeps the last w->limit records (oldest first). */
static int on_record(void *ctx, const gov_audit_rec_t *rec) {
  audit_walk_t *w = ctx;
  lotse_err_t err = {0};
  lotse_buf_reset(&w->line);
  if (gov_audit_rec_json(rec, &w->line, &err)) return LOTSE_ENOMEM;
  json_t *j = json_loadb(w->line.data, w->line.len, 0, NULL);
  if (!j || json_array_append_new(w->records, j)) return LOTSE_ENOMEM;
  if (json_array_size(w->records) > w->limit)
    json_array_remove(w->records, 0);
  return 0;
}

static json_t *verdict_json(const gov_audit_verdict_t *v) {
  return json_pack(
      "{s:b, s:s, s:I, s:I, s:I, s:s, s:I, s:I, s:o}", "ok",
      v->fault == GOV_AUDIT_OK, "fault", gov_audit_fault_code(v->fault),
      "seq", (json_int_t)v->seq, "records", (json_int_t)v->records,
      "head_seq", (json_int_t)v->head_seq, "head_hash", v->head_hash,
      "anchor_seq", (json_int_t)v->anchor_seq, "anchor_lag",
      (json_int_t)v->anchor_lag, "message", server_json_text(v->message));
}

/* Verify the chain and collect the records; the reply body or NULL. */
static json_t *audit_collect(gov_audit_t *a, const gov_audit_filter_t *f,
                             size_t limit, lotse_err_t *err) {
  gov_audit_verdict_t v;
  memset(&v, 0, sizeof v);
  if (gov_audit_verify(a, &v, err)) return NULL;
  audit_walk_t w = {json_array(), limit, {0}};
  lotse_buf_init(&w.line, 64u << 10);
  int rc = w.records ? 0 : LOTSE_ENOMEM;
  if (!rc && v.head_seq > 0) rc = gov_audit_query(a, f, on_record, &w, err);
  lotse_buf_release(&w.line);
  json_t *chain = rc ? NULL : verdict_json(&v);
  if (!chain) {
    json_decref(w.records);
    return NULL;
  }
  /* newest first */
  json_t *out = json_array();
  for (size_t i = json_array_size(w.records); out && i > 0; i--)
    json_array_append(out, json_array_get(w.records, i - 1));
  json_decref(w.records);
  return json_pack("{s:o, s:o*, s:I}", "chain", chain, "records", out,
                   "limit", (json_int_t)limit);
}

enum MHD_Result route_audit(http_req_t *r) {
  gov_audit_filter_t f;
  memset(&f, 0, sizeof f);
  size_t limit = 0;
  if (server_roles_or_reply(r, AUDIT_ROLES,
                            "Das Audit-Protokoll ist nur für angemeldete "
                            "Beschäftigte zugänglich",
                            "Keine Berechtigung: das Audit-Protokoll sehen "
                            "nur Revision und Administration") ||
      query_or_reply(r, &f, &limit))
    return r->result;
  char *ws = server_workspace_dir(r->srv->o.db_path);
  gov_audit_t *a = NULL;
  lotse_err_t err = {0};
  json_t *body = NULL;
  int rc = ws ? gov_audit_open(ws, GOV_AUDIT_RDONLY, &a, &err) : LOTSE_ENOMEM;
  if (!rc) body = audit_collect(a, &f, limit, &err);
  gov_audit_close(a);
  free(ws);
  if (!body) {
    lotse_log(LOTSE_LOG_ERROR, "server: audit: %s", err.msg);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Das Audit-Protokoll konnte nicht gelesen "
                              "werden");
  }
  return server_reply_json(r, MHD_HTTP_OK, body);
}
