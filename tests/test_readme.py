"""The README's commands run as written and print what it shows.

Every ``bash`` block of ``python -c`` data-writing commands is run, then every ``text`` block
that starts with ``$ fastreg ...`` is run through the command line in the same folder and its
output compared with the README's, line by line.  Only what differs from run to run is left
out: the ``Time:`` lines and the demo's ``fit (ms)`` column.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from fastreg.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(), re.S)


def _comparable(lines: list[str], demo: bool) -> list[str]:
    kept = []
    for line in lines:
        line = line.rstrip()
        if line.lstrip().startswith("Time:"):
            continue
        if demo and re.match(r"^\S.*\s[-\d.]+\s+[\d.]+$", line):
            line = re.sub(r"\s+[\d.]+$", "", line)  # the fit (ms) column
        kept.append(line)
    return kept


SESSIONS = [block for block in _blocks("text") if block.startswith("$ fastreg ")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The README's data files, written by its own commands."""
    pytest.importorskip("matplotlib")
    folder = tmp_path_factory.mktemp("readme")
    (folder / "docs").mkdir()
    for block in _blocks("bash"):
        for line in block.splitlines():
            if line.startswith("python -c "):
                code = shlex.split(line)[2]
                subprocess.run([sys.executable, "-c", code], cwd=folder, check=True)
    return folder


@pytest.mark.parametrize("session", SESSIONS, ids=[s.splitlines()[0][2:40] for s in SESSIONS])
def test_readme_command_prints_what_the_readme_shows(folder, session, capsys, monkeypatch):
    command, *shown = session.rstrip("\n").splitlines()
    argv = shlex.split(command[2:])[1:]
    monkeypatch.chdir(folder)
    assert main(argv) == 0
    printed = capsys.readouterr().out.rstrip("\n").splitlines()
    demo = argv[0] == "demo"
    assert _comparable(printed, demo) == _comparable(shown, demo)


def test_the_readme_has_sessions_to_check():
    assert len(SESSIONS) >= 4 and len(_blocks("bash")) >= 3
