"""fastreg: fast Lasso, Elastic Net and Ridge regression with a Numba coordinate-descent engine.

Estimators follow scikit-learn (:class:`Lasso`, :class:`ElasticNet`, :class:`Ridge`), paths
its path functions (:func:`lasso_path`, :func:`enet_path`), and :func:`solve` is the low-level
entry point for other libraries.
"""

from ._estimators import ElasticNet, Lasso, Ridge
from ._solver import SolveResult, solve
from ._warmup import warmup
from .path import enet_path, lasso_path

__version__ = "0.1.0.dev0"

__all__ = [
    "ElasticNet",
    "Lasso",
    "Ridge",
    "SolveResult",
    "enet_path",
    "lasso_path",
    "solve",
    "warmup",
    "__version__",
]
