"""One regularization strength: the engine between validated data and the Numba kernels.

:class:`Problem` holds the data made canonical once (centered target, weights, column means and
norms); :class:`CoordinateDescent` keeps the solver state (coefficients plus residual, or
correlations plus cached Gram columns) so that a path can warm-start from one alpha to the
next; :func:`solve` is the public low-level entry point for other libraries.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _kernels as K
from ._validation import (
    check_coef_init,
    check_design_matrix,
    check_penalty_factor,
    check_sample_weight,
    check_scalar,
    check_target,
)

DEFAULT_MAX_ITER = 1000
# Epochs between two duality-gap evaluations of the residual solver (a gap costs an epoch).
GAP_EVERY = 10
# Covariance updates keep a p x p Gram matrix; beyond this many features "auto" never picks them.
GRAM_MAX_FEATURES = 2048


@dataclass(frozen=True)
class SolveResult:
    """The solution of one fit and its certificate.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The coefficients, in X's dtype (the solver itself works in float64).
    intercept : float
        The intercept (0.0 without ``fit_intercept``).
    dual_gap : float
        The duality gap reached, in the objective's units (an upper bound on the distance of
        the objective to its minimum).
    gap_tol : float
        The gap the fit had to reach: ``tol * sum_i s_i (y_i - ybar)^2 / sum_i s_i``.
    n_iter : int
        Coordinate-descent epochs (passes over the features) run.
    converged : bool
        Whether ``dual_gap <= gap_tol``.
    mode : str
        ``"residual"`` or ``"gram"``: how coordinate updates were made.
    """

    coef: np.ndarray
    intercept: float
    dual_gap: float
    gap_tol: float
    n_iter: int
    converged: bool
    mode: str


@dataclass(frozen=True, eq=False)
class Problem:
    """Validated data in the form the kernels take (see ``fastreg._validation``)."""

    X: object
    X_kernel: object
    y: np.ndarray  # float64, centered when fit_intercept
    y_offset: float
    y_sqnorm: float  # sum_i s_i y_i^2 of the centered y
    weights: np.ndarray  # empty: unit weights
    sum_weights: float
    x_mean: np.ndarray
    col_sqnorm: np.ndarray
    penalty_factor: np.ndarray
    fit_intercept: bool

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.X.dtype

    def kernel_penalties(self, alpha: float, l1_ratio: float) -> tuple[float, float]:
        """The one place where the objective's scaling is converted for the kernels.

        The user's objective divides the loss by ``S = sum_i s_i``; the kernels minimise ``S``
        times it, so ``l1_reg = S alpha l1_ratio`` and ``l2_reg = S alpha (1 - l1_ratio)``.
        """
        scale = self.sum_weights * alpha
        return scale * l1_ratio, scale * (1.0 - l1_ratio)

    def alpha_max(self, l1_ratio: float = 1.0) -> float:
        """Smallest alpha with an all-zero solution: ``max_j |x_j^T S y| / (S l1_ratio f_j)``."""
        xty = self.correlations(self.y)
        penalized = self.penalty_factor > 0
        if l1_ratio <= 0.0 or not penalized.any():
            return np.inf
        ratios = np.abs(xty[penalized]) / self.penalty_factor[penalized]
        return float(ratios.max() / (self.sum_weights * l1_ratio))

    def correlations(self, v: np.ndarray, offset: float = 0.0) -> np.ndarray:
        """``X_c^T S (v + offset)`` for a vector with ``sum_i s_i (v_i + offset) = 0``."""
        out = np.empty(self.n_features)
        K.correlations(self.X_kernel, self.weights, self.sum_weights, self.x_mean, v, offset,
                       np.arange(self.n_features), out)
        return out

    def intercept(self, coef: np.ndarray) -> float:
        if not self.fit_intercept:
            return 0.0
        return float(self.y_offset - self.x_mean @ coef)


def make_problem(X, y, *, sample_weight=None, penalty_factor=None, fit_intercept=True
                 ) -> Problem:
    """Validate the data once and compute what every alpha shares."""
    X, X_kernel = check_design_matrix(X)
    n_samples, n_features = X.shape
    # Only X keeps the caller's dtype.  Every vector the solver owns is float64: it costs O(n + p)
    # memory and makes float32 data converge like float64 data (a float32 residual drifts by
    # rounding at each update and its gap stalls near 1e-7 relative).
    y = check_target(y, n_samples, np.float64)
    weights = check_sample_weight(sample_weight, n_samples, np.float64)
    factors = check_penalty_factor(penalty_factor, n_features, np.float64)
    sum_weights = float(weights.sum(dtype=np.float64)) if weights.size else float(n_samples)
    y_offset = 0.0
    if fit_intercept:
        y_offset = float(np.average(y, weights=weights if weights.size else None))
        y -= y_offset
    y_sqnorm = K.weighted_sums(weights, y, 0.0, y, 0.0)
    x_mean = np.empty(n_features)
    col_sqnorm = np.empty(n_features)
    K.column_stats(X_kernel, weights, sum_weights, fit_intercept, x_mean, col_sqnorm)
    return Problem(X, X_kernel, y, y_offset, y_sqnorm, weights, sum_weights, x_mean, col_sqnorm,
                   factors, bool(fit_intercept))


def check_precompute(precompute) -> bool | str:
    if isinstance(precompute, str) and precompute == "auto":
        return precompute
    if isinstance(precompute, (bool, np.bool_)):
        return bool(precompute)
    raise ValueError(
        f"precompute must be 'auto', True or False, got {precompute!r} (a precomputed Gram "
        "matrix is not supported: fastreg computes the Gram columns it needs).")


def choose_mode(problem: Problem, precompute) -> str:
    """Covariance updates pay off on tall data; ``precompute`` overrides the choice."""
    precompute = check_precompute(precompute)
    if precompute == "auto":
        tall = problem.n_samples > 2 * problem.n_features
        precompute = tall and problem.n_features <= GRAM_MAX_FEATURES
    return "gram" if precompute else "residual"


class CoordinateDescent:
    """Solver state for one problem, reused across alphas (warm starts).

    Parameters
    ----------
    problem : Problem
    mode : {"residual", "gram"}
    coef_init : ndarray of shape (n_features,), optional
        Starting coefficients (copied).
    """

    def __init__(self, problem: Problem, mode: str, coef_init=None):
        self.problem = problem
        self.mode = mode
        dtype = np.float64
        self.coef = check_coef_init(coef_init, problem.n_features, dtype)
        self.features = np.arange(problem.n_features, dtype=np.int32)
        if mode == "residual":
            self.residual = np.empty(problem.n_samples, dtype=dtype)
            K.init_residual(problem.X_kernel, problem.y, self.coef, self.residual)
        else:
            p = problem.n_features
            self.xty = problem.correlations(problem.y)
            self.gram = np.empty((p, p), dtype=dtype, order="F")
            self.gram_ready = np.zeros(p, dtype=np.bool_)
            self.work = np.empty(problem.n_samples, dtype=dtype)
            self.q = np.empty(p, dtype=dtype)
            K.gram_correlations(problem.X_kernel, problem.weights, problem.sum_weights,
                                problem.x_mean, self.xty, self.coef, self.gram,
                                self.gram_ready, self.work, self.q)

    def run(self, alpha: float, l1_ratio: float, *, positive: bool, tol: float,
            max_iter: int, shuffle_seed: int = -1) -> SolveResult:
        """Minimise for one alpha from the current state; the state moves to the solution.

        ``shuffle_seed >= 0`` visits the features in a random order drawn from that seed
        each epoch (scikit-learn's ``selection="random"``); -1 cycles through them in order.
        """
        problem = self.problem
        l1_reg, l2_reg = problem.kernel_penalties(alpha, l1_ratio)
        gap_tol = tol * problem.y_sqnorm
        if self.mode == "residual":
            status, n_iter, gap = K.residual_cd(
                problem.X_kernel, problem.y, problem.weights, problem.sum_weights,
                problem.x_mean, problem.col_sqnorm, problem.penalty_factor, l1_reg, l2_reg,
                positive, self.features, self.coef, self.residual, max_iter, gap_tol, tol,
                GAP_EVERY, shuffle_seed)
        else:
            status, n_iter, gap = K.gram_cd(
                problem.X_kernel, problem.weights, problem.sum_weights, problem.x_mean,
                problem.col_sqnorm, problem.penalty_factor, l1_reg, l2_reg, positive,
                self.features, self.coef, self.q, self.xty, problem.y_sqnorm, self.gram,
                self.gram_ready, self.work, max_iter, gap_tol, shuffle_seed)
        return SolveResult(
            coef=self.coef.astype(problem.dtype),
            intercept=problem.intercept(self.coef),
            dual_gap=gap / problem.sum_weights,
            gap_tol=gap_tol / problem.sum_weights,
            n_iter=int(n_iter),
            converged=status == K.STATUS_CONVERGED,
            mode=self.mode,
        )


def check_penalty(alpha, l1_ratio, tol, max_iter) -> tuple[float, float, float, int]:
    """Validate the scalar parameters shared by every Lasso / Elastic Net entry point."""
    return (
        check_scalar(alpha, "alpha", low=0.0),
        check_scalar(l1_ratio, "l1_ratio", low=0.0, high=1.0),
        check_scalar(tol, "tol", low=0.0),
        check_scalar(max_iter, "max_iter", kind=Integral, low=1),
    )


def warn_if_not_converged(result: SolveResult, alpha: float) -> None:
    if not result.converged:
        warnings.warn(
            f"Coordinate descent did not converge at alpha={alpha:.6g} in {result.n_iter} "
            f"epochs: duality gap {result.dual_gap:.3e} > tolerance {result.gap_tol:.3e}. "
            "Increase max_iter, raise tol or scale the features.",
            ConvergenceWarning, stacklevel=3)


def solve(X, y, alpha: float, l1_ratio: float = 1.0, *, sample_weight=None,
          penalty_factor=None, positive: bool = False, fit_intercept: bool = True,
          coef_init=None, tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
          precompute="auto") -> SolveResult:
    r"""Fit one Lasso or Elastic Net: fastreg's low-level entry point for other libraries.

    Minimises, over ``w`` and an intercept ``b``,

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \Big(\rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2\Big)

    with sample weights :math:`s_i` (:math:`S = \sum_i s_i`), penalty factors :math:`f_j` and
    :math:`\rho` = ``l1_ratio``: scikit-learn's ``ElasticNet`` objective.

    X is never copied when it is already canonical (a Fortran-ordered float32/float64 array,
    or a CSC matrix without duplicate entries); C-ordered arrays are copied to Fortran order,
    other sparse formats converted to CSC, integer data to float64.  float32 stays float32.
    The intercept on sparse X is handled by implicit centering: X is never densified.  The
    caller's arrays are never modified, and the Numba kernels run with the GIL released.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    alpha : float
        Regularization strength, >= 0.
    l1_ratio : float, default=1.0
        Mix of L1 and L2 penalties in [0, 1]; 1 is the Lasso.
    sample_weight : ndarray of shape (n_samples,), optional
        Non-negative weights.
    penalty_factor : ndarray of shape (n_features,), optional
        Non-negative per-feature multipliers of the penalty; 0 leaves a feature unpenalized.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    fit_intercept : bool, default=True
    coef_init : ndarray of shape (n_features,), optional
        Warm start.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * sum_i s_i (y_i - ybar)^2 / S``
        (scikit-learn's convention; ``tol=0`` runs ``max_iter`` epochs).
    max_iter : int, default=1000
        Maximum number of epochs.
    precompute : {"auto", True, False}, default="auto"
        Covariance (Gram) updates instead of residual updates; "auto" picks them when
        ``n_samples > 2 n_features`` and ``n_features <= 2048``.

    Returns
    -------
    SolveResult
        Coefficients, intercept and the certificate (duality gap, epochs, convergence flag).
        A :class:`~sklearn.exceptions.ConvergenceWarning` reports a gap above tolerance.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> X = np.asfortranarray(np.random.default_rng(0).normal(size=(50, 10)))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> result = fastreg.solve(X, y, alpha=0.1)
    >>> result.converged, np.flatnonzero(result.coef).tolist()
    (True, [0, 1])
    """
    alpha, l1_ratio, tol, max_iter = check_penalty(alpha, l1_ratio, tol, max_iter)
    problem = make_problem(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                           fit_intercept=fit_intercept)
    solver = CoordinateDescent(problem, choose_mode(problem, precompute), coef_init)
    result = solver.run(alpha, l1_ratio, positive=bool(positive), tol=tol, max_iter=max_iter)
    warn_if_not_converged(result, alpha)
    return result
