/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_dot_avx2.c — AVX2 (+FMA, F16C) matmul kernels for CPUs without
 * AVX-512.
 *
 * Contract: same results as quant_dot_scalar.c up to float summation order.
 * Compiled for the target through function attributes only; called only
 * when cpu.c found the features. Unaligned-safe loads only.
 *
 * 8-bit products use vpmaddubsw (unsigned x signed, pairs to int16) and
 * vpmaddwd (pairs to int32): Q8_0 with the sign trick (|w| times x with w's
 * sign), Q4_0/Q5_0 as unsigned q + offset with offset * ds subtracted once
 * per row, K-quants with the sub-block scales applied by vpmaddwd. One
 * weight block is unpacked once for up to 4 activation rows.
 */
#include "llm/quant_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TGT __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline)) TGT
#define TILE 4

INL __m128i load128(const uint8_t *p) {
  return _mm_loadu_si128((const __m128i *)(const void *)p);
}
INL __m256i load256(const uint8_t *p) {
  return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
INL float ldf(const uint8_t *p) {
  float f;
  memcpy(&f, p, 4);
  return f;
}
INL float ldh(const uint8_t *p) {
  return _cvtsh_ss((unsigned short)(p[0] | (p[1] << 8)));
}
INL float hsum8(__m256 v) {
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}
/* unsigned bytes u times signed bytes x, summed to 8 int32 lanes */
INL __m256i dot_us(__m256i u, __m256i x) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1));
}

/* ------------------------------------------------ simple types */

enum { T_Q4_0, T_Q4_1, T_Q5_0, T_Q5_1, T_Q8_0 };

INL int blk_bytes(int T) {
  return T == T_Q4_0 ? 18 : T == T_Q4_1 ? 20 : T == T_Q5_0 ? 22
         : T == T_Q5_1 ? 24 : 34;
}
INL int qs_off(int T) {
  return T == T_Q4_0 ? 2 : T == T_Q4_1 ? 4 : T == T_Q5_0 ? 6
         : T == T_Q5_1 ? 8 : 2;
}
INL float w_offset(int T) {
  return T == T_Q4_0 ? 8.f : T == T_Q5_0 ? 16.f : 0.f;
}

/* 32 bits -> 32 bytes, 0x10 where the bit is set */
INL __m256i bits_to_0x10(uint32_t bits) {
  const __m256i shuf = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
                                        1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3,
                                        3, 3, 3, 3, 3, 3);
  const __m256i sel = _mm256_set1_epi64x((long long)0x8040201008040201ull);
  __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuf);
  v = _mm256_cmpeq_epi8(_mm256_and_si256(v, sel), sel);
  return _mm256_and_si256(v, _mm256_set1_epi8(0x10));
}

/* weight bytes of one block in element order: unsigned for Q4/Q5 types,
 * signed for Q8_0 */
INL __m256i prep_simple(int T, const uint8_t *blk) {
  const uint8_t *qs = blk + qs_off(T);
  if (T == T_Q8_0)
    return load256(qs);
  __m128i q = load128(qs);
  __m128i m = _mm_set1_epi8(0x0F);
  __m256i v = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m),
                               _mm_and_si128(q, m));
  if (T == T_Q5_0 || T == T_Q5_1) {
    uint32_t qh;
    memcpy(&qh, blk + (T == T_Q5_0 ? 2 : 4), 4);
    v = _mm256_or_si256(v, bits_to_0x10(qh));
  }
  return v;
}

INL void rows_simple(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                     size_t ab, float *y, int64_t ldy, int64_t r0,
                     int64_t r1) {
  const int B = blk_bytes(T);
  const act32_layout_t L = act32_layout(w->n_in);
  const bool one_type = T == T_Q4_1 || T == T_Q5_1;
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m256 acc[TILE];
    float cor[TILE];
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      acc[j] = _mm256_setzero_ps();
      cor[j] = 0;
    }
    for (int64_t b = 0; b < L.nb; b++) {
      const uint8_t *blk = wr + (size_t)b * B;
      __m256i wv = prep_simple(T, blk), wa = wv;
      if (T == T_Q8_0)
        wa = _mm256_sign_epi8(wv, wv);
      float dw = ldh(blk), mw = one_type ? ldh(blk + 2) : 0;
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++) {
        const uint8_t *xr = xq + (size_t)j * ab;
        __m256i x = load256(xr + (size_t)b * QK);
        if (T == T_Q8_0)
          x = _mm256_sign_epi8(x, wv);
        __m256 f = _mm256_cvtepi32_ps(dot_us(wa, x));
        float dx = ldf(xr + L.off_d + 4 * b);
        acc[j] = _mm256_fmadd_ps(f, _mm256_set1_ps(dw * dx), acc[j]);
        if (one_type)
          cor[j] += mw * ldf(xr + L.off_s + 4 * b);
        else if (T != T_Q8_0)
          cor[j] += dw * ldf(xr + L.off_ds + 4 * b);
      }
    }
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      float v = hsum8(acc[j]);
      y[j * ldy + r] = one_type ? v + cor[j] : v - w_offset(T) * cor[j];
    }
  }
}

/* Blocked loops: act rows in blocks of 64 (they stay in L2), weight rows
 * in blocks of 16 (they stay in L1/L2 while all act tiles pass), act rows
 * in tiles of TILE inside. */
#define MM_TILED(name, CALL)                                                \
  static TGT void mm2_##name(const llm_mat_t *w, const void *xq,          \
                               size_t ab, int64_t m, float *y, int64_t ldy, \
                               int64_t r0_, int64_t r1_) {                  \
    const uint8_t *x = xq;                                                  \
    for (int64_t jb = 0; jb < m; jb += 64) {                                \
      int64_t je = m - jb < 64 ? m : jb + 64;                               \
      int64_t rstep = m == 1 ? r1_ - r0_ : 16; /* m = 1: one stream */     \
      for (int64_t r0 = r0_; r0 < r1_; r0 += rstep) {                       \
        int64_t r1 = r1_ - r0 < rstep ? r1_ : r0 + rstep;                   \
        for (int64_t j = jb; j < je; j += TILE) {                           \
          int64_t J = je - j < TILE ? je - j : TILE;                        \
          const uint8_t *xj = x + (size_t)j * ab;                           \
          float *yj = y + j * ldy;                                          \
          if (J == 4)                                                       \
            CALL(4);                                                        \
          else if (J == 3)                                                  \
            CALL(3);                                                        \
          else if (J == 2)                                                  \
            CALL(2);                                                        \
          else                                                              \
            CALL(1);                                                        \
        }                                                                   \
      }                                                                     \
    }                                                                       \
  }
#define CALL_Q4_0(J) rows_simple(T_Q4_0, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q4_1(J) rows_simple(T_Q4_1, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q5_0(J) rows_simple(T_Q5_0, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q5_1(J) rows_simple(T_Q5_1, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q8_0(J) rows_simple(T_Q8_0, J, w, xj, ab, yj, ldy, r0, r1)
MM_TILED(q4_0, CALL_Q4_0)
MM_TILED(q4_1, CALL_Q4_1)
MM_TILED(q5_0, CALL_Q5_0)
MM_TILED(q5_1, CALL_Q5_1)
MM_TILED(q8_0, CALL_Q8_0)

/* ------------------------------------------------ K-quants */

INL void k_scales(const uint8_t *q, uint8_t sc[8], uint8_t mn[8]) {
  uint32_t u0, u1, u2;
  memcpy(&u0, q, 4);
  memcpy(&u1, q + 4, 4);
  memcpy(&u2, q + 8, 4);
  uint32_t v[4] = {u0 & 0x3f3f3f3f,
                   (u2 & 0x0f0f0f0f) | ((u0 >> 2) & 0x30303030),
                   u1 & 0x3f3f3f3f,
                   ((u2 >> 4) & 0x0f0f0f0f) | ((u1 >> 2) & 0x30303030)};
  memcpy(sc, v, 8);
  memcpy(mn, v + 2, 8);
}

enum { K_Q4, K_Q5 };

INL void rows_k45(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                  size_t ab, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int B = T == K_Q4 ? 144 : 176;
  const int64_t nb = w->n_in / QK_K;
  const __m256i m0f = _mm256_set1_epi8(0x0F);
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m256 acc[TILE];
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      acc[j] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
      const uint8_t *blk = wr + (size_t)i * B;
      const uint8_t *qs = blk + (T == K_Q4 ? 16 : 48);
      uint8_t sc[8], mn[8];
      k_scales(blk + 4, sc, mn);
      float d = ldh(blk), dmin = ldh(blk + 2);
      __m256i qh = T == K_Q5 ? load256(blk + 16) : _mm256_setzero_si256();
      __m256i lo[4], hi[4];
      #pragma GCC unroll 4
      for (int c = 0; c < 4; c++) {
        __m256i q = load256(qs + 32 * c);
        lo[c] = _mm256_and_si256(q, m0f);
        hi[c] = _mm256_and_si256(_mm256_srli_epi16(q, 4), m0f);
        if (T == K_Q5) {
          const __m256i one = _mm256_set1_epi8(1);
          __m256i b0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one);
          __m256i b1 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one);
          lo[c] = _mm256_or_si256(lo[c], _mm256_slli_epi16(b0, 4));
          hi[c] = _mm256_or_si256(hi[c], _mm256_slli_epi16(b1, 4));
        }
      }
      __m128i m16 = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(const void *)mn));
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++) {
        const uint8_t *a = xq + (size_t)j * ab + (size_t)i * sizeof(blk_q8_k);
        float dx = ldf(a);
        __m256i s = _mm256_setzero_si256();
        #pragma GCC unroll 4
        for (int c = 0; c < 4; c++) {
          __m256i p0 = _mm256_maddubs_epi16(lo[c], load256(a + 4 + 64 * c));
          __m256i p1 = _mm256_maddubs_epi16(hi[c], load256(a + 36 + 64 * c));
          s = _mm256_add_epi32(s, _mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * c])));
          s = _mm256_add_epi32(s, _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * c + 1])));
        }
        /* mins: bsums pairwise (16 -> 8) times the 8 mins */
        __m256i bs = load256(a + 4 + QK_K);
        __m128i b8 = _mm_hadd_epi16(_mm256_castsi256_si128(bs),
                                    _mm256_extracti128_si256(bs, 1));
        __m128i mm = _mm_madd_epi16(b8, m16);
        acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * dx),
                                 acc[j]);
        acc[j] = _mm256_fnmadd_ps(_mm256_zextps128_ps256(_mm_cvtepi32_ps(mm)),
                                  _mm256_set1_ps(dmin * dx), acc[j]);
      }
    }
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = hsum8(acc[j]);
  }
}

INL void rows_q6(int J, const llm_mat_t *w, const uint8_t *xq, size_t ab,
                 float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int64_t nb = w->n_in / QK_K;
  const __m256i m0f = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3);
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m256 acc[TILE];
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      acc[j] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
      const uint8_t *blk = wr + (size_t)i * 210;
      const int8_t *sc = (const int8_t *)(blk + 192);
      float d = ldh(blk + 208);
      __m256i q[8], scv[8];
      #pragma GCC unroll 2
      for (int h = 0; h < 2; h++) {
        __m256i l0 = load256(blk + 64 * h), l1 = load256(blk + 64 * h + 32);
        __m256i hb = load256(blk + 128 + 32 * h);
        __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(hb, m3), 4);
        __m256i h1 = _mm256_slli_epi16(
            _mm256_and_si256(_mm256_srli_epi16(hb, 2), m3), 4);
        __m256i h2 = _mm256_slli_epi16(
            _mm256_and_si256(_mm256_srli_epi16(hb, 4), m3), 4);
        __m256i h3 = _mm256_slli_epi16(
            _mm256_and_si256(_mm256_srli_epi16(hb, 6), m3), 4);
        q[4 * h + 0] = _mm256_or_si256(_mm256_and_si256(l0, m0f), h0);
        q[4 * h + 1] = _mm256_or_si256(_mm256_and_si256(l1, m0f), h1);
        q[4 * h + 2] = _mm256_or_si256(
            _mm256_and_si256(_mm256_srli_epi16(l0, 4), m0f), h2);
        q[4 * h + 3] = _mm256_or_si256(
            _mm256_and_si256(_mm256_srli_epi16(l1, 4), m0f), h3);
        #pragma GCC unroll 4
        for (int k = 0; k < 4; k++) { /* 32 values = sub-blocks 2k, 2k+1 */
          int s0 = 8 * h + 2 * k;
          scv[4 * h + k] = _mm256_set_m128i(_mm_set1_epi16(sc[s0 + 1]),
                                            _mm_set1_epi16(sc[s0]));
        }
      }
      __m256i sc16 = _mm256_cvtepi8_epi16(load128(blk + 192));
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++) {
        const uint8_t *a = xq + (size_t)j * ab + (size_t)i * sizeof(blk_q8_k);
        float dx = ldf(a);
        __m256i s = _mm256_slli_epi32(_mm256_madd_epi16(load256(a + 4 + QK_K), sc16), 5);
        s = _mm256_sub_epi32(_mm256_setzero_si256(), s);
        #pragma GCC unroll 8
        for (int c = 0; c < 8; c++) {
          __m256i p = _mm256_maddubs_epi16(q[c], load256(a + 4 + 32 * c));
          s = _mm256_add_epi32(s, _mm256_madd_epi16(p, scv[c]));
        }
        acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * dx),
                                 acc[j]);
      }
    }
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = hsum8(acc[j]);
  }
}

#define CALL_Q4K(J) rows_k45(K_Q4, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q5K(J) rows_k45(K_Q5, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q6K(J) rows_q6(J, w, xj, ab, yj, ldy, r0, r1)
MM_TILED(q4_k, CALL_Q4K)
MM_TILED(q5_k, CALL_Q5K)
MM_TILED(q6_k, CALL_Q6K)

/* ------------------------------------------------ floats */

enum { F_F32, F_F16, F_BF16 };

INL __m256 load_w8(int T, const uint8_t *wr, int64_t i) {
  if (T == F_F32)
    return _mm256_loadu_ps((const float *)(const void *)(wr + 4 * i));
  __m128i h = load128(wr + 2 * i);
  if (T == F_F16)
    return _mm256_cvtph_ps(h);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

INL void rows_float(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                    size_t ab, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int64_t n = w->n_in;
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m256 acc[TILE][2];
    float tail[TILE];
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      acc[j][0] = acc[j][1] = _mm256_setzero_ps();
      tail[j] = 0;
    }
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
      __m256 w0 = load_w8(T, wr, i), w1 = load_w8(T, wr, i + 8);
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++) {
        const float *x = (const float *)(const void *)(xq + (size_t)j * ab);
        acc[j][0] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), acc[j][0]);
        acc[j][1] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), acc[j][1]);
      }
    }
    for (; i < n; i++) {
      float wv = T == F_F32 ? ldf(wr + 4 * i)
                 : T == F_F16 ? ldh(wr + 2 * i)
                              : llm_bf16_to_f32((uint16_t)(wr[2 * i] | (wr[2 * i + 1] << 8)));
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++)
        tail[j] += wv * ldf(xq + (size_t)j * ab + 4 * i);
    }
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = hsum8(_mm256_add_ps(acc[j][0], acc[j][1])) + tail[j];
  }
}

#define CALL_F32(J) rows_float(F_F32, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_F16(J) rows_float(F_F16, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_BF16(J) rows_float(F_BF16, J, w, xj, ab, yj, ldy, r0, r1)
MM_TILED(f32, CALL_F32)
MM_TILED(f16, CALL_F16)
MM_TILED(bf16, CALL_BF16)

/* ------------------------------------------------ activations */

INL float hmax8(__m256 v) {
  __m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  h = _mm_max_ps(h, _mm_movehl_ps(h, h));
  h = _mm_max_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}
INL int hsum8i(__m256i v) {
  __m128i h = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
  h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
  return _mm_cvtsi128_si32(h);
}
/* 32 int32 (4 registers, values in [-127, 127]) -> 32 int8 in order */
INL __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
  __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
  __m256i v = _mm256_packs_epi16(ab, cd);
  return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/* Same bytes as q_act32_quantize (vcvtps2dq rounds half to even). */
static TGT void act32_avx2(const float *x, int64_t n, uint8_t *row) {
  const act32_layout_t L = act32_layout(n);
  act32_zero_pads(row, &L);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256i lim = _mm256_set1_epi32(127), nlim = _mm256_set1_epi32(-127);
  for (int64_t b = 0; b < L.nb; b++, x += QK) {
    __m256 v[4], m = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) {
      v[i] = _mm256_loadu_ps(x + 8 * i);
      m = _mm256_max_ps(m, _mm256_andnot_ps(sign, v[i]));
    }
    float amax = hmax8(m);
    float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
    __m256 vid = _mm256_set1_ps(id);
    __m256i q[4], sum = _mm256_setzero_si256();
    for (int i = 0; i < 4; i++) {
      q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], vid));
      q[i] = _mm256_max_epi32(_mm256_min_epi32(q[i], lim), nlim);
      sum = _mm256_add_epi32(sum, q[i]);
    }
    __m256i qb = pack32(q[0], q[1], q[2], q[3]);
    _mm256_storeu_si256((__m256i *)(void *)(row + b * QK), qb);
    int s32 = hsum8i(sum);
    float s = _cvtsh_ss(_cvtss_sh((float)s32 * d, _MM_FROUND_TO_NEAREST_INT));
    d = _cvtsh_ss(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
    float ds = d * (float)s32;
    memcpy(row + L.off_d + 4 * b, &d, 4);
    memcpy(row + L.off_s + 4 * b, &s, 4);
    memcpy(row + L.off_ds + 4 * b, &ds, 4);
    uint8_t *q4 = row + L.off_q4 + (b / 4) * 128 + (b % 4) * 16;
    _mm_storeu_si128((__m128i *)(void *)q4, _mm256_castsi256_si128(qb));
    _mm_storeu_si128((__m128i *)(void *)(q4 + 64), _mm256_extracti128_si256(qb, 1));
  }
}

void q_kernels_avx2(q_kernels_t *k) {
  k->mm[LLM_TYPE_Q4_0] = mm2_q4_0;
  k->mm[LLM_TYPE_Q4_1] = mm2_q4_1;
  k->mm[LLM_TYPE_Q5_0] = mm2_q5_0;
  k->mm[LLM_TYPE_Q5_1] = mm2_q5_1;
  k->mm[LLM_TYPE_Q8_0] = mm2_q8_0;
  k->mm[LLM_TYPE_Q4_K] = mm2_q4_k;
  k->mm[LLM_TYPE_Q5_K] = mm2_q5_k;
  k->mm[LLM_TYPE_Q6_K] = mm2_q6_k;
  k->mm[LLM_TYPE_F32] = mm2_f32;
  k->mm[LLM_TYPE_F16] = mm2_f16;
  k->mm[LLM_TYPE_BF16] = mm2_bf16;
  k->act32 = act32_avx2;
}

#else
void q_kernels_avx2(q_kernels_t *k) { (void)k; }
#endif
