"""Adapters that give every Lasso solver the same two calls.

``fit(X, y, alpha, tol)`` fits a Lasso *with* an intercept at one ``alpha`` and returns a
:class:`Fit`; ``path(X, y, alphas, tol)`` fits a Lasso *without* intercept at each of the
decreasing ``alphas`` (the caller centres ``y``; scikit-learn's ``lasso_path`` has no
intercept, and sparse ``X`` cannot be centred without densifying it) and returns the
coefficients as an array of shape ``(n_features, n_alphas)``.

``tol`` is passed through in each library's own meaning; the benchmark driver tunes it per
solver until :func:`benchmarks.gap.enet_duality_gap` certifies the target.  ``tol0`` is the first
value it tries.  Libraries that are not installed are reported by :func:`available_solvers`,
never imported at module import time.
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["SOLVERS", "Fit", "Solver", "available_solvers"]

MAX_ITER = 100_000


@dataclass
class Fit:
    coef: np.ndarray
    intercept: float
    n_iter: int | None


class Solver:
    """Base adapter; subclasses set ``name``, ``module``, ``tol0`` and the two methods."""

    name = ""
    module = ""  # importable module that must be present
    tol0 = 1e-4
    peer = True  # False for fastreg itself
    dense_only = False
    has_path = True  # False: ``path`` is a warm-started loop of single fits

    def missing(self):
        """A reason string if the solver cannot run in this environment, else ``None``."""
        try:
            importlib.import_module(self.module)
        except ImportError as exc:
            return f"{self.module} not importable ({exc})"
        return None

    def supports(self, X):
        return not (self.dense_only and sp.issparse(X))

    def fit(self, X, y, alpha, tol):
        raise NotImplementedError

    def path(self, X, y, alphas, tol):
        raise NotImplementedError


class FastregSolver(Solver):
    name = "fastreg"
    module = "fastreg"
    peer = False

    def missing(self):
        reason = super().missing()
        if reason is None:
            import fastreg

            absent = [n for n in ("Lasso", "lasso_path") if not hasattr(fastreg, n)]
            if absent:
                reason = f"fastreg has no {', '.join(absent)} yet"
        return reason

    def fit(self, X, y, alpha, tol):
        import fastreg

        model = fastreg.Lasso(alpha=alpha, tol=tol, max_iter=MAX_ITER).fit(X, y)
        return Fit(model.coef_, float(model.intercept_), _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol):
        import fastreg

        _, coefs, _ = fastreg.lasso_path(X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER)
        return np.asarray(coefs)


class SklearnSolver(Solver):
    name = "sklearn"
    module = "sklearn"
    precompute = False

    def fit(self, X, y, alpha, tol):
        from sklearn.linear_model import Lasso

        model = Lasso(alpha=alpha, tol=tol, max_iter=MAX_ITER, precompute=self.precompute)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        return Fit(model.coef_, float(model.intercept_), _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol):
        from sklearn.linear_model import lasso_path

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, coefs, _ = lasso_path(
                X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER, precompute=self.precompute
            )
        return coefs


class SklearnGramSolver(SklearnSolver):
    name = "sklearn-gram"
    precompute = True
    dense_only = True


class SkglmSolver(Solver):
    name = "skglm"
    module = "skglm"
    has_path = False

    def _model(self, alpha, tol, fit_intercept, warm_start=False):
        from skglm import Lasso

        return Lasso(
            alpha=alpha, tol=tol, fit_intercept=fit_intercept, warm_start=warm_start,
            max_iter=1000, max_epochs=MAX_ITER,
        )  # fmt: skip

    def fit(self, X, y, alpha, tol):
        model = self._model(alpha, tol, fit_intercept=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        return Fit(model.coef_, float(model.intercept_), _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol):
        model = self._model(alphas[0], tol, fit_intercept=False, warm_start=True)
        coefs = np.empty((X.shape[1], len(alphas)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, alpha in enumerate(alphas):
                model.alpha = alpha
                model.fit(X, y)
                coefs[:, k] = model.coef_
        return coefs


class CelerSolver(Solver):
    name = "celer"
    module = "celer"

    def fit(self, X, y, alpha, tol):
        from celer import Lasso

        model = Lasso(alpha=alpha, tol=tol, max_iter=1000, max_epochs=MAX_ITER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        return Fit(model.coef_, float(model.intercept_), _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol):
        from celer import celer_path

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = celer_path(
                X, y, "lasso", alphas=alphas, tol=tol, max_iter=1000, max_epochs=MAX_ITER
            )
        return result[1]


class GlmnetSolver(Solver):
    """python-glmnet: ``lambda`` is scikit-learn's ``alpha`` for the Gaussian family.

    ``standardize=False`` (the other solvers do not rescale columns), ``n_splits=0`` (no
    cross-validation).  A single fit is a one-value ``lambda_path``.  glmnet's ``tol`` is a
    threshold on coordinate updates, much looser in gap terms than the others' ``tol``, hence the
    smaller ``tol0``.
    """

    name = "glmnet"
    module = "glmnet"
    tol0 = 1e-8

    def _fit(self, X, y, lambdas, tol, fit_intercept):
        from glmnet import ElasticNet

        model = ElasticNet(
            alpha=1.0, lambda_path=np.asarray(lambdas, dtype=np.float64), standardize=False,
            fit_intercept=fit_intercept, n_splits=0, tol=tol, max_iter=MAX_ITER,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        if model.coef_path_.shape[1] != len(lambdas):
            raise RuntimeError(
                f"glmnet stopped the path after {model.coef_path_.shape[1]} of {len(lambdas)}"
            )
        return model

    def fit(self, X, y, alpha, tol):
        model = self._fit(X, y, [alpha], tol, fit_intercept=True)
        return Fit(model.coef_path_[:, -1], float(model.intercept_path_[-1]), None)

    def path(self, X, y, alphas, tol):
        return self._fit(X, y, alphas, tol, fit_intercept=False).coef_path_


def _as_int(n_iter):
    if n_iter is None:
        return None
    return int(np.max(n_iter))


#: name -> adapter, in report order (fastreg first).
SOLVERS = {
    s.name: s
    for s in (
        FastregSolver(),
        SklearnSolver(),
        SklearnGramSolver(),
        SkglmSolver(),
        CelerSolver(),
        GlmnetSolver(),
    )
}


def available_solvers(names=None):
    """Split ``names`` (default: all) into ``(runnable adapters, {name: reason skipped})``."""
    names = list(SOLVERS) if names is None else list(names)
    runnable, skipped = [], {}
    for name in names:
        if name not in SOLVERS:
            raise KeyError(f"unknown solver {name!r}; choose from {list(SOLVERS)}")
        reason = SOLVERS[name].missing()
        if reason is None:
            runnable.append(SOLVERS[name])
        else:
            skipped[name] = reason
    return runnable, skipped
