/* SPDX-License-Identifier: EUPL-1.2
 *
 * engine.c — the "builtin" backend: opens a GGUF model with its tokenizer
 * and chat template, queues requests (FIFO ticket lock) and computes
 * embeddings. The decode loop is in engine_generate.c.
 */
#include "llm/engine_internal.h"
#include "llm/json_schema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void engine_lock(engine_t *e) {
  pthread_mutex_lock(&e->mu);
  unsigned long mine = e->next_ticket++;
  while (mine != e->serving)
    pthread_cond_wait(&e->cv, &e->mu);
  pthread_mutex_unlock(&e->mu);
}

void engine_unlock(engine_t *e) {
  pthread_mutex_lock(&e->mu);
  e->serving++;
  pthread_cond_broadcast(&e->cv);
  pthread_mutex_unlock(&e->mu);
}

/* The model's own template, or the one the configuration names. A model
 * whose template cannot be compiled still opens: completions and
 * embeddings work, chat requests get the reason. */
static int engine_load_template(engine_t *e, const char *named,
                                lotse_err_t *err) {
  if (named != NULL && named[0] != '\0')
    return llm_chat_tmpl_builtin(named, &e->tmpl, err);
  gguf_str_t src;
  if (gguf_get_str(llm_model_gguf(e->model), "tokenizer.chat_template",
                   &src) < 0)
    return 0;
  lotse_err_t terr = {0};
  if (llm_chat_tmpl_compile(src.p, src.n, &e->tmpl, &terr) < 0) {
    e->tmpl = NULL;
    e->tmpl_error = lotse_strdup(terr.msg);
    if (e->tmpl_error == NULL)
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

/* Control tokens (<|im_start|>, <|eot_id|>, ...) must not be smuggled in
 * through message text; remember their spellings. */
static int engine_collect_controls(engine_t *e) {
  size_t n = llm_tok_n_vocab(e->tok);
  for (size_t i = 0; i < n; i++) {
    int t = llm_tok_type(e->tok, (int32_t)i);
    if (t != LLM_TOKT_CONTROL && t != LLM_TOKT_USER_DEFINED)
      continue;
    const char *s = llm_tok_text(e->tok, (int32_t)i);
    if (s[0] != '\0' && lotse_strv_push(&e->controls, s) < 0)
      return LOTSE_ENOMEM;
  }
  return 0;
}

static int engine_model_id(engine_t *e, const char *path) {
  const llm_hparams_t *hp = llm_model_hparams(e->model);
  const char *id = hp->name[0] != '\0' ? hp->name : lotse_path_base(path);
  e->model_id = lotse_strdup(id);
  return e->model_id == NULL ? LOTSE_ENOMEM : 0;
}

static void engine_free(engine_t *e) {
  if (e == NULL)
    return;
  llm_ctx_free(e->ctx);
  llm_model_free(e->model);
  llm_chat_tmpl_free(e->tmpl);
  free(e->tmpl_error);
  free(e->model_id);
  lotse_strv_release(&e->controls);
  llm_tokens_release(&e->cached);
  llm_jsonc_vocab_free(e->jvocab);
  pthread_mutex_destroy(&e->mu);
  pthread_cond_destroy(&e->cv);
  free(e);
}

static int engine_open(const llm_config_t *cfg, void **impl,
                       lotse_err_t *err) {
  if (cfg->model_path == NULL || cfg->model_path[0] == '\0')
    return lotse_err_set(err, LOTSE_EINVAL, "no model file given");
  engine_t *e = calloc(1, sizeof(*e));
  if (e == NULL)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  pthread_mutex_init(&e->mu, NULL);
  pthread_cond_init(&e->cv, NULL);
  int rc = llm_model_load(cfg->model_path, &e->model, err);
  if (rc == 0) {
    e->tok = llm_model_tokenizer(e->model);
    llm_ctx_opts_t o = {.n_ctx = cfg->n_ctx, .n_threads = cfg->n_threads};
    rc = llm_ctx_new(e->model, &o, &e->ctx, err);
  }
  if (rc == 0)
    rc = engine_load_template(e, cfg->chat_template, err);
  if (rc == 0 && (engine_collect_controls(e) < 0 ||
                  engine_model_id(e, cfg->model_path) < 0))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc < 0) {
    engine_free(e);
    return rc;
  }
  *impl = e;
  return 0;
}

static void engine_close(void *impl) { engine_free(impl); }

static const char *engine_get_model_id(void *impl) {
  return ((engine_t *)impl)->model_id;
}

static int engine_embed(void *impl, const char *text, size_t len,
                        llm_embed_pool_t pool, float **vec, size_t *dim,
                        int *n_tokens, lotse_err_t *err) {
  engine_t *e = impl;
  llm_tokens_t toks = {0};
  int rc = llm_tokenize(e->tok, text, len, LLM_TOK_ADD_BOS, &toks, err);
  size_t n_embd = (size_t)llm_model_hparams(e->model)->n_embd;
  float *v = rc < 0 ? NULL : malloc(n_embd * sizeof(float));
  if (rc == 0 && v == NULL)
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc == 0) {
    engine_lock(e);
    e->cached.n = 0; /* embedding clears the cache */
    rc = llm_ctx_embed(e->ctx, toks.v, toks.n,
                       pool == LLM_EMBED_LAST ? LLM_POOL_LAST : LLM_POOL_MEAN,
                       v, err);
    engine_unlock(e);
  }
  int n_in = (int)toks.n;
  llm_tokens_release(&toks);
  if (rc < 0) {
    free(v);
    return rc;
  }
  *vec = v;
  *dim = n_embd;
  *n_tokens = n_in;
  return 0;
}

const llm_backend_ops_t llm_backend_builtin = {
    .name = "builtin",
    .open = engine_open,
    .close = engine_close,
    .model_id = engine_get_model_id,
    .generate = engine_generate,
    .embed = engine_embed,
};
