"""Independent NumPy references: objective and duality gap from returned coefficients."""

import numpy as np
import scipy.sparse as sp


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
