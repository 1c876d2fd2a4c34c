#!/bin/sh
# examples/embed built as an outside project against an installed nasc, as
# docs/embedding.md tells a user to: cmake --install, find_package(nasc),
# then run it. Usage: test_embed.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
# Only libnasc, its header, its CMake package and the stdlib are installed.
test -f "$tmp/prefix/include/nasc/nasc.h"
test -f "$tmp/prefix/lib/cmake/nasc/nascConfig.cmake"
test -f "$tmp/prefix/share/nasc/stdlib/ops.nas"
if ls "$tmp/prefix/lib" | grep -q '\.a$'; then echo "static archives were installed:"; ls "$tmp/prefix/lib"; exit 1; fi
# The public header names no MLIR, ANTLR or LibTorch type.
if grep -nE 'mlir|antlr|torch|llvm' "$tmp/prefix/include/nasc/nasc.h"; then echo "nasc.h leaks an internal type"; exit 1; fi
cmake -S "$root/examples/embed" -B "$tmp/embed" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/configure.log" ||
  { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/embed" > "$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
# The installed library finds its installed stdlib when the source tree's is
# not there (NASC_STDLIB pointed at it here: the source tree exists).
out=$(NASC_STDLIB="$tmp/prefix/share/nasc/stdlib" "$tmp/embed/embed")
echo "$out"
echo "$out" | grep -q '^space Small.space: 24 architectures, 3 decisions$'
echo "$out" | grep -q '^evaluated 20 trials; best depth=[1-4],kernel=[35],width=[0-9]* score '
echo "$out" | grep -q '^zero-cost ranking: scored 24 candidates, evaluated 6$'
echo "$out" | grep -q "^broken.nas:1:56: error: unknown operation 'conv2'$"
echo ok
