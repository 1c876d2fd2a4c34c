#!/bin/sh
# NSGA-II and random search against the exact NAS-Bench-201 Pareto fronts
# (accuracy vs parameters and vs each device's latency): compiles
# bench/nb201_pareto.nas, builds bench/nb201_pareto.cpp against the runtime
# library if there is no CMake target for it, runs it.
#   bench/nb201_pareto.sh [BUILD_DIR] [nb201_pareto options...]
. "$(dirname "$0")/common.sh"
"$build/bin/nasc" compile "$root/bench/nb201_pareto.nas" --emit=artefact -o "$tmp/pareto.nasa"
bin="$build/bin/nb201_pareto"
if [ ! -x "$bin" ]; then
  bin="$tmp/nb201_pareto"
  g++ -O2 -std=c++17 -I"$root/runtime/include" "$root/bench/nb201_pareto.cpp" \
    "$build/runtime/libnasc_runtime.a" -lsqlite3 -lz -o "$bin"
fi
"$bin" "$tmp/pareto.nasa" --base "$root" "$@"
