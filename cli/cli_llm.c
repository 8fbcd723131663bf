/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cli_llm.c — shared pieces of the model commands; see cli_llm.h.
 */
#include "cli/cli_llm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_int(const cli_cmd_t *cmd, const char *name, const char *val,
                  int lo, int hi, int *out) {
  char *end;
  errno = 0;
  long v = strtol(val, &end, 10);
  if (errno || end == val || *end != '\0' || v < lo || v > hi)
    return cli_usage_error(cmd, "%s erwartet eine ganze Zahl von %d bis %d",
                           name, lo, hi);
  *out = (int)v;
  return 0;
}

int cli_parse_float(const cli_cmd_t *cmd, const char *name, const char *val,
                    float lo, float hi, float *out) {
  char *end;
  errno = 0;
  float v = strtof(val, &end);
  if (errno || end == val || *end != '\0' || !isfinite(v) || v < lo || v > hi)
    return cli_usage_error(cmd, "%s erwartet eine Zahl von %g bis %g", name,
                           (double)lo, (double)hi);
  *out = v;
  return 0;
}

int cli_parse_u64(const cli_cmd_t *cmd, const char *name, const char *val,
                  uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(val, &end, 10);
  if (errno || end == val || *end != '\0' || val[0] == '-')
    return cli_usage_error(cmd, "%s erwartet eine nicht negative ganze Zahl",
                           name);
  *out = v;
  return 0;
}

int cli_llm_opt(cli_llm_t *l, const cli_cmd_t *cmd, int c, const char *val) {
  llm_config_t *g = &l->cfg;
  int secs = 0;
  switch (c) {
  case CLI_LLM_OPT_MODEL: g->model_path = val; return 0;
  case CLI_LLM_OPT_THREADS:
    return cli_parse_int(cmd, "--threads", val, 1, 1024, &g->n_threads);
  case CLI_LLM_OPT_CTX:
    return cli_parse_int(cmd, "--ctx", val, 16, 1 << 20, &g->n_ctx);
  case CLI_LLM_OPT_TEMPLATE: g->chat_template = val; return 0;
  case CLI_LLM_OPT_BACKEND: g->backend = val; return 0;
  case CLI_LLM_OPT_URL: g->base_url = val; return 0;
  case CLI_LLM_OPT_KEY: g->api_key = val; return 0;
  case CLI_LLM_OPT_NAME: g->model_name = val; return 0;
  case CLI_LLM_OPT_TIMEOUT: {
    int rc = cli_parse_int(cmd, "--timeout", val, 1, 86400, &secs);
    g->timeout_ms = secs * 1000;
    return rc;
  }
  default: return 1;
  }
}

int cli_llm_open_conf(cli_llm_t *l, const lotse_conf_t *conf,
                      llm_backend_t **b, lotse_err_t *err) {
  llm_config_t *g = &l->cfg;
  int openai = g->backend && strcmp(g->backend, "openai") == 0;
  *b = NULL;
  if (!openai && !g->model_path)
    g->model_path = lotse_conf_get(conf, "llm.model", NULL);
  if (!openai && !g->model_path) return 0;
  return cli_llm_open(l, b, err);
}

int cli_llm_open(cli_llm_t *l, llm_backend_t **b, lotse_err_t *err) {
  llm_config_t *g = &l->cfg;
  int openai = g->backend != NULL && strcmp(g->backend, "openai") == 0;
  if (openai && g->base_url == NULL)
    return lotse_err_set(err, LOTSE_EUSAGE,
                         "--backend openai braucht --base-url");
  if (!openai && g->model_path == NULL)
    return lotse_err_set(err, LOTSE_EUSAGE,
                         "kein Modell angegeben: -m DATEI.gguf");
  if (openai && g->api_key == NULL)
    g->api_key = getenv("LOTSE_API_KEY");
  if (openai && g->retries == 0)
    g->retries = 2; /* connection errors, 429 and 5xx, as documented */
  return llm_open(g, b, err);
}

/* Library messages are for developers; add what a user can do about it. */
int cli_llm_fail(lotse_err_t *err) {
  cli_fail(err);
  const char *hint = NULL;
  switch (err->code) {
  case LOTSE_ELIMIT:
    hint = "der Text ist zu lang für den Kontext: --ctx erhöhen oder kürzen";
    break;
  case LOTSE_ECORRUPT:
    hint = "die Modelldatei ist beschädigt oder keine GGUF-Datei";
    break;
  case LOTSE_EUNSUPPORTED:
    hint = "dieses Modell oder diese Vorlage wird nicht unterstützt";
    break;
  case LOTSE_ETIMEDOUT:
    hint = "der Server hat nicht rechtzeitig geantwortet (--timeout)";
    break;
  default: break;
  }
  if (hint != NULL)
    fprintf(stderr, "lotse: Hinweis: %s\n", hint);
  return CLI_EXIT_FAIL;
}

void cli_llm_print_stats(const llm_result_t *res) {
  double pp = res->prompt_ms > 0 ? res->prompt_tokens / res->prompt_ms * 1e3 : 0;
  double tg = res->gen_ms > 0 ? res->completion_tokens / res->gen_ms * 1e3 : 0;
  fprintf(stderr,
          "lotse: %d Prompt-Tokens (%.1f Tokens/s), %d erzeugt (%.1f "
          "Tokens/s), Ende: %s\n",
          res->prompt_tokens, pp, res->completion_tokens, tg,
          res->finish_reason);
}

int cli_llm_read_text(const char *arg, char **out) {
  if (strcmp(arg, "-") != 0) {
    *out = lotse_strdup(arg);
    return *out == NULL ? LOTSE_ENOMEM : 0;
  }
  lotse_err_t err = {0};
  size_t len;
  int rc = lotse_stream_read(stdin, 64u << 20, out, &len, &err);
  if (rc == LOTSE_ETOOBIG)
    fprintf(stderr, "lotse: Eingabe zu groß (höchstens 64 MiB)\n");
  return rc;
}
