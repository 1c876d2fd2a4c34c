#!/usr/bin/env python3
"""Kill -9 at random moments of a search, then --resume: the same result?

For each of four kinds of search (a NAS-Bench-201 table search, a search
that trains every architecture on real CIFAR-10 images, a SPOS supernet
search, an elastic supernet trained by progressive shrinking), this runs one uninterrupted reference search, then --runs times
starts the same search in a fresh run folder, sends SIGKILL to its whole
process group (nasc execs nasc-run) at a random moment between 5% and 95%
of the reference's wall time (seeded), and runs `nasc search --resume`
until it completes (with --kills K, the first K-1 resumes are killed too).
Every run must end with the reference's best architecture, hash, search
accuracy and reported (test) accuracy, and its store must hold the same
evaluations in the same order with the same scores (exact equality: the
CPU runtime is deterministic; measured latency and times are left out).

Then damage copies of the reference run folders and check that each
damage gives a clear error naming the file, exits with status 1 (not a
signal), and leaves the file as it was: a truncated and an emptied store,
an edited row, a damaged strategy snapshot, a truncated and a damaged
artefact, truncated trained weights, a truncated supernet checkpoint (at
the end and in the middle of a search), and a new search without --resume
over a finished run folder (refused, nothing overwritten).

  bench/kill_resume.py [--runs 10] [--kills 1] [--seed 1] [--kinds table,train,supernet,elastic]
  bench/kill_resume.py --runs 2 --quick      # the short mode ctest runs (one thread a search
                                             # unless OMP_NUM_THREADS says otherwise)

Data: ../shared/data/nb201 (table) and ../shared/data/cifar10-subset
(training, supernet), relative to the project root (--data DIR). Exits 1
on any mismatch, crash or unclear error; 77 when the data is missing.
"""
import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Metrics that are measured, not computed: they differ between any two runs.
UNSTABLE_METRICS = ("latency", "train_seconds")

TABLE = """\
import "std/ops";
import "std/search";
import "std/spaces/nb201";

search KillTable {{
  space = NasBench201();
  estimator = table(file="{data}/nb201/nb201_cifar10.csv",
                    column="cifar10_valid_acc", report="cifar10_test_acc");
  strategy = evolution(population=10, sample=3);
  evaluations = {evaluations};
  seed = 0;
  maximize accuracy;
}}
"""

SMALL = """\
import "std/ops";
import "std/search";

network KillNet(classes: int = 10) {{
  input image: tensor(3, 32, 32);
  choice width1: [8, 16];
  choice kernel1: [3, 5];
  choice width2: [16, 32];
  choice depth2: 1..2;
  node stage1 = image |> conv_bn_relu(width1, kernel=kernel1) |> max_pool(3, stride=2);
  node stage2 = stage1 |> repeat(depth2, conv_bn_relu(width2, kernel=3)) |> max_pool(3, stride=2);
  output stage2 |> global_avg_pool |> linear(classes);
}}
"""

TRAIN = SMALL + """
search KillTrain {{
  space = KillNet();
  dataset = cifar10(root="{data}/cifar10-subset", valid_fraction=0.5);
  estimator = low_fidelity(epochs=1, subset={subset});
  choice lr: 0.02..0.2 log;
  optimizer = sgd(lr=lr, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = evolution(population=3, sample=2);
  evaluations = {evaluations};
  seed = 0;
  maximize accuracy;
}}
"""

SUPERNET_NB201 = """\
import "std/ops";
import "std/search";
import "std/spaces/nb201";

search KillSupernet {{
  space = NasBench201(C=8, N=1);
  dataset = cifar10(root="{data}/cifar10-subset", valid_fraction=0.5);
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = spos(epochs=1, population={population}, generations={generations});
  seed = 0;
  maximize accuracy;
}}
"""

SUPERNET_SMALL = SMALL + """
search KillSupernet {{
  space = KillNet();
  dataset = cifar10(root="{data}/cifar10-subset", valid_fraction=0.5);
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = spos(epochs=1, population={population}, generations={generations});
  seed = 0;
  maximize accuracy;
}}
"""

# Once-for-All's progressive shrinking on an elastic supernet (checkpointed
# every epoch of every stage), then a random search over its sub-networks.
ELASTIC = """\
import "std/ops";
import "std/search";

block KillLayer(out: int, stride: int) {{
  input x;
  choice kernel: [3, 5];
  choice expand: [2, 4];
  output x |> mbconv(out, expand, kernel, stride, act="hard_swish");
}}

network KillElasticNet(classes: int = 10) {{
  input image: tensor(3, 32, 32);
  choice depth: [1, 2];
  node stem = image |> conv(16, kernel=3, stride=2) |> batch_norm |> hard_swish;
  node stage = stem |> KillLayer(24, 2) independent |> repeat(depth, KillLayer(24, 1) independent);
  output stage |> global_avg_pool |> linear(classes);
}}

search KillElastic {{
  space = KillElasticNet();
  dataset = cifar10(root="{data}/cifar10-subset", valid_fraction={valid});
  estimator = supernet(mode="progressive", epochs={epochs});
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-5, batch_size=64);
  strategy = random();
  evaluations = {evaluations};
  seed = 0;
  maximize accuracy;
}}
"""

# kind -> (template, settings in full mode, settings in quick mode)
KINDS = {
    "table": (TABLE, dict(evaluations=10000), dict(evaluations=500)),
    "train": (TRAIN, dict(evaluations=10, subset=0.5), dict(evaluations=3, subset=0.25)),
    "supernet": ((SUPERNET_NB201, dict(population=4, generations=2)),
                 (SUPERNET_SMALL, dict(population=3, generations=1))),
    "elastic": (ELASTIC, dict(valid=0.5, epochs=2, evaluations=6), dict(valid=0.9, epochs=1, evaluations=3)),
}


def template_for(kind, quick):
    if kind == "supernet":
        return KINDS[kind][1 if quick else 0]
    template, full, short = KINDS[kind]
    return template, (short if quick else full)


class Failure(Exception):
    pass


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_digest(folder):
    """sha256 of every file under folder (lock files left out: a refused
    process may write its pid into one without taking it; and SQLite's
    shared-memory index, which any reader rewrites)."""
    out = {}
    for base, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".lock") or name.endswith("-shm"):
                continue
            p = os.path.join(base, name)
            out[os.path.relpath(p, folder)] = sha(p)
    return out


class Runner:
    def __init__(self, nasc, nasc_run, verbose):
        self.nasc, self.nasc_run, self.verbose = nasc, nasc_run, verbose

    def search_cmd(self, source, out, resume=False, extra=()):
        cmd = [self.nasc, "search", source, "--out", out, "--quiet", *extra]
        return cmd + (["--resume"] if resume else [])

    def run(self, cmd, kill_after=None):
        """Runs cmd in its own process group; with kill_after seconds,
        SIGKILLs the group then. Returns (rc, stdout, stderr, wall, killed)."""
        start = time.monotonic()
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True, text=True)
        killed = False
        if kill_after is None:
            out, err = p.communicate()
        else:
            try:
                out, err = p.communicate(timeout=kill_after)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                killed = True
                out, err = p.communicate()
        wall = time.monotonic() - start
        if self.verbose:
            print(f"    $ {' '.join(cmd)}  -> rc {p.returncode}, {wall:.2f} s{' (killed)' if killed else ''}",
                  file=sys.stderr)
        return p.returncode, out, err, wall, killed


def outcome(stdout, folder):
    """What a finished search reports: best ID, hash, the search's accuracy,
    the reported (test) accuracy; and its store's evaluations."""
    best = re.search(r"^best: (.*)$", stdout, re.M)
    hsh = re.search(r"^  hash: (\S+)$", stdout, re.M)
    acc = re.search(r"^  metrics:.* accuracy=(\S+)", stdout, re.M)
    rep = re.search(r"^  reported:.* accuracy=(\S+)", stdout, re.M)
    if not (best and hsh and acc):
        raise Failure("no best architecture in the output:\n" + stdout[-2000:])
    return {
        "best": best.group(1),
        "hash": hsh.group(1),
        "accuracy": acc.group(1),
        "reported": rep.group(1) if rep else None,
        "rows": store_rows(os.path.join(folder, "search.db")),
    }


def query(path, sql):
    """Runs sql on a copy of the store (and its write-ahead log): reading
    the run folder's own file would leave SQLite's -shm/-wal files in it."""
    with tempfile.TemporaryDirectory(prefix="nasc-kill-resume-db-") as tmp:
        copy = os.path.join(tmp, "search.db")
        shutil.copyfile(path, copy)
        if os.path.exists(path + "-wal"):
            shutil.copyfile(path + "-wal", copy + "-wal")
        con = sqlite3.connect(copy)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def store_rows(path):
    rows = query(path, "SELECT seq, id, hash, metrics, report, objectives, score, feasible, violated, error,"
                       " cached FROM evaluations ORDER BY seq")
    out = []
    for seq, id_, hsh, metrics, report, objectives, score, feasible, violated, error, cached in rows:
        m = re.sub(r'"(%s)":[^,}]*,?' % "|".join(UNSTABLE_METRICS), "", metrics)
        out.append((seq, id_, hsh, m, report, objectives, repr(score), feasible, violated, error, cached))
    return out


def rows_at(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return 0
    try:
        return query(path, "SELECT count(*) FROM evaluations")[0][0]
    except sqlite3.Error:
        return 0


def compare(ref, got):
    """The first difference, or None."""
    for key in ("best", "hash", "accuracy", "reported"):
        if ref[key] != got[key]:
            return f"{key}: {got[key]!r}, reference {ref[key]!r}"
    if len(ref["rows"]) != len(got["rows"]):
        return f"{len(got['rows'])} stored evaluations, reference {len(ref['rows'])}"
    for a, b in zip(ref["rows"], got["rows"]):
        if a != b:
            return f"evaluation seq {a[0]} differs:\n      reference {a}\n      resumed   {b}"
    return None


def kill_and_resume(runner, source, folder, ref_wall, rng, kills, times, rows):
    """One killed run: K kills at random moments, then resumes to the end.
    Appends the kill moments and the evaluations stored at each to times and
    rows; returns the final stdout."""
    for k in range(kills):
        at = rng.uniform(0.05, 0.95) * ref_wall
        rc, out, err, wall, killed = runner.run(runner.search_cmd(source, folder, resume=k > 0), kill_after=at)
        if not killed:
            if rc != 0:
                raise Failure(f"run ended with status {rc} before the kill at {at:.2f} s:\n{err[-2000:]}")
            times.append(f"{at:.2f}(done)")
            return out
        times.append(f"{at:.2f}")
        rows.append(rows_at(os.path.join(folder, "search.db")))
    for attempt in range(3):
        rc, out, err, _, _ = runner.run(runner.search_cmd(source, folder, resume=True))
        if rc == 0:
            return out
        if rc < 0 or "terminate called" in err or "Sanitizer" in err:
            raise Failure(f"--resume crashed (status {rc}):\n{err[-2000:]}")
    raise Failure(f"--resume failed (status {rc}):\n{err[-2000:]}")


# ---- damage checks -------------------------------------------------------------------


def truncate(path, size):
    with open(path, "r+b") as f:
        f.truncate(size)


def flip_bytes(path, at_fraction, count=64):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(int(size * at_fraction))
        data = bytearray(f.read(count))
        f.seek(int(size * at_fraction))
        f.write(bytes(b ^ 0x5A for b in data))


def edit_store(path, sql):
    con = sqlite3.connect(path)
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()


def expect_clear_error(runner, cmd, name, must_name, protected, also=()):
    """cmd must fail with status 1 (no signal, no abort), its message must
    name must_name (a path) and say 'error', and the files in protected must
    be as they were."""
    before = {p: sha(p) for p in protected if os.path.exists(p)}
    rc, out, err, _, _ = runner.run(cmd)
    text = out + err
    problems = []
    if rc == 0:
        problems.append("it succeeded (the damage went unnoticed)")
    elif rc < 0 or rc > 2:
        problems.append(f"status {rc} (a crash or a signal), not 1")
    if "terminate called" in text or "Sanitizer" in text or "Segmentation" in text:
        problems.append("it crashed")
    if must_name not in text:
        problems.append(f"the message does not name {must_name}")
    for word in also:
        if word not in text:
            problems.append(f"the message does not say '{word}'")
    for p, digest in before.items():
        if not os.path.exists(p) or sha(p) != digest:
            problems.append(f"{os.path.basename(p)} was changed")
    first = next((line for line in err.splitlines() if "error" in line), err.strip()[:300])
    return name, problems, first


def damage_checks(runner, kind, source, ref_folder, work):
    results = []

    def fresh(tag):
        d = os.path.join(work, f"{kind}-damage-{tag}")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(ref_folder, d)
        return d

    resume = lambda d: runner.search_cmd(source, d, resume=True)

    d = fresh("store-half")
    db = os.path.join(d, "search.db")
    truncate(db, os.path.getsize(db) // 2)
    results.append(expect_clear_error(runner, resume(d), "store truncated to half", db, [db]))

    d = fresh("store-header")
    db = os.path.join(d, "search.db")
    truncate(db, 50)
    results.append(expect_clear_error(runner, resume(d), "store truncated to 50 bytes", db, [db]))

    d = fresh("store-empty")
    db = os.path.join(d, "search.db")
    truncate(db, 0)
    results.append(expect_clear_error(runner, resume(d), "store emptied (0 bytes)", db, [db]))

    d = fresh("store-row")
    db = os.path.join(d, "search.db")
    edit_store(db, "UPDATE evaluation_rows SET score = score + 1 WHERE seq = 1")
    results.append(expect_clear_error(runner, resume(d), "store row edited (score + 1)", db, [db],
                                      also=("checksum",)))

    d = fresh("snapshot")
    db = os.path.join(d, "search.db")
    edit_store(db, "UPDATE snapshot SET state = substr(state, 1, length(state) / 2)")
    results.append(expect_clear_error(runner, resume(d), "strategy snapshot cut in half", db, [db]))

    # The artefact as nasc-run reads it (nasc search compiles it again from
    # the source: it is derived, and its fingerprint is checked against the store).
    for tag, damage in (("artefact-half", lambda p: truncate(p, os.path.getsize(p) // 2)),
                        ("artefact-bytes", lambda p: flip_bytes(p, 0.5))):
        d = fresh(tag)
        nasa = os.path.join(d, "space.nasa")
        damage(nasa)
        cmd = [runner.nasc_run, "search", nasa, "--out", d, "--resume", "--quiet"]
        results.append(expect_clear_error(runner, cmd, f"artefact {'truncated' if 'half' in tag else 'damaged'}"
                                          " (nasc-run --resume)", nasa,
                                          [nasa, os.path.join(d, "search.db")]))

    weights = os.path.join(ref_folder, "weights")
    if kind == "train":
        best_hash = re.search(r"^  hash: (\S+)$", open(os.path.join(ref_folder, "stdout.txt")).read(), re.M).group(1)
        d = fresh("weights")
        w = os.path.join(d, "weights", best_hash + ".pt")
        truncate(w, os.path.getsize(w) // 2)
        results.append(expect_clear_error(runner, resume(d), "best's trained weights truncated", w,
                                          [w, os.path.join(d, "search.db")]))
    if kind in ("supernet", "elastic") and os.path.exists(os.path.join(weights, "supernet.pt")):
        d = fresh("supernet-end")
        w = os.path.join(d, "weights", "supernet.pt")
        truncate(w, os.path.getsize(w) // 2)
        results.append(expect_clear_error(runner, resume(d), "supernet checkpoint truncated (finished run)", w,
                                          [w, os.path.join(d, "search.db")]))
        # In the middle of a search: one evaluation, the checkpoint
        # damaged, then resumed for the rest: an error, and no evaluation
        # stored with the damage as its outcome.
        d = os.path.join(work, f"{kind}-damage-supernet-mid")
        shutil.rmtree(d, ignore_errors=True)
        rc, _, err, _, _ = runner.run(runner.search_cmd(source, d, extra=("--budget", "1")))
        if rc != 0:
            raise Failure(f"a one-evaluation supernet search failed (status {rc}):\n{err[-2000:]}")
        w = os.path.join(d, "weights", "supernet.pt")
        truncate(w, os.path.getsize(w) // 2)
        results.append(expect_clear_error(runner, resume(d), "supernet checkpoint truncated (mid-search)", w,
                                          [w, os.path.join(d, "search.db")]))

    # Nothing is overwritten by a search that is refused: a new search
    # without --resume over a finished run folder, from a source that
    # differs only in its seed (another artefact). `nasc search` compiles
    # beside OUT/space.nasa and nasc-run puts it in place only when the
    # store first changes: the run's artefact stays, and no temporary.
    d = fresh("no-resume")
    other = os.path.join(work, f"{kind}-seed1.nas")
    with open(source) as f:
        text = f.read()
    with open(other, "w") as f:
        f.write(text.replace("seed = 0;", "seed = 1;"))
    before = tree_digest(d)
    name, problems, first = expect_clear_error(runner, runner.search_cmd(other, d),
                                               "new search over a finished run (no --resume)",
                                               os.path.join(d, "search.db"), [], also=("--resume",))
    after = tree_digest(d)
    changed = sorted(k for k in before if after.get(k) != before[k])
    if changed:
        problems.append("overwritten: " + ", ".join(changed))
    added = sorted(k for k in after if k not in before)
    if added:
        problems.append("left behind: " + ", ".join(added))
    results.append((name, problems, first))
    return results


# ---- main -----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="killed runs per kind (default 10)")
    parser.add_argument("--kills", type=int, default=1, help="kills per run before the last resume (default 1)")
    parser.add_argument("--quick", action="store_true", help="smaller searches (the ctest mode)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments")
    parser.add_argument("--kinds", default="table,train,supernet,elastic")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"), help="build folder (bin/nasc, bin/nasc-run)")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    parser.add_argument("--work", help="keep the run folders here (default: a temporary folder, removed)")
    parser.add_argument("--no-damage", action="store_true", help="skip the damage checks")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    nasc = os.path.join(args.build, "bin", "nasc")
    nasc_run = os.path.join(args.build, "bin", "nasc-run")
    for exe in (nasc, nasc_run):
        if not os.access(exe, os.X_OK):
            sys.exit(f"kill_resume: no {exe}; build first (scripts/build.sh)")
    data = os.path.abspath(args.data)
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            sys.exit(f"kill_resume: unknown kind '{k}' (table, train, supernet, elastic)")
    needed = {"table": "nb201/nb201_cifar10.csv", "train": "cifar10-subset/data_batch_1.bin",
              "supernet": "cifar10-subset/data_batch_1.bin", "elastic": "cifar10-subset/data_batch_1.bin"}
    missing = [os.path.join(data, needed[k]) for k in kinds if not os.path.exists(os.path.join(data, needed[k]))]
    if missing:
        print(f"kill_resume: skipped: no {', '.join(sorted(set(missing)))} (--data DIR)")
        return 77

    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="nasc-kill-resume-")
    os.makedirs(work, exist_ok=True)
    runner = Runner(nasc, nasc_run, args.verbose)
    rng = random.Random(args.seed)
    summary, damage, failures = [], [], []
    started = time.monotonic()
    # OMP_NUM_THREADS as given: the reference and the resumed runs share it.
    # The quick mode (ctest, beside other tests) runs each search on one
    # thread unless told otherwise: two-thread processes on two busy cores
    # wait on each other's barriers, and the elastic kind ran 10-20x slower
    # beside another test than alone (measured).
    if args.quick:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        for kind in kinds:
            template, settings = template_for(kind, args.quick)
            source = os.path.join(work, f"{kind}.nas")
            with open(source, "w") as f:
                f.write(template.format(data=data, **settings))
            ref_folder = os.path.join(work, f"{kind}-reference")
            shutil.rmtree(ref_folder, ignore_errors=True)
            rc, out, err, ref_wall, _ = runner.run(runner.search_cmd(source, ref_folder))
            if rc != 0:
                raise Failure(f"{kind}: the reference search failed (status {rc}):\n{err[-3000:]}")
            with open(os.path.join(ref_folder, "stdout.txt"), "w") as f:
                f.write(out)
            ref = outcome(out, ref_folder)
            print(f"{kind}: reference {ref_wall:.1f} s, {len(ref['rows'])} evaluations, best {ref['hash']} "
                  f"accuracy {ref['accuracy']} reported {ref['reported']}", flush=True)
            same, kill_times, kill_rows, done_before = 0, [], [], 0
            for i in range(args.runs):
                folder = os.path.join(work, f"{kind}-run{i + 1}")
                shutil.rmtree(folder, ignore_errors=True)
                times, rows = [], []
                try:
                    out = kill_and_resume(runner, source, folder, ref_wall, rng, args.kills, times, rows)
                    diff = compare(ref, outcome(out, folder))
                except Failure as e:
                    diff = str(e)
                kill_times.append("+".join(times))
                kill_rows.append("+".join(str(r) for r in rows) or "-")
                done_before += any("done" in t for t in times)
                if diff:
                    failures.append(f"{kind} run {i + 1} (killed at {'+'.join(times)} s): {diff}")
                    print(f"  run {i + 1}: killed at {'+'.join(times)} s: MISMATCH: {diff}", flush=True)
                else:
                    same += 1
                    print(f"  run {i + 1}: killed at {'+'.join(times)} s with {kill_rows[-1]} evaluations stored:"
                          " identical", flush=True)
                if not args.work:
                    shutil.rmtree(folder, ignore_errors=True)
            summary.append((kind, args.runs, kill_times, kill_rows, same, done_before, ref_wall, len(ref["rows"])))
            if not args.no_damage:
                for name, problems, first in damage_checks(runner, kind, source, ref_folder, work):
                    damage.append((kind, name, problems, first))
                    if problems:
                        failures.append(f"{kind}: {name}: " + "; ".join(problems) + f"\n      ({first})")
    except Failure as e:
        failures.append(str(e))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{'kind':9} {'runs':>4} {'identical':>9} {'ref wall':>9} {'evals':>6}  killed at (s) [evaluations stored then]")
    for kind, runs, times, rows, same, done_before, wall, evals in summary:
        moments = ", ".join(f"{t}[{r}]" for t, r in zip(times, rows))
        print(f"{kind:9} {runs:4d} {same:>4d}/{runs:<4d} {wall:8.1f}s {evals:6d}  {moments}")
        if done_before:
            print(f"{'':9} ({done_before} run(s) finished before their kill moment)")
    if damage:
        print()
        print("damage checks (each must fail with status 1, name the file, change nothing):")
        for kind, name, problems, first in damage:
            verdict = "ok  " if not problems else "FAIL"
            print(f"  {verdict:5} {kind:9} {name:48} {first[:150]}")
            for p in problems:
                print(f"       {p}")
    print(f"\ntotal {time.monotonic() - started:.1f} s")
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
