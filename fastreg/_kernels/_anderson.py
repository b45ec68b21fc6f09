"""Anderson extrapolation of coordinate-descent iterates (Bertrand and Massias 2021,
"Anderson acceleration of coordinate descent", AISTATS).

Coordinate descent on a quadratic converges linearly along few directions; a weighted
combination of the last K+1 iterates whose weights minimise the norm of the combined
differences jumps ahead along them.  The caller keeps the extrapolated point only where the
objective decreases, so convergence is never at risk.
"""

import numpy as np

from ._jit import njit


@njit
def record(history, epoch, w, order):
    """Store ``w[order]`` as iterate number ``epoch`` of the current batch; returns True when
    the batch (``history.shape[0]`` iterates) is complete."""
    filled = epoch % history.shape[0]
    for k in range(order.shape[0]):
        history[filled, k] = w[order[k]]
    return filled == history.shape[0] - 1


@njit
def extrapolate(history, diffs, out):
    """Write into ``out`` the Anderson combination of the rows of ``history`` (oldest first).

    With ``U`` the K successive differences of the K+1 iterates, the weights ``c`` solve
    ``min ||U^T c||`` subject to ``sum(c) = 1``, i.e. ``c = z / sum(z)`` with ``(U U^T) z =
    1``; ``out = sum_k c_k history[k + 1]``.  ``diffs`` is K x m scratch space.  Returns False
    (and leaves ``out`` undefined) when the system is degenerate.
    """
    n_diffs = diffs.shape[0]
    for k in range(n_diffs):
        diffs[k] = history[k + 1] - history[k]
    gram = diffs @ diffs.T
    trace = np.trace(gram)
    if not trace > 0.0:
        return False
    # A tiny ridge keeps the system solvable when the differences are nearly collinear.
    for k in range(n_diffs):
        gram[k, k] += 1e-10 * trace
    z = np.linalg.solve(gram, np.ones(n_diffs))
    total = z.sum()
    if total == 0.0 or not np.isfinite(total):
        return False
    out[:] = 0.0
    for k in range(n_diffs):
        out += (z[k] / total) * history[k + 1]
    return True
