/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_write.c — `lotse write check [--json] [--max-words N] DATEI|-`:
 * the writing assistant's style check for administrative German
 * (text/style.h) on a text file or stdin. With --json one object per
 * finding and line (rule, start, end, message, suggestion); without, a
 * German list with line numbers. Exit 0 also when something was found.
 */
#include "cli/cli.h"
#include "text/style.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256, OPT_MAX_WORDS };

#define WRITE_INPUT_MAX ((size_t)4 << 20)

const cli_opt_t cmd_write_opts[] = {
    {"json", OPT_JSON, NULL, "je Hinweis ein JSON-Objekt pro Zeile"},
    {"max-words", OPT_MAX_WORDS, "N",
     "Sätze mit mehr als N Wörtern melden (Standard 25)"},
    {0, 0, 0, 0}};

static int read_input(const char *path, char **data, size_t *len,
                      lotse_err_t *err) {
  if (strcmp(path, "-") != 0)
    return lotse_file_read(path, WRITE_INPUT_MAX, data, len, err);
  return lotse_stream_read(stdin, WRITE_INPUT_MAX, data, len, err);
}

static size_t line_of(const char *t, size_t off) {
  size_t line = 1;
  for (size_t i = 0; i < off; i++) line += t[i] == '\n';
  return line;
}

static int print_json(const text_style_list_t *l) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = 0;
  for (size_t k = 0; k < l->n && !rc; k++) {
    lotse_buf_reset(&b);
    rc = text_style_finding_json(&l->v[k], &b);
    if (!rc) printf("%.*s\n", (int)b.len, b.data);
  }
  lotse_buf_release(&b);
  return rc;
}

static void print_list(const char *text, const text_style_list_t *l) {
  if (l->n == 0) {
    printf("Keine Hinweise.\n");
    return;
  }
  size_t line = 1, at = 0;
  for (size_t k = 0; k < l->n; k++) {
    const text_style_finding_t *f = &l->v[k];
    line += line_of(text + at, f->start - at) - 1; /* findings are sorted */
    at = f->start;
    printf("Zeile %zu (Byte %zu–%zu): %s\n  Vorschlag: %s\n", line, f->start,
           f->end, f->message, f->suggestion);
  }
  printf("%zu Hinweis%s%s\n", l->n, l->n == 1 ? "" : "e",
         l->truncated ? " (weitere nicht aufgeführt)" : "");
}

static int parse_max_words(const cli_cmd_t *cmd, const char *v, unsigned *out) {
  char *end;
  long x = strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || x < 1 || x > 1000)
    return cli_usage_error(cmd, "--max-words erwartet eine Zahl von 1 bis 1000");
  *out = (unsigned)x;
  return 0;
}

int cmd_write(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("write");
  int json = 0, c;
  text_style_opts_t opts = {0};
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_MAX_WORDS:
      if (parse_max_words(cmd, val, &opts.max_words)) return CLI_EXIT_USAGE;
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind >= argc || strcmp(argv[optind], "check") != 0)
    return cli_usage_error(cmd, "Unterbefehl 'check' erwartet");
  if (argc - optind != 2)
    return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
  lotse_err_t err = {0};
  char *text = NULL;
  size_t len = 0;
  if (read_input(argv[optind + 1], &text, &len, &err)) return cli_fail(&err);
  text_style_list_t l = {0};
  int rc = text_style_check(text, len, &opts, &l, &err);
  if (!rc && json) rc = print_json(&l);
  else if (!rc) print_list(text, &l);
  if (rc && !err.msg[0]) lotse_err_set(&err, rc, "out of memory");
  text_style_list_release(&l);
  free(text);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
