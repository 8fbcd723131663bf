/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_matmul.c — activation quantisation and the matmul entry point.
 *
 * Contract: llm_act_quantize() writes rows in the private layout that
 * quant_internal.h describes (it depends only on the dot type, so matrices
 * of different weight types with the same input share it); llm_matmul()
 * dispatches to the kernel of the SIMD level in use, which only reads
 * w->data rows [r0, r1) and writes y for those rows. Every level computes
 * the same integer dot products; only float summation order differs.
 * See also: llm/quant.h, llm/quant_dot_scalar.c, llm/cpu.c.
 */
#include <math.h>
#include <stdlib.h>

#include "llm/quant_internal.h"

/* ------------------------------------------------------------ layout */

size_t llm_act_bytes(const llm_mat_t *w) {
  const llm_type_info_t *ti = w ? llm_type_info(w->type) : NULL;
  if (!ti || ti->dot_type < 0)
    return 0;
  switch (ti->dot_type) {
  case LLM_TYPE_Q8_0:
  case LLM_TYPE_Q8_1: return act32_layout(w->n_in).bytes;
  case LLM_TYPE_Q8_K:
    return q_round64(llm_row_bytes(LLM_TYPE_Q8_K, w->n_in) + 256);
  default: return q_round64((size_t)w->n_in * 4 + 64);
  }
}

/* One row of act32: Q8_0 rounding as ggml's x86 path (id = 127/amax, round
 * half to even, s from the unrounded d), plus the derived fields. */
void q_act32_quantize(const float *x, int64_t n, uint8_t *row) {
  act32_layout_t L = act32_layout(n);
  int8_t *qs = (int8_t *)row;
  act32_zero_pads(row, &L);
  for (int64_t b = 0; b < L.nb; b++, x += QK) {
    float amax = 0;
    for (int j = 0; j < QK; j++)
      amax = fabsf(x[j]) > amax ? fabsf(x[j]) : amax;
    float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
    uint8_t h[2];
    int sum = 0;
    for (int j = 0; j < QK; j++) {
      int q = (int)nearbyintf(x[j] * id);
      q = q > 127 ? 127 : q < -127 ? -127 : q;
      qs[b * QK + j] = (int8_t)q;
      sum += q;
    }
    f2h(h, (float)sum * d);
    float s = h2f(h);
    f2h(h, d);
    d = h2f(h);
    float ds = d * (float)sum;
    memcpy(row + L.off_d + 4 * b, &d, 4);
    memcpy(row + L.off_s + 4 * b, &s, 4);
    memcpy(row + L.off_ds + 4 * b, &ds, 4);
    int8_t *q4 = (int8_t *)(row + L.off_q4) + (b / 4) * 128 + (b % 4) * 16;
    memcpy(q4, qs + b * QK, 16);
    memcpy(q4 + 64, qs + b * QK + 16, 16);
  }
}

/* F32 activations for F32/F16/BF16 weights; for F16 and BF16 weights they
 * are rounded to the weight's 16-bit type first, as ggml's vec_dot_type
 * does, so results stay close to llama.cpp's. */
static void act_round16(int type, const float *x, int64_t n,
                        unsigned char *out) { /* out may be unaligned */
  if (type != LLM_TYPE_F16 && type != LLM_TYPE_BF16) {
    memcpy(out, x, (size_t)n * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    float v = type == LLM_TYPE_F16 ? llm_f16_to_f32(llm_f32_to_f16(x[i]))
                                   : llm_bf16_to_f32(llm_f32_to_bf16(x[i]));
    memcpy(out + (size_t)i * sizeof(float), &v, sizeof(float));
  }
}

void llm_act_quantize(const llm_mat_t *w, const float *x, int64_t j0,
                      int64_t j1, void *xq) {
  const llm_type_info_t *ti = llm_type_info(w->type);
  const q_kernels_t *k = q_kernels();
  size_t ab = llm_act_bytes(w);
  for (int64_t j = j0; j < j1; j++) {
    const float *xr = x + j * w->n_in;
    uint8_t *row = (uint8_t *)xq + (size_t)j * ab;
    switch (ti->dot_type) {
    case LLM_TYPE_Q8_0:
    case LLM_TYPE_Q8_1: k->act32(xr, w->n_in, row); break;
    case LLM_TYPE_Q8_K:
      memset(row + llm_row_bytes(LLM_TYPE_Q8_K, w->n_in), 0,
             ab - llm_row_bytes(LLM_TYPE_Q8_K, w->n_in));
      k->actk(xr, row, w->n_in / QK_K);
      break;
    default:
      memset(row, 0, ab);
      act_round16(w->type, xr, w->n_in, row);
      break;
    }
  }
}

void q_act_dequantize(const llm_mat_t *w, const void *xq, float *y) {
  const llm_type_info_t *ti = llm_type_info(w->type);
  const uint8_t *row = xq;
  switch (ti->dot_type) {
  case LLM_TYPE_Q8_0:
  case LLM_TYPE_Q8_1: {
    act32_layout_t L = act32_layout(w->n_in);
    for (int64_t b = 0; b < L.nb; b++) {
      float d;
      memcpy(&d, row + L.off_d + 4 * b, 4);
      for (int j = 0; j < QK; j++)
        y[b * QK + j] = d * (float)((const int8_t *)row)[b * QK + j];
    }
    break;
  }
  case LLM_TYPE_Q8_K: q_dequant_q8_k(row, y, w->n_in / QK_K); break;
  default: memcpy(y, row, (size_t)w->n_in * 4); break;
  }
}

/* ------------------------------------------------------------ matmul */

void llm_matmul(const llm_mat_t *w, const void *xq, int64_t m, float *y,
                int64_t ldy, int64_t r0, int64_t r1) {
  if (r1 <= r0 || m <= 0)
    return;
  q_matmul_fn fn = q_kernels()->mm[w->type];
  if (fn)
    fn(w, xq, llm_act_bytes(w), m, y, ldy, r0, r1);
}

int llm_mat_pack(llm_mat_t *w) {
  (void)w;
  return 0; /* no packed layouts yet: the kernels read the file layout */
}

void llm_mat_unpack(llm_mat_t *w) {
  if (w) {
    free(w->packed);
    w->packed = NULL;
  }
}
