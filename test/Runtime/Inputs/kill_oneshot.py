"""Kills a one-shot search (SIGKILL to its process group) once its first
epoch checkpoint exists, resumes it, and compares the resumed run with an
uninterrupted one: the epoch rows (all but their wall times), the stored
evaluation (all but times and measured latency) and the printed best and
reported lines must be identical.

usage: kill_oneshot.py NASC FILE.nas SEARCH CHECKPOINT FULL_DIR KILLED_DIR
"""
import json, os, signal, sqlite3, subprocess, sys, time

nasc, source, search, checkpoint, full, killed = sys.argv[1:7]


def run(out, resume=False):
    cmd = [nasc, "search", source, "--search", search, "--out", out, "--quiet"] + (["--resume"] if resume else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True)


def rows(out):
    db = sqlite3.connect(os.path.join(out, "search.db"))
    epochs = []
    for epoch, figures in db.execute("SELECT epoch, figures FROM epochs ORDER BY epoch"):
        f = json.loads(figures)
        f.pop("seconds")
        epochs.append((epoch, f))
    evals = []
    for row in db.execute("SELECT seq, id, hash, score, metrics, report FROM evaluations ORDER BY seq"):
        metrics = json.loads(row[4])
        for k in ("latency", "train_seconds"):
            metrics.pop(k, None)
        evals.append(row[:4] + (metrics, json.loads(row[5])))
    return epochs, evals


def printed(stdout):
    return [l for l in stdout.splitlines() if l.startswith(("best:", "  reported:", "derived:"))]


reference = run(full)
proc = subprocess.Popen([nasc, "search", source, "--search", search, "--out", killed, "--quiet"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
ckpt = os.path.join(killed, checkpoint)
deadline = time.time() + 300
while not os.path.exists(ckpt) and proc.poll() is None and time.time() < deadline:
    time.sleep(0.01)
if proc.poll() is not None:
    sys.exit("the search ended before its first checkpoint: nothing was killed")
os.killpg(proc.pid, signal.SIGKILL)
proc.wait()
print("killed with", len(rows(killed)[0]), "epoch rows and", len(rows(killed)[1]), "evaluations stored")
resumed = run(killed, resume=True)
sys.stdout.write(resumed.stderr)
same = rows(full) == rows(killed) and printed(reference.stdout) == printed(resumed.stdout)
if not same:
    print("full:   ", rows(full), printed(reference.stdout))
    print("resumed:", rows(killed), printed(resumed.stdout))
    sys.exit("the resumed run differs from the uninterrupted one")
print("identical:", len(rows(full)[0]), "epochs,", printed(resumed.stdout)[0])
