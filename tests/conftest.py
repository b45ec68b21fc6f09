"""Shared fixtures: small regression problems in every canonical format and dtype."""

import numpy as np
import pytest
import scipy.sparse as sp

FORMATS = ("dense", "csc")
DTYPES = (np.float64, np.float32)


def make_regression_data(n_samples=40, n_features=60, *, density=0.5, n_informative=5, seed=0):
    """Dense float64 X (with exact zeros, so its CSC form is really sparse), y and weights."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    X[rng.random(X.shape) > density] = 0.0
    X[:, 0] += 3.0  # a column with a large mean: centering matters
    coef = np.zeros(n_features)
    coef[:n_informative] = rng.choice([-1.0, 1.0], n_informative) * rng.uniform(1, 3,
                                                                              n_informative)
    y = X @ coef + 2.0 + 0.5 * rng.normal(size=n_samples)
    sample_weight = rng.uniform(0.2, 3.0, size=n_samples)
    return X, y, sample_weight


def make_classification_data(n_samples=80, n_features=20, *, density=0.6, seed=0):
    """Dense float64 X (exact zeros, a column with a large mean), labels -1/+1 drawn from a
    logistic model (the classes overlap: the optimum is finite at every C) and weights."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    X[rng.random(X.shape) > density] = 0.0
    X[:, 0] += 2.0  # a column with a large mean: the intercept matters
    coef = np.zeros(n_features)
    coef[:4] = [1.5, -1.0, 0.8, -0.5]
    z = X @ coef - 1.5
    y = np.where(rng.random(n_samples) < 1 / (1 + np.exp(-z)), 1.0, -1.0)
    sample_weight = rng.uniform(0.2, 3.0, size=n_samples)
    return X, y, sample_weight


def as_format(X, fmt, dtype):
    """X (a dense float64 array) in the requested format and dtype."""
    X = np.asarray(X, dtype=dtype)
    return np.asfortranarray(X) if fmt == "dense" else sp.csc_matrix(X)


def rtol_for(dtype):
    """Coefficient tolerance: the issue's bar (1e-6 for float64, 1e-4 for float32)."""
    return 1e-6 if dtype == np.float64 else 1e-4


@pytest.fixture(params=FORMATS)
def fmt(request):
    return request.param


@pytest.fixture(params=DTYPES, ids=["float64", "float32"])
def dtype(request):
    return request.param
