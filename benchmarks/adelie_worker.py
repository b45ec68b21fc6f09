"""A long-lived adelie process for the peer comparison (:class:`benchmarks.solvers.AdelieSolver`).

adelie pins ``numpy<2``, so it lives in a virtual environment of its own and this script runs
there, importing nothing from the project.  It reads one JSON request per line on stdin and
answers one JSON line on its original stdout (anything adelie prints goes to stderr):

- ``{"load": DIR}``: the problem of ``DIR`` (``y.npy`` and either ``X.npy`` or the CSC arrays
  ``data.npy``, ``indices.npy``, ``indptr.npy``, ``shape.npy``), kept for the fits after it;
- ``{"fit": ALPHAS, "tol": TOL, "intercept": BOOL, "out": FILE}``: a Lasso path over the
  decreasing ``ALPHAS`` (one value for a single fit), timed here around ``grpnet`` alone (the
  pipe and the files are the harness's cost, not adelie's); the coefficients, shape
  ``(n_features, n_alphas)``, go to ``FILE`` and the answer carries the intercepts and
  seconds.

adelie's Gaussian loss is ``1/(2n) ||y - X b - b0||^2`` (weights ``1/n``), so its ``lambda``
is scikit-learn's Lasso ``alpha``; ``alpha=1`` is the pure L1 penalty, each feature its own
group with factor 1, and ``early_exit=False`` keeps it on the whole path.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _load(directory):
    import numpy as np
    import scipy.sparse as sp

    y = np.load(os.path.join(directory, "y.npy"))
    dense = os.path.join(directory, "X.npy")
    if os.path.exists(dense):
        X = np.asfortranarray(np.load(dense))
    else:
        parts = [np.load(os.path.join(directory, f"{name}.npy"))
                 for name in ("data", "indices", "indptr", "shape")]
        X = sp.csc_matrix(tuple(parts[:3]), shape=tuple(parts[3]))
    return X, y


def _matrix(X):
    import adelie as ad
    import scipy.sparse as sp

    if sp.issparse(X):
        return ad.matrix.sparse(X, method="naive", n_threads=1)
    return ad.matrix.dense(X, method="naive", n_threads=1)


def _fit(X, y, request):
    import adelie as ad
    import numpy as np

    alphas = np.asarray(request["fit"], dtype=np.float64)
    start = time.perf_counter()
    state = ad.solver.grpnet(
        _matrix(X), ad.glm.gaussian(y), lmda_path=alphas, tol=request["tol"],
        intercept=request["intercept"], early_exit=False, progress_bar=False, n_threads=1,
    )
    seconds = time.perf_counter() - start
    betas = state.betas.toarray()  # (solved alphas, n_features)
    np.save(request["out"], np.ascontiguousarray(betas.T))
    return {"seconds": seconds, "intercepts": [float(b) for b in state.intercepts],
            "solved": int(betas.shape[0])}


def main():
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # adelie's own output to stderr
    X = y = None
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if "load" in request:
                X, y = _load(request["load"])
                answer = {"loaded": list(X.shape)}
            else:
                answer = _fit(X, y, request)
        except Exception as exc:  # reported to the harness, which records the solver failed
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
