#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Governance data of the demo, written through the real CLI (scripts/demo.sh
# runs it after the users and documents; tests/integration/test_demo.py too):
#   - governance roles (demo/governance/roles.tsv, `lotse user grant`),
#   - the training catalogue and who completed what (trainings.tsv),
#   - the application "fragen" (InfoBuddy): registered, classified with the
#     AI-Act questionnaire, transparency notice recorded, submitted and
#     approved by KI-Koordination and Fachdienstleitung -> "freigegeben",
#   - the application "protokoll": classified (personal data) and submitted;
#     it waits in review for Datenschutz and Fachdienstleitung,
#   - the applications "schreiben" (Schreibassistenz) and "leichte-sprache":
#     classified (personal data, Art. 50), transparency notice recorded,
#     submitted and approved by KI-Koordination, Fachdienstleitung and
#     Datenschutz -> "freigegeben" (without a model they answer "kein
#     Sprachmodell", not "unbekannte Anwendung"),
#   - one allowed question and one refused one, so that the audit trail and
#     `lotse kpi` have something to show.
# Usage: demo/governance.sh [LOTSE]   (LOTSE: the binary, default
#        ./build/lotse; workspace: $LOTSE_HOME). Safe to rerun: an
#        application that exists is left as it is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lotse=${1:-./build/lotse}
g=$here/governance

# Tab is whitespace to `read`, which would merge empty fields: split on US.
tsv() { tail -n +2 "$1" | tr '\t' '\037'; }

tsv "$g/roles.tsv" | while IFS=$'\037' read -r name roles; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086  # one argument per role
  $lotse user grant "$name" ${roles//,/ } >/dev/null
done

tsv "$g/trainings.tsv" | while IFS=$'\037' read -r id title days users; do
  [ -n "$id" ] || continue
  $lotse training add "$id" --title "$title" --valid-days "$days" >/dev/null
  for u in ${users//,/ }; do
    $lotse training grant "$id" --user "$u" >/dev/null
  done
done

# create ID: register the application from its JSON file and classify it.
# Returns 1 (and changes nothing) when the application exists already.
create() {
  if $lotse app show "$1" >/dev/null 2>&1; then
    echo "Anwendung $1 vorhanden: $($lotse app show "$1" | sed -n 's/^Status: *//p')"
    return 1
  fi
  $lotse app create "$1" --file "$g/$1.json" --user koord >/dev/null
  $lotse app classify "$1" --answers "$g/$1.answers.json" --user koord
}

if create fragen; then
  $lotse app document fragen --kind transparenzhinweis --user koord \
    --ref "Diese Antwort hat eine KI aus Dokumenten des Landkreises erstellt. Prüfen Sie sie, bevor Sie sie verwenden." >/dev/null
  $lotse app submit fragen --user koord >/dev/null
  $lotse app approve fragen --user koord --role ki_koordination >/dev/null
  $lotse app approve fragen --user hamt --role fachdienstleitung
fi
if create protokoll; then
  $lotse app submit protokoll --user koord >/dev/null
  $lotse app approve protokoll --user koord --role ki_koordination
fi
# approved ID NOTICE: document, submit and approve a created application.
approved() {
  $lotse app document "$1" --kind transparenzhinweis --user koord --ref "$2" >/dev/null
  $lotse app submit "$1" --user koord >/dev/null
  $lotse app approve "$1" --user koord --role ki_koordination >/dev/null
  $lotse app approve "$1" --user hamt --role fachdienstleitung >/dev/null
  $lotse app approve "$1" --user dsb --role datenschutz
}
if create schreiben; then
  approved schreiben "Dieser Entwurf wurde von einer KI erstellt. Prüfen und ändern Sie ihn, bevor Sie ihn verwenden; Sie verantworten den Text."
fi
if create leichte-sprache; then
  approved leichte-sprache "Dieser Entwurf in Leichter Sprache wurde von einer KI erstellt. Er ist nicht rechtsverbindlich und wird vor der Veröffentlichung von Menschen geprüft."
fi

echo
echo 'Beispielfrage an „fragen“ (Max Mustermann, Bürgerservice):'
$lotse ask --user mmustermann "Wie stelle ich einen Urlaubsantrag?"
echo
echo "Dieselbe Frage aus dem Kreistagsbüro (Einheit nicht zugelassen):"
$lotse ask --user kreistag "Wie stelle ich einen Urlaubsantrag?" 2>&1 || true
echo
$lotse audit verify
