r"""Two-stage Lasso estimators: the relaxed Lasso and the adaptive Lasso.

Both fit the Lasso twice, the second fit shaped by the first, to undo the Lasso's two known
failings on correlated designs: its coefficients are shrunk towards zero, and the alpha that
predicts best keeps false positives (an alpha large enough to drop them shrinks the true
coefficients too much).

- :class:`RelaxedLasso` (Meinshausen 2007, "Relaxed Lasso", *Computational Statistics & Data
  Analysis* 52(1):374-393; in the form of glmnet's ``relax=TRUE`` and of Hastie, Tibshirani
  and Tibshirani 2020, "Best subset, forward stepwise or Lasso?", *Statistical Science*
  35(4):579-592) blends the Lasso with the unpenalized least-squares fit on the Lasso's
  support, ``gamma * lasso + (1 - gamma) * refit``; :class:`RelaxedLassoCV` chooses alpha and
  gamma by cross-validation, one Lasso path per fold.
- :class:`AdaptiveLasso` (Zou 2006, "The adaptive lasso and its oracle properties", *JASA*
  101(476):1418-1429) penalizes feature j by ``1 / |w_init_j|^nu`` for a first estimate
  ``w_init``, optionally reweighted again from its own solution (Candes, Wakin and Boyd 2008,
  "Enhancing sparsity by reweighted l1 minimization", *J. Fourier Anal. Appl.*
  14:877-905); :class:`AdaptiveLassoCV` chooses its alpha by cross-validation.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse as sp
import scipy.sparse.linalg
from joblib import Parallel, delayed
from sklearn.model_selection import check_cv

from ._engine import make_design
from ._estimators import Lasso, Ridge, _LinearRegressor, keep_state_on_error
from ._resampling import (
    as_single_target,
    check_parallel,
    subset,
    take_rows,
    warn_paths_not_converged,
)
from ._solver import (
    DEFAULT_MAX_ITER,
    Solver,
    check_penalty,
    check_precompute,
    make_problem,
    warn_if_not_converged,
)
from ._validation import check_bool, check_scalar
from .cv import LassoCV, RidgeCV, _check_cv, _walk_to
from .path import _check_alphas, alpha_grid, walk_path

__all__ = ["AdaptiveLasso", "AdaptiveLassoCV", "RelaxedLasso", "RelaxedLassoCV"]

_INITS = ("ridge", "lasso", "ols")

# The default grid of the Ridge first stage, in units of the mean eigenvalue of X_c^T S X_c:
# a grid that moves with the scale of X, wide enough that leave-one-out finds its minimum
# inside it on standardized and unstandardized data alike.
_RIDGE_GRID = np.logspace(-4, 3, 15)


# --------------------------------------------------------------------------------------------
# Parameter checks


def _check_gamma(gamma, name: str = "gamma") -> float:
    return check_scalar(gamma, name, low=0.0, high=1.0)


def _check_gammas(gammas) -> np.ndarray:
    """A non-empty 1-D sequence of blending weights, each in [0, 1], kept in the given order."""
    if isinstance(gammas, (str, bytes)) or np.ndim(gammas) != 1 or len(gammas) == 0:
        raise ValueError(f"gammas must be a non-empty 1-D sequence of numbers in [0, 1], got "
                         f"{gammas!r}.")
    return np.array([_check_gamma(value, f"gammas[{k}]") for k, value in enumerate(gammas)])


def _check_init(init, init_alpha) -> float | None:
    if not isinstance(init, str) or init not in _INITS:
        raise ValueError(f"init must be one of {_INITS}, got {init!r}.")
    if init_alpha is None:
        return None
    return check_scalar(init_alpha, "init_alpha", low=0.0, low_open=True)


def _weights_or_ones(sample_weight, n_samples: int) -> np.ndarray:
    return np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight,
                                                                       np.float64)


# --------------------------------------------------------------------------------------------
# The least-squares refit on a support


def _column_block(X, columns: np.ndarray) -> np.ndarray:
    """The columns ``columns`` of a canonical X as a dense float64 n x k array (a copy): the
    only part of X that a refit reads."""
    if sp.issparse(X):
        return X[:, columns].toarray().astype(np.float64, copy=False)
    return np.take(X, columns, axis=1).astype(np.float64, copy=False)


def _refit_on_support(X, y, weights: np.ndarray, support: np.ndarray, fit_intercept: bool,
                      positive: bool) -> tuple[np.ndarray, float]:
    """Weighted least squares of y on the columns ``support`` of X (and an intercept).

    Returns the coefficients of the support (float64) and the intercept.  The intercept is
    profiled out by centering the block with the weighted means; the rows are then scaled by
    the square roots of the weights, so that the problem is ordinary least squares, solved by
    an SVD (LAPACK's ``gelsd``): with more columns than rows, or collinear columns, this is
    the minimum-norm solution, singular values below ``max(n, k) eps`` of the largest counting
    as zero (as NumPy's ``lstsq`` cuts them).  With ``positive`` it is a non-negative
    least-squares solution (Lawson-Hanson), unique only when the block has full column rank.
    """
    y = np.asarray(y, dtype=np.float64)
    total = weights.sum()
    y_mean = float(weights @ y / total) if fit_intercept else 0.0
    if support.size == 0:
        return np.zeros(0), y_mean
    block = _column_block(X, support)
    x_mean = weights @ block / total if fit_intercept else np.zeros(support.size)
    root = np.sqrt(weights)
    design = root[:, None] * (block - x_mean)
    target = root * (y - y_mean)
    if positive:
        coef, _ = scipy.optimize.nnls(design, target)
    else:
        # Singular values below max(n, k) eps of the largest are rounding: centering leaves
        # one at about 2 eps when k >= n, and LAPACK's default cutoff (eps) would invert it.
        cutoff = max(design.shape) * np.finfo(np.float64).eps
        coef = scipy.linalg.lstsq(design, target, cond=cutoff, lapack_driver="gelsd",
                                  check_finite=False)[0]
    return coef, y_mean - float(x_mean @ coef)


class _SupportRefits:
    """The least-squares refits on the supports of one Lasso path (one training fold).

    Consecutive alphas of a path mostly add a few features to the support, and often keep it
    unchanged: the weighted, centered Gram entries ``X_c^T S X_c`` and ``X_c^T S y_c`` of every
    feature met so far are kept, extended by the new features' columns only when they first
    enter, and each distinct support is solved once (cached by its features).  A refit is
    then the minimum-norm solution of the normal equations on the support's Gram block, from
    its eigendecomposition (eigenvalues below ``max(n, k) * eps`` of the largest count as
    zero: they carry only rounding).  Cheaper than :func:`_refit_on_support` along a path,
    less accurate on ill-conditioned supports (the condition number is squared): for the
    cross-validation scores, not for the final model.
    """

    def __init__(self, X, y, weights: np.ndarray, fit_intercept: bool, positive: bool):
        self.X = X
        self.weights = weights
        self.total = float(weights.sum())
        self.fit_intercept = fit_intercept
        self.positive = positive
        y = np.asarray(y, dtype=np.float64)
        self.y_mean = float(weights @ y / self.total) if fit_intercept else 0.0
        self.weighted_target = weights * (y - self.y_mean)
        self.position: dict[int, int] = {}
        self.features = np.empty(0, dtype=np.intp)
        self.gram = np.empty((0, 0))
        self.xty = np.empty(0)
        self.x_mean = np.empty(0)
        self.solved: dict[bytes, tuple[np.ndarray, float]] = {}

    def _extend(self, new: np.ndarray) -> None:
        block = _column_block(self.X, new)
        means = (self.weights @ block / self.total if self.fit_intercept
                 else np.zeros(new.size))
        block -= means
        weighted = self.weights[:, None] * block
        # The old columns centered too: the new centered columns have weighted sum 0 up to
        # rounding, which a raw column of large mean would multiply.
        if self.features.size:
            old = _column_block(self.X, self.features) - self.x_mean
            cross = old.T @ weighted
        else:
            cross = np.empty((0, new.size))
        size = self.features.size + new.size
        gram = np.empty((size, size))
        gram[: self.features.size, : self.features.size] = self.gram
        gram[: self.features.size, self.features.size:] = cross
        gram[self.features.size:, : self.features.size] = cross.T
        gram[self.features.size:, self.features.size:] = block.T @ weighted
        for offset, feature in enumerate(new.tolist()):
            self.position[feature] = self.features.size + offset
        self.gram = gram
        self.xty = np.concatenate([self.xty, block.T @ self.weighted_target])
        self.x_mean = np.concatenate([self.x_mean, means])
        self.features = np.concatenate([self.features, new])

    def refit(self, support: np.ndarray) -> tuple[np.ndarray, float]:
        """Coefficients on ``support`` (sorted features) and the intercept."""
        key = support.tobytes()
        if key in self.solved:
            return self.solved[key]
        if support.size == 0:
            self.solved[key] = (np.zeros(0), self.y_mean)
            return self.solved[key]
        new = np.array([j for j in support.tolist() if j not in self.position], dtype=np.intp)
        if new.size:
            self._extend(new)
        index = np.array([self.position[j] for j in support.tolist()], dtype=np.intp)
        gram = self.gram[np.ix_(index, index)]
        xty = self.xty[index]
        eigenvalues, vectors = scipy.linalg.eigh(gram, check_finite=False)
        top = max(float(eigenvalues.max(initial=0.0)), 0.0)
        keep = eigenvalues > top * max(self.X.shape[0], support.size) * np.finfo(float).eps
        eigenvalues, vectors = eigenvalues[keep], vectors[:, keep]
        projected = vectors.T @ xty
        if self.positive:
            # ||A b - t||^2 = b^T G b - 2 b^T c + const with A = L^(1/2) V^T, t = L^(-1/2) V^T c:
            # the same non-negative least-squares problem, on a k x k system.
            root = np.sqrt(eigenvalues)
            coef, _ = scipy.optimize.nnls(root[:, None] * vectors.T, projected / root)
        else:
            coef = vectors @ (projected / eigenvalues)
        intercept = self.y_mean - float(self.x_mean[index] @ coef)
        self.solved[key] = (coef, intercept)
        return coef, intercept


# --------------------------------------------------------------------------------------------
# RelaxedLasso and RelaxedLassoCV


class _RelaxedMixin:
    """The attributes of a relaxed fit from the Lasso solution at the chosen alpha."""

    def _set_relaxed(self, X, y, sample_weight, result, gamma: float, fit_intercept: bool,
                     positive: bool) -> None:
        dtype = result.coef.dtype
        support = np.flatnonzero(result.coef)
        weights = _weights_or_ones(sample_weight, X.shape[0])
        values, refit_intercept = _refit_on_support(X, y, weights, support, fit_intercept,
                                                    positive)
        refit = np.zeros(X.shape[1])
        refit[support] = values
        lasso = result.coef.astype(np.float64)
        self.lasso_coef_ = result.coef
        self.lasso_intercept_ = float(result.intercept)
        self.refit_coef_ = refit.astype(dtype)
        self.refit_intercept_ = float(refit_intercept)
        self.support_ = result.coef != 0
        self.coef_ = (gamma * lasso + (1.0 - gamma) * refit).astype(dtype)
        self.intercept_ = float(gamma * result.intercept + (1.0 - gamma) * refit_intercept)
        self.dual_gap_ = float(result.dual_gap)
        self.n_iter_ = int(result.n_iter)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        tags.target_tags.single_output = True
        return tags


class RelaxedLasso(_RelaxedMixin, _LinearRegressor):
    r"""The relaxed Lasso: the Lasso blended with least squares on the Lasso's support.

    First the Lasso at ``alpha`` (as :class:`fastreg.Lasso`),

    .. math::

        \hat w^{L} = \arg\min_w \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \sum_j f_j |w_j| ,

    then the unpenalized weighted least-squares fit :math:`\hat w^{LS}` (with an intercept
    when ``fit_intercept``) on its support :math:`A = \{j : \hat w^{L}_j \ne 0\}`, and the
    blend

    .. math::

        \hat w = \gamma\, \hat w^{L} + (1 - \gamma)\, \hat w^{LS}, \qquad
        \hat b = \gamma\, \hat b^{L} + (1 - \gamma)\, \hat b^{LS} .

    ``gamma=1`` is the Lasso, ``gamma=0`` least squares on the selected features (the Lasso
    as a selector only).  This is the parameterization of glmnet's ``relax=TRUE`` and of
    Hastie, Tibshirani and Tibshirani (2020, *Statistical Science* 35(4)); Meinshausen's
    (2007, *CSDA* 52(1)) original fits a second Lasso at ``phi * alpha`` on the support,
    which for an orthogonal design is the same path.  The shrinkage of the Lasso is
    undone on the kept features while alpha still decides which features are kept.

    The refit reads only the support's columns (a dense n x k copy of them; sparse X is never
    densified beyond that).  When the support has more features than samples, or its
    columns are collinear, the refit is the minimum-norm least-squares solution (an SVD); an
    empty support gives the intercept-only refit (the weighted mean of y, or 0).

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength of the Lasso, >= 0.
    gamma : float, default=0.5
        Weight of the Lasso in the blend, in [0, 1].
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
        Covariance (Gram) updates of the Lasso; see :class:`fastreg.Lasso`.
    max_iter : int, default=1000
        Maximum epochs of the Lasso on each working set.
    tol : float, default=1e-4
        Duality-gap tolerance of the Lasso, relative to ``sum_i s_i (y_i - ybar)^2 / S``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative: the Lasso's, and the refit's, which is
        then non-negative least squares on the support (so every blend is non-negative).
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers of the Lasso's penalty (0: unpenalized, always in the
        support unless its coefficient is exactly 0).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The blend, in X's dtype (float32 stays float32).
    intercept_ : float
    lasso_coef_ : ndarray of shape (n_features,)
        The Lasso's coefficients.
    lasso_intercept_ : float
    refit_coef_ : ndarray of shape (n_features,)
        The least-squares coefficients on the support (zero elsewhere).
    refit_intercept_ : float
    support_ : ndarray of bool of shape (n_features,)
        The Lasso's support.
    dual_gap_ : float
        Duality gap of the Lasso (objective units).
    n_iter_ : int
        Epochs of the Lasso.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 20))
    >>> y = 3 * X[:, 0] - 2 * X[:, 5] + 0.1 * rng.normal(size=100)
    >>> model = fastreg.RelaxedLasso(alpha=0.5, gamma=0.0).fit(X, y)
    >>> np.flatnonzero(model.coef_).tolist(), np.round(model.coef_[[0, 5]], 1).tolist()
    ([0, 5], [3.0, -2.0])
    """

    def __init__(self, alpha=1.0, gamma=0.5, *, fit_intercept=True, precompute="auto",
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, positive=False, penalty_factor=None):
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.penalty_factor = penalty_factor

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None) -> RelaxedLasso:
        """Fit the Lasso, refit least squares on its support, blend.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Used without a copy when canonical (Fortran-ordered dense, or CSC); other sparse
            formats are converted to CSC and C-ordered arrays copied to Fortran order, as in
            :class:`fastreg.Lasso`.
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of both fits' losses.

        Returns
        -------
        self
        """
        alpha, _, tol, max_iter = check_penalty(self.alpha, 1.0, self.tol, self.max_iter)
        gamma = _check_gamma(self.gamma)
        precompute = check_precompute(self.precompute)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        y = as_single_target(self, y)
        design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
        problem = make_problem(X, y, penalty_factor=self.penalty_factor, design=design)
        result = Solver(problem, precompute).run(alpha, 1.0, positive=positive, tol=tol,
                                                 max_iter=max_iter, shuffle_seed=-1)
        warn_if_not_converged(result, alpha)
        self._set_relaxed(X, y, sample_weight, result, gamma, fit_intercept, positive)
        return self


def _relaxed_fold_mse(X, y, sample_weight, train, test, grid, gammas, *, fit_intercept,
                      penalty_factor, precompute, positive, tol, max_iter, seed
                      ) -> tuple[np.ndarray, int]:
    """One fold: the Lasso path on ``train``, the refit on each alpha's support, and the test
    mean squared error of every (gamma, alpha), shape ``(n_gammas, n_alphas)``; also the
    number of alphas whose Lasso did not converge.

    The blend is linear in gamma, and so are its predictions: the test predictions of the
    Lasso and of the refit at each alpha are computed once, in one product with the test
    rows' columns of the features that are non-zero somewhere on the path.
    """
    X_train, y_train = take_rows(X, train), y[train]
    weights_train = subset(sample_weight, train)
    problem = make_problem(X_train, y_train, sample_weight=weights_train,
                           penalty_factor=penalty_factor, fit_intercept=fit_intercept)
    refits = _SupportRefits(X_train, y_train, _weights_or_ones(weights_train, train.size),
                            fit_intercept, positive)
    supports, lasso_values, refit_values, intercepts = [], [], [], []
    n_failed = 0
    for result in walk_path(problem, grid, 1.0, precompute=precompute, positive=positive,
                            tol=tol, max_iter=max_iter, seed=seed):
        support = np.flatnonzero(result.coef)
        coef, intercept = refits.refit(support)
        supports.append(support)
        lasso_values.append(result.coef[support].astype(np.float64))
        refit_values.append(coef)
        intercepts.append((float(result.intercept), intercept))
        n_failed += not result.converged

    n_alphas = len(supports)
    active = np.unique(np.concatenate(supports))
    coefs = np.zeros((active.size, 2 * n_alphas))
    for k, support in enumerate(supports):
        rows = np.searchsorted(active, support)
        coefs[rows, k] = lasso_values[k]
        coefs[rows, n_alphas + k] = refit_values[k]
    X_test = X[test][:, active] if sp.issparse(X) else X[np.ix_(test, active)]
    predictions = np.asarray(X_test @ coefs) + np.array(intercepts).T.reshape(-1)
    lasso_pred, refit_pred = predictions[:, :n_alphas], predictions[:, n_alphas:]
    y_test = np.asarray(y[test], dtype=np.float64)[:, None]
    errors = np.empty((gammas.size, n_alphas))
    test_weights = None if sample_weight is None else sample_weight[test]
    for g, gamma in enumerate(gammas):
        squared = (gamma * lasso_pred + (1.0 - gamma) * refit_pred - y_test) ** 2
        errors[g] = np.average(squared, axis=0, weights=test_weights)
    return errors, n_failed


def _choose_pair(mean: np.ndarray) -> tuple[int, int]:
    """The (gamma, alpha) indices of the smallest mean error, ``mean`` of shape (n_gammas,
    n_alphas).

    Errors within ``1e-10`` of the largest one above the minimum count as ties: they differ
    by rounding only (a refit that interpolates the held-out rows scores about 1e-29 or 1e-28
    depending on the order of its sums), and the tie goes to the largest alpha (the sparsest
    model), then to the first gamma in the given order.
    """
    slack = 1e-10 * max(float(mean.max()), 0.0)
    gamma_index, alpha_index = np.nonzero(mean <= mean.min() + slack)
    alpha = int(alpha_index.min())
    return int(gamma_index[alpha_index == alpha].min()), alpha


class RelaxedLassoCV(_RelaxedMixin, _LinearRegressor):
    r"""The relaxed Lasso with alpha and gamma chosen by cross-validation.

    A grid of alphas from ``alpha_max`` down to ``eps * alpha_max`` is computed on all the
    data.  On each training fold one warm-started Lasso path runs over the grid; at each
    alpha the weighted least-squares refit on the path's support is computed (the Gram entries
    of the features met along the path are shared by all its refits, and each distinct
    support is solved once); every blend ``gamma * lasso + (1 - gamma) * refit`` of
    ``gammas`` is scored by its (weighted) mean squared error on the held-out rows.  The
    (gamma, alpha) of smallest mean error over the folds (on ties, up to rounding, the
    largest alpha, then the first in ``gammas`` order) is refitted on all the data as
    :class:`RelaxedLasso` fits it.  This is glmnet's ``cv.glmnet(relax=TRUE)`` (Hastie,
    Tibshirani and Tibshirani 2020, *Statistical Science* 35(4); Meinshausen 2007, *CSDA*
    52(1)).

    The refits scored in the folds are solved from their Gram block (see
    :class:`RelaxedLasso` for the final refit, by an SVD); on a support with more features
    than training rows, or collinear ones, both give the minimum-norm solution.

    Parameters
    ----------
    alphas : int or array-like, default=100
        Number of alphas on the grid, or the alphas themselves.
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    gammas : sequence of float, default=(0, 0.25, 0.5, 0.75, 1)
        The blending weights searched over, each in [0, 1] (1 is the Lasso).
    cv : int, cross-validation generator or iterable, default=5
        Folds, as in scikit-learn (an integer is :class:`~sklearn.model_selection.KFold`).
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
    max_iter : int, default=1000
    tol : float, default=1e-4
        Duality-gap tolerance of each Lasso fit.
    positive : bool, default=False
        Non-negative Lasso and non-negative least-squares refits.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers of the Lasso's penalty.
    n_jobs : int, default=None
        Folds run in parallel (threads; fastreg's kernels release the GIL).
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`.

    Attributes
    ----------
    alpha_ : float
    gamma_ : float
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    gammas_ : ndarray of shape (n_gammas,)
    mse_path_ : ndarray of shape (n_gammas, n_alphas, n_folds)
        Test-fold mean squared errors.
    coef_, intercept_, lasso_coef_, lasso_intercept_, refit_coef_, refit_intercept_, \
support_, dual_gap_, n_iter_
        Those of :class:`RelaxedLasso` at ``alpha_`` and ``gamma_``; the Lasso on all the
        data is reached by a warm-started walk down the grid to ``alpha_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(self, *, alphas=100, eps=1e-3, gammas=(0.0, 0.25, 0.5, 0.75, 1.0), cv=5,
                 fit_intercept=True, precompute="auto", max_iter=DEFAULT_MAX_ITER, tol=1e-4,
                 positive=False, penalty_factor=None, n_jobs=None, verbose=0):
        self.alphas = alphas
        self.eps = eps
        self.gammas = gammas
        self.cv = cv
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.n_jobs = n_jobs
        self.verbose = verbose

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None) -> RelaxedLassoCV:
        """Choose alpha and gamma by cross-validation, then fit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Each training and test fold is a copy of its rows.
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of every fit's loss and of each fold's test error (the score of a pair
            is the plain mean of the folds' weighted errors, as in :class:`fastreg.LassoCV`).
        groups : array-like of shape (n_samples,), optional
            Group labels for the splitter.

        Returns
        -------
        self
        """
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        if self.alphas is None:
            raise TypeError("alphas must be a positive count or an array of alphas, got None.")
        given_grid, n_alphas = _check_alphas(self.alphas, None)
        gammas = _check_gammas(self.gammas)
        precompute = check_precompute(self.precompute)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        _check_cv(self.cv)
        check_parallel(self.n_jobs, self.verbose)
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        y = as_single_target(self, y)

        problem = make_problem(X, y, sample_weight=sample_weight,
                               penalty_factor=self.penalty_factor, fit_intercept=fit_intercept)
        grid = (alpha_grid(problem, 1.0, eps, n_alphas, positive=positive)
                if given_grid is None else given_grid)
        folds = list(check_cv(self.cv).split(X, y, groups))
        options = dict(fit_intercept=fit_intercept, penalty_factor=self.penalty_factor,
                       precompute=precompute, positive=positive, tol=tol, max_iter=max_iter,
                       seed=-1)
        jobs = (delayed(_relaxed_fold_mse)(X, y, sample_weight, train, test, grid, gammas,
                                           **options)
                for train, test in folds)
        outputs = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(jobs)
        warn_paths_not_converged(sum(failed for _, failed in outputs), len(outputs),
                                  "the training folds")
        mse = np.stack([errors for errors, _ in outputs], axis=-1)  # (gammas, alphas, folds)
        best_gamma, best_alpha = _choose_pair(mse.mean(axis=2))

        self.alphas_ = grid
        self.gammas_ = gammas
        self.mse_path_ = mse
        self.alpha_ = float(grid[best_alpha])
        self.gamma_ = float(gammas[best_gamma])
        result = _walk_to(problem, grid, int(best_alpha), 1.0, precompute=precompute,
                          positive=positive, tol=tol, max_iter=max_iter, seed=-1)
        warn_if_not_converged(result, self.alpha_)
        self._set_relaxed(X, y, sample_weight, result, self.gamma_, fit_intercept, positive)
        return self


# --------------------------------------------------------------------------------------------
# AdaptiveLasso and AdaptiveLassoCV


def _held_out(factors: np.ndarray) -> tuple[np.ndarray, dict]:
    """``(penalty_factor, bounds)`` for a stage whose features of infinite factor are held
    at 0 by the bounds ``0 <= w_j <= 0``: the fit reads X as it is, where leaving those
    columns out would copy the others."""
    held = ~np.isfinite(factors)
    if not held.any():
        return factors, {}
    bounds = {"lower_bounds": np.where(held, 0.0, -np.inf),
              "upper_bounds": np.where(held, 0.0, np.inf)}
    return np.where(held, 1.0, factors), bounds


def _ols_coef(X, y, weights: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """Minimum-norm weighted least squares on every column.

    Dense X: an SVD of the weighted, centered copy.  Sparse X: LSQR (Paige and Saunders
    1982) on the centered operator, never densified; started from zero, its iterates stay in
    the row space, so it converges to the minimum-norm solution as well.
    """
    if not sp.issparse(X):
        coef, _ = _refit_on_support(X, y, weights, np.arange(X.shape[1]), fit_intercept,
                                    False)
        return coef
    y = np.asarray(y, dtype=np.float64)
    total = weights.sum()
    x_mean = (np.asarray(X.T @ weights).ravel() / total if fit_intercept
              else np.zeros(X.shape[1]))
    y_mean = weights @ y / total if fit_intercept else 0.0
    root = np.sqrt(weights)
    operator = scipy.sparse.linalg.LinearOperator(
        X.shape,
        matvec=lambda v: root * (X @ np.ravel(v) - x_mean @ np.ravel(v)),
        rmatvec=lambda u: X.T @ (root * np.ravel(u)) - x_mean * (root @ np.ravel(u)),
        dtype=np.float64)
    solution = scipy.sparse.linalg.lsqr(operator, root * (y - y_mean), atol=1e-12,
                                        btol=1e-12, iter_lim=10 * min(X.shape) + 100)
    return solution[0]


def _initial_coef(X, y, sample_weight, init: str, init_alpha: float | None,
                  fit_intercept: bool, lasso_options: dict) -> tuple[np.ndarray, float | None]:
    """The first-stage estimate ``w_init`` (float64) and the regularization it used."""
    if init == "ols":
        weights = _weights_or_ones(sample_weight, X.shape[0])
        return _ols_coef(X, y, weights, fit_intercept), None
    if init == "ridge":
        if init_alpha is None:
            # Leave-one-out over a grid scaled by the mean eigenvalue of X_c^T S X_c, so that
            # the grid is the same for X and for c X.
            design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
            scale = float(design.col_sqnorm.mean())
            grid = _RIDGE_GRID * (scale if scale > 0 else 1.0)
            ridge = RidgeCV(alphas=grid, fit_intercept=fit_intercept).fit(
                X, y, sample_weight=sample_weight)
            return ridge.coef_.astype(np.float64), float(ridge.alpha_)
        # The factors 1 / |w|^nu of every feature come from it: on sparse X (conjugate
        # gradients) Ridge's own tol, 1e-4, moved alpha_max of the second stage by 1.6e-5 and
        # the CV's choice with it; dense X is solved directly.
        ridge = Ridge(alpha=init_alpha, fit_intercept=fit_intercept, tol=1e-10).fit(
            X, y, sample_weight=sample_weight)
        return ridge.coef_.astype(np.float64), init_alpha
    if init_alpha is None:
        lasso = LassoCV(cv=5, fit_intercept=fit_intercept, **lasso_options).fit(
            X, y, sample_weight=sample_weight)
        return lasso.coef_.astype(np.float64), float(lasso.alpha_)
    lasso = Lasso(alpha=init_alpha, fit_intercept=fit_intercept, **lasso_options).fit(
        X, y, sample_weight=sample_weight)
    return lasso.coef_.astype(np.float64), init_alpha


def adaptive_weights(coef, nu: float) -> np.ndarray:
    """Zou's penalty factors ``1 / |coef_j|^nu``; ``inf`` where ``coef_j == 0`` (or where the
    power overflows), marking the features the adaptive fit leaves out.

    Parameters
    ----------
    coef : array-like of shape (n_features,)
        A first estimate.
    nu : float
        The exponent, > 0.

    Returns
    -------
    ndarray of shape (n_features,)
    """
    nu = check_scalar(nu, "nu", low=0.0, low_open=True)
    magnitude = np.abs(np.asarray(coef, dtype=np.float64))
    with np.errstate(divide="ignore", over="ignore"):
        return 1.0 / magnitude**nu


class _AdaptiveBase(_LinearRegressor):
    """The reweighting loop shared by :class:`AdaptiveLasso` and :class:`AdaptiveLassoCV`."""

    def _check_common(self):
        nu = check_scalar(self.nu, "nu", low=0.0, low_open=True)
        init_alpha = _check_init(self.init, self.init_alpha)
        n_reweightings = check_scalar(self.n_reweightings, "n_reweightings", kind=Integral,
                                      low=1)
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        precompute = check_precompute(self.precompute)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        return nu, init_alpha, n_reweightings, dict(tol=tol, max_iter=max_iter,
                                                    precompute=precompute), fit_intercept, \
            positive

    def _fit_stage(self, X, y, sample_weight, factors, bounds, fit_intercept, positive,
                   options):
        """Fit the weighted Lasso with ``factors`` and ``bounds`` (those of
        :func:`_held_out`); return the estimator."""
        raise NotImplementedError

    def _reweighted_fit(self, X, y, sample_weight):
        nu, init_alpha, n_reweightings, options, fit_intercept, positive = \
            self._check_common()
        self._check_own()
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        y = as_single_target(self, y)
        init_coef, self.init_alpha_ = _initial_coef(X, y, sample_weight, self.init,
                                                    init_alpha, fit_intercept, options)
        coef = init_coef
        n_iter = 0
        for _ in range(n_reweightings):
            factors = adaptive_weights(coef, nu)
            kept = np.flatnonzero(np.isfinite(factors))
            coef = np.zeros(X.shape[1])
            if kept.size == 0:
                # Nothing survives: the intercept-only model.
                weights = _weights_or_ones(sample_weight, X.shape[0])
                intercept = (float(weights @ np.asarray(y, np.float64) / weights.sum())
                             if fit_intercept else 0.0)
                dual_gap = 0.0
                self._no_features_left()
                break
            stage = self._fit_stage(X, y, sample_weight, *_held_out(factors), fit_intercept,
                                    positive, options)
            coef[kept] = stage.coef_[kept]
            intercept, dual_gap = float(stage.intercept_), float(stage.dual_gap_)
            n_iter += int(stage.n_iter_)
        self.init_coef_ = init_coef.astype(X.dtype)
        self.penalty_factor_ = factors
        self.coef_ = coef.astype(X.dtype)
        self.intercept_ = intercept
        self.dual_gap_ = dual_gap
        self.n_iter_ = n_iter
        return self

    def _check_own(self):
        """Checks of the subclass's own parameters, before the data are read."""

    def _no_features_left(self):
        """Attributes of a fit in which every feature was left out."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        tags.target_tags.single_output = True
        return tags


_ADAPTIVE_SHARED_DOC = """
    The first estimate ``w_init`` (``init``):

    - ``"ridge"`` (the default; Zou's suggestion when features are collinear):
      :class:`fastreg.Ridge` at ``init_alpha`` (``tol=1e-10`` where sparse X is solved by
      conjugate gradients, so that dense and sparse X give the same factors), or, when
      ``init_alpha`` is None, at the
      alpha chosen by :class:`fastreg.RidgeCV`'s leave-one-out error over 15 values from
      ``1e-4`` to ``1e3`` times the mean of the weighted, centered squared column norms
      (the mean eigenvalue of ``X_c^T S X_c``, so the grid follows the scale of X).  With
      many more features than samples and strongly correlated neighbours, the ridge
      estimate spreads over the neighbours of each true feature and the factors separate
      them little: ``"lasso"`` is then the better first estimate;
    - ``"lasso"``: :class:`fastreg.Lasso` at ``init_alpha``, or at the alpha of
      :class:`fastreg.LassoCV` (5 folds) when it is None;
    - ``"ols"``: minimum-norm weighted least squares on every feature (``init_alpha`` is
      ignored; with more features than samples the estimate is poor).

    The penalty factor of feature j is ``1 / |w_init_j|^nu``.  A feature with
    ``w_init_j == 0`` would have an infinite factor: it is left out of the adaptive fit
    (held at 0 by the bounds ``0 <= w_j <= 0``; X itself is passed) and its coefficient is
    exactly 0, what the infinite penalty means.  With ``n_reweightings > 1`` the factors are
    recomputed from the previous adaptive fit's coefficients and the Lasso refitted
    (iterative reweighting, Candes, Wakin and Boyd 2008); a feature set to zero stays out.
    The factors are not normalized: alpha is on the scale of ``sum_j |w_j| / |w_init_j|^nu``,
    not of the plain Lasso's penalty."""


class AdaptiveLasso(_AdaptiveBase):
    __doc__ = r"""The adaptive Lasso: the Lasso with penalty factors from a first estimate.

    Minimises (Zou 2006, "The adaptive lasso and its oracle properties", *JASA*
    101(476):1418-1429)

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \sum_j \frac{|w_j|}{|\hat w^{init}_j|^{\nu}} ,

    fitted by :class:`fastreg.Lasso` with ``penalty_factor``.  Features with a large first
    estimate are penalized little (their coefficients are nearly unbiased), features with a
    small one heavily (they are dropped): with a root-n-consistent first estimate the
    adaptive Lasso selects the true support with probability tending to one where the Lasso
    need not.
    """ + _ADAPTIVE_SHARED_DOC + r"""

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength of the adaptive fit, >= 0.
    nu : float, default=1.0
        Exponent of the penalty factors, > 0 (Zou's gamma).
    init : {"ridge", "lasso", "ols"}, default="ridge"
        The first estimate.
    init_alpha : float, optional
        Regularization of the first estimate, > 0; None chooses it by cross-validation
        (see above).
    n_reweightings : int, default=1
        Number of adaptive fits, >= 1, each reweighted from the previous one.
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
    max_iter : int, default=1000
    tol : float, default=1e-4
        Duality-gap tolerance of each Lasso fit.
    positive : bool, default=False
        Constrain the adaptive fit's coefficients to be non-negative.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        In X's dtype.
    intercept_ : float
    init_coef_ : ndarray of shape (n_features,)
        The first estimate.
    init_alpha_ : float or None
        The first estimate's regularization (None for "ols").
    penalty_factor_ : ndarray of shape (n_features,)
        The factors of the last adaptive fit (``inf``: left out).
    dual_gap_ : float
        Duality gap of the last adaptive fit.
    n_iter_ : int
        Epochs of the adaptive fits, summed.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 20))
    >>> y = 3 * X[:, 0] - 2 * X[:, 5] + 0.5 * rng.normal(size=100)
    >>> model = fastreg.AdaptiveLasso(alpha=0.05).fit(X, y)
    >>> np.flatnonzero(model.coef_).tolist()
    [0, 5]
    """

    def __init__(self, alpha=1.0, *, nu=1.0, init="ridge", init_alpha=None, n_reweightings=1,
                 fit_intercept=True, precompute="auto", max_iter=DEFAULT_MAX_ITER, tol=1e-4,
                 positive=False):
        self.alpha = alpha
        self.nu = nu
        self.init = init
        self.init_alpha = init_alpha
        self.n_reweightings = n_reweightings
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive

    def _check_own(self):
        check_scalar(self.alpha, "alpha", low=0.0)

    def _fit_stage(self, X, y, sample_weight, factors, bounds, fit_intercept, positive,
                   options):
        return Lasso(alpha=self.alpha, fit_intercept=fit_intercept, positive=positive,
                     penalty_factor=factors, **bounds, **options).fit(
            X, y, sample_weight=sample_weight)

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None) -> AdaptiveLasso:
        """Fit the first estimate, then the adaptive Lasso (``n_reweightings`` times).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Never copied: features left out are held at 0 by bounds.
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of every stage's loss.

        Returns
        -------
        self
        """
        return self._reweighted_fit(X, y, sample_weight)


class AdaptiveLassoCV(_AdaptiveBase):
    __doc__ = r"""The adaptive Lasso with alpha chosen by cross-validation.

    The penalty factors ``1 / |w_init_j|^nu`` are computed once, from a first estimate on
    all the data, and kept fixed in every fold: :class:`fastreg.LassoCV` with
    ``penalty_factor`` then chooses alpha on one warm-started path per fold (what glmnet
    users do with ``cv.glmnet(penalty.factor=...)``).  The folds' errors are therefore
    optimistic (the factors have seen the held-out rows); recomputing the first estimate
    per fold would multiply its cost by the number of folds.  With ``n_reweightings > 1`` each
    reweighting is a new cross-validated fit with the factors from the previous one (Zou
    2006, *JASA* 101(476); Candes, Wakin and Boyd 2008).
    """ + _ADAPTIVE_SHARED_DOC + r"""

    Parameters
    ----------
    nu, init, init_alpha, n_reweightings, fit_intercept, precompute, max_iter, tol, positive
        As for :class:`AdaptiveLasso`.
    alphas : int or array-like, default=100
        Number of alphas on each grid (from the adaptive problem's ``alpha_max`` down), or
        the alphas themselves.
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    cv : int, cross-validation generator or iterable, default=5
    n_jobs : int, default=None
        Folds run in parallel (threads).
    rule : {"min", "1se"}, default="min"
        As for :class:`fastreg.LassoCV`.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha of the last adaptive fit (NaN when every feature was left out).
    alphas_ : ndarray of shape (n_alphas,)
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Test-fold mean squared errors of the last adaptive fit.
    coef_, intercept_, init_coef_, init_alpha_, penalty_factor_, dual_gap_, n_iter_
        As for :class:`AdaptiveLasso`.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(self, *, nu=1.0, init="ridge", init_alpha=None, n_reweightings=1,
                 alphas=100, eps=1e-3, cv=5, fit_intercept=True, precompute="auto",
                 max_iter=DEFAULT_MAX_ITER, tol=1e-4, positive=False, n_jobs=None,
                 rule="min"):
        self.nu = nu
        self.init = init
        self.init_alpha = init_alpha
        self.n_reweightings = n_reweightings
        self.alphas = alphas
        self.eps = eps
        self.cv = cv
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.n_jobs = n_jobs
        self.rule = rule

    def _check_own(self):
        check_scalar(self.eps, "eps", low=0.0, low_open=True)
        if self.alphas is None:
            raise TypeError("alphas must be a positive count or an array of alphas, got None.")
        _check_alphas(self.alphas, None)
        _check_cv(self.cv)
        check_parallel(self.n_jobs, 0)
        if self.rule not in ("min", "1se"):
            raise ValueError(f"rule must be one of ('min', '1se'), got {self.rule!r}.")

    def _fit_stage(self, X, y, sample_weight, factors, bounds, fit_intercept, positive,
                   options):
        stage = LassoCV(alphas=self.alphas, eps=self.eps, cv=self.cv,
                        fit_intercept=fit_intercept, positive=positive, penalty_factor=factors,
                        n_jobs=self.n_jobs, rule=self.rule, **bounds, **options).fit(
            X, y, sample_weight=sample_weight)
        self.alpha_ = float(stage.alpha_)
        self.alphas_ = stage.alphas_
        self.mse_path_ = stage.mse_path_
        return stage

    def _no_features_left(self):
        self.alpha_ = float("nan")
        self.alphas_ = np.empty(0)
        self.mse_path_ = np.empty((0, 0))

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None) -> AdaptiveLassoCV:
        """Fit the first estimate, then choose the adaptive Lasso's alpha by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of every fit's loss and of the folds' test errors.

        Returns
        -------
        self
        """
        return self._reweighted_fit(X, y, sample_weight)
