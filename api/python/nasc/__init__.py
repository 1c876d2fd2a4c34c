"""nasc from Python: compile a .nas search space, search it in your own loop
(ask/tell, as with Optuna), or run nasc's own searches.

    import nasc
    space = nasc.compile("examples/fashion_mnist.nas")
    study = space.study(strategy="evolution", seed=0, storage="run.db")
    for _ in range(20):
        trial = study.ask()
        study.tell(trial, train_and_score(trial.params))
    print(study.best.params, study.best.value)

docs/python.md describes every call.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys

from ._nasc import (CompileError, CompileOptions, Cost, Decision, Error, Program, Space, Study, Trial,
                    TrialResult, strategies, version)

__all__ = ["compile", "compile_program", "CompileError", "Error", "Space", "Study", "Trial", "TrialResult",
           "Decision", "Cost", "Program", "SearchResult", "strategies", "version"]


def _looks_like_source(text):
    return "\n" in text or "{" in text or ";" in text


def compile_program(path_or_source, stdlib=None, name=None):
    """Compiles a .nas file (a path) or a source given as a string; every space
    and search of it. Raises CompileError whose message is the clang-style
    diagnostics."""
    options = CompileOptions()
    if stdlib:
        options.stdlib = str(stdlib)
    text = os.fspath(path_or_source)
    if os.path.exists(text) or not _looks_like_source(text):
        program = Program.compile_file(text, options)
        program._path = os.path.abspath(text)
    else:
        program = Program.compile_source(text, name or "<source>", options)
        program._path = None
        program._source = text
    program._stdlib = options.stdlib or None
    return program


def compile(path_or_source, stdlib=None, space=None):
    """Compiles a .nas file or source and returns a Space: the one named, else
    the only search's space (its hyperparameters, objectives and settings
    included), else the only network's."""
    program = compile_program(path_or_source, stdlib)
    if space is not None:
        s = program.space(space)
    elif len(program.searches) == 1:
        s = program.search_space(program.searches[0])
        s._search = program.searches[0]
    else:
        s = program.space()
    s.program = program
    return s


def _study(self, strategy=None, seed=None, storage=None, directions=None, budget=None, proxy_scorer=None, **args):
    """An ask/tell study of this space. `strategy`: any of nasc.strategies()
    with its parameters as keywords (population=20); None: the search block's
    strategy, else random. `storage`: a store file every result is written to
    (resumed when it exists). `directions`: one "maximize"/"minimize" per
    objective for a space without a search block (or to replace its
    objectives); tell() then takes that many values. `proxy_scorer`: for a
    strategy that ranks untrained candidates by a zero-cost proxy
    (zero_cost_ranking, or warmup=N), fn(proxy, candidates) -> one score per
    candidate dict, higher = better; without it only the compiler's counts
    ("params", "flops") can be the proxy."""
    if isinstance(directions, str):
        directions = [directions]
    return self._study(strategy or "", args, seed, os.fspath(storage) if storage else "", list(directions or []),
                       budget, proxy_scorer)


class SearchResult:
    """What a finished `nasc search` left in its run folder: every evaluation
    (history, a list of dicts in order), the best by the search's score, and
    the Pareto set when it had several objectives."""

    def __init__(self, out, space):
        self.out = out
        db = os.path.join(out, "search.db")
        con = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta"))
            rows = con.execute("SELECT seq, id, hash, metrics, report, objectives, score, feasible, violated, "
                               "error, cached, seconds FROM evaluations ORDER BY seq").fetchall()
        finally:
            con.close()
        self.search = meta.get("search")
        self.strategy = meta.get("strategy")
        finished = meta.get("finished", "")
        self.stop_reason = finished.split(" ", 1)[1] if " " in finished else None
        self.history = []
        for seq, id_, hash_, metrics, report, objectives, score, feasible, violated, error, cached, seconds in rows:
            self.history.append({
                "number": seq, "id": id_, "hash": hash_, "params": space.decode(id_),
                "metrics": json.loads(metrics) if metrics else {}, "report": json.loads(report) if report else {},
                "values": json.loads(objectives) if objectives else [],
                "score": score if score is not None else float("-inf"), "feasible": bool(feasible),
                "violated": violated, "error": error, "cached": bool(cached), "seconds": seconds})
        best = None
        for h in self.history:
            if h["score"] > float("-inf") and (best is None or h["score"] > best["score"]):
                best = h
        self.best = best
        self.best_nas = os.path.join(out, "best.nas") if os.path.exists(os.path.join(out, "best.nas")) else None
        self.weights = os.path.join(out, "best.pt") if os.path.exists(os.path.join(out, "best.pt")) else None

    def __repr__(self):
        best = "none" if self.best is None else f"{self.best['hash']} {self.best['values']}"
        return f"<nasc.SearchResult {self.search}: {len(self.history)} evaluations, best {best}>"


def _tool(name):
    env = os.environ.get("NASC_BIN")
    if env:
        return os.path.join(env, name)
    try:
        from ._paths import BIN_DIR
        if os.path.exists(os.path.join(BIN_DIR, name)):
            return os.path.join(BIN_DIR, name)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise Error(f"cannot find the '{name}' tool: set NASC_BIN to the folder that holds it")
    return found


def _search(self, out, strategy=None, budget=None, seed=None, time_limit=None, resume=False, estimator=None,
            device=None, quiet=True, extra=()):
    """Runs this space's search block with nasc's own runtime (`nasc search`,
    in a child process: a crash in training cannot take Python down, Ctrl-C
    stops it as on the command line) and returns its SearchResult. `out` is
    the run folder (kept: resume=True continues it)."""
    program = getattr(self, "program", None)
    search = getattr(self, "_search", None)
    if program is None or search is None:
        raise Error("search(): this space has no search block; write one (docs/language.md) or drive a study "
                    "with space.study()")
    out = os.fspath(out)
    source = program._path
    if source is None:  # compiled from a string: the run folder keeps it
        os.makedirs(out, exist_ok=True)
        source = os.path.join(out, "source.nas")
        with open(source, "w") as f:
            f.write(program._source)
    cmd = [_tool("nasc"), "search", source, "--search", search, "--out", out]
    if program._stdlib:
        cmd += ["--stdlib", program._stdlib]
    for flag, value in (("--strategy", strategy), ("--budget", budget), ("--seed", seed),
                        ("--time-limit", time_limit), ("--estimator", estimator), ("--device", device)):
        if value is not None:
            cmd += [flag, str(value)]
    if resume:
        cmd.append("--resume")
    if quiet:
        cmd.append("--quiet")
    cmd += list(extra)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not quiet:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
    if done.returncode != 0 and not os.path.exists(os.path.join(out, "search.db")):
        raise Error((done.stderr or done.stdout).strip() or f"nasc search exited with {done.returncode}")
    result = SearchResult(out, self)
    result.returncode = done.returncode
    result.output = done.stdout
    result.messages = done.stderr
    return result


def _enter(self):
    return self


def _exit(self, *exc):
    self.finish()
    return False


Space.study = _study
Space.search = _search
Study.__enter__ = _enter
Study.__exit__ = _exit
