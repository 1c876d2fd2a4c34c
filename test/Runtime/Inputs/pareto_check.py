"""Checks a run's exported Pareto set against its store: the set is every
feasible row (no error, score finite) that no other such row beats on both
objectives (accuracy up, params down), one per architecture."""
import csv
import json
import math
import os
import sqlite3
import sys

db, folder = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
rows = {}
for rid, objectives, score in con.execute("SELECT id, objectives, score FROM evaluations ORDER BY seq"):
    if score is None or isinstance(score, str) or math.isinf(score):
        continue  # -inf: failed or infeasible
    acc, params = json.loads(objectives)
    rows.setdefault(rid, (acc, params))
front = set()
for rid, (a, p) in rows.items():
    beaten = any(a2 >= a and p2 <= p and (a2 > a or p2 < p) for a2, p2 in rows.values())
    if not beaten:
        front.add(rid)
with open(os.path.join(folder, "pareto.csv")) as f:
    exported = {r["id"] for r in csv.DictReader(f)}
nas = {n for n in os.listdir(folder) if n.endswith(".nas")}
assert exported == front, (sorted(exported - front), sorted(front - exported))
assert len(nas) == len(front), (len(nas), len(front))
print("pareto set matches the store:", len(front), "architectures")
