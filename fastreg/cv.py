r"""Choosing the regularization by cross-validation: LassoCV, ElasticNetCV and RidgeCV.

:class:`LassoCV` and :class:`ElasticNetCV` follow scikit-learn's estimators of the same names:
one alpha grid per ``l1_ratio``, computed on the whole data; on each training fold a
warm-started path over that grid; the mean squared error of each alpha on the held-out fold;
the alpha (and ``l1_ratio``) with the smallest mean over the folds; a final fit on all the
data.  The (fold, ``l1_ratio``) paths are independent jobs run through :class:`joblib.Parallel`
(threads by default: fastreg's kernels release the GIL), so that
``joblib.parallel_config(backend="dask")`` runs them on a Dask cluster unchanged.

:class:`RidgeCV` chooses the Ridge penalty by efficient leave-one-out cross-validation: one
eigendecomposition (or SVD) serves every alpha.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from numbers import Integral

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, check_cv

from . import _dask
from ._estimators import Ridge, _LinearRegressor, keep_state_on_error
from ._resampling import (
    as_single_target,
    check_fold_sums,
    check_fold_weights,
    check_parallel,
    job_seeds,
    subset,
    take_rows,
    warn_paths_not_converged,
)
from ._ridge import _BLOCK_ELEMENTS, _centered_rmatvec, _gram, _kernel, weighted_means
from ._solver import (
    DEFAULT_MAX_ITER,
    SolveResult,
    check_penalty,
    check_precompute,
    make_problem,
    warn_if_not_converged,
)
from ._validation import check_bool, check_scalar
from .path import _check_alphas, alpha_grid, walk_path

__all__ = ["ElasticNetCV", "LassoCV", "MultiTaskElasticNetCV", "MultiTaskLassoCV", "RidgeCV"]

_RULES = ("min", "1se")


def _weighted_folds(cv, X, y, groups, sample_weight) -> list:
    """The splitter's ``(train, test)`` folds, each with weight on both sides."""
    folds = list(check_cv(cv).split(X, y, groups))
    check_fold_weights(sample_weight, folds)
    return folds


def _path_test_mse(X, y, sample_weight, train, test, grid, l1_ratio, *, fit_intercept,
                   penalty_factor, precompute, positive, tol, max_iter, seed,
                   loss="squared", lower_bounds=None, upper_bounds=None, standardize=False):
    """One cross-validation job: the path on ``train``, its mean squared error on ``test``.

    Returns the (weighted) mean squared error on the test rows of the model fitted at each
    alpha, intercept included, shape ``(n_alphas,)``, and the number of alphas whose fit
    did not reach the tolerance (see :func:`_fold_path` and :func:`_test_mse`).
    """
    steps = _fold_path(X, y, sample_weight, train, grid, l1_ratio, fit_intercept=fit_intercept,
                       penalty_factor=penalty_factor, precompute=precompute, positive=positive,
                       tol=tol, max_iter=max_iter, seed=seed, loss=loss,
                       lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                       standardize=standardize)
    return _test_mse(steps, X, y, sample_weight, test)


def _fold_path(X, y, sample_weight, train, grid, l1_ratio, *, fit_intercept, penalty_factor,
               precompute, positive, tol, max_iter, seed, loss="squared", lower_bounds=None,
               upper_bounds=None, standardize=False) -> Iterator[SolveResult]:
    """The warm-started path on the rows ``train`` of a canonical X: one result per alpha.

    The training rows are validated now, when this is called; the alphas are solved as the
    returned generator is consumed, so that a caller (the command line) can report each one.
    ``loss`` is the problem's datafit (``"logistic"`` takes labels -1 and +1).  A
    standardized fold is standardized by its own training rows, as glmnet's folds are.
    """
    problem = make_problem(take_rows(X, train), y[train],
                           sample_weight=subset(sample_weight, train),
                           penalty_factor=penalty_factor, lower_bounds=lower_bounds,
                           upper_bounds=upper_bounds, fit_intercept=fit_intercept, loss=loss,
                           standardize=standardize)
    return walk_path(problem, grid, l1_ratio, precompute=precompute, positive=positive,
                     tol=tol, max_iter=max_iter, seed=seed)


def _test_mse(steps: Iterable, X, y, sample_weight, test) -> tuple[np.ndarray, int]:
    """The (weighted) mean squared error on the rows ``test`` of each step of a path.

    ``steps`` yields objects with ``coef``, ``intercept`` and ``converged`` (as
    :class:`SolveResult`), consumed one at a time.  Returns the errors, one per step, and
    the number of steps that did not converge.  Only the features that are non-zero
    somewhere on the path are kept, so memory stays O(n_alphas * active) rather than
    O(n_alphas * n_features), and only their columns of the test rows are gathered.  With
    several tasks (``y`` of shape (n_samples, n_tasks), coefficients T x p) a sample's error
    is its mean over the tasks, as in scikit-learn's multi-task CV.
    """
    supports, values, intercepts = [], [], []
    n_failed = 0
    for result in steps:
        coef = np.atleast_2d(result.coef)  # (n_tasks, n_features); one row for one target
        support = np.flatnonzero((coef != 0.0).any(axis=0))
        supports.append(support)
        values.append(coef[:, support].astype(np.float64))
        intercepts.append(np.atleast_1d(result.intercept))
        n_failed += not result.converged

    n_tasks = 1 if y.ndim == 1 else y.shape[1]
    active = np.unique(np.concatenate(supports)) if supports else np.empty(0, np.intp)
    coefs = np.zeros((active.size, len(supports), n_tasks))
    for k, (support, value) in enumerate(zip(supports, values, strict=True)):
        coefs[np.searchsorted(active, support), k] = value.T
    X_test = X[test][:, active] if sp.issparse(X) else X[np.ix_(test, active)]
    predictions = np.asarray(X_test @ coefs.reshape(active.size, len(supports) * n_tasks)).reshape(
        test.size, len(supports), n_tasks) + np.array(intercepts, dtype=np.float64)
    residuals = predictions - y[test].reshape(test.size, 1, n_tasks)
    errors = np.mean(residuals**2, axis=2)
    if sample_weight is None:
        return np.mean(errors, axis=0), n_failed
    return np.average(errors, axis=0, weights=sample_weight[test]), n_failed


def _walk_to(problem, grid, index, l1_ratio, *, precompute, positive, tol, max_iter, seed
             ) -> SolveResult:
    """The fit at ``grid[index]`` on all the data, reached by walking the grid down to it.

    Warm-started from alpha to alpha (glmnet's way): cheaper than a cold fit at a small
    alpha.  The final fit of :class:`LassoCV` and ``fastreg fit --cv``.
    """
    *_, result = walk_path(problem, grid[: index + 1], l1_ratio, precompute=precompute,
                           positive=positive, tol=tol, max_iter=max_iter, seed=seed)
    return result


def _grids(problem, *, l1_ratios, given_grid, n_alphas, eps, positive) -> np.ndarray:
    """One alpha grid per ``l1_ratio`` (the given grid for each, or alpha_max down to
    ``eps`` times it)."""
    if given_grid is None:
        return np.array([alpha_grid(problem, r, eps, n_alphas, positive=positive)
                         for r in l1_ratios])
    return np.tile(given_grid, (l1_ratios.size, 1))


def _check_cv(cv):
    """An integer ``cv`` is a number of folds: at least 2 (splitters are checked by
    scikit-learn's ``check_cv``)."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        check_scalar(cv, "cv", kind=Integral, low=2)


def _check_selection(selection):
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection must be 'cyclic' or 'random', got {selection!r}.")
    return selection



# --------------------------------------------------------------------------------------------
# LassoCV and ElasticNetCV


class _PathCV(_LinearRegressor):
    """Cross-validation over warm-started Elastic Net paths (see :class:`ElasticNetCV`)."""

    # The datafit of every path: "multitask" fits the columns of a 2-D y together.
    _loss = "squared"

    def _l1_ratios(self) -> np.ndarray:
        raise NotImplementedError

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose alpha (and ``l1_ratio``) by cross-validation, then fit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Used without a copy when canonical (Fortran-ordered dense, or CSC); each training
            and test fold is a copy of its rows (for CSC, a copy of those rows' entries).
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of the training loss of every fit and of each fold's test error.  The
            score of an alpha is the plain mean over the folds of the weighted test errors,
            as in scikit-learn.
        groups : array-like of shape (n_samples,), optional
            Group labels passed to the splitter's ``split`` (for example
            :class:`~sklearn.model_selection.GroupKFold`).

        Returns
        -------
        self
        """
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        if self.alphas is None:
            raise TypeError("alphas must be a positive count or an array of alphas, got None.")
        given_grid, n_alphas = _check_alphas(self.alphas, None)
        precompute = check_precompute(getattr(self, "precompute", "auto"))
        _check_selection(self.selection)
        if self.rule not in _RULES:
            raise ValueError(f"rule must be one of {_RULES}, got {self.rule!r}.")
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(getattr(self, "positive", False), "positive")
        _check_cv(self.cv)
        check_parallel(self.n_jobs, self.verbose)
        l1_ratios = self._l1_ratios()
        grid_options = dict(l1_ratios=l1_ratios, given_grid=given_grid, n_alphas=n_alphas,
                            eps=eps, positive=positive)
        solver_options = dict(precompute=precompute, positive=positive, tol=tol,
                              max_iter=max_iter)
        if _dask.is_dask_array(X):
            return self._fit_tall(X, y, sample_weight, fit_intercept, grid_options,
                                  solver_options)
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        loss = self._loss
        if loss == "multitask":
            _check_tasks(self, y)
            if y.shape[1] == 1:
                # One task: the group penalty is the Lasso's, which the single-target engine
                # solves faster (and then exactly as LassoCV does).
                loss, y = "squared", y[:, 0]
        else:
            y = as_single_target(self, y)
        penalty_factor = getattr(self, "penalty_factor", None)
        # Options of the single-output estimators only (the multi-task ones lack them).
        penalty_options = dict(
            lower_bounds=getattr(self, "lower_bounds", None),
            upper_bounds=getattr(self, "upper_bounds", None),
            standardize=check_bool(getattr(self, "standardize", False), "standardize"))

        problem = make_problem(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                               fit_intercept=fit_intercept, loss=loss, **penalty_options)
        grids = _grids(problem, **grid_options)

        folds = _weighted_folds(self.cv, X, y, groups, sample_weight)
        seeds = job_seeds(self.selection, self.random_state, l1_ratios.size * len(folds) + 1)
        options = dict(fit_intercept=fit_intercept, penalty_factor=penalty_factor,
                       precompute=precompute, positive=positive, tol=tol, max_iter=max_iter,
                       loss=loss, **penalty_options)
        jobs = (delayed(_path_test_mse)(X, y, sample_weight, train, test, grid, l1_ratio,
                                        seed=seeds[i * len(folds) + f], **options)
                for i, (l1_ratio, grid) in enumerate(zip(l1_ratios, grids, strict=True))
                for f, (train, test) in enumerate(folds))
        outputs = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(jobs)
        warn_paths_not_converged(sum(failed for _, failed in outputs), len(outputs),
                                  "the training folds")
        mse = np.reshape([errors for errors, _ in outputs],
                         (l1_ratios.size, len(folds), grids.shape[1]))
        result = self._choose_and_refit(problem, grids, mse, grid_options, solver_options,
                                        seed=seeds[-1])
        if self._loss == "multitask":
            self.coef_ = np.atleast_2d(result.coef)
            self.intercept_ = np.atleast_1d(result.intercept).astype(result.coef.dtype)
        else:
            self.coef_ = result.coef
            self.intercept_ = float(result.intercept)
        return self

    def _choose_and_refit(self, problem, grids, mse, grid_options, solver_options, seed
                          ) -> SolveResult:
        """Record the chosen alpha (and ``l1_ratio``), the grids and the errors ``mse`` of
        shape ``(n_l1_ratio, n_folds, n_alphas)``; return the fit at the chosen alpha on
        ``problem`` (all the data), with its gap and epochs recorded."""
        l1_ratios = grid_options["l1_ratios"]
        best_ratio, best_index, index_min, index_1se = _choose(mse, self.rule)
        grid = grids[best_ratio]
        self.alpha_ = float(grid[best_index])
        self.alpha_min_ = float(grid[index_min])
        self.alpha_1se_ = float(grid[index_1se])
        if hasattr(self, "l1_ratio"):
            self.l1_ratio_ = float(l1_ratios[best_ratio])
        self.mse_path_ = np.squeeze(np.moveaxis(mse, 2, 1))
        self.alphas_ = (grids[0] if (grid_options["given_grid"] is not None
                                     or l1_ratios.size == 1) else grids)
        result = _walk_to(problem, grid, best_index, float(l1_ratios[best_ratio]),
                          seed=seed, **solver_options)
        warn_if_not_converged(result, self.alpha_)
        self.dual_gap_ = float(result.dual_gap)
        self.n_iter_ = int(result.n_iter)
        return result

    def _fit_tall(self, X, y, sample_weight, fit_intercept, grid_options, solver_options):
        """Cross-validate on a Dask array of row blocks, folds made of whole blocks: every
        fold's moments come from one pass over X on the cluster, a training fold's as the
        total minus the fold's own, and its test errors from the fold's moments (see
        ``fastreg._dask``); the paths run on the Gram matrices here."""
        if self._loss == "multitask":
            raise ValueError(f"{type(self).__name__} does not take a Dask X; "
                             f"{type(self).__name__.replace('MultiTask', '')} does.")
        X = _dask.rows_for_folds(X, self.cv)
        folds = _dask.block_folds(len(X.chunks[0]), self.cv)
        X, fold_moments = self._tall_problem(X, y, sample_weight, fit_intercept, groups=folds)
        total = fold_moments[0]
        for moments in fold_moments[1:]:
            total = total + moments
        check_fold_sums([(total - test).weight for test in fold_moments],
                        [test.weight for test in fold_moments])
        problem_options = dict(
            fit_intercept=fit_intercept, penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
            standardize=check_bool(self.standardize, "standardize"))
        problem, x_mean, y_mean = _dask.moments_problem(total, **problem_options)
        grids = _grids(problem, **grid_options)
        options = {**solver_options, "precompute": True}
        l1_ratios = grid_options["l1_ratios"]
        seeds = job_seeds(self.selection, self.random_state, l1_ratios.size * len(folds) + 1)
        # One job per fold, on threads as the in-memory folds (the engine releases the GIL).
        jobs = (delayed(_tall_fold_errors)(total - test, test, grids, l1_ratios,
                                           seeds[k * l1_ratios.size:(k + 1) * l1_ratios.size],
                                           problem_options, options)
                for k, test in enumerate(fold_moments))
        outputs = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(jobs)
        warn_paths_not_converged(sum(failed for _, failed in outputs),
                                 grids.size * len(folds), "the training folds")
        mse = np.stack([errors for errors, _ in outputs], axis=1)
        result = self._choose_and_refit(problem, grids, mse, grid_options, options,
                                        seed=seeds[-1])
        self.coef_ = result.coef.astype(_dask.coef_dtype(X))
        self.intercept_ = float(y_mean - x_mean @ result.coef)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        multitask = self._loss == "multitask"
        tags.target_tags.multi_output = multitask
        tags.target_tags.single_output = not multitask
        return tags


def _tall_fold_errors(train_moments, test_moments, grids, l1_ratios, seeds, problem_options,
                      options) -> tuple[np.ndarray, int]:
    """The test errors of one fold of a Dask CV, shape ``(n_l1_ratio, n_alphas)``, from the
    paths fitted on its training moments and scored on its test moments, and the number of
    fits that did not converge."""
    train, x_mean, y_mean = _dask.moments_problem(train_moments, **problem_options)
    errors = np.empty(grids.shape)
    n_failed = 0
    for i, (l1_ratio, grid) in enumerate(zip(l1_ratios, grids, strict=True)):
        for a, step in enumerate(walk_path(train, grid, l1_ratio, seed=seeds[i], **options)):
            intercept = y_mean - x_mean @ step.coef
            errors[i, a] = test_moments.squared_error(step.coef, intercept) / test_moments.weight
            n_failed += not step.converged
    return errors, n_failed


def _check_tasks(estimator, y):
    if y.ndim != 2:
        raise ValueError(f"{type(estimator).__name__} takes y of shape (n_samples, n_tasks), "
                         f"got shape {y.shape}; for a single target use "
                         f"{type(estimator).__name__.replace('MultiTask', '')}.")


def _choose(mse, rule):
    r"""Indices of the best ``l1_ratio`` and alpha from per-fold errors.

    ``mse`` has shape ``(n_l1_ratio, n_folds, n_alphas)``.  The ``l1_ratio`` and the alpha of
    the smallest mean error win (the first in grid order on ties, as in scikit-learn); under
    the one-standard-error rule the alpha is then the largest of that ``l1_ratio``'s grid
    whose mean error is within one standard error of that minimum,

    .. math::

        \bar e(\alpha) \le \bar e(\alpha_{min}) + \frac{s(\alpha_{min})}{\sqrt{K}},

    with :math:`s` the standard deviation over the :math:`K` folds (glmnet's ``lambda.1se``).

    Returns ``(ratio_index, alpha_index, min_index, one_se_index)``.
    """
    mean = mse.mean(axis=1)
    best_ratio = int(np.argmin(mean.min(axis=1)))
    index_min = int(np.argmin(mean[best_ratio]))
    n_folds = mse.shape[1]
    se = mse[best_ratio, :, index_min].std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
    within = np.flatnonzero(mean[best_ratio] <= mean[best_ratio, index_min] + se)
    index_1se = int(within[0])  # the grid decreases: the first is the largest alpha
    return best_ratio, (index_1se if rule == "1se" else index_min), index_min, index_1se


class ElasticNetCV(_PathCV):
    r"""Elastic Net with alpha and ``l1_ratio`` chosen by cross-validation.

    For each ``l1_ratio``, a grid of alphas from ``alpha_max`` down to ``eps * alpha_max``
    is computed on all the data; on each training fold a warm-started path over the grid is
    fitted (the training rows are centered implicitly when ``fit_intercept``, as scikit-learn
    centers each fold); each alpha is scored by its mean squared error on the held-out rows,

    .. math::

        \mathrm{MSE}_k(\alpha) = \frac{\sum_{i \in T_k} s_i
            (y_i - x_i^T w^{(-k)}_\alpha - b^{(-k)}_\alpha)^2}{\sum_{i \in T_k} s_i},

    and the pair with the smallest mean over the folds is refitted on all the data.  With the
    same folds this gives scikit-learn's ``alpha_``, ``l1_ratio_`` and ``mse_path_``.  The
    paths of the folds and ``l1_ratio`` values are independent jobs for
    :class:`joblib.Parallel` (threads; fastreg's kernels release the GIL): under
    ``joblib.parallel_config(backend="dask")`` they run on a Dask cluster.

    Parameters
    ----------
    l1_ratio : float or array-like of float, default=0.5
        Mix of L1 and L2 in (0, 1] (1 is the Lasso); a list is searched over.  0 is allowed
        only with explicit ``alphas``.
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    alphas : int or array-like, default=100
        Number of alphas on each grid, or the alphas themselves.
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
        Covariance (Gram) updates; see :func:`fastreg.solve`.
    max_iter : int, default=1000
        Maximum epochs of each fit.
    tol : float, default=1e-4
        Duality-gap tolerance of each fit, relative to ``sum_i s_i (y_i - ybar)^2 / S``.
    cv : int, cross-validation generator or iterable, default=None
        Folds, as in scikit-learn: None is 5-fold :class:`~sklearn.model_selection.KFold`.
    copy_X : bool, default=True
        Accepted for compatibility; fastreg never modifies X.
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`.
    n_jobs : int, default=None
        Parallel jobs (threads unless a joblib backend is configured); None is 1 unless in a
        :func:`joblib.parallel_config` context.  On a Dask array the folds' paths run as these
        jobs on the client, after the one pass over the blocks on the cluster.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seeds the feature order with ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
    penalty_factor : array-like of shape (n_features,), optional
        Keyword-only fastreg extension: per-feature penalty multipliers (0: unpenalized).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Keyword-only fastreg extension: bounds on the coefficients, ``lower_bounds <= w <=
        upper_bounds`` (glmnet's ``lower.limits`` / ``upper.limits``): a scalar applies to
        every feature, ``-inf`` / ``inf`` leave a side unbounded, and the bounds must contain
        0.  ``positive=True`` is ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    standardize : bool, default=False
        Keyword-only fastreg extension: fit as if every column had unit weighted variance
        (each training fold by its own rows), coefficients on X's scale (see
        :class:`~fastreg.ElasticNet`).
    rule : {"min", "1se"}, default="min"
        Keyword-only fastreg extension: "min" picks the alpha of smallest mean error;
        "1se" the largest alpha within one standard error of it (glmnet's
        ``lambda.1se``), a sparser model about as good.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen ``l1_ratio``.
    alpha_min_, alpha_1se_ : float
        The alphas of both rules for the chosen ``l1_ratio`` (one of them is ``alpha_``).
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid(s), decreasing.
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
        Test-fold mean squared errors.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
        Duality gap of the final fit (objective units).
    n_iter_ : int
        Epochs of the final fit at ``alpha_`` (reached by a warm-started path).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=DEFAULT_MAX_ITER, tol=1e-4, cv=None, copy_X=True,
                 verbose=0, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, rule="min", lower_bounds=None,
                 upper_bounds=None, standardize=False):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.rule = rule
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.standardize = standardize

    def _l1_ratios(self):
        values = np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"l1_ratio must be a float or a non-empty list, got "
                             f"{self.l1_ratio!r}.")
        ratios = np.array([check_scalar(r, "l1_ratio", low=0.0, high=1.0) for r in values])
        if (ratios == 0).any() and isinstance(self.alphas, Integral):
            # scikit-learn's words, which its users' code may match (alpha_max is infinite).
            raise ValueError("Automatic alpha grid generation is not supported for "
                             "l1_ratio=0. Please supply a grid by providing your estimator "
                             "with the appropriate `alphas=` argument.")
        return ratios


class LassoCV(_PathCV):
    r"""Lasso with alpha chosen by cross-validation.

    :class:`ElasticNetCV` with ``l1_ratio=1``: the Lasso

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2 + \alpha \sum_j f_j |w_j|

    fitted on a warm-started path over a grid of alphas on each training fold, each alpha
    scored by its mean squared error on the held-out fold, and the best refitted on all the
    data.  Gives scikit-learn's ``alpha_`` and ``mse_path_`` on the same folds.  Parameters
    and attributes are those of :class:`ElasticNetCV` without ``l1_ratio`` and
    ``l1_ratio_``.

    Examples
    --------
    >>> import numpy as np
    >>> from fastreg.cv import LassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 30))
    >>> y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = LassoCV(cv=5).fit(X, y)
    >>> sorted(np.flatnonzero(np.abs(model.coef_) > 0.1).tolist())
    [0, 1]
    """

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto",
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, copy_X=True, cv=None, verbose=False,
                 n_jobs=None, positive=False, random_state=None, selection="cyclic",
                 penalty_factor=None, rule="min", lower_bounds=None, upper_bounds=None,
                 standardize=False):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.rule = rule
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.standardize = standardize

    def _l1_ratios(self):
        return np.ones(1)


class MultiTaskElasticNetCV(ElasticNetCV):
    r"""Multi-task Elastic Net with alpha and ``l1_ratio`` chosen by cross-validation.

    :class:`ElasticNetCV` for :class:`~fastreg.MultiTaskElasticNet`: the grid starts at
    ``alpha_max = max_j ||X_c[:, j]^T S Y_c||_2 / (S l1_ratio)``, each training fold fits a
    warm-started multi-task path, and an alpha's score is the mean over the folds of the test
    error averaged over samples and tasks, as in
    :class:`sklearn.linear_model.MultiTaskElasticNetCV`.  ``y`` has shape (n_samples,
    n_tasks).

    Parameters
    ----------
    l1_ratio, eps, alphas, fit_intercept, max_iter, tol, cv, copy_X, verbose, n_jobs,
    random_state, selection, penalty_factor, rule
        As for :class:`ElasticNetCV` (a penalty factor multiplies the penalty on a feature's
        row of coefficients).

    Attributes
    ----------
    alpha_, l1_ratio_, alpha_min_, alpha_1se_, alphas_, mse_path_, dual_gap_, n_iter_
        As for :class:`ElasticNetCV`.
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    """

    _loss = "multitask"

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, cv=None, copy_X=True, verbose=0,
                 n_jobs=None, random_state=None, selection="cyclic", penalty_factor=None,
                 rule="min"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.rule = rule


class MultiTaskLassoCV(LassoCV):
    r"""Multi-task Lasso with alpha chosen by cross-validation: :class:`MultiTaskElasticNetCV`
    with ``l1_ratio=1`` (the parameters and attributes of :class:`LassoCV`, with ``coef_`` of
    shape (n_tasks, n_features) and ``intercept_`` of shape (n_tasks,))."""

    _loss = "multitask"

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, max_iter=DEFAULT_MAX_ITER,
                 tol=1e-4, copy_X=True, cv=None, verbose=False, n_jobs=None,
                 random_state=None, selection="cyclic", penalty_factor=None, rule="min"):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.rule = rule


# --------------------------------------------------------------------------------------------
# RidgeCV


class _Predictions(RegressorMixin, BaseEstimator):
    """A regressor whose "features" are its predictions: feeds LOO predictions to a scorer."""

    def fit(self, X, y=None):  # pragma: no cover - never fitted, only scored
        return self

    def predict(self, X):
        return X


class _LooFactorization:
    r"""A thin factorization of the weighted, centered design shared by every alpha.

    With :math:`Z = S^{1/2} X_c` (:math:`X_c = X - 1 \bar x^T`), write :math:`Z^T Z = V
    \Lambda V^T` over its non-zero spectrum (:math:`m \le \min(n, p)` components).  The ridge
    coefficients, the centered predictions and the diagonal of the weighted hat matrix are,
    for any alpha,

    .. math::

        W_\alpha = V (\Lambda + \alpha)^{-1} G, \quad
        F_\alpha = X_c W_\alpha = B (\Lambda + \alpha)^{-1} G, \quad
        h_\alpha = s \circ \big( (B \circ B) (\lambda + \alpha)^{-1} \big),

    with :math:`G = V^T Z^T T` (:math:`T = S^{1/2} Y_c`) and :math:`B = X_c V`.  Computing
    :math:`B` costs one pass over X; each alpha then costs :math:`O(n m k)`.

    Three ways to get there (``mode``):

    - ``"cov"`` (n > p): eigendecomposition of :math:`Z^T Z` (p x p), then :math:`B` from X
      in row blocks (dense) or from a CSR copy (sparse);
    - ``"gram"`` (n <= p): eigendecomposition of :math:`Z Z^T = U \Lambda U^T` (n x n); then
      :math:`V = Z^T U \Lambda^{-1/2}`, :math:`B = X_c X_c^T S^{1/2} U \Lambda^{-1/2}` and
      :math:`G = \Lambda^{1/2} U^T T`, so that V (p x m) is never formed;
    - ``"svd"`` (dense only): thin SVD :math:`Z = U \Sigma V^T` of a centered copy of X,
      more accurate on ill-conditioned data (no squared condition number).

    Components with :math:`\lambda \le \lambda_{max} \max(n, p)\,\epsilon` are dropped: they
    carry no signal (:math:`Z v = 0` up to rounding).
    """

    def __init__(self, X, Y, s, fit_intercept, mode):
        n, p = X.shape
        self.X = X
        self.s = s
        self.sum_weights = float(s.sum())
        self.r = np.sqrt(s)
        if fit_intercept:
            self.xbar = weighted_means(X, s)
            self.ybar = s @ Y / self.sum_weights
        else:
            self.xbar = np.zeros(p)
            self.ybar = np.zeros(Y.shape[1])
        self.fit_intercept = fit_intercept
        self.Yc = Y - self.ybar
        T = self.r[:, None] * self.Yc
        weighted = bool(np.any(s != 1.0))
        self.mode = mode
        if mode == "gram":
            Kc = _kernel(X, self.xbar)
            lam, U = scipy.linalg.eigh(self.r[:, None] * Kc * self.r[None, :],
                                       check_finite=False)
            keep = _nonzero_spectrum(lam, n, p)
            lam, U = lam[keep], U[:, keep]
            root = np.sqrt(lam)
            self.lam = lam
            self.G = root[:, None] * (U.T @ T)
            self.B = Kc @ (self.r[:, None] * U) / root
            self._U_over_root = U / root  # V = Z^T U / root, applied lazily in coef()
        elif mode == "cov":
            C = _gram(X, s, self.xbar, weighted)
            lam, V = scipy.linalg.eigh(C, check_finite=False)
            keep = _nonzero_spectrum(lam, n, p)
            self.lam, self.V = lam[keep], V[:, keep]
            self.G = self.V.T @ _centered_rmatvec(X, s[:, None] * self.Yc, self.xbar)
            self.B = _project_rows(X, self.xbar, self.V)
        else:  # "svd", dense X
            Z = self.r[:, None] * (X - self.xbar)
            U, sigma, Vt = scipy.linalg.svd(Z, full_matrices=False, check_finite=False)
            keep = _nonzero_spectrum(sigma**2, n, p)
            U, sigma, self.V = U[:, keep], sigma[keep], Vt[keep].T
            self.lam = sigma**2
            self.G = sigma[:, None] * (U.T @ T)
            zero = self.r == 0
            self.B = np.empty((n, sigma.size))
            self.B[~zero] = U[~zero] * (sigma / self.r[~zero, None])
            self.B[zero] = (X[zero] - self.xbar) @ self.V

    def loo_residuals(self, alphas):
        r"""Leave-one-out residuals :math:`e_i = (y_{c,i} - F_i) / (1 - h_i - s_i / S)`.

        The :math:`s_i / S` term is the intercept's leverage (omitted without intercept).
        Returns an array of shape ``(n_samples, n_targets, n_alphas)`` in y's units.
        """
        inv = 1.0 / (self.lam[:, None] + np.asarray(alphas)[None, :])  # (m, A)
        leverage = self.s[:, None] * ((self.B**2) @ inv)  # (n, A)
        if self.fit_intercept:
            leverage += (self.s / self.sum_weights)[:, None]
        n, k = self.Yc.shape
        fitted = np.empty((n, k, inv.shape[1]))
        for j in range(k):
            fitted[:, j, :] = self.B @ (self.G[:, j : j + 1] * inv)
        return (self.Yc[:, :, None] - fitted) / (1.0 - leverage)[:, None, :]

    def coef(self, alphas):
        """Coefficients ``(n_features, n_targets)``, target j at ``alphas[j]``, and intercepts."""
        inv = 1.0 / (self.lam[:, None] + np.asarray(alphas)[None, :])  # (m, k)
        if self.mode == "gram":
            # W = Z^T U Lambda^{-1/2} (Lambda + alpha)^{-1} G = X_c^T S^{1/2} (...)
            inner = self._U_over_root @ (inv * self.G)
            W = _centered_rmatvec(self.X, self.r[:, None] * inner, self.xbar)
        else:
            W = self.V @ (inv * self.G)
        return W, self.ybar - W.T @ self.xbar


def _nonzero_spectrum(lam, n, p):
    top = max(float(lam.max(initial=0.0)), 0.0)
    return lam > top * max(n, p) * np.finfo(np.float64).eps


def _project_rows(X, xbar, V):
    """``B = X_c V`` (n x m, float64) for dense or sparse X, centering row blocks of X."""
    n, p = X.shape
    B = np.empty((n, V.shape[1]))
    if sp.issparse(X):
        B[:] = X.tocsr() @ V
        B -= xbar @ V
        return B
    step = max(16, _BLOCK_ELEMENTS // max(p, 1))
    for i0 in range(0, n, step):
        B[i0 : i0 + step] = (X[i0 : i0 + step] - xbar) @ V
    return B


class RidgeCV(_LinearRegressor):
    r"""Ridge regression with the penalty chosen by efficient leave-one-out cross-validation.

    Minimises scikit-learn's ridge objective
    :math:`\sum_i s_i (y_i - x_i^T w - b)^2 + \alpha \lVert w \rVert_2^2` for the best of
    ``alphas``.  With ``cv=None`` every alpha is scored by its exact leave-one-out error,
    from one factorization of the centered, weighted design shared by all alphas (Rifkin and
    Lippert 2007): with :math:`H_\alpha` the weighted hat matrix (intercept included) and
    :math:`\hat y_\alpha` the fitted values,

    .. math::

        y_i - \hat y^{(-i)}_{\alpha, i} = \frac{y_i - \hat y_{\alpha, i}}{1 - (H_\alpha)_{ii}},

    and the score of alpha is :math:`-\frac1n \sum_i s_i (y_i - \hat y^{(-i)}_{\alpha,i})^2`
    (or ``scoring`` applied to the leave-one-out predictions).  The factorization is an
    eigendecomposition of the smaller of :math:`X_c^T S X_c` and :math:`S^{1/2} X_c X_c^T
    S^{1/2}`, or an SVD; sparse X is centered implicitly, never densified (the "cov" route
    makes one CSR copy of X).  Each alpha then costs O(n min(n, p)).  The computations use
    float64 (float32 X is converted, as in scikit-learn); ``coef_`` has X's dtype.

    With ``cv`` given, a :class:`~sklearn.model_selection.GridSearchCV` over
    :class:`fastreg.Ridge` is run instead, as in scikit-learn.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties (> 0 for leave-one-out).
    fit_intercept : bool, default=True
    scoring : str or callable, default=None
        None: negative mean squared leave-one-out error (weighted by the sample weights);
        a scorer is given the leave-one-out predictions and the sample weights.
    cv : int, cross-validation generator or iterable, default=None
        None: efficient leave-one-out.
    gcv_mode : {None, "auto", "svd", "eigen"}, default=None
        How the factorization is computed; None and "auto" are "eigen", "svd" needs dense X.
    store_cv_results : bool, default=False
        Keep every leave-one-out squared error (or prediction, with ``scoring``).
    alpha_per_target : bool, default=False
        Choose one alpha per target.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
    best_score_ : float or ndarray of shape (n_targets,)
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        With ``store_cv_results=True``: ``s_i e_i^2`` (weighted squared leave-one-out
        errors), or the leave-one-out predictions with ``scoring``.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    _GCV_MODES = (None, "auto", "svd", "eigen")

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None, cv=None,
                 gcv_mode=None, store_cv_results=False, alpha_per_target=False):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    def _check_alphas(self):
        alphas = np.atleast_1d(np.asarray(self.alphas))
        if alphas.ndim != 1 or alphas.size == 0:
            raise ValueError(f"alphas must be a number or a non-empty 1-D array, got "
                             f"{self.alphas!r}.")
        if alphas.dtype.kind not in "iuf":
            raise TypeError(f"alphas must be real numbers, got {self.alphas!r}.")
        alphas = alphas.astype(np.float64)
        loo = self.cv is None
        if not np.isfinite(alphas).all() or (alphas < 0).any() or (loo and (alphas == 0).any()):
            bound = "> 0 with leave-one-out (cv=None)" if loo else ">= 0"
            raise ValueError(f"alphas must be finite and {bound}, got {self.alphas!r}.")
        return alphas

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Choose alpha and fit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alphas = self._check_alphas()
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.store_cv_results, "store_cv_results")
        check_bool(self.alpha_per_target, "alpha_per_target")
        _check_cv(self.cv)
        if self.gcv_mode not in self._GCV_MODES:
            raise ValueError(f"gcv_mode must be one of {self._GCV_MODES}, got "
                             f"{self.gcv_mode!r}.")
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        if self.cv is not None:
            self._fit_grid_search(X, y, sample_weight, alphas)
        else:
            self._fit_loo(X, y, sample_weight, alphas)
        return self

    def _fit_grid_search(self, X, y, sample_weight, alphas):
        if self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible.")
        if self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible.")
        search = GridSearchCV(Ridge(fit_intercept=self.fit_intercept), {"alpha": alphas},
                              cv=self.cv, scoring=self.scoring)
        params = {} if sample_weight is None else {"sample_weight": sample_weight}
        search.fit(X, y, **params)
        best = search.best_estimator_
        self.alpha_ = float(best.alpha)
        self.best_score_ = float(search.best_score_)
        self.coef_ = best.coef_
        self.intercept_ = best.intercept_

    def _fit_loo(self, X, y, sample_weight, alphas):
        dtype = X.dtype
        n, p = X.shape
        mode = "svd" if self.gcv_mode == "svd" else ("gram" if n <= p else "cov")
        if mode == "svd" and sp.issparse(X):
            raise ValueError("gcv_mode='svd' needs dense X; use gcv_mode='eigen' (the "
                             "default) for sparse X.")
        X64 = X.astype(np.float64) if dtype != np.float64 else X
        Y = y.reshape(n, -1).astype(np.float64)
        s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
        factorization = _LooFactorization(X64, Y, s, bool(self.fit_intercept), mode)
        errors = factorization.loo_residuals(alphas)  # (n, k, A)
        k = Y.shape[1]
        per_target = self.alpha_per_target and k > 1
        if self.scoring is None:
            results = s[:, None, None] * errors**2
            scores = -results.mean(axis=0) if per_target else -results.mean(axis=(0, 1))
        else:
            results = Y[:, :, None] - errors  # leave-one-out predictions
            # As in scikit-learn, the sample weights also weight the score.
            scorer = check_scoring(self, scoring=self.scoring)
            identity = _Predictions()
            weights = {} if sample_weight is None else {"sample_weight": s}
            if per_target:
                scores = np.array([[scorer(identity, results[:, j, a], Y[:, j], **weights)
                                    for a in range(alphas.size)] for j in range(k)])
            else:
                target = Y[:, 0] if y.ndim == 1 else Y
                scores = np.array([scorer(identity, results[:, :, a].reshape(target.shape),
                                          target, **weights) for a in range(alphas.size)])
        # Ties go to the first alpha in the given order, as in scikit-learn.
        best = np.argmax(scores, axis=-1)
        if per_target:
            self.alpha_ = alphas[best]
            self.best_score_ = scores[np.arange(k), best]
            coef_alphas = self.alpha_
        else:
            self.alpha_ = float(alphas[best])
            self.best_score_ = float(scores[best])
            coef_alphas = np.full(k, self.alpha_)
        W, intercepts = factorization.coef(coef_alphas)
        if y.ndim == 1 or k == 1:
            self.coef_ = W[:, 0].astype(dtype)
            self.intercept_ = float(intercepts[0]) if y.ndim == 1 else intercepts.astype(dtype)
        else:
            self.coef_ = np.ascontiguousarray(W.T, dtype=dtype)
            self.intercept_ = intercepts.astype(dtype)
        if not self.fit_intercept:
            self.intercept_ = 0.0 if y.ndim == 1 else np.zeros(k, dtype)
        if self.store_cv_results:
            shape = (n, alphas.size) if y.ndim == 1 else (n, k, alphas.size)
            self.cv_results_ = results.reshape(shape).astype(dtype)
