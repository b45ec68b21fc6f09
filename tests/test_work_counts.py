"""Work budgets: the engine's deterministic work counts on the benchmark problems (scaled to
``--quick`` size), held within a margin of the counts recorded when they were written.

Wall time is never asserted (it lives in ``benchmarks/``); epochs, passes over X and Gram
entries do not depend on the machine, the threads or the load, so an algorithmic slowdown (a
working set that grows worse, a screening rule that stops pruning, a strong set that misses)
fails here.  When a change lowers a count, record the new one; one that raises a count must
say why in its commit.
"""

import numpy as np
import pytest

from benchmarks.problems import MULTITASK_PROBLEMS, PROBLEMS
from fastreg._solver import Solver, make_problem
from fastreg.path import walk_path

SCALE = 0.05
TOL = 1e-6
#: Headroom over the recorded counts, for rounding differences among BLAS builds.
MARGIN = 1.25
#: (epochs over all working sets and alphas, full passes over X, Gram entries computed) as
#: recorded; a multi-task pass counts once per task (one ``X^T v`` each).  Recorded again
#: with the orthant step (``ResidualCD._polish``): fewer epochs where coordinate descent's
#: tail was long (wide_dense and diabetes_poly at alpha_max/100: 514 -> 380 and 498 -> 428,
#: the ngram_text path 33217 -> 10846, the e2006_like path 58373 -> 15054), more Gram
#: entries, those of the steps' systems.
RECORDED = {
    ("wide_dense", "alpha_max/10"): (73, 6, 0),
    ("wide_dense", "alpha_max/100"): (380, 8, 5184),
    ("wide_dense", "path"): (4028, 102.51, 5073),
    ("tall_dense", "alpha_max/10"): (25, 4.2, 0),
    ("tall_dense", "alpha_max/100"): (24, 5, 0),
    ("tall_dense", "path"): (505, 1, 625),
    ("sparse_wide", "alpha_max/10"): (70, 2.5, 0),
    ("sparse_wide", "alpha_max/100"): (415, 4.26, 90000),
    ("sparse_wide", "path"): (613, 101, 0),
    ("text_like", "alpha_max/10"): (6, 2.46, 0),
    ("text_like", "alpha_max/100"): (83, 5.2, 0),
    ("text_like", "path"): (2082, 101.02, 274889),
    ("diabetes_poly", "alpha_max/10"): (106, 5, 1600),
    ("diabetes_poly", "alpha_max/100"): (428, 7, 63504),
    ("diabetes_poly", "path"): (5314, 1, 81225),
    ("ngram_text", "alpha_max/10"): (87, 8.39, 0),
    ("ngram_text", "alpha_max/100"): (1306, 13.58, 995121),
    ("ngram_text", "path"): (10846, 101.79, 664450),
    ("e2006_like", "alpha_max/10"): (177, 10.01, 419904),
    ("e2006_like", "alpha_max/100"): (3110, 18, 646507),
    ("e2006_like", "path"): (15054, 101.4, 469544),
    ("mt_wide_dense", "alpha_max/10"): (53, 140, 0),
    ("mt_wide_dense", "alpha_max/100"): (210, 140, 0),
    ("mt_wide_dense", "path"): (2748, 2020, 0),
    ("mt_sparse", "alpha_max/10"): (36, 46.14, 0),
    ("mt_sparse", "alpha_max/100"): (258, 83.5, 0),
    ("mt_sparse", "path"): (1338, 1010, 0),
}


def run_task(name, task):
    """The benchmark task on the problem: a single fit with an intercept, or the 100-alpha
    path on the centred target without one; returns the design's work and the epochs."""
    make = {**PROBLEMS, **MULTITASK_PROBLEMS}[name]
    X, y = make(scale=SCALE)[:2]
    loss = "multitask" if y.ndim == 2 else "squared"
    path = task == "path"
    problem = make_problem(X, y - y.mean(axis=0) if path else y, fit_intercept=not path,
                           loss=loss)
    alpha_max = problem.alpha_max()
    if path:
        grid = np.geomspace(alpha_max, alpha_max / 100, 100)
        results = list(walk_path(problem, grid, 1.0, tol=TOL))
    else:
        alpha = alpha_max / int(task.split("/")[1])
        results = [Solver(problem).run(alpha, 1.0, positive=False, tol=TOL, max_iter=1000)]
    assert all(result.converged for result in results)  # with the default max_iter
    return sum(result.n_iter for result in results), problem.design.work


@pytest.mark.parametrize(("name", "task"), list(RECORDED))
def test_work_stays_within_its_budget(name, task):
    epochs, work = run_task(name, task)
    recorded_epochs, recorded_passes, recorded_gram = RECORDED[name, task]
    assert epochs <= MARGIN * recorded_epochs, (epochs, recorded_epochs)
    assert work.passes <= MARGIN * recorded_passes + 1, (work.passes, recorded_passes)
    assert work.gram_entries <= MARGIN * recorded_gram, (work.gram_entries, recorded_gram)


def test_counts_are_what_they_say():
    # One certified fit on a small problem: its correlation passes are whole passes over X
    # (the gap's), and with precompute=True every Gram entry it reads was counted.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 30))
    y = X[:, :3].sum(axis=1) + 0.1 * rng.normal(size=50)
    problem = make_problem(X, y)
    problem.design.correlations(y, 0.0, 0.0, np.arange(10, dtype=np.int32), np.empty(30))
    assert problem.design.work.passes == pytest.approx(10 / 30)
    result = Solver(problem, True).run(problem.alpha_max() / 10, 1.0, positive=False,
                                       tol=1e-8, max_iter=1000)
    assert result.converged and result.mode == "gram"
    work = problem.design.work
    assert work.passes >= 1 + 10 / 30  # at least the certifying pass
    assert 0 < work.gram_entries <= 30 * 30
    assert work.gram_entries % 30 == 0  # whole columns of the 30 x 30 Gram
