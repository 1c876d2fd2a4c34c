#!/bin/sh
# One training step of the NAS-Bench-201 supernets (16 channels, 5 cells a
# stage, batch 64, 2 threads, real CIFAR-10 images): nasc's mixed supernet
# (darts), GDAS's sampled path (gdas), a random single path (random) and the
# best cell standalone (child), each against a plain PyTorch implementation
# of the same network (bench/oneshot_step_ref.py, Debian's python3-torch: the
# same LibTorch 1.13 underneath), alternating the two implementations, each
# run in its own process (peak RSS is per process). Targets (issue 11):
# darts <= 0.6x the reference's time and peak memory, gdas <= 0.8x, random and
# child <= 0.9x.
#   bench/oneshot_step.sh [BUILD_DIR] [--batch N] [--steps N] [--rounds N]
. "$(dirname "$0")/common.sh"
rounds=2
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    *) args="$args $1"; shift ;;
  esac
done
py=/usr/bin/python3
if ! $py -c "import torch" 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's python3-torch (the reference)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >&2
  else
    echo "bench/oneshot_step.sh: needs Debian's python3-torch (apt-get install python3-torch)" >&2
    exit 1
  fi
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
"$build/bin/nasc" compile "$root/examples/nb201_cifar_supernet.nas" --emit=artefact -o "$tmp/s.nasa"
best="nb201_cell/e0_1=nor_conv_3x3,nb201_cell/e0_2=nor_conv_3x3,nb201_cell/e0_3=nor_conv_3x3,nb201_cell/e1_2=skip_connect,nb201_cell/e1_3=nor_conv_3x3,nb201_cell/e2_3=nor_conv_3x3"
cd "$root"
for mode in darts gdas random child; do
  : > "$tmp/$mode"
  r=0
  while [ $r -lt "$rounds" ]; do
    "$build/bin/supernet_step" "$tmp/s.nasa" "$mode" "$best" $args | sed 's/^/nasc\t/' >> "$tmp/$mode"
    $py bench/oneshot_step_ref.py "$mode" $args | sed 's/^/torch\t/' >> "$tmp/$mode"
    r=$((r + 1))
  done
  awk -F'\t' -v mode="$mode" '
    { split($5, t, " "); split($6, m, " "); n[$1]++; ms[$1] += t[2]; mb[$1] += m[2] }
    END {
      target = mode == "darts" ? 0.6 : mode == "gdas" ? 0.8 : 0.9
      a = ms["nasc"] / n["nasc"]; b = ms["torch"] / n["torch"]; c = mb["nasc"] / n["nasc"]; d = mb["torch"] / n["torch"]
      printf "%-7s nasc %8.1f ms %7.0f MiB   pytorch %8.1f ms %7.0f MiB   time %.2fx  memory %.2fx  (target <= %.1fx)\n", mode, a, c, b, d, a / b, c / d, target
    }' "$tmp/$mode"
done
