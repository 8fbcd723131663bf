/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/ops_x86.c — AVX2 and AVX-512 versions of the forward-pass
 * operations (see ops.h), compiled with target attributes so the library
 * itself needs no -m flags; llm_ops_for picks them only when the CPU has
 * the features.
 *
 * exp is a Cephes-style polynomial on [-ln2/2, ln2/2] after range
 * reduction (relative error ~2e-7, inputs clamped to [-87.3, 88.7]).
 * Tails shorter than a vector go through the same vector code with masked
 * (AVX-512) or scalar (AVX2) handling.
 */
#include "llm/ops.h"

#include "llm/quant.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <math.h>
#include <string.h>

#define T2 __attribute__((target("avx2,fma,f16c")))
#define T5 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

#define EXP_HI 88.7f
#define EXP_LO -87.3f
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define P0 1.9875691500e-4f
#define P1 1.3981999507e-3f
#define P2 8.3334519073e-3f
#define P3 4.1665795894e-2f
#define P4 1.6666665459e-1f
#define P5 5.0000001201e-1f
#define MAX_HD 512
#define KT 64 /* keys per attention tile (multiple of 16) */

/* ================================================================ AVX2 */

T2 static inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(EXP_LO)),
                    _mm256_set1_ps(EXP_HI));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(LOG2E)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
  __m256 p = _mm256_set1_ps(P0);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P5));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  /* n in [-126, 128]: split the scale in two to stay normal. */
  __m256i ni = _mm256_cvtps_epi32(n);
  __m256i h = _mm256_srai_epi32(ni, 1);
  __m256 s1 = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_add_epi32(h, _mm256_set1_epi32(127)), 23));
  __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_add_epi32(_mm256_sub_epi32(ni, h), _mm256_set1_epi32(127)), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

T2 static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

T2 static inline float hmax8(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

T2 static void rmsnorm_avx2(float *y, const float *x, const float *w, int n,
                            float eps) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    a0 = _mm256_fmadd_ps(v0, v0, a0);
    a1 = _mm256_fmadd_ps(v1, v1, a1);
  }
  double s = hsum8(_mm256_add_ps(a0, a1));
  for (; i < n; i++) s += (double)x[i] * x[i];
  float r = 1.0f / sqrtf((float)(s / n) + eps);
  __m256 rv = _mm256_set1_ps(r);
  for (i = 0; i + 8 <= n; i += 8) {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), rv);
    if (w) v = _mm256_mul_ps(v, _mm256_loadu_ps(w + i));
    _mm256_storeu_ps(y + i, v);
  }
  for (; i < n; i++) y[i] = x[i] * r * (w ? w[i] : 1.0f);
}

T2 static void softmax_avx2(float *x, int n) {
  __m256 mv = _mm256_set1_ps(-INFINITY);
  int i = 0;
  for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + i));
  float mx = hmax8(mv);
  for (; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  __m256 m8 = _mm256_set1_ps(mx), sv = _mm256_setzero_ps();
  for (i = 0; i + 8 <= n; i += 8) {
    __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), m8));
    _mm256_storeu_ps(x + i, e);
    sv = _mm256_add_ps(sv, e);
  }
  double s = hsum8(sv);
  for (; i < n; i++) {
    x[i] = expf(x[i] - mx);
    s += x[i];
  }
  __m256 inv = _mm256_set1_ps((float)(1.0 / s));
  for (i = 0; i + 8 <= n; i += 8)
    _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
  for (; i < n; i++) x[i] *= (float)(1.0 / s);
}

T2 static void silu_mul_avx2(float *y, const float *g, const float *u, int n) {
  int i = 0;
  __m256 one = _mm256_set1_ps(1.0f);
  for (; i + 8 <= n; i += 8) {
    __m256 gv = _mm256_loadu_ps(g + i);
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), gv));
    __m256 s = _mm256_div_ps(gv, _mm256_add_ps(one, e));
    _mm256_storeu_ps(y + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
  }
  for (; i < n; i++) y[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

T2 static void add_avx2(float *y, const float *x, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i),
                                          _mm256_loadu_ps(x + i)));
  for (; i < n; i++) y[i] += x[i];
}

T2 static inline void f16_row_avx2(float *dst, const uint16_t *src, int n) {
  for (int e = 0; e < n; e += 8)
    _mm256_storeu_ps(dst + e, _mm256_cvtph_ps(_mm_loadu_si128(
                                  (const __m128i *)(src + e))));
}

T2 static void attn_avx2(const llm_attn_t *a) {
  int hd = a->hd, G = a->G, n = a->n_kv;
  if (hd % 8 || hd > MAX_HD) {
    llm_ops_scalar()->attn(a);
    return;
  }
  float kf[MAX_HD];
  for (int t = 0; t < n; t++) {
    f16_row_avx2(kf, a->k + (size_t)t * hd, hd);
    for (int i = 0; i < G; i++) {
      const float *q = a->q + (size_t)i * hd;
      __m256 acc = _mm256_setzero_ps();
      for (int e = 0; e < hd; e += 8)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + e), _mm256_loadu_ps(kf + e), acc);
      a->scores[(size_t)i * n + t] = hsum8(acc) * a->scale;
    }
  }
  for (int i = 0; i < G; i++) {
    softmax_avx2(a->scores + (size_t)i * n, n);
    float *o = a->out + (size_t)i * hd;
    for (int e = 0; e < hd; e++) o[e] = 0;
  }
  for (int t = 0; t < n; t++) {
    f16_row_avx2(kf, a->v + (size_t)t * hd, hd);
    for (int i = 0; i < G; i++) {
      float *o = a->out + (size_t)i * hd;
      __m256 p = _mm256_set1_ps(a->scores[(size_t)i * n + t]);
      for (int e = 0; e < hd; e += 8)
        _mm256_storeu_ps(o + e, _mm256_fmadd_ps(p, _mm256_loadu_ps(kf + e),
                                                _mm256_loadu_ps(o + e)));
    }
  }
}

T2 static void to_f16_avx2(uint16_t *dst, const float *src, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128((__m128i *)(dst + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(src + i),
                                     _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; i++) dst[i] = llm_f32_to_f16(src[i]);
}

static void attn_rows_avx2(const llm_attn_rows_t *a) {
  llm_attn_rows_generic(llm_ops_avx2(), a);
}

static const llm_ops_t ops_avx2 = {
    .level = "avx2",
    .rmsnorm = rmsnorm_avx2,
    .softmax = softmax_avx2,
    .silu_mul = silu_mul_avx2,
    .add = add_avx2,
    .attn = attn_avx2,
    .attn_rows = attn_rows_avx2,
    .to_f16 = to_f16_avx2,
};

/* ============================================================= AVX-512 */

T5 static inline __m512 exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(EXP_LO)),
                    _mm512_set1_ps(EXP_HI));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(LOG2E)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
  __m512 p = _mm512_set1_ps(P0);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P1));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P4));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P5));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

static inline __mmask16 tail_mask(int k) { return (__mmask16)((1u << k) - 1); }

T5 static void rmsnorm_avx512(float *y, const float *x, const float *w, int n,
                              float eps) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
    a0 = _mm512_fmadd_ps(v0, v0, a0);
    a1 = _mm512_fmadd_ps(v1, v1, a1);
  }
  for (; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    a0 = _mm512_fmadd_ps(v, v, a0);
  }
  float s = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
  __m512 rv = _mm512_set1_ps(1.0f / sqrtf(s / (float)n + eps));
  for (i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), rv);
    if (w) v = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, w + i));
    _mm512_mask_storeu_ps(y + i, m, v);
  }
}

T5 static void softmax_avx512(float *x, int n) {
  __m512 mv = _mm512_set1_ps(-INFINITY);
  for (int i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    mv = _mm512_mask_max_ps(mv, m, mv, _mm512_maskz_loadu_ps(m, x + i));
  }
  __m512 m16 = _mm512_set1_ps(_mm512_reduce_max_ps(mv));
  __m512 sv = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), m16));
    e = _mm512_maskz_mov_ps(m, e);
    _mm512_mask_storeu_ps(x + i, m, e);
    sv = _mm512_add_ps(sv, e);
  }
  __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sv));
  for (int i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inv));
  }
}

T5 static void silu_mul_avx512(float *y, const float *g, const float *u,
                               int n) {
  __m512 one = _mm512_set1_ps(1.0f);
  for (int i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    __m512 gv = _mm512_maskz_loadu_ps(m, g + i);
    __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), gv));
    __m512 s = _mm512_div_ps(gv, _mm512_add_ps(one, e));
    _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(s, _mm512_maskz_loadu_ps(m, u + i)));
  }
}

T5 static void add_avx512(float *y, const float *x, int n) {
  for (int i = 0; i < n; i += 16) {
    __mmask16 m = n - i >= 16 ? 0xffff : tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i),
                                                  _mm512_maskz_loadu_ps(m, x + i)));
  }
}

T5 static inline void f16_row_avx512(float *dst, const uint16_t *src, int n) {
  for (int e = 0; e < n; e += 16)
    _mm512_storeu_ps(dst + e, _mm512_cvtph_ps(_mm256_loadu_si256(
                                  (const __m256i *)(src + e))));
}

T5 static void attn_avx512(const llm_attn_t *a) {
  int hd = a->hd, G = a->G, n = a->n_kv;
  if (hd % 16 || hd > MAX_HD) {
    attn_avx2(a);
    return;
  }
  float kf[MAX_HD];
  for (int t = 0; t < n; t++) {
    f16_row_avx512(kf, a->k + (size_t)t * hd, hd);
    for (int i = 0; i < G; i++) {
      const float *q = a->q + (size_t)i * hd;
      __m512 acc = _mm512_setzero_ps();
      for (int e = 0; e < hd; e += 16)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + e), _mm512_loadu_ps(kf + e), acc);
      a->scores[(size_t)i * n + t] = _mm512_reduce_add_ps(acc) * a->scale;
    }
  }
  for (int i = 0; i < G; i++) {
    softmax_avx512(a->scores + (size_t)i * n, n);
    float *o = a->out + (size_t)i * hd;
    for (int e = 0; e < hd; e += 16) _mm512_storeu_ps(o + e, _mm512_setzero_ps());
  }
  for (int t = 0; t < n; t++) {
    f16_row_avx512(kf, a->v + (size_t)t * hd, hd);
    for (int i = 0; i < G; i++) {
      float *o = a->out + (size_t)i * hd;
      __m512 p = _mm512_set1_ps(a->scores[(size_t)i * n + t]);
      for (int e = 0; e < hd; e += 16)
        _mm512_storeu_ps(o + e, _mm512_fmadd_ps(p, _mm512_loadu_ps(kf + e),
                                                _mm512_loadu_ps(o + e)));
    }
  }
}

/* K tile of nk <= KT rows, transposed per 16 keys to
 * kt[(t / 16) * hd * 16 + d * 16 + t % 16] (zero padded to a multiple of
 * 16), and V rows converted to vf[t * hd + e]. */
T5 static void load_kv_block(float *kt, float *vf, const uint16_t *k,
                             const uint16_t *v, int nk, int hd) {
  float tmp[16];
  int n16 = (nk + 15) & ~15;
  for (int t = 0; t < n16; t++) {
    float *kb = kt + (size_t)(t / 16) * hd * 16 + t % 16;
    for (int e = 0; e < hd; e += 16) {
      if (t < nk) {
        _mm512_storeu_ps(tmp, _mm512_cvtph_ps(_mm256_loadu_si256(
                                  (const __m256i *)(k + (size_t)t * hd + e))));
        _mm512_storeu_ps(vf + (size_t)t * hd + e,
                         _mm512_cvtph_ps(_mm256_loadu_si256(
                             (const __m256i *)(v + (size_t)t * hd + e))));
      } else {
        memset(tmp, 0, sizeof tmp);
      }
      for (int i = 0; i < 16; i++) kb[(e + i) * 16] = tmp[i];
    }
  }
}

#define I5 static inline __attribute__((always_inline, target( \
    "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

/* Scores of NQ (<= 4, a constant after inlining) query vectors against a
 * transposed block of 16 keys: independent accumulators, one K load per
 * dimension shared by all vectors. */
I5 void blk_scores(int NQ, const float *const *q, const float *kt, int hd,
                   float scale, __mmask16 mk, __m512 *s) {
  __m512 acc[4];
  #pragma GCC unroll 8
  for (int u = 0; u < NQ; u++) acc[u] = _mm512_setzero_ps();
  #pragma GCC unroll 4
  for (int d = 0; d < hd; d++) {
    __m512 kv = _mm512_loadu_ps(kt + d * 16);
    #pragma GCC unroll 8
    for (int u = 0; u < NQ; u++)
      acc[u] = _mm512_fmadd_ps(_mm512_set1_ps(q[u][d]), kv, acc[u]);
  }
  #pragma GCC unroll 8
  for (int u = 0; u < NQ; u++)
    s[u] = _mm512_mask_mov_ps(_mm512_set1_ps(-INFINITY), mk,
                              _mm512_mul_ps(acc[u], _mm512_set1_ps(scale)));
}

/* o = o * corr + sum_t p[t] v[t]: HC (hd / 16, a constant after inlining)
 * independent accumulators held in registers. */
I5 void blk_pv(int HC, const float *pb, int nvalid, const float *vf, int hd,
               float corr, float *o) {
  __m512 ov[8];
  __m512 cv = _mm512_set1_ps(corr);
  #pragma GCC unroll 8
  for (int c = 0; c < HC; c++) ov[c] = _mm512_mul_ps(_mm512_loadu_ps(o + 16 * c), cv);
  for (int t = 0; t < nvalid; t++) {
    __m512 pt = _mm512_set1_ps(pb[t]);
    #pragma GCC unroll 8
    for (int c = 0; c < HC; c++)
      ov[c] = _mm512_fmadd_ps(pt, _mm512_loadu_ps(vf + (size_t)t * hd + 16 * c), ov[c]);
  }
  #pragma GCC unroll 8
  for (int c = 0; c < HC; c++) _mm512_storeu_ps(o + 16 * c, ov[c]);
}

/* Online softmax step for one vector over a tile of nsb score vectors
 * (16 keys each, masks mk): update running max *m and sum *l, write the
 * probabilities to pb, return the rescale factor of the old output. */
I5 float blk_softmax(const __m512 *s, const __mmask16 *mk, int nsb, float *m,
                     float *l, float *pb) {
  __m512 vm = s[0];
  for (int b = 1; b < nsb; b++) vm = _mm512_max_ps(vm, s[b]);
  float mx = _mm512_reduce_max_ps(vm);
  float nm = mx > *m ? mx : *m;
  float corr = *m == -INFINITY ? 0.0f : expf(*m - nm);
  __m512 nmv = _mm512_set1_ps(nm), sum = _mm512_setzero_ps();
  for (int b = 0; b < nsb; b++) {
    __m512 p = _mm512_maskz_mov_ps(mk[b], exp16(_mm512_sub_ps(s[b], nmv)));
    sum = _mm512_add_ps(sum, p);
    _mm512_storeu_ps(pb + 16 * b, p);
  }
  *l = *l * corr + _mm512_reduce_add_ps(sum);
  *m = nm;
  return corr;
}

/* NQ query vectors (same row, so the same nvalid) against one tile. */
I5 void blk_group(int NQ, int HC, const float *const *q, float *const *o,
                  float *m, float *l, const float *kt, const float *vf,
                  int nvalid, int hd, float scale) {
  int nsb = (nvalid + 15) / 16;
  __mmask16 mk[KT / 16] = {0};
  __m512 s[4][KT / 16], t4[4];
  float pb[KT];
#pragma GCC unroll 8
  for (int u = 0; u < 4; u++)
    for (int b = 0; b < KT / 16; b++) s[u][b] = _mm512_setzero_ps();
  for (int b = 0; b < nsb; b++) {
    int nv = nvalid - 16 * b;
    mk[b] = nv >= 16 ? 0xffff : tail_mask(nv);
    blk_scores(NQ, q, kt + (size_t)b * hd * 16, hd, scale, mk[b], t4);
#pragma GCC unroll 8
    for (int u = 0; u < NQ; u++) s[u][b] = t4[u];
  }
  for (int u = 0; u < NQ; u++) {
    float corr = blk_softmax(s[u], mk, nsb, &m[u], &l[u], pb);
    blk_pv(HC, pb, nvalid, vf, hd, corr, o[u]);
  }
}

#define BLK_CASE(NQ, HC) \
  blk_group(NQ, HC, q, o, m, l, kt, vf, nvalid, hd, scale)
#define BLK_NQ(HC)                                 \
  switch (nq) {                                    \
  case 4: BLK_CASE(4, HC); break;                  \
  case 3: BLK_CASE(3, HC); break;                  \
  case 2: BLK_CASE(2, HC); break;                  \
  default: BLK_CASE(1, HC); break;                 \
  }

T5 static void blk_dispatch(int nq, const float *const *q, float *const *o,
                            float *m, float *l, const float *kt,
                            const float *vf, int nvalid, int hd,
                            float scale) {
  switch (hd) {
  case 64: BLK_NQ(4); break;
  case 128: BLK_NQ(8); break;
  case 32: BLK_NQ(2); break;
  default: /* any other multiple of 16 */
    for (int u = 0; u < nq; u++) {
      int nsb = (nvalid + 15) / 16;
      __mmask16 mk[KT / 16] = {0};
      __m512 sv[KT / 16];
      float pb[KT];
      for (int b = 0; b < KT / 16; b++) sv[b] = _mm512_setzero_ps();
      for (int b = 0; b < nsb; b++) {
        int nv = nvalid - 16 * b;
        mk[b] = nv >= 16 ? 0xffff : tail_mask(nv);
        blk_scores(1, q + u, kt + (size_t)b * hd * 16, hd, scale, mk[b], &sv[b]);
      }
      float corr = blk_softmax(sv, mk, nsb, &m[u], &l[u], pb);
      __m512 cv = _mm512_set1_ps(corr);
      for (int e = 0; e < hd; e += 16) {
        __m512 ov = _mm512_mul_ps(_mm512_loadu_ps(o[u] + e), cv);
        for (int t = 0; t < nvalid; t++)
          ov = _mm512_fmadd_ps(_mm512_set1_ps(pb[t]),
                               _mm512_loadu_ps(vf + (size_t)t * hd + e), ov);
        _mm512_storeu_ps(o[u] + e, ov);
      }
    }
  }
}

static const llm_ops_t ops_avx512;

T5 static void attn_rows_avx512(const llm_attn_rows_t *a) {
  int hd = a->hd, G = a->G, nr = a->nr, NQ = nr * G;
  if (hd % 16 || hd > MAX_HD) {
    llm_attn_rows_generic(&ops_avx512, a);
    return;
  }
  float *O = a->scratch, *M = O + (size_t)NQ * hd, *L = M + NQ;
  float *kt = L + NQ, *vf = kt + KT * hd;
  for (int i = 0; i < NQ; i++) M[i] = -INFINITY, L[i] = 0;
  memset(O, 0, sizeof(float) * (size_t)NQ * hd);
  int n_max = a->n_kv0 + nr - 1;
  for (int kb = 0; kb < n_max; kb += KT) {
    int nk = n_max - kb < KT ? n_max - kb : KT;
    load_kv_block(kt, vf, a->k + (size_t)kb * hd, a->v + (size_t)kb * hd, nk, hd);
    for (int r = 0; r < nr; r++) {
      int nv = a->n_kv0 + r - kb;
      if (nv <= 0) continue;
      if (nv > nk) nv = nk;
      for (int i = 0; i < G; i += 4) {
        int nq = G - i < 4 ? G - i : 4, qv = r * G + i;
        const float *q[4];
        float *o[4];
        for (int u = 0; u < nq; u++) {
          q[u] = a->q + r * a->q_stride + (size_t)(i + u) * hd;
          o[u] = O + (size_t)(qv + u) * hd;
        }
        blk_dispatch(nq, q, o, M + qv, L + qv, kt, vf, nv, hd, a->scale);
      }
    }
  }
  for (int r = 0; r < nr; r++)
    for (int i = 0; i < G; i++) {
      int qv = r * G + i;
      __m512 inv = _mm512_set1_ps(1.0f / L[qv]);
      float *dst = a->out + r * a->out_stride + (size_t)i * hd;
      for (int e = 0; e < hd; e += 16)
        _mm512_storeu_ps(dst + e, _mm512_mul_ps(_mm512_loadu_ps(O + (size_t)qv * hd + e), inv));
    }
}

T2 static void to_f16_avx512(uint16_t *dst, const float *src, int n) {
  to_f16_avx2(dst, src, n);
}

static const llm_ops_t ops_avx512 = {
    .level = "avx512",
    .rmsnorm = rmsnorm_avx512,
    .softmax = softmax_avx512,
    .silu_mul = silu_mul_avx512,
    .add = add_avx512,
    .attn = attn_avx512,
    .attn_rows = attn_rows_avx512,
    .to_f16 = to_f16_avx512,
};

const llm_ops_t *llm_ops_avx2(void) { return &ops_avx2; }
const llm_ops_t *llm_ops_avx512(void) { return &ops_avx512; }

#else

const llm_ops_t *llm_ops_avx2(void) { return NULL; }
const llm_ops_t *llm_ops_avx512(void) { return NULL; }

#endif
