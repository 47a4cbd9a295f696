"""Phrase helpers shared by the composer and the link library: key phrases and variety.

:func:`key_phrase` is deliberately simple and deterministic (no model): it splits the
message into clauses, weighs each clause by its content words (long, rare-looking words
count more; stopwords count nothing), and returns it whole when short, or its best
window of up to ten words.
Celebrations prefer the clause that names the milestone; questions prefer the question;
hugs prefer the clause that says how the writer feels.

**Usage**::

    >>> key_phrase("Great post! Your tip about leaving notes for neighbours made my day.")
    'Your tip about leaving notes for neighbours made my day'
    >>> key_phrase("We just hit 1,000 subscribers on the channel!", focus="milestone")
    'We just hit 1,000 subscribers on the channel'
    >>> round(distinct_n(["a b c", "a b d"], 1), 2)
    0.67
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = [
    "ASKING_WORDS",
    "STOPWORDS",
    "content_words",
    "distinct_n",
    "key_phrase",
    "tokens",
    "topic_stems",
]

_STOP_TEXT = """
    a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves im ive id ill youre dont didnt cant wont isnt its thats
    theres really much many lot lots got get gets getting one ones thing things way well
    even still yet ever always never oh hey hi hello thanks thank thankyou please great
    good nice lovely love loved like liked post comment blog today day just so very
    amazing awesome wow yes yeah
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
"""Words that carry no topic (plus the stock words of praise every comment shares)."""

_ASKING_TEXT = (
    "start starting started find finding make making get getting help know write writing use "
    "need want tips tip ideas idea way ways best good anyone recommend share version link "
    "links post posts guide page article somewhere where there printable print copy send "
    "could would should does have something anything more about think someone else "
    # Counts and hedges say how much or how sure, not what about ("my two young kids").
    "two three four five six seven eight nine ten twelve several few couple both "
    "actually usually maybe perhaps probably"
)
ASKING_WORDS = frozenset(_ASKING_TEXT.split())
"""Words that say how someone asks, not what about: a link must match the rest."""
_STEM = 5

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019,.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_CLAUSE = re.compile(r"(?<=[.!?;:\n])\s+|\s+[-\u2013\u2014]\s+|\n+")
_MILESTONE = re.compile(
    r"\b(?:\d[\d,.]*\s*(?:k\b)?\s*(?:followers|subscribers|readers|posts|years?|months?|days|"
    r"downloads|stars|members|views|copies|miles|km|words)|anniversary|birthday|graduat\w*|"
    r"published|launch\w*|released?|finished|completed|won|award\w*|promot\w*|new job|"
    r"hired|engaged|married|baby|milestone|passed|accepted|debut\w*|first|phd|degree|diploma|"
    r"got (?:my|the|a|an|our) \w+|new (?:job|home|book|role))\b",
    re.IGNORECASE,
)
# First-person feelings and strain: a hug answers the clause that says how they feel.
_EMOTION = re.compile(
    r"\b(?:feel(?:ing|s)?|felt|anxious|anxiety|depress\w*|lonely|alone|tired|exhausted|"
    r"overwhelm\w*|stress\w*|worried|worry|scared|afraid|sad|hurt\w*|struggl\w*|"
    r"broken|lost|grief|griev\w*|cry\w*|panic\w*|hopeless|miss(?:ing)?|upset|awful)\b",
    re.IGNORECASE,
)
_EDGE = ".,;:!?\"'()[]\u2019\u201c\u201d\u2026-"
_MAX_WORDS = 10
_WHOLE_CLAUSE = 12


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes kept, edge punctuation dropped)."""
    return [m.group(0).lower().strip(".,-") for m in _WORD.finditer(text)]


def _is_content(word: str) -> bool:
    bare = word.lower().strip(_EDGE).replace("\u2019", "'")
    return (
        bool(bare)
        and bare.replace("'", "") not in STOPWORDS
        and (len(bare) > 2 or bare[0].isdigit())
    )


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry its topic, lower-cased, in order."""
    return [w for w in tokens(text) if _is_content(w)]


@functools.lru_cache(maxsize=4096)
def topic_stems(text: str) -> frozenset[str]:
    """The topic of ``text``: its content words less :data:`ASKING_WORDS`, each cut to its
    first five letters so that "bridges" meets "bridge". Remembered: a library's links are
    read for every question, by the composer's word match and by the link judge.

    **Usage**::

        >>> sorted(topic_stems("Any tips for lending lawnmowers to neighbours?"))
        ['lawnm', 'lendi', 'neigh']
    """
    return frozenset(w[:_STEM] for w in content_words(text) if w not in ASKING_WORDS)


def _weight(word: str) -> float:
    # Longer words are rarer and more specific; digits mark milestones and facts.
    if not _is_content(word):
        return 0.0
    bare = word.strip(_EDGE)
    return 1.0 + min(len(bare), 12) / 6 + (0.5 if any(c.isdigit() for c in bare) else 0.0)


def _clauses(text: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE.split(" ".join(text.split(" "))) if p and p.strip()]
    return parts or [text.strip()]


def _window(clause: str) -> str:
    words = clause.split()
    if len(words) <= _WHOLE_CLAUSE:
        return clause.rstrip(".!?;:,").strip()
    best, best_score = 0, -1.0
    for start in range(len(words) - _MAX_WORDS + 1):
        score = sum(_weight(w) for w in words[start : start + _MAX_WORDS])
        # Ties go to the earlier window, which usually reads as the start of a thought.
        if score > best_score:
            best, best_score = start, score
    chosen = words[best : best + _MAX_WORDS]
    while len(chosen) > 3 and not _is_content(chosen[0]):
        chosen = chosen[1:]
    while len(chosen) > 3 and not _is_content(chosen[-1]):
        chosen = chosen[:-1]
    return " ".join(chosen).rstrip(".!?;:,").strip()


def key_phrase(text: str, focus: str | None = None) -> str:
    """The phrase of ``text`` a reply should respond to ('' when nothing fits).

    ``focus`` is ``"milestone"`` (prefer the clause naming the milestone), ``"question"``
    (prefer the question), ``"feeling"`` (prefer a clause saying how they feel) or ``None``
    (the clause with the highest content-word weight).
    The result is the writer's own words (a whole clause of up to 12 words, or
    the best 10-word window of a longer one), so a draft can quote it.
    """
    text = re.sub(r"https?://\S+|<[^>]+>|\[(?:\u2026|\.\.\.)\]", " ", text or "").strip()
    if not text:
        return ""
    clauses = _clauses(text)
    pool = clauses
    if focus == "question":
        pool = [c for c in clauses if c.rstrip().endswith("?")] or clauses
    elif focus == "milestone":
        pool = [c for c in clauses if _MILESTONE.search(c)] or clauses
    elif focus == "feeling":
        pool = [c for c in clauses if _EMOTION.search(c)] or clauses
    scored = [(sum(_weight(w) for w in c.split()), -i, c) for i, c in enumerate(pool)]
    if focus == "feeling":
        # The clause naming the most feelings wins; content weight breaks ties.
        scored = [(len(_EMOTION.findall(c)) * 100 + w, i, c) for w, i, c in scored]
    score, _, best = max(scored)
    if score <= 0:
        return ""
    return _window(best)


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Distinct-n: unique word n-grams over all n-grams across ``texts`` (0.0 when none).

    1.0 means no n-gram repeats anywhere in the batch; canned replies score low.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = tokens(text)
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0
