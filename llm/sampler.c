/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/sampler.c — the sampling chain: mask -> repetition penalty -> top-k
 * -> top-p -> min-p -> temperature -> seeded draw (see sampler.h).
 *
 * Contract: tokens with allowed[id] == 0 and NaN logits are never chosen;
 * +inf logits count as the largest finite value. temp <= 0 (or NaN) is
 * greedy: argmax after the penalty, ties -> lowest id. The order of the
 * candidates a draw walks depends on the logits only (top-k: by rank,
 * ties -> lower id; otherwise mostly id order), so equal inputs and seeds
 * give equal tokens. top-p and min-p keep at least one token.
 * Cost: top-k selects with a bounded min-heap (O(n log k)); top-p without
 * top-k buckets the softmax mass (one pass) and sorts only the bucket
 * where the nucleus ends; the draw computes one exp per candidate.
 * Randomness: xoshiro256** seeded through splitmix64, one stream per
 * sampler; each draw consumes exactly one 64-bit output.
 */
#include "llm/sampler.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct llm_sampler {
  llm_sampling_t p;
  uint64_t rng[4];
  int32_t *ids;    /* candidate ids, 2 * cap */
  float *prob;     /* weights of the candidates, cap */
  int32_t *recent; /* distinct-token scratch for the penalty */
  size_t cap, recent_cap;
};

llm_sampling_t llm_sampling_default(void) {
  llm_sampling_t p = {.temp = 0.8f,
                      .top_k = 40,
                      .top_p = 0.95f,
                      .min_p = 0.05f,
                      .repeat_penalty = 1.0f,
                      .repeat_last_n = 64,
                      .seed = 0};
  return p;
}

/* ------------------------------------------------------------- generator */

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(uint64_t s[4]) {
  uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t s[4]) {
  return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

llm_sampler_t *llm_sampler_new(const llm_sampling_t *p) {
  llm_sampler_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->p = p ? *p : llm_sampling_default();
  uint64_t x = s->p.seed;
  for (int i = 0; i < 4; i++) s->rng[i] = splitmix64(&x);
  return s;
}

void llm_sampler_free(llm_sampler_t *s) {
  if (!s) return;
  free(s->ids);
  free(s->prob);
  free(s->recent);
  free(s);
}

/* ----------------------------------------------------------- preparation */

/* Disallowed and NaN -> -inf, +inf -> FLT_MAX. Returns how many remain. */
static int32_t apply_mask(float *logits, int32_t n, const uint8_t *allowed) {
  int32_t live = 0;
  if (allowed) /* separate loops without branches, so gcc vectorises them */
    for (int32_t i = 0; i < n; i++)
      logits[i] = allowed[i] ? logits[i] : -INFINITY;
  for (int32_t i = 0; i < n; i++) {
    float v = logits[i];
    v = v == v ? v : -INFINITY; /* NaN */
    v = v < FLT_MAX ? v : FLT_MAX;
    logits[i] = v;
    live += v != -INFINITY;
  }
  return live;
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* llama.cpp semantics: each distinct token of the last repeat_last_n
 * (negative: all) history entries once; positive logits are divided by
 * the penalty, the others multiplied. */
static void apply_penalty(llm_sampler_t *s, float *logits, int32_t n,
                          const int32_t *hist, size_t n_hist) {
  float pen = s->p.repeat_penalty;
  if (!(pen > 0.0f) || pen == 1.0f || !hist || n_hist == 0) return;
  size_t m = n_hist;
  if (s->p.repeat_last_n >= 0 && (size_t)s->p.repeat_last_n < m)
    m = (size_t)s->p.repeat_last_n;
  if (m == 0) return;
  if (m > s->recent_cap) {
    int32_t *r = realloc(s->recent, m * sizeof *r);
    if (!r) return; /* no scratch: sample without the penalty */
    s->recent = r;
    s->recent_cap = m;
  }
  memcpy(s->recent, hist + (n_hist - m), m * sizeof *hist);
  qsort(s->recent, m, sizeof *s->recent, cmp_i32);
  for (size_t i = 0; i < m; i++) {
    int32_t t = s->recent[i];
    if ((i > 0 && t == s->recent[i - 1]) || t < 0 || t >= n) continue;
    float v = logits[t];
    if (v == -INFINITY) continue;
    logits[t] = v > 0.0f ? v / pen : v * pen;
  }
}

static int32_t argmax(const float *logits, int32_t n) {
  int32_t best = -1;
  float bv = -INFINITY;
  for (int32_t i = 0; i < n; i++)
    if (logits[i] > bv) {
      bv = logits[i];
      best = i;
    }
  return best;
}

/* ----------------------------------------------------------- candidates */

/* a ranks before b: higher logit, then lower id. */
static int better(const float *l, int32_t a, int32_t b) {
  return l[a] > l[b] || (l[a] == l[b] && a < b);
}

/* Quicksort by rank, insertion sort for short runs. */
static void sort_ids(const float *l, int32_t *v, int32_t n) {
  while (n > 16) {
    int32_t piv = v[n / 2], i = 0, j = n - 1;
    while (i <= j) {
      while (better(l, v[i], piv)) i++;
      while (better(l, piv, v[j])) j--;
      if (i <= j) {
        int32_t t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    /* recurse into the smaller part, loop on the larger */
    if (j + 1 < n - i) {
      sort_ids(l, v, j + 1);
      v += i;
      n -= i;
    } else {
      sort_ids(l, v + i, n - i);
      n = j + 1;
    }
  }
  for (int32_t i = 1; i < n; i++) {
    int32_t x = v[i], j = i;
    for (; j > 0 && better(l, x, v[j - 1]); j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

/* Min-heap on "better": the root is the worst of the kept k. */
static void heap_down(const float *l, int32_t *h, int32_t k, int32_t i) {
  for (;;) {
    int32_t c = 2 * i + 1;
    if (c >= k) return;
    if (c + 1 < k && better(l, h[c], h[c + 1])) c++;
    if (!better(l, h[i], h[c])) return;
    int32_t t = h[i];
    h[i] = h[c];
    h[c] = t;
    i = c;
  }
}

/* The k best live tokens, sorted. */
static int32_t select_top_k(const float *l, int32_t n, int32_t k,
                            int32_t *out) {
  int32_t m = 0, i = 0;
  for (; i < n && m < k; i++)
    if (l[i] != -INFINITY) out[m++] = i;
  for (int32_t j = m / 2 - 1; j >= 0; j--) heap_down(l, out, m, j);
  for (; i < n; i++) {
    if (l[i] == -INFINITY || !better(l, i, out[0])) continue;
    out[0] = i;
    heap_down(l, out, m, 0);
  }
  sort_ids(l, out, m);
  return m;
}

/* All live tokens at or above logit t, in id order. */
static int32_t gather(const float *l, int32_t n, float t, int32_t *out) {
  int32_t m = 0;
  for (int32_t i = 0; i < n; i++)
    if (l[i] != -INFINITY && l[i] >= t) out[m++] = i;
  return m;
}

/* Keep the shortest prefix of the sorted candidates that holds top_p of
 * their softmax mass. */
static int32_t cut_top_p(const float *l, const int32_t *c, int32_t m,
                         float top_p) {
  if (!(top_p < 1.0f) || m <= 1) return m;
  double max = l[c[0]], z = 0.0, acc = 0.0;
  for (int32_t i = 0; i < m; i++) z += exp((double)l[c[i]] - max);
  for (int32_t i = 0; i < m; i++) {
    acc += exp((double)l[c[i]] - max);
    if (acc >= (double)top_p * z) return i + 1;
  }
  return m;
}

#define NB 1024        /* mass buckets below the maximum logit */
#define NB_RANGE 32.0f /* logits covered; lower ones share the last bucket */

static int bucket_of(float max, float v) {
  float d = max - v;
  return d < NB_RANGE ? (int)(d * (NB / NB_RANGE)) : NB;
}

/* top-p without top-k, without sorting the vocabulary: one pass sums the
 * softmax mass per logit bucket; the bucket where the cumulative mass
 * reaches top_p is the only one sorted. Output: the nucleus, tokens of the
 * full buckets in id order, then the boundary ones by rank. */
static int32_t select_nucleus(llm_sampler_t *s, const float *l, int32_t n,
                              float top_p) {
  float max = -INFINITY;
  for (int32_t i = 0; i < n; i++)
    if (l[i] > max) max = l[i];
  double mass[NB + 1] = {0}, total = 0.0, need, acc = 0.0;
  for (int32_t i = 0; i < n; i++)
    if (l[i] != -INFINITY) mass[bucket_of(max, l[i])] += expf(l[i] - max);
  for (int b = 0; b <= NB; b++) total += mass[b];
  need = (double)top_p * total;
  int cut = 0;
  while (cut < NB && acc + mass[cut] < need) acc += mass[cut++];
  int32_t m = 0, nb = 0, *edge = s->ids + n; /* second half: boundary */
  for (int32_t i = 0; i < n; i++) {
    if (l[i] == -INFINITY) continue;
    int b = bucket_of(max, l[i]);
    if (b < cut) s->ids[m++] = i;
    else if (b == cut) edge[nb++] = i;
  }
  sort_ids(l, edge, nb);
  for (int32_t i = 0; i < nb; i++) {
    s->ids[m++] = edge[i];
    acc += expf(l[edge[i]] - max);
    if (acc >= need) break;
  }
  return m; /* >= 1: bucket 0 holds the maximum */
}

/* Drop candidates whose probability is below min_p times the largest
 * (order kept). */
static int32_t cut_min_p(const float *l, int32_t *c, int32_t m, float min_p) {
  if (!(min_p > 0.0f) || m <= 1) return m;
  float max = -INFINITY;
  for (int32_t i = 0; i < m; i++)
    if (l[c[i]] > max) max = l[c[i]];
  double t = (double)max + log((double)min_p);
  int32_t k = 0;
  for (int32_t i = 0; i < m; i++)
    if ((double)l[c[i]] >= t) c[k++] = c[i];
  return k > 0 ? k : 1;
}

static int32_t draw(llm_sampler_t *s, const float *l, const int32_t *c,
                    int32_t m) {
  float inv = 1.0f / s->p.temp, max = -INFINITY, *p = s->prob;
  double z = 0.0;
  for (int32_t i = 0; i < m; i++)
    if (l[c[i]] > max) max = l[c[i]];
  for (int32_t i = 0; i < m; i++) z += p[i] = expf((l[c[i]] - max) * inv);
  double u = rng_unit(s->rng) * z, acc = 0.0;
  for (int32_t i = 0; i < m; i++) {
    acc += p[i];
    if (u < acc) return c[i];
  }
  return c[m - 1]; /* rounding: the last candidate */
}

int32_t llm_sampler_sample(llm_sampler_t *s, float *logits, int32_t n_vocab,
                           const uint8_t *allowed, const int32_t *history,
                           size_t n_history) {
  if (!s || !logits || n_vocab <= 0) return -1;
  int32_t live = apply_mask(logits, n_vocab, allowed);
  if (live == 0) return -1;
  apply_penalty(s, logits, n_vocab, history, n_history);
  if (!(s->p.temp > 0.0f)) return argmax(logits, n_vocab);
  if ((size_t)n_vocab > s->cap) {
    int32_t *ids = realloc(s->ids, 2 * (size_t)n_vocab * sizeof *ids);
    if (ids) s->ids = ids;
    float *prob = ids ? realloc(s->prob, (size_t)n_vocab * sizeof *prob) : NULL;
    if (prob) s->prob = prob;
    if (!ids || !prob) return argmax(logits, n_vocab); /* OOM: greedy */
    s->cap = (size_t)n_vocab;
  }
  int32_t m, k = s->p.top_k;
  if (k > 0 && k < live) {
    m = select_top_k(logits, n_vocab, k, s->ids);
    m = cut_top_p(logits, s->ids, m, s->p.top_p);
  } else if (s->p.top_p < 1.0f) {
    m = select_nucleus(s, logits, n_vocab, s->p.top_p);
  } else {
    m = gather(logits, n_vocab, -INFINITY, s->ids);
  }
  m = cut_min_p(logits, s->ids, m, s->p.min_p);
  return draw(s, logits, s->ids, m);
}
