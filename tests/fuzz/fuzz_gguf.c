/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_gguf.c — libFuzzer harness for the GGUF reader.
 *
 * Opens the input with gguf_open_mem() and, when it is accepted, walks
 * every accessor: each key (type, array type and length, every typed
 * getter by name), each tensor (shape, find by name, every data byte).
 * Anything outside the buffer is caught by AddressSanitizer, since the
 * input is an exact-size heap buffer. Build and run: scripts/fuzz-gguf.sh.
 */
#include "llm/gguf.h"

#include <stdlib.h>
#include <string.h>

static volatile uint64_t sink;

static void walk_key(const gguf_t *g, size_t i) {
  gguf_str_t k = gguf_kv_key(g, i);
  char key[256];
  size_t n = k.n < sizeof key - 1 ? k.n : sizeof key - 1;
  memcpy(key, k.p, n);
  key[n] = '\0';
  sink += (uint64_t)gguf_kv_type(g, i) + gguf_kv_arr_type(g, i) +
          gguf_kv_arr_len(g, i) + (uint64_t)gguf_find_key(g, key);
  uint32_t u;
  int64_t v;
  float f;
  bool b;
  gguf_str_t s;
  if (!gguf_get_u32(g, key, &u)) sink += u;
  if (!gguf_get_i64(g, key, &v)) sink += (uint64_t)v;
  if (!gguf_get_f32(g, key, &f)) sink += (uint64_t)(f == f);
  if (!gguf_get_bool(g, key, &b)) sink += b;
  if (!gguf_get_str(g, key, &s) && s.n) sink += (uint8_t)s.p[s.n - 1];
  float *fa;
  int32_t *ia;
  gguf_str_t *sa;
  size_t m;
  if (!gguf_get_arr_f32(g, key, &fa, &m)) {
    for (size_t j = 0; j < m; j++) sink += (uint64_t)(fa[j] == fa[j]);
    free(fa);
  }
  if (!gguf_get_arr_i32(g, key, &ia, &m)) {
    for (size_t j = 0; j < m; j++) sink += (uint64_t)ia[j];
    free(ia);
  }
  if (!gguf_get_arr_str(g, key, &sa, &m)) {
    for (size_t j = 0; j < m; j++)
      if (sa[j].n) sink += (uint8_t)sa[j].p[0] + (uint8_t)sa[j].p[sa[j].n - 1];
    free(sa);
  }
}

static void walk_tensor(const gguf_t *g, size_t i) {
  const gguf_tensor_t *t = gguf_tensor_at(g, i);
  char name[300];
  size_t n = t->name.n < sizeof name - 1 ? t->name.n : sizeof name - 1;
  memcpy(name, t->name.p, n);
  name[n] = '\0';
  sink += (uintptr_t)gguf_find_tensor(g, name);
  sink += (uint64_t)t->type + (uint64_t)t->n_dims + t->offset;
  for (int d = 0; d < GGUF_MAX_DIMS; d++) sink += (uint64_t)t->ne[d];
  const uint8_t *p = t->data;
  for (size_t j = 0; j < t->nbytes; j++) sink += p[j];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  void *buf = malloc(size ? size : 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  gguf_t *g = NULL;
  lotse_err_t err;
  if (gguf_open_mem(buf, size, &g, &err) == 0) {
    sink += gguf_version(g) + gguf_file_size(g) + gguf_alignment(g);
    for (size_t i = 0; i < gguf_kv_count(g); i++) walk_key(g, i);
    for (size_t i = 0; i < gguf_tensor_count(g); i++) walk_tensor(g, i);
    sink += (uintptr_t)gguf_tensor_at(g, gguf_tensor_count(g));
    gguf_close(g);
  }
  free(buf);
  return 0;
}
