"""What cross-validation, information criteria and stability selection share: rows of X,
per-job seeds, checks of the parallel options, one warning for failed paths.

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


def check_fold_weights(train_weights, test_weights) -> None:
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
