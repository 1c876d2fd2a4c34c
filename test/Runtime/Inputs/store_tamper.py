"""Edits a run's experiment store the way a hand or a damaged disk would.

store_tamper.py DB KIND: score (raise row 3's score) | id (another
architecture's ID in row 3, hash left) | hash (row 3's hash) | gap (delete
row 3) | json (row 3's metrics not JSON) | snapshot (edit the strategy
state) | empty (truncate to 0 bytes); forged-score, forged-id and
forged-snapshot make the same edits with the checksum recomputed, as a
forger would, so the checks behind the checksum are seen; same points the
last row that shares an earlier row's texts at row 1, forged-same at a later
row."""
import sqlite3
import sys

db, kind = sys.argv[1], sys.argv[2]
if kind == "empty":
    open(db, "w").close()
    for suffix in ("-wal", "-shm"):
        try:
            open(db + suffix, "w").close()
        except OSError:
            pass
    sys.exit(0)
c = sqlite3.connect(db)


def fnv(text):
    h = 1469598103934665603
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return "%016x" % h


def real17(v):
    return "%.17g" % v


# Format 3 keeps the rows in evaluation_rows (`evaluations` is a view that
# shows them whole).
def reseal(seq):
    cols = c.execute("SELECT seq, id, hash, architecture, metrics, report, objectives, score, feasible, violated,"
                     " error, cached, seconds, timestamp, same FROM evaluation_rows WHERE seq = ?", (seq,)).fetchone()
    parts = [str(cols[0]), cols[1], cols[2], cols[3], cols[4], cols[5], cols[6],
             real17(cols[7] if cols[7] is not None else float("nan")), str(cols[8]), cols[9], cols[10],
             str(cols[11]), real17(cols[12]), cols[13]]
    if cols[14]:  # `same` is read only where set
        parts.append(str(cols[14]))
    c.execute("UPDATE evaluation_rows SET checksum = ? WHERE seq = ?", (fnv("".join(p + "\x1f" for p in parts)), seq))


forged = kind.startswith("forged-")
kind = kind[len("forged-"):] if forged else kind
if kind == "score":
    c.execute("UPDATE evaluation_rows SET score = score + 5 WHERE seq = 3")
elif kind == "id":
    other = c.execute("SELECT id FROM evaluations WHERE id != (SELECT id FROM evaluations WHERE seq = 3)").fetchone()[0]
    c.execute("UPDATE evaluation_rows SET id = ? WHERE seq = 3", (other,))
elif kind == "hash":
    c.execute("UPDATE evaluation_rows SET hash = '0123456789abcdef' WHERE seq = 3")
elif kind == "gap":
    c.execute("DELETE FROM evaluation_rows WHERE seq = 3")
elif kind == "json":
    c.execute("UPDATE evaluation_rows SET metrics = '{\"accuracy\": ' WHERE seq = 3")
elif kind == "same":
    # The last row that names an earlier one now names row 1 (forged: a
    # later row, with the checksum recomputed).
    seq = c.execute("SELECT max(seq) FROM evaluation_rows WHERE same IS NOT NULL").fetchone()[0]
    c.execute("UPDATE evaluation_rows SET same = ? WHERE seq = ?", (seq + 1 if forged else 1, seq))
    if forged:
        reseal(seq)
    forged = False
elif kind == "snapshot":
    c.execute("UPDATE snapshot SET state = '{\"not\": \"an evolution state\"}'")
else:
    sys.exit("store_tamper.py: unknown kind " + kind)
if forged and kind == "snapshot":
    seq, state = c.execute("SELECT seq, state FROM snapshot").fetchone()
    c.execute("UPDATE snapshot SET checksum = ?", (fnv(str(seq) + "\x1f" + state + "\x1f"),))
elif forged:
    reseal(3)
c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.close()
