/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/vocab.c — the plain vocabulary: release, and the tokenizer.* keys of
 * a GGUF file in both directions (read with gguf.h, write with its writer).
 *
 * Contract: llm_vocab_from_gguf() copies everything out of the mapping, so
 * the vocabulary outlives the gguf handle; llm_vocab_to_gguf() writes the
 * keys llama.cpp reads (model, pre, tokens, token_type, scores for "llama",
 * merges for "gpt2", special ids, add_bos/add_eos, chat template).
 * Absent special ids are -1 and are not written.
 */
#include "llm/tokenizer_internal.h"

#include <stdlib.h>
#include <string.h>

void llm_vocab_init(llm_vocab_t *v) {
  memset(v, 0, sizeof *v);
  v->bos = v->eos = v->eot = v->unk = v->pad = -1;
}

int llm_vocab_alloc(llm_vocab_t *v, size_t n, int with_scores) {
  v->n = n;
  v->tokens = calloc(n ? n : 1, sizeof *v->tokens);
  v->types = calloc(n ? n : 1, sizeof *v->types);
  v->scores = with_scores ? calloc(n ? n : 1, sizeof *v->scores) : NULL;
  if (!v->tokens || !v->types || (with_scores && !v->scores))
    return LOTSE_ENOMEM;
  for (size_t i = 0; i < n; i++) v->types[i] = LLM_TOKT_NORMAL;
  return 0;
}

void llm_vocab_release(llm_vocab_t *v) {
  if (!v) return;
  for (size_t i = 0; v->tokens && i < v->n; i++) free(v->tokens[i]);
  for (size_t i = 0; v->merges && i < v->n_merges; i++) free(v->merges[i]);
  free(v->tokens);
  free(v->merges);
  free(v->scores);
  free(v->types);
  free(v->model);
  free(v->pre);
  free(v->chat_template);
  llm_vocab_init(v);
}

/* ------------------------------------------------------------ reading */

static int get_strdup(const gguf_t *g, const char *key, char **out,
                      lotse_err_t *err) {
  gguf_str_t s;
  int rc = gguf_get_str(g, key, &s);
  if (rc == LOTSE_ENOTFOUND) return 0;
  if (rc) return lotse_err_set(err, rc, "bad value of '%s'", key);
  *out = lotse_strndup(s.p, s.n);
  return *out ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int get_id(const gguf_t *g, const char *key, size_t n, int32_t *out,
                  lotse_err_t *err) {
  uint32_t id;
  int rc = gguf_get_u32(g, key, &id);
  if (rc == LOTSE_ENOTFOUND) return 0;
  if (rc) return lotse_err_set(err, rc, "bad value of '%s'", key);
  /* llama.cpp ignores out-of-range special ids; so do we. */
  if (id < n) *out = (int32_t)id;
  return 0;
}

static int read_tokens(const gguf_t *g, llm_vocab_t *v, lotse_err_t *err) {
  gguf_str_t *s = NULL;
  size_t n = 0;
  int rc = gguf_get_arr_str(g, "tokenizer.ggml.tokens", &s, &n);
  if (rc)
    return lotse_err_set(err, rc == LOTSE_ENOTFOUND ? LOTSE_ECORRUPT : rc,
                         "no token list in 'tokenizer.ggml.tokens'");
  if (n == 0 || n > INT32_MAX) {
    free(s);
    return lotse_err_set(err, LOTSE_ECORRUPT, "empty or huge token list");
  }
  rc = llm_vocab_alloc(v, n, 0);
  for (size_t i = 0; !rc && i < n; i++)
    if (!(v->tokens[i] = lotse_strndup(s[i].p, s[i].n))) rc = LOTSE_ENOMEM;
  free(s);
  return rc ? lotse_err_set(err, rc, "out of memory") : 0;
}

static int read_arrays(const gguf_t *g, llm_vocab_t *v, lotse_err_t *err) {
  size_t n = 0;
  int32_t *types = NULL;
  int rc = gguf_get_arr_i32(g, "tokenizer.ggml.token_type", &types, &n);
  if (rc == 0) {
    if (n != v->n) {
      free(types);
      return lotse_err_set(err, LOTSE_ECORRUPT,
                           "token_type has %zu entries for %zu tokens", n, v->n);
    }
    free(v->types);
    v->types = types;
  } else if (rc != LOTSE_ENOTFOUND) {
    return lotse_err_set(err, rc, "bad 'tokenizer.ggml.token_type'");
  }
  rc = gguf_get_arr_f32(g, "tokenizer.ggml.scores", &v->scores, &n);
  if (rc == 0 && n != v->n)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "scores has %zu entries for %zu tokens", n, v->n);
  if (rc && rc != LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc, "bad 'tokenizer.ggml.scores'");
  gguf_str_t *m = NULL;
  rc = gguf_get_arr_str(g, "tokenizer.ggml.merges", &m, &n);
  if (rc == LOTSE_ENOTFOUND) return 0;
  if (rc) return lotse_err_set(err, rc, "bad 'tokenizer.ggml.merges'");
  v->merges = calloc(n ? n : 1, sizeof *v->merges);
  rc = v->merges ? 0 : LOTSE_ENOMEM;
  for (size_t i = 0; !rc && i < n; i++, v->n_merges++)
    if (!(v->merges[i] = lotse_strndup(m[i].p, m[i].n))) rc = LOTSE_ENOMEM;
  free(m);
  return rc ? lotse_err_set(err, rc, "out of memory") : 0;
}

static int read_specials(const gguf_t *g, llm_vocab_t *v, lotse_err_t *err) {
  static const char *keys[] = {
      "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
      "tokenizer.ggml.eot_token_id", "tokenizer.ggml.unknown_token_id",
      "tokenizer.ggml.padding_token_id"};
  int32_t *ids[] = {&v->bos, &v->eos, &v->eot, &v->unk, &v->pad};
  for (size_t i = 0; i < 5; i++)
    if (get_id(g, keys[i], v->n, ids[i], err)) return err->code;
  int spm = strcmp(v->model, "llama") == 0;
  v->add_bos = spm || (v->pre && strcmp(v->pre, "llama-bpe") == 0);
  v->add_eos = false;
  int rc = gguf_get_bool(g, "tokenizer.ggml.add_bos_token", &v->add_bos);
  if (rc && rc != LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc, "bad 'tokenizer.ggml.add_bos_token'");
  rc = gguf_get_bool(g, "tokenizer.ggml.add_eos_token", &v->add_eos);
  if (rc && rc != LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc, "bad 'tokenizer.ggml.add_eos_token'");
  if (spm && v->unk < 0 && v->n > 0) v->unk = 0;
  return 0;
}

int llm_vocab_from_gguf(const gguf_t *g, llm_vocab_t *v, lotse_err_t *err) {
  lotse_err_t dummy = {0};
  if (!err) err = &dummy;
  llm_vocab_init(v);
  int rc = get_strdup(g, "tokenizer.ggml.model", &v->model, err);
  if (!rc && !v->model)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND,
                       "no tokenizer in the file ('tokenizer.ggml.model')");
  if (!rc && strcmp(v->model, "gpt2") != 0 && strcmp(v->model, "llama") != 0)
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "unsupported tokenizer model '%s'", v->model);
  if (!rc) rc = get_strdup(g, "tokenizer.ggml.pre", &v->pre, err);
  if (!rc) rc = read_tokens(g, v, err);
  if (!rc) rc = read_arrays(g, v, err);
  if (!rc) rc = read_specials(g, v, err);
  if (!rc) rc = get_strdup(g, "tokenizer.chat_template", &v->chat_template, err);
  if (rc) llm_vocab_release(v);
  return rc;
}

/* ------------------------------------------------------------ writing */

static int write_ids(const llm_vocab_t *v, gguf_writer_t *w) {
  static const char *keys[] = {
      "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
      "tokenizer.ggml.eot_token_id", "tokenizer.ggml.unknown_token_id",
      "tokenizer.ggml.padding_token_id"};
  const int32_t ids[] = {v->bos, v->eos, v->eot, v->unk, v->pad};
  int rc = 0;
  for (size_t i = 0; i < 5 && !rc; i++)
    if (ids[i] >= 0 && (size_t)ids[i] < v->n)
      rc = gguf_writer_set_u32(w, keys[i], (uint32_t)ids[i]);
  return rc;
}

int llm_vocab_to_gguf(const llm_vocab_t *v, gguf_writer_t *w,
                      lotse_err_t *err) {
  if (!v->model || !v->n || !v->tokens)
    return lotse_err_set(err, LOTSE_EINVAL, "empty vocabulary");
  int spm = strcmp(v->model, "llama") == 0;
  int rc = gguf_writer_set_str(w, "tokenizer.ggml.model", v->model);
  if (!rc && v->pre && !spm)
    rc = gguf_writer_set_str(w, "tokenizer.ggml.pre", v->pre);
  if (!rc)
    rc = gguf_writer_set_arr_str(w, "tokenizer.ggml.tokens",
                                 (const char *const *)v->tokens, v->n);
  if (!rc && v->types)
    rc = gguf_writer_set_arr(w, "tokenizer.ggml.token_type", GGUF_VT_I32,
                             v->types, v->n);
  if (!rc && v->scores)
    rc = gguf_writer_set_arr(w, "tokenizer.ggml.scores", GGUF_VT_F32,
                             v->scores, v->n);
  if (!rc && !spm && v->merges)
    rc = gguf_writer_set_arr_str(w, "tokenizer.ggml.merges",
                                 (const char *const *)v->merges, v->n_merges);
  if (!rc) rc = write_ids(v, w);
  if (!rc) rc = gguf_writer_set_bool(w, "tokenizer.ggml.add_bos_token", v->add_bos);
  if (!rc) rc = gguf_writer_set_bool(w, "tokenizer.ggml.add_eos_token", v->add_eos);
  if (!rc && v->chat_template)
    rc = gguf_writer_set_str(w, "tokenizer.chat_template", v->chat_template);
  if (rc) return lotse_err_set(err, rc, "unable to add tokenizer keys");
  return 0;
}
