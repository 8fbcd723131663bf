/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm.c — the backend switch behind llm.h: picks an implementation by
 * name and forwards every call to it. Queueing and cancellation live in
 * the implementations, which know what may run concurrently.
 */
#include "llm/llm.h"

#include <stdlib.h>
#include <string.h>

struct llm_backend {
  const llm_backend_ops_t *ops;
  void *impl;
};

static const llm_backend_ops_t *backend_find(const char *name) {
  if (name == NULL || name[0] == '\0' || strcmp(name, "builtin") == 0)
    return &llm_backend_builtin;
  if (strcmp(name, "openai") == 0)
    return &llm_backend_openai;
  return NULL;
}

int llm_open(const llm_config_t *cfg, llm_backend_t **out, lotse_err_t *err) {
  *out = NULL;
  const llm_backend_ops_t *ops = backend_find(cfg->backend);
  if (ops == NULL)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unknown model backend '%s' (builtin, openai)",
                         cfg->backend);
  llm_backend_t *b = calloc(1, sizeof(*b));
  if (b == NULL)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  b->ops = ops;
  int rc = ops->open(cfg, &b->impl, err);
  if (rc < 0) {
    free(b);
    return rc;
  }
  *out = b;
  return 0;
}

void llm_close(llm_backend_t *b) {
  if (b == NULL)
    return;
  b->ops->close(b->impl);
  free(b);
}

const char *llm_model_id(const llm_backend_t *b) {
  return b->ops->model_id(b->impl);
}

static int request_check(const llm_request_t *req, lotse_err_t *err) {
  if ((req->msgs == NULL) == (req->prompt == NULL))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "a request needs either messages or a prompt");
  if (req->msgs != NULL && req->n_msgs == 0)
    return lotse_err_set(err, LOTSE_EINVAL, "a chat request needs messages");
  if (req->max_tokens < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "max_tokens must not be negative");
  for (size_t i = 0; i < req->n_stop; i++)
    if (req->stop[i] == NULL || req->stop[i][0] == '\0')
      return lotse_err_set(err, LOTSE_EINVAL, "empty stop string");
  return 0;
}

int llm_generate(llm_backend_t *b, const llm_request_t *req,
                 llm_result_t *res, lotse_err_t *err) {
  memset(res, 0, sizeof(*res));
  int rc = request_check(req, err);
  if (rc < 0)
    return rc;
  return b->ops->generate(b->impl, req, res, err);
}

void llm_result_release(llm_result_t *res) {
  free(res->text);
  res->text = NULL;
}

int llm_embed(llm_backend_t *b, const char *text, size_t len,
              llm_embed_pool_t pool, float **vec, size_t *dim, int *n_tokens,
              lotse_err_t *err) {
  int n = 0;
  *vec = NULL;
  *dim = 0;
  if (n_tokens) *n_tokens = 0;
  if (len == 0)
    return lotse_err_set(err, LOTSE_EINVAL, "cannot embed empty text");
  int rc = b->ops->embed(b->impl, text, len, pool, vec, dim, &n, err);
  if (rc == 0 && n_tokens) *n_tokens = n;
  return rc;
}
