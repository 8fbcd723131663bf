/* SPDX-License-Identifier: EUPL-1.2
 *
 * engine_prompt.c — from a request to prompt tokens in the KV cache.
 *
 * Chat messages are rendered with the model's template and tokenised with
 * control tokens recognised, so the template's <|im_start|> etc. become
 * single tokens. Message text that spells a control token is refused:
 * otherwise a user could forge a system turn. BOS is added only when the
 * vocabulary wants it and the template did not already write it.
 */
#include "llm/engine_internal.h"

#include <string.h>

#define PROMPT_TEXT_MAX (64u << 20)

static int engine_check_content(const engine_t *e, const char *s,
                                lotse_err_t *err) {
  for (size_t i = 0; i < e->controls.n; i++)
    if (strstr(s, e->controls.v[i]) != NULL)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "message contains the reserved control token '%s'",
                           e->controls.v[i]);
  return 0;
}

static int engine_render_chat(engine_t *e, const llm_request_t *req,
                              lotse_buf_t *text, lotse_err_t *err) {
  if (e->tmpl == NULL) {
    if (e->tmpl_error != NULL)
      return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                           "the model's chat template is not supported (%s); "
                           "name one of chatml, llama3, mistral",
                           e->tmpl_error);
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "the model has no chat template; name one of "
                         "chatml, llama3, mistral");
  }
  for (size_t i = 0; i < req->n_msgs; i++) {
    const llm_chat_msg_t *m = &req->msgs[i];
    if (m->role == NULL || m->content == NULL)
      return lotse_err_set(err, LOTSE_EINVAL, "message %zu is incomplete", i);
    int rc = engine_check_content(e, m->content, err);
    if (rc < 0)
      return rc;
  }
  int32_t bos = llm_tok_bos(e->tok), eos = llm_tok_eos(e->tok);
  llm_chat_opts_t o = {
      .add_generation_prompt = true,
      .bos_token = bos >= 0 ? llm_tok_text(e->tok, bos) : "",
      .eos_token = eos >= 0 ? llm_tok_text(e->tok, eos) : "",
      .enable_thinking = false,
  };
  return llm_chat_render(e->tmpl, req->msgs, req->n_msgs, &o, text, err);
}

int engine_prompt_tokens(engine_t *e, const llm_request_t *req,
                         llm_tokens_t *out, lotse_err_t *err) {
  lotse_buf_t text;
  lotse_buf_init(&text, PROMPT_TEXT_MAX);
  int rc;
  unsigned flags = LLM_TOK_ADD_BOS;
  if (req->msgs != NULL) {
    rc = engine_render_chat(e, req, &text, err);
    flags |= LLM_TOK_PARSE_SPECIAL;
  } else {
    rc = lotse_buf_puts(&text, req->prompt);
    if (rc < 0)
      rc = lotse_err_set(err, rc, "prompt too large");
  }
  int32_t bos = llm_tok_bos(e->tok);
  if (rc == 0 && bos >= 0 && text.len > 0) {
    const char *bt = llm_tok_text(e->tok, bos);
    if (bt[0] != '\0' && strncmp(text.data, bt, strlen(bt)) == 0 &&
        (flags & LLM_TOK_PARSE_SPECIAL))
      flags &= ~(unsigned)LLM_TOK_ADD_BOS;
  }
  if (rc == 0)
    rc = llm_tokenize(e->tok, text.data ? text.data : "", text.len, flags,
                      out, err);
  lotse_buf_release(&text);
  if (rc == 0 && out->n == 0)
    rc = lotse_err_set(err, LOTSE_EINVAL, "the prompt is empty");
  return rc;
}

int engine_feed_prompt(engine_t *e, const int32_t *toks, size_t n,
                       lotse_err_t *err) {
  size_t keep = 0;
  while (keep < n && keep < e->cached.n && e->cached.v[keep] == toks[keep])
    keep++;
  if (keep == n) /* the logits after the last token must be recomputed */
    keep = n - 1;
  llm_ctx_truncate(e->ctx, (int)keep);
  e->cached.n = keep;
  int rc = llm_ctx_decode(e->ctx, toks + keep, n - keep, err);
  if (rc < 0) {
    llm_ctx_truncate(e->ctx, (int)keep);
    return rc;
  }
  for (size_t i = keep; i < n; i++)
    if (llm_tokens_push(&e->cached, toks[i]) < 0)
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}
