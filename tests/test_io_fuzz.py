"""Fuzzing the data-file loaders (``fastreg._io.load_data``) and the command that uses them.

Random bytes, and files that follow the svmlight, CSV and ``.npz`` layouts but break them in
small ways, must either load into a valid :class:`~fastreg._io.Dataset` or raise
:class:`~fastreg._io.DataError` with one line naming the file; never another exception, a
crash or a hang.  Through ``fastreg fit`` the same files give exit status 0 or 2 and at most
a one-line error.

``FASTREG_FUZZ_EXAMPLES`` sets the number of examples per test (default 100: about a minute
in all on a quiet machine); a longer campaign is ``FASTREG_FUZZ_EXAMPLES=2000``.
"""

import contextlib
import io
import os
import signal
import warnings
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastreg._io import DataError, load_data
from fastreg.cli import main

EXAMPLES = int(os.environ.get("FASTREG_FUZZ_EXAMPLES", "100"))
# Seconds one load may take before it counts as a hang (the files are at most a few kB).
HANG_SECONDS = 20
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class Hang(Exception):
    """A load ran longer than HANG_SECONDS."""


@contextlib.contextmanager
def _no_hang():
    def alarm(signum, frame):
        raise Hang(f"a load took more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _check_dataset(data):
    """What a successful load promises."""
    X, y = data.X, data.y
    n, p = X.shape
    assert n > 0 and p > 0
    assert y.shape == (n,) and y.dtype == np.float64 and np.isfinite(y).all()
    if sp.issparse(X):
        assert X.format == "csc"
        X.check_format(full_check=True)
        assert np.isfinite(X.data).all()
    else:
        assert X.flags.f_contiguous and X.dtype in (np.float32, np.float64)
        assert np.isfinite(X).all()
    if data.feature_names is not None:
        assert len(data.feature_names) == p


def _load(path, target=None):
    """Load ``path``: a valid dataset or a one-line DataError naming the file."""
    with _no_hang(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            data = load_data(str(path), target=target)
        except DataError as error:
            message = str(error)
            assert "\n" not in message, message
            assert str(path) in message, message
            return None
    _check_dataset(data)
    return data


def _write(path, content):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _cli(path, target=None):
    """``fastreg fit PATH``: status 0, or 2 with one line on stderr."""
    arguments = ["fit", str(path), "-q", "--alpha", "0.1"]
    if target is not None:
        arguments += ["--target", target]
    err, out = io.StringIO(), io.StringIO()
    with _no_hang(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(arguments)
    stderr = err.getvalue()
    assert status in (0, 2), (status, stderr)
    assert "Traceback" not in stderr
    if status == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr
    return status


# --- random bytes ------------------------------------------------------------------------------

@FUZZ
@given(content=st.binary(max_size=400),
       suffix=st.sampled_from([".svm", ".csv", ".npz", ".csv.gz", ".svm.bz2", ".data"]))
def test_random_bytes_load_or_fail_cleanly(directory, content, suffix):
    path = _write(directory / f"random{suffix}", content)
    target = "y" if ".csv" in suffix else None
    _load(path, target)


@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes_after_a_zip_signature_fail_cleanly(directory, content):
    path = _write(directory / "zipish.npz", b"PK\x03\x04" + content)
    assert _load(path) is None


# --- svmlight ----------------------------------------------------------------------------------

_NUMBER = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "0x1p3", "1_000", "", "+", "-", ".",
                     "1e", "NaN", "x", "1,5", "١"]),
)
# Feature indices stay small: memory grows with the largest index (a CSC index pointer of
# that length), which is not what this test is about.
_INDEX = st.one_of(st.integers(0, 50).map(str),
                   st.sampled_from(["-1", "99999999999", "qid", "1.5", "", "a", "0x3"]))
_PAIR = st.one_of(
    st.builds(lambda i, v: f"{i}:{v}", _INDEX, _NUMBER),
    st.sampled_from(["1:", ":1", "1::2", "1", "#", "# comment", "qid:3", "1:2:3"]),
)
_SVM_LINE = st.one_of(
    st.builds(lambda label, pairs, sep: sep.join([label, *pairs]), _NUMBER,
              st.lists(_PAIR, max_size=6), st.sampled_from([" ", "\t", "  "])),
    st.sampled_from(["", " ", "#", "\x00", "1 1:1 # comment", "é 1:1"]),
)


@FUZZ
@given(lines=st.lists(_SVM_LINE, min_size=0, max_size=8),
       ending=st.sampled_from(["\n", "\r\n", "\r"]), extension=st.sampled_from([".svm", ""]))
def test_malformed_svmlight_loads_or_fails_cleanly(directory, lines, ending, extension):
    path = _write(directory / f"data{extension}", ending.join(lines))
    data = _load(path)
    if data is not None:
        assert data.format == "svmlight"


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(lines=st.lists(_SVM_LINE, min_size=1, max_size=6))
def test_malformed_svmlight_through_the_command_line(directory, lines):
    _cli(_write(directory / "cli.svm", "\n".join(lines)))


# --- CSV ---------------------------------------------------------------------------------------

_NAME = st.one_of(st.sampled_from(["y", "a", "b", "", " y ", '"y"', "y,z", "a\tb", "1.5"]),
                  st.text(alphabet="abcxyz_ 1", max_size=4))
_FIELD = st.one_of(_NUMBER, st.sampled_from(['"1"', '"1,5"', '"', "NA", "?", " 2 ", "1;2"]))


@FUZZ
@given(header=st.lists(_NAME, min_size=0, max_size=5),
       rows=st.lists(st.lists(_FIELD, min_size=0, max_size=6), max_size=6),
       delimiter=st.sampled_from([",", "\t", ";"]), suffix=st.sampled_from([".csv", ".tsv"]),
       target=st.sampled_from(["y", "a", "missing"]))
def test_malformed_csv_loads_or_fails_cleanly(directory, header, rows, delimiter, suffix,
                                              target):
    text = "\n".join(delimiter.join(row) for row in [header, *rows])
    path = _write(directory / f"data{suffix}", text)
    data = _load(path, target)
    if data is not None:
        assert target not in data.feature_names
        assert data.n_samples <= len(rows)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(rows=st.lists(st.lists(_FIELD, min_size=2, max_size=3), min_size=1, max_size=5))
def test_malformed_csv_through_the_command_line(directory, rows):
    text = "\n".join(",".join(row) for row in [["a", "b", "y"], *rows])
    _cli(_write(directory / "cli.csv", text), target="y")


# --- npz ---------------------------------------------------------------------------------------

_DTYPES = ["float64", "float32", "int64", "int32", "int8", "uint8", "bool", "complex128",
           "U3", "S2", "float16", "datetime64[s]"]


@st.composite
def _arrays(draw):
    dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    size = int(np.prod(shape))
    values = draw(st.lists(st.integers(-3, 12), min_size=size, max_size=size))
    array = np.array(values, dtype=np.int64).reshape(shape)
    if dtype.kind == "f" and size and draw(st.booleans()):
        array = array.astype(np.float64)
        array.flat[0] = draw(st.sampled_from([np.nan, np.inf, 0.5]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return array.astype(dtype)


_KEYS = ["X", "y", "format", "shape", "data", "indices", "indptr", "row", "col",
         "feature_names", "other"]


@st.composite
def _archives(draw):
    """A dict of arrays: either free-form, or a sparse layout with one part broken."""
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(_KEYS), unique=True, max_size=6))
        return {key: draw(_arrays()) for key in keys}
    n, p = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    fmt = draw(st.sampled_from(["csc", "csr", "coo", "bsr", "dia", ""]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    matrix = sp.random(n, p, density=0.6, format=fmt if fmt in ("csc", "csr", "coo")
                       else "csc", random_state=rng)
    archive = {"format": np.array(fmt), "shape": np.array([n, p]), "data": matrix.data,
               "y": rng.normal(size=n)}
    if fmt == "coo":
        archive.update(row=matrix.row, col=matrix.col)
    else:
        archive.update(indices=matrix.indices, indptr=matrix.indptr)
    broken = draw(st.sampled_from([None, *archive]))
    if broken is not None:
        if draw(st.booleans()):
            del archive[broken]
        else:
            archive[broken] = draw(_arrays())
    return archive


@FUZZ
@given(archive=_archives(), compressed=st.booleans())
def test_malformed_npz_loads_or_fails_cleanly(directory, archive, compressed):
    path = directory / "data.npz"
    (np.savez_compressed if compressed else np.savez)(path, **archive)
    _load(path)


@FUZZ
@given(archive=_archives(), cut=st.integers(0, 400), flips=st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=4))
def test_corrupted_npz_bytes_fail_cleanly(directory, archive, cut, flips):
    buffer = io.BytesIO()
    np.savez(buffer, **archive)
    content = bytearray(buffer.getvalue())
    for position, mask in flips:
        content[position % len(content)] ^= mask
    if cut:
        content = content[:-cut] if cut < len(content) else content[:1]
    _load(_write(directory / "corrupt.npz", bytes(content)))


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(archive=_archives())
def test_malformed_npz_through_the_command_line(directory, archive):
    path = directory / "cli.npz"
    np.savez(path, **archive)
    _cli(path)


def test_the_fuzzers_reach_both_outcomes(directory):
    """Valid files load and broken ones fail: the tests above check both sides."""
    good = _write(directory / "good.svm", "1 1:0.5 3:2\n-1 2:1\n")
    assert _load(good).n_samples == 2
    bad = _write(directory / "bad.svm", "1 1:0.5 3:x\n")
    assert _load(bad) is None
    with zipfile.ZipFile(directory / "empty.npz", "w"):
        pass
    assert _load(directory / "empty.npz") is None
