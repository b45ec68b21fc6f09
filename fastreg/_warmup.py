"""Ahead-of-use compilation of the canonical kernel specializations."""

from __future__ import annotations

import itertools
import time

import numpy as np
import scipy.sparse as sp

from . import _kernels as K
from ._solver import Solver, make_problem


def _in_format(dense, fmt):
    if fmt == "dense":
        return dense
    X = sp.csc_matrix(dense)
    if fmt == "csc-int64":
        # scipy picks int32 for a small matrix: the int64 arrays are set as a large one has.
        X.indices = X.indices.astype(np.int64)
        X.indptr = X.indptr.astype(np.int64)
    return X


def _tiny_problems():
    """Small problems per canonical input type: dense, CSC with int32 indices and CSC with
    int64 indices (scipy's past 2**31 stored values), each float32 and float64.  Each type
    has a narrow problem (one working set holds every feature: its epochs move to the Gram
    block) and a wide one (more features than the smallest working set: they are ranked)."""
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(8, 24))
    y = rng.normal(size=8)
    for dtype in (np.float64, np.float32):
        for fmt in ("dense", "csc", "csc-int64"):
            narrow, wide = (_in_format(np.asfortranarray(dense[:, :width], dtype=dtype), fmt)
                            for width in (4, 24))
            yield f"{fmt}-{np.dtype(dtype).name}", (narrow, wide), y


def warmup(verbose: bool = False) -> dict[str, float]:
    """Compile fastreg's kernels for every canonical input into Numba's on-disk cache.

    The canonical inputs are dense Fortran-ordered and CSC (int32 or int64 indices)
    matrices, each in float32 and float64; for each, both least-squares modes (residual and
    Gram updates), the logistic loss's Newton steps and the multi-task block steps, weighted
    and unweighted, are run once, the first two also with bounds on the coefficients (the
    kernels of the bounded penalty type, which standardized Elastic Nets use too).  Later
    processes load the compiled code from the cache instead of compiling it.

    Parameters
    ----------
    verbose : bool, default=False
        Print the time spent on each input type.

    Returns
    -------
    dict
        Seconds spent per input type (compilation, or loading from the cache).
    """
    seconds = {}
    for name, designs, y in _tiny_problems():
        start = time.perf_counter()
        for X, sample_weight in itertools.product(designs, (None, np.ones(y.size))):
            labels = np.where(y > np.median(y), 1.0, -1.0)
            for bounds in ({}, {"lower_bounds": -1.0, "upper_bounds": 1.0}):
                problem = make_problem(X, y, sample_weight=sample_weight, **bounds)
                for precompute in (False, True):
                    Solver(problem, precompute).run(0.01, 0.5, positive=False, tol=1e-4,
                                                    max_iter=5)
                logistic = make_problem(X, labels, sample_weight=sample_weight,
                                        loss="logistic", **bounds)
                Solver(logistic).run(0.01, 0.5, positive=False, tol=1e-4, max_iter=5)
            tasks = make_problem(X, np.c_[y, -y], sample_weight=sample_weight,
                                 loss="multitask")
            Solver(tasks).run(0.01, 0.5, positive=False, tol=1e-4, max_iter=5)
        # Kernels the tiny fits do not reach: a sparse working set's compact copy, and the
        # residual's update after a Gram block's epochs.
        problem = make_problem(X, y)
        first = np.arange(2, dtype=np.int32)
        X_kernel = problem.design.X_kernel
        if isinstance(X_kernel, K.CscMatrix):
            stored = int(X.indptr[2])
            copy = K.CscMatrix(np.empty(stored, X.dtype), np.empty(stored, X.indices.dtype),
                               np.empty(3, X.indptr.dtype), X.shape[0])
            K.take_columns(X_kernel, first, *copy[:3])
        K.add_columns(X_kernel, first, np.zeros(2), np.zeros(X.shape[1]), np.zeros(X.shape[0]))
        seconds[name] = time.perf_counter() - start
        if verbose:
            print(f"{name}: {seconds[name]:.2f} s")
    return seconds
