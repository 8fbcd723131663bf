/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/jinja_internal.h — the Jinja-subset interpreter behind
 * llm/chat_template.h: arena, values, lexer, parser, evaluator.
 *
 * Contract: a template is compiled once (jinja_lex + jinja_parse into an
 * AST that lives in the template's arena) and rendered many times; each
 * render allocates every value from its own arena, freed in one go, so no
 * value is ever freed on its own. Semantics follow Python jinja2 as Hugging
 * Face transformers configures it (trim_blocks, lstrip_blocks, loopcontrols,
 * tojson = json.dumps(ensure_ascii=False), raise_exception, strftime_now).
 * Invariants: (1) rendering is bounded by a step budget, an output cap and
 * an arena cap, so no template hangs or exhausts memory; (2) parser
 * recursion is bounded by JINJA_MAX_DEPTH; (3) every failure returns a
 * negative LOTSE_E* code with a one-line message naming line:column.
 * Known differences from jinja2 (none matters to real chat templates; found
 * by differential testing): range(), select/reject/map/reverse/items and
 * dict.items()/keys()/values() give lists, not lazy objects (so they print
 * as lists and an empty result is false); tuples equal lists; a slice of a
 * non-sequence is undefined rather than a TypeError; `x is test if c else d`
 * parses; {%- -%} strip ASCII whitespace only; case mapping is utf8proc's
 * simple mapping plus ß -> SS. Left out on purpose (compile errors):
 * macro, call, filter blocks, include/import/extends, block, with, raw,
 * autoescape, recursive loops.
 * See also: llm/chat_template.h, tests/unit/llm/test_chat_template.c.
 */
#ifndef LOTSE_LLM_JINJA_INTERNAL_H
#define LOTSE_LLM_JINJA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/chat_template.h"

#define JINJA_MAX_DEPTH 128             /* nesting of expressions/blocks */
#define JINJA_MAX_RANGE 100000          /* like jinja2's sandbox MAX_RANGE */
#define JINJA_DEFAULT_STEPS 5000000ull /* statements, expressions, items */
#define JINJA_DEFAULT_OUTPUT (16u << 20)
#define JINJA_DEFAULT_MEMORY (256u << 20)

/* ------------------------------------------------------------ arena */

typedef struct jinja_arena_blk jinja_arena_blk_t;
typedef struct jinja_arena {
  jinja_arena_blk_t *head;
  size_t total; /* bytes obtained from malloc */
  size_t max;   /* jinja_arena_alloc fails beyond this */
} jinja_arena_t;

void jinja_arena_init(jinja_arena_t *a, size_t max);
void jinja_arena_release(jinja_arena_t *a);
/* 16-byte aligned, zeroed memory; NULL when out of memory or over max. */
void *jinja_arena_alloc(jinja_arena_t *a, size_t n);
char *jinja_arena_strndup(jinja_arena_t *a, const char *s, size_t n);

/* ----------------------------------------------------------- values */

typedef enum {
  JV_UNDEF, JV_NONE, JV_BOOL, JV_INT, JV_FLOAT, JV_STR,
  JV_LIST, JV_DICT, JV_NS, JV_LOOP, JV_FUNC
} jinja_vtype_t;

typedef enum { JF_RAISE, JF_STRFTIME, JF_NAMESPACE, JF_RANGE, JF_DICT }
    jinja_func_t;

typedef struct jinja_list jinja_list_t;
typedef struct jinja_dict jinja_dict_t;
typedef struct jinja_loop jinja_loop_t;

typedef struct jinja_val {
  uint8_t t; /* jinja_vtype_t */
  union {
    bool b;
    int64_t i;
    double f;
    struct { const char *p; size_t n; } s;
    jinja_list_t *l;
    jinja_dict_t *d; /* JV_DICT, JV_NS */
    const jinja_loop_t *loop;
    int fn; /* jinja_func_t */
  } u;
} jinja_val_t;

struct jinja_list { size_t n; jinja_val_t *v; bool tuple; };
struct jinja_dict {
  size_t n, cap;
  const char **k;
  size_t *kn;
  jinja_val_t *v;
};
struct jinja_loop { int64_t index0, length; const jinja_list_t *items; };

jinja_val_t jinja_val_str(const char *p, size_t n);
jinja_val_t jinja_val_int(int64_t i);
jinja_val_t jinja_val_bool(bool b);
jinja_val_t jinja_val_none(void);
jinja_val_t jinja_val_undef(void);
jinja_list_t *jinja_list_new(jinja_arena_t *a, size_t n);
jinja_dict_t *jinja_dict_new(jinja_arena_t *a);
/* Insert or replace; copies nothing (key must outlive the dict). */
int jinja_dict_set(jinja_arena_t *a, jinja_dict_t *d, const char *k,
                   size_t kn, jinja_val_t v);
const jinja_val_t *jinja_dict_get(const jinja_dict_t *d, const char *k,
                                  size_t kn);

bool jinja_truthy(const jinja_val_t *v);
bool jinja_equal(const jinja_val_t *a, const jinja_val_t *b);
const char *jinja_type_name(const jinja_val_t *v);
/* str(v) as Python prints it (None, True, 1.5, ['a'], {'k': 1}). */
int jinja_to_str(jinja_arena_t *a, const jinja_val_t *v, lotse_buf_t *b);
/* json.dumps(v, ensure_ascii=False, indent=indent or None, sort_keys). */
int jinja_to_json(const jinja_val_t *v, int indent, bool sort_keys,
                  int depth, lotse_buf_t *b);
/* Code points of a UTF-8 string; offsets of each (n+1 entries) on request. */
size_t jinja_utf8_len(const char *p, size_t n);
size_t *jinja_utf8_offsets(jinja_arena_t *a, const char *p, size_t n,
                           size_t *count);

/* ------------------------------------------------------------ lexer */

typedef enum {
  JT_TEXT, JT_VAR_BEGIN, JT_VAR_END, JT_BLOCK_BEGIN, JT_BLOCK_END,
  JT_NAME, JT_STRING, JT_INT, JT_FLOAT, JT_OP, JT_EOF
} jinja_tok_kind_t;

typedef enum {
  JO_NONE, JO_ADD, JO_SUB, JO_MUL, JO_DIV, JO_FLOORDIV, JO_MOD, JO_POW,
  JO_TILDE, JO_EQ, JO_NE, JO_LT, JO_GT, JO_LE, JO_GE, JO_ASSIGN,
  JO_LPAREN, JO_RPAREN, JO_LBRACK, JO_RBRACK, JO_LBRACE, JO_RBRACE,
  JO_COMMA, JO_DOT, JO_COLON, JO_PIPE, JO_IN, JO_NOTIN
} jinja_op_t;

typedef struct jinja_tok {
  uint8_t kind; /* jinja_tok_kind_t */
  uint8_t op;   /* jinja_op_t for JT_OP */
  uint32_t line, col;
  const char *s; /* text, name or unescaped string (arena) */
  size_t n;
  int64_t i;
  double f;
} jinja_tok_t;

typedef struct jinja_toks { jinja_tok_t *v; size_t n, cap; } jinja_toks_t;

/* Tokens of src into toks (array malloc'ed; strings in arena); caller
 * frees toks->v. Applies trim_blocks, lstrip_blocks and {%- -%}. */
int jinja_lex(jinja_arena_t *a, const char *src, size_t len,
              jinja_toks_t *toks, lotse_err_t *err);

/* ------------------------------------------------------------- AST */

typedef enum {
  /* statements */
  JN_TEXT, JN_OUT, JN_IF, JN_FOR, JN_SET, JN_SET_ATTR, JN_SET_BLOCK,
  JN_BREAK, JN_CONTINUE,
  /* expressions */
  JE_CONST, JE_NAME, JE_LIST, JE_DICT, JE_ATTR, JE_INDEX, JE_SLICE,
  JE_CALL, JE_FILTER, JE_TEST, JE_NOT, JE_NEG, JE_POS, JE_BIN, JE_AND,
  JE_OR, JE_CMP, JE_COND
} jinja_node_kind_t;

typedef struct jinja_node jinja_node_t;
struct jinja_node {
  uint8_t kind; /* jinja_node_kind_t */
  uint8_t op;   /* jinja_op_t for JE_BIN / JE_CMP */
  bool neg;     /* JE_TEST: `is not` */
  uint32_t line, col;
  const char *s; /* text, name, attribute, filter/test name */
  size_t n;
  jinja_val_t v; /* JE_CONST */
  jinja_node_t *a, *b, *c;
  jinja_node_t **args; /* call/filter/test args, list items, dict k,v */
  const char **kw;     /* keyword of each arg or NULL */
  size_t nargs;
  const char **names; /* for/set targets */
  size_t nnames;
  jinja_node_t *body, *orelse, *next; /* statement lists */
};

/* AST of the token stream; nodes live in a. */
int jinja_parse(jinja_arena_t *a, const jinja_toks_t *toks,
                jinja_node_t **root, lotse_err_t *err);
bool jinja_filter_known(const char *name);
bool jinja_test_known(const char *name);

/* ------------------------------------------------------------ render */

typedef struct jinja_render_opts {
  uint64_t max_steps; /* 0: JINJA_DEFAULT_STEPS */
  size_t max_output;  /* 0: JINJA_DEFAULT_OUTPUT */
  size_t max_memory;  /* 0: JINJA_DEFAULT_MEMORY */
  int64_t now;        /* strftime_now's instant (unix s); 0: the clock */
} jinja_render_opts_t;

typedef struct jinja_scope jinja_scope_t;

typedef struct jinja_ctx {
  jinja_arena_t arena;
  lotse_buf_t *out;
  size_t out_max;  /* absolute length limit of out */
  size_t out_base; /* out->len when rendering began */
  uint64_t steps, max_steps;
  int64_t now;
  jinja_dict_t *globals;
  jinja_scope_t *scope;
  int loop_ctl; /* 0, or JN_BREAK / JN_CONTINUE while unwinding */
  lotse_err_t *err;
} jinja_ctx_t;

/* Renders root with the variables in globals (allocated from ctx arena). */
int jinja_render(jinja_ctx_t *ctx, const jinja_node_t *root);
int jinja_eval(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *out);
/* Costs n steps (items a builtin produced); LOTSE_ELIMIT past the budget. */
int jinja_charge(jinja_ctx_t *ctx, const jinja_node_t *at, uint64_t n);
/* Costs what walking v costs: list/dict items, string bytes / 64. */
int jinja_charge_val(jinja_ctx_t *ctx, const jinja_node_t *at,
                     const jinja_val_t *v);
/* Error at node position: "chat template L:C: <message>". */
int jinja_fail(jinja_ctx_t *ctx, const jinja_node_t *at, int code,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The items iterating v gives (list items, dict keys, string characters;
 * undefined: none); an error for other types. */
int jinja_iter_items(jinja_ctx_t *ctx, const jinja_node_t *at,
                     const jinja_val_t *v, jinja_list_t **out);

/* llm/jinja_filter.c */
int jinja_apply_filter(jinja_ctx_t *ctx, const jinja_node_t *e,
                       jinja_val_t *v);
int jinja_apply_test(jinja_ctx_t *ctx, const jinja_node_t *e,
                     const jinja_val_t *v, bool *res);
/* llm/jinja_method.c */
int jinja_call(jinja_ctx_t *ctx, const jinja_node_t *e, jinja_val_t *out);
int jinja_str_strip(jinja_ctx_t *ctx, const jinja_val_t *s,
                    const jinja_val_t *chars, int which, jinja_val_t *out);
int jinja_str_case(jinja_ctx_t *ctx, const jinja_val_t *s, int mode,
                   jinja_val_t *out);
/* Python str.islower() (lower) / str.isupper() (!lower). */
bool jinja_str_is_case(const jinja_val_t *s, bool lower);
/* Evaluated positional and keyword arguments of a call-like node. */
typedef struct jinja_args {
  jinja_val_t pos[8];
  size_t npos;
  const char *kw[8];
  jinja_val_t kwv[8];
  size_t nkw;
} jinja_args_t;
int jinja_eval_args(jinja_ctx_t *ctx, const jinja_node_t *e, size_t first,
                    jinja_args_t *args);
const jinja_val_t *jinja_arg(const jinja_args_t *a, size_t i,
                             const char *kw);

/* llm/chat_template.c: rendering with explicit limits and clock (tests). */
int llm_chat_render_ex(const llm_chat_tmpl_t *t, const llm_chat_msg_t *msgs,
                       size_t n, const llm_chat_opts_t *opts,
                       const jinja_render_opts_t *ropts, lotse_buf_t *out,
                       lotse_err_t *err);
/* Renders with arbitrary template variables: vars is a JSON object (jansson
 * json_t) such as {"messages": [...tool_calls...], "tools": [...],
 * "add_generation_prompt": true, "bos_token": "<s>"}; for the tool-calling
 * branches of real templates and for tests. */
struct json_t;
int llm_chat_render_vars(const llm_chat_tmpl_t *t, const struct json_t *vars,
                         const jinja_render_opts_t *ropts, lotse_buf_t *out,
                         lotse_err_t *err);

#endif
