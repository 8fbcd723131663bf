/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/synth.h — synthetic GGUF models for tests and benchmarks
 * (`lotse model synth`).
 *
 * A synthetic model has the metadata, tensor names, shapes and types of a
 * real llama.cpp file of the architecture ("llama", "qwen2", "qwen3") and
 * deterministic pseudo-random weights: the same options and seed give the
 * same bytes on every machine (integer PRNG, uniform distributions, no libm
 * in the weights; quantised with llm_quantize_row). Tensors are generated
 * row by row inside the writer's fill callback, so a multi-GiB model is
 * never held in memory (only the largest single tensor).
 *
 * Types: every 2-D weight gets the requested type, unless its row length
 * (ne[0]) does not fit the block: K-quants need a multiple of 256 and fall
 * back as llama.cpp does (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0); 32-
 * element block types need a multiple of 32 and otherwise fall back to F16.
 * 1-D tensors (norms, biases, rope factors) are F32.
 *
 * Scales (chosen so that greedy decoding is robust between engines): all
 * weights are uniform with mean 0 and the standard deviation below (norm
 * weights: 1 +- 0.1 uniform); G = LLM_SYNTH_RES_GAIN (3).
 *   attn_q, attn_k, attn_v, ffn_gate, ffn_up   1 / sqrt(n_in)
 *   attn_output                               G / sqrt(n_in)
 *   ffn_down                                  1.5 G / sqrt(n_in)
 *   q/k/v biases (qwen2)                      0.1
 *   token_embd (untied)                       1
 *   output, or token_embd when tied           LLM_SYNTH_LOGIT_STD / sqrt(n_embd)
 * Every matmul input is RMS-normalised (or an attention average of such
 * values): q, k, v, gate and up have an RMS of about 1, attention scores a
 * standard deviation of about 1 (moderately peaked), and each layer adds
 * about 2 (attention) and 3 (FFN) of RMS to the residual stream, so the
 * residual grows only with the square root of the depth (about 18 after
 * 28 layers) and activations stay O(1)..O(10) in any shape. The final
 * RMSNorm makes the hidden state's RMS 1, so the logits have a standard
 * deviation of about LLM_SYNTH_LOGIT_STD (8): the top-1 token leads the
 * top-2 by several logits at the median step, far above the rounding
 * differences between engines (a few steps in a hundred still come within
 * 0.1 by chance; compare the gaps that `refllama trace` reports). G is
 * large so that the layers, not the token's own embedding, dominate the
 * final state: with a tied output and G = 1 the model just repeats its
 * input token; with G = 3 greedy runs of 64 steps visit 2 to 14 tokens.
 * Measured with llama.cpp (refllama trace, 64 steps) on the tiny shape,
 * F32/Q8_0/Q4_0/Q4_K/Q6_K x 3 architectures x 3 prompts: median gap per run
 * 2.5..21, 10th percentile 0.27..11, top-1 probability 0.3..0.97 at the
 * first step.
 *
 * Llama-3.1 rope factors (--rope-factors, arch llama): rope_freqs.weight
 * holds the factors of factor 8, low_freq_factor 1, high_freq_factor 4,
 * original context 8192, computed as llama.cpp's converter does; like real
 * converted files, no rope.scaling.factor key is written (llama.cpp would
 * apply it as an extra linear scaling on top of the factors); only
 * rope.scaling.original_context_length = 8192 is recorded.
 */
#ifndef LOTSE_LLM_SYNTH_H
#define LOTSE_LLM_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/tokenizer.h"

#define LLM_SYNTH_LOGIT_STD 8.0f
#define LLM_SYNTH_RES_GAIN 3.0f

typedef struct llm_synth_opts {
  const char *arch; /* "llama", "qwen2" or "qwen3" */
  const char *name; /* general.name; NULL: "lotse-synth-<arch>" */
  int type;         /* llm_type_t of the 2-D weights */
  int n_embd, n_layer, n_head, n_head_kv, head_dim, n_ff, n_ctx;
  uint64_t seed;
  bool untied;       /* write output.weight */
  bool rope_factors; /* llama only: rope_freqs.weight (Llama 3.1) */
  const llm_vocab_t *vocab;  /* required */
  const char *chat_template; /* source text; NULL keeps the vocabulary's */
} llm_synth_opts_t;

/* Fill shape and architecture from a preset: "tiny" (llama, n_embd 256,
 * 2 layers, 4 heads, 2 kv heads, head_dim 64, n_ff 768, context 4096),
 * "qwen2-0.5b", "qwen3-0.6b", "llama-3.2-1b". Other fields are left alone.
 * LOTSE_ENOTFOUND for unknown names. */
int llm_synth_shape(const char *shape, llm_synth_opts_t *o);

/* Source text of a named chat template ("chatml", "llama3", "mistral"),
 * NULL for other names. */
const char *llm_synth_chat_template(const char *name);

/* A minimal byte-level BPE vocabulary without merges (gpt2/qwen2): the 256
 * byte tokens, then <|endoftext|>, <|im_start|>, <|im_end|> (control). */
int llm_synth_vocab_bytes(llm_vocab_t *v, lotse_err_t *err);

/* Pad v to n tokens with "[PAD<i>]" tokens of type UNUSED (score 0), as
 * llama.cpp's converter does when a model's embedding has more rows than
 * its tokenizer has tokens (Qwen2: 151,936 rows, 151,669 tokens). n equal to
 * the current size changes nothing; a smaller n is LOTSE_EINVAL. */
int llm_synth_vocab_pad(llm_vocab_t *v, size_t n, lotse_err_t *err);

/* Check the options (shapes, divisibility, type) and write the model
 * atomically to path. */
int llm_synth_write(const char *path, const llm_synth_opts_t *o,
                    lotse_err_t *err);

#endif
