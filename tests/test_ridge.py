"""Tests of the ridge engine, ``fastreg._ridge.ridge_solve``.

Oracles: parity with scikit-learn's ``Ridge`` (fit in float64 on dense data with an exact
solver), the first-order optimality conditions, the equivalence of integer sample weights
with repeated rows, and memory bounds that fail if X is densified or copied.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Ridge

import fastreg._ridge as ridge_module
from fastreg._ridge import RidgeResult, ridge_solve

SOLVERS = ["auto", "cholesky", "eigen", "cg"]
FORMATS = ["dense_f", "dense_c", "csc"]
RTOL = {np.float64: 1e-6, np.float32: 1e-4}
# CG tolerance per dtype: float32 products cannot take the residual much below 1e-6.
CG_TOL = {np.float64: 1e-10, np.float32: 1e-6}


def make_problem(n, p, n_targets, seed=0, density=None):
    """Float64 data with non-zero column means and target offsets, so centering matters."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = rng.standard_normal((n, p)) + rng.uniform(-1, 1, p)
    else:
        X = sp.random(n, p, density=density, random_state=seed, format="csc").toarray()
    shape = (n,) if n_targets is None else (n, n_targets)
    y = rng.standard_normal(shape) + 3.0
    sw = rng.uniform(0.2, 3.0, n)
    return X, y, sw


def as_format(X, fmt, dtype):
    if fmt == "dense_f":
        return np.asfortranarray(X, dtype=dtype)
    if fmt == "dense_c":
        return np.ascontiguousarray(X, dtype=dtype)
    return sp.csc_array(X.astype(dtype))


def assert_rel_close(actual, desired, rtol, what):
    """max |actual - desired| <= rtol * max(|desired|, 1), with a readable message."""
    actual = np.asarray(actual, dtype=np.float64)
    desired = np.asarray(desired, dtype=np.float64)
    assert actual.shape == desired.shape, what
    scale = max(float(np.max(np.abs(desired), initial=0.0)), 1.0)
    err = float(np.max(np.abs(actual - desired), initial=0.0))
    assert err <= rtol * scale, f"{what}: max abs error {err:.3g} > {rtol:g} * {scale:.3g}"


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", [(40, 8), (12, 30)], ids=["n>p", "n<p"])
@pytest.mark.parametrize("n_targets", [None, 3], ids=["y1d", "y2d"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no_intercept"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_matches_sklearn(fmt, dtype, fit_intercept, weighted, n_targets, shape, solver):
    n, p = shape
    X, y, sw = make_problem(n, p, n_targets, density=0.3 if fmt == "csc" else None)
    sw = sw if weighted else None
    # One alpha per target for 2-D y exercises the per-target factorizations.
    alpha = 1.5 if n_targets is None else np.array([0.5, 1.5, 4.0])

    ref = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky", tol=1e-10)
    ref.fit(X, y, sample_weight=sw)

    res = ridge_solve(
        as_format(X, fmt, dtype),
        y.astype(dtype),
        alpha,
        sample_weight=None if sw is None else sw.astype(dtype),
        fit_intercept=fit_intercept,
        solver=solver,
        tol=CG_TOL[dtype],
    )

    assert isinstance(res, RidgeResult)
    assert res.coef.dtype == dtype
    assert res.coef.shape == ref.coef_.shape
    assert_rel_close(res.coef, ref.coef_, RTOL[dtype], "coef")
    # sklearn's intercept_ is a scalar 0.0 without intercept even for 2-D y; ours is (k,).
    ref_intercept = np.broadcast_to(ref.intercept_, np.shape(res.intercept))
    assert_rel_close(res.intercept, ref_intercept, RTOL[dtype], "intercept")
    if n_targets is None:
        assert isinstance(res.intercept, float)
    else:
        assert res.intercept.shape == (n_targets,)
    if not fit_intercept:
        assert np.all(np.asarray(res.intercept) == 0)

    expected = {"auto": "cg" if fmt == "csc" else "cholesky"}.get(solver, solver)
    assert res.solver == expected
    if expected == "cg":
        assert res.n_iter.shape == (1 if n_targets is None else n_targets,)
        assert np.all(res.n_iter > 0)
        if dtype == np.float64:
            assert res.converged
    else:
        assert res.n_iter is None


@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("shape", [(50, 10), (10, 50)], ids=["n>p", "n<p"])
def test_optimality_conditions(shape, solver):
    """The gradient of sum_i s_i r_i^2 + alpha ||w||^2 vanishes at the solution."""
    X, y, sw = make_problem(*shape, None, seed=3)
    alpha = 0.7
    res = ridge_solve(X, y, alpha, sample_weight=sw, solver=solver, tol=1e-12)
    resid = y - X @ res.coef - res.intercept
    grad_w = -2 * X.T @ (sw * resid) + 2 * alpha * res.coef
    grad_b = -2 * np.sum(sw * resid)
    scale = np.linalg.norm(X.T @ (sw * y))
    assert np.linalg.norm(grad_w) <= 1e-8 * scale
    assert abs(grad_b) <= 1e-8 * scale


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
def test_integer_weights_equal_repeated_rows(fmt, solver):
    X, y, _ = make_problem(20, 6, None, seed=4)
    counts = np.random.default_rng(4).integers(1, 4, size=20)
    res_w = ridge_solve(
        as_format(X, fmt, np.float64),
        y,
        2.0,
        sample_weight=counts.astype(float),
        solver=solver,
        tol=1e-12,
    )
    rep = np.repeat(np.arange(20), counts)
    res_r = ridge_solve(as_format(X[rep], fmt, np.float64), y[rep], 2.0, solver=solver, tol=1e-12)
    assert_rel_close(res_w.coef, res_r.coef, 1e-9, "coef")
    assert_rel_close(res_w.intercept, res_r.intercept, 1e-9, "intercept")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_inputs_not_modified(fmt, solver):
    X0, y0, sw0 = make_problem(15, 25, 2, seed=5)
    X = as_format(X0, fmt, np.float64)
    y, sw = y0.copy(), sw0.copy()
    X_before = X.copy()
    ridge_solve(X, y, np.array([1.0, 2.0]), sample_weight=sw, solver=solver)
    if sp.issparse(X):
        assert X.format == "csc"
        for attr in ("data", "indices", "indptr"):
            np.testing.assert_array_equal(getattr(X, attr), getattr(X_before, attr))
    else:
        np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(sw, sw0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_float32_in_float32_out(fmt):
    X, y, sw = make_problem(30, 5, 2, seed=6)
    # y and sample_weight in float64 are cast to X's dtype; the result stays float32.
    res = ridge_solve(as_format(X, fmt, np.float32), y, 1.0, sample_weight=sw)
    assert res.coef.dtype == np.float32
    assert res.intercept.dtype == np.float32
    res64 = ridge_solve(as_format(X, fmt, np.float64), y, 1.0, sample_weight=sw, tol=1e-10)
    assert_rel_close(res.coef, res64.coef, 1e-4, "coef")


def test_csc_matrix_accepted():
    """The spmatrix API (csc_matrix) gives the same result as the sparray one."""
    X, y, _ = make_problem(25, 40, None, seed=7, density=0.2)
    res_a = ridge_solve(sp.csc_array(X), y, 1.0, tol=1e-12)
    res_m = ridge_solve(sp.csc_matrix(X), y, 1.0, tol=1e-12)
    assert res_m.coef.shape == (40,)
    assert_rel_close(res_m.coef, res_a.coef, 1e-10, "coef")


@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("shape", [(30, 6), (10, 30)], ids=["n>p", "n<p"])
@pytest.mark.parametrize("seed", range(6))
def test_alpha_zero_singular_gives_min_norm(shape, solver, seed):
    """alpha = 0 on rank-deficient data: no crash, the minimum-norm least-squares fit."""
    rng = np.random.default_rng(seed)
    n, p = shape
    X = rng.standard_normal((n, p - 2))
    # Linearly dependent columns make X_c^T X_c singular; with the sum column, rounding
    # lets the Cholesky factorization succeed with a tiny pivot, which must be detected.
    X = np.column_stack([X, X[:, 0] + X[:, 1], X[:, 2] - 0.5 * X[:, 3]])
    y = rng.standard_normal(n)
    res = ridge_solve(X, y, 0.0, solver=solver, tol=1e-13, max_iter=1000)
    Xc = X - X.mean(axis=0)
    w_ref = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    assert np.all(np.isfinite(res.coef))
    assert_rel_close(res.coef, w_ref, 1e-7, "coef")
    assert_rel_close(res.intercept, y.mean() - X.mean(axis=0) @ w_ref, 1e-7, "intercept")
    if solver == "cholesky":
        assert res.solver == "eigen"  # the fallback is reported


def test_cg_max_iter_reports_not_converged():
    X, y, _ = make_problem(60, 40, 2, seed=9)
    res = ridge_solve(sp.csc_array(X), y, 1e-3, solver="cg", tol=1e-14, max_iter=2)
    np.testing.assert_array_equal(res.n_iter, [2, 2])
    assert not res.converged


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("shape", [(70, 9), (9, 70)], ids=["n>p", "n<p"])
def test_blocked_products_match_unblocked(monkeypatch, fmt, shape):
    """Tiny blocks exercise every loop of the blocked Gram / kernel builders."""
    X, y, sw = make_problem(*shape, 2, seed=10)
    Xf = as_format(X, fmt, np.float64)
    full = ridge_solve(Xf, y, 1.0, sample_weight=sw, solver="eigen")
    monkeypatch.setattr(ridge_module, "_BLOCK_ELEMENTS", 20)
    blocked = ridge_solve(Xf, y, 1.0, sample_weight=sw, solver="eigen")
    assert_rel_close(blocked.coef, full.coef, 1e-10, "coef")
    assert_rel_close(blocked.intercept, full.intercept, 1e-10, "intercept")


def _peak_bytes(fn):
    fn()  # warm up imports and caches so that only the solve itself is measured
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "shape, solver, fraction",
    [
        ((2000, 20000), "auto", 1 / 50),
        ((200, 20000), "cholesky", 1 / 4),
        ((20000, 200), "eigen", 1 / 4),
    ],
    ids=["cg", "cholesky-dual", "eigen-primal"],
)
def test_sparse_never_densified(shape, solver, fraction):
    """CG needs vectors of length n and p; the direct solvers a min(n, p)^2 matrix and
    densified blocks of X of bounded size. A dense X would be 32-320 MB."""
    n, p = shape
    rng = np.random.default_rng(0)
    # Density 1e-3 built from random coordinates (sp.random is slow at this size).
    nnz = n * p // 1000
    rows, cols = rng.integers(0, n, nnz), rng.integers(0, p, nnz)
    X = sp.csc_array((rng.uniform(size=nnz), (rows, cols)), shape=(n, p))
    y, sw = rng.standard_normal(n), rng.uniform(0.5, 2.0, n)
    peak = _peak_bytes(lambda: ridge_solve(X, y, 1.0, sample_weight=sw, solver=solver))
    assert peak < fraction * n * p * 8, f"peak {peak} bytes"


@pytest.mark.parametrize("shape", [(4000, 200), (200, 4000)], ids=["primal", "dual"])
def test_dense_weighted_no_full_size_temporary(monkeypatch, shape):
    """Weights and centering never create an n x p temporary (X * s or X - xbar)."""
    monkeypatch.setattr(ridge_module, "_BLOCK_ELEMENTS", 1 << 14)
    X, y, sw = make_problem(*shape, None, seed=11)
    X = np.asfortranarray(X)
    peak = _peak_bytes(lambda: ridge_solve(X, y, 1.0, sample_weight=sw, solver="cholesky"))
    # The 200 x 200 Gram / kernel matrix and a few blocks of 2**14 entries: well under X.
    assert peak < X.nbytes / 4, f"peak {peak} bytes, X is {X.nbytes}"


@pytest.mark.parametrize("solver", ["cholesky", "eigen", "cg"])
@pytest.mark.parametrize("shape", [(200, 30), (30, 200)], ids=["n>p", "n<p"])
def test_float32_large_column_means(shape, solver):
    """Columns with mean / std = 100: centering by the shortcut X^T X - n xbar xbar^T
    would cancel four digits, most of float32's precision."""
    rng = np.random.default_rng(12)
    n, p = shape
    X = 0.1 * rng.standard_normal((n, p)) + rng.uniform(5, 20, p)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    ref = Ridge(alpha=1.0, solver="cholesky").fit(X, y)
    res = ridge_solve(np.asfortranarray(X, dtype=np.float32), y, 1.0, solver=solver, tol=1e-6)
    # CG only centers one side of each product with X, so it keeps a factor mean / std.
    rtol = 1e-3 if solver == "cg" else 1e-4
    assert_rel_close(res.coef, ref.coef_, rtol, "coef")
    assert_rel_close(res.intercept, ref.intercept_, rtol, "intercept")


def test_unknown_solver_raises():
    X, y, _ = make_problem(10, 3, None)
    with pytest.raises(ValueError, match="solver"):
        ridge_solve(X, y, 1.0, solver="svd")
