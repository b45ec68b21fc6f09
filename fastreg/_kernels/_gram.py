"""Coordinate descent with covariance (Gram) updates on a set of features.

Instead of the residual, the kernel keeps the correlations ``q = X_c^T S r`` of the features it
works on.  A step on ``w_j`` changes them by ``-step * G[:, j]`` with ``G = X_c^T S X_c``:
O(k) for k features instead of O(n) (glmnet's "covariance updates", Friedman, Hastie and
Tibshirani 2010).  The Gram entries are computed only for features that enter a working set
(:func:`extend_gram`) and kept for later working sets and later alphas.  Everything the gap of
the subproblem needs follows from ``q``, ``X_c^T S y`` and ``y^T S y`` without touching X.

All arrays here are indexed by *slot*: the position of a feature in the Gram cache.
"""

import numpy as np

from ._cd import STATUS_CONVERGED, STATUS_MAX_ITER, coordinate_update
from ._gap import ZERO_SUMS, add_feature, combine_gap, feature_penalty
from ._jit import njit
from ._linalg import centered_dot
from ._primitives import col_axpy


@njit
def extend_gram(X, y, weights, sum_weights, x_mean, slot_features, start, stop, gram, xty,
                work):
    """Fill the Gram entries of slots ``start:stop`` against slots ``0:stop``, and their
    ``xty = X_c^T S y`` (``y`` centered).

    ``slot_features[s]`` is the feature held in slot ``s``; ``work`` is n-vector scratch space.
    Each new slot costs one densified column and ``stop + 1`` column dot products.
    """
    for s in range(start, stop):
        j = slot_features[s]
        xty[s] = centered_dot(X, j, weights, sum_weights, x_mean, y, 0.0, 0.0)
        work[:] = 0.0
        col_axpy(X, j, 1.0, work)
        # work holds the raw column; its centering is the scalar offset -x_mean[j], and
        # sum_i s_i (x_ij - x_mean[j]) = 0 by definition of the weighted mean.
        for t in range(stop):
            value = centered_dot(X, slot_features[t], weights, sum_weights, x_mean, work,
                                 -x_mean[j], 0.0)
            gram[t, s] = value
            gram[s, t] = value


@njit
def gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, features, w,
             q):
    """Duality gap from the correlations: ``r.y = y.y - w.X^T y``, ``||r||^2 = r.y - w.q``."""
    w_dot_xty = 0.0
    w_dot_q = 0.0
    sums = ZERO_SUMS
    for j in features:
        w_dot_xty += w[j] * xty[j]
        w_dot_q += w[j] * q[j]
        sums = add_feature(sums, q[j], w[j], feature_penalty(penalty_factor, j), col_sqnorm[j],
                           l1_reg, l2_reg, positive)
    r_dot_y = y_sqnorm - w_dot_xty
    r_sqnorm = max(r_dot_y - w_dot_q, 0.0)
    return combine_gap(r_sqnorm, r_dot_y, sums, l1_reg, l2_reg)


@njit
def gram_cd(col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, features, w, q, xty,
            y_sqnorm, gram, max_epochs, gap_tol, shuffle_seed):
    """Run covariance-update CD epochs over ``features`` until the gap is at most ``gap_tol``.

    ``w``, ``q`` (``X_c^T S y - G w``), ``xty``, ``col_sqnorm`` and ``penalty_factor`` are
    indexed by slot; every feature outside ``features`` must have ``w = 0``.  ``w`` and ``q``
    are updated in place.  The gap costs O(k), so it is checked after every epoch.
    ``shuffle_seed`` is as in :func:`fastreg._kernels._cd.residual_cd`.  Returns
    ``(status, n_epochs, gap)``.
    """
    if shuffle_seed >= 0:
        np.random.seed(shuffle_seed)
    gap = 0.0
    for epoch in range(max_epochs):
        if shuffle_seed >= 0:
            np.random.shuffle(features)
        for j in features:
            if col_sqnorm[j] == 0.0:
                continue
            f_j = feature_penalty(penalty_factor, j)
            new = coordinate_update(w[j], q[j], col_sqnorm[j], l1_reg * f_j, l2_reg * f_j,
                                    positive)
            step = new - w[j]
            if step != 0.0:
                for k in features:
                    q[k] -= step * gram[k, j]
                w[j] = new
        gap = gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive,
                       features, w, q)
        if gap <= gap_tol:
            return STATUS_CONVERGED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap


@njit
def gram_correlations(features, w, xty, gram, q):
    """Set ``q[j] = xty[j] - sum_k G[j, k] w[k]`` for the slots in ``features``."""
    for j in features:
        acc = xty[j]
        for k in features:
            acc -= gram[j, k] * w[k]
        q[j] = acc
