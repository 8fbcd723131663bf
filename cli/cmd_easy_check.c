/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_check.c — `lotse easy check [--json] [--max-words N]
 * [--max-letters N] DATEI|-`: the Leichte-Sprache rule check and the
 * readability scores of text/easy.h, as a German list or as JSON lines
 * (one object per finding, then one object with the scores). Findings do
 * not change the exit code: 0 when the text was checked.
 */
#include "cli/cli.h"
#include "text/easy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256, OPT_MAX_WORDS, OPT_MAX_LETTERS };

#define EASY_INPUT_MAX ((size_t)16 << 20)

static const cli_opt_t opts[] = {
    {"json", OPT_JSON, NULL,
     "je Fund ein JSON-Objekt pro Zeile, zuletzt die Lesbarkeitswerte"},
    {"max-words", OPT_MAX_WORDS, "N",
     "höchstens N Wörter je Satz (Standard 12)"},
    {"max-letters", OPT_MAX_LETTERS, "N",
     "Wörter mit mehr als N Buchstaben melden (Standard 12)"},
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_easy_check_def = {
    "easy check", run,
    "lotse easy check [--json] [--max-words N] [--max-letters N] DATEI|-",
    "Text auf Regeln der Leichten Sprache prüfen, Lesbarkeit messen", opts,
    0};

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void print_json(const text_easy_result_t *r) {
  for (size_t k = 0; k < r->n; k++) {
    const text_easy_finding_t *f = &r->f[k];
    printf("{\"rule\":\"%s\",\"start\":%zu,\"end\":%zu,\"sentence\":%zu,"
           "\"message\":",
           text_easy_rule_id(f->rule), f->start, f->end, f->sentence + 1);
    json_str(text_easy_rule_message(f->rule));
    printf(",\"suggestion\":");
    json_str(f->hint);
    printf("}\n");
  }
  const text_readability_t *s = &r->scores;
  printf("{\"scores\":{\"sentences\":%zu,\"words\":%zu,\"syllables\":%zu,"
         "\"fre_amstad\":%.2f,\"wstf1\":%.2f,\"wstf2\":%.2f,\"wstf3\":%.2f,"
         "\"wstf4\":%.2f,\"lix\":%.2f,\"sentences_short\":%zu,"
         "\"sentences_clean\":%zu,\"findings\":%zu}}\n",
         s->sentences, s->words, s->syllables, s->fre, s->wstf[0],
         s->wstf[1], s->wstf[2], s->wstf[3], s->lix, r->sentences_short,
         r->sentences_clean, r->n);
}

static void print_list(const char *text, const text_easy_result_t *r) {
  for (size_t k = 0; k < r->n; k++) {
    const text_easy_finding_t *f = &r->f[k];
    size_t len = f->end - f->start;
    printf("Satz %zu, Byte %zu–%zu: %s\n  „%.*s%s“", f->sentence + 1,
           f->start, f->end, text_easy_rule_message(f->rule),
           (int)(len > 60 ? 60 : len), text + f->start,
           len > 60 ? " …" : "");
    if (f->hint[0]) printf(" → %s", f->hint);
    putchar('\n');
  }
  const text_readability_t *s = &r->scores;
  printf("%zu Hinweis%s. %zu von %zu Sätzen kurz genug, %zu ohne Hinweis.\n",
         r->n, r->n == 1 ? "" : "e", r->sentences_short, r->sentences,
         r->sentences_clean);
  printf("Lesbarkeit: Flesch (Amstad) %.1f, Wiener Sachtextformel %.1f, "
         "LIX %.1f (%zu Wörter, %zu Silben)\n",
         s->fre, s->wstf[0], s->lix, s->words, s->syllables);
}

static int parse_n(const cli_cmd_t *cmd, const char *v, int *out) {
  char *e;
  long n = strtol(v, &e, 10);
  if (*e || n < 1 || n > 1000)
    return cli_usage_error(cmd, "Zahl von 1 bis 1000 erwartet");
  *out = (int)n;
  return 0;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = &cmd_easy_check_def;
  int json = 0, c, rc;
  text_easy_opts_t o = {0, 0};
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_MAX_WORDS:
      if ((rc = parse_n(cmd, val, &o.max_words))) return rc;
      break;
    case OPT_MAX_LETTERS:
      if ((rc = parse_n(cmd, val, &o.long_letters))) return rc;
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
  lotse_err_t err = {0};
  const text_hyphen_t *h = text_hyphen_get(&err);
  if (!h) return cli_fail(&err);
  char *text = NULL;
  size_t len = 0;
  const char *path = argv[optind];
  if (strcmp(path, "-") ? lotse_file_read(path, EASY_INPUT_MAX, &text, &len,
                                          &err)
                        : lotse_stream_read(stdin, EASY_INPUT_MAX, &text,
                                            &len, &err))
    return cli_fail(&err);
  text_easy_result_t r;
  rc = text_easy_check(text, len, h, &o, &r, &err);
  if (!rc) {
    if (json)
      print_json(&r);
    else
      print_list(text, &r);
    text_easy_result_release(&r);
  }
  free(text);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
