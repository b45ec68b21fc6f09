"""Coordinate descent with covariance (Gram) updates, for problems with more samples than
features.

Instead of the residual, the solver keeps the correlations ``q = X_c^T S r``.  A step on
``w_j`` changes them by ``-step * G[:, j]`` with ``G = X_c^T S X_c``: O(k) for k features
instead of O(n) (glmnet's "covariance updates", Friedman, Hastie and Tibshirani 2010).  Gram
columns are computed only for features that enter a working set and kept across working sets
and alphas: ``gram[:, slot_of[j]]`` is feature j's column.  The full correlations, and the
duality gap, then follow from ``X_c^T S y``, ``y^T S y`` and the active columns without
touching X.
"""

import numpy as np

from ._anderson import extrapolate, penalty_value, record
from ._cd import STATUS_CONVERGED, STATUS_MAX_ITER, STATUS_NEEDS_GRAM_COLUMN, coordinate_update
from ._gap import combine_gap, correlation_sums, feature_penalty
from ._jit import njit
from ._primitives import col_axpy, col_dot


@njit
def gram_columns(X, weights, x_mean, features, out, work):
    """``out[:, t] = X_c^T S x_c`` for the feature ``j = features[t]``, column by column.

    ``work`` (n-vector scratch) holds the *centered* column ``x_j - x_mean[j]``; as its
    weighted sum is 0, its dot product with a raw column equals the centered one, without
    the cancellation of ``X^T S X - S x_mean x_mean^T``.  Each column reads all of X: for
    small X (in cache) this beats a matrix product's thread start-up; large X goes to BLAS.
    """
    for t in range(features.shape[0]):
        j = features[t]
        work[:] = -x_mean[j]
        col_axpy(X, j, 1.0, work)
        for k in range(out.shape[0]):
            out[k, t] = col_dot(X, k, weights, work)


@njit
def gram_correlations(xty, gram, slot_of, coef, active, features, q):
    """``q[j] = xty[j] - sum_{k in active} G[j, k] w_k`` for ``j`` in ``features``."""
    for j in features:
        acc = xty[j]
        for k in active:
            acc -= gram[j, slot_of[k]] * coef[k]
        q[j] = acc


@njit
def gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, features, w,
             q):
    """Duality gap from the correlations: ``r.y = y.y - w.X^T y``, ``||r||^2 = r.y - w.q``.

    Every non-zero ``w_j`` must be in ``features``.
    """
    w_dot_xty = 0.0
    w_dot_q = 0.0
    for j in features:
        w_dot_xty += w[j] * xty[j]
        w_dot_q += w[j] * q[j]
    sums = correlation_sums(features, q, w, penalty_factor, col_sqnorm, l1_reg, l2_reg,
                            positive)
    r_dot_y = y_sqnorm - w_dot_xty
    r_sqnorm = max(r_dot_y - w_dot_q, 0.0)
    return combine_gap(r_sqnorm, r_dot_y, sums, l1_reg, l2_reg)


@njit
def _objective(w_values, q_values, order, xty, y_sqnorm, penalty_factor, l1_reg, l2_reg):
    """The primal objective from the correlations (``||r||^2 = y.y - w.X^T y - w.q``)."""
    w_dot = 0.0
    for k in range(order.shape[0]):
        w_dot += w_values[k] * (xty[order[k]] + q_values[k])
    return (0.5 * max(y_sqnorm - w_dot, 0.0)
            + penalty_value(w_values, order, penalty_factor, l1_reg, l2_reg))


@njit
def _try_extrapolation(penalty_factor, l1_reg, l2_reg, positive, order, w, q, xty, y_sqnorm,
                       gram, slot_of, history, diffs, w_new, q_new):
    """Replace ``w`` (on ``order``) by the Anderson extrapolation of ``history`` if that lowers
    the objective; ``q`` follows."""
    if not extrapolate(history, diffs, w_new):
        return
    if positive:
        for k in range(w_new.shape[0]):
            w_new[k] = max(w_new[k], 0.0)
    for k in range(order.shape[0]):
        q_new[k] = q[order[k]]
    for i in range(order.shape[0]):
        step = w_new[i] - w[order[i]]
        if step != 0.0:
            column = slot_of[order[i]]
            for k in range(order.shape[0]):
                q_new[k] -= step * gram[order[k], column]
    for k in range(order.shape[0]):
        diffs[0, k] = q[order[k]]  # the current q in order (diffs is free scratch now)
    current = _objective(history[-1], diffs[0], order, xty, y_sqnorm, penalty_factor, l1_reg,
                         l2_reg)
    if _objective(w_new, q_new, order, xty, y_sqnorm, penalty_factor, l1_reg,
                  l2_reg) < current:
        for k in range(order.shape[0]):
            w[order[k]] = w_new[k]
            q[order[k]] = q_new[k]


@njit
def gram_cd(col_sqnorm, penalty_factor, l1_reg, l2_reg, positive, features, w, q, xty,
            y_sqnorm, gram, slot_of, max_epochs, gap_tol, shuffle_seed, anderson):
    """Run covariance-update CD epochs over ``features`` until their gap is at most
    ``gap_tol``.

    ``w`` and ``q`` (the correlations, on ``features``) are updated in place and must agree
    on entry; every feature outside ``features`` has ``w = 0``.  A feature's Gram column is
    ``gram[:, slot_of[j]]``; when a feature whose column is missing (``slot_of[j] < 0``) is
    about to move, the kernel returns ``STATUS_NEEDS_GRAM_COLUMN`` with the epochs completed,
    so that the caller computes the columns and calls again.  The gap costs O(k), so it is
    checked after every epoch.  ``shuffle_seed`` and ``anderson`` are as in
    :func:`fastreg._kernels._cd.residual_cd`.  Returns ``(status, n_epochs, gap)``.
    """
    if shuffle_seed >= 0:
        np.random.seed(shuffle_seed)
    order = features.copy()
    history = np.empty((anderson + 1, order.shape[0]))
    diffs = np.empty((anderson, order.shape[0]))
    w_new = np.empty(order.shape[0])
    q_new = np.empty(order.shape[0])
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
                column = slot_of[j]
                if column < 0:
                    return STATUS_NEEDS_GRAM_COLUMN, epoch, gap
                for k in features:
                    q[k] -= step * gram[k, column]
                w[j] = new
        if anderson > 0 and record(history, epoch, w, order):
            _try_extrapolation(penalty_factor, l1_reg, l2_reg, positive, order, w, q, xty,
                               y_sqnorm, gram, slot_of, history, diffs, w_new, q_new)
        gap = gram_gap(xty, y_sqnorm, col_sqnorm, penalty_factor, l1_reg, l2_reg, positive,
                       features, w, q)
        if gap <= gap_tol:
            return STATUS_CONVERGED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap
