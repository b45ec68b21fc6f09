"""Column primitives: the only kernel code that knows how X is stored.

X reaches the kernels either as a Fortran-ordered 2-D array or as a :class:`CscMatrix` (the
three arrays of a scipy CSC matrix).  Each primitive below is a plain Python/NumPy function,
which is both the test oracle and what runs under ``NUMBA_DISABLE_JIT=1``, plus a Numba
overload that picks the dense or the CSC loop at compile time from the type of ``X``.  Every
other kernel is written once, in terms of these primitives.

``weights`` is the vector of sample weights, or an empty array meaning "all ones": the
unweighted loops then skip one load and one multiplication per non-zero.
"""

from typing import NamedTuple

import numpy as np
from numba import types
from numba.extending import overload

from ._jit import JIT_OPTIONS, REDUCTION_JIT_OPTIONS


class CscMatrix(NamedTuple):
    """The arrays of a CSC matrix as the kernels take them (no copy of a scipy matrix)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray


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
