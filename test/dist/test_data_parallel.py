#!/usr/bin/env python3
"""Data-parallel supernet training on c10d Gloo (docs/scaling.md).

  test_data_parallel.py BUILD_DIR

Two ranks with `--data-parallel 2` at batch_size B (each rank B/2 rows of
every batch) must train the weights one process trains at B, within float
tolerance: for DARTS (weight steps and architecture steps: the checkpoint's
network and alphas), for SPOS (single-path supernet training through
train()), for an elastic supernet (progressive shrinking) and for the
supernet estimator under evolution (then the same evaluations, and a
resume on 2 ranks). The network has no BatchNorm and no dropout, whose per-rank
statistics and masks differ by design. Then a DARTS run killed after its
first epoch resumes on 2 ranks and ends with the weights of the run that was
never stopped. Run with /usr/bin/python3 (torch reads the weights).

Exits 77 (skipped) when the data, Open MPI's mpirun or torch is missing.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))

SOURCE = """\
import "std/ops";
import "std/search";

// TinyCell of test/Runtime/Inputs/tiny-darts.nas without BatchNorm.
const OPS = [zero, identity, conv(kernel=3), avg_pool(3)];

cell PlainCell {
  input x0;
  choice e0_1: OPS;
  node x1 = e0_1(x0) |> relu;
  choice e0_2: OPS;
  choice e1_2: OPS;
  node x2 = sum(e0_2(x0), e1_2(x1));
  output x2;
}

network Plain {
  input image: tensor(3, 32, 32);
  output image |> conv(8, kernel=3, stride=2) |> relu |> (PlainCell shared as cell) |> global_avg_pool |> linear(10);
}

search PlainDarts {
  space = Plain();
  dataset = cifar10(root="%(data)s/cifar10-subset", valid_fraction=0.8);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=64);
  strategy = darts(epochs=%(epochs)d, arch_lr=0.01);
  seed = 1;
  maximize accuracy;
}

// An elastic supernet (one sliced tensor per layer, kernel transforms)
// trained by progressive shrinking with distillation.
block ConvRelu {
  input x;
  output x |> conv(16, kernel=3) |> relu;
}

network PlainElastic {
  input image: tensor(3, 32, 32);
  choice width: [8, 16];
  choice ks: [3, 5];
  choice depth: [1, 2];
  output image |> conv(width, kernel=ks, stride=2) |> relu |> repeat(depth, ConvRelu())
               |> global_avg_pool |> linear(10);
}

search PlainOfa {
  space = PlainElastic();
  dataset = cifar10(root="%(data)s/cifar10-subset", valid_fraction=0.8);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=64);
  estimator = supernet(mode="progressive", epochs=1);
  strategy = ofa_specialize(samples=3, population=4, generations=1);
  seed = 1;
  maximize accuracy;
}

// The supernet estimator under a black-box strategy: the first evaluation
// trains the supernet (data-parallel on every rank), then rank 0 evaluates.
search PlainSupernet {
  space = Plain();
  dataset = cifar10(root="%(data)s/cifar10-subset", valid_fraction=0.8);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=64);
  estimator = supernet(mode="uniform", epochs=2);
  strategy = evolution(population=4, sample=2);
  evaluations = 6;
  seed = 1;
  maximize accuracy;
}

search PlainSpos {
  space = Plain();
  dataset = cifar10(root="%(data)s/cifar10-subset", valid_fraction=0.8);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=64);
  strategy = spos(epochs=1, population=3, generations=1);
  seed = 1;
  maximize accuracy;
}
"""

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_workers import check, failures  # noqa: E402  the MPI tests' one reporting


def tensors(path):
    """The weights of a LibTorch archive (a module, or a checkpoint's network,
    alphas and optimizer states), by name; not its generator state, which
    data-parallel ranks advance differently from one process."""
    import torch
    if not os.path.exists(path):
        return {}
    module = torch.jit.load(path, map_location="cpu")
    return {name: t.detach().double() for name, t in module.state_dict().items()
            if "rng" not in name and "fingerprint" not in name and t.is_floating_point()}


def rows(out):
    """The evaluations a run stored: architecture and score, in order."""
    import sqlite3
    con = sqlite3.connect("file:" + os.path.join(out, "search.db") + "?mode=ro", uri=True)
    try:
        return [(i, round(s, 6)) for i, s in con.execute("SELECT id, score FROM evaluations ORDER BY seq")]
    finally:
        con.close()


def max_difference(a, b):
    if set(a) != set(b):
        return float("inf"), sorted(set(a) ^ set(b))[:5]
    worst, where = 0.0, None
    for k in a:
        if a[k].shape != b[k].shape:
            return float("inf"), [k]
        d = (a[k] - b[k]).abs().max().item() if a[k].numel() else 0.0
        scale = max(1e-3, a[k].abs().max().item() if a[k].numel() else 0.0)
        if d / scale > worst:
            worst, where = d / scale, k
    return worst, where


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    nasc = os.path.join(build, "bin", "nasc")
    if not os.path.isdir(os.path.join(DATA, "cifar10-subset")):
        print("skipped: the CIFAR-10 subset is missing")
        return 77
    if not shutil.which("mpirun"):
        print("skipped: Open MPI's mpirun is not installed (scripts/setup.sh installs openmpi-bin)")
        return 77
    try:
        import torch  # noqa: F401
    except ImportError:
        print("skipped: torch is not importable (run with /usr/bin/python3; setup.sh installs python3-torch)")
        return 77
    tmp = tempfile.mkdtemp(prefix="nasc-dp-")

    def search(source, name, out, *extra, timeout=600):
        p = subprocess.run([nasc, "search", source, "--search", name, "--out", out] + list(extra), cwd=ROOT,
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr

    try:
        source = os.path.join(tmp, "plain.nas")
        with open(source, "w") as f:
            f.write(SOURCE % {"data": DATA, "epochs": 2})
        # --- DARTS: weight and architecture steps ---------------------------
        one, two = os.path.join(tmp, "darts1"), os.path.join(tmp, "darts2")
        rc, out = search(source, "PlainDarts", one, "--derive-only")
        check(rc == 0, "darts in one process runs")
        rc, out = search(source, "PlainDarts", two, "--derive-only", "--data-parallel", "2")
        check(rc == 0 and "data-parallel on 2 processes (c10d Gloo)" in out, "darts on --data-parallel 2 runs")
        if rc != 0:
            print(out[-3000:])
        a, b = tensors(os.path.join(one, "weights", "darts.pt")), tensors(os.path.join(two, "weights", "darts.pt"))
        d, where = max_difference(a, b)
        check(len(a) > 0 and d < 1e-4,
              "2 ranks at batch 64 (32 rows each) train darts's weights and alphas as one process at 64 "
              "(max relative difference %.2g at %s, %d tensors)" % (d, where, len(a)))
        # --- SPOS: single-path supernet training through train() ------------
        spos1, spos2 = os.path.join(tmp, "spos1"), os.path.join(tmp, "spos2")
        rc1, _ = search(source, "PlainSpos", spos1)
        rc2, out = search(source, "PlainSpos", spos2, "--data-parallel", "2")
        check(rc1 == 0 and rc2 == 0, "spos in one process and on 2 ranks run")
        a = tensors(os.path.join(spos1, "weights", "supernet.pt"))
        b = tensors(os.path.join(spos2, "weights", "supernet.pt"))
        d, where = max_difference(a, b)
        check(len(a) > 0 and d < 1e-4, "spos's supernet: the same weights (max relative difference %.2g at %s)"
              % (d, where))
        # --- progressive shrinking of an elastic supernet (ofa_specialize) ---
        ofa1, ofa2 = os.path.join(tmp, "ofa1"), os.path.join(tmp, "ofa2")
        rc1, _ = search(source, "PlainOfa", ofa1)
        rc2, out = search(source, "PlainOfa", ofa2, "--data-parallel", "2")
        check(rc1 == 0 and rc2 == 0 and "specialized for the search's constraints" in out,
              "ofa_specialize in one process and on 2 ranks run")
        a = tensors(os.path.join(ofa1, "weights", "supernet.pt"))
        b = tensors(os.path.join(ofa2, "weights", "supernet.pt"))
        d, where = max_difference(a, b)
        check(len(a) > 0 and d < 1e-4, "the elastic supernet: the same weights, teacher distillation and kernel "
              "transforms included (max relative difference %.2g at %s)" % (d, where))
        # --- the supernet estimator under evolution ----------------------------
        sup1, sup2, part = (os.path.join(tmp, n) for n in ("sup1", "sup2", "suppart"))
        rc1, _ = search(source, "PlainSupernet", sup1)
        rc2, out = search(source, "PlainSupernet", sup2, "--data-parallel", "2")
        check(rc1 == 0 and rc2 == 0 and "the supernet estimator trained data-parallel on 2 processes" in out,
              "evolution with the supernet estimator in one process and on 2 ranks run")
        d, where = max_difference(tensors(os.path.join(sup1, "weights", "supernet.pt")),
                                  tensors(os.path.join(sup2, "weights", "supernet.pt")))
        check(d < 1e-4, "the supernet estimator's supernet: the same weights (max relative difference %.2g at %s)"
              % (d, where))
        check(rows(sup1) == rows(sup2) and len(rows(sup1)) == 6,
              "and the same evaluations, scored by rank 0 with those weights")
        rc1, _ = search(source, "PlainSupernet", part, "--data-parallel", "2", "--budget", "3")
        rc2, out = search(source, "PlainSupernet", part, "--data-parallel", "2", "--resume")
        check(rc1 == 0 and rc2 == 0 and rows(part) == rows(sup2),
              "stopped after 3 evaluations and resumed on 2 ranks: the uninterrupted run's evaluations")
        # --- killed after the first epoch, resumed on 2 ranks ---------------
        killed = os.path.join(tmp, "killed")
        proc = subprocess.Popen([nasc, "search", source, "--search", "PlainDarts", "--out", killed, "--derive-only",
                                 "--data-parallel", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        checkpoint = os.path.join(killed, "weights", "darts.pt")
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None and not os.path.exists(checkpoint):
            time.sleep(0.05)
        stopped_early = proc.poll() is None
        if stopped_early:
            os.killpg(proc.pid, signal.SIGKILL)
            # mpirun's ranks may sit in process groups of their own
            subprocess.run(["pkill", "-KILL", "-f", "nasc-run-torch search .*--out " + killed], check=False)
        proc.communicate(timeout=60)
        check(stopped_early, "killed after the first epoch's checkpoint")
        rc, out = search(source, "PlainDarts", killed, "--derive-only", "--data-parallel", "2", "--resume")
        check(rc == 0 and "resumed after epoch" in out, "--resume on 2 ranks continues from the checkpoint")
        d, where = max_difference(tensors(os.path.join(two, "weights", "darts.pt")), tensors(checkpoint))
        check(d < 1e-4, "the resumed run ends with the uninterrupted run's weights (max relative difference %.2g "
              "at %s)" % (d, where))
        # --- refusals --------------------------------------------------------
        rc, out = search(os.path.join(ROOT, "examples", "nb201_evolution.nas"), "NB201Evolution",
                         os.path.join(tmp, "evo"), "--data-parallel", "2", timeout=120)
        check(rc == 2 and "the supernet estimator's" in out and "spread them with --workers" in out,
              "--data-parallel for an estimator that trains each architecture is refused")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
