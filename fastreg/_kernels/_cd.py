"""Cyclic coordinate descent with residual ("naive") updates, for any X format.

One coordinate step minimises the objective of ``fastreg._kernels._gap`` over ``w_j`` alone
(Friedman, Hastie and Tibshirani 2010, "Regularization paths for generalized linear models via
coordinate descent")::

    w_j <- S(w_j ||x_j||^2 + x_j^T r, l1_reg f_j) / (||x_j||^2 + l2_reg f_j)

with ``S`` the soft-thresholding operator, clipped into the coefficient's bounds: the
penalty's proximal step (``fastreg._kernels._penalty.prox_step``).  The
residual ``r = y - X_c w`` of the centered X is kept as an array plus one scalar ``offset``:
dense columns are centered value by value (offset 0), sparse ones implicitly (``offset =
x_mean . w``), so a step costs O(nnz of the column) on sparse data (see
``fastreg._kernels._primitives``).
"""

import numpy as np

from ._anderson import extrapolate, record
from ._gap import combine_gap, correlation_sums, with_bound_terms
from ._jit import njit
from ._linalg import centered_dot, correlations, implicit_offset, weighted_sums
from ._penalty import has_bounds, project, prox_step, total_value
from ._primitives import centered_col_axpy

STATUS_CONVERGED = 0
STATUS_MAX_ITER = 1
STATUS_NEEDS_GRAM_COLUMN = 2  # the Gram solver stopped: a feature without its column moves
STATUS_STALLED = 3  # the Gram solver's gap stopped decreasing: its rounding floor is reached

# With ``settle``, the smallest step tolerance a kernel takes, relative to the largest
# coefficient: a few units of float64's rounding.  A coordinate step computes
# ``(w_j L_j + x_j^T r) / L_j``, whose rounding moves a coefficient by about one unit in its
# last place even at the fixed point, so a tolerance below eps (scikit-learn's tests ask for
# 1e-16) could only be met by luck and would run every fit out to max_iter.
SETTLE_STEP_FLOOR = 4.0 * np.finfo(np.float64).eps


@njit
def residual_gap(X, y, weights, sum_weights, x_mean, col_sqnorm, penalty, features, w,
                 residual, offset, xtr_out):
    """Duality gap of the problem restricted to ``features``, from the residual.

    The correlations ``x_j^T S r`` it computes on the way are stored in ``xtr_out[j]`` (the
    working-set solver ranks features with them).
    """
    correlations(X, weights, sum_weights, x_mean, residual, offset, 0.0, features, xtr_out)
    return gap_from_correlations(y, weights, col_sqnorm, penalty, features, w, residual,
                                 offset, xtr_out)


@njit
def gap_from_correlations(y, weights, col_sqnorm, penalty, features, w, residual, offset, xtr):
    """:func:`residual_gap` once ``xtr`` holds the correlations of ``features``."""
    r_sqnorm = weighted_sums(weights, residual, offset, residual, offset)
    r_dot_y = weighted_sums(weights, residual, offset, y, 0.0)
    sums = correlation_sums(penalty, features, xtr, w, col_sqnorm)
    if has_bounds(penalty):
        sums = with_bound_terms(penalty, sums, features, xtr, w)
    return combine_gap(penalty, r_sqnorm, r_dot_y, sums)


@njit
def _try_extrapolation(X, weights, x_mean, penalty, order, w, residual, offset, history, diffs,
                       w_new, r_new):
    """Replace ``w`` (on ``order``) by the Anderson extrapolation of ``history`` if that lowers
    the objective; ``residual`` follows.  Returns whether it did and the (possibly new)
    offset."""
    if not extrapolate(history, diffs, w_new):
        return False, offset
    for k in range(w_new.shape[0]):
        w_new[k] = project(penalty, order[k], w_new[k])
    r_new[:] = residual
    new_offset = offset
    for k in range(order.shape[0]):
        j = order[k]
        step = w_new[k] - w[j]
        if step != 0.0:
            new_offset += centered_col_axpy(X, j, -step, x_mean[j], r_new)
    current = (0.5 * weighted_sums(weights, residual, offset, residual, offset)
               + total_value(penalty, history[-1], order))
    candidate = (0.5 * weighted_sums(weights, r_new, new_offset, r_new, new_offset)
                 + total_value(penalty, w_new, order))
    if not candidate < current:
        return False, offset
    residual[:] = r_new
    for k in range(order.shape[0]):
        w[order[k]] = w_new[k]
    return True, new_offset


@njit(inline=True)
def epoch_settled(max_step, max_coef, step_tol):
    """Whether an epoch's largest step is at most ``step_tol`` times its largest coefficient
    (scikit-learn's criterion for checking the gap); an all-zero epoch is settled."""
    return max_step <= step_tol * max_coef or max_coef == 0.0


@njit(reduction=True)
def residual_cd(X, y, weights, sum_weights, x_mean, col_sqnorm, penalty, features, w, residual,
                xtr, max_epochs, gap_tol, step_tol, settle, gap_every, shuffle_seed, anderson):
    """Run CD epochs over ``features`` until the duality gap is at most ``gap_tol``.

    ``w`` and ``residual`` (``y - X_c w`` less the implicit offset, see
    :func:`~fastreg._kernels._linalg.init_residual`) are updated in place and must agree
    on entry; the last gap evaluation leaves the correlations of ``features`` in ``xtr``.
    The gap, which costs as much as an epoch, is computed every ``gap_every`` epochs, and
    after any epoch whose largest step is at most ``step_tol`` times the largest coefficient
    (a settled epoch).  With ``settle`` the kernel converges only at a settled epoch, one
    that no extrapolation followed, and ``step_tol`` is raised to at least
    ``SETTLE_STEP_FLOOR``: the engine asks for this at tolerances the gap alone cannot
    express (see ``fastreg._engine.outer.SETTLE_BELOW_TOL``).
    With ``shuffle_seed >= 0`` the features are visited in a new random order each epoch
    (``features`` is shuffled in place).  With ``anderson = K > 0`` every K+1 epochs the
    iterates are extrapolated (see ``fastreg._kernels._anderson``).  Returns
    ``(status, n_epochs, gap)``.

    The weighted least-squares problems of the logistic loss's Newton steps run through this
    same kernel, with the Newton weights as ``weights``.

    Compiled with reassociation so that dense columns' dot products vectorize (3x faster
    epochs on the benchmarks' diabetes_poly); the order of every sum is still fixed at compile
    time, so a run is repeatable bit for bit.
    """
    if shuffle_seed >= 0:
        np.random.seed(shuffle_seed)
    if settle:
        step_tol = max(step_tol, SETTLE_STEP_FLOOR)
    offset = implicit_offset(X, x_mean, w)
    # Acceleration state, allocated once per call: iterates are stored in a fixed feature
    # order (``features`` itself may be shuffled between epochs).
    order = features.copy()
    history = np.empty((anderson + 1, order.shape[0]))
    diffs = np.empty((anderson, order.shape[0]))
    w_new = np.empty(order.shape[0])
    r_new = np.empty(residual.shape[0] if anderson > 0 else 0)
    gap = 0.0
    for epoch in range(max_epochs):
        max_step = 0.0
        max_coef = 0.0
        if shuffle_seed >= 0:
            np.random.shuffle(features)
        for j in features:
            if col_sqnorm[j] == 0.0:
                continue
            grad = centered_dot(X, j, weights, sum_weights, x_mean, residual, offset, 0.0)
            new = prox_step(penalty, j, w[j], grad, col_sqnorm[j])
            step = new - w[j]
            if step != 0.0:
                offset += centered_col_axpy(X, j, -step, x_mean[j], residual)
                w[j] = new
            max_step = max(max_step, abs(step))
            max_coef = max(max_coef, abs(new))
        moved = False  # by an extrapolation, beyond this epoch's steps
        if anderson > 0 and record(history, epoch, w, order):
            moved, offset = _try_extrapolation(X, weights, x_mean, penalty, order, w, residual,
                                               offset, history, diffs, w_new, r_new)
        settled = epoch_settled(max_step, max_coef, step_tol)
        if settled or (epoch + 1) % gap_every == 0 or epoch == max_epochs - 1:
            gap = residual_gap(X, y, weights, sum_weights, x_mean, col_sqnorm, penalty,
                               features, w, residual, offset, xtr)
            if gap <= gap_tol and (not settle or (settled and not moved)):
                return STATUS_CONVERGED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap
