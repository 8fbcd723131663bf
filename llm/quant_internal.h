/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_internal.h — block layouts and kernel tables shared by the
 * quantisation files (quant*.c, cpu.c).
 *
 * Contract: every block struct is byte-identical to the GGUF layout of the
 * same type (pinned by _Static_assert on its size); multi-byte fields are
 * little-endian, which is the host order on every target lotse builds for.
 * Blocks inside mmap'd tensors may be unaligned: kernels read them through
 * these structs only via memcpy-safe fields (all fields are byte arrays or
 * uint16_t/float that the compiler loads with unaligned-safe code because the
 * structs are packed to alignment 1 where needed).
 * See also: llm/quant.h.
 */
#ifndef LOTSE_LLM_QUANT_INTERNAL_H
#define LOTSE_LLM_QUANT_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "llm/quant.h"

#define QK 32    /* elements per block of the simple types */
#define QK_K 256 /* elements per super-block of the K-quants */
#define K_SCALE_SIZE 12

/* Half-precision fields are kept as two bytes so every struct has
 * alignment 1 and may sit anywhere in a mapped file. */
typedef struct { uint8_t d[2]; uint8_t qs[QK / 2]; } blk_q4_0;
typedef struct { uint8_t d[2]; uint8_t m[2]; uint8_t qs[QK / 2]; } blk_q4_1;
typedef struct { uint8_t d[2]; uint8_t qh[4]; uint8_t qs[QK / 2]; } blk_q5_0;
typedef struct {
  uint8_t d[2]; uint8_t m[2]; uint8_t qh[4]; uint8_t qs[QK / 2];
} blk_q5_1;
typedef struct { uint8_t d[2]; int8_t qs[QK]; } blk_q8_0;
typedef struct { uint8_t d[2]; uint8_t s[2]; int8_t qs[QK]; } blk_q8_1;
typedef struct {
  uint8_t d[2]; uint8_t dmin[2]; uint8_t scales[K_SCALE_SIZE];
  uint8_t qs[QK_K / 2];
} blk_q4_k;
typedef struct {
  uint8_t d[2]; uint8_t dmin[2]; uint8_t scales[K_SCALE_SIZE];
  uint8_t qh[QK_K / 8]; uint8_t qs[QK_K / 2];
} blk_q5_k;
typedef struct {
  uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16];
  uint8_t d[2];
} blk_q6_k;
/* Activations only; lives in our own aligned buffers (never in files we
 * map), so natural alignment is fine. */
typedef struct {
  float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16];
} blk_q8_k;

_Static_assert(sizeof(blk_q4_0) == 18, "q4_0 layout");
_Static_assert(sizeof(blk_q4_1) == 20, "q4_1 layout");
_Static_assert(sizeof(blk_q5_0) == 22, "q5_0 layout");
_Static_assert(sizeof(blk_q5_1) == 24, "q5_1 layout");
_Static_assert(sizeof(blk_q8_0) == 34, "q8_0 layout");
_Static_assert(sizeof(blk_q8_1) == 36, "q8_1 layout");
_Static_assert(sizeof(blk_q4_k) == 144, "q4_k layout");
_Static_assert(sizeof(blk_q5_k) == 176, "q5_k layout");
_Static_assert(sizeof(blk_q6_k) == 210, "q6_k layout");
_Static_assert(sizeof(blk_q8_k) == 292, "q8_k layout");

static inline float h2f(const uint8_t h[2]) {
  return llm_f16_to_f32((uint16_t)(h[0] | (h[1] << 8)));
}
static inline void f2h(uint8_t h[2], float f) {
  uint16_t v = llm_f32_to_f16(f);
  h[0] = (uint8_t)v;
  h[1] = (uint8_t)(v >> 8);
}
static inline int nearest_int(float f) {
  /* round half to even; |f| < 2^22 in every caller */
  float v = f + 12582912.f;
  int32_t i;
  memcpy(&i, &v, 4);
  return (i & 0x007fffff) - 0x00400000;
}

/* 6-bit scale/min pair j (0..7) of a Q4_K/Q5_K super-block. */
static inline void k_scale_min(const uint8_t *q, int j, uint8_t *sc,
                               uint8_t *m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

/* ------------------------------------------------ quant_simple.c / quant_k.c */

void q_dequant_q4_0(const void *src, float *y, int64_t nb);
void q_dequant_q4_1(const void *src, float *y, int64_t nb);
void q_dequant_q5_0(const void *src, float *y, int64_t nb);
void q_dequant_q5_1(const void *src, float *y, int64_t nb);
void q_dequant_q8_0(const void *src, float *y, int64_t nb);
void q_dequant_q8_1(const void *src, float *y, int64_t nb);
void q_quant_q4_0(const float *x, void *dst, int64_t nb);
void q_quant_q4_1(const float *x, void *dst, int64_t nb);
void q_quant_q5_0(const float *x, void *dst, int64_t nb);
void q_quant_q5_1(const float *x, void *dst, int64_t nb);
void q_quant_q8_0(const float *x, void *dst, int64_t nb);
void q_quant_q8_1(const float *x, void *dst, int64_t nb);

void q_dequant_q4_k(const void *src, float *y, int64_t nb);
void q_dequant_q5_k(const void *src, float *y, int64_t nb);
void q_dequant_q6_k(const void *src, float *y, int64_t nb);
void q_dequant_q8_k(const void *src, float *y, int64_t nb);
void q_quant_q4_k(const float *x, void *dst, int64_t nb);
void q_quant_q5_k(const float *x, void *dst, int64_t nb);
void q_quant_q6_k(const float *x, void *dst, int64_t nb);
void q_quant_q8_k(const float *x, void *dst, int64_t nb);

/* ------------------------------------------------ activations (quant_matmul.c)
 *
 * Activation rows are kept in a kernel-friendly form that depends only on
 * the dot type (several matrices of different weight types share one
 * quantised input). Offsets are from the row start; every part starts on a
 * 64-byte boundary and is followed by at least 64 bytes of row, so vector
 * loads of a block pair never leave the row.
 *
 * Q8_0 / Q8_1 ("act32"), nb = n/32 blocks:
 *   int8_t  qs[n]        the values, as in Q8_0 (round to nearest, |q| <= 127)
 *   float   d[nb]        block scale (f16-rounded, as ggml stores it)
 *   float   s[nb]        f16(d * sum of the block): the Q8_1 "s" (as ggml)
 *   float   ds[nb]       d * sum of the block in f32 (SIMD kernels feed
 *                        unsigned weights and subtract offset * ds)
 *   int8_t  q4[..]       qs again, in the order that matches Q4_0 nibbles
 *                        of 4 consecutive blocks in one register: per group
 *                        of 4 blocks (128 bytes), elements 0..15 of each
 *                        block, then elements 16..31 of each block; a
 *                        partial last group is zero-filled
 *   The padding after each part is zero.
 * Q8_K: the GGUF Q8_K blocks (float d, qs[256], bsums[16]).
 * F32: the floats.
 */
typedef struct {
  int64_t nb;
  size_t off_d, off_s, off_ds, off_q4, bytes;
} act32_layout_t;

static inline size_t q_round64(size_t v) { return (v + 63) & ~(size_t)63; }

static inline act32_layout_t act32_layout(int64_t n) {
  act32_layout_t L;
  L.nb = n / QK;
  L.off_d = q_round64((size_t)n + 64);
  L.off_s = L.off_d + q_round64((size_t)L.nb * 4 + 64);
  L.off_ds = L.off_s + q_round64((size_t)L.nb * 4 + 64);
  L.off_q4 = L.off_ds + q_round64((size_t)L.nb * 4 + 64);
  L.bytes = L.off_q4 + q_round64((size_t)(L.nb + 3) / 4 * 128 + 64);
  return L;
}

/* Zero the padding of an act32 row (everything the values do not cover,
 * including the slots of missing blocks in a partial last q4 group). */
static inline void act32_zero_pads(uint8_t *row, const act32_layout_t *L) {
  size_t nb4 = (size_t)L->nb * 4;
  memset(row + (size_t)L->nb * QK, 0, L->off_d - (size_t)L->nb * QK);
  memset(row + L->off_d + nb4, 0, L->off_s - L->off_d - nb4);
  memset(row + L->off_s + nb4, 0, L->off_ds - L->off_s - nb4);
  memset(row + L->off_ds + nb4, 0, L->off_q4 - L->off_ds - nb4);
  size_t full = L->off_q4 + (size_t)(L->nb / 4) * 128;
  memset(row + full, 0, L->bytes - full);
}

/* Dequantised activation row (tests, reference kernels). */
void q_act_dequantize(const llm_mat_t *w, const void *xq, float *y);

/* ------------------------------------------------ kernels (quant_dot_*.c) */

/* One kernel computes y[j*ldy + r] for r in [r0, r1), j in [0, m).
 * w->data rows of w->row_bytes; xq: m rows of act_bytes each. */
typedef void (*q_matmul_fn)(const llm_mat_t *w, const void *xq,
                            size_t act_bytes, int64_t m, float *y,
                            int64_t ldy, int64_t r0, int64_t r1);

/* One activation row into the act32 layout / n/256 Q8_K blocks. Every
 * level produces the same bytes. */
typedef void (*q_act32_fn)(const float *x, int64_t n, uint8_t *row);
typedef void (*q_actk_fn)(const float *x, void *dst, int64_t nb);

/* Index by llm_type_t; NULL where no kernel at that level. */
typedef struct {
  q_matmul_fn mm[LLM_TYPE_MAX_];
  q_act32_fn act32;
  q_actk_fn actk;
} q_kernels_t;

/* scalar activation quantisers (quant_matmul.c) */
void q_act32_quantize(const float *x, int64_t n, uint8_t *row);

void q_kernels_scalar(q_kernels_t *k);
void q_kernels_avx2(q_kernels_t *k);   /* overrides what it has */
void q_kernels_avx512(q_kernels_t *k); /* overrides what it has */

/* ------------------------------------------------ cpu.c */

enum { Q_LEVEL_SCALAR = 0, Q_LEVEL_AVX2 = 1, Q_LEVEL_AVX512 = 2 };
/* Level in use: the best the CPU has, capped by LOTSE_SIMD. */
int q_cpu_level(void);
/* Best level the hardware supports (ignores LOTSE_SIMD). */
int q_cpu_max_level(void);
/* Tests and benchmarks: force a level (-1: back to the default). The level
 * is capped by the hardware; returns the level now in effect. Not for use
 * while other threads run kernels. */
int q_cpu_force_level(int level);
/* Kernel table of the level in use. */
const q_kernels_t *q_kernels(void);

#endif
