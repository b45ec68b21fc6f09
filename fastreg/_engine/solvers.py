"""Inner solvers: the state a fit keeps in sample space, and how a working set is solved.

Each class pairs with one datafit and offers the outer loop (``fastreg._engine.outer``) the
same operations:

- ``full_gap(penalty, candidates)``: the duality gap over the candidates, filling the shared
  correlations ``xtr[j] = x_j^T r`` (``r`` minus the loss's gradient in sample space);
- ``screening(penalty, gap, candidates)``: the Gap Safe test's inputs;
- ``drop(features)``: set screened coefficients to zero, the state following;
- ``solve(ws, penalty, inner_tol, max_epochs, tol, seed, settle=...)``: minimise on a
  working set (with ``settle``, least squares also waits for the coordinate steps to settle:
  see ``fastreg._engine.outer.SETTLE_BELOW_TOL``);
- ``deviance()`` and ``intercept()``.

:class:`ResidualCD` (least squares, residual updates, moving long solves to the working
set's Gram block), :class:`CovarianceCD` (least squares, full Gram columns) and
:class:`MultiTaskCD` (several targets, rows of the coefficients); the logistic loss's
``ProxNewton`` lives in ``fastreg._engine.newton``.  See docs/architecture.md.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from .. import _kernels as K
from .data import BLOCK_MAX_FEATURES, BlockCache, Design, GramCache, gram_columns
from .datafits import MultiTaskQuadratic, Quadratic
from .penalties import localized

# With at most this many unpenalized features, the gap is certified by projecting the dual
# point off their columns (whose p x k Gram columns that takes); beyond, it measures
# stationarity.
CERTIFY_MAX_UNPENALIZED = 256
# Epochs of a least-squares working-set solve before its first orthant step
# (ResidualCD._polish): most solves converge before, and pay nothing for it.  Trying after
# fewer epochs (as many as the step costs) tripled the steps tried on ngram_text's path,
# and its time by 1.4.
POLISH_AFTER = 100
# Orthant steps in a row at most: each ends at the solution or drops one feature (20 in a
# row spent more in factorizations than they saved on ngram_text's path: 39 s against 29).
POLISH_STEPS = 3


def _orthant_support(ws, coef, penalty, n_samples) -> np.ndarray | None:
    """The non-zero features of ``ws`` for an orthant step, or None where there are none or
    too many (a Lasso's support beyond ``n_samples`` has a singular system)."""
    active = ws[coef[ws] != 0.0].astype(np.int32)
    limit = BLOCK_MAX_FEATURES if penalty.l2 > 0 else min(BLOCK_MAX_FEATURES, n_samples)
    return active if 0 < active.size <= limit else None


def _orthant_step(system, xty, current, penalty, active, *, singular: bool = False):
    """The orthant step of :meth:`ResidualCD._polish` on the support ``active`` with its Gram
    block ``system`` (its diagonal gets the L2 part): ``(new coefficients, whether the
    orthant's minimiser was reached)``, or None where no step decreases the objective.

    A singular system gives None, or with ``singular=True`` the minimum-norm least-squares
    solution, kept if it decreases the objective (several times a factorization's cost,
    which the residual solver's supports of up to 2048 text features do not risk)."""
    size = active.size
    factors = penalty.factors[active] if penalty.factors.size else np.ones(size)
    signs = np.sign(current)
    system[np.diag_indices(size)] += penalty.l2 * factors
    rhs = xty - penalty.l1 * factors * signs
    try:
        # The least-squares fallback and its decrease test need the system intact.
        factor = scipy.linalg.cho_factor(system, lower=True, overwrite_a=not singular,
                                         check_finite=False)
        target = scipy.linalg.cho_solve(factor, rhs, check_finite=False)
        exact = True
    except np.linalg.LinAlgError:
        if not singular:
            return None
        # Linearly dependent columns in the support (the benchmarks' diabetes_poly has rank
        # 274 for its 285 columns: powers of its binary feature).  The minimum-norm
        # least-squares solution is a minimiser of the orthant's quadratic when one exists;
        # whether it is, the step's decrease below decides.  LAPACK's complete orthogonal
        # factorization (gelsy) finds it in a quarter of the SVD's time (0.28 against
        # 1.06 ms on 119 of those columns).
        target = scipy.linalg.lstsq(system, rhs, check_finite=False,
                                    lapack_driver="gelsy")[0]
        exact = False
    if not np.isfinite(target).all():
        return None
    flips = (factors > 0.0) & (target * signs <= 0.0)
    if flips.any():
        # The first sign change along the segment: there the coefficient is 0.
        fractions = current[flips] / (current[flips] - target[flips])
        first = int(np.argmin(fractions))
        new = current + fractions[first] * (target - current)
        new[np.flatnonzero(flips)[first]] = 0.0
        new[(factors > 0.0) & (new * signs < 0.0)] = 0.0  # rounding at the same point
    else:
        new = target
    if not exact:
        # On the orthant's closure the objective is the quadratic: its change from
        # ``current`` to ``new`` is ``d^T (A current - b) + d^T A d / 2``.
        step = new - current
        if step @ (system @ current - rhs) + 0.5 * step @ (system @ step) >= 0.0:
            return None
    return new, not flips.any()


class _Inner:
    """What the inner solvers share: the problem, the shared coefficient and correlation
    arrays, and the epoch settings."""

    mode = ""

    def __init__(self, design: Design, datafit, coef: np.ndarray, xtr: np.ndarray, *,
                 unpenalized: np.ndarray, anderson: int, gap_every: int):
        self.design = design
        self.datafit = datafit
        self.coef = coef
        self.xtr = xtr
        self.unpenalized = unpenalized
        self.anderson = anderson
        self.gap_every = gap_every
        self._unpenalized_gram = None

    def certifies(self, penalty) -> bool:
        """Whether the gap is certified by projecting off the unpenalized features' columns
        (there are some, but not too many for their Gram columns, and each is unbounded or
        only non-negative: see :meth:`_projection`)."""
        return (penalty.l1 > 0 and 0 < self.unpenalized.size <= CERTIFY_MAX_UNPENALIZED
                and self._projectable(penalty))

    def _nonnegative(self, penalty) -> np.ndarray:
        """Which unpenalized features are bounded as ``0 <= w_j`` (and not above)."""
        unpenalized = self.unpenalized
        lower = getattr(penalty, "lower", None)  # ElasticNetPenalty: positive or nothing
        if lower is None:
            return np.full(unpenalized.size, bool(penalty.positive))
        if not lower.size:
            return np.zeros(unpenalized.size, dtype=bool)
        return lower[unpenalized] == 0.0

    def _projectable(self, penalty) -> bool:
        """Whether every unpenalized feature is unbounded or bounded below by 0 only: the
        dual constraints the projection knows (other finite bounds leave the gap a
        convergence measure)."""
        if not isinstance(penalty, K.BoxPenalty):
            return True
        unpenalized = self.unpenalized
        lower = penalty.lower[unpenalized] if penalty.lower.size else None
        if penalty.upper.size and (penalty.upper[unpenalized] < np.inf).any():
            return False
        return lower is None or bool(((lower == 0.0) | (lower == -np.inf)).all())

    def _projection(self, penalty) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(projected, beta, correlations)``: the unpenalized features whose constraints
        ``x_j^T theta = 0`` the dual point is projected onto, the projection's coefficients
        (``G_UU beta = X_U^T r`` over them) and every feature's correlation with the
        projected point, ``x_j^T r - G_jU beta``.

        For a non-negative unpenalized feature the constraint is ``x_j^T theta <= 0``: only
        those that move or would move are projected off (an active set, grown while the
        projection makes another one's correlation positive).  The Gram columns of the
        unpenalized features are computed once.
        """
        w, unpenalized = self.coef, self.unpenalized
        if self._unpenalized_gram is None:
            self._unpenalized_gram = gram_columns(self.design, unpenalized)
        gram = self._unpenalized_gram
        nonnegative = self._nonnegative(penalty)
        projected = ~nonnegative | (w[unpenalized] > 0) | (self.xtr[unpenalized] > 0)
        for _ in range(unpenalized.size + 1):
            columns = gram[:, projected]
            beta = np.linalg.lstsq(columns[unpenalized[projected]],
                                   self.xtr[unpenalized[projected]], rcond=None)[0]
            correlations = self.xtr - columns @ beta
            grown = projected | (correlations[unpenalized] > 0)
            if (grown == projected).all():
                break
            projected = grown
        return unpenalized[projected], beta, correlations


class _QuadraticInner(_Inner):
    """Least squares: the gap (certified when some features are unpenalized), screening,
    covariance-update epochs on a Gram block."""

    datafit: Quadratic

    @staticmethod
    def _polishable(penalty) -> bool:
        """The orthant step (``_polish``) knows the Elastic Net without bounds (``positive``
        included)."""
        return isinstance(penalty, K.ElasticNetPenalty)

    def _orthant_steps(self, ws, penalty, inner_tol) -> float | None:
        """Up to ``POLISH_STEPS`` orthant steps (``_polish``) on ``ws``: the working set's gap
        if a step reached its orthant's minimiser and that certifies ``ws``, else None."""
        for _ in range(POLISH_STEPS):
            reached = self._polish(ws, penalty)
            if reached is None:
                return None
            if reached:
                gap = self._gap(penalty, ws)
                return gap if gap <= inner_tol else None
        return None

    def full_gap(self, penalty, candidates) -> float:
        gap = self._gap(penalty, candidates)
        if self.certifies(penalty):
            return self._certified_gap(penalty)
        return gap

    def screening(self, penalty, gap, candidates):
        """``(penalty view, dual scale, radius)`` of Gap Safe's test."""
        scale = K.dual_scale(penalty, self.xtr, self.coef, candidates)
        return penalty, scale, self.datafit.dual_radius(gap)

    def deviance(self) -> float:
        return self.sums()[0]

    def intercept(self) -> float:
        if not self.design.fit_intercept:
            return 0.0
        return float(self.datafit.y_offset - K.dot(self.design.x_mean, self.coef))

    def _block_epochs(self, block, has_column, ws, penalty, inner_tol, max_epochs, tol,
                      shuffle_seed, settle):
        """Covariance-update CD on ``ws`` with its Gram block; ``coef`` and ``xtr`` follow."""
        fit = self.datafit
        w = self.coef[ws]
        q = self.xtr[ws]
        local = localized(penalty, lambda values: values[ws])
        result = K.block_cd(block, has_column, self.design.col_sqnorm[ws], local, w, q,
                            fit.xty_of(ws), fit.y_sqnorm, max_epochs, inner_tol, tol, settle,
                            shuffle_seed, self.anderson)
        self.coef[ws] = w
        self.xtr[ws] = q
        return result

    def _certified_gap(self, penalty) -> float:
        """A duality gap that bounds the suboptimality although some features are unpenalized.

        Their dual constraints ``x_j^T theta = 0`` hold for the residual projected off their
        columns, ``r' = r - X_U beta`` with ``G_UU beta = X_U^T S r``; scaled into the
        penalized features' constraints, ``r'`` is a dual point, and ``r' -> r`` at the
        solution.  Needs the correlations of every feature (no screening runs with unpenalized
        features).
        """
        fit, w = self.datafit, self.coef
        l1_reg, l2_reg = penalty.l1, penalty.l2
        unpenalized, beta, correlations = self._projection(penalty)
        r_sqnorm, r_dot_y = self.sums()
        projected_sqnorm = max(r_sqnorm - beta @ self.xtr[unpenalized], 0.0)
        projected_dot_y = r_dot_y - beta @ fit.xty_of(unpenalized)
        penalized = np.flatnonzero(penalty.factors > 0).astype(np.int32)
        f, w_pen = penalty.factors[penalized], w[penalized]
        l2_factors = getattr(penalty, "l2_factors", f[:0])  # only BoxPenalty may have them
        k = l2_factors[penalized] if l2_factors.size else f
        scale = K.dual_scale(penalty, correlations, w, penalized)
        ridge = l2_reg * (k @ (w_pen * w_pen))
        primal = 0.5 * (r_sqnorm + ridge) + l1_reg * (f @ np.abs(w_pen))
        dual = (scale * projected_dot_y - 0.5 * scale**2 * (projected_sqnorm + ridge)
                - K.bound_terms(penalty, penalized, correlations, w, scale))
        return float(primal - dual)


class ResidualCD(_QuadraticInner):
    """Least squares with the residual ``y - X w``: one pass over X per working-set round;
    a working set whose epochs pay for it moves to covariance updates on its own cached Gram
    block (``blocks=True``)."""

    mode = "residual"

    def __init__(self, *args, blocks: bool, **kwargs):
        super().__init__(*args, **kwargs)
        design = self.design
        self.blocks = blocks
        self.block_cache = BlockCache(design)
        self.residual = np.empty(design.n_samples)
        K.init_residual(design.X_kernel, self.datafit.y, self.coef, design.x_mean,
                        self.residual)

    def sums(self) -> tuple[float, float]:
        """``(r.r, r.y)`` (weighted, centered) at the current coefficients."""
        design = self.design
        weights = design.weights
        offset = K.implicit_offset(design.X_kernel, design.x_mean, self.coef)
        return (K.weighted_sums(weights, self.residual, offset, self.residual, offset),
                K.weighted_sums(weights, self.residual, offset, self.datafit.y, 0.0))

    def _gap(self, penalty, candidates) -> float:
        design = self.design
        offset = K.implicit_offset(design.X_kernel, design.x_mean, self.coef)
        design.correlations(self.residual, offset, 0.0, candidates, self.xtr)
        return K.gap_from_correlations(self.datafit.y, design.weights, design.col_sqnorm,
                                       penalty, candidates, self.coef, self.residual, offset,
                                       self.xtr)

    def drop(self, features: np.ndarray) -> None:
        K.add_columns(self.design.X_kernel, features, self.coef[features], self.design.x_mean,
                      self.residual)
        self.coef[features] = 0.0

    def solve(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, *, settle=False):
        """Coordinate descent on ``ws`` (:meth:`_descend`), in rounds of ``E``, ``E``, ``2
        E``, ``4 E``... epochs (``E`` from :meth:`_polish_after`) with an orthant step
        (:meth:`_polish`) between two rounds; the first round is the whole solve for most
        working sets."""
        polish = not settle and self._polishable(penalty)
        first = self._polish_after(ws) if polish else 0
        epochs, rounds = 0, 0
        while True:
            budget = max_epochs - epochs
            if polish:
                budget = min(budget, first << max(rounds - 1, 0))
            status, more, gap = self._descend(ws, penalty, inner_tol, budget, tol,
                                              shuffle_seed, settle)
            epochs += more
            rounds += 1
            if (status == K.STATUS_CONVERGED or status == K.STATUS_STALLED
                    or epochs >= max_epochs or not polish):
                return status, epochs, gap
            polished = self._orthant_steps(ws, penalty, inner_tol)
            if polished is not None:
                return K.STATUS_CONVERGED, epochs, polished

    def _polish_after(self, ws) -> int:
        """Epochs before the first orthant step: ``POLISH_AFTER``, or more where the step's
        Gram block and factorization cost more than that many epochs (the ski-rental rule
        of :meth:`_block_after`, whose cost model this shares; the factorization's ``k^3 /
        3`` operations run at BLAS speed, counted as a tenth of a coordinate-descent
        operation each, as measured here).  On the benchmarks' sparse_wide at alpha_max/100,
        where an epoch reads a few thousand values, a step after 100 epochs halved the epochs
        and doubled the time."""
        design = self.design
        active = ws[self.coef[ws] != 0.0].astype(np.int32)
        size = max(active.size, 1)
        new, rows = self.block_cache.missing(active)
        stored = design.stored_values(active)
        if design.sparse:
            block_cost = (stored * new / size) * (stored * rows / size) / design.n_samples
            block_cost += rows * new
        else:
            block_cost = 0.25 * design.n_samples * rows * new
        epoch_cost = 2.0 * max(design.stored_values(ws), 1)
        cost = block_cost + size**3 / 30.0
        return int(min(max(POLISH_AFTER, np.ceil(cost / epoch_cost)), 1 << 30))

    def _polish(self, ws, penalty) -> bool | None:
        """Step towards the minimiser over the current orthant: whether it was reached (None:
        no step, the support being too large or its system singular).

        Near alpha_max / 100 on text-like data the support approaches n among near-copies
        of its columns, and coordinate descent gains a constant factor per epoch (0.994 on
        the benchmarks' ngram_text) long after the signs have settled.  With the support
        ``A`` and its signs ``s`` fixed the objective is a quadratic, minimised by
        ``(G_AA + l2 F_A) w_A = X_A^T S y_c - l1 F_A s`` (the active-set step of homotopy
        methods: Osborne, Presnell and Turlach 2000; Efron et al. 2004).  On the segment
        from ``w`` to that point the objective is this quadratic, decreasing, as long as no
        sign changes: the step goes to the solution if it keeps every sign (the gap then
        says whether the features outside ``A`` agree), else to the first coefficient that
        reaches 0, which leaves the support, and the next step starts from there.
        """
        active = _orthant_support(ws, self.coef, penalty, self.design.n_samples)
        if active is None:
            return None
        step = _orthant_step(self.block_cache.block(active), self.datafit.xty_of(active),
                             self.coef[active], penalty, active)
        if step is None:
            return None
        new, reached = step
        K.add_columns(self.design.X_kernel, active, self.coef[active] - new,
                      self.design.x_mean, self.residual)
        self.coef[active] = new
        return reached

    def _descend(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, settle):
        """Residual-update CD on ``ws``, moving to the working set's Gram block when the
        epochs it has taken show that the block would pay for itself (:meth:`_block_after`)."""
        switch = min(self._block_after(ws), max_epochs)
        status, epochs, gap = self._residual_epochs(ws, penalty, inner_tol, switch, tol,
                                                    shuffle_seed, settle)
        if status == K.STATUS_CONVERGED or epochs == max_epochs:
            return status, epochs, gap
        # residual_cd evaluated the gap at its last epoch: xtr holds the correlations of ws.
        block = self.block_cache.block(ws)
        old = self.coef[ws]
        status, more, gap = self._block_epochs(block, np.ones(ws.size, dtype=np.bool_), ws,
                                               penalty, inner_tol, max_epochs - epochs, tol,
                                               shuffle_seed, settle)
        K.add_columns(self.design.X_kernel, ws, old - self.coef[ws], self.design.x_mean,
                      self.residual)
        epochs += more
        if status == K.STATUS_STALLED:
            # Rounding in the block's correlations is above this problem's tolerance: the
            # residual, whose correlations are exact dot products, takes over for good.
            self.blocks = False
            status, more, gap = self._residual_epochs(ws, penalty, inner_tol,
                                                      max_epochs - epochs, tol, shuffle_seed,
                                                      settle)
            epochs += more
        return status, epochs, gap

    def _residual_epochs(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, settle):
        """``residual_cd`` on ``ws``, on a compact copy of its columns when sparse
        (:class:`~fastreg._engine.data.WorkingColumns`)."""
        design = self.design
        columns = design.working_columns(ws)
        w, xtr = columns.take(self.coef), columns.take(self.xtr)
        result = K.residual_cd(
            columns.X_kernel, self.datafit.y, design.weights, design.sum_weights,
            columns.take(design.x_mean), columns.take(design.col_sqnorm),
            localized(penalty, columns.take), columns.index.copy(),
            w, self.residual, xtr, max_epochs, inner_tol, tol, settle, self.gap_every,
            shuffle_seed, self.anderson)
        columns.put(self.coef, w)
        columns.put(self.xtr, xtr)
        return result

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
        design = self.design
        size = ws.size
        if size > BLOCK_MAX_FEATURES or not self.blocks:
            return np.iinfo(np.int64).max
        n = design.n_samples
        new, rows = self.block_cache.missing(ws)
        stored = design.stored_values(ws)
        if design.sparse:
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


class CovarianceCD(_QuadraticInner):
    """Least squares with the correlations ``X^T S r`` from full Gram columns (all of them
    along a path on tall data, else those of features about to leave zero), so that neither
    rounds nor epochs touch X."""

    mode = "gram"
    # Gram columns computed per pass over X (missing ones padded with likely entrants).
    gram_batch = 16

    def __init__(self, *args, all_columns: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.gram_cache = GramCache(self.design)
        # A path on tall data needs many columns: the whole Gram in one BLAS product costs
        # less than the columns computed in batches as features enter (the benchmarks'
        # tall_dense path: 0.26 s for all 500 columns, 0.44 s for the 144 computed).
        self.gram_cache.ensure(self.design.all_features() if all_columns
                               else np.flatnonzero(self.coef).astype(np.int32))

    def sums(self) -> tuple[float, float]:
        """``(r.r, r.y)`` from the correlations, current for every non-zero coefficient after a
        full pass."""
        fit, w = self.datafit, self.coef
        r_dot_y = fit.y_sqnorm - w @ fit.xty
        return max(r_dot_y - w @ self.xtr, 0.0), r_dot_y

    def _gap(self, penalty, candidates) -> float:
        fit, cache = self.datafit, self.gram_cache
        K.gram_correlations(fit.xty, cache.gram, cache.slot_of, self.coef,
                            np.flatnonzero(self.coef).astype(np.int32), candidates, self.xtr)
        return K.gram_gap(fit.xty, fit.y_sqnorm, self.design.col_sqnorm, penalty, candidates,
                          self.coef, self.xtr)

    def drop(self, features: np.ndarray) -> None:
        self.coef[features] = 0.0  # the next gap recomputes the correlations

    def solve(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, *, settle=False):
        """Covariance-update CD on ``ws``, computing Gram columns only for features that move.

        A column costs a pass over X, so it is computed when a feature is about to leave
        zero (glmnet's rule), in batches: each time, for every feature of ``ws`` whose
        correlation then exceeds its threshold.  The epochs run on the block of the cached
        columns gathered for ``ws``.
        """
        # The Gram gap costs O(|ws|): it is checked every epoch, and tol only matters for
        # settle's step condition.  As in ResidualCD.solve, epochs run in rounds of
        # POLISH_AFTER, POLISH_AFTER, 2 POLISH_AFTER... with orthant steps between them: on
        # the strongly correlated columns of the benchmarks' diabetes_poly, the smallest
        # alphas of a path took 1700-2000 epochs without them.
        cache = self.gram_cache
        polish = not settle and self._polishable(penalty)
        epochs, rounds = 0, 0
        while True:
            self._ensure_columns(ws[self._moving(ws, penalty)], penalty)
            slots = cache.slot_of[ws]
            has_column = slots >= 0
            block = np.empty((ws.size, ws.size), order="F")
            K.gram_block(cache.gram, ws, slots, block)
            budget = max_epochs - epochs
            if polish:
                budget = min(budget, POLISH_AFTER << max(rounds - 1, 0))
            status, done, gap = self._block_epochs(block, has_column, ws, penalty, inner_tol,
                                                   budget, tol, shuffle_seed, settle)
            epochs += done
            if status == K.STATUS_NEEDS_GRAM_COLUMN:
                continue
            if (status == K.STATUS_CONVERGED or status == K.STATUS_STALLED
                    or epochs >= max_epochs or not polish):
                return status, epochs, gap
            rounds += 1
            polished = self._orthant_steps(ws, penalty, inner_tol)
            if polished is not None:
                return K.STATUS_CONVERGED, epochs, polished

    def _polish(self, ws, penalty) -> bool | None:
        """The orthant step of :meth:`ResidualCD._polish`, on the cached Gram columns; the
        correlations of ``ws`` follow the step."""
        active = _orthant_support(ws, self.coef, penalty, self.design.n_samples)
        if active is None:
            return None
        cache = self.gram_cache
        slots = cache.slot_of[active]
        if (slots < 0).any():
            return None
        system = np.empty((active.size, active.size), order="F")
        K.gram_block(cache.gram, active, slots, system)
        step = _orthant_step(system, self.datafit.xty_of(active), self.coef[active], penalty,
                             active, singular=True)
        if step is None:
            return None
        new, reached = step
        self.xtr[ws] -= cache.gram[np.ix_(ws, slots)] @ (new - self.coef[active])
        self.coef[active] = new
        return reached

    def _ensure_columns(self, needed: np.ndarray, penalty) -> None:
        """Compute the missing Gram columns of ``needed``, padded with likely next entrants.

        Each batch reads X once whatever its size, so a batch of one column costs nearly as
        much as a batch of ``gram_batch``: missing columns are computed together with those
        of the features most correlated with the residual (the next to enter a path).
        """
        cache = self.gram_cache
        missing = needed[cache.slot_of[needed] < 0]
        if not missing.size:
            return
        n_features = self.design.n_features
        pad = min(self.gram_batch - missing.size, n_features - cache.count - missing.size)
        if pad > 0:
            factors = penalty.factors if penalty.factors.size else np.ones(n_features)
            scores = np.full(n_features, np.inf)  # unpenalized features enter first
            np.divide(np.abs(self.xtr), factors, out=scores, where=factors > 0)
            scores[cache.slot_of >= 0] = -np.inf
            scores[missing] = -np.inf
            likely = np.argpartition(scores, -pad)[-pad:]
            missing = np.concatenate([missing, likely[scores[likely] > -np.inf]])
        cache.ensure(missing.astype(np.int32))

    def _moving(self, ws, penalty) -> np.ndarray:
        """Mask of the features of ``ws`` that are non-zero or would leave zero now."""
        threshold = penalty.l1 * (penalty.factors[ws] if penalty.factors.size else 1.0)
        return (self.coef[ws] != 0.0) | (np.abs(self.xtr[ws]) > threshold)


class MultiTaskCD(_Inner):
    """Least squares on T targets with the group penalty: the residuals ``Y - W X^T`` (T x n)
    kept as arrays, block coordinate descent on each working set's rows
    (``fastreg._kernels._multitask``).

    ``coef`` and ``xtr`` are T x p here (scikit-learn's ``coef_`` layout); the outer loop
    reaches them only through the penalty (:class:`~fastreg._engine.penalties.GroupElasticNet`).
    A feature's columns are read once per task in a step, so a step costs T times a
    single-task one; the residual's centering is one offset per task.
    """

    mode = "multitask"
    datafit: MultiTaskQuadratic

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        design = self.design
        self.residual = np.empty((self.datafit.n_tasks, design.n_samples))
        K.init_task_residuals(design.X_kernel, self.datafit.y, self.coef, design.x_mean,
                              self.residual)

    def offsets(self) -> np.ndarray:
        """``x_mean . W[t]`` for each task: the residuals' centering."""
        out = np.empty(self.coef.shape[0])
        K.task_offsets(self.design.X_kernel, self.design.x_mean, self.coef, out)
        return out

    def full_gap(self, penalty, candidates) -> float:
        design = self.design
        offsets = self.offsets()
        for t in range(self.coef.shape[0]):
            design.correlations(self.residual[t], offsets[t], 0.0, candidates, self.xtr[t])
        return K.multitask_gap_from_correlations(self.datafit.y, design.weights,
                                                 design.col_sqnorm, penalty, candidates,
                                                 self.coef, self.residual, offsets, self.xtr)

    def screening(self, penalty, gap, candidates):
        scale = K.group_dual_scale(penalty, self.xtr, self.coef, candidates)
        return penalty, scale, self.datafit.dual_radius(gap)

    def drop(self, features: np.ndarray) -> None:
        K.add_task_columns(self.design.X_kernel, features, self.coef, self.design.x_mean,
                           self.residual)
        self.coef[:, features] = 0.0

    def solve(self, ws, penalty, inner_tol, max_epochs, tol, shuffle_seed, *, settle=False):
        """Block CD on ``ws``, on a compact copy of its columns when sparse."""
        design = self.design
        columns = design.working_columns(ws)
        W = np.ascontiguousarray(columns.take(self.coef))
        xtr = np.ascontiguousarray(columns.take(self.xtr))
        result = K.multitask_cd(
            columns.X_kernel, self.datafit.y, design.weights, design.sum_weights,
            columns.take(design.x_mean), columns.take(design.col_sqnorm),
            localized(penalty, columns.take), columns.index.copy(),
            W, self.residual, xtr, max_epochs, inner_tol, tol, settle, self.gap_every,
            shuffle_seed, self.anderson)
        columns.put(self.coef, W)
        columns.put(self.xtr, xtr)
        return result

    def deviance(self) -> float:
        offsets = self.offsets()
        return K.task_sums(self.design.weights, self.residual, offsets, self.residual)[0]

    def intercept(self) -> np.ndarray:
        if not self.design.fit_intercept:
            return np.zeros(self.coef.shape[0])
        return self.datafit.y_offset - self.coef @ self.design.x_mean
