#!/bin/sh
# A one-shot search's supernet trained in one process and data-parallel on
# 2 and 4 ranks (c10d Gloo over loopback), side by side in one run: wall
# time of the whole search (start-up included) and of its epochs, for DARTS
# on the tiny cell of test/Runtime/Inputs/tiny-darts.nas (real CIFAR-10
# images, 3 epochs, batch 64). On a machine with C cores one process uses C
# threads and each of N ranks C/N: the figure says what the all-reduce and
# the smaller per-rank batches cost or save against LibTorch's own threads.
#   bench/data_parallel.sh [BUILD_DIR] [--ranks "2 4"]
. "$(dirname "$0")/common.sh"
ranks="2 4"
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks=$2; shift 2 ;;
    *) echo "usage: bench/data_parallel.sh [BUILD_DIR] [--ranks \"2 4\"]" >&2; exit 2 ;;
  esac
done
cd "$root"
timed() { python3 -c 'import subprocess, sys, time; t = time.perf_counter(); p = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=subprocess.STDOUT); print(f"{time.perf_counter() - t:.2f}"); sys.exit(p.returncode)' "$@"; }
epochs() { sed -n 's/.*epoch [0-9]*\/[0-9]*:.* \([0-9.]*\) s.*/\1/p' "$1" | tr '\n' ' '; }
echo "== DARTS, tiny cell, 3 epochs, batch 64, $(nproc) cores"
for n in 1 $ranks; do
  if [ "$n" = 1 ]; then set -- ; label="one process"; else set -- --data-parallel "$n"; label="$n ranks"; fi
  t=$(timed "$tmp/dp$n.log" "$build/bin/nasc" search test/Runtime/Inputs/tiny-darts.nas --search TinyDarts --derive-only --out "$tmp/dp$n" "$@")
  echo "  $label: $t s; $(grep -c 'epoch [0-9]*/3' "$tmp/dp$n.log") epoch lines; derived $(sed -n 's/^derived: //p' "$tmp/dp$n.log")"
  grep "darts: epoch" "$tmp/dp$n.log" | sed 's/^/      /'
done
