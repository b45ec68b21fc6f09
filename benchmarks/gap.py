r"""One duality gap for every solver: the yardstick of the benchmarks.

The primal is scikit-learn's Elastic Net objective, with ``a = alpha * l1_ratio`` and
``c = alpha * (1 - l1_ratio)``:

.. math::

    P(w, b) = \frac{1}{2n} \|y - Xw - b\|^2 + a \|w\|_1 + \frac{c}{2} \|w\|^2 .

**Augmented Lasso view.**  With :math:`\tilde X = [X; \sqrt{nc}\, I]` and
:math:`\tilde y = [y; 0]` the problem is a Lasso (intercept on the first ``n`` rows only).  In
unnormalized units (everything times ``n``, :math:`\lambda = n a`) its dual is

.. math::

    D(\nu) = \nu^\top \tilde y - \tfrac12 \|\nu\|^2 \quad \text{s.t.} \quad
    \|\tilde X^\top \nu\|_\infty \le \lambda, \quad \textstyle\sum_{i \le n} \nu_i = 0
    \ \text{(with an intercept)} .

**Dual point.**  From the residual ``r = y - Xw - b`` of the solver's answer we take the
centred residual ``r_c = r - mean(r)`` (plain ``r`` without an intercept: centring is what
the optimal intercept would do) and the augmented residual
:math:`\tilde r = [r_c; -\sqrt{nc}\, w]`, then rescale it into the feasible set:
:math:`\nu = s \tilde r` with :math:`s = \min(1, \lambda / \|X^\top r_c - n c\, w\|_\infty)`.
Note :math:`X^\top r_c = X_c^\top r`: the column means of ``X`` are never formed into a
matrix, so sparse ``X`` stays sparse.  The gap, divided by ``n`` back to objective units, is

.. math::

    G = \frac1n \Big[ \tfrac12 \|r\|^2 + \lambda \|w\|_1 + \tfrac{nc}{2}(1 + s^2)\|w\|^2
        - s\, r_c^\top y + \tfrac{s^2}{2} \|r_c\|^2 \Big] \ \ge 0 .

The primal term uses the solver's own intercept ``b``, so a poor intercept shows up in the gap.
All arithmetic is in float64 whatever the dtype of ``X``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["alpha_max", "enet_duality_gap", "enet_objective", "target_gap"]


def _as_float64_vector(v):
    return np.asarray(v, dtype=np.float64).ravel()


def _matvec(X, w):
    """X @ w in float64, without densifying a sparse X (a float32 X is upcast)."""
    if sp.issparse(X):
        return np.asarray(X @ w, dtype=np.float64).ravel()
    return np.asarray(X, dtype=np.float64) @ w


def _rmatvec(X, r):
    """X^T @ r in float64, without densifying a sparse X (a float32 X is upcast)."""
    if sp.issparse(X):
        return np.asarray(X.T @ r, dtype=np.float64).ravel()
    return np.asarray(X, dtype=np.float64).T @ r


def _check_l1_ratio(l1_ratio):
    if not 0.0 < l1_ratio <= 1.0:
        raise ValueError(
            f"l1_ratio must be in (0, 1], got {l1_ratio}: without an L1 term the dual is not "
            "a scaled residual and this gap does not apply"
        )


def enet_objective(X, y, coef, intercept, alpha, l1_ratio=1.0):
    """Primal objective ``P(w, b)`` of the module docstring."""
    y = _as_float64_vector(y)
    coef = _as_float64_vector(coef)
    residual = y - _matvec(X, coef) - float(intercept)
    n_samples = y.shape[0]
    return (
        0.5 * residual @ residual / n_samples
        + alpha * l1_ratio * np.abs(coef).sum()
        + 0.5 * alpha * (1.0 - l1_ratio) * coef @ coef
    )


def enet_duality_gap(X, y, coef, intercept, alpha, l1_ratio=1.0, fit_intercept=None):
    """Duality gap of a solver's ``(coef, intercept)`` for the Elastic Net, objective units.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Design matrix; never densified.
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
    intercept : float
        The solver's intercept; ``0`` for a fit without intercept.
    alpha, l1_ratio : float
        scikit-learn's parametrization; ``0 < l1_ratio <= 1``.
    fit_intercept : bool, optional
        Whether the model has an (unpenalized) intercept, which makes the dual point centred.
        Default: ``intercept != 0``.  Pass it explicitly when the intercept may be exactly 0.

    Returns
    -------
    gap : float
        ``P(w, b) - D(theta)``, divided by ``n_samples``; non-negative up to rounding.
    """
    _check_l1_ratio(l1_ratio)
    y = _as_float64_vector(y)
    coef = _as_float64_vector(coef)
    intercept = float(intercept)
    if fit_intercept is None:
        fit_intercept = intercept != 0.0
    n_samples = y.shape[0]
    if X.shape != (n_samples, coef.shape[0]):
        raise ValueError(f"shapes differ: X {X.shape}, y {y.shape}, coef {coef.shape}")

    lam = n_samples * alpha * l1_ratio
    beta = n_samples * alpha * (1.0 - l1_ratio)

    residual = y - _matvec(X, coef) - intercept
    centred = residual - residual.mean() if fit_intercept else residual
    correlation = _rmatvec(X, centred) - beta * coef
    dual_norm = np.max(np.abs(correlation)) if correlation.size else 0.0
    scale = min(1.0, lam / dual_norm) if dual_norm > 0 else 1.0

    coef_norm2 = coef @ coef
    gap = (
        0.5 * residual @ residual
        + lam * np.abs(coef).sum()
        + 0.5 * beta * (1.0 + scale * scale) * coef_norm2
        - scale * centred @ y
        + 0.5 * scale * scale * centred @ centred
    )
    return float(gap / n_samples)


def target_gap(y, rel=1e-6, fit_intercept=True):
    """The benchmark's target gap ``rel * ||y - ybar||^2 / (2n)`` (``ybar = 0`` without intercept).

    This is DESIGN.md section 5's ``1e-6 * ||y||^2 / (2n)`` with ``y`` centred when the model
    has an intercept, in the objective units of :func:`enet_duality_gap`.
    """
    y = _as_float64_vector(y)
    yc = y - y.mean() if fit_intercept else y
    return float(rel * (yc @ yc) / (2.0 * y.shape[0]))


def alpha_max(X, y, l1_ratio=1.0, fit_intercept=True):
    """Smallest ``alpha`` with ``w = 0`` optimal: ``max_j |x_j^T (y - ybar)| / (n l1_ratio)``."""
    _check_l1_ratio(l1_ratio)
    y = _as_float64_vector(y)
    yc = y - y.mean() if fit_intercept else y
    return float(np.max(np.abs(_rmatvec(X, yc))) / (y.shape[0] * l1_ratio))
