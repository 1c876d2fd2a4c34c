#!/usr/bin/env python3
"""The PostgreSQL store (docs/scaling.md) against a real server.

  test_postgres.py BUILD_DIR

Starts its own PostgreSQL server (Debian's postgresql: initdb into a
temporary folder, listening on 127.0.0.1 at a free port, trust
authentication), stops it at the end, and checks as a user would:
- a table search with --storage postgresql://... stores exactly the rows of
  the same search in SQLite; a run without ?run= is named after its folder;
- --resume from PostgreSQL continues to the same rows as an uninterrupted run;
- two searches writing two runs of one database at once both complete;
  a second writer of a run that is in use is refused;
- a training search on 2 MPI workers with its store in PostgreSQL, one worker
  rank killed with SIGKILL, resumed: the rows of an uninterrupted run;
- the Python module's study (ask/tell) stores in PostgreSQL and resumes;
- an edited row is refused on resume, naming the run and the row; a server
  that is not there is a clear error.

Exits 77 (skipped) when the server binaries, the data or mpirun are missing.
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_workers import TRAIN, check, failures, kill_rank  # noqa: E402  shared with the workers' test



def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A PostgreSQL server of this test's own, on loopback."""

    def __init__(self, tmp):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = os.path.dirname(bins[-1])
        self.dir = os.path.join(tmp, "pg")
        os.makedirs(self.dir)
        self.port = free_port()
        # PostgreSQL refuses to run as root: as root, run it as its own user.
        self.prefix = []
        if os.geteuid() == 0:
            import pwd
            user = pwd.getpwnam("postgres")
            os.chown(tmp, user.pw_uid, user.pw_gid)
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.run([os.path.join(self.bin, "initdb"), "-D", self.dir + "/data", "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync"])
        self.run([os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "-o",
                  "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (self.port, self.dir), "start"])
        self.uri = "postgresql://postgres@127.0.0.1:%d/postgres" % self.port

    def run(self, cmd):
        p = subprocess.run(self.prefix + cmd, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s failed: %s" % (cmd[0], p.stdout + p.stderr))

    def query(self, sql):
        p = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                            "-At", "-F", "|", "-c", sql], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr)
        return [line.split("|") for line in p.stdout.splitlines() if line]

    def stop(self):
        subprocess.run(self.prefix + [os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-m", "fast", "-w",
                                      "stop"], capture_output=True, timeout=120)


def sqlite_rows(folder):
    import sqlite3
    db = sqlite3.connect("file:%s/search.db?mode=ro" % folder, uri=True)
    try:
        return [(s, h, float(v) if v is not None else None)
                for s, h, v in db.execute("SELECT seq, hash, score FROM evaluations ORDER BY seq")]
    finally:
        db.close()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    nasc = os.path.join(os.path.abspath(sys.argv[1]), "bin", "nasc")
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("psql"):
        print("skipped: PostgreSQL's server or psql is not installed (scripts/setup.sh installs postgresql)")
        return 77
    if not os.path.exists(os.path.join(DATA, "nb201", "nb201_cifar10.csv")) or not shutil.which("mpirun"):
        print("skipped: the NAS-Bench-201 table or mpirun is missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="nasc-pg-")
    server = Server(tmp)
    env = dict(os.environ)

    def search(*args, timeout=300):
        p = subprocess.run([nasc, "search"] + list(args), cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout + p.stderr

    def pg_rows(run):
        return [(int(s), h, float(v) if v != "" else None)
                for s, h, v in server.query("SELECT seq, hash, score FROM nasc_rows WHERE run = '%s' ORDER BY seq" % run)]

    try:
        table = os.path.join(ROOT, "examples", "nb201_evolution.nas")
        out = lambda name: os.path.join(tmp, name)  # noqa: E731
        # --- the same rows as SQLite ----------------------------------------
        rc, _ = search(table, "--budget", "300", "--out", out("lite"), "--quiet")
        check(rc == 0, "the table search in SQLite runs")
        reference = sqlite_rows(out("lite"))
        rc, text = search(table, "--budget", "300", "--out", out("t1"), "--storage", server.uri + "?run=t1", "--quiet")
        check(rc == 0, "the table search with --storage postgresql://...?run=t1 runs")
        check(pg_rows("t1") == reference, "PostgreSQL holds exactly the SQLite run's rows (300)")
        check(not os.path.exists(os.path.join(out("t1"), "search.db")), "no SQLite file beside it")
        rc, _ = search(table, "--budget", "20", "--out", out("named"), "--storage", server.uri, "--quiet")
        check(rc == 0 and len(pg_rows("named")) == 20, "a URI without ?run= names the run after its folder")
        # --- resume ------------------------------------------------------------
        rc1, _ = search(table, "--budget", "150", "--out", out("t2"), "--storage", server.uri + "?run=t2", "--quiet")
        rc2, text = search(table, "--budget", "300", "--out", out("t2"), "--storage", server.uri + "?run=t2",
                           "--resume")
        check(rc1 == 0 and rc2 == 0 and pg_rows("t2") == reference,
              "150 evaluations, then --resume --budget 300: the uninterrupted run's rows")
        rc, text = search(table, "--budget", "300", "--out", out("t2b"), "--storage", server.uri + "?run=t2")
        check(rc == 1 and "already holds search 'NB201Evolution' (300 evaluations" in text,
              "a new search over a stored run is refused")
        # --- concurrent writers ------------------------------------------------
        procs = [subprocess.Popen([nasc, "search", table, "--budget", "300", "--out", out(n), "--storage",
                                   server.uri + "?run=" + n, "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for n in ("c1", "c2", "c3")]
        codes = [p.wait(timeout=300) for p in procs]
        check(codes == [0, 0, 0] and all(pg_rows(n) == reference for n in ("c1", "c2", "c3")),
              "three searches writing three runs of one database at once: each the reference's rows")
        source = os.path.join(tmp, "train.nas")
        with open(source, "w") as f:
            f.write(TRAIN % DATA)
        busy = subprocess.Popen([nasc, "search", source, "--out", out("busy"), "--storage", server.uri + "?run=busy",
                                 "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        deadline = time.time() + 60
        while time.time() < deadline and not server.query("SELECT 1 FROM nasc_meta WHERE run = 'busy' LIMIT 1"):
            time.sleep(0.1)
        rc, text = search(source, "--out", out("busy2"), "--storage", server.uri + "?run=busy", "--resume",
                          timeout=120)
        check(busy.poll() is None and rc == 1 and "run 'busy' is in use by another search" in text,
              "a second writer of a run in use is refused")
        check(busy.wait(timeout=300) == 0, "the first writer completes")
        # --- workers, a killed rank, resume -------------------------------------
        rc, _ = search(source, "--workers", "2", "--out", out("wref"), "--storage", server.uri + "?run=wref",
                       "--quiet")
        check(rc == 0 and len(pg_rows("wref")) == 8, "a training search on 2 workers stores in PostgreSQL")
        proc = subprocess.Popen([nasc, "search", source, "--workers", "2", "--out", out("wkill"), "--storage",
                                 server.uri + "?run=wkill", "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        victim = None
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and victim is None:
            if len(server.query("SELECT seq FROM nasc_rows WHERE run = 'wkill'")) >= 3:
                victim = kill_rank(1, b"run=wkill")
            time.sleep(0.05)
        proc.wait(timeout=120)
        before = pg_rows("wkill")
        check(victim is not None and proc.returncode != 0 and len(before) < 8, "worker rank 1 killed mid-search")
        rc, _ = search(source, "--workers", "2", "--out", out("wkill"), "--storage", server.uri + "?run=wkill",
                       "--resume", "--quiet")
        final = pg_rows("wkill")
        check(rc == 0 and final[:len(before)] == before and final == pg_rows("wref"),
              "resumed from PostgreSQL: the rows of the uninterrupted run, none stored before the kill changed")
        # --- the Python module's ask/tell study on the same server ------------------
        python = os.environ.get("NASC_PYTHON")
        if python:
            script = '''
import sys, nasc
space = nasc.compile(sys.argv[1])
for round in (1, 2):
    study = space.study(strategy="evolution", population=4, sample=2, seed=0, budget=6 * round, storage=sys.argv[2])
    print("resumed" if study.resumed else "new", len(study.trials))
    while (t := study.ask()) is not None:
        study.tell(t, {"accuracy": float(sum(map(ord, t.id)) % 97)})  # the host's own score
    study.finish()
'''
            p = subprocess.run([python, "-c", script, table, server.uri + "?run=py"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
            check(p.returncode == 0 and p.stdout.split("\n")[:2] == ["new 0", "resumed 6"]
                  and len(pg_rows("py")) == 12,
                  "the Python module's study stores in PostgreSQL and resumes from it (%s)" % (p.stdout + p.stderr)[-300:])
        else:
            print("(the Python module is not built: its study on PostgreSQL is not checked)")
        # --- the run folder, report and export of a PostgreSQL run --------------
        holder = subprocess.Popen([nasc, "search", source, "--out", out("held"), "--storage",
                                   server.uri + "?run=held", "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline and not server.query("SELECT 1 FROM nasc_meta WHERE run = 'held' LIMIT 1"):
            time.sleep(0.1)
        rc, text = search(source, "--out", out("held"), "--storage", server.uri + "?run=held2", timeout=120)
        check(holder.poll() is None and rc == 1 and "run folder" in text and "is in use by another search" in text,
              "a second search into the folder of a running PostgreSQL run is refused, whatever its run name")
        check(holder.wait(timeout=300) == 0, "the first one completes")
        html = os.path.join(tmp, "t1.html")
        p = subprocess.run([nasc, "report", out("t1"), "--storage", server.uri + "?run=t1", "-o", html], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
        page = open(html).read() if os.path.exists(html) else ""
        check(p.returncode == 0 and len(re.findall(r'<tr class="row', page)) == 300,
              "nasc report --storage: the page of a PostgreSQL run, one row per stored evaluation (%s)"
              % p.stderr[-200:])
        p = subprocess.run([nasc, "report", out("t1"), "-o", html], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
        check(p.returncode == 1 and "pass its --storage URI" in p.stderr,
              "without --storage, the report says where to look")
        p = subprocess.run([nasc, "export", out("busy"), "--storage", server.uri + "?run=busy", "--format", "onnx",
                            "-o", os.path.join(tmp, "busy.onnx")], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
        check(p.returncode == 0 and os.path.exists(os.path.join(tmp, "busy.onnx")),
              "nasc export --storage: the best of a PostgreSQL run with its trained weights (%s)" % p.stderr[-300:])
        # --- damage and errors ---------------------------------------------------
        server.query("UPDATE nasc_rows SET score = score + 1 WHERE run = 't1' AND seq = 4")
        rc, text = search(table, "--budget", "300", "--out", out("t1"), "--storage", server.uri + "?run=t1",
                          "--resume")
        check(rc == 1 and "?run=t1: row seq 4: checksum" in text, "an edited row is refused, naming run and row")
        rc, text = search(table, "--budget", "5", "--out", out("none"), "--storage",
                          "postgresql://postgres@127.0.0.1:%d/postgres?run=x" % free_port(), timeout=60)
        check(rc == 1 and "cannot connect to PostgreSQL" in text, "a server that is not there is a clear error")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
