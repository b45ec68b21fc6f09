"""Tests of the data-file loaders of the ``fastreg`` command (``fastreg._io``)."""

import bz2
import gzip

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file

from fastreg._io import DataError, detect_format, load_data, save_npz
from fastreg._validation import check_design_matrix


def small_problem(n=12, p=5, seed=0):
    """A dense X with exact zeros (so that its sparse forms are really sparse) and y."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[rng.random(X.shape) < 0.4] = 0.0
    X[:, 0] = rng.normal(size=n)  # at least one entry in every row
    y = rng.normal(size=n)
    return X, y


def write_csv(path, header, rows, delimiter=","):
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def one_line(message):
    assert "\n" not in message, message
    return message


# --- svmlight ---------------------------------------------------------------------------------


def test_svmlight_one_based_keeps_the_file_indices_as_names(tmp_path):
    X, y = small_problem()
    path = tmp_path / "data.svm"
    dump_svmlight_file(X, y, str(path), zero_based=False)
    data = load_data(str(path))
    assert data.format == "svmlight"
    assert data.X.format == "csc" and data.X.shape == X.shape
    np.testing.assert_allclose(data.X.toarray(), X)
    np.testing.assert_allclose(data.y, y)
    assert data.names([0, 4]) == ["1", "5"]
    assert "12 samples, 5 features, sparse" in data.describe()


def test_svmlight_zero_based_file(tmp_path):
    X, y = small_problem()
    path = tmp_path / "data.libsvm"
    dump_svmlight_file(X, y, str(path), zero_based=True)
    data = load_data(str(path))
    np.testing.assert_allclose(data.X.toarray(), X)
    assert data.names([0, 4]) == ["0", "4"]


@pytest.mark.parametrize("opener, suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2")])
def test_svmlight_compressed(tmp_path, opener, suffix):
    path = tmp_path / f"data.svm{suffix}"
    with opener(path, "wt") as file:
        file.write("# a comment\n1.5 1:2 3:4\n-2 qid:3 2:1\n")
    data = load_data(str(path))
    np.testing.assert_allclose(data.X.toarray(), [[2, 0, 4], [0, 1, 0]])
    np.testing.assert_allclose(data.y, [1.5, -2])


def test_svmlight_csc_is_used_by_the_solvers_without_a_copy(tmp_path):
    X, y = small_problem(40, 30)
    path = tmp_path / "data.svm"
    dump_svmlight_file(X, y, str(path))
    data = load_data(str(path))
    assert data.X.has_canonical_format
    assert check_design_matrix(data.X)[0] is data.X


# --- CSV --------------------------------------------------------------------------------------


def test_csv_target_column_anywhere_and_names_from_the_header(tmp_path):
    X, y = small_problem()
    rows = [[*X[i, :2], y[i], *X[i, 2:]] for i in range(len(y))]
    path = write_csv(tmp_path / "data.csv", ["a", "b", "price", "c", "d", "e"], rows)
    data = load_data(str(path), target="price")
    assert data.format == "csv"
    np.testing.assert_allclose(data.X, X)
    np.testing.assert_allclose(data.y, y)
    assert data.names(range(5)) == ["a", "b", "c", "d", "e"]
    assert data.X.flags.f_contiguous and data.X.dtype == np.float64
    # The one copy made by the loader is the one the solvers use.
    assert check_design_matrix(data.X)[0] is data.X


def test_csv_quoted_header_blank_lines_and_byte_order_mark(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('\ufeff"first, name",y\n1,2\n\n"3",4\n', encoding="utf-8")
    data = load_data(str(path), target="y")
    assert data.names([0]) == ["first, name"]
    np.testing.assert_allclose(data.X[:, 0], [1, 3])
    np.testing.assert_allclose(data.y, [2, 4])


def test_tsv_and_compressed_csv(tmp_path):
    tsv = write_csv(tmp_path / "data.tsv", ["x", "y"], [[1, 2], [3, 4]], delimiter="\t")
    np.testing.assert_allclose(load_data(str(tsv), target="y").X[:, 0], [1, 3])
    gz = tmp_path / "data.csv.gz"
    with gzip.open(gz, "wt") as file:
        file.write("x,y\n5,6\n7,8\n")
    data = load_data(str(gz), target="y")
    np.testing.assert_allclose(data.y, [6, 8])


# --- npz --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_npz_in_scipy_save_npz_layout_plus_y(tmp_path, fmt):
    X, y = small_problem()
    matrix = sp.coo_matrix(X).asformat(fmt)
    arrays = {"format": np.array(fmt), "shape": np.array(matrix.shape), "data": matrix.data}
    if fmt == "coo":
        arrays.update(row=matrix.row, col=matrix.col)
    else:
        arrays.update(indices=matrix.indices, indptr=matrix.indptr)
    path = tmp_path / "data.npz"
    np.savez(path, y=y, **arrays)
    data = load_data(str(path))
    assert data.format == "npz" and data.X.format == "csc"
    np.testing.assert_allclose(data.X.toarray(), X)
    np.testing.assert_allclose(data.y, y)
    assert data.names([0, 2]) == ["0", "2"]


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_npz_written_by_scipy_save_npz(tmp_path, fmt):
    """scipy.sparse.save_npz stores the format as bytes (b'csc'): it was rejected as the
    format "b'csc'"."""
    X, y = small_problem()
    written = tmp_path / "scipy.npz"
    sp.save_npz(written, sp.coo_matrix(X).asformat(fmt))
    with np.load(written) as archive:
        arrays = dict(archive)
    assert isinstance(arrays["format"].item(), bytes)
    path = tmp_path / "data.npz"
    np.savez(path, y=y, **arrays)  # the same arrays, bytes format included, plus a target
    data = load_data(str(path))
    assert data.X.format == "csc"
    np.testing.assert_allclose(data.X.toarray(), X)
    np.testing.assert_allclose(data.y, y)


def test_npz_csc_is_used_as_stored(tmp_path):
    X, y = small_problem(30, 20)
    path = tmp_path / "data.npz"
    save_npz(str(path), sp.csc_matrix(X), y, compressed=False)
    data = load_data(str(path))
    assert check_design_matrix(data.X)[0] is data.X


def test_npz_dense_float32_and_feature_names(tmp_path):
    X, y = small_problem()
    path = tmp_path / "data.npz"
    save_npz(str(path), X.astype(np.float32), y, feature_names=list("vwxyz"))
    data = load_data(str(path))
    assert data.X.dtype == np.float32 and data.X.flags.f_contiguous
    np.testing.assert_allclose(data.X, X.astype(np.float32))
    assert data.names([4, 0]) == ["z", "v"]


# --- formats ----------------------------------------------------------------------------------


def test_formats_by_content_when_the_extension_says_nothing(tmp_path):
    svm = tmp_path / "news20.binary"
    svm.write_text("1 3:0.5 10:1\n-1 2:1\n")
    assert detect_format(str(svm)) == "svmlight"
    assert load_data(str(svm)).X.shape == (2, 10)
    archive = tmp_path / "archive.bin"
    save_npz(str(tmp_path / "archive.npz"), np.eye(3), np.ones(3))
    archive.write_bytes((tmp_path / "archive.npz").read_bytes())
    assert detect_format(str(archive)) == "npz"


def test_explicit_format_overrides_the_extension(tmp_path):
    path = write_csv(tmp_path / "table.txt", ["x", "y"], [[1, 2], [3, 4]])
    data = load_data(str(path), format="csv", target="y")
    np.testing.assert_allclose(data.y, [2, 4])


# --- errors -----------------------------------------------------------------------------------


def error_of(path, **kwargs):
    with pytest.raises(DataError) as info:
        load_data(str(path), **kwargs)
    return one_line(str(info.value))


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in error_of(tmp_path / "absent.csv", target="y")
    assert "is a directory" in error_of(tmp_path)


def test_unknown_format(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"\x00\x01binary")
    message = error_of(path)
    assert "unknown format (.xlsx)" in message and "--format" in message


def test_missing_target_column_lists_the_columns(tmp_path):
    path = write_csv(tmp_path / "data.csv", ["a", "b", "y"], [[1, 2, 3]])
    message = error_of(path, target="price")
    assert "no column 'price'" in message and "'a', 'b', 'y'" in message
    assert "needs --target" in error_of(path)


def test_headerless_csv_hint(tmp_path):
    path = write_csv(tmp_path / "data.csv", ["1", "2", "3"], [[4, 5, 6]])
    assert "needs a header line" in error_of(path, target="y")


def test_many_columns_are_listed_up_to_ten_with_the_last(tmp_path):
    """Nine first names and the last (a target column is often last: it was hidden)."""
    header = [f"c{j}" for j in range(25)]
    path = write_csv(tmp_path / "data.csv", header, [list(range(25))])
    message = error_of(path, target="y")
    assert "'c8', ..., 'c24' (25 columns)" in message and "'c9'" not in message


def test_duplicate_target_and_target_only(tmp_path):
    both = write_csv(tmp_path / "twice.csv", ["y", "a", "y"], [[1, 2, 3]])
    assert "columns 'y'" in error_of(both, target="y")
    alone = write_csv(tmp_path / "alone.csv", ["y"], [[1]])
    assert "no features" in error_of(alone, target="y")


def test_target_is_for_csv_only(tmp_path):
    path = tmp_path / "data.svm"
    path.write_text("1 1:2\n")
    assert "--target names a CSV column" in error_of(path, target="y")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("1,2,3\n4,abc,6\n", "line 3, column 'b': 'abc' is not a number"),
        ("1,2,3\n4,,6\n", "line 3, column 'b': missing value ('')"),
        ("1,2,3\n4,NA,6\n", "line 3, column 'b': missing value ('NA')"),
        ("1,2,3\n\n4,nan,6\n", "line 4, column 'b': NaN"),
        ("1,2,3\n4,5,inf\n", "line 3, column 'y': an infinite value"),
        ("1,2,3\n4,5\n", "line 3: 2 fields, but the header has 3"),
        ("", "no data lines"),
    ],
)
def test_csv_value_errors_name_line_and_column(tmp_path, body, expected):
    path = tmp_path / "data.csv"
    path.write_text("a,b,y\n" + body)
    message = error_of(path, target="y")
    assert expected in message and str(path) in message


def test_empty_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("")
    assert "empty file" in error_of(path, target="y")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("1 1:2\n2 2:abc\n", "line 2: not svmlight/libsvm data: the value 'abc'"),
        ("1 1:2\nyes 2:1\n", "line 2: not svmlight/libsvm data: the label 'yes'"),
        ("1 2:1 1:2\n", "line 1: not svmlight/libsvm data: feature indices must increase"),
        ("1 1:2 qid:4\n", "line 1: not svmlight/libsvm data: qid:value must come right"),
        ("1 1:2\n2 3:nan\n", "sample 2, feature 3 is NaN"),
        ("nan 1:2\n", "the label of sample 1 is NaN"),
        ("", "no samples"),
    ],
)
def test_svmlight_errors(tmp_path, body, expected):
    path = tmp_path / "data.svm"
    path.write_text(body)
    assert expected in error_of(path)


def test_npz_errors(tmp_path):
    X, y = small_problem()
    no_y = tmp_path / "no_y.npz"
    np.savez(no_y, X=X)
    assert "no array 'y'" in error_of(no_y)
    bad_y = tmp_path / "bad_y.npz"
    np.savez(bad_y, X=X, y=y[:-1])
    assert "'y' has shape (11,)" in error_of(bad_y)
    no_x = tmp_path / "no_x.npz"
    np.savez(no_x, y=y)
    assert "no 'X' (dense) and no 'format'" in error_of(no_x)
    text = tmp_path / "text.npz"
    text.write_text("not an archive")
    assert "not a valid .npz archive" in error_of(text)
    strings = tmp_path / "strings.npz"
    np.savez(strings, X=np.array([["a"]]), y=np.ones(1))
    assert "not numbers" in error_of(strings)
    nan = tmp_path / "nan.npz"
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    np.savez(nan, X=X_nan, y=y)
    assert "X[3, 2] is NaN" in error_of(nan)
    dok = tmp_path / "dok.npz"
    np.savez(dok, format=np.array("dok"), shape=np.array([2, 2]), data=np.ones(1), y=y[:2])
    assert "sparse format 'dok' is not supported" in error_of(dok)
    broken = tmp_path / "broken.npz"
    np.savez(broken, format=np.array("csr"), shape=np.array([2, 2]), data=np.ones(2),
             indices=np.array([0, 5]), indptr=np.array([0, 1, 2]), y=y[:2])
    assert "inconsistent sparse csr arrays" in error_of(broken)


# --- class labels as words (text_labels=True) --------------------------------------------------


def test_csv_text_labels_are_read_as_strings_only_when_asked(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text('a,class,b\n1.5,yes,2\n-1,no,0\n3," yes ",4e-1\n')
    data = load_data(str(path), target="class", text_labels=True)
    assert data.y.dtype.kind == "U" and data.y.tolist() == ["yes", "no", "yes"]
    assert data.X.flags.f_contiguous and data.X.dtype == np.float64
    np.testing.assert_array_equal(data.X, [[1.5, 2.0], [-1.0, 0.0], [3.0, 0.4]])
    assert data.feature_names == ["a", "b"]
    # Without text_labels a word in the target is a value that is not a number, as before.
    assert "line 2, column 'class': 'yes' is not a number" in error_of(path, target="class")


def test_csv_numeric_target_stays_float_with_text_labels(tmp_path):
    X, y = small_problem()
    path = write_csv(tmp_path / "numbers.csv", ["a", "b", "c", "d", "e", "y"],
                     np.column_stack([X, y]))
    data = load_data(str(path), target="y", text_labels=True)
    assert data.y.dtype == np.float64
    np.testing.assert_allclose(data.y, y)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("1,yes\n2,NA\n", "line 3, column 'class': missing label ('NA')"),
        ("1,yes\n,no\n", "line 3, column 'a': missing value ('')"),
        ("x,yes\n2,no\n", "line 2, column 'a': 'x' is not a number"),
        ("1,yes\n2,no,3\n", "line 3: 3 fields, but the header has 2"),
        ("1,yes\ninf,no\n", "line 3, column 'a': an infinite value"),
    ],
)
def test_csv_text_label_errors_name_line_and_column(tmp_path, body, expected):
    path = tmp_path / "labels.csv"
    path.write_text("a,class\n" + body)
    assert expected in error_of(path, target="class", text_labels=True)


def test_npz_text_labels(tmp_path):
    X, _ = small_problem()
    words = np.array(["spam", "ham"] * 6)
    path = tmp_path / "words.npz"
    np.savez(path, X=X, y=words)
    assert "not numbers" in error_of(path)  # a y of strings only when asked
    data = load_data(str(path), text_labels=True)
    assert data.y.tolist() == words.tolist()
    encoded = tmp_path / "bytes.npz"
    np.savez(encoded, X=X, y=words.astype("S"))
    assert load_data(str(encoded), text_labels=True).y.tolist() == words.tolist()
    empty = tmp_path / "empty.npz"
    np.savez(empty, X=X, y=np.array(["a"] * 11 + [" "]))
    assert "y[11] is an empty label" in error_of(empty, text_labels=True)
    latin = tmp_path / "latin.npz"
    np.savez(latin, X=X[:2], y=np.array([b"\xe9", b"a"]))
    assert "not UTF-8" in error_of(latin, text_labels=True)
