/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/server.h — the HTTP interface (libmicrohttpd).
 *
 * Endpoints (one page each in docs/api/): GET /api/search?q=…&limit=&offset=,
 * GET /api/documents/{id}, GET /healthz, GET /metrics (Prometheus text),
 * and, when a language model is configured, the OpenAI-compatible
 * POST /v1/chat/completions, /v1/completions, /v1/embeddings and
 * GET /v1/models.
 * Errors are JSON: {"error": {"code": …, "message": …, "type": …}}.
 *
 * Who is calling: the user of a login session (cookie lotse_session from
 * POST /api/login or the OIDC callback, server/session.h), or else the
 * anonymous public (class "offen", documents without groups). Only when
 * dev_tokens is on — a development aid, off by default, never for
 * production — does "Authorization: Bearer dev:NAME" name the user NAME.
 *
 * Contract: each worker thread has its own store connection; a document
 * the caller may not read is a 404 exactly like a missing one.
 */
#ifndef LOTSE_SERVER_H
#define LOTSE_SERVER_H

#include "base/base.h"
#include "llm/llm.h"

#include <stddef.h>

typedef struct server_opts {
  const char *db_path;      /* the workspace database (lotse.db) */
  const char *bind;         /* address to listen on, "127.0.0.1" */
  int port;                 /* 0: any free port, see server_port() */
  int dev_tokens;           /* accept development tokens (see above) */
  size_t max_request_bytes; /* URL + headers + body; larger is 413/414 */
  int threads;              /* worker threads, default 2 */
  llm_backend_t *llm;       /* borrowed, outlives the server; NULL: the
                               /v1 endpoints answer 503 */
  const lotse_conf_t *conf; /* borrowed, outlives the server; the auth.*
                               and oidc.* keys (NULL: defaults) */
} server_opts_t;

void server_opts_default(server_opts_t *o);

typedef struct server server_t;

/* Start listening; returns once the socket is bound. */
int server_start(const server_opts_t *o, server_t **out, lotse_err_t *err);
int server_port(const server_t *s);
void server_stop(server_t *s); /* NULL is a no-op; waits for requests */

#endif
