"""Tall data as a Dask array of row blocks (``fastreg._dask``): fits and cross-validation on a
local ``distributed`` cluster against the same estimators on the NumPy array, one pass over
the blocks for every fold, lazy predictions, and the errors."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import KFold

import fastreg
from fastreg import _dask

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

N_SAMPLES, N_FEATURES, BLOCK = 6000, 30, 1000


@pytest.fixture(scope="module")
def client():
    """Two worker processes: the blocks' moments are computed in other processes, as on a
    real cluster."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cluster's own start-up notices
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _tall_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES)) * rng.uniform(0.2, 5, N_FEATURES)
    X += rng.normal(size=N_FEATURES) * 3  # columns with large means: centering matters
    coef = np.zeros(N_FEATURES)
    coef[:6] = rng.choice([-1, 1], 6) * rng.uniform(0.5, 2, 6)
    y = X @ coef + 4.0 + 3.0 * rng.normal(size=N_SAMPLES)
    weights = rng.uniform(0.2, 3.0, N_SAMPLES)
    return X, y, weights


def _assert_same_model(tall, memory, rtol=1e-7):
    scale = np.abs(memory.coef_).max()
    np.testing.assert_allclose(tall.coef_, memory.coef_, rtol=0, atol=rtol * scale)
    assert tall.intercept_ == pytest.approx(memory.intercept_, abs=rtol * max(scale, 1.0))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("params", [
    {"alpha": 0.05},
    {"alpha": 0.05, "fit_intercept": False},
    {"alpha": 0.02, "l1_ratio": 0.5, "standardize": True},
    {"alpha": 0.2, "l1_ratio": 0.7, "lower_bounds": -0.3, "upper_bounds": 1.0},
], ids=["lasso", "no-intercept", "standardized-enet", "bounded-enet"])
def test_fit_on_the_cluster_equals_the_fit_in_memory(client, params, weighted):
    X, y, weights = _tall_data()
    sample_weight = weights if weighted else None
    tall = fastreg.ElasticNet(**{"l1_ratio": 1.0, **params}, tol=1e-12)
    tall.fit(da.from_array(X, chunks=(BLOCK, N_FEATURES)), y, sample_weight=sample_weight)
    memory = fastreg.ElasticNet(**{"l1_ratio": 1.0, **params}, tol=1e-12)
    memory.fit(X, y, sample_weight=sample_weight)
    _assert_same_model(tall, memory)
    assert 0 < np.count_nonzero(tall.coef_) < N_FEATURES  # a real selection
    assert tall.n_features_in_ == N_FEATURES
    assert tall.dual_gap_ <= 1e-12 * np.sum((y - y.mean()) ** 2)  # converged as asked


def test_dask_weights_and_target_may_be_dask_arrays(client):
    X, y, weights = _tall_data(1)
    chunks = (BLOCK * 2, N_FEATURES)
    tall = fastreg.Lasso(0.05, tol=1e-12).fit(
        da.from_array(X, chunks=chunks), da.from_array(y, chunks=700),
        sample_weight=da.from_array(weights, chunks=1300))
    memory = fastreg.Lasso(0.05, tol=1e-12).fit(X, y, sample_weight=weights)
    _assert_same_model(tall, memory)


@pytest.mark.parametrize("estimator", [
    lambda **kw: fastreg.LassoCV(alphas=15, tol=1e-10, **kw),
    lambda **kw: fastreg.ElasticNetCV(l1_ratio=[0.3, 1.0], alphas=10, tol=1e-10, **kw),
    lambda **kw: fastreg.LassoCV(alphas=10, tol=1e-10, standardize=True, rule="1se", **kw),
], ids=["LassoCV", "ElasticNetCV", "LassoCV-standardized-1se"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cv_on_blocks_equals_kfold_in_memory(client, estimator, weighted):
    """Six blocks, six folds: the block folds are KFold(6)'s, and every number agrees."""
    X, y, weights = _tall_data(2)
    sample_weight = weights if weighted else None
    tall = estimator(cv=6).fit(da.from_array(X, chunks=(BLOCK, N_FEATURES)), y,
                               sample_weight=sample_weight)
    memory = estimator(cv=KFold(6)).fit(X, y, sample_weight=sample_weight)
    assert tall.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)
    np.testing.assert_allclose(tall.alphas_, memory.alphas_, rtol=1e-12)
    np.testing.assert_allclose(tall.mse_path_, memory.mse_path_, rtol=1e-8)
    _assert_same_model(tall, memory, rtol=1e-6)


def test_every_fold_costs_the_same_single_pass(monkeypatch):
    """The moments of each block are computed once for a whole CV fit, whatever the number
    of folds (the local synchronous scheduler, so that the calls can be counted here)."""
    import dask

    calls = []
    original = _dask.block_moments

    def counted(*blocks):
        calls.append(1)
        return original(*blocks)

    monkeypatch.setattr(_dask, "block_moments", counted)
    X, y, _ = _tall_data(3)
    with dask.config.set(scheduler="synchronous"):
        fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=5).fit(
            da.from_array(X, chunks=(BLOCK, N_FEATURES)), y)
    assert len(calls) == N_SAMPLES // BLOCK


def test_cv_folds_run_as_n_jobs_threads_with_the_same_result(monkeypatch):
    import threading

    import dask

    from fastreg import cv

    threads = []
    original = cv._tall_fold_errors

    def recorded(*args):
        threads.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(cv, "_tall_fold_errors", recorded)
    X, y, _ = _tall_data(5)
    X_blocks = da.from_array(X, chunks=(BLOCK, N_FEATURES))
    fits = {}
    with dask.config.set(scheduler="synchronous"):
        for n_jobs in (1, 2):
            threads.clear()
            fits[n_jobs] = fastreg.LassoCV(cv=6, alphas=10, n_jobs=n_jobs, selection="random",
                                           random_state=0).fit(X_blocks, y)
            assert len(threads) == 6  # one job per fold
            assert (threading.get_ident() in threads) == (n_jobs == 1)
    np.testing.assert_array_equal(fits[2].mse_path_, fits[1].mse_path_)
    np.testing.assert_array_equal(fits[2].coef_, fits[1].coef_)


def test_predict_on_a_dask_array_is_lazy_and_right(client):
    X, y, _ = _tall_data(4)
    X_tall = da.from_array(X, chunks=(BLOCK, N_FEATURES))
    model = fastreg.Lasso(0.05).fit(X_tall, y)
    prediction = model.predict(X_tall)
    assert _dask.is_dask_array(prediction)
    np.testing.assert_allclose(prediction.compute(), X @ model.coef_ + model.intercept_,
                               rtol=1e-12)
    assert model.score(X, y) > 0.3  # NumPy input after a Dask fit


def test_float32_blocks_give_float32_coefficients(client):
    X, y, _ = _tall_data(5)
    model = fastreg.Lasso(0.05).fit(da.from_array(X.astype(np.float32),
                                                  chunks=(BLOCK, N_FEATURES)), y)
    assert model.coef_.dtype == np.float32


def test_bad_dask_input_gets_a_clear_error():
    X, y, _ = _tall_data(6)
    X_tall = da.from_array(X, chunks=(BLOCK, N_FEATURES))
    with pytest.raises(ValueError, match="cv"):
        fastreg.LassoCV(cv=KFold(3)).fit(X_tall, y)
    with pytest.raises(ValueError, match="y"):
        fastreg.Lasso(0.1).fit(X_tall, y[:-1])
    with pytest.raises(ValueError, match="y"):
        fastreg.Lasso(0.1).fit(X_tall, np.c_[y, y])
    with pytest.raises(ValueError, match="sample_weight"):
        fastreg.Lasso(0.1).fit(X_tall, y, sample_weight=-np.ones(N_SAMPLES))
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fastreg.Lasso(0.1).fit(da.from_array(X_nan, chunks=(BLOCK, N_FEATURES)), y)
    with pytest.raises(ValueError, match="Dask"):
        fastreg.MultiTaskLassoCV(cv=3).fit(X_tall, np.c_[y, y])
    with pytest.raises(ValueError, match="precompute"):
        fastreg.Lasso(0.1, precompute=X.T @ X).fit(X_tall, y)
    with pytest.raises(ValueError, match="features"):
        fastreg.Lasso(0.1).fit(X_tall, y).predict(X_tall[:, :5])


def test_more_folds_than_blocks_split_the_rows_as_kfold():
    """cv=7 on 6 blocks: the rows are re-blocked into 7 even parts, KFold(7)'s folds."""
    X, y, _ = _tall_data(6)
    tall = fastreg.LassoCV(cv=7, alphas=8).fit(da.from_array(X, chunks=(BLOCK, N_FEATURES)), y)
    memory = fastreg.LassoCV(cv=KFold(7), alphas=8).fit(X, y)
    np.testing.assert_allclose(tall.mse_path_, memory.mse_path_, rtol=1e-8)
    assert tall.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)


def test_a_column_far_from_zero_gives_the_in_memory_fit():
    """Moments about the first row: a column of mean 1e6 and spread 0.7 (raw sums centered
    afterwards were 2e-3 off in the coefficients and 2e3 in the intercept)."""
    X, y, weights = _tall_data(7)
    X[:, 0] = 0.7 * X[:, 0] / X[:, 0].std() + 1e6
    tall = da.from_array(X, chunks=(BLOCK, N_FEATURES))
    for fit_intercept in (True, False):
        model = fastreg.Lasso(0.01, tol=1e-12, fit_intercept=fit_intercept)
        memory = model.fit(X, y, sample_weight=weights)
        coef, intercept = memory.coef_.copy(), memory.intercept_
        model.fit(tall, y, sample_weight=weights)
        np.testing.assert_allclose(model.coef_, coef, rtol=1e-7, atol=1e-9)
        assert model.intercept_ == pytest.approx(intercept, rel=1e-9, abs=1e-9)


def test_dask_edge_cases_are_handled_as_in_memory():
    X, y, _ = _tall_data(8)
    X, y = X[:900], y[:900]
    blocks = da.from_array(X, chunks=(300, N_FEATURES))
    zero = "sample_weight must have a positive sum, but every weight is zero."
    with pytest.raises(ValueError, match=zero):
        fastreg.Lasso(0.1).fit(X, y, sample_weight=np.zeros(900))
    with pytest.raises(ValueError, match=zero):
        fastreg.Lasso(0.1).fit(blocks, y, sample_weight=np.zeros(900))
    # A test fold of zero weights: the same words in memory and on blocks.
    weights = np.r_[np.zeros(300), np.ones(600)]
    fold = "sample_weight is zero on every sample of the test rows of fold 0"
    with pytest.raises(ValueError, match=fold):
        fastreg.LassoCV(cv=3).fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match=fold):
        fastreg.LassoCV(cv=3).fit(blocks, y, sample_weight=weights)
    # Filtering leaves empty blocks: they are dropped, and the folds are those of the rows.
    filtered = da.from_array(X, chunks=((0, 450, 450), (N_FEATURES,)))
    cv = fastreg.LassoCV(cv=3, alphas=8).fit(filtered, y)
    memory = fastreg.LassoCV(cv=KFold(3), alphas=8).fit(X, y)
    np.testing.assert_allclose(cv.mse_path_, memory.mse_path_, rtol=1e-8)
    # A bool X is 0/1, and a big-endian float32 X stays float32, as in memory.
    flags = X > 0
    np.testing.assert_allclose(
        fastreg.Lasso(0.01, tol=1e-12).fit(da.from_array(flags, chunks=(300, N_FEATURES)),
                                           y).coef_,
        fastreg.Lasso(0.01, tol=1e-12).fit(flags, y).coef_, rtol=1e-8, atol=1e-10)
    swapped = X.astype(">f4")
    assert fastreg.Lasso(0.01).fit(swapped, y).coef_.dtype == np.float32
    assert fastreg.Lasso(0.01).fit(da.from_array(swapped, chunks=(300, N_FEATURES)),
                                   y).coef_.dtype == np.float32
