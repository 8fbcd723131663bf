#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
#
# tests/reference/ggml_types.sh — build and run the cross-check of lotse's
# tensor types against the real ggml (tests/reference/ggml_types.c).
#
# ggml.h comes from the llama.cpp source bundle inside the npm package
# node-llama-cpp, cloned into a temporary folder; the program links the
# package's prebuilt libggml-base.so. Nothing of ggml enters the repository.
# Exit 0 pass, 1 mismatch, 77 skipped (node_modules absent: run
# `cd tests/reference && npm ci --omit=optional`).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
nm="$here/node_modules"
bundle="$nm/node-llama-cpp/llama/gitRelease.bundle"
bins="$nm/@node-llama-cpp/linux-x64/bins/linux-x64"

if [ ! -f "$bundle" ] || [ ! -f "$bins/libggml-base.so" ]; then
  echo "SKIP: node-llama-cpp not installed under $nm"
  exit 77
fi
for tool in git cc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not found"; exit 77; }
done

tmp=$(mktemp -d "${LOTSE_TEST_TMP:-${TMPDIR:-/tmp}}/ggml-types.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
git clone -q -n "$bundle" "$tmp/llama" 2>/dev/null
git -C "$tmp/llama" checkout -q HEAD -- ggml/include

cc -std=c11 -O2 -g -D_GNU_SOURCE -fno-strict-aliasing -Wall -Wextra \
  -I"$tmp/llama/ggml/include" -I"$src" \
  "$here/ggml_types.c" "$src"/llm/quant.c "$src"/llm/quant_*.c \
  "$src"/llm/cpu.c \
  -L"$bins" -l:libggml-base.so -Wl,-rpath,"$bins" -ldl -lm -lpthread \
  -o "$tmp/ggml_types"
${GGML_TYPES_WRAP:-} "$tmp/ggml_types" "$bins"
