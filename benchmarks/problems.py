"""Deterministic benchmark problems (docs/architecture.md, Benchmarks).

Every generator takes a ``seed`` and a ``scale`` and returns ``(X, y)``: ``X`` is either a dense
Fortran-ordered float64 array or a CSC float64 matrix with sorted int32 indices, ``y`` a float64
vector.  The same seed and scale always give the same arrays.  ``return_coef=True`` also returns
the ground truth ``w_true`` (``None`` for the real data of ``diabetes_poly``).

**Classification.**  :func:`make_classification` draws labels ``y_i in {-1, +1}`` from
``Bernoulli(sigmoid(eta_i))`` on the same ``X`` and ``w_true`` (the generators above are called
as they are, so ``X`` is the regression problem's): ``eta = k X w_true / std + b``, with ``std``
the standard deviation of ``X w_true`` over the rows where it is non-zero (in the sparse problems
most rows hold none of the true features) and ``(k, b)`` per problem in
:data:`CLASSIFICATION_PROBLEMS`, chosen so that the L1 path selects true features early (the
offsets make the rows without signal mostly negative, which keeps their labels from burying it).
The labels use their own random stream, ``default_rng([seed, 1])``.

**Multi-task.**  :data:`MULTITASK_PROBLEMS` return ``(X, Y)`` with ``Y`` of shape
``(n_samples, n_tasks)`` (C-ordered float64) and, with ``return_coef=True``, the row-sparse
``W_true`` of shape ``(n_tasks, n_features)`` (scikit-learn's ``coef_`` layout: the same few
features are active in every task, with other values); :func:`get_multitask_problem` caches
them.  ``Y = X W_true^T + 1 b_true^T + noise``, one offset per task, SNR 3 (Frobenius norms).

``scale`` shrinks a problem for quick runs and tests: rows and columns are multiplied by it
(with floors so that tiny problems stay meaningful); quantities that describe the *structure*
(correlation, density, non-zeros per row of ``text_like``) are kept.  ``scale=1`` is the size in
docs/architecture.md's table; ``small=True`` in :func:`get_problem` means ``scale=0.1``.

Signal-to-noise ratio is defined on norms: ``||X w_true|| / ||noise|| = snr``.

Problems are cached in-process by :func:`get_problem` and :func:`get_classification_problem`
(which share ``X``); callers must not modify the returned arrays in place.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

__all__ = [
    "CLASSIFICATION_PROBLEMS",
    "MULTITASK_PROBLEMS",
    "PROBLEMS",
    "SMALL_SCALE",
    "clear_cache",
    "get_classification_problem",
    "get_multitask_problem",
    "get_problem",
    "make_classification",
    "make_diabetes_poly",
    "make_mt_sparse",
    "make_e2006_like",
    "make_mt_wide_dense",
    "make_ngram_text",
    "make_sparse_wide",
    "make_tall_dense",
    "make_text_like",
    "make_wide_dense",
]

#: ``scale`` used for ``small=True``.
SMALL_SCALE = 0.1


def _scaled(size, scale, floor):
    return max(int(round(size * scale)), floor)


def _true_coef(rng, n_features, n_nonzero, support=None):
    """A sparse ground truth: random support, random signs, magnitudes in [1, 2]."""
    coef = np.zeros(n_features)
    candidates = np.arange(n_features) if support is None else support
    n_nonzero = min(n_nonzero, candidates.size)
    idx = rng.choice(candidates, size=n_nonzero, replace=False)
    coef[idx] = rng.choice([-1.0, 1.0], size=n_nonzero) * rng.uniform(1.0, 2.0, size=n_nonzero)
    return coef


def _add_noise(rng, signal, snr):
    """``signal`` (a vector, or a matrix of one column per task) plus noise at ``snr``."""
    noise = rng.standard_normal(signal.shape)
    signal_norm = np.linalg.norm(signal)
    noise *= signal_norm / (snr * np.linalg.norm(noise)) if signal_norm > 0 else 1.0
    return signal + noise


def _ar1_gaussian(rng, n_samples, n_features, rho):
    """Gaussian columns with corr(x_j, x_k) = rho^|j-k| (Toeplitz), Fortran-ordered.

    AR(1) recursion across columns: x_0 = z_0, x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j, so every
    column has unit variance.  One column at a time: no temporary as large as X.
    """
    X = np.empty((n_samples, n_features), order="F")
    innovation = np.sqrt(1.0 - rho * rho)
    X[:, 0] = rng.standard_normal(n_samples)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + innovation * rng.standard_normal(n_samples)
    return X


def make_wide_dense(seed=0, scale=1.0, return_coef=False):
    """72 x 7129 Gaussian, Toeplitz rho=0.5, 20 true non-zeros, SNR 3 (a microarray shape).

    Only the number of columns shrinks with ``scale``: 72 rows is already small.
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features = 72, _scaled(7129, scale, 100)
    X = _ar1_gaussian(rng, n_samples, n_features, rho=0.5)
    coef = _true_coef(rng, n_features, 20)
    y = _add_noise(rng, X @ coef, snr=3.0)
    return (X, y, coef) if return_coef else (X, y)


def make_tall_dense(seed=0, scale=1.0, return_coef=False):
    """50000 x 500 Gaussian, Toeplitz rho=0.6, 50 true non-zeros, SNR 3."""
    rng = np.random.default_rng(seed)
    n_samples, n_features = _scaled(50_000, scale, 200), _scaled(500, scale, 20)
    X = _ar1_gaussian(rng, n_samples, n_features, rho=0.6)
    coef = _true_coef(rng, n_features, _scaled(50, scale, 5))
    y = _add_noise(rng, X @ coef, snr=3.0)
    return (X, y, coef) if return_coef else (X, y)


def _csc_from_keys(keys, values, n_samples, n_features):
    """CSC matrix from sorted unique linear keys ``col * n_samples + row``."""
    cols = keys // n_samples
    rows = (keys - cols * n_samples).astype(np.int32)
    indptr = np.zeros(n_features + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=n_features), out=indptr[1:])
    if indptr[-1] <= np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    X = sp.csc_matrix((values, rows, indptr), shape=(n_samples, n_features))
    X.has_sorted_indices = True
    return X


def make_sparse_wide(seed=0, scale=1.0, return_coef=False):
    """CSC 10000 x 200000, density 1e-3, Gaussian values, 100 true non-zeros, SNR 3.

    Built from coordinates: each column draws Binomial(n, density) row positions; duplicate
    (row, column) pairs are merged away, which removes about density/2 of the entries.
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features = _scaled(10_000, scale, 200), _scaled(200_000, scale, 1000)
    density = 1e-3
    counts = rng.binomial(n_samples, density, size=n_features)
    cols = np.repeat(np.arange(n_features, dtype=np.int64), counts)
    rows = rng.integers(0, n_samples, size=cols.size)
    keys = np.unique(cols * n_samples + rows)
    values = rng.standard_normal(keys.size)
    X = _csc_from_keys(keys, values, n_samples, n_features)
    coef = _true_coef(rng, n_features, _scaled(100, scale, 10))
    y = _add_noise(rng, X @ coef, snr=3.0)
    return (X, y, coef) if return_coef else (X, y)


def make_text_like(seed=0, scale=1.0, zipf_exponent=1.0, terms_per_row=100, return_coef=False):
    """CSC 20000 x 1000000 bag of words with tf-idf values and L2-normalized rows.

    Word (column) ranks follow a Zipf law P(j) ~ 1/(j+1)^s.  Each document draws a
    Poisson-distributed number of tokens; repeated tokens in a document become its term count,
    so the number of *distinct* terms, the non-zeros of a row, is about ``terms_per_row`` (the
    mean token count is solved for from the Zipf probabilities to make that so).  Values are
    ``(1 + log tf) * idf`` with the smoothed idf ``log((1 + n) / (1 + df)) + 1``, then each row
    is scaled to unit norm.  Fully vectorized: tokens are sampled by inverse CDF in one call.

    The response uses 100 true non-zeros among words that occur in at least 5 documents, SNR 3.
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features = _scaled(20_000, scale, 200), _scaled(1_000_000, scale, 2000)

    cdf = np.cumsum(1.0 / np.arange(1, n_features + 1, dtype=np.float64) ** zipf_exponent)
    cdf /= cdf[-1]

    # Tokens per document whose expected number of distinct words is ``terms_per_row``:
    # E[distinct](T) = sum_j 1 - (1 - p_j)^T is increasing in T; bisect it.
    probs = np.diff(cdf, prepend=0.0)
    log_miss = np.log1p(-np.minimum(probs, 1.0 - 1e-12))
    low, high = float(terms_per_row), 50.0 * terms_per_row
    for _ in range(40):
        mid = 0.5 * (low + high)
        if np.sum(-np.expm1(mid * log_miss)) < terms_per_row:
            low = mid
        else:
            high = mid
    tokens_per_row = 0.5 * (low + high)

    lengths = np.maximum(rng.poisson(tokens_per_row, size=n_samples), 1)
    rows = np.repeat(np.arange(n_samples, dtype=np.int64), lengths)
    cols = np.searchsorted(cdf, rng.random(rows.size)).astype(np.int64)
    np.minimum(cols, n_features - 1, out=cols)  # guard against cdf[-1] rounding
    keys, term_counts = np.unique(cols * n_samples + rows, return_counts=True)
    del rows, cols

    X = _csc_from_keys(keys, np.ones(keys.size), n_samples, n_features)
    doc_freq = np.diff(X.indptr)
    idf = np.log((1.0 + n_samples) / (1.0 + doc_freq)) + 1.0
    X.data = (1.0 + np.log(term_counts)) * np.repeat(idf, doc_freq)
    row_norms = np.sqrt(np.bincount(X.indices, weights=X.data**2, minlength=n_samples))
    X.data /= row_norms[X.indices]

    support = np.flatnonzero(doc_freq >= 5)
    coef = _true_coef(rng, n_features, _scaled(100, scale, 10), support=support)
    y = _add_noise(rng, X @ coef, snr=3.0)
    return (X, y, coef) if return_coef else (X, y)


def _zipf_tokens(rng, n_tokens, vocabulary, exponent):
    """``n_tokens`` word ids drawn from a Zipf law ``P(j) ~ 1 / (j + 1)^exponent``."""
    cdf = np.cumsum(1.0 / np.arange(1, vocabulary + 1, dtype=np.float64) ** exponent)
    cdf /= cdf[-1]
    tokens = np.searchsorted(cdf, rng.random(n_tokens))
    return np.minimum(tokens, vocabulary - 1)  # guard against cdf[-1] rounding


def make_ngram_text(seed=0, scale=1.0, n_samples=20_000, n_features=2_000_000,
                    tokens_per_row=500, zipf_exponent=1.1, signal_fraction=0.01, snr=1.0,
                    return_coef=False):
    """CSC ``n_samples x n_features`` word uni- and bigram tf-idf (sublinear), rows L2-normalized.

    Documents are sequences of ``Poisson(tokens_per_row)`` Zipf-distributed words from a
    vocabulary of a quarter of the columns (the words that occur are columns); every pair of
    adjacent words is a bigram, and the most frequent bigrams (by document frequency) fill
    the other columns.  A bigram's column is therefore supported on rows where both of its
    words occur, and nearly a copy of them for the frequent ones: the near-collinear columns
    of real text (a bag of uni- and bigrams with scikit-learn's ``sublinear_tf=True``
    tf-idf).  Values are
    ``(1 + log tf) * idf`` with the smoothed idf, then each row is scaled to unit norm.

    The response spreads its signal as real text targets do: ``signal_fraction`` of the
    features in at least 5 documents (words and bigrams alike) have a standard normal
    coefficient, SNR ``snr``.  Near alpha_max / 100 the Lasso's support then approaches n,
    among near-copies of its columns: the hard regime of real text.
    """
    rng = np.random.default_rng(seed)
    n_samples = _scaled(n_samples, scale, 200)
    n_features = _scaled(n_features, scale, 4000)
    vocabulary = n_features // 4
    lengths = np.maximum(rng.poisson(tokens_per_row, size=n_samples), 2)
    tokens = _zipf_tokens(rng, int(lengths.sum()), vocabulary, zipf_exponent).astype(np.int64)
    rows = np.repeat(np.arange(n_samples, dtype=np.int64), lengths)

    observed, tokens = np.unique(tokens, return_inverse=True)  # words that occur, renumbered
    vocabulary = observed.size
    word_keys, word_counts = np.unique(tokens * n_samples + rows, return_counts=True)
    follows = rows[1:] == rows[:-1]  # adjacent tokens of one document
    pair_codes = tokens[:-1][follows] * vocabulary + tokens[1:][follows]
    pair_keys, pair_counts = np.unique(pair_codes * n_samples + rows[:-1][follows],
                                       return_counts=True)
    del tokens, rows, follows, pair_codes
    pair_of_key = pair_keys // n_samples
    codes, doc_freq = np.unique(pair_of_key, return_counts=True)
    n_pairs = min(n_features - vocabulary, codes.size)
    # The most frequent pairs (ties by code: deterministic), numbered in code order.
    kept = np.sort(codes[np.lexsort((codes, -doc_freq))[:n_pairs]])
    position = np.searchsorted(kept, pair_of_key)
    is_kept = (position < kept.size) & (kept[np.minimum(position, kept.size - 1)]
                                        == pair_of_key)
    pair_columns = vocabulary + position[is_kept]
    pair_rows = pair_keys[is_kept] - pair_of_key[is_kept] * n_samples
    keys = np.concatenate([word_keys, pair_columns * n_samples + pair_rows])
    counts = np.concatenate([word_counts, pair_counts[is_kept]])
    del word_keys, pair_keys, pair_of_key, position, is_kept, pair_columns, pair_rows
    order = np.argsort(keys, kind="stable")  # words' keys precede the pairs': merge them
    keys, counts = keys[order], counts[order]
    width = vocabulary + n_pairs

    X = _csc_from_keys(keys, np.ones(keys.size), n_samples, width)
    doc_freq = np.diff(X.indptr)
    idf = np.log((1.0 + n_samples) / (1.0 + doc_freq)) + 1.0
    X.data = (1.0 + np.log(counts)) * np.repeat(idf, doc_freq)
    row_norms = np.sqrt(np.bincount(X.indices, weights=X.data**2, minlength=n_samples))
    X.data /= np.where(row_norms > 0, row_norms, 1.0)[X.indices]

    frequent = np.flatnonzero(doc_freq >= 5)
    coef = np.zeros(width)
    chosen = rng.choice(frequent, size=max(int(signal_fraction * frequent.size), 1),
                        replace=False)
    coef[chosen] = rng.standard_normal(chosen.size)
    y = _add_noise(rng, X @ coef, snr=snr)
    return (X, y, coef) if return_coef else (X, y)


def make_e2006_like(seed=0, scale=1.0, return_coef=False):
    """The size of E2006-log1p (16087 x 4272227, about 97 million stored values, 6000 per
    row), the field's standard large regression problem: :func:`make_ngram_text` with long
    documents (10-K reports), 16000 x 4300000 and about 5000 tokens per document."""
    return make_ngram_text(seed, scale, n_samples=16_000, n_features=4_300_000,
                           tokens_per_row=5000, return_coef=return_coef)


def make_diabetes_poly(seed=0, scale=1.0, return_coef=False):
    """scikit-learn's diabetes data (442 x 10), degree-3 polynomial features without bias.

    10 features give 285 columns, each standardized to mean 0 and variance 1; ``y`` is the
    disease progression target, as is.  ``seed`` and ``scale`` are accepted for a uniform
    signature and ignored: the problem is real data and already small.
    """
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import PolynomialFeatures

    del seed, scale
    data, y = load_diabetes(return_X_y=True)
    X = PolynomialFeatures(degree=3, include_bias=False).fit_transform(data)
    X -= X.mean(axis=0)
    std = X.std(axis=0)
    X /= np.where(std > 0, std, 1.0)
    X, y = np.asfortranarray(X), np.ascontiguousarray(y, dtype=np.float64)
    return (X, y, None) if return_coef else (X, y)


#: name -> generator ``(seed=0, scale=1.0, return_coef=False) -> (X, y[, w_true])``.
PROBLEMS = {
    "wide_dense": make_wide_dense,
    "tall_dense": make_tall_dense,
    "sparse_wide": make_sparse_wide,
    "text_like": make_text_like,
    "diabetes_poly": make_diabetes_poly,
    "ngram_text": make_ngram_text,
    "e2006_like": make_e2006_like,
}

#: name -> ``(k, b)`` of the labels' logit ``eta = k X w_true / std + b`` (module docstring).
#: The sparse problems' strong ``k`` and negative ``b``: only about 10% of ``sparse_wide``'s rows
#: touch a true feature, and one frequent word dominates ``text_like``'s ``X w_true``; with the
#: dense problems' ``(4, -1)`` their paths select mostly noise columns.
CLASSIFICATION_PROBLEMS = {
    "wide_dense": (4.0, -1.0),
    "tall_dense": (4.0, -1.0),
    "sparse_wide": (8.0, -2.5),
    "text_like": (8.0, -5.0),
}

_LABEL_STREAM = 1


def _draw_labels(X, coef, strength, offset, seed):
    eta = np.asarray(X @ coef, dtype=np.float64).ravel()
    active = eta != 0.0
    spread = eta[active].std() if active.any() else 0.0
    if spread > 0:
        eta *= strength / spread
    rng = np.random.default_rng([seed, _LABEL_STREAM])
    return np.where(rng.random(eta.shape[0]) < expit(eta + offset), 1.0, -1.0)


def make_classification(name, seed=0, scale=1.0, return_coef=False):
    """``(X, y)`` of problem ``name`` with labels in ``{-1.0, +1.0}`` (module docstring).

    Parameters
    ----------
    name : str
        A key of :data:`CLASSIFICATION_PROBLEMS`.
    seed, scale : int, float
        As for the generators of :data:`PROBLEMS`; ``X`` and ``w_true`` are theirs.
    return_coef : bool, default=False
        Also return ``w_true``.
    """
    if name not in CLASSIFICATION_PROBLEMS:
        raise KeyError(
            f"no classification version of {name!r}; choose from {sorted(CLASSIFICATION_PROBLEMS)}"
        )
    X, _, coef = PROBLEMS[name](seed=seed, scale=scale, return_coef=True)
    y = _draw_labels(X, coef, *CLASSIFICATION_PROBLEMS[name], seed)
    return (X, y, coef) if return_coef else (X, y)


# -- multi-task problems --------------------------------------------------------------------


def _true_rows(rng, n_tasks, n_features, n_rows, support=None):
    """A row-sparse ``W_true`` of shape (n_tasks, n_features): ``n_rows`` active features.

    Each active feature gets Gaussian values in every task, times a magnitude in [1, 2] shared
    by its tasks; the support is drawn from ``support`` (default: every feature).
    """
    coef = np.zeros((n_tasks, n_features))
    candidates = np.arange(n_features) if support is None else support
    n_rows = min(n_rows, candidates.size)
    idx = rng.choice(candidates, size=n_rows, replace=False)
    coef[:, idx] = rng.standard_normal((n_tasks, n_rows)) * rng.uniform(1.0, 2.0, size=n_rows)
    return coef


def _multitask_response(rng, X, coef, snr):
    """``X coef^T + 1 b^T + noise``: offsets ``b`` uniform in [-3, 3], noise at ``snr``."""
    offsets = rng.uniform(-3.0, 3.0, size=coef.shape[0])
    signal = np.asarray(X @ coef.T, dtype=np.float64)
    return np.ascontiguousarray(_add_noise(rng, signal, snr) + offsets)


def make_mt_wide_dense(seed=0, scale=1.0, return_coef=False):
    """72 x 7129, 20 tasks: a leukemia-like gene-expression shape, 20 true features, SNR 3.

    Genes are assigned at random to ``n_features // 100`` co-expressed modules: gene ``j`` of
    module ``m`` is ``a_j f_m + sqrt(1 - a_j^2) e_j`` with a module factor ``f_m``, a loading
    ``a_j`` uniform in [0.4, 0.95] (within-module correlations ``a_j a_k`` from 0.16 to 0.9)
    and its own noise ``e_j``; 30% of the genes follow no module (``a_j = 0``).  The 72 samples
    fall in two groups of 47 and 25 (leukemia's ALL and AML), and 10% of the genes are shifted
    between them by a Gaussian amount.  Columns are then standardized to mean 0 and variance 1,
    as the usual leukemia data are.  As for ``wide_dense``, only the number of columns shrinks with
    ``scale``; the tasks and the 20 true rows stay.
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features, n_tasks = 72, _scaled(7129, scale, 100), 20
    n_modules = max(n_features // 100, 2)
    module = rng.integers(0, n_modules, size=n_features)
    loading = rng.uniform(0.4, 0.95, size=n_features)
    loading[rng.random(n_features) < 0.3] = 0.0
    factors = rng.standard_normal((n_samples, n_modules))
    X = factors[:, module] * loading + np.sqrt(1.0 - loading**2) * rng.standard_normal(
        (n_samples, n_features)
    )
    group = np.zeros(n_samples)
    group[rng.permutation(n_samples)[:25]] = 1.0
    shifted = rng.random(n_features) < 0.1
    X[:, shifted] += np.outer(group, rng.standard_normal(int(shifted.sum())))
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    X = np.asfortranarray(X)
    coef = _true_rows(rng, n_tasks, n_features, 20)
    Y = _multitask_response(rng, X, coef, snr=3.0)
    return (X, Y, coef) if return_coef else (X, Y)


def make_mt_sparse(seed=0, scale=1.0, return_coef=False):
    """CSC 2000 x 20000, density 5e-3, Gaussian values, 10 tasks, 50 true features, SNR 3.

    Built as ``sparse_wide`` is (Binomial row counts per column, duplicates merged).  The true
    features are drawn among the columns with at least 3 non-zeros, so that each one is seen in
    several samples.
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features, n_tasks = _scaled(2000, scale, 500), _scaled(20_000, scale, 5000), 10
    density = 5e-3
    counts = rng.binomial(n_samples, density, size=n_features)
    cols = np.repeat(np.arange(n_features, dtype=np.int64), counts)
    rows = rng.integers(0, n_samples, size=cols.size)
    keys = np.unique(cols * n_samples + rows)
    X = _csc_from_keys(keys, rng.standard_normal(keys.size), n_samples, n_features)
    support = np.flatnonzero(np.diff(X.indptr) >= 3)
    coef = _true_rows(rng, n_tasks, n_features, _scaled(50, scale, 10), support=support)
    Y = _multitask_response(rng, X, coef, snr=3.0)
    return (X, Y, coef) if return_coef else (X, Y)


#: name -> multi-task generator ``(seed=0, scale=1.0, return_coef=False) -> (X, Y[, W_true])``.
MULTITASK_PROBLEMS = {
    "mt_wide_dense": make_mt_wide_dense,
    "mt_sparse": make_mt_sparse,
}


_CACHE = {}


def _resolve_scale(small, scale):
    if scale is None:
        scale = SMALL_SCALE if small else 1.0
    return float(scale)


def _base(name, scale, seed):
    """float64 ``(X, y, w_true)`` of the regression generator, built once."""
    key = ("base", name, scale, seed)
    if key not in _CACHE:
        _CACHE[key] = PROBLEMS[name](seed=seed, scale=scale, return_coef=True)
    return _CACHE[key]


def _design(name, dtype, scale, seed):
    """``X`` in ``dtype``, one copy per dtype shared by the regression and classification data."""
    key = ("X", name, dtype.str, scale, seed)
    if key not in _CACHE:
        X = _base(name, scale, seed)[0]
        if dtype != np.float64:
            X = X.astype(dtype) if sp.issparse(X) else np.asfortranarray(X, dtype=dtype)
        _CACHE[key] = X
    return _CACHE[key]


def get_problem(name, dtype=np.float64, *, small=False, scale=None, seed=0):
    """Return ``(X, y)`` of problem ``name`` in ``dtype``, built once per process.

    Parameters
    ----------
    name : str
        A key of :data:`PROBLEMS`.
    dtype : dtype-like, default=np.float64
        float64 or float32; ``X`` and ``y`` are both converted.
    small : bool, default=False
        Shortcut for ``scale=SMALL_SCALE``.
    scale : float, optional
        Size factor (see the module docstring); overrides ``small``.
    seed : int, default=0
        Random seed of the generator.
    """
    if name not in PROBLEMS:
        raise KeyError(f"unknown problem {name!r}; choose from {sorted(PROBLEMS)}")
    scale, dtype = _resolve_scale(small, scale), np.dtype(dtype)
    key = ("regression", name, dtype.str, scale, seed)
    if key not in _CACHE:
        y = _base(name, scale, seed)[1]
        _CACHE[key] = _design(name, dtype, scale, seed), y.astype(dtype, copy=False)
    return _CACHE[key]


def get_classification_problem(name, dtype=np.float64, *, small=False, scale=None, seed=0):
    """Return ``(X, y)`` of the classification version of ``name``, built once per process.

    ``X`` is the very array :func:`get_problem` returns for the same arguments; ``y`` holds
    ``-1`` and ``+1`` in ``dtype``.  Parameters as for :func:`get_problem`, with ``name`` a key
    of :data:`CLASSIFICATION_PROBLEMS`.
    """
    if name not in CLASSIFICATION_PROBLEMS:
        raise KeyError(
            f"no classification version of {name!r}; choose from {sorted(CLASSIFICATION_PROBLEMS)}"
        )
    scale, dtype = _resolve_scale(small, scale), np.dtype(dtype)
    key = ("classification", name, dtype.str, scale, seed)
    if key not in _CACHE:
        X, _, coef = _base(name, scale, seed)
        y = _draw_labels(X, coef, *CLASSIFICATION_PROBLEMS[name], seed)
        _CACHE[key] = _design(name, dtype, scale, seed), y.astype(dtype)
    return _CACHE[key]


def get_multitask_problem(name, dtype=np.float64, *, small=False, scale=None, seed=0):
    """Return ``(X, Y)`` of multi-task problem ``name`` in ``dtype``, built once per process.

    Parameters
    ----------
    name : str
        A key of :data:`MULTITASK_PROBLEMS`.
    dtype : dtype-like, default=np.float64
        float64 or float32; ``X`` and ``Y`` are both converted.
    small : bool, default=False
        Shortcut for ``scale=SMALL_SCALE``.
    scale : float, optional
        Size factor (see the module docstring); overrides ``small``.
    seed : int, default=0
        Random seed of the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), Fortran-ordered, or CSC matrix
    Y : ndarray of shape (n_samples, n_tasks), C-ordered
    """
    if name not in MULTITASK_PROBLEMS:
        raise KeyError(f"unknown multi-task problem {name!r}; choose from "
                       f"{sorted(MULTITASK_PROBLEMS)}")  # fmt: skip
    scale, dtype = _resolve_scale(small, scale), np.dtype(dtype)
    key = ("multitask", name, dtype.str, scale, seed)
    if key not in _CACHE:
        base = ("multitask", name, np.dtype(np.float64).str, scale, seed)
        if base not in _CACHE:
            _CACHE[base] = MULTITASK_PROBLEMS[name](seed=seed, scale=scale)
        X, Y = _CACHE[base]
        if dtype != np.float64:
            X = X.astype(dtype) if sp.issparse(X) else np.asfortranarray(X, dtype=dtype)
            _CACHE[key] = X, Y.astype(dtype)
    return _CACHE[key]


def clear_cache():
    """Forget every cached problem (frees memory between benchmark groups)."""
    _CACHE.clear()
