#!/usr/bin/env bash
# Installs what nasc needs (idempotent), then configures and builds it in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release
fi
# Two cores: more parallel jobs only thrash memory on the big translation units.
ninja -C build -j "${NASC_JOBS:-$(nproc)}"
