#!/bin/sh
# Latency lookup tables (nasc latency-table, nn/Latency.h) against measured
# end-to-end latency: for 20 random architectures of NAS-Bench-201 (CIFAR
# size) and of ProxylessNAS mobile (224x224), the table's prediction (the
# sum of the architecture's ops, each measured alone) beside the child
# network's measured inference latency, batch 1, on this machine's CPU.
#   bench/latency_table.sh [BUILD_DIR] [--samples N]
. "$(dirname "$0")/common.sh"
samples=20
[ "${1:-}" = "--samples" ] && samples=$2
cat > "$tmp/proxyless.nas" <<'NAS'
import "std/ops";
import "std/search";
import "std/spaces/proxylessnas";
search Proxyless { space = ProxylessNAS(); strategy = random(); maximize accuracy; }
NAS
"$build/bin/nasc" compile "$root/examples/nb201_cifar_supernet.nas" --emit=artefact -o "$tmp/nb201.nasa"
"$build/bin/nasc" compile "$tmp/proxyless.nas" --emit=artefact -o "$tmp/proxyless.nasa"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
"$build/bin/latency_check" "$tmp/nb201.nasa" --samples "$samples"
"$build/bin/latency_check" "$tmp/proxyless.nasa" --samples "$samples"
