/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy.c — `lotse easy SUB`: Leichte Sprache (strategy project 14):
 * the deterministic rule check and readability scores (text/easy*.c,
 * text/readability.c) and the QR code that links an easy version to its
 * binding Bescheid (apps/easy_qr.c). Each subcommand lives in
 * cli/cmd_easy_<sub>.c with its own option table and help page
 * (docs/cli/easy-<sub>.md), so `lotse easy check -h` lists only its options.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const cli_cmd_t *const subs[] = {
    &cmd_easy_check_def, &cmd_easy_simplify_def, &cmd_easy_version_def,
    &cmd_easy_qr_def};
#define NSUBS (sizeof subs / sizeof subs[0])

static void overview(FILE *out) {
  const cli_cmd_t *self = cli_cmd_find("easy");
  cli_usage(self, out);
  fprintf(out, "\nUnterbefehle:\n");
  for (size_t i = 0; i < NSUBS; i++)
    fprintf(out, "  %-28s %s\n", subs[i]->name + strlen("easy "),
            subs[i]->summary);
  fprintf(out, "\nHilfe zu einem Unterbefehl: lotse easy UNTERBEFEHL -h\n");
}

int cmd_easy(int argc, char **argv, cli_ctx_t *ctx) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    overview(argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
  }
  for (size_t i = 0; i < NSUBS; i++) {
    if (strcmp(argv[1], subs[i]->name + strlen("easy ")) != 0) continue;
    optind = 1;
    return subs[i]->fn(argc - 1, argv + 1, ctx);
  }
  fprintf(stderr,
          "lotse easy: unbekannter Unterbefehl '%s' (Übersicht: lotse "
          "easy -h)\n", argv[1]);
  return CLI_EXIT_USAGE;
}
