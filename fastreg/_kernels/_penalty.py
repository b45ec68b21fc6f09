"""The penalty as the kernels see it: a small NamedTuple and the per-coordinate operations
every solver, gap and screening kernel takes from it.

The Elastic Net penalty, in the kernels' scaling (``fastreg._engine.penalties`` converts the
user's alpha and l1_ratio)::

    g(w) = sum_j f_j (l1 |w_j| + l2 / 2 w_j^2)      (+ the constraint w >= 0 with positive)

with penalty factors ``f_j >= 0`` (an empty ``factors`` array means all ones).  A kernel
never looks inside the tuple: it calls the functions below, so that a new penalty (bounds,
groups) is a new tuple type and new versions of these functions, not a new solver.  See
docs/architecture.md.
"""

from typing import NamedTuple

import numpy as np

from ._jit import njit


class ElasticNetPenalty(NamedTuple):
    """``l1``, ``l2`` (kernel scaling), ``factors`` (empty: all ones) and ``positive``."""

    l1: float
    l2: float
    factors: np.ndarray
    positive: bool


@njit(inline=True)
def factor(penalty, j):
    """Penalty factor of feature ``j``."""
    return 1.0 if penalty.factors.size == 0 else penalty.factors[j]


@njit(inline=True)
def prox_step(penalty, j, w_j, grad_j, lipschitz_j):
    """Minimiser over ``w_j`` of ``-grad_j (v - w_j) + lipschitz_j / 2 (v - w_j)^2 + g_j(v)``.

    ``grad_j`` is minus the smooth part's derivative (``x_j^T r`` for least squares), so this
    is the exact coordinate minimiser of a quadratic and the proximal-gradient step of any
    other smooth loss: ``S(w_j L + grad_j, l1 f_j) / (L + l2 f_j)`` with ``S`` the
    soft-thresholding operator (``max(z - t, 0)`` under ``positive``).
    """
    f_j = factor(penalty, j)
    threshold = penalty.l1 * f_j
    z = w_j * lipschitz_j + grad_j
    if penalty.positive:
        z = max(z - threshold, 0.0)
    elif z > threshold:
        z -= threshold
    elif z < -threshold:
        z += threshold
    else:
        return 0.0
    denominator = lipschitz_j + penalty.l2 * f_j
    return z / denominator if denominator > 0.0 else 0.0


@njit(inline=True)
def value(penalty, j, w_j):
    """``g_j(w_j)`` (0 for a feasible coefficient under ``positive``; never called with an
    infeasible one)."""
    return factor(penalty, j) * (penalty.l1 * abs(w_j) + 0.5 * penalty.l2 * w_j * w_j)


@njit
def total_value(penalty, values, features):
    """``sum_k g_j(values[k])`` with ``j = features[k]``."""
    total = 0.0
    for k in range(features.shape[0]):
        total += value(penalty, features[k], values[k])
    return total


@njit(inline=True)
def dual_slope(penalty, j, correlation):
    """How far feature ``j``'s dual constraint is used: ``|u| / f_j`` (``u / f_j`` under
    ``positive``) for the correlation ``u = x_j^T theta`` of a dual point; the constraint is
    ``slope <= l1``.  Only for penalized features."""
    u = correlation if penalty.positive else abs(correlation)
    return u / factor(penalty, j)


@njit(inline=True)
def conjugate(penalty, j, correlation):
    """``g_j^*(u)`` for ``u`` within the dual constraint's scaling (see :func:`dual_slope`):
    ``(|u| - l1 f_j)_+^2 / (2 l2 f_j)``, 0 without an L2 part (the constraint is then met by
    scaling the dual point)."""
    f_j = factor(penalty, j)
    if penalty.l2 == 0.0 or f_j == 0.0:
        return 0.0
    u = max(correlation, 0.0) if penalty.positive else abs(correlation)
    excess = max(u - penalty.l1 * f_j, 0.0)
    return excess * excess / (2.0 * penalty.l2 * f_j)


@njit(inline=True)
def violation(penalty, j, correlation, norm_j):
    """``(l1 f_j - |x_j^T r|) / norm_j`` for a zero coefficient (``x_j^T r`` minus the smooth
    part's derivative): negative when feature ``j`` violates its optimality condition, the
    most negative the largest decrease a step on it alone would bring; positive, the distance
    to its dual constraint (Massias, Gramfort and Salmon 2018)."""
    u = correlation if penalty.positive else abs(correlation)
    return (penalty.l1 * factor(penalty, j) - u) / norm_j


@njit(inline=True)
def project(penalty, j, w_j):
    """``w_j`` moved into the penalty's domain (``w_j >= 0`` under ``positive``): where an
    extrapolated iterate must land before its objective is compared.  The Elastic Net's
    domain is the same for every feature ``j``; bounds will not be."""
    return max(w_j, 0.0) if penalty.positive else w_j
