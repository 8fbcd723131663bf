/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cli.h — the `lotse` command line: command table, option tables from
 * which -h is generated, and the workspace every command runs in.
 */
#ifndef LOTSE_CLI_H
#define LOTSE_CLI_H

#include "base/base.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* One option of a command; the table drives parsing and the help text. */
typedef struct cli_opt {
  const char *name;  /* long name without "--" */
  int key;           /* short letter or a value >= 256 */
  const char *arg;   /* argument placeholder, NULL for a flag */
  const char *help;  /* German */
} cli_opt_t;

typedef struct cli_ctx {
  const char *workspace; /* resolved directory */
  lotse_conf_t *conf;    /* loaded by cli_workspace_open */
  store_t *st;
} cli_ctx_t;

typedef struct cli_cmd {
  const char *name;
  int (*fn)(int argc, char **argv, cli_ctx_t *ctx);
  const char *synopsis; /* "lotse search [options] QUERY" */
  const char *summary;  /* one line, German */
  const cli_opt_t *opts;
  int in_order; /* options only before operands (queries may start with -) */
} cli_cmd_t;

/* cli/cli.c */
const cli_cmd_t *cli_cmd_find(const char *name);
const cli_cmd_t *cli_cmds(size_t *n);
void cli_usage(const cli_cmd_t *cmd, FILE *out);
/* getopt_long over the command's table; returns the key, -1 at the end,
 * '?' on a bad option (message already printed). */
int cli_getopt(int argc, char **argv, const cli_cmd_t *cmd, char **optval);
/* Append the comma-separated, trimmed, non-empty items of list to sv. */
int cli_split_list(lotse_strv_t *sv, const char *list);
int cli_fail(lotse_err_t *err);          /* prints "lotse: msg", returns 1 */
int cli_usage_error(const cli_cmd_t *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* cli/workspace.c */
const char *cli_workspace_default(void);
int cli_workspace_open(cli_ctx_t *ctx, lotse_err_t *err);
void cli_workspace_close(cli_ctx_t *ctx);
/* The principal for --user NAME (anonymous when name is NULL). */
int cli_principal(cli_ctx_t *ctx, const char *user, store_principal_t *p,
                  lotse_err_t *err);

/* Commands (cli/cmd_<name>.c). */
int cmd_logwatch(int argc, char **argv, cli_ctx_t *ctx);
/* Subcommands of `lotse logwatch` (cli/cmd_logwatch_<sub>.c): each has its
 * own option table; def->name is "logwatch <sub>" for messages. */
extern const cli_cmd_t cmd_logwatch_ingest_def;
extern const cli_cmd_t cmd_logwatch_parse_def;
extern const cli_cmd_t cmd_logwatch_sigma_def;
extern const cli_cmd_t cmd_logwatch_alerts_def;
int cmd_easy(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_cmd_t cmd_easy_check_def; /* cli/cmd_easy_check.c */
extern const cli_cmd_t cmd_easy_qr_def;    /* cli/cmd_easy_qr.c */
extern const cli_cmd_t cmd_easy_simplify_def; /* cli/cmd_easy_simplify.c */
extern const cli_cmd_t cmd_easy_version_def;  /* cli/cmd_easy_version.c */
int cmd_write(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_write_opts[];
int cmd_minutes(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_minutes_opts[];
int cmd_init(int argc, char **argv, cli_ctx_t *ctx);
int cmd_ingest(int argc, char **argv, cli_ctx_t *ctx);
int cmd_search(int argc, char **argv, cli_ctx_t *ctx);
int cmd_ask(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_ask_opts[];
int cmd_doc(int argc, char **argv, cli_ctx_t *ctx);
int cmd_stats(int argc, char **argv, cli_ctx_t *ctx);
int cmd_serve(int argc, char **argv, cli_ctx_t *ctx);
int cmd_user(int argc, char **argv, cli_ctx_t *ctx);
int cmd_check(int argc, char **argv, cli_ctx_t *ctx);
int cmd_analyze(int argc, char **argv, cli_ctx_t *ctx);
int cmd_screen(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_screen_opts[];
int cmd_tokenize(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_tokenize_opts[];
int cmd_model(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_model_opts[];
int cmd_trace(int argc, char **argv, cli_ctx_t *ctx);
int cmd_bench_model(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_trace_opts[], cmd_bench_model_opts[];
int cmd_generate(int argc, char **argv, cli_ctx_t *ctx);
int cmd_embed(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_generate_opts[], cmd_embed_opts[];
int cmd_app(int argc, char **argv, cli_ctx_t *ctx);
int cmd_training(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_app_opts[], cmd_training_opts[];
int cmd_draft(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_draft_opts[];
int cmd_audit(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_audit_opts[];
int cmd_pii(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_pii_opts[];
int cmd_portfolio(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_portfolio_opts[];
int cmd_kpi(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_kpi_opts[];
int cmd_register(int argc, char **argv, cli_ctx_t *ctx);
extern const cli_opt_t cmd_register_opts[];

extern const cli_opt_t cmd_init_opts[], cmd_ingest_opts[], cmd_search_opts[],
    cmd_doc_opts[], cmd_stats_opts[], cmd_serve_opts[], cmd_user_opts[],
    cmd_check_opts[], cmd_analyze_opts[];

#endif
