/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_tokenize.c — `lotse tokenize -m MODEL.gguf TEXT|-`: the token ids
 * a model's tokenizer makes of a text (only the tokenizer.* keys of the
 * file are read, never the weights).
 *
 * Developer mode for the parity tests: `--from-hf tokenizer.json
 * [--hf-config tokenizer_config.json] --write-gguf OUT.gguf` converts a
 * Hugging Face tokenizer into a vocabulary-only GGUF that llama.cpp loads
 * with vocab_only (architecture "llama" with tiny placeholder shapes).
 */
#include "cli/cli.h"
#include "llm/gguf.h"
#include "llm/tokenizer.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_SPECIAL = 256,
  OPT_NO_BOS,
  OPT_JSON,
  OPT_FROM_HF,
  OPT_HF_CONFIG,
  OPT_WRITE_GGUF,
  OPT_JSONL,
  OPT_PRE,
};

const cli_opt_t cmd_tokenize_opts[] = {
    {"model", 'm', "DATEI", "GGUF-Modell, dessen Tokenizer benutzt wird"},
    {"special", OPT_SPECIAL, NULL,
     "Steuertokens wie <|im_start|> im Text als Tokens erkennen"},
    {"no-bos", OPT_NO_BOS, NULL, "kein BOS-Token voranstellen"},
    {"json", OPT_JSON, NULL, "als JSON ausgeben (ids und pieces)"},
    {"from-hf", OPT_FROM_HF, "DATEI",
     "Entwicklung: tokenizer.json statt eines Modells lesen"},
    {"hf-config", OPT_HF_CONFIG, "DATEI",
     "Entwicklung: tokenizer_config.json zu --from-hf"},
    {"write-gguf", OPT_WRITE_GGUF, "DATEI",
     "Entwicklung: Vokabular als GGUF (nur Tokenizer) schreiben"},
    {"pre", OPT_PRE, "NAME",
     "Entwicklung: Prätokenizer (tokenizer.ggml.pre) zu --from-hf ersetzen"},
    {"jsonl", OPT_JSONL, NULL,
     "Entwicklung: je Zeile von stdin {\"text\":…,\"special\":…} -> {\"ids\":[…]}"},
    {0, 0, 0, 0}};

typedef struct args {
  const char *model, *hf, *hf_config, *out, *pre;
  int special, no_bos, json, jsonl;
} args_t;

/* Text operand, or all of stdin for "-". The caller frees. */
static char *read_text(const char *arg, size_t *len) {
  if (strcmp(arg, "-") != 0) {
    *len = strlen(arg);
    return lotse_strdup(arg);
  }
  lotse_err_t err = {0};
  char *s = NULL;
  return lotse_stream_read(stdin, (size_t)256 << 20, &s, len, &err) ? NULL : s;
}

static int write_vocab_gguf(const llm_vocab_t *v, const char *path,
                            lotse_err_t *err) {
  gguf_writer_t *w = gguf_writer_new();
  if (!w) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  /* The smallest llama hyper-parameters llama.cpp accepts for vocab_only. */
  int rc = gguf_writer_set_str(w, "general.architecture", "llama");
  if (!rc) rc = gguf_writer_set_str(w, "general.name", "lotse-vocab");
  if (!rc) rc = gguf_writer_set_u32(w, "llama.context_length", 4096);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.embedding_length", 64);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.block_count", 1);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.feed_forward_length", 128);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.attention.head_count", 1);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.attention.head_count_kv", 1);
  if (!rc) rc = gguf_writer_set_f32(w, "llama.attention.layer_norm_rms_epsilon", 1e-6f);
  if (!rc) rc = gguf_writer_set_u32(w, "llama.vocab_size", (uint32_t)v->n);
  if (rc) rc = lotse_err_set(err, rc, "unable to add model keys");
  if (!rc) rc = llm_vocab_to_gguf(v, w, err);
  if (!rc) rc = gguf_writer_write(w, path, NULL, NULL, err);
  gguf_writer_free(w);
  return rc;
}

static int load_tokenizer(const args_t *a, llm_tokenizer_t **t,
                          lotse_err_t *err) {
  if (!a->hf) {
    gguf_t *g;
    int rc = gguf_open(a->model, &g, err);
    if (rc) return rc;
    rc = llm_tokenizer_from_gguf(g, t, err);
    gguf_close(g);
    return rc;
  }
  llm_vocab_t v;
  int rc = llm_vocab_from_hf(a->hf, a->hf_config, &v, err);
  if (rc) return rc;
  if (a->pre) {
    free(v.pre);
    if (!(v.pre = lotse_strdup(a->pre))) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (!rc && a->out) rc = write_vocab_gguf(&v, a->out, err);
  if (!rc) rc = llm_tokenizer_new(&v, t, err);
  llm_vocab_release(&v);
  return rc;
}

static void print_ids(const llm_tokens_t *ids) {
  for (size_t i = 0; i < ids->n; i++) printf("%s%d", i ? " " : "", ids->v[i]);
  printf("\n");
}

static int print_json(const llm_tokenizer_t *t, const llm_tokens_t *ids) {
  json_t *o = json_object(), *jid = json_array(), *jp = json_array();
  for (size_t i = 0; i < ids->n; i++) {
    json_array_append_new(jid, json_integer(ids->v[i]));
    const char *p = llm_tok_text(t, ids->v[i]);
    json_t *js = json_string(p);
    if (!js) { /* not UTF-8: show it sanitised */
      char *clean = lotse_utf8_sanitize(p, strlen(p));
      js = json_string(clean ? clean : "");
      free(clean);
    }
    json_array_append_new(jp, js);
  }
  json_object_set_new(o, "ids", jid);
  json_object_set_new(o, "pieces", jp);
  char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(o);
  if (!s) return CLI_EXIT_FAIL;
  printf("%s\n", s);
  free(s);
  return CLI_EXIT_OK;
}

static void print_ids_json(const llm_tokens_t *ids) {
  printf("{\"ids\":[");
  for (size_t i = 0; i < ids->n; i++) printf("%s%d", i ? "," : "", ids->v[i]);
  printf("]}\n");
}

/* One JSON object per input line; a bad line gives {"ids":null}. */
static int run_jsonl(const llm_tokenizer_t *t, const args_t *a) {
  size_t len;
  char *all = read_text("-", &len);
  if (!all) return cli_fail(&(lotse_err_t){LOTSE_ENOMEM, "stdin nicht lesbar"});
  int rc = CLI_EXIT_OK;
  for (char *line = all, *end; line < all + len && rc == CLI_EXIT_OK; line = end + 1) {
    end = memchr(line, '\n', (size_t)(all + len - line));
    if (!end) end = all + len;
    if (end == line) continue;
    json_t *j = json_loadb(line, (size_t)(end - line), JSON_ALLOW_NUL, NULL);
    json_t *txt = json_object_get(j, "text");
    lotse_err_t err = {0};
    llm_tokens_t ids = {0};
    unsigned flags = (a->no_bos ? 0 : LLM_TOK_ADD_BOS) |
                     (a->special || json_is_true(json_object_get(j, "special"))
                          ? LLM_TOK_PARSE_SPECIAL : 0);
    if (!json_is_string(txt))
      printf("{\"ids\":null}\n");
    else if (llm_tokenize(t, json_string_value(txt), json_string_length(txt),
                          flags, &ids, &err))
      rc = cli_fail(&err);
    else
      print_ids_json(&ids);
    llm_tokens_release(&ids);
    json_decref(j);
  }
  free(all);
  return rc;
}

static int parse_args(int argc, char **argv, const cli_cmd_t *cmd, args_t *a) {
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case 'm': a->model = val; break;
    case OPT_SPECIAL: a->special = 1; break;
    case OPT_NO_BOS: a->no_bos = 1; break;
    case OPT_JSON: a->json = 1; break;
    case OPT_FROM_HF: a->hf = val; break;
    case OPT_HF_CONFIG: a->hf_config = val; break;
    case OPT_WRITE_GGUF: a->out = val; break;
    case OPT_JSONL: a->jsonl = 1; break;
    case OPT_PRE: a->pre = val; break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (!a->model == !a->hf)
    return cli_usage_error(cmd, "genau eines von -m MODELL oder --from-hf angeben");
  if ((a->out || a->pre || a->hf_config) && !a->hf)
    return cli_usage_error(cmd, "--write-gguf, --pre und --hf-config gehen nur mit --from-hf");
  if (a->jsonl && argc - optind > 0)
    return cli_usage_error(cmd, "--jsonl liest die Texte von stdin, kein TEXT angeben");
  if (argc - optind > 1 || (argc - optind == 0 && !a->out && !a->jsonl))
    return cli_usage_error(cmd, "genau einen Text angeben (oder - für stdin)");
  return 0;
}

int cmd_tokenize(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("tokenize");
  args_t a = {0};
  int rc = parse_args(argc, argv, cmd, &a);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  lotse_err_t err = {0};
  llm_tokenizer_t *t;
  if (load_tokenizer(&a, &t, &err)) return cli_fail(&err);
  if (argc - optind == 0) { /* --jsonl, or only --write-gguf */
    rc = a.jsonl ? run_jsonl(t, &a) : CLI_EXIT_OK;
    llm_tokenizer_free(t);
    return rc;
  }
  size_t len;
  char *text = read_text(argv[optind], &len);
  llm_tokens_t ids = {0};
  unsigned flags = (a.no_bos ? 0 : LLM_TOK_ADD_BOS) |
                   (a.special ? LLM_TOK_PARSE_SPECIAL : 0);
  if (!text) {
    rc = cli_fail(&(lotse_err_t){LOTSE_ENOMEM, "Text zu groß oder nicht lesbar"});
  } else if (llm_tokenize(t, text, len, flags, &ids, &err)) {
    rc = cli_fail(&err);
  } else {
    rc = a.json ? print_json(t, &ids) : (print_ids(&ids), CLI_EXIT_OK);
  }
  llm_tokens_release(&ids);
  free(text);
  llm_tokenizer_free(t);
  return rc;
}
