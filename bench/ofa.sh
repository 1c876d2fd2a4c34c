#!/bin/sh
# Once-for-All on this machine, against training the same networks one by
# one (docs/runtime-search.md, "ofa_specialize", has the figures):
#   1. bench/ofa/ofa_cifar.nas: an elastic supernet of a scaled-down OFA
#      MobileNetV3 space (3 stages, 4.0e11 architectures) trained on the
#      CIFAR-10 subset by progressive shrinking (EPOCHS a stage), then
#      specialised for three latency targets measured on this CPU (20%, 50%
#      and 80% of the way from the smallest network's latency to the
#      largest's), each exported with its inherited weights;
#   2. each of the three networks trained from scratch with the same
#      dataset and optimizer for as many epochs as the supernet trained in
#      all (`nasc train --epochs`);
#   3. a table per target: predicted and measured latency, test accuracy
#      inherited vs from scratch; the whole OFA run's time vs the three
#      trainings'.
#   bench/ofa.sh [BUILD_DIR] [--epochs E] [--samples N] [--work DIR]
# (--work: keep the runs there instead of in a temporary folder).
. "$(dirname "$0")/common.sh"
epochs=2
samples=60
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --work) rm -rf "$tmp"; trap - EXIT; tmp=$2; rm -rf "$tmp"; mkdir -p "$tmp"; shift 2 ;;
    *) echo "usage: bench/ofa.sh [BUILD_DIR] [--epochs E] [--samples N] [--work DIR]" >&2; exit 2 ;;
  esac
done
cd "$root"
if [ ! -f ../shared/data/cifar10-subset/data_batch_1.bin ]; then
  echo "bench/ofa.sh: no ../shared/data/cifar10-subset" >&2
  exit 77
fi
timed() { python3 -c 'import subprocess, sys, time; t = time.perf_counter(); p = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=open(sys.argv[1] + ".err", "w")); print(f"{time.perf_counter() - t:.1f}"); sys.exit(p.returncode)' "$@"; }

sed -e "s/supernet(mode=\"progressive\", epochs=2)/supernet(mode=\"progressive\", epochs=$epochs)/" \
    -e "s/samples=60/samples=$samples/" bench/ofa/ofa_cifar.nas > "$tmp/ofa.nas"
# Progressive shrinking's stages: largest, kernel, depth (two largest: half),
# depth, width (two largest: half), width.
total=$((4 * epochs + 2 * ((epochs + 1) / 2)))
echo "== Once-for-All: progressive shrinking, $epochs epoch(s) a stage ($total in all), $samples sub-networks scored, $(nproc) cores"
ofa=$(timed "$tmp/ofa.txt" "$build/bin/nasc" search "$tmp/ofa.nas" --out "$tmp/ofa")
grep -e '^supernet: trained' -e '^ofa_specialize:' "$tmp/ofa.txt.err" | sed 's/^/  /'
echo "  whole run: $ofa s"

i=0
grep '^specialized for' "$tmp/ofa.txt" | sed 's/.*predicted): //' > "$tmp/ids"
: > "$tmp/scratch"
while IFS= read -r id; do
  i=$((i + 1))
  t=$(timed "$tmp/scratch$i.txt" "$build/bin/nasc" train "$tmp/ofa.nas" --arch "$id" --epochs "$total" --out "$tmp/scratch$i")
  acc=$(sed -n 's/^  test: accuracy=\([0-9.]*\).*/\1/p' "$tmp/scratch$i.txt")
  echo "$t $acc" >> "$tmp/scratch"
done < "$tmp/ids"

python3 - "$tmp/ofa.txt" "$tmp/scratch" "$ofa" "$total" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
scratch = [line.split() for line in open(sys.argv[2]) if line.strip()]
blocks = re.findall(r"^specialized for latency <= ([0-9.]+)ms \(([0-9.]+)% of the way.*?\n  hash: (\S+)\n"
                    r"  predicted: predicted_accuracy=([0-9.]+) predicted_latency_ms=([0-9.]+)\n"
                    r"  measured: accuracy=([0-9.]+) flops=([0-9.]+) latency=([0-9.]+) .*?params=([0-9.]+).*?\n"
                    r"  reported: accuracy=([0-9.]+)", text, re.M | re.S)
print(f"\n  target            hash              params  flops (MAC)  latency ms: predicted measured  "
      f"valid acc: predicted supernet  test acc: inherited  scratch ({sys.argv[4]} epochs)  scratch time")
total = 0.0
for k, b in enumerate(blocks):
    bound, pct, h, pacc, plat, vacc, flops, lat, params, inherited = b
    t, acc = scratch[k] if k < len(scratch) else ("-", "-")
    total += float(t) if t != "-" else 0
    print(f"  {pct:>3}% ({float(bound):.3f} ms)  {h}  {int(float(params)):7d}  {int(float(flops)):11d}"
          f"  {float(plat):19.3f} {float(lat):8.3f}  {float(pacc):20.2f} {float(vacc):8.2f}"
          f"  {float(inherited):19.2f}  {acc:>21}  {t:>10} s")
print(f"\n  Once-for-All, the whole run (supernet, {len(blocks)} networks): {float(sys.argv[3]):.0f} s;"
      f" training the {len(blocks)} networks from scratch: {total:.0f} s")
PY
