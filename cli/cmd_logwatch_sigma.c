/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_logwatch_sigma.c — `lotse logwatch sigma --rules DIR EVENTFILE…`:
 * match events (JSON lines, JSON documents, syslog lines) against Sigma
 * rules (analytics/logwatch/sigma.h). One JSON object per match on stdout:
 * {"event":{"file":…,"line":…},"rule_id":…,"title":…,"level":…}. Rules
 * that cannot be evaluated are counted on stderr and listed with their
 * reason by --list-unsupported (one JSON object per rule). Exit 0 also
 * when something matched; 1 on unreadable rules or event files.
 */
#include "analytics/logwatch/sigma.h"
#include "cli/cli.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_RULES = 256, OPT_LIST_UNSUPPORTED, OPT_NO_PREFILTER };

#define SIGMA_EVENTS_MAX ((size_t)1 << 30) /* stdin */

static const cli_opt_t opts[] = {
    {"rules", OPT_RULES, "PFAD",
     "Sigma-Regeln: Datei oder Verzeichnis (rekursiv), mehrfach möglich"},
    {"list-unsupported", OPT_LIST_UNSUPPORTED, NULL,
     "nicht auswertbare Regeln mit Grund als JSON-Zeilen ausgeben"},
    {"no-prefilter", OPT_NO_PREFILTER, NULL,
     "jede Regel für jedes Ereignis prüfen (Vergleich, langsam)"},
    {0, 0, 0, 0}};

typedef struct run_state {
  const lw_sigma *s;
  lw_sigma_ctx *c;
  uint64_t events, malformed, matches;
  int failed;
} run_state;

static int on_event(void *ud, const lw_event *ev) {
  run_state *st = ud;
  st->events++;
  if (ev->malformed) {
    st->malformed++;
    fprintf(stderr, "lotse logwatch sigma: %s:%llu: kein gültiges Ereignis, übersprungen\n",
            ev->source, (unsigned long long)ev->line);
    return 0;
  }
  const uint32_t *hits;
  size_t n;
  if (lw_sigma_match(st->c, ev, &hits, &n)) {
    st->failed = 1;
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    lw_sigma_rule_info r = lw_sigma_rule(st->s, hits[i]);
    json_t *o = json_pack("{s:{s:s,s:I},s:s,s:s,s:s}", "event", "file",
                          ev->source, "line", (json_int_t)ev->line, "rule_id",
                          r.id, "title", r.title, "level", r.level);
    char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (txt) puts(txt);
    free(txt);
    json_decref(o);
    st->matches++;
  }
  return 0;
}

static void list_unsupported(const lw_sigma *s) {
  for (size_t i = 0; i < lw_sigma_unsupported_count(s); i++) {
    lw_sigma_skip k = lw_sigma_unsupported(s, i);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "path", k.path, "rule_id", k.id,
                          "title", k.title, "reason", k.reason);
    char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (txt) puts(txt);
    free(txt);
    json_decref(o);
  }
}

/* A regular file is mapped (any size, no copy); stdin and pipes are read
 * up to SIGMA_EVENTS_MAX. *mapped says which release applies. */
static int read_file(const char *path, char **data, size_t *len, int *mapped,
                     lotse_err_t *err) {
  *mapped = 0;
  if (!strcmp(path, "-"))
    return lotse_stream_read(stdin, SIGMA_EVENTS_MAX, data, len, err);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return lotse_err_set(err, LOTSE_EIO, "unable to open '%s'", path);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
    close(fd);
    return lotse_file_read(path, SIGMA_EVENTS_MAX, data, len, err);
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return lotse_err_set(err, LOTSE_EIO, "unable to map '%s'", path);
  madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
  *data = p, *len = (size_t)st.st_size, *mapped = 1;
  return 0;
}

static int match_files(lw_sigma *s, char **files, int nfiles,
                       lotse_err_t *err) {
  run_state st = {s, lw_sigma_ctx_new(s), 0, 0, 0, 0};
  if (!st.c) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  for (int i = 0; !rc && i < nfiles; i++) {
    char *data = NULL;
    size_t len = 0;
    int mapped;
    rc = read_file(files[i], &data, &len, &mapped, err);
    if (!rc) rc = lw_sigma_read_events(files[i], data, len, on_event, &st, err);
    if (rc > 0 || st.failed) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    if (mapped) munmap(data, len);
    else free(data);
  }
  lw_sigma_ctx_free(st.c);
  if (!rc)
    fprintf(stderr, "lotse logwatch sigma: %llu Ereignisse (%llu ungültig), %llu Treffer\n",
            (unsigned long long)st.events, (unsigned long long)st.malformed,
            (unsigned long long)st.matches);
  return rc;
}

static int run(int argc, char **argv, cli_ctx_t *ctx);

const cli_cmd_t cmd_logwatch_sigma_def = {
    "logwatch sigma", run,
    "lotse logwatch sigma --rules PFAD [--rules PFAD]... [--list-unsupported] [EREIGNISDATEI|-]...",
    "Ereignisse gegen Sigma-Regeln prüfen", opts, 0};

static int run(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = &cmd_logwatch_sigma_def;
  lotse_strv_t rules = {0};
  int list = 0, prefilter = 1, c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_RULES:
      if (lotse_strv_push(&rules, val)) {
        lotse_strv_release(&rules);
        return CLI_EXIT_FAIL;
      }
      break;
    case OPT_LIST_UNSUPPORTED: list = 1; break;
    case OPT_NO_PREFILTER: prefilter = 0; break;
    case 'h':
      lotse_strv_release(&rules);
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    default:
      lotse_strv_release(&rules);
      return CLI_EXIT_USAGE;
    }
  }
  if (rules.n == 0) {
    lotse_strv_release(&rules);
    return cli_usage_error(cmd, "--rules PFAD fehlt");
  }
  if (!list && optind >= argc) {
    lotse_strv_release(&rules);
    return cli_usage_error(cmd, "mindestens eine EREIGNISDATEI (oder -) angeben");
  }
  lotse_err_t err = {0};
  lw_sigma *s = lw_sigma_new();
  int rc = s ? 0 : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  if (s) lw_sigma_set_prefilter(s, prefilter);
  for (size_t i = 0; !rc && i < rules.n; i++)
    rc = lw_sigma_load_path(s, rules.v[i], &err);
  if (!rc) rc = lw_sigma_compile(s, &err);
  if (!rc) {
    fprintf(stderr, "lotse logwatch sigma: %zu Regeln geladen, %zu nicht auswertbar%s\n",
            lw_sigma_rule_count(s), lw_sigma_unsupported_count(s),
            lw_sigma_unsupported_count(s) && !list ? " (Liste: --list-unsupported)" : "");
    if (list) list_unsupported(s);
    if (optind < argc) rc = match_files(s, argv + optind, argc - optind, &err);
  }
  lw_sigma_free(s);
  lotse_strv_release(&rules);
  return rc ? cli_fail(&err) : CLI_EXIT_OK;
}
