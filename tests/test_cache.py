"""Numba's on-disk cache: a new process fitting a canonical problem compiles nothing."""

import json
import subprocess
import sys
import textwrap

import fastreg

FIT_AND_REPORT = textwrap.dedent("""
    import json, time
    import numpy as np, scipy.sparse as sp
    from numba.core.registry import CPUDispatcher
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
    elapsed = time.perf_counter() - start
    kernels = [obj for module in (_cd, _gram, _linalg, _logistic, _screening)
               for obj in vars(module).values()
               if isinstance(obj, CPUDispatcher)]
    print(json.dumps({
        "hits": sum(sum(k.stats.cache_hits.values()) for k in kernels),
        "misses": sum(sum(k.stats.cache_misses.values()) for k in kernels),
        "seconds": elapsed,
    }))
""")


def run_fresh_process():
    output = subprocess.run([sys.executable, "-c", FIT_AND_REPORT], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_second_process_loads_every_kernel_from_cache():
    fastreg.warmup()  # make sure the cache holds the canonical specializations
    first = run_fresh_process()  # fills the cache with anything warmup did not cover
    second = run_fresh_process()
    assert second["misses"] == 0, f"recompiled in a fresh process: {second}"
    assert second["hits"] > 0
    assert first["hits"] + first["misses"] > 0
