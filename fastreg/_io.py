"""Data files for the ``fastreg`` command: svmlight/libsvm text, CSV with a header, ``.npz``.

Every loader returns a :class:`Dataset` whose ``X`` is already in the form the solvers use
without a further copy (a Fortran-ordered float64 array, or a CSC matrix), and raises
:class:`DataError`, whose message is one line naming the file (and, where it can, the line and
the column), for anything the file's owner has to fix: a missing file, an unknown format, a
missing target column, a value that is not a number, NaN or infinity.

Formats
-------
svmlight / libsvm (``.svm``, ``.svmlight``, ``.libsvm``; optionally ``.gz`` / ``.bz2``)
    One sample a line, ``label index:value index:value ...``; read by
    :func:`sklearn.datasets.load_svmlight_file`. Indices are zero-based when the file uses
    index 0, one-based otherwise (scikit-learn's ``zero_based="auto"`` rule); features are
    named by their index as written in the file. The CSR matrix read is converted to CSC
    once.
CSV (``.csv``, or ``.tsv`` for tab-separated; optionally ``.gz`` / ``.bz2``)
    A header line of column names, then one sample a line; ``target`` names the response
    column, every other column is a feature named by its header. Parsed once by
    :func:`numpy.loadtxt` (no pandas needed), then copied once into a Fortran-ordered ``X``.
    With ``text_labels=True`` a target column of words (class labels such as ``yes`` and
    ``no``) is read as strings; the features must still be numbers.
``.npz``
    A NumPy archive (``numpy.savez`` or ``numpy.savez_compressed``) holding the target ``y``
    (shape ``(n_samples,)``) and either

    - a sparse ``X`` in the layout of :func:`scipy.sparse.save_npz`: ``format`` (``"csc"``,
      ``"csr"`` or ``"coo"``), ``shape``, ``data``, and ``indices`` + ``indptr`` (CSC, CSR)
      or ``row`` + ``col`` (COO); or
    - a dense 2-D array ``X``;

    and optionally ``feature_names`` (an array of strings). CSC is used as stored; CSR and COO
    are converted to CSC once. :func:`save_npz` writes this layout. With
    ``text_labels=True`` a ``y`` of strings (class labels) is accepted.

Files whose extension is none of these are recognized by their content when they are
``.npz`` archives or svmlight text (LIBSVM's data sets are often named ``news20.binary``).
"""

from __future__ import annotations

import bz2
import csv
import difflib
import gzip
import io
import itertools
import os
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["FORMATS", "DataError", "Dataset", "detect_format", "load_data", "save_npz"]

FORMATS = ("svmlight", "csv", "npz")
_EXTENSIONS = {
    ".svm": "svmlight",
    ".svmlight": "svmlight",
    ".libsvm": "svmlight",
    ".csv": "csv",
    ".tsv": "csv",
    ".npz": "npz",
}
_COMPRESSED = (".gz", ".bz2")
# Values that mean "missing" in CSV files written by spreadsheets, R and pandas.
_MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-", "#n/a"}
# A svmlight token after the label: "index:value" or "qid:value".
_SVMLIGHT_PAIR = re.compile(r"^(qid|\d+):(\S+)$")
# scikit-learn's reader stores indices as C ints.
_MAX_SVMLIGHT_INDEX = 2**31 - 2
# How many column names an error message lists before "...".
_NAMES_SHOWN = 10


class DataError(ValueError):
    """A problem with a data file that its owner can fix; the message is one line."""


@dataclass
class Dataset:
    """A loaded data file.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features) or scipy.sparse.csc_matrix
        The features: a Fortran-ordered float array or a CSC matrix, both used by the
        solvers without a copy.
    y : ndarray of shape (n_samples,)
        The target: float64, or strings (class labels) when loaded with
        ``text_labels=True`` from a CSV target column of words or an ``.npz`` ``y`` of
        strings.
    path : str
        The file read.
    format : {"svmlight", "csv", "npz"}
        Its format.
    feature_names : sequence of str or None
        The features' names (from a CSV header or an ``.npz`` ``feature_names`` array); None
        when features are named by their index.
    index_base : int
        Added to a column index to name a feature that has no name: 1 for svmlight files
        written with one-based indices, 0 otherwise.
    """

    X: np.ndarray | sp.csc_matrix
    y: np.ndarray
    path: str
    format: str
    feature_names: Sequence[str] | None = None
    index_base: int = 0

    @property
    def n_samples(self) -> int:
        """Number of samples (rows of ``X``)."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of features (columns of ``X``)."""
        return int(self.X.shape[1])

    def names(self, columns: Sequence[int] | np.ndarray) -> list[str]:
        """The names of the features at the given column indices.

        Parameters
        ----------
        columns : sequence of int
            Column indices of ``X``.

        Returns
        -------
        list of str
            Header or stored names where the file has them, else the index as written in the
            file (``str(column + index_base)``).
        """
        if self.feature_names is not None:
            return [str(self.feature_names[j]) for j in columns]
        return [str(int(j) + self.index_base) for j in columns]

    def describe(self) -> str:
        """One line: file, format, shape and storage, e.g. for a summary."""
        n, p = self.n_samples, self.n_features
        if sp.issparse(self.X):
            density = self.X.nnz / max(n * p, 1)
            storage = f"sparse ({100 * density:.3g}% non-zero)"
        else:
            storage = "dense"
        return (f"{self.path} ({self.format}): {_plural(n, 'sample')}, "
                f"{_plural(p, 'feature')}, {storage}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def detect_format(path: str, format: str = "auto") -> str:
    """The format of a data file: from ``format``, the file's extension, or its content.

    Parameters
    ----------
    path : str
        The file.
    format : {"auto", "svmlight", "csv", "npz"}, default="auto"
        An explicit format, or "auto" to infer it.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    DataError
        When the file is missing or unreadable, or "auto" cannot tell the format.
    """
    _check_readable(path)
    if format != "auto":
        if format not in FORMATS:
            raise DataError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
        return format
    stem, extension = _split_extension(path)
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    sniffed = _sniff(path)
    if sniffed is not None:
        return sniffed
    shown = extension or "no extension"
    raise DataError(
        f"{path}: unknown format ({shown}): name the file .svm/.libsvm (svmlight), "
        ".csv/.tsv (with a header) or .npz, or pass --format svmlight|csv|npz"
    )


def load_data(path: str, *, format: str = "auto", target: str | None = None,
              text_labels: bool = False) -> Dataset:
    """Load a data file for fitting.

    Parameters
    ----------
    path : str
        An svmlight/libsvm, CSV or ``.npz`` file (see the module documentation for the
        layouts accepted).
    format : {"auto", "svmlight", "csv", "npz"}, default="auto"
        The file's format; "auto" infers it from the extension (or the content).
    target : str, optional
        The name of the CSV column to predict (required for CSV files, not accepted for
        the others, whose target is part of the format).
    text_labels : bool, default=False
        Accept a target of words, class labels such as ``yes`` and ``no``: a CSV target
        column with a value that is not a number, or an ``.npz`` ``y`` of strings, is then
        returned as an array of strings (a missing label is still an error). svmlight
        labels are always numbers.

    Returns
    -------
    Dataset
        ``X`` (Fortran-ordered float64, or CSC), ``y`` and the features' names.

    Raises
    ------
    DataError
        With a one-line message, for a missing file, an unknown format, a missing target
        column, a value that is not a number, NaN or infinity, or a malformed file.
    """
    kind = detect_format(path, format)
    if kind == "csv":
        if target is None:
            raise DataError(f"{path}: a CSV file needs --target COLUMN, one of "
                            f"{_list_names(_read_header(path, _delimiter(path)))}")
        return _load_csv(path, target, text_labels)
    if target is not None:
        raise DataError(f"--target names a CSV column; {path} is {kind}, whose target is the "
                        + ("first value of each line" if kind == "svmlight" else "array 'y'"))
    return _load_svmlight(path) if kind == "svmlight" else _load_npz(path, text_labels)


def save_npz(path: str, X, y, feature_names: Sequence[str] | None = None,
             *, compressed: bool = True) -> None:
    """Write ``X``, ``y`` (and feature names) in the ``.npz`` layout :func:`load_data` reads.

    Parameters
    ----------
    path : str
        The file to write (NumPy appends ``.npz`` when the name lacks it).
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Sparse matrices are stored as scipy's :func:`~scipy.sparse.save_npz` stores them,
        dense arrays as ``X``.
    y : array-like of shape (n_samples,)
    feature_names : sequence of str, optional
    compressed : bool, default=True
        Use :func:`numpy.savez_compressed` rather than :func:`numpy.savez`.
    """
    arrays: dict[str, np.ndarray] = {"y": np.asarray(y)}
    if sp.issparse(X):
        if X.format not in ("csc", "csr", "coo"):
            X = X.tocsc()
        arrays.update(format=np.array(X.format), shape=np.array(X.shape), data=X.data)
        if X.format == "coo":
            arrays.update(row=X.row, col=X.col)
        else:
            arrays.update(indices=X.indices, indptr=X.indptr)
    else:
        arrays["X"] = np.asarray(X)
    if feature_names is not None:
        arrays["feature_names"] = np.asarray(feature_names, dtype=str)
    (np.savez_compressed if compressed else np.savez)(path, **arrays)


# --- files ------------------------------------------------------------------------------------


def _check_readable(path: str) -> None:
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory, not a data file")
    if not os.access(path, os.R_OK):
        raise DataError(f"{path}: permission denied")


def _split_extension(path: str) -> tuple[str, str]:
    """``("data", ".csv")`` for ``data.csv`` and ``data.csv.gz`` (lower case)."""
    stem, extension = os.path.splitext(path)
    if extension.lower() in _COMPRESSED:
        stem, extension = os.path.splitext(stem)
    return stem, extension.lower()


def _open_text(path: str) -> io.TextIOBase:
    """Open a possibly compressed text file (UTF-8, a byte-order mark skipped)."""
    lower = path.lower()
    if lower.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    if lower.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _sniff(path: str) -> str | None:
    """``"npz"`` for a zip archive, ``"svmlight"`` when the first data line parses as one."""
    with open(path, "rb") as file:
        if file.read(4) == b"PK\x03\x04":
            return "npz"
    try:
        with _open_text(path) as file:
            for line in itertools.islice(file, 1000):
                tokens = line.split("#", 1)[0].split()
                if tokens:
                    return "svmlight" if _svmlight_problem(tokens) is None else None
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    return None


def _list_names(names: Sequence[str]) -> str:
    """The first names and the last one (a target column is often last)."""
    if len(names) <= _NAMES_SHOWN:
        return ", ".join(repr(name) for name in names)
    shown = ", ".join(repr(name) for name in names[:_NAMES_SHOWN - 1])
    return f"{shown}, ..., {names[-1]!r} ({len(names)} columns)"


def _first_nonfinite(values: np.ndarray) -> int | None:
    """Index of the first NaN or infinity of a 1-D array, None if there is none."""
    # The sum is a cheap first test (an overflow of huge finite values sends it to the
    # element-wise test, which is then exact).
    with np.errstate(over="ignore", invalid="ignore"):
        total = values.sum(dtype=np.float64)
    if values.size == 0 or np.isfinite(total):
        return None
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if bad.size else None


def _what(value: float) -> str:
    return "NaN (a missing value)" if np.isnan(value) else "an infinite value"


_MISSING_HINT = "fastreg needs complete numeric data: remove or impute missing values first"


# --- svmlight ---------------------------------------------------------------------------------


def _load_svmlight(path: str) -> Dataset:
    from sklearn.datasets import load_svmlight_file

    try:
        # zero_based=True keeps the file's indices; scikit-learn's "auto" rule (one-based
        # unless index 0 occurs) is applied below, so that features keep their file names.
        X, y = load_svmlight_file(path, zero_based=True, dtype=np.float64)
    except (ValueError, UnicodeDecodeError, EOFError, OSError, OverflowError) as error:
        raise DataError(_diagnose_svmlight(path, error)) from None
    if X.shape[0] == 0:
        raise DataError(f"{path}: no samples (the file has no data lines)")
    if X.nnz == 0:
        # scikit-learn reads a file of labels alone as one all-zero feature.
        raise DataError(f"{path}: no features (no line has a non-zero index:value pair)")
    base = 0
    if X.nnz and X.indices.min() > 0:
        X.indices -= 1  # in place: the arrays were just read
        X = sp.csr_matrix((X.data, X.indices, X.indptr), shape=(X.shape[0], X.shape[1] - 1))
        base = 1
    if X.shape[1] == 0:
        raise DataError(f"{path}: no features (no line has an index:value pair)")
    bad = _first_nonfinite(y)
    if bad is not None:
        raise DataError(f"{path}: the label of sample {bad + 1} is {_what(y[bad])}; "
                        f"{_MISSING_HINT}")
    bad = _first_nonfinite(X.data)
    if bad is not None:
        row = int(np.searchsorted(X.indptr, bad, side="right")) - 1
        feature = int(X.indices[bad]) + base
        raise DataError(f"{path}: sample {row + 1}, feature {feature} is "
                        f"{_what(X.data[bad])}; {_MISSING_HINT}")
    return Dataset(X.tocsc(), y, path, "svmlight", None, base)


def _svmlight_problem(tokens: list[str]) -> str | None:
    """What is wrong with the tokens of one svmlight line, None if nothing."""
    try:
        float(tokens[0])
    except ValueError:
        return f"the label {tokens[0][:40]!r} is not a number"
    previous = -1
    for position, token in enumerate(tokens[1:], start=1):
        match = _SVMLIGHT_PAIR.match(token)
        if match is None:
            return f"{token[:40]!r} is not index:value"
        index, value = match.groups()
        if index == "qid":
            if position != 1:
                return "qid:value must come right after the label"
            continue
        try:
            float(value)
        except ValueError:
            return f"the value {value[:40]!r} of {index} is not a number"
        if int(index) > _MAX_SVMLIGHT_INDEX:
            return f"the index {index[:40]} is too large (at most {_MAX_SVMLIGHT_INDEX})"
        if int(index) <= previous:
            return "feature indices must increase along a line"
        previous = int(index)
    return None


def _diagnose_svmlight(path: str, error: Exception) -> str:
    """A one-line message naming the first malformed line of a svmlight file."""
    try:
        with _open_text(path) as file:
            for number, line in enumerate(file, start=1):
                tokens = line.split("#", 1)[0].split()
                if not tokens:
                    continue
                problem = _svmlight_problem(tokens)
                if problem is not None:
                    return f"{path}, line {number}: not svmlight/libsvm data: {problem}"
    except (OSError, UnicodeDecodeError, EOFError):
        pass
    return f"{path}: not svmlight/libsvm data ({error})"


# --- CSV --------------------------------------------------------------------------------------


def _delimiter(path: str) -> str:
    return "\t" if _split_extension(path)[1] == ".tsv" else ","


def _read_header(path: str, delimiter: str) -> list[str]:
    try:
        with _open_text(path) as file:
            header = next(csv.reader(file, delimiter=delimiter), None)
    except (OSError, UnicodeDecodeError, EOFError, csv.Error) as error:
        raise DataError(f"{path}: cannot read a CSV header ({error})") from None
    if not header or not any(name.strip() for name in header):
        raise DataError(f"{path}: empty file: expected a header line of column names")
    return [name.strip() for name in header]


def _load_csv(path: str, target: str, text_labels: bool = False) -> Dataset:
    delimiter = _delimiter(path)
    header = _read_header(path, delimiter)
    positions = [k for k, name in enumerate(header) if name == target]
    if not positions:
        hint = ""
        if all(_is_number(name) for name in header):
            hint = " (the first line looks like data: the file needs a header line)"
        close = difflib.get_close_matches(target, header, n=1, cutoff=0.6)
        if close:
            hint += f"; did you mean {close[0]!r}?"
        raise DataError(f"{path}: no column {target!r} for --target; the columns are "
                        f"{_list_names(header)}{hint}")
    if len(positions) > 1:
        raise DataError(f"{path}: the header names {len(positions)} columns {target!r}; "
                        "--target needs a unique name")
    if len(header) < 2:
        raise DataError(f"{path}: the only column is the target {target!r}: no features")
    t = positions[0]
    try:
        data = _parse_csv(path, delimiter)
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as error:
        labels = _text_labels(path, delimiter, header, t) if text_labels else None
        if labels is None:
            raise DataError(_diagnose_csv(path, delimiter, header, error)) from None
        return _load_csv_labelled(path, delimiter, header, t, labels)
    if data.shape[0] == 0:
        raise DataError(f"{path}: no data lines after the header")
    if data.shape[1] != len(header):
        raise DataError(f"{path}: the data lines have {data.shape[1]} fields but the header "
                        f"has {len(header)}")
    # The one copy: rows as parsed -> a Fortran-ordered X without the target column.
    n, p = data.shape[0], data.shape[1] - 1
    X = np.empty((n, p), dtype=np.float64, order="F")
    X[:, :t] = data[:, :t]
    X[:, t:] = data[:, t + 1:]
    y = np.ascontiguousarray(data[:, t])
    del data
    names = header[:t] + header[t + 1:]
    _check_finite_dense(path, delimiter, header, X, y, t)
    return Dataset(X, y, path, "csv", names, 0)


def _parse_csv(path: str, delimiter: str, usecols: Sequence[int] | None = None) -> np.ndarray:
    """The numbers of a CSV file's data lines (of the columns ``usecols``), one row each."""
    with _open_text(path) as file, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no data": reported by the caller
        return np.loadtxt(file, delimiter=delimiter, skiprows=1, ndmin=2, comments=None,
                          quotechar='"', dtype=np.float64, usecols=usecols)


def _text_labels(path: str, delimiter: str, header: list[str], t: int) -> np.ndarray | None:
    """The target column ``t`` as strings when it holds a word before any malformed line,
    None when it does not (the numeric diagnosis then names the first problem)."""
    labels, missing, words = [], None, False
    try:
        for number, fields in _data_lines(path, delimiter):
            if len(fields) != len(header):
                if not words:
                    return None
                problem = ValueError(f"line {number} has {len(fields)} fields")
                raise DataError(_diagnose_csv(path, delimiter, header, problem, skip=t))
            label = fields[t].strip()
            if label.lower() in _MISSING:
                missing = missing or (number, label)
            else:
                words = words or not _is_number(label)
            labels.append(label)
    except (OSError, UnicodeDecodeError, EOFError, csv.Error):
        return None
    if not words:
        return None
    if missing is not None:
        raise DataError(f"{path}, line {missing[0]}, column {header[t]!r}: missing label "
                        f"({missing[1]!r}); {_MISSING_HINT}")
    return np.array(labels, dtype=str)


def _load_csv_labelled(path: str, delimiter: str, header: list[str], t: int,
                       labels: np.ndarray) -> Dataset:
    """A CSV file whose target column ``t`` holds class labels: the features parsed alone."""
    features = [k for k in range(len(header)) if k != t]
    try:
        data = _parse_csv(path, delimiter, features)
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as error:
        raise DataError(_diagnose_csv(path, delimiter, header, error, skip=t)) from None
    # Fortran order: the one copy of the parsed rows, as for numeric targets.
    X = np.asfortranarray(data)
    del data
    _check_finite_dense(path, delimiter, header, X, None, t)
    return Dataset(X, labels, path, "csv", header[:t] + header[t + 1:], 0)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _data_lines(path: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` of each non-blank data line of a CSV file."""
    with _open_text(path) as file:
        reader = csv.reader(file, delimiter=delimiter)
        next(reader, None)
        line_number = reader.line_num
        for fields in reader:
            start, line_number = line_number + 1, reader.line_num
            if fields:  # numpy.loadtxt skips empty lines too
                yield start, fields


def _diagnose_csv(path: str, delimiter: str, header: list[str], error: Exception,
                  skip: int | None = None) -> str:
    """A one-line message naming the line and column of the first unreadable CSV value
    (column ``skip``, a target of class labels, is not read as numbers)."""
    try:
        for number, fields in _data_lines(path, delimiter):
            if len(fields) != len(header):
                return (f"{path}, line {number}: {len(fields)} fields, but the header has "
                        f"{len(header)}")
            for k, (name, field) in enumerate(zip(header, fields, strict=True)):
                if k == skip:
                    continue
                text = field.strip()
                if text.lower() in _MISSING:
                    return (f"{path}, line {number}, column {name!r}: missing value "
                            f"({text!r}); {_MISSING_HINT}")
                if not _is_number(text):
                    return (f"{path}, line {number}, column {name!r}: {text[:40]!r} is not a "
                            "number; fastreg needs numeric columns (encode categories first)")
    except (OSError, UnicodeDecodeError, EOFError, csv.Error) as scan_error:
        return f"{path}: cannot read as CSV ({scan_error})"
    return f"{path}: cannot read as CSV ({error})"


def _check_finite_dense(path: str, delimiter: str, header: list[str], X: np.ndarray,
                        y: np.ndarray | None, t: int) -> None:
    """Raise a DataError naming the line and column of the first NaN or infinity (of X, and
    of y unless it is None: class labels)."""
    bad_y = None if y is None else _first_nonfinite(y)
    # (row, column in the file, value) of the first bad value, rows first.
    first = None if bad_y is None else (bad_y, t, y[bad_y])
    with np.errstate(over="ignore", invalid="ignore"):
        column_sums = X.sum(axis=0)
    for j in np.flatnonzero(~np.isfinite(column_sums)):
        bad = _first_nonfinite(X[:, j])
        if bad is not None and (first is None or bad < first[0]):
            first = (bad, j if j < t else j + 1, X[bad, j])
    if first is None:
        return
    row, column, value = first
    number = next(itertools.islice(_data_lines(path, delimiter), row, None), (None,))[0]
    where = f"line {number}" if number is not None else f"data row {row + 1}"
    raise DataError(f"{path}, {where}, column {header[column]!r}: {_what(value)}; "
                    f"{_MISSING_HINT}")


# --- npz --------------------------------------------------------------------------------------


def _load_npz(path: str, text_labels: bool = False) -> Dataset:
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path}: not a valid .npz archive ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(f"{path}: a single .npy array, not an .npz archive with X and y")
    with archive:
        keys = set(archive.files)
        try:
            X = _npz_matrix(path, archive, keys)
            y = _npz_array(path, archive, "y", keys)
            names = (_npz_array(path, archive, "feature_names", keys)
                     if "feature_names" in keys else None)
        except DataError:
            raise
        except (ValueError, TypeError, OSError, EOFError, zipfile.BadZipFile) as error:
            raise DataError(f"{path}: unreadable .npz archive ({error})") from None
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise DataError(f"{path}: 'y' has shape {y.shape}; X has {X.shape[0]} samples, so "
                        f"'y' must have shape ({X.shape[0]},)")
    if names is not None and names.shape != (X.shape[1],):
        raise DataError(f"{path}: 'feature_names' has shape {names.shape}; X has "
                        f"{X.shape[1]} features")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{path}: X has shape {X.shape}: no samples or no features")
    if text_labels and y.dtype.kind in "US":
        y = _npz_labels(path, y)
    else:
        y = _as_float(path, "y", y).astype(np.float64, copy=False)
        bad = _first_nonfinite(y)
        if bad is not None:
            raise DataError(f"{path}: y[{bad}] is {_what(y[bad])}; {_MISSING_HINT}")
    if sp.issparse(X):
        bad = _first_nonfinite(X.data)
        if bad is not None:
            row, column = int(X.indices[bad]), int(
                np.searchsorted(X.indptr, bad, side="right") - 1)
            raise DataError(f"{path}: X[{row}, {column}] is {_what(X.data[bad])}; "
                            f"{_MISSING_HINT}")
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            column_sums = X.sum(axis=0)
        for j in np.flatnonzero(~np.isfinite(column_sums)):
            bad = _first_nonfinite(X[:, j])
            if bad is not None:
                raise DataError(f"{path}: X[{bad}, {j}] is {_what(X[bad, j])}; "
                                f"{_MISSING_HINT}")
    return Dataset(X, y, path, "npz", None if names is None else names.tolist(), 0)


def _npz_labels(path: str, y: np.ndarray) -> np.ndarray:
    """A ``y`` of strings (bytes decoded as UTF-8) as class labels; none may be empty."""
    if y.dtype.kind == "S":
        try:
            y = np.char.decode(y, "utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: 'y' holds bytes that are not UTF-8 text") from None
    empty = np.flatnonzero(np.char.str_len(np.char.strip(y)) == 0)
    if empty.size:
        raise DataError(f"{path}: y[{empty[0]}] is an empty label; {_MISSING_HINT}")
    return y.astype(str)


def _npz_array(path: str, archive, key: str, keys: set[str]) -> np.ndarray:
    if key not in keys:
        raise DataError(f"{path}: no array {key!r} in the archive (it holds "
                        f"{', '.join(sorted(keys)) or 'nothing'}); see 'fastreg fit --help' "
                        "for the .npz layout")
    return archive[key]


def _npz_index(path: str, archive, key: str, keys: set[str]) -> np.ndarray:
    """An index array of a sparse X: integers only (scipy would truncate 1.5 to 1)."""
    values = _npz_array(path, archive, key, keys)
    if values.dtype.kind not in "iu":
        raise DataError(f"{path}: array {key!r} holds {values.dtype} values, not integer "
                        "indices")
    return values


def _as_float(path: str, key: str, values: np.ndarray) -> np.ndarray:
    """Numbers as float32 or float64 (other numeric dtypes become float64)."""
    if values.dtype.kind not in "biuf":
        raise DataError(f"{path}: array {key!r} holds {values.dtype} values, not numbers")
    return values if values.dtype in (np.float32, np.float64) else values.astype(np.float64)


def _npz_matrix(path: str, archive, keys: set[str]):
    """X from an archive: CSC as stored, CSR/COO converted to CSC once, dense as Fortran."""
    if "format" not in keys:
        if "X" not in keys:
            raise DataError(f"{path}: no 'X' (dense) and no 'format' (scipy sparse) in the "
                            f"archive (it holds {', '.join(sorted(keys)) or 'nothing'}); see "
                            "'fastreg fit --help' for the .npz layout")
        X = archive["X"]
        if X.ndim != 2:
            raise DataError(f"{path}: 'X' has shape {X.shape}; it must be 2-D")
        X = _as_float(path, "X", X)
        # float32 stays float32 (fastreg keeps it); the solvers read columns.
        return np.asfortranarray(X)
    fmt = archive["format"].item()  # scipy.sparse.save_npz stores it as bytes
    fmt = fmt.decode(errors="replace") if isinstance(fmt, bytes) else str(fmt)
    shape = _npz_array(path, archive, "shape", keys)
    if shape.dtype.kind not in "iu" or shape.shape != (2,) or (shape < 0).any():
        raise DataError(f"{path}: 'shape' is {shape.tolist()!r} ({shape.dtype}); X's shape "
                        "must be 2 non-negative integers")
    shape = (int(shape[0]), int(shape[1]))
    data = _npz_array(path, archive, "data", keys)
    if data.dtype.kind not in "biuf":
        raise DataError(f"{path}: array 'data' holds {data.dtype} values, not numbers")
    if data.dtype not in (np.float32, np.float64):
        data = data.astype(np.float64)
    try:
        if fmt in ("csc", "csr"):
            parts = (data, _npz_index(path, archive, "indices", keys),
                     _npz_index(path, archive, "indptr", keys))
            matrix = (sp.csc_matrix if fmt == "csc" else sp.csr_matrix)(parts, shape=shape)
            matrix.check_format(full_check=True)  # O(nnz): indices within the shape
        elif fmt == "coo":
            parts = (data, (_npz_index(path, archive, "row", keys),
                            _npz_index(path, archive, "col", keys)))
            matrix = sp.coo_matrix(parts, shape=shape)
        else:
            raise DataError(f"{path}: sparse format {fmt!r} is not supported; store X as "
                            "csc, csr or coo")
    except DataError:
        raise
    except (ValueError, TypeError, IndexError) as error:
        raise DataError(f"{path}: inconsistent sparse {fmt} arrays ({error})") from None
    return matrix if fmt == "csc" else matrix.tocsc()
