#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# bench/logwatch/run.sh — template mining speed of `lotse logwatch parse`
# against the Python reference Drain (bench/logwatch/drain_ref.py, a port of
# logparser's Drain) in one run, on the same inputs: HDFS_2k.log and
# BGL_2k.log from loghub repeated to at least --lines lines each, parsed with
# the published Drain settings (reference/drain-settings.json). Checks that
# both wrote one CSV row per input line and prints a Markdown table with
# lines/s and the speed ratio.
#
# Usage: bench/logwatch/run.sh [--data DIR] [--lines N] [--lotse BIN]
#                              [--systems "HDFS BGL"] [--keep]
#   --data DIR     loghub root (default: <repo>/../shared/data/loghub)
#   --lines N      lines per input, at least (default 1000000)
#   --lotse BIN    lotse binary (default: <repo>/build/lotse)
#   --systems S    loghub systems to use (default "HDFS BGL")
#   --keep         keep the work directory (inputs and CSVs)
# The Python side runs without the ParameterList column (lotse writes none),
# i.e. the reference is given the smaller job. Needs python3 with pandas
# (installed from Debian's python3-pandas when missing and run as root).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
data="$repo/../shared/data/loghub"
lines=1000000
lotse="$repo/build/lotse"
systems="HDFS BGL"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=${2:?--data needs a directory}; shift 2 ;;
    --lines) lines=${2:?--lines needs a number}; shift 2 ;;
    --lotse) lotse=${2:?--lotse needs a binary}; shift 2 ;;
    --systems) systems=${2:?--systems needs names}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '4,21p' "$0"; exit 0 ;;
    *) echo "bench/logwatch/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ ! -f "$data/reference/drain-settings.json" ]; then
  echo "bench/logwatch/run.sh: loghub data not found in '$data', skipping"
  exit 0
fi

# A python3 that has pandas: Debian's (pyenv shims often lack it).
py=""
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import pandas' 2>/dev/null; then
    py=$cand; break
  fi
done
if [ -z "$py" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pandas >/dev/null 2>&1 || {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-pandas >/dev/null
  }
  py=/usr/bin/python3
fi
have_lotse=1
if [ ! -x "$lotse" ] || ! "$lotse" logwatch parse -h >/dev/null 2>&1; then
  echo "bench/logwatch/run.sh: no working 'lotse logwatch parse' at $lotse; timing Python only" >&2
  have_lotse=0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lotse-logbench.XXXXXX")
[ "$keep" -eq 1 ] || trap 'rm -rf "$work"' EXIT

# timed RESULT CMD...: run CMD, write "wall user sys maxrss_kb" to RESULT
# (GNU time when installed, else wall clock only from date).
timed() {
  res=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %U %S %M' -o "$res" "$@"
  else
    t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f 0 0 0\n", b-a}' >"$res"
  fi
}
# fmt_stat RESULT N: "wall | lines/s | CPU s | MiB" for the table
fmt_stat() {
  awk -v n="$2" '{printf "%.2f | %.0f | %.2f | %.0f", $1, ($1 > 0 ? n/$1 : 0), $2+$3, $4/1024}' "$1"
}
# rows DATA-CSV: number of records (csv module, so quoted newlines count once)
rows() { "$py" -c 'import csv,sys; csv.field_size_limit(1<<30); r=csv.reader(open(sys.argv[1],newline="",encoding="utf-8",errors="replace")); next(r); print(sum(1 for _ in r))' "$1"; }
# ntemplates CSV: distinct EventTemplate values
ntemplates() { "$py" -c 'import csv,sys; csv.field_size_limit(1<<30); print(len({r["EventTemplate"] for r in csv.DictReader(open(sys.argv[1],newline="",encoding="utf-8",errors="replace"))}))' "$1"; }
# agree A.csv B.csv: share of rows with the same EventTemplate (row by row)
agree() {
  "$py" -c 'import csv,sys
csv.field_size_limit(1<<30)
a=csv.DictReader(open(sys.argv[1],newline="",encoding="utf-8",errors="replace"))
b=csv.DictReader(open(sys.argv[2],newline="",encoding="utf-8",errors="replace"))
n=same=0
for x,y in zip(a,b):
    n+=1; same+=x["EventTemplate"]==y["EventTemplate"]
print("%.4f (%d of %d)" % (same/n if n else 0, same, n))' "$1" "$2"
}
# setting SYSTEM KEY: one value from drain-settings.json (masks one per line)
setting() {
  "$py" -c 'import json,sys
s=json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]]
print("\n".join(s) if isinstance(s,list) else s)' "$data/reference/drain-settings.json" "$1" "$2"
}

echo "bench/logwatch: $(nproc) cores, $(uname -m), python $("$py" -c 'import sys,pandas;print(sys.version.split()[0],"pandas",pandas.__version__)')"
[ "$have_lotse" -eq 1 ] && echo "bench/logwatch: lotse $("$lotse" --version 2>/dev/null | head -1 || echo '?') at $lotse"
table="| input | lines | tool | wall s | lines/s | CPU s | peak MiB | distinct templates |
|---|---:|---|---:|---:|---:|---:|---|"
ratios=""
fail=0
for sys_name in $systems; do
  src="$data/$sys_name/${sys_name}_2k.log"
  [ -f "$src" ] || { echo "bench/logwatch: $src missing" >&2; exit 2; }
  in="$work/${sys_name}.log"
  # awk 1 adds the newline the 2k files lack on their last line
  per=$(awk 'END{print NR}' "$src")
  reps=$(( (lines + per - 1) / per ))
  for _ in $(seq "$reps"); do awk 1 "$src"; done >"$in"
  n=$(wc -l <"$in")
  fmt=$(setting "$sys_name" log_format)
  st=$(setting "$sys_name" st)
  depth=$(setting "$sys_name" depth)
  mapfile -t masks < <(setting "$sys_name" mask_regex)
  pyargs=(); lwargs=()
  for m in "${masks[@]}"; do pyargs+=(--mask "$m"); lwargs+=(--mask "$m"); done

  stats=()
  if [ "$have_lotse" -eq 1 ]; then
    for mode in default classic; do
      extra=(); label="lotse"
      [ "$mode" = classic ] && { extra=(--classic); label="lotse --classic"; }
      out="$work/${sys_name}.lotse-$mode"
      echo "bench/logwatch: $sys_name, $n lines: $label" >&2
      timed "$out.time" "$lotse" logwatch parse --format "$fmt" "${lwargs[@]}" \
        --st "$st" --depth "$depth" "${extra[@]}" "$in" --out "$out.csv" >"$out.log" 2>&1 || {
        cat "$out.log" >&2; echo "bench/logwatch: $label failed" >&2; exit 1; }
      stats+=("$label|$(fmt_stat "$out.time" "$n")")
      got=$(rows "$out.csv")
      [ "$got" -eq "$n" ] || { echo "bench/logwatch: $label wrote $got rows for $n lines" >&2; fail=1; }
      table="$table
| ${sys_name}_2k.log ×$reps | $n | $label | $(fmt_stat "$out.time" "$n") | $(ntemplates "$out.csv") |"
    done
  fi

  echo "bench/logwatch: $sys_name, $n lines: drain_ref.py" >&2
  timed "$work/${sys_name}.py.time" "$py" "$repo/bench/logwatch/drain_ref.py" --format "$fmt" \
    "${pyargs[@]}" --st "$st" --depth "$depth" --no-para "$in" --out "$work/${sys_name}.py.csv" \
    2>"$work/${sys_name}.py.log" || {
    tail -5 "$work/${sys_name}.py.log" >&2; echo "bench/logwatch: drain_ref.py failed" >&2; exit 1; }
  p_stat=$(fmt_stat "$work/${sys_name}.py.time" "$n")
  got=$(rows "$work/${sys_name}.py.csv")
  [ "$got" -eq "$n" ] || { echo "bench/logwatch: drain_ref.py wrote $got rows for $n lines" >&2; fail=1; }
  p_t="$(ntemplates "$work/${sys_name}.py.csv") ($(sed -n 's/.* \([0-9]*\) templates,.*/\1/p' "$work/${sys_name}.py.log") clusters)"
  table="$table
| ${sys_name}_2k.log ×$reps | $n | Python Drain | $p_stat | $p_t |"
  for st_line in "${stats[@]}"; do
    ratios="$ratios
${sys_name}, ${st_line%%|*}: $(printf '%s\n%s\n' "${st_line#*|}" "$p_stat" | awk -F'|' 'NR==1{w=$1; c=$3} NR==2{printf "%.0f× faster than Python Drain by wall clock, %.0f× by CPU time", $1/w, (c > 0 ? $3/c : 0)}')"
  done
  if [ "$have_lotse" -eq 1 ]; then
    ratios="$ratios
${sys_name}: lines whose template text is the same in lotse --classic and Python Drain: $(agree "$work/${sys_name}.lotse-classic.csv" "$work/${sys_name}.py.csv")"
  fi
done
echo
echo "$table"
echo "$ratios"
echo
echo "Goals: lotse >= 1,000,000 lines/s and >= 50× the Python reference (wall clock, whole command: read, match, mine, write CSV)."
[ "$keep" -eq 1 ] && echo "bench/logwatch: inputs and CSVs kept in $work"
if [ "$fail" -ne 0 ]; then echo "bench/logwatch: row count check FAILED"; exit 1; fi
echo "bench/logwatch: row counts ok (one CSV row per input line on both sides)"
