/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_gguf.c — GGUF writer and reader: a round trip of every
 * value type and several tensor types, and the reader's refusal of
 * malformed files (every truncation of a small file, wrong magic, other
 * versions, absurd counts, lengths and shapes, duplicates, bad offsets).
 */
#include "testutil.h"

#include "llm/gguf.h"
#include "llm/quant.h"

#include <dirent.h>

/* ------------------------------------------------------------ helpers */

static uint8_t pattern(size_t t, size_t j) { return (uint8_t)(t * 31 + j * 7 + 1); }

static int fill_pattern(void *ud, size_t i, void *buf, size_t nbytes,
                        lotse_err_t *err) {
  (void)err;
  (*(int *)ud)++;
  for (size_t j = 0; j < nbytes; j++) ((uint8_t *)buf)[j] = pattern(i, j);
  return 0;
}

static bool seq(gguf_str_t s, const char *c) {
  return s.n == strlen(c) && !memcmp(s.p, c, s.n);
}

static char *read_all(const char *path, size_t *n) {
  char *data;
  lotse_err_t err;
  assert_int_equal(lotse_file_read(path, 1 << 26, &data, n, &err), 0);
  return data;
}

/* Opens an exact-size heap copy of p[0..n) so ASan sees any overread. */
static int open_copy(const void *p, size_t n, lotse_err_t *err) {
  void *copy = malloc(n ? n : 1);
  memcpy(copy, p, n);
  gguf_t *g = NULL;
  int rc = gguf_open_mem(copy, n, &g, err);
  if (!rc) {
    assert_non_null(g);
    gguf_close(g);
  } else {
    assert_null(g);
    assert_true(err->msg[0] != '\0');
  }
  free(copy);
  return rc;
}

/* A raw GGUF byte builder for hand-made malformed files. */
typedef struct raw {
  lotse_buf_t b;
} raw_t;

static void r_bytes(raw_t *r, const void *p, size_t n) {
  assert_int_equal(lotse_buf_append(&r->b, p, n), 0);
}
static void r_u32(raw_t *r, uint32_t v) { r_bytes(r, &v, 4); }
static void r_u64(raw_t *r, uint64_t v) { r_bytes(r, &v, 8); }
static void r_str(raw_t *r, const char *s) {
  r_u64(r, strlen(s));
  r_bytes(r, s, strlen(s));
}
static void r_head(raw_t *r, uint32_t version, uint64_t n_t, uint64_t n_kv) {
  lotse_buf_init(&r->b, 1 << 20);
  r_bytes(r, "GGUF", 4);
  r_u32(r, version);
  r_u64(r, n_t);
  r_u64(r, n_kv);
}
static void r_kv_u32(raw_t *r, const char *k, uint32_t v) {
  r_str(r, k);
  r_u32(r, GGUF_VT_U32);
  r_u32(r, v);
}
/* Tensor info, 2-D F32. */
static void r_tensor(raw_t *r, const char *name, uint64_t ne0, uint64_t ne1,
                     uint64_t off) {
  r_str(r, name);
  r_u32(r, 2);
  r_u64(r, ne0);
  r_u64(r, ne1);
  r_u32(r, LLM_TYPE_F32);
  r_u64(r, off);
}
static void r_pad(raw_t *r, size_t n) {
  while (r->b.len % 32) r_bytes(r, "", 1);
  for (size_t i = 0; i < n; i++) r_bytes(r, "\x01", 1);
}

static int raw_open(raw_t *r, lotse_err_t *err) {
  int rc = open_copy(r->b.data, r->b.len, err);
  lotse_buf_release(&r->b);
  return rc;
}

static void expect_corrupt(raw_t *r, const char *part) {
  lotse_err_t err = {0};
  assert_int_equal(raw_open(r, &err), LOTSE_ECORRUPT);
  if (!strstr(err.msg, part)) fail_msg("message '%s' lacks '%s'", err.msg, part);
}

/* ------------------------------------------------------------ round trip */

static const int64_t shapes[][4] = {{5, 1, 1, 1}, {64, 3, 1, 1},
                                    {64, 2, 1, 1}, {256, 2, 1, 1},
                                    {4, 1, 2, 3}};
static const int types[] = {LLM_TYPE_F32, LLM_TYPE_F16, LLM_TYPE_Q8_0,
                            LLM_TYPE_Q4_K, LLM_TYPE_BF16};
static const int ndims[] = {1, 2, 2, 3, 4};
static const char *names[] = {"a.weight", "blk.0.f16", "q8", "q4k", "bf16.4d"};

static gguf_writer_t *full_writer(void) {
  gguf_writer_t *w = gguf_writer_new();
  assert_non_null(w);
  assert_int_equal(gguf_writer_set_u32(w, "u32", 4000000000u), 0);
  assert_int_equal(gguf_writer_set_i32(w, "i32", -7), 0);
  assert_int_equal(gguf_writer_set_f32(w, "f32", 0.25f), 0);
  assert_int_equal(gguf_writer_set_bool(w, "bool", true), 0);
  assert_int_equal(gguf_writer_set_str(w, "str", "Grüße"), 0);
  assert_int_equal(gguf_writer_set_str(w, "replaced", "old"), 0);
  uint8_t u8[] = {0, 255};
  int8_t i8[] = {-128, 127};
  uint16_t u16[] = {65535};
  int16_t i16[] = {-2};
  uint32_t u32[] = {1, 2, 3};
  int32_t i32[] = {-1, 5};
  float f32[] = {1.5f, -2.0f};
  uint8_t bools[] = {1, 0, 1};
  uint64_t u64[] = {UINT64_MAX};
  int64_t i64[] = {INT64_MIN, 3};
  double f64[] = {0.125};
  assert_int_equal(gguf_writer_set_arr(w, "a.u8", GGUF_VT_U8, u8, 2), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.i8", GGUF_VT_I8, i8, 2), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.u16", GGUF_VT_U16, u16, 1), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.i16", GGUF_VT_I16, i16, 1), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.u32", GGUF_VT_U32, u32, 3), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.i32", GGUF_VT_I32, i32, 2), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.f32", GGUF_VT_F32, f32, 2), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.bool", GGUF_VT_BOOL, bools, 3), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.u64", GGUF_VT_U64, u64, 1), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.i64", GGUF_VT_I64, i64, 2), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.f64", GGUF_VT_F64, f64, 1), 0);
  assert_int_equal(gguf_writer_set_arr(w, "a.empty", GGUF_VT_I32, NULL, 0), 0);
  const char *strs[] = {"eins", "", "<|im_end|>"};
  assert_int_equal(gguf_writer_set_arr_str(w, "a.str", strs, 3), 0);
  assert_int_equal(gguf_writer_set_str(w, "replaced", "new"), 0);
  assert_int_equal(gguf_writer_set_arr(w, "bad", GGUF_VT_STRING, u8, 1),
                   LOTSE_EINVAL);
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(gguf_writer_add_tensor(w, names[i], types[i], ndims[i],
                                            shapes[i]), 0);
  return w;
}

static void check_kvs(const gguf_t *g) {
  assert_int_equal(gguf_kv_count(g), 19);
  assert_true(seq(gguf_kv_key(g, 0), "u32"));
  assert_true(seq(gguf_kv_key(g, 5), "replaced")); /* kept its position */
  assert_int_equal(gguf_kv_type(g, 2), GGUF_VT_F32);
  uint32_t u;
  int64_t i;
  float f;
  bool b;
  gguf_str_t s;
  assert_int_equal(gguf_get_u32(g, "u32", &u), 0);
  assert_int_equal(u, 4000000000u);
  assert_int_equal(gguf_get_i64(g, "u32", &i), 0);
  assert_int_equal(i, 4000000000ll);
  assert_int_equal(gguf_get_i64(g, "i32", &i), 0);
  assert_int_equal(i, -7);
  assert_int_equal(gguf_get_u32(g, "i32", &u), LOTSE_ECORRUPT); /* negative */
  assert_int_equal(gguf_get_f32(g, "f32", &f), 0);
  assert_true(f == 0.25f);
  assert_int_equal(gguf_get_bool(g, "bool", &b), 0);
  assert_true(b);
  assert_int_equal(gguf_get_str(g, "str", &s), 0);
  assert_true(seq(s, "Grüße"));
  assert_int_equal(gguf_get_str(g, "replaced", &s), 0);
  assert_true(seq(s, "new"));
  assert_int_equal(gguf_get_str(g, "u32", &s), LOTSE_ECORRUPT);
  u = 99;
  assert_int_equal(gguf_get_u32(g, "absent", &u), LOTSE_ENOTFOUND);
  assert_int_equal(u, 99);
  assert_int_equal(gguf_find_key(g, "absent"), -1);
  int64_t k = gguf_find_key(g, "a.str");
  assert_true(k > 0);
  assert_int_equal(gguf_kv_type(g, (size_t)k), GGUF_VT_ARRAY);
  assert_int_equal(gguf_kv_arr_type(g, (size_t)k), GGUF_VT_STRING);
  assert_int_equal(gguf_kv_arr_len(g, (size_t)k), 3);
}

static void check_arrays(const gguf_t *g) {
  int32_t *iv;
  float *fv;
  gguf_str_t *sv;
  size_t n;
  assert_int_equal(gguf_get_arr_i32(g, "a.i8", &iv, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(iv[0], -128);
  assert_int_equal(iv[1], 127);
  free(iv);
  assert_int_equal(gguf_get_arr_i32(g, "a.u16", &iv, &n), 0);
  assert_int_equal(iv[0], 65535);
  free(iv);
  assert_int_equal(gguf_get_arr_i32(g, "a.i16", &iv, &n), 0);
  assert_int_equal(iv[0], -2);
  free(iv);
  assert_int_equal(gguf_get_arr_i32(g, "a.u32", &iv, &n), 0);
  assert_int_equal(n, 3);
  assert_int_equal(iv[2], 3);
  free(iv);
  assert_int_equal(gguf_get_arr_i32(g, "a.u64", &iv, &n), LOTSE_ECORRUPT);
  assert_int_equal(gguf_get_arr_i32(g, "a.i64", &iv, &n), LOTSE_ECORRUPT);
  assert_int_equal(gguf_get_arr_i32(g, "a.f32", &iv, &n), LOTSE_ECORRUPT);
  assert_int_equal(gguf_get_arr_i32(g, "a.empty", &iv, &n), 0);
  assert_int_equal(n, 0);
  free(iv);
  assert_int_equal(gguf_get_arr_f32(g, "a.f32", &fv, &n), 0);
  assert_true(n == 2 && fv[0] == 1.5f && fv[1] == -2.0f);
  free(fv);
  assert_int_equal(gguf_get_arr_f32(g, "a.f64", &fv, &n), 0);
  assert_true(fv[0] == 0.125f);
  free(fv);
  assert_int_equal(gguf_get_arr_f32(g, "a.u8", &fv, &n), 0);
  assert_true(fv[1] == 255.0f);
  free(fv);
  assert_int_equal(gguf_get_arr_f32(g, "a.bool", &fv, &n), LOTSE_ECORRUPT);
  assert_int_equal(gguf_get_arr_f32(g, "str", &fv, &n), LOTSE_ECORRUPT);
  assert_int_equal(gguf_get_arr_str(g, "a.str", &sv, &n), 0);
  assert_int_equal(n, 3);
  assert_true(seq(sv[0], "eins") && seq(sv[1], "") && seq(sv[2], "<|im_end|>"));
  free(sv);
  assert_int_equal(gguf_get_arr_str(g, "a.u32", &sv, &n), LOTSE_ECORRUPT);
  int64_t k = gguf_find_key(g, "a.bool");
  assert_int_equal(gguf_kv_arr_type(g, (size_t)k), GGUF_VT_BOOL);
  assert_int_equal(gguf_kv_arr_len(g, (size_t)k), 3);
}

static void check_tensors(const gguf_t *g, const char *file, size_t size) {
  assert_int_equal(gguf_tensor_count(g), 5);
  uint64_t next = 0;
  for (size_t i = 0; i < 5; i++) {
    const gguf_tensor_t *t = gguf_tensor_at(g, i);
    assert_non_null(t);
    assert_true(seq(t->name, names[i]));
    assert_int_equal(t->type, types[i]);
    assert_int_equal(t->n_dims, ndims[i]);
    for (int d = 0; d < 4; d++) assert_int_equal(t->ne[d], shapes[i][d]);
    int64_t rows = shapes[i][1] * shapes[i][2] * shapes[i][3];
    assert_int_equal(t->nbytes, llm_row_bytes(types[i], shapes[i][0]) * rows);
    assert_int_equal(t->offset, next);
    next = (t->offset + t->nbytes + 31) / 32 * 32;
    assert_int_equal(((const char *)t->data - file) % 32, 0);
    for (size_t j = 0; j < t->nbytes; j++)
      if (((const uint8_t *)t->data)[j] != pattern(i, j))
        fail_msg("tensor %zu byte %zu differs", i, j);
    assert_ptr_equal(gguf_find_tensor(g, names[i]), t);
  }
  assert_null(gguf_tensor_at(g, 5));
  assert_null(gguf_find_tensor(g, "q"));
  assert_int_equal(gguf_file_size(g), size);
  assert_int_equal(gguf_alignment(g), 32);
  assert_int_equal(gguf_version(g), 3);
}

static void test_round_trip(void **state) {
  (void)state;
  char *dir = test_dir("gguf-rt");
  char *path = test_path(dir, "m.gguf");
  gguf_writer_t *w = full_writer();
  lotse_err_t err = {0};
  int calls = 0;
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &calls, &err), 0);
  assert_int_equal(calls, 5);
  gguf_writer_free(w);
  /* No temporary file is left next to the model. */
  DIR *d = opendir(dir);
  int entries = 0;
  for (struct dirent *e; (e = readdir(d));) entries += e->d_name[0] != '.';
  closedir(d);
  assert_int_equal(entries, 1);
  /* Through mmap ... */
  gguf_t *g;
  assert_int_equal(gguf_open(path, &g, &err), 0);
  size_t size;
  char *file = read_all(path, &size);
  check_kvs(g);
  check_arrays(g);
  gguf_close(g);
  /* ... and from memory (the tensor data pointers are into the buffer). */
  assert_int_equal(gguf_open_mem(file, size, &g, &err), 0);
  check_tensors(g, file, size);
  gguf_close(g);
  free(file);
  free(path);
  free(dir);
}

static int fill_fail(void *ud, size_t i, void *buf, size_t nbytes,
                     lotse_err_t *err) {
  (void)ud, (void)buf, (void)nbytes;
  return i == 1 ? lotse_err_set(err, LOTSE_EIO, "source gone") : 0;
}

static void test_writer_errors(void **state) {
  (void)state;
  char *dir = test_dir("gguf-werr");
  char *path = test_path(dir, "m.gguf");
  gguf_writer_t *w = gguf_writer_new();
  int64_t ne[2] = {33, 2}, ok[2] = {64, 2};
  assert_int_equal(gguf_writer_add_tensor(w, "x", LLM_TYPE_Q8_0, 2, ne),
                   LOTSE_EINVAL);
  assert_int_equal(gguf_writer_add_tensor(w, "x", 99, 2, ok), LOTSE_EINVAL);
  assert_int_equal(gguf_writer_add_tensor(w, "x", LLM_TYPE_F32, 5, ok),
                   LOTSE_EINVAL);
  assert_int_equal(gguf_writer_add_tensor(w, "x", LLM_TYPE_Q8_0, 2, ok), 0);
  assert_int_equal(gguf_writer_add_tensor(w, "x", LLM_TYPE_F32, 2, ok),
                   LOTSE_EEXIST);
  assert_int_equal(gguf_writer_add_tensor(w, "y", LLM_TYPE_F32, 2, ok), 0);
  lotse_err_t err = {0};
  /* A failing source: an error, and neither the file nor a temp file. */
  assert_int_equal(gguf_writer_write(w, path, fill_fail, NULL, &err),
                   LOTSE_EIO);
  assert_string_equal(err.msg, "source gone");
  assert_int_equal(access(path, F_OK), -1);
  DIR *d = opendir(dir);
  int entries = 0;
  for (struct dirent *e; (e = readdir(d));) entries += e->d_name[0] != '.';
  closedir(d);
  assert_int_equal(entries, 0);
  char *bad = test_path(dir, "no/such/dir/m.gguf");
  assert_int_equal(gguf_writer_write(w, bad, fill_pattern, &entries, &err),
                   LOTSE_EIO);
  assert_non_null(strstr(err.msg, "no/such/dir"));
  /* A custom alignment is honoured by writer and reader. */
  assert_int_equal(gguf_writer_set_u32(w, "general.alignment", 64), 0);
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &entries, &err), 0);
  gguf_t *g;
  assert_int_equal(gguf_open(path, &g, &err), 0);
  assert_int_equal(gguf_alignment(g), 64);
  assert_int_equal(gguf_tensor_at(g, 1)->offset, 64 * 3); /* 68 -> 192 */
  gguf_close(g);
  assert_int_equal(gguf_writer_set_i32(w, "general.alignment", 128), 0);
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &entries, &err), 0);
  assert_int_equal(gguf_open(path, &g, &err), 0);
  assert_int_equal(gguf_alignment(g), 128);
  gguf_close(g);
  assert_int_equal(gguf_writer_set_u32(w, "general.alignment", 48), 0);
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &entries, &err),
                   LOTSE_EINVAL);
  assert_int_equal(gguf_writer_set_str(w, "general.alignment", "32"), 0);
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &entries, &err),
                   LOTSE_EINVAL);
  gguf_writer_free(w);
  free(bad);
  free(path);
  free(dir);
}

/* ------------------------------------------------------------ malformed */

static void test_truncated(void **state) {
  (void)state;
  char *dir = test_dir("gguf-trunc");
  char *path = test_path(dir, "m.gguf");
  gguf_writer_t *w = gguf_writer_new();
  gguf_writer_set_str(w, "general.architecture", "llama");
  gguf_writer_set_u32(w, "llama.block_count", 2);
  const char *toks[] = {"a", "bc"};
  gguf_writer_set_arr_str(w, "tokenizer.ggml.tokens", toks, 2);
  float sc[] = {0.5f, 1.5f};
  gguf_writer_set_arr(w, "tokenizer.ggml.scores", GGUF_VT_F32, sc, 2);
  int64_t ne1[1] = {3}, ne2[2] = {32, 2};
  gguf_writer_add_tensor(w, "n.weight", LLM_TYPE_F32, 1, ne1);
  gguf_writer_add_tensor(w, "w.weight", LLM_TYPE_Q8_0, 2, ne2);
  lotse_err_t err = {0};
  int calls = 0;
  assert_int_equal(gguf_writer_write(w, path, fill_pattern, &calls, &err), 0);
  gguf_writer_free(w);
  size_t size;
  char *file = read_all(path, &size);
  gguf_t *g;
  assert_int_equal(gguf_open_mem(file, size, &g, &err), 0);
  const gguf_tensor_t *last = gguf_tensor_at(g, 1);
  size_t end = (size_t)((const char *)last->data - file) + last->nbytes;
  gguf_close(g);
  assert_true(end < size); /* the last tensor is padded */
  for (size_t n = 0; n < size; n++) {
    int rc = open_copy(file, n, &err);
    if (n < end && rc != LOTSE_ECORRUPT)
      fail_msg("prefix of %zu bytes: rc %d", n, rc);
    if (n >= end && rc != 0) fail_msg("prefix of %zu bytes: %s", n, err.msg);
  }
  /* Through a file: the message names the file and the offset. */
  char *cut = test_path(dir, "cut.gguf");
  assert_int_equal(lotse_file_write(cut, file, 40, &err), 0);
  assert_int_equal(gguf_open(cut, &g, &err), LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, "cut.gguf"));
  assert_non_null(strstr(err.msg, "byte offset"));
  assert_int_equal(lotse_file_write(cut, "", 0, &err), 0);
  assert_int_equal(gguf_open(cut, &g, &err), LOTSE_ECORRUPT);
  assert_int_equal(gguf_open(dir, &g, &err), LOTSE_EIO);
  char *none = test_path(dir, "none.gguf");
  assert_int_equal(gguf_open(none, &g, &err), LOTSE_ENOTFOUND);
  free(none);
  free(cut);
  free(file);
  free(path);
  free(dir);
}

static void test_magic_and_version(void **state) {
  (void)state;
  raw_t r;
  r_head(&r, 3, 0, 0);
  r.b.data[0] = 'X';
  expect_corrupt(&r, "magic");
  lotse_err_t err = {0};
  for (uint32_t v = 1; v <= 2; v++) {
    r_head(&r, v, 0, 0);
    assert_int_equal(raw_open(&r, &err), LOTSE_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, v == 1 ? "version 1" : "version 2"));
  }
  r_head(&r, 0x03000000u, 0, 0);
  assert_int_equal(raw_open(&r, &err), LOTSE_EUNSUPPORTED);
  r_head(&r, 4, 0, 0);
  assert_int_equal(raw_open(&r, &err), LOTSE_EUNSUPPORTED);
  r_head(&r, 0x7fffffffu, 0, 0);
  expect_corrupt(&r, "version");
  r_head(&r, 3, 0, 0); /* the smallest valid file */
  assert_int_equal(raw_open(&r, &err), 0);
}

static void test_absurd_counts(void **state) {
  (void)state;
  raw_t r;
  r_head(&r, 3, 0, 1ull << 40);
  expect_corrupt(&r, "key/value count");
  r_head(&r, 3, UINT64_MAX, 0);
  expect_corrupt(&r, "tensor count");
  r_head(&r, 3, 0, 1); /* array of 2^62 u32 */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_ARRAY);
  r_u32(&r, GGUF_VT_U32);
  r_u64(&r, 1ull << 62);
  r_u32(&r, 1);
  expect_corrupt(&r, "array 'k'");
  r_head(&r, 3, 0, 1); /* string array claiming 2^60 strings */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_ARRAY);
  r_u32(&r, GGUF_VT_STRING);
  r_u64(&r, 1ull << 60);
  r_str(&r, "x");
  expect_corrupt(&r, "string array");
  r_head(&r, 3, 0, 1); /* string of 2^63 bytes */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_STRING);
  r_u64(&r, 1ull << 63);
  r_bytes(&r, "abcdefgh", 8);
  expect_corrupt(&r, "limit");
  r_head(&r, 3, 0, 1); /* string a bit longer than the file */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_STRING);
  r_u64(&r, 100);
  r_bytes(&r, "abcdefgh", 8);
  expect_corrupt(&r, "100 bytes but only 8 are left at byte offset 45");
  r_head(&r, 3, 0, 1); /* nested array */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_ARRAY);
  r_u32(&r, GGUF_VT_ARRAY);
  r_u64(&r, 1);
  r_bytes(&r, "abcdefghabcdefgh", 16);
  expect_corrupt(&r, "element type");
  r_head(&r, 3, 0, 1); /* unknown value type */
  r_str(&r, "k");
  r_u32(&r, 13);
  r_u64(&r, 1);
  expect_corrupt(&r, "value type 13");
  r_head(&r, 3, 0, 1); /* bool that is not 0/1 */
  r_str(&r, "k");
  r_u32(&r, GGUF_VT_BOOL);
  r_bytes(&r, "\x02", 1);
  expect_corrupt(&r, "boolean");
}

static void test_absurd_tensors(void **state) {
  (void)state;
  raw_t r;
  r_head(&r, 3, 1, 0); /* ne product overflows int64 */
  r_tensor(&r, "t", 1ull << 40, 1ull << 40, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "dimension 1");
  r_head(&r, 3, 1, 0); /* zero dimension */
  r_tensor(&r, "t", 4, 0, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "zero or too large");
  r_head(&r, 3, 1, 0); /* five dimensions */
  r_str(&r, "t");
  r_u32(&r, 5);
  for (int i = 0; i < 5; i++) r_u64(&r, 1);
  r_u32(&r, 0);
  r_u64(&r, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "5 dimensions");
  r_head(&r, 3, 1, 0); /* unknown type */
  r_str(&r, "t");
  r_u32(&r, 1);
  r_u64(&r, 4);
  r_u32(&r, 1000);
  r_u64(&r, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "unknown type 1000");
  r_head(&r, 3, 1, 0); /* Q8_0 row not a multiple of 32 */
  r_str(&r, "t");
  r_u32(&r, 1);
  r_u64(&r, 33);
  r_u32(&r, LLM_TYPE_Q8_0);
  r_u64(&r, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "block size");
  r_head(&r, 3, 1, 0); /* data beyond the end of the file */
  r_tensor(&r, "t", 1000, 1000, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "past the end");
  r_head(&r, 3, 1, 0); /* offset beyond EOF (first offset must be 0) */
  r_tensor(&r, "t", 4, 1, 1ull << 60);
  r_pad(&r, 64);
  expect_corrupt(&r, "expected 0");
  r_head(&r, 3, 1, 0); /* name longer than 256 bytes */
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  r_tensor(&r, longname, 4, 1, 0);
  r_pad(&r, 64);
  expect_corrupt(&r, "tensor name length 299");
  r_head(&r, 3, 1, 0); /* tensor infos but no data section at all */
  r_tensor(&r, "t", 4, 1, 0);
  expect_corrupt(&r, "data section");
}

static void test_duplicates_and_offsets(void **state) {
  (void)state;
  raw_t r;
  r_head(&r, 3, 0, 2);
  r_kv_u32(&r, "a.b", 1);
  r_kv_u32(&r, "a.b", 2);
  expect_corrupt(&r, "duplicate key 'a.b'");
  r_head(&r, 3, 2, 0);
  r_tensor(&r, "t", 8, 1, 0);
  r_tensor(&r, "t", 8, 1, 32);
  r_pad(&r, 64);
  expect_corrupt(&r, "duplicate tensor 't'");
  r_head(&r, 3, 2, 0); /* misaligned second offset */
  r_tensor(&r, "t1", 4, 1, 0);
  r_tensor(&r, "t2", 4, 1, 16);
  r_pad(&r, 64);
  expect_corrupt(&r, "not a multiple of the alignment 32 at byte offset 100");
  r_head(&r, 3, 2, 0); /* a gap: aligned but not sequential */
  r_tensor(&r, "t1", 4, 1, 0);
  r_tensor(&r, "t2", 4, 1, 64);
  r_pad(&r, 128);
  expect_corrupt(&r, "sequential");
  r_head(&r, 3, 2, 0); /* overlap */
  r_tensor(&r, "t1", 16, 1, 0);
  r_tensor(&r, "t2", 4, 1, 32);
  r_pad(&r, 128);
  expect_corrupt(&r, "expected 64");
  r_head(&r, 3, 2, 0); /* correct: 2 x 16 floats at 0 and 64 */
  r_tensor(&r, "t1", 16, 1, 0);
  r_tensor(&r, "t2", 4, 1, 64);
  r_pad(&r, 80);
  lotse_err_t err = {0};
  assert_int_equal(raw_open(&r, &err), 0);
  r_head(&r, 3, 0, 1); /* alignment must be a power of two */
  r_kv_u32(&r, "general.alignment", 48);
  expect_corrupt(&r, "general.alignment");
  r_head(&r, 3, 0, 1);
  r_kv_u32(&r, "general.alignment", 0);
  expect_corrupt(&r, "general.alignment");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_writer_errors),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_magic_and_version),
      cmocka_unit_test(test_absurd_counts),
      cmocka_unit_test(test_absurd_tensors),
      cmocka_unit_test(test_duplicates_and_offsets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
