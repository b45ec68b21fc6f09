"""Numba kernels: NumPy and Numba only, no validation, no warnings, no Python objects.

Layout: ``_jit`` (the one decorator), ``_primitives`` (the format-aware column operations),
``_linalg`` (whole-matrix operations on implicitly centered X), ``_gap`` (duality gap),
``_cd`` (residual-update coordinate descent), ``_gram`` (covariance-update coordinate descent).
"""

from ._cd import STATUS_CONVERGED, STATUS_MAX_ITER, residual_cd, residual_gap
from ._gram import gram_cd, gram_correlations
from ._linalg import column_stats, correlations, init_residual, weighted_sums
from ._primitives import CscMatrix, col_axpy, col_dot, col_moments

__all__ = [
    "STATUS_CONVERGED",
    "STATUS_MAX_ITER",
    "CscMatrix",
    "col_axpy",
    "col_dot",
    "col_moments",
    "column_stats",
    "correlations",
    "gram_cd",
    "gram_correlations",
    "init_residual",
    "residual_cd",
    "residual_gap",
    "weighted_sums",
]
