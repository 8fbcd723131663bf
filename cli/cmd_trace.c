/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_trace.c — `lotse trace -m FILE --tokens 1,2,3`: a developer
 * command for parity checks against llama.cpp. Runs the given token ids as
 * one batch, then greedy decoding for --steps tokens, and prints one JSON
 * object: {"tokens":[ids], "gaps":[...], "top":[[id, logprob], ...]}.
 *
 * Contract (the same as tests/reference/refllama.c trace, so the two outputs
 * compare field by field): greedy = argmax over the raw logits, the lowest
 * id on ties; "gaps" = best minus second-best logit at each step (how
 * close to a tie); "top" = the K best log-softmax values (double precision) of
 * the FIRST generated step's logits, best first. Needs no workspace.
 */
#include "cli/cli.h"
#include "llm/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_TOKENS = 256, OPT_STEPS, OPT_TOP, OPT_THREADS };

const cli_opt_t cmd_trace_opts[] = {
    {"model", 'm', "DATEI", "Modell (GGUF)"},
    {"tokens", OPT_TOKENS, "IDS", "Eingabe als Token-Nummern, z. B. 1,2,3"},
    {"steps", OPT_STEPS, "N", "so viele Token gierig erzeugen (Standard: 64)"},
    {"top", OPT_TOP, "K", "die K besten Log-Wahrscheinlichkeiten des ersten Schritts (Standard: 5)"},
    {"threads", OPT_THREADS, "N", "Rechen-Threads (Standard: alle Kerne)"},
    {0, 0, 0, 0}};

typedef struct trace_opts {
  const char *model;
  const char *tokens;
  int steps, top, threads;
} trace_opts_t;

static int parse_count(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

/* "1,2,3" -> ids, each in [0, n_vocab). */
static int parse_ids(const char *s, int n_vocab, llm_tokens_t *out) {
  while (*s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v >= n_vocab || (*end && *end != ','))
      return -1;
    if (llm_tokens_push(out, (int32_t)v)) return -1;
    s = *end ? end + 1 : end;
  }
  return out->n ? 0 : -1;
}

static int argmax(const float *x, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (x[i] > x[best]) best = i;
  return best;
}

static int print_top(const float *x, int n, int k) {
  double mx = x[argmax(x, n)], sum = 0;
  for (int i = 0; i < n; i++) sum += exp((double)x[i] - mx);
  double lse = mx + log(sum);
  char *used = calloc((size_t)n, 1);
  if (!used) return -1;
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
  return 0;
}

/* Logit gap between the best and the second-best token: how close a step
 * is to a tie (for diagnosing a divergence). */
static float top_gap(const float *x, int n, int best) {
  float second = -INFINITY;
  for (int i = 0; i < n; i++)
    if (i != best && x[i] > second) second = x[i];
  return x[best] - second;
}

/* Greedy steps after the prompt: ids and gaps get steps entries each. */
static int generate(llm_ctx_t *c, int n_vocab, int steps, float *first,
                    int32_t *ids, float *gaps, lotse_err_t *err) {
  const float *lg = llm_ctx_logits(c);
  memcpy(first, lg, sizeof *first * (size_t)n_vocab);
  for (int s = 0; s < steps; s++) {
    ids[s] = argmax(lg, n_vocab);
    gaps[s] = top_gap(lg, n_vocab, ids[s]);
    if (s + 1 < steps) {
      int rc = llm_ctx_decode(c, &ids[s], 1, err);
      if (rc) return rc;
      lg = llm_ctx_logits(c);
    }
  }
  return 0;
}

static int print_trace(const int32_t *ids, const float *gaps, int steps,
                       const float *first, int n_vocab, int top) {
  printf("{\"tokens\":[");
  for (int s = 0; s < steps; s++) printf(s ? ",%d" : "%d", ids[s]);
  printf("],\"gaps\":[");
  for (int s = 0; s < steps; s++)
    printf(s ? ",%.4g" : "%.4g", (double)gaps[s]);
  printf("],");
  int rc = print_top(first, n_vocab, top);
  printf("}\n");
  return rc;
}

static int run_trace(const llm_model_t *m, const llm_tokens_t *toks,
                     const trace_opts_t *o, lotse_err_t *err) {
  int n_vocab = llm_model_hparams(m)->n_vocab;
  llm_ctx_opts_t co = {.n_ctx = (int)toks->n + o->steps,
                       .n_threads = o->threads, .n_batch = (int)toks->n};
  llm_ctx_t *c = NULL;
  float *first = malloc(sizeof *first * (size_t)n_vocab);
  float *gaps = malloc(sizeof *gaps * (size_t)o->steps);
  int32_t *ids = malloc(sizeof *ids * (size_t)o->steps);
  int rc = !first || !gaps || !ids
               ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory")
               : llm_ctx_new(m, &co, &c, err);
  if (!rc) rc = llm_ctx_decode(c, toks->v, toks->n, err);
  if (!rc) rc = generate(c, n_vocab, o->steps, first, ids, gaps, err);
  if (!rc && print_trace(ids, gaps, o->steps, first, n_vocab, o->top))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  llm_ctx_free(c);
  free(ids);
  free(gaps);
  free(first);
  return rc;
}

static int parse_opts(const cli_cmd_t *cmd, int argc, char **argv,
                      trace_opts_t *o) {
  int c;
  char *val;
  *o = (trace_opts_t){.steps = 64, .top = 5};
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    int bad = 0;
    switch (c) {
    case 'm': o->model = val; break;
    case OPT_TOKENS: o->tokens = val; break;
    case OPT_STEPS: bad = parse_count(val, 1, 100000, &o->steps); break;
    case OPT_TOP: bad = parse_count(val, 1, 1000, &o->top); break;
    case OPT_THREADS: bad = parse_count(val, 1, 1024, &o->threads); break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
    if (bad) return cli_usage_error(cmd, "ungültige Zahl '%s'", val);
  }
  if (!o->model) return cli_usage_error(cmd, "kein Modell (-m DATEI)");
  if (!o->tokens) return cli_usage_error(cmd, "keine Token (--tokens IDS)");
  if (optind != argc) return cli_usage_error(cmd, "unerwartetes Argument '%s'", argv[optind]);
  return 0;
}

int cmd_trace(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("trace");
  trace_opts_t o;
  int rc = parse_opts(cmd, argc, argv, &o);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  lotse_err_t err = {0};
  llm_model_t *m = NULL;
  llm_tokens_t toks = {0};
  if (llm_model_load(o.model, &m, &err)) return cli_fail(&err);
  if (parse_ids(o.tokens, llm_model_hparams(m)->n_vocab, &toks)) {
    rc = cli_usage_error(cmd, "ungültige Token-Liste '%s' (Nummern 0 bis %d)",
                         o.tokens, llm_model_hparams(m)->n_vocab - 1);
  } else if (run_trace(m, &toks, &o, &err)) {
    rc = cli_fail(&err);
  }
  llm_tokens_release(&toks);
  llm_model_free(m);
  return rc;
}
