/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm.h — the one interface the rest of lotse uses for language models.
 *
 * Backends: "builtin" (the GGUF engine in this directory) and "openai" (a
 * libcurl client for any OpenAI-compatible server, streaming SSE, time-outs
 * and retries). Callers never see which one runs.
 *
 * Thread-safety: a backend handle may be shared by threads; requests are
 * queued in arrival order (builtin: one generation at a time per handle).
 * A request is cancelled when its on_text callback returns non-zero (e.g.
 * the HTTP client went away): generation stops at the next token and the
 * call returns LOTSE_ECANCELED.
 */
#ifndef LOTSE_LLM_LLM_H
#define LOTSE_LLM_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/chat_template.h"
#include "llm/sampler.h"

typedef struct llm_config {
  const char *backend;       /* "builtin" (default) or "openai" */
  /* builtin */
  const char *model_path;    /* GGUF file */
  int n_threads;             /* 0: all CPUs */
  int n_ctx;                 /* 0: min(trained, 4096) */
  const char *chat_template; /* NULL: the model's own; or a builtin name */
  /* openai */
  const char *base_url;      /* "http://host:port/v1" */
  const char *api_key;       /* NULL: none */
  const char *model_name;    /* model to request; NULL: server's first */
  int timeout_ms;            /* per request; 0: 120000 */
  int retries;               /* on connect errors and 5xx; 0: none */
} llm_config_t;

typedef struct llm_backend llm_backend_t;

/* Called with each piece of generated text (complete UTF-8 only). Return
 * non-zero to cancel. */
typedef int (*llm_text_fn)(void *ud, const char *text, size_t len);

typedef struct llm_request {
  /* Exactly one of msgs (chat, rendered with the model's template) and
   * prompt (raw completion) is set. */
  const llm_chat_msg_t *msgs;
  size_t n_msgs;
  const char *prompt;
  llm_sampling_t sampling;
  int max_tokens;            /* 0: until end of generation or context */
  const char *const *stop;   /* stop strings (not included in output) */
  size_t n_stop;
  const char *json_schema;   /* NULL: free text */
  llm_text_fn on_text;       /* NULL: no streaming */
  void *ud;
} llm_request_t;

typedef struct llm_result {
  char *text;                /* whole generated text, caller frees */
  int prompt_tokens;
  int completion_tokens;
  char finish_reason[16];    /* "stop" or "length" */
  double prompt_ms, gen_ms;  /* builtin only; 0 otherwise */
} llm_result_t;

int llm_open(const llm_config_t *cfg, llm_backend_t **out, lotse_err_t *err);
void llm_close(llm_backend_t *b);
/* The model's name for /v1/models and logs. */
const char *llm_model_id(const llm_backend_t *b);

int llm_generate(llm_backend_t *b, const llm_request_t *req,
                 llm_result_t *res, lotse_err_t *err);
void llm_result_release(llm_result_t *res);

/* Embedding of text, L2-normalised; *vec is allocated (caller frees).
 * n_tokens (may be NULL) receives the number of input tokens the model saw
 * (0 when an openai-compatible server does not report it). */
typedef enum { LLM_EMBED_MEAN = 0, LLM_EMBED_LAST = 1 } llm_embed_pool_t;
int llm_embed(llm_backend_t *b, const char *text, size_t len,
              llm_embed_pool_t pool, float **vec, size_t *dim, int *n_tokens,
              lotse_err_t *err);

/* Backend implementations (llm.c dispatches on cfg->backend). */
typedef struct llm_backend_ops {
  const char *name;
  int (*open)(const llm_config_t *cfg, void **impl, lotse_err_t *err);
  void (*close)(void *impl);
  const char *(*model_id)(void *impl);
  int (*generate)(void *impl, const llm_request_t *req, llm_result_t *res,
                  lotse_err_t *err);
  int (*embed)(void *impl, const char *text, size_t len,
               llm_embed_pool_t pool, float **vec, size_t *dim,
               int *n_tokens, lotse_err_t *err);
} llm_backend_ops_t;

extern const llm_backend_ops_t llm_backend_builtin;
extern const llm_backend_ops_t llm_backend_openai;

#endif
