"""LassoCV against scikit-learn's: 5 folds, 100 alphas, on ``tall_dense`` and ``sparse_wide``.

Both estimators get the same problem, the same folds (5-fold ``KFold`` without shuffling, the
default ``cv=5`` of both) and the same tolerance (``tol`` has the same meaning in both), with
``n_jobs`` fold jobs.  fastreg is run once first to warm up (Numba compiles its kernels or
loads them from its cache; scikit-learn has nothing to compile, and one of its runs takes a
quarter of an hour on ``sparse_wide``), then each is run ``--repeats`` times.  The table gives
the median wall time, the ratio scikit-learn / fastreg, the chosen alphas, the non-zeros of
fastreg's final fit and the largest relative difference of ``mse_path_``.  BLAS runs on
``--blas-threads`` threads (default 1: one core each; on a shared machine multithreaded BLAS
makes scikit-learn's Gram products vary several-fold from run to run)::

    python -m benchmarks.bench_cv                       # scale-1 sizes (over an hour)
    python -m benchmarks.bench_cv --scale 0.1           # a quick look
    python -m benchmarks.bench_cv --problems tall_dense --repeats 5 --n-jobs 2
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from fastreg.cv import LassoCV

from .problems import get_problem

PROBLEMS = ("tall_dense", "sparse_wide")
N_FOLDS = 5
N_ALPHAS = 100


def _time_fit(make, X, y, repeats, warm_up):
    """Median wall time of ``repeats`` fits (after one untimed fit); the last fitted model."""
    if warm_up:
        make().fit(X, y)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model = make().fit(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times), model


def run(problems=PROBLEMS, scale=1.0, repeats=3, n_jobs=1, tol=1e-4, eps=1e-3):
    """Time both estimators on each problem; return one dict per problem."""
    rows = []
    for name in problems:
        X, y = get_problem(name, scale=scale)
        params = dict(cv=KFold(N_FOLDS), alphas=N_ALPHAS, eps=eps, tol=tol, n_jobs=n_jobs)
        ours_time, ours = _time_fit(lambda params=params: LassoCV(**params), X, y, repeats,
                                    warm_up=True)
        theirs_time, theirs = _time_fit(lambda params=params: SkLassoCV(**params), X, y,
                                        repeats, warm_up=False)
        rows.append(dict(
            problem=name, shape="x".join(map(str, X.shape)), fastreg=ours_time,
            sklearn=theirs_time, ratio=theirs_time / ours_time, alpha=ours.alpha_,
            sk_alpha=theirs.alpha_, nnz=int(np.count_nonzero(ours.coef_)),
            mse_diff=float(np.max(np.abs(ours.mse_path_ / theirs.mse_path_ - 1)))))
        print(format_table(rows[-1:]), flush=True)
    return rows


def format_table(rows):
    header = (f"{'problem':<12} {'shape':>13} {'fastreg (s)':>11} {'sklearn (s)':>11} "
              f"{'ratio':>6} {'alpha_':>10} {'sk alpha_':>10} {'nnz':>5} {'mse rel diff':>12}")
    lines = [header]
    for r in rows:
        lines.append(f"{r['problem']:<12} {r['shape']:>13} {r['fastreg']:>11.2f} "
                     f"{r['sklearn']:>11.2f} {r['ratio']:>6.1f} {r['alpha']:>10.4g} "
                     f"{r['sk_alpha']:>10.4g} {r['nnz']:>5} {r['mse_diff']:>12.1e}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=PROBLEMS)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="problem size factor (1: the full sizes)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each library")
    parser.add_argument("--n-jobs", type=int, default=1, help="fold jobs for both libraries")
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--eps", type=float, default=1e-3)
    parser.add_argument("--blas-threads", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"LassoCV, {N_FOLDS} folds, {N_ALPHAS} alphas, eps={args.eps}, tol={args.tol}, "
          f"n_jobs={args.n_jobs}, BLAS threads={args.blas_threads}, scale={args.scale}: median "
          f"of {args.repeats} runs (fastreg after a warm-up run)", flush=True)
    with threadpool_limits(args.blas_threads):
        rows = run(args.problems, scale=args.scale, repeats=args.repeats, n_jobs=args.n_jobs,
                   tol=args.tol, eps=args.eps)
    print("\nAll problems:")
    print(format_table(rows))


if __name__ == "__main__":
    main()
