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
    init_residual,
    residual_gap,
    take_columns,
)
from fastreg._solver import gram_columns, make_problem

from .conftest import as_format, make_regression_data
from .reference import enet_gap


@njit
def jit_col_dot(X, j, weights, v):
    return col_dot(X, j, weights, v)


@njit
def jit_col_axpy(X, j, a, v):
    col_axpy(X, j, a, v)


@njit
def jit_col_moments(X, j, weights):
    return col_moments(X, j, weights)


def kernel_view(X):
    return CscMatrix(X.data, X.indices, X.indptr) if sp.issparse(X) else X


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
    init_residual(design.X_kernel, y_centered, coef, residual)
    alpha = 0.1
    penalty = problem.penalty(positive).kernel(alpha, l1_ratio, design.sum_weights)
    gap = residual_gap(design.X_kernel, y_centered, design.weights, design.sum_weights,
                       design.x_mean, design.col_sqnorm, penalty, np.arange(12), coef,
                       residual, design.x_mean @ coef, xtr)
    expected = enet_gap(X, y, coef, alpha, l1_ratio, sample_weight=sw, positive=positive)
    assert expected > 1e-3  # a point far from the optimum: the gap is far from 0
    assert gap / problem.sum_weights == pytest.approx(expected, rel=1e-9)
    # On the way it stores X_c^T S r, which the working-set solver ranks features by.
    Xc = X_dense - sw @ X_dense / sw.sum()
    r = (y - sw @ y / sw.sum()) - Xc @ coef
    np.testing.assert_allclose(xtr, Xc.T @ (sw * r), rtol=1e-10)


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
                          w, q, fit.xty, fit.y_sqnorm, 10_000, gap_tol, -1, 5)
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
    copy = CscMatrix(np.empty(stored), np.empty(stored, np.int32), np.empty(6, np.int32))
    take_columns(CscMatrix(X.data, X.indices, X.indptr), features, *copy)
    taken = sp.csc_matrix(tuple(copy), shape=(30, 5))
    np.testing.assert_array_equal(taken.toarray(), X[:, features].toarray())
