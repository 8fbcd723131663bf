#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Demo log-ins for the web application (scripts/demo.sh runs it after the
# users; tests/integration/test_demo.py too): every user of demo/users.tsv
# gets the password "lotse-demo" (`lotse user passwd`), and the workspace's
# lotse.conf allows the session cookie without the Secure attribute, which
# lotse honours only while the server listens on 127.0.0.1 (the demo serves
# plain http there). Demo data only: never use these settings in service.
# Usage: demo/accounts.sh [LOTSE]   (LOTSE: the binary, default
#        ./build/lotse; workspace: $LOTSE_HOME). Safe to rerun.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lotse=${1:-./build/lotse}
conf=$LOTSE_HOME/lotse.conf

if ! grep -q '^cookie_secure' "$conf"; then
  printf '\n[auth]\n# Nur Demo über http://127.0.0.1: Sitzungs-Cookie ohne Secure\ncookie_secure = off\n' >>"$conf"
fi
tail -n +2 "$here/users.tsv" | cut -f1 | while read -r name; do
  [ -n "$name" ] || continue
  printf 'lotse-demo\n' | $lotse user passwd "$name" >/dev/null
done
