/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/chat_template.c — the public face of the Jinja-subset interpreter:
 * compile a model's tokenizer.chat_template (or a named built-in one) and
 * render a conversation into the prompt text the model was trained on.
 *
 * Contract: the variables are those transformers' apply_chat_template
 * passes: messages (list of {role, content}), add_generation_prompt,
 * bos_token, eos_token, enable_thinking (always defined; Qwen3 only reacts
 * to false), strftime_now(); tools stays undefined. A failed render leaves
 * out as it was. Built-ins: "chatml", "llama3", "mistral", written in the
 * same Jinja subset.
 * See also: llm/jinja_internal.h, tests/unit/llm/data/templates/README.md.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/chat_template.h"
#include "llm/jinja_internal.h"

struct llm_chat_tmpl {
  jinja_arena_t arena; /* source copy, tokens' strings, AST */
  jinja_node_t *root;
};

#define TEMPLATE_MAX (1u << 20) /* real chat templates are < 20 KiB */

/* ----------------------------------------------------------- built-ins */

static const char CHATML[] =
    "{%- for message in messages %}\n"
    "    {{- '<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>\\n' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|im_start|>assistant\\n' }}\n"
    "{%- endif %}\n";

static const char LLAMA3[] =
    "{{- bos_token }}\n"
    "{%- for message in messages %}\n"
    "    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n"
    "{%- endif %}\n";

/* Mistral v3 (7B-Instruct-v0.3) without tools: the system prompt goes in
 * front of the last user message, as in the official template. */
static const char MISTRAL[] =
    "{%- if messages[0]['role'] == 'system' %}\n"
    "    {%- set system_message = messages[0]['content'] %}\n"
    "    {%- set loop_messages = messages[1:] %}\n"
    "{%- else %}\n"
    "    {%- set loop_messages = messages %}\n"
    "{%- endif %}\n"
    "{{- bos_token }}\n"
    "{%- for message in loop_messages %}\n"
    "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
    "        {{- raise_exception('After the optional system message, "
    "conversation roles must alternate user/assistant/user/assistant/...') }}\n"
    "    {%- endif %}\n"
    "    {%- if message['role'] == 'user' %}\n"
    "        {%- if loop.last and system_message is defined %}\n"
    "            {{- '[INST] ' + system_message + '\\n\\n' + message['content']"
    " + '[/INST]' }}\n"
    "        {%- else %}\n"
    "            {{- '[INST] ' + message['content'] + '[/INST]' }}\n"
    "        {%- endif %}\n"
    "    {%- elif message['role'] == 'assistant' %}\n"
    "        {{- ' ' + message['content'] | trim + eos_token }}\n"
    "    {%- else %}\n"
    "        {{- raise_exception('Only user and assistant roles are supported, "
    "with the exception of an initial optional system message!') }}\n"
    "    {%- endif %}\n"
    "{%- endfor %}\n";

/* ------------------------------------------------------------ compile */

int llm_chat_tmpl_compile(const char *src, size_t len, llm_chat_tmpl_t **out,
                          lotse_err_t *err) {
  *out = NULL;
  if (!src) return lotse_err_set(err, LOTSE_EINVAL, "no chat template");
  if (len > TEMPLATE_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "chat template of %zu bytes is larger than %u",
                         len, TEMPLATE_MAX);
  llm_chat_tmpl_t *t = calloc(1, sizeof(*t));
  if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  jinja_arena_init(&t->arena, (size_t)TEMPLATE_MAX * 64);
  jinja_toks_t toks = {0};
  int rc = jinja_lex(&t->arena, src, len, &toks, err);
  if (!rc) rc = jinja_parse(&t->arena, &toks, &t->root, err);
  free(toks.v);
  if (rc) {
    llm_chat_tmpl_free(t);
    return rc;
  }
  *out = t;
  return 0;
}

int llm_chat_tmpl_builtin(const char *name, llm_chat_tmpl_t **out,
                          lotse_err_t *err) {
  static const struct { const char *name, *src; } B[] = {
      {"chatml", CHATML}, {"llama3", LLAMA3}, {"mistral", MISTRAL}};
  *out = NULL;
  for (size_t i = 0; name && i < sizeof(B) / sizeof(B[0]); i++)
    if (!strcmp(name, B[i].name))
      return llm_chat_tmpl_compile(B[i].src, strlen(B[i].src), out, err);
  return lotse_err_set(err, LOTSE_ENOTFOUND,
                       "unknown chat template '%s' (known: chatml, llama3, "
                       "mistral)", name ? name : "");
}

void llm_chat_tmpl_free(llm_chat_tmpl_t *t) {
  if (!t) return;
  jinja_arena_release(&t->arena);
  free(t);
}

/* ------------------------------------------------------------- render */

static jinja_val_t cstr(const char *s) {
  return jinja_val_str(s ? s : "", s ? strlen(s) : 0);
}

static int set_global(jinja_ctx_t *ctx, const char *k, jinja_val_t v) {
  return jinja_dict_set(&ctx->arena, ctx->globals, k, strlen(k), v);
}

static int build_globals(jinja_ctx_t *ctx, const llm_chat_msg_t *msgs,
                         size_t n, const llm_chat_opts_t *opts) {
  ctx->globals = jinja_dict_new(&ctx->arena);
  jinja_list_t *l = ctx->globals ? jinja_list_new(&ctx->arena, n) : NULL;
  if (!l) return LOTSE_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    jinja_dict_t *m = jinja_dict_new(&ctx->arena);
    if (!m || jinja_dict_set(&ctx->arena, m, "role", 4, cstr(msgs[i].role)) ||
        jinja_dict_set(&ctx->arena, m, "content", 7, cstr(msgs[i].content)))
      return LOTSE_ENOMEM;
    l->v[i] = (jinja_val_t){.t = JV_DICT, .u.d = m};
  }
  int rc = set_global(ctx, "messages", (jinja_val_t){.t = JV_LIST, .u.l = l});
  if (!rc) rc = set_global(ctx, "add_generation_prompt",
                           jinja_val_bool(opts && opts->add_generation_prompt));
  if (!rc) rc = set_global(ctx, "bos_token", cstr(opts ? opts->bos_token : ""));
  if (!rc) rc = set_global(ctx, "eos_token", cstr(opts ? opts->eos_token : ""));
  if (!rc) rc = set_global(ctx, "enable_thinking",
                           jinja_val_bool(!opts || opts->enable_thinking));
  return rc;
}

/* JSON value to Jinja value; strings are borrowed from the JSON document,
 * which outlives the render. */
static int from_json(jinja_ctx_t *ctx, const json_t *j, int depth,
                     jinja_val_t *out) {
  if (depth > JINJA_MAX_DEPTH) return LOTSE_ELIMIT;
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    jinja_dict_t *d = jinja_dict_new(&ctx->arena);
    const char *k;
    json_t *v;
    if (!d) return LOTSE_ENOMEM;
    json_object_foreach((json_t *)j, k, v) {
      jinja_val_t x;
      int rc = from_json(ctx, v, depth + 1, &x);
      if (!rc && d->n >= 64) /* inserting scans the keys: bound the work */
        rc = jinja_charge(ctx, NULL, d->n / 16);
      if (!rc) rc = jinja_dict_set(&ctx->arena, d, k, strlen(k), x);
      if (rc) return rc;
    }
    *out = (jinja_val_t){.t = JV_DICT, .u.d = d};
    return 0;
  }
  case JSON_ARRAY: {
    jinja_list_t *l = jinja_list_new(&ctx->arena, json_array_size(j));
    if (!l) return LOTSE_ENOMEM;
    for (size_t i = 0; i < l->n; i++) {
      int rc = from_json(ctx, json_array_get(j, i), depth + 1, &l->v[i]);
      if (rc) return rc;
    }
    *out = (jinja_val_t){.t = JV_LIST, .u.l = l};
    return 0;
  }
  case JSON_STRING:
    *out = jinja_val_str(json_string_value(j), json_string_length(j));
    return 0;
  case JSON_INTEGER: *out = jinja_val_int(json_integer_value(j)); return 0;
  case JSON_REAL:
    *out = (jinja_val_t){.t = JV_FLOAT, .u.f = json_real_value(j)};
    return 0;
  case JSON_TRUE: case JSON_FALSE:
    *out = jinja_val_bool(json_is_true(j));
    return 0;
  default: *out = jinja_val_none(); return 0;
  }
}

static void ctx_init(jinja_ctx_t *ctx, const jinja_render_opts_t *ropts,
                     lotse_buf_t *out, lotse_err_t *err) {
  jinja_render_opts_t ro = ropts ? *ropts : (jinja_render_opts_t){0};
  size_t base = out->len;
  size_t cap = ro.max_output ? ro.max_output : JINJA_DEFAULT_OUTPUT;
  *ctx = (jinja_ctx_t){.out = out, .err = err};
  ctx->out_max = base + cap < base ? SIZE_MAX : base + cap;
  if (out->max && out->max < ctx->out_max) ctx->out_max = out->max;
  ctx->out_base = base;
  ctx->max_steps = ro.max_steps ? ro.max_steps : JINJA_DEFAULT_STEPS;
  ctx->now = ro.now ? ro.now : (int64_t)time(NULL);
  jinja_arena_init(&ctx->arena, ro.max_memory ? ro.max_memory
                                              : JINJA_DEFAULT_MEMORY);
}

static int ctx_finish(jinja_ctx_t *ctx, size_t base, int rc) {
  jinja_arena_release(&ctx->arena);
  if (rc) { /* leave out as the caller gave it */
    ctx->out->len = base;
    if (ctx->out->data) ctx->out->data[base] = '\0';
  }
  return rc;
}

int llm_chat_render_vars(const llm_chat_tmpl_t *t, const struct json_t *vars,
                         const jinja_render_opts_t *ropts, lotse_buf_t *out,
                         lotse_err_t *err) {
  if (!t || !out || !json_is_object(vars))
    return lotse_err_set(err, LOTSE_EINVAL, "chat render: bad arguments");
  jinja_ctx_t ctx;
  size_t base = out->len;
  ctx_init(&ctx, ropts, out, err);
  jinja_val_t g = {0};
  int rc = from_json(&ctx, vars, 0, &g);
  if (rc == LOTSE_ELIMIT && ctx.steps <= ctx.max_steps)
    rc = lotse_err_set(err, rc, "chat template variables nested too deeply");
  else if (rc && rc != LOTSE_ELIMIT)
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) {
    ctx.globals = g.u.d;
    rc = jinja_render(&ctx, t->root);
  }
  return ctx_finish(&ctx, base, rc);
}

int llm_chat_render_ex(const llm_chat_tmpl_t *t, const llm_chat_msg_t *msgs,
                       size_t n, const llm_chat_opts_t *opts,
                       const jinja_render_opts_t *ropts, lotse_buf_t *out,
                       lotse_err_t *err) {
  if (!t || !out || (n && !msgs))
    return lotse_err_set(err, LOTSE_EINVAL, "chat render: bad arguments");
  jinja_ctx_t ctx;
  size_t base = out->len;
  ctx_init(&ctx, ropts, out, err);
  int rc = build_globals(&ctx, msgs, n, opts);
  if (rc) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  else rc = jinja_render(&ctx, t->root);
  return ctx_finish(&ctx, base, rc);
}

int llm_chat_render(const llm_chat_tmpl_t *t, const llm_chat_msg_t *msgs,
                    size_t n, const llm_chat_opts_t *opts, lotse_buf_t *out,
                    lotse_err_t *err) {
  return llm_chat_render_ex(t, msgs, n, opts, NULL, out, err);
}
