"""What cross-validation, information criteria and stability selection share: rows of X,
stratified subsamples, per-job seeds, checks of the parallel options and of the folds'
weights, one warning for failed paths.

The estimators in :mod:`fastreg.cv` and :mod:`fastreg.selection` fit many paths on subsets
of the rows; the path itself is :func:`fastreg.path.walk_path`.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from ._validation import check_random_state, check_scalar


def take_rows(X, rows):
    """The rows ``rows`` of a canonical X, in canonical form (a copy).

    Dense X (Fortran-ordered) gives a Fortran-ordered copy in one gather, CSC X a CSC copy of
    the rows' entries: a training fold or a subsample is a new matrix, the one copy that
    subsetting rows requires.
    """
    if sp.issparse(X):
        return X[rows]
    return np.take(X.T, rows, axis=1).T


def check_fold_weights(sample_weight, folds) -> None:
    """Every fold's training and test rows must carry weight (``folds``: ``(train, test)``
    row indices; None weights carry weight everywhere)."""
    if sample_weight is not None:
        check_fold_sums([sample_weight[train].sum() for train, _ in folds],
                        [sample_weight[test].sum() for _, test in folds])


def check_fold_sums(train_weights, test_weights) -> None:
    """Every fold's training and test rows must carry weight: a test fold whose every
    ``sample_weight`` is 0 has no error to average (``train_weights`` / ``test_weights``:
    each fold's weight sums; the in-memory and Dask folds share these words)."""
    for k, (train, test) in enumerate(zip(train_weights, test_weights, strict=True)):
        for name, total in (("test", test), ("training", train)):
            if not total > 0:
                raise ValueError(
                    f"sample_weight is zero on every sample of the {name} rows of fold {k} "
                    f"(of {len(test_weights)}): that fold has no error to average. Use other "
                    f"folds, or give those samples weight.")


def class_rows(labels: np.ndarray, need: int) -> list[np.ndarray]:
    """The rows of each class, checked to number at least ``need`` (a subsample of each
    complementary pair needs one of every class)."""
    classes, counts = np.unique(labels, return_counts=True)
    scarce = counts < need
    if scarce.any():
        raise ValueError(
            f"y has {int(counts[scarce][0])} sample(s) of one of its classes: stability "
            f"selection with loss='logistic' splits every class between the two halves of "
            f"each complementary pair, which needs at least {need} samples of each class.")
    return [np.flatnonzero(labels == label) for label in classes]


def stratified_halves(strata: list[np.ndarray], rng) -> list[np.ndarray]:
    """Two disjoint halves of ``n // 2`` rows each holding half of every stratum: the odd rows
    left over by each stratum are pooled and split like one more stratum.  One stratum (all
    rows) is the plain random split."""
    firsts, seconds, leftovers = [], [], []
    for members in strata:
        order = rng.permutation(members)
        half = order.size // 2
        firsts.append(order[:half])
        seconds.append(order[half:2 * half])
        leftovers.append(order[2 * half:])
    if len(strata) > 1:
        pooled = rng.permutation(np.concatenate(leftovers))
        firsts.append(pooled[:pooled.size // 2])
        seconds.append(pooled[pooled.size // 2:2 * (pooled.size // 2)])
    return [np.sort(np.concatenate(firsts)), np.sort(np.concatenate(seconds))]


def stratum_size(fraction: float, size: int, keep_one: bool) -> int:
    """Rows drawn from a class (or from all rows) of ``size`` for ``sample_fraction``: at
    least one of each class, so that every subsample holds them all."""
    drawn = int(np.floor(fraction * size))
    return max(drawn, 1) if keep_one else drawn


def subset(values, rows):
    """``values[rows]``, or None for None (sample weights that may be absent)."""
    return None if values is None else values[rows]


def warn_paths_not_converged(n_failed, n_paths, what):
    """One warning in the calling process (a Dask worker's warnings would be lost)."""
    if n_failed:
        warnings.warn(f"Objective did not converge. You might want to increase the number "
                      f"of iterations, raise tol or scale the features. Coordinate descent "
                      f"did not reach the duality-gap tolerance at {n_failed} alphas of the "
                      f"{n_paths} paths on {what}.", ConvergenceWarning, stacklevel=3)


def job_seeds(selection, random_state, n_jobs):
    """Per-job feature-order seeds for ``selection="random"``; -1 (cyclic) otherwise."""
    rng = check_random_state(random_state)  # checked even when unused, as scikit-learn does
    if selection == "cyclic":
        return [-1] * n_jobs
    return [int(seed) for seed in rng.randint(np.iinfo(np.int32).max, size=n_jobs)]


def check_parallel(n_jobs, verbose):
    """``n_jobs`` (None or a non-zero integer) and ``verbose`` (a bool or an integer >= 0),
    checked before joblib sees them."""
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral)
                               or n_jobs == 0):
        raise ValueError(f"n_jobs must be None or a non-zero integer, got {n_jobs!r}.")
    if not isinstance(verbose, (bool, np.bool_)):
        check_scalar(verbose, "verbose", kind=Integral, low=0)


def as_single_target(estimator, y):
    """The path-based estimators take one target, as scikit-learn's (no MultiTask variant)."""
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(f"{type(estimator).__name__} takes a single target; y has shape "
                             f"{y.shape}. Fit one estimator per column.")
        warnings.warn("A column-vector y was passed when a 1d array was expected; it is "
                      "raveled.", DataConversionWarning, stacklevel=3)
        y = y[:, 0]
    return y
