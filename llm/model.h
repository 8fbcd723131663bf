/* SPDX-License-Identifier: EUPL-1.2
 *
 * model.h — a transformer loaded from GGUF, and the context that runs it.
 *
 * Architectures: "llama" (Llama 3.x, Mistral: RoPE on adjacent pairs,
 * optional rope_freqs.weight frequency factors for Llama 3.1), "qwen2"
 * (NEOX RoPE, q/k/v biases), "qwen3" (NEOX RoPE, per-head RMSNorm of q and
 * k, explicit key_length). Grouped-query attention; output.weight or tied
 * to token_embd.weight. Every tensor the architecture needs is checked for
 * presence, type (quant.h weight_ok) and exact shape at load; 1-D tensors
 * (norms, biases, rope factors) must be F32.
 *
 * Weights stay in the read-only mapping (never copied); llm_mat_pack may
 * add kernel layouts. A context owns the f16 KV cache, scratch buffers and
 * the worker threads; one context serves one sequence at a time and is not
 * thread-safe. Several contexts may share one model.
 */
#ifndef LOTSE_LLM_MODEL_H
#define LOTSE_LLM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/gguf.h"
#include "llm/quant.h"
#include "llm/tokenizer.h"

typedef enum { LLM_ARCH_LLAMA, LLM_ARCH_QWEN2, LLM_ARCH_QWEN3 } llm_arch_t;

typedef struct llm_hparams {
  llm_arch_t arch;
  char arch_name[16];
  char name[96];         /* general.name or "" */
  int n_vocab;
  int n_ctx_train;
  int n_embd;
  int n_layer;
  int n_head;
  int n_head_kv;
  int head_dim;          /* key_length, default n_embd / n_head */
  int n_ff;
  float rms_eps;
  float rope_base;
  bool rope_neox;        /* pairs (i, i + d/2) instead of (2i, 2i+1) */
  bool has_rope_factors; /* rope_freqs.weight present */
  bool tied_output;
  int weight_type;       /* type of most weights, for display */
  uint64_t n_params;
} llm_hparams_t;

typedef struct llm_model llm_model_t;

int llm_model_load(const char *path, llm_model_t **out, lotse_err_t *err);
void llm_model_free(llm_model_t *m);
const llm_hparams_t *llm_model_hparams(const llm_model_t *m);
const llm_tokenizer_t *llm_model_tokenizer(const llm_model_t *m);
const gguf_t *llm_model_gguf(const llm_model_t *m);

typedef struct llm_ctx_opts {
  int n_ctx;     /* 0: min(n_ctx_train, 4096) */
  int n_threads; /* 0: number of online CPUs */
  int n_batch;   /* tokens per forward pass in prompt processing; 0: 512 */
} llm_ctx_opts_t;

typedef struct llm_ctx llm_ctx_t;

int llm_ctx_new(const llm_model_t *m, const llm_ctx_opts_t *o,
                llm_ctx_t **out, lotse_err_t *err);
void llm_ctx_free(llm_ctx_t *c);
int llm_ctx_n_ctx(const llm_ctx_t *c);
int llm_ctx_n_past(const llm_ctx_t *c);
/* Forget the cache beyond the first n_keep positions. */
void llm_ctx_truncate(llm_ctx_t *c, int n_keep);
/* Run tokens at positions n_past.. and append them to the cache; afterwards
 * llm_ctx_logits() holds the last token's logits (raw, n_vocab floats).
 * LOTSE_ELIMIT (cache unchanged) when n_past + n > n_ctx. */
int llm_ctx_decode(llm_ctx_t *c, const int32_t *toks, size_t n,
                   lotse_err_t *err);
const float *llm_ctx_logits(const llm_ctx_t *c);

typedef enum { LLM_POOL_MEAN, LLM_POOL_LAST } llm_pool_t;
/* Embedding of a token sequence: final hidden states (after output_norm)
 * pooled and L2-normalised into out[n_embd]. Clears the cache. */
int llm_ctx_embed(llm_ctx_t *c, const int32_t *toks, size_t n,
                  llm_pool_t pool, float *out, lotse_err_t *err);

#endif
