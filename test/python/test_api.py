"""The Python module as its users call it (docs/python.md): every figure is
checked against the command line's (`nasc info`), and studies against
themselves (resume, order, Pareto sets by brute force).

    PYTHONPATH=build/python NASC_BUILD=build python3 -m unittest test/python/test_api.py
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

import nasc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath(os.environ.get("NASC_BUILD", os.path.join(ROOT, "build")))
NASC = os.path.join(BUILD, "bin", "nasc")
FASHION = os.path.join(ROOT, "examples", "fashion_mnist.nas")
NB201 = os.path.join(ROOT, "examples", "nb201_evolution.nas")

TINY = """import "std/ops";
network Tiny {
  input image: tensor(1, 8, 8);
  choice width: [4, 8, 16];
  choice kernel: [1, 3];
  choice depth: 1..3;
  output image |> repeat(depth, conv_bn_relu(width, kernel=kernel)) |> global_avg_pool |> linear(2);
}
"""


def cli(*args):
    return subprocess.run([NASC, *args], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          cwd=ROOT).stdout


def objective(params):
    """A deterministic stand-in for training: any function of the decisions."""
    return float(sum(len(str(k)) * (hash(str(v)) % 97) for k, v in sorted(params.items())) % 1000) / 10


class CompileTest(unittest.TestCase):
    def test_a_file_matches_nasc_info(self):
        space = nasc.compile(FASHION)
        info = json.loads(cli("info", FASHION, "--json"))
        entry = next(e for e in info if e["space"] == space.name)
        self.assertEqual(space.size, int(entry["size"]))
        self.assertEqual(space.unique, int(entry["unique"]["benchmark"]))
        self.assertEqual(space.info(), entry)
        # nasc info lists the network's decisions; the search block adds lr.
        self.assertEqual(sorted(d.name for d in space.decisions if not d.hyperparameter),
                         sorted(d["name"] for d in entry["decisions"]))
        lr = next(d for d in space.decisions if d.name == "lr")
        self.assertTrue(lr.hyperparameter)
        self.assertEqual((lr.kind, lr.lo, lr.hi, lr.log), ("float range", 0.02, 0.2, True))
        width1 = next(d for d in space.decisions if d.name == "width1")
        self.assertEqual(width1.values, [8, 16, 24])

    def test_costs_are_the_compilers(self):
        space = nasc.compile(TINY)
        self.assertEqual(space.size, 18)
        program = nasc.compile_program(TINY)
        self.assertEqual(program.spaces, ["Tiny.space"])
        with tempfile.NamedTemporaryFile("w", suffix=".nas", dir=ROOT, delete=False) as f:
            f.write(TINY)
        try:
            for seed in range(6):
                arch = space.sample(seed)
                id_ = space.arch_id(arch)
                line = cli("info", f.name, "--arch", id_).strip().split("\t")
                cost = space.cost(arch)
                self.assertEqual([cost.id, cost.hash, str(cost.params), str(cost.macs)], line)
                self.assertEqual(space.decode(id_), arch)
        finally:
            os.unlink(f.name)

    def test_unused_decisions_may_be_left_out(self):
        space = nasc.compile(TINY)
        self.assertEqual(space.arch_id({"width": 8, "kernel": 3, "depth": 2}), "depth=2,kernel=3,width=8")
        with self.assertRaisesRegex(nasc.Error, "decision 'depth' is used by this architecture and not given"):
            space.arch_id({"width": 8, "kernel": 3})
        with self.assertRaisesRegex(nasc.Error, r"decision 'width' cannot be 5 \(its values: 4, 8, 16\)"):
            space.arch_id({"width": 5, "kernel": 3, "depth": 1})
        with self.assertRaisesRegex(nasc.Error, "no decision 'colour'"):
            space.arch_id({"colour": 1})
        with self.assertRaisesRegex(nasc.Error, "not an architecture of space"):
            space.decode("width=3")

    def test_compile_errors_are_clang_style(self):
        with self.assertRaises(nasc.CompileError) as caught:
            nasc.compile('import "std/ops";\nnetwork N {\n  input x: tensor(1, 8, 8);\n  output x |> conv2(4);\n}\n',)
        message = str(caught.exception)
        self.assertIn("<source>:4:15: error: unknown operation 'conv2'", message)
        self.assertIn("  output x |> conv2(4);\n              ^", message)
        self.assertIn("1 error generated.", message)
        with self.assertRaisesRegex(nasc.CompileError, "no-such.nas: error: cannot open"):
            nasc.compile("no-such.nas")

    def test_a_program_names_its_spaces(self):
        program = nasc.compile_program(FASHION)
        self.assertEqual(program.searches, ["FashionMNIST"])
        self.assertEqual(program.space().name, "FashionNet.space")
        self.assertEqual(program.space("FashionNet").name, "FashionNet.space")
        with self.assertRaisesRegex(nasc.Error, "no space 'Nope'"):
            program.space("Nope")
        self.assertTrue(program.artefact.startswith(b"NASA"))


class StudyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_study(self, space, n, **options):
        asked = []
        study = space.study(**options)
        for _ in range(n):
            trial = study.ask()
            if trial is None:
                break
            asked.append(trial.id)
            study.tell(trial, objective(trial.params))
        return study, asked

    def test_same_seed_same_study_and_the_best_is_the_best(self):
        space = nasc.compile(TINY)
        study, asked = self.run_study(space, 12, strategy="evolution", population=4, sample=2, seed=3)
        _, again = self.run_study(space, 12, strategy="evolution", population=4, sample=2, seed=3)
        self.assertEqual(asked, again)
        results = [t for t in study.trials if not t.error]
        self.assertEqual(study.best.value, max(t.value for t in results))
        self.assertEqual(study.best.params, space.decode(study.best.id))

    def test_a_stored_study_resumes_where_it_stopped(self):
        space = nasc.compile(FASHION)
        storage = os.path.join(self.dir, "run.db")
        _, whole = self.run_study(space, 15, strategy="evolution", population=4, sample=2, directions="maximize")
        with space.study(strategy="evolution", population=4, sample=2, storage=storage, directions="maximize") as s:
            first = []
            for _ in range(7):
                t = s.ask()
                first.append(t.id)
                s.tell(t, objective(t.params))
        resumed = space.study(strategy="evolution", population=4, sample=2, storage=storage, directions="maximize")
        self.assertTrue(resumed.resumed)
        self.assertEqual([t.id for t in resumed.trials], first)
        rest = []
        for _ in range(8):
            t = resumed.ask()
            rest.append(t.id)
            resumed.tell(t, objective(t.params))
        self.assertEqual(first + rest, whole)
        resumed.finish()
        with self.assertRaisesRegex(nasc.Error, "strategy 'evolution .*', not 'random"):
            space.study(strategy="random", storage=storage, directions="maximize")

    def test_several_objectives_keep_the_pareto_set(self):
        space = nasc.compile(TINY)
        study = space.study(strategy="nsga2", population=6, directions=["maximize", "minimize"], seed=1)
        for _ in range(18):
            t = study.ask()
            if t is None:
                break
            study.tell(t, [objective(t.params), space.cost(t.params).params])
        points = {t.id: t.values for t in study.trials if not t.error and not t.cached}

        def dominates(a, b):
            return a[0] >= b[0] and a[1] <= b[1] and (a[0] > b[0] or a[1] < b[1])

        front = {i for i, v in points.items() if not any(dominates(w, v) for w in points.values())}
        self.assertEqual({t.id for t in study.pareto}, front)
        self.assertGreater(len(front), 0)

    def test_search_block_studies_read_its_objectives_and_constraints(self):
        space = nasc.compile(FASHION)  # maximize accuracy; require params <= 60_000
        study = space.study(seed=0, budget=30)
        self.assertEqual(study.directions, ["maximize"])
        while (t := study.ask()) is not None:
            study.tell(t, {"accuracy": objective(t.params)})
        trials = study.trials
        self.assertEqual(len(trials), 30)
        for t in trials:
            params = space.cost(t.id).params
            self.assertEqual(t.metrics.get("params"), params)  # the compiler's, not told
            self.assertEqual(t.feasible, params <= 60_000, t.id)
        self.assertLessEqual(space.cost(study.best.id).params, 60_000)
        study = space.study(budget=1)
        t = study.ask()
        with self.assertRaisesRegex(nasc.Error, "read 'accuracy', which the result does not give"):
            study.tell(t, {"loss": 1.0})
        study.tell(t, {"accuracy": 1.0})  # still out after the refusal

    def test_trials_out_of_order_and_misuse(self):
        space = nasc.compile(TINY)
        study = space.study(strategy="random", seed=5)
        a, b = study.ask(), study.ask()
        self.assertEqual(study.outstanding, 2)
        study.tell(b, 1.0)
        self.assertEqual(len(study.trials), 0)  # b waits for a, asked first
        study.fail(a, "out of memory")
        self.assertEqual([t.number for t in study.trials], [a.number, b.number])
        self.assertEqual(study.trials[0].error, "out of memory")
        with self.assertRaisesRegex(nasc.Error, "not waiting for a result"):
            study.tell(a, 2.0)
        with self.assertRaisesRegex(nasc.Error, "1 objective"):
            study.tell(study.ask(), [1.0, 2.0])
        with self.assertRaisesRegex(nasc.Error, "no search strategy 'nope'.*evolution"):
            space.study(strategy="nope")
        with self.assertRaisesRegex(nasc.Error, "direction 'up'"):
            space.study(directions=["up"])

    def test_every_strategy_by_name(self):
        space = nasc.compile(TINY)
        for name in nasc.strategies():
            with self.subTest(strategy=name):
                extra = {"proxy": "params"} if name == "zero_cost_ranking" else {}
                study, asked = self.run_study(space, 10, strategy=name, seed=2, **extra)
                self.assertGreater(len(asked), 0)
                self.assertGreater(len(study.trials), 0)
                if name not in ("hyperband", "bohb", "successive_halving"):  # the best is at the full budget
                    self.assertIsNotNone(study.best)


    def test_zero_cost_ranking_asks_what_the_hosts_scorer_ranks_first(self):
        space = nasc.compile(TINY)
        seen = []

        def scorer(proxy, candidates):  # the host's own proxy: any function of the decisions
            self.assertEqual(proxy, "naswot")
            seen.append(candidates)
            return [c["width"] * 10 + c["kernel"] + 0.1 * c["depth"] for c in candidates]

        study = space.study(strategy="zero_cost_ranking", samples=8, top_k=3, proxy="naswot", seed=1,
                            proxy_scorer=scorer)
        asked = []
        for _ in range(3):
            trial = study.ask()
            asked.append(trial.params)
            study.tell(trial, 1.0)
        self.assertEqual(len(seen), 1)
        self.assertEqual(len(seen[0]), 8)
        ranked = sorted(seen[0], key=lambda c: -(c["width"] * 10 + c["kernel"] + 0.1 * c["depth"]))
        self.assertEqual(asked, ranked[:3])
        study.ask()  # the next round scores candidates never asked
        self.assertEqual(len(seen), 2)
        self.assertFalse(any(c in asked for c in seen[1]))

    def test_the_compilers_counts_are_proxies_without_a_scorer(self):
        space = nasc.compile(TINY)  # 18 architectures: a round of 18 samples sees them all
        study = space.study(strategy="zero_cost_ranking", samples=18, top_k=3, proxy="params", seed=0)
        asked = [study.ask() for _ in range(3)]
        by_params = sorted((space.cost(space.sample(seed=k)).params for k in range(400)), reverse=True)
        self.assertEqual([space.cost(t.params).params for t in asked], sorted(set(by_params), reverse=True)[:3])

    def test_warmup_uses_the_scorer_and_bad_scorers_are_refused(self):
        space = nasc.compile(TINY)
        calls = []
        study = space.study(strategy="evolution", population=4, warmup=6, seed=0,
                            proxy_scorer=lambda proxy, cs: calls.append(proxy) or [c["width"] for c in cs])
        first = study.ask()
        self.assertEqual(calls, ["vote"])
        self.assertEqual(first.params["width"], 16)
        with self.assertRaisesRegex(nasc.Error, "proxy 'vote'.*proxy scorer"):
            space.study(strategy="zero_cost_ranking")
        wrong = space.study(strategy="zero_cost_ranking", samples=4, top_k=2, proxy_scorer=lambda p, cs: [1.0])
        with self.assertRaisesRegex(nasc.Error, "returned 1 scores for 4 candidates"):
            wrong.ask()
        with self.assertRaisesRegex(nasc.Error, "ValueError: boom"):
            space.study(strategy="zero_cost_ranking", samples=4, top_k=2,
                        proxy_scorer=lambda p, cs: (_ for _ in ()).throw(ValueError("boom"))).ask()

    def test_decisions_say_who_shares_them(self):
        nb201 = {d.name: d for d in nasc.compile(os.path.join(ROOT, "stdlib", "spaces", "nb201.nas")).decisions}
        edge = nb201["nb201_cell/e0_1"]
        self.assertEqual((edge.sharing, edge.owner, edge.places), ("shared", "nb201_cell", 15))
        tiny = {d.name: d for d in nasc.compile(TINY).decisions}
        self.assertEqual((tiny["width"].sharing, tiny["width"].owner), ("space", ""))
        self.assertEqual(tiny["width"].places, 3)  # the three copies repeat() may make
        blocks = nasc.compile("""import "std/ops";
block B { input x; choice w: [4, 8]; output x |> conv_bn_relu(w); }
network N { input image: tensor(1, 8, 8);
  output image |> (B independent) |> (B independent) |> (B shared as s) |> (B shared as s) |> global_avg_pool |> linear(2); }
""")
        got = {d.name: (d.sharing, d.owner, d.places) for d in blocks.decisions}
        self.assertEqual(got, {"B#0/w": ("independent", "B#0", 1), "B#1/w": ("independent", "B#1", 1),
                               "s/w": ("shared", "s", 2)})


class SearchTest(unittest.TestCase):
    def setUp(self):  # the search's table path is relative to the repository
        self.cwd = os.getcwd()
        os.chdir(ROOT)

    def tearDown(self):
        os.chdir(self.cwd)

    def test_nasc_search_from_python(self):
        out = tempfile.mkdtemp()
        try:
            space = nasc.compile(NB201)
            result = space.search(out, budget=40, seed=0)
            self.assertEqual(result.returncode, 0, result.messages)
            self.assertEqual(len(result.history), 40)
            self.assertEqual(result.stop_reason, "budget")
            self.assertEqual(result.best["score"], max(h["score"] for h in result.history))
            self.assertIn("accuracy", result.best["report"])  # the table's test accuracy
            self.assertTrue(os.path.exists(result.best_nas))
            # The command line on the same run folder agrees.
            self.assertIn(result.best["hash"], cli("search", NB201, "--budget", "40", "--seed", "0", "--out", out,
                                                   "--resume", "--quiet"))
            again = space.search(out, budget=60, seed=0, resume=True)
            self.assertEqual(len(again.history), 60)
            self.assertEqual(again.history[:40], result.history)
        finally:
            shutil.rmtree(out)

    def test_a_space_without_a_search_block_cannot_search(self):
        with self.assertRaisesRegex(nasc.Error, "no search block"):
            nasc.compile(TINY).search(tempfile.gettempdir())


if __name__ == "__main__":
    unittest.main()
