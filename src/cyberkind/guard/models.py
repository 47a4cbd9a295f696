"""The guard's result types: a :class:`Verdict` with its :class:`Reason` s and :class:`Span` s.

**Usage**::

    >>> v = cyberkind.check("you're an idiot")
    >>> v.verdict, v.target, [r.label for r in v.reasons]
    ('hold', 'person', ['toxicity', 'insult', 'personal_attack'])
    >>> v.to_dict()["reasons"][0]["spans"][0]["text"]
    'idiot'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "LEVELS",
    "NEGATIVITY_LABELS",
    "Reason",
    "Span",
    "Target",
    "Verdict",
    "VerdictLevel",
    "worst",
]

VerdictLevel = Literal["ok", "reconsider", "hold"]
Target = Literal["person", "idea", "group", "none"]

LEVELS: tuple[VerdictLevel, ...] = ("ok", "reconsider", "hold")
"""Verdict levels, mildest first; the index is the CLI exit code."""

NEGATIVITY_LABELS: tuple[str, ...] = (
    "toxicity",
    "insult",
    "personal_attack",
    "identity_attack",
    "threat",
    "profanity",
)
"""The engine labels the guard turns into reasons (besides personal data and blocked terms)."""


def worst(levels: list[VerdictLevel] | tuple[VerdictLevel, ...]) -> VerdictLevel:
    """The strongest of ``levels`` ("ok" when empty)."""
    return max(levels, key=LEVELS.index, default="ok")


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``text[start:end]`` of the draft that cause a reason.

    ``label`` is the reason's label (or, for personal data, the kind of data:
    ``phone_number``, ``email_address``, ``street_address``); ``score`` is how
    much the words weigh (a logit drop when removed, or 1.0 for a rule match).
    """

    start: int
    end: int
    label: str
    score: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "score": round(self.score, 4),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a draft is not ``ok``: one label, its score, the threshold crossed and the words."""

    label: str
    score: float
    threshold: float
    spans: tuple[Span, ...]
    message: str
    level: VerdictLevel = "reconsider"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "label": self.label,
            "level": self.level,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "message": self.message,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The guard's answer for one draft.

    ``verdict`` is ``ok``, ``reconsider`` (a nudge) or ``hold`` (strong);
    ``target`` says whether the draft goes after a ``person``, an ``idea`` or a
    ``group`` (``none`` when it does neither); ``rewrite`` is a kinder version
    that the guard itself scores ``ok``, or ``None`` with ``rewrite_note``
    saying why; ``scores`` holds the engine's probabilities of the negativity
    labels, after quotes, negations and allowed terms were set aside.
    """

    text: str
    verdict: VerdictLevel
    reasons: tuple[Reason, ...]
    target: Target
    rewrite: str | None
    rewrite_note: str
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Every span of every reason, by start offset."""
        return tuple(sorted({s for r in self.reasons for s in r.spans}, key=_span_key))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the shape of ``cyberkind check --json``)."""
        return {
            "text": self.text,
            "verdict": self.verdict,
            "target": self.target,
            "reasons": [r.to_dict() for r in self.reasons],
            "rewrite": self.rewrite,
            "rewrite_note": self.rewrite_note,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }


def _span_key(span: Span) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)
