/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_model.c — model loading and the forward pass.
 *
 * Tiny synthetic models (llm/synth.h) of each architecture — llama with
 * Llama-3.1 rope factors, qwen2 with q/k/v biases and tied output, qwen3
 * with QK-norm and n_head * head_dim != n_embd — are run through
 * llm_ctx_decode and compared with a naive reference forward written here
 * in double precision over dequantised weights, read straight from the
 * GGUF file (it shares no code with llm/model.c or llm/forward.c; like the
 * engine it rounds cached K and V to f16). Also: batched prompt equals
 * token-by-token decoding, truncate + re-decode equals a fresh context,
 * the context limit, embeddings, and load errors for broken files.
 */
#include <math.h>
#include <stdbool.h>

#include "testutil.h"

#include "llm/gguf.h"
#include "llm/model.h"
#include "llm/quant.h"
#include "llm/synth.h"

static char *g_dir;

/* ------------------------------------------------------------ models */

typedef struct spec {
  const char *arch;
  int type;
  int n_embd, n_layer, n_head, n_head_kv, head_dim, n_ff;
  bool untied, rope_factors;
} spec_t;

static char *make_model(const char *file, const spec_t *s) {
  llm_vocab_t v;
  lotse_err_t err;
  memset(&v, 0, sizeof v);
  assert_int_equal(llm_synth_vocab_bytes(&v, &err), 0);
  llm_synth_opts_t o = {
      .arch = s->arch, .type = s->type, .n_embd = s->n_embd,
      .n_layer = s->n_layer, .n_head = s->n_head, .n_head_kv = s->n_head_kv,
      .head_dim = s->head_dim, .n_ff = s->n_ff, .n_ctx = 256, .seed = 7,
      .untied = s->untied, .rope_factors = s->rope_factors, .vocab = &v};
  char *path = test_path(g_dir, file);
  int rc = llm_synth_write(path, &o, &err);
  if (rc) fprintf(stderr, "synth: %s\n", err.msg);
  assert_int_equal(rc, 0);
  llm_vocab_release(&v);
  return path;
}

static llm_model_t *load(const char *path) {
  llm_model_t *m = NULL;
  lotse_err_t err;
  int rc = llm_model_load(path, &m, &err);
  if (rc) fprintf(stderr, "load: %s\n", err.msg);
  assert_int_equal(rc, 0);
  return m;
}

static llm_ctx_t *ctx_for(const llm_model_t *m, int n_ctx, int nth, int nb) {
  llm_ctx_opts_t o = {.n_ctx = n_ctx, .n_threads = nth, .n_batch = nb};
  llm_ctx_t *c = NULL;
  lotse_err_t err;
  assert_int_equal(llm_ctx_new(m, &o, &c, &err), 0);
  return c;
}

/* ------------------------------------------------------------ reference */

typedef struct ref {
  const gguf_t *g;
  int E, L, H, KV, hd, F, V;
  double eps, base;
  bool neox;
  const float *factors;
  double *kc, *vc; /* [L][pos][KV*hd] */
  int n_ctx;
} ref_t;

static int key_int(const gguf_t *g, const char *arch, const char *k, int d) {
  char key[128];
  uint32_t v;
  snprintf(key, sizeof key, "%s.%s", arch, k);
  return gguf_get_u32(g, key, &v) ? d : (int)v;
}

static void ref_init(ref_t *r, const gguf_t *g, int n_ctx) {
  gguf_str_t s;
  char arch[16];
  memset(r, 0, sizeof *r);
  assert_int_equal(gguf_get_str(g, "general.architecture", &s), 0);
  snprintf(arch, sizeof arch, "%.*s", (int)s.n, s.p);
  r->g = g;
  r->E = key_int(g, arch, "embedding_length", 0);
  r->L = key_int(g, arch, "block_count", 0);
  r->H = key_int(g, arch, "attention.head_count", 0);
  r->KV = key_int(g, arch, "attention.head_count_kv", r->H);
  r->hd = key_int(g, arch, "attention.key_length", r->E / r->H);
  r->F = key_int(g, arch, "feed_forward_length", 0);
  r->V = (int)gguf_find_tensor(g, "token_embd.weight")->ne[1];
  char key[128];
  float f;
  snprintf(key, sizeof key, "%s.attention.layer_norm_rms_epsilon", arch);
  r->eps = gguf_get_f32(g, key, &f) ? 1e-5 : f;
  snprintf(key, sizeof key, "%s.rope.freq_base", arch);
  r->base = gguf_get_f32(g, key, &f) ? 10000.0 : f;
  r->neox = strcmp(arch, "llama") != 0;
  const gguf_tensor_t *t = gguf_find_tensor(g, "rope_freqs.weight");
  r->factors = t ? t->data : NULL;
  r->n_ctx = n_ctx;
  size_t n = (size_t)r->L * n_ctx * r->KV * r->hd;
  r->kc = calloc(n, sizeof(double));
  r->vc = calloc(n, sizeof(double));
}

static void ref_release(ref_t *r) {
  free(r->kc);
  free(r->vc);
}

/* y[n_out] = W x, W dequantised row by row; absent tensor: returns false. */
static bool ref_matvec(const ref_t *r, const char *name, const double *x,
                       double *y) {
  const gguf_tensor_t *t = gguf_find_tensor(r->g, name);
  if (!t) return false;
  int64_t n_in = t->ne[0], n_out = t->ne[1];
  size_t rb = llm_row_bytes(t->type, n_in);
  float *row = malloc(sizeof(float) * (size_t)n_in);
  /* The engine's contract (quant.h): the input goes through the weight
   * type's dot type first (Q8_0 / Q8_K for quantised weights), and is
   * rounded to F16 / BF16 values for F16 / BF16 weights. */
  double *xa = malloc(sizeof(double) * (size_t)n_in);
  int dt = llm_type_info(t->type)->dot_type;
  if (t->type == LLM_TYPE_F16 || t->type == LLM_TYPE_BF16) dt = t->type;
  if (dt != LLM_TYPE_F32) {
    void *q = malloc(llm_row_bytes(dt, n_in));
    for (int64_t i = 0; i < n_in; i++) row[i] = (float)x[i];
    assert_int_equal(llm_quantize_row(dt, row, q, n_in), 0);
    assert_int_equal(llm_dequantize_row(dt, q, row, n_in), 0);
    for (int64_t i = 0; i < n_in; i++) xa[i] = row[i];
    free(q);
  } else {
    memcpy(xa, x, sizeof(double) * (size_t)n_in);
  }
  x = xa;
  for (int64_t o = 0; o < n_out; o++) {
    assert_int_equal(llm_dequantize_row(t->type, (const char *)t->data + o * rb,
                                        row, n_in), 0);
    double s = 0;
    for (int64_t i = 0; i < n_in; i++) s += row[i] * x[i];
    y[o] = s;
  }
  free(row);
  free(xa);
  return true;
}

/* Tensor blk.<il>.<sfx>, or <sfx> itself when il < 0. */
static const float *ref_vec(const ref_t *r, const char *sfx, int il) {
  char name[96];
  if (il < 0) snprintf(name, sizeof name, "%s", sfx);
  else snprintf(name, sizeof name, "blk.%d.%s", il, sfx);
  const gguf_tensor_t *t = gguf_find_tensor(r->g, name);
  return t ? t->data : NULL;
}

static void ref_norm(double *y, const double *x, const float *w, int n,
                     double eps) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  double k = 1.0 / sqrt(s / n + eps);
  for (int i = 0; i < n; i++) y[i] = x[i] * k * w[i];
}

static void ref_rope(const ref_t *r, double *x, int pos) {
  int d = r->hd;
  for (int i = 0; i < d / 2; i++) {
    double th = pos * pow(r->base, -2.0 * i / d);
    if (r->factors) th /= r->factors[i];
    int a = r->neox ? i : 2 * i, b = r->neox ? i + d / 2 : 2 * i + 1;
    double xa = x[a], xb = x[b];
    x[a] = xa * cos(th) - xb * sin(th);
    x[b] = xa * sin(th) + xb * cos(th);
  }
}

static double f16r(double x) { return llm_f16_to_f32(llm_f32_to_f16((float)x)); }

static void ref_proj(const ref_t *r, int il, const char *w, const char *b,
                     const double *x, double *y, int n) {
  char name[96];
  snprintf(name, sizeof name, "blk.%d.%s", il, w);
  assert_true(ref_matvec(r, name, x, y));
  const float *bias = ref_vec(r, b, il);
  for (int i = 0; bias && i < n; i++) y[i] += bias[i];
}

static void ref_attention(const ref_t *r, int il, int pos, double *xn,
                          double *out) {
  int hd = r->hd, nq = r->H * hd, nkv = r->KV * hd;
  double *q = calloc((size_t)nq, sizeof(double)), *s = calloc((size_t)pos + 1, sizeof(double));
  double *kc = r->kc + ((size_t)il * r->n_ctx + pos) * nkv;
  double *vc = r->vc + ((size_t)il * r->n_ctx + pos) * nkv;
  ref_proj(r, il, "attn_q.weight", "attn_q.bias", xn, q, nq);
  ref_proj(r, il, "attn_k.weight", "attn_k.bias", xn, kc, nkv);
  ref_proj(r, il, "attn_v.weight", "attn_v.bias", xn, vc, nkv);
  const float *qn = ref_vec(r, "attn_q_norm.weight", il);
  const float *kn = ref_vec(r, "attn_k_norm.weight", il);
  for (int h = 0; h < r->H; h++) {
    if (qn) ref_norm(q + h * hd, q + h * hd, qn, hd, r->eps);
    ref_rope(r, q + h * hd, pos);
  }
  for (int h = 0; h < r->KV; h++) {
    if (kn) ref_norm(kc + h * hd, kc + h * hd, kn, hd, r->eps);
    ref_rope(r, kc + h * hd, pos);
  }
  for (int i = 0; i < nkv; i++) kc[i] = f16r(kc[i]), vc[i] = f16r(vc[i]);
  for (int h = 0; h < r->H; h++) {
    int g = h / (r->H / r->KV);
    double mx = -1e300, sum = 0;
    for (int t = 0; t <= pos; t++) {
      const double *k = r->kc + ((size_t)il * r->n_ctx + t) * nkv + g * hd;
      double d = 0;
      for (int e = 0; e < hd; e++) d += q[h * hd + e] * k[e];
      s[t] = d / sqrt((double)hd);
      mx = s[t] > mx ? s[t] : mx;
    }
    for (int t = 0; t <= pos; t++) sum += (s[t] = exp(s[t] - mx));
    for (int e = 0; e < hd; e++) {
      double o = 0;
      for (int t = 0; t <= pos; t++)
        o += s[t] / sum * r->vc[((size_t)il * r->n_ctx + t) * nkv + g * hd + e];
      out[h * hd + e] = o;
    }
  }
  free(q);
  free(s);
}

/* One token at pos; fills logits[V] (if not NULL) and hidden[E] (the
 * final normed state, if not NULL). */
static void ref_step(const ref_t *r, int tok, int pos, double *logits,
                     double *hidden) {
  int E = r->E, F = r->F, nq = r->H * r->hd;
  double *x = calloc((size_t)E, sizeof(double)), *xn = calloc((size_t)E, sizeof(double));
  double *att = calloc((size_t)nq, sizeof(double)), *o = calloc((size_t)E, sizeof(double));
  double *g = calloc((size_t)F, sizeof(double)), *u = calloc((size_t)F, sizeof(double));
  const gguf_tensor_t *te = gguf_find_tensor(r->g, "token_embd.weight");
  float *row = malloc(sizeof(float) * (size_t)E);
  llm_dequantize_row(te->type, (const char *)te->data + (size_t)tok * llm_row_bytes(te->type, E), row, E);
  for (int i = 0; i < E; i++) x[i] = row[i];
  char name[96];
  for (int il = 0; il < r->L; il++) {
    ref_norm(xn, x, ref_vec(r, "attn_norm.weight", il), E, r->eps);
    ref_attention(r, il, pos, xn, att);
    snprintf(name, sizeof name, "blk.%d.attn_output.weight", il);
    assert_true(ref_matvec(r, name, att, o));
    for (int i = 0; i < E; i++) x[i] += o[i];
    ref_norm(xn, x, ref_vec(r, "ffn_norm.weight", il), E, r->eps);
    snprintf(name, sizeof name, "blk.%d.ffn_gate.weight", il);
    assert_true(ref_matvec(r, name, xn, g));
    snprintf(name, sizeof name, "blk.%d.ffn_up.weight", il);
    assert_true(ref_matvec(r, name, xn, u));
    for (int i = 0; i < F; i++) g[i] = g[i] / (1 + exp(-g[i])) * u[i];
    snprintf(name, sizeof name, "blk.%d.ffn_down.weight", il);
    assert_true(ref_matvec(r, name, g, o));
    for (int i = 0; i < E; i++) x[i] += o[i];
  }
  ref_norm(xn, x, ref_vec(r, "output_norm.weight", -1), E, r->eps);
  if (hidden) memcpy(hidden, xn, sizeof(double) * (size_t)E);
  if (logits && !ref_matvec(r, "output.weight", xn, logits))
    assert_true(ref_matvec(r, "token_embd.weight", xn, logits));
  free(x), free(xn), free(att), free(o), free(g), free(u), free(row);
}

/* ------------------------------------------------------------ checks */

static const int32_t prompt[] = {72, 97, 108, 108, 111, 32, 87, 101, 108,
                                 116, 33, 10, 200, 3, 150, 99, 257, 1};
#define N_PROMPT (int)(sizeof prompt / sizeof prompt[0])

static double max_diff(const float *a, const double *b, int n) {
  double d = 0;
  for (int i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]));
  return d;
}

/* Every step token by token, then the whole prompt batched: both against
 * the reference. Each step's largest logit difference must be below tol;
 * with quantised activations a value that lands on a rounding boundary may
 * round the other way in one engine (float vs double), so up to max_flips
 * steps may differ by up to flip_tol instead. The same happens with float
 * weights when a K or V value lies on an f16 rounding boundary of the
 * cache (one f16 ulp is 5e-4 relative). */
static void check_vs_ref(const char *file, const spec_t *s, double tol,
                         int max_flips, double flip_tol, int nth) {
  char *path = make_model(file, s);
  llm_model_t *m = load(path);
  const llm_hparams_t *hp = llm_model_hparams(m);
  assert_int_equal(hp->n_embd, s->n_embd);
  assert_int_equal(hp->head_dim, s->head_dim);
  assert_int_equal(hp->tied_output, !s->untied);
  assert_int_equal(hp->has_rope_factors, s->rope_factors);
  ref_t r;
  ref_init(&r, llm_model_gguf(m), 64);
  double *want = calloc((size_t)r.V, sizeof(double));
  llm_ctx_t *c = ctx_for(m, 64, nth, 8);
  lotse_err_t err;
  double worst = 0, d;
  int flips = 0;
  for (int i = 0; i <= N_PROMPT; i++) {
    if (i < N_PROMPT) {
      ref_step(&r, prompt[i], i, want, NULL);
      assert_int_equal(llm_ctx_decode(c, &prompt[i], 1, &err), 0);
    } else { /* the whole prompt again, batched */
      assert_int_equal(llm_ctx_n_past(c), N_PROMPT);
      llm_ctx_truncate(c, 0);
      assert_int_equal(llm_ctx_decode(c, prompt, N_PROMPT, &err), 0);
    }
    d = max_diff(llm_ctx_logits(c), want, r.V);
    if (d >= tol) flips++;
    else worst = fmax(worst, d);
    if (d >= flip_tol)
      fprintf(stderr, "%s: step %d (%s) differs by %g\n", file, i,
              i < N_PROMPT ? "single" : "batched", d);
    assert_true(d < flip_tol);
  }
  fprintf(stderr, "%s: max |logit - reference| = %.3g (tolerance %.3g), "
          "%d rounding flips\n", file, worst, tol, flips);
  assert_true(flips <= max_flips);
  llm_ctx_free(c);
  free(want);
  ref_release(&r);
  llm_model_free(m);
  free(path);
}

static void test_llama_f32_rope_factors(void **state) {
  (void)state;
  spec_t s = {"llama", LLM_TYPE_F32, 64, 2, 4, 2, 16, 96, true, true};
  check_vs_ref("llama-f32.gguf", &s, 5e-3, 3, 0.02, 2);
}

static void test_qwen2_f32_bias_tied(void **state) {
  (void)state;
  spec_t s = {"qwen2", LLM_TYPE_F32, 64, 2, 4, 1, 16, 96, false, false};
  check_vs_ref("qwen2-f32.gguf", &s, 5e-3, 3, 0.02, 3);
}

static void test_qwen3_f32_qk_norm(void **state) {
  (void)state;
  spec_t s = {"qwen3", LLM_TYPE_F32, 64, 2, 4, 2, 32, 96, true, false};
  check_vs_ref("qwen3-f32.gguf", &s, 5e-3, 3, 0.02, 2);
}

static void test_quantised_types(void **state) {
  (void)state;
  /* The reference quantises matmul inputs to the dot type as the engine
   * does, so agreement is tight but for rare rounding flips. */
  spec_t a = {"llama", LLM_TYPE_Q8_0, 64, 2, 4, 2, 16, 96, false, true};
  check_vs_ref("llama-q8_0.gguf", &a, 2e-3, 2, 0.5, 2);
  spec_t b = {"qwen2", LLM_TYPE_Q4_0, 64, 2, 4, 2, 16, 128, true, false};
  check_vs_ref("qwen2-q4_0.gguf", &b, 2e-3, 2, 0.5, 2);
  spec_t k = {"qwen3", LLM_TYPE_Q4_K, 256, 1, 4, 2, 64, 512, true, false};
  check_vs_ref("qwen3-q4_k.gguf", &k, 2e-3, 2, 0.5, 2);
  /* Rows of 64 fall back to Q5_0 (dot type Q8_0), ffn_down (rows of 256)
   * stays Q4_K (dot type Q8_K): two activation types in one model. */
  spec_t mix = {"qwen2", LLM_TYPE_Q4_K, 64, 2, 4, 2, 16, 256, false, false};
  check_vs_ref("qwen2-q4_k-mixed.gguf", &mix, 2e-3, 2, 0.5, 2);
  spec_t k5 = {"llama", LLM_TYPE_Q5_K, 256, 1, 4, 2, 64, 256, true, true};
  check_vs_ref("llama-q5_k.gguf", &k5, 2e-3, 2, 0.5, 2);
  spec_t k6 = {"llama", LLM_TYPE_Q6_K, 256, 1, 4, 1, 64, 512, false, false};
  check_vs_ref("llama-q6_k.gguf", &k6, 2e-3, 2, 0.5, 3);
  spec_t h = {"qwen2", LLM_TYPE_F16, 64, 1, 4, 2, 16, 96, true, false};
  check_vs_ref("qwen2-f16.gguf", &h, 5e-3, 3, 0.02, 2);
  spec_t bf = {"llama", LLM_TYPE_BF16, 64, 1, 4, 2, 16, 96, true, false};
  check_vs_ref("llama-bf16.gguf", &bf, 5e-3, 3, 0.02, 2);
}

/* Logits after the whole prompt for a given batch size / thread count. */
static float *prompt_logits(const llm_model_t *m, int nth, int nb,
                            bool one_by_one) {
  llm_ctx_t *c = ctx_for(m, 64, nth, nb);
  lotse_err_t err;
  if (one_by_one)
    for (int i = 0; i < N_PROMPT; i++)
      assert_int_equal(llm_ctx_decode(c, &prompt[i], 1, &err), 0);
  else
    assert_int_equal(llm_ctx_decode(c, prompt, N_PROMPT, &err), 0);
  int V = llm_model_hparams(m)->n_vocab;
  float *l = malloc(sizeof(float) * (size_t)V);
  memcpy(l, llm_ctx_logits(c), sizeof(float) * (size_t)V);
  llm_ctx_free(c);
  return l;
}

static void test_batch_equals_steps(void **state) {
  (void)state;
  spec_t s = {"qwen2", LLM_TYPE_Q8_0, 64, 2, 4, 2, 16, 128, false, false};
  char *path = make_model("batch.gguf", &s);
  llm_model_t *m = load(path);
  int V = llm_model_hparams(m)->n_vocab;
  float *a = prompt_logits(m, 2, 1, true);
  float *b = prompt_logits(m, 2, 512, false);
  float *c = prompt_logits(m, 3, 5, false);
  float *d = prompt_logits(m, 1, 7, false);
  float *e = prompt_logits(m, 2, N_PROMPT - 1, false); /* 1-token tail */
  for (int i = 0; i < V; i++) {
    assert_true(fabsf(a[i] - b[i]) < 1e-3f);
    assert_true(fabsf(a[i] - c[i]) < 1e-3f);
    assert_true(fabsf(a[i] - d[i]) < 1e-3f);
    assert_true(fabsf(a[i] - e[i]) < 1e-3f);
  }
  free(a), free(b), free(c), free(d), free(e);
  llm_model_free(m);
  free(path);
}

static void test_truncate_redecode(void **state) {
  (void)state;
  spec_t s = {"llama", LLM_TYPE_Q8_0, 64, 2, 4, 2, 16, 96, false, true};
  char *path = make_model("trunc.gguf", &s);
  llm_model_t *m = load(path);
  int V = llm_model_hparams(m)->n_vocab;
  float *fresh = prompt_logits(m, 2, 8, false);
  llm_ctx_t *c = ctx_for(m, 64, 2, 8);
  lotse_err_t err;
  int32_t other[6] = {5, 6, 7, 8, 9, 10};
  assert_int_equal(llm_ctx_decode(c, prompt, 10, &err), 0);
  assert_int_equal(llm_ctx_decode(c, other, 6, &err), 0);
  llm_ctx_truncate(c, 10);
  assert_int_equal(llm_ctx_n_past(c), 10);
  assert_int_equal(llm_ctx_decode(c, prompt + 10, N_PROMPT - 10, &err), 0);
  for (int i = 0; i < V; i++)
    assert_true(fabsf(llm_ctx_logits(c)[i] - fresh[i]) < 1e-3f);
  llm_ctx_truncate(c, 1000); /* beyond n_past: no change */
  assert_int_equal(llm_ctx_n_past(c), N_PROMPT);
  llm_ctx_free(c);
  free(fresh);
  llm_model_free(m);
  free(path);
}

static void test_context_limit(void **state) {
  (void)state;
  spec_t s = {"llama", LLM_TYPE_F32, 64, 1, 4, 2, 16, 96, false, false};
  char *path = make_model("limit.gguf", &s);
  llm_model_t *m = load(path);
  llm_ctx_t *c = ctx_for(m, 16, 2, 4);
  lotse_err_t err;
  assert_int_equal(llm_ctx_n_ctx(c), 16);
  assert_int_equal(llm_ctx_decode(c, prompt, 17, &err), LOTSE_ELIMIT);
  assert_string_equal(err.msg, "prompt of 17 tokens exceeds the context of 16");
  assert_int_equal(llm_ctx_n_past(c), 0);
  assert_int_equal(llm_ctx_decode(c, prompt, 10, &err), 0);
  assert_int_equal(llm_ctx_decode(c, prompt, 7, &err), LOTSE_ELIMIT);
  assert_int_equal(llm_ctx_n_past(c), 10);
  assert_int_equal(llm_ctx_decode(c, prompt, 6, &err), 0);
  assert_int_equal(llm_ctx_n_past(c), 16);
  int32_t bad = 100000;
  llm_ctx_truncate(c, 0);
  assert_int_equal(llm_ctx_decode(c, &bad, 1, &err), LOTSE_EINVAL);
  assert_int_equal(llm_ctx_decode(c, prompt, 0, &err), LOTSE_EINVAL);
  llm_ctx_free(c);
  llm_model_free(m);
  free(path);
}

static void test_embeddings(void **state) {
  (void)state;
  spec_t s = {"qwen3", LLM_TYPE_F32, 64, 2, 4, 2, 32, 96, false, false};
  char *path = make_model("embed.gguf", &s);
  llm_model_t *m = load(path);
  int E = llm_model_hparams(m)->n_embd;
  llm_ctx_t *c = ctx_for(m, 64, 2, 5); /* several passes */
  lotse_err_t err;
  float mean[64], last[64];
  assert_int_equal(llm_ctx_decode(c, prompt, 3, &err), 0);
  assert_int_equal(llm_ctx_embed(c, prompt, N_PROMPT, LLM_POOL_MEAN, mean, &err), 0);
  assert_int_equal(llm_ctx_n_past(c), 0);
  assert_int_equal(llm_ctx_embed(c, prompt, N_PROMPT, LLM_POOL_LAST, last, &err), 0);
  /* Reference: pooled final normed states, then L2-normalised. */
  ref_t r;
  ref_init(&r, llm_model_gguf(m), 64);
  double h[64], sm[64] = {0}, nm = 0, nl = 0, diff = 0;
  for (int i = 0; i < N_PROMPT; i++) {
    ref_step(&r, prompt[i], i, NULL, h);
    for (int e = 0; e < E; e++) sm[e] += h[e];
  }
  for (int e = 0; e < E; e++) nm += sm[e] * sm[e], nl += h[e] * h[e];
  for (int e = 0; e < E; e++) {
    assert_true(fabs(mean[e] - sm[e] / sqrt(nm)) < 1e-4);
    assert_true(fabs(last[e] - h[e] / sqrt(nl)) < 1e-4);
    diff += fabs(mean[e] - last[e]);
  }
  assert_true(diff > 0.1);
  double n2 = 0;
  for (int e = 0; e < E; e++) n2 += (double)mean[e] * mean[e];
  assert_true(fabs(n2 - 1) < 1e-5);
  int32_t many[65] = {0};
  assert_int_equal(llm_ctx_embed(c, many, 65, LLM_POOL_MEAN, mean, &err), LOTSE_ELIMIT);
  ref_release(&r);
  llm_ctx_free(c);
  llm_model_free(m);
  free(path);
}

/* ------------------------------------------------------------ load errors */

typedef struct broken {
  const char *skip;     /* tensor left out */
  const char *reshape;  /* tensor given ne[1] / 2 */
} broken_t;

static int zero_fill(void *ud, size_t i, void *buf, size_t n, lotse_err_t *err) {
  (void)ud, (void)i, (void)err;
  memset(buf, 0, n);
  return 0;
}

/* A llama model of 1 layer, all F32, written tensor by tensor here. */
static char *write_broken(const char *file, const broken_t *b) {
  gguf_writer_t *w = gguf_writer_new();
  llm_vocab_t v;
  lotse_err_t err;
  memset(&v, 0, sizeof v);
  assert_int_equal(llm_synth_vocab_bytes(&v, &err), 0);
  gguf_writer_set_str(w, "general.architecture", "llama");
  gguf_writer_set_u32(w, "llama.context_length", 128);
  gguf_writer_set_u32(w, "llama.embedding_length", 64);
  gguf_writer_set_u32(w, "llama.block_count", 1);
  gguf_writer_set_u32(w, "llama.feed_forward_length", 96);
  gguf_writer_set_u32(w, "llama.attention.head_count", 4);
  gguf_writer_set_u32(w, "llama.attention.head_count_kv", 2);
  gguf_writer_set_f32(w, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
  assert_int_equal(llm_vocab_to_gguf(&v, w, &err), 0);
  int64_t V = (int64_t)v.n;
  struct { const char *n; int64_t a, b; } ts[] = {
      {"token_embd.weight", 64, V}, {"output_norm.weight", 64, 0},
      {"blk.0.attn_norm.weight", 64, 0}, {"blk.0.attn_q.weight", 64, 64},
      {"blk.0.attn_k.weight", 64, 32}, {"blk.0.attn_v.weight", 64, 32},
      {"blk.0.attn_output.weight", 64, 64}, {"blk.0.ffn_norm.weight", 64, 0},
      {"blk.0.ffn_gate.weight", 64, 96}, {"blk.0.ffn_up.weight", 64, 96},
      {"blk.0.ffn_down.weight", 96, 64}};
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    if (b->skip && !strcmp(b->skip, ts[i].n)) continue;
    int64_t ne[2] = {ts[i].a, ts[i].b};
    if (b->reshape && !strcmp(b->reshape, ts[i].n)) ne[1] /= 2;
    assert_int_equal(gguf_writer_add_tensor(w, ts[i].n, LLM_TYPE_F32,
                                            ts[i].b ? 2 : 1, ne), 0);
  }
  char *path = test_path(g_dir, file);
  assert_int_equal(gguf_writer_write(w, path, zero_fill, NULL, &err), 0);
  gguf_writer_free(w);
  llm_vocab_release(&v);
  return path;
}

static void expect_load_error(const broken_t *b, const char *msg) {
  char *path = write_broken("broken.gguf", b);
  llm_model_t *m = NULL;
  lotse_err_t err;
  int rc = llm_model_load(path, &m, &err);
  assert_true(rc < 0);
  assert_null(m);
  assert_string_equal(err.msg, msg);
  free(path);
}

static void test_load_errors(void **state) {
  (void)state;
  broken_t ok = {NULL, NULL};
  char *path = write_broken("ok.gguf", &ok);
  llm_model_t *m = load(path); /* the unbroken file loads */
  assert_true(llm_model_hparams(m)->tied_output);
  assert_int_equal(llm_model_hparams(m)->arch, LLM_ARCH_LLAMA);
  llm_model_free(m);
  free(path);
  broken_t miss = {"blk.0.ffn_up.weight", NULL};
  expect_load_error(&miss, "model lacks tensor 'blk.0.ffn_up.weight'");
  broken_t shape = {NULL, "blk.0.attn_k.weight"};
  expect_load_error(&shape, "tensor 'blk.0.attn_k.weight' has shape [64, 16], "
                            "expected [64, 32]");
}

static int setup(void **state) {
  (void)state;
  g_dir = test_dir("llm_model");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(g_dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_llama_f32_rope_factors),
      cmocka_unit_test(test_qwen2_f32_bias_tied),
      cmocka_unit_test(test_qwen3_f32_qk_norm),
      cmocka_unit_test(test_quantised_types),
      cmocka_unit_test(test_batch_equals_steps),
      cmocka_unit_test(test_truncate_redecode),
      cmocka_unit_test(test_context_limit),
      cmocka_unit_test(test_embeddings),
      cmocka_unit_test(test_load_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
