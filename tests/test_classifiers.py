"""LogisticRegression against scikit-learn and independent references.

Every number fastreg returns is checked against something computed without fastreg:
scikit-learn's ``LogisticRegression`` (liblinear without an intercept, which it would
penalize; saga otherwise), an L-BFGS-B fit of the smooth split form (``tests.reference``), and
the duality gap recomputed in NumPy.  Objectives are compared on scikit-learn's scale up to a
constant factor (``C S``), i.e. relatively, on the mean-loss scale of ``tests.reference``.
"""

import functools
import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.estimator_checks import parametrize_with_checks

import fastreg

from .conftest import as_format, make_classification_data
from .reference import (
    certified_logistic_gap,
    logistic_gap,
    logistic_kkt,
    logistic_objective,
    logistic_reference_fit,
)

EPS = np.finfo(np.float64).eps
# float32 rounding of a coefficient: |fl(w) - w| <= 2^-24 |w|, i.e. <= 2^-23 |fl(w)|.
EPS32 = 2.0**-23
# fastreg's gap tolerance, relative to the null deviance over S: the gap is then at most about
# 2e-9 of the objective, a fifth of the 1e-8 bar.
TOL = 1e-9
MAX_ITER = 100_000
C = 0.3
# The objectives must agree to this relative precision (the bar).
OBJECTIVE_RTOL = 1e-8


def _sum_rounding(n_samples, value):
    """Bound on the rounding of a sum of ``n_samples`` terms whose total magnitude is
    ``value`` (the classic ``n eps sum |terms|`` of recursive summation)."""
    return n_samples * EPS * abs(value)


# --- the parity cases ----------------------------------------------------------------------------
#
# name -> (fastreg parameters, sample weights?, scikit-learn solver or None).  scikit-learn has no
# penalty factors and no sign constraint: those cases are compared with the reference only.

_FACTORS = np.linspace(0.5, 2.0, 20)
_FACTORS_WITH_ZERO = _FACTORS.copy()
_FACTORS_WITH_ZERO[[1, 7]] = 0.0  # an informative and a noise feature unpenalized

PARITY = {
    "l1": ({"l1_ratio": 1.0, "fit_intercept": False}, False, "liblinear"),
    "l1-weighted": ({"l1_ratio": 1.0, "fit_intercept": False}, True, "liblinear"),
    "l1-intercept": ({"l1_ratio": 1.0}, False, "saga"),
    "l1-intercept-weighted": ({"l1_ratio": 1.0}, True, "saga"),
    "enet-intercept": ({"l1_ratio": 0.4}, True, "saga"),
    "enet": ({"l1_ratio": 0.4, "fit_intercept": False}, False, "saga"),
    "class-weight-dict": ({"l1_ratio": 0.7, "class_weight": {-1.0: 2.0, 1.0: 0.5}}, True,
                          "saga"),
    "class-weight-balanced": ({"l1_ratio": 1.0, "class_weight": "balanced"}, False, "saga"),
    "penalty-factor-with-zeros": ({"l1_ratio": 1.0, "penalty_factor": _FACTORS_WITH_ZERO},
                                  True, None),
    "enet-penalty-factor": ({"l1_ratio": 0.5, "penalty_factor": _FACTORS}, True, None),
    "positive": ({"l1_ratio": 1.0, "positive": True}, True, None),
    "positive-enet": ({"l1_ratio": 0.6, "positive": True, "fit_intercept": False}, False, None),
}


def _problem(name, dtype):
    """``(X_rounded, y, s, alpha, kwargs)``: X as fastreg sees it in float64, the total
    sample weights (class weights folded in) and the reference's keyword arguments."""
    params, weighted, _ = PARITY[name]
    X, y, sw = make_classification_data()
    X = X.astype(dtype).astype(np.float64)
    sw = sw if weighted else None
    s = np.ones(len(y)) if sw is None else sw.copy()
    class_weight = params.get("class_weight")
    if class_weight is not None:
        per_class = compute_class_weight(class_weight, classes=np.array([-1.0, 1.0]), y=y)
        s = s * per_class[(y > 0).astype(int)]
    alpha = 1.0 / (C * s.sum())
    kwargs = {"sample_weight": s, "penalty_factor": params.get("penalty_factor"),
              "fit_intercept": params.get("fit_intercept", True),
              "positive": params.get("positive", False)}
    return X, y, sw, alpha, kwargs


@functools.cache
def _reference(name, dtype_name):
    """The L-BFGS-B reference and scikit-learn's fit of a parity case (cached: dense and CSC
    share them)."""
    dtype = np.dtype(dtype_name).type
    params, _, solver = PARITY[name]
    X, y, sw, alpha, kwargs = _problem(name, dtype)
    l1_ratio = params["l1_ratio"]
    coef, intercept = logistic_reference_fit(X, y, alpha, l1_ratio, **kwargs)
    sk = None
    if solver is not None:
        sk = SkLogisticRegression(
            C=C, l1_ratio=l1_ratio, solver=solver, fit_intercept=kwargs["fit_intercept"],
            class_weight=params.get("class_weight"), tol=1e-10, max_iter=MAX_ITER)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk.fit(X, y, sample_weight=sw)
    return (coef, intercept), sk


def _rounding_shift(X, y, coef, intercept, alpha, l1_ratio, s, f):
    """Bound on ``P(fl32(w)) - P(w)`` for the float64 iterate ``w`` of which ``coef`` is the
    float32 rounding: by convexity the loss moves by at most ``|grad(coef)| . |delta|``, the
    penalty by ``alpha f (rho |delta| + (1 - rho) |delta| (|coef| + |delta| / 2))``, with
    ``|delta_j| <= 2^-23 |coef_j|``."""
    coef = np.asarray(coef, np.float64)
    f = np.ones(X.shape[1]) if f is None else f
    delta = EPS32 * np.abs(coef)
    margin = y * (X @ coef + intercept)
    gradient = X.T @ (s * y * expit(-margin)) / s.sum()
    penalty = alpha * f * (l1_ratio + (1 - l1_ratio) * (np.abs(coef) + delta / 2))
    return float((np.abs(gradient) + penalty) @ delta)


def _strong_convexity(alpha, l1_ratio, kwargs):
    """``mu = alpha (1 - rho) min_j f_j``: P - mu/2 ||w||^2 is convex, so ``P(w, b) - P* >=
    mu/2 ||w - w*||^2`` (0 when the solution need not be unique)."""
    f = kwargs["penalty_factor"]
    return alpha * (1 - l1_ratio) * (1.0 if f is None else f.min())


@pytest.mark.parametrize("name", list(PARITY))
def test_objective_matches_sklearn_and_the_reference(name, fmt, dtype):
    params, _, solver = PARITY[name]
    X64, y, sw, alpha, kwargs = _problem(name, dtype)
    l1_ratio = params["l1_ratio"]
    (ref_coef, ref_intercept), sk = _reference(name, np.dtype(dtype).name)
    X = as_format(X64, fmt, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = fastreg.LogisticRegression(C=C, tol=TOL, max_iter=MAX_ITER, **params).fit(
            X, y, sample_weight=sw)
    assert model.coef_.shape == (1, X.shape[1]) and model.coef_.dtype == dtype
    assert model.intercept_.shape == (1,) and model.n_iter_.shape == (1,)
    if not kwargs["fit_intercept"]:
        assert model.intercept_[0] == 0.0
    if kwargs["positive"]:
        assert (model.coef_ >= 0).all()
    coef, intercept = model.coef_[0], model.intercept_[0]
    s, f = kwargs["sample_weight"], kwargs["penalty_factor"]

    def objective(w, b):
        return logistic_objective(X64, y, w, b, alpha, l1_ratio, s, f)

    ours, best = objective(coef, intercept), objective(ref_coef, ref_intercept)
    # The reference is itself certified, by a gap that does not come from fastreg, to a
    # hundredth of the bar: what it leaves cannot decide a comparison at the bar.
    ref_gap = certified_logistic_gap(X64, y, ref_coef, ref_intercept, alpha, l1_ratio, **kwargs)
    assert ref_gap <= 1e-2 * OBJECTIVE_RTOL * best
    rounding = _sum_rounding(len(y), best)
    shift = 0.0 if dtype == np.float64 else _rounding_shift(X64, y, coef, intercept, alpha,
                                                            l1_ratio, s, f)
    # The certificate: the objective is within the reported gap of the optimum.
    gap_tol = TOL * 2 * logistic_objective(X64, y, np.zeros_like(coef), _null_intercept(
        y, s, kwargs["fit_intercept"]), alpha, l1_ratio, s, f)
    assert -rounding <= model.dual_gap_ <= gap_tol * (1 + 1e-9)
    assert ours - best <= max(model.dual_gap_, 0.0) + rounding + shift
    assert abs(ours - best) <= OBJECTIVE_RTOL * best + shift
    if sk is not None:
        theirs = objective(sk.coef_[0], np.atleast_1d(sk.intercept_)[0])
        assert abs(ours - theirs) <= OBJECTIVE_RTOL * theirs + shift
    if dtype == np.float64 and (f is None or (f > 0).all()):
        # The reported gap is the gap of the documented dual point, recomputed: both are
        # differences of sums of n terms of the size of the objective.  (With unpenalized
        # features the dual point is an implementation choice, which may change: there the
        # gap is held only to its meaning, the bound above.)
        recomputed = logistic_gap(X64, y, coef, intercept, alpha, l1_ratio, **kwargs)
        assert abs(model.dual_gap_ - recomputed) <= 4 * _sum_rounding(len(y), best)
    mu = _strong_convexity(alpha, l1_ratio, kwargs)
    if mu > 0:  # a unique solution: the coefficients are as close as the gaps allow
        ours_gap = max(model.dual_gap_, 0.0) + rounding
        distance = np.linalg.norm(coef.astype(np.float64) - ref_coef)
        allowed = np.sqrt(2 * ours_gap / mu) + np.sqrt(2 * max(ref_gap, 0.0) / mu)
        assert distance <= allowed + EPS32 * np.linalg.norm(coef) * (dtype == np.float32)


def _null_intercept(y, s, fit_intercept):
    """``log(P / N)``, the intercept-only model's intercept (0 without intercept)."""
    if not fit_intercept:
        return 0.0
    return float(np.log(s[y > 0].sum() / s[y < 0].sum()))


@pytest.mark.parametrize("name", list(PARITY))
def test_kkt_conditions_hold_at_the_solution(name):
    """Each coordinate's optimality condition, within what the certified gap allows.

    Moving ``w_j`` alone by ``t`` (in the direction its violation ``v`` points, not past 0)
    lowers the objective by at least ``v t - L_j t^2 / 2``, ``L_j`` the curvature bound: by
    ``min(v^2 / (2 L_j), v |w_j| / 2)`` at best, and by at most the suboptimality, itself at
    most the certified gap G.  So ``v <= max(sqrt(2 L_j G), 2 G / |w_j|)``; for the intercept
    (curvature at most 1/4) ``|sum_i r_i| / S <= sqrt(G / 2)``.
    """
    params, _, _ = PARITY[name]
    X, y, sw, alpha, kwargs = _problem(name, np.float64)
    model = fastreg.LogisticRegression(C=C, tol=TOL, max_iter=MAX_ITER, **params).fit(
        np.asfortranarray(X), y, sample_weight=sw)
    coef, intercept = model.coef_[0], model.intercept_[0]
    gap = certified_logistic_gap(X, y, coef, intercept, alpha, params["l1_ratio"], **kwargs)
    objective = logistic_objective(X, y, coef, intercept, alpha, params["l1_ratio"],
                                   kwargs["sample_weight"], kwargs["penalty_factor"])
    assert np.isfinite(gap)
    gap = max(gap, 0.0) + 4 * _sum_rounding(len(y), objective)
    violation, intercept_violation, curvature, rounding = logistic_kkt(
        X, y, coef, intercept, alpha, params["l1_ratio"], **kwargs)
    with np.errstate(divide="ignore"):
        bound = np.maximum(np.sqrt(2 * curvature * gap),
                           np.where(coef != 0, 2 * gap / np.abs(coef), 0.0))
    assert np.all(violation <= bound + rounding), (violation - bound).max()
    assert intercept_violation <= np.sqrt(gap / 2) + 64 * EPS
    # The certificate is not vacuous: fastreg stops at a gap of TOL times the null deviance
    # (2 P_null) by its own dual point; this independent dual point may be a little worse
    # (twice, here), and both are far below what a wrong support would cost.
    s = np.ones(len(y)) if kwargs["sample_weight"] is None else kwargs["sample_weight"]
    null = logistic_objective(X, y, np.zeros_like(coef), _null_intercept(
        y, s, kwargs["fit_intercept"]), alpha, params["l1_ratio"], kwargs["sample_weight"],
        kwargs["penalty_factor"])
    assert gap <= 2 * (2 * TOL * null)


# --- labels -------------------------------------------------------------------------------------

# [label of the y = -1 samples, label of the y = +1 samples]: any two values, either order.
LABELS = {
    "strings": np.array(["no", "yes"]),
    "strings-reversed": np.array(["yes", "no"]),
    "zero-one": np.array([0, 1]),
    "minus-one-one": np.array([-1, 1]),
    "any-two-reversed": np.array([7, 3]),
    "floats": np.array([-1.0, 2.0]),  # (non-integral floats are continuous targets)
    "bools": np.array([False, True]),
    "objects": np.array(["b", "a"], dtype=object),
}


def _twin(model):
    """A scikit-learn LogisticRegression holding fastreg's fitted parameters: what
    scikit-learn's own conventions predict from them."""
    twin = SkLogisticRegression()
    twin.classes_ = model.classes_
    twin.coef_ = model.coef_.astype(np.float64)
    twin.intercept_ = model.intercept_
    twin.n_features_in_ = model.n_features_in_
    return twin


@pytest.mark.parametrize("labels", list(LABELS.values()), ids=list(LABELS))
def test_any_two_labels_follow_sklearns_conventions(labels):
    X, y, _ = make_classification_data()
    target = labels[(y > 0).astype(np.intp)]
    params = {"C": C, "l1_ratio": 0.5, "tol": 1e-10, "max_iter": MAX_ITER}
    ours = fastreg.LogisticRegression(**params).fit(X, target)
    theirs = SkLogisticRegression(solver="saga", **params).fit(X, target)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.classes_.dtype == theirs.classes_.dtype
    # The positive class is classes_[1], by sort order, not order of appearance: on labels
    # recoded that way both fits solve the same strongly convex problem.
    y_pm = np.where(target == ours.classes_[1], 1.0, -1.0)
    alpha = 1.0 / (C * len(y))
    rounding = 4 * _sum_rounding(len(y), 1.0)  # the objectives are below 1
    gaps = [certified_logistic_gap(X, y_pm, fit.coef_[0], fit.intercept_[0], alpha, 0.5)
            + rounding for fit in (ours, theirs)]
    mu = alpha * 0.5
    allowed = sum(np.sqrt(2 * max(gap, 0.0) / mu) for gap in gaps)
    assert np.linalg.norm(ours.coef_ - theirs.coef_) <= allowed
    # Predictions follow scikit-learn's conventions exactly, from fastreg's parameters.
    twin = _twin(ours)
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))
    assert ours.predict(X).dtype == twin.predict(X).dtype
    np.testing.assert_allclose(ours.decision_function(X), twin.decision_function(X),
                               rtol=1e-12, atol=1e-12)
    # Probabilities lie in [0, 1]: each side rounds them by at most an ulp of 1.
    np.testing.assert_allclose(ours.predict_proba(X), twin.predict_proba(X), rtol=0,
                               atol=2 * EPS)
    np.testing.assert_allclose(ours.predict_log_proba(X), np.log(twin.predict_proba(X)),
                               rtol=1e-12, atol=2 * EPS)
    assert ours.score(X, target) == twin.score(X, target)


def test_log_probabilities_stay_finite_at_extreme_margins():
    X, y, _ = make_classification_data()
    model = fastreg.LogisticRegression(C=C).fit(X, y)
    scores = model.decision_function(1e3 * X)
    assert np.abs(scores).max() > 800  # exp(-800) underflows: log(proba) would be -inf
    log_proba = model.predict_log_proba(1e3 * X)
    assert np.isfinite(log_proba).all()
    # log sigmoid(t) = -max(-t, 0) - log(1 + exp(-|t|)), evaluated without overflow.
    for column, sign in ((0, -1.0), (1, 1.0)):
        t = sign * scores
        np.testing.assert_allclose(log_proba[:, column], -np.maximum(-t, 0.0)
                                   - np.log1p(np.exp(-np.abs(t))), rtol=1e-12)
    proba = model.predict_proba(1e3 * X)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=2 * EPS)


@pytest.mark.parametrize(("y", "match"), [
    (np.arange(80) % 3, "3 classes"),
    (np.zeros(80), "one class"),
    (np.linspace(0, 1, 80), "Unknown label type"),
    (np.column_stack([np.arange(80) % 2, np.arange(80) % 2]), "1-dimensional"),
], ids=["three-classes", "one-class", "continuous", "multilabel"])
def test_anything_but_two_classes_is_a_clear_error(y, match):
    X, _, _ = make_classification_data()
    with pytest.raises(ValueError, match=match):
        fastreg.LogisticRegression().fit(X, y)


@pytest.mark.parametrize("y", [np.arange(80) % 3, np.zeros(80)], ids=["three", "one"])
def test_logistic_path_needs_exactly_two_classes(y):
    X, _, _ = make_classification_data()
    with pytest.raises(ValueError, match="exactly 2 classes in y"):
        fastreg.logistic_path(X, y, n_alphas=3)


# --- warm starts, dtypes, memory ---------------------------------------------------------------

def test_warm_start_reuses_the_previous_solution():
    X, y, sw = make_classification_data()
    params = {"tol": 1e-8, "max_iter": MAX_ITER}
    model = fastreg.LogisticRegression(C=C, warm_start=True, **params).fit(X, y,
                                                                           sample_weight=sw)
    first = model.n_iter_[0]
    assert first > 5
    # Refitting the same problem starts at a certified point: no epoch is needed.
    assert model.fit(X, y, sample_weight=sw).n_iter_[0] == 0
    # A nearby C starts near its solution: fewer epochs than from scratch, same optimum.
    warm = model.set_params(C=1.2 * C).fit(X, y, sample_weight=sw)
    cold = fastreg.LogisticRegression(C=1.2 * C, **params).fit(X, y, sample_weight=sw)
    assert warm.n_iter_[0] < cold.n_iter_[0]
    alpha = 1.0 / (1.2 * C * sw.sum())
    values = [logistic_objective(X, y, fit.coef_[0], fit.intercept_[0], alpha, 1.0, sw)
              for fit in (warm, cold)]
    assert abs(values[0] - values[1]) <= warm.dual_gap_ + cold.dual_gap_ + _sum_rounding(
        len(y), values[1])
    # Without warm_start every fit starts from scratch.
    again = fastreg.LogisticRegression(C=C, **params)
    assert again.fit(X, y, sample_weight=sw).n_iter_[0] == again.fit(
        X, y, sample_weight=sw).n_iter_[0] == first


def test_warm_start_does_not_reuse_a_solution_for_other_classes():
    X, y, _ = make_classification_data()
    model = fastreg.LogisticRegression(C=C, warm_start=True, tol=1e-8).fit(X, y)
    swapped = model.fit(X, np.where(y > 0, 5, 9))  # classes (5, 9): +1 becomes 5, the first
    alpha = 1.0 / (C * len(y))
    gap = certified_logistic_gap(X, -y, swapped.coef_[0], swapped.intercept_[0], alpha, 1.0)
    assert gap <= 1e-8 * 2 * np.log(2)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_float32_data_are_used_in_place(fmt):
    """A canonical float32 X (Fortran-ordered, or CSC) is neither copied nor converted: the
    fit allocates O(n + p) work arrays only, and coef_ stays float32."""
    rng = np.random.default_rng(0)
    n, p = 4000, 300
    X64 = rng.normal(size=(n, p))
    if fmt == "csc":
        X64[rng.random((n, p)) > 0.3] = 0.0
    y = np.where(X64[:, 0] - X64[:, 1] + rng.normal(size=n) > 0, 1, 0)
    X = as_format(X64, fmt, np.float32)
    size = X.nbytes if fmt == "dense" else X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    del X64
    model = fastreg.LogisticRegression(C=0.01)
    model.fit(X, y)  # compile (or load) every kernel the fit uses outside the measurement
    tracemalloc.start()
    try:
        model.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert model.coef_.dtype == np.float32 and np.count_nonzero(model.coef_) >= 2
    # A float64 copy would be 200%, a float32 copy 100%; n-vectors of float64 are 0.7% each.
    assert peak < 0.5 * size, f"peak {peak / 1e6:.1f} MB vs X {size / 1e6:.1f} MB"


def test_sparse_coef_and_pickle():
    X, y, sw = make_classification_data()
    model = fastreg.LogisticRegression(C=C).fit(sp.csc_matrix(X), y, sample_weight=sw)
    assert sp.issparse(model.sparse_coef_)
    np.testing.assert_array_equal(model.sparse_coef_.toarray(), model.coef_)
    restored = pickle.loads(pickle.dumps(model))
    for attribute in ("classes_", "coef_", "intercept_", "n_iter_"):
        np.testing.assert_array_equal(getattr(restored, attribute), getattr(model, attribute),
                                      strict=True)
    assert restored.dual_gap_ == model.dual_gap_
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X),
                                  strict=True)
    assert clone(model).get_params().keys() == model.get_params().keys()


# --- non-unique coefficients ------------------------------------------------------------------

def _text_like(seed=0):
    """Word-count features (log1p of Poisson counts, a few frequent words and many rare ones)
    as CSC, with columns 0-7 duplicated and columns 8-11 duplicated at twice their scale."""
    rng = np.random.default_rng(seed)
    n, vocabulary = 200, 60
    counts = rng.poisson(rng.gamma(0.3, 2.0, size=vocabulary), size=(n, vocabulary))
    X = np.log1p(counts)
    coef = np.zeros(vocabulary)
    coef[[0, 1, 8, 9, 20]] = [1.0, -1.0, 0.8, -0.6, 0.5]
    y = np.where(rng.random(n) < expit(X @ coef - 0.2), 1.0, -1.0)
    X_dup = np.hstack([X, X[:, :8], 2 * X[:, 8:12]])
    return X, sp.csc_matrix(X_dup), y


def test_duplicated_columns_reach_the_optimum_of_the_deduplicated_problem():
    """With an L1 penalty a coefficient may be split in any way between two copies of a
    column (the solution is not unique), but the optimum is that of the problem without the
    copies: for copies ``x`` and ``2x`` the cheapest split ``a x + b 2x`` of ``c x`` costs
    ``|c| / 2``, so the column of ``x`` keeps a penalty factor of 1/2."""
    X, X_dup, y = _text_like()
    model = fastreg.LogisticRegression(C=C, tol=TOL, max_iter=MAX_ITER).fit(X_dup, y)
    alpha = 1.0 / (C * len(y))
    factors = np.ones(X.shape[1])
    factors[8:12] = 0.5
    coef, intercept = logistic_reference_fit(X, y, alpha, 1.0, penalty_factor=factors)
    best = logistic_objective(X, y, coef, intercept, alpha, 1.0, penalty_factor=factors)
    assert certified_logistic_gap(X, y, coef, intercept, alpha, 1.0,
                                  penalty_factor=factors) <= 1e-2 * OBJECTIVE_RTOL * best
    ours = logistic_objective(X_dup, y, model.coef_[0], model.intercept_[0], alpha, 1.0)
    assert ours - best <= max(model.dual_gap_, 0.0) + _sum_rounding(len(y), best)
    assert abs(ours - best) <= OBJECTIVE_RTOL * best
    # (saga needs 60x more epochs on the CSC form: its sparse intercept updates are damped)
    theirs = SkLogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=1e-10,
                                  max_iter=MAX_ITER).fit(X_dup.toarray(), y)
    value = logistic_objective(X_dup, y, theirs.coef_[0], theirs.intercept_[0], alpha, 1.0)
    assert abs(ours - value) <= OBJECTIVE_RTOL * value


def test_duplicated_columns_share_their_coefficient_under_the_elastic_net():
    """The Elastic Net's solution is unique, hence symmetric: two copies of a column get the
    same coefficient, and each fit is within ``sqrt(2 G / mu)`` of it."""
    X, X_dup, y = _text_like()
    model = fastreg.LogisticRegression(C=C, l1_ratio=0.5, tol=TOL, max_iter=MAX_ITER).fit(
        X_dup, y)
    alpha = 1.0 / (C * len(y))
    coef = model.coef_[0]
    gap = certified_logistic_gap(X_dup, y, coef, model.intercept_[0], alpha, 0.5)
    gap = max(gap, 0.0) + 4 * _sum_rounding(len(y), 1.0)
    radius = np.sqrt(2 * gap / (alpha * 0.5))
    assert np.count_nonzero(coef[:8]) >= 2
    np.testing.assert_allclose(coef[:8], coef[60:68], rtol=0, atol=2 * radius)


# --- scikit-learn's estimator checks ------------------------------------------------------------

# A check that cannot pass goes here with its reason (made a strict xfail: a check that
# starts passing must lose its entry).  Every check passes.
EXPECTED_FAILED_CHECKS = {}


def _strict(checks):
    """scikit-learn's parametrization with its xfail marks made strict."""
    params = []
    for param in checks.mark.args[1]:
        values, marks = (param.values, param.marks) if hasattr(param, "values") else (param,
                                                                                      ())
        marks = [pytest.mark.xfail(strict=True, **mark.kwargs) if mark.name == "xfail"
                 else mark for mark in marks]
        params.append(pytest.param(*values, marks=marks))
    return pytest.mark.parametrize(checks.mark.args[0], params, **checks.mark.kwargs)


@_strict(parametrize_with_checks([fastreg.LogisticRegression()],
                                 expected_failed_checks=lambda _: EXPECTED_FAILED_CHECKS))
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --- regressions: defects these tests found (fixed) --------------------------------------------

def test_every_method_before_fit_raises_not_fitted():
    X, _, _ = make_classification_data()
    model = fastreg.LogisticRegression()
    for method in (model.predict, model.decision_function, model.predict_proba,
                   model.predict_log_proba):
        with pytest.raises(NotFittedError):
            method(X)


def test_zero_sample_weights_equal_dropping_the_samples():
    """A weight of 0 removes a sample from the objective (it made newton_weights divide 0
    by 0)."""
    X, y, sw = make_classification_data()
    sw = sw.copy()
    sw[:10] = 0.0
    params = {"C": C, "tol": TOL, "max_iter": MAX_ITER}
    weighted = fastreg.LogisticRegression(**params).fit(X, y, sample_weight=sw)
    dropped = fastreg.LogisticRegression(**params).fit(X[10:], y[10:], sample_weight=sw[10:])
    alpha = 1.0 / (C * sw.sum())
    values = [logistic_objective(X[10:], y[10:], fit.coef_[0], fit.intercept_[0], alpha, 1.0,
                                 sw[10:]) for fit in (weighted, dropped)]
    assert abs(values[0] - values[1]) <= weighted.dual_gap_ + dropped.dual_gap_ + (
        _sum_rounding(len(y), values[1]))


def test_balanced_class_weights_count_the_sample_weights():
    """scikit-learn balances the weighted class totals (fastreg counted samples)."""
    X, y, sw = make_classification_data()
    params = {"C": C, "class_weight": "balanced", "tol": 1e-10, "max_iter": MAX_ITER}
    ours = fastreg.LogisticRegression(**params).fit(X, y, sample_weight=sw)
    theirs = SkLogisticRegression(solver="saga", l1_ratio=1.0, **params).fit(
        X, y, sample_weight=sw)
    per_class = compute_class_weight("balanced", classes=np.array([-1.0, 1.0]), y=y,
                                     sample_weight=sw)
    s = sw * per_class[(y > 0).astype(int)]
    alpha = 1.0 / (C * s.sum())
    values = [logistic_objective(X, y, fit.coef_[0], fit.intercept_[0], alpha, 1.0, s)
              for fit in (ours, theirs)]
    assert abs(values[0] - values[1]) <= OBJECTIVE_RTOL * values[1]


def test_a_column_vector_y_is_raveled_with_a_warning():
    X, y, _ = make_classification_data()
    with pytest.warns(DataConversionWarning):
        column = fastreg.LogisticRegression(C=C).fit(X, y[:, np.newaxis])
    flat = fastreg.LogisticRegression(C=C).fit(X, y)
    np.testing.assert_array_equal(column.coef_, flat.coef_, strict=True)


def _unpenalized_cases():
    """Reproducers with an unpenalized feature: ``(X, y, sw, factors, l1_ratio,
    fit_intercept, C, tol)``."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 20))
    X[rng.random(X.shape) > 0.6] = 0.0
    X[:, 0] += 2.0
    y = np.where(X[:, 1] - X[:, 2] + 0.5 * X[:, 0] + rng.normal(size=80) > 1, 1.0, -1.0)
    sw = rng.uniform(0.2, 3.0, size=80)
    factors = rng.uniform(0.2, 3.0, size=20)
    factors[3] = 0.0
    tiny = np.array([[4.04091912, 0.0], [2.41809885, 1.43223039], [1.54735071, 1.78440284]])
    large = np.array([[0.0, -8.0], [0.0, 1.0], [0.0, 20.0], [0.0, -4.0], [0.0, 10.0],
                      [0.0, 20.0]])
    return {
        # (fixed) dual_gap_ was -4.6e-5, the fit 2e-6 above the optimum
        "enet": (X, y, sw, factors, 0.5, True, C, 1e-10),
        # (fixed) dual_gap_ was 3.9e-5, the fit 5.5e-5 above the optimum
        "lasso": (tiny, np.array([1.0, -1.0, -1.0]), None, np.array([0.0, 1.83845623]), 1.0,
                  False, 1 / (3 * 0.29160636474308554), 1e-4),
        # the only feature unpenalized, margins of 20: the fit stops after 2 epochs at
        # w = 0.108 (the optimum is 0.199, 0.038 lower) reporting dual_gap_ = -0.097
        "large-values": (large, np.array([-1.0, -1.0, 1.0, 1.0, 1.0, 1.0]), None,
                         np.array([1.0, 0.0]), 1.0, False, 1 / (6 * 0.2), 1e-4),
    }


@pytest.mark.parametrize("name", [
    "enet", "lasso",
    # Its shifted dual point leaves the box; the Newton-system point of the unpenalized
    # coordinate certifies it (it stopped after 2 epochs at half the optimum before).
    "large-values",
])
def test_an_unpenalized_feature_keeps_the_gap_a_bound(name):
    X, y, sw, factors, l1_ratio, fit_intercept, C_, tol = _unpenalized_cases()[name]
    model = fastreg.LogisticRegression(C=C_, l1_ratio=l1_ratio, penalty_factor=factors,
                                       fit_intercept=fit_intercept, tol=tol,
                                       max_iter=MAX_ITER).fit(X, y, sample_weight=sw)
    s = np.ones(len(y)) if sw is None else sw
    alpha = 1.0 / (C_ * s.sum())
    kwargs = {"sample_weight": sw, "penalty_factor": factors, "fit_intercept": fit_intercept}
    value = logistic_objective(X, y, model.coef_[0], model.intercept_[0], alpha, l1_ratio, sw,
                               factors)
    best = logistic_objective(X, y, *logistic_reference_fit(X, y, alpha, l1_ratio, **kwargs),
                              alpha, l1_ratio, sw, factors)
    rounding = _sum_rounding(len(y), value)
    assert model.dual_gap_ >= -rounding
    assert value - best <= model.dual_gap_ + rounding


def test_positive_with_an_unpenalized_feature_converges():
    """Under positive a zero coefficient with a negative slope is optimal: its stationarity
    term must vanish (it did not, and the fit ran ~5000 epochs to a ConvergenceWarning)."""
    X, y, sw = make_classification_data()
    factors = np.ones(X.shape[1])
    factors[1] = 0.0  # the true coefficient of feature 1 is negative: 0 under positive
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = fastreg.LogisticRegression(C=C, positive=True, penalty_factor=factors,
                                           tol=1e-8, max_iter=200).fit(X, y,
                                                                       sample_weight=sw)
    assert model.coef_[0, 1] == 0.0
    assert model.dual_gap_ <= 1e-8 * 2 * np.log(2)


def test_a_tight_tolerance_is_reached_within_max_iter():
    """Newton steps are bounded by max_iter, not by a fixed 50 (float32 dense data at
    tol=1e-10 stopped after 238 epochs, above the tolerance)."""
    X, y, sw = make_classification_data()
    X = np.asfortranarray(X, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fastreg.LogisticRegression(C=C, tol=1e-10, max_iter=MAX_ITER).fit(X, y,
                                                                         sample_weight=sw)


# --- LogisticRegressionCV -----------------------------------------------------------------------

def _fold_scores_by_single_fits(X, y, Cs, folds, l1_ratio, scoring):
    """Each fold's score at each C from independent single fits at that C (no path, no warm
    start): the scores LogisticRegressionCV must reproduce."""
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    scores = np.empty((len(folds), len(Cs)))
    for f, (train, test) in enumerate(folds):
        for k, C_value in enumerate(Cs):
            model = fastreg.LogisticRegression(C=C_value, l1_ratio=l1_ratio, tol=1e-10,
                                               max_iter=MAX_ITER).fit(X[train], y[train])
            if scoring == "neg_log_loss":
                scores[f, k] = -log_loss(y[test], model.predict_proba(X[test]),
                                         labels=model.classes_)
            elif scoring == "accuracy":
                scores[f, k] = accuracy_score(y[test], model.predict(X[test]))
            else:
                scores[f, k] = roc_auc_score(y[test], model.decision_function(X[test]))
    return scores


@pytest.mark.parametrize("scoring", ["neg_log_loss", "accuracy", "roc_auc"])
@pytest.mark.parametrize("rule", ["min", "1se"])
def test_logistic_cv_scores_and_choice_equal_single_fits(scoring, rule):
    from sklearn.model_selection import StratifiedKFold

    X, y, _ = make_classification_data(120, 20)
    Cs = np.array([0.02, 0.05, 0.1, 0.3, 1.0])
    cv = StratifiedKFold(3)
    model = fastreg.LogisticRegressionCV(Cs=Cs, cv=cv, scoring=scoring, rule=rule, tol=1e-10,
                                         max_iter=MAX_ITER).fit(X, y)
    folds = list(cv.split(X, y))
    expected = _fold_scores_by_single_fits(X, y, Cs, folds, 1.0, scoring)
    # Coefficients within tol=1e-10 of the optimum move a log-loss by about 1e-5 at most; an
    # accuracy or an AUC only where a test margin sits on a tie, which these data do not have.
    np.testing.assert_allclose(model.scores_, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.Cs_, Cs)
    mean = expected.mean(axis=0)
    best = int(np.argmax(mean))
    if rule == "1se":
        se = expected[:, best].std(ddof=1) / np.sqrt(len(folds))
        best = int(np.flatnonzero(mean >= mean[best] - se)[0])  # the smallest such C
    assert model.C_ == pytest.approx(Cs[best], rel=1e-12)
    final = fastreg.LogisticRegression(C=Cs[best], tol=1e-10, max_iter=MAX_ITER).fit(X, y)
    np.testing.assert_allclose(model.coef_, final.coef_, atol=1e-6)


def test_logistic_cv_generated_grid_starts_at_the_all_zero_model():
    X, y, sw = make_classification_data()
    model = fastreg.LogisticRegressionCV(Cs=8, eps=1e-2, cv=3).fit(X, y, sample_weight=sw)
    alphas = 1.0 / (model.Cs_ * sw.sum())
    np.testing.assert_allclose(alphas[-1] / alphas[0], 1e-2, rtol=1e-12)
    at_max = fastreg.LogisticRegression(C=model.Cs_[0], tol=1e-10).fit(X, y, sample_weight=sw)
    assert not at_max.coef_.any()  # C_min is the largest penalty with all coefficients zero
    slightly_more = fastreg.LogisticRegression(C=model.Cs_[0] * 1.01, tol=1e-10).fit(
        X, y, sample_weight=sw)
    assert slightly_more.coef_.any()


def test_logistic_cv_rejects_bad_parameters():
    X, y, _ = make_classification_data()
    for params, match in [({"scoring": "r2"}, "scoring"), ({"rule": "2se"}, "rule"),
                          ({"Cs": [0.1, -1.0]}, "Cs"), ({"Cs": 0}, "Cs"),
                          ({"l1_ratios": [1.5]}, "l1_ratios"),
                          ({"l1_ratios": [0.0]}, "l1_ratio=0")]:
        with pytest.raises((ValueError, TypeError), match=match):
            fastreg.LogisticRegressionCV(cv=3, **params).fit(X, y)


def test_roc_auc_from_ranks_equals_sklearn():
    from sklearn.metrics import roc_auc_score

    from fastreg._classifiers import _roc_auc

    rng = np.random.default_rng(0)
    positive = rng.random(60) < 0.4
    margins = np.round(rng.normal(size=(60, 6)), 1)  # ties within columns
    margins[:, 0] = 0.0  # all tied: 0.5
    expected = [roc_auc_score(positive, margins[:, k]) for k in range(6)]
    np.testing.assert_allclose(_roc_auc(positive, margins, None), expected, rtol=1e-14)
    weights = rng.uniform(0.5, 2.0, size=60)
    expected = [roc_auc_score(positive, margins[:, k], sample_weight=weights)
                for k in range(6)]
    np.testing.assert_allclose(_roc_auc(positive, margins, weights), expected, rtol=1e-14)


@_strict(parametrize_with_checks([fastreg.LogisticRegressionCV(Cs=4, cv=3)],
                                 expected_failed_checks=lambda _: EXPECTED_FAILED_CHECKS))
def test_logistic_cv_is_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("C", [0.5, 2.0])
def test_elastic_net_with_more_non_zeros_than_samples_converges(C):
    """An Elastic Net's support can exceed n, where the working sets of the Lasso stop
    growing: a set solved to its tolerance that moves nothing must grow past that cap (it
    was solved again, unchanged, for 100 rounds and the fit stopped with a gap 1e5 times its
    tolerance)."""
    from fastreg.datasets import make_correlated_classification

    X, labels, _ = make_correlated_classification(60, 600, 12, rho=0.9, random_state=0)
    y = np.where(labels > 0, 1.0, -1.0)
    model = fastreg.LogisticRegression(C=C, l1_ratio=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    coef, intercept = model.coef_[0], model.intercept_[0]
    assert np.count_nonzero(coef) > X.shape[0]
    alpha = 1.0 / (C * X.shape[0])
    gap = certified_logistic_gap(X, y, coef, intercept, alpha, 0.3)
    null_loss = np.log(2.0)  # an upper bound of the intercept-only model's mean loss
    assert gap <= 2e-4 * 2 * null_loss
