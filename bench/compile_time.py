#!/usr/bin/env python3
"""How long nasc takes from source to the compiled artefact.

For each standard-library space, and for generated spaces of 2,500 to
10,000 lines, prints the median wall time of `nasc check` (parse and
semantic checks: the reference every compile pays), of
`nasc compile --emit=mlir-lowered` (MLIRGen, instantiation, shape and
channel inference over every alternative, exact size) and of
`nasc compile -o x.nasa` (all of that plus the artefact: parse to
artefact), with the targets on the last: DARTS under 50 ms, 10,000 lines
under 1 s and growing linearly. A space nasc cannot write as an artefact
yet shows "refused".
Usage: bench/compile_time.py [--runs N] [--nasc build/bin/nasc]
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_ms(cmd, runs, may_fail=False):
    """Median wall time; None when the command fails and `may_fail`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            if may_fail:
                return None
            sys.exit(f"compile_time: {' '.join(cmd)} failed:\n{done.stderr.decode()[:2000]}")
    return statistics.median(times)


def row(name, lines, check, lowered, artefact, target_ms):
    shown = "refused" if artefact is None else f"{artefact:.1f}"
    verdict = ""
    if target_ms:
        verdict = f"< {target_ms} ms " + ("ok" if artefact is not None and artefact < target_ms else "SLOW")
    print(f"{name:34} {lines:6d} {check:9.1f} {lowered:11.1f} {shown:>12}  {verdict}")


def generated_space(layers):
    """A macro space of `layers` searched layers in blocks of 8 (4 lines a
    layer): kernel and width choices, a skip every other layer."""
    out = ['import "std/ops";', "", "network Generated() {", "  input image: tensor(3, 32, 32);",
           "  node l0 = image |> conv(16, kernel=3);"]
    for i in range(1, layers + 1):
        out.append(f"  choice k{i}: [1, 3, 5];")
        out.append(f"  choice w{i}: [16, 24, 32];")
        if i % 2 == 0:
            out.append(f"  node l{i} = sum(l{i-1}, l{i-1} |> conv(w{i}, kernel=k{i}) |> conv(16, kernel=1));")
        else:
            out.append(f"  node l{i} = l{i-1} |> conv(w{i}, kernel=k{i}) |> conv(16, kernel=1);")
        out.append("")
    out.append(f"  output l{layers} |> global_avg_pool |> linear(10);")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nasc", default=os.path.join(ROOT, "build", "bin", "nasc"))
    args = parser.parse_args()
    if not os.path.exists(args.nasc):
        sys.exit(f"compile_time: no nasc at {args.nasc}; build first (scripts/build.sh)")

    print(f"{'space':34} {'lines':>6} {'check ms':>9} {'lowered ms':>11} {'artefact ms':>12}  target (artefact)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "space.nasa")
        for path in sorted(glob.glob(os.path.join(ROOT, "stdlib", "spaces", "*.nas"))):
            lines = sum(1 for _ in open(path))
            check = median_ms([args.nasc, "check", path], args.runs)
            lowered = median_ms([args.nasc, "compile", "--emit=mlir-lowered", path], args.runs)
            artefact = median_ms([args.nasc, "compile", path, "-o", out], args.runs, may_fail=True)
            row(os.path.relpath(path, ROOT), lines, check, lowered, artefact, 50 if "darts" in path else None)

        per_line = []
        stdlib = ["--stdlib", os.path.join(ROOT, "stdlib")]
        runs = max(1, args.runs // 2)
        for layers in (625, 1250, 2500):
            path = os.path.join(tmp, f"generated_{layers}.nas")
            with open(path, "w") as f:
                f.write(generated_space(layers))
            lines = sum(1 for _ in open(path))
            check = median_ms([args.nasc, "check", *stdlib, path], runs)
            lowered = median_ms([args.nasc, "compile", "--emit=mlir-lowered", *stdlib, path], runs)
            artefact = median_ms([args.nasc, "compile", *stdlib, path, "-o", out], runs)
            per_line.append(artefact / lines)
            row(f"generated ({layers} layers)", lines, check, lowered, artefact, 1000 if lines >= 10000 else None)
        growth = per_line[-1] / per_line[0]
        print(f"parse-to-artefact time per line, 10,000 vs 2,500 lines: x{growth:.2f} (1.0 is linear)")


if __name__ == "__main__":
    main()
