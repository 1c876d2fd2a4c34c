"""Checks every architecture a search stored against the compiler: its ID and
hash are what `nasc info SPACE --arch ID` says (canonical), and the params
and FLOPs the runtime measured on the network it built are the compiler's.
Prints the stored IDs, sorted.

usage: store_costs.py SEARCH.db SPACE.nas [--search NAME]
"""
import json
import sqlite3
import subprocess
import sys

db, space = sys.argv[1:3]
extra = sys.argv[3:]
rows = sqlite3.connect(db).execute("select id, hash, metrics from evaluations").fetchall()
if not rows:
    sys.exit("no evaluations in " + db)
for arch, h, metrics in sorted(rows):
    m = json.loads(metrics)
    line = subprocess.check_output(["nasc", "info", space, *extra, "--arch", arch], text=True).rstrip("\n")
    cid, chash, params, flops = line.split("\t")
    if (cid, chash) != (arch, h):
        sys.exit(f"stored {arch} ({h}); the compiler calls it {cid} ({chash})")
    if (int(params), int(flops)) != (int(m["params"]), int(m["flops"])):
        sys.exit(f"{arch}: runtime params/flops {m['params']}/{m['flops']}, compiler {params}/{flops}")
    print(arch)
print(len(rows), "architectures, costs agree")
