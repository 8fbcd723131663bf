/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_synth.c — synthetic models: metadata and tensors as
 * llama.cpp names and shapes them for llama/qwen2/qwen3, the K-quant and
 * block fallbacks, deterministic weights of the documented scale, Llama-3.1
 * rope factors, option checks.
 */
#include "testutil.h"

#include "llm/gguf.h"
#include "llm/quant.h"
#include "llm/synth.h"

#include <math.h>

typedef struct fixture {
  char *dir;
  llm_vocab_t vocab;
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof *f);
  f->dir = test_dir("synth");
  lotse_err_t err;
  assert_int_equal(llm_synth_vocab_bytes(&f->vocab, &err), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  llm_vocab_release(&f->vocab);
  free(f->dir);
  free(f);
  return 0;
}

static llm_synth_opts_t tiny(fixture_t *f, const char *arch, int type) {
  llm_synth_opts_t o = {0};
  assert_int_equal(llm_synth_shape("tiny", &o), 0);
  o.arch = arch;
  o.type = type;
  o.seed = 42;
  o.vocab = &f->vocab;
  return o;
}

static gguf_t *write_open(fixture_t *f, const char *file,
                          const llm_synth_opts_t *o) {
  char *path = test_path(f->dir, file);
  lotse_err_t err = {0};
  if (llm_synth_write(path, o, &err)) fail_msg("synth: %s", err.msg);
  gguf_t *g;
  if (gguf_open(path, &g, &err)) fail_msg("open: %s", err.msg);
  free(path);
  return g;
}

static const gguf_tensor_t *tensor(const gguf_t *g, const char *name) {
  const gguf_tensor_t *t = gguf_find_tensor(g, name);
  if (!t) fail_msg("tensor '%s' missing", name);
  return t;
}

static void expect_t(const gguf_t *g, const char *name, int type, int64_t ne0,
                     int64_t ne1) {
  const gguf_tensor_t *t = tensor(g, name);
  if (t->type != type || t->ne[0] != ne0 || t->ne[1] != ne1)
    fail_msg("%s: type %d [%lld, %lld], expected %d [%lld, %lld]", name,
             t->type, (long long)t->ne[0], (long long)t->ne[1], type,
             (long long)ne0, (long long)ne1);
  assert_int_equal(t->n_dims, ne1 == 1 ? 1 : 2);
}

static uint32_t u32(const gguf_t *g, const char *key) {
  uint32_t v = 0;
  if (gguf_get_u32(g, key, &v)) fail_msg("key '%s' missing", key);
  return v;
}

/* Standard deviation of a dequantised tensor. */
static double tensor_std(const gguf_t *g, const char *name) {
  const gguf_tensor_t *t = tensor(g, name);
  int64_t n = t->ne[0], rows = t->ne[1];
  size_t rb = t->nbytes / (size_t)rows;
  float *row = malloc((size_t)n * sizeof *row);
  double s = 0, s2 = 0;
  for (int64_t r = 0; r < rows; r++) {
    assert_int_equal(llm_dequantize_row(t->type, (const char *)t->data + r * rb,
                                        row, n), 0);
    for (int64_t j = 0; j < n; j++) s += row[j], s2 += (double)row[j] * row[j];
  }
  free(row);
  double cnt = (double)n * rows, m = s / cnt;
  return sqrt(s2 / cnt - m * m);
}

/* ------------------------------------------------------------ tests */

static void test_llama_tiny(void **state) {
  fixture_t *f = *state;
  llm_synth_opts_t o = tiny(f, "llama", LLM_TYPE_Q8_0);
  gguf_t *g = write_open(f, "llama.gguf", &o);
  gguf_str_t s;
  assert_int_equal(gguf_get_str(g, "general.architecture", &s), 0);
  assert_true(s.n == 5 && !memcmp(s.p, "llama", 5));
  assert_int_equal(u32(g, "llama.block_count"), 2);
  assert_int_equal(u32(g, "llama.embedding_length"), 256);
  assert_int_equal(u32(g, "llama.feed_forward_length"), 768);
  assert_int_equal(u32(g, "llama.attention.head_count"), 4);
  assert_int_equal(u32(g, "llama.attention.head_count_kv"), 2);
  assert_int_equal(u32(g, "llama.context_length"), 4096);
  assert_int_equal(u32(g, "llama.rope.dimension_count"), 64);
  assert_int_equal(u32(g, "general.alignment"), 32);
  float eps, base;
  assert_int_equal(gguf_get_f32(g, "llama.attention.layer_norm_rms_epsilon",
                                &eps), 0);
  assert_true(eps == 1e-5f);
  assert_int_equal(gguf_get_f32(g, "llama.rope.freq_base", &base), 0);
  assert_true(base == 500000.0f);
  assert_int_equal(gguf_find_key(g, "llama.attention.key_length"), -1);
  assert_int_equal(gguf_get_str(g, "tokenizer.ggml.model", &s), 0);
  assert_true(s.n == 4 && !memcmp(s.p, "gpt2", 4));
  assert_true(gguf_find_key(g, "tokenizer.ggml.merges") >= 0);
  /* token_embd, 2 x 9 per layer, output_norm; tied: no output.weight. */
  assert_int_equal(gguf_tensor_count(g), 1 + 2 * 9 + 1);
  assert_ptr_equal(gguf_tensor_at(g, 0), tensor(g, "token_embd.weight"));
  expect_t(g, "token_embd.weight", LLM_TYPE_Q8_0, 256, 259);
  expect_t(g, "blk.1.attn_norm.weight", LLM_TYPE_F32, 256, 1);
  expect_t(g, "blk.1.attn_q.weight", LLM_TYPE_Q8_0, 256, 256);
  expect_t(g, "blk.1.attn_k.weight", LLM_TYPE_Q8_0, 256, 128);
  expect_t(g, "blk.1.attn_v.weight", LLM_TYPE_Q8_0, 256, 128);
  expect_t(g, "blk.1.attn_output.weight", LLM_TYPE_Q8_0, 256, 256);
  expect_t(g, "blk.0.ffn_norm.weight", LLM_TYPE_F32, 256, 1);
  expect_t(g, "blk.0.ffn_gate.weight", LLM_TYPE_Q8_0, 256, 768);
  expect_t(g, "blk.0.ffn_up.weight", LLM_TYPE_Q8_0, 256, 768);
  expect_t(g, "blk.0.ffn_down.weight", LLM_TYPE_Q8_0, 768, 256);
  expect_t(g, "output_norm.weight", LLM_TYPE_F32, 256, 1);
  assert_null(gguf_find_tensor(g, "output.weight"));
  assert_null(gguf_find_tensor(g, "blk.0.attn_q.bias"));
  assert_null(gguf_find_tensor(g, "rope_freqs.weight"));
  /* Documented scales (synth.h), within sampling and rounding noise. */
  double e = tensor_std(g, "token_embd.weight");
  assert_true(fabs(e - LLM_SYNTH_LOGIT_STD / 16.0) < 0.03);
  assert_true(e < 0.6); /* the tied embedding stays small (synth.h) */
  double q = tensor_std(g, "blk.0.attn_q.weight");
  assert_true(fabs(q - 1.0 / 16.0) < 0.005);
  double d = tensor_std(g, "blk.0.ffn_down.weight");
  assert_true(fabs(d - 1.5 * LLM_SYNTH_RES_GAIN / sqrt(768.0)) < 0.01);
  double ao = tensor_std(g, "blk.1.attn_output.weight");
  assert_true(fabs(ao - LLM_SYNTH_RES_GAIN / 16.0) < 0.01);
  const gguf_tensor_t *norm = tensor(g, "output_norm.weight");
  const float *nw = norm->data;
  for (int i = 0; i < 256; i++) assert_true(nw[i] >= 0.9f && nw[i] < 1.1f);
  gguf_close(g);
}

static void test_qwen_archs(void **state) {
  fixture_t *f = *state;
  llm_synth_opts_t o = tiny(f, "qwen2", LLM_TYPE_F16);
  o.untied = true;
  gguf_t *g = write_open(f, "qwen2.gguf", &o);
  float base;
  assert_int_equal(gguf_get_f32(g, "qwen2.rope.freq_base", &base), 0);
  assert_true(base == 1e6f);
  expect_t(g, "blk.0.attn_q.bias", LLM_TYPE_F32, 256, 1);
  expect_t(g, "blk.0.attn_k.bias", LLM_TYPE_F32, 128, 1);
  expect_t(g, "blk.1.attn_v.bias", LLM_TYPE_F32, 128, 1);
  expect_t(g, "output.weight", LLM_TYPE_F16, 256, 259);
  assert_true(fabs(tensor_std(g, "token_embd.weight") - 1.0) < 0.05);
  assert_null(gguf_find_tensor(g, "blk.0.attn_q_norm.weight"));
  assert_int_equal(gguf_tensor_count(g), 1 + 2 * 12 + 2);
  gguf_close(g);

  o = tiny(f, "qwen3", LLM_TYPE_BF16);
  o.n_head = 8; /* 8 x 64 = 512 != n_embd, like Qwen3-0.6B */
  o.n_head_kv = 4;
  g = write_open(f, "qwen3.gguf", &o);
  assert_int_equal(u32(g, "qwen3.attention.key_length"), 64);
  assert_int_equal(u32(g, "qwen3.attention.value_length"), 64);
  expect_t(g, "blk.0.attn_q.weight", LLM_TYPE_BF16, 256, 512);
  expect_t(g, "blk.0.attn_k.weight", LLM_TYPE_BF16, 256, 256);
  expect_t(g, "blk.0.attn_output.weight", LLM_TYPE_BF16, 512, 256);
  expect_t(g, "blk.0.attn_q_norm.weight", LLM_TYPE_F32, 64, 1);
  expect_t(g, "blk.1.attn_k_norm.weight", LLM_TYPE_F32, 64, 1);
  assert_null(gguf_find_tensor(g, "blk.0.attn_q.bias"));
  gguf_close(g);
}

static void test_type_fallbacks(void **state) {
  fixture_t *f = *state;
  static const int req[] = {LLM_TYPE_Q4_K, LLM_TYPE_Q5_K, LLM_TYPE_Q6_K,
                            LLM_TYPE_Q4_0};
  static const int fb[] = {LLM_TYPE_Q5_0, LLM_TYPE_Q5_1, LLM_TYPE_Q8_0,
                           LLM_TYPE_Q4_0};
  for (int i = 0; i < 4; i++) {
    llm_synth_opts_t o = tiny(f, "qwen2", req[i]);
    o.n_embd = 320; /* a multiple of 32, not of 256 */
    o.n_head = 5;
    o.n_head_kv = 1;
    o.n_ff = 512; /* ffn_down rows fit the K-quants */
    gguf_t *g = write_open(f, "fb.gguf", &o);
    expect_t(g, "token_embd.weight", fb[i], 320, 259);
    expect_t(g, "blk.0.attn_q.weight", fb[i], 320, 320);
    expect_t(g, "blk.0.ffn_up.weight", fb[i], 320, 512);
    expect_t(g, "blk.0.ffn_down.weight", req[i], 512, 320);
    gguf_close(g);
  }
  /* Rows that fit no block: F16. */
  llm_synth_opts_t o = tiny(f, "llama", LLM_TYPE_Q8_0);
  o.n_embd = 48;
  o.n_head = 3;
  o.n_head_kv = 1;
  o.head_dim = 16;
  o.n_ff = 64;
  gguf_t *g = write_open(f, "f16.gguf", &o);
  expect_t(g, "blk.0.attn_q.weight", LLM_TYPE_F16, 48, 48);
  expect_t(g, "blk.0.ffn_down.weight", LLM_TYPE_Q8_0, 64, 48);
  gguf_close(g);
}

static void test_deterministic(void **state) {
  fixture_t *f = *state;
  llm_synth_opts_t o = tiny(f, "llama", LLM_TYPE_Q4_K);
  o.n_layer = 1;
  char *a = test_path(f->dir, "a.gguf"), *b = test_path(f->dir, "b.gguf");
  lotse_err_t err = {0};
  assert_int_equal(llm_synth_write(a, &o, &err), 0);
  assert_int_equal(llm_synth_write(b, &o, &err), 0);
  char *da, *db;
  size_t na, nb;
  assert_int_equal(lotse_file_read(a, 1 << 26, &da, &na, &err), 0);
  assert_int_equal(lotse_file_read(b, 1 << 26, &db, &nb, &err), 0);
  assert_int_equal(na, nb);
  assert_memory_equal(da, db, na);
  free(db);
  o.seed = 43;
  assert_int_equal(llm_synth_write(b, &o, &err), 0);
  assert_int_equal(lotse_file_read(b, 1 << 26, &db, &nb, &err), 0);
  assert_int_equal(na, nb);
  assert_memory_not_equal(da, db, na);
  free(da);
  free(db);
  free(a);
  free(b);
}

static void test_rope_factors(void **state) {
  fixture_t *f = *state;
  llm_synth_opts_t o = tiny(f, "llama", LLM_TYPE_F32);
  o.rope_factors = true;
  o.head_dim = 128;
  o.n_head = 2;
  o.n_head_kv = 1;
  o.chat_template = llm_synth_chat_template("llama3");
  assert_non_null(o.chat_template);
  gguf_t *g = write_open(f, "rope.gguf", &o);
  expect_t(g, "rope_freqs.weight", LLM_TYPE_F32, 64, 1);
  const float *rf = tensor(g, "rope_freqs.weight")->data;
  assert_true(rf[0] == 1.0f);  /* high frequencies unchanged */
  assert_true(rf[63] == 8.0f); /* low frequencies divided by 8 */
  int smooth = 0;
  for (int i = 1; i < 64; i++) {
    assert_true(rf[i] >= rf[i - 1]);
    smooth += rf[i] > 1.0f && rf[i] < 8.0f;
  }
  assert_true(smooth > 0);
  assert_int_equal(u32(g, "llama.rope.scaling.original_context_length"), 8192);
  assert_int_equal(gguf_find_key(g, "llama.attention.key_length"), -1);
  gguf_str_t s;
  assert_int_equal(gguf_get_str(g, "tokenizer.chat_template", &s), 0);
  assert_true(s.n > 20 && !memcmp(s.p, "{{ bos_token }}", 15));
  gguf_close(g);
}

static void test_bad_options(void **state) {
  fixture_t *f = *state;
  char *p = test_path(f->dir, "bad.gguf");
  lotse_err_t err = {0};
  llm_synth_opts_t o = tiny(f, "gpt9", LLM_TYPE_F32);
  assert_int_equal(llm_synth_write(p, &o, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "gpt9"));
  o = tiny(f, "llama", LLM_TYPE_F32);
  o.n_head_kv = 3;
  assert_int_equal(llm_synth_write(p, &o, &err), LOTSE_EINVAL);
  o = tiny(f, "qwen2", LLM_TYPE_F32);
  o.rope_factors = true;
  assert_int_equal(llm_synth_write(p, &o, &err), LOTSE_EINVAL);
  o = tiny(f, "llama", LLM_TYPE_Q8_K); /* activation type only */
  assert_int_equal(llm_synth_write(p, &o, &err), LOTSE_EINVAL);
  o = tiny(f, "llama", LLM_TYPE_F32);
  o.vocab = NULL;
  assert_int_equal(llm_synth_write(p, &o, &err), LOTSE_EINVAL);
  assert_int_equal(access(p, F_OK), -1);
  assert_int_equal(llm_synth_shape("huge", &o), LOTSE_ENOTFOUND);
  assert_null(llm_synth_chat_template("nope"));
  free(p);
}

static void test_vocab_pad(void **state) {
  fixture_t *f = *state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_synth_vocab_bytes(&v, &err), 0);
  assert_int_equal(llm_synth_vocab_pad(&v, 100, &err), LOTSE_EINVAL);
  assert_int_equal(llm_synth_vocab_pad(&v, 259, &err), 0);
  assert_int_equal(llm_synth_vocab_pad(&v, 300, &err), 0);
  assert_int_equal(v.n, 300);
  assert_string_equal(v.tokens[299], "[PAD299]");
  assert_int_equal(v.types[259], LLM_TOKT_UNUSED);
  assert_string_equal(v.tokens[258], "<|im_end|>");
  llm_synth_opts_t o = tiny(f, "llama", LLM_TYPE_F32);
  o.n_layer = 1;
  o.vocab = &v;
  gguf_t *g = write_open(f, "pad.gguf", &o);
  expect_t(g, "token_embd.weight", LLM_TYPE_F32, 256, 300);
  assert_int_equal(u32(g, "llama.vocab_size"), 300);
  gguf_close(g);
  llm_vocab_release(&v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_llama_tiny),     cmocka_unit_test(test_qwen_archs),
      cmocka_unit_test(test_type_fallbacks), cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_rope_factors),   cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_vocab_pad),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
