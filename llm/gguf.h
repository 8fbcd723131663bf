/* SPDX-License-Identifier: EUPL-1.2
 *
 * gguf.h — reading and writing GGUF v3 model files.
 *
 * Reader contract: gguf_open() maps the file read-only and validates it
 * completely before returning: magic, version 3, every count, string length,
 * array length, value type, tensor dimension, tensor type, data offset and
 * size against the file size (with overflow checks), offsets sequential and
 * aligned to general.alignment (default 32). After a successful open no
 * accessor can read outside the mapping. A malformed file is LOTSE_ECORRUPT
 * (or LOTSE_EUNSUPPORTED for a valid file of another version/type) with a
 * message that says what and where; it never crashes.
 *
 * All strings returned point into the mapping and are NOT NUL-terminated
 * (gguf_str_t carries the length). Numeric array data may be unaligned:
 * read it with memcpy or gguf_arr_*() helpers.
 *
 * Writer contract: collect key/values and tensor descriptors, then write the
 * file in one pass; tensor bytes come from a callback so multi-GiB models
 * are never held in memory twice.
 */
#ifndef LOTSE_LLM_GGUF_H
#define LOTSE_LLM_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* Value types as numbered in the GGUF specification. */
typedef enum {
  GGUF_VT_U8 = 0,
  GGUF_VT_I8 = 1,
  GGUF_VT_U16 = 2,
  GGUF_VT_I16 = 3,
  GGUF_VT_U32 = 4,
  GGUF_VT_I32 = 5,
  GGUF_VT_F32 = 6,
  GGUF_VT_BOOL = 7,
  GGUF_VT_STRING = 8,
  GGUF_VT_ARRAY = 9,
  GGUF_VT_U64 = 10,
  GGUF_VT_I64 = 11,
  GGUF_VT_F64 = 12,
} gguf_vtype_t;

#define GGUF_MAX_DIMS 4
#define GGUF_DEFAULT_ALIGNMENT 32

typedef struct gguf_str {
  const char *p; /* not NUL-terminated */
  size_t n;
} gguf_str_t;

typedef struct gguf_tensor {
  gguf_str_t name;
  int type;                  /* llm_type_t (see quant.h) */
  int n_dims;                /* 1..4 */
  int64_t ne[GGUF_MAX_DIMS]; /* ne[0] is contiguous; unused dims are 1 */
  uint64_t offset;           /* relative to the data section */
  size_t nbytes;
  const void *data;          /* inside the mapping */
} gguf_tensor_t;

typedef struct gguf gguf_t;

/* ------------------------------------------------------------ reading */

int gguf_open(const char *path, gguf_t **out, lotse_err_t *err);
/* Same validation over a memory buffer (used by the fuzzer); buf must
 * outlive the handle. */
int gguf_open_mem(const void *buf, size_t len, gguf_t **out, lotse_err_t *err);
void gguf_close(gguf_t *g);

uint32_t gguf_version(const gguf_t *g);
size_t gguf_file_size(const gguf_t *g);
size_t gguf_alignment(const gguf_t *g);

/* Key/value pairs, in file order. */
size_t gguf_kv_count(const gguf_t *g);
gguf_str_t gguf_kv_key(const gguf_t *g, size_t i);
gguf_vtype_t gguf_kv_type(const gguf_t *g, size_t i);
/* For arrays: element type and count. */
gguf_vtype_t gguf_kv_arr_type(const gguf_t *g, size_t i);
uint64_t gguf_kv_arr_len(const gguf_t *g, size_t i);
/* -1 when absent. */
int64_t gguf_find_key(const gguf_t *g, const char *key);

/* Typed getters by key. Integers of any width/sign convert when the value
 * fits; otherwise LOTSE_ECORRUPT. Absent: LOTSE_ENOTFOUND (out untouched). */
int gguf_get_u32(const gguf_t *g, const char *key, uint32_t *out);
int gguf_get_i64(const gguf_t *g, const char *key, int64_t *out);
int gguf_get_f32(const gguf_t *g, const char *key, float *out);
int gguf_get_bool(const gguf_t *g, const char *key, bool *out);
int gguf_get_str(const gguf_t *g, const char *key, gguf_str_t *out);
/* Numeric arrays converted into a newly allocated array (caller frees). */
int gguf_get_arr_f32(const gguf_t *g, const char *key, float **out, size_t *n);
int gguf_get_arr_i32(const gguf_t *g, const char *key, int32_t **out, size_t *n);
/* String arrays: a newly allocated index of views into the mapping. */
int gguf_get_arr_str(const gguf_t *g, const char *key, gguf_str_t **out, size_t *n);

/* Tensors, in file order. */
size_t gguf_tensor_count(const gguf_t *g);
const gguf_tensor_t *gguf_tensor_at(const gguf_t *g, size_t i);
const gguf_tensor_t *gguf_find_tensor(const gguf_t *g, const char *name);

/* ------------------------------------------------------------ writing */

typedef struct gguf_writer gguf_writer_t;

/* Fill buf (nbytes of tensor i, as added) with the tensor's data. */
typedef int (*gguf_fill_fn)(void *ud, size_t i, void *buf, size_t nbytes,
                            lotse_err_t *err);

gguf_writer_t *gguf_writer_new(void);
void gguf_writer_free(gguf_writer_t *w);
int gguf_writer_set_u32(gguf_writer_t *w, const char *key, uint32_t v);
int gguf_writer_set_i32(gguf_writer_t *w, const char *key, int32_t v);
int gguf_writer_set_f32(gguf_writer_t *w, const char *key, float v);
int gguf_writer_set_bool(gguf_writer_t *w, const char *key, bool v);
int gguf_writer_set_str(gguf_writer_t *w, const char *key, const char *v);
/* Numeric array of elem type et (not STRING/ARRAY); data copied. */
int gguf_writer_set_arr(gguf_writer_t *w, const char *key, gguf_vtype_t et,
                        const void *data, size_t n);
int gguf_writer_set_arr_str(gguf_writer_t *w, const char *key,
                            const char *const *v, size_t n);
/* Tensor descriptor; nbytes is derived from type and shape (quant.h). */
int gguf_writer_add_tensor(gguf_writer_t *w, const char *name, int type,
                           int n_dims, const int64_t *ne);
/* Write atomically (temp file + rename). */
int gguf_writer_write(gguf_writer_t *w, const char *path, gguf_fill_fn fill,
                      void *ud, lotse_err_t *err);

#endif
