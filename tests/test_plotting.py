"""Tests of ``fastreg.plotting`` (plot_path, plot_cv) and of the message without matplotlib."""

import struct
import sys

import numpy as np
import pytest

from fastreg import lasso_path
from fastreg.datasets import make_correlated_regression
from fastreg.plotting import MissingMatplotlibError, plot_cv, plot_path, require_matplotlib

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


def test_missing_matplotlib_names_the_extra(monkeypatch, path_data):
    alphas, coefs, _ = path_data
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" fail
    for call in (require_matplotlib, lambda: plot_path(alphas, coefs),
                 lambda: plot_cv(alphas, np.ones((alphas.size, 2)))):
        with pytest.raises(MissingMatplotlibError, match=r"pip install 'fastreg\[plot\]'"):
            call()
    assert issubclass(MissingMatplotlibError, ImportError)
