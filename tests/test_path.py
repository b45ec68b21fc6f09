"""lasso_path / enet_path against scikit-learn's, and the warm-start contract."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import enet_path as sk_enet_path

import fastreg
from fastreg._solver import make_problem

from .conftest import as_format, make_regression_data, rtol_for
from .reference import enet_gap


@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("precompute", [False, True])
def test_enet_path_matches_sklearn(fmt, dtype, l1_ratio, precompute):
    X_dense, y, _ = make_regression_data(40, 50)
    # scikit-learn's path fits no intercept: compare on centered data.
    X_dense = X_dense - X_dense.mean(axis=0)
    y = y - y.mean()
    X = as_format(X_dense, fmt, dtype)
    alphas, coefs, gaps = fastreg.enet_path(X, y.astype(dtype), l1_ratio=l1_ratio,
                                            n_alphas=20, eps=1e-2, tol=1e-12,
                                            max_iter=100_000, precompute=precompute)
    X64 = X_dense.astype(dtype).astype(np.float64)
    sk_alphas, sk_coefs, _ = sk_enet_path(X64, y.astype(dtype).astype(np.float64),
                                          l1_ratio=l1_ratio, alphas=alphas, tol=1e-12,
                                          max_iter=100_000)
    assert coefs.shape == (50, 20) and coefs.dtype == dtype
    np.testing.assert_allclose(alphas, sk_alphas)
    np.testing.assert_allclose(coefs, sk_coefs, rtol=0,
                               atol=rtol_for(dtype) * np.abs(sk_coefs).max())
    gap_tol = 1e-12 * (y @ y) / len(y)
    assert np.all(gaps <= gap_tol * (1 + 1e-9))


def test_alpha_grid_starts_at_alpha_max_with_all_zeros():
    X, y, sw = make_regression_data()
    alphas, coefs, _ = fastreg.lasso_path(X, y, fit_intercept=True, sample_weight=sw,
                                          n_alphas=10, eps=1e-3)
    alpha_max = make_problem(X, y, sample_weight=sw).alpha_max()
    assert alphas[0] == pytest.approx(alpha_max)
    assert alphas[-1] == pytest.approx(1e-3 * alpha_max)
    np.testing.assert_allclose(np.diff(np.log(alphas)), np.log(1e-3) / 9)
    assert not coefs[:, 0].any() and coefs[:, 1].any()


def test_path_with_intercept_equals_independent_fits(fmt):
    X_dense, y, sw = make_regression_data()
    X = as_format(X_dense, fmt, np.float64)
    alphas, coefs, gaps, n_iters = fastreg.enet_path(
        X, y, l1_ratio=0.9, fit_intercept=True, sample_weight=sw, n_alphas=8, tol=1e-11,
        max_iter=100_000, return_n_iter=True)
    yc = y - np.average(y, weights=sw)
    gap_tol = 1e-11 * (sw @ yc**2) / sw.sum()
    for k, alpha in enumerate(alphas):
        single = fastreg.solve(X, y, alpha, 0.9, sample_weight=sw, tol=1e-11,
                               max_iter=100_000)
        np.testing.assert_allclose(coefs[:, k], single.coef, atol=1e-7)
        assert gaps[k] <= gap_tol
        assert enet_gap(X, y, coefs[:, k], alpha, 0.9, sample_weight=sw) <= gap_tol
    # Warm starts: after the first alpha each fit starts near its solution.
    cold = [fastreg.solve(X, y, a, 0.9, sample_weight=sw, tol=1e-11, max_iter=100_000).n_iter
            for a in alphas]
    assert sum(n_iters) < sum(cold)


def test_explicit_alphas_are_sorted_decreasing():
    X, y, _ = make_regression_data()
    alphas, coefs, _ = fastreg.lasso_path(X, y, alphas=[0.01, 0.5, 0.1])
    np.testing.assert_array_equal(alphas, [0.5, 0.1, 0.01])
    assert np.count_nonzero(coefs[:, 0]) < np.count_nonzero(coefs[:, 2])


def test_alphas_as_a_count():
    X, y, _ = make_regression_data()
    alphas, coefs, _ = fastreg.lasso_path(X, y, alphas=7)
    assert alphas.shape == (7,) and coefs.shape == (X.shape[1], 7)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"alphas": [-1.0]}, "alphas"),
    ({"alphas": 0}, "alphas"),
    ({"n_alphas": 0}, "n_alphas"),
    ({"eps": 0.0}, "eps"),
    ({"l1_ratio": 1.5}, "l1_ratio"),
])
def test_bad_path_arguments(kwargs, match):
    X, y, _ = make_regression_data()
    with pytest.raises(ValueError, match=match):
        fastreg.enet_path(X, y, **kwargs)


def test_l1_ratio_zero_needs_explicit_alphas():
    X, y, _ = make_regression_data()
    with pytest.raises(ValueError, match="l1_ratio=0"):
        fastreg.enet_path(X, y, l1_ratio=0.0)
    _, coefs, _ = fastreg.enet_path(X, y, l1_ratio=0.0, alphas=[1.0, 0.1])
    assert np.all(coefs != 0)  # a pure ridge penalty keeps every feature


@pytest.mark.parametrize("precompute", [False, True])
def test_path_is_the_same_with_engine_features_off(fmt, precompute):
    X_dense, y, sw = make_regression_data(40, 150, density=0.3)
    X = as_format(X_dense, fmt, np.float64)
    common = {"l1_ratio": 0.8, "n_alphas": 15, "eps": 1e-2, "tol": 1e-11, "max_iter": 100_000,
              "fit_intercept": True, "sample_weight": sw, "precompute": precompute}
    _, fast, _ = fastreg.enet_path(X, y, **common)
    _, plain, _ = fastreg.enet_path(X, y, working_set=False, screening=False, **common)
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-7 * np.abs(plain).max())


@pytest.mark.parametrize("precompute", [False, True])
def test_stop_early_ends_the_path_once_the_deviance_explained_stops_growing(precompute):
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(80, 30)))
    y = X[:, :3] @ np.array([2.0, -1.0, 1.5]) + 0.01 * rng.normal(size=80)  # R^2 near 1
    full = fastreg.lasso_path(X, y, n_alphas=60, eps=1e-4, tol=1e-10, precompute=precompute)
    short = fastreg.lasso_path(X, y, n_alphas=60, eps=1e-4, tol=1e-10, precompute=precompute,
                               stop_early=True)
    stop = short[0].size
    assert 1 < stop < 60  # the path stopped, after more than one alpha
    np.testing.assert_array_equal(short[0], full[0][:stop])
    np.testing.assert_allclose(short[1], full[1][:, :stop], rtol=1e-8, atol=1e-10)
    # The rule, recomputed from the full path: the first alpha explaining >= 0.999 of the
    # variance, or less than 1e-5 (relative) more than the alpha before, ends the path.
    explained = 1 - ((y[:, None] - X @ full[1]) ** 2).sum(axis=0) / (y @ y)  # no intercept
    growth = np.diff(explained, prepend=-np.inf)
    ends = np.flatnonzero((explained >= 0.999) | (growth < 1e-5 * explained))
    assert stop == ends[0] + 1


def test_stop_early_off_by_default_and_checked():
    X, y, _ = make_regression_data(30, 10)
    assert fastreg.lasso_path(X, y, n_alphas=7)[0].size == 7
    with pytest.raises(TypeError, match="stop_early"):
        fastreg.lasso_path(X, y, stop_early="yes")


# --- logistic_path -------------------------------------------------------------------------------

LOGISTIC_TOL = 1e-9


def _logistic_alpha_max(X, y, s, l1_ratio, fit_intercept=True, positive=False):
    """``max_j |x_j^T r0| / (S rho)`` at the intercept-only model, in NumPy: ``b0 = log(P /
    N)`` (0 without intercept), ``r0_i = s_i y_i sigmoid(-y_i b0)``; at ``w = 0`` this is
    where the first feature's optimality condition starts to fail."""
    b0 = np.log(s[y > 0].sum() / s[y < 0].sum()) if fit_intercept else 0.0
    r0 = s * y / (1 + np.exp(y * b0))
    correlations = X.T @ r0
    correlations = np.maximum(correlations, 0.0) if positive else np.abs(correlations)
    return correlations.max() / (s.sum() * l1_ratio), b0


def test_logistic_path_equals_single_fits(fmt, dtype):
    """Each alpha of the path solves the problem a single ``LogisticRegression(C=1 / (alpha
    S))`` solves (the Elastic Net's solution is unique: both are within ``sqrt(2 G / mu)`` of
    it), starting at zeros and the null intercept at alpha_max, certified throughout by the
    independent gap."""
    from .conftest import make_classification_data
    from .reference import certified_logistic_gap, logistic_objective

    X_dense, y, sw = make_classification_data()
    X64 = X_dense.astype(dtype).astype(np.float64)
    X = as_format(X_dense, fmt, dtype)
    l1_ratio = 0.8
    alphas, coefs, intercepts, gaps, n_iters = fastreg.logistic_path(
        X, y, l1_ratio=l1_ratio, n_alphas=8, eps=1e-2, sample_weight=sw, tol=LOGISTIC_TOL,
        max_iter=100_000, return_n_iter=True)
    assert coefs.shape == (20, 8) and coefs.dtype == dtype
    assert intercepts.shape == gaps.shape == (8,) and len(n_iters) == 8
    alpha_max, b0 = _logistic_alpha_max(X64, y, sw, l1_ratio)
    np.testing.assert_allclose(alphas, np.geomspace(alpha_max, 1e-2 * alpha_max, 8),
                               rtol=1e-12)
    assert not coefs[:, 0].any() and coefs[:, 1].any()
    assert intercepts[0] == pytest.approx(b0, rel=1e-12)
    assert n_iters[0] == 0  # the null model is certified before any epoch
    S = sw.sum()
    null = logistic_objective(X64, y, np.zeros(20), b0, 1.0, l1_ratio, sw)
    rounding = 4 * len(y) * np.finfo(np.float64).eps
    cold_epochs = 0
    for k, alpha in enumerate(alphas):
        single = fastreg.LogisticRegression(C=1 / (alpha * S), l1_ratio=l1_ratio,
                                            tol=LOGISTIC_TOL, max_iter=100_000).fit(
            X, y, sample_weight=sw)
        cold_epochs += single.n_iter_[0]
        assert gaps[k] <= LOGISTIC_TOL * 2 * null * (1 + 1e-9)
        mu = alpha * (1 - l1_ratio)
        radius = 0.0
        for coef, intercept, reported in ((coefs[:, k], intercepts[k], gaps[k]),
                                          (single.coef_[0], single.intercept_[0],
                                           single.dual_gap_)):
            if dtype == np.float64:
                gap = certified_logistic_gap(X64, y, coef, intercept, alpha, l1_ratio,
                                             sample_weight=sw)
                assert gap <= LOGISTIC_TOL * 2 * null
                radius += np.sqrt(2 * (max(gap, 0.0) + rounding) / mu)
            else:
                # The gap certifies the float64 iterate, of which coef is the rounding:
                # |fl(w) - w| <= 2^-23 |fl(w)|.
                radius += np.sqrt(2 * (max(reported, 0.0) + rounding) / mu) + (
                    2.0**-23 * np.linalg.norm(coef))
        distance = np.linalg.norm(coefs[:, k].astype(np.float64) - single.coef_[0])
        assert distance <= radius
    # Warm starts: along the path each alpha starts near its solution.
    assert sum(n_iters) < cold_epochs


def test_logistic_path_stops_early_once_the_deviance_explained_stops_growing():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(60, 5)))
    y = np.where(X[:, 0] - X[:, 1] + 0.05 * rng.normal(size=60) > 0, 1.0, -1.0)
    common = {"n_alphas": 40, "eps": 1e-4, "tol": 1e-8, "max_iter": 100_000}
    full = fastreg.logistic_path(X, y, **common)
    short = fastreg.logistic_path(X, y, stop_early=True, **common)
    stop = short[0].size
    assert 1 < stop < 40
    np.testing.assert_array_equal(short[0], full[0][:stop])
    np.testing.assert_allclose(short[1], full[1][:, :stop], rtol=1e-8, atol=1e-10)
    # glmnet's rule, recomputed from the full path: the first alpha explaining >= 0.999 of the
    # null deviance, or less than 1e-5 (relative) more than the alpha before, ends the path.
    margins = y[:, None] * (X @ full[1] + full[2])
    deviance = 2 * np.logaddexp(0.0, -margins).sum(axis=0)
    positive = (y > 0).sum()
    null = 2 * (positive * np.log(60 / positive) + (60 - positive) * np.log(60 / (60 - positive)))
    explained = 1 - deviance / null
    growth = np.diff(explained, prepend=-np.inf)
    ends = np.flatnonzero((explained >= 0.999) | (growth < 1e-5 * explained))
    assert stop == ends[0] + 1


def test_logistic_path_takes_explicit_alphas_and_counts():
    from .conftest import make_classification_data

    X, y, _ = make_classification_data()
    alphas, coefs, intercepts, _ = fastreg.logistic_path(X, y, alphas=[0.01, 0.2, 0.05])
    np.testing.assert_array_equal(alphas, [0.2, 0.05, 0.01])
    assert np.count_nonzero(coefs[:, 0]) < np.count_nonzero(coefs[:, 2])
    alphas, coefs, intercepts, gaps = fastreg.logistic_path(X, y, alphas=5)
    assert alphas.shape == intercepts.shape == gaps.shape == (5,) and coefs.shape == (20, 5)
    with pytest.raises(ValueError, match="l1_ratio=0"):
        fastreg.logistic_path(X, y, l1_ratio=0.0)
    _, coefs, _, _ = fastreg.logistic_path(X, y, l1_ratio=0.0, alphas=[1.0, 0.1])
    assert np.all(coefs != 0)  # a pure L2 penalty keeps every feature


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_path_starts_at_alpha_max(positive, fit_intercept):
    from .conftest import make_classification_data

    X, y, sw = make_classification_data()
    alphas, coefs, intercepts, _ = fastreg.logistic_path(
        X, y, n_alphas=4, sample_weight=sw, positive=positive, fit_intercept=fit_intercept)
    alpha_max, b0 = _logistic_alpha_max(X, y, sw, 1.0, fit_intercept, positive)
    assert alphas[0] == pytest.approx(alpha_max, rel=1e-12)
    assert not coefs[:, 0].any() and coefs[:, 1].any()
    assert intercepts[0] == pytest.approx(b0, rel=1e-12, abs=0)
    if positive:
        assert (coefs >= 0).all()


def test_iter_logistic_path_yields_each_alpha():
    from .conftest import make_classification_data

    X, y, _ = make_classification_data()
    alphas, coefs, intercepts, _ = fastreg.logistic_path(X, y, n_alphas=6)
    for k, step in enumerate(fastreg.iter_logistic_path(X, y, n_alphas=6)):
        assert step.alpha == alphas[k] and step.mode == "newton"
        np.testing.assert_array_equal(step.coef, coefs[:, k])
        assert step.intercept == intercepts[k]
        if k == 2:
            break  # a consumer may stop between two alphas


@pytest.mark.parametrize("path", [fastreg.lasso_path, fastreg.enet_path])
def test_unknown_keywords_get_scikit_learns_error(path):
    X, y = np.ones((4, 2)) + np.eye(4, 2), np.arange(4.0)
    with pytest.raises(ValueError, match=r"Unexpected parameters in params: \['normalize'\]"):
        path(X, y, normalize=True, fit_intercept=True)


@pytest.mark.parametrize("alphas, error, message", [
    ((1, -1, -100), ValueError, r"alphas\[1\] == -1, must be >= 0\.0\.$"),
    ([-0.1, -1.0], ValueError, r"alphas\[0\] == -0\.1, must be >= 0\.0\.$"),
    (np.array([0.5, np.inf]), ValueError, r"alphas\[1\] == inf, must be finite\.$"),
    ((1, 1.0, "1"), TypeError, r"alphas\[2\] must be an instance of float, not str\.$"),
])
def test_bad_alphas_are_named_by_position(alphas, error, message):
    X, y = np.ones((4, 2)) + np.eye(4, 2), np.arange(4.0)
    with pytest.raises(error, match=message):
        fastreg.lasso_path(X, y, alphas=alphas)
    with pytest.raises(error, match=message):
        fastreg.LassoCV(alphas=alphas, cv=2).fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_a_given_gram_and_xy_give_the_path_of_the_computed_ones(sparse):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 10))
    y = X @ rng.normal(size=10) + rng.normal(size=80)
    weights = rng.lognormal(size=80)
    scaled = weights * (80 / weights.sum())  # scikit-learn's convention for the matrices
    gram, xy = (X * scaled[:, np.newaxis]).T @ X, X.T @ (scaled * y)
    X_fit = sp.csc_matrix(X) if sparse else X
    _, given, _ = fastreg.enet_path(X_fit, y, l1_ratio=0.7, alphas=6, precompute=gram, Xy=xy,
                                    sample_weight=weights, tol=1e-12)
    _, computed, _ = fastreg.enet_path(X, y, l1_ratio=0.7, alphas=6, precompute=False,
                                       sample_weight=weights, tol=1e-12)
    np.testing.assert_allclose(given, computed, rtol=1e-8, atol=1e-10)
    with pytest.raises(ValueError, match="Xy does not match X and y"):
        fastreg.lasso_path(X, y, Xy=2 * X.T @ y)
    with pytest.raises(ValueError, match="Xy must hold 10"):
        fastreg.lasso_path(X, y, Xy=np.ones(3))
    with pytest.raises(ValueError, match="did not pass validation"):
        fastreg.lasso_path(X, y, precompute=2 * X.T @ X)
    with pytest.warns(UserWarning, match="Gram matrix was provided but X was centered"):
        fastreg.lasso_path(X, y, precompute=X.T @ X, fit_intercept=True, alphas=3)


def _sklearn_count(n_alphas: int) -> dict:
    """scikit-learn's keyword for a number of alphas: ``alphas=n`` from 1.9 (``n_alphas`` is
    deprecated there and goes in 1.11), ``n_alphas=n`` before."""
    import sklearn
    from sklearn.utils.fixes import parse_version

    if parse_version(sklearn.__version__) >= parse_version("1.9"):
        return {"alphas": n_alphas}
    return {"n_alphas": n_alphas}


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_two_dimensional_y_gives_the_multitask_path(fmt, dtype, l1_ratio):
    X_dense, y, _ = make_regression_data()
    Y = np.c_[y, -0.5 * y + X_dense[:, 7], X_dense[:, 1]]
    X = as_format(X_dense, fmt, dtype)
    alphas, coefs, gaps = fastreg.enet_path(X, Y, l1_ratio=l1_ratio, n_alphas=8, tol=1e-10)
    X64 = X_dense.astype(dtype).astype(np.float64)
    sk_alphas, sk_coefs, _ = sk_enet_path(X64, Y, l1_ratio=l1_ratio, tol=1e-12,
                                          max_iter=100_000, **_sklearn_count(8))
    assert coefs.shape == (3, 60, 8) and coefs.dtype == dtype
    np.testing.assert_allclose(alphas, sk_alphas, rtol=1e-6)
    scale = np.abs(sk_coefs).max()
    np.testing.assert_allclose(coefs, sk_coefs, atol=rtol_for(dtype) * scale)
    assert (coefs[..., 0] == 0).all() and (gaps >= -1e-12).all()  # rounding at alpha_max
    # A feature enters every task together.
    support = coefs != 0
    assert (support.all(axis=0) | ~support.any(axis=0)).all()


def test_multitask_path_checks_xy_and_rejects_positive():
    X, y, _ = make_regression_data()
    Y = np.c_[y, X[:, 3]]
    Xy = X.T @ Y
    _, coefs, _ = fastreg.lasso_path(X, Y, n_alphas=4, Xy=Xy)
    _, expected, _ = fastreg.lasso_path(X, Y, n_alphas=4)
    np.testing.assert_array_equal(coefs, expected)
    with pytest.raises(ValueError, match="Xy does not match X and y"):
        fastreg.lasso_path(X, Y, n_alphas=4, Xy=2 * Xy)
    with pytest.raises(ValueError, match="positive=True is not allowed for multi-output"):
        fastreg.lasso_path(X, Y, positive=True)
