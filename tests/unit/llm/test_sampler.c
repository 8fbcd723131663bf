/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_sampler.c — the sampling chain: greedy and ties, the
 * allowed mask, repetition penalty arithmetic, the support and frequencies
 * of top-k / top-p / min-p / temperature against a brute-force reference,
 * determinism per seed, NaN/inf logits, a 152k vocabulary.
 */
#include <math.h>

#include "testutil.h"

#include "llm/sampler.h"

static llm_sampling_t params(float temp, int top_k, float top_p, float min_p) {
  llm_sampling_t p = llm_sampling_default();
  p.temp = temp;
  p.top_k = top_k;
  p.top_p = top_p;
  p.min_p = min_p;
  p.repeat_penalty = 1.0f;
  p.seed = 1234;
  return p;
}

static int32_t sample_copy(llm_sampler_t *s, const float *logits, int32_t n,
                           const uint8_t *allowed) {
  float buf[64];
  assert_true(n <= 64);
  memcpy(buf, logits, (size_t)n * sizeof *buf);
  return llm_sampler_sample(s, buf, n, allowed, NULL, 0);
}

static void test_defaults(void **state) {
  (void)state;
  llm_sampling_t p = llm_sampling_default();
  assert_true(p.temp == 0.8f && p.top_k == 40 && p.top_p == 0.95f);
  assert_true(p.min_p == 0.05f && p.repeat_penalty == 1.0f);
  assert_int_equal(p.repeat_last_n, 64);
  llm_sampler_free(NULL);
}

static void test_greedy_argmax_and_ties(void **state) {
  (void)state;
  llm_sampling_t p = params(0.0f, 0, 1.0f, 0.0f);
  llm_sampler_t *s = llm_sampler_new(&p);
  assert_non_null(s);
  float l1[] = {0.1f, 2.0f, -3.0f, 1.9f};
  assert_int_equal(sample_copy(s, l1, 4, NULL), 1);
  float l2[] = {-1.0f, 5.0f, 0.0f, 5.0f, 5.0f};
  assert_int_equal(sample_copy(s, l2, 5, NULL), 1); /* tie: lowest id */
  float l3[] = {-7.0f, -2.0f, -9.0f};               /* all negative */
  assert_int_equal(sample_copy(s, l3, 3, NULL), 1);
  p.temp = -1.0f; /* negative temperature is greedy as well */
  llm_sampler_t *s2 = llm_sampler_new(&p);
  assert_int_equal(sample_copy(s2, l1, 4, NULL), 1);
  p.temp = NAN;
  llm_sampler_t *s3 = llm_sampler_new(&p);
  assert_int_equal(sample_copy(s3, l1, 4, NULL), 1);
  llm_sampler_free(s);
  llm_sampler_free(s2);
  llm_sampler_free(s3);
}

static void test_mask(void **state) {
  (void)state;
  float l[] = {9.0f, 1.0f, 8.0f, 0.5f, 7.0f};
  uint8_t allowed[] = {0, 1, 0, 1, 0};
  llm_sampling_t p = params(0.0f, 0, 1.0f, 0.0f);
  llm_sampler_t *s = llm_sampler_new(&p);
  assert_int_equal(sample_copy(s, l, 5, allowed), 1);
  llm_sampler_free(s);
  /* sampling at a high temperature never leaves the mask */
  p = params(5.0f, 0, 1.0f, 0.0f);
  s = llm_sampler_new(&p);
  int seen[5] = {0};
  for (int i = 0; i < 2000; i++) {
    int32_t t = sample_copy(s, l, 5, allowed);
    assert_true(t == 1 || t == 3);
    seen[t]++;
  }
  assert_true(seen[1] > 0 && seen[3] > 0);
  llm_sampler_free(s);
  p = params(5.0f, 1, 0.5f, 0.1f); /* top-k selection sees only the mask */
  s = llm_sampler_new(&p);
  for (int i = 0; i < 200; i++) assert_int_equal(sample_copy(s, l, 5, allowed), 1);
  uint8_t none[] = {0, 0, 0, 0, 0};
  assert_int_equal(sample_copy(s, l, 5, none), -1);
  llm_sampler_free(s);
  p = params(0.0f, 0, 1.0f, 0.0f);
  s = llm_sampler_new(&p);
  assert_int_equal(sample_copy(s, l, 5, none), -1);
  assert_int_equal(llm_sampler_sample(s, l, 0, NULL, NULL, 0), -1);
  llm_sampler_free(s);
}

static void test_penalty_math(void **state) {
  (void)state;
  llm_sampling_t p = params(0.0f, 0, 1.0f, 0.0f);
  p.repeat_penalty = 2.0f;
  p.repeat_last_n = 64;
  llm_sampler_t *s = llm_sampler_new(&p);
  float l[] = {2.0f, 1.5f, -1.0f, -0.5f, 0.0f};
  int32_t hist[] = {0, 0, 3, 0, 4, 99, -5}; /* out-of-range ids ignored */
  assert_int_equal(llm_sampler_sample(s, l, 5, NULL, hist, 7), 1);
  assert_true(l[0] == 1.0f);  /* positive: divided, once despite 3 hits */
  assert_true(l[1] == 1.5f);  /* not in history */
  assert_true(l[2] == -1.0f); /* not in history */
  assert_true(l[3] == -1.0f); /* negative: multiplied */
  assert_true(l[4] == 0.0f);  /* zero stays zero */
  llm_sampler_free(s);
  /* only the last repeat_last_n tokens count */
  p.repeat_last_n = 1;
  s = llm_sampler_new(&p);
  float l2[] = {2.0f, 1.5f, 1.0f};
  int32_t h2[] = {0, 2};
  assert_int_equal(llm_sampler_sample(s, l2, 3, NULL, h2, 2), 0);
  assert_true(l2[0] == 2.0f && l2[2] == 0.5f);
  llm_sampler_free(s);
  p.repeat_last_n = 0; /* zero: no penalty */
  s = llm_sampler_new(&p);
  float l3[] = {2.0f, 1.5f};
  int32_t h3[] = {0};
  assert_int_equal(llm_sampler_sample(s, l3, 2, NULL, h3, 1), 0);
  assert_true(l3[0] == 2.0f);
  llm_sampler_free(s);
  p.repeat_last_n = -1; /* negative: whole history */
  p.repeat_penalty = 4.0f;
  s = llm_sampler_new(&p);
  float l4[] = {2.0f, 1.5f, 0.1f};
  int32_t h4[] = {0, 2, 2, 2, 2, 2};
  assert_int_equal(llm_sampler_sample(s, l4, 3, NULL, h4, 6), 1);
  assert_true(l4[0] == 0.5f);
  llm_sampler_free(s);
}

/* ----------------------------------------------- brute-force reference */

typedef struct {
  float l;
  int id;
} cand_t;

static int cand_cmp(const void *a, const void *b) {
  const cand_t *x = a, *y = b;
  if (x->l != y->l) return x->l > y->l ? -1 : 1;
  return x->id - y->id;
}

/* Probability of each token under the chain, by full sort in double. */
static void ref_dist(const float *logits, int n, const llm_sampling_t *p,
                     double *prob) {
  cand_t *c = calloc((size_t)n, sizeof *c);
  assert_non_null(c);
  for (int i = 0; i < n; i++) c[i] = (cand_t){logits[i], i};
  qsort(c, (size_t)n, sizeof *c, cand_cmp);
  int m = n;
  if (p->top_k > 0 && p->top_k < m) m = p->top_k;
  if (p->top_p < 1.0f) {
    double z = 0, acc = 0;
    for (int i = 0; i < m; i++) z += exp(c[i].l - c[0].l);
    for (int i = 0; i < m; i++) {
      acc += exp(c[i].l - c[0].l);
      if (acc >= p->top_p * z) {
        m = i + 1;
        break;
      }
    }
  }
  if (p->min_p > 0.0f) {
    int k = 1;
    while (k < m && c[k].l >= c[0].l + log(p->min_p)) k++;
    m = k;
  }
  double z = 0;
  for (int i = 0; i < n; i++) prob[i] = 0;
  for (int i = 0; i < m; i++) z += exp((c[i].l - c[0].l) / p->temp);
  for (int i = 0; i < m; i++)
    prob[c[i].id] = exp((c[i].l - c[0].l) / p->temp) / z;
  free(c);
}

/* 10,000 draws: every sample inside the reference support, frequencies
 * within 0.025 of the reference probabilities (>= 5 sigma). */
static void check_freq(const llm_sampling_t *p, const float *logits, int n) {
  double prob[64];
  int count[64] = {0};
  ref_dist(logits, n, p, prob);
  llm_sampler_t *s = llm_sampler_new(p);
  assert_non_null(s);
  const int draws = 10000;
  for (int i = 0; i < draws; i++) {
    int32_t t = sample_copy(s, logits, n, NULL);
    assert_true(t >= 0 && t < n);
    if (prob[t] == 0.0) fail_msg("token %d outside the support", t);
    count[t]++;
  }
  for (int i = 0; i < n; i++) {
    double f = (double)count[i] / draws;
    if (fabs(f - prob[i]) > 0.025)
      fail_msg("token %d: frequency %.4f, expected %.4f", i, f, prob[i]);
  }
  llm_sampler_free(s);
}

static const float L8[] = {3.0f, 2.5f, 2.0f, 1.0f, 0.5f, 0.0f, -1.0f, -2.0f};

static void test_top_k(void **state) {
  (void)state;
  llm_sampling_t p = params(1.0f, 3, 1.0f, 0.0f);
  check_freq(&p, L8, 8);
  p.top_k = 1; /* top-1 is greedy */
  check_freq(&p, L8, 8);
  p.top_k = 100; /* larger than the vocabulary: off */
  check_freq(&p, L8, 8);
}

static void test_top_p(void **state) {
  (void)state;
  llm_sampling_t p = params(1.0f, 0, 0.8f, 0.0f);
  check_freq(&p, L8, 8);
  p.top_p = 0.5f;
  check_freq(&p, L8, 8);
  p.top_p = 0.0f; /* keeps one token */
  check_freq(&p, L8, 8);
  p.top_k = 5; /* top-p renormalises over the top-k */
  p.top_p = 0.9f;
  check_freq(&p, L8, 8);
}

static void test_min_p(void **state) {
  (void)state;
  llm_sampling_t p = params(1.0f, 0, 1.0f, 0.2f);
  check_freq(&p, L8, 8); /* keeps logits >= 3 + ln 0.2 = 1.39 */
  p.min_p = 0.05f;
  p.top_k = 6;
  p.top_p = 0.95f;
  check_freq(&p, L8, 8);
}

static void test_temperature(void **state) {
  (void)state;
  llm_sampling_t p = params(0.5f, 0, 1.0f, 0.0f);
  check_freq(&p, L8, 8);
  p.temp = 2.0f;
  check_freq(&p, L8, 8);
  p.temp = 1e-4f; /* tiny temperature: practically greedy */
  check_freq(&p, L8, 8);
}

static void test_determinism(void **state) {
  (void)state;
  llm_sampling_t p = params(1.5f, 0, 1.0f, 0.0f);
  int32_t a[200], b[200], c[200];
  llm_sampler_t *s1 = llm_sampler_new(&p), *s2 = llm_sampler_new(&p);
  for (int i = 0; i < 200; i++) {
    a[i] = sample_copy(s1, L8, 8, NULL);
    b[i] = sample_copy(s2, L8, 8, NULL);
  }
  llm_sampler_free(s1);
  llm_sampler_free(s2);
  assert_memory_equal(a, b, sizeof a);
  p.seed = 1235;
  llm_sampler_t *s3 = llm_sampler_new(&p);
  for (int i = 0; i < 200; i++) c[i] = sample_copy(s3, L8, 8, NULL);
  llm_sampler_free(s3);
  assert_memory_not_equal(a, c, sizeof a);
  llm_sampler_t *s4 = llm_sampler_new(NULL); /* defaults, seed 0 */
  assert_non_null(s4);
  int32_t t = sample_copy(s4, L8, 8, NULL);
  assert_true(t >= 0 && t < 8);
  llm_sampler_free(s4);
}

static void test_nan_inf(void **state) {
  (void)state;
  float l[] = {NAN, 1.0f, INFINITY, 2.0f, -INFINITY};
  llm_sampling_t p = params(0.0f, 0, 1.0f, 0.0f);
  llm_sampler_t *s = llm_sampler_new(&p);
  assert_int_equal(sample_copy(s, l, 5, NULL), 2); /* +inf wins greedy */
  float nan2[] = {NAN, NAN, -INFINITY};
  assert_int_equal(sample_copy(s, nan2, 3, NULL), -1);
  float big[] = {NAN, 1e38f, 3e38f, -3e38f};
  assert_int_equal(sample_copy(s, big, 4, NULL), 2);
  llm_sampler_free(s);
  p = params(1.0f, 0, 0.9f, 0.0f);
  s = llm_sampler_new(&p);
  for (int i = 0; i < 500; i++) {
    int32_t t = sample_copy(s, l, 5, NULL);
    assert_int_equal(t, 2); /* +inf takes all the mass */
    t = sample_copy(s, big, 4, NULL);
    assert_true(t == 2);
  }
  uint8_t allow[] = {1, 1, 0, 1, 1};
  for (int i = 0; i < 500; i++) {
    int32_t t = sample_copy(s, l, 5, allow);
    assert_true(t == 1 || t == 3);
  }
  llm_sampler_free(s);
}

/* A Qwen-sized vocabulary: top-p without top-k and top-k alone stay inside
 * the brute-force support; the threshold path must not lose the nucleus. */
static void test_large_vocab(void **state) {
  (void)state;
  const int n = 151936;
  float *base = malloc((size_t)n * sizeof *base);
  float *work = malloc((size_t)n * sizeof *work);
  double *prob = malloc((size_t)n * sizeof *prob);
  assert_true(base && work && prob);
  uint64_t x = 42;
  for (int i = 0; i < n; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    base[i] = (float)((x >> 40) % 2000) / 100.0f - 10.0f; /* [-10, 10) */
  }
  base[777] = 14.0f;
  llm_sampling_t ps[] = {params(1.0f, 0, 0.9f, 0.0f),
                         params(1.0f, 0, 0.3f, 0.0f),
                         params(0.7f, 40, 0.95f, 0.05f),
                         params(1.0f, 0, 1.0f, 0.5f)};
  for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
    ref_dist(base, n, &ps[k], prob);
    llm_sampler_t *s = llm_sampler_new(&ps[k]);
    for (int i = 0; i < 50; i++) {
      memcpy(work, base, (size_t)n * sizeof *work);
      int32_t t = llm_sampler_sample(s, work, n, NULL, NULL, 0);
      assert_true(t >= 0 && t < n);
      if (prob[t] == 0.0) fail_msg("params %zu: token %d outside", k, t);
    }
    llm_sampler_free(s);
  }
  free(base);
  free(work);
  free(prob);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_greedy_argmax_and_ties),
      cmocka_unit_test(test_mask),
      cmocka_unit_test(test_penalty_math),
      cmocka_unit_test(test_top_k),
      cmocka_unit_test(test_top_p),
      cmocka_unit_test(test_min_p),
      cmocka_unit_test(test_temperature),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_nan_inf),
      cmocka_unit_test(test_large_vocab),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
