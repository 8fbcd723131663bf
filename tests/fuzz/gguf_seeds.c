/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/gguf_seeds.c — writes a small seed corpus for fuzz_gguf with
 * the GGUF writer: every value type, string arrays, tensors of every weight
 * type, a custom alignment. Usage: gguf_seeds DIR (files stay < 8 KiB).
 */
#include "llm/gguf.h"
#include "llm/quant.h"

#include <stdio.h>
#include <string.h>

static int fill(void *ud, size_t i, void *buf, size_t nbytes,
                lotse_err_t *err) {
  (void)ud, (void)err;
  for (size_t j = 0; j < nbytes; j++) ((unsigned char *)buf)[j] = (unsigned char)(i + j);
  return 0;
}

static int emit(gguf_writer_t *w, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.gguf", dir, name);
  lotse_err_t err = {0};
  int rc = gguf_writer_write(w, path, fill, NULL, &err);
  if (rc) fprintf(stderr, "gguf_seeds: %s\n", err.msg);
  gguf_writer_free(w);
  return rc;
}

static void meta(gguf_writer_t *w) {
  gguf_writer_set_str(w, "general.architecture", "llama");
  gguf_writer_set_str(w, "general.name", "seed");
  gguf_writer_set_u32(w, "llama.block_count", 1);
  gguf_writer_set_f32(w, "llama.attention.layer_norm_rms_epsilon", 1e-5f);
  gguf_writer_set_bool(w, "tokenizer.ggml.add_bos_token", true);
  gguf_writer_set_i32(w, "i32", -3);
  const char *toks[] = {"<s>", "</s>", "a", "b", ("\xc4\xa0" "ab")};
  gguf_writer_set_arr_str(w, "tokenizer.ggml.tokens", toks, 5);
  float sc[] = {0, 0, -1, -2, -3};
  gguf_writer_set_arr(w, "tokenizer.ggml.scores", GGUF_VT_F32, sc, 5);
  int32_t ty[] = {3, 3, 1, 1, 1};
  gguf_writer_set_arr(w, "tokenizer.ggml.token_type", GGUF_VT_I32, ty, 5);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gguf_seeds DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  int rc = 0;
  gguf_writer_t *w = gguf_writer_new();
  meta(w);
  rc |= emit(w, dir, "meta");

  w = gguf_writer_new();
  unsigned char u8[] = {1, 2};
  uint16_t u16[] = {3};
  int16_t i16[] = {-4};
  uint64_t u64[] = {5};
  int64_t i64[] = {-6};
  double f64[] = {0.5};
  unsigned char bl[] = {0, 1};
  gguf_writer_set_arr(w, "u8", GGUF_VT_U8, u8, 2);
  gguf_writer_set_arr(w, "i8", GGUF_VT_I8, u8, 2);
  gguf_writer_set_arr(w, "u16", GGUF_VT_U16, u16, 1);
  gguf_writer_set_arr(w, "i16", GGUF_VT_I16, i16, 1);
  gguf_writer_set_arr(w, "u64", GGUF_VT_U64, u64, 1);
  gguf_writer_set_arr(w, "i64", GGUF_VT_I64, i64, 1);
  gguf_writer_set_arr(w, "f64", GGUF_VT_F64, f64, 1);
  gguf_writer_set_arr(w, "bool", GGUF_VT_BOOL, bl, 2);
  gguf_writer_set_u32(w, "general.alignment", 64);
  int64_t ne[2] = {4, 2};
  gguf_writer_add_tensor(w, "t", LLM_TYPE_F32, 2, ne);
  rc |= emit(w, dir, "values");

  static const int types[] = {LLM_TYPE_F32,  LLM_TYPE_F16,  LLM_TYPE_BF16,
                              LLM_TYPE_Q8_0, LLM_TYPE_Q4_0, LLM_TYPE_Q5_0,
                              LLM_TYPE_Q5_1, LLM_TYPE_Q4_K, LLM_TYPE_Q5_K,
                              LLM_TYPE_Q6_K};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    w = gguf_writer_new();
    meta(w);
    int bs = llm_type_info(types[i])->block;
    int64_t n1[1] = {8}, n2[2] = {bs == 1 ? 16 : bs, 2},
            n4[4] = {bs == 1 ? 2 : bs, 1, 2, 1};
    gguf_writer_add_tensor(w, "output_norm.weight", LLM_TYPE_F32, 1, n1);
    gguf_writer_add_tensor(w, "blk.0.attn_q.weight", types[i], 2, n2);
    gguf_writer_add_tensor(w, "x4", types[i], 4, n4);
    char name[64];
    snprintf(name, sizeof name, "tensors-%s", llm_type_info(types[i])->name);
    rc |= emit(w, dir, name);
  }
  return rc ? 1 : 0;
}
