"""Working-set ranking and Gap Safe screening, from the correlations ``x_j^T S r``.

Both look at the dual point ``theta = c r`` of ``fastreg._kernels._gap`` (the residual scaled
into the dual feasible set) through ``x_j^T theta - c l2_reg f_j w_j``: how close feature j's
dual constraint ``|.| <= l1_reg f_j`` is to being active.
"""

import numpy as np

from ._gap import feature_penalty
from ._jit import njit
from ._primitives import col_axpy


@njit
def _dual_correlation(xtr, w_j, f_j, l2_reg, positive, scale):
    xta = scale * (xtr - l2_reg * f_j * w_j)
    return xta if positive else abs(xta)


@njit
def dual_scale(xtr, coef, penalty_factor, l1_reg, l2_reg, positive, candidates):
    """``c = min(1, l1_reg / max_j |x_j^T r - l2_reg f_j w_j| / f_j)`` over penalized j."""
    dual_norm = 0.0
    for j in candidates:
        f_j = feature_penalty(penalty_factor, j)
        if f_j > 0.0:
            dual_norm = max(dual_norm,
                            _dual_correlation(xtr[j], coef[j], f_j, l2_reg, positive, 1.0) / f_j)
    return 1.0 if dual_norm <= l1_reg else l1_reg / dual_norm


@njit
def gap_safe_screen(X, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, scale,
                    radius, xtr, coef, residual, candidates):
    """Gap Safe rule (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017).

    The dual is 1-strongly concave, so the optimal dual point lies within ``radius =
    sqrt(2 gap)`` of theta; where ``|x_j^T theta| + radius ||x_j|| < l1_reg f_j`` the
    constraint cannot be active at the optimum and ``w_j = 0`` there.  For the Elastic Net
    ``||x_j||`` is the augmented column's norm, ``sqrt(||x_j||^2 + l2_reg f_j)``.

    Screened features get ``coef = 0`` (the residual follows, unless it is empty: the Gram
    solver keeps none); the kept ones are moved to the front of ``candidates``, whose new
    length is returned.  Only valid when every feature is
    penalized and ``l1_reg > 0`` (the gap is then a strict bound).
    """
    kept = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = feature_penalty(penalty_factor, j)
        bound = (_dual_correlation(xtr[j], coef[j], f_j, l2_reg, positive, scale)
                 + radius * (col_sqnorm[j] + l2_reg * f_j) ** 0.5)
        if bound < l1_reg * f_j:
            if coef[j] != 0.0:
                if residual.size:
                    col_axpy(X, j, coef[j], residual)
                coef[j] = 0.0
        else:
            candidates[kept] = j
            kept += 1
    return kept


@njit
def violation_scores(col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, xtr, coef,
                     candidates, score):
    """``score[k] = (l1_reg f_j - |x_j^T r - l2_reg f_j w_j|) / ||x_j||`` for
    ``j = candidates[k]`` (``||x_j||`` of the augmented column, as in Gap Safe screening).

    Negative scores mark the features that violate their optimality condition, the most
    negative those a step alone would improve most; positive ones, the distance of the
    residual to the feature's dual constraint (Massias, Gramfort and Salmon 2018).  Active and
    unpenalized features score ``-inf`` (always in a working set), zero columns (which never
    move) ``+inf``.  Returns the number of violating zero features.
    """
    violators = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = feature_penalty(penalty_factor, j)
        norm = (col_sqnorm[j] + l2_reg * f_j) ** 0.5
        if coef[j] != 0.0 or f_j == 0.0:
            score[k] = -np.inf
        elif col_sqnorm[j] == 0.0:
            score[k] = np.inf
        else:
            correlation = _dual_correlation(xtr[j], coef[j], f_j, l2_reg, positive, 1.0)
            score[k] = (l1_reg * f_j - correlation) / norm
            if score[k] < 0.0:
                violators += 1
    return violators
