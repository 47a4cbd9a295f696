"""The guard's curated lexicon and patterns, written for this project (Apache-2.0).

Short on purpose: the engine's model carries most of the knowledge; these lists
give the guard *precise* evidence for a ``hold`` (an explicit insult aimed at
"you", a threat, a slur, a dehumanising claim about a group) and the words the
rule-based rewrite knows how to replace. Every pattern matches whole words.
"""

from __future__ import annotations

import re

__all__ = [
    "GROUP_ATTACKS",
    "GROUP_WORDS",
    "IDEA_NOUNS",
    "INSULT_ADJECTIVES",
    "INSULT_NOUNS",
    "NAME_LIKE_WORDS",
    "PROFANITY",
    "PROFANITY_REPLACEMENTS",
    "SLURS",
    "THREAT_PATTERNS",
    "words_pattern",
]


def words_pattern(words: tuple[str, ...] | frozenset[str], plural: bool = False) -> str:
    """A regex alternation of ``words`` (longest first), optionally allowing a plural "s"."""
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?:{body}){'(?:e?s)?' if plural else ''}"


# Nouns that name a person in order to demean them.
INSULT_NOUNS: tuple[str, ...] = (
    "idiot", "moron", "imbecile", "loser", "fool", "clown", "jerk", "dumbass", "cretin",
    "dimwit", "halfwit", "nitwit", "dunce", "buffoon", "scumbag", "lowlife", "degenerate",
    "hypocrite", "coward", "parasite", "psycho", "nutjob", "weirdo", "creep", "troll",
    "douche", "douchebag", "asshole", "arsehole", "bastard", "bitch", "prick", "jackass",
    "twat", "wanker", "tosser", "numpty", "muppet", "pillock", "dipshit", "shithead",
    "scum", "retard", "simpleton", "bozo", "airhead", "bonehead", "knucklehead", "dickhead",
    "piece of shit", "piece of garbage", "piece of trash", "waste of space", "pig", "cow",
)  # fmt: skip

# Adjectives that demean a person (about an idea, some are merely harsh: see rewrite.py).
INSULT_ADJECTIVES: tuple[str, ...] = (
    "stupid", "dumb", "idiotic", "moronic", "pathetic", "worthless", "useless", "brainless",
    "clueless", "incompetent", "ignorant", "retarded", "braindead", "brain-dead", "spineless",
    "disgusting", "ugly", "fat", "delusional", "deranged", "dimwitted", "imbecilic",
    "dense", "gutless", "vile", "repulsive", "hideous", "dumbest", "stupidest",
)  # fmt: skip

# Swear words; "mild" ones alone only ever earn a nudge.
PROFANITY: tuple[str, ...] = (
    "fuck", "fucks", "fucking", "fucked", "fucker", "fuckin", "motherfucker", "motherfucking",
    "shit", "shits", "shitty", "bullshit", "horseshit", "crap", "crappy", "damn", "damned",
    "dammit", "goddamn", "goddamned", "ass", "arse", "asshole", "arsehole", "bitch", "bitches",
    "bitching", "bastard", "piss", "pissed", "pissing", "bollocks", "bloody", "wtf", "stfu",
    "cunt", "dick", "dickhead", "prick", "twat", "wanker", "hell", "frigging",
    "freaking", "effing", "sucks",
)  # fmt: skip

# Plain replacements for the rewrite ("" deletes the word). Keys are lower-case.
PROFANITY_REPLACEMENTS: dict[str, str] = {
    "fucking": "", "fuckin": "", "motherfucking": "", "freaking": "", "frigging": "",
    "effing": "", "bloody": "", "damn": "", "goddamn": "", "goddamned": "", "damned": "",
    "dammit": "", "shitty": "poor", "crappy": "poor", "crap": "nonsense", "shit": "stuff",
    "bullshit": "nonsense", "horseshit": "nonsense", "pissed": "upset", "sucks": "is not good",
    "wtf": "what", "stupid": "unconvincing", "dumb": "unconvincing", "idiotic": "unconvincing",
    "moronic": "unconvincing", "pathetic": "weak", "useless": "not useful",
    "worthless": "not useful", "garbage": "weak", "trash": "weak", "dumbest": "weakest",
    "stupidest": "weakest", "ridiculous": "hard to accept", "clueless": "misinformed",
    "ignorant": "misinformed", "incompetent": "flawed",
}  # fmt: skip

# Words that are also common names or surnames ("Thanks, Dick!", "Dick Van Dyke").
NAME_LIKE_WORDS: tuple[str, ...] = ("dick", "willy", "fanny", "randy", "cummings", "butts")

# Slurs: identity-based epithets. Reclaimed use is allowed per policy (``allowed`` terms).
SLURS: tuple[str, ...] = (
    "faggot", "fag", "dyke", "tranny", "nigger", "kike", "spic", "chink", "wetback",
    "raghead", "towelhead", "paki", "gook", "coon", "beaner", "kyke", "shemale", "retard",
)  # fmt: skip

# Words that name a group of people by identity (for "<group> are vermin").
GROUP_WORDS: tuple[str, ...] = (
    "muslims", "jews", "christians", "hindus", "sikhs", "buddhists", "atheists", "catholics",
    "blacks", "whites", "asians", "latinos", "latinas", "hispanics", "mexicans", "arabs",
    "africans", "chinese", "indians", "immigrants", "refugees", "migrants", "foreigners",
    "gays", "lesbians", "bisexuals", "homosexuals", "transgenders", "women", "men", "girls",
    "black people", "white people", "gay people", "gay men", "trans people",
    "transgender people", "jewish people", "muslim people", "disabled people", "deaf people",
    "old people", "asian people", "latino people", "bisexual people", "lesbian women",
    "muslim women", "christian people", "these people", "those people",
)  # fmt: skip

# Dehumanising or hateful predicates about a group.
GROUP_ATTACKS: tuple[str, ...] = (
    "vermin", "animals", "subhuman", "sub-human", "parasites", "rats", "cockroaches", "scum",
    "filth", "a disease", "a plague", "a cancer", "disgusting", "criminals", "terrorists",
    "trash", "garbage", "inferior", "evil", "savages", "an infestation", "a virus",
    "too stupid", "stupid", "lazy and useless", "useless", "worthless", "pigs", "dogs",
)  # fmt: skip

# What an argument is about: "this plan is dumb" criticises an idea, not a person.
IDEA_NOUNS: tuple[str, ...] = (
    "argument", "arguments", "plan", "plans", "idea", "ideas", "point", "points", "claim",
    "claims", "post", "article", "essay", "proposal", "code", "approach", "logic", "data",
    "policy", "decision", "take", "opinion", "opinions", "theory", "reasoning", "analysis",
    "design", "reasoning", "study", "paper", "review", "answer", "question", "comment",
    "statement", "position", "view", "views", "suggestion", "solution", "method", "book",
    "film", "movie", "song", "law", "bill", "rule", "change", "feature", "release", "pr",
    "patch", "thread", "tweet", "blog", "draft", "figures", "numbers", "premise", "conclusion",
    "this", "that", "it",
)  # fmt: skip

_I_WILL = (
    r"(?:i|we)\s*(?:'ll|\u2019ll|\s+will|\s+shall|'m\s+going\s+to|\u2019m\s+going\s+to"
    r"|\s+am\s+going\s+to|'re\s+going\s+to|\s+are\s+going\s+to|'m\s+gonna|\u2019m\s+gonna"
    r"|\s+am\s+gonna|\s+gonna|\s+want\s+to|\s+wanna|\s+will\s+come\s+and|'ll\s+come\s+and)"
)
_HARM = (
    r"(?:find\s+you\s+and\s+|hunt\s+you\s+down\s+and\s+)?(?:kill|murder|hurt|shoot|stab|beat"
    r"|punch|strangle|choke|slap|smash|burn|rape|behead|hang|lynch|torture|bash|slit|gut"
    r"|hunt\s+you\s+down)"
)
_OBJECT = r"(?:you|u|ya|your|him|her|them|y'all)"
_NOT_A_THREAT = (
    r"(?!\s+(?:at\b|an?\s+(?:e-?mail|message|note|text|line|dm|pm|invite|link|reminder)\b"
    r"|in\s+(?:the\s+)?(?:race|game|final|match|round)\b))"
)
THREAT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_I_WILL}\s+(?:\w+\s+){{0,2}}{_HARM}\s*{_OBJECT}\b{_NOT_A_THREAT}",
        rf"\b{_I_WILL}\s+(?:\w+\s+){{0,2}}(?:break\s+(?:your|his|her|their)\s+\w+"
        rf"|beat\s+the\s+\w+\s+out\s+of\s+{_OBJECT})\b",
        r"\byou(?:'re|\u2019re|\s+are)\s+(?:so\s+|already\s+)?(?:dead|going\s+to\s+die|gonna\s+die)\b",
        r"\byou\s+(?:will|'ll|\u2019ll|should|ought\s+to)\s+(?:\w+\s+)?die\b",
        r"\b(?:kill|hang|shoot)\s+yourself\b",
        r"\bi\s+(?:hope|wish|pray)\s+(?:that\s+)?(?:you|u)\s+(?:\w+\s+)?(?:die|get\s+(?:cancer|killed"
        r"|shot|raped|hurt|run\s+over)|were\s+dead|rot)\b",
        r"\bkys\b",
        r"\bwatch\s+your\s+back\b",
        r"\bi\s+know\s+where\s+you\s+live\b",
        r"\byou\s+deserve\s+to\s+(?:die|be\s+(?:shot|killed|raped|hurt|beaten|hanged))\b",
        r"\b(?:someone|somebody)\s+should\s+(?:kill|shoot|stab|hurt|hang)\s+(?:you|him|her|them)\b",
    )
)
