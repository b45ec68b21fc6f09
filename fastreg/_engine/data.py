"""The data, as every datafit and solver shares it: X made canonical once, with its sample
weights, column means and norms; the pass ``X^T v`` (split among threads when large); Gram
columns and blocks and their caches; the columns of a working set as the kernels take them.

Nothing here knows the loss: the datafits (``fastreg._engine.datafits``) bring the target and
the vectors whose correlations with the columns they need.  See docs/architecture.md.
"""

from __future__ import annotations

import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from .. import _kernels as K
from .._validation import check_design_matrix, check_sample_weight

# Below this many stored values of X, Gram columns come from a Numba kernel.  Above, BLAS or
# scipy.sparse products are faster, measured on one core: at 6000 values they tie (200 x 30),
# at 562500 (the benchmarks' tall_dense at scale 0.15, 7500 x 75) the whole Gram took 9.7 ms
# through the kernel and 1.9 ms through BLAS, half of that problem's Lasso path.
GRAM_KERNEL_MAX_ENTRIES = 2**13
# Largest working set whose k x k Gram block a solver may build.
BLOCK_MAX_FEATURES = 2048
# A full pass over candidates holding at least this many stored values of X is split among
# threads (the kernels release the GIL); smaller passes run on the calling thread.
PARALLEL_MIN_ENTRIES = 2**20
# A sparse working set whose columns hold at most this fraction of X's stored values is copied
# into a compact CSC matrix for its epochs.
COMPACT_MAX_FRACTION = 0.25


@dataclass(eq=False)
class WorkCount:
    """The work the solvers of one design did on X, counted as they do it.

    Deterministic (independent of the threads and of timing), so that tests can hold an
    algorithm to a budget where wall time cannot be asserted.

    Attributes
    ----------
    passes : float
        Correlation passes ``X^T v``, in full passes over X (a pass over some of the
        features counts as their share of them).
    gram_entries : int
        Gram entries computed from X (a Gram matrix given by the caller is not counted).
    """

    passes: float = 0.0
    gram_entries: int = 0


@dataclass(frozen=True, eq=False)
class Design:
    """X in canonical form (see ``fastreg._validation``) with what every alpha shares.

    ``weights`` is empty for unit weights; ``x_mean`` holds the weighted column means (zeros
    without an intercept) by which X is centered implicitly, ``col_sqnorm`` the weighted
    squared norms of the centered columns.  ``gram``, when the caller computed it (see
    :func:`with_gram`), is ``X_c^T S X_c`` in float64, and Gram columns are read from it.
    ``work`` counts what its solvers computed from X (:class:`WorkCount`).
    """

    X: object
    X_kernel: object
    weights: np.ndarray
    sum_weights: float
    x_mean: np.ndarray
    col_sqnorm: np.ndarray
    fit_intercept: bool
    gram: np.ndarray | None = None
    work: WorkCount = field(default_factory=WorkCount)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.X.dtype

    @property
    def sparse(self) -> bool:
        return sp.issparse(self.X)

    def all_features(self) -> np.ndarray:
        return np.arange(self.n_features, dtype=np.int32)

    def stored_values(self, features: np.ndarray) -> int:
        """How many values of X the columns ``features`` store."""
        X = self.X
        if self.sparse:
            return int((X.indptr[features + 1] - X.indptr[features]).sum())
        return X.shape[0] * features.size

    def correlations(self, v: np.ndarray, offset: float, v_weighted_sum: float,
                     candidates: np.ndarray, out: np.ndarray) -> None:
        """``out[j] = sum_i s_i (x_ij - m_j) (v_i + offset)`` for ``j`` in ``candidates``: the
        pass over X, in chunks on threads when large.

        ``v_weighted_sum = sum_i s_i (v_i + offset)``, 0 for a residual of the centered
        problem.  Each feature's correlation is one dot product computed by one thread, so
        the result does not depend on the number of threads.
        """
        X = self.X
        self.work.passes += candidates.size / self.n_features
        stored = X.nnz * candidates.size / self.n_features if self.sparse else (
            self.n_samples * candidates.size)
        pool, workers = _thread_pool()
        chunks = (np.array_split(candidates, workers)
                  if stored >= PARALLEL_MIN_ENTRIES and workers > 1 else [candidates])

        def correlate(chunk):
            K.correlations(self.X_kernel, self.weights, self.sum_weights, self.x_mean, v,
                           offset, v_weighted_sum, chunk, out)

        if len(chunks) == 1:
            correlate(candidates)
        else:
            for done in [pool.submit(correlate, chunk) for chunk in chunks]:
                done.result()

    def working_columns(self, ws: np.ndarray, compact: bool = True) -> WorkingColumns:
        """The columns of ``ws`` as the kernels should read them (see :class:`WorkingColumns`;
        ``compact=False``: X itself, always)."""
        return WorkingColumns(self, ws, compact)


def make_design(X, *, sample_weight=None, fit_intercept: bool = True) -> Design:
    """Validate X and the sample weights once and compute the column statistics."""
    X, X_kernel = check_design_matrix(X)
    n_samples, n_features = X.shape
    weights = check_sample_weight(sample_weight, n_samples, np.float64)
    sum_weights = float(weights.sum(dtype=np.float64)) if weights.size else float(n_samples)
    x_mean = np.empty(n_features)
    col_sqnorm = np.empty(n_features)
    K.column_stats(X_kernel, weights, sum_weights, fit_intercept,
                   np.arange(n_features, dtype=np.int32), x_mean, col_sqnorm)
    if not (np.isfinite(col_sqnorm).all() and np.isfinite(x_mean).all()):
        raise ValueError(
            "The sums or sums of squares of a column of X overflow float64 (values near 1e154 "
            "or larger): coordinate descent would give non-finite parameter values; scale X "
            "down before fitting.")
    return Design(X, X_kernel, weights, sum_weights, x_mean, col_sqnorm, bool(fit_intercept))


def is_gram(precompute) -> bool:
    """Whether ``precompute`` is a matrix (a Gram matrix to use) rather than a flag."""
    return hasattr(precompute, "__array__") or isinstance(precompute, (list, tuple))


def use_precompute(design: Design, precompute, stacklevel: int = 2) -> tuple[Design, object]:
    """``(design, precompute)`` for the solver: a flag passes through; a Gram matrix is
    checked and carried by the design (:func:`with_gram`), and the solver told to use
    covariance updates.

    As in scikit-learn, the matrix is that of X as given; with an intercept X must then be
    centered already (weighted means 0), or the matrix would be that of other columns: it is
    then ignored with scikit-learn's warning and the Gram columns computed.
    """
    if not is_gram(precompute):
        return design, precompute
    gram = check_gram(precompute, design.n_features)
    if design.fit_intercept and not np.allclose(design.x_mean, 0.0):
        warnings.warn("Gram matrix was provided but X was centered to fit intercept: "
                      "recomputing Gram matrix.", UserWarning, stacklevel=stacklevel + 1)
        return design, "auto"
    return with_gram(design, gram), True


def check_gram(gram, n_features: int) -> np.ndarray:
    """A Gram matrix given as ``precompute``, as a float64 array of shape ``(p, p)``."""
    try:
        gram = np.asarray(gram, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"precompute must be 'auto', a bool or a Gram matrix of numbers: "
                        f"{error}") from None
    if gram.shape != (n_features, n_features):
        raise ValueError(f"precompute must be a Gram matrix of shape ({n_features}, "
                         f"{n_features}) for X's {n_features} features, got shape "
                         f"{gram.shape}.")
    if not np.isfinite(gram).all():
        raise ValueError("precompute contains NaN or infinity.")
    return gram


def with_gram(design: Design, gram: np.ndarray) -> Design:
    """``design`` reading its Gram columns from a Gram matrix the caller computed (as
    :func:`check_gram` returns it).

    ``gram`` must be scikit-learn's: ``X_c^T D X_c`` with ``D`` the sample weights rescaled
    to sum to ``n_samples`` (the identity without weights) and ``X_c`` X centered by their
    weighted means, which with an intercept means X must come centered (the caller checks).
    The engine's Gram is ``X_c^T S X_c`` with the weights as given: ``gram`` times ``S / n``.
    One element, ``(p // 2, p // 2 + 1)``, is checked against X (a wrong matrix would be
    solved silently otherwise), as scikit-learn checks it, within ``1e-7`` relative (``1e-4``
    for float32 X) and ``1e-5`` absolute.
    """
    n_features = design.n_features
    scale = design.sum_weights / design.n_samples
    f1 = n_features // 2
    f2 = min(f1 + 1, n_features - 1)
    expected = gram_columns(design, np.array([f2], dtype=np.int32),
                            np.array([f1], dtype=np.int32))[0, 0] / scale
    rtol = 1e-4 if design.dtype == np.float32 else 1e-7
    if not np.isclose(gram[f1, f2], expected, rtol=rtol, atol=1e-5):
        raise ValueError(
            f"Gram matrix passed in via 'precompute' parameter did not pass validation when "
            f"a single element was checked: for element ({f1}, {f2}) X gives {float(expected)!r} "
            f"but the matrix holds {float(gram[f1, f2])!r}. It must be X^T X of the (centered, "
            f"weighted) X given with it.")
    return replace(design, gram=np.asfortranarray(gram * scale if scale != 1.0 else gram))


class WorkingColumns:
    """The columns of a working set ``ws`` as the kernels take them.

    The columns of a sparse working set lie scattered through X, and an epoch over them waits
    on memory (about 3 cache misses per column: 4 ms an epoch for 19000 columns of
    the benchmarks' sparse_wide); copied together they stay in cache across epochs.  So a sparse
    working set holding at most ``COMPACT_MAX_FRACTION`` of X's stored values is copied into
    a compact CSC matrix, and the kernels then index it, and every per-feature array, by
    position in ``ws`` (``index`` is ``0..k-1`` and :meth:`take` gathers ``array[ws]``).
    Otherwise the kernels read X itself, ``index`` is ``ws`` and arrays pass unchanged.
    """

    def __init__(self, design: Design, ws: np.ndarray, compact: bool = True):
        self.ws = ws
        X = design.X
        stored = design.stored_values(ws)
        self.compact = (compact and design.sparse and ws.size < design.n_features
                        and stored <= COMPACT_MAX_FRACTION * X.nnz)
        if self.compact:
            self.X_kernel = K.CscMatrix(np.empty(stored, X.data.dtype),
                                        np.empty(stored, X.indices.dtype),
                                        np.empty(ws.size + 1, X.indptr.dtype),
                                        X.shape[0])
            K.take_columns(design.X_kernel, ws, *self.X_kernel[:3])
            self.index = np.arange(ws.size, dtype=np.int32)
        else:
            self.X_kernel = design.X_kernel
            self.index = ws

    def take(self, array: np.ndarray) -> np.ndarray:
        """The per-feature ``array`` as the kernels index it (an empty array stays empty)."""
        if not self.compact or not array.size:
            return array
        return array[..., self.ws]  # the last axis is the features' (T x p for multi-task)

    def put(self, array: np.ndarray, local: np.ndarray) -> None:
        """Write back what the kernels changed in the array :meth:`take` gave."""
        if self.compact:
            array[..., self.ws] = local


def gram_columns(design: Design, features: np.ndarray, rows: np.ndarray | None = None
                 ) -> np.ndarray:
    """``G[rows][:, features]`` with ``G = X_c^T S X_c`` (float64; all rows by default).

    With ``rows`` and sparse X, see :func:`_sparse_gram_block`.  With ``rows`` and dense X,
    the rows' columns are copied (at most ``2**22`` values) and multiplied through BLAS.
    Otherwise small X (at most ``GRAM_KERNEL_MAX_ENTRIES`` stored values) goes through a Numba
    kernel, column by column; larger X is multiplied through BLAS or scipy.sparse, a block of
    densified, centered columns (at most ``2**22`` values) at a time.  Since a centered column
    has ``sum_i s_i x_ij = 0``, ``X^T S x_c = X_c^T S x_c`` with no cancellation.  float32 X
    is multiplied in float32, so X is never converted.
    """
    X = design.X
    sparse = design.sparse
    if design.gram is not None:
        chosen = design.gram[:, features] if rows is None else design.gram[np.ix_(rows, features)]
        return np.asfortranarray(chosen)
    n_rows = design.n_features if rows is None else rows.size
    design.work.gram_entries += n_rows * features.size
    # Products of raw columns centered afterwards lose ``eps m^2 / variance`` relative: where a
    # column's mean dominates its spread, the kernel (which centers value by value) is used.
    dominated = _mean_dominated(design, features) or _mean_dominated(
        design, design.all_features() if rows is None else rows)
    if sparse and rows is not None and not dominated:
        return _sparse_gram_block(design, rows, features)
    out = np.empty((n_rows, features.size), order="F")
    # float32 products overflow near float32's limits; the kernel accumulates in float64.
    blas_safe = (X.dtype != np.float32 or design.col_sqnorm.max(initial=0.0) < 1e30) and (
        not dominated)
    if sparse and rows is not None:
        use_kernel = True
    elif rows is not None:
        use_kernel = design.n_samples * rows.size > 2**22  # too large a copy of the rows
    else:
        use_kernel = (X.nnz if sparse else X.size) <= GRAM_KERNEL_MAX_ENTRIES
    if use_kernel or not blas_safe:
        rows = np.arange(n_rows, dtype=np.int32) if rows is None else rows
        K.gram_columns(design.X_kernel, design.weights, design.x_mean, rows, features, out,
                       np.empty(design.n_samples))
        return out
    left = X if rows is None else X[:, rows]
    if (rows is None and not design.weights.size
            and (X.dtype == np.float64 or not design.x_mean.any())
            and np.array_equal(features, np.arange(design.n_features))):
        # The whole Gram of unweighted X in one product, BLAS running 3-4x faster on it than on
        # blocks of columns; centering by the rank-one term loses about eps m^2 / variance
        # relative, hence float64 only (the block solver's stall check catches the rest).
        product = X.T @ X
        out[:] = product.toarray() if sparse else product
        out -= design.sum_weights * np.outer(design.x_mean, design.x_mean)
        return out
    block = max(1, 2**22 // design.n_samples)
    for start in range(0, features.size, block):
        chosen = features[start:start + block]
        columns = X[:, chosen]
        columns = columns.toarray() if sparse else np.asarray(columns)
        centered = columns - design.x_mean[chosen]
        if design.weights.size:
            centered *= design.weights[:, np.newaxis]
        out[:, start:start + block] = left.T @ centered.astype(X.dtype, copy=False)
    return out


# Centering a product afterwards (``X^T S X - S m m^T``) is accepted while no column's mean
# exceeds this multiple of its spread (its squares then lose at most 6 of 16 digits).
MEAN_DOMINATES = 1e3


def _mean_dominated(design: Design, columns: np.ndarray) -> bool:
    """Whether some column of ``columns`` has a mean above ``MEAN_DOMINATES`` times its spread
    (centering after a product would then cancel most of its digits)."""
    if not design.fit_intercept or not columns.size:
        return False
    means = design.x_mean[columns]
    return bool((means * means * design.sum_weights
                 > MEAN_DOMINATES**2 * design.col_sqnorm[columns]).any())


def _sparse_gram_block(design: Design, rows: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``G[rows][:, features]`` of sparse X as ``X_r^T S X_f - S m_r m_f^T`` (float64).

    A sparse product costs the sum over samples of (stored values among ``rows``) x (among
    ``features``), where densifying a centered column costs n per feature and its products
    every stored value of ``rows``: 20x less on the benchmarks' text_like.  The price is the
    rank-one centering term, subtracted after the product: a column whose mean is large
    against its spread loses digits (relative error about eps (1 + mean^2 / variance)); the
    block solver hands over to the residual when its rounding shows (``STATUS_STALLED``).
    Only the chosen columns are copied, to float64.
    """
    X = design.X
    left = X[:, rows].astype(np.float64)
    right = X[:, features].astype(np.float64)
    if design.weights.size:
        right = sp.diags(design.weights) @ right
    block = np.asfortranarray((left.T @ right).toarray())
    block -= design.sum_weights * np.outer(design.x_mean[rows], design.x_mean[features])
    return block


class GramCache:
    """Gram columns of every feature that has entered a working set, kept across alphas:
    feature j's column is ``gram[:, slot_of[j]]``."""

    def __init__(self, design: Design):
        self.design = design
        self.slot_of = np.full(design.n_features, -1, dtype=np.int32)
        self.count = 0
        self.gram = np.empty((design.n_features, 0), order="F")

    def ensure(self, features: np.ndarray) -> None:
        """Compute the columns of ``features`` that are not cached yet."""
        new = features[self.slot_of[features] < 0]
        if not new.size:
            return
        stop = self.count + new.size
        if stop > self.gram.shape[1]:
            capacity = min(max(stop, 2 * self.gram.shape[1]), self.design.n_features)
            grown = np.empty((self.design.n_features, capacity), order="F")
            grown[:, :self.count] = self.gram[:, :self.count]
            self.gram = grown
        self.gram[:, self.count:stop] = gram_columns(self.design, new)
        self.slot_of[new] = np.arange(self.count, stop, dtype=np.int32)
        self.count = stop


class BlockCache:
    """The Gram matrix among the features of recent working sets (at most
    ``BLOCK_MAX_FEATURES``), grown as working sets bring new features: a working set's block
    is then gathered, not recomputed, in later rounds and along a path."""

    def __init__(self, design: Design):
        self.design = design
        self.members = np.empty(0, dtype=np.int32)
        self.gram = np.empty((0, 0), order="F")
        self.position = None  # position[j]: j's row in gram, -1 if absent (allocated lazily)

    def missing(self, ws: np.ndarray) -> tuple[int, int]:
        """``(new, members)``: how many features of ``ws`` are missing, and how many rows their
        columns would span (the cache restarts from ``ws`` when it would grow too large)."""
        new = ws.size if self.position is None else int(np.count_nonzero(self.position[ws] < 0))
        if self.members.size + new > BLOCK_MAX_FEATURES:
            return ws.size, ws.size
        return new, self.members.size + new

    def block(self, ws: np.ndarray) -> np.ndarray:
        """``G[ws][:, ws]`` (k x k, Fortran order), computing the missing columns first."""
        if self.position is None:
            self.position = np.full(self.design.n_features, -1, dtype=np.int32)
        new = ws[self.position[ws] < 0]
        if self.members.size + new.size > BLOCK_MAX_FEATURES:
            self.position[self.members] = -1
            self.members = np.empty(0, dtype=np.int32)
            self.gram = np.empty((0, 0), order="F")
            new = ws
        if new.size:
            old = self.members.size
            self.members = np.concatenate([self.members, new])
            cross = gram_columns(self.design, new, rows=self.members)
            grown = np.empty((self.members.size, self.members.size), order="F")
            grown[:old, :old] = self.gram
            grown[:, old:] = cross
            grown[old:, :old] = cross[:old].T
            self.gram = grown
            self.position[new] = np.arange(old, self.members.size, dtype=np.int32)
        at = self.position[ws]
        return np.asfortranarray(self.gram[np.ix_(at, at)])


_POOL: tuple[ThreadPoolExecutor, int] | None = None
_POOL_LOCK = threading.Lock()


def _thread_pool() -> tuple[ThreadPoolExecutor, int]:
    """The threads that share large passes over X (one per core this process may use), and
    their number."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
                os.cpu_count() or 1)
            workers = max(1, cores)
            _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fastreg"), workers
        return _POOL
