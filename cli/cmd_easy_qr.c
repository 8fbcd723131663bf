/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_easy_qr.c — `lotse easy qr`: the QR code that links a binding
 * Bescheid to its easy-language version (apps/easy_qr.h). The URL is given
 * (--url) or made from a base address and the version's identifier
 * (--id; base from --base-url or `[server] public_url` in lotse.conf).
 * PNG and SVG are built in memory and written all-or-nothing; the URL goes
 * to stdout. Exit 0 done; 1 bad URL or unwritable file (nothing written);
 * 2 usage.
 */
#include "apps/easy_qr.h"
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_URL = 256, OPT_ID, OPT_BASE, OPT_PNG, OPT_SVG, OPT_SIZE };

static const cli_opt_t opts[] = {
    {"url", OPT_URL, "URL", "diese Adresse (http:// oder https://) kodieren"},
    {"id", OPT_ID, "KENNUNG",
     "statt --url: Adresse BASIS/leicht/KENNUNG der Fassung in Leichter "
     "Sprache"},
    {"base-url", OPT_BASE, "URL",
     "Basisadresse für --id (Vorgabe: [server] public_url in lotse.conf)"},
    {"png", OPT_PNG, "DATEI", "QR-Code als PNG in diese Datei"},
    {"svg", OPT_SVG, "DATEI", "QR-Code als SVG in diese Datei"},
    {"size", OPT_SIZE, "PX", "Pixel je Modul, 1 bis 64 (Vorgabe 8)"},
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_easy_qr_def = {
    "easy qr", run,
    "lotse easy qr --url URL|--id KENNUNG [--base-url URL] [--png DATEI] "
    "[--svg DATEI] [--size PX]",
    "QR-Code zur Fassung in Leichter Sprache (PNG/SVG)", opts, 0};

typedef struct args {
  const char *url, *id, *base, *png, *svg;
  int px;
} args_t;

static int parse_args(int argc, char **argv, args_t *a) {
  const cli_cmd_t *cmd = &cmd_easy_qr_def;
  char *val, *end;
  int c;
  long v;
  a->px = EASY_QR_SIZE_DEFAULT;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_URL: a->url = val; break;
    case OPT_ID: a->id = val; break;
    case OPT_BASE: a->base = val; break;
    case OPT_PNG: a->png = val; break;
    case OPT_SVG: a->svg = val; break;
    case OPT_SIZE:
      errno = 0;
      v = strtol(val, &end, 10);
      if (errno || end == val || *end || v < 1 || v > EASY_QR_SIZE_MAX)
        return cli_usage_error(cmd, "--size: ganze Zahl von 1 bis %d "
                               "erwartet, nicht '%s'", EASY_QR_SIZE_MAX, val);
      a->px = (int)v;
      break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unerwartetes Argument '%s'", argv[optind]);
  if (!a->url == !a->id)
    return cli_usage_error(cmd, "genau eines von --url und --id angeben");
  if (a->base && !a->id)
    return cli_usage_error(cmd, "--base-url nur zusammen mit --id");
  if (a->png && a->svg && !strcmp(a->png, a->svg))
    return cli_usage_error(cmd, "--png und --svg nennen dieselbe Datei");
  return 0;
}

/* The URL to encode: --url, or the permanent address of --id. */
static int resolve_url(const args_t *a, cli_ctx_t *ctx, char **url,
                       lotse_err_t *err) {
  if (a->url) {
    *url = lotse_strdup(a->url);
    return *url ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher");
  }
  const char *base = a->base;
  lotse_conf_t *conf = NULL;
  if (!base) {
    char path[4096];
    snprintf(path, sizeof path, "%s/lotse.conf", ctx->workspace);
    int rc = lotse_conf_load(path, &conf, err);
    if (rc == LOTSE_ENOTFOUND)
      return lotse_err_set(err, rc,
                           "keine Basisadresse: --base-url angeben oder "
                           "[server] public_url in %s eintragen", path);
    if (rc) return rc;
    base = lotse_conf_get(conf, "server.public_url", NULL);
    if (!base || !*base) {
      lotse_conf_free(conf);
      return lotse_err_set(err, LOTSE_ENOTFOUND,
                           "keine Basisadresse: --base-url angeben oder "
                           "[server] public_url in %s eintragen", path);
    }
  }
  int rc = easy_qr_permalink(base, a->id, url, err);
  lotse_conf_free(conf);
  return rc;
}

static int build_and_write(const args_t *a, const char *url,
                           lotse_err_t *err) {
  easy_qr_t qr;
  lotse_buf_t png, svg;
  lotse_buf_init(&png, (size_t)64 << 20);
  lotse_buf_init(&svg, (size_t)64 << 20);
  const char *paths[2];
  const lotse_buf_t *data[2];
  size_t n = 0;
  int rc = easy_qr_encode(url, &qr, err);
  if (!rc && a->png) {
    rc = easy_qr_png(&qr, a->px, &png, err);
    paths[n] = a->png, data[n++] = &png;
  }
  if (!rc && a->svg) {
    rc = easy_qr_svg(&qr, a->px, &svg, err);
    paths[n] = a->svg, data[n++] = &svg;
  }
  if (!rc && n) rc = easy_qr_write_files(n, paths, data, err);
  easy_qr_free(&qr);
  lotse_buf_release(&png);
  lotse_buf_release(&svg);
  return rc;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  args_t a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
  lotse_err_t err = {0};
  char *url = NULL;
  rc = resolve_url(&a, ctx, &url, &err);
  if (!rc) rc = build_and_write(&a, url, &err);
  if (!rc) printf("%s\n", url);
  free(url);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
