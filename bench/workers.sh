#!/bin/sh
# Searches on MPI evaluation workers against the same search in one process,
# side by side in one run (docs/scaling.md has the figures):
#   1. the NAS-Bench-201 table (evaluations cost microseconds): serial
#      `nasc-run search` against `--workers 3` (4 ranks: the coordinator and
#      3 workers) over the same budget; the difference divided by the number
#      of evaluations is the MPI path's overhead per evaluation;
#   2. the Fashion-MNIST example (evaluations train networks): in one
#      process, on --workers 1 and on --workers 2, with the wall time, the
#      evaluations per hour and the best each found.
#   bench/workers.sh [BUILD_DIR] [--table-budget N] [--fashion-budget N]
. "$(dirname "$0")/common.sh"
table_budget=20000
fashion_budget=12
while [ $# -gt 0 ]; do
  case "$1" in
    --table-budget) table_budget=$2; shift 2 ;;
    --fashion-budget) fashion_budget=$2; shift 2 ;;
    *) echo "usage: bench/workers.sh [BUILD_DIR] [--table-budget N] [--fashion-budget N]" >&2; exit 2 ;;
  esac
done
cd "$root"
timed() { python3 -c 'import subprocess, sys, time; t = time.perf_counter(); p = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=subprocess.STDOUT); print(f"{time.perf_counter() - t:.3f}"); sys.exit(p.returncode)' "$@"; }
best_of() { sed -n 's/^best: \(.*\)/\1/p;s/^  hash: \(.*\)/\1/p;s/^  metrics: accuracy=\([0-9.]*\).*/valid \1/p;s/^  reported: accuracy=\([0-9.]*\).*/test \1/p' "$1" | tr '\n' ' '; }

echo "== NAS-Bench-201 table, regularized evolution, $table_budget evaluations"
"$build/bin/nasc" compile examples/nb201_evolution.nas --emit=artefact -o "$tmp/nb201.nasa"
serial=$(timed "$tmp/serial.log" "$build/bin/nasc-run" search "$tmp/nb201.nasa" --budget "$table_budget" --out "$tmp/t-serial" --quiet)
workers=$(timed "$tmp/workers.log" "$build/bin/nasc-run" search "$tmp/nb201.nasa" --budget "$table_budget" --workers 3 --out "$tmp/t-workers")
python3 - "$serial" "$workers" "$table_budget" "$tmp/workers.log" <<'PY'
import re, sys
serial, workers, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
m = re.search(r"(\d+) workers evaluated (\d+) architectures in ([0-9.]+) s", open(sys.argv[4]).read())
calls, loop = int(m.group(2)), float(m.group(3))
print(f"  one process:           {serial:6.2f} s  ({n / serial:,.0f} evaluations/s, start-up included)")
print(f"  --workers 3 (4 ranks): {workers:6.2f} s  of which the search loop {loop:.2f} s: {calls} evaluations sent"
      f" to workers, the rest answered from the cache")
print(f"  per evaluation sent to a worker: {loop / calls * 1e6:,.0f} us round trip (a table lookup in one process:"
      f" {serial / n * 1e6:,.0f} us with the store); start-up of mpirun and 4 ranks: {workers - loop - serial:.2f} s more")
PY

echo "== Fashion-MNIST example (examples/fashion_mnist.nas), $fashion_budget evaluations, $(nproc) cores"
for w in 0 1 2; do
  if [ "$w" = 0 ]; then label="one process"; set -- ; else label="--workers $w"; set -- --workers "$w"; fi
  t=$(timed "$tmp/f$w.log" "$build/bin/nasc" search examples/fashion_mnist.nas --budget "$fashion_budget" --out "$tmp/f$w" "$@")
  n=$(sqlite3 "$tmp/f$w/search.db" "select count(*) from evaluations")
  python3 -c "import sys; t, n = float(sys.argv[1]), int(sys.argv[2]); print(f'  {sys.argv[3]:13s} {t:7.1f} s  {3600 * n / t:6.0f} evaluations/hour  ', end='')" "$t" "$n" "$label"
  echo "best $(best_of "$tmp/f$w.log")"
  grep "workers\? evaluated" "$tmp/f$w.log" | sed 's/^/      /' || true
done
