"""``standardize=True``: the fit on X equals the fit on the standardized columns ``x_j / sd_j``
rescaled to X's units, computed here independently (scikit-learn on an explicitly scaled
copy, a closed-form ridge, SciPy's L-BFGS-B for the logistic loss), on dense and sparse X,
both dtypes, with and without intercept and weights; and what it implies (invariance to the
columns' units, constant columns, bounds and factors on X's scale, CV folds standardized by
their own rows)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SklearnElasticNet
from sklearn.model_selection import KFold

import fastreg
from fastreg._engine.outer import make_problem

from .conftest import as_format, make_classification_data, make_regression_data, rtol_for
from .reference import bounded_reference_fit, logistic_reference_fit

N_FEATURES = 20


def _unequal_columns(X, seed=1):
    """X with columns of very different scales (0.01 to 100), so that standardizing
    changes the fit."""
    scales = np.logspace(-2, 2, X.shape[1])
    np.random.default_rng(seed).shuffle(scales)
    return X * scales


def _sd(X, sample_weight, fit_intercept):
    """The weighted standard deviation of each column (root mean square without an
    intercept), written out directly."""
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    mean = s @ X / s.sum() if fit_intercept else np.zeros(X.shape[1])
    return np.sqrt(s @ (X - mean) ** 2 / s.sum())


def _ridge_closed_form(X, y, alpha, sample_weight, fit_intercept, l2_factors):
    """argmin ``1/(2S) sum_i s_i (y_i - x_i w - b)^2 + alpha/2 sum_j k_j w_j^2``."""
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    S = s.sum()
    x_mean = s @ X / S if fit_intercept else np.zeros(X.shape[1])
    y_mean = s @ y / S if fit_intercept else 0.0
    Xc, yc = X - x_mean, y - y_mean
    gram = Xc.T @ (s[:, None] * Xc) / S + alpha * np.diag(l2_factors)
    coef = np.linalg.solve(gram, Xc.T @ (s * yc) / S)
    return coef, y_mean - x_mean @ coef


def _standardized_reference(X, y, alpha, l1_ratio, sample_weight, fit_intercept):
    """The fit on the columns ``x_j / sd_j``, mapped back to X's units."""
    sd = _sd(X, sample_weight, fit_intercept)
    if l1_ratio == 0.0:
        return _ridge_closed_form(X, y, alpha, sample_weight, fit_intercept, sd**2)
    model = SklearnElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                              tol=1e-14, max_iter=1_000_000)
    model.fit(X / sd, y, sample_weight=sample_weight)
    return model.coef_ / sd, model.intercept_


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_standardized_least_squares_matches_scaled_columns(fmt, dtype, l1_ratio, fit_intercept,
                                                           weighted):
    X, y, sw = make_regression_data(50, N_FEATURES)
    X = _unequal_columns(X)
    sw = sw if weighted else None
    alpha = 0.1
    ref, ref_intercept = _standardized_reference(X, y, alpha, l1_ratio, sw, fit_intercept)
    result = fastreg.solve(as_format(X, fmt, dtype), y, alpha, l1_ratio, sample_weight=sw,
                           fit_intercept=fit_intercept, standardize=True, tol=1e-12)
    assert result.converged
    assert result.coef.dtype == dtype
    # The columns' scales span 1e4: compare each coefficient in units of its column.
    sd = _sd(X, sw, fit_intercept)
    scale = np.abs(ref * sd).max()
    np.testing.assert_allclose(result.coef * sd, ref * sd, rtol=0,
                               atol=rtol_for(dtype) * scale)
    assert result.intercept == pytest.approx(ref_intercept, abs=rtol_for(dtype) * scale)
    if l1_ratio > 0:
        # Sparse enough that the selection itself is under test.
        assert 0 < np.count_nonzero(result.coef) < N_FEATURES


def test_standardize_changes_the_fit():
    """A guard for the tests above: on these columns the plain fit is another model."""
    X, y, _ = make_regression_data(50, N_FEATURES)
    X = _unequal_columns(X)
    plain = fastreg.solve(X, y, 0.1, tol=1e-10).coef
    standardized = fastreg.solve(X, y, 0.1, standardize=True, tol=1e-10).coef
    assert set(np.flatnonzero(plain)) != set(np.flatnonzero(standardized))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_standardized_fit_ignores_the_columns_units(fmt, l1_ratio):
    """Rescaling a column by c rescales its standardized coefficient by 1/c, and nothing
    else changes: the fit no longer depends on the units of the features."""
    X, y, sw = make_regression_data(50, N_FEATURES)
    units = np.random.default_rng(3).uniform(0.001, 1000, N_FEATURES)
    base = fastreg.solve(as_format(X, fmt, np.float64), y, 0.05, l1_ratio, sample_weight=sw,
                         standardize=True, tol=1e-13)
    rescaled = fastreg.solve(as_format(X * units, fmt, np.float64), y, 0.05, l1_ratio,
                             sample_weight=sw, standardize=True, tol=1e-13)
    scale = np.abs(base.coef).max()
    np.testing.assert_allclose(rescaled.coef * units, base.coef, rtol=0, atol=1e-7 * scale)
    assert rescaled.intercept == pytest.approx(base.intercept, abs=1e-7 * scale)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_standardized_logistic_matches_scaled_columns(fmt, l1_ratio, weighted):
    X, y, sw = make_classification_data(80, 12)
    X = _unequal_columns(X)
    sw = sw if weighted else None
    sd = _sd(X, sw, True)
    alpha = 0.02
    ref, ref_intercept = logistic_reference_fit(X / sd, y, alpha, l1_ratio, sample_weight=sw)
    ref = ref / sd
    C = 1.0 / (alpha * (X.shape[0] if sw is None else sw.sum()))
    model = fastreg.LogisticRegression(C=C, l1_ratio=l1_ratio, standardize=True, tol=1e-12)
    model.fit(as_format(X, fmt, np.float64), y, sample_weight=sw)
    scale = np.abs(ref * sd).max()
    np.testing.assert_allclose(model.coef_[0] * sd, ref * sd, rtol=0, atol=1e-6 * scale)
    assert model.intercept_[0] == pytest.approx(ref_intercept, abs=1e-6 * scale)
    assert 0 < np.count_nonzero(model.coef_) < X.shape[1]


def test_standardized_bounds_are_on_the_original_scale(fmt):
    """Bounds apply to the returned coefficients: the standardized bounded fit is the bounded
    fit on ``x_j / sd_j`` with the bounds times ``sd_j``."""
    X, y, sw = make_regression_data(50, N_FEATURES)
    X = _unequal_columns(X)
    sd = _sd(X, sw, True)
    lower = np.full(N_FEATURES, -0.3) / sd
    upper = np.full(N_FEATURES, 0.4) / sd
    ref, ref_intercept = bounded_reference_fit(X / sd, y, 0.05, 0.5, lower=lower * sd,
                                               upper=upper * sd, sample_weight=sw)
    result = fastreg.solve(as_format(X, fmt, np.float64), y, 0.05, 0.5, sample_weight=sw,
                           lower_bounds=lower, upper_bounds=upper, standardize=True, tol=1e-12)
    assert ((result.coef >= lower) & (result.coef <= upper)).all()
    assert np.sum((result.coef == lower) | (result.coef == upper)) >= 2
    np.testing.assert_allclose(result.coef * sd, ref, rtol=0, atol=1e-6 * np.abs(ref).max())
    assert result.intercept == pytest.approx(ref_intercept, abs=1e-6 * np.abs(ref).max())


def test_standardized_penalty_factor_multiplies_the_standardized_penalty():
    X, y, sw = make_regression_data(50, N_FEATURES)
    X = _unequal_columns(X)
    factors = np.random.default_rng(2).uniform(0.2, 3.0, N_FEATURES)
    factors[4] = 0.0
    sd = _sd(X, sw, True)
    # Factors on the standardized problem: penalty_factor f on x_j / sd_j.
    expected = fastreg.solve(X / sd, y, 0.1, 0.5, sample_weight=sw, penalty_factor=factors,
                             tol=1e-13)
    result = fastreg.solve(X, y, 0.1, 0.5, sample_weight=sw, penalty_factor=factors,
                           standardize=True, tol=1e-13)
    scale = np.abs(expected.coef).max()
    np.testing.assert_allclose(result.coef * sd, expected.coef, rtol=0, atol=1e-7 * scale)
    assert result.coef[4] != 0.0  # the unpenalized feature stays in


def test_standardized_constant_columns_get_zero():
    X, y, _ = make_regression_data(50, N_FEATURES)
    X[:, 2] = 7.0  # constant: its sd is 0 up to the rounding of its mean
    X[:, 5] = 0.0
    for fmt in ("dense", "csc"):
        result = fastreg.solve(as_format(X, fmt, np.float64), y, 0.05, 0.5,
                               standardize=True, tol=1e-10)
        assert np.isfinite(result.coef).all()
        assert result.coef[2] == 0.0 and result.coef[5] == 0.0
        assert result.converged


def test_standardize_neither_copies_nor_changes_x():
    X, y, _ = make_regression_data(50, N_FEATURES)
    X_csc = sp.csc_matrix(_unequal_columns(X))
    data, indices = X_csc.data.copy(), X_csc.indices.copy()
    problem = make_problem(X_csc, y, standardize=True)
    assert problem.X.data is X_csc.data and problem.X.indices is X_csc.indices
    fastreg.solve(X_csc, y, 0.1, standardize=True)
    np.testing.assert_array_equal(X_csc.data, data)
    np.testing.assert_array_equal(X_csc.indices, indices)


def test_standardized_path_equals_the_path_on_scaled_columns():
    X, y, sw = make_regression_data(50, N_FEATURES)
    X = _unequal_columns(X)
    sd = _sd(X, sw, True)
    alphas, coefs, _ = fastreg.enet_path(X, y, l1_ratio=0.5, n_alphas=10, fit_intercept=True,
                                         sample_weight=sw, standardize=True, tol=1e-12)
    expected_alphas, expected, _ = fastreg.enet_path(X / sd, y, l1_ratio=0.5, n_alphas=10,
                                                     fit_intercept=True, sample_weight=sw,
                                                     tol=1e-12)
    np.testing.assert_allclose(alphas, expected_alphas, rtol=1e-12)
    np.testing.assert_allclose(coefs * sd[:, None], expected, rtol=0,
                               atol=1e-7 * np.abs(expected).max())


def test_standardized_lasso_cv_standardizes_each_fold_by_its_rows():
    X, y, _ = make_regression_data(60, N_FEATURES)
    X = _unequal_columns(X)
    folds = KFold(3)
    model = fastreg.LassoCV(alphas=6, cv=folds, standardize=True, tol=1e-10).fit(X, y)
    expected = np.empty((6, 3))
    for k, (train, test) in enumerate(folds.split(X)):
        for i, alpha in enumerate(model.alphas_):
            fit = fastreg.Lasso(alpha, standardize=True, tol=1e-10).fit(X[train], y[train])
            expected[i, k] = np.mean((y[test] - fit.predict(X[test])) ** 2)
    np.testing.assert_allclose(model.mse_path_, expected, rtol=1e-6)
    refit = fastreg.Lasso(model.alpha_, standardize=True, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, rtol=0,
                               atol=1e-6 * np.abs(refit.coef_).max())
    # The grid starts where the standardized problem's solution leaves zero, which is not
    # where the plain problem's does.
    for factor, expected_nonzero in ((0.99, True), (1.01, False)):
        fit = fastreg.Lasso(model.alphas_[0] * factor, standardize=True, tol=1e-14).fit(X, y)
        assert bool(np.count_nonzero(fit.coef_)) == expected_nonzero
    plain = fastreg.LassoCV(alphas=6, cv=folds, tol=1e-10).fit(X, y)
    assert not np.isclose(plain.alphas_[0], model.alphas_[0], rtol=0.1)


@pytest.mark.parametrize("estimator", [fastreg.ElasticNet, fastreg.Lasso, fastreg.LassoCV,
                                       fastreg.ElasticNetCV, fastreg.LogisticRegression,
                                       fastreg.LogisticRegressionCV])
def test_standardize_must_be_a_bool(estimator):
    X, y, _ = make_classification_data(40, 5)
    with pytest.raises((TypeError, ValueError), match="standardize"):
        estimator(standardize="yes").fit(X, y)


def test_standardize_is_not_defined_for_several_tasks():
    X, y, _ = make_regression_data(30, 5)
    with pytest.raises(ValueError, match="standardize"):
        fastreg.enet_path(X, np.c_[y, -y], standardize=True)


def test_warm_start_moves_the_previous_fit_into_new_bounds():
    X, y, _ = make_regression_data(50, N_FEATURES)
    model = fastreg.Lasso(0.05, warm_start=True).fit(X, y)
    assert np.abs(model.coef_).max() > 0.5
    model.set_params(lower_bounds=-0.5, upper_bounds=0.5).fit(X, y)
    cold = fastreg.Lasso(0.05, lower_bounds=-0.5, upper_bounds=0.5, tol=1e-10).fit(X, y)
    assert np.abs(model.coef_).max() <= 0.5
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=0, atol=1e-3)
