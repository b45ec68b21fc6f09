r"""The logistic loss: its value, gradient and Newton weights in sample space, and its
duality gap.

In the kernels' scaling (sums, not means), with labels ``y_i in {-1, +1}``, sample weights
``s_i`` and the linear predictor ``z = X w + b``::

    P(w, b) = sum_i s_i log(1 + exp(-y_i z_i)) + g(w)

with ``g`` the penalty (``fastreg._kernels._penalty``).  Minus the loss's derivative in
``z_i`` is ``r_i = s_i y_i sigmoid(-y_i z_i)``; the kernels keep ``v_i = y_i sigmoid(-y_i z_i)``
and let the sample weights multiply it in the correlation pass, as they do for the least
squares residual, so that ``x_j^T r`` is what the working sets, the screening and the
coordinate steps see for either loss.

**Dual** (Ndiaye, Fercoq, Gramfort and Salmon 2017, "Gap safe screening rules for sparsity
enforcing penalties", JMLR; the binary entropy as the conjugate of the logistic loss): with
``H(a) = -a log a - (1 - a) log(1 - a)``,

.. math::

    D(\theta) = \sum_i s_i H(y_i \theta_i / s_i) - \sum_j g_j^*(x_j^\top \theta),
    \qquad 0 \le y_i \theta_i \le s_i, \quad \textstyle\sum_i \theta_i = 0
    \ \text{(with an intercept)}.

``g_j^*`` is the indicator of ``|u| <= l1 f_j`` for the Lasso and
``(|u| - l1 f_j)_+^2 / (2 l2 k_j)`` with an L2 part (with bounds, linear on a bounded side
beyond the bound: ``fastreg._kernels._penalty``).  At the optimum ``theta = r``.

**Dual point.**  ``r`` lies in the box; with an intercept it sums to zero only at the
optimum.  Its larger part (the positive or the negative labels' share) is shrunk until
``sum_i theta_i = 0``, which keeps every ``y_i theta_i`` in ``[0, s_i]``: ``theta = r - d``,
``d`` that part times ``1 - P/N`` (or ``1 - N/P``).  Rather than a second pass over X for
``X^T d``, the kernels bound it: ``sum_i theta_i = 0`` makes ``x_j^T theta`` equal to
``(x_j - m_j)^T theta`` for the (weighted) column mean ``m_j``, and Cauchy-Schwarz gives
``|(x_j - m_j)^T d| <= ||x_j - m_j||_s delta`` with ``delta^2 = sum_i d_i^2 / s_i``.  The
Lasso's dual point is then ``c (r - d)`` with ``c = min(1, l1 / max_j (|x_j^T r| + ||x_j||
delta) / f_j)``, feasible; with an L2 part ``c = 1`` and the conjugate is evaluated at that
bound, which only lowers the dual value.  Both corrections vanish at the optimum, so the gap
tends to 0 and always bounds the suboptimality.

**Screening.**  ``H`` has ``H'' <= -4``: ``D`` is 4-strongly concave in the norm
``||theta||^2 = sum_i theta_i^2 / s_i``, so the optimal dual point is within
``sqrt(gap / 2)`` of the dual point, and ``|x_j^T theta*| <= c (|x_j^T r| + ||x_j|| delta) +
||x_j|| sqrt(gap / 2)``: Gap Safe's test with radius ``c delta + sqrt(gap / 2)``.

Features with ``f_j = 0`` are unpenalized: no scaling meets their constraint
``x_j^T theta = 0``; they are left out of it and add ``2 (x_j^T r)^2 / ||x_j||^2`` (what a
step on them alone could still gain, with the loss's curvature bound 1/4), which vanishes at
the solution: with such features the gap is a convergence measure, not a strict bound.
"""

import numpy as np

from ._jit import njit
from ._penalty import (
    box_conjugate,
    conjugate,
    dual_slope,
    factor,
    free_step_decrease,
    has_bounds,
    value,
)

# exp(-t) underflows to 0 in float64 beyond this; the loss is then t's tail, exactly.
_EXP_LIMIT = 700.0
# The Newton weight of a sample is at least this fraction of its sample weight: a margin of
# about 30 leaves a weight of 1e-13 whose working response would overflow.
_MIN_CURVATURE = 1e-12


@njit(inline=True)
def _log1p_exp(t):
    """``log(1 + exp(t))`` without overflow."""
    if t > 0.0:
        return t + np.log1p(np.exp(-t)) if t < _EXP_LIMIT else t
    return np.log1p(np.exp(t))


@njit(inline=True)
def _sigmoid(t):
    """``1 / (1 + exp(-t))`` without overflow."""
    if t >= 0.0:
        return 1.0 / (1.0 + np.exp(-min(t, _EXP_LIMIT)))
    e = np.exp(max(t, -_EXP_LIMIT))
    return e / (1.0 + e)


@njit(inline=True)
def _entropy(a):
    """The binary entropy ``-a log a - (1 - a) log(1 - a)`` on ``[0, 1]``."""
    total = 0.0
    if a > 0.0:
        total -= a * np.log(a)
    if a < 1.0:
        total -= (1.0 - a) * np.log1p(-a)
    return total


@njit
def logistic_residual(y, weights, z, v):
    """Fill ``v_i = y_i sigmoid(-y_i z_i)``; return the loss and the sums the gap needs.

    Returns ``(loss, positive, negative, positive_sq, negative_sq)``: ``sum_i s_i log(1 +
    exp(-y_i z_i))``, ``sum s_i |v_i|`` over the positive and over the negative labels, and
    ``sum s_i v_i^2`` over each (``weights`` empty: unit weights).
    """
    loss = positive = negative = positive_sq = negative_sq = 0.0
    for i in range(z.shape[0]):
        s = 1.0 if weights.size == 0 else weights[i]
        margin = y[i] * z[i]
        p = _sigmoid(-margin)
        v[i] = y[i] * p
        loss += s * _log1p_exp(-margin)
        if y[i] > 0.0:
            positive += s * p
            positive_sq += s * p * p
        else:
            negative += s * p
            negative_sq += s * p * p
    return loss, positive, negative, positive_sq, negative_sq


@njit
def logistic_loss(y, weights, z, dz, step):
    """``sum_i s_i log(1 + exp(-y_i (z_i + step dz_i)))``: the line search's loss."""
    loss = 0.0
    for i in range(z.shape[0]):
        s = 1.0 if weights.size == 0 else weights[i]
        loss += s * _log1p_exp(-y[i] * (z[i] + step * dz[i]))
    return loss


@njit
def newton_weights(y, weights, z, curvature, response):
    """The quadratic model of the loss at ``z``:
    ``loss(z + u) ~ loss(z) + 1/2 sum_i h_i (t_i - u_i)^2 + const``.

    ``curvature[i] = h_i = s_i sigmoid(z_i) sigmoid(-z_i)`` (floored at a tiny fraction of
    ``s_i``) and ``response[i] = t_i`` = minus the loss's derivative over ``h_i``,
    ``y_i / sigmoid(y_i z_i)`` (IRLS's working response, less the current predictor).
    Returns ``sum_i h_i``.
    """
    total = 0.0
    for i in range(z.shape[0]):
        s = 1.0 if weights.size == 0 else weights[i]
        p = _sigmoid(y[i] * z[i])
        h = s * max(p * (1.0 - p), _MIN_CURVATURE)
        curvature[i] = h
        # A sample of weight 0 has no say in the model: any response will do.
        response[i] = y[i] * (1.0 - p) / max(p * (1.0 - p), _MIN_CURVATURE)
        total += h
    return total


@njit
def logistic_gap(penalty, y, weights, v, sums, fit_intercept, col_sqnorm, features, w, xtr):
    """The duality gap over ``features`` (every non-zero ``w_j`` among them), from ``v`` and
    ``sums`` of :func:`logistic_residual` and the centered correlations ``xtr[j] = sum_i s_i
    (x_ij - m_j) v_i``.

    Returns ``(gap, scale, delta)``: the dual point's scaling ``c`` and the bound ``delta``
    of its intercept correction (module docstring), which Gap Safe screening needs.
    """
    loss, positive, negative, positive_sq, negative_sq = sums
    shrink_positive = shrink_negative = 1.0
    delta = 0.0
    if fit_intercept:
        if positive > negative:
            shrink_positive = negative / positive
            delta = (1.0 - shrink_positive) * np.sqrt(positive_sq)
        elif negative > positive:
            shrink_negative = positive / negative
            delta = (1.0 - shrink_negative) * np.sqrt(negative_sq)
    dual_norm = 0.0
    penalty_sum = 0.0
    conjugate_sum = 0.0
    unpenalized = 0.0
    for j in features:
        f_j = factor(penalty, j)
        if f_j <= 0.0:
            if col_sqnorm[j] > 0.0:
                unpenalized += free_step_decrease(penalty, j, w[j], xtr[j],
                                                  0.25 * col_sqnorm[j])
            continue
        penalty_sum += value(penalty, j, w[j])
        # x_j^T theta is within reach of x_j^T r (the correction d): the dual's terms are
        # convex in it, so the worse end of that interval bounds them.
        reach = np.sqrt(col_sqnorm[j]) * delta
        dual_norm = max(dual_norm, dual_slope(penalty, j, xtr[j] + reach),
                        dual_slope(penalty, j, xtr[j] - reach))
        if penalty.l2 > 0.0:
            conjugate_sum += max(conjugate(penalty, j, xtr[j] + reach),
                                 conjugate(penalty, j, xtr[j] - reach))
    scale = 1.0
    if penalty.l2 == 0.0:
        if dual_norm > penalty.l1:
            scale = penalty.l1 / dual_norm
        if has_bounds(penalty):
            # Finite bounds' linear terms, at the scaled dual point (see ``_penalty``).
            for j in features:
                if factor(penalty, j) > 0.0:
                    reach = np.sqrt(col_sqnorm[j]) * delta
                    conjugate_sum += max(box_conjugate(penalty, j, scale * (xtr[j] + reach)),
                                         box_conjugate(penalty, j, scale * (xtr[j] - reach)))
    dual = 0.0
    for i in range(v.shape[0]):
        s = 1.0 if weights.size == 0 else weights[i]
        shrink = shrink_positive if y[i] > 0.0 else shrink_negative
        dual += s * _entropy(scale * shrink * y[i] * v[i])
    gap = loss + penalty_sum - dual + conjugate_sum + unpenalized
    return gap, scale, delta
