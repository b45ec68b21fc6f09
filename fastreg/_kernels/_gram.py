"""Coordinate descent with covariance (Gram) updates, for problems with more samples than
features.

Instead of the residual, the solver keeps the correlations ``q = X_c^T S r``.  A step on
``w_j`` changes them by ``-step * G[:, j]`` with ``G = X_c^T S X_c``: O(k) for k features
instead of O(n) (glmnet's "covariance updates", Friedman, Hastie and Tibshirani 2010).  The
epochs run on a working set's own k x k block of G, in contiguous local arrays.  Along a path
the engine keeps full Gram columns (``gram[:, slot_of[j]]`` is feature j's) of the features
that entered, so that the correlations of every feature, and the duality gap, follow from
``X_c^T S y``, ``y^T S y`` and those columns without touching X.
"""

import numpy as np

from ._anderson import extrapolate, record
from ._cd import (
    SETTLE_STEP_FLOOR,
    STATUS_CONVERGED,
    STATUS_MAX_ITER,
    STATUS_NEEDS_GRAM_COLUMN,
    STATUS_STALLED,
    epoch_settled,
)
from ._gap import combine_gap, correlation_sums, with_bound_terms
from ._jit import njit
from ._linalg import centered_dot
from ._penalty import has_bounds, project, prox_step, total_value
from ._primitives import col_axpy

# An epoch whose every step is below this fraction of its coefficient made no progress.
STALL_STEP = 1e-14


@njit(reduction=True)
def gram_columns(X, weights, x_mean, rows, features, out, work):
    """``out[a, t] = x_c,i^T S x_c,j`` for ``i = rows[a]`` and ``j = features[t]``.

    ``work`` (n-vector scratch) holds the *centered* column ``x_j - x_mean[j]``; as its
    weighted sum is 0, its dot product with a raw sparse column equals the centered one, and
    a dense column is centered value by value (``centered_dot``): never the cancellation of
    ``X^T S X - S x_mean x_mean^T``.  Each column costs O(n) plus the
    stored values of the ``rows``: for small X (in cache) this beats a matrix product's
    thread start-up; large X goes to BLAS.
    """
    for t in range(features.shape[0]):
        j = features[t]
        work[:] = -x_mean[j]
        col_axpy(X, j, 1.0, work)
        for a in range(rows.shape[0]):
            out[a, t] = centered_dot(X, rows[a], weights, 0.0, x_mean, work, 0.0, 0.0)


@njit
def gram_block(gram, rows, slots, block):
    """``block[a, t] = gram[rows[a], slots[t]]``, 0 where ``slots[t] < 0`` (no cached column):
    a working set's Gram block gathered in one pass (NumPy's two fancy-indexing steps cost
    more than the epochs on a small set, once per alpha of a path)."""
    for t in range(slots.shape[0]):
        slot = slots[t]
        for a in range(rows.shape[0]):
            block[a, t] = gram[rows[a], slot] if slot >= 0 else 0.0


@njit
def gram_correlations(xty, gram, slot_of, coef, active, features, q):
    """``q[j] = xty[j] - sum_{k in active} G[j, k] w_k`` for ``j`` in ``features``."""
    for j in features:
        acc = xty[j]
        for k in active:
            acc -= gram[j, slot_of[k]] * coef[k]
        q[j] = acc


@njit
def gram_gap(xty, y_sqnorm, col_sqnorm, penalty, features, w, q):
    """Duality gap from the correlations: ``r.y = y.y - w.X^T y``, ``||r||^2 = r.y - w.q``.

    Every non-zero ``w_j`` must be in ``features``.
    """
    w_dot_xty = 0.0
    w_dot_q = 0.0
    for j in features:
        w_dot_xty += w[j] * xty[j]
        w_dot_q += w[j] * q[j]
    sums = correlation_sums(penalty, features, q, w, col_sqnorm)
    if has_bounds(penalty):
        sums = with_bound_terms(penalty, sums, features, q, w)
    r_dot_y = y_sqnorm - w_dot_xty
    r_sqnorm = max(r_dot_y - w_dot_q, 0.0)
    return combine_gap(penalty, r_sqnorm, r_dot_y, sums)


@njit
def _objective(w, q, xty, y_sqnorm, penalty, features):
    """The primal objective from the correlations (``||r||^2 = y.y - w.X^T y - w.q``)."""
    w_dot = 0.0
    for k in range(w.shape[0]):
        w_dot += w[k] * (xty[k] + q[k])
    return 0.5 * max(y_sqnorm - w_dot, 0.0) + total_value(penalty, w, features)


@njit
def _try_extrapolation(gram, penalty, features, w, q, xty, y_sqnorm, history, w_new, q_new,
                       diffs):
    """Replace ``w`` by the Anderson extrapolation of ``history`` if that lowers the objective;
    ``q`` follows.  Returns whether it did."""
    if not extrapolate(history, diffs, w_new):
        return False
    for k in range(w_new.shape[0]):
        w_new[k] = project(penalty, features[k], w_new[k])
    q_new[:] = q
    for t in range(w.shape[0]):
        step = w_new[t] - w[t]
        if step != 0.0:
            for k in range(q_new.shape[0]):
                q_new[k] -= step * gram[k, t]
    if (_objective(w_new, q_new, xty, y_sqnorm, penalty, features)
            < _objective(w, q, xty, y_sqnorm, penalty, features)):
        w[:] = w_new
        q[:] = q_new
        return True
    return False


@njit
def block_cd(gram, has_column, col_sqnorm, penalty, w, q, xty, y_sqnorm, max_epochs, gap_tol,
             step_tol, settle, shuffle_seed, anderson):
    """Covariance-update CD on a block of k features until their gap is at most ``gap_tol``.

    Every array is local to the block: ``gram`` (k x k, Fortran order, so that a column is
    contiguous) holds ``G[a, t] = x_a^T S x_t`` for the features ``t`` with ``has_column[t]``;
    ``w``, ``q`` (the correlations ``X_c^T S r``), ``xty``, ``col_sqnorm`` and the penalty's
    factors (or an empty array: all ones) are the block's entries.  Every feature
    outside the block must have a zero coefficient.  ``w`` and ``q`` are updated in place and
    must agree on entry.  When a feature without its column is about to move, the kernel
    returns ``STATUS_NEEDS_GRAM_COLUMN`` with the epochs completed, so that the caller
    computes the column and calls again.  The gap costs O(k): it is checked after every epoch.
    ``step_tol``, ``settle`` (converge only at an epoch whose largest step is at most
    ``step_tol``, raised to ``SETTLE_STEP_FLOOR``, times the largest coefficient, and that no
    extrapolation followed; ``step_tol`` is unused without it), ``shuffle_seed`` and
    ``anderson`` are as in :func:`fastreg._kernels._cd.residual_cd`.

    The correlations are differences ``x_j^T y - sum_k G[j, k] w_k`` whose rounding error
    scales with ``|x_j^T y|``, not with the residual: when that error reaches the tolerance
    (badly scaled columns, a tiny tol) the steps fall below float64's resolution: the
    kernel returns ``STATUS_STALLED`` after an epoch whose steps all are rounding-sized
    instead of running out its epochs.  Returns ``(status, n_epochs, gap)``.
    """
    if settle:
        step_tol = max(step_tol, SETTLE_STEP_FLOOR)
    size = w.shape[0]
    block = np.arange(size)
    order = block.copy()  # the visiting order (shuffled each epoch under shuffle_seed)
    if shuffle_seed >= 0:
        np.random.seed(shuffle_seed)
    history = np.empty((anderson + 1, size))
    diffs = np.empty((anderson, size))
    w_new = np.empty(size)
    q_new = np.empty(size)
    gap = 0.0
    for epoch in range(max_epochs):
        if shuffle_seed >= 0:
            np.random.shuffle(order)
        largest_step = 0.0  # relative to the coefficient
        max_step = 0.0  # absolute, for settle
        max_coef = 0.0
        for t in order:
            if col_sqnorm[t] == 0.0:
                continue
            new = prox_step(penalty, t, w[t], q[t], col_sqnorm[t])
            step = new - w[t]
            if step != 0.0:
                if not has_column[t]:
                    return STATUS_NEEDS_GRAM_COLUMN, epoch, gap
                for k in range(size):
                    q[k] -= step * gram[k, t]
                w[t] = new
                largest_step = max(largest_step, abs(step) / abs(new) if new != 0.0 else 1.0)
            max_step = max(max_step, abs(step))
            max_coef = max(max_coef, abs(new))
        moved = False  # by an extrapolation, beyond this epoch's steps
        if anderson > 0 and record(history, epoch, w, block):
            moved = _try_extrapolation(gram, penalty, block, w, q, xty, y_sqnorm, history,
                                       w_new, q_new, diffs)
        gap = gram_gap(xty, y_sqnorm, col_sqnorm, penalty, block, w, q)
        if gap <= gap_tol and (not settle or (
                epoch_settled(max_step, max_coef, step_tol) and not moved)):
            return STATUS_CONVERGED, epoch + 1, gap
        if largest_step <= STALL_STEP:
            return STATUS_STALLED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap
