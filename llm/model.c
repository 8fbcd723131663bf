/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/model.c — loading a llama / qwen2 / qwen3 model from GGUF:
 * hyperparameters from metadata, every tensor checked for presence, type
 * and exact shape, kernel layouts prepared, tokenizer compiled.
 *
 * Contract: llm_model_load either returns a model whose every pointer and
 * shape the forward pass relies on was validated (model_internal.h), or an
 * error naming the key or tensor at fault; it never trusts a count from
 * the file without checking it. Weights stay in the mapping.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/model_internal.h"

#define MAX_EMBD (1 << 16)
#define MAX_LAYER 1024
#define MAX_HEAD 1024
#define MAX_HEAD_DIM 512

/* ------------------------------------------------------------ metadata */

static int key_u32(const gguf_t *g, const char *arch, const char *suffix,
                   int dflt, int *out, lotse_err_t *err) {
  char key[128];
  snprintf(key, sizeof key, "%s.%s", arch, suffix);
  uint32_t v;
  int rc = gguf_get_u32(g, key, &v);
  if (rc == LOTSE_ENOTFOUND && dflt >= 0) {
    *out = dflt;
    return 0;
  }
  if (rc == LOTSE_ENOTFOUND)
    return lotse_err_set(err, LOTSE_ECORRUPT, "model lacks key '%s'", key);
  if (rc || v == 0 || v > (1u << 30))
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "key '%s' is not a positive integer in range", key);
  *out = (int)v;
  return 0;
}

static int key_f32(const gguf_t *g, const char *arch, const char *suffix,
                   float dflt, float *out, lotse_err_t *err) {
  char key[128];
  snprintf(key, sizeof key, "%s.%s", arch, suffix);
  float v;
  int rc = gguf_get_f32(g, key, &v);
  if (rc == LOTSE_ENOTFOUND) {
    *out = dflt;
    return 0;
  }
  if (rc || !isfinite(v) || v <= 0)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "key '%s' is not a positive number", key);
  *out = v;
  return 0;
}

static int read_arch(llm_model_t *m, lotse_err_t *err) {
  gguf_str_t s;
  if (gguf_get_str(m->g, "general.architecture", &s))
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "model lacks key 'general.architecture'");
  llm_hparams_t *hp = &m->hp;
  if (s.n == 5 && !memcmp(s.p, "llama", 5)) hp->arch = LLM_ARCH_LLAMA;
  else if (s.n == 5 && !memcmp(s.p, "qwen2", 5)) hp->arch = LLM_ARCH_QWEN2;
  else if (s.n == 5 && !memcmp(s.p, "qwen3", 5)) hp->arch = LLM_ARCH_QWEN3;
  else
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported architecture '%.*s'",
                         (int)(s.n > 40 ? 40 : s.n), s.p);
  memcpy(hp->arch_name, s.p, s.n);
  hp->arch_name[s.n] = 0;
  hp->rope_neox = hp->arch != LLM_ARCH_LLAMA;
  if (!gguf_get_str(m->g, "general.name", &s)) {
    size_t n = s.n < sizeof hp->name - 1 ? s.n : sizeof hp->name - 1;
    memcpy(hp->name, s.p, n);
    hp->name[n] = 0;
  }
  return 0;
}

static int read_rope_scaling(llm_model_t *m, lotse_err_t *err) {
  char key[128];
  gguf_str_t s;
  m->freq_scale = 1.0f;
  snprintf(key, sizeof key, "%s.rope.scaling.type", m->hp.arch_name);
  if (gguf_get_str(m->g, key, &s)) return 0;
  if (s.n == 4 && !memcmp(s.p, "none", 4)) return 0;
  if (!(s.n == 6 && !memcmp(s.p, "linear", 6)))
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported rope scaling '%.*s'",
                         (int)(s.n > 20 ? 20 : s.n), s.p);
  float f = 1.0f;
  int rc = key_f32(m->g, m->hp.arch_name, "rope.scaling.factor", 1.0f, &f, err);
  if (rc) return rc;
  m->freq_scale = 1.0f / f;
  return 0;
}

static int read_hparams(llm_model_t *m, lotse_err_t *err) {
  llm_hparams_t *hp = &m->hp;
  const char *a = hp->arch_name;
  int rc;
  if ((rc = key_u32(m->g, a, "context_length", 4096, &hp->n_ctx_train, err)) ||
      (rc = key_u32(m->g, a, "embedding_length", -1, &hp->n_embd, err)) ||
      (rc = key_u32(m->g, a, "block_count", -1, &hp->n_layer, err)) ||
      (rc = key_u32(m->g, a, "feed_forward_length", -1, &hp->n_ff, err)) ||
      (rc = key_u32(m->g, a, "attention.head_count", -1, &hp->n_head, err)) ||
      (rc = key_u32(m->g, a, "attention.head_count_kv", hp->n_head,
                    &hp->n_head_kv, err)))
    return rc;
  if (hp->n_embd > MAX_EMBD || hp->n_layer > MAX_LAYER ||
      hp->n_head > MAX_HEAD || hp->n_ff > (1 << 20))
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "model dimensions out of range (embedding %d, "
                         "%d layers, %d heads, ffn %d)",
                         hp->n_embd, hp->n_layer, hp->n_head, hp->n_ff);
  if (hp->n_head % hp->n_head_kv)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "%d attention heads are not a multiple of %d kv heads",
                         hp->n_head, hp->n_head_kv);
  int dflt_hd = hp->n_embd % hp->n_head ? -1 : hp->n_embd / hp->n_head;
  int vlen, rdim;
  if ((rc = key_u32(m->g, a, "attention.key_length", dflt_hd, &hp->head_dim,
                    err)) ||
      (rc = key_u32(m->g, a, "attention.value_length", hp->head_dim, &vlen,
                    err)) ||
      (rc = key_u32(m->g, a, "rope.dimension_count", hp->head_dim, &rdim,
                    err)))
    return rc;
  if (vlen != hp->head_dim || rdim != hp->head_dim || hp->head_dim % 2 ||
      hp->head_dim > MAX_HEAD_DIM)
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported head dimensions (key %d, value %d, "
                         "rope %d)", hp->head_dim, vlen, rdim);
  if ((rc = key_f32(m->g, a, "attention.layer_norm_rms_epsilon",
                    hp->arch == LLM_ARCH_LLAMA ? 1e-5f : 1e-6f, &hp->rms_eps,
                    err)) ||
      (rc = key_f32(m->g, a, "rope.freq_base", 10000.0f, &hp->rope_base, err)))
    return rc;
  return read_rope_scaling(m, err);
}

/* ------------------------------------------------------------ tensors */

static void shape_str(char *buf, size_t cap, int n_dims, const int64_t *ne) {
  size_t o = (size_t)snprintf(buf, cap, "[");
  for (int i = 0; i < n_dims && o < cap; i++)
    o += (size_t)snprintf(buf + o, cap - o, "%s%lld", i ? ", " : "",
                          (long long)ne[i]);
  if (o < cap) snprintf(buf + o, cap - o, "]");
}

/* Find name; check type class and exact shape (ne1 0: 1-D). *out NULL
 * when optional and absent. */
static int tensor_get(const llm_model_t *m, const char *name, int64_t ne0,
                      int64_t ne1, bool optional, const gguf_tensor_t **out,
                      lotse_err_t *err) {
  const gguf_tensor_t *t = gguf_find_tensor(m->g, name);
  *out = NULL;
  if (!t) {
    if (optional) return 0;
    return lotse_err_set(err, LOTSE_ECORRUPT, "model lacks tensor '%s'", name);
  }
  int nd = ne1 ? 2 : 1;
  int64_t want[GGUF_MAX_DIMS] = {ne0, ne1 ? ne1 : 1, 1, 1};
  if (memcmp(want, t->ne, sizeof want)) {
    char have[96], exp[96];
    shape_str(have, sizeof have, t->n_dims, t->ne);
    shape_str(exp, sizeof exp, nd, want);
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "tensor '%s' has shape %s, expected %s", name, have,
                         exp);
  }
  const llm_type_info_t *ti = llm_type_info(t->type);
  const char *tn = ti ? ti->name : "unknown";
  if (nd == 1 && t->type != LLM_TYPE_F32)
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "tensor '%s' has type %s, expected F32", name, tn);
  if (nd == 2 && (!ti || !ti->weight_ok))
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "tensor '%s' has unsupported type %s", name, tn);
  if (nd == 2 && !llm_row_bytes(t->type, ne0))
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "tensor '%s': rows of %lld do not fit type %s", name,
                         (long long)ne0, tn);
  *out = t;
  return 0;
}

static int vec_get(const llm_model_t *m, const char *name, int64_t n,
                   bool optional, const float **out, lotse_err_t *err) {
  const gguf_tensor_t *t;
  int rc = tensor_get(m, name, n, 0, optional, &t, err);
  *out = t ? (const float *)t->data : NULL;
  return rc;
}

static void mat_from(llm_mat_t *w, const gguf_tensor_t *t) {
  memset(w, 0, sizeof *w);
  w->type = t->type;
  w->n_in = t->ne[0];
  w->n_out = t->ne[1];
  w->data = t->data;
  w->row_bytes = llm_row_bytes(t->type, t->ne[0]);
}

static int mat_get(const llm_model_t *m, const char *name, int64_t n_in,
                   int64_t n_out, llm_mat_t *w, lotse_err_t *err) {
  const gguf_tensor_t *t;
  int rc = tensor_get(m, name, n_in, n_out, false, &t, err);
  if (!rc) mat_from(w, t);
  return rc;
}

static int layer_load(llm_model_t *m, int il, lotse_err_t *err) {
  const llm_hparams_t *hp = &m->hp;
  llm_layer_t *L = &m->layers[il];
  int64_t E = hp->n_embd, nq = (int64_t)hp->n_head * hp->head_dim;
  int64_t nkv = (int64_t)hp->n_head_kv * hp->head_dim;
  char n[14][64];
  static const char *const sfx[14] = {
      "attn_norm.weight", "attn_q.weight",  "attn_k.weight",
      "attn_v.weight",    "attn_output.weight", "ffn_norm.weight",
      "ffn_gate.weight",  "ffn_up.weight",  "ffn_down.weight",
      "attn_q.bias",      "attn_k.bias",    "attn_v.bias",
      "attn_q_norm.weight", "attn_k_norm.weight"};
  for (int i = 0; i < 14; i++) snprintf(n[i], sizeof n[i], "blk.%d.%s", il, sfx[i]);
  bool q2 = hp->arch == LLM_ARCH_QWEN2, q3 = hp->arch == LLM_ARCH_QWEN3;
  int rc;
  if ((rc = vec_get(m, n[0], E, false, &L->attn_norm, err)) ||
      (rc = mat_get(m, n[1], E, nq, &L->wq, err)) ||
      (rc = mat_get(m, n[2], E, nkv, &L->wk, err)) ||
      (rc = mat_get(m, n[3], E, nkv, &L->wv, err)) ||
      (rc = mat_get(m, n[4], nq, E, &L->wo, err)) ||
      (rc = vec_get(m, n[5], E, false, &L->ffn_norm, err)) ||
      (rc = mat_get(m, n[6], E, hp->n_ff, &L->w_gate, err)) ||
      (rc = mat_get(m, n[7], E, hp->n_ff, &L->w_up, err)) ||
      (rc = mat_get(m, n[8], hp->n_ff, E, &L->w_down, err)) ||
      (rc = vec_get(m, n[9], nq, !q2, &L->bq, err)) ||
      (rc = vec_get(m, n[10], nkv, !q2, &L->bk, err)) ||
      (rc = vec_get(m, n[11], nkv, !q2, &L->bv, err)) ||
      (rc = vec_get(m, n[12], hp->head_dim, !q3, &L->q_norm, err)) ||
      (rc = vec_get(m, n[13], hp->head_dim, !q3, &L->k_norm, err)))
    return rc;
  return 0;
}

static int globals_load(llm_model_t *m, lotse_err_t *err) {
  llm_hparams_t *hp = &m->hp;
  int rc = tensor_get(m, "token_embd.weight", hp->n_embd, hp->n_vocab, false,
                      &m->tok_embd, err);
  if (rc) return rc;
  if ((rc = vec_get(m, "output_norm.weight", hp->n_embd, false,
                    &m->output_norm, err)) ||
      (rc = vec_get(m, "rope_freqs.weight", hp->head_dim / 2, true,
                    &m->rope_factors, err)))
    return rc;
  hp->has_rope_factors = m->rope_factors != NULL;
  const gguf_tensor_t *out;
  rc = tensor_get(m, "output.weight", hp->n_embd, hp->n_vocab, true, &out, err);
  if (rc) return rc;
  hp->tied_output = out == NULL;
  mat_from(&m->output, out ? out : m->tok_embd);
  return 0;
}

/* Parameter count and the type holding most weight elements. */
static void count_params(llm_model_t *m) {
  uint64_t by_type[LLM_TYPE_MAX_] = {0};
  m->hp.n_params = 0;
  for (size_t i = 0; i < gguf_tensor_count(m->g); i++) {
    const gguf_tensor_t *t = gguf_tensor_at(m->g, i);
    uint64_t n = 1;
    for (int d = 0; d < t->n_dims; d++) n *= (uint64_t)t->ne[d];
    m->hp.n_params += n;
    if (t->n_dims == 2 && t->type >= 0 && t->type < LLM_TYPE_MAX_)
      by_type[t->type] += n;
  }
  int best = 0;
  for (int t = 1; t < LLM_TYPE_MAX_; t++)
    if (by_type[t] > by_type[best]) best = t;
  m->hp.weight_type = best;
}

static int pack_all(llm_model_t *m, lotse_err_t *err) {
  for (int il = 0; il < m->hp.n_layer; il++) {
    llm_layer_t *L = &m->layers[il];
    llm_mat_t *ws[7] = {&L->wq, &L->wk, &L->wv, &L->wo,
                        &L->w_gate, &L->w_up, &L->w_down};
    for (int i = 0; i < 7; i++)
      if (llm_mat_pack(ws[i]))
        return lotse_err_set(err, LOTSE_ENOMEM, "out of memory packing weights");
  }
  if (llm_mat_pack(&m->output))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory packing weights");
  return 0;
}

/* ------------------------------------------------------------ public */

int llm_model_load(const char *path, llm_model_t **out, lotse_err_t *err) {
  *out = NULL;
  llm_model_t *m = calloc(1, sizeof *m);
  if (!m) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = gguf_open(path, &m->g, err);
  if (rc) goto fail;
  if ((rc = read_arch(m, err)) || (rc = read_hparams(m, err))) goto fail;
  if ((rc = llm_tokenizer_from_gguf(m->g, &m->tok, err))) goto fail;
  size_t nv = llm_tok_n_vocab(m->tok);
  if (nv == 0 || nv > (1u << 24)) {
    rc = lotse_err_set(err, LOTSE_ECORRUPT, "vocabulary of %zu tokens", nv);
    goto fail;
  }
  m->hp.n_vocab = (int)nv;
  m->layers = calloc((size_t)m->hp.n_layer, sizeof *m->layers);
  if (!m->layers) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = globals_load(m, err))) goto fail;
  for (int il = 0; il < m->hp.n_layer; il++)
    if ((rc = layer_load(m, il, err))) goto fail;
  count_params(m);
  if ((rc = pack_all(m, err))) goto fail;
  *out = m;
  return 0;
fail:
  llm_model_free(m);
  return rc;
}

void llm_model_free(llm_model_t *m) {
  if (!m) return;
  if (m->layers) {
    for (int il = 0; il < m->hp.n_layer; il++) {
      llm_layer_t *L = &m->layers[il];
      llm_mat_t *ws[7] = {&L->wq, &L->wk, &L->wv, &L->wo,
                          &L->w_gate, &L->w_up, &L->w_down};
      for (int i = 0; i < 7; i++) llm_mat_unpack(ws[i]);
    }
  }
  llm_mat_unpack(&m->output);
  free(m->layers);
  llm_tokenizer_free(m->tok);
  gguf_close(m->g);
  free(m);
}

const llm_hparams_t *llm_model_hparams(const llm_model_t *m) { return &m->hp; }
const llm_tokenizer_t *llm_model_tokenizer(const llm_model_t *m) {
  return m->tok;
}
const gguf_t *llm_model_gguf(const llm_model_t *m) { return m->g; }
