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

**Extension point**: ``substitutions`` maps a word or phrase (lower case) to
its replacement and takes precedence over the built-in table; a lexicon learned from
ParaDetox's parallel pairs plugs in there. :func:`cyberkind.check` re-checks every
rewrite and drops it unless the guard scores it ``ok``.

**Usage**::

    >>> rewrite("you are a moron, the data says Y", spans).text
    'the data says Y'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .lexicon import (
    IDEA_NOUNS,
    INSULT_ADJECTIVES,
    INSULT_NOUNS,
    PROFANITY,
    PROFANITY_REPLACEMENTS,
    SLURS,
    words_pattern,
)
from .models import Span

__all__ = ["Rewrite", "rewrite"]

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A proposed rewrite (``text``), or ``None`` with ``note`` saying why there is none."""

    text: str | None
    note: str


_ADJ = words_pattern(INSULT_ADJECTIVES)
_NOUN = words_pattern(INSULT_NOUNS + SLURS, plural=True)
_INTENS = (
    r"(?:such|a|an|the|so|really|truly|just|absolute|absolutely|complete|completely|total"
    r"|totally|utter|utterly|real|fucking|fuckin|bloody|damn|big|biggest|little|pretty|very"
    r"|f\w*ing)"
)
_NP = rf"(?:{_INTENS}\s+|{_ADJ}\s+)*(?:{_NOUN}|{_ADJ})"
_YOU_ARE = r"(?:you(?:'re|\u2019re|\s+are|\s+r)|u\s+r|ur|you\s+must\s+be|you\s+seem)"
_DASHES = r"[,;:\u2014\u2013-]"
_Replacement = str | Callable[[re.Match[str]], str]
_OBJECT = {"his": "him", "her": "her", "their": "them", "your": "you", "ur": "you", "my": "me"}
# Idioms and swearing with a plain equivalent; applied before the rules about people.
_IDIOMS: tuple[tuple[re.Pattern[str], _Replacement], ...] = tuple(
    (re.compile(p, _I), r)
    for p, r in (
        # dismissals
        (r"\b(?:shut\s+(?:up|your\s+\w+\s+mouth|your\s+mouth)|stfu|fuck\s+(?:off|you)|screw\s+you"
         r"|piss\s+off|get\s+lost|go\s+to\s+hell)\b\s*[,.!]*\s*", ""),
        (r"\bwhat\s+the\s+(?:hell|fuck|heck)\b", "what"),
        (r"\b(how|why|where|who|when)\s+the\s+(?:hell|fuck|heck)\b", r"\1"),
        (r"\bthe\s+(?:hell|fuck)\s+(?=out\b|up\b|away\b)", ""),
        (r"\b(\w+)\s+as\s+(?:fuck|shit|hell)\b", r"very \1"),
        (r"\b(?:holy|oh)\s+(?:shit|fuck|crap)\b", "wow"),
        (r"\bi\s+shit\s+you\s+not\b", "honestly"),
        (r"\b(?:fuck|hell)\s+(yes|yeah|no|nope)\b", r"\1"),
        (r"\bfuck\s+(it|this|that)\b(?!\s+\w+\s+\w)", r"forget \1"),
        (r"\bgive\s+an?\s+(?:shit|fuck|damn|crap)\b", "care"),
        (r"(n\s?['\u2019]t|\bnot|\bnever|\bdont)\s+(know|mean|say|do|understand)\s+"
         r"(?:shit|crap|jack\s+shit)\b", r"\1 \2 anything"),
        (r"\b(his|her|their|your|ur|my)\s+(?:sorry\s+|lazy\s+|fat\s+)?ass\b(?=\s+[a-z])",
         lambda m: _OBJECT[m.group(1).lower()]),
        (r"(?<!kick )(?<!kicks )(?<!kicked )(?<!kicking )(?<!my )(?<!his )(?<!her )(?<!your )"
         r"\b(sweet|ugly|bad|big|dumb|stupid|lazy|broke|crazy|weird|cheap|old|fat|long|little"
         r"|fine|smart|cold|hot|scary|boring)[\s-]+ass\b", r"\1"),
        (r"\b(y'all|y\s+'all|all\s+you|you)\s+bitches\b", r"\1"),
        (r"\bfools?['\u2019]?s?\s+errand\b", "hopeless task"),
        (r"\s+for\s+(?:fools|idiots|morons)\b", ""),
        # swearing as an interjection: "fuck, george bush didn't..." -> "george bush didn't..."
        (r"(?:^|(?<=[.!?]\s))\s*(?:fuck|shit|damn|crap|dammit|goddammit)\s*[,!.]+\s*", ""),
        (r"^\s*(?:fuck|shit|damn)\s+(?=[a-z])", ""),
    )
)  # fmt: skip


def _person(match: re.Match[str]) -> str:
    noun = match.group(2).lower()
    plural = noun.endswith("s") and noun not in _PERSON_WORDS
    return match.group(1) + ("people" if plural else "person")


_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = tuple(
    (re.compile(p, _I), r)
    for p, r in (
        # "you're an idiot who ignores X" -> "your argument ignores X"
        (rf"\b{_YOU_ARE}\s+{_NP}\s+(?:who|that)\s+", "your argument "),
        # "you're stupid for thinking X" -> "I disagree that X"
        (rf"\b{_YOU_ARE}\s+{_NP}\s+(?:for|to)\s+(?:think|believ|say|claim)\w*\s+(?:that\s+)?",
         "I disagree that "),
        # "I think you're an idiot" -> "I think you are mistaken"
        (rf"\b(i\s+think|i\s+guess|i\s+believe|i'd\s+say|i\s+would\s+say)\s+(?:that\s+)?"
         rf"{_YOU_ARE}\s+{_NP}\b", r"\1 you are mistaken"),
        # "you are a moron, the data says Y" -> "the data says Y"
        (rf"(?:^|(?<=[.!?]\s))\s*(?:and\s+|but\s+)?{_YOU_ARE}\s+{_NP}\s*{_DASHES}+\s*", ""),
        # "..., and you're an idiot." -> "..."
        (rf"\s*{_DASHES}?\s*(?:and\s+|but\s+|because\s+)?{_YOU_ARE}\s+{_NP}\s*(?=[.!?]|$)", ""),
        # a sentence that is only an insult: "You're an idiot." / "What a loser!"
        (rf"(?:^|(?<=[.!?]\s))\s*(?:{_YOU_ARE}|what|such)\s+{_NP}\s*(?:[.!?]+\s*|$)", ""),
        # vocatives: "you idiot, ..." / "..., you moron" / "Idiot, ..."
        (rf"(?:^|(?<=[.!?]\s))\s*(?:you\s+)?{_NP}\s*[,!]+\s*", ""),
        (rf"\s*,?\s*\byou\s+(?:{_INTENS}\s+|{_ADJ}\s+)*{_NOUN}\b", ""),
        # "your stupid face": nothing to keep
        (rf"\b(?:shut\s+)?your\s+(?:(?:fucking|ugly|{_ADJ})\s+)+(?:face|ass|arse|mouth|head|self"
         r"|brain|mother|mom|mum|family|kids?|body|life|existence)\b\s*[,.!]*\s*", ""),
        # "compared to this clown" -> "compared to this person"
        (rf"\b((?:this|that|a|an|the|some|such\s+a|what\s+a|kind\s+of|his|her|their|our|my)\s+"
         rf"(?:{_ADJ}\s+)*)({_NOUN})\b", _person),
        # "your stupid idea" -> "your idea"
        (rf"\b(your|his|her|their|this|that|the)\s+(?:{_INTENS}\s+)*(?:{_ADJ})\s+"
         rf"({words_pattern(IDEA_NOUNS, plural=True)})\b", r"\1 \2"),
    )
)  # fmt: skip
# Swear words that only intensify: deleting them keeps the sentence whole.
_INTENSIFIERS = frozenset(
    ("fucking", "fuckin", "motherfucking", "freaking", "frigging", "effing", "bloody", "damn",
     "goddamn", "goddamned", "damned")
)  # fmt: skip
_PROFANE = frozenset(PROFANITY)
_PERSON_WORDS = frozenset(w.lower() for w in INSULT_NOUNS)
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


def rewrite(
    text: str, spans: Sequence[Span], substitutions: Mapping[str, str] | None = None
) -> Rewrite:
    """Propose a kinder ``text`` given the guard's ``spans``; ``None`` where none is faithful.

    ``substitutions`` (lower-case word or phrase -> replacement) override the built-in
    replacements; an empty replacement deletes the words.
    """
    labels = {s.label for s in spans}
    if "threat" in labels:
        return Rewrite(
            None, "A threat has no kinder version worth sending: consider not posting it."
        )
    if "identity_attack" in labels:
        return Rewrite(
            None,
            "This attacks people for who they are; no rewording keeps it and makes it kind. "
            "Consider not posting it.",
        )
    if (
        labels
        <= {"personal_data", "phone_number", "email_address", "street_address", "blocked_term"}
        and labels
    ):
        return Rewrite(None, "Remove the personal data or blocked terms yourself: the guard "
                       "does not guess what to replace them with.")  # fmt: skip
    out = text
    table = {**PROFANITY_REPLACEMENTS, **{k.lower(): v for k, v in (substitutions or {}).items()}}
    for phrase in sorted((k for k in table if " " in k), key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", table[phrase], out, flags=_I)
    for pattern, replacement in (*_IDIOMS, *_RULES):
        out = pattern.sub(replacement, out)
    try:
        out = re.sub(r"\w+(?:['\u2019]\w+)*", lambda m: _replace_word(m.group(), table), out)
    except _Unfaithful as exc:
        return Rewrite(
            None,
            f"No faithful rewrite: the guard cannot tell what to put instead of {exc.word!r} "
            "here. Consider rephrasing it yourself.",
        )
    out = _tidy(out, text)
    content = [w for w in _CONTENT.findall(out) if w.lower() not in _STOP]
    if not out or len(content) < 2:
        return Rewrite(
            None,
            "Nothing is left once the insult is gone: the draft makes no point to keep. "
            "Consider saying what you disagree with, and why.",
        )
    if out == text.strip():
        return Rewrite(None, "No rewrite rule applies here; consider rephrasing the marked words.")
    return Rewrite(out, "Rewritten to discuss the issue, not the person.")


def _replace_word(word: str, table: Mapping[str, str]) -> str:
    lower = word.lower()
    if lower in table:
        return table[lower]
    if lower in _INTENSIFIERS:
        return ""
    person = lower in _PERSON_WORDS or lower.rstrip("s") in _PERSON_WORDS
    if person or lower in _PROFANE or lower in _SLUR_WORDS:
        raise _Unfaithful(word)
    return word


def _tidy(out: str, original: str) -> str:
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r"\s+([,.!?;:])", r"\1", out)
    out = re.sub(r"([,;:])\s*([,.!?;:])", r"\2", out)
    out = re.sub(r"(?<!\.)\.\s*\.(?!\.)", ".", out)
    out = re.sub(r"([!?])\s*\.", r"\1", out)
    out = re.sub(r"\b(a|an|the|such|so|such a|such an)\s*([,.!?;:]|$)", r"\2", out, flags=_I)
    out = re.sub(r"\ba\s+(?=[aeiou])", "an ", out)
    out = re.sub(r"\ban\s+(?=[b-df-hj-np-tv-z])", "a ", out)
    out = re.sub(r"^[\s,.;:!?\u2014\u2013-]+", "", out).strip()
    out = re.sub(r"[\s,;:\u2014\u2013-]+$", "", out)
    if out and original.lstrip()[:1].isupper():
        out = out[0].upper() + out[1:]
    if out and original.rstrip()[-1:] in ".!?" and out[-1] not in ".!?":
        out += original.rstrip()[-1]
    return out
