"""The one Numba decorator used by every fastreg kernel."""

from numba import njit as _numba_njit


def _cache_probe():
    """Stands for every kernel of this package when asking Numba for a cache location."""


def _caching_available() -> bool:
    """Whether Numba finds a writable cache directory for this package's kernels.

    Without one (a read-only install, no writable ``NUMBA_CACHE_DIR`` or home), ``cache=True``
    makes the decorator itself raise; fastreg then compiles in every new process instead.
    """
    try:
        _numba_njit(cache=True)(_cache_probe)
    except RuntimeError:
        return False
    return True


# Every kernel is cached on disk (a new process loads machine code instead of compiling) when
# a cache directory is writable, and releases the GIL (callers may run fits on threads).
JIT_OPTIONS = {"cache": _caching_available(), "nogil": True}

# Sums over a column may be reassociated (and fused into FMAs) so that LLVM vectorizes them:
# 2-4x faster dot products than a strictly ordered loop.  This is not general ``fastmath``:
# NaN/inf semantics and every other operation keep IEEE rules, and a compiled kernel always
# sums in the same order, so results stay bit-for-bit repeatable on one machine.
REDUCTION_JIT_OPTIONS = {**JIT_OPTIONS, "fastmath": {"reassoc", "contract"}}


def njit(function=None, *, reduction=False, inline=False):
    """Compile a kernel with fastreg's fixed options (``nogil=True``, cached on disk).

    Parameters
    ----------
    function : callable
        The kernel.
    reduction : bool, default=False
        Allow reassociation of floating-point sums (see ``REDUCTION_JIT_OPTIONS``); only for
        small primitives whose job is a sum.
    inline : bool, default=False
        Inline the function into its callers at Numba's IR level: for small helpers called
        once per feature, where a call's cost (and the reference counting of its array
        arguments) would exceed the work.
    """
    options = dict(REDUCTION_JIT_OPTIONS if reduction else JIT_OPTIONS)
    if inline:
        options["inline"] = "always"
    if function is None:
        return _numba_njit(**options)
    return _numba_njit(**options)(function)
