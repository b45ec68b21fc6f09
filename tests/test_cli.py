"""Tests of the ``fastreg`` command line (``fastreg.cli.main``)."""

from importlib.metadata import entry_points

import pytest

import fastreg
from fastreg.cli import main

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
        rows = parse_table(capsys.readouterr().out)
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
    assert main(["fit"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_entry_point():
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "fastreg"]
    assert entry.value == "fastreg.cli:main"
    assert entry.load() is main
