"""Duality gap of the Elastic Net, in the kernels' scaling.

The kernels minimise (``r = y - X w``, both centered and weighted, ``f`` penalty factors)::

    P(w) = 1/2 sum_i s_i r_i^2 + l1_reg * sum_j f_j |w_j| + l2_reg/2 * sum_j f_j w_j^2

(``fastreg._solver`` converts the user's alpha and l1_ratio to ``l1_reg`` and ``l2_reg``).

With ``l1_reg > 0`` the Elastic Net is a Lasso on the augmented data ``[X; sqrt(l2_reg F)]``,
``[y; 0]``, whose dual is ``D(theta) = theta.y - ||theta||^2 / 2`` subject to
``|x_j^T theta| <= l1_reg f_j`` (one-sided, ``x_j^T theta <= l1_reg f_j``, with
``positive``).  The residual scaled into that set is a dual point, and::

    gap = (||r||^2 + l2_reg W2) (1 + c^2) / 2 + l1_reg L1 - c r.y,
    c = min(1, l1_reg / max_j (x_j^T r - l2_reg f_j w_j) / f_j)

(El Ghaoui et al. 2012; Fercoq, Gramfort and Salmon 2015; the same certificate as
scikit-learn's coordinate descent).  With ``l1_reg = 0`` (a ridge penalty) that dual set is a
single point, so the Fenchel dual of the ridge penalty is used instead::

    gap = ||r||^2 - r.y + l2_reg W2 / 2 + sum_j (x_j^T r)_(+)^2 / (2 l2_reg f_j)

Features with ``f_j = 0`` are unpenalized: their optimality condition ``x_j^T r = 0`` is met
by each coordinate step, and they are left out of the dual scaling.
"""

from ._jit import njit


@njit
def feature_gap_terms(xtr, w_j, f_j, l1_reg, l2_reg, positive):
    """One feature's share of the gap: ``(dual score, f|w|, f w^2, ridge conjugate)``.

    ``xtr`` is ``x_j^T r`` (centered, weighted).
    """
    if f_j <= 0.0:
        return 0.0, 0.0, 0.0, 0.0
    xta = xtr - l2_reg * f_j * w_j
    score = (xta if positive else abs(xta)) / f_j
    conjugate = 0.0
    if l1_reg == 0.0 and l2_reg > 0.0:
        excess = max(xtr, 0.0) if positive else xtr
        conjugate = excess * excess / (2.0 * l2_reg * f_j)
    return max(score, 0.0), f_j * abs(w_j), f_j * w_j * w_j, conjugate


@njit
def combine_gap(r_sqnorm, r_dot_y, dual_norm, l1_sum, l2_sum, conjugate_sum, l1_reg, l2_reg):
    """The duality gap from the sums gathered with :func:`feature_gap_terms`."""
    if l1_reg == 0.0:
        return r_sqnorm - r_dot_y + 0.5 * l2_reg * l2_sum + conjugate_sum
    scale = 1.0 if dual_norm <= l1_reg else l1_reg / dual_norm
    return (
        0.5 * (r_sqnorm + l2_reg * l2_sum) * (1.0 + scale * scale)
        + l1_reg * l1_sum
        - scale * r_dot_y
    )
