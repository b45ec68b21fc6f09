"""RelaxedLasso, RelaxedLassoCV, AdaptiveLasso, AdaptiveLassoCV: against independent references
(numpy least squares, fastreg's Lasso with hand-made factors, brute-force cross-validation),
support recovery on a correlated problem, scikit-learn's API checks and bad input."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import parametrize_with_checks

import fastreg
from fastreg._solver import make_problem
from fastreg.datasets import make_correlated_regression
from fastreg.twostage import (
    AdaptiveLasso,
    AdaptiveLassoCV,
    RelaxedLasso,
    RelaxedLassoCV,
    _refit_on_support,
    _SupportRefits,
)

from .conftest import as_format, make_regression_data, rtol_for

EXPECTED_FAILURES = {
    "AdaptiveLasso": {
        "check_non_transformer_estimators_n_iter":
            "on iris with the default alpha=1 the adaptive factors 1/|w_ridge| (all > 1) put "
            "alpha above alpha_max: zero is certified before any epoch, and n_iter_ reports "
            "the 0 epochs run (AdaptiveLasso(alpha=0.1) passes)",
    },
}


@parametrize_with_checks([RelaxedLasso(), RelaxedLassoCV(cv=3), AdaptiveLasso(),
                          AdaptiveLasso(alpha=0.1), AdaptiveLassoCV(cv=3)],
                         expected_failed_checks=lambda e: (
                             EXPECTED_FAILURES.get(type(e).__name__, {})
                             if getattr(e, "alpha", None) == 1.0 else {}))
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _as(X, fmt, dtype):
    if fmt == "csr":
        return sp.csr_matrix(np.asarray(X, dtype=dtype))
    return as_format(X, fmt, dtype)


def _weighted_lstsq(X, y, weights, fit_intercept):
    """Least squares with the intercept as a column of ones (no centering): minimum-norm
    coefficients of ``sqrt(w) [X 1]`` by numpy's SVD."""
    design = np.column_stack([X, np.ones(X.shape[0])]) if fit_intercept else X
    root = np.sqrt(weights)
    solution = np.linalg.lstsq(root[:, None] * design, root * y, rcond=None)[0]
    return (solution[:-1], solution[-1]) if fit_intercept else (solution, 0.0)


# ---------------------------------------------------------------------------- RelaxedLasso


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_relaxed_gamma_zero_is_least_squares_on_the_lasso_support(fmt, dtype, weighted,
                                                                  fit_intercept):
    X_dense, y, sw = make_regression_data(60, 30)
    sw = sw if weighted else None
    X = _as(X_dense, fmt, dtype)
    y = y.astype(dtype)
    model = RelaxedLasso(alpha=0.1, gamma=0.0, fit_intercept=fit_intercept, tol=1e-10).fit(
        X, y, sample_weight=sw)
    lasso = fastreg.Lasso(alpha=0.1, fit_intercept=fit_intercept, tol=1e-10).fit(
        X, y, sample_weight=sw)
    support = np.flatnonzero(lasso.coef_)
    assert 2 <= support.size < X.shape[1]
    np.testing.assert_array_equal(model.support_, lasso.coef_ != 0)
    X64 = X_dense.astype(dtype).astype(np.float64)
    coef, intercept = _weighted_lstsq(X64[:, support], y.astype(np.float64),
                                      np.ones(60) if sw is None else sw, fit_intercept)
    expected = np.zeros(X.shape[1])
    expected[support] = coef
    assert model.coef_.dtype == dtype and model.refit_coef_.dtype == dtype
    scale = np.abs(expected).max()
    np.testing.assert_allclose(model.coef_, expected, rtol=0, atol=rtol_for(dtype) * scale)
    np.testing.assert_allclose(model.refit_coef_, expected, rtol=0,
                               atol=rtol_for(dtype) * scale)
    assert model.intercept_ == pytest.approx(intercept, rel=1e-5, abs=1e-6)
    # The refit is no Lasso: its coefficients are not shrunk.
    assert np.abs(model.coef_).sum() > np.abs(lasso.coef_).sum()


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
def test_relaxed_gamma_one_is_the_lasso(fmt, dtype, weighted):
    X_dense, y, sw = make_regression_data(60, 30)
    sw = sw if weighted else None
    X = _as(X_dense, fmt, dtype)
    model = RelaxedLasso(alpha=0.1, gamma=1.0).fit(X, y, sample_weight=sw)
    lasso = fastreg.Lasso(alpha=0.1).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(model.coef_, lasso.coef_)
    np.testing.assert_array_equal(model.lasso_coef_, lasso.coef_)
    assert model.intercept_ == pytest.approx(lasso.intercept_, rel=1e-12, abs=1e-12)
    assert model.dual_gap_ == lasso.dual_gap_ and model.n_iter_ == lasso.n_iter_
    assert model.coef_.dtype == dtype


def test_relaxed_blend_is_linear_in_gamma():
    X, y, sw = make_regression_data(60, 30)
    ends = [RelaxedLasso(alpha=0.1, gamma=g).fit(X, y, sw) for g in (0.0, 1.0)]
    middle = RelaxedLasso(alpha=0.1, gamma=0.3).fit(X, y, sw)
    np.testing.assert_allclose(middle.coef_, 0.3 * ends[1].coef_ + 0.7 * ends[0].coef_,
                               rtol=1e-12, atol=1e-14)
    assert middle.intercept_ == pytest.approx(0.3 * ends[1].intercept_
                                              + 0.7 * ends[0].intercept_, rel=1e-12)
    np.testing.assert_allclose(middle.predict(X), 0.3 * ends[1].predict(X)
                               + 0.7 * ends[0].predict(X), rtol=1e-10)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_relaxed_refit_is_minimum_norm_when_the_support_outnumbers_the_samples(fmt):
    """15 unpenalized features and 10 samples: the support has more columns than rows."""
    rng = np.random.default_rng(3)
    X_dense = rng.normal(size=(10, 25))
    y = X_dense[:, :3] @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=10)
    sw = rng.uniform(0.5, 2.0, size=10)
    factors = np.r_[np.zeros(15), np.ones(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RelaxedLasso(alpha=0.05, gamma=0.0, penalty_factor=factors).fit(
            as_format(X_dense, fmt, np.float64), y, sample_weight=sw)
    support = np.flatnonzero(model.support_)
    assert support.size >= 15
    # The minimum-norm solution of the centered, weighted system, by the pseudo-inverse.
    mean_x, mean_y = sw @ X_dense[:, support] / sw.sum(), sw @ y / sw.sum()
    root = np.sqrt(sw)
    expected = np.linalg.pinv(root[:, None] * (X_dense[:, support] - mean_x)) @ (
        root * (y - mean_y))
    np.testing.assert_allclose(model.refit_coef_[support], expected, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.predict(as_format(X_dense, fmt, np.float64)), y,
                               atol=1e-8)  # it interpolates


def test_relaxed_empty_support_refits_the_intercept_only():
    X, y, sw = make_regression_data(60, 30)
    model = RelaxedLasso(alpha=1e3, gamma=0.0).fit(X, y, sample_weight=sw)
    assert not model.support_.any() and not model.coef_.any()
    assert model.intercept_ == pytest.approx(np.average(y, weights=sw), rel=1e-12)
    without = RelaxedLasso(alpha=1e3, gamma=0.0, fit_intercept=False).fit(X, y)
    assert without.intercept_ == 0.0


def test_relaxed_positive_refit_is_non_negative_least_squares():
    from scipy.optimize import nnls

    X, y, _ = make_regression_data(60, 30)
    model = RelaxedLasso(alpha=0.05, gamma=0.0, positive=True, fit_intercept=False).fit(X, y)
    support = np.flatnonzero(model.support_)
    assert support.size >= 2 and (model.coef_ >= 0).all()
    expected, _ = nnls(X[:, support], y)
    np.testing.assert_allclose(model.coef_[support], expected, rtol=1e-8, atol=1e-10)


def test_relaxed_does_not_densify_sparse_x():
    rng = np.random.default_rng(0)
    X = sp.random(4000, 40_000, density=5e-4, format="csc", random_state=rng)
    coef = np.zeros(X.shape[1])
    coef[:20] = rng.normal(size=20)
    y = X @ coef + 0.01 * rng.normal(size=X.shape[0])
    alpha = make_problem(X, y).alpha_max() / 20
    RelaxedLasso(alpha=alpha).fit(X[:, :50], y)  # imports and compilation outside
    tracemalloc.start()
    try:
        model = RelaxedLasso(alpha=alpha, gamma=0.0).fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert model.support_.sum() >= 5
    dense_bytes = 8 * X.shape[0] * X.shape[1]  # 1.28 GB
    assert peak < dense_bytes / 100, f"peak {peak / 1e6:.1f} MB"


# -------------------------------------------------------------------------- RelaxedLassoCV


@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_relaxed_cv_matches_brute_force_over_folds(fmt):
    X_dense, y, sw = make_regression_data(60, 20)
    X = as_format(X_dense, fmt, np.float64)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X_dense))
    gammas = (0.0, 0.4, 1.0)
    model = RelaxedLassoCV(alphas=8, gammas=gammas, cv=folds, tol=1e-12,
                           max_iter=100_000).fit(X, y, sample_weight=sw)
    assert model.mse_path_.shape == (3, 8, 3)
    expected = np.empty((3, 8, 3))
    for f, (train, test) in enumerate(folds):
        for a, alpha in enumerate(model.alphas_):
            for g, gamma in enumerate(gammas):
                fit = RelaxedLasso(alpha=alpha, gamma=gamma, tol=1e-12, max_iter=100_000).fit(
                    X[train], y[train], sample_weight=sw[train])
                residual = fit.predict(X[test]) - y[test]
                expected[g, a, f] = np.average(residual**2, weights=sw[test])
    np.testing.assert_allclose(model.mse_path_, expected, rtol=1e-6)
    # The grid spans supports from empty to most features, so the refits differ.
    assert len({tuple(RelaxedLasso(alpha=a).fit(X, y).support_) for a in model.alphas_}) >= 4


def test_relaxed_cv_chooses_the_minimum_and_refits_as_relaxed_lasso(fmt):
    X_dense, y, sw = make_regression_data(80, 40, n_informative=4)
    X = as_format(X_dense, fmt, np.float64)
    model = RelaxedLassoCV(alphas=30, cv=4, tol=1e-10).fit(X, y, sample_weight=sw)
    mean = model.mse_path_.mean(axis=2)
    g = list(model.gammas_).index(model.gamma_)
    a = list(model.alphas_).index(model.alpha_)
    assert mean[g, a] <= mean.min() * (1 + 1e-9)
    # The minimum is somewhere inside the search: neither the empty model nor every gamma
    # giving the same error.
    assert mean[g, a] < mean[:, 0].min() and np.ptp(mean[:, a]) > 0
    single = RelaxedLasso(alpha=model.alpha_, gamma=model.gamma_, tol=1e-10).fit(
        X, y, sample_weight=sw)
    np.testing.assert_array_equal(model.support_, single.support_)
    np.testing.assert_allclose(model.coef_, single.coef_, rtol=1e-6, atol=1e-8)
    assert model.intercept_ == pytest.approx(single.intercept_, rel=1e-6)


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
def test_cv_refits_from_the_shared_gram_match_the_direct_refit(fmt, positive):
    """The folds' refits (Gram block, eigendecomposition) against the final model's (SVD of
    the block), on nested supports as a path gives them, one of them wider than the rows."""
    rng = np.random.default_rng(5)
    X_dense = rng.normal(size=(20, 40))
    X_dense[:, 3] += 2.0
    y = X_dense[:, :4] @ [1.0, 2.0, 0.5, 1.5] + 0.1 * rng.normal(size=20)
    weights = rng.uniform(0.5, 2.0, size=20)
    X = as_format(X_dense, fmt, np.float64)
    refits = _SupportRefits(X, y, weights, True, positive)
    supports = [np.array([], np.intp), np.array([1]), np.array([0, 1, 3]), np.array([0, 1, 3]),
                np.array([0, 1, 2, 3, 7]), np.arange(12), np.r_[0:4, 9]]
    if not positive:
        supports.append(np.arange(30))  # 30 columns, 20 rows: the minimum-norm solution
    for support in supports:
        coef, intercept = refits.refit(support)
        expected, expected_intercept = _refit_on_support(X, y, weights, support, True, positive)
        np.testing.assert_allclose(coef, expected, rtol=1e-7, atol=1e-9)
        assert intercept == pytest.approx(expected_intercept, rel=1e-7, abs=1e-9)
    # Each distinct support is solved once; the Gram holds each feature met once.
    assert len(refits.solved) == len({s.tobytes() for s in supports})
    assert refits.gram.shape == (np.unique(np.concatenate(supports)).size,) * 2


def test_relaxed_cv_folds_on_threads_give_the_same_result():
    X, y, sw = make_regression_data(60, 20)
    serial = RelaxedLassoCV(alphas=10, cv=4).fit(X, y, sw)
    threaded = RelaxedLassoCV(alphas=10, cv=4, n_jobs=2).fit(X, y, sw)
    np.testing.assert_array_equal(threaded.mse_path_, serial.mse_path_)
    np.testing.assert_array_equal(threaded.coef_, serial.coef_)


def test_relaxed_cv_float32_stays_float32():
    X, y, _ = make_regression_data(60, 20)
    model = RelaxedLassoCV(alphas=10, cv=3).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32 and model.mse_path_.shape == (5, 10, 3)


# ---------------------------------------------------------------------------- AdaptiveLasso


@pytest.mark.parametrize("nu", [0.5, 1.0, 2.0])
def test_adaptive_is_the_lasso_with_hand_made_factors(fmt, nu):
    X_dense, y, sw = make_regression_data(60, 30)
    X = as_format(X_dense, fmt, np.float64)
    model = AdaptiveLasso(alpha=0.02, nu=nu, init="ridge", init_alpha=5.0).fit(X, y, sw)
    ridge = fastreg.Ridge(alpha=5.0, tol=1e-10).fit(X, y, sample_weight=sw)
    factors = 1.0 / np.abs(ridge.coef_) ** nu
    lasso = fastreg.Lasso(alpha=0.02, penalty_factor=factors).fit(X, y, sample_weight=sw)
    assert 0 < np.count_nonzero(lasso.coef_) < X.shape[1]
    np.testing.assert_allclose(model.coef_, lasso.coef_, rtol=1e-10, atol=1e-12)
    assert model.intercept_ == pytest.approx(lasso.intercept_, rel=1e-10)
    np.testing.assert_allclose(model.penalty_factor_, factors, rtol=1e-12)


def test_adaptive_leaves_out_the_features_of_zero_first_estimate(fmt):
    X_dense, y, sw = make_regression_data(60, 30)
    X = as_format(X_dense, fmt, np.float64)
    model = AdaptiveLasso(alpha=0.01, init="lasso", init_alpha=0.1).fit(X, y, sw)
    first = fastreg.Lasso(alpha=0.1).fit(X, y, sample_weight=sw).coef_
    kept = np.flatnonzero(first)
    assert 0 < kept.size < X.shape[1]
    lasso = fastreg.Lasso(alpha=0.01, penalty_factor=1.0 / np.abs(first[kept])).fit(
        X_dense[:, kept], y, sample_weight=sw)
    expected = np.zeros(X.shape[1])
    expected[kept] = lasso.coef_
    np.testing.assert_allclose(model.coef_, expected, rtol=1e-8, atol=1e-10)
    assert np.isinf(model.penalty_factor_[first == 0]).all()


def test_adaptive_reweighting_repeats_from_the_previous_fit():
    X, y, sw = make_regression_data(60, 30)
    twice = AdaptiveLasso(alpha=0.02, init_alpha=5.0, n_reweightings=2).fit(X, y, sw)
    once = AdaptiveLasso(alpha=0.02, init_alpha=5.0).fit(X, y, sw)
    kept = np.flatnonzero(once.coef_)
    lasso = fastreg.Lasso(alpha=0.02, penalty_factor=1.0 / np.abs(once.coef_[kept])).fit(
        X[:, kept], y, sample_weight=sw)
    np.testing.assert_allclose(twice.coef_[kept], lasso.coef_, rtol=1e-8, atol=1e-10)
    assert not twice.coef_[once.coef_ == 0].any()
    assert twice.n_iter_ > once.n_iter_


def test_adaptive_ols_init_is_weighted_least_squares(fmt):
    X_dense, y, sw = make_regression_data(80, 10)
    model = AdaptiveLasso(alpha=0.01, init="ols").fit(as_format(X_dense, fmt, np.float64), y,
                                                      sw)
    expected, _ = _weighted_lstsq(X_dense, y, sw, True)
    np.testing.assert_allclose(model.init_coef_, expected, rtol=1e-7, atol=1e-9)


def test_adaptive_ols_init_is_minimum_norm_with_a_rounding_singular_value(fmt):
    """p > n with one singular value of the centered X at 20 eps of the largest: rounding at
    that size (LAPACK's default cutoff, eps, inverted it: the dense first estimate was 0.76
    off in norm, of 2.6; the sparse one, by LSQR, was right).  The first estimate is NumPy's
    minimum-norm least squares (cutoff max(n, p) eps), on dense and sparse X alike."""
    rng = np.random.default_rng(0)
    n_samples, n_features = 30, 60
    left = np.linalg.qr(rng.standard_normal((n_samples, n_samples)))[0]
    left -= left.mean(axis=0)  # centered directions: X - mean(X) keeps the spectrum
    right = np.linalg.qr(rng.standard_normal((n_features, n_samples)))[0]
    spectrum = np.geomspace(10.0, 1.0, n_samples)
    spectrum[-1] = 20 * np.finfo(np.float64).eps * spectrum[0]
    X_dense = (left * spectrum) @ right.T + rng.uniform(-2, 2, n_features)
    y = rng.standard_normal(n_samples)
    centered = X_dense - X_dense.mean(axis=0)
    expected = np.linalg.lstsq(centered, y - y.mean(), rcond=None)[0]
    model = AdaptiveLasso(alpha=0.01, init="ols").fit(as_format(X_dense, fmt, np.float64), y)
    np.testing.assert_allclose(model.init_coef_, expected, rtol=0, atol=1e-9 * np.abs(
        expected).max())


def test_adaptive_default_ridge_init_is_chosen_by_leave_one_out():
    X, y, _ = make_regression_data(60, 30)
    model = AdaptiveLasso(alpha=0.02).fit(X, y)
    ridge = fastreg.Ridge(alpha=model.init_alpha_).fit(X, y)
    np.testing.assert_allclose(model.init_coef_, ridge.coef_, rtol=1e-8)
    # Scaling X scales the grid: the same point of it is chosen.
    scaled = AdaptiveLasso(alpha=0.02).fit(3.0 * X, y)
    assert scaled.init_alpha_ == pytest.approx(9.0 * model.init_alpha_, rel=1e-10)


def test_adaptive_cv_is_lasso_cv_with_the_factors():
    X, y, sw = make_regression_data(60, 30)
    folds = list(KFold(4, shuffle=True, random_state=1).split(X))
    model = AdaptiveLassoCV(init_alpha=5.0, cv=folds, alphas=20).fit(X, y, sw)
    factors = 1.0 / np.abs(fastreg.Ridge(alpha=5.0).fit(X, y, sample_weight=sw).coef_)
    reference = fastreg.LassoCV(cv=folds, alphas=20, penalty_factor=factors).fit(X, y, sw)
    assert model.alpha_ == reference.alpha_
    np.testing.assert_allclose(model.mse_path_, reference.mse_path_, rtol=1e-12)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ recovery on correlated X


@pytest.fixture(scope="module")
def correlated():
    """The stability-selection test's problem (tests/test_selection.py): Toeplitz rho=0.6,
    200 x 300, 6 isolated informative features, SNR 5."""
    X, y, coef = make_correlated_regression(200, 300, n_informative=6, group_size=1, rho=0.6,
                                            snr=5, random_state=0)
    return X, y, coef != 0


def test_two_stage_estimators_drop_the_lasso_cv_false_positives(correlated):
    X, y, truth = correlated
    lasso = fastreg.LassoCV(cv=5).fit(X, y)
    assert (lasso.coef_ != 0)[truth].all()
    assert np.count_nonzero(lasso.coef_[~truth]) >= 10

    adaptive_cv = AdaptiveLassoCV(cv=5).fit(X, y)
    np.testing.assert_array_equal(adaptive_cv.coef_ != 0, truth)
    adaptive = AdaptiveLasso(alpha=adaptive_cv.alpha_).fit(X, y)
    np.testing.assert_array_equal(adaptive.coef_ != 0, truth)

    relaxed = RelaxedLassoCV(cv=5).fit(X, y)
    assert (relaxed.coef_ != 0)[truth].all()
    assert np.count_nonzero(relaxed.coef_[~truth]) <= 1
    assert relaxed.alpha_ > lasso.alpha_  # the refit lets a larger alpha predict well


# ------------------------------------------------------------------ input handling and errors


def test_caller_arrays_are_not_modified():
    X, y, sw = make_regression_data(50, 20)
    for X_given in (np.ascontiguousarray(X), sp.csr_matrix(X)):
        copies = [X_given.copy(), y.copy(), sw.copy()]
        for model in (RelaxedLasso(alpha=0.05), RelaxedLassoCV(alphas=5, cv=3),
                      AdaptiveLasso(alpha=0.05), AdaptiveLassoCV(alphas=5, cv=3)):
            model.fit(X_given, y, sample_weight=sw)
            before = copies[0].toarray() if sp.issparse(X_given) else copies[0]
            now = X_given.toarray() if sp.issparse(X_given) else X_given
            np.testing.assert_array_equal(now, before)
            np.testing.assert_array_equal(y, copies[1])
            np.testing.assert_array_equal(sw, copies[2])


@pytest.mark.parametrize("estimator", [RelaxedLasso(alpha=0.05), AdaptiveLasso(alpha=0.05),
                                       RelaxedLassoCV(alphas=5, cv=3),
                                       AdaptiveLassoCV(alphas=5, cv=3)],
                         ids=lambda e: type(e).__name__)
def test_float32_stays_float32_and_sparse_matches_dense(estimator):
    X, y, sw = make_regression_data(60, 20)
    dense = estimator.fit(X, y, sw).coef_.copy()
    sparse = estimator.fit(sp.csr_matrix(X), y, sw).coef_
    np.testing.assert_allclose(sparse, dense, rtol=1e-5, atol=1e-6 * np.abs(dense).max())
    assert estimator.fit(X.astype(np.float32), y, sw).coef_.dtype == np.float32


BAD_PARAMETERS = [
    (RelaxedLasso, "gamma", 1.5, "gamma"),
    (RelaxedLasso, "gamma", -0.1, "gamma"),
    (RelaxedLasso, "gamma", "half", "gamma"),
    (RelaxedLasso, "alpha", -1.0, "alpha"),
    (RelaxedLasso, "tol", -1.0, "tol"),
    (RelaxedLasso, "max_iter", 0, "max_iter"),
    (RelaxedLasso, "precompute", "yes", "precompute"),
    (RelaxedLasso, "positive", "no", "positive"),
    (RelaxedLasso, "penalty_factor", np.ones(3), "penalty_factor"),
    (RelaxedLassoCV, "gammas", (0.0, 2.0), r"gammas\[1\]"),
    (RelaxedLassoCV, "gammas", (), "gammas"),
    (RelaxedLassoCV, "gammas", 0.5, "gammas"),
    (RelaxedLassoCV, "eps", 0.0, "eps"),
    (RelaxedLassoCV, "alphas", 0, "alphas"),
    (RelaxedLassoCV, "cv", 1, "cv"),
    (RelaxedLassoCV, "n_jobs", 0, "n_jobs"),
    (AdaptiveLasso, "nu", 0.0, "nu"),
    (AdaptiveLasso, "nu", -1.0, "nu"),
    (AdaptiveLasso, "init", "elastic", "init"),
    (AdaptiveLasso, "init_alpha", -1.0, "init_alpha"),
    (AdaptiveLasso, "init_alpha", 0.0, "init_alpha"),
    (AdaptiveLasso, "n_reweightings", 0, "n_reweightings"),
    (AdaptiveLasso, "n_reweightings", 1.5, "n_reweightings"),
    (AdaptiveLasso, "alpha", -0.5, "alpha"),
    (AdaptiveLassoCV, "nu", float("inf"), "nu"),
    (AdaptiveLassoCV, "rule", "2se", "rule"),
    (AdaptiveLassoCV, "eps", -1.0, "eps"),
    (AdaptiveLassoCV, "cv", 1, "cv"),
]


@pytest.mark.parametrize("cls, name, value, named", BAD_PARAMETERS,
                         ids=[f"{c.__name__}-{n}-{v!r}" for c, n, v, _ in BAD_PARAMETERS])
def test_bad_parameter_is_rejected_naming_it(cls, name, value, named):
    X, y, _ = make_regression_data(30, 8)
    fitted = cls().set_params(**({"alphas": 5} if "CV" in cls.__name__ else {}))
    fitted.fit(X, y)
    coef = fitted.coef_.copy()
    with pytest.raises((ValueError, TypeError), match=named):
        fitted.set_params(**{name: value}).fit(X, y)
    np.testing.assert_array_equal(fitted.coef_, coef)  # the earlier fit is kept


@pytest.mark.parametrize("cls", [RelaxedLasso, RelaxedLassoCV, AdaptiveLasso,
                                 AdaptiveLassoCV])
def test_bad_data_is_rejected_naming_the_argument(cls):
    X, y, sw = make_regression_data(30, 8)
    with pytest.raises(ValueError, match="sample_weight"):
        cls().fit(X, y, sample_weight=-sw)
    with pytest.raises(ValueError, match="X"):
        cls().fit(np.where(X == X[0, 0], np.nan, X), y)
    with pytest.raises(ValueError, match="y"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="single target"):
        cls().fit(X, np.column_stack([y, y]))
