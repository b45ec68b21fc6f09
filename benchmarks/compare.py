"""Side-by-side comparison of fastreg with scikit-learn, skglm, celer, glmnet and adelie.

Run ``python -m benchmarks.compare --help``.  ``--model lasso`` (the default) compares Lasso
solvers, ``--model logistic`` L1-regularized logistic regression solvers; both go through the
same search, timing, memory and report code below.  For every problem, task and solver:

1. **Tolerance search.**  Starting from the solver's ``tol0``, ``tol`` is divided by 10 until
   the duality gap recomputed by :func:`benchmarks.gap.enet_duality_gap` is at most the target
   ``rel * ||y - ybar||^2 / (2n)`` (docs/architecture.md, Benchmarks), at most
   ``--max-tighten`` times.  A solver that does not get there is reported as *not reached*,
   with the gap it did reach.
   For a path the gap is the largest one along the path.
2. **Timing.**  The first call is timed on its own (``1st call``: it includes Numba
   compilation or on-disk cache loading where a solver has any) and excluded, as are all
   search runs; at the chosen ``tol`` the median of ``--repeat`` further runs is reported.
3. **Memory.**  One more run with two probes: ``tracemalloc`` peak (allocations through
   Python's and NumPy's allocators; blind to Numba's NRT and Fortran allocations) and the rise
   of the process RSS over its value before the run, sampled every 2 ms from a thread (sees
   every allocator, but only while the solver releases the GIL, plus the end state).
4. **Ratio** to the fastest *peer* (non-fastreg solver) that reached the target.

Tasks: ``alpha_max/10`` and ``alpha_max/100`` are single fits with an intercept;
``path`` is 100 alphas from ``alpha_max`` to ``alpha_max/100`` without intercept on centred
``y`` (scikit-learn's ``lasso_path`` has no intercept), the same alphas for every solver.

Logistic model: the same task names on the labelled problems of
:data:`benchmarks.problems.CLASSIFICATION_PROBLEMS`, judged by
:func:`benchmarks.gap.logistic_duality_gap` against ``rel * P_null`` (the mean loss of the
intercept-only model); single fits with an unpenalized intercept, a 50-alpha path without
(:class:`benchmarks.common.LogisticCase`; ``--no-intercept`` drops the intercept everywhere).

Multi-task model: the Lasso's task names on the problems of
:data:`benchmarks.problems.MULTITASK_PROBLEMS` (``Y`` of one column per task), judged by
:func:`benchmarks.gap.multitask_duality_gap` against ``rel * ||Y - Ybar||_F^2 / (2n)``; single
fits with one intercept per task, a 50-alpha path without, on centred ``Y``
(:class:`benchmarks.common.MultiTaskCase`).  ``nnz`` counts the selected features.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from benchmarks.common import REL_GAP, TASKS, Case, LogisticCase, MultiTaskCase
from benchmarks.problems import (
    CLASSIFICATION_PROBLEMS,
    MULTITASK_PROBLEMS,
    PROBLEMS,
    clear_cache,
    get_classification_problem,
    get_multitask_problem,
    get_problem,
)
from benchmarks.solvers import (
    LOGISTIC_SOLVERS,
    MULTITASK_SOLVERS,
    SOLVERS,
    adelie_python,
    available_solvers,
    setup_adelie,
)

QUICK_SCALE = 0.05  # --quick: problems 20x smaller than scale 1 (diabetes_poly keeps its size)
QUICK_MAX_TIME = 5.0
QUICK_MAX_TIGHTEN = 6
#: (problem, task) left out by --quick: half of its time, for little extra information.
QUICK_SKIP = {("text_like", "path")}
#: The same for --model logistic: the sparse paths are two thirds of its time (loops of 50
#: fits for liblinear and skglm).
LOGISTIC_QUICK_SKIP = {("sparse_wide", "path"), ("text_like", "path")}

# -- measurement ------------------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:  # not Linux: no RSS probe
        return 0


def measure_memory(function):
    """Run ``function()``; return ``(tracemalloc peak MB, sampled RSS rise MB)``."""
    gc.collect()
    base = _rss_bytes()
    peak = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            stop.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    try:
        function()
    finally:
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stop.set()
        sampler.join()
    peak[0] = max(peak[0], _rss_bytes())
    return traced_peak / 2**20, (peak[0] - base) / 2**20


def _timed(function):
    start = time.perf_counter()
    out = function()
    return time.perf_counter() - start, out


def _run_timed(solver, task, tol):
    """``task.run(solver, tol)`` and its seconds: the harness's clock, or the solver's own for
    one that runs in another process (``self_timed``, see ``benchmarks.solvers.AdelieSolver``)."""
    elapsed, out = _timed(lambda: task.run(solver, tol))
    if getattr(solver, "self_timed", False):
        elapsed = solver.last_seconds
    return elapsed, out


# -- tasks ------------------------------------------------------------------------------------


class Task(Case):
    """A :class:`~benchmarks.common.Case` that runs solver adapters and certifies them."""

    def __init__(self, X, y, task, rel=REL_GAP):
        super().__init__(X, y, task)
        self.target *= rel / REL_GAP

    def run(self, solver, tol):
        if self.task == "path":
            return solver.path(self.X, self.y, self.alphas, tol)
        return solver.fit(self.X, self.y, self.alpha, tol)

    def gap(self, out):
        if self.task == "path":
            return super().gap(out)
        return super().gap(out.coef, out.intercept)

    def summary(self, out):
        """(nnz of the solution -- the last alpha of a path --, n_iter or None)."""
        if self.task == "path":
            return int(np.count_nonzero(out[:, -1])), None
        return int(np.count_nonzero(out.coef)), out.n_iter


class LogisticTask(LogisticCase):
    """A :class:`~benchmarks.common.LogisticCase` that runs logistic adapters, certifies them."""

    def __init__(self, X, y, task, rel=REL_GAP, fit_intercept=None):
        super().__init__(X, y, task, fit_intercept)
        self.target *= rel / REL_GAP

    def run(self, solver, tol):
        if self.task == "path":
            return solver.path(self.X, self.y, self.alphas, tol, self.fit_intercept)
        return solver.fit(self.X, self.y, self.alpha, tol, self.fit_intercept)

    def gap(self, out):
        if self.task == "path":
            return super().gap(out.coefs, out.intercepts)
        return super().gap(out.coef, out.intercept)

    def summary(self, out):
        """(nnz of the solution -- the last alpha of a path --, n_iter or None)."""
        if self.task == "path":
            return int(np.count_nonzero(out.coefs[:, -1])), None
        return int(np.count_nonzero(out.coef)), out.n_iter


class MultiTaskTask(MultiTaskCase):
    """A :class:`~benchmarks.common.MultiTaskCase` that runs the multi-task adapters."""

    def __init__(self, X, Y, task, rel=REL_GAP):
        super().__init__(X, Y, task)
        self.target *= rel / REL_GAP

    def run(self, solver, tol):
        if self.task == "path":
            return solver.path(self.X, self.Y, self.alphas, tol)
        return solver.fit(self.X, self.Y, self.alpha, tol)

    def gap(self, out):
        if self.task == "path":
            return super().gap(out)
        return super().gap(out.coef, out.intercept)

    def summary(self, out):
        """(selected features -- at the last alpha of a path --, n_iter or None).

        A feature is selected when its column of ``coef`` (one value per task) is non-zero.
        """
        if self.task == "path":
            return int(np.count_nonzero(np.any(out[:, :, -1] != 0, axis=0))), None
        return int(np.count_nonzero(np.any(out.coef != 0, axis=0))), out.n_iter


def benchmark_solver(solver, task, repeat=3, max_tighten=8, max_time=60.0, tol_start=None):
    """Tune ``tol`` to the target, then time and measure; return a result dict.

    The search starts at ``tol_start`` (default ``solver.tol0``) and divides by 10.
    """
    wall_start = time.perf_counter()
    row = {"solver": solver.name, "peer": solver.peer, "target": task.target}
    tol = solver.tol0 if tol_start is None else tol_start
    first_call = None
    reached = False
    for attempt in range(max_tighten + 1):
        elapsed, out = _run_timed(solver, task, tol)
        if first_call is None:
            first_call = elapsed
            if elapsed > max_time:  # perhaps JIT compilation: judge the cap on a second run
                elapsed, out = _run_timed(solver, task, tol)
        gap = task.gap(out)
        if gap <= task.target:
            reached = True
            break
        if elapsed > max_time:
            row["note"] = "not reached: stopped tightening"
            break
        if attempt < max_tighten:
            tol /= 10.0
    if not reached and "note" not in row:
        row["note"] = f"not reached after {max_tighten} tightenings"
    times = [elapsed]
    if elapsed <= max_time:  # the run above was the warm-up at this tol; time fresh runs
        times = [_run_timed(solver, task, tol)[0] for _ in range(repeat)]
    else:
        note = f"one run only: {elapsed:.1f}s > --max-time {max_time:g}s"
        row["note"] = f"{row['note']}; {note}" if "note" in row else note
    nnz, n_iter = task.summary(out)
    traced_mb = rss_mb = None
    if elapsed <= max_time and not getattr(solver, "self_timed", False):
        traced_mb, rss_mb = measure_memory(lambda: task.run(solver, tol))
    row.update(
        tol=tol, reached=reached, gap=gap, time=statistics.median(times), times=times,
        first_call=first_call, nnz=nnz, n_iter=n_iter, tracemalloc_mb=traced_mb, rss_mb=rss_mb,
        runs=attempt + 1 + (first_call > max_time) + len(times) + (traced_mb is not None),
        wall=time.perf_counter() - wall_start,
    )  # fmt: skip
    return row


def add_ratios(rows):
    """Ratio of each solver's median time to the fastest peer that reached the target."""
    peers = [r["time"] for r in rows if r.get("peer") and r.get("reached")]
    best = min(peers) if peers else None
    for r in rows:
        r["ratio"] = r["time"] / best if best and "time" in r else None


# -- startup ----------------------------------------------------------------------------------

_STARTUP_CODE = """
import json, time
t0 = time.perf_counter()
import {module}
t_import = time.perf_counter() - t0
import numpy as np, scipy.sparse as sp
rng = np.random.default_rng(0)
X = np.asfortranarray(rng.standard_normal((200, 50)))
y = X[:, :5].sum(axis=1) + rng.standard_normal(200)
out = {{"import": t_import}}
for fmt, data in (("dense", X), ("csc", sp.csc_matrix(X))):
    t0 = time.perf_counter()
    {fit}
    out["first fit " + fmt] = time.perf_counter() - t0
print(json.dumps(out))
"""

_STARTUP_FITS = {
    "fastreg": ("fastreg", "fastreg.Lasso(alpha=0.1).fit(data, y)"),
    "sklearn": ("sklearn.linear_model", "sklearn.linear_model.Lasso(alpha=0.1).fit(data, y)"),
    "skglm": ("skglm", "skglm.Lasso(alpha=0.1).fit(data, y)"),
    "celer": ("celer", "celer.Lasso(alpha=0.1).fit(data, y)"),
}

# The same tiny problem with labels ``y > 0``; ``C = 0.1`` is about alpha_max / 6 there.
_LOGISTIC_STARTUP_FITS = {
    "fastreg": ("fastreg", "fastreg.LogisticRegression(C=0.1, l1_ratio=1.0).fit(data, y > 0)"),
    "sklearn-liblinear": (
        "sklearn.linear_model",
        "sklearn.linear_model.LogisticRegression(C=0.1, l1_ratio=1.0, solver='liblinear')"
        ".fit(data, y > 0)",
    ),
    "sklearn-saga": (
        "sklearn.linear_model",
        "sklearn.linear_model.LogisticRegression(C=0.1, l1_ratio=1.0, solver='saga')"
        ".fit(data, y > 0)",
    ),
    "skglm": ("skglm", "skglm.SparseLogisticRegression(alpha=0.05).fit(data, y > 0)"),
    "celer": ("celer", "celer.LogisticRegression(C=0.1).fit(data, y > 0)"),
}


# The same tiny problem with two tasks, ``y`` and ``-y``.  celer is left out: its multi-task
# solver takes dense X only (as sklearn-gram is left out of the Lasso's).
_MULTITASK_STARTUP_FITS = {
    "fastreg": ("fastreg", "fastreg.MultiTaskLasso(alpha=0.1).fit(data, np.c_[y, -y])"),
    "sklearn": (
        "sklearn.linear_model",
        "sklearn.linear_model.MultiTaskLasso(alpha=0.1).fit(data, np.c_[y, -y])",
    ),
    "skglm": ("skglm", "skglm.MultiTaskLasso(alpha=0.1).fit(data, np.c_[y, -y])"),
}


def _fresh_process(code, env):
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        return {"error": tail[0]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def startup_times(names, cold=True, fits=None):
    """Import and first-fit times in fresh interpreters.

    ``cold=True``: with a new empty ``NUMBA_CACHE_DIR`` (everything compiles), then again with
    the cache that run filled.  ``cold=False``: once, with the default cache, which the runs of
    this process have just filled (compile-free: the cheap check of ``--quick``).  ``fits``:
    solver name -> ``(module, fit statement)``, default the Lasso fits.
    """
    fits = _STARTUP_FITS if fits is None else fits
    results = {}
    for name in names:
        if name not in fits:
            continue
        module, fit = fits[name]
        code = _STARTUP_CODE.format(module=module, fit=fit)
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        if not cold:
            results[(name, "warm cache (default)")] = _fresh_process(code, env)
            continue
        with tempfile.TemporaryDirectory(prefix="fastreg-numba-cache-") as cache:
            env["NUMBA_CACHE_DIR"] = cache
            for state in ("cold cache", "warm cache"):
                results[(name, state)] = _fresh_process(code, env)
    return results


# -- report -----------------------------------------------------------------------------------


def _fmt(value, spec):
    return "" if value is None else format(value, spec)


def markdown_table(rows):
    head = (
        "| problem | task | solver | tol | time (s) | 1st call (s) | gap | target | gap ok "
        "| nnz | n_iter | tracemalloc MB | RSS rise MB | x best peer | note |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r['problem']} | {r['task']} | {r['solver']} | | | | | | error: "
                f"{r['error']} | | | | | | |"
            )
            continue
        ok = "yes" if r["reached"] else "**not reached**"
        ratio = _fmt(r.get("ratio"), ".2f")
        lines.append(
            f"| {r['problem']} | {r['task']} | {r['solver']} | {r['tol']:.0e} "
            f"| {r['time']:.4f} | {r['first_call']:.4f} | {r['gap']:.2e} | {r['target']:.2e} "
            f"| {ok} | {r['nnz']} | {_fmt(r['n_iter'], 'd')} | {_fmt(r['tracemalloc_mb'], '.1f')} "
            f"| {_fmt(r['rss_mb'], '.1f')} | {ratio} | {r.get('note', '')} |"
        )
    return "\n".join(lines)


def startup_table(results):
    lines = [
        "| solver | cache | import (s) | first fit dense (s) | first fit csc (s) |",
        "|---|---|---|---|---|",
    ]
    for (name, state), r in results.items():
        if "error" in r:
            lines.append(f"| {name} | {state} | error: {r['error']} | | |")
        else:
            lines.append(
                f"| {name} | {state} | {r['import']:.3f} | {r['first fit dense']:.3f} "
                f"| {r['first fit csc']:.3f} |"
            )
    return "\n".join(lines)


def environment():
    info = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count()}  # fmt: skip
    for module in ("numpy", "scipy", "numba", "sklearn", "fastreg", "skglm", "celer", "glmnet"):
        try:
            info[module] = getattr(importlib.import_module(module), "__version__", "?")
        except ImportError:
            info[module] = None
    python = adelie_python()
    if os.path.exists(python):
        version = subprocess.run([python, "-c", "import adelie, numpy; print(adelie.__version__,"
                                  " 'numpy', numpy.__version__)"], capture_output=True, text=True)
        info["adelie"] = version.stdout.strip() or None
    return info


def _describe(X):
    if sp.issparse(X):
        return f"{X.shape[0]} x {X.shape[1]} CSC, nnz {X.nnz}, {X.dtype}"
    return f"{X.shape[0]} x {X.shape[1]} dense, {X.dtype}"


# -- driver -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """What the driver needs to know of one model: its problems, solvers, tasks and wording."""

    title: str  # report heading
    problems: tuple  # problem names, in report order
    solvers: dict  # name -> adapter (benchmarks.solvers)
    load: object  # (problem, dtype, scale) -> (X, y), cached
    make_task: object  # (X, y, task name, rel, args) -> task with run / gap / summary
    target: str  # what the target is relative to, for the report
    startup_fits: dict = field(default_factory=dict)  # for startup_times
    quick_skip: frozenset = frozenset()  # (problem, task) left out by --quick


def _lasso_task(X, y, task_name, rel, args):
    return Task(X, y, task_name, rel)


def _logistic_task(X, y, task_name, rel, args):
    return LogisticTask(X, y, task_name, rel, fit_intercept=False if args.no_intercept else None)


def _multitask_task(X, Y, task_name, rel, args):
    return MultiTaskTask(X, Y, task_name, rel)


MODELS = {
    "lasso": Model(
        title="Lasso",
        problems=tuple(PROBLEMS),
        solvers=SOLVERS,
        load=lambda problem, dtype, scale: get_problem(problem, dtype, scale=scale),
        make_task=_lasso_task,
        target="||y - ybar||^2/(2n)",
        startup_fits=_STARTUP_FITS,
        quick_skip=frozenset(QUICK_SKIP),
    ),
    "logistic": Model(
        title="L1 logistic regression",
        problems=tuple(CLASSIFICATION_PROBLEMS),
        solvers=LOGISTIC_SOLVERS,
        load=lambda problem, dtype, scale: get_classification_problem(problem, dtype, scale=scale),
        make_task=_logistic_task,
        target="P_null (mean loss of the intercept-only model; log 2 without intercept)",
        startup_fits=_LOGISTIC_STARTUP_FITS,
        quick_skip=frozenset(LOGISTIC_QUICK_SKIP),
    ),
    "multitask": Model(
        title="Multi-task Lasso",
        problems=tuple(MULTITASK_PROBLEMS),
        solvers=MULTITASK_SOLVERS,
        load=lambda problem, dtype, scale: get_multitask_problem(problem, dtype, scale=scale),
        make_task=_multitask_task,
        target="||Y - Ybar||_F^2/(2n)",
        startup_fits=_MULTITASK_STARTUP_FITS,
    ),
}


def _csv(value):
    return [v for v in value.split(",") if v]


def _scales(value):
    scales = {}
    for item in _csv(value):
        name, sep, factor = item.partition("=")
        try:
            scales[name] = float(factor)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r} is not NAME=FACTOR") from None
        if not sep or not scales[name] > 0:
            raise argparse.ArgumentTypeError(f"{item!r} is not NAME=FACTOR with FACTOR > 0")
    return scales


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare",
        description="Time-to-target-gap comparison of Lasso, L1 logistic regression or "
        "multi-task Lasso solvers (docs/architecture.md, Benchmarks).",
    )
    parser.add_argument(
        "--model",
        choices=list(MODELS),
        default="lasso",
        help="lasso (default); logistic: L1-regularized logistic regression on labelled "
        "versions of the problems; multitask: multi-task Lasso on problems of their own",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small problems (scale {QUICK_SCALE}), --max-time "
        f"{QUICK_MAX_TIME:g}, --max-tighten {QUICK_MAX_TIGHTEN}, warm-cache start-up of "
        "fastreg only",
    )
    parser.add_argument(
        "--scale", type=float, default=None, help="problem size factor (overrides --quick)"
    )
    parser.add_argument(
        "--scale-of",
        type=_scales,
        default={},
        metavar="NAME=FACTOR,...",
        help="a size factor of their own for some problems, in the same run (for example "
        "ngram_text=0.05,e2006_like=0.05 beside --scale 0.15)",
    )
    parser.add_argument(
        "--problems",
        type=_csv,
        default=None,
        help=f"comma-separated subset of: {','.join(PROBLEMS)} "
        f"(logistic: {','.join(CLASSIFICATION_PROBLEMS)}; "
        f"multitask: {','.join(MULTITASK_PROBLEMS)})",
    )
    parser.add_argument(
        "--tasks",
        type=_csv,
        default=list(TASKS),
        help="comma-separated subset of: " + ",".join(TASKS),
    )
    parser.add_argument(
        "--solvers",
        type=_csv,
        default=None,
        help=f"comma-separated subset of: {','.join(SOLVERS)} "
        f"(logistic: {','.join(LOGISTIC_SOLVERS)}; multitask: {','.join(MULTITASK_SOLVERS)})",
    )
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median; >= 3)")
    parser.add_argument(
        "--rel",
        type=float,
        default=1e-6,
        help="target gap, relative to ||y - ybar||^2 / (2n) (logistic: to P_null; "
        "multitask: to ||Y - Ybar||_F^2 / (2n))",
    )
    parser.add_argument(
        "--no-intercept",
        action="store_true",
        help="logistic only: single fits without intercept too (every peer then solves its "
        "native problem; by default they fit an unpenalized intercept)",
    )
    parser.add_argument(
        "--max-tighten",
        type=int,
        default=None,
        help="most 10x tightenings of tol in the search (default 8; 6 with --quick)",
    )
    parser.add_argument(
        "--max-time",
        type=float,
        default=None,
        help="seconds; once one run takes longer, stop tightening tol and time "
        "that run only (default 60; 5 with --quick)",
    )
    parser.add_argument(
        "--no-startup",
        action="store_true",
        help="skip the fresh-process import / first-fit timings",
    )
    parser.add_argument("--json", metavar="FILE", help="also write all results as JSON")
    parser.add_argument(
        "--setup-adelie",
        action="store_true",
        help="first create adelie's own virtual environment (it pins numpy<2) at "
        "$FASTREG_ADELIE_PYTHON or .venv-adelie",
    )
    args = parser.parse_args(argv)
    model = MODELS[args.model]
    if args.problems is None:
        args.problems = list(model.problems)
    if args.solvers is None:
        args.solvers = list(model.solvers)
    if args.repeat < 3:
        parser.error("--repeat must be at least 3")
    if args.no_intercept and args.model != "logistic":
        parser.error("--no-intercept applies to --model logistic only")
    for value, known, what in ((args.problems, model.problems, "problem"),
                               (args.tasks, TASKS, "task"),
                               (args.solvers, model.solvers, "solver"),
                               (args.scale_of, args.problems, "--scale-of problem")):  # fmt: skip
        unknown = sorted(set(value) - set(known))
        if unknown:
            parser.error(f"unknown {what}(s): {', '.join(unknown)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.setup_adelie:
        print(f"adelie's environment: {setup_adelie()}")
    model = MODELS[args.model]
    scale = args.scale if args.scale is not None else (QUICK_SCALE if args.quick else 1.0)
    if args.max_time is None:
        args.max_time = QUICK_MAX_TIME if args.quick else 60.0
    if args.max_tighten is None:
        args.max_tighten = QUICK_MAX_TIGHTEN if args.quick else 8
    solvers, skipped = available_solvers(args.solvers, model.solvers)
    env = environment()

    own = "".join(f", {name} at {factor:g}" for name, factor in args.scale_of.items())
    print(f"# {model.title} time-to-gap comparison (scale {scale:g}{own}, {args.dtype})\n")
    print(", ".join(f"{k} {v}" for k, v in env.items() if v is not None) + "\n")
    for name, reason in skipped.items():
        print(f"- skipped {name}: {reason}")
    if args.quick:
        left_out = sorted(
            f"{p} {t}" for p, t in model.quick_skip if p in args.problems and t in args.tasks
        )
        if left_out:
            print(f"- left out by --quick: {', '.join(left_out)}")
    if args.model == "logistic":
        where = (
            "no intercept in any task"
            if args.no_intercept
            else "single fits with an unpenalized intercept, the path without"
        )
        print(f"- {where}")
    elif args.model == "multitask":
        print("- single fits with an intercept per task, the path without (on centred Y); nnz: "
              "selected features (non-zero columns of coef_)")  # fmt: skip
    print(
        f"- target gap: {args.rel:g} x {model.target}; time = median of {args.repeat} runs "
        "after a warm-up; memory: tracemalloc peak and sampled RSS rise of one extra run\n"
    )

    rows = []
    last_tol = {}
    for problem in args.problems:
        X, y = model.load(problem, args.dtype, args.scale_of.get(problem, scale))
        print(f"- {problem}: {_describe(X)}", file=sys.stderr, flush=True)
        for task_name in args.tasks:
            if args.quick and (problem, task_name) in model.quick_skip:
                continue
            task = model.make_task(X, y, task_name, args.rel, args)
            group = []
            for solver in solvers:
                # A decade looser than what this solver needed on the previous task of this
                # problem: saves search runs, and can still find a looser tol than before.
                previous = last_tol.get((problem, solver.name))
                tol_start = None if previous is None else min(solver.tol0, 10.0 * previous)
                if not solver.supports(X):
                    continue
                label = {"problem": problem, "task": task_name, "solver": solver.name}
                try:
                    row = benchmark_solver(solver, task, args.repeat, args.max_tighten,
                                           args.max_time, tol_start)  # fmt: skip
                    if row["reached"]:
                        last_tol[(problem, solver.name)] = row["tol"]
                except Exception as exc:  # a broken peer must not stop the comparison
                    # One line: the message goes into a table cell.
                    message = " ".join(f"{type(exc).__name__}: {exc}".split())
                    row = {"error": message[:120], "peer": solver.peer}
                row.update(label)
                group.append(row)
                print(f"  {task_name} {solver.name}: {row.get('time', row.get('error'))}",
                      file=sys.stderr, flush=True)  # fmt: skip
            add_ratios(group)
            rows.extend(group)
        clear_cache()

    print(markdown_table(rows))

    startup = {}
    if not args.no_startup:
        names = ["fastreg"] if args.quick else [s.name for s in solvers]
        startup = startup_times(names, cold=not args.quick, fits=model.startup_fits)
        print("\n## Fresh-process start-up (tiny 200 x 50 problem)\n")
        print(startup_table(startup))

    if args.json:
        payload = {
            "environment": env, "scale": scale, "scale_of": args.scale_of,
            "dtype": args.dtype, "rel": args.rel,
            "repeat": args.repeat, "skipped": skipped, "results": rows,
            "startup": [{"solver": n, "cache": s, **r} for (n, s), r in startup.items()],
        }  # fmt: skip
        if args.model != "lasso":  # Lasso files keep the layout they always had
            payload.update(model=args.model, no_intercept=args.no_intercept)
        with open(args.json, "w") as f:
            json.dump(payload, f, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
