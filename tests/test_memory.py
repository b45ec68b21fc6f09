"""Memory contract: a fit never copies or densifies X (measured with tracemalloc)."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

import fastreg
from fastreg._solver import make_problem


def nbytes(X):
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


@pytest.fixture(scope="module")
def sparse_wide():
    """Benchmark sparse_wide's shape: 10000 x 200000 CSC, density 1e-3 (2e6 non-zeros)."""
    rng = np.random.default_rng(0)
    X = sp.random(10_000, 200_000, density=1e-3, format="csc", random_state=rng)
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    coef = np.zeros(X.shape[1])
    coef[:100] = rng.normal(size=100)
    y = X @ coef + 0.1 * rng.normal(size=X.shape[0])
    return X, y


def test_sparse_fit_with_intercept_allocates_less_than_half_of_X(sparse_wide):
    X, y = sparse_wide
    alpha = make_problem(X, y).alpha_max() / 10
    fastreg.warmup()  # compile (or load) the kernels outside the measurement
    # The first fit of a process imports scikit-learn's validation, joblib and scipy.stats
    # (60 MB of import-time allocations): outside the measurement too, or the test passes
    # only when another test imported them first.
    fastreg.Lasso(alpha=alpha).fit(X[:, :50], y)
    tracemalloc.start()
    try:
        model = fastreg.Lasso(alpha=alpha, fit_intercept=True).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.count_nonzero(model.coef_) > 10  # a real fit happened
    # O(n + p) work arrays only: a copy of X alone would be 100%, a dense X 3000%.
    assert peak < 0.5 * nbytes(X), f"peak {peak / 1e6:.1f} MB vs X {nbytes(X) / 1e6:.1f} MB"


@pytest.fixture(scope="module")
def e2006_like():
    """The benchmarks' E2006-size problem at scale 0.05: 800 x 215000, 3.2 million stored
    values in long documents' n-gram columns."""
    from benchmarks.problems import make_e2006_like

    return make_e2006_like(scale=0.05)


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_e2006_like_fit_at_alpha_max_over_100_allocates_less_than_half_of_X(e2006_like,
                                                                            index_dtype):
    """Issue 12's memory bound, X + X/2 in all, on the E2006-size problem's shape: its
    saturated fit (support near n, Gram blocks of the working set, orthant steps) keeps its
    work arrays under half of X, with the int64 indices of a matrix past 2**31 values too."""
    X, y = e2006_like
    X = X.copy()
    X.indices, X.indptr = X.indices.astype(index_dtype), X.indptr.astype(index_dtype)
    alpha = make_problem(X, y).alpha_max() / 100
    fastreg.warmup()
    fastreg.Lasso(alpha=alpha).fit(X[:, :50], y)  # import-time allocations, as above
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)  # the default max_iter suffices
            model = fastreg.Lasso(alpha=alpha).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.count_nonzero(model.coef_) > 0.5 * X.shape[0]  # saturated indeed
    assert peak < 0.5 * nbytes(X), f"peak {peak / 1e6:.1f} MB vs X {nbytes(X) / 1e6:.1f} MB"
