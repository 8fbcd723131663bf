#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
#
# scripts/fuzz-logwatch.sh [SECONDS] [HARNESS...] — fuzz the logwatch input
# parsers with libFuzzer (clang -fsanitize=fuzzer,address,undefined) for
# SECONDS each (default 30). Harnesses (tests/fuzz/fuzz_logwatch_*.c):
# syslog, jsonl, journald, format, drain (default: all). Each checks the
# parser's contract (result codes, spans inside the input, malformed input
# reported as malformed), not only the absence of crashes.
# Builds into $FUZZ_OUT (default build-fuzz/), writes small seed corpora
# (plus the first lines of the loghub 2k logs when ../shared/data is
# present); corpora grow in $FUZZ_OUT/corpus-lw-<harness>. Findings land in
# $FUZZ_OUT as lw-<harness>-crash-* (or -timeout-*, -oom-*); the exit status
# is non-zero when any harness found something.
set -eu
SECONDS_TO_RUN=${1:-30}
[ $# -gt 0 ] && shift
HARNESSES=${*:-syslog jsonl journald format drain}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/build-fuzz}
CC=${CC_FUZZ:-clang}
LOGHUB=${LOGHUB:-$ROOT/../shared/data/loghub}
cd "$ROOT"
mkdir -p "$OUT"
FLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -I. -fno-omit-frame-pointer -Wall -Wextra -Werror"
BASE=$(ls base/*.c)
LW=analytics/logwatch

sources() { # the library files a harness needs
  case "$1" in
  syslog) echo "$LW/syslog.c" ;;
  jsonl) echo "$LW/jsonl.c $BASE" ;;
  journald) echo "$LW/journald.c $LW/syslog.c $BASE" ;;
  format) echo "$LW/format.c $BASE" ;;
  drain) echo "$(ls $LW/drain*.c) $LW/format.c $(ls $LW/mask*.c 2>/dev/null || true) $BASE" ;;
  *) echo "fuzz-logwatch: unknown harness '$1'" >&2; exit 2 ;;
  esac
}

seed() { # seed DIR NAME BYTES (printf format)
  # shellcheck disable=SC2059
  printf "$3" >"$1/$2"
}

seeds() { # write the seed corpus of harness $1 into $2
  d=$2
  mkdir -p "$d"
  case "$1" in
  syslog)
    seed "$d" 5424 '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \357\273\277An application event'
    seed "$d" 5424nil '<34>1 - - - - - -'
    seed "$d" 3164 '<34>Oct 11 22:14:15 mymachine su[230]: '"'"'su root'"'"' failed for lonvick on /dev/pts/8'
    seed "$d" 3164nopri 'Jun  4 03:15:01 combo CRON[1234]: (root) CMD (run-parts /etc/cron.hourly)'
    seed "$d" iso '2024-05-01T12:00:00.123+02:00 host sshd[99]: Accepted password for x\r\n'
    seed "$d" prionly '<13>just text'
    ;;
  jsonl)
    seed "$d" nested '{"a":{"b":{"c":1}},"msg":"hi","n":-2.5e3,"t":true,"z":null}'
    seed "$d" win '{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":{"#text":"1"}},"EventData":{"Image":"C:\\\\x.exe","CommandLine":"x -y"}}}'
    seed "$d" arrays '{"a":[1,{"b":2},[3,"\\u0000"]],"a.b":"dup"}'
    seed "$d" bad '{"a":'
    ;;
  journald)
    seed "$d" text '__REALTIME_TIMESTAMP=1700000000000000\n_HOSTNAME=h\nSYSLOG_IDENTIFIER=sshd\n_PID=7\nPRIORITY=3\nSYSLOG_FACILITY=4\nMESSAGE=hello\n\n'
    seed "$d" binary 'MESSAGE\n\005\000\000\000\000\000\000\000a\nb\0c\n_PID=1\n\nMESSAGE=second\n'
    seed "$d" bad 'lower=1\nMESSAGE=x\n\n\n\nMESSAGE=y'
    ;;
  format)
    # first byte: index of the loghub format in the harness, 0xff: own pattern
    # shellcheck disable=SC2016 # a literal $ in the HDFS component
    seed "$d" hdfs '\000081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating'
    seed "$d" apache '\010[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'
    seed "$d" ssh '\011Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed'
    seed "$d" linux '\007Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0'
    seed "$d" nocontent '\012host1 free text here'
    seed "$d" own '\377<A> x \\[<B>\\]: <Content>\nfoo x [bar]: hello'
    ;;
  drain)
    # first byte: option set; then lines (one message each)
    seed "$d" hdfs '\000PacketResponder 1 for block blk_38865049064139660 terminating\nPacketResponder 0 for block blk_-6952295868487656571 terminating\nReceived block blk_3587508140051953248 of size 67108864 from /10.251.42.84\n'
    seed "$d" mixed '\001a b c\na b d\na x c\n\n   \nvery long line with 1.2.3.4 and core.12 and =5\n'
    seed "$d" nul '\002a\000b c\na\000x c\n\000\000\n'
    ;;
  esac
  # a few real lines from loghub when the shared data is there
  if [ -d "$LOGHUB" ] && { [ "$1" = syslog ] || [ "$1" = drain ]; }; then
    for s in Linux OpenSSH HDFS BGL; do
      f="$LOGHUB/$s/${s}_2k.log"
      [ -f "$f" ] || continue
      head -c 1500 "$f" >"$d/loghub-$s"
      [ "$1" = drain ] && { printf '\000'; head -c 1500 "$f"; } >"$d/loghub-$s"
    done
  fi
  return 0
}

status=0
for h in $HARNESSES; do
  src=$(sources "$h")
  missing=""
  for f in $src; do [ -f "$f" ] || missing="$missing $f"; done
  if [ ! -f "tests/fuzz/fuzz_logwatch_$h.c" ] || [ -n "$missing" ]; then
    echo "fuzz-logwatch: skipping $h (missing:$missing)"
    continue
  fi
  # shellcheck disable=SC2086
  if ! $CC $FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -o "$OUT/fuzz_logwatch_$h" "tests/fuzz/fuzz_logwatch_$h.c" $src \
    -ljansson -lpcre2-8 -lm -lpthread; then
    echo "fuzz-logwatch: $h does not build"
    status=1
    continue
  fi
  seeds "$h" "$OUT/seeds-lw-$h"
  mkdir -p "$OUT/corpus-lw-$h"
  echo "fuzz-logwatch: $h for ${SECONDS_TO_RUN}s"
  if "$OUT/fuzz_logwatch_$h" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$OUT/lw-$h-" "$OUT/corpus-lw-$h" "$OUT/seeds-lw-$h" \
    >"$OUT/lw-$h.log" 2>&1; then
    grep -E "^#[0-9]+[[:space:]]+DONE" "$OUT/lw-$h.log" | sed "s/^/fuzz-logwatch: $h /" || true
  else
    status=1
    grep -E "property failed|ERROR:|SUMMARY:|runtime error" "$OUT/lw-$h.log" | head -5
    echo "fuzz-logwatch: $h FOUND A PROBLEM (log: $OUT/lw-$h.log; input: $OUT/lw-$h-*)"
  fi
done
exit $status
