/* SPDX-License-Identifier: EUPL-1.2
 *
 * engine_internal.h — the builtin backend's state, shared by engine.c
 * (open, queue, embeddings), engine_prompt.c (prompt text and tokens) and
 * engine_generate.c (the decode loop).
 *
 * One model, one context, one generation at a time: requests take a
 * ticket and run in arrival order (FIFO), so concurrent callers never see
 * each other's tokens. The tokens in the KV cache are remembered so that a
 * request sharing a prefix with the previous one (multi-turn chat) skips
 * that prefix.
 */
#ifndef LOTSE_LLM_ENGINE_INTERNAL_H
#define LOTSE_LLM_ENGINE_INTERNAL_H

#include <pthread.h>

#include "llm/chat_template.h"
#include "llm/llm.h"
#include "llm/model.h"
#include "llm/tokenizer.h"

typedef struct engine {
  llm_model_t *model;
  const llm_tokenizer_t *tok;
  llm_ctx_t *ctx;
  llm_chat_tmpl_t *tmpl; /* NULL: model has none and none was named */
  char *tmpl_error;      /* why the model's own template was refused */
  char *model_id;
  lotse_strv_t controls; /* texts of control tokens, for input checks */
  llm_tokens_t cached;   /* tokens whose keys/values are in ctx */
  struct llm_jsonc_vocab *jvocab; /* token index for JSON schemas, lazy */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned long next_ticket, serving;
} engine_t;

void engine_lock(engine_t *e);
void engine_unlock(engine_t *e);

/* The prompt of a request as tokens (chat rendered with the template). */
int engine_prompt_tokens(engine_t *e, const llm_request_t *req,
                         llm_tokens_t *out, lotse_err_t *err);
/* Bring the cache to hold exactly toks[0..n) (reusing a common prefix);
 * the logits are then those after toks[n-1]. */
int engine_feed_prompt(engine_t *e, const int32_t *toks, size_t n,
                       lotse_err_t *err);
int engine_generate(void *impl, const llm_request_t *req, llm_result_t *res,
                    lotse_err_t *err);

#endif
