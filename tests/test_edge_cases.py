"""Numerical edge cases: degenerate shapes and columns, extreme scales, unusual array layouts.

Each result is checked against scikit-learn, a closed form or the NumPy optimality conditions
of ``tests.test_properties``, never against fastreg itself.  The defects these tests found
are fixed; each test keeps them from coming back.
"""

import re
import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet

import fastreg
from fastreg import _solver
from fastreg._engine import data

from .conftest import as_format, make_regression_data
from .reference import enet_gap, enet_objective
from .test_properties import assert_kkt, certified_gap, numpy_alpha_max

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def sklearn_fit(X, y, alpha, l1_ratio=1.0, **kwargs):
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    model = SkElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000,
                         **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X.astype(np.float64), np.asarray(y, np.float64))


def assert_matches_sklearn(result, X, y, alpha, l1_ratio=1.0, *, fit_intercept=True,
                           rtol=1e-6):
    """The objective at fastreg's solution is no worse than at scikit-learn's, and the
    fitted values agree."""
    ref = sklearn_fit(X, y, alpha, l1_ratio, fit_intercept=fit_intercept)
    dense = X.toarray() if sp.issparse(X) else np.asarray(X, np.float64)
    ours = enet_objective(dense, y, result.coef, result.intercept, alpha, l1_ratio)
    theirs = enet_objective(dense, y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert ours <= theirs * (1 + rtol) + 1e-12
    np.testing.assert_allclose(dense @ result.coef + result.intercept, ref.predict(dense),
                               rtol=0, atol=np.sqrt(rtol) * (1 + np.abs(y).max()))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_constant_and_all_zero_columns(fmt, dtype, fit_intercept):
    X, y, _ = make_regression_data(30, 8, density=1.0)
    X[:, 2] = 0.0
    X[:, 5] = 4.0
    Xf = as_format(X, fmt, dtype)
    result = fastreg.solve(Xf, y, 0.05, 0.7, fit_intercept=fit_intercept, **TIGHT)
    assert result.converged and np.isfinite(result.coef).all()
    assert result.coef[2] == 0.0
    if fit_intercept:
        assert result.coef[5] == 0.0  # centered, the constant column is zero
    assert_kkt(X.astype(dtype), y, result, 0.05, 0.7, fit_intercept=fit_intercept)
    assert_matches_sklearn(result, X.astype(dtype), y, 0.05, 0.7, fit_intercept=fit_intercept)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_duplicated_columns(fmt, l1_ratio):
    X, y, _ = make_regression_data(40, 6, density=1.0)
    X = np.hstack([X, X[:, :2]])  # columns 6 and 7 copy 0 and 1
    result = fastreg.solve(as_format(X, fmt, np.float64), y, 0.05, l1_ratio, **TIGHT)
    assert result.converged
    assert_matches_sklearn(result, X, y, 0.05, l1_ratio)
    if l1_ratio < 1:  # strictly convex: copies share the weight equally
        np.testing.assert_allclose(result.coef[6:], result.coef[:2], rtol=1e-6)
    else:  # the Lasso's split is arbitrary; the total is not
        ref = sklearn_fit(X, y, 0.05)
        np.testing.assert_allclose(result.coef[:2] + result.coef[6:],
                                   ref.coef_[:2] + ref.coef_[6:], rtol=1e-5)


def test_one_sample(fmt):
    X, y, _ = make_regression_data(1, 5, density=1.0)
    Xf = as_format(X, fmt, np.float64)
    # With an intercept one sample is fitted exactly by it: all coefficients are zero.
    result = fastreg.solve(Xf, y, 0.1)
    assert not result.coef.any() and result.intercept == pytest.approx(y[0])
    assert result.converged and result.n_iter == 0
    # Without, the Lasso on one row: compare the objective with scikit-learn's.
    alpha = 0.3 * numpy_alpha_max(X, y, 1.0, fit_intercept=False)
    result = fastreg.solve(Xf, y, alpha, fit_intercept=False, **TIGHT)
    assert result.converged and np.count_nonzero(result.coef) >= 1
    assert_matches_sklearn(result, X, y, alpha, fit_intercept=False)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
@pytest.mark.parametrize("weighted", [False, True])
def test_one_feature_closed_form(fmt, dtype, l1_ratio, weighted):
    """p = 1: w = soft(x_c^T S y_c / S, alpha rho) / (x_c^T S x_c / S + alpha (1 - rho))."""
    X, y, sw = make_regression_data(25, 1, density=1.0, n_informative=1)
    sw = sw if weighted else np.ones(25)
    X = X.astype(dtype).astype(np.float64)
    alpha = 0.2
    S = sw.sum()
    xc = X[:, 0] - sw @ X[:, 0] / S
    yc = y - sw @ y / S
    z = xc @ (sw * yc) / S
    expected = np.sign(z) * max(abs(z) - alpha * l1_ratio, 0) / (
        xc @ (sw * xc) / S + alpha * (1 - l1_ratio))
    assert expected != 0
    result = fastreg.solve(as_format(X, fmt, dtype), y, alpha, l1_ratio,
                           sample_weight=sw if weighted else None, **TIGHT)
    precision = 1e-10 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(result.coef, [expected], rtol=precision)
    assert result.intercept == pytest.approx(sw @ y / S - sw @ X[:, 0] / S * expected,
                                             rel=precision)


def test_constant_target(fmt, dtype):
    X, _, _ = make_regression_data(20, 6)
    y = np.full(20, 3.5)
    Xf = as_format(X, fmt, dtype)
    result = fastreg.solve(Xf, y, 1e-3)
    assert not result.coef.any() and result.intercept == 3.5
    assert result.converged and result.n_iter == 0 and result.dual_gap == 0.0
    model = fastreg.Lasso(alpha=1e-3).fit(Xf, y)
    assert not model.coef_.any() and model.intercept_ == 3.5
    # Without an intercept a constant y is an ordinary target.
    result = fastreg.solve(Xf, y, 0.05, fit_intercept=False, **TIGHT)
    assert result.converged and result.coef.any()
    assert_matches_sklearn(result, X.astype(dtype), y, 0.05, fit_intercept=False)


@pytest.mark.parametrize("factor", [1.0 + 1e-9, 2.0, 100.0])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("positive", [False, True])
def test_alpha_above_alpha_max_gives_zeros_at_once(fmt, dtype, factor, l1_ratio, positive):
    X, y, sw = make_regression_data()
    X = X.astype(dtype).astype(np.float64)
    alpha_max = numpy_alpha_max(X, y, l1_ratio, sample_weight=sw, positive=positive)
    # scikit-learn finds a non-zero just below it: this alpha_max is the real threshold.
    below = sklearn_fit(X, y, alpha_max * (1 - 1e-3), l1_ratio, positive=positive)
    below_sw = SkElasticNet(alpha=alpha_max * (1 - 1e-3), l1_ratio=l1_ratio, positive=positive,
                            tol=1e-12).fit(X, y, sample_weight=sw)
    assert below.coef_.any() or below_sw.coef_.any()
    alpha = factor * alpha_max
    result = fastreg.solve(as_format(X, fmt, dtype), y, alpha, l1_ratio, sample_weight=sw,
                           positive=positive)
    assert not result.coef.any()
    assert result.n_iter == 0 and result.converged
    # At w = 0 the residual scaled by 1 is dual feasible: the gap is zero up to rounding.
    assert abs(result.dual_gap) <= 1e-12 * result.gap_tol / 1e-4
    assert result.intercept == pytest.approx(sw @ y / sw.sum(), rel=1e-12)
    model = fastreg.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive).fit(
        as_format(X, fmt, dtype), y, sample_weight=sw)
    assert not model.coef_.any() and model.n_iter_ == 0


def test_tiny_alpha_warns_with_the_gap_and_returns():
    """A problem that cannot converge in a few epochs: a ConvergenceWarning whose message
    carries the (true) gap, and a prompt return with ``converged=False``."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=(200, 1))
    X = np.asfortranarray(base + 1e-3 * rng.normal(size=(200, 30)))  # nearly collinear
    y = rng.normal(size=200)
    start = time.perf_counter()
    with pytest.warns(ConvergenceWarning, match="duality gap") as record:
        result = fastreg.solve(X, y, 1e-10, tol=1e-12, max_iter=5)
    assert time.perf_counter() - start < 30
    assert not result.converged and result.dual_gap > result.gap_tol
    assert result.n_iter <= 5 * _solver.Solver.max_outer
    reported = float(re.search(r"duality gap ([0-9.e+-]+)", str(record[0].message)).group(1))
    assert reported == pytest.approx(result.dual_gap, rel=1e-3)
    # The gap reported is the gap of the returned coefficients.
    assert result.dual_gap == pytest.approx(enet_gap(X, y, result.coef, 1e-10, 1.0), rel=1e-3)
    # The estimator and the path warn the same way.
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        fastreg.Lasso(alpha=1e-10, tol=1e-12, max_iter=5).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        fastreg.lasso_path(X, y, alphas=[1e-9, 1e-10], tol=1e-12, max_iter=5)


def test_feature_scales_from_1e_minus_8_to_1e8(fmt):
    X, y, _ = make_regression_data(60, 9, density=1.0)
    X = X * np.logspace(-8, 8, 9)
    Xf = as_format(X, fmt, np.float64)
    alpha = 0.01
    # The correlation of the 1e8 column carries a rounding error of about eps ||x_j|| ||r||,
    # 1e-6 here, and so does the gap: a relative tol of 1e-12 is below float64's resolution
    # for these data, whichever way the correlations are computed.
    result = fastreg.solve(Xf, y, alpha, 0.5, tol=1e-9, max_iter=100_000)
    assert result.converged and np.isfinite(result.coef).all()
    assert_kkt(X, y, result, alpha, 0.5)
    ref = sklearn_fit(X, y, alpha, 0.5)
    ours = enet_objective(X, y, result.coef, result.intercept, alpha, 0.5)
    assert ours <= enet_objective(X, y, ref.coef_, ref.intercept_, alpha, 0.5) + 1e-10


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("scale", [1e18, 1e30, 1e36])
def test_values_near_float32_limits(fmt, precompute, scale):
    """X and y scaled by c: same coefficients when alpha scales by c^2 (the loss does)."""
    X, y, _ = make_regression_data(50, 10, density=1.0)
    X32 = X.astype(np.float32)
    big = as_format(X32.astype(np.float64) * scale, fmt, np.float32)
    assert np.isfinite(big.toarray() if sp.issparse(big) else big).all()
    ref = sklearn_fit(X32, y, 0.05)
    result = fastreg.solve(big, y * scale, 0.05 * scale**2, precompute=precompute, tol=1e-8)
    assert result.converged and np.isfinite(result.coef).all()
    np.testing.assert_allclose(result.coef, ref.coef_, rtol=0, atol=1e-5)
    assert result.intercept / scale == pytest.approx(ref.intercept_, rel=1e-5)
    assert np.isfinite(result.dual_gap) and result.dual_gap <= result.gap_tol


def test_float32_near_limits_through_the_blas_gram_path(monkeypatch):
    # Large X takes the BLAS branch of gram_columns; lower the threshold to reach it cheaply.
    monkeypatch.setattr(data, "GRAM_KERNEL_MAX_ENTRIES", 0)
    X, y, _ = make_regression_data(50, 10, density=1.0)
    X32 = X.astype(np.float32)
    scale = 1e30
    ref = sklearn_fit(X32, y, 0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = fastreg.solve(np.asfortranarray(X32 * np.float32(scale)), y * scale,
                               0.05 * scale**2, precompute=True, tol=1e-8)
    assert result.converged
    np.testing.assert_allclose(result.coef, ref.coef_, rtol=0, atol=1e-5)


def test_float64_overflowing_squares_raise_a_clear_error():
    X, y, _ = make_regression_data(30, 5, density=1.0)
    with pytest.raises(ValueError, match="overflow|scale"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fastreg.solve(X * 1e200, y * 1e200, 1e300)


def assert_same_as_canonical(X, y, X_dense, **kwargs):
    """fastreg on X gives scikit-learn's solution on the equivalent dense float64 data."""
    result = fastreg.solve(X, y, 0.03, 0.8, **TIGHT, **kwargs)
    assert result.converged
    assert_matches_sklearn(result, X_dense, y, 0.03, 0.8)
    return result


def with_int64_indices(A):
    """``A`` with the int64 index arrays of a matrix past 2**31 stored values (scipy gives a
    small matrix int32 ones)."""
    A.indices = A.indices.astype(np.int64)
    A.indptr = A.indptr.astype(np.int64)
    return A


def test_csc_with_int64_indices(dtype):
    X, y, _ = make_regression_data(40, 30, density=0.3)
    A = with_int64_indices(sp.csc_matrix(X.astype(dtype)))
    assert A.indices.dtype == np.int64
    assert_same_as_canonical(A, y, X.astype(dtype))
    assert A.indices.dtype == np.int64  # the caller's matrix keeps its indices


@pytest.mark.parametrize("loss", ["squared", "logistic", "multitask"])
def test_csc_with_int64_indices_is_used_without_a_copy(loss):
    # Past 2**31 stored values the indices must be int64, and X is then far too large to copy:
    # the kernels work on the caller's own three arrays.
    X, y, _ = make_regression_data(40, 30, density=0.3)
    A = with_int64_indices(sp.csc_matrix(X))
    target = {"squared": y, "logistic": np.where(y > np.median(y), 1.0, -1.0),
              "multitask": np.c_[y, -2 * y]}[loss]
    problem = _solver.make_problem(A, target, loss=loss)
    kernel_view = problem.design.X_kernel
    assert kernel_view.data is A.data
    assert kernel_view.indices is A.indices
    assert kernel_view.indptr is A.indptr
    result = _solver.Solver(problem).run(0.05, 1.0, positive=False, tol=1e-8, max_iter=1000)
    assert result.converged
    assert A.indices.dtype == np.int64 and A.indptr.dtype == np.int64


def test_csc_with_unsorted_indices(dtype):
    X, y, _ = make_regression_data(40, 30, density=0.3)
    A = sp.csc_matrix(X.astype(dtype))
    for j in range(A.shape[1]):  # reverse each column's entries
        start, stop = A.indptr[j], A.indptr[j + 1]
        A.indices[start:stop] = A.indices[start:stop][::-1].copy()
        A.data[start:stop] = A.data[start:stop][::-1].copy()
    A.has_sorted_indices = False
    assert not A.has_sorted_indices and (A.toarray() == X.astype(dtype)).all()
    assert_same_as_canonical(A, y, X.astype(dtype))


def test_csc_with_explicit_zeros(dtype):
    X, y, _ = make_regression_data(40, 30, density=0.5)
    A = sp.csc_matrix(X.astype(dtype))
    A.data[::3] = 0.0  # stored, but zero
    nnz = A.nnz
    dense = A.toarray()
    assert sp.csc_matrix(dense).nnz < nnz
    assert_same_as_canonical(A, y, dense)
    assert A.nnz == nnz


def test_non_contiguous_arrays(fmt):
    X, y, sw = make_regression_data(80, 60, density=0.5)
    X_strided, y_strided, sw_strided = X[::2, ::3], y[::2], sw[::2]
    assert not X_strided.flags.c_contiguous and not X_strided.flags.f_contiguous
    assert not y_strided.flags.c_contiguous
    Xf = X_strided if fmt == "dense" else sp.csc_matrix(X_strided)
    result = fastreg.solve(Xf, y_strided, 0.03, 0.8, sample_weight=sw_strided, **TIGHT)
    ref = SkElasticNet(alpha=0.03, l1_ratio=0.8, tol=1e-14, max_iter=1_000_000).fit(
        np.ascontiguousarray(X_strided), y_strided.copy(), sample_weight=sw_strided.copy())
    np.testing.assert_allclose(result.coef, ref.coef_, rtol=0, atol=1e-6)
    model = fastreg.ElasticNet(alpha=0.03, l1_ratio=0.8, **TIGHT).fit(
        Xf, y_strided, sample_weight=sw_strided)
    np.testing.assert_allclose(model.predict(X_strided), ref.predict(X_strided), atol=1e-6)


def read_only(array):
    array = np.array(array)
    array.flags.writeable = False
    return array


def test_read_only_arrays(fmt, dtype):
    X, y, sw = make_regression_data(40, 30, density=0.4)
    factors = np.random.default_rng(1).uniform(0.5, 2.0, size=30)
    if fmt == "dense":
        Xr = read_only(np.asfortranarray(X.astype(dtype)))
    else:
        Xr = sp.csc_matrix(X.astype(dtype))
        for part in (Xr.data, Xr.indices, Xr.indptr):
            part.flags.writeable = False
    args = {"sample_weight": read_only(sw), "penalty_factor": read_only(factors)}
    result = fastreg.solve(Xr, read_only(y), 0.03, 0.8, coef_init=read_only(np.ones(30)),
                           **args, **TIGHT)
    assert result.converged
    assert_kkt(X.astype(dtype), y, result, 0.03, 0.8, **args)
    model = fastreg.ElasticNet(alpha=0.03, l1_ratio=0.8, penalty_factor=args["penalty_factor"],
                               **TIGHT).fit(Xr, read_only(y), sample_weight=args["sample_weight"])
    np.testing.assert_allclose(model.coef_, result.coef, rtol=0, atol=1e-5)
    alphas, coefs, _ = fastreg.enet_path(Xr, read_only(y), l1_ratio=0.8, n_alphas=5, **args)
    assert coefs.shape == (30, 5) and not coefs[:, 0].any()


@pytest.mark.parametrize("how", ["np.memmap", "np.load"])
@pytest.mark.parametrize("order", ["F", "C"])
def test_memory_mapped_X(tmp_path, dtype, how, order):
    X, y, _ = make_regression_data(40, 30, density=0.6)
    data = np.asarray(X, dtype=dtype, order=order)
    if how == "np.memmap":
        path = tmp_path / "X.dat"
        writer = np.memmap(path, dtype=dtype, mode="w+", shape=X.shape, order=order)
        writer[:] = data
        writer.flush()
        del writer
        mapped = np.memmap(path, dtype=dtype, mode="r", shape=X.shape, order=order)
    else:
        np.save(tmp_path / "X.npy", data)
        mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    assert isinstance(mapped, np.memmap) and not mapped.flags.writeable
    result = fastreg.solve(mapped, y, 0.03, 0.8, **TIGHT)
    assert result.converged and result.coef.dtype == dtype
    assert_matches_sklearn(result, data, y, 0.03, 0.8)
    model = fastreg.Lasso(alpha=0.03, **TIGHT).fit(mapped, y)
    assert_matches_sklearn(type(result)(**{**vars(result), "coef": model.coef_,
                                            "intercept": model.intercept_}),
                           data, y, 0.03, 1.0, rtol=1e-5)
    assert np.isfinite(model.predict(mapped)).all()
    _, coefs, _ = fastreg.lasso_path(mapped, y, n_alphas=4)
    assert coefs.dtype == dtype and not coefs[:, 0].any()


def test_working_set_is_not_filled_by_tied_zero_columns():
    l1_ratio = 0.3  # zero columns tie at l1 f / sqrt(l2 f) (the Lasso screens them out)
    X = np.zeros((3, 17))
    X[:, 14] = [1.9, -0.4, 0.7]
    y = np.array([-2.2, 0.5, -0.3])
    alpha = 0.5 * numpy_alpha_max(X, y, l1_ratio, fit_intercept=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = fastreg.solve(X, y, alpha, l1_ratio, fit_intercept=False, **TIGHT)
    assert result.converged
    assert_matches_sklearn(result, X, y, alpha, l1_ratio, fit_intercept=False)


def test_gap_certifies_with_unpenalized_features():
    X = np.zeros((9, 3))
    X[2, 1], X[2, 2], X[7, 0], X[7, 2] = 16.96312904, 1.92417777, 0.54684848, 1.9159199
    y = np.array([-1.0675, -1.0249, -4.8452, -1.1708, -0.6921, -2.3467, -3.1559, -0.9742,
                  -2.5112])
    factors = np.array([0.0, 0.6304443, 1.80696971])
    alpha = 4.288154629517468
    result = fastreg.solve(X, y, alpha, penalty_factor=factors, tol=1e-3)
    best = fastreg.solve(X, y, alpha, penalty_factor=factors, tol=1e-15, max_iter=100_000)
    objective = [enet_objective(X, y, fit.coef, fit.intercept, alpha, 1.0, None, factors)
                 for fit in (result, best)]
    assert certified_gap(X, y, best.coef, alpha, 1.0, penalty_factor=factors) < 1e-12
    assert objective[0] - objective[1] <= result.dual_gap


def test_unpenalized_feature_in_gram_mode_warns_nothing():
    X, y, _ = make_regression_data(100, 40)
    factors = np.ones(40)
    factors[3] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fastreg.solve(X, y, 0.05, penalty_factor=factors, precompute=True)
