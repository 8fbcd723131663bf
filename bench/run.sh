#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# bench/run.sh — search benchmark of lotse against Xapian in one run:
# builds bench_search and bench_xapian (Release, build-bench/), indexes the
# gazette and law corpora from ../shared/data with both engines, times the
# same generated queries back to back, and prints a Markdown table.
#
# Usage: bench/run.sh [--data DIR] [--rounds N] [--keep]
#   --data DIR   shared data root (default: <repo>/../shared/data)
#   --rounds N   measured rounds per query after one warm-up (default 3)
#   --keep       keep the work directory (indexes, queries, raw results)
# Needs: the product's build dependencies; for the Xapian side also
# libxapian-dev and g++ (scripts/install-deps.sh --bench).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data="$repo/../shared/data"
rounds=3
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=${2:?--data needs a directory}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '4,14p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

gazette="$data/corpora/nds-verkuendung-2024/plaintext"
laws="$data/corpora/gesetze"
if [ ! -d "$gazette" ] || [ ! -d "$laws" ]; then
  echo "bench/run.sh: corpus not found below '$data'" >&2
  echo "  expected $gazette and $laws" >&2
  echo "  (the shared data lives in ../shared/data next to the repository; pass --data DIR)" >&2
  exit 2
fi
data=$(cd "$data" && pwd)

build="$repo/build-bench"
echo "bench/run.sh: building (Release) in $build" >&2
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_search >/dev/null
xapian=0
targets=$(cmake --build "$build" --target help 2>/dev/null || true)
if printf '%s\n' "$targets" | grep -q 'bench_xapian'; then
  cmake --build "$build" -j"$(nproc)" --target bench_xapian >/dev/null
  xapian=1
else
  echo "bench/run.sh: Xapian is missing (install libxapian-dev and g++:" \
       "scripts/install-deps.sh --bench); measuring lotse only" >&2
fi

work=$(mktemp -d /tmp/lotse-bench.XXXXXX)
if [ "$keep" = 1 ]; then
  echo "bench/run.sh: keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
results="$work/results.txt"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)
{
  printf 'R\tmachine\tcpu\t%s\n' "${cpu:-unknown CPU}"
  printf 'R\tmachine\tnproc\t%s\n' "$(nproc)"
  printf 'R\tmachine\tmem\t%s\n' "$mem"
  printf 'R\tmachine\tdate\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'R\tmachine\tload\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'R\tmachine\tsqlite\t%s\n' "$(pkg-config --modversion sqlite3 2>/dev/null || echo '?')"
  if [ "$xapian" = 1 ]; then
    printf 'R\tmachine\txapian\t%s\n' "$(pkg-config --modversion xapian-core 2>/dev/null || xapian-config --version | awk '{print $NF}')"
  fi
} > "$results"

"$build/bench/bench_search" --data "$data" --work "$work" --rounds "$rounds" >> "$results"
if [ "$xapian" = 1 ]; then
  "$build/bench/bench_xapian" --work "$work" --rounds "$rounds" >> "$results"
  # Share of common documents in the two top-10 lists, per query with hits.
  awk -F'\t' '
    FNR == 1 { f++ }
    f == 1 { for (i = 2; i <= NF; i++) a[$1, $i] = 1; na[$1] = NF - 1; next }
    { n = NF - 1; c = 0
      for (i = 2; i <= NF; i++) c += (($1, $i) in a)
      m = n > na[$1] ? n : na[$1]
      if (m > 0) { s += c / m; q++ } }
    END { if (q) printf "R\tcompare\toverlap10\t%.4f\n", s / q }
  ' "$work/lotse.hits" "$work/xapian.hits" >> "$results"
fi

echo
awk -f "$repo/bench/report.awk" "$results"
echo
echo "Reproduce: bench/run.sh --data $data --rounds $rounds   (from $repo)"
echo "MB = 10^6 bytes; latency = wall time of one query, single thread, clock_gettime(CLOCK_MONOTONIC)."
