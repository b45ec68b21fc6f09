"""LassoIC and StabilitySelection: criteria and probabilities against oracles, recovery, API."""

import pickle

import numpy as np
import pytest
from scipy.special import comb
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLarsIC
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import fastreg
from fastreg.cv import LassoCV
from fastreg.datasets import make_correlated_regression
from fastreg.selection import LassoIC, StabilitySelection

from .conftest import as_format, make_regression_data

EXPECTED_FAILURES = {
    "LassoIC": {
        "check_sample_weight_equivalence_on_dense_data":
            "the check's data have p > n: at the end of the path the Lasso solution is not "
            "unique and weighted and repeated rows reach different ones; weights are frequency "
            "weights, tested on a well-posed problem in test_lasso_ic_weights_are_frequencies",
        "check_sample_weight_equivalence_on_sparse_data": "as on dense data",
    },
    "StabilitySelection": {
        "check_sample_weight_equivalence_on_dense_data":
            "subsampling rows is not subsampling repeated rows (as for sklearn's Bagging)",
        "check_sample_weight_equivalence_on_sparse_data": "as on dense data",
    },
}


@parametrize_with_checks([LassoIC(), StabilitySelection(n_resampling=5)],
                         expected_failed_checks=lambda e: EXPECTED_FAILURES[type(e).__name__])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------------- LassoIC


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_lasso_ic_matches_lasso_lars_ic(criterion):
    """Same criterion, same model: LARS evaluates it at its knots, fastreg on a fine grid."""
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    theirs = LassoLarsIC(criterion=criterion).fit(X, y)
    ours = LassoIC(criterion=criterion, alphas=200, eps=1e-4, tol=1e-10).fit(X, y)
    assert ours.noise_variance_ == pytest.approx(theirs.noise_variance_, rel=1e-10)
    np.testing.assert_array_equal(np.flatnonzero(ours.coef_), np.flatnonzero(theirs.coef_))
    assert ours.criterion_.min() == pytest.approx(theirs.criterion_.min(), rel=1e-4)


@pytest.mark.parametrize("criterion", ["aic", "bic", "ebic"])
@pytest.mark.parametrize("noise_variance", [None, 0.7])
def test_lasso_ic_criterion_from_the_path(fmt, criterion, noise_variance):
    """The criterion recomputed from fastreg.lasso_path's coefficients."""
    X_dense, y, _ = make_regression_data(40, 60)
    X = as_format(X_dense, fmt, np.float64)
    model = LassoIC(criterion=criterion, noise_variance=noise_variance, alphas=30,
                    eps=1e-2, ebic_gamma=0.5, tol=1e-10).fit(X, y)
    alphas, coefs, _ = fastreg.lasso_path(X, y, alphas=model.alphas_, fit_intercept=True,
                                          tol=1e-10)
    n, p = X.shape
    df = np.count_nonzero(coefs, axis=0)
    fitted = df + 1 < n
    intercepts = y.mean() - X_dense.mean(axis=0) @ coefs
    rss = ((y[:, None] - X_dense @ coefs - intercepts) ** 2).sum(axis=0)
    if noise_variance is None:  # p > n: profiled variance
        expected = n * np.log(2 * np.pi * rss / n) + n
    else:
        expected = n * np.log(2 * np.pi * noise_variance) + rss / noise_variance
    expected = expected + (2.0 if criterion == "aic" else np.log(n)) * df
    if criterion == "ebic":
        expected += 2 * 0.5 * np.log(comb(p, df))
    np.testing.assert_array_equal(model.n_nonzero_[fitted], df[fitted])
    np.testing.assert_allclose(model.criterion_[fitted], expected[fitted], rtol=1e-8)
    assert np.isinf(model.criterion_[~fitted]).all()
    best = int(np.argmin(expected[fitted]))
    assert model.alpha_ == alphas[best]
    np.testing.assert_allclose(model.coef_, coefs[:, best], atol=1e-8)


def test_ebic_is_sparser_than_bic_when_p_exceeds_n():
    X, y, coef = make_correlated_regression(100, 400, n_informative=5, group_size=1, snr=4,
                                            random_state=1)
    bic = LassoIC(criterion="bic").fit(X, y)
    ebic = LassoIC(criterion="ebic").fit(X, y)
    truth = coef != 0
    assert ebic.alpha_ > bic.alpha_
    assert (ebic.coef_ != 0)[truth].all()
    assert np.count_nonzero(ebic.coef_[~truth]) < np.count_nonzero(bic.coef_[~truth])


def test_lasso_ic_weights_are_frequencies(fmt):
    X_dense, y, _ = make_regression_data(40, 10)
    weights = np.random.default_rng(0).integers(0, 4, size=40)
    X = as_format(X_dense, fmt, np.float64)
    X_repeated = as_format(np.repeat(X_dense, weights, axis=0), fmt, np.float64)
    params = dict(criterion="bic", alphas=30, tol=1e-12, max_iter=100_000)
    weighted = LassoIC(**params).fit(X, y, sample_weight=weights)
    repeated = LassoIC(**params).fit(X_repeated, np.repeat(y, weights))
    assert weighted.noise_variance_ == pytest.approx(repeated.noise_variance_, rel=1e-9)
    np.testing.assert_allclose(weighted.criterion_, repeated.criterion_, rtol=1e-9)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-9)


def test_lasso_ic_rejects_bad_input():
    X, y, _ = make_regression_data()
    with pytest.raises(ValueError, match="criterion"):
        LassoIC(criterion="cp").fit(X, y)
    with pytest.raises(ValueError, match="ebic_gamma"):
        LassoIC(ebic_gamma=2.0).fit(X, y)
    with pytest.raises(ValueError, match="noise_variance"):
        LassoIC(noise_variance=0.0).fit(X, y)
    with pytest.raises(ValueError, match="n_samples=1"):
        LassoIC().fit(X[:1], y[:1])


# ---------------------------------------------------------------------- StabilitySelection


def test_stability_selection_recovers_the_support_where_lasso_cv_does_not():
    """Toeplitz-correlated features: the CV-chosen Lasso keeps many false positives; the
    stable set is the true support, with no more false positives than its bound."""
    X, y, coef = make_correlated_regression(200, 300, n_informative=6, group_size=1, rho=0.6,
                                            snr=5, random_state=0)
    truth = coef != 0
    lasso = LassoCV(cv=5).fit(X, y)
    assert (lasso.coef_ != 0)[truth].all()
    assert np.count_nonzero(lasso.coef_[~truth]) >= 10
    selector = StabilitySelection(random_state=0, n_jobs=2).fit(X, y)
    support = selector.get_support()
    false_positives = int(np.count_nonzero(support & ~truth))
    assert selector.pfer_ <= 1.0
    assert false_positives <= selector.pfer_
    np.testing.assert_array_equal(support, truth)


def test_selection_probabilities_are_counts_over_subsample_paths(fmt):
    """The oracle: lasso_path on each subsample's rows, over the same grid."""
    X_dense, y, _ = make_regression_data(40, 30)
    X = as_format(X_dense, fmt, np.float64)
    selector = StabilitySelection(n_resampling=3, alphas=12, random_state=1, pfer=None,
                                  tol=1e-10, max_iter=100_000).fit(X, y)
    subsamples = selector._subsamples(40)
    assert len(subsamples) == 6 and selector.n_subsamples_ == 6
    counts = np.zeros((30, 12))
    unions = np.zeros(12)
    for rows in subsamples:
        _, coefs, _ = fastreg.lasso_path(X[rows], y[rows], alphas=selector.alphas_,
                                         fit_intercept=True, tol=1e-10, max_iter=100_000)
        selected = coefs != 0
        counts += selected
        unions += np.logical_or.accumulate(selected, axis=1).sum(axis=0)
    np.testing.assert_array_equal(selector.selection_probabilities_, counts / 6)
    np.testing.assert_allclose(selector.union_sizes_, unions / 6)
    assert selector.n_region_alphas_ == 12
    np.testing.assert_array_equal(selector.stability_scores_, (counts / 6).max(axis=1))
    assert selector.pfer_ == pytest.approx(selector.q_**2 / (0.2 * 30))


def test_complementary_pairs_are_disjoint_halves():
    selector = StabilitySelection(n_resampling=4, random_state=0)
    subsamples = selector._subsamples(21)
    for first, second in zip(subsamples[::2], subsamples[1::2], strict=True):
        assert first.size == second.size == 10
        assert np.intersect1d(first, second).size == 0
    plain = StabilitySelection(n_resampling=4, complementary_pairs=False, sample_fraction=0.3,
                               random_state=0)._subsamples(20)
    assert len(plain) == 4 and all(rows.size == 6 for rows in plain)


@pytest.mark.parametrize("pfer", [0.5, 2.0])
def test_region_keeps_the_bound(pfer):
    X, y, _ = make_correlated_regression(80, 100, n_informative=5, random_state=2)
    selector = StabilitySelection(n_resampling=5, alphas=20, pfer=pfer, threshold=0.7,
                                  random_state=0).fit(X, y)
    q_max = np.sqrt(pfer * 0.4 * 100)
    k = selector.n_region_alphas_
    assert np.all(np.diff(selector.union_sizes_) >= 0)
    assert 0 < k < 20 and selector.union_sizes_[k - 1] <= q_max < selector.union_sizes_[k]
    assert selector.alpha_min_ == selector.alphas_[k - 1]
    assert selector.pfer_ <= pfer


def test_dense_sparse_and_threads_agree():
    X_dense, y, _ = make_regression_data(40, 30)
    params = dict(n_resampling=4, alphas=10, random_state=3, tol=1e-10, max_iter=100_000)
    dense = StabilitySelection(**params).fit(X_dense, y)
    sparse = StabilitySelection(**params).fit(as_format(X_dense, "csc", np.float64), y)
    threaded = StabilitySelection(n_jobs=2, **params).fit(X_dense, y)
    np.testing.assert_array_equal(dense.selection_probabilities_,
                                  sparse.selection_probabilities_)
    np.testing.assert_array_equal(dense.selection_probabilities_,
                                  threaded.selection_probabilities_)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_subsample_hook_is_called_once_per_subsample_and_changes_nothing(n_jobs):
    """The progress hook of ``fastreg select``: called in the calling thread, once per
    subsample, and the fit is that of ``fit``."""
    import threading

    X, y, _ = make_regression_data(40, 30)
    params = dict(n_resampling=4, alphas=10, random_state=3, n_jobs=n_jobs)
    calls = []
    hooked = StabilitySelection(**params)._fit(
        X, y, on_subsample=lambda: calls.append(threading.current_thread()))
    plain = StabilitySelection(**params).fit(X, y)
    assert calls == [threading.main_thread()] * 8
    np.testing.assert_array_equal(hooked.selection_probabilities_,
                                  plain.selection_probabilities_)
    np.testing.assert_array_equal(hooked.support_, plain.support_)


def test_stability_selection_is_a_pipeline_transformer():
    X, y, coef = make_correlated_regression(120, 60, n_informative=4, group_size=1, snr=5,
                                            random_state=0)
    pipe = make_pipeline(StabilitySelection(n_resampling=10, random_state=0),
                         fastreg.Ridge(alpha=1.0)).fit(X, y)
    selector = pipe[0]
    assert selector.transform(X).shape == (120, selector.get_support().sum())
    chosen = selector.get_support(indices=True)
    assert 3 <= chosen.size and np.isin(chosen, np.flatnonzero(coef)).all()
    assert pipe.score(X, y) > 0.8
    restored = pickle.loads(pickle.dumps(selector))
    np.testing.assert_array_equal(restored.get_support(), selector.get_support())
    assert clone(selector).get_params() == selector.get_params()


@pytest.mark.parametrize(("params", "match"), [
    (dict(threshold=0.5), "threshold"),
    (dict(pfer=0.0), "pfer"),
    (dict(n_resampling=0), "n_resampling"),
    (dict(complementary_pairs=False, sample_fraction=1.5), "sample_fraction"),
    (dict(l1_ratio=2.0), "l1_ratio"),
])
def test_stability_selection_rejects_bad_parameters(params, match):
    X, y, _ = make_regression_data()
    with pytest.raises(ValueError, match=match):
        StabilitySelection(**params).fit(X, y)
    with pytest.raises(ValueError, match="fewer than 2 rows"):
        StabilitySelection().fit(X[:3], y[:3])


# --- LogisticRegressionIC and stability selection of a class label ---------------------------


def _labelled(seed=0, n=200, p=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    coef = np.zeros(p)
    coef[:4] = [2.0, -1.5, 1.5, -2.0]
    y = np.where(rng.random(n) < 1 / (1 + np.exp(-(X @ coef))), 1, 0)
    return X, y, coef


@pytest.mark.parametrize("criterion", ["aic", "bic", "ebic"])
def test_logistic_ic_criterion_is_recomputed_from_single_fits(criterion):
    from scipy.special import gammaln

    X, y, _ = _labelled()
    model = fastreg.LogisticRegressionIC(criterion=criterion, alphas=12, eps=1e-2,
                                         tol=1e-10).fit(X, y)
    n, p = X.shape
    labels = np.where(y == 1, 1.0, -1.0)
    for k, alpha in enumerate(model.alphas_):
        single = fastreg.LogisticRegression(C=1.0 / (alpha * n), tol=1e-10).fit(X, y)
        df = np.count_nonzero(single.coef_)
        deviance = 2 * np.logaddexp(0, -labels * single.decision_function(X)).sum()
        value = deviance + (2.0 if criterion == "aic" else np.log(n)) * df
        if criterion == "ebic":
            value += 2 * (gammaln(p + 1) - gammaln(df + 1) - gammaln(p - df + 1))
        assert model.n_nonzero_[k] == df
        # Deviances of fits within tol=1e-10 of the optimum: 1e-6 absolute is ample.
        assert model.criterion_[k] == pytest.approx(value, abs=1e-6)
    best = int(np.argmin(model.criterion_))
    assert model.alpha_ == model.alphas_[best]
    assert model.C_ == pytest.approx(1.0 / (model.alpha_ * n), rel=1e-12)


def test_logistic_ic_bic_finds_the_true_support():
    X, y, coef = _labelled(n=400)
    model = fastreg.LogisticRegressionIC(criterion="bic").fit(X, y)
    assert set(np.flatnonzero(model.coef_[0])) == set(np.flatnonzero(coef))


def test_stability_selection_of_a_class_label_keeps_the_true_features():
    X, y, coef = _labelled(n=300, p=100)
    selector = fastreg.StabilitySelection(loss="logistic", n_resampling=25,
                                          random_state=0).fit(X, y)
    assert set(selector.get_support(indices=True)) == set(np.flatnonzero(coef))
    with pytest.raises(ValueError, match="loss"):
        fastreg.StabilitySelection(loss="hinge").fit(X, y)


def _rare_class(n=400, positives=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 30))
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, positives, replace=False)] = 1
    X[y == 1, :2] += 2.0
    return X, y


def test_stability_selection_of_a_rare_class_splits_every_class():
    """7 positives in 400: one random half in about 128 has none, which stopped the whole fit
    ("y has a single class") for random_state=1.  Each class is now split between the halves
    of a pair, so every subsample holds both classes; without pairs, each class is drawn at
    the sample fraction, at least one row of it."""
    X, y = _rare_class()
    selector = fastreg.StabilitySelection(loss="logistic", random_state=1).fit(X, y)
    assert selector.n_subsamples_ == 100
    subsamples = selector._subsamples(400, 2 * y - 1)
    for first, second in zip(subsamples[::2], subsamples[1::2], strict=True):
        assert first.size == second.size == 200 and np.intersect1d(first, second).size == 0
        # 3 positives in each, and the odd one out in one of them.
        assert sorted([np.sum(y[first]), np.sum(y[second])]) in ([3, 3], [3, 4])
    plain = fastreg.StabilitySelection(loss="logistic", complementary_pairs=False,
                                       sample_fraction=0.1, n_resampling=20, random_state=0)
    for rows in plain._subsamples(400, 2 * y - 1):
        assert np.sum(y[rows]) == 1 and rows.size == 40
    plain.fit(X, y)
    # Squared loss draws as before: every row is one stratum.
    halves = fastreg.StabilitySelection(n_resampling=3, random_state=0)._subsamples(400)
    order = np.random.RandomState(0).permutation(400)
    np.testing.assert_array_equal(halves[0], np.sort(order[:200]))


def test_stability_selection_says_how_many_samples_a_class_has():
    X, y = _rare_class(positives=1)
    with pytest.raises(ValueError, match=r"y has 1 sample\(s\) of one of its classes.*at "
                                         r"least 2 samples of each class"):
        fastreg.StabilitySelection(loss="logistic", random_state=0).fit(X, y)


@parametrize_with_checks([fastreg.LogisticRegressionIC(alphas=10)])
def test_logistic_ic_is_sklearn_compatible(estimator, check):
    check(estimator)
