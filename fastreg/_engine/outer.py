"""The one outer loop every datafit and penalty share: warm starts, the strong set, working
sets, Gap Safe screening, the final certificate.

:func:`make_problem` bundles the data, the datafit and the penalty factors; a
:class:`Solver` keeps the state of one problem across alphas (a path warm-starts from one
alpha to the next) and solves each alpha with the inner solver its datafit pairs with
(``fastreg._engine.solvers``).  See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _kernels as K
from .._validation import check_bounds, check_coef_init, check_penalty_factor
from .data import Design, make_design
from .datafits import DATAFITS, Logistic, MultiTaskQuadratic
from .newton import ProxNewton
from .penalties import ElasticNet, GroupElasticNet
from .solvers import CovarianceCD, MultiTaskCD, ResidualCD

DEFAULT_MAX_ITER = 1000
# Covariance updates may keep a p x p Gram matrix; "auto" never picks them for larger p.
GRAM_MAX_FEATURES = 2048
# Below this tol, least squares also waits for a settled epoch (largest coordinate step at
# most tol times the largest coefficient: scikit-learn's condition for checking its gap)
# before the gap may end a fit.  The gap bounds the objective's excess, to which an error in
# the coefficients contributes quadratically: a gap of tol times the null deviance leaves
# them accurate to about sqrt(tol) only (l1_ratio=0 fits at tol=1e-11 stopped 30 times
# outside scikit-learn's 5e-7 relative tolerance against Ridge), and with an L1 part the gap
# is a difference of sums of the deviance's size, whose rounding (n eps of it) such a tol
# approaches.  Who asks for such a tol asks for settled coefficients, as scikit-learn's tol
# promises them: its own tests need ElasticNet(alpha=0, tol=1e-15) to reproduce least
# squares to 1e-11, and fits at tol=1e-9 in random and in cyclic order to agree to 1e-7
# relative, where the gap alone left them 1.5e-7 apart.  At and above it nothing changes
# and the gap alone decides, as at the tolerances the benchmarks run at (1e-4 to 1e-7: their
# target is a gap of 1e-6), where the step condition would cost epochs without improving
# the certificate.
SETTLE_BELOW_TOL = 1e-7


@dataclass(frozen=True, eq=False)
class SolveResult:
    """The solution of one fit and its certificate.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_tasks, n_features)
        The coefficients, in X's dtype (the solver itself works in float64); T x p for the
        multi-task datafit.
    intercept : float or ndarray of shape (n_tasks,)
        The intercept (0.0 without ``fit_intercept``), one per task for the multi-task
        datafit.
    dual_gap : float
        The duality gap reached, in the objective's units (an upper bound on the distance of
        the objective to its minimum).
    gap_tol : float
        The gap the fit had to reach: ``tol`` times the null model's deviance over
        ``sum_i s_i`` (for least squares ``tol * sum_i s_i (y_i - ybar)^2 / sum_i s_i``).
    n_iter : int
        Coordinate-descent epochs run, over all working sets (0 when the starting point is
        already certified, e.g. at ``alpha >= alpha_max``).
    converged : bool
        Whether ``dual_gap <= gap_tol``.
    mode : str
        The inner solver: ``"residual"`` or ``"gram"`` (residual or covariance updates,
        least squares), ``"newton"`` (proximal Newton, logistic loss), ``"multitask"``
        (block CD on several targets).
    alpha : float
        The regularization strength solved for.
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    dual_gap: float
    gap_tol: float
    n_iter: int
    converged: bool
    mode: str
    alpha: float = float("nan")


@dataclass(frozen=True, eq=False)
class Problem:
    """The data, the datafit and the penalty factors of a fit: what every alpha shares."""

    design: Design
    datafit: object
    penalty_factor: np.ndarray  # empty: every factor is 1
    lower_bounds: np.ndarray = field(default_factory=lambda: np.empty(0))  # empty: none
    upper_bounds: np.ndarray = field(default_factory=lambda: np.empty(0))  # empty: none
    # The L2 part's factors where they differ from penalty_factor (standardized fits).
    l2_factors: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def X(self):
        """X in canonical form (the caller's own array when it already was)."""
        return self.design.X

    @property
    def n_samples(self) -> int:
        return self.design.n_samples

    @property
    def n_features(self) -> int:
        return self.design.n_features

    @property
    def dtype(self) -> np.dtype:
        return self.design.dtype

    @property
    def sum_weights(self) -> float:
        return self.design.sum_weights

    @property
    def coef_shape(self) -> tuple[int, ...]:
        """``(n_features,)``, or ``(n_tasks, n_features)`` for the multi-task datafit."""
        if isinstance(self.datafit, MultiTaskQuadratic):
            return (self.datafit.n_tasks, self.n_features)
        return (self.n_features,)

    def penalty(self, positive: bool = False) -> ElasticNet:
        """The Elastic Net with the problem's bounds, or its group form on the rows of W for
        the multi-task datafit.  ``positive`` is the lower bound 0 (tightening the problem's
        own lower bounds where they are negative)."""
        if isinstance(self.datafit, MultiTaskQuadratic):
            if positive:
                # scikit-learn's words for its path functions' 2-D y.
                raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
            return GroupElasticNet(self.penalty_factor)
        lower, upper = self.lower_bounds, self.upper_bounds
        if not (lower.size or upper.size):
            return ElasticNet(self.penalty_factor, positive, l2_factors=self.l2_factors)
        if positive:
            lower = np.maximum(lower, 0.0) if lower.size else np.zeros(self.n_features)
        return ElasticNet(self.penalty_factor, False, lower, upper, self.l2_factors)

    def alpha_max(self, l1_ratio: float = 1.0, positive: bool = False) -> float:
        """Smallest alpha with an all-zero solution (see :meth:`ElasticNet.alpha_max`)."""
        return self.penalty(positive).alpha_max(self.datafit.null_correlations(), l1_ratio,
                                                self.sum_weights)


def make_problem(X, y, *, sample_weight=None, penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, fit_intercept=True, standardize: bool = False,
                 loss: str = "squared", design: Design | None = None) -> Problem:
    """Validate the data once and compute what every alpha shares.

    ``loss`` is ``"squared"``, ``"logistic"`` (labels -1 and +1) or ``"multitask"`` (least
    squares on the columns of a 2-D ``y`` with the group penalty).  A ``design`` made by
    :func:`~fastreg._engine.data.make_design` for the same X, weights and intercept may be
    passed to share its column statistics among several targets.  ``lower_bounds`` /
    ``upper_bounds`` (a scalar or one value per feature) bound the coefficients (see
    :func:`~fastreg._validation.check_bounds`).  ``standardize`` fits as if every column had
    unit weighted variance (:func:`standardized_factors`).
    """
    if design is None:
        design = make_design(X, sample_weight=sample_weight, fit_intercept=fit_intercept)
    datafit = DATAFITS[loss](design, y)
    factors = check_penalty_factor(penalty_factor, design.n_features, np.float64)
    lower, upper = check_bounds(lower_bounds, upper_bounds, design.n_features)
    if (lower.size or upper.size) and isinstance(datafit, MultiTaskQuadratic):
        raise ValueError("lower_bounds and upper_bounds are not supported for multi-output "
                         "(y.ndim != 1).")
    if not standardize:
        return Problem(design, datafit, factors, lower, upper)
    if isinstance(datafit, MultiTaskQuadratic):
        raise ValueError("standardize=True is not supported for multi-output (y.ndim != 1).")
    factors, l2_factors = standardized_factors(design, factors)
    return Problem(design, datafit, factors, lower, upper, l2_factors)


def standardized_factors(design: Design, factors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The penalty factors ``(f_j sd_j, f_j sd_j^2)`` of the L1 and L2 parts that make a fit
    on X equal to the fit on the columns ``x_j / sd_j`` followed by ``w_j = v_j / sd_j``
    (glmnet's ``standardize=TRUE``), where ``sd_j`` is the weighted standard deviation of
    column j (its root mean square when there is no intercept: the centering then does not
    happen either).

    In terms of ``w_j = v_j / sd_j`` the standardized problem's penalty
    ``f_j (l1 |v_j| + l2 / 2 v_j^2)`` is ``l1 f_j sd_j |w_j| + l2 / 2 f_j sd_j^2 w_j^2`` and
    its loss is the loss of ``w`` on X, so X itself is never scaled, copied or densified.
    A constant column keeps ``sd_j = 1``: its centered column is zero (``column_stats``
    decides what is constant, from a two-pass spread that stays exact when the mean is 1e8
    times the spread), and so is its coefficient.
    """
    sd = np.sqrt(design.col_sqnorm / design.sum_weights)
    sd[sd == 0.0] = 1.0
    base = factors if factors.size else np.ones(design.n_features)
    return base * sd, base * sd * sd


def check_precompute(precompute) -> bool | str:
    if isinstance(precompute, str) and precompute == "auto":
        return precompute
    if isinstance(precompute, (bool, np.bool_)):
        return bool(precompute)
    raise ValueError(
        f"precompute must be 'auto', True or False, got {precompute!r} (a Gram matrix is "
        "taken by the ElasticNet and Lasso estimators only).")


def choose_mode(problem: Problem, precompute, n_alphas: int = 1) -> str:
    """The inner solver: "newton" for the logistic loss; for least squares "gram"
    (correlations and full Gram columns) or "residual".

    "auto" keeps Gram columns only along a path on data with ``n >= p`` (and a p x p Gram
    that fits in memory): one column costs as much as one pass over X, which a path pays
    for every working-set round of every alpha, so the columns of the features that ever
    enter are the cheaper currency there (the benchmarks' tall_dense path: 0.95 s against 13 s).
    A single fit keeps the residual, and covariance updates run on each working set's own
    Gram block when its epochs pay for it (see ``ResidualCD._block_after``): full
    columns cost n p per feature where a block costs n k, and tall_dense fits ran 1.2-1.7x
    faster without them.
    """
    precompute = check_precompute(precompute)
    if isinstance(problem.datafit, Logistic):
        return "newton"
    if isinstance(problem.datafit, MultiTaskQuadratic):
        return "multitask"
    if precompute == "auto":
        precompute = (n_alphas > 1 and problem.n_samples >= problem.n_features
                      and problem.n_features <= GRAM_MAX_FEATURES)
    return "gram" if precompute else "residual"


class Solver:
    """Solver state for one problem, reused across alphas (warm starts).

    Each :meth:`run` solves one alpha with working sets (Massias, Gramfort and Salmon 2018,
    "Celer"; Bertrand et al. 2022, "skglm"): the inner solver runs on a small set of
    features ranked by how far they are from meeting their optimality condition, and the set
    grows until the duality gap of the *whole* problem certifies the solution.  Gap Safe
    screening (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017) discards, at each full
    pass, features whose coefficient is provably zero at this alpha.  Along a path, each
    alpha first solves the sequential strong set (Tibshirani et al. 2012) from the previous
    alpha's correlations.  The inner solvers use Anderson extrapolation (Bertrand and Massias
    2021).  Nothing here depends on the loss: the datafit's inner solver computes the gap
    and the correlations the loop ranks and screens by.

    Parameters
    ----------
    problem : Problem
    precompute : {"auto", True, False}
        Least squares only: True keeps full Gram columns (see :func:`choose_mode`), False
        keeps the residual and never builds a Gram block, "auto" chooses.
    coef_init : ndarray of shape (n_features,), optional
        Starting coefficients (copied).
    working_set : bool, default=True
        Solve on growing working sets; False runs the inner solver on every feature.
    screening : bool, default=True
        Gap Safe screening.  It is skipped when some feature is unpenalized or the penalty has
        no L1 part, where the gap is not a strict bound.
    n_alphas : int, default=1
        How many alphas will be solved (a path amortizes Gram columns).
    intercept_init : float, optional
        Starting intercept of the logistic loss (default: the intercept-only model's); least
        squares profiles the intercept out and needs none.
    """

    # Epochs between two gap evaluations of the residual kernel (a gap costs an epoch).
    gap_every = 10
    # The first working set's size, and the inner tolerance as a fraction of the global gap.
    min_working_set = 10
    inner_gap_ratio = 0.3
    # A global gap within this factor of the last working set's own gap: nothing outside the
    # set matters any more.
    settled_ratio = 1.5
    # Working-set rounds per alpha (each adds the features nearest to violating optimality).
    max_outer = 100
    # Iterates per Anderson extrapolation of the inner solvers (0: no acceleration).
    anderson = 5

    def __init__(self, problem: Problem, precompute="auto", coef_init=None, *,
                 working_set: bool = True, screening: bool = True, n_alphas: int = 1,
                 intercept_init: float | None = None):
        self.problem = problem
        design = problem.design
        self.mode = choose_mode(problem, precompute, n_alphas)
        self.working_set = working_set
        self.screening = screening
        self.coef = check_coef_init(coef_init, problem.coef_shape, np.float64)
        lower, upper = problem.penalty().bound_arrays(problem.n_features) if (
            problem.lower_bounds.size or problem.upper_bounds.size) else (-np.inf, np.inf)
        if ((self.coef < lower) | (self.coef > upper)).any():
            raise ValueError("coef_init must lie within lower_bounds and upper_bounds.")
        # X_c^T r at the last full pass: the gap, the ranking and the strong rule use it.
        # The covariance solver updates it in place (its "q").
        self.xtr = np.zeros(problem.coef_shape)
        options = dict(anderson=self.anderson, gap_every=self.gap_every,
                       unpenalized=np.flatnonzero(problem.penalty_factor == 0.0).astype(
                           np.int32))
        if self.mode == "multitask":
            self.inner = MultiTaskCD(design, problem.datafit, self.coef, self.xtr, **options)
        elif self.mode == "newton":
            self.inner = ProxNewton(design, problem.datafit, self.coef, self.xtr,
                                    intercept_init=intercept_init, **options)
        elif self.mode == "residual":
            self.inner = ResidualCD(design, problem.datafit, self.coef, self.xtr,
                                    blocks=check_precompute(precompute) == "auto", **options)
        else:
            self.inner = CovarianceCD(design, problem.datafit, self.coef, self.xtr,
                                      all_columns=n_alphas > 1, **options)
        self.previous_l1 = None
        self.fresh = None

    def run(self, alpha: float, l1_ratio: float, *, positive: bool, tol: float,
            max_iter: int, shuffle_seed: int = -1) -> SolveResult:
        """Minimise for one alpha from the current state; the state moves to the solution.

        ``max_iter`` bounds the coordinate-descent epochs on each working set; the result's
        ``n_iter`` counts the epochs on all of them.  ``shuffle_seed >= 0`` visits the
        features in a random order drawn from that seed each epoch (scikit-learn's
        ``selection="random"``); -1 cycles through them in order.

        With ``tol < SETTLE_BELOW_TOL`` every least-squares solve also waits for its
        coordinate steps to settle (see there); a fit that runs out of epochs first is still
        converged when its gap is within tolerance, and warns as before when it is not.
        """
        problem, inner = self.problem, self.inner
        spec = problem.penalty(positive)
        penalty = spec.kernel(alpha, l1_ratio, problem.sum_weights)
        gap_tol = tol * problem.datafit.null_deviance
        can_screen = self.screening and penalty.l1 > 0 and spec.all_penalized()
        candidates = problem.design.all_features()
        strong = (self._strong_set(spec, penalty.l1)
                  if self.working_set and penalty.l1 > 0 else None)
        self.previous_l1 = penalty.l1
        settle = tol < SETTLE_BELOW_TOL
        n_epochs = 0
        if strong is not None:
            # Along a path the previous alpha's last pass gives the correlations: the strong
            # set is solved before any pass over X, and often needs only the certifying one.
            _, n_epochs, _ = inner.solve(strong, penalty, gap_tol, max_iter, tol, shuffle_seed,
                                         settle=settle)
        ws_size = max(self.min_working_set, 0 if strong is None else strong.size,
                      2 * self._n_active(spec))
        gap = inner.full_gap(penalty, candidates)
        ws_gap = 0.0
        for _ in range(self.max_outer):
            if gap <= gap_tol:
                break
            if can_screen:
                candidates = self._screen(spec, penalty, gap, candidates)
            if self.working_set and penalty.l1 > 0 and ws_size < candidates.size:
                ws, covered = self._working_set(spec, penalty, candidates, ws_size)
                # The last round's working set held nearly all of the global gap, and this one
                # holds every violating feature: the rest of the problem is settled, and
                # solving the set to a fraction of the gap, round after round, would only
                # restart the inner solver (for the logistic loss, its Newton steps).
                final = covered and gap <= self.settled_ratio * ws_gap
            else:
                ws, final = candidates.copy(), True
            inner_tol = gap_tol if final else max(gap_tol, self.inner_gap_ratio * gap)
            status, epochs, ws_gap = inner.solve(ws, penalty, inner_tol, max_iter, tol,
                                                 shuffle_seed, settle=settle)
            n_epochs += epochs
            previous_gap, gap = gap, inner.full_gap(penalty, candidates)
            # The whole problem out of epochs, or at its rounding floor, ends the fit; a
            # settled working set that ran out of epochs is solved on from where it stopped in
            # the next round (max_iter bounds the epochs of each working set): stopping there
            # left wide_dense's Lasso at alpha_max/100 unconverged with the default max_iter.
            if final and status != K.STATUS_CONVERGED and (
                    status != K.STATUS_MAX_ITER or ws.size >= candidates.size):
                break
            ws_size = max(ws.size, 2 * self._n_active(spec))
            if gap >= previous_gap:
                # The working set solved to its tolerance moved nothing: what is left of the
                # gap lies outside it, so the next set must be larger whatever its cap.
                ws_size = max(ws_size, 2 * ws.size)
        self.fresh = candidates  # the features whose correlations xtr holds at this point
        coef = self.coef.astype(problem.dtype)
        return SolveResult(
            coef=coef,
            intercept=self._intercept_for(coef),
            dual_gap=gap / problem.sum_weights,
            gap_tol=gap_tol / problem.sum_weights,
            n_iter=n_epochs,
            converged=bool(gap <= gap_tol),
            mode=self.mode,
            alpha=alpha,
        )

    def _intercept_for(self, coef: np.ndarray):
        """The intercept that goes with ``coef``, the coefficients rounded to X's dtype: it
        keeps the predictions at the columns' means, where the fit's own (float64)
        coefficients put them.  Rounding a float32 coefficient of a column of mean 1e6
        moves ``x w`` by up to ``eps32 1e6 |w|`` (0.06 |w|); the intercept absorbs the move
        at the mean, leaving the rounding of the centered values."""
        intercept = self.inner.intercept()
        if coef.dtype == np.float64:
            return intercept
        moved = self.coef - coef.astype(np.float64)
        return intercept + (moved @ self.problem.design.x_mean if moved.ndim == 2 else
                            float(K.dot(self.problem.design.x_mean, moved)))

    def deviance(self) -> float:
        """The datafit's deviance at the current coefficients (twice the loss; for least
        squares ``sum_i s_i r_i^2`` of the centered residual)."""
        return self.inner.deviance()

    def _n_active(self, spec: ElasticNet) -> int:
        """How many features have a non-zero coefficient (for any task)."""
        return int(np.count_nonzero(spec.active(self.coef)))

    def _screen(self, spec, penalty, gap, candidates) -> np.ndarray:
        """The candidates Gap Safe screening keeps; screened coefficients are set to zero."""
        view, scale, radius = self.inner.screening(penalty, gap, candidates)
        dropped = np.empty(self._n_active(spec), dtype=np.int32)
        kept, n_dropped = spec.gap_safe_screen(self.problem.design.col_sqnorm, view, scale,
                                               radius, self.xtr, self.coef, candidates,
                                               dropped)
        if n_dropped:
            self.inner.drop(dropped[:n_dropped])
        return candidates[:kept]

    def _strong_set(self, spec: ElasticNet, l1: float) -> np.ndarray | None:
        """The active features and those the sequential strong rule expects to enter, from
        the correlations of the previous alpha's last pass; None without a larger previous
        alpha, or if empty."""
        if self.fresh is None or self.previous_l1 is None or self.previous_l1 <= l1:
            return None
        # The union as a mask: np.union1d sorts, which cost more than the strong rule itself
        # on a path of small problems (about 13 us per alpha).
        members = spec.active(self.coef)
        members[spec.strong_features(self.xtr, self.fresh, l1, self.previous_l1)] = True
        strong = np.flatnonzero(members).astype(np.int32)
        return strong if strong.size else None

    def _working_set(self, spec, penalty, candidates, size) -> tuple[np.ndarray, bool]:
        """The candidates nearest to violating their optimality condition, sorted: ``size``
        of them, or up to twice as many while many violate it; and whether every violating
        candidate is among them.

        Features are ranked by ``(l1 f_j - |x_j^T r - l2 f_j w_j|) / ||x_j||`` at the
        current point: the most negative, the largest decrease a step on that feature alone
        would bring.  The dual point scaled into the feasible set (celer's ranking) ranks the
        same way when the column norms are equal; on text data, where they span orders of
        magnitude, it put the rare words' violations last and the solver needed 17 rounds on
        the benchmarks' text_like instead of 4.
        """
        problem = self.problem
        score = np.empty(candidates.size)
        args = (penalty, problem.design.col_sqnorm, self.xtr, self.coef, candidates, score)
        violators = spec.violation_scores(*args)
        # While many features violate their optimality condition, the set doubles: growing
        # it by 2 x (active features) alone took 16 rounds on the benchmarks' text_like.  Not
        # beyond n_samples, a Lasso's largest support: with p >> n a set of several times n
        # correlated features took 3x more epochs (wide_dense).  (An Elastic Net's support
        # can be larger: ``run`` doubles a set that stalls, past this cap.)
        active = self._n_active(spec)
        grown = min(2 * size, active + violators, problem.n_samples)
        size = min(max(size, grown), candidates.size)
        # Partitioning in place and scoring again costs O(p) time but no index array of size
        # p (memory matters when p is in the millions).
        score.partition(size - 1)
        threshold = score[size - 1]
        spec.violation_scores(*args)
        chosen = np.flatnonzero(score < threshold)
        if chosen.size < size and threshold < np.inf:  # ties at the threshold fill the rest
            ties = np.flatnonzero(score == threshold)[:size - chosen.size]
            chosen = np.sort(np.concatenate([chosen, ties]))
        # Active and unpenalized features score -inf and violators below 0: they come first.
        covered = threshold >= 0.0 or size >= violators + np.count_nonzero(score == -np.inf)
        return candidates[chosen], bool(covered)
