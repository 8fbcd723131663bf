#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# tests/reference/build-refllama.sh — build refllama, lotse's llama.cpp
# reference harness (tests/reference/refllama.c), and print its path.
#
# The headers come from the llama.cpp source that npm node-llama-cpp ships as
# a git bundle; it is cloned into a temporary folder for the compile and
# removed afterwards (nothing of llama.cpp enters the repository). The binary
# links the package's prebuilt libllama / libggml with an rpath to their
# folder and loads the CPU variants (libggml-cpu-*.so) from there at run time.
#
# Usage: tests/reference/build-refllama.sh [--out DIR] [--force]
#   --out DIR  where the binary is cached (default: <repo>/build-reference)
#   --force    rebuild even when the cached binary is up to date
# Stdout: the binary's path (one line). Exit 0 ok, 1 build failed,
# 3 reference not installed (cd tests/reference && npm ci --omit=optional).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build-reference"
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '4,17p' "$0"; exit 0 ;;
    *) echo "build-refllama.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

nm="$here/node_modules"
bundle="$nm/node-llama-cpp/llama/gitRelease.bundle"
bins="$nm/@node-llama-cpp/linux-x64/bins/linux-x64"
lib="$bins/libllama.v0.4.0.so"
if [ ! -f "$bundle" ] || [ ! -f "$lib" ]; then
  echo "build-refllama.sh: llama.cpp reference not installed ($bundle, $lib);" \
       "run: cd tests/reference && npm ci --omit=optional" >&2
  exit 3
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
bin="$out/refllama"
if [ "$force" = 0 ] && [ -x "$bin" ] && [ "$bin" -nt "$here/refllama.c" ] &&
   [ "$bin" -nt "$0" ] && [ "$bin" -nt "$lib" ]; then
  echo "$bin"
  exit 0
fi

tmp=$(mktemp -d "${LOTSE_TEST_TMP:-${TMPDIR:-/tmp}}/llama-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-checkout "$bundle" "$tmp/src" 2>/dev/null
git -C "$tmp/src" checkout -q HEAD -- include ggml/include

${CC:-gcc} -O2 -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla \
  -isystem "$tmp/src/include" -isystem "$tmp/src/ggml/include" \
  -DREFLLAMA_BINS_DEFAULT="\"$bins\"" \
  -o "$bin.tmp" "$here/refllama.c" \
  -L"$bins" -l:libllama.v0.4.0.so -l:libggml.v0.4.0.so -l:libggml-base.so \
  -Wl,-rpath,"$bins" -lm
mv "$bin.tmp" "$bin"
echo "$bin"
