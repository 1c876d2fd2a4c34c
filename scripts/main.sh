#!/usr/bin/env bash
# The main job: set up, build, check every standard-library space and
# example, then search the default example (examples/fashion_mnist.nas).
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
# The main job on the default example: the space checked and compiled, then
# searched on real Fashion-MNIST images (Debian's dataset-fashion-mnist)
# with the LibTorch runtime: about 4 minutes on 2 cores, 9 at most (the
# search's time limit). The run is kept in build/out/fashion_mnist: every
# evaluation (search.db), the best architecture as best.nas, its weights.
example=examples/fashion_mnist.nas
echo "== nasc info $example"
build/bin/nasc info "$example" | head -n 8
out=build/out/fashion_mnist
rm -rf "$out"
echo "== nasc search $example --out $out"
build/bin/nasc search "$example" --out "$out"
exit $status
