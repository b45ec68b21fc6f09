"""Bad input at every public entry point: a clear error naming the argument, one test a case.

Every entry point (``solve``, the path functions, the estimators, cross-validation, the
selection estimators, the logistic model and the ``fastreg fit|path`` command) is given the
same catalogue of bad data (NaN and infinity, wrong shapes, wrong types) and bad scalar
parameters.  Each must raise ``ValueError`` or ``TypeError`` whose message names the offending
argument; the command line must exit with status 2 and a single line on stderr, never a
traceback.
"""

import contextlib
import io
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg.cli import main
from fastreg.cv import ElasticNetCV, LassoCV, RidgeCV
from fastreg.selection import LassoIC, StabilitySelection

N_SAMPLES, N_FEATURES = 30, 8


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    y = X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=N_SAMPLES)
    sample_weight = rng.uniform(0.5, 2.0, size=N_SAMPLES)
    return X, y, sample_weight


def _with(values, index, value):
    """A float copy of ``values`` with one entry replaced."""
    out = np.array(values, dtype=np.float64)
    out.flat[index] = value
    return out


# --- entry points: each takes (X, y, sample_weight, penalty_factor, **params) ---------------

def _solve(X, y, sample_weight=None, penalty_factor=None, **params):
    params.setdefault("alpha", 0.1)
    return fastreg.solve(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                         **params)


def _enet_path(X, y, sample_weight=None, penalty_factor=None, **params):
    params.setdefault("n_alphas", 4)
    return fastreg.enet_path(X, y, sample_weight=sample_weight, penalty_factor=penalty_factor,
                             **params)


def _lasso_path(X, y, sample_weight=None, penalty_factor=None, **params):
    params.setdefault("n_alphas", 4)
    return fastreg.lasso_path(X, y, sample_weight=sample_weight,
                              penalty_factor=penalty_factor, **params)


def _estimator(make, **defaults):
    def fit(X, y, sample_weight=None, penalty_factor=None, **params):
        if penalty_factor is not None:
            params["penalty_factor"] = penalty_factor
        return make(**{**defaults, **params}).fit(X, y, sample_weight=sample_weight)

    return fit


def _multitask(make, **defaults):
    """A multi-task estimator fitted on two tasks made from a 1-D ``y`` (other ``y`` as
    given, so that a bad one reaches the estimator)."""
    def fit(X, y, sample_weight=None, penalty_factor=None, **params):
        del penalty_factor  # the multi-task models have none
        if isinstance(y, np.ndarray) and y.ndim == 1:
            y = np.column_stack([y, y[::-1]])
        return make(**{**defaults, **params}).fit(X, y, sample_weight=sample_weight)

    return fit


ENTRY_POINTS = {
    "solve": _solve,
    "enet_path": _enet_path,
    "lasso_path": _lasso_path,
    "Lasso": _estimator(fastreg.Lasso, alpha=0.1),
    "ElasticNet": _estimator(fastreg.ElasticNet, alpha=0.1),
    "Ridge": _estimator(fastreg.Ridge),
    "LassoCV": _estimator(LassoCV, cv=3, alphas=4),
    "ElasticNetCV": _estimator(ElasticNetCV, cv=3, alphas=4),
    "RidgeCV": _estimator(RidgeCV),
    "LassoIC": _estimator(LassoIC, alphas=4),
    "StabilitySelection": _estimator(StabilitySelection, alphas=4, n_resampling=2),
    "MultiTaskLasso": _multitask(fastreg.MultiTaskLasso, alpha=0.1),
    "MultiTaskElasticNetCV": _multitask(fastreg.MultiTaskElasticNetCV, cv=3, alphas=4),
    "RelaxedLasso": _estimator(fastreg.RelaxedLasso, alpha=0.1),
    "RelaxedLassoCV": _estimator(fastreg.RelaxedLassoCV, cv=3, alphas=4),
    "AdaptiveLasso": _estimator(fastreg.AdaptiveLasso, alpha=0.1),
    "AdaptiveLassoCV": _estimator(fastreg.AdaptiveLassoCV, cv=3, alphas=4),
}
# Entry points without per-feature penalty factors (the adaptive Lasso makes its own).
NO_PENALTY_FACTOR = {"Ridge", "RidgeCV", "MultiTaskLasso", "MultiTaskElasticNetCV",
                     "AdaptiveLasso", "AdaptiveLassoCV"}
# Entry points that take a 2-D y (several targets; the path functions fit it as multi-task).
MULTI_TARGET = {"Lasso", "ElasticNet", "Ridge", "RidgeCV", "enet_path", "lasso_path",
                "MultiTaskLasso", "MultiTaskElasticNetCV"}


def _names_argument(message, name):
    """Whether ``message`` mentions ``name`` as a word (not inside another word)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message) is not None


# --- bad data --------------------------------------------------------------------------------

def _bad_data_cases():
    """``(case id, argument named, error type, {argument: bad value})``."""
    X, y, sw = _data()
    pf = np.ones(N_FEATURES)
    X_sparse_nan = sp.csc_matrix(X)
    X_sparse_nan.data[3] = np.nan
    X_object_none = X.astype(object)
    X_object_none[2, 2] = None
    return [
        # non-finite values
        ("X-nan", "X", ValueError, {"X": _with(X, 5, np.nan)}),
        ("X-inf", "X", ValueError, {"X": _with(X, 5, np.inf)}),
        ("X-minus-inf", "X", ValueError, {"X": _with(X, 5, -np.inf)}),
        ("X-float32-inf", "X", ValueError, {"X": _with(X, 5, np.inf).astype(np.float32)}),
        ("X-csc-nan", "X", ValueError, {"X": X_sparse_nan}),
        ("X-csr-inf", "X", ValueError, {"X": sp.csr_matrix(_with(X, 5, np.inf))}),
        ("X-object-None", "X", ValueError, {"X": X_object_none}),
        ("y-nan", "y", ValueError, {"y": _with(y, 0, np.nan)}),
        ("y-inf", "y", ValueError, {"y": _with(y, 0, np.inf)}),
        ("sample_weight-nan", "sample_weight", ValueError,
         {"sample_weight": _with(sw, 1, np.nan)}),
        ("sample_weight-inf", "sample_weight", ValueError,
         {"sample_weight": _with(sw, 1, np.inf)}),
        ("sample_weight-negative", "sample_weight", ValueError,
         {"sample_weight": _with(sw, 1, -1.0)}),
        ("sample_weight-all-zero", "sample_weight", ValueError,
         {"sample_weight": np.zeros(N_SAMPLES)}),
        ("penalty_factor-nan", "penalty_factor", ValueError,
         {"penalty_factor": _with(pf, 0, np.nan)}),
        ("penalty_factor-inf", "penalty_factor", ValueError,
         {"penalty_factor": _with(pf, 0, np.inf)}),
        ("penalty_factor-negative", "penalty_factor", ValueError,
         {"penalty_factor": _with(pf, 0, -1.0)}),
        # shapes
        ("y-short", "y", ValueError, {"y": y[:-1]}),
        ("y-long", "y", ValueError, {"y": np.r_[y, 1.0]}),
        ("y-3d", "y", ValueError, {"y": y[:, None, None]}),
        ("y-scalar", "y", ValueError, {"y": 1.0}),
        ("y-2d-targets", "y", ValueError, {"y": np.column_stack([y, y])}),
        ("sample_weight-short", "sample_weight", ValueError, {"sample_weight": sw[:-1]}),
        ("sample_weight-2d", "sample_weight", ValueError, {"sample_weight": sw[:, None]}),
        ("penalty_factor-short", "penalty_factor", ValueError, {"penalty_factor": pf[:-1]}),
        ("penalty_factor-2d", "penalty_factor", ValueError, {"penalty_factor": pf[:, None]}),
        ("penalty_factor-scalar", "penalty_factor", ValueError, {"penalty_factor": 2.0}),
        ("X-3d", "X", ValueError, {"X": X[:, :, None]}),
        ("X-1d", "X", ValueError, {"X": X[:, 0]}),
        ("X-0d", "X", ValueError, {"X": np.float64(1.0)}),
        ("X-no-samples", "X", ValueError, {"X": X[:0], "y": y[:0]}),
        ("X-no-features", "X", ValueError, {"X": X[:, :0]}),
        ("X-csc-no-features", "X", ValueError, {"X": sp.csc_matrix((N_SAMPLES, 0))}),
        ("X-ragged", "X", TypeError, {"X": [[1.0, 2.0], [1.0]] * (N_SAMPLES // 2)}),
        # types
        ("X-None", "X", TypeError, {"X": None}),
        ("y-None", "y", (TypeError, ValueError), {"y": None}),
        ("X-strings", "X", TypeError, {"X": np.full(X.shape, "a")}),
        ("X-numeric-strings", "X", TypeError, {"X": X.astype(str)}),
        ("X-object-strings", "X", TypeError, {"X": np.array([[1.0, "a"]] * N_SAMPLES,
                                                            dtype=object)}),
        ("X-dict", "X", TypeError, {"X": {"a": 1.0}}),
        ("X-datetime", "X", TypeError, {"X": np.zeros(X.shape, dtype="datetime64[s]")}),
        ("X-complex", "X", ValueError, {"X": X + 1j}),
        ("X-csc-complex", "X", ValueError, {"X": sp.csc_matrix(X + 1j)}),
        ("y-strings", "y", TypeError, {"y": np.full(N_SAMPLES, "a")}),
        ("y-complex", "y", ValueError, {"y": y + 1j}),
        ("sample_weight-strings", "sample_weight", TypeError,
         {"sample_weight": np.full(N_SAMPLES, "a")}),
        ("sample_weight-string", "sample_weight", TypeError, {"sample_weight": "heavy"}),
        ("sample_weight-complex", "sample_weight", ValueError, {"sample_weight": sw + 1j}),
        ("penalty_factor-strings", "penalty_factor", TypeError,
         {"penalty_factor": np.full(N_FEATURES, "a")}),
        ("penalty_factor-complex", "penalty_factor", ValueError, {"penalty_factor": pf + 1j}),
    ]


BAD_DATA = _bad_data_cases()


def _data_params():
    for entry in ENTRY_POINTS:
        for case in BAD_DATA:
            case_id, argument = case[0], case[1]
            if entry in NO_PENALTY_FACTOR and argument == "penalty_factor":
                continue
            if entry in MULTI_TARGET and case_id == "y-2d-targets":
                continue
            yield pytest.param(entry, case, id=f"{entry}-{case_id}")


@pytest.mark.parametrize(("entry", "case"), list(_data_params()))
def test_bad_data_is_rejected_naming_the_argument(entry, case):
    _, argument, error, bad = case
    X, y, _ = _data()
    arguments = {"X": X, "y": y, "sample_weight": None, "penalty_factor": None, **bad}
    with pytest.raises(error) as info:
        ENTRY_POINTS[entry](arguments.pop("X"), arguments.pop("y"), **arguments)
    message = str(info.value)
    assert _names_argument(message, argument), message
    assert "\n" not in message


# --- bad scalar parameters ---------------------------------------------------------------------

_REAL = [("nan", np.nan, ValueError), ("inf", np.inf, ValueError), ("string", "1",
                                                                   TypeError),
         ("None", None, TypeError), ("complex", 1j, TypeError), ("bool", True, TypeError),
         ("list", [0.1], TypeError)]
_INTEGER = [("zero", 0, ValueError), ("negative", -1, ValueError), ("float", 2.5, TypeError),
            ("integral-float", 10.0, TypeError), ("string", "10", TypeError),
            ("None", None, TypeError), ("numpy-zero", np.int64(0), ValueError)]
_FLAG = [("string", "yes", TypeError), ("None", None, TypeError), ("int", 2, TypeError)]


def _scalar_cases():
    """``(parameter, case id, value, error)`` for each checked scalar kind."""
    cases = {
        "alpha": [("negative", -1.0, ValueError)] + _REAL,
        "l1_ratio": [("negative", -0.1, ValueError), ("above-one", 1.5, ValueError)]
        + [case for case in _REAL if case[0] != "list"],
        "tol": [("negative", -1e-3, ValueError)] + [case for case in _REAL
                                                   if case[0] != "list"],
        "max_iter": _INTEGER,
        "eps": [("zero", 0.0, ValueError), ("negative", -1.0, ValueError),
                ("nan", np.nan, ValueError), ("string", "x", TypeError)],
        "n_alphas": [("zero", 0, ValueError), ("float", 2.5, TypeError),
                     ("string", "x", TypeError)],
        "alphas": [("count-zero", 0, ValueError), ("negative", [-1.0], ValueError),
                   ("empty", [], ValueError), ("nan", [np.nan], ValueError),
                   ("2d", [[1.0]], ValueError), ("string", "x", TypeError),
                   ("complex", [1j], TypeError)],
        "fit_intercept": _FLAG,
        "positive": _FLAG,
        "warm_start": _FLAG,
        "coef_init": [("short", np.zeros(3), ValueError), ("nan", [np.nan] * N_FEATURES,
                                                          ValueError),
                      ("string", "x", TypeError), ("2d", np.zeros((N_FEATURES, 1)),
                                                  ValueError)],
        "precompute": [("string", "yes", ValueError),
                       ("gram-shape", np.eye(N_FEATURES + 1), ValueError),
                       ("None", None, ValueError)],
        "selection": [("unknown", "best", ValueError)],
        "random_state": [("string", "x", ValueError), ("negative", -1, ValueError)],
        "cv": [("one-fold", 1, ValueError), ("zero", 0, ValueError), ("string", "x",
                                                                       (ValueError,
                                                                        TypeError))],
        "n_jobs": [("zero", 0, ValueError), ("float", 1.5, ValueError)],
        "rule": [("unknown", "best", ValueError)],
        "solver": [("unknown", "lsqr-ish", ValueError)],
        "gcv_mode": [("unknown", "x", ValueError)],
        "criterion": [("unknown", "foo", ValueError), ("None", None, ValueError)],
        "noise_variance": [("zero", 0.0, ValueError), ("negative", -1.0, ValueError),
                           ("string", "x", TypeError)],
        "ebic_gamma": [("above-one", 1.5, ValueError)],
        "threshold": [("half", 0.5, ValueError), ("above-one", 1.5, ValueError),
                      ("string", "x", TypeError)],
        "n_resampling": [("zero", 0, ValueError), ("float", 1.5, TypeError)],
        "pfer": [("zero", 0.0, ValueError), ("negative", -1.0, ValueError)],
        "complementary_pairs": _FLAG,
        "standardize": _FLAG,
        "gamma": [("negative", -0.1, ValueError), ("above-one", 1.5, ValueError),
                  ("string", "x", TypeError)],
        "nu": [("zero", 0.0, ValueError), ("negative", -1.0, ValueError),
               ("string", "x", TypeError)],
        "init": [("unknown", "lars", ValueError)],
        "n_reweightings": [("zero", 0, ValueError), ("float", 1.5, TypeError)],
    }
    return cases


SCALARS = _scalar_cases()
# Which scalar parameters each entry point takes (tol=0 is valid everywhere: it runs max_iter
# epochs, scikit-learn's convention).
PARAMETERS = {
    # (solve's fit_intercept and positive: see test_solve_rejects_a_non_boolean_flag)
    "solve": ["alpha", "l1_ratio", "tol", "max_iter", "coef_init", "precompute"],
    "enet_path": ["l1_ratio", "tol", "max_iter", "eps", "n_alphas", "alphas", "fit_intercept",
                  "positive", "coef_init", "precompute", "standardize"],
    "lasso_path": ["tol", "max_iter", "eps", "alphas", "positive", "coef_init"],
    "Lasso": ["alpha", "tol", "max_iter", "fit_intercept", "positive", "warm_start",
              "precompute", "selection", "random_state", "standardize"],
    "ElasticNet": ["alpha", "l1_ratio", "tol", "max_iter", "fit_intercept", "positive",
                   "warm_start", "precompute", "selection", "random_state", "standardize"],
    "Ridge": ["tol", "fit_intercept", "positive", "solver"],
    "LassoCV": ["eps", "alphas", "tol", "max_iter", "fit_intercept", "positive",
                "precompute", "selection", "random_state", "cv", "n_jobs", "rule",
                "standardize"],
    "ElasticNetCV": ["l1_ratio", "eps", "alphas", "tol", "max_iter", "fit_intercept", "cv",
                     "standardize"],
    "RidgeCV": ["fit_intercept", "cv", "gcv_mode"],
    "LassoIC": ["criterion", "eps", "alphas", "tol", "max_iter", "fit_intercept", "positive",
                "precompute", "noise_variance", "ebic_gamma"],
    "StabilitySelection": ["l1_ratio", "eps", "alphas", "tol", "max_iter", "fit_intercept",
                           "positive", "threshold", "n_resampling", "pfer", "n_jobs",
                           "random_state", "complementary_pairs"],
    "RelaxedLasso": ["alpha", "gamma", "tol", "max_iter", "fit_intercept", "positive",
                     "precompute"],
    "RelaxedLassoCV": ["eps", "alphas", "tol", "max_iter", "fit_intercept", "positive", "cv",
                       "n_jobs"],
    "AdaptiveLasso": ["alpha", "nu", "init", "n_reweightings", "tol", "max_iter",
                      "fit_intercept", "positive"],
    "AdaptiveLassoCV": ["nu", "init", "n_reweightings", "eps", "alphas", "tol", "max_iter",
                        "fit_intercept", "positive", "cv", "rule"],
}
# Cases that are valid for some entry points (documented behaviour, not a bad input).
VALID_HERE = {
    ("Ridge", "alpha", "list"),  # one alpha per target
    ("ElasticNetCV", "l1_ratio", "list"),  # a grid of l1_ratios
}


def _scalar_params():
    for entry, names in PARAMETERS.items():
        for name in names:
            for case_id, value, error in SCALARS[name]:
                if (entry, name, case_id) in VALID_HERE:
                    continue
                yield pytest.param(entry, name, value, error, id=f"{entry}-{name}-{case_id}")
    # Ridge and RidgeCV check their alphas themselves (arrays of one value per target).
    for entry, name in (("Ridge", "alpha"), ("RidgeCV", "alphas")):
        for case_id, value, error in [("negative", -1.0, ValueError),
                                      ("nan", np.nan, ValueError),
                                      ("inf", np.inf, ValueError),
                                      ("string", "x", TypeError),
                                      ("complex", 1j, TypeError),
                                      ("2d", [[1.0]], ValueError)]:
            yield pytest.param(entry, name, value, error, id=f"{entry}-{name}-{case_id}")
    for case_id, value in (("zero", 0), ("negative", -1.0)):  # leave-one-out needs alpha > 0
        yield pytest.param("RidgeCV", "alphas", value, ValueError, id=f"RidgeCV-alphas-{case_id}")


@pytest.mark.parametrize(("entry", "name", "value", "error"), list(_scalar_params()))
def test_bad_parameter_is_rejected_naming_it(entry, name, value, error):
    X, y, _ = _data()
    with pytest.raises(error) as info:
        ENTRY_POINTS[entry](X, y, **{name: value})
    message = str(info.value)
    assert _names_argument(message, name), message


@pytest.mark.parametrize("name", ["fit_intercept", "positive"])
def test_solve_rejects_a_non_boolean_flag(name):
    X, y, _ = _data()
    with pytest.raises(TypeError, match=name):
        fastreg.solve(X, y, 0.1, **{name: "no"})


def test_valid_edge_values_are_accepted():
    """The boundaries of each range are valid: the checks above are not over-eager."""
    X, y, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fastreg.solve(X, y, 0.01, tol=0.0, max_iter=np.int64(3)).n_iter >= 3
        assert fastreg.solve(X, y, 0.1, l1_ratio=0.0).converged
        fastreg.ElasticNet(alpha=0.1, l1_ratio=1, fit_intercept=np.bool_(False)).fit(X > 0, y)
        fastreg.Ridge(alpha=[0.5]).fit(X, y)
        fastreg.enet_path(X, y, alphas=[1, 2])  # integer alphas are real numbers


@pytest.mark.parametrize("precompute", [False, True])
def test_alpha_zero_is_least_squares_not_zeros(precompute):
    """alpha=0 is valid (scikit-learn fits least squares, with a warning): never zeros.

    Every feature is then unpenalized and the gap measures stationarity, which bounds the
    coefficients' error only through X's conditioning: hence the tight tol.
    """
    from sklearn.linear_model import LinearRegression

    X, y, _ = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fastreg.solve(X, y, 0.0, precompute=precompute, tol=1e-15)
    expected = LinearRegression().fit(X, y).coef_
    np.testing.assert_allclose(result.coef, expected, rtol=1e-6, atol=1e-8)


# --- the classifier: binary labels ------------------------------------------------------------

def _labels():
    """The bad-input data with y as two classes (0 and 1)."""
    X, y, sample_weight = _data()
    return X, np.where(y > 0, 1.0, 0.0), sample_weight


def _logistic_path(X, y, sample_weight=None, penalty_factor=None, **params):
    params.setdefault("n_alphas", 4)
    return fastreg.logistic_path(X, y, sample_weight=sample_weight,
                                 penalty_factor=penalty_factor, **params)


CLASSIFIERS = {
    "LogisticRegression": _estimator(fastreg.LogisticRegression),
    "logistic_path": _logistic_path,
}
# (entry, case id) -> the defect that makes the case fail (strict xfails).
CLASSIFIER_DEFECTS = {}


def _classifier_data_params():
    _, labels, _ = _labels()
    # The cases on y, remade from labels (a continuous y is itself an error for a classifier).
    relabelled = {
        "y-nan": _with(labels, 0, np.nan), "y-inf": _with(labels, 0, np.inf),
        "y-short": labels[:-1], "y-long": np.r_[labels, 1.0], "y-3d": labels[:, None, None],
        "y-scalar": 1.0, "y-2d-targets": np.column_stack([labels, labels]),
        "y-complex": labels + 1j,
    }
    for entry in CLASSIFIERS:
        for case_id, argument, error, bad in BAD_DATA:
            if case_id == "y-strings":
                continue  # strings are labels; a single class is test_classifiers' case
            if case_id in relabelled:
                bad = {"y": relabelled[case_id]}
            marks = ()
            if (entry, case_id) in CLASSIFIER_DEFECTS:
                marks = pytest.mark.xfail(strict=True,
                                          reason=CLASSIFIER_DEFECTS[(entry, case_id)])
            yield pytest.param(entry, (case_id, argument, error, bad), marks=marks,
                               id=f"{entry}-{case_id}")


@pytest.mark.parametrize(("entry", "case"), list(_classifier_data_params()))
def test_bad_data_is_rejected_by_the_classifier_naming_the_argument(entry, case):
    _, argument, error, bad = case
    X, y, _ = _labels()
    arguments = {"X": X, "y": y, "sample_weight": None, "penalty_factor": None, **bad}
    with pytest.raises(error) as info:
        CLASSIFIERS[entry](arguments.pop("X"), arguments.pop("y"), **arguments)
    message = str(info.value)
    assert _names_argument(message, argument), message
    assert "\n" not in message


CLASSIFIER_SCALARS = {
    "C": [("zero", 0.0, ValueError), ("negative", -1.0, ValueError)] + _REAL,
    "class_weight": [("unknown", "auto", ValueError), ("unknown-label", {5: 1.0}, ValueError),
                     ("negative", {0: -1.0, 1: 1.0}, ValueError),
                     ("nan", {0: np.nan, 1: 1.0}, ValueError),
                     ("all-zero", {0: 0.0, 1: 0.0}, ValueError)],
    "stop_early": _FLAG,
}
CLASSIFIER_PARAMETERS = {
    "LogisticRegression": ["C", "l1_ratio", "tol", "max_iter", "fit_intercept", "positive",
                           "warm_start", "class_weight", "standardize"],
    "logistic_path": ["l1_ratio", "tol", "max_iter", "eps", "n_alphas", "alphas",
                      "fit_intercept", "positive", "coef_init", "stop_early", "standardize"],
}
CLASSIFIER_PARAMETER_DEFECTS = {}


def _classifier_scalar_params():
    for entry, names in CLASSIFIER_PARAMETERS.items():
        for name in names:
            for case_id, value, error in CLASSIFIER_SCALARS.get(name, SCALARS.get(name)):
                reason = CLASSIFIER_PARAMETER_DEFECTS.get((name, case_id))
                marks = pytest.mark.xfail(strict=True, reason=reason) if reason else ()
                yield pytest.param(entry, name, value, error, marks=marks,
                                   id=f"{entry}-{name}-{case_id}")


@pytest.mark.parametrize(("entry", "name", "value", "error"), list(_classifier_scalar_params()))
def test_bad_classifier_parameter_is_rejected_naming_it(entry, name, value, error):
    X, y, _ = _labels()
    with pytest.raises(error) as info:
        CLASSIFIERS[entry](X, y, **{name: value})
    message = str(info.value)
    # "class weights" in words names class_weight too.
    assert _names_argument(message, name) or (
        name == "class_weight" and "class weights" in message), message


# --- the command line ------------------------------------------------------------------------

def _run_cli(arguments):
    """``(status, stderr)`` of ``fastreg ARGUMENTS`` run in-process."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(arguments)
    return status, err.getvalue()


def _write_csv(path, header, rows):
    path.write_text("\n".join([",".join(header), *(",".join(map(str, r)) for r in rows)])
                    + "\n")
    return path


@pytest.fixture(scope="module")
def good_csv(tmp_path_factory):
    X, y, _ = _data()
    rows = [[f"{v:.6g}" for v in row] for row in np.column_stack([X[:, :3], y])]
    return _write_csv(tmp_path_factory.mktemp("cli") / "good.csv", ["a", "b", "c", "t"], rows)


def _bad_files(directory):
    """``{case id: (path, words the message must contain)}``."""
    X, y, _ = _data()
    rows = [[f"{v:.6g}" for v in row] for row in np.column_stack([X[:, :3], y])]
    header = ["a", "b", "c", "t"]

    def csv(name, bad_row):
        return _write_csv(directory / name, header, rows[:2] + [bad_row] + rows[2:])

    def svm(name, text):
        path = directory / name
        path.write_text(text)
        return path

    def npz(name, **arrays):
        path = directory / name
        np.savez(path, **arrays)
        return path

    return {
        "csv-nan": (csv("nan.csv", ["1", "nan", "2", "3"]), ["line 4", "'b'"]),
        "csv-inf": (csv("inf.csv", ["1", "inf", "2", "3"]), ["line 4", "'b'"]),
        "csv-overflow": (csv("big.csv", ["1", "1e400", "2", "3"]), ["line 4", "'b'"]),
        "csv-nan-target": (csv("nant.csv", ["1", "2", "3", "NA"]), ["line 4", "'t'"]),
        "csv-string": (csv("str.csv", ["1", "abc", "2", "3"]), ["line 4", "'b'"]),
        "csv-complex": (csv("cplx.csv", ["1", "1+2j", "2", "3"]), ["line 4", "'b'"]),
        "csv-short-row": (csv("short.csv", ["1", "2"]), ["line 4", "fields"]),
        "csv-header-only": (_write_csv(directory / "hdr.csv", header, []), ["no data"]),
        "csv-empty": (svm("empty.csv", ""), ["empty"]),
        "svm-nan": (svm("nan.svm", "1 1:0.5 2:nan\n2 1:1 3:2\n"), ["sample 1", "feature 2"]),
        "svm-inf-label": (svm("inf.svm", "inf 1:0.5\n2 1:1\n"), ["label", "sample 1"]),
        "svm-not-a-number": (svm("bad.svm", "1 1:0.5\n2 1:x\n"), ["line 2"]),
        "svm-index-overflow": (svm("big.svm", "1 99999999999:1\n"), ["line 1"]),
        "svm-labels-only": (svm("labels.svm", "1\n2\n"), ["no features"]),
        "npz-short-y": (npz("y.npz", X=X, y=y[:-1]), ["'y'", "shape"]),
        "npz-3d-X": (npz("x3.npz", X=X[:, :, None], y=y), ["'X'", "2-D"]),
        "npz-complex-X": (npz("cx.npz", X=X + 1j, y=y), ["'X'"]),
        "npz-string-y": (npz("sy.npz", X=X, y=y.astype(str)), ["'y'"]),
        "npz-object-X": (npz("ox.npz", X=X.astype(object), y=y), ["npz"]),
        "npz-nan-X": (npz("nx.npz", X=_with(X, 3, np.nan), y=y), ["X[0, 3]"]),
        "npz-no-samples": (npz("e.npz", X=X[:0], y=y[:0]), ["no samples"]),
        "npz-float-indices": (npz("fi.npz", format="csc", shape=np.array([N_SAMPLES, 4]),
                                  data=np.ones(2), indices=np.array([0.5, 1.0]),
                                  indptr=np.array([0, 1, 2, 2, 2]), y=y), ["'indices'"]),
        "missing-file": (directory / "nothing.csv", ["no such file"]),
    }


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    return _bad_files(tmp_path_factory.mktemp("bad"))


def _check_one_line_error(status, stderr, *words):
    assert status == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("fastreg"), stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


BAD_FILE_CASES = ["csv-nan", "csv-inf", "csv-overflow", "csv-nan-target", "csv-string",
                  "csv-complex", "csv-short-row", "csv-header-only", "csv-empty", "svm-nan",
                  "svm-inf-label", "svm-not-a-number", "svm-index-overflow", "svm-labels-only",
                  "npz-short-y", "npz-3d-X", "npz-complex-X", "npz-string-y", "npz-object-X",
                  "npz-nan-X", "npz-no-samples", "npz-float-indices", "missing-file"]


def test_the_bad_file_list_is_complete(tmp_path):
    assert sorted(_bad_files(tmp_path)) == sorted(BAD_FILE_CASES)


@pytest.mark.parametrize("command", ["fit", "path", "select"])
@pytest.mark.parametrize("case", BAD_FILE_CASES)
def test_cli_rejects_a_bad_data_file_in_one_line(bad_files, command, case):
    path, words = bad_files[case]
    target = ["--target", "t"] if path.suffix == ".csv" else []
    status, stderr = _run_cli([command, str(path), *target, "-q", "--n-alphas", "3"])
    _check_one_line_error(status, stderr, path.name, *words)


BAD_OPTIONS = [
    (["--alpha", "-1"], "--alpha"),
    (["--alpha", "0"], "--alpha"),
    (["--alpha", "nan"], "--alpha"),
    (["--alpha", "inf"], "--alpha"),
    (["--alpha", "big"], "--alpha"),
    (["--penalty", "elasticnet", "--l1-ratio", "1.5"], "--l1-ratio"),
    (["--penalty", "elasticnet", "--l1-ratio", "0"], "--l1-ratio"),
    (["--penalty", "elasticnet", "--l1-ratio", "x"], "--l1-ratio"),
    (["--penalty", "l1", "--l1-ratio", "0.5"], "--l1-ratio"),
    (["--tol", "0"], "--tol"),
    (["--tol", "-1e-4"], "--tol"),
    (["--tol", "nan"], "--tol"),
    (["--max-iter", "0"], "--max-iter"),
    (["--max-iter", "2.5"], "--max-iter"),
    (["--n-alphas", "1"], "--n-alphas"),
    (["--eps", "0"], "--eps"),
    (["--eps", "1.5"], "--eps"),
    (["--cv", "1"], "--cv"),
    (["--cv", "1000"], "--cv"),
    (["--penalty", "l3"], "--penalty"),
    (["--format", "xls"], "--format"),
    (["--target", "nope"], "--target"),
    (["--rule", "best"], "--rule"),
    (["--top", "-1"], "--top"),
]


@pytest.mark.parametrize(("options", "named"), BAD_OPTIONS, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else v)
def test_cli_fit_rejects_a_bad_option_in_one_line(good_csv, options, named):
    arguments = ["fit", str(good_csv), "-q", *options]
    if "--target" not in options:
        arguments += ["--target", "t"]
    status, stderr = _run_cli(arguments)
    _check_one_line_error(status, stderr, named)


@pytest.mark.parametrize(("options", "named"), [
    (["--tol", "-1"], "--tol"), (["--max-iter", "0"], "--max-iter"),
    (["--n-alphas", "0"], "--n-alphas"), (["--eps", "nan"], "--eps"),
    (["--penalty", "elasticnet", "--l1-ratio", "2"], "--l1-ratio"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_cli_path_rejects_a_bad_option_in_one_line(good_csv, options, named):
    status, stderr = _run_cli(["path", str(good_csv), "--target", "t", "-q", *options])
    _check_one_line_error(status, stderr, named)


def test_cli_accepts_the_good_file(good_csv):
    """The files and options above differ from a working command only by the bad part."""
    status, stderr = _run_cli(["fit", str(good_csv), "--target", "t", "-q", "--alpha", "0.1"])
    assert status == 0, stderr
    status, stderr = _run_cli(["path", str(good_csv), "--target", "t", "-q", "--n-alphas",
                               "3"])
    assert status == 0, stderr
    status, stderr = _run_cli(["select", str(good_csv), "--target", "t", "-q", "--n-alphas",
                               "3", "--n-resampling", "2"])
    assert status == 0, stderr


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("make", [lambda: fastreg.ElasticNet(alpha=0.1),
                                  lambda: fastreg.LogisticRegression()])
def test_x_near_the_float64_maximum_is_an_error_not_nan(make, fit_intercept):
    """Column sums that overflow would give NaN coefficients or intercepts: an error naming
    X instead (and no RuntimeWarning on the way)."""
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.randint(0, 2, size=10)
    model = make().set_params(fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="column of X overflow float64"):
            model.fit(X, y)
