"""Hand-written rules that catch explicit first-person statements of suicide or self-harm.

The ``crisis`` label must never miss an explicit statement, whatever a learned
model thinks, so these rules run on every text scored and their score is a floor
under the model's. They use the standard library's :mod:`re` only. Importing
this module takes a few milliseconds; the first call compiles one combined regex per
tier (~0.15 s, once per process). Once 1,000 texts have been scored, a candidate gate
is derived from the patterns themselves and compiled (~0.4 s, once per process): one
regex search over a whole batch finds the ~2% of tweets (~12% of long posts) that
hold a wording some pattern needs, and every other text scores 0.0 with no Python
work of its own: about 250k short social-media texts per second on one CPU core,
~20k long posts (450 characters).

Tiers (the score of a text is its highest tier):

* **high** (:data:`HIGH_SCORE`, 0.97): explicit first-person intent, ideation,
  plan, attempt or self-harm: "I want to kill myself", "i dont want to be alive
  anymore", "I'm going to end it tonight", "I've been cutting myself again",
  "I'm suicidal", "by the time you read this...".
* **medium** (:data:`MEDIUM_SCORE`, 0.6): strong indirect statements: "no reason
  to live", "everyone would be better off without me", "I can't go on", "I want
  to disappear forever", "I wish I was never born". A *negated* high statement
  ("I would never kill myself", "I'm not suicidal", "I don't want to die") is
  medium too, not zero: we prefer recall, and people who write that they would
  never kill themselves are often telling us they have thought about it.
* otherwise 0.0.

Casual spelling: a text is lowercased, its apostrophes (straight and smart
quotes) are deleted, so "I'm" (any quote) and "Im" both read ``im``, "don't" reads
``dont``, and hyphens read as spaces ("self-harm"). Repeated letters need no
rewriting of the text: every letter of every pattern matches a run of that
letter, so "killlll myselfff", "kil myself" and "kill myself" all match, and
patterns are written in ordinary spelling.

Deliberate choices, each with a test:

* ``kms`` ("kill myself") is high. ``kys`` and "kill yourself" are aimed at
  someone else: an attack or a threat (the ``threat`` and ``personal_attack``
  labels), not the writer's crisis, so they never fire here.
* A statement whose subject is someone else ("do you want to die?", "they want
  to die") does not fire; "myself" and "my life" are first person already.
* Common idioms are excluded inside the patterns: "die of embarrassment", "die
  laughing", "killing myself laughing/trying to...", "cut myself shaving/on...",
  "shoot myself in the foot", "end it with him", "someone kill me lol".
* News, third-person and prevention wording ("died by suicide", "suicide
  prevention", "if you are thinking about suicide") only ever meets the
  last-resort "suicide" rule, which stands down when such wording is present.

Known failure modes: English only; sarcastic or hyperbolic uses of explicit
wording ("ugh mondays, I want to kill myself") score high, by design, since a
false positive only shows safety resources; quoted speech, song lyrics and fiction
written in the first person score high; misspellings inside a keyword ("kil
mysefl"), censored ("k*ll") or spaced-out ("k i l l") spellings are missed; and
indirect statements with no fixed wording ("I've given my things away, tell mom
I love her") are left to the learned model.

**Usage**::

    >>> from cyberkind.classifiers.crisis_rules import explicit_crisis, explicit_crisis_spans
    >>> explicit_crisis(["I want to kill myself", "this traffic is killing me",
    ...                  "there's no reason to live", "I would never kill myself"])
    [0.97, 0.0, 0.6, 0.6]
    >>> text = "honestly i dont want to be alive anymore"
    >>> [text[a:b] for a, b in explicit_crisis_spans(text)]
    ['dont want to be alive anymore']
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from ._crisis_patterns import (
    _CLAUSE_END,
    _FIRST_PERSON_PATTERNS,
    _GATE_STEMS,
    _HIGH_NEGATIVE_PATTERNS,
    _HIGH_PATTERNS,
    _HIGH_STEMS,
    _MEDIUM_PATTERNS,
    _NEGATION_PATTERNS,
    _NOT_CRISIS_PATTERNS,
    _OTHER_SUBJECT_PATTERNS,
    _SENTENCE,
    _SUICIDE_WORD_PATTERNS,
)
from ._text import ALNUM, SQUEEZE

__all__ = [
    "HIGH_SCORE",
    "MEDIUM_SCORE",
    "crisis_floor",
    "explicit_crisis",
    "explicit_crisis_spans",
    "normalize",
]

HIGH_SCORE = 0.97
MEDIUM_SCORE = 0.6

# --- normalisation ----------------------------------------------------------------------------

_DELETE = "'`\u2019\u2018\u201b\u02bc\u00b4\u200b\u200c\u200d\u2060\ufeff"
_TABLE: dict[int, str | None] = {ord(c): None for c in _DELETE}
# Combining marks: the dot of a lowercased Turkish "İ", strike-through and "zalgo" text.
_TABLE.update(dict.fromkeys(range(0x300, 0x370)))
_TABLE.update({ord(c): " " for c in "-_\t\r\f\v\u00a0\u2010\u2011\u2012\u2013\u2014\u2009"})
_TABLE.update({ord(c): '"' for c in "\u201c\u201d\u201e"})
# The non-ASCII characters that normalize() deletes.
_GONE = re.compile("[" + "".join(chr(c) for c, v in _TABLE.items() if v is None and c > 127) + "]")


def normalize(text: str) -> str:
    """Return ``text`` as the patterns see it: lowercased, no apostrophes, hyphens as spaces.

    Non-ASCII text is NFKC-normalised first, so full-width and mathematical "bold"
    letters read as plain ones, and its combining marks are dropped.

    **Usage**::

        >>> normalize("I\\u2019m gonna KILLLL my-self")
        'im gonna killll my self'
    """
    if not text.isascii():
        return unicodedata.normalize("NFKC", text).lower().translate(_TABLE)
    # str.replace is much faster than str.translate on this, the common path.
    return (
        text.lower()
        .replace("'", "")
        .replace("`", "")
        .replace("-", " ")
        .replace("_", " ")
        .replace("\t", " ")
        .replace("\r", " ")
    )


def _normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)``, and for each of its characters the index it came from in ``text``."""
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        for ch in unicodedata.normalize("NFKC", c).lower().translate(_TABLE):
            chars.append(ch)
            index.append(i)
    return "".join(chars), index


# --- pattern compilation ----------------------------------------------------------------------

_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _elongate(pattern: str) -> str:
    """Let each plain letter, space and character class of ``pattern`` match a run of itself.

    Doubled letters are squeezed first, then each letter ``c`` becomes ``cc*`` (a literal
    first, which the engine tests fastest), so ``kill`` matches "kil", "kill" and "killll";
    ``s?`` becomes ``s*``. Escapes (``\\b``, ``\\w``), group openers (``(?:``, ``(?!``),
    ``{m,n}`` and whole look-behinds (which need a fixed width) are copied as they are.
    """
    src = SQUEEZE.sub(r"\1", pattern)
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            width = 2 + _HEX_ESCAPES.get(src[i + 1], 0)
            out.append(src[i : i + width])
            i += width
            continue
        if src.startswith(("(?<!", "(?<="), i):  # look-behinds must keep a fixed width
            end = src.index(")", i) + 1
            out.append(src[i:end])
            i = end
            continue
        if src.startswith("(?", i):
            out.append(src[i : i + 3])
            i += 3
            continue
        if c == "{":
            end = src.index("}", i) + 1
            out.append(src[i:end])
            i = end
            continue
        if c == "[":
            end = src.index("]", i + 2) + 1
            token, i = src[i:end], end
        elif "a" <= c <= "z" or c == " ":  # a space matches a run of spaces too
            token, i = c, i + 1
        else:
            out.append(c)
            i += 1
            continue
        nxt = src[i] if i < n else ""
        if nxt in ("?", "*"):
            out.append(token + "*")
            i += 1
        elif nxt in ("+", "{"):
            out.append(token)
        else:
            out.append(token + token + "*" if len(token) == 1 else token + "+")
    return "".join(out)


def _source(patterns: Sequence[str]) -> str:
    """One regex source matching any of ``patterns`` (each starting at ``\\b``), elongated."""
    # Every pattern starts with \b; testing it once, before the alternation, lets the engine
    # skip the alternation at the ~80% of positions that are inside a word.
    for p in patterns:
        if not p.startswith("\\b"):
            raise ValueError(f"pattern must start with \\b: {p!r}")
    body = "|".join(_elongate(p[2:]) for p in patterns)
    return rf"\b(?:{body})"


def _trie(words: Sequence[str]) -> str:
    """A regex matching any of ``words`` as a prefix, factored by shared prefixes, elongated.

    ``words`` hold letters, digits, spaces and "!" only, none special to :mod:`re`.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in SQUEEZE.sub(r"\1", word):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        if "" in node:  # a shorter word already matches everything below
            return ""
        alts = [_elongate(ch) + emit(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


# --- the candidate gate (built by _crisis_gate from the patterns) ----------------------------

# The view of ASCII text: lowercased, apostrophes deleted, all but a-z, 0-9, space and NUL a space.
_VIEW_TABLE = bytes(
    c if chr(c) in ALNUM or c in (0, 32) else c + 32 if 65 <= c <= 90 else 32 for c in range(256)
)


class _Regexes(NamedTuple):
    """Every compiled regex of the rules."""

    high: re.Pattern[str]
    high_negative: re.Pattern[str]
    medium: re.Pattern[str]
    gate: re.Pattern[str]
    gate_high: re.Pattern[str]
    suicide_word: re.Pattern[str]
    first_person: re.Pattern[str]
    not_crisis: re.Pattern[str]
    negation: re.Pattern[str]
    other_subject: re.Pattern[str]


@functools.cache
def _rx() -> _Regexes:
    """Compile the rules once, on first use (~0.15 s), so that importing this module is cheap."""
    # The gates start with a character class rather than \b, which lets the engine scan for
    # candidate positions in C; the text they search is " " + the normalised text.
    return _Regexes(
        high=re.compile(_source(_HIGH_PATTERNS)),
        high_negative=re.compile(_source(_HIGH_NEGATIVE_PATTERNS)),
        medium=re.compile(_source(_MEDIUM_PATTERNS)),
        gate=re.compile("[^a-z0-9]" + _trie(_GATE_STEMS)),
        gate_high=re.compile("[^a-z0-9]" + _trie(_HIGH_STEMS)),
        suicide_word=re.compile(_source(_SUICIDE_WORD_PATTERNS)),
        first_person=re.compile(_source(_FIRST_PERSON_PATTERNS)),
        not_crisis=re.compile(_source(_NOT_CRISIS_PATTERNS)),
        negation=re.compile(_source(_NEGATION_PATTERNS)),
        other_subject=re.compile(_source(_OTHER_SUBJECT_PATTERNS)),
    )


# --- scoring ----------------------------------------------------------------------------------

_NONE, _NEGATED, _FIRES = 0, 1, 2


def _clause_prefix(norm: str, start: int) -> str:
    """The text before ``start`` in the same clause, at most 60 characters of it."""
    prefix = norm[max(0, start - 60) : start]
    cut = 0
    for m in _CLAUSE_END.finditer(prefix):
        cut = m.end()
    return prefix[cut:]


def _judge(norm: str, m: re.Match[str], negation: str) -> int:
    """Whether match ``m`` fires, is negated, or is about someone else (``_NONE``).

    ``negation`` says where a negation is looked for: ``"none"`` (medium patterns),
    ``"before"`` (patterns worded with their own negation) or ``"within"``: before the
    match or inside it, before its last words ("im not suicidal", "ive never self harmed").
    """
    rx = _rx()
    prefix = _clause_prefix(norm, m.start())
    if prefix and rx.other_subject.search(prefix):
        return _NONE
    if negation == "none":
        return _FIRES
    if rx.negation.search(prefix):
        return _NEGATED
    if negation == "within":
        words = m.group().split(" ")
        for cut in range(1, min(4, len(words))):
            if rx.negation.search(prefix + " ".join(words[:-cut]) + " "):
                return _NEGATED
    return _FIRES


def _high(norm: str) -> Iterator[tuple[re.Match[str], int]]:
    """The high-tier matches of ``norm`` with their :func:`_judge` verdicts."""
    rx = _rx()
    for m in rx.high.finditer(norm):
        yield m, _judge(norm, m, "within")
    for m in rx.high_negative.finditer(norm):
        yield m, _judge(norm, m, "before")


def _last_resort(norm: str) -> list[re.Match[str]]:
    """The suicide-word matches of the sentences of ``norm`` where that rule fires."""
    rx = _rx()
    found: list[re.Match[str]] = []
    for sentence in _SENTENCE.finditer(norm):
        start, end = sentence.span()
        if (
            rx.suicide_word.search(norm, start, end)
            and rx.first_person.search(norm, start, end)
            and not rx.not_crisis.search(norm, start, end)
        ):
            found.extend(rx.suicide_word.finditer(norm, start, end))
    return found


def _matches(norm: str) -> tuple[float, list[re.Match[str]]]:
    """The score of ``norm`` and the matches that gave it (all of them at that tier)."""
    fired: list[re.Match[str]] = []
    negated: list[re.Match[str]] = []
    for m, verdict in _high(norm):
        if verdict == _FIRES:
            fired.append(m)
        elif verdict == _NEGATED:
            negated.append(m)
    if fired:
        return HIGH_SCORE, fired
    medium = negated + [m for m in _rx().medium.finditer(norm) if _judge(norm, m, "none") == _FIRES]
    if not medium:
        medium = _last_resort(norm)
    return (MEDIUM_SCORE, medium) if medium else (0.0, [])


def _score(text: str) -> float:
    """:func:`_matches`'s score, stopping at the first decisive match."""
    rx = _rx()
    norm = normalize(text)
    padded = " " + norm
    if not rx.gate.search(padded):
        return 0.0
    medium = False
    if rx.gate_high.search(padded):
        for _, verdict in _high(norm):
            if verdict == _FIRES:
                return HIGH_SCORE
            medium = medium or verdict == _NEGATED
    if medium or any(_judge(norm, m, "none") == _FIRES for m in rx.medium.finditer(norm)):
        return MEDIUM_SCORE
    return MEDIUM_SCORE if rx.suicide_word.search(norm) and _last_resort(norm) else 0.0


def _view_text(text: str) -> str:
    """``normalize(text)`` for the gate, but for what _VIEW_TABLE does: ASCII, as ``str``."""
    if text.isascii():
        return text
    # normalize() less its translate(): the characters that that turns into spaces or quotes
    # are spaces to the gate anyway.
    low = unicodedata.normalize("NFKC", text).lower()
    if _GONE.search(low):
        low = _GONE.sub("", low)
    return low.encode("ascii", "replace").decode("ascii")


@functools.cache
def _gates() -> tuple[re.Pattern[bytes], ...] | None:
    """The compiled candidate gate (~0.4 s, once per process), or None to pass every text."""
    try:
        from ._crisis_gate import gate_sources

        sources = gate_sources(
            (_HIGH_PATTERNS, _HIGH_NEGATIVE_PATTERNS, _MEDIUM_PATTERNS, _SUICIDE_WORD_PATTERNS)
        )
    except Exception:  # re's parser changed beyond recognition: no gate, still right
        return None
    return None if sources is None else tuple(re.compile(g.encode("ascii")) for g in sources)


def _candidates_one_by_one(texts: Sequence[str], gates: Sequence[re.Pattern[bytes]]) -> list[int]:
    """:func:`_candidates` for texts that hold a NUL, the separator of the batch view."""
    views = [
        b" " + _view_text(t).encode("ascii").translate(_VIEW_TABLE, b"'`").replace(b"\x00", b" ")
        for t in texts
    ]
    return [i for i, v in enumerate(views) if any(g.search(v) for g in gates)]


def _candidates(texts: Sequence[str]) -> list[int]:
    """The indices of the texts that pass the candidate gate, in order.

    The gate reads the whole batch at once: "\x00 "-joined, one regex search per candidate.
    """
    gates = _gates()
    if gates is None:
        return list(range(len(texts)))
    if not texts:
        return []
    parts = list(texts)
    others = list(
        itertools.compress(range(len(texts)), map(operator.not_, map(str.isascii, texts)))
    )
    if others:  # _view_text of each, all at once but for NFKC
        low = "\x00".join([unicodedata.normalize("NFKC", texts[i]) for i in others]).lower()
        ascii_views = _GONE.sub("", low).encode("ascii", "replace").decode("ascii").split("\x00")
        if len(ascii_views) != len(others):
            return _candidates_one_by_one(texts, gates)
        for i, ascii_view in zip(others, ascii_views, strict=True):
            parts[i] = ascii_view
    joined = "\x00 ".join(parts)
    if joined.count("\x00") != len(texts) - 1:
        return _candidates_one_by_one(texts, gates)
    view = b" " + joined.encode("ascii").translate(_VIEW_TABLE, b"'`")
    found: set[int] = set()
    for gate in gates:
        index, counted, pos = 0, 0, 0
        while m := gate.search(view, pos):
            index += view.count(b"\x00", counted, m.start())  # no match holds a NUL
            found.add(index)
            end = view.find(b"\x00", m.start())
            if end < 0:
                break
            index, counted, pos = index + 1, end + 1, end + 1  # on to the next text
    return sorted(found)


# The candidate gate is built once this many texts have been scored (in any number of calls),
# so that scoring a few texts costs no build; until then each text is scored on its own.
_GATE_AFTER = 1_000
_scored = 0


def explicit_crisis(texts: Sequence[str]) -> list[float]:
    """Score each text: 0.97 explicit first-person crisis, 0.6 strong indirect, else 0.0.

    ``texts`` is not modified. Cheap enough to run on every text scored.

    **Usage**::

        >>> explicit_crisis(["im gonna end it tonight", "I'd kill for a coffee", "kys"])
        [0.97, 0.0, 0.0]
    """
    global _scored
    if _scored < _GATE_AFTER:
        _scored += len(texts)
        if _scored < _GATE_AFTER:
            return [_score(t) for t in texts]
    scores = [0.0] * len(texts)
    for i in _candidates(texts):  # the others have no match: 0.0
        scores[i] = _score(texts[i])
    return scores


def crisis_floor(probabilities: Sequence[float] | Any, texts: Sequence[str]) -> Any:
    """``probabilities`` (a NumPy array) raised to at least :func:`explicit_crisis` of ``texts``.

    The one place where the rules floor a model's crisis score: the scorer, training and
    the benchmark all call it.
    """
    import numpy as np

    rules = np.asarray(explicit_crisis(texts), dtype=np.float32)
    return np.maximum(probabilities, rules) if len(rules) else probabilities


def explicit_crisis_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of ``text`` behind its :func:`explicit_crisis` score.

    Spans are sorted and do not overlap, and ``text[start:end]`` is the wording in its
    original spelling. A high score shows the high matches only; empty when the score is 0.

    **Usage**::

        >>> text = "Lately I've been cutting myself again"
        >>> [text[a:b] for a, b in explicit_crisis_spans(text)]
        ['been cutting myself']
    """
    norm, index = _normalize_with_offsets(text)
    _, found = _matches(norm)
    spans = sorted((index[m.start()], index[m.end() - 1] + 1) for m in found if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
