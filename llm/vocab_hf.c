/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/vocab_hf.c — a vocabulary from a Hugging Face tokenizer.json (and
 * tokenizer_config.json), as llama.cpp's converter would store it.
 *
 * The kind is read from the JSON structure, never from a file name:
 *   - BPE with a ByteLevel pre-tokenizer or decoder: model "gpt2"; pre is
 *     "llama-bpe" when the Split regex groups digits \p{N}{1,3}, "qwen2"
 *     when it has the llama-style letter rule with single digits, else
 *     "gpt-2".
 *   - BPE with byte_fallback or a '▁' normaliser/decoder (SentencePiece
 *     converted to BPE): model "llama". Scores reproduce the merge order:
 *     a token made by merge r scores -r (llama.cpp merges by score).
 * Types: added tokens that are special (or look like "<|...|>") are
 * CONTROL, other added tokens USER_DEFINED, <0xNN> with byte fallback BYTE,
 * the unk token UNKNOWN; ids without a token become "[PADn]" UNUSED.
 */
#include "llm/tokenizer_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- kind detection */

/* Does any object in the tree have "type" == type? */
static int has_type(json_t *j, const char *type) {
  if (json_is_object(j)) {
    const char *t = json_string_value(json_object_get(j, "type"));
    if (t && strcmp(t, type) == 0) return 1;
    const char *k;
    json_t *x;
    json_object_foreach(j, k, x) if (has_type(x, type)) return 1;
  } else if (json_is_array(j)) {
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x) if (has_type(x, type)) return 1;
  }
  return 0;
}

/* The first Split regex in the pre-tokenizer, or NULL. */
static const char *split_regex(json_t *j) {
  if (json_is_object(j)) {
    const char *t = json_string_value(json_object_get(j, "type"));
    if (t && strcmp(t, "Split") == 0) {
      json_t *p = json_object_get(j, "pattern");
      const char *re = json_string_value(json_object_get(p, "Regex"));
      if (re) return re;
    }
    const char *k;
    json_t *x;
    json_object_foreach(j, k, x) {
      const char *re = split_regex(x);
      if (re) return re;
    }
  } else if (json_is_array(j)) {
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x) {
      const char *re = split_regex(x);
      if (re) return re;
    }
  }
  return NULL;
}

static int detect_kind(json_t *root, llm_vocab_t *v, lotse_err_t *err) {
  json_t *model = json_object_get(root, "model");
  json_t *pt = json_object_get(root, "pre_tokenizer");
  json_t *dec = json_object_get(root, "decoder");
  json_t *norm = json_object_get(root, "normalizer");
  const char *mt = json_string_value(json_object_get(model, "type"));
  if (!mt || strcmp(mt, "BPE") != 0)
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "unsupported tokenizer type '%s' (only BPE)",
                         mt ? mt : "?");
  int byte_level = has_type(pt, "ByteLevel") || has_type(dec, "ByteLevel");
  int spm = json_is_true(json_object_get(model, "byte_fallback")) ||
            has_type(pt, "Metaspace") || has_type(dec, "Metaspace") ||
            has_type(norm, "Prepend");
  const char *pre = NULL;
  if (byte_level) {
    const char *re = split_regex(pt);
    if (re && strstr(re, "\\p{N}{1,3}"))
      pre = "llama-bpe";
    else if (re && strstr(re, "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+") &&
             strstr(re, "|\\p{N}|"))
      pre = "qwen2";
    else
      pre = "gpt-2"; /* GPT-2 rules, under a name llama.cpp knows */
  } else if (!spm) {
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "BPE tokenizer neither byte-level nor SentencePiece");
  }
  v->model = lotse_strdup(byte_level ? "gpt2" : "llama");
  v->pre = pre ? lotse_strdup(pre) : NULL;
  if (!v->model || (pre && !v->pre))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

/* ------------------------------------------------------------ tokens */

static int looks_special(const char *s) {
  size_t n = strlen(s);
  return (n >= 4 && strncmp(s, "<|", 2) == 0 && strcmp(s + n - 2, "|>") == 0) ||
         strcmp(s, "<pad>") == 0 || strcmp(s, "<mask>") == 0;
}

static int is_byte_token(const char *s) {
  return strlen(s) == 6 && strncmp(s, "<0x", 3) == 0 && s[5] == '>' &&
         strchr("0123456789ABCDEF", s[3]) && strchr("0123456789ABCDEF", s[4]);
}

static size_t count_ids(json_t *vocab, json_t *added) {
  size_t n = 0;
  const char *k;
  json_t *x;
  json_object_foreach(vocab, k, x) {
    json_int_t id = json_integer_value(x);
    if (json_is_integer(x) && id >= 0 && (size_t)id + 1 > n) n = (size_t)id + 1;
  }
  size_t i;
  json_array_foreach(added, i, x) {
    json_t *jid = json_object_get(x, "id");
    json_int_t id = json_integer_value(jid);
    if (json_is_integer(jid) && id >= 0 && (size_t)id + 1 > n) n = (size_t)id + 1;
  }
  return n;
}

static int set_token(llm_vocab_t *v, size_t id, const char *s, int type) {
  char *c = lotse_strdup(s);
  if (!c) return LOTSE_ENOMEM;
  free(v->tokens[id]);
  v->tokens[id] = c;
  v->types[id] = type;
  return 0;
}

static int fill_tokens(json_t *root, llm_vocab_t *v, lotse_err_t *err) {
  json_t *model = json_object_get(root, "model");
  json_t *vocab = json_object_get(model, "vocab");
  json_t *added = json_object_get(root, "added_tokens");
  if (!json_is_object(vocab))
    return lotse_err_set(err, LOTSE_ECORRUPT, "no model.vocab object");
  size_t n = count_ids(vocab, added);
  if (n == 0 || n > 16u * 1024 * 1024)
    return lotse_err_set(err, LOTSE_ECORRUPT, "bad vocabulary size %zu", n);
  int spm = strcmp(v->model, "llama") == 0;
  if (llm_vocab_alloc(v, n, spm)) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int bytes = json_is_true(json_object_get(model, "byte_fallback"));
  const char *unk = json_string_value(json_object_get(model, "unk_token"));
  const char *k;
  json_t *x;
  json_object_foreach(vocab, k, x) {
    json_int_t id = json_integer_value(x);
    if (!json_is_integer(x) || id < 0) continue;
    int type = unk && strcmp(k, unk) == 0 ? LLM_TOKT_UNKNOWN
               : bytes && is_byte_token(k) ? LLM_TOKT_BYTE
                                           : LLM_TOKT_NORMAL;
    if (set_token(v, (size_t)id, k, type)) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  size_t i;
  json_array_foreach(added, i, x) {
    json_t *jid = json_object_get(x, "id");
    const char *s = json_string_value(json_object_get(x, "content"));
    if (!json_is_integer(jid) || json_integer_value(jid) < 0 || !s) continue;
    int type = json_is_true(json_object_get(x, "special")) || looks_special(s)
                   ? LLM_TOKT_CONTROL : LLM_TOKT_USER_DEFINED;
    if (unk && strcmp(s, unk) == 0) type = LLM_TOKT_UNKNOWN;
    if (set_token(v, (size_t)json_integer_value(jid), s, type))
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  for (i = 0; i < n; i++) {
    if (v->tokens[i]) continue;
    char pad[32];
    snprintf(pad, sizeof pad, "[PAD%zu]", i);
    if (set_token(v, i, pad, LLM_TOKT_UNUSED)) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

/* ------------------------------------------------------------ merges */

static char *merge_text(json_t *m) {
  if (json_is_string(m)) return lotse_strdup(json_string_value(m));
  const char *a = json_string_value(json_array_get(m, 0));
  const char *b = json_string_value(json_array_get(m, 1));
  if (!json_is_array(m) || json_array_size(m) != 2 || !a || !b) return NULL;
  size_t na = strlen(a), nb = strlen(b);
  char *s = malloc(na + nb + 2);
  if (!s) return NULL;
  memcpy(s, a, na);
  s[na] = ' ';
  memcpy(s + na + 1, b, nb + 1);
  return s;
}

static int fill_merges(json_t *root, llm_vocab_t *v, lotse_err_t *err) {
  json_t *merges = json_object_get(json_object_get(root, "model"), "merges");
  size_t n = json_array_size(merges);
  v->merges = calloc(n ? n : 1, sizeof *v->merges);
  if (!v->merges) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  size_t i;
  json_t *m;
  json_array_foreach(merges, i, m) {
    if (!(v->merges[i] = merge_text(m)))
      return lotse_err_set(err, LOTSE_ECORRUPT, "bad merge #%zu", i);
    v->n_merges++;
  }
  return 0;
}

/* SentencePiece scores from the merge order: the first merge that yields
 * a token gives its score -rank; other normal tokens rank below all. */
static int spm_scores(llm_vocab_t *v, lotse_err_t *err) {
  size_t *len = malloc(v->n * sizeof *len);
  char *seen = calloc(v->n, 1), *cat = NULL;
  llm_strmap_t m = {0};
  int rc = len && seen ? 0 : LOTSE_ENOMEM;
  for (size_t i = 0; !rc && i < v->n; i++) len[i] = strlen(v->tokens[i]);
  if (!rc) rc = llm_strmap_init(&m, v->tokens, len, v->n);
  for (size_t r = 0; !rc && r < v->n_merges; r++) {
    const char *s = v->merges[r], *sp = strchr(s + (s[0] ? 1 : 0), ' ');
    if (!sp) continue;
    size_t la = (size_t)(sp - s), lb = strlen(sp + 1);
    if (!(cat = malloc(la + lb + 1))) { rc = LOTSE_ENOMEM; break; }
    memcpy(cat, s, la);
    memcpy(cat + la, sp + 1, lb + 1);
    int32_t id = llm_strmap_find(&m, v->tokens, len, cat, la + lb);
    free(cat);
    if (id >= 0 && !seen[id]) { seen[id] = 1; v->scores[id] = -(float)r; }
  }
  for (size_t i = 0; !rc && i < v->n; i++) {
    size_t first = len[i] ? llm_utf8_len((unsigned char)v->tokens[i][0]) : 0;
    if (!seen[i] && v->types[i] == LLM_TOKT_NORMAL && len[i] > first)
      v->scores[i] = -(float)(v->n_merges + i);
  }
  llm_strmap_release(&m);
  free(seen);
  free(len);
  return rc ? lotse_err_set(err, rc, "out of memory") : 0;
}

/* ------------------------------------------------------------ config */

static const char *token_content(json_t *j) {
  if (json_is_string(j)) return json_string_value(j);
  return json_string_value(json_object_get(j, "content"));
}

static int32_t find_token(const llm_vocab_t *v, const char *s) {
  if (!s) return -1;
  for (size_t i = v->n; i-- > 0;)
    if (strcmp(v->tokens[i], s) == 0) return (int32_t)i;
  return -1;
}

static int read_config(const char *path, llm_vocab_t *v, lotse_err_t *err) {
  int spm = strcmp(v->model, "llama") == 0;
  v->add_bos = spm;
  v->add_eos = false;
  if (spm) v->unk = find_token(v, "<unk>");
  v->eot = find_token(v, "<|im_end|>");
  if (v->eot < 0) v->eot = find_token(v, "<|eot_id|>");
  if (!path) return 0;
  json_error_t je;
  json_t *c = json_load_file(path, JSON_DECODE_INT_AS_REAL, &je);
  if (!c)
    return lotse_err_set(err, LOTSE_ECORRUPT, "unable to read '%s': %s (line %d)",
                         path, je.text, je.line);
  v->bos = find_token(v, token_content(json_object_get(c, "bos_token")));
  /* Qwen's config names no BOS; its GGUF files carry <|endoftext|> (from
   * config.json's bos_token_id), with add_bos_token false. */
  if (v->bos < 0 && !spm) v->bos = find_token(v, "<|endoftext|>");
  v->eos = find_token(v, token_content(json_object_get(c, "eos_token")));
  v->pad = find_token(v, token_content(json_object_get(c, "pad_token")));
  int32_t unk = find_token(v, token_content(json_object_get(c, "unk_token")));
  if (unk >= 0) v->unk = unk;
  json_t *b = json_object_get(c, "add_bos_token");
  if (json_is_boolean(b)) v->add_bos = json_is_true(b);
  b = json_object_get(c, "add_eos_token");
  if (json_is_boolean(b)) v->add_eos = json_is_true(b);
  json_t *tpl = json_object_get(c, "chat_template");
  const char *ts = json_string_value(tpl);
  size_t i;
  json_t *x;
  json_array_foreach(tpl, i, x) { /* [{name, template}, ...] */
    const char *name = json_string_value(json_object_get(x, "name"));
    if (name && strcmp(name, "default") == 0)
      ts = json_string_value(json_object_get(x, "template"));
  }
  int rc = 0;
  if (ts && !(v->chat_template = lotse_strdup(ts)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  json_decref(c);
  return rc;
}

int llm_vocab_from_hf(const char *tokenizer_json, const char *config_json,
                      llm_vocab_t *v, lotse_err_t *err) {
  lotse_err_t dummy = {0};
  if (!err) err = &dummy;
  llm_vocab_init(v);
  json_error_t je;
  json_t *root = json_load_file(tokenizer_json, 0, &je);
  if (!root)
    return lotse_err_set(err, LOTSE_ECORRUPT, "unable to read '%s': %s (line %d)",
                         tokenizer_json, je.text, je.line);
  int rc = detect_kind(root, v, err);
  if (!rc) rc = fill_tokens(root, v, err);
  if (!rc) rc = fill_merges(root, v, err);
  if (!rc && v->scores) rc = spm_scores(v, err);
  if (!rc) rc = read_config(config_json, v, err);
  if (!rc && v->scores) { /* SentencePiece keeps no merges in GGUF */
    for (size_t i = 0; i < v->n_merges; i++) free(v->merges[i]);
    free(v->merges);
    v->merges = NULL;
    v->n_merges = 0;
  }
  json_decref(root);
  if (rc) llm_vocab_release(v);
  return rc;
}
