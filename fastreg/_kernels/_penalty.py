"""The penalty as the kernels see it: a small NamedTuple and the per-coordinate operations
every solver, gap and screening kernel takes from it.

The Elastic Net penalty with box constraints, in the kernels' scaling
(``fastreg._engine.penalties`` converts the user's alpha and l1_ratio)::

    g(w) = sum_j g_j(w_j),  g_j(w_j) = l1 f_j |w_j| + l2 / 2 k_j w_j^2 + I(lo_j <= w_j <= hi_j)

with penalty factors ``f_j >= 0`` (an empty ``factors`` array means all ones), the L2 part's
factors ``k_j`` (``k_j = f_j`` unless the fit is standardized: :func:`l2_factor`) and bounds
``lo_j <= 0 <= hi_j`` (empty ``lower`` / ``upper`` arrays mean ``-inf`` / ``+inf``; the
non-negative Lasso is ``lo = 0``), glmnet's ``lower.limits`` / ``upper.limits``.  Zero is
always feasible, so the null model and alpha_max keep their meaning.

A kernel never looks inside the tuple: it calls the functions below, so that a new penalty
(groups) is a new tuple type and new versions of these functions, not a new solver.  See
docs/architecture.md.

**Conjugates with bounds** (the dual the gaps and screening use; Fenchel duality as in
Ndiaye, Fercoq, Gramfort and Salmon 2017, "Gap safe screening rules for sparsity enforcing
penalties", JMLR, with the box's support function).  Write ``t = l1 f_j`` and ``k = l2 k_j``.
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
from numba import types
from numba.extending import overload

from ._jit import JIT_OPTIONS, njit


class ElasticNetPenalty(NamedTuple):
    """``l1``, ``l2`` (kernel scaling), ``factors`` (empty: all ones) and ``positive``
    (``lo = 0`` for every feature): the Elastic Net without other bounds."""

    l1: float
    l2: float
    factors: np.ndarray
    positive: bool


class BoxPenalty(NamedTuple):
    """The general Elastic Net: ``l1``, ``l2``, ``factors`` as :class:`ElasticNetPenalty`,
    the bounds ``lower`` (empty: ``-inf``) and ``upper`` (empty: ``+inf``), and
    ``l2_factors`` (empty: ``factors``), the L2 part's own factors ``k_j`` in place of
    ``f_j``: ``g_j(w_j) = l1 f_j |w_j| + l2 / 2 k_j w_j^2``.  Standardization needs them
    (``f_j`` scaled by the column's standard deviation, ``k_j`` by its square).

    A type of its own, so that the kernels compiled for the plain Elastic Net carry no
    trace of these: the bounds' branches, compiled in and never taken, made least-squares
    fits 30% slower.
    """

    l1: float
    l2: float
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    l2_factors: np.ndarray


@njit(inline=True)
def factor(penalty, j):
    """Penalty factor of feature ``j``."""
    return 1.0 if penalty.factors.size == 0 else penalty.factors[j]


def coordinate(penalty, j):
    """``(f_j, lo_j, hi_j)``: feature ``j``'s factor and bounds (infinite where unbounded).

    The per-coordinate functions below read the tuple through this one call and do the rest
    on scalars: two inlined calls reading the tuple's arrays in one function made the
    kernels' per-feature loops 20x slower (violation scores: 4 -> 76 ns per feature).
    """
    f_j = 1.0 if penalty.factors.size == 0 else penalty.factors[j]
    if isinstance(penalty, BoxPenalty):
        lo = -np.inf if penalty.lower.size == 0 else penalty.lower[j]
        hi = np.inf if penalty.upper.size == 0 else penalty.upper[j]
        return f_j, lo, hi
    return f_j, (0.0 if penalty.positive else -np.inf), np.inf


def l2_factor(penalty, j, f_j):
    """The factor ``k_j`` of feature ``j``'s L2 part, given its L1 factor ``f_j`` (the same
    but for a :class:`BoxPenalty` with ``l2_factors``)."""
    if isinstance(penalty, BoxPenalty) and penalty.l2_factors.size:
        return penalty.l2_factors[j]
    return f_j


def has_bounds(penalty):
    """Whether the penalty has bounds other than ``positive`` (a gap then needs the
    conjugates' linear parts); a constant of the compiled kernel."""
    return isinstance(penalty, BoxPenalty)


@njit(inline=True)
def _lower(penalty, j):
    return -np.inf if penalty.lower.size == 0 else penalty.lower[j]


@njit(inline=True)
def _upper(penalty, j):
    return np.inf if penalty.upper.size == 0 else penalty.upper[j]


@njit(inline=True)
def _positive_lower(penalty):
    return 0.0 if penalty.positive else -np.inf


def _is_box(penalty):
    return isinstance(penalty, types.NamedTuple) and penalty.instance_class is BoxPenalty


@overload(coordinate, jit_options=JIT_OPTIONS)
def _coordinate_jit(penalty, j):
    if _is_box(penalty):

        def box(penalty, j):
            return factor(penalty, j), _lower(penalty, j), _upper(penalty, j)

        return box

    def elastic_net(penalty, j):
        return factor(penalty, j), _positive_lower(penalty), np.inf

    return elastic_net


@overload(l2_factor, jit_options=JIT_OPTIONS)
def _l2_factor_jit(penalty, j, f_j):
    if _is_box(penalty):
        return lambda penalty, j, f_j: (
            f_j if penalty.l2_factors.size == 0 else penalty.l2_factors[j])
    return lambda penalty, j, f_j: f_j


@overload(has_bounds, jit_options=JIT_OPTIONS)
def _has_bounds_jit(penalty):
    if _is_box(penalty):
        return lambda penalty: True
    return lambda penalty: False


@njit(inline=True)
def prox_step(penalty, j, w_j, grad_j, lipschitz_j):
    """Minimiser over ``lo_j <= v <= hi_j`` of ``-grad_j (v - w_j) + lipschitz_j / 2 (v -
    w_j)^2 + f_j (l1 |v| + l2 / 2 v^2)``.

    ``grad_j`` is minus the smooth part's derivative (``x_j^T r`` for least squares), so this
    is the exact coordinate minimiser of a quadratic and the proximal-gradient step of any
    other smooth loss: ``S(w_j L + grad_j, l1 f_j) / (L + l2 k_j)`` with ``S`` the
    soft-thresholding operator, clipped into the bounds (a convex function of one variable is
    minimised over an interval at the projection of its unconstrained minimiser).
    """
    f_j, lo, hi = coordinate(penalty, j)
    threshold = penalty.l1 * f_j
    z = w_j * lipschitz_j + grad_j
    if z > threshold:
        z -= threshold
    elif z < -threshold:
        z += threshold
    else:
        return 0.0
    denominator = lipschitz_j + penalty.l2 * l2_factor(penalty, j, f_j)
    if denominator <= 0.0:
        return 0.0
    return min(max(z / denominator, lo), hi)


@njit(inline=True)
def value(penalty, j, w_j):
    """``g_j(w_j)`` (the box's indicator is 0: never called with an infeasible ``w_j``)."""
    f_j = factor(penalty, j)
    return f_j * penalty.l1 * abs(w_j) + 0.5 * penalty.l2 * l2_factor(penalty, j, f_j) * w_j * w_j


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
    f_j, lo, hi = coordinate(penalty, j)
    return slope_of(f_j, lo, hi, correlation)


@njit(inline=True)
def slope_of(f_j, lo, hi, correlation):
    """:func:`dual_slope` on scalars."""
    up = correlation if hi == np.inf else -np.inf
    down = -correlation if lo == -np.inf else -np.inf
    return max(up, down) / f_j


@njit(inline=True)
def _linear_conjugate(threshold, lo, hi, a):
    """:func:`box_conjugate` on scalars (``threshold = l1 f_j``)."""
    if a > threshold:
        return hi * (a - threshold) if hi < np.inf else 0.0
    if a < -threshold:
        return lo * (a + threshold) if lo > -np.inf else 0.0
    return 0.0


@njit(inline=True)
def box_conjugate(penalty, j, a):
    """``h_j^*(a)`` on the sides with a finite bound, 0 on the others (where the dual
    point's scaling meets the constraint instead): ``hi (a - l1 f_j)_+ + lo (a + l1
    f_j)_-`` (module docstring)."""
    f_j, lo, hi = coordinate(penalty, j)
    return _linear_conjugate(penalty.l1 * f_j, lo, hi, a)


@njit(inline=True)
def conjugate(penalty, j, correlation):
    """``g_j^*(u)`` for ``u`` within the dual constraint's scaling (see :func:`dual_slope`):
    ``(|u| - l1 f_j)_+^2 / (2 l2 k_j)`` while the maximiser is within its bounds, linear
    beyond (module docstring); without an L2 part the finite bounds' linear terms only
    (:func:`box_conjugate`).  0 for an unpenalized feature."""
    f_j, lo, hi = coordinate(penalty, j)
    if f_j == 0.0:
        return 0.0
    threshold = penalty.l1 * f_j
    if penalty.l2 == 0.0:
        return _linear_conjugate(threshold, lo, hi, correlation)
    curvature = penalty.l2 * l2_factor(penalty, j, f_j)
    if correlation > threshold:
        excess = correlation - threshold
        v = min(excess / curvature, hi)
    elif correlation < -threshold:
        excess = correlation + threshold
        v = max(excess / curvature, lo)
    else:
        return 0.0
    return v * (excess - 0.5 * curvature * v)


@njit(inline=True)
def ridge_fenchel_young(penalty, j, w_j, correlation):
    """``g_j(w_j) + g_j^*(u) - w_j u`` for a penalty without an L1 part (``u = x_j^T r``),
    in a form without cancellation: with ``v`` the maximiser of the conjugate (``u / k``
    clipped into the bounds, ``k = l2 k_j``), ``k / 2 (w_j - v)^2 + (v - w_j) (u - k v)``,
    two non-negative terms (the second is 0 unless ``v`` is at a bound, where ``u - k v``
    has the sign of ``v - w_j``)."""
    f_j, lo, hi = coordinate(penalty, j)
    return fenchel_young_of(penalty.l2 * l2_factor(penalty, j, f_j), lo, hi, w_j, correlation)


@njit(inline=True)
def fenchel_young_of(curvature, lo, hi, w_j, correlation):
    """:func:`ridge_fenchel_young` on scalars (``curvature = l2 k_j``)."""
    v = min(max(correlation / curvature, lo), hi)
    step = w_j - v
    return 0.5 * curvature * step * step - step * (correlation - curvature * v)


@njit(inline=True)
def free_step_decrease(penalty, j, w_j, correlation, curvature):
    """What one step on an unpenalized feature alone would still gain on a quadratic model
    of curvature ``curvature`` (``||x_j||^2`` for least squares): ``u d - curvature d^2 / 2``
    with ``d = u / curvature`` clipped so that ``w_j + d`` stays within the bounds."""
    _, lo, hi = coordinate(penalty, j)
    return free_step_of(lo, hi, w_j, correlation, curvature)


@njit(inline=True)
def free_step_of(lo, hi, w_j, correlation, curvature):
    """:func:`free_step_decrease` on scalars."""
    step = min(max(correlation / curvature, lo - w_j), hi - w_j)
    return correlation * step - 0.5 * curvature * step * step


@njit(inline=True)
def movable_correlation(penalty, j, correlation):
    """The correlation in the directions feature ``j`` can move from 0: ``max(u, -u)`` over
    the sides whose bound is not 0 (``u`` for the non-negative Lasso), ``-inf`` when both
    bounds are 0 (the coefficient cannot leave 0)."""
    _, lo, hi = coordinate(penalty, j)
    return _movable(lo, hi, correlation)


@njit(inline=True)
def _movable(lo, hi, correlation):
    """:func:`movable_correlation` on scalars."""
    up = correlation if hi > 0.0 else -np.inf
    down = -correlation if lo < 0.0 else -np.inf
    return max(up, down)


@njit(inline=True)
def violation(penalty, j, correlation, norm_j):
    """``(l1 f_j - |x_j^T r|) / norm_j`` for a zero coefficient (``x_j^T r`` minus the smooth
    part's derivative, in the directions it can move: :func:`movable_correlation`): negative
    when feature ``j`` violates its optimality condition, the most negative the largest
    decrease a step on it alone would bring; positive, the distance to its dual constraint
    (Massias, Gramfort and Salmon 2018)."""
    f_j, lo, hi = coordinate(penalty, j)
    return (penalty.l1 * f_j - _movable(lo, hi, correlation)) / norm_j


@njit(inline=True)
def project(penalty, j, w_j):
    """``w_j`` moved into its bounds: where an extrapolated iterate must land before its
    objective is compared."""
    _, lo, hi = coordinate(penalty, j)
    return min(max(w_j, lo), hi)
