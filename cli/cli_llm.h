/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cli_llm.h — what the model commands (generate, embed) share: the
 * options that choose a backend and model, number parsing with range
 * checks, reading a text operand ("-" = stdin) and German error hints.
 */
#ifndef LOTSE_CLI_LLM_H
#define LOTSE_CLI_LLM_H

#include "cli/cli.h"
#include "llm/llm.h"

#include <stdint.h>
#include <unistd.h>

enum {
  CLI_LLM_OPT_THREADS = 't', CLI_LLM_OPT_MODEL = 'm',
  CLI_LLM_OPT_CTX = 400, CLI_LLM_OPT_TEMPLATE, CLI_LLM_OPT_BACKEND,
  CLI_LLM_OPT_URL, CLI_LLM_OPT_KEY, CLI_LLM_OPT_NAME, CLI_LLM_OPT_TIMEOUT
};

#define CLI_LLM_OPTS                                                          \
  {"model", CLI_LLM_OPT_MODEL, "DATEI", "GGUF-Modelldatei (eingebaute Engine)"}, \
  {"threads", CLI_LLM_OPT_THREADS, "N", "Rechen-Threads (Standard: alle Kerne)"}, \
  {"ctx", CLI_LLM_OPT_CTX, "N", "Kontextlänge in Tokens (Standard: min(Modell, 4096))"}, \
  {"chat-template", CLI_LLM_OPT_TEMPLATE, "NAME", "Chat-Vorlage statt der des Modells: chatml, llama3, mistral"}, \
  {"backend", CLI_LLM_OPT_BACKEND, "NAME", "builtin (Standard) oder openai (OpenAI-kompatibler Server)"}, \
  {"base-url", CLI_LLM_OPT_URL, "URL", "Adresse des Servers für --backend openai, z. B. http://host:8080/v1"}, \
  {"api-key", CLI_LLM_OPT_KEY, "KEY", "API-Schlüssel für --backend openai (sonst $LOTSE_API_KEY)"}, \
  {"model-name", CLI_LLM_OPT_NAME, "NAME", "Modellname für --backend openai (Standard: das erste des Servers)"}, \
  {"timeout", CLI_LLM_OPT_TIMEOUT, "SEK", "Zeitlimit je Anfrage für --backend openai (Standard 120)"}

typedef struct cli_llm {
  llm_config_t cfg;
} cli_llm_t;

/* 0 handled, 1 not one of ours, else a CLI exit code. */
int cli_llm_opt(cli_llm_t *l, const cli_cmd_t *cmd, int c, const char *val);
int cli_llm_open(cli_llm_t *l, llm_backend_t **b, lotse_err_t *err);
/* The backend of a command that can also run without a model: -m or
 * --backend, else llm.model from lotse.conf; 0 with *b NULL when neither
 * names one. */
int cli_llm_open_conf(cli_llm_t *l, const lotse_conf_t *conf,
                      llm_backend_t **b, lotse_err_t *err);
int cli_llm_fail(lotse_err_t *err);
void cli_llm_print_stats(const llm_result_t *res);
/* arg, or all of stdin for "-"; *out is allocated. */
int cli_llm_read_text(const char *arg, char **out);

int cli_parse_int(const cli_cmd_t *cmd, const char *name, const char *val,
                  int lo, int hi, int *out);
int cli_parse_float(const cli_cmd_t *cmd, const char *name, const char *val,
                    float lo, float hi, float *out);
int cli_parse_u64(const cli_cmd_t *cmd, const char *name, const char *val,
                  uint64_t *out);

#endif
