"""One regularization strength: the engine between validated data and the Numba kernels.

:class:`Problem` holds the data made canonical once (centered target, weights, column means and
norms); :class:`CoordinateDescent` keeps the solver state (coefficients plus residual, or
correlations plus cached Gram columns) so that a path can warm-start from one alpha to the
next; :func:`solve` is the public low-level entry point for other libraries.
"""

from __future__ import annotations

import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from numbers import Integral

import numpy as np
import scipy.sparse as sp

from . import _kernels as K
from ._validation import (
    check_bool,
    check_coef_init,
    check_design_matrix,
    check_penalty_factor,
    check_sample_weight,
    check_scalar,
    check_target,
)

DEFAULT_MAX_ITER = 1000
# Covariance updates may keep a p x p Gram matrix; "auto" never picks them for larger p.
GRAM_MAX_FEATURES = 2048
# Below this many stored values of X, Gram columns come from a Numba kernel (no BLAS threads).
GRAM_KERNEL_MAX_ENTRIES = 2**20
# Largest working set whose k x k Gram block the residual solver may build.
BLOCK_MAX_FEATURES = 2048
# A full pass over candidates holding at least this many stored values of X is split among
# threads (the kernels release the GIL); smaller passes run on the calling thread.
PARALLEL_MIN_ENTRIES = 2**20
# With at most this many unpenalized features, the gap is certified by projecting the residual
# off their columns (whose p x k Gram columns that takes); beyond, it measures stationarity.
CERTIFY_MAX_UNPENALIZED = 256
# A sparse working set whose columns hold at most this fraction of X's stored values is copied
# into a compact CSC matrix for its epochs.
COMPACT_MAX_FRACTION = 0.25


@dataclass(frozen=True, eq=False)
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
        Coordinate-descent epochs run, over all working sets (0 when the starting point is
        already certified, e.g. at ``alpha >= alpha_max``).
    converged : bool
        Whether ``dual_gap <= gap_tol``.
    mode : str
        ``"residual"`` or ``"gram"``: residual or covariance updates.
    alpha : float
        The regularization strength solved for.
    """

    coef: np.ndarray
    intercept: float
    dual_gap: float
    gap_tol: float
    n_iter: int
    converged: bool
    mode: str
    alpha: float = float("nan")


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

    @property
    def factors(self) -> np.ndarray:
        """The penalty factors as an array (``penalty_factor`` is empty when all are 1)."""
        if self.penalty_factor.size:
            return self.penalty_factor
        return np.ones(self.n_features)

    def xty_of(self, features: np.ndarray) -> np.ndarray:
        """``xty[features]``, from the cache if it is filled, else from those columns only."""
        if "xty" in vars(self):
            return self.xty[features]
        target = self.y * self.weights if self.weights.size else self.y
        # sum_i s_i y_i = 0 for the centered y: raw columns give the centered correlations.
        return np.asarray(self.X[:, features].T @ target, dtype=np.float64)

    @cached_property
    def xty(self) -> np.ndarray:
        """``X_c^T S y`` (centered y): the correlations at ``w = 0``."""
        out = np.empty(self.n_features)
        K.correlations(self.X_kernel, self.weights, self.sum_weights, self.x_mean, self.y, 0.0,
                       np.arange(self.n_features, dtype=np.int32), out)
        return out

    def kernel_penalties(self, alpha: float, l1_ratio: float) -> tuple[float, float]:
        """The one place where the objective's scaling is converted for the kernels.

        The user's objective divides the loss by ``S = sum_i s_i``; the kernels minimise ``S``
        times it, so ``l1_reg = S alpha l1_ratio`` and ``l2_reg = S alpha (1 - l1_ratio)``.
        """
        scale = self.sum_weights * alpha
        return scale * l1_ratio, scale * (1.0 - l1_ratio)

    def alpha_max(self, l1_ratio: float = 1.0, positive: bool = False) -> float:
        """Smallest alpha with an all-zero solution: ``max_j |x_j^T S y| / (S l1_ratio f_j)``.

        With ``positive`` only positive correlations count (a negative one cannot make a
        non-negative coefficient enter).
        """
        factors = self.factors
        penalized = factors > 0
        if l1_ratio <= 0.0 or not penalized.any():
            return np.inf
        xty = self.xty[penalized]
        ratios = (np.maximum(xty, 0.0) if positive else np.abs(xty)) / factors[penalized]
        return float(ratios.max() / (self.sum_weights * l1_ratio))

    def intercept(self, coef: np.ndarray) -> float:
        if not self.fit_intercept:
            return 0.0
        return float(self.y_offset - K.dot(self.x_mean, coef))


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
    raw_sqnorm = K.weighted_sums(weights, y, 0.0, y, 0.0)
    if fit_intercept:
        y_offset = float(np.average(y, weights=weights if weights.size else None))
        y -= y_offset
    y_sqnorm = K.weighted_sums(weights, y, 0.0, y, 0.0)
    x_mean = np.empty(n_features)
    col_sqnorm = np.empty(n_features)
    K.column_stats(X_kernel, weights, sum_weights, fit_intercept, x_mean, col_sqnorm)
    if not (np.isfinite(raw_sqnorm) and np.isfinite(col_sqnorm).all()):
        raise ValueError(
            "The sums of squares of y or of a column of X overflow float64 (values near "
            "1e154 or larger): scale X and y down before fitting.")
    if y_sqnorm <= K.CONSTANT_RELATIVE * raw_sqnorm:  # constant y: its rounding is no signal
        y[:] = 0.0
        y_sqnorm = 0.0
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


def choose_mode(problem: Problem, precompute, n_alphas: int = 1) -> str:
    """The state a solver keeps: "gram" (correlations and full Gram columns) or "residual".

    "auto" keeps Gram columns only along a path on data with ``n >= p`` (and a p x p Gram
    that fits in memory): one column costs as much as one pass over X, which a path pays
    for every working-set round of every alpha, so the columns of the features that ever
    enter are the cheaper currency there (DESIGN.md's tall_dense path: 0.95 s against 13 s).
    A single fit keeps the residual, and covariance updates run on each working set's own
    Gram block when its epochs pay for it (see ``CoordinateDescent._block_after``): full
    columns cost n p per feature where a block costs n k, and tall_dense fits ran 1.2-1.7x
    faster without them.
    """
    precompute = check_precompute(precompute)
    if precompute == "auto":
        precompute = (n_alphas > 1 and problem.n_samples >= problem.n_features
                      and problem.n_features <= GRAM_MAX_FEATURES)
    return "gram" if precompute else "residual"


def gram_columns(problem: Problem, features: np.ndarray, rows: np.ndarray | None = None
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
    X = problem.X
    sparse = sp.issparse(X)
    if sparse and rows is not None:
        return _sparse_gram_block(problem, rows, features)
    n_rows = problem.n_features if rows is None else rows.size
    out = np.empty((n_rows, features.size), order="F")
    # float32 products overflow near float32's limits; the kernel accumulates in float64.
    blas_safe = X.dtype != np.float32 or problem.col_sqnorm.max(initial=0.0) < 1e30
    if rows is not None:
        use_kernel = problem.n_samples * rows.size > 2**22  # too large a copy of the rows
    else:
        use_kernel = (X.nnz if sparse else X.size) <= GRAM_KERNEL_MAX_ENTRIES
    if use_kernel or not blas_safe:
        rows = np.arange(n_rows, dtype=np.int32) if rows is None else rows
        K.gram_columns(problem.X_kernel, problem.weights, problem.x_mean, rows, features, out,
                       np.empty(problem.n_samples))
        return out
    left = X if rows is None else X[:, rows]
    if (rows is None and not problem.weights.size
            and (X.dtype == np.float64 or not problem.x_mean.any())
            and np.array_equal(features, np.arange(problem.n_features))):
        # The whole Gram of unweighted X in one product, BLAS running 3-4x faster on it than on
        # blocks of columns; centering by the rank-one term loses about eps m^2 / variance
        # relative, hence float64 only (the block solver's stall check catches the rest).
        product = X.T @ X
        out[:] = product.toarray() if sparse else product
        out -= problem.sum_weights * np.outer(problem.x_mean, problem.x_mean)
        return out
    block = max(1, 2**22 // problem.n_samples)
    for start in range(0, features.size, block):
        chosen = features[start:start + block]
        columns = X[:, chosen]
        columns = columns.toarray() if sparse else np.asarray(columns)
        centered = columns - problem.x_mean[chosen]
        if problem.weights.size:
            centered *= problem.weights[:, np.newaxis]
        out[:, start:start + block] = left.T @ centered.astype(X.dtype, copy=False)
    return out


def _sparse_gram_block(problem: Problem, rows: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``G[rows][:, features]`` of sparse X as ``X_r^T S X_f - S m_r m_f^T`` (float64).

    A sparse product costs the sum over samples of (stored values among ``rows``) x (among
    ``features``), where densifying a centered column costs n per feature and its products
    every stored value of ``rows``: 20x less on DESIGN.md's text_like.  The price is the
    rank-one centering term, subtracted after the product: a column whose mean is large
    against its spread loses digits (relative error about eps (1 + mean^2 / variance)); the
    block solver hands over to the residual when its rounding shows (``STATUS_STALLED``).
    Only the chosen columns are copied, to float64.
    """
    X = problem.X
    left = X[:, rows].astype(np.float64)
    right = X[:, features].astype(np.float64)
    if problem.weights.size:
        right = sp.diags(problem.weights) @ right
    block = np.asfortranarray((left.T @ right).toarray())
    block -= problem.sum_weights * np.outer(problem.x_mean[rows], problem.x_mean[features])
    return block


class _GramCache:
    """Gram columns of every feature that has entered a working set, kept across alphas:
    feature j's column is ``gram[:, slot_of[j]]``."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.slot_of = np.full(problem.n_features, -1, dtype=np.int32)
        self.count = 0
        self.gram = np.empty((problem.n_features, 0), order="F")

    def ensure(self, features: np.ndarray) -> None:
        """Compute the columns of ``features`` that are not cached yet."""
        new = features[self.slot_of[features] < 0]
        if not new.size:
            return
        stop = self.count + new.size
        if stop > self.gram.shape[1]:
            capacity = min(max(stop, 2 * self.gram.shape[1]), self.problem.n_features)
            grown = np.empty((self.problem.n_features, capacity), order="F")
            grown[:, :self.count] = self.gram[:, :self.count]
            self.gram = grown
        self.gram[:, self.count:stop] = gram_columns(self.problem, new)
        self.slot_of[new] = np.arange(self.count, stop, dtype=np.int32)
        self.count = stop


class _BlockCache:
    """The Gram matrix among the features of recent working sets (at most
    ``BLOCK_MAX_FEATURES``), grown as working sets bring new features: a working set's block
    is then gathered, not recomputed, in later rounds and along a path."""

    def __init__(self, problem: Problem):
        self.problem = problem
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
            self.position = np.full(self.problem.n_features, -1, dtype=np.int32)
        new = ws[self.position[ws] < 0]
        if self.members.size + new.size > BLOCK_MAX_FEATURES:
            self.position[self.members] = -1
            self.members = np.empty(0, dtype=np.int32)
            self.gram = np.empty((0, 0), order="F")
            new = ws
        if new.size:
            old = self.members.size
            self.members = np.concatenate([self.members, new])
            cross = gram_columns(self.problem, new, rows=self.members)
            grown = np.empty((self.members.size, self.members.size), order="F")
            grown[:old, :old] = self.gram
            grown[:, old:] = cross
            grown[old:, :old] = cross[:old].T
            self.gram = grown
            self.position[new] = np.arange(old, self.members.size, dtype=np.int32)
        at = self.position[ws]
        return np.asfortranarray(self.gram[np.ix_(at, at)])


class CoordinateDescent:
    """Solver state for one problem, reused across alphas (warm starts).

    Each :meth:`run` solves one alpha with working sets (Massias, Gramfort and Salmon 2018,
    "Celer"; Bertrand et al. 2022, "skglm"): coordinate descent runs on a small set of
    features ranked by how far they are from meeting their optimality condition, and the set
    grows until the duality gap of the *whole* problem certifies the solution.  Gap Safe
    screening (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017) discards, at each full
    pass, features whose coefficient is provably zero at this alpha.

    Two modes keep the state.  "residual": the residual ``y - X w``, one pass over X per
    working-set round; a working set whose epochs pay for it moves to covariance updates on
    its own cached Gram block.  "gram": the correlations ``X^T S r``, from full Gram columns
    (all of them along a path, else those of features about to leave zero), so that neither
    rounds nor epochs touch X.  In both, Anderson extrapolation (Bertrand and Massias 2021)
    accelerates the epochs.

    Parameters
    ----------
    problem : Problem
    precompute : {"auto", True, False}
        Covariance updates: True keeps the "gram" state (see :func:`choose_mode`), False
        keeps the residual and never builds a Gram block, "auto" chooses.
    coef_init : ndarray of shape (n_features,), optional
        Starting coefficients (copied).
    working_set : bool, default=True
        Solve on growing working sets; False runs coordinate descent on every feature.
    screening : bool, default=True
        Gap Safe screening.  It is skipped when some feature is unpenalized or the penalty has
        no L1 part, where the kernels' gap is not a strict bound.
    n_alphas : int, default=1
        How many alphas will be solved (a path amortizes Gram columns).
    """

    # Epochs between two gap evaluations of the residual solver (a gap costs an epoch).
    gap_every = 10
    # The first working set's size, and the inner tolerance as a fraction of the global gap.
    min_working_set = 10
    inner_gap_ratio = 0.3
    # Working-set rounds per alpha (each adds the features nearest to violating optimality).
    max_outer = 100
    # Gram columns computed per pass over X (missing ones padded with likely entrants).
    gram_batch = 16
    # Iterates per Anderson extrapolation of the inner solvers (0: no acceleration).
    anderson = 5

    def __init__(self, problem: Problem, precompute="auto", coef_init=None, *,
                 working_set: bool = True, screening: bool = True, n_alphas: int = 1):
        self.problem = problem
        self.mode = choose_mode(problem, precompute, n_alphas)
        # Whether the residual solver may move a long inner solve to a Gram block.
        self.blocks = check_precompute(precompute) == "auto"
        self.working_set = working_set
        self.screening = screening
        self.coef = check_coef_init(coef_init, problem.n_features, np.float64)
        # X_c^T S r at the last full pass: the gap, the ranking and the strong rule use it.
        # The Gram solver updates it in place (its "q").
        self.xtr = np.zeros(problem.n_features)
        if self.mode == "residual":
            self.block_cache = _BlockCache(problem)
            self.residual = np.empty(problem.n_samples)
            K.init_residual(problem.X_kernel, problem.y, self.coef, self.residual)
        else:
            self.residual = np.empty(0)
            self.gram_cache = _GramCache(problem)
            # A path on tall data needs many columns: the whole Gram in one BLAS product costs
            # less than the columns computed in batches as features enter (DESIGN.md's
            # tall_dense path: 0.26 s for all 500 columns, 0.44 s for the 144 computed).
            self.gram_cache.ensure(np.arange(problem.n_features, dtype=np.int32)
                                   if n_alphas > 1 else
                                   np.flatnonzero(self.coef).astype(np.int32))
        self.previous_l1_reg = None
        self.fresh = None
        self.unpenalized = np.flatnonzero(problem.penalty_factor == 0.0).astype(np.int32)
        self._unpenalized_gram = None

    def run(self, alpha: float, l1_ratio: float, *, positive: bool, tol: float,
            max_iter: int, shuffle_seed: int = -1) -> SolveResult:
        """Minimise for one alpha from the current state; the state moves to the solution.

        ``max_iter`` bounds the coordinate-descent epochs on each working set; the result's
        ``n_iter`` counts the epochs on all of them.  ``shuffle_seed >= 0`` visits the
        features in a random order drawn from that seed each epoch (scikit-learn's
        ``selection="random"``); -1 cycles through them in order.
        """
        problem = self.problem
        l1_reg, l2_reg = problem.kernel_penalties(alpha, l1_ratio)
        gap_tol = tol * problem.y_sqnorm
        penalty = (l1_reg, l2_reg, positive)
        can_screen = (self.screening and l1_reg > 0
                      and bool((problem.penalty_factor > 0).all()))
        candidates = np.arange(problem.n_features, dtype=np.int32)
        solve_inner = self._solve_gram if self.mode == "gram" else self._solve_residual
        strong = self._strong_set(l1_reg) if self.working_set and l1_reg > 0 else None
        self.previous_l1_reg = l1_reg
        n_epochs = 0
        if strong is not None:
            # Along a path the previous alpha's last pass gives the correlations: the strong
            # set is solved before any pass over X, and often needs only the certifying one.
            _, n_epochs, _ = solve_inner(strong, *penalty, gap_tol, max_iter, tol,
                                         shuffle_seed)
        ws_size = max(self.min_working_set, 0 if strong is None else strong.size,
                      2 * int(np.count_nonzero(self.coef)))
        gap = self._full_gap(candidates, *penalty)
        for _ in range(self.max_outer):
            if gap <= gap_tol:
                break
            scale = K.dual_scale(self.xtr, self.coef, problem.penalty_factor, *penalty,
                                 candidates)
            if can_screen:
                kept = K.gap_safe_screen(problem.X_kernel, problem.col_sqnorm,
                                         problem.penalty_factor, *penalty, scale,
                                         np.sqrt(2.0 * gap), self.xtr, self.coef,
                                         self.residual, candidates)
                candidates = candidates[:kept]
            if self.working_set and l1_reg > 0 and ws_size < candidates.size:
                ws = self._working_set(candidates, ws_size, *penalty)
            else:
                ws = candidates.copy()
            everything = ws.size == candidates.size
            inner_tol = gap_tol if everything else max(gap_tol, self.inner_gap_ratio * gap)
            status, epochs, _ = solve_inner(ws, *penalty, inner_tol, max_iter, tol,
                                            shuffle_seed)
            n_epochs += epochs
            gap = self._full_gap(candidates, *penalty)
            if everything and status != K.STATUS_CONVERGED:
                break
            ws_size = max(ws.size, 2 * int(np.count_nonzero(self.coef)))
        self.fresh = candidates  # the features whose correlations xtr holds at this point
        return SolveResult(
            coef=self.coef.astype(problem.dtype),
            intercept=problem.intercept(self.coef),
            dual_gap=gap / problem.sum_weights,
            gap_tol=gap_tol / problem.sum_weights,
            n_iter=n_epochs,
            converged=bool(gap <= gap_tol),
            mode=self.mode,
            alpha=alpha,
        )

    def residual_sqnorm(self) -> float:
        """``sum_i s_i r_i^2`` of the centered residual at the current coefficients."""
        return self._residual_sums()[0]

    def _residual_sums(self) -> tuple[float, float]:
        """``(r.r, r.y)`` (weighted, centered) at the current coefficients; in "gram" mode
        from the correlations, current for every non-zero coefficient after a full pass."""
        problem, w = self.problem, self.coef
        if self.mode == "gram":
            r_dot_y = problem.y_sqnorm - w @ problem.xty
            return max(r_dot_y - w @ self.xtr, 0.0), r_dot_y
        offset = K.dot(problem.x_mean, w)
        return (K.weighted_sums(problem.weights, self.residual, offset, self.residual, offset),
                K.weighted_sums(problem.weights, self.residual, offset, problem.y, 0.0))

    def _full_gap(self, candidates, l1_reg, l2_reg, positive) -> float:
        """The gap over ``candidates`` (the whole problem, after screening); fills ``xtr``."""
        problem = self.problem
        if self.mode == "gram":
            cache = self.gram_cache
            K.gram_correlations(problem.xty, cache.gram, cache.slot_of, self.coef,
                                np.flatnonzero(self.coef).astype(np.int32), candidates,
                                self.xtr)
            gap = K.gram_gap(problem.xty, problem.y_sqnorm, problem.col_sqnorm,
                             problem.penalty_factor, l1_reg, l2_reg, positive, candidates,
                             self.coef, self.xtr)
        else:
            offset = K.dot(problem.x_mean, self.coef)
            self._correlations(candidates, offset)
            gap = K.gap_from_correlations(problem.y, problem.weights, problem.col_sqnorm,
                                          problem.penalty_factor, l1_reg, l2_reg, positive,
                                          candidates, self.coef, self.residual, offset,
                                          self.xtr)
        if l1_reg > 0 and 0 < self.unpenalized.size <= CERTIFY_MAX_UNPENALIZED:
            return self._certified_gap(l1_reg, l2_reg, positive)
        return gap

    def _correlations(self, candidates, offset) -> None:
        """``xtr[candidates] = X_c^T S r``: the pass over X, in chunks on threads when large.

        Each feature's correlation is one dot product computed by one thread, so the result
        does not depend on the number of threads.
        """
        problem = self.problem
        X = problem.X
        stored = X.nnz * candidates.size / problem.n_features if sp.issparse(X) else (
            problem.n_samples * candidates.size)
        pool, workers = _thread_pool()
        chunks = (np.array_split(candidates, workers)
                  if stored >= PARALLEL_MIN_ENTRIES and workers > 1 else [candidates])

        def correlate(chunk):
            K.correlations(problem.X_kernel, problem.weights, problem.sum_weights,
                           problem.x_mean, self.residual, offset, chunk, self.xtr)

        if len(chunks) == 1:
            correlate(candidates)
        else:
            for done in [pool.submit(correlate, chunk) for chunk in chunks]:
                done.result()

    def _certified_gap(self, l1_reg, l2_reg, positive) -> float:
        """A duality gap that bounds the suboptimality although some features are unpenalized.

        Their dual constraints ``x_j^T theta = 0`` hold for the residual projected off their
        columns, ``r' = r - X_U beta`` with ``G_UU beta = X_U^T S r``; scaled into the
        penalized features' constraints, ``r'`` is a dual point, and ``r' -> r`` at the
        solution.  Needs the correlations of every feature (no screening runs with unpenalized
        features) and the Gram columns of the unpenalized ones, computed once.
        """
        problem, w, unpenalized = self.problem, self.coef, self.unpenalized
        if self._unpenalized_gram is None:
            self._unpenalized_gram = gram_columns(problem, unpenalized)
        gram = self._unpenalized_gram
        # Under ``positive`` the constraint of an unpenalized feature is x_j^T theta <= 0:
        # only those that move or would move are projected off (an active set, grown while
        # the projection makes another one's correlation positive).
        projected = (w[unpenalized] > 0) | (self.xtr[unpenalized] > 0) if positive else (
            np.ones(unpenalized.size, dtype=bool))
        for _ in range(unpenalized.size + 1):
            columns = gram[:, projected]
            beta = np.linalg.lstsq(columns[unpenalized[projected]],
                                   self.xtr[unpenalized[projected]], rcond=None)[0]
            correlations = self.xtr - columns @ beta
            grown = projected | (correlations[unpenalized] > 0)
            if not positive or (grown == projected).all():
                break
            projected = grown
        unpenalized = unpenalized[projected]
        r_sqnorm, r_dot_y = self._residual_sums()
        projected_sqnorm = max(r_sqnorm - beta @ self.xtr[unpenalized], 0.0)
        projected_dot_y = r_dot_y - beta @ problem.xty_of(unpenalized)
        factors = problem.factors
        penalized = factors > 0
        f, w_pen = factors[penalized], w[penalized]
        slopes = (correlations[penalized] - l2_reg * f * w_pen) / f
        dual_norm = max((slopes.max() if positive else np.abs(slopes).max())
                        if slopes.size else 0.0, 0.0)
        scale = min(1.0, l1_reg / dual_norm) if dual_norm > 0 else 1.0
        ridge = l2_reg * (f @ (w_pen * w_pen))
        primal = 0.5 * (r_sqnorm + ridge) + l1_reg * (f @ np.abs(w_pen))
        dual = scale * projected_dot_y - 0.5 * scale**2 * (projected_sqnorm + ridge)
        return float(primal - dual)

    def _strong_set(self, l1_reg) -> np.ndarray | None:
        """The active features and those the sequential strong rule (Tibshirani et al. 2012)
        expects to enter, ``|x_j^T r| >= f_j (2 l1 - l1_previous)``, from the correlations of
        the previous alpha's last pass; None without a larger previous alpha, or if empty."""
        if self.fresh is None or self.previous_l1_reg is None or self.previous_l1_reg <= l1_reg:
            return None
        fresh = self.fresh
        threshold = 2 * l1_reg - self.previous_l1_reg
        factors = self.problem.penalty_factor
        if factors.size:
            threshold = threshold * factors[fresh]
        strong = fresh[np.abs(self.xtr[fresh]) >= threshold]
        strong = np.union1d(strong, np.flatnonzero(self.coef)).astype(np.int32)
        return strong if strong.size else None

    def _working_set(self, candidates, size, l1_reg, l2_reg, positive) -> np.ndarray:
        """The candidates nearest to violating their optimality condition, sorted: ``size``
        of them, or up to twice as many while many violate it.

        Features are ranked by ``(l1_reg f_j - |x_j^T r - l2_reg f_j w_j|) / ||x_j||`` at the
        current residual: the most negative, the largest decrease a step on that feature alone
        would bring.  The dual point scaled into the feasible set (celer's ranking) ranks the
        same way when the column norms are equal; on text data, where they span orders of
        magnitude, it put the rare words' violations last and the solver needed 17 rounds on
        DESIGN.md's text_like instead of 4.
        """
        problem = self.problem
        score = np.empty(candidates.size)
        args = (problem.col_sqnorm, problem.penalty_factor, l1_reg, l2_reg, positive, self.xtr,
                self.coef, candidates, score)
        violators = K.violation_scores(*args)
        # While many features violate their optimality condition, the set doubles: growing
        # it by 2 x (active features) alone took 16 rounds on DESIGN.md's text_like.  Not
        # beyond n_samples, a Lasso's largest support: with p >> n a set of several times n
        # correlated features took 3x more epochs (wide_dense).
        active = int(np.count_nonzero(self.coef))
        grown = min(2 * size, active + violators, problem.n_samples)
        size = min(max(size, grown), candidates.size)
        # Partitioning in place and scoring again costs O(p) time but no index array of size
        # p (memory matters when p is in the millions).
        score.partition(size - 1)
        threshold = score[size - 1]
        K.violation_scores(*args)
        chosen = np.flatnonzero(score < threshold)
        if chosen.size < size and threshold < np.inf:  # ties at the threshold fill the rest
            ties = np.flatnonzero(score == threshold)[:size - chosen.size]
            chosen = np.sort(np.concatenate([chosen, ties]))
        return candidates[chosen]

    def _solve_residual(self, ws, l1_reg, l2_reg, positive, inner_tol, max_epochs, tol,
                        shuffle_seed):
        """Residual-update CD on ``ws``, moving to the working set's Gram block when the
        epochs it has taken show that the block would pay for itself (:meth:`_block_after`)."""
        penalty = (l1_reg, l2_reg, positive)
        switch = min(self._block_after(ws), max_epochs)
        status, epochs, gap = self._residual_epochs(ws, *penalty, inner_tol, switch, tol,
                                                    shuffle_seed)
        if status == K.STATUS_CONVERGED or epochs == max_epochs:
            return status, epochs, gap
        # residual_cd evaluated the gap at its last epoch: xtr holds the correlations of ws.
        block = self.block_cache.block(ws)
        old = self.coef[ws]
        status, more, gap = self._solve_block(block, np.ones(ws.size, dtype=np.bool_), ws,
                                              *penalty, inner_tol, max_epochs - epochs,
                                              shuffle_seed)
        K.add_columns(self.problem.X_kernel, ws, old - self.coef[ws], self.residual)
        epochs += more
        if status == K.STATUS_STALLED:
            # Rounding in the block's correlations is above this problem's tolerance: the
            # residual, whose correlations are exact dot products, takes over for good.
            self.blocks = False
            status, more, gap = self._residual_epochs(ws, *penalty, inner_tol,
                                                      max_epochs - epochs, tol, shuffle_seed)
            epochs += more
        return status, epochs, gap

    def _residual_epochs(self, ws, l1_reg, l2_reg, positive, inner_tol, max_epochs, tol,
                         shuffle_seed):
        """``residual_cd`` on ``ws``; a sparse working set runs on a compact copy of its
        columns.

        The columns of a sparse working set lie scattered through X, and an epoch over them
        waits on memory (about 3 cache misses per column: 4 ms an epoch for 19000 columns of
        DESIGN.md's sparse_wide); copied together they stay in cache across epochs.  The copy
        is bounded by ``COMPACT_MAX_FRACTION`` of X.
        """
        problem = self.problem
        X = problem.X
        stored = self._stored_values(ws)
        if (not sp.issparse(X) or ws.size == problem.n_features
                or stored > COMPACT_MAX_FRACTION * X.nnz):
            return K.residual_cd(
                problem.X_kernel, problem.y, problem.weights, problem.sum_weights,
                problem.x_mean, problem.col_sqnorm, problem.penalty_factor, l1_reg, l2_reg,
                positive, ws, self.coef, self.residual, self.xtr, max_epochs, inner_tol, tol,
                self.gap_every, shuffle_seed, self.anderson)
        compact = K.CscMatrix(np.empty(stored, X.data.dtype), np.empty(stored, X.indices.dtype),
                              np.empty(ws.size + 1, X.indptr.dtype))
        K.take_columns(problem.X_kernel, ws, *compact)
        factors = problem.penalty_factor
        w, xtr = self.coef[ws], self.xtr[ws]
        result = K.residual_cd(
            compact, problem.y, problem.weights, problem.sum_weights, problem.x_mean[ws],
            problem.col_sqnorm[ws], factors[ws] if factors.size else factors, l1_reg, l2_reg,
            positive, np.arange(ws.size, dtype=np.int32), w, self.residual, xtr, max_epochs,
            inner_tol, tol, self.gap_every, shuffle_seed, self.anderson)
        self.coef[ws], self.xtr[ws] = w, xtr
        return result

    def _stored_values(self, ws) -> int:
        """How many values of X the columns of ``ws`` store."""
        X = self.problem.X
        if sp.issparse(X):
            return int((X.indptr[ws + 1] - X.indptr[ws]).sum())
        return X.shape[0] * ws.size

    def _block_after(self, ws) -> int:
        """Residual-CD epochs on ``ws`` after which its Gram block is worth building.

        A block epoch costs O(k) per moving feature instead of O(n): on a working set of k
        features of which m move, about ``k + m k`` against ``nnz + m n / k nnz`` for residual
        updates (dense columns: ``nnz = n k``).  The block's missing columns cost
        ``n k_rows k_new`` BLAS operations on dense data (counted as a quarter of a CD
        operation) or a sparse product of about ``nnz_new nnz_rows / n`` operations; a block
        already cached costs nothing, and is used after ``gap_every`` epochs.  Switching after
        the break-even number of epochs costs at most twice the better choice made in
        hindsight (the ski-rental argument).
        """
        problem = self.problem
        size = ws.size
        if size > BLOCK_MAX_FEATURES or not self.blocks:
            return np.iinfo(np.int64).max
        n = problem.n_samples
        new, rows = self.block_cache.missing(ws)
        stored = self._stored_values(ws)
        if sp.issparse(problem.X):
            # The sparse product, for values spread evenly over the samples.
            block_cost = (stored * new / size) * (stored * rows / size) / n + rows * new
        else:
            block_cost = 0.25 * n * rows * new
        if new == 0:
            return self.gap_every
        moving = max(1, int(np.count_nonzero(self.coef[ws])))
        saving = stored * (1.0 + moving / size) - size * (1.0 + moving)
        if saving <= 0.0:
            return np.iinfo(np.int64).max
        return max(self.gap_every, int(np.ceil(block_cost / saving)))

    def _solve_block(self, block, has_column, ws, l1_reg, l2_reg, positive, inner_tol,
                     max_epochs, shuffle_seed):
        """Covariance-update CD on ``ws`` with its Gram block; ``coef`` and ``xtr`` follow."""
        problem = self.problem
        factors = problem.penalty_factor
        w = self.coef[ws]
        q = self.xtr[ws]
        result = K.block_cd(block, has_column, problem.col_sqnorm[ws],
                            factors[ws] if factors.size else factors, l1_reg, l2_reg, positive,
                            w, q, problem.xty_of(ws), problem.y_sqnorm, max_epochs, inner_tol,
                            shuffle_seed, self.anderson)
        self.coef[ws] = w
        self.xtr[ws] = q
        return result

    def _solve_gram(self, ws, l1_reg, l2_reg, positive, inner_tol, max_epochs, tol,
                    shuffle_seed):
        """Covariance-update CD on ``ws``, computing Gram columns only for features that move.

        A column costs a pass over X, so it is computed when a feature is about to leave
        zero (glmnet's rule), in batches: each time, for every feature of ``ws`` whose
        correlation then exceeds its threshold.  The epochs run on the block of the cached
        columns gathered for ``ws``.
        """
        del tol  # the Gram gap costs O(|ws|): it is checked every epoch
        cache = self.gram_cache
        epochs = 0
        while True:
            self._ensure_columns(ws[self._moving(ws, l1_reg)])
            slots = cache.slot_of[ws]
            has_column = slots >= 0
            block = np.zeros((ws.size, ws.size), order="F")
            block[:, has_column] = cache.gram[np.ix_(ws, slots[has_column])]
            status, done, gap = self._solve_block(block, has_column, ws, l1_reg, l2_reg,
                                                  positive, inner_tol, max_epochs - epochs,
                                                  shuffle_seed)
            epochs += done
            if status != K.STATUS_NEEDS_GRAM_COLUMN:
                return status, epochs, gap

    def _ensure_columns(self, needed: np.ndarray) -> None:
        """Compute the missing Gram columns of ``needed``, padded with likely next entrants.

        Each batch reads X once whatever its size, so a batch of one column costs nearly as
        much as a batch of ``gram_batch``: missing columns are computed together with those
        of the features most correlated with the residual (the next to enter a path).
        """
        cache = self.gram_cache
        missing = needed[cache.slot_of[needed] < 0]
        if not missing.size:
            return
        pad = min(self.gram_batch - missing.size, self.problem.n_features - cache.count
                  - missing.size)
        if pad > 0:
            factors = self.problem.factors
            scores = np.full(factors.size, np.inf)  # unpenalized features enter first
            np.divide(np.abs(self.xtr), factors, out=scores, where=factors > 0)
            scores[cache.slot_of >= 0] = -np.inf
            scores[missing] = -np.inf
            likely = np.argpartition(scores, -pad)[-pad:]
            missing = np.concatenate([missing, likely[scores[likely] > -np.inf]])
        cache.ensure(missing.astype(np.int32))

    def _moving(self, ws, l1_reg) -> np.ndarray:
        """Mask of the features of ``ws`` that are non-zero or would leave zero now."""
        threshold = l1_reg * (self.problem.penalty_factor[ws]
                              if self.problem.penalty_factor.size else 1.0)
        return (self.coef[ws] != 0.0) | (np.abs(self.xtr[ws]) > threshold)


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

        warnings.warn(
            f"Coordinate descent did not converge at alpha={alpha:.6g} in {result.n_iter} "
            f"epochs: duality gap {result.dual_gap:.3e} > tolerance {result.gap_tol:.3e}. "
            "Increase max_iter, raise tol or scale the features.",
            ConvergenceWarning, stacklevel=3)


def solve(X, y, alpha: float, l1_ratio: float = 1.0, *, sample_weight=None,
          penalty_factor=None, positive: bool = False, fit_intercept: bool = True,
          coef_init=None, tol: float = 1e-4, max_iter: int = DEFAULT_MAX_ITER,
          precompute="auto", working_set: bool = True, screening: bool = True) -> SolveResult:
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
                           fit_intercept=check_bool(fit_intercept, "fit_intercept"))
    solver = CoordinateDescent(problem, precompute, coef_init, working_set=working_set,
                               screening=screening)
    result = solver.run(alpha, l1_ratio, positive=positive, tol=tol, max_iter=max_iter)
    warn_if_not_converged(result, alpha)
    return result
