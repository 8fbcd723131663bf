/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/model_internal.h — the loaded model and the context, shared by
 * model.c (load), kv_cache.c and forward.c.
 *
 * Invariants after llm_model_load: every llm_mat_t has n_in/n_out equal to
 * the shape checked at load and data inside the mapping; every const float
 * pointer points at an F32 tensor of the expected length (or is NULL when
 * the architecture does not have it).
 */
#ifndef LOTSE_LLM_MODEL_INTERNAL_H
#define LOTSE_LLM_MODEL_INTERNAL_H

#include "llm/model.h"
#include "llm/ops.h"
#include "llm/threadpool.h"

typedef struct llm_layer {
  const float *attn_norm, *ffn_norm;
  llm_mat_t wq, wk, wv, wo;
  const float *bq, *bk, *bv;     /* qwen2 */
  const float *q_norm, *k_norm;  /* qwen3, head_dim each */
  llm_mat_t w_gate, w_up, w_down;
} llm_layer_t;

struct llm_model {
  gguf_t *g;
  llm_tokenizer_t *tok;
  llm_hparams_t hp;
  float freq_scale;           /* linear RoPE scaling: 1 / factor */
  const gguf_tensor_t *tok_embd;
  llm_mat_t output;           /* token_embd when tied */
  const float *output_norm;
  const float *rope_factors;  /* head_dim / 2, or NULL */
  llm_layer_t *layers;
};

/* KV cache: per layer K and V as [n_head_kv][n_ctx][head_dim] f16. */
typedef struct llm_kv {
  int n_layer, n_head_kv, n_ctx, hd;
  uint16_t *k, *v;
} llm_kv_t;

int llm_kv_init(llm_kv_t *kv, int n_layer, int n_head_kv, int n_ctx, int hd);
void llm_kv_release(llm_kv_t *kv);
static inline uint16_t *llm_kv_k(const llm_kv_t *kv, int il, int h, int pos) {
  return kv->k + (((size_t)il * kv->n_head_kv + h) * kv->n_ctx + pos) * kv->hd;
}
static inline uint16_t *llm_kv_v(const llm_kv_t *kv, int il, int h, int pos) {
  return kv->v + (((size_t)il * kv->n_head_kv + h) * kv->n_ctx + pos) * kv->hd;
}

#endif
