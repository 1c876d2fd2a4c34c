"""Damages an artefact's payload semantically (valid header and checksum
around an edited payload: a value swapped for a wrong type, a negative or
huge number, a dangling name, a key or element removed, a tree nested
deeper than the reader allows) and checks every copy: the reader either
accepts it or refuses it with status 1 and a message naming the file and a
JSON path; never a crash, never a raw JSON library message. Accepted
copies are then run (up to RUNS of them) by the runtime, which must finish
or refuse with a clear error, never crash.

semantic_fuzz.py READER ARTEFACT TMPDIR N [RUNTIME RUNS]"""
import json
import os
import random
import re
import subprocess
import sys
import zlib

reader, good, tmp, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
runtime = sys.argv[5] if len(sys.argv) > 5 else None
runs = int(sys.argv[6]) if len(sys.argv) > 6 else 0
raw = open(good, "rb").read()
payload = json.loads(raw.split(b"\n", 1)[1])
rng = random.Random(20261205)


def places(v, path):
    """Every (container path, key) in the payload."""
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            out.append((path, k))
            out += places(x, path + [k])
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out.append((path, i))
            out += places(x, path + [i])
    return out


sites = places(payload, [])
DEEP = "DEEP_TREE_MARKER"
values = [-1, -(10**15), 10**15, 2**63, 0, 2.5, "bogus", None, [], {}, True, {"const": -7},
          {"decision": "no_such_decision"}, {"op": "arith.frob", "args": []}, {"arg": 999}, DEEP]


def mutate():
    p = json.loads(json.dumps(payload))
    path, key = sites[rng.randrange(len(sites))]
    parent = p
    for k in path:
        parent = parent[k]
    if rng.random() < 0.2:
        del parent[key]
    else:
        parent[key] = values[rng.randrange(len(values))]
    text = json.dumps(p)
    if DEEP in text:  # json.dumps itself cannot nest 50,000 deep
        deep = '{"op":"arith.addi","args":[' * 50000 + '1' + ',1]}' * 50000
        text = text.replace('"' + DEEP + '"', deep, 1)
    data = (text + "\n").encode()
    return b"NASA 1 %d %08x\n" % (len(data), zlib.crc32(data)) + data


accepted = refused = unclear = ran = run_unclear = 0
for i in range(n):
    bad = os.path.join(tmp, "mutant%d.nasa" % i)
    open(bad, "wb").write(mutate())
    r = subprocess.run([reader, bad], capture_output=True, text=True)
    if r.returncode == 0:
        accepted += 1
        if runtime and ran < runs:
            ran += 1
            out = os.path.join(tmp, "run%d" % i)
            rr = subprocess.run([runtime, "search", bad, "--budget", "3", "--strategy", "random", "--out", out,
                                 "--quiet"], capture_output=True, text=True)
            last = (rr.stderr.strip().splitlines() or [""])[-1]
            if rr.returncode not in (0, 1) or (rr.returncode == 1 and not last.startswith("nasc: error: ")) \
                    or "terminate called" in rr.stderr or "[json.exception" in rr.stderr:
                run_unclear += 1
                print(f"run {i}: status {rr.returncode}: {rr.stderr[-300:]}")
        os.remove(bad)
        continue
    # "READER: error: FILE: json.path: what"
    m = re.match(r"nasa-check: error: " + re.escape(bad) + r": [A-Za-z_][\w.\[\]]*(\.\.\.)?: ", r.stderr)
    if r.returncode == 1 and m and "json.exception" not in r.stderr and "malformed" not in r.stderr:
        refused += 1
        os.remove(bad)
    else:
        unclear += 1
        print(f"case {i}: status {r.returncode}: {r.stderr[:300]}")
print(f"semantic mutants: {n}; crashed or unclear: {unclear}; runs crashed or unclear: {run_unclear}")
print(f"accepted: {accepted}; refused with a JSON path: {refused}", file=sys.stderr)
