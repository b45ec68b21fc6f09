"""Whole-matrix operations built on the column primitives.

All of them see X as *centered and weighted* without ever forming that matrix: with sample
weights ``s`` (``S = sum(s)``) and weighted column means ``x_mean``, the centered column is
``x_j - x_mean[j]``.  A vector is passed as ``v + offset`` (an array plus one scalar), which is
how the solvers keep the residual of implicitly centered data at O(nnz) cost per update.
"""

import numpy as np

from ._jit import njit
from ._primitives import (
    centered_col_axpy,
    centered_col_dot,
    col_moments,
    col_shifted_moments,
    implicit_mean,
)

# A column is taken for a constant when its centered sum of squares is at most this fraction
# of ``S m^2`` (its spread below 1e-14 of its mean, beyond what float64 values resolve):
# the rounding of the mean itself, not a spread for the solver to fit.
CONSTANT_RELATIVE = 1e-28


@njit(reduction=True)
def column_stats(X, weights, sum_weights, fit_intercept, features, x_mean, col_sqnorm):
    """Fill ``x_mean[j]`` (weighted means, 0 without intercept) and the centered squared norms
    ``col_sqnorm[j]`` of the columns ``j`` in ``features``.

    ``col_sqnorm[j] = sum_i s_i (X[i, j] - x_mean[j])**2`` in one pass over the column, from
    its sums shifted by one of its values (``col_shifted_moments``): the one-pass ``sum x^2 -
    m sum x`` loses every digit once the mean is 1e8 times the spread, the shifted sums only
    those of ``(shift - mean)^2 / variance``.  A sparse column's unstored zeros add ``(0 -
    shift)`` and its square times their weight; a sparse column with unstored zeros is
    shifted by 0 (its mean cannot exceed ``sqrt(n)`` spreads).  A column whose values all
    equal the shift, or whose spread is within rounding of its mean (``CONSTANT_RELATIVE``),
    is a constant: 0, not noise for the solver to fit.  O(nnz) on sparse columns.  The
    logistic loss's Newton steps call it with their own weights on a working set.
    """
    for j in features:
        if not fit_intercept:
            x_mean[j] = 0.0
            col_sqnorm[j] = col_moments(X, j, weights)[1]
            continue
        shift, total, squares, stored = col_shifted_moments(X, j, weights)
        unstored = sum_weights - stored
        all_equal = squares == 0.0 and (shift == 0.0 or unstored <= 1e-12 * sum_weights)
        if unstored > 1e-12 * sum_weights:  # a sparse column's zeros, at 0 - shift
            total -= unstored * shift
            squares += unstored * shift * shift
        offset = total / sum_weights
        mean = shift + offset
        centered = squares - offset * total
        x_mean[j] = mean
        # An overflowed column (inf - inf) stays non-finite for the caller to reject.
        if np.isfinite(centered) and (all_equal or centered
                                      <= CONSTANT_RELATIVE * sum_weights * mean * mean):
            centered = 0.0
        col_sqnorm[j] = max(centered, 0.0) if np.isfinite(centered) else centered


@njit(inline=True)
def centered_dot(X, j, weights, sum_weights, x_mean, v, offset, v_weighted_sum):
    """Return ``sum_i s_i (X[i, j] - x_mean[j]) (v[i] + offset)``.

    ``v_weighted_sum`` is ``sum_i s_i (v[i] + offset)``; it is 0 for residuals and centered
    targets, which the callers know without summing (only sparse columns, centered through
    their mean, use it).
    """
    return centered_col_dot(X, j, weights, sum_weights, x_mean[j], v, offset, v_weighted_sum)


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
def add_columns(X, features, factors, x_mean, v):
    """``v += (X - x_mean)[:, features] @ factors``, skipping zero factors: the part the
    primitives apply (all of it for dense X; sparse X's means are left to the caller's offset,
    ``implicit_offset``).  Zero means give the raw product."""
    for t in range(features.shape[0]):
        if factors[t] != 0.0:
            centered_col_axpy(X, features[t], factors[t], x_mean[features[t]], v)


@njit
def init_residual(X, y, coef, x_mean, residual):
    """``residual = y - (X - x_mean) @ coef`` over the non-zero coefficients, as
    :func:`add_columns` applies the means (the rest is ``implicit_offset(X, x_mean, coef)``).
    """
    residual[:] = y
    for j in range(coef.shape[0]):
        if coef[j] != 0.0:
            centered_col_axpy(X, j, -coef[j], x_mean[j], residual)


@njit
def explicit_offset(X, features, x_mean, coef):
    """``sum_j m_j w_j`` over ``features`` whose means the primitives apply themselves (all
    of dense X's): what :func:`init_residual` subtracted beyond the raw ``X w``."""
    acc = 0.0
    for j in features:
        acc += (x_mean[j] - implicit_mean(X, j, x_mean[j])) * coef[j]
    return acc


@njit
def implicit_offset(X, x_mean, coef):
    """``sum_j m_j w_j`` over the means the primitives leave implicit (0 for dense X): the
    scalar that, added to a residual kept by :func:`init_residual`, centers it."""
    acc = 0.0
    for j in range(coef.shape[0]):
        acc += implicit_mean(X, j, x_mean[j]) * coef[j]
    return acc


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
