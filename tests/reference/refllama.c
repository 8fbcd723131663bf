/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/reference/refllama.c — llama.cpp as a reference for lotse's parity
 * tests and benchmarks. Our own small program over the prebuilt libllama of
 * the npm package node-llama-cpp; built by tests/reference/build-refllama.sh
 * against the headers of the llama.cpp source the package ships (taken into
 * a temporary folder at build time, never committed).
 *
 *   refllama tokenize MODEL [--special] [--no-bos] TEXT
 *       -> [ids...]   (BOS added when the vocabulary wants it, unless
 *                      --no-bos; --special parses control tokens)
 *   refllama trace MODEL --tokens 1,2,3 [--steps N] [--top K] [--threads T]
 *       -> {"tokens":[N greedy ids], "gaps":[...], "top":[[id, logprob], ...]}
 *          greedy = argmax over the raw logits (lowest id on ties); gaps =
 *          logit of the best minus the second-best token at each step; top
 *          = the K best log-softmax values of the first generated step
 *   refllama bench MODEL [--prompt-tokens N] [--gen-tokens M] [--threads T]
 *                        [--reps R] [--flash-attn auto|on|off]
 *       -> {"pp_tok_s":..., "tg_tok_s":..., ...}
 *          pp: one llama_decode of N tokens (n_batch = n_ubatch >= N) on an
 *          empty cache; tg: M single-token decodes from an empty cache;
 *          best of R repetitions each, after one warm-up decode. Token ids
 *          are the same pseudo-random sequence lotse bench-model uses.
 *
 * Environment: REFLLAMA_BINS = folder of libggml-cpu-*.so (default: the
 * folder baked in at build time, REFLLAMA_BINS_DEFAULT); REFLLAMA_VERBOSE=1
 * keeps llama.cpp's log on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ggml-backend.h"
#include "llama.h"

#ifndef REFLLAMA_BINS_DEFAULT
#define REFLLAMA_BINS_DEFAULT ""
#endif

typedef struct opts {
  const char *model;
  const char *text;
  const char *tokens;
  int special, no_bos;
  int steps, top, threads;
  int pp, tg, reps;
  int flash; /* LLAMA_FLASH_ATTN_TYPE_* */
} opts_t;

static void quiet_log(enum ggml_log_level level, const char *text, void *ud) {
  (void)ud;
  if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(void) {
  fprintf(stderr,
          "usage: refllama tokenize MODEL [--special] [--no-bos] TEXT\n"
          "       refllama trace MODEL --tokens 1,2,3 [--steps N] [--top K] "
          "[--threads T]\n"
          "       refllama bench MODEL [--prompt-tokens N] [--gen-tokens M] "
          "[--threads T] [--reps R] [--flash-attn auto|on|off]\n");
  return 2;
}

static int int_arg(const char *s, int lo, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > 1000000) return -1;
  *out = (int)v;
  return 0;
}

static int parse_flash(const char *s, int *out) {
  if (!strcmp(s, "auto")) *out = LLAMA_FLASH_ATTN_TYPE_AUTO;
  else if (!strcmp(s, "on")) *out = LLAMA_FLASH_ATTN_TYPE_ENABLED;
  else if (!strcmp(s, "off")) *out = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  else return -1;
  return 0;
}

static int parse_args(int argc, char **argv, opts_t *o) {
  *o = (opts_t){.steps = 64, .top = 5, .threads = 2, .pp = 512, .tg = 128,
                .reps = 3, .flash = LLAMA_FLASH_ATTN_TYPE_AUTO};
  if (argc < 3) return -1;
  o->model = argv[2];
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0;
    if (!strcmp(a, "--special")) { o->special = 1; continue; }
    if (!strcmp(a, "--no-bos")) { o->no_bos = 1; continue; }
    if (!strcmp(a, "--") && v && !o->text) { o->text = v; i++; continue; }
    if (a[0] != '-' || a[1] != '-') {
      if (o->text) return -1;
      o->text = a;
      continue;
    }
    if (!v) return -1;
    i++;
    if (!strcmp(a, "--tokens")) o->tokens = v;
    else if (!strcmp(a, "--steps")) bad = int_arg(v, 1, &o->steps);
    else if (!strcmp(a, "--top")) bad = int_arg(v, 1, &o->top);
    else if (!strcmp(a, "--threads")) bad = int_arg(v, 1, &o->threads);
    else if (!strcmp(a, "--prompt-tokens")) bad = int_arg(v, 1, &o->pp);
    else if (!strcmp(a, "--gen-tokens")) bad = int_arg(v, 1, &o->tg);
    else if (!strcmp(a, "--reps")) bad = int_arg(v, 1, &o->reps);
    else if (!strcmp(a, "--flash-attn")) bad = parse_flash(v, &o->flash);
    else bad = -1;
    if (bad) {
      fprintf(stderr, "refllama: bad option %s %s\n", a, v);
      return -1;
    }
  }
  return 0;
}

static struct llama_model *load_model(const char *path) {
  const char *bins = getenv("REFLLAMA_BINS");
  if (!bins || !*bins) bins = REFLLAMA_BINS_DEFAULT;
  if (!getenv("REFLLAMA_VERBOSE")) llama_log_set(quiet_log, NULL);
  ggml_backend_load_all_from_path(bins);
  llama_backend_init();
  struct llama_model_params mp = llama_model_default_params();
  struct llama_model *m = llama_model_load_from_file(path, mp);
  if (!m) fprintf(stderr, "refllama: cannot load '%s'\n", path);
  return m;
}

static struct llama_context *new_ctx(struct llama_model *m, int n_ctx,
                                     int n_batch, const opts_t *o) {
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)n_ctx;
  cp.n_batch = (uint32_t)n_batch;
  cp.n_ubatch = (uint32_t)n_batch;
  cp.n_seq_max = 1;
  cp.n_threads = o->threads;
  cp.n_threads_batch = o->threads;
  cp.flash_attn_type = o->flash;
  cp.no_perf = true;
  struct llama_context *c = llama_init_from_model(m, cp);
  if (!c) fprintf(stderr, "refllama: cannot create a context\n");
  return c;
}

/* ------------------------------------------------------------ tokenize */

static int cmd_tokenize(const opts_t *o) {
  if (!o->text) return usage();
  struct llama_model *m = load_model(o->model);
  if (!m) return 1;
  const struct llama_vocab *v = llama_model_get_vocab(m);
  int32_t len = (int32_t)strlen(o->text), cap = len + 16;
  llama_token *ids = malloc(sizeof *ids * (size_t)cap);
  int32_t n = ids ? llama_tokenize(v, o->text, len, ids, cap, !o->no_bos,
                                   o->special != 0)
                  : -1;
  if (n < 0) {
    fprintf(stderr, "refllama: tokenize failed (%d)\n", n);
    free(ids);
    llama_model_free(m);
    return 1;
  }
  putchar('[');
  for (int32_t i = 0; i < n; i++) printf(i ? ",%d" : "%d", ids[i]);
  puts("]");
  free(ids);
  llama_model_free(m);
  return 0;
}

/* ------------------------------------------------------------ trace */

static int parse_tokens(const char *s, int n_vocab, llama_token **out,
                        int *n) {
  size_t cap = 1;
  for (const char *p = s; *p; p++) cap += *p == ',';
  llama_token *t = malloc(sizeof *t * cap);
  if (!t) return -1;
  *n = 0;
  while (*s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v >= n_vocab || (*end && *end != ',')) {
      free(t);
      return -1;
    }
    t[(*n)++] = (llama_token)v;
    s = *end ? end + 1 : end;
  }
  *out = t;
  return *n > 0 ? 0 : -1;
}

static int argmax(const float *x, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (x[i] > x[best]) best = i;
  return best;
}

/* The k best log-softmax values of x, printed as [[id, lp], ...]. */
static void print_top(const float *x, int n, int k) {
  double mx = x[argmax(x, n)], sum = 0;
  for (int i = 0; i < n; i++) sum += exp((double)x[i] - mx);
  double lse = mx + log(sum);
  char *used = calloc((size_t)n, 1);
  if (!used) return;
  printf("\"top\":[");
  for (int j = 0; j < k && j < n; j++) {
    int best = -1;
    for (int i = 0; i < n; i++)
      if (!used[i] && (best < 0 || x[i] > x[best])) best = i;
    used[best] = 1;
    printf("%s[%d,%.6f]", j ? "," : "", best, (double)x[best] - lse);
  }
  printf("]");
  free(used);
}

static int decode_one(struct llama_context *c, llama_token t) {
  return llama_decode(c, llama_batch_get_one(&t, 1));
}

/* Logit gap between the best and the second-best token: how close a step
 * is to a tie (for diagnosing a divergence). */
static float top_gap(const float *x, int n, int best) {
  float second = -INFINITY;
  for (int i = 0; i < n; i++)
    if (i != best && x[i] > second) second = x[i];
  return x[best] - second;
}

static void print_trace(const int *ids, const float *gaps, int steps) {
  printf("{\"tokens\":[");
  for (int s = 0; s < steps; s++) printf(s ? ",%d" : "%d", ids[s]);
  printf("],\"gaps\":[");
  for (int s = 0; s < steps; s++) printf(s ? ",%.4g" : "%.4g", (double)gaps[s]);
  printf("],");
}

static int run_trace(struct llama_context *c, int n_vocab, llama_token *toks,
                     int n, const opts_t *o) {
  int rc = -1;
  float *first = malloc(sizeof *first * (size_t)n_vocab);
  float *gaps = malloc(sizeof *gaps * (size_t)o->steps);
  int *ids = malloc(sizeof *ids * (size_t)o->steps);
  const float *lg = NULL;
  if (!first || !gaps || !ids || llama_decode(c, llama_batch_get_one(toks, n)) ||
      !(lg = llama_get_logits_ith(c, -1)))
    goto out;
  memcpy(first, lg, sizeof *first * (size_t)n_vocab);
  for (int s = 0; s < o->steps; s++) {
    ids[s] = argmax(lg, n_vocab);
    gaps[s] = top_gap(lg, n_vocab, ids[s]);
    if (s + 1 < o->steps &&
        (decode_one(c, ids[s]) || !(lg = llama_get_logits_ith(c, -1))))
      goto out;
  }
  print_trace(ids, gaps, o->steps);
  print_top(first, n_vocab, o->top);
  printf("}\n");
  rc = 0;
out:
  free(ids);
  free(gaps);
  free(first);
  return rc;
}

static int cmd_trace(const opts_t *o) {
  if (!o->tokens || o->text) return usage();
  struct llama_model *m = load_model(o->model);
  if (!m) return 1;
  int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(m)), n = 0, rc = 1;
  llama_token *toks = NULL;
  struct llama_context *c = NULL;
  if (parse_tokens(o->tokens, n_vocab, &toks, &n)) {
    fprintf(stderr, "refllama: bad --tokens (ids 0..%d)\n", n_vocab - 1);
    goto out;
  }
  c = new_ctx(m, n + o->steps, n, o);
  if (!c) goto out;
  if (run_trace(c, n_vocab, toks, n, o)) {
    fprintf(stderr, "refllama: decode failed\n");
    goto out;
  }
  rc = 0;
out:
  llama_free(c);
  free(toks);
  llama_model_free(m);
  return rc;
}

/* ------------------------------------------------------------ bench */

/* The prompt/generation ids of lotse bench-model: a 64-bit LCG (Knuth's
 * MMIX constants), state seeded with 42, id = (state >> 33) % n_vocab. */
static void bench_tokens(llama_token *t, int n, int n_vocab) {
  uint64_t s = 42;
  for (int i = 0; i < n; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    t[i] = (llama_token)((s >> 33) % (uint64_t)n_vocab);
  }
}

static int bench_pp(struct llama_context *c, llama_token *t, int n,
                    double *best) {
  llama_memory_clear(llama_get_memory(c), true);
  double t0 = now_s();
  if (llama_decode(c, llama_batch_get_one(t, n))) return -1;
  llama_synchronize(c);
  double dt = now_s() - t0;
  if (*best == 0 || n / dt > *best) *best = n / dt;
  return 0;
}

static int bench_tg(struct llama_context *c, llama_token *t, int n,
                    double *best) {
  llama_memory_clear(llama_get_memory(c), true);
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    if (decode_one(c, t[i])) return -1;
    llama_synchronize(c);
  }
  double dt = now_s() - t0;
  if (*best == 0 || n / dt > *best) *best = n / dt;
  return 0;
}

static int cmd_bench(const opts_t *o) {
  struct llama_model *m = load_model(o->model);
  if (!m) return 1;
  int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(m)), rc = 1;
  int n = o->pp > o->tg ? o->pp : o->tg;
  llama_token *t = malloc(sizeof *t * (size_t)n);
  struct llama_context *c = t ? new_ctx(m, o->pp + o->tg, o->pp, o) : NULL;
  double pp = 0, tg = 0;
  if (!c) goto out;
  bench_tokens(t, n, n_vocab);
  if (decode_one(c, t[0])) goto fail; /* warm-up: touches every weight */
  for (int r = 0; r < o->reps; r++)
    if (bench_pp(c, t, o->pp, &pp) || bench_tg(c, t, o->tg, &tg)) goto fail;
  char desc[128];
  llama_model_desc(m, desc, sizeof desc);
  printf("{\"engine\":\"llama.cpp\",\"model\":\"%s\",\"threads\":%d,"
         "\"prompt_tokens\":%d,\"gen_tokens\":%d,\"reps\":%d,"
         "\"flash_attn\":%d,\"n_params\":%llu,\"size_bytes\":%llu,"
         "\"pp_tok_s\":%.2f,\"tg_tok_s\":%.2f}\n",
         desc, o->threads, o->pp, o->tg, o->reps, o->flash,
         (unsigned long long)llama_model_n_params(m),
         (unsigned long long)llama_model_size(m), pp, tg);
  rc = 0;
  goto out;
fail:
  fprintf(stderr, "refllama: decode failed\n");
out:
  llama_free(c);
  free(t);
  llama_model_free(m);
  return rc;
}

int main(int argc, char **argv) {
  opts_t o;
  if (argc < 2 || parse_args(argc, argv, &o)) return usage();
  if (!strcmp(argv[1], "tokenize")) return cmd_tokenize(&o);
  if (!strcmp(argv[1], "trace")) return cmd_trace(&o);
  if (!strcmp(argv[1], "bench")) return cmd_bench(&o);
  return usage();
}
