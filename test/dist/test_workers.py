#!/usr/bin/env python3
"""Searches on MPI workers (docs/scaling.md), as a user runs them.

  test_workers.py BUILD_DIR

- A table search on `--workers 3` twice and under `mpirun -np 4` by hand:
  the same evaluations in the same order (the ordered window); with
  --asynchronous it still evaluates the whole budget.
- A search that trains on real CIFAR-10 images: `--workers 1` stores exactly
  the serial search's rows; `--workers 2` killed by SIGKILL of one worker
  rank mid-search, then `--resume`d: no row stored before the kill changes,
  no finished evaluation is lost, and the run ends with exactly the rows of
  an uninterrupted `--workers 2` run.
- Refusals end every rank (no hang): a one-shot method on workers, a run
  folder already holding a run, --workers for `train`.

Exits 77 (skipped) when the data or Open MPI's mpirun is missing.
"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))

TRAIN = """\
import "std/ops";
import "std/search";

network SmallNet(classes: int = 10) {
  input image: tensor(3, 32, 32);
  choice width1: [8, 16];
  choice kernel1: [3, 5];
  choice width2: [16, 32];
  choice depth2: 1..2;
  node stage1 = image |> conv_bn_relu(width1, kernel=kernel1) |> max_pool(3, stride=2);
  node stage2 = stage1 |> repeat(depth2, conv_bn_relu(width2, kernel=3)) |> max_pool(3, stride=2);
  output stage2 |> global_avg_pool |> linear(classes);
}

search WorkersTrain {
  space = SmallNet();
  dataset = cifar10(root="%s/cifar10-subset", valid_fraction=0.5);
  estimator = low_fidelity(epochs=1, subset=0.25);
  choice lr: 0.02..0.2 log;
  optimizer = sgd(lr=lr, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = evolution(population=3, sample=2);
  evaluations = 8;
  seed = 0;
  maximize accuracy;
}
"""

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def rows(folder):
    db = sqlite3.connect("file:%s/search.db?mode=ro" % folder, uri=True)
    try:
        return db.execute("SELECT seq, hash, score, error FROM evaluations ORDER BY seq").fetchall()
    finally:
        db.close()


def pending(folder):
    db = sqlite3.connect("file:%s/search.db?mode=ro" % folder, uri=True)
    try:
        return db.execute("SELECT count(*) FROM pending").fetchone()[0]
    finally:
        db.close()


def kill_rank(rank, marker):
    """SIGKILLs the process of MPI rank `rank` whose command line holds
    `marker` (bytes); its pid, or None when there is none yet."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                environ = f.read().split(b"\0")
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if b"OMPI_COMM_WORLD_RANK=%d" % rank in environ and marker in cmdline:
            os.kill(int(pid), signal.SIGKILL)
            return int(pid)
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    nasc = os.path.join(build, "bin", "nasc")
    mpirun = shutil.which("mpirun")
    for need in (os.path.join(DATA, "nb201", "nb201_cifar10.csv"), os.path.join(DATA, "cifar10-subset")):
        if not os.path.exists(need):
            print("skipped: %s is missing" % need)
            return 77
    if not mpirun:
        print("skipped: Open MPI's mpirun is not installed (scripts/setup.sh installs openmpi-bin)")
        return 77
    env = dict(os.environ)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    tmp = tempfile.mkdtemp(prefix="nasc-workers-")

    def search(*args, timeout=300):
        p = subprocess.run([nasc, "search"] + list(args), cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout + p.stderr

    try:
        # --- a table search: ordered workers are deterministic -------------
        table = os.path.join(ROOT, "examples", "nb201_evolution.nas")
        t1, t2, t3 = (os.path.join(tmp, n) for n in ("t1", "t2", "t3"))
        rc, out = search(table, "--workers", "3", "--budget", "300", "--out", t1)
        check(rc == 0 and "on 3 workers (MPI, ordered)" in out, "table search on --workers 3 runs")
        check(re.search(r"3 workers evaluated \d+ architectures", out) is not None, "it reports what the workers did")
        check(len(rows(t1)) == 300 and pending(t1) == 0, "300 rows stored, nothing left pending")
        p = subprocess.run([mpirun, "--oversubscribe", "-np", "4", nasc, "search", table, "--budget", "300",
                            "--out", t2, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, "mpirun -np 4 nasc search runs (%d)" % p.returncode)
        check(rows(t2) == rows(t1), "mpirun -np 4 stores the same rows as --workers 3")
        left = [f for f in os.listdir(t2) if f.endswith(".new")]
        check(not left, "no rank leaves its compiled temporary behind (%s)" % left)
        rc, out = search(table, "--workers", "3", "--budget", "300", "--out", t3, "--asynchronous", "--quiet")
        got = rows(t3)
        check(rc == 0 and [r[0] for r in got] == list(range(1, 301)), "--asynchronous evaluates the whole budget")

        # --- refusals end every rank ---------------------------------------
        rc, out = search(table, "--workers", "3", "--budget", "300", "--out", t1, timeout=120)
        check(rc != 0 and "already holds" in out and rows(t1) == rows(t2),
              "a folder holding a run is refused on workers, untouched")
        rc, out = search(table, "--workers", "2", "--strategy", "spos", "--out", os.path.join(tmp, "spos"),
                         timeout=120)
        check(rc != 0 and "one-shot method" in out, "a one-shot method on workers is refused clearly")
        p = subprocess.run([nasc, "train", table, "--workers", "2", "--arch", "x"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 2 and "--workers is for 'search'" in p.stderr, "--workers for train is a usage error")

        # --- training: one worker is the serial search ---------------------
        source = os.path.join(tmp, "train.nas")
        with open(source, "w") as f:
            f.write(TRAIN % DATA)
        serial, one, ref, killed = (os.path.join(tmp, n) for n in ("serial", "one", "ref", "killed"))
        rc, _ = search(source, "--out", serial, "--quiet")
        check(rc == 0, "serial training search runs")
        rc, _ = search(source, "--workers", "1", "--out", one, "--quiet")
        check(rc == 0 and rows(one) == rows(serial), "--workers 1 stores exactly the serial search's rows")
        rc, out = search(source, "--workers", "2", "--out", ref)
        check(rc == 0 and os.path.exists(os.path.join(ref, "best.pt")) and len(rows(ref)) == 8,
              "--workers 2 trains 8 evaluations and the best standalone")

        # --- SIGKILL of one worker rank, then --resume ---------------------
        proc = subprocess.Popen([nasc, "search", source, "--workers", "2", "--out", killed, "--quiet"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        victim, before = None, []
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(os.path.join(killed, "search.db")):
                try:
                    before = rows(killed)
                except sqlite3.Error:
                    before = []
            if len(before) >= 3:
                victim = kill_rank(1, killed.encode())
                if victim:
                    break
            time.sleep(0.05)
        proc.communicate(timeout=120)
        check(victim is not None and proc.returncode != 0,
              "worker rank 1 killed mid-search ends the run (status %s)" % proc.returncode)
        stored = rows(killed)
        check(len(stored) < 8, "the killed run stopped short (%d rows)" % len(stored))
        rc, out = search(source, "--workers", "2", "--out", killed, "--resume")
        final = rows(killed)
        check(rc == 0, "--resume on 2 workers completes")
        check(final[:len(stored)] == stored, "no row stored before the kill changed")
        check(final == rows(ref), "the resumed run ends with exactly the uninterrupted run's rows")
        check(pending(killed) == 0, "nothing left pending")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
