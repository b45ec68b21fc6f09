"""Settings and helpers shared by the asv suites (``bench_*.py``).

Environment variables (read when asv imports the suites; asv passes the environment on):

``FASTREG_BENCH_SCALE``
    Size factor of the problems (default 1, the sizes of DESIGN.md; 0.1 for a quick look).
``FASTREG_BENCH_HEAVY``
    ``1`` also runs the combinations skipped as too heavy for routine runs (see
    :func:`skip_heavy`).
"""

from __future__ import annotations

import os

import numpy as np

from .gap import alpha_max, enet_duality_gap, target_gap
from .problems import get_problem

SCALE = float(os.environ.get("FASTREG_BENCH_SCALE", "1"))
HEAVY = os.environ.get("FASTREG_BENCH_HEAVY", "0") == "1"

#: The benchmark target is a gap of ``REL_GAP * ||y - ybar||^2 / (2n)`` (DESIGN.md section 5).
REL_GAP = 1e-6
#: fastreg's ``tol`` has scikit-learn's meaning, ``gap <= tol * ||y - ybar||^2 / n``, so this
#: ``tol`` asks fastreg for exactly the target; ``track_dual_gap`` checks that it delivers.
TOL = REL_GAP / 2
MAX_ITER = 100_000

TASKS = ["alpha_max/10", "alpha_max/100", "path"]
PATH_LENGTH = 100
PATH_EPS = 1e-2

#: (problem, task) pairs skipped unless FASTREG_BENCH_HEAVY=1: 100-alpha paths over 200 000
#: and 1 000 000 sparse columns take minutes per sample.
HEAVY_COMBINATIONS = {("sparse_wide", "path"), ("text_like", "path")}


def skip_heavy(problem, dtype, task):
    """Raise NotImplementedError (asv's "skip") for combinations not run routinely.

    Paths run in float64 only: float32 paths add time, not information.
    """
    if task == "path" and dtype != "float64":
        raise NotImplementedError("paths are benchmarked in float64 only")
    if not HEAVY and (problem, task) in HEAVY_COMBINATIONS:
        raise NotImplementedError(f"{problem} {task} is heavy; set FASTREG_BENCH_HEAVY=1")


class Case:
    """One problem x task: alpha (or the alphas of a path), target and certificate.

    ``alpha_max/10`` and ``alpha_max/100`` are single fits *with* an intercept; ``path`` is
    100 alphas from ``alpha_max`` to ``alpha_max/100`` *without* intercept on centred ``y``
    (scikit-learn's ``lasso_path`` has no intercept, and sparse ``X`` cannot be centred
    without densifying it).
    """

    def __init__(self, X, y, task, l1_ratio=1.0):
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; choose from {TASKS}")
        self.X, self.task, self.l1_ratio = X, task, l1_ratio
        if task == "path":
            self.y = y - y.mean()
            a_max = alpha_max(X, self.y, l1_ratio, fit_intercept=False)
            self.alphas = a_max * np.geomspace(1.0, PATH_EPS, PATH_LENGTH)
            self.target = target_gap(self.y, REL_GAP, fit_intercept=False)
        else:
            self.y = y
            self.alpha = alpha_max(X, y, l1_ratio) / float(task.split("/")[1])
            self.target = target_gap(y, REL_GAP)

    @classmethod
    def load(cls, problem, dtype, task, l1_ratio=1.0, scale=None):
        """The case on problem ``problem`` (cached) in ``dtype`` at ``scale`` (default SCALE)."""
        X, y = get_problem(problem, np.dtype(dtype), scale=SCALE if scale is None else scale)
        return cls(X, y, task, l1_ratio)

    def gap(self, coef, intercept=0.0):
        """Recomputed duality gap of an answer (the largest along a path), objective units."""
        if self.task == "path":
            if np.shape(coef) != (self.X.shape[1], self.alphas.size):
                raise ValueError(f"path of shape {np.shape(coef)}: one column per alpha needed")
            return max(
                enet_duality_gap(self.X, self.y, coef[:, k], 0.0, a, self.l1_ratio, False)
                for k, a in enumerate(self.alphas)
            )
        return enet_duality_gap(self.X, self.y, coef, intercept, self.alpha, self.l1_ratio, True)
