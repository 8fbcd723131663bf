/* SPDX-License-Identifier: EUPL-1.2
 *
 * quant.h — tensor element types, (de)quantisation and the matrix-vector
 * kernels of the built-in engine.
 *
 * Type numbers and block layouts are those of the GGUF format, so files
 * written by lotse load in llama.cpp and vice versa. Every kernel has a
 * portable scalar version; AVX2 and AVX-512(-VNNI) versions are chosen once
 * at run time (llm_cpu_features), and LOTSE_SIMD=scalar|avx2|avx512 in the
 * environment forces a level for tests and benchmarks.
 *
 * Activations are converted once per matmul into the weight type's "dot
 * type" (Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the
 * K-quants; F32 rows for F32/F16/BF16, rounded to F16 resp. BF16 values for
 * F16/BF16 weights), the same rounding llama.cpp applies, which keeps
 * results close to it.
 */
#ifndef LOTSE_LLM_QUANT_H
#define LOTSE_LLM_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  LLM_TYPE_F32 = 0,
  LLM_TYPE_F16 = 1,
  LLM_TYPE_Q4_0 = 2,
  LLM_TYPE_Q4_1 = 3,
  LLM_TYPE_Q5_0 = 6,
  LLM_TYPE_Q5_1 = 7,
  LLM_TYPE_Q8_0 = 8,
  LLM_TYPE_Q8_1 = 9,
  LLM_TYPE_Q2_K = 10,
  LLM_TYPE_Q3_K = 11,
  LLM_TYPE_Q4_K = 12,
  LLM_TYPE_Q5_K = 13,
  LLM_TYPE_Q6_K = 14,
  LLM_TYPE_Q8_K = 15,
  LLM_TYPE_BF16 = 30,
  LLM_TYPE_MXFP4 = 39,
  LLM_TYPE_NVFP4 = 40,
  LLM_TYPE_Q1_0 = 41,
  LLM_TYPE_Q2_0 = 42,
  LLM_TYPE_MAX_ = 43 /* numbers >= this are rejected */
} llm_type_t;

typedef struct llm_type_info {
  const char *name;   /* "Q4_K" */
  int block;          /* elements per block (1 for float types) */
  size_t block_bytes; /* bytes per block */
  int dot_type;       /* activation type for llm_matmul; -1: not a weight type */
  bool weight_ok;     /* may appear as a model weight in lotse */
} llm_type_info_t;

/* NULL for numbers GGUF does not define. Types known but without kernels
 * (Q2_K, Q3_K, ...) have weight_ok false. */
const llm_type_info_t *llm_type_info(int type);
/* "Q4_K" -> type, -1 if unknown (case-insensitive). */
int llm_type_from_name(const char *name);
/* Bytes for n elements; 0 if n is not a multiple of the block size or the
 * type is unknown. */
size_t llm_row_bytes(int type, int64_t n);

/* ------------------------------------------------------ half precision */

float llm_f16_to_f32(uint16_t h);
uint16_t llm_f32_to_f16(float f); /* round to nearest even */
float llm_bf16_to_f32(uint16_t h);
uint16_t llm_f32_to_bf16(float f); /* round to nearest even */

/* ------------------------------------------------------ rows */

/* n must be a multiple of the type's block size. Return 0 or LOTSE_EINVAL. */
int llm_dequantize_row(int type, const void *src, float *dst, int64_t n);
/* Reference quantisers (also for activations: Q8_0, Q8_K). Deterministic. */
int llm_quantize_row(int type, const float *src, void *dst, int64_t n);

/* ------------------------------------------------------ matmul */

/* A weight matrix as stored: n_out rows of n_in elements, row-major. */
typedef struct llm_mat {
  int type;
  int64_t n_in, n_out;
  const void *data; /* n_out * row_bytes, usually inside the mmap */
  size_t row_bytes;
  void *packed;     /* optional kernel-private layout (llm_mat_pack) */
} llm_mat_t;

/* Optional: prepare a faster layout for the kernels. May leave packed NULL.
 * llm_mat_unpack frees it. */
int llm_mat_pack(llm_mat_t *w);
void llm_mat_unpack(llm_mat_t *w);

/* Bytes one activation row of n_in elements needs in w's dot type. The
 * row layout is private to the kernels (the quantised values plus derived
 * fields and padding, see quant_internal.h); it depends only on the dot type
 * and n_in, so matrices that share an input and a dot type share the rows. */
size_t llm_act_bytes(const llm_mat_t *w);
/* Convert m activation rows (x, stride n_in floats) to w's dot type into
 * xq (m rows of llm_act_bytes). Rows [j0, j1) only, so threads can share. */
void llm_act_quantize(const llm_mat_t *w, const float *x, int64_t j0,
                      int64_t j1, void *xq);

/* y[j * ldy + r] = dot(row r of w, activation row j)
 * for r in [r0, r1), j in [0, m). Threads call it with disjoint row ranges. */
void llm_matmul(const llm_mat_t *w, const void *xq, int64_t m, float *y,
                int64_t ldy, int64_t r0, int64_t r1);

/* ------------------------------------------------------ cpu */

enum {
  LLM_CPU_AVX2 = 1 << 0,   /* with FMA and F16C */
  LLM_CPU_AVX512 = 1 << 1, /* F, BW, VL, DQ */
  LLM_CPU_VNNI512 = 1 << 2,
  LLM_CPU_AVXVNNI = 1 << 3,
  LLM_CPU_BF16_512 = 1 << 4,
};
/* Detected features masked by LOTSE_SIMD. */
unsigned llm_cpu_features(void);
/* "avx512-vnni", "avx2" or "scalar": the kernel level in use. */
const char *llm_cpu_level(void);

#endif
