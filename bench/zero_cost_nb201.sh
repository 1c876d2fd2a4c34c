#!/bin/sh
# Zero-cost proxies against the NAS-Bench-201 table: Spearman rank
# correlation of each proxy (untrained networks, one batch of real CIFAR-10
# images) with the benchmark's accuracy, next to the published figures.
#   bench/zero_cost_nb201.sh [BUILD_DIR] [--archs N] [--batch B]
. "$(dirname "$0")/common.sh"
"$build/bin/nasc" compile "$root/examples/nb201_evolution.nas" --emit=artefact -o "$tmp/nb201.nasa"
cd "$root"
"$build/bin/zero_cost_nb201" "$tmp/nb201.nasa" "$@"
