"""Does this link answer the question? A judge learned from written questions and libraries.

:class:`~cyberkind.links.answers.LinkMatcher` first compared one cosine with a hand-set bar,
which cannot tell "a guide on freezing soup" answering "how long can I keep soup frozen?" from
the same guide next to "what soup would you bring to a funeral?": both sit close in meaning.
The judge (``answers-v1``) reads each question-link pair instead: the two multilingual-e5-small
vectors (:mod:`cyberkind.classifiers.meaning`) multiplied and subtracted component by component,
where the cosine stands among the ten nearest links of the library (its rank gaps and z-score),
whether the message asks for a resource, and the words the two share (:func:`word_features`:
topic words, weighted by how few of the library's links use them, beside the library's best).
A logistic regression over those features (:func:`pair_features`) gives the chance that the
link answers; the matcher offers the judge's best link when that chance reaches the file's
``threshold``, and otherwise keeps the cosine bars' answer.

It was fitted by ``cyberkind train --only answers`` on link libraries and questions written for
it by helper sessions that never saw cyberkind's rules or benchmarks
(``lab/links/data/links_written.jsonl``, CC0-1.0), never on the reply benchmark's comments.
Its weights are a JSON file with a model card in ``cyberkind/classifiers/data/answers-v1/``.
NumPy runs it.

**Usage**::

    >>> judge = AnswerJudge.load()
    >>> judge.probabilities(query_vector, passage_vectors, seeking=True,
    ...                     question=text, link_texts=[x.words for x in links]).round(2)
    array([0.91, 0.03, ...])
"""

from __future__ import annotations

import importlib.resources
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ModelError
from ..phrases import topic_stems

__all__ = [
    "ANSWERS_MODEL",
    "NEAREST",
    "AnswerJudge",
    "judge_dir",
    "pair_features",
    "word_features",
]

ANSWERS_MODEL = "answers-v1"
"""The folder under ``cyberkind/classifiers/data`` that holds the judge."""
NEAREST = 10
"""A link's cosine is placed among the cosines of the library's nearest links, this many."""
_STATS = ("cosine", "above_mean", "z", "below_best", "below_second", "seeking")

FloatArray = npt.NDArray[np.float64]


def judge_dir() -> Path:
    """The folder of the judge shipped inside the package."""
    return Path(str(importlib.resources.files("cyberkind.classifiers") / "data" / ANSWERS_MODEL))


def word_features(question: str, link_texts: Sequence[str]) -> FloatArray:
    """One row per link: the topic words (:func:`cyberkind.phrases.topic_stems`) it shares
    with ``question``; their weight, each word by how few links of the library use it
    (``log((n + 1) / (links with it + 0.5))``); that weight less the library's best and less
    its second best; and whether it is the library's single best (a positive weight)."""
    topics = [topic_stems(text) for text in link_texts]
    n = len(topics)
    used: dict[str, int] = {}
    for words in topics:
        for word in words:
            used[word] = used.get(word, 0) + 1
    asked = topic_stems(question)
    shared = [asked & words for words in topics]
    weight = np.asarray(
        [sum(math.log((n + 1) / (used[w] + 0.5)) for w in both) for both in shared],
        dtype=np.float64,
    )
    ranked = np.sort(weight)[::-1]
    best = float(ranked[0]) if n else 0.0
    second = float(ranked[1]) if n > 1 else 0.0
    return np.column_stack(
        [
            np.asarray([len(both) for both in shared], dtype=np.float64),
            weight,
            weight - best,
            weight - second,
            ((weight > 0) & (weight == best)).astype(np.float64),
        ]
    ).reshape(n, 5)


def pair_features(
    query: npt.NDArray[np.floating[Any]],
    passages: npt.NDArray[np.floating[Any]],
    *,
    seeking: bool,
    question: str,
    link_texts: Sequence[str],
) -> FloatArray:
    """One row per link: ``query * passage``, ``|query - passage|``, then the cosine, its
    distance above the mean and its z-score among the :data:`NEAREST` nearest links, its
    distance below the best and the second best, ``seeking`` (the message asks for a
    resource), then :func:`word_features` of ``question`` (the message) and ``link_texts``
    (:attr:`cyberkind.models.Link.words` of each link). Vectors are unit length."""
    q = np.asarray(query, dtype=np.float64)
    p = np.asarray(passages, dtype=np.float64).reshape(-1, q.shape[0])
    if len(link_texts) != p.shape[0]:
        raise ValueError(f"{p.shape[0]} link vectors but {len(link_texts)} link texts")
    cosines = p @ q
    nearest = np.sort(cosines)[::-1][:NEAREST]
    best = float(nearest[0]) if nearest.size else 0.0
    second = float(nearest[1]) if nearest.size > 1 else best
    mean = float(nearest.mean()) if nearest.size else 0.0
    spread = float(nearest.std()) + 1e-6
    stats = np.column_stack(
        [
            cosines,
            cosines - mean,
            (cosines - mean) / spread,
            cosines - best,
            cosines - second,
            np.full_like(cosines, float(seeking)),
        ]
    )
    return np.hstack([p * q, np.abs(p - q), stats, word_features(question, link_texts)])


class AnswerJudge:
    """The judge's weights (``weights.json``: mean, scale, coef, intercept, threshold)."""

    def __init__(self, weights: dict[str, Any], path: Path) -> None:
        self.mean = np.asarray(weights["mean"], dtype=np.float64)
        self.scale = np.asarray(weights["scale"], dtype=np.float64)
        self.coef = np.asarray(weights["coef"], dtype=np.float64)
        self.intercept = float(weights["intercept"])
        self.threshold = float(weights["threshold"])
        self.path = path
        width = self.mean.shape[0]
        if not (
            self.scale.shape == self.coef.shape == (width,)
            and np.all(self.scale > 0)
            and 0.0 < self.threshold < 1.0
        ):
            raise ValueError("the arrays do not fit together")

    @staticmethod
    def available(folder: Path | None = None) -> bool:
        """Whether ``folder`` (default: shipped) holds a judge."""
        return ((folder or judge_dir()) / "weights.json").is_file()

    @classmethod
    def load(cls, folder: Path | None = None) -> AnswerJudge:
        """The judge in ``folder`` (default: shipped); :class:`ModelError` saying how to fix a
        missing or broken file."""
        path = (folder or judge_dir()) / "weights.json"
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")), path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"the link judge's weights {path} are unreadable ({exc}). You can fix this by "
                "reinstalling cyberkind (pip install --force-reinstall cyberkind), or by "
                "rebuilding it with `cyberkind train --only answers`."
            ) from exc

    def probabilities(
        self,
        query: npt.NDArray[np.floating[Any]],
        passages: npt.NDArray[np.floating[Any]],
        *,
        seeking: bool,
        question: str,
        link_texts: Sequence[str],
    ) -> FloatArray:
        """The chance that each link (a row of ``passages``; its words in ``link_texts``,
        :attr:`~cyberkind.models.Link.words`) answers the message ``query`` (its text:
        ``question``)."""
        x = pair_features(
            query, passages, seeking=seeking, question=question, link_texts=link_texts
        )
        if x.shape[1] != self.mean.shape[0]:
            raise ModelError(
                f"the link judge {self.path} reads {self.mean.shape[0]} features, not "
                f"{x.shape[1]}. You can fix this by rebuilding it with `cyberkind train --only "
                "answers`."
            )
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        out: FloatArray = 1.0 / (1.0 + np.exp(-z))
        return out
