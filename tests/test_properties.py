"""Property-based tests (hypothesis): optimality, certificate and invariances of the solution.

Every property draws a random problem (shape, density, dtype, dense or CSC, weights, penalty
factors, intercept, sign constraint, alpha as a fraction of alpha_max, l1_ratio) and checks the
result against NumPy computed from first principles or against scikit-learn, never against
fastreg itself.  ``derandomize=True`` makes every run draw the same examples, so CI is
reproducible; the ``max_examples`` of each property is its example count.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet

import fastreg

from .reference import (
    certified_logistic_gap,
    enet_gap,
    enet_objective,
    logistic_gap,
    logistic_kkt,
    logistic_objective,
    logistic_reference_fit,
)

TOL = 1e-10  # the relative gap every property asks of fastreg
MAX_ITER = 100_000

SETTINGS = {"deadline": None, "derandomize": True, "database": None,
            "suppress_health_check": [HealthCheck.too_slow]}


def kkt_violations(X, y, coef, intercept, alpha, l1_ratio, *, sample_weight=None,
                   penalty_factor=None, fit_intercept=True, positive=False):
    """Per-feature distance of 0 from the subdifferential of the objective at ``coef``, and the
    gap of the intercept's own optimality condition, all in float64 NumPy.

    With ``c_j = x_j^T S r / S - alpha (1 - l1_ratio) f_j w_j`` (the negative gradient of the
    smooth part, on centered data) and ``lam_j = alpha l1_ratio f_j``, optimality is
    ``c_j = lam_j sign(w_j)`` where ``w_j != 0`` and ``|c_j| <= lam_j`` (``c_j <= lam_j`` with
    ``positive``) where ``w_j = 0``.
    """
    X = (X.toarray() if sp.issparse(X) else np.asarray(X)).astype(np.float64)
    y = np.asarray(y, np.float64)
    coef = np.asarray(coef, np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = (np.ones(X.shape[1]) if penalty_factor is None
         else np.asarray(penalty_factor, np.float64))
    S = s.sum()
    x_mean = s @ X / S if fit_intercept else np.zeros(X.shape[1])
    y_mean = s @ y / S if fit_intercept else 0.0
    Xc = X - x_mean
    r = (y - y_mean) - Xc @ coef
    c = Xc.T @ (s * r) / S - alpha * (1 - l1_ratio) * f * coef
    lam = alpha * l1_ratio * f
    zero = coef == 0
    violation = np.abs(c - lam * np.sign(coef))
    free = np.maximum(c - lam, 0.0) if positive else np.maximum(np.abs(c) - lam, 0.0)
    violation[zero] = free[zero]
    if positive:
        violation[coef < 0] = np.inf
    intercept_error = abs(intercept - (y_mean - x_mean @ coef)) if fit_intercept else abs(
        intercept)
    # Curvature of the objective along each coordinate (for the bound in assert_kkt).
    curvature = s @ Xc**2 / S + alpha * (1 - l1_ratio) * f
    # Rounding of c: its terms are as large as |x_j|^T S |r| / S.
    rounding = 64 * np.finfo(np.float64).eps * (np.abs(Xc).T @ (s * np.abs(r)) / S
                                                + alpha * f * np.abs(coef))
    return violation, intercept_error, curvature, rounding


def certified_gap(X, y, coef, alpha, l1_ratio, *, sample_weight=None, penalty_factor=None,
                  fit_intercept=True, positive=False):
    """A duality gap that is a true upper bound on the suboptimality of ``coef`` even when some
    features are unpenalized (``tests.reference.enet_gap`` assumes those are stationary).

    The dual point is the residual projected (in the ``S`` inner product) off the unpenalized
    centered columns, which makes their dual constraints ``x_j^T S theta = 0`` hold, then
    scaled into the penalized features' constraints.  With every feature penalized this is
    ``enet_gap``'s dual point.
    """
    if penalty_factor is None or (np.asarray(penalty_factor) > 0).all():
        return enet_gap(X, y, coef, alpha, l1_ratio, sample_weight=sample_weight,
                        penalty_factor=penalty_factor, fit_intercept=fit_intercept,
                        positive=positive)
    X = (X.toarray() if sp.issparse(X) else np.asarray(X)).astype(np.float64)
    y = np.asarray(y, np.float64)
    coef = np.asarray(coef, np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = np.asarray(penalty_factor, np.float64)
    S = s.sum()
    if fit_intercept:
        X = X - (s @ X) / S
        y = y - (s @ y) / S
    l1, l2 = S * alpha * l1_ratio, S * alpha * (1 - l1_ratio)
    r = y - X @ coef
    primal = 0.5 * s @ r**2 + l1 * f @ np.abs(coef) + 0.5 * l2 * f @ coef**2
    root = np.sqrt(s)
    # Under positive an unpenalized feature's constraint is x_j^T S theta <= 0: project off
    # those whose correlation is positive or whose coefficient is, until none is positive.
    unpenalized = np.flatnonzero(f == 0)
    chosen = np.ones(unpenalized.size, dtype=bool)
    if positive:
        chosen = (coef[unpenalized] > 0) | (X[:, unpenalized].T @ (s * r) > 0)
    while True:
        U = X[:, unpenalized[chosen]] * root[:, np.newaxis]
        projected = root * r - U @ np.linalg.lstsq(U, root * r, rcond=None)[0]
        theta = projected / np.where(root > 0, root, 1.0)
        grown = chosen | (X[:, unpenalized].T @ (s * theta) > 0)
        if not positive or (grown == chosen).all():
            break
        chosen = grown
    penalized = f > 0
    scores = (X[:, penalized].T @ (s * theta) - l2 * f[penalized] * coef[penalized]) / f[
        penalized]
    dual_norm = max(scores.max() if positive else np.abs(scores).max(), 0.0) if scores.size \
        else 0.0
    scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
    theta = scale * theta
    dual = s @ (theta * y) - 0.5 * s @ theta**2 - 0.5 * scale**2 * l2 * f @ coef**2
    return (primal - dual) / S


def weighted_variance(y, sample_weight, fit_intercept):
    """``sum_i s_i (y_i - ybar)^2 / S`` (ybar = 0 without intercept): the gap's unit."""
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    yc = y - (s @ y / s.sum() if fit_intercept else 0.0)
    return float(s @ yc**2 / s.sum())


def assert_kkt(X, y, result, alpha, l1_ratio, **kwargs):
    """KKT within what the independently recomputed gap G allows.

    Moving ``w_j`` alone decreases the objective by at least ``min(v^2 / (2 L_j), v |w_j| / 2)``
    for a violation ``v`` and a curvature ``L_j``, and by at most the suboptimality, itself at
    most G: so ``v <= max(sqrt(2 L_j G), 2 G / |w_j|)``, with nothing taken from fastreg.
    """
    coef = np.asarray(result.coef, np.float64)
    gap = certified_gap(X, y, coef, alpha, l1_ratio, **kwargs)
    violation, intercept_error, curvature, rounding = kkt_violations(
        X, y, coef, result.intercept, alpha, l1_ratio, **kwargs)
    # The recomputed gap is a difference of two numbers of the size of the objective: it is
    # known to within a few ulps of that.
    gap = max(gap, 0.0) + 64 * np.finfo(np.float64).eps * weighted_variance(
        y, kwargs.get("sample_weight"), kwargs.get("fit_intercept", True))
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.maximum(np.sqrt(2 * curvature * gap),
                           np.where(coef != 0, 2 * gap / np.abs(coef), 0.0))
    bound = bound * (1 + 1e-6) + rounding
    assert np.all(violation <= bound), (violation - bound).max()
    # The intercept is optimal for the solver's float64 iterate, of which coef is the rounding
    # to X's dtype: the offset moves by the rounding of x_mean . coef.
    X64 = (X.toarray() if sp.issparse(X) else np.asarray(X)).astype(np.float64)
    shift = np.finfo(result.coef.dtype).eps * np.abs(X64).max(axis=0) @ np.abs(coef)
    assert intercept_error <= 1e-9 * (1 + abs(result.intercept)) + shift
    return gap


@dataclass
class Case:
    """One drawn problem (X dense float64 before conversion; ``X`` in its drawn format)."""

    X_dense: np.ndarray
    X: object
    y: np.ndarray
    dtype: type
    fmt: str
    sample_weight: np.ndarray | None
    penalty_factor: np.ndarray | None
    fit_intercept: bool
    positive: bool
    l1_ratio: float
    alpha: float

    @property
    def kwargs(self):
        return {"sample_weight": self.sample_weight, "penalty_factor": self.penalty_factor,
                "fit_intercept": self.fit_intercept, "positive": self.positive}

    @property
    def y_scale(self):
        """``sum_i s_i (y_i - ybar)^2 / S``: the unit of the gap tolerance."""
        return weighted_variance(self.y, self.sample_weight, self.fit_intercept)


def numpy_alpha_max(X_dense, y, l1_ratio, *, sample_weight=None, penalty_factor=None,
                    fit_intercept=True, positive=False):
    """``max_j |x_j^T S (y - ybar)| / (S l1_ratio f_j)`` over penalized features, in NumPy."""
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    f = np.ones(X_dense.shape[1]) if penalty_factor is None else penalty_factor
    yc = y - (s @ y / s.sum() if fit_intercept else 0.0)
    corr = X_dense.T @ (s * yc)
    corr = np.maximum(corr, 0.0) if positive else np.abs(corr)
    penalized = f > 0
    if not penalized.any():
        return np.inf
    return float((corr[penalized] / f[penalized]).max() / (s.sum() * l1_ratio))


@st.composite
def problems(draw, *, max_n=40, max_p=40, factors=True, zero_factors=True, positive=True,
             l1_ratio=None,
             alpha_fraction=(0.02, 1.5)):
    """A random problem: NumPy data from a drawn seed, parameters drawn by hypothesis."""
    n = draw(st.integers(1, max_n), label="n_samples")
    p = draw(st.integers(1, max_p), label="n_features")
    density = draw(st.sampled_from([0.1, 0.3, 0.7, 1.0]), label="density")
    dtype = draw(st.sampled_from([np.float64, np.float32]), label="dtype")
    fmt = draw(st.sampled_from(["dense", "csc"]), label="format")
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    fit_intercept = draw(st.booleans(), label="fit_intercept")
    weighted = draw(st.booleans(), label="weighted")
    with_factors = factors and draw(st.booleans(), label="penalty_factor")
    is_positive = positive and draw(st.booleans(), label="positive")
    if l1_ratio is None:
        l1_ratio = draw(st.sampled_from([1.0, 0.7, 0.3]) | st.floats(0.05, 1.0),
                        label="l1_ratio")
    fraction = draw(st.floats(*alpha_fraction), label="alpha / alpha_max")

    rng = np.random.default_rng(seed)
    X_dense = rng.normal(size=(n, p)) * rng.choice([0.1, 1.0, 10.0], size=p)
    X_dense[rng.random((n, p)) > density] = 0.0
    X_dense += rng.choice([0.0, 2.0], size=p) * (X_dense != 0)  # some columns with a mean
    X_dense = X_dense.astype(dtype).astype(np.float64)  # exactly what fastreg sees
    true = rng.normal(size=p) * (rng.random(p) < 0.4)
    y = X_dense @ true + rng.normal(size=n) + rng.normal()
    sample_weight = rng.uniform(0.1, 3.0, size=n) if weighted else None
    penalty_factor = None
    if with_factors:
        penalty_factor = rng.uniform(0.2, 3.0, size=p)
        if zero_factors and p > 1 and n > p:  # an unpenalized feature keeps the problem well posed
            penalty_factor[rng.integers(p)] = 0.0
    X = np.asfortranarray(X_dense.astype(dtype)) if fmt == "dense" else sp.csc_matrix(
        X_dense.astype(dtype))
    alpha_max = numpy_alpha_max(X_dense, y, l1_ratio, sample_weight=sample_weight,
                                penalty_factor=penalty_factor, fit_intercept=fit_intercept,
                                positive=is_positive)
    alpha = fraction * alpha_max if 0 < alpha_max < np.inf else fraction
    return Case(X_dense, X, y, dtype, fmt, sample_weight, penalty_factor, fit_intercept,
                is_positive, float(l1_ratio), float(alpha))


def solve(case, **overrides):
    params = {"alpha": case.alpha, "l1_ratio": case.l1_ratio, **case.kwargs, "tol": TOL,
              "max_iter": MAX_ITER, **overrides}
    X = params.pop("X", case.X)
    y = params.pop("y", case.y)
    return fastreg.solve(X, y, **params)


@settings(max_examples=300, **SETTINGS)
@given(problems())
def test_solution_satisfies_kkt(case):
    result = solve(case)
    assert result.converged
    assert result.coef.dtype == case.dtype and result.coef.shape == (case.X.shape[1],)
    assert np.isfinite(result.coef).all() and np.isfinite(result.intercept)
    if case.positive:
        assert (result.coef >= 0).all()
    assert_kkt(case.X_dense, case.y, result, case.alpha, case.l1_ratio, **case.kwargs)


@settings(max_examples=200, **SETTINGS)
@given(problems(), st.sampled_from([1e-3, 1e-6, 1e-10]))
def test_reported_gap_is_the_recomputed_gap(case, tol):
    """The certificate is true: the gap fastreg reports is the gap NumPy recomputes, and it
    bounds the distance of the objective to the best one known (a fit at tol=1e-14)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        result = solve(case, tol=tol)
    rounding = 64 * np.finfo(np.float64).eps * case.y_scale
    # A y constant up to rounding (y_scale below 1e-14 of y's mean square) has gap_tol 0.
    np.testing.assert_allclose(result.gap_tol, tol * case.y_scale, rtol=1e-9,
                               atol=tol * 1e-14 * np.mean(case.y**2))
    assert -rounding <= result.dual_gap <= result.gap_tol
    recomputed = certified_gap(case.X_dense, case.y, result.coef, case.alpha, case.l1_ratio,
                               **case.kwargs)
    # The float32 coefficients are the solver's float64 iterate rounded (relative 6e-8):
    # the objective at them is within that rounding of the certified one.
    precision = 0.0 if case.dtype == np.float64 else 1e-6 * case.y_scale
    if case.dtype == np.float64:
        np.testing.assert_allclose(result.dual_gap, recomputed, rtol=1e-4, atol=1e3 * rounding)
    else:
        assert recomputed <= result.gap_tol + precision
    best = solve(case, tol=1e-14)
    objective = [enet_objective(case.X_dense, case.y, fit.coef, fit.intercept, case.alpha,
                                case.l1_ratio, case.sample_weight, case.penalty_factor)
                 for fit in (result, best)]
    assert objective[0] - objective[1] <= result.dual_gap + 1e3 * rounding + precision


@settings(max_examples=200, **SETTINGS)
@given(problems(factors=False))
def test_objective_no_worse_than_sklearn(case):
    """fastreg's ElasticNet estimator against scikit-learn's at a tight tolerance."""
    model = fastreg.ElasticNet(alpha=case.alpha, l1_ratio=case.l1_ratio,
                               fit_intercept=case.fit_intercept, positive=case.positive,
                               tol=TOL, max_iter=MAX_ITER)
    model.fit(case.X, case.y, sample_weight=case.sample_weight)
    reference = SkElasticNet(alpha=case.alpha, l1_ratio=case.l1_ratio,
                             fit_intercept=case.fit_intercept, positive=case.positive,
                             tol=1e-13, max_iter=MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(case.X_dense, case.y, sample_weight=case.sample_weight)
    ours = enet_objective(case.X_dense, case.y, model.coef_, model.intercept_, case.alpha,
                          case.l1_ratio, case.sample_weight)
    theirs = enet_objective(case.X_dense, case.y, reference.coef_, reference.intercept_,
                            case.alpha, case.l1_ratio, case.sample_weight)
    # fastreg is within its gap tolerance of the optimum.  On float32 X the estimator rounds
    # y to float32 as scikit-learn does, and its coefficients are rounded: each moves the
    # objective by ~1e-7 relative.
    eps = np.finfo(np.float64).eps
    rounding = 64 * eps * (case.y_scale + eps * np.mean(case.y**2))
    slack = TOL * case.y_scale + (
        1e-6 * (theirs + case.y_scale + np.mean(case.y**2)) if case.dtype == np.float32
        else 1e-12 * theirs + rounding)
    assert ours <= theirs + slack
    assert -rounding <= model.dual_gap_ <= TOL * case.y_scale * (1 + 1e-9)
    assert model.n_iter_ >= 0 and model.coef_.dtype == case.dtype


def fitted(case, result):
    return case.X_dense @ np.asarray(result.coef, np.float64) + result.intercept


def assert_same_solution(case, a, b, gap_a=None, gap_b=None):
    """Two approximate solutions of ``case`` are as close as their certified gaps allow.

    The objective is ``1/(2S) ||X_c w - y_c||_S^2`` plus a convex penalty, so at the optimum
    ``P(w) - P* >= ||X_c (w - w*)||_S^2 / (2S)``: fitted values lie within ``sqrt(2 G)`` (RMS)
    of the unique optimal ones.  With ``l1_ratio < 1`` and every ``f_j > 0`` the objective is
    also ``mu = alpha (1 - l1_ratio) min f_j`` strongly convex: ``||w - w*|| <= sqrt(2 G / mu)``.
    """
    gaps = [certified_gap(case.X_dense, case.y, fit.coef, case.alpha, case.l1_ratio,
                          **case.kwargs) if gap is None else gap
            for fit, gap in ((a, gap_a), (b, gap_b))]
    gaps = [max(gap, 0.0) + 64 * np.finfo(np.float64).eps * case.y_scale for gap in gaps]
    s = np.ones(len(case.y)) if case.sample_weight is None else case.sample_weight
    difference = fitted(case, a) - fitted(case, b)
    rms = np.sqrt(s @ difference**2 / s.sum())
    # float32: the coefficients are rounded, the intercept belongs to the float64 iterate.
    rounding = 0.0 if case.dtype == np.float64 else 1e-6 * (
        np.sqrt(case.y_scale) + np.abs(case.X_dense).max() * np.abs(a.coef).sum())
    assert rms <= sum(np.sqrt(2 * gap) for gap in gaps) * (1 + 1e-6) + rounding
    f = np.ones(len(a.coef)) if case.penalty_factor is None else case.penalty_factor
    mu = case.alpha * (1 - case.l1_ratio) * f.min()
    if mu > 0:
        distance = np.linalg.norm(np.asarray(a.coef, float) - np.asarray(b.coef, float))
        coef_rounding = 0.0 if case.dtype == np.float64 else 1e-6 * np.abs(a.coef).sum()
        assert distance <= sum(np.sqrt(2 * gap / mu) for gap in gaps) * (1 + 1e-6) + (
            coef_rounding)


@settings(max_examples=150, **SETTINGS)
@given(problems(), st.sampled_from(["auto", True, False]))
def test_dense_equals_sparse(case, precompute):
    dense = solve(case, X=np.asfortranarray(case.X_dense.astype(case.dtype)),
                  precompute=precompute)
    sparse = solve(case, X=sp.csc_matrix(case.X_dense.astype(case.dtype)),
                   precompute=precompute)
    assert dense.converged and sparse.converged
    assert dense.coef.dtype == sparse.coef.dtype == case.dtype
    assert_same_solution(case, dense, sparse)


@settings(max_examples=150, **SETTINGS)
@given(problems(), st.randoms(use_true_random=False))
def test_permuting_features_permutes_coefficients(case, random):
    order = list(range(case.X.shape[1]))
    random.shuffle(order)
    order = np.array(order)
    base = solve(case)
    factors = None if case.penalty_factor is None else case.penalty_factor[order]
    permuted = solve(case, X=case.X[:, order], penalty_factor=factors)
    assert base.converged and permuted.converged
    # Same problem, coefficients in the permuted order.
    unpermuted = np.empty_like(permuted.coef)
    unpermuted[order] = permuted.coef
    assert_same_solution(case, base, type(base)(**{**vars(permuted), "coef": unpermuted}))


@settings(max_examples=150, **SETTINGS)
@given(problems(), st.floats(1e-3, 1e3), st.booleans())
def test_scaling_y_scales_the_solution(case, c, flip):
    """y -> c y: coef and intercept scale by c when the penalty is rescaled to match.

    With ``v = c w`` the loss scales by ``c^2``; the L1 part matches when ``alpha l1_ratio``
    scales by ``|c|`` and the L2 part when ``alpha (1 - l1_ratio)`` is unchanged, so the Lasso
    takes ``alpha |c|`` and the Elastic Net ``alpha' = alpha (|c| rho + 1 - rho)``,
    ``rho' = |c| rho alpha / alpha'``.  A negative c flips signs (not with ``positive``).
    """
    sign = -1.0 if flip and not case.positive else 1.0
    rho = case.l1_ratio
    alpha = case.alpha * (c * rho + 1 - rho)
    base = solve(case)
    scaled_l1_ratio = 1.0 if rho == 1 else c * rho * case.alpha / alpha
    scaled = solve(case, y=sign * c * case.y, alpha=alpha, l1_ratio=scaled_l1_ratio)
    assert base.converged and scaled.converged
    # Back in the base problem's units (objective / c^2), the scaled fit must be a solution.
    unscaled = type(base)(**{**vars(base), "coef": scaled.coef.astype(np.float64) / (sign * c),
                             "intercept": scaled.intercept / (sign * c)})
    scaled_case = Case(**{**vars(case), "y": sign * c * case.y, "alpha": alpha,
                          "l1_ratio": scaled_l1_ratio})
    scaled_gap = certified_gap(case.X_dense, scaled_case.y, scaled.coef, alpha,
                               scaled_l1_ratio, **case.kwargs) / c**2
    assert_same_solution(case, base, unscaled, gap_b=scaled_gap)


@settings(max_examples=100, **SETTINGS)
@given(problems(alpha_fraction=(1e-3, 0.5)), st.integers(2, 12))
def test_path_starts_at_zero_and_moves_continuously(case, n_alphas):
    """At alpha_max every coefficient is zero, and between neighbouring alphas
    ``a1 > a2`` the solutions obey, with ``Omega`` the penalty, ``u = X (w1 - w2)``:

        ||u||_S^2 / S + a2 (1 - rho) ||w1 - w2||_f^2 <= (a1 - a2) (Omega(w2) - Omega(w1))

    (add the optimality conditions at both alphas and use monotonicity of the subgradient);
    so the fitted values and, for rho < 1, the coefficients move by a bounded amount and the
    penalty never decreases as alpha decreases.
    """
    eps = case.alpha / max(numpy_alpha_max(case.X_dense, case.y, case.l1_ratio,
                                           **case.kwargs), 1e-300)
    eps = min(max(eps, 1e-3), 0.5)
    alphas, coefs, gaps = fastreg.enet_path(
        case.X, case.y, l1_ratio=case.l1_ratio, eps=eps, n_alphas=n_alphas, tol=TOL,
        max_iter=MAX_ITER, **case.kwargs)
    alpha_max = numpy_alpha_max(case.X_dense, case.y, case.l1_ratio, **case.kwargs)
    assert coefs.shape == (case.X.shape[1], n_alphas) and coefs.dtype == case.dtype
    assert np.all(np.diff(alphas) < 0) or np.all(alphas == alphas[0])
    if 0 < alpha_max < np.inf:
        np.testing.assert_allclose(alphas[0], alpha_max, rtol=1e-9)
        np.testing.assert_allclose(alphas[-1], eps * alpha_max, rtol=1e-9)
    if case.penalty_factor is None or (case.penalty_factor > 0).all():
        assert not coefs[:, 0].any()
    assert np.all(gaps <= TOL * case.y_scale * (1 + 1e-9) + 1e-6 * case.y_scale
                  * (case.dtype == np.float32))

    s = np.ones(len(case.y)) if case.sample_weight is None else case.sample_weight
    f = np.ones(coefs.shape[0]) if case.penalty_factor is None else case.penalty_factor
    Xc = case.X_dense - (s @ case.X_dense / s.sum() if case.fit_intercept else 0.0)
    rho = case.l1_ratio
    W = coefs.astype(np.float64)
    penalty = rho * f @ np.abs(W) + (1 - rho) / 2 * f @ W**2
    # Each end solves its problem only approximately: its optimality conditions hold up to
    # a violation e_k, which adds <e_k - e_k+1, w_k - w_k+1> to the right-hand side.
    errors = []
    for k in range(n_alphas):
        violation, _, _, rounding = kkt_violations(
            case.X_dense, case.y, W[:, k], 0.0, alphas[k], rho, **case.kwargs)
        errors.append(violation + rounding)
    for k in range(n_alphas - 1):
        a1, a2 = alphas[k], alphas[k + 1]
        delta = W[:, k] - W[:, k + 1]
        moved = s @ (Xc @ delta) ** 2 / s.sum() + a2 * (1 - rho) * f @ delta**2
        allowed = (a1 - a2) * (penalty[k + 1] - penalty[k])
        slack = (errors[k] + errors[k + 1]) @ np.abs(delta) + 1e-12 * case.y_scale
        assert moved <= allowed + slack


# --- penalized logistic regression -------------------------------------------------------------

LOGISTIC_TOL = 1e-8  # the tightest relative gap the logistic properties ask


@dataclass
class LogisticCase:
    """One drawn classification problem (labels -1/+1; ``X`` in its drawn format)."""

    X_dense: np.ndarray
    X: object
    y: np.ndarray
    dtype: type
    sample_weight: np.ndarray | None
    penalty_factor: np.ndarray | None
    fit_intercept: bool
    positive: bool
    l1_ratio: float
    alpha: float

    @property
    def kwargs(self):
        return {"sample_weight": self.sample_weight, "penalty_factor": self.penalty_factor,
                "fit_intercept": self.fit_intercept, "positive": self.positive}

    @property
    def s(self):
        return np.ones(len(self.y)) if self.sample_weight is None else self.sample_weight

    @property
    def null_intercept(self):
        s, y = self.s, self.y
        return float(np.log(s[y > 0].sum() / s[y < 0].sum())) if self.fit_intercept else 0.0

    @property
    def null_loss(self):
        """The intercept-only model's mean loss: the gap's unit (times 2, the deviance)."""
        return float(self.s @ np.logaddexp(0.0, -self.y * self.null_intercept) / self.s.sum())

    def objective(self, coef, intercept, X=None):
        return logistic_objective(self.X_dense if X is None else X, self.y, coef, intercept,
                                  self.alpha, self.l1_ratio, self.sample_weight,
                                  self.penalty_factor)

    def rounding(self, value):
        """The rounding of an objective (or gap) of size ``value``: ``n eps`` of it per sum."""
        return 4 * len(self.y) * np.finfo(np.float64).eps * (abs(value) + self.null_loss)


def numpy_logistic_alpha_max(X_dense, y, l1_ratio, *, sample_weight=None, penalty_factor=None,
                             fit_intercept=True, positive=False):
    """``max_j |x_j^T r0| / (S rho f_j)`` over penalized features at the intercept-only model
    (``r0_i = s_i y_i sigmoid(-y_i b0)``, ``b0 = log(P / N)`` or 0), in NumPy."""
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    f = np.ones(X_dense.shape[1]) if penalty_factor is None else penalty_factor
    b0 = np.log(s[y > 0].sum() / s[y < 0].sum()) if fit_intercept else 0.0
    corr = X_dense.T @ (s * y / (1 + np.exp(y * b0)))
    corr = np.maximum(corr, 0.0) if positive else np.abs(corr)
    penalized = f > 0
    if not penalized.any():
        return np.inf
    return float((corr[penalized] / f[penalized]).max() / (s.sum() * l1_ratio))


def _separable(columns, y, fit_intercept):
    """Whether the unpenalized ``columns`` (and the intercept) separate the labels weakly:
    some ``d`` with ``y_i (A d)_i >= 0`` for every i and ``sum_i y_i (A d)_i = 1`` (a linear
    program).  The loss then decreases forever along ``d``, which no penalty holds back: the
    problem has no minimiser."""
    from scipy.optimize import linprog

    A = np.column_stack([columns, np.ones(len(y))]) if fit_intercept else columns
    margins = y[:, np.newaxis] * A
    result = linprog(np.zeros(A.shape[1]), A_ub=-margins, b_ub=np.zeros(len(y)),
                     A_eq=margins.sum(axis=0)[np.newaxis], b_eq=[1.0],
                     bounds=[(None, None)] * A.shape[1], method="highs")
    return result.status == 0


@st.composite
def logistic_problems(draw, *, max_n=30, max_p=15, zero_factors=False,
                      alpha_fraction=(0.05, 1.5)):
    """A random classification problem, as :func:`problems` draws regression ones.

    With ``zero_factors`` one feature may be unpenalized, only where it does not separate the
    labels (no minimiser would exist); only the property on unpenalized features draws them
    (the other properties recompute the documented dual point of penalized problems).
    """
    n = draw(st.integers(2, max_n), label="n_samples")
    p = draw(st.integers(1, max_p), label="n_features")
    density = draw(st.sampled_from([0.1, 0.3, 0.7, 1.0]), label="density")
    dtype = draw(st.sampled_from([np.float64, np.float32]), label="dtype")
    fmt = draw(st.sampled_from(["dense", "csc"]), label="format")
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    fit_intercept = draw(st.booleans(), label="fit_intercept")
    weighted = draw(st.booleans(), label="weighted")
    with_factors = draw(st.booleans(), label="penalty_factor")
    is_positive = draw(st.booleans(), label="positive")
    l1_ratio = draw(st.sampled_from([1.0, 0.7, 0.3]) | st.floats(0.05, 1.0), label="l1_ratio")
    fraction = draw(st.floats(*alpha_fraction), label="alpha / alpha_max")

    rng = np.random.default_rng(seed)
    X_dense = rng.normal(size=(n, p)) * rng.choice([0.1, 1.0, 10.0], size=p)
    X_dense[rng.random((n, p)) > density] = 0.0
    X_dense += rng.choice([0.0, 2.0], size=p) * (X_dense != 0)
    X_dense = X_dense.astype(dtype).astype(np.float64)
    true = rng.normal(size=p) * (rng.random(p) < 0.4) / np.maximum(X_dense.std(axis=0), 1e-3)
    z = X_dense @ true + rng.normal()
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-np.clip(z, -30, 30))), 1.0, -1.0)
    y[rng.choice(n, 2, replace=False)] = [1.0, -1.0]  # both classes are present
    sample_weight = rng.uniform(0.1, 3.0, size=n) if weighted else None
    penalty_factor = None
    if with_factors:
        penalty_factor = rng.uniform(0.2, 3.0, size=p)
        if zero_factors and p > 1 and n > p:
            free = rng.integers(p)
            if not _separable(X_dense[:, [free]], y, fit_intercept):
                penalty_factor[free] = 0.0
    X = np.asfortranarray(X_dense.astype(dtype)) if fmt == "dense" else sp.csc_matrix(
        X_dense.astype(dtype))
    alpha_max = numpy_logistic_alpha_max(X_dense, y, l1_ratio, sample_weight=sample_weight,
                                         penalty_factor=penalty_factor,
                                         fit_intercept=fit_intercept, positive=is_positive)
    alpha = fraction * alpha_max if 0 < alpha_max < np.inf else fraction
    return LogisticCase(X_dense, X, y, dtype, sample_weight, penalty_factor, fit_intercept,
                        is_positive, float(l1_ratio), float(alpha))


def fit_logistic(case, *, X=None, tol=LOGISTIC_TOL, penalty_factor="case"):
    """``fastreg.LogisticRegression`` at ``C = 1 / (alpha S)``, failing on non-convergence."""
    model = fastreg.LogisticRegression(
        C=1.0 / (case.alpha * case.s.sum()), l1_ratio=case.l1_ratio,
        fit_intercept=case.fit_intercept, positive=case.positive, tol=tol, max_iter=MAX_ITER,
        penalty_factor=case.penalty_factor if isinstance(penalty_factor, str)
        else penalty_factor)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return model.fit(case.X if X is None else X, case.y, sample_weight=case.sample_weight)


def float32_shift(case, model):
    """Bound on how far rounding the float64 iterate to float32 moves the objective (0 for
    float64): by convexity at most ``|grad P(coef)| . |delta|``, ``|delta| <= 2^-23 |coef|``."""
    if case.dtype == np.float64:
        return 0.0
    coef = model.coef_[0].astype(np.float64)
    f = np.ones(coef.size) if case.penalty_factor is None else case.penalty_factor
    s, y = case.s, case.y
    margin = y * (case.X_dense @ coef + model.intercept_[0])
    gradient = case.X_dense.T @ (s * y / (1 + np.exp(margin))) / s.sum()
    delta = 2.0**-23 * np.abs(coef)
    penalty = case.alpha * f * (case.l1_ratio + (1 - case.l1_ratio) * (np.abs(coef) + delta))
    return float((np.abs(gradient) + penalty) @ delta)


@settings(max_examples=60, **SETTINGS)
@given(logistic_problems(), st.sampled_from([1e-4, 1e-6, LOGISTIC_TOL]))
def test_logistic_gap_is_the_recomputed_gap_and_certifies(case, tol):
    """The reported gap is the documented dual point's gap recomputed in NumPy, it is below
    the tolerance, and it bounds the distance to an independent optimum (L-BFGS-B)."""
    model = fit_logistic(case, tol=tol)
    coef, intercept = model.coef_[0], model.intercept_[0]
    assert coef.dtype == case.dtype and np.isfinite(coef).all() and np.isfinite(intercept)
    if case.positive:
        assert (coef >= 0).all()
    ours = case.objective(coef, intercept)
    rounding = case.rounding(ours)
    assert -rounding <= model.dual_gap_ <= tol * 2 * case.null_loss * (1 + 1e-9)
    f = case.penalty_factor
    if case.dtype == np.float64 and (f is None or (f > 0).all()):
        # (With unpenalized features the dual point is an implementation choice: there the
        # gap is held to its meaning only, the bound below.)
        recomputed = logistic_gap(case.X_dense, case.y, coef, intercept, case.alpha,
                                  case.l1_ratio, **case.kwargs)
        assert abs(model.dual_gap_ - recomputed) <= rounding
    best = case.objective(*logistic_reference_fit(case.X_dense, case.y, case.alpha,
                                                  case.l1_ratio, **case.kwargs))
    assert ours - best <= max(model.dual_gap_, 0.0) + rounding + float32_shift(case, model)


@settings(max_examples=50, **SETTINGS)
@given(logistic_problems())
def test_logistic_solution_satisfies_kkt(case):
    """Each coordinate's optimality condition within what the certified gap G allows (see
    tests/test_classifiers.py::test_kkt_conditions_hold_at_the_solution)."""
    X64 = np.asfortranarray(case.X_dense)  # float64: the float32 rounding is not a violation
    model = fit_logistic(case, X=X64)
    coef, intercept = model.coef_[0], model.intercept_[0]
    gap = certified_logistic_gap(case.X_dense, case.y, coef, intercept, case.alpha,
                                 case.l1_ratio, **case.kwargs)
    assert np.isfinite(gap)
    gap = max(gap, 0.0) + case.rounding(case.objective(coef, intercept))
    violation, intercept_violation, curvature, rounding = logistic_kkt(
        case.X_dense, case.y, coef, intercept, case.alpha, case.l1_ratio, **case.kwargs)
    with np.errstate(divide="ignore"):
        bound = np.maximum(np.sqrt(2 * curvature * gap),
                           np.where(coef != 0, 2 * gap / np.abs(coef), 0.0))
    assert np.all(violation <= bound * (1 + 1e-6) + rounding), (violation - bound).max()
    assert intercept_violation <= np.sqrt(gap / 2) + 64 * np.finfo(np.float64).eps


def assert_same_logistic_solution(case, a, b, X_b=None):
    """Two fits of one problem reach the same objective within their gaps; under the Elastic
    Net with every ``f_j > 0`` (``mu = alpha (1 - rho) min f_j`` strongly convex in w) their
    coefficients are within ``sqrt(2 G / mu)`` each of the unique solution."""
    values = [case.objective(a.coef_[0], a.intercept_[0]),
              case.objective(b.coef_[0], b.intercept_[0], X=X_b)]
    gaps = [max(fit.dual_gap_, 0.0) + case.rounding(value) + float32_shift(case, fit)
            for fit, value in zip((a, b), values, strict=True)]
    assert abs(values[0] - values[1]) <= max(gaps)
    f = np.ones(a.coef_.shape[1]) if case.penalty_factor is None else case.penalty_factor
    mu = case.alpha * (1 - case.l1_ratio) * f.min()
    if mu > 0:
        distance = np.linalg.norm(a.coef_[0].astype(np.float64) - b.coef_[0])
        rounding = 2.0**-23 * (np.linalg.norm(a.coef_) + np.linalg.norm(b.coef_)) * (
            case.dtype == np.float32)
        assert distance <= sum(np.sqrt(2 * gap / mu) for gap in gaps) + rounding


@settings(max_examples=50, **SETTINGS)
@given(logistic_problems())
def test_logistic_dense_equals_sparse(case):
    dense = fit_logistic(case, X=np.asfortranarray(case.X_dense.astype(case.dtype)))
    sparse = fit_logistic(case, X=sp.csc_matrix(case.X_dense.astype(case.dtype)))
    assert dense.coef_.dtype == sparse.coef_.dtype == case.dtype
    assert_same_logistic_solution(case, dense, sparse)


@settings(max_examples=50, **SETTINGS)
@given(logistic_problems(), st.randoms(use_true_random=False))
def test_logistic_permuting_features_permutes_coefficients(case, random):
    order = list(range(case.X.shape[1]))
    random.shuffle(order)
    order = np.array(order)
    base = fit_logistic(case)
    factors = None if case.penalty_factor is None else case.penalty_factor[order]
    permuted = fit_logistic(case, X=case.X[:, order], penalty_factor=factors)
    unpermuted = np.empty_like(permuted.coef_)
    unpermuted[:, order] = permuted.coef_
    permuted.coef_ = unpermuted  # the same problem, its coefficients in the original order
    assert_same_logistic_solution(case, base, permuted)


@settings(max_examples=40, **SETTINGS)
@given(logistic_problems(alpha_fraction=(1.0001, 10.0)))
def test_logistic_alpha_above_alpha_max_gives_the_null_model(case):
    """At ``alpha > alpha_max`` (computed in NumPy) w = 0 is optimal, and the intercept is the
    intercept-only model's ``log(P / N)``; alpha_max's rounding is 1e-15 of it, far below the
    drawn margin of 1e-4."""
    model = fit_logistic(case)
    assert not model.coef_.any()
    assert model.intercept_[0] == pytest.approx(case.null_intercept, rel=1e-12, abs=1e-12)


@settings(max_examples=60, **SETTINGS)
@given(logistic_problems(zero_factors=True), st.sampled_from([1e-4, 1e-6, LOGISTIC_TOL]))
def test_logistic_gap_certifies_with_unpenalized_features(case, tol):
    """The certificate with unpenalized features: non-negative, and a bound on the distance to
    the independent optimum."""
    model = fit_logistic(case, tol=tol)
    ours = case.objective(model.coef_[0], model.intercept_[0])
    rounding = case.rounding(ours)
    assert -rounding <= model.dual_gap_ <= tol * 2 * case.null_loss * (1 + 1e-9)
    best = case.objective(*logistic_reference_fit(case.X_dense, case.y, case.alpha,
                                                  case.l1_ratio, **case.kwargs))
    assert ours - best <= max(model.dual_gap_, 0.0) + rounding + float32_shift(case, model)
