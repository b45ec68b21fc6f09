"""Synthetic regression and classification problems with known sparse coefficients."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import expit

__all__ = ["make_correlated_classification", "make_correlated_regression"]


def make_correlated_regression(
    n_samples: int = 100,
    n_features: int = 1000,
    n_informative: int = 20,
    rho: float = 0.5,
    snr: float = 3.0,
    random_state: int | np.random.Generator | None = 0,
    dtype=np.float64,
    *,
    group_size: int = 4,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Sparse linear regression with Toeplitz-correlated Gaussian features.

    The rows of ``X`` are independent Gaussian vectors with unit variances and correlation
    :math:`\operatorname{corr}(x_j, x_k) = \rho^{|j-k|}`. They are generated in
    :math:`O(np)` by an AR(1) recursion across columns,

    .. math::

        x_0 = z_0, \qquad x_j = \rho\, x_{j-1} + \sqrt{1 - \rho^2}\, z_j ,

    with independent standard normal columns :math:`z_j`, instead of a ``p x p`` Cholesky
    factor of the correlation matrix.

    The true coefficients have ``n_informative`` non-zeros placed in blocks of
    ``group_size`` *adjacent* (hence correlated) features, the blocks separated from one
    another where the number of features allows. Each block has one random sign and
    magnitudes drawn uniformly from [1, 2]. Correlated groups of informative features are
    what separates the estimators: the Lasso tends to keep one feature of a group, the
    Elastic Net keeps the group, Ridge keeps every feature.

    The response is ``y = X @ coef_true + noise`` with Gaussian noise scaled so that the
    signal-to-noise ratio :math:`\lVert X w \rVert_2 / \lVert \text{noise} \rVert_2` is
    exactly ``snr``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of rows of ``X``.
    n_features : int, default=1000
        Number of columns of ``X``.
    n_informative : int, default=20
        Number of non-zero true coefficients, ``0 <= n_informative <= n_features``.
    rho : float, default=0.5
        Correlation of adjacent features, ``-1 < rho < 1``.
    snr : float, default=3.0
        Signal-to-noise ratio, ``> 0``; ``np.inf`` gives noiseless data.
    random_state : int, numpy.random.Generator or None, default=0
        Seed or generator; the output is a deterministic function of an integer seed.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        Dtype of the returned arrays (generation is in float64).
    group_size : int, default=4
        Number of adjacent features in each informative block (the last block may be
        smaller).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Fortran-ordered design matrix.
    y : ndarray of shape (n_samples,)
        Response.
    coef_true : ndarray of shape (n_features,)
        The coefficients used to generate ``y``.

    Examples
    --------
    >>> from fastreg.datasets import make_correlated_regression
    >>> X, y, w = make_correlated_regression(50, 200, n_informative=8, random_state=1)
    >>> X.shape, y.shape, int((w != 0).sum())
    ((50, 200), (50,), 8)
    """
    n_samples, n_features, n_informative, group_size = _check_design(
        n_samples, n_features, n_informative, rho, group_size)
    if not isinstance(snr, Real) or not snr > 0:
        raise ValueError(f"snr must be a positive number, got {snr!r}.")
    dtype = _check_dtype(dtype)
    rng = np.random.default_rng(random_state)
    X, coef = _draw_design(rng, n_samples, n_features, n_informative, rho, group_size)

    signal = X @ coef
    y = signal.copy()
    if np.isfinite(snr):
        noise = rng.standard_normal(n_samples)
        signal_norm = np.linalg.norm(signal)
        if signal_norm > 0:
            y += noise * (signal_norm / (snr * np.linalg.norm(noise)))
    return (
        np.asfortranarray(X, dtype=dtype),
        y.astype(dtype),
        coef.astype(dtype),
    )


def make_correlated_classification(
    n_samples: int = 100,
    n_features: int = 1000,
    n_informative: int = 20,
    rho: float = 0.5,
    random_state: int | np.random.Generator | None = 0,
    dtype=np.float64,
    *,
    group_size: int = 4,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Sparse logistic regression with Toeplitz-correlated Gaussian features.

    ``X`` and ``coef_true`` are those of :func:`make_correlated_regression` with the same
    arguments and seed (the same correlated design and groups of informative features);
    the labels are drawn from the logistic model instead of adding Gaussian noise,

    .. math::

        P(y_i = 1) = \sigma(x_i^T w) = \frac{1}{1 + e^{-x_i^T w}} ,

    independently for each sample.  With the default coefficient magnitudes (1 to 2 in
    groups of correlated features) the linear predictor is large, so most labels follow
    its sign and a few are flipped, mostly near the decision boundary.

    Parameters
    ----------
    n_samples : int, default=100
        Number of rows of ``X``.
    n_features : int, default=1000
        Number of columns of ``X``.
    n_informative : int, default=20
        Number of non-zero true coefficients, ``0 <= n_informative <= n_features``.
    rho : float, default=0.5
        Correlation of adjacent features, ``-1 < rho < 1``.
    random_state : int, numpy.random.Generator or None, default=0
        Seed or generator; the output is a deterministic function of an integer seed.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        Dtype of ``X`` and ``coef_true`` (generation is in float64).
    group_size : int, default=4
        Number of adjacent features in each informative block (the last block may be
        smaller).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Fortran-ordered design matrix.
    y : ndarray of shape (n_samples,)
        Labels 0 and 1 (int64).
    coef_true : ndarray of shape (n_features,)
        The coefficients of the linear predictor that generated ``y``.

    Examples
    --------
    >>> from fastreg.datasets import make_correlated_classification
    >>> X, y, w = make_correlated_classification(50, 200, n_informative=8, random_state=1)
    >>> X.shape, sorted(set(y.tolist())), int((w != 0).sum())
    ((50, 200), [0, 1], 8)
    """
    n_samples, n_features, n_informative, group_size = _check_design(
        n_samples, n_features, n_informative, rho, group_size)
    dtype = _check_dtype(dtype)
    rng = np.random.default_rng(random_state)
    X, coef = _draw_design(rng, n_samples, n_features, n_informative, rho, group_size)
    # Drawn after the design, as the regression's noise is, so that both functions share X
    # and coef_true for a seed.
    probability = expit(X @ coef)
    y = (rng.random(n_samples) < probability).astype(np.int64)
    return np.asfortranarray(X, dtype=dtype), y, coef.astype(dtype)


def _check_design(n_samples, n_features, n_informative, rho, group_size):
    """The integer arguments of a design, validated, and ``rho`` checked."""
    n_samples = _check_int(n_samples, "n_samples", low=1)
    n_features = _check_int(n_features, "n_features", low=1)
    n_informative = _check_int(n_informative, "n_informative", low=0)
    group_size = _check_int(group_size, "group_size", low=1)
    if n_informative > n_features:
        raise ValueError(f"n_informative must be <= n_features={n_features}, got {n_informative}.")
    if not isinstance(rho, Real) or not -1.0 < rho < 1.0:
        raise ValueError(f"rho must be a number in (-1, 1), got {rho!r}.")
    return n_samples, n_features, n_informative, group_size


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    return dtype


def _draw_design(rng, n_samples, n_features, n_informative, rho, group_size):
    """A Toeplitz-correlated X (float64, Fortran-ordered) and its sparse true coefficients."""
    # Drawing the (p, n) array and transposing gives a Fortran-ordered (n, p) array whose
    # columns are contiguous, so the recursion below runs in place on contiguous columns.
    X = rng.standard_normal((n_features, n_samples)).T
    scale = np.sqrt(1.0 - rho * rho)
    for j in range(1, n_features):
        X[:, j] *= scale
        X[:, j] += rho * X[:, j - 1]

    coef = np.zeros(n_features)
    for start, stop in _blocks(n_features, n_informative, group_size, rng):
        sign = rng.choice((-1.0, 1.0))
        coef[start:stop] = sign * rng.uniform(1.0, 2.0, size=stop - start)
    return X, coef


def _blocks(n_features, n_informative, group_size, rng):
    """Non-overlapping ``[start, stop)`` ranges covering ``n_informative`` features.

    Blocks sit in slots of ``2 * group_size`` features (a block and a gap) when there are
    enough such slots, so that distinct groups are not adjacent; otherwise in slots of
    ``group_size``.
    """
    n_blocks = -(-n_informative // group_size)
    if n_blocks == 0:
        return []
    sizes = [group_size] * (n_informative // group_size)
    if n_informative % group_size:
        sizes.append(n_informative % group_size)
    slot = 2 * group_size if n_features // (2 * group_size) >= n_blocks else group_size
    n_slots = n_features // slot
    if n_slots >= n_blocks:
        slots = np.sort(rng.choice(n_slots, size=n_blocks, replace=False))
        return [(s * slot, s * slot + size) for s, size in zip(slots, sizes, strict=True)]
    # Too few whole slots (n_informative close to n_features): pack the blocks from the start.
    starts = np.cumsum([0] + sizes[:-1])
    return [(int(s), int(s) + size) for s, size in zip(starts, sizes, strict=True)]


def _check_int(value, name, *, low):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)
