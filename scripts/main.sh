#!/usr/bin/env bash
# The main job: set up, build, then check every standard-library space and
# example, and print the default example's AST summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
echo "== nasc check: standard library and examples"
status=0
for f in stdlib/*.nas stdlib/spaces/*.nas examples/*.nas; do
  if build/bin/nasc check "$f"; then
    echo "ok    $f"
  else
    echo "FAIL  $f"; status=1
  fi
done
# The compiler's main job on the default example: the whole space checked
# and analysed, then compiled into the artefact the runtime reads.
example=examples/nb201_evolution.nas
echo "== nasc info $example"
build/bin/nasc info "$example" | head -n 12
mkdir -p build/out
echo "== nasc compile $example -o build/out/nb201_evolution.nasa"
build/bin/nasc compile "$example" -o build/out/nb201_evolution.nasa
build/bin/nasa-check build/out/nb201_evolution.nasa
exit $status
