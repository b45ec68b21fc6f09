"""Plots of regularization paths, cross-validation curves and stability paths (needs
matplotlib).

matplotlib is an optional dependency, installed by fastreg's ``plot`` extra
(``pip install 'fastreg-cd[plot]'``); it is imported inside the functions, so ``import fastreg``
never needs it. With ``out=`` a figure is drawn on matplotlib's Agg canvas and written to a
file without touching pyplot (no window, no global state); without it the plot goes to the
``ax`` given, or to a new pyplot figure (inline in a notebook).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["MissingMatplotlibError", "plot_cv", "plot_path", "plot_stability",
           "require_matplotlib"]

_INSTALL_HINT = ("fastreg's plots need matplotlib, installed with fastreg's 'plot' extra: "
                 "pip install 'fastreg-cd[plot]'")
_DPI = 100
_OTHER_COLOUR = "0.7"


class MissingMatplotlibError(ImportError):
    """matplotlib is not installed; the message names the ``plot`` extra that installs it."""


def require_matplotlib() -> None:
    """Check that matplotlib can be imported.

    Raises
    ------
    MissingMatplotlibError
        When it cannot; the message says how to install it (``pip install 'fastreg-cd[plot]'``).
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingMatplotlibError(_INSTALL_HINT) from None


def new_figure(n_axes: int = 1, *, size: tuple[float, float] = (6.4, 4.4),
               for_file: bool = True) -> tuple[Any, list[Any]]:
    """A figure with ``n_axes`` side by side.

    Parameters
    ----------
    n_axes : int, default=1
        Number of axes, in one row.
    size : (float, float), default=(6.4, 4.4)
        Figure size in inches.
    for_file : bool, default=True
        Draw on matplotlib's Agg canvas, without pyplot (for :func:`save_figure`); False
        makes a pyplot figure, shown by the user's backend.

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : list of matplotlib.axes.Axes
    """
    require_matplotlib()
    if for_file:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=size, dpi=_DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(1, n_axes, squeeze=False)[0]
    else:
        import matplotlib.pyplot as plt

        figure, grid = plt.subplots(1, n_axes, figsize=size, squeeze=False,
                                    layout="constrained")
        axes = grid[0]
    return figure, list(axes)


def save_figure(figure: Any, out: str | os.PathLike) -> None:
    """Write ``figure`` to ``out``; the format follows the extension (.png, .svg, .pdf).

    PNG files are written with a palette of 256 colours: line plots have few colours, and
    the file is three or four times smaller than a true-colour PNG, with no visible change.
    """
    path = os.fspath(out)
    if not path.lower().endswith(".png"):
        figure.savefig(path, dpi=_DPI)
        return
    from PIL import Image  # a dependency of matplotlib

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(256).save(path, format="PNG", optimize=True)


def _target_axes(ax: Any, out: str | os.PathLike | None) -> Any:
    if ax is not None:
        return ax
    return new_figure(for_file=out is not None)[1][0]


def plot_path(alphas, coefs, *, alpha: float | None = None,
              feature_names: Sequence[str] | None = None,
              groups: Sequence[Sequence[int]] | None = None,
              groups_label: str = "highlighted features", max_features: int = 50,
              n_labels: int = 8, ax: Any = None, title: str | None = None,
              xlabel: str = "alpha", out: str | os.PathLike | None = None) -> Any:
    """Plot a regularization path: each coefficient as a function of alpha.

    Alpha decreases from left to right (log scale), so features enter the model as the
    curve is read, as in the output of :func:`fastreg.lasso_path` and
    :func:`fastreg.enet_path`.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        The regularization strengths.
    coefs : array-like of shape (n_features, n_alphas)
        The coefficients at each alpha (the layout the path functions return).
    alpha : float, optional
        A chosen alpha, marked by a vertical dashed line.
    feature_names : sequence of str, optional
        Names for the legend; feature indices are used otherwise.
    groups : sequence of sequences of int, optional
        Features to draw in colour, one colour per group (for example the true features of a
        simulation, in their correlated groups); every other feature is drawn in grey and
        the legend names ``groups_label`` and "other features". Without groups every feature
        drawn has its own colour and the legend names the ``n_labels`` largest.
    groups_label : str, default="highlighted features"
        Legend entry of the features in ``groups``.
    max_features : int, default=50
        Draw at most this many features besides those in ``groups``: the ones whose
        largest absolute coefficient along the path is largest (features that are zero all
        along are never drawn).
    n_labels : int, default=8
        Features named in the legend when there are no ``groups``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
    xlabel : str, default="alpha"
    out : str or path-like, optional
        Write the figure to this file (format from the extension), drawn without pyplot.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    MissingMatplotlibError
        When matplotlib is not installed.

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.datasets import make_correlated_regression
    >>> X, y, _ = make_correlated_regression(50, 100, n_informative=8)
    >>> alphas, coefs, _ = fastreg.lasso_path(X, y, n_alphas=30)
    >>> ax = fastreg.plotting.plot_path(alphas, coefs)  # doctest: +SKIP
    """
    require_matplotlib()
    alphas = np.asarray(alphas, dtype=np.float64)
    coefs = np.asarray(coefs)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.shape[0]:
        raise ValueError(f"coefs must have shape (n_features, {alphas.shape[0]}), got "
                         f"{coefs.shape}")
    ax = _target_axes(ax, out)
    at = _nearest(alphas, alpha)
    size = np.abs(coefs).max(axis=1) if coefs.size else np.zeros(coefs.shape[0])
    grouped = [np.asarray(group, dtype=np.intp) for group in (groups or ())]
    in_groups = np.zeros(coefs.shape[0], dtype=bool)
    for group in grouped:
        in_groups[group] = True
    others = np.flatnonzero((size > 0) & ~in_groups)
    others = others[np.argsort(-size[others], kind="stable")][:max_features]
    names = feature_names if feature_names is not None else [str(j) for j in
                                                             range(coefs.shape[0])]

    if grouped:
        for j in others[::-1]:
            ax.plot(alphas, coefs[j], color=_OTHER_COLOUR, linewidth=0.8)
        palette = _palette(len(grouped))
        for colour, group in zip(palette, grouped, strict=True):
            for j in group:
                ax.plot(alphas, coefs[j], color=colour, linewidth=1.6)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=palette[0], linewidth=1.6, label=groups_label),
                   Line2D([], [], color=_OTHER_COLOUR, linewidth=0.8,
                          label="other features")]
        ax.legend(handles=handles, loc="best", fontsize="small")
    else:
        palette = _palette(len(others))
        # Named in the legend: the largest coefficients at the chosen alpha (or at the
        # weakest regularization).
        final = np.abs(coefs[others, at]) if others.size else others
        labelled = set(others[np.argsort(-final, kind="stable")][:n_labels].tolist())
        for colour, j in zip(palette, others, strict=True):
            ax.plot(alphas, coefs[j], color=colour, linewidth=1.2,
                    label=names[j] if j in labelled else None)
        if labelled:
            where = "at the chosen alpha" if alpha is not None else "at the smallest alpha"
            ax.legend(loc="best", fontsize="small", title=f"largest {where}")
    if alpha is not None:
        ax.axvline(alpha, color="k", linestyle="--", linewidth=1)
    ax.axhline(0.0, color="k", linewidth=0.5)
    _log_alpha_axis(ax, alphas, xlabel, include=alpha)
    ax.set_ylabel("coefficient")
    ax.set_title(_path_subtitle(coefs, size, at if alpha is not None else None,
                                int(others.size + in_groups.sum()), title), fontsize="medium")
    if out is not None:
        save_figure(ax.figure, out)
    return ax


def _nearest(alphas: np.ndarray, alpha: float | None) -> int:
    """The grid point nearest ``alpha`` on a log scale (the smallest alpha for None)."""
    if alpha is None or not (alphas > 0).all() or alpha <= 0:
        return int(np.argmin(alphas))
    return int(np.argmin(np.abs(np.log(alphas) - np.log(alpha))))


def _path_subtitle(coefs: np.ndarray, size: np.ndarray, at: int | None, shown: int,
                   title: str | None) -> str:
    """How many features are non-zero at the path's alpha nearest the chosen one (where one
    is marked) and along the path, and how many are drawn."""
    along = int((size > 0).sum())
    subtitle = (f"{int(np.count_nonzero(coefs[:, at]))} non-zero near the chosen alpha, "
                f"{along} along the path" if at is not None else f"{along} non-zero features")
    if shown < along:
        subtitle += f", {shown} drawn"
    return subtitle if title is None else f"{title}\n{subtitle}"


def plot_cv(alphas, mse_path, *, alpha: float | None = None, ax: Any = None,
            title: str | None = None, xlabel: str = "alpha",
            out: str | os.PathLike | None = None) -> Any:
    """Plot a cross-validation curve: the test error of each fold and their mean, by alpha.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        The regularization strengths.
    mse_path : array-like of shape (n_alphas, n_folds)
        The mean squared test error of each fold at each alpha (scikit-learn's
        ``LassoCV.mse_path_`` layout).
    alpha : float, optional
        The alpha chosen, marked by a vertical dashed line; by default the alpha of the
        smallest mean error.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
    xlabel : str, default="alpha"
    out : str or path-like, optional
        Write the figure to this file (format from the extension), drawn without pyplot.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    MissingMatplotlibError
        When matplotlib is not installed.
    """
    require_matplotlib()
    alphas = np.asarray(alphas, dtype=np.float64)
    mse = np.asarray(mse_path, dtype=np.float64)
    if mse.ndim == 1:
        mse = mse[:, np.newaxis]
    if mse.ndim != 2 or mse.shape[0] != alphas.shape[0]:
        raise ValueError(f"mse_path must have shape ({alphas.shape[0]}, n_folds), got "
                         f"{np.shape(mse_path)}")
    ax = _target_axes(ax, out)
    mean = mse.mean(axis=1)
    n_folds = mse.shape[1]
    for k in range(n_folds):
        ax.plot(alphas, mse[:, k], color=_OTHER_COLOUR, linewidth=0.8,
                label="each fold" if k == 0 else None)
    if n_folds > 1:
        error = mse.std(axis=1, ddof=1) / np.sqrt(n_folds)
        ax.fill_between(alphas, mean - error, mean + error, color="C0", alpha=0.2,
                        label="mean ± standard error")
    ax.plot(alphas, mean, color="C0", linewidth=2, label="mean over folds")
    best = float(alphas[int(np.argmin(mean))]) if alpha is None else float(alpha)
    ax.axvline(best, color="k", linestyle="--", linewidth=1, label=f"alpha = {best:.3g}")
    _log_alpha_axis(ax, alphas, xlabel)
    ax.set_ylabel("test mean squared error")
    subtitle = f"{n_folds}-fold cross-validation"
    ax.set_title(subtitle if title is None else f"{title}\n{subtitle}", fontsize="medium")
    ax.legend(loc="best", fontsize="small")
    if out is not None:
        save_figure(ax.figure, out)
    return ax


def plot_stability(selector: Any, ax: Any = None, *,
                   feature_names: Sequence[str] | None = None, n_labels: int = 10,
                   title: str | None = None, out: str | os.PathLike | None = None) -> Any:
    """Plot the stability paths of a fitted stability selection.

    Each feature's selection probability (the fraction of subsamples whose fit keeps it) is
    drawn against alpha, on a log scale that decreases from left to right as in Meinshausen
    and Buehlmann (2010): the stable features in colour, the others in thin grey. The
    threshold is a horizontal dashed line, the end of the region (``alpha_min_``) a vertical
    dotted line, the region (from ``alpha_max`` down to it) shaded: a feature is stable when
    its path reaches the threshold in the region.

    Parameters
    ----------
    selector : fastreg.StabilitySelection
        A fitted selector (its ``alphas_``, ``selection_probabilities_``, ``support_``,
        ``stability_scores_``, ``alpha_min_`` and ``threshold``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.
    feature_names : sequence of str, optional
        Names of all the features, for the legend; the selector's ``feature_names_in_``
        when it was fitted on a DataFrame, else the column indices.
    n_labels : int, default=10
        Stable features named in the legend, the highest stability scores first.
    title : str, optional
    out : str or path-like, optional
        Write the figure to this file (format from the extension), drawn without pyplot.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: one line per feature selected on at least one subsample (a
        feature never selected lies on zero all along and is not drawn), then the
        threshold and, unless the region is empty, ``alpha_min_``.

    Raises
    ------
    MissingMatplotlibError
        When matplotlib is not installed.
    sklearn.exceptions.NotFittedError
        When ``selector`` is not fitted.
    ValueError
        When ``feature_names`` does not name every feature.

    Examples
    --------
    >>> import fastreg
    >>> from fastreg.datasets import make_correlated_regression
    >>> X, y, _ = make_correlated_regression(100, 50, n_informative=4, random_state=0)
    >>> selector = fastreg.StabilitySelection(n_resampling=10, random_state=0).fit(X, y)
    >>> ax = fastreg.plot_stability(selector)  # doctest: +SKIP
    """
    require_matplotlib()
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(selector, ["selection_probabilities_", "support_"])
    alphas = np.asarray(selector.alphas_, dtype=np.float64)
    probabilities = np.asarray(selector.selection_probabilities_)
    n_features = probabilities.shape[0]
    if feature_names is None:
        feature_names = getattr(selector, "feature_names_in_", None)
    if feature_names is None:
        names = [str(j) for j in range(n_features)]
    else:
        names = [str(name) for name in feature_names]
        if len(names) != n_features:
            raise ValueError(f"feature_names must name the {n_features} features, got "
                             f"{len(names)} names")
    ax = _target_axes(ax, out)
    stable = np.flatnonzero(selector.support_)
    # Highest scores first, so that the legend (and the first colours) go to the clearest.
    stable = stable[np.argsort(-selector.stability_scores_[stable], kind="stable")]
    ever = probabilities.max(axis=1) > 0
    ever[stable] = False
    for j in np.flatnonzero(ever):
        ax.plot(alphas, probabilities[j], color=_OTHER_COLOUR, linewidth=0.7)
    palette = _palette(stable.size, chromatic=True)
    for rank, (colour, j) in enumerate(zip(palette, stable, strict=True)):
        ax.plot(alphas, probabilities[j], color=colour, linewidth=1.8,
                label=names[j] if rank < n_labels else None)
    threshold = float(selector.threshold)
    ax.axhline(threshold, color="k", linestyle="--", linewidth=1,
               label=f"threshold {threshold:g}")
    if np.isfinite(selector.alpha_min_):
        ax.axvline(selector.alpha_min_, color="k", linestyle=":", linewidth=1.2,
                   label=f"alpha_min {selector.alpha_min_:.3g}")
        ax.axvspan(selector.alpha_min_, alphas.max(), color="C0", alpha=0.07, linewidth=0,
                   label="region")
    _log_alpha_axis(ax, alphas, "alpha")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("selection probability")
    hidden = stable.size - min(stable.size, n_labels)
    # Outside the axes: stable paths climb to 1 on the left, the others fill the right.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
              title=f"stable features (+{hidden} more)" if hidden else "stable features")
    subtitle = (f"{stable.size} stable of {n_features} features, "
                f"{int(ever.sum())} others ever selected; PFER <= {selector.pfer_:.3g}")
    ax.set_title(subtitle if title is None else f"{title}\n{subtitle}", fontsize="medium")
    if out is not None:
        save_figure(ax.figure, out)
    return ax


def _palette(n: int, *, chromatic: bool = False) -> list[Any]:
    """``n`` colours: tab10's up to 10 (``chromatic`` leaves out its grey, where grey lines
    mean the features that are not highlighted), else ``n`` distinct hues of turbo (tab10
    cycled repeated colours past 10 lines)."""
    from matplotlib import colormaps

    colours = [c for c in colormaps["tab10"].colors if not (chromatic and len(set(c)) == 1)]
    if n <= len(colours):
        return colours[:n]
    return [colormaps["turbo"](value) for value in np.linspace(0.05, 0.95, n)]


def _log_alpha_axis(ax: Any, alphas: np.ndarray, xlabel: str,
                    include: float | None = None) -> None:
    """Log-scaled alpha, decreasing from left to right (regularization weakens), widened to
    show ``include`` (a chosen alpha off the grid's range was drawn outside the axes)."""
    positive = alphas[alphas > 0]
    if include is not None and include > 0:
        positive = np.append(positive, include)
    if positive.size and positive.min() < positive.max():
        ax.set_xscale("log")
        # A margin of 2% of the decades: a chosen alpha at the grid's end (the demo's paths
        # end there) drew its dashed line on the frame, where it could not be seen.
        margin = (positive.max() / positive.min()) ** 0.02
        ax.set_xlim(positive.max() * margin, positive.min() / margin)
    ax.set_xlabel(f"{xlabel} (log scale, decreasing)")
