"""Hashed word and affix n-gram features shared by every fast-tier head.

One featurizer serves all labels, so scoring sixteen labels costs little more
than scoring one: a batch is lower-cased and split on whitespace in one call, every distinct chunk
and token is hashed once (and memoised), and the logits of every head come
from one sparse-times-dense product.

Features (each hashed into ``n_features`` buckets):

- word unigrams and bigrams (URLs become ``_url_``, @handles ``_user_``,
  and letter runs are squeezed: "sooooo" -> "soo");
- a 4-character prefix and suffix of words longer than five letters, so that
  unseen inflections ("idiots", "idiotic") share weight with seen ones;
- punctuation and emoji as tokens ("?" matters for questions, "!" for
  celebrations);
- bucket 0, reserved for texts with no token at all.

The hash is ``zlib.crc32``, stable across processes and platforms (Python's
own ``hash`` is salted per process). Values are sublinear term frequencies
times an inverse document frequency learned at training time, L2-normalised
per text: TF-IDF over hashed features. Training gets a SciPy CSR matrix from
:meth:`HashingFeaturizer.transform`; scoring uses :meth:`HashingFeaturizer.features`
and :func:`linear_logits`, which need NumPy and SciPy but not scikit-learn, which keeps
cold start short.

**Usage**::

    >>> f = HashingFeaturizer(n_features=2**18)
    >>> X = f.transform(["thank you so much!", "you idiot"])
    >>> X.shape
    (2, 262144)
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Features", "HashingFeaturizer", "tokenize"]

_SEP = "\x00"
_JOIN = " \x00 "
_TOKEN = re.compile(r"(?:https?://|www\.)\S+|@\w+|\w+(?:['\u2019*]\w+)*|[^\s\w]")
# The batch path reads URLs in a pass of their own and then splits with a pattern that has no
# URL branch (about a third faster). Where a URL is glued to what comes before it ("x'http://",
# "@b'http://"), whether _TOKEN would start a URL there depends on the token before; such a
# batch is read with _TOKEN itself.
_URL_FAST = re.compile(r"(?:https?://|www\.)\S+")
_WORD_CHAR = re.compile(r"\w")
_TOKEN_NO_URL = re.compile(r"@\w+|\w+(?:['\u2019*]\w+)*|[^\s\w]")
_URL_TOKEN = " _url_ "  # what _canonical makes of a URL anyway
_REPEAT = re.compile(r"(\w)\1{2,}")
_PREFIX_SALT = b"\x01p:"
_SUFFIX_SALT = b"\x01s:"
_BIGRAM_MULT = 0x9E3779B1
_MEMO_LIMIT = 500_000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def _canonical(token: str) -> str:
    if token.startswith(("http://", "https://", "www.")) or token == "url":
        return "_url_"
    if token.startswith("@"):
        return "_user_"
    token = token.replace("\u2019", "'")
    # A search is cheaper than a substitution, and few tokens hold a run of three.
    return _REPEAT.sub(r"\1\1", token) if _REPEAT.search(token) else token


def _batch_tokens(low: str) -> list[str]:
    """``_TOKEN.findall(low)``, faster: URLs become _url_ first (what _canonical makes of them)."""
    if "http" not in low and "www." not in low:
        return _TOKEN_NO_URL.findall(low)
    glued = False

    def replace(m: re.Match[str]) -> str:
        nonlocal glued
        start = m.start()
        before = low[start - 1] if start else " "
        if before in "'\u2019*":
            before = low[start - 2] if start > 1 else " "
        elif before == "@":
            before = "a"
        if _WORD_CHAR.match(before):
            glued = True
        return _URL_TOKEN

    out = _URL_FAST.sub(replace, low)
    return _TOKEN.findall(low) if glued else _TOKEN_NO_URL.findall(out)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into the canonical tokens the featurizer hashes.

    >>> tokenize("Sooooo GOOD @bob! http://x.y")
    ['soo', 'good', '_user_', '!', '_url_']
    """
    return [_canonical(t) for t in _TOKEN.findall(text.replace(_SEP, " ").lower())]


@dataclass(frozen=True, slots=True)
class Features:
    """TF-IDF features of a batch as coordinate arrays, sorted by row.

    Every row has at least one entry (bucket 0 stands for an empty text).
    """

    n_rows: int
    rows: IntArray
    cols: IntArray
    values: FloatArray
    row_starts: IntArray


class HashingFeaturizer:
    """Turn texts into TF-IDF features over hashed n-gram buckets.

    ``__init__`` only stores parameters; :meth:`fit` learns the IDF weights
    (``idf_``) and returns ``self``, like a scikit-learn transformer.
    """

    def __init__(self, n_features: int = 2**18) -> None:
        if n_features < 2 or n_features & (n_features - 1):
            raise ValueError(f"n_features must be a power of two, got {n_features}")
        self.n_features = n_features
        self.idf_: FloatArray | None = None
        self._reset_memo()

    # -- hashing -------------------------------------------------------------
    # The memo maps each token ("cares", ".", "_url_"'s raw form) to an id, and each id to its
    # (word, prefix, suffix) hashes in a NumPy table. A batch is lower-cased and tokenized in
    # one regex call over the joined texts, and the tokens are looked up in one C-level map;
    # Python work is left for tokens never seen before, which a stream of new texts meets far
    # less often than new whitespace chunks ("cares." after "cares"). The table grows by its
    # new tail only, so a stream of new tokens costs no rebuild per batch.
    def _reset_memo(self) -> None:
        self._ids: dict[str, int] = {_SEP: 0}
        self._hashes: list[int] = [-1, -1, -1]  # the separator's marker
        self._hash_table = np.zeros((0, 3), np.int64)

    def _add_tokens(self, raw_tokens: Iterable[str]) -> None:
        """Give each of ``raw_tokens`` (none of them memoised yet) an id and its hashes."""
        ids, hashes, crc32 = self._ids, self._hashes, zlib.crc32
        for raw_token in raw_tokens:
            token = _canonical(raw_token)
            data = token.encode("utf-8", "surrogatepass")
            if len(token) > 5 and token.isalpha():
                hashes += (
                    crc32(data),
                    crc32(_PREFIX_SALT + data[:4]),
                    crc32(_SUFFIX_SALT + data[-4:]),
                )
            else:
                hashes += (crc32(data), -1, -1)
            ids[raw_token] = len(ids)

    def _sync_table(self) -> IntArray:
        """The NumPy copy of the memo's hashes, extended by whatever was added since."""
        done = len(self._hash_table) * 3
        if done < len(self._hashes):
            tail = np.asarray(self._hashes[done:], np.int64).reshape(-1, 3)
            self._hash_table = np.concatenate([self._hash_table, tail])
        return self._hash_table

    def _subtokens(self, texts: Sequence[str]) -> tuple[IntArray, IntArray]:
        """(word, prefix, suffix) hashes of every sub-token of the batch, and each one's row.

        Texts are separated by a marker token whose word hash is -1.
        """
        joined = _JOIN.join(texts)
        if joined.count(_SEP) != len(texts) - 1:
            joined = _JOIN.join(t.replace(_SEP, " ") for t in texts)
        tokens = _batch_tokens(joined.lower())
        if len(self._ids) > _MEMO_LIMIT:
            self._reset_memo()
        ids = np.fromiter(
            map(self._ids.get, tokens, itertools.repeat(-1)), dtype=np.int64, count=len(tokens)
        )
        missing = np.flatnonzero(ids < 0)
        if len(missing):
            new = [tokens[i] for i in missing.tolist()]
            self._add_tokens(dict.fromkeys(new))
            ids[missing] = np.fromiter(
                map(self._ids.__getitem__, new), dtype=np.int64, count=len(new)
            )
        table = self._sync_table()
        return table[ids], np.cumsum(ids == 0)

    def _counts(self, texts: Sequence[str]) -> tuple[IntArray, IntArray, FloatArray]:
        """Deduplicated (row, bucket, count) triples, sorted by row then bucket."""
        n = len(texts)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        hashes, row_of = self._subtokens(texts)
        keep = np.flatnonzero(hashes[:, 0] >= 0)
        words = hashes[keep, 0]
        rows = row_of[keep]
        # A bigram joins a token with the one just before it in the same text.
        follows = np.flatnonzero(keep[1:] - keep[:-1] == 1) + 1
        bigrams = ((words[follows - 1] * _BIGRAM_MULT) ^ words[follows]) >> 3
        prefixes = hashes[keep, 1]
        has_affix = prefixes >= 0
        suffixes = hashes[keep, 2][has_affix]
        cols = np.concatenate([words, bigrams, prefixes[has_affix], suffixes])
        all_rows = np.concatenate([rows, rows[follows], rows[has_affix], rows[has_affix]])
        cols &= self.n_features - 1
        cols[cols == 0] = 1
        # Texts without any token get bucket 0, so every row has an entry.
        present = np.zeros(n, dtype=bool)
        present[rows] = True
        empty_rows = np.flatnonzero(~present)
        if len(empty_rows):
            cols = np.concatenate([cols, np.zeros(len(empty_rows), dtype=np.int64)])
            all_rows = np.concatenate([all_rows, empty_rows])
        keys = all_rows * self.n_features + cols
        if n * self.n_features < 2**31:  # NumPy sorts int32 several times faster
            keys = keys.astype(np.int32)
        keys, counts = np.unique(keys, return_counts=True)
        keys = keys.astype(np.int64, copy=False)
        return keys // self.n_features, keys % self.n_features, counts.astype(np.float32)

    def buckets_of(self, word: str) -> list[int]:
        """The buckets a single word lights up alone: itself and, if long, its affixes.

        **Usage**::

            >>> len(HashingFeaturizer(2**10).buckets_of("muslims"))
            3
        """
        fresh = HashingFeaturizer(self.n_features)
        _, cols, _ = fresh._counts([word])
        return sorted({int(c) for c in cols})

    # -- estimator API -------------------------------------------------------
    def fit(self, texts: Sequence[str]) -> HashingFeaturizer:
        """Learn smoothed IDF weights from ``texts``; return ``self``."""
        _, cols, _ = self._counts(texts)
        df = np.bincount(cols, minlength=self.n_features).astype(np.float64)
        n = len(texts)
        self.idf_ = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        return self

    def features(self, texts: Sequence[str]) -> Features:
        """Return the L2-normalised TF-IDF features of ``texts`` as coordinate arrays."""
        rows, cols, counts = self._counts(texts)
        values = 1.0 + np.log(counts)
        if self.idf_ is not None:
            values *= self.idf_[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= norms[rows].astype(np.float32)
        row_starts = np.searchsorted(rows, np.arange(len(texts)))
        return Features(len(texts), rows, cols, values.astype(np.float32), row_starts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return the L2-normalised TF-IDF matrix of ``texts`` (float32 SciPy CSR)."""
        from scipy import sparse

        f = self.features(texts)
        return sparse.csr_matrix(
            (f.values, (f.rows, f.cols)), shape=(f.n_rows, self.n_features), dtype=np.float32
        )


def linear_logits(
    features: Features, weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Logits of every head, ``X @ weights + bias``, from coordinate features."""
    from scipy import sparse

    indptr = np.append(features.row_starts, len(features.cols))
    matrix = sparse.csr_matrix(
        (features.values, features.cols, indptr),
        shape=(features.n_rows, weights.shape[0]),
    )
    out: npt.NDArray[np.float32] = np.asarray(matrix @ weights, dtype=np.float32)
    return out + bias
