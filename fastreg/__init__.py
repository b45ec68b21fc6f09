"""fastreg: fast Lasso, Elastic Net, Ridge and sparse logistic regression with a Numba
coordinate-descent engine.

Estimators follow scikit-learn (:class:`Lasso`, :class:`ElasticNet`, :class:`Ridge`, the
multi-task :class:`MultiTaskLasso` and :class:`MultiTaskElasticNet`), paths
its path functions (:func:`lasso_path`, :func:`enet_path`), and :func:`solve` is the low-level
entry point for other libraries.

Names are imported on first use (PEP 562), so ``import fastreg`` costs almost nothing: Numba,
SciPy and scikit-learn load only when a solver or an estimator is first touched.
"""

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0.dev0"

# Public name -> the module that defines it.
_EXPORTS = {
    "AdaptiveLasso": ".twostage",
    "AdaptiveLassoCV": ".twostage",
    "ElasticNet": "._estimators",
    "ElasticNetCV": ".cv",
    "LassoCV": ".cv",
    "LassoIC": ".selection",
    "RidgeCV": ".cv",
    "StabilitySelection": ".selection",
    "Lasso": "._estimators",
    "LogisticRegression": "._classifiers",
    "LogisticRegressionCV": "._classifiers",
    "LogisticRegressionIC": ".selection",
    "MultiTaskElasticNet": "._estimators",
    "MultiTaskElasticNetCV": ".cv",
    "MultiTaskLasso": "._estimators",
    "MultiTaskLassoCV": ".cv",
    "RelaxedLasso": ".twostage",
    "RelaxedLassoCV": ".twostage",
    "Ridge": "._estimators",
    "SolveResult": "._solver",
    "solve": "._solver",
    "enet_path": ".path",
    "iter_enet_path": ".path",
    "iter_logistic_path": ".path",
    "logistic_path": ".path",
    "lasso_path": ".path",
    "plot_cv": ".plotting",
    "plot_path": ".plotting",
    "plot_stability": ".plotting",
    "warmup": "._warmup",
}

__all__ = [
    "AdaptiveLasso",
    "AdaptiveLassoCV",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LassoIC",
    "LogisticRegression",
    "LogisticRegressionCV",
    "LogisticRegressionIC",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "RelaxedLasso",
    "RelaxedLassoCV",
    "Ridge",
    "RidgeCV",
    "SolveResult",
    "StabilitySelection",
    "__version__",
    "enet_path",
    "iter_enet_path",
    "iter_logistic_path",
    "lasso_path",
    "logistic_path",
    "plot_cv",
    "plot_path",
    "plot_stability",
    "solve",
    "warmup",
]

if TYPE_CHECKING:
    from ._classifiers import LogisticRegression, LogisticRegressionCV
    from ._estimators import ElasticNet, Lasso, MultiTaskElasticNet, MultiTaskLasso, Ridge
    from ._solver import SolveResult, solve
    from ._warmup import warmup
    from .cv import ElasticNetCV, LassoCV, MultiTaskElasticNetCV, MultiTaskLassoCV, RidgeCV
    from .path import (
        enet_path,
        iter_enet_path,
        iter_logistic_path,
        lasso_path,
        logistic_path,
    )
    from .plotting import plot_cv, plot_path, plot_stability
    from .selection import LassoIC, LogisticRegressionIC, StabilitySelection
    from .twostage import AdaptiveLasso, AdaptiveLassoCV, RelaxedLasso, RelaxedLassoCV


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'fastreg' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted([*globals(), *_EXPORTS])
