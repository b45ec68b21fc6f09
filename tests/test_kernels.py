"""Kernels against their plain NumPy oracles, in every canonical format and dtype."""

import numpy as np
import pytest
import scipy.sparse as sp
from numba import njit

from fastreg._kernels import (
    STATUS_CONVERGED,
    STATUS_STALLED,
    CscMatrix,
    block_cd,
    col_axpy,
    col_dot,
    col_moments,
    column_stats,
    correlations,
    gap_safe_screen,
    gram_gap,
    implicit_offset,
    init_residual,
    residual_cd,
    residual_gap,
    take_columns,
    violation_scores,
)
from fastreg._kernels._cd import SETTLE_STEP_FLOOR
from fastreg._kernels._penalty import ElasticNetPenalty
from fastreg._kernels._primitives import (
    centered_col_axpy,
    centered_col_dot,
    col_shifted_moments,
    implicit_mean,
)
from fastreg._solver import gram_columns, make_problem

from .conftest import as_format, make_regression_data
from .reference import enet_gap

EPS64 = np.finfo(np.float64).eps


@njit
def jit_col_dot(X, j, weights, v):
    return col_dot(X, j, weights, v)


@njit
def jit_col_axpy(X, j, a, v):
    col_axpy(X, j, a, v)


@njit
def jit_col_moments(X, j, weights):
    return col_moments(X, j, weights)


@njit
def jit_centered_col_dot(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum):
    return centered_col_dot(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum)


@njit
def jit_centered_col_axpy(X, j, a, mean, v):
    return centered_col_axpy(X, j, a, mean, v)


@njit
def jit_col_shifted_moments(X, j, weights):
    return col_shifted_moments(X, j, weights)


@njit
def jit_implicit_mean(X, j, mean):
    return implicit_mean(X, j, mean)


def kernel_view(X):
    return CscMatrix(X.data, X.indices, X.indptr, X.shape[0]) if sp.issparse(X) else X


@pytest.fixture(params=[False, True], ids=["unweighted", "weighted"])
def weights(request):
    rng = np.random.default_rng(1)
    return rng.uniform(0.5, 2.0, size=30) if request.param else np.empty(0)


def test_primitives_match_numpy(fmt, dtype, weights):
    X_dense, _, _ = make_regression_data(30, 8)
    X = kernel_view(as_format(X_dense, fmt, dtype))
    Xd = X_dense.astype(dtype).astype(np.float64)
    s = weights if weights.size else np.ones(30)
    v = np.random.default_rng(2).normal(size=30)
    for j in range(8):
        assert jit_col_dot(X, j, weights, v) == pytest.approx(Xd[:, j] @ (s * v), rel=1e-12)
        # The Python oracle must agree with NumPy too: it is what NUMBA_DISABLE_JIT runs.
        assert col_dot(X, j, weights, v) == pytest.approx(Xd[:, j] @ (s * v), rel=1e-5)
        total, squares = jit_col_moments(X, j, weights)
        assert total == pytest.approx(s @ Xd[:, j], rel=1e-12, abs=1e-12)
        assert squares == pytest.approx(s @ Xd[:, j] ** 2, rel=1e-12)
        out = v.copy()
        jit_col_axpy(X, j, -0.7, out)
        np.testing.assert_allclose(out, v - 0.7 * Xd[:, j], rtol=1e-12)
        out_oracle = v.copy()
        col_axpy(X, j, -0.7, out_oracle)
        np.testing.assert_allclose(out_oracle, out, rtol=1e-6)


@pytest.mark.parametrize("shift", [0.0, 1e8])
def test_centering_primitives_match_numpy(fmt, dtype, weights, shift):
    """The centering primitives against NumPy and their Python oracles, on a matrix whose
    first column is stored in full (and, shifted, far from zero) and whose others have
    unstored zeros: a column stored in full is centered value by value (no offset), any
    other sparse column through the offset."""
    X_dense, _, _ = make_regression_data(30, 8)
    X_dense[:, 0] = np.random.default_rng(3).normal(size=30) + shift
    X = kernel_view(as_format(X_dense, fmt, dtype))
    Xd = X_dense.astype(dtype).astype(np.float64)
    s = weights if weights.size else np.ones(30)
    mean = s @ Xd / s.sum()
    v = np.random.default_rng(2).normal(size=30)
    for j in range(8):
        implicit = jit_implicit_mean(X, j, mean[j])
        assert implicit == implicit_mean(X, j, mean[j])
        assert implicit == (mean[j] if fmt == "csc" and j > 0 else 0.0)
        for offset in (0.0, 0.3):
            expected = (s * (Xd[:, j] - mean[j])) @ (v + offset)
            args = (X, j, weights, s.sum(), mean[j], v, offset, s @ (v + offset))
            scale = np.abs(s * (Xd[:, j] - mean[j])) @ np.abs(v + offset)
            assert abs(jit_centered_col_dot(*args) - expected) <= 1e-12 * scale
            assert abs(centered_col_dot(*args) - expected) <= 1e-6 * scale
        out, out_oracle = v.copy(), v.copy()
        moved = jit_centered_col_axpy(X, j, -0.7, mean[j], out)
        assert centered_col_axpy(X, j, -0.7, mean[j], out_oracle) == pytest.approx(moved)
        assert moved == pytest.approx(0.7 * implicit)
        np.testing.assert_allclose(out + moved, v - 0.7 * (Xd[:, j] - mean[j]), rtol=1e-10,
                                   atol=1e-10 * np.abs(Xd[:, j]).max())
        np.testing.assert_allclose(out_oracle, out, rtol=1e-6, atol=1e-6)
        first, total, squares, stored = jit_col_shifted_moments(X, j, weights)
        assert (first, total, squares, stored) == pytest.approx(
            col_shifted_moments(X, j, weights), rel=1e-6)
        rows = slice(None) if implicit == 0.0 else Xd[:, j] != 0.0
        deviations = Xd[rows, j] - first
        assert total == pytest.approx(s[rows] @ deviations, rel=1e-12, abs=1e-12)
        assert squares == pytest.approx(s[rows] @ deviations**2, rel=1e-12)
        assert stored == pytest.approx(s[rows].sum(), rel=1e-12)


def test_primitives_ignore_unsorted_csc_indices():
    X_dense, _, _ = make_regression_data(30, 8)
    X = sp.csc_matrix(X_dense)
    shuffled = X.copy()
    for j in range(8):  # reverse each column's entries: same matrix, unsorted indices
        start, end = shuffled.indptr[j], shuffled.indptr[j + 1]
        shuffled.indices[start:end] = shuffled.indices[start:end][::-1].copy()
        shuffled.data[start:end] = shuffled.data[start:end][::-1].copy()
    v = np.arange(30.0)
    for j in range(8):
        assert jit_col_dot(kernel_view(shuffled), j, np.empty(0), v) == pytest.approx(
            jit_col_dot(kernel_view(X), j, np.empty(0), v), rel=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_column_stats_and_correlations(fmt, dtype, weights, fit_intercept):
    X_dense, y, _ = make_regression_data(30, 8)
    X = kernel_view(as_format(X_dense, fmt, dtype))
    Xd = X_dense.astype(dtype).astype(np.float64)
    s = weights if weights.size else np.ones(30)
    mean = s @ Xd / s.sum() if fit_intercept else np.zeros(8)
    Xc = Xd - mean
    x_mean, sqnorm = np.empty(8), np.empty(8)
    column_stats(X, weights, s.sum(), fit_intercept, np.arange(8), x_mean, sqnorm)
    np.testing.assert_allclose(x_mean, mean, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sqnorm, s @ Xc**2, rtol=1e-10)
    v = y - s @ y / s.sum()  # weighted-centered, as correlations() requires
    out = np.empty(8)
    correlations(X, weights, s.sum(), x_mean, v, 0.0, 0.0, np.arange(8), out)
    np.testing.assert_allclose(out, Xc.T @ (s * v), rtol=1e-10)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.0])
@pytest.mark.parametrize("positive", [False, True])
def test_residual_gap_matches_reference(fmt, l1_ratio, positive):
    X_dense, y, sw = make_regression_data(30, 12)
    X = as_format(X_dense, fmt, np.float64)
    problem = make_problem(X, y, sample_weight=sw)
    coef = np.random.default_rng(3).normal(size=12) * (np.arange(12) < 4)
    if positive:
        coef = np.abs(coef)
    residual = np.empty(30)
    xtr = np.empty(12)
    design, y_centered = problem.design, problem.datafit.y
    init_residual(design.X_kernel, y_centered, coef, design.x_mean, residual)
    alpha = 0.1
    penalty = problem.penalty(positive).kernel(alpha, l1_ratio, design.sum_weights)
    gap = residual_gap(design.X_kernel, y_centered, design.weights, design.sum_weights,
                       design.x_mean, design.col_sqnorm, penalty, np.arange(12), coef,
                       residual, implicit_offset(design.X_kernel, design.x_mean, coef),
                       xtr)
    expected = enet_gap(X, y, coef, alpha, l1_ratio, sample_weight=sw, positive=positive)
    assert expected > 1e-3  # a point far from the optimum: the gap is far from 0
    assert gap / problem.sum_weights == pytest.approx(expected, rel=1e-9)
    # On the way it stores X_c^T S r, which the working-set solver ranks features by.
    Xc = X_dense - sw @ X_dense / sw.sum()
    r = (y - sw @ y / sw.sum()) - Xc @ coef
    np.testing.assert_allclose(xtr, Xc.T @ (sw * r), rtol=1e-10)


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])  # ridge; alpha=0 (every feature unpenalized)
@pytest.mark.parametrize("positive", [False, True])
def test_gap_without_l1_part_has_no_rounding_floor(fmt, l1_ratio, positive):
    """Without an L1 part the gap is a sum of non-negative per-feature terms: at a solution
    to noiseless data it is >= 0 and far below 1e-20 of the target's norm, where the
    difference ||r||^2 - r.y it replaces rounds to about 1e-16 of it (either sign)."""
    rng = np.random.default_rng(1)
    X_dense = rng.normal(size=(60, 8)) * (rng.random((60, 8)) < 0.7)
    coef_true = rng.uniform(1.0, 3.0, 8)
    y = X_dense @ coef_true + 2.0
    sw = rng.uniform(0.5, 2.0, 60)
    X = as_format(X_dense, fmt, np.float64)
    problem = make_problem(X, y, sample_weight=sw)
    design, fit = problem.design, problem.datafit
    # alpha=0 (l1_ratio=1): the least-squares solution, where r is rounding; a ridge.
    alpha = 0.0 if l1_ratio == 1.0 else 1e-2
    penalty = problem.penalty(positive).kernel(alpha, l1_ratio, design.sum_weights)
    Xc = X_dense - sw @ X_dense / sw.sum()
    yc = y - sw @ y / sw.sum()
    coef = np.linalg.solve(Xc.T @ (sw[:, None] * Xc) + penalty.l2 * np.eye(8),
                           Xc.T @ (sw * yc))
    features = np.arange(8, dtype=np.int32)
    residual, xtr = np.empty(60), np.empty(8)
    init_residual(design.X_kernel, fit.y, coef, design.x_mean, residual)
    gap = residual_gap(design.X_kernel, fit.y, design.weights, design.sum_weights,
                       design.x_mean, design.col_sqnorm, penalty, features, coef, residual,
                       implicit_offset(design.X_kernel, design.x_mean, coef), xtr)
    assert 0.0 <= gap <= 1e-20 * fit.y_sqnorm
    # The covariance solver's gap, from the correlations of the Gram columns, too.
    gram = gram_columns(design, features, features)
    q = fit.xty - gram @ coef
    gap = gram_gap(fit.xty, fit.y_sqnorm, design.col_sqnorm, penalty, features, coef, q)
    assert 0.0 <= gap <= 1e-20 * fit.y_sqnorm


@pytest.mark.parametrize("kernel", ["residual", "block"])
def test_settle_converges_only_once_the_steps_have_settled(kernel):
    """With settle a kernel stops at an epoch whose largest step is at most step_tol (raised
    to SETTLE_STEP_FLOOR) times the largest coefficient, even when the gap was met long
    before; without it the gap alone decides."""
    X_dense, y, sw = make_regression_data(80, 10, density=1.0)
    problem = make_problem(np.asfortranarray(X_dense), y, sample_weight=sw)
    design, fit = problem.design, problem.datafit
    features = np.arange(10, dtype=np.int32)
    penalty = problem.penalty().kernel(1e-3, 0.0, design.sum_weights)
    gram = gram_columns(design, features, features)
    solution = np.linalg.solve(gram + penalty.l2 * np.eye(10), fit.xty)

    def run(settle, step_tol, max_epochs=100_000):
        w = np.zeros(10)
        if kernel == "residual":
            residual, xtr = np.empty(80), np.empty(10)
            init_residual(design.X_kernel, fit.y, w, design.x_mean, residual)
            result = residual_cd(design.X_kernel, fit.y, design.weights, design.sum_weights,
                                 design.x_mean, design.col_sqnorm, penalty, features.copy(), w,
                                 residual, xtr, max_epochs, np.inf, step_tol, settle, 10, -1, 5)
        else:
            result = block_cd(gram, np.ones(10, dtype=np.bool_), design.col_sqnorm, penalty, w,
                              fit.xty - gram @ w, fit.xty, fit.y_sqnorm, max_epochs, np.inf,
                              step_tol, settle, -1, 5)
        return result, w

    def error(w):
        return np.abs(w - solution).max() / np.abs(solution).max()

    (status, epochs, _), w = run(False, 1e-12)
    assert status == STATUS_CONVERGED and error(w) > 1e-9
    for step_tol in (1e-12, 0.0):  # 0: at the floor
        (status, settled_epochs, _), w = run(True, step_tol)
        assert status == STATUS_CONVERGED and settled_epochs > epochs
        assert error(w) <= 100 * max(step_tol, SETTLE_STEP_FLOOR)
    # Out of epochs before the steps settle: not converged, whatever the gap.
    (status, _, _), _ = run(True, 0.0, max_epochs=3)
    assert status != STATUS_CONVERGED


def test_anderson_extrapolation_finds_the_fixed_point_of_a_linear_iteration():
    from fastreg._kernels._anderson import extrapolate

    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    A *= 0.9 / np.abs(np.linalg.eigvals(A)).max()  # a contraction
    b = rng.normal(size=4)
    fixed_point = np.linalg.solve(np.eye(4) - A, b)
    history = np.empty((6, 4))
    history[0] = 0.0
    for k in range(5):
        history[k + 1] = A @ history[k] + b
    out = np.empty(4)
    assert extrapolate(history, np.empty((5, 4)), out)
    # Five differences affinely span R^4, so a combination of them vanishes: the extrapolated
    # point is the fixed point, far closer than the last iterate.
    assert np.abs(out - fixed_point).max() < 1e-6
    assert np.abs(history[-1] - fixed_point).max() > 1e-2
    assert not extrapolate(np.ones((6, 4)), np.empty((5, 4)), out)  # no progress: refused


def test_block_cd_solves_its_block_and_stops_when_the_gap_stalls():
    X_dense, y, _ = make_regression_data(50, 8)
    problem = make_problem(np.asfortranarray(X_dense), y)
    features = np.arange(8, dtype=np.int32)
    gram = gram_columns(problem.design, features, features)
    penalty = problem.penalty().kernel(0.05, 0.7, problem.sum_weights)
    fit = problem.datafit

    def run(gap_tol):
        w, q = np.zeros(8), fit.xty.copy()
        result = block_cd(gram, np.ones(8, dtype=np.bool_), problem.design.col_sqnorm, penalty,
                          w, q, fit.xty, fit.y_sqnorm, 10_000, gap_tol, 0.0, False, -1, 5)
        return result, w, q

    (status, epochs, gap), w, q = run(1e-12 * fit.y_sqnorm)
    assert status == STATUS_CONVERGED and gap <= 1e-12 * fit.y_sqnorm
    np.testing.assert_allclose(q, fit.xty - gram @ w, rtol=1e-9, atol=1e-9)
    # A tolerance no gap can meet: the kernel notices that the gap stopped falling.
    (status, stalled_epochs, _), _, _ = run(-1.0)
    assert status == STATUS_STALLED and epochs < stalled_epochs < 10_000


def test_take_columns_copies_the_chosen_csc_columns():
    X = sp.random(30, 50, density=0.2, format="csc", random_state=0)
    features = np.array([41, 3, 3, 17, 0], dtype=np.int32)  # any order, repeats allowed
    stored = int(sum(X.indptr[j + 1] - X.indptr[j] for j in features))
    copy = CscMatrix(np.empty(stored), np.empty(stored, np.int32), np.empty(6, np.int32), 30)
    take_columns(CscMatrix(X.data, X.indices, X.indptr, 30), features, *copy[:3])
    taken = sp.csc_matrix(tuple(copy[:3]), shape=(30, 5))
    np.testing.assert_array_equal(taken.toarray(), X[:, features].toarray())


# --- the logistic loss ---------------------------------------------------------------------------

def _margins(n=40, extreme=True, seed=0):
    """Labels -1/+1, weights and linear predictors from moderate values to |z| = 1e3, where
    exp(|z|) overflows float64 and exp(-|z|) underflows."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    z = rng.normal(scale=3.0, size=n)
    if extreme:
        z[:8] = [1e3, -1e3, 700.0, -700.0, 745.0, -745.0, 36.0, -36.0]
    return y, rng.uniform(0.2, 3.0, size=n), z


@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_residual_and_loss_match_numpy_at_any_margin(weighted):
    from scipy.special import expit

    from fastreg._kernels import logistic_loss, logistic_residual

    y, s, z = _margins()
    weights = s if weighted else np.empty(0)
    s = s if weighted else np.ones_like(s)
    v = np.full_like(z, np.nan)
    loss, positive, negative, positive_sq, negative_sq = logistic_residual(y, weights, z, v)
    p = expit(-y * z)  # the probability of the wrong label, exact in float64
    assert np.isfinite(v).all()
    # Beyond |t| = 700 the kernel's sigmoid clamps exp's argument: probabilities below
    # exp(-700) ~ 1e-304 come out as exp(-700), a difference no sum can see.
    np.testing.assert_allclose(v, y * p, rtol=1e-14, atol=1e-303)
    exact_loss = s @ np.logaddexp(0.0, -y * z)  # 1e3 for a margin of -1e3, 0 for +1e3
    assert np.isfinite(loss) and loss == pytest.approx(exact_loss, rel=1e-14)
    up, down = y > 0, y < 0
    assert positive == pytest.approx(s[up] @ p[up], rel=1e-14)
    assert negative == pytest.approx(s[down] @ p[down], rel=1e-14)
    assert positive_sq == pytest.approx(s[up] @ p[up] ** 2, rel=1e-14)
    assert negative_sq == pytest.approx(s[down] @ p[down] ** 2, rel=1e-14)
    # The line search's loss along a direction, overflow-free at every step.
    dz = np.random.default_rng(1).normal(scale=500.0, size=z.size)
    for step in (0.0, 0.25, 1.0):
        value = logistic_loss(y, weights, z, dz, step)
        assert value == pytest.approx(s @ np.logaddexp(0.0, -y * (z + step * dz)), rel=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
def test_newton_weights_are_the_loss_curvature_and_its_working_response(weighted):
    """``h_i = s_i sigmoid(z) sigmoid(-z)`` floored at ``1e-12 s_i``, and ``h_i t_i`` minus the
    loss's derivative, ``s_i y_i sigmoid(-y_i z_i)``: the quadratic model has the loss's
    slope, and its curvature where the floor does not bind."""
    from scipy.special import expit

    from fastreg._kernels import newton_weights

    y, s, z = _margins()
    weights = s if weighted else np.empty(0)
    s = s if weighted else np.ones_like(s)
    h, t = np.full_like(z, np.nan), np.full_like(z, np.nan)
    total = newton_weights(y, weights, z, h, t)
    assert np.isfinite(h).all() and np.isfinite(t).all() and (h > 0).all()
    exact_h = s * np.maximum(expit(z) * expit(-z), 1e-12)
    # The kernel forms 1 - sigmoid(y z) by subtraction: an absolute error of eps in it, hence
    # in p (1 - p) (whose slope in p is at most 1) and, divided by the floored curvature, in t.
    np.testing.assert_array_less(np.abs(h - exact_h), s * 2 * EPS64 + 4 * EPS64 * exact_h)
    slope = s * y * expit(-y * z)
    floored = exact_h / s
    np.testing.assert_array_less(np.abs(h * t - slope),
                                 s * 2 * EPS64 + 4 * EPS64 * np.abs(slope) + 1e-300)
    assert np.all(np.abs(t - slope / exact_h) <= 2 * EPS64 / floored + 4 * EPS64 * np.abs(t))
    assert total == pytest.approx(h.sum(), rel=1e-14)
    assert (h[:6] == 1e-12 * s[:6]).all()  # |z| >= 700: the floor binds


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("factors", [False, True])
def test_logistic_gap_matches_reference(fmt, fit_intercept, positive, l1_ratio, factors):
    from fastreg._kernels import logistic_gap, logistic_residual

    from .conftest import make_classification_data
    from .reference import logistic_gap as reference_gap

    X_dense, y, sw = make_classification_data(40, 12)
    X = as_format(X_dense, fmt, np.float64)
    factor = np.linspace(0.5, 2.0, 12)
    if factors:
        factor[2] = 0.0
    problem = make_problem(X, y, sample_weight=sw, loss="logistic", fit_intercept=fit_intercept,
                           penalty_factor=factor if factors else None)
    design = problem.design
    coef = np.random.default_rng(3).normal(size=12) * (np.arange(12) < 5)
    if positive:
        coef = np.abs(coef)
    intercept = 0.4 if fit_intercept else 0.0
    z = X_dense @ coef + intercept
    v = np.empty(40)
    sums = logistic_residual(problem.datafit.y, design.weights, z, v)
    xtr = np.empty(12)
    design.correlations(v, 0.0, sums[1] - sums[2], design.all_features(), xtr)
    alpha = 0.02
    penalty = problem.penalty(positive).kernel(alpha, l1_ratio, design.sum_weights)
    gap, scale, delta = logistic_gap(penalty, problem.datafit.y, design.weights, v, sums,
                                     fit_intercept, design.col_sqnorm, design.all_features(),
                                     coef, xtr)
    kwargs = {"sample_weight": sw, "penalty_factor": factor if factors else None,
              "fit_intercept": fit_intercept, "positive": positive}
    expected = reference_gap(X_dense, y, coef, intercept, alpha, l1_ratio, **kwargs)
    assert expected > 1e-3  # far from the optimum: the gap is far from 0
    assert gap / design.sum_weights == pytest.approx(expected, rel=1e-10)
    # The intercept correction: the larger class total shrunk to the smaller.
    p = 1 / (1 + np.exp(y * z))
    totals = [sw[y == label] @ p[y == label] for label in (1.0, -1.0)]
    larger = 0 if totals[0] > totals[1] else 1
    label = (1.0, -1.0)[larger]
    expected_delta = (1 - totals[1 - larger] / totals[larger]) * np.sqrt(
        sw[y == label] @ p[y == label] ** 2) if fit_intercept else 0.0
    assert delta == pytest.approx(expected_delta, rel=1e-12, abs=1e-300)
    assert 0 < scale <= 1 and (scale == 1 or l1_ratio == 1.0)


def test_logistic_gap_is_finite_at_extreme_margins():
    """A point whose margins reach +-1e3 (probabilities 0 and 1 in float64): the loss is then
    as large as the margins, and the gap stays finite and exact."""
    from fastreg._kernels import logistic_gap, logistic_residual

    from .conftest import make_classification_data
    from .reference import logistic_gap as reference_gap

    X, y, sw = make_classification_data(40, 12)
    problem = make_problem(np.asfortranarray(X), y, sample_weight=sw, loss="logistic")
    design = problem.design
    coef = np.zeros(12)
    coef[0] = 1e3 / np.abs(X[:, 0]).max()  # |x_i w| up to 1e3
    z = X @ coef
    assert np.abs(z).max() == pytest.approx(1e3)
    v = np.empty(40)
    sums = logistic_residual(problem.datafit.y, design.weights, z, v)
    assert np.isfinite(sums).all()
    xtr = np.empty(12)
    design.correlations(v, 0.0, sums[1] - sums[2], design.all_features(), xtr)
    penalty = problem.penalty().kernel(0.02, 1.0, design.sum_weights)
    gap, scale, delta = logistic_gap(penalty, problem.datafit.y, design.weights, v, sums,
                                     True, design.col_sqnorm, design.all_features(), coef, xtr)
    assert np.isfinite([gap, scale, delta]).all()
    expected = reference_gap(X, y, coef, 0.0, 0.02, 1.0, sample_weight=sw)
    assert expected > 10  # such a point is far from the optimum
    assert gap / design.sum_weights == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("radius", [0.05, 0.5, 5.0])
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_gap_safe_screen_keeps_in_order_what_the_test_cannot_discard(radius, l2):
    """The kept candidates, in their order, are those whose Gap Safe bound reaches
    ``l1 f_j``; the screened ones with a non-zero coefficient are listed for dropping."""
    rng = np.random.default_rng(3)
    p = 2000
    col_sqnorm = rng.uniform(0.1, 2.0, p)
    col_sqnorm[::97] = 0.0
    xtr = rng.standard_normal(p)
    coef = np.where(rng.random(p) < 0.05, rng.standard_normal(p), 0.0)
    factors = rng.uniform(0.0, 2.0, p)
    penalty = ElasticNetPenalty(1.0, l2, factors, False)
    candidates = rng.permutation(p).astype(np.int32)
    scale = 0.8
    bound = (scale * np.abs(xtr - l2 * factors * coef)
             + radius * np.sqrt(col_sqnorm + l2 * factors))
    screened = bound[candidates] < factors[candidates]
    if radius == 0.5:  # both outcomes of the test are exercised
        assert 0.1 < screened.mean() < 0.9
    dropped = np.empty(np.count_nonzero(coef), dtype=np.int32)
    order = candidates.copy()
    kept, n_dropped = gap_safe_screen(col_sqnorm, penalty, scale, radius, xtr, coef, order,
                                      dropped)
    np.testing.assert_array_equal(order[:kept], candidates[~screened])
    expected_dropped = candidates[screened & (coef[candidates] != 0.0)]
    np.testing.assert_array_equal(dropped[:n_dropped], expected_dropped)


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_violation_scores_and_their_count_match_numpy(l2):
    rng = np.random.default_rng(4)
    p = 2000
    col_sqnorm = rng.uniform(0.1, 2.0, p)
    col_sqnorm[::89] = 0.0
    xtr = rng.standard_normal(p)
    coef = np.where(rng.random(p) < 0.05, 1.0, 0.0)
    factors = rng.uniform(0.0, 2.0, p)
    factors[::101] = 0.0
    penalty = ElasticNetPenalty(0.9, l2, factors, False)
    candidates = rng.permutation(p).astype(np.int32)
    score = np.empty(p)
    violators = violation_scores(penalty, col_sqnorm, xtr, coef, candidates, score)
    with np.errstate(divide="ignore"):
        expected = (0.9 * factors - np.abs(xtr)) / np.sqrt(col_sqnorm + l2 * factors)
    expected[col_sqnorm == 0.0] = np.inf
    expected[(coef != 0.0) | (factors == 0.0)] = -np.inf
    np.testing.assert_allclose(score, expected[candidates], rtol=1e-12)
    zero_penalized = (coef == 0.0) & (factors > 0.0) & (col_sqnorm > 0.0)
    assert violators == np.count_nonzero(zero_penalized & (expected < 0.0))
    assert violators > p // 10  # many violate: the count is exercised
