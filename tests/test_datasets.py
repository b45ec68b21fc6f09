"""Tests of the synthetic problem generator ``fastreg.datasets``."""

import numpy as np
import pytest

from fastreg.datasets import make_correlated_classification, make_correlated_regression


def test_shapes_layout_and_dtype():
    X, y, w = make_correlated_regression(30, 70, n_informative=9)
    assert X.shape == (30, 70) and y.shape == (30,) and w.shape == (70,)
    assert X.flags.f_contiguous
    assert X.dtype == y.dtype == w.dtype == np.float64
    X32, y32, w32 = make_correlated_regression(30, 70, n_informative=9, dtype=np.float32)
    assert X32.dtype == y32.dtype == w32.dtype == np.float32
    assert X32.flags.f_contiguous
    np.testing.assert_allclose(X32, X, rtol=1e-6, atol=1e-6)


def test_deterministic_from_seed():
    a = make_correlated_regression(20, 50, random_state=3)
    b = make_correlated_regression(20, 50, random_state=3)
    c = make_correlated_regression(20, 50, random_state=4)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    assert not np.array_equal(a[2], c[2])


@pytest.mark.parametrize(
    "n_features, n_informative, group_size",
    [(1000, 20, 4), (1000, 7, 3), (50, 50, 4), (10, 9, 4), (100, 0, 4), (40, 10, 1)],
)
def test_informative_features_in_adjacent_blocks(n_features, n_informative, group_size):
    _, _, w = make_correlated_regression(
        10, n_features, n_informative=n_informative, group_size=group_size, random_state=1
    )
    support = np.flatnonzero(w)
    assert support.size == n_informative
    assert np.all((np.abs(w[support]) >= 1) & (np.abs(w[support]) <= 2))
    # Split the support into runs of adjacent indices: every run is made of whole blocks,
    # and within a block all coefficients share one sign.
    runs = np.split(support, np.flatnonzero(np.diff(support) > 1) + 1) if support.size else []
    full_blocks = n_informative // group_size
    if n_features // (2 * group_size) >= -(-n_informative // group_size):
        # Enough room: blocks are separated by gaps, so each run is one block.
        assert len(runs) == -(-n_informative // group_size)
        sizes = sorted(len(r) for r in runs)
        assert sizes.count(group_size) >= full_blocks
        for run in runs:
            assert len(np.unique(np.sign(w[run]))) == 1


def test_blocks_have_random_signs():
    _, _, w = make_correlated_regression(10, 2000, n_informative=200, random_state=0)
    signs = np.sign(w[w != 0])
    assert 0.2 < np.mean(signs > 0) < 0.8


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, -0.6])
def test_adjacent_correlation_near_rho(rho):
    X, _, _ = make_correlated_regression(4000, 60, rho=rho, random_state=2)
    # Columns have unit variance, and corr(x_j, x_{j+1}) = rho, corr(x_j, x_{j+2}) = rho^2.
    np.testing.assert_allclose(X.var(axis=0).mean(), 1.0, atol=0.03)
    lag1 = np.mean([np.corrcoef(X[:, j], X[:, j + 1])[0, 1] for j in range(59)])
    lag2 = np.mean([np.corrcoef(X[:, j], X[:, j + 2])[0, 1] for j in range(58)])
    assert abs(lag1 - rho) < 0.02
    assert abs(lag2 - rho**2) < 0.02


@pytest.mark.parametrize("snr", [0.5, 3.0, 10.0])
def test_snr_matches_target(snr):
    X, y, w = make_correlated_regression(200, 300, snr=snr, random_state=5)
    signal = X @ w
    noise = y - signal
    assert np.linalg.norm(signal) / np.linalg.norm(noise) == pytest.approx(snr, rel=1e-8)


def test_infinite_snr_is_noiseless():
    X, y, w = make_correlated_regression(20, 30, snr=np.inf)
    np.testing.assert_allclose(y, X @ w, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_features": -1}, "n_features"),
        ({"n_informative": 2000}, "n_informative"),
        ({"rho": 1.0}, "rho"),
        ({"snr": 0.0}, "snr"),
        ({"dtype": np.int64}, "dtype"),
        ({"group_size": 0}, "group_size"),
    ],
)
def test_invalid_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_correlated_regression(**kwargs)


# --- make_correlated_classification -------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_classification_shares_the_regression_design(dtype):
    X, y, w = make_correlated_classification(40, 90, n_informative=10, rho=0.7,
                                             random_state=6, dtype=dtype)
    X_reg, _, w_reg = make_correlated_regression(40, 90, n_informative=10, rho=0.7,
                                                 random_state=6, dtype=dtype)
    np.testing.assert_array_equal(X, X_reg)
    np.testing.assert_array_equal(w, w_reg)
    assert X.flags.f_contiguous and X.dtype == w.dtype == dtype
    assert y.shape == (40,) and y.dtype == np.int64 and set(np.unique(y)) <= {0, 1}


def test_classification_labels_follow_the_logistic_model():
    X, y, w = make_correlated_classification(20000, 30, n_informative=4, rho=0.5,
                                             random_state=2)
    logit = X @ w
    # Binned by the true probability, the share of ones matches it (the model is right).
    probability = 1.0 / (1.0 + np.exp(-logit))
    for low, high in [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)]:
        inside = (probability >= low) & (probability < high)
        assert inside.sum() > 300
        assert abs(y[inside].mean() - probability[inside].mean()) < 0.03
    assert np.mean((logit > 0) == (y == 1)) > 0.8


def test_classification_is_deterministic_and_checks_its_arguments():
    a = make_correlated_classification(30, 60, random_state=4)
    b = make_correlated_classification(30, 60, random_state=4)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[1], make_correlated_classification(30, 60, random_state=5)[1])
    for kwargs, name in [({"n_samples": 0}, "n_samples"), ({"rho": -1.0}, "rho"),
                         ({"n_informative": 61}, "n_informative"),
                         ({"dtype": np.int32}, "dtype"), ({"group_size": 0}, "group_size")]:
        with pytest.raises(ValueError, match=name):
            make_correlated_classification(**{"n_samples": 30, "n_features": 60, **kwargs})
