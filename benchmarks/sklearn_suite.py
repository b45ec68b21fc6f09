"""Run scikit-learn's own coordinate-descent tests with fastreg's models in place of its own.

The test files are those of the installed scikit-learn (``sklearn/linear_model/tests/``); none
of their code is copied here.  Each file is run twice, each time in a fresh process:

* against scikit-learn itself, the baseline: the cases it passes are the ones counted;
* with fastreg: before the tests run, the test modules' names of the coordinate-descent models
  and path functions (``Lasso``, ``ElasticNet``, their CV estimators, the MultiTask models,
  ``lasso_path``, ``enet_path``) are rebound to fastreg's.  A name fastreg does not have yet is
  bound to a stand-in that raises :class:`MissingInFastreg`, and a case that fails with it
  counts as *not run*.  References the tests compare against (``Ridge``,
  ``LinearRegression``, ``lars_path``, ...) stay scikit-learn's.

Usage::

    python -m benchmarks.sklearn_suite                 # both files, counts and the failures
    python -m benchmarks.sklearn_suite --json out.json # and every case's outcome
    python -m benchmarks.sklearn_suite -k lasso_path   # a subset (pytest's -k)

The counts are: cases scikit-learn passes, and of those, how many pass, fail or cannot run
with fastreg.  Timing is not measured here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

#: The test files, relative to the installed ``sklearn`` package.
TEST_FILES = (
    "linear_model/tests/test_coordinate_descent.py",
    "linear_model/tests/test_sparse_coordinate_descent.py",
)
#: The names a test module may import that fastreg provides (or is to provide).
REPLACED = (
    "Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "MultiTaskLasso", "MultiTaskElasticNet",
    "MultiTaskLassoCV", "MultiTaskElasticNetCV", "lasso_path", "enet_path",
)  # fmt: skip


class MissingInFastreg(NotImplementedError):
    """Raised by the stand-in of a name that fastreg does not provide."""


def _stand_in(name: str) -> type:
    """A class named ``name`` whose construction raises :class:`MissingInFastreg` (a class,
    so that the tests' ``issubclass`` checks still run; a path function is called the same
    way)."""

    def __init__(self, *args, **kwargs):
        raise MissingInFastreg(f"fastreg has no {name}")

    return type(name, (), {"__init__": __init__})


def _counterpart(value, replacements: dict):
    """fastreg's class for a scikit-learn class of :data:`REPLACED`, an instance of it made
    with the same parameters (the stand-in's error if fastreg has no such class), else
    ``value``."""
    import sklearn.linear_model as sklearn_models

    for name, replacement in replacements.items():
        original = getattr(sklearn_models, name)
        if value is original:
            return replacement
        if isinstance(original, type) and type(value) is original:
            params = value.get_params(deep=False)
            try:
                return replacement(**params)
            except MissingInFastreg as error:
                return _Unbuildable(error)
            except TypeError as error:  # a parameter fastreg does not take: the case fails
                return _Unbuildable(error)
    return value


class _Unbuildable:
    """An estimator parameter fastreg cannot build: any use raises the error met."""

    def __init__(self, error: Exception):
        self._error = error

    def __getattr__(self, attribute):
        raise self._error


class _Plugin:
    """pytest plugin: rebinds the test modules' names (for ``fastreg``) and records every
    case's outcome."""

    def __init__(self, against: str):
        self.against = against
        self.outcomes: dict[str, str] = {}
        self.messages: dict[str, str] = {}

    def pytest_collection_modifyitems(self, session, config, items):
        if self.against != "fastreg":
            return
        import fastreg

        replacements = {name: getattr(fastreg, name, None) or _stand_in(name)
                        for name in REPLACED}
        for module in {item.module for item in items if getattr(item, "module", None)}:
            for name in REPLACED:
                if hasattr(module, name):
                    setattr(module, name, replacements[name])
        # Parameters made when the module was imported (``[Lasso(), ElasticNetCV()]``, or the
        # classes themselves) are scikit-learn's: fastreg's counterparts take their place.
        for item in items:
            params = getattr(getattr(item, "callspec", None), "params", None)
            for key, value in (params or {}).items():
                params[key] = _counterpart(value, replacements)

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            outcome = report.outcome
            if report.failed and "MissingInFastreg" in str(report.longrepr):
                outcome = "not run"
            if report.nodeid not in self.outcomes or outcome != "passed":
                self.outcomes[report.nodeid] = outcome
            if report.failed:
                text = str(report.longrepr).strip().splitlines()
                self.messages[report.nodeid] = next(
                    (line for line in reversed(text) if line.startswith("E ")), text[-1] if
                    text else "")


def _worker(against: str, keyword: str | None, out: str) -> int:
    """Run the test files in this process against ``against``; write the outcomes to
    ``out``."""
    import pytest
    import sklearn

    root = Path(sklearn.__file__).parent
    paths = [str(root / name) for name in TEST_FILES]
    plugin = _Plugin(against)
    with tempfile.TemporaryDirectory() as empty:
        ini = Path(empty) / "pytest.ini"
        ini.write_text("[pytest]\n")  # not fastreg's settings
        args = ["-q", "-p", "no:cacheprovider", "-c", str(ini), "--rootdir",
                str(root.parent), "-W", "ignore::DeprecationWarning", *paths]  # fmt: skip
        if keyword:
            args += ["-k", keyword]
        status = pytest.main(args, plugins=[plugin])
    Path(out).write_text(json.dumps({"outcomes": plugin.outcomes,
                                     "messages": plugin.messages}))
    return 0 if status in (0, 1) else int(status)


def _run(against: str, keyword: str | None) -> dict:
    """The outcomes of one fresh process running the files against ``against``."""
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        command = [sys.executable, "-m", "benchmarks.sklearn_suite", "--worker", against,
                   "--out", handle.name]  # fmt: skip
        if keyword:
            command += ["-k", keyword]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"the {against} run failed (exit status {done.returncode})")
        return json.loads(Path(handle.name).read_text())


def summarize(baseline: dict, candidate: dict) -> dict:
    """Counts over the cases the baseline passes: the candidate's outcome of each."""
    passing = sorted(node for node, outcome in baseline["outcomes"].items()
                     if outcome == "passed")
    outcomes = {node: candidate["outcomes"].get(node, "not run") for node in passing}
    counts = Counter(outcomes.values())
    return {
        "baseline": dict(Counter(baseline["outcomes"].values())),
        "counted": len(passing),
        "passed": counts.get("passed", 0),
        "failed": counts.get("failed", 0),
        "not run": counts.get("not run", 0),
        "skipped": counts.get("skipped", 0),
        "outcomes": outcomes,
        "failures": {node: candidate["messages"].get(node, "") for node, outcome in
                     outcomes.items() if outcome == "failed"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="keyword", help="pytest's -k expression, to run a subset")
    parser.add_argument("--json", help="write the counts and every case's outcome here")
    parser.add_argument("--worker", choices=["sklearn", "fastreg"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.keyword, args.out)

    summary = summarize(_run("sklearn", args.keyword), _run("fastreg", args.keyword))
    print(f"scikit-learn's coordinate-descent tests ({', '.join(TEST_FILES)})")
    print(f"scikit-learn itself: {summary['baseline']}")
    print(f"of the {summary['counted']} cases it passes, with fastreg: "
          f"{summary['passed']} pass, {summary['failed']} fail, "
          f"{summary['not run']} cannot run (a missing name), {summary['skipped']} skipped")
    for node, message in summary["failures"].items():
        print(f"FAILED {node.split('::', 1)[-1]}: {message[:160]}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
