/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_bench_model.c — `lotse bench-model -m FILE`: speed of the built-in
 * engine on one model. Prints readable lines, then as the LAST line one JSON
 * object with at least pp_tok_s and tg_tok_s (bench/llm/run.sh reads it).
 *
 * Method (the same as tests/reference/refllama.c bench, so lotse and
 * llama.cpp are timed alike): one warm-up decode of one token; then R
 * repetitions of (a) prompt processing: one llm_ctx_decode of N tokens on an
 * empty cache, (b) generation: M single-token decodes on an empty cache; the
 * best repetition of each counts. Token ids come from a 64-bit LCG (state
 * 42, Knuth's MMIX constants, id = (state >> 33) % n_vocab). Needs no
 * workspace.
 */
#include "cli/cli.h"
#include "llm/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { OPT_PP = 256, OPT_TG, OPT_THREADS, OPT_REPS };

const cli_opt_t cmd_bench_model_opts[] = {
    {"model", 'm', "DATEI", "Modell (GGUF)"},
    {"prompt-tokens", OPT_PP, "N", "Länge des Prompts in Token (Standard: 512)"},
    {"gen-tokens", OPT_TG, "N", "so viele Token erzeugen (Standard: 128)"},
    {"threads", OPT_THREADS, "N", "Rechen-Threads (Standard: alle Kerne)"},
    {"reps", OPT_REPS, "N", "Wiederholungen, die beste zählt (Standard: 3)"},
    {0, 0, 0, 0}};

typedef struct bench_opts {
  const char *model;
  int pp, tg, threads, reps;
} bench_opts_t;

typedef struct bench_result {
  double load_s, pp_tok_s, tg_tok_s;
} bench_result_t;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_count(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

static void bench_tokens(int32_t *t, int n, int n_vocab) {
  uint64_t s = 42;
  for (int i = 0; i < n; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    t[i] = (int32_t)((s >> 33) % (uint64_t)n_vocab);
  }
}

static int time_pp(llm_ctx_t *c, const int32_t *t, int n, double *best,
                   lotse_err_t *err) {
  llm_ctx_truncate(c, 0);
  double t0 = now_s();
  int rc = llm_ctx_decode(c, t, (size_t)n, err);
  double dt = now_s() - t0;
  if (!rc && n / dt > *best) *best = n / dt;
  return rc;
}

static int time_tg(llm_ctx_t *c, const int32_t *t, int n, double *best,
                   lotse_err_t *err) {
  llm_ctx_truncate(c, 0);
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    int rc = llm_ctx_decode(c, &t[i], 1, err);
    if (rc) return rc;
  }
  double dt = now_s() - t0;
  if (n / dt > *best) *best = n / dt;
  return 0;
}

static int run_bench(const llm_model_t *m, const bench_opts_t *o,
                     bench_result_t *r, lotse_err_t *err) {
  int n_vocab = llm_model_hparams(m)->n_vocab;
  int n = o->pp > o->tg ? o->pp : o->tg;
  llm_ctx_opts_t co = {.n_ctx = o->pp + o->tg, .n_threads = o->threads,
                       .n_batch = o->pp};
  llm_ctx_t *c = NULL;
  int32_t *t = malloc(sizeof *t * (size_t)n);
  int rc = t ? llm_ctx_new(m, &co, &c, err)
             : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) goto out;
  bench_tokens(t, n, n_vocab);
  if ((rc = llm_ctx_decode(c, t, 1, err))) goto out; /* warm-up */
  for (int i = 0; i < o->reps && !rc; i++) {
    rc = time_pp(c, t, o->pp, &r->pp_tok_s, err);
    if (!rc) rc = time_tg(c, t, o->tg, &r->tg_tok_s, err);
  }
out:
  llm_ctx_free(c);
  free(t);
  return rc;
}

static void print_result(const llm_model_t *m, const bench_opts_t *o,
                         const bench_result_t *r) {
  const llm_hparams_t *hp = llm_model_hparams(m);
  const llm_type_info_t *ti = llm_type_info(hp->weight_type);
  const char *type = ti ? ti->name : "?";
  double mb = (double)gguf_file_size(llm_model_gguf(m)) / 1e6;
  printf("Modell:      %s (%s, %.1f M Parameter, %s, %.1f MB)\n", o->model,
         hp->arch_name, (double)hp->n_params / 1e6, type, mb);
  printf("Threads:     %d, SIMD: %s, Laden: %.3f s\n", o->threads,
         llm_cpu_level(), r->load_s);
  printf("Prompt:      %d Token, %.2f Token/s\n", o->pp, r->pp_tok_s);
  printf("Erzeugung:   %d Token, %.2f Token/s (beste von %d)\n", o->tg,
         r->tg_tok_s, o->reps);
  printf("{\"engine\":\"lotse\",\"arch\":\"%s\",\"type\":\"%s\","
         "\"n_params\":%llu,\"size_bytes\":%llu,\"threads\":%d,"
         "\"simd\":\"%s\",\"prompt_tokens\":%d,\"gen_tokens\":%d,"
         "\"reps\":%d,\"load_s\":%.4f,\"pp_tok_s\":%.2f,\"tg_tok_s\":%.2f}\n",
         hp->arch_name, type, (unsigned long long)hp->n_params,
         (unsigned long long)gguf_file_size(llm_model_gguf(m)), o->threads,
         llm_cpu_level(), o->pp, o->tg, o->reps, r->load_s, r->pp_tok_s,
         r->tg_tok_s);
}

static int parse_opts(const cli_cmd_t *cmd, int argc, char **argv,
                      bench_opts_t *o) {
  int c;
  char *val;
  *o = (bench_opts_t){.pp = 512, .tg = 128, .reps = 3};
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    int bad = 0;
    switch (c) {
    case 'm': o->model = val; break;
    case OPT_PP: bad = parse_count(val, 1, 1 << 20, &o->pp); break;
    case OPT_TG: bad = parse_count(val, 1, 1 << 20, &o->tg); break;
    case OPT_THREADS: bad = parse_count(val, 1, 1024, &o->threads); break;
    case OPT_REPS: bad = parse_count(val, 1, 1000, &o->reps); break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
    if (bad) return cli_usage_error(cmd, "ungültige Zahl '%s'", val);
  }
  if (!o->model) return cli_usage_error(cmd, "kein Modell (-m DATEI)");
  if (optind != argc)
    return cli_usage_error(cmd, "unerwartetes Argument '%s'", argv[optind]);
  if (!o->threads) o->threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
  return 0;
}

int cmd_bench_model(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("bench-model");
  bench_opts_t o;
  int rc = parse_opts(cmd, argc, argv, &o);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  lotse_err_t err = {0};
  llm_model_t *m = NULL;
  bench_result_t r = {0};
  double t0 = now_s();
  if (llm_model_load(o.model, &m, &err)) return cli_fail(&err);
  r.load_s = now_s() - t0;
  fprintf(stderr, "lotse bench-model: %s wird gemessen …\n", o.model);
  if (run_bench(m, &o, &r, &err)) rc = cli_fail(&err);
  else print_result(m, &o, &r);
  llm_model_free(m);
  return rc;
}
