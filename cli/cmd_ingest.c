/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_ingest.c — `lotse ingest [OPTIONS] PATH...`.
 *
 * On a terminal, a progress bar on stderr; otherwise one summary line on
 * stdout. Each skipped file is named on stderr with the reason; the exit
 * status is 1 when any file failed, so scripts notice.
 */
#include "cli/cli.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_NO_OCR = 256, OPT_MAX_SIZE };

const cli_opt_t cmd_ingest_opts[] = {
    {"group", 'g', "GRUPPE",
     "Zugriffsgruppe (mehrfach oder durch Komma getrennt); ohne: alle"},
    {"class", 'c', "KLASSE",
     "Datenklasse: offen, intern, vertraulich, personenbezogen"},
    {"no-ocr", OPT_NO_OCR, NULL, "keine Texterkennung für gescannte Seiten"},
    {"max-size", OPT_MAX_SIZE, "MIB", "größte Datei in MiB"},
    {"quiet", 'q', NULL, "keine Fortschrittsanzeige"},
    {0, 0, 0, 0}};

typedef struct progress {
  int tty;
  int quiet;
  double t0;
} progress_t;

static void on_progress(void *ctx, ingest_event_t ev, const char *path,
                        int done, int total, const char *msg) {
  progress_t *p = ctx;
  if (ev == INGEST_EV_FILE_FAILED) {
    if (p->tty && !p->quiet) fputs("\r\033[K", stderr);
    fprintf(stderr, "lotse: übersprungen: %s: %s\n", path, msg);
    return;
  }
  if (ev != INGEST_EV_FILE_DONE || !p->tty || p->quiet) return;
  int width = 30, fill = total ? done * width / total : width;
  fprintf(stderr, "\r\033[K[%.*s%.*s] %d/%d %s", fill,
          "##############################", width - fill,
          "..............................", done, total,
          lotse_path_base(path));
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

static void opts_from_conf(ingest_opts_t *o, const lotse_conf_t *c) {
  ingest_limits_t *l = &o->limits;
  l->max_file_bytes = (size_t)lotse_conf_get_int(c, "ingest.max_file_mb",
                                                 (long long)(l->max_file_bytes >> 20)) << 20;
  l->max_unpacked_bytes = (size_t)lotse_conf_get_int(
      c, "ingest.max_unpacked_mb", (long long)(l->max_unpacked_bytes >> 20)) << 20;
  l->max_text_bytes = (size_t)lotse_conf_get_int(
      c, "ingest.max_text_mb", (long long)(l->max_text_bytes >> 20)) << 20;
  l->max_pages = (int)lotse_conf_get_int(c, "ingest.max_pages", l->max_pages);
  l->ocr = lotse_conf_get_bool(c, "ingest.ocr", l->ocr);
  l->ocr_lang = lotse_conf_get(c, "ingest.ocr_lang", l->ocr_lang);
  l->ocr_dpi = (int)lotse_conf_get_int(c, "ingest.ocr_dpi", l->ocr_dpi);
  o->chunk_target = (size_t)lotse_conf_get_int(c, "ingest.chunk_bytes",
                                               (long long)o->chunk_target);
  int cls = store_class_parse(lotse_conf_get(c, "ingest.default_class", ""));
  if (cls >= 0) o->data_class = cls;
}

static void print_summary(const ingest_summary_t *s) {
  double mb = (double)s->text_bytes / 1e6;
  printf("Eingelesen: %d Dateien – %d neu, %d aktualisiert, %d unverändert, "
         "%d Rechte geändert, %d fehlerhaft; %.2f MB Text in %.2f s "
         "(%.2f MB/s)%s\n",
         s->files, s->added, s->updated, s->unchanged, s->access, s->failed,
         mb, s->seconds, s->seconds > 0 ? mb / s->seconds : 0.0,
         s->ocr_pages ? "; mit Texterkennung" : "");
  if (s->hidden)
    printf("Versteckter Text in %d Datei%s: nicht in den Suchindex "
           "übernommen (lotse screen DATEI zeigt ihn)\n",
           s->hidden, s->hidden == 1 ? "" : "en");
}

static int run(cli_ctx_t *ctx, ingest_opts_t *o, char **paths, int n,
               int quiet, long long max_mb, int no_ocr) {
  lotse_err_t err = {0};
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  int cls = o->data_class;
  opts_from_conf(o, ctx->conf);
  if (cls >= 0) o->data_class = cls;
  if (max_mb > 0) o->limits.max_file_bytes = (size_t)max_mb << 20;
  if (no_ocr) o->limits.ocr = 0;
  progress_t p = {.tty = isatty(2), .quiet = quiet, .t0 = lotse_now_mono()};
  ingest_summary_t sum;
  int rc = ingest_run(ctx->st, (const char *const *)paths, (size_t)n, o,
                      on_progress, &p, &sum, &err);
  if (rc) return cli_fail(&err);
  if (!quiet || !p.tty) print_summary(&sum);
  return sum.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_ingest(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("ingest");
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = -1; /* from lotse.conf unless --class */
  lotse_strv_t groups = {0};
  int quiet = 0, no_ocr = 0, c, rc = -1;
  long long max_mb = 0;
  char *val;
  while (rc < 0 && (c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case 'g':
      if (cli_split_list(&groups, val)) rc = CLI_EXIT_FAIL;
      break;
    case 'c':
      o.data_class = store_class_parse(val);
      if (o.data_class < 0)
        rc = cli_usage_error(cmd, "unbekannte Datenklasse '%s' (offen, intern, "
                             "vertraulich, personenbezogen)", val);
      break;
    case OPT_NO_OCR: no_ocr = 1; break;
    case OPT_MAX_SIZE:
      max_mb = atoll(val);
      if (max_mb <= 0) rc = cli_usage_error(cmd, "ungültige Größe '%s'", val);
      break;
    case 'q': quiet = 1; break;
    case 'h': cli_usage(cmd, stdout); rc = CLI_EXIT_OK; break;
    default: rc = CLI_EXIT_USAGE;
    }
  }
  if (rc < 0 && optind >= argc)
    rc = cli_usage_error(cmd, "keine Datei und kein Verzeichnis angegeben");
  if (rc < 0) {
    o.groups = (const char *const *)groups.v;
    o.ngroups = groups.n;
    rc = run(ctx, &o, argv + optind, argc - optind, quiet, max_mb, no_ocr);
  }
  lotse_strv_release(&groups);
  return rc;
}
