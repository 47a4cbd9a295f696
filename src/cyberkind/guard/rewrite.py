"""Rule-based rewrite, v1: say it about the issue, not the person.

- "you're an idiot who ignores X" -> "your argument ignores X";
- "you are a moron, the data says Y" -> "the data says Y" (the insult goes, the fact stays);
- "you're stupid for thinking X" -> "I disagree that X";
- vocatives and dismissals go ("..., you idiot", "shut up");
- "your stupid idea" -> "your idea"; "that plan is dumb" -> "that plan is unconvincing";
- swearing is removed or replaced ("this is fucking ridiculous" -> "this is hard to accept").

Negations and everything else are left as written. Threats and attacks on people for
who they are have no faithful kinder version, so :func:`rewrite` declines them, as it
does a pure insult with nothing left to say once the insult is gone.

An insult noun is never swapped for "person"/"people": "You're an idiot and your blog is
trash." would become "You're a person and your blog is weak.", which keeps the attack's
shape and loses its point. Where no rule can take the insult away and keep the point, the
rewrite declines, says why, and offers the person-vs-idea reformulation
(:func:`idea_reformulation`: "your blog ignores X", naming what X is).

The learned lexicon (``lexicon``: ParaDetox's substitutions, :mod:`.substitutions`) sits
under the built-in table and after the rules about people: it rewrites the phrases the
guard flagged ("as hell", "piece of shit", "lmao") that no rule covers. ``substitutions``
(hand-made) take precedence over both. When :func:`rewrite` declines,
:func:`delete_flagged` is the fallback: learned substitutions inside the flagged spans, the
rest of the flagged words deleted, unless a deletion would leave a phrase without its head
("you are a [idiot].", "we will [fuck] all the world"). :func:`cyberkind.check` re-checks
every rewrite and drops it unless the guard scores it ``ok``. The idioms and the rules
about people are tables in :mod:`._rewrite_rules`.

**Usage**::

    >>> rewrite("you are a moron, the data says Y", spans).text
    'the data says Y'
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._rewrite_rules import _DETERMINERS, _I, _IDIOMS, _PERSON_WORDS, _RULES, _WORDS
from .lexicon import (
    IDEA_NOUNS,
    INSULT_ADJECTIVES,
    PROFANITY,
    PROFANITY_REPLACEMENTS,
    SLURS,
    words_pattern,
)
from .models import Span
from .substitutions import apply_edits, find_substitutions

__all__ = [
    "Rewrite",
    "decline_note",
    "delete_flagged",
    "idea_reformulation",
    "repair_deletion",
    "rewrite",
]


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A proposed rewrite (``text``), or ``None`` with ``note`` saying why there is none."""

    text: str | None
    note: str


# Swear words that only intensify: deleting them keeps the sentence whole.
_INTENSIFIERS = frozenset(
    ("fucking", "fuckin", "motherfucking", "freaking", "frigging", "effing", "bloody", "damn",
     "goddamn", "goddamned", "damned")
)  # fmt: skip
_PROFANE = frozenset(PROFANITY)
_ADJECTIVES = frozenset(w.lower() for w in INSULT_ADJECTIVES)
_SLUR_WORDS = frozenset(SLURS)
_CONTENT = re.compile(r"[A-Za-z]{3,}")
# fmt: off
_STOP = frozenset((
    "the", "and", "you", "your", "are", "was", "were", "this", "that", "what", "with", "for",
    "not", "but", "have", "has", "had", "they", "them", "she", "him", "her", "his", "its",
    "our", "their", "just", "really", "very", "such",
))
# fmt: on


class _Unfaithful(Exception):
    """A flagged word has no replacement that keeps the sentence whole."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def decline_note(spans: Sequence[Span]) -> str | None:
    """Why no rewrite is worth proposing for these reasons, whatever the words; else ``None``.

    A threat or an attack on people for who they are has no kind version, and the guard
    does not guess what to put in place of personal data or blocked terms.
    """
    labels = {s.label for s in spans}
    if "threat" in labels:
        return "A threat has no kinder version worth sending: consider not posting it."
    if "identity_attack" in labels:
        return (
            "This attacks people for who they are; no rewording keeps it and makes it kind. "
            "Consider not posting it."
        )
    if labels and labels <= _DATA_LABELS:
        return (
            "Remove the personal data or blocked terms yourself: the guard does not guess "
            "what to replace them with."
        )
    return None


# Things a reader made, besides the idea nouns: "your blog ignores X".
_THINGS: tuple[str, ...] = (
    "blog", "site", "work", "writing", "comment", "book", "video", "review", "story", "design",
    "photo", "recipe", "song", "podcast", "paper", "thread", "answer", "question", "list",
)  # fmt: skip
_IDEA_AT = re.compile(
    rf"\b(your|ur|his|her|their|this|that|the)\s+(?:\w+\s+)?"
    rf"({words_pattern(IDEA_NOUNS + _THINGS, plural=False)})\b",
    _I,
)


def idea_reformulation(text: str) -> str:
    """The person-vs-idea reformulation to offer where a rewrite declines.

    Names the idea the draft discusses where it names one ("your blog is trash" -> "your blog
    ignores X"), else the reader's argument.

    **Usage**::

        >>> idea_reformulation("You're an idiot and your blog is trash.")
        'your blog ignores X'
        >>> idea_reformulation("what a loser")
        'your argument ignores X'
    """
    m = _IDEA_AT.search(text)
    if m is None:
        return "your argument ignores X"
    owner = m.group(1).lower()
    owner = "your" if owner == "ur" else owner
    return f"{owner} {m.group(2).lower()} ignores X"


def _person_note(word: str, text: str) -> str:
    """Why an insult noun has no rewrite, and what to say instead."""
    return (
        f"No faithful rewrite: the guard cannot tell what to put instead of {word!r} here. "
        f"{word[:1].upper() + word[1:]!r} attacks the person, and a neutral word such as "
        "'person' in its place would keep the attack and lose the point. Criticise the idea "
        f'instead, for example: "{idea_reformulation(text)}" (say what X is).'
    )


def rewrite(
    text: str,
    spans: Sequence[Span],
    substitutions: Mapping[str, str] | None = None,
    lexicon: Mapping[str, str] | None = None,
    *,
    name_people: bool = False,
) -> Rewrite:
    """Propose a kinder ``text`` given the guard's ``spans``; ``None`` where none is faithful.

    ``substitutions`` (lower-case word or phrase -> replacement) override the built-in
    replacements; an empty replacement deletes the words. ``lexicon`` (the learned one,
    :func:`~cyberkind.guard.substitutions.load_substitutions`) applies after the rules about
    people, under the built-in table, and only to phrases that hold a flagged word or a swear
    word. ``name_people`` allows plainer words for swear words that head a phrase ("on his
    [ass]" -> "on him"); it never calls the people an insult noun names "person"/"people":
    where no rule takes the noun away, the rewrite declines and offers
    :func:`idea_reformulation`.
    """
    note = decline_note(spans)
    if note is not None:
        return Rewrite(None, note)
    out = text
    table = {**PROFANITY_REPLACEMENTS, **{k.lower(): v for k, v in (substitutions or {}).items()}}
    for phrase in sorted((k for k in table if " " in k), key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", table[phrase], out, flags=_I)
    for pattern, replacement in (*_IDIOMS, *_RULES):
        out = pattern.sub(replacement, out)
    try:
        if lexicon:
            learned = _learned(lexicon, table)
            out = _apply_lexicon(out, _flagged_words(text, spans), learned, not name_people)
        out = re.sub(
            r"\w+(?:['\u2019]\w+)*",
            lambda m: _replace_word(m.group(), table, _plain_at(m) if name_people else None),
            out,
        )
    except _Unfaithful as exc:
        word = exc.word.lower()
        if word in _PERSON_WORDS or word.rstrip("s") in _PERSON_WORDS or word in _PEOPLE_WORDS:
            return Rewrite(None, _person_note(exc.word, text))
        return Rewrite(
            None,
            f"No faithful rewrite: the guard cannot tell what to put instead of {exc.word!r} "
            "here. Consider rephrasing it yourself.",
        )
    done = "Rewritten to discuss the issue, not the person."
    return _finish(out, text, done, _only_swearing(text, spans))


def delete_flagged(
    text: str, spans: Sequence[Span], lexicon: Mapping[str, str] | None = None
) -> Rewrite:
    """The fallback rewrite: substitute inside the flagged ``spans``, delete what is left.

    The learned ``lexicon`` (under the built-in replacements) rewrites the phrases that
    overlap a span; every other flagged word is deleted. It declines where :func:`rewrite`
    always does (:func:`decline_note`), when a deletion would leave a phrase without its
    head ("you are a [idiot].", "we will [fuck] all the world") and when fewer than two
    content words are left.

    **Usage**::

        >>> delete_flagged("lmao this is so fucking good", spans).text
        'This is so good'
    """
    note = decline_note(spans)
    if note is not None:
        return Rewrite(None, note)
    ranges = [(s.start, s.end) for s in spans if s.label not in _DATA_LABELS]
    # Swear words keep their built-in replacements; "stupid" -> "unconvincing" suits an
    # idea, not "your stupid face", so the adjectives are left to the lexicon or deletion.
    swearing = {k: v for k, v in PROFANITY_REPLACEMENTS.items() if k in _PROFANE}
    table = {**_learned(lexicon or {}, swearing), **swearing}
    edits = _lexicon_edits(text, table, ranges)
    edits += [(s, e, "") for s, e in _uncovered(text, ranges, edits)]
    for start, end, to in edits:
        if not to and _dangling(text, start, end):
            return Rewrite(
                None,
                f"No faithful rewrite: deleting {text[start:end]!r} would leave the sentence "
                "without its point. Consider rephrasing it yourself.",
            )
    done = "Rewritten without the flagged words."
    return _finish(apply_edits(text, edits), text, done, _only_swearing(text, spans))


def repair_deletion(
    text: str, spans: Sequence[Span], lexicon: Mapping[str, str] | None = None
) -> Rewrite:
    """The last fallback: delete the flagged words and repair the sentence around them.

    Where :func:`delete_flagged` declines because a deletion would leave a phrase without its
    head, the repair widens the deletion instead: first to the whole noun phrase ("this guy
    is [a complete idiot]", "not a personal attack, [you sensitive moron]"), then, when that
    still leaves a copula or preposition without its object, to the whole clause ("he is
    working with russia[, and clowns like you are too clueless to notice]"). Learned
    substitutions inside the spans are kept, as in :func:`delete_flagged`. It declines where
    :func:`rewrite` always does (:func:`decline_note`), when a new gap is left ("is a.",
    "of,") and when no point is left: then the note offers :func:`idea_reformulation`.
    Nothing here says "person" for an insult noun: the words go, or the clause does.

    **Usage**::

        >>> repair_deletion("he is working with russia and clowns like you are too clueless "
        ...                 "to notice .", spans).text
        'he is working with russia.'
    """
    note = decline_note(spans)
    if note is not None:
        return Rewrite(None, note)
    ranges = [(s.start, s.end) for s in spans if s.label not in _DATA_LABELS]
    swearing = {k: v for k, v in PROFANITY_REPLACEMENTS.items() if k in _PROFANE}
    table = {**_learned(lexicon or {}, swearing), **swearing}
    found = _lexicon_edits(text, table, ranges)
    edits = [x for x in found if x[2]]
    # The lexicon's deletions are widened like the rest ("we will [fuck] all the world").
    cuts = [_widen(text, s, e) for s, e, to in found if not to]
    cuts += [_widen(text, s, e) for s, e in _uncovered(text, ranges, found)]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(cuts):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    edits = [x for x in edits if not any(s <= x[0] and x[1] <= e for s, e in merged)]
    out = apply_edits(text, [*edits, *((s, e, "") for s, e in merged)])
    gap = _new_gap(out, text)
    if gap:
        return Rewrite(
            None,
            f"No faithful rewrite: deleting the marked words would leave {gap!r}. "
            "Consider rephrasing it yourself.",
        )
    flagged = _flagged_words(text, spans)
    if _kept_share(out, text, flagged) < _KEEP:
        return Rewrite(
            None,
            "No faithful rewrite: taking the attack out would take most of the point with it. "
            "Consider saying what you disagree with, and why, for example: "
            f'"{idea_reformulation(text)}" (say what X is).',
        )
    people = flagged & (_PERSON_WORDS | _PEOPLE_WORDS | _SLUR_WORDS)
    done = (
        "Rewritten without the attack on the person. To make your point, say what you "
        f'disagree with, for example: "{idea_reformulation(text)}" (say what X is).'
        if people or any(e - s > 0 and (s, e) not in ranges for s, e in merged)
        else "Rewritten without the flagged words."
    )
    return _finish(out, text, done, _only_swearing(text, spans))


def _uncovered(
    text: str, ranges: Sequence[tuple[int, int]], edits: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """The parts of ``ranges`` with a word in them that no edit covers.

    "[fuck off], I'm doing stuff" with the lexicon's edit of "fuck" alone leaves "off" to
    delete, not "off, I'm doing stuff".
    """
    out = []
    for start, end in ranges:
        pos = start
        for a, b, _ in sorted(edits):
            if b <= pos or a >= end:
                continue
            if a > pos:
                out.append((pos, a))
            pos = max(pos, b)
        if pos < end:
            out.append((pos, end))
    return [(s, e) for s, e in out if re.search(r"\w", text[s:e])]


def _finish(out: str, text: str, done: str, only_swearing: bool = False) -> Rewrite:
    """Tidy ``out`` and decline it when it has no point left or ends mid-phrase.

    Two content words must be left where an insult went ("your stupid face" -> "your face"
    has no point); where only swearing went, one will do ("fucking give it to them").
    """
    out = _tidy(out, text)
    content = [w for w in _CONTENT.findall(out) if w.lower() not in _STOP]
    last, was = _last_word(out), _last_word(text)
    if last in _OPEN_ENDED and last != was:
        return Rewrite(
            None,
            f"No faithful rewrite: the sentence would end on {last!r}. "
            "Consider rephrasing it yourself.",
        )
    broken = _broken_pair(out, text)
    if broken:
        return Rewrite(
            None,
            f"No faithful rewrite: {broken!r} would be left without the words between. "
            "Consider rephrasing it yourself.",
        )
    if not out or len(content) < (1 if only_swearing else 2):
        return Rewrite(
            None,
            "Nothing is left once the insult is gone: the draft makes no point to keep. "
            "Consider saying what you disagree with, and why, for example: "
            f'"{idea_reformulation(text)}" (say what X is).',
        )
    if out == text.strip():
        return Rewrite(None, "No rewrite rule applies here; consider rephrasing the marked words.")
    return Rewrite(out, done)


# A sentence cannot end on these: "i want you to [fuck off]." -> "i want you to."
# fmt: off
_OPEN_ENDED = frozenset((
    "a", "an", "the", "your", "ur", "my", "his", "their", "our", "to", "of", "for", "with",
    "at", "by", "from", "into", "such", "very", "than", "and", "or", "but", "because",
))
# fmt: on


_NEEDS_OBJECT = frozenset(
    ("a", "an", "the", "your", "my", "his", "their", "our", "to", "of", "for", "with", "at",
     "by", "from", "into")
)  # fmt: skip
_CANNOT_FOLLOW = frozenset(
    ("to", "of", "for", "with", "at", "by", "from", "into", ".", ",", "!", "?", ";", ":")
)


def _broken_pair(out: str, text: str) -> str | None:
    """A new pair of words that a deletion left without its object ("for [you clowns] to")."""

    def pairs(t: str) -> list[tuple[str, str]]:
        words = _WORDS.findall(t.lower().replace("\u2019", "'"))
        return list(itertools.pairwise(words))

    before = set(pairs(text))
    for first, second in pairs(out):
        if first in _NEEDS_OBJECT and second in _CANNOT_FOLLOW and (first, second) not in before:
            return f"{first} {second}"
    return None


def _last_word(text: str) -> str:
    words = _WORDS.findall(text.lower())
    return next((w for w in reversed(words) if w[:1].isalnum()), "")


def _only_swearing(text: str, spans: Sequence[Span]) -> bool:
    """Whether every flagged word of ``text`` is a swear word, not an insult."""
    words = [
        w.lower().replace("\u2019", "'")
        for s in spans
        for w in _WORDS.findall(text[s.start : s.end])
        if w[:1].isalpha()
    ]
    return (
        bool(words)
        and all(
            w in _PROFANE or w in _INTENSIFIERS or w in _INTERJECTIONS or w in _STOP for w in words
        )
        and not any(w in _PERSON_WORDS or w in _SLUR_WORDS for w in words)
    )


_NEUTRAL_PEOPLE = frozenset(("person", "persons", "people", "guy", "guys"))
_DATA_LABELS = frozenset(
    ("personal_data", "phone_number", "email_address", "street_address", "blocked_term")
)
# A word after which a deletion must be followed by a content word: a determiner, a
# preposition or a copula needs its noun or adjective ("you are a [idiot]."), a subject or
# a modal its verb ("we will [fuck] all the world", "I [hate] this").
# fmt: off
_NEEDS_HEAD = frozenset((
    "a", "an", "the", "your", "ur", "my", "his", "her", "their", "our", "its", "this", "that",
    "these", "those", "such", "of", "for", "with", "at", "by", "from", "in", "on", "into",
    "about", "like", "than", "as", "is", "are", "was", "were", "be", "been", "being", "am",
    "you're", "i'm", "he's", "she's", "it's", "they're", "we're", "that's", "so", "very",
    "too", "really", "i", "we", "they", "you", "u", "he", "she", "it", "will", "would", "can",
    "could", "should", "must", "shall", "may", "might", "to", "gonna", "wanna", "don't",
    "doesn't", "didn't", "won't", "can't", "i'll", "we'll", "you'll", "they'll", "he'll",
    "she'll", "not", "no", "never", "some", "any", "all", "what", "how", "who", "total",
))
_FUNCTION = _NEEDS_HEAD | frozenset((
    "and", "or", "but", "if", "when", "then", "because", "while", "me", "him", "them", "us",
    "there", "here", "do", "does", "did", "have", "has", "had", "just", "also", "which",
    "someone", "something", "everyone", "everything", "anyone", "anything", "nobody", "up",
    "off", "out", "around", "over",
))
# fmt: on


_PREPOSITIONS = frozenset(
    ("to", "about", "at", "of", "for", "with", "on", "in", "from", "by", "into", "over")
)
_ASS = frozenset(("ass", "asses", "arse"))
_INTERJECTIONS = frozenset(("wtf", "stfu", "lol", "lmao", "omg", "damn", "dammit", "hell"))
_BOUNDARY = frozenset(("", ".", "!", "?", ",", ";", ":", "-", "\u2014", "\u2013"))


def _is_head(word: str) -> bool:
    """A swear word that is not a mere intensifier, an insult noun or a slur."""
    word = word.replace("\u2019", "'")
    if word in _INTENSIFIERS or word in _INTERJECTIONS:
        return False
    stem = word[:-1] if word.endswith("s") else word
    return any(w in _PROFANE or w in _PERSON_WORDS or w in _SLUR_WORDS for w in (word, stem))


def _dangling(text: str, start: int, end: int) -> bool:
    """Whether deleting ``text[start:end]`` leaves the words around it without their head.

    After a determiner, preposition, copula, subject or modal the next word must be a
    content word ("you are a [idiot]."); a clause must not start with a preposition
    ("[bitch] to all the students").
    """
    before = _WORDS.findall(text[:start])
    after = _WORDS.findall(text[end:])
    prev = before[-1].lower().replace("\u2019", "'") if before else ""
    nxt = after[0].lower().replace("\u2019", "'") if after else ""
    if prev in _BOUNDARY:
        return nxt in _PREPOSITIONS
    if prev in _NEEDS_HEAD and not (nxt[:1].isalpha() and len(nxt) > 1 and nxt not in _FUNCTION):
        return True
    # A swear word or insult noun inside a clause is its noun or verb ("who gives an actual
    # [fuck] about this", "you are clearly an immature [jerk]."): only an interjection or a
    # vocative that opens a clause goes without a trace.
    words = [w.lower() for w in _WORDS.findall(text[start:end]) if w[:1].isalpha()]
    if len(words) != 1 or not _is_head(words[0]):
        return False
    # ...or closes one after a complete phrase ("im putting you to work tonight [bitch]!"),
    # not after an adjective of its own noun phrase ("an immature [jerk].", "that creepy
    # little [troll].": a determiner within three words, only describing words between).
    lowered = [w.lower().replace("\u2019", "'") for w in before[-3:]]
    for k in range(len(lowered) - 1, -1, -1):
        if lowered[k] in _DETERMINERS:
            if all(w[:1].isalpha() and w not in _FUNCTION for w in lowered[k + 1 :]):
                return True
            break
    two_back = before[-2].lower() if len(before) > 1 else ""
    return not (nxt in _BOUNDARY and prev.isalpha() and two_back not in _NEEDS_HEAD
                and prev not in _ADJECTIVES)  # fmt: skip


def _lexicon_edits(
    text: str, lexicon: Mapping[str, str], ranges: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """The lexicon's edits overlapping ``ranges``, less those that would misread an idiom.

    "my ass" -> "me" suits "get my ass to work", not the disbelief of "war on drugs my
    ass, ...": a pronoun for "<possessive> ass" needs a word after it.
    """
    edits = []
    for start, end, to in find_substitutions(text, lexicon, ranges):
        words = _WORDS.findall(text[start:end].lower())
        after = _WORDS.findall(text[end:])
        if to and words and words[-1] in _ASS and not (after and after[0][:1].isalpha()):
            continue
        edits.append((start, end, to))
    return edits


def _flagged_words(text: str, spans: Sequence[Span]) -> frozenset[str]:
    return frozenset(
        w.lower().replace("\u2019", "'")
        for s in spans
        if s.label not in _DATA_LABELS
        for w in _WORDS.findall(text[s.start : s.end])
        if w[:1].isalnum() and w.lower() not in _STOP
    )


@functools.lru_cache(maxsize=8)
def _learned_cached(
    lexicon: tuple[tuple[str, str], ...], table: frozenset[str]
) -> Mapping[str, str]:
    out = {}
    for phrase, to in lexicon:
        key = phrase.lower()
        if key in table:
            continue  # the built-in table and hand-made substitutions win
        if not to and " " not in key and (key in _PERSON_WORDS or key in _SLUR_WORDS):
            continue  # a deleted person noun leaves "you are a."; the rules handle those
        if _NEUTRAL_PEOPLE & set(to.lower().split()):
            continue  # "clowns" -> "people" keeps the attack's shape: never "person"
        out[key] = to
    return out


def _learned(lexicon: Mapping[str, str], table: Mapping[str, str]) -> Mapping[str, str]:
    """The learned rules the rewrite uses: under ``table``, never deleting a person noun."""
    return _learned_cached(tuple(sorted(lexicon.items())), frozenset(table))


def _apply_lexicon(
    out: str, flagged: frozenset[str], lexicon: Mapping[str, str], strict: bool = True
) -> str:
    """Learned substitutions on the phrases of ``out`` holding a flagged or swear word.

    A deletion that would leave a phrase without its head declines the rewrite, or with
    ``strict=False`` is skipped (the word-level pass then replaces the word or declines).
    """
    wanted = [
        (m.start(), m.end())
        for m in _WORDS.finditer(out)
        if (w := m.group().lower().replace("\u2019", "'")) in flagged or w in _PROFANE
    ]
    if not wanted:
        return out
    edits = []
    for start, end, to in _lexicon_edits(out, lexicon, wanted):
        if not to and _dangling(out, start, end):
            if strict:
                raise _Unfaithful(out[start:end])
            continue
        edits.append((start, end, to))
    return apply_edits(out, edits)


def _replace_word(word: str, table: Mapping[str, str], plain: str | None = None) -> str:
    """``word`` as the rewrite leaves it; ``plain``: the plainer word ``name_people`` allows."""
    lower = word.lower()
    if lower in table:
        return table[lower]
    if lower in _INTENSIFIERS:
        return ""
    if plain is not None:
        return plain
    person = lower in _PERSON_WORDS or lower.rstrip("s") in _PERSON_WORDS
    if person or lower in _PROFANE or lower in _SLUR_WORDS:
        raise _Unfaithful(word)
    return word


# With ``name_people``: plain words for swear words that head a phrase, which deleting would
# leave without its head ("medieval on his [ass]" -> "on his butt").
_PLAIN_HEADS = {
    "ass": "butt", "arse": "butt", "asses": "butts", "shits": "things",
    "bitching": "complaining", "shithole": "mess",
}  # fmt: skip
# ...and "fuck" as a verb with an object: "dont [fuck] this guy up" -> "dont screw this guy up".
_FUCK_VERBS = {"fuck": "screw", "fucks": "screws", "fucked": "screwed"}
_OBJECTS = frozenset(
    ("this", "that", "the", "him", "her", "them", "it", "up", "over", "with", "someone",
     "people", "us", "me", "everyone", "his", "their", "my", "your", "its", "around", "our",
     "somebody", "anyone", "anybody", "everybody", "little", "kids")
)  # fmt: skip
# Swear words that name a person: "person" after a determiner or a describing word only
# ("voted for that [cunt]"; not "[bitch] to all the students", a verb).
_PEOPLE_WORDS = frozenset(
    ("dick", "dicks", "cunt", "cunts", "bitch", "bitches", "fucker", "fuckers", "motherfucker",
     "motherfuckers", "prick", "pricks")
)  # fmt: skip
# "you are an immature [jerk]", "you [idiot]", "you guys are [clowns]": aimed at the reader.
_AT_READER = re.compile(
    r"\b(?:you|u|ya|ur|y'all)(?:'re|\u2019re|\s+are|\s+r|\s+were|\s+must\s+be|\s+seem|\s+look"
    r"|\s+sound|\s+guys(?:\s+are)?|\s+people(?:\s+are)?)?(?:\s+[\w'\u2019-]+){0,3}\s+$",
    _I,
)


def _plain_at(match: re.Match[str]) -> str | None:
    """The plainer word for the swear word or insult noun at ``match``, if one is faithful.

    A swear word heading a phrase becomes a plain word (:data:`_PLAIN_HEADS`); "fuck" only
    as a verb with an object. Insult nouns, swear words naming a person and slurs have none:
    never "person"/"people" (the rewrite declines and offers :func:`idea_reformulation`).
    """
    text, word = match.string, match.group().lower()
    before = _WORDS.findall(text[: match.start()].lower())
    after = _WORDS.findall(text[match.end() :].lower())
    prev, nxt = (before[-1] if before else ""), (after[0] if after else "")
    if word in _SLUR_WORDS or word.rstrip("s") in _SLUR_WORDS:
        return None
    if word in _FUCK_VERBS:
        if nxt in _OBJECTS:
            return _FUCK_VERBS[word]
        if word == "fucked" and prev in _BE:
            return "in trouble"  # "greece will be [fucked] for decades"
        if word == "fucked" or prev in _QUANTITIES or prev in _FUNCTION - _DEMONSTRATIVES:
            return None
        # "that old senile [fuck] said", "those [fucks] who"
        person = True
    elif word in _PLAIN_HEADS:
        if word in _ASS and prev == "my" and not nxt[:1].isalpha():
            return None  # "war on drugs my ass, ..." is disbelief, not a body part
        return _PLAIN_HEADS[word]
    else:
        person = word in _PERSON_WORDS or word.rstrip("s") in _PERSON_WORDS
    # An insult noun, or a swear word naming a person, has no plain word: "person" keeps the
    # attack's shape and loses its point ("You're a person and your blog is weak.").
    del person
    return None


_BE = frozenset(
    ("be", "been", "being", "is", "are", "was", "were", "am", "'m", "probably", "totally", "so",
     "completely", "really", "get", "got", "getting")
)  # fmt: skip
_DEMONSTRATIVES = frozenset(("that", "this", "those", "these", "some"))
# "enough [fucks] to give", "the actual [fuck]": a quantity or an oath, not a person.
_QUANTITIES = frozenset(
    ("enough", "actual", "loving", "rats", "rat's", "flying", "tha", "da", "many", "more", "less",
     "few", "zero", "")
)  # fmt: skip


def _tidy(out: str, original: str) -> str:
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r"\s+([,.!?;:])", r"\1", out)
    out = re.sub(r"([,;:])\s*([,.!?;:])", r"\2", out)
    out = re.sub(r"(?<!\.)\.\s*\.(?!\.)", ".", out)
    out = re.sub(r"([!?])\s*\.", r"\1", out)
    out = re.sub(r"\b(a|an|the|such|such a|such an)\s*([,.!?;:]|$)", r"\2", out, flags=_I)
    # "you are so [stupid]." -> "you are.", but "I hope so." stays.
    out = re.sub(r"\b(is|are|was|were|be|am|'re|'m|'s)\s+so\s*([,.!?;:]|$)", r"\1\2", out, flags=_I)
    out = re.sub(r"\ba\s+(?=[aeiou])", "an ", out)
    out = re.sub(r"\ban\s+(?=[b-df-hj-np-tv-z])", "a ", out)
    out = re.sub(r"^[\s,.;:!?\u2014\u2013-]+", "", out).strip()
    out = re.sub(r"[\s,;:\u2014\u2013-]+$", "", out)
    if out and original.lstrip()[:1].isupper():
        out = out[0].upper() + out[1:]
    if out and original.rstrip()[-1:] in ".!?" and out[-1] not in ".!?":
        out += original.rstrip()[-1]
    return out


# Clause boundaries for :func:`repair_deletion`: punctuation and the coordinators.
_SEPARATORS = frozenset((",", ";", ":", ".", "!", "?", "(", ")", "-", "\u2014", "\u2013"))
_COORDINATORS = frozenset(("and", "but", "or"))
_SENTENCE_ENDS = frozenset((".", "!", "?"))
# A noun phrase's opening word, for widening a deletion to the whole phrase; "you" opens a
# vocative ("you sensitive [moron]").
_NP_OPENERS = _DETERMINERS | frozenset(("you", "u", "ya", "such", "an", "your", "ur"))
# After these, a phrase needs what follows: a deletion that leaves one of them before a
# boundary drops the clause ("this guy is [a complete idiot].").
_NEEDS_REST = _NEEDS_HEAD | frozenset(("youre", "ur", "im", "hes", "shes", "theyre", "look",
                                       "looks", "like", "become", "became", "called"))  # fmt: skip


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of ``text`` to delete for the flagged ``text[start:end]``.

    The span itself where deleting it leaves the sentence whole (:func:`_dangling`); else the
    noun phrase around it (an opener within three words, only describing words between);
    else the clause.
    """
    if not _dangling(text, start, end):
        return start, end
    toks = [(m.start(), m.end(), m.group().lower().replace("\u2019", "'"))
            for m in _WORDS.finditer(text)]  # fmt: skip
    first = next((i for i, t in enumerate(toks) if t[1] > start), len(toks))
    last = max(first, max((i for i, t in enumerate(toks) if t[0] < end), default=first))
    prev = toks[first - 1][2] if first > 0 else ""
    nxt = toks[last + 1][2] if last + 1 < len(toks) else ""
    if (
        (prev in _QUANTIFIERS and nxt[:1].isalpha() and nxt not in _FUNCTION)
        or (prev in ("those", "some", "all") and nxt in ("who", "that"))
        or (prev in ("this", "that") and (nxt in _SENTENCE_ENDS or not nxt))
    ):
        # "some [idiots] put that", "one of those [idiots] who", "publish this [crap]."
        return start, end
    # The noun phrase: back to its opener ("a complete [idiot]", "you sensitive [moron]").
    opener = None
    for k in range(first - 1, max(-1, first - 4), -1):
        word = toks[k][2]
        if word in _NP_OPENERS:
            opener = k
            break
        if not word[:1].isalpha() or word in _FUNCTION or _plural_like(word):
            break  # "a million dollars [idiot]": "dollars" is no describing word
    if opener is not None:
        # Only a phrase of its own goes whole: a vocative or an apposition ("..., [you
        # sensitive moron]."), not an object ("grow [a brain]" would leave "grow").
        before = toks[opener - 1][2] if opener > 0 else ""
        after = toks[last + 1][2] if last + 1 < len(toks) else ""
        ends = after in _SEPARATORS or after in _COORDINATORS or not after
        alone = before in _SEPARATORS or not before or toks[opener][2] in ("you", "u", "ya")
        if ends and alone:
            return toks[opener][0], toks[last][1]
    # The clause: between the separators around the span.
    left = first
    while left > 0 and toks[left - 1][2] not in _SEPARATORS | _COORDINATORS:
        left -= 1
    right = last
    while right + 1 < len(toks) and toks[right + 1][2] not in _SEPARATORS | _COORDINATORS:
        right += 1
    if left > 0 and toks[left - 1][2] not in _SENTENCE_ENDS:
        # Take the separators before it along (", and ...") but keep a full stop.
        while left > 0 and toks[left - 1][2] in (_SEPARATORS | _COORDINATORS) - _SENTENCE_ENDS:
            left -= 1
        return toks[left][0], toks[right][1]
    # The first clause of its sentence: take the separator after it along.
    while right + 1 < len(toks) and toks[right + 1][2] in (",", ";", ":", "-", "and", "but", "or"):
        right += 1
    return toks[left][0], toks[right][1]


# Quantifiers that stand as pronouns once the noun after them goes ("some [idiots] think").
_QUANTIFIERS = frozenset(("some", "many", "most", "several", "both"))
_KEEP = 0.5
"""The share of the draft's unflagged content words a repaired deletion must keep."""


def _kept_share(out: str, text: str, flagged: frozenset[str]) -> float:
    """The share of ``text``'s content words, flagged ones aside, that ``out`` keeps."""
    kept = {w.lower() for w in _CONTENT.findall(out)}
    wanted = [
        w.lower()
        for w in _CONTENT.findall(text)
        if w.lower() not in _STOP and w.lower() not in flagged
    ]
    return sum(w in kept for w in wanted) / len(wanted) if wanted else 0.0


def _plural_like(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "ous", "ish"))


# A word that cannot stand before a boundary: "is a.", "one of,", "so and".
_GAP_BEFORE = frozenset(("a", "an", "the", "your", "ur", "my", "his", "their", "our", "of",
                         "for", "with", "at", "by", "from", "to", "is", "are", "was", "were",
                         "be", "been", "am", "youre", "such", "very", "too", "like", "than",
                         "so", "and", "or", "but"))  # fmt: skip


def _new_gap(out: str, text: str) -> str | None:
    """A word left before a boundary that needs a word after it, and was not so before."""

    def gaps(t: str) -> set[tuple[str, str]]:
        words = [w.lower().replace("\u2019", "'") for w in _WORDS.findall(t)] + ["."]
        return {
            (a, b)
            for a, b in itertools.pairwise(words)
            if a in _GAP_BEFORE and (b in _SEPARATORS or b in _COORDINATORS)
        }

    new = gaps(out) - gaps(text)
    return " ".join(sorted(new)[0]) if new else None
