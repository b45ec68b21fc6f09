"""Tests of the benchmark harness: problem generators and the shared duality gap."""

import time

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet, Lasso

from benchmarks.gap import alpha_max, enet_duality_gap, enet_objective, target_gap
from benchmarks.problems import PROBLEMS, get_problem

TINY = 0.02  # scale of the problems built in these tests


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


@pytest.fixture(scope="module")
def small_problem():
    """A dense and a CSC version of one correlated problem with an offset in y."""
    rng = np.random.default_rng(42)
    X = rng.standard_normal((60, 40))
    X[rng.random(X.shape) < 0.6] = 0.0
    coef = np.zeros(40)
    coef[:5] = [3.0, -2.0, 1.5, 0.0, 1.0]
    y = X @ coef + 5.0 + 0.5 * rng.standard_normal(60)
    return np.asfortranarray(X), sp.csc_matrix(X), y


# -- problems -------------------------------------------------------------------------------

EXPECTED_SHAPES = {
    "wide_dense": (72, 7129),
    "tall_dense": (50_000, 500),
    "sparse_wide": (10_000, 200_000),
    "text_like": (20_000, 1_000_000),
    "diabetes_poly": (442, 285),
}


def test_registry_names():
    assert set(PROBLEMS) == set(EXPECTED_SHAPES)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_tiny_problem_shapes_and_layout(name):
    start = time.perf_counter()
    X, y = PROBLEMS[name](seed=0, scale=TINY)
    assert time.perf_counter() - start < 5.0
    assert y.shape == (X.shape[0],) and y.dtype == np.float64
    assert np.all(np.isfinite(y))
    full_rows, full_cols = EXPECTED_SHAPES[name]
    assert X.shape[0] <= full_rows and X.shape[1] <= full_cols
    if name in ("sparse_wide", "text_like"):
        assert sp.issparse(X) and X.format == "csc"
        assert X.dtype == np.float64 and X.indices.dtype == np.int32
        assert X.has_canonical_format
        assert np.all(np.isfinite(X.data)) and np.all(X.data != 0)
    else:
        assert isinstance(X, np.ndarray) and X.flags.f_contiguous and X.dtype == np.float64


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_problems_are_deterministic(name):
    X1, y1 = PROBLEMS[name](seed=3, scale=TINY)
    X2, y2 = PROBLEMS[name](seed=3, scale=TINY)
    np.testing.assert_array_equal(_dense(X1), _dense(X2))
    np.testing.assert_array_equal(y1, y2)
    if name != "diabetes_poly":  # real data: the seed is ignored
        X3, _ = PROBLEMS[name](seed=4, scale=TINY)
        assert not np.array_equal(_dense(X1), _dense(X3))


def test_wide_dense_full_size_and_correlation():
    X, y = PROBLEMS["wide_dense"](seed=0)
    assert X.shape == (72, 7129)
    # Neighbouring columns correlate at about rho = 0.5 (averaged over all pairs).
    Xc = (X - X.mean(0)) / X.std(0)
    lag1 = np.mean(np.sum(Xc[:, 1:] * Xc[:, :-1], axis=0) / X.shape[0])
    assert abs(lag1 - 0.5) < 0.03


def test_sparse_wide_density():
    X, _ = PROBLEMS["sparse_wide"](seed=0, scale=0.1)
    assert X.shape == (1000, 20_000)
    density = X.nnz / (X.shape[0] * X.shape[1])
    assert 0.9e-3 < density < 1.1e-3


def test_text_like_rows():
    X, _ = PROBLEMS["text_like"](seed=0, scale=0.05)
    assert X.shape == (1000, 50_000)
    per_row = np.diff(X.tocsr().indptr)
    assert 90 < per_row.mean() < 110
    assert np.all(X.data > 0)
    np.testing.assert_allclose(sp.linalg.norm(X, axis=1), 1.0, rtol=1e-12)
    # Zipf: the most frequent words are in far more documents than the median word.
    doc_freq = np.diff(X.indptr)
    assert doc_freq[0] > 0.5 * X.shape[0] and np.median(doc_freq) <= 2


def test_diabetes_poly():
    X, y = PROBLEMS["diabetes_poly"]()
    assert X.shape == (442, 285) and X.flags.f_contiguous
    np.testing.assert_allclose(X.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_get_problem_dtype_and_cache(dtype):
    X, y = get_problem("sparse_wide", dtype, scale=TINY)
    assert X.dtype == dtype and y.dtype == dtype and X.indices.dtype == np.int32
    assert get_problem("sparse_wide", dtype, scale=TINY)[0] is X
    Xd, _ = get_problem("wide_dense", dtype, scale=TINY)
    assert Xd.dtype == dtype and Xd.flags.f_contiguous
    with pytest.raises(KeyError):
        get_problem("no_such_problem")


# -- gap ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gap_of_converged_sklearn_lasso_is_tiny(small_problem, fit_intercept):
    X, X_sparse, y = small_problem
    alpha = alpha_max(X, y, fit_intercept=fit_intercept) / 10
    model = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept)
    model.fit(X, y)
    scale = target_gap(y, rel=1.0, fit_intercept=fit_intercept)
    gap = enet_duality_gap(X, y, model.coef_, model.intercept_, alpha, fit_intercept=fit_intercept)
    assert -1e-13 * scale <= gap < 1e-10 * scale
    # Same quantity as scikit-learn's own certificate.
    np.testing.assert_allclose(gap, model.dual_gap_, atol=1e-12 * scale)

    perturbed = model.coef_.copy()
    perturbed[np.argmax(np.abs(perturbed))] *= 1.05
    gap_perturbed = enet_duality_gap(
        X, y, perturbed, model.intercept_, alpha, fit_intercept=fit_intercept
    )
    assert gap_perturbed > 1e-6 * scale and gap_perturbed > 1e3 * abs(gap)


def test_gap_sees_a_wrong_intercept(small_problem):
    X, _, y = small_problem
    alpha = alpha_max(X, y) / 10
    model = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    gap = enet_duality_gap(X, y, model.coef_, model.intercept_ + 0.5, alpha, fit_intercept=True)
    assert gap > 1e-3 * target_gap(y, rel=1.0)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.2])
def test_gap_matches_sklearn_elastic_net_gap(small_problem, l1_ratio):
    """At a loose tolerance the gap is far from 0 and equals scikit-learn's, for any l1_ratio."""
    X, _, y = small_problem
    alpha = alpha_max(X, y, l1_ratio) / 20
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-2, max_iter=3).fit(X, y)
    gap = enet_duality_gap(X, y, model.coef_, model.intercept_, alpha, l1_ratio, True)
    assert gap > 0
    np.testing.assert_allclose(gap, model.dual_gap_, rtol=1e-8)


def test_gap_bounds_suboptimality(small_problem):
    """gap >= P(w) - P(w*) for any w: the defining property of a duality gap."""
    X, _, y = small_problem
    alpha = alpha_max(X, y, 0.5) / 10
    best = ElasticNet(alpha=alpha, l1_ratio=0.5, tol=1e-12, max_iter=100_000).fit(X, y)
    p_star = enet_objective(X, y, best.coef_, best.intercept_, alpha, 0.5)
    rng = np.random.default_rng(0)
    for _ in range(5):
        coef = best.coef_ + 0.1 * rng.standard_normal(best.coef_.shape)
        intercept = best.intercept_ + 0.1 * rng.standard_normal()
        gap = enet_duality_gap(X, y, coef, intercept, alpha, 0.5, True)
        assert gap >= enet_objective(X, y, coef, intercept, alpha, 0.5) - p_star - 1e-12


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_dense_equals_sparse(small_problem, fit_intercept, l1_ratio):
    X, X_sparse, y = small_problem
    alpha = alpha_max(X, y, l1_ratio, fit_intercept) / 10
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-3, fit_intercept=fit_intercept)
    model.fit(X, y)
    args = (model.coef_, model.intercept_, alpha, l1_ratio, fit_intercept)
    dense = enet_duality_gap(X, y, *args)
    sparse = enet_duality_gap(X_sparse, y, *args)
    np.testing.assert_allclose(sparse, dense, rtol=1e-10, atol=1e-15)
    assert alpha_max(X_sparse, y, l1_ratio, fit_intercept) == pytest.approx(
        alpha_max(X, y, l1_ratio, fit_intercept), rel=1e-12
    )


def test_gap_float32_input(small_problem):
    X, X_sparse, y = small_problem
    alpha = alpha_max(X, y) / 10
    model = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    args = (model.coef_, model.intercept_, alpha, 1.0, True)
    ref = enet_duality_gap(X, y, *args)
    for X32 in (X.astype(np.float32), X_sparse.astype(np.float32)):
        gap = enet_duality_gap(X32, y.astype(np.float32), *args)
        assert abs(gap - ref) < 1e-5 * target_gap(y, rel=1.0)


def test_alpha_max_gives_zero_solution(small_problem):
    X, X_sparse, y = small_problem
    for fit_intercept in (True, False):
        a_max = alpha_max(X, y, fit_intercept=fit_intercept)
        model = Lasso(alpha=a_max * (1 + 1e-9), fit_intercept=fit_intercept).fit(X, y)
        assert np.all(model.coef_ == 0)
        model = Lasso(alpha=a_max * 0.99, tol=1e-12, fit_intercept=fit_intercept).fit(X, y)
        assert np.any(model.coef_ != 0)
        intercept = y.mean() if fit_intercept else 0.0
        gap = enet_duality_gap(
            X_sparse, y, np.zeros(X.shape[1]), intercept, a_max, fit_intercept=fit_intercept
        )
        assert abs(gap) < 1e-12 * target_gap(y, rel=1.0, fit_intercept=fit_intercept)


def test_target_gap():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    assert target_gap(y) == pytest.approx(1e-6 * 14.0 / 8.0)
    assert target_gap(y, rel=1.0, fit_intercept=False) == pytest.approx(50.0 / 8.0)


def test_gap_rejects_ridge(small_problem):
    X, _, y = small_problem
    with pytest.raises(ValueError, match="l1_ratio"):
        enet_duality_gap(X, y, np.zeros(X.shape[1]), 0.0, 1.0, l1_ratio=0.0)


# -- harness --------------------------------------------------------------------------------


def test_case_targets_and_path_gap():
    from benchmarks.common import PATH_LENGTH, Case

    X, y = PROBLEMS["diabetes_poly"]()
    fit = Case(X, y, "alpha_max/10")
    assert fit.alpha == pytest.approx(alpha_max(X, y) / 10)
    assert fit.target == pytest.approx(target_gap(y))
    path = Case(X, y, "path")
    assert path.alphas.shape == (PATH_LENGTH,)
    assert path.alphas[0] == pytest.approx(alpha_max(X, y))
    assert path.alphas[-1] == pytest.approx(alpha_max(X, y) / 100)
    # All-zero coefficients: gap 0 at alpha_max, positive further down the path.
    assert path.gap(np.zeros((X.shape[1], PATH_LENGTH))) > path.target
    with pytest.raises(ValueError, match="unknown task"):
        Case(X, y, "alpha_max/3")


def test_compare_smoke(tmp_path, capsys):
    """The comparison runs end to end on a tiny problem and certifies scikit-learn's answer."""
    import json

    from benchmarks import compare

    out = tmp_path / "result.json"
    argv = ["--scale", "0.02", "--problems", "wide_dense", "--tasks", "alpha_max/10",
            "--solvers", "sklearn", "--no-startup", "--json", str(out)]  # fmt: skip
    assert compare.main(argv) == 0
    table = capsys.readouterr().out
    assert "| wide_dense | alpha_max/10 | sklearn |" in table
    (row,) = json.loads(out.read_text())["results"]
    assert row["reached"] and row["gap"] <= row["target"] and len(row["times"]) == 3
    assert row["ratio"] == pytest.approx(1.0)
