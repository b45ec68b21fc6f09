"""LassoCV, ElasticNetCV and RidgeCV: parity with scikit-learn, leave-one-out oracle, API."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from fastreg.cv import (
    ElasticNetCV,
    LassoCV,
    MultiTaskElasticNetCV,
    MultiTaskLassoCV,
    RidgeCV,
)
from fastreg.selection import StabilitySelection

from .conftest import as_format, make_regression_data

TIGHT = dict(tol=1e-12, max_iter=100_000)
FOLDS = KFold(4, shuffle=True, random_state=0)


@parametrize_with_checks([LassoCV(cv=3), ElasticNetCV(cv=3), RidgeCV(), RidgeCV(cv=3),
                          MultiTaskLassoCV(cv=3), MultiTaskElasticNetCV(cv=3)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _assert_same_cv(ours, theirs):
    # The same grid point (the grids agree to rounding: alpha_max is a different sum).
    np.testing.assert_allclose(ours.alphas_, theirs.alphas_, rtol=1e-12)
    assert ours.alpha_ == pytest.approx(theirs.alpha_, rel=1e-12)
    assert ours.mse_path_.shape == theirs.mse_path_.shape
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0,
                               atol=1e-6 * np.abs(theirs.coef_).max())
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_cv_matches_sklearn(fmt, weighted):
    X_dense, y, sw = make_regression_data(60, 40)
    X = as_format(X_dense, fmt, np.float64)
    sw = sw if weighted else None
    ours = LassoCV(cv=FOLDS, alphas=30, **TIGHT).fit(X, y, sample_weight=sw)
    theirs = SkLassoCV(cv=FOLDS, alphas=30, **TIGHT).fit(X, y, sample_weight=sw)
    _assert_same_cv(ours, theirs)
    assert ours.alpha_min_ == ours.alpha_ and ours.alpha_1se_ >= ours.alpha_


def test_elastic_net_cv_matches_sklearn_over_l1_ratios(fmt):
    X_dense, y, sw = make_regression_data(60, 40)
    X = as_format(X_dense, fmt, np.float64)
    ratios = [0.2, 0.7, 1.0]
    ours = ElasticNetCV(l1_ratio=ratios, cv=FOLDS, alphas=20, **TIGHT).fit(X, y)
    theirs = SkElasticNetCV(l1_ratio=ratios, cv=FOLDS, alphas=20, **TIGHT).fit(X, y)
    assert ours.mse_path_.shape == (3, 20, 4) and ours.alphas_.shape == (3, 20)
    assert ours.l1_ratio_ == theirs.l1_ratio_
    _assert_same_cv(ours, theirs)


@pytest.mark.parametrize("params", [dict(positive=True), dict(alphas=[0.3, 0.01, 0.1, 0.03]),
                                    dict(fit_intercept=False), dict(cv=3, eps=1e-2)],
                         ids=["positive", "explicit-alphas", "no-intercept", "int-cv"])
def test_lasso_cv_options_match_sklearn(params):
    X, y, _ = make_regression_data(60, 40)
    params = {"cv": FOLDS, **params}
    ours = LassoCV(**params, **TIGHT).fit(X, -y)
    theirs = SkLassoCV(**params, **TIGHT).fit(X, -y)
    _assert_same_cv(ours, theirs)


def test_threads_give_the_serial_result():
    X, y, _ = make_regression_data(60, 40)
    params = dict(l1_ratio=[0.5, 1.0], cv=FOLDS, alphas=15)
    serial = ElasticNetCV(n_jobs=1, **params).fit(X, y)
    threaded = ElasticNetCV(n_jobs=2, **params).fit(X, y)
    np.testing.assert_array_equal(serial.mse_path_, threaded.mse_path_)
    np.testing.assert_array_equal(serial.coef_, threaded.coef_)


def test_one_standard_error_rule():
    X, y, _ = make_regression_data(80, 60, n_informative=5, seed=3)
    best = LassoCV(cv=5, alphas=40).fit(X, y)
    sparse = LassoCV(cv=5, alphas=40, rule="1se").fit(X, y)
    mean = best.mse_path_.mean(axis=1)
    i = int(np.argmin(mean))
    se = best.mse_path_[i].std(ddof=1) / np.sqrt(5)
    expected = best.alphas_[np.flatnonzero(mean <= mean[i] + se)[0]]
    assert sparse.alpha_ == expected == best.alpha_1se_ and sparse.alpha_min_ == best.alpha_
    assert sparse.alpha_ > best.alpha_
    assert np.count_nonzero(sparse.coef_) < np.count_nonzero(best.coef_)


def test_float32_stays_float32(fmt):
    X_dense, y, _ = make_regression_data(60, 40)
    X32 = as_format(X_dense, fmt, np.float32)
    ours = LassoCV(cv=FOLDS, alphas=20, tol=1e-10).fit(X32, y)
    reference = LassoCV(cv=FOLDS, alphas=20, tol=1e-10).fit(X_dense.astype(np.float32)
                                                            .astype(float), y)
    assert ours.coef_.dtype == np.float32
    assert ours.alpha_ == pytest.approx(reference.alpha_, rel=1e-5)
    np.testing.assert_allclose(ours.mse_path_, reference.mse_path_, rtol=1e-5)


def test_groups_reach_the_splitter():
    X, y, _ = make_regression_data(60, 40)
    groups = np.repeat(np.arange(6), 10)
    model = LassoCV(cv=GroupKFold(3), alphas=10).fit(X, y, groups=groups)
    assert model.mse_path_.shape == (10, 3)


def test_convergence_warning_is_raised_once():
    X, y, _ = make_regression_data(60, 40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LassoCV(cv=3, alphas=10, tol=1e-14, max_iter=2).fit(X, y)
    messages = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len([m for m in messages if "training folds" in m]) == 1


@pytest.mark.parametrize(("params", "match"), [
    (dict(rule="best"), "rule"),
    (dict(alphas=None), "alphas"),
    (dict(alphas=[-1.0]), "alphas"),
    (dict(eps=0.0), "eps"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(l1_ratio=[0.0, 0.5]), "l1_ratio=0"),
    (dict(selection="best"), "selection"),
])
def test_bad_parameters_name_the_argument(params, match):
    X, y, _ = make_regression_data()
    with pytest.raises((ValueError, TypeError), match=match):
        ElasticNetCV(**params).fit(X, y)


def test_multi_target_y_is_rejected():
    X, y, _ = make_regression_data()
    with pytest.raises(ValueError, match="single target"):
        LassoCV().fit(X, np.column_stack([y, y]))


def test_works_with_pipeline_search_selection_clone_and_pickle():
    X, y, _ = make_regression_data(80, 30)
    pipe = make_pipeline(StandardScaler(), LassoCV(cv=3, alphas=10)).fit(X, y)
    assert pipe.score(X, y) > 0.5
    search = GridSearchCV(ElasticNetCV(cv=3, alphas=5), {"l1_ratio": [0.5, 1.0]}, cv=3)
    assert search.fit(X, y).best_params_["l1_ratio"] in (0.5, 1.0)
    selector = SelectFromModel(LassoCV(cv=3, alphas=10)).fit(X, y)
    assert 0 < selector.get_support().sum() < X.shape[1]
    model = LassoCV(cv=3, alphas=10).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert clone(model).get_params() == model.get_params()


# ---------------------------------------------------------------------------------- RidgeCV

RIDGE_ALPHAS = np.logspace(-2, 2, 9)


@pytest.mark.parametrize("shape", [(60, 40), (30, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_matches_sklearn(fmt, shape, fit_intercept, weighted):
    X_dense, y, sw = make_regression_data(*shape)
    X = as_format(X_dense, fmt, np.float64)
    sw = sw if weighted else None
    params = dict(alphas=RIDGE_ALPHAS, fit_intercept=fit_intercept, store_cv_results=True)
    ours = RidgeCV(**params).fit(X, y, sample_weight=sw)
    theirs = SkRidgeCV(**params).fit(X, y, sample_weight=sw)
    assert ours.alpha_ == theirs.alpha_
    assert ours.best_score_ == pytest.approx(theirs.best_score_, rel=1e-9)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(ours.cv_results_, theirs.cv_results_, rtol=1e-7,
                               atol=1e-12 * np.abs(theirs.cv_results_).max())


@pytest.mark.parametrize("shape", [(25, 8), (12, 30)], ids=["tall", "wide"])
def test_ridge_loo_equals_refitting_without_each_sample(fmt, shape):
    """The oracle: n Ridge fits, each without one sample (weighted, with intercept)."""
    X_dense, y, sw = make_regression_data(*shape, seed=4)
    X = as_format(X_dense, fmt, np.float64)
    alphas = np.array([0.3, 3.0])
    model = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    n = shape[0]
    for a, alpha in enumerate(alphas):
        errors = np.empty(n)
        for i in range(n):
            keep = np.arange(n) != i
            Xi, yi, wi = X_dense[keep], y[keep], sw[keep]
            xbar, ybar = wi @ Xi / wi.sum(), wi @ yi / wi.sum()
            Xc = Xi - xbar
            w = np.linalg.solve(Xc.T @ (wi[:, None] * Xc) + alpha * np.eye(shape[1]),
                                Xc.T @ (wi * (yi - ybar)))
            errors[i] = y[i] - (ybar + (X_dense[i] - xbar) @ w)
        np.testing.assert_allclose(model.cv_results_[:, a], sw * errors**2, rtol=1e-8)


@pytest.mark.parametrize("gcv_mode", ["svd", "eigen"])
def test_ridge_cv_multi_target_alpha_per_target_and_scoring(gcv_mode):
    X, y, sw = make_regression_data(50, 20)
    Y = np.column_stack([y, 0.01 * y + np.random.default_rng(0).normal(size=50)])
    for params in (dict(alpha_per_target=True), dict(scoring="r2"),
                   dict(scoring="r2", alpha_per_target=True, store_cv_results=True)):
        ours = RidgeCV(alphas=RIDGE_ALPHAS, gcv_mode=gcv_mode, **params).fit(X, Y, sw)
        theirs = SkRidgeCV(alphas=RIDGE_ALPHAS, gcv_mode=gcv_mode, **params).fit(X, Y, sw)
        np.testing.assert_array_equal(ours.alpha_, theirs.alpha_)
        np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-9)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9)
        if params.get("store_cv_results"):
            np.testing.assert_allclose(ours.cv_results_, theirs.cv_results_, rtol=1e-9)
    assert RidgeCV(alphas=RIDGE_ALPHAS, alpha_per_target=True).fit(X, Y).alpha_.shape == (2,)


def test_ridge_cv_with_folds_matches_sklearn(fmt):
    X_dense, y, _ = make_regression_data(60, 20)
    X = as_format(X_dense, fmt, np.float64)
    ours = RidgeCV(alphas=RIDGE_ALPHAS, cv=FOLDS).fit(X, y)
    theirs = SkRidgeCV(alphas=RIDGE_ALPHAS, cv=FOLDS).fit(X, y)
    assert ours.alpha_ == theirs.alpha_
    assert ours.best_score_ == pytest.approx(theirs.best_score_, rel=1e-6)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-5, atol=1e-8)


def test_ridge_cv_float32_and_sparse_svd():
    X, y, _ = make_regression_data(40, 20)
    ours = RidgeCV(alphas=RIDGE_ALPHAS).fit(X.astype(np.float32), y)
    reference = RidgeCV(alphas=RIDGE_ALPHAS).fit(X.astype(np.float32).astype(float), y)
    assert ours.coef_.dtype == np.float32 and ours.alpha_ == reference.alpha_
    with pytest.raises(ValueError, match="svd"):
        RidgeCV(gcv_mode="svd").fit(sp.csc_matrix(X), y)
    with pytest.raises(ValueError, match="alphas"):
        RidgeCV(alphas=[0.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="incompatible"):
        RidgeCV(cv=3, store_cv_results=True).fit(X, y)


# ------------------------------------------------------------------------------------ Dask

def test_dask_cluster_gives_the_threaded_result():
    """CV and stability selection run unchanged on a local distributed cluster."""
    distributed = pytest.importorskip("distributed")
    joblib = pytest.importorskip("joblib")
    X_dense, y, _ = make_regression_data(60, 40)
    X = sp.csc_matrix(X_dense)
    cv = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=FOLDS, alphas=15, n_jobs=2)
    stability = StabilitySelection(n_resampling=4, alphas=10, random_state=0, n_jobs=2)
    threaded = (clone(cv).fit(X, y), clone(stability).fit(X, y))
    with (distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client,
          distributed.get_task_stream(client) as tasks):
        with joblib.parallel_config(backend="dask"):
            on_dask = (clone(cv).fit(X, y), clone(stability).fit(X, y))
    assert len(tasks.data) >= 2 * 4  # the fold jobs ran on the cluster
    np.testing.assert_array_equal(on_dask[0].mse_path_, threaded[0].mse_path_)
    np.testing.assert_array_equal(on_dask[0].coef_, threaded[0].coef_)
    assert on_dask[0].l1_ratio_ == threaded[0].l1_ratio_
    np.testing.assert_array_equal(on_dask[1].selection_probabilities_,
                                  threaded[1].selection_probabilities_)


# --- MultiTaskLassoCV and MultiTaskElasticNetCV -----------------------------------------------


def _multitask_data(n_samples=60, n_features=40, n_tasks=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    W = np.zeros((n_tasks, n_features))
    W[:, :4] = rng.normal(size=(n_tasks, 4))
    Y = X @ W.T + 0.5 * rng.normal(size=(n_samples, n_tasks)) + 2.0
    return X, Y, rng.uniform(0.3, 3.0, size=n_samples)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_multitask_cv_matches_sklearn(sparse, weighted):
    from sklearn.linear_model import MultiTaskElasticNetCV as SkMultiTaskElasticNetCV
    from sklearn.linear_model import MultiTaskLassoCV as SkMultiTaskLassoCV

    X, Y, sw = _multitask_data()
    sw = sw if weighted else None
    X_fit = sp.csc_matrix(X) if sparse else X
    folds = KFold(4, shuffle=True, random_state=0)
    tight = dict(tol=1e-10, max_iter=100_000, alphas=12, cv=folds)
    for ours, theirs in [
        (MultiTaskLassoCV(**tight), SkMultiTaskLassoCV(**tight)),
        (MultiTaskElasticNetCV(l1_ratio=[0.4, 0.9], **tight),
         SkMultiTaskElasticNetCV(l1_ratio=[0.4, 0.9], **tight)),
    ]:
        ours.fit(X_fit, Y, sample_weight=sw)
        theirs.fit(X, Y, sample_weight=sw)
        np.testing.assert_allclose(ours.alphas_, theirs.alphas_, rtol=1e-12)
        np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-6)
        assert ours.alpha_ == pytest.approx(theirs.alpha_, rel=1e-12)
        assert getattr(ours, "l1_ratio_", 1.0) == getattr(theirs, "l1_ratio_", 1.0)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)
        assert ours.coef_.shape == (3, 40) and ours.intercept_.shape == (3,)


def test_multitask_cv_with_one_task_is_lasso_cv():
    X, Y, _ = _multitask_data()
    multi = MultiTaskLassoCV(cv=3, alphas=10).fit(X, Y[:, :1])
    single = LassoCV(cv=3, alphas=10).fit(X, Y[:, 0])
    assert multi.alpha_ == single.alpha_
    np.testing.assert_array_equal(multi.coef_, single.coef_[np.newaxis])
    np.testing.assert_array_equal(multi.mse_path_, single.mse_path_)


def test_multitask_cv_rejects_one_dimensional_y():
    X, Y, _ = _multitask_data()
    with pytest.raises(ValueError, match="n_tasks.*use LassoCV"):
        MultiTaskLassoCV(cv=3).fit(X, Y[:, 0])
