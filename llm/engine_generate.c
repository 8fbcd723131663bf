/* SPDX-License-Identifier: EUPL-1.2
 *
 * engine_generate.c — the decode loop of the builtin backend: sample,
 * constrain (JSON schema), detokenise without splitting characters, cut
 * at stop strings, stream, stop on end of generation / token limit /
 * context end / cancellation.
 *
 * Stop strings: text that could still turn into a stop string is held
 * back from the stream until it is decided, so a caller never receives
 * part of a stop string.
 */
#include "llm/engine_internal.h"
#include "llm/json_schema.h"
#include "llm/json_schema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_TEXT_MAX (16u << 20)

typedef struct gen {
  engine_t *e;
  const llm_request_t *req;
  llm_sampler_t *sampler;
  llm_jsonc_t *schema;
  llm_jsonc_run_t *run;
  uint8_t *mask;
  llm_tokens_t hist; /* prompt + generated, for the repetition penalty */
  llm_detok_t detok;
  lotse_buf_t text;  /* generated text after detokenisation */
  size_t emitted;    /* bytes of text already streamed */
  int n_gen;
  const char *finish;
  int stop_hit;      /* a stop string ended the text */
} gen_t;

static void gen_release(gen_t *g) {
  llm_sampler_free(g->sampler);
  llm_jsonc_run_free(g->run);
  llm_jsonc_free(g->schema);
  free(g->mask);
  llm_tokens_release(&g->hist);
  lotse_buf_release(&g->text);
}

static int gen_init(gen_t *g, engine_t *e, const llm_request_t *req,
                    lotse_err_t *err) {
  memset(g, 0, sizeof(*g));
  g->e = e;
  g->req = req;
  lotse_buf_init(&g->text, GEN_TEXT_MAX);
  g->sampler = llm_sampler_new(&req->sampling);
  if (g->sampler == NULL)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (req->json_schema == NULL)
    return 0;
  int rc = llm_jsonc_compile(req->json_schema, strlen(req->json_schema),
                             &g->schema, err);
  if (rc == 0) {
    /* the model may have more logits than tokens (padding rows): those
     * stay disallowed */
    g->mask = calloc((size_t)llm_model_hparams(e->model)->n_vocab, 1);
    if (g->mask == NULL)
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return rc;
}

/* Under the engine lock: the token index is built once per model. */
static int gen_start_schema(gen_t *g, lotse_err_t *err) {
  engine_t *e = g->e;
  if (g->schema == NULL)
    return 0;
  if (e->jvocab == NULL) {
    int rc = llm_jsonc_vocab_new(e->tok, &e->jvocab, err);
    if (rc < 0)
      return rc;
  }
  return llm_jsonc_start_vocab(g->schema, e->jvocab, &g->run, err);
}

/* Longest suffix of text[from..] that is a proper prefix of a stop
 * string: those bytes must wait. */
static size_t gen_holdback(const gen_t *g, size_t from) {
  size_t len = g->text.len, hold = 0;
  for (size_t i = 0; i < g->req->n_stop; i++) {
    const char *s = g->req->stop[i];
    size_t sl = strlen(s);
    for (size_t k = sl - 1; k > hold; k--)
      if (len - from >= k && memcmp(g->text.data + len - k, s, k) == 0) {
        hold = k;
        break;
      }
  }
  return hold;
}

/* Cut at the first stop string; returns 1 when one was found. */
static int gen_find_stop(gen_t *g) {
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < g->req->n_stop && g->text.len > 0; i++) {
    const char *p = strstr(g->text.data, g->req->stop[i]);
    if (p != NULL && (size_t)(p - g->text.data) < best)
      best = (size_t)(p - g->text.data);
  }
  if (best == SIZE_MAX)
    return 0;
  g->text.len = best;
  g->text.data[best] = '\0';
  return 1;
}

static int gen_emit(gen_t *g, size_t upto) {
  if (upto <= g->emitted)
    return 0;
  size_t from = g->emitted;
  g->emitted = upto;
  if (g->req->on_text == NULL)
    return 0;
  return g->req->on_text(g->req->ud, g->text.data + from, upto - from) != 0
             ? LOTSE_ECANCELED
             : 0;
}

/* Random or badly trained models can produce byte tokens that do not
 * form UTF-8; callers (JSON, HTTP, terminals) get U+FFFD instead. */
static int gen_append_valid(gen_t *g, const char *p, size_t n) {
  if (lotse_utf8_valid(p, n))
    return lotse_buf_append(&g->text, p, n);
  char *clean = lotse_utf8_sanitize(p, n);
  if (clean == NULL)
    return LOTSE_ENOMEM;
  int rc = lotse_buf_puts(&g->text, clean);
  free(clean);
  return rc;
}

/* Append one token's text; returns 1 when a stop string ended it. */
static int gen_add_text(gen_t *g, int32_t id, lotse_err_t *err) {
  char piece[256], out[256 + 4];
  int n = llm_token_bytes(g->e->tok, id, false, piece, sizeof(piece));
  if (n < 0 || (size_t)n > sizeof(piece))
    return lotse_err_set(err, LOTSE_EINTERNAL, "token %d has no text", id);
  size_t m = llm_detok_push(&g->detok, piece, (size_t)n, out);
  if (m > 0 && gen_append_valid(g, out, m) < 0)
    return lotse_err_set(err, LOTSE_ETOOBIG, "generated text too long");
  if (g->req->n_stop > 0 && gen_find_stop(g)) {
    g->finish = "stop";
    g->stop_hit = 1;
    return gen_emit(g, g->text.len) < 0 ? LOTSE_ECANCELED : 1;
  }
  size_t hold = g->req->n_stop > 0 ? gen_holdback(g, g->emitted) : 0;
  int rc = gen_emit(g, g->text.len - hold);
  return rc < 0 ? rc : 0;
}

static int32_t gen_sample(gen_t *g) {
  const llm_hparams_t *hp = llm_model_hparams(g->e->model);
  float *logits = (float *)llm_ctx_logits(g->e->ctx);
  if (g->run != NULL)
    llm_jsonc_mask(g->run, g->mask);
  return llm_sampler_sample(g->sampler, logits, hp->n_vocab, g->mask,
                            g->hist.v, g->hist.n);
}

/* One step: choose, account, append. 1 = finished, 0 = go on. */
static int gen_step(gen_t *g, lotse_err_t *err) {
  int32_t id = gen_sample(g);
  if (id < 0)
    return lotse_err_set(err, LOTSE_EINTERNAL, "no token is allowed");
  if (llm_tok_is_eog(g->e->tok, id)) {
    g->finish = "stop";
    return 1;
  }
  if (g->run != NULL && llm_jsonc_advance(g->run, id) < 0)
    return lotse_err_set(err, LOTSE_EINTERNAL, "constraint rejected %d", id);
  g->n_gen++;
  if (llm_tokens_push(&g->hist, id) < 0)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = gen_add_text(g, id, err);
  if (rc != 0)
    return rc;
  if (g->run != NULL && llm_jsonc_done(g->run)) {
    g->finish = "stop";
    return 1;
  }
  if (g->req->max_tokens > 0 && g->n_gen >= g->req->max_tokens) {
    g->finish = "length";
    return 1;
  }
  if (llm_ctx_n_past(g->e->ctx) >= llm_ctx_n_ctx(g->e->ctx)) {
    g->finish = "length";
    return 1;
  }
  rc = llm_ctx_decode(g->e->ctx, &id, 1, err);
  if (rc == 0 && llm_tokens_push(&g->e->cached, id) < 0)
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc < 0) { /* keep the record of the cache honest */
    g->e->cached.n = 0;
    llm_ctx_truncate(g->e->ctx, 0);
  }
  return rc;
}

static int gen_finish_text(gen_t *g) {
  char tail[12];
  size_t m = llm_detok_flush(&g->detok, tail);
  if (m == 0 || g->stop_hit)
    return 0;
  return lotse_buf_append(&g->text, tail, m);
}

/* A token limit may cut a JSON document short; close it with the
 * smallest valid completion so the output always parses. The held-back
 * bytes of a character are a valid prefix the matcher already knows. */
static int gen_finish_json(gen_t *g) {
  if (llm_jsonc_done(g->run))
    return 0;
  if (g->detok.n > 0 &&
      lotse_buf_append(&g->text, g->detok.pend, (size_t)g->detok.n) < 0)
    return LOTSE_ETOOBIG;
  g->detok.n = 0;
  return llm_jsonc_complete(g->run, &g->text);
}

static int gen_run(gen_t *g, llm_result_t *res, lotse_err_t *err) {
  engine_t *e = g->e;
  double t0 = lotse_now_mono();
  int rc = gen_start_schema(g, err);
  if (rc == 0)
    rc = engine_prompt_tokens(e, g->req, &g->hist, err);
  if (rc < 0)
    return rc;
  res->prompt_tokens = (int)g->hist.n;
  int n_ctx = llm_ctx_n_ctx(e->ctx);
  if ((int)g->hist.n >= n_ctx)
    return lotse_err_set(err, LOTSE_ELIMIT,
                         "the prompt has %zu tokens, the context holds %d",
                         g->hist.n, n_ctx);
  rc = engine_feed_prompt(e, g->hist.v, g->hist.n, err);
  double t1 = lotse_now_mono();
  res->prompt_ms = (t1 - t0) * 1000.0;
  while (rc == 0)
    rc = gen_step(g, err);
  res->gen_ms = (lotse_now_mono() - t1) * 1000.0;
  if (rc < 0)
    return rc;
  rc = g->run != NULL ? gen_finish_json(g) : gen_finish_text(g);
  if (rc < 0)
    return lotse_err_set(err, LOTSE_ETOOBIG, "generated text too long");
  return gen_emit(g, g->text.len);
}

int engine_generate(void *impl, const llm_request_t *req, llm_result_t *res,
                    lotse_err_t *err) {
  engine_t *e = impl;
  gen_t g;
  int rc = gen_init(&g, e, req, err);
  if (rc == 0) {
    engine_lock(e);
    rc = gen_run(&g, res, err);
    engine_unlock(e);
  }
  if (rc == LOTSE_ECANCELED) { /* the tokens were computed all the same */
    lotse_err_set(err, rc, "generation cancelled by the caller");
    res->completion_tokens = g.n_gen;
  }
  if (rc == 0) {
    res->completion_tokens = g.n_gen;
    snprintf(res->finish_reason, sizeof(res->finish_reason), "%s", g.finish);
    res->text = lotse_buf_detach(&g.text);
    if (res->text == NULL)
      res->text = lotse_strdup("");
    if (res->text == NULL)
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  gen_release(&g);
  return rc;
}
