/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_init.c — `lotse init [DIR]`: create a workspace. Running it again
 * on an existing workspace keeps lotse.conf and only applies pending
 * database migrations.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const cli_opt_t cmd_init_opts[] = {{0, 0, 0, 0}};

static const char CONF_TEMPLATE[] =
    "# lotse – Konfiguration dieses Arbeitsbereichs\n"
    "# Format: schluessel = wert; [abschnitt] setzt ein Präfix.\n"
    "\n"
    "[ingest]\n"
    "# Größte Datei, die eingelesen wird (MiB)\n"
    "max_file_mb = 100\n"
    "# Höchstens so viel wird aus einem Archiv (DOCX, ODT) entpackt (MiB)\n"
    "max_unpacked_mb = 256\n"
    "# Höchstens so viel Text je Dokument (MiB)\n"
    "max_text_mb = 32\n"
    "# Höchstens so viele PDF-Seiten je Dokument\n"
    "max_pages = 2000\n"
    "# Texterkennung (OCR) für PDF-Seiten ohne Textebene\n"
    "ocr = on\n"
    "ocr_lang = deu\n"
    "ocr_dpi = 300\n"
    "# Zielgröße eines Textabschnitts für die Suche (Bytes)\n"
    "chunk_bytes = 1200\n"
    "# Datenklasse, wenn beim Einlesen keine angegeben ist\n"
    "default_class = intern\n"
    "\n"
    "[server]\n"
    "bind = 127.0.0.1\n"
    "port = 8080\n"
    "# Größe einer Anfrage (KiB)\n"
    "max_request_kb = 64\n"
    "# NUR FÜR ENTWICKLUNG: Entwicklungs-Token ('Authorization: Bearer\n"
    "# dev:BENUTZER') benennen den Aufrufer ohne Anmeldung. Niemals im\n"
    "# Betrieb einschalten (Anmeldung: Abschnitt [auth], [oidc]).\n"
    "dev_tokens = off\n"
    "\n"
    "[auth]\n"
    "# Anmeldung mit Passwort (lotse user passwd) und Sitzungs-Cookie\n"
    "# Sitzung endet nach so vielen Sekunden ohne Anfrage / spätestens nach\n"
    "session_idle_seconds = 1800\n"
    "session_max_seconds = 36000\n"
    "# Rollen, die den zweiten Faktor (TOTP, lotse user totp enroll) brauchen;\n"
    "# 'all' verlangt ihn von allen\n"
    "# totp_roles = admin, auditor, ki_koordination\n"
    "# Sperre nach so vielen Fehlversuchen (je Konto / je Adresse)\n"
    "lockout_after = 5\n"
    "lockout_after_ip = 20\n"
    "\n"
    "# Anmeldung über den Identitätsanbieter des Kreises (Keycloak):\n"
    "# siehe docs/operations/oidc.md\n"
    "# [oidc]\n"
    "# issuer = https://sso.example.de/realms/kreis\n"
    "# Text des Anmelde-Links; Rücksprung nach der Abmeldung beim Anbieter\n"
    "# label = Mit dem Landkreis-Konto anmelden (Single Sign-on)\n"
    "# post_logout_redirect_uri = https://lotse.example.de/\n";

int cmd_init(int argc, char **argv, cli_ctx_t *ctx) {
  const cli_cmd_t *cmd = cli_cmd_find("init");
  char *val;
  int c;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    if (c == 'h') {
      cli_usage(cmd, stdout);
      return CLI_EXIT_OK;
    }
    return CLI_EXIT_USAGE;
  }
  if (argc - optind > 1) return cli_usage_error(cmd, "zu viele Argumente");
  if (argc - optind == 1) ctx->workspace = argv[optind];
  lotse_err_t err = {0};
  if (lotse_mkdir_p(ctx->workspace, &err)) return cli_fail(&err);
  char conf[4096];
  snprintf(conf, sizeof conf, "%s/lotse.conf", ctx->workspace);
  int fresh = access(conf, F_OK) != 0;
  if (fresh &&
      lotse_file_write(conf, CONF_TEMPLATE, strlen(CONF_TEMPLATE), &err))
    return cli_fail(&err);
  if (cli_workspace_open(ctx, &err)) return cli_fail(&err);
  printf("Arbeitsbereich %s: %s (Schema-Version %d)\n",
         fresh ? "angelegt" : "vorhanden", ctx->workspace,
         store_schema_version(ctx->st));
  return CLI_EXIT_OK;
}
