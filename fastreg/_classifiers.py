"""Binary classification: L1 / Elastic Net penalized logistic regression, scikit-learn's API."""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._engine import make_design
from ._estimators import keep_state_on_error
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

__all__ = ["LogisticRegression"]


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
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}; pass y.ravel().")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} samples but X has {X.shape[0]}.")
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
        raise ValueError(f"{type(estimator).__name__} is a binary classifier; y has "
                         f"{classes.size} classes. Multinomial logistic regression is not "
                         "supported yet: fit one model per class (one-vs-rest).")
    labels = np.where(y == classes[1], 1.0, -1.0)
    if isinstance(sample_weight, Real):
        sample_weight = None  # a scalar weight scales the loss of every sample alike
    weights = check_sample_weight(sample_weight, X.shape[0], np.float64)
    if class_weight is not None:
        per_class = compute_class_weight(class_weight, classes=classes, y=y)
        per_sample = per_class[(labels > 0).astype(np.intp)]
        weights = weights * per_sample if weights.size else per_sample
        if not weights.sum() > 0:
            raise ValueError("The class weights and sample weights give every sample a weight "
                             "of zero.")
    return X, classes, labels, (weights if weights.size else None)


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
                 positive=False):
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.penalty_factor = penalty_factor
        self.positive = positive

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
        X, classes, labels, weights = check_classification_labels(
            self, X, y, sample_weight, self.class_weight)
        design = make_design(X, sample_weight=weights, fit_intercept=fit_intercept)
        problem = make_problem(X, labels, penalty_factor=self.penalty_factor, loss="logistic",
                               design=design)
        coef_init = intercept_init = None
        if (warm_start and hasattr(self, "coef_") and self.coef_.shape == (1, X.shape[1])
                and np.array_equal(getattr(self, "classes_", None), classes)):
            coef_init = check_coef_init(self.coef_[0], X.shape[1], np.float64)
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
