"""The penalty as the kernels see it: a small NamedTuple and the per-coordinate operations
every solver, gap and screening kernel takes from it.

The Elastic Net penalty with box constraints, in the kernels' scaling
(``fastreg._engine.penalties`` converts the user's alpha and l1_ratio)::

    g(w) = sum_j g_j(w_j),  g_j(w_j) = f_j (l1 |w_j| + l2 / 2 w_j^2) + I(lo_j <= w_j <= hi_j)

with penalty factors ``f_j >= 0`` (an empty ``factors`` array means all ones) and bounds
``lo_j <= 0 <= hi_j`` (empty ``lower`` / ``upper`` arrays mean ``-inf`` / ``+inf``; the
non-negative Lasso is ``lo = 0``), glmnet's ``lower.limits`` / ``upper.limits``.  Zero is
always feasible, so the null model and alpha_max keep their meaning.

A kernel never looks inside the tuple: it calls the functions below, so that a new penalty
(groups) is a new tuple type and new versions of these functions, not a new solver.  See
docs/architecture.md.

**Conjugates with bounds** (the dual the gaps and screening use; Fenchel duality as in
Ndiaye, Fercoq, Gramfort and Salmon 2017, "Gap safe screening rules for sparsity enforcing
penalties", JMLR, with the box's support function).  Write ``t = l1 f_j`` and ``k = l2 f_j``.
The L1 part with the box, ``h_j(w) = t |w| + I(lo <= w <= hi)``, has the conjugate

    h_j^*(a) = hi (a - t)  for a > t,   0 for |a| <= t,   lo (a + t)  for a < -t,

``+inf`` on a side whose bound is infinite: that side is the constraint ``a <= t`` (or
``a >= -t``) of the Lasso's dual, which the dual point is scaled into; a finite bound removes
the constraint on its side and adds a linear term instead.  With the L2 part,
``g_j^*(u) = v (u - t) - k v^2 / 2`` with ``v = min((u - t) / k, hi)`` for ``u > t`` (and
the mirror image below ``-t``): the unconstrained ``(|u| - t)^2 / (2 k)`` until the
maximiser reaches its bound, linear beyond.
"""

from typing import NamedTuple

import numpy as np

from ._jit import njit


class ElasticNetPenalty(NamedTuple):
    """``l1``, ``l2`` (kernel scaling), ``factors`` (empty: all ones) and the bounds ``lower``
    (empty: ``-inf``) and ``upper`` (empty: ``+inf``)."""

    l1: float
    l2: float
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@njit(inline=True)
def factor(penalty, j):
    """Penalty factor of feature ``j``."""
    return 1.0 if penalty.factors.size == 0 else penalty.factors[j]


@njit(inline=True)
def lower_bound(penalty, j):
    """``lo_j`` (``-inf`` without a lower bound)."""
    return -np.inf if penalty.lower.size == 0 else penalty.lower[j]


@njit(inline=True)
def upper_bound(penalty, j):
    """``hi_j`` (``+inf`` without an upper bound)."""
    return np.inf if penalty.upper.size == 0 else penalty.upper[j]


@njit(inline=True)
def has_bounds(penalty):
    """Whether any coefficient is bounded (a gap then needs the conjugates' linear parts)."""
    return penalty.lower.size > 0 or penalty.upper.size > 0


@njit(inline=True)
def prox_step(penalty, j, w_j, grad_j, lipschitz_j):
    """Minimiser over ``lo_j <= v <= hi_j`` of ``-grad_j (v - w_j) + lipschitz_j / 2 (v -
    w_j)^2 + f_j (l1 |v| + l2 / 2 v^2)``.

    ``grad_j`` is minus the smooth part's derivative (``x_j^T r`` for least squares), so this
    is the exact coordinate minimiser of a quadratic and the proximal-gradient step of any
    other smooth loss: ``S(w_j L + grad_j, l1 f_j) / (L + l2 f_j)`` with ``S`` the
    soft-thresholding operator, clipped into the bounds (a convex function of one variable is
    minimised over an interval at the projection of its unconstrained minimiser).
    """
    f_j = factor(penalty, j)
    threshold = penalty.l1 * f_j
    z = w_j * lipschitz_j + grad_j
    if z > threshold:
        z -= threshold
    elif z < -threshold:
        z += threshold
    else:
        return 0.0
    denominator = lipschitz_j + penalty.l2 * f_j
    if denominator <= 0.0:
        return 0.0
    return min(max(z / denominator, lower_bound(penalty, j)), upper_bound(penalty, j))


@njit(inline=True)
def value(penalty, j, w_j):
    """``g_j(w_j)`` (the box's indicator is 0: never called with an infeasible ``w_j``)."""
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
    """How far feature ``j``'s dual constraint is used by the correlation ``u = x_j^T theta``
    of a dual point: ``max(u, -u) / f_j`` over the sides whose bound is infinite (``u / f_j``
    for the non-negative Lasso, ``-inf`` when both bounds are finite: no constraint); the
    constraint is ``slope <= l1``.  Only for penalized features."""
    up = correlation if upper_bound(penalty, j) == np.inf else -np.inf
    down = -correlation if lower_bound(penalty, j) == -np.inf else -np.inf
    return max(up, down) / factor(penalty, j)


@njit(inline=True)
def box_conjugate(penalty, j, a):
    """``h_j^*(a)`` on the sides with a finite bound, 0 on the others (where the dual
    point's scaling meets the constraint instead): ``hi (a - l1 f_j)_+ + lo (a + l1
    f_j)_-`` (module docstring)."""
    threshold = penalty.l1 * factor(penalty, j)
    if a > threshold:
        hi = upper_bound(penalty, j)
        return hi * (a - threshold) if hi < np.inf else 0.0
    if a < -threshold:
        lo = lower_bound(penalty, j)
        return lo * (a + threshold) if lo > -np.inf else 0.0
    return 0.0


@njit(inline=True)
def conjugate(penalty, j, correlation):
    """``g_j^*(u)`` for ``u`` within the dual constraint's scaling (see :func:`dual_slope`):
    ``(|u| - l1 f_j)_+^2 / (2 l2 f_j)`` while the maximiser is within its bounds, linear
    beyond (module docstring); without an L2 part the finite bounds' linear terms only
    (:func:`box_conjugate`).  0 for an unpenalized feature."""
    f_j = factor(penalty, j)
    if f_j == 0.0:
        return 0.0
    if penalty.l2 == 0.0:
        return box_conjugate(penalty, j, correlation)
    threshold = penalty.l1 * f_j
    curvature = penalty.l2 * f_j
    if correlation > threshold:
        excess = correlation - threshold
        v = min(excess / curvature, upper_bound(penalty, j))
    elif correlation < -threshold:
        excess = correlation + threshold
        v = max(excess / curvature, lower_bound(penalty, j))
    else:
        return 0.0
    return v * (excess - 0.5 * curvature * v)


@njit(inline=True)
def ridge_fenchel_young(penalty, j, w_j, correlation):
    """``g_j(w_j) + g_j^*(u) - w_j u`` for a penalty without an L1 part (``u = x_j^T r``),
    in a form without cancellation: with ``v`` the maximiser of the conjugate (``u / k``
    clipped into the bounds, ``k = l2 f_j``), ``k / 2 (w_j - v)^2 + (v - w_j) (u - k v)``,
    two non-negative terms (the second is 0 unless ``v`` is at a bound, where ``u - k v``
    has the sign of ``v - w_j``)."""
    curvature = penalty.l2 * factor(penalty, j)
    v = min(max(correlation / curvature, lower_bound(penalty, j)), upper_bound(penalty, j))
    step = w_j - v
    return 0.5 * curvature * step * step - step * (correlation - curvature * v)


@njit(inline=True)
def free_step_decrease(penalty, j, w_j, correlation, curvature):
    """What one step on an unpenalized feature alone would still gain on a quadratic model
    of curvature ``curvature`` (``||x_j||^2`` for least squares): ``u d - curvature d^2 / 2``
    with ``d = u / curvature`` clipped so that ``w_j + d`` stays within the bounds."""
    step = min(max(correlation / curvature, lower_bound(penalty, j) - w_j),
               upper_bound(penalty, j) - w_j)
    return correlation * step - 0.5 * curvature * step * step


@njit(inline=True)
def movable_correlation(penalty, j, correlation):
    """The correlation in the directions feature ``j`` can move from 0: ``max(u, -u)`` over
    the sides whose bound is not 0 (``u`` for the non-negative Lasso), ``-inf`` when both
    bounds are 0 (the coefficient cannot leave 0)."""
    up = correlation if upper_bound(penalty, j) > 0.0 else -np.inf
    down = -correlation if lower_bound(penalty, j) < 0.0 else -np.inf
    return max(up, down)


@njit(inline=True)
def violation(penalty, j, correlation, norm_j):
    """``(l1 f_j - |x_j^T r|) / norm_j`` for a zero coefficient (``x_j^T r`` minus the smooth
    part's derivative, in the directions it can move: :func:`movable_correlation`): negative
    when feature ``j`` violates its optimality condition, the most negative the largest
    decrease a step on it alone would bring; positive, the distance to its dual constraint
    (Massias, Gramfort and Salmon 2018)."""
    return (penalty.l1 * factor(penalty, j) - movable_correlation(penalty, j, correlation)) / (
        norm_j)


@njit(inline=True)
def project(penalty, j, w_j):
    """``w_j`` moved into its bounds: where an extrapolated iterate must land before its
    objective is compared."""
    return min(max(w_j, lower_bound(penalty, j)), upper_bound(penalty, j))
