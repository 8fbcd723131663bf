/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/ops.c — scalar reference versions of the forward-pass operations,
 * RoPE tables and the choice of the vector table.
 *
 * Contract: see ops.h. The scalar versions are the reference the vector
 * versions are tested against; they accumulate in double where a sum runs
 * over a whole row.
 */
#include "llm/ops.h"

#include <math.h>

#include "llm/quant.h"

/* ------------------------------------------------------------ scalar */

static void rmsnorm_scalar(float *y, const float *x, const float *w, int n,
                           float eps) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
  float r = 1.0f / sqrtf((float)(s / n) + eps);
  for (int i = 0; i < n; i++) y[i] = x[i] * r * (w ? w[i] : 1.0f);
}

static void softmax_scalar(float *x, int n) {
  float mx = -INFINITY;
  for (int i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  double s = 0;
  for (int i = 0; i < n; i++) {
    x[i] = expf(x[i] - mx);
    s += x[i];
  }
  float inv = (float)(1.0 / s);
  for (int i = 0; i < n; i++) x[i] *= inv;
}

static void silu_mul_scalar(float *y, const float *g, const float *u, int n) {
  for (int i = 0; i < n; i++) y[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

static void add_scalar(float *y, const float *x, int n) {
  for (int i = 0; i < n; i++) y[i] += x[i];
}

static void attn_scalar(const llm_attn_t *a) {
  int hd = a->hd;
  for (int i = 0; i < a->G; i++) {
    const float *q = a->q + (size_t)i * hd;
    float *s = a->scores + (size_t)i * a->n_kv;
    for (int t = 0; t < a->n_kv; t++) {
      const uint16_t *k = a->k + (size_t)t * hd;
      float d = 0;
      for (int e = 0; e < hd; e++) d += q[e] * llm_f16_to_f32(k[e]);
      s[t] = d * a->scale;
    }
    softmax_scalar(s, a->n_kv);
    float *o = a->out + (size_t)i * hd;
    for (int e = 0; e < hd; e++) o[e] = 0;
    for (int t = 0; t < a->n_kv; t++) {
      const uint16_t *v = a->v + (size_t)t * hd;
      for (int e = 0; e < hd; e++) o[e] += s[t] * llm_f16_to_f32(v[e]);
    }
  }
}

static void to_f16_scalar(uint16_t *dst, const float *src, int n) {
  for (int i = 0; i < n; i++) dst[i] = llm_f32_to_f16(src[i]);
}

size_t llm_attn_rows_scratch(int nr, int G, int hd, int n_ctx) {
  size_t a = (size_t)G * (size_t)n_ctx;              /* row-by-row scores */
  size_t b = (size_t)nr * G * (hd + 2) + 2 * 64 * (size_t)hd + 64; /* tiles */
  return a > b ? a : b;
}

void llm_attn_rows_generic(const llm_ops_t *o, const llm_attn_rows_t *a) {
  for (int r = 0; r < a->nr; r++) {
    llm_attn_t one = {.q = a->q + r * a->q_stride, .G = a->G, .hd = a->hd,
                      .k = a->k, .v = a->v, .n_kv = a->n_kv0 + r,
                      .scale = a->scale, .scores = a->scratch,
                      .out = a->out + r * a->out_stride};
    o->attn(&one);
  }
}

static void attn_rows_scalar(const llm_attn_rows_t *a) {
  llm_attn_rows_generic(llm_ops_scalar(), a);
}

static const llm_ops_t ops_scalar = {
    .level = "scalar",
    .rmsnorm = rmsnorm_scalar,
    .softmax = softmax_scalar,
    .silu_mul = silu_mul_scalar,
    .add = add_scalar,
    .attn = attn_scalar,
    .attn_rows = attn_rows_scalar,
    .to_f16 = to_f16_scalar,
};

const llm_ops_t *llm_ops_scalar(void) { return &ops_scalar; }

const llm_ops_t *llm_ops_for(unsigned features) {
  const llm_ops_t *o = NULL;
  if (features & LLM_CPU_AVX512) o = llm_ops_avx512();
  if (!o && (features & LLM_CPU_AVX2)) o = llm_ops_avx2();
  return o ? o : &ops_scalar;
}

/* ------------------------------------------------------------ rope */

void llm_rope_inv_freq(float *inv_freq, int d, float base,
                       const float *factors, float freq_scale) {
  for (int i = 0; i < d / 2; i++) {
    double f = pow((double)base, -2.0 * i / d) * freq_scale;
    if (factors) f /= factors[i];
    inv_freq[i] = (float)f;
  }
}

void llm_rope_table(float *cs, int pos, int d, const float *inv_freq) {
  for (int i = 0; i < d / 2; i++) {
    float th = (float)pos * inv_freq[i];
    cs[2 * i] = cosf(th);
    cs[2 * i + 1] = sinf(th);
  }
}

void llm_rope(float *x, int n_heads, int d, const float *cs, bool neox) {
  int h2 = d / 2;
  for (int h = 0; h < n_heads; h++) {
    float *p = x + (size_t)h * d;
    if (neox) {
      for (int i = 0; i < h2; i++) {
        float c = cs[2 * i], s = cs[2 * i + 1];
        float a = p[i], b = p[i + h2];
        p[i] = a * c - b * s;
        p[i + h2] = a * s + b * c;
      }
    } else {
      for (int i = 0; i < h2; i++) {
        float c = cs[2 * i], s = cs[2 * i + 1];
        float a = p[2 * i], b = p[2 * i + 1];
        p[2 * i] = a * c - b * s;
        p[2 * i + 1] = a * s + b * c;
      }
    }
  }
}
