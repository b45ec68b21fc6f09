"""User input -> canonical kernel input.

The kernels take float32/float64 data, dense X in Fortran order, sparse X as CSC without
duplicate entries.  Input already in that form passes through without a copy; anything else is
converted once, here, and the conversions are documented in the public docstrings:

- integer, boolean and float16 X become float64, as in scikit-learn;
- C-ordered dense X is copied to Fortran order (coordinate descent reads columns);
- CSR, COO and other sparse formats are converted to CSC; duplicate entries are summed into a
  copy.

Nothing here modifies the caller's arrays.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ._kernels import CscMatrix

FLOAT_DTYPES = (np.float32, np.float64)


def _numeric_array(values, name):
    """``np.asarray`` that names the argument when the data are not numbers."""
    if values is None:
        raise TypeError(f"{name} must be numeric array-like, got None.")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric array-like; {error}") from None
    if array.dtype.kind in "biuf":
        return array
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported in {name}.")
    if array.dtype.kind == "O":
        try:
            return array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name} must contain numbers: {error}") from None
    raise TypeError(f"{name} must contain numbers, got an array of dtype {array.dtype}.")


def _float_dtype(dtype):
    """float32 or float64 in native byte order (the kernels' only dtypes): a big-endian
    float32 X stays float32; anything else becomes float64."""
    native = dtype if dtype.isnative else dtype.newbyteorder("=")  # a new instance copies
    return native if native in FLOAT_DTYPES else np.dtype(np.float64)


def _check_finite(values, name):
    # The sum is a cheap first test; only when it is not finite (NaN/inf, or an overflow of
    # huge finite values) is the element-wise test paid for.
    with np.errstate(over="ignore"):  # an overflow of the sum is what the next test is for
        total = values.sum(dtype=np.float64) if values.size else 0.0
    if not np.isfinite(total):
        if not np.isfinite(values).all():
            raise ValueError(f"{name} contains NaN or infinity.")


def check_design_matrix(X, name="X"):
    """Validate ``X`` and return ``(X_canonical, X_kernel)``.

    ``X_canonical`` is a Fortran-ordered float ndarray or a CSC sparse matrix/array;
    ``X_kernel`` is what the kernels take (the same ndarray, or a :class:`CscMatrix` of the
    CSC arrays).
    """
    if sp.issparse(X):
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional, got {X.ndim} dimensions.")
        if X.dtype.kind == "c":
            raise ValueError(f"Complex data not supported in {name}.")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{name} must contain numbers, got sparse dtype {X.dtype}.")
        if X.format != "csc":
            X = X.tocsc()
        dtype = _float_dtype(X.dtype)
        if X.dtype != dtype:
            X = X.astype(dtype)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        _check_finite(X.data, name)
        kernel_view = CscMatrix(X.data, X.indices, X.indptr, X.shape[0])
    else:
        X = _numeric_array(X, name)
        if X.ndim != 2:
            raise ValueError(
                f"{name} must be a 2-dimensional array of shape (n_samples, n_features), "
                f"got {X.ndim} dimension(s).")
        dtype = _float_dtype(X.dtype)
        X = np.asfortranarray(X, dtype=dtype)
        _check_finite(X, name)
        kernel_view = X
    for axis, what in enumerate(("sample", "feature")):
        if X.shape[axis] == 0:
            raise ValueError(f"{name} has 0 {what}(s) (shape={X.shape}) while a minimum of 1 "
                             "is required.")
    return X, kernel_view


def check_target(y, n_samples, dtype, name="y", allow_2d=False):
    """Validate ``y`` (length ``n_samples``) and return it as a new array of ``dtype``."""
    y = _numeric_array(y, name)
    if y.ndim != 1 and not (allow_2d and y.ndim == 2):
        expected = "1- or 2-dimensional" if allow_2d else "1-dimensional"
        raise ValueError(f"{name} must be {expected}, got shape {y.shape}.")
    if y.shape[0] != n_samples:
        raise ValueError(f"{name} has {y.shape[0]} samples but X has {n_samples}.")
    _check_finite(y, name)
    return np.array(y, dtype=dtype, order="F")


def check_sample_weight(sample_weight, n_samples, dtype):
    """Return validated weights as a new array, or an empty array meaning "all ones"."""
    if sample_weight is None:
        return np.empty(0, dtype=dtype)
    weights = _numeric_array(sample_weight, "sample_weight")
    if weights.ndim == 0:
        weights = np.full(n_samples, weights, dtype=dtype)
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {weights.shape}.")
    _check_finite(weights, "sample_weight")
    if (weights < 0).any():
        raise ValueError("sample_weight must be non-negative.")
    if not weights.sum() > 0:
        raise ValueError("sample_weight must have a positive sum, but every weight is zero.")
    return np.array(weights, dtype=dtype)


def check_penalty_factor(penalty_factor, n_features, dtype):
    """Return validated per-feature penalty factors as a new array; an empty array (the
    default) means all ones, which the kernels then need not store."""
    if penalty_factor is None:
        return np.empty(0, dtype=dtype)
    factors = _numeric_array(penalty_factor, "penalty_factor")
    if factors.ndim != 1 or factors.shape[0] != n_features:
        raise ValueError(
            f"penalty_factor must have shape ({n_features},), got {factors.shape}.")
    _check_finite(factors, "penalty_factor")
    if (factors < 0).any():
        raise ValueError("penalty_factor must be non-negative.")
    return np.array(factors, dtype=dtype)


def _bound_array(bound, name, n_features, unbounded):
    """One side of :func:`check_bounds`: empty when it is ``unbounded`` everywhere."""
    if bound is None:
        return np.empty(0)
    values = _numeric_array(bound, name).astype(np.float64)
    if values.ndim == 0:
        values = np.full(n_features, float(values))
    elif values.ndim != 1 or values.shape[0] != n_features:
        raise ValueError(f"{name} must be a scalar or have shape ({n_features},), got "
                         f"{values.shape}.")
    if np.isnan(values).any():
        raise ValueError(f"{name} contains NaN.")
    return np.empty(0) if (values == unbounded).all() else values.copy()


def check_bounds(lower_bounds, upper_bounds, n_features):
    """Return validated ``(lower, upper)`` coefficient bounds as new float64 arrays, each
    empty when that side is unbounded (``None``, or infinite everywhere).

    A scalar applies to every feature.  The bounds must contain 0 (``lower <= 0 <= upper``,
    as glmnet's ``lower.limits`` / ``upper.limits``): the all-zero model is then feasible,
    which the null model, alpha_max and the duality gap's dual point rely on; ``-inf`` /
    ``inf`` leave a side unbounded and ``lower = upper = 0`` holds a feature at 0.
    """
    lower = _bound_array(lower_bounds, "lower_bounds", n_features, -np.inf)
    upper = _bound_array(upper_bounds, "upper_bounds", n_features, np.inf)
    if (lower > 0).any():
        raise ValueError("lower_bounds must be <= 0 (the bounds must contain 0, so that the "
                         f"all-zero model is feasible); got {lower.max()!r}.")
    if (upper < 0).any():
        raise ValueError("upper_bounds must be >= 0 (the bounds must contain 0, so that the "
                         f"all-zero model is feasible); got {upper.min()!r}.")
    return lower, upper


def check_coef_init(coef_init, shape, dtype):
    """Return a validated copy of warm-start coefficients (default zeros) of ``shape`` (a
    number of features, or ``(n_tasks, n_features)``)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if coef_init is None:
        return np.zeros(shape, dtype=dtype)
    coef = _numeric_array(coef_init, "coef_init")
    if coef.shape != shape:
        expected = f"({shape[0]},)" if len(shape) == 1 else str(shape)
        raise ValueError(f"coef_init must have shape {expected}, got {coef.shape}.")
    _check_finite(coef, "coef_init")
    return np.array(coef, dtype=dtype)


def check_scalar(value, name, *, kind=Real, low=None, high=None, low_open=False):
    """Check a scalar parameter's type and range and return it as a Python number."""
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an integer" if kind is Integral else "a real number"
        raise TypeError(f"{name} must be {expected}, got {value!r}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (low_open and value == low)):
        bound = ">" if low_open else ">="
        raise ValueError(f"{name} must be {bound} {low}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}.")
    return int(value) if kind is Integral else float(value)


def check_bool(value, name):
    """Return ``value`` as a Python bool; anything but a bool (or NumPy bool) is a TypeError.

    A string such as ``"False"`` is truthy: accepting it would silently do the opposite of
    what was asked, so flags must be real booleans.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_random_state(seed, name="random_state"):
    """:func:`sklearn.utils.check_random_state` with a message naming the argument."""
    from sklearn.utils import check_random_state as sklearn_check_random_state

    try:
        return sklearn_check_random_state(seed)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be None, an integer in [0, 2**32 - 1] or a "
                         f"numpy.random.RandomState, got {seed!r} ({error}).") from None


def check_binary_labels(y, n_samples, name="y"):
    """Validate two-valued labels; return ``(classes, labels)``: the two values sorted, and the
    labels as float64 -1 (the first class) and +1 (the second)."""
    if y is None:
        raise TypeError(f"{name} must be array-like, got None.")
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {labels.shape}.")
    if labels.shape[0] != n_samples:
        raise ValueError(f"{name} has {labels.shape[0]} samples but X has {n_samples}.")
    if labels.dtype.kind == "c":
        raise ValueError(f"Complex data not supported in {name}.")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError(f"{name} contains NaN or infinity.")
    try:
        classes = np.unique(labels)
    except TypeError as error:  # objects that cannot be ordered
        raise TypeError(f"{name} must hold labels that can be sorted: {error}") from None
    if classes.size != 2:
        found = ", ".join(repr(c) for c in classes[:5].tolist())
        raise ValueError(
            f"The logistic model needs exactly 2 classes in {name}, got {classes.size}"
            f"{' (' + found + (', ...' if classes.size > 5 else '') + ')' if found else ''}.")
    return classes, np.where(labels == classes[1], 1.0, -1.0)
