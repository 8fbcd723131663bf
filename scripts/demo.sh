#!/usr/bin/env bash
# The README's first command: install what is needed, build lotse, create
# the workspace ./lotse-data with the demo users, ingest the demo documents
# (demo/collections.tsv: groups and data class per collection), write the
# governance data (demo/governance.sh: roles, trainings, the approved
# applications "fragen", "schreiben", "leichte-sprache") and serve the
# documents on http://127.0.0.1:8080/ (Ctrl-C stops).
# Environment: LOTSE_PORT (default 8080), LOTSE_HOME (default ./lotse-data),
# LOTSE_DEMO_NO_SERVE=1 to stop before serving.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
export LOTSE_HOME=${LOTSE_HOME:-$PWD/lotse-data}
lotse=./build/lotse
$lotse init "$LOTSE_HOME"

# Users: name, display name, unit, clearance, groups.
# Tab is whitespace to `read`, which would merge empty fields: split on US.
tsv() { tail -n +2 "$1" | tr '\t' '\037'; }
tsv demo/users.tsv | while IFS=$'\037' read -r name display unit clearance groups; do
  [ -n "$name" ] || continue
  args=(user add "$name" --display "$display" --unit "$unit" --clearance "$clearance")
  [ -n "$groups" ] && args+=(--group "$groups")
  $lotse "${args[@]}" >/dev/null
done

# Collections: directory, groups, class, description.
tsv demo/collections.tsv | while IFS=$'\037' read -r coll groups class _desc; do
  [ -n "$coll" ] || continue
  args=(ingest --quiet --class "$class")
  [ -n "$groups" ] && args+=(--group "$groups")
  echo "Sammlung $coll ($class${groups:+, Gruppen: $groups}):"
  $lotse "${args[@]}" "demo/docs/$coll"
done
$lotse stats

# Governance: roles, trainings, the approved applications "fragen",
# "schreiben" and "leichte-sprache" and one in review (demo/governance.sh;
# an existing application is left as it is).
echo
demo/governance.sh "$lotse"
# Log-ins for the web application: password "lotse-demo" for every demo user.
demo/accounts.sh "$lotse"
if [ "${LOTSE_DEMO_NO_SERVE:-}" = "1" ]; then exit 0; fi
echo
echo "Beispiel: curl 'http://127.0.0.1:${LOTSE_PORT:-8080}/api/search?q=Urlaubsantrag'"
echo "          $lotse search --user pamt Urlaubsantrag"
echo "          $lotse ask --user mmustermann 'Wie viele Tage darf ich mobil arbeiten?'"
echo "          $lotse app show protokoll; $lotse kpi; $lotse audit verify"
echo "Web-Anwendung: http://127.0.0.1:${LOTSE_PORT:-8080}/ (Anmeldung z. B. als mmustermann, Passwort lotse-demo)"
exec $lotse serve --port "${LOTSE_PORT:-8080}"
