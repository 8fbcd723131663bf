/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_dot_scalar.c — portable reference kernels: one dot product per
 * (weight row, activation row) for every weight type.
 *
 * Contract: integer block dots are exact; each block adds
 * d_w * d_x * dot (+ the min term of the _1 and K types) in float, in block
 * order. The SIMD kernels must agree with these within float rounding.
 * See also: llm/quant_internal.h (activation layouts).
 */
#include "llm/quant_internal.h"

typedef float (*dot_fn)(const uint8_t *w, const uint8_t *x, int64_t n);

static float ld_f32(const uint8_t *p) {
  float f;
  memcpy(&f, p, 4);
  return f;
}

/* ------------------------------------------------ act32 (Q8_0/Q8_1) */

static float dot_q4_0(const uint8_t *w, const uint8_t *x, int64_t n) {
  act32_layout_t L = act32_layout(n);
  const blk_q4_0 *b = (const blk_q4_0 *)w;
  const int8_t *q = (const int8_t *)x;
  float acc = 0;
  for (int64_t i = 0; i < L.nb; i++, q += QK) {
    int s = 0;
    for (int j = 0; j < QK / 2; j++)
      s += ((b[i].qs[j] & 0xF) - 8) * q[j] + ((b[i].qs[j] >> 4) - 8) * q[j + 16];
    acc += h2f(b[i].d) * ld_f32(x + L.off_d + 4 * i) * (float)s;
  }
  return acc;
}

static float dot_q4_1(const uint8_t *w, const uint8_t *x, int64_t n) {
  act32_layout_t L = act32_layout(n);
  const blk_q4_1 *b = (const blk_q4_1 *)w;
  const int8_t *q = (const int8_t *)x;
  float acc = 0;
  for (int64_t i = 0; i < L.nb; i++, q += QK) {
    int s = 0;
    for (int j = 0; j < QK / 2; j++)
      s += (b[i].qs[j] & 0xF) * q[j] + (b[i].qs[j] >> 4) * q[j + 16];
    acc += h2f(b[i].d) * ld_f32(x + L.off_d + 4 * i) * (float)s +
           h2f(b[i].m) * ld_f32(x + L.off_s + 4 * i);
  }
  return acc;
}

static uint32_t ld_qh(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

/* sum of q5 * x for one block; q5 in [0, 31] */
static int block_q5(const uint8_t *qs, uint32_t qh, const int8_t *q,
                    int offset) {
  int s = 0;
  for (int j = 0; j < QK / 2; j++) {
    int lo = (qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
    int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
    s += (lo - offset) * q[j] + (hi - offset) * q[j + 16];
  }
  return s;
}

static float dot_q5_0(const uint8_t *w, const uint8_t *x, int64_t n) {
  act32_layout_t L = act32_layout(n);
  const blk_q5_0 *b = (const blk_q5_0 *)w;
  const int8_t *q = (const int8_t *)x;
  float acc = 0;
  for (int64_t i = 0; i < L.nb; i++, q += QK) {
    int s = block_q5(b[i].qs, ld_qh(b[i].qh), q, 16);
    acc += h2f(b[i].d) * ld_f32(x + L.off_d + 4 * i) * (float)s;
  }
  return acc;
}

static float dot_q5_1(const uint8_t *w, const uint8_t *x, int64_t n) {
  act32_layout_t L = act32_layout(n);
  const blk_q5_1 *b = (const blk_q5_1 *)w;
  const int8_t *q = (const int8_t *)x;
  float acc = 0;
  for (int64_t i = 0; i < L.nb; i++, q += QK) {
    int s = block_q5(b[i].qs, ld_qh(b[i].qh), q, 0);
    acc += h2f(b[i].d) * ld_f32(x + L.off_d + 4 * i) * (float)s +
           h2f(b[i].m) * ld_f32(x + L.off_s + 4 * i);
  }
  return acc;
}

static float dot_q8_0(const uint8_t *w, const uint8_t *x, int64_t n) {
  act32_layout_t L = act32_layout(n);
  const blk_q8_0 *b = (const blk_q8_0 *)w;
  const int8_t *q = (const int8_t *)x;
  float acc = 0;
  for (int64_t i = 0; i < L.nb; i++, q += QK) {
    int s = 0;
    for (int j = 0; j < QK; j++)
      s += b[i].qs[j] * q[j];
    acc += h2f(b[i].d) * ld_f32(x + L.off_d + 4 * i) * (float)s;
  }
  return acc;
}

/* ------------------------------------------------ Q8_K */

static void ld_q8k(const uint8_t *x, int64_t i, blk_q8_k *out) {
  memcpy(out, x + (size_t)i * sizeof(blk_q8_k), sizeof *out);
}

static float dot_q4_k(const uint8_t *w, const uint8_t *x, int64_t n) {
  const blk_q4_k *b = (const blk_q4_k *)w;
  float acc = 0;
  for (int64_t i = 0; i < n / QK_K; i++) {
    blk_q8_k a;
    ld_q8k(x, i, &a);
    int sumi = 0, summ = 0;
    for (int j = 0; j < 8; j++) {
      uint8_t sc, m;
      k_scale_min(b[i].scales, j, &sc, &m);
      const uint8_t *q = b[i].qs + 32 * (j / 2);
      int shift = 4 * (j & 1), s = 0;
      for (int l = 0; l < 32; l++)
        s += ((q[l] >> shift) & 0xF) * a.qs[32 * j + l];
      sumi += sc * s;
      summ += m * (a.bsums[2 * j] + a.bsums[2 * j + 1]);
    }
    acc += a.d * (h2f(b[i].d) * (float)sumi - h2f(b[i].dmin) * (float)summ);
  }
  return acc;
}

static float dot_q5_k(const uint8_t *w, const uint8_t *x, int64_t n) {
  const blk_q5_k *b = (const blk_q5_k *)w;
  float acc = 0;
  for (int64_t i = 0; i < n / QK_K; i++) {
    blk_q8_k a;
    ld_q8k(x, i, &a);
    int sumi = 0, summ = 0;
    for (int j = 0; j < 8; j++) {
      uint8_t sc, m;
      k_scale_min(b[i].scales, j, &sc, &m);
      const uint8_t *q = b[i].qs + 32 * (j / 2);
      int shift = 4 * (j & 1), s = 0;
      for (int l = 0; l < 32; l++) {
        int v = ((q[l] >> shift) & 0xF) | (((b[i].qh[l] >> j) & 1) << 4);
        s += v * a.qs[32 * j + l];
      }
      sumi += sc * s;
      summ += m * (a.bsums[2 * j] + a.bsums[2 * j + 1]);
    }
    acc += a.d * (h2f(b[i].d) * (float)sumi - h2f(b[i].dmin) * (float)summ);
  }
  return acc;
}

static float dot_q6_k(const uint8_t *w, const uint8_t *x, int64_t n) {
  const blk_q6_k *b = (const blk_q6_k *)w;
  float acc = 0;
  for (int64_t i = 0; i < n / QK_K; i++) {
    blk_q8_k a;
    ld_q8k(x, i, &a);
    int sumi = 0;
    for (int h = 0; h < 2; h++) {
      const uint8_t *ql = b[i].ql + 64 * h, *qh = b[i].qh + 32 * h;
      const int8_t *qa = a.qs + 128 * h;
      int s[8] = {0};
      for (int l = 0; l < 32; l++) {
        int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        int is = l / 16;
        s[is] += q1 * qa[l];
        s[is + 2] += q2 * qa[l + 32];
        s[is + 4] += q3 * qa[l + 64];
        s[is + 6] += q4 * qa[l + 96];
      }
      for (int k = 0; k < 8; k++)
        sumi += b[i].scales[8 * h + k] * s[k];
    }
    acc += a.d * h2f(b[i].d) * (float)sumi;
  }
  return acc;
}

/* ------------------------------------------------ float types */

static float dot_f32(const uint8_t *w, const uint8_t *x, int64_t n) {
  float acc[4] = {0};
  for (int64_t i = 0; i < n; i++)
    acc[i & 3] += ld_f32(w + 4 * i) * ld_f32(x + 4 * i);
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

static float dot_f16(const uint8_t *w, const uint8_t *x, int64_t n) {
  float acc[4] = {0};
  for (int64_t i = 0; i < n; i++)
    acc[i & 3] += h2f(w + 2 * i) * ld_f32(x + 4 * i);
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

static float dot_bf16(const uint8_t *w, const uint8_t *x, int64_t n) {
  float acc[4] = {0};
  for (int64_t i = 0; i < n; i++)
    acc[i & 3] += llm_bf16_to_f32((uint16_t)(w[2 * i] | (w[2 * i + 1] << 8))) *
                  ld_f32(x + 4 * i);
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* ------------------------------------------------ matmul wrappers */

static void run_rows(dot_fn dot, const llm_mat_t *w, const void *xq,
                     size_t ab, int64_t m, float *y, int64_t ldy, int64_t r0,
                     int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    for (int64_t j = 0; j < m; j++)
      y[j * ldy + r] = dot(wr, (const uint8_t *)xq + (size_t)j * ab, w->n_in);
  }
}

#define MM(name)                                                            \
  static void mm_##name(const llm_mat_t *w, const void *xq, size_t ab,     \
                        int64_t m, float *y, int64_t ldy, int64_t r0,      \
                        int64_t r1) {                                      \
    run_rows(dot_##name, w, xq, ab, m, y, ldy, r0, r1);                    \
  }
MM(q4_0)
MM(q4_1)
MM(q5_0)
MM(q5_1)
MM(q8_0)
MM(q4_k)
MM(q5_k)
MM(q6_k)
MM(f32)
MM(f16)
MM(bf16)

void q_kernels_scalar(q_kernels_t *k) {
  memset(k, 0, sizeof *k);
  k->mm[LLM_TYPE_Q4_0] = mm_q4_0;
  k->mm[LLM_TYPE_Q4_1] = mm_q4_1;
  k->mm[LLM_TYPE_Q5_0] = mm_q5_0;
  k->mm[LLM_TYPE_Q5_1] = mm_q5_1;
  k->mm[LLM_TYPE_Q8_0] = mm_q8_0;
  k->mm[LLM_TYPE_Q4_K] = mm_q4_k;
  k->mm[LLM_TYPE_Q5_K] = mm_q5_k;
  k->mm[LLM_TYPE_Q6_K] = mm_q6_k;
  k->mm[LLM_TYPE_F32] = mm_f32;
  k->mm[LLM_TYPE_F16] = mm_f16;
  k->mm[LLM_TYPE_BF16] = mm_bf16;
  k->act32 = q_act32_quantize;
  k->actk = q_quant_q8_k;
}
