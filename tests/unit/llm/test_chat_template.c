/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_chat_template.c — the Jinja-subset chat templates.
 *
 * Fixture parity: every .jinja template in tests/unit/llm/data/templates/
 * (Llama 3.1/3.2, Qwen2.5, Qwen3, Mistral v0.3, lotse's probe) × every
 * conversation in cases.json must render byte for byte what the reference
 * (@huggingface/jinja, cross-checked against Python jinja2) rendered into
 * expected.json, or fail with the same raise_exception() message.
 * LOTSE_CHAT_EXPECTED=<file> points the test at another expected.json (the
 * parity test regenerates one with node). Inline cases: expected strings
 * from Python jinja2 3.1.6 configured like transformers (trim_blocks,
 * lstrip_blocks, loopcontrols, json.dumps tojson).
 * Errors: unknown and unsupported constructs, unterminated tags, loops that
 * exceed the step budget, output and memory caps, raise_exception.
 * Batch mode for differential tests: with LOTSE_CHAT_RENDER_BATCH=<in.json>
 * (a JSON array of template sources) and LOTSE_CHAT_RENDER_OUT=<out.json>,
 * the binary renders each with the four MSGS4 messages (bos "<s>", eos
 * "</s>", generation prompt on) and writes [{"output"|"error": ...}] instead
 * of running the tests.
 */
#include <jansson.h>
#include <time.h>

#include "llm/chat_template.h"
#include "llm/jinja_internal.h"
#include "testutil.h"

/* 2025-03-09T12:00:00Z: a single-digit day tests strftime's %d padding. */
#define FIXED_NOW 1741521600

static char *data_path(const char *file) {
  const char *src = getenv("LOTSE_SOURCE_DIR");
  lotse_buf_t b;
  lotse_buf_init(&b, 4096);
  if (src && *src)
    lotse_buf_printf(&b, "%s/tests/unit/llm/data/templates/%s", src, file);
  else
    lotse_buf_printf(&b, "tests/unit/llm/data/templates/%s", file);
  return lotse_buf_detach(&b);
}

static char *slurp(const char *path, size_t *len) {
  char *data = NULL;
  lotse_err_t err;
  int rc = lotse_file_read(path, 1u << 24, &data, len, &err);
  if (rc) fail_msg("cannot read %s: %s", path, err.msg);
  return data;
}

static const llm_chat_msg_t MSGS4[] = {{"system", "S"},
                                       {"user", "Hi"},
                                       {"assistant", "Yo"},
                                       {"user", "Bye"}};

/* Render src with MSGS4; returns rc, output in *out (caller frees). */
static int render_src(const char *src, const jinja_render_opts_t *ro,
                      char **out, lotse_err_t *err) {
  llm_chat_tmpl_t *t = NULL;
  int rc = llm_chat_tmpl_compile(src, strlen(src), &t, err);
  lotse_buf_t b;
  lotse_buf_init(&b, 1u << 26);
  llm_chat_opts_t o = {.add_generation_prompt = true, .bos_token = "<s>",
                       .eos_token = "</s>", .enable_thinking = true};
  jinja_render_opts_t def = {.now = FIXED_NOW};
  if (!rc) rc = llm_chat_render_ex(t, MSGS4, 4, &o, ro ? ro : &def, &b, err);
  llm_chat_tmpl_free(t);
  *out = lotse_buf_detach(&b);
  if (!*out) *out = calloc(1, 1);
  return rc;
}

/* ------------------------------------------------- fixture parity */

/* True when every message is a plain {role, content} of strings, so the
 * public API can express the case. */
static bool plain_case(json_t *c) {
  json_t *jm = json_object_get(c, "messages");
  if (json_object_get(c, "tools")) return false;
  for (size_t i = 0; i < json_array_size(jm); i++) {
    json_t *m = json_array_get(jm, i);
    if (json_object_size(m) != 2 ||
        !json_is_string(json_object_get(m, "role")) ||
        !json_is_string(json_object_get(m, "content")))
      return false;
  }
  return true;
}

static void check_one(const char *key, const char *how, json_t *want, int rc,
                      const char *got, const lotse_err_t *err, int *fails) {
  const char *want_out = json_string_value(json_object_get(want, "output"));
  const char *want_err = json_string_value(json_object_get(want, "error"));
  if (want_out && (rc || strcmp(got, want_out) != 0)) {
    fprintf(stderr, "MISMATCH %s via %s (rc %d %s)\n--- want\n%s\n--- got\n"
            "%s\n---\n", key, how, rc, rc ? err->msg : "", want_out, got);
    (*fails)++;
  } else if (want_err && (rc != LOTSE_EINVAL || strcmp(err->msg, want_err))) {
    fprintf(stderr, "MISMATCH %s via %s: want error '%s', got rc %d '%s'\n",
            key, how, want_err, rc, rc ? err->msg : got);
    (*fails)++;
  }
}

/* Public API (plain cases) and the JSON-variables path (every case). */
static void render_case(const char *tname, json_t *meta, json_t *c,
                        json_t *expected, llm_chat_tmpl_t *t, int *fails) {
  const char *cname = json_string_value(json_object_get(c, "name"));
  json_t *jm = json_object_get(c, "messages");
  char key[512];
  snprintf(key, sizeof key, "%s/%s", tname, cname);
  json_t *want = json_object_get(expected, key);
  if (!want) fail_msg("no expected result for %s", key);
  const char *bos = json_string_value(json_object_get(meta, "bos_token"));
  const char *eos = json_string_value(json_object_get(meta, "eos_token"));
  bool gen = json_is_true(json_object_get(c, "add_generation_prompt"));
  bool think = json_is_true(json_object_get(c, "enable_thinking"));
  jinja_render_opts_t ro = {.now = FIXED_NOW};
  lotse_buf_t b;
  lotse_err_t err = {0};
  if (plain_case(c)) {
    size_t n = json_array_size(jm);
    llm_chat_msg_t *msgs = calloc(n ? n : 1, sizeof(*msgs));
    for (size_t i = 0; i < n; i++) {
      json_t *m = json_array_get(jm, i);
      msgs[i].role = json_string_value(json_object_get(m, "role"));
      msgs[i].content = json_string_value(json_object_get(m, "content"));
    }
    llm_chat_opts_t o = {.add_generation_prompt = gen,
                         .bos_token = bos ? bos : "",
                         .eos_token = eos ? eos : "",
                         .enable_thinking = think};
    lotse_buf_init(&b, 1u << 24);
    int rc = llm_chat_render_ex(t, msgs, n, &o, &ro, &b, &err);
    check_one(key, "llm_chat_render", want, rc, b.data ? b.data : "", &err,
              fails);
    lotse_buf_release(&b);
    free(msgs);
  }
  json_t *vars = json_pack("{s:O, s:b, s:s, s:s, s:b}", "messages", jm,
                           "add_generation_prompt", gen, "bos_token",
                           bos ? bos : "", "eos_token", eos ? eos : "",
                           "enable_thinking", think);
  if (json_object_get(c, "tools"))
    json_object_set(vars, "tools", json_object_get(c, "tools"));
  lotse_buf_init(&b, 1u << 24);
  memset(&err, 0, sizeof(err));
  int rc = llm_chat_render_vars(t, vars, &ro, &b, &err);
  check_one(key, "llm_chat_render_vars", want, rc, b.data ? b.data : "", &err,
            fails);
  lotse_buf_release(&b);
  json_decref(vars);
}

static void test_fixture_parity(void **state) {
  (void)state;
  char *cases_path = data_path("cases.json");
  char *exp_path = getenv("LOTSE_CHAT_EXPECTED")
                       ? strdup(getenv("LOTSE_CHAT_EXPECTED"))
                       : data_path("expected.json");
  json_error_t jerr;
  json_t *spec = json_load_file(cases_path, 0, &jerr);
  json_t *expected = json_load_file(exp_path, 0, &jerr);
  if (!spec || !expected) fail_msg("cannot load %s / %s", cases_path, exp_path);
  json_t *templates = json_object_get(spec, "templates");
  json_t *cases = json_object_get(spec, "cases");
  const char *tname;
  json_t *meta;
  int fails = 0, checked = 0;
  json_object_foreach(templates, tname, meta) {
    char *path = data_path(tname);
    size_t len;
    char *src = slurp(path, &len);
    llm_chat_tmpl_t *t = NULL;
    lotse_err_t err = {0};
    if (llm_chat_tmpl_compile(src, len, &t, &err))
      fail_msg("%s does not compile: %s", tname, err.msg);
    for (size_t i = 0; i < json_array_size(cases); i++, checked++)
      render_case(tname, meta, json_array_get(cases, i), expected, t, &fails);
    llm_chat_tmpl_free(t);
    free(src);
    free(path);
  }
  printf("chat template parity: %d of %d renderings match\n",
         checked - fails, checked);
  assert_int_equal(fails, 0);
  assert_true(checked >= 6 * 16);
  json_decref(spec);
  json_decref(expected);
  free(cases_path);
  free(exp_path);
}

/* --------------------------------------------------------- inline */

static const struct { const char *src, *want; } INLINE[] = {
    {"a  {%- if true %} b {% endif -%}  c",
     "a b c"},
    {"  {% if true %}\n  yes\n  {% endif %}\nend",
     "  yes\nend"},
    {"x {{- ' y ' -}} z",
     "x y z"},
    {"{# comment #}\nA{#- c -#}  B\n{% set x = 1 %}  {{ x }}",
     "AB\n  1"},
    {"{% for i in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
     "103TrueFalse3;212FalseFalse3;321FalseTrue3;"},
    {"{{ [1, 2, 3][::-1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[-2:] }} {{ [1,2,3,4][-3:-1] }} {{ 'Gr\xc3""\xb6""\xc3""\x9f""e'[::-1] }}",
     "[3, 2, 1] bcd ace ef [2, 3] e\xc3""\x9f""\xc3""\xb6""rG"},
    {"{{ none }} {{ true }} {{ 1.5 }} {{ 2.0 }} {{ 1e20 }} {{ 10 / 4 }} {{ [1, 'a', none, true] }} {{ {'k': 'v', 'n': 1} }}",
     "None True 1.5 2.0 1e+20 2.5 [1, 'a', None, True] {'k': 'v', 'n': 1}"},
    {"{{ 'a,b,,c'.split(',') }} {{ '  x  y '.split() }} {{ 'a-b-c'.split('-', 1) }} {{ 'xxhixx'.strip('x') }} {{ '\\n\\nhi\\n'.lstrip('\\n') }}",
     "['a', 'b', '', 'c'] ['x', 'y'] ['a', 'b-c'] hi hi\n"},
    {"{{ 'stra\xc3""\x9f""e'.upper() }} {{ '\xc3""\x84""RGER'.lower() }} {{ 'hello world'.title() }} {{ 'hello wORLD' | capitalize }} {{ 'hello-world foo' | title }}",
     "STRASSE \xc3""\xa4""rger Hello World Hello world Hello-World Foo"},
    {"{% set ns = namespace(a=1) %}{% for i in range(3) %}{% set ns.a = ns.a * 2 %}{% set local = i %}{% endfor %}{{ ns.a }}{{ local is defined }}",
     "8False"},
    {"{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{{ x }}{% endfor %}{{ x }}",
     "innerouter"},
    {"{{ {'b': 1, 'a': [1, 2]} | tojson(indent=2) }}|{{ {'b': 1, 'a': '\xc3""\xbc""\"\\n'} | tojson(sort_keys=true) }}",
     "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}|{\"a\": \"\xc3""\xbc""\\\"\\n\", \"b\": 1}"},
    {"{{ 'a' if false }}|{{ 1 if 0 else 2 }}|{{ none or 'dflt' }}|{{ 0 and 'x' }}|{{ 'yes' and 'no' }}",
     "|2|dflt|0|no"},
    {"{{ [3, 1, 2] | first }}{{ [3, 1, 2] | last }}{{ 'abc' | reverse }}{{ [1, 2] | reverse | list }}{{ 'xy' | list }}",
     "32cba[2, 1]['x', 'y']"},
    {"{{ ['a', 'b'] | join }}|{{ [1, 2] | join(', ') }}|{{ {'x': 1} | items | list }}|{{ undefined_var | default('d') }}|{{ undefined_var | length }}",
     "ab|1, 2|[('x', 1)]|d|0"},
    {"{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }} {% else %}none{% endfor %}{% for x in [] %}x{% else %}empty{% endfor %}",
     "a=1 b=2 empty"},
    {"{{ 5 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 'abc' is lower }}{{ 3 is gt 2 }}{{ 'x' is in 'xyz' }}{{ [1] is sequence }}",
     "TrueTrueTrueTrueTrueTrueTrue"},
    {"{{ 7 // -2 }} {{ -7 % 4 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 2 ** -1 }} {{ 'ab' * 2 }} {{ [0] * 3 }} {{ 1 + 2.5 }} {{ true + 1 }}",
     "-4 1 3.0 0.5 0.5 abab [0, 0, 0] 3.5 2"},
    {"{{ 'a' ~ 1 ~ none ~ true }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'b' > 'a' }} {{ 1 == 1.0 }} {{ [1, {'a': 2}] == [1, {'a': 2}] }}",
     "a1NoneTrue True False True True True"},
    {"{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('+') }} {{ messages | rejectattr('role', 'equalto', 'user') | list | length }} {{ messages | map(attribute='role') | map('upper') | join }}",
     "Hi+Bye 2 SYSTEMUSERASSISTANTUSER"},
    {"{% set b %}Block {{ 1 + 1 }}{% endset %}{{ b }}|{{ 'x' in messages[0] }}|{{ 'role' in messages[0] }}|{{ messages[0].get('nope', 'dflt') }}",
     "Block 2|False|True|dflt"},
    {"{%- for m in messages -%}\n  {{ m.role }}\n{%- endfor %}",
     "systemuserassistantuser"},
    {"{% if true %}\r\n  x\r\n{% endif %}\r\nend\r\n",
     "  x\nend"},
    {"{{ '\\u00e4\\x41\\t|' }}{{ \"it's\" }}{{ 'say \"hi\"' }}{{ 'a' 'b' }}",
     "\xc3""\xa4""A\t|it'ssay \"hi\"ab"},
    {"{% for i in range(10) %}{% if i is odd %}{% continue %}{% endif %}{% if i > 6 %}{% break %}{% endif %}{{ i }}{% endfor %}",
     "0246"},
    {"{{ ('a', 'b') }} {{ (1) }} {{ -(3) }} {{ +2 }} {{ not none }} {{ 'x'.startswith(('a', 'x')) }} {{ 'abc'.endswith('bc') }} {{ 'aaa'.replace('a', 'b', 2) }}",
     "('a', 'b') 1 -3 2 True True True bba"},
    {"{{ 'x' | int }} {{ '42' | int }} {{ '1.5' | float }} {{ 3.7 | int }} {{ -3 | abs }} {{ 2 | string ~ '!' }} {{ 'a b' | replace(' ', '_') }} {{ {'a': 1} | length }}",
     "0 42 1.5 3 3 2! a_b 1"},
    {"{{ '<think>'[-2:2:-1] }}|{{ '\\n' is upper }}{{ 'ABC1' is upper }}{{ 'abc' is upper }}{{ '' is lower }}|{{ [undefined_var, 1] }}|{{ 5[1:] is defined }}|{{ {'a': 1}[0:1] is defined }}",
     "kni|FalseTrueFalseFalse|[Undefined, 1]|False|False"},
    {"{{ {'b': 1} | trim }}|{{ 42 | trim }}|{{ undefined_var is sequence }}|{{ 2.0 is even }}|{{ 'x' ~ undefined_var ~ 'y' }}|{{ messages[1]['content'] }}",
     "{'b': 1}|42|True|True|xy|Hi"},
    {"{% for m in messages %}{{ loop.previtem.role if loop.previtem is defined else '-' }}>{{ loop.nextitem.role if loop.nextitem is defined else '-' }}:{{ loop.cycle('odd', 'even') }} {% endfor %}",
     "->user:odd system>assistant:even user>user:odd assistant>-:even "},
    {"a\n  {%+ if true %}x{% endif %}\n  {% if true +%}\ny{% endif %}|{%- if true -%}  z  {%- endif -%}  |",
     "a\n  x\ny|z|"},
};

static void test_inline_semantics(void **state) {
  (void)state;
  int fails = 0;
  for (size_t i = 0; i < sizeof(INLINE) / sizeof(INLINE[0]); i++) {
    char *got;
    lotse_err_t err = {0};
    int rc = render_src(INLINE[i].src, NULL, &got, &err);
    if (rc || strcmp(got, INLINE[i].want) != 0) {
      fprintf(stderr, "case %zu: %s\n  want: %s\n  got:  %s (rc %d %s)\n", i,
              INLINE[i].src, INLINE[i].want, got, rc, rc ? err.msg : "");
      fails++;
    }
    free(got);
  }
  assert_int_equal(fails, 0);
}

/* ---------------------------------------------------------- errors */

static void expect_compile_error(const char *src, int code,
                                 const char *needle) {
  llm_chat_tmpl_t *t = NULL;
  lotse_err_t err = {0};
  int rc = llm_chat_tmpl_compile(src, strlen(src), &t, &err);
  if (rc != code || !strstr(err.msg, needle))
    fail_msg("template %.60s: want rc %d with '%s', got rc %d '%s'", src,
             code, needle, rc, err.msg);
  assert_null(t);
}

static void test_compile_errors(void **state) {
  (void)state;
  expect_compile_error("{% macro m() %}x{% endmacro %}", LOTSE_EUNSUPPORTED,
                       "1:4: unsupported tag 'macro'");
  expect_compile_error("a\n  {{ x | wordwrap }}", LOTSE_EUNSUPPORTED,
                       "2:10: unsupported filter 'wordwrap'");
  expect_compile_error("{% if x is prime %}{% endif %}", LOTSE_EUNSUPPORTED,
                       "1:12: unsupported test 'prime'");
  expect_compile_error("{% frobnicate %}", LOTSE_EINVAL,
                       "1:4: unknown tag 'frobnicate'");
  expect_compile_error("Hello {{ name", LOTSE_EINVAL,
                       "1:7: unterminated '{{' tag");
  expect_compile_error("x\n{% if true ", LOTSE_EINVAL,
                       "2:1: unterminated '{%' tag");
  expect_compile_error("{% if true %}never closed", LOTSE_EINVAL,
                       "missing '{% endif %}'");
  expect_compile_error("{% for m in messages %}{% if x %}{% endfor %}",
                       LOTSE_EINVAL, "unexpected 'endfor'");
  expect_compile_error("{{ 'open string }}", LOTSE_EINVAL,
                       "1:4: unterminated string");
  expect_compile_error("{# never closed", LOTSE_EINVAL,
                       "1:1: unterminated comment");
  expect_compile_error("{{ a ! b }}", LOTSE_EINVAL, "unexpected character");
  expect_compile_error("{% endif %}", LOTSE_EINVAL, "unexpected 'endif'");
  expect_compile_error("{% for x in y recursive %}{% endfor %}",
                       LOTSE_EUNSUPPORTED, "recursive");
  /* Deep nesting is refused before it can exhaust the stack. */
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  lotse_buf_puts(&b, "{{ ");
  for (int i = 0; i < 5000; i++) lotse_buf_putc(&b, '(');
  lotse_buf_putc(&b, '1');
  for (int i = 0; i < 5000; i++) lotse_buf_putc(&b, ')');
  lotse_buf_puts(&b, " }}");
  expect_compile_error(b.data, LOTSE_ELIMIT, "nesting deeper than");
  lotse_buf_release(&b);
}

static void expect_render_error(const char *src, const jinja_render_opts_t *ro,
                                int code, const char *needle) {
  char *got;
  lotse_err_t err = {0};
  int rc = render_src(src, ro, &got, &err);
  if (rc != code || !strstr(err.msg, needle))
    fail_msg("template %s: want rc %d with '%s', got rc %d '%s'", src, code,
             needle, rc, rc ? err.msg : got);
  assert_string_equal(got, ""); /* a failed render appends nothing */
  free(got);
}

static void test_render_errors(void **state) {
  (void)state;
  jinja_render_opts_t ro = {.now = FIXED_NOW};
  /* An endless-looking loop hits the step budget, not the wall clock. */
  expect_render_error("{% for i in range(100000) %}{% for j in range(100000) %}"
                      "{% endfor %}{% endfor %}",
                      &ro, LOTSE_ELIMIT, "budget of 5000000 steps");
  jinja_render_opts_t small = {.now = FIXED_NOW, .max_steps = 1000};
  expect_render_error("{% for i in range(5000) %}{{ i }}{% endfor %}", &small,
                      LOTSE_ELIMIT, "rendering exceeded its budget of 1000 steps");
  /* Work inside one step (a scan of a long list) is charged too. */
  expect_render_error("{% set big = range(100000) | list %}"
                      "{% for i in range(100000) %}{% if -1 in big %}x"
                      "{% endif %}{% endfor %}",
                      &ro, LOTSE_ELIMIT, "rendering exceeded its budget");
  expect_render_error("{% set big = range(100000) | list %}"
                      "{% for i in range(100000) %}{% set s = big | join %}"
                      "{% endfor %}",
                      &ro, LOTSE_ELIMIT, "rendering exceeded its budget");
  expect_render_error("{% for i in range(1000000) %}{% endfor %}", &ro,
                      LOTSE_ELIMIT, "range() of more than 100000 items");
  expect_render_error("{% for i in range(100000) %}{{ 'x' * 1000 }}"
                      "{% endfor %}",
                      &ro, LOTSE_ETOOBIG, "rendered prompt exceeds 16777216");
  jinja_render_opts_t mem = {.now = FIXED_NOW, .max_memory = 4u << 20};
  expect_render_error("{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
                      "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
                      &mem, LOTSE_ELIMIT, "memory");
  /* Deeply nested values fail cleanly instead of overflowing the stack. */
  expect_render_error("{% set ns = namespace(v=1) %}{% for i in range(100000) %}"
                      "{% set ns.v = [ns.v] %}{% endfor %}{{ ns.v }}",
                      &ro, LOTSE_ELIMIT, "nested deeper than 128 levels");
  expect_render_error("{% set ns = namespace(v=1) %}{% for i in range(100000) %}"
                      "{% set ns.v = {'a': ns.v} %}{% endfor %}{{ ns.v|tojson }}",
                      &ro, LOTSE_ELIMIT, "nested deeper than 128 levels");
  expect_render_error("{{ raise_exception('Rollen m\xc3\xbcssen sich "
                      "abwechseln!') }}",
                      &ro, LOTSE_EINVAL,
                      "Rollen m\xc3\xbcssen sich abwechseln!");
  expect_render_error("{{ nothing.here }}", &ro, LOTSE_EINVAL,
                      "1:11: 'nothing' is undefined");
  expect_render_error("{{ 1 + 'a' }}", &ro, LOTSE_EINVAL,
                      "unsupported operand types for +: 'int' and 'str'");
  expect_render_error("{{ 1 // 0 }}", &ro, LOTSE_EINVAL, "division by zero");
  expect_render_error("{% set x = 1 %}{% set x.y = 2 %}", &ro, LOTSE_EINVAL,
                      "not a namespace");
  expect_render_error("{{ undefined_fn(1) }}", &ro, LOTSE_EINVAL,
                      "'undefined_fn' is undefined");
  expect_render_error("{{ messages | tojson }}{{ nope | tojson }}", &ro,
                      LOTSE_EINVAL, "not JSON serializable");

  /* The exact raise_exception text of the official Mistral template. */
  char *path = data_path("mistralai-Mistral-7B-Instruct-v0.3.jinja");
  size_t len;
  char *src = slurp(path, &len);
  llm_chat_tmpl_t *t = NULL;
  lotse_err_t err = {0};
  assert_int_equal(llm_chat_tmpl_compile(src, len, &t, &err), 0);
  const llm_chat_msg_t two_users[] = {{"user", "a"}, {"user", "b"}};
  llm_chat_opts_t o = {.bos_token = "<s>", .eos_token = "</s>"};
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  lotse_buf_puts(&b, "kept");
  assert_int_equal(llm_chat_render(t, two_users, 2, &o, &b, &err),
                   LOTSE_EINVAL);
  assert_string_equal(err.msg, "After the optional system message, "
                               "conversation roles must alternate "
                               "user/assistant/user/assistant/...");
  assert_string_equal(b.data, "kept");
  lotse_buf_release(&b);
  /* The caller's buffer cap is the prompt limit when it is the smaller. */
  const llm_chat_msg_t long_msg[] = {
      {"user", "Bitte fassen Sie den folgenden Bescheid zusammen: ..."}};
  lotse_buf_init(&b, 40);
  lotse_buf_puts(&b, "kept");
  assert_int_equal(llm_chat_render(t, long_msg, 1, &o, &b, &err),
                   LOTSE_ETOOBIG);
  assert_non_null(strstr(err.msg, "rendered prompt exceeds 36 bytes"));
  assert_string_equal(b.data, "kept");
  lotse_buf_release(&b);
  llm_chat_tmpl_free(t);
  free(src);
  free(path);
}

/* -------------------------------------------------------- built-ins */

static char *render_builtin(const char *name, const llm_chat_msg_t *m,
                            size_t n, bool gen) {
  llm_chat_tmpl_t *t = NULL;
  lotse_err_t err = {0};
  assert_int_equal(llm_chat_tmpl_builtin(name, &t, &err), 0);
  llm_chat_opts_t o = {.add_generation_prompt = gen, .bos_token = "<s>",
                       .eos_token = "</s>", .enable_thinking = true};
  if (!strcmp(name, "llama3")) {
    o.bos_token = "<|begin_of_text|>";
    o.eos_token = "<|eot_id|>";
  }
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  int rc = llm_chat_render(t, m, n, &o, &b, &err);
  if (rc) fail_msg("builtin %s: %s", name, err.msg);
  llm_chat_tmpl_free(t);
  return lotse_buf_detach(&b);
}

static void test_builtins(void **state) {
  (void)state;
  char *s = render_builtin("chatml", MSGS4, 4, true);
  assert_string_equal(s, "<|im_start|>system\nS<|im_end|>\n"
                         "<|im_start|>user\nHi<|im_end|>\n"
                         "<|im_start|>assistant\nYo<|im_end|>\n"
                         "<|im_start|>user\nBye<|im_end|>\n"
                         "<|im_start|>assistant\n");
  free(s);
  const llm_chat_msg_t m2[] = {{"user", " Hallo "}, {"assistant", "Tag! "}};
  s = render_builtin("llama3", m2, 2, false);
  assert_string_equal(s, "<|begin_of_text|><|start_header_id|>user"
                         "<|end_header_id|>\n\nHallo<|eot_id|>"
                         "<|start_header_id|>assistant<|end_header_id|>\n\n"
                         "Tag!<|eot_id|>");
  free(s);
  /* Same prompt as the official Mistral v0.3 template (see expected.json,
   * mistralai-Mistral-7B-Instruct-v0.3.jinja/multi_turn). */
  s = render_builtin("mistral", MSGS4, 4, true);
  assert_string_equal(s, "<s>[INST] Hi[/INST] Yo</s>[INST] S\n\nBye[/INST]");
  free(s);
  llm_chat_tmpl_t *t = (llm_chat_tmpl_t *)1;
  lotse_err_t err = {0};
  assert_int_equal(llm_chat_tmpl_builtin("vicuna", &t, &err),
                   LOTSE_ENOTFOUND);
  assert_null(t);
  assert_non_null(strstr(err.msg, "unknown chat template 'vicuna'"));
  llm_chat_tmpl_free(NULL);
}

/* The built-in mistral template equals the official one on every fixture
 * conversation without tools. */
static void test_builtin_mistral_matches_official(void **state) {
  (void)state;
  char *cases_path = data_path("cases.json"), *exp_path =
                                                  data_path("expected.json");
  json_error_t jerr;
  json_t *spec = json_load_file(cases_path, 0, &jerr);
  json_t *expected = json_load_file(exp_path, 0, &jerr);
  assert_non_null(spec);
  assert_non_null(expected);
  llm_chat_tmpl_t *t = NULL;
  lotse_err_t err = {0};
  assert_int_equal(llm_chat_tmpl_builtin("mistral", &t, &err), 0);
  json_t *meta = json_object_get(json_object_get(spec, "templates"),
                                 "mistralai-Mistral-7B-Instruct-v0.3.jinja");
  json_t *cases = json_object_get(spec, "cases");
  int fails = 0;
  int plain = 0;
  for (size_t i = 0; i < json_array_size(cases); i++) {
    if (!plain_case(json_array_get(cases, i))) continue;
    render_case("mistralai-Mistral-7B-Instruct-v0.3.jinja", meta,
                json_array_get(cases, i), expected, t, &fails);
    plain++;
  }
  assert_int_equal(fails, 0);
  assert_true(plain >= 14);
  llm_chat_tmpl_free(t);
  json_decref(spec);
  json_decref(expected);
  free(cases_path);
  free(exp_path);
}

static void test_render_vars(void **state) {
  (void)state;
  llm_chat_tmpl_t *t = NULL;
  lotse_err_t err = {0};
  const char *src = "{{ tools | length }} {{ messages[0].tool_calls[0].id }}"
                    "{{ ' ' ~ x.y | tojson }}";
  assert_int_equal(llm_chat_tmpl_compile(src, strlen(src), &t, &err), 0);
  json_t *vars = json_loads("{\"tools\": [1, 2], \"messages\": [{\"role\": "
                            "\"assistant\", \"tool_calls\": [{\"id\": "
                            "\"abc\"}]}], \"x\": {\"y\": [1.5, null, "
                            "true, \"\u00fc\"]}}", 0, NULL);
  assert_non_null(vars);
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  assert_int_equal(llm_chat_render_vars(t, vars, NULL, &b, &err), 0);
  assert_string_equal(b.data, "2 abc [1.5, null, true, \"\xc3\xbc\"]");
  json_decref(vars);
  /* Not an object; nested deeper than the interpreter allows. */
  json_t *arr = json_array();
  assert_int_equal(llm_chat_render_vars(t, arr, NULL, &b, &err), LOTSE_EINVAL);
  json_t *deep = json_object(), *cur = deep;
  for (int i = 0; i < 300; i++) {
    json_t *next = json_object();
    json_object_set_new(cur, "x", next);
    cur = next;
  }
  assert_int_equal(llm_chat_render_vars(t, deep, NULL, &b, &err),
                   LOTSE_ELIMIT);
  assert_non_null(strstr(err.msg, "nested too deeply"));
  json_decref(arr);
  json_decref(deep);
  lotse_buf_release(&b);
  llm_chat_tmpl_free(t);
}

static void test_strftime_now(void **state) {
  (void)state;
  jinja_render_opts_t ro = {.now = FIXED_NOW};
  char *got;
  lotse_err_t err = {0};
  assert_int_equal(render_src("{{ strftime_now('%d %b %Y|%B %A %H:%M|%%|%e') }}"
                              "{{ '|yes' if strftime_now is defined }}",
                              &ro, &got, &err), 0);
  assert_string_equal(got, "09 Mar 2025|March Sunday 12:00|%| 9|yes");
  free(got);
}

static int render_batch(const char *in, const char *out) {
  json_error_t jerr;
  json_t *arr = json_load_file(in, 0, &jerr), *res = json_array();
  if (!arr) {
    fprintf(stderr, "cannot load %s: %s\n", in, jerr.text);
    return 2;
  }
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const char *src = json_string_value(json_array_get(arr, i));
    char *got;
    lotse_err_t err = {0};
    int rc = render_src(src ? src : "", NULL, &got, &err);
    json_t *o = json_object();
    json_t *s = json_string(rc ? err.msg : got);
    json_object_set_new(o, rc ? "error" : "output",
                        s ? s : json_string("(not UTF-8)"));
    json_array_append_new(res, o);
    free(got);
  }
  int rc = json_dump_file(res, out, 0) ? 2 : 0;
  json_decref(arr);
  json_decref(res);
  return rc;
}

int main(void) {
  setenv("TZ", "UTC", 1); /* strftime_now uses local time */
  tzset();
  const char *batch = getenv("LOTSE_CHAT_RENDER_BATCH");
  if (batch && getenv("LOTSE_CHAT_RENDER_OUT"))
    return render_batch(batch, getenv("LOTSE_CHAT_RENDER_OUT"));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_parity),
      cmocka_unit_test(test_inline_semantics),
      cmocka_unit_test(test_compile_errors),
      cmocka_unit_test(test_render_errors),
      cmocka_unit_test(test_builtins),
      cmocka_unit_test(test_builtin_mistral_matches_official),
      cmocka_unit_test(test_strftime_now),
      cmocka_unit_test(test_render_vars),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
