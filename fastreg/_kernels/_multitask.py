"""The multi-task Elastic Net: least squares on T targets at once with the L2,1 penalty on
the rows of the coefficient matrix, by block coordinate descent.

The kernels minimise (``R = Y - W X_c^T``, T x n, centered and weighted as in
``fastreg._kernels._gap``; ``w_j = W[:, j]`` the T coefficients of feature j)::

    P(W) = 1/2 sum_t sum_i s_i R_ti^2 + sum_j f_j (l1 ||w_j||_2 + l2 / 2 ||w_j||_2^2)

A feature enters or leaves all tasks together.  One block step minimises P over ``w_j``
alone (Obozinski, Taskar and Jordan 2010; Friedman, Hastie and Tibshirani 2010 for the
coordinate form)::

    z = ||x_j||^2 w_j + X_c[:, j]^T S R^T,
    w_j <- max(0, 1 - l1 f_j / ||z||) z / (||x_j||^2 + l2 f_j)

(group soft-thresholding).  The duality gap is the single-task one with vectors for scalars:
on the augmented data ``[X; sqrt(l2 F)]`` the problem is an L2,1-penalized least squares
whose dual is ``D(Theta) = <Theta, Y> - ||Theta||^2 / 2`` subject to
``||X_aug[:, j]^T Theta||_2 <= l1 f_j``; the residual scaled into that set gives::

    gap = (||R||^2 + l2 W2) (1 + c^2) / 2 + l1 L21 - c <R, Y>,
    c = min(1, l1 / max_j ||x_j^T R - l2 f_j w_j|| / f_j)

with ``W2 = sum_j f_j ||w_j||^2`` and ``L21 = sum_j f_j ||w_j||`` (Ndiaye et al. 2015, "GAP
safe screening rules for sparse multi-task and multi-class models", who also give the Gap
Safe test on the rows used here).  ``l1 = 0`` takes the ridge penalty's Fenchel dual, and
unpenalized features add the decrease a block step alone would bring, as in ``_gap``; the
running sums feed ``_gap.combine_gap`` unchanged.

Layout: every T x (something) array is C-ordered with the task first (``W`` is T x p as
scikit-learn's ``coef_``; the residual ``R`` T x n; the correlations ``XTR`` T x p), so that a
task's residual row is contiguous for the column primitives.  The residual's implicit centering
(sparse X) is one offset per task, ``offsets[t] = x_mean . W[t]``; dense X is centered value
by value and its offsets are 0.
"""

from typing import NamedTuple

import numpy as np

from ._anderson import extrapolate
from ._cd import SETTLE_STEP_FLOOR, STATUS_CONVERGED, STATUS_MAX_ITER, epoch_settled
from ._gap import ZERO_SUMS, combine_gap
from ._jit import njit
from ._linalg import centered_dot, implicit_offset, weighted_sums
from ._penalty import factor
from ._primitives import centered_col_axpy


class GroupElasticNetPenalty(NamedTuple):
    """``l1``, ``l2`` (kernel scaling) and ``factors`` (empty: all ones) of the L2,1 penalty
    with a squared-norm part, over the rows ``w_j`` of W."""

    l1: float
    l2: float
    factors: np.ndarray


@njit(inline=True)
def row_norm(A, j):
    """``||A[:, j]||_2``."""
    acc = 0.0
    for t in range(A.shape[0]):
        acc += A[t, j] * A[t, j]
    return acc**0.5


@njit(inline=True)
def augmented_norm(penalty, XTR, W, j, f_j):
    """``||x_j^T R - l2 f_j w_j||_2``: feature j's correlation with the augmented residual."""
    acc = 0.0
    for t in range(W.shape[0]):
        u = XTR[t, j] - penalty.l2 * f_j * W[t, j]
        acc += u * u
    return acc**0.5


@njit(inline=True)
def is_zero_row(W, j):
    for t in range(W.shape[0]):
        if W[t, j] != 0.0:
            return False
    return True


@njit(inline=True)
def group_step(penalty, j, W, grad, lipschitz, new):
    """Write into ``new`` the block step's ``w_j`` (see the module docstring) from the
    correlations ``grad = x_j^T S R^T``; returns ``||new||``."""
    f_j = factor(penalty, j)
    norm = 0.0
    for t in range(new.shape[0]):
        new[t] = lipschitz * W[t, j] + grad[t]
        norm += new[t] * new[t]
    norm = norm**0.5
    threshold = penalty.l1 * f_j
    denominator = lipschitz + penalty.l2 * f_j
    if norm <= threshold or denominator <= 0.0:
        new[:] = 0.0
        return 0.0
    shrink = (1.0 - threshold / norm) / denominator
    for t in range(new.shape[0]):
        new[t] *= shrink
    return norm * shrink


@njit
def group_value(penalty, W, features):
    """``sum_j f_j (l1 ||w_j|| + l2 / 2 ||w_j||^2)`` over ``features``."""
    total = 0.0
    for j in features:
        norm = row_norm(W, j)
        total += factor(penalty, j) * (penalty.l1 * norm + 0.5 * penalty.l2 * norm * norm)
    return total


@njit
def group_correlation_sums(penalty, features, XTR, W, col_sqnorm):
    """The gap's running sums (those of ``_gap.add_feature``, row norms for absolute values)
    over ``features`` from their correlations ``XTR[:, j] = x_j^T S R^T``."""
    dual_norm, l1_sum, l2_sum, additive, coupling = ZERO_SUMS
    l1_reg, l2_reg = penalty.l1, penalty.l2
    for j in features:
        f_j = factor(penalty, j)
        xtr_sqnorm = 0.0
        for t in range(W.shape[0]):
            xtr_sqnorm += XTR[t, j] * XTR[t, j]
        if f_j <= 0.0 or (l1_reg == 0.0 and l2_reg == 0.0):
            if col_sqnorm[j] > 0.0:
                additive += xtr_sqnorm / (2.0 * col_sqnorm[j])
                for t in range(W.shape[0]):
                    coupling += W[t, j] * XTR[t, j]
            continue
        augmented = augmented_norm(penalty, XTR, W, j, f_j)
        dual_norm = max(dual_norm, augmented / f_j)
        if l1_reg == 0.0:
            # The row's Fenchel-Young gap, without cancellation (see ``_gap``'s docstring).
            additive += augmented * augmented / (2.0 * l2_reg * f_j)
        norm = row_norm(W, j)
        l1_sum += f_j * norm
        l2_sum += f_j * norm * norm
    return dual_norm, l1_sum, l2_sum, additive, coupling


@njit
def task_sums(weights, R, offsets, Y):
    """``(||R||^2, <R, Y>)``, weighted, over all tasks (``R[t] + offsets[t]`` is task t's
    centered residual)."""
    r_sqnorm = 0.0
    r_dot_y = 0.0
    for t in range(R.shape[0]):
        r_sqnorm += weighted_sums(weights, R[t], offsets[t], R[t], offsets[t])
        r_dot_y += weighted_sums(weights, R[t], offsets[t], Y[t], 0.0)
    return r_sqnorm, r_dot_y


@njit
def multitask_gap_from_correlations(Y, weights, col_sqnorm, penalty, features, W, R, offsets,
                                    XTR):
    """The duality gap of the problem restricted to ``features`` once ``XTR`` holds their
    correlations."""
    r_sqnorm, r_dot_y = task_sums(weights, R, offsets, Y)
    sums = group_correlation_sums(penalty, features, XTR, W, col_sqnorm)
    return combine_gap(penalty, r_sqnorm, r_dot_y, sums)


@njit(reduction=True)
def task_correlations(X, weights, sum_weights, x_mean, R, offsets, features, XTR):
    """``XTR[t, j] = x_j^T S (R[t] + offsets[t])`` (centered) for ``j`` in ``features``."""
    for j in features:
        for t in range(R.shape[0]):
            XTR[t, j] = centered_dot(X, j, weights, sum_weights, x_mean, R[t], offsets[t], 0.0)


@njit
def init_task_residuals(X, Y, W, x_mean, R):
    """``R = Y - W X_c^T`` over the non-zero coefficients, less the implicit offsets
    (:func:`task_offsets`; see ``_linalg.init_residual``)."""
    R[:] = Y
    for t in range(W.shape[0]):
        for j in range(W.shape[1]):
            if W[t, j] != 0.0:
                centered_col_axpy(X, j, -W[t, j], x_mean[j], R[t])


@njit
def add_task_columns(X, features, W, x_mean, R):
    """``R[t] += X_c[:, features] @ W[t, features]`` for every task, as
    :func:`init_task_residuals` keeps the residuals."""
    for j in features:
        for t in range(W.shape[0]):
            if W[t, j] != 0.0:
                centered_col_axpy(X, j, W[t, j], x_mean[j], R[t])


@njit
def task_offsets(X, x_mean, W, offsets):
    """The implicit offset of each task's residual (``_linalg.implicit_offset``)."""
    for t in range(W.shape[0]):
        offsets[t] = implicit_offset(X, x_mean, W[t])


@njit
def _move_row(X, x_mean, j, W, new, R, offsets):
    """Set ``w_j = new``, the residuals and offsets following; returns the largest step."""
    largest = 0.0
    for t in range(W.shape[0]):
        step = new[t] - W[t, j]
        if step != 0.0:
            offsets[t] += centered_col_axpy(X, j, -step, x_mean[j], R[t])
            W[t, j] = new[t]
            largest = max(largest, abs(step))
    return largest


@njit
def _try_extrapolation(X, weights, x_mean, penalty, order, W, R, offsets, history, diffs,
                       flat_new, R_new, offsets_new):
    """Replace ``W[:, order]`` by the Anderson extrapolation of ``history`` (the rows
    flattened, feature-major) if that lowers the objective; the residuals follow.  Returns
    whether it did."""
    if not extrapolate(history, diffs, flat_new):
        return False
    n_tasks = W.shape[0]
    R_new[:] = R
    offsets_new[:] = offsets
    candidate = 0.0
    for k in range(order.shape[0]):
        j = order[k]
        sqnorm = 0.0
        for t in range(n_tasks):
            value = flat_new[k * n_tasks + t]
            sqnorm += value * value
            step = value - W[t, j]
            if step != 0.0:
                offsets_new[t] += centered_col_axpy(X, j, -step, x_mean[j], R_new[t])
        norm = sqnorm**0.5
        candidate += factor(penalty, j) * (penalty.l1 * norm + 0.5 * penalty.l2 * sqnorm)
    current = group_value(penalty, W, order)
    for t in range(n_tasks):
        current += 0.5 * weighted_sums(weights, R[t], offsets[t], R[t], offsets[t])
        candidate += 0.5 * weighted_sums(weights, R_new[t], offsets_new[t], R_new[t],
                                         offsets_new[t])
    if not candidate < current:
        return False
    R[:] = R_new
    offsets[:] = offsets_new
    for k in range(order.shape[0]):
        for t in range(n_tasks):
            W[t, order[k]] = flat_new[k * n_tasks + t]
    return True


# Between two epochs over the whole working set, epochs visit only its non-zero rows: a
# working set holds about twice the features that end up active, and a zero row that stays
# zero costs as much as a moving one (the active-set cycling of Friedman, Hastie and
# Tibshirani 2010).  The duality gap is always computed over the whole working set, so a fit
# is certified as before; features that should enter do so at the next full epoch.
FULL_EPOCH_EVERY = 5


@njit
def multitask_cd(X, Y, weights, sum_weights, x_mean, col_sqnorm, penalty, features, W, R,
                 XTR, max_epochs, gap_tol, step_tol, settle, gap_every, shuffle_seed, anderson):
    """Block CD epochs over ``features`` until the duality gap is at most ``gap_tol``.

    ``W`` and ``R`` (``Y - W X^T``, uncentered part) are updated in place and must agree on
    entry; the last gap evaluation leaves the correlations of ``features`` in ``XTR``.  The
    rest as ``_cd.residual_cd`` (gap every ``gap_every`` epochs or once the steps settle,
    ``settle`` converging only at a settled full epoch,
    every ``FULL_EPOCH_EVERY``-th epoch over all of ``features`` and the others over their
    non-zero rows only,
    random order with ``shuffle_seed >= 0``, Anderson extrapolation every ``anderson + 1``
    epochs on the flattened rows).  Returns ``(status, n_epochs, gap)``.
    """
    if shuffle_seed >= 0:
        np.random.seed(shuffle_seed)
    if settle:
        step_tol = max(step_tol, SETTLE_STEP_FLOOR)
    n_tasks = W.shape[0]
    offsets = np.empty(n_tasks)
    task_offsets(X, x_mean, W, offsets)
    grad = np.empty(n_tasks)
    new = np.empty(n_tasks)
    order = features.copy()
    size = order.shape[0] * n_tasks
    history = np.empty((anderson + 1, size))
    diffs = np.empty((anderson, size))
    flat_new = np.empty(size)
    R_new = np.empty((n_tasks, R.shape[1]) if anderson > 0 else (0, 0))
    offsets_new = np.empty(n_tasks)
    gap = 0.0
    for epoch in range(max_epochs):
        max_step = 0.0
        max_coef = 0.0
        if shuffle_seed >= 0:
            np.random.shuffle(features)
        full = epoch % FULL_EPOCH_EVERY == 0
        for j in features:
            if col_sqnorm[j] == 0.0 or (not full and is_zero_row(W, j)):
                continue
            for t in range(n_tasks):
                grad[t] = centered_dot(X, j, weights, sum_weights, x_mean, R[t], offsets[t],
                                       0.0)
            norm = group_step(penalty, j, W, grad, col_sqnorm[j], new)
            max_step = max(max_step, _move_row(X, x_mean, j, W, new, R, offsets))
            max_coef = max(max_coef, norm)
        moved = False  # by an extrapolation, beyond this epoch's steps
        if anderson > 0:
            filled = epoch % (anderson + 1)
            for k in range(order.shape[0]):
                for t in range(n_tasks):
                    history[filled, k * n_tasks + t] = W[t, order[k]]
            if filled == anderson:
                moved = _try_extrapolation(X, weights, x_mean, penalty, order, W, R, offsets,
                                           history, diffs, flat_new, R_new, offsets_new)
        settled = epoch_settled(max_step, max_coef, step_tol)
        if settled or (epoch + 1) % gap_every == 0 or epoch == max_epochs - 1:
            task_correlations(X, weights, sum_weights, x_mean, R, offsets, features, XTR)
            gap = multitask_gap_from_correlations(Y, weights, col_sqnorm, penalty, features,
                                                  W, R, offsets, XTR)
            # With settle, only an epoch over every row of ``features`` can show them settled.
            if gap <= gap_tol and (not settle or (settled and full and not moved)):
                return STATUS_CONVERGED, epoch + 1, gap
    return STATUS_MAX_ITER, max_epochs, gap


@njit
def group_dual_scale(penalty, XTR, W, candidates):
    """``c = min(1, l1 / max_j ||x_j^T R - l2 f_j w_j|| / f_j)`` over the penalized
    candidates."""
    dual_norm = 0.0
    for j in candidates:
        f_j = factor(penalty, j)
        if f_j > 0.0:
            dual_norm = max(dual_norm, augmented_norm(penalty, XTR, W, j, f_j) / f_j)
    return 1.0 if dual_norm <= penalty.l1 else penalty.l1 / dual_norm


@njit
def group_gap_safe_screen(col_sqnorm, penalty, scale, radius, XTR, W, candidates, dropped):
    """Gap Safe test on the rows (Ndiaye et al. 2015): where
    ``c ||x_j^T R - l2 f_j w_j|| + radius ||x_j||_aug < l1 f_j`` the row ``w_j`` is zero at
    the optimum.  Same contract as ``_screening.gap_safe_screen``."""
    kept = 0
    n_dropped = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = factor(penalty, j)
        bound = scale * augmented_norm(penalty, XTR, W, j, f_j)
        bound += radius * (col_sqnorm[j] + penalty.l2 * f_j) ** 0.5
        if bound < penalty.l1 * f_j:
            if not is_zero_row(W, j):
                dropped[n_dropped] = j
                n_dropped += 1
        else:
            candidates[kept] = j
            kept += 1
    return kept, n_dropped


@njit
def group_violation_scores(penalty, col_sqnorm, XTR, W, candidates, score):
    """``score[k] = (l1 f_j - ||x_j^T R||) / ||x_j||_aug`` for ``j = candidates[k]``, as
    ``_screening.violation_scores`` (active rows and unpenalized features ``-inf``, zero
    columns ``+inf``); returns the number of violating zero rows."""
    violators = 0
    for k in range(candidates.shape[0]):
        j = candidates[k]
        f_j = factor(penalty, j)
        if f_j == 0.0 or not is_zero_row(W, j):
            score[k] = -np.inf
        elif col_sqnorm[j] == 0.0:
            score[k] = np.inf
        else:
            score[k] = ((penalty.l1 * f_j - row_norm(XTR, j))
                        / (col_sqnorm[j] + penalty.l2 * f_j) ** 0.5)
            if score[k] < 0.0:
                violators += 1
    return violators
