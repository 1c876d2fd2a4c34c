#!/bin/sh
# Random search and regularized evolution on the NAS-Bench-201 table: compiles
# examples/nb201_evolution.nas, builds bench/nb201_search.cpp against the
# runtime library if there is no CMake target for it, runs it.
#   bench/nb201_search.sh [BUILD_DIR] [nb201_search options...]
. "$(dirname "$0")/common.sh"
"$build/bin/nasc" compile "$root/examples/nb201_evolution.nas" --emit=artefact -o "$tmp/nb201.nasa"
bin="$build/bin/nb201_search"
if [ ! -x "$bin" ]; then
  bin="$tmp/nb201_search"
  g++ -O2 -std=c++17 -I"$root/runtime/include" "$root/bench/nb201_search.cpp" \
    "$build/runtime/libnasc_runtime.a" -lsqlite3 -lz -o "$bin"
fi
"$bin" "$tmp/nb201.nasa" --base "$root" "$@"
