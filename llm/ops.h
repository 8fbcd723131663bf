/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/ops.h — the elementwise and attention operations of the forward
 * pass (everything but the matmuls, which live in quant.h).
 *
 * Every operation has a portable scalar version; AVX2 and AVX-512 versions
 * sit in ops_x86.c behind a table chosen by CPU features (llm_ops_for), so
 * tests can compare each level with the scalar one. Vector versions may
 * differ from the scalar ones by a few ulp (polynomial exp).
 *
 * RoPE follows llama.cpp: theta_i = pos * base^(-2i/d) / factor_i for the
 * pair i in [0, d/2); NORM rotates (x[2i], x[2i+1]), NEOX (x[i], x[i+d/2]).
 */
#ifndef LOTSE_LLM_OPS_H
#define LOTSE_LLM_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One attention problem: G query heads sharing one KV head, over n_kv
 * cached positions (f16 rows of hd values, row stride hd). */
typedef struct llm_attn {
  const float *q;      /* G rows of hd */
  int G, hd;
  const uint16_t *k;   /* n_kv rows of hd halves */
  const uint16_t *v;
  int n_kv;
  float scale;         /* usually 1/sqrt(hd) */
  float *scores;       /* scratch, G * n_kv floats */
  float *out;          /* G rows of hd */
} llm_attn_t;

/* Attention of nr consecutive query rows (causal): row r has G heads at
 * q + r * q_stride and sees the first n_kv0 + r cached positions; its
 * output goes to out + r * out_stride. scratch: llm_attn_rows_scratch()
 * floats. */
typedef struct llm_attn_rows {
  const float *q;
  int64_t q_stride;
  int nr, G, hd;
  const uint16_t *k, *v;
  int n_kv0;
  float scale;
  float *scratch;
  float *out;
  int64_t out_stride;
} llm_attn_rows_t;

/* Floats of scratch llm_attn_rows_t needs (for any level). */
size_t llm_attn_rows_scratch(int nr, int G, int hd, int n_ctx);

typedef struct llm_ops {
  const char *level;
  /* y = x / rms(x) * w (w may be NULL); y may equal x. */
  void (*rmsnorm)(float *y, const float *x, const float *w, int n,
                  float eps);
  /* x = softmax(x), in place. */
  void (*softmax)(float *x, int n);
  /* y = silu(g) * u; y may equal g or u. */
  void (*silu_mul)(float *y, const float *g, const float *u, int n);
  /* y += x */
  void (*add)(float *y, const float *x, int n);
  void (*attn)(const llm_attn_t *a);
  void (*attn_rows)(const llm_attn_rows_t *a);
  /* f32 -> f16 (round to nearest even), for the KV cache. */
  void (*to_f16)(uint16_t *dst, const float *src, int n);
} llm_ops_t;

/* The best table for the features (quant.h LLM_CPU_* bits); 0: scalar. */
const llm_ops_t *llm_ops_for(unsigned features);
const llm_ops_t *llm_ops_scalar(void);

/* ops.c: RoPE. inv_freq[i] = base^(-2i/d) / factor_i, i < d/2. */
void llm_rope_inv_freq(float *inv_freq, int d, float base,
                       const float *factors, float freq_scale);
/* cs[2i] = cos(pos * inv_freq[i]), cs[2i+1] = sin(...). */
void llm_rope_table(float *cs, int pos, int d, const float *inv_freq);
/* Rotate n_heads heads of d values (stride d) in place. */
void llm_rope(float *x, int n_heads, int d, const float *cs, bool neox);

/* ops.c: generic llm_attn_rows via attn, row by row. */
void llm_attn_rows_generic(const llm_ops_t *o, const llm_attn_rows_t *a);

/* ops_x86.c: vector tables, NULL when not compiled for this target. */
const llm_ops_t *llm_ops_avx2(void);
const llm_ops_t *llm_ops_avx512(void);

#endif
