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
echo "== nasc compile --emit=ast examples/nb201_evolution.nas (first lines)"
build/bin/nasc compile --emit=ast examples/nb201_evolution.nas | head -n 25
exit $status
