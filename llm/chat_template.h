/* SPDX-License-Identifier: EUPL-1.2
 *
 * chat_template.h — turning a conversation into the prompt text a model was
 * trained on, using the model's own tokenizer.chat_template (Jinja).
 *
 * A small interpreter for the Jinja subset that real chat templates use
 * (Llama 3.x, Qwen2.5, Qwen3, Mistral): {{ }}, {% if/elif/else %},
 * {% for %} with loop.index0/first/last, {% set %} (also namespace()),
 * {% macro %} is not needed; whitespace control {%- -%}; filters trim,
 * length, tojson, string, upper, lower, default; tests defined/none/string;
 * operators + ~ == != < > <= >= and or not in, is, slicing [::-1], indexing,
 * methods startswith/endswith/strip/split/replace; raise_exception().
 * Anything else is a compile error that names the construct and position.
 * Rendering has a step budget, so a looping template fails with a clear
 * error instead of hanging.
 */
#ifndef LOTSE_LLM_CHAT_TEMPLATE_H
#define LOTSE_LLM_CHAT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

typedef struct llm_chat_msg {
  const char *role; /* "system", "user", "assistant" */
  const char *content;
} llm_chat_msg_t;

typedef struct llm_chat_opts {
  bool add_generation_prompt;
  const char *bos_token; /* text of BOS, "" if none */
  const char *eos_token;
  bool enable_thinking;  /* Qwen3: false renders the empty think block */
} llm_chat_opts_t;

typedef struct llm_chat_tmpl llm_chat_tmpl_t;

int llm_chat_tmpl_compile(const char *src, size_t len, llm_chat_tmpl_t **out,
                          lotse_err_t *err);
/* Named templates for models without (or with a broken) template:
 * "chatml", "llama3", "mistral". LOTSE_ENOTFOUND for other names. */
int llm_chat_tmpl_builtin(const char *name, llm_chat_tmpl_t **out,
                          lotse_err_t *err);
void llm_chat_tmpl_free(llm_chat_tmpl_t *t);

/* Appends the rendered prompt to out. */
int llm_chat_render(const llm_chat_tmpl_t *t, const llm_chat_msg_t *msgs,
                    size_t n, const llm_chat_opts_t *opts, lotse_buf_t *out,
                    lotse_err_t *err);

#endif
