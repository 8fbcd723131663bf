/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cli.c — the command table, option parsing from the tables and the
 * generated help. docs/cli/<command>.md repeats each synopsis; a test checks
 * that the page and `lotse <command> -h` agree.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd_t commands[] = {
    {"init", cmd_init, "lotse init [DIR]",
     "Arbeitsbereich anlegen (Datenbank und lotse.conf)", cmd_init_opts, 0},
    {"ingest", cmd_ingest, "lotse ingest [OPTIONEN] PFAD...",
     "Dateien und Verzeichnisse einlesen und durchsuchbar machen",
     cmd_ingest_opts, 0},
    {"search", cmd_search, "lotse search [OPTIONEN] ANFRAGE",
     "Dokumente durchsuchen (mit Quelle, Abschnitt und Seite)",
     cmd_search_opts, 1},
    {"ask", cmd_ask, "lotse ask [OPTIONEN] FRAGE",
     "Eine Frage aus den Dokumenten beantworten lassen (Anwendung Fragen, mit Quellen)",
     cmd_ask_opts, 1},
    {"doc", cmd_doc, "lotse doc show [OPTIONEN] ID",
     "Ein Dokument mit Metadaten, Versionen und Text anzeigen", cmd_doc_opts, 0},
    {"stats", cmd_stats, "lotse stats [OPTIONEN]",
     "Kennzahlen des Arbeitsbereichs anzeigen", cmd_stats_opts, 0},
    {"serve", cmd_serve, "lotse serve [OPTIONEN]",
     "HTTP-Schnittstelle starten", cmd_serve_opts, 0},
    {"user", cmd_user,
     "lotse user add|list|grant|revoke|passwd|totp|deactivate|reactivate "
     "[OPTIONEN] [NAME] [ROLLE...]",
     "Benutzer, Gruppen und Freigaben verwalten", cmd_user_opts, 0},
    {"check", cmd_check, "lotse check",
     "Datenbank und Suchindex auf Konsistenz prüfen", cmd_check_opts, 0},
    {"analyze", cmd_analyze, "lotse analyze [OPTIONEN] TEXT",
     "Zeigen, welche Suchbegriffe die deutsche Analyse aus einem Text macht",
     cmd_analyze_opts, 0},
    {"screen", cmd_screen, "lotse screen [OPTIONEN] DATEI|-",
     "Text oder Dokument auf versteckte Anweisungen prüfen",
     cmd_screen_opts, 0},
    {"tokenize", cmd_tokenize, "lotse tokenize -m MODELL [OPTIONEN] TEXT|-",
     "Zeigen, in welche Tokens der Tokenizer eines Modells einen Text zerlegt",
     cmd_tokenize_opts, 1},
    {"model", cmd_model, "lotse model synth|info [OPTIONEN] [DATEI]",
     "Modelldateien (GGUF) erzeugen und anzeigen", cmd_model_opts, 0},
    {"trace", cmd_trace, "lotse trace [OPTIONEN] -m DATEI --tokens IDS",
     "Entwicklerwerkzeug: gierig erzeugen, Log-Wahrscheinlichkeiten als JSON",
     cmd_trace_opts, 0},
    {"bench-model", cmd_bench_model, "lotse bench-model [OPTIONEN] -m DATEI",
     "Geschwindigkeit eines Modells messen (Prompt und Erzeugung)",
     cmd_bench_model_opts, 0},
    {"generate", cmd_generate, "lotse generate -m DATEI [OPTIONEN] PROMPT",
     "Text mit einem Sprachmodell erzeugen", cmd_generate_opts, 1},
    {"embed", cmd_embed, "lotse embed -m DATEI [OPTIONEN] TEXT",
     "Einbettungsvektor eines Textes berechnen", cmd_embed_opts, 1},
    {"app", cmd_app,
     "lotse app create|update|show|list|history|classify|questions|submit|"
     "approve|reject|document|opinion|resolve|suspend|resume|retire "
     "[OPTIONEN] [ID] [NR]",
     "KI-Anwendungen registrieren, einstufen und freigeben", cmd_app_opts, 0},
    {"training", cmd_training, "lotse training add|grant|list [OPTIONEN] [ID]",
     "Schulungen und ihre Abschlüsse verwalten", cmd_training_opts, 0},
    {"draft", cmd_draft, "lotse draft list|show|signoff|export [OPTIONEN] [ID]",
     "KI-Entwürfe anzeigen, namentlich abzeichnen und endgültig ausgeben",
     cmd_draft_opts, 0},
    {"audit", cmd_audit, "lotse audit verify|export [OPTIONEN]",
     "Prüfprotokoll nachweisen (Hash-Kette) oder als JSON ausgeben",
     cmd_audit_opts, 0},
    {"pii", cmd_pii, "lotse pii scan [OPTIONEN] DATEI|-",
     "Personenbezogene Daten in einem Text finden (mit Prüfziffern)",
     cmd_pii_opts, 0},
    {"portfolio", cmd_portfolio, "lotse portfolio [OPTIONEN]",
     "KI-Projekte des Landkreises mit Priorität, Zeitraum und Kennzahlen",
     cmd_portfolio_opts, 0},
    {"kpi", cmd_kpi, "lotse kpi [OPTIONEN]",
     "Kennzahlen je KI-Anwendung aus dem Prüfprotokoll", cmd_kpi_opts, 0},
    {"register", cmd_register, "lotse register export [OPTIONEN]",
     "KI-Anwendungen als Algorithmenregister (JSON) ausgeben",
     cmd_register_opts, 0},
    {"logwatch", cmd_logwatch,
     "lotse logwatch ingest|parse|sigma|alerts [OPTIONEN] [DATEI]...",
     "Protokolldaten einlesen, Muster lernen, Sigma-Regeln und Auffälligkeiten "
     "prüfen", NULL, 1},
    {"easy", cmd_easy, "lotse easy check|simplify|version|qr [OPTIONEN] [DATEI]",
     "Leichte Sprache: Regeln und Lesbarkeit prüfen, QR-Code zur leichten "
     "Fassung", NULL, 1},
    {"write", cmd_write, "lotse write check|draft|templates [OPTIONEN] [DATEI|-]",
     "Schreibassistenz: prüfen und aus Vorlagen entwerfen", cmd_write_opts, 0},
    {"minutes", cmd_minutes,
     "lotse minutes render|new|draft|publish [OPTIONEN] [DATEI|-|ENTWURF]",
     "Protokolle: aus Notizen entwerfen, prüfen, als Markdown/HTML/PDF "
     "ausgeben",
     cmd_minutes_opts, 0},
};

const cli_cmd_t *cli_cmds(size_t *n) {
  *n = sizeof commands / sizeof commands[0];
  return commands;
}

const cli_cmd_t *cli_cmd_find(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

void cli_usage(const cli_cmd_t *cmd, FILE *out) {
  fprintf(out, "Aufruf: %s\n%s\n\nOptionen:\n", cmd->synopsis, cmd->summary);
  for (const cli_opt_t *o = cmd->opts; o && o->name; o++) {
    char left[64];
    if (o->key < 256)
      snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name,
               o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    fprintf(out, "  %-28s %s\n", left, o->help);
  }
  fprintf(out, "  %-28s %s\n", "    --workspace DIR",
          "Arbeitsbereich (Standard: $LOTSE_HOME, sonst ./lotse-data)");
  fprintf(out, "  %-28s %s\n", "-h, --help", "diese Hilfe anzeigen");
}

int cli_getopt(int argc, char **argv, const cli_cmd_t *cmd, char **optval) {
  struct option lo[40];
  char so[100];
  size_t n = 0, k = 0;
  if (cmd->in_order) so[k++] = '+'; /* stop at the first operand */
  so[k++] = ':';
  for (const cli_opt_t *o = cmd->opts; o && o->name && n < 38; o++, n++) {
    lo[n] = (struct option){o->name, o->arg ? required_argument : no_argument,
                            NULL, o->key};
    if (o->key < 256 && k < sizeof so - 3) {
      so[k++] = (char)o->key;
      if (o->arg) so[k++] = ':';
    }
  }
  lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
  lo[n] = (struct option){0, 0, 0, 0};
  so[k++] = 'h';
  so[k] = '\0';
  int c = getopt_long(argc, argv, so, lo, NULL);
  *optval = optarg;
  if (c == '?' || c == ':') {
    fprintf(stderr, "lotse %s: %s '%s'\n", cmd->name,
            c == ':' ? "Option braucht einen Wert:" : "unbekannte Option",
            argv[optind - 1]);
    return '?';
  }
  return c;
}

int cli_split_list(lotse_strv_t *sv, const char *list) {
  char *copy = lotse_strdup(list), *save = NULL;
  if (!copy) return LOTSE_ENOMEM;
  int rc = 0;
  for (char *t = strtok_r(copy, ",", &save); t && !rc;
       t = strtok_r(NULL, ",", &save)) {
    lotse_str_squeeze(t);
    if (*t) rc = lotse_strv_push(sv, t);
  }
  free(copy);
  return rc;
}

int cli_fail(lotse_err_t *err) {
  fprintf(stderr, "lotse: %s\n",
          err->msg[0] ? err->msg : lotse_strerror(err->code));
  return CLI_EXIT_FAIL;
}

int cli_usage_error(const cli_cmd_t *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "lotse %s: ", cmd->name);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n(Hilfe: lotse %s -h)\n", cmd->name);
  va_end(ap);
  return CLI_EXIT_USAGE;
}
