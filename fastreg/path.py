"""Regularization paths: a grid of alphas solved from the largest down, each warm-started."""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np

from ._engine import make_design
from ._engine.data import is_gram, use_precompute
from ._solver import (
    DEFAULT_MAX_ITER,
    Problem,
    Solver,
    SolveResult,
    check_penalty,
    check_precompute,
    make_problem,
    warn_if_not_converged,
)
from ._validation import check_binary_labels, check_bool, check_scalar

__all__ = [
    "alpha_grid",
    "enet_path",
    "iter_enet_path",
    "iter_logistic_path",
    "lasso_path",
    "logistic_path",
]

# glmnet's early stop of a path: the fraction of deviance explained reaches STOP_EXPLAINED, or
# grows by less than STOP_CHANGE of itself between two alphas (Friedman, Hastie and
# Tibshirani 2010).
STOP_EXPLAINED = 0.999
STOP_CHANGE = 1e-5


def alpha_grid(problem: Problem, l1_ratio: float, eps: float, n_alphas: int, *,
               positive: bool = False) -> np.ndarray:
    """``n_alphas`` values spaced geometrically from ``alpha_max`` down to ``eps * alpha_max``.

    Where every coefficient is zero at any alpha (``y`` constant, or no penalized feature
    correlated with it) the grid is the smallest positive resolution, as in scikit-learn.
    With ``positive=True`` only positive correlations count, as in scikit-learn:
    ``alpha_max = max(0, max_j x_j^T S y / f_j) / (S l1_ratio)``.
    """
    if l1_ratio == 0.0:
        raise ValueError("An alpha grid cannot be generated for l1_ratio=0 (alpha_max is "
                         "infinite): pass the alphas explicitly.")
    alpha_max = problem.alpha_max(l1_ratio, positive)
    resolution = np.finfo(np.float64).resolution
    if not np.isfinite(alpha_max) or alpha_max <= resolution:
        return np.full(n_alphas, resolution)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


def _check_alphas(alphas, n_alphas) -> tuple[np.ndarray | None, int]:
    """``alphas`` may be a count (scikit-learn >= 1.7) or explicit values."""
    if alphas is None:
        return None, check_scalar(n_alphas, "n_alphas", kind=Integral, low=1)
    if isinstance(alphas, Integral) and not isinstance(alphas, bool):
        return None, check_scalar(alphas, "alphas", kind=Integral, low=1)
    if isinstance(alphas, (list, tuple)):
        # Element by element, in scikit-learn's words (its users' code may match on them).
        for index, value in enumerate(alphas):
            if isinstance(value, (list, tuple, np.ndarray)):
                continue  # nested: the shape check below names it
            if not isinstance(value, Real) or isinstance(value, (bool, np.bool_)):
                raise TypeError(f"alphas[{index}] must be an instance of float, not "
                                f"{type(value).__name__}.")
    try:
        values = np.asarray(alphas)
    except (TypeError, ValueError) as error:
        raise TypeError(f"alphas must be a positive count or an array of alphas: {error}"
                        ) from None
    if values.dtype.kind not in "iuf" or isinstance(alphas, (bool, np.bool_)):
        raise TypeError(f"alphas must be a positive count or an array of real numbers, got "
                        f"{alphas!r}.")
    values = values.astype(np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"alphas must be a positive count or a non-empty 1-D array, got "
                         f"shape {values.shape}.")
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        index = int(bad[0])
        bound = "must be >= 0.0" if values[index] < 0 else "must be finite"
        given = alphas[index] if isinstance(alphas, (list, tuple)) else float(values[index])
        raise ValueError(f"alphas[{index}] == {given!r}, {bound}.")
    return np.sort(values)[::-1], values.size


def check_xy(problem: Problem, Xy) -> None:
    """Check a given ``Xy = X^T y`` (scikit-learn's ``Xy``, with its rescaled weights) at one
    element against X and y; fastreg makes its own ``X^T y`` on the first pass over X, so a
    correct ``Xy`` saves nothing and a wrong one is an error rather than a wrong path."""
    design = problem.design
    try:
        values = np.asarray(Xy, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Xy must be an array of numbers: {error}") from None
    n_tasks = problem.coef_shape[0] if len(problem.coef_shape) == 2 else 1
    if values.size != design.n_features * n_tasks or not np.isfinite(values).all():
        raise ValueError(f"Xy must hold {design.n_features * n_tasks} finite values (X^T y), "
                         f"got {np.shape(Xy)}.")
    feature = design.n_features // 2
    scale = design.sum_weights / design.n_samples
    # One row of X^T y (one value per task).
    expected = np.ravel(problem.datafit.xty_of(np.array([feature]))) / scale
    given = values.reshape(design.n_features, n_tasks)[feature]
    rtol = 1e-4 if design.dtype == np.float32 else 1e-7
    if not np.allclose(given, expected, rtol=rtol, atol=1e-5):
        raise ValueError(f"Xy does not match X and y: at feature {feature} X^T y is "
                         f"{expected.tolist()!r}, Xy holds {given.tolist()!r}.")


def resolve_grid(problem: Problem, alphas, eps: float, l1_ratio: float, positive: bool
                 ) -> np.ndarray:
    """The decreasing alpha grid: ``alphas`` if given as values, else ``alphas`` (a count)
    values from :func:`alpha_grid`."""
    if alphas is None:
        raise TypeError("alphas must be a positive count or an array of alphas, got None.")
    given, n_alphas = _check_alphas(alphas, None)
    if given is not None:
        return given
    return alpha_grid(problem, l1_ratio, eps, n_alphas, positive=positive)


def walk_path(problem: Problem, grid: np.ndarray, l1_ratio: float, *, precompute="auto",
              positive: bool = False, tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
              coef_init=None, working_set: bool = True, screening: bool = True,
              seed: int = -1, stop_early: bool = False, intercept_init: float | None = None
              ) -> Iterator[SolveResult]:
    """The engine's walk down a decreasing grid: one :class:`SolveResult` per alpha.

    One solver state walks the whole grid, so each alpha starts from the previous solution
    with its residual (or linear predictor), Gram entries and strong set.  The problem's
    datafit decides the loss (least squares or logistic).  Everything that fits a path (the path
    functions, cross-validation folds, information criteria, stability selection, the
    command line) iterates over this generator, so that the caller can report progress or
    stop between two alphas.  ``seed >= 0`` visits features in random order
    (``selection="random"``).  With ``stop_early`` the walk ends, as glmnet's does, once the
    fraction of the null deviance explained reaches ``STOP_EXPLAINED`` or grows by less than
    ``STOP_CHANGE`` of itself from one alpha to the next.  Non-convergence is reported in
    each result, not warned about: the caller decides.
    """
    solver = Solver(problem, precompute, coef_init, working_set=working_set,
                    screening=screening, n_alphas=len(grid), intercept_init=intercept_init)
    explained = 0.0
    for k, alpha in enumerate(grid):
        result = solver.run(float(alpha), l1_ratio, positive=positive, tol=tol,
                            max_iter=max_iter, shuffle_seed=seed)
        yield result
        null = problem.datafit.null_deviance
        if stop_early and null > 0:
            previous, explained = explained, 1.0 - solver.deviance() / null
            if explained >= STOP_EXPLAINED or (
                    k > 0 and explained - previous < STOP_CHANGE * explained):
                return


def iter_enet_path(X, y, *, l1_ratio: float = 0.5, eps: float = 1e-3, n_alphas: int = 100,
                   alphas=None, precompute="auto", coef_init=None, positive: bool = False,
                   fit_intercept: bool = False, sample_weight=None, penalty_factor=None,
                   lower_bounds=None, upper_bounds=None, standardize: bool = False,
                   tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
                   working_set: bool = True, screening: bool = True,
                   stop_early: bool = False, Xy=None) -> Iterator[SolveResult]:
    """The Elastic Net path one alpha at a time: :func:`enet_path` as a generator.

    Validates the data and builds the grid once, then yields the
    :class:`~fastreg.SolveResult` of each alpha as soon as it is solved (its ``alpha``
    attribute says which), warm-started from the previous one.  A progress bar can advance
    and a ``KeyboardInterrupt`` or a ``break`` can stop the path between two alphas; the
    results yielded so far stay valid.  The parameters are those of :func:`enet_path`.  A
    :class:`~sklearn.exceptions.ConvergenceWarning` is emitted for each alpha whose fit did
    not reach the tolerance.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> X = np.asfortranarray(np.random.default_rng(0).normal(size=(50, 10)))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> steps = fastreg.iter_enet_path(X, y, l1_ratio=1.0, n_alphas=5)
    >>> [int(np.count_nonzero(step.coef)) for step in steps]
    [0, 2, 2, 2, 2]
    """
    _, l1_ratio, tol, max_iter = check_penalty(0.0, l1_ratio, tol, max_iter)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    positive = check_bool(positive, "positive")
    stop_early = check_bool(stop_early, "stop_early")
    eps = check_scalar(eps, "eps", low=0.0, low_open=True)
    grid, n_alphas = _check_alphas(alphas, n_alphas)
    if not is_gram(precompute):
        check_precompute(precompute)
    design, precompute = use_precompute(
        make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept), precompute,
        stacklevel=3)
    # A 2-D y is fitted as scikit-learn's enet_path fits it: all columns together, with the
    # multi-task (L2,1) penalty.
    loss = "multitask" if np.ndim(y) == 2 else "squared"
    problem = make_problem(X, y, penalty_factor=penalty_factor, lower_bounds=lower_bounds,
                           upper_bounds=upper_bounds, design=design, loss=loss,
                           standardize=check_bool(standardize, "standardize"))
    if Xy is not None:
        check_xy(problem, Xy)
    if grid is None:
        grid = alpha_grid(problem, l1_ratio, eps, n_alphas, positive=positive)
    for result in walk_path(problem, grid, l1_ratio, precompute=precompute, positive=positive,
                            tol=tol, max_iter=max_iter, coef_init=coef_init,
                            working_set=working_set, screening=screening,
                            stop_early=stop_early):
        warn_if_not_converged(result, result.alpha)
        yield result


def enet_path(X, y, *, l1_ratio: float = 0.5, eps: float = 1e-3, n_alphas: int = 100,
              alphas=None, precompute="auto", copy_X: bool = True, coef_init=None,
              verbose: bool = False, return_n_iter: bool = False, positive: bool = False,
              check_input: bool = True, fit_intercept: bool = False, sample_weight=None,
              penalty_factor=None, lower_bounds=None, upper_bounds=None,
              standardize: bool = False, tol: float = 1e-4,
              max_iter: int = DEFAULT_MAX_ITER, working_set: bool = True,
              screening: bool = True, stop_early: bool = False, Xy=None, **params):
    r"""Compute the Elastic Net path with coordinate descent and warm starts.

    Solves, for each alpha (from the largest down),

    .. math::

        \frac{1}{2S}\sum_i s_i (y_i - x_i^T w - b)^2
        + \alpha \Big(\rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2\Big)

    starting each fit from the previous solution, its residual and the Gram entries already
    computed, each alpha first solving the sequential strong rule's features.  The signature and
    return values are scikit-learn's ``enet_path``; like it, no intercept is fitted unless
    ``fit_intercept=True`` (fastreg's extension, with X centered implicitly: never copied).

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data; see :func:`fastreg.solve` for what is and is not copied.
    y : ndarray of shape (n_samples,) or (n_samples, n_tasks)
        A 2-D ``y`` is fitted as scikit-learn fits it: the multi-task Elastic Net (see
        :class:`fastreg.MultiTaskElasticNet`), every column together.
    l1_ratio : float, default=0.5
        Mix of L1 and L2 in [0, 1] (1 is the Lasso).
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is not given.
    alphas : int or array-like, optional
        A number of alphas, or the alphas themselves (sorted in decreasing order).
    precompute : {"auto", True, False} or array of shape (n_features, n_features)
        Covariance (Gram) updates; "auto" keeps the whole Gram when ``n_samples >=
        n_features`` (at most 2048 features) and otherwise moves working sets to their own
        Gram blocks when that pays; False never uses Gram matrices.  An array is the Gram
        matrix of X as given (scikit-learn's convention, see :class:`fastreg.ElasticNet`),
        read instead of computed and checked against X at one element.
    Xy : array of shape (n_features,), optional
        ``X^T y`` (scikit-learn's ``Xy``), checked against X and y at one element; fastreg
        computes its own on its first pass over X.
    copy_X : bool, default=True
        Accepted for compatibility; fastreg never modifies X.
    coef_init : ndarray of shape (n_features,), optional
        Starting point of the first fit.
    verbose : bool, default=False
        Print one line per alpha.
    return_n_iter : bool, default=False
        Also return the epochs used for each alpha.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    check_input : bool, default=True
        Accepted for compatibility; fastreg always validates (the cost is O(nnz)).
    fit_intercept : bool, default=False
        Fit an intercept (scikit-learn's path functions never do).
    sample_weight : ndarray of shape (n_samples,), optional
    penalty_factor : ndarray of shape (n_features,), optional
        Per-feature penalty multipliers (0: unpenalized).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Bounds on the coefficients, ``lower_bounds <= w <= upper_bounds`` (glmnet's
        ``lower.limits`` / ``upper.limits``): a scalar applies to every feature, ``-inf`` /
        ``inf`` leave a side unbounded, and the bounds must contain 0.  ``positive=True`` is
        ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    standardize : bool, default=False
        Fit as if every column had unit weighted variance, coefficients on X's scale (see
        :func:`fastreg.solve`); the grid's alpha_max is that of the standardized problem.
    tol : float, default=1e-4
        Duality-gap tolerance of each fit, relative to ``sum_i s_i y_i^2 / S``.
    max_iter : int, default=1000
        Maximum epochs on each working set, for each alpha.
    working_set, screening : bool, default=True
        Working sets and Gap Safe screening (see :func:`fastreg.solve`); both are on by default
        and only change the time to the solution, not the solution.
    stop_early : bool, default=False
        Stop the path, as glmnet does, once the fraction of the deviance explained,
        ``1 - ||r||^2 / ||y - ybar||^2`` (weighted; ``||y||^2`` without intercept), grows by
        less than ``1e-5`` of itself from one alpha to the next, or reaches ``0.999``: smaller
        alphas would only fit noise.  The returned arrays then cover the alphas solved.
    **params
        None is accepted: any other keyword raises ``ValueError("Unexpected parameters in
        params: ...")``, scikit-learn's error for them.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Fewer with ``stop_early``.
    coefs : ndarray of shape (n_features, n_alphas) or (n_tasks, n_features, n_alphas)
        In X's dtype.
    dual_gaps : ndarray of shape (n_alphas,)
        The duality gap reached at each alpha (objective units).
    n_iters : list of int
        Only with ``return_n_iter=True``.
    """
    del copy_X, check_input  # X is never modified and always validated.
    if params:
        # scikit-learn's path functions take ``**params`` and reject what they do not know
        # with this error; code written for them may catch it.
        raise ValueError(f"Unexpected parameters in params: {sorted(params)}.")
    steps = iter_enet_path(
        X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas, alphas=alphas,
        precompute=precompute, coef_init=coef_init, positive=positive,
        fit_intercept=fit_intercept, sample_weight=sample_weight, penalty_factor=penalty_factor,
        lower_bounds=lower_bounds, upper_bounds=upper_bounds, standardize=standardize, tol=tol,
        max_iter=max_iter, working_set=working_set, screening=screening, stop_early=stop_early,
        Xy=Xy)
    results = []
    for result in steps:
        results.append(result)
        if verbose:
            print(f"alpha {len(results)} = {result.alpha:.4g}: "
                  f"{np.count_nonzero(result.coef)} non-zeros, gap {result.dual_gap:.2e}, "
                  f"{result.n_iter} epochs")
    grid, coefs, dual_gaps = _stack(results)
    if return_n_iter:
        return grid, coefs, dual_gaps, [result.n_iter for result in results]
    return grid, coefs, dual_gaps


def lasso_path(X, y, *, eps: float = 1e-3, n_alphas: int = 100, alphas=None,
               precompute="auto", copy_X: bool = True, coef_init=None, verbose: bool = False,
               return_n_iter: bool = False, positive: bool = False, **params):
    """Compute the Lasso path: :func:`enet_path` with ``l1_ratio=1``.

    Takes the same parameters as :func:`enet_path` (``fit_intercept``, ``sample_weight``,
    ``penalty_factor``, ``tol``, ``max_iter`` and ``check_input`` through ``params``) and
    returns ``alphas, coefs, dual_gaps`` (and ``n_iters`` with ``return_n_iter=True``).
    """
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
                     precompute=precompute, copy_X=copy_X, coef_init=coef_init,
                     verbose=verbose, return_n_iter=return_n_iter, positive=positive, **params)


def iter_logistic_path(X, y, *, l1_ratio: float = 1.0, eps: float = 1e-3, n_alphas: int = 100,
                       alphas=None, coef_init=None, positive: bool = False,
                       fit_intercept: bool = True, sample_weight=None, penalty_factor=None,
                       lower_bounds=None, upper_bounds=None, standardize: bool = False,
                       tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
                       working_set: bool = True, screening: bool = True,
                       stop_early: bool = False) -> Iterator[SolveResult]:
    """The penalized logistic regression path one alpha at a time: :func:`logistic_path` as
    a generator, yielding a :class:`~fastreg.SolveResult` per alpha (see
    :func:`iter_enet_path`)."""
    _, l1_ratio, tol, max_iter = check_penalty(0.0, l1_ratio, tol, max_iter)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    positive = check_bool(positive, "positive")
    stop_early = check_bool(stop_early, "stop_early")
    eps = check_scalar(eps, "eps", low=0.0, low_open=True)
    grid, n_alphas = _check_alphas(alphas, n_alphas)
    design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
    _, labels = check_binary_labels(y, design.n_samples)
    problem = make_problem(X, labels, penalty_factor=penalty_factor, lower_bounds=lower_bounds,
                           upper_bounds=upper_bounds, loss="logistic", design=design,
                           standardize=check_bool(standardize, "standardize"))
    if grid is None:
        grid = alpha_grid(problem, l1_ratio, eps, n_alphas, positive=positive)
    for result in walk_path(problem, grid, l1_ratio, positive=positive, tol=tol,
                            max_iter=max_iter, coef_init=coef_init, working_set=working_set,
                            screening=screening, stop_early=stop_early):
        warn_if_not_converged(result, result.alpha)
        yield result


def logistic_path(X, y, *, l1_ratio: float = 1.0, eps: float = 1e-3, n_alphas: int = 100,
                  alphas=None, coef_init=None, positive: bool = False,
                  fit_intercept: bool = True, sample_weight=None, penalty_factor=None,
                  lower_bounds=None, upper_bounds=None, standardize: bool = False,
                  tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER, working_set: bool = True,
                  screening: bool = True, stop_early: bool = False,
                  return_n_iter: bool = False):
    r"""Compute the penalized logistic regression path with warm starts.

    Solves, for each alpha (from the largest down), on the scale of the mean loss (glmnet's
    and skglm's; scikit-learn's ``LogisticRegression(C)`` is ``alpha = 1 / (C S)``),

    .. math::

        \frac{1}{S}\sum_i s_i \log\big(1 + e^{-y_i (x_i^T w + b)}\big)
        + \alpha \Big(\rho \sum_j f_j |w_j| + \frac{1-\rho}{2} \sum_j f_j w_j^2\Big)

    with labels :math:`y_i \in \{-1, +1\}` (the larger of y's two values is +1), sample
    weights :math:`s_i` (:math:`S = \sum_i s_i`), penalty factors :math:`f_j` and
    :math:`\rho` = ``l1_ratio``.  Each fit starts from the previous solution; each alpha
    first solves the sequential strong rule's features; proximal Newton steps on working sets,
    certified by the logistic duality gap.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        See :func:`fastreg.solve` for what is and is not copied.
    y : array-like of shape (n_samples,)
        Labels of exactly two values.
    l1_ratio : float, default=1.0
        Mix of L1 and L2 in [0, 1] (1 is the L1 penalty).
    eps : float, default=1e-3
        Length of the path: ``alpha_min = eps * alpha_max``.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is not given.
    alphas : int or array-like, optional
        A number of alphas, or the alphas themselves (sorted in decreasing order).
    coef_init : ndarray of shape (n_features,), optional
        Starting point of the first fit.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    sample_weight : ndarray of shape (n_samples,), optional
    penalty_factor : ndarray of shape (n_features,), optional
        Per-feature penalty multipliers (0: unpenalized).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Bounds on the coefficients, ``lower_bounds <= w <= upper_bounds`` (glmnet's
        ``lower.limits`` / ``upper.limits``): a scalar applies to every feature, ``-inf`` /
        ``inf`` leave a side unbounded, and the bounds must contain 0.  ``positive=True`` is
        ``lower_bounds=0`` (and tightens negative lower bounds to 0).
    standardize : bool, default=False
        Fit as if every column had unit weighted variance, coefficients on X's scale (see
        :func:`fastreg.solve`).
    tol : float, default=1e-4
        Stop each fit when its duality gap is at most ``tol`` times the deviance of the
        intercept-only model, over ``S``.
    max_iter : int, default=1000
        Maximum coordinate-descent epochs on each working set, for each alpha.
    working_set, screening : bool, default=True
        Working sets and Gap Safe screening; they only change the time to the solution.
    stop_early : bool, default=False
        Stop the path, as glmnet does, once the fraction of the null deviance explained grows
        by less than ``1e-5`` of itself from one alpha to the next, or reaches ``0.999``.
    return_n_iter : bool, default=False
        Also return the epochs used for each alpha.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        Fewer with ``stop_early``.
    coefs : ndarray of shape (n_features, n_alphas) or (n_tasks, n_features, n_alphas)
        In X's dtype.
    intercepts : ndarray of shape (n_alphas,)
    dual_gaps : ndarray of shape (n_alphas,)
        The duality gap reached at each alpha (objective units).
    n_iters : list of int
        Only with ``return_n_iter=True``.

    Examples
    --------
    >>> import numpy as np, fastreg
    >>> X = np.asfortranarray(np.random.default_rng(0).normal(size=(100, 10)))
    >>> y = (X[:, 0] - X[:, 1] > 0).astype(int)
    >>> alphas, coefs, intercepts, gaps = fastreg.logistic_path(X, y, n_alphas=5)
    >>> [int(np.count_nonzero(coefs[:, k])) for k in range(5)]
    [0, 2, 3, 8, 9]
    """
    steps = iter_logistic_path(
        X, y, l1_ratio=l1_ratio, eps=eps, n_alphas=n_alphas, alphas=alphas,
        coef_init=coef_init, positive=positive, fit_intercept=fit_intercept,
        sample_weight=sample_weight, penalty_factor=penalty_factor, lower_bounds=lower_bounds,
        upper_bounds=upper_bounds, standardize=standardize, tol=tol, max_iter=max_iter,
        working_set=working_set, screening=screening, stop_early=stop_early)
    results = list(steps)
    grid, coefs, dual_gaps = _stack(results)
    intercepts = np.array([result.intercept for result in results])
    if return_n_iter:
        return grid, coefs, intercepts, dual_gaps, [result.n_iter for result in results]
    return grid, coefs, intercepts, dual_gaps


def _stack(results: list[SolveResult]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(alphas, coefs of shape (n_features, n_alphas), dual_gaps)`` of a path's results
    (coefs of shape (n_tasks, n_features, n_alphas) for the multi-task datafit)."""
    grid = np.array([result.alpha for result in results])
    coefs = np.empty((*results[0].coef.shape, len(results)), dtype=results[0].coef.dtype)
    for k, result in enumerate(results):
        coefs[..., k] = result.coef
    return grid, coefs, np.array([result.dual_gap for result in results])
