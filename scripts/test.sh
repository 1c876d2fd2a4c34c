#!/usr/bin/env bash
# Set up, build, and run every test (lit + gtest) through ctest; then a short
# run of each fuzz target (scripts/fuzz.sh, build-fuzz/ with clang: ~4 min to
# build cold on 2 cores, NASC_FUZZ_SECONDS each to run; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest --output-on-failure)
if [ "${NASC_FUZZ_SECONDS:-15}" != 0 ]; then
  bash scripts/fuzz.sh all "${NASC_FUZZ_SECONDS:-15}" -seed=1
fi
