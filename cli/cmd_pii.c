/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_pii.c — `lotse pii scan [--json] FILE|-`: report the personal
 * data (text/pii.h) in a text file or stdin. With --json one object per
 * finding and line: type, label, start, end (byte offsets), valid (true,
 * false, or null where the type has no check), data class and the Art. 9
 * flag; the value itself is not printed. Without --json a German table
 * with a masked excerpt. Exit 0 also when something was found.
 */
#include "cli/cli.h"
#include "text/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256, OPT_ONLY_VALID };

#define PII_INPUT_MAX ((size_t)256 << 20)

const cli_opt_t cmd_pii_opts[] = {
    {"json", OPT_JSON, NULL, "je Fund ein JSON-Objekt pro Zeile"},
    {"only-valid", OPT_ONLY_VALID, NULL,
     "Nummern mit falscher Prüfziffer weglassen"},
    {0, 0, 0, 0}};

/* The whole file, or stdin for "-"; caller frees *data. */
static int read_input(const char *path, char **data, size_t *len,
                      lotse_err_t *err) {
  if (strcmp(path, "-") != 0)
    return lotse_file_read(path, PII_INPUT_MAX, data, len, err);
  return lotse_stream_read(stdin, PII_INPUT_MAX, data, len, err);
}

static const char *valid_json(text_pii_check_t v) {
  return v == TEXT_PII_CHECK_VALID     ? "true"
         : v == TEXT_PII_CHECK_INVALID ? "false"
                                       : "null";
}

static const char *valid_de(text_pii_check_t v) {
  return v == TEXT_PII_CHECK_VALID     ? "gültig"
         : v == TEXT_PII_CHECK_INVALID ? "ungültig"
                                       : "-";
}

static void print_json(const text_pii_finding_t *f) {
  printf("{\"type\":\"%s\",\"label\":\"%s\",\"start\":%zu,\"end\":%zu,"
         "\"valid\":%s,\"class\":\"%s\",\"special_category\":%s}\n",
         text_pii_type_id(f->type), text_pii_type_label(f->type), f->start,
         f->end, valid_json(f->valid), text_pii_data_class(f->type),
         f->special_category ? "true" : "false");
}

/* The value with every letter and digit but the first and last two
 * replaced by '*' (multi-byte characters by one '*'), at most 40 bytes. */
static void mask(const char *s, size_t len, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < len && o + 4 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80 && c < 0xC0) continue; /* continuation byte */
    int keep = i < 2 || i + 2 >= len || c == ' ' || c == '/' || c == '@' ||
               c == '.' || c == '-';
    out[o++] = keep && c < 0x80 ? (char)c : '*';
  }
  out[o] = '\0';
}

/* s left-aligned in width characters (not bytes: "gültig"). */
static void put_padded(const char *s, int width) {
  int chars = 0;
  for (const char *p = s; *p; p++)
    chars += ((unsigned char)*p & 0xC0) != 0x80;
  fputs(s, stdout);
  for (; chars < width; chars++) putchar(' ');
}

static void print_table(const char *text, const text_pii_list_t *l) {
  if (l->n == 0) {
    printf("Keine personenbezogenen Daten gefunden.\n");
    return;
  }
  printf("%-36s %9s %9s  ", "Art", "von", "bis");
  put_padded("Prüfung", 10);
  printf(" Auszug (maskiert)\n");
  for (size_t k = 0; k < l->n; k++) {
    const text_pii_finding_t *f = &l->v[k];
    char ex[48];
    mask(text + f->start, f->end - f->start, ex, sizeof ex);
    printf("%-36s %9zu %9zu  ", text_pii_type_label(f->type), f->start,
           f->end);
    put_padded(valid_de(f->valid), 10);
    printf(" %s%s\n", ex, f->special_category ? "  (Art. 9 DSGVO)" : "");
  }
  printf("%zu Fund%s%s\n", l->n, l->n == 1 ? "" : "e",
         l->truncated ? " (weitere nicht aufgeführt)" : "");
}

int cmd_pii(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("pii");
  int json = 0, c;
  unsigned flags = 0;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_ONLY_VALID: flags |= TEXT_PII_ONLY_VALID; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind >= argc || strcmp(argv[optind], "scan") != 0)
    return cli_usage_error(cmd, "Unterbefehl 'scan' erwartet");
  if (argc - optind != 2)
    return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
  lotse_err_t err = {0};
  char *text = NULL;
  size_t len = 0;
  if (read_input(argv[optind + 1], &text, &len, &err)) return cli_fail(&err);
  text_pii_list_t l = {0};
  int rc = text_pii_scan(text, len, flags, &l, &err);
  if (!rc) {
    if (json)
      for (size_t k = 0; k < l.n; k++) print_json(&l.v[k]);
    else
      print_table(text, &l);
  }
  text_pii_list_release(&l);
  free(text);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
