#!/usr/bin/env python3
"""Property check of `nasc info`'s cost ranges: every architecture's exact
params and FLOPs (nasc info --archs, the compiler's cost model) lie inside
the reported `params: lo .. hi` and `flops: lo .. hi`; for spaces of at most
--enumerate architectures (without float decisions) every architecture is
costed and the range must equal the enumerated minimum and maximum.
Architectures that break a requirement over decisions (nasc warns) are not
in the space and are left out.

Usage: scripts/check_cost_ranges.py [--nasc build/bin/nasc] [--samples N]
       [--enumerate N] [--seed S] FILE.nas...
Prints one line per space; exits 1 when a range excludes an architecture's
cost, or an enumerated range differs."""
import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def values(d, rng=None):
    """The decision's values as IDs write them (all, or one drawn with rng)."""
    kind = d["kind"]
    if kind == "categorical":
        vals = d["values"]
    elif kind == "int range":
        vals = list(range(d["lo"], d["hi"] + 1, d["step"])) if rng is None else None
        if rng is not None:
            return str(rng.randrange(d["lo"], d["hi"] + 1, d["step"]))
        vals = [str(v) for v in vals]
    elif kind == "float range":
        lo, hi = d["lo"], d["hi"]
        pts = [lo, hi, (lo + hi) / 2]
        if rng is not None:
            return repr(rng.uniform(lo, hi))
        vals = [repr(p) for p in pts]
    elif kind in ("input choice", "input subset"):
        n = d["candidates"]
        ks = [d["count"]] if kind == "input choice" else range(0, n + 1)
        subsets = [c for k in ks for c in itertools.combinations(range(n), k)]
        vals = ["+".join(map(str, c)) if c else "none" for c in subsets]
    else:
        raise SystemExit(f"unknown decision kind {kind}")
    return rng.choice(vals) if rng is not None else vals


def cost_range(text, what):
    m = re.search(rf"^  {what}: (\d+) \.\. (\d+)", text, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def costs(nasc, path, space, ids):
    """params and flops of each ID that is an architecture of the space
    (IDs breaking a requirement are left out)."""
    out = []
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(ids) + "\n")
        name = f.name
    try:
        r = subprocess.run([nasc, "info", path, "--space", space, "--archs", name], capture_output=True, text=True)
    finally:
        os.unlink(name)
    if r.returncode != 0:
        return None, r.stderr
    # An architecture that breaks a requirement is warned about: not in the space.
    broken = set(re.findall(r"architecture '([^']*)' breaks this requirement", r.stderr))
    for line in r.stdout.strip().split("\n"):
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] not in broken:
            out.append((parts[0], float(parts[2]), float(parts[3])))
    return out, r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nasc", default=os.path.join(ROOT, "build", "bin", "nasc"))
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--enumerate", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    for path in args.files:
        info = json.loads(subprocess.run([args.nasc, "info", "--json", path], capture_output=True, text=True,
                                         check=True).stdout)
        # `nasc info` prints one block per space, each opened by "space NAME (".
        whole = subprocess.run([args.nasc, "info", path], capture_output=True, text=True).stdout
        blocks = {m.group(1): m.group(0) for m in re.finditer(r"^space (\S+) \(.*?(?=^space |\Z)", whole, re.M | re.S)}
        for sp in info:
            name = sp["space"]
            text = blocks.get(name, "")
            pr, fr = cost_range(text, "params"), cost_range(text, "flops")
            if pr is None or fr is None:
                print(f"{path} {name}: no cost range reported")
                continue
            ds = sp["decisions"]
            if not ds:
                print(f"{path} {name}: no decisions; params {pr[0]} .. {pr[1]}, flops {fr[0]} .. {fr[1]}")
                continue
            size = sp["size"]
            exhaustive = size.isdigit() and int(size) <= args.enumerate and not sp["continuous"]
            if exhaustive:
                combos = itertools.product(*[values(d) for d in ds])
                ids = sorted({",".join(f"{d['name']}={v}" for d, v in zip(ds, c)) for c in combos})
            else:
                ids = [",".join(f"{d['name']}={values(d, rng)}" for d in ds) for _ in range(args.samples)]
            got, err = costs(args.nasc, path, name, ids)
            if got is None:
                print(f"{path} {name}: nasc info --archs failed: {err.strip().splitlines()[0] if err.strip() else '?'}")
                failures += 1
                continue
            bad = [(i, p, f) for i, p, f in got if not (pr[0] <= p <= pr[1] and fr[0] <= f <= fr[1])]
            for i, p, f in bad[:3]:
                print(f"  OUTSIDE: {i}: params {p:.0f} not in {pr} or flops {f:.0f} not in {fr}")
            failures += bool(bad)
            label = f"{path} {name}: {len(got)} architectures " + ("(all)" if exhaustive else "(sampled)")
            if exhaustive and got:
                exact = ((min(p for _, p, _ in got), max(p for _, p, _ in got)),
                         (min(f for _, _, f in got), max(f for _, _, f in got)))
                if exact != (pr, fr):
                    print(f"  RANGE DIFFERS: reported params {pr} flops {fr}, enumerated {exact}")
                    failures += 1
            print(f"{label}: {'ok' if not bad else 'FAIL'}; params {pr[0]} .. {pr[1]}, flops {fr[0]} .. {fr[1]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
