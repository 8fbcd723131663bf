/* SPDX-License-Identifier: EUPL-1.2
 *
 * sampler.h — choosing the next token from logits.
 *
 * Order of the chain (as in llama.cpp's default): repetition penalty ->
 * top-k -> top-p -> min-p -> temperature -> draw. temp <= 0 is greedy
 * (argmax after the penalty; ties -> lowest id). Tokens whose entry in
 * `allowed` is 0 are never chosen (constrained decoding). The draw uses
 * its own seeded generator, so the same seed gives the same tokens.
 */
#ifndef LOTSE_LLM_SAMPLER_H
#define LOTSE_LLM_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

typedef struct llm_sampling {
  float temp;           /* 0: greedy */
  int top_k;            /* 0: off */
  float top_p;          /* 1: off */
  float min_p;          /* 0: off */
  float repeat_penalty; /* 1: off */
  int repeat_last_n;    /* tokens of history the penalty looks at */
  uint64_t seed;
} llm_sampling_t;

/* temp 0.8, top_k 40, top_p 0.95, min_p 0.05, penalty 1.0 over 64, seed 0 */
llm_sampling_t llm_sampling_default(void);

typedef struct llm_sampler llm_sampler_t;

llm_sampler_t *llm_sampler_new(const llm_sampling_t *p);
void llm_sampler_free(llm_sampler_t *s);
/* logits (n_vocab) may be modified. history: tokens so far (prompt and
 * generated). Returns the token id, or -1 when no token is allowed. */
int32_t llm_sampler_sample(llm_sampler_t *s, float *logits, int32_t n_vocab,
                           const uint8_t *allowed, const int32_t *history,
                           size_t n_history);

#endif
