/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_parse.c — `lotse logwatch parse`: mine the templates of
 * one log file (analytics/logwatch/drain.h) and write the structured CSV
 * "LineId,EventId,EventTemplate" (analytics/logwatch/drain_parse.h) that
 * loghub/logparser tooling reads. Needs no workspace and stores nothing.
 * A summary (lines, templates, malformed lines) goes to stderr.
 * Exit 0 done (also with malformed lines); 1 unreadable input, unwritable
 * output; 2 usage (bad format, mask, --st, --depth).
 */
#include "analytics/logwatch/drain_parse.h"
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_FORMAT = 256, OPT_MASK, OPT_ST, OPT_DEPTH, OPT_MAX_CHILDREN,
       OPT_OUT, OPT_CLASSIC, OPT_TEMPLATES };

#define PARSE_STDIN_MAX ((size_t)4 << 30)

static const cli_opt_t opts[] = {
    {"format", OPT_FORMAT, "MUSTER",
     "Kopfzeilen-Muster, z. B. \"<Date> <Time> <Level>: <Content>\""},
    {"mask", OPT_MASK, "REGEX",
     "variable Teile (PCRE2) vorab durch <*> ersetzen, mehrfach möglich"},
    {"st", OPT_ST, "X", "Ähnlichkeitsschwelle 0 < X <= 1 (Vorgabe 0.4)"},
    {"depth", OPT_DEPTH, "N", "Tiefe des Suchbaums, >= 3 (Vorgabe 4)"},
    {"max-children", OPT_MAX_CHILDREN, "N",
     "höchstens N Kinder je Knoten (Vorgabe 100)"},
    {"classic", OPT_CLASSIC, NULL,
     "genau Drain wie logparser: ohne eingebaute Regeln für Zahlen"},
    {"out", OPT_OUT, "CSV", "Ergebnis in diese Datei (Vorgabe: Standardausgabe)"},
    {"templates", OPT_TEMPLATES, "CSV",
     "zusätzlich die Vorlagen mit Häufigkeit in diese Datei"},
    {0, 0, 0, 0}};

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_logwatch_parse_def = {
    "logwatch parse", run,
    "lotse logwatch parse [--format MUSTER] [--mask REGEX]... [--st X] "
    "[--depth N] [--max-children N] [--classic] [--out CSV] [--templates CSV] DATEI|-",
    "Vorlagen (Templates) einer Logdatei ermitteln, CSV ausgeben", opts, 0};

typedef struct input {
  char *data;
  size_t len;
  int mapped;
} input_t;

static int input_open(const char *path, input_t *in, lotse_err_t *err) {
  memset(in, 0, sizeof *in);
  if (!strcmp(path, "-"))
    return lotse_stream_read(stdin, PARSE_STDIN_MAX, &in->data, &in->len, err);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    int e = errno;
    if (fd >= 0) close(fd);
    return lotse_err_set(err, LOTSE_EIO, "Datei '%s' nicht lesbar (%s)", path,
                         fd >= 0 && !e ? "keine reguläre Datei" : strerror(e));
  }
  in->len = (size_t)st.st_size;
  if (in->len) {
    in->data = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (in->data == MAP_FAILED) {
      close(fd);
      in->data = NULL;
      return lotse_err_set(err, LOTSE_EIO, "Datei '%s' nicht lesbar", path);
    }
    madvise(in->data, in->len, MADV_SEQUENTIAL);
    in->mapped = 1;
  }
  close(fd);
  return 0;
}

static void input_close(input_t *in) {
  if (in->mapped) munmap(in->data, in->len);
  else free(in->data);
}

typedef struct args {
  const char *format, *out, *file, *templates;
  lotse_strv_t masks;
  lw_drain_opts o;
} args_t;

static int num_arg(const char *opt, const char *val, double lo, double hi,
                   double *out) {
  char *end;
  errno = 0;
  double v = strtod(val, &end);
  if (errno || end == val || *end || !(v >= lo && v <= hi))
    return cli_usage_error(&cmd_logwatch_parse_def,
                           "--%s: Zahl zwischen %g und %g erwartet, nicht '%s'",
                           opt, lo, hi, val);
  *out = v;
  return 0;
}

static int parse_args(int argc, char **argv, args_t *a) {
  const cli_cmd_t *cmd = &cmd_logwatch_parse_def;
  char *val;
  int c;
  double v;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_FORMAT: a->format = val; break;
    case OPT_MASK:
      if (lotse_strv_push(&a->masks, val)) return CLI_EXIT_FAIL;
      break;
    case OPT_ST:
      if (num_arg("st", val, 1e-9, 1, &v)) return CLI_EXIT_USAGE;
      a->o.st = v;
      break;
    case OPT_DEPTH:
      if (num_arg("depth", val, 3, 64, &v)) return CLI_EXIT_USAGE;
      a->o.depth = (int)v;
      break;
    case OPT_MAX_CHILDREN:
      if (num_arg("max-children", val, 2, 1e6, &v)) return CLI_EXIT_USAGE;
      a->o.max_children = (int)v;
      break;
    case OPT_OUT: a->out = val; break;
    case OPT_CLASSIC: a->o.flags |= LW_DRAIN_CLASSIC; break;
    case OPT_TEMPLATES: a->templates = val; break;
    case 'h': cli_usage(cmd, stdout); return -1;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, "genau eine DATEI oder - angeben");
  a->file = argv[optind];
  a->o.masks = (const char *const *)a->masks.v;
  a->o.n_masks = a->masks.n;
  return 0;
}

/* The structured CSV (po) or, with po NULL, the templates CSV. */
static int write_out(const char *path, const lw_drain *d,
                     const lw_parse_out *po, lotse_err_t *err) {
  if (!path || !strcmp(path, "-"))
    return po ? lw_drain_write_csv(d, po, stdout, err)
              : lw_drain_write_templates(d, stdout, err);
  FILE *fp = fopen(path, "w");
  if (!fp)
    return lotse_err_set(err, LOTSE_EIO, "'%s' nicht schreibbar (%s)", path,
                         strerror(errno));
  int rc = po ? lw_drain_write_csv(d, po, fp, err)
              : lw_drain_write_templates(d, fp, err);
  if (fclose(fp) && !rc)
    rc = lotse_err_set(err, LOTSE_EIO, "'%s' nicht schreibbar", path);
  if (rc) remove(path);
  return rc;
}

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  args_t a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc) {
    lotse_strv_release(&a.masks);
    return rc < 0 ? CLI_EXIT_OK : rc;
  }
  lotse_err_t err = {0};
  lw_format *f = NULL;
  lw_drain *d = NULL;
  lw_parse_out po = {0};
  input_t in = {0};
  if (a.format && lw_format_compile(a.format, &f, &err)) {
    rc = cli_usage_error(&cmd_logwatch_parse_def, "--format: %s", err.msg);
  } else if (!(d = lw_drain_new(&a.o, &err))) {
    rc = err.code == LOTSE_EINVAL
             ? cli_usage_error(&cmd_logwatch_parse_def, "%s", err.msg)
             : cli_fail(&err);
  } else if (input_open(a.file, &in, &err) ||
             lw_drain_parse(d, f, in.data, in.len, &po, &err) ||
             write_out(a.out, d, &po, &err) ||
             (a.templates && write_out(a.templates, d, NULL, &err))) {
    rc = cli_fail(&err);
  } else {
    fprintf(stderr,
            "lotse logwatch parse: %llu Zeilen, %zu Vorlagen, %llu nicht "
            "zum Muster passend\n",
            (unsigned long long)po.total_lines, lw_drain_count(d),
            (unsigned long long)po.malformed);
  }
  input_close(&in);
  lw_parse_out_release(&po);
  lw_drain_free(d);
  lw_format_free(f);
  lotse_strv_release(&a.masks);
  return rc;
}
