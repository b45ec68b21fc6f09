"""Adapters that give every Lasso solver, and every L1 logistic solver, the same two calls.

``fit(X, y, alpha, tol)`` fits a Lasso *with* an intercept at one ``alpha`` and returns a
:class:`Fit`; ``path(X, y, alphas, tol)`` fits a Lasso *without* intercept at each of the
decreasing ``alphas`` (the caller centres ``y``; scikit-learn's ``lasso_path`` has no
intercept, and sparse ``X`` cannot be centred without densifying it) and returns the
coefficients as an array of shape ``(n_features, n_alphas)``.

``tol`` is passed through in each library's own meaning; the benchmark driver tunes it per
solver until :func:`benchmarks.gap.enet_duality_gap` certifies the target.  ``tol0`` is the first
value it tries.  Libraries that are not installed are reported by :func:`available_solvers`,
never imported at module import time.

The logistic adapters (:data:`LOGISTIC_SOLVERS`, subclasses of :class:`LogisticSolver`) take
``fit_intercept`` in both calls (the task decides it, see
:class:`benchmarks.common.LogisticCase`), labels in ``{-1, +1}`` and ``alpha`` in the mean-loss
units of :func:`benchmarks.gap.logistic_objective`; ``path`` returns a :class:`PathFit`, the
coefficients and the intercepts.

The multi-task Lasso adapters (:data:`MULTITASK_SOLVERS`, subclasses of
:class:`MultiTaskSolver`) take ``Y`` of shape ``(n_samples, n_tasks)``: ``fit(X, Y, alpha,
tol)`` fits with one intercept per task and returns a :class:`MultiTaskFit`; ``path(X, Y,
alphas, tol)`` fits without intercept (the caller centres ``Y``) and returns the coefficients
as an array of shape ``(n_tasks, n_features, n_alphas)``, scikit-learn's layout.  Every library
minimises scikit-learn's ``MultiTaskLasso`` objective on the same scale as
:func:`benchmarks.gap.multitask_objective` (checked in its source and by the tests: a tight fit
of each has a vanishing gap there), so ``alpha`` is passed as it is.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .gap import logistic_alpha_max

__all__ = [
    "INTERCEPT_SCALING",
    "GLMNET_STEP",
    "LIBLINEAR_MAX_ITER",
    "LOGISTIC_SOLVERS",
    "MULTITASK_SOLVERS",
    "SAGA_MAX_ITER",
    "SOLVERS",
    "Fit",
    "LogisticSolver",
    "MultiTaskFit",
    "MultiTaskSolver",
    "PathFit",
    "Solver",
    "adelie_python",
    "available_solvers",
    "setup_adelie",
]

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


class AdelieSolver(Solver):
    """adelie (the glmnet authors' group elastic net solver, in C++), in a process of its own.

    adelie pins ``numpy<2``: it is installed in a virtual environment of its own
    (:func:`setup_adelie`, ``python -m benchmarks.compare --setup-adelie``) and runs in
    :mod:`benchmarks.adelie_worker` there, which keeps the problem between fits.  Each fit is
    timed in that process around adelie's ``grpnet`` call alone (``self_timed``: the harness
    reads ``last_seconds`` instead of its own clock, which would count the pipe and the
    files); its memory is not measured.  A single fit is a one-value ``lmda_path``.
    """

    name = "adelie"
    module = "adelie"
    # adelie's tol is on its coordinate updates: on wide_dense at --quick size its gap met the
    # target only at 1e-14 (1e-7: 1700 times the target).
    tol0 = 1e-9
    self_timed = True

    def __init__(self):
        self._process = None
        self._loaded = None  # (X, y) whose files the worker holds
        self._files = None
        self.last_seconds = None

    def missing(self):
        python = adelie_python()
        if not os.path.exists(python):
            return (f"no adelie environment at {python} (python -m benchmarks.compare "
                    "--setup-adelie creates it)")
        return None

    def _ask(self, request):
        if self._process is None or self._process.poll() is not None:
            worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adelie_worker.py")
            self._process = subprocess.Popen(
                [adelie_python(), worker], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, env={**os.environ, "OMP_NUM_THREADS": "1"},
            )  # fmt: skip
            self._loaded = None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline() or '{"error": "worker exited"}')
        if "error" in answer:
            raise RuntimeError(f"adelie: {answer['error']}")
        return answer

    def _run(self, X, y, alphas, tol, intercept):
        if self._loaded is None or self._loaded[0] is not X or self._loaded[1] is not y:
            self._files = tempfile.TemporaryDirectory(prefix="fastreg-adelie-")
            _save_problem(self._files.name, X, y)
            self._ask({"load": self._files.name})
            self._loaded = (X, y)
        out = os.path.join(self._files.name, "coef.npy")
        answer = self._ask({"fit": [float(a) for a in alphas], "tol": tol,
                            "intercept": intercept, "out": out})
        if answer["solved"] != len(alphas):
            raise RuntimeError(f"adelie stopped the path after {answer['solved']} of "
                               f"{len(alphas)}")
        self.last_seconds = answer["seconds"]
        return np.load(out), answer["intercepts"]

    def fit(self, X, y, alpha, tol):
        coefs, intercepts = self._run(X, y, [alpha], tol, intercept=True)
        return Fit(coefs[:, -1], intercepts[-1], None)

    def path(self, X, y, alphas, tol):
        return self._run(X, y, alphas, tol, intercept=False)[0]


def adelie_python():
    """The interpreter of adelie's environment: ``$FASTREG_ADELIE_PYTHON``, else
    ``.venv-adelie`` in the project's root."""
    default = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           ".venv-adelie", "bin", "python")
    return os.environ.get("FASTREG_ADELIE_PYTHON", default)


def setup_adelie():
    """Create adelie's virtual environment (numpy<2 comes with it) where :func:`adelie_python`
    looks for it; returns its interpreter."""
    python = adelie_python()
    root = os.path.dirname(os.path.dirname(python))
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", root], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "adelie", "scipy"], check=True)
    return python


def _save_problem(directory, X, y):
    """``X`` and ``y`` as the ``.npy`` files :mod:`benchmarks.adelie_worker` loads (a format
    both numpy 1 and 2 read, unlike their pickles)."""
    np.save(os.path.join(directory, "y.npy"), np.asarray(y, dtype=np.float64))
    if sp.issparse(X):
        X = sp.csc_matrix(X, dtype=np.float64)
        for name in ("data", "indices", "indptr"):
            np.save(os.path.join(directory, f"{name}.npy"), getattr(X, name))
        np.save(os.path.join(directory, "shape.npy"), np.array(X.shape))
    else:
        np.save(os.path.join(directory, "X.npy"), np.asfortranarray(X, dtype=np.float64))


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
        AdelieSolver(),
    )
}


def available_solvers(names=None, registry=None):
    """Split ``names`` (default: all) into ``(runnable adapters, {name: reason skipped})``.

    ``registry`` is :data:`SOLVERS` (the Lasso adapters, the default), :data:`LOGISTIC_SOLVERS`
    or :data:`MULTITASK_SOLVERS`.
    """
    registry = SOLVERS if registry is None else registry
    names = list(registry) if names is None else list(names)
    runnable, skipped = [], {}
    for name in names:
        if name not in registry:
            raise KeyError(f"unknown solver {name!r}; choose from {list(registry)}")
        reason = registry[name].missing()
        if reason is None:
            runnable.append(registry[name])
        else:
            skipped[name] = reason
    return runnable, skipped


# -- L1-regularized logistic regression -------------------------------------------------------
#
# Every adapter minimises the mean-loss objective of benchmarks.gap.logistic_objective,
#     P(w, b) = (1/n) sum_i log(1 + exp(-y_i (x_i.w + b))) + alpha ||w||_1,
# translated into the library's own scaling; the labels are the benchmark's -1.0 / +1.0.

#: Values of the constant column that stands in for an intercept in the solvers that cannot fit
#: an unpenalized one (liblinear's ``intercept_scaling``; an appended column for celer).  The
#: column's weight ``b / s`` is penalized, which adds ``alpha |b| / s`` to the objective and
#: leaves the residual's sum ``O(alpha / s)`` away from 0; the shared gap sees that to first
#: order, so ``s`` must make ``alpha / s`` small next to the target.  Chosen on the --quick
#: problems (1e4 to 1e7 tried): liblinear's Newton iterations stall or run to ``max_iter`` past
#: 1e5, celer is still steady at 1e6 (and reaches the target on more problems there).
INTERCEPT_SCALING = {"sklearn-liblinear": 1e5, "celer": 1e6}
#: liblinear's ``max_iter`` counts Newton iterations, each several coordinate-descent passes;
#: where it does not converge it would otherwise spin for minutes.
LIBLINEAR_MAX_ITER = 1000
#: SAGA's ``max_iter`` counts epochs.  On the wide problems it needs 1e4 to 1e5 of them to reach
#: the target (a minute per fit at the --quick size); past this many it is reported as not
#: reached, with the gap it got to.
SAGA_MAX_ITER = 1000
#: Ratio of neighbouring lambdas on glmnet's way to a single fit's alpha: that of the
#: benchmark's logistic path (50 alphas over two decades).
GLMNET_STEP = 0.01 ** (1 / 49)


@dataclass
class PathFit:
    coefs: np.ndarray  # (n_features, n_alphas)
    intercepts: np.ndarray  # (n_alphas,), zeros without intercept


class LogisticSolver(Solver):
    """Base adapter of the L1 logistic model.

    ``fit(X, y, alpha, tol, fit_intercept)`` returns a :class:`Fit`, ``path(X, y, alphas, tol,
    fit_intercept)`` a :class:`PathFit`; ``alpha`` is in mean-loss units.
    """

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        raise NotImplementedError

    def path(self, X, y, alphas, tol, fit_intercept=False):
        raise NotImplementedError


def _inverse_c(alpha, X):
    """``C = 1 / (n alpha)``: scikit-learn minimises ``C sum_i loss_i + ||w||_1``."""
    return 1.0 / (alpha * X.shape[0])


def _with_constant_column(X, value):
    """``[X, value * 1]`` in ``X``'s format (CSC stays CSC) and dtype."""
    column = np.full((X.shape[0], 1), value, dtype=X.dtype)
    if sp.issparse(X):
        return sp.hstack([X, sp.csc_matrix(column)], format="csc")
    return np.asfortranarray(np.hstack([X, column]))


def _binary_coef(model):
    """``coef_`` of a binary classifier, shape (1, p) or (p,), as a flat vector."""
    return np.asarray(model.coef_, dtype=np.float64).ravel()


def _scalar(intercept):
    return float(np.asarray(intercept, dtype=np.float64).reshape(-1)[0])


class FastregLogisticSolver(LogisticSolver):
    """fastreg's planned API: scikit-learn's ``LogisticRegression`` signature and scaling."""

    name = "fastreg"
    module = "fastreg"
    peer = False

    def missing(self):
        reason = super().missing()
        if reason is None:
            import fastreg

            names = ("LogisticRegression", "logistic_path")
            absent = [n for n in names if not hasattr(fastreg, n)]
            if absent:
                reason = f"fastreg has no {', '.join(absent)} yet"
        return reason

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        import fastreg

        model = fastreg.LogisticRegression(
            C=_inverse_c(alpha, X), l1_ratio=1.0, fit_intercept=fit_intercept, tol=tol,
            max_iter=MAX_ITER,
        ).fit(X, y)  # fmt: skip
        intercept = _scalar(model.intercept_) if fit_intercept else 0.0
        return Fit(_binary_coef(model), intercept, _as_int(getattr(model, "n_iter_", None)))

    def path(self, X, y, alphas, tol, fit_intercept=False):
        import fastreg

        _, coefs, intercepts, _ = fastreg.logistic_path(
            X, y, alphas=alphas, l1_ratio=1.0, fit_intercept=fit_intercept, tol=tol,
            max_iter=MAX_ITER,
        )  # fmt: skip
        intercepts = np.zeros(len(alphas)) if intercepts is None else np.ravel(intercepts)
        return PathFit(np.asarray(coefs), np.asarray(intercepts, dtype=np.float64))


class SklearnLiblinearSolver(LogisticSolver):
    """scikit-learn's ``LogisticRegression(solver="liblinear", l1_ratio=1)``.

    liblinear appends a constant feature of value ``intercept_scaling`` and penalizes its
    weight like the others: with an intercept it runs with ``INTERCEPT_SCALING[name]``, and the
    shared gap (of the unpenalized model) judges the result.  ``max_iter`` is
    ``LIBLINEAR_MAX_ITER``.  It has no warm start, so its path is a loop of independent fits.
    """

    name = "sklearn-liblinear"
    module = "sklearn"
    has_path = False
    solver = "liblinear"

    def _model(self, X, alpha, tol, fit_intercept, warm_start=False):
        from sklearn.linear_model import LogisticRegression

        if self.solver == "liblinear":
            extra = {"intercept_scaling": INTERCEPT_SCALING[self.name]}
            max_iter = LIBLINEAR_MAX_ITER
        else:
            extra, max_iter = {}, SAGA_MAX_ITER
        return LogisticRegression(
            C=_inverse_c(alpha, X), l1_ratio=1.0, solver=self.solver, tol=tol,
            max_iter=max_iter, fit_intercept=fit_intercept, warm_start=warm_start,
            random_state=0, **extra,
        )  # fmt: skip

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        model = self._model(X, alpha, tol, fit_intercept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        intercept = _scalar(model.intercept_) if fit_intercept else 0.0
        return Fit(_binary_coef(model), intercept, _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol, fit_intercept=False):
        model = self._model(X, alphas[0], tol, fit_intercept, warm_start=True)
        coefs = np.empty((X.shape[1], len(alphas)))
        intercepts = np.zeros(len(alphas))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, alpha in enumerate(alphas):
                model.C = _inverse_c(alpha, X)
                model.fit(X, y)
                coefs[:, k] = _binary_coef(model)
                if fit_intercept:
                    intercepts[k] = _scalar(model.intercept_)
        return PathFit(coefs, intercepts)


class SklearnSagaSolver(SklearnLiblinearSolver):
    """scikit-learn's ``LogisticRegression(solver="saga", l1_ratio=1)``.

    SAGA fits an unpenalized intercept; its ``tol`` bounds the relative change of the weights
    in an epoch, and ``max_iter`` (``SAGA_MAX_ITER``) counts epochs.  Path: a warm-started loop
    of fits.
    """

    name = "sklearn-saga"
    solver = "saga"


class CelerLogisticSolver(LogisticSolver):
    """celer's ``LogisticRegression`` (prox-Newton, ``solver="celer-pn"``) and ``celer_path``.

    celer minimises ``sum_i loss_i + lambda ||w||_1`` (``C = 1 / lambda``, ``lambda = n alpha``)
    and fits no intercept.  With one, ``X`` gets a constant column of value
    ``INTERCEPT_SCALING[name]`` (as liblinear does internally), built once per ``X`` and kept: the
    first call pays for the copy, the timed runs do not.  The estimator converts ``X`` to
    C order / CSR before ``celer_path`` converts it back to Fortran order / CSC; those copies
    are its own cost.
    """

    name = "celer"
    module = "celer"

    def __init__(self):
        self._augmented = None  # (X, [X, s 1]) of the last call with an intercept

    def _design(self, X, fit_intercept):
        if not fit_intercept:
            return X
        if self._augmented is None or self._augmented[0] is not X:
            self._augmented = (X, _with_constant_column(X, INTERCEPT_SCALING[self.name]))
        return self._augmented[1]

    def _split(self, coef, n_features, fit_intercept):
        coef = np.asarray(coef, dtype=np.float64)
        if not fit_intercept:
            return coef, np.zeros(coef.shape[1:])
        return coef[:n_features], coef[n_features] * INTERCEPT_SCALING[self.name]

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        from celer import LogisticRegression

        design = self._design(X, fit_intercept)
        model = LogisticRegression(
            C=_inverse_c(alpha, X), tol=tol, max_iter=1000, max_epochs=MAX_ITER
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(design, y)
        coef, intercept = self._split(_binary_coef(model), X.shape[1], fit_intercept)
        return Fit(coef, float(intercept), _as_int(getattr(model, "n_iter_", None)))

    def path(self, X, y, alphas, tol, fit_intercept=False):
        from celer import celer_path

        design = self._design(X, fit_intercept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = celer_path(
                design, y, "logreg", alphas=X.shape[0] * np.asarray(alphas), tol=tol,
                max_iter=1000, max_epochs=MAX_ITER, use_PN=True,
            )  # fmt: skip
        coefs, intercepts = self._split(result[1], X.shape[1], fit_intercept)
        return PathFit(coefs, np.asarray(intercepts, dtype=np.float64))


class SkglmLogisticSolver(LogisticSolver):
    """skglm's ``SparseLogisticRegression`` (prox-Newton with working sets).

    Same mean-loss scale and ``alpha``; an unpenalized intercept; ``tol`` bounds the largest
    violation of the optimality conditions.  Path: a warm-started loop of fits.
    """

    name = "skglm"
    module = "skglm"
    has_path = False

    def _model(self, alpha, tol, fit_intercept, warm_start=False):
        from skglm import SparseLogisticRegression

        return SparseLogisticRegression(
            alpha=alpha, l1_ratio=1.0, tol=tol, max_iter=1000, fit_intercept=fit_intercept,
            warm_start=warm_start,
        )  # fmt: skip

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        model = self._model(alpha, tol, fit_intercept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        intercept = _scalar(model.intercept_) if fit_intercept else 0.0
        return Fit(_binary_coef(model), intercept, _as_int(model.n_iter_))

    def path(self, X, y, alphas, tol, fit_intercept=False):
        model = self._model(alphas[0], tol, fit_intercept, warm_start=True)
        coefs = np.empty((X.shape[1], len(alphas)))
        intercepts = np.zeros(len(alphas))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k, alpha in enumerate(alphas):
                model.alpha = alpha
                model.fit(X, y)
                coefs[:, k] = _binary_coef(model)
                if fit_intercept:
                    intercepts[k] = _scalar(model.intercept_)
        return PathFit(coefs, intercepts)


class GlmnetLogisticSolver(LogisticSolver):
    """python-glmnet's ``LogitNet(alpha=1)``: glmnet's ``lambda`` is the mean-loss ``alpha``.

    ``standardize=False``, ``n_splits=0`` (no cross-validation), an explicit ``lambda_path``;
    glmnet's intercept is unpenalized.  ``tol`` is glmnet's threshold on the coefficients'
    weighted change, far looser in gap terms than the others'.

    A single fit is glmnet's own way to a small lambda: a path from ``alpha_max`` down to
    ``alpha`` with the spacing of the benchmark's path (``GLMNET_STEP`` between neighbours),
    the last solution kept.  From a cold start far below ``alpha_max`` its Newton steps (no line
    search) do not converge on the sparse problems: with a one-value ``lambda_path`` it returns
    no solution at all (``jerr = -1``).  glmnet ends a path early where a fit does not converge
    or once the deviance explained passes 0.999 or stops growing; such a path is reported as an
    error rather than judged on the alphas it reached.
    """

    name = "glmnet"
    module = "glmnet"
    tol0 = 1e-8

    def _fit(self, X, y, lambdas, tol, fit_intercept):
        from glmnet import LogitNet

        model = LogitNet(
            alpha=1.0, lambda_path=np.asarray(lambdas, dtype=np.float64), standardize=False,
            fit_intercept=fit_intercept, n_splits=0, tol=tol, max_iter=MAX_ITER,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model.fit(X, y)
            except ValueError as exc:  # python-glmnet cannot unpack an empty path
                jerr = getattr(model, "jerr_", "?")
                raise RuntimeError(f"glmnet returned no solution (jerr {jerr})") from exc
        coefs = np.asarray(model.coef_path_, dtype=np.float64).reshape(X.shape[1], -1)
        if coefs.shape[1] != len(lambdas):
            raise RuntimeError(f"glmnet stopped the path after {coefs.shape[1]} of {len(lambdas)}")
        intercepts = np.asarray(model.intercept_path_, dtype=np.float64).reshape(-1)
        return coefs, intercepts if fit_intercept else np.zeros(len(lambdas))

    def fit(self, X, y, alpha, tol, fit_intercept=True):
        a_max = max(logistic_alpha_max(X, y, fit_intercept), alpha)
        n_steps = int(np.ceil(np.log(a_max / alpha) / -np.log(GLMNET_STEP))) + 1
        lambdas = np.geomspace(a_max, alpha, max(n_steps, 2))
        coefs, intercepts = self._fit(X, y, lambdas, tol, fit_intercept)
        return Fit(coefs[:, -1], float(intercepts[-1]), None)

    def path(self, X, y, alphas, tol, fit_intercept=False):
        return PathFit(*self._fit(X, y, alphas, tol, fit_intercept))


#: name -> logistic adapter, in report order (fastreg first).
LOGISTIC_SOLVERS = {
    s.name: s
    for s in (
        FastregLogisticSolver(),
        SklearnLiblinearSolver(),
        SklearnSagaSolver(),
        CelerLogisticSolver(),
        SkglmLogisticSolver(),
        GlmnetLogisticSolver(),
    )
}


# -- multi-task Lasso -------------------------------------------------------------------------
#
# Every library below minimises
#     P(W, b) = ||Y - X W^T - 1 b^T||_F^2 / (2n) + alpha sum_j ||W[:, j]||_2
# with W of shape (n_tasks, n_features), on the same scale: scikit-learn's MultiTaskLasso (its
# cd_fast solves the sum-scale problem with alpha * n and divides the gap by n), celer's
# mtl_path (its primal_mtl is ||R||_F^2 / (2n) + alpha sum_j ||W_j||) and skglm's
# QuadraticMultiTask datafit (||Y - XW||_F^2 / (2n)) with the L2_1 penalty (alpha sum_j
# ||W_j||).  No conversion of alpha is needed; test_benchmarks.py checks it by the gap.


@dataclass
class MultiTaskFit:
    coef: np.ndarray  # (n_tasks, n_features), scikit-learn's coef_ layout
    intercept: np.ndarray  # (n_tasks,)
    n_iter: int | None


class MultiTaskSolver(Solver):
    """Base adapter of the multi-task Lasso.

    ``fit(X, Y, alpha, tol)`` fits with an intercept per task and returns a
    :class:`MultiTaskFit`; ``path(X, Y, alphas, tol)`` fits without intercept at each of the
    decreasing ``alphas`` and returns the coefficients, shape ``(n_tasks, n_features,
    n_alphas)``.
    """

    def fit(self, X, Y, alpha, tol):
        raise NotImplementedError

    def path(self, X, Y, alphas, tol):
        raise NotImplementedError


def _multitask_fit(coef, intercept, Y, n_iter=None):
    """A :class:`MultiTaskFit` in float64, with the shapes checked against ``Y``."""
    coef = np.asarray(coef, dtype=np.float64)
    n_tasks = Y.shape[1]
    if coef.ndim != 2 or coef.shape[0] != n_tasks:
        raise ValueError(f"coef_ of shape {coef.shape}: (n_tasks={n_tasks}, n_features) needed")
    intercept = np.asarray(intercept, dtype=np.float64).reshape(-1)
    intercept = np.array(np.broadcast_to(intercept, (n_tasks,)))
    return MultiTaskFit(coef, intercept, _as_int(n_iter))


def _path_coefs(coefs, X, Y, alphas):
    """The coefficients of a path as float64 ``(n_tasks, n_features, n_alphas)``, checked."""
    coefs = np.asarray(coefs, dtype=np.float64)
    expected = (Y.shape[1], X.shape[1], len(alphas))
    if coefs.shape != expected:
        raise ValueError(f"path coefficients of shape {coefs.shape}, expected {expected}")
    return coefs


class FastregMultiTaskSolver(MultiTaskSolver):
    """fastreg's planned API: ``MultiTaskLasso`` with scikit-learn's signature and attributes.

    ``coef_`` of shape (n_tasks, n_features), ``intercept_`` (n_tasks,), ``n_iter_``,
    ``dual_gap_``; the path is :func:`fastreg.lasso_path` with a 2-D ``Y``, whose coefficients
    have scikit-learn's shape (n_tasks, n_features, n_alphas), as the Lasso adapter's path is
    ``lasso_path`` itself.
    """

    name = "fastreg"
    module = "fastreg"
    peer = False

    def missing(self):
        reason = super().missing()
        if reason is None:
            import fastreg

            if not hasattr(fastreg, "MultiTaskLasso"):
                reason = "fastreg has no MultiTaskLasso yet"
        return reason

    def fit(self, X, Y, alpha, tol):
        import fastreg

        model = fastreg.MultiTaskLasso(
            alpha=alpha, fit_intercept=True, tol=tol, max_iter=MAX_ITER
        ).fit(X, Y)
        return _multitask_fit(model.coef_, model.intercept_, Y, getattr(model, "n_iter_", None))

    def path(self, X, Y, alphas, tol):
        import fastreg

        _, coefs, _ = fastreg.lasso_path(X, Y, alphas=alphas, tol=tol, max_iter=MAX_ITER)
        return _path_coefs(coefs, X, Y, alphas)


@functools.cache
def _sklearn_multitask_takes_sparse():
    """Whether the installed scikit-learn fits a multi-task Lasso on sparse ``X``.

    scikit-learn 1.9 does (implicit centring, as for the single-task Lasso); older versions
    raise.  Found out once, on a 4 x 3 problem, for :meth:`SklearnMultiTaskSolver.supports`.
    """
    from sklearn.linear_model import MultiTaskLasso, lasso_path

    X = sp.csc_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0],
                                [0.0, 0.0, 1.0]]))  # fmt: skip
    Y = np.array([[1.0, 0.5], [0.0, 1.0], [2.0, 1.0], [1.0, 0.0]])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MultiTaskLasso(alpha=0.01).fit(X, Y)
            lasso_path(X, Y - Y.mean(axis=0), alphas=[0.1, 0.01])
    except (TypeError, ValueError):
        return False
    return True


class SklearnMultiTaskSolver(MultiTaskSolver):
    """scikit-learn's ``MultiTaskLasso`` and ``lasso_path`` with a 2-D ``Y`` (both native).

    ``tol`` is scikit-learn's: stop at a duality gap of ``tol * ||Y - Ybar||_F^2 / n`` in
    objective units (``Ybar = 0`` without intercept).  Sparse ``X`` is supported where the
    installed scikit-learn accepts it (1.9 and later); elsewhere :meth:`supports` says no and
    the driver leaves the row out.
    """

    name = "sklearn"
    module = "sklearn"

    def supports(self, X):
        return not sp.issparse(X) or _sklearn_multitask_takes_sparse()

    def fit(self, X, Y, alpha, tol):
        from sklearn.linear_model import MultiTaskLasso

        model = MultiTaskLasso(alpha=alpha, fit_intercept=True, tol=tol, max_iter=MAX_ITER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, Y)
        return _multitask_fit(model.coef_, model.intercept_, Y, model.n_iter_)

    def path(self, X, Y, alphas, tol):
        from sklearn.linear_model import lasso_path

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, coefs, _ = lasso_path(X, Y, alphas=alphas, tol=tol, max_iter=MAX_ITER)
        return _path_coefs(coefs, X, Y, alphas)


class SkglmMultiTaskSolver(MultiTaskSolver):
    """skglm's ``MultiTaskLasso`` (block coordinate descent on working sets, Anderson
    acceleration) and its ``path`` method.

    ``tol`` bounds the largest distance of a feature's gradient to the penalty's subdifferential
    (skglm's ``subdiff`` criterion), in objective units.  The estimator's ``warm_start`` does
    not reach the multi-task solver in skglm 0.5 (the fit always starts from zero), so the path
    is the estimator's ``path`` method, which warm-starts each alpha from the previous solution.
    """

    name = "skglm"
    module = "skglm"

    def _model(self, alpha, tol, fit_intercept):
        from skglm import MultiTaskLasso

        return MultiTaskLasso(alpha=alpha, tol=tol, fit_intercept=fit_intercept, max_iter=1000,
                              max_epochs=MAX_ITER)  # fmt: skip

    def fit(self, X, Y, alpha, tol):
        model = self._model(alpha, tol, fit_intercept=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, Y)
        return _multitask_fit(model.coef_, model.intercept_, Y, model.n_iter_)

    def path(self, X, Y, alphas, tol):
        model = self._model(alphas[0], tol, fit_intercept=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, coefs, _ = model.path(X, Y, np.asarray(alphas, dtype=np.float64))
        return _path_coefs(coefs, X, Y, alphas)


class CelerMultiTaskSolver(MultiTaskSolver):
    """celer's multi-task solver, ``celer.homotopy.mtl_path`` (dense ``X`` only).

    ``celer.MultiTaskLasso.fit`` (celer 0.7.4) calls ``self._validate_data``, which
    scikit-learn removed in 1.6: with a current scikit-learn it raises ``AttributeError``.  The
    adapter does what that ``fit`` does after validating: centre ``X`` and ``Y`` (one copy of
    ``X``, as the estimator's ``copy_X`` makes), call ``mtl_path`` with the single alpha, and
    set ``intercept = Ybar - W Xbar``.  The path is ``mtl_path`` on the given ``alphas``.
    ``tol`` is celer's: stop at a duality gap of ``tol * ||Y||_F^2 / n`` (``Y`` as passed,
    centred here), which is scikit-learn's meaning.  ``mtl_path`` reports no
    iteration count.
    """

    name = "celer"
    module = "celer"
    dense_only = True

    def fit(self, X, Y, alpha, tol):
        from celer.homotopy import mtl_path

        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        Xc = np.asfortranarray(X - x_mean)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, coefs, _ = mtl_path(Xc, Y - y_mean, alphas=[alpha], tol=tol, max_iter=1000,
                                   max_epochs=MAX_ITER)  # fmt: skip
        coef = coefs[:, :, 0]
        return _multitask_fit(coef, y_mean - coef @ x_mean, Y)

    def path(self, X, Y, alphas, tol):
        from celer.homotopy import mtl_path

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, coefs, _ = mtl_path(X, Y, alphas=alphas, tol=tol, max_iter=1000,
                                   max_epochs=MAX_ITER)  # fmt: skip
        return _path_coefs(coefs, X, Y, alphas)


#: name -> multi-task adapter, in report order (fastreg first).
MULTITASK_SOLVERS = {
    s.name: s
    for s in (
        FastregMultiTaskSolver(),
        SklearnMultiTaskSolver(),
        SkglmMultiTaskSolver(),
        CelerMultiTaskSolver(),
    )
}
