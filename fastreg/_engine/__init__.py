"""The engine between validated data and the Numba kernels (see docs/architecture.md).

``data`` (X made canonical, the passes over it, Gram columns and blocks), ``datafits`` (least
squares, logistic), ``penalties`` (the Elastic Net with factors and ``positive``),
``solvers`` (the inner solvers, one per datafit and state) and ``outer`` (the one outer loop:
working sets, screening, strong rules, warm starts, the certificate).
"""

from .data import Design, gram_columns, make_design
from .outer import (
    DEFAULT_MAX_ITER,
    Problem,
    Solver,
    SolveResult,
    check_precompute,
    choose_mode,
    make_problem,
)

__all__ = [
    "DEFAULT_MAX_ITER",
    "Design",
    "Problem",
    "SolveResult",
    "Solver",
    "check_precompute",
    "choose_mode",
    "gram_columns",
    "make_design",
    "make_problem",
]
