/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_audit.c — `lotse audit verify [--json]` proves the hash chain of
 * the audit trail; `lotse audit export [filters]` writes it as JSON lines.
 *
 * Both open the trail read-only (gov/audit.h): they never create, repair or
 * change audit.db, audit.key or audit.anchor, nor touch lotse.db.
 */
#include "cli/cli.h"
#include "gov/audit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OPT_JSON = 256, OPT_SINCE, OPT_UNTIL, OPT_APP, OPT_ACTOR, OPT_FROM };

const cli_opt_t cmd_audit_opts[] = {
    {"json", OPT_JSON, NULL, "verify: Ergebnis als JSON ausgeben"},
    {"since", OPT_SINCE, "ZEIT",
     "export: ab diesem Zeitpunkt (UTC, JJJJ-MM-TT[THH:MM[:SS]])"},
    {"until", OPT_UNTIL, "ZEIT", "export: vor diesem Zeitpunkt (UTC)"},
    {"app", OPT_APP, "ID", "export: nur diese Anwendung"},
    {"actor", OPT_ACTOR, "NAME", "export: nur dieser Benutzer"},
    {"from", OPT_FROM, "NR", "export: ab dieser laufenden Nummer"},
    {0, 0, 0, 0}};

/* "2026-01-31", "2026-01-31T08:15", "2026-01-31T08:15:00Z" (UTC) -> ms. */
static int parse_time(const char *s, int64_t *ms) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = -1;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
             &n) != 6) {
    n = -1;
    sec = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5) {
      n = -1;
      h = mi = 0;
      if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return -1;
    }
  }
  if (n < 0) return -1;
  if (n > 10 && s[n] == 'Z') n++; /* a time may say it is UTC */
  if (s[n] || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60 || y < 1970)
    return -1;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                  .tm_hour = h, .tm_min = mi, .tm_sec = sec};
  *ms = (int64_t)timegm(&tm) * 1000;
  return 0;
}

static int print_verdict(const gov_audit_verdict_t *v, int json) {
  if (json) {
    json_t *o = json_pack(
        "{s:b, s:s, s:I, s:I, s:I, s:s, s:I, s:I, s:s}", "ok",
        v->fault == GOV_AUDIT_OK, "fault", gov_audit_fault_code(v->fault),
        "seq", (json_int_t)v->seq, "records", (json_int_t)v->records,
        "head_seq", (json_int_t)v->head_seq, "head_hash", v->head_hash,
        "anchor_seq", (json_int_t)v->anchor_seq, "anchor_lag",
        (json_int_t)v->anchor_lag, "message", v->message);
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (line) puts(line);
    free(line);
    json_decref(o);
  } else if (v->fault == GOV_AUDIT_OK) {
    printf("%s\n", v->message);
    if (v->records)
      printf("Letzter Eintrag: %lld, Prüfsumme %s\n", (long long)v->head_seq,
             v->head_hash);
    if (v->anchor_lag > 0)
      printf("Hinweis: der Anker liegt %lld Eintrag/Einträge zurück (nach "
             "einem Absturz möglich; die Einträge danach sind mit dem "
             "Schlüssel signiert)\n", (long long)v->anchor_lag);
  } else {
    printf("Prüfprotokoll BESCHÄDIGT: %s\n", v->message);
    if (v->records)
      printf("Bis Eintrag %lld ist die Kette intakt.\n",
             (long long)v->head_seq);
  }
  return v->fault == GOV_AUDIT_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

static int open_trail(cli_ctx_t *ctx, gov_audit_t **a) {
  lotse_err_t err = {0};
  if (!lotse_path_is_dir(ctx->workspace)) {
    lotse_err_set(&err, LOTSE_ENOTFOUND,
                  "Arbeitsbereich '%s' nicht gefunden", ctx->workspace);
    return cli_fail(&err);
  }
  if (gov_audit_open(ctx->workspace, GOV_AUDIT_RDONLY, a, &err)) {
    fprintf(stderr, "lotse: Prüfprotokoll nicht lesbar: %s\n", err.msg);
    return CLI_EXIT_FAIL;
  }
  return 0;
}

static int verify(cli_ctx_t *ctx, int json) {
  gov_audit_t *a;
  int rc = open_trail(ctx, &a);
  if (rc) return rc;
  gov_audit_verdict_t v;
  lotse_err_t err = {0};
  if (gov_audit_verify(a, &v, &err)) {
    gov_audit_close(a);
    return cli_fail(&err);
  }
  gov_audit_close(a);
  return print_verdict(&v, json);
}

static int export_line(void *ctx, const gov_audit_rec_t *r) {
  lotse_buf_t *b = ctx;
  lotse_err_t err = {0};
  lotse_buf_reset(b);
  int rc = gov_audit_rec_json(r, b, &err);
  if (!rc && (fputs(b->data, stdout) == EOF || putchar('\n') == EOF))
    rc = LOTSE_EIO;
  return rc;
}

static int export_records(cli_ctx_t *ctx, const gov_audit_filter_t *f) {
  gov_audit_t *a;
  int rc = open_trail(ctx, &a);
  if (rc) return rc;
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  lotse_err_t err = {0};
  rc = gov_audit_query(a, f, export_line, &b, &err);
  lotse_buf_release(&b);
  gov_audit_close(a);
  if (rc) {
    if (!err.msg[0]) lotse_err_set(&err, rc, "Export abgebrochen");
    return cli_fail(&err);
  }
  return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cmd_audit(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("audit");
  const char *sub = argc >= 2 && argv[1][0] != '-' ? argv[1] : NULL;
  if (sub) {
    argv++;
    argc--;
  }
  gov_audit_filter_t f = {0};
  int json = 0, filters = 0, c;
  char *val, *end;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_SINCE:
    case OPT_UNTIL:
      if (parse_time(val, c == OPT_SINCE ? &f.since_ms : &f.until_ms))
        return cli_usage_error(cmd, "ungültiger Zeitpunkt '%s' (erwartet "
                               "JJJJ-MM-TT oder JJJJ-MM-TTTHH:MM:SS)", val);
      filters++;
      break;
    case OPT_APP: f.app_id = val; filters++; break;
    case OPT_ACTOR: f.actor = val; filters++; break;
    case OPT_FROM:
      f.from_seq = strtoll(val, &end, 10);
      if (*end || end == val || f.from_seq < 0)
        return cli_usage_error(cmd, "ungültige Nummer '%s'", val);
      filters++;
      break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (!sub) return cli_usage_error(cmd, "verify oder export angeben");
  if (optind != argc) return cli_usage_error(cmd, "zu viele Argumente");
  if (!strcmp(sub, "verify")) {
    if (filters)
      return cli_usage_error(cmd, "verify prüft immer das ganze Protokoll");
    return verify(ctx, json);
  }
  if (!strcmp(sub, "export")) {
    if (json) return cli_usage_error(cmd, "export schreibt immer JSON");
    return export_records(ctx, &f);
  }
  return cli_usage_error(cmd, "unbekannter Unterbefehl '%s'", sub);
}
