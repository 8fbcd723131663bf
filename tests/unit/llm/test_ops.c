/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_ops.c — forward-pass operations at every SIMD level
 * the CPU has (scalar, AVX2, AVX-512) against double-precision formulas,
 * and RoPE (NORM and NEOX pairings, frequency factors) against the
 * rotation written out directly.
 */
#include <math.h>
#include <stdbool.h>

#include "testutil.h"

#include "llm/ops.h"
#include "llm/quant.h"

#define TOL 2e-5 /* relative, for single-precision results */

static uint64_t rng = 88172645463325252ull;
static float frand(float lo, float hi) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return lo + (hi - lo) * (float)((rng >> 11) * (1.0 / 9007199254740992.0));
}

/* The tables this CPU can run. */
static int levels(const llm_ops_t **out) {
  int n = 0;
  out[n++] = llm_ops_scalar();
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (llm_ops_avx2() && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    out[n++] = llm_ops_avx2();
  if (llm_ops_avx512() && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    out[n++] = llm_ops_avx512();
#endif
  return n;
}

static void assert_close(double got, double want, double tol, const char *what,
                         const char *level, int i) {
  double err = fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
  if (err > tol) {
    fprintf(stderr, "%s [%s] element %d: got %.9g, want %.9g\n", what, level,
            i, got, want);
    fail();
  }
}

static const int sizes[] = {1, 7, 8, 15, 16, 17, 64, 100, 896, 1000};
#define N_SIZES (int)(sizeof sizes / sizeof sizes[0])

static void test_rmsnorm(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  float x[1000], w[1000], y[1000];
  for (int s = 0; s < N_SIZES; s++) {
    int n = sizes[s];
    for (int i = 0; i < n; i++) x[i] = frand(-3, 3), w[i] = frand(-2, 2);
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (double)x[i] * x[i];
    double r = 1.0 / sqrt(ss / n + 1e-6);
    for (int l = 0; l < nl; l++) {
      L[l]->rmsnorm(y, x, w, n, 1e-6f);
      for (int i = 0; i < n; i++)
        assert_close(y[i], x[i] * r * w[i], TOL, "rmsnorm", L[l]->level, i);
      L[l]->rmsnorm(y, x, NULL, n, 1e-6f);
      for (int i = 0; i < n; i++)
        assert_close(y[i], x[i] * r, TOL, "rmsnorm", L[l]->level, i);
    }
  }
}

static void test_softmax(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  float x[1000], y[1000];
  for (int s = 0; s < N_SIZES; s++) {
    int n = sizes[s];
    for (int i = 0; i < n; i++) x[i] = frand(-30, 30);
    x[n / 2] = -200; /* far below the max: underflows to ~0 */
    double mx = -1e30, sum = 0;
    for (int i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx;
    for (int i = 0; i < n; i++) sum += exp((double)x[i] - mx);
    for (int l = 0; l < nl; l++) {
      memcpy(y, x, sizeof(float) * (size_t)n);
      L[l]->softmax(y, n);
      double tot = 0;
      for (int i = 0; i < n; i++) {
        double want = exp((double)x[i] - mx) / sum;
        assert_true(fabs(y[i] - want) <= 1e-6 + TOL * want);
        tot += y[i];
      }
      assert_close(tot, 1.0, 1e-5, "softmax sum", L[l]->level, n);
    }
  }
}

static void test_silu_mul_add(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  float g[1000], u[1000], y[1000];
  for (int s = 0; s < N_SIZES; s++) {
    int n = sizes[s];
    for (int i = 0; i < n; i++) g[i] = frand(-20, 20), u[i] = frand(-2, 2);
    g[0] = -100; /* exp overflow path */
    for (int l = 0; l < nl; l++) {
      L[l]->silu_mul(y, g, u, n);
      for (int i = 0; i < n; i++) {
        double want = g[i] / (1.0 + exp(-(double)g[i])) * u[i];
        assert_true(fabs(y[i] - want) <= 1e-6 + TOL * fabs(want));
      }
      memcpy(y, g, sizeof(float) * (size_t)n);
      L[l]->add(y, u, n);
      for (int i = 0; i < n; i++)
        assert_close(y[i], (double)g[i] + u[i], 1e-6, "add", L[l]->level, i);
    }
  }
}

/* Attention of G heads against n_kv f16 rows, in double. */
static void attn_ref(const float *q, int G, int hd, const uint16_t *k,
                     const uint16_t *v, int n, float scale, double *out) {
  double *s = malloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < G; i++) {
    double mx = -1e300, sum = 0;
    for (int t = 0; t < n; t++) {
      double d = 0;
      for (int e = 0; e < hd; e++)
        d += (double)q[i * hd + e] * llm_f16_to_f32(k[t * hd + e]);
      s[t] = d * scale;
      mx = s[t] > mx ? s[t] : mx;
    }
    for (int t = 0; t < n; t++) sum += (s[t] = exp(s[t] - mx));
    for (int e = 0; e < hd; e++) {
      double o = 0;
      for (int t = 0; t < n; t++) o += s[t] / sum * llm_f16_to_f32(v[t * hd + e]);
      out[i * hd + e] = o;
    }
  }
  free(s);
}

static void test_attention(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  const int hds[] = {8, 16, 64, 80, 128}, ns[] = {1, 5, 33, 200};
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 4; b++) {
      int hd = hds[a], n = ns[b], G = 3;
      float *q = malloc(sizeof(float) * (size_t)(G * hd));
      uint16_t *k = malloc(2 * (size_t)(n * hd)), *v = malloc(2 * (size_t)(n * hd));
      float *sc = malloc(sizeof(float) * (size_t)(G * n));
      float *out = malloc(sizeof(float) * (size_t)(G * hd));
      double *ref = malloc(sizeof(double) * (size_t)(G * hd));
      for (int i = 0; i < G * hd; i++) q[i] = frand(-1, 1);
      for (int i = 0; i < n * hd; i++)
        k[i] = llm_f32_to_f16(frand(-2, 2)), v[i] = llm_f32_to_f16(frand(-1, 1));
      float scale = 1.0f / sqrtf((float)hd);
      attn_ref(q, G, hd, k, v, n, scale, ref);
      for (int l = 0; l < nl; l++) {
        llm_attn_t at = {q, G, hd, k, v, n, scale, sc, out};
        L[l]->attn(&at);
        for (int i = 0; i < G * hd; i++)
          assert_true(fabs(out[i] - ref[i]) < 1e-5);
      }
      free(q), free(k), free(v), free(sc), free(out), free(ref);
    }
}

/* Causal attention of a block of query rows at every level vs the
 * double-precision reference, row by row. */
static void test_attention_rows(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  const int hds[] = {16, 64, 24, 32, 128}, nrs[] = {1, 5, 16}, n0s[] = {1, 17, 40, 100};
  for (int a = 0; a < 5; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 4; c++) {
        int hd = hds[a], nr = nrs[b], n0 = n0s[c], G = 1 + (a + b + c) % 7;
        int n = n0 + nr - 1;
        int qs = 3 * G * hd; /* query rows hold more heads than the group */
        float *q = malloc(sizeof(float) * (size_t)(nr * qs));
        float *out = calloc((size_t)(nr * qs), sizeof(float));
        uint16_t *k = malloc(2 * (size_t)(n * hd)), *v = malloc(2 * (size_t)(n * hd));
        float *sc = malloc(sizeof(float) * llm_attn_rows_scratch(nr, G, hd, n));
        double *ref = malloc(sizeof(double) * (size_t)(G * hd));
        for (int i = 0; i < nr * qs; i++) q[i] = frand(-1, 1);
        for (int i = 0; i < n * hd; i++)
          k[i] = llm_f32_to_f16(frand(-2, 2)), v[i] = llm_f32_to_f16(frand(-1, 1));
        float scale = 1.0f / sqrtf((float)hd);
        for (int l = 0; l < nl; l++) {
          llm_attn_rows_t ar = {q, qs, nr, G, hd, k, v, n0, scale, sc, out, qs};
          L[l]->attn_rows(&ar);
          for (int r = 0; r < nr; r++) {
            attn_ref(q + r * qs, G, hd, k, v, n0 + r, scale, ref);
            for (int i = 0; i < G * hd; i++)
              if (fabs(out[r * qs + i] - ref[i]) > 1e-5) {
                fprintf(stderr, "attn_rows [%s] hd %d nr %d n0 %d row %d: "
                        "%g vs %g\n", L[l]->level, hd, nr, n0, r,
                        out[r * qs + i], ref[i]);
                fail();
              }
            assert_true(out[r * qs + G * hd] == 0); /* outside the group */
          }
        }
        free(q), free(out), free(k), free(v), free(sc), free(ref);
      }
}

static void test_to_f16(void **state) {
  (void)state;
  const llm_ops_t *L[3];
  int nl = levels(L);
  float x[37];
  uint16_t h[37];
  for (int i = 0; i < 37; i++) x[i] = frand(-70000, 70000) * (i % 3 ? 1e-4f : 1);
  x[5] = 1e-6f; /* subnormal in f16 */
  for (int l = 0; l < nl; l++) {
    L[l]->to_f16(h, x, 37);
    for (int i = 0; i < 37; i++) assert_int_equal(h[i], llm_f32_to_f16(x[i]));
  }
}

/* RoPE written out: pair (a, b) of pair index i rotated by pos*freq_i. */
static void rope_ref(double *x, int d, int pos, double base,
                     const float *factors, bool neox) {
  for (int i = 0; i < d / 2; i++) {
    double th = pos * pow(base, -2.0 * i / d) / (factors ? factors[i] : 1.0);
    int ia = neox ? i : 2 * i, ib = neox ? i + d / 2 : 2 * i + 1;
    double a = x[ia], b = x[ib];
    x[ia] = a * cos(th) - b * sin(th);
    x[ib] = a * sin(th) + b * cos(th);
  }
}

static void test_rope(void **state) {
  (void)state;
  const int d = 64, H = 3;
  float inv[32], cs[64], fac[32], x[3 * 64];
  double ref[3 * 64];
  for (int i = 0; i < 32; i++) fac[i] = frand(1, 8);
  for (int variant = 0; variant < 4; variant++) {
    bool neox = variant & 1;
    const float *f = variant & 2 ? fac : NULL;
    llm_rope_inv_freq(inv, d, 500000.0f, f, 1.0f);
    for (int pos = 0; pos < 300; pos += 37) {
      for (int i = 0; i < H * d; i++) ref[i] = x[i] = frand(-1, 1);
      llm_rope_table(cs, pos, d, inv);
      llm_rope(x, H, d, cs, neox);
      for (int h = 0; h < H; h++) rope_ref(ref + h * d, d, pos, 500000.0, f, neox);
      for (int i = 0; i < H * d; i++) assert_true(fabs(x[i] - ref[i]) < 2e-4);
    }
  }
  /* NORM and NEOX differ: the pairing is really used. */
  for (int i = 0; i < d; i++) x[i] = x[d + i] = (float)i;
  llm_rope_inv_freq(inv, d, 10000.0f, NULL, 1.0f);
  llm_rope_table(cs, 5, d, inv);
  llm_rope(x, 1, d, cs, false);
  llm_rope(x + d, 1, d, cs, true);
  assert_true(fabs(x[1] - x[d + 1]) > 1e-3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rmsnorm),
      cmocka_unit_test(test_softmax),
      cmocka_unit_test(test_silu_mul_add),
      cmocka_unit_test(test_attention),
      cmocka_unit_test(test_attention_rows),
      cmocka_unit_test(test_to_f16),
      cmocka_unit_test(test_rope),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
