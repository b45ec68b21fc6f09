"""Box constraints ``lower_bounds <= w <= upper_bounds``: bounded fits against an independent
L-BFGS-B reference on the split form, the certificate's bound on the suboptimality, the
conjugates the gap and the screening use, and the estimators' parameters."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastreg
from fastreg._kernels._penalty import (
    BoxPenalty,
    box_conjugate,
    conjugate,
    prox_step,
    ridge_fenchel_young,
)

from .conftest import as_format, make_classification_data, make_regression_data, rtol_for
from .reference import bounded_reference_fit, enet_objective, logistic_objective

N_FEATURES = 15


def _bounds(n_features=N_FEATURES):
    """Bounds tight enough that the solution meets several of them, with one feature
    unbounded below and one unbounded above."""
    lower = np.full(n_features, -0.5)
    upper = np.full(n_features, 1.0)
    lower[3] = -np.inf
    upper[5] = np.inf
    return lower, upper


def _at_bounds(coef, lower, upper):
    return int(np.sum((coef == lower) | (coef == upper)))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_bounded_least_squares_matches_reference(fmt, dtype, l1_ratio, fit_intercept,
                                                 weighted):
    X, y, sw = make_regression_data(40, N_FEATURES)
    sw = sw if weighted else None
    lower, upper = _bounds()
    alpha = 0.05
    ref, ref_intercept = bounded_reference_fit(X, y, alpha, l1_ratio, lower=lower, upper=upper,
                                               sample_weight=sw, fit_intercept=fit_intercept)
    result = fastreg.solve(as_format(X, fmt, dtype), y, alpha, l1_ratio, lower_bounds=lower,
                           upper_bounds=upper, sample_weight=sw, fit_intercept=fit_intercept,
                           tol=1e-12)
    assert result.converged
    assert result.coef.dtype == dtype
    assert ((result.coef >= lower) & (result.coef <= upper)).all()
    assert _at_bounds(result.coef, lower, upper) >= 2  # the bounds matter here
    scale = np.abs(ref).max()
    np.testing.assert_allclose(result.coef, ref, rtol=0, atol=rtol_for(dtype) * scale)
    assert result.intercept == pytest.approx(ref_intercept, abs=rtol_for(dtype) * scale)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_bounded_logistic_matches_reference(fmt, l1_ratio):
    X, y, sw = make_classification_data()
    lower, upper = -0.3, 0.5
    alpha = 0.01
    ref, ref_intercept = bounded_reference_fit(
        X, y, alpha, l1_ratio, lower=np.full(X.shape[1], lower),
        upper=np.full(X.shape[1], upper), loss="logistic", sample_weight=sw)
    model = fastreg.LogisticRegression(C=1 / (alpha * sw.sum()), l1_ratio=l1_ratio,
                                       lower_bounds=lower, upper_bounds=upper, tol=1e-12)
    model.fit(as_format(X, fmt, np.float64), y, sample_weight=sw)
    coef = model.coef_[0]
    assert ((coef >= lower) & (coef <= upper)).all()
    assert _at_bounds(coef, lower, upper) >= 2
    np.testing.assert_allclose(coef, ref, rtol=0, atol=1e-6 * np.abs(ref).max())
    assert model.intercept_[0] == pytest.approx(ref_intercept, abs=1e-6)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_bounded_path_matches_reference_at_every_alpha(fmt, l1_ratio):
    """Along a path the strong rule, the working sets and Gap Safe screening all run with
    the bounds; a feature they wrongly set aside would show at some alpha."""
    X, y, _ = make_regression_data(30, 40, n_informative=8, seed=3)
    lower = np.where(np.arange(40) % 2, -0.4, -np.inf)
    upper = np.where(np.arange(40) % 3, 0.8, np.inf)
    alphas, coefs, _ = fastreg.enet_path(as_format(X, fmt, np.float64), y, l1_ratio=l1_ratio,
                                         n_alphas=8, eps=1e-2, lower_bounds=lower,
                                         upper_bounds=upper, fit_intercept=True, tol=1e-12)
    for k in (2, 5, 7):
        ref, _ = bounded_reference_fit(X, y, alphas[k], l1_ratio, lower=lower, upper=upper)
        np.testing.assert_allclose(coefs[:, k], ref, rtol=0, atol=1e-6 * np.abs(ref).max())
    assert (coefs[:, 0] == 0).all()  # the grid starts at the bounded problem's alpha_max
    assert np.count_nonzero(coefs[:, 1]) > 0


def test_alpha_max_counts_only_the_directions_a_feature_can_move():
    X, y, _ = make_regression_data(40, N_FEATURES)
    correlations = (X - X.mean(axis=0)).T @ (y - y.mean()) / len(y)
    strongest = int(np.argmax(np.abs(correlations)))
    # Holding the strongest feature's sign direction at 0 lowers alpha_max to the next one.
    lower = np.full(N_FEATURES, -np.inf)
    upper = np.full(N_FEATURES, np.inf)
    (upper if correlations[strongest] > 0 else lower)[strongest] = 0.0
    alphas, coefs, _ = fastreg.lasso_path(X, y, n_alphas=3, lower_bounds=lower,
                                          upper_bounds=upper, fit_intercept=True)
    others = np.delete(np.abs(correlations), strongest)
    assert alphas[0] == pytest.approx(others.max(), rel=1e-10)
    assert coefs[strongest].max() == 0 and coefs[strongest].min() == 0


def test_lower_bound_zero_is_positive_and_infinite_bounds_are_none():
    X, y, sw = make_regression_data(40, N_FEATURES)
    positive = fastreg.Lasso(alpha=0.05, positive=True, tol=1e-10).fit(X, y, sw)
    lower_zero = fastreg.Lasso(alpha=0.05, lower_bounds=0.0, tol=1e-10).fit(X, y, sw)
    np.testing.assert_array_equal(positive.coef_, lower_zero.coef_)
    plain = fastreg.Lasso(alpha=0.05, tol=1e-10).fit(X, y, sw)
    infinite = fastreg.Lasso(alpha=0.05, lower_bounds=-np.inf, upper_bounds=np.inf,
                             tol=1e-10).fit(X, y, sw)
    np.testing.assert_array_equal(plain.coef_, infinite.coef_)
    assert (plain.coef_ < 0).any()  # positive=True changed something


def test_zero_bounds_hold_a_feature_out_of_the_model():
    X, y, _ = make_regression_data(40, N_FEATURES)
    lower = np.full(N_FEATURES, -np.inf)
    upper = np.full(N_FEATURES, np.inf)
    lower[:2] = upper[:2] = 0.0
    held = fastreg.Lasso(alpha=0.02, lower_bounds=lower, upper_bounds=upper, tol=1e-12)
    held.fit(X, y)
    dropped = fastreg.Lasso(alpha=0.02, tol=1e-12).fit(X[:, 2:], y)
    assert (held.coef_[:2] == 0).all()
    np.testing.assert_allclose(held.coef_[2:], dropped.coef_, atol=1e-8)
    assert np.count_nonzero(fastreg.Lasso(alpha=0.02).fit(X, y).coef_[:2]) > 0


@pytest.mark.parametrize("estimator", ["LassoCV", "ElasticNetCV"])
def test_cv_estimators_fit_within_the_bounds(fmt, estimator):
    X, y, _ = make_regression_data(60, 30, n_informative=6, seed=1)
    X = as_format(X, fmt, np.float64)
    model = getattr(fastreg, estimator)(cv=3, lower_bounds=-0.5, upper_bounds=1.0,
                                        tol=1e-10).fit(X, y)
    assert ((model.coef_ >= -0.5) & (model.coef_ <= 1.0)).all()
    assert _at_bounds(model.coef_, -0.5, 1.0) >= 1
    l1_ratio = getattr(model, "l1_ratio_", 1.0)
    refit = fastreg.ElasticNet(alpha=model.alpha_, l1_ratio=l1_ratio, lower_bounds=-0.5,
                               upper_bounds=1.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-6)


def test_logistic_cv_fits_within_the_bounds():
    X, y, _ = make_classification_data()
    model = fastreg.LogisticRegressionCV(Cs=5, cv=3, lower_bounds=-0.2, upper_bounds=0.3)
    model.fit(X, y)
    assert ((model.coef_ >= -0.2) & (model.coef_ <= 0.3)).all()
    assert _at_bounds(model.coef_[0], -0.2, 0.3) >= 1


# The certificate: the gap a bounded fit reports bounds its distance to the optimum.

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), l1_ratio=st.sampled_from([1.0, 0.6, 0.0]),
       fraction=st.floats(0.02, 0.6), width=st.floats(0.05, 2.0),
       tol=st.sampled_from([1e-2, 1e-4]), loss=st.sampled_from(["squared", "logistic"]))
def test_reported_gap_bounds_the_suboptimality(seed, l1_ratio, fraction, width, tol, loss):
    rng = np.random.default_rng(seed)
    if loss == "squared":
        X, y, sw = make_regression_data(30, 12, seed=seed)
    else:
        X, y, sw = make_classification_data(60, 12, seed=seed)
    lower = np.where(rng.random(12) < 0.3, -np.inf, -width * rng.random(12))
    upper = np.where(rng.random(12) < 0.3, np.inf, width * rng.random(12))
    alpha = fraction * (np.abs(X.T @ (y - y.mean())).max() / len(y))
    if loss == "squared":
        result = fastreg.solve(X, y, alpha, l1_ratio, lower_bounds=lower, upper_bounds=upper,
                               sample_weight=sw, tol=tol)
        coef, intercept, gap = result.coef, result.intercept, result.dual_gap
        objective = enet_objective
    else:
        alpha = alpha / 4
        model = fastreg.LogisticRegression(C=1 / (alpha * sw.sum()), l1_ratio=l1_ratio,
                                           lower_bounds=lower, upper_bounds=upper, tol=tol)
        model.fit(X, y, sample_weight=sw)
        coef, intercept, gap = model.coef_[0], model.intercept_[0], model.dual_gap_
        objective = logistic_objective
    assert ((coef >= lower) & (coef <= upper)).all()
    ref, ref_intercept = bounded_reference_fit(X, y, alpha, l1_ratio, lower=lower,
                                               upper=upper, loss=loss, sample_weight=sw)
    excess = (objective(X, y, coef, intercept, alpha, l1_ratio, sw)
              - objective(X, y, ref, ref_intercept, alpha, l1_ratio, sw))
    assert gap >= -1e-12  # with an L1 part the gap is a difference of sums: rounding
    assert excess <= gap + 1e-12


# The penalty's per-coordinate operations against brute force.

def _penalty(l1, l2, lower, upper):
    return BoxPenalty(l1, l2, np.empty(0), np.array([lower]), np.array([upper]), np.empty(0))


BOXES = [(-0.5, 1.0), (0.0, 2.0), (-np.inf, 0.7), (-1.5, np.inf), (0.0, 0.0)]


@pytest.mark.parametrize("lower, upper", BOXES)
@pytest.mark.parametrize("l1, l2", [(1.0, 0.0), (1.0, 2.0), (0.0, 1.5)])
def test_conjugate_is_the_supremum_over_the_box(lower, upper, l1, l2):
    grid = np.union1d(np.linspace(max(lower, -20.0), min(upper, 20.0), 200_001), [0.0])
    values = l1 * np.abs(grid) + 0.5 * l2 * grid**2
    penalty = _penalty(l1, l2, lower, upper)
    for u in np.linspace(-6, 6, 49):
        brute = np.max(u * grid - values)
        if l2 == 0.0:
            # Without an L2 part an unbounded side is the dual's constraint (met by scaling),
            # so only the bounded sides' linear terms are the conjugate's.
            side_bounded = (upper < np.inf) if u > 0 else (lower > -np.inf)
            if abs(u) > l1 and not side_bounded:
                assert box_conjugate(penalty, 0, u) == 0.0
                continue
        assert conjugate(penalty, 0, u) == pytest.approx(brute, abs=1e-6)


@pytest.mark.parametrize("lower, upper", BOXES)
def test_ridge_fenchel_young_gap_is_exact_and_non_negative(lower, upper):
    penalty = _penalty(0.0, 1.5, lower, upper)
    rng = np.random.default_rng(0)
    for _ in range(200):
        w = np.clip(rng.normal(scale=2), lower, upper)
        u = rng.normal(scale=4)
        direct = 0.75 * w * w + conjugate(penalty, 0, u) - w * u
        value = ridge_fenchel_young(penalty, 0, w, u)
        assert value >= 0
        assert value == pytest.approx(direct, abs=1e-12)


@pytest.mark.parametrize("lower, upper", BOXES)
def test_prox_step_minimises_over_the_box(lower, upper):
    penalty = _penalty(0.8, 0.5, lower, upper)
    grid = np.union1d(np.linspace(max(lower, -20.0), min(upper, 20.0), 400_001), [0.0])
    rng = np.random.default_rng(1)
    for _ in range(50):
        w, grad, lipschitz = rng.normal(), rng.normal(scale=3), rng.uniform(0.1, 4)
        objective = (-grad * (grid - w) + 0.5 * lipschitz * (grid - w) ** 2
                     + 0.8 * np.abs(grid) + 0.25 * grid**2)
        step = prox_step(penalty, 0, w, grad, lipschitz)
        assert lower <= step <= upper
        assert step == pytest.approx(grid[np.argmin(objective)], abs=1e-4)


# Bad input.

@pytest.mark.parametrize("kwargs, message", [
    ({"lower_bounds": 0.5}, "lower_bounds must be <= 0"),
    ({"upper_bounds": -0.1}, "upper_bounds must be >= 0"),
    ({"lower_bounds": np.zeros(3)}, r"lower_bounds must be a scalar or have shape \(15,\)"),
    ({"upper_bounds": [np.nan] * N_FEATURES}, "upper_bounds contains NaN"),
    ({"upper_bounds": "high"}, "upper_bounds must contain numbers"),
    ({"upper_bounds": 1.0, "coef_init": np.full(N_FEATURES, 2.0)},
     "coef_init must lie within lower_bounds and upper_bounds"),
])
def test_bad_bounds_are_errors_naming_the_argument(kwargs, message):
    X, y, _ = make_regression_data(40, N_FEATURES)
    with pytest.raises((ValueError, TypeError), match=message):
        fastreg.solve(X, y, 0.1, **kwargs)


def test_bounds_are_refused_for_multi_task_targets():
    X, y, _ = make_regression_data(40, N_FEATURES)
    with pytest.raises(ValueError, match="not supported for multi-output"):
        fastreg.enet_path(X, np.c_[y, -y], lower_bounds=-1.0)
