#!/bin/sh
# Single-path supernet step vs the standalone child of the same architecture
# on real CIFAR-10 images (NAS-Bench-201 space, 16 channels, 5 cells a stage).
# Each mode runs in its own process (peak RSS is per process); three
# architectures, from light to heavy. Targets: supernet step time within
# 1.1x of the child's, peak memory within 1.2x.
#   bench/supernet_vs_child.sh [BUILD_DIR] [--batch N] [--steps N]
. "$(dirname "$0")/common.sh"
"$build/bin/nasc" compile "$root/examples/nb201_cifar_supernet.nas" --emit=artefact -o "$tmp/s.nasa"
cd "$root"
for arch in \
  "nb201_cell/e0_1=skip_connect,nb201_cell/e0_2=avg_pool_3x3,nb201_cell/e0_3=none,nb201_cell/e1_2=skip_connect,nb201_cell/e1_3=avg_pool_3x3,nb201_cell/e2_3=skip_connect" \
  "nb201_cell/e0_1=nor_conv_3x3,nb201_cell/e0_2=nor_conv_1x1,nb201_cell/e0_3=skip_connect,nb201_cell/e1_2=avg_pool_3x3,nb201_cell/e1_3=nor_conv_3x3,nb201_cell/e2_3=none" \
  "nb201_cell/e0_1=nor_conv_3x3,nb201_cell/e0_2=nor_conv_3x3,nb201_cell/e0_3=nor_conv_3x3,nb201_cell/e1_2=nor_conv_3x3,nb201_cell/e1_3=nor_conv_3x3,nb201_cell/e2_3=nor_conv_3x3"; do
  c=$("$build/bin/supernet_step" "$tmp/s.nasa" child "$arch" "$@")
  s=$("$build/bin/supernet_step" "$tmp/s.nasa" supernet "$arch" "$@")
  echo "$arch"
  echo "  $c"
  echo "  $s"
  echo "$c
$s" | awk -F'\t' '{split($4,t," "); split($5,m," "); ms[NR]=t[2]; mb[NR]=m[2]}
    END {printf "  supernet/child: step time %.2fx (target <= 1.1), peak memory %.2fx (target <= 1.2)\n", ms[2]/ms[1], mb[2]/mb[1]}'
done
