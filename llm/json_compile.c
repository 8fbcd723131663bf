/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_compile.c — JSON Schema (jansson) -> node graph for the byte
 * matcher (llm_jsonc_compile / llm_jsonc_free).
 *
 * Contract: every keyword either shapes the graph, is a pure annotation
 * (title, description, default, examples, $schema, $id, $comment,
 * deprecated, readOnly, writeOnly, $defs, definitions) or fails the
 * compile with "unsupported schema keyword '<name>'". The grammar choices
 * are listed in llm/json_schema_internal.h.
 * Invariants: literal lists are sorted (bytewise, a prefix before its
 * extensions) and distinct; union members start with distinct bytes;
 * schemas nest at most JM_DEPTH - 1 levels.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "llm/json_schema_internal.h"

enum {
  T_OBJECT = 1 << 0,
  T_ARRAY = 1 << 1,
  T_STRING = 1 << 2,
  T_NUMBER = 1 << 3,
  T_INTEGER = 1 << 4,
  T_BOOLEAN = 1 << 5,
  T_NULL = 1 << 6,
  T_ALL = (1 << 7) - 1,
};

#define MAX_ITEMS 0x7fffffffu

/* ------------------------------------------------------------ storage */

static int grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap * 2 : 16;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * size);
  if (!q) return LOTSE_ENOMEM;
  *p = q;
  *cap = n;
  return 0;
}

static int node_add(llm_jsonc_t *c, jc_node_t n, uint32_t *out,
                    lotse_err_t *err) {
  if (grow((void **)&c->nodes, &c->cap_nodes, c->n_nodes + 1, sizeof n))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory compiling schema");
  c->nodes[c->n_nodes] = n;
  *out = (uint32_t)c->n_nodes++;
  return 0;
}

static int lit_add(llm_jsonc_t *c, char *text, lotse_err_t *err) {
  size_t len = strlen(text);
  if (len >= UINT16_MAX) {
    free(text);
    return lotse_err_set(err, LOTSE_EINVAL, "enum value too long");
  }
  if (grow((void **)&c->lits, &c->cap_lits, c->n_lits + 1, sizeof *c->lits)) {
    free(text);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory compiling schema");
  }
  c->lits[c->n_lits++] = (jc_lit_t){text, (uint32_t)len};
  return 0;
}

static int lit_cmp(const void *a, const void *b) {
  const jc_lit_t *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int r = memcmp(x->text, y->text, n);
  if (r) return r;
  return (x->len > y->len) - (x->len < y->len);
}

/* Sort and dedupe lits[first..] and make them one literal node. */
static int literal_node(llm_jsonc_t *c, size_t first, uint32_t *out,
                        lotse_err_t *err) {
  jc_lit_t *l = c->lits + first;
  size_t n = c->n_lits - first, k = 0;
  qsort(l, n, sizeof *l, lit_cmp);
  for (size_t i = 0; i < n; i++) {
    if (k > 0 && lit_cmp(&l[k - 1], &l[i]) == 0) {
      free(l[i].text);
      continue;
    }
    l[k++] = l[i];
  }
  c->n_lits = first + k;
  jc_node_t nd = {.kind = JK_LITERAL, .first = (uint32_t)first,
                  .count = (uint32_t)k, .child = JM_NONE};
  return node_add(c, nd, out, err);
}

static int literal_words(llm_jsonc_t *c, const char *const *w, size_t n,
                         uint32_t *out, lotse_err_t *err) {
  size_t first = c->n_lits;
  for (size_t i = 0; i < n; i++) {
    char *t = strdup(w[i]);
    if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    int rc = lit_add(c, t, err);
    if (rc) return rc;
  }
  return literal_node(c, first, out, err);
}

static int union_node(llm_jsonc_t *c, const uint32_t *m, size_t n,
                      uint32_t *out, lotse_err_t *err) {
  if (n == 1) {
    *out = m[0];
    return 0;
  }
  if (grow((void **)&c->kids, &c->cap_kids, c->n_kids + n, sizeof *c->kids))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory compiling schema");
  jc_node_t nd = {.kind = JK_UNION, .first = (uint32_t)c->n_kids,
                  .count = (uint32_t)n, .child = JM_NONE};
  memcpy(c->kids + c->n_kids, m, n * sizeof *m);
  c->n_kids += n;
  return node_add(c, nd, out, err);
}

/* The any-value union: free object, array of anything, string, number,
 * false/null/true. Built once; its members refer back to it. */
static int any_node(llm_jsonc_t *c, uint32_t *out, lotse_err_t *err) {
  if (c->any != JM_NONE) {
    *out = c->any;
    return 0;
  }
  static const char *const words[] = {"false", "null", "true"};
  uint32_t m[5], self = (uint32_t)c->n_nodes + 4; /* the union's index */
  int rc = node_add(c, (jc_node_t){.kind = JK_MAP, .child = self}, &m[0], err);
  if (!rc)
    rc = node_add(c, (jc_node_t){.kind = JK_ARRAY, .child = self,
                                 .max = JM_NONE}, &m[1], err);
  if (!rc) m[2] = c->string;
  if (!rc)
    rc = node_add(c, (jc_node_t){.kind = JK_NUMBER, .child = JM_NONE}, &m[3],
                  err);
  if (!rc) rc = literal_words(c, words, 3, &m[4], err);
  if (rc) return rc;
  if (c->n_nodes != self) /* four new members, then the union */
    return lotse_err_set(err, LOTSE_EINTERNAL, "any-node layout");
  rc = union_node(c, m, 5, out, err);
  if (!rc) c->any = *out;
  return rc;
}

/* ---------------------------------------------------------- keywords */

static const char *const ANNOTATIONS[] = {
    "title",    "description", "default",  "examples",  "$schema",
    "$id",      "$comment",    "deprecated", "readOnly", "writeOnly",
    "$defs",    "definitions",
};
static const char *const KEYWORDS[] = {
    "type",     "properties", "required",  "additionalProperties",
    "items",    "minItems",   "maxItems",  "enum",
    "const",    "maxLength",  "minLength",
};

static bool in_list(const char *k, const char *const *l, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(k, l[i]) == 0) return true;
  return false;
}

static int check_keywords(json_t *s, lotse_err_t *err) {
  const char *k;
  json_t *v;
  json_object_foreach(s, k, v) {
    if (in_list(k, KEYWORDS, sizeof KEYWORDS / sizeof *KEYWORDS) ||
        in_list(k, ANNOTATIONS, sizeof ANNOTATIONS / sizeof *ANNOTATIONS))
      continue;
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported schema keyword '%s'", k);
  }
  return 0;
}

static int type_bit(const char *t) {
  static const char *const names[] = {"object",  "array",   "string", "number",
                                      "integer", "boolean", "null"};
  for (int i = 0; i < 7; i++)
    if (strcmp(t, names[i]) == 0) return 1 << i;
  return 0;
}

static int parse_types(json_t *s, int *types, lotse_err_t *err) {
  json_t *t = json_object_get(s, "type");
  if (!t) {
    int hint = 0;
    if (json_object_get(s, "properties") || json_object_get(s, "required") ||
        json_object_get(s, "additionalProperties"))
      hint |= T_OBJECT;
    if (json_object_get(s, "items") || json_object_get(s, "minItems") ||
        json_object_get(s, "maxItems"))
      hint |= T_ARRAY;
    if (json_object_get(s, "maxLength") || json_object_get(s, "minLength"))
      hint |= T_STRING;
    *types = hint ? hint : T_ALL;
    return 0;
  }
  *types = 0;
  size_t n = json_is_array(t) ? json_array_size(t) : 1;
  for (size_t i = 0; i < n; i++) {
    json_t *e = json_is_array(t) ? json_array_get(t, i) : t;
    int bit = json_is_string(e) ? type_bit(json_string_value(e)) : 0;
    if (!bit)
      return lotse_err_set(err, LOTSE_EINVAL, "unknown type '%s'",
                           json_is_string(e) ? json_string_value(e) : "?");
    *types |= bit;
  }
  if (!*types)
    return lotse_err_set(err, LOTSE_EINVAL, "empty type list");
  return 0;
}

/* A non-negative integer keyword, or dflt when absent. */
static int get_count(json_t *s, const char *key, uint32_t dflt, uint32_t *out,
                     lotse_err_t *err) {
  json_t *v = json_object_get(s, key);
  *out = dflt;
  if (!v) return 0;
  double d = json_is_integer(v) ? (double)json_integer_value(v)
             : json_is_real(v)  ? json_real_value(v)
                                : -1.0;
  if (!(d >= 0.0) || (d < 1e15 && d != (double)(long long)d))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'%s' must be a non-negative integer", key);
  *out = d > MAX_ITEMS ? MAX_ITEMS : (uint32_t)d;
  return 0;
}

static bool value_has_type(json_t *v, int types) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return types & T_OBJECT;
  case JSON_ARRAY: return types & T_ARRAY;
  case JSON_STRING: return types & T_STRING;
  case JSON_INTEGER: return types & (T_NUMBER | T_INTEGER);
  case JSON_REAL: return types & T_NUMBER;
  case JSON_TRUE:
  case JSON_FALSE: return types & T_BOOLEAN;
  case JSON_NULL: return types & T_NULL;
  }
  return false;
}

/* enum and/or const -> one literal node (values of other types dropped). */
static int compile_literals(llm_jsonc_t *c, json_t *s, int types,
                            uint32_t *out, lotse_err_t *err) {
  json_t *en = json_object_get(s, "enum"), *cn = json_object_get(s, "const");
  if (en && (!json_is_array(en) || json_array_size(en) == 0))
    return lotse_err_set(err, LOTSE_EINVAL, "'enum' must be a non-empty array");
  size_t first = c->n_lits, n = en ? json_array_size(en) : 1;
  for (size_t i = 0; i < n; i++) {
    json_t *v = en ? json_array_get(en, i) : cn;
    if (en && cn && !json_equal(v, cn)) continue;
    if (!value_has_type(v, types)) continue;
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    int rc = lit_add(c, t, err);
    if (rc) return rc;
  }
  if (c->n_lits == first)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "enum/const admits no value of the given type");
  return literal_node(c, first, out, err);
}

/* ------------------------------------------------------------ objects */

static int compile_node(llm_jsonc_t *c, json_t *s, int depth, uint32_t *out,
                        lotse_err_t *err);

static int prop_add(llm_jsonc_t *c, const char *name, uint32_t node,
                    lotse_err_t *err) {
  json_t *k = json_string(name);
  char *key = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
  json_decref(k);
  if (!key) return lotse_err_set(err, LOTSE_EINVAL, "bad property name");
  size_t len = strlen(key);
  if (len >= UINT16_MAX ||
      grow((void **)&c->props, &c->cap_props, c->n_props + 1,
           sizeof *c->props)) {
    free(key);
    return lotse_err_set(err, LOTSE_EINVAL, "property name too long");
  }
  c->props[c->n_props++] = (jc_prop_t){key, (uint32_t)len, node, 0};
  return 0;
}

static bool name_in(json_t *arr, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) if (json_is_string(v) &&
                                    strcmp(json_string_value(v), name) == 0)
      return true;
  return false;
}

/* Listed properties (in schema order), then required names that are not
 * listed (any value). Property schemas compile first: props of one object
 * must be contiguous. */
static int compile_props(llm_jsonc_t *c, json_t *props, json_t *req,
                         int depth, uint32_t *out, lotse_err_t *err) {
  size_t np = props ? json_object_size(props) : 0, nr = json_array_size(req);
  uint32_t *vals = calloc(np + nr + 1, sizeof *vals);
  char const **names = calloc(np + nr + 1, sizeof *names);
  int rc = (!vals || !names) ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory")
                             : 0;
  size_t n = 0;
  const char *k;
  json_t *v;
  if (props && !rc) json_object_foreach(props, k, v) {
      if (rc) break;
      names[n] = k;
      rc = compile_node(c, v, depth + 1, &vals[n++], err);
    }
  for (size_t i = 0; i < nr && !rc; i++) {
    json_t *r = json_array_get(req, i);
    if (!json_is_string(r)) {
      rc = lotse_err_set(err, LOTSE_EINVAL, "'required' must list strings");
      break;
    }
    const char *name = json_string_value(r);
    if (props && json_object_get(props, name)) continue;
    bool dup = false;
    for (size_t j = np; j < n; j++) dup |= strcmp(names[j], name) == 0;
    if (dup) continue;
    names[n] = name;
    rc = any_node(c, &vals[n++], err);
  }
  size_t first = c->n_props;
  for (size_t i = 0; i < n && !rc; i++) rc = prop_add(c, names[i], vals[i], err);
  if (!rc) {
    uint32_t next = (uint32_t)n;
    for (size_t i = n; i-- > 0;) {
      if (name_in(req, names[i])) next = (uint32_t)i;
      c->props[first + i].req_next = next;
    }
    jc_node_t nd = {.kind = JK_OBJECT, .first = (uint32_t)first,
                    .count = (uint32_t)n, .child = JM_NONE};
    rc = node_add(c, nd, out, err);
  }
  free(vals);
  free(names);
  return rc;
}

static int compile_object(llm_jsonc_t *c, json_t *s, int depth, uint32_t *out,
                          lotse_err_t *err) {
  json_t *props = json_object_get(s, "properties");
  json_t *req = json_object_get(s, "required");
  json_t *add = json_object_get(s, "additionalProperties");
  if (props && !json_is_object(props))
    return lotse_err_set(err, LOTSE_EINVAL, "'properties' must be an object");
  if (req && !json_is_array(req))
    return lotse_err_set(err, LOTSE_EINVAL, "'required' must be an array");
  if (add && !json_is_boolean(add) && !json_is_object(add))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'additionalProperties' must be a boolean or schema");
  if (props || json_array_size(req) > 0 || json_is_false(add))
    return compile_props(c, props, req, depth, out, err);
  uint32_t val;
  int rc = (add && json_is_object(add))
               ? compile_node(c, add, depth + 1, &val, err)
               : any_node(c, &val, err);
  if (rc) return rc;
  return node_add(c, (jc_node_t){.kind = JK_MAP, .child = val}, out, err);
}

static int compile_array(llm_jsonc_t *c, json_t *s, int depth, uint32_t *out,
                         lotse_err_t *err) {
  json_t *items = json_object_get(s, "items");
  uint32_t lo, hi, child;
  int rc = get_count(s, "minItems", 0, &lo, err);
  if (!rc) rc = get_count(s, "maxItems", JM_NONE, &hi, err);
  if (rc) return rc;
  if (lo > hi)
    return lotse_err_set(err, LOTSE_EINVAL, "minItems exceeds maxItems");
  if (items && json_is_array(items))
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported schema keyword 'items' (tuple form)");
  if (items && !json_is_object(items) && !json_is_boolean(items))
    return lotse_err_set(err, LOTSE_EINVAL, "'items' must be a schema");
  if (json_is_false(items) && lo > 0)
    return lotse_err_set(err, LOTSE_EINVAL, "items false with minItems");
  if (json_is_false(items)) hi = 0;
  rc = (items && json_is_object(items))
           ? compile_node(c, items, depth + 1, &child, err)
           : any_node(c, &child, err);
  if (rc) return rc;
  jc_node_t nd = {.kind = JK_ARRAY, .child = child, .min = lo, .max = hi};
  return node_add(c, nd, out, err);
}

static int compile_string(llm_jsonc_t *c, json_t *s, uint32_t *out,
                          lotse_err_t *err) {
  uint32_t lo, hi;
  int rc = get_count(s, "minLength", 0, &lo, err);
  if (!rc) rc = get_count(s, "maxLength", JM_NONE, &hi, err);
  if (rc) return rc;
  if (lo > hi)
    return lotse_err_set(err, LOTSE_EINVAL, "minLength exceeds maxLength");
  if (lo == 0 && hi == JM_NONE) {
    *out = c->string;
    return 0;
  }
  jc_node_t nd = {.kind = JK_STRING, .child = JM_NONE, .min = lo, .max = hi};
  return node_add(c, nd, out, err);
}

/* ------------------------------------------------------------- schemas */

static int compile_types(llm_jsonc_t *c, json_t *s, int types, int depth,
                         uint32_t *out, lotse_err_t *err) {
  uint32_t m[6];
  size_t n = 0;
  int rc = 0;
  if (types & T_OBJECT) rc = compile_object(c, s, depth, &m[n++], err);
  if (!rc && (types & T_ARRAY)) rc = compile_array(c, s, depth, &m[n++], err);
  if (!rc && (types & T_STRING)) rc = compile_string(c, s, &m[n++], err);
  if (!rc && (types & (T_NUMBER | T_INTEGER))) {
    jc_node_t nd = {.kind = (types & T_NUMBER) ? JK_NUMBER : JK_INTEGER,
                    .child = JM_NONE};
    rc = node_add(c, nd, &m[n++], err);
  }
  if (!rc && (types & (T_BOOLEAN | T_NULL))) {
    static const char *const words[] = {"false", "true", "null"};
    size_t from = (types & T_BOOLEAN) ? 0 : 2, to = (types & T_NULL) ? 3 : 2;
    rc = literal_words(c, words + from, to - from, &m[n++], err);
  }
  if (rc) return rc;
  return union_node(c, m, n, out, err);
}

static int compile_node(llm_jsonc_t *c, json_t *s, int depth, uint32_t *out,
                        lotse_err_t *err) {
  if (depth > JM_DEPTH - 1)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "schema nested deeper than %d levels", JM_DEPTH - 1);
  if (json_is_true(s) || (json_is_object(s) && json_object_size(s) == 0))
    return any_node(c, out, err);
  if (json_is_false(s))
    return lotse_err_set(err, LOTSE_EINVAL, "schema false admits no value");
  if (!json_is_object(s))
    return lotse_err_set(err, LOTSE_EINVAL, "schema must be an object");
  int types, rc = check_keywords(s, err);
  if (!rc) rc = parse_types(s, &types, err);
  if (rc) return rc;
  if (json_object_get(s, "enum") || json_object_get(s, "const"))
    return compile_literals(c, s, types, out, err);
  if (types == T_ALL && !json_object_get(s, "type"))
    return any_node(c, out, err);
  return compile_types(c, s, types, depth, out, err);
}

int llm_jsonc_compile(const char *schema, size_t len, llm_jsonc_t **out,
                      lotse_err_t *err) {
  *out = NULL;
  json_error_t je;
  json_t *s = json_loadb(schema, len, JSON_DECODE_ANY, &je);
  if (!s)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid schema json: %s (line %d)",
                         je.text, je.line);
  llm_jsonc_t *c = calloc(1, sizeof *c);
  int rc = c ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) {
    c->any = JM_NONE;
    jc_node_t str = {.kind = JK_STRING, .child = JM_NONE, .max = JM_NONE};
    rc = node_add(c, str, &c->string, err);
  }
  if (!rc) rc = compile_node(c, s, 1, &c->root, err);
  json_decref(s);
  if (rc) {
    llm_jsonc_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

void llm_jsonc_free(llm_jsonc_t *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n_props; i++) free(c->props[i].key);
  for (size_t i = 0; i < c->n_lits; i++) free(c->lits[i].text);
  free(c->nodes);
  free(c->props);
  free(c->lits);
  free(c->kids);
  free(c);
}
