/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_generate.c — `lotse generate`: text from a language model, with
 * the built-in engine or any OpenAI-compatible server. Only the generated
 * text goes to stdout (streamed as it is produced); everything else goes
 * to stderr, so the output can be piped.
 */
#include "cli/cli_llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_CHAT = 256, OPT_SYSTEM, OPT_SCHEMA, OPT_SEED, OPT_TEMP, OPT_TOP_K,
  OPT_TOP_P, OPT_MIN_P, OPT_REPEAT, OPT_MAX, OPT_STOP, OPT_STATS
};

const cli_opt_t cmd_generate_opts[] = {
    CLI_LLM_OPTS,
    {"chat", OPT_CHAT, NULL, "PROMPT als Chat-Nachricht mit der Chat-Vorlage des Modells senden"},
    {"system", OPT_SYSTEM, "TEXT", "Systemnachricht (mit --chat)"},
    {"json-schema", OPT_SCHEMA, "DATEI", "Ausgabe als JSON nach diesem JSON-Schema erzwingen"},
    {"seed", OPT_SEED, "N", "Startwert des Zufallsgenerators (Standard 0)"},
    {"temp", OPT_TEMP, "T", "Temperatur; 0 = immer das wahrscheinlichste Token (Standard 0.8)"},
    {"top-k", OPT_TOP_K, "K", "nur die K wahrscheinlichsten Tokens (0 = aus, Standard 40)"},
    {"top-p", OPT_TOP_P, "P", "nur Tokens bis zur Wahrscheinlichkeitsmasse P (Standard 0.95)"},
    {"min-p", OPT_MIN_P, "P", "nur Tokens mit mindestens P mal der besten Wahrscheinlichkeit (Standard 0.05)"},
    {"repeat-penalty", OPT_REPEAT, "R", "Strafe für Wiederholungen (1 = aus, Standard 1)"},
    {"max-tokens", OPT_MAX, "N", "höchstens N Tokens erzeugen (Standard 256, 0 = bis Kontextende)"},
    {"stop", OPT_STOP, "TEXT", "bei diesem Text anhalten (mehrfach möglich)"},
    {"stats", OPT_STATS, NULL, "Token-Zahlen und Geschwindigkeit auf stderr ausgeben"},
    {0, 0, 0, 0}};

typedef struct gen_opts {
  cli_llm_t llm;
  llm_request_t req;
  lotse_strv_t stop;
  int chat, stats;
  const char *system, *schema_path;
} gen_opts_t;

static int parse_opt(gen_opts_t *o, const cli_cmd_t *cmd, int c, char *val) {
  int rc = cli_llm_opt(&o->llm, cmd, c, val);
  if (rc != 1)
    return rc;
  llm_sampling_t *s = &o->req.sampling;
  switch (c) {
  case OPT_CHAT: o->chat = 1; return 0;
  case OPT_SYSTEM: o->system = val; return 0;
  case OPT_SCHEMA: o->schema_path = val; return 0;
  case OPT_SEED: return cli_parse_u64(cmd, "--seed", val, &s->seed);
  case OPT_TEMP: return cli_parse_float(cmd, "--temp", val, 0, 100, &s->temp);
  case OPT_TOP_K: return cli_parse_int(cmd, "--top-k", val, 0, 1 << 30, &s->top_k);
  case OPT_TOP_P: return cli_parse_float(cmd, "--top-p", val, 0, 1, &s->top_p);
  case OPT_MIN_P: return cli_parse_float(cmd, "--min-p", val, 0, 1, &s->min_p);
  case OPT_REPEAT:
    return cli_parse_float(cmd, "--repeat-penalty", val, 0.01f, 100,
                           &s->repeat_penalty);
  case OPT_MAX:
    return cli_parse_int(cmd, "--max-tokens", val, 0, 1 << 30,
                         &o->req.max_tokens);
  case OPT_STOP:
    if (val[0] == '\0')
      return cli_usage_error(cmd, "--stop braucht einen nicht leeren Text");
    return lotse_strv_push(&o->stop, val) < 0 ? CLI_EXIT_FAIL : 0;
  case OPT_STATS: o->stats = 1; return 0;
  case 'h': cli_usage(cmd, stdout); return -1;
  default: return CLI_EXIT_USAGE;
  }
}

static int print_text(void *ud, const char *text, size_t len) {
  (void)ud;
  fwrite(text, 1, len, stdout);
  fflush(stdout);
  return ferror(stdout) ? 1 : 0; /* a closed pipe stops the generation */
}

static int run_generate(gen_opts_t *o, const char *prompt) {
  lotse_err_t err = {0};
  char *schema = NULL;
  size_t schema_len;
  if (o->schema_path != NULL &&
      lotse_file_read(o->schema_path, 1u << 20, &schema, &schema_len, &err) < 0)
    return cli_fail(&err);
  llm_chat_msg_t msgs[2];
  size_t n = 0;
  if (o->chat) {
    if (o->system != NULL)
      msgs[n++] = (llm_chat_msg_t){"system", o->system};
    msgs[n++] = (llm_chat_msg_t){"user", prompt};
    o->req.msgs = msgs;
    o->req.n_msgs = n;
  } else {
    o->req.prompt = prompt;
  }
  o->req.json_schema = schema;
  o->req.stop = (const char *const *)o->stop.v;
  o->req.n_stop = o->stop.n;
  o->req.on_text = print_text;
  llm_backend_t *b = NULL;
  llm_result_t res;
  int rc = cli_llm_open(&o->llm, &b, &err);
  if (rc == 0)
    rc = llm_generate(b, &o->req, &res, &err);
  if (rc == 0) {
    if (res.text[0] != '\0' && res.text[strlen(res.text) - 1] != '\n' &&
        isatty(fileno(stdout)))
      putchar('\n');
    if (o->stats)
      cli_llm_print_stats(&res);
    llm_result_release(&res);
  }
  llm_close(b);
  free(schema);
  return rc == 0 ? CLI_EXIT_OK : cli_llm_fail(&err);
}

int cmd_generate(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("generate");
  gen_opts_t o = {.req = {.sampling = llm_sampling_default(), .max_tokens = 256}};
  int c, rc = 0;
  char *val;
  while (rc == 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1)
    rc = parse_opt(&o, cmd, c, val);
  if (rc == 0 && argc - optind != 1)
    rc = cli_usage_error(cmd, "genau einen PROMPT angeben (oder - für stdin)");
  if (rc == 0 && o.system != NULL && !o.chat)
    rc = cli_usage_error(cmd, "--system geht nur mit --chat");
  char *prompt = NULL;
  if (rc == 0 && cli_llm_read_text(argv[optind], &prompt) < 0)
    rc = CLI_EXIT_FAIL;
  if (rc == 0)
    rc = run_generate(&o, prompt);
  free(prompt);
  lotse_strv_release(&o.stop);
  return rc < 0 ? CLI_EXIT_OK : rc;
}
