#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The browser tests' workspace: the demo as scripts/demo.sh builds it
# (demo users, every collection with its groups and class, the governance
# set-up of demo/governance.sh), without installing or building anything.
# Usage: tests/browser/fixture.sh LOTSE_BIN WORKSPACE
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ws=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
export LOTSE_HOME=$ws
"$bin" init "$ws" >/dev/null
tsv() { tail -n +2 "$1" | tr '\t' '\037'; }
tsv "$src/demo/users.tsv" | while IFS=$'\037' read -r name display unit clearance groups; do
  [ -n "$name" ] || continue
  args=(user add "$name" --display "$display" --unit "$unit" --clearance "$clearance")
  [ -n "$groups" ] && args+=(--group "$groups")
  "$bin" "${args[@]}" >/dev/null
done
tsv "$src/demo/collections.tsv" | while IFS=$'\037' read -r coll groups class _desc; do
  [ -n "$coll" ] || continue
  args=(ingest --quiet --class "$class")
  [ -n "$groups" ] && args+=(--group "$groups")
  "$bin" "${args[@]}" "$src/demo/docs/$coll" >/dev/null
done
"$src/demo/governance.sh" "$bin" >/dev/null 2>&1
