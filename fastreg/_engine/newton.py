"""The logistic loss's inner solver: proximal Newton steps whose weighted least-squares
problems run through the residual kernel (or, on a dense working set whose epochs would cost
more, covariance updates on its weighted Gram block).  It offers the outer loop the
operations of ``fastreg._engine.solvers``'s inner solvers.  See docs/architecture.md.
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as K
from .data import BLOCK_MAX_FEATURES, Design
from .datafits import Logistic
from .penalties import localized
from .solvers import CERTIFY_MAX_UNPENALIZED, _Inner


class _WeightedBlock:
    """A dense working set's columns, copied once in float64, for the Newton steps' weighted
    least-squares problems on their Gram block.

    Each Newton step changes the weights, so its Gram block ``X_c^T H X_c`` is new: ``n k^2``
    operations through BLAS, after which an epoch costs O(k) per moving feature instead of
    O(n) (covariance updates, as ``ResidualCD`` does for least squares).  It pays where a
    step needs many epochs on few, long columns (an ill-conditioned working set on tall
    data); most Newton steps need a handful of epochs and keep the residual kernel.
    """

    # Dense copies of at most this many values (64 MB), and the block's BLAS multiply-adds
    # counted as this fraction of a coordinate-descent operation on a stored value (measured
    # on the benchmarks' tall_dense: a 50000 x 70 block took as long as 12 epochs on its
    # columns, 0.2 per multiply-add against the 2 operations a stored value takes an epoch).
    max_entries = 2**23
    blas_cost = 0.4

    def __init__(self, design: Design, ws: np.ndarray):
        self.columns = np.asfortranarray(design.X[:, ws], dtype=np.float64)

    @classmethod
    def pays(cls, design: Design, ws: np.ndarray, epochs: int) -> bool:
        """Whether a block per Newton step costs less than ``epochs`` epochs on the columns
        (dense X, a block of at most ``BLOCK_MAX_FEATURES`` and a copy within bounds)."""
        n, k = design.n_samples, ws.size
        if design.sparse or k > BLOCK_MAX_FEATURES or n * k > cls.max_entries:
            return False
        return cls.blas_cost * n * k * k + k * k * epochs < 2.0 * n * k * epochs

    def solve(self, weights, total, means, sqnorms, target, penalty, w, max_epochs, gap_tol,
              shuffle_seed, anderson):
        """Covariance-update CD on the weighted least-squares problem from ``w``; returns the
        new coefficients and the epochs taken."""
        # Centered before the product (the copy is ours): X^T H X - S m m^T would cancel
        # every digit of a column whose mean is large against its spread.
        centered = self.columns - means
        gram = np.asfortranarray(centered.T @ (weights[:, np.newaxis] * centered))
        xty = centered.T @ (weights * target)
        coef = w.copy()
        q = xty - gram @ coef
        _, epochs, _ = K.block_cd(gram, np.ones(coef.size, dtype=np.bool_), sqnorms, penalty,
                                  coef, q, xty, float(weights @ (target * target)), max_epochs,
                                  gap_tol, 0.0, False, shuffle_seed, anderson)
        return coef, epochs

    def product(self, step: np.ndarray) -> np.ndarray:
        """``X_ws @ step``."""
        return self.columns @ step


def _share(columns, means: np.ndarray, w: np.ndarray) -> float:
    """``sum_j m_j w_j`` over the working set's columns that the primitives center value by
    value (``K.explicit_offset``): the part of ``means . w`` already in ``X_e w``."""
    return float(K.explicit_offset(columns.X_kernel, columns.index, means, w))


def _in_box(margins: np.ndarray) -> bool:
    """Whether every ``y_i theta_i / s_i`` lies in the logistic dual's box ``[0, 1]``."""
    return bool(margins.min(initial=0.0) >= 0.0 and margins.max(initial=0.0) <= 1.0)


class ProxNewton(_Inner):
    """Logistic loss with the linear predictor ``z = X w + b``: proximal Newton steps on each
    working set (Lee, Sun and Saunders 2014; glmnet's IRLS, celer's and skglm's working-set
    Newton solvers).

    Each step solves, by the residual CD kernel with the Newton weights as sample weights,
    the penalized weighted least-squares problem of the loss's quadratic model at ``z``
    (the intercept profiled out, as for least squares), then moves along the direction
    found with a backtracking line search on the true objective.  The step stops when the
    working set's logistic gap reaches the inner tolerance.
    """

    mode = "newton"
    datafit: Logistic
    # Newton steps per working-set solve, and the weighted least-squares problem's accuracy
    # as a fraction of the working set's gap before the step.
    max_newton = 1000
    subproblem_ratio = 0.3
    # Epochs per Newton step at most: a step is a direction for the line search, and an
    # ill-conditioned weighted problem (p close to n) would take thousands of them.
    max_step_epochs = 50
    # Epochs between two gap evaluations of a Newton step's weighted problem: a step far from
    # the solution needs few epochs.
    step_gap_every = 5
    # Armijo's sufficient decrease, and the line search's halvings before giving up.
    armijo = 1e-4
    max_halvings = 30
    rounding = 1e-13

    def __init__(self, *args, intercept_init: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        design, n = self.design, self.design.n_samples
        # The linear predictor is kept as z = X_e w + offset, X_e the columns less the means
        # the primitives apply (``_kernels._primitives``), ``offset = b + E . w``: started
        # from non-zero coefficients (a path's warm start) or with features dropped, z is
        # then formed from centered columns, not as 1e7 w - 1e7 w + b on a column of mean
        # 1e7.  (The Newton steps themselves move z by differences of residuals.)
        intercept = 0.0
        if design.fit_intercept:
            intercept = (self.datafit.null_intercept if intercept_init is None
                         else float(intercept_init))
        self.offset = intercept + self._explicit_share(self.coef)
        self.z = np.empty(n)
        K.init_residual(design.X_kernel, np.full(n, -self.offset), self.coef, design.x_mean,
                        self.z)
        self.z *= -1.0  # init_residual gives -offset - X_e w
        self.v = np.empty(n)
        self.sums = K.logistic_residual(self.datafit.y, design.weights, self.z, self.v)
        self.scale = 1.0
        self.delta = 0.0
        self._curvature = np.empty(n)
        self._response = np.empty(n)
        self._residual = np.empty(n)
        self._moments = None  # p-vectors for working sets read in place (allocated lazily)
        self._step_epochs = self.gap_every  # the last Newton step's epochs: the next's guess

    def deviance(self) -> float:
        return 2.0 * self.sums[0]

    def certifies(self, penalty) -> bool:
        """The logistic dual's projection needs no L1 part (its L2 conjugate is finite)."""
        return (0 < self.unpenalized.size <= CERTIFY_MAX_UNPENALIZED
                and self._projectable(penalty))

    def intercept(self) -> float:
        return float(self.offset - self._explicit_share(self.coef))

    def _explicit_share(self, coef: np.ndarray) -> float:
        """``E . w``: the part of ``x_mean . w`` the column primitives apply to z."""
        design = self.design
        return float(K.explicit_offset(design.X_kernel, design.all_features(), design.x_mean,
                                       coef))

    def full_gap(self, penalty, candidates) -> float:
        design = self.design
        self.sums = K.logistic_residual(self.datafit.y, design.weights, self.z, self.v)
        design.correlations(self.v, 0.0, self.sums[1] - self.sums[2], candidates, self.xtr)
        gap, self.scale, self.delta = K.logistic_gap(
            penalty, self.datafit.y, design.weights, self.v, self.sums, design.fit_intercept,
            design.col_sqnorm, candidates, self.coef, self.xtr)
        if self.certifies(penalty):
            return self._certified_gap(penalty, candidates, gap)
        return gap

    def _certified_gap(self, penalty, candidates, gap) -> float:
        """A duality gap that bounds the suboptimality although some features are unpenalized.

        Their constraints ``x_j^T theta = 0`` hold for ``theta = S v'``, ``v' = v - X_U,c
        beta`` (``G_UU beta = X_U^T S v``), centered when there is an intercept (``sum_i
        theta_i = 0``, replacing the shrinking correction); ``v' -> v`` at the solution.  The
        point must also stay in the dual's box, ``0 <= y_i v'_i <= 1``.  A shift by ``X_U
        beta`` leaves it for samples whose ``sigmoid(-y_i z_i)`` is small next to the shift
        (unpenalized columns with large values); then :meth:`_newton_point` is tried.
        """
        design, fit = self.design, self.datafit
        unpenalized, beta, correlations = self._projection(penalty)
        shift = np.zeros(design.n_samples)
        # Raw columns (zero means), in float64, no copy of X.
        K.add_columns(design.X_kernel, unpenalized, beta, np.zeros(design.n_features), shift)
        projected = self.v - shift + float(design.x_mean[unpenalized] @ beta)
        if design.fit_intercept:
            weights = design.weights
            projected -= (projected @ weights if weights.size else projected.sum()) / (
                design.sum_weights)
        if not _in_box(fit.y * projected):
            point, decrement = self._newton_point(unpenalized, candidates)
            if point is None:
                # No feasible dual point at hand: what Newton steps on the unpenalized
                # coordinates would still gain measures the distance (about twice it, for a
                # quadratic), where the uncertified gap can even be negative.
                return max(gap, decrement)
            projected, correlations = point
        sums = (self.sums[0], 0.0, 0.0, 0.0, 0.0)  # the loss; no correction to make
        certified, _, _ = K.logistic_gap(penalty, fit.y, design.weights, projected, sums,
                                         False, design.col_sqnorm, candidates, self.coef,
                                         correlations)
        return certified

    def _newton_point(self, unpenalized, candidates):
        """``((v', correlations) or None, decrement)``: a dual point moved by the Newton
        system of the unpenalized coordinates (and the intercept), and that system's Newton
        decrement ``-lambda^T A^T S v``.

        ``y_i v'_i = p_i + p_i (1 - p_i) (A lambda)_i`` with ``p_i = sigmoid(-y_i z_i)``, ``A``
        their columns (and a column of ones), ``(A^T W A) lambda = -A^T S v``, ``W =
        diag(s_i p_i (1 - p_i))``: the constraints ``A^T S v' = 0`` hold, and the move is
        scaled by ``p_i (1 - p_i)``, so it leaves the box only where a Newton step on those
        coordinates would change a margin by about one unit.  It costs a pass over the
        candidates (their correlations with the move) and the columns of ``A`` as a dense
        copy, so it is only tried when that copy is small (None otherwise, or when the point
        still leaves the box, or when another non-negative unpenalized feature's
        constraint ``x_j^T theta <= 0`` fails).
        """
        design, fit = self.design, self.datafit
        n = design.n_samples
        if n * (unpenalized.size + 1) > 2**24:
            return None, self._stationarity()
        columns = design.X[:, unpenalized]
        columns = columns.toarray() if design.sparse else np.asarray(columns)
        columns = columns.astype(np.float64)
        if design.fit_intercept:
            columns = np.column_stack([np.ones(n), columns])
        weights = design.weights if design.weights.size else np.ones(n)
        p = fit.y * self.v
        curvature = p * (1.0 - p)
        weighted = (weights * curvature)[:, np.newaxis] * columns
        gradient = -(columns.T @ (weights * self.v))
        lam = np.linalg.lstsq(columns.T @ weighted, gradient, rcond=None)[0]
        decrement = max(float(gradient @ lam), 0.0)
        move = curvature * (columns @ lam)
        projected = self.v + move
        if not _in_box(fit.y * projected):
            return None, decrement
        correlations = np.empty(design.n_features)
        design.correlations(move, 0.0, float(weights @ move), candidates, correlations)
        correlations[candidates] += self.xtr[candidates]
        others = np.setdiff1d(self.unpenalized, unpenalized)
        if others.size and (correlations[others] > 0).any():
            return None, decrement
        return (projected, correlations), decrement

    def _stationarity(self) -> float:
        """``sum_j 2 (x_j^T r)^2 / ||x_j||^2`` over the unpenalized features (what steps on
        them alone could still gain): a convergence measure where no dual point is at
        hand."""
        unpenalized = self.unpenalized
        slopes = self.xtr[unpenalized]
        norms = self.design.col_sqnorm[unpenalized]
        return float(np.sum(2.0 * slopes[norms > 0] ** 2 / norms[norms > 0]))

    def screening(self, penalty, gap, candidates):
        """``(penalty view, dual scale, radius)``: the logistic dual is the plain Fenchel
        dual (no augmented rows), and the intercept correction widens the ball."""
        del candidates
        radius = self.scale * self.delta + self.datafit.dual_radius(gap)
        return penalty._replace(l2=0.0), self.scale, radius

    def drop(self, features: np.ndarray) -> None:
        K.add_columns(self.design.X_kernel, features, -self.coef[features],
                      self.design.x_mean, self.z)
        self.coef[features] = 0.0

    def solve(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, *, settle=False):
        """Newton steps on ``ws`` until its logistic gap is at most ``inner_tol``.

        ``settle`` is not applied: the logistic loss stops on its gap alone at every tol.
        The least-squares step condition does not carry over as it is (a Newton step's
        coordinate steps solve a weighted subproblem that changes with every step, and the
        line search scales the step found).
        """
        del settle
        design, fit = self.design, self.datafit
        y, weights = fit.y, design.weights
        # With unpenalized features the working set's gap is certified like the global one,
        # on the global arrays: no compact copy then.
        columns = design.working_columns(ws, compact=not self.unpenalized.size)
        index = columns.index
        local = localized(penalty, columns.take)
        w = columns.take(self.coef)
        if columns.compact:
            means, sqnorms = np.zeros(ws.size), np.zeros(ws.size)
        else:
            if self._moments is None:
                self._moments = (np.zeros(design.n_features), np.zeros(design.n_features))
            means, sqnorms = self._moments
        x_mean, col_sqnorm = columns.take(design.x_mean), columns.take(design.col_sqnorm)
        xtr = columns.take(self.xtr)
        gap = self._working_gap(columns, local, x_mean, col_sqnorm, w, xtr)
        epochs, status = 0, K.STATUS_MAX_ITER
        h, t = self._curvature, self._response
        block, step_epochs = None, self._step_epochs
        for _ in range(self.max_newton):
            if gap <= inner_tol:
                status = K.STATUS_CONVERGED
                break
            if epochs >= max_epochs:
                break
            total = K.newton_weights(y, weights, self.z, h, t)
            K.column_stats(columns.X_kernel, h, total, design.fit_intercept, index, means,
                           sqnorms)
            # The weighted least-squares problem in (w', b'): targets t + z, weights h; with
            # an intercept it is profiled out by centering (b' = ybar - means . w').
            target = t + self.z
            ybar = float(h @ target) / total if design.fit_intercept else 0.0
            target -= ybar
            before = w[index].copy()
            budget = min(max_epochs - epochs, self.max_step_epochs)
            step_tol = max(self.subproblem_ratio * gap, 1e-3 * inner_tol)
            if block is None and index.size and _WeightedBlock.pays(design, ws, step_epochs):
                block = _WeightedBlock(design, ws)
            shift, step_epochs = self._weighted_step(
                columns, local, w, xtr, (means, sqnorms, x_mean), (target, ybar, total), block,
                (budget, step_tol, tol, shuffle_seed))
            after = w[index].copy()
            epochs += step_epochs
            # The profiled intercept, b' = ybar - means . w', as the offset of z = X_e w' + .
            new_offset = _share(columns, x_mean, w) + (
                ybar - float(means[index] @ after) if design.fit_intercept else 0.0)
            direction = shift + (new_offset - self.offset)
            if not self._line_search(local, index, w, before, after, direction, new_offset):
                status = K.STATUS_STALLED
                break
            gap = self._working_gap(columns, local, x_mean, col_sqnorm, w, xtr)
        columns.put(self.coef, w)
        columns.put(self.xtr, xtr)
        self._step_epochs = max(step_epochs, 1)
        return status, epochs, gap

    def _weighted_step(self, columns, local, w, xtr, moments, problem, block, settings):
        """One Newton step's weighted least-squares problem on the working set, from ``w``
        (moved in place): ``(X_e (w' - w), epochs)``.

        ``moments``: the Newton-weighted means and squared norms of the columns and their
        plain means; ``problem``: the centered target, its weighted mean and the weights'
        sum; ``settings``: the epochs, the step's gap tolerance, tol and the shuffle seed.
        """
        means, sqnorms, x_mean = moments
        target, ybar, total = problem
        budget, step_tol, tol, shuffle_seed = settings
        index, h, t, residual = columns.index, self._curvature, self._response, self._residual
        before = w[index].copy()
        explicit_before = _share(columns, x_mean, w)
        if block is not None:
            local_block = local if columns.compact else localized(
                local, lambda values: values[index])
            after, epochs = block.solve(h, total, means[index], sqnorms[index], target,
                                        local_block, before, budget, step_tol, shuffle_seed,
                                        self.anderson)
            w[index] = after
            # X_e (w' - w): the block's raw product less the explicit means' share.
            return block.product(after - before) - _share(columns, x_mean, w) + (
                explicit_before), epochs
        if not index.size:  # a step on the intercept alone
            return 0.0, 0
        # target - X_c w, less the implicit offset residual_cd adds: with z = X_e w + offset,
        # that is t + offset - ybar + (explicit Newton means - E) . w.
        np.subtract(t, ybar - self.offset - _share(columns, means, w) + explicit_before,
                    out=residual)
        _, epochs, _ = K.residual_cd(
            columns.X_kernel, target, h, total, means, sqnorms, local, index.copy(), w,
            residual, xtr, budget, step_tol, tol, False, self.step_gap_every, shuffle_seed,
            self.anderson)
        # X_e (w' - w) from the old residual (as above) and the new one.
        return t - residual + (self.offset - ybar + _share(columns, means, w)
                               - _share(columns, x_mean, w)), epochs

    def _working_gap(self, columns, penalty, x_mean, col_sqnorm, w, xtr) -> float:
        """The logistic gap of the working set's problem (its correlations into ``xtr``)."""
        design, fit = self.design, self.datafit
        self.sums = K.logistic_residual(fit.y, design.weights, self.z, self.v)
        K.correlations(columns.X_kernel, design.weights, design.sum_weights, x_mean, self.v,
                       0.0, self.sums[1] - self.sums[2], columns.index, xtr)
        gap, _, _ = K.logistic_gap(penalty, fit.y, design.weights, self.v, self.sums,
                                   design.fit_intercept, col_sqnorm, columns.index, w, xtr)
        if self.certifies(penalty):  # the arrays are the global ones (no compact copy)
            gap = self._certified_gap(penalty, columns.index, gap)
        return gap

    def _line_search(self, penalty, index, w, before, after, direction, new_offset) -> bool:
        """Move ``(w, b, z)`` along the Newton direction by the largest step in 1, 1/2, ...
        that decreases the objective enough (Armijo's rule for proximal Newton: the decrease
        predicted by the loss's slope plus the penalty's change); False if none does."""
        fit, weights = self.datafit, self.design.weights
        loss = self.sums[0]
        penalty_before = K.total_value(penalty, before, index)
        # The loss's slope along the direction: minus sum_i s_i v_i direction_i.
        slope = -K.weighted_sums(weights, self.v, 0.0, direction, 0.0)
        predicted = slope + K.total_value(penalty, after, index) - penalty_before
        step = 1.0
        current = loss + penalty_before
        # Below this the objective's rounding (sums of n terms) hides any decrease: near the
        # solution a step is taken on the prediction alone rather than refused.
        rounding = self.rounding * abs(current)
        for _ in range(self.max_halvings):
            # The full step is ``after`` itself: ``before + (after - before)`` can round off
            # a coefficient the proximal step put exactly on its bound.
            trial = after if step == 1.0 else before + step * (after - before)
            value = (K.logistic_loss(fit.y, weights, self.z, direction, step)
                     + K.total_value(penalty, trial, index))
            if value <= current + self.armijo * step * min(predicted, 0.0) + rounding:
                w[index] = trial
                self.z += step * direction
                self.offset += step * (new_offset - self.offset)
                return True
            step *= 0.5
        w[index] = before
        return False
