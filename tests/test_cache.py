"""Numba's on-disk cache: a new process fitting a canonical problem compiles nothing."""

import json
import subprocess
import sys
import textwrap

import fastreg

#: Appended to a script run in a fresh process: its kernels' cache hits and misses as JSON
#: (with ``seconds`` when the script set it).
REPORT = textwrap.dedent("""
    from numba.core.registry import CPUDispatcher
    kernels = [obj for module in ({modules}) for obj in vars(module).values()
               if isinstance(obj, CPUDispatcher)]
    print(json.dumps({{
        "hits": sum(sum(k.stats.cache_hits.values()) for k in kernels),
        "misses": sum(sum(k.stats.cache_misses.values()) for k in kernels),
        "seconds": globals().get("seconds"),
    }}))
""")

FIT_AND_REPORT = textwrap.dedent("""
    import json, time
    import numpy as np, scipy.sparse as sp
    start = time.perf_counter()
    import fastreg
    from fastreg._kernels import _cd, _gram, _linalg, _logistic, _screening
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(60, 30)))
    y = X[:, 0] + rng.normal(size=60)
    for data in (X, sp.csc_matrix(X), X.astype(np.float32)):
        for precompute in (False, True):
            fastreg.Lasso(alpha=0.05, precompute=precompute).fit(data, y)
        fastreg.LogisticRegression(C=1.0, l1_ratio=0.5).fit(data, y > 0)
    seconds = time.perf_counter() - start
""") + REPORT.format(modules="_cd, _gram, _linalg, _logistic, _screening")


def run_fresh_process(script=FIT_AND_REPORT):
    output = subprocess.run([sys.executable, "-c", script], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_second_process_loads_every_kernel_from_cache():
    fastreg.warmup()  # make sure the cache holds the canonical specializations
    first = run_fresh_process()  # fills the cache with anything warmup did not cover
    second = run_fresh_process()
    assert second["misses"] == 0, f"recompiled in a fresh process: {second}"
    assert second["hits"] > 0
    assert first["hits"] + first["misses"] > 0


FIT_INT64_INDICES = textwrap.dedent("""
    import json
    import numpy as np, scipy.sparse as sp
    import fastreg
    from fastreg._kernels import _cd, _gram, _linalg, _logistic, _multitask, _screening
    rng = np.random.default_rng(1)
    X = sp.random(80, 40, density=0.3, format="csc", random_state=1)
    X.indices = X.indices.astype(np.int64)
    X.indptr = X.indptr.astype(np.int64)
    y = X @ rng.normal(size=40) + rng.normal(size=80)
    fastreg.Lasso(alpha=0.01).fit(X, y)
    fastreg.LogisticRegression(C=1.0).fit(X, y > np.median(y))
    fastreg.MultiTaskLasso(alpha=0.01).fit(X, np.c_[y, -y])
""") + REPORT.format(modules="_cd, _gram, _linalg, _logistic, _multitask, _screening")


def test_warmup_covers_int64_indices():
    # A CSC matrix past 2**31 stored values has int64 indices: its first fit after warmup()
    # must not spend a minute compiling.
    fastreg.warmup()
    counts = run_fresh_process(FIT_INT64_INDICES)
    assert counts["misses"] == 0, counts
    assert counts["hits"] > 0


FIT_BOUNDED_AND_STANDARDIZED = textwrap.dedent("""
    import json
    import numpy as np, scipy.sparse as sp
    import fastreg
    from fastreg._kernels import _cd, _gram, _linalg, _logistic, _screening
    rng = np.random.default_rng(2)
    X = np.asfortranarray(rng.normal(size=(60, 40)) * rng.uniform(0.1, 10, 40))
    y = X[:, :3].sum(axis=1) + rng.normal(size=60)
    for data in (X, sp.csc_matrix(X), X.astype(np.float32)):
        fastreg.Lasso(alpha=0.05, lower_bounds=-0.5, upper_bounds=0.5).fit(data, y)
        fastreg.ElasticNet(alpha=0.05, standardize=True).fit(data, y)
        fastreg.LogisticRegression(C=1.0, upper_bounds=0.2).fit(data, y > 0)
""") + REPORT.format(modules="_cd, _gram, _linalg, _logistic, _screening")


def test_warmup_covers_bounds_and_standardization():
    # Bounded and standardized Elastic Net fits use the penalty type of their own
    # (BoxPenalty), whose kernels warmup() compiles too.
    fastreg.warmup()
    counts = run_fresh_process(FIT_BOUNDED_AND_STANDARDIZED)
    assert counts["misses"] == 0, counts
    assert counts["hits"] > 0
