"""asv suite: fastreg's Lasso, Elastic Net and L1 logistic regression on the benchmark problems.

Every fit asks for the benchmark target (``tol = TOL``); ``track_dual_gap`` records the gap
recomputed by :mod:`benchmarks.gap` over that target, so a speed-up that stops converging
shows up as a ratio above 1.  Data are built once per process by the cache of
:func:`benchmarks.problems.get_problem` (asv runs each benchmark in its own process, and a
``setup_cache`` would pickle gigabytes of arrays to disk for nothing: generation is cheaper).
"""

import numpy as np

from .common import (
    LOGISTIC_TOL,
    MAX_ITER,
    SCALE,
    TASKS,
    TOL,
    Case,
    LogisticCase,
    skip_heavy,
)
from .gap import logistic_alpha_max
from .problems import CLASSIFICATION_PROBLEMS, PROBLEMS


def _warm_up(case):
    """Compile (or load from Numba's cache) the specializations this case uses, untimed.

    A fit of the same dtype and format on a few columns runs the same kernels; asv's
    ``--quick`` mode times a single call, which must not include compilation.
    """
    import fastreg

    X = case.X[:, : min(20, case.X.shape[1])]
    if case.task == "path":
        fastreg.lasso_path(X, case.y, n_alphas=3, eps=0.1, tol=1e-3)
    else:
        fastreg.ElasticNet(alpha=case.alpha, l1_ratio=case.l1_ratio, tol=1e-3).fit(X, case.y)


class LassoFit:
    """Single fits at ``alpha_max/10`` and ``alpha_max/100``, and the 100-alpha path."""

    params = [list(PROBLEMS), ["float64", "float32"], TASKS]
    param_names = ["problem", "dtype", "task"]
    timeout = 600.0
    # Results at another FASTREG_BENCH_SCALE are other benchmarks: asv never compares them.
    version = f"scale={SCALE:g}"
    l1_ratio = 1.0

    def setup(self, problem, dtype, task):
        skip_heavy(problem, dtype, task)
        self.case = Case.load(problem, dtype, task, self.l1_ratio)
        _warm_up(self.case)

    def _run(self):
        """Fit; return ``(coef or coefs, intercept, n_iter)``."""
        import fastreg

        case = self.case
        if case.task == "path":
            _, coefs, _, n_iters = fastreg.enet_path(
                case.X, case.y, l1_ratio=case.l1_ratio, alphas=case.alphas, tol=TOL,
                max_iter=MAX_ITER, return_n_iter=True,
            )  # fmt: skip
            return coefs, 0.0, int(np.sum(n_iters))
        model = fastreg.ElasticNet(
            alpha=case.alpha, l1_ratio=case.l1_ratio, tol=TOL, max_iter=MAX_ITER
        ).fit(case.X, case.y)
        return model.coef_, model.intercept_, int(np.max(model.n_iter_))

    def time_fit(self, problem, dtype, task):
        self._run()

    def peakmem_fit(self, problem, dtype, task):
        self._run()

    def track_dual_gap(self, problem, dtype, task):
        coef, intercept, _ = self._run()
        return self.case.gap(coef, intercept) / self.case.target

    track_dual_gap.unit = "gap / target"

    def track_n_iter(self, problem, dtype, task):
        return self._run()[2]

    track_n_iter.unit = "epochs (summed over a path)"


class ElasticNetFit(LassoFit):
    """The same cases with ``l1_ratio = 0.5`` (single fits, float64)."""

    params = [list(PROBLEMS), ["float64"], ["alpha_max/10", "alpha_max/100"]]
    l1_ratio = 0.5


def _logistic_api():
    """fastreg, if it has the logistic API yet; else NotImplementedError (asv's "skip")."""
    import fastreg

    absent = [n for n in ("LogisticRegression", "logistic_path") if not hasattr(fastreg, n)]
    if absent:
        raise NotImplementedError(f"fastreg has no {', '.join(absent)} yet")
    return fastreg


class LogisticFit:
    """L1 logistic regression on the labelled problems: the Lasso's tasks and measures.

    Single fits at ``alpha_max/10`` and ``alpha_max/100`` with an intercept, the 50-alpha path
    without (:class:`benchmarks.common.LogisticCase`).  Skipped until fastreg has
    ``LogisticRegression`` and ``logistic_path``.
    """

    params = [list(CLASSIFICATION_PROBLEMS), ["float64", "float32"], TASKS]
    param_names = ["problem", "dtype", "task"]
    timeout = 600.0
    version = f"scale={SCALE:g}"

    def setup(self, problem, dtype, task):
        skip_heavy(problem, dtype, task)
        fastreg = _logistic_api()
        self.case = case = LogisticCase.load(problem, dtype, task, scale=SCALE)
        # Compile on a few columns, untimed (see _warm_up).
        X = case.X[:, : min(20, case.X.shape[1])]
        a_max = logistic_alpha_max(X, case.y, case.fit_intercept)
        if a_max > 0:
            if case.task == "path":
                fastreg.logistic_path(
                    X, case.y, alphas=a_max * np.array([1.0, 0.3, 0.1]), l1_ratio=1.0,
                    fit_intercept=case.fit_intercept, tol=1e-3,
                )  # fmt: skip
            else:
                fastreg.LogisticRegression(
                    C=1.0 / (0.1 * a_max * X.shape[0]), l1_ratio=1.0,
                    fit_intercept=case.fit_intercept, tol=1e-3,
                ).fit(X, case.y)  # fmt: skip

    def _run(self):
        """Fit; return ``(coef or coefs, intercept or intercepts)``."""
        import fastreg

        case = self.case
        if case.task == "path":
            _, coefs, intercepts, _ = fastreg.logistic_path(
                case.X, case.y, alphas=case.alphas, l1_ratio=1.0,
                fit_intercept=case.fit_intercept, tol=LOGISTIC_TOL, max_iter=MAX_ITER,
            )  # fmt: skip
            return coefs, 0.0 if intercepts is None else intercepts
        model = fastreg.LogisticRegression(
            C=1.0 / (case.alpha * case.X.shape[0]), l1_ratio=1.0,
            fit_intercept=case.fit_intercept, tol=LOGISTIC_TOL, max_iter=MAX_ITER,
        ).fit(case.X, case.y)  # fmt: skip
        return model.coef_, model.intercept_ if case.fit_intercept else 0.0

    def time_fit(self, problem, dtype, task):
        self._run()

    def peakmem_fit(self, problem, dtype, task):
        self._run()

    def track_dual_gap(self, problem, dtype, task):
        coef, intercept = self._run()
        return self.case.gap(coef, intercept) / self.case.target

    track_dual_gap.unit = "gap / target"
