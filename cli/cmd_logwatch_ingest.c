/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_ingest.c — `lotse logwatch ingest`: read log files,
 * stdin, journald exports or syslog over UDP/TCP into the workspace's
 * logwatch.db (analytics/logwatch/ingest.h), learning templates per source
 * and feeding the anomaly detector (alerts.h).
 *
 * Every argument is checked before logwatch.db is opened, so a bad call
 * stores nothing. Options win over the [logwatch] section of lotse.conf.
 */
#include "analytics/logwatch/alerts.h"
#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/format.h"
#include "analytics/logwatch/ingest.h"
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_INPUT = 256, OPT_FORMAT, OPT_SOURCE, OPT_LISTEN, OPT_BIND,
       OPT_MAX_EVENTS, OPT_MASK, OPT_ST, OPT_DEPTH, OPT_MESSAGE_FIELD,
       OPT_KEEP, OPT_JSON, OPT_NO_ALERTS };

static const cli_opt_t opts[] = {
    {"input", OPT_INPUT, "ART",
     "Eingabeart: auto, lines, syslog, jsonl, journald (Standard: auto)"},
    {"format", OPT_FORMAT, "MUSTER",
     "Kopfzeilenmuster für Textzeilen, z. B. \"<Date> <Time> <Level>: "
     "<Content>\""},
    {"source", OPT_SOURCE, "NAME", "Name der Quelle (Standard: Dateipfad)"},
    {"listen", OPT_LISTEN, "udp:PORT|tcp:PORT",
     "Syslog empfangen (mehrfach möglich)"},
    {"bind", OPT_BIND, "ADRESSE",
     "Adresse der Empfänger (Standard: 127.0.0.1)"},
    {"max-events", OPT_MAX_EVENTS, "N",
     "nach N Datensätzen (Ereignisse und fehlerhafte Zeilen) enden"},
    {"mask", OPT_MASK, "REGEX",
     "variable Teile vor der Mustererkennung maskieren (mehrfach möglich)"},
    {"st", OPT_ST, "X", "Ähnlichkeitsschwelle 0 < X <= 1 (Standard: 0.4)"},
    {"depth", OPT_DEPTH, "N", "Tiefe des Musterbaums (Standard: 4)"},
    {"message-field", OPT_MESSAGE_FIELD, "FELD",
     "JSON-Feld mit dem Meldungstext (Standard: message, msg, …)"},
    {"keep-malformed", OPT_KEEP, "N",
     "fehlerhafte Zeilen je Quelle aufbewahren (Standard: 1000)"},
    {"json", OPT_JSON, NULL, "Zusammenfassung als JSON ausgeben"},
    {"no-alerts", OPT_NO_ALERTS, NULL, "keine Auffälligkeiten erkennen"},
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_logwatch_ingest_def = {
    "logwatch ingest", run,
    "lotse logwatch ingest [OPTIONEN] [DATEI|-]...",
    "Protokolle aus Dateien, stdin, Journal oder Syslog (UDP/TCP) einlesen",
    opts, 0};

#define CMD (&cmd_logwatch_ingest_def)
#define MAX_MASKS 32

typedef struct args {
  const char *input, *format, *source, *bind, *message_field;
  const char *listen[16];
  size_t n_listen;
  const char *masks[MAX_MASKS];
  size_t n_masks;
  double st;
  long depth, keep;
  unsigned long long max_events;
  int json, no_alerts;
} args_t;

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig, stop_flag = 1; }

static int num_opt(const char *val, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(val, &end);
  if (errno || end == val || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static int parse_opt(args_t *a, int c, char *val) {
  double d;
  switch (c) {
  case OPT_INPUT: a->input = val; return 0;
  case OPT_FORMAT: a->format = val; return 0;
  case OPT_SOURCE: a->source = val; return 0;
  case OPT_BIND: a->bind = val; return 0;
  case OPT_MESSAGE_FIELD: a->message_field = val; return 0;
  case OPT_JSON: a->json = 1; return 0;
  case OPT_NO_ALERTS: a->no_alerts = 1; return 0;
  case OPT_LISTEN:
    if (a->n_listen == 16)
      return cli_usage_error(CMD, "höchstens 16 --listen angeben");
    a->listen[a->n_listen++] = val;
    return 0;
  case OPT_MASK:
    if (a->n_masks == MAX_MASKS)
      return cli_usage_error(CMD, "höchstens %d --mask angeben", MAX_MASKS);
    a->masks[a->n_masks++] = val;
    return 0;
  case OPT_ST:
    if (num_opt(val, 1e-9, 1.0, &a->st))
      return cli_usage_error(CMD, "--st braucht eine Zahl über 0 bis 1");
    return 0;
  case OPT_DEPTH:
    if (num_opt(val, 3, 64, &d) || d != (long)d)
      return cli_usage_error(CMD, "--depth braucht eine ganze Zahl von 3 bis 64");
    a->depth = (long)d;
    return 0;
  case OPT_KEEP:
    if (num_opt(val, 1, 1e6, &d) || d != (long)d)
      return cli_usage_error(CMD, "--keep-malformed braucht eine ganze Zahl "
                                  "von 1 bis 1000000");
    a->keep = (long)d;
    return 0;
  case OPT_MAX_EVENTS:
    if (num_opt(val, 1, 1e15, &d) || d != (unsigned long long)d)
      return cli_usage_error(CMD, "--max-events braucht eine ganze Zahl >= 1");
    a->max_events = (unsigned long long)d;
    return 0;
  default: return CLI_EXIT_USAGE;
  }
}

/* Fill unset arguments from the [logwatch] section of lotse.conf. */
static int from_conf(args_t *a, const lotse_conf_t *c, lotse_strv_t *keep) {
  if (!a->input) a->input = lotse_conf_get(c, "logwatch.input", NULL);
  if (!a->format) a->format = lotse_conf_get(c, "logwatch.format", NULL);
  if (!a->bind) a->bind = lotse_conf_get(c, "logwatch.bind", NULL);
  if (!a->message_field)
    a->message_field = lotse_conf_get(c, "logwatch.message_field", NULL);
  const char *v;
  if (!a->st && (v = lotse_conf_get(c, "logwatch.st", NULL)) &&
      num_opt(v, 1e-9, 1.0, &a->st))
    return cli_usage_error(CMD, "lotse.conf: logwatch.st muss über 0 und "
                                "höchstens 1 sein");
  if (!a->depth) a->depth = (long)lotse_conf_get_int(c, "logwatch.depth", 0);
  if (!a->keep) a->keep = (long)lotse_conf_get_int(c, "logwatch.keep_malformed", 0);
  if (!a->n_masks)
    for (int i = 1; i <= MAX_MASKS; i++) {
      char key[32];
      snprintf(key, sizeof key, "logwatch.mask.%d", i);
      if ((v = lotse_conf_get(c, key, NULL))) a->masks[a->n_masks++] = v;
    }
  if (!a->n_listen && (v = lotse_conf_get(c, "logwatch.listen", NULL))) {
    if (cli_split_list(keep, v)) return CLI_EXIT_FAIL;
    for (size_t i = 0; i < keep->n && a->n_listen < 16; i++)
      a->listen[a->n_listen++] = keep->v[i];
  }
  return 0;
}

/* Per-source keys: logwatch.source.<NAME>.input / .format, NAME = the
 * source name, the file's base name or the listen string. */
static const char *per_source(const lotse_conf_t *c, const char *name,
                              const char *what, const char *def) {
  char key[512];
  snprintf(key, sizeof key, "logwatch.source.%s.%s", name, what);
  return lotse_conf_get(c, key, def);
}

static int make_spec(const args_t *a, const lotse_conf_t *c, const char *path,
                     const char *listen, lw_source_spec *sp) {
  const char *key = a->source ? a->source
                              : listen ? listen
                              : strcmp(path, "-") ? lotse_path_base(path)
                                                  : "stdin";
  const char *input = a->input ? a->input : per_source(c, key, "input", "auto");
  /* options win; the source's own keys win over the section defaults */
  if (!a->input && per_source(c, key, "input", NULL))
    input = per_source(c, key, "input", NULL);
  *sp = (lw_source_spec){.path = path, .listen = listen, .name = a->source,
                         .input = lw_input_parse(input),
                         .format = per_source(c, key, "format", a->format)};
  if (sp->input < 0)
    return cli_usage_error(CMD, "unbekannte Eingabeart '%s' (auto, lines, "
                                "syslog, jsonl, journald)", input);
  if (path && strcmp(path, "-") && access(path, R_OK))
    return cli_usage_error(CMD, "Datei '%s' lässt sich nicht lesen: %s", path,
                           strerror(errno));
  if (sp->format) {
    lw_format *f;
    lotse_err_t err = {0};
    if (lw_format_compile(sp->format, &f, &err))
      return cli_usage_error(CMD, "ungültiges Kopfzeilenmuster '%s': %s",
                             sp->format, err.msg);
    lw_format_free(f);
  }
  if (listen) {
    int proto, port;
    lotse_err_t err = {0};
    if (lw_listen_parse(listen, &proto, &port, &err))
      return cli_usage_error(CMD, "%s", err.msg);
  }
  return 0;
}

static void on_listening(void *ud, const char *listen, int port) {
  const char *bind = ud;
  fprintf(stderr, "lotse logwatch ingest: empfange %s auf %s Port %d\n",
          listen, bind, port);
  fflush(stderr);
}

typedef struct chain {
  lw_alert_sink *sink;
  const char *bind;
} chain_t;

static void chain_listening(void *ud, const char *listen, int port) {
  on_listening((void *)((chain_t *)ud)->bind, listen, port);
}
static void chain_event(void *ud, const lw_event *ev, uint32_t tid,
                        const char *tt, int is_new) {
  chain_t *c = ud;
  if (c->sink) lw_alert_sink_on_event(c->sink, ev, tid, tt, is_new);
}
static int chain_commit(void *ud, lw_store *st, lotse_err_t *err) {
  chain_t *c = ud;
  return c->sink ? lw_alert_sink_commit(c->sink, st, err) : 0;
}

static void print_summary(const args_t *a, const lw_ingest_stats *s,
                          size_t n_src, uint64_t alerts) {
  if (a->json) {
    printf("{\"sources\":%zu,\"lines\":%llu,\"events\":%llu,\"malformed\":%llu,"
           "\"new_templates\":%llu,\"templates\":%llu,\"alerts\":%llu}\n",
           n_src, (unsigned long long)s->lines, (unsigned long long)s->events,
           (unsigned long long)s->malformed,
           (unsigned long long)s->new_templates,
           (unsigned long long)s->templates, (unsigned long long)alerts);
    return;
  }
  printf("%zu %s, %llu Zeilen: %llu Ereignisse, %llu fehlerhaft; %llu neue "
         "Muster (%llu insgesamt), %llu Auffälligkeiten\n",
         n_src, n_src == 1 ? "Quelle" : "Quellen",
         (unsigned long long)s->lines, (unsigned long long)s->events,
         (unsigned long long)s->malformed,
         (unsigned long long)s->new_templates,
         (unsigned long long)s->templates, (unsigned long long)alerts);
}

static int ingest(cli_ctx_t *ctx, const args_t *a, const lw_source_spec *specs,
                  size_t n) {
  lotse_err_t err = {0};
  lw_drain_opts d = {.depth = (int)a->depth, .st = a->st, .masks = a->masks,
                     .n_masks = a->n_masks};
  lw_drain *probe = lw_drain_new(&d, &err); /* bad --mask before any write */
  if (!probe) return cli_usage_error(CMD, "%s", err.msg);
  lw_drain_free(probe);
  chain_t ch = {.bind = a->bind ? a->bind : "127.0.0.1"};
  lw_anomaly_opts ao; /* detector settings: lotse.conf [logwatch] anomaly_* */
  lw_anomaly_opts_default(&ao);
  if (!a->no_alerts && lw_anomaly_opts_conf(ctx->conf, &ao, &err))
    return cli_fail(&err);
  if (!a->no_alerts && !(ch.sink = lw_alert_sink_new(&ao, a->n_listen == 0,
                                                      &err)))
    return cli_fail(&err);
  lw_ingest_opts o = {.drain = &d, .bind_addr = a->bind,
                      .max_events = a->max_events,
                      .malformed_keep = (size_t)a->keep,
                      .message_field = a->message_field, .stop = &stop_flag,
                      .on_event = chain_event, .on_commit = chain_commit,
                      .ud = &ch, .on_listening = chain_listening};
  struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  lw_store *st = NULL;
  lw_ingest_stats stats;
  int rc = lw_store_open_workspace(ctx->workspace, &st, &err);
  if (!rc) rc = lw_ingest_run(st, specs, n, &o, &stats, &err);
  /* a stopped listener's open alerts become final */
  if (!rc && ch.sink) rc = lw_alert_sink_finish(ch.sink, st, &err);
  lw_store_close(st);
  uint64_t alerts = lw_alert_sink_written(ch.sink);
  lw_alert_sink_free(ch.sink);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (rc) return cli_fail(&err);
  print_summary(a, &stats, n, alerts);
  return CLI_EXIT_OK;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  args_t a = {0};
  int c;
  char *val;
  while ((c = cli_getopt(argc, argv, CMD, &val)) != -1) {
    if (c == 'h') {
      cli_usage(CMD, stdout);
      return CLI_EXIT_OK;
    }
    int rc = parse_opt(&a, c, val);
    if (rc) return rc;
  }
  size_t n_files = (size_t)(argc - optind);
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  lotse_strv_t keep = {0};
  int rc = from_conf(&a, ctx->conf, &keep);
  lw_source_spec specs[64];
  size_t n = 0;
  if (!rc && n_files + a.n_listen == 0)
    rc = cli_usage_error(CMD, "Datei, - (stdin) oder --listen angeben");
  if (!rc && n_files + a.n_listen > 64)
    rc = cli_usage_error(CMD, "höchstens 64 Quellen auf einmal");
  if (!rc && a.source && a.n_listen + n_files > 1 && a.n_listen)
    rc = cli_usage_error(CMD, "--source gilt nur ohne --listen für mehrere "
                              "Quellen");
  for (size_t i = 0; !rc && i < n_files; i++)
    rc = make_spec(&a, ctx->conf, argv[optind + (int)i], NULL, &specs[n++]);
  for (size_t i = 0; !rc && i < a.n_listen; i++)
    rc = make_spec(&a, ctx->conf, NULL, a.listen[i], &specs[n++]);
  if (!rc) rc = ingest(ctx, &a, specs, n);
  lotse_strv_release(&keep);
  return rc;
}
