"""The rewrite's rule tables: idioms with a plain equivalent, and the rules about people.

:mod:`cyberkind.guard.rewrite` applies them (idioms first, then the rules that take an
insult off a person and keep the point); they are data with a little logic, kept apart so
that the rewrite module reads as the procedure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .lexicon import IDEA_NOUNS, INSULT_ADJECTIVES, INSULT_NOUNS, SLURS, words_pattern

__all__: list[str] = []

_I = re.IGNORECASE

_ADJ = words_pattern(INSULT_ADJECTIVES)
_NOUN = words_pattern(INSULT_NOUNS + SLURS, plural=True)
_INTENS = (
    r"(?:such|a|an|the|so|really|truly|just|absolute|absolutely|complete|completely|total"
    r"|totally|utter|utterly|real|fucking|fuckin|bloody|damn|big|biggest|little|pretty|very"
    r"|f\w*ing)"
)
_NP = rf"(?:{_INTENS}\s+|{_ADJ}\s+)*(?:{_NOUN}|{_ADJ})"
_YOU_ARE = r"(?:you(?:'re|\u2019re|re|\s+are|\s+r)|u\s+r|ur|you\s+must\s+be|you\s+seem)"
_DASHES = r"[,;:\u2014\u2013-]"
_Replacement = str | Callable[[re.Match[str]], str]
_NEGATED = re.compile(r"(?:n['\u2019]?t|\bnot|\bnever)\s+(?:\w+\s+)?$", _I)
_OBJECT = {"his": "him", "her": "her", "their": "them", "your": "you", "ur": "you", "my": "me"}
_CARE = {"give": "care", "gives": "cares", "gave": "cared", "given": "cared", "giving": "caring"}
# Idioms and swearing with a plain equivalent; applied before the rules about people.
_IDIOMS: tuple[tuple[re.Pattern[str], _Replacement], ...] = tuple(
    (re.compile(p, _I), r)
    for p, r in (
        # reported dismissals keep their verb: "i told him to fuck off" -> "...to go away"
        (r"\b(told|tell|tells|telling|asked|ask|want|wanted|need)\s+(him|her|them|you|me|us"
         r"|\w+)\s+to\s+(?:just\s+)?(?:fuck|piss|bugger)\s+off\b", r"\1 \2 to go away"),
        # dismissals; "address what I wrote or fuck off" -> "address what I wrote"
        (r"\s*,?\s+(?:or|and)\s+(?:just\s+)?(?:fuck\s+off|shut\s+up|piss\s+off|get\s+lost"
         r"|go\s+to\s+hell)\b(?=\s*(?:[.!?]|$))", ""),
        (r"\b(?:shut\s+(?:up|your\s+\w+\s+mouth|your\s+mouth)|stfu|fuck\s+(?:off|you)|screw\s+you"
         r"|piss\s+off|get\s+lost|go\s+to\s+hell)\b\s*[,.!]*\s*", ""),
        (r"\bwhat\s+(?:the|tha|da)\s+(?:actual\s+|ever[\s-]+loving\s+|f\w*ing\s+)?(?:hell|fuck|heck)\b",
         "what"),
        (r"\b(how|why|where|who|when)\s+(?:in\s+)?(?:the|tha|da)\s+(?:actual\s+|ever[\s-]+loving\s+)?"
         r"(?:hell|fuck|heck)\b", r"\1"),
        (r"\bfor\s+(?:the\s+love\s+of\s+)?(?:fuck|fucks|fuck\s*['\u2019]\s*s|fucks\s*['\u2019]"
         r"|christ\s*['\u2019]?\s*s|shit\s*['\u2019]?\s*s)\s+sakes?\b", "for goodness' sake"),
        # "he gives zero fucks" -> "he does not care"
        (r"\b(give|gives)\s+(?:zero|no)\s+(?:fucks|shits|damns)\b",
         lambda m: "does not care" if m.group(1).lower() == "gives" else "do not care"),
        (r"\bfull\s+of\s+(?:shit|crap|bullshit|bs)\b", "wrong"),
        (r"\bblowing\s+smoke\s+up\s+(?:your|his|her|their|my|ur)\s+(?:ass|arse)\b",
         "misleading you"),
        (r"\b(pull\w*|blow\w*|made\s+\w+\s+up)\s+(.{0,20}?)out\s+of\s+(?:your|his|her|their|my|ur)"
         r"\s+(?:ass|arse)\b", r"\1 \2out of thin air"),
        (r"\bgive\s+(?:a\s+)?(?:rats?['\u2019]?s?|flying)\s+(?:ass|arse|fuck|shit)\b", "care"),
        # "he did fuck all" -> "he did nothing"; "you cant do fuck all" -> "...do anything"
        (r"\b(do|did|does|done|doing|know|knows|knew|care|cares|say|said|got|get)\s+fuck\s+all\b",
         lambda m: m.group(1) + (" anything" if _NEGATED.search(m.string[: m.start()])
                                 else " nothing")),
        (r"\b(on|off|at|to|with|for|from|about|after)\s+(his|her|their|your|ur|my)\s+(?:ass|arse)\b"
         r"(?=\s*(?:[.!?,;]|$))", lambda m: f"{m.group(1)} {_OBJECT[m.group(2).lower()]}"),
        (r"\bthe\s+(?:hell|fuck)\s+(?=out\b|up\b|away\b)", ""),
        (r"\b(\w+)\s+as\s+(?:fuck|shit|hell)\b", r"very \1"),
        # verbs with a plain equivalent (ParaDetox's rewriters use "mess up", "mess with")
        (r"\bfuck(s|ed|ing|in)?\s+(?:around\s+)?(up|with|wit)\b",
         lambda m: "mess" + {"s": "es", "ed": "ed", "ing": "ing", "in": "ing"}.get(
             (m.group(1) or "").lower(), "") + (" up" if m.group(2).lower() == "up" else " with")),
        # "<word> ass <noun>" intensifies the word: "ghetto ass website" -> "ghetto website"
        (r"(?<!\bmy )(?<!\bhis )(?<!\bher )(?<!\byour )(?<!\byo )(?<!\bya )(?<!\bthe )"
         r"(?<!\ba )(?<!\bkick )(?<!\bkicks )(?<!\btheir )(?<!\bour )"
         r"\b([a-z]{3,})[\s-]+ass\s+(?=[a-z]{3,})", r"\1 "),
        # "how pakistan has fucked things up" -> "...has messed things up"
        (r"\bfuck(s|ed|ing|in)?\s+(things|it|this|that|everything|them|him|her)\s+up\b",
         lambda m: "mess" + {"s": "es", "ed": "ed", "ing": "ing", "in": "ing"}.get(
             (m.group(1) or "").lower(), "") + f" {m.group(2)} up"),
        (r"\bfucked\s*-?\s*(up|over)\b",
         lambda m: "messed up" if m.group(1).lower() == "up" else "screwed over"),
        # "fucked" as a predicate: "our elections are so fundamentally fucked" -> "ruined"
        (r"\b(is|are|was|were|be|been|being|so|just|totally|completely|partially|also"
         r"|fundamentally|really|all)\s+fucked\b(?=\s*(?:[,.!?;:]|$|\s+(?:now|currently|anyway)\b))",
         r"\1 ruined"),
        (r"\b(?:we|you|they|i)(?:'re|\u2019re|'m|\u2019m|\s+are|\s+am)\s+(?:so\s+)?fucked\b(?!\s+\w)",
         lambda m: m.group()[: m.group().lower().rindex("fucked")] + "in trouble"),
        (r"\b(?:holy|oh)\s+(?:shit|fuck|crap)\b", "wow"),
        (r"\bi\s+shit\s+you\s+not\b", "honestly"),
        (r"\b(?:fuck|hell)\s+(yes|yeah|no|nope)\b", r"\1"),
        (r"\bfuck\s+(it|this|that)\b(?!\s+\w+\s+\w)", r"forget \1"),
        # "who gives an actual fuck about this" -> "who cares about this"
        (r"\b(give|gives|gave|given|giving)\s+(?:a|an)\s+(?:actual\s+|single\s+|real\s+"
         r"|flying\s+|f\w*ing\s+)?(?:shit|fuck|damn|crap|toss)\b",
         lambda m: _CARE[m.group(1).lower()]),
        (r"\b(?:a\s+)?fuck\s*-?\s*tons?\b", "a lot"),
        (r"\b(are|r)\s+(you|u)\s+(?:fucking\s+)?(?:shitting|kidding)\s+me\b", r"\1 \2 kidding me"),
        (r"\bhead\s+out\s+of\s+(?:your|his|her|their|my|ur|its)\s+(?:ass|arse)\b",
         "head out of the clouds"),
        (r"\bcrap\s*-?\s*shoot\b", "gamble"),
        # "they would bitch about anyone" -> "they would complain about anyone"
        (r"\bbitch(es|ed|ing|in)?\s+(about|and\s+moan)\b",
         lambda m: "complain" + {"es": "s", "ed": "ed", "ing": "ing", "in": "ing"}.get(
             (m.group(1) or "").lower(), "") + (" about" if m.group(2).lower() == "about"
                                                else "")),
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


# Words after which a noun phrase starts a clause (its subject), not an object.
_CLAUSE_START = frozenset(
    ("", "and", "but", "or", "so", "because", "when", "if", "that", "which", "who", "while",
     "then", "now", "until", "since", "although", "though", "where", "once", "as")
)  # fmt: skip
_CLAUSE_PUNCT = re.compile(r"[.!?,;:\u2014\u2013-]\s*$")


def _pronoun(match: re.Match[str]) -> str:
    """ "these clowns" -> "they"/"them", "this idiot" -> "them" (an object only).

    A plural subject becomes "they" (its verb agrees already); an object, singular or plural,
    becomes "them". A singular subject ("that moron thinks") is left for the rewrite to
    decline: "they thinks" would be broken.
    """
    text = match.string[: match.start()]
    before = _WORDS.findall(text.lower())
    prev = before[-1] if before else ""
    subject = prev in _CLAUSE_START or bool(_CLAUSE_PUNCT.search(text)) or not text.strip()
    words = match.group().lower().split()
    noun = words[-1]
    plural = noun.endswith("s") and noun not in _PERSON_WORDS and words[0] not in ("this", "that")
    if subject:
        return "they" if plural else match.group()
    if prev in _DETERMINERS or prev in _NEEDS_OBJECT_OF:
        return match.group()
    return "them"


# "like a [drunken idiot]", "is a [clown]": a predicate or a comparison, not a pronoun's place.
_NEEDS_OBJECT_OF = frozenset(("is", "are", "was", "were", "be", "been", "like", "as", "than"))


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
        # "You're an idiot and your blog is trash." -> "Your blog is weak.": the attack is a
        # clause of its own; the point about the work stays (issue 15: never "a person")
        (rf"(?:^|(?<=[.!?]\s))\s*{_YOU_ARE}\s+{_NP}\s*,?\s+(?:and|but)\s+(?=[a-z])", ""),
        # "This is a stupid idea and you are an idiot for posting it." -> "...idea."
        (rf"\s*{_DASHES}?\s*(?:and|but)\s+{_YOU_ARE}\s+{_NP}\s+for\s+\w+ing\b[^.!?]*"
         r"(?=[.!?]|$)", ""),
        # "..., and every single one of you are morons." -> "..."
        (rf"\s*{_DASHES}?\s*(?:and\s+|but\s+)?(?:every\s+(?:single\s+)?one\s+of\s+you|all\s+of\s+you"
         rf"|you\s+all|you\s+guys|you\s+people)\s+(?:are|r)\s+{_NP}\s*(?=[.!?]|$)", ""),
        # "..., and you're an idiot." -> "..."
        (rf"\s*{_DASHES}?\s*(?:and\s+|but\s+|because\s+)?{_YOU_ARE}\s+{_NP}\s*(?=[.!?]|$)", ""),
        # a question that is only an insult: "are you fucking retarded? there are laws..."
        (rf"(?:^|(?<=[.!?]\s))\s*(?:are|r)\s+(?:you|u)\s+{_NP}\s*(?:\?+\s*|$)", ""),
        # a sentence that is only an insult: "You're an idiot." / "What a loser!"
        (rf"(?:^|(?<=[.!?]\s))\s*(?:{_YOU_ARE}|what|such)\s+{_NP}\s*(?:[.!?]+\s*|$)", ""),
        # vocatives: "you idiot, ..." / "..., you moron" / "Idiot, ..."
        (rf"(?:^|(?<=[.!?]\s))\s*(?:you\s+)?{_NP}\s*[,!]+\s*", ""),
        (rf"\s*,?\s*\byou\s+(?:{_INTENS}\s+|{_ADJ}\s+)*{_NOUN}\b", ""),
        # "your stupid face": nothing to keep
        (rf"\b(?:shut\s+)?your\s+(?:(?:fucking|ugly|{_ADJ})\s+)+(?:face|ass|arse|mouth|head|self"
         r"|brain|mother|mom|mum|family|kids?|body|life|existence)\b\s*[,.!]*\s*", ""),
        # "we should ask these clowns to step down" -> "...ask them to step down"; "these
        # idiots want to ban cars" -> "they want to ban cars": a pronoun, never "person"
        (rf"\b(?:(?:all\s+)?(?:these|those|the)|this|that)\s+(?:{_ADJ}\s+)*{_NOUN}\b", _pronoun),
        # "your stupid idea" -> "your idea"
        (rf"\b(your|his|her|their|this|that|the)\s+(?:{_INTENS}\s+)*(?:{_ADJ})\s+"
         rf"({words_pattern(IDEA_NOUNS, plural=True)})\b", r"\1 \2"),
    )
)  # fmt: skip
_PERSON_WORDS = frozenset(w.lower() for w in INSULT_NOUNS)
_WORDS = re.compile(r"[\w'\u2019]+|[^\w\s]")
_DETERMINERS = frozenset(
    ("a", "an", "the", "that", "this", "those", "these", "some", "his", "her", "their", "our",
     "my", "any", "every", "of", "like", "such")
)  # fmt: skip
