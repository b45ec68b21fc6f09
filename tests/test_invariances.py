"""The invariances a user takes for granted, stated for every model and held at column
magnitudes from 1e-8 to 1e8 (hypothesis draws the data, the model and the magnitude).

Each test fits two problems that are the same problem written two ways (a column shifted, rows
duplicated, rows permuted...) and compares the fits through the *reference* objective, computed
here in float64 with NumPy, never by fastreg.  Both fits carry a duality gap that bounds their
suboptimality (``P(w) - P* <= gap``), so the reference objectives of the two fits may differ by
at most the sum of the two gaps: that is the tolerance, plus the rounding of evaluating the
objective (``1e-12`` of it).  Where the objective is strongly convex (an L2 part, ``mu =
alpha (1 - l1_ratio) min f``), the gaps also bound the coefficients: ``||w - w*|| <= sqrt(2 gap
/ mu)``, and the coefficients are compared at that tolerance.

Magnitudes: a shifted column is ``x + 10^k sd(x)``; the reference problem is the shifted data
with the shift subtracted again in float64 (``fl(x + s) - s`` is exact), i.e. the very problem
the solver was given, so rounding of the data plays no part.  A scaled column is ``10^k x``.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import fastreg

TOL = 1e-10
MODELS = ["lasso", "enet", "enet-standardized", "logistic", "solve", "ridge"]
FORMATS = ["dense", "csc"]
DTYPES = [np.float64, np.float32]
# derandomize and no example database: every run draws the same examples.
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _data(seed, n=40, p=8, logistic=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    coef = np.zeros(p)
    coef[:3] = [1.5, -2.0, 1.0]
    y = X @ coef + 0.5 * rng.standard_normal(n)
    if logistic:
        y = np.where(y > np.median(y), 1.0, -1.0)
    return X, y


def _alpha(model, X, y):
    if model == "logistic":
        return 0.5  # C
    if model == "ridge":
        return 1.0
    yc = y - y.mean()
    return 0.1 * np.abs((X - X.mean(axis=0)).T @ yc).max() / len(y)


def _as(X, fmt, dtype):
    X = np.asarray(X, dtype=dtype)
    return sp.csc_matrix(X) if fmt == "csc" else np.asfortranarray(X)


def _shifted(X, column, exponent, dtype=np.float64):
    """``(shifted, reference, step)``: X with ``column`` shifted by ``10^exponent`` of its
    spread and held in ``dtype``, and the problem that gives the solver, the shift taken back
    out exactly in float64 (``fl(x + s) - s`` is exact)."""
    step = 10.0**exponent * X[:, column].std()
    shifted = X.copy()
    shifted[:, column] += step
    shifted = shifted.astype(dtype).astype(np.float64)
    reference = shifted.copy()
    reference[:, column] -= step
    return shifted, reference, step


def _logistic_tol(X):
    """The logistic fits' tol: TOL, or what the Newton steps can certify on columns far from
    zero, whose Newton-weighted means hold ``eps |m_j|`` of rounding that the intercept
    carries into the linear predictor (about ``1e-15 max_j |m_j| / sd_j`` of the loss;
    measured: a gap of 1.3e-9 at 1e7 spreads, 6e-8 at 1e8)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
    spread = X.std(axis=0)
    ratio = np.abs(X.mean(axis=0))[spread > 0] / spread[spread > 0]
    return max(TOL, 1e-15 * ratio.max(initial=0.0))


def _fit(model, X, y, sample_weight=None, penalty_factor=None, alpha=1.0):
    """(coef, intercept, gap) of ``model`` on (X, y), with warnings of non-convergence as
    errors (a gap above tol would make the tolerance meaningless)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        if model == "solve":
            result = fastreg.solve(X, y, alpha, 1.0, sample_weight=sample_weight,
                                   penalty_factor=penalty_factor, tol=TOL)
            return np.asarray(result.coef), result.intercept, result.dual_gap
        if model == "ridge":
            est = fastreg.Ridge(alpha=alpha).fit(X, y, sample_weight=sample_weight)
            return est.coef_, float(est.intercept_), None
        if model == "logistic":
            est = fastreg.LogisticRegression(C=alpha, tol=_logistic_tol(X),
                                             penalty_factor=penalty_factor)
            est.fit(X, y, sample_weight=sample_weight)
            return est.coef_.ravel(), float(est.intercept_[0]), est.dual_gap_
        l1_ratio = 1.0 if model == "lasso" else 0.5
        est = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL,
                                 penalty_factor=penalty_factor,
                                 standardize=model == "enet-standardized")
        est.fit(X, y, sample_weight=sample_weight)
        return est.coef_, float(est.intercept_), est.dual_gap_


def _objective(model, X, y, sample_weight, coef, intercept, penalty_factor=None, alpha=1.0):
    """The model's objective in the scale its gap is reported in (means over the weights),
    in float64 from first principles, on X centered by two passes.  Least squares profiles
    the intercept out (its optimum given w); the logistic loss takes the fit's intercept,
    moved to the centered columns (``b + m . w``)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    X = X.astype(np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor)
    mean = s @ X / s.sum()
    centered = X - mean
    if model == "logistic":
        z = centered @ coef + (intercept + mean @ coef)
        loss = s @ np.logaddexp(0.0, -y * z) / s.sum()
        return loss + (f @ np.abs(coef)) / (alpha * s.sum())
    residual = (y - s @ y / s.sum()) - centered @ coef
    if model == "ridge":  # scikit-learn's Ridge: sums, not means
        return s @ residual**2 + alpha * coef @ coef
    loss = 0.5 * s @ residual**2 / s.sum()
    l1_ratio = 1.0 if model in ("lasso", "solve") else 0.5
    if model == "enet-standardized":
        mean = s @ X / s.sum()
        sd = np.sqrt(s @ (X - mean) ** 2 / s.sum())
        sd[sd == 0] = 1.0
        l1, l2 = f * sd, f * sd**2
    else:
        l1, l2 = f, f
    return loss + alpha * (l1_ratio * l1 @ np.abs(coef) + 0.5 * (1 - l1_ratio) * l2 @ coef**2)


def _assert_same_problem(model, first, second, reference, alpha):
    """Both fits within their gaps of the reference problem's minimum (and, where it is
    strongly convex, of each other's coefficients)."""
    X, y, sample_weight, penalty_factor = reference
    if model == "ridge":
        first, second = (_with_ridge_certificate(fit, reference, alpha)
                         for fit in (first, second))
    rounding = [_rounding_bound(model, reference, fit[0], alpha) for fit in (first, second)]
    # A gap is a difference of two sums: near 0 its rounding can make it negative.
    first, second = ((np.asarray(c, np.float64), b, max(g, 0.0)) for c, b, g in (first, second))
    values = [_objective(model, X, y, sample_weight, coef, b, penalty_factor, alpha)
              for coef, b, _ in (first, second)]
    bound = (first[2] + second[2] + rounding[0][0] + rounding[1][0]
             + 1e-12 * max(abs(values[0]), 1e-300))
    if model == "logistic":
        # A float64 intercept near -m . w holds it to eps (|b| + |m| . |w|): the loss is
        # 1-Lipschitz in it.
        Xd = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
        bound += sum(8 * np.finfo(np.float64).eps * (abs(b) + np.abs(Xd).max(axis=0)
                                                     @ np.abs(coef)) for coef, b, _ in
                     (first, second))
    assert abs(values[0] - values[1]) <= bound, (values, first[2], second[2])
    if model == "ridge":  # Hessian 2 (X_c^T S X_c + alpha I): mu = 2 alpha
        radius = np.sqrt(first[2] / alpha) + np.sqrt(second[2] / alpha)  # at the output
        assert np.linalg.norm(first[0] - second[0]) <= radius + 1e-9 * np.linalg.norm(
            first[0]), (first[0], second[0], radius)
    if model.startswith("enet"):
        mu = alpha * 0.5 * (np.min(penalty_factor) if penalty_factor is not None else 1.0)
        if model == "enet-standardized":
            Xd = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
            s = np.ones(len(y)) if sample_weight is None else sample_weight
            sd = np.sqrt(s @ (Xd - s @ Xd / s.sum()) ** 2 / s.sum())
            mu *= np.min(np.where(sd > 0, sd, 1.0)) ** 2
        radius = (np.sqrt(2 * first[2] / mu) + np.sqrt(2 * second[2] / mu)
                  + rounding[0][1] + rounding[1][1])
        assert np.linalg.norm(first[0] - second[0]) <= radius + 1e-9 * np.linalg.norm(
            first[0]), (first[0], second[0], radius)


def _rounding_bound(model, reference, coef, alpha):
    """What rounding the certified float64 coefficients to a float32 output can add: each
    moves by at most ``eps32 |w_j|`` (``delta``), so the objective by at most ``sum_j delta_j
    (|g_j| + p_j) + L ||delta||^2 / 2`` (``g`` the smooth part's gradient, ``p_j`` the
    penalty's slope near ``w_j``, ``L`` the smooth part's curvature bound), and the
    coefficients by ``||delta||``.  ``(0, 0)`` for float64 output and for Ridge, whose
    certificate is taken at the output itself."""
    if np.asarray(coef).dtype != np.float32 or model == "ridge":
        return 0.0, 0.0
    X, y, sample_weight, penalty_factor = reference
    X = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor)
    w = np.asarray(coef, np.float64)
    delta = np.finfo(np.float32).eps * np.abs(w)
    centered = X - s @ X / s.sum()
    curvature = np.linalg.eigvalsh(centered.T @ (s[:, None] * centered)).max() / s.sum()
    if model == "logistic":
        z = centered @ w  # the centered intercept is kept by the fit (_intercept_for)
        weights = s * y / (1.0 + np.exp(y * z))
        slope = np.abs(centered.T @ weights) / s.sum() + f / (alpha * s.sum())
        curvature /= 4.0
    else:
        residual = (y - s @ y / s.sum()) - centered @ w
        slope = np.abs(centered.T @ (s * residual)) / s.sum()
        l1_ratio = 1.0 if model in ("lasso", "solve") else 0.5
        slope = slope + alpha * f * (l1_ratio + (1 - l1_ratio) * (np.abs(w) + delta))
        if model == "enet-standardized":
            slope *= 1.0 + np.sqrt(s @ centered**2 / s.sum()).max() ** 2
    return float(delta @ slope + 0.5 * curvature * delta @ delta), float(np.linalg.norm(delta))


def _with_ridge_certificate(fit, reference, alpha):
    """A direct solver reports no gap: the ridge objective's gradient at the fit, computed
    here on the reference problem, bounds its suboptimality, ``P(w) - P* = g^T H^-1 g / 4 <=
    ||g||^2 / (4 alpha)`` (``H = X_c^T S X_c + alpha I``)."""
    X, y, sample_weight, _ = reference
    X = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    centered = X - s @ X / s.sum()
    residual = (y - s @ y / s.sum()) - centered @ fit[0]
    gradient = -2 * centered.T @ (s * residual) + 2 * alpha * fit[0]
    return fit[0], fit[1], float(gradient @ gradient) / (4 * alpha)


common = dict(seed=st.integers(0, 2**16), model=st.sampled_from(MODELS),
              fmt=st.sampled_from(FORMATS), dtype=st.sampled_from(DTYPES))


@SETTINGS
@given(**common, exponent=st.integers(-8, 8), column=st.integers(0, 7),
       shift_y=st.booleans())
def test_shifting_a_column_or_y_leaves_the_fit_unchanged(seed, model, fmt, dtype, exponent,
                                                         column, shift_y):
    X, y = _data(seed, logistic=model == "logistic")
    X = X.astype(dtype).astype(np.float64)
    shifted, reference, step = _shifted(X, column, exponent, dtype)
    y_shift = 10.0**exponent if shift_y and model != "logistic" else 0.0
    # y takes X's dtype, as in scikit-learn: the target the solver is given, with the shift
    # taken out exactly, is the reference's.
    target = (y + y_shift).astype(dtype).astype(np.float64)
    y = target - y_shift
    alpha = _alpha(model, reference, y)
    first = _fit(model, _as(reference, fmt, np.float64), y, alpha=alpha)
    second = _fit(model, _as(shifted, fmt, dtype), target, alpha=alpha)
    second = (second[0], second[1] - y_shift, second[2])
    # The intercept follows the shift: b' = b - shift w_j.
    second = (second[0], second[1] + step * second[0][column], second[2])
    _assert_same_problem(model, first, second, (reference, y, None, None), alpha)


@SETTINGS
@given(**common, exponent=st.integers(-8, 8), column=st.integers(0, 7))
def test_scaling_a_column_scales_its_coefficient(seed, model, fmt, dtype, exponent, column):
    """``standardize=True``: the fit is unchanged and the coefficient scales by 1 / c.
    Otherwise the Lasso (and the logistic L1) with the penalty factor ``c`` on that column
    solves the same problem (the objective's L1 term is ``f_j |w_j|``)."""
    if model in ("enet", "ridge"):
        model = "enet-standardized"  # without standardize the L2 term is not invariant
    X, y = _data(seed, logistic=model == "logistic")
    X, y = X.astype(dtype).astype(np.float64), y.astype(dtype).astype(np.float64)
    c = 10.0**exponent
    scaled = X.copy()
    scaled[:, column] *= c
    scaled = scaled.astype(dtype).astype(np.float64)
    reference = scaled.copy()
    reference[:, column] /= c
    factors = None
    scaled_factors = None
    if model != "enet-standardized":
        factors = np.ones(X.shape[1])
        scaled_factors = factors.copy()
        scaled_factors[column] = c
    alpha = _alpha(model, reference, y)
    first = _fit(model, _as(reference, fmt, np.float64), y, penalty_factor=factors,
                 alpha=alpha)
    second = _fit(model, _as(scaled, fmt, dtype), y, penalty_factor=scaled_factors,
                  alpha=alpha)
    back = second[0].copy()
    back[column] *= c
    _assert_same_problem(model, first, (back, second[1], second[2]),
                         (reference, y, None, factors), alpha)


@SETTINGS
@given(**common)
def test_duplicated_rows_equal_integer_weights(seed, model, fmt, dtype):
    X, y = _data(seed, logistic=model == "logistic")
    counts = np.random.default_rng(seed).integers(1, 4, len(y))
    rows = np.repeat(np.arange(len(y)), counts)
    alpha = _alpha(model, X, y)
    first = _fit(model, _as(X, fmt, dtype), y, sample_weight=counts.astype(float), alpha=alpha)
    second = _fit(model, _as(X[rows], fmt, dtype), y[rows], alpha=alpha)
    reference = (np.asarray(X, dtype).astype(np.float64), y, counts.astype(float), None)
    _assert_same_problem(model, first, second, reference, alpha)


@SETTINGS
@given(**common)
def test_permuting_rows_and_columns(seed, model, fmt, dtype):
    X, y = _data(seed, logistic=model == "logistic")
    rng = np.random.default_rng(seed)
    rows, columns = rng.permutation(len(y)), rng.permutation(X.shape[1])
    alpha = _alpha(model, X, y)
    first = _fit(model, _as(X, fmt, dtype), y, alpha=alpha)
    permuted = _fit(model, _as(X[rows][:, columns], fmt, dtype), y[rows], alpha=alpha)
    back = np.empty_like(permuted[0])
    back[columns] = permuted[0]
    reference = (np.asarray(X, dtype).astype(np.float64), y, None, None)
    _assert_same_problem(model, first, (back, permuted[1], permuted[2]), reference, alpha)


@SETTINGS
@given(**common)
def test_a_row_of_weight_zero_equals_removing_it(seed, model, fmt, dtype):
    X, y = _data(seed, logistic=model == "logistic")
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 2.0, len(y))
    dropped = rng.choice(len(y), 5, replace=False)
    weights[dropped] = 0.0
    kept = weights > 0
    alpha = _alpha(model, X, y)
    first = _fit(model, _as(X, fmt, dtype), y, sample_weight=weights, alpha=alpha)
    second = _fit(model, _as(X[kept], fmt, dtype), y[kept], sample_weight=weights[kept],
                  alpha=alpha)
    reference = (np.asarray(X, dtype).astype(np.float64), y, weights, None)
    _assert_same_problem(model, first, second, reference, alpha)


@SETTINGS
@given(seed=st.integers(0, 2**16), model=st.sampled_from(MODELS),
       dtype=st.sampled_from(DTYPES), exponent=st.integers(-8, 8))
@example(seed=0, model="logistic", dtype=np.float64, exponent=7)  # tol at the logistic floor
@example(seed=0, model="lasso", dtype=np.float32, exponent=8)
def test_dense_and_csc_agree(seed, model, dtype, exponent):
    X, y = _data(seed, logistic=model == "logistic")
    X[:, 0] += 10.0**exponent  # a column stored in full, far from zero or near it
    weights = np.random.default_rng(seed).uniform(0.5, 2.0, len(y))
    alpha = _alpha(model, X, y)
    first = _fit(model, _as(X, "dense", dtype), y, sample_weight=weights, alpha=alpha)
    second = _fit(model, _as(X, "csc", dtype), y, sample_weight=weights, alpha=alpha)
    reference = (np.asarray(X, dtype).astype(np.float64), y, weights, None)
    _assert_same_problem(model, first, second, reference, alpha)


@pytest.mark.parametrize("shift", [1e6, 1e7, 1e8])
def test_lasso_on_a_column_far_from_zero_equals_scikit_learn(shift):
    """The issue's case: one column shifted by 1e6..1e8 (sd 0.69).  The fit used to be
    1.8e-4 off at 1e6, and at 1e7 it took the column for a constant (coefficient 0 for 1.96);
    standardize=True was 1.5e-2 off."""
    from sklearn.linear_model import Lasso

    X, y = _data(3, n=200, p=5)
    X[:, 0] = 0.69 * X[:, 0] / X[:, 0].std()
    shifted = X.copy()
    shifted[:, 0] += shift
    reference = shifted.copy()
    reference[:, 0] -= shift
    ours = fastreg.Lasso(alpha=0.05, tol=1e-12).fit(shifted, y)
    theirs = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(reference, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-9)
    assert abs(ours.coef_[0]) > 1.0
    standardized = fastreg.Lasso(alpha=0.05, tol=1e-12, standardize=True)
    np.testing.assert_allclose(standardized.fit(shifted, y).coef_,
                               standardized.fit(reference, y).coef_, rtol=1e-8, atol=1e-9)


# --- multi-task, model selection and two-stage estimators -------------------------------------


def _multitask_objective(X, Y, coef, alpha, l1_ratio=0.5):
    """MultiTaskElasticNet's objective (T x p ``coef``), intercepts profiled out."""
    centered = X - X.mean(axis=0)
    residual = (Y - Y.mean(axis=0)) - centered @ coef.T
    rows = np.sqrt((coef**2).sum(axis=0))
    return (0.5 * (residual**2).sum() / len(Y)
            + alpha * (l1_ratio * rows.sum() + 0.5 * (1 - l1_ratio) * (coef**2).sum()))


@SETTINGS
@given(seed=st.integers(0, 2**16), fmt=st.sampled_from(FORMATS),
       dtype=st.sampled_from(DTYPES), exponent=st.integers(-8, 8),
       column=st.integers(0, 7), permute=st.booleans())
def test_multitask_shift_permutation_and_format(seed, fmt, dtype, exponent, column, permute):
    """MultiTaskElasticNet (strongly convex: ``mu = alpha / 2``) on a shifted column, with
    rows and columns permuted, against the plain dense fit."""
    X, y = _data(seed)
    Y = np.column_stack([y, np.roll(y, 3)]).astype(dtype).astype(np.float64)
    X = X.astype(dtype).astype(np.float64)
    shifted, reference, step = _shifted(X, column, exponent, dtype)
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(Y)) if permute else np.arange(len(Y))
    columns = rng.permutation(X.shape[1]) if permute else np.arange(X.shape[1])
    alpha = 0.1 * np.abs((reference - reference.mean(0)).T @ (Y - Y.mean(0))).max() / len(Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = fastreg.MultiTaskElasticNet(alpha=alpha, l1_ratio=0.5, tol=TOL)
        first = model.fit(_as(reference, "dense", np.float64), Y)
        coef, gap = first.coef_.astype(np.float64), first.dual_gap_
        second = model.fit(_as(shifted[rows][:, columns], fmt, dtype), Y[rows])
    back = np.empty_like(coef)
    back[:, columns] = second.coef_
    # Rounding the output to float32 (as _rounding_bound, on the T x p matrix).
    delta = np.finfo(np.float32).eps * np.abs(back) if dtype == np.float32 else 0 * back
    centered = reference - reference.mean(axis=0)
    residual = (Y - Y.mean(axis=0)) - centered @ back.T
    slope = np.abs(centered.T @ residual).T / len(Y) + alpha * (1 + np.abs(back))
    curvature = np.linalg.eigvalsh(centered.T @ centered).max() / len(Y)
    rounding = float((delta * slope).sum() + 0.5 * curvature * (delta**2).sum())
    gaps = max(gap, 0.0), max(second.dual_gap_, 0.0)
    values = [_multitask_objective(reference, Y, c, alpha) for c in (coef, back)]
    assert abs(values[0] - values[1]) <= sum(gaps) + rounding + 1e-12 * values[0]
    radius = sum(np.sqrt(2 * g / (alpha / 2)) for g in gaps) + np.linalg.norm(delta)
    assert np.linalg.norm(coef - back) <= radius + 1e-9 * np.linalg.norm(coef)


CV_MODELS = ["lasso-cv", "enet-cv", "logistic-cv"]


def _cv_fit(model, X, y):
    from sklearn.model_selection import KFold, StratifiedKFold

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        if model == "logistic-cv":
            est = fastreg.LogisticRegressionCV(Cs=6, cv=StratifiedKFold(3),
                                               tol=_logistic_tol(X))
            est.fit(X, y)
            return (float(est.C_), est.coef_.ravel(),
                    float(est.intercept_[0]), float(np.max(est.dual_gap_)))
        kind = fastreg.LassoCV if model == "lasso-cv" else fastreg.ElasticNetCV
        est = kind(alphas=8, cv=KFold(3), tol=TOL)
        est.fit(X, y)
        return float(est.alpha_), est.coef_, float(est.intercept_), float(
            est.dual_gap_)


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), model=st.sampled_from(CV_MODELS),
       fmt=st.sampled_from(FORMATS), dtype=st.sampled_from(DTYPES),
       exponent=st.integers(-8, 8), column=st.integers(0, 7))
def test_cv_estimators_choose_the_same_under_shift_format_and_column_order(
        seed, model, fmt, dtype, exponent, column):
    """The folds (fixed splitters) see the same problems: the same alpha (C) is chosen,
    and the final fits are within their gaps of the same objective at it."""
    logistic = model == "logistic-cv"
    X, y = _data(seed, n=60, logistic=logistic)
    X, y = X.astype(dtype).astype(np.float64), y.astype(dtype).astype(np.float64)
    shifted, reference, step = _shifted(X, column, exponent, dtype)
    columns = np.random.default_rng(seed).permutation(X.shape[1])
    first = _cv_fit(model, _as(reference, "dense", np.float64), y)
    second = _cv_fit(model, _as(shifted[:, columns], fmt, dtype), y)
    assert second[0] == pytest.approx(first[0], rel=1e-12)
    back = np.empty_like(second[1])
    back[columns] = second[1]
    intercept = second[2] + step * back[column]
    kind = {"lasso-cv": "lasso", "enet-cv": "enet", "logistic-cv": "logistic"}[model]
    _assert_same_problem(kind, first[1:], (back, intercept, second[3]),
                         (reference, y, None, None), first[0])


@SETTINGS
@given(seed=st.integers(0, 2**16), fmt=st.sampled_from(FORMATS),
       exponent=st.integers(-8, 8), column=st.integers(0, 7),
       stage=st.sampled_from(["relaxed", "adaptive"]))
def test_two_stage_estimators_under_shift_and_format(seed, fmt, exponent, column, stage):
    """RelaxedLasso: the Lasso stage within its gaps of the same objective, the same support,
    and the least-squares refit on it equal to the reference's up to the rounding of that
    solve (``n eps cond(X_A)`` relative).  AdaptiveLasso: the ridge first estimate is the
    same (a direct solve, to ``n eps cond``), then the weighted Lasso within its gaps."""
    X, y = _data(seed, n=60)
    shifted, reference, step = _shifted(X, column, exponent)
    alpha = _alpha("lasso", reference, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        if stage == "relaxed":
            kind = fastreg.RelaxedLasso(alpha=alpha, gamma=0.5, tol=TOL)
        else:
            kind = fastreg.AdaptiveLasso(alpha=alpha, tol=TOL, init_alpha=1.0)
        first = kind.fit(reference, y)
        one = {name: np.copy(getattr(first, name)) for name in vars(first)
               if name.endswith("_") and not name.startswith("_")}
        second = kind.fit(_as(shifted, fmt, np.float64), y)
    centered = reference - reference.mean(axis=0)
    if stage == "relaxed":
        support = np.flatnonzero(one["support_"])
        np.testing.assert_array_equal(second.support_, one["support_"])
        lasso_one = (one["lasso_coef_"], float(one["lasso_intercept_"]), float(one["dual_gap_"]))
        lasso_two = (second.lasso_coef_, second.lasso_intercept_ + step * second.lasso_coef_[
            column], second.dual_gap_)
        _assert_same_problem("lasso", lasso_one, lasso_two, (reference, y, None, None), alpha)
        cond = np.linalg.cond(centered[:, support]) if support.size else 1.0
        np.testing.assert_allclose(second.refit_coef_, one["refit_coef_"], rtol=0,
                                   atol=len(y) * np.finfo(float).eps * cond * max(
                                       np.abs(one["refit_coef_"]).max(), 1.0))
    else:
        # The ridge first estimate: a direct solve on dense X, conjugate gradients stopped
        # at a relative residual of 1e-10 on CSC: ||w - w*|| <= 1e-10 ||b|| / lambda_min,
        # lambda_min >= init_alpha = 1 (b = X_c^T y_c); both within that of the solution,
        # plus the direct solve's rounding (n eps cond).
        b = centered.T @ (y - y.mean())
        cond = np.linalg.cond(centered.T @ centered + np.eye(X.shape[1]))
        assert np.linalg.norm(second.init_coef_ - one["init_coef_"]) <= 2e-10 * np.linalg.norm(
            b) + len(y) * np.finfo(float).eps * cond * np.linalg.norm(one["init_coef_"])
        # Given its own factors, the Lasso stage solves the reference problem with them.
        factors = np.where(np.isfinite(second.penalty_factor_), second.penalty_factor_, 0.0)
        held = ~np.isfinite(second.penalty_factor_)  # features left out (zero first estimate)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            direct = fastreg.Lasso(alpha=alpha, tol=TOL, penalty_factor=factors,
                                   lower_bounds=np.where(held, 0.0, -np.inf),
                                   upper_bounds=np.where(held, 0.0, np.inf)).fit(reference, y)
        _assert_same_problem(
            "lasso", (direct.coef_, direct.intercept_, direct.dual_gap_),
            (second.coef_, second.intercept_ + step * second.coef_[column], second.dual_gap_),
            (reference, y, None, factors), alpha)


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), model=st.sampled_from(["lasso", "enet", "enet-standardized"]),
       exponent=st.integers(-8, 8), column=st.integers(0, 7),
       blocks=st.lists(st.integers(0, 30), min_size=1, max_size=4), weighted=st.booleans())
def test_dask_blocks_give_the_in_memory_fit(seed, model, exponent, column, blocks, weighted):
    """A Dask X in row blocks (empty ones included) with a column far from zero: the fit of
    its moments is within the gaps of the in-memory fit's objective."""
    da = pytest.importorskip("dask.array")
    X, y = _data(seed)
    X[:, column] += 10.0**exponent * X[:, column].std()
    sizes = [*blocks, len(y) - sum(blocks)] if sum(blocks) < len(y) else [len(y)]
    weights = np.random.default_rng(seed).uniform(0.5, 2.0, len(y)) if weighted else None
    alpha = _alpha(model, X, y)
    first = _fit(model, X, y, sample_weight=weights, alpha=alpha)
    second = _fit(model, da.from_array(X, chunks=(tuple(sizes), X.shape[1])), y,
                  sample_weight=weights, alpha=alpha)
    _assert_same_problem(model, first, second, (X, y, weights, None), alpha)


SELECTORS = ["lasso-ic", "logistic-ic", "ridge-cv", "multitask-cv", "relaxed-cv", "adaptive-cv",
             "stability"]


def _selector(name):
    from sklearn.model_selection import KFold

    folds = KFold(3)
    return {
        "lasso-ic": lambda: fastreg.LassoIC(criterion="bic", alphas=10, tol=TOL),
        "logistic-ic": lambda: fastreg.LogisticRegressionIC(criterion="bic", alphas=6, tol=1e-8),
        "ridge-cv": lambda: fastreg.RidgeCV(alphas=(0.1, 1.0, 10.0)),
        "multitask-cv": lambda: fastreg.MultiTaskElasticNetCV(alphas=6, cv=folds, tol=TOL),
        "relaxed-cv": lambda: fastreg.RelaxedLassoCV(alphas=6, cv=folds, tol=TOL),
        "adaptive-cv": lambda: fastreg.AdaptiveLassoCV(alphas=6, cv=folds, tol=TOL,
                                                       init_alpha=1.0),
        "stability": lambda: fastreg.StabilitySelection(alphas=8, n_resampling=5, tol=TOL,
                                                        random_state=0),
    }[name]()


@settings(max_examples=21, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), name=st.sampled_from(SELECTORS),
       fmt=st.sampled_from(FORMATS), exponent=st.integers(-8, 8), column=st.integers(0, 7))
def test_selection_estimators_choose_the_same_under_shift_format_and_column_order(
        seed, name, fmt, exponent, column):
    """Information criteria, RidgeCV, multi-task CV, the two-stage CV estimators and
    stability selection make the same discrete choice (alpha, C, gamma, support, stable
    features) on a column shifted by up to 1e8 spreads, stored as CSC, columns permuted:
    the same problems up to rounding, which moves none of these choices on this data.
    Their fits are compared by the other tests of this module."""
    X, y = _data(seed, n=60, logistic=name == "logistic-ic")
    target = np.column_stack([y, np.roll(y, 5)]) if name == "multitask-cv" else y
    shifted, reference, step = _shifted(X, column, exponent)
    columns = np.random.default_rng(seed).permutation(X.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        first = _selector(name).fit(reference, target)
        second = _selector(name).fit(_as(shifted[:, columns], fmt, np.float64), target)
    for attribute in ("alpha_", "C_", "gamma_", "alphas_"):
        if hasattr(first, attribute):
            np.testing.assert_allclose(getattr(second, attribute), getattr(first, attribute),
                                       rtol=1e-9)
    if name == "stability":
        np.testing.assert_array_equal(second.support_, first.support_[columns])
    else:
        coef = np.atleast_2d(second.coef_)
        back = np.empty_like(coef)
        back[:, columns] = coef
        np.testing.assert_array_equal(back != 0, np.atleast_2d(first.coef_) != 0)
