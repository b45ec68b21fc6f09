"""Duality gap of the least-squares Elastic Net, in the kernels' scaling.

The kernels minimise (``r = y - X w``, both centered and weighted, ``f`` penalty factors,
``k`` the L2 part's factors, ``k = f`` unless the fit is standardized)::

    P(w) = 1/2 sum_i s_i r_i^2 + l1_reg * sum_j f_j |w_j| + l2_reg/2 * sum_j k_j w_j^2

(``fastreg._engine.penalties`` converts the user's alpha and l1_ratio to ``l1_reg`` and
``l2_reg``, the fields ``l1`` and ``l2`` of the penalty tuple).

With ``l1_reg > 0`` the Elastic Net is a Lasso on the augmented data ``[X; sqrt(l2_reg K)]``,
``[y; 0]``, whose dual is ``D(theta) = theta.y - ||theta||^2 / 2`` subject to
``|x_j^T theta| <= l1_reg f_j`` on the sides where ``w_j`` is unbounded (one-sided,
``x_j^T theta <= l1_reg f_j``, for the non-negative Lasso).  The residual scaled into that set
is a dual point, and::

    gap = (||r||^2 + l2_reg W2) (1 + c^2) / 2 + l1_reg L1 - c r.y + sum_j h_j^*(c a_j),
    a_j = x_j^T r - l2_reg k_j w_j,   c = min(1, l1_reg / max_j slope_j(a_j))

(El Ghaoui et al. 2012; Fercoq, Gramfort and Salmon 2015; the same certificate as
scikit-learn's coordinate descent).  ``slope_j`` is ``|a_j| / f_j`` over the unbounded sides
and ``h_j^*`` the conjugate of the L1 part with the box (``fastreg._kernels._penalty``): a
finite bound lifts its side's constraint and adds ``hi_j (c a_j - l1_reg f_j)_+`` (or its
mirror image below) instead; without bounds the sum is 0.

With ``l1_reg = 0`` (a ridge penalty) that dual set is a single point, so the Fenchel dual of
the ridge penalty is used instead::

    gap = ||r||^2 - r.y + l2_reg W2 / 2 + sum_j (x_j^T r)_(+)^2 / (2 l2_reg k_j)

As ``r.y = ||r||^2 + sum_j w_j x_j^T r``, this is a sum of one Fenchel-Young gap per feature,
``g_j(w_j) + g_j^*(u_j) - w_j u_j`` with ``u_j = x_j^T r``, and it is computed in that form
(``(u_j - l2_reg k_j w_j)^2 / (2 l2_reg k_j)`` without bounds; ``_penalty``'s
``ridge_fenchel_young`` with them): every term is non-negative and is as accurate as the
correlations.  ``||r||^2 - r.y`` is the difference of two sums of the null deviance's size
that cancel almost exactly near the solution: its
rounding (about ``n eps`` times the deviance) left the gap of a fit to noiseless data at
-1e-14, rounding noise that any tol below about 1e-13 then compared against.

Features with ``f_j = 0`` (every feature when ``alpha = 0``) are unpenalized: their dual
constraint is ``x_j^T theta = 0``, which no scaling of the residual meets.  They are left out
of the scaling; their share
``-c w_j x_j^T r`` of ``-c r.y`` (``r.y = ||r||^2 + sum_j w_j x_j^T r``) is taken back out
(with ``l1_reg = 0`` they have no term at all), and
they add instead the decrease a step on them alone would still bring,
``(x_j^T r)^2 / (2 ||x_j||^2)`` (less when their bounds stop the step).  Both changes
vanish at the solution, where ``x_j^T r = 0``, so the gap still tends to the true
certificate, and a fit stops only once the unpenalized
features are stationary; with such features the gap is a convergence measure rather than a
strict bound.
"""

from ._jit import njit
from ._penalty import (
    box_conjugate,
    coordinate,
    factor,
    fenchel_young_of,
    free_step_of,
    has_bounds,
    l2_factor,
    slope_of,
)

# Running sums of a gap evaluation: (dual norm, sum f|w|, sum f w^2, additive terms,
# unpenalized coupling sum_j w_j x_j^T r).
ZERO_SUMS = (0.0, 0.0, 0.0, 0.0, 0.0)


@njit(inline=True)
def add_feature(sums, penalty, xtr, w_j, f_j, k_j, lo, hi, sqnorm_j):
    """Add one feature (``xtr = x_j^T r``, centered and weighted; ``f_j, lo, hi`` its factor
    and bounds, from ``_penalty.coordinate``, ``k_j`` its L2 factor) to the gap's running
    sums."""
    dual_norm, l1_sum, l2_sum, additive, coupling = sums
    l1_reg, l2_reg = penalty.l1, penalty.l2
    if f_j <= 0.0 or (l1_reg == 0.0 and l2_reg == 0.0):
        if sqnorm_j > 0.0:
            additive += free_step_of(lo, hi, w_j, xtr, sqnorm_j)
            coupling += w_j * xtr
        return dual_norm, l1_sum, l2_sum, additive, coupling
    score = slope_of(f_j, lo, hi, xtr - l2_reg * k_j * w_j)
    if l1_reg == 0.0:
        # The feature's Fenchel-Young gap (see the module docstring), in a form without
        # cancellation.
        additive += fenchel_young_of(l2_reg * k_j, lo, hi, w_j, xtr)
    return (max(dual_norm, score), l1_sum + f_j * abs(w_j), l2_sum + k_j * w_j * w_j, additive,
            coupling)


@njit(inline=True)
def dual_scale_of(penalty, dual_norm):
    """The dual point's scaling ``c = min(1, l1 / dual_norm)``."""
    return 1.0 if dual_norm <= penalty.l1 else penalty.l1 / dual_norm


@njit
def bound_terms(penalty, features, xtr, w, scale):
    """``sum_j h_j^*(c (x_j^T r - l2 k_j w_j))`` over the penalized ``features``: what finite
    bounds add to the gap of a penalty with an L1 part (``fastreg._kernels._penalty``'s
    :func:`box_conjugate`; 0 without bounds)."""
    total = 0.0
    if not has_bounds(penalty):
        return total
    for j in features:
        f_j = factor(penalty, j)
        if f_j > 0.0:
            k_j = l2_factor(penalty, j, f_j)
            total += box_conjugate(penalty, j, scale * (xtr[j] - penalty.l2 * k_j * w[j]))
    return total


@njit
def correlation_sums(penalty, features, xtr, w, col_sqnorm):
    """The gap's running sums over ``features`` from their correlations ``xtr[j] = x_j^T r``
    (finite bounds add :func:`with_bound_terms`).

    A loop of its own, over arrays only: fused into the pass that computes the correlations
    (one sparse dot product per feature), the same arithmetic ran 3x slower; and the bounds'
    second loop lives in its own function, whose mere presence here (not run without bounds)
    slowed least-squares fits by 30%.
    """
    sums = ZERO_SUMS
    for j in features:
        f_j, lo, hi = coordinate(penalty, j)
        sums = add_feature(sums, penalty, xtr[j], w[j], f_j, l2_factor(penalty, j, f_j), lo, hi,
                           col_sqnorm[j])
    return sums


@njit
def with_bound_terms(penalty, sums, features, xtr, w):
    """The sums of :func:`correlation_sums` with the finite bounds' conjugate terms
    (:func:`bound_terms`) added, once the dual point's scaling is known."""
    dual_norm, l1_sum, l2_sum, additive, coupling = sums
    if penalty.l1 > 0.0:
        additive += bound_terms(penalty, features, xtr, w, dual_scale_of(penalty, dual_norm))
    return dual_norm, l1_sum, l2_sum, additive, coupling


@njit
def combine_gap(penalty, r_sqnorm, r_dot_y, sums):
    """The duality gap from ``||r||^2``, ``r.y`` and the sums of :func:`add_feature`.

    Without an L1 part the gap is the sum of :func:`add_feature`'s per-feature terms alone:
    ``||r||^2 - r.y`` and the penalty's sums are already folded into them (see the module
    docstring).
    """
    dual_norm, l1_sum, l2_sum, additive, coupling = sums
    l1_reg, l2_reg = penalty.l1, penalty.l2
    if l1_reg == 0.0:
        return additive
    scale = dual_scale_of(penalty, dual_norm)
    return (
        0.5 * (r_sqnorm + l2_reg * l2_sum) * (1.0 + scale * scale)
        + l1_reg * l1_sum
        - scale * (r_dot_y - coupling)
        + additive
    )
