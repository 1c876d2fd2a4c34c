#!/usr/bin/env bash
# Builds nasc with AddressSanitizer + UndefinedBehaviorSanitizer (clang-19,
# build-asan/; the normal build/ is not touched) and runs the whole test
# suite (ctest: lit and gtest) under it. docs/hardening.md has the figures.
#
#   scripts/sanitize.sh [CTEST_ARGS...]
#
# Only nasc's own code is instrumented; LLVM/MLIR, ANTLR, LibTorch and SQLite
# are Debian's uninstrumented builds, which ASan works with. UBSan stops at
# the first error (-fno-sanitize-recover=undefined), so a report fails the
# test that hit it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build-asan
LOCK=${NASC_BUILD_LOCK:-/tmp/nasc-build.lock}
command -v clang++-19 >/dev/null || bash scripts/setup.sh
if [ ! -f "$B/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE= \
    "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS=-O1 -gline-tables-only" \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 -DNASC_SANITIZE=ON >/dev/null
fi
start=$(date +%s)
flock "$LOCK" ninja -C "$B" -j "${NASC_JOBS:-2}"
echo "sanitize.sh: build took $(( $(date +%s) - start )) s"

# LibTorch and its OpenMP/BLAS keep allocations for the process's lifetime:
# leaks are reported only from nasc's code (fuzz/lsan.supp lists the rest).
# allow_user_poisoning=0: LLVM's headers poison allocator slabs under ASan,
# and Debian's uninstrumented MLIR never unpoisons them (fuzz/AsanDefaults.cpp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1:detect_odr_violation=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$(date +%s)
cd "$B"
status=0
ctest --output-on-failure "$@" || status=$?
echo "sanitize.sh: tests took $(( $(date +%s) - start )) s"
exit $status
