/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/reference/lotsedump.c — one matmul of lotse's public kernels on
 * given activations, to compare with the intermediates refdump writes from
 * llama.cpp (feed both engines the same input, compare the outputs).
 *
 *   lotsedump MODEL TENSOR IN.f32 OUT.f32 [--pack]
 *   lotsedump --forward MODEL 1,2,3 DIR
 *
 * IN.f32 holds m rows of TENSOR's n_in floats (e.g. llama.cpp's attn_norm-0
 * for blk.0.attn_q.weight); OUT.f32 gets m rows of n_out floats:
 * llm_act_quantize (the weight's dot type) then llm_matmul, with the
 * packed layout when --pack is given (what lotse uses for batches).
 * Nothing of the engine is re-implemented here.
 *
 * --forward runs lotse's own forward pass (llm_ctx_decode, one thread, the
 * whole prompt in one batch) and records, through the linker's --wrap of
 * llm_act_quantize and llm_matmul (no hook in the engine), every matmul's
 * float input and output: DIR/in-TENSOR.f32 and DIR/out-TENSOR.f32, m rows
 * each (the input only for the first weight of a group sharing one
 * quantised activation, e.g. attn_q for q/k/v).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/gguf.h"
#include "llm/model.h"
#include "llm/quant.h"

/* ------------------------------------------------ --forward recording */

#define REC_MAX 512
typedef struct rec {
  const void *data; /* the weight's bytes: identifies the tensor */
  int64_t n_in, n_out, m_in, m_out;
  float *in, *out; /* m x n_in, m x n_out */
} rec_t;
static rec_t g_rec[REC_MAX];
static int g_nrec, g_recording;

static rec_t *rec_for(const llm_mat_t *w, int64_t m) {
  rec_t *r = NULL;
  for (int i = 0; i < g_nrec && !r; i++)
    if (g_rec[i].data == w->data) r = &g_rec[i];
  if (!r && g_nrec < REC_MAX) {
    r = &g_rec[g_nrec++];
    *r = (rec_t){.data = w->data, .n_in = w->n_in, .n_out = w->n_out};
  }
  if (r && m > r->m_in && m > r->m_out) {
    float *in = realloc(r->in, sizeof *in * (size_t)(m * r->n_in));
    float *out = realloc(r->out, sizeof *out * (size_t)(m * r->n_out));
    if (in) r->in = in;
    if (out) r->out = out;
    if (!in || !out) return NULL;
  }
  return r;
}

void __real_llm_act_quantize(const llm_mat_t *w, const float *x, int64_t j0,
                             int64_t j1, void *xq);
void __wrap_llm_act_quantize(const llm_mat_t *w, const float *x, int64_t j0,
                             int64_t j1, void *xq);
/* LOTSEDUMP_ROUND_ACT=1: round the activations of F16/BF16 weights to the
 * weight's type first, as ggml does (its vec_dot_type for F16 is F16, for
 * BF16 BF16): a simulation of that change to lotse, for measuring it. */
static const float *round_act(const llm_mat_t *w, const float *x, int64_t j0,
                              int64_t j1) {
  static float *buf;
  static size_t cap;
  const char *e = getenv("LOTSEDUMP_ROUND_ACT");
  if (!e || strcmp(e, "1") ||
      (w->type != LLM_TYPE_F16 && w->type != LLM_TYPE_BF16))
    return x;
  size_t n = (size_t)(j1 * w->n_in);
  if (n > cap) {
    float *nb = realloc(buf, sizeof *nb * n);
    if (!nb) return x;
    buf = nb;
    cap = n;
  }
  for (size_t i = (size_t)(j0 * w->n_in); i < n; i++)
    buf[i] = w->type == LLM_TYPE_F16 ? llm_f16_to_f32(llm_f32_to_f16(x[i]))
                                     : llm_bf16_to_f32(llm_f32_to_bf16(x[i]));
  return buf;
}

void __wrap_llm_act_quantize(const llm_mat_t *w, const float *x, int64_t j0,
                             int64_t j1, void *xq) {
  __real_llm_act_quantize(w, round_act(w, x, j0, j1), j0, j1, xq);
  rec_t *r = g_recording ? rec_for(w, j1) : NULL;
  if (!r) return;
  memcpy(r->in + j0 * w->n_in, x + j0 * w->n_in,
         sizeof *x * (size_t)((j1 - j0) * w->n_in));
  if (j1 > r->m_in) r->m_in = j1;
}

void __real_llm_matmul(const llm_mat_t *w, const void *xq, int64_t m,
                       float *y, int64_t ldy, int64_t r0, int64_t r1);
void __wrap_llm_matmul(const llm_mat_t *w, const void *xq, int64_t m,
                       float *y, int64_t ldy, int64_t r0, int64_t r1);
void __wrap_llm_matmul(const llm_mat_t *w, const void *xq, int64_t m,
                       float *y, int64_t ldy, int64_t r0, int64_t r1) {
  __real_llm_matmul(w, xq, m, y, ldy, r0, r1);
  rec_t *r = g_recording ? rec_for(w, m) : NULL;
  if (!r) return;
  for (int64_t j = 0; j < m; j++)
    memcpy(r->out + j * w->n_out + r0, y + j * ldy + r0,
           sizeof *y * (size_t)(r1 - r0));
  if (m > r->m_out) r->m_out = m;
}

static int save(const char *dir, const char *kind, const gguf_tensor_t *t,
                const float *x, int64_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s-%.*s.f32", dir, kind, (int)t->name.n,
           t->name.p);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t ok = fwrite(x, sizeof *x, (size_t)n, f);
  fclose(f);
  return ok == (size_t)n ? 0 : -1;
}

static int run_forward(const char *model, const char *ids, const char *dir) {
  llm_model_t *mod = NULL;
  llm_ctx_t *c = NULL;
  lotse_err_t err = {0};
  int32_t toks[4096];
  size_t n = 0;
  for (const char *p = ids; *p && n < 4096;) {
    char *end;
    toks[n++] = (int32_t)strtol(p, &end, 10);
    p = *end == ',' ? end + 1 : end;
  }
  llm_ctx_opts_t o = {.n_ctx = (int)n + 8, .n_threads = 1, .n_batch = (int)n};
  if (llm_model_load(model, &mod, &err) || llm_ctx_new(mod, &o, &c, &err)) {
    fprintf(stderr, "lotsedump: %s\n", err.msg);
    return 1;
  }
  g_recording = 1;
  int rc = llm_ctx_decode(c, toks, n, &err);
  g_recording = 0;
  const gguf_t *g = llm_model_gguf(mod);
  for (size_t i = 0; !rc && i < gguf_tensor_count(g); i++) {
    const gguf_tensor_t *t = gguf_tensor_at(g, i);
    for (int k = 0; k < g_nrec; k++) {
      if (g_rec[k].data != t->data) continue;
      if (g_rec[k].m_in) rc |= save(dir, "in", t, g_rec[k].in, g_rec[k].m_in * g_rec[k].n_in);
      if (g_rec[k].m_out) rc |= save(dir, "out", t, g_rec[k].out, g_rec[k].m_out * g_rec[k].n_out);
    }
  }
  for (int k = 0; k < g_nrec; k++) {
    free(g_rec[k].in);
    free(g_rec[k].out);
  }
  llm_ctx_free(c);
  llm_model_free(mod);
  return rc ? 1 : 0;
}

static float *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  float *x = malloc((size_t)len + 4);
  *n = x ? fread(x, sizeof *x, (size_t)len / sizeof *x, f) : 0;
  fclose(f);
  return x;
}

int main(int argc, char **argv) {
  if (argc == 5 && !strcmp(argv[1], "--forward"))
    return run_forward(argv[2], argv[3], argv[4]);
  if (argc < 5) {
    fprintf(stderr, "usage: lotsedump MODEL TENSOR IN.f32 OUT.f32 [--pack]\n"
                    "       lotsedump --forward MODEL 1,2,3 DIR\n");
    return 2;
  }
  gguf_t *g = NULL;
  lotse_err_t err = {0};
  if (gguf_open(argv[1], &g, &err)) {
    fprintf(stderr, "lotsedump: %s\n", err.msg);
    return 1;
  }
  const gguf_tensor_t *t = gguf_find_tensor(g, argv[2]);
  size_t nx = 0;
  float *x = read_all(argv[3], &nx);
  if (!t || !x || t->n_dims != 2 || nx % (size_t)t->ne[0]) {
    fprintf(stderr, "lotsedump: no 2-D tensor %s or bad input\n", argv[2]);
    return 1;
  }
  llm_mat_t w = {.type = t->type, .n_in = t->ne[0], .n_out = t->ne[1],
                 .data = t->data, .row_bytes = llm_row_bytes(t->type, t->ne[0])};
  if (argc > 5 && !strcmp(argv[5], "--pack") && llm_mat_pack(&w)) return 1;
  int64_t m = (int64_t)(nx / (size_t)w.n_in);
  void *xq = malloc(llm_act_bytes(&w) * (size_t)m);
  float *y = malloc(sizeof *y * (size_t)(m * w.n_out));
  if (!xq || !y) return 1;
  llm_act_quantize(&w, x, 0, m, xq);
  llm_matmul(&w, xq, m, y, w.n_out, 0, w.n_out);
  FILE *f = fopen(argv[4], "wb");
  if (!f || fwrite(y, sizeof *y, (size_t)(m * w.n_out), f) !=
                (size_t)(m * w.n_out))
    return 1;
  fclose(f);
  llm_mat_unpack(&w);
  free(xq);
  free(y);
  free(x);
  gguf_close(g);
  return 0;
}
