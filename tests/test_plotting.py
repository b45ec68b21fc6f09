"""Tests of ``fastreg.plotting`` (plot_path, plot_cv, plot_stability) and of the message
without matplotlib."""

import struct
import sys

import numpy as np
import pytest

import fastreg
from fastreg import StabilitySelection, lasso_path
from fastreg.datasets import make_correlated_regression
from fastreg.plotting import (
    MissingMatplotlibError,
    plot_cv,
    plot_path,
    plot_stability,
    require_matplotlib,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """(width, height) of a PNG file, after checking its signature and first chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def path_data():
    X, y, coef = make_correlated_regression(40, 60, n_informative=8, random_state=0)
    alphas, coefs, _ = lasso_path(X, y, n_alphas=25, eps=1e-2, fit_intercept=True)
    return alphas, coefs, coef


@pytest.fixture
def matplotlib():
    return pytest.importorskip("matplotlib")


def test_plot_path_writes_a_png(tmp_path, path_data, matplotlib):
    alphas, coefs, _ = path_data
    out = tmp_path / "path.png"
    ax = plot_path(alphas, coefs, alpha=alphas[10], title="Lasso", out=out)
    width, height = png_size(out)
    assert (width, height) == (640, 440)
    assert 5_000 < out.stat().st_size < 100_000
    # One line per feature that is non-zero somewhere, plus the chosen alpha and zero.
    nonzero = int((np.abs(coefs).max(axis=1) > 0).sum())
    assert len(ax.lines) == nonzero + 2
    assert ax.get_xscale() == "log"
    left, right = ax.get_xlim()
    assert left > right  # alpha decreases from left to right
    assert ax.get_title().startswith("Lasso\n")


def test_plot_path_caps_the_features_drawn_and_names_the_largest(path_data, matplotlib):
    alphas, coefs, _ = path_data
    names = [f"gene{j}" for j in range(coefs.shape[0])]
    ax = plot_path(alphas, coefs, feature_names=names, max_features=5, n_labels=3)
    try:
        assert len(ax.lines) == 5 + 1  # the five largest, and the zero line
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        final = np.abs(coefs[:, -1])
        assert labels == [names[j] for j in np.argsort(-final)[:3]]
        assert "5 drawn" in ax.get_title()
    finally:
        import matplotlib.pyplot as plt

        plt.close(ax.figure)


def test_plot_path_groups_in_colour_others_in_grey(path_data, matplotlib):
    from matplotlib.colors import to_rgba
    from matplotlib.figure import Figure

    alphas, coefs, coef_true = path_data
    fig = Figure()
    ax = fig.add_subplot()
    true = np.flatnonzero(coef_true)
    returned = plot_path(alphas, coefs, ax=ax, groups=[true[:4], true[4:]], max_features=10,
                         groups_label="true features")
    assert returned is ax and fig.axes == [ax]
    grey = to_rgba("0.7")
    colours = [to_rgba(line.get_color()) for line in ax.lines[:-1]]  # the zero line last
    assert sum(colour == grey for colour in colours) == 10
    assert len({c for c in colours if c != grey}) == 2  # one colour per group
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["true features",
                                                                   "other features"]


def test_plot_path_writes_svg(tmp_path, path_data, matplotlib):
    alphas, coefs, _ = path_data
    out = tmp_path / "path.svg"
    plot_path(alphas, coefs, out=out)
    assert b"<svg" in out.read_bytes()[:2000]


def test_plot_path_checks_shapes(path_data, matplotlib):
    alphas, coefs, _ = path_data
    with pytest.raises(ValueError, match="coefs must have shape"):
        plot_path(alphas, coefs[:, :-1])


def test_plot_cv_writes_a_png_and_marks_the_minimum(tmp_path, matplotlib):
    alphas = np.geomspace(1.0, 1e-3, 30)
    rng = np.random.default_rng(0)
    mse = (np.log10(alphas)[:, None] + 1.5) ** 2 + rng.uniform(0, 0.1, size=(30, 4))
    out = tmp_path / "cv.png"
    ax = plot_cv(alphas, mse, title="LassoCV", out=out)
    png_size(out)
    assert out.stat().st_size > 5_000
    best = alphas[np.argmin(mse.mean(axis=1))]
    vertical = ax.lines[-1]
    assert np.allclose(vertical.get_xdata(), best)
    assert len(ax.lines) == 4 + 1 + 1  # folds, mean, chosen alpha
    assert "4-fold" in ax.get_title()


def test_plot_cv_takes_the_given_alpha_and_checks_shapes(matplotlib):
    from matplotlib.figure import Figure

    alphas = np.geomspace(1.0, 1e-2, 5)
    fig = Figure()
    ax = plot_cv(alphas, np.ones((5, 3)), alpha=0.1, ax=fig.add_subplot())
    assert np.allclose(ax.lines[-1].get_xdata(), 0.1)
    with pytest.raises(ValueError, match="mse_path must have shape"):
        plot_cv(alphas, np.ones((4, 3)))


@pytest.fixture(scope="module")
def selector():
    X, y, coef = make_correlated_regression(120, 40, n_informative=4, group_size=1, snr=5,
                                            random_state=0)
    fitted = StabilitySelection(n_resampling=8, alphas=20, random_state=0).fit(X, y)
    assert fitted.support_.any() and not fitted.support_.all()
    return fitted


def test_plot_stability_draws_one_path_per_feature_stable_ones_in_colour(tmp_path, selector,
                                                                         matplotlib):
    from matplotlib.colors import to_rgba

    out = tmp_path / "stability.png"
    names = [f"x{j}" for j in range(40)]
    ax = plot_stability(selector, feature_names=names, title="Lasso", out=out)
    assert png_size(out) == (640, 440) and out.stat().st_size > 5_000
    ever = np.flatnonzero(selector.selection_probabilities_.max(axis=1) > 0)
    paths, (threshold, alpha_min) = ax.lines[:-2], ax.lines[-2:]
    assert len(paths) == ever.size
    grey = to_rgba("0.7")
    stable = set(np.flatnonzero(selector.support_).tolist())
    for line in paths:
        # Each path is one feature's probabilities; find which, and check its colour.
        (j,) = [j for j in ever if np.array_equal(line.get_ydata(),
                                                  selector.selection_probabilities_[j])]
        assert (to_rgba(line.get_color()) != grey) == (j in stable), j
    coloured = [line for line in paths if to_rgba(line.get_color()) != grey]
    assert len({line.get_color() for line in coloured}) == len(stable)
    np.testing.assert_array_equal(paths[0].get_xdata(), selector.alphas_)
    assert np.allclose(threshold.get_ydata(), selector.threshold)
    assert np.allclose(alpha_min.get_xdata(), selector.alpha_min_)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    by_score = sorted(stable, key=lambda j: -selector.stability_scores_[j])
    assert labels[:len(stable)] == [names[j] for j in by_score]
    assert ax.get_xscale() == "log"
    left, right = ax.get_xlim()
    assert left > right  # alpha decreases from left to right
    assert ax.get_title().startswith(f"Lasso\n{len(stable)} stable of 40 features")


def test_plot_stability_caps_the_labels_and_checks_its_input(selector, matplotlib):
    from matplotlib.figure import Figure
    from sklearn.exceptions import NotFittedError

    ax = Figure().add_subplot()
    assert fastreg.plot_stability(selector, ax, n_labels=1) is ax
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()][0] == str(
        int(np.argmax(selector.stability_scores_)))
    assert f"+{selector.support_.sum() - 1} more" in legend.get_title().get_text()
    with pytest.raises(ValueError, match="feature_names must name the 40 features"):
        plot_stability(selector, feature_names=["a", "b"])
    with pytest.raises(NotFittedError):
        plot_stability(StabilitySelection())


def test_missing_matplotlib_names_the_extra(monkeypatch, path_data):
    alphas, coefs, _ = path_data
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" fail
    for call in (require_matplotlib, lambda: plot_path(alphas, coefs),
                 lambda: plot_cv(alphas, np.ones((alphas.size, 2))),
                 lambda: plot_stability(StabilitySelection())):
        with pytest.raises(MissingMatplotlibError, match=r"pip install 'fastreg-cd\[plot\]'"):
            call()
    assert issubclass(MissingMatplotlibError, ImportError)


def test_plot_path_counts_and_names_at_the_chosen_alpha(path_data, matplotlib):
    """The subtitle counts the non-zeros at the marked alpha (it counted those anywhere on
    the path: 10 for a fit that kept 4), the legend names the largest coefficients there,
    and an alpha off the grid's range stays inside the axes (its dashed line was invisible)."""
    import matplotlib.pyplot as plt

    alphas, coefs, _ = path_data
    names = [f"gene{j}" for j in range(coefs.shape[0])]
    at = 12
    ax = plot_path(alphas, coefs, alpha=alphas[at], feature_names=names, n_labels=2)
    try:
        kept = int(np.count_nonzero(coefs[:, at]))
        along = int((np.abs(coefs).max(axis=1) > 0).sum())
        assert kept < along
        assert f"{kept} non-zero near the chosen alpha, {along} along the path" in ax.get_title()
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert set(labels) == {names[j] for j in np.argsort(-np.abs(coefs[:, at]))[:2]}
    finally:
        plt.close(ax.figure)
    outside = alphas.max() * 3.0
    ax = plot_path(alphas, coefs, alpha=outside)
    try:
        left, right = ax.get_xlim()
        assert right < alphas.min() and outside < left  # inside, off the frame
    finally:
        plt.close(ax.figure)


def test_path_colours_do_not_repeat_past_ten_lines(matplotlib):
    from fastreg.plotting import _palette

    colours = _palette(25)
    assert len({tuple(np.round(c, 6)) for c in colours}) == 25
    assert len(set(_palette(10))) == 10
