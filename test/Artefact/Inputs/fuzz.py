"""Damages an artefact at many places; the reader must reject every damaged
copy with status 1 and a message naming the file (never crash, never accept
a truncated or corrupted file). fuzz.py READER ARTEFACT TMPDIR N"""
import os
import random
import subprocess
import sys

reader, good, tmp, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
raw = open(good, "rb").read()
rng = random.Random(20261122)
bad = os.path.join(tmp, "damaged.nasa")
accepted = crashed = 0
for i in range(n):
    data = bytearray(raw)
    if i % 2 == 0:
        data = data[: rng.randrange(0, len(data) - 1)]
    else:
        pos = rng.randrange(0, len(data))
        data[pos] = (data[pos] + rng.randrange(1, 255)) % 256
    open(bad, "wb").write(bytes(data))
    r = subprocess.run([reader, bad], capture_output=True, text=True)
    if r.returncode == 0:
        accepted += 1
    elif r.returncode != 1 or bad not in r.stderr:
        crashed += 1
        print(f"case {i}: status {r.returncode}: {r.stderr[:200]}")
print(f"damaged copies: {n}; accepted: {accepted}; crashed or unclear: {crashed}")
