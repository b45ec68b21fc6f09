"""Independent NumPy references: objectives, duality gaps and optimality conditions from
returned coefficients, and an independent logistic fit (SciPy's L-BFGS-B).  Nothing here
imports fastreg."""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, xlogy


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


def enet_objective(X, y, coef, intercept, alpha, l1_ratio, sample_weight=None,
                   penalty_factor=None):
    """scikit-learn's Elastic Net objective with weights and penalty factors, in float64."""
    X = _dense(X).astype(np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor, float)
    coef = np.asarray(coef, np.float64)
    r = y - X @ coef - intercept
    return (s @ r**2 / (2 * s.sum()) + alpha * l1_ratio * f @ np.abs(coef)
            + alpha * (1 - l1_ratio) / 2 * f @ coef**2)


def enet_gap(X, y, coef, alpha, l1_ratio, *, sample_weight=None, fit_intercept=True,
             positive=False, penalty_factor=None):
    """Duality gap of the Elastic Net at ``coef`` (objective units), from first principles.

    Centers X and y explicitly (weighted), forms the residual, scales it into the dual
    feasible set of the augmented Lasso and returns primal minus dual.
    """
    X = _dense(X).astype(np.float64)
    y = np.asarray(y, np.float64)
    coef = np.asarray(coef, np.float64)
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor, float)
    S = s.sum()
    if fit_intercept:
        X = X - (s @ X) / S
        y = y - (s @ y) / S
    l1 = S * alpha * l1_ratio
    l2 = S * alpha * (1 - l1_ratio)
    r = y - X @ coef
    primal = 0.5 * s @ r**2 + l1 * f @ np.abs(coef) + 0.5 * l2 * f @ coef**2
    xta = X.T @ (s * r) - l2 * f * coef
    penalized = f > 0
    scores = xta[penalized] / f[penalized]
    dual_norm = max(scores.max() if positive else np.abs(scores).max(), 0.0)
    if l1 > 0:
        scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
        theta = scale * r
        # Dual of the augmented Lasso: theta.y - ||theta||^2/2 - the augmented rows' share.
        dual = s @ (theta * y) - 0.5 * s @ theta**2 - 0.5 * scale**2 * l2 * f @ coef**2
    else:
        xtr = X.T @ (s * r)
        excess = np.maximum(xtr, 0) if positive else xtr
        dual = s @ (r * y) - 0.5 * s @ r**2 - np.sum(excess[penalized]**2
                                                       / (2 * l2 * f[penalized]))
    return (primal - dual) / S


def multitask_objective(X, Y, coef, intercept, alpha, l1_ratio, sample_weight=None):
    """scikit-learn's multi-task Elastic Net objective (``coef`` of shape (n_tasks,
    n_features)), in float64."""
    X = _dense(X).astype(np.float64)
    s = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
    W = np.asarray(coef, np.float64)
    R = Y - X @ W.T - intercept
    rows = np.linalg.norm(W, axis=0)
    return (s @ (R**2).sum(axis=1) / (2 * s.sum()) + alpha * l1_ratio * rows.sum()
            + alpha * (1 - l1_ratio) / 2 * (rows**2).sum())


def multitask_gap(X, Y, coef, alpha, l1_ratio, *, sample_weight=None, fit_intercept=True):
    """Duality gap of the multi-task Elastic Net at ``coef`` (objective units), from first
    principles: centered data, the residual matrix scaled into the dual set
    ``||X_aug[:, j]^T Theta||_2 <= l1`` of the augmented problem (Fenchel dual of the ridge
    penalty when ``l1_ratio = 0``)."""
    X = _dense(X).astype(np.float64)
    Y = np.asarray(Y, np.float64)
    W = np.asarray(coef, np.float64)
    s = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
    S = s.sum()
    if fit_intercept:
        X = X - (s @ X) / S
        Y = Y - (s @ Y) / S
    l1 = S * alpha * l1_ratio
    l2 = S * alpha * (1 - l1_ratio)
    R = Y - X @ W.T
    squares = s @ (R**2).sum(axis=1)
    rows = np.linalg.norm(W, axis=0)
    primal = 0.5 * squares + l1 * rows.sum() + 0.5 * l2 * (rows**2).sum()
    XtR = (X * s[:, None]).T @ R  # p x T
    if l1 > 0:
        dual_norm = np.linalg.norm(XtR - l2 * W.T, axis=1).max()
        scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
        dual = (scale * s @ (R * Y).sum(axis=1) - 0.5 * scale**2 * squares
                - 0.5 * scale**2 * l2 * (rows**2).sum())
    else:
        dual = s @ (R * Y).sum(axis=1) - 0.5 * squares - (XtR**2).sum() / (2 * l2)
    return (primal - dual) / S


# --- penalized logistic regression ---------------------------------------------------------------
#
# Labels are y_i in {-1, +1}; z = X w + b is the linear predictor, m_i = y_i z_i the margin and
# p_i = sigmoid(-m_i) the probability the model gives to the wrong label.  On the mean-loss scale
#
#     P(w, b) = (1/S) sum_i s_i log(1 + exp(-m_i)) + alpha (rho sum_j f_j |w_j|
#               + (1 - rho)/2 sum_j f_j w_j^2)          (+ the constraint w >= 0 if positive)
#
# which is scikit-learn's C sum_i s_i loss_i + rho ||w||_1 + ... divided by C S, alpha = 1/(C S).


def _logistic_data(X, y, sample_weight, penalty_factor):
    X = _dense(X).astype(np.float64)
    y = np.asarray(y, np.float64)
    if not np.isin(y, (-1.0, 1.0)).all():
        raise ValueError("the logistic references take labels -1 and +1")
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor, np.float64)
    return X, y, s, f


def _binary_entropy(q):
    """``H(q) = -q log q - (1 - q) log(1 - q)`` on [0, 1], with ``0 log 0 = 0``."""
    q = np.clip(q, 0.0, 1.0)
    return -(xlogy(q, q) + xlogy(1.0 - q, 1.0 - q))


def logistic_objective(X, y, coef, intercept, alpha, l1_ratio, sample_weight=None,
                       penalty_factor=None):
    """``P(w, b)`` on the mean-loss scale, in float64, the loss as ``logaddexp(0, -m)`` (no
    overflow at any margin)."""
    X, y, s, f = _logistic_data(X, y, sample_weight, penalty_factor)
    coef = np.asarray(coef, np.float64).ravel()
    margin = y * (X @ coef + float(np.ravel(intercept)[0]))
    return (s @ np.logaddexp(0.0, -margin) / s.sum() + alpha * l1_ratio * f @ np.abs(coef)
            + alpha * (1 - l1_ratio) / 2 * f @ coef**2)


def _penalty_terms(coef, f, l1, l2):
    return l1 * f @ np.abs(coef) + 0.5 * l2 * f @ coef**2


def logistic_gap(X, y, coef, intercept, alpha, l1_ratio, *, sample_weight=None,
                 penalty_factor=None, fit_intercept=True, positive=False):
    r"""The duality gap of ``(coef, intercept)`` at the dual point fastreg documents
    (``fastreg._kernels._logistic``), recomputed from first principles on dense float64 data;
    mean-loss scale.

    **Dual.**  On the sum scale (``S`` times ``P``; ``l1 = S alpha rho``, ``l2 = S alpha
    (1 - rho)``) write ``P = sum_i s_i l_i(z_i) + g(w)`` with ``l_i(z) = log(1 + exp(-y_i z))``.
    Its conjugate is ``l_i^*(-y_i q) = q log q + (1 - q) log(1 - q) = -H(q)`` for ``q`` in
    [0, 1] (infinite elsewhere), so for any ``theta`` with ``theta_i = s_i y_i q_i``,
    ``q_i`` in [0, 1], Fenchel-Young gives ``s_i l_i(z_i) >= -theta_i z_i + s_i H(q_i)`` and
    ``g(w) >= w^T X^T theta - g^*(X^T theta)``.  Summing, ``P >= D(theta) - b sum_i theta_i``
    with

    .. math::  D(\theta) = \sum_i s_i H(q_i) - \sum_j g_j^*(x_j^\top\theta),

    so ``D`` is a lower bound when ``sum_i theta_i = 0`` (needed only with an intercept).
    ``g_j(w) = f_j (l1 |w| + l2 w^2 / 2)`` (plus the indicator of ``w >= 0`` if positive) has
    ``g_j^*(u) = (|u| - l1 f_j)_+^2 / (2 l2 f_j)`` (``u_+`` for ``|u|`` if positive) when
    ``l2 > 0``, and is the indicator of ``|u| <= l1 f_j`` (``u <= l1 f_j``) when ``l2 = 0``.
    At the optimum ``theta = r``, ``r_i = s_i y_i p_i`` (minus the loss's derivative in ``z_i``).

    **The dual point.**  ``q_i = c t_i p_i``: with an intercept the share of the larger class
    total (``P_+ = sum_{y>0} s_i p_i`` against ``P_- = sum_{y<0} s_i p_i``) is shrunk,
    ``t_i = P_- / P_+`` on the positive labels (or ``P_+ / P_-`` on the negative ones), which
    makes ``sum_i theta_i = 0`` and keeps every ``q_i`` in [0, 1].  ``theta = r - d``; with the
    weighted column means ``m_j``, ``x_j^T theta = (x_j - m_j)^T (r - d)``, bounded by Cauchy-
    Schwarz as ``|(x_j - m_j)^T r| + ||x_j - m_j||_s delta``, ``delta^2 = sum_i d_i^2 / s_i``
    (without intercept ``m = 0``, ``delta = 0``).  Lasso (``l2 = 0``): ``c = min(1, l1 /
    max_j u_j / f_j)`` for those bounds ``u_j`` makes every constraint hold; with an L2 part
    ``c = 1`` and ``g_j^*`` (increasing in ``|u|``) is taken at the bound, which only lowers
    ``D``.  Each step is a valid lower bound, so the gap bounds the suboptimality.

    **Unpenalized features** (``f_j = 0``) have the constraint ``x_j^T theta = 0``, which no
    scaling meets: as documented, they are left out of the dual and add ``2 ((x_j - m_j)^T
    r)^2 / ||x_j - m_j||_s^2``, so that the result is then a measure of stationarity (see
    :func:`certified_logistic_gap` for a strict bound).
    """
    X, y, s, f = _logistic_data(X, y, sample_weight, penalty_factor)
    coef = np.asarray(coef, np.float64)
    S = s.sum()
    l1, l2 = S * alpha * l1_ratio, S * alpha * (1 - l1_ratio)
    margin = y * (X @ coef + intercept)
    p = expit(-margin)
    r = s * y * p
    primal = s @ np.logaddexp(0.0, -margin) + _penalty_terms(coef, f, l1, l2)
    shrink = np.ones(len(y))
    delta = 0.0
    mean = np.zeros(X.shape[1])
    if fit_intercept:
        plus, minus = s[y > 0] @ p[y > 0], s[y < 0] @ p[y < 0]
        if plus > minus:
            shrink[y > 0] = minus / plus
        elif minus > plus:
            shrink[y < 0] = plus / minus
        delta = np.sqrt(np.sum((1 - shrink) ** 2 * s * p**2))  # d_i^2 / s_i, d = (1 - t) r
        mean = s @ X / S
    Xc = X - mean
    xtr = Xc.T @ r
    norms = np.sqrt(s @ Xc**2)
    penalized = f > 0
    bound = (xtr if positive else np.abs(xtr)) + norms * delta
    scale, conjugate = 1.0, 0.0
    if l2 == 0:
        dual_norm = max(0.0, (bound[penalized] / f[penalized]).max(initial=0.0))
        if dual_norm > l1:
            scale = l1 / dual_norm
    else:
        excess = np.maximum(np.maximum(bound, 0.0) - l1 * f, 0.0)[penalized]
        conjugate = np.sum(excess**2 / (2 * l2 * f[penalized]))
    dual = s @ _binary_entropy(scale * shrink * p) - conjugate
    free = ~penalized & (norms > 0)
    stationarity = np.sum(2 * xtr[free] ** 2 / norms[free] ** 2)
    return (primal - dual + stationarity) / S


def certified_logistic_gap(X, y, coef, intercept, alpha, l1_ratio, *, sample_weight=None,
                           penalty_factor=None, fit_intercept=True, positive=False):
    r"""A duality gap that is a strict upper bound on the suboptimality of ``(coef,
    intercept)`` (mean-loss scale), unpenalized features included; ``inf`` where its dual point
    cannot be built.

    The dual of :func:`logistic_gap` with an exactly feasible point: the linear constraints
    are ``A^T theta = 0`` for ``A`` the column of ones (with an intercept) and the unpenalized
    columns (``x_j^T theta <= 0`` under positive: only those with ``w_j > 0`` or a positive
    correlation are made equalities, grown until none is positive).  The dual point moves
    ``q = p`` by ``q_i = p_i + p_i (1 - p_i) y_i a_i^T lambda``: the constraints then read
    ``A^T r + (A^T W A) lambda = 0`` with ``W = diag(s p (1 - p))``, the Newton system of the
    unpenalized coordinates (so the correction vanishes where they are optimal).  It is used
    only if every ``q_i`` with ``s_i > 0`` stays in [0, 1] and the constraints hold to
    rounding; then ``x_j^T theta`` is computed exactly for every penalized feature and the
    point scaled into the Lasso's constraints (or ``g^*`` evaluated at it).
    """
    X, y, s, f = _logistic_data(X, y, sample_weight, penalty_factor)
    coef = np.asarray(coef, np.float64)
    if positive and (coef < 0).any():
        return np.inf
    S = s.sum()
    l1, l2 = S * alpha * l1_ratio, S * alpha * (1 - l1_ratio)
    margin = y * (X @ coef + intercept)
    p = expit(-margin)
    primal = s @ np.logaddexp(0.0, -margin) + _penalty_terms(coef, f, l1, l2)
    unpenalized = np.flatnonzero(f == 0)
    chosen = np.ones(unpenalized.size, dtype=bool)
    r = s * y * p
    if positive:
        chosen = (coef[unpenalized] > 0) | (X[:, unpenalized].T @ r > 0)
    curvature = s * p * (1 - p)
    while True:
        columns = [np.ones((len(y), 1))] if fit_intercept else []
        A = np.hstack(columns + [X[:, unpenalized[chosen]]])
        q = p.copy()
        if A.shape[1]:
            lam = np.linalg.lstsq(A.T @ (curvature[:, None] * A), -(A.T @ r), rcond=None)[0]
            q = p + p * (1 - p) * y * (A @ lam)
        theta = s * y * q
        grown = chosen | (X[:, unpenalized].T @ theta > 0)
        if not positive or (grown == chosen).all():
            break
        chosen = grown
    weighted = s > 0
    if (q[weighted] < 0).any() or (q[weighted] > 1).any():
        return np.inf
    if A.shape[1]:
        residual = np.abs(A.T @ theta)
        if (residual > 1e-10 * (np.abs(A).T @ np.abs(theta) + 1e-300)).any():
            return np.inf
    u = X.T @ theta
    penalized = f > 0
    u = np.maximum(u, 0.0) if positive else np.abs(u)
    scale, conjugate = 1.0, 0.0
    if l2 == 0:
        dual_norm = (u[penalized] / f[penalized]).max(initial=0.0)
        if dual_norm > l1:
            scale = l1 / dual_norm
    else:
        excess = np.maximum(u - l1 * f, 0.0)[penalized]
        conjugate = np.sum(excess**2 / (2 * l2 * f[penalized]))
    dual = s @ _binary_entropy(scale * q) - conjugate
    return (primal - dual) / S


def logistic_reference_fit(X, y, alpha, l1_ratio, *, sample_weight=None, penalty_factor=None,
                           fit_intercept=True, positive=False):
    """An independent minimiser of ``P``: L-BFGS-B (SciPy) on the smooth split form.

    ``w = u - v`` with ``u, v >= 0`` makes ``|w_j|`` the linear ``u_j + v_j`` at the optimum
    (where one of the two is 0), so the objective is smooth with bound constraints; under
    ``positive`` only ``u`` is kept, and an unpenalized feature (``f_j = 0``, not positive)
    is one free variable.  Its end is polished by Newton steps on its support
    (:func:`_newton_polish`).  Returns ``(coef, intercept)``; check its quality with
    :func:`certified_logistic_gap`.
    """
    X, y, s, f = _logistic_data(X, y, sample_weight, penalty_factor)
    S = s.sum()
    free = np.flatnonzero((f == 0) & (not positive))
    split = np.flatnonzero((f > 0) | positive)
    signs = (1.0,) if positive else (1.0, -1.0)
    # x = [w_free, u_split, (v_split), (b)]
    blocks = [free] + [split] * len(signs)
    ends = np.cumsum([0] + [block.size for block in blocks])

    def unpack(x):
        w = np.zeros(X.shape[1])
        w[free] = x[:ends[1]]
        for k, sign in enumerate(signs):
            w[split] += sign * x[ends[k + 1]:ends[k + 2]]
        return w, (x[-1] if fit_intercept else 0.0)

    def fun(x):
        w, b = unpack(x)
        margin = y * (X @ w + b)
        l1_part = f[split] @ x[ends[1]:ends[-1]].reshape(len(signs), -1).sum(axis=0)
        value = (s @ np.logaddexp(0.0, -margin) / S + alpha * l1_ratio * l1_part
                 + alpha * (1 - l1_ratio) / 2 * f @ w**2)
        dz = -s * y * expit(-margin) / S
        grad_w = X.T @ dz + alpha * (1 - l1_ratio) * f * w
        parts = [grad_w[free]] + [sign * grad_w[split] + alpha * l1_ratio * f[split]
                                  for sign in signs]
        if fit_intercept:
            parts.append([dz.sum()])
        return value, np.concatenate(parts)

    x0 = np.zeros(ends[-1] + fit_intercept)
    if fit_intercept:
        plus, minus = s[y > 0].sum(), s[y < 0].sum()
        x0[-1] = np.log(plus / minus)
    bounds = ([(None, None)] * free.size + [(0.0, None)] * (ends[-1] - free.size)
              + [(None, None)] * fit_intercept)
    # Moderate tolerances: the polish below does the last digits (and the tests check the
    # result's certified gap, not these settings).
    result = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 100_000, "maxfun": 200_000, "ftol": 1e-15,
                               "gtol": 1e-10, "maxcor": 30})
    coef, intercept = unpack(result.x)
    return _newton_polish(X, y, s, f, alpha, l1_ratio, coef, intercept, fit_intercept)


def _newton_polish(X, y, s, f, alpha, l1_ratio, coef, intercept, fit_intercept, steps=5):
    """Newton steps on the support of ``coef`` with its signs fixed, where the objective is
    smooth: L-BFGS-B ends with gradients of about 1e-8, which Newton's quadratic convergence
    takes to rounding.  The polished point is kept only if it keeps every sign and does not
    raise the objective beyond rounding (else the L-BFGS-B point is returned)."""
    S = s.sum()
    support = np.flatnonzero(coef)
    signs = np.sign(coef[support])
    columns = X[:, support]
    if fit_intercept:
        columns = np.column_stack([columns, np.ones(len(y))])
    ridge = np.r_[alpha * (1 - l1_ratio) * f[support], np.zeros(int(fit_intercept))]
    slope = np.r_[alpha * l1_ratio * f[support] * signs, np.zeros(int(fit_intercept))]
    x = np.r_[coef[support], [intercept] if fit_intercept else []]
    for _ in range(steps):
        margin = y * (columns @ x)
        p = expit(-margin)
        gradient = -columns.T @ (s * y * p) / S + ridge * x + slope
        hessian = (columns.T * (s * p * (1 - p))) @ columns / S + np.diag(ridge)
        x = x - np.linalg.lstsq(hessian, gradient, rcond=None)[0]
    polished = np.zeros_like(coef)
    polished[support] = x[:support.size]
    b = float(x[-1]) if fit_intercept else 0.0
    kept_signs = np.array_equal(np.sign(polished[support]), signs)
    before = logistic_objective(X, y, coef, intercept, alpha, l1_ratio, s, f)
    # Near the optimum the objective changes below its own rounding (n eps of its size).
    if kept_signs and (logistic_objective(X, y, polished, b, alpha, l1_ratio, s, f)
                       <= before + len(y) * np.finfo(np.float64).eps * abs(before)):
        return polished, b
    return coef, intercept


def logistic_kkt(X, y, coef, intercept, alpha, l1_ratio, *, sample_weight=None,
                 penalty_factor=None, fit_intercept=True, positive=False):
    """Optimality conditions of ``P`` at ``(coef, intercept)``, in float64 NumPy.

    With ``c_j = x_j^T r / S - alpha (1 - rho) f_j w_j`` (minus the smooth part's gradient,
    ``r_i = s_i y_i p_i``) and ``lam_j = alpha rho f_j``, optimality is ``c_j = lam_j
    sign(w_j)`` where ``w_j != 0`` and ``|c_j| <= lam_j`` (``c_j <= lam_j`` if positive) where
    ``w_j = 0``; with an intercept also ``sum_i r_i = 0``.

    Returns ``(violation, intercept_violation, curvature, rounding)``: per feature the distance
    of 0 from the subdifferential, ``|sum_i r_i| / S``, the bound ``sum_i s_i x_ij^2 / (4 S) +
    alpha (1 - rho) f_j`` on the objective's curvature along coordinate j (the logistic loss
    has curvature at most 1/4) and the rounding of ``c_j``.
    """
    X, y, s, f = _logistic_data(X, y, sample_weight, penalty_factor)
    coef = np.asarray(coef, np.float64)
    S = s.sum()
    p = expit(-y * (X @ coef + intercept))
    r = s * y * p
    c = X.T @ r / S - alpha * (1 - l1_ratio) * f * coef
    lam = alpha * l1_ratio * f
    violation = np.abs(c - lam * np.sign(coef))
    free = np.maximum(c - lam, 0.0) if positive else np.maximum(np.abs(c) - lam, 0.0)
    zero = coef == 0
    violation[zero] = free[zero]
    if positive:
        violation[coef < 0] = np.inf
    intercept_violation = abs(r.sum()) / S if fit_intercept else 0.0
    curvature = s @ X**2 / (4 * S) + alpha * (1 - l1_ratio) * f
    rounding = 64 * np.finfo(np.float64).eps * (np.abs(X).T @ (s * p) / S
                                                  + alpha * f * np.abs(coef))
    return violation, intercept_violation, curvature, rounding


def bounded_reference_fit(X, y, alpha, l1_ratio, *, lower=None, upper=None, loss="squared",
                          sample_weight=None, penalty_factor=None, fit_intercept=True):
    """An independent minimiser of the Elastic Net (``loss="squared"``, scikit-learn's
    objective) or of the penalized logistic regression (labels -1/+1, mean-loss scale) with
    box constraints ``lower <= w <= upper``: L-BFGS-B on the split form ``w = u - v``, ``0 <=
    u <= upper``, ``0 <= v <= -lower``, where ``|w_j|`` is the linear ``u_j + v_j`` at the
    optimum.  ``lower`` / ``upper`` are arrays of one value per feature (infinite for none)
    or None.  Returns ``(coef, intercept)``.
    """
    X = _dense(X).astype(np.float64)
    y = np.asarray(y, np.float64)
    n, p = X.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, np.float64)
    lower = np.full(p, -np.inf) if lower is None else np.broadcast_to(lower, p)
    upper = np.full(p, np.inf) if upper is None else np.broadcast_to(upper, p)
    S = s.sum()

    def fun(x):
        u, v = x[:p], x[p:2 * p]
        w, b = u - v, (x[-1] if fit_intercept else 0.0)
        z = X @ w + b
        if loss == "squared":
            r = y - z
            value = s @ r**2 / (2 * S)
            dz = -s * r / S
        else:
            margin = y * z
            value = s @ np.logaddexp(0.0, -margin) / S
            dz = -s * y * expit(-margin) / S
        value += alpha * l1_ratio * f @ (u + v) + alpha * (1 - l1_ratio) / 2 * f @ w**2
        grad_w = X.T @ dz + alpha * (1 - l1_ratio) * f * w
        grad = [grad_w + alpha * l1_ratio * f, -grad_w + alpha * l1_ratio * f]
        if fit_intercept:
            grad.append([dz.sum()])
        return value, np.concatenate(grad)

    box = ([(0.0, None if hi == np.inf else hi) for hi in upper]
           + [(0.0, None if lo == -np.inf else -lo) for lo in lower]
           + [(None, None)] * fit_intercept)
    x0 = np.zeros(2 * p + fit_intercept)
    result = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=box,
                      options={"maxiter": 200_000, "maxfun": 400_000, "ftol": 1e-16,
                               "gtol": 1e-13, "maxcor": 50})
    coef = result.x[:p] - result.x[p:2 * p]
    return coef, (result.x[-1] if fit_intercept else 0.0)
