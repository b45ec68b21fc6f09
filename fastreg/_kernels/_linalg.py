"""Whole-matrix operations built on the column primitives.

All of them see X as *centered and weighted* without ever forming that matrix: with sample
weights ``s`` (``S = sum(s)``) and weighted column means ``x_mean``, the centered column is
``x_j - x_mean[j]``.  A vector is passed as ``v + offset`` (an array plus one scalar), which is
how the solvers keep the residual of implicitly centered data at O(nnz) cost per update.
"""

import numpy as np

from ._jit import njit
from ._primitives import col_axpy, col_dot, col_moments

# Centered sums of squares at most this fraction of the raw ones are rounding: the data are
# constant.
CONSTANT_RELATIVE = 1e-14


@njit(reduction=True)
def column_stats(X, weights, sum_weights, fit_intercept, features, x_mean, col_sqnorm):
    """Fill ``x_mean[j]`` (weighted means, 0 without intercept) and the centered squared norms
    ``col_sqnorm[j]`` of the columns ``j`` in ``features``.

    ``col_sqnorm[j] = sum_i s_i (X[i, j] - x_mean[j])**2``, computed from the two moments of
    the raw column so that sparse columns cost O(nnz).  A centered norm within rounding of the
    raw one (``<= CONSTANT_RELATIVE`` of it) is a constant column: 0, not rounding noise for
    the solver to fit.  The logistic loss's Newton steps call it with their own weights on a
    working set.
    """
    for j in features:
        total, squares = col_moments(X, j, weights)
        if fit_intercept:
            mean = total / sum_weights
            x_mean[j] = mean
            centered = squares - mean * total
            # An overflowed column (inf - inf) stays non-finite for the caller to reject.
            col_sqnorm[j] = (centered if centered > CONSTANT_RELATIVE * squares
                             or not np.isfinite(centered) else 0.0)
        else:
            x_mean[j] = 0.0
            col_sqnorm[j] = squares


@njit(inline=True)
def centered_dot(X, j, weights, sum_weights, x_mean, v, offset, v_weighted_sum):
    """Return ``sum_i s_i (X[i, j] - x_mean[j]) (v[i] + offset)``.

    ``v_weighted_sum`` is ``sum_i s_i (v[i] + offset)``; it is 0 for residuals and centered
    targets, which the callers know without summing.
    """
    return col_dot(X, j, weights, v) + x_mean[j] * (offset * sum_weights - v_weighted_sum)


@njit(reduction=True)
def correlations(X, weights, sum_weights, x_mean, v, offset, v_weighted_sum, features, out):
    """``out[j] = sum_i s_i (X[i, j] - x_mean[j]) (v[i] + offset)`` for each ``j`` in
    ``features`` (X^T v, centered; ``v_weighted_sum`` as in :func:`centered_dot`).

    Compiled with reassociation: the primitives are inlined at Numba's IR level and take their
    caller's options, and only then do dense dot products vectorize (2.4x on a tall matrix).
    """
    for j in features:
        out[j] = centered_dot(X, j, weights, sum_weights, x_mean, v, offset, v_weighted_sum)


@njit
def take_columns(X, features, data, indices, indptr):
    """Copy the columns ``features`` of a :class:`CscMatrix` into ``data``, ``indices`` and
    ``indptr`` (sized by the caller): column ``t`` of the copy is column ``features[t]``."""
    indptr[0] = 0
    at = 0
    for t in range(features.shape[0]):
        for k in range(X.indptr[features[t]], X.indptr[features[t] + 1]):
            data[at] = X.data[k]
            indices[at] = X.indices[k]
            at += 1
        indptr[t + 1] = at


@njit
def add_columns(X, features, factors, v):
    """``v += X[:, features] @ factors`` (uncentered), skipping zero factors."""
    for t in range(features.shape[0]):
        if factors[t] != 0.0:
            col_axpy(X, features[t], factors[t], v)


@njit
def init_residual(X, y, coef, residual):
    """``residual = y - X @ coef`` over the non-zero coefficients (uncentered part only)."""
    residual[:] = y
    for j in range(coef.shape[0]):
        if coef[j] != 0.0:
            col_axpy(X, j, -coef[j], residual)


@njit(reduction=True)
def dot(a, b):
    """``a . b`` for 1-D arrays (NumPy's BLAS call can cost milliseconds in thread start-up
    on a busy machine, for a loop of microseconds)."""
    acc = 0.0
    for i in range(a.shape[0]):
        acc += a[i] * b[i]
    return acc


@njit(reduction=True)
def weighted_sums(weights, a, a_offset, b, b_offset):
    """Return ``sum_i s_i (a[i] + a_offset) (b[i] + b_offset)``."""
    acc = 0.0
    if weights.size == 0:
        for i in range(a.shape[0]):
            acc += (a[i] + a_offset) * (b[i] + b_offset)
    else:
        for i in range(a.shape[0]):
            acc += weights[i] * (a[i] + a_offset) * (b[i] + b_offset)
    return acc
