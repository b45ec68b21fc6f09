r"""Selecting features: information criteria over one path, and stability selection.

:class:`LassoIC` (and :class:`LogisticRegressionIC` for a class label) picks alpha on one
path by AIC, BIC or the extended BIC, without refitting folds.  :class:`StabilitySelection`
(Meinshausen and Buehlmann 2010, with the complementary pairs of Shah and Samworth 2013)
fits the path on many random halves of the data and keeps the features selected in most of
them, with a bound on the expected number of false positives; it is a scikit-learn
transformer (``get_support``, ``transform``).  The subsample paths are independent jobs for
:class:`joblib.Parallel`, so they run on threads or, under
``joblib.parallel_config(backend="dask")``, on a Dask cluster.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy.special import gammaln
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.linear_model import LinearRegression
from sklearn.utils.validation import check_is_fitted

from ._classifiers import LogisticRegression, check_classification_labels
from ._engine import make_design
from ._estimators import _LinearRegressor, keep_state_on_error
from ._resampling import (
    as_single_target,
    check_parallel,
    class_rows,
    stratified_halves,
    stratum_size,
    take_rows,
    warn_paths_not_converged,
)
from ._solver import (
    DEFAULT_MAX_ITER,
    check_penalty,
    check_precompute,
    make_problem,
    warn_if_not_converged,
)
from ._validation import check_bool, check_random_state, check_scalar
from .path import resolve_grid, walk_path

__all__ = ["LassoIC", "LogisticRegressionIC", "StabilitySelection"]

_CRITERIA = ("aic", "bic", "ebic")



# --------------------------------------------------------------------------------------------
# Information criteria


def information_criterion(minus_two_loglik, df, n, p, criterion, gamma):
    """``-2 log L + c df`` (``c = 2`` for the AIC, ``log n`` for the BIC), plus
    ``2 gamma log C(p, df)`` for the extended BIC (Chen and Chen 2008)."""
    df = np.asarray(df, dtype=np.float64)
    values = minus_two_loglik + (2.0 if criterion == "aic" else np.log(n)) * df
    if criterion == "ebic":
        values = values + 2 * gamma * (gammaln(p + 1) - gammaln(df + 1) - gammaln(p - df + 1))
    return values


class LassoIC(_LinearRegressor):
    r"""Lasso with alpha chosen by an information criterion on one path (AIC, BIC, EBIC).

    The Lasso path is fitted once on all the data over a grid of alphas (warm starts), and
    alpha minimises, over the grid,

    .. math::

        \mathrm{IC}(\alpha) = -2 \log L(\alpha) + c \,\mathrm{df}(\alpha)
            \;[\, + \, 2 \gamma \log \tbinom{p}{\mathrm{df}(\alpha)} \,]

    where :math:`\mathrm{df}(\alpha)`, the number of non-zero coefficients, is an unbiased
    estimate of the Lasso's degrees of freedom (Zou, Hastie and Tibshirani 2007), :math:`c =
    2` for the AIC and :math:`\log n` for the BIC; the extended BIC (Chen and Chen 2008) adds
    the bracketed term, which accounts for the number of models of each size and keeps the
    BIC consistent when :math:`p \gg n`.  The Gaussian log-likelihood is

    .. math::

        -2 \log L(\alpha) = n \log(2\pi\sigma^2) + \frac{\mathrm{RSS}(\alpha)}{\sigma^2}
        \quad \text{or, with } \sigma^2 \text{ profiled out,} \quad
        n \log\Big(2\pi \frac{\mathrm{RSS}(\alpha)}{n}\Big) + n .

    A known noise variance :math:`\sigma^2` is ``noise_variance``; else it is estimated by
    ordinary least squares, :math:`\mathrm{RSS}_{OLS} / (n - p - 1)`, when
    :math:`n > p + 1` (as scikit-learn's ``LassoLarsIC``, whose criterion this is), and
    profiled out (:math:`\sigma^2(\alpha) = \mathrm{RSS}(\alpha) / n`) otherwise.  Models
    with :math:`\mathrm{df} + 1 \ge n` (saturated) are not considered: the path stops there.
    Sample weights are frequency weights: :math:`\mathrm{RSS} = \sum_i s_i r_i^2` and
    :math:`n = \sum_i s_i`, so that an integer weight is the same as repeating the row (their
    scale matters, unlike in :class:`~fastreg.LassoCV`).

    When :math:`p \ge n` and the variance is profiled, the AIC and the BIC keep falling as
    the path approaches a saturated model (RSS goes to zero faster than the penalty grows)
    and choose very large models; use the extended BIC there, or give ``noise_variance``.

    Unlike ``LassoLarsIC``, which evaluates the criterion at the knots of the LARS path, the
    criterion is evaluated on a grid, so ``alpha_`` is one of ``alphas_``.

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default="aic"
    fit_intercept : bool, default=True
    verbose : bool, default=False
        Print one line per alpha.
    precompute : {"auto", True, False}, default="auto"
    max_iter : int, default=1000
        Maximum epochs of each fit.
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    alphas : int or array-like, default=100
        Number of alphas, or the alphas themselves.
    copy_X : bool, default=True
        Accepted for compatibility; fastreg never modifies X.
    positive : bool, default=False
    noise_variance : float, default=None
        Known noise variance; see above for None.
    tol : float, default=1e-4
        Duality-gap tolerance of each fit.
    ebic_gamma : float, default=1.0
        :math:`\gamma \in [0, 1]` of the extended BIC (Chen and Chen recommend 1 when
        :math:`p` grows faster than :math:`\sqrt n`, and :math:`1 - 1/(2\kappa)` when
        :math:`p \sim n^\kappa`).
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature penalty multipliers (0: unpenalized).

    Attributes
    ----------
    alpha_ : float
    alphas_ : ndarray of shape (n_alphas,)
    criterion_ : ndarray of shape (n_alphas,)
        The criterion at each alpha (``inf`` past the point where the path stopped).
    n_nonzero_ : ndarray of shape (n_alphas,)
        Non-zero coefficients (degrees of freedom) at each alpha (-1 where not fitted).
    noise_variance_ : float
        The variance used: given, estimated by OLS, or ``RSS(alpha_) / n`` when profiled.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    dual_gap_ : float
    n_iter_ : int
        Epochs of the fit at ``alpha_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(self, criterion="aic", *, fit_intercept=True, verbose=False,
                 precompute="auto", max_iter=DEFAULT_MAX_ITER, eps=1e-3, alphas=100,
                 copy_X=True, positive=False, noise_variance=None, tol=1e-4, ebic_gamma=1.0,
                 penalty_factor=None):
        self.criterion = criterion
        self.fit_intercept = fit_intercept
        self.verbose = verbose
        self.precompute = precompute
        self.max_iter = max_iter
        self.eps = eps
        self.alphas = alphas
        self.copy_X = copy_X
        self.positive = positive
        self.noise_variance = noise_variance
        self.tol = tol
        self.ebic_gamma = ebic_gamma
        self.penalty_factor = penalty_factor

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the Lasso path and keep the model of smallest criterion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if self.criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {self.criterion!r}.")
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        gamma = check_scalar(self.ebic_gamma, "ebic_gamma", low=0.0, high=1.0)
        precompute = check_precompute(self.precompute)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.positive, "positive")
        check_parallel(None, self.verbose)
        noise_variance = (None if self.noise_variance is None else
                          check_scalar(self.noise_variance, "noise_variance", low=0.0,
                                       low_open=True))
        X, y, sample_weight = self._validate_fit_input(X, y, sample_weight)
        y = as_single_target(self, y)
        p = X.shape[1]
        weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
        n = float(weights.sum())  # frequency weights: the effective number of samples
        if n <= self.fit_intercept:
            raise ValueError(f"LassoIC needs more samples than parameters: got "
                             f"n_samples={n:g} (the sum of the sample weights) with "
                             f"fit_intercept={self.fit_intercept}.")
        positive = bool(self.positive)
        problem = make_problem(X, y, sample_weight=sample_weight,
                               penalty_factor=self.penalty_factor,
                               fit_intercept=self.fit_intercept)
        grid = resolve_grid(problem, self.alphas, eps, 1.0, positive)
        if noise_variance is None and n > p + self.fit_intercept:
            noise_variance = self._ols_noise_variance(X, y, weights, n, positive)

        rss = np.full(grid.size, np.inf)
        n_nonzero = np.full(grid.size, -1)
        results = []
        for k, result in enumerate(walk_path(problem, grid, 1.0, precompute=precompute,
                                              positive=positive, tol=tol,
                                              max_iter=max_iter)):
            warn_if_not_converged(result, grid[k])
            support = np.flatnonzero(result.coef)
            n_nonzero[k] = support.size
            if support.size + self.fit_intercept >= n:
                break  # saturated: RSS is (near) zero and the criterion meaningless
            residual = y - result.intercept - np.asarray(
                X[:, support] @ result.coef[support].astype(np.float64)).ravel()
            rss[k] = weights @ residual**2
            results.append(result)
            if self.verbose:
                print(f"alpha {k + 1}/{grid.size} = {grid[k]:.4g}: {support.size} non-zeros, "
                      f"RSS {rss[k]:.4g}")

        fitted = np.isfinite(rss)
        if noise_variance is None:
            variance = np.maximum(rss[fitted], np.finfo(np.float64).tiny) / n
            minus_two_loglik = n * np.log(2 * np.pi * variance) + n
        else:
            minus_two_loglik = (n * np.log(2 * np.pi * noise_variance)
                                + rss[fitted] / noise_variance)
        criterion = np.full(grid.size, np.inf)
        criterion[fitted] = information_criterion(minus_two_loglik, n_nonzero[fitted], n, p,
                                                  self.criterion, gamma)

        best = int(np.argmin(criterion))
        result = results[best]
        self.alphas_ = grid
        self.alpha_ = float(grid[best])
        self.criterion_ = criterion
        self.n_nonzero_ = n_nonzero
        self.noise_variance_ = (float(rss[best] / n) if noise_variance is None
                                else float(noise_variance))
        self.coef_ = result.coef
        self.intercept_ = float(result.intercept)
        self.dual_gap_ = float(result.dual_gap)
        self.n_iter_ = int(result.n_iter)
        return self

    def _ols_noise_variance(self, X, y, weights, n, positive):
        """``sum_i s_i r_i^2 / (n - p - 1)`` of the (weighted) least-squares fit."""
        ols = LinearRegression(fit_intercept=self.fit_intercept, positive=positive)
        residual = y - ols.fit(X, y, sample_weight=weights).predict(X)
        return float(weights @ residual**2) / (n - X.shape[1] - self.fit_intercept)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        tags.target_tags.single_output = True
        return tags


class LogisticRegressionIC(LogisticRegression):
    r"""L1-penalized logistic regression with the penalty chosen by an information criterion
    on one path (AIC, BIC, EBIC).

    The logistic path is fitted once on all the data over a grid of alphas (mean-loss scale,
    as :func:`fastreg.logistic_path`; ``C = 1 / (alpha S)``), and alpha minimises

    .. math::

        \mathrm{IC}(\alpha) = D(\alpha) + c \,\mathrm{df}(\alpha)
            \;[\, + \, 2 \gamma \log \tbinom{p}{\mathrm{df}(\alpha)} \,]

    with :math:`D = -2 \log L = 2 \sum_i s_i \log(1 + e^{-y_i z_i})` the deviance,
    :math:`\mathrm{df}` the number of non-zero coefficients (the usual estimate of the L1
    model's degrees of freedom for generalized linear models, Park and Hastie 2007), and
    :math:`c` as in :class:`LassoIC`.  Sample weights (times class weights) are frequency
    weights: :math:`n = \sum_i s_i`.  The path stops at a saturated model
    (:math:`\mathrm{df} + 1 \ge n`).

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default="aic"
    fit_intercept : bool, default=True
    alphas : int or array-like, default=100
        Number of alphas, or the alphas themselves.
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    class_weight : dict, "balanced" or None, default=None
    tol : float, default=1e-4
    max_iter : int, default=1000
    ebic_gamma : float, default=1.0
        :math:`\gamma \in [0, 1]` of the extended BIC.
    penalty_factor : array-like of shape (n_features,), optional
    positive : bool, default=False
    verbose : bool, default=False
        Print one line per alpha.

    Attributes
    ----------
    alpha_, C_ : float
        The chosen alpha, and the same as scikit-learn's C.
    alphas_ : ndarray of shape (n_alphas,)
    criterion_ : ndarray of shape (n_alphas,)
        ``inf`` past the point where the path stopped.
    n_nonzero_ : ndarray of shape (n_alphas,)
        -1 where not fitted.
    classes_, coef_, intercept_, n_iter_, dual_gap_
        Of the fit at ``alpha_``, as in :class:`~fastreg.LogisticRegression`.
    """

    def __init__(self, criterion="aic", *, fit_intercept=True, alphas=100, eps=1e-3,
                 class_weight=None, tol=1e-4, max_iter=DEFAULT_MAX_ITER, ebic_gamma=1.0,
                 penalty_factor=None, positive=False, verbose=False):
        self.criterion = criterion
        self.fit_intercept = fit_intercept
        self.alphas = alphas
        self.eps = eps
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.ebic_gamma = ebic_gamma
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.verbose = verbose

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the logistic path and keep the model of smallest criterion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of exactly two classes.
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if self.criterion not in _CRITERIA:
            raise ValueError(f"criterion must be one of {_CRITERIA}, got {self.criterion!r}.")
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        gamma = check_scalar(self.ebic_gamma, "ebic_gamma", low=0.0, high=1.0)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        check_parallel(None, self.verbose)
        X, classes, labels, weights = check_classification_labels(
            self, X, y, sample_weight, self.class_weight)
        design = make_design(X, sample_weight=weights, fit_intercept=fit_intercept)
        problem = make_problem(X, labels, penalty_factor=self.penalty_factor,
                               loss="logistic", design=design)
        n, p = design.sum_weights, X.shape[1]
        grid = resolve_grid(problem, self.alphas, eps, 1.0, positive)
        deviance = np.full(grid.size, np.inf)
        n_nonzero = np.full(grid.size, -1)
        results = []
        for k, result in enumerate(walk_path(problem, grid, 1.0, positive=positive, tol=tol,
                                              max_iter=max_iter)):
            warn_if_not_converged(result, grid[k])
            support = np.flatnonzero(result.coef)
            n_nonzero[k] = support.size
            if support.size + fit_intercept >= n:
                break  # saturated: the deviance is (near) zero and the criterion meaningless
            margins = labels * (result.intercept + np.asarray(
                X[:, support] @ result.coef[support].astype(np.float64)).ravel())
            losses = np.logaddexp(0.0, -margins)
            deviance[k] = 2.0 * (losses @ weights if weights is not None else losses.sum())
            results.append(result)
            if self.verbose:
                print(f"alpha {k + 1}/{grid.size} = {grid[k]:.4g}: {support.size} non-zeros, "
                      f"deviance {deviance[k]:.4g}")
        fitted = np.isfinite(deviance)
        criterion = np.full(grid.size, np.inf)
        criterion[fitted] = information_criterion(deviance[fitted], n_nonzero[fitted], n, p,
                                                  self.criterion, gamma)
        best = int(np.argmin(criterion))
        result = results[best]
        self.alphas_ = grid
        self.alpha_ = float(grid[best])
        self.C_ = 1.0 / (self.alpha_ * n)
        self.criterion_ = criterion
        self.n_nonzero_ = n_nonzero
        self.classes_ = classes
        self.coef_ = result.coef[np.newaxis, :]
        self.intercept_ = np.array([result.intercept])
        self.n_iter_ = np.array([result.n_iter])
        self.dual_gap_ = float(result.dual_gap)
        return self


# --------------------------------------------------------------------------------------------
# Stability selection


def _subsample_selection(X, y, sample_weight, rows, grid, l1_ratio, *, fit_intercept,
                         penalty_factor, precompute, positive, tol, max_iter, loss):
    """One stability-selection job: which features the path on ``rows`` selects at each alpha.

    Returns ``(indices, indptr, n_failed, max_epochs)``: the features non-zero at
    ``grid[k]`` are ``indices[indptr[k]:indptr[k + 1]]`` (a compressed, column-wise boolean
    matrix); the number of alphas whose fit did not reach the tolerance; the most epochs one
    fit took.
    """
    problem = make_problem(take_rows(X, rows), y[rows],
                           sample_weight=None if sample_weight is None else sample_weight[rows],
                           penalty_factor=penalty_factor, fit_intercept=fit_intercept,
                           loss=loss)
    supports = []
    n_failed = max_epochs = 0
    for result in walk_path(problem, grid, l1_ratio, precompute=precompute,
                             positive=positive, tol=tol, max_iter=max_iter):
        supports.append(np.flatnonzero(result.coef).astype(np.int32))
        n_failed += not result.converged
        max_epochs = max(max_epochs, result.n_iter)
    indptr = np.zeros(len(supports) + 1, dtype=np.int64)
    np.cumsum([s.size for s in supports], out=indptr[1:])
    return np.concatenate(supports), indptr, n_failed, max_epochs


class StabilitySelection(SelectorMixin, BaseEstimator):
    r"""Stability selection of features with the Lasso or the Elastic Net.

    The path over a grid of alphas is fitted on many random subsamples of half of the rows
    (Meinshausen and Buehlmann 2010); with ``complementary_pairs=True`` they come in
    disjoint pairs, each a random split of the data in two halves (Shah and Samworth 2013).
    The selection probability of feature :math:`j` at :math:`\alpha` is the fraction of
    subsamples whose fit at :math:`\alpha` has :math:`w_j \ne 0`,
    :math:`\hat\Pi_j(\alpha)`.  Over a region :math:`\Lambda = [\alpha_k, \alpha_{max}]` of
    the grid, feature :math:`j` is stable when
    :math:`\max_{\alpha \in \Lambda} \hat\Pi_j(\alpha) \ge \pi_{thr}` (``threshold``).

    With :math:`q_\Lambda` the expected number of features selected anywhere in
    :math:`\Lambda` on a subsample (estimated by the average over the subsamples), the
    expected number of false positives :math:`V` among the stable features is bounded by

    .. math::

        \mathbb{E}[V] \le \frac{q_\Lambda^2}{(2\pi_{thr} - 1)\, p}

    (Meinshausen and Buehlmann's Theorem 1, under their exchangeability and better-than-random
    assumptions; Shah and Samworth show it holds for complementary pairs under the same
    assumptions, and give assumption-free bounds on low-probability features).  With ``pfer``
    set, :math:`\Lambda` is the largest region of the grid (from ``alpha_max`` down) whose
    :math:`q_\Lambda` keeps that bound at most ``pfer``: :math:`q_\Lambda \le \sqrt{\mathrm{pfer}
    (2\pi_{thr} - 1) p}`.  With ``pfer=None`` the region is the whole grid and ``pfer_`` reports
    the bound.

    Parameters
    ----------
    l1_ratio : float, default=1.0
        1 is the Lasso; below 1 the Elastic Net, which keeps correlated features together.
    loss : {"squared", "logistic"}, default="squared"
        Keyword-only.  The model fitted on each subsample: the Lasso / Elastic Net of a
        numeric target, or the penalized logistic regression of a two-class label (the
        alpha scale of :func:`fastreg.logistic_path`).
    alphas : int or array-like, default=50
        Number of alphas on the grid (computed on all the data), or the alphas.
    eps : float, default=1e-2
        Length of the grid: ``alpha_min = eps * alpha_max``.  Only alphas inside the region
        matter: a shorter grid saves time.
    threshold : float, default=0.6
        :math:`\pi_{thr} \in (0.5, 1]`.
    pfer : float or None, default=1.0
        Bound on the expected number of false positives that sets the region (see above).
    n_resampling : int, default=50
        Number of complementary pairs (2 ``n_resampling`` subsamples), or of subsamples
        without ``complementary_pairs``.
    sample_fraction : float, default=0.5
        Size of each subsample as a fraction of the rows, without ``complementary_pairs``
        (pairs are always halves).
    complementary_pairs : bool, default=True
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
    max_iter : int, default=1000
    tol : float, default=1e-4
    positive : bool, default=False
    penalty_factor : array-like of shape (n_features,), optional
    n_jobs : int, default=None
        Parallel jobs over subsamples (threads unless a joblib backend is configured).
    random_state : int, RandomState instance or None, default=None
        Draws the subsamples (all of them, before any job runs: the result does not depend
        on the parallel backend).
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`.

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    selection_probabilities_ : ndarray of shape (n_features, n_alphas)
        :math:`\hat\Pi_j(\alpha)`.
    union_sizes_ : ndarray of shape (n_alphas,)
        Average over subsamples of the number of features selected at any of
        ``alphas_[:k + 1]``: the estimate of :math:`q_\Lambda` for each region.
    n_region_alphas_ : int
        The region is ``alphas_[:n_region_alphas_]`` (0 when even the first alpha selects
        too many features for ``pfer``).
    alpha_min_ : float
        The smallest alpha of the region (``nan`` when it is empty).
    stability_scores_ : ndarray of shape (n_features,)
        :math:`\max_{\alpha \in \Lambda} \hat\Pi_j(\alpha)`.
    support_ : ndarray of bool, shape (n_features,)
        ``stability_scores_ >= threshold``.
    q_ : float
        :math:`q_\Lambda`, the ``union_sizes_`` of the region.
    pfer_ : float
        The bound :math:`q_\Lambda^2 / ((2\pi_{thr} - 1) p)` on the expected false positives.
    n_subsamples_ : int
    n_iter_ : int
        The most epochs any single fit took (``max_iter`` means some fit stopped early).
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from fastreg.datasets import make_correlated_regression
    >>> from fastreg.selection import StabilitySelection
    >>> X, y, coef = make_correlated_regression(200, 300, n_informative=6, group_size=1,
    ...                                         snr=5, random_state=0)
    >>> selector = StabilitySelection(random_state=0).fit(X, y)
    >>> bool((selector.get_support() == (coef != 0)).all())
    True
    """

    def __init__(self, l1_ratio=1.0, *, loss="squared", alphas=50, eps=1e-2, threshold=0.6,
                 pfer=1.0, n_resampling=50, sample_fraction=0.5, complementary_pairs=True,
                 fit_intercept=True, precompute="auto", max_iter=DEFAULT_MAX_ITER, tol=1e-4,
                 positive=False, penalty_factor=None, n_jobs=None, random_state=None,
                 verbose=0):
        self.l1_ratio = l1_ratio
        self.loss = loss
        self.alphas = alphas
        self.eps = eps
        self.threshold = threshold
        self.pfer = pfer
        self.n_resampling = n_resampling
        self.sample_fraction = sample_fraction
        self.complementary_pairs = complementary_pairs
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.penalty_factor = penalty_factor
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _subsamples(self, n_samples, labels=None):
        """Row indices of every subsample, drawn up front from ``random_state``.

        With class ``labels`` (the logistic loss) each class is split on its own (stratified
        halves, or the fraction of each class): every subsample then holds every class, which
        a random half of 7 positives in 400 rows misses more often than not.
        """
        rng = check_random_state(self.random_state)
        strata = ([np.arange(n_samples)] if labels is None
                  else class_rows(labels, need=2 if self.complementary_pairs else 1))
        rows = []
        for _ in range(self.n_resampling):
            if self.complementary_pairs:
                rows += stratified_halves(strata, rng)
            else:
                rows.append(np.sort(np.concatenate([
                    rng.choice(members, size=stratum_size(self.sample_fraction, members.size,
                                                           labels is not None),
                               replace=False) for members in strata])))
        if not rows or rows[0].size < 2:
            raise ValueError(f"Subsamples of {n_samples} samples would have fewer than 2 "
                             "rows: stability selection needs more samples.")
        return rows

    def fit(self, X, y, sample_weight=None):
        """Fit the path on every subsample and select the stable features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Each subsample is a copy of its rows (for CSC, of those rows' entries).
        y : array-like of shape (n_samples,)
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    @keep_state_on_error
    def _fit(self, X, y, sample_weight=None, on_subsample=None):
        """:meth:`fit`, calling ``on_subsample()`` in this thread as each subsample's path
        is done (in the order of the subsamples): the hook of ``fastreg select``'s progress
        bar.  The outputs of joblib's threads are then read as a generator, which process
        pools do not offer; without the hook any backend runs the jobs."""
        _, l1_ratio, tol, max_iter = check_penalty(0.0, self.l1_ratio, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        threshold = check_scalar(self.threshold, "threshold", low=0.5, low_open=True, high=1.0)
        pfer = (None if self.pfer is None
                else check_scalar(self.pfer, "pfer", low=0.0, low_open=True))
        check_scalar(self.n_resampling, "n_resampling", kind=Integral, low=1)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        if not check_bool(self.complementary_pairs, "complementary_pairs"):
            check_scalar(self.sample_fraction, "sample_fraction", low=0.0, low_open=True,
                         high=1.0)
        precompute = check_precompute(self.precompute)
        check_parallel(self.n_jobs, self.verbose)
        check_random_state(self.random_state)
        if self.loss not in ("squared", "logistic"):
            raise ValueError(f"loss must be 'squared' or 'logistic', got {self.loss!r}.")
        if self.loss == "logistic":
            X, _, y, sample_weight = check_classification_labels(self, X, y, sample_weight,
                                                                 None)
        else:
            # _LinearRegressor's checks, borrowed: this is a transformer, not a regressor.
            X, y, sample_weight = _LinearRegressor._validate_fit_input(self, X, y,
                                                                       sample_weight)
            y = as_single_target(self, y)
        n, p = X.shape
        problem = make_problem(X, y, sample_weight=sample_weight,
                               penalty_factor=self.penalty_factor,
                               fit_intercept=fit_intercept, loss=self.loss)
        grid = resolve_grid(problem, self.alphas, eps, l1_ratio, positive)
        subsamples = self._subsamples(n, y if self.loss == "logistic" else None)

        jobs = (delayed(_subsample_selection)(
            X, y, sample_weight, rows, grid, l1_ratio, fit_intercept=fit_intercept,
            penalty_factor=self.penalty_factor, precompute=precompute, positive=positive,
            tol=tol, max_iter=max_iter, loss=self.loss) for rows in subsamples)
        parallel = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads",
                            return_as="list" if on_subsample is None else "generator")
        outputs = []
        for output in parallel(jobs):
            outputs.append(output)
            if on_subsample is not None:
                on_subsample()
        warn_paths_not_converged(sum(out[2] for out in outputs), len(outputs), "subsamples")

        counts = np.zeros((p, grid.size), dtype=np.int32)
        union_sizes = np.zeros(grid.size)
        for indices, indptr, _, _ in outputs:
            alpha_of = np.repeat(np.arange(grid.size), np.diff(indptr))
            counts[indices, alpha_of] += 1  # (feature, alpha) pairs are unique in a path
            _, first = np.unique(indices, return_index=True)  # each feature's first alpha
            union_sizes += np.cumsum(np.bincount(alpha_of[first], minlength=grid.size))
        n_subsamples = len(outputs)
        union_sizes /= n_subsamples

        if pfer is None:
            n_region = grid.size
        else:
            q_max = np.sqrt(pfer * (2 * threshold - 1) * p)
            n_region = int(np.searchsorted(union_sizes, q_max, side="right"))
        probabilities = counts / n_subsamples
        scores = (probabilities[:, :n_region].max(axis=1) if n_region
                  else np.zeros(p))
        q = float(union_sizes[n_region - 1]) if n_region else 0.0

        self.alphas_ = grid
        self.selection_probabilities_ = probabilities
        self.union_sizes_ = union_sizes
        self.n_region_alphas_ = n_region
        self.alpha_min_ = float(grid[n_region - 1]) if n_region else float("nan")
        self.stability_scores_ = scores
        self.support_ = scores >= threshold
        self.q_ = q
        self.pfer_ = q**2 / ((2 * threshold - 1) * p)
        self.n_subsamples_ = n_subsamples
        self.n_iter_ = max(out[3] for out in outputs)
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
