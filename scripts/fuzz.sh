#!/usr/bin/env bash
# Runs one libFuzzer target (or all of them, one after the other) for a while.
#
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_FLAG...]
#   scripts/fuzz.sh all SECONDS            # every target, SECONDS each
#
# TARGET: parse check compile artefact data store cli (docs/hardening.md).
# Configures and builds build-fuzz/ with clang-19 on first use (nasc's code
# instrumented with ASan+UBSan and libFuzzer's coverage; the normal build/ is
# not touched). The corpus grows in build-fuzz/corpus/TARGET (seeded from
# build-fuzz/seeds/TARGET: stdlib/, examples/ and test/ sources, artefacts
# compiled from them, generated data files, stores and argument vectors);
# crashes, timeouts and out-of-memory inputs land in build-fuzz/crashes/.
# Exit status: 0 when the run found nothing, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build-fuzz
TARGETS=(parse check compile artefact data store cli lsp)

if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS [libFuzzer flags...]  (targets: ${TARGETS[*]})" >&2
  exit 2
fi
TARGET=${1#fuzz_}
SECONDS_EACH=$2
shift 2

if [ "$TARGET" = all ]; then
  status=0
  for t in "${TARGETS[@]}"; do
    bash "$0" "$t" "$SECONDS_EACH" "$@" || status=1
  done
  exit $status
fi
case " ${TARGETS[*]} " in
  *" $TARGET "*) ;;
  *) echo "fuzz.sh: unknown target '$TARGET' (targets: ${TARGETS[*]})" >&2; exit 2 ;;
esac

# Builds take the shared lock (two cores: one build at a time on the machine).
LOCK=${NASC_BUILD_LOCK:-/tmp/nasc-build.lock}
if [ ! -f "$B/build.ninja" ]; then
  command -v clang++-19 >/dev/null || bash scripts/setup.sh
  cmake -G Ninja -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE= \
    "-DCMAKE_CXX_FLAGS=-O2 -gline-tables-only" "-DCMAKE_C_FLAGS=-O2 -gline-tables-only" \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DNASC_FUZZ=ON >/dev/null
fi
flock "$LOCK" ninja -C "$B" -j "${NASC_JOBS:-2}" "fuzz_$TARGET" fuzz-seeds nasc | grep -v '^ninja: no work' || true
[ -x "$B/bin/fuzz_$TARGET" ] || { echo "fuzz.sh: build of fuzz_$TARGET failed" >&2; exit 1; }

# allow_user_poisoning=0: see fuzz/AsanDefaults.cpp (nasc, built here too, needs it).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1:allocator_may_return_null=1}

# Seeds: rebuilt each run from the tree (cheap), never written by libFuzzer.
SEEDS=$B/seeds/$TARGET
CORPUS=$B/corpus/$TARGET
CRASHES=$B/crashes
mkdir -p "$CORPUS" "$CRASHES" "$B/logs"
rm -rf "$SEEDS" && mkdir -p "$SEEDS"
nas_sources() { find stdlib examples test -name '*.nas' -size -64k | sort; }
case $TARGET in
  parse|check|compile)
    i=0
    while read -r f; do cp "$f" "$SEEDS/$(printf '%03d' $i)-$(basename "$f")"; i=$((i + 1)); done < <(nas_sources) ;;
  artefact)
    i=0
    while read -r f; do
      "$B/bin/nasc" compile "$f" -o "$SEEDS/$(printf '%03d' $i).nasa" 2>/dev/null || rm -f "$SEEDS/$(printf '%03d' $i).nasa"
      i=$((i + 1))
    done < <(find stdlib examples test -name '*.nas' -size -64k | sort) ;;
  lsp) # whole editor sessions, one per small source: open, hover, complete, edit, shut down
    # (the script takes the first 40 itself: `head` closing the pipe early
    # would kill `sort` with SIGPIPE, which pipefail turns into a failure)
    nas_sources | python3 "$ROOT/fuzz/lsp_seeds.py" "$SEEDS" 40 ;;
  data|store|cli)
    "$B/bin/fuzz-seeds" "$B/seeds.tmp" >/dev/null
    for t in data store cli; do rm -rf "$B/seeds/$t"; mv "$B/seeds.tmp/$t" "$B/seeds/$t"; done
    rm -rf "$B/seeds.tmp" ;;
esac

FLAGS=(-timeout=10 -rss_limit_mb=2048 -max_total_time="$SECONDS_EACH" -print_final_stats=1
       -artifact_prefix="$CRASHES/$TARGET-")
case $TARGET in
  parse) FLAGS+=(-max_len=131072 -dict="$ROOT/fuzz/nas.dict") ;;
  check|compile) FLAGS+=(-max_len=65536 -dict="$ROOT/fuzz/nas.dict") ;;
  artefact) FLAGS+=(-max_len=262144) ;;
  data) FLAGS+=(-max_len=16384) ;;
  store) FLAGS+=(-max_len=65536) ;;
  cli) FLAGS+=(-max_len=4096) ;;
  lsp) FLAGS+=(-max_len=65536 -dict="$ROOT/fuzz/nas.dict") ;;
esac

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOG=$B/logs/$TARGET.log
echo "fuzz.sh: fuzz_$TARGET for ${SECONDS_EACH}s ($(ls "$SEEDS" | wc -l) seeds, $(ls "$CORPUS" | wc -l) in corpus; log $LOG)"
set +e
"$B/bin/fuzz_$TARGET" "${FLAGS[@]}" "$@" "$CORPUS" "$SEEDS" >"$LOG" 2>&1
rc=$?
set -e
# The last status line (#N ... cov: ft: corp:) and the final stats.
last=$(grep -E '^#[0-9]+' "$LOG" | tail -1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG")
echo "fuzz.sh: fuzz_$TARGET: exit $rc; ${execs:-?} executions (${rate:-?}/s); corpus $(ls "$CORPUS" | wc -l) files, $(du -sk "$CORPUS" | cut -f1) KiB; last: ${last:-none}"
if [ $rc -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|fuzz_[a-z]+:' "$LOG" | head -20 >&2
  echo "fuzz.sh: fuzz_$TARGET FAILED; see $LOG" >&2
  exit 1
fi
