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

**L1-regularized logistic regression.**  Labels :math:`y_i \in \{-1, +1\}` (any two values are
mapped to them, the larger one to ``+1``), mean-loss scale as glmnet and skglm use it:

.. math::

    P(w, b) = \frac1n \sum_i \log\big(1 + e^{-y_i (x_i^\top w + b)}\big) + \alpha \|w\|_1 .

scikit-learn's ``LogisticRegression(C=...)`` minimises ``C sum_i loss_i + ||w||_1``, i.e.
``alpha = 1 / (C n)``.  In sum scale, with :math:`\lambda = n \alpha`,
:math:`f_i(z) = \log(1 + e^{-y_i z})` and :math:`z = Xw + b`, the Lagrangian of
:math:`\min \sum_i f_i(z_i) + \lambda \|w\|_1` s.t. :math:`z = Xw + b` with multiplier
:math:`\theta` is :math:`\sum_i [f_i(z_i) + \theta_i z_i] + \lambda \|w\|_1 - \theta^\top X w
- b \sum_i \theta_i`.  Minimizing over ``z`` gives :math:`-\sum_i f_i^*(-\theta_i)`, over
``w`` the constraint :math:`\|X^\top \theta\|_\infty \le \lambda`, over ``b`` (with an
intercept) :math:`\sum_i \theta_i = 0`.  The conjugate of the logistic loss is the negative
binary entropy: :math:`f_i^*(-\theta_i) = a \log a + (1 - a) \log(1 - a)` with
:math:`a = y_i \theta_i \in [0, 1]` (infinite outside), so the dual is (Ndiaye, Fercoq,
Gramfort and Salmon 2017, "Gap safe screening rules for sparsity enforcing penalties", JMLR,
section 2 and the logistic example of section 4)

.. math::

    D(\theta) = \sum_i H(y_i \theta_i), \qquad H(a) = -a \log a - (1 - a) \log(1 - a),
    \qquad \|X^\top \theta\|_\infty \le \lambda, \ \ \textstyle\sum_i \theta_i = 0
    \ \text{(with an intercept)} .

**Dual point.**  At the optimum :math:`\theta_i = -f_i'(z_i) = y_i \sigma(-y_i z_i)`, the
generalized residual ``r``; from the solver's answer we take that ``r``.  With an intercept
it must sum to zero *and* stay in the box :math:`y_i \theta_i \in [0, 1]` (subtracting its
mean, as for least squares, can leave the box, where ``H`` is undefined): of the two sums
:math:`S_+ = \sum_{y_i = 1} r_i` and :math:`S_- = -\sum_{y_i = -1} r_i`, both non-negative,
the larger part is multiplied by ``min / max``, which keeps every :math:`y_i r_i` in
``[0, 1]``.  At the optimum the intercept's optimality condition already makes the sum zero,
so nothing changes there.  Then :math:`\theta = s\, r` with
:math:`s = \min(1, \lambda / \|X^\top r\|_\infty)`, which keeps both the box and the zero sum.
The gap, divided by ``n`` back to objective units, is

.. math::

    G = \frac1n \Big[ \sum_i f_i(z_i) + \lambda \|w\|_1 - \sum_i H(y_i \theta_i) \Big] \ge 0 .

``H`` is evaluated from :math:`a_i = \sigma(-y_i z_i)` and :math:`1 - a_i = \sigma(y_i z_i)`,
both computed directly, and after a factor ``c`` from :math:`c\, a_i` and
:math:`(1 - c) + c (1 - a_i)`: no ``1 - a`` is formed by cancellation where ``a`` is near 1.
The target :func:`logistic_target_gap` is ``rel * P_null`` with ``P_null`` the mean loss of the
intercept-only model, the binary entropy of the fraction of positive labels (``log 2`` without
intercept): the analogue of the Lasso's ``rel * ||y - ybar||^2 / (2n)``, which is ``rel``
times the objective at ``w = 0``.

**Multi-task Lasso.**  ``Y`` has shape ``(n, T)``, one column per task; ``W`` has shape
``(T, p)`` (scikit-learn's ``coef_``; ``B = W^T`` below), ``b`` one intercept per task, and the
penalty is the L2,1 norm, the sum over features of the Euclidean norms of ``W``'s columns (the
rows ``B_j`` of ``B``), as scikit-learn's ``MultiTaskLasso``:

.. math::

    P(W, b) = \frac{1}{2n} \|Y - X W^\top - 1 b^\top\|_F^2 + \alpha \sum_j \|W_{:, j}\|_2 .

In sum scale, with :math:`\lambda = n \alpha` and :math:`Z = XB + 1 b^\top`, the Lagrangian
of :math:`\min \frac12 \|Y - Z\|_F^2 + \lambda \sum_j \|B_j\|_2` with multiplier
:math:`\Theta \in \mathbb{R}^{n \times T}` is :math:`\frac12 \|Y - Z\|_F^2 + \langle \Theta,
Z \rangle - \sum_j \langle x_j^\top \Theta, B_j \rangle + \lambda \sum_j \|B_j\|_2 -
\langle \Theta^\top 1, b \rangle`.  Minimizing over ``Z`` (at ``Z = Y - Theta``) gives
:math:`\langle \Theta, Y \rangle - \frac12 \|\Theta\|_F^2`; over each row ``B_j`` it is
bounded (by 0) exactly when :math:`\|x_j^\top \Theta\|_2 \le \lambda`, the Euclidean norm
being its own dual; over ``b`` (with an intercept) it forces every column of ``Theta`` to sum
to zero.  So

.. math::

    D(\Theta) = \langle \Theta, Y \rangle - \tfrac12 \|\Theta\|_F^2, \qquad
    \max_j \|x_j^\top \Theta\|_2 \le n \alpha, \ \ \Theta^\top 1 = 0
    \ \text{(with an intercept)} .

**Dual point.**  At the optimum ``Theta`` is the residual ``R = Y - X B - 1 b^T``.  With an
intercept we take the residual with each task's mean removed, ``R_c = R - 1 mean(R)``, which is
the residual ``Y_c - X_c B`` of the problem on centred ``X`` and ``Y`` (whatever the solver's
``b``); ``X_c`` is never formed, since :math:`X^\top R_c = X_c^\top R_c`.  Then
:math:`\Theta = s R_c` with :math:`s = \min(1, \lambda / \max_j \|x_j^\top R_c\|_2)`.  The
gap, divided by ``n`` back to objective units, is

.. math::

    G = \frac1n \Big[ \tfrac12 \|R\|_F^2 + \lambda \sum_j \|B_j\|_2
        - s \langle R_c, Y \rangle + \tfrac{s^2}{2} \|R_c\|_F^2 \Big] \ge 0 ,

with the primal term at the solver's own intercept (a poor intercept shows up in the gap).  The
target :func:`multitask_target_gap` is ``rel * ||Y - Ybar||_F^2 / (2n)``, ``rel`` times the
objective at ``W = 0``; :func:`multitask_alpha_max` is ``max_j ||x_j^T Y_c||_2 / n``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import entr, expit

__all__ = [
    "alpha_max",
    "enet_duality_gap",
    "enet_objective",
    "logistic_alpha_max",
    "logistic_duality_gap",
    "logistic_objective",
    "logistic_target_gap",
    "multitask_alpha_max",
    "multitask_duality_gap",
    "multitask_objective",
    "multitask_target_gap",
    "signed_labels",
    "target_gap",
]


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

    This is the benchmark target of docs/architecture.md's Benchmarks section with its default
    ``rel``, in the objective units of :func:`enet_duality_gap`.
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


# -- L1-regularized logistic regression -----------------------------------------------------


def signed_labels(y):
    """``y`` as a float64 vector of ``-1.0`` / ``+1.0``.

    Labels already in ``{-1, 1}`` or ``{0, 1}`` keep their meaning (``0`` is the negative
    class); any other two values are mapped in sorted order, the larger one to ``+1``, as
    scikit-learn's ``classes_[1]`` is the positive class.
    """
    y = np.asarray(y).ravel()
    classes = np.unique(y)
    if classes.size > 2:
        raise ValueError(f"binary labels needed, got {classes.size} distinct values")
    if set(classes.tolist()) <= {-1, 1}:
        return y.astype(np.float64)
    if set(classes.tolist()) <= {0, 1}:
        return 2.0 * y.astype(np.float64) - 1.0
    if classes.size < 2:
        raise ValueError(f"a single label {classes[0]!r} that is neither -1, 0 nor 1")
    return np.where(y == classes[1], 1.0, -1.0)


def _margins(X, y, coef, intercept):
    """``y_i z_i`` with ``z = Xw + b``, in float64."""
    return y * (_matvec(X, coef) + float(intercept))


def logistic_objective(X, y, coef, intercept, alpha):
    """Primal ``P(w, b)`` of the logistic model (module docstring), mean-loss scale."""
    y = signed_labels(y)
    coef = _as_float64_vector(coef)
    margins = _margins(X, y, coef, intercept)
    return float(np.mean(np.logaddexp(0.0, -margins)) + alpha * np.abs(coef).sum())


def logistic_duality_gap(X, y, coef, intercept, alpha, fit_intercept):
    """Duality gap of a solver's ``(coef, intercept)`` for L1 logistic regression.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Design matrix; never densified.
    y : array-like of shape (n_samples,)
        Two-valued labels (see :func:`signed_labels`).
    coef : array-like of shape (n_features,) or (1, n_features)
        The solver's coefficients (scikit-learn's ``coef_`` shape is accepted).
    intercept : float or array-like of one value
        The solver's intercept; ``0`` for a fit without intercept.
    alpha : float
        Mean-loss penalty, ``alpha = 1 / (C n)`` in scikit-learn's terms.
    fit_intercept : bool
        Whether the model has an unpenalized intercept, which constrains the dual point to
        sum to zero.  Required: an intercept of exactly 0 is a valid answer of either model.

    Returns
    -------
    gap : float
        ``P(w, b) - D(theta)`` divided by ``n_samples``; non-negative up to rounding, 0 at
        the optimum.
    """
    y = signed_labels(y)
    coef = _as_float64_vector(coef)
    intercept = float(np.asarray(intercept, dtype=np.float64).reshape(-1)[0])
    n_samples = y.shape[0]
    if X.shape != (n_samples, coef.shape[0]):
        raise ValueError(f"shapes differ: X {X.shape}, y {y.shape}, coef {coef.shape}")
    lam = n_samples * alpha

    margins = _margins(X, y, coef, intercept)
    loss = np.logaddexp(0.0, -margins).sum()
    a = expit(-margins)  # y_i r_i, in [0, 1]
    a_complement = expit(margins)  # 1 - a_i, without cancellation

    factor = np.ones(n_samples)
    if fit_intercept:
        positive = y > 0
        sum_positive, sum_negative = a[positive].sum(), a[~positive].sum()
        if sum_positive > sum_negative:
            factor[positive] = sum_negative / sum_positive
        elif sum_negative > sum_positive:
            factor[~positive] = sum_positive / sum_negative

    residual = factor * y * a
    correlation = _rmatvec(X, residual)
    dual_norm = np.max(np.abs(correlation)) if correlation.size else 0.0
    if dual_norm > lam:
        factor *= lam / dual_norm

    dual = (entr(factor * a) + entr((1.0 - factor) + factor * a_complement)).sum()
    return float((loss + lam * np.abs(coef).sum() - dual) / n_samples)


def logistic_target_gap(y, rel=1e-6, fit_intercept=True):
    """The logistic target gap ``rel * P_null``.

    ``P_null`` is the mean loss of the intercept-only model, the binary entropy of the
    fraction ``p`` of positive labels (``log 2`` without intercept): the objective at
    ``w = 0``, as the Lasso's ``||y - ybar||^2 / (2n)`` is.
    """
    if not fit_intercept:
        return float(rel * np.log(2.0))
    p = float(np.mean(signed_labels(y) > 0))
    return float(rel * (entr(p) + entr(1.0 - p)))


def logistic_alpha_max(X, y, fit_intercept=True):
    """Smallest ``alpha`` with ``w = 0`` optimal.

    ``||X^T (y01 - p0)||_inf / n`` with an intercept (``y01 = (y + 1) / 2``, ``p0`` its mean:
    the intercept-only fit predicts ``p0``), ``||X^T y||_inf / (2n)`` without (``b = 0``
    predicts ``1/2``).
    """
    y = signed_labels(y)
    n_samples = y.shape[0]
    if fit_intercept:
        y01 = 0.5 * (y + 1.0)
        score = y01 - y01.mean()
    else:
        score = 0.5 * y
    return float(np.max(np.abs(_rmatvec(X, score))) / n_samples)


# -- multi-task Lasso ----------------------------------------------------------------------------


def _as_float64_matrix(Y, name="Y"):
    """``Y`` as a 2-D float64 array (one column per task)."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_tasks), got shape {Y.shape}")
    return Y


def _matmat(X, B):
    """``X @ B`` in float64 for a 2-D ``B``, without densifying a sparse ``X``."""
    if sp.issparse(X):
        return np.asarray(X @ B, dtype=np.float64)
    return np.asarray(X, dtype=np.float64) @ B


def _rmatmat(X, R):
    """``X^T @ R`` in float64 for a 2-D ``R``, without densifying a sparse ``X``."""
    if sp.issparse(X):
        return np.asarray(X.T @ R, dtype=np.float64)
    return np.asarray(X, dtype=np.float64).T @ R


def _multitask_parts(X, Y, coef, intercept):
    """float64 ``(Y, coef, intercept as (n_tasks,), residual)`` after checking the shapes."""
    Y = _as_float64_matrix(Y)
    coef = _as_float64_matrix(coef, "coef")
    n_samples, n_tasks = Y.shape
    if X.shape[0] != n_samples or coef.shape != (n_tasks, X.shape[1]):
        raise ValueError(
            f"shapes differ: X {X.shape}, Y {Y.shape}, coef {coef.shape} (n_tasks, n_features)"
        )
    intercept = np.broadcast_to(np.asarray(intercept, dtype=np.float64), (n_tasks,))
    residual = Y - _matmat(X, coef.T) - intercept
    return Y, coef, intercept, residual


def _l21_norm(coef):
    """``sum_j ||coef[:, j]||_2`` of a ``(n_tasks, n_features)`` array."""
    return float(np.sqrt(np.sum(coef * coef, axis=0)).sum())


def _max_row_norm(M):
    """``max_j ||M[j]||_2`` (0 for an empty ``M``)."""
    return float(np.sqrt(np.max(np.sum(M * M, axis=1)))) if M.size else 0.0


def multitask_objective(X, Y, coef, intercept, alpha):
    """Primal ``P(W, b)`` of the multi-task Lasso (module docstring).

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Design matrix; never densified.
    Y : array-like of shape (n_samples, n_tasks)
        Targets, one column per task.
    coef : array-like of shape (n_tasks, n_features)
        ``W``, scikit-learn's ``coef_`` layout.
    intercept : float or array-like of shape (n_tasks,)
        One intercept per task (a scalar is broadcast); ``0`` without intercept.
    alpha : float
        Penalty on the L2,1 norm of ``W``.

    Returns
    -------
    objective : float
        ``||Y - X W^T - 1 b^T||_F^2 / (2n) + alpha * sum_j ||W[:, j]||_2``.
    """
    Y, coef, _, residual = _multitask_parts(X, Y, coef, intercept)
    return float(0.5 * np.sum(residual * residual) / Y.shape[0] + alpha * _l21_norm(coef))


def multitask_duality_gap(X, Y, coef, intercept, alpha, fit_intercept=None):
    """Duality gap of a solver's ``(coef, intercept)`` for the multi-task Lasso.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Design matrix; never densified.
    Y : array-like of shape (n_samples, n_tasks)
        Targets, one column per task.
    coef : array-like of shape (n_tasks, n_features)
        ``W``, scikit-learn's ``coef_`` layout.
    intercept : float or array-like of shape (n_tasks,)
        The solver's intercepts; ``0`` for a fit without intercept.
    alpha : float
        Penalty on the L2,1 norm, in the objective of :func:`multitask_objective`.
    fit_intercept : bool, optional
        Whether the model has unpenalized intercepts, which make the dual point centred
        (every column of ``Theta`` sums to zero).  Default: whether any intercept is non-zero.
        Pass it explicitly when the intercepts may be exactly 0.

    Returns
    -------
    gap : float
        ``P(W, b) - D(Theta)`` divided by ``n_samples``; non-negative up to rounding, 0 at the
        optimum.
    """
    Y, coef, intercept, residual = _multitask_parts(X, Y, coef, intercept)
    if fit_intercept is None:
        fit_intercept = bool(np.any(intercept != 0.0))
    n_samples = Y.shape[0]
    lam = n_samples * alpha

    centred = residual - residual.mean(axis=0) if fit_intercept else residual
    correlation = _rmatmat(X, centred)  # (n_features, n_tasks): x_j^T R_c in row j
    dual_norm = _max_row_norm(correlation)
    scale = min(1.0, lam / dual_norm) if dual_norm > 0 else 1.0

    gap = (
        0.5 * np.sum(residual * residual)
        + lam * _l21_norm(coef)
        - scale * np.sum(centred * Y)
        + 0.5 * scale * scale * np.sum(centred * centred)
    )
    return float(gap / n_samples)


def multitask_target_gap(Y, rel=1e-6, fit_intercept=True):
    """The multi-task target gap ``rel * ||Y - Ybar||_F^2 / (2n)``.

    ``Ybar`` holds each task's mean (``0`` without intercept): ``rel`` times the objective at
    ``W = 0``, in the units of :func:`multitask_duality_gap`.
    """
    Y = _as_float64_matrix(Y)
    Yc = Y - Y.mean(axis=0) if fit_intercept else Y
    return float(rel * np.sum(Yc * Yc) / (2.0 * Y.shape[0]))


def multitask_alpha_max(X, Y, fit_intercept=True):
    """Smallest ``alpha`` with ``W = 0`` optimal: ``max_j ||x_j^T (Y - Ybar)||_2 / n``."""
    Y = _as_float64_matrix(Y)
    Yc = Y - Y.mean(axis=0) if fit_intercept else Y
    return _max_row_norm(_rmatmat(X, Yc)) / Y.shape[0]
