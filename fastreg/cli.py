"""The ``fastreg`` command line: ``fastreg demo`` and ``fastreg --version``.

``fastreg demo`` fits the Lasso, the Elastic Net and Ridge to one synthetic problem with
correlated groups of informative features and prints what each model selects.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import ElasticNet, Lasso, Ridge, __version__, enet_path, lasso_path
from .datasets import make_correlated_regression

__all__ = ["main"]

# Alpha grids of the demo: path length (alpha_max down to eps * alpha_max) for the L1
# models; Ridge alphas relative to the mean non-zero eigenvalue of X^T X (Ridge's loss is
# not divided by n, so only a scale taken from the data makes a grid that fits any size).
_N_ALPHAS = 30
_PATH_EPS = 1e-2
_RIDGE_GRID = np.geomspace(1e-4, 1e2, 25)
# Demo defaults: strongly correlated neighbours are where L1 and L1 + L2 part ways.
_DEMO_RHO = 0.9
_DEMO_SNR = 3.0


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line (exit status 2, as argparse's)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _int_at_least(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {value}")
        return value

    return parse


def _float_in(low: float, high: float, *, closed_low: bool = False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        above = value >= low if closed_low else value > low
        if not (above and value < high):
            bracket = "[" if closed_low else "("
            raise argparse.ArgumentTypeError(f"must be in {bracket}{low:g}, {high:g}), got {text}")
        return value

    return parse


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fastreg",
        description="Fast Lasso, Elastic Net and Ridge regression.",
    )
    parser.add_argument("--version", action="version", version=f"fastreg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = commands.add_parser(
        "demo",
        help="compare Lasso, Elastic Net and Ridge on a problem with correlated groups",
        description=(
            "Generate a sparse regression problem whose informative features come in "
            "groups of correlated neighbours, choose each model's alpha on a validation "
            "split of the training samples, refit, and report what each model selects and "
            "how well it predicts the test samples."
        ),
    )
    demo.add_argument(
        "--n-samples",
        type=_int_at_least(20),
        default=400,
        help="total samples, split evenly into training and test (default: %(default)s)",
    )
    demo.add_argument(
        "--n-features",
        type=_int_at_least(1),
        default=2000,
        help="number of features (default: %(default)s)",
    )
    demo.add_argument(
        "--n-informative",
        type=_int_at_least(1),
        default=20,
        help="true non-zero coefficients, in groups of 4 adjacent features (default: %(default)s)",
    )
    demo.add_argument(
        "--rho",
        type=_float_in(-1.0, 1.0),
        default=_DEMO_RHO,
        help="correlation of adjacent features, in (-1, 1) (default: %(default)s)",
    )
    demo.add_argument(
        "--snr",
        type=_float_in(0.0, np.inf),
        default=_DEMO_SNR,
        help="signal-to-noise ratio ||X w|| / ||noise|| (default: %(default)s)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    demo.set_defaults(run=_run_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fastreg`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on a usage error (a one-line message on stderr).
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return 0 if exc.code is None else int(exc.code)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "demo" and args.n_informative > args.n_features:
        print(
            f"fastreg demo: error: argument --n-informative: must be <= --n-features "
            f"({args.n_features}), got {args.n_informative}",
            file=sys.stderr,
        )
        return 2
    return args.run(args)


@dataclass
class _Row:
    model: str
    alpha: float
    coef: np.ndarray
    test_r2: float
    fit_ms: float


def _run_demo(args: argparse.Namespace) -> int:
    X, y, coef_true = make_correlated_regression(
        args.n_samples,
        args.n_features,
        args.n_informative,
        rho=args.rho,
        snr=args.snr,
        random_state=args.seed,
    )
    # Rows are independent draws, so contiguous splits are random splits. The training
    # half is split again: two thirds to fit the alpha grid, one third to validate it.
    n_train = args.n_samples // 2
    n_fit = (2 * n_train) // 3
    X_train, y_train = np.asfortranarray(X[:n_train]), y[:n_train]
    X_test, y_test = X[n_train:], y[n_train:]
    X_fit, y_fit = np.asfortranarray(X[:n_fit]), y[:n_fit]
    X_val, y_val = X[n_fit:n_train], y[n_fit:n_train]

    n_groups = -(-args.n_informative // 4)
    print(
        f"Problem: {n_train} training + {args.n_samples - n_train} test samples, "
        f"{args.n_features} features (Toeplitz correlation rho={args.rho:g}), "
        f"{args.n_informative} informative in {n_groups} groups of adjacent features, "
        f"SNR {args.snr:g}, seed {args.seed}"
    )

    rows = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, l1_ratio in (("Lasso", 1.0), ("ElasticNet", 0.5)):
            alpha = _select_l1_alpha(X_fit, y_fit, X_val, y_val, l1_ratio)
            model = Lasso(alpha=alpha) if l1_ratio == 1.0 else ElasticNet(alpha, l1_ratio=0.5)
            rows.append(_fit_row(name, model, alpha, X_train, y_train, X_test, y_test))
        alpha = _select_ridge_alpha(X_fit, y_fit, X_val, y_val)
        rows.append(_fit_row("Ridge", Ridge(alpha), alpha, X_train, y_train, X_test, y_test))
    # Convergence warnings (small alphas at the end of a path) are summed up in one line
    # under the table rather than printed one by one; any other warning is shown as is.
    n_unconverged = 0
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            n_unconverged += 1
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)

    print(
        f"Each alpha was chosen on {n_train - n_fit} validation samples "
        f"(fits on the other {n_fit}), then the model was refit on all {n_train}."
    )
    print()
    _print_table(rows, coef_true)
    print()
    _print_explanation(rows, coef_true)
    if n_unconverged:
        print(f"({n_unconverged} fits stopped at max_iter before reaching tol.)")
    return 0


def _select_l1_alpha(X_fit, y_fit, X_val, y_val, l1_ratio: float) -> float:
    """The alpha of a warm-started path that predicts the validation samples best."""
    path = lasso_path if l1_ratio == 1.0 else enet_path
    kwargs = {} if l1_ratio == 1.0 else {"l1_ratio": l1_ratio}
    alphas, coefs, _ = path(
        X_fit, y_fit, eps=_PATH_EPS, n_alphas=_N_ALPHAS, fit_intercept=True, **kwargs
    )
    # With an intercept, b = mean(y) - mean(X) @ w for every alpha on the path.
    intercepts = y_fit.mean() - X_fit.mean(axis=0) @ coefs
    errors = ((X_val @ coefs + intercepts - y_val[:, None]) ** 2).mean(axis=0)
    return float(alphas[np.argmin(errors)])


def _select_ridge_alpha(X_fit, y_fit, X_val, y_val) -> float:
    """The Ridge alpha of a geometric grid that predicts the validation samples best.

    The whole grid is one fit: y repeated once per alpha, with one alpha per target, and the
    eigen solver, which decomposes the Gram (or kernel) matrix once for every alpha.
    """
    alphas = _RIDGE_GRID * np.sum(X_fit * X_fit) / min(X_fit.shape)
    targets = np.repeat(y_fit[:, None], alphas.size, axis=1)
    model = Ridge(alphas, solver="eigen").fit(X_fit, targets)
    errors = ((model.predict(X_val) - y_val[:, None]) ** 2).mean(axis=0)
    return float(alphas[int(np.argmin(errors))])


def _fit_row(name, model, alpha, X_train, y_train, X_test, y_test) -> _Row:
    # A first, untimed fit compiles (or loads) the Numba kernels it needs, so that the time
    # reported is the fit itself.
    model.fit(X_train, y_train)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_ms = 1e3 * (time.perf_counter() - start)
    return _Row(name, alpha, np.asarray(model.coef_), model.score(X_test, y_test), fit_ms)


def _print_table(rows: list[_Row], coef_true: np.ndarray) -> None:
    true = coef_true != 0
    header = (
        f"{'model':<11} {'alpha':>9} {'non-zeros':>9} {'true pos':>8} {'false pos':>9} "
        f"{'test R^2':>8} {'fit (ms)':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        selected = row.coef != 0
        print(
            f"{row.model:<11} {row.alpha:>9.3g} {int(selected.sum()):>9d} "
            f"{int((selected & true).sum()):>8d} {int((selected & ~true).sum()):>9d} "
            f"{row.test_r2:>8.3f} {row.fit_ms:>8.1f}"
        )


def _print_explanation(rows: list[_Row], coef_true: np.ndarray) -> None:
    true = coef_true != 0
    k, p = int(true.sum()), coef_true.size
    stats = {}
    for row in rows:
        selected = row.coef != 0
        stats[row.model] = (int((selected & true).sum()), int(selected.sum()))
    (tp_l, nnz_l), (tp_e, nnz_e) = stats["Lasso"], stats["ElasticNet"]
    print(
        f"L1 (Lasso) zeroes most coefficients but tends to keep one of several correlated "
        f"features: {tp_l} of {k} true\nfeatures found with {nnz_l} non-zeros. The Elastic "
        f"Net's L2 part lets correlated features enter together:\n{tp_e} of {k} found with "
        f"{nnz_e} non-zeros. L2 (Ridge) shrinks every coefficient and zeroes none: all {p} "
        "kept."
    )


if __name__ == "__main__":  # python -m fastreg.cli
    sys.exit(main())
