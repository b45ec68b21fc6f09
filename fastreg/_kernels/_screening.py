"""Working-set ranking and Gap Safe screening, from the correlations ``x_j^T r``.

``r`` is minus the smooth part's gradient in sample space (the weighted residual for least
squares, ``s_i y_i sigmoid(-y_i z_i)`` for the logistic loss); the datafit turns it into a
dual point ``theta`` (``c r`` and, for the logistic loss with an intercept, a small
correction bounded through ``radius``).  Both kernels look at feature j's dual constraint
``|x_j^T theta| <= l1 f_j`` through the penalty (``fastreg._kernels._penalty``).
"""

import numpy as np

from ._jit import njit
from ._penalty import dual_slope, factor, l2_factor, movable_correlation, violation


@njit
def dual_scale(penalty, xtr, coef, candidates):
    """``c = min(1, l1 / max_j slope_j)`` over the penalized candidates, with ``slope_j`` the
    penalty's :func:`~fastreg._kernels._penalty.dual_slope` of ``x_j^T r - l2 k_j w_j`` (the
    dual point of the augmented Lasso view of a least-squares Elastic Net)."""
    dual_norm = 0.0
    for j in candidates:
        f_j = factor(penalty, j)
        if f_j > 0.0:
            k_j = l2_factor(penalty, j, f_j)
            dual_norm = max(dual_norm,
                            dual_slope(penalty, j, xtr[j] - penalty.l2 * k_j * coef[j]))
    return 1.0 if dual_norm <= penalty.l1 else penalty.l1 / dual_norm


@njit
def gap_safe_screen(col_sqnorm, penalty, scale, radius, xtr, coef, candidates, dropped):
    """Gap Safe rule (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017).

    The optimal dual point lies within ``radius`` of ``theta`` (in the norm in which the dual
    is 1-strongly concave; the datafit computes the radius from the gap); where
    ``c |x_j^T r - l2 k_j w_j| + radius ||x_j|| < l1 f_j`` the constraint cannot be active at
    the optimum, and ``w_j = 0`` there.  With bounds only the directions the coefficient can
    move from 0 count (``_penalty.movable_correlation``): ``0`` is the optimum of feature j
    when the optimal dual correlation leaves its subdifferential at 0 in none of them, and
    a finite bound changes the dual's domain, not its strong concavity, so the ball is the
    same.  ``||x_j||`` is the augmented column's norm,
    ``sqrt(||x_j||^2 + l2 k_j)`` (a datafit whose dual is not the augmented one passes a
    penalty view with ``l2 = 0``).

    The kept features are moved to the front of ``candidates``; the screened ones with a
    non-zero coefficient are written to ``dropped`` (sized for every non-zero) for the caller
    to set to zero, with its own state following.  Returns ``(kept, n_dropped)``.  Only valid
    when every feature is penalized and ``l1 > 0`` (the gap is then a strict bound).
    """
    kept = 0
    n_dropped = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = factor(penalty, j)
        k_j = l2_factor(penalty, j, f_j)
        bound = movable_correlation(penalty, j, scale * (xtr[j] - penalty.l2 * k_j * coef[j]))
        bound += radius * (col_sqnorm[j] + penalty.l2 * k_j) ** 0.5
        screened = bound < penalty.l1 * f_j
        if coef[j] != 0.0 and screened:
            dropped[n_dropped] = j
            n_dropped += 1
        # Without a branch on the test: whether a zero feature is screened is a coin toss
        # early in a fit, and the mispredictions made this loop 2-3.5x slower (6-10 ns per
        # feature instead of 3).
        candidates[kept] = j
        kept += not screened
    return kept, n_dropped


@njit
def violation_scores(penalty, col_sqnorm, xtr, coef, candidates, score):
    """``score[k]``: the penalty's :func:`~fastreg._kernels._penalty.violation` of feature
    ``j = candidates[k]`` over ``||x_j||`` (the augmented column's norm, as in Gap Safe
    screening).

    Active and unpenalized features score ``-inf`` (always in a working set), zero columns
    (which never move) ``+inf``.  Returns the number of violating zero features.
    """
    violators = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = factor(penalty, j)
        if coef[j] != 0.0 or f_j == 0.0:
            score[k] = -np.inf
        elif col_sqnorm[j] == 0.0:
            score[k] = np.inf
        else:
            augmented = col_sqnorm[j] + penalty.l2 * l2_factor(penalty, j, f_j)
            score[k] = violation(penalty, j, xtr[j], augmented**0.5)
            # Counted without a branch, as screening keeps its features (3 ns per feature
            # instead of 11 when a third of them violate).
            violators += score[k] < 0.0
    return violators
