"""The app's one scorer and guard, behind one lock.

The scorer's memo tables are not thread-safe, and one CPU-bound check at a time is what a
small machine can serve anyway, so every route scores through one :class:`Scoring`:
Perspective scores and spans (:mod:`.views.api`), the guard's verdicts (``/v1/check``,
compose, approve-and-send) and the wall's screening.

**Usage**::

    >>> scoring = Scoring(Scorer())                          # doctest: +SKIP
    >>> scoring.check("Thank you!").verdict                  # doctest: +SKIP
    'ok'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from ..engine import Scorer
from ..errors import CyberkindError
from ..guard import NEGATIVITY_LABELS, Guard, Policy, Verdict, parse_policy
from ..settings import tier_options
from ..wall import reasons_to_hold
from . import perspective

__all__ = ["Scoring", "guard_scorer", "guard_spans"]


def guard_scorer(values: Mapping[str, Any], tier: str | None = None) -> Scorer:
    """The scorer the guard and the live nudges read with: ``tier``, else the ``guard_tier``
    setting of the resolved settings ``values`` (``fast`` by default; ``reading`` falls back
    to ``fast`` where its model or runtime is missing), as ``cyberkind check`` does.

    **Usage**::

        >>> guard_scorer(resolve({})).tier                    # doctest: +SKIP
        'fast'
    """
    from ..classifiers.reading_tier import guard_tier

    model_dir = values.get("model_dir")
    chosen = guard_tier(tier or str(values["guard_tier"]), model_dir)
    return Scorer(chosen, model_dir, tier_options(chosen, values))


logger = logging.getLogger(__name__)


def guard_spans(guard: Guard) -> perspective.SpanAnnotator:
    """Perspective ``spanScores`` from the guard: the words behind each label's reason.

    Labels the guard gives no reason for get no spans here: the caller then reports one
    span over the whole text with the summary score, as Perspective does for a single
    sentence.
    """

    def annotate(text: str, labels: Sequence[str]) -> dict[str, list[tuple[int, int, float]]]:
        if not set(labels) & set(NEGATIVITY_LABELS):
            return {}  # the guard gives reasons only for negativity labels
        try:
            verdict = guard.check(text, suggest=False)
        except CyberkindError:  # e.g. longer than the guard reads: whole-text spans
            return {}
        out: dict[str, list[tuple[int, int, float]]] = {}
        for reason in verdict.reasons:
            if reason.label in labels and reason.spans:
                out[reason.label] = [(s.start, s.end, s.score) for s in reason.spans]
        return out

    return annotate


class _LockedGuard(Guard):
    """The app's guard, one check at a time: sending (:func:`cyberkind.sending.send_draft`)
    calls ``check`` itself, from a worker thread, and the scorer is not thread-safe."""

    def __init__(self, lock: threading.RLock, scorer: Scorer) -> None:
        super().__init__(scorer)
        self._lock = lock

    def check(
        self,
        text: str,
        reply_to: str | None = None,
        policy: Policy | None = None,
        suggest: bool = True,
    ) -> Verdict:
        with self._lock:
            return super().check(text, reply_to=reply_to, policy=policy, suggest=suggest)


class Scoring:
    """One scorer and its guard for the whole app; every method takes the one lock.

    ``spans`` annotates Perspective ``spanAnnotations`` (default: :func:`guard_spans`);
    ``unscorable`` is what the Perspective endpoint does with an attribute it cannot score
    (``omit`` or ``error``, :func:`~cyberkind.web.perspective.check_unscorable`).
    """

    def __init__(
        self,
        scorer: Scorer,
        spans: perspective.SpanAnnotator | None = None,
        unscorable: str = "omit",
    ) -> None:
        self.scorer = scorer
        self.unscorable = perspective.check_unscorable(unscorable)
        self.lock = threading.RLock()
        self.guard: Guard = _LockedGuard(self.lock, scorer)
        self._spans = spans if spans is not None else guard_spans(self.guard)

    def warm_up(self) -> None:
        """Load what the first check would (the scorer's and the guard's tables) now.

        A scorer that fails here is left for the first request to report, in the shape
        its route documents: the server still starts.
        """
        try:
            self.wall_reasons("Thank you for this post!")
            with self.lock:
                self.guard.warm_up()  # the rewrite's lexicon matcher, for the first nudge
        except Exception:
            logger.warning("the scorer failed to warm up; requests will report it", exc_info=True)

    def score_one(self, text: str) -> Mapping[str, float]:
        """The scorer's scores for one text."""
        with self.lock:
            return self.scorer.score([text])[0]

    def annotate(
        self, text: str, labels: Sequence[str]
    ) -> Mapping[str, Sequence[tuple[int, int, float]]]:
        """Perspective span scores for ``labels``."""
        with self.lock:
            return self._spans(text, labels)

    def check(
        self, text: str, reply_to: str | None = None, policy_text: str | None = None
    ) -> Verdict:
        """The guard's full verdict (``policy_text``: a TOML policy file's text)."""
        policy = parse_policy(policy_text, "policy") if policy_text is not None else None
        with self.lock:
            return self.guard.check(text, reply_to=reply_to, policy=policy)

    def compose_check(self, text: str, reply_to: str | None = None) -> Verdict:
        """The guard's verdict on a draft, for compose and approve-and-send."""
        return self.check(text, reply_to)

    def wall_reasons(self, *texts: str) -> list[str]:
        """The guard's reasons to hold a wall idea back (``[]``: it may go up).

        ``texts`` are the idea and its author's name. Every verdict and spam score is read
        under one hold of the lock: each hold is a place in the queue of the wall's
        concurrent submissions (two holds per submission put the tail at the back of the
        queue twice), and the spam head reads the pass the guard just made.
        """
        read: list[tuple[Verdict | None, str | None, tuple[float, float] | None]] = []
        with self.lock:
            for text in texts:
                try:
                    checked = self.guard.check(text, suggest=False)
                except CyberkindError as err:
                    read.append((None, str(err), None))
                    continue
                read.append((checked, None, self.spam_probability(text)))
        reasons: list[str] = []
        for verdict, error, spam in read:
            if error is not None:
                reasons.append(error)
            elif verdict is not None:
                reasons.extend(reasons_to_hold(verdict))
            if spam is not None and spam[0] >= spam[1]:
                reasons.append(f"it reads as spam ({spam[0]:.2f} >= {spam[1]:.2f})")
        return reasons

    def spam_probability(self, text: str) -> tuple[float, float] | None:
        """The reading model's spam probability of ``text`` and its threshold, or ``None``
        when the scorer has no spam head (the fast tier)."""
        from ..classifiers.reading_tier import ReadingClassifier

        model = getattr(self.scorer, "model", None)
        if not isinstance(model, ReadingClassifier) or "spam" not in model.extras:
            return None
        with self.lock:
            p = float(model.extra([text])["spam"][0])
        return p, model.thresholds()["spam"]
