#!/usr/bin/env bash
# Checks CI runs beyond the test suite (after scripts/test.sh built `build`):
#  1. code budgets (STYLE.md): function <= 200 lines, cyclomatic complexity
#     <= 30, file <= 2500 lines;
#  2. the code also builds warning-free with clang (ARCHITECTURE.md §6);
#  3. retrieval quality gate on LegalQuAD when ../shared/data is present:
#     nDCG@10 at least 0.03 above FTS5 unicode61's 0.831; Fragen's cited
#     sources; the PII and injection-screening evaluations; log template
#     accuracy (eval_loghub);
#  4. a short libFuzzer run over the GGUF reader (longer runs:
#     scripts/fuzz-gguf.sh SECONDS) and 30 s per logwatch parser
#     (scripts/fuzz-logwatch.sh SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { # install a Debian package for a missing command
  command -v "$1" >/dev/null && return 0
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 || {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
  }
}
need pmccabe pmccabe
src=$(ls base/*.c store/*.c text/*.c ingest/*.c search/*.c server/*.c llm/*.c cli/*.c gov/*.c apps/*.c analytics/*/*.c 2>/dev/null || true)
over=$(pmccabe $src | awk '$2 > 30 || $5 > 200 {print}')
if [ -n "$over" ]; then
  echo "== functions over budget (complexity > 30 or > 200 lines):"; echo "$over"; exit 1
fi
big=$(wc -l $src | awk '$2 != "total" && $1 > 2500 {print}')
if [ -n "$big" ]; then echo "== files over 2500 lines:"; echo "$big"; exit 1; fi
echo "== code budgets ok"

need clang clang
echo "== build with clang"
CC=clang scripts/build.sh build-clang >/dev/null
echo "== clang build ok"

data=../shared/data/retrieval/legalquad/LegalQuAD.json
if [ -f "$data" ]; then
  echo "== LegalQuAD retrieval quality (gate: nDCG@10 >= 0.861)"
  build/eval/eval_legalquad "$data" --min-ndcg 0.861
  echo "== Fragen on LegalQuAD, extractive (gate: answer-word recall >= 0.80, no invented citation)"
  build/eval/eval_fragen "$data" --min-recall 0.80 | tail -12
else
  echo "== skipping LegalQuAD evaluations: ../shared/data not present"
fi

# Governance evaluations (each skips with a message without ../shared/data):
# every stdnum vector of lotse's types validated, no invalid one accepted,
# no checked-type false positive on GermEval; injection screening with no
# false positive on German text and at least its measured detection.
echo "== PII detection (stdnum vectors, GermEval false positives)"
build/eval/eval_pii --strict --quiet | tail -3
echo "== hidden-instruction screening (BIPIA, GermEval, German documents)"
build/eval/eval_inject --min-detect 66 --max-fp 0.5 --quiet | tail -2
echo "== Sigma rules on SigmaHQ's regression events (gate: all 101 fire their rule)"
build/eval/eval_sigma --min-pass 101 --quiet | tail -2
echo "== log templates on loghub 2k (gate: GA >= published Drain on each of 10 systems, average >= 0.93)"
build/eval/eval_loghub --min-ga-each-published --min-ga-avg 0.93 | tail -13

echo "== fuzzing the GGUF reader for 60 s"
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" ||
  need /nonexistent/libclang-rt libclang-rt-14-dev
mkdir -p build-fuzz
LOTSE_BIN=build/lotse scripts/fuzz-gguf.sh 60 >build-fuzz/ci.log 2>&1 || {
  tail -40 build-fuzz/ci.log; echo "== fuzzer found a problem"; exit 1; }
grep -E "^#[0-9]+ +DONE" build-fuzz/ci.log || tail -3 build-fuzz/ci.log
echo "== fuzzing ok"

echo "== fuzzing the logwatch parsers (syslog, JSON lines, journald, format, drain) for 30 s each"
scripts/fuzz-logwatch.sh 30 >build-fuzz/ci-logwatch.log 2>&1 || {
  tail -40 build-fuzz/ci-logwatch.log; echo "== fuzzer found a problem in logwatch"; exit 1; }
grep -E "DONE|skipping" build-fuzz/ci-logwatch.log
echo "== logwatch fuzzing ok"
