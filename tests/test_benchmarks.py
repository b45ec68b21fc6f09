"""Tests of the benchmark harness: problem generators, the shared duality gaps, the drivers."""

import math
import sys
import time
import types
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import ElasticNet, Lasso

from benchmarks.gap import (
    alpha_max,
    enet_duality_gap,
    enet_objective,
    logistic_alpha_max,
    logistic_duality_gap,
    logistic_objective,
    logistic_target_gap,
    signed_labels,
    target_gap,
)
from benchmarks.problems import (
    CLASSIFICATION_PROBLEMS,
    PROBLEMS,
    get_classification_problem,
    get_problem,
    make_classification,
)

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
    "ngram_text": (20_000, 2_000_000),
    "e2006_like": (16_000, 4_300_000),
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
    if name in ("sparse_wide", "text_like", "ngram_text", "e2006_like"):
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


def test_ngram_text_rows_are_unit_and_columns_nearly_collinear():
    """Unit rows, no empty column, a signal on frequent features, and columns that are
    near-copies of others (correlation above 0.9), as in real text."""
    X, _, coef = PROBLEMS["ngram_text"](seed=0, scale=TINY, return_coef=True)
    row_norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    np.testing.assert_allclose(row_norms, 1.0, rtol=1e-12)
    doc_freq = np.diff(X.indptr)
    assert doc_freq.min() >= 1  # every column occurs
    assert np.count_nonzero(coef) >= 1 and (doc_freq[coef != 0] >= 5).all()
    # Near-copies: some bigram column correlates above 0.9 with another column.
    dense = X[:, : min(X.shape[1], 3000)].toarray()
    dense -= dense.mean(axis=0)
    norms = np.linalg.norm(dense, axis=0)
    keep = norms > 0
    unit = dense[:, keep] / norms[keep]
    correlation = unit.T @ unit
    np.fill_diagonal(correlation, 0.0)
    assert np.abs(correlation).max() > 0.9


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


# -- classification problems ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CLASSIFICATION_PROBLEMS))
def test_classification_problem_reuses_the_regression_design(name):
    X, y, coef = make_classification(name, seed=2, scale=TINY, return_coef=True)
    X_reg, y_reg, coef_reg = PROBLEMS[name](seed=2, scale=TINY, return_coef=True)
    np.testing.assert_array_equal(_dense(X), _dense(X_reg))
    np.testing.assert_array_equal(coef, coef_reg)
    # return_coef changes nothing else.
    X_plain, y_plain = PROBLEMS[name](seed=2, scale=TINY)
    np.testing.assert_array_equal(_dense(X_plain), _dense(X_reg))
    np.testing.assert_array_equal(y_plain, y_reg)
    assert y.dtype == np.float64 and y.shape == (X.shape[0],)
    assert set(np.unique(y)) == {-1.0, 1.0}
    assert 0.05 < np.mean(y > 0) < 0.7


@pytest.mark.parametrize("name", sorted(CLASSIFICATION_PROBLEMS))
def test_classification_labels_are_deterministic_and_follow_the_signal(name):
    X, y, coef = make_classification(name, seed=5, scale=0.05, return_coef=True)
    np.testing.assert_array_equal(make_classification(name, seed=5, scale=0.05)[1], y)
    assert not np.array_equal(make_classification(name, seed=6, scale=0.05)[1], y)
    eta = X @ coef
    # Bernoulli(sigmoid(k eta / std + b)): positives where the true model says so.
    assert np.mean(y[eta > 0] > 0) > np.mean(y[eta < 0] > 0) + 0.3


def test_classification_path_selects_the_true_features():
    """tall_dense: the L1 fit at alpha_max/10 finds the true support and little else."""
    X, y, coef = make_classification("tall_dense", scale=0.05, return_coef=True)
    alpha = logistic_alpha_max(X, y) / 10
    fitted, _ = _sklearn_logistic(X, y, alpha, True, tol=1e-6)
    selected, true = np.flatnonzero(fitted), np.flatnonzero(coef)
    hits = np.intersect1d(selected, true).size
    assert hits >= 0.8 * true.size and hits >= 0.6 * selected.size


def test_get_classification_problem_shares_x_and_casts():
    X, y = get_classification_problem("sparse_wide", np.float32, scale=TINY)
    assert X is get_problem("sparse_wide", np.float32, scale=TINY)[0]
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert get_classification_problem("sparse_wide", np.float32, scale=TINY)[1] is y
    X64, y64 = get_classification_problem("sparse_wide", scale=TINY)
    np.testing.assert_array_equal(y64, y)
    np.testing.assert_allclose(X.toarray(), X64.toarray(), rtol=1e-7)
    with pytest.raises(KeyError, match="no classification version"):
        get_classification_problem("diabetes_poly")


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


# -- adelie in its own environment ------------------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csc"])
def test_adelie_problem_files_load_back_as_given(tmp_path, sparse):
    from benchmarks import adelie_worker
    from benchmarks.solvers import _save_problem

    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 7))
    X[rng.random(X.shape) < 0.6] = 0.0
    X = sp.csc_matrix(X) if sparse else X
    y = rng.standard_normal(12)
    _save_problem(str(tmp_path), X, y)
    X_back, y_back = adelie_worker._load(str(tmp_path))
    assert sp.issparse(X_back) == sparse
    np.testing.assert_array_equal(X_back.toarray() if sparse else X_back,
                                  X.toarray() if sparse else X)
    np.testing.assert_array_equal(y_back, y)
    assert sparse or X_back.flags.f_contiguous


def test_adelie_without_its_environment_says_how_to_make_it(monkeypatch, tmp_path):
    from benchmarks.solvers import AdelieSolver

    monkeypatch.setenv("FASTREG_ADELIE_PYTHON", str(tmp_path / "none" / "python"))
    assert "--setup-adelie" in AdelieSolver().missing()


def test_adelie_worker_errors_reach_the_harness(monkeypatch):
    """The worker run by this interpreter (which has no adelie): the problem loads, the fit
    fails, and the adapter raises with the worker's error rather than hanging."""
    import importlib.util

    from benchmarks.solvers import AdelieSolver

    if importlib.util.find_spec("adelie") is not None:
        pytest.skip("adelie is importable here: the fit would succeed")
    monkeypatch.setenv("FASTREG_ADELIE_PYTHON", sys.executable)
    solver = AdelieSolver()
    X, y = np.eye(4), np.arange(4.0)
    with pytest.raises(RuntimeError, match="adelie: ModuleNotFoundError"):
        solver.fit(X, y, 0.1, 1e-9)
    assert solver._loaded[0] is X  # the load before the fit went through
    solver._process.stdin.close()
    assert solver._process.wait(timeout=30) == 0


@pytest.mark.skipif(not __import__("os").path.exists(
    __import__("benchmarks.solvers", fromlist=["adelie_python"]).adelie_python()),
    reason="no adelie environment (python -m benchmarks.compare --setup-adelie)")
def test_adelie_reaches_the_target_gap(small_problem):
    from benchmarks.common import Case
    from benchmarks.solvers import AdelieSolver

    dense, csc, y = small_problem
    solver = AdelieSolver()
    for X, task in ((dense, "alpha_max/10"), (csc, "alpha_max/10"), (dense, "path")):
        case = Case(X, y, task)
        out = (solver.path(case.X, case.y, case.alphas, 1e-14) if task == "path"
               else solver.fit(case.X, case.y, case.alpha, 1e-14))
        gap = case.gap(out) if task == "path" else case.gap(out.coef, out.intercept)
        assert gap <= case.target and solver.last_seconds > 0


def test_benchmark_solver_times_a_self_timed_solver_by_its_own_clock():
    from benchmarks import compare
    from benchmarks.solvers import Fit, Solver

    class Remote(Solver):
        name, peer, self_timed, tol0 = "remote", True, True, 1e-3

        def fit(self, X, y, alpha, tol):
            self.last_seconds = 42.0 + tol  # another process's clock
            return Fit(np.zeros(X.shape[1]), float(np.mean(y)), None)

    X, y = np.eye(5), np.arange(5.0)
    case = compare.Task(X, y, "alpha_max/10")
    case.alpha = 1e9  # the zero solution is exact: the first tol reaches the target
    row = compare.benchmark_solver(Remote(), case, repeat=3)
    assert row["reached"] and row["times"] == [42.001] * 3 and row["first_call"] == 42.001
    assert row["tracemalloc_mb"] is None  # memory of another process is not the harness's


# -- logistic gap ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def logistic_problem():
    """Dense and CSC versions of a sparse design with -1/+1 labels and a positive offset."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((80, 30))
    X[rng.random(X.shape) < 0.5] = 0.0
    coef = np.zeros(30)
    coef[:4] = [2.0, -1.5, 1.0, -2.0]
    y = np.where(rng.random(80) < expit(X @ coef + 0.8), 1.0, -1.0)
    return np.asfortranarray(X), sp.csc_matrix(X), y


def _sklearn_logistic(X, y, alpha, fit_intercept, solver="saga", tol=1e-12):
    """scikit-learn's L1 fit at mean-loss ``alpha`` (``C = 1 / (n alpha)``): (coef, intercept)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=1.0 / (alpha * X.shape[0]), l1_ratio=1.0, solver=solver, tol=tol, max_iter=100_000,
        fit_intercept=fit_intercept, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return model.coef_.ravel(), float(model.intercept_[0]) if fit_intercept else 0.0


def _brute_force_logistic_gap(X, y, coef, intercept, alpha, fit_intercept):
    """The gap of gap.py's docstring, one sample at a time on a dense copy of X."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    n, p = X.shape
    lam = n * alpha
    z = [sum(X[i, j] * coef[j] for j in range(p)) + intercept for i in range(n)]
    primal = sum(math.log1p(math.exp(-y[i] * z[i])) for i in range(n))
    primal += lam * sum(abs(c) for c in coef)
    theta = [y[i] / (1.0 + math.exp(y[i] * z[i])) for i in range(n)]  # y_i sigmoid(-y_i z_i)
    if fit_intercept:
        s_pos = sum(t for t, label in zip(theta, y, strict=True) if label > 0)
        s_neg = -sum(t for t, label in zip(theta, y, strict=True) if label < 0)
        shrink_label = 1.0 if s_pos > s_neg else -1.0
        ratio = min(s_pos, s_neg) / max(s_pos, s_neg)
        theta = [
            t * ratio if label == shrink_label else t for t, label in zip(theta, y, strict=True)
        ]
    dual_norm = max(abs(sum(X[i, j] * theta[i] for i in range(n))) for j in range(p))
    theta = [t * min(1.0, lam / dual_norm) for t in theta]

    def entropy(a):
        return -sum(v * math.log(v) for v in (a, 1.0 - a) if v > 0)

    dual = sum(entropy(y[i] * theta[i]) for i in range(n))
    return (primal - dual) / n


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_gap_vanishes_at_sklearn_solution(logistic_problem, fit_intercept):
    X, _, y = logistic_problem
    alpha = logistic_alpha_max(X, y, fit_intercept) / 10
    scale = logistic_target_gap(y, rel=1.0, fit_intercept=fit_intercept)
    # liblinear penalizes its intercept: only the model without one is its own problem.
    solvers = ["saga", "liblinear"] if not fit_intercept else ["saga"]
    for solver in solvers:
        coef, intercept = _sklearn_logistic(X, y, alpha, fit_intercept, solver)
        assert np.count_nonzero(coef) > 2
        gap = logistic_duality_gap(X, y, coef, intercept, alpha, fit_intercept)
        assert -1e-13 * scale <= gap < 1e-9 * scale, solver

        perturbed = coef.copy()
        perturbed[np.argmax(np.abs(perturbed))] *= 1.05
        gap_perturbed = logistic_duality_gap(X, y, perturbed, intercept, alpha, fit_intercept)
        assert gap_perturbed > 1e-6 * scale and gap_perturbed > 1e3 * abs(gap)


def test_logistic_gap_sees_a_wrong_intercept(logistic_problem):
    X, _, y = logistic_problem
    alpha = logistic_alpha_max(X, y) / 10
    coef, intercept = _sklearn_logistic(X, y, alpha, True)
    for shift in (0.3, -0.3):
        gap = logistic_duality_gap(X, y, coef, intercept + shift, alpha, fit_intercept=True)
        assert gap > 1e-3 * logistic_target_gap(y, rel=1.0)


def test_logistic_gap_bounds_suboptimality_at_random_points(logistic_problem):
    """gap >= P(w, b) - P* >= 0 anywhere: what makes it a certificate."""
    X, X_sparse, y = logistic_problem
    rng = np.random.default_rng(1)
    for fit_intercept in (True, False):
        alpha = logistic_alpha_max(X, y, fit_intercept) / 10
        best, best_b = _sklearn_logistic(X, y, alpha, fit_intercept)
        p_star = logistic_objective(X, y, best, best_b, alpha)
        for spread in (1e-3, 0.1, 1.0, 5.0):
            coef = best + spread * rng.standard_normal(best.shape)
            coef[rng.random(coef.shape) < 0.5] = 0.0
            intercept = best_b + spread * rng.standard_normal() if fit_intercept else 0.0
            gap = logistic_duality_gap(X_sparse, y, coef, intercept, alpha, fit_intercept)
            excess = logistic_objective(X, y, coef, intercept, alpha) - p_star
            assert excess > 0 and gap >= excess - 1e-12


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("offset", [2.0, -2.0])
def test_logistic_gap_equals_brute_force(logistic_problem, fit_intercept, offset):
    """Either part of the residual shrunk (the offset decides which is larger), rescaled."""
    X, X_sparse, y = logistic_problem
    rng = np.random.default_rng(3)
    alpha = logistic_alpha_max(X, y, fit_intercept) / 5
    coef = rng.standard_normal(X.shape[1]) * (rng.random(X.shape[1]) < 0.3)
    intercept = offset if fit_intercept else 0.0
    expected = _brute_force_logistic_gap(X, y, coef, intercept, alpha, fit_intercept)
    assert expected > 1e-3
    for design in (X, X_sparse):
        gap = logistic_duality_gap(design, y, coef, intercept, alpha, fit_intercept)
        np.testing.assert_allclose(gap, expected, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_gap_dense_equals_sparse(logistic_problem, fit_intercept):
    X, X_sparse, y = logistic_problem
    alpha = logistic_alpha_max(X, y, fit_intercept) / 20
    coef, intercept = _sklearn_logistic(X, y, alpha, fit_intercept, tol=1e-3)
    dense = logistic_duality_gap(X, y, coef, intercept, alpha, fit_intercept)
    sparse = logistic_duality_gap(X_sparse, y, coef, intercept, alpha, fit_intercept)
    assert dense > 0
    np.testing.assert_allclose(sparse, dense, rtol=1e-10, atol=1e-15)
    assert logistic_alpha_max(X_sparse, y, fit_intercept) == pytest.approx(
        logistic_alpha_max(X, y, fit_intercept), rel=1e-12
    )
    # float32 X and labels: upcast, never computed in single precision.
    gap32 = logistic_duality_gap(X_sparse.astype(np.float32), y.astype(np.float32), coef,
                                 intercept, alpha, fit_intercept)  # fmt: skip
    assert abs(gap32 - dense) < 1e-5 * logistic_target_gap(y, rel=1.0)


def test_logistic_gap_accepts_sklearn_shapes_and_any_two_labels(logistic_problem):
    X, _, y = logistic_problem
    alpha = logistic_alpha_max(X, y) / 10
    coef, intercept = _sklearn_logistic(X, y, alpha, True, tol=1e-3)
    ref = logistic_duality_gap(X, y, coef, intercept, alpha, True)
    as_sklearn = logistic_duality_gap(X, y, coef[None, :], np.array([intercept]), alpha, True)
    assert as_sklearn == ref
    for labels in ((y > 0).astype(int), np.where(y > 0, "spam", "ham"), y > 0):
        assert logistic_duality_gap(X, labels, coef, intercept, alpha, True) == ref
    # The larger value is the positive class: swapping the names flips the sign of the model.
    flipped = np.where(y > 0, "ham", "spam")
    assert logistic_duality_gap(X, flipped, -coef, -intercept, alpha, True) == pytest.approx(ref)


def test_signed_labels():
    np.testing.assert_array_equal(signed_labels([0, 1, 1]), [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(signed_labels([-1, 1]), [-1.0, 1.0])
    np.testing.assert_array_equal(signed_labels([3.0, 7.0, 3.0]), [-1.0, 1.0, -1.0])
    np.testing.assert_array_equal(signed_labels([1, 1]), [1.0, 1.0])
    with pytest.raises(ValueError, match="binary"):
        signed_labels([0, 1, 2])
    with pytest.raises(ValueError, match="single label"):
        signed_labels([5, 5])


def test_logistic_alpha_max_gives_zero_solution(logistic_problem):
    X, X_sparse, y = logistic_problem
    # SAGA started at w = 0 stops at once without an intercept (no relative change of zero
    # weights; the gap shows it), liblinear penalizes its intercept: one solver for each model.
    for fit_intercept, solver in ((True, "saga"), (False, "liblinear")):
        a_max = logistic_alpha_max(X, y, fit_intercept)
        coef, _ = _sklearn_logistic(X, y, a_max * (1 + 1e-6), fit_intercept, solver, 1e-10)
        assert np.all(coef == 0)
        coef, _ = _sklearn_logistic(X, y, a_max * 0.95, fit_intercept, solver, 1e-10)
        assert np.any(coef != 0)
        p = np.mean(y > 0)
        intercept = np.log(p / (1 - p)) if fit_intercept else 0.0
        gap = logistic_duality_gap(X_sparse, y, np.zeros(X.shape[1]), intercept, a_max,
                                   fit_intercept)  # fmt: skip
        assert abs(gap) < 1e-12
        # Below alpha_max, w = 0 is no longer optimal and the gap says so.
        gap = logistic_duality_gap(X, y, np.zeros(X.shape[1]), intercept, a_max / 2,
                                   fit_intercept)  # fmt: skip
        assert gap > 1e-4


def test_logistic_target_and_objective():
    y = np.array([1.0, -1.0, -1.0, -1.0])
    p_null = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    assert logistic_target_gap(y) == pytest.approx(1e-6 * p_null)
    assert logistic_target_gap(y, rel=1.0, fit_intercept=False) == pytest.approx(np.log(2.0))
    X = np.ones((4, 1))
    # The intercept-only optimum's objective is P_null; with b = 0 every loss is log 2.
    assert logistic_objective(X, y, [0.0], np.log(1 / 3), 0.1) == pytest.approx(p_null)
    assert logistic_objective(X, y, [0.5], 0.0, 0.1) == pytest.approx(
        np.mean(np.log1p(np.exp(-y * 0.5))) + 0.05
    )


# -- logistic harness -----------------------------------------------------------------------


def test_logistic_case_conventions():
    from benchmarks.common import LOGISTIC_PATH_LENGTH, LogisticCase

    X, y = get_classification_problem("tall_dense", scale=TINY)
    fit = LogisticCase(X, y, "alpha_max/100")
    assert fit.fit_intercept
    assert fit.alpha == pytest.approx(logistic_alpha_max(X, y, True) / 100)
    assert fit.target == pytest.approx(logistic_target_gap(y, 1e-6, True))
    path = LogisticCase(X, y, "path")
    assert not path.fit_intercept and path.alphas.shape == (LOGISTIC_PATH_LENGTH,)
    assert path.alphas[0] == pytest.approx(logistic_alpha_max(X, y, False))
    assert path.alphas[-1] == pytest.approx(path.alphas[0] / 100)
    assert path.target == pytest.approx(1e-6 * np.log(2.0))
    zeros = np.zeros((X.shape[1], LOGISTIC_PATH_LENGTH))
    assert path.gap(zeros) > path.target  # 0 is optimal at alpha_max only
    assert path.gap(zeros[:, :1].repeat(LOGISTIC_PATH_LENGTH, 1)) == path.gap(zeros, 0.0)
    with pytest.raises(ValueError, match="one column per alpha"):
        path.gap(zeros[:, :3])
    forced = LogisticCase(X, y, "alpha_max/10", fit_intercept=False)
    assert not forced.fit_intercept
    assert forced.alpha == pytest.approx(logistic_alpha_max(X, y, False) / 10)
    with pytest.raises(ValueError, match="unknown task"):
        LogisticCase(X, y, "alpha_max/3")


def _run_case(solver, case, tol):
    """One adapter call on a LogisticCase: (answer, gap)."""
    if case.task == "path":
        out = solver.path(case.X, case.y, case.alphas, tol, case.fit_intercept)
        return out, case.gap(out.coefs, out.intercepts)
    out = solver.fit(case.X, case.y, case.alpha, tol, case.fit_intercept)
    return out, case.gap(out.coef, out.intercept)


# skglm is left out: compiling its kernels takes half a minute.
LOGISTIC_PEERS = ["sklearn-liblinear", "sklearn-saga", "celer", "glmnet"]


@pytest.mark.parametrize("name", LOGISTIC_PEERS)
def test_logistic_peers_reach_the_target(name):
    """Each peer gets to the shared target by tightening its own tol, as the driver does."""
    from benchmarks.common import LogisticCase
    from benchmarks.solvers import LOGISTIC_SOLVERS

    solver = LOGISTIC_SOLVERS[name]
    if solver.missing():
        pytest.skip(solver.missing())
    X, y = get_classification_problem("tall_dense", scale=TINY)
    for task_name in ("alpha_max/10", "path"):
        case = LogisticCase(X, y, task_name)
        tol = solver.tol0
        for _ in range(8):
            out, gap = _run_case(solver, case, tol)
            if gap <= case.target:
                break
            tol /= 10.0
        assert gap <= case.target, (task_name, tol)
        if task_name == "path":
            assert out.coefs.shape == (X.shape[1], case.alphas.size)
            assert np.all(out.intercepts == 0) and np.count_nonzero(out.coefs[:, -1]) > 0
        else:
            assert np.count_nonzero(out.coef) > 0
            assert out.intercept != 0.0  # the labels have an offset: the intercept is needed


def _stub_fastreg(with_api=True):
    """A stand-in ``fastreg`` module with the planned logistic API, on top of scikit-learn."""
    from sklearn.linear_model import LogisticRegression

    module = types.ModuleType("fastreg")
    module.calls = []

    class StubLogisticRegression:
        def __init__(self, C=1.0, *, l1_ratio=1.0, fit_intercept=True, tol=1e-4, max_iter=1000):
            module.calls.append(dict(C=C, l1_ratio=l1_ratio, fit_intercept=fit_intercept))
            self._model = LogisticRegression(
                C=C, l1_ratio=l1_ratio, solver="saga", fit_intercept=fit_intercept,
                tol=min(tol, 1e-10), max_iter=100_000, random_state=0,
            )  # fmt: skip

        def fit(self, X, y):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._model.fit(X, y)
            self.coef_, self.intercept_ = self._model.coef_, self._model.intercept_
            self.n_iter_ = self._model.n_iter_
            return self

    def logistic_path(X, y, *, alphas, l1_ratio=1.0, fit_intercept=True, tol=1e-4, max_iter=1000):
        coefs = np.empty((X.shape[1], len(alphas)))
        intercepts = np.zeros(len(alphas))
        for k, alpha in enumerate(alphas):
            C = 1.0 / (alpha * X.shape[0])
            model = StubLogisticRegression(C, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
            model.fit(X, y)
            coefs[:, k], intercepts[k] = model.coef_.ravel(), model.intercept_[0]
        return np.asarray(alphas), coefs, intercepts, np.zeros(len(alphas))

    if with_api:
        module.LogisticRegression = StubLogisticRegression
        module.logistic_path = logistic_path
    return module


def test_fastreg_logistic_adapter_uses_the_planned_api(monkeypatch):
    from benchmarks.common import LogisticCase
    from benchmarks.solvers import LOGISTIC_SOLVERS

    solver = LOGISTIC_SOLVERS["fastreg"]
    monkeypatch.setitem(sys.modules, "fastreg", _stub_fastreg(with_api=False))
    assert "LogisticRegression" in solver.missing() and "logistic_path" in solver.missing()

    stub = _stub_fastreg()
    monkeypatch.setitem(sys.modules, "fastreg", stub)
    assert solver.missing() is None
    X, y = get_classification_problem("tall_dense", scale=TINY)
    case = LogisticCase(X, y, "alpha_max/10")
    out, gap = _run_case(solver, case, 1e-10)
    assert stub.calls[-1] == dict(C=1.0 / (case.alpha * X.shape[0]), l1_ratio=1.0,
                                  fit_intercept=True)  # fmt: skip
    assert out.coef.shape == (X.shape[1],) and isinstance(out.intercept, float)
    assert out.intercept != 0.0 and gap <= case.target
    path = LogisticCase(X, y, "path")
    result, gap = _run_case(solver, path, 1e-10)
    assert result.coefs.shape == (X.shape[1], path.alphas.size)
    assert not stub.calls[-1]["fit_intercept"] and gap <= path.target


def test_compare_logistic_smoke(tmp_path, capsys):
    """The logistic driver runs end to end and certifies the peers' answers."""
    import json

    from benchmarks import compare

    out = tmp_path / "result.json"
    argv = ["--model", "logistic", "--scale", "0.02", "--problems", "tall_dense",
            "--tasks", "alpha_max/10,path", "--solvers", "sklearn-liblinear,fastreg",
            "--no-startup", "--json", str(out)]  # fmt: skip
    assert compare.main(argv) == 0
    table = capsys.readouterr().out
    assert "# L1 logistic regression time-to-gap comparison" in table
    assert "| tall_dense | path | fastreg |" in table
    payload = json.loads(out.read_text())
    assert payload["model"] == "logistic" and not payload["no_intercept"]
    rows = payload["results"]
    assert [(r["task"], r["solver"]) for r in rows] == [
        ("alpha_max/10", "sklearn-liblinear"), ("alpha_max/10", "fastreg"),
        ("path", "sklearn-liblinear"), ("path", "fastreg"),
    ]  # fmt: skip
    for row in rows:
        assert row["reached"] and row["gap"] <= row["target"] and len(row["times"]) == 3
    # liblinear is the only peer: its ratio is 1, fastreg's is its time over liblinear's.
    for peer, ours in (rows[:2], rows[2:]):
        assert peer["ratio"] == pytest.approx(1.0)
        assert ours["ratio"] == pytest.approx(ours["time"] / peer["time"])
    with pytest.raises(SystemExit):
        compare.main(["--model", "logistic", "--solvers", "sklearn"])  # a Lasso-only name
    with pytest.raises(SystemExit):
        compare.main(["--no-intercept"])  # logistic only


def test_compare_scale_of_sizes_some_problems_on_their_own(tmp_path, capsys, monkeypatch):
    import json

    from benchmarks import compare

    loaded = []
    original = compare.get_problem

    def spy(name, dtype, *, scale):
        loaded.append((name, scale))
        return original(name, dtype, scale=scale)

    monkeypatch.setattr(compare, "get_problem", spy)
    out = tmp_path / "result.json"
    argv = ["--scale", "0.02", "--scale-of", "tall_dense=0.01", "--problems",
            "wide_dense,tall_dense", "--tasks", "alpha_max/10", "--solvers", "sklearn",
            "--no-startup", "--json", str(out)]  # fmt: skip
    assert compare.main(argv) == 0
    assert loaded == [("wide_dense", 0.02), ("tall_dense", 0.01)]
    assert "(scale 0.02, tall_dense at 0.01, float64)" in capsys.readouterr().out
    assert json.loads(out.read_text())["scale_of"] == {"tall_dense": 0.01}
    for bad in (["--scale-of", "tall_dense"], ["--scale-of", "tall_dense=0"],
                ["--scale-of", "tall_dense=x"],
                ["--problems", "wide_dense", "--scale-of", "tall_dense=0.1"]):
        with pytest.raises(SystemExit):
            compare.parse_args(bad)


def test_asv_logistic_fit_skips_without_the_api_and_runs_with_it(monkeypatch):
    from benchmarks import bench_fit

    bench = bench_fit.LogisticFit()
    monkeypatch.setattr(bench_fit, "SCALE", TINY)
    monkeypatch.setitem(sys.modules, "fastreg", _stub_fastreg(with_api=False))
    with pytest.raises(NotImplementedError, match="LogisticRegression"):
        bench.setup("tall_dense", "float64", "alpha_max/10")

    monkeypatch.setitem(sys.modules, "fastreg", _stub_fastreg())
    bench.setup("tall_dense", "float64", "alpha_max/10")
    assert bench.case.X.shape[0] == 1000  # the scale asv runs at
    assert 0 <= bench.track_dual_gap("tall_dense", "float64", "alpha_max/10") <= 1.0
    with pytest.raises(NotImplementedError, match="float64 only"):
        bench.setup("tall_dense", "float32", "path")


def test_sklearn_suite_rebuilds_parameters_and_counts_only_the_baselines_passes():
    import sklearn.linear_model as sklearn_models

    import fastreg
    from benchmarks import sklearn_suite as suite

    replacements = {name: getattr(fastreg, name, None) or suite._stand_in(name)
                    for name in suite.REPLACED}
    rebuilt = suite._counterpart(sklearn_models.Lasso(alpha=0.3, max_iter=7), replacements)
    assert type(rebuilt) is fastreg.Lasso
    assert (rebuilt.alpha, rebuilt.max_iter) == (0.3, 7)
    assert suite._counterpart(sklearn_models.lasso_path, replacements) is fastreg.lasso_path
    assert suite._counterpart(3, replacements) == 3
    if not hasattr(fastreg, "MultiTaskLasso"):
        stand_in = suite._counterpart(sklearn_models.MultiTaskLasso, replacements)
        assert isinstance(stand_in, type) and stand_in.__name__ == "MultiTaskLasso"
        with pytest.raises(suite.MissingInFastreg, match="MultiTaskLasso"):
            stand_in()
        unbuildable = suite._counterpart(sklearn_models.MultiTaskLasso(), replacements)
        with pytest.raises(suite.MissingInFastreg):
            unbuildable.fit([[0.0]], [0.0])

    baseline = {"outcomes": {"a": "passed", "b": "passed", "c": "failed", "d": "passed"},
                "messages": {}}
    candidate = {"outcomes": {"a": "passed", "b": "failed", "c": "passed"},
                 "messages": {"b": "E   wrong"}}
    summary = suite.summarize(baseline, candidate)
    assert (summary["counted"], summary["passed"], summary["failed"], summary["not run"]) == (
        3, 1, 1, 1)  # c is not counted; d did not run
    assert summary["failures"] == {"b": "E   wrong"}


@pytest.mark.parametrize("tol", [1e-6, 1e-7])
def test_wide_dense_lasso_at_alpha_max_over_100_converges_with_the_default_max_iter(tol):
    """A settled working set that runs out of epochs is solved on in the next round, not
    given up: this fit stopped with a ConvergenceWarning at gap 6e-4 (target 2.4e-5)."""
    from sklearn.exceptions import ConvergenceWarning

    import fastreg
    from benchmarks.common import Case

    case = Case.load("wide_dense", "float64", "alpha_max/100")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = fastreg.Lasso(alpha=case.alpha, tol=tol).fit(case.X, case.y)
    assert case.gap(model.coef_, model.intercept_) <= 1.01 * model.dual_gap_
    if tol == 1e-7:  # the tol at which the peer table's fastreg row reaches the target
        assert case.gap(model.coef_, model.intercept_) <= case.target


# -- multi-task problems --------------------------------------------------------------------

#: name -> ((n_samples, n_features) at full size, n_tasks, true features at full size).
MULTITASK_SHAPES = {"mt_wide_dense": ((72, 7129), 20, 20), "mt_sparse": ((2000, 20_000), 10, 50)}


def test_multitask_registry_and_full_sizes():
    from benchmarks.problems import MULTITASK_PROBLEMS

    assert set(MULTITASK_PROBLEMS) == set(MULTITASK_SHAPES)
    assert not set(MULTITASK_PROBLEMS) & set(PROBLEMS)
    for name, (shape, n_tasks, n_true) in MULTITASK_SHAPES.items():
        X, Y, coef = MULTITASK_PROBLEMS[name](seed=0, return_coef=True)
        assert X.shape == shape and Y.shape == (shape[0], n_tasks)
        assert Y.dtype == np.float64 and Y.flags.c_contiguous and np.all(np.isfinite(Y))
        # Row-sparse truth in scikit-learn's coef_ layout: the same features in every task.
        assert coef.shape == (n_tasks, shape[1])
        active = np.any(coef != 0, axis=0)
        assert active.sum() == n_true and np.all(coef[:, active] != 0)
        if sp.issparse(X):
            assert X.format == "csc" and X.indices.dtype == np.int32 and X.has_canonical_format
            assert 4.5e-3 < X.nnz / (shape[0] * shape[1]) < 5.1e-3
            assert np.all(np.diff(X.indptr)[active] >= 3)
        else:
            assert X.flags.f_contiguous and X.dtype == np.float64
            np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
            np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-12)


def test_mt_wide_dense_has_correlated_gene_modules():
    from benchmarks.problems import make_mt_wide_dense

    X, _ = make_mt_wide_dense(seed=0, scale=0.2)
    corr = np.corrcoef(X.T)[np.triu_indices(X.shape[1], 1)]
    # 72 samples: independent columns stay below |r| = 0.5 (4 standard deviations); about
    # 0.5% of the pairs are co-expressed genes of one module, most of them above it.
    assert 1e-3 < np.mean(np.abs(corr) > 0.5) < 2e-2


@pytest.mark.parametrize("name", sorted(MULTITASK_SHAPES))
def test_multitask_problems_are_deterministic_and_scale(name):
    from benchmarks.problems import MULTITASK_PROBLEMS

    X1, Y1 = MULTITASK_PROBLEMS[name](seed=3, scale=TINY)
    X2, Y2 = MULTITASK_PROBLEMS[name](seed=3, scale=TINY)
    np.testing.assert_array_equal(_dense(X1), _dense(X2))
    np.testing.assert_array_equal(Y1, Y2)
    X3, Y3 = MULTITASK_PROBLEMS[name](seed=4, scale=TINY)
    assert not np.array_equal(Y1, Y3)
    (full_rows, full_cols), n_tasks, _ = MULTITASK_SHAPES[name]
    assert X1.shape[0] <= full_rows and X1.shape[1] < full_cols and Y1.shape[1] == n_tasks


def test_get_multitask_problem_dtype_and_cache():
    from benchmarks.problems import get_multitask_problem

    for dtype in (np.float64, np.float32):
        for name in MULTITASK_SHAPES:
            X, Y = get_multitask_problem(name, dtype, scale=TINY)
            assert X.dtype == dtype and Y.dtype == dtype
            assert get_multitask_problem(name, dtype, scale=TINY)[0] is X
            assert sp.issparse(X) or X.flags.f_contiguous
    with pytest.raises(KeyError, match="multi-task"):
        get_multitask_problem("wide_dense")


# -- multi-task gap -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multitask_problem():
    """Dense and CSC versions of a sparse design, 4 tasks with offsets, 5 true features."""
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 40))
    X[rng.random(X.shape) < 0.6] = 0.0
    coef = np.zeros((4, 40))
    coef[:, :5] = 2.0 * rng.standard_normal((4, 5))
    Y = X @ coef.T + np.array([5.0, -2.0, 0.5, 1.0]) + 0.5 * rng.standard_normal((60, 4))
    return np.asfortranarray(X), sp.csc_matrix(X), Y


def _sklearn_multitask(X, Y, alpha, fit_intercept, tol=1e-12, max_iter=100_000):
    from sklearn.linear_model import MultiTaskLasso

    model = MultiTaskLasso(alpha=alpha, fit_intercept=fit_intercept, tol=tol, max_iter=max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, Y)


def _brute_force_multitask_gap(X, Y, coef, intercept, alpha, fit_intercept):
    """The gap of gap.py's docstring from an explicitly centred X and Y (with an intercept)."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    n, p = X.shape
    B = np.asarray(coef, dtype=np.float64).T
    lam = n * alpha
    residual = Y - X @ B - intercept
    primal = 0.5 * np.sum(residual**2) + lam * sum(np.linalg.norm(B[j]) for j in range(p))
    Xc = X - X.mean(axis=0) if fit_intercept else X
    Yc = Y - Y.mean(axis=0) if fit_intercept else Y
    theta = Yc - Xc @ B  # the centred problem's residual, whatever the intercept
    scale = min(1.0, lam / max(np.linalg.norm(Xc[:, j] @ theta) for j in range(p)))
    theta = scale * theta
    dual = np.sum(theta * Yc) - 0.5 * np.sum(theta**2)
    return (primal - dual) / n


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multitask_gap_vanishes_at_sklearn_solution(multitask_problem, fit_intercept):
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap, multitask_target_gap

    X, X_sparse, Y = multitask_problem
    alpha = multitask_alpha_max(X, Y, fit_intercept) / 10
    scale = multitask_target_gap(Y, rel=1.0, fit_intercept=fit_intercept)
    model = _sklearn_multitask(X, Y, alpha, fit_intercept)
    assert np.count_nonzero(np.any(model.coef_ != 0, axis=0)) > 3
    for design in (X, X_sparse):
        gap = multitask_duality_gap(design, Y, model.coef_, model.intercept_, alpha,
                                    fit_intercept)  # fmt: skip
        assert 0.0 <= gap < 1e-10 * scale
        # The same quantity as scikit-learn's own certificate.
        np.testing.assert_allclose(gap, model.dual_gap_, atol=1e-12 * scale)

    perturbed = model.coef_.copy()
    perturbed[:, np.argmax(np.linalg.norm(perturbed, axis=0))] *= 1.05
    gap = multitask_duality_gap(X, Y, perturbed, model.intercept_, alpha, fit_intercept)
    assert gap > 1e-6 * scale


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multitask_gap_equals_sklearn_gap_far_from_the_optimum(multitask_problem, fit_intercept):
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap

    X, _, Y = multitask_problem
    alpha = multitask_alpha_max(X, Y, fit_intercept) / 20
    model = _sklearn_multitask(X, Y, alpha, fit_intercept, tol=1e-2, max_iter=2)
    gap = multitask_duality_gap(X, Y, model.coef_, model.intercept_, alpha, fit_intercept)
    assert gap > 0.1
    np.testing.assert_allclose(gap, model.dual_gap_, rtol=1e-10)


def test_multitask_gap_bounds_suboptimality_at_random_points(multitask_problem):
    """gap >= P(W, b) - P* >= 0 anywhere, dense or sparse: what makes it a certificate."""
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap, multitask_objective

    X, X_sparse, Y = multitask_problem
    rng = np.random.default_rng(5)
    for fit_intercept in (True, False):
        alpha = multitask_alpha_max(X, Y, fit_intercept) / 10
        best = _sklearn_multitask(X, Y, alpha, fit_intercept)
        p_star = multitask_objective(X, Y, best.coef_, best.intercept_, alpha)
        for spread in (1e-3, 0.1, 1.0, 5.0):
            coef = best.coef_ + spread * rng.standard_normal(best.coef_.shape)
            coef[:, rng.random(X.shape[1]) < 0.5] = 0.0  # whole features out, as L2,1 does
            intercept = best.intercept_ + spread * rng.standard_normal(Y.shape[1])
            if not fit_intercept:
                intercept = 0.0
            excess = multitask_objective(X, Y, coef, intercept, alpha) - p_star
            for design in (X, X_sparse):
                gap = multitask_duality_gap(design, Y, coef, intercept, alpha, fit_intercept)
                assert excess > 0 and gap >= excess - 1e-12


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multitask_gap_equals_brute_force(multitask_problem, fit_intercept):
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap

    X, X_sparse, Y = multitask_problem
    rng = np.random.default_rng(8)
    alpha = multitask_alpha_max(X, Y, fit_intercept) / 5
    coef = rng.standard_normal((Y.shape[1], X.shape[1])) * (rng.random(X.shape[1]) < 0.3)
    intercept = rng.standard_normal(Y.shape[1]) if fit_intercept else 0.0
    expected = _brute_force_multitask_gap(X, Y, coef, intercept, alpha, fit_intercept)
    assert expected > 1e-3
    for design in (X, X_sparse, X.astype(np.float32)):
        gap = multitask_duality_gap(design, Y, coef, intercept, alpha, fit_intercept)
        rtol = 1e-6 if design.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(gap, expected, rtol=rtol)


def test_multitask_gap_sees_a_wrong_intercept(multitask_problem):
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap, multitask_target_gap

    X, _, Y = multitask_problem
    alpha = multitask_alpha_max(X, Y) / 10
    model = _sklearn_multitask(X, Y, alpha, True)
    intercept = model.intercept_.copy()
    intercept[1] += 0.3
    gap = multitask_duality_gap(X, Y, model.coef_, intercept, alpha, fit_intercept=True)
    assert gap > 1e-3 * multitask_target_gap(Y, rel=1.0)


def test_multitask_alpha_max_gives_zero_solution(multitask_problem):
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap, multitask_target_gap

    X, X_sparse, Y = multitask_problem
    zeros = np.zeros((Y.shape[1], X.shape[1]))
    for fit_intercept in (True, False):
        a_max = multitask_alpha_max(X, Y, fit_intercept)
        assert multitask_alpha_max(X_sparse, Y, fit_intercept) == pytest.approx(a_max, rel=1e-12)
        model = _sklearn_multitask(X, Y, a_max * (1 + 1e-9), fit_intercept, tol=1e-10)
        assert np.all(model.coef_ == 0)
        model = _sklearn_multitask(X, Y, a_max * 0.99, fit_intercept, tol=1e-10)
        assert np.any(model.coef_ != 0)
        intercept = Y.mean(axis=0) if fit_intercept else 0.0
        scale = multitask_target_gap(Y, rel=1.0, fit_intercept=fit_intercept)
        gap = multitask_duality_gap(X_sparse, Y, zeros, intercept, a_max, fit_intercept)
        assert abs(gap) < 1e-12 * scale
        gap = multitask_duality_gap(X, Y, zeros, intercept, a_max / 2, fit_intercept)
        assert gap > 1e-3 * scale


def test_multitask_target_objective_and_shapes():
    from benchmarks.gap import multitask_duality_gap, multitask_objective, multitask_target_gap

    Y = np.array([[1.0, 0.0], [3.0, 4.0]])
    assert multitask_target_gap(Y) == pytest.approx(1e-6 * (2.0 + 8.0) / 4.0)
    assert multitask_target_gap(Y, rel=1.0, fit_intercept=False) == pytest.approx(26.0 / 4.0)
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    coef = np.array([[1.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
    # Residual [[0, 0], [3, 1]] minus the intercepts [1, 2]; penalty 0.5 * (1 + 3).
    expected = (1 + 4 + 4 + 1) / 4.0 + 2.0
    assert multitask_objective(X, Y, coef, [1.0, 2.0], 0.5) == pytest.approx(expected)
    with pytest.raises(ValueError, match="shapes differ"):
        multitask_duality_gap(X, Y, coef.T, 0.0, 0.5)  # (n_features, n_tasks): the wrong way
    with pytest.raises(ValueError, match="2-D"):
        multitask_duality_gap(X, Y[:, 0], coef[:1], 0.0, 0.5)


# -- multi-task harness ---------------------------------------------------------------------


def test_multitask_case_conventions():
    from benchmarks.common import MULTITASK_PATH_LENGTH, MultiTaskCase
    from benchmarks.gap import multitask_alpha_max, multitask_target_gap
    from benchmarks.problems import get_multitask_problem

    X, Y = get_multitask_problem("mt_wide_dense", scale=TINY)
    fit = MultiTaskCase(X, Y, "alpha_max/100")
    assert fit.fit_intercept and fit.Y is Y
    assert fit.alpha == pytest.approx(multitask_alpha_max(X, Y) / 100)
    assert fit.target == pytest.approx(multitask_target_gap(Y))
    path = MultiTaskCase(X, Y, "path")
    assert not path.fit_intercept and path.alphas.shape == (MULTITASK_PATH_LENGTH,)
    np.testing.assert_allclose(path.Y.mean(axis=0), 0.0, atol=1e-12)
    assert path.alphas[0] == pytest.approx(multitask_alpha_max(X, Y))
    assert path.alphas[-1] == pytest.approx(path.alphas[0] / 100)
    assert path.target == pytest.approx(fit.target)  # Y centred: the same objective at 0
    zeros = np.zeros((Y.shape[1], X.shape[1], MULTITASK_PATH_LENGTH))
    assert path.gap(zeros) > path.target  # 0 is optimal at alpha_max only
    with pytest.raises(ValueError, match="n_alphas"):
        path.gap(zeros[:, :, :3])
    with pytest.raises(ValueError, match="n_tasks"):
        fit.gap(zeros[:, :, 0].T)
    with pytest.raises(ValueError, match="unknown task"):
        MultiTaskCase(X, Y, "alpha_max/3")


def _run_multitask(solver, case, tol):
    """One adapter call on a MultiTaskCase: (answer, gap)."""
    if case.task == "path":
        out = solver.path(case.X, case.Y, case.alphas, tol)
        return out, case.gap(out)
    out = solver.fit(case.X, case.Y, case.alpha, tol)
    return out, case.gap(out.coef, out.intercept)


# The peers' modules: celer and skglm are not in the test extra (CI skips them); skglm
# compiles its kernels on first use (~13 s), so it runs on dense X only.
MULTITASK_PEERS = {"sklearn": "sklearn", "celer": "celer", "skglm": "skglm"}


@pytest.mark.parametrize("name", sorted(MULTITASK_PEERS))
def test_multitask_peers_use_the_gaps_scale(multitask_problem, name):
    """At a tight tol each peer's answer has a vanishing gap under gap.py's objective: its
    alpha means what gap.py's does (no conversion), with and without intercept."""
    pytest.importorskip(MULTITASK_PEERS[name])
    from benchmarks.gap import multitask_alpha_max, multitask_duality_gap, multitask_target_gap
    from benchmarks.solvers import MULTITASK_SOLVERS

    solver = MULTITASK_SOLVERS[name]
    X, X_sparse, Y = multitask_problem
    Yc = Y - Y.mean(axis=0)
    alpha = multitask_alpha_max(X, Y) / 10
    alphas = multitask_alpha_max(X, Yc, False) * np.geomspace(1.0, 0.01, 5)
    scale = multitask_target_gap(Y, rel=1.0)
    designs = [X] + ([X_sparse] if name == "sklearn" and solver.supports(X_sparse) else [])
    assert solver.supports(X)
    for design in designs:
        out = solver.fit(design, Y, alpha, 1e-12)
        assert out.coef.shape == (Y.shape[1], X.shape[1]) and out.intercept.shape == (4,)
        assert np.count_nonzero(np.any(out.coef != 0, axis=0)) > 3
        gap = multitask_duality_gap(X, Y, out.coef, out.intercept, alpha, True)
        assert gap < 1e-10 * scale, (name, "fit")
        coefs = solver.path(design, Yc, alphas, 1e-12)
        assert coefs.shape == (Y.shape[1], X.shape[1], alphas.size)
        for k, a in enumerate(alphas):
            gap = multitask_duality_gap(X, Yc, coefs[:, :, k], 0.0, a, False)
            assert gap < 1e-10 * scale, (name, "path", k)


def test_multitask_peers_reach_the_driver_target():
    """scikit-learn gets to each task's target by tightening its tol, as the driver does."""
    from benchmarks.common import MultiTaskCase
    from benchmarks.problems import get_multitask_problem
    from benchmarks.solvers import MULTITASK_SOLVERS

    solver = MULTITASK_SOLVERS["sklearn"]
    for problem, task_name in (("mt_wide_dense", "path"), ("mt_sparse", "alpha_max/10")):
        X, Y = get_multitask_problem(problem, scale=TINY)
        if not solver.supports(X):
            continue
        case = MultiTaskCase(X, Y, task_name)
        tol = solver.tol0
        for _ in range(8):
            _, gap = _run_multitask(solver, case, tol)
            if gap <= case.target:
                break
            tol /= 10.0
        assert gap <= case.target, (problem, task_name, tol)


def test_multitask_sparse_support(monkeypatch):
    """sklearn's sparse rows follow what the installed scikit-learn accepts; celer's are none."""
    from sklearn.linear_model import MultiTaskLasso

    from benchmarks import solvers

    X = sp.csc_matrix(np.eye(4)[:, :3])
    try:
        MultiTaskLasso(alpha=0.01).fit(X, np.ones((4, 2)))
        accepts = True
    except (TypeError, ValueError):
        accepts = False
    sklearn_solver = solvers.MULTITASK_SOLVERS["sklearn"]
    assert sklearn_solver.supports(X) is accepts and sklearn_solver.supports(X.toarray())
    assert not solvers.MULTITASK_SOLVERS["celer"].supports(X)
    assert solvers.MULTITASK_SOLVERS["skglm"].supports(X)
    monkeypatch.setattr(solvers, "_sklearn_multitask_takes_sparse", lambda: False)
    assert not sklearn_solver.supports(X) and sklearn_solver.supports(X.toarray())


def _stub_fastreg_multitask(with_api=True):
    """A stand-in ``fastreg`` with the planned multi-task API, on top of scikit-learn."""
    from sklearn.linear_model import MultiTaskLasso, lasso_path

    module = types.ModuleType("fastreg")
    module.calls = []

    class StubMultiTaskLasso:
        def __init__(self, alpha=1.0, *, fit_intercept=True, tol=1e-4, max_iter=1000):
            module.calls.append(dict(alpha=alpha, fit_intercept=fit_intercept, tol=tol))
            self._model = MultiTaskLasso(alpha=alpha, fit_intercept=fit_intercept, tol=tol,
                                         max_iter=100_000)  # fmt: skip

        def fit(self, X, Y):
            self._model.fit(X, Y)
            self.coef_, self.intercept_ = self._model.coef_, self._model.intercept_
            self.n_iter_, self.dual_gap_ = self._model.n_iter_, self._model.dual_gap_
            return self

    def stub_lasso_path(X, y, *, alphas=None, tol=1e-4, max_iter=1000):
        module.calls.append(dict(path=True, alphas=np.asarray(alphas), tol=tol))
        return lasso_path(X, y, alphas=alphas, tol=tol, max_iter=100_000)

    module.lasso_path = stub_lasso_path
    if with_api:
        module.MultiTaskLasso = StubMultiTaskLasso
    return module


def test_fastreg_multitask_adapter_uses_the_planned_api(monkeypatch):
    from benchmarks.common import MultiTaskCase
    from benchmarks.problems import get_multitask_problem
    from benchmarks.solvers import MULTITASK_SOLVERS, available_solvers

    solver = MULTITASK_SOLVERS["fastreg"]
    monkeypatch.setitem(sys.modules, "fastreg", _stub_fastreg_multitask(with_api=False))
    assert "fastreg has no MultiTaskLasso" in solver.missing()
    _, skipped = available_solvers(["fastreg", "sklearn"], MULTITASK_SOLVERS)
    assert list(skipped) == ["fastreg"]

    stub = _stub_fastreg_multitask()
    monkeypatch.setitem(sys.modules, "fastreg", stub)
    assert solver.missing() is None and not solver.peer
    X, Y = get_multitask_problem("mt_wide_dense", scale=TINY)
    case = MultiTaskCase(X, Y, "alpha_max/10")
    out, gap = _run_multitask(solver, case, 1e-7)
    assert stub.calls[-1] == dict(alpha=case.alpha, fit_intercept=True, tol=1e-7)
    assert out.coef.shape == (Y.shape[1], X.shape[1]) and out.intercept.shape == (Y.shape[1],)
    assert out.n_iter > 0 and gap <= case.target
    path = MultiTaskCase(X, Y, "path")
    coefs, gap = _run_multitask(solver, path, 1e-7)
    assert stub.calls[-1]["path"] and np.array_equal(stub.calls[-1]["alphas"], path.alphas)
    assert coefs.shape == (Y.shape[1], X.shape[1], path.alphas.size) and gap <= path.target
    with pytest.raises(ValueError, match="expected"):  # a path of the wrong layout
        from benchmarks.solvers import _path_coefs

        _path_coefs(coefs.transpose(1, 0, 2), X, path.Y, path.alphas)


def test_compare_multitask_smoke(tmp_path, capsys, monkeypatch):
    """The multi-task driver runs end to end: the Lasso's search, timing and report code."""
    import json

    from benchmarks import common, compare, solvers

    monkeypatch.setitem(sys.modules, "fastreg", _stub_fastreg_multitask())
    monkeypatch.setattr(common, "MULTITASK_PATH_LENGTH", 5)  # the same path code, shorter
    # A scikit-learn without sparse multi-task support: its mt_sparse row is left out.
    monkeypatch.setattr(solvers, "_sklearn_multitask_takes_sparse", lambda: False)
    rows = []
    for problem, tasks in (("mt_wide_dense", "alpha_max/10,path"), ("mt_sparse", "alpha_max/10")):
        out = tmp_path / f"{problem}.json"
        argv = ["--model", "multitask", "--scale", "0.02", "--problems", problem,
                "--tasks", tasks, "--solvers", "sklearn,fastreg", "--no-startup",
                "--json", str(out)]  # fmt: skip
        assert compare.main(argv) == 0
        table = capsys.readouterr().out
        assert "# Multi-task Lasso time-to-gap comparison" in table
        payload = json.loads(out.read_text())
        assert payload["model"] == "multitask"
        rows += payload["results"]
    assert "| mt_sparse | alpha_max/10 | fastreg |" in table
    assert [(r["problem"], r["task"], r["solver"]) for r in rows] == [
        ("mt_wide_dense", "alpha_max/10", "sklearn"), ("mt_wide_dense", "alpha_max/10", "fastreg"),
        ("mt_wide_dense", "path", "sklearn"), ("mt_wide_dense", "path", "fastreg"),
        ("mt_sparse", "alpha_max/10", "fastreg"),
    ]  # fmt: skip
    for row in rows:
        assert row["reached"] and row["gap"] <= row["target"] and len(row["times"]) == 3
        assert 0 < row["nnz"] <= 5000  # selected features, not coefficients
    assert rows[0]["ratio"] == pytest.approx(1.0)
    assert rows[1]["ratio"] == pytest.approx(rows[1]["time"] / rows[0]["time"])
    assert rows[4]["ratio"] is None  # no peer ran on mt_sparse
    with pytest.raises(SystemExit):
        compare.main(["--model", "multitask", "--solvers", "glmnet"])  # not a multi-task peer
    with pytest.raises(SystemExit):
        compare.main(["--model", "multitask", "--problems", "wide_dense"])
