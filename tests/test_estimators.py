"""Lasso, ElasticNet and Ridge: scikit-learn's API checks, parity and input errors."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LinearRegression
from sklearn.linear_model import MultiTaskElasticNet as SkMultiTaskElasticNet
from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso
from sklearn.linear_model import Ridge as SkRidge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import fastreg

from .conftest import as_format, make_regression_data, rtol_for

RIDGE_EXPECTED_FAILURES = {
    "check_non_transformer_estimators_n_iter":
        "direct solvers run no iterations: n_iter_ is None, as in scikit-learn's Ridge",
}


def expected_failures(estimator):
    return RIDGE_EXPECTED_FAILURES if isinstance(estimator, fastreg.Ridge) else {}


@parametrize_with_checks([fastreg.Lasso(), fastreg.ElasticNet(), fastreg.Ridge(),
                          fastreg.MultiTaskLasso(), fastreg.MultiTaskElasticNet()],
                         expected_failed_checks=expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_and_enet_match_sklearn(fmt, dtype, weighted, fit_intercept):
    X_dense, y, sw = make_regression_data()
    sw = sw if weighted else None
    X = as_format(X_dense, fmt, dtype)
    X64 = X_dense.astype(dtype).astype(np.float64)
    for ours, theirs in [
        (fastreg.Lasso(alpha=0.05), SkLasso(alpha=0.05)),
        (fastreg.ElasticNet(alpha=0.05, l1_ratio=0.3), SkElasticNet(alpha=0.05, l1_ratio=0.3)),
    ]:
        for model in (ours, theirs):
            model.set_params(tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            theirs.fit(X64, y.astype(dtype), sample_weight=sw)
        ours.fit(X, y.astype(dtype), sample_weight=sw)
        assert ours.coef_.dtype == dtype
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0,
                                   atol=rtol_for(dtype) * np.abs(theirs.coef_).max())
        assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-5, abs=1e-6)
        assert ours.n_iter_ >= 1
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X64), rtol=1e-4)


def test_multi_target_fits_each_column():
    X, y, _ = make_regression_data()
    Y = np.column_stack([y, -2 * y + 1])
    model = fastreg.ElasticNet(alpha=0.1, tol=1e-10).fit(X, Y)
    assert model.coef_.shape == (2, X.shape[1]) and model.intercept_.shape == (2,)
    for k in range(2):
        single = fastreg.ElasticNet(alpha=0.1, tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(model.coef_[k], single.coef_)
    assert model.predict(X).shape == (X.shape[0], 2)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "eigen", "cg"])
def test_ridge_matches_sklearn(fmt, solver):
    X_dense, y, sw = make_regression_data()
    if fmt == "csc" and solver in ("cholesky", "eigen"):
        pytest.skip("direct solvers are for dense X")
    X = as_format(X_dense, fmt, np.float64)
    ours = fastreg.Ridge(alpha=2.0, solver=solver, tol=1e-12).fit(X, y, sample_weight=sw)
    theirs = SkRidge(alpha=2.0, solver="cholesky" if fmt == "dense" else "sparse_cg",
                     tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6, atol=1e-10)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6)


def test_positive_ridge_is_solved_by_coordinate_descent():
    X, y, sw = make_regression_data()
    ours = fastreg.Ridge(alpha=3.0, positive=True, tol=1e-12, max_iter=100_000).fit(
        X, y, sample_weight=sw)
    theirs = SkRidge(alpha=3.0, positive=True, tol=1e-12).fit(X, y, sample_weight=sw)
    assert ours.solver_ == "cd" and (ours.coef_ >= 0).all()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)


def _noiseless_problem(fmt, weighted, seed=42):
    """scikit-learn's consistency tests' problem (300 x 100, effective rank 10, 50 informative
    features, no noise) with an intercept; in CSC half of X's values are zeroed and y is
    recomputed, so that the sparse kernels see a really sparse X."""
    from sklearn.datasets import make_regression

    rng = np.random.RandomState(seed)
    X, y, coef = make_regression(n_samples=300, n_features=100, effective_rank=10,
                                 n_informative=50, bias=3.0, coef=True, random_state=rng)
    sw = rng.uniform(low=0.01, high=10, size=300) if weighted else None
    if fmt == "csc":
        X[rng.random_sample(X.shape) < 0.5] = 0.0
        y = X @ coef + 3.0
    return X, as_format(X, fmt, np.float64), y, sw


@pytest.mark.parametrize("model", [fastreg.Lasso, fastreg.ElasticNet])
def test_alpha_zero_warns_as_scikit_learn_does(model):
    # Users' code filters or matches scikit-learn's wording; a fit with a penalty does not warn.
    X, y = [[-1.0], [0.0], [1.0]], [-1.0, 0.0, 1.0]
    with pytest.warns(UserWarning, match="With alpha=0, this algorithm does not converge "
                      "well. You are advised to use the LinearRegression estimator") as seen:
        fitted = model(alpha=0).fit(X, y)
    assert seen[0].filename == __file__  # attributed to the caller's line
    assert fitted.coef_ == pytest.approx([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(alpha=1e-3).fit(X, y)


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_tiny_tol_reaches_least_squares(fmt, weighted, precompute):
    """alpha=0 at tol=1e-15 is least squares to float64's precision (scikit-learn's
    test_enet_ols_consistency): below SETTLE_BELOW_TOL the fit also waits for its coordinate
    steps to settle, where the gap alone stopped it at a squared error of 1e-13."""
    X_dense, X, y, sw = _noiseless_problem(fmt, weighted)
    ols = LinearRegression().fit(X_dense, y, sample_weight=sw)
    with pytest.warns(UserWarning, match="use the LinearRegression estimator"):
        ours = fastreg.ElasticNet(alpha=0, precompute=precompute, tol=1e-15).fit(
            X, y, sample_weight=sw)
    s = np.ones(300) if sw is None else sw
    assert np.sum(s * (y - ours.predict(X)) ** 2) <= 1e-19
    np.testing.assert_allclose(ours.coef_, ols.coef_, rtol=0, atol=1e-11)
    assert ours.intercept_ == pytest.approx(ols.intercept_, rel=0, abs=1e-11)
    assert 0.0 <= ours.dual_gap_ and ours.n_iter_ < 1000  # settled, not out of epochs


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ridge_alpha", [1e-6, 1e-1, 1.0, 1e6])
def test_tiny_tol_l2_only_enet_equals_ridge(fmt, weighted, precompute, ridge_alpha):
    """l1_ratio=0 at tol 1e-11 (1e-16 for a nearly singular problem) equals Ridge's SVD
    solution to scikit-learn's test_enet_ridge_consistency tolerances; at tol=1e-11 the
    gap alone left coefficients off by 1e-5 relative."""
    X_dense, X, y, sw = _noiseless_problem(fmt, weighted)
    ridge = SkRidge(alpha=ridge_alpha, solver="svd").fit(X_dense, y, sample_weight=sw)
    total = 300.0 if sw is None else sw.sum()
    tol = 1e-11 if ridge_alpha >= 1e-2 else 1e-16
    ours = fastreg.ElasticNet(alpha=ridge_alpha / total, l1_ratio=0, precompute=precompute,
                              tol=tol).fit(X, y, sample_weight=sw)
    # Covariance updates round at the size of X^T S y, not of the residual.
    rtol = 1e-5 if precompute else 5e-7
    np.testing.assert_allclose(ours.coef_, ridge.coef_, rtol=rtol, atol=3e-11)
    assert ours.intercept_ == pytest.approx(ridge.intercept_, rel=0, abs=3e-11)
    assert 0.0 <= ours.dual_gap_ and ours.n_iter_ < 1000


def test_tiny_tol_out_of_epochs_still_warns_with_the_gap():
    """The step condition only delays convergence: a fit out of epochs above its gap
    tolerance warns as before, with finite coefficients; one out of epochs within it (its
    steps unsettled) is converged."""
    X_dense, X, y, sw = _noiseless_problem("dense", True)
    model = fastreg.ElasticNet(alpha=0, tol=1e-15, max_iter=5)
    with (pytest.warns(ConvergenceWarning, match="duality gap"),
          pytest.warns(UserWarning, match="LinearRegression")):
        model.fit(X, y, sample_weight=sw)
    assert np.isfinite(model.coef_).all() and model.n_iter_ == 5
    # A gap tolerance met long before the steps settle (tol=1e-12) but not the step one.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = fastreg.ElasticNet(alpha=1.0 / sw.sum(), l1_ratio=0, tol=1e-12,
                                   max_iter=12).fit(X, y, sample_weight=sw)
    assert model.n_iter_ == 12 and 0.0 <= model.dual_gap_


def test_warm_start_reuses_coef():
    X, y, _ = make_regression_data()
    model = fastreg.Lasso(alpha=0.05, tol=1e-10, max_iter=100_000, warm_start=True)
    first = model.fit(X, y).n_iter_
    second = model.fit(X, y).n_iter_
    assert first > 5 and second <= 2


def test_sparse_coef_matches_coef():
    X, y, _ = make_regression_data()
    model = fastreg.Lasso(alpha=0.1).fit(X, y)
    assert sp.issparse(model.sparse_coef_)
    np.testing.assert_array_equal(model.sparse_coef_.toarray().ravel(), model.coef_)


def test_penalty_factor_is_a_keyword_parameter():
    X, y, _ = make_regression_data()
    factors = np.ones(X.shape[1])
    factors[10] = 0.0
    model = fastreg.Lasso(alpha=100.0, penalty_factor=factors).fit(X, y)
    assert np.flatnonzero(model.coef_).tolist() == [10]
    assert "penalty_factor" in model.get_params()


def test_works_in_pipeline_search_selection_and_pickle():
    X, y, _ = make_regression_data(80, 30)
    pipe = make_pipeline(StandardScaler(), fastreg.Lasso())
    search = GridSearchCV(pipe, {"lasso__alpha": [0.01, 0.1, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_["lasso__alpha"] in (0.01, 0.1, 1.0)
    selector = SelectFromModel(fastreg.Lasso(alpha=0.2)).fit(X, y)
    assert 0 < selector.get_support().sum() < X.shape[1]
    model = fastreg.ElasticNet(alpha=0.1).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.coef_, model.coef_)
    assert clone(model).get_params() == model.get_params()


BAD_PARAMS = [
    ({"alpha": -1.0}, ValueError, "alpha"),
    ({"alpha": "big"}, TypeError, "alpha"),
    ({"l1_ratio": 1.5}, ValueError, "l1_ratio"),
    ({"tol": -1e-3}, ValueError, "tol"),
    ({"max_iter": 0}, ValueError, "max_iter"),
    ({"max_iter": 2.5}, TypeError, "max_iter"),
    ({"selection": "best"}, ValueError, "selection"),
    ({"precompute": "yes"}, ValueError, "precompute"),
    ({"penalty_factor": -np.ones(60)}, ValueError, "penalty_factor"),
    ({"penalty_factor": np.ones(3)}, ValueError, "penalty_factor"),
]


@pytest.mark.parametrize(("params", "error", "match"), BAD_PARAMS)
def test_bad_parameters_name_the_argument(params, error, match):
    X, y, _ = make_regression_data()
    with pytest.raises(error, match=match):
        fastreg.ElasticNet(**params).fit(X, y)


def _bad_data_cases():
    X, y, sw = make_regression_data()
    X_nan = X.copy()
    X_nan[3, 4] = np.nan
    X_inf_sparse = sp.csc_matrix(X)
    X_inf_sparse.data[0] = np.inf
    y_nan = y.copy()
    y_nan[0] = np.nan
    sw_neg = sw.copy()
    sw_neg[2] = -1.0
    sw_nan = sw.copy()
    sw_nan[2] = np.nan
    return [
        ("nan-X", X_nan, y, None, ValueError, "X contains NaN"),
        ("inf-sparse-X", X_inf_sparse, y, None, ValueError, "X contains NaN or infinity"),
        ("nan-y", X, y_nan, None, ValueError, "y contains NaN"),
        ("nan-weight", X, y, sw_nan, ValueError, "sample_weight contains NaN"),
        ("negative-weight", X, y, sw_neg, ValueError, "sample_weight must be non-negative"),
        ("short-y", X, y[:-1], None, ValueError, "y has 39 samples but X has 40"),
        ("short-weight", X, y, sw[:-1], ValueError, "sample_weight must have shape"),
        ("3d-X", X[:, :, None], y, None, ValueError, "X must be a 2-dimensional"),
        ("1d-X", X[:, 0], y, None, ValueError, "X must be a 2-dimensional"),
        ("no-samples", X[:0], y[:0], None, ValueError, "0 sample"),
        ("no-features", X[:, :0], y, None, ValueError, "0 feature"),
        ("strings-X", np.full(X.shape, "a"), y, None, TypeError, "X must contain numbers"),
        ("strings-y", X, np.full(len(y), "a"), None, TypeError, "y must contain numbers"),
        ("complex-X", X + 1j, y, None, ValueError, "Complex data not supported in X"),
    ]


@pytest.mark.parametrize("estimator", [fastreg.Lasso(), fastreg.ElasticNet(), fastreg.Ridge()],
                         ids=["Lasso", "ElasticNet", "Ridge"])
@pytest.mark.parametrize("case", _bad_data_cases(), ids=lambda case: case[0])
def test_bad_data_is_rejected_with_a_clear_message(estimator, case):
    _, X, y, sw, error, match = case
    with pytest.raises(error, match=match):
        estimator.fit(X, y, sample_weight=sw)


def test_bad_data_reaches_solve_and_paths_too():
    X, y, _ = make_regression_data()
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    for call in (lambda: fastreg.solve(X_nan, y, 0.1),
                 lambda: fastreg.lasso_path(X_nan, y),
                 lambda: fastreg.enet_path(X_nan, y)):
        with pytest.raises(ValueError, match="X contains NaN"):
            call()
    with pytest.raises(ValueError, match="coef_init must have shape"):
        fastreg.solve(X, y, 0.1, coef_init=np.zeros(3))


def test_failed_fit_leaves_a_fitted_estimator_unchanged():
    X, y, _ = make_regression_data()
    model = fastreg.Lasso(alpha=0.1, warm_start=True).fit(X, y)
    coef = model.coef_.copy()
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError):
        model.fit(X_nan, y)
    np.testing.assert_array_equal(model.coef_, coef)


def test_fit_does_not_modify_inputs(fmt):
    X_dense, y, sw = make_regression_data()
    X = as_format(X_dense, fmt, np.float32)
    copies = (X.copy(), y.copy(), sw.copy())
    for model in (fastreg.Lasso(alpha=0.1), fastreg.ElasticNet(alpha=0.1), fastreg.Ridge()):
        model.fit(X, y, sample_weight=sw)
    assert abs(X - copies[0]).max() == 0
    np.testing.assert_array_equal(y, copies[1])
    np.testing.assert_array_equal(sw, copies[2])


def test_ridge_warns_when_conjugate_gradients_stop_early():
    X, y, _ = make_regression_data(60, 40)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        fastreg.Ridge(alpha=1e-3, solver="cg", tol=1e-12, max_iter=1).fit(sp.csc_matrix(X), y)


# --- precompute as a Gram matrix (scikit-learn's convention) ----------------------------------

def _gram_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 8))
    y = X @ rng.normal(size=8) + rng.normal(size=60)
    weights = rng.lognormal(size=60)
    return X, y, weights


def _sklearn_gram(X, weights, center):
    """scikit-learn's Gram: X^T D X of X (centered by the weighted means if ``center``), D
    the weights rescaled to sum to n."""
    scaled = weights * (X.shape[0] / weights.sum())
    if center:
        X = X - np.average(X, axis=0, weights=scaled)
    return X, (X * scaled[:, np.newaxis]).T @ X


@pytest.mark.parametrize("model", [fastreg.ElasticNet, fastreg.Lasso])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_a_given_gram_matrix_gives_the_fit_of_the_computed_one(model, fit_intercept, sparse):
    X, y, weights = _gram_problem()
    X_used, gram = _sklearn_gram(X, weights, center=fit_intercept)
    X_fit = sp.csc_matrix(X_used) if sparse else X_used
    given = model(alpha=0.01, precompute=gram, fit_intercept=fit_intercept,
                  tol=1e-12).fit(X_fit, y, sample_weight=weights)
    computed = model(alpha=0.01, precompute=False, fit_intercept=fit_intercept,
                     tol=1e-12).fit(X_used, y, sample_weight=weights)
    np.testing.assert_allclose(given.coef_, computed.coef_, rtol=1e-8, atol=1e-10)
    assert given.intercept_ == pytest.approx(computed.intercept_, rel=1e-8, abs=1e-10)


def test_the_given_gram_matrix_is_the_one_solved_on():
    """Entries away from the checked one change the solution: the matrix is read, not
    recomputed (the gap of the solution under the given Gram is what the fit certifies)."""
    X, y, weights = _gram_problem(1)
    _, gram = _sklearn_gram(X, np.ones(X.shape[0]), center=False)
    altered = gram.copy()
    altered[0, 0] *= 3.0  # (p // 2, p // 2 + 1) = (4, 5) is the element checked
    true = fastreg.Lasso(alpha=0.05, fit_intercept=False, precompute=gram).fit(X, y)
    moved = fastreg.Lasso(alpha=0.05, fit_intercept=False, precompute=altered).fit(X, y)
    assert np.abs(true.coef_ - moved.coef_).max() > 1e-3


def test_a_wrong_gram_matrix_is_an_error():
    X, y, _ = _gram_problem()
    X_c = X - X.mean(axis=0)
    garbage = np.random.default_rng(3).normal(size=X.shape)
    with pytest.raises(ValueError, match="Gram matrix.*did not pass validation"):
        fastreg.ElasticNet(precompute=garbage.T @ garbage).fit(X_c, y)
    for bad, match in [(np.eye(7), r"shape \(8, 8\)"), (np.full((8, 8), np.nan), "NaN"),
                       ([["a"] * 8] * 8, "precompute")]:
        with pytest.raises((ValueError, TypeError), match=match):
            fastreg.Lasso(precompute=bad).fit(X_c, y)


def test_a_gram_matrix_of_uncentered_x_is_recomputed_with_a_warning():
    X, y, _ = _gram_problem()
    with pytest.warns(UserWarning, match="Gram matrix was provided but X was centered to fit "
                      "intercept: recomputing Gram matrix."):
        given = fastreg.ElasticNet(alpha=0.01, precompute=X.T @ X, tol=1e-12).fit(X, y)
    computed = fastreg.ElasticNet(alpha=0.01, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(given.coef_, computed.coef_, rtol=1e-9, atol=1e-12)


# --- MultiTaskLasso and MultiTaskElasticNet ----------------------------------------------------


def make_multitask_data(n_samples=40, n_features=60, n_tasks=4, seed=0):
    X, _, sample_weight = make_regression_data(n_samples, n_features, seed=seed)
    rng = np.random.default_rng(seed + 1)
    W = np.zeros((n_tasks, n_features))
    W[:, :5] = rng.normal(size=(n_tasks, 5)) * 2
    Y = X @ W.T - 1.0 + 0.3 * rng.normal(size=(n_samples, n_tasks))
    return X, Y, sample_weight


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_multitask_models_match_sklearn(fmt, dtype, weighted, fit_intercept):
    X_dense, Y, sw = make_multitask_data()
    sw = sw if weighted else None
    X = as_format(X_dense, fmt, dtype)
    X64 = X_dense.astype(dtype).astype(np.float64)
    for ours, theirs in [
        (fastreg.MultiTaskLasso(alpha=0.1), SkMultiTaskLasso(alpha=0.1)),
        (fastreg.MultiTaskElasticNet(alpha=0.2, l1_ratio=0.3),
         SkMultiTaskElasticNet(alpha=0.2, l1_ratio=0.3)),
    ]:
        ours.set_params(tol=1e-10, fit_intercept=fit_intercept).fit(X, Y, sample_weight=sw)
        theirs.set_params(tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept)
        theirs.fit(X64, Y, sample_weight=sw)
        assert ours.coef_.shape == (4, 60) and ours.intercept_.shape == (4,)
        assert ours.coef_.dtype == dtype and ours.intercept_.dtype == dtype
        scale = np.abs(theirs.coef_).max()
        np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=rtol_for(dtype) * scale)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_,
                                   atol=rtol_for(dtype) * scale)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X64),
                                   rtol=10 * rtol_for(dtype), atol=10 * rtol_for(dtype) * scale)
        assert ours.dual_gap_ <= ours.eps_ and ours.n_iter_ > 0
        # Row sparsity: a feature is in the model for every task or for none.
        support = ours.coef_ != 0
        assert (support.all(axis=0) | ~support.any(axis=0)).all()


@pytest.mark.parametrize("weighted", [False, True])
def test_multitask_penalty_factor_is_a_column_rescaling(fmt, weighted):
    # With factors f_j > 0, penalizing f_j ||W[:, j]|| on X is the multi-task Lasso on the
    # columns X[:, j] / f_j, whose coefficients are f_j W[:, j]: scikit-learn solves that one.
    X_dense, Y, sw = make_multitask_data()
    sw = sw if weighted else None
    factors = np.random.default_rng(3).uniform(0.3, 3.0, size=X_dense.shape[1])
    ours = fastreg.MultiTaskLasso(alpha=0.1, tol=1e-10, penalty_factor=factors).fit(
        as_format(X_dense, fmt, np.float64), Y, sample_weight=sw)
    theirs = SkMultiTaskLasso(alpha=0.1, tol=1e-12, max_iter=100_000).fit(
        X_dense / factors, Y, sample_weight=sw)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_ * factors, theirs.coef_, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6 * scale)
    unweighted = fastreg.MultiTaskLasso(alpha=0.1, tol=1e-10).fit(X_dense, Y, sample_weight=sw)
    assert not np.allclose(ours.coef_, unweighted.coef_, atol=1e-3)  # the factors mattered


def test_multitask_penalty_factor_zero_keeps_a_feature_in_cv():
    X, Y, _ = make_multitask_data()
    factors = np.ones(X.shape[1])
    factors[40] = 0.0  # a pure-noise feature, unpenalized
    for model in (fastreg.MultiTaskLassoCV(cv=3, alphas=8, penalty_factor=factors),
                  fastreg.MultiTaskElasticNetCV(cv=3, alphas=8, penalty_factor=factors),
                  fastreg.MultiTaskElasticNet(alpha=10.0, penalty_factor=factors)):
        model.fit(X, Y)
        kept = np.flatnonzero(np.abs(model.coef_).sum(axis=0))
        assert 40 in kept, type(model).__name__
    with pytest.raises(ValueError, match="penalty_factor"):
        fastreg.MultiTaskLasso(penalty_factor=np.ones(3)).fit(X, Y)


def test_multitask_model_neither_copies_nor_changes_its_input():
    X_dense, Y, sw = make_multitask_data()
    X = np.asfortranarray(X_dense)
    X_before, Y_before, sw_before = X.copy(), Y.copy(), sw.copy()
    model = fastreg.MultiTaskLasso(alpha=0.1).fit(X, Y, sample_weight=sw)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)
    np.testing.assert_array_equal(sw, sw_before)
    assert model.coef_.flags.c_contiguous


def test_multitask_one_task_is_the_single_target_model():
    X, Y, sw = make_multitask_data()
    multi = fastreg.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.7).fit(X, Y[:, :1],
                                                                    sample_weight=sw)
    single = fastreg.ElasticNet(alpha=0.1, l1_ratio=0.7).fit(X, Y[:, 0], sample_weight=sw)
    np.testing.assert_array_equal(multi.coef_, single.coef_[np.newaxis])
    np.testing.assert_array_equal(multi.intercept_, [single.intercept_])


def test_multitask_ridge_limit_equals_ridge():
    X, Y, _ = make_multitask_data(n_samples=80, n_features=30)
    ridge_alpha = 0.5
    reference = SkRidge(alpha=ridge_alpha, solver="svd").fit(X, Y)
    model = fastreg.MultiTaskElasticNet(alpha=ridge_alpha / 80, l1_ratio=0.0,
                                        tol=1e-12).fit(X, Y)
    # Below SETTLE_BELOW_TOL the fit also waits for settled steps: float64-level agreement.
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-11)


def test_multitask_warm_start_and_random_selection():
    X, Y, _ = make_multitask_data()
    cold = fastreg.MultiTaskLasso(alpha=0.05, tol=1e-10).fit(X, Y)
    model = fastreg.MultiTaskLasso(alpha=0.05, tol=1e-10, warm_start=True).fit(X, Y)
    model.fit(X, Y)  # from the solution: nothing left to do
    assert model.n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, cold.coef_, atol=1e-8)
    shuffled = fastreg.MultiTaskLasso(alpha=0.05, tol=1e-10, selection="random",
                                      random_state=0).fit(X, Y)
    np.testing.assert_allclose(shuffled.coef_, cold.coef_, atol=1e-6)


def test_multitask_bad_input():
    X, Y, _ = make_multitask_data()
    with pytest.raises(ValueError, match="shape \\(n_samples, n_tasks\\).*use Lasso"):
        fastreg.MultiTaskLasso().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="y has 39 samples but X has 40"):
        fastreg.MultiTaskLasso().fit(X, Y[:-1])
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        fastreg.MultiTaskElasticNet(alpha=-1.0).fit(X, Y)
    with pytest.raises(ValueError, match="l1_ratio must be <= 1"):
        fastreg.MultiTaskElasticNet(l1_ratio=2.0).fit(X, Y)
    Y_nan = Y.copy()
    Y_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="y"):
        fastreg.MultiTaskLasso().fit(X, Y_nan)


def test_multitask_non_convergence_warns_with_the_gap():
    X, Y, _ = make_multitask_data()
    with pytest.warns(ConvergenceWarning, match="Objective did not converge.*duality gap"):
        model = fastreg.MultiTaskLasso(alpha=0.001, tol=1e-12, max_iter=2).fit(X, Y)
    assert np.isfinite(model.coef_).all() and model.dual_gap_ > model.eps_
