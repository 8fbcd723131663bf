#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# tests/reference/build-refdump.sh — build the parity-localisation tools:
# refdump (llama.cpp's intermediate tensors, tests/reference/refdump.c) and
# lotsedump (one matmul of lotse's kernels, tests/reference/lotsedump.c),
# and print their folder.
#
# As build-refllama.sh: llama.cpp's headers come from a temporary clone of
# the source bundle npm node-llama-cpp ships (removed afterwards); refdump
# links the package's prebuilt libllama/libggml with an rpath to them.
# lotsedump links liblotse.a of a lotse build folder.
#
# Usage: tests/reference/build-refdump.sh --lotse-build DIR [--out DIR]
#   --lotse-build DIR  a cmake build folder of lotse holding liblotse.a
#   --out DIR          where the binaries go (default: <repo>/build-reference)
# Exit 0 ok, 1 build failed, 3 reference not installed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build-reference"
lb=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --lotse-build) lb=${2:?--lotse-build needs a directory}; shift 2 ;;
    -h|--help) sed -n '4,17p' "$0"; exit 0 ;;
    *) echo "build-refdump.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

nm="$here/node_modules"
bundle="$nm/node-llama-cpp/llama/gitRelease.bundle"
bins="$nm/@node-llama-cpp/linux-x64/bins/linux-x64"
if [ ! -f "$bundle" ] || [ ! -f "$bins/libllama.v0.4.0.so" ]; then
  echo "build-refdump.sh: llama.cpp reference not installed;" \
       "run: cd tests/reference && npm ci --omit=optional" >&2
  exit 3
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d "${LOTSE_TEST_TMP:-${TMPDIR:-/tmp}}/llama-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-checkout "$bundle" "$tmp/src" 2>/dev/null
git -C "$tmp/src" checkout -q HEAD -- include ggml/include

${CC:-gcc} -O2 -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla \
  -isystem "$tmp/src/include" -isystem "$tmp/src/ggml/include" \
  -DREFDUMP_BINS_DEFAULT="\"$bins\"" -o "$out/refdump" "$here/refdump.c" \
  -L"$bins" -l:libllama.v0.4.0.so -l:libggml.v0.4.0.so -l:libggml-base.so \
  -Wl,-rpath,"$bins" -lm
if [ -n "$lb" ]; then
  ${CC:-gcc} -O2 -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -I"$repo" \
    -Wl,--wrap=llm_act_quantize -Wl,--wrap=llm_matmul \
    -o "$out/lotsedump" "$here/lotsedump.c" "$lb/liblotse.a" \
    $(pkg-config --libs sqlite3 libutf8proc libmicrohttpd jansson libxml-2.0 \
      libzip poppler-glib cairo tesseract lept gmime-3.0 libcurl) -lstemmer \
    -lm -lpthread
fi
echo "$out"
