/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/gguf.c — the GGUF v3 reader (see gguf.h for the contract).
 *
 * The whole header is parsed and checked inside gguf_open(): every read
 * goes through a cursor that refuses to step past the end of the buffer,
 * and every size is computed with overflow checks before it is compared
 * with the bytes left. Afterwards the accessors only follow offsets that
 * were validated, so no accessor can read outside the mapping.
 *
 * Limits (a file beyond them is LOTSE_ECORRUPT):
 *   at most 2^20 key/values and 2^20 tensors (and never more than the
 *   remaining bytes could hold: a key/value needs >= 13 bytes, a tensor
 *   info >= 32); a key at most 64 KiB, a tensor name at most 256 bytes, any
 *   string at most 1 GiB; arrays only of scalars or strings (no nested
 *   arrays), their length bounded by the bytes left; keys and tensor names
 *   unique; booleans 0 or 1; general.alignment an integer power of two up to
 *   2^30 (default 32); tensors of a type llm_type_info() knows, 1..4
 *   dimensions, each > 0, ne[0] a multiple of the block size, the byte size
 *   representable; data offsets exactly sequential (each tensor padded to
 *   the alignment, the first at 0) and inside the file. Trailing bytes after
 *   the last tensor are allowed.
 * Error messages say what was wrong and at which byte offset of the file.
 */
#include "llm/gguf.h"

#include "llm/quant.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GGUF_MAX_KV (1u << 20)
#define GGUF_MAX_TENSORS (1u << 20)
#define GGUF_MAX_KEY (64u << 10)
#define GGUF_MAX_NAME 256u
#define GGUF_MAX_STR (1u << 30)
#define GGUF_MAX_ALIGN (1u << 30)

typedef struct rkv {
  gguf_str_t key;
  gguf_vtype_t type;
  gguf_vtype_t et;    /* arrays: element type */
  uint64_t n;         /* arrays: length */
  const uint8_t *val; /* scalar / string / first array element */
} rkv_t;

struct gguf {
  const uint8_t *base;
  size_t size;
  bool mapped;
  uint32_t version;
  size_t alignment;
  rkv_t *kv;
  size_t n_kv;
  gguf_tensor_t *t;
  size_t n_t;
  size_t data_off;
  size_t *off_at; /* while parsing: file offset of each tensor's offset field */
};

/* ------------------------------------------------------------ cursor */

typedef struct cur {
  const uint8_t *p;
  size_t size, pos;
  lotse_err_t *err;
} cur_t;

static int need(cur_t *c, uint64_t n, const char *what) {
  if (n <= c->size - c->pos) return 0;
  return LOTSE_CORRUPT_BKPT(c->err, "%s needs %llu bytes but only %zu are "
                            "left at byte offset %zu", what,
                            (unsigned long long)n, c->size - c->pos, c->pos);
}

static int rd_u32(cur_t *c, uint32_t *v, const char *what) {
  if (need(c, 4, what)) return LOTSE_ECORRUPT;
  memcpy(v, c->p + c->pos, 4);
  c->pos += 4;
  return 0;
}

static int rd_u64(cur_t *c, uint64_t *v, const char *what) {
  if (need(c, 8, what)) return LOTSE_ECORRUPT;
  memcpy(v, c->p + c->pos, 8);
  c->pos += 8;
  return 0;
}

static int rd_str(cur_t *c, gguf_str_t *s, uint64_t cap, const char *what) {
  size_t at = c->pos;
  uint64_t n;
  if (rd_u64(c, &n, what)) return LOTSE_ECORRUPT;
  if (n > cap)
    return LOTSE_CORRUPT_BKPT(c->err, "%s length %llu exceeds the limit of "
                              "%llu at byte offset %zu", what,
                              (unsigned long long)n, (unsigned long long)cap,
                              at);
  if (need(c, n, what)) return LOTSE_ECORRUPT;
  s->p = (const char *)c->p + c->pos;
  s->n = (size_t)n;
  c->pos += (size_t)n;
  return 0;
}

/* A printable, bounded copy of a name for error messages. */
static const char *show(gguf_str_t s, char buf[72]) {
  size_t n = s.n < 64 ? s.n : 64, k = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s.p[i];
    buf[k++] = ch >= 0x20 && ch != 0x7f ? (char)ch : '?';
  }
  if (s.n > n) buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
  buf[k] = '\0';
  return buf;
}

static bool str_eq(gguf_str_t a, const char *b, size_t n) {
  return a.n == n && (n == 0 || !memcmp(a.p, b, n));
}

/* ------------------------------------------------------------ uniqueness */

typedef struct uset {
  uint32_t *slot; /* index + 1, 0 = empty */
  size_t mask;
} uset_t;

static uint64_t hash_str(gguf_str_t s) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < s.n; i++) h = (h ^ (uint8_t)s.p[i]) * 1099511628211ull;
  return h;
}

static int uset_init(uset_t *u, size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  u->slot = calloc(cap, sizeof *u->slot);
  u->mask = cap - 1;
  return u->slot ? 0 : LOTSE_ENOMEM;
}

/* 1 if a name equal to names[i] was added before, else adds i. */
static int uset_add(uset_t *u, const gguf_str_t *names, size_t stride,
                    size_t i) {
  gguf_str_t s = *(const gguf_str_t *)((const char *)names + i * stride);
  for (size_t h = hash_str(s) & u->mask;; h = (h + 1) & u->mask) {
    if (!u->slot[h]) {
      u->slot[h] = (uint32_t)i + 1;
      return 0;
    }
    const gguf_str_t *o = (const gguf_str_t *)((const char *)names +
                                               (u->slot[h] - 1) * stride);
    if (str_eq(*o, s.p, s.n)) return 1;
  }
}

/* ------------------------------------------------------------ key/values */

static size_t vtype_size(uint32_t t) {
  switch (t) {
  case GGUF_VT_U8: case GGUF_VT_I8: case GGUF_VT_BOOL: return 1;
  case GGUF_VT_U16: case GGUF_VT_I16: return 2;
  case GGUF_VT_U32: case GGUF_VT_I32: case GGUF_VT_F32: return 4;
  case GGUF_VT_U64: case GGUF_VT_I64: case GGUF_VT_F64: return 8;
  default: return 0;
  }
}

static int check_bools(cur_t *c, uint64_t n, const char *key) {
  for (uint64_t i = 0; i < n; i++)
    if (c->p[c->pos + i] > 1)
      return LOTSE_CORRUPT_BKPT(c->err, "boolean of key '%s' is %u, not 0 or "
                                "1, at byte offset %zu", key,
                                c->p[c->pos + i], c->pos + (size_t)i);
  return 0;
}

static int parse_array(cur_t *c, rkv_t *kv, const char *key) {
  size_t at = c->pos;
  uint32_t et;
  if (rd_u32(c, &et, "array type") || rd_u64(c, &kv->n, "array length"))
    return LOTSE_ECORRUPT;
  kv->et = (gguf_vtype_t)et;
  kv->val = c->p + c->pos;
  size_t es = vtype_size(et);
  if (et == GGUF_VT_STRING) {
    if (kv->n > (c->size - c->pos) / 8)
      return LOTSE_CORRUPT_BKPT(c->err, "string array '%s' of %llu elements "
                                "cannot fit in the file at byte offset %zu",
                                key, (unsigned long long)kv->n, at);
    for (uint64_t i = 0; i < kv->n; i++) {
      gguf_str_t s;
      if (rd_str(c, &s, GGUF_MAX_STR, "array string")) return LOTSE_ECORRUPT;
    }
    return 0;
  }
  if (!es)
    return LOTSE_CORRUPT_BKPT(c->err, "array '%s' has invalid element type "
                              "%u at byte offset %zu", key, et, at);
  if (kv->n > (c->size - c->pos) / es)
    return LOTSE_CORRUPT_BKPT(c->err, "array '%s' of %llu elements runs past "
                              "the end of the file at byte offset %zu", key,
                              (unsigned long long)kv->n, at);
  if (et == GGUF_VT_BOOL && check_bools(c, kv->n, key)) return LOTSE_ECORRUPT;
  c->pos += (size_t)(kv->n * es);
  return 0;
}

static int parse_kv(cur_t *c, rkv_t *kv) {
  char name[72];
  if (rd_str(c, &kv->key, GGUF_MAX_KEY, "key")) return LOTSE_ECORRUPT;
  show(kv->key, name);
  size_t at = c->pos;
  uint32_t t;
  if (rd_u32(c, &t, "value type")) return LOTSE_ECORRUPT;
  kv->type = (gguf_vtype_t)t;
  kv->val = c->p + c->pos;
  if (t == GGUF_VT_ARRAY) return parse_array(c, kv, name);
  if (t == GGUF_VT_STRING) {
    gguf_str_t s;
    return rd_str(c, &s, GGUF_MAX_STR, "string value");
  }
  size_t es = vtype_size(t);
  if (!es)
    return LOTSE_CORRUPT_BKPT(c->err, "key '%s' has invalid value type %u at "
                              "byte offset %zu", name, t, at);
  if (need(c, es, "value")) return LOTSE_ECORRUPT;
  if (t == GGUF_VT_BOOL && check_bools(c, 1, name)) return LOTSE_ECORRUPT;
  c->pos += es;
  return 0;
}

static int parse_kvs(gguf_t *g, cur_t *c, uint64_t n) {
  if (n > GGUF_MAX_KV || n > (c->size - c->pos) / 13)
    return LOTSE_CORRUPT_BKPT(c->err, "key/value count %llu is impossible for "
                              "this file at byte offset 16",
                              (unsigned long long)n);
  g->kv = calloc(n ? n : 1, sizeof *g->kv);
  uset_t u;
  if (!g->kv || uset_init(&u, n))
    return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t at = c->pos;
    rc = parse_kv(c, &g->kv[i]);
    g->n_kv = i + 1;
    char name[72];
    if (!rc && uset_add(&u, &g->kv[0].key, sizeof(rkv_t), i))
      rc = LOTSE_CORRUPT_BKPT(c->err, "duplicate key '%s' at byte offset %zu",
                              show(g->kv[i].key, name), at);
  }
  free(u.slot);
  return rc;
}

/* ------------------------------------------------------------ typed values */

/* An integer value as sign + magnitude; 0 if t is an integer type. */
static int int_value(gguf_vtype_t t, const uint8_t *p, bool *neg,
                     uint64_t *mag) {
  int64_t s = 0;
  uint64_t u = 0;
  switch (t) {
  case GGUF_VT_U8: u = p[0]; break;
  case GGUF_VT_I8: s = (int8_t)p[0]; break;
  case GGUF_VT_U16: { uint16_t v; memcpy(&v, p, 2); u = v; } break;
  case GGUF_VT_I16: { int16_t v; memcpy(&v, p, 2); s = v; } break;
  case GGUF_VT_U32: { uint32_t v; memcpy(&v, p, 4); u = v; } break;
  case GGUF_VT_I32: { int32_t v; memcpy(&v, p, 4); s = v; } break;
  case GGUF_VT_U64: memcpy(&u, p, 8); break;
  case GGUF_VT_I64: memcpy(&s, p, 8); break;
  default: return LOTSE_ECORRUPT;
  }
  bool is_signed = t == GGUF_VT_I8 || t == GGUF_VT_I16 || t == GGUF_VT_I32 ||
                   t == GGUF_VT_I64;
  *neg = is_signed && s < 0;
  *mag = !is_signed ? u : s < 0 ? (uint64_t)(-(s + 1)) + 1 : (uint64_t)s;
  return 0;
}

static int num_value(gguf_vtype_t t, const uint8_t *p, double *out) {
  if (t == GGUF_VT_F32) {
    float f;
    memcpy(&f, p, 4);
    *out = f;
    return 0;
  }
  if (t == GGUF_VT_F64) {
    memcpy(out, p, 8);
    return 0;
  }
  bool neg;
  uint64_t mag;
  if (int_value(t, p, &neg, &mag)) return LOTSE_ECORRUPT;
  *out = neg ? -(double)mag : (double)mag;
  return 0;
}

static int u32_value(gguf_vtype_t t, const uint8_t *p, uint32_t *out) {
  bool neg;
  uint64_t mag;
  if (int_value(t, p, &neg, &mag) || neg || mag > UINT32_MAX)
    return LOTSE_ECORRUPT;
  *out = (uint32_t)mag;
  return 0;
}

/* ------------------------------------------------------------ tensors */

static int parse_shape(cur_t *c, gguf_tensor_t *t, const char *name) {
  size_t at = c->pos;
  uint32_t nd;
  if (rd_u32(c, &nd, "tensor dimension count")) return LOTSE_ECORRUPT;
  if (nd < 1 || nd > GGUF_MAX_DIMS)
    return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' has %u dimensions (1 to 4 "
                              "allowed) at byte offset %zu", name, nd, at);
  t->n_dims = (int)nd;
  uint64_t total = 1;
  for (int d = 0; d < GGUF_MAX_DIMS; d++) {
    uint64_t ne = 1;
    at = c->pos;
    if (d < t->n_dims && rd_u64(c, &ne, "tensor dimension"))
      return LOTSE_ECORRUPT;
    if (ne == 0 || ne > (uint64_t)INT64_MAX || total > (uint64_t)INT64_MAX / ne)
      return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' dimension %d is %llu "
                                "(zero or too large) at byte offset %zu", name,
                                d, (unsigned long long)ne, at);
    total *= ne;
    t->ne[d] = (int64_t)ne;
  }
  return 0;
}

static int parse_type(cur_t *c, gguf_tensor_t *t, const char *name) {
  size_t at = c->pos;
  uint32_t type;
  if (rd_u32(c, &type, "tensor type")) return LOTSE_ECORRUPT;
  const llm_type_info_t *ti = type < LLM_TYPE_MAX_ ? llm_type_info((int)type)
                                                   : NULL;
  if (!ti)
    return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' has unknown type %u at "
                              "byte offset %zu", name, type, at);
  t->type = (int)type;
  size_t rb = llm_row_bytes(t->type, t->ne[0]);
  if (!rb)
    return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' row of %lld elements is "
                              "not a multiple of the %s block size %d at byte "
                              "offset %zu", name, (long long)t->ne[0],
                              ti->name, ti->block, at);
  uint64_t rows = (uint64_t)t->ne[1] * (uint64_t)t->ne[2] * (uint64_t)t->ne[3];
  if (rows > SIZE_MAX / rb)
    return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' size overflows at byte "
                              "offset %zu", name, at);
  t->nbytes = rb * (size_t)rows;
  return 0;
}

static int parse_tensors(gguf_t *g, cur_t *c, uint64_t n) {
  if (n > GGUF_MAX_TENSORS || n > (c->size - c->pos) / 32)
    return LOTSE_CORRUPT_BKPT(c->err, "tensor count %llu is impossible for "
                              "this file at byte offset 8",
                              (unsigned long long)n);
  g->t = calloc(n ? n : 1, sizeof *g->t);
  g->off_at = calloc(n ? n : 1, sizeof *g->off_at);
  uset_t u;
  if (!g->t || !g->off_at || uset_init(&u, n))
    return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    gguf_tensor_t *t = &g->t[i];
    size_t at = c->pos;
    char name[72];
    rc = rd_str(c, &t->name, GGUF_MAX_NAME, "tensor name");
    g->n_t = i + 1;
    if (rc) break;
    show(t->name, name);
    if (uset_add(&u, &g->t[0].name, sizeof(gguf_tensor_t), i))
      rc = LOTSE_CORRUPT_BKPT(c->err, "duplicate tensor '%s' at byte offset "
                              "%zu", name, at);
    if (!rc) rc = parse_shape(c, t, name);
    if (!rc) rc = parse_type(c, t, name);
    g->off_at[i] = c->pos;
    if (!rc) rc = rd_u64(c, &t->offset, "tensor offset");
  }
  free(u.slot);
  return rc;
}

/* x rounded up to a multiple of a (a power of two); false on overflow. */
static bool align_up(uint64_t x, size_t a, uint64_t *out) {
  if (x > UINT64_MAX - (a - 1)) return false;
  *out = (x + (a - 1)) & ~(uint64_t)(a - 1);
  return true;
}

static int place_tensors(gguf_t *g, cur_t *c) {
  uint64_t d = 0;
  if (!align_up(c->pos, g->alignment, &d) || (g->n_t && d > g->size))
    return LOTSE_CORRUPT_BKPT(c->err, "tensor data section at byte offset "
                              "%llu starts beyond the end of the file (%zu "
                              "bytes)", (unsigned long long)d, g->size);
  g->data_off = (size_t)d;
  uint64_t next = 0, room = g->n_t ? g->size - g->data_off : 0;
  for (size_t i = 0; i < g->n_t; i++) {
    gguf_tensor_t *t = &g->t[i];
    char name[72];
    show(t->name, name);
    if (t->offset % g->alignment)
      return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' data offset %llu is not "
                                "a multiple of the alignment %zu at byte "
                                "offset %zu", name,
                                (unsigned long long)t->offset, g->alignment,
                                g->off_at[i]);
    if (t->offset != next)
      return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' data offset %llu, "
                                "expected %llu (data must be sequential) at "
                                "byte offset %zu", name,
                                (unsigned long long)t->offset,
                                (unsigned long long)next, g->off_at[i]);
    if (t->offset > room || t->nbytes > room - t->offset)
      return LOTSE_CORRUPT_BKPT(c->err, "tensor '%s' data (%zu bytes at byte "
                                "offset %llu) runs past the end of the file "
                                "(%zu bytes)", name, t->nbytes,
                                (unsigned long long)(g->data_off + t->offset),
                                g->size);
    t->data = g->base + g->data_off + t->offset;
    if (!align_up(t->offset + t->nbytes, g->alignment, &next))
      next = UINT64_MAX; /* only reachable for the last tensor */
  }
  return 0;
}

/* ------------------------------------------------------------ open */

static int parse_version(cur_t *c, uint32_t v) {
  if (v == 3) return 0;
  if (v == 1 || v == 2)
    return lotse_err_set(c->err, LOTSE_EUNSUPPORTED, "gguf version %u is not "
                         "supported (only version 3); convert the model with "
                         "a current llama.cpp", v);
  if (v == 0x03000000u)
    return lotse_err_set(c->err, LOTSE_EUNSUPPORTED, "big-endian gguf files "
                         "are not supported");
  if (v > 3 && v < 65536)
    return lotse_err_set(c->err, LOTSE_EUNSUPPORTED, "gguf version %u is "
                         "newer than this program understands (3)", v);
  return LOTSE_CORRUPT_BKPT(c->err, "invalid gguf version %u at byte offset 4",
                            v);
}

static int parse_alignment(gguf_t *g, cur_t *c) {
  g->alignment = GGUF_DEFAULT_ALIGNMENT;
  int64_t i = gguf_find_key(g, "general.alignment");
  if (i < 0) return 0;
  uint32_t a;
  if (u32_value(g->kv[i].type, g->kv[i].val, &a) || !a || (a & (a - 1)) ||
      a > GGUF_MAX_ALIGN)
    return LOTSE_CORRUPT_BKPT(c->err, "general.alignment at byte offset %zu "
                              "is not a power of two up to 2^30",
                              (size_t)(g->kv[i].val - g->base));
  g->alignment = a;
  return 0;
}

static int parse(gguf_t *g, lotse_err_t *err) {
  cur_t c = {.p = g->base, .size = g->size, .err = err};
  if (g->size < 4 || memcmp(g->base, "GGUF", 4))
    return LOTSE_CORRUPT_BKPT(err, "not a gguf file (magic bytes missing at "
                              "byte offset 0)");
  c.pos = 4;
  uint64_t n_t, n_kv;
  if (rd_u32(&c, &g->version, "version")) return LOTSE_ECORRUPT;
  int rc = parse_version(&c, g->version);
  if (rc) return rc;
  if (rd_u64(&c, &n_t, "tensor count") || rd_u64(&c, &n_kv, "key/value count"))
    return LOTSE_ECORRUPT;
  if ((rc = parse_kvs(g, &c, n_kv))) return rc;
  if ((rc = parse_alignment(g, &c))) return rc;
  if ((rc = parse_tensors(g, &c, n_t))) return rc;
  rc = place_tensors(g, &c);
  free(g->off_at);
  g->off_at = NULL;
  return rc;
}

int gguf_open_mem(const void *buf, size_t len, gguf_t **out,
                  lotse_err_t *err) {
  *out = NULL;
  if (!buf && len) return lotse_err_set(err, LOTSE_EINVAL, "no buffer");
  gguf_t *g = calloc(1, sizeof *g);
  if (!g) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  g->base = buf ? buf : (const uint8_t *)"";
  g->size = len;
  int rc = parse(g, err);
  if (rc) {
    gguf_close(g);
    return rc;
  }
  *out = g;
  return 0;
}

static int map_file(const char *path, const void **p, size_t *n,
                    lotse_err_t *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lotse_err_set(err, errno == ENOENT ? LOTSE_ENOTFOUND : LOTSE_EIO,
                         "unable to open '%s': %s", path, strerror(errno));
  struct stat st;
  int rc = 0;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode))
    rc = lotse_err_set(err, LOTSE_EIO, "unable to open '%s': not a regular "
                       "file", path);
  else if (st.st_size == 0)
    rc = LOTSE_CORRUPT_BKPT(err, "'%s': empty file, not a gguf model", path);
  if (!rc) {
    *n = (size_t)st.st_size;
    *p = mmap(NULL, *n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (*p == MAP_FAILED)
      rc = lotse_err_set(err, LOTSE_EIO, "unable to map '%s': %s", path,
                         strerror(errno));
  }
  close(fd);
  return rc;
}

int gguf_open(const char *path, gguf_t **out, lotse_err_t *err) {
  *out = NULL;
  const void *p = NULL;
  size_t n = 0;
  int rc = map_file(path, &p, &n, err);
  if (rc) return rc;
  rc = gguf_open_mem(p, n, out, err);
  if (rc) {
    munmap((void *)p, n);
    if (err) {
      char msg[LOTSE_ERR_MSG_MAX];
      snprintf(msg, sizeof msg, "%s", err->msg);
      lotse_err_set(err, rc, "'%s': %s", path, msg);
    }
    return rc;
  }
  (*out)->mapped = true;
  return 0;
}

void gguf_close(gguf_t *g) {
  if (!g) return;
  if (g->mapped) munmap((void *)g->base, g->size);
  free(g->kv);
  free(g->t);
  free(g->off_at);
  free(g);
}

/* ------------------------------------------------------------ accessors */

uint32_t gguf_version(const gguf_t *g) { return g->version; }
size_t gguf_file_size(const gguf_t *g) { return g->size; }
size_t gguf_alignment(const gguf_t *g) { return g->alignment; }
size_t gguf_kv_count(const gguf_t *g) { return g->n_kv; }

gguf_str_t gguf_kv_key(const gguf_t *g, size_t i) {
  return i < g->n_kv ? g->kv[i].key : (gguf_str_t){"", 0};
}

gguf_vtype_t gguf_kv_type(const gguf_t *g, size_t i) {
  return i < g->n_kv ? g->kv[i].type : (gguf_vtype_t)-1;
}

/* Non-arrays: the value's own type and length 0. */
gguf_vtype_t gguf_kv_arr_type(const gguf_t *g, size_t i) {
  if (i >= g->n_kv) return (gguf_vtype_t)-1;
  return g->kv[i].type == GGUF_VT_ARRAY ? g->kv[i].et : g->kv[i].type;
}

uint64_t gguf_kv_arr_len(const gguf_t *g, size_t i) {
  return i < g->n_kv && g->kv[i].type == GGUF_VT_ARRAY ? g->kv[i].n : 0;
}

int64_t gguf_find_key(const gguf_t *g, const char *key) {
  size_t n = strlen(key);
  for (size_t i = 0; i < g->n_kv; i++)
    if (str_eq(g->kv[i].key, key, n)) return (int64_t)i;
  return -1;
}

static const rkv_t *find(const gguf_t *g, const char *key) {
  int64_t i = gguf_find_key(g, key);
  return i < 0 ? NULL : &g->kv[i];
}

int gguf_get_u32(const gguf_t *g, const char *key, uint32_t *out) {
  const rkv_t *kv = find(g, key);
  if (!kv) return LOTSE_ENOTFOUND;
  return u32_value(kv->type, kv->val, out);
}

int gguf_get_i64(const gguf_t *g, const char *key, int64_t *out) {
  const rkv_t *kv = find(g, key);
  if (!kv) return LOTSE_ENOTFOUND;
  bool neg;
  uint64_t mag;
  if (int_value(kv->type, kv->val, &neg, &mag)) return LOTSE_ECORRUPT;
  if (neg) {
    *out = mag ? -(int64_t)(mag - 1) - 1 : 0;
    return 0;
  }
  if (mag > (uint64_t)INT64_MAX) return LOTSE_ECORRUPT;
  *out = (int64_t)mag;
  return 0;
}

int gguf_get_f32(const gguf_t *g, const char *key, float *out) {
  const rkv_t *kv = find(g, key);
  if (!kv) return LOTSE_ENOTFOUND;
  double d;
  if (num_value(kv->type, kv->val, &d)) return LOTSE_ECORRUPT;
  *out = (float)d;
  return 0;
}

int gguf_get_bool(const gguf_t *g, const char *key, bool *out) {
  const rkv_t *kv = find(g, key);
  if (!kv) return LOTSE_ENOTFOUND;
  if (kv->type != GGUF_VT_BOOL) return LOTSE_ECORRUPT;
  *out = kv->val[0] != 0;
  return 0;
}

static gguf_str_t str_at(const uint8_t *p) {
  uint64_t n;
  memcpy(&n, p, 8);
  return (gguf_str_t){(const char *)p + 8, (size_t)n};
}

int gguf_get_str(const gguf_t *g, const char *key, gguf_str_t *out) {
  const rkv_t *kv = find(g, key);
  if (!kv) return LOTSE_ENOTFOUND;
  if (kv->type != GGUF_VT_STRING) return LOTSE_ECORRUPT;
  *out = str_at(kv->val);
  return 0;
}

static const rkv_t *find_arr(const gguf_t *g, const char *key, int *rc) {
  const rkv_t *kv = find(g, key);
  *rc = !kv ? LOTSE_ENOTFOUND
            : kv->type != GGUF_VT_ARRAY ? LOTSE_ECORRUPT : 0;
  return *rc ? NULL : kv;
}

int gguf_get_arr_f32(const gguf_t *g, const char *key, float **out,
                     size_t *n) {
  int rc;
  const rkv_t *kv = find_arr(g, key, &rc);
  if (rc) return rc;
  size_t es = vtype_size(kv->et);
  if (!es || kv->et == GGUF_VT_BOOL) return LOTSE_ECORRUPT;
  float *v = malloc((size_t)kv->n * sizeof *v + 1);
  if (!v) return LOTSE_ENOMEM;
  for (size_t i = 0; i < kv->n; i++) {
    double d = 0;
    num_value(kv->et, kv->val + i * es, &d);
    v[i] = (float)d;
  }
  *out = v;
  *n = (size_t)kv->n;
  return 0;
}

int gguf_get_arr_i32(const gguf_t *g, const char *key, int32_t **out,
                     size_t *n) {
  int rc;
  const rkv_t *kv = find_arr(g, key, &rc);
  if (rc) return rc;
  size_t es = vtype_size(kv->et);
  int32_t *v = malloc((size_t)kv->n * sizeof *v + 1);
  if (!v) return LOTSE_ENOMEM;
  for (size_t i = 0; i < kv->n; i++) {
    bool neg;
    uint64_t mag;
    if (int_value(kv->et, kv->val + i * es, &neg, &mag) ||
        mag > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX)) {
      free(v);
      return LOTSE_ECORRUPT;
    }
    v[i] = neg ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
  }
  *out = v;
  *n = (size_t)kv->n;
  return 0;
}

int gguf_get_arr_str(const gguf_t *g, const char *key, gguf_str_t **out,
                     size_t *n) {
  int rc;
  const rkv_t *kv = find_arr(g, key, &rc);
  if (rc) return rc;
  if (kv->et != GGUF_VT_STRING) return LOTSE_ECORRUPT;
  gguf_str_t *v = malloc((size_t)kv->n * sizeof *v + 1);
  if (!v) return LOTSE_ENOMEM;
  const uint8_t *p = kv->val;
  for (size_t i = 0; i < kv->n; i++) {
    v[i] = str_at(p);
    p += 8 + v[i].n;
  }
  *out = v;
  *n = (size_t)kv->n;
  return 0;
}

size_t gguf_tensor_count(const gguf_t *g) { return g->n_t; }

const gguf_tensor_t *gguf_tensor_at(const gguf_t *g, size_t i) {
  return i < g->n_t ? &g->t[i] : NULL;
}

const gguf_tensor_t *gguf_find_tensor(const gguf_t *g, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < g->n_t; i++)
    if (str_eq(g->t[i].name, name, n)) return &g->t[i];
  return NULL;
}
