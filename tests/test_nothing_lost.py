"""Nothing lost: inputs are never modified, a failed fit leaves the estimator as it was,
pickles round-trip exactly, and repeated runs (on any thread) give bit-identical results."""

import copy
import pickle
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg.cv import ElasticNetCV, LassoCV, RidgeCV
from fastreg.selection import LassoIC, StabilitySelection

N_SAMPLES, N_FEATURES = 40, 12


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    X[rng.random(X.shape) < 0.4] = 0.0  # a really sparse CSC form
    X[:, 1] += 2.0
    y = X[:, 0] - 2 * X[:, 1] + X[:, 2] + 0.3 * rng.normal(size=N_SAMPLES)
    sample_weight = rng.uniform(0.5, 2.0, size=N_SAMPLES)
    penalty_factor = rng.uniform(0.5, 1.5, size=N_FEATURES)
    return X, y, sample_weight, penalty_factor


def _read_only(array):
    array = np.array(array, copy=True, order="K")
    array.flags.writeable = False
    return array


def _as(X, fmt):
    """X in a format, every array of it read-only."""
    if fmt == "dense-F":
        return _read_only(np.asfortranarray(X))
    if fmt == "dense-C":
        return _read_only(np.ascontiguousarray(X))
    if fmt == "float32":
        return _read_only(np.asfortranarray(X, dtype=np.float32))
    matrix = sp.csc_matrix(X) if fmt == "csc" else sp.csr_matrix(X)
    for name in ("data", "indices", "indptr"):
        setattr(matrix, name, _read_only(getattr(matrix, name)))
    return matrix


def _snapshot(X):
    if sp.issparse(X):
        return (X.format, X.data.copy(), X.indices.copy(), X.indptr.copy())
    return (X.flags.f_contiguous, X.copy(order="K"))


def _assert_unchanged(X, snapshot):
    if sp.issparse(X):
        fmt, data, indices, indptr = snapshot
        assert X.format == fmt
        for array, before in ((X.data, data), (X.indices, indices), (X.indptr, indptr)):
            assert not array.flags.writeable
            np.testing.assert_array_equal(array, before, strict=True)
    else:
        fortran, before = snapshot
        assert not X.flags.writeable
        assert X.flags.f_contiguous == fortran
        np.testing.assert_array_equal(X, before, strict=True)


def _solve(X, y, sw, pf, coef_init):
    return fastreg.solve(X, y, 0.05, l1_ratio=0.7, sample_weight=sw, penalty_factor=pf,
                         coef_init=coef_init)


def _path(X, y, sw, pf, coef_init):
    return fastreg.enet_path(X, y, l1_ratio=0.7, n_alphas=5, sample_weight=sw,
                             penalty_factor=pf, coef_init=coef_init, fit_intercept=True)


def _fit(make, penalty_factor=True):
    def run(X, y, sw, pf, coef_init):
        del coef_init
        params = {"penalty_factor": pf} if penalty_factor else {}
        return make(**params).fit(X, y, sample_weight=sw)

    return run


ENTRY_POINTS = {
    "solve": _solve,
    "enet_path": _path,
    "Lasso": _fit(lambda **p: fastreg.Lasso(alpha=0.05, **p)),
    "ElasticNet": _fit(lambda **p: fastreg.ElasticNet(alpha=0.05, **p)),
    "Ridge": _fit(lambda **p: fastreg.Ridge(alpha=1.0), penalty_factor=False),
    "Ridge-cg": _fit(lambda **p: fastreg.Ridge(alpha=1.0, solver="cg"), penalty_factor=False),
    "LassoCV": _fit(lambda **p: LassoCV(cv=3, alphas=5, **p)),
    "ElasticNetCV": _fit(lambda **p: ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=5, **p)),
    "RidgeCV": _fit(lambda **p: RidgeCV(), penalty_factor=False),
    "LassoIC": _fit(lambda **p: LassoIC(alphas=5, **p)),
    "StabilitySelection": _fit(lambda **p: StabilitySelection(alphas=5, n_resampling=3, **p)),
}
FORMATS = ["dense-F", "dense-C", "float32", "csc", "csr"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_read_only_inputs_are_accepted_and_left_unchanged(entry, fmt):
    X_dense, y, sw, pf = _data()
    X = _as(X_dense, fmt)
    y, sw, pf = _read_only(y), _read_only(sw), _read_only(pf)
    coef_init = _read_only(np.full(N_FEATURES, 0.1))
    before = [_snapshot(X), y.copy(), sw.copy(), pf.copy(), coef_init.copy()]
    ENTRY_POINTS[entry](X, y, sw, pf, coef_init)
    _assert_unchanged(X, before[0])
    for array, copy_ in zip((y, sw, pf, coef_init), before[1:], strict=True):
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, copy_, strict=True)


@pytest.mark.parametrize("fmt", ["dense-F", "csc"])
def test_writable_inputs_are_not_modified_either(fmt):
    """Comparison with copies, on writable arrays (a kernel could write through a view)."""
    X_dense, y, sw, pf = _data()
    X = np.asfortranarray(X_dense) if fmt == "dense-F" else sp.csc_matrix(X_dense)
    coef_init = np.full(N_FEATURES, 0.1)
    before = (_snapshot(X), y.copy(), sw.copy(), pf.copy(), coef_init.copy())
    for run in ENTRY_POINTS.values():
        run(X, y, sw, pf, coef_init)
    if sp.issparse(X):
        np.testing.assert_array_equal(X.data, before[0][1], strict=True)
        np.testing.assert_array_equal(X.indices, before[0][2], strict=True)
        np.testing.assert_array_equal(X.indptr, before[0][3], strict=True)
    else:
        np.testing.assert_array_equal(X, before[0][1], strict=True)
    for array, copy_ in zip((y, sw, pf, coef_init), before[1:], strict=True):
        np.testing.assert_array_equal(array, copy_, strict=True)


def test_a_warm_start_does_not_write_into_the_previous_coefficients():
    X, y, _, _ = _data()
    model = fastreg.ElasticNet(alpha=0.1, warm_start=True).fit(X, y)
    previous = model.coef_
    kept = previous.copy()
    model.set_params(alpha=0.01).fit(X, y)
    assert model.coef_ is not previous
    np.testing.assert_array_equal(previous, kept, strict=True)
    assert not np.array_equal(model.coef_, kept)  # the second fit did move


# --- a fit that raises leaves the estimator as it was -------------------------------------------

ESTIMATORS = {
    "Lasso": lambda: fastreg.Lasso(alpha=0.05, warm_start=True),
    "ElasticNet": lambda: fastreg.ElasticNet(alpha=0.05, warm_start=True),
    "Ridge": lambda: fastreg.Ridge(alpha=1.0),
    "LassoCV": lambda: LassoCV(cv=3, alphas=5),
    "ElasticNetCV": lambda: ElasticNetCV(cv=3, alphas=5),
    "RidgeCV": lambda: RidgeCV(),
    "LassoIC": lambda: LassoIC(alphas=5),
    "StabilitySelection": lambda: StabilitySelection(alphas=5, n_resampling=3, random_state=0),
    "RelaxedLasso": lambda: fastreg.RelaxedLasso(alpha=0.05),
    "RelaxedLassoCV": lambda: fastreg.RelaxedLassoCV(cv=3, alphas=5),
    "AdaptiveLasso": lambda: fastreg.AdaptiveLasso(alpha=0.05),
    "AdaptiveLassoCV": lambda: fastreg.AdaptiveLassoCV(cv=3, alphas=5),
    "StandardizedElasticNet": lambda: fastreg.ElasticNet(alpha=0.05, standardize=True),
}
TAKES_PENALTY_FACTOR = {"Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "LassoIC",
                        "StabilitySelection", "RelaxedLasso", "RelaxedLassoCV",
                        "StandardizedElasticNet"}


def _state(model):
    return copy.deepcopy(vars(model))


def _assert_same_state(model, state):
    assert sorted(vars(model)) == sorted(state)
    for name, value in state.items():
        current = vars(model)[name]
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(current, value, strict=True)
        elif name != "penalty_factor":
            assert type(current) is type(value) and current == value, name


def _output(model, X):
    return model.transform(X) if isinstance(model, StabilitySelection) else model.predict(X)


def _failing_fits(name):
    """``(description, call)`` pairs, each a fit that must raise, on data of another shape."""
    X, y, sw, _ = _data(seed=1)
    X_wide = np.column_stack([X, X[:, :3]])  # 15 features: n_features_in_ would change
    y_nan = y.copy()
    y_nan[4] = np.nan
    sw_negative = sw.copy()
    sw_negative[0] = -1.0
    fits = [
        ("nan-y-wider-X", lambda model: model.fit(X_wide, y_nan)),
        ("short-y-wider-X", lambda model: model.fit(X_wide, y[:-1])),
        ("negative-weight-wider-X", lambda model: model.fit(X_wide, y,
                                                            sample_weight=sw_negative)),
        ("nan-y-same-X", lambda model: model.fit(X, y_nan)),
    ]
    if name in TAKES_PENALTY_FACTOR:
        # The factors are checked after the data: a fit that fails late.
        fits.append(("penalty-factor-of-the-old-width", lambda model: model.set_params(
            penalty_factor=np.ones(N_FEATURES)).fit(X_wide, y)))
    return fits


def _failing_params():
    for name in ESTIMATORS:
        for description, _ in _failing_fits(name):
            yield pytest.param(name, description, id=f"{name}-{description}")


@pytest.mark.parametrize(("name", "description"), list(_failing_params()))
def test_a_failed_fit_leaves_the_fitted_estimator_as_it_was(name, description):
    X, y, _, _ = _data()
    model = ESTIMATORS[name]().fit(X, y)
    state = _state(model)
    output = _output(model, X)
    failing = dict(_failing_fits(name))[description]
    with pytest.raises((ValueError, TypeError)):
        failing(model)
    model.set_params(**{key: value for key, value in state.items()
                        if key in model.get_params()})
    _assert_same_state(model, state)
    np.testing.assert_array_equal(_output(model, X), output, strict=True)


def test_a_failed_first_fit_leaves_an_unfitted_estimator():
    X, y, _, _ = _data()
    model = fastreg.Lasso(alpha=0.1, penalty_factor=np.ones(3))
    with pytest.raises(ValueError, match="penalty_factor"):
        model.fit(X, y)
    assert not hasattr(model, "n_features_in_")
    assert not hasattr(model, "coef_")


# --- pickle ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["dense-F", "csc"])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_pickled_estimators_round_trip_exactly(name, fmt):
    X_dense, y, sw, _ = _data()
    X = _as(X_dense, fmt)
    model = ESTIMATORS[name]().fit(X, y, sample_weight=sw)
    restored = pickle.loads(pickle.dumps(model))
    assert type(restored) is type(model)
    _assert_same_state(restored, _state(model))
    X_new = _as(_data(seed=3)[0], fmt)
    for data in (X, X_new):
        np.testing.assert_array_equal(_output(restored, data), _output(model, data),
                                      strict=True)
    assert restored.get_params().keys() == model.get_params().keys()


def test_a_pickled_solve_result_round_trips():
    X, y, _, _ = _data()
    result = fastreg.solve(X, y, 0.05)
    restored = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(restored.coef, result.coef, strict=True)
    assert (restored.intercept, restored.dual_gap, restored.n_iter, restored.converged) == (
        result.intercept, result.dual_gap, result.n_iter, result.converged)


# --- bit-identical repeats ---------------------------------------------------------------------

@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("fmt", ["dense-F", "float32", "csc"])
def test_repeated_solves_are_bit_identical(fmt, precompute):
    X_dense, y, sw, pf = _data()
    X = _as(X_dense, fmt)
    results = [fastreg.solve(X, y, 0.02, l1_ratio=0.8, sample_weight=sw, penalty_factor=pf,
                             precompute=precompute) for _ in range(3)]
    for result in results[1:]:
        np.testing.assert_array_equal(result.coef, results[0].coef, strict=True)
        assert result.intercept == results[0].intercept
        assert result.dual_gap == results[0].dual_gap
        assert result.n_iter == results[0].n_iter


def test_repeated_paths_and_random_selection_are_bit_identical():
    X, y, _, _ = _data()
    paths = [fastreg.lasso_path(X, y, n_alphas=10, fit_intercept=True) for _ in range(2)]
    for first, second in zip(*paths, strict=True):
        np.testing.assert_array_equal(first, second, strict=True)
    models = [fastreg.ElasticNet(alpha=0.01, selection="random", random_state=7).fit(X, y)
              for _ in range(2)]
    np.testing.assert_array_equal(models[0].coef_, models[1].coef_, strict=True)


@pytest.mark.parametrize("name", ["LassoCV", "StabilitySelection"])
def test_threaded_jobs_give_the_serial_result_bit_for_bit(name):
    X, y, _, _ = _data()
    if name == "LassoCV":
        serial = LassoCV(cv=4, alphas=8, n_jobs=1).fit(X, y)
        threaded = LassoCV(cv=4, alphas=8, n_jobs=2).fit(X, y)
        attributes = ("mse_path_", "alphas_", "coef_")
    else:
        serial = StabilitySelection(alphas=6, n_resampling=4, random_state=0, n_jobs=1).fit(X, y)
        threaded = StabilitySelection(alphas=6, n_resampling=4, random_state=0,
                                      n_jobs=2).fit(X, y)
        attributes = ("selection_probabilities_", "union_sizes_", "support_")
    for attribute in attributes:
        np.testing.assert_array_equal(getattr(threaded, attribute), getattr(serial, attribute),
                                      strict=True)


def test_a_fit_on_another_thread_equals_one_on_this_thread():
    X_dense, y, sw, _ = _data()
    for X in (np.asfortranarray(X_dense), sp.csc_matrix(X_dense)):
        here = fastreg.Lasso(alpha=0.02).fit(X, y, sample_weight=sw)
        there = {}

        def fit_there(X=X, there=there):
            there["model"] = fastreg.Lasso(alpha=0.02).fit(X, y, sample_weight=sw)

        thread = threading.Thread(target=fit_there)
        thread.start()
        thread.join()
        np.testing.assert_array_equal(there["model"].coef_, here.coef_, strict=True)
        assert there["model"].intercept_ == here.intercept_


# --- the pure-Python primitives (what NUMBA_DISABLE_JIT=1 runs) --------------------------------

@pytest.mark.parametrize("fmt", ["dense-F", "csc"])
def test_python_column_moments_of_float32_data_accumulate_in_float64(fmt):
    from fastreg._kernels import CscMatrix, col_moments

    X_dense, _, _, _ = _data()
    X32 = np.asfortranarray(X_dense, dtype=np.float32)
    X = X32
    if fmt == "csc":
        matrix = sp.csc_matrix(X32)
        X = CscMatrix(matrix.data, matrix.indices, matrix.indptr, matrix.shape[0])
    exact = X32.astype(np.float64)
    for j in range(N_FEATURES):
        total, squares = col_moments(X, j, np.empty(0))
        assert total == pytest.approx(exact[:, j].sum(), rel=1e-12, abs=1e-12)
        assert squares == pytest.approx(exact[:, j] @ exact[:, j], rel=1e-12)


# --- the logistic model ------------------------------------------------------------------------

def _classes(seed=0):
    """The data above with y as two classes (strings: labels need not be numbers)."""
    X, y, sw, pf = _data(seed)
    return X, np.where(y > np.median(y), "up", "down"), sw, pf


def _logistic_fit(X, y, sw, pf, coef_init):
    del coef_init
    return fastreg.LogisticRegression(C=0.5, l1_ratio=0.7, penalty_factor=pf,
                                      class_weight="balanced").fit(X, y, sample_weight=sw)


def _logistic_path(X, y, sw, pf, coef_init):
    return fastreg.logistic_path(X, y, l1_ratio=0.7, n_alphas=5, sample_weight=sw,
                                 penalty_factor=pf, coef_init=coef_init)


LOGISTIC_ENTRY_POINTS = {"LogisticRegression": _logistic_fit, "logistic_path": _logistic_path}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("entry", list(LOGISTIC_ENTRY_POINTS))
def test_logistic_read_only_inputs_are_accepted_and_left_unchanged(entry, fmt):
    X_dense, y, sw, pf = _classes()
    X = _as(X_dense, fmt)
    y, sw, pf = _read_only(y), _read_only(sw), _read_only(pf)
    coef_init = _read_only(np.full(N_FEATURES, 0.1))
    before = [_snapshot(X), y.copy(), sw.copy(), pf.copy(), coef_init.copy()]
    LOGISTIC_ENTRY_POINTS[entry](X, y, sw, pf, coef_init)
    _assert_unchanged(X, before[0])
    for array, copy_ in zip((y, sw, pf, coef_init), before[1:], strict=True):
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, copy_, strict=True)


@pytest.mark.parametrize("fmt", ["dense-F", "csc"])
def test_logistic_writable_inputs_are_not_modified_either(fmt):
    X_dense, y, sw, pf = _classes()
    X = np.asfortranarray(X_dense) if fmt == "dense-F" else sp.csc_matrix(X_dense)
    coef_init = np.full(N_FEATURES, 0.1)
    before = (_snapshot(X), y.copy(), sw.copy(), pf.copy(), coef_init.copy())
    for run in LOGISTIC_ENTRY_POINTS.values():
        run(X, y, sw, pf, coef_init)
    if sp.issparse(X):
        for array, copy_ in zip((X.data, X.indices, X.indptr), before[0][1:], strict=True):
            np.testing.assert_array_equal(array, copy_, strict=True)
    else:
        np.testing.assert_array_equal(X, before[0][1], strict=True)
    for array, copy_ in zip((y, sw, pf, coef_init), before[1:], strict=True):
        np.testing.assert_array_equal(array, copy_, strict=True)


def _failing_logistic_fits():
    """``(description, call)``: fits that must raise, most on data of another shape."""
    X, y, sw, _ = _classes(seed=1)
    X_wide = np.column_stack([X, X[:, :3]])
    three = y.astype(object)
    three[:5] = "flat"
    sw_negative = sw.copy()
    sw_negative[0] = -1.0
    return [
        ("three-classes-wider-X", lambda model: model.fit(X_wide, three)),
        ("one-class-wider-X", lambda model: model.fit(X_wide, np.full(len(y), "up"))),
        ("short-y-wider-X", lambda model: model.fit(X_wide, y[:-1])),
        ("negative-weight-wider-X", lambda model: model.fit(X_wide, y,
                                                            sample_weight=sw_negative)),
        ("nan-X-same-shape", lambda model: model.fit(np.where(X > 1, np.nan, X), y)),
        ("bad-class-weight", lambda model: model.set_params(
            class_weight={"sideways": 1.0}).fit(X_wide, y)),
        ("penalty-factor-of-the-old-width", lambda model: model.set_params(
            penalty_factor=np.ones(N_FEATURES)).fit(X_wide, y)),
    ]


@pytest.mark.parametrize("description", [case[0] for case in _failing_logistic_fits()])
def test_a_failed_logistic_fit_leaves_the_fitted_estimator_as_it_was(description):
    X, y, sw, _ = _classes()
    model = fastreg.LogisticRegression(C=0.5, warm_start=True).fit(X, y, sample_weight=sw)
    state = _state(model)
    outputs = (model.predict(X), model.predict_proba(X))
    failing = dict(_failing_logistic_fits())[description]
    with pytest.raises((ValueError, TypeError)):
        failing(model)
    model.set_params(**{key: value for key, value in state.items()
                        if key in model.get_params()})
    _assert_same_state(model, state)
    np.testing.assert_array_equal(model.predict(X), outputs[0], strict=True)
    np.testing.assert_array_equal(model.predict_proba(X), outputs[1], strict=True)


@pytest.mark.parametrize("fmt", ["dense-F", "csc"])
def test_a_pickled_logistic_model_round_trips_exactly(fmt):
    X_dense, y, sw, pf = _classes()
    X = _as(X_dense, fmt)
    model = fastreg.LogisticRegression(C=0.5, penalty_factor=pf).fit(X, y, sample_weight=sw)
    restored = pickle.loads(pickle.dumps(model))
    _assert_same_state(restored, _state(model))
    X_new = _as(_classes(seed=3)[0], fmt)
    for data in (X, X_new):
        for method in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
            np.testing.assert_array_equal(getattr(restored, method)(data),
                                          getattr(model, method)(data), strict=True)


@pytest.mark.parametrize("fmt", ["dense-F", "float32", "csc"])
def test_repeated_logistic_fits_are_bit_identical_on_any_thread(fmt):
    X_dense, y, sw, pf = _classes()
    X = _as(X_dense, fmt)

    def fit():
        return fastreg.LogisticRegression(C=0.5, l1_ratio=0.8, penalty_factor=pf).fit(
            X, y, sample_weight=sw)

    fits = [fit() for _ in range(2)]
    there = {}
    thread = threading.Thread(target=lambda: there.update(model=fit()))
    thread.start()
    thread.join()
    fits.append(there["model"])
    for other in fits[1:]:
        np.testing.assert_array_equal(other.coef_, fits[0].coef_, strict=True)
        np.testing.assert_array_equal(other.intercept_, fits[0].intercept_, strict=True)
        assert other.dual_gap_ == fits[0].dual_gap_ and other.n_iter_ == fits[0].n_iter_
    paths = [fastreg.logistic_path(X, y, n_alphas=6, sample_weight=sw) for _ in range(2)]
    for first, second in zip(*paths, strict=True):
        np.testing.assert_array_equal(first, second, strict=True)
