"""``fastreg.solve``: the public low-level entry point for other libraries, and the checks and
warnings every Lasso / Elastic Net entry point shares.

The engine itself is ``fastreg._engine`` (data, datafits, penalties, inner solvers, the outer
loop; see docs/architecture.md).
"""

from __future__ import annotations

import warnings
from numbers import Integral

from ._engine import (
    DEFAULT_MAX_ITER,
    Problem,
    Solver,
    SolveResult,
    check_precompute,
    choose_mode,
    gram_columns,
    make_problem,
)
from ._validation import check_bool, check_scalar

__all__ = [
    "DEFAULT_MAX_ITER",
    "Problem",
    "SolveResult",
    "Solver",
    "check_penalty",
    "check_precompute",
    "choose_mode",
    "gram_columns",
    "make_problem",
    "solve",
    "warn_if_not_converged",
]


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
        # Imported here: scikit-learn takes a second to import and the engine needs it only
        # for this warning class.
        from sklearn.exceptions import ConvergenceWarning

        # The first sentence is scikit-learn's, which its users' warning filters match.
        warnings.warn(
            f"Objective did not converge. You might want to increase the number of "
            f"iterations, raise tol or scale the features. Coordinate descent stopped at "
            f"alpha={alpha:.6g} after {result.n_iter} epochs: duality gap "
            f"{result.dual_gap:.3e} > tolerance {result.gap_tol:.3e}.",
            ConvergenceWarning, stacklevel=3)


def solve(X, y, alpha: float, l1_ratio: float = 1.0, *, sample_weight=None,
          penalty_factor=None, positive: bool = False, lower_bounds=None,
          upper_bounds=None, fit_intercept: bool = True, standardize: bool = False,
          coef_init=None, tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
          precompute="auto", working_set: bool = True, screening: bool = True) -> SolveResult:
    r"""Fit one Lasso or Elastic Net: fastreg's low-level entry point for other libraries.

    Minimises, over ``w`` and an intercept ``b``,

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \Big(\rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2\Big)

    with sample weights :math:`s_i` (:math:`S = \sum_i s_i`), penalty factors :math:`f_j` and
    :math:`\rho` = ``l1_ratio``: scikit-learn's ``ElasticNet`` objective; optionally subject
    to bounds on the coefficients.

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
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Bounds on the coefficients, ``lower_bounds <= w <= upper_bounds`` (glmnet's
        ``lower.limits`` / ``upper.limits``): a scalar applies to every feature, ``-inf`` /
        ``inf`` leave a side unbounded, and the bounds must contain 0.  ``positive=True`` is
        ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    fit_intercept : bool, default=True
    standardize : bool, default=False
        Fit as if every column had unit weighted variance (glmnet's ``standardize=TRUE``):
        the penalty of feature j becomes ``alpha (rho f_j sd_j |w_j| + (1 - rho) / 2 f_j
        sd_j^2 w_j^2)``, with ``sd_j`` the column's weighted standard deviation (its root mean
        square without an intercept), which is the fit on the columns ``x_j / sd_j``
        rescaled to X's units.  X is not scaled or copied, the coefficients (and bounds) are
        on X's scale, and constant columns keep ``sd_j = 1``.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * sum_i s_i (y_i - ybar)^2 / S``
        (scikit-learn's convention; ``tol=0`` runs ``max_iter`` epochs).  From 1e-8 down a
        least-squares fit also waits for its largest coordinate step to be at most ``tol``
        times its largest coefficient.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the features) on each working set, or on all
        features with ``working_set=False``.
    precompute : {"auto", True, False}, default="auto"
        Covariance (Gram) updates instead of residual updates, with Gram columns computed only
        for features that enter a working set.  "auto" runs a working set's epochs on its
        own Gram block once they show that it pays (at most 2048 features); False never uses
        Gram matrices.
    working_set : bool, default=True
        Solve on small working sets of features grown until the global duality gap
        certifies the solution; False runs coordinate descent over every feature.
    screening : bool, default=True
        Gap Safe screening: discard features whose coefficient is provably zero.

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
    positive = check_bool(positive, "positive")
    problem = make_problem(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                           lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                           fit_intercept=check_bool(fit_intercept, "fit_intercept"),
                           standardize=check_bool(standardize, "standardize"))
    solver = Solver(problem, precompute, coef_init, working_set=working_set,
                    screening=screening)
    result = solver.run(alpha, l1_ratio, positive=positive, tol=tol, max_iter=max_iter)
    warn_if_not_converged(result, alpha)
    return result
