"""Binary classification: L1 / Elastic Net penalized logistic regression, scikit-learn's API."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import expit, log_expit
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import check_cv
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._engine import make_design
from ._estimators import keep_state_on_error
from ._resampling import check_parallel, warn_paths_not_converged
from ._solver import (
    DEFAULT_MAX_ITER,
    Solver,
    check_penalty,
    make_problem,
    warn_if_not_converged,
)
from ._validation import (
    check_bool,
    check_coef_init,
    check_design_matrix,
    check_sample_weight,
    check_scalar,
)
from .cv import _RULES, _check_cv, _choose, _fold_path, _walk_to
from .path import _check_alphas, alpha_grid

__all__ = ["LogisticRegression", "LogisticRegressionCV"]


def check_classification_labels(estimator, X, y, sample_weight, class_weight):
    """Validate a classifier's inputs: canonical X, labels as -1/+1, and the sample weights
    with the class weights folded in (None for unit weights).

    Returns ``(X, classes, labels, weights)``.
    """
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target "
                         "y is None.")
    X_given = X
    X, _ = check_design_matrix(X)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected; it is "
                      "raveled.", DataConversionWarning, stacklevel=3)
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} samples but X has {X.shape[0]}.")
    if y.dtype.kind == "c":
        raise ValueError("Complex data not supported in y.")
    kind = type_of_target(y, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {kind}. {type(estimator).__name__} is a "
                         "classifier: y must hold class labels.")
    validate_data(estimator, X_given, reset=True, skip_check_array=True)
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(f"{type(estimator).__name__} needs samples of at least 2 classes in "
                         f"the data, but the data contain only one class: {classes[0]!r}.")
    if classes.size > 2:
        raise ValueError(f"Only binary classification is supported. y has {classes.size} "
                         f"classes: {type(estimator).__name__} has no multinomial loss yet "
                         "(fit one model per class, one-vs-rest).")
    labels = np.where(y == classes[1], 1.0, -1.0)
    if isinstance(sample_weight, Real):
        sample_weight = None  # a scalar weight scales the loss of every sample alike
    weights = check_sample_weight(sample_weight, X.shape[0], np.float64)
    if class_weight is not None:
        per_class = _class_weights(class_weight, classes, labels, weights)
        per_sample = per_class[(labels > 0).astype(np.intp)]
        weights = weights * per_sample if weights.size else per_sample
        if not weights.sum() > 0:
            raise ValueError("The class weights and sample weights give every sample a weight "
                             "of zero.")
    return X, classes, labels, (weights if weights.size else None)


def _class_weights(class_weight, classes, labels, weights) -> np.ndarray:
    """The weights of the two classes: a dict's (1 for a class it omits), or "balanced",
    ``S / (2 S_k)`` with ``S_k`` the class's total sample weight (its count without sample
    weights), as scikit-learn balances the weighted class totals."""
    if isinstance(class_weight, dict):
        values = np.array([float(value) for value in class_weight.values()])
        if not (np.isfinite(values).all() and (values >= 0).all()):
            raise ValueError(f"class_weight must map classes to non-negative finite "
                             f"weights, got {class_weight!r}.")
    if isinstance(class_weight, str) and class_weight == "balanced":
        s = weights if weights.size else np.ones(labels.size)
        totals = np.array([s[labels < 0].sum(), s[labels > 0].sum()])
        if not (totals > 0).all():
            raise ValueError("class_weight='balanced' needs a positive total sample weight "
                             "in each class.")
        return totals.sum() / (2.0 * totals)
    return compute_class_weight(class_weight, classes=classes, y=classes[(labels > 0)
                                                                         .astype(np.intp)])


class LogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Binary logistic regression with an L1 or Elastic Net penalty, by proximal Newton
    coordinate descent, certified by its duality gap.

    Minimises scikit-learn's objective

    .. math::

        C \sum_i s_i \log\big(1 + e^{-y_i (x_i^T w + b)}\big)
        + \rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2

    (:math:`y_i = \pm 1`, :math:`s_i` sample weights times class weights, :math:`\rho` =
    ``l1_ratio``, :math:`f_j` = ``penalty_factor``), i.e. fastreg's mean-loss scale with
    ``alpha = 1 / (C S)``, :math:`S = \sum_i s_i` (see :func:`fastreg.logistic_path`).  Each
    working set of features is solved by Newton steps whose weighted least-squares problems
    run through fastreg's coordinate-descent kernel; the working sets grow until the duality
    gap of the whole problem certifies the solution.  Dense X is used in place when
    Fortran-ordered; sparse X as CSC, never densified (the intercept is not penalized).
    float32 data stay float32.

    Unlike scikit-learn, whose default is the L2 penalty (``l1_ratio=0``), the default here
    is the L1 penalty: fastreg is for sparse models.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularization strength, > 0.
    l1_ratio : float, default=1.0
        Mix of L1 and L2 in [0, 1]; 1 is the L1 penalty, 0 the L2 penalty.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplying the sample weights ("balanced": inversely
        proportional to the class frequencies, as in scikit-learn).
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol`` times the deviance of the
        intercept-only model, over ``S`` (fastreg's ``tol`` has the same meaning for least
        squares: ``tol * sum_i s_i (y_i - ybar)^2 / S``).
    max_iter : int, default=1000
        Maximum coordinate-descent epochs on each working set; ``n_iter_`` counts the epochs
        on all of them.
    warm_start : bool, default=False
        Start from the previous solution (coefficients and intercept).
    penalty_factor : array-like of shape (n_features,), optional
        Keyword-only fastreg extension: non-negative per-feature multipliers of the penalty
        (glmnet's ``penalty.factor``); 0 leaves a feature unpenalized.
    positive : bool, default=False
        Keyword-only fastreg extension: constrain the coefficients to be non-negative.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Keyword-only fastreg extension: bounds on the coefficients, ``lower_bounds <= w <=
        upper_bounds`` (glmnet's ``lower.limits`` / ``upper.limits``): a scalar applies to
        every feature, ``-inf`` / ``inf`` leave a side unbounded, and the bounds must contain
        0.  ``positive=True`` is ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    standardize : bool, default=False
        Keyword-only fastreg extension (glmnet's ``standardize``): fit as if every column had
        unit weighted variance, without scaling or copying X; the coefficients and bounds are
        on X's scale (see :func:`fastreg.solve`).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels; the second is the positive class.
    coef_ : ndarray of shape (1, n_features)
        In X's dtype.
    intercept_ : ndarray of shape (1,)
    n_iter_ : ndarray of shape (1,)
        Coordinate-descent epochs run.
    dual_gap_ : float
        Duality gap reached, on the mean-loss scale (``C S`` times it on scikit-learn's
        scale): the certificate of the solution.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 20))
    >>> y = np.where(X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=200) > 0, "yes", "no")
    >>> model = fastreg.LogisticRegression(C=0.05).fit(X, y)
    >>> np.flatnonzero(model.coef_).tolist(), model.classes_.tolist()
    ([0, 1], ['no', 'yes'])
    """

    def __init__(self, C=1.0, *, l1_ratio=1.0, fit_intercept=True, class_weight=None,
                 tol=1e-4, max_iter=DEFAULT_MAX_ITER, warm_start=False, penalty_factor=None,
                 positive=False, lower_bounds=None, upper_bounds=None, standardize=False):
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.standardize = standardize

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            CSR/COO and other sparse formats are converted to CSC, C-ordered arrays copied to
            Fortran order, integer data to float64.
        y : array-like of shape (n_samples,)
            Labels of exactly two classes.
        sample_weight : float or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        C = check_scalar(self.C, "C", low=0.0, low_open=True)
        _, l1_ratio, tol, max_iter = check_penalty(0.0, self.l1_ratio, self.tol,
                                                   self.max_iter)
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        warm_start = check_bool(self.warm_start, "warm_start")
        standardize = check_bool(self.standardize, "standardize")
        X, classes, labels, weights = check_classification_labels(
            self, X, y, sample_weight, self.class_weight)
        design = make_design(X, sample_weight=weights, fit_intercept=fit_intercept)
        problem = make_problem(X, labels, penalty_factor=self.penalty_factor,
                               lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
                               standardize=standardize, loss="logistic", design=design)
        coef_init = intercept_init = None
        if (warm_start and hasattr(self, "coef_") and self.coef_.shape == (1, X.shape[1])
                and np.array_equal(getattr(self, "classes_", None), classes)):
            # Moved into bounds that may have changed since the previous fit.
            lower, upper = problem.penalty(positive).bound_arrays(X.shape[1])
            coef_init = np.clip(check_coef_init(self.coef_[0], X.shape[1], np.float64),
                                lower, upper)
            intercept_init = float(self.intercept_[0])
        alpha = 1.0 / (C * design.sum_weights)
        solver = Solver(problem, coef_init=coef_init, intercept_init=intercept_init)
        result = solver.run(alpha, l1_ratio, positive=positive, tol=tol, max_iter=max_iter)
        warn_if_not_converged(result, alpha)
        self.classes_ = classes
        self.coef_ = result.coef[np.newaxis, :]
        self.intercept_ = np.array([result.intercept])
        self.n_iter_ = np.array([result.n_iter])
        self.dual_gap_ = float(result.dual_gap)
        return self

    def decision_function(self, X):
        """The linear predictor ``X @ coef_.T + intercept_``: positive for ``classes_[1]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=True, reset=False)
        scores = X @ self.coef_[0] + self.intercept_[0]
        return np.asarray(scores).ravel()

    def predict(self, X):
        """The predicted class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(np.intp)]

    def predict_proba(self, X):
        """Probabilities of the two classes, in the order of ``classes_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        scores = self.decision_function(X)
        return np.column_stack([expit(-scores), expit(scores)])

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`, computed without underflow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        scores = self.decision_function(X)
        return np.column_stack([log_expit(-scores), log_expit(scores)])

    @property
    def sparse_coef_(self):
        """The coefficients as a scipy CSR matrix of shape (1, n_features)."""
        check_is_fitted(self)
        return sp.csr_matrix(self.coef_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_class = False
        return tags


# --------------------------------------------------------------------------------------------
# Cross-validation

_SCORINGS = ("neg_log_loss", "accuracy", "roc_auc")


def _path_scores(steps, X, labels, sample_weight, test, scoring) -> tuple[np.ndarray, int]:
    """The score on the rows ``test`` of each step of a logistic path (higher is better):
    the mean log-likelihood, the accuracy or the ROC AUC, weighted by ``sample_weight``.

    Returns the scores, one per step, and the number of steps that did not converge.  Only
    the columns of the features that are non-zero somewhere on the path are gathered.
    """
    results = list(steps)
    n_failed = sum(not result.converged for result in results)
    coefs = np.column_stack([result.coef for result in results]).astype(np.float64)
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    X_test = X[test][:, active] if sp.issparse(X) else X[np.ix_(test, active)]
    margins = (np.asarray(X_test @ coefs[active])
               + np.array([result.intercept for result in results]))
    y = labels[test]
    weights = None if sample_weight is None else sample_weight[test]
    if scoring == "roc_auc":
        if np.unique(y).size < 2:
            raise ValueError("A test fold holds a single class: ROC AUC is undefined there. "
                             "Use stratified folds (the default) or another scoring.")
        return _roc_auc(y > 0, margins, weights), n_failed
    if scoring == "accuracy":
        values = (margins * y[:, None] > 0).astype(np.float64)
    else:
        values = log_expit(margins * y[:, None])
    return np.average(values, axis=0, weights=weights), n_failed


def _roc_auc(positive: np.ndarray, margins: np.ndarray, weights) -> np.ndarray:
    """The ROC AUC of each column of ``margins`` for the labels ``positive``.

    Without weights, from the ranks of the positives (the Mann-Whitney statistic, ties
    counted half), every column at once: one sort per column instead of a call per alpha.
    With weights, scikit-learn's ``roc_auc_score`` column by column.
    """
    if weights is not None:
        return np.array([roc_auc_score(positive, margins[:, k], sample_weight=weights)
                         for k in range(margins.shape[1])])
    n_positive = np.count_nonzero(positive)
    n_negative = positive.size - n_positive
    ranks = rankdata(margins, axis=0)
    return ((ranks[positive].sum(axis=0) - n_positive * (n_positive + 1) / 2)
            / (n_positive * n_negative))


def _fold_scores(X, labels, sample_weight, train_weight, train, test, grid, l1_ratio, *,
                 scoring, **options):
    """One cross-validation job: the logistic path on ``train``, its scores on ``test``."""
    steps = _fold_path(X, labels, train_weight, train, grid, l1_ratio, loss="logistic",
                       precompute="auto", seed=-1, **options)
    return _path_scores(steps, X, labels, sample_weight, test, scoring)


class LogisticRegressionCV(LogisticRegression):
    r"""Binary logistic regression with its penalty chosen by cross-validation.

    For each ``l1_ratio``, a grid of ``Cs`` regularization strengths is computed on all the
    data (from the largest useful one, where every coefficient is zero, down by a factor
    ``eps``, evenly on a log scale; or the given ``C`` values); on each training fold a
    warm-started logistic path over the same C values is fitted (a fold's loss is the sum over
    its own rows, as in scikit-learn, so its alphas are larger); each C is scored on the held-out
    fold; the C (and ``l1_ratio``) with the best mean score wins, or, with ``rule="1se"``,
    the smallest C whose mean score is within one standard error of the best (glmnet's
    ``lambda.1se``: a sparser model as good within noise); a final fit on all the data walks
    the grid down to it.  The (fold, ``l1_ratio``) paths run on threads through
    :class:`joblib.Parallel` (the kernels release the GIL).

    Parameters
    ----------
    Cs : int or array-like, default=10
        A number of C values (the grid described above), or the values themselves.
    l1_ratios : array-like of float, default=(1.0,)
        The ``l1_ratio`` values to choose from.
    eps : float, default=1e-3
        The smallest C of a generated grid is the largest over ``eps`` (on the alpha scale,
        ``alpha_min = eps * alpha_max``).
    fit_intercept : bool, default=True
    cv : int, cross-validation splitter or iterable, default=None
        5 stratified folds by default.
    scoring : {"neg_log_loss", "accuracy", "roc_auc"}, default="neg_log_loss"
        The test folds' score: mean log-likelihood, accuracy or ROC AUC (weighted by the
        sample weights).
    rule : {"min", "1se"}, default="min"
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the training loss (not in the scores).
    tol : float, default=1e-4
    max_iter : int, default=1000
    n_jobs : int, default=None
        Jobs for the folds' paths (threads).
    verbose : int, default=0
    penalty_factor : array-like of shape (n_features,), optional
    positive : bool, default=False
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
    standardize : bool, default=False
        As for :class:`LogisticRegression` (each training fold is standardized by its own
        rows).

    Attributes
    ----------
    C_ : float
        The chosen C.
    alpha_ : float
        The chosen regularization on the mean-loss scale, ``1 / (C_ S)``.
    C_min_, C_1se_ : float
        The C of the best mean score, and that of the one-standard-error rule.
    l1_ratio_ : float
    Cs_ : ndarray of shape (n_Cs,) or (n_l1_ratios, n_Cs)
        The grid(s), increasing (decreasing alpha: the order of the paths).
    scores_ : ndarray of shape (n_folds, n_Cs) or (n_l1_ratios, n_folds, n_Cs)
        The score of each fold and C.
    classes_, coef_, intercept_, n_iter_, dual_gap_
        Of the final fit, as in :class:`LogisticRegression`.
    """

    def __init__(self, Cs=10, *, l1_ratios=(1.0,), eps=1e-3, fit_intercept=True, cv=None,
                 scoring="neg_log_loss", rule="min", class_weight=None, tol=1e-4,
                 max_iter=DEFAULT_MAX_ITER, n_jobs=None, verbose=0, penalty_factor=None,
                 positive=False, lower_bounds=None, upper_bounds=None, standardize=False):
        self.Cs = Cs
        self.l1_ratios = l1_ratios
        self.eps = eps
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.rule = rule
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.standardize = standardize

    @keep_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose C (and ``l1_ratio``) by cross-validation, then fit on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Each training and test fold is a copy of its rows.
        y : array-like of shape (n_samples,)
            Labels of exactly two classes.
        sample_weight : float or array-like of shape (n_samples,), optional
            Weights of the training loss and of the test scores.
        groups : array-like of shape (n_samples,), optional
            Group labels passed to the splitter's ``split``.

        Returns
        -------
        self
        """
        _, _, tol, max_iter = check_penalty(0.0, 1.0, self.tol, self.max_iter)
        eps = check_scalar(self.eps, "eps", low=0.0, low_open=True)
        l1_ratios = np.atleast_1d(np.asarray(self.l1_ratios, dtype=np.float64))
        if l1_ratios.ndim != 1 or not l1_ratios.size:
            raise ValueError(f"l1_ratios must be a non-empty list of numbers, got "
                             f"{self.l1_ratios!r}.")
        for ratio in l1_ratios:
            check_scalar(float(ratio), "l1_ratios", low=0.0, high=1.0)
        if self.scoring not in _SCORINGS:
            raise ValueError(f"scoring must be one of {_SCORINGS}, got {self.scoring!r}.")
        if self.rule not in _RULES:
            raise ValueError(f"rule must be one of {_RULES}, got {self.rule!r}.")
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        positive = check_bool(self.positive, "positive")
        standardize = check_bool(self.standardize, "standardize")
        _check_cv(self.cv)
        check_parallel(self.n_jobs, self.verbose)
        given_Cs, n_Cs = self._check_Cs()
        if given_Cs is None and (l1_ratios == 0).any():
            raise ValueError("A C grid cannot be generated for l1_ratio=0 (every C keeps "
                             "features): pass the Cs explicitly.")
        X, classes, labels, weights = check_classification_labels(
            self, X, y, sample_weight, self.class_weight)
        raw_weights = (None if sample_weight is None or isinstance(sample_weight, Real)
                       else check_sample_weight(sample_weight, X.shape[0], np.float64))
        design = make_design(X, sample_weight=weights, fit_intercept=fit_intercept)
        problem = make_problem(X, labels, penalty_factor=self.penalty_factor,
                               lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
                               standardize=standardize, loss="logistic", design=design)
        total = design.sum_weights
        if given_Cs is None:
            grids = np.array([alpha_grid(problem, r, eps, n_Cs, positive=positive)
                              for r in l1_ratios])
        else:
            grid, _ = _check_alphas(1.0 / (given_Cs * total), None)
            grids = np.tile(grid, (l1_ratios.size, 1))

        folds = list(check_cv(self.cv, labels, classifier=True).split(X, labels, groups))
        options = dict(fit_intercept=fit_intercept, penalty_factor=self.penalty_factor,
                       lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
                       standardize=standardize, positive=positive, tol=tol, max_iter=max_iter,
                       scoring=self.scoring)
        # A C weighs the sum of the losses, as in scikit-learn: a fold fits at the same C, so
        # on the mean-loss scale its alphas grow by the share of the weight it leaves out.
        train_totals = [len(train) if weights is None else float(weights[train].sum())
                        for train, _ in folds]
        if min(train_totals) <= 0:
            raise ValueError("A training fold has no weight: every sample_weight of its rows is "
                             "zero.")
        jobs = (delayed(_fold_scores)(X, labels, raw_weights, weights, train, test,
                                      grid * (total / train_total), float(ratio), **options)
                for ratio, grid in zip(l1_ratios, grids, strict=True)
                for (train, test), train_total in zip(folds, train_totals, strict=True))
        outputs = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(jobs)
        warn_paths_not_converged(sum(failed for _, failed in outputs), len(outputs),
                                 "the training folds")
        scores = np.reshape([fold for fold, _ in outputs],
                            (l1_ratios.size, len(folds), grids.shape[1]))

        best_ratio, best_index, index_min, index_1se = _choose(-scores, self.rule)
        grid = grids[best_ratio]
        result = _walk_to(problem, grid, best_index, float(l1_ratios[best_ratio]),
                          precompute="auto", positive=positive, tol=tol, max_iter=max_iter,
                          seed=-1)
        warn_if_not_converged(result, grid[best_index])
        self.alpha_ = float(grid[best_index])
        self.C_ = 1.0 / (self.alpha_ * total)
        self.C_min_ = 1.0 / (grid[index_min] * total)
        self.C_1se_ = 1.0 / (grid[index_1se] * total)
        self.l1_ratio_ = float(l1_ratios[best_ratio])
        Cs = 1.0 / (grids * total)
        self.Cs_ = Cs[0] if l1_ratios.size == 1 else Cs
        self.scores_ = scores[0] if l1_ratios.size == 1 else scores
        self.classes_ = classes
        self.coef_ = result.coef[np.newaxis, :]
        self.intercept_ = np.array([result.intercept])
        self.n_iter_ = np.array([result.n_iter])
        self.dual_gap_ = float(result.dual_gap)
        return self

    def _check_Cs(self) -> tuple[np.ndarray | None, int]:
        """``Cs`` as ``(values or None, count)``: a count (>= 1) or positive finite values."""
        Cs = self.Cs
        if isinstance(Cs, Integral) and not isinstance(Cs, bool):
            return None, check_scalar(Cs, "Cs", kind=Integral, low=1)
        try:
            values = np.asarray(Cs, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"Cs must be a count or an array of positive numbers, got "
                            f"{Cs!r}.") from None
        if values.ndim != 1 or not values.size:
            raise ValueError(f"Cs must be a count or a non-empty 1-D array, got {Cs!r}.")
        if not np.isfinite(values).all() or (values <= 0).any():
            raise ValueError("Cs must be finite and positive.")
        return values, values.size
