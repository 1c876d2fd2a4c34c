#!/bin/sh
# How fast the search loop is on the NAS-Bench-201 table, next to a plain
# Python loop of the NAS-Bench-201 authors' regularized evolution over the
# same table (dict lookups, no store) in the same run:
#   1. start-up: `nasc-run search` with a budget of 1 (best of 3), and the
#      same through `nasc search` (compiling the .nas first);
#   2. end to end: 100,000 evaluations of regularized evolution with the
#      store (cheap evaluations committed together every 50 ms);
#   3. the strategies' own ask + tell rate (bench/strategy_speed.cpp), on
#      NAS-Bench-201 and on FBNet's space (9^22: random search never runs
#      out there).
#   bench/search_loop.sh [BUILD_DIR]
. "$(dirname "$0")/common.sh"
"$build/bin/nasc" compile "$root/examples/nb201_evolution.nas" --emit=artefact -o "$tmp/nb201.nasa"
# Wall time of a command, measured inside one Python process (a shell
# timer that starts Python twice would add its own start-up).
timed() { python3 -c 'import subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(f"{time.perf_counter() - t:.3f}")' "$@"; }
cd "$root"
best=""
for i in 1 2 3; do
  rm -rf "$tmp/run"
  s=$(timed "$build/bin/nasc-run" search "$tmp/nb201.nasa" --budget 1 --out "$tmp/run" --quiet)
  best=$(python3 -c "print(min([$best${best:+,}$s]))")
done
echo "start-up to the first evaluation (nasc-run, budget 1, best of 3): $best s"
rm -rf "$tmp/run"
echo "the same through nasc search (compiles first): $(timed "$build/bin/nasc" search examples/nb201_evolution.nas --budget 1 --out "$tmp/run" --quiet) s"
rm -rf "$tmp/run"
t=$(timed "$build/bin/nasc-run" search "$tmp/nb201.nasa" --strategy evolution --budget 100000 --out "$tmp/run" --quiet)
python3 -c "t = $t; print(f'100,000 evaluations with the store (evolution, start-up included): {t:.2f} s, {100000 / t:,.0f} evaluations/s')"
python3 - "$root/../shared/data/nb201/nb201_cifar10.csv" <<'PY'
# The reference: the NAS-Bench-201 authors' REA loop in plain Python, the
# table in a dict, no store (what the issue measured at ~26,000/s).
import collections, csv, random, sys, time
rows = {r["arch"]: float(r["cifar10_valid_acc"]) for r in csv.DictReader(open(sys.argv[1]))}
ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
def arch_str(a):
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*a)
def mutate(a):
    a = list(a); i = random.randrange(6); a[i] = random.choice([o for o in ops if o != a[i]]); return tuple(a)
random.seed(0)
t0 = time.time(); n = 0
population = collections.deque()
while n < 100000:
    if len(population) < 50:
        child = tuple(random.choice(ops) for _ in range(6))
    else:
        parent = max(random.choices(population, k=25), key=lambda m: m[1])
        child = mutate(parent[0])
    population.append((child, rows[arch_str(child)])); n += 1
    if len(population) > 50:
        population.popleft()
t = time.time() - t0
print(f"reference: plain Python REA (P=50, S=25), 100,000 proposals, no store: {t:.2f} s, {n / t:,.0f} /s")
PY
bin="$build/bin/strategy_speed"
if [ ! -x "$bin" ]; then
  bin="$tmp/strategy_speed"
  g++ -O2 -std=c++17 -I"$root/runtime/include" "$root/bench/strategy_speed.cpp" \
    "$build/runtime/libnasc_runtime.a" -lsqlite3 -lz -o "$bin"
fi
"$build/bin/nasc" compile "$root/bench/fbnet_space.nas" --emit=artefact -o "$tmp/fbnet.nasa"
(cd "$root" && "$bin" "$tmp/nb201.nasa" --base "$root" --n 1000000 --large "$tmp/fbnet.nasa")
