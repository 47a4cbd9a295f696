"""A resumable on-disk cache of sentence embeddings for training the accurate tier.

Embedding every training text with all-MiniLM-L6-v2 takes tens of minutes on two cores,
so the vectors are kept in a SQLite file keyed by the SHA-1 of the text. Each chunk is
committed in one transaction: an interrupted run loses at most the chunk in flight and
the next run goes on from there.

**Usage**::

    >>> cache = EmbeddingCache(Path("artifacts/embeddings.sqlite"))
    >>> vectors = cache.embed(texts, encoder.encode)
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ...errors import DataError

__all__ = ["EmbeddingCache"]

Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]
Progress = Callable[[int, int], None]


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Vectors by text, in a SQLite file; ``dimension`` guards against mixing encoders."""

    def __init__(self, path: Path, dimension: int = 384, chunk: int = 2048) -> None:
        self.path = path
        self.dimension = dimension
        self.chunk = chunk
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
            )

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def _lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
            found.update(rows)
        return found

    def embed(
        self, texts: Sequence[str], encode: Encode, progress: Progress | None = None
    ) -> npt.NDArray[np.float32]:
        """Return the vectors of ``texts`` in order, encoding and storing the missing ones."""
        keys = [_key(t) for t in texts]
        found = self._lookup(keys)
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in found})
        done = len(texts) - len(missing)
        for start in range(0, len(missing), self.chunk):
            if progress:
                progress(done + start, len(texts))
            part = missing[start : start + self.chunk]
            vectors = np.asarray(encode(part), dtype=np.float32)
            rows = [(_key(t), v.tobytes()) for t, v in zip(part, vectors, strict=True)]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            found.update(rows)
        if progress:
            progress(len(texts), len(texts))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            vector = np.frombuffer(found[key], dtype=np.float32)
            if vector.shape != (self.dimension,):
                raise DataError(
                    f"{self.path} holds a {vector.shape[0]}-d vector; expected {self.dimension}. "
                    "You can fix this by deleting the cache file."
                )
            out[i] = vector
        return out
