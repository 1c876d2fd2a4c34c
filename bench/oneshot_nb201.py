"""One-shot methods on NAS-Bench-201, looked up in the benchmark's table.

Each method searches the NAS-Bench-201 space on the CIFAR-10 subset in
../shared/data (train half for the weights, valid half for the
architecture), `nasc search --derive-only`; the derived cell is looked up
in ../shared/data/nb201/nb201_cifar10.csv (CIFAR-10 test accuracy of that
cell trained by the benchmark on the full training set) and printed per
seed and as mean +- std beside the published figures (full CIFAR-10, 50
epochs of search on a GPU, the C=16 N=5 supernet).

  python3 bench/oneshot_nb201.py [--methods darts,gdas,...] [--seeds 3] [--first-seed 0] [--epochs 10] [--C 8] [--N 2]

The defaults are a CPU budget: a smaller supernet (C=8, N=2), 10 epochs on
~2,500 + 2,500 images. Run from the project root after building.
"""
import argparse, csv, os, re, statistics, subprocess, sys, tempfile, time

PUBLISHED = {"darts": "54.30 (DARTS-V1/V2, collapse onto skip connections)", "gdas": "93.51-93.61",
             "enas": "54.30", "drnas": "94.36", "fair_darts": "not published on NB201",
             "fbnet": "not published on NB201", "pc_darts": "93.41", "proxyless": "not published on NB201",
             "optimum": "94.37"}
ARGS = {"darts": "arch_lr=3e-4", "gdas": "arch_lr=3e-4, tau_max=10.0, tau_min=0.1", "fair_darts": "arch_lr=3e-4",
        "drnas": "arch_lr=3e-4", "enas": "controller_steps=50, samples=100", "fbnet": "arch_lr=0.01",
        # The papers' warm-up (15 of 50, 40 of 120 epochs) scaled to the run.
        "pc_darts": "arch_lr=6e-4, warmup={warmup_pc}", "proxyless": "arch_lr=1e-3, warmup={warmup_proxyless}"}
EDGES = ["e0_1", "e0_2", "e1_2", "e0_3", "e1_3", "e2_3"]


def table(root):
    with open(os.path.join(root, "../shared/data/nb201/nb201_cifar10.csv")) as f:
        return {row["arch"]: float(row["cifar10_test_acc"]) for row in csv.DictReader(f)}


def arch_string(derived):
    ops = dict(kv.split("=", 1) for kv in derived.split(","))
    op = {e: ops["nb201_cell/" + e] for e in EDGES}
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(op["e0_1"], op["e0_2"], op["e1_2"], op["e0_3"], op["e1_3"],
                                                      op["e2_3"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="darts,gdas,fair_darts,drnas,enas")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds first-seed .. first-seed + seeds - 1")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--C", type=int, default=8)
    ap.add_argument("--N", type=int, default=2)
    ap.add_argument("--nasc", default="build/bin/nasc")
    a = ap.parse_args()
    root = os.getcwd()
    accuracy = table(root)
    tmp = tempfile.mkdtemp()
    results = {}
    for method in a.methods.split(","):
        src = os.path.join(tmp, method + ".nas")
        with open(src, "w") as f:
            f.write(f"""import "std/ops";
import "std/search";
import "std/spaces/nb201";
search S {{
  space = NasBench201(C={a.C}, N={a.N});
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.5);
  optimizer = sgd(lr=0.025, momentum=0.9, weight_decay=3e-4, batch_size=64);
  strategy = {method}(epochs={a.epochs}, {ARGS[method].format(warmup_pc=a.epochs * 15 // 50,
                                                                warmup_proxyless=a.epochs * 40 // 120)});
  maximize accuracy;
}}
""")
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            out = os.path.join(tmp, f"{method}-{seed}")
            t0 = time.time()
            p = subprocess.run([a.nasc, "search", src, "--seed", str(seed), "--out", out, "--derive-only", "--quiet"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"{method} seed {seed} failed: {p.stderr}")
            derived = re.search(r"^derived: (.*)$", p.stdout, re.M).group(1)
            arch = arch_string(derived)
            acc = accuracy[arch]
            results.setdefault(method, []).append(acc)
            print(f"{method:10s} seed {seed}  {time.time() - t0:6.0f} s  {arch}  test {acc:.2f}", flush=True)
    print(f"\nNAS-Bench-201, CIFAR-10 test accuracy of the derived cell (table), {a.seeds} seeds, "
          f"supernet C={a.C} N={a.N}, {a.epochs} epochs on the CIFAR-10 subset:")
    for method, accs in results.items():
        sd = statistics.pstdev(accs) if len(accs) > 1 else 0.0
        print(f"  {method:10s} {statistics.mean(accs):6.2f} +- {sd:5.2f}   published: {PUBLISHED[method]}")
    print(f"  optimum    {PUBLISHED['optimum']}")


if __name__ == "__main__":
    main()
