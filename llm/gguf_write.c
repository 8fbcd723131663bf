/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/gguf_write.c — the GGUF v3 writer (see gguf.h).
 *
 * Contract: key/values and tensor descriptors are collected in memory
 * (setters copy their arguments; setting a key again replaces its value and
 * keeps its position), then gguf_writer_write() emits the file in one pass:
 * header, key/values in insertion order, tensor infos, padding to the
 * alignment, then each tensor's bytes (from the fill callback) padded to the
 * alignment. Tensor offsets are therefore exactly sequential, as the reader
 * demands. The alignment is a u32 "general.alignment" if one was set, else
 * 32. The file appears atomically: it is written to a temporary file in the
 * target directory, synced and renamed; on failure nothing is left behind.
 * Only one tensor buffer (the largest tensor) is held at a time.
 */
#include "llm/gguf.h"

#include "llm/quant.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct wkv {
  char *key;
  gguf_vtype_t type; /* scalar type, STRING or ARRAY */
  gguf_vtype_t et;   /* element type of arrays */
  size_t n;          /* array length */
  unsigned char scalar[8];
  char *str;         /* STRING value */
  void *arr;         /* numeric array data (n * elem size) */
  char **strs;       /* string array */
} wkv_t;

typedef struct wtensor {
  char *name;
  int type;
  int n_dims;
  int64_t ne[GGUF_MAX_DIMS];
  size_t nbytes;
} wtensor_t;

struct gguf_writer {
  wkv_t *kv;
  size_t n_kv, cap_kv;
  wtensor_t *t;
  size_t n_t, cap_t;
};

/* ------------------------------------------------------------ helpers */

static size_t vtype_size(gguf_vtype_t t) {
  switch (t) {
  case GGUF_VT_U8: case GGUF_VT_I8: case GGUF_VT_BOOL: return 1;
  case GGUF_VT_U16: case GGUF_VT_I16: return 2;
  case GGUF_VT_U32: case GGUF_VT_I32: case GGUF_VT_F32: return 4;
  case GGUF_VT_U64: case GGUF_VT_I64: case GGUF_VT_F64: return 8;
  default: return 0;
  }
}

static void kv_clear(wkv_t *kv) {
  free(kv->str);
  free(kv->arr);
  if (kv->strs)
    for (size_t i = 0; i < kv->n; i++) free(kv->strs[i]);
  free(kv->strs);
  kv->str = NULL;
  kv->arr = NULL;
  kv->strs = NULL;
  kv->n = 0;
}

/* The slot for key: the existing one (cleared) or a new one at the end. */
static wkv_t *kv_slot(gguf_writer_t *w, const char *key) {
  if (!w || !key) return NULL;
  for (size_t i = 0; i < w->n_kv; i++)
    if (!strcmp(w->kv[i].key, key)) {
      kv_clear(&w->kv[i]);
      return &w->kv[i];
    }
  if (w->n_kv == w->cap_kv) {
    size_t cap = w->cap_kv ? 2 * w->cap_kv : 32;
    wkv_t *kv = realloc(w->kv, cap * sizeof *kv);
    if (!kv) return NULL;
    w->kv = kv;
    w->cap_kv = cap;
  }
  wkv_t *kv = &w->kv[w->n_kv];
  memset(kv, 0, sizeof *kv);
  kv->key = lotse_strdup(key);
  if (!kv->key) return NULL;
  w->n_kv++;
  return kv;
}

static int set_scalar(gguf_writer_t *w, const char *key, gguf_vtype_t t,
                      const void *v, size_t n) {
  wkv_t *kv = kv_slot(w, key);
  if (!kv) return LOTSE_ENOMEM;
  kv->type = t;
  memcpy(kv->scalar, v, n);
  return 0;
}

/* ------------------------------------------------------------ building */

gguf_writer_t *gguf_writer_new(void) { return calloc(1, sizeof(gguf_writer_t)); }

void gguf_writer_free(gguf_writer_t *w) {
  if (!w) return;
  for (size_t i = 0; i < w->n_kv; i++) {
    kv_clear(&w->kv[i]);
    free(w->kv[i].key);
  }
  for (size_t i = 0; i < w->n_t; i++) free(w->t[i].name);
  free(w->kv);
  free(w->t);
  free(w);
}

int gguf_writer_set_u32(gguf_writer_t *w, const char *key, uint32_t v) {
  return set_scalar(w, key, GGUF_VT_U32, &v, 4);
}

int gguf_writer_set_i32(gguf_writer_t *w, const char *key, int32_t v) {
  return set_scalar(w, key, GGUF_VT_I32, &v, 4);
}

int gguf_writer_set_f32(gguf_writer_t *w, const char *key, float v) {
  return set_scalar(w, key, GGUF_VT_F32, &v, 4);
}

int gguf_writer_set_bool(gguf_writer_t *w, const char *key, bool v) {
  unsigned char b = v ? 1 : 0;
  return set_scalar(w, key, GGUF_VT_BOOL, &b, 1);
}

int gguf_writer_set_str(gguf_writer_t *w, const char *key, const char *v) {
  if (!v) return LOTSE_EINVAL;
  wkv_t *kv = kv_slot(w, key);
  if (!kv) return LOTSE_ENOMEM;
  kv->type = GGUF_VT_STRING;
  kv->str = lotse_strdup(v);
  return kv->str ? 0 : LOTSE_ENOMEM;
}

int gguf_writer_set_arr(gguf_writer_t *w, const char *key, gguf_vtype_t et,
                        const void *data, size_t n) {
  size_t es = vtype_size(et);
  if (!es || (n && !data) || n > SIZE_MAX / es) return LOTSE_EINVAL;
  wkv_t *kv = kv_slot(w, key);
  if (!kv) return LOTSE_ENOMEM;
  kv->type = GGUF_VT_ARRAY;
  kv->et = et;
  kv->arr = malloc(n * es + 1);
  if (!kv->arr) return LOTSE_ENOMEM;
  if (n) memcpy(kv->arr, data, n * es);
  kv->n = n;
  return 0;
}

int gguf_writer_set_arr_str(gguf_writer_t *w, const char *key,
                            const char *const *v, size_t n) {
  if (n && !v) return LOTSE_EINVAL;
  wkv_t *kv = kv_slot(w, key);
  if (!kv) return LOTSE_ENOMEM;
  kv->type = GGUF_VT_ARRAY;
  kv->et = GGUF_VT_STRING;
  kv->strs = calloc(n + 1, sizeof(char *));
  if (!kv->strs) return LOTSE_ENOMEM;
  kv->n = n; /* kv_clear frees whatever was copied so far */
  for (size_t i = 0; i < n; i++) {
    kv->strs[i] = lotse_strdup(v[i] ? v[i] : "");
    if (!kv->strs[i]) return LOTSE_ENOMEM;
  }
  return 0;
}

int gguf_writer_add_tensor(gguf_writer_t *w, const char *name, int type,
                           int n_dims, const int64_t *ne) {
  /* llama.cpp refuses names of 64 bytes or more (GGML_MAX_NAME). */
  if (!w || !name || !ne || n_dims < 1 || n_dims > GGUF_MAX_DIMS ||
      strlen(name) >= 64)
    return LOTSE_EINVAL;
  for (size_t i = 0; i < w->n_t; i++)
    if (!strcmp(w->t[i].name, name)) return LOTSE_EEXIST;
  wtensor_t t = {.type = type, .n_dims = n_dims};
  uint64_t rows = 1;
  for (int d = 0; d < GGUF_MAX_DIMS; d++) {
    t.ne[d] = d < n_dims ? ne[d] : 1;
    if (t.ne[d] <= 0) return LOTSE_EINVAL;
    if (d > 0) {
      if (rows > UINT64_MAX / (uint64_t)t.ne[d]) return LOTSE_EINVAL;
      rows *= (uint64_t)t.ne[d];
    }
  }
  size_t rb = llm_row_bytes(type, t.ne[0]);
  if (!rb || rows > SIZE_MAX / rb) return LOTSE_EINVAL;
  t.nbytes = rb * (size_t)rows;
  if (w->n_t == w->cap_t) {
    size_t cap = w->cap_t ? 2 * w->cap_t : 64;
    wtensor_t *nt = realloc(w->t, cap * sizeof *nt);
    if (!nt) return LOTSE_ENOMEM;
    w->t = nt;
    w->cap_t = cap;
  }
  t.name = lotse_strdup(name);
  if (!t.name) return LOTSE_ENOMEM;
  w->t[w->n_t++] = t;
  return 0;
}

/* ------------------------------------------------------------ writing */

typedef struct out {
  FILE *f;
  uint64_t pos;
  int failed;
} out_t;

static void put(out_t *o, const void *p, size_t n) {
  if (o->failed || !n) return;
  if (fwrite(p, 1, n, o->f) != n) o->failed = 1;
  o->pos += n;
}

static void put_u32(out_t *o, uint32_t v) { put(o, &v, 4); }
static void put_u64(out_t *o, uint64_t v) { put(o, &v, 8); }

static void put_str(out_t *o, const char *s) {
  size_t n = strlen(s);
  put_u64(o, n);
  put(o, s, n);
}

static void put_pad(out_t *o, size_t align) {
  static const unsigned char zero[64];
  size_t pad = (size_t)((align - o->pos % align) % align);
  while (pad) {
    size_t k = pad < sizeof zero ? pad : sizeof zero;
    put(o, zero, k);
    pad -= k;
  }
}

static void put_kv(out_t *o, const wkv_t *kv) {
  put_str(o, kv->key);
  put_u32(o, (uint32_t)kv->type);
  if (kv->type == GGUF_VT_STRING) {
    put_str(o, kv->str);
  } else if (kv->type == GGUF_VT_ARRAY) {
    put_u32(o, (uint32_t)kv->et);
    put_u64(o, kv->n);
    if (kv->et == GGUF_VT_STRING)
      for (size_t i = 0; i < kv->n; i++) put_str(o, kv->strs[i]);
    else
      put(o, kv->arr, kv->n * vtype_size(kv->et));
  } else {
    put(o, kv->scalar, vtype_size(kv->type));
  }
}

static size_t writer_alignment(const gguf_writer_t *w) {
  for (size_t i = 0; i < w->n_kv; i++)
    if (!strcmp(w->kv[i].key, "general.alignment")) {
      int32_t a; /* u32 or i32 (the reader accepts any integer that fits) */
      memcpy(&a, w->kv[i].scalar, 4);
      if (w->kv[i].type == GGUF_VT_U32) return (uint32_t)a;
      if (w->kv[i].type == GGUF_VT_I32 && a > 0) return (size_t)a;
      return 0; /* any other type: refused below */
    }
  return GGUF_DEFAULT_ALIGNMENT;
}

static void put_header(out_t *o, const gguf_writer_t *w, size_t align) {
  put(o, "GGUF", 4);
  put_u32(o, 3);
  put_u64(o, w->n_t);
  put_u64(o, w->n_kv);
  for (size_t i = 0; i < w->n_kv; i++) put_kv(o, &w->kv[i]);
  uint64_t off = 0;
  for (size_t i = 0; i < w->n_t; i++) {
    const wtensor_t *t = &w->t[i];
    put_str(o, t->name);
    put_u32(o, (uint32_t)t->n_dims);
    for (int d = 0; d < t->n_dims; d++) put_u64(o, (uint64_t)t->ne[d]);
    put_u32(o, (uint32_t)t->type);
    put_u64(o, off);
    off += (t->nbytes + align - 1) / align * align;
  }
  put_pad(o, align);
}

static int put_tensors(out_t *o, const gguf_writer_t *w, size_t align,
                       gguf_fill_fn fill, void *ud, lotse_err_t *err) {
  size_t max = 0;
  for (size_t i = 0; i < w->n_t; i++)
    if (w->t[i].nbytes > max) max = w->t[i].nbytes;
  if (!w->n_t) return 0;
  if (!fill) return lotse_err_set(err, LOTSE_EINVAL, "no tensor data source");
  void *buf = malloc(max);
  if (!buf)
    return lotse_err_set(err, LOTSE_ENOMEM, "no memory for a tensor of %zu "
                         "bytes", max);
  int rc = 0;
  for (size_t i = 0; i < w->n_t && !rc && !o->failed; i++) {
    memset(buf, 0, w->t[i].nbytes);
    rc = fill(ud, i, buf, w->t[i].nbytes, err);
    if (rc) break;
    put(o, buf, w->t[i].nbytes);
    put_pad(o, align);
  }
  free(buf);
  return rc;
}

static int write_all(out_t *o, gguf_writer_t *w, gguf_fill_fn fill, void *ud,
                     lotse_err_t *err) {
  size_t align = writer_alignment(w);
  if (!align || (align & (align - 1)) || align > (1u << 30))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "general.alignment %zu is not a power of two up to "
                         "2^30", align);
  put_header(o, w, align);
  int rc = put_tensors(o, w, align, fill, ud, err);
  if (rc) return rc;
  if (!o->failed && fflush(o->f)) o->failed = 1;
  if (!o->failed && fsync(fileno(o->f))) o->failed = 1;
  return 0;
}

int gguf_writer_write(gguf_writer_t *w, const char *path, gguf_fill_fn fill,
                      void *ud, lotse_err_t *err) {
  if (!w || !path) return lotse_err_set(err, LOTSE_EINVAL, "no writer or path");
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp.XXXXXX", 12);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return lotse_err_set(err, LOTSE_EIO, "unable to create '%s': %s", path,
                         strerror(e));
  }
  if (fchmod(fd, 0644)) { /* mkstemp made it 0600; a model is not secret */
  }
  out_t o = {.f = fdopen(fd, "wb")};
  if (!o.f) close(fd);
  else setvbuf(o.f, NULL, _IOFBF, 1 << 20);
  int rc = o.f ? write_all(&o, w, fill, ud, err) : 0;
  int e = errno;
  if (o.f && fclose(o.f) && !rc) o.failed = 1;
  if (!rc && (!o.f || o.failed))
    rc = lotse_err_set(err, LOTSE_EIO, "unable to write '%s': %s", path,
                       strerror(e ? e : EIO));
  if (!rc && rename(tmp, path)) {
    e = errno;
    rc = lotse_err_set(err, LOTSE_EIO, "unable to rename to '%s': %s", path,
                       strerror(e));
  }
  if (rc) unlink(tmp);
  free(tmp);
  return rc;
}
