"""Ridge regression engine: direct (Cholesky, eigen) and conjugate-gradient solvers.

This module is the engine layer for ``l1_ratio = 0``. It takes canonical inputs (the
estimator validates user input) and returns a :class:`RidgeResult`. It follows
scikit-learn's ``Ridge`` parametrization, which is *not* divided by the number of samples:

.. math::

    \\min_{w, b} \\; \\sum_i s_i (y_i - x_i^T w - b)^2 + \\alpha \\lVert w \\rVert_2^2 .

Coordinate descent would be the slow way to solve this quadratic problem, so it is solved
by linear algebra on the smaller of the Gram matrix (``p x p``) and the kernel matrix
(``n x n``), or by conjugate gradients on an implicit operator for sparse data.

The design rule of the engine holds here too: ``X`` is never copied, densified or
modified, and its dtype is kept (float32 in, float32 coefficients out). Centering for the
intercept is applied to the small matrices and inside the implicit operator, never by
forming a centered copy of ``X``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from . import _kernels as K
from ._engine import make_design

__all__ = ["RidgeResult", "ridge_solve"]

_SOLVERS = ("auto", "cholesky", "eigen", "cg")

# Upper bound on the number of elements of any temporary block built from X (row blocks of
# X * s, densified column blocks of a sparse X): 2**18 elements are 2 MB in float64, big
# enough for efficient BLAS / sparse-times-dense products, small next to X itself.
_BLOCK_ELEMENTS = 1 << 18


@dataclass(frozen=True, eq=False)
class RidgeResult:
    """Result of :func:`ridge_solve`.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, in the dtype of ``X``; one row per target when ``y`` is 2-D, as
        scikit-learn's ``Ridge.coef_``.
    intercept : float or ndarray of shape (n_targets,)
        Intercept (``0.0`` or zeros when ``fit_intercept=False``).
    n_iter : ndarray of shape (n_targets,) or None
        Conjugate-gradient iterations per target; ``None`` for the direct solvers.
    solver : str
        The solver that produced the result: ``"cholesky"``, ``"eigen"`` or ``"cg"``.
        A Cholesky solve on a (numerically) singular system falls back to the eigen
        solver and reports ``"eigen"``.
    converged : bool
        False when conjugate gradients stopped at ``max_iter`` before reaching ``tol`` for
        at least one target. Always True for the direct solvers.
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    n_iter: np.ndarray | None
    solver: str
    converged: bool = True


def ridge_solve(
    X: np.ndarray | scipy.sparse.spmatrix | scipy.sparse.sparray,
    y: np.ndarray,
    alpha: float | np.ndarray,
    *,
    sample_weight: np.ndarray | None = None,
    fit_intercept: bool = True,
    solver: str = "auto",
    tol: float = 1e-4,
    max_iter: int | None = None,
) -> RidgeResult:
    r"""Solve a (weighted) ridge regression problem.

    Minimizes, for each target column of ``y`` with its own ``alpha``,

    .. math::

        \sum_{i=1}^n s_i (y_i - x_i^T w - b)^2 + \alpha \lVert w \rVert_2^2 ,

    the objective of scikit-learn's ``Ridge`` (not divided by ``n``).

    With ``S = diag(s)``, total weight :math:`S_{tot} = \sum_i s_i`, weighted means
    :math:`\bar x = X^T s / S_{tot}`, :math:`\bar y = s^T y / S_{tot}` and the centered data
    :math:`X_c = X - 1 \bar x^T`, :math:`y_c = y - \bar y` (only when ``fit_intercept``),
    the intercept is :math:`b = \bar y - \bar x^T w` and ``w`` solves the **normal
    equations** (primal form, a ``p x p`` system)

    .. math::

        (X_c^T S X_c + \alpha I_p)\, w = X_c^T S y_c ,

    or equivalently the **dual (kernel) form** (an ``n x n`` system), with
    :math:`Z = S^{1/2} X_c`,

    .. math::

        w = Z^T (Z Z^T + \alpha I_n)^{-1} S^{1/2} y_c ,
        \qquad Z Z^T = S^{1/2} X_c X_c^T S^{1/2} .

    The direct solvers use the primal form when ``n >= p`` and the dual form otherwise.
    Products with the centered data use :math:`X_c^T u = X^T u - \bar x (1^T u)`. The
    small matrices :math:`X_c^T S X_c` and :math:`X_c X_c^T` are accumulated from centered
    blocks of a bounded number of rows (or columns) of ``X``: the shortcut
    :math:`X^T S X - S_{tot} \bar x \bar x^T` would lose about
    :math:`2 \log_{10}(\text{mean}/\text{std})` digits of the columns to cancellation,
    which float32 data cannot afford. ``X`` itself is never centered, copied or densified.

    Parameters
    ----------
    X : ndarray or scipy.sparse CSC matrix/array of shape (n_samples, n_features)
        Canonical design matrix: float32 or float64, dense (C or F order) or CSC. It is
        never copied, densified or modified.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Targets; cast to the dtype of ``X`` if needed (the caller's array is not modified).
    alpha : float or ndarray of shape (n_targets,)
        Non-negative L2 penalty strength, one value per target or one for all.
    sample_weight : ndarray of shape (n_samples,), default=None
        Non-negative sample weights ``s``; ``None`` means all ones.
    fit_intercept : bool, default=True
        Whether to fit an unpenalized intercept ``b``.
    solver : {"auto", "cholesky", "eigen", "cg"}, default="auto"
        ``"cholesky"``: Cholesky factorization of the primal or dual system, one per
        distinct alpha; falls back to ``"eigen"`` if the system is numerically singular
        (e.g. ``alpha = 0`` on rank-deficient data), giving the minimum-norm solution.
        ``"eigen"``: eigendecomposition of the centered Gram or kernel matrix, shared by
        all targets and alphas. ``"cg"``: conjugate gradients on the primal system, applied
        implicitly through products with ``X`` and ``X^T`` (sparse ``X`` stays sparse).
        ``"auto"``: ``"cholesky"`` for dense ``X``, ``"cg"`` for sparse ``X``. The direct
        solvers accept sparse ``X`` too, forming the small matrix block by block.
    tol : float, default=1e-4
        Relative residual tolerance of conjugate gradients (``rtol`` of
        :func:`scipy.sparse.linalg.cg`); ignored by the direct solvers.
    max_iter : int, default=None
        Maximum conjugate-gradient iterations per target (``None``: SciPy's default,
        ``10 * n_features``); ignored by the direct solvers.

    Returns
    -------
    RidgeResult
        Coefficients (shape ``(p,)`` for 1-D ``y``, ``(k, p)`` for 2-D ``y``), intercept,
        CG iteration counts and the solver used.
    """
    if solver not in _SOLVERS:
        raise ValueError(f"solver must be one of {_SOLVERS}, got {solver!r}")
    is_sparse = scipy.sparse.issparse(X)
    dtype = X.dtype
    assert dtype in (np.float32, np.float64), "X must be float32 or float64"
    assert X.ndim == 2
    if is_sparse:
        assert X.format == "csc", "sparse X must be CSC"
    else:
        assert isinstance(X, np.ndarray)
    n, p = X.shape

    # asarray does not copy when the dtype already matches; nothing below writes into y.
    y = np.asarray(y, dtype=dtype)
    assert y.ndim in (1, 2) and y.shape[0] == n
    one_target = y.ndim == 1
    Y = y.reshape(n, -1)
    k = Y.shape[1]

    alphas = np.asarray(alpha, dtype=np.float64)
    alphas = np.full(k, float(alphas)) if alphas.ndim == 0 else alphas.ravel()
    assert alphas.shape == (k,), "alpha must be a scalar or have one value per target"
    assert np.all(alphas >= 0)

    weighted = sample_weight is not None
    if weighted:
        s = np.asarray(sample_weight, dtype=dtype)
        assert s.shape == (n,) and np.all(s >= 0)
    else:
        s = np.ones(n, dtype=dtype)
    s_tot = float(s.sum(dtype=np.float64))

    # Weighted means, in float64 by the engine's shifted sums (exact when a mean is 1e8 times
    # its column's spread); they never multiply X as a whole (a float64 vector times a float32
    # X would make NumPy cast all of X).
    if fit_intercept:
        xbar = weighted_means(X, s if weighted else None)
        ybar = (s.astype(np.float64) @ Y.astype(np.float64)) / s_tot
    else:
        xbar = np.zeros(p)
        ybar = np.zeros(k)
    # y_c = y - ybar is y-sized, not X-sized: forming it is fine.
    Yc = (Y - ybar).astype(dtype, copy=False)

    if solver == "auto":
        solver = "cg" if is_sparse else "cholesky"

    n_iter = None
    converged = True
    if solver == "cg":
        W, n_iter, converged = _solve_cg(X, Yc, s if weighted else None, fit_intercept, alphas,
                                         tol, max_iter)
    elif n >= p:
        # Primal: (X_c^T S X_c + alpha I) w = X_c^T S y_c.
        A = _gram(X, s, xbar, weighted)
        B = _centered_rmatvec(X, s[:, None] * Yc, xbar)
        W, solver = _solve_direct(A, B, alphas, solver, dtype)
    else:
        # Dual: d = (Z Z^T + alpha I)^{-1} S^{1/2} y_c, w = X_c^T S^{1/2} d.
        K = _kernel(X, xbar)
        r = np.sqrt(s.astype(np.float64))
        if weighted:
            K *= r[:, None]
            K *= r[None, :]
        T = r[:, None] * Yc
        D, solver = _solve_direct(K, T, alphas, solver, dtype)
        W = _centered_rmatvec(X, r[:, None] * D, xbar)

    # W has shape (p, k); sklearn's coef_ is (k, p).  The intercept goes with the coefficients
    # as returned (rounded to X's dtype); without one, xbar and ybar are 0.
    coef = np.ascontiguousarray(W.T, dtype=dtype)
    intercept = ybar - coef.astype(np.float64) @ xbar
    if one_target:
        return RidgeResult(coef[0], float(intercept[0]), n_iter, solver, converged)
    return RidgeResult(coef, intercept.astype(dtype), n_iter, solver, converged)


def weighted_means(X, sample_weight) -> np.ndarray:
    """X's weighted column means in float64, by the engine's two passes over each column
    (accumulated in float64 without casting X)."""
    return make_design(X, sample_weight=sample_weight, fit_intercept=True).x_mean


def _centered_block(block, xbar) -> np.ndarray:
    """``block - xbar`` in the block's dtype, the difference taken in float64 (a float32 mean
    of 1e8 is off by up to 4, more than such a column's spread)."""
    return (block - xbar).astype(block.dtype, copy=False)


def _centered_rmatvec(X, U: np.ndarray, xbar: np.ndarray) -> np.ndarray:
    """Return ``X_c^T U = X^T U - xbar (1^T U)`` in float64, shape (p, k).

    For dense X the product is taken over centered row blocks (bounded temporaries), which
    avoids the cancellation of the two terms for columns with large means; for sparse X,
    where a centered block would be dense, the two terms are formed separately.
    """
    U = np.asarray(U, dtype=X.dtype)
    if scipy.sparse.issparse(X) or not np.any(xbar):
        return (X.T @ U).astype(np.float64) - np.outer(xbar, U.sum(axis=0, dtype=np.float64))
    n, p = X.shape
    out = np.zeros((p, U.shape[1]))
    step = max(1, _BLOCK_ELEMENTS // max(p, 1))
    for i0 in range(0, n, step):
        out += _centered_block(X[i0 : i0 + step], xbar).T @ U[i0 : i0 + step]
    return out


def _gram(X, s: np.ndarray, xbar: np.ndarray, weighted: bool) -> np.ndarray:
    """Return the centered weighted Gram matrix ``X_c^T S X_c`` in float64, shape (p, p).

    Centering is applied to bounded blocks, not to the p x p result: the identity
    ``X_c^T S X_c = X^T S X - S_tot xbar xbar^T`` cancels about ``2 log10(mean / std)``
    digits of the columns, which float32 data with large column means cannot spare.
    No temporary larger than ``_BLOCK_ELEMENTS`` entries (or 16 rows) is built from X.
    """
    n, p = X.shape
    centered = bool(np.any(xbar))
    if scipy.sparse.issparse(X):
        # Column blocks: G[:, J] = X_c^T S B_c with B_c = X_c[:, J] densified and centered.
        # X_c^T v = X^T v - xbar (1^T v), and 1^T S B_c = 0 up to rounding.
        G = np.empty((p, p))
        step = max(1, _BLOCK_ELEMENTS // max(n, 1))
        for j0 in range(0, p, step):
            j1 = min(p, j0 + step)
            B = X[:, j0:j1].toarray()
            if centered:
                B = _centered_block(B, xbar[j0:j1])
            if weighted:
                B *= s[:, None]
            G[:, j0:j1] = X.T @ B
            if centered:
                G[:, j0:j1] -= np.outer(xbar, B.sum(axis=0, dtype=np.float64))
        return G
    if not weighted and not centered:
        # X.T @ X on the same buffer: NumPy's matmul uses a symmetric rank-k update.
        return (X.T @ X).astype(np.float64)
    # Row blocks: X_c^T S X_c = sum_b C_b^T C_b with C_b = sqrt(s_b) (X_b - xbar), a bounded
    # temporary in X's dtype; the sum is accumulated in float64.
    G = np.zeros((p, p))
    r = np.sqrt(s) if weighted else None
    step = max(16, _BLOCK_ELEMENTS // max(p, 1))
    for i0 in range(0, n, step):
        C = _centered_block(X[i0 : i0 + step], xbar)
        if weighted:
            C *= r[i0 : i0 + step, None]
        G += C.T @ C
    return G


def _kernel(X, xbar: np.ndarray) -> np.ndarray:
    """Return the centered, unweighted kernel matrix ``X_c X_c^T`` in float64, (n, n).

    As in :func:`_gram`, centering is applied to bounded blocks of X rather than to the
    n x n result; weights are applied afterwards to this small matrix.
    """
    n, p = X.shape
    centered = bool(np.any(xbar))
    if scipy.sparse.issparse(X):
        # Column blocks of K: K[:, I] = X_c R_c^T with R_c = X_c[I, :] densified, and
        # X_c v = X v - (xbar . v) 1.
        K = np.empty((n, n))
        step = max(1, _BLOCK_ELEMENTS // max(p, 1))
        for i0 in range(0, n, step):
            i1 = min(n, i0 + step)
            # Fortran order makes R.T C-contiguous, so the product does not copy it again.
            R = X[i0:i1, :].toarray(order="F")
            if centered:
                R = np.asfortranarray(_centered_block(R, xbar))
            K[:, i0:i1] = X @ R.T
            if centered:
                K[:, i0:i1] -= R.astype(np.float64) @ xbar
        return K
    if not centered:
        return (X @ X.T).astype(np.float64)
    # Column blocks: X_c X_c^T = sum_J C_J C_J^T with C_J = X[:, J] - xbar_J.
    K = np.zeros((n, n))
    step = max(16, _BLOCK_ELEMENTS // max(n, 1))
    for j0 in range(0, p, step):
        C = _centered_block(X[:, j0 : j0 + step], xbar[j0 : j0 + step])
        K += C @ C.T
    return K


def _solve_direct(
    A: np.ndarray, B: np.ndarray, alphas: np.ndarray, solver: str, dtype
) -> tuple[np.ndarray, str]:
    """Solve ``(A + alpha_j I) x_j = B[:, j]`` for each target ``j``; A is PSD, float64.

    Returns the solutions (float64, shape of ``B``) and the solver actually used.
    ``A`` may be overwritten.
    """
    B = np.asarray(B, dtype=np.float64)
    if solver == "cholesky":
        X = np.empty_like(B)
        diag = np.arange(A.shape[0])
        # One factorization per distinct alpha (usually a single one for all targets).
        for a in np.unique(alphas):
            cols = np.flatnonzero(alphas == a)
            M = A.copy()
            M[diag, diag] += a
            factor = _cholesky(M, dtype)
            if factor is None:
                return _solve_eigen(A, B, alphas, dtype), "eigen"
            X[:, cols] = scipy.linalg.cho_solve(factor, B[:, cols], check_finite=False)
        return X, "cholesky"
    return _solve_eigen(A, B, alphas, dtype), "eigen"


def _cholesky(M: np.ndarray, dtype) -> tuple[np.ndarray, bool] | None:
    """Cholesky factor of ``M`` for ``cho_solve``, or None if M is numerically singular.

    A factorization can succeed on a singular matrix thanks to rounding and then give
    huge, meaningless coefficients, so the reciprocal condition number is estimated from
    the factor (LAPACK ``pocon``, O(d^2)) and compared with the precision of X's dtype.
    """
    d = M.shape[0]
    anorm = float(np.abs(M).sum(axis=0).max()) if d else 0.0
    try:
        c, lower = scipy.linalg.cho_factor(M, lower=False, overwrite_a=True, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    if d == 0:
        return c, lower
    (pocon,) = scipy.linalg.lapack.get_lapack_funcs(("pocon",), (c,))
    rcond, info = pocon(c, anorm, uplo="U")
    if info != 0 or not rcond > d * np.finfo(dtype).eps:
        return None
    return c, lower


def _solve_eigen(A: np.ndarray, B: np.ndarray, alphas: np.ndarray, dtype) -> np.ndarray:
    """Solve through ``A = Q diag(lam) Q^T``: ``x_j = Q diag(1 / (lam + alpha_j)) Q^T b_j``.

    One decomposition serves every target and alpha. Eigenvalues of ``A + alpha I`` below
    the noise level of X's dtype are treated as zero (pseudo-inverse), so a singular system
    (``alpha = 0`` on rank-deficient data) yields the minimum-norm solution.
    """
    lam, Q = scipy.linalg.eigh(A, check_finite=False)
    d = A.shape[0]
    cutoff = max(float(lam[-1]) if d else 0.0, 0.0) * max(d, 1) * np.finfo(dtype).eps
    shifted = lam[:, None] + alphas[None, :]
    big = shifted > cutoff
    inv = np.divide(1.0, shifted, out=np.zeros_like(shifted), where=big)
    return Q @ ((Q.T @ B) * inv)


def _solve_cg(X, Yc: np.ndarray, sample_weight, fit_intercept: bool, alphas: np.ndarray,
              tol: float, max_iter: int | None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Conjugate gradients on ``(X_c^T S X_c + alpha I) w = X_c^T S y_c``, one per target.

    The operator is applied by the engine's column kernels (``fastreg._engine.Design``): X
    is centered value by value where that costs nothing and implicitly elsewhere, products
    accumulate in float64 whatever X's dtype, and a sparse X is neither centered nor
    densified (scipy's float32 products lost 1e-3 relative on a column of mean 1e4).
    """
    design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
    n, p = X.shape
    k = Yc.shape[1]
    W = np.empty((p, k))
    n_iter = np.zeros(k, dtype=np.intp)
    converged = True
    features = design.all_features()
    B = np.empty((p, k))
    for j in range(k):
        design.correlations(np.asarray(Yc[:, j], dtype=np.float64), 0.0, 0.0, features,
                            B[:, j])
    z = np.empty(n)

    def apply(v, out):
        """``out = X_c^T S X_c v``."""
        z[:] = 0.0
        K.add_columns(design.X_kernel, features, v, design.x_mean, z)
        offset = -K.implicit_offset(design.X_kernel, design.x_mean, v)
        design.correlations(z, offset, 0.0, features, out)

    for j in range(k):
        alpha = float(alphas[j])

        def matvec(v, alpha=alpha):
            v = np.ascontiguousarray(np.ravel(v), dtype=np.float64)
            out = np.empty(p)
            apply(v, out)
            out += alpha * v
            return out

        op = scipy.sparse.linalg.LinearOperator((p, p), matvec=matvec, dtype=np.float64)
        count = [0]

        def callback(_xk, count=count):
            count[0] += 1

        w, info = scipy.sparse.linalg.cg(
            op, B[:, j], rtol=tol, maxiter=max_iter, callback=callback
        )
        if info < 0:  # pragma: no cover - breakdown is not expected on a PSD operator
            raise RuntimeError(f"conjugate gradients broke down (info={info})")
        converged = converged and bool(info == 0)
        W[:, j] = w
        n_iter[j] = count[0]
    return W, n_iter, converged
