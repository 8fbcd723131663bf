/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/main.c — `lotse COMMAND [OPTIONS]`: global options, dispatch.
 *
 * --workspace DIR is accepted anywhere before "--" and applies to every
 * command; without it, $LOTSE_HOME, else ./lotse-data.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOTSE_VERSION
#define LOTSE_VERSION "0.0.0"
#endif

static void usage(FILE *out) {
  size_t n;
  const cli_cmd_t *c = cli_cmds(&n);
  fprintf(out,
          "lotse %s — souveräne KI-Plattform für die Kreisverwaltung\n\n"
          "Aufruf: lotse [--workspace DIR] BEFEHL [OPTIONEN]\n\nBefehle:\n",
          LOTSE_VERSION);
  for (size_t i = 0; i < n; i++)
    fprintf(out, "  %-8s %s\n", c[i].name, c[i].summary);
  fprintf(out, "\nHilfe zu einem Befehl: lotse BEFEHL -h\n");
}

/* Remove --workspace DIR / --workspace=DIR from argv; returns the value or
 * NULL, and -1 in *bad when the value is missing. */
static const char *take_workspace(int *argc, char **argv, int *bad) {
  const char *ws = NULL;
  int w = 0;
  for (int i = 0; i < *argc; i++) {
    if (!strcmp(argv[i], "--")) {
      while (i < *argc) argv[w++] = argv[i++];
      break;
    }
    if (!strcmp(argv[i], "--workspace")) {
      if (i + 1 >= *argc) {
        *bad = 1;
        return NULL;
      }
      ws = argv[++i];
      continue;
    }
    if (!strncmp(argv[i], "--workspace=", 12)) {
      ws = argv[i] + 12;
      continue;
    }
    argv[w++] = argv[i];
  }
  *argc = w;
  argv[w] = NULL;
  return ws;
}

int main(int argc, char **argv) {
  int bad = 0;
  const char *ws = take_workspace(&argc, argv, &bad);
  if (bad) {
    fprintf(stderr, "lotse: --workspace braucht ein Verzeichnis\n");
    return CLI_EXIT_USAGE;
  }
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
    printf("lotse %s\n", LOTSE_VERSION);
    return CLI_EXIT_OK;
  }
  const cli_cmd_t *cmd = cli_cmd_find(argv[1]);
  if (!cmd) {
    fprintf(stderr, "lotse: unbekannter Befehl '%s' (Übersicht: lotse -h)\n",
            argv[1]);
    return CLI_EXIT_USAGE;
  }
  cli_ctx_t ctx = {.workspace = ws ? ws : cli_workspace_default()};
  optind = 1;
  int rc = cmd->fn(argc - 1, argv + 1, &ctx);
  cli_workspace_close(&ctx);
  return rc;
}
