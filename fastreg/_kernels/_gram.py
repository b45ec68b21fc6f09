"""Coordinate descent with covariance (Gram) updates, for tall problems (n >> p).

Instead of the residual, the kernel keeps the correlations ``q = X_c^T S r`` (length p).  A
step on ``w_j`` changes them by ``-step * G[:, j]`` with ``G = X_c^T S X_c``: O(p) instead of
O(n).  Columns of G are computed only when a feature first becomes non-zero and are kept
for later calls (glmnet's "covariance updates", Friedman, Hastie and Tibshirani 2010), so a
sparse solution touches X once per active feature.  Everything the gap needs follows from
``q``, ``X_c^T S y`` and ``y^T S y`` without touching X.
"""

import numpy as np

from ._cd import STATUS_CONVERGED, STATUS_MAX_ITER, coordinate_update
from ._gap import ZERO_SUMS, add_feature, combine_gap
from ._jit import njit
from ._linalg import centered_dot
from ._primitives import col_axpy


@njit
def fill_gram_column(X, weights, sum_weights, x_mean, j, gram, gram_ready, work):
    """Compute ``gram[:, j] = X_c^T S x_c_j``; ``work`` is an n-vector of scratch space."""
    work[:] = 0.0
    col_axpy(X, j, 1.0, work)
    # work holds the raw column; centering it is the scalar offset -x_mean[j], and
    # sum_i s_i (x_ij - x_mean[j]) = 0 by definition of the weighted mean.
    for k in range(gram.shape[0]):
        gram[k, j] = centered_dot(X, k, weights, sum_weights, x_mean, work, -x_mean[j], 0.0)
    gram_ready[j] = True


@njit
def gram_correlations(X, weights, sum_weights, x_mean, xty, w, gram, gram_ready, work, q):
    """Set ``q = X_c^T S y - G w``, computing the Gram columns of the non-zero ``w_j``."""
    q[:] = xty
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            if not gram_ready[j]:
                fill_gram_column(X, weights, sum_weights, x_mean, j, gram, gram_ready, work)
            for k in range(q.shape[0]):
                q[k] -= w[j] * gram[k, j]


@njit
def gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, features, w,
             q):
    """Duality gap from the correlations: ``||r||^2 = y.y - w.X^T y - w.q``, ``r.y = y.y -
    w.X^T y``."""
    w_dot_xty = 0.0
    w_dot_q = 0.0
    sums = ZERO_SUMS
    for j in features:
        w_dot_xty += w[j] * xty[j]
        w_dot_q += w[j] * q[j]
        sums = add_feature(sums, q[j], w[j], penalty_factor[j], col_sqnorm[j], l1_reg, l2_reg,
                           positive)
    r_dot_y = y_sqnorm - w_dot_xty
    r_sqnorm = max(r_dot_y - w_dot_q, 0.0)
    return combine_gap(r_sqnorm, r_dot_y, sums, l1_reg, l2_reg)


@njit
def gram_cd(X, weights, sum_weights, x_mean, col_sqnorm, penalty_factor, l1_reg, l2_reg,
            positive, features, w, q, xty, y_sqnorm, gram, gram_ready, work, max_epochs,
            gap_tol, shuffle_seed):
    """Run covariance-update CD epochs over ``features`` until the gap is at most ``gap_tol``.

    ``w`` and ``q`` (see :func:`gram_correlations`) are updated in place and must agree on
    entry; ``gram`` (p x p, Fortran-ordered) and ``gram_ready`` cache Gram columns across
    calls.  The gap costs O(p), so it is checked after every epoch.  ``shuffle_seed`` is as in
    :func:`fastreg._kernels._cd.residual_cd`.  Returns ``(status, n_epochs, gap)``.
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
            f_j = penalty_factor[j]
            new = coordinate_update(w[j], q[j], col_sqnorm[j], l1_reg * f_j, l2_reg * f_j,
                                    positive)
            step = new - w[j]
            if step != 0.0:
                if not gram_ready[j]:
                    fill_gram_column(X, weights, sum_weights, x_mean, j, gram, gram_ready,
                                     work)
                for k in range(q.shape[0]):
                    q[k] -= step * gram[k, j]
                w[j] = new
        gap = gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive,
                       features, w, q)
        if gap <= gap_tol:
            return STATUS_CONVERGED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap
