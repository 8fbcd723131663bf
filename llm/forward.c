/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/forward.c — the context: KV cache, scratch buffers, worker threads,
 * and the transformer forward pass over a batch of tokens.
 *
 * One pass is one llm_tp_run: every thread walks all layers and meets the
 * others at barriers. Matmuls cut their output rows into contiguous chunks
 * of about 256 KiB of weights that threads claim from a counter (several
 * matrices that share an input, Q/K/V and gate/up, form one group), so a
 * thread the OS pauses on a busy machine delays the others by one chunk
 * at most. Activations are quantised once per input into the dot type of
 * the weights.
 *
 * Two modes. A batch (m > 1) splits normalisation, RoPE and attention by
 * token rows and attention by blocks of query rows, with barriers between
 * stages (about 10 per layer). A single token (m == 1, generation) needs
 * no barrier at all: see "one token" below. Logits are computed for the
 * last row only.
 *
 * Invariants: (1) cache positions >= n_past are never read; (2) a failed
 * decode leaves n_past unchanged; (3) private rows of thread t live at
 * row t of xn, rope_cs, hpriv and the activation slots; (4) stage
 * counters are reset only between passes, while the workers wait.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llm/model_internal.h"

#define MAX_SLOTS 6 /* Q8_0, Q8_1, Q8_K, F32, F16, BF16 */
#define ROW_ALIGN 16
#define MIN_BYTES_PER_THREAD (64 * 1024)
#ifndef CHUNK_BYTES /* -DCHUNK_BYTES=... for tuning experiments */
#define CHUNK_BYTES (256 * 1024)
#endif
#define MAX_CHUNKS_PER_THREAD 64
#define STAGES 5 /* counters per layer: qkv, wo, gate/up, down, attention */
#define MAX_THREADS 256
#define ATT_ROWS 16 /* query rows per attention block in a batch */

typedef struct stage_ctr {
  _Atomic uint32_t claim, done;
} stage_ctr_t;

typedef struct act_slot {
  int dot_type;
  size_t row_bytes; /* largest act row over the matrices using it */
  unsigned char *buf;
} act_slot_t;

struct llm_ctx {
  const llm_model_t *m;
  const llm_ops_t *ops;
  llm_tp_t *tp;
  int n_ctx, n_batch, nth, n_past, n_rows; /* n_rows = max(n_batch, nth) */
  llm_kv_t kv;
  float *inv_freq, *rope_cs;
  float *x, *xn, *tmp, *q, *k, *v, *att, *gate, *up, *hpriv, *scores;
  float *logits;
  size_t scores_per_thread;
  stage_ctr_t *ctr; /* STAGES per layer, then embedding and output */
  int n_ctr;
  act_slot_t slot[MAX_SLOTS];
  int n_slots;
};

typedef struct pass {
  llm_ctx_t *c;
  const int32_t *toks;
  int m, pos0;
  bool logits, embed;
} pass_t;

/* ------------------------------------------------------------ helpers */

/* Which activation rows a matrix can share: its dot type, except that F16
 * and BF16 weights get their inputs rounded to their own type (quant.h). */
static int act_key(const llm_mat_t *w) {
  int dt = llm_type_info(w->type)->dot_type;
  return dt == LLM_TYPE_F32 ? w->type : dt;
}

static act_slot_t *slot_for(const llm_ctx_t *c, const llm_mat_t *w) {
  int dt = act_key(w);
  for (int i = 0; i < c->n_slots; i++)
    if (c->slot[i].dot_type == dt) return (act_slot_t *)&c->slot[i];
  return NULL; /* not reached: every matrix was registered */
}

/* Quantised input of w: shared rows, or private row ith. */
static unsigned char *act_of(const llm_ctx_t *c, const llm_mat_t *w,
                             bool priv, int ith) {
  act_slot_t *s = slot_for(c, w);
  return priv ? s->buf + (size_t)ith * s->row_bytes : s->buf;
}

/* Quantise rows [j0, j1) of x once per distinct dot type of ws. */
static void act_quant(const llm_ctx_t *c, const llm_mat_t *const *ws, int nw,
                      const float *x, int64_t j0, int64_t j1, bool priv,
                      int ith) {
  for (int i = 0; i < nw; i++) {
    bool seen = false;
    for (int k = 0; k < i; k++)
      seen |= slot_for(c, ws[k]) == slot_for(c, ws[i]);
    if (!seen) llm_act_quantize(ws[i], x, j0, j1, act_of(c, ws[i], priv, ith));
  }
}

typedef struct mm_job {
  const llm_mat_t *w;
  const void *xq;
  float *y;
  int64_t ldy;
} mm_job_t;

/* Row of a matrix that starts at byte off where the global byte cut b
 * falls, rounded to ROW_ALIGN rows. Monotonic in b. */
static int64_t cut_row(const llm_mat_t *w, size_t off, size_t b) {
  if (b <= off) return 0;
  if (b >= off + (size_t)w->n_out * w->row_bytes) return w->n_out;
  double r = (double)(b - off) / (double)w->row_bytes;
  int64_t ri = ((int64_t)(r / ROW_ALIGN + 0.5)) * ROW_ALIGN;
  return ri > w->n_out ? w->n_out : ri;
}

/* Chunks of a matmul group: its output rows, in byte order, cut into
 * contiguous pieces of about CHUNK_BYTES (at least MIN_BYTES_PER_THREAD,
 * at most MAX_CHUNKS_PER_THREAD per thread), claimed by threads from a
 * shared counter: a thread the OS pauses holds up one chunk at most. */
static uint32_t group_nc(const mm_job_t *jobs, int nj, int nth) {
  size_t tot = 0;
  for (int i = 0; i < nj; i++) tot += (size_t)jobs[i].w->n_out * jobs[i].w->row_bytes;
  size_t nc = tot / CHUNK_BYTES;
  size_t lo = (size_t)nth, hi = (size_t)nth * MAX_CHUNKS_PER_THREAD;
  nc = nc < lo ? lo : nc > hi ? hi : nc;
  if (nc > tot / MIN_BYTES_PER_THREAD) nc = tot / MIN_BYTES_PER_THREAD;
  return nc < 1 ? 1 : (uint32_t)nc;
}

/* Chunk ci of nc; with x, the chunk's y rows are added to x (ldx floats
 * per activation row) right after. */
static void group_chunk(const mm_job_t *jobs, int nj, int m, uint32_t ci,
                        uint32_t nc, float *x, int64_t ldx,
                        const llm_ops_t *ops) {
  size_t tot = 0, off = 0;
  for (int i = 0; i < nj; i++) tot += (size_t)jobs[i].w->n_out * jobs[i].w->row_bytes;
  size_t b0 = tot * ci / nc, b1 = tot * (ci + 1) / nc;
  for (int i = 0; i < nj; i++) {
    const llm_mat_t *w = jobs[i].w;
    int64_t r0 = cut_row(w, off, b0), r1 = cut_row(w, off, b1);
    off += (size_t)w->n_out * w->row_bytes;
    if (r1 <= r0) continue;
    llm_matmul(w, jobs[i].xq, m, jobs[i].y, jobs[i].ldy, r0, r1);
    for (int j = 0; x && j < m; j++)
      ops->add(x + j * ldx + r0, jobs[i].y + j * jobs[i].ldy + r0,
               (int)(r1 - r0));
  }
}

static bool stage_claim(stage_ctr_t *s, uint32_t n, uint32_t *ci) {
  *ci = atomic_fetch_add_explicit(&s->claim, 1, memory_order_relaxed);
  return *ci < n;
}

static void stage_done(llm_tp_t *tp, stage_ctr_t *s, uint32_t n) {
  if (atomic_fetch_add(&s->done, 1) + 1 == n) llm_tp_post(tp, &s->done);
}

/* y = w x for a group, every thread claiming chunks until none is left. */
static void matmul_group(const mm_job_t *jobs, int nj, int m, stage_ctr_t *s,
                         int nth, float *x, int64_t ldx, const llm_ops_t *ops) {
  uint32_t nc = group_nc(jobs, nj, nth), ci;
  while (stage_claim(s, nc, &ci)) group_chunk(jobs, nj, m, ci, nc, x, ldx, ops);
}

/* ------------------------------------------------------------ stages */

static void stage_embed(const pass_t *p, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_model_t *md = c->m;
  int E = md->hp.n_embd, hd = md->hp.head_dim;
  size_t rb = llm_row_bytes(md->tok_embd->type, E);
  int64_t j0, j1;
  llm_tp_split(p->m, ith, nth, &j0, &j1);
  for (int64_t j = j0; j < j1; j++) {
    const unsigned char *row = (const unsigned char *)md->tok_embd->data +
                               (size_t)p->toks[j] * rb;
    llm_dequantize_row(md->tok_embd->type, row, c->x + j * E, E);
    llm_rope_table(c->rope_cs + j * hd, p->pos0 + (int)j, hd, c->inv_freq);
  }
}

/* rmsnorm + quantise the input of ws, by rows; ends with a barrier. */
static void stage_norm_quant(const pass_t *p, const float *nw,
                             const llm_mat_t *const *ws, int nwm, int ith,
                             int nth) {
  llm_ctx_t *c = p->c;
  int E = c->m->hp.n_embd;
  float eps = c->m->hp.rms_eps;
  int64_t j0, j1;
  llm_tp_split(p->m, ith, nth, &j0, &j1);
  for (int64_t j = j0; j < j1; j++)
    c->ops->rmsnorm(c->xn + j * E, c->x + j * E, nw, E, eps);
  act_quant(c, ws, nwm, c->xn, j0, j1, false, ith);
  llm_tp_barrier(c->tp);
}

static void add_bias(float *y, const float *b, int n) {
  if (b)
    for (int i = 0; i < n; i++) y[i] += b[i];
}

/* Bias, QK-norm and RoPE of n_heads heads; bias/norm may be NULL. */
static void qk_prep(const llm_ctx_t *c, float *x, int n_heads,
                    const float *bias, const float *norm, const float *cs) {
  const llm_hparams_t *hp = &c->m->hp;
  int hd = hp->head_dim;
  add_bias(x, bias, n_heads * hd);
  if (norm)
    for (int h = 0; h < n_heads; h++)
      c->ops->rmsnorm(x + h * hd, x + h * hd, norm, hd, hp->rms_eps);
  llm_rope(x, n_heads, hd, cs, hp->rope_neox);
}

/* K and V of KV head g, row j: prepare and store at position pos. */
static void kv_store(const llm_ctx_t *c, const llm_layer_t *L, int il, int j,
                     int g, int pos, const float *cs) {
  int hd = c->m->hp.head_dim, nkv = c->m->hp.n_head_kv * hd;
  float *k = c->k + (size_t)j * nkv + g * hd;
  float *v = c->v + (size_t)j * nkv + g * hd;
  qk_prep(c, k, 1, L->bk ? L->bk + g * hd : NULL, L->k_norm, cs);
  add_bias(v, L->bv ? L->bv + g * hd : NULL, hd);
  c->ops->to_f16(llm_kv_k(&c->kv, il, g, pos), k, hd);
  c->ops->to_f16(llm_kv_v(&c->kv, il, g, pos), v, hd);
}

static void attend(const llm_ctx_t *c, int il, int j, int g, int n_kv,
                   int ith) {
  const llm_hparams_t *hp = &c->m->hp;
  int hd = hp->head_dim, G = hp->n_head / hp->n_head_kv;
  size_t nq = (size_t)hp->n_head * hd;
  llm_attn_t a = {
      .q = c->q + j * nq + (size_t)g * G * hd,
      .G = G,
      .hd = hd,
      .k = llm_kv_k(&c->kv, il, g, 0),
      .v = llm_kv_v(&c->kv, il, g, 0),
      .n_kv = n_kv,
      .scale = 1.0f / sqrtf((float)hd),
      .scores = c->scores + (size_t)ith * c->scores_per_thread,
      .out = c->att + j * nq + (size_t)g * G * hd,
  };
  c->ops->attn(&a);
}

/* m > 1: rows split for the cache store; then blocks of ATT_ROWS query
 * rows per KV head, interleaved over threads (cost grows with the
 * position); then the attention output quantised by rows. */
static void stage_attn_batch(const pass_t *p, int il, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_hparams_t *hp = &c->m->hp;
  const llm_layer_t *L = &c->m->layers[il];
  int hd = hp->head_dim, nq = hp->n_head * hd, G = hp->n_head / hp->n_head_kv;
  int64_t j0, j1;
  llm_tp_split(p->m, ith, nth, &j0, &j1);
  for (int64_t j = j0; j < j1; j++) {
    const float *cs = c->rope_cs + j * hd;
    for (int g = 0; g < hp->n_head_kv; g++)
      kv_store(c, L, il, (int)j, g, p->pos0 + (int)j, cs);
    qk_prep(c, c->q + j * nq, hp->n_head, L->bq, L->q_norm, cs);
  }
  llm_tp_barrier(c->tp);
  int n_blk = (p->m + ATT_ROWS - 1) / ATT_ROWS;
  stage_ctr_t *ctr = &c->ctr[il * STAGES + 4];
  uint32_t it;
  while (stage_claim(ctr, (uint32_t)(n_blk * hp->n_head_kv), &it)) {
    int b = (int)it / hp->n_head_kv, g = (int)it % hp->n_head_kv;
    int r0 = b * ATT_ROWS;
    llm_attn_rows_t a = {
        .q = c->q + (size_t)r0 * nq + (size_t)g * G * hd,
        .q_stride = nq,
        .nr = p->m - r0 < ATT_ROWS ? p->m - r0 : ATT_ROWS,
        .G = G,
        .hd = hd,
        .k = llm_kv_k(&c->kv, il, g, 0),
        .v = llm_kv_v(&c->kv, il, g, 0),
        .n_kv0 = p->pos0 + r0 + 1,
        .scale = 1.0f / sqrtf((float)hd),
        .scratch = c->scores + (size_t)ith * c->scores_per_thread,
        .out = c->att + (size_t)r0 * nq + (size_t)g * G * hd,
        .out_stride = nq,
    };
    c->ops->attn_rows(&a);
  }
  llm_tp_barrier(c->tp);
  const llm_mat_t *wo = &L->wo;
  act_quant(c, &wo, 1, c->att, j0, j1, false, ith);
  llm_tp_barrier(c->tp);
}

/* x += w * input, by chunks; ends with a barrier. */
static void stage_residual(const pass_t *p, const llm_mat_t *w, int ith,
                           int nth, int stage) {
  llm_ctx_t *c = p->c;
  int E = c->m->hp.n_embd;
  mm_job_t j = {w, act_of(c, w, false, ith), c->tmp, E};
  matmul_group(&j, 1, p->m, &c->ctr[stage], nth, c->x, E, c->ops);
  llm_tp_barrier(c->tp);
}

static void stage_ffn_act(const pass_t *p, const llm_layer_t *L, int ith,
                          int nth) {
  llm_ctx_t *c = p->c;
  int F = c->m->hp.n_ff;
  const llm_mat_t *wd = &L->w_down;
  int64_t j0, j1;
  llm_tp_split(p->m, ith, nth, &j0, &j1);
  for (int64_t j = j0; j < j1; j++)
    c->ops->silu_mul(c->gate + j * F, c->gate + j * F, c->up + j * F, F);
  act_quant(c, &wd, 1, c->gate, j0, j1, false, ith);
  llm_tp_barrier(c->tp);
}

/* One layer of a batch (m > 1). */
static void layer_run(const pass_t *p, int il, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_hparams_t *hp = &c->m->hp;
  const llm_layer_t *L = &c->m->layers[il];
  int64_t nq = (int64_t)hp->n_head * hp->head_dim;
  int64_t nkv = (int64_t)hp->n_head_kv * hp->head_dim;
  const llm_mat_t *qkv[3] = {&L->wq, &L->wk, &L->wv};
  stage_norm_quant(p, L->attn_norm, qkv, 3, ith, nth);
  mm_job_t j3[3] = {{&L->wq, act_of(c, &L->wq, false, ith), c->q, nq},
                    {&L->wk, act_of(c, &L->wk, false, ith), c->k, nkv},
                    {&L->wv, act_of(c, &L->wv, false, ith), c->v, nkv}};
  matmul_group(j3, 3, p->m, &c->ctr[il * STAGES], nth, NULL, 0, c->ops);
  llm_tp_barrier(c->tp);
  stage_attn_batch(p, il, ith, nth);
  stage_residual(p, &L->wo, ith, nth, il * STAGES + 1);
  const llm_mat_t *gu[2] = {&L->w_gate, &L->w_up};
  stage_norm_quant(p, L->ffn_norm, gu, 2, ith, nth);
  mm_job_t j2[2] = {{&L->w_gate, act_of(c, &L->w_gate, false, ith), c->gate, hp->n_ff},
                    {&L->w_up, act_of(c, &L->w_up, false, ith), c->up, hp->n_ff}};
  matmul_group(j2, 2, p->m, &c->ctr[il * STAGES + 2], nth, NULL, 0, c->ops);
  llm_tp_barrier(c->tp);
  stage_ffn_act(p, L, ith, nth);
  stage_residual(p, &L->w_down, ith, nth, il * STAGES + 3);
}

static void stage_final(const pass_t *p, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_model_t *md = c->m;
  int E = md->hp.n_embd;
  if (p->embed) {
    int64_t j0, j1;
    llm_tp_split(p->m, ith, nth, &j0, &j1);
    for (int64_t j = j0; j < j1; j++)
      c->ops->rmsnorm(c->x + j * E, c->x + j * E, md->output_norm, E,
                      md->hp.rms_eps);
  }
  if (!p->logits) return;
  float *xn = c->xn + (size_t)ith * E;
  c->ops->rmsnorm(xn, c->x + (size_t)(p->m - 1) * E, md->output_norm, E,
                  md->hp.rms_eps);
  const llm_mat_t *w = &md->output;
  act_quant(c, &w, 1, xn, 0, 1, true, ith);
  mm_job_t j1 = {w, act_of(c, w, true, ith), c->logits, md->hp.n_vocab};
  matmul_group(&j1, 1, 1, &c->ctr[md->hp.n_layer * STAGES + 1], nth, NULL, 0,
               c->ops);
}

static void batch_run(const pass_t *p, int ith, int nth) {
  stage_embed(p, ith, nth);
  llm_tp_barrier(p->c->tp);
  for (int il = 0; il < p->c->m->hp.n_layer; il++) layer_run(p, il, ith, nth);
  stage_final(p, ith, nth);
}

/* ------------------------------------------------------------ one token
 *
 * Generation (m == 1) uses no barriers: every stage is a set of chunks
 * claimed from a counter, and a thread moves on once the stage's done
 * counter is full. A thread the OS paused thus delays the others only
 * while it holds a chunk. Each thread prepares its private copy of a
 * stage's input (norm, quantisation) lazily, after its first successful
 * claim: the stage is then incomplete, so its inputs are final and no
 * later stage, which could overwrite them, has started. */

typedef enum { PREP_QKV, PREP_WO, PREP_GU, PREP_DOWN, PREP_OUT } prep_t;

static void one_prep(const pass_t *p, const llm_layer_t *L, prep_t k, int ith) {
  llm_ctx_t *c = p->c;
  const llm_model_t *md = c->m;
  int E = md->hp.n_embd, F = md->hp.n_ff;
  float eps = md->hp.rms_eps, *xn = c->xn + (size_t)ith * E;
  const llm_mat_t *ws[3];
  switch (k) {
  case PREP_QKV:
    ws[0] = &L->wq, ws[1] = &L->wk, ws[2] = &L->wv;
    c->ops->rmsnorm(xn, c->x, L->attn_norm, E, eps);
    act_quant(c, ws, 3, xn, 0, 1, true, ith);
    break;
  case PREP_WO:
    ws[0] = &L->wo;
    act_quant(c, ws, 1, c->att, 0, 1, true, ith);
    break;
  case PREP_GU:
    ws[0] = &L->w_gate, ws[1] = &L->w_up;
    c->ops->rmsnorm(xn, c->x, L->ffn_norm, E, eps);
    act_quant(c, ws, 2, xn, 0, 1, true, ith);
    break;
  case PREP_DOWN:
    ws[0] = &L->w_down;
    c->ops->silu_mul(c->hpriv + (size_t)ith * F, c->gate, c->up, F);
    act_quant(c, ws, 1, c->hpriv + (size_t)ith * F, 0, 1, true, ith);
    break;
  case PREP_OUT:
    ws[0] = &md->output;
    c->ops->rmsnorm(xn, c->x, md->output_norm, E, eps);
    act_quant(c, ws, 1, xn, 0, 1, true, ith);
    break;
  }
}

static void one_matmul(const pass_t *p, const llm_layer_t *L, int st, prep_t k,
                       const mm_job_t *jobs, int nj, bool residual, int ith,
                       int nth) {
  llm_ctx_t *c = p->c;
  stage_ctr_t *s = &c->ctr[st];
  uint32_t nc = group_nc(jobs, nj, nth), ci;
  bool ready = false;
  while (stage_claim(s, nc, &ci)) {
    if (!ready) one_prep(p, L, k, ith);
    ready = true;
    group_chunk(jobs, nj, 1, ci, nc, residual ? c->x : NULL,
                c->m->hp.n_embd, c->ops);
    stage_done(c->tp, s, nc);
  }
  llm_tp_wait_ge(c->tp, &s->done, nc);
}

/* Per KV head: cache store, q preparation and attention. */
static void one_attn(const pass_t *p, int il, int ith) {
  llm_ctx_t *c = p->c;
  const llm_hparams_t *hp = &c->m->hp;
  const llm_layer_t *L = &c->m->layers[il];
  int hd = hp->head_dim, G = hp->n_head / hp->n_head_kv;
  const float *cs = c->rope_cs + (size_t)ith * hd;
  stage_ctr_t *s = &c->ctr[il * STAGES + 4];
  uint32_t n = (uint32_t)hp->n_head_kv, gi;
  while (stage_claim(s, n, &gi)) {
    int g = (int)gi;
    kv_store(c, L, il, 0, g, p->pos0, cs);
    qk_prep(c, c->q + (size_t)g * G * hd, G,
            L->bq ? L->bq + (size_t)g * G * hd : NULL, L->q_norm, cs);
    attend(c, il, 0, g, p->pos0 + 1, ith);
    stage_done(c->tp, s, n);
  }
  llm_tp_wait_ge(c->tp, &s->done, n);
}

static void one_layer(const pass_t *p, int il, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_hparams_t *hp = &c->m->hp;
  const llm_layer_t *L = &c->m->layers[il];
  int64_t E = hp->n_embd, nq = (int64_t)hp->n_head * hp->head_dim;
  int64_t nkv = (int64_t)hp->n_head_kv * hp->head_dim;
  mm_job_t j3[3] = {{&L->wq, act_of(c, &L->wq, true, ith), c->q, nq},
                    {&L->wk, act_of(c, &L->wk, true, ith), c->k, nkv},
                    {&L->wv, act_of(c, &L->wv, true, ith), c->v, nkv}};
  one_matmul(p, L, il * STAGES, PREP_QKV, j3, 3, false, ith, nth);
  one_attn(p, il, ith);
  mm_job_t jo = {&L->wo, act_of(c, &L->wo, true, ith), c->tmp, E};
  one_matmul(p, L, il * STAGES + 1, PREP_WO, &jo, 1, true, ith, nth);
  mm_job_t j2[2] = {{&L->w_gate, act_of(c, &L->w_gate, true, ith), c->gate, hp->n_ff},
                    {&L->w_up, act_of(c, &L->w_up, true, ith), c->up, hp->n_ff}};
  one_matmul(p, L, il * STAGES + 2, PREP_GU, j2, 2, false, ith, nth);
  mm_job_t jd = {&L->w_down, act_of(c, &L->w_down, true, ith), c->tmp, E};
  one_matmul(p, L, il * STAGES + 3, PREP_DOWN, &jd, 1, true, ith, nth);
}

static void one_run(const pass_t *p, int ith, int nth) {
  llm_ctx_t *c = p->c;
  const llm_model_t *md = c->m;
  int hd = md->hp.head_dim, E = md->hp.n_embd, nl = md->hp.n_layer;
  llm_rope_table(c->rope_cs + (size_t)ith * hd, p->pos0, hd, c->inv_freq);
  stage_ctr_t *se = &c->ctr[nl * STAGES];
  uint32_t ci;
  if (stage_claim(se, 1, &ci)) {
    size_t rb = llm_row_bytes(md->tok_embd->type, E);
    llm_dequantize_row(md->tok_embd->type,
                       (const unsigned char *)md->tok_embd->data +
                           (size_t)p->toks[0] * rb,
                       c->x, E);
    stage_done(c->tp, se, 1);
  }
  llm_tp_wait_ge(c->tp, &se->done, 1);
  for (int il = 0; il < nl; il++) one_layer(p, il, ith, nth);
  if (p->embed && ith == 0)
    c->ops->rmsnorm(c->x, c->x, md->output_norm, E, md->hp.rms_eps);
  if (!p->logits) return;
  mm_job_t jl = {&md->output, act_of(c, &md->output, true, ith), c->logits,
                 md->hp.n_vocab};
  one_matmul(p, NULL, nl * STAGES + 1, PREP_OUT, &jl, 1, false, ith, nth);
}

static void pass_run(void *arg, int ith, int nth) {
  const pass_t *p = arg;
  if (p->m == 1) one_run(p, ith, nth);
  else batch_run(p, ith, nth);
}

/* ------------------------------------------------------------ context */

static int slot_add(llm_ctx_t *c, const llm_mat_t *w) {
  int dt = act_key(w);
  size_t rb = llm_act_bytes(w);
  for (int i = 0; i < c->n_slots; i++)
    if (c->slot[i].dot_type == dt) {
      if (rb > c->slot[i].row_bytes) c->slot[i].row_bytes = rb;
      return 0;
    }
  if (c->n_slots == MAX_SLOTS) return LOTSE_EUNSUPPORTED;
  c->slot[c->n_slots].dot_type = dt;
  c->slot[c->n_slots++].row_bytes = rb;
  return 0;
}

static int slots_init(llm_ctx_t *c) {
  const llm_model_t *m = c->m;
  int rc = slot_add(c, &m->output);
  for (int il = 0; il < m->hp.n_layer && !rc; il++) {
    const llm_layer_t *L = &m->layers[il];
    const llm_mat_t *ws[7] = {&L->wq, &L->wk, &L->wv, &L->wo,
                              &L->w_gate, &L->w_up, &L->w_down};
    for (int i = 0; i < 7 && !rc; i++) rc = slot_add(c, ws[i]);
  }
  for (int i = 0; i < c->n_slots && !rc; i++) {
    c->slot[i].row_bytes = (c->slot[i].row_bytes + 63) & ~(size_t)63;
    c->slot[i].buf = aligned_alloc(64, c->slot[i].row_bytes * (size_t)c->n_rows);
    if (!c->slot[i].buf) rc = LOTSE_ENOMEM;
  }
  return rc;
}

static float *fbuf(size_t n, int *rc) {
  float *p = aligned_alloc(64, ((n * sizeof(float)) + 63) & ~(size_t)63);
  if (!p) *rc = LOTSE_ENOMEM;
  return p;
}

static int buffers_init(llm_ctx_t *c) {
  const llm_hparams_t *hp = &c->m->hp;
  size_t B = (size_t)c->n_batch, R = (size_t)c->n_rows, E = (size_t)hp->n_embd;
  size_t hd = (size_t)hp->head_dim, nq = (size_t)hp->n_head * hd;
  size_t nkv = (size_t)hp->n_head_kv * hd, F = (size_t)hp->n_ff;
  size_t G = (size_t)(hp->n_head / hp->n_head_kv);
  int rc = 0;
  c->inv_freq = fbuf(hd / 2, &rc);
  c->rope_cs = fbuf(R * hd, &rc);
  c->x = fbuf(B * E, &rc);
  c->xn = fbuf(R * E, &rc);
  c->tmp = fbuf(B * E, &rc);
  c->q = fbuf(B * nq, &rc);
  c->att = fbuf(B * nq, &rc);
  c->k = fbuf(B * nkv, &rc);
  c->v = fbuf(B * nkv, &rc);
  c->gate = fbuf(B * F, &rc);
  c->up = fbuf(B * F, &rc);
  c->hpriv = fbuf((size_t)c->nth * F, &rc);
  c->scores_per_thread =
      (llm_attn_rows_scratch(ATT_ROWS, (int)G, (int)hd, c->n_ctx) + 15) & ~(size_t)15;
  c->scores = fbuf((size_t)c->nth * c->scores_per_thread, &rc);
  c->logits = fbuf((size_t)hp->n_vocab, &rc);
  c->n_ctr = hp->n_layer * STAGES + 2;
  c->ctr = calloc((size_t)c->n_ctr, sizeof *c->ctr);
  if (!c->ctr) rc = LOTSE_ENOMEM;
  if (rc) return rc;
  memset(c->logits, 0, (size_t)hp->n_vocab * sizeof(float));
  llm_rope_inv_freq(c->inv_freq, hp->head_dim, hp->rope_base,
                    c->m->rope_factors, c->m->freq_scale);
  return slots_init(c);
}

int llm_ctx_new(const llm_model_t *m, const llm_ctx_opts_t *o,
                llm_ctx_t **out, lotse_err_t *err) {
  *out = NULL;
  const llm_hparams_t *hp = &m->hp;
  llm_ctx_opts_t d = {0};
  if (o) d = *o;
  if (d.n_ctx <= 0) d.n_ctx = hp->n_ctx_train < 4096 ? hp->n_ctx_train : 4096;
  if (d.n_threads <= 0) d.n_threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (d.n_threads <= 0) d.n_threads = 1;
  if (d.n_threads > MAX_THREADS) d.n_threads = MAX_THREADS;
  if (d.n_batch <= 0) d.n_batch = 512;
  if (d.n_batch > d.n_ctx) d.n_batch = d.n_ctx;
  if (d.n_ctx > (1 << 20))
    return lotse_err_set(err, LOTSE_EINVAL, "context of %d tokens is too large",
                         d.n_ctx);
  llm_ctx_t *c = calloc(1, sizeof *c);
  if (!c) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  c->m = m;
  c->ops = llm_ops_for(llm_cpu_features());
  c->n_ctx = d.n_ctx;
  c->n_batch = d.n_batch;
  c->nth = d.n_threads;
  c->n_rows = c->n_batch > c->nth ? c->n_batch : c->nth;
  int rc = llm_kv_init(&c->kv, hp->n_layer, hp->n_head_kv, c->n_ctx,
                       hp->head_dim);
  if (!rc) rc = buffers_init(c);
  if (!rc && !(c->tp = llm_tp_new(c->nth))) rc = LOTSE_ENOMEM;
  if (rc) {
    llm_ctx_free(c);
    if (rc == LOTSE_EUNSUPPORTED)
      return lotse_err_set(err, rc, "too many activation types in one model");
    return lotse_err_set(err, rc, "out of memory for a context of %d tokens",
                         d.n_ctx);
  }
  *out = c;
  return 0;
}

void llm_ctx_free(llm_ctx_t *c) {
  if (!c) return;
  llm_tp_free(c->tp);
  llm_kv_release(&c->kv);
  float *bufs[] = {c->inv_freq, c->rope_cs, c->x, c->xn, c->tmp, c->q,
                   c->att, c->k, c->v, c->gate, c->up, c->hpriv, c->scores,
                   c->logits};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) free(bufs[i]);
  for (int i = 0; i < c->n_slots; i++) free(c->slot[i].buf);
  free((void *)c->ctr);
  free(c);
}

int llm_ctx_n_ctx(const llm_ctx_t *c) { return c->n_ctx; }
int llm_ctx_n_past(const llm_ctx_t *c) { return c->n_past; }
const float *llm_ctx_logits(const llm_ctx_t *c) { return c->logits; }

void llm_ctx_truncate(llm_ctx_t *c, int n_keep) {
  if (n_keep < 0) n_keep = 0;
  if (n_keep < c->n_past) c->n_past = n_keep;
}

/* ------------------------------------------------------------ decode */

static int check_tokens(const llm_ctx_t *c, const int32_t *toks, size_t n,
                        lotse_err_t *err) {
  if (n == 0) return lotse_err_set(err, LOTSE_EINVAL, "no tokens to decode");
  for (size_t i = 0; i < n; i++)
    if (toks[i] < 0 || toks[i] >= c->m->hp.n_vocab)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "token id %d out of range (vocabulary of %d)",
                           (int)toks[i], c->m->hp.n_vocab);
  return 0;
}

/* Run toks in passes of n_batch; on_rows sees the final rows (embed). */
static void run_passes(llm_ctx_t *c, const int32_t *toks, size_t n,
                       bool embed, double *pool_sum, llm_pool_t pool) {
  int E = c->m->hp.n_embd;
  for (size_t i = 0; i < n; i += (size_t)c->n_batch) {
    size_t mm = n - i < (size_t)c->n_batch ? n - i : (size_t)c->n_batch;
    pass_t p = {.c = c, .toks = toks + i, .m = (int)mm, .pos0 = c->n_past,
                .logits = !embed && i + mm == n, .embed = embed};
    for (int k = 0; k < c->n_ctr; k++) {
      atomic_store_explicit(&c->ctr[k].claim, 0, memory_order_relaxed);
      atomic_store_explicit(&c->ctr[k].done, 0, memory_order_relaxed);
    }
    llm_tp_run(c->tp, pass_run, &p);
    c->n_past += (int)mm;
    if (!embed) continue;
    for (size_t j = 0; j < mm; j++) {
      const float *row = c->x + j * (size_t)E;
      if (pool == LLM_POOL_LAST && i + j != n - 1) continue;
      for (int e = 0; e < E; e++) pool_sum[e] += row[e];
    }
  }
}

int llm_ctx_decode(llm_ctx_t *c, const int32_t *toks, size_t n,
                   lotse_err_t *err) {
  int rc = check_tokens(c, toks, n, err);
  if (rc) return rc;
  if ((size_t)c->n_past + n > (size_t)c->n_ctx) {
    if (c->n_past == 0)
      return lotse_err_set(err, LOTSE_ELIMIT,
                           "prompt of %zu tokens exceeds the context of %d",
                           n, c->n_ctx);
    return lotse_err_set(err, LOTSE_ELIMIT,
                         "%zu more tokens after %d exceed the context of %d",
                         n, c->n_past, c->n_ctx);
  }
  run_passes(c, toks, n, false, NULL, LLM_POOL_MEAN);
  return 0;
}

int llm_ctx_embed(llm_ctx_t *c, const int32_t *toks, size_t n,
                  llm_pool_t pool, float *out, lotse_err_t *err) {
  int rc = check_tokens(c, toks, n, err);
  if (rc) return rc;
  if (n > (size_t)c->n_ctx)
    return lotse_err_set(err, LOTSE_ELIMIT,
                         "text of %zu tokens exceeds the context of %d", n,
                         c->n_ctx);
  int E = c->m->hp.n_embd;
  double *sum = calloc((size_t)E, sizeof *sum);
  if (!sum) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  c->n_past = 0;
  run_passes(c, toks, n, true, sum, pool);
  c->n_past = 0;
  double norm = 0;
  for (int e = 0; e < E; e++) norm += sum[e] * sum[e];
  norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
  for (int e = 0; e < E; e++) out[e] = (float)(sum[e] * norm);
  free(sum);
  return 0;
}
