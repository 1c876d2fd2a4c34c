#!/usr/bin/env python3
"""How long `nasc check` takes on each standard-library file.

Prints, per file, the median wall time of: the process start alone
(`nasc --help`, the reference every run pays), parsing only
(`compile --emit=ast`), and the full check, next to the 50 ms target.
Usage: bench/check_time.py [--runs N] [--nasc build/bin/nasc] [FILES...]
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_MS = 50.0


def median_ms(cmd, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--nasc", default=os.path.join(ROOT, "build", "bin", "nasc"))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "stdlib", "**", "*.nas"), recursive=True))
    if not os.path.exists(args.nasc):
        sys.exit(f"check_time: no nasc at {args.nasc}; build first (scripts/build.sh)")

    startup = median_ms([args.nasc, "--help"], args.runs)
    print(f"process start (nasc --help): {startup:.1f} ms, median of {args.runs}")
    print(f"{'file':42} {'lines':>6} {'parse ms':>9} {'check ms':>9} {'target':>7}  verdict")
    worst = 0.0
    for path in files:
        with open(path) as f:
            lines = sum(1 for _ in f)
        parse = median_ms([args.nasc, "compile", "--emit=ast", path], args.runs)
        check = median_ms([args.nasc, "check", path], args.runs)
        worst = max(worst, check)
        verdict = "ok" if check < TARGET_MS else "SLOW"
        print(f"{os.path.relpath(path, ROOT):42} {lines:6d} {parse:9.1f} {check:9.1f} {TARGET_MS:7.0f}  {verdict}")
    print(f"slowest check: {worst:.1f} ms (target {TARGET_MS:.0f} ms per file)")


if __name__ == "__main__":
    main()
