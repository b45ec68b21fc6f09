"""Datafits: the loss's side of a problem, in the kernels' scaling (sums over samples).

A datafit holds the target as the kernels take it and what follows from it alone: the
null model (its deviance scales the tolerance), the correlations at ``w = 0`` (alpha_max),
the intercept, and the radius of the Gap Safe ball.  Its state along a fit (a residual, a
linear predictor) lives in the inner solvers of ``fastreg._engine.solvers``, which pair with
one datafit each.  See docs/architecture.md for how to add a datafit.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .. import _kernels as K
from .._validation import check_target
from .data import Design


class Quadratic:
    """``1/2 sum_i s_i (y_i - x_i^T w - b)^2``.

    With an intercept, y is centered and X is centered implicitly (``Design.x_mean``), so the
    intercept is profiled out: ``b = ybar - x_mean^T w``.  The dual is 1-strongly concave
    (``fastreg._kernels._gap``).
    """

    name = "squared"

    def __init__(self, design: Design, y):
        # Every vector the solver owns is float64: it costs O(n + p) memory and makes float32
        # data converge like float64 data (a float32 residual drifts by rounding at each
        # update and its gap stalls near 1e-7 relative).
        y = check_target(y, design.n_samples, np.float64)
        weights = design.weights
        raw_sqnorm = K.weighted_sums(weights, y, 0.0, y, 0.0)
        if not np.isfinite(raw_sqnorm):
            raise ValueError("The sum of squares of y overflows float64 (values near 1e154 or "
                             "larger): scale X and y down before fitting.")
        self.y_offset = 0.0
        if design.fit_intercept:
            self.y_offset = float(np.average(y, weights=weights if weights.size else None))
            y -= self.y_offset
        y_sqnorm = K.weighted_sums(weights, y, 0.0, y, 0.0)
        if y_sqnorm <= K.CONSTANT_RELATIVE * raw_sqnorm:  # constant y: its rounding is no signal
            y[:] = 0.0
            y_sqnorm = 0.0
        self.design = design
        self.y = y
        self.y_sqnorm = y_sqnorm

    @property
    def null_deviance(self) -> float:
        """``sum_i s_i (y_i - ybar)^2``: tolerances are fractions of it."""
        return self.y_sqnorm

    @cached_property
    def xty(self) -> np.ndarray:
        """``X_c^T S y`` (centered y): the correlations at ``w = 0``."""
        out = np.empty(self.design.n_features)
        self.design.correlations(self.y, 0.0, 0.0, self.design.all_features(), out)
        return out

    def null_correlations(self) -> np.ndarray:
        return self.xty

    def xty_of(self, features: np.ndarray) -> np.ndarray:
        """``xty[features]``, from the cache if it is filled, else from those columns only."""
        if "xty" in vars(self):
            return self.xty[features]
        design = self.design
        target = self.y * design.weights if design.weights.size else self.y
        # sum_i s_i y_i = 0 for the centered y: raw columns give the centered correlations.
        return np.asarray(design.X[:, features].T @ target, dtype=np.float64)

    @staticmethod
    def dual_radius(gap: float) -> float:
        """Radius of the ball around the dual point that holds the optimal one."""
        return float(np.sqrt(2.0 * max(gap, 0.0)))


class MultiTaskQuadratic:
    """``1/2 sum_t sum_i s_i (Y_it - x_i^T W[t] - b_t)^2``: least squares on T targets at
    once, for the multi-task (group) penalty.

    Y is kept transposed (T x n, C-ordered: a task's column is contiguous) and, with an
    intercept, centered per task; the intercepts are profiled out as for
    :class:`Quadratic`.  The dual is 1-strongly concave in the Frobenius norm.
    """

    name = "multitask"

    def __init__(self, design: Design, y):
        Y = check_target(y, design.n_samples, np.float64, allow_2d=True)
        if Y.ndim != 2:
            raise ValueError(f"The multi-task models take y of shape (n_samples, n_tasks), "
                             f"got shape {Y.shape}.")
        if Y.shape[1] == 0:
            raise ValueError("y has no task (shape (n_samples, 0)).")
        Y = np.ascontiguousarray(Y.T)
        weights = design.weights
        raw = K.task_sums(weights, Y, np.zeros(Y.shape[0]), Y)[0]
        if not np.isfinite(raw):
            raise ValueError("The sum of squares of y overflows float64 (values near 1e154 or "
                             "larger): scale X and y down before fitting.")
        self.y_offset = np.zeros(Y.shape[0])
        if design.fit_intercept:
            self.y_offset = np.average(Y, axis=1, weights=weights if weights.size else None)
            Y -= self.y_offset[:, np.newaxis]
        for t in range(Y.shape[0]):  # a constant task: its rounding is no signal
            raw_t = K.weighted_sums(weights, Y[t] + self.y_offset[t], 0.0,
                                    Y[t] + self.y_offset[t], 0.0)
            if K.weighted_sums(weights, Y[t], 0.0, Y[t], 0.0) <= K.CONSTANT_RELATIVE * raw_t:
                Y[t] = 0.0
        self.design = design
        self.y = Y
        self.y_sqnorm = K.task_sums(weights, Y, np.zeros(Y.shape[0]), Y)[0]

    @property
    def n_tasks(self) -> int:
        return self.y.shape[0]

    @property
    def null_deviance(self) -> float:
        """``sum_t sum_i s_i (Y_it - Ybar_t)^2``: tolerances are fractions of it."""
        return self.y_sqnorm

    @cached_property
    def xty(self) -> np.ndarray:
        """``Y_c^T S X_c`` (T x p): the correlations at ``W = 0``."""
        design = self.design
        out = np.empty((self.n_tasks, design.n_features))
        for t in range(self.n_tasks):
            design.correlations(self.y[t], 0.0, 0.0, design.all_features(), out[t])
        return out

    def null_correlations(self) -> np.ndarray:
        return self.xty

    def xty_of(self, features: np.ndarray) -> np.ndarray:
        """``xty[:, features]`` (T x k), from those columns only unless the cache is filled."""
        if "xty" in vars(self):
            return self.xty[:, features]
        design = self.design
        target = self.y * design.weights if design.weights.size else self.y
        # Each task's centered y sums to 0 under the weights: raw columns give the centered
        # correlations.
        return np.asarray(design.X[:, features].T @ target.T, dtype=np.float64).T

    dual_radius = staticmethod(Quadratic.dual_radius)


class Logistic:
    """``sum_i s_i log(1 + exp(-y_i (x_i^T w + b)))`` with labels ``y_i`` in {-1, +1}.

    The intercept is a coordinate of its own, fitted by the Newton steps of
    :class:`~fastreg._engine.newton.ProxNewton`; the dual is 4-strongly concave
    (``fastreg._kernels._logistic``).
    """

    name = "logistic"

    def __init__(self, design: Design, y):
        y = check_target(y, design.n_samples, np.float64)
        labels = np.unique(y)
        if not np.isin(labels, (-1.0, 1.0)).all():
            raise ValueError(f"The logistic loss takes labels -1 and +1, got {labels[:5]}.")
        weights = design.weights if design.weights.size else np.ones(design.n_samples)
        positive = float(weights[y > 0].sum())
        negative = float(weights[y < 0].sum())
        if design.fit_intercept and (positive == 0.0 or negative == 0.0):
            raise ValueError("y has a single class (counting only samples of positive "
                             "weight): a logistic model needs both labels.")
        self.design = design
        self.y = y
        # The intercept-only model: b0 = log(P / N) makes both classes' predicted share right.
        if design.fit_intercept:
            self.null_intercept = float(np.log(positive / negative))
            total = positive + negative
            self.null_loss = float(positive * np.log(total / positive)
                                   + negative * np.log(total / negative))
        else:
            self.null_intercept = 0.0
            self.null_loss = float(design.sum_weights * np.log(2.0))

    @property
    def null_deviance(self) -> float:
        """Twice the loss of the intercept-only model: tolerances are fractions of it."""
        return 2.0 * self.null_loss

    @cached_property
    def xtv0(self) -> np.ndarray:
        """The correlations at ``w = 0`` with the null intercept."""
        design = self.design
        v = np.empty(design.n_samples)
        sums = K.logistic_residual(self.y, design.weights,
                                   np.full(design.n_samples, self.null_intercept), v)
        out = np.empty(design.n_features)
        design.correlations(v, 0.0, sums[1] - sums[2], design.all_features(), out)
        return out

    def null_correlations(self) -> np.ndarray:
        return self.xtv0

    @staticmethod
    def dual_radius(gap: float) -> float:
        """Radius of the ball around the dual point that holds the optimal one (before the
        intercept correction, which the solver adds)."""
        return float(np.sqrt(0.5 * max(gap, 0.0)))


DATAFITS = {"squared": Quadratic, "logistic": Logistic, "multitask": MultiTaskQuadratic}
