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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import fastreg

TOL = 1e-10
MODELS = ["lasso", "enet", "enet-standardized", "logistic", "solve", "ridge"]
FORMATS = ["dense", "csc"]
DTYPES = [np.float64, np.float32]
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
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


def _fit(model, X, y, sample_weight=None, penalty_factor=None, alpha=1.0):
    """(coef, intercept, gap) of ``model`` on (X, y), with warnings of non-convergence as
    errors (a gap above tol would make the tolerance meaningless)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        if model == "solve":
            result = fastreg.solve(X, y, alpha, 1.0, sample_weight=sample_weight,
                                   penalty_factor=penalty_factor, tol=TOL)
            return np.asarray(result.coef, np.float64), result.intercept, result.dual_gap
        if model == "ridge":
            est = fastreg.Ridge(alpha=alpha).fit(X, y, sample_weight=sample_weight)
            return est.coef_.astype(np.float64), float(est.intercept_), None
        if model == "logistic":
            est = fastreg.LogisticRegression(C=alpha, tol=TOL, penalty_factor=penalty_factor)
            est.fit(X, y, sample_weight=sample_weight)
            return est.coef_.ravel().astype(np.float64), float(est.intercept_[0]), est.dual_gap_
        l1_ratio = 1.0 if model == "lasso" else 0.5
        est = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL,
                                 penalty_factor=penalty_factor,
                                 standardize=model == "enet-standardized")
        est.fit(X, y, sample_weight=sample_weight)
        return est.coef_.astype(np.float64), float(est.intercept_), est.dual_gap_


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
    values = [_objective(model, X, y, sample_weight, coef, b, penalty_factor, alpha)
              for coef, b, _ in (first, second)]
    bound = first[2] + second[2] + 1e-12 * max(abs(values[0]), 1e-300)
    if model == "logistic":
        # A float64 intercept near -m . w holds it to eps (|b| + |m| . |w|): the loss is
        # 1-Lipschitz in it.
        Xd = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
        bound += sum(8 * np.finfo(np.float64).eps * (abs(b) + np.abs(Xd).max(axis=0)
                                                     @ np.abs(coef)) for coef, b, _ in
                     (first, second))
    assert abs(values[0] - values[1]) <= bound, (values, first[2], second[2])
    if model == "ridge":  # Hessian 2 (X_c^T S X_c + alpha I): mu = 2 alpha
        radius = np.sqrt(first[2] / alpha) + np.sqrt(second[2] / alpha)
        assert np.linalg.norm(first[0] - second[0]) <= radius + 1e-9 * np.linalg.norm(
            first[0]), (first[0], second[0], radius)
    if model.startswith("enet"):
        mu = alpha * 0.5 * (np.min(penalty_factor) if penalty_factor is not None else 1.0)
        if model == "enet-standardized":
            Xd = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
            s = np.ones(len(y)) if sample_weight is None else sample_weight
            sd = np.sqrt(s @ (Xd - s @ Xd / s.sum()) ** 2 / s.sum())
            mu *= np.min(np.where(sd > 0, sd, 1.0)) ** 2
        radius = np.sqrt(2 * first[2] / mu) + np.sqrt(2 * second[2] / mu)
        assert np.linalg.norm(first[0] - second[0]) <= radius + 1e-9 * np.linalg.norm(
            first[0]), (first[0], second[0], radius)


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
    shifted = X.copy()
    shifted[:, column] += 10.0**exponent * X[:, column].std()
    shifted = shifted.astype(dtype).astype(np.float64)
    # The problem the solver is given, with the shift taken back out exactly.
    reference = shifted.copy()
    reference[:, column] -= 10.0**exponent * X[:, column].std()
    y_shift = 10.0**exponent if shift_y and model != "logistic" else 0.0
    target = y + y_shift
    y = target - y_shift  # the target the solver is given, the shift taken out exactly
    alpha = _alpha(model, reference, y)
    first = _fit(model, _as(reference, fmt, dtype), y, alpha=alpha)
    second = _fit(model, _as(shifted, fmt, dtype), target, alpha=alpha)
    second = (second[0], second[1] - y_shift, second[2])
    # The intercept follows the shift: b' = b - shift w_j.
    second = (second[0], second[1] + 10.0**exponent * X[:, column].std() * second[0][column],
              second[2])
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
    X = X.astype(dtype).astype(np.float64)
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
    first = _fit(model, _as(reference, fmt, dtype), y, penalty_factor=factors, alpha=alpha)
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
