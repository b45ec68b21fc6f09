"""asv suite: what a new process pays before its first fastreg result.

``timeraw_`` benchmarks run their code in a fresh interpreter for every sample.

- ``import fastreg``;
- the first fit with a *warm* Numba cache (``setup`` has filled the on-disk cache, so the fit
  loads machine code instead of compiling it);
- the first fit with a *cold* cache (a new empty ``NUMBA_CACHE_DIR`` per sample: full
  compilation of the kernels that one fit needs).

The data are built in the timed process's untimed setup, which also imports fastreg for the
fit benchmarks, so the fit timings exclude the import.
"""

import textwrap

_DATA = textwrap.dedent(
    """
    import numpy as np
    import scipy.sparse as sp
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((200, 50)))
    y = X[:, :5].sum(axis=1) + rng.standard_normal(200)
    if {fmt!r} == "csc":
        X = sp.csc_matrix(X)
    """
)

_COLD_CACHE = textwrap.dedent(
    """
    import atexit, os, shutil, tempfile
    _cache = tempfile.mkdtemp(prefix="fastreg-asv-numba-")
    atexit.register(shutil.rmtree, _cache, True)
    os.environ["NUMBA_CACHE_DIR"] = _cache
    """
)

_FIT = "fastreg.Lasso(alpha=0.1).fit(X, y)"


class Import:
    timeout = 300.0

    def timeraw_import_fastreg(self):
        return "import fastreg"


class FirstFit:
    params = [["dense", "csc"]]
    param_names = ["format"]
    timeout = 600.0

    def setup(self, fmt):
        import fastreg

        # Fill the on-disk cache for every canonical input the timed processes will use.
        fastreg.warmup()

    def timeraw_first_fit_warm_cache(self, fmt):
        return _FIT, _DATA.format(fmt=fmt) + "import fastreg\n"

    def timeraw_first_fit_cold_cache(self, fmt):
        return _FIT, _COLD_CACHE + _DATA.format(fmt=fmt) + "import fastreg\n"

    # A cold sample compiles for seconds: a few are enough.
    timeraw_first_fit_cold_cache.repeat = (1, 3, 60.0)
