/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_dot_avx512.c — AVX-512 (F/BW/VL/DQ + VNNI) matmul kernels.
 *
 * Contract: same results as quant_dot_scalar.c up to float summation order.
 * Compiled for the target through function attributes only; called only
 * when cpu.c found the features. All loads are unaligned-safe (loadu,
 * gathers, masked loads); weight reads stay inside rows [r0, r1), activation
 * reads inside the padded rows of quant_internal.h.
 *
 * Simple types (Q4_0 … Q8_0): weights are fed to vpdpbusd as unsigned bytes
 * (Q8_0 with the sign bit flipped, i.e. q + 128; Q4_0/Q5_0 as stored, i.e.
 * q + 8 / q + 16) against the signed activations; the offset times the block
 * sum (act "ds") is subtracted once per row. Two blocks fill one register;
 * 16 block scales are gathered and converted at once. K-quants: vpmaddubsw
 * of the 4/5/6-bit values with the activations, vpdpwssd with the
 * sub-block scales; mins and the Q6_K offset via the Q8_K block sums.
 * m > 1 is done in tiles of up to 4 activation rows so each weight block is
 * unpacked once per tile.
 */
#include "llm/quant_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TGT                                                                 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,"    \
                        "avx2,fma,f16c,bmi2")))
#define INL static inline __attribute__((always_inline)) TGT

#define TILE 4
#ifndef PF_HEAD
#define PF_HEAD 4096
#endif
#ifndef PF_DIST
#define PF_DIST 4096
#endif
#ifndef GEMM_JB
#define GEMM_JB 256
#endif
#ifndef GEMM_K_MIN_M
#define GEMM_K_MIN_M 8
#endif
#ifndef GEMM_MIN_M
#define GEMM_MIN_M 4
#endif

/* ------------------------------------------------------------ helpers */

/* 16 f16 values at p + i*stride (i < cnt), as floats; 0 beyond cnt. */
INL __m512 gather_h16(const uint8_t *p, int stride, __mmask16 k) {
  __m512i idx = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32(stride));
  __m512i g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), k, idx,
                                          (const void *)p, 1);
  return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(g));
}

/* Start of a weight stream: put the first PF_HEAD bytes in flight at once
 * (the hardware prefetcher needs a few misses to ramp up, and a token pass
 * is ~170 short streams); inside the loop, stay PF_DIST bytes ahead. */
INL void prefetch_head(const uint8_t *p, size_t bytes) {
  size_t n = bytes < PF_HEAD ? bytes : PF_HEAD;
  for (size_t o = 0; o < n; o += 64)
    _mm_prefetch((const char *)(p + o), _MM_HINT_T0);
}

/* Lines [p + PF_DIST, p + PF_DIST + bytes) that lie before end. */
INL void prefetch_ahead(const uint8_t *p, int bytes, const uint8_t *end) {
  /* no pointer is formed past the end of the data */
  size_t left = (size_t)(end - p);
  for (int o = 0; o < bytes; o += 64)
    if ((size_t)(PF_DIST + o) < left)
      _mm_prefetch((const char *)(p + PF_DIST + o), _MM_HINT_T0);
}

INL __m128i load128(const uint8_t *p) {
  return _mm_loadu_si128((const __m128i *)(const void *)p);
}
INL __m256i load256(const uint8_t *p) {
  return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
INL __m512i load512(const uint8_t *p) {
  return _mm512_loadu_si512((const void *)p);
}

INL uint32_t ld32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* ------------------------------------------- simple types: weight unpack */

enum { T_Q4_0, T_Q4_1, T_Q5_0, T_Q5_1, T_Q8_0 };

INL int blk_bytes(int T) {
  return T == T_Q4_0 ? 18 : T == T_Q4_1 ? 20 : T == T_Q5_0 ? 22
         : T == T_Q5_1 ? 24 : 34;
}
INL int qs_off(int T) {
  return T == T_Q4_0 ? 2 : T == T_Q4_1 ? 4 : T == T_Q5_0 ? 6
         : T == T_Q5_1 ? 8 : 2;
}
/* the constant the unsigned weights carry: y = sum - off * ds */
INL float w_offset(int T) {
  return T == T_Q8_0 ? 128.f : T == T_Q4_0 ? 8.f : T == T_Q5_0 ? 16.f : 0.f;
}

/* nibbles of one 16-byte qs field in lanes 0..1 of v (lanes 2..3 for the
 * second block) -> bytes in element order */
INL __m512i nib_unpack(__m512i v, __mmask8 keep) {
  const __m512i perm = _mm512_setr_epi64(0, 1, 0, 1, 2, 3, 2, 3);
  const __m512i cnt = _mm512_setr_epi64(0, 0, 0x0004000400040004ll,
                                        0x0004000400040004ll, 0, 0,
                                        0x0004000400040004ll,
                                        0x0004000400040004ll);
  v = _mm512_maskz_permutexvar_epi64(keep, perm, v);
  return _mm512_and_si512(_mm512_srlv_epi16(v, cnt), _mm512_set1_epi8(0x0F));
}

/* Unsigned weight bytes of blocks b (and b + 1 when two) in element order. */
INL __m512i prep_simple(int T, const uint8_t *blk, bool two) {
  const int B = blk_bytes(T), O = qs_off(T);
  if (T == T_Q8_0) {
    __m256i lo = _mm256_xor_si256(load256(blk + O), _mm256_set1_epi8(-128));
    if (!two)
      return _mm512_zextsi256_si512(lo);
    __m256i hi = _mm256_xor_si256(load256(blk + B + O), _mm256_set1_epi8(-128));
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
  }
  __m256i q = _mm256_castsi128_si256(load128(blk + O));
  if (two)
    q = _mm256_inserti128_si256(q, load128(blk + B + O), 1);
  __m512i v = nib_unpack(_mm512_castsi256_si512(q), two ? 0xFF : 0x0F);
  if (T == T_Q5_0 || T == T_Q5_1) {
    const int H = T == T_Q5_0 ? 2 : 4;
    uint64_t hb = ld32(blk + H);
    if (two)
      hb |= (uint64_t)ld32(blk + B + H) << 32;
    v = _mm512_mask_add_epi8(v, (__mmask64)hb, v, _mm512_set1_epi8(16));
  }
  return v;
}

/* ------------------------------------------- simple types: kernel */

INL void rows_simple(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                     size_t ab, float *y, int64_t ldy, int64_t r0,
                     int64_t r1) {
  const int B = blk_bytes(T);
  const act32_layout_t L = act32_layout(w->n_in);
  const int64_t nb = L.nb;
  const bool one_type = T == T_Q4_1 || T == T_Q5_1;
  const uint8_t *end = (const uint8_t *)w->data + (size_t)r1 * w->row_bytes;
  if (J == 1 && PF_HEAD > 0)
    prefetch_head((const uint8_t *)w->data + (size_t)r0 * w->row_bytes,
                  (size_t)(r1 - r0) * w->row_bytes);
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m512 acc[TILE], acc2[TILE], cor[TILE];
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      acc[j] = acc2[j] = cor[j] = _mm512_setzero_ps();
    for (int64_t g = 0; g < nb; g += 16) {
      int cnt = nb - g < 16 ? (int)(nb - g) : 16;
      __mmask16 k = (__mmask16)(cnt == 16 ? 0xFFFF : (1u << cnt) - 1);
      const uint8_t *wg = wr + (size_t)g * B;
      if (J == 1 && PF_DIST > 0)
        prefetch_ahead(wg, 16 * B, end);
      __m512 dw = gather_h16(wg, B, k), s16[TILE];
      __m512 mw = one_type ? gather_h16(wg + 2, B, k) : _mm512_setzero_ps();
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const uint8_t *xr = xq + (size_t)j * ab;
        __m512 dx = _mm512_maskz_loadu_ps(k, xr + L.off_d + 4 * g);
        s16[j] = _mm512_mul_ps(dw, dx);
        if (one_type)
          cor[j] = _mm512_fmadd_ps(
              mw, _mm512_maskz_loadu_ps(k, xr + L.off_s + 4 * g), cor[j]);
        else
          cor[j] = _mm512_fmadd_ps(
              dw, _mm512_maskz_loadu_ps(k, xr + L.off_ds + 4 * g), cor[j]);
      }
      if (cnt == 16) { /* full group: unrolled, constant lane indices */
        #pragma GCC unroll 8
        for (int p = 0; p < 16; p += 2) {
          __m512i wv = prep_simple(T, wg + (size_t)p * B, true);
          __m512i idx = _mm512_add_epi32(
              _mm512_set1_epi32(p), _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0,
                                                      1, 1, 1, 1, 1, 1, 1, 1));
          #pragma GCC unroll 8
          for (int j = 0; j < J; j++) {
            const uint8_t *xr = xq + (size_t)j * ab + (size_t)(g + p) * QK;
            __m512i d = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv,
                                            load512(xr));
            __m512 f = _mm512_cvtepi32_ps(d);
            __m512 sc = _mm512_permutexvar_ps(idx, s16[j]);
            if (p & 2)
              acc2[j] = _mm512_fmadd_ps(f, sc, acc2[j]);
            else
              acc[j] = _mm512_fmadd_ps(f, sc, acc[j]);
          }
        }
        continue;
      }
      __m512i idx = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
                                      1, 1, 1);
      for (int p = 0; p < cnt; p += 2) {
        __m512i wv = prep_simple(T, wg + (size_t)p * B, p + 1 < cnt);
        #pragma GCC unroll 8
        for (int j = 0; j < J; j++) {
          const uint8_t *xr = xq + (size_t)j * ab + (size_t)(g + p) * QK;
          __m512i d = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv,
                                          load512(xr));
          acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(d),
                                   _mm512_permutexvar_ps(idx, s16[j]), acc[j]);
        }
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(2));
      }
    }
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++) {
      float c = _mm512_reduce_add_ps(cor[j]);
      float v = _mm512_reduce_add_ps(_mm512_add_ps(acc[j], acc2[j]));
      y[j * ldy + r] = one_type ? v + c : v - w_offset(T) * c;
    }
  }
}

INL void mm_simple(int T, const llm_mat_t *w, const void *xq, size_t ab,
                   int64_t m, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const uint8_t *x = xq;
  for (int64_t j = 0; j < m; j += TILE) {
    int64_t J = m - j < TILE ? m - j : TILE;
    const uint8_t *xj = x + (size_t)j * ab;
    float *yj = y + j * ldy;
    if (J == 4)
      rows_simple(T, 4, w, xj, ab, yj, ldy, r0, r1);
    else if (J == 3)
      rows_simple(T, 3, w, xj, ab, yj, ldy, r0, r1);
    else if (J == 2)
      rows_simple(T, 2, w, xj, ab, yj, ldy, r0, r1);
    else
      rows_simple(T, 1, w, xj, ab, yj, ldy, r0, r1);
  }
}

/* ------------------------------------------- Q4_0, m = 1
 *
 * Four blocks per register, one block per 128-bit lane: low nibbles against
 * elements 0..15, high nibbles against 16..31 of the activation's q4 copy,
 * which is stored in exactly that order. */

INL __m512i q4_0_load4(const uint8_t *blk, int n) {
  __m512i v = _mm512_castsi128_si512(load128(blk + 2));
  if (n == 4) {
    v = _mm512_inserti32x4(v, load128(blk + 20), 1);
    v = _mm512_inserti32x4(v, load128(blk + 38), 2);
    return _mm512_inserti32x4(v, load128(blk + 56), 3);
  }
  v = _mm512_maskz_mov_epi64(0x03, v);
  if (n > 1)
    v = _mm512_inserti32x4(v, load128(blk + 20), 1);
  if (n > 2)
    v = _mm512_inserti32x4(v, load128(blk + 38), 2);
  return v;
}

INL __m512 q4_0_unit(const uint8_t *blk, int n, const uint8_t *x4, __m512 sc,
                     __m512 acc) {
  const __m512i m0f = _mm512_set1_epi8(0x0F);
  __m512i q = q4_0_load4(blk, n);
  __m512i lo = _mm512_and_si512(q, m0f);
  __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m0f);
  __m512i d = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, load512(x4));
  d = _mm512_dpbusd_epi32(d, hi, load512(x4 + 64));
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(d), sc, acc);
}

static TGT void rows_q4_0_m1(const llm_mat_t *w, const uint8_t *xq, float *y,
                             int64_t r0, int64_t r1) {
  const act32_layout_t L = act32_layout(w->n_in);
  const int64_t nb = L.nb;
  const __m512i base = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                         3, 3, 3, 3);
  const uint8_t *end = (const uint8_t *)w->data + (size_t)r1 * w->row_bytes;
  if (PF_HEAD > 0)
    prefetch_head((const uint8_t *)w->data + (size_t)r0 * w->row_bytes,
                  (size_t)(r1 - r0) * w->row_bytes);
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m512 acc = _mm512_setzero_ps(), acc2 = acc, cor = acc;
    for (int64_t g = 0; g < nb; g += 16) {
      int cnt = nb - g < 16 ? (int)(nb - g) : 16;
      __mmask16 k = (__mmask16)(cnt == 16 ? 0xFFFF : (1u << cnt) - 1);
      const uint8_t *wg = wr + (size_t)g * 18;
      if (PF_DIST > 0)
        prefetch_ahead(wg, 18 * 16, end);
      const uint8_t *x4 = xq + L.off_q4 + (size_t)g * QK;
      __m512 dw = gather_h16(wg, 18, k);
      __m512 s16 = _mm512_mul_ps(dw, _mm512_maskz_loadu_ps(k, xq + L.off_d + 4 * g));
      cor = _mm512_fmadd_ps(dw, _mm512_maskz_loadu_ps(k, xq + L.off_ds + 4 * g),
                            cor);
      if (cnt == 16) {
        #pragma GCC unroll 4
        for (int u = 0; u < 4; u++) {
          __m512 sc = _mm512_permutexvar_ps(
              _mm512_add_epi32(base, _mm512_set1_epi32(4 * u)), s16);
          if (u & 1)
            acc2 = q4_0_unit(wg + 72 * u, 4, x4 + 128 * u, sc, acc2);
          else
            acc = q4_0_unit(wg + 72 * u, 4, x4 + 128 * u, sc, acc);
        }
        continue;
      }
      for (int u = 0; 4 * u < cnt; u++) {
        int n = cnt - 4 * u < 4 ? cnt - 4 * u : 4;
        __m512 sc = _mm512_permutexvar_ps(
            _mm512_add_epi32(base, _mm512_set1_epi32(4 * u)), s16);
        acc = q4_0_unit(wg + 72 * u, n, x4 + 128 * u, sc, acc);
      }
    }
    y[r] = _mm512_reduce_add_ps(_mm512_add_ps(acc, acc2)) -
           8.0f * _mm512_reduce_add_ps(cor);
  }
}

/* ------------------------------------------- simple types: m >= 4
 *
 * Panels of 16 rows are unpacked on the fly (per call, on the stack) into a
 * row-interleaved layout: for each block, 8 registers W_k whose lane r holds
 * bytes 4k..4k+3 of row r, plus the 16 row scales. One vpdpbusd against a
 * broadcast dword of the activation then advances 16 row dots at once, and
 * the per-block scaling costs a few float ops per 16 rows. The unpacking is
 * paid once per panel and reused by all m activation rows. */

#define PANEL 16
#define CHUNK 32 /* blocks per packed chunk: 16 x 32 x 32 B + scales = 20 KiB */

typedef struct {
  uint8_t w[CHUNK][8][64];
  float dw[CHUNK][PANEL];
  float cw[CHUNK][PANEL]; /* -offset * d, or the _1 types' m */
} panel_t;

/* W_k (k = 0..7) of one block from 8 registers Z_i = [row i | row i + 8]
 * (8 dwords each): an 8x8 dword transpose in both 256-bit halves, then the
 * 128-bit pieces put in row order. */
INL void transpose_16x8(const __m512i z[8], uint8_t out[8][64]) {
  __m512i t[8], u[8];
  #pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm512_unpacklo_epi32(z[2 * i], z[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(z[2 * i], z[2 * i + 1]);
  }
  #pragma GCC unroll 2
  for (int h = 0; h < 2; h++) { /* rows 0-3 (h = 0) and 4-7 (h = 1) */
    __m512i *o = u + 4 * h, *s = t + 4 * h;
    o[0] = _mm512_unpacklo_epi64(s[0], s[2]);
    o[1] = _mm512_unpackhi_epi64(s[0], s[2]);
    o[2] = _mm512_unpacklo_epi64(s[1], s[3]);
    o[3] = _mm512_unpackhi_epi64(s[1], s[3]);
  }
  const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
  const __m512i hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
  #pragma GCC unroll 4
  for (int e = 0; e < 4; e++) {
    _mm512_store_si512(out[e], _mm512_permutex2var_epi64(u[e], lo, u[e + 4]));
    _mm512_store_si512(out[e + 4], _mm512_permutex2var_epi64(u[e], hi, u[e + 4]));
  }
}

INL void pack_simple(int T, const uint8_t *wr, size_t rb, int nr, int64_t b0,
                     int nbk, panel_t *P) {
  const int B = blk_bytes(T);
  const bool one_type = T == T_Q4_1 || T == T_Q5_1;
  memset(P->dw, 0, sizeof P->dw);
  memset(P->cw, 0, sizeof P->cw);
  for (int b = 0; b < nbk; b++) {
    __m512i z[8];
    #pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
      const uint8_t *b0p = wr + (size_t)i * rb + (size_t)(b0 + b) * B;
      __m512i lo = i < nr ? prep_simple(T, b0p, false) : _mm512_setzero_si512();
      __m512i hi = i + 8 < nr ? prep_simple(T, b0p + 8 * rb, false)
                              : _mm512_setzero_si512();
      z[i] = _mm512_inserti64x4(lo, _mm512_castsi512_si256(hi), 1);
    }
    transpose_16x8(z, P->w[b]);
    for (int r = 0; r < nr; r++) {
      const uint8_t *blk = wr + (size_t)r * rb + (size_t)(b0 + b) * B;
      float d = _cvtsh_ss((unsigned short)(blk[0] | (blk[1] << 8)));
      P->dw[b][r] = d;
      P->cw[b][r] = one_type ? _cvtsh_ss((unsigned short)(blk[2] | (blk[3] << 8)))
                             : -w_offset(T) * d;
    }
  }
}

/* y rows [0, nr) of the panel for J activation rows; add: accumulate. */
INL void panel_simple(int J, const panel_t *P, int nbk, int64_t b0,
                      bool one_type, const uint8_t *xq, size_t ab,
                      const act32_layout_t *L, float *y, int64_t ldy,
                      __mmask16 rows, bool add) {
  __m512 yf[TILE];
  #pragma GCC unroll 8
  for (int j = 0; j < J; j++)
    yf[j] = _mm512_setzero_ps();
  const size_t coff = one_type ? L->off_s : L->off_ds;
  for (int b = 0; b < nbk; b++) {
    __m512i ia[TILE], ib[TILE];
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      ia[j] = ib[j] = _mm512_setzero_si512();
    #pragma GCC unroll 8
    for (int k = 0; k < 8; k += 2) {
      __m512i w0 = _mm512_load_si512(P->w[b][k]);
      __m512i w1 = _mm512_load_si512(P->w[b][k + 1]);
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const uint8_t *x = xq + (size_t)j * ab + (size_t)(b0 + b) * QK + 4 * k;
        ia[j] = _mm512_dpbusd_epi32(ia[j], w0, _mm512_set1_epi32((int)ld32(x)));
        ib[j] = _mm512_dpbusd_epi32(ib[j], w1,
                                    _mm512_set1_epi32((int)ld32(x + 4)));
      }
    }
    __m512 dw = _mm512_load_ps(P->dw[b]), cw = _mm512_load_ps(P->cw[b]);
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++) {
      const uint8_t *xr = xq + (size_t)j * ab;
      float dx, c;
      memcpy(&dx, xr + L->off_d + 4 * (b0 + b), 4);
      memcpy(&c, xr + coff + 4 * (b0 + b), 4);
      __m512 f = _mm512_cvtepi32_ps(_mm512_add_epi32(ia[j], ib[j]));
      yf[j] = _mm512_fmadd_ps(f, _mm512_mul_ps(dw, _mm512_set1_ps(dx)), yf[j]);
      yf[j] = _mm512_fmadd_ps(cw, _mm512_set1_ps(c), yf[j]);
    }
  }
  #pragma GCC unroll 8
  for (int j = 0; j < J; j++) {
    float *yr = y + j * ldy;
    if (add)
      yf[j] = _mm512_add_ps(yf[j], _mm512_maskz_loadu_ps(rows, yr));
    _mm512_mask_storeu_ps(yr, rows, yf[j]);
  }
}

INL void gemm_simple(int T, const llm_mat_t *w, const uint8_t *xq, size_t ab,
                     int64_t m, float *y, int64_t ldy, int64_t r0,
                     int64_t r1) {
  const act32_layout_t L = act32_layout(w->n_in);
  const bool one_type = T == T_Q4_1 || T == T_Q5_1;
  panel_t P __attribute__((aligned(64)));
  /* act rows in blocks of GEMM_JB so they and the y tile stay in L2 */
  for (int64_t jb = 0; jb < m; jb += GEMM_JB) {
    int64_t je = m - jb < GEMM_JB ? m : jb + GEMM_JB;
    for (int64_t r = r0; r < r1; r += PANEL) {
      int nr = r1 - r < PANEL ? (int)(r1 - r) : PANEL;
      __mmask16 rows = (__mmask16)(nr == 16 ? 0xFFFF : (1u << nr) - 1);
      const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
      for (int64_t b0 = 0; b0 < L.nb; b0 += CHUNK) {
        int nbk = L.nb - b0 < CHUNK ? (int)(L.nb - b0) : CHUNK;
        pack_simple(T, wr, w->row_bytes, nr, b0, nbk, &P);
        for (int64_t j = jb; j < je; j += TILE) {
          int64_t J = je - j < TILE ? je - j : TILE;
          const uint8_t *xj = xq + (size_t)j * ab;
          float *yj = y + j * ldy + r;
          bool add = b0 > 0;
          if (J == 4)
            panel_simple(4, &P, nbk, b0, one_type, xj, ab, &L, yj, ldy, rows, add);
          else if (J == 3)
            panel_simple(3, &P, nbk, b0, one_type, xj, ab, &L, yj, ldy, rows, add);
          else if (J == 2)
            panel_simple(2, &P, nbk, b0, one_type, xj, ab, &L, yj, ldy, rows, add);
          else
            panel_simple(1, &P, nbk, b0, one_type, xj, ab, &L, yj, ldy, rows, add);
        }
      }
    }
  }
}

#define MM_SIMPLE(name, T)                                                  \
  static TGT void mm512_##name(const llm_mat_t *w, const void *xq,          \
                               size_t ab, int64_t m, float *y, int64_t ldy, \
                               int64_t r0, int64_t r1) {                    \
    if (m >= GEMM_MIN_M)                                                    \
      gemm_simple(T, w, xq, ab, m, y, ldy, r0, r1);                         \
    else                                                                    \
      mm_simple(T, w, xq, ab, m, y, ldy, r0, r1);                           \
  }
static TGT void mm512_q4_0(const llm_mat_t *w, const void *xq, size_t ab,
                           int64_t m, float *y, int64_t ldy, int64_t r0,
                           int64_t r1) {
  if (m == 1)
    rows_q4_0_m1(w, xq, y, r0, r1);
  else if (m >= GEMM_MIN_M)
    gemm_simple(T_Q4_0, w, xq, ab, m, y, ldy, r0, r1);
  else
    mm_simple(T_Q4_0, w, xq, ab, m, y, ldy, r0, r1);
}
MM_SIMPLE(q4_1, T_Q4_1)
MM_SIMPLE(q5_0, T_Q5_0)
MM_SIMPLE(q5_1, T_Q5_1)
MM_SIMPLE(q8_0, T_Q8_0)

/* ------------------------------------------------------------ K-quants */

/* 8 six-bit scales and 8 mins of a Q4_K/Q5_K block as 8-byte words. */
INL void k_unpack_scales(const uint8_t *q, uint64_t *sc, uint64_t *mn) {
  uint32_t u0 = ld32(q), u1 = ld32(q + 4), u2 = ld32(q + 8);
  uint32_t sc_lo = u0 & 0x3f3f3f3f, m_lo = u1 & 0x3f3f3f3f;
  uint32_t sc_hi = (u2 & 0x0f0f0f0f) | ((u0 >> 2) & 0x30303030);
  uint32_t m_hi = ((u2 >> 4) & 0x0f0f0f0f) | ((u1 >> 2) & 0x30303030);
  *sc = sc_lo | ((uint64_t)sc_hi << 32);
  *mn = m_lo | ((uint64_t)m_hi << 32);
}

enum { K_Q4, K_Q5 };

/* One Q4_K/Q5_K super-block prepared for J activation rows. */
typedef struct {
  __m512i q[4];  /* 64 unsigned values per chunk */
  __m512i sc[4]; /* int16 scales per pair lane */
  __m256i mdup;  /* mins, each twice (for the 16 bsums) */
  float d, dmin;
} kblk_t;

INL void prep_k45(int T, const uint8_t *blk, kblk_t *kb) {
  const uint8_t *qs = blk + (T == K_Q4 ? 16 : 48);
  uint64_t sc, mn;
  k_unpack_scales(blk + 4, &sc, &mn);
  kb->d = _cvtsh_ss((unsigned short)(blk[0] | (blk[1] << 8)));
  kb->dmin = _cvtsh_ss((unsigned short)(blk[2] | (blk[3] << 8)));
  __m512i sc16 = _mm512_castsi128_si512(
      _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)sc)));
  __m256i m16 = _mm256_castsi128_si256(
      _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)mn)));
  kb->mdup = _mm256_permutexvar_epi16(
      _mm256_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7), m16);
  const __m512i shift = _mm512_setr_epi64(0, 0, 0, 0, 0x0004000400040004ll,
                                          0x0004000400040004ll,
                                          0x0004000400040004ll,
                                          0x0004000400040004ll);
  __m512i qh = _mm512_setzero_si512();
  if (T == K_Q5)
    qh = _mm512_broadcast_i64x4(load256(blk + 16));
  #pragma GCC unroll 8
  for (int c = 0; c < 4; c++) {
    __m512i v = _mm512_broadcast_i64x4(load256(qs + 32 * c));
    v = _mm512_and_si512(_mm512_srlv_epi16(v, shift), _mm512_set1_epi8(0x0F));
    if (T == K_Q5) {
      __m512i bits = _mm512_inserti64x4(
          _mm512_set1_epi8((char)(1 << (2 * c))),
          _mm256_set1_epi8((char)(1 << (2 * c + 1))), 1);
      __mmask64 hk = _mm512_test_epi8_mask(qh, bits);
      v = _mm512_mask_add_epi8(v, hk, v, _mm512_set1_epi8(16));
    }
    kb->q[c] = v;
    __m512i idx = _mm512_inserti64x4(_mm512_set1_epi16((short)(2 * c)),
                                     _mm256_set1_epi16((short)(2 * c + 1)), 1);
    kb->sc[c] = _mm512_permutexvar_epi16(idx, sc16);
  }
}

INL void rows_k45(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                  size_t ab, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int B = T == K_Q4 ? 144 : 176;
  const int64_t nb = w->n_in / QK_K;
  const uint8_t *end = (const uint8_t *)w->data + (size_t)r1 * w->row_bytes;
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m512 acc[TILE];
    __m256 accm[TILE];
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++) {
      acc[j] = _mm512_setzero_ps();
      accm[j] = _mm256_setzero_ps();
    }
    for (int64_t i = 0; i < nb; i++) {
      kblk_t kb;
      if (J == 1 && PF_DIST > 0)
        prefetch_ahead(wr + (size_t)i * B, B, end);
      prep_k45(T, wr + (size_t)i * B, &kb);
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const uint8_t *a = xq + (size_t)j * ab + (size_t)i * sizeof(blk_q8_k);
        float dx;
        memcpy(&dx, a, 4);
        __m512i s = _mm512_setzero_si512();
        #pragma GCC unroll 8
        for (int c = 0; c < 4; c++) {
          __m512i p = _mm512_maddubs_epi16(kb.q[c], load512(a + 4 + 64 * c));
          s = _mm512_dpwssd_epi32(s, p, kb.sc[c]);
        }
        __m256i mins = _mm256_madd_epi16(load256(a + 4 + QK_K), kb.mdup);
        acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
                                 _mm512_set1_ps(kb.d * dx), acc[j]);
        accm[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(mins),
                                  _mm256_set1_ps(kb.dmin * dx), accm[j]);
      }
    }
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++) {
      __m256 t = _mm256_sub_ps(
          _mm256_add_ps(_mm512_castps512_ps256(acc[j]),
                        _mm512_extractf32x8_ps(acc[j], 1)),
          accm[j]);
      __m128 h = _mm_add_ps(_mm256_castps256_ps128(t),
                            _mm256_extractf128_ps(t, 1));
      h = _mm_add_ps(h, _mm_movehl_ps(h, h));
      h = _mm_add_ss(h, _mm_movehdup_ps(h));
      y[j * ldy + r] = _mm_cvtss_f32(h);
    }
  }
}

/* Q6_K: two halves of 128; each gives two registers of 64 values. */
typedef struct {
  __m512i q[4];
  __m512i sc[4];
  __m256i sc16; /* the 16 scales as int16, for the offset term */
  float d;
} q6blk_t;

INL void prep_q6(const uint8_t *blk, q6blk_t *kb) {
  const uint8_t *ql = blk, *qh = blk + 128;
  const int8_t *scales = (const int8_t *)(blk + 192);
  kb->d = _cvtsh_ss((unsigned short)(blk[208] | (blk[209] << 8)));
  __m256i s16 = _mm256_cvtepi8_epi16(load128((const uint8_t *)scales));
  kb->sc16 = s16;
  __m512i s512 = _mm512_castsi256_si512(s16);
  const __m512i lo_shift = _mm512_setr_epi64(
      0x0004000400040004ll, 0x0004000400040004ll, 0x0004000400040004ll,
      0x0004000400040004ll, 0x0002000200020002ll, 0x0002000200020002ll,
      0x0002000200020002ll, 0x0002000200020002ll);
  const __m512i hi_shift = _mm512_setr_epi64(0, 0, 0, 0, 0x0002000200020002ll,
                                             0x0002000200020002ll,
                                             0x0002000200020002ll,
                                             0x0002000200020002ll);
  const __m512i m0f = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
  #pragma GCC unroll 8
  for (int h = 0; h < 2; h++) {
    __m512i a = load512(ql + 64 * h);
    __m512i hb = _mm512_broadcast_i64x4(load256(qh + 32 * h));
    __m512i t0 = _mm512_and_si512(_mm512_sllv_epi16(hb, lo_shift), m30);
    __m512i t1 = _mm512_and_si512(_mm512_srlv_epi16(hb, hi_shift), m30);
    /* (a & 0x0F) | t */
    kb->q[2 * h] = _mm512_ternarylogic_epi64(a, m0f, t0, 0xEA);
    kb->q[2 * h + 1] =
        _mm512_ternarylogic_epi64(_mm512_srli_epi16(a, 4), m0f, t1, 0xEA);
    #pragma GCC unroll 8
    for (int k = 0; k < 2; k++) {
      int base = 8 * h + 4 * k; /* first of the 4 sub-blocks of 16 */
      __m512i idx = _mm512_inserti64x4(
          _mm512_castsi256_si512(_mm256_inserti128_si256(
              _mm256_set1_epi16((short)base),
              _mm_set1_epi16((short)(base + 1)), 1)),
          _mm256_inserti128_si256(_mm256_set1_epi16((short)(base + 2)),
                                  _mm_set1_epi16((short)(base + 3)), 1),
          1);
      kb->sc[2 * h + k] = _mm512_permutexvar_epi16(idx, s512);
    }
  }
}

INL void rows_q6(int J, const llm_mat_t *w, const uint8_t *xq, size_t ab,
                 float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int64_t nb = w->n_in / QK_K;
  const uint8_t *end = (const uint8_t *)w->data + (size_t)r1 * w->row_bytes;
  for (int64_t r = r0; r < r1; r++) {
    const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
    __m512 acc[TILE];
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      acc[j] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
      q6blk_t kb;
      if (J == 1 && PF_DIST > 0)
        prefetch_ahead(wr + (size_t)i * 210, 210, end);
      prep_q6(wr + (size_t)i * 210, &kb);
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const uint8_t *a = xq + (size_t)j * ab + (size_t)i * sizeof(blk_q8_k);
        float dx;
        memcpy(&dx, a, 4);
        /* offset 32: sum_j sc_j * 32 * bsum_j, subtracted */
        __m256i off = _mm256_slli_epi32(
            _mm256_madd_epi16(load256(a + 4 + QK_K), kb.sc16), 5);
        __m512i s = _mm512_sub_epi32(_mm512_setzero_si512(),
                                     _mm512_zextsi256_si512(off));
        #pragma GCC unroll 8
        for (int c = 0; c < 4; c++) {
          __m512i p = _mm512_maddubs_epi16(kb.q[c], load512(a + 4 + 64 * c));
          s = _mm512_dpwssd_epi32(s, p, kb.sc[c]);
        }
        acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
                                 _mm512_set1_ps(kb.d * dx), acc[j]);
      }
    }
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = _mm512_reduce_add_ps(acc[j]);
  }
}

/* ------------------------------------------------ K-quants: m >= 4
 *
 * As for the simple types: 16-row panels unpacked per call into dword-
 * interleaved registers (lane r = row r), one vpdpbusd per 4 elements of
 * 16 rows against a broadcast activation dword; the sub-block scale, the
 * min (Q4_K/Q5_K) or the offset 32 (Q6_K) are applied per sub-block in
 * float for all 16 rows at once. */

#define KCH 4 /* super-blocks per packed chunk (~22 KiB) */

/* Scales are kept as small integers in float so that the per-sub-block
 * products and their sums are exact (as in the scalar kernel); d and dmin
 * are applied once per super-block. */
typedef struct {
  uint8_t w[KCH][64][64];
  float sc[KCH][16][PANEL]; /* scale per sub-block (8 or 16) */
  float mn[KCH][8][PANEL];  /* min per sub-block (Q4_K/Q5_K) */
  float d[KCH][PANEL], dmin[KCH][PANEL];
} kpanel_t;

enum { K_Q6 = 2 };

INL void pack_k(int T, const uint8_t *wr, size_t rb, int nr, int64_t i0,
                int nbk, kpanel_t *P) {
  const int B = T == K_Q4 ? 144 : T == K_Q5 ? 176 : 210;
  uint8_t vals[PANEL][QK_K] __attribute__((aligned(64)));
  memset(P->sc, 0, sizeof P->sc);
  memset(P->mn, 0, sizeof P->mn);
  memset(P->d, 0, sizeof P->d);
  memset(P->dmin, 0, sizeof P->dmin);
  for (int b = 0; b < nbk; b++) {
    for (int r = 0; r < PANEL; r++) {
      __m512i q[4];
      if (r >= nr) {
        memset(vals[r], 0, QK_K);
        continue;
      }
      const uint8_t *blk = wr + (size_t)r * rb + (size_t)(i0 + b) * B;
      if (T == K_Q6) {
        q6blk_t kb;
        prep_q6(blk, &kb);
        for (int c = 0; c < 4; c++)
          q[c] = kb.q[c];
        const int8_t *sc = (const int8_t *)(blk + 192);
        for (int sb = 0; sb < 16; sb++)
          P->sc[b][sb][r] = (float)sc[sb];
        P->d[b][r] = kb.d;
      } else {
        kblk_t kb;
        prep_k45(T, blk, &kb);
        for (int c = 0; c < 4; c++)
          q[c] = kb.q[c];
        uint64_t sc, mn;
        k_unpack_scales(blk + 4, &sc, &mn);
        for (int sb = 0; sb < 8; sb++) {
          P->sc[b][sb][r] = (float)((sc >> (8 * sb)) & 0xFF);
          P->mn[b][sb][r] = (float)((mn >> (8 * sb)) & 0xFF);
        }
        P->d[b][r] = kb.d;
        P->dmin[b][r] = kb.dmin;
      }
      #pragma GCC unroll 4
      for (int c = 0; c < 4; c++)
        _mm512_store_si512(vals[r] + 64 * c, q[c]);
    }
    /* dwords 8h..8h+7 of all 16 rows -> W[8h..8h+7] */
    #pragma GCC unroll 8
    for (int h = 0; h < 8; h++) {
      __m512i z[8];
      #pragma GCC unroll 8
      for (int i = 0; i < 8; i++)
        z[i] = _mm512_inserti64x4(
            _mm512_castsi256_si512(load256(vals[i] + 32 * h)),
            load256(vals[i + 8] + 32 * h), 1);
      transpose_16x8(z, P->w[b] + 8 * h);
    }
  }
}

INL int16_t bsum_at(const uint8_t *a, int idx) {
  int16_t v;
  memcpy(&v, a + 4 + QK_K + 2 * idx, 2);
  return v;
}

INL void panel_k(int T, int J, const kpanel_t *P, int nbk, int64_t i0,
                 const uint8_t *xq, size_t ab, float *y, int64_t ldy,
                 __mmask16 rows, bool add) {
  const int SB = T == K_Q6 ? 16 : 8, KS = T == K_Q6 ? 4 : 8;
  __m512 yf[TILE];
  #pragma GCC unroll 4
  for (int j = 0; j < J; j++)
    yf[j] = _mm512_setzero_ps();
  for (int b = 0; b < nbk; b++) {
    __m512 t[TILE], tm[TILE]; /* sum of sc * dot, sum of min * bsum */
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      t[j] = tm[j] = _mm512_setzero_ps();
    for (int sb = 0; sb < SB; sb++) {
      __m512i a0[TILE], a1[TILE];
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++)
        a0[j] = a1[j] = _mm512_setzero_si512();
      #pragma GCC unroll 8
      for (int k = 0; k < KS; k += 2) {
        __m512i w0 = _mm512_load_si512(P->w[b][KS * sb + k]);
        __m512i w1 = _mm512_load_si512(P->w[b][KS * sb + k + 1]);
        #pragma GCC unroll 4
        for (int j = 0; j < J; j++) {
          const uint8_t *x = xq + (size_t)j * ab +
                             (size_t)(i0 + b) * sizeof(blk_q8_k) + 4 +
                             4 * (KS * sb + k);
          a0[j] = _mm512_dpbusd_epi32(a0[j], w0, _mm512_set1_epi32((int)ld32(x)));
          a1[j] = _mm512_dpbusd_epi32(a1[j], w1,
                                      _mm512_set1_epi32((int)ld32(x + 4)));
        }
      }
      __m512 sc = _mm512_load_ps(P->sc[b][sb]);
      __m512 mn = T == K_Q6 ? sc : _mm512_load_ps(P->mn[b][sb]);
      #pragma GCC unroll 4
      for (int j = 0; j < J; j++) {
        const uint8_t *a = xq + (size_t)j * ab + (size_t)(i0 + b) * sizeof(blk_q8_k);
        __m512i dot = _mm512_add_epi32(a0[j], a1[j]);
        if (T == K_Q6) /* values carry +32: subtract 32 * sum of the 16 */
          dot = _mm512_sub_epi32(dot, _mm512_set1_epi32(32 * bsum_at(a, sb)));
        t[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), sc, t[j]);
        if (T != K_Q6)
          tm[j] = _mm512_fmadd_ps(
              mn, _mm512_set1_ps((float)(bsum_at(a, 2 * sb) + bsum_at(a, 2 * sb + 1))),
              tm[j]);
      }
    }
    __m512 d = _mm512_load_ps(P->d[b]);
    __m512 dmin = T == K_Q6 ? d : _mm512_load_ps(P->dmin[b]);
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      float dx;
      memcpy(&dx, xq + (size_t)j * ab + (size_t)(i0 + b) * sizeof(blk_q8_k), 4);
      __m512 v = _mm512_mul_ps(d, t[j]);
      if (T != K_Q6)
        v = _mm512_fnmadd_ps(dmin, tm[j], v);
      yf[j] = _mm512_fmadd_ps(v, _mm512_set1_ps(dx), yf[j]);
    }
  }
  #pragma GCC unroll 4
  for (int j = 0; j < J; j++) {
    float *yr = y + j * ldy;
    if (add)
      yf[j] = _mm512_add_ps(yf[j], _mm512_maskz_loadu_ps(rows, yr));
    _mm512_mask_storeu_ps(yr, rows, yf[j]);
  }
}

INL void gemm_k(int T, const llm_mat_t *w, const uint8_t *xq, size_t ab,
                int64_t m, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int64_t nb = w->n_in / QK_K;
  kpanel_t P __attribute__((aligned(64)));
  for (int64_t jb = 0; jb < m; jb += GEMM_JB) {
    int64_t je = m - jb < GEMM_JB ? m : jb + GEMM_JB;
    for (int64_t r = r0; r < r1; r += PANEL) {
      int nr = r1 - r < PANEL ? (int)(r1 - r) : PANEL;
      __mmask16 rows = (__mmask16)(nr == 16 ? 0xFFFF : (1u << nr) - 1);
      const uint8_t *wr = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
      for (int64_t i0 = 0; i0 < nb; i0 += KCH) {
        int nbk = nb - i0 < KCH ? (int)(nb - i0) : KCH;
        pack_k(T, wr, w->row_bytes, nr, i0, nbk, &P);
        for (int64_t j = jb; j < je; j += TILE) {
          int64_t J = je - j < TILE ? je - j : TILE;
          const uint8_t *xj = xq + (size_t)j * ab;
          float *yj = y + j * ldy + r;
          bool add = i0 > 0;
          if (J == 4)
            panel_k(T, 4, &P, nbk, i0, xj, ab, yj, ldy, rows, add);
          else if (J == 3)
            panel_k(T, 3, &P, nbk, i0, xj, ab, yj, ldy, rows, add);
          else if (J == 2)
            panel_k(T, 2, &P, nbk, i0, xj, ab, yj, ldy, rows, add);
          else
            panel_k(T, 1, &P, nbk, i0, xj, ab, yj, ldy, rows, add);
        }
      }
    }
  }
}

#define MM_K(name, T, TILED)                                                \
  static TGT void mm512k_##name(const llm_mat_t *w, const void *xq,         \
                                size_t ab, int64_t m, float *y,             \
                                int64_t ldy, int64_t r0, int64_t r1) {      \
    if (m >= GEMM_K_MIN_M)                                                  \
      gemm_k(T, w, xq, ab, m, y, ldy, r0, r1);                              \
    else                                                                    \
      TILED(w, xq, ab, m, y, ldy, r0, r1);                                  \
  }

/* Blocked loops: act rows in blocks of 64 (they stay in L2), weight rows
 * in blocks of 16 (they stay in L1/L2 while all act tiles pass), act rows
 * in tiles of TILE inside. */
#define MM_TILED(name, CALL)                                                \
  static TGT void mm512_##name(const llm_mat_t *w, const void *xq,          \
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
#define CALL_Q4K(J) rows_k45(K_Q4, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q5K(J) rows_k45(K_Q5, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_Q6K(J) rows_q6(J, w, xj, ab, yj, ldy, r0, r1)
MM_TILED(q4_k, CALL_Q4K)
MM_TILED(q5_k, CALL_Q5K)
MM_TILED(q6_k, CALL_Q6K)
MM_K(q4_k, K_Q4, mm512_q4_k)
MM_K(q5_k, K_Q5, mm512_q5_k)
MM_K(q6_k, K_Q6, mm512_q6_k)

/* ------------------------------------------------------------ floats */

enum { F_F32, F_F16, F_BF16 };

/* 16 weights at element i as floats */
INL __m512 load_w16(int T, const uint8_t *wr, int64_t i, __mmask16 k) {
  if (T == F_F32)
    return _mm512_maskz_loadu_ps(k, wr + 4 * i);
  __m256i h = _mm256_maskz_loadu_epi16(k, wr + 2 * i);
  if (T == F_F16)
    return _mm512_cvtph_ps(h);
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

/* R weight rows x J activation rows of 16-element steps: each weight
 * vector serves J FMAs, each activation vector R. */
INL void tile_float(int T, int R, int J, const uint8_t *wr, size_t rb,
                    const uint8_t *xq, size_t ab, int64_t n, float *y,
                    int64_t ldy) {
  __m512 acc[4][TILE];
  #pragma GCC unroll 4
  for (int r = 0; r < R; r++)
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      acc[r][j] = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    __mmask16 k = (__mmask16)(n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1);
    __m512 wv[4];
    #pragma GCC unroll 4
    for (int r = 0; r < R; r++)
      wv[r] = load_w16(T, wr + (size_t)r * rb, i, k);
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
      const float *x = (const float *)(const void *)(xq + (size_t)j * ab);
      __m512 xv = _mm512_maskz_loadu_ps(k, x + i);
      #pragma GCC unroll 4
      for (int r = 0; r < R; r++)
        acc[r][j] = _mm512_fmadd_ps(wv[r], xv, acc[r][j]);
    }
  }
  #pragma GCC unroll 4
  for (int r = 0; r < R; r++)
    #pragma GCC unroll 4
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = _mm512_reduce_add_ps(acc[r][j]);
}

INL void rows_float(int T, int J, const llm_mat_t *w, const uint8_t *xq,
                    size_t ab, float *y, int64_t ldy, int64_t r0, int64_t r1) {
  const int64_t n = w->n_in;
  const size_t rb = w->row_bytes;
  const uint8_t *base = (const uint8_t *)w->data;
  const uint8_t *end = base + (size_t)r1 * rb;
  const int esz = T == F_F32 ? 4 : 2;
  int64_t r = r0;
  if (J > 1) /* m = 1 keeps one weight stream */
    for (; r + 4 <= r1; r += 4)
      tile_float(T, 4, J, base + (size_t)r * rb, rb, xq, ab, n, y + r, ldy);
  for (; r < r1; r++) {
    const uint8_t *wr = base + (size_t)r * rb;
    __m512 acc[TILE][2];
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      acc[j][0] = acc[j][1] = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
      if (J == 1 && PF_DIST > 0)
        prefetch_ahead(wr + esz * i, 32 * esz, end);
      __m512 w0 = load_w16(T, wr, i, 0xFFFF), w1 = load_w16(T, wr, i + 16, 0xFFFF);
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const float *x = (const float *)(const void *)(xq + (size_t)j * ab);
        acc[j][0] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + i), acc[j][0]);
        acc[j][1] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + i + 16), acc[j][1]);
      }
    }
    for (; i < n; i += 16) {
      __mmask16 k = (__mmask16)(n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1);
      __m512 w0 = load_w16(T, wr, i, k);
      #pragma GCC unroll 8
      for (int j = 0; j < J; j++) {
        const float *x = (const float *)(const void *)(xq + (size_t)j * ab);
        acc[j][0] = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(k, x + i),
                                    acc[j][0]);
      }
    }
    #pragma GCC unroll 8
    for (int j = 0; j < J; j++)
      y[j * ldy + r] = _mm512_reduce_add_ps(_mm512_add_ps(acc[j][0], acc[j][1]));
  }
}

#define CALL_F32(J) rows_float(F_F32, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_F16(J) rows_float(F_F16, J, w, xj, ab, yj, ldy, r0, r1)
#define CALL_BF16(J) rows_float(F_BF16, J, w, xj, ab, yj, ldy, r0, r1)
MM_TILED(f32, CALL_F32)
MM_TILED(f16, CALL_F16)
MM_TILED(bf16, CALL_BF16)

/* ------------------------------------------------------------ activations */

/* Same bytes as q_act32_quantize: id = 127/amax, vcvtps2dq rounds half to
 * even like nearbyintf in the default mode. */
static TGT void act32_avx512(const float *x, int64_t n, uint8_t *row) {
  const act32_layout_t L = act32_layout(n);
  act32_zero_pads(row, &L);
  const __m512 sign = _mm512_set1_ps(-0.0f);
  for (int64_t b = 0; b < L.nb; b++, x += QK) {
    __m512 a = _mm512_loadu_ps(x), c = _mm512_loadu_ps(x + 16);
    float amax = _mm512_reduce_max_ps(
        _mm512_max_ps(_mm512_andnot_ps(sign, a), _mm512_andnot_ps(sign, c)));
    float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
    __m512 vid = _mm512_set1_ps(id);
    __m512i qa = _mm512_cvtps_epi32(_mm512_mul_ps(a, vid));
    __m512i qc = _mm512_cvtps_epi32(_mm512_mul_ps(c, vid));
    const __m512i lim = _mm512_set1_epi32(127);
    qa = _mm512_max_epi32(_mm512_min_epi32(qa, lim), _mm512_sub_epi32(_mm512_setzero_si512(), lim));
    qc = _mm512_max_epi32(_mm512_min_epi32(qc, lim), _mm512_sub_epi32(_mm512_setzero_si512(), lim));
    __m128i ba = _mm512_cvtepi32_epi8(qa), bc = _mm512_cvtepi32_epi8(qc);
    _mm_storeu_si128((__m128i *)(void *)(row + b * QK), ba);
    _mm_storeu_si128((__m128i *)(void *)(row + b * QK + 16), bc);
    int sum = _mm512_reduce_add_epi32(_mm512_add_epi32(qa, qc));
    float s = _cvtsh_ss(_cvtss_sh((float)sum * d, _MM_FROUND_TO_NEAREST_INT));
    d = _cvtsh_ss(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
    float ds = d * (float)sum;
    memcpy(row + L.off_d + 4 * b, &d, 4);
    memcpy(row + L.off_s + 4 * b, &s, 4);
    memcpy(row + L.off_ds + 4 * b, &ds, 4);
    uint8_t *q4 = row + L.off_q4 + (b / 4) * 128 + (b % 4) * 16;
    _mm_storeu_si128((__m128i *)(void *)q4, ba);
    _mm_storeu_si128((__m128i *)(void *)(q4 + 64), bc);
  }
}

/* Same bytes as q_quant_q8_k (scale from the first element of largest
 * magnitude, round half to even, sums of 16). */
static TGT void actk_avx512(const float *x, void *dst, int64_t nb) {
  uint8_t *out = dst;
  const __m512 sign = _mm512_set1_ps(-0.0f);
  for (int64_t i = 0; i < nb; i++, x += QK_K, out += sizeof(blk_q8_k)) {
    __m512 m = _mm512_setzero_ps();
    #pragma GCC unroll 16
    for (int j = 0; j < QK_K; j += 16)
      m = _mm512_max_ps(m, _mm512_andnot_ps(sign, _mm512_loadu_ps(x + j)));
    float amax = _mm512_reduce_max_ps(m), max = 0;
    blk_q8_k blk;
    memset(&blk, 0, sizeof blk);
    if (amax > 0) {
      for (int j = 0; j < QK_K; j += 16) {
        __mmask16 hit = _mm512_cmp_ps_mask(
            _mm512_andnot_ps(sign, _mm512_loadu_ps(x + j)),
            _mm512_set1_ps(amax), _CMP_EQ_OQ);
        if (hit) {
          max = x[j + __builtin_ctz(hit)];
          break;
        }
      }
      float iscale = -127.f / max;
      __m512 vs = _mm512_set1_ps(iscale);
      const __m512i lim = _mm512_set1_epi32(127);
      #pragma GCC unroll 4
      for (int j = 0; j < QK_K; j += 16) {
        __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + j), vs));
        q = _mm512_max_epi32(_mm512_min_epi32(q, lim),
                             _mm512_sub_epi32(_mm512_setzero_si512(), lim));
        _mm_storeu_si128((__m128i *)(void *)(blk.qs + j), _mm512_cvtepi32_epi8(q));
        blk.bsums[j / 16] = (int16_t)_mm512_reduce_add_epi32(q);
      }
      blk.d = 1.f / iscale;
    }
    memcpy(out, &blk, sizeof blk);
  }
}

void q_kernels_avx512(q_kernels_t *k) {
  k->mm[LLM_TYPE_Q4_0] = mm512_q4_0;
  k->mm[LLM_TYPE_Q4_1] = mm512_q4_1;
  k->mm[LLM_TYPE_Q5_0] = mm512_q5_0;
  k->mm[LLM_TYPE_Q5_1] = mm512_q5_1;
  k->mm[LLM_TYPE_Q8_0] = mm512_q8_0;
  k->mm[LLM_TYPE_Q4_K] = mm512k_q4_k;
  k->mm[LLM_TYPE_Q5_K] = mm512k_q5_k;
  k->mm[LLM_TYPE_Q6_K] = mm512k_q6_k;
  k->mm[LLM_TYPE_F32] = mm512_f32;
  k->mm[LLM_TYPE_F16] = mm512_f16;
  k->mm[LLM_TYPE_BF16] = mm512_bf16;
  k->act32 = act32_avx512;
  k->actk = actk_avx512;
}

#else
void q_kernels_avx512(q_kernels_t *k) { (void)k; }
#endif
