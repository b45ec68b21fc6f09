"""Tall data as a Dask array of row blocks: one pass over the blocks on the cluster, then the
engine solves on the Gram matrix on the client.

A least-squares fit needs X only through its weighted moments: ``sum s``, ``X^T s``,
``X^T S X``, ``X^T S y``, ``y^T s`` and ``y^T S y``.  Each row block computes its own
(:func:`block_moments`), Dask sums them in a tree, and the client receives ``p x p`` numbers
whatever ``n``.  Moments add and subtract, so the rows of a cross-validation fold made of whole
blocks have their own moments, the training rows theirs as the total minus the fold's, and
a test error is a quadratic form in the fold's moments: every fold of a CV costs the same
single pass.

The engine then fits a small problem with exactly the objective of the tall one
(:func:`moments_problem`): with the centered Gram ``G = V diag(lam) V^T`` and ``b = X_c^T S
y_c``, the rows ``Z = diag(sqrt(lam)) V^T`` and target ``t = diag(1/sqrt(lam)) V^T b``
(over the positive eigenvalues) give ``||t - Z w||^2 = ||y_c - X_c w||_S^2 - c`` with the
constant ``c = y_c^T S y_c - ||t||^2 >= 0``, and one more row (zero in Z, ``sqrt(c)`` in t)
restores the constant.  Its loss, null deviance and so the tolerance are the tall problem's;
the Gram matrix is given to the engine as it is, so covariance updates never recompute it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from numbers import Integral

import numpy as np

from ._engine import make_design
from ._engine.outer import Problem, make_problem


def is_dask_array(X) -> bool:
    """Whether ``X`` is a Dask array (without importing Dask when the caller has not)."""
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(X, module.Array)


@dataclass(frozen=True, eq=False)
class Moments:
    """Weighted moments of a set of rows about a fixed point ``(x_shift, y_shift)`` (one row
    of the data, the same for every block): ``weight = sum s``, ``x_sum = X'^T s``, ``y_sum =
    y'^T s``, ``y_sqsum = y'^T S y'``, ``cross = X'^T S X'`` and ``xy = X'^T S y'`` with ``X' =
    X - x_shift`` and ``y' = y - y_shift`` (float64).

    About a point near the data, centering the sums (``cross - S m' m'^T``) cancels nothing:
    the raw sums of a column whose mean is 1e6 times its spread lose 12 digits to it
    (Chan, Golub and LeVeque 1983).  Moments about the same point add and subtract.
    """

    weight: float
    x_sum: np.ndarray
    y_sum: float
    y_sqsum: float
    cross: np.ndarray
    xy: np.ndarray
    x_shift: np.ndarray
    y_shift: float

    def __add__(self, other: Moments) -> Moments:
        return Moments(*(a + b for a, b in zip(self._fields(), other._fields(), strict=True)),
                       self.x_shift, self.y_shift)

    def __sub__(self, other: Moments) -> Moments:
        return Moments(*(a - b for a, b in zip(self._fields(), other._fields(), strict=True)),
                       self.x_shift, self.y_shift)

    def _fields(self) -> tuple:
        return self.weight, self.x_sum, self.y_sum, self.y_sqsum, self.cross, self.xy

    def centered(self, fit_intercept: bool):
        """``(gram, xty, yty, x_mean, y_mean)`` of the rows centered by their weighted means
        (not centered without an intercept, whose moments are taken about 0; the means are
        then 0)."""
        if not self.weight > 0:
            raise ValueError("sample_weight must have a positive sum, but every weight is "
                             "zero.")
        if not fit_intercept:
            return (self.cross, self.xy, self.y_sqsum, np.zeros_like(self.x_sum), 0.0)
        x_offset, y_offset = self.x_sum / self.weight, self.y_sum / self.weight
        gram = self.cross - self.weight * np.outer(x_offset, x_offset)
        xty = self.xy - self.weight * x_offset * y_offset
        yty = max(self.y_sqsum - self.weight * y_offset * y_offset, 0.0)
        return gram, xty, yty, self.x_shift + x_offset, self.y_shift + y_offset

    def squared_error(self, coef: np.ndarray, intercept: float) -> float:
        """``sum_i s_i (y_i - x_i w - b)^2`` over these rows, from the moments alone (about
        the shift, where the intercept is ``b + x_shift . w - y_shift``)."""
        b = intercept + float(self.x_shift @ coef) - self.y_shift
        return float(self.y_sqsum - 2.0 * (coef @ self.xy) - 2.0 * b * self.y_sum
                     + coef @ self.cross @ coef + 2.0 * b * (coef @ self.x_sum)
                     + b * b * self.weight)


def block_moments(X_block, y_block, w_block, x_shift, y_shift) -> Moments:
    """The moments of one block of rows about ``(x_shift, y_shift)`` (NumPy arrays;
    ``w_block`` None for unit weights)."""
    X = np.asarray(X_block, dtype=np.float64) - x_shift
    y = np.asarray(y_block, dtype=np.float64) - y_shift
    w = np.ones(y.shape[0]) if w_block is None else np.asarray(w_block, dtype=np.float64)
    weighted = X * w[:, None]
    return Moments(float(w.sum()), weighted.sum(axis=0), float(w @ y), float(w @ (y * y)),
                   X.T @ weighted, weighted.T @ y, x_shift, y_shift)


def _tree_sum(items: list):
    """The sum of delayed Moments, added pairwise so that no task gathers them all."""
    from dask import delayed

    while len(items) > 1:
        pairs = [delayed(lambda a, b: a + b, pure=True)(items[k], items[k + 1])
                 for k in range(0, len(items) - 1, 2)]
        items = pairs + ([items[-1]] if len(items) % 2 else [])
    return items[0]


def _rows_like(values, chunks, name: str):
    """``values`` (NumPy or Dask, 1-D) as a Dask array with X's row blocks."""
    import dask.array as da

    if not is_dask_array(values):
        values = np.asarray(values)
    if values.ndim != 1 or values.shape[0] != sum(chunks):
        raise ValueError(f"{name} must have shape ({sum(chunks)},) for X's {sum(chunks)} rows, "
                         f"got shape {values.shape}.")
    if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype,
                                                                   np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {values.dtype}.")
    if is_dask_array(values):
        return values.rechunk((chunks,))
    return da.from_array(values, chunks=(chunks,))


def check_dask_input(X, y, sample_weight):
    """Check a Dask X (2-D, real numbers, rows in blocks) and line ``y`` and the weights up
    with its row blocks.  Returns ``(X, y, sample_weight)`` as Dask arrays (weights None)."""
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D Dask array, got {X.ndim} dimensions.")
    if X.dtype.kind not in "biuf":  # booleans count as 0/1, as in memory
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}.")
    if any(np.isnan(size) for size in X.shape):
        raise ValueError("X must have known row-block sizes (call X.compute_chunk_sizes()).")
    if y is None:
        raise ValueError("y is required.")
    X = X.rechunk({1: -1})  # one block per row range: a block's moments need all its columns
    rows = X.chunks[0]
    y = _rows_like(y, rows, "y")
    if sample_weight is not None:
        sample_weight = _rows_like(sample_weight, rows, "sample_weight")
    return X, y, sample_weight


def coef_dtype(X) -> np.dtype:
    """The coefficients' dtype for a Dask X: its float32 or float64 in native byte order, as
    in memory (float64 for anything else)."""
    dtype = X.dtype if X.dtype.isnative else X.dtype.newbyteorder("=")
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)


def rows_for_folds(X, cv):
    """X without empty row blocks (filtering a Dask array leaves them), and with at least as
    many blocks as ``cv`` asks for folds (rows split evenly then, as in memory any number of
    folds up to the rows is taken)."""
    n_folds = 5 if cv is None else cv
    sizes = [size for size in X.chunks[0] if size > 0]
    if isinstance(n_folds, Integral) and not isinstance(n_folds, bool) and (
            2 <= n_folds <= X.shape[0] and len(sizes) < n_folds):
        sizes = [part.size for part in np.array_split(np.arange(X.shape[0]), n_folds)]
    if tuple(sizes) != X.chunks[0] and sizes:
        X = X.rechunk({0: tuple(sizes)})
    return X


def group_moments(X, y, sample_weight, groups: list[np.ndarray], centered: bool = True
                  ) -> list[Moments]:
    """The moments of each group of row blocks (``groups``: lists of block indices), computed
    in one pass over X on the cluster (or Dask's local scheduler), about X's and y's first
    row for ``centered`` moments (:class:`Moments`), else about 0.  Raises ``ValueError``
    for non-finite data or negative weights, found in that pass."""
    import dask
    from dask import delayed

    x_shift, y_shift = (dask.compute(X[0], y[0]) if centered and X.shape[0]
                        else (np.zeros(X.shape[1]), 0.0))
    x_shift = np.nan_to_num(np.asarray(x_shift, dtype=np.float64), posinf=0.0, neginf=0.0)
    y_shift = float(np.nan_to_num(np.float64(y_shift), posinf=0.0, neginf=0.0))
    X_blocks = X.to_delayed()[:, 0]
    y_blocks = y.to_delayed()
    w_blocks = (sample_weight.to_delayed() if sample_weight is not None
                else [None] * len(y_blocks))
    per_block = [delayed(block_moments, pure=True)(xb, yb, wb, x_shift, y_shift)
                 for xb, yb, wb in zip(X_blocks, y_blocks, w_blocks, strict=True)]
    totals = dask.compute(*[_tree_sum([per_block[k] for k in group]) for group in groups])
    for moments in totals:
        if not all(np.isfinite(value).all() for value in moments._fields()):
            raise ValueError("X, y or sample_weight contains NaN or infinity (or overflows "
                             "float64 in X^T X).")
    return list(totals)


def check_negative_weights(sample_weight) -> None:
    if sample_weight is not None and bool((sample_weight < 0).any().compute()):
        raise ValueError("sample_weight must be non-negative.")


def block_folds(n_blocks: int, cv) -> list[np.ndarray]:
    """Contiguous groups of whole row blocks as CV folds (``cv`` a number of folds, None for
    5): scikit-learn's ``KFold`` over the blocks."""
    n_folds = 5 if cv is None else cv
    if not isinstance(n_folds, Integral) or isinstance(n_folds, bool):
        raise ValueError("cv must be a number of folds for a Dask array (folds are made of "
                         f"whole row blocks), got {cv!r}.")
    if n_folds < 2 or n_folds > n_blocks:
        raise ValueError(f"cv must be between 2 and X's {n_blocks} row blocks (each fold is "
                         f"made of whole blocks), got {n_folds}.")
    return np.array_split(np.arange(n_blocks), n_folds)


def moments_problem(moments: Moments, *, fit_intercept: bool, penalty_factor=None,
                    lower_bounds=None, upper_bounds=None, standardize: bool = False
                    ) -> tuple[Problem, np.ndarray, float]:
    """The engine's problem with the objective of the rows whose ``moments`` are given (see
    the module docstring), and the means ``(x_mean, y_mean)`` that give the intercept,
    ``b = y_mean - x_mean^T w``."""
    gram, xty, yty, x_mean, y_mean = moments.centered(fit_intercept)
    eigenvalues, vectors = np.linalg.eigh(gram)
    top = max(float(eigenvalues[-1]), 0.0)
    keep = eigenvalues > top * gram.shape[0] * np.finfo(np.float64).eps
    root = np.sqrt(eigenvalues[keep])
    rows = root[:, None] * vectors[:, keep].T
    target = (vectors[:, keep].T @ xty) / root
    rest = max(yty - float(target @ target), 0.0)
    n_rows = rows.shape[0] + 1
    # Rows of weight S / n_rows scaled by sqrt(n_rows / S): the same sums, and the same S.
    scale = np.sqrt(n_rows / moments.weight)
    Z = np.asfortranarray(np.vstack([rows, np.zeros((1, gram.shape[0]))]) * scale)
    t = np.append(target, np.sqrt(rest)) * scale
    weights = np.full(n_rows, moments.weight / n_rows)
    design = make_design(Z, sample_weight=weights, fit_intercept=False)
    design = replace(design, gram=np.asfortranarray(gram))
    problem = make_problem(Z, t, sample_weight=weights, penalty_factor=penalty_factor,
                           lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                           standardize=standardize, design=design)
    return problem, x_mean, y_mean
