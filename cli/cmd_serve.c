/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_serve.c — `lotse serve [--port N] [--bind ADDR] [--dev-tokens]
 * [--model FILE [--threads N] [--ctx N]]`: run the HTTP interface until
 * SIGINT or SIGTERM; with a model also the OpenAI-compatible /v1 API.
 */
#include "cli/cli.h"
#include "server/server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_PORT = 256, OPT_BIND, OPT_DEV, OPT_MODEL, OPT_THREADS, OPT_CTX };

const cli_opt_t cmd_serve_opts[] = {
    {"port", OPT_PORT, "N", "Port (Standard aus lotse.conf, sonst 8080; 0 = frei wählen)"},
    {"bind", OPT_BIND, "ADRESSE", "Adresse (Standard 127.0.0.1)"},
    {"dev-tokens", OPT_DEV, NULL,
     "NUR ENTWICKLUNG: 'Authorization: Bearer dev:NAME' benennt den Aufrufer"},
    {"model", OPT_MODEL, "DATEI",
     "Sprachmodell (GGUF) für /v1/… (Standard llm.model aus lotse.conf)"},
    {"threads", OPT_THREADS, "N",
     "Rechen-Threads des Sprachmodells (Standard: alle CPUs)"},
    {"ctx", OPT_CTX, "N",
     "Kontextlänge in Token (Standard: die des Modells, höchstens 4096)"},
    {0, 0, 0, 0}};

/* A decimal number in [lo, hi]; -1 when v is not one. */
static long parse_num(const char *v, long lo, long hi) {
  char *end;
  long n = strtol(v, &end, 10);
  return (!*v || *end || n < lo || n > hi) ? -1 : n;
}

/* Open the model named by --model or llm.model, if any. */
static int open_model(cli_ctx_t *ctx, const char *path, long threads,
                      long n_ctx, llm_backend_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!path) path = lotse_conf_get(ctx->conf, "llm.model", NULL);
  if (!path || !*path) return 0;
  llm_config_t cfg = {0};
  cfg.backend = "builtin";
  cfg.model_path = path;
  cfg.n_threads = threads >= 0 ? (int)threads
                               : (int)lotse_conf_get_int(ctx->conf,
                                                         "llm.threads", 0);
  cfg.n_ctx = n_ctx >= 0 ? (int)n_ctx
                         : (int)lotse_conf_get_int(ctx->conf, "llm.ctx", 0);
  int rc = llm_open(&cfg, out, err);
  if (!rc)
    fprintf(stderr, "lotse: Sprachmodell %s geladen\n", llm_model_id(*out));
  return rc;
}

static int wait_for_signal(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

int cmd_serve(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("serve");
  long port = -1, threads = -1, n_ctx = -1;
  const char *model = NULL;
  const char *bind = NULL;
  int dev = -1, c;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_PORT:
      port = strtol(val, &end, 10);
      if (*end || port < 0 || port > 65535)
        return cli_usage_error(cmd, "ungültiger Port '%s'", val);
      break;
    case OPT_BIND: bind = val; break;
    case OPT_DEV: dev = 1; break;
    case OPT_MODEL: model = val; break;
    case OPT_THREADS:
      if ((threads = parse_num(val, 0, 1024)) < 0)
        return cli_usage_error(cmd, "ungültige Thread-Zahl '%s'", val);
      break;
    case OPT_CTX:
      if ((n_ctx = parse_num(val, 0, 1L << 20)) < 0)
        return cli_usage_error(cmd, "ungültige Kontextlänge '%s'", val);
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  char db[4096];
  snprintf(db, sizeof db, "%s/lotse.db", ctx->workspace);
  server_opts_t o;
  server_opts_default(&o);
  o.db_path = db;
  o.bind = bind ? bind : lotse_conf_get(ctx->conf, "server.bind", o.bind);
  o.port = port >= 0 ? (int)port
                     : (int)lotse_conf_get_int(ctx->conf, "server.port", o.port);
  o.dev_tokens = dev > 0 ? 1 : lotse_conf_get_bool(ctx->conf, "server.dev_tokens", 0);
  o.conf = ctx->conf;
  o.max_request_bytes = (size_t)lotse_conf_get_int(
      ctx->conf, "server.max_request_kb", (long long)(o.max_request_bytes >> 10)) << 10;
  /* Block the signals before threads start so only sigwait sees them. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  llm_backend_t *llm;
  if (open_model(ctx, model, threads, n_ctx, &llm, &err)) return cli_fail(&err);
  o.llm = llm;
  server_t *srv;
  if (server_start(&o, &srv, &err)) {
    if (llm) llm_close(llm);
    return cli_fail(&err);
  }
  printf("lotse hört auf http://%s:%d/\n", o.bind, server_port(srv));
  if (o.dev_tokens)
    fprintf(stderr, "lotse: WARNUNG: Entwicklungs-Token sind eingeschaltet – "
                    "nicht für den Betrieb\n");
  fflush(stdout);
  wait_for_signal();
  server_stop(srv);
  if (llm) llm_close(llm);
  printf("lotse beendet\n");
  return CLI_EXIT_OK;
}
