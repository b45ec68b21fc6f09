"""Settings and helpers shared by the asv suites (``bench_*.py``).

Environment variables (read when asv imports the suites; asv passes the environment on):

``FASTREG_BENCH_SCALE``
    Size factor of the problems (default 1, the sizes of docs/architecture.md's Benchmarks
    section; 0.1 for a quick look).
``FASTREG_BENCH_HEAVY``
    ``1`` also runs the combinations skipped as too heavy for routine runs (see
    :func:`skip_heavy`).
"""

from __future__ import annotations

import os

import numpy as np

from .gap import (
    alpha_max,
    enet_duality_gap,
    logistic_alpha_max,
    logistic_duality_gap,
    logistic_target_gap,
    multitask_alpha_max,
    multitask_duality_gap,
    multitask_target_gap,
    target_gap,
)
from .problems import get_classification_problem, get_multitask_problem, get_problem

SCALE = float(os.environ.get("FASTREG_BENCH_SCALE", "1"))
HEAVY = os.environ.get("FASTREG_BENCH_HEAVY", "0") == "1"

#: The benchmark target is a gap of ``REL_GAP * ||y - ybar||^2 / (2n)``
#: (docs/architecture.md, Benchmarks).
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


# -- L1 logistic regression -------------------------------------------------------------------

#: Alphas of a logistic path (the target is ``REL_GAP * P_null``, see
#: :func:`benchmarks.gap.logistic_target_gap`).
LOGISTIC_PATH_LENGTH = 50
#: ``tol`` of fastreg's logistic fits in the asv suite.  fastreg stops at a gap of ``tol`` times
#: the intercept-only model's deviance over ``n``, which is ``2 P_null``: this ``tol`` asks for
#: exactly the target, as ``TOL`` does for least squares; ``track_dual_gap`` checks it.
LOGISTIC_TOL = REL_GAP / 2


class LogisticCase:
    """One classification problem x task for the L1 logistic model (mean-loss scale).

    The tasks have the Lasso's names: ``alpha_max/10`` and ``alpha_max/100`` are single fits
    *with* an unpenalized intercept (what a user fits; solvers that cannot fit one are given a
    constant column, see :mod:`benchmarks.solvers`); ``path`` is 50 alphas from ``alpha_max``
    to ``alpha_max/100`` *without* intercept, the problem that every peer's path function solves
    as it is (celer's ``celer_path`` has no intercept, liblinear penalizes its own).  Each task's
    ``alpha_max`` is that of its own intercept convention.  ``fit_intercept`` overrides the
    convention for every task.
    """

    def __init__(self, X, y, task, fit_intercept=None):
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; choose from {TASKS}")
        if fit_intercept is None:
            fit_intercept = task != "path"
        self.X, self.y, self.task, self.fit_intercept = X, y, task, bool(fit_intercept)
        a_max = logistic_alpha_max(X, y, self.fit_intercept)
        if task == "path":
            self.alphas = a_max * np.geomspace(1.0, PATH_EPS, LOGISTIC_PATH_LENGTH)
        else:
            self.alpha = a_max / float(task.split("/")[1])
        self.target = logistic_target_gap(y, REL_GAP, self.fit_intercept)

    @classmethod
    def load(cls, problem, dtype, task, scale=None, fit_intercept=None):
        """The case on classification problem ``problem`` (cached) in ``dtype`` at ``scale``."""
        X, y = get_classification_problem(
            problem, np.dtype(dtype), scale=SCALE if scale is None else scale
        )
        return cls(X, y, task, fit_intercept)

    def gap(self, coef, intercept=0.0):
        """Recomputed logistic duality gap (the largest along a path), objective units.

        For a path, ``coef`` has shape ``(n_features, n_alphas)`` and ``intercept`` is one value
        per alpha (or 0).
        """
        if self.task == "path":
            if np.shape(coef) != (self.X.shape[1], self.alphas.size):
                raise ValueError(f"path of shape {np.shape(coef)}: one column per alpha needed")
            intercepts = np.broadcast_to(np.asarray(intercept, np.float64), self.alphas.shape)
            return max(
                logistic_duality_gap(self.X, self.y, coef[:, k], b, a, self.fit_intercept)
                for k, (a, b) in enumerate(zip(self.alphas, intercepts, strict=True))
            )
        return logistic_duality_gap(
            self.X, self.y, np.ravel(coef), intercept, self.alpha, self.fit_intercept
        )


# -- multi-task Lasso ---------------------------------------------------------------------------

#: Alphas of a multi-task path (each alpha fits every task).
MULTITASK_PATH_LENGTH = 50


class MultiTaskCase:
    """One multi-task problem x task: alpha (or the alphas of a path), target and certificate.

    The tasks have the Lasso's names and conventions: ``alpha_max/10`` and ``alpha_max/100``
    are single fits *with* one intercept per task; ``path`` is 50 alphas from ``alpha_max`` to
    ``alpha_max/100`` *without* intercept on ``Y`` with each column centred.  ``alpha_max`` is
    :func:`benchmarks.gap.multitask_alpha_max`, the target ``REL_GAP * ||Y - Ybar||_F^2 / (2n)``
    and the certificate :func:`benchmarks.gap.multitask_duality_gap`.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_tasks)
    task : str
        One of :data:`TASKS`.
    """

    def __init__(self, X, Y, task):
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; choose from {TASKS}")
        self.X, self.task = X, task
        self.fit_intercept = task != "path"
        if task == "path":
            self.Y = Y - Y.mean(axis=0)
            a_max = multitask_alpha_max(X, self.Y, fit_intercept=False)
            self.alphas = a_max * np.geomspace(1.0, PATH_EPS, MULTITASK_PATH_LENGTH)
        else:
            self.Y = Y
            self.alpha = multitask_alpha_max(X, Y) / float(task.split("/")[1])
        self.target = multitask_target_gap(self.Y, REL_GAP, self.fit_intercept)

    @classmethod
    def load(cls, problem, dtype, task, scale=None):
        """The case on multi-task problem ``problem`` (cached) in ``dtype`` at ``scale``."""
        X, Y = get_multitask_problem(problem, np.dtype(dtype),
                                     scale=SCALE if scale is None else scale)  # fmt: skip
        return cls(X, Y, task)

    def gap(self, coef, intercept=0.0):
        """Recomputed multi-task duality gap (the largest along a path), objective units.

        Parameters
        ----------
        coef : ndarray of shape (n_tasks, n_features), or (n_tasks, n_features, n_alphas)
            for a path (scikit-learn's layout of both).
        intercept : float or ndarray of shape (n_tasks,)
            The intercepts of a single fit; ignored for a path (which has none).

        Returns
        -------
        gap : float
        """
        shape = (self.Y.shape[1], self.X.shape[1])
        if self.task == "path":
            if np.shape(coef) != (*shape, self.alphas.size):
                raise ValueError(
                    f"path of shape {np.shape(coef)}: (n_tasks, n_features, n_alphas) needed"
                )
            return max(
                multitask_duality_gap(self.X, self.Y, coef[:, :, k], 0.0, a, False)
                for k, a in enumerate(self.alphas)
            )
        if np.shape(coef) != shape:
            raise ValueError(f"coef of shape {np.shape(coef)}: (n_tasks, n_features) needed")
        return multitask_duality_gap(self.X, self.Y, coef, intercept, self.alpha, True)
