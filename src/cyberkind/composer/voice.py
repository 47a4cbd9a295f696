"""The user's voice, learned from their own past replies: openings, sign-offs, emoji, length.

:meth:`Voice.learn` reads the texts the user wrote (items with ``is_own``) and keeps
what repeats: an opening such as "Thankyou {name} for taking the time to read and comment
on my post" (the greeted name becomes ``{name}``), a sign-off such as "Kind regards", how
often they use emoji and exclamation marks, and their typical length in words. With no
history, :data:`DEFAULT_VOICE` is warm and plain.

**Usage**::

    >>> voice = Voice.learn([
    ...     "Thankyou Ana for taking the time to read and comment on my post. Kind regards",
    ...     "Thankyou Ben for taking the time to read and comment on my post! Kind regards",
    ... ])
    >>> voice.opening, voice.sign_off
    ('Thankyou {name} for taking the time to read and comment on my post', 'Kind regards')
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_VOICE", "SIGN_OFFS", "Voice", "has_emoji"]

_GREETINGS = ("thankyou", "thank you", "thanks", "hi", "hello", "hey", "dear", "morning")
SIGN_OFFS = (
    "kind regards",
    "warm regards",
    "best regards",
    "regards",
    "best wishes",
    "all the best",
    "warmly",
    "cheers",
    "love",
    "hugs",
    "take care",
    "with thanks",
    "many thanks",
    "thanks again",
    "blessings",
    "best",
)
"""Lines that close a message; a single past reply ending with one is enough to learn it."""

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764]")
_SENTENCE_END = re.compile(r"[.!?\u2026]+")
_NAME = r"(?P<name>[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*)?|@\S+)"
# Only the greeting ignores case: a name starts with a capital, "for" does not.
_OPENING = re.compile(
    r"^(?P<greet>(?i:thank ?you|thanks|hi|hello|hey|dear|good morning|morning)),?\s+"
    + _NAME
    + r"(?P<rest>[^.!?\n\u2026]*)"
)
_MAX_OPENING_WORDS = 16


def has_emoji(text: str) -> bool:
    """Whether ``text`` holds an emoji (pictographs, symbols, hearts, stars)."""
    return bool(_EMOJI.search(text))


def _opening(text: str) -> tuple[str, str] | None:
    """``(greeting, opening)`` of one reply, with the greeted name replaced by ``{name}``."""
    match = _OPENING.match(text.strip())
    if match is None:
        return None
    greet = match.group("greet")
    rest = match.group("rest").rstrip(" ,")
    if len(rest.split()) > _MAX_OPENING_WORDS:
        rest = ""
    greeting = f"{greet} {{name}}"
    return greeting, f"{greeting}{rest}"


def _sign_off(text: str) -> str | None:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    candidates = [lines[-1]]
    # "...my post. Kind regards" on one line: the last sentence.
    parts = [p.strip() for p in _SENTENCE_END.split(lines[-1]) if p.strip()]
    if parts:
        candidates.append(parts[-1])
    if len(lines) > 1 and len(lines[-1].split()) == 1:
        candidates.append(lines[-2])  # "Kind regards," then a name on its own line
    for candidate in candidates:
        bare = candidate.rstrip(",.! ").strip()
        lowered = bare.lower()
        if any(lowered == s or lowered.startswith(s + ",") for s in SIGN_OFFS):
            return bare.split(",")[0].strip()
    return None


@dataclass(frozen=True, slots=True)
class Voice:
    """How the user writes. ``{name}`` in ``opening``/``greeting`` is the person greeted.

    ``opening`` is a repeated thank-you opening (used for thank acts), ``greeting`` the
    plain greeting (used for every act), ``sign_off`` the closing line; the rates are
    shares of past replies with an emoji and of sentences ending with "!".
    """

    greeting: str = "Hi {name},"
    opening: str | None = None
    sign_off: str | None = None
    emoji_rate: float = 0.0
    exclamation_rate: float = 0.3
    typical_words: int = 40
    samples: int = 0

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Voice:
        """Learn a voice from the user's own past replies; :data:`DEFAULT_VOICE` when none."""
        replies = [t.strip() for t in texts if t and t.strip()]
        if not replies:
            return DEFAULT_VOICE
        openings = [o for o in (_opening(t) for t in replies) if o is not None]
        greetings = Counter(g.split(" {name}")[0] for g, _ in openings)
        full = Counter(o for _, o in openings if o.split("{name}", 1)[1].strip())
        # An opening is part of the voice only when it repeats (or is the only reply).
        need = 2 if len(replies) > 1 else 1
        opening = next((o for o, n in full.most_common(1) if n >= need), None)
        greeting = DEFAULT_VOICE.greeting
        if greetings:
            word, _ = greetings.most_common(1)[0]
            if not word.lower().startswith("thank"):
                greeting = f"{word[0].upper()}{word[1:]} {{name}},"
        sign_offs = Counter(s for s in (_sign_off(t) for t in replies) if s)
        sign_off = sign_offs.most_common(1)[0][0] if sign_offs else None
        sentences = [s for t in replies for s in re.findall(r"[^.!?\u2026]+[.!?\u2026]*", t)]
        exclaim = sum(1 for s in sentences if s.strip().endswith("!"))
        return cls(
            greeting=greeting,
            opening=opening,
            sign_off=sign_off,
            emoji_rate=sum(1 for t in replies if has_emoji(t)) / len(replies),
            exclamation_rate=exclaim / len(sentences) if sentences else 0.0,
            typical_words=int(statistics.median(len(t.split()) for t in replies)),
            samples=len(replies),
        )

    def to_json(self) -> dict[str, Any]:
        """The voice profile as JSON (what an LLM backend would be sent, later)."""
        return {
            "greeting": self.greeting,
            "opening": self.opening,
            "sign_off": self.sign_off,
            "emoji_rate": round(self.emoji_rate, 3),
            "exclamation_rate": round(self.exclamation_rate, 3),
            "typical_words": self.typical_words,
            "samples": self.samples,
        }


DEFAULT_VOICE = Voice(sign_off=None, emoji_rate=0.0, exclamation_rate=0.3, typical_words=40)
"""The warm default for a user with no history: "Hi Ana," and a gentle, plain tone."""
