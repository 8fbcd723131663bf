#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
#
# scripts/fuzz-gguf.sh [SECONDS] — fuzz the GGUF reader with libFuzzer
# (clang -fsanitize=fuzzer,address,undefined) for SECONDS (default 600).
# Builds into build-fuzz/, writes a seed corpus with the GGUF writer
# (tests/fuzz/gguf_seeds.c) and, when a lotse binary is found ($LOTSE_BIN or
# build/lotse), tiny synthetic models (~11 KiB); the corpus grows in
# build-fuzz/corpus-gguf. Crashes land in build-fuzz/ as crash-*; the exit
# status is non-zero when libFuzzer found something.
set -eu
SECONDS_TO_RUN=${1:-600}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/build-fuzz}
CC=${CC_FUZZ:-clang}
mkdir -p "$OUT/corpus-gguf" "$OUT/seeds-gguf"
cd "$ROOT"
LIBSRC="llm/gguf.c llm/gguf_write.c"
for f in llm/quant*.c llm/cpu*.c base/*.c; do
  [ -f "$f" ] && LIBSRC="$LIBSRC $f"
done
FLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -I. -fno-omit-frame-pointer"
# shellcheck disable=SC2086
$CC $FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -o "$OUT/fuzz_gguf" tests/fuzz/fuzz_gguf.c $LIBSRC -lm -lpthread
# shellcheck disable=SC2086
$CC $FLAGS -o "$OUT/gguf_seeds" tests/fuzz/gguf_seeds.c $LIBSRC -lm -lpthread
"$OUT/gguf_seeds" "$OUT/seeds-gguf"
BIN=${LOTSE_BIN:-$ROOT/build/lotse}
if [ -x "$BIN" ] && "$BIN" model synth -h >/dev/null 2>&1; then
  for arch in llama qwen2 qwen3; do
    "$BIN" model synth -o "$OUT/seeds-gguf/synth-$arch.gguf" --arch "$arch" \
      --type Q4_0 --n-embd 32 --n-layer 1 --n-head 2 --n-head-kv 1 \
      --head-dim 16 --n-ff 32 --chat-template chatml >/dev/null 2>&1 ||
      echo "fuzz-gguf: no synth seed for $arch"
  done
fi
echo "fuzz-gguf: running for ${SECONDS_TO_RUN}s"
"$OUT/fuzz_gguf" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$OUT/" "$OUT/corpus-gguf" "$OUT/seeds-gguf"
