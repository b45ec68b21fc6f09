"""Numba kernels: NumPy and Numba only, no validation, no warnings, no Python objects.

Layout: ``_jit`` (the one decorator), ``_primitives`` (the format-aware column operations),
``_linalg`` (whole-matrix operations on implicitly centered X), ``_penalty`` (the penalty's
per-coordinate operations), ``_gap`` (least-squares duality gap), ``_cd`` (residual-update
coordinate descent), ``_gram`` (covariance-update coordinate descent), ``_logistic`` (the
logistic loss, its Newton weights and duality gap), ``_screening`` (working-set ranking, Gap
Safe screening), ``_multitask`` (the multi-task Elastic Net's block steps, gap and
screening on rows).  See docs/architecture.md.
"""

from ._cd import (
    STATUS_CONVERGED,
    STATUS_MAX_ITER,
    STATUS_NEEDS_GRAM_COLUMN,
    STATUS_STALLED,
    gap_from_correlations,
    residual_cd,
    residual_gap,
)
from ._gap import bound_terms
from ._gram import block_cd, gram_block, gram_columns, gram_correlations, gram_gap
from ._linalg import (
    CONSTANT_RELATIVE,
    add_columns,
    column_stats,
    correlations,
    dot,
    explicit_offset,
    implicit_offset,
    init_residual,
    take_columns,
    weighted_sums,
)
from ._logistic import logistic_gap, logistic_loss, logistic_residual, newton_weights
from ._multitask import (
    GroupElasticNetPenalty,
    add_task_columns,
    group_dual_scale,
    group_gap_safe_screen,
    group_violation_scores,
    init_task_residuals,
    multitask_cd,
    multitask_gap_from_correlations,
    task_correlations,
    task_offsets,
    task_sums,
)
from ._penalty import BoxPenalty, ElasticNetPenalty, total_value
from ._primitives import CscMatrix, col_axpy, col_dot, col_moments
from ._screening import dual_scale, gap_safe_screen, violation_scores

__all__ = [
    "CONSTANT_RELATIVE",
    "STATUS_CONVERGED",
    "STATUS_MAX_ITER",
    "STATUS_NEEDS_GRAM_COLUMN",
    "STATUS_STALLED",
    "CscMatrix",
    "BoxPenalty",
    "ElasticNetPenalty",
    "bound_terms",
    "explicit_offset",
    "implicit_offset",
    "GroupElasticNetPenalty",
    "add_columns",
    "add_task_columns",
    "block_cd",
    "col_axpy",
    "col_dot",
    "col_moments",
    "column_stats",
    "correlations",
    "dot",
    "dual_scale",
    "gap_from_correlations",
    "gap_safe_screen",
    "gram_columns",
    "group_dual_scale",
    "group_gap_safe_screen",
    "group_violation_scores",
    "gram_block",
    "gram_correlations",
    "gram_gap",
    "init_residual",
    "init_task_residuals",
    "logistic_gap",
    "logistic_loss",
    "logistic_residual",
    "multitask_cd",
    "multitask_gap_from_correlations",
    "newton_weights",
    "residual_cd",
    "residual_gap",
    "take_columns",
    "task_correlations",
    "task_offsets",
    "task_sums",
    "total_value",
    "violation_scores",
    "weighted_sums",
]
