"""Tests of the ``fastreg`` command line (``fastreg.cli.main``), end to end on files."""

import argparse
import csv
import io
import json
import sys
from importlib.metadata import entry_points

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from sklearn.datasets import dump_svmlight_file
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

import fastreg
import fastreg._solver
import fastreg.path
from fastreg import cli
from fastreg._io import load_data
from fastreg.cli import main
from fastreg.cv import ElasticNetCV, LassoCV
from fastreg.datasets import make_correlated_classification, make_correlated_regression

SMALL = ["demo", "--n-samples", "60", "--n-features", "200"]


def parse_table(out):
    """The demo table as {model: {column: value}}."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("model")) + 2
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        name, alpha, nnz, tp, fp, r2, ms = line.split()
        rows[name] = {
            "alpha": float(alpha),
            "nnz": int(nnz),
            "tp": int(tp),
            "fp": int(fp),
            "r2": float(r2),
            "ms": float(ms),
        }
    return rows


def test_demo_small_problem(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    assert out.startswith("Problem: 30 training + 30 test samples, 200 features")
    rows = parse_table(out)
    assert list(rows) == ["Lasso", "ElasticNet", "Ridge"]
    for name, row in rows.items():
        assert row["alpha"] > 0, name
        assert row["nnz"] == row["tp"] + row["fp"], name
        assert 0 <= row["tp"] <= 20, name
        assert row["r2"] <= 1.0, name
        assert row["ms"] >= 0, name
    assert rows["Lasso"]["nnz"] < 200
    assert rows["ElasticNet"]["nnz"] < 200
    assert rows["Ridge"]["nnz"] == 200 and rows["Ridge"]["tp"] == 20
    # The explanation under the table quotes the table's own numbers.
    assert "all 200 kept" in out
    assert f"{rows['Lasso']['tp']} of 20 true" in out


def test_demo_is_deterministic(capsys):
    def run():
        assert main(SMALL + ["--seed", "3"]) == 0
        out = capsys.readouterr().out
        rows = {**parse_table(out), **parse_selection_table(out), **parse_class_table(out)}
        for row in rows.values():
            del row["ms"]  # timing is the only thing allowed to change
        return rows

    assert run() == run()


def test_help(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: fastreg" in out and "demo" in out
    assert main(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--n-samples", "--n-features", "--seed"):
        assert option in out


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: fastreg" in capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fastreg {fastreg.__version__}"


@pytest.mark.parametrize(
    "args, option",
    [
        (["--n-samples", "-5"], "--n-samples"),
        (["--n-samples", "abc"], "--n-samples"),
        (["--n-features", "0"], "--n-features"),
        (["--n-informative", "0"], "--n-informative"),
        (["--n-informative", "300", "--n-features", "200"], "--n-informative"),
        (["--rho", "1.5"], "--rho"),
        (["--snr", "-1"], "--snr"),
        (["--seed", "x"], "--seed"),
    ],
)
def test_bad_option_values(capsys, args, option):
    assert main(["demo", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    message = captured.err
    assert message.count("\n") == 1, message  # one line
    assert option in message and "error" in message


def test_unknown_command(capsys):
    assert main(["fitt"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_entry_point():
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "fastreg"]
    assert entry.value == "fastreg.cli:main"
    assert entry.load() is main


# --- fastreg fit and fastreg path on files ------------------------------------------------------

N_SAMPLES, N_FEATURES = 60, 25
# Three informative features (columns of X) with large coefficients, and small noise.
TRUE = {3: 4.0, 7: -3.0, 12: 2.5}
FAST = ["--n-alphas", "20", "--cv", "3"]


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    X[rng.random(X.shape) < 0.5] = 0.0
    for j in TRUE:
        X[:, j] = rng.normal(size=N_SAMPLES)  # dense informative columns
    y = X[:, list(TRUE)] @ np.array(list(TRUE.values())) + 1.0
    y += 0.1 * rng.normal(size=N_SAMPLES)
    return X, y


@pytest.fixture(scope="module")
def files(problem, tmp_path_factory):
    """The problem as svmlight (one-based), CSV (target in the middle) and npz (CSR)."""
    X, y = problem
    folder = tmp_path_factory.mktemp("data")
    svm = folder / "data.svm"
    dump_svmlight_file(X, y, str(svm), zero_based=False)
    names = [f"f{j}" for j in range(N_FEATURES)]
    header = names[:5] + ["price"] + names[5:]
    with open(folder / "data.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for i in range(N_SAMPLES):
            writer.writerow([repr(float(v)) for v in (*X[i, :5], y[i], *X[i, 5:])])
    matrix = sp.csr_matrix(X)
    np.savez(folder / "data.npz", format=np.array("csr"), shape=np.array(matrix.shape),
             data=matrix.data, indices=matrix.indices, indptr=matrix.indptr, y=y,
             feature_names=np.array([f"g{j}" for j in range(N_FEATURES)]))
    return {"svm": str(svm), "csv": str(folder / "data.csv"), "npz": str(folder / "data.npz")}


def run(capsys, *argv):
    """main(argv): exit status, stdout, stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def summary(out):
    """The 'Key:  value' lines of a fit summary as a dict."""
    fields = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key:
            fields[key] = value.strip()
    return fields


def top_features(out):
    """[(name, coefficient)] from the table of a fit summary."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("rank")) + 1
    rows = []
    for line in lines[start:]:
        fields = line.split()
        if len(fields) != 3 or not fields[0].isdigit():
            break
        rows.append((fields[1], float(fields[2])))
    return rows


@pytest.mark.parametrize(
    "kind, extra, names",
    [
        ("svm", [], ["4", "8", "13"]),  # the file's one-based indices
        ("csv", ["--target", "price"], ["f3", "f7", "f12"]),  # the header
        ("npz", [], ["g3", "g7", "g12"]),  # the archive's feature_names
    ],
)
def test_fit_finds_the_informative_features_in_each_format(capsys, files, kind, extra, names):
    status, out, err = run(capsys, "fit", files[kind], *extra, *FAST)
    assert status == 0, err
    assert err == ""  # no progress bar: stderr is not a terminal
    fields = summary(out)
    assert fields["Data"].startswith(f"{files[kind]} ({'svmlight' if kind == 'svm' else kind})")
    assert f"{N_SAMPLES} samples, {N_FEATURES} features" in fields["Data"]
    assert fields["Model"] == "Lasso (L1), with an intercept"
    assert "chosen by 3-fold cross-validation over 20 alphas" in fields["Alpha"]
    assert float(fields["Intercept"]) == pytest.approx(1.0, abs=0.2)
    assert "converged" in fields["Gap"] and "NOT" not in fields["Gap"]
    assert fields["Time"].endswith("s to load")
    top = top_features(out)
    assert [name for name, _ in top[:3]] == [names[0], names[1], names[2]]
    for (_, value), expected in zip(top[:3], TRUE.values(), strict=True):
        assert value == pytest.approx(expected, rel=0.1)
    n_selected = int(fields["Selected"].split()[0])
    assert len(top) == min(n_selected, 10)


def test_fit_with_alpha_matches_the_lasso_estimator(capsys, files, problem, tmp_path):
    X, y = problem
    out_file = tmp_path / "selected.json"
    status, out, _ = run(capsys, "fit", files["svm"], "--alpha", "0.05", "--out", out_file,
                         "--tol", "1e-8")
    assert status == 0
    assert summary(out)["Alpha"] == "0.05 (given)"
    document = json.loads(out_file.read_text())
    model = fastreg.Lasso(alpha=0.05, tol=1e-8).fit(X, y)
    coef = np.zeros(N_FEATURES)
    for feature in document["features"]:
        assert feature["name"] == str(feature["feature_index"] + 1)
        coef[feature["feature_index"]] = feature["coefficient"]
    np.testing.assert_allclose(coef, model.coef_, rtol=1e-6, atol=1e-8)
    assert document["intercept"] == pytest.approx(model.intercept_, rel=1e-6)
    assert document["alpha"] == 0.05 and document["alpha_chosen_by"] == "given"
    assert document["n_selected"] == np.count_nonzero(model.coef_)
    assert document["converged"] and document["dual_gap"] <= document["gap_tolerance"]
    assert f"Wrote {document['n_selected']} selected features to {out_file}" in out


@pytest.mark.parametrize("rule, positive", [("min", False), ("1se", False), ("min", True)])
def test_cv_chooses_the_alpha_of_lassocv(capsys, files, problem, rule, positive):
    X, y = problem
    flags = ["--positive"] if positive else []
    # Tight tol: the command line fits each fold alpha by alpha, LassoCV along a warm path,
    # and the 1se rule turns tol-sized differences of the CV curve into another alpha.
    status, out, _ = run(capsys, "fit", files["npz"], "--cv", "4", "--n-alphas", "30",
                         "--rule", rule, "--seed", "3", "--tol", "1e-10", *flags)
    assert status == 0
    model = LassoCV(cv=KFold(4, shuffle=True, random_state=3), alphas=30, rule=rule,
                    positive=positive, tol=1e-10).fit(X, y)
    alpha = float(summary(out)["Alpha"].split(",")[0])
    assert alpha == pytest.approx(model.alpha_, rel=1e-5)


@pytest.mark.parametrize("flags", [[], ["--rule", "1se"], ["--penalty", "elasticnet",
                                   "--l1-ratio", "0.7"], ["--positive", "--no-intercept"]])
def test_cv_fit_is_the_cv_estimators_fit(capsys, files, tmp_path, flags):
    # Same folds, grid, fold paths, rule and final fit as LassoCV / ElasticNetCV: at the
    # default tol, the alpha and every coefficient are equal, not merely close.
    data = load_data(files["npz"])
    out_file = tmp_path / "selected.json"
    status, _, err = run(capsys, "fit", files["npz"], "--cv", "4", "--n-alphas", "25",
                         "--seed", "5", "--out", out_file, *flags)
    assert status == 0, err
    options = dict(cv=KFold(4, shuffle=True, random_state=5), alphas=25,
                   rule="1se" if "1se" in flags else "min", positive="--positive" in flags,
                   fit_intercept="--no-intercept" not in flags)
    if "elasticnet" in flags:
        model = ElasticNetCV(l1_ratio=0.7, **options).fit(data.X, data.y)
    else:
        model = LassoCV(**options).fit(data.X, data.y)
    document = json.loads(out_file.read_text())
    assert document["alpha"] == model.alpha_
    coef = np.zeros(N_FEATURES)
    for feature in document["features"]:
        coef[feature["feature_index"]] = feature["coefficient"]
    np.testing.assert_array_equal(coef, model.coef_)
    assert document["intercept"] == model.intercept_
    assert document["dual_gap"] == model.dual_gap_


def test_fit_out_csv_lists_every_selected_feature_largest_first(capsys, files, tmp_path):
    out_file = tmp_path / "selected.csv"
    status, out, _ = run(capsys, "fit", files["csv"], "--target", "price", *FAST,
                         "--out", out_file, "--top", "2")
    assert status == 0
    with open(out_file, newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["feature", "coefficient"]
    values = [float(value) for _, value in rows[1:]]
    assert len(values) == int(summary(out)["Selected"].split()[0])
    assert np.all(np.diff(np.abs(values)) <= 0)
    assert [name for name, _ in rows[1:4]] == ["f3", "f7", "f12"]
    assert len(top_features(out)) == 2


def test_fit_penalties_positive_and_no_intercept(capsys, files, tmp_path):
    status, out, _ = run(capsys, "fit", files["svm"], "--penalty", "elasticnet",
                         "--l1-ratio", "0.7", *FAST)
    assert status == 0
    assert summary(out)["Model"] == "Elastic Net (L1 + L2), l1_ratio=0.7, with an intercept"

    status, out, _ = run(capsys, "fit", files["svm"], "--penalty", "l2", *FAST)
    assert status == 0
    fields = summary(out)
    assert fields["Model"] == "Ridge (L2), with an intercept"
    assert fields["Gap"].startswith("none to report: Ridge is solved by")
    assert fields["Selected"].startswith(f"{N_FEATURES} of {N_FEATURES}")

    out_file = tmp_path / "positive.json"
    status, out, _ = run(capsys, "fit", files["svm"], "--positive", "--no-intercept",
                         "--alpha", "0.01", "--out", out_file)
    assert status == 0
    assert "Intercept" not in summary(out)
    document = json.loads(out_file.read_text())
    assert document["intercept"] == 0.0 and not document["fit_intercept"]
    coefficients = [f["coefficient"] for f in document["features"]]
    assert coefficients and min(coefficients) > 0
    assert "8" not in [f["name"] for f in document["features"]]  # its true weight is < 0


def test_path_prints_the_table_that_enet_path_computes(capsys, files, problem):
    X, y = problem
    status, out, err = run(capsys, "path", files["svm"], "--n-alphas", "15", "--tol", "1e-12")
    assert status == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], np.array(rows[1:], dtype=float)
    assert header[:4] == ["alpha", "n_nonzero", "intercept", "dual_gap"]
    assert body.shape[0] == 15
    alphas = body[:, 0]
    assert np.all(np.diff(alphas) < 0) and body[0, 1] == 0
    reference_alphas, coefs, _ = fastreg.lasso_path(X, y, n_alphas=15, fit_intercept=True,
                                                    tol=1e-12)
    np.testing.assert_allclose(alphas, reference_alphas, rtol=1e-12)
    columns = [int(name) - 1 for name in header[4:]]  # one-based svmlight names
    np.testing.assert_allclose(body[:, 4:], coefs[columns].T, rtol=1e-5, atol=1e-8)
    assert set(np.flatnonzero(np.abs(coefs).max(axis=1))) == set(columns)
    np.testing.assert_array_equal(body[:, 1], np.count_nonzero(coefs, axis=0))
    # Features in the order they enter the path: the strongest first.
    assert header[4] == "4"


@pytest.mark.parametrize("flags, l1_ratio", [([], 1.0), (["--penalty", "elasticnet",
                                              "--l1-ratio", "0.7", "--positive"], 0.7)])
def test_path_is_enet_path_exactly(capsys, files, flags, l1_ratio):
    # One walk of the engine over the grid, as enet_path's: the same numbers, bit for bit,
    # at the default tol (a fit per alpha would differ from it by up to tol).
    data = load_data(files["svm"])
    status, out, err = run(capsys, "path", files["svm"], "--n-alphas", "12", *flags)
    assert status == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], np.array(rows[1:], dtype=float)
    alphas, coefs, gaps = fastreg.enet_path(data.X, data.y, l1_ratio=l1_ratio, n_alphas=12,
                                            fit_intercept=True, positive=bool(flags))
    np.testing.assert_array_equal(body[:, 0], alphas)
    np.testing.assert_array_equal(body[:, 3], gaps)
    columns = [int(name) - 1 for name in header[4:]]
    np.testing.assert_array_equal(body[:, 4:], coefs[columns].T)
    assert np.count_nonzero(coefs[np.setdiff1d(np.arange(N_FEATURES), columns)]) == 0
    means = np.asarray(data.X.mean(axis=0)).ravel()
    np.testing.assert_allclose(body[:, 2], data.y.mean() - means @ coefs, rtol=1e-12)


def replace_everywhere(monkeypatch, real, replacement):
    """Replace the library function ``real`` in every fastreg module that holds it (each
    calls what it imported by its own global name); return those modules' names."""
    names = [name for name, module in list(sys.modules.items())
             if name.split(".")[0] == "fastreg"
             and getattr(module, real.__name__, None) is real]
    for name in names:
        monkeypatch.setattr(sys.modules[name], real.__name__, replacement)
    assert {"fastreg.cli", "fastreg.cv"} <= set(names)
    return names


@pytest.fixture
def validations(monkeypatch):
    """The shapes of the X that make_problem validates, in call order."""
    shapes = []
    real = fastreg._solver.make_problem

    def counting(X, *args, **kwargs):
        shapes.append(X.shape)
        return real(X, *args, **kwargs)

    replace_everywhere(monkeypatch, real, counting)
    return shapes


@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_a_path_validates_x_once(capsys, files, validations, penalty):
    status, _, _ = run(capsys, "path", files["svm"], "--n-alphas", "10", "--penalty", penalty)
    assert status == 0
    assert validations == [(N_SAMPLES, N_FEATURES)]  # grid and all ten alphas: one problem
    validations.clear()
    assert run(capsys, "fit", files["svm"], "--alpha", "0.1", "--penalty", penalty)[0] == 0
    assert validations == [(N_SAMPLES, N_FEATURES)]


def test_cross_validation_validates_x_once_and_each_fold_once(capsys, files, validations):
    assert run(capsys, "fit", files["svm"], "--cv", "3", "--n-alphas", "10")[0] == 0
    # All the data (grid and final fit), then each training fold's rows (a copy) once.
    assert validations == [(N_SAMPLES, N_FEATURES)] + [(40, N_FEATURES)] * 3


def test_alpha_grid_is_the_library_grid_widened_to_include(problem):
    X, y = problem
    spec = cli._Spec("elasticnet", 0.5, True, False, 1e-4, 1000)
    inputs = cli._inputs(X, y, spec)
    grid = fastreg.path.alpha_grid(inputs.problem, 0.5, 1e-3, 20)
    np.testing.assert_array_equal(cli._alpha_grid(inputs, spec, 20, 1e-3), grid)
    np.testing.assert_array_equal(cli._alpha_grid(inputs, spec, 20, 1e-3, include=grid[5]),
                                  grid)  # already on the grid's span: unchanged
    wide = cli._alpha_grid(inputs, spec, 20, 1e-3, include=10 * grid[0])
    assert wide[0] == 10 * grid[0] and wide[-1] == grid[-1] and wide.size == 20
    deep = cli._alpha_grid(inputs, spec, 20, 1e-3, include=grid[-1] / 10)
    assert deep[0] == grid[0] and deep[-1] == grid[-1] / 10
    constant = cli._inputs(X, np.full(N_SAMPLES, 2.0), spec)  # w = 0 at every alpha
    np.testing.assert_array_equal(cli._alpha_grid(constant, spec, 5, 1e-3, include=0.3),
                                  np.full(5, 0.3))


def test_path_out_and_ridge_path(capsys, files, tmp_path):
    out_file = tmp_path / "path.csv"
    status, out, err = run(capsys, "path", files["csv"], "--target", "price", "--penalty",
                           "l2", "--n-alphas", "8", "--out", out_file)
    assert status == 0 and err == ""
    assert f"Wrote the path table to {out_file}" in out
    assert "Path:  8 alphas" in out
    rows = list(csv.reader(out_file.open(newline="")))
    assert rows[0][:3] == ["alpha", "n_nonzero", "intercept"]  # Ridge: no duality gap
    assert len(rows[0]) == 3 + N_FEATURES and len(rows) == 1 + 8
    assert set(rows[0][3:]) == {f"f{j}" for j in range(N_FEATURES)}


# --- plots ----------------------------------------------------------------------------------


def is_png(path):
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_fit_and_path_plots(capsys, files, tmp_path):
    pytest.importorskip("matplotlib")
    cv_png, path_png, table_png = (tmp_path / n for n in ("cv.png", "path.png", "t.png"))
    status, out, _ = run(capsys, "fit", files["svm"], *FAST, "--plot", cv_png)
    assert status == 0 and is_png(cv_png)
    assert f"Wrote the cross-validation curve to {cv_png}" in out
    status, out, _ = run(capsys, "fit", files["svm"], "--alpha", "0.1", "--n-alphas", "10",
                         "--plot", path_png)
    assert status == 0 and is_png(path_png)
    assert f"Wrote the path to {path_png}" in out
    status, out, err = run(capsys, "path", files["svm"], "--n-alphas", "10", "--plot",
                           table_png)
    assert status == 0 and is_png(table_png)
    assert out.startswith("alpha,") and f"Wrote the path plot to {table_png}" in err


def test_demo_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "demo.png"
    status, out, _ = run(capsys, *SMALL, "--plot", png)
    assert status == 0 and is_png(png)
    assert png.stat().st_size < 100_000
    assert f"Wrote the three coefficient paths to {png}" in out


@pytest.mark.parametrize("command", [["fit", "FILE", "--cv", "2"], ["path", "FILE"],
                                     ["select", "FILE"], SMALL])
def test_plot_without_matplotlib_fails_before_any_work(capsys, files, tmp_path, monkeypatch,
                                                       command):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    argv = [files["svm"] if a == "FILE" else a for a in command]
    status, out, err = run(capsys, *argv, "--plot", tmp_path / "p.png")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "pip install 'fastreg-cd[plot]'" in err
    assert not (tmp_path / "p.png").exists()


# --- progress and Ctrl-C --------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only(capsys, files, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["fit", files["svm"], *FAST]) == 0
    drawn = terminal.getvalue()
    assert "CV fold 3/3" in drawn and "100% 60/60" in drawn
    assert drawn.endswith("\r")  # erased: the summary starts on a clean line
    assert "Selected:" in capsys.readouterr().out

    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["fit", files["svm"], *FAST, "--quiet"]) == 0
    assert quiet.getvalue() == ""

    path_bar = Terminal()
    monkeypatch.setattr(sys, "stderr", path_bar)
    assert main(["path", files["svm"], "--n-alphas", "5"]) == 0
    assert "path [" in path_bar.getvalue() and "5/5" in path_bar.getvalue()


def test_progress_unit():
    terminal = Terminal()
    with cli.Progress(4, "work", stream=terminal) as bar:
        bar.advance(2)
        assert "work [" in bar.render() and " 50% 2/4" in bar.render()
        assert "eta" in bar.render()
        bar.advance(2, label="done")
    assert bar.count == 4 and "done [" in terminal.getvalue()
    silent = io.StringIO()  # not a terminal
    with cli.Progress(4, "work", stream=silent) as bar:
        bar.advance(4)
    assert silent.getvalue() == ""


@pytest.fixture
def events(monkeypatch):
    """What the engine and the progress bar do, in order: "fit" for each alpha solved,
    ("advance", steps) for each move of the bar."""
    log = []
    real_walk, real_advance = fastreg.path.walk_path, cli.Progress.advance

    def walk(*args, **kwargs):
        for result in real_walk(*args, **kwargs):
            log.append("fit")
            yield result

    def advance(self, steps=1, label=None):
        log.append(("advance", steps))
        return real_advance(self, steps, label)

    replace_everywhere(monkeypatch, real_walk, walk)
    monkeypatch.setattr(cli.Progress, "advance", advance)
    return log


def test_progress_advances_once_per_alpha(capsys, files, events):
    assert run(capsys, "path", files["svm"], "--n-alphas", "7")[0] == 0
    assert events == ["fit", ("advance", 1)] * 7
    events.clear()
    assert run(capsys, "fit", files["svm"], "--cv", "3", "--n-alphas", "5")[0] == 0
    # Each fold: its label, then one step per alpha as soon as it is solved.
    fold = [("advance", 0)] + ["fit", ("advance", 1)] * 5
    assert events[: 3 * len(fold)] == fold * 3
    # The final fit walks the grid down to the chosen alpha, outside the bar.
    final = events[3 * len(fold):]
    assert 1 <= len(final) <= 5 and set(final) == {"fit"}


@pytest.mark.parametrize("argv", [["fit", "FILE", *FAST], ["path", "FILE", "--n-alphas", "9"]])
def test_ctrl_c_between_alphas_stops_with_one_line(capsys, files, monkeypatch, argv):
    solved = []
    real = fastreg.path.walk_path

    def interrupted(*args, **kwargs):
        for result in real(*args, **kwargs):
            yield result
            solved.append(result.alpha)
            if len(solved) == 2:  # Ctrl-C after two alphas, before the third
                raise KeyboardInterrupt

    replace_everywhere(monkeypatch, real, interrupted)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([files["svm"] if a == "FILE" else a for a in argv]) == 130
    assert capsys.readouterr().out == ""
    drawn = terminal.getvalue()
    assert "[" in drawn  # a bar was drawn, then erased
    assert drawn.endswith("\rfastreg: interrupted\n")
    assert "Traceback" not in drawn and len(solved) == 2


def test_closed_pipe_on_stdout_is_not_an_error(capsys, files, monkeypatch):
    def reader_gone(*args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_write_path_table", reader_gone)
    status, _, err = run(capsys, "path", files["svm"], "--n-alphas", "3")
    assert status == 141 and err == ""


# --- errors a person can act on -------------------------------------------------------------


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "make_argv, expected",
    [
        (lambda d: ["fit", f"{d}/absent.csv", "--target", "y"], "absent.csv: no such file"),
        (lambda d: ["fit", write(d, "t.xlsx", "a\x00b")], "unknown format (.xlsx)"),
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,2\n"), "--target", "price"],
         "no column 'price' for --target; the columns are 'a', 'y'"),
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,2\n")], "needs --target COLUMN"),
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,2\nx,3\n"), "--target", "y"],
         "line 3, column 'a': 'x' is not a number"),
        (lambda d: ["path", write(d, "t.csv", "a,y\n1,2\nnan,3\n"), "--target", "y"],
         "line 3, column 'a': NaN"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n2 2:nan\n")], "sample 2, feature 2 is NaN"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n2 2:two\n")], "line 2: not svmlight"),
        (lambda d: ["fit", write(d, "t.npz", "not a zip")], "not a valid .npz archive"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n"), "--l1-ratio", "0.5"],
         "--l1-ratio applies to --penalty elasticnet"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n"), "--out", f"{d}/x.txt"],
         "must end in .csv or .json"),
        (lambda d: ["path", write(d, "t.svm", "1 1:2\n"), "--out", f"{d}/x.json"],
         "must end in .csv"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n"), "--plot", f"{d}/no/x.png"],
         "no such directory"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n2 1:3\n"), "--cv", "3"],
         "--cv 3 needs at least 3 samples"),
        (lambda d: ["fit", write(d, "t.svm", "0\n0 1:1e155\n"), "--alpha", "0.1"],
         "a column of X overflow float64"),
        (lambda d: ["fit", write(d, "t.svm", "0 1:1\n1 1:2\n1e155 1:3\n"), "--alpha", "0.1"],
         "sum of squares of y overflows float64"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys, tmp_path, make_argv, expected):
    if "--plot" in make_argv(tmp_path):
        pytest.importorskip("matplotlib")
    status, out, err = run(capsys, *make_argv(tmp_path))
    assert status == 2
    assert out == ""
    command = make_argv(tmp_path)[0]
    assert err.startswith(f"fastreg {command}: error: ") and err.count("\n") == 1, err
    assert expected in err and "Traceback" not in err


def test_unwritable_out_is_one_line(capsys, files, tmp_path):
    target = tmp_path / "out.csv"
    target.mkdir()  # a directory where the file should go
    status, _, err = run(capsys, "fit", files["svm"], "--alpha", "0.1", "--out", target)
    assert status == 2 and "is a directory" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv, option",
    [
        (["fit", "x.svm", "--alpha", "0"], "--alpha"),
        (["fit", "x.svm", "--alpha", "1", "--cv", "3"], "--cv"),
        (["fit", "x.svm", "--cv", "1"], "--cv"),
        (["fit", "x.svm", "--penalty", "l3"], "--penalty"),
        (["fit", "x.svm", "--l1-ratio", "1.5"], "--l1-ratio"),
        (["path", "x.svm", "--eps", "2"], "--eps"),
        (["path", "x.svm", "--format", "xls"], "--format"),
        (["fit"], "DATA"),
    ],
)
def test_bad_fit_and_path_options(capsys, argv, option):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and option in err and "error" in err


def test_every_option_is_explained_in_the_help(capsys):
    parser = cli._build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == {"demo", "fit", "path", "select"}
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    for name in commands.choices:
        assert name in top
    for name, subparser in commands.choices.items():
        assert main([name, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        for action in subparser._actions:
            assert action.help, (name, action.option_strings)
            for option in action.option_strings or [action.metavar]:
                assert option in text, (name, option)
        if name != "demo":
            assert "scipy.sparse.save_npz" in text  # the .npz layout



# --- classification: a target of two values --------------------------------------------------

N_CLS, P_CLS = 120, 15
# Three informative features of the logistic model (columns of X), and a small intercept.
TRUE_CLS = {2: 2.5, 5: -2.0, 11: 1.5}


@pytest.fixture(scope="module")
def labelled():
    """X and 0/1 labels drawn from a sparse logistic model."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(N_CLS, P_CLS))
    logit = X[:, list(TRUE_CLS)] @ np.array(list(TRUE_CLS.values())) + 0.3
    return X, (rng.random(N_CLS) < expit(logit)).astype(int)


@pytest.fixture(scope="module")
def labelled_files(labelled, tmp_path_factory):
    """The labels as -1/+1 (svmlight), 0/1 and two words (CSV), and strings (npz): the
    positive class is always the samples whose 0/1 label is 1."""
    X, y = labelled
    folder = tmp_path_factory.mktemp("labelled")
    dump_svmlight_file(X, 2 * y - 1, str(folder / "pm.svm"), zero_based=False)
    names = [f"f{j}" for j in range(P_CLS)]
    for name, labels in (("binary.csv", y.astype(str)),
                         ("words.csv", np.where(y == 1, "yes", "no"))):
        with open(folder / name, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(names[:4] + ["label"] + names[4:])
            for i in range(N_CLS):
                writer.writerow([*(repr(float(v)) for v in X[i, :4]), labels[i],
                                 *(repr(float(v)) for v in X[i, 4:])])
    np.savez(folder / "words.npz", X=X, y=np.where(y == 1, "spam", "ham"),
             feature_names=np.array([f"g{j}" for j in range(P_CLS)]))
    return {"svm": str(folder / "pm.svm"), "binary": str(folder / "binary.csv"),
            "words": str(folder / "words.csv"), "npz": str(folder / "words.npz")}


CLS_FAST = ["--n-alphas", "15", "--cv", "3"]


def features_of(document, n_features):
    """The coefficient vector of a fit's JSON document."""
    coef = np.zeros(n_features)
    for feature in document["features"]:
        coef[feature["feature_index"]] = feature["coefficient"]
    return coef


@pytest.mark.parametrize(
    "kind, extra, classes, names",
    [
        ("svm", [], ("-1", "1"), ["3", "6", "12"]),
        ("binary", ["--target", "label"], ("0", "1"), ["f2", "f5", "f11"]),
        ("words", ["--target", "label"], ("no", "yes"), ["f2", "f5", "f11"]),
        ("npz", [], ("ham", "spam"), ["g2", "g5", "g11"]),
    ],
)
def test_a_two_valued_target_is_detected_as_classification(capsys, labelled_files, labelled,
                                                           kind, extra, classes, names):
    status, out, err = run(capsys, "fit", labelled_files[kind], *extra, *CLS_FAST)
    assert status == 0, err
    assert err == ""
    fields = summary(out)
    negative, positive = classes
    n_positive = int(labelled[1].sum())
    assert fields["Task"] == (f"classification, P(y = {positive}) vs {negative}, {n_positive} "
                              f"of {N_CLS} samples are {positive} (detected: 2 distinct target "
                              "values; --task overrides)")
    assert fields["Model"] == "L1 logistic regression, with an intercept"
    assert ("chosen by 3-fold stratified cross-validation over 15 alphas (mean test log-loss"
            in fields["Alpha"])
    alpha = float(fields["Alpha"].split(",")[0])
    assert float(fields["C"].split()[0]) == pytest.approx(1 / (alpha * N_CLS), rel=1e-5)
    cv = fields["CV"]
    assert cv.startswith("log-loss ") and ", accuracy " in cv and ", ROC AUC " in cv
    assert "converged" in fields["Gap"] and "NOT" not in fields["Gap"]
    assert "Intercept" in fields and "Training" not in fields
    top = top_features(out)
    assert sorted(name for name, _ in top[:3]) == sorted(names)
    signs = {name: np.sign(value) for name, value in top[:3]}
    for name, weight in zip(names, TRUE_CLS.values(), strict=True):
        assert signs[name] == np.sign(weight)


def test_regression_summary_names_its_task(capsys, files):
    status, out, _ = run(capsys, "fit", files["svm"], *FAST)
    assert status == 0
    fields = summary(out)
    assert fields["Task"] == (f"regression (detected: {N_SAMPLES} distinct target values; "
                              "--task overrides)")
    assert "C" not in fields and "CV" not in fields and "Training" not in fields


def test_task_option_overrides_the_detection(capsys, labelled_files, labelled, tmp_path):
    X, y = labelled
    out_file = tmp_path / "regression.json"
    status, out, err = run(capsys, "fit", labelled_files["binary"], "--target", "label",
                           "--task", "regression", "--alpha", "0.02", "--tol", "1e-10",
                           "--out", out_file)
    assert status == 0, err
    fields = summary(out)
    assert fields["Task"] == "regression (--task)"
    assert fields["Model"] == "Lasso (L1), with an intercept"
    assert "C" not in fields and "Training" not in fields
    document = json.loads(out_file.read_text())
    assert document["task"] == "regression" and document["task_chosen_by"] == "--task"
    model = fastreg.Lasso(alpha=0.02, tol=1e-10).fit(X, y.astype(float))
    np.testing.assert_allclose(features_of(document, P_CLS), model.coef_, rtol=1e-6,
                               atol=1e-9)
    # A given task of classification on a two-valued target is what auto detects.
    status, out, _ = run(capsys, "fit", labelled_files["svm"], "--task", "classification",
                         "--alpha", "0.02")
    assert status == 0
    assert summary(out)["Task"].endswith("samples are 1 (--task)")


def test_misspelt_names_get_the_closest_ones(capsys, tmp_path):
    """A misspelt option, command or --target column: the error names the closest one, in
    the command's name; the column list shows the last column (often the target)."""
    path = tmp_path / "wide.csv"
    names = [f"feature{j}" for j in range(12)] + ["label"]
    path.write_text(",".join(names) + "\n" + "\n".join(
        ",".join(str((k * 7 + j) % 5) for j in range(13)) for k in range(6)) + "\n")
    status, _, err = run(capsys, "fit", path, "--alpah", "0.1")
    assert status == 2 and err.startswith("fastreg fit: error: unrecognized arguments")
    assert "(did you mean --alpha?)" in err and err.count("\n") == 1
    status, _, err = run(capsys, "fitt", path)
    assert status == 2 and "(did you mean 'fit'?)" in err
    status, _, err = run(capsys, "fit", path, "--target", "lable", "--alpha", "0.1")
    assert status == 2 and err.startswith("fastreg fit: error: ")
    assert "..., 'label' (13 columns); did you mean 'label'?" in err


@pytest.mark.parametrize(
    "make_argv, expected",
    [
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,no\n2,yes\n3,maybe\n"), "--target", "y"],
         "a target of words needs exactly 2 classes (the logistic model is binary); "),
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,no\n2,yes\n3,no\n"), "--target", "y",
                    "--task", "regression"],
         "--task regression needs a numeric target; "),
        (lambda d: ["path", write(d, "t.svm", "1 1:2\n2 1:3\n3 1:1\n"), "--task",
                    "classification"],
         "--task classification needs exactly 2 classes (the logistic model is binary); "),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n1 1:3\n"), "--task", "classification",
                    "--alpha", "1"],
         "has 1 distinct value in its labels (1)"),
        (lambda d: ["fit", write(d, "t.svm", "1 1:2\n1 1:3\n1 1:1\n-1 1:4\n1 1:5\n"),
                    "--cv", "2"],
         "--cv 2 needs at least 2 samples of each class; "),
        (lambda d: ["fit", write(d, "t.csv", "a,y\n1,no\n2,\n"), "--target", "y"],
         "line 3, column 'y': missing label ('')"),
    ],
)
def test_classification_errors_are_one_line_with_status_2(capsys, tmp_path, make_argv,
                                                          expected):
    status, out, err = run(capsys, *make_argv(tmp_path))
    assert status == 2 and out == ""
    command = make_argv(tmp_path)[0]
    assert err.startswith(f"fastreg {command}: error: ") and err.count("\n") == 1, err
    assert expected in err and "Traceback" not in err


def test_bad_task_option(capsys):
    status, out, err = run(capsys, "fit", "x.svm", "--task", "ranking")
    assert status == 2 and out == "" and err.count("\n") == 1 and "--task" in err


def test_given_alpha_reports_training_metrics_as_scikit_learn_computes_them(
        capsys, labelled_files, labelled, tmp_path):
    X, y = labelled
    alpha = 0.03
    out_file = tmp_path / "fit.json"
    status, out, err = run(capsys, "fit", labelled_files["npz"], "--alpha", alpha, "--tol",
                           "1e-10", "--out", out_file)
    assert status == 0, err
    fields = summary(out)
    assert fields["Alpha"] == "0.03 (given)"
    C = 1 / (alpha * N_CLS)
    assert fields["C"].startswith(f"{C:.6g} ")
    assert fields["Training"].endswith("(on the training samples, which flatter the model; "
                                       "--cv estimates them on held-out folds)")
    assert "CV" not in fields
    document = json.loads(out_file.read_text())
    model = fastreg.LogisticRegression(C=C, tol=1e-10).fit(X, np.where(y == 1, "spam", "ham"))
    np.testing.assert_allclose(features_of(document, P_CLS), model.coef_[0], rtol=1e-6,
                               atol=1e-9)
    assert document["intercept"] == pytest.approx(model.intercept_[0], rel=1e-6)
    assert document["C"] == C and document["alpha"] == alpha
    assert document["classes"] == ["ham", "spam"] and document["positive_class"] == "spam"
    assert document["task"] == "classification" and document["task_chosen_by"] == "detected"
    assert document["converged"] and document["dual_gap"] <= document["gap_tolerance"]
    metrics = document["metrics"]
    probability = model.predict_proba(X)[:, 1]
    assert metrics["evaluated_on"] == "training"
    assert metrics["log_loss"] == pytest.approx(log_loss(y, probability), rel=1e-6)
    assert metrics["accuracy"] == accuracy_score(np.where(y == 1, "spam", "ham"),
                                                 model.predict(X))
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(y, probability), rel=1e-12)
    # The summary prints the same numbers.
    assert fields["Training"].startswith(
        f"log-loss {metrics['log_loss']:.4g}, accuracy {metrics['accuracy']:.4g}, "
        f"ROC AUC {metrics['roc_auc']:.4g} ")


@pytest.mark.parametrize("flags", [[], ["--rule", "1se"], ["--penalty", "elasticnet",
                                   "--l1-ratio", "0.7"], ["--positive", "--no-intercept"]])
def test_cv_chooses_the_c_of_logisticregressioncv(capsys, labelled_files, labelled, tmp_path,
                                                  flags):
    # The same stratified folds, grid, fold paths, log-likelihood scores, rule and final
    # fit as LogisticRegressionCV: the C and every coefficient are equal, not merely close.
    X, y = labelled
    out_file = tmp_path / "cv.json"
    status, _, err = run(capsys, "fit", labelled_files["binary"], "--target", "label", "--cv",
                         "4", "--n-alphas", "20", "--seed", "5", "--out", out_file, *flags)
    assert status == 0, err
    model = fastreg.LogisticRegressionCV(
        Cs=20, cv=StratifiedKFold(4, shuffle=True, random_state=5),
        rule="1se" if "1se" in flags else "min",
        l1_ratios=(0.7,) if "elasticnet" in flags else (1.0,),
        positive="--positive" in flags, fit_intercept="--no-intercept" not in flags,
    ).fit(X, y)
    document = json.loads(out_file.read_text())
    assert document["C"] == model.C_ and document["alpha"] == model.alpha_
    np.testing.assert_array_equal(features_of(document, P_CLS), model.coef_[0])
    assert document["intercept"] == model.intercept_[0]
    assert document["dual_gap"] == model.dual_gap_
    # The reported mean test log-loss is that of LogisticRegressionCV's scores at C_.
    index = int(np.flatnonzero(model.Cs_ == model.C_)[0])
    assert document["metrics"]["log_loss"] == pytest.approx(-model.scores_[:, index].mean(),
                                                            rel=1e-12)


def test_cv_metrics_are_scikit_learns_on_the_folds_predictions(capsys, labelled_files,
                                                               labelled, tmp_path):
    X, y = labelled
    out_file = tmp_path / "cv.json"
    status, out, _ = run(capsys, "fit", labelled_files["words"], "--target", "label", "--cv",
                         "3", "--n-alphas", "12", "--seed", "2", "--out", out_file)
    assert status == 0
    document = json.loads(out_file.read_text())
    grid = fastreg.logistic_path(X, y, n_alphas=12)[0]
    index = int(np.flatnonzero(grid == document["alpha"])[0])
    losses, accuracies, aucs = [], [], []
    for train, test in StratifiedKFold(3, shuffle=True, random_state=2).split(X, y):
        # The fold fits at the same C as the whole data: its mean-loss alphas are larger.
        fold_grid = grid[: index + 1] * (y.size / train.size)
        _, coefs, intercepts, _ = fastreg.logistic_path(X[train], y[train], alphas=fold_grid)
        probability = expit(X[test] @ coefs[:, -1] + intercepts[-1])
        losses.append(log_loss(y[test], probability))
        accuracies.append(accuracy_score(y[test], (probability > 0.5).astype(int)))
        aucs.append(roc_auc_score(y[test], probability))
    metrics = document["metrics"]
    assert metrics["evaluated_on"] == "cross-validation"
    assert metrics["log_loss"] == pytest.approx(np.mean(losses), rel=1e-9)
    assert metrics["accuracy"] == pytest.approx(np.mean(accuracies), rel=1e-12)
    assert metrics["roc_auc"] == pytest.approx(np.mean(aucs), rel=1e-12)
    assert summary(out)["CV"] == (
        f"log-loss {metrics['log_loss']:.4g}, accuracy {metrics['accuracy']:.4g}, ROC AUC "
        f"{metrics['roc_auc']:.4g} (means over the test folds at that alpha)")


def test_classification_out_csv_and_regression_json_metrics(capsys, labelled_files, files,
                                                            problem, tmp_path):
    out_file = tmp_path / "selected.csv"
    status, out, _ = run(capsys, "fit", labelled_files["svm"], *CLS_FAST, "--out", out_file)
    assert status == 0
    rows = list(csv.reader(out_file.open(newline="")))
    assert rows[0] == ["feature", "coefficient"]
    values = [float(value) for _, value in rows[1:]]
    assert len(values) == int(summary(out)["Selected"].split()[0])
    assert np.all(np.diff(np.abs(values)) <= 0)
    assert f"Wrote {len(values)} selected features to {out_file}" in out

    # Regression's JSON carries its task and metrics too: the training MSE of a given alpha.
    X, y = problem
    out_file = tmp_path / "regression.json"
    assert run(capsys, "fit", files["svm"], "--alpha", "0.05", "--out", out_file)[0] == 0
    document = json.loads(out_file.read_text())
    assert document["task"] == "regression" and "C" not in document
    residual = y - X @ features_of(document, N_FEATURES) - document["intercept"]
    assert document["metrics"] == {"evaluated_on": "training",
                                   "mse": pytest.approx(np.mean(residual**2), rel=1e-9)}


@pytest.mark.parametrize("flags, l1_ratio", [([], 1.0), (["--penalty", "elasticnet",
                                              "--l1-ratio", "0.6", "--positive"], 0.6)])
def test_path_of_a_class_label_is_logistic_path_exactly(capsys, labelled_files, labelled,
                                                        flags, l1_ratio):
    X, y = labelled
    status, out, err = run(capsys, "path", labelled_files["words"], "--target", "label",
                           "--n-alphas", "12", *flags)
    assert status == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], np.array(rows[1:], dtype=float)
    assert header[:4] == ["alpha", "n_nonzero", "intercept", "dual_gap"]
    alphas, coefs, intercepts, gaps = fastreg.logistic_path(X, y, l1_ratio=l1_ratio,
                                                            n_alphas=12, positive=bool(flags))
    np.testing.assert_array_equal(body[:, 0], alphas)
    np.testing.assert_array_equal(body[:, 1], np.count_nonzero(coefs, axis=0))
    np.testing.assert_array_equal(body[:, 2], intercepts)
    np.testing.assert_array_equal(body[:, 3], gaps)
    columns = [int(name[1:]) for name in header[4:]]  # f0, f1, ... from the CSV header
    np.testing.assert_array_equal(body[:, 4:], coefs[columns].T)
    assert set(columns) == set(np.flatnonzero(np.abs(coefs).max(axis=1)))


def test_l2_logistic_path_and_fit(capsys, labelled_files, tmp_path):
    # L2 logistic regression: glmnet's grid (alpha_max of l1_ratio 1e-3), l1_ratio 0.
    data = load_data(labelled_files["svm"])  # sparse X: the same kernels as the command's
    X, y = data.X, data.y
    out_file = tmp_path / "l2.csv"
    status, out, _ = run(capsys, "path", labelled_files["svm"], "--penalty", "l2",
                         "--n-alphas", "6", "--out", out_file)
    assert status == 0
    assert "Task:  classification, P(y = 1) vs -1" in out
    assert "Model: L2 logistic regression, with an intercept" in out
    rows = list(csv.reader(out_file.open(newline="")))
    body = np.array(rows[1:], dtype=float)
    grid = fastreg.logistic_path(X, y, l1_ratio=1e-3, n_alphas=6)[0]
    alphas, coefs, intercepts, gaps = fastreg.logistic_path(X, y, l1_ratio=0.0, alphas=grid)
    np.testing.assert_array_equal(body[:, 0], alphas)
    np.testing.assert_array_equal(body[:, 3], gaps)
    assert np.all(body[:, 1] == P_CLS)  # L2 selects nothing
    columns = [int(name) - 1 for name in rows[0][4:]]
    np.testing.assert_array_equal(body[:, 4:], coefs[columns].T)

    status, out, _ = run(capsys, "fit", labelled_files["svm"], "--penalty", "l2", *CLS_FAST)
    assert status == 0
    fields = summary(out)
    assert fields["Model"] == "L2 logistic regression, with an intercept"
    assert fields["Selected"].startswith(f"{P_CLS} of {P_CLS}")
    assert "duality gap" in fields["Gap"] and "CV" in fields


def test_classification_plots(capsys, labelled_files, tmp_path):
    pytest.importorskip("matplotlib")
    cv_png, path_png = tmp_path / "cv.png", tmp_path / "path.png"
    status, out, _ = run(capsys, "fit", labelled_files["svm"], *CLS_FAST, "--plot", cv_png)
    assert status == 0 and is_png(cv_png)
    assert f"Wrote the cross-validation curve to {cv_png}" in out
    status, _, err = run(capsys, "path", labelled_files["svm"], "--n-alphas", "8", "--plot",
                         path_png)
    assert status == 0 and is_png(path_png)
    assert f"Wrote the path plot to {path_png}" in err


def test_classification_progress_and_validations(capsys, labelled_files, events, monkeypatch):
    assert run(capsys, "fit", labelled_files["svm"], "--cv", "3", "--n-alphas", "5")[0] == 0
    fold = [("advance", 0)] + ["fit", ("advance", 1)] * 5
    assert events[: 3 * len(fold)] == fold * 3
    final = events[3 * len(fold):]
    assert 1 <= len(final) <= 5 and set(final) == {"fit"}

    shapes = []
    real = fastreg._solver.make_problem

    def counting(X, *args, **kwargs):
        shapes.append((X.shape, kwargs.get("loss")))
        return real(X, *args, **kwargs)

    replace_everywhere(monkeypatch, real, counting)
    assert run(capsys, "fit", labelled_files["svm"], "--cv", "3", "--n-alphas", "5")[0] == 0
    # All the data once (grid and final fit), each training fold's rows once: logistic.
    assert shapes == [((N_CLS, P_CLS), "logistic")] + [((80, P_CLS), "logistic")] * 3


@pytest.mark.parametrize("argv", [["fit", "FILE", *CLS_FAST],
                                  ["path", "FILE", "--n-alphas", "9"]])
def test_ctrl_c_stops_a_logistic_path_with_one_line(capsys, labelled_files, monkeypatch, argv):
    solved = []
    real = fastreg.path.walk_path

    def interrupted(*args, **kwargs):
        for result in real(*args, **kwargs):
            yield result
            solved.append(result.alpha)
            if len(solved) == 2:
                raise KeyboardInterrupt

    replace_everywhere(monkeypatch, real, interrupted)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([labelled_files["svm"] if a == "FILE" else a for a in argv]) == 130
    assert capsys.readouterr().out == ""
    assert terminal.getvalue().endswith("\rfastreg: interrupted\n") and len(solved) == 2


def test_fit_help_says_alpha_is_on_the_mean_loss_scale(capsys):
    assert main(["fit", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "on the mean-loss scale for both tasks" in text
    assert "C is 1 / (alpha n_samples)" in text


# --- the demo's classification section ------------------------------------------------------


def parse_class_table(out):
    """The demo's classification table as {model: {column: value}}."""
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("model")]
    assert len(starts) == 3  # regression, feature selection, then classification
    rows = {}
    for line in lines[starts[2] + 2:]:
        if not line.strip():
            break
        name, alpha, nnz, tp, fp, accuracy, auc, loss, ms = line.split()
        rows[name] = {"alpha": float(alpha), "nnz": int(nnz), "tp": int(tp), "fp": int(fp),
                      "accuracy": float(accuracy), "auc": float(auc), "log_loss": float(loss),
                      "ms": float(ms)}
    return rows


def test_demo_classification_section(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    rows = parse_class_table(out)
    assert list(rows) == ["L1-logistic", "EN-logistic"]
    _, labels, _ = make_correlated_classification(60, 200, 20, rho=0.9, random_state=0)
    assert (f"({int(labels[:30].sum())} of 30 training samples are 1)"
            in " ".join(out.split()))
    for name, row in rows.items():
        assert row["nnz"] == row["tp"] + row["fp"] and 0 < row["nnz"] < 200, name
        assert 0 <= row["tp"] <= 20 and 0 <= row["accuracy"] <= 1, name
        assert 0.5 < row["auc"] <= 1 and row["log_loss"] > 0 and row["ms"] >= 0, name
    paragraph = " ".join(out.split("EN-logistic")[-1].split())
    l1 = rows["L1-logistic"]
    assert (f"L1 selects features for a class label too: {l1['tp']} of 20 true features found "
            f"with {l1['nnz']} non-zeros" in paragraph)
    en = rows["EN-logistic"]
    assert f"{en['tp']} of 20 found with {en['nnz']} non-zeros" in paragraph


SELECTORS = ["LassoCV", "RelaxedLassoCV", "Adaptive-ridge", "Adaptive-lasso",
             "StabilitySelection"]


def parse_selection_table(out):
    """The demo's "Which features are real?" table as {model: {column: text}}."""
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("model")]
    rows = {}
    for line in lines[starts[1] + 2:]:
        if not line.strip():
            break
        name, *values = line.split()
        rows[name] = dict(zip(["alpha", "nnz", "tp", "fp", "r2", "ms"], values, strict=True))
    return rows


def test_demo_selection_section(capsys):
    assert main(["demo", "--n-samples", "120", "--n-features", "60"]) == 0
    out = capsys.readouterr().out
    assert "Which features are real? The same 60 training samples" in out
    header = out.splitlines()[[i for i, line in enumerate(out.splitlines())
                               if line.startswith("model")][1]]
    assert header.split() == ["model", "alpha", "non-zeros", "true", "pos", "false", "pos",
                              "test", "R^2", "fit", "(ms)"]
    rows = parse_selection_table(out)
    assert list(rows) == SELECTORS
    for name, row in rows.items():
        nnz, tp, fp = int(row["nnz"]), int(row["tp"]), int(row["fp"])
        assert nnz == tp + fp and 0 <= tp <= 20 and fp <= 40, name
        assert float(row["ms"]) >= 0, name

    # The same estimators fitted here give the printed numbers.
    X, y, coef_true = make_correlated_regression(120, 60, 20, rho=0.9, snr=3.0,
                                                 random_state=0)
    X_train, y_train, X_test, y_test = np.asfortranarray(X[:60]), y[:60], X[60:], y[60:]
    true = coef_true != 0
    models = {"LassoCV": fastreg.LassoCV(cv=5), "RelaxedLassoCV": fastreg.RelaxedLassoCV(cv=5),
              "Adaptive-ridge": fastreg.AdaptiveLassoCV(cv=5),
              "Adaptive-lasso": fastreg.AdaptiveLassoCV(init="lasso", cv=5)}
    fitted = {}
    for name, model in models.items():
        model.fit(X_train, y_train)
        fitted[name] = (model.alpha_, model.coef_ != 0, model.score(X_test, y_test))
    selector = fastreg.StabilitySelection(random_state=0).fit(X_train, y_train)
    stable = selector.support_
    ols = LinearRegression().fit(X_train[:, stable], y_train)
    fitted["StabilitySelection"] = (selector.alpha_min_, stable,
                                    ols.score(X_test[:, stable], y_test))
    for name, (alpha, selected, r2) in fitted.items():
        row = rows[name]
        assert row["alpha"] == f"{alpha:.3g}", name
        assert int(row["nnz"]) == selected.sum(), name
        assert int(row["tp"]) == (selected & true).sum(), name
        assert int(row["fp"]) == (selected & ~true).sum(), name
        assert float(row["r2"]) == pytest.approx(r2, abs=5e-4 + 1e-9), name

    text = " ".join(out.split())
    assert f"RelaxedLassoCV chose gamma {models['RelaxedLassoCV'].gamma_:g} " in text
    assert (f"({selector.n_region_alphas_} of {selector.alphas_.size} alphas from alpha_max "
            f"{selector.alphas_[0]:.3g}): there q = {selector.q_:.3g} features" in text)
    assert f"n_features) = {selector.pfer_:.3g}." in text
    # The explanation quotes the table.
    lasso, stability = rows["LassoCV"], rows["StabilitySelection"]
    assert f"LassoCV, {lasso['tp']} of 20 true and {lasso['fp']} false." in text
    assert (f"StabilitySelection: {stability['tp']} true, {stability['fp']} false (at most "
            f"{selector.pfer_:.2g} expected, its bound)" in text)


def test_demo_stability_note_of_an_empty_region():
    X, y, _ = make_correlated_regression(40, 30, 4, random_state=0)
    selector = fastreg.StabilitySelection(pfer=1e-6, n_resampling=2, random_state=0).fit(X, y)
    assert selector.n_region_alphas_ == 0
    assert cli._stability_note(selector) == (
        "StabilitySelection's region is empty: from alpha_max on, the bound on expected false "
        "positives exceeds pfer=1e-06.")


def test_demo_classification_rows_choose_the_best_validation_log_loss():
    X, y, coef = make_correlated_classification(90, 120, 8, rho=0.8, random_state=4)
    X_train, y_train = np.asfortranarray(X[:60]), y[:60]
    rows = cli._classification_rows(X_train, y_train, X[60:], y[60:], 40)
    assert [row.model for row in rows] == ["L1-logistic", "EN-logistic"]
    for row, l1_ratio in zip(rows, (1.0, 0.5), strict=True):
        alphas, coefs, intercepts, _ = fastreg.logistic_path(
            X_train[:40], y_train[:40], l1_ratio=l1_ratio, eps=1e-2, n_alphas=30)
        losses = [log_loss(y_train[40:], expit(X_train[40:] @ coefs[:, k] + intercepts[k]),
                           labels=[0, 1]) for k in range(alphas.size)]
        assert row.alpha == alphas[int(np.argmin(losses))]
        assert row.C == pytest.approx(1 / (row.alpha * 60), rel=1e-12)
        model = fastreg.LogisticRegression(row.C, l1_ratio=l1_ratio).fit(X_train, y_train)
        np.testing.assert_array_equal(row.coef, model.coef_[0])
        probability = model.predict_proba(X[60:])[:, 1]
        assert row.accuracy == accuracy_score(y[60:], model.predict(X[60:]))
        assert row.roc_auc == roc_auc_score(y[60:], probability)
        assert row.log_loss == log_loss(y[60:], probability)


def test_demo_classification_needs_both_classes(capsys):
    X = np.asfortranarray(np.random.default_rng(0).normal(size=(30, 10)))
    y = np.r_[np.ones(20, dtype=int), np.zeros(10, dtype=int)]  # the first 12 all ones
    assert cli._classification_rows(X[:20], y[:20], X[20:], y[20:], 12) == []
    cli._print_classification([], np.zeros(10), y[:20])
    out = capsys.readouterr().out
    assert "(Not fitted: the fitting or training samples hold a single class" in out


# --- fastreg select: stability selection -----------------------------------------------------

N_SEL, P_SEL = 100, 150
# Small enough to run in a second: 10 pairs of halves, 20 alphas.
SEL_FAST = ["--n-resampling", "10", "--n-alphas", "20"]
SEL_PARAMS = dict(n_resampling=10, alphas=20, random_state=0)


@pytest.fixture(scope="module")
def correlated():
    """Toeplitz-correlated features (rho 0.6), 5 informative ones apart from each other."""
    X, y, coef = fastreg.datasets.make_correlated_regression(
        N_SEL, P_SEL, n_informative=5, group_size=1, rho=0.6, snr=5, random_state=0)
    return X, y, coef


@pytest.fixture(scope="module")
def correlated_files(correlated, tmp_path_factory):
    """svmlight (one-based indices) and CSV (columns x0, x1, ..., the target 'y' last)."""
    X, y, _ = correlated
    folder = tmp_path_factory.mktemp("select")
    dump_svmlight_file(X, y, str(folder / "c.svm"), zero_based=False)
    with open(folder / "c.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([f"x{j}" for j in range(P_SEL)] + ["y"])
        for i in range(N_SEL):
            writer.writerow([repr(float(v)) for v in (*X[i], y[i])])
    return {"svm": str(folder / "c.svm"), "csv": str(folder / "c.csv")}


def stable_table(out):
    """[(name, score, *more)] from the table of stable features of a select summary."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("rank")) + 1
    rows = []
    for line in lines[start:]:
        fields = line.split()
        if not fields or not fields[0].isdigit():
            break
        rows.append((fields[1], *(float(v) for v in fields[2:])))
    return rows


SELECT_FORMATS = [("svm", [], lambda j: str(j + 1)), ("csv", ["--target", "y"], lambda j: f"x{j}")]


@pytest.mark.parametrize("kind, extra, name", SELECT_FORMATS)
def test_select_prints_the_support_of_stability_selection(capsys, correlated,
                                                          correlated_files, kind, extra,
                                                          name):
    X, y, coef = correlated
    status, out, err = run(capsys, "select", correlated_files[kind], *extra, *SEL_FAST,
                           "--seed", "4")
    assert status == 0 and err == ""
    selector = fastreg.StabilitySelection(**{**SEL_PARAMS, "random_state": 4}).fit(X, y)
    support = np.flatnonzero(selector.support_)
    assert 2 <= support.size < P_SEL and np.isin(support, np.flatnonzero(coef)).all()
    # Highest score first, ties in column order.
    order = support[np.argsort(-selector.stability_scores_[support], kind="stable")]
    table = stable_table(out)
    assert [row[0] for row in table] == [name(j) for j in order]
    np.testing.assert_allclose([row[1] for row in table],
                               selector.stability_scores_[order], rtol=1e-5)
    fields = summary(out)
    assert fields["Stable"] == f"{support.size} of {P_SEL} features (stability score >= 0.6)"
    assert fields["Task"] == "regression (detected: 100 distinct target values; --model " \
                             "overrides)"
    assert fields["Model"] == "Lasso (L1), with an intercept"
    assert fields["Subsamples"].startswith("20, both halves (50 samples each) of 10 random "
                                           "splits")
    assert fields["Threshold"] == "0.6"
    assert float(fields["q"].split()[0]) == pytest.approx(selector.q_, rel=1e-3)
    assert fields["PFER"].startswith(f"E[false positives] <= {selector.pfer_:.4g} = ")
    assert selector.pfer_ <= 1.0
    assert (f"alpha_max {selector.alphas_[0]:.4g} down to alpha_min "
            f"{selector.alpha_min_:.4g} ({selector.n_region_alphas_} of 20 alphas)"
            in fields["Region"])


def test_select_options_reach_stability_selection(capsys, correlated, correlated_files):
    X, y, _ = correlated
    status, out, _ = run(capsys, "select", correlated_files["svm"], "--model", "elasticnet",
                         "--l1-ratio", "0.7", "--threshold", "0.8", "--pfer", "none",
                         "--n-resampling", "6", "--n-alphas", "15", "--eps", "0.05",
                         "--no-intercept", "--seed", "2")
    assert status == 0
    selector = fastreg.StabilitySelection(0.7, threshold=0.8, pfer=None, n_resampling=6,
                                          alphas=15, eps=0.05, fit_intercept=False,
                                          random_state=2).fit(X, y)
    assert {row[0] for row in stable_table(out)} == {
        str(j + 1) for j in np.flatnonzero(selector.support_)}
    fields = summary(out)
    assert fields["Model"] == "Elastic Net (L1 + L2), l1_ratio=0.7, no intercept"
    assert fields["Region"].endswith("(15 of 15 alphas), the whole grid (--pfer none)")
    assert fields["PFER"].startswith(f"E[false positives] <= {selector.pfer_:.4g} ")


def test_select_out_csv_and_json(capsys, correlated, correlated_files, tmp_path):
    X, y, _ = correlated
    selector = fastreg.StabilitySelection(**SEL_PARAMS).fit(X, y)
    order = np.argsort(-selector.stability_scores_, kind="stable")
    table, document = tmp_path / "scores.csv", tmp_path / "scores.json"
    status, out, _ = run(capsys, "select", correlated_files["csv"], "--target", "y",
                         *SEL_FAST, "--out", table)
    assert status == 0 and f"Wrote the stability scores of {P_SEL} features to {table}" in out
    with open(table, newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["feature", "feature_index", "stability_score", "stable"]
    assert [row["feature"] for row in rows] == [f"x{j}" for j in order]
    assert [int(row["feature_index"]) for row in rows] == order.tolist()
    np.testing.assert_array_equal([float(row["stability_score"]) for row in rows],
                                  selector.stability_scores_[order])
    np.testing.assert_array_equal([row["stable"] == "1" for row in rows],
                                  selector.support_[order])

    status, _, _ = run(capsys, "select", correlated_files["svm"], *SEL_FAST, "--output",
                       document)
    assert status == 0
    parsed = json.loads(document.read_text())
    assert parsed["model"] == "lasso" and parsed["task"] == "regression"
    assert parsed["n_subsamples"] == 20 and parsed["seed"] == 0
    assert parsed["n_stable"] == selector.support_.sum()
    # The svmlight file is read as sparse and the in-memory X is dense: their correlations
    # are summed in other orders, so alpha_max may differ in its last bits.
    assert parsed["alpha_max"] == pytest.approx(selector.alphas_[0], rel=1e-13)
    assert parsed["alpha_min"] == pytest.approx(selector.alpha_min_, rel=1e-13)
    assert parsed["n_region_alphas"] == selector.n_region_alphas_
    assert parsed["threshold"] == 0.6 and parsed["pfer"] == 1.0
    assert parsed["q"] == selector.q_ and parsed["pfer_bound"] == selector.pfer_
    assert "intercept" not in parsed
    features = parsed["features"]
    assert [f["feature_index"] for f in features] == order.tolist()
    assert [f["name"] for f in features] == [str(j + 1) for j in order]
    assert [f["stability_score"] for f in features] == selector.stability_scores_[
        order].tolist()
    assert [f["stable"] for f in features] == selector.support_[order].tolist()


def test_select_plot_draws_the_stability_paths(capsys, correlated, correlated_files,
                                               tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib.colors import to_rgba

    import fastreg.plotting

    drawn = []
    real = fastreg.plotting.plot_stability

    def spy(selector, *args, **kwargs):
        drawn.append((selector, real(selector, *args, **kwargs), kwargs))
        return drawn[-1][1]

    monkeypatch.setattr(fastreg.plotting, "plot_stability", spy)
    png = tmp_path / "stability.png"
    status, out, _ = run(capsys, "select", correlated_files["csv"], "--target", "y",
                         *SEL_FAST, "--plot", png)
    assert status == 0 and is_png(png) and f"Wrote the stability paths to {png}" in out
    ((selector, ax, kwargs),) = drawn
    assert kwargs["feature_names"] == [f"x{j}" for j in range(P_SEL)]
    ever = int((selector.selection_probabilities_.max(axis=1) > 0).sum())
    paths = ax.lines[:-2]  # then the threshold and alpha_min
    assert len(paths) == ever
    coloured = [line for line in paths if to_rgba(line.get_color()) != to_rgba("0.7")]
    assert len(coloured) == selector.support_.sum() > 0
    assert {line.get_label() for line in coloured} == {
        f"x{j}" for j in np.flatnonzero(selector.support_)}
    assert "Stability selection, Lasso (L1): c.csv" in ax.get_title()


def test_select_logistic_on_a_two_class_target(capsys, labelled, labelled_files, tmp_path):
    X, y = labelled
    # A higher threshold lengthens the region that a bound of 1 allows on 15 features.
    fast = [*SEL_FAST, "--threshold", "0.8"]
    selector = fastreg.StabilitySelection(loss="logistic", threshold=0.8, **SEL_PARAMS).fit(
        X, y)
    expected = {f"f{j}" for j in np.flatnonzero(selector.support_)}
    assert expected and expected <= {f"f{j}" for j in TRUE_CLS}
    document = tmp_path / "logistic.json"
    for model in (["--model", "logistic"], []):  # auto: two values are a class label
        status, out, err = run(capsys, "select", labelled_files["words"], "--target",
                               "label", *fast, *model, "--out", document)
        assert status == 0, err
        assert {row[0] for row in stable_table(out)} == expected
        fields = summary(out)
        assert fields["Model"] == "L1 logistic regression, with an intercept"
        assert fields["Task"].startswith("classification, P(y = yes) vs no")
        parsed = json.loads(document.read_text())
        assert parsed["model"] == "logistic" and parsed["classes"] == ["no", "yes"]
    assert summary(out)["Task"].endswith("; --model overrides)")
    # The -1/+1 labels of the svmlight file select the same features (named from 1).
    status, out, _ = run(capsys, "select", labelled_files["svm"], *fast, "--model",
                         "logistic")
    assert {row[0] for row in stable_table(out)} == {
        str(j + 1) for j in np.flatnonzero(selector.support_)}


def test_select_logistic_with_a_rare_class(capsys, tmp_path):
    """3 positives in 80 rows: every half of a pair gets one (the command exited 2 with "y
    has a single class" when a random half had none)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    label = np.zeros(80, dtype=int)
    label[[5, 40, 77]] = 1
    X[label == 1, 0] += 3.0
    path = tmp_path / "rare.csv"
    header = ",".join([f"f{j}" for j in range(6)] + ["label"])
    np.savetxt(path, np.column_stack([X, label]), delimiter=",", header=header, comments="",
               fmt=["%.6f"] * 6 + ["%d"])
    status, out, err = run(capsys, "select", path, "--target", "label", *SEL_FAST,
                           "--model", "logistic")
    assert status == 0, err
    assert summary(out)["Model"] == "L1 logistic regression, with an intercept"


def test_select_relaxed_refits_least_squares_on_the_stable_columns(capsys, correlated,
                                                                   correlated_files,
                                                                   tmp_path):
    X, y, _ = correlated
    selector = fastreg.StabilitySelection(**SEL_PARAMS).fit(X, y)
    stable = np.flatnonzero(selector.support_)
    design = np.column_stack([np.ones(N_SEL), X[:, stable]])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    document = tmp_path / "relaxed.json"
    status, out, _ = run(capsys, "select", correlated_files["svm"], *SEL_FAST, "--model",
                         "relaxed", "--out", document)
    assert status == 0
    parsed = json.loads(document.read_text())
    assert parsed["model"] == "relaxed"
    assert parsed["intercept"] == pytest.approx(solution[0], rel=1e-10, abs=1e-12)
    coef = features_of(parsed, P_SEL)
    np.testing.assert_allclose(coef[stable], solution[1:], rtol=1e-10)
    assert np.count_nonzero(coef) == stable.size  # the others are out of the refit
    # The same selection as the Lasso's, and the printed coefficients are the refit's.
    table = stable_table(out)
    assert {row[0] for row in table} == {str(j + 1) for j in stable}
    for name, _, value in table:
        assert value == pytest.approx(coef[int(name) - 1], rel=1e-5)
    assert summary(out)["Refit"] == (f"least squares on the {stable.size} stable features, "
                                     f"intercept {solution[0]:.6g}")
    # Without an intercept: least squares through the origin, in the CSV's last column.
    table_file = tmp_path / "relaxed.csv"
    status, _, _ = run(capsys, "select", correlated_files["svm"], *SEL_FAST, "--model",
                       "relaxed", "--no-intercept", "--out", table_file)
    assert status == 0
    through_origin = fastreg.StabilitySelection(fit_intercept=False, **SEL_PARAMS).fit(X, y)
    columns = np.flatnonzero(through_origin.support_)
    solution = np.linalg.lstsq(X[:, columns], y, rcond=None)[0]
    with open(table_file, newline="") as file:
        rows = {int(row["feature_index"]): float(row["coefficient"])
                for row in csv.DictReader(file)}
    np.testing.assert_allclose([rows[j] for j in columns], solution, rtol=1e-10)
    assert all(rows[j] == 0.0 for j in set(range(P_SEL)) - set(columns.tolist()))


def test_select_progress_bar_counts_the_subsamples(capsys, correlated_files, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["select", correlated_files["svm"], *SEL_FAST]) == 0
    drawn = terminal.getvalue()
    assert "subsamples [" in drawn and "100% 20/20" in drawn and drawn.endswith("\r")
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["select", correlated_files["svm"], *SEL_FAST, "-q"]) == 0
    assert quiet.getvalue() == ""
    assert "Stable:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "make_argv, expected",
    [
        (lambda d: ["select", "x.svm", "--threshold", "0.5"],
         "argument --threshold: must be in (0.5, 1], got 0.5"),
        (lambda d: ["select", "x.svm", "--threshold", "0.3"], "argument --threshold: "),
        (lambda d: ["select", "x.svm", "--threshold", "1.2"], "argument --threshold: "),
        (lambda d: ["select", "x.svm", "--threshold", "high"],
         "argument --threshold: expected a number, got 'high'"),
        (lambda d: ["select", "x.svm", "--pfer", "0"], "argument --pfer: must be in (0, inf)"),
        (lambda d: ["select", "x.svm", "--pfer", "some"], "argument --pfer: expected a number"),
        (lambda d: ["select", "x.svm", "--n-resampling", "0"], "argument --n-resampling: "),
        (lambda d: ["select", "x.svm", "--model", "ridge"], "argument --model: invalid choice"),
        (lambda d: ["select"], "DATA"),
        (lambda d: ["select", f"{d}/absent.svm"], "absent.svm: no such file"),
        (lambda d: ["select", write(d, "t.svm", "1 1:2\n2 1:3\n3 1:1\n4 1:5\n"), "--model",
                    "logistic"],
         "--model logistic needs exactly 2 classes (the logistic model is binary); "),
        (lambda d: ["select", write(d, "t.csv", "a,y\n1,no\n2,yes\n3,no\n4,yes\n"),
                    "--target", "y", "--model", "lasso"],
         "--model lasso needs a numeric target; "),
        (lambda d: ["select", write(d, "t.svm", "1 1:2\n2 1:3\n3 1:1\n"), "--l1-ratio", "0.5"],
         "--l1-ratio applies to --model elasticnet and logistic, not --model lasso"),
        (lambda d: ["select", write(d, "t.svm", "1 1:2\n2 1:3\n"), "--out", f"{d}/s.txt"],
         "--out " + "{d}/s.txt: the file name must end in .csv or .json"),
        (lambda d: ["select", write(d, "t.svm", "1 1:2\n2 1:3\n3 1:4\n")],
         "Subsamples of 3 samples would have fewer than 2 rows"),
    ],
)
def test_select_errors_are_one_line_with_status_2(capsys, tmp_path, make_argv, expected):
    status, out, err = run(capsys, *make_argv(tmp_path))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err, err
    assert expected.replace("{d}", str(tmp_path)) in err


def test_ctrl_c_between_subsamples_stops_with_one_line(capsys, correlated_files, monkeypatch):
    import fastreg.selection

    done = []
    real = fastreg.selection._subsample_selection

    def interrupted(*args, **kwargs):
        if len(done) == 3:  # Ctrl-C after three subsamples
            raise KeyboardInterrupt
        done.append(real(*args, **kwargs))
        return done[-1]

    monkeypatch.setattr(fastreg.selection, "_subsample_selection", interrupted)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["select", correlated_files["svm"], *SEL_FAST]) == 130
    assert capsys.readouterr().out == ""
    drawn = terminal.getvalue()
    assert "subsamples [" in drawn and drawn.endswith("\rfastreg: interrupted\n")
    assert len(done) == 3
