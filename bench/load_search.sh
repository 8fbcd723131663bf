#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Load test of GET /api/search with wrk: an authenticated user (development
# token of the demo user mmustermann, clearance offen+intern) searching the
# demo corpus with the queries of demo/queries.tsv, 50 connections for 30 s
# by default. Starts its own `lotse serve --dev-tokens` on a scratch copy
# of the demo workspace (tests/browser/fixture.sh) unless LOAD_URL names a
# running server. Prints wrk's latency distribution and one line
#   LOAD requests=… rps=… p50_ms=… p90_ms=… p99_ms=… non2xx=… socket_errors=…
# and exits 1 when any request failed (socket error or a status other
# than 200).
# Usage: bench/load_search.sh [LOTSE_BIN]   (default build/lotse)
# Environment: LOAD_CONNECTIONS (50), LOAD_DURATION (30s), LOAD_THREADS (2),
#   LOAD_USER (mmustermann), LOAD_URL (use this server, skip the set-up),
#   LOAD_AUTH (Authorization header; default "Bearer dev:$LOAD_USER"),
#   LOAD_COOKIE (e.g. lotse_session=… for a cookie session instead),
#   LOAD_SESSION=1 (own server only: set a password for LOAD_USER, log in
#   with POST /api/login and load with the session cookie, no token).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
bin=$(cd "$(dirname "${1:-$src/build/lotse}")" && pwd)/$(basename "${1:-build/lotse}")
command -v wrk >/dev/null || { echo "load_search: wrk fehlt (scripts/install-test-tools.sh)" >&2; exit 2; }
conns=${LOAD_CONNECTIONS:-50}
dur=${LOAD_DURATION:-30s}
threads=${LOAD_THREADS:-2}
user=${LOAD_USER:-mmustermann}
export LOAD_AUTH=${LOAD_AUTH-"Bearer dev:$user"}
export LOAD_QUERIES=$src/demo/queries.tsv

tmp=""
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

url=${LOAD_URL:-}
if [ -z "$url" ]; then
  tmp=$(mktemp -d)
  "$src/tests/browser/fixture.sh" "$bin" "$tmp/ws"
  "$bin" --workspace "$tmp/ws" serve --port 0 --dev-tokens >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 300); do
    url=$(grep -o 'http://[^ ]*:[0-9]*' "$tmp/out" | head -1 || true)
    [ -n "$url" ] && curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    url=""
    sleep 0.1
  done
  [ -n "$url" ] || { echo "load_search: server did not start:" >&2; cat "$tmp/err" >&2; exit 1; }
  if [ "${LOAD_SESSION:-}" = 1 ]; then
    pw="load-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$pw" | "$bin" --workspace "$tmp/ws" user passwd "$user" >/dev/null
    cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"user\":\"$user\",\"password\":\"$pw\"}" "$url/api/login" |
      sed -n 's/^[Ss]et-[Cc]ookie: \(lotse_session=[^;]*\).*/\1/p')
    [ -n "$cookie" ] || { echo "load_search: login failed" >&2; exit 1; }
    export LOAD_COOKIE=$cookie LOAD_AUTH=""
  fi
fi
url=${url%/}

# One request first: the user must be accepted (a 401 would make the
# load test measure refusals).
code=$(curl -s -o /dev/null -w '%{http_code}' ${LOAD_AUTH:+-H "Authorization: $LOAD_AUTH"} \
  ${LOAD_COOKIE:+-H "Cookie: $LOAD_COOKIE"} "$url/api/search?q=Urlaubsantrag")
[ "$code" = 200 ] || { echo "load_search: /api/search answers $code for the load user" >&2; exit 1; }
# ... and must be a named user, not the anonymous public (GET /api/session).
who=$(curl -s ${LOAD_AUTH:+-H "Authorization: $LOAD_AUTH"} ${LOAD_COOKIE:+-H "Cookie: $LOAD_COOKIE"} \
  "$url/api/session")
case "$who" in
  *'"authenticated":true'*) ;;
  *) echo "load_search: the load user is not authenticated: $who" >&2; exit 1 ;;
esac

echo "wrk -t$threads -c$conns -d$dur --latency  $url/api/search  (${LOAD_AUTH:-session cookie of $user}, $(nproc) CPUs)"
out=$(cd "$src" && wrk -t"$threads" -c"$conns" -d"$dur" --latency -s "$here/load_search.lua" "$url")
echo "$out"
line=$(grep '^LOAD ' <<<"$out")
case "$line" in
  *" non2xx=0 socket_errors=0") ;;
  *) echo "load_search: requests failed" >&2; exit 1 ;;
esac
