/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_quant.c — type table, f16/bf16 conversions,
 * quantise/dequantise round trips and the matmul kernels at every SIMD
 * level this CPU has, against double-precision references.
 */
#include <math.h>

#include "testutil.h"

#include "llm/quant.h"
#include "llm/quant_internal.h"

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static float rng_uniform(void) { /* (0, 1) */
  return ((float)(rng_next() >> 40) + 0.5f) / 16777216.0f;
}

static float rng_gauss(void) {
  float u = rng_uniform(), v = rng_uniform();
  return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

static void fill_gauss(float *x, int64_t n, float scale) {
  for (int64_t i = 0; i < n; i++)
    x[i] = rng_gauss() * scale;
}

/* ------------------------------------------------------------ tests */

static void test_type_table(void **state) {
  (void)state;
  static const struct { int t; int blk; size_t bytes; } want[] = {
      {0, 1, 4},      {1, 1, 2},      {2, 32, 18},    {3, 32, 20},
      {6, 32, 22},    {7, 32, 24},    {8, 32, 34},    {9, 32, 36},
      {10, 256, 84},  {11, 256, 110}, {12, 256, 144}, {13, 256, 176},
      {14, 256, 210}, {15, 256, 292}, {16, 256, 66},  {17, 256, 74},
      {18, 256, 98},  {19, 256, 50},  {20, 32, 18},   {21, 256, 110},
      {22, 256, 82},  {23, 256, 136}, {24, 1, 1},     {25, 1, 2},
      {26, 1, 4},     {27, 1, 8},     {28, 1, 8},     {29, 256, 56},
      {30, 1, 2},     {34, 256, 54},  {35, 256, 66},  {39, 32, 17},
      {40, 64, 36},   {41, 128, 18},  {42, 64, 18},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const llm_type_info_t *ti = llm_type_info(want[i].t);
    assert_non_null(ti);
    assert_int_equal(ti->block, want[i].blk);
    assert_int_equal(ti->block_bytes, want[i].bytes);
    assert_int_equal(llm_type_from_name(ti->name), want[i].t);
  }
  static const int gone[] = {-1, 4, 5, 31, 32, 33, 36, 37, 38, 43, 1000};
  for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
    assert_null(llm_type_info(gone[i]));
  assert_int_equal(llm_type_from_name("q4_k"), LLM_TYPE_Q4_K);
  assert_int_equal(llm_type_from_name("bf16"), LLM_TYPE_BF16);
  assert_int_equal(llm_type_from_name("Q4_K_M"), -1);
  assert_int_equal(llm_type_from_name(NULL), -1);
  assert_int_equal(llm_row_bytes(LLM_TYPE_Q4_K, 512), 288);
  assert_int_equal(llm_row_bytes(LLM_TYPE_Q4_K, 500), 0);
  assert_int_equal(llm_row_bytes(LLM_TYPE_Q8_0, 896), 28 * 34);
  assert_int_equal(llm_row_bytes(LLM_TYPE_F16, 3), 6);
  assert_int_equal(llm_row_bytes(4, 32), 0);
  assert_int_equal(llm_type_info(LLM_TYPE_Q4_1)->dot_type, LLM_TYPE_Q8_1);
  assert_int_equal(llm_type_info(LLM_TYPE_Q6_K)->dot_type, LLM_TYPE_Q8_K);
  assert_false(llm_type_info(LLM_TYPE_Q2_K)->weight_ok);
}

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static float from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* Correct rounding by construction: the nearest of the two half neighbours
 * (found by search in the exact f32 images), ties to the even one. */
static uint16_t f16_reference(float f) {
  if (isnan(f))
    return 0; /* not compared */
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  double a = fabs((double)f);
  if (a >= 65520.0)
    return sign | 0x7c00;
  uint16_t lo = 0;
  for (int step = 0x4000; step; step >>= 1) /* largest h with v(h) <= a */
    if ((uint16_t)(lo + step) < 0x7c00 &&
        llm_f16_to_f32((uint16_t)(lo + step)) <= a)
      lo = (uint16_t)(lo + step);
  double vlo = llm_f16_to_f32(lo), vhi = llm_f16_to_f32((uint16_t)(lo + 1));
  if (vlo == a)
    return sign | lo;
  if (a - vlo < vhi - a || (a - vlo == vhi - a && !(lo & 1)))
    return sign | lo;
  return sign | (uint16_t)(lo + 1);
}

static void test_half_precision(void **state) {
  (void)state;
  /* every half value survives a round trip */
  for (uint32_t h = 0; h < 0x10000; h++) {
    float f = llm_f16_to_f32((uint16_t)h);
    if (isnan(f)) {
      assert_true(isnan(llm_f16_to_f32(llm_f32_to_f16(f))));
      continue;
    }
    assert_int_equal(llm_f32_to_f16(f), h);
  }
  assert_true(llm_f16_to_f32(0x3c00) == 1.0f);
  assert_true(llm_f16_to_f32(0x0001) == 5.9604644775390625e-8f);
  assert_true(llm_f16_to_f32(0xfc00) == -INFINITY);
  assert_int_equal(llm_f32_to_f16(65519.99f), 0x7bff);
  assert_int_equal(llm_f32_to_f16(65520.0f), 0x7c00);
  assert_int_equal(llm_f32_to_f16(1.0f + 1.0f / 2048), 0x3c00); /* tie even */
  assert_int_equal(llm_f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);
  assert_int_equal(llm_f32_to_f16(2.9802322387695312e-8f), 0); /* tie to 0 */
  assert_int_equal(llm_f32_to_f16(2.9802326e-8f), 1);
  /* random floats of all magnitudes, and exact midpoints */
  for (int i = 0; i < 200000; i++) {
    uint32_t u = (uint32_t)rng_next();
    if (i & 1) /* near the half range */
      u = (u & 0x83ffffffu) | ((uint32_t)(0x66 + (i >> 1) % 0x1c) << 23);
    float f = from_bits(u);
    if (isnan(f))
      continue;
    assert_int_equal(llm_f32_to_f16(f), f16_reference(f));
    float mid = from_bits((bits(f) & 0xffffe000u) | 0x1000u); /* a tie */
    if (!isnan(mid))
      assert_int_equal(llm_f32_to_f16(mid), f16_reference(mid));
  }
  /* bf16 */
  assert_int_equal(llm_f32_to_bf16(1.0f), 0x3f80);
  assert_int_equal(llm_f32_to_bf16(from_bits(0x3f808000u)), 0x3f80);
  assert_int_equal(llm_f32_to_bf16(from_bits(0x3f818000u)), 0x3f82);
  assert_int_equal(llm_f32_to_bf16(from_bits(0x3f808001u)), 0x3f81);
  assert_true(isnan(llm_bf16_to_f32(llm_f32_to_bf16(NAN))));
  assert_true(llm_bf16_to_f32(llm_f32_to_bf16(-INFINITY)) == -INFINITY);
  for (uint32_t h = 0; h < 0x10000; h++) {
    float f = llm_bf16_to_f32((uint16_t)h);
    if (!isnan(f))
      assert_int_equal(llm_f32_to_bf16(f), h);
  }
}

/* Relative RMS error of dequantize(quantize(x)) on Gaussian data, with an
 * outlier per row as real weights have. */
static double roundtrip_rel_rmse(int type, int64_t n, int rows) {
  size_t rb = llm_row_bytes(type, n);
  float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
  uint8_t *q = malloc(rb);
  double se = 0, sx = 0;
  for (int r = 0; r < rows; r++) {
    fill_gauss(x, n, 0.02f);
    x[rng_next() % (uint64_t)n] = 0.2f;
    assert_int_equal(llm_quantize_row(type, x, q, n), 0);
    assert_int_equal(llm_dequantize_row(type, q, y, n), 0);
    for (int64_t i = 0; i < n; i++) {
      se += (double)(y[i] - x[i]) * (y[i] - x[i]);
      sx += (double)x[i] * x[i];
    }
  }
  free(x);
  free(y);
  free(q);
  return sqrt(se / sx);
}

static void test_roundtrip_error(void **state) {
  (void)state;
  static const struct { int type; double max_err; } cases[] = {
      {LLM_TYPE_F32, 0.0},      {LLM_TYPE_F16, 0.0003},
      {LLM_TYPE_BF16, 0.002},   {LLM_TYPE_Q8_0, 0.007},
      {LLM_TYPE_Q8_1, 0.007},   {LLM_TYPE_Q8_K, 0.0135},
      {LLM_TYPE_Q5_0, 0.055},   {LLM_TYPE_Q5_1, 0.045},
      {LLM_TYPE_Q4_0, 0.11},    {LLM_TYPE_Q4_1, 0.092},
      {LLM_TYPE_Q6_K, 0.022},   {LLM_TYPE_Q5_K, 0.043},
      {LLM_TYPE_Q4_K, 0.085},
  };
  int fails = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double e = roundtrip_rel_rmse(cases[i].type, 1024, 16);
    print_message("%-5s rel rmse %.5f\n", llm_type_info(cases[i].type)->name,
                  e);
    fails += e > cases[i].max_err;
  }
  assert_int_equal(fails, 0);
}

/* Constant, zero and one-hot blocks reproduce well; lengths that are not
 * whole blocks and unknown types are refused. */
static void test_quantize_edges(void **state) {
  (void)state;
  static const int qt[] = {LLM_TYPE_Q4_0, LLM_TYPE_Q4_1, LLM_TYPE_Q5_0,
                           LLM_TYPE_Q5_1, LLM_TYPE_Q8_0, LLM_TYPE_Q4_K,
                           LLM_TYPE_Q5_K, LLM_TYPE_Q6_K, LLM_TYPE_Q8_K};
  float x[512], y[512];
  uint8_t q[2048];
  for (size_t t = 0; t < sizeof qt / sizeof qt[0]; t++) {
    memset(x, 0, sizeof x);
    assert_int_equal(llm_quantize_row(qt[t], x, q, 512), 0);
    assert_int_equal(llm_dequantize_row(qt[t], q, y, 512), 0);
    for (int i = 0; i < 512; i++)
      assert_true(y[i] == 0.0f);
    x[300] = -1.5f; /* one-hot: the spike is kept within 1% */
    assert_int_equal(llm_quantize_row(qt[t], x, q, 512), 0);
    assert_int_equal(llm_dequantize_row(qt[t], q, y, 512), 0);
    assert_true(fabsf(y[300] + 1.5f) < 0.015f);
    for (int i = 0; i < 512; i++)
      if (i != 300)
        assert_true(fabsf(y[i]) < 0.015f);
    assert_int_equal(llm_quantize_row(qt[t], x, q, 511), LOTSE_EINVAL);
    assert_int_equal(llm_dequantize_row(qt[t], q, y, 200), LOTSE_EINVAL);
  }
  assert_int_equal(llm_quantize_row(LLM_TYPE_Q2_K, x, q, 256), LOTSE_EINVAL);
  assert_int_equal(llm_dequantize_row(77, q, y, 32), LOTSE_EINVAL);
  /* Q8_K block sums match its values */
  fill_gauss(x, 256, 1.0f);
  assert_int_equal(llm_quantize_row(LLM_TYPE_Q8_K, x, q, 256), 0);
  blk_q8_k b;
  memcpy(&b, q, sizeof b);
  for (int j = 0; j < 16; j++) {
    int s = 0;
    for (int k = 0; k < 16; k++)
      s += b.qs[16 * j + k];
    assert_int_equal(b.bsums[j], s);
  }
}

/* Hand-built blocks decode to the values the GGUF layout defines. */
static void test_known_layouts(void **state) {
  (void)state;
  float y[256];
  blk_q4_0 b4;
  f2h(b4.d, 0.5f);
  for (int j = 0; j < 16; j++)
    b4.qs[j] = (uint8_t)(j | ((15 - j) << 4));
  assert_int_equal(llm_dequantize_row(LLM_TYPE_Q4_0, &b4, y, 32), 0);
  assert_true(y[0] == -4.0f && y[15] == 3.5f && y[16] == 3.5f &&
              y[31] == -4.0f);
  blk_q5_0 b5;
  memset(&b5, 0, sizeof b5);
  f2h(b5.d, 1.0f);
  b5.qh[0] = 0x01; /* element 0 gets bit 4 */
  b5.qh[2] = 0x02; /* element 17 gets bit 4 */
  b5.qs[1] = 0x30;
  assert_int_equal(llm_dequantize_row(LLM_TYPE_Q5_0, &b5, y, 32), 0);
  assert_true(y[0] == 0.0f && y[1] == -16.0f && y[17] == 3.0f &&
              y[16] == -16.0f);
  blk_q4_k k4;
  memset(&k4, 0, sizeof k4);
  f2h(k4.d, 1.0f);
  f2h(k4.dmin, 1.0f);
  k4.scales[0] = 2 | (1 << 6);  /* sc0 = 2, high bits of sc4 = 1 */
  k4.scales[4] = 3;             /* m0 = 3 */
  k4.scales[8] = 0x25;          /* sc4 low = 5, m4 low = 2 */
  k4.qs[0] = 0x07;              /* element 0 = 7, element 32 = 0 */
  k4.qs[64] = 0x01;             /* element 128 (sub-block 4) = 1 */
  assert_int_equal(llm_dequantize_row(LLM_TYPE_Q4_K, &k4, y, 256), 0);
  assert_true(y[0] == 2 * 7 - 3 && y[1] == -3.0f);
  assert_true(y[128] == (16 + 5) * 1 - 2);
}


/* ------------------------------------------------------------ matmul */

static const int weight_types[] = {
    LLM_TYPE_F32,  LLM_TYPE_F16,  LLM_TYPE_BF16, LLM_TYPE_Q4_0,
    LLM_TYPE_Q4_1, LLM_TYPE_Q5_0, LLM_TYPE_Q5_1, LLM_TYPE_Q8_0,
    LLM_TYPE_Q4_K, LLM_TYPE_Q5_K, LLM_TYPE_Q6_K,
};

/* Q8_1 activations carry s = d * sum in f16 (as ggml); the min term of
 * Q4_1/Q5_1 uses that s, not the sum of the dequantised values. */
static double q81_correction(const llm_mat_t *w, const uint8_t *xq, int64_t r,
                             const float *xf) {
  if (llm_type_info(w->type)->dot_type != LLM_TYPE_Q8_1)
    return 0;
  act32_layout_t L = act32_layout(w->n_in);
  const uint8_t *row = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
  double c = 0;
  for (int64_t b = 0; b < L.nb; b++) {
    float sb;
    memcpy(&sb, xq + L.off_s + 4 * b, 4);
    double sum = 0;
    for (int k = 0; k < QK; k++)
      sum += xf[b * QK + k];
    /* m is the second f16 of both Q4_1 and Q5_1 blocks */
    float m = h2f(row + b * llm_type_info(w->type)->block_bytes + 2);
    c += (double)m * (sb - sum);
  }
  return c;
}

/* One shape at the current level: y from llm_matmul against the double
 * dot of dequantised weights and dequantised activations. Rows outside
 * [r0, r1) must stay untouched. Returns the number of bad outputs. */
static int check_matmul(int type, int64_t n_in, int64_t n_out, int64_t m,
                        int64_t r0, int64_t r1) {
  size_t rb = llm_row_bytes(type, n_in);
  uint8_t *wbuf = malloc(rb * (size_t)n_out + 1);
  float *x = malloc((size_t)(n_in * m) * sizeof *x);
  float *wf = malloc((size_t)(n_in * n_out) * sizeof *wf);
  float *xf = malloc((size_t)n_in * sizeof *xf);
  llm_mat_t w = {.type = type, .n_in = n_in, .n_out = n_out,
                 .data = wbuf + 1, .row_bytes = rb};
  fill_gauss(wf, n_in * n_out, 0.05f);
  for (int64_t r = 0; r < n_out; r++) {
    assert_int_equal(llm_quantize_row(type, wf + r * n_in, wbuf + 1 + r * rb,
                                      n_in), 0);
    assert_int_equal(llm_dequantize_row(type, wbuf + 1 + r * rb, wf + r * n_in,
                                        n_in), 0);
  }
  assert_int_equal(llm_mat_pack(&w), 0);
  fill_gauss(x, n_in * m, 1.0f);
  x[3] = 6.0f; /* an outlier as real activations have */
  size_t ab = llm_act_bytes(&w);
  assert_true(ab > 0);
  uint8_t *xq = malloc(ab * (size_t)m + 1);
  int64_t half = m / 2;
  llm_act_quantize(&w, x, 0, half, xq + 1); /* two calls, as threads do */
  llm_act_quantize(&w, x, half, m, xq + 1);
  int64_t ldy = n_out + 3;
  float *y = malloc((size_t)(ldy * m) * sizeof *y);
  for (int64_t i = 0; i < ldy * m; i++)
    y[i] = -12345.0f;
  llm_matmul(&w, xq + 1, m, y, ldy, r0, r1);
  int bad = 0;
  for (int64_t j = 0; j < m; j++) {
    q_act_dequantize(&w, xq + 1 + (size_t)j * ab, xf);
    for (int64_t r = 0; r < ldy; r++) {
      float got = y[j * ldy + r];
      if (r < r0 || r >= r1) {
        bad += got != -12345.0f;
        continue;
      }
      double ref = 0, mag = 0;
      for (int64_t i = 0; i < n_in; i++) {
        ref += (double)wf[r * n_in + i] * xf[i];
        mag += fabs((double)wf[r * n_in + i] * xf[i]);
      }
      ref += q81_correction(&w, xq + 1 + (size_t)j * ab, r, xf);
      if (!(fabs(got - ref) <= 2e-5 * mag + 1e-6)) {
        if (bad < 3)
          print_message("%s level %s n_in %ld m %ld: y[%ld,%ld] %.7g want "
                        "%.7g\n", llm_type_info(type)->name, llm_cpu_level(),
                        (long)n_in, (long)m, (long)j, (long)r, got, ref);
        bad++;
      }
    }
  }
  llm_mat_unpack(&w);
  free(wbuf);
  free(x);
  free(wf);
  free(xf);
  free(xq);
  free(y);
  return bad;
}

static void test_matmul_levels(void **state) {
  (void)state;
  int top = q_cpu_max_level();
  for (int level = 0; level <= top; level++) {
    assert_int_equal(q_cpu_force_level(level), level);
    print_message("level %s\n", llm_cpu_level());
    for (size_t t = 0; t < sizeof weight_types / sizeof weight_types[0]; t++) {
      int type = weight_types[t];
      int blk = llm_type_info(type)->block;
      int64_t unit = blk == 1 ? 32 : blk;
      /* odd block counts, odd row counts, m = 1 and tiles with a tail */
      static const struct { int nblk; int n_out; int m; int r0, r1; } s[] = {
          {1, 5, 1, 0, 5},   {3, 37, 1, 0, 37}, {7, 19, 1, 3, 17},
          {2, 33, 2, 0, 33}, {3, 21, 5, 1, 20}, {9, 40, 9, 8, 40},
          {28, 17, 1, 0, 17}, {4, 11, 13, 0, 11},
          {40, 37, 13, 3, 35}, /* several packed chunks, partial panels */
          {5, 21, 21, 2, 21},  /* K-quant chunks, prompt-sized m */
      };
      for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        int64_t n_in = s[i].nblk * unit + (blk == 1 && (i & 1) ? 5 : 0);
        assert_int_equal(check_matmul(type, n_in, s[i].n_out, s[i].m,
                                      s[i].r0, s[i].r1), 0);
      }
    }
  }
  q_cpu_force_level(-1);
}

/* Activation rows are the same bytes at every level (padding included). */
static void test_act_levels(void **state) {
  (void)state;
  static const int types[] = {LLM_TYPE_Q8_0, LLM_TYPE_Q4_1, LLM_TYPE_Q4_K,
                              LLM_TYPE_F16};
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    int64_t n = llm_type_info(types[t])->block == 256 ? 1280 : 864;
    llm_mat_t w = {.type = types[t], .n_in = n, .n_out = 1};
    size_t ab = llm_act_bytes(&w);
    float *x = malloc((size_t)(3 * n) * sizeof *x);
    fill_gauss(x, 3 * n, 2.0f);
    x[7] = -9.0f;       /* a negative extreme */
    x[n + 40] = 9.0f;   /* ties in magnitude: the first one counts */
    x[n + 41] = -9.0f;
    for (int64_t i = 0; i < 32; i++)
      x[2 * n + 64 + i] = 0.0f; /* an all-zero block */
    uint8_t *ref = malloc(ab * 3), *got = malloc(ab * 3);
    q_cpu_force_level(Q_LEVEL_SCALAR);
    memset(ref, 0xAB, ab * 3);
    llm_act_quantize(&w, x, 0, 3, ref);
    for (int level = 1; level <= q_cpu_max_level(); level++) {
      q_cpu_force_level(level);
      memset(got, 0xCD, ab * 3);
      llm_act_quantize(&w, x, 0, 3, got);
      assert_memory_equal(ref, got, ab * 3);
    }
    free(x);
    free(ref);
    free(got);
  }
  q_cpu_force_level(-1);
}

/* LOTSE_SIMD and the feature mask agree with the level in use. */
static void test_cpu_levels(void **state) {
  (void)state;
  assert_int_equal(q_cpu_force_level(Q_LEVEL_SCALAR), Q_LEVEL_SCALAR);
  assert_string_equal(llm_cpu_level(), "scalar");
  assert_int_equal(llm_cpu_features(), 0);
  if (q_cpu_max_level() >= Q_LEVEL_AVX2) {
    q_cpu_force_level(Q_LEVEL_AVX2);
    assert_string_equal(llm_cpu_level(), "avx2");
    assert_true(llm_cpu_features() & LLM_CPU_AVX2);
    assert_false(llm_cpu_features() & LLM_CPU_AVX512);
  }
  q_cpu_force_level(-1);
  assert_non_null(llm_cpu_level());
}

/* ------------------------------------------------------------ main */

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_table),
      cmocka_unit_test(test_half_precision),
      cmocka_unit_test(test_roundtrip_error),
      cmocka_unit_test(test_quantize_edges),
      cmocka_unit_test(test_known_layouts),
      cmocka_unit_test(test_matmul_levels),
      cmocka_unit_test(test_act_levels),
      cmocka_unit_test(test_cpu_levels),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
