/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/synth.c — synthetic GGUF models (see synth.h for the contract, the
 * type rules and the weight scales).
 *
 * The model is described as a plan: one entry per tensor (name, type,
 * shape, kind, scale) in llama.cpp's file order; the writer's fill callback
 * generates each tensor row by row from a PRNG seeded by the model seed and
 * the tensor name, so a tensor's bytes do not depend on the others.
 */
#include "llm/synth.h"

#include "llm/gguf.h"
#include "llm/quant.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_MAT, T_NORM, T_BIAS, T_ROPE };

typedef struct tplan {
  char name[48];
  int kind;
  int type;
  int n_dims;
  int64_t ne[2];
  float std;
} tplan_t;

typedef struct plan {
  const llm_synth_opts_t *o;
  tplan_t *t;
  size_t n, cap;
  float *row;
  float rope_base;
} plan_t;

/* ------------------------------------------------------------ presets */

typedef struct shape {
  const char *name, *arch;
  int n_embd, n_layer, n_head, n_head_kv, head_dim, n_ff, n_ctx;
} shape_t;

static const shape_t shapes[] = {
    {"tiny", "llama", 256, 2, 4, 2, 64, 768, 4096},
    {"qwen2-0.5b", "qwen2", 896, 24, 14, 2, 64, 4864, 32768},
    {"qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 128, 3072, 40960},
    {"llama-3.2-1b", "llama", 2048, 16, 32, 8, 64, 8192, 131072},
};

int llm_synth_shape(const char *shape, llm_synth_opts_t *o) {
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    const shape_t *s = &shapes[i];
    if (strcmp(s->name, shape)) continue;
    o->arch = s->arch;
    o->n_embd = s->n_embd;
    o->n_layer = s->n_layer;
    o->n_head = s->n_head;
    o->n_head_kv = s->n_head_kv;
    o->head_dim = s->head_dim;
    o->n_ff = s->n_ff;
    o->n_ctx = s->n_ctx;
    return 0;
  }
  return LOTSE_ENOTFOUND;
}

/* ------------------------------------------------------------ templates */

static const char tmpl_chatml[] =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + "
    "'\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% endif %}";

static const char tmpl_llama3[] =
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim "
    "+ '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

static const char tmpl_mistral[] =
    "{{ bos_token }}{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + "
    "' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] + eos_token }}{% endif %}{% endfor %}";

const char *llm_synth_chat_template(const char *name) {
  if (!strcmp(name, "chatml")) return tmpl_chatml;
  if (!strcmp(name, "llama3")) return tmpl_llama3;
  if (!strcmp(name, "mistral")) return tmpl_mistral;
  return NULL;
}

/* ------------------------------------------------------------ byte vocab */

/* GPT-2's byte-to-character map: printable bytes stand for themselves,
 * the others for U+0100 upwards in byte order. */
static unsigned byte_char(unsigned b) {
  if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) return b;
  unsigned k = 0;
  for (unsigned c = 0; c < b; c++)
    if (!((c >= 33 && c <= 126) || (c >= 161 && c <= 172) || c >= 174)) k++;
  return 256 + k;
}

static char *utf8_char(unsigned cp) {
  char *s = malloc(3);
  if (!s) return NULL;
  if (cp < 0x80) {
    s[0] = (char)cp;
    s[1] = 0;
  } else {
    s[0] = (char)(0xC0 | (cp >> 6));
    s[1] = (char)(0x80 | (cp & 0x3F));
    s[2] = 0;
  }
  return s;
}

int llm_synth_vocab_bytes(llm_vocab_t *v, lotse_err_t *err) {
  static const char *specials[] = {"<|endoftext|>", "<|im_start|>",
                                   "<|im_end|>"};
  memset(v, 0, sizeof *v);
  v->bos = v->eos = v->eot = v->unk = v->pad = -1;
  v->n = 256 + 3;
  v->tokens = calloc(v->n, sizeof *v->tokens);
  v->types = calloc(v->n, sizeof *v->types);
  v->merges = calloc(1, sizeof *v->merges); /* present, empty */
  v->model = lotse_strdup("gpt2");
  v->pre = lotse_strdup("qwen2");
  int ok = v->tokens && v->types && v->merges && v->model && v->pre;
  for (size_t i = 0; ok && i < v->n; i++) {
    v->tokens[i] = i < 256 ? utf8_char(byte_char((unsigned)i))
                           : lotse_strdup(specials[i - 256]);
    v->types[i] = i < 256 ? LLM_TOKT_NORMAL : LLM_TOKT_CONTROL;
    ok = v->tokens[i] != NULL;
  }
  if (!ok) {
    llm_vocab_release(v);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  v->bos = v->pad = 256;
  v->eos = v->eot = 258;
  return 0;
}

static int grow(void **p, size_t n, size_t size) {
  void *q = realloc(*p, n * size);
  if (!q) return LOTSE_ENOMEM;
  *p = q;
  return 0;
}

int llm_synth_vocab_pad(llm_vocab_t *v, size_t n, lotse_err_t *err) {
  if (n < v->n || n > (1u << 24))
    return lotse_err_set(err, LOTSE_EINVAL, "vocabulary of %zu tokens cannot "
                         "be padded to %zu", v->n, n);
  if (n == v->n) return 0;
  if (grow((void **)&v->tokens, n, sizeof *v->tokens) ||
      grow((void **)&v->types, n, sizeof *v->types) ||
      (v->scores && grow((void **)&v->scores, n, sizeof *v->scores)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = v->n; i < n; i++) {
    char pad[32];
    snprintf(pad, sizeof pad, "[PAD%zu]", i);
    v->tokens[i] = lotse_strdup(pad);
    if (!v->tokens[i]) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    v->types[i] = LLM_TOKT_UNUSED;
    if (v->scores) v->scores[i] = 0.0f;
    v->n = i + 1; /* release frees exactly what exists */
  }
  return 0;
}

/* ------------------------------------------------------------ prng */

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t name_seed(uint64_t seed, const char *name) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
  return splitmix(&h);
}

/* Uniform in [-1, 1), exactly representable. */
static float uni(uint64_t *s) {
  return (float)(splitmix(s) >> 40) * (1.0f / 8388608.0f) - 1.0f;
}

/* ------------------------------------------------------------ plan */

static bool type_fits(int type, int64_t n_in) {
  const llm_type_info_t *ti = llm_type_info(type);
  return ti && n_in % ti->block == 0;
}

/* The type a weight of rows of n_in gets (see synth.h). */
static int weight_type(int type, int64_t n_in) {
  if (type_fits(type, n_in)) return type;
  if (type == LLM_TYPE_Q4_K) type = LLM_TYPE_Q5_0;
  else if (type == LLM_TYPE_Q5_K) type = LLM_TYPE_Q5_1;
  else if (type == LLM_TYPE_Q6_K) type = LLM_TYPE_Q8_0;
  return type_fits(type, n_in) ? type : LLM_TYPE_F16;
}

static int plan_add(plan_t *p, const char *name, int kind, int64_t ne0,
                    int64_t ne1, float std) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 64;
    tplan_t *t = realloc(p->t, cap * sizeof *t);
    if (!t) return LOTSE_ENOMEM;
    p->t = t;
    p->cap = cap;
  }
  tplan_t *t = &p->t[p->n++];
  memset(t, 0, sizeof *t);
  snprintf(t->name, sizeof t->name, "%s", name);
  t->kind = kind;
  t->ne[0] = ne0;
  t->ne[1] = ne1;
  t->n_dims = kind == T_MAT ? 2 : 1;
  t->type = kind == T_MAT ? weight_type(p->o->type, ne0) : LLM_TYPE_F32;
  t->std = std;
  return 0;
}

static float inv_sqrt(int64_t n) { return 1.0f / sqrtf((float)n); }

static int plan_layer(plan_t *p, int il) {
  const llm_synth_opts_t *o = p->o;
  int64_t e = o->n_embd, q = (int64_t)o->n_head * o->head_dim,
          kv = (int64_t)o->n_head_kv * o->head_dim, ff = o->n_ff;
  bool qwen2 = !strcmp(o->arch, "qwen2"), qwen3 = !strcmp(o->arch, "qwen3");
  char n[48];
  int rc = 0;
#define ADD(sfx, kind, ne0, ne1, std)                         \
  do {                                                        \
    snprintf(n, sizeof n, "blk.%d.%s", il, sfx);              \
    if (!rc) rc = plan_add(p, n, kind, ne0, ne1, std);        \
  } while (0)
  ADD("attn_norm.weight", T_NORM, e, 1, 0);
  ADD("attn_q.weight", T_MAT, e, q, inv_sqrt(e));
  if (qwen2) ADD("attn_q.bias", T_BIAS, q, 1, 0.1f);
  ADD("attn_k.weight", T_MAT, e, kv, inv_sqrt(e));
  if (qwen2) ADD("attn_k.bias", T_BIAS, kv, 1, 0.1f);
  ADD("attn_v.weight", T_MAT, e, kv, inv_sqrt(e));
  if (qwen2) ADD("attn_v.bias", T_BIAS, kv, 1, 0.1f);
  ADD("attn_output.weight", T_MAT, q, e, LLM_SYNTH_RES_GAIN * inv_sqrt(q));
  if (qwen3) ADD("attn_q_norm.weight", T_NORM, o->head_dim, 1, 0);
  if (qwen3) ADD("attn_k_norm.weight", T_NORM, o->head_dim, 1, 0);
  ADD("ffn_norm.weight", T_NORM, e, 1, 0);
  ADD("ffn_gate.weight", T_MAT, e, ff, inv_sqrt(e));
  ADD("ffn_up.weight", T_MAT, e, ff, inv_sqrt(e));
  ADD("ffn_down.weight", T_MAT, ff, e,
      1.5f * LLM_SYNTH_RES_GAIN * inv_sqrt(ff));
#undef ADD
  return rc;
}

static int plan_build(plan_t *p) {
  const llm_synth_opts_t *o = p->o;
  int64_t e = o->n_embd, nv = (int64_t)o->vocab->n;
  float out_std = LLM_SYNTH_LOGIT_STD * inv_sqrt(e);
  int rc = plan_add(p, "token_embd.weight", T_MAT, e, nv,
                    o->untied ? 1.0f : out_std);
  if (!rc && o->rope_factors)
    rc = plan_add(p, "rope_freqs.weight", T_ROPE, o->head_dim / 2, 1, 0);
  for (int il = 0; il < o->n_layer && !rc; il++) rc = plan_layer(p, il);
  if (!rc) rc = plan_add(p, "output_norm.weight", T_NORM, e, 1, 0);
  if (!rc && o->untied)
    rc = plan_add(p, "output.weight", T_MAT, e, nv, out_std);
  return rc;
}

/* ------------------------------------------------------------ weights */

/* Llama 3.1 frequency factors (factor 8, low 1, high 4, context 8192). */
static void rope_factors(float *f, int n, int head_dim, float base) {
  const double factor = 8, lo = 1, hi = 4, ctx = 8192;
  const double lo_wl = ctx / lo, hi_wl = ctx / hi, pi = 3.14159265358979323846;
  for (int i = 0; i < n; i++) {
    double freq = 1.0 / pow(base, (2.0 * i) / head_dim);
    double wl = 2 * pi / freq;
    if (wl < hi_wl) {
      f[i] = 1.0f;
    } else if (wl > lo_wl) {
      f[i] = (float)factor;
    } else {
      double smooth = (ctx / wl - lo) / (hi - lo);
      f[i] = (float)(1.0 / ((1 - smooth) / factor + smooth));
    }
  }
}

static int fill(void *ud, size_t i, void *buf, size_t nbytes,
                lotse_err_t *err) {
  plan_t *p = ud;
  const tplan_t *t = &p->t[i];
  uint64_t s = name_seed(p->o->seed, t->name);
  size_t rb = llm_row_bytes(t->type, t->ne[0]);
  if (rb * (size_t)t->ne[1] != nbytes)
    return lotse_err_set(err, LOTSE_EINTERNAL, "size mismatch for '%s'",
                         t->name);
  if (t->kind == T_ROPE) {
    rope_factors(buf, (int)t->ne[0], p->o->head_dim, p->rope_base);
    return 0;
  }
  float a = t->std * 1.7320508f; /* uniform [-a, a) has std a / sqrt(3) */
  for (int64_t r = 0; r < t->ne[1]; r++) {
    for (int64_t j = 0; j < t->ne[0]; j++)
      p->row[j] = t->kind == T_NORM ? 1.0f + 0.1f * uni(&s) : a * uni(&s);
    if (llm_quantize_row(t->type, p->row, (char *)buf + (size_t)r * rb,
                         t->ne[0]))
      return lotse_err_set(err, LOTSE_EINTERNAL, "unable to quantise '%s'",
                           t->name);
  }
  return 0;
}

/* ------------------------------------------------------------ metadata */

static int file_type(int type) {
  switch (type) {
  case LLM_TYPE_F32: return 0;
  case LLM_TYPE_F16: return 1;
  case LLM_TYPE_Q4_0: return 2;
  case LLM_TYPE_Q4_1: return 3;
  case LLM_TYPE_Q8_0: return 7;
  case LLM_TYPE_Q5_0: return 8;
  case LLM_TYPE_Q5_1: return 9;
  case LLM_TYPE_Q4_K: return 15; /* Q4_K_M */
  case LLM_TYPE_Q5_K: return 17; /* Q5_K_M */
  case LLM_TYPE_Q6_K: return 18;
  case LLM_TYPE_BF16: return 32;
  default: return 0;
  }
}

static int set_arch_keys(gguf_writer_t *w, const llm_synth_opts_t *o,
                         float rope_base) {
  const char *a = o->arch;
  bool llama = !strcmp(a, "llama");
  char k[96];
  int rc = 0;
#define U32(sfx, v)                                       \
  do {                                                    \
    snprintf(k, sizeof k, "%s.%s", a, sfx);               \
    if (!rc) rc = gguf_writer_set_u32(w, k, (uint32_t)(v)); \
  } while (0)
  U32("block_count", o->n_layer);
  U32("context_length", o->n_ctx);
  U32("embedding_length", o->n_embd);
  U32("feed_forward_length", o->n_ff);
  U32("attention.head_count", o->n_head);
  U32("attention.head_count_kv", o->n_head_kv);
  snprintf(k, sizeof k, "%s.rope.freq_base", a);
  if (!rc) rc = gguf_writer_set_f32(w, k, rope_base);
  snprintf(k, sizeof k, "%s.attention.layer_norm_rms_epsilon", a);
  if (!rc) rc = gguf_writer_set_f32(w, k, llama ? 1e-5f : 1e-6f);
  if (!strcmp(a, "qwen3") || o->head_dim * o->n_head != o->n_embd) {
    U32("attention.key_length", o->head_dim);
    U32("attention.value_length", o->head_dim);
  }
  if (llama) U32("rope.dimension_count", o->head_dim);
  if (llama) U32("vocab_size", o->vocab->n);
  if (o->rope_factors) U32("rope.scaling.original_context_length", 8192);
#undef U32
  return rc;
}

static int set_keys(gguf_writer_t *w, const llm_synth_opts_t *o,
                    float rope_base, lotse_err_t *err) {
  char name[96];
  snprintf(name, sizeof name, "lotse-synth-%s", o->arch);
  int rc = gguf_writer_set_str(w, "general.architecture", o->arch);
  if (!rc) rc = gguf_writer_set_str(w, "general.name", o->name ? o->name : name);
  if (!rc) rc = set_arch_keys(w, o, rope_base);
  if (!rc) rc = gguf_writer_set_u32(w, "general.file_type",
                                    (uint32_t)file_type(o->type));
  if (!rc) rc = gguf_writer_set_u32(w, "general.alignment",
                                    GGUF_DEFAULT_ALIGNMENT);
  if (rc) return lotse_err_set(err, rc, "unable to add model keys");
  if ((rc = llm_vocab_to_gguf(o->vocab, w, err))) return rc;
  if (o->chat_template &&
      gguf_writer_set_str(w, "tokenizer.chat_template", o->chat_template))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (gguf_writer_set_u32(w, "general.quantization_version", 2))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

/* ------------------------------------------------------------ write */

static int check_opts(const llm_synth_opts_t *o, lotse_err_t *err) {
  if (!o->arch || (strcmp(o->arch, "llama") && strcmp(o->arch, "qwen2") &&
                   strcmp(o->arch, "qwen3")))
    return lotse_err_set(err, LOTSE_EINVAL, "unknown architecture '%s' "
                         "(llama, qwen2, qwen3)", o->arch ? o->arch : "");
  const llm_type_info_t *ti = llm_type_info(o->type);
  if (!ti || !ti->weight_ok)
    return lotse_err_set(err, LOTSE_EINVAL, "type %d cannot be a weight type",
                         o->type);
  if (o->n_embd <= 0 || o->n_layer <= 0 || o->n_head <= 0 ||
      o->n_head_kv <= 0 || o->head_dim <= 0 || o->n_ff <= 0 || o->n_ctx <= 0)
    return lotse_err_set(err, LOTSE_EINVAL, "every dimension must be positive");
  if (o->n_embd > 65536 || o->n_ff > 262144 || o->n_layer > 1024 ||
      o->n_head > 1024 || o->head_dim > 1024)
    return lotse_err_set(err, LOTSE_EINVAL, "dimensions too large");
  if (o->n_head % o->n_head_kv)
    return lotse_err_set(err, LOTSE_EINVAL, "n_head %d is not a multiple of "
                         "n_head_kv %d", o->n_head, o->n_head_kv);
  if (o->head_dim % 2)
    return lotse_err_set(err, LOTSE_EINVAL, "head_dim %d is odd", o->head_dim);
  if (o->rope_factors && strcmp(o->arch, "llama"))
    return lotse_err_set(err, LOTSE_EINVAL, "rope factors only for arch llama");
  if (!o->vocab || !o->vocab->n || o->vocab->n > (size_t)INT32_MAX)
    return lotse_err_set(err, LOTSE_EINVAL, "no vocabulary");
  return 0;
}

int llm_synth_write(const char *path, const llm_synth_opts_t *o,
                    lotse_err_t *err) {
  int rc = check_opts(o, err);
  if (rc) return rc;
  plan_t p = {.o = o,
              .rope_base = !strcmp(o->arch, "llama") ? 500000.0f : 1e6f};
  gguf_writer_t *w = gguf_writer_new();
  if (!w || plan_build(&p)) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  int64_t max_row = 1;
  for (size_t i = 0; i < p.n; i++) {
    if (p.t[i].ne[0] > max_row) max_row = p.t[i].ne[0];
    if ((rc = gguf_writer_add_tensor(w, p.t[i].name, p.t[i].type,
                                     p.t[i].n_dims, p.t[i].ne))) {
      rc = lotse_err_set(err, rc, "unable to add tensor '%s'", p.t[i].name);
      goto out;
    }
  }
  p.row = malloc((size_t)max_row * sizeof *p.row);
  if (!p.row) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  if ((rc = set_keys(w, o, p.rope_base, err))) goto out;
  rc = gguf_writer_write(w, path, fill, &p, err);
out:
  free(p.row);
  free(p.t);
  gguf_writer_free(w);
  return rc;
}
