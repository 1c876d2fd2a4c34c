"""Damages a run folder's files and reads its store, for resume-damage.test.

run_damage.py truncate FILE...   each FILE to half its size
run_damage.py best-weights DIR OUT   truncate DIR/weights/<best hash>.pt (the hash from OUT, nasc's output)
run_damage.py rows DB            print 'rows N finished yes|no' (read from a copy: no -shm left behind)"""
import os
import re
import shutil
import sqlite3
import sys
import tempfile

what, args = sys.argv[1], sys.argv[2:]
if what == "truncate":
    for f in args:
        os.truncate(f, os.path.getsize(f) // 2)
elif what == "best-weights":
    best = re.search(r"^  hash: (\S+)$", open(args[1]).read(), re.M).group(1)
    f = os.path.join(args[0], "weights", best + ".pt")
    os.truncate(f, os.path.getsize(f) // 2)
    print(f)
elif what == "rows":
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "s.db")
        shutil.copyfile(args[0], copy)
        if os.path.exists(args[0] + "-wal"):
            shutil.copyfile(args[0] + "-wal", copy + "-wal")
        c = sqlite3.connect(copy)
        n = c.execute("SELECT count(*) FROM evaluations").fetchone()[0]
        fin = c.execute("SELECT count(*) FROM meta WHERE key = 'finished'").fetchone()[0]
        c.close()
    print(f"rows {n} finished {'yes' if fin else 'no'}")
else:
    sys.exit("run_damage.py: unknown command " + what)
