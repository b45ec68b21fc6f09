"""Concurrency: fits on parallel threads equal serial ones bit for bit, and fastreg works
when Numba's on-disk cache directory is missing or cannot be written.

The kernels release the GIL (``nogil=True``) and keep no global state, so threads must not be
able to change a result.  The cache tests run a fresh Python process each (a cold compile,
about 15 s on a quiet machine).
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg.cv import LassoCV

N_THREADS = 4


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _problem(seed, n_samples=60, n_features=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    X[rng.random(X.shape) < 0.5] = 0.0
    coef = np.zeros(n_features)
    coef[:5] = rng.uniform(1, 3, size=5)
    y = X @ coef + 0.5 * rng.normal(size=n_samples)
    return X, y, rng.uniform(0.5, 2.0, size=n_samples)


def _jobs():
    """Varied single fits: formats, dtypes, both update modes, weights, l1_ratios, alphas."""
    jobs = []
    for seed in range(4):
        X, y, sw = _problem(seed)
        for k, (data, precompute) in enumerate([
                (np.asfortranarray(X), False), (np.asfortranarray(X), True),
                (sp.csc_matrix(X), False), (np.asfortranarray(X, dtype=np.float32), True)]):
            jobs.append(dict(X=data, y=y, alpha=0.05 / (1 + k), l1_ratio=(0.5, 1.0)[k % 2],
                             sample_weight=sw if seed % 2 else None, precompute=precompute))
    return jobs


def _solve(job):
    return fastreg.solve(job["X"], job["y"], job["alpha"], job["l1_ratio"],
                         sample_weight=job["sample_weight"], precompute=job["precompute"])


def _assert_identical(results, expected):
    assert len(results) == len(expected)
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got.coef, want.coef, strict=True)
        assert (got.intercept, got.dual_gap, got.n_iter) == (want.intercept, want.dual_gap,
                                                             want.n_iter)


def test_parallel_solves_equal_serial_ones_bit_for_bit():
    jobs = _jobs()
    serial = [_solve(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        parallel = list(pool.map(_solve, jobs))
        # Again, in the reverse order: what runs beside what must not matter either.
        reverse = list(pool.map(_solve, jobs[::-1]))[::-1]
    _assert_identical(parallel, serial)
    _assert_identical(reverse, serial)
    assert any(np.count_nonzero(result.coef) for result in serial)


def test_threads_sharing_one_read_only_X_equal_serial_fits():
    X, y, sw = _problem(7)
    X = np.asfortranarray(X)
    X.flags.writeable = False
    alphas = np.geomspace(0.5, 0.005, 12)

    def fit(alpha):
        return fastreg.ElasticNet(alpha=alpha, l1_ratio=0.8).fit(X, y, sample_weight=sw).coef_

    serial = [fit(alpha) for alpha in alphas]
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        parallel = list(pool.map(fit, alphas))
    for got, want in zip(parallel, serial, strict=True):
        np.testing.assert_array_equal(got, want, strict=True)


def test_parallel_paths_and_cross_validation_equal_serial_ones():
    problems = [_problem(seed) for seed in range(3)]

    def path(problem):
        X, y, _ = problem
        return fastreg.lasso_path(sp.csc_matrix(X), y, n_alphas=15, fit_intercept=True)

    def cv(problem):
        X, y, _ = problem
        model = LassoCV(cv=3, alphas=8).fit(X, y)
        return model.alpha_, model.mse_path_, model.coef_

    for run in (path, cv):
        serial = [run(problem) for problem in problems]
        with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
            parallel = list(pool.map(run, problems))
        for got, want in zip(parallel, serial, strict=True):
            for got_part, want_part in zip(got, want, strict=True):
                np.testing.assert_array_equal(got_part, want_part, strict=True)


# --- Numba's cache directory ------------------------------------------------------------------

FIT_SCRIPT = textwrap.dedent("""
    import json, warnings
    import numpy as np
    import fastreg
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(40, 10)))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a cache warning would be a failure too
        result = fastreg.solve(X, y, 0.01, precompute=False)
    print(json.dumps({"file": fastreg.__file__, "coef": result.coef.tolist(),
                      "converged": result.converged}))
""")


def _expected_coef():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.normal(size=(40, 10)))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=40)
    return fastreg.solve(X, y, 0.01, precompute=False).coef


def _run_fit(env_changes, *, cwd=None):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env_changes}
    done = subprocess.run([sys.executable, "-c", FIT_SCRIPT], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_missing_cache_directory_is_created_and_used(tmp_path):
    cache = tmp_path / "not" / "there" / "yet"
    first = _run_fit({"NUMBA_CACHE_DIR": str(cache)})
    assert first["converged"]
    np.testing.assert_allclose(first["coef"], _expected_coef(), rtol=1e-12, atol=1e-14)
    cached = list(cache.rglob("*.nbi"))
    assert cached, "nothing was cached in the new directory"
    second = _run_fit({"NUMBA_CACHE_DIR": str(cache)})  # loads what the first one wrote
    assert second["coef"] == first["coef"]
    assert sorted(cache.rglob("*.nbi")) == sorted(cached)


def test_fastreg_runs_uncached_when_no_cache_directory_is_writable(tmp_path):
    # A copy of the package whose __pycache__ cannot be created (a file stands in its way:
    # that holds even for root, who may write into read-only directories), and cache
    # directories under a regular file.
    package = tmp_path / "site"
    shutil.copytree(os.path.dirname(fastreg.__file__), package / "fastreg",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for directory in (package / "fastreg", package / "fastreg" / "_kernels"):
        (directory / "__pycache__").write_text("not a directory")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, so no directory can be made below it")
    result = _run_fit({"PYTHONPATH": str(package), "NUMBA_CACHE_DIR": str(blocker / "numba"),
                       "XDG_CACHE_HOME": str(blocker / "xdg"), "HOME": str(blocker / "home")},
                      cwd=tmp_path)
    assert result["file"].startswith(str(package))
    assert result["converged"]
    np.testing.assert_allclose(result["coef"], _expected_coef(), rtol=1e-12, atol=1e-14)
    assert not list(tmp_path.rglob("*.nbi"))
