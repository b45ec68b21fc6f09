"""Column primitives: the only kernel code that knows how X is stored.

X reaches the kernels either as a Fortran-ordered 2-D array or as a :class:`CscMatrix` (the
three arrays of a scipy CSC matrix).  Each primitive below is a plain Python/NumPy function,
which is both the test oracle and what runs under ``NUMBA_DISABLE_JIT=1``, plus a Numba
overload that picks the dense or the CSC loop at compile time from the type of ``X``.  Every
other kernel is written once, in terms of these primitives.

``weights`` is the vector of sample weights, or an empty array meaning "all ones": the
unweighted loops then skip one load and one multiplication per non-zero.

Centering (with an intercept, the engine works on ``x_j - m_j``, ``m_j`` the column's weighted
mean) is done where it costs nothing extra: a dense column is centered explicitly, value by
value, which is exact whatever the mean, and so is a sparse column that stores every row.
Any other sparse column cannot be (that would touch every row), so its mean is carried
implicitly, as a scalar beside the vector it updates (see :func:`implicit_mean`).  Carrying a
large mean implicitly cancels catastrophically (a column of mean 1e7 and spread 1 leaves the
residual's entries at 1e7 times the coefficient), so the primitives below take the mean and
decide.  A sparse column with unstored zeros cannot have a mean large against its spread
(``sd >= |m| / sqrt(n)``), so implicit centering costs it no more than ``sqrt(n)`` in
relative accuracy.
"""

from typing import NamedTuple

import numpy as np
from numba import types
from numba.extending import overload

from ._jit import JIT_OPTIONS, REDUCTION_JIT_OPTIONS


class CscMatrix(NamedTuple):
    """The arrays of a CSC matrix as the kernels take them (no copy of a scipy matrix), and
    its number of rows (a column storing every row is centered explicitly, as dense ones)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    n_rows: int


def _column(X, j):
    """Row indices (or a full slice) and values of column ``j``: oracle helper only."""
    if isinstance(X, CscMatrix):
        start, end = X.indptr[j], X.indptr[j + 1]
        return X.indices[start:end], X.data[start:end]
    return slice(None), X[:, j]


def col_dot(X, j, weights, v):
    """Return ``sum_i X[i, j] * weights[i] * v[i]``."""
    rows, values = _column(X, j)
    products = values * v[rows]
    if weights.size:
        products = products * weights[rows]
    return products.sum()


def col_axpy(X, j, a, v):
    """Add ``a * X[:, j]`` to ``v`` in place."""
    rows, values = _column(X, j)
    v[rows] += np.float64(a) * values  # a float64 product, as in the compiled loops


def col_moments(X, j, weights):
    """Return ``(sum_i w_i X[i, j], sum_i w_i X[i, j]**2)``."""
    rows, values = _column(X, j)
    values = values.astype(np.float64)  # the compiled loops accumulate in float64 too
    weighted = values * weights[rows] if weights.size else values
    return weighted.sum(), (weighted * values).sum()


def col_shifted_moments(X, j, weights):
    """Return ``(K, sum w_i (x_i - K), sum w_i (x_i - K)**2, sum w_i)`` over the stored values
    of column ``j``, shifted by ``K``: its first value for a column storing every row (dense,
    or sparse stored in full), else 0.  With ``K`` a value of the column, the variance from
    these sums loses only the digits of ``(K - mean)^2 / variance`` however large the mean
    (the shifted-data algorithm: Chan, Golub and LeVeque 1983), in one pass."""
    rows, values = _column(X, j)
    values = values.astype(np.float64)
    full = not isinstance(X, CscMatrix) or _full(X, j)
    shift = float(values[0]) if full and values.size else 0.0
    deviations = values - shift
    weighted = deviations * weights[rows] if weights.size else deviations
    stored = weights[rows].sum() if weights.size else float(values.size)
    return shift, weighted.sum(), (weighted * deviations).sum(), stored


def _full(X, j):
    """Whether sparse column ``j`` stores every row."""
    return X.indptr[j + 1] - X.indptr[j] == X.n_rows


def implicit_mean(X, j, mean):
    """The part of column ``j``'s mean that the primitives leave to the caller's scalar
    offset: 0 for a column centered value by value (dense, or sparse storing every row), the
    whole mean for any other sparse one."""
    return mean if isinstance(X, CscMatrix) and not _full(X, j) else 0.0


def centered_col_dot(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum):
    """Return ``sum_i w_i (X[i, j] - mean) (v[i] + offset)``, the sum over every row.

    ``sum_weights`` is ``sum_i w_i`` and ``v_weighted_sum`` is ``sum_i w_i (v[i] + offset)``;
    only the sparse loop uses them (to add the unstored rows' share through the mean)."""
    if isinstance(X, CscMatrix) and not _full(X, j):
        return col_dot(X, j, weights, v) + mean * (offset * sum_weights - v_weighted_sum)
    rows, values = _column(X, j)
    products = (values - np.float64(mean)) * (v[rows] + offset)
    if weights.size:
        products = products * weights[rows]
    return products.sum()


def centered_col_axpy(X, j, a, mean, v):
    """Add ``a * (X[:, j] - mean)`` to the vector ``v + offset``: return the change of the
    offset (``-a * mean`` for a sparse column, whose stored values alone are added to ``v``;
    0 for a dense one, added in full)."""
    if isinstance(X, CscMatrix) and not _full(X, j):
        col_axpy(X, j, a, v)
        return -np.float64(a) * mean
    rows, values = _column(X, j)
    v[rows] += np.float64(a) * (values - np.float64(mean))
    return 0.0


def _is_dense(X):
    return isinstance(X, types.Array)


@overload(col_dot, inline="always", jit_options=REDUCTION_JIT_OPTIONS)
def _col_dot_jit(X, j, weights, v):
    if _is_dense(X):

        def dense(X, j, weights, v):
            acc = 0.0
            if weights.size == 0:
                for i in range(X.shape[0]):
                    acc += X[i, j] * v[i]
            else:
                for i in range(X.shape[0]):
                    acc += X[i, j] * weights[i] * v[i]
            return acc

        return dense

    def csc(X, j, weights, v):
        acc = 0.0
        start, end = X.indptr[j], X.indptr[j + 1]
        if weights.size == 0:
            for k in range(start, end):
                acc += X.data[k] * v[X.indices[k]]
        else:
            for k in range(start, end):
                i = X.indices[k]
                acc += X.data[k] * weights[i] * v[i]
        return acc

    return csc


@overload(col_axpy, inline="always", jit_options=JIT_OPTIONS)
def _col_axpy_jit(X, j, a, v):
    if _is_dense(X):

        def dense(X, j, a, v):
            for i in range(X.shape[0]):
                v[i] += a * X[i, j]

        return dense

    def csc(X, j, a, v):
        for k in range(X.indptr[j], X.indptr[j + 1]):
            v[X.indices[k]] += a * X.data[k]

    return csc


@overload(col_moments, inline="always", jit_options=REDUCTION_JIT_OPTIONS)
def _col_moments_jit(X, j, weights):
    if _is_dense(X):

        def dense(X, j, weights):
            total = 0.0
            squares = 0.0
            for i in range(X.shape[0]):
                x = X[i, j]
                wx = x if weights.size == 0 else weights[i] * x
                total += wx
                squares += wx * x
            return total, squares

        return dense

    def csc(X, j, weights):
        total = 0.0
        squares = 0.0
        for k in range(X.indptr[j], X.indptr[j + 1]):
            x = X.data[k]
            wx = x if weights.size == 0 else weights[X.indices[k]] * x
            total += wx
            squares += wx * x
        return total, squares

    return csc


@overload(col_shifted_moments, inline="always", jit_options=REDUCTION_JIT_OPTIONS)
def _col_shifted_moments_jit(X, j, weights):
    if _is_dense(X):

        def dense(X, j, weights):
            n = X.shape[0]
            shift = float(X[0, j]) if n else 0.0
            total = 0.0
            squares = 0.0
            if weights.size == 0:
                for i in range(n):
                    d = X[i, j] - shift
                    total += d
                    squares += d * d
                return shift, total, squares, float(n)
            stored = 0.0
            for i in range(n):
                d = X[i, j] - shift
                wd = weights[i] * d
                total += wd
                squares += wd * d
                stored += weights[i]
            return shift, total, squares, stored

        return dense

    def csc(X, j, weights):
        start, end = X.indptr[j], X.indptr[j + 1]
        shift = float(X.data[start]) if end - start == X.n_rows and end > start else 0.0
        total = 0.0
        squares = 0.0
        stored = 0.0
        for k in range(start, end):
            d = X.data[k] - shift
            s = 1.0 if weights.size == 0 else weights[X.indices[k]]
            total += s * d
            squares += s * d * d
            stored += s
        return shift, total, squares, stored

    return csc


@overload(implicit_mean, inline="always", jit_options=JIT_OPTIONS)
def _implicit_mean_jit(X, j, mean):
    if _is_dense(X):
        return lambda X, j, mean: 0.0

    def csc(X, j, mean):
        return 0.0 if X.indptr[j + 1] - X.indptr[j] == X.n_rows else mean

    return csc


@overload(centered_col_dot, inline="always", jit_options=REDUCTION_JIT_OPTIONS)
def _centered_col_dot_jit(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum):
    if _is_dense(X):

        def dense(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum):
            acc = 0.0
            if weights.size == 0:
                for i in range(X.shape[0]):
                    acc += (X[i, j] - mean) * (v[i] + offset)
            else:
                for i in range(X.shape[0]):
                    acc += (X[i, j] - mean) * weights[i] * (v[i] + offset)
            return acc

        return dense

    def csc(X, j, weights, sum_weights, mean, v, offset, v_weighted_sum):
        start, end = X.indptr[j], X.indptr[j + 1]
        if end - start != X.n_rows:
            return col_dot(X, j, weights, v) + mean * (offset * sum_weights - v_weighted_sum)
        acc = 0.0
        for k in range(start, end):
            i = X.indices[k]
            s = 1.0 if weights.size == 0 else weights[i]
            acc += (X.data[k] - mean) * s * (v[i] + offset)
        return acc

    return csc


@overload(centered_col_axpy, inline="always", jit_options=JIT_OPTIONS)
def _centered_col_axpy_jit(X, j, a, mean, v):
    if _is_dense(X):

        def dense(X, j, a, mean, v):
            for i in range(X.shape[0]):
                v[i] += a * (X[i, j] - mean)
            return 0.0

        return dense

    def csc(X, j, a, mean, v):
        start, end = X.indptr[j], X.indptr[j + 1]
        if end - start != X.n_rows:
            col_axpy(X, j, a, v)
            return -a * mean
        for k in range(start, end):
            v[X.indices[k]] += a * (X.data[k] - mean)
        return 0.0

    return csc
