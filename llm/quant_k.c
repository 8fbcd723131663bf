/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_k.c — (de)quantisation of the 256-element K-quant super-blocks
 * Q4_K, Q5_K, Q6_K and the activation type Q8_K.
 *
 * Contract: layouts as in GGUF. Q4_K/Q5_K: 8 sub-blocks of 32 with 6-bit
 * scale and min (value = d*sc*q - dmin*m); Q6_K: 16 sub-blocks of 16 with an
 * int8 scale (value = d*sc*(q - 32)); Q8_K: float d, int8 values and the sums
 * of each 16 values. Quantisers are deterministic: per sub-block a small
 * search over candidate scales with a least-squares refit, then the scales
 * themselves are quantised against the super-block scale and the values are
 * requantised with the final (fp16-rounded) scales.
 * See also: llm/quant_internal.h.
 */
#include <math.h>

#include "llm/quant_internal.h"

/* --------------------------------------------------------- dequantise */

void q_dequant_q4_k(const void *src, float *y, int64_t nb) {
  const blk_q4_k *b = src;
  for (int64_t i = 0; i < nb; i++) {
    float d = h2f(b[i].d), dmin = h2f(b[i].dmin);
    const uint8_t *q = b[i].qs;
    for (int c = 0; c < 4; c++, q += 32) {
      uint8_t sc, m;
      k_scale_min(b[i].scales, 2 * c, &sc, &m);
      float d1 = d * sc, m1 = dmin * m;
      k_scale_min(b[i].scales, 2 * c + 1, &sc, &m);
      float d2 = d * sc, m2 = dmin * m;
      for (int l = 0; l < 32; l++)
        *y++ = d1 * (float)(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; l++)
        *y++ = d2 * (float)(q[l] >> 4) - m2;
    }
  }
}

void q_dequant_q5_k(const void *src, float *y, int64_t nb) {
  const blk_q5_k *b = src;
  for (int64_t i = 0; i < nb; i++) {
    float d = h2f(b[i].d), dmin = h2f(b[i].dmin);
    const uint8_t *q = b[i].qs, *qh = b[i].qh;
    for (int c = 0; c < 4; c++, q += 32) {
      uint8_t sc, m;
      k_scale_min(b[i].scales, 2 * c, &sc, &m);
      float d1 = d * sc, m1 = dmin * m;
      k_scale_min(b[i].scales, 2 * c + 1, &sc, &m);
      float d2 = d * sc, m2 = dmin * m;
      int u1 = 1 << (2 * c), u2 = 2 << (2 * c);
      for (int l = 0; l < 32; l++)
        *y++ = d1 * (float)((q[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
      for (int l = 0; l < 32; l++)
        *y++ = d2 * (float)((q[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
    }
  }
}

void q_dequant_q6_k(const void *src, float *y, int64_t nb) {
  const blk_q6_k *b = src;
  for (int64_t i = 0; i < nb; i++) {
    float d = h2f(b[i].d);
    const uint8_t *ql = b[i].ql, *qh = b[i].qh;
    const int8_t *sc = b[i].scales;
    for (int n = 0; n < 2; n++, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; l++) {
        int is = l / 16;
        int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * (float)sc[is] * (float)q1;
        y[l + 32] = d * (float)sc[is + 2] * (float)q2;
        y[l + 64] = d * (float)sc[is + 4] * (float)q3;
        y[l + 96] = d * (float)sc[is + 6] * (float)q4;
      }
    }
  }
}

void q_dequant_q8_k(const void *src, float *y, int64_t nb) {
  const uint8_t *s = src;
  for (int64_t i = 0; i < nb; i++, s += sizeof(blk_q8_k), y += QK_K) {
    float d;
    memcpy(&d, s, 4);
    const int8_t *qs = (const int8_t *)(s + 4);
    for (int j = 0; j < QK_K; j++)
      y[j] = d * (float)qs[j];
  }
}

/* ------------------------------------------------ scale search helpers */

static int clampi(int v, int lo, int hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* Fit x ≈ s*q - m with q in [0, nmax], s >= 0, m >= 0 (the min is never
 * positive). Tries a range of grid scales, refits (s, m) by least squares
 * on each candidate's integers and keeps the lowest squared error. */
static void fit_affine(const float *x, int n, int nmax, float *s_out,
                       float *m_out) {
  float mn = x[0], mx = x[0];
  for (int i = 1; i < n; i++) {
    mn = x[i] < mn ? x[i] : mn;
    mx = x[i] > mx ? x[i] : mx;
  }
  if (mn > 0)
    mn = 0;
  if (mx <= mn) {
    *s_out = 0;
    *m_out = -mn;
    return;
  }
  float best_err = INFINITY, best_s = (mx - mn) / nmax, best_m = -mn;
  int q[QK];
  for (int k = -6; k <= 12; k++) {
    float iscale = ((float)nmax + 0.1f * (float)k) / (mx - mn);
    double sq = 0, sqq = 0, sx = 0, sxq = 0;
    for (int i = 0; i < n; i++) {
      q[i] = clampi(nearest_int(iscale * (x[i] - mn)), 0, nmax);
      sq += q[i];
      sqq += (double)q[i] * q[i];
      sx += x[i];
      sxq += (double)x[i] * q[i];
    }
    double det = n * sqq - sq * sq;
    if (det <= 0)
      continue;
    double s = (n * sxq - sq * sx) / det;
    double b = (sx - s * sq) / n; /* x ≈ s*q + b */
    if (b > 0) {                  /* min must not be positive: refit */
      b = 0;
      s = sqq > 0 ? sxq / sqq : 0;
    }
    if (s <= 0)
      continue;
    double err = 0;
    for (int i = 0; i < n; i++) {
      double e = s * q[i] + b - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = (float)err;
      best_s = (float)s;
      best_m = (float)-b;
    }
  }
  *s_out = best_s;
  *m_out = best_m;
}

/* Symmetric fit x ≈ s*q, q in [-nmax, nmax - 1]; s may be negative so that
 * the extreme value lands on -nmax, the side with one more level. */
static float fit_symmetric(const float *x, int n, int nmax) {
  float amax = 0, max = 0;
  for (int i = 0; i < n; i++) {
    if (fabsf(x[i]) > amax) {
      amax = fabsf(x[i]);
      max = x[i];
    }
  }
  if (amax == 0)
    return 0;
  float best_err = INFINITY, best_s = max / -(float)nmax;
  for (int k = -9; k <= 9; k++) {
    float iscale = -((float)nmax + 0.1f * (float)k) / max;
    double sqq = 0, sxq = 0;
    int q[QK];
    for (int i = 0; i < n; i++) {
      q[i] = clampi(nearest_int(iscale * x[i]), -nmax, nmax - 1);
      sqq += (double)q[i] * q[i];
      sxq += (double)x[i] * q[i];
    }
    if (sqq <= 0)
      continue;
    double s = sxq / sqq, err = 0;
    for (int i = 0; i < n; i++) {
      double e = s * q[i] - x[i];
      err += e * e;
    }
    if (err < best_err) {
      best_err = (float)err;
      best_s = (float)s;
    }
  }
  return best_s;
}

/* Quantises the 8 (scale, min) pairs to 6 bits against d and dmin; packs
 * them into the 12-byte field and returns the fp16-rounded d and dmin. */
static void pack_scales_k(const float s[8], const float m[8], uint8_t *out,
                          uint8_t dh[2], uint8_t mh[2], uint8_t ls[8],
                          uint8_t lm[8]) {
  float smax = 0, mmax = 0;
  for (int j = 0; j < 8; j++) {
    smax = s[j] > smax ? s[j] : smax;
    mmax = m[j] > mmax ? m[j] : mmax;
  }
  float is = smax > 0 ? 63.f / smax : 0, im = mmax > 0 ? 63.f / mmax : 0;
  memset(out, 0, K_SCALE_SIZE);
  for (int j = 0; j < 8; j++) {
    ls[j] = (uint8_t)clampi(nearest_int(is * s[j]), 0, 63);
    lm[j] = (uint8_t)clampi(nearest_int(im * m[j]), 0, 63);
    if (j < 4) {
      out[j] = ls[j];
      out[j + 4] = lm[j];
    } else {
      out[j + 4] = (uint8_t)((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
      out[j - 4] |= (uint8_t)((ls[j] >> 4) << 6);
      out[j] |= (uint8_t)((lm[j] >> 4) << 6);
    }
  }
  f2h(dh, smax / 63.f);
  f2h(mh, mmax / 63.f);
}

/* Integers of one Q4_K/Q5_K super-block (0..nmax) with the final scales. */
static void requant_affine(const float *x, int nmax, const uint8_t *dh,
                           const uint8_t *mh, const uint8_t ls[8],
                           const uint8_t lm[8], uint8_t L[QK_K]) {
  float d = h2f(dh), dmin = h2f(mh);
  for (int j = 0; j < 8; j++) {
    float sd = d * ls[j], md = dmin * lm[j];
    for (int i = 0; i < 32; i++) {
      int q = sd != 0 ? nearest_int((x[32 * j + i] + md) / sd) : 0;
      L[32 * j + i] = (uint8_t)clampi(q, 0, nmax);
    }
  }
}

static void quant_affine_k(const float *x, int nmax, uint8_t *scales,
                           uint8_t *dh, uint8_t *mh, uint8_t L[QK_K]) {
  float s[8], m[8];
  uint8_t ls[8], lm[8];
  for (int j = 0; j < 8; j++)
    fit_affine(x + 32 * j, 32, nmax, &s[j], &m[j]);
  pack_scales_k(s, m, scales, dh, mh, ls, lm);
  requant_affine(x, nmax, dh, mh, ls, lm, L);
}

/* ----------------------------------------------------------- quantise */

void q_quant_q4_k(const float *x, void *dst, int64_t nb) {
  blk_q4_k *b = dst;
  uint8_t L[QK_K];
  for (int64_t i = 0; i < nb; i++, x += QK_K) {
    quant_affine_k(x, 15, b[i].scales, b[i].d, b[i].dmin, L);
    for (int c = 0; c < 4; c++)
      for (int l = 0; l < 32; l++)
        b[i].qs[32 * c + l] =
            (uint8_t)(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
  }
}

void q_quant_q5_k(const float *x, void *dst, int64_t nb) {
  blk_q5_k *b = dst;
  uint8_t L[QK_K];
  for (int64_t i = 0; i < nb; i++, x += QK_K) {
    quant_affine_k(x, 31, b[i].scales, b[i].d, b[i].dmin, L);
    memset(b[i].qh, 0, sizeof b[i].qh);
    for (int c = 0; c < 4; c++) {
      for (int l = 0; l < 32; l++) {
        int lo = L[64 * c + l], hi = L[64 * c + 32 + l];
        b[i].qs[32 * c + l] = (uint8_t)((lo & 0xF) | ((hi & 0xF) << 4));
        b[i].qh[l] |= (uint8_t)(((lo >> 4) << (2 * c)) |
                                ((hi >> 4) << (2 * c + 1)));
      }
    }
  }
}

static void pack_q6_k(const int8_t L[QK_K], blk_q6_k *b) {
  for (int n = 0; n < 2; n++) {
    const int8_t *q = L + 128 * n;
    for (int l = 0; l < 32; l++) {
      int q1 = q[l] + 32, q2 = q[l + 32] + 32;
      int q3 = q[l + 64] + 32, q4 = q[l + 96] + 32;
      b->ql[64 * n + l] = (uint8_t)((q1 & 0xF) | ((q3 & 0xF) << 4));
      b->ql[64 * n + l + 32] = (uint8_t)((q2 & 0xF) | ((q4 & 0xF) << 4));
      b->qh[32 * n + l] = (uint8_t)((q1 >> 4) | ((q2 >> 4) << 2) |
                                    ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
    }
  }
}

void q_quant_q6_k(const float *x, void *dst, int64_t nb) {
  blk_q6_k *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK_K) {
    float s[16], amax = 0, max = 0;
    for (int j = 0; j < 16; j++) {
      s[j] = fit_symmetric(x + 16 * j, 16, 32);
      if (fabsf(s[j]) > amax) {
        amax = fabsf(s[j]);
        max = s[j];
      }
    }
    float iscale = amax > 0 ? -128.f / max : 0;
    f2h(b[i].d, amax > 0 ? 1.f / iscale : 0.f);
    float d = h2f(b[i].d);
    int8_t L[QK_K];
    for (int j = 0; j < 16; j++) {
      b[i].scales[j] = (int8_t)clampi(nearest_int(iscale * s[j]), -128, 127);
      float sd = d * b[i].scales[j];
      for (int k = 0; k < 16; k++) {
        int q = sd != 0 ? nearest_int(x[16 * j + k] / sd) : 0;
        L[16 * j + k] = (int8_t)clampi(q, -32, 31);
      }
    }
    pack_q6_k(L, &b[i]);
  }
}

void q_quant_q8_k(const float *x, void *dst, int64_t nb) {
  uint8_t *out = dst;
  for (int64_t i = 0; i < nb; i++, x += QK_K, out += sizeof(blk_q8_k)) {
    blk_q8_k blk;
    float amax = 0, max = 0;
    for (int j = 0; j < QK_K; j++) {
      if (fabsf(x[j]) > amax) {
        amax = fabsf(x[j]);
        max = x[j];
      }
    }
    memset(&blk, 0, sizeof blk);
    if (amax > 0) {
      float iscale = -127.f / max;
      for (int j = 0; j < QK_K; j++)
        blk.qs[j] = (int8_t)clampi(nearest_int(iscale * x[j]), -127, 127);
      for (int j = 0; j < QK_K / 16; j++) {
        int sum = 0;
        for (int k = 0; k < 16; k++)
          sum += blk.qs[16 * j + k];
        blk.bsums[j] = (int16_t)sum;
      }
      blk.d = 1.f / iscale;
    }
    memcpy(out, &blk, sizeof blk);
  }
}
