"""Read a draft before scoring it: what to set aside, what the rules see, who is targeted.

The engine is a bag of word n-grams, so on its own it scores "you are not an
idiot" and "he called me an idiot" like the insult itself. The guard first
*neutralises* the parts of a draft that mention a word rather than use it:

- quotes ("calling people 'idiots' is not okay"), unless aimed at "you";
- reported speech ("he called me an idiot", "calling people idiots is wrong");
- the scope of a negation ("you are not an idiot", "I don't think you're dumb");
- allowed terms from the policy (reclaimed words) and names ("Thanks, Dick!").

Neutralised characters become spaces in a copy of the draft of the same length,
so every offset the guard reports points into the original text.

Then the rules find precise evidence (an insult aimed at "you", a threat, a
slur, a dehumanising claim about a group, swearing), which is what a ``hold``
needs besides a high model probability.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .lexicon import (
    GROUP_ATTACKS,
    GROUP_WORDS,
    IDEA_NOUNS,
    INSULT_ADJECTIVES,
    INSULT_NOUNS,
    NAME_LIKE_WORDS,
    PROFANITY,
    SLURS,
    THREAT_PATTERNS,
    words_pattern,
)
from .models import Span, Target, VerdictLevel

__all__ = ["Analysis", "Token", "analyse", "mask", "reply_to_names", "tokens"]

_WORD = re.compile(r"\w+(?:['\u2019*\-]\w+)*")
_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the draft and its character offsets."""

    start: int
    end: int
    text: str


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their offsets (punctuation is skipped).

    >>> [t.text for t in tokens("You're a gem!")]
    ["You're", 'a', 'gem']
    """
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def mask(text: str, regions: Iterable[tuple[int, int]]) -> str:
    """``text`` with the characters of ``regions`` replaced by spaces (same length)."""
    chars = list(text)
    for start, end in regions:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# -- neutralising --------------------------------------------------------------
_QUOTE = re.compile(
    r"\"([^\"\n]{1,80})\"|\u201c([^\u201d\n]{1,80})\u201d|\u2018([^\u2019\n]{1,80})\u2019|(?<!\w)'([^'\n]{1,80})'(?!\w)"
)
_AIMED_AT_YOU = re.compile(
    r"\b(?:you|u)(?:'re|\u2019re|\s+are|\s+r)?\s*(?:such\s+an?|an?|the)?\s*$", _I
)
_REPORT = re.compile(
    r"\b(?:call(?:ed|s|ing)?|nam(?:ed|ing)|label(?:l?ed|l?ing)?|brand(?:ed|ing)?)\s+"
    r"(?:me|us|him|her|them|you|people|someone|somebody|others|each\s+other|everyone|"
    r"women|men|kids|(?:[A-Z]\w+))\s+",
    _I,
)
_REPORT_BY_ME_AT_YOU = re.compile(
    r"\b(?:i|we)(?:'m|\u2019m|\s+am|'re|\s+are)?\s+call(?:ing)?\s+you\s+$", _I
)
_SAID_I_AM = re.compile(
    r"\b(?:said|says|say|told\s+me|tells\s+me|thinks|think|thought)\s+(?:that\s+)?"
    r"(?:i|i'm|i\u2019m|we|we're|we\u2019re)\b",
    _I,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|neither|nor|cannot|none|\w+n['\u2019]t|dont|doesnt|didnt|cant|wont"
    r"|isnt|arent|wasnt|werent|shouldnt|wouldnt|couldnt|aint)\b(?!\s+(?:only|just|merely|"
    r"simply|wonder|doubt|to\s+mention|matter)\b)",
    _I,
)
_SCOPE_END = re.compile(
    r"[,.;:!?()\n\u2014\u2013]|\s-\s|\b(?:but|and|or|because|so|then|if|unless|when|i|i'll|i\u2019ll|i'm|i\u2019m"
    r"|we|we'll|we\u2019ll|also|yet|though|although|instead)\b",
    _I,
)
_GREETING = re.compile(
    r"\b(?:hi|hey|hello|dear|thanks|thank\s+you|thx|cheers|mr|mrs|ms|miss|dr|prof|sir|"
    r"madam|uncle|aunt|auntie|cousin|brother|sister|saint|st)\.?,?\s+$",
    _I,
)
_TITLE = re.compile(r"[A-Z][a-z]+(?:['\u2019][a-z]+)?")
_INSULT_WORDS = frozenset(w.lower() for w in INSULT_NOUNS + INSULT_ADJECTIVES + SLURS)
_SWEAR_WORDS = frozenset(PROFANITY) - frozenset(NAME_LIKE_WORDS)
_IDENTITY_ADJECTIVES = (
    r"gay|lesbian|trans|transgender|bisexual|queer|muslim|jewish|christian|hindu|sikh|black"
    r"|white|asian|latino|latina|hispanic|arab|african|mexican|chinese|indian|disabled|deaf"
    r"|blind|old|an\s+immigrant|a\s+woman|a\s+man|a\s+refugee|a\s+migrant|a\s+foreigner"
)
_IDENTITY_WORDS = frozenset(w for w in _IDENTITY_ADJECTIVES.split("|") if " " not in w)


def _clause_end(text: str, start: int, max_words: int = 6) -> int:
    """Where a negation's scope that starts at ``start`` ends."""
    end = start
    for count, m in enumerate(re.finditer(r"\S+", text[start:]), 1):
        boundary = _SCOPE_END.search(m.group())
        if boundary is not None and count > 1 and boundary.start() == 0:
            break
        end = start + m.end()
        if boundary is not None or count >= max_words:
            if boundary is not None:
                end = start + m.start() + boundary.start()
            break
    return end


def _quote_regions(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _QUOTE.finditer(text):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        if _AIMED_AT_YOU.search(text[max(0, m.start() - 30) : m.start()]):
            continue  # 'you are "special"' is aimed at the reader, not a mention
        out.append((m.start(group), m.end(group), "quote"))
    return out


def _report_regions(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _REPORT.finditer(text):
        if _REPORT_BY_ME_AT_YOU.search(text[max(0, m.start() - 20) : m.end()]):
            continue  # "I'm calling you an idiot" is the attack itself
        out.append((m.end(), _clause_end(text, m.end(), 4), "reported speech"))
    for m in _SAID_I_AM.finditer(text):
        out.append((m.end(), _clause_end(text, m.end(), 5), "reported speech"))
    return out


def _negation_regions(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _NEGATION.finditer(text):
        word = m.group().lower()
        if word in {"don't", "don\u2019t", "dont"} and re.match(r"\s+be\b", text[m.end() :]):
            continue  # "don't be an idiot" still calls someone an idiot
        end = _clause_end(text, m.end())
        if end > m.end():
            out.append((m.end(), end, "negation"))
    return out


def _term_regions(text: str, terms: Sequence[str], kind: str) -> list[tuple[int, int, str]]:
    out = []
    for term in terms:
        if term.strip():
            pattern = rf"(?<!\w){re.escape(term.strip())}(?!\w)"
            out += [(m.start(), m.end(), kind) for m in re.finditer(pattern, text, _I)]
    return out


def _name_regions(text: str, names: Sequence[str]) -> list[tuple[int, int, str]]:
    """Capitalised words used as names: after a greeting or title, or before a surname."""
    words = tokens(text)
    titled = sum(1 for w in words if _TITLE.fullmatch(w.text))
    # In Title Case Text capitals say nothing about names; only greetings do.
    title_case = len(words) >= 6 and titled / len(words) > 0.6
    out: list[tuple[int, int, str]] = []
    for i, w in enumerate(words):
        if not _TITLE.fullmatch(w.text):
            continue
        before = text[max(0, w.start - 20) : w.start]
        sentence_start = re.search(r"(?:^|[.!?]\s+|\n)\s*$", text[: w.start]) is not None
        after_greeting = _GREETING.search(before) is not None
        nxt = words[i + 1] if i + 1 < len(words) else None
        lower = w.text.lower()
        before_surname = (
            not title_case
            and nxt is not None
            and (lower in NAME_LIKE_WORDS if sentence_start else lower not in _SWEAR_WORDS)
            and lower not in _IDENTITY_WORDS
            and _TITLE.fullmatch(nxt.text) is not None
            and text[w.end : nxt.start] == " "
            and lower not in _INSULT_WORDS
            and nxt.text.lower() not in _INSULT_WORDS | _SWEAR_WORDS
        )
        prev = words[i - 1] if i else None
        after_name = (
            prev is not None
            and bool(out)
            and out[-1][:2] == (prev.start, prev.end)
            and text[prev.end : w.start] == " "
        )
        if after_greeting or before_surname or after_name:
            out.append((w.start, w.end, "name"))
    out += _term_regions(text, names, "author name")
    return out


# -- rule evidence -------------------------------------------------------------
_SECOND = r"(?:you|u|ya|y'all|you\s+guys|you\s+people|you\s+all)"
_COPULA = r"(?:'re|\u2019re|\s+are|\s+r|\s+were|re|\s+must\s+be|\s+seem|\s+look|\s+sound)"
_INTENSIFIERS = (
    r"such|a|an|the|so|really|truly|just|one|absolute|absolutely|complete|completely|total"
    r"|totally|utter|utterly|real|fucking|fuckin|bloody|damn|big|biggest|little|massive|huge"
    r"|f\w*ing|as|pretty|very|most|more|of|kind|sort|bunch|piece"
)
_FILL = rf"(?:\s+(?:{_INTENSIFIERS}|{words_pattern(INSULT_ADJECTIVES)}))*"
_NOUNS = words_pattern(INSULT_NOUNS + SLURS, plural=True)
_ANY_INSULT = words_pattern(INSULT_NOUNS + INSULT_ADJECTIVES + SLURS, plural=True)
_AT_YOU = re.compile(rf"\b{_SECOND}{_COPULA}{_FILL}\s+({_ANY_INSULT})\b", _I)
_YOU_NOUN = re.compile(rf"\b(?:you|u|ya){_FILL}\s+({_NOUNS})\b", _I)
_YOUR_BODY = re.compile(
    rf"\byour\s+(?:(?:fucking|ugly|{words_pattern(INSULT_ADJECTIVES)})\s+)+"
    r"(?:face|ass|arse|mouth|head|self|brain|mother|mom|mum|family|kids?|body|life|existence)\b",
    _I,
)
_VOCATIVE_FILL = _INTENSIFIERS.replace("|as|", "|")
_VOCATIVE = re.compile(
    rf"(?:^|[,.!?;:]\s*|\n\s*)((?:{_VOCATIVE_FILL}\s+)*{_NOUNS})\s*(?=[,.!;:]|$)",
    _I | re.MULTILINE,
)
_DISMISS_HOLD = re.compile(r"\b(?:fuck\s+(?:you|off|u)|go\s+to\s+hell|go\s+die)\b", _I)
_DISMISS = re.compile(
    r"\b(?:shut\s+(?:up|your\s+mouth)|stfu|screw\s+you|piss\s+off|get\s+lost"
    r"|i\s+(?:hate|despise|loathe)\s+(?:you|u)|nobody\s+(?:likes|wants|cares\s+about)\s+you)\b",
    _I,
)
_THIRD = r"(?:he|she|they|he's|she's|they're|this\s+guy|that\s+guy|this\s+woman|that\s+woman"
_THIRD_INSULT = re.compile(
    rf"\b{_THIRD}|this\s+man|that\s+man|what)(?:\s*(?:is|are|'s|\u2019s|was|were|'re|\u2019re))?{_FILL}"
    rf"\s+({_NOUNS})\b",
    _I,
)
_GROUPS = words_pattern(GROUP_WORDS)
_GROUP_ATTACK = re.compile(
    rf"\b(?:all\s+)?({_GROUPS})\s+(?:are|is|were|r)\s+(?:all\s+|just\s+|nothing\s+but\s+|such\s+"
    rf"|so\s+|a\s+bunch\s+of\s+|dirty\s+|filthy\s+)*({words_pattern(GROUP_ATTACKS)})\b",
    _I,
)
_GROUP_HATE = re.compile(
    rf"\b(?:i|we)\s+(?:\w+\s+)?(?:hate|despise|loathe)\s+(?:all\s+)?(?:the\s+)?({_GROUPS})\b"
    rf"|\b(?:kill|exterminate|gas|wipe\s+out|get\s+rid\s+of)\s+(?:all|every)\s+(?:the\s+)?"
    rf"({_GROUPS})\b"
    r"|\b(?:should|must|need\s+to|gonna|going\s+to|let['\u2019]?s|will|['\u2019]ll)\s+(?:\w+\s+)?"
    rf"(?:kill|exterminate|gas|wipe\s+out|get\s+rid\s+of)\s+(?:the\s+)?({_GROUPS})\b",
    _I,
)
_BEING_X = re.compile(
    rf"\bbeing\s+(?:{_IDENTITY_ADJECTIVES})\s+is\s+(?:disgusting|wrong|a\s+sin|sick|unnatural"
    r"|a\s+disease|an\s+abomination)\b",
    _I,
)
_IDENTITY_MENTION = re.compile(rf"\b(?:{_GROUPS}|{_IDENTITY_ADJECTIVES})\b", _I)
# "..., they are all lazy and useless" about people named by identity earlier in the sentence.
_IDENTITY_PEOPLE = re.compile(
    rf"\b(?:{_GROUPS}|(?:{_IDENTITY_ADJECTIVES})\s+(?:man|woman|person|people|men|women|guys?"
    r"|girls?|boys?|kids?|folks?|famil(?:y|ies)|neighbou?rs?|mother|father|friends?))\b",
    _I,
)
_THEY_ALL = re.compile(
    rf"\b(?:they|them|they['\u2019]re)\s+(?:are\s+)?all\s+(?:just\s+|so\s+)?"
    rf"({words_pattern(GROUP_ATTACKS)}|lazy)\b",
    _I,
)
_SLUR = re.compile(rf"\b{words_pattern(SLURS, plural=True)}\b", _I)
_SWEAR = re.compile(rf"\b{words_pattern(tuple(w for w in PROFANITY if w != 'hell'))}\b", _I)
_INSULT_WORD = re.compile(rf"\b{_ANY_INSULT}\b", _I)
_IDEA = re.compile(
    rf"\b(?:the|this|that|your|his|her|their|these|those|my|our)\s+(?:\w+\s+)?"
    rf"{words_pattern(IDEA_NOUNS)}\b|^\s*(?:this|that|it)\b",
    _I,
)
_CRITICAL = re.compile(
    r"\b(?:ignor\w*|miss\w*|overlook\w*|wrong|flaw\w*|fail\w*|doesn't|does\s+not|won't|isn't"
    r"|weak|incorrect|inaccurate|misleading|disagree|problem\w*|issue\w*|broken|bad|poor"
    r"|unconvincing|doubt\w*|unclear|confus\w*|dumb|stupid|silly|ridiculous|nonsense|absurd"
    r"|sucks|garbage|trash|crap|bullshit|pointless|useless|worthless|lacks?|needs?)\b",
    _I,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you\u2019re|yourself|u|ur|ya|y'all)\b", _I)
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|her|his|hers|they|them)\b", _I)


@dataclass
class Analysis:
    """What the guard read in a draft before and besides the model."""

    text: str
    masked: str
    neutral: list[tuple[int, int, str]]
    evidence: dict[str, list[Span]] = field(default_factory=dict)
    floors: dict[str, VerdictLevel] = field(default_factory=dict)
    person_rule: bool = False
    group_rule: bool = False

    def add(self, label: str, start: int, end: int, level: VerdictLevel | None) -> None:
        """Record rule evidence for ``label`` over ``text[start:end]``, raising its floor."""
        span = Span(start, end, label, 1.0, self.text[start:end])
        self.evidence.setdefault(label, []).append(span)
        if level is not None and _rank(level) > _rank(self.floors.get(label, "ok")):
            self.floors[label] = level


def _rank(level: VerdictLevel) -> int:
    return ("ok", "reconsider", "hold").index(level)


def reply_to_names(reply_to: str | None) -> list[str]:
    """The reply_to author's names: @handles and a signature ("\u2014 Maria", "Cheers, Tom").

    >>> reply_to_names("Great post!\\n\u2014 Maria")
    ['Maria']
    """
    if not reply_to:
        return []
    names = [m.group(1) for m in re.finditer(r"@(\w{2,})", reply_to)]
    lines = [line.strip() for line in reply_to.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    signed = re.search(
        r"(?:^|\s)(?:--?|\u2014|\u2013|~|cheers,?|best,?|thanks,?|regards,?|love,?)\s*"
        r"([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?)\s*\.?$",
        last,
        _I,
    )
    if signed:
        names.append(signed.group(1))
    elif len(lines) > 1 and re.fullmatch(r"[A-Z][\w'\u2019-]+", last):
        names.append(last)
    out: list[str] = []
    for name in names:
        out += [name, *name.split()[:1]] if " " in name else [name]
    return list(dict.fromkeys(out))


_SELF = re.compile(
    r"\b(?:i\s*['\u2019]?m|i\s+am|i\s+was|i\s+feel|i\s+felt|i\s+look(?:ed)?|call\s+me"
    r"|i\s+can\s+be|i['\u2019]ve\s+been|i\s+have\s+been|made\s+me\s+(?:look|feel))"
    r"(?:\s+like)?((?:\s+(?:such|so|a|an|the|really|just|total|complete|absolute|biggest|kind\s+of"
    rf"|sort\s+of))*{_FILL}\s+{_ANY_INSULT})\b"
    rf"|\b({words_pattern(INSULT_ADJECTIVES)}|silly)\s+me\b"
    rf"|\bmy\s+(?:own\s+)?({words_pattern(INSULT_ADJECTIVES)})\s+(?:mistake|fault|brain|self)\b",
    _I,
)


def _self_regions(text: str) -> list[tuple[int, int, str]]:
    """Self-deprecation is not an attack: "I'm such an idiot", "stupid me"."""
    out = []
    for m in _SELF.finditer(text):
        group = next(i for i in (1, 2, 3) if m.group(i) is not None)
        out.append((m.start(group), m.end(group), "self"))
    return out


def analyse(
    text: str,
    allowed_terms: Sequence[str] = (),
    names: Sequence[str] = (),
) -> Analysis:
    """Neutralise mentions, negations, allowed terms and names; collect rule evidence.

    ``names`` are the reply_to author's names: an insult next to one is a personal attack.
    """
    regions = (
        _quote_regions(text)
        + _report_regions(text)
        + _self_regions(text)
        + _negation_regions(text)
        + _term_regions(text, allowed_terms, "allowed term")
        + _name_regions(text, [n for n in names if not n.startswith("@")])
    )
    masked = mask(text, [(s, e) for s, e, _ in regions])
    found = Analysis(text, masked, sorted(regions))
    _collect(found, names)
    return found


def _collect(a: Analysis, names: Sequence[str]) -> None:
    m_text = a.masked
    for pattern in THREAT_PATTERNS:
        for m in pattern.finditer(m_text):
            a.add("threat", m.start(), m.end(), "hold")
            a.person_rule = True
    for pattern in (_AT_YOU, _YOU_NOUN, _YOUR_BODY):
        for m in pattern.finditer(m_text):
            start, end = (m.start(1), m.end(1)) if m.groups() else (m.start(), m.end())
            a.add("personal_attack", start, end, "hold")
            a.add("insult", start, end, "hold")
            a.person_rule = True
    for m in _VOCATIVE.finditer(m_text):
        if _TITLE.fullmatch(m.group(1)) and m.start(1) > 0 and m_text[m.start(1) - 1] != " ":
            continue
        a.add("personal_attack", m.start(1), m.end(1), "hold")
        a.add("insult", m.start(1), m.end(1), "hold")
        a.person_rule = True
    for m in _DISMISS_HOLD.finditer(m_text):
        a.add("personal_attack", m.start(), m.end(), "hold")
        a.person_rule = True
    for m in _DISMISS.finditer(m_text):
        a.add("personal_attack", m.start(), m.end(), "reconsider")
        a.person_rule = True
    for m in _THIRD_INSULT.finditer(m_text):
        a.add("insult", m.start(1), m.end(1), "reconsider")
    # The author's names are masked for the model but are what these patterns look for.
    named = mask(a.text, [(s, e) for s, e, kind in a.neutral if kind != "author name"])
    for name in names:
        handle = name.lstrip("@")
        about = rf"@?\b{re.escape(handle)}\b[,:]?(?:\s*(?:is|was|'s|\u2019s))?"
        for m in re.finditer(rf"{about}{_FILL}\s+({_ANY_INSULT})\b", named, _I):
            a.add("personal_attack", m.start(1), m.end(1), "hold")
            a.add("insult", m.start(1), m.end(1), "hold")
            a.person_rule = True
    for pattern in (_GROUP_ATTACK, _GROUP_HATE, _BEING_X):
        for m in pattern.finditer(m_text):
            a.add("identity_attack", m.start(), m.end(), "hold")
            a.group_rule = True
    for m in _THEY_ALL.finditer(m_text):
        sentence = re.split(r"[.!?\n]", a.text[: m.start()])[-1]
        if _IDENTITY_PEOPLE.search(sentence):
            a.add("identity_attack", m.start(), m.end(), "hold")
            a.group_rule = True
    for m in _SLUR.finditer(m_text):
        a.add("identity_attack", m.start(), m.end(), "hold")
    # Swearing is swearing under a negation too ("it doesn't fucking matter").
    unnegated = mask(a.text, [(s, e) for s, e, kind in a.neutral if kind != "negation"])
    for m in _SWEAR.finditer(unnegated):
        a.add("profanity", m.start(), m.end(), "reconsider")
    for m in _INSULT_WORD.finditer(m_text):
        a.add("insult", m.start(), m.end(), None)


def mentions_identity(a: Analysis) -> bool:
    """Whether the scored text names a group by identity, or a rule found a slur."""
    return bool(_IDENTITY_MENTION.search(a.masked) or a.evidence.get("identity_attack"))


def has_evidence(a: Analysis, label: str) -> bool:
    """Whether a rule or lexicon word backs ``label`` (a ``hold`` needs this)."""
    if label in ("toxicity", "insult", "personal_attack"):
        # Swearing alone is a nudge, never a reason to hold.
        return any(
            a.evidence.get(k) for k in ("insult", "personal_attack", "identity_attack", "threat")
        )
    return bool(a.evidence.get(label))


def find_target(a: Analysis, flagged: Sequence[str]) -> Target:
    """``group``, ``person``, ``idea`` or ``none``: what the draft goes after."""
    if a.group_rule or ("identity_attack" in flagged and not a.person_rule):
        return "group"
    if a.person_rule:
        return "person"
    spans = [s for label in flagged for s in a.evidence.get(label, [])]
    person_words = {w.lower() for w in INSULT_NOUNS + SLURS}
    if any(
        s.text.lower().rstrip("s") in person_words or s.text.lower() in person_words for s in spans
    ):
        return "person"
    if flagged:
        if _IDEA.search(a.masked):
            return "idea"
        if _SECOND_PERSON.search(a.masked) or _THIRD_PERSON.search(a.masked):
            return "person"
        return "none"
    if _IDEA.search(a.masked) and _CRITICAL.search(a.masked):
        return "idea"
    return "none"
