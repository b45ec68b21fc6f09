"""The ``fastreg`` command line: ``demo``, ``fit``, ``path`` and ``select``.

``fastreg demo`` fits the Lasso, the Elastic Net and Ridge to one synthetic problem with
correlated groups of informative features and prints what each model selects, then how many
true and false features LassoCV, RelaxedLassoCV, AdaptiveLassoCV and StabilitySelection keep,
then L1 and Elastic Net logistic regression to a class label drawn from the same features;
``--plot`` draws the three regression coefficient paths. ``fastreg fit DATA`` fits one model
to a data file (svmlight/libsvm, CSV with a header, or ``.npz``), its alpha given or chosen by
K-fold cross-validation, and prints the features it selects; ``fastreg path DATA`` computes
the whole regularization path as a CSV table and a plot; ``fastreg select DATA`` runs
stability selection (:class:`fastreg.StabilitySelection`) and lists the stable features, with
the bound on the expected number of false positives, their scores as CSV or JSON and the
stability paths as a plot. A target of exactly two values (0/1, -1/+1 or two words) is a class
label, fitted by penalized logistic regression; any other numeric target by least squares
(``--task``, or ``select``'s ``--model``, overrides the choice).

A progress bar over the path, the cross-validation folds or the subsamples is drawn on
stderr when stderr is a terminal (never with ``--quiet``). Errors a person can act on (a
missing file, an unknown format, a missing target column, a value that is not a number, NaN)
are one line on stderr, ``fastreg fit: error: ...`` (in the command's name; a misspelt
option or column gets the closest names), with exit status 2 and no traceback; Ctrl-C
stops with one line and exit status 130.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import re
import sys
import textwrap
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import NamedTuple, TextIO

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold

from . import ElasticNet, Lasso, LogisticRegression, Ridge, __version__
from ._classifiers import _path_scores
from ._io import FORMATS, DataError, Dataset, load_data
from ._progress import Progress
from ._resampling import take_rows
from ._solver import Problem, make_problem, warn_if_not_converged
from ._validation import check_binary_labels
from .cv import LassoCV, _choose, _fold_path, _test_mse, _walk_to
from .datasets import make_correlated_classification, make_correlated_regression
from .path import alpha_grid, iter_enet_path, iter_logistic_path, walk_path
from .plotting import MissingMatplotlibError, require_matplotlib
from .selection import StabilitySelection
from .twostage import AdaptiveLassoCV, RelaxedLassoCV

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
# The paths drawn by ``demo --plot``.
_DEMO_PLOT_ALPHAS = 50
# The width of the demo's paragraphs, that of its regression explanation.
_DEMO_WIDTH = 103

# ``fit`` and ``path``: scikit-learn's path defaults (LassoCV's 100 alphas down to 1e-3
# alpha_max), and Ridge's grid, from 1e2 to 1e-4 times the data's scale as in the demo.
_FIT_N_ALPHAS = 100
_FIT_EPS = 1e-3
_RIDGE_SPAN = (1e2, 1e-4)
_DEFAULT_FOLDS = 5
_TOP_FEATURES = 10
# Ridge fits a dense grid in one eigendecomposition with y repeated once per alpha; above
# this many entries of that repeated y, it fits the alphas one by one instead.
_RIDGE_ONE_FIT_MAX_ENTRIES = 2**24
_RIDGE_SOLVERS = {"cholesky": "a Cholesky factorization", "eigen": "an eigendecomposition",
                  "cg": "conjugate gradients", "cd": "coordinate descent"}
_PENALTY_NAMES = {"l1": "Lasso (L1)", "elasticnet": "Elastic Net (L1 + L2)", "l2": "Ridge (L2)"}
_LOGISTIC_NAMES = {"l1": "L1 logistic regression",
                   "elasticnet": "Elastic Net (L1 + L2) logistic regression",
                   "l2": "L2 logistic regression"}
_TASKS = ("auto", "regression", "classification")
# The l2 logistic path's grid starts at the alpha_max of l1_ratio 1e-3, glmnet's rule for
# its ridge penalty: that of l1_ratio 0 is infinite (every alpha keeps every feature).
_L2_GRID_RATIO = 1e-3
# The scores of LogisticRegressionCV that ``fit`` reports for classification; alpha is
# chosen by the first (the mean log-likelihood, LogisticRegressionCV's default).
_SCORINGS = ("neg_log_loss", "accuracy", "roc_auc")
# ``select``: StabilitySelection's grid (its path needs to reach only the region's end) and
# its defaults for the threshold, the bound on false positives and the pairs of halves.
_SELECT_MODELS = ("auto", "lasso", "elasticnet", "logistic", "relaxed")
_SELECT_N_ALPHAS = 50
_SELECT_EPS = 1e-2
_SELECT_THRESHOLD = 0.6
_SELECT_PFER = 1.0
_SELECT_PAIRS = 50

_NPZ_HELP = """\
data files:
  svmlight/libsvm  one sample a line, "label index:value ...", indices one-based unless
                   index 0 occurs; features are named by their index (.svm, .svmlight,
                   .libsvm, or any name: recognized by its content)
  CSV              a header line of column names, then numbers; --target names the column
                   to predict, the others are the features (.csv; .tsv for tabs)
  .npz             numpy.savez(FILE, y=y, X=X) with a dense 2-D X, or a scipy sparse X in
                   scipy.sparse.save_npz's layout: format ("csc", "csr" or "coo"), shape,
                   data, indices and indptr (row and col for coo), plus y; optionally
                   feature_names (an array of strings)
  Text files may be compressed (.gz, .bz2). NaN, infinity and non-numeric values are errors.
"""


class _CommandError(Exception):
    """A problem with the command's options or inputs; the message is one line."""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, but text with line breaks of its own (an epilog) is kept as is."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line (exit status 2, as argparse's), in
    the name of the command they concern, with the closest options for a misspelt one."""

    def error(self, message: str):
        choice = re.match(r"argument COMMAND: invalid choice: '([^']*)'", message)
        if choice:
            close = difflib.get_close_matches(choice.group(1), self._subcommand_names(), n=1)
            message += f" (did you mean {close[0]!r}?)" if close else ""
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def _subcommand_names(self) -> list[str]:
        return [name for action in self._actions
                if isinstance(action, argparse._SubParsersAction) for name in action.choices]

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self._subcommand(getattr(parsed, "command", None))
            command.error(_unrecognized(extras, command))
        return parsed

    def _subcommand(self, name: str | None) -> argparse.ArgumentParser:
        """The parser of command ``name`` (this one when there is none)."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return action.choices[name]
        return self


def _unrecognized(extras: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """"unrecognized arguments: ..." with, for a misspelt option, the closest ones of
    ``parser`` (argparse says nothing of them before Python 3.14)."""
    message = f"unrecognized arguments: {' '.join(extras)}"
    options = [option for action in parser._actions for option in action.option_strings]
    for extra in extras:
        if extra.startswith("-"):
            close = difflib.get_close_matches(extra.split("=")[0], options, n=1, cutoff=0.6)
            if close:
                message += f" (did you mean {close[0]}?)"
                break
    return message


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


def _float_in(low: float, high: float, *, closed_low: bool = False, closed_high: bool = False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        above = value >= low if closed_low else value > low
        below = value <= high if closed_high else value < high
        if not (above and below):
            bracket = ("[" if closed_low else "(", "]" if closed_high else ")")
            raise argparse.ArgumentTypeError(
                f"must be in {bracket[0]}{low:g}, {high:g}{bracket[1]}, got {text}")
        return value

    return parse


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fastreg",
        description=(
            "Fast Lasso, Elastic Net and Ridge regression, and L1 / Elastic Net logistic "
            "regression for a two-class target. 'fastreg demo' shows what L1, L2 and Elastic "
            "Net do to correlated features; 'fastreg fit DATA' tells which features of a data "
            "file matter; 'fastreg path DATA' writes the whole regularization path; "
            "'fastreg select DATA' keeps the features that are selected on most random "
            "halves of the data (stability selection). "
            "'fastreg COMMAND --help' explains each command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"fastreg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_demo_parser(commands)
    _add_fit_parser(commands)
    _add_path_parser(commands)
    _add_select_parser(commands)
    return parser


def _add_demo_parser(commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="compare Lasso, Elastic Net and Ridge (and L1 logistic regression) on a problem "
        "with correlated groups",
        description=(
            "Generate a sparse regression problem whose informative features come in "
            "groups of correlated neighbours, choose each model's alpha on a validation "
            "split of the training samples, refit, and report what each model selects and "
            "how well it predicts the test samples; then which true and false features "
            "LassoCV, RelaxedLassoCV, AdaptiveLassoCV and stability selection keep, each "
            "choosing its own parameters; then do the same for L1 and Elastic Net "
            "logistic regression on a class label drawn from the same features, "
            "y ~ Bernoulli(sigmoid(X w_true))."
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
        help="signal-to-noise ratio ||X w|| / ||noise|| of the regression target (the class "
        "label's noise is the logistic model's own) (default: %(default)s)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    demo.add_argument(
        "--plot",
        metavar="FILE",
        help="also draw the three regression coefficient paths, the true features in colour, "
        "to FILE "
        "(.png, .svg or .pdf; needs matplotlib: pip install 'fastreg-cd[plot]')",
    )
    demo.set_defaults(run=_run_demo)


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        metavar="DATA",
        help="the data file: svmlight/libsvm text, CSV with a header line (needs --target), "
        "or .npz (see 'data files' below)",
    )
    parser.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="the file's format (default: auto, from the extension or the content)",
    )
    parser.add_argument(
        "--target",
        metavar="COLUMN",
        help="CSV files only, and required for them: the name of the column to predict; "
        "every other column is a feature",
    )


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--task",
        choices=_TASKS,
        default="auto",
        help="regression: least squares (Lasso, Elastic Net, Ridge) on a numeric target; "
        "classification: penalized logistic regression of a target of exactly two values "
        "(0/1, -1/+1, or two words in a CSV column or an .npz y of strings), the larger (or "
        "later in alphabetical order) being the positive class; auto: classification when "
        "the target takes exactly two values, regression otherwise (default: %(default)s)",
    )
    parser.add_argument(
        "--penalty",
        choices=("l1", "l2", "elasticnet"),
        default="l1",
        help="l1: the Lasso (L1 logistic regression for classification), which selects "
        "features; l2: Ridge (L2 logistic regression), which shrinks every coefficient and "
        "selects none; elasticnet: L1 + L2 (--l1-ratio), which keeps correlated features "
        "together (default: %(default)s)",
    )
    _add_l1_ratio_argument(parser, "--penalty elasticnet only", " (default: 0.5)")
    parser.add_argument(
        "--positive", action="store_true", help="constrain every coefficient to be >= 0"
    )
    _add_solver_arguments(
        parser, n_alphas=_FIT_N_ALPHAS, eps=_FIT_EPS,
        eps_note="; the l2 regression path spans 1e2 to 1e-4 times the mean eigenvalue of "
        "X^T X, the l2 logistic path starts at the alpha_max of l1_ratio 1e-3 (glmnet's rule)")


def _add_l1_ratio_argument(parser: argparse.ArgumentParser, scope: str, default: str) -> None:
    parser.add_argument(
        "--l1-ratio",
        type=_float_in(0.0, 1.0, closed_high=True),
        metavar="R",
        help=f"{scope}: the share of L1 in the penalty, in (0, 1]; 1 is the Lasso{default}",
    )


def _add_solver_arguments(parser: argparse.ArgumentParser, *, n_alphas: int, eps: float,
                          eps_scope: str = "l1 and elasticnet: the path",
                          eps_note: str = "") -> None:
    """The intercept, the alpha grid, the solver's tolerance and epochs, and --quiet."""
    parser.add_argument(
        "--no-intercept",
        dest="fit_intercept",
        action="store_false",
        help="fit no intercept (by default one is fitted, the data centered implicitly: "
        "sparse data stay sparse)",
    )
    parser.add_argument(
        "--n-alphas",
        type=_int_at_least(2),
        default=n_alphas,
        metavar="N",
        help="alphas on the path, geometrically spaced (default: %(default)s)",
    )
    parser.add_argument(
        "--eps",
        type=_float_in(0.0, 1.0),
        default=eps,
        help=f"{eps_scope} runs from alpha_max (the smallest alpha at which every "
        f"coefficient is 0) down to eps * alpha_max (default: %(default)s){eps_note}",
    )
    parser.add_argument(
        "--tol",
        type=_float_in(0.0, np.inf),
        default=1e-4,
        help="stop each fit when its duality gap is at most tol * ||y - mean(y)||^2 / "
        "n_samples, scikit-learn's convention (classification: tol times the deviance of "
        "the intercept-only model, over n_samples) (default: %(default)s)",
    )
    parser.add_argument(
        "--max-iter",
        type=_int_at_least(1),
        default=1000,
        metavar="N",
        help="at most N coordinate-descent epochs per fit (default: %(default)s)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="draw no progress bar (one is drawn on stderr only when it is a terminal)",
    )


def _add_fit_parser(commands) -> None:
    fit = commands.add_parser(
        "fit",
        help="fit a model to a data file and list the features it selects",
        description=(
            "Fit the Lasso, the Elastic Net or Ridge to a data file (penalized logistic "
            "regression when the target is a class label of two values, see --task), with "
            "alpha given (--alpha) or chosen by K-fold cross-validation over the "
            "regularization path (--cv K, the default with K=5), and print a summary: the "
            "task, the alpha, the number of selected (non-zero) features, the largest ones, "
            "the duality gap reached, for classification the log-loss, accuracy and ROC AUC "
            "(cross-validated, or on the training samples with --alpha), and the time taken."
        ),
        epilog=_NPZ_HELP,
        formatter_class=_Formatter,
    )
    _add_data_arguments(fit)
    _add_model_arguments(fit)
    choice = fit.add_mutually_exclusive_group()
    choice.add_argument(
        "--alpha",
        type=_float_in(0.0, np.inf),
        help="the regularization strength, > 0, on the mean-loss scale for both tasks: "
        "the penalty weighs against the loss divided by n_samples, as in scikit-learn's "
        "Lasso and glmnet (for classification scikit-learn's LogisticRegression C is "
        "1 / (alpha n_samples)); the one exception is l2 regression, whose alpha is "
        "scikit-learn Ridge's, for a loss not divided by n_samples",
    )
    choice.add_argument(
        "--cv",
        type=_int_at_least(2),
        metavar="K",
        help=f"choose alpha by K-fold cross-validation: the alpha of the path with the "
        f"smallest mean test error, the mean squared error for regression, the log-loss "
        f"for classification (on stratified folds, as LogisticRegressionCV's) "
        f"(default: {_DEFAULT_FOLDS} folds, without --alpha)",
    )
    fit.add_argument(
        "--rule",
        choices=("min", "1se"),
        default="min",
        help="with --cv: min takes the alpha of the smallest mean test error; 1se the "
        "largest alpha whose mean error is within one standard error of that minimum "
        "(glmnet's lambda.1se: fewer features, about as good) (default: %(default)s)",
    )
    fit.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the random split into cross-validation folds (default: %(default)s)",
    )
    fit.add_argument(
        "--top",
        type=_int_at_least(0),
        default=_TOP_FEATURES,
        metavar="N",
        help="list the N features of largest |coefficient| (default: %(default)s)",
    )
    fit.add_argument(
        "--out",
        metavar="FILE",
        help="write the selected features and their coefficients, largest first, to FILE: "
        ".csv (feature,coefficient) or .json (with the task, the alpha (and C and the "
        "classes), intercept, duality gap and the metrics of the summary); features are "
        "named from the CSV header, the .npz feature_names, or their index",
    )
    fit.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the cross-validation curve (with --cv) or the path with the chosen alpha "
        "marked (with --alpha) to FILE (.png, .svg or .pdf; needs matplotlib: "
        "pip install 'fastreg-cd[plot]')",
    )
    fit.set_defaults(run=_run_fit)


def _add_path_parser(commands) -> None:
    path = commands.add_parser(
        "path",
        help="compute the whole regularization path of a data file: a CSV table and a plot",
        description=(
            "Fit the model (logistic regression for a two-class target, see --task) at "
            "every alpha of the path, from the strongest regularization down, each fit "
            "warm-started from the previous one, and write the path as a CSV table: one row "
            "per alpha with its number of non-zero coefficients, the intercept, the duality "
            "gap reached (all but l2 regression) and the coefficient of every feature that "
            "is non-zero somewhere on the path, in the order the features enter it."
        ),
        epilog=_NPZ_HELP,
        formatter_class=_Formatter,
    )
    _add_data_arguments(path)
    _add_model_arguments(path)
    path.add_argument(
        "--out",
        metavar="FILE",
        help="write the table to FILE (.csv) and print a summary; without --out the table "
        "is printed on stdout",
    )
    path.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the path to FILE (.png, .svg or .pdf; needs matplotlib: "
        "pip install 'fastreg-cd[plot]')",
    )
    path.set_defaults(run=_run_path)


def _pfer(text: str) -> float | None:
    if text.lower() == "none":
        return None
    return _float_in(0.0, np.inf)(text)


def _add_select_parser(commands) -> None:
    select = commands.add_parser(
        "select",
        help="stability selection: the features that most random halves of the data select",
        description=(
            "Stability selection (Meinshausen and Buehlmann 2010) with complementary pairs "
            "(Shah and Samworth 2013): the path of the Lasso, the Elastic Net or L1 logistic "
            "regression is fitted on both halves of --n-resampling random splits of the "
            "samples, and a feature's selection probability at an alpha is the fraction of "
            "those subsamples whose fit keeps it. Its stability score is its largest "
            "probability over the region, the alphas from alpha_max down to alpha_min, the "
            "longest stretch of the grid whose bound on the expected number of false "
            "positives, q^2 / ((2 threshold - 1) n_features) with q the mean number of "
            "features a subsample selects in the region, is at most --pfer. The features "
            "whose score reaches --threshold are stable. Prints a summary (the subsamples, "
            "the grid, the region, q, the threshold and the bound), then the stable "
            "features by score."
        ),
        epilog=_NPZ_HELP,
        formatter_class=_Formatter,
    )
    _add_data_arguments(select)
    select.add_argument(
        "--model",
        choices=_SELECT_MODELS,
        default="auto",
        help="lasso: the Lasso of a numeric target; elasticnet: L1 + L2 (--l1-ratio), which "
        "lets correlated features be selected together; logistic: penalized logistic "
        "regression of a target of exactly two values (0/1, -1/+1 or two words, the larger "
        "or later the positive class, as for 'fastreg fit'); relaxed: the Lasso's "
        "selection (relaxing the Lasso does not change its support), then the "
        "least-squares fit without penalty on the stable features, whose coefficients and "
        "intercept are reported; auto: logistic when the target takes exactly two values, "
        "lasso otherwise (default: %(default)s)",
    )
    _add_l1_ratio_argument(select, "--model elasticnet and logistic",
                           " (default: 0.5 for elasticnet, 1 for logistic)")
    select.add_argument(
        "--threshold",
        type=_float_in(0.5, 1.0, closed_high=True),
        default=_SELECT_THRESHOLD,
        help="the stability score, in (0.5, 1], from which a feature is stable "
        "(default: %(default)s)",
    )
    select.add_argument(
        "--pfer",
        type=_pfer,
        default=_SELECT_PFER,
        help="the bound, > 0, on the expected number of false positives that sets the "
        "region; 'none': the region is the whole grid, and the summary reports its bound "
        "(default: %(default)s)",
    )
    select.add_argument(
        "--n-resampling",
        type=_int_at_least(1),
        default=_SELECT_PAIRS,
        metavar="N",
        help="random splits of the samples into two halves: 2N subsamples "
        "(default: %(default)s)",
    )
    select.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the random splits (default: %(default)s)",
    )
    _add_solver_arguments(select, n_alphas=_SELECT_N_ALPHAS, eps=_SELECT_EPS,
                          eps_scope="the grid of every subsample's path",
                          eps_note="; only the alphas of the region matter")
    select.add_argument(
        "--out",
        "--output",
        dest="out",
        metavar="FILE",
        help="write every feature's stability score to FILE, highest first (ties in "
        "column order): .csv with the columns feature, feature_index (the column, from 0), "
        "stability_score, stable (1 or 0) and, with --model relaxed, coefficient (0 for "
        "the features left out of the refit); or .json with the summary (data, "
        "n_samples, n_features, task, model, l1_ratio, fit_intercept, for a class label "
        "classes and positive_class, n_subsamples, seed, alpha_max, alpha_min (null for "
        "an empty region), n_region_alphas, threshold, pfer (the bound asked for, null for "
        "none), q, pfer_bound (the bound reached), n_stable, and with --model relaxed "
        "intercept) and a list 'features' of objects with the fields of the CSV columns "
        "(feature as name, stable true or false)",
    )
    select.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the stability paths, each feature's selection probability against "
        "alpha, the stable features in colour, to FILE (.png, .svg or .pdf; needs "
        "matplotlib: pip install 'fastreg-cd[plot]')",
    )
    select.set_defaults(run=_run_select)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fastreg`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success; 2 on a usage or data error (a one-line message on stderr, no
        traceback); 130 when interrupted by Ctrl-C; 141 when stdout is a pipe whose reader
        has gone (as for SIGPIPE).
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
    try:
        _check_outputs(args)
        return args.run(args)
    except (_CommandError, DataError, MissingMatplotlibError) as error:
        # In the command's name, as argparse's own errors are (``fastreg fit: error: ...``).
        print(f"fastreg {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fastreg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout stopped (``fastreg path DATA | head``): not an error of ours.
        # Point stdout at /dev/null so that Python's final flush does not fail again.
        _silence_stdout()
        return 141


def _silence_stdout() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def _check_outputs(args: argparse.Namespace) -> None:
    """Check --out and --plot before any work, so that no fit is lost to a typo."""
    out = getattr(args, "out", None)
    if out is not None:
        allowed = (".csv", ".json") if args.command in ("fit", "select") else (".csv",)
        if os.path.splitext(out)[1].lower() not in allowed:
            raise _CommandError(f"--out {out}: the file name must end in "
                                f"{' or '.join(allowed)}")
        _check_directory(out, "--out")
    if args.plot is not None:
        require_matplotlib()
        from matplotlib.backend_bases import FigureCanvasBase

        extension = os.path.splitext(args.plot)[1].lower().lstrip(".")
        supported = FigureCanvasBase.get_supported_filetypes()
        if extension not in supported:
            raise _CommandError(f"--plot {args.plot}: the file name must end in .png, .svg, "
                                f".pdf or another format matplotlib writes "
                                f"({', '.join(sorted(supported))})")
        _check_directory(args.plot, "--plot")


@contextmanager
def _output_file(out: str) -> Iterator[TextIO]:
    """``out`` opened for writing text; a failure to write is a one-line error."""
    try:
        with open(out, "w", newline="", encoding="utf-8") as file:
            yield file
    except OSError as error:
        raise _CommandError(f"--out {out}: cannot write ({error.strerror})") from None


def _write_json(file: TextIO, document: dict) -> None:
    json.dump(document, file, indent=2)
    file.write("\n")


def _check_directory(path: str, option: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise _CommandError(f"{option} {path}: no such directory {directory}")
    if os.path.isdir(path):
        raise _CommandError(f"{option} {path}: is a directory")


# --- tasks: regression or classification ------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What ``fit`` and ``path`` predict, and why.

    ``y`` is the numeric target for regression, the labels -1 and +1 for classification
    (``classes`` are then the file's two values, the second the positive class); ``how``
    says whether the task was detected or given by --task; ``n_values`` counts the
    target's distinct values.
    """

    task: str
    y: np.ndarray
    classes: np.ndarray | None
    how: str
    n_values: int
    option: str = "--task"  # what chose the task or can override it: select's --model

    def describe(self) -> str:
        """The ``Task:`` line of a summary."""
        why = (self.option if self.how == "given"
               else f"detected: {self.n_values} distinct target "
                    f"value{'' if self.n_values == 1 else 's'}; {self.option} overrides")
        if self.task == "regression":
            return f"regression ({why})"
        negative, positive = (_label(value) for value in self.classes)
        n_positive = int(np.count_nonzero(self.y > 0))
        return (f"classification, P(y = {positive}) vs {negative}, {n_positive} of "
                f"{self.y.size} samples are {positive} ({why})")


def _label(value) -> str:
    """A class label as the file writes it: 1 rather than 1.0."""
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def _shown(values: np.ndarray, limit: int = 5) -> str:
    """The first ``limit`` distinct values of a target, for an error message."""
    text = ", ".join(repr(_label(value)) if isinstance(value, str) else _label(value)
                     for value in values[:limit])
    return text + (", ..." if values.size > limit else "")


def _target(data: Dataset, task: str, *, option: str = "--task",
            choice: str | None = None) -> _Target:
    """The task ``task`` ("auto", "regression" or "classification") of the data's target.

    "auto" is classification exactly when the target takes two values; words (from a CSV
    column or an .npz y of strings) can only be class labels. ``option`` and ``choice``
    (by default ``task``) name what asked for the task in a message, "--task regression" or
    "--model lasso".
    """
    y = data.y
    values = np.unique(y)
    words = y.dtype.kind in "US"
    how = "detected" if task == "auto" else "given"
    asked = f"{option} {task if choice is None else choice}"
    # The Task line names --task alone, as it always has, and select's --model with its model.
    shown_option = option if choice is None else asked
    if task == "regression" and words:
        raise _CommandError(f"{asked} needs a numeric target; {data.path} has "
                            f"labels that are words ({_shown(values)})")
    if task == "classification" or (task == "auto" and (values.size == 2 or words)):
        if values.size != 2:
            asked = asked if task == "classification" else "a target of words"
            where = {"npz": "its array 'y'", "csv": "its target column",
                     "svmlight": "its labels"}.get(data.format, "its target")
            raise _CommandError(
                f"{asked} needs exactly 2 classes (the logistic model is binary); "
                f"{data.path} has {values.size} distinct value"
                f"{'' if values.size == 1 else 's'} in {where} ({_shown(values)})")
        classes, labels = check_binary_labels(y, y.shape[0])
        return _Target("classification", labels, classes, how, 2, shown_option)
    return _Target("regression", y, None, how, int(values.size), shown_option)


def _check_classes_for_folds(target: _Target, n_folds: int, data: Dataset) -> None:
    """Stratified folds need each class in every test fold (ROC AUC needs both there)."""
    for sign, name in ((-1.0, target.classes[0]), (1.0, target.classes[1])):
        count = int(np.count_nonzero(target.y == sign))
        if count < n_folds:
            raise _CommandError(f"--cv {n_folds} needs at least {n_folds} samples of each "
                                f"class; {data.path} has {count} of class {_label(name)}")


# --- models, alpha grids, paths and cross-validation -------------------------------------------
# The fits are the library's (fastreg.path.walk_path, the folds of LassoCV and
# LogisticRegressionCV in fastreg.cv and fastreg._classifiers, Ridge): only the progress
# bar, the widened grid and the l2 grids are the command line's own.


@dataclass(frozen=True)
class _Spec:
    """The model the options of ``fit`` and ``path`` describe, for the task of the data."""

    penalty: str
    l1_ratio: float
    fit_intercept: bool
    positive: bool
    tol: float
    max_iter: int
    task: str = "regression"

    @property
    def classification(self) -> bool:
        return self.task == "classification"

    @property
    def ridge(self) -> bool:
        """Ridge regression: solved by the Ridge estimator, on its own alpha scale."""
        return self.penalty == "l2" and not self.classification

    @property
    def grid_ratio(self) -> float:
        """The l1_ratio whose alpha_max starts the path (not Ridge's)."""
        return _L2_GRID_RATIO if self.penalty == "l2" else self.l1_ratio

    @property
    def name(self) -> str:
        return (_LOGISTIC_NAMES if self.classification else _PENALTY_NAMES)[self.penalty]

    def describe(self) -> str:
        text = self.name
        if self.penalty == "elasticnet":
            text += f", l1_ratio={self.l1_ratio:g}"
        text += ", with an intercept" if self.fit_intercept else ", no intercept"
        return text + (", coefficients >= 0" if self.positive else "")

    def walk_options(self) -> dict:
        """The keywords of every l1 and elasticnet walk: LassoCV's (so that ``fit --cv``
        chooses its alpha), with covariance updates left to the engine, cyclic order."""
        return {"precompute": "auto", "positive": self.positive, "tol": self.tol,
                "max_iter": self.max_iter, "seed": -1}


def _spec(args: argparse.Namespace) -> _Spec:
    if args.l1_ratio is not None and args.penalty != "elasticnet":
        raise _CommandError(f"--l1-ratio applies to --penalty elasticnet, not "
                            f"--penalty {args.penalty}")
    l1_ratio = {"l1": 1.0, "l2": 0.0}.get(args.penalty, args.l1_ratio or 0.5)
    return _Spec(args.penalty, l1_ratio, args.fit_intercept, args.positive, args.tol,
                 args.max_iter)


@dataclass(frozen=True)
class _Inputs:
    """X and y of one command (y: the labels -1 and +1 for classification). Except for
    Ridge, ``problem`` is the data validated once, shared by the grid, the path, the folds'
    rows and the final fit, and ``X`` is its canonical X; Ridge's estimator validates X
    itself (``problem`` is None)."""

    X: object
    y: np.ndarray
    problem: Problem | None


def _inputs(X, y: np.ndarray, spec: _Spec) -> _Inputs:
    if spec.ridge:
        return _Inputs(X, y, None)
    try:
        problem = make_problem(X, y, fit_intercept=spec.fit_intercept,
                               loss="logistic" if spec.classification else "squared")
    except ValueError as error:  # data the engine cannot fit: values that overflow float64
        raise _CommandError(str(error)) from None
    return _Inputs(problem.X, y, problem)


def _ridge_scale(X, fit_intercept: bool) -> float:
    """The mean non-zero eigenvalue of ``X_c^T X_c``: trace over rank (X centered or not).
    The trace is the engine's centered column norms (two passes: ``sum x^2 - n m^2`` lost
    every digit on a column far from zero)."""
    design = make_problem(X, np.zeros(X.shape[0]), fit_intercept=fit_intercept).design
    trace = float(design.col_sqnorm.sum())
    scale = trace / min(X.shape)
    return scale if scale > 0 else 1.0


def _alpha_grid(inputs: _Inputs, spec: _Spec, n_alphas: int, eps: float,
                include: float | None = None) -> np.ndarray:
    """The path's alphas, decreasing; the grid is widened to reach ``include`` if given.

    l1 and elasticnet take fastreg's grid (:func:`fastreg.path.alpha_grid`, that of
    :func:`fastreg.enet_path`, LassoCV and LogisticRegressionCV), from alpha_max down to
    ``eps * alpha_max``; l2 logistic regression the same grid for ``l1_ratio=1e-3``; Ridge
    spans 1e2 to 1e-4 times the mean eigenvalue of ``X^T X``.
    """
    if spec.ridge:
        scale = _ridge_scale(inputs.X, spec.fit_intercept)
        high, low = _RIDGE_SPAN[0] * scale, _RIDGE_SPAN[1] * scale
    else:
        grid = alpha_grid(inputs.problem, spec.grid_ratio, eps, n_alphas,
                          positive=spec.positive)
        if include is None or grid[-1] <= include <= grid[0]:
            return grid
        if grid[0] == grid[-1]:
            # y is constant or orthogonal to every feature: w = 0 at any alpha, and the
            # library's grid is a placeholder that need not reach past include.
            return np.full(n_alphas, include)
        high, low = grid[0], grid[-1]
    if include is not None:
        high, low = max(high, include), min(low, include)
    return np.geomspace(high, low, n_alphas)


class _RidgeStep(NamedTuple):
    """One alpha of a Ridge path, read as a SolveResult is. No duality gap; converged, as a
    Ridge fit that stops early warns by itself."""

    coef: np.ndarray
    intercept: float
    alpha: float
    dual_gap: None = None
    converged: bool = True


def _ridge_steps(X, y, alphas, spec) -> Iterator[_RidgeStep]:
    """The Ridge fit of each alpha: dense data in one eigendecomposition for every alpha,
    sparse data (and ``positive``) alpha by alpha."""
    one_fit = (not sp.issparse(X) and not spec.positive
               and X.shape[0] * alphas.size <= _RIDGE_ONE_FIT_MAX_ENTRIES)
    if one_fit:
        targets = np.repeat(y[:, np.newaxis], alphas.size, axis=1)
        model = Ridge(alphas, fit_intercept=spec.fit_intercept, solver="eigen")
        model.fit(X, targets)
        intercepts = np.broadcast_to(model.intercept_, alphas.shape)
        for k in range(alphas.size):
            yield _RidgeStep(model.coef_[k], float(intercepts[k]), float(alphas[k]))
        return
    for alpha in alphas:
        model = Ridge(float(alpha), fit_intercept=spec.fit_intercept, positive=spec.positive)
        if spec.positive:
            model.set_params(tol=spec.tol, max_iter=spec.max_iter)
        model.fit(X, y)
        yield _RidgeStep(model.coef_, float(model.intercept_), float(alpha))


def _each_alpha(steps: Iterable, progress: Progress) -> Iterator:
    """The fits of a path as they come, the progress bar advanced by one for each.

    The engine's walk only reports a fit that stopped at --max-iter: it is warned about here,
    as by :func:`fastreg.iter_enet_path`, for :class:`_ConvergenceCount` to count.
    """
    for step in steps:
        warn_if_not_converged(step, step.alpha)
        progress.advance()
        yield step


@dataclass
class _Path:
    """A computed path, keeping only the features that are non-zero somewhere on it."""

    alphas: np.ndarray
    features: np.ndarray  # column indices, in the order the features enter the path
    coefs: np.ndarray  # (features.size, n_alphas)
    intercepts: np.ndarray
    n_nonzero: np.ndarray
    gaps: np.ndarray | None


def _compute_path(inputs: _Inputs, alphas: np.ndarray, spec: _Spec,
                  progress: Progress) -> _Path:
    """The whole path, advancing ``progress`` by one step per alpha.

    All but Ridge walk the grid with one solver state (:func:`fastreg.path.walk_path`, that
    of :func:`fastreg.enet_path` and :func:`fastreg.logistic_path`), each alpha
    warm-started from the previous one; Ctrl-C stops it between two alphas.
    """
    if spec.ridge:
        steps = _ridge_steps(inputs.X, inputs.y, alphas, spec)
    else:
        steps = walk_path(inputs.problem, alphas, spec.l1_ratio, **spec.walk_options())
    columns: list[tuple[np.ndarray, np.ndarray]] = []
    intercepts, gaps = np.empty(alphas.size), np.empty(alphas.size)
    for k, step in enumerate(_each_alpha(steps, progress)):
        support = np.flatnonzero(step.coef)
        columns.append((support, step.coef[support]))
        intercepts[k] = step.intercept
        gaps[k] = np.nan if step.dual_gap is None else step.dual_gap
    n_nonzero = np.array([support.size for support, _ in columns])
    active = np.unique(np.concatenate([support for support, _ in columns]))
    coefs = np.zeros((active.size, alphas.size))
    for k, (support, values) in enumerate(columns):
        coefs[np.searchsorted(active, support), k] = values
    # Features in the order they enter (the first alpha at which each is non-zero), ties
    # broken by the size of their coefficient at the last alpha.
    entered = np.argmax(coefs != 0, axis=1)
    order = np.lexsort((-np.abs(coefs[:, -1]), entered))
    features, coefs = active[order], coefs[order]
    return _Path(alphas, features, coefs, intercepts, n_nonzero, None if spec.ridge else gaps)


class _Step(NamedTuple):
    """One alpha of a fold's path, as :func:`fastreg._classifiers._path_scores` reads it."""

    coef: np.ndarray
    intercept: float
    converged: bool


@dataclass
class _CV:
    """Each fold's test scores along its path.

    ``loss``, of shape (n_alphas, n_folds), chooses alpha: the mean squared error for
    regression, the log-loss (minus the mean log-likelihood) for classification. For
    classification ``folds`` keeps each fold's test rows and the non-zero coefficients of
    its path, so that the accuracy and ROC AUC of the chosen alpha can be scored once it is
    known: scikit-learn's ROC AUC of every alpha of every fold would take longer than the
    paths themselves.
    """

    loss: np.ndarray
    folds: list[tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, float]]]] | None = None

    def scores_at(self, index: int, inputs: _Inputs, scoring: str) -> np.ndarray:
        """The score ``scoring`` of each fold's fit at ``grid[index]``, on its test rows."""
        values = []
        for test, path in self.folds:
            support, nonzero, intercept = path[index]
            coef = np.zeros(inputs.X.shape[1])
            coef[support] = nonzero
            values.append(_path_scores([_Step(coef, intercept, True)], inputs.X, inputs.y,
                                       None, test, scoring)[0][0])
        return np.array(values)


def _cross_validate(inputs: _Inputs, alphas: np.ndarray, spec: _Spec, n_folds: int,
                    seed: int, progress: Progress) -> _CV:
    """Each fold's test scores along its warm-started path.

    The folds, each fold's path and its test errors are those of :class:`fastreg.LassoCV`
    and :class:`fastreg.ElasticNetCV` with ``cv=KFold(n_folds, shuffle=True,
    random_state=seed)``, and for classification those of
    :class:`fastreg.LogisticRegressionCV` with ``cv=StratifiedKFold(n_folds, shuffle=True,
    random_state=seed)`` (its fold paths, scored by its ``_path_scores``; tests check that
    each chooses the same alpha); the folds are walked here one after the other, in this
    process, so that the progress bar follows each fold alpha by alpha and Ctrl-C stops
    between two alphas.
    """
    splitter = (StratifiedKFold if spec.classification else KFold)(
        n_folds, shuffle=True, random_state=seed)
    loss, folds = np.empty((alphas.size, n_folds)), []
    for fold, (train, test) in enumerate(splitter.split(inputs.y, inputs.y)):
        progress.advance(0, label=f"CV fold {fold + 1}/{n_folds}")
        if spec.ridge:
            steps = _ridge_steps(take_rows(inputs.X, train), inputs.y[train], alphas, spec)
        else:
            # LogisticRegressionCV fits a fold at the same C, its loss summed over its own
            # rows: on the mean-loss scale the fold's alphas are larger by n / n_train.
            fold_alphas = alphas * (inputs.y.size / train.size) if spec.classification else alphas
            steps = _fold_path(inputs.X, inputs.y, None, train, fold_alphas, spec.l1_ratio,
                               fit_intercept=spec.fit_intercept, penalty_factor=None,
                               loss="logistic" if spec.classification else "squared",
                               **spec.walk_options())
        # The fits that did not converge are counted by their warnings (_each_alpha).
        if not spec.classification:
            loss[:, fold], _ = _test_mse(_each_alpha(steps, progress), inputs.X, inputs.y,
                                         None, test)
            continue
        # _fold_scores' scoring of its path, which is also kept (its non-zeros only).
        results = list(_each_alpha(steps, progress))
        likelihood, _ = _path_scores(results, inputs.X, inputs.y, None, test, "neg_log_loss")
        loss[:, fold] = -likelihood
        folds.append((test, [_compact(result) for result in results]))
    return _CV(loss, folds if spec.classification else None)


def _compact(result) -> tuple[np.ndarray, np.ndarray, float]:
    """A fit as its support, non-zero coefficients and intercept."""
    support = np.flatnonzero(result.coef)
    return support, result.coef[support], float(result.intercept)


@dataclass
class _Fit:
    """The final fit at the chosen alpha."""

    coef: np.ndarray
    intercept: float
    dual_gap: float | None
    gap_tol: float | None
    n_iter: int | None
    converged: bool
    solver: str


def _final_fit(inputs: _Inputs, spec: _Spec, grid: np.ndarray, index: int) -> _Fit:
    """The fit at ``grid[index]`` on all the data.

    All but Ridge walk ``grid`` down to it, warm-started, as the final fits of LassoCV and
    LogisticRegressionCV do (a given alpha is a grid of one); Ridge fits that alpha alone.
    """
    alpha = float(grid[index])
    if spec.ridge:
        model = Ridge(alpha, fit_intercept=spec.fit_intercept, positive=spec.positive)
        if spec.positive:
            model.set_params(tol=spec.tol, max_iter=spec.max_iter)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(inputs.X, inputs.y)
        n_iter = None if model.n_iter_ is None else int(np.max(model.n_iter_))
        solver = _RIDGE_SOLVERS.get(model.solver_, model.solver_)
        return _Fit(np.asarray(model.coef_), float(model.intercept_), None, None, n_iter,
                    not caught, solver)
    result = _walk_to(inputs.problem, grid, index, spec.l1_ratio, **spec.walk_options())
    warn_if_not_converged(result, alpha)
    return _Fit(result.coef, result.intercept, result.dual_gap, result.gap_tol,
                result.n_iter, result.converged, "coordinate descent")


class _ConvergenceCount:
    """Count the ConvergenceWarnings raised inside (fits stopped at max_iter), show others."""

    def __enter__(self) -> _ConvergenceCount:
        self.count = 0
        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc_info) -> None:
        self._catcher.__exit__(*exc_info)
        for w in self._caught:
            if issubclass(w.category, ConvergenceWarning):
                self.count += 1
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)

    def note(self, total: int) -> str | None:
        """A line saying how many of ``total`` fits stopped early, None if none did."""
        if not self.count:
            return None
        return (f"({self.count} of {total} fits stopped at --max-iter before reaching --tol; "
                "raise --max-iter, or --tol, for a certified solution.)")


# --- fastreg demo ------------------------------------------------------------------------------


@dataclass
class _Row:
    model: str
    alpha: float
    coef: np.ndarray
    test_r2: float
    fit_ms: float


@dataclass
class _SelectionRow(_Row):
    """A model of the demo's "Which features are real?" table, with the fitted estimator
    whose attributes (the chosen gamma, the bound on false positives) the table's notes
    report."""

    estimator: object = None


@dataclass
class _ClassRow:
    """A logistic model of the demo: its C and coefficients, and its test scores."""

    model: str
    alpha: float
    C: float
    coef: np.ndarray
    accuracy: float
    roc_auc: float
    log_loss: float
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
        selection_rows = _selection_rows(X_train, y_train, X_test, y_test, args.seed)
        # The same X and true coefficients (make_correlated_classification draws them as
        # make_correlated_regression does), the target a class label.
        _, labels, _ = make_correlated_classification(
            args.n_samples, args.n_features, args.n_informative, rho=args.rho,
            random_state=args.seed)
        class_rows = _classification_rows(X_train, labels[:n_train], X_test, labels[n_train:],
                                          n_fit)
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
    print()
    _print_selection(selection_rows, coef_true, n_train)
    print()
    _print_classification(class_rows, coef_true, labels[:n_train])
    if n_unconverged:
        print(f"({n_unconverged} fits stopped at max_iter before reaching tol.)")
    if args.plot is not None:
        _plot_demo(args.plot, X_train, y_train, rows, coef_true)
        print(f"Wrote the three coefficient paths to {args.plot}")
    return 0


def _select_l1_alpha(X_fit, y_fit, X_val, y_val, l1_ratio: float) -> float:
    """The alpha of a warm-started path that predicts the validation samples best."""
    steps = iter_enet_path(X_fit, y_fit, l1_ratio=l1_ratio, eps=_PATH_EPS, n_alphas=_N_ALPHAS,
                           fit_intercept=True)
    alphas, errors = [], []
    for step in steps:
        residual = X_val @ step.coef + step.intercept - y_val
        alphas.append(step.alpha)
        errors.append(float(residual @ residual) / residual.size)
    return float(alphas[int(np.argmin(errors))])


def _classification_rows(X_train, y_train, X_test, y_test, n_fit: int) -> list[_ClassRow]:
    """L1 and Elastic Net logistic regression of the 0/1 labels, each alpha chosen by the
    log-loss of the validation samples (the training rows after the first ``n_fit``), as
    for regression; none when the fitting or the training samples hold one class only."""
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    if min(np.unique(y_train[:n_fit]).size, np.unique(y_train).size) < 2:
        return []
    # The validation scores are LogisticRegressionCV's (on -1/+1 labels).
    signs = np.where(y_train == 1, 1.0, -1.0)
    validation = np.arange(n_fit, y_train.size)
    rows = []
    for name, l1_ratio in (("L1-logistic", 1.0), ("EN-logistic", 0.5)):
        steps = list(iter_logistic_path(X_train[:n_fit], y_train[:n_fit], l1_ratio=l1_ratio,
                                        eps=_PATH_EPS, n_alphas=_N_ALPHAS))
        likelihood, _ = _path_scores(steps, X_train, signs, None, validation, "neg_log_loss")
        alpha = float(steps[int(np.argmax(likelihood))].alpha)
        C = 1.0 / (alpha * y_train.size)
        model = LogisticRegression(C, l1_ratio=l1_ratio)
        # As in _fit_row: the first fit loads the kernels, the second is timed.
        model.fit(X_train, y_train)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_ms = 1e3 * (time.perf_counter() - start)
        probability = model.predict_proba(X_test)[:, 1]
        auc = (roc_auc_score(y_test, probability) if np.unique(y_test).size == 2
               else float("nan"))  # undefined for a test half of one class
        rows.append(_ClassRow(name, alpha, C, model.coef_[0].copy(),
                              accuracy_score(y_test, model.predict(X_test)), auc,
                              log_loss(y_test, probability, labels=[0, 1]), fit_ms))
    return rows


def _print_classification(rows: list[_ClassRow], coef_true: np.ndarray,
                          y_train: np.ndarray) -> None:
    n_ones = int(np.count_nonzero(y_train))
    print(textwrap.fill(
        f"Classification: the same features, a class label y ~ Bernoulli(sigmoid(X w_true)) "
        f"({n_ones} of {y_train.size} training samples are 1); L1 and Elastic Net logistic "
        "regression, each alpha chosen by its validation log-loss.", _DEMO_WIDTH))
    if not rows:
        print("(Not fitted: the fitting or training samples hold a single class; raise "
              "--n-samples.)")
        return
    print()
    true = coef_true != 0
    header = (
        f"{'model':<11} {'alpha':>9} {'non-zeros':>9} {'true pos':>8} {'false pos':>9} "
        f"{'test acc':>8} {'test AUC':>8} {'test log-loss':>13} {'fit (ms)':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        selected = row.coef != 0
        print(
            f"{row.model:<11} {row.alpha:>9.3g} {int(selected.sum()):>9d} "
            f"{int((selected & true).sum()):>8d} {int((selected & ~true).sum()):>9d} "
            f"{row.accuracy:>8.3f} {row.roc_auc:>8.3f} {row.log_loss:>13.3f} "
            f"{row.fit_ms:>8.1f}"
        )
    l1, en = rows
    k = int(true.sum())
    found = [(int(np.count_nonzero((row.coef != 0) & true)), int(np.count_nonzero(row.coef)))
             for row in rows]
    print()
    print(textwrap.fill(
        f"L1 selects features for a class label too: {found[0][0]} of {k} true features "
        f"found with {found[0][1]} non-zeros (alpha {l1.alpha:.3g} on the mean log-loss "
        f"scale is scikit-learn's LogisticRegression(C={l1.C:.3g})). The Elastic Net again "
        f"keeps correlated features together: {found[1][0]} of {k} found with "
        f"{found[1][1]} non-zeros (C={en.C:.3g}).", _DEMO_WIDTH))


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
    width = max(11, *(len(row.model) for row in rows))  # the first column fits every name
    header = (
        f"{'model':<{width}} {'alpha':>9} {'non-zeros':>9} {'true pos':>8} {'false pos':>9} "
        f"{'test R^2':>8} {'fit (ms)':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        selected = row.coef != 0
        print(
            f"{row.model:<{width}} {row.alpha:>9.3g} {int(selected.sum()):>9d} "
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


def _selection_rows(X_train, y_train, X_test, y_test, seed: int) -> list[_SelectionRow]:
    """The models of "Which features are real?", each fitted on the training samples with
    its defaults (5 folds, named here because the text quotes them) and, for stability
    selection's subsamples, the demo's seed."""
    # The adaptive Lasso twice: its default first estimate (ridge) and the Lasso's, which
    # leaves the features the Lasso drops out of the second fit.
    models = (("LassoCV", LassoCV(cv=_DEFAULT_FOLDS)),
              ("RelaxedLassoCV", RelaxedLassoCV(cv=_DEFAULT_FOLDS)),
              ("Adaptive-ridge", AdaptiveLassoCV(cv=_DEFAULT_FOLDS)),
              ("Adaptive-lasso", AdaptiveLassoCV(init="lasso", cv=_DEFAULT_FOLDS)))
    rows = []
    for name, model in models:
        # As in _fit_row: the first fit loads (or compiles) the kernels, the second is timed.
        model.fit(X_train, y_train)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_ms = 1e3 * (time.perf_counter() - start)
        rows.append(_SelectionRow(name, model.alpha_, np.asarray(model.coef_),
                                  model.score(X_test, y_test), fit_ms, model))
    rows.append(_stability_row(X_train, y_train, X_test, y_test, seed))
    return rows


def _stability_row(X_train, y_train, X_test, y_test, seed: int) -> _SelectionRow:
    """StabilitySelection with its defaults; a selector predicts nothing, so the stable
    features are refit by least squares (as ``fastreg select --model relaxed`` does) and the
    refit is scored on the test samples. Its alpha is the end of its region, alpha_min_."""
    from sklearn.metrics import r2_score

    # Every subsample runs the same Lasso path code, so one pair of halves loads the kernels;
    # a whole untimed fit, as _fit_row does, would cost as much as the timed one.
    StabilitySelection(n_resampling=1, random_state=seed).fit(X_train, y_train)
    selector = StabilitySelection(random_state=seed)
    start = time.perf_counter()
    selector.fit(X_train, y_train)
    stable = np.flatnonzero(selector.support_)
    refit = _least_squares(X_train, y_train, stable, fit_intercept=True)
    fit_ms = 1e3 * (time.perf_counter() - start)
    test_r2 = r2_score(y_test, X_test[:, stable] @ refit.coef + refit.intercept)
    return _SelectionRow("StabilitySelection", selector.alpha_min_,
                         _refit_coefficients(refit, selector), test_r2, fit_ms, selector)


def _print_selection(rows: list[_SelectionRow], coef_true: np.ndarray, n_train: int) -> None:
    by_model = {row.model: row for row in rows}
    relaxed = by_model["RelaxedLassoCV"].estimator
    selector = by_model["StabilitySelection"].estimator
    print(textwrap.fill(
        f"Which features are real? The same {n_train} training samples, each model choosing "
        f"its own parameters: LassoCV (alpha by {_DEFAULT_FOLDS}-fold cross-validation), "
        f"RelaxedLassoCV (alpha and gamma, {_DEFAULT_FOLDS}-fold), AdaptiveLassoCV (penalty "
        f"alpha/|w_j|, w a first estimate by ridge, its default, or by the Lasso, "
        f"init=\"lasso\"; alpha {_DEFAULT_FOLDS}-fold) and StabilitySelection (its "
        f"defaults: the Lasso path on both halves of {selector.n_resampling} random splits, "
        f"a feature kept when selected on at least {selector.threshold:g} of the "
        f"{selector.n_subsamples_} halves; test R^2 of least squares on the kept features).",
        _DEMO_WIDTH))
    print()
    _print_table(rows, coef_true)
    print()
    print(f"RelaxedLassoCV chose gamma {relaxed.gamma_:g} (1 is the Lasso, 0 least squares on "
          f"the Lasso's support).")
    print(textwrap.fill(_stability_note(selector), _DEMO_WIDTH))
    print()
    print(textwrap.fill(_selection_explanation(rows, coef_true), _DEMO_WIDTH))


def _stability_note(selector) -> str:
    """Where stability selection's region ends and the bound on false positives it gives."""
    if selector.n_region_alphas_ == 0:
        return (f"StabilitySelection's region is empty: from alpha_max on, the bound on "
                f"expected false positives exceeds pfer={selector.pfer:g}.")
    return (
        f"StabilitySelection's alpha is alpha_min, the end of its region ("
        f"{selector.n_region_alphas_} of {selector.alphas_.size} alphas from alpha_max "
        f"{selector.alphas_[0]:.3g}): there q = {selector.q_:.3g} features are selected per "
        f"subsample, which bounds the expected false positives among the stable ones by "
        f"q^2 / ((2 threshold - 1) n_features) = {selector.pfer_:.3g}."
    )


def _selection_explanation(rows: list[_SelectionRow], coef_true: np.ndarray) -> str:
    """What the table says, in its own numbers, to whoever wants the true features."""
    true = coef_true != 0
    k = int(true.sum())
    by_model = {row.model: row for row in rows}
    counts = {row.model: (int(np.count_nonzero((row.coef != 0) & true)),
                          int(np.count_nonzero((row.coef != 0) & ~true))) for row in rows}

    def found(model: str) -> str:
        tp, fp = counts[model]
        return f"{tp} true, {fp} false"

    lasso, relaxed = by_model["LassoCV"], by_model["RelaxedLassoCV"]
    if relaxed.estimator.gamma_ == 1:  # the Lasso itself, no refit
        relaxing = "RelaxedLassoCV keeps the Lasso (gamma 1)"
    else:
        relaxing = "RelaxedLassoCV refits what it selects with less shrinkage"
        if relaxed.alpha > lasso.alpha:
            relaxing += (f", so cross-validation picks a {relaxed.alpha / lasso.alpha:.2g} "
                         f"times larger alpha")
    (tp_l, fp_l), (tp_r, fp_r) = counts["LassoCV"], counts["RelaxedLassoCV"]
    tp_s = counts["StabilitySelection"][0]
    missed = f", {k - tp_s} missed" if tp_s < k else ""
    # The relaxed Lasso is the other list worth reading when it finds more true features
    # than stability selection and no more false ones than the Lasso.
    fewer_misses = ("; for fewer misses, from RelaxedLassoCV"
                    if tp_r > tp_s and fp_r <= fp_l else "")
    bound = by_model["StabilitySelection"].estimator.pfer_
    lead = "The alpha that predicts best" + (" keeps false features" if fp_l else "")
    return (
        f"{lead}: LassoCV, {tp_l} of {k} true and {fp_l} false. {relaxing}: "
        f"{found('RelaxedLassoCV')}; the adaptive Lasso depends on its first estimate "
        f"({counts['Adaptive-ridge'][1]} false from ridge, {counts['Adaptive-lasso'][1]} from "
        f"the Lasso). StabilitySelection: {found('StabilitySelection')} (at most {bound:.2g} "
        f"expected, its bound){missed}. For features you can trust, read them from stability "
        f"selection{fewer_misses}."
    )


def _plot_demo(out: str, X_train: np.ndarray, y_train: np.ndarray, rows: list[_Row],
               coef_true: np.ndarray) -> None:
    """The paths of the three models side by side, true features coloured by group."""
    from .plotting import new_figure, plot_path, save_figure

    true = np.flatnonzero(coef_true)
    # Adjacent true features form the correlated groups of the simulation.
    groups = np.split(true, np.flatnonzero(np.diff(true) > 1) + 1) if true.size else []
    chosen = {row.model: row.alpha for row in rows}
    figure, axes = new_figure(3, size=(15.0, 4.6))
    panels = (("Lasso", "l1", 1.0, "L1 (Lasso): selects, one of a correlated group"),
              ("ElasticNet", "elasticnet", 0.5, "Elastic Net: keeps correlated groups"),
              ("Ridge", "l2", 0.0, "L2 (Ridge): shrinks all, selects none"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for ax, (model, penalty, l1_ratio, title) in zip(axes, panels, strict=True):
            spec = _Spec(penalty, l1_ratio, True, False, 1e-4, 1000)
            inputs = _inputs(X_train, y_train, spec)
            alphas = _alpha_grid(inputs, spec, _DEMO_PLOT_ALPHAS, _PATH_EPS,
                                 include=chosen[model])
            path = _compute_path(inputs, alphas, spec,
                                 Progress(alphas.size, model, enabled=False))
            # Map the true groups (columns of X) to rows of the path's coefficients.
            position = {int(j): k for k, j in enumerate(path.features)}
            rows_of = [[position[int(j)] for j in group if int(j) in position]
                       for group in groups]
            plot_path(path.alphas, path.coefs, alpha=chosen[model], ax=ax,
                      groups=[g for g in rows_of if g], max_features=30, title=title,
                      groups_label="true features (a colour per group)")
    figure.suptitle("Coefficient paths on the demo problem (dashed: the alpha chosen)")
    save_figure(figure, out)


# --- fastreg fit -------------------------------------------------------------------------------


def _run_fit(args: argparse.Namespace) -> int:
    spec = _spec(args)
    start = time.perf_counter()
    data = load_data(args.data, format=args.format, target=args.target, text_labels=True)
    load_s = time.perf_counter() - start
    target = _target(data, args.task)
    spec = replace(spec, task=target.task)
    n_folds = None if args.alpha is not None else (args.cv or _DEFAULT_FOLDS)
    if n_folds is not None and n_folds > data.n_samples:
        raise _CommandError(f"--cv {n_folds} needs at least {n_folds} samples; {data.path} "
                            f"has {data.n_samples}")
    if spec.classification and n_folds is not None:
        _check_classes_for_folds(target, n_folds, data)
    start = time.perf_counter()
    alphas = cv = path = None
    with _ConvergenceCount() as unconverged:
        inputs = _inputs(data.X, target.y, spec)
        n_fits = 1
        if n_folds is None:
            grid, index = np.array([float(args.alpha)]), 0
        else:
            alphas = _alpha_grid(inputs, spec, args.n_alphas, args.eps)
            with Progress(n_folds * alphas.size, "CV", enabled=not args.quiet) as bar:
                cv = _cross_validate(inputs, alphas, spec, n_folds, args.seed, bar)
            # The rule of LassoCV and LogisticRegressionCV, on their layout:
            # (l1_ratio, fold, alpha).
            grid, index = alphas, _choose(cv.loss.T[np.newaxis], args.rule)[1]
            n_fits += cv.loss.size
        alpha = float(grid[index])
        fit = _final_fit(inputs, spec, grid, index)
        metrics = _metrics(inputs, spec, fit, cv, index)
        fit_s = time.perf_counter() - start
        if args.plot is not None and cv is None:
            alphas = _alpha_grid(inputs, spec, args.n_alphas, args.eps, include=alpha)
            with Progress(alphas.size, "path", enabled=not args.quiet) as bar:
                path = _compute_path(inputs, alphas, spec, bar)
            n_fits += alphas.size

    _print_fit_summary(args, data, target, spec, alpha, alphas, cv, metrics, fit, load_s,
                       fit_s)
    note = unconverged.note(n_fits)
    if note:
        print(note)
    if args.out is not None:
        chosen_by = ("given" if n_folds is None
                     else f"{n_folds}-fold cross-validation, rule {args.rule}")
        count = _write_selected(args.out, data, target, spec, alpha, chosen_by, fit, metrics)
        print(f"Wrote {count} selected features to {args.out}")
    if args.plot is not None:
        from .plotting import new_figure, plot_cv, plot_path, save_figure

        title = f"{spec.name}: {os.path.basename(data.path)}"
        if cv is not None:
            figure, (ax,) = new_figure()
            plot_cv(alphas, cv.loss, alpha=alpha, title=title, ax=ax)
            if spec.classification:
                ax.set_ylabel("test log-loss")
            save_figure(figure, args.plot)
        else:
            plot_path(path.alphas, path.coefs, alpha=alpha,
                      feature_names=data.names(path.features), title=title, out=args.plot)
        print(f"Wrote the {'cross-validation curve' if cv is not None else 'path'} to "
              f"{args.plot}")
    return 0


@dataclass
class _Metrics:
    """How well the final fit predicts: on the test folds (the means over the folds, at the
    chosen alpha) or on the training samples, which flatter it."""

    on: str  # "cross-validation" or "training"
    values: dict[str, float]  # log_loss, accuracy, roc_auc; or mse


def _metrics(inputs: _Inputs, spec: _Spec, fit: _Fit, cv: _CV | None, index: int) -> _Metrics:
    if cv is not None:
        if spec.classification:
            values = {"log_loss": cv.loss[index].mean(),
                      "accuracy": cv.scores_at(index, inputs, "accuracy").mean(),
                      "roc_auc": cv.scores_at(index, inputs, "roc_auc").mean()}
        else:
            values = {"mse": cv.loss[index].mean()}
        return _Metrics("cross-validation", {k: float(v) for k, v in values.items()})
    every = np.arange(inputs.y.size)
    if spec.classification:
        # LogisticRegressionCV's scores, on all the samples: the same definitions as above.
        scores = {name: float(_path_scores([fit], inputs.X, inputs.y, None, every, name)[0][0])
                  for name in _SCORINGS}
        return _Metrics("training", {"log_loss": -scores["neg_log_loss"],
                                     "accuracy": scores["accuracy"],
                                     "roc_auc": scores["roc_auc"]})
    mse, _ = _test_mse([fit], inputs.X, inputs.y, None, every)
    return _Metrics("training", {"mse": float(mse[0])})


def _selected_order(coef: np.ndarray) -> np.ndarray:
    """Indices of the non-zero coefficients, largest |coefficient| first."""
    support = np.flatnonzero(coef)
    return support[np.argsort(-np.abs(coef[support]), kind="stable")]


def _print_fit_summary(args, data: Dataset, target: _Target, spec: _Spec, alpha: float,
                       alphas, cv: _CV | None, metrics: _Metrics, fit: _Fit, load_s: float,
                       fit_s: float) -> None:
    print(f"Data:      {data.describe()}")
    print(f"Task:      {target.describe()}")
    print(f"Model:     {spec.describe()}")
    if cv is None:
        print(f"Alpha:     {alpha:.6g} (given)")
    else:
        k = int(np.argmin(np.abs(alphas - alpha)))
        edge = ""
        if k == alphas.size - 1:
            edge = ("; the smallest alpha of the grid" if spec.ridge
                    else "; the end of the path: --eps extends it")
        elif k == 0:
            baseline = "the class frequencies" if spec.classification else "the mean"
            edge = ("; the largest alpha of the grid" if spec.ridge
                    else f"; alpha_max: no feature predicts better than {baseline}")
        rule = " (1se rule)" if args.rule == "1se" else ""
        error = "log-loss" if spec.classification else "MSE"
        folds = "stratified " if spec.classification else ""
        print(f"Alpha:     {alpha:.6g}, chosen by {cv.loss.shape[1]}-fold {folds}"
              f"cross-validation{rule} over {alphas.size} alphas (mean test {error} "
              f"{cv.loss[k].mean():.6g}{edge})")
    if spec.classification:
        print(f"C:         {_inverse_c(alpha, data.n_samples):.6g} (scikit-learn's "
              f"LogisticRegression C: 1 / (alpha n_samples))")
        values = metrics.values
        where = ("means over the test folds at that alpha" if metrics.on == "cross-validation"
                 else "on the training samples, which flatter the model; --cv estimates them "
                      "on held-out folds")
        key = "CV:      " if metrics.on == "cross-validation" else "Training:"
        print(f"{key}  log-loss {values['log_loss']:.4g}, accuracy {values['accuracy']:.4g}, "
              f"ROC AUC {values['roc_auc']:.4g} ({where})")
    order = _selected_order(fit.coef)
    print(f"Selected:  {order.size} of {data.n_features} features (non-zero coefficients)")
    if fit.dual_gap is not None:
        status = ("converged" if fit.converged
                  else "NOT converged: raise --max-iter or --tol")
        print(f"Gap:       duality gap {fit.dual_gap:.3g} (tolerance {fit.gap_tol:.3g}), "
              f"{status} in {fit.n_iter} epochs")
    else:
        status = "" if fit.converged else ", NOT converged: raise --max-iter"
        print(f"Gap:       none to report: Ridge is solved by {fit.solver}{status}")
    if spec.fit_intercept:
        print(f"Intercept: {fit.intercept:.6g}")
    selection = " (cross-validation and final fit)" if cv is not None else ""
    print(f"Time:      {fit_s:.3g} s to fit{selection}, {load_s:.3g} s to load")
    shown = order[: args.top]
    if shown.size:
        print()
        print(f"Top {shown.size} of {order.size} selected features by |coefficient|:")
        _print_ranked(data.names(shown), {"coefficient": fit.coef[shown]})


def _print_ranked(names: Sequence[str], columns: dict[str, np.ndarray]) -> None:
    """A table of features, one line each: rank, name, then the value of each column."""
    width = max(7, *(len(name) for name in names))
    print(f"{'rank':>5}  {'feature':<{width}}" + "".join(f"  {head:>12}" for head in columns))
    for k, name in enumerate(names):
        cells = "".join(f"  {values[k]:>12.6g}" for values in columns.values())
        print(f"{k + 1:>5}  {name:<{width}}{cells}")


def _inverse_c(alpha: float, n_samples: int) -> float:
    """scikit-learn's C of a mean-loss alpha, computed as LogisticRegressionCV's ``C_``."""
    return 1.0 / (alpha * float(n_samples))


def _json_value(value):
    """A class label as JSON holds it: a number as a number (1 rather than 1.0)."""
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else float(value)
    return str(value)


def _data_fields(data: Dataset, spec: _Spec) -> dict:
    """The first fields of a JSON output: the data file, its shape and the task."""
    return {"data": data.path, "n_samples": data.n_samples, "n_features": data.n_features,
            "task": spec.task}


def _class_fields(target: _Target) -> dict:
    """The classes of a class label in a JSON output, the positive one last."""
    return {"classes": [_json_value(c) for c in target.classes],
            "positive_class": _json_value(target.classes[1])}


def _write_selected(out: str, data: Dataset, target: _Target, spec: _Spec, alpha: float,
                    chosen_by: str, fit: _Fit, metrics: _Metrics) -> int:
    """Write the selected features, largest |coefficient| first; return how many."""
    order = _selected_order(fit.coef)
    names = data.names(order)
    values = [float(fit.coef[j]) for j in order]
    with _output_file(out) as file:
        if out.lower().endswith(".json"):
            document = {
                **_data_fields(data, spec),
                "task_chosen_by": "--task" if target.how == "given" else "detected",
                "penalty": spec.penalty,
                "l1_ratio": spec.l1_ratio,
                "positive": spec.positive,
                "fit_intercept": spec.fit_intercept,
                "alpha": alpha,
                "alpha_chosen_by": chosen_by,
            }
            if spec.classification:
                document["C"] = _inverse_c(alpha, data.n_samples)
                document.update(_class_fields(target))
            document.update({
                "intercept": fit.intercept,
                "dual_gap": fit.dual_gap,
                "gap_tolerance": fit.gap_tol,
                "converged": fit.converged,
                "metrics": {"evaluated_on": metrics.on, **metrics.values},
                "n_selected": len(values),
                "features": [
                    {"name": name, "feature_index": int(j), "coefficient": value}
                    for name, j, value in zip(names, order, values, strict=True)
                ],
            })
            _write_json(file, document)
        else:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(["feature", "coefficient"])
            writer.writerows(zip(names, values, strict=True))
    return len(values)


# --- fastreg path ------------------------------------------------------------------------------


def _run_path(args: argparse.Namespace) -> int:
    spec = _spec(args)
    start = time.perf_counter()
    data = load_data(args.data, format=args.format, target=args.target, text_labels=True)
    target = _target(data, args.task)
    spec = replace(spec, task=target.task)
    inputs = _inputs(data.X, target.y, spec)
    alphas = _alpha_grid(inputs, spec, args.n_alphas, args.eps)
    with _ConvergenceCount() as unconverged:
        with Progress(alphas.size, "path", enabled=not args.quiet) as bar:
            path = _compute_path(inputs, alphas, spec, bar)
    elapsed = time.perf_counter() - start
    # Without --out the table is the output (stdout), and every other line goes to stderr.
    report = sys.stdout if args.out is not None else sys.stderr
    if args.out is None:
        _write_path_table(sys.stdout, path, data)
    else:
        with _output_file(args.out) as file:
            _write_path_table(file, path, data)
        print(f"Data:  {data.describe()}", file=report)
        print(f"Task:  {target.describe()}", file=report)
        print(f"Model: {spec.describe()}", file=report)
        print(f"Path:  {alphas.size} alphas from {alphas[0]:.4g} down to {alphas[-1]:.4g}; "
              f"{path.features.size} features non-zero somewhere, {path.n_nonzero[-1]} at "
              f"the last alpha; {elapsed:.3g} s", file=report)
        print(f"Wrote the path table to {args.out}", file=report)
    note = unconverged.note(alphas.size)
    if note:
        print(note, file=report)
    if args.plot is not None:
        from .plotting import plot_path

        plot_path(path.alphas, path.coefs, feature_names=data.names(path.features),
                  title=f"{spec.name}: {os.path.basename(data.path)}", out=args.plot)
        print(f"Wrote the path plot to {args.plot}", file=report)
    return 0


def _write_path_table(file, path: _Path, data: Dataset) -> None:
    """One row per alpha: alpha, n_nonzero, intercept, dual_gap, then each feature's value."""
    writer = csv.writer(file, lineterminator="\n")
    gap_column = ["dual_gap"] if path.gaps is not None else []
    writer.writerow(["alpha", "n_nonzero", "intercept", *gap_column,
                     *data.names(path.features)])
    for k, alpha in enumerate(path.alphas):
        gap = [repr(float(path.gaps[k]))] if path.gaps is not None else []
        writer.writerow([repr(float(alpha)), int(path.n_nonzero[k]),
                         repr(float(path.intercepts[k])), *gap,
                         *(repr(float(v)) for v in path.coefs[:, k])])


# --- fastreg select ----------------------------------------------------------------------------


@dataclass
class _Refit:
    """The least-squares fit on the stable features of ``select --model relaxed``."""

    coef: np.ndarray  # one per stable feature, in column order
    intercept: float
    rank: int  # of the stable columns (centered with an intercept)


def _select_model(args: argparse.Namespace, data: Dataset) -> tuple[str, _Target, _Spec]:
    """The model ``--model`` names for this target (auto resolved), the target, the spec."""
    if args.model == "auto":
        target = _target(data, "auto", option="--model")
        model = "logistic" if target.task == "classification" else "lasso"
    else:
        task = "classification" if args.model == "logistic" else "regression"
        target = _target(data, task, option="--model", choice=args.model)
        model = args.model
    if args.l1_ratio is not None and model not in ("elasticnet", "logistic"):
        raise _CommandError(f"--l1-ratio applies to --model elasticnet and logistic, not "
                            f"--model {model}")
    if model == "elasticnet":
        penalty, l1_ratio = "elasticnet", 0.5 if args.l1_ratio is None else args.l1_ratio
    elif model == "logistic" and args.l1_ratio is not None and args.l1_ratio < 1:
        penalty, l1_ratio = "elasticnet", args.l1_ratio
    else:
        penalty, l1_ratio = "l1", 1.0
    spec = _Spec(penalty, l1_ratio, args.fit_intercept, False, args.tol, args.max_iter,
                 target.task)
    return model, target, spec


def _least_squares(X, y: np.ndarray, columns: np.ndarray, fit_intercept: bool) -> _Refit:
    """Least squares without penalty on the columns ``columns`` of X alone (the relaxed
    Lasso at phi = 0): the minimum-norm solution when they are collinear."""
    A = X[:, columns]
    A = A.toarray() if sp.issparse(A) else np.asarray(A, dtype=np.float64)
    if fit_intercept:
        means, y_mean = A.mean(axis=0), float(y.mean())
        coef, _, rank, _ = np.linalg.lstsq(A - means, y - y_mean, rcond=None)
        return _Refit(coef, y_mean - float(means @ coef), int(rank))
    coef, _, rank, _ = np.linalg.lstsq(A, y, rcond=None)
    return _Refit(coef, 0.0, int(rank))


def _run_select(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    data = load_data(args.data, format=args.format, target=args.target, text_labels=True)
    load_s = time.perf_counter() - start
    model, target, spec = _select_model(args, data)
    selector = StabilitySelection(
        spec.l1_ratio, loss="logistic" if spec.classification else "squared",
        alphas=args.n_alphas, eps=args.eps, threshold=args.threshold, pfer=args.pfer,
        n_resampling=args.n_resampling, fit_intercept=spec.fit_intercept, tol=spec.tol,
        max_iter=spec.max_iter, random_state=args.seed)
    start = time.perf_counter()
    with _ConvergenceCount() as unconverged:
        with Progress(2 * args.n_resampling, "subsamples", enabled=not args.quiet) as bar:
            try:
                selector._fit(data.X, target.y, on_subsample=bar.advance)
            except ValueError as error:  # too few samples to halve, values that overflow
                raise _CommandError(str(error)) from None
    stable = _stable_order(selector)
    refit = (_least_squares(data.X, target.y, np.flatnonzero(selector.support_),
                            spec.fit_intercept) if model == "relaxed" else None)
    fit_s = time.perf_counter() - start

    _print_select_summary(args, data, target, spec, selector, stable, refit, load_s, fit_s)
    if unconverged.count:
        print(f"(Some fits on the subsamples stopped at --max-iter {args.max_iter} before "
              f"reaching --tol; raise --max-iter, or --tol, for certified solutions.)")
    if args.out is not None:
        _write_stability(args, data, target, spec, model, selector, refit)
        print(f"Wrote the stability scores of {data.n_features} features to {args.out}")
    if args.plot is not None:
        from .plotting import plot_stability

        title = f"Stability selection, {spec.name}: {os.path.basename(data.path)}"
        plot_stability(selector, feature_names=data.names(range(data.n_features)),
                       title=title, out=args.plot)
        print(f"Wrote the stability paths to {args.plot}")
    return 0


def _stable_order(selector) -> np.ndarray:
    """The stable features, highest stability score first (ties in column order)."""
    stable = np.flatnonzero(selector.support_)
    return stable[np.argsort(-selector.stability_scores_[stable], kind="stable")]


def _refit_coefficients(refit: _Refit, selector) -> np.ndarray:
    """The relaxed fit's coefficient of every feature: 0 for those left out of it."""
    coef = np.zeros(selector.support_.size)
    coef[selector.support_] = refit.coef
    return coef


def _print_select_summary(args, data: Dataset, target: _Target, spec: _Spec, selector,
                          stable: np.ndarray, refit: _Refit | None, load_s: float,
                          fit_s: float) -> None:
    alphas, k = selector.alphas_, selector.n_region_alphas_
    print(f"Data:       {data.describe()}")
    print(f"Task:       {target.describe()}")
    relaxed = "; the stable features refit by least squares" if refit is not None else ""
    print(f"Model:      {spec.describe()}{relaxed}")
    print(f"Subsamples: {selector.n_subsamples_}, both halves ({data.n_samples // 2} samples "
          f"each) of {args.n_resampling} random splits (complementary pairs), seed "
          f"{args.seed}")
    print(f"Alphas:     {alphas.size} from alpha_max {alphas[0]:.4g} down to "
          f"{alphas[-1]:.4g} (--eps {args.eps:g})")
    if k == 0:
        print(f"Region:     empty: the bound exceeds --pfer {args.pfer:g} from alpha_max on; "
              f"raise --pfer or --threshold")
    else:
        if args.pfer is None:
            why = "the whole grid (--pfer none)"
        else:
            why = f"the largest whose bound is <= --pfer {args.pfer:g}"
            if k == alphas.size:
                why += "; the end of the grid: a smaller --eps may extend it"
        print(f"Region:     alpha_max {alphas[0]:.4g} down to alpha_min "
              f"{selector.alpha_min_:.4g} ({k} of {alphas.size} alphas), {why}")
    print(f"q:          {selector.q_:.4g} features selected in the region per subsample, on "
          f"average")
    print(f"Threshold:  {args.threshold:g}")
    print(f"PFER:       E[false positives] <= {selector.pfer_:.4g} = q^2 / ((2 threshold - 1) "
          f"n_features)")
    print(f"Stable:     {stable.size} of {data.n_features} features (stability score >= "
          f"{args.threshold:g})")
    if refit is not None:
        collinear = (f"; the stable columns have rank {refit.rank}: the minimum-norm "
                     f"solution" if refit.rank < stable.size else "")
        intercept = f"intercept {refit.intercept:.6g}" if spec.fit_intercept else "no intercept"
        print(f"Refit:      least squares on the {stable.size} stable features, "
              f"{intercept}{collinear}")
    print(f"Time:       {fit_s:.3g} s for {selector.n_subsamples_} paths, {load_s:.3g} s to "
          f"load")
    if stable.size:
        print()
        print("Stable features by stability score (the largest selection probability in "
              "the region):")
        columns = {"score": selector.stability_scores_[stable]}
        if refit is not None:
            columns["coefficient"] = _refit_coefficients(refit, selector)[stable]
        _print_ranked(data.names(stable), columns)


def _write_stability(args, data: Dataset, target: _Target, spec: _Spec, model: str,
                     selector, refit: _Refit | None) -> None:
    """Every feature's stability score, highest first; in JSON with the summary."""
    scores, support = selector.stability_scores_, selector.support_
    order = np.argsort(-scores, kind="stable")
    names = data.names(order)
    coef = _refit_coefficients(refit, selector) if refit is not None else None
    with _output_file(args.out) as file:
        if not args.out.lower().endswith(".json"):
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(["feature", "feature_index", "stability_score", "stable",
                             *(["coefficient"] if coef is not None else [])])
            for name, j in zip(names, order, strict=True):
                writer.writerow([name, int(j), repr(float(scores[j])), int(support[j]),
                                 *([repr(float(coef[j]))] if coef is not None else [])])
            return
        document = {**_data_fields(data, spec), "model": model, "l1_ratio": spec.l1_ratio,
                    "fit_intercept": spec.fit_intercept}
        if spec.classification:
            document.update(_class_fields(target))
        alpha_min = selector.alpha_min_
        document.update({
            "n_subsamples": selector.n_subsamples_,
            "seed": args.seed,
            "alpha_max": float(selector.alphas_[0]),
            "alpha_min": float(alpha_min) if np.isfinite(alpha_min) else None,
            "n_region_alphas": selector.n_region_alphas_,
            "threshold": args.threshold,
            "pfer": args.pfer,
            "q": selector.q_,
            "pfer_bound": selector.pfer_,
            "n_stable": int(support.sum()),
        })
        if refit is not None:
            document["intercept"] = refit.intercept
        features = []
        for name, j in zip(names, order, strict=True):
            feature = {"name": name, "feature_index": int(j),
                       "stability_score": float(scores[j]), "stable": bool(support[j])}
            if coef is not None:
                feature["coefficient"] = float(coef[j])
            features.append(feature)
        document["features"] = features
        _write_json(file, document)


if __name__ == "__main__":  # python -m fastreg.cli
    sys.exit(main())
