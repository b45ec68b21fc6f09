"""Penalties: what the user asks for (alpha, l1_ratio, penalty factors, bounds), turned
into the tuple the kernels take, plus the penalty's share of the outer loop's decisions
(alpha_max, the strong rule, which features can be screened).

The kernels' side (proximal step, value, conjugate, dual constraint, violation score) is in
``fastreg._kernels._penalty``.  See docs/architecture.md for how to add a penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _kernels as K

# The per-feature arrays of the kernels' penalty tuples (an empty one stays empty).
_PER_FEATURE_FIELDS = ("factors", "lower", "upper", "l2_factors")


def localized(penalty, take):
    """The kernels' penalty tuple with its per-feature arrays passed through ``take`` (a
    working set's view: ``WorkingColumns.take``, or an index)."""
    fields = {name: take(getattr(penalty, name)) for name in _PER_FEATURE_FIELDS
              if hasattr(penalty, name) and getattr(penalty, name).size}
    return penalty._replace(**fields) if fields else penalty


@dataclass(frozen=True, eq=False)
class ElasticNet:
    r"""``alpha (l1_ratio sum_j f_j |w_j| + (1 - l1_ratio) / 2 sum_j k_j w_j^2)`` subject to
    ``lower_j <= w_j <= upper_j`` (``positive`` is ``lower = 0``).

    ``factors`` is empty when every factor is 1 (the kernels then need not store them);
    ``f_j = 0`` leaves feature j unpenalized.  ``l2_factors`` (``k``) is empty when it
    equals ``factors``, as it does unless the fit is standardized.  ``lower`` / ``upper``
    are empty without a bound on that side; otherwise one value per feature,
    ``lower <= 0 <= upper``, infinite where a feature is unbounded.
    """

    factors: np.ndarray
    positive: bool = False
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))
    l2_factors: np.ndarray = field(default_factory=lambda: np.empty(0))

    def factor_array(self, n_features: int) -> np.ndarray:
        """The penalty factors as an array of ``n_features`` values."""
        return self.factors if self.factors.size else np.ones(n_features)

    def bound_arrays(self, n_features: int) -> tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)`` as arrays of ``n_features`` values (infinite where unbounded)."""
        lower = self.lower if self.lower.size else np.full(n_features,
                                                            0.0 if self.positive else -np.inf)
        upper = self.upper if self.upper.size else np.full(n_features, np.inf)
        return lower, upper

    def unpenalized(self) -> np.ndarray:
        """Indices of the features with ``f_j = 0``."""
        return np.flatnonzero(self.factors == 0.0).astype(np.int32)

    def all_penalized(self) -> bool:
        return bool((self.factors > 0).all())

    def bounded(self) -> bool:
        """Whether there are bounds other than ``positive`` (the kernels' ``BoxPenalty``)."""
        return bool(self.lower.size or self.upper.size)

    def kernel(self, alpha: float, l1_ratio: float, sum_weights: float
               ) -> K.ElasticNetPenalty | K.BoxPenalty:
        """The one place where the objective's scaling is converted for the kernels.

        The user's objective divides the loss by ``S = sum_i s_i``; the kernels minimise ``S``
        times it, so ``l1 = S alpha l1_ratio`` and ``l2 = S alpha (1 - l1_ratio)``.
        """
        scale = sum_weights * alpha
        l1, l2 = scale * l1_ratio, scale * (1.0 - l1_ratio)
        own_l2_factors = bool(self.l2_factors.size) and l2 > 0.0
        if self.bounded() or own_l2_factors:
            lower = self.lower
            if self.positive and not lower.size:
                lower = np.zeros(self.l2_factors.size)
            return K.BoxPenalty(l1, l2, self.factors, lower, self.upper,
                                self.l2_factors if own_l2_factors else np.empty(0))
        return K.ElasticNetPenalty(l1, l2, self.factors, bool(self.positive))

    def movable(self, xtr: np.ndarray) -> np.ndarray:
        """``max(u_j, -u_j)`` over the directions feature j can move from 0 (``u_j`` for the
        non-negative Lasso; ``-inf`` for a feature held at 0 by its bounds), as the kernels'
        ``movable_correlation``."""
        if not self.bounded():
            return np.maximum(xtr, 0.0) if self.positive else np.abs(xtr)
        lower, upper = self.bound_arrays(xtr.size)
        return np.maximum(np.where(upper > 0, xtr, -np.inf), np.where(lower < 0, -xtr, -np.inf))

    def alpha_max(self, xtr0: np.ndarray, l1_ratio: float, sum_weights: float) -> float:
        """Smallest alpha with an all-zero solution, from the correlations ``xtr0 = X_c^T r``
        at ``w = 0``: ``max_j |xtr0_j| / (S l1_ratio f_j)``.

        With bounds only the directions a coefficient can move from 0 count (a negative
        correlation cannot make a non-negative coefficient enter).
        """
        factors = self.factor_array(xtr0.size)
        penalized = factors > 0
        if l1_ratio <= 0.0 or not penalized.any():
            return np.inf
        ratios = np.maximum(self.movable(xtr0)[penalized], 0.0) / factors[penalized]
        return float(ratios.max() / (sum_weights * l1_ratio))

    def strong_features(self, xtr: np.ndarray, candidates: np.ndarray, l1: float,
                        previous_l1: float) -> np.ndarray:
        """The candidates the sequential strong rule (Tibshirani et al. 2012) expects to be
        active at ``l1``, from their correlations at the solution for ``previous_l1``:
        ``|x_j^T r| >= f_j (2 l1 - l1_previous)``."""
        threshold = 2 * l1 - previous_l1
        if self.factors.size:
            threshold = threshold * self.factors[candidates]
        return candidates[np.abs(xtr[candidates]) >= threshold]

    # What the outer loop asks of coefficients and correlations (one value per feature
    # here; the group penalty's are rows of a matrix).

    @staticmethod
    def active(coef: np.ndarray) -> np.ndarray:
        """Which features have a non-zero coefficient."""
        return coef != 0.0

    def violation_scores(self, penalty, col_sqnorm, xtr, coef, candidates, score) -> int:
        """The working-set ranking (``_screening.violation_scores``)."""
        return K.violation_scores(penalty, col_sqnorm, xtr, coef, candidates, score)

    def gap_safe_screen(self, col_sqnorm, penalty, scale, radius, xtr, coef, candidates,
                        dropped) -> tuple[int, int]:
        """The Gap Safe test (``_screening.gap_safe_screen``)."""
        return K.gap_safe_screen(col_sqnorm, penalty, scale, radius, xtr, coef, candidates,
                                 dropped)


@dataclass(frozen=True, eq=False)
class GroupElasticNet(ElasticNet):
    r"""The multi-task penalty ``alpha (l1_ratio sum_j f_j ||w_j||_2 + (1 - l1_ratio) / 2
    sum_j f_j ||w_j||_2^2)`` on the rows ``w_j = W[:, j]`` of the T x p coefficients (a
    feature is selected for every task or for none); bounds are not defined for it.

    Coefficients and correlations are T x p arrays; a feature's "correlation" in the rules
    below is the norm of its column of correlations.  The kernels are in
    ``fastreg._kernels._multitask``.
    """

    def kernel(self, alpha: float, l1_ratio: float, sum_weights: float
               ) -> K.GroupElasticNetPenalty:
        """As :meth:`ElasticNet.kernel`: ``l1 = S alpha l1_ratio``, ``l2 = S alpha (1 -
        l1_ratio)``."""
        scale = sum_weights * alpha
        return K.GroupElasticNetPenalty(scale * l1_ratio, scale * (1.0 - l1_ratio),
                                        self.factors)

    def alpha_max(self, xtr0: np.ndarray, l1_ratio: float, sum_weights: float) -> float:
        """``max_j ||X_c[:, j]^T S Y_c||_2 / (S l1_ratio f_j)``."""
        return super().alpha_max(np.linalg.norm(xtr0, axis=0), l1_ratio, sum_weights)

    def strong_features(self, xtr: np.ndarray, candidates: np.ndarray, l1: float,
                        previous_l1: float) -> np.ndarray:
        """The sequential strong rule on the rows: ``||x_j^T R|| >= f_j (2 l1 -
        l1_previous)`` (Tibshirani et al. 2012, section 5 for the group Lasso)."""
        norms = np.linalg.norm(xtr[:, candidates], axis=0)
        threshold = 2 * l1 - previous_l1
        if self.factors.size:
            threshold = threshold * self.factors[candidates]
        return candidates[norms >= threshold]

    @staticmethod
    def active(coef: np.ndarray) -> np.ndarray:
        return (coef != 0.0).any(axis=0)

    def violation_scores(self, penalty, col_sqnorm, xtr, coef, candidates, score) -> int:
        return K.group_violation_scores(penalty, col_sqnorm, xtr, coef, candidates, score)

    def gap_safe_screen(self, col_sqnorm, penalty, scale, radius, xtr, coef, candidates,
                        dropped) -> tuple[int, int]:
        return K.group_gap_safe_screen(col_sqnorm, penalty, scale, radius, xtr, coef,
                                       candidates, dropped)
