"""scikit-learn estimators: parameter validation, fitted attributes, prediction."""

from __future__ import annotations

import functools
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _dask
from ._engine import make_design
from ._engine.data import is_gram, use_precompute
from ._ridge import ridge_solve
from ._solver import (
    DEFAULT_MAX_ITER,
    Solver,
    check_penalty,
    check_precompute,
    make_problem,
    warn_if_not_converged,
)
from ._validation import (
    check_bool,
    check_design_matrix,
    check_random_state,
    check_sample_weight,
    check_scalar,
    check_target,
)

__all__ = ["ElasticNet", "Lasso", "MultiTaskElasticNet", "MultiTaskLasso", "Ridge"]


def keep_state_on_error(fit):
    """Decorate a ``fit`` method so that, if it raises, the estimator is left as it was.

    A fit may record ``n_features_in_`` or replace some fitted attributes before a later
    check fails (a penalty factor of the wrong length, non-finite weights on a warm start);
    the estimator's attributes are then restored, so that a model fitted before stays
    consistent and usable.  Attributes are replaced, never modified in place, by every fit, so
    a shallow copy of ``__dict__`` is enough.
    """

    @functools.wraps(fit)
    def guarded_fit(self, *args, **kwargs):
        saved = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            raise

    return guarded_fit


class _LinearRegressor(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """What every fastreg linear model shares: input checks, ``predict``, ``sparse_coef_``."""

    def _validate_fit_input(self, X, y, sample_weight):
        """Record feature names and count; return canonical X and y (1-D or 2-D)."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")
        X_given = X
        X, _ = check_design_matrix(X)  # before validate_data, whose messages are less clear
        y = check_target(y, X.shape[0], X.dtype, allow_2d=True)
        validate_data(self, X_given, reset=True, skip_check_array=True)
        if isinstance(sample_weight, Real):
            sample_weight = None  # a scalar weight scales the loss of every sample alike
        weights = check_sample_weight(sample_weight, X.shape[0], np.float64)
        return X, y, (weights if weights.size else None)

    def predict(self, X):
        """Predict with the fitted linear model: ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        if _dask.is_dask_array(X):
            # A lazy Dask array of predictions, one block per row block of X.
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(f"X has shape {X.shape}, but {type(self).__name__} is "
                                 f"expecting {self.n_features_in_} features as input.")
            return X @ self.coef_.T + self.intercept_
        X = validate_data(self, X, accept_sparse=True, reset=False)
        return X @ self.coef_.T + self.intercept_

    def _tall_problem(self, X, y, sample_weight, fit_intercept, groups=None):
        """Check a Dask X of row blocks and compute its moments in one pass (see
        ``fastreg._dask``): the moments of each group of blocks in ``groups`` (default: one
        group, all the blocks), about the first row with an intercept."""
        if np.ndim(y) != 1:
            raise ValueError(f"y must be 1-D for a Dask X, got {np.ndim(y)} dimensions.")
        if isinstance(sample_weight, Real):
            sample_weight = None
        X, y, sample_weight = _dask.check_dask_input(X, y, sample_weight)
        _dask.check_negative_weights(sample_weight)
        n_blocks = len(X.chunks[0])
        moments = _dask.group_moments(X, y, sample_weight,
                                      groups or [np.arange(n_blocks)], fit_intercept)
        if hasattr(self, "feature_names_in_"):  # a Dask array has no column names
            del self.feature_names_in_
        self.n_features_in_ = X.shape[1]
        return X, moments

    @property
    def sparse_coef_(self):
        """The coefficients as a scipy CSR matrix of shape (n_targets or 1, n_features)."""
        check_is_fitted(self)
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class ElasticNet(_LinearRegressor):
    r"""Linear regression with combined L1 and L2 penalties, by coordinate descent.

    Minimises scikit-learn's Elastic Net objective

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \Big(\rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2\Big)

    (:math:`s_i` sample weights, :math:`S = \sum_i s_i`, :math:`\rho` = ``l1_ratio``,
    :math:`f_j` = ``penalty_factor``) and gives the same coefficients as
    :class:`sklearn.linear_model.ElasticNet`.  Dense X is used in place when Fortran-ordered;
    sparse X is used as CSC without densifying, the intercept handled by implicit centering.
    float32 data stay float32.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    l1_ratio : float, default=0.5
        Mix of L1 and L2 in [0, 1]; 1 is the Lasso.
    fit_intercept : bool, default=True
    precompute : {"auto", True, False} or array of shape (n_features, n_features)
        Covariance (Gram) updates, with Gram columns computed only for features that enter
        a working set; "auto" runs a working set's epochs on its own Gram block once they
        show that it pays (at most 2048 features), False never uses Gram matrices.  An array
        is the Gram matrix ``X^T X`` of the X given to ``fit`` (with sample weights
        ``X^T D X``, ``D`` the weights rescaled to sum to ``n_samples``), as in
        scikit-learn: its columns are read instead of computed; one element is checked
        against X.  With ``fit_intercept`` X must then be centered, or the matrix is ignored
        with a warning.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the features) on each working set;
        ``n_iter_`` counts the epochs on all of them.
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never modifies X.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * sum_i s_i (y_i - ybar)^2 / S``.  From
        1e-8 down, also wait for an epoch whose largest coordinate step is at most ``tol``
        times the largest coefficient (scikit-learn's condition): such a tol asks for
        settled coefficients, which the gap alone certifies only to about ``sqrt(tol)``.
    warm_start : bool, default=False
        Start from the previous solution.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seeds the feature order with ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Visit the features in order, or in a new random order each epoch.
    penalty_factor : array-like of shape (n_features,), optional
        Keyword-only fastreg extension: non-negative per-feature multipliers of the
        penalty (glmnet's ``penalty.factor``); 0 leaves a feature unpenalized.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Keyword-only fastreg extension: bounds on the coefficients, ``lower_bounds <= w <=
        upper_bounds`` (glmnet's ``lower.limits`` / ``upper.limits``): a scalar applies to
        every feature, ``-inf`` / ``inf`` leave a side unbounded, and the bounds must contain
        0.  ``positive=True`` is ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    standardize : bool, default=False
        Keyword-only fastreg extension (glmnet's ``standardize``, there on by default): fit
        as if every column had unit weighted variance, without scaling or copying X; the
        coefficients and bounds are on X's scale (see :func:`fastreg.solve`).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Epochs run (per target).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap reached (objective units): the certificate of the solution.
    sparse_coef_ : scipy CSR matrix
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute="auto",
                 max_iter=DEFAULT_MAX_ITER, copy_X=True, tol=1e-4, warm_start=False,
                 positive=False, random_state=None, selection="cyclic", penalty_factor=None,
                 lower_bounds=None, upper_bounds=None, standardize=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.standardize = standardize

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            CSR/COO and other sparse formats are converted to CSC, C-ordered arrays copied to
            Fortran order, integer data to float64.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), optional
        check_input : bool, default=True
            Accepted for compatibility; inputs are always validated.

        Returns
        -------
        self
        """
        del check_input
        alpha, l1_ratio, tol, max_iter = check_penalty(self.alpha, self.l1_ratio, self.tol,
                                                       self.max_iter)
        if not is_gram(self.precompute):
            check_precompute(self.precompute)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        warm_start = check_bool(self.warm_start, "warm_start")
        standardize = check_bool(self.standardize, "standardize")
        if self.selection not in ("cyclic", "random"):
            raise ValueError(f"selection must be 'cyclic' or 'random', got {self.selection!r}.")
        random_state = check_random_state(self.random_state)
        if _dask.is_dask_array(X):
            return self._fit_tall(X, y, sample_weight, alpha, l1_ratio, tol, max_iter,
                                  fit_intercept, positive, standardize)
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        if alpha == 0:
            # scikit-learn's wording, which its users' code may match on; the advice holds
            # here too: without a penalty coordinate descent converges only as fast as X is
            # well conditioned, where a direct least-squares solver needs no iterations.
            warnings.warn("With alpha=0, this algorithm does not converge well. You are "
                          "advised to use the LinearRegression estimator (a direct "
                          "least-squares solver).", UserWarning, stacklevel=3)
        targets = y[:, np.newaxis] if y.ndim == 1 else y
        previous = None
        if warm_start and hasattr(self, "coef_"):
            previous = np.atleast_2d(self.coef_)
            if previous.shape != (targets.shape[1], X.shape[1]):
                previous = None

        results = []
        # The column statistics do not depend on the target: one design for every target.
        design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
        design, precompute = use_precompute(design, self.precompute, stacklevel=4)
        for k in range(targets.shape[1]):
            problem = make_problem(X, targets[:, k], penalty_factor=self.penalty_factor,
                                   lower_bounds=self.lower_bounds,
                                   upper_bounds=self.upper_bounds, standardize=standardize,
                                   design=design)
            start = None
            if previous is not None:
                # The previous fit's coefficients, moved into bounds that may have changed
                # since: a feasible start for the new ones.
                lower, upper = problem.penalty(positive).bound_arrays(problem.n_features)
                start = np.clip(previous[k], lower, upper)
            solver = Solver(problem, precompute, start)
            seed = (-1 if self.selection == "cyclic"
                    else int(random_state.randint(np.iinfo(np.int32).max)))
            result = solver.run(alpha, l1_ratio, positive=positive, tol=tol,
                                max_iter=max_iter, shuffle_seed=seed)
            warn_if_not_converged(result, alpha)
            results.append(result)

        if y.ndim == 1:
            (result,) = results
            self.coef_, self.intercept_ = result.coef, result.intercept
            self.dual_gap_, self.n_iter_ = result.dual_gap, result.n_iter
        else:
            self.coef_ = np.array([result.coef for result in results])
            self.intercept_ = np.array([result.intercept for result in results])
            self.dual_gap_ = np.array([result.dual_gap for result in results])
            self.n_iter_ = [result.n_iter for result in results]
        return self

    def _fit_tall(self, X, y, sample_weight, alpha, l1_ratio, tol, max_iter, fit_intercept,
                  positive, standardize):
        """Fit a Dask array of row blocks: its moments in one pass on the cluster, then the
        Gram solver on them (``fastreg._dask``)."""
        if is_gram(self.precompute):
            raise ValueError("precompute cannot be a Gram matrix for a Dask X: the Gram "
                             "matrix is computed from its blocks.")
        X, (moments,) = self._tall_problem(X, y, sample_weight, fit_intercept)
        problem, x_mean, y_mean = _dask.moments_problem(
            moments, fit_intercept=fit_intercept, penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
            standardize=standardize)
        start = None
        if check_bool(self.warm_start, "warm_start") and np.shape(
                getattr(self, "coef_", None)) == (X.shape[1],):
            lower, upper = problem.penalty(positive).bound_arrays(X.shape[1])
            start = np.clip(self.coef_, lower, upper)
        result = Solver(problem, True, start).run(alpha, l1_ratio, positive=positive, tol=tol,
                                                  max_iter=max_iter)
        warn_if_not_converged(result, alpha)
        self.coef_ = result.coef.astype(_dask.coef_dtype(X))
        self.intercept_ = float(y_mean - x_mean @ result.coef)
        self.dual_gap_, self.n_iter_ = result.dual_gap, result.n_iter
        return self


class Lasso(ElasticNet):
    r"""Linear regression with an L1 penalty (the Lasso), by coordinate descent.

    Minimises

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2 + \alpha \sum_j f_j |w_j|

    and gives the same coefficients as :class:`sklearn.linear_model.Lasso`.  Parameters and
    attributes are those of :class:`ElasticNet` without ``l1_ratio``.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto", copy_X=True,
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 lower_bounds=None, upper_bounds=None, standardize=False):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
                         warm_start=warm_start, positive=positive, random_state=random_state,
                         selection=selection, penalty_factor=penalty_factor,
                         lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                         standardize=standardize)


class Ridge(_LinearRegressor):
    r"""Linear regression with an L2 penalty, solved by direct methods.

    Minimises scikit-learn's ``Ridge`` objective (the loss is *not* divided by the number of
    samples, unlike :class:`ElasticNet`)

    .. math::

        \sum_i s_i (y_i - x_i^T w - b)^2 + \alpha \|w\|_2^2

    by a Cholesky factorisation of the smaller of the Gram and kernel matrices on dense data,
    an eigendecomposition, or conjugate gradients on sparse data (X centered implicitly,
    never densified).  With ``positive=True`` it runs fastreg's coordinate descent on the
    equivalent Elastic Net (``l1_ratio=0``, ``alpha / S``).

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Regularization strength, >= 0.
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never modifies X.
    max_iter : int, optional
        Maximum conjugate-gradient iterations (or coordinate-descent epochs with
        ``positive``).
    tol : float, default=1e-4
        Relative residual tolerance of conjugate gradients (duality-gap tolerance with
        ``positive``).
    solver : {"auto", "cholesky", "eigen", "cg"}, default="auto"
        "auto" is "cholesky" on dense data and "cg" on sparse data.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (coordinate descent).
    random_state : None
        Accepted for compatibility; no solver here is random.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : ndarray or None
        Conjugate-gradient iterations per target (None for direct solvers).
    solver_ : str
        The solver used.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    _SOLVERS = ("auto", "cholesky", "eigen", "cg")

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4,
                 solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _check_alpha(self, n_targets):
        alpha = np.asarray(self.alpha)
        if alpha.ndim > 1 or (alpha.ndim == 1 and alpha.shape[0] != n_targets):
            raise ValueError(f"alpha must be a float or an array of {n_targets} values, got "
                             f"shape {alpha.shape}.")
        if alpha.dtype.kind not in "iuf":
            raise TypeError(f"alpha must be a real number, got {self.alpha!r}.")
        if not np.isfinite(alpha).all() or (alpha < 0).any():
            raise ValueError(f"alpha must be finite and >= 0, got {self.alpha!r}.")
        return float(alpha) if alpha.ndim == 0 else alpha.astype(np.float64)

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        if self.solver not in self._SOLVERS:
            raise ValueError(f"solver must be one of {self._SOLVERS}, got {self.solver!r}.")
        tol = check_scalar(self.tol, "tol", kind=Real, low=0.0)
        max_iter = (None if self.max_iter is None
                    else check_scalar(self.max_iter, "max_iter", kind=Integral, low=1))
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        alpha = self._check_alpha(1 if y.ndim == 1 else y.shape[1])
        if self.positive:
            self._fit_positive(X, y, sample_weight, alpha, tol, max_iter)
            return self
        result = ridge_solve(X, y.astype(X.dtype), alpha, sample_weight=sample_weight,
                             fit_intercept=self.fit_intercept, solver=self.solver, tol=tol,
                             max_iter=max_iter)
        if not result.converged:
            warnings.warn(f"Conjugate gradients stopped at max_iter={max_iter} before reaching "
                          f"tol={tol}: n_iter_={result.n_iter}.", ConvergenceWarning,
                          stacklevel=2)
        self.coef_ = result.coef
        self.intercept_ = result.intercept if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.solver_ = result.solver
        return self

    def _fit_positive(self, X, y, sample_weight, alpha, tol, max_iter):
        if self.solver != "auto":
            raise ValueError("positive=True is solved by coordinate descent: use "
                             f"solver='auto', not {self.solver!r}.")
        targets = y[:, np.newaxis] if y.ndim == 1 else y
        alphas = np.broadcast_to(alpha, targets.shape[1])
        coefs = np.empty((targets.shape[1], X.shape[1]), dtype=X.dtype)
        intercepts = np.empty(targets.shape[1])
        n_iters = np.empty(targets.shape[1], dtype=int)
        for k in range(targets.shape[1]):
            problem = make_problem(X, targets[:, k], sample_weight=sample_weight,
                                   fit_intercept=self.fit_intercept)
            solver = Solver(problem)
            # Ridge's loss is not divided by S: the equivalent Elastic Net alpha is alpha / S.
            enet_alpha = alphas[k] / problem.sum_weights
            result = solver.run(enet_alpha, 0.0, positive=True, tol=tol,
                                max_iter=max_iter or DEFAULT_MAX_ITER)
            warn_if_not_converged(result, alphas[k])
            coefs[k], intercepts[k], n_iters[k] = result.coef, result.intercept, result.n_iter
        single = y.ndim == 1
        self.coef_ = coefs[0] if single else coefs
        self.intercept_ = float(intercepts[0]) if single else intercepts
        self.n_iter_ = n_iters
        self.solver_ = "cd"


class MultiTaskElasticNet(_LinearRegressor):
    r"""Multi-task Elastic Net: several targets fitted together, each feature selected for
    all of them or for none (the L2,1 penalty on the rows of the coefficient matrix).

    Minimises scikit-learn's multi-task objective

    .. math::

        \frac{1}{2S}\sum_i s_i \|y_i - W x_i - b\|_2^2
        + \alpha \Big(\rho \sum_j \|W_{:,j}\|_2 + \frac{1-\rho}{2} \|W\|_F^2\Big)

    (:math:`W` of shape (n_tasks, n_features), :math:`s_i` sample weights,
    :math:`S = \sum_i s_i`, :math:`\rho` = ``l1_ratio``) by block coordinate descent on
    working sets with Gap Safe screening, stopping on the duality gap, and gives the
    coefficients of :class:`sklearn.linear_model.MultiTaskElasticNet`.  Dense X is used in
    place when Fortran-ordered; sparse X as CSC without densifying (the intercept by implicit
    centering).

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    l1_ratio : float, default=0.5
        Mix of the L2,1 and the squared Frobenius penalties in [0, 1]; 1 is the multi-task
        Lasso.
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted for compatibility: fastreg never modifies X.
    max_iter : int, default=1000
        Maximum number of epochs on each working set; ``n_iter_`` counts them all.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * sum_i s_i ||y_i - ybar||^2 / S``.
    warm_start : bool, default=False
        Start from the previous solution.
    random_state : int, RandomState instance or None, default=None
        Seeds the feature order with ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
    penalty_factor : array-like of shape (n_features,), optional
        Keyword-only fastreg extension: non-negative per-feature multipliers of the
        penalty on each row ``W[:, j]`` (glmnet's ``penalty.factor``); 0 leaves a feature
        unpenalized.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    n_iter_ : int
        Epochs run.
    dual_gap_ : float
        Duality gap reached (objective units): the certificate of the solution.
    eps_ : float
        The gap the fit had to reach (objective units).
    sparse_coef_ : scipy CSR matrix
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 20))
    >>> Y = np.outer(X[:, 0] - X[:, 3], [1.0, 2.0, -1.0])
    >>> model = fastreg.MultiTaskLasso(alpha=0.1).fit(X, Y)
    >>> np.flatnonzero(np.abs(model.coef_).sum(axis=0)).tolist()
    [0, 3]
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, copy_X=True,
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic", penalty_factor=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
            Two-dimensional (a single target is :class:`ElasticNet`'s).
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha, l1_ratio, tol, max_iter = check_penalty(self.alpha, self.l1_ratio, self.tol,
                                                       self.max_iter)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        warm_start = check_bool(self.warm_start, "warm_start")
        if self.selection not in ("cyclic", "random"):
            raise ValueError(f"selection must be 'cyclic' or 'random', got {self.selection!r}.")
        random_state = check_random_state(self.random_state)
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        if y.ndim != 2:
            raise ValueError(f"{type(self).__name__} takes y of shape (n_samples, n_tasks), got "
                             f"shape {y.shape}; for a single target use "
                             f"{type(self).__name__.replace('MultiTask', '')}.")
        coef_init = None
        if warm_start and getattr(self, "coef_", None) is not None and (
                self.coef_.shape == (y.shape[1], X.shape[1])):
            coef_init = self.coef_
        if y.shape[1] == 1:
            # One task: the group penalty is the Elastic Net's, which the single-target engine
            # solves faster (and then exactly as ElasticNet does).
            problem = make_problem(X, y[:, 0], sample_weight=sample_weight,
                                   penalty_factor=self.penalty_factor,
                                   fit_intercept=fit_intercept)
            coef_init = None if coef_init is None else coef_init[0]
        else:
            problem = make_problem(X, y, sample_weight=sample_weight,
                                   penalty_factor=self.penalty_factor,
                                   fit_intercept=fit_intercept, loss="multitask")
        seed = (-1 if self.selection == "cyclic"
                else int(random_state.randint(np.iinfo(np.int32).max)))
        result = Solver(problem, coef_init=coef_init).run(
            alpha, l1_ratio, positive=False, tol=tol, max_iter=max_iter, shuffle_seed=seed)
        warn_if_not_converged(result, alpha)
        self.coef_ = np.atleast_2d(result.coef)
        self.intercept_ = np.atleast_1d(result.intercept).astype(result.coef.dtype)
        self.dual_gap_ = float(result.dual_gap)
        self.eps_ = float(result.gap_tol)
        self.n_iter_ = int(result.n_iter)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskLasso(MultiTaskElasticNet):
    r"""Multi-task Lasso: :class:`MultiTaskElasticNet` with ``l1_ratio=1``,

    .. math::

        \frac{1}{2S}\sum_i s_i \|y_i - W x_i - b\|_2^2 + \alpha \sum_j \|W_{:,j}\|_2 .

    Parameters and attributes are those of :class:`MultiTaskElasticNet` without
    ``l1_ratio``; the coefficients are those of :class:`sklearn.linear_model.MultiTaskLasso`.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True,
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic", penalty_factor=None):
        super().__init__(alpha, l1_ratio=1.0, fit_intercept=fit_intercept, copy_X=copy_X,
                         max_iter=max_iter, tol=tol, warm_start=warm_start,
                         random_state=random_state, selection=selection,
                         penalty_factor=penalty_factor)
