"""The reading of one message: what it is (hostile, spam, grief, news, a question...) and
what it holds (the question, the news, the idea, the thing praised, who shared the post).

Pure rules over the text and the engine's scores, shared by the inbox's triage
(:mod:`cyberkind.derivation`: which one act fits an item) and the composer's reply plan
(:mod:`cyberkind.composer.plan`: which moves the reply makes). The engine's labels are noisy
on short comments, so a label counts where it is confident or where the text backs it up:

- **hostile** (an attack on the person, or trolling): ``personal_attack``, ``insult``,
  ``identity_attack`` or ``threat`` well above their thresholds; where the scores carry the
  reading tier's ``target:*`` heads, an attack only when they say it targets a person
  (negativity aimed at an idea is criticism); or an insult word aimed at "you", or a stock
  trolling phrase ("nobody cares", "get a life", "unsubscribed");
- **spam**: :func:`cyberkind.spam.is_spam` (a ``spam`` score, or the link rules);
- **grief** and **distress**: loss, illness, a lost job; strain in the first person; or a
  confident ``distress`` score;
- **criticism**: disagreement and backhanded praise about the work or its ideas;
- **news**: good news of the writer's own ("I passed my driving test", "we're expecting");
- **question**: a request for information (a question mark after a question word, or "could
  you share", "any tips"), not a rhetorical one ("how did you know I needed this?");
- **idea**: :func:`find_idea`, which also catches a practice ("something I do is...",
  "one thing that works for me...", "I always...");
- for posts: **hosting** a chat or event, a **discouraged** author, and **work** to share.

**Usage**::

    >>> r = read_message("I finally passed my driving test! Could you share the map link?")
    >>> bool(r.news), bool(r.question)
    (True, True)
    >>> read_message("You're a clueless idiot.").hostile
    'an insult aimed at them'
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .classifiers import meaning
from .classifiers.acts import ActReader, text_features
from .guard.lexicon import INSULT_ADJECTIVES, INSULT_NOUNS, words_pattern
from .spam import SPAM_THRESHOLD, spam_backed, spam_signs

__all__ = [
    "ACT_CONFIDENT",
    "ACT_CRISIS",
    "ACT_STRONG",
    "ACT_SURE",
    "CONFIDENT_NEWS",
    "CRISIS_SURE",
    "SCORED_HOSTILITY",
    "ActGuess",
    "Reading",
    "act_features",
    "crisis_reason",
    "find_idea",
    "read_act",
    "read_message",
]

_I = re.IGNORECASE


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), _I)


# -- ideas -------------------------------------------------------------------------------------

# Phrases that propose a kind act. The generic ones also need a word about kindness nearby,
# so "Idea: use a database" is not an idea for the wall.
_IDEA_EXPLICIT = re.compile(
    r"\b(?:an?|one|another|my) (?:random )?acts? of (?:cyber[- ]?)?kindness "
    r"(?:could|would|might|can) be\b|\bkindness idea\b",
    _I,
)
_IDEA_GENERIC = re.compile(
    r"(?:^|[\s(])idea\s*[:\-\u2013]|\bwhat if we (?:all|each|every)\w*\b|\bhow about we all\b"
    r"|\bwe (?:could|should) all\b|\blet'?s all\b|\bwhy don'?t we\b|\bhow about\b"
    r"|\b(?:could|can) we (?:all|each)\b|\bmaybe we (?:could|should)\b|\bwouldn'?t it be"
    r" (?:nice|lovely|great|kind) if\b|\bhere'?s an idea\b|\bsuggestion\s*:|\byou could (?:also )?"
    r"(?:try|add)\b|\banother (?:idea|one for the list|thing for the list)\b|\bI'?d add\b"
    r"|\bone more for the list\b|\bhave you (?:ever )?(?:thought (?:about|of)|considered|tried)\b"
    r"|\byou (?:might|could|should|may) (?:also |even )?(?:try|add|consider|include|suggest)\b"
    r"|\bwhy not\b|\bwhat about (?:leaving|writing|sending|giving|making|asking|adding|a|an)\b"
    r"|\bit would be (?:lovely|nice|great|fun|kind|wonderful) (?:to|if)\b|\bimagine if (?:we"
    r"|everyone|every)\b|\b(?:a|another) (?:nice|lovely|good|simple|small|fun|easy|tiny|sweet)"
    r" (?:one|idea|way|thing|addition) (?:is|would be|could be|to add|for the list)\b"
    r"|\bI'?d (?:love|like) to see (?:people|everyone|us|more)\b|\bwhat if\b"
    r"|^\W*maybe (?:pair|start|add|try|set up|organi[sz]e|invite|make|ask|offer|collect)\b"
    r"|\b(?:could|can|should) (?:you|we|people|readers|everyone) (?:also"
    r" )?(?:try|add|do|start|leave|write|make|include|organi[sz]e)\b|\bwould it (?:help|be"
    r" (?:nice|good|fun|kind|worth)|work) (?:to|if)\b|\bmaybe (?:you|people|everyone|readers)"
    r" (?:could|should|can)\b|\b(?:a|one|my|quick) tip\s*[:\-\u2013]|\bmy favou?rite (?:one|thing"
    r"|act|way|kindness) (?:is|to)\b",
    _I,
)
_KIND_WORDS = re.compile(
    r"\b(?:kind\w*|thank\w*|compliment\w*|gift\w*|donat\w*|volunteer\w*|smile\w*|help\w*"
    r"|neighbou?r\w*|stranger\w*|note\w*|card\w*|review\w*|support\w*|encourag\w*|coffee"
    r"|share\w*|care\w*|welcome\w*|check in|reach out|leav\w+|letter\w*|flower\w*|bak\w+"
    r"|meal\w*|lonely|elderly|gratitude|postcard\w*|treat\w*|pay it forward|pay for|free"
    r"|litter|pick(?:ing)? up|surprise\w*|gentle|generous\w*|others|someone|everyone"
    r"|lend\w*|borrow\w*|swap\w*|librar\w+|bench\w*|budd(?:y|ies)|newcomer\w*|together"
    r"|communit\w*|communal|for anyone|talk to|nurses?|teachers?|volunteers?)\b",
    _I,
)
# A practice the writer already has: "something I do is...", "one thing that works for me...",
# "I always...". It counts when a kind deed follows within a few words.
_PRACTICE = _rx(
    r"\b(?:something|one thing|a thing|what) (?:I|we) (?:do|did|started doing|try to do"
    r"|like to do|have started doing)\b",
    r"\b(?:one thing|something|a thing) that (?:works|worked|helps|helped)(?: for (?:me|us))?\b",
    r"\bwhat (?:works|worked|helps|helped) for (?:me|us)\b",
    r"\bmy (?:little )?(?:trick|habit|tip|rule|ritual) (?:is|was)\b",
    r"\b(?:I|we) (?:always|usually|often|now|try to|like to|make a point of|have started to"
    r"|started to|have taken to|got into the habit of)\b",
    r"\b(?:every|each) (?:week|morning|evening|friday|sunday|month|day)\b,? (?:I|we)\b",
    r"\b(?:I|we) (?:started|began|set up|organi[sz]e\w*|run|keep|have been|made it a|love to)\b",
    r"\b(?:at|in) (?:my|our) (?:office|school|street|village|town|work|workplace|church|library"
    r"|class|building|estate|team|block|flats?|road|close|neighbou?rhood|area)\b,? (?:we|people"
    r"|they|everyone|someone)\b",
    r"\b(?:my|our) (?:family|kids|children|class|team|office|street|book club|choir|neighbours"
    r"|neighbors|group|club) (?:does|did|has|have|started|keeps|leaves|writes|takes turns)\b",
)
_DEED = re.compile(
    r"\b(?:leav\w*|left|writ\w*|wrote|send\w*|sent|giv\w*|gave|buy\w*|bought|pay\w*|paid"
    r"|bring\w*|brought|bak\w*|donat\w*|volunteer\w*|compliment\w*|thank\w*|smil\w*|hold\w*"
    r"|held|help\w*|check\w* (?:in|on)|call\w*|text\w*|shar\w*|drop\w*|offer\w*|carr\w*"
    r"|pick\w* up|tip\w*|tap\w*|post\w* (?:a|little)|knit\w*|cook\w*|visit\w*|invit\w*|greet\w*"
    r"|listen\w*|say\w*|tell\w*|hand\w*|walk\w*|read\w* to|teach\w*|lend\w*|lent"
    r"|learn\w* (?:the |their |people'?s )?names?)\b",
    _I,
)
_DEED_WINDOW = 10


def _practice(text: str) -> re.Match[str] | None:
    for match in _PRACTICE.finditer(text):
        after = re.split(r"(?<=[.!?])\s", text[match.end() :], maxsplit=1)[0]
        window = " ".join(after.split()[:_DEED_WINDOW])
        if _DEED.search(window) or _KIND_WORDS.search(window):
            return match
    return None


_LOOSE_FRAME = _rx(
    r"\byou (?:could|might|can|should)\b|\bever (?:thought|considered)\b|\btry it\b",
    r"\b(?:we|I) (?!\w+ (?:you|it)\b)\w+(?: \w+){0,6} now\b|\bworth (?:a )?try(?:ing)?\b",
)
"""Looser frames of a proposal or a practice ("You could team up with the care home", "Ever
thought about a story corner?", "We leave paperbacks at bus stops now. Try it!"), read only for
a message the act reader is sure proposes a kind act."""


def find_idea(text: str, limit: int = 80, *, loose: bool = False) -> str | None:
    """The words that make ``text`` an idea for a kind act (up to ``limit`` characters), or
    ``None``: an explicit idea, a generic proposal with a word about kindness nearby, or a
    practice of theirs followed by a kind deed.

    **Usage**::

        >>> find_idea("Idea: what if we all left a kind note for a neighbour?")
        'Idea: what if we all left a kind note for a neighbour?'
        >>> find_idea("Something I do is pay for the next person's parking.")
        "Something I do is pay for the next person's parking."
        >>> find_idea("Idea: use a bigger font") is None
        True

    ``loose`` drops the kind words a proposal or practice needs (for a message the act
    reader is sure proposes a kind act: "Here's an idea: freeze the soup in portions") and adds
    looser frames (:data:`_LOOSE_FRAME`); a frame of proposing or of a practice is still needed.
    """
    match = _IDEA_EXPLICIT.search(text)
    if match is None:
        match = _IDEA_GENERIC.search(text)
        if match is not None and not loose and not _KIND_WORDS.search(text):
            match = None
    if match is None:
        match = _PRACTICE.search(text) if loose else _practice(text)
        if match is None and loose:
            match = _LOOSE_FRAME.search(text)
        if match is None:
            return None
        # A practice is quoted from the start of its sentence.
        start = max(text.rfind(p, 0, match.start()) for p in (". ", "! ", "? ", "\n"))
        snippet = " ".join(text[start + 1 if start >= 0 else 0 :].split())
    else:
        start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip(" (")))
        snippet = " ".join(text[start:].split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "\u2026"


# -- hostility and criticism -------------------------------------------------------------------

_INSULT = words_pattern(INSULT_NOUNS, plural=True)
_INSULT_ADJ = words_pattern(INSULT_ADJECTIVES)
_AT_YOU = re.compile(
    rf"\b(?:you(?:'re| are|r)?|ur|u)\b(?:\s+\w+){{0,3}}?\s+(?:an?\s+)?(?:\w+\s+)?(?:{_INSULT})\b"
    rf"|\b(?:you|u)\s+(?:{_INSULT})\b|\b(?:{_INSULT}),?\s*$"
    rf"|\b(?:you(?:'re| are)?|your|ur)\s+(?:\w+\s+)?(?:{_INSULT_ADJ})\b"
    rf"|^(?:\w+\s+)?(?:{_INSULT_ADJ})\s+(?:{_INSULT})\b",
    _I | re.MULTILINE,
)
_TROLLING = _rx(
    r"\b(?:shut up|go away|get lost|get a life|get a real job|touch grass)\b",
    # "grow up" as an order, not "I'd love him to grow up hearing Welsh"
    r"(?<!to )(?<!'ll )(?<!will )(?<!they )\bgrow up\b(?=\s*(?:[.!?,;]|$))",
    r"\b(?:no ?one|nobody) (?:cares|asked|reads? (?:this|your))\b",
    r"\bwho (?:even |actually |honestly )?(?:cares|asked|reads (?:this|your))\b",
    r"\b(?:waste of (?:space|oxygen|time|bandwidth)|unsubscrib\w*|unfollow\w*)\b",
    r"\b(?:delete (?:this|your (?:blog|account))|stop (?:writing|posting|blogging))\b",
    r"\b(?:cringe\w*|snowflakes?|virtue[- ]signal\w*|do (?:us|the world) a favou?r)\b",
    r"\b(?:garbage|trash|rubbish|drivel|crap|nonsense|bs)\b.{0,30}\b(?:you|your|this blog)\b"
    r"|\b(?:your|this) (?:blog|post|writing|site) (?:is|was) (?:garbage|trash|rubbish|crap"
    r"|a joke|drivel|pathetic|worthless|useless)\b",
    r"\b(?:lol|lmao|rofl)\b.{0,60}\b(?:pathetic|clown|joke|naive|delusional|desperate|cringe)\b",
    rf"\b(?:this|that|it|your \w+)(?: is| was|'s)? (?:the |so |such an? |a |an )?(?:{_INSULT_ADJ})"
    r"(?: \w+)?\b",
    r"\b(?:what a (?:joke|waste|load of)|laughable|embarrassing|get off the internet|log off"
    r"|go outside|spare us|please stop|people like you|you people|ok boomer|imagine (?:thinking"
    r"|writing|believing)|did a child write|my (?:dog|cat|kid) could write|who writes this"
    r"|grifter|shill|fraud|liar|propaganda|yawn)\b",
    r"\b(?:patting (?:yourself|yourselves) on the back|get over yourself"
    r"|holier[- ]than[- ]thou|self-righteous|martyr complex"
    r"|(?:some people|you) (?:really |clearly )?(?:have|has) nothing (?:going on|better to do)"
    r"|(?:you'?re|you are) only doing (?:this|it) (?:so|to|for))\b",
    r"\b(?:what makes you think (?:anyone|you'?re|you are)|(?:anyone|nobody|no one) (?:wants|asked"
    r" for|needs) your (?:opinion|advice|take))\b",
    r"\b(?:lol|lmao|rofl|haha)\b[^.!?]{0,10}\bimagine\b",
    r"\byou(?:'re| are) (?:a |such a |just a )?(?:fake|fraud|phony|phoney|hypocrite|joke)\b"
    r"|\b(?:creepy|weird|fake|sad|pathetic|boring|annoying|cringe\w*|useless|awful|terrible"
    r"|smug)\b[^.!?]{0,30}\bso are you\b|\b(?:years?|months?|weeks?) of talking to (?:yourself"
    r"|yourselves)\b",
    "[\U0001f921\U0001f644\U0001f4a9]",
    rf"(?:^|[.!?]\s+)(?:so |how |just )?(?:{_INSULT_ADJ})[.!]*\s*$",
    r"(?<!I'm a )(?<!I am a )(?<!like a )(?<!I was a )\b(?:terrible|awful|horrible|vile|nasty"
    r"|disgusting|pathetic|miserable|smug|sad little) (?:person|human(?: being)?|man|woman"
    r"|people)\b|\bdo-?gooders?\b",
)
_CRITICISM = _rx(
    r"\b(?:disagree|don'?t agree|do not agree|can'?t agree|not sure I agree|not convinced"
    r"|push back|pushback|with (?:all due )?respect|respectfully|I see it differently"
    r"|counter-?point|on the other hand|I'?m (?:sceptical|skeptical)|beg to differ)\b",
    r"\b(?:the (?:problem|trouble|issue) (?:is|with)|this (?:ignores|overlooks|misses)"
    r"|(?:ignores|overlooks) (?:the|that|how|people)|misses the point|misleading"
    r"|oversimplif\w+|naive|unrealistic|not realistic|not everyone (?:can|has|is)"
    r"|easy (?:for you )?to say|privileged?|performative|feel-?good|tone-?deaf)\b",
    r"\b(?:doesn'?t|does not|won'?t|will not|can'?t|cannot) (?:really )?(?:work|help|solve|fix"
    r"|change|address|replace)\b",
    r"\b(?:that'?s|this is|it'?s) (?:not|hardly) (?:true|how|the point|enough|kindness)\b",
    r"\b(?:you'?re|you are) (?:wrong|mistaken|missing)\b|\bwrong about\b|\bI expected more\b",
    r"\b(?:for once|surprisingly (?:good|decent|readable|not bad)|not bad for|better than"
    r" (?:usual|your usual|I expected)|no offen[cs]e|nice try|must be nice|a bit much"
    r"|preachy|smug|sanctimonious|self-congratulatory|humble-?brag\w*|shallow|lazy"
    r"|half-baked|a bit thin|rather thin|obvious stuff|nothing new)\b",
    r"\b(?:I don'?t (?:think|buy|see how)|I'?m not sure (?:that|this|it|about)|I'?d argue"
    r"|arguably|frankly|that said|it'?s not that simple|easier said than done|in theory"
    r"|drop in the ocean|band-?aid|won'?t change anything|real problem|systemic|structural"
    r"|what about (?:people|those|anyone) who|isn'?t (?:this|it) just|too (?:simple|simplistic"
    r"|idealistic|optimistic|easy)|simplistic|pointless|overrated|clickbait|rehash|same old"
    r"|a bit (?:thin|light|vague|generic|basic|obvious|repetitive|forced)|I was hoping for"
    r"|could have been|would have been better|used to be better|not as good as|for a change"
    r"|actually (?:decent|readable|useful|good)|better than I expected|I suppose"
    r"|I'?ll give you that|credit where|feels? (?:a bit |rather |quite |very )?(?:forced|fake"
    r"|hollow|naive|shallow|preachy|smug|simplistic|performative|patronising|patronizing"
    r"|condescending))\b",
    r"\b(?:nice|good|lovely|great|sweet|cute|fine|interesting|pretty|nicely)\b[^.!?]{0,50}?"
    r"\bbut\b[^.!?]{0,80}\b(?:not|n't|ignore\w*|miss\w*|too|only|just|wrong|naive|real world"
    r"|actually|really|hardly|never)\b",
    # Disagreement in other words: a doubt, a concern, what the post leaves out.
    r"\b(?:I (?:doubt|question|wonder whether|worry that|worry this|suspect)|my (?:worry|concern"
    r"|problem|issue|objection) (?:is|here|with)|the (?:downside|flip side|catch|risk) (?:is|here)"
    r"|(?:this|it|that|the post|the list) (?:assumes|presumes|skips|skirts|glosses|sidesteps"
    r"|leaves out|forgets|underestimates|overstates|exaggerates|romantici[sz]es)|(?:glosses|skims)"
    r" over|leaves out|doesn'?t (?:account for|consider|mention|address)|fails to"
    r"|over-?stat\w+|exaggerat\w+|not (?:really|quite|entirely|always|necessarily) (?:true|right"
    r"|fair|accurate|kind|helpful|the case)|(?:can|could|might) (?:backfire|come across|feel)"
    r"|backfire\w*|counter-?productive|patronising|patronizing|condescending|intrusive|invasive"
    r"|unsolicited|not everyone (?:wants|likes|feels|enjoys|appreciates)|some people (?:don'?t|hate"
    r"|find|would)|(?:should|ought to) (?:really )?be (?:the job of|done by|funded)|rather than"
    r" (?:random|little|small|tiny|individual)|instead of (?:random|little|small|tiny|individual)"
    r"|not (?:a|the) (?:solution|answer|substitute|replacement|fix)|I'?d (?:challenge|question"
    r"|dispute|quibble)|I'?m not (?:so )?sure|hard to (?:believe|see how|agree)|sounds? nice"
    r" (?:in theory|on paper)|nice (?:in theory|on paper)|the real (?:issue|problem|work))\b",
    r"\b(?:the )?wrong (?:day|time|way|place|idea|approach|choice|question|answer)\b|\b(?:is|are"
    r"|was|seems?|feels?|sounds?) (?:a bit |rather |quite |really )?(?:wrong|unfair|rude"
    r"|inappropriate|premature|misguided)\b|\bunfair (?:to|on)\b|\bcould be (?:seen|read|taken"
    r"|perceived) as\b|\bisn'?t (?:really|actually|always|necessarily|quite) (?:the|true|right"
    r"|kind|fair|accurate|how|what|so)\b|\bin some (?:places|cultures|countries)\b",
    # A concern for the people on the receiving end: "anonymous notes can worry people".
    r"\b(?:can|could|might|may|would|will) (?:really |easily |actually )?(?:worry|upset|scare"
    r"|frighten|alarm|unsettle|confuse|offend|embarrass|startle|creep out|put off)"
    r" (?:older |elderly |some |other |many |most )?(?:people|someone|some people|others|them"
    r"|folks|strangers|neighbou?rs|recipients|kids|children|residents|patients|visitors|guests"
    r"|beginners|newcomers|readers)\b",
    r"\b(?:might|may|could|would|will) not be (?:safe|healthy|wise|a good idea|practical|realistic"
    r"|affordable|accessible)\b|\b(?:clash(?:es)?|conflicts?) with\b[^.!?]{0,40}\bfor (?:a lot"
    r" of|many|most|some) (?:people|families|parents|of us)\b",
    r"\bI see where you'?re coming from,? but\b|\bI'?d be (?:careful|wary|cautious) (?:with|about)"
    r"\b|\bnot (?:great|ideal|suitable|safe|good|easy|fun) for (?:wheelchairs?|prams?|buggies"
    r"|everyone|people|kids|children|older|anyone|beginners?|families)\b|\bcalling (?:this|it)\b"
    r"[^.!?]{0,40}\b(?:feels|is|seems|sounds) (?:a bit |rather |very )?(?:generous|a stretch"
    r"|optimistic|kind)\b|\b(?:kind|good|nice|well-meant|well-meaning|noble|lovely) (?:intention"
    r"|idea|thought|sentiment)s?,? but\b",
    r"\b(?:nice|good|glad|great|refreshing) to see (?:you|someone|this blog|the blog) (?:finally"
    r"|at last) (?:admit\w*|get(?:ting)? (?:it|something right)|listen\w*|learn\w*|realis\w*"
    r"|realiz\w*|accept\w*|catch\w* up)\b|\byou (?:finally|at last) (?:admit\w*|got it|listen\w*"
    r"|learn\w*|realis\w*|realiz\w*)\b",
    # Surprise at the attention a thing gets: "interesting that a chat this small gets so much".
    r"\b(?:interesting|funny|strange|odd|weird|curious) (?:that|how)\b[^.!?]{0,60}\b(?:gets?|got"
    r"|getting|has|draws?|drew|attracts?|earns?) (?:so much|this much|any|so many|all (?:this|that"
    r"|these|those)) (?:attention|likes|views|comments|praise|traffic|followers|hype|credit"
    r"|readers|fuss)\b",
    # Backhanded praise: a compliment that puts them down.
    r"\b(?:for (?:an? )?(?:amateur|beginner|hobbyist|small blog|blog like this|change|once in"
    r" your life)|I'?ll (?:admit|grant you)|I (?:have|had|must) (?:to )?admit|I guess (?:it'?s|it"
    r" was|this is)|not (?:your|the) (?:worst|dullest|most boring)|not (?:as|that|too) (?:bad"
    r"|boring|dull|preachy|terrible|awful)|wasn'?t (?:as |that |too )?(?:bad|terrible|awful"
    r"|boring)|(?:this|that) time\b[^.!?]{0,20}\b(?:well done|good|nice|decent)|even you"
    r"|broken clock|who knew you|didn'?t (?:expect|think) (?:you|much|this|it|that)|you (?:actually"
    r"|finally) (?:made|wrote|managed|said|got)|(?:at long|at) last,? (?:a|something|you)"
    r"|finally,? (?:a|something) (?:decent|readable|useful|sensible|worth)|if you have (?:that"
    r" much |the |so much )?(?:spare |free )?(?:time|money)|must be nice|(?:almost|nearly"
    r"|borderline|mildly|vaguely|somewhat) (?:good|decent|useful|interesting|readable|helpful"
    r"|insightful|profound|clever)|surprisingly (?:\w+)|bless your heart|how (?:quaint|precious)"
    r"|cute,? (?:I guess|I suppose|if|but|though)|(?:less|more) (?:boring|preachy|rambling"
    r"|annoying|smug) than (?:usual|normal|I expected|last time))\b",
    r"\breal (?:\w+ers|\w+ists|writers|artists|cooks|experts|professionals) (?:would|do|know"
    r"|wouldn'?t|don'?t)\b|\blove how you\b[^.!?]{0,60}\b(?:obviously|clearly|isn'?t|aren'?t"
    r"|never|not)\b|\bshame about\b|\b(?:nice|good|fine) enough\b|\bmakes? you feel (?:good"
    r"|better|superior|important|clever|special) about yourself\b|\b(?:impressive|not bad|good"
    r"|nice|decent),? (?:considering|given)\b|\b(?:lovely|nice|great|fine|perfect|wonderful)"
    r"\b[^.!?]{0,40}\bif you (?:enjoy|like|love|don'?t mind|have)\b",
)

# -- grief, distress, news ---------------------------------------------------------------------

_KIN = (
    r"(?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|brother|sister|grand\w+"
    r"|nan|nana|gran|granny|grandpa|aunt|auntie|uncle|cousin|(?:best )?friend|baby|child"
    r"|dog|cat|pet|horse|colleague|neighbou?r|fianc\w*)"
)
_PET = (
    r"(?:dog|cat|pup|puppy|kitten|horse|pony|rabbit|bunny|hamster|guinea pig|pet|collie"
    r"|labrador|retriever|terrier|spaniel|greyhound|whippet|poodle|moggy|tabby)"
)
_GRIEF = _rx(
    r"\b(?:passed away|(?<!\bget )(?<!\bgets )(?<!\bgot )(?<!\bbe )(?<!\bbeen )(?<!\bwas )"
    r"(?<!\bwere )(?<!\bare )(?<!\bis )passed on(?! to\b)|died|has died|dying|funeral|bereave\w*"
    r"|griev\w*|grief"
    r"|in memory of|memorial service|miscarr\w+|no longer with us|rest in peace"
    r"|hospice|terminal(?:ly)? ill|put (?:him|her|them) to sleep)\b",
    rf"\blost (?:my|our|her|his) {_KIN}\b|\b(?:my|our) {_KIN} (?:died|passed)\b",
    r"\b(?:lost my job|laid off|been let go|made redundant|redundancy|got fired|was fired"
    r"|lost (?:the|our) (?:house|home|baby|pregnancy))\b",
    r"\b(?:buried|burial|cremat\w+|eulogy|obituary|condolences|widow\w*|stillb\w+"
    r"|rainbow bridge|in loving memory|rest in peace|RIP|his ashes|her ashes|their ashes"
    r"|lost (?:him|her|them) (?:last|this|in|on|to)"
    # A pet put down ("put our old collie Biscuit down"), never a name on a list.
    r"|(?:had|have|having) to (?:put|have) (?:him|her|them) (?:put )?(?:down|to sleep)"
    rf"|(?:put|have) (?:our|my) (?:\w+ ){{0,2}}?{_PET}(?: \w+)? (?:put )?(?:down|to sleep)"
    r"|(?:first|second) (?:christmas|birthday|winter|summer|year|anniversary|holiday) without"
    r"|anniversary of (?:his|her|their|my \w+'?s?) death|miss (?:him|her|them) (?:so much|every"
    r" day|terribly)|(?:gone|left us|passed) (?:last|this|in) (?:week|month|year|spring|summer"
    r"|autumn|fall|winter|january|february|march|april|may|june|july|august|september|october"
    r"|november|december))\b",
)
_ILLNESS = _rx(r"\b(?:diagnosed with|cancer|chemo(?:therapy)?|stroke|dementia|alzheimer\w*)\b")
"""Serious illness: grief-like hardship, unless the message is news of recovery."""
_RECOVERY = _rx(
    r"\b(?:remission|cancer-?free|all clear|clear scans?|finished (?:my |the )?(?:chemo\w*"
    r"|treatment|radiotherapy)|(?:last|final) (?:round of )?(?:chemo\w*|treatment)|rang the bell"
    r"|beat (?:it|cancer)|(?:clear|free) of (?:cancer|it|the cancer)|no (?:sign|evidence) of"
    r" (?:the )?(?:cancer|disease))\b"
)
_DISTRESS = _rx(
    r"\b(?:I'?m|I am|I'?ve been|I have been|feeling|I feel|I felt|been)\s+(?:so |really |very "
    r"|quite |pretty |completely |just )?(?:struggling|overwhelmed|exhausted|burn(?:ed|t) out"
    r"|anxious|depressed|lonely|alone|low|down|lost|hopeless|empty|numb|awful|miserable"
    r"|heartbroken|broken|scared|terrified|stuck|drowning|at (?:my|the) limit)\b",
    r"\b(?:can'?t|cannot) (?:cope|sleep|stop crying|get out of bed|do this anymore)\b",
    r"\b(?:hard|rough|tough|awful|terrible|horrible|difficult|dark) (?:time|week|month|year"
    r"|few (?:days|weeks|months)|patch|stretch|season)\b",
    r"\b(?:panic attacks?|breaking down|falling apart|burnout|anxiety|depression"
    r"|my mental health)\b",
    r"\b(?:I'?m|I am|I'?ve been|I have been|feeling|I feel|been)\s+(?:so |really |very |quite "
    r"|pretty |just )?(?:sad|tired|worn out|isolated|worried|stressed|frightened|gutted"
    r"|devastated|crushed|not okay|not ok|not coping|barely coping|not doing (?:well|great))\b",
    r"\b(?:hanging by a thread|at the end of my (?:rope|tether)|nobody to talk to|no one to"
    r" talk to|been crying|cried (?:all|every)|everything (?:feels|is) (?:too much|heavy|hard)"
    r"|(?:marriage|relationship) (?:ended|is over|fell apart)|divorce|break-?up|evicted"
    r"|(?:we|I|and I) (?:split up|broke up|separated)(?! (?:the|a|an|my|our|this|that|these"
    r"|those|it|them|into|in two)\b)|(?:partner|wife|husband|girlfriend"
    r"|boyfriend|fianc\w+) (?:left me|walked out|moved out)"
    r"|in hospital|surgery|chronic pain|struggling to (?:pay|cope|sleep|get by|keep up))\b",
    r"\b(?:don'?t|do not) know (?:a single (?:person|soul)|anyone|anybody|a soul)(?= *(?:[.!,;]|$"
    r"| here| in (?:this|the)| yet))|money'?s (?:so |really |very )?tight|choosing between"
    r" (?:heating|food|rent|eating)|can'?t afford (?:to eat|food|heating|the rent)"
    r"|the only (?:voice|person|people|conversation) I (?:hear|talk to|see|have)\b"
    r"|\b(?:just )?(?:out of|come out of|ended) a (?:[\w-]+ ){0,2}(?:relationship|marriage)\b"
    r"|\babout all I can (?:manage|handle|cope with)\b|\ball I can (?:manage|cope with) (?:right"
    r" now|at the moment|these days|lately)\b",
    r"\bevict\w*|\b(?:don'?t|do not) know where (?:we'?ll|I'?ll|we will|I will|to)"
    r" (?:go|live|sleep|stay)\b",
    r"^\W*(?:so |completely |totally |utterly )?(?:burn(?:ed|t) out|exhausted|overwhelmed"
    r"|heartbroken|devastated|gutted|drained)\b|\bashamed of (?:myself|it|me)\b",
    r"\bit'?s been (?:a|such a) (?:hard|rough|tough|long|awful|difficult|bad)\b",
    r"\b(?:barely|hardly|only just) (?:holding (?:it )?together|keeping (?:it together|afloat"
    r"|my head above water)|coping|managing|functioning|sleeping|eating)\b",
    r"\b(?:holding it together|keep(?:ing)? it together|head above water|running on empty"
    r"|on the verge of tears|in tears|crying (?:a lot|every|at)|can'?t stop worrying"
    r"|(?:haven'?t|have not) (?:slept|been sleeping|left the house|been myself)|not (?:been )?"
    r"myself|lost my (?:way|spark|appetite)|so (?:much|many) (?:bad|hard) (?:days|news)"
    r"|(?:I'?m|I am|we'?re|we are) (?:still )?(?:grieving|mourning))\b",
    r"\b(?:everything|life|the days?|each day|every day|it all) (?:feels|has felt|seems|is)"
    r" (?:so |really |just )?(?:grey|gray|heavy|pointless|bleak|numb|flat|dark|hopeless|too much"
    r"|hard|exhausting|overwhelming)\b",
    r"\b(?:this|the last|the past) (?:year|month|week|winter|few (?:weeks|months))"
    r" (?:has|have) been (?:a lot|hard|brutal|rough|awful|heavy|exhausting|draining|horrible)\b",
    r"\b(?:since|after) (?:the|my|our) (?:diagnosis|accident|divorce|break-?up|miscarriage"
    r"|operation|redundancy|layoff|fire|flood|move)\b",
    r"\b(?:caring for|looking after|nursing) (?:my|our) (?:sick|dying|elderly|ill|poorly)\b",
    r"\b(?:things|work|life|home|money|everything) (?:has|have|is|are) (?:been )?(?:so |really )?"
    r"(?:rough|hard|tough|crushing|brutal|a mess|falling apart|overwhelming|too much)\b",
    r"\b(?:crushing|drowning|swallowing) me\b|\b(?:too|so) much on my plate\b|\bI don'?t know"
    r" how (?:much longer|to keep|to cope|I'?ll|to get through)\b|\bsleepless nights\b"
    r"|\bfeel(?:ing)? like (?:a failure|I'?m failing|I'?m drowning|giving up|I'?m sinking)\b"
    r"|\b(?:drained|depleted|burning out|worn down|at breaking point|close to breaking)\b",
)
_CRISIS = _rx(
    r"\b(?:don'?t|do not|can'?t|cannot) see (?:the |any )?(?:point|reason) (?:of|in|to) (?:going"
    r" on|living|carrying on|being here|getting up|anything anymore|any of it)\b",
    r"\b(?:no|not any|not a single) (?:reason|point) (?:to|in) (?:live|living|go on|going on"
    r"|carry on|carrying on|be here|being here|stay|staying)\b",
    r"\b(?:better off|happier|easier) (?:without me|if I (?:was|were) gone|if I wasn'?t here)\b",
    r"\b(?:giving|gave|given) away (?:my|all my|most of my) (?:things|stuff|belongings|books"
    r"|possessions)\b",
    r"\b(?:writ\w+|wrote|left) (?:my |some |a few )?(?:goodbye|farewell|last) (?:letters?|notes?"
    r"|messages?)\b",
    r"\b(?:not|never|don'?t want to) wake up\b|\bgo to sleep and (?:not|never)\b",
    r"\b(?:want|wish|wishing) (?:to|I could) (?:just |simply )?(?:disappear|vanish|stop existing"
    r"|not exist|not be here|fade away)\b|\b(?:tired|sick) of (?:living|being alive|existing)\b",
    r"\b(?:can'?t|cannot) (?:do this|go on|keep going|keep doing this) (?:any ?more|much longer)\b",
    r"\b(?:end|ending) (?:it all|my life|things for good)\b|\b(?:hurt|harm|cut)(?:ing)? myself\b",
    r"\b(?:no ?one|nobody) would (?:notice|miss me|care) if I\b|\b(?:a|such a) burden (?:to|on)"
    r" (?:everyone|my family|them|the people)\b|\bstockpil\w+\b",
    # Medicine kept back ("saving up my tablets"), not fetched ("collecting my meds").
    r"\b(?:saving|saved|hoarding|hoarded|stashing|stashed) (?:up )?(?:all (?:of )?)?(?:my|the|some"
    r"|enough) (?:pills|tablets|meds|medication|painkillers|sleeping (?:pills|tablets))\b",
    r"\b(?:want|wanted|wanting) to die\b|\b(?:don'?t|do not) want to (?:be here|be alive|exist)"
    r"\b|\bthinking (?:about|of) (?:suicide|killing myself|ending (?:it|things|my life))\b",
    r"\b(?:everyone|everybody|they|people) (?:would|will) be (?:fine|happier|better|relieved)"
    r" (?:without me|when I'?m gone|once I'?m gone)\b|\bnothing (?:left )?to live for\b",
    r"\b(?:won'?t|will not|not going to) be (?:around|here) (?:much longer|for long|any ?more)\b"
    r"|\bthis (?:is|will be) my (?:last|final) (?:post|comment|message)\b",
    r"\b(?:thought|thinking|think) (?:about|of) (?:jumping|throwing myself|taking (?:all )?"
    r"(?:my|the) pills|overdos\w+|not waking up|driving (?:off|into))\b"
    r"|\boverdos(?:e|ed|ing) on purpose\b",
    r"\b(?:stood|standing|stand|sat|sitting) (?:on|at) (?:the|that|a) (?:edge|ledge|bridge|roof"
    r"|cliff|tracks)\b[^.!?]{0,60}\b(?:jump\w*|end\w*|let go|step\w* off|fall\w*)\b",
    r"\b(?:suicidal|kill(?:ing)? myself|wish I (?:was|were) dead|(?:considering|contemplating"
    r"|attempted|planning) suicide)\b|\bsuicide (?:feels|seems|is|looks) (?:like )?(?:the|my)"
    r" only\b|\b(?:dying|death) would be (?:a relief|easier|better|a release)\b|\b(?:the|my)"
    r" only way out\b",
    r"\bin case I (?:don'?t|do not|won'?t) (?:make it(?!\s+(?:to|in|on|back|home|there|for)\b)"
    r"|survive|wake up)\b|\b(?:want|wanting)"
    r" to (?:be alive|live|exist|be here|go on) any ?(?:more|longer)\b",
    # A farewell to everyone, unless it says where they are going.
    r"\b(?:saying|say|said) (?:goodbye|good-?bye|farewell) to (?:everyone|everybody|you all|all of"
    r" you|this (?:place|world))\b(?![^.!?]*\b(?:moving|switching|new (?:blog|site|home|job)|see"
    r" you (?:on|at|over)|find me|follow me|holiday|break|sabbatical)\b)",
    # A letter of the kind written to be left behind.
    r"\b(?:letters?|notes?)\b[^.!?]{0,40}\b(?:kind|sort) (?:you|people|that people) leave behind\b"
    r"|\b(?:kind|sort) of (?:letter|note)s? (?:you|people|that people) leave behind\b",
)
_CRISIS_SIGNS = tuple(
    re.compile(p, _I)
    for p in (
        # not being around, without a "because" of travel ("for the next call" alone is not one)
        r"\b(?:won'?t|will not|don'?t think I'?ll|not sure I'?ll|may not|might not) be (?:around"
        r"|here)\b",
        r"\b(?:given|giving|gave) (?:away (?:all |most of )?my|(?:all |most of )?my (?:\w+ ){1,2}"
        r"?away)\b|\b(?:put|putting|listed|listing) (?:my |all my )?(?:\w+ ){0,3}up for free\b",
        # "won't be needing them", "where I'm going" (told without a place)
        r"\bwon'?t (?:be )?need(?:ing)? (?:it|them|any of (?:it|them|this)|these|those|this)\b"
        r"|\bwhere I'?m going\b(?! (?:on|for|to|in|next|this|with)\b)",
        r"\bthank(?:s| you) (?:all )?for (?:the company|everything|all of it)\b",
        r"\bmade (?:my )?peace with (?:it|that|this|things|everything|leaving|going|dying)\b",
        r"\b(?:stood|standing|stand|sat|sitting) (?:on|at|by) (?:the|that|a) (?:\w+ )?(?:bridge"
        r"|edge|ledge|tracks|cliff|roof|platform)\b",
        r"\bthinking (?:about|of) (?:just )?(?:not (?:going home|going back|coming back|being"
        r" here|waking up)|jumping|ending)\b",
        r"\b(?:saying|said) (?:my )?goodbyes?\b|\b(?:sorted|sorting|put) (?:out )?my affairs\b",
        r"\bthe last (?:nice|good|kind|happy) thing\b|\b(?:just )?wanted (?:someone|somebody"
        r"|anyone) to know\b|\bso (?:someone|somebody) knows\b",
        r"\b(?:I'?ve got|I have|got|my)\s+(?:\w+\s+){0,2}?(?:pills|tablets|meds|painkillers)\b"
        r"[^.!?]{0,20}\b(?:counted out|laid out|lined up|in front of me|on the table)\b",
        # letters to the people close to them, and a sudden calm (both ordinary alone)
        r"\b(?:wrote|written|writing|left)\s+(?:\w+\s+){0,2}?(?:letters?|notes?)\s+(?:to|for)"
        r"\s+(?:my|each|every|everyone|all)\b",
        r"\b(?:calmer|more at peace|more peaceful|lighter) than I'?ve (?:been|felt) in (?:weeks"
        r"|months|years|ages|a long time)\b|\b(?:strangely|weirdly|oddly|suddenly) (?:calm"
        r"|peaceful|at peace)\b",
    )
)
"""Signs that are ordinary alone ("I won't be around for the next call", "I've given my
plants away", "I've got my pills laid out") and a crisis statement together: two or more of
them in one message."""


_AWAY_FOR_A_REASON = re.compile(
    r"\b(?:moving|move|moved|travel\w*|holiday|vacation|trip|abroad|relocat\w+|new job|shift"
    r"|fireworks|the view|sunset|pill organi[sz]er|for the week|for the trip|now (?:that )?I"
    r"|because|outgr\w+|grew out|new one|upgrad\w+|baby|downsiz\w+|declutter\w*|clearing out"
    r"|spring[- ]clean\w*)\b",
    _I,
)
"""Ordinary reasons for the signs of :data:`_CRISIS_SIGNS` ("I won't be around, we're moving")."""


def _crisis_words(text: str) -> bool:
    """A crisis statement in words: one of :data:`_CRISIS`, or two of :data:`_CRISIS_SIGNS`
    where no ordinary reason for them is given (:data:`_AWAY_FOR_A_REASON`)."""
    if _CRISIS.search(text):
        return True
    if _AWAY_FOR_A_REASON.search(text):
        return False
    return sum(1 for sign in _CRISIS_SIGNS if sign.search(text)) >= 2


CRISIS_SURE = 0.9
"""The ``crisis`` probability from which the engine alone makes a message a crisis. Between
the label's threshold (chosen for F1 on dev) and this, the crisis head also fires on distress,
on milestones of recovery ("sober for a year") and on some spam, so there a crisis needs the
rules to find no other reading: news, spam, an idea, a question, praise, a named sharer,
criticism, trolling or an insult in words. Grief and distress do not count against it: a crisis read
as distress gets safety resources, where sympathy alone could miss one."""
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|we|we're|we've|my|our|me|us)\b", _I)
_NEWS = _rx(
    r"\b(?:big|good|great|exciting|happy|some) news\b|\bguess what\b|\bover the moon\b"
    r"|\b(?:I|we) (?:finally )?did it\b(?! (?:together|every|each|all|with)\b)"
    r"|\bcan'?t believe (?:I|we)\b",
    r"\b(?:I|we|I'?ve|we'?ve|I just|we just|I finally|we finally|I have|we have)\s+(?:just |finally"
    r" |officially )?(?:got|passed|graduated|won|finished|completed|published|launched"
    r"|released|signed|bought|adopted|opened|started|landed|qualified|earned|reached|hit"
    r"|turned|ran|became|welcomed|married|retired|been (?:accepted|promoted|offered|awarded"
    r"|selected|shortlisted|nominated))\b",
    r"\b(?:I'?m|I am|we'?re|we are)\s+(?:finally |officially |now )?(?:engaged|married"
    r"|expecting|pregnant|a (?:grand)?(?:mum|mom|dad|parent|graduate|doctor|published author))\b",
    r"\b(?:got|passed|earned) (?:my|our|the) (?:driving test|driving licen[cs]e|licen[cs]e"
    r"|phd|degree|diploma|masters|exams?|results|job|offer|promotion|keys|visa|citizenship"
    r"|black belt|certificate)\b",
    r"\b(?:my|our) (?:first )?(?:book|novel|album|baby|grandchild|exhibition|show|shop|business)"
    r" (?:is (?:out|here|born|open)|was born|came out|arrived|opened|launched|sold out)\b",
    r"\b(?:graduated|got engaged|got married|got the job|got promoted|was promoted|got accepted"
    r"|got in(?:to)? (?:uni\w*|college|the course)|passed my|our anniversary|my anniversary"
    r"|\d[\d,]* (?:subscribers|followers|readers|days sober|years sober))\b",
    r"\b(?:I|we|I'?ve|we'?ve)\s+(?:just |finally |officially )?(?:moved into|defended|submitted"
    r"|sold|paid off|been hired|been accepted|been offered|got (?:a|the|my|our) (?:new )?(?:job"
    r"|place|flat|house|home|puppy|kitten|offer|scholarship|grant|award|prize|contract|place)"
    r"|won (?:a|the|an|first|second|third)|made it (?:into|onto|to the)"
    r"|ran (?:my|a|the) (?:first )?(?:marathon|half|5k|10k|race|ultra))\b",
    r"\b(?:finished|completed|ran|did) my (?:first|first ever|very first) (?:\w+ )?(?:marathon"
    r"|half|5k|10k|race|ultra|triathlon|parkrun|century ride|swim)\b",
    r"\b(?:she|he|they|I) said yes\b|\bit'?s a (?:boy|girl)\b|\b(?:we'?re|we are) having a baby"
    r"\b|\b(?:my|our) (?:daughter|son|baby|grandchild|granddaughter|grandson|twins)(?: [A-Z]\w+)?"
    r" (?:was born|arrived|(?:is|are) here)\b|\bproposed to me\b|\b(?:I'?m|I am|we'?re|we are)"
    r" (?:officially |now )?(?:in remission|engaged|cancer-?free)\b"
    r"|\b(?:cancer|scan|tests?) (?:came back )?(?:all )?clear\b"
    r"|\b(?:cancer|debt)[- ]free\b|\b(?:years?|months?|days?) (?:sober|clean|smoke-free)\b"
    r"|\b(?:been|am|I'?m|stayed) (?:sober|clean|smoke-free) for (?:a|an|one|two|three|\d+)\b",
    r"\b(?:accepted|admitted|hired|promoted|shortlisted|nominated|published|funded)"
    r" (?:to|into|onto|as|at|for|in|by)\b[^.!?]{0,40}(?:!|\btoday\b|\bthis (?:week|morning)\b)",
    r"\b(?:raised|reached|hit|passed|crossed) (?:over |more than )?[\u00a3$\u20ac]?\d[\d,.]*k?"
    r" (?:pounds|dollars|euros|members|subscribers|followers|readers|signatures|views"
    r"|downloads|sales)\b",
    r"\b(?:I|we|my|our)\b[^.!?]{0,30}\bwon (?:the|a|an|first|second|third|our|my)\b[^.!?]{0,40}"
    r"\b(?:award|prize|competition|contest|title|cup|medal|grant|trophy|category)\b",
)

# -- questions -----------------------------------------------------------------------------------

_ASKING = re.compile(
    r"(?:^|[.!?]\s+|\n)\s*(?:hi|hey|hello|also|and|so|but|ps|p\.s\.|quick question|oh)?[, :]*"
    r"(?:how|what|where|when|which|who|whom|why|is|are|was|do|does|did|can|could|would|will"
    r"|should|have|has|any|anyone|anybody|is there|are there)\b[^.!?]*\?",
    _I,
)
_REQUEST = _rx(
    r"\b(?:could|can|would|will) you (?:please )?(?:share|send|post|recommend|suggest|point me"
    r"|link|tell me|explain|write (?:about|more)|do a post)\b",
    r"\b(?:any|some) (?:tips|advice|suggestions|recommendations|pointers|resources)\b",
    r"\b(?:I'?m|I am) (?:looking for|trying to find|searching for)\b|\bI (?:can'?t|cannot)"
    r" find (?:the|a|your)\b|\bdoes anyone know\b|\bplease (?:share|send|link|post)\b",
    r"\b(?:is|are) there (?:a|an|any)\b[^.!?]{0,60}\b(?:guide|link|post|list|checklist|map"
    r"|template|printable|version)\b",
)
_RHETORICAL = _rx(
    r"\bhow did you know\b|\bwho knew\b|\bisn'?t (?:it|that|this)\b|\baren'?t (?:they|we)\b"
    r"|\bwasn'?t (?:it|that)\b|\bdon'?t you (?:think|love)\b|\bwhat'?s not to love\b"
    r"|\bwho (?:even|actually)\b|\bwhat'?s the point\b|\bwhy (?:even )?bother\b|\bhow could you\b"
    r"|\bare you (?:serious|kidding)\b|\bright\?|\bhow (?:lovely|sweet|kind|wonderful|great)"
    r"|\bhow do you (?:find the time|do it all|keep (?:it up|going)|always)\b|\bwho wouldn'?t\b"
    r"|\bwhat a\b|\bhow cool\b",
)

_ADMIRING = _rx(
    r"\bhow do you (?:find the time|do it all|keep (?:it up|going)|always manage)\b|\bhow (?:lovely"
    r"|sweet|kind|wonderful|great|cool)\b|\bwhat'?s not to love\b|\bdon'?t you love\b"
    r"|\bwho wouldn'?t (?:love|want)\b",
)
"""Questions that admire ("How do you find the time?"): warm words, not an attack."""

# -- the rest: who shared it, what they praised, posts -------------------------------------------

_RELATION = (
    r"(?:friend|sister|brother|mum|mom|mother|dad|father|colleague|co-?worker|neighbou?r"
    r"|partner|wife|husband|cousin|aunt|auntie|uncle|daughter|son|boss|teacher|flatmate"
    r"|roommate|gran|granny|nan|book club|choir|coach|manager|pastor|vicar|mentor)"
)
_NAME = r"(?P<name>[A-Z][a-z\u00e0-\u00ff]+(?:[ -][A-Z][a-z\u00e0-\u00ff]+)?)"
_SHARE_VERB = (
    r"(?:shared|sent|forwarded|passed|posted|linked|recommended|showed|pointed|tagged|mentioned"
    r"|emailed|texted|retweeted|boosted|reposted|put me onto|told me about)"
)
_SHARED_BY = [
    re.compile(rf"\b(?:my (?:\w+ )?{_RELATION},? )?{_NAME},? (?:\w+ )?{_SHARE_VERB}\b"),
    re.compile(
        rf"\b(?:via|thanks to|through|from|because of) (?:my (?:\w+ )?{_RELATION},? )?{_NAME}\b"
    ),
]
_NOT_NAMES_TEXT = (
    "I We You He She They It This That My Our Your His Her Their Someone Everyone Somebody "
    "Facebook Twitter Instagram Mastodon Bluesky Reddit Google Pinterest Threads Tumblr "
    "LinkedIn WhatsApp Telegram Substack Medium Email Work School Church The A An Today "
    "Yesterday Hi Hello Thanks Thank Also And But So"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_DETAIL = re.compile(
    r"\b(?:the|that|this|your) (?:[a-z-]+ )?(?P<thing>(?:lead |top |first |last |header |cover )?"
    r"(?:photo"
    r"|photograph|picture|pic|image|illustration|drawing|sketch|painting|map|recipe|list"
    r"|chart|graph|playlist|video|poem|quote|title|headline|layout|design|colours|colors"
    r"|font|tip|checklist|printable|calendar|story|anecdote|ending|opening|example|idea|sign)s?"
    r"(?: (?:of|about|at|in|with) (?:the |a |your |my )?[\w'-]+)?)"
    r"|\b(?P<number>number (?:one|two|three|four|five|six|seven|eight|nine|ten|\d+))\b",
    _I,
)
_PRAISE = re.compile(
    r"\b(?:lov\w+|adore\w*|stunning|beautiful|gorgeous|great|favou?rite|brilliant|lovely"
    r"|amazing|wonderful|enjoyed|perfect|made me|so good|fantastic|superb|delightful|charming"
    r"|clever|funny|helpful|useful|spot on|gem|treasure|best|genius|inspired|charming)\b",
    _I,
)
_HOSTING = _rx(
    r"\b(?:I'?m|I am|we'?re|we are|I'?ll be|we'?ll be)\s+(?:\w+ )?(?:hosting|running|leading"
    r"|organi[sz]ing|facilitating|holding|streaming|going live)\b",
    r"\bjoin (?:me|us)\b|\bcome (?:along|and join|join)\b|\bRSVP\b|\bsign[- ]?up link\b",
    r"\b(?:tonight|tomorrow|this (?:evening|weekend|friday|saturday|sunday)) at \d",
    r"\b(?:kindness|weekly|monthly|twitter|mastodon|live) (?:chat|meet-?up|q&a|session"
    r"|workshop|stream)\b|\b(?:meet-?up|workshop|webinar|livestream|ama|open mic)\b",
)
_DISCOURAGED = _rx(
    r"\b(?:discouraged|disheartened|demotivated|deflated|losing (?:heart|motivation)"
    r"|imposter|impostor|writer'?s block|shouting into the void|feel(?:ing)? like a failure)\b",
    r"\b(?:thinking (?:of|about)|close to|feel like) (?:giving up|quitting|stopping|closing)\b",
    r"\b(?:no ?one|nobody|hardly anyone) (?:reads|comments|notices|cares|seems to read)\b",
    r"\bwhy (?:do )?I (?:even )?(?:bother|keep (?:writing|going|posting))\b",
    r"\b(?:wonder(?:ing)?|not sure) (?:if|whether|why) (?:anyone|it'?s worth|I should keep"
    r"|I keep)\b",
)
_WORK = _rx(
    r"\bnew (?:book|zine|album|song|episode|issue|series|course|shop|collection|podcast|video"
    r"|newsletter|edition|project|pattern|guide|print|comic|app)\b",
    r"\b(?:out now|available (?:now|today)|pre-?order\w*|just (?:published|released|launched)"
    r"|(?:I|we) (?:published|released|launched|made|wrote|finished|built|recorded)"
    r"|issue #?\d+|episode #?\d+|my latest)\b",
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What one message is and what it holds; every field is empty when it does not apply.

    ``hostile``, ``crisis`` and ``distress`` say why (``"an insult aimed at them"``, ``"an
    indirect crisis statement"``, ``"grief"``);
    ``spam`` lists the spam rules that matched (``("spam score",)`` for the model's head);
    ``news``, ``question``, ``idea`` and ``praised`` are their words; ``third_party`` the
    name of the person they say shared the post.
    """

    hostile: str = ""
    crisis: str = ""
    spam: tuple[str, ...] = ()
    distress: str = ""
    criticism: bool = False
    news: str = ""
    question: str = ""
    idea: str = ""
    third_party: str = ""
    praised: str = ""
    hosting: bool = False
    discouraged: bool = False
    work: bool = False


def _at(scores: Mapping[str, float], label: str, floor: float) -> bool:
    return scores.get(label, 0.0) >= floor


_ATTACK_ON_PERSON = "an attack on the person"
_ATTACK_ON_WHO = "a threat or an attack on who they are"
SCORED_HOSTILITY = frozenset({_ATTACK_ON_PERSON, _ATTACK_ON_WHO})
"""The :attr:`Reading.hostile` reasons that come from the engine's scores alone (the text
rules found no insult aimed at them and no trolling)."""


def _hostile(
    text: str,
    scores: Mapping[str, float],
    thresholds: Mapping[str, float],
    *,
    hurt: bool,
    warm: bool = False,
) -> str:
    """Why ``text`` is an attack or trolling ('' when it is not). ``hurt`` says the words
    speak of grief or distress: a model's negativity there reads their pain, not an attack.
    ``warm`` says the rules found warm content (an idea, a person named as sharing the post,
    praise of a detail): like criticism in words of the work, it needs a stronger attack
    reading to count as one, since the scores alone misread kind deeds ("leave a note")."""
    negative = [k for k in ("insult", "personal_attack", "identity_attack", "threat")
                if _at(scores, k, max(thresholds.get(k, 0.5), 0.5))]  # fmt: skip
    if _AT_YOU.search(text):
        return "an insult aimed at them"
    if _TROLLING.search(text):
        return "trolling"
    if hurt:
        return ""
    if "target:ad_hominem" in scores:
        # The reading tier tells an attack on the person from criticism of an idea: the ad
        # hominem head (aimed at the person, not only naming one), backed by a negative label
        # or, for an attack in plain words, by its offence and toxicity heads. Criticism in
        # words of the work needs a stronger attack to count as one.
        ad_hominem = scores["target:ad_hominem"]
        if warm or _CRITICISM.search(text):
            strong = ad_hominem >= 0.85 and bool(negative)
            if warm:
                # Warm words also need the offence head, which reads kind deeds better.
                strong = strong and _at(scores, "tweeteval:offensive", 0.5)
            return _ATTACK_ON_PERSON if strong else ""
        plain = _at(scores, "tweeteval:offensive", 0.3) or _at(scores, "toxicity", 0.3)
        if (ad_hominem >= 0.5 and negative) or (ad_hominem >= 0.75 and plain):
            return _ATTACK_ON_PERSON
        return ""
    if _at(scores, "threat", 0.75) or _at(scores, "identity_attack", 0.6):
        return _ATTACK_ON_WHO
    if _at(scores, "personal_attack", 0.6) or (
        _at(scores, "insult", 0.6) and _at(scores, "toxicity", 0.8)
    ):
        return _ATTACK_ON_PERSON
    return ""


def crisis_reason(
    text: str,
    scores: Mapping[str, float],
    thresholds: Mapping[str, float],
    *,
    rules: bool = True,
) -> str:
    """Why a message is a crisis ('' when it is not): a crisis statement in words (checked
    where ``rules``: comments, replies, mentions and quotes), the ``crisis`` label at
    :data:`CRISIS_SURE` or above, or the label at its threshold on a message the rules read
    no other way (see :data:`CRISIS_SURE`).

    **Usage**::

        >>> crisis_reason("Everyone would be better off without me.", {}, {})
        'an indirect crisis statement'
        >>> crisis_reason("I've been sober for one year today.", {"crisis": 0.7}, {"crisis": 0.44})
        ''
    """
    stated = rules and _crisis_words(text or "")
    threshold = thresholds.get("crisis")
    probability = scores.get("crisis", 0.0)
    if threshold is None or probability < threshold:
        return "an indirect crisis statement" if stated else ""
    signal = f"crisis {probability:.2f} >= {threshold:.2f}"
    if stated or probability >= CRISIS_SURE:
        return signal
    reading = read_message(text, scores, thresholds)
    other = (
        reading.spam
        or reading.news
        or reading.idea
        or reading.question
        or reading.praised
        or reading.third_party
        or reading.criticism
        or (reading.hostile and reading.hostile not in SCORED_HOSTILITY)
    )
    return "" if other else signal


_ABOUT_DETAIL = re.compile(
    r"\bwho (?:took|made|drew|painted|shot|designed|wrote|illustrated)\b|\bwhere (?:was|did you"
    r" take|did you find)\b|\bwhat (?:camera|lens|app|font|brush|paint)\b"
    r"|\bdid (?:the kids|you|they|your \w+|\w+) (?:make|take|draw|paint|build|knit|bake"
    r"|design|write) (?:it|that|this|them)\b"
    r"|\bis (?:that|this) "
    r"(?:your|you)\b",
    _I,
)


def _disapproves(scores: Mapping[str, float]) -> bool:
    """The reading tier's emotion heads: disapproval or annoyance, never where the message is
    plainly grateful. (Admiration beside the ad hominem head was tried for backhanded praise:
    it also fires on warm praise of a detail, "Number seven made me laugh", so it is not used.)"""
    if "goemotions:disapproval" not in scores or _at(scores, "gratitude", 0.5):
        return False
    return _at(scores, "goemotions:disapproval", 0.3) or _at(scores, "goemotions:annoyance", 0.3)


def _question(text: str, scores: Mapping[str, float], thresholds: Mapping[str, float]) -> str:
    clean = re.sub(r"https?://\S+", " ", text)
    asked = [m.group(0).strip() for m in _ASKING.finditer(clean)]
    asked = [q for q in asked if not _RHETORICAL.search(q)]
    if asked:
        return re.sub(r"^[^\w]+", "", asked[0])
    request = _REQUEST.search(clean)
    if request is not None:
        return _clause(clean, request)
    if "?" in clean and _at(scores, "question", max(thresholds.get("question", 0.5), 0.9)):
        tail = clean[: clean.index("?") + 1]
        last = re.split(r"(?<=[.!])\s", tail)[-1].strip()
        return "" if _RHETORICAL.search(last) else last
    return ""


def _clause(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(p, 0, match.start()) for p in (". ", "! ", "? ", "\n"))
    rest = text[start + 1 if start >= 0 else 0 :]
    return re.split(r"(?<=[.!?])\s", rest.strip(), maxsplit=1)[0].strip()


def _third_party(text: str) -> str:
    for pattern in _SHARED_BY:
        for match in pattern.finditer(text):
            name = match.group("name")
            if name.split()[0] not in _NOT_NAMES:
                return name
    return ""


_SENTENCE_END = re.compile(r"[.!?\n]+")


_TOPIC_WORDS = (
    "about|from|with|after|against|volunteers?|residents?|patients?|people|someone|everyone|others"
)
_OTHER_PEOPLE_WORDS = (
    "for|he|she|they|his|her|their|its|lady|man|woman|neighbou?rs?|friends?|kids|children"
)


def _within_words_before(words: str) -> re.Pattern[str]:
    """One of ``words`` within the two words that end a text (searched up to a match)."""
    return re.compile(rf"\b(?:{words})\b(?:\W+\w+){{0,2}}\W*$", _I)


_OTHERS_BEFORE = _within_words_before(f"{_TOPIC_WORDS}|{_OTHER_PEOPLE_WORDS}")
"""The words before a hardship that make it a topic or someone else's."""
_TOPIC_BEFORE = _within_words_before(_TOPIC_WORDS)
"""The words before an illness that make it a topic or someone else's ("residents with
dementia"); a pronoun does not ("her cancer is back" is the writer's own people's)."""


def _own(
    pattern: re.Pattern[str], text: str, markers: re.Pattern[str] | None = None
) -> re.Match[str] | None:
    """``pattern``'s first match that speaks of the writer or their own people: nothing in the
    few words before it makes it someone else's or a topic, unless a first-person word comes
    between ("after my surgery"). Hardship words about others or as a topic
    ("keeps volunteers from burning out", "books about feeling alone", "residents with
    dementia", "coming home after hip surgery") are not the writer's hardship; a subject left
    out ("Burnt out, and ashamed of it", "bit of a rough patch") is theirs."""
    for match in pattern.finditer(text):
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())), default=0)
        others = (markers or _OTHERS_BEFORE).search(text, start, match.start())
        if others is None:
            return match
        # A first-person word just before the marker, in it, or in the match makes it theirs:
        # "I'm living with cancer", "after my surgery", "since he left I've been so lonely".
        before = text[start : others.start()].split()[-2:]
        window = " ".join([*before, others.group(0), match.group(0)])
        if _FIRST_PERSON.search(window):
            return match
    return None


def read_message(
    text: str,
    scores: Mapping[str, float] | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> Reading:
    """Read one message (see the module docstring); ``scores`` are the engine's, and a
    label without a threshold in ``thresholds`` counts from 0.5."""
    text = text or ""
    scores = scores or {}
    thresholds = thresholds or {}
    grief = _GRIEF.search(text)  # a death is the writer's grief, whoever died
    if grief is None and not _RECOVERY.search(text):
        grief = _own(_ILLNESS, text, _TOPIC_BEFORE)  # "her cancer is back" is theirs too
    strain = _own(_DISTRESS, text)
    if grief is not None:
        distress = "grief"
    elif strain is not None or _at(scores, "distress", max(thresholds.get("distress", 0.5), 0.85)):
        distress = "distress"
    else:
        distress = ""
    news_match = _NEWS.search(text)
    news = _clause(text, news_match) if news_match is not None else ""
    if not news and _at(scores, "celebration", CONFIDENT_NEWS) and _FIRST_PERSON.search(text):
        news = "" if "?" in text else text.strip().split("\n")[0][:200]
    if distress == "grief":
        news = ""  # "I lost my job" is not news to celebrate
    praised = ""
    for detail in _DETAIL.finditer(text):
        # A detail counts as praised when its own sentence praises something.
        if _PRAISE.search(_clause(text, detail)):
            praised = detail.group("thing") or detail.group("number") or ""
            break
    spam = spam_signs(text)
    if scores.get("spam", 0.0) >= SPAM_THRESHOLD and spam_backed(text):
        spam = ("spam score", *spam)
    crisis = "an indirect crisis statement" if _crisis_words(text) else ""
    question = _question(text, scores, thresholds)
    if praised and question and _ABOUT_DETAIL.search(question):
        question = ""  # "Who took that photo?" is praise of the photo, answered as such
    idea = find_idea(text) or ""
    if idea:
        # "How about a tool-lending shelf?" proposes; it asks for no link. "One thing I started
        # doing is..." is a practice of theirs, not news to congratulate.
        if question and find_idea(question):
            question = ""
        if news and find_idea(news):
            news = ""
    third_party = _third_party(text)
    # An admiring question ("How do you find the time to write these?") is warm words: the ad
    # hominem head fires on questions to "you", so the scores alone need the offence head too.
    warm = bool(idea or third_party or praised or _ADMIRING.search(text))
    return Reading(
        hostile=_hostile(text, scores, thresholds, hurt=bool(distress or crisis), warm=warm),
        crisis=crisis,
        spam=spam,
        distress=distress,
        criticism=bool(_CRITICISM.search(text)) or _disapproves(scores),
        news=news,
        question=question,
        idea=idea,
        third_party=third_party,
        praised=praised,
        hosting=bool(_HOSTING.search(text)),
        discouraged=bool(_DISCOURAGED.search(text)),
        work=bool(_WORK.search(text)),
    )


# -- the act reader --------------------------------------------------------------------------------

CONFIDENT_NEWS = 0.9
"""The celebration probability that makes a message news to congratulate without a news phrase
("I passed my driving test"): the label's own threshold is tuned for F1, not precision."""
ACT_CONFIDENT = 0.5
"""The act reader chooses among the warm and calm acts (thanks, news, sympathy, a question, an
idea, a calm discussion) where its top probability is at least this; below, the rules do."""
ACT_STRONG = 0.7
"""The act reader adds a needs-care reading the rules missed only at this probability or more:
a sincere comment sent to the needs-care lane is never thanked."""
ACT_CRISIS = 0.5
"""The act reader adds a crisis reading (``offer_dm``: sympathy, a private message and the
configured crisis line) the rules missed at this probability or more. Lower than
:data:`ACT_STRONG` because a missed crisis costs more than resources offered to someone having a
hard time: on the act reader's family-held-out dev splits (three seeds) a crisis comment was
caught 0.81-0.87 of the time at 0.5 against 0.61-0.79 at 0.7, for at most 4 false alarms in
about 790 other comments (a thank-you that mentions a closed shelter; distress)."""
ACT_SURE = 0.9
"""A question in words that the scores alone read as an attack ("What do you actually write
on the notes?": the ad hominem head fires on questions put to the author) is answered where the
act reader gives ``send_link`` at least this: a real attack phrased as a question is left to
the words (insults, trolling), which the scores cannot override."""
_RULES = (
    "hostile",
    "crisis",
    "spam",
    "grief",
    "distress",
    "criticism",
    "news",
    "question",
    "idea",
    "third_party",
    "praised",
)


@dataclass(frozen=True, slots=True)
class ActGuess:
    """The act reader's reading of a message: its top ``act`` (an :class:`~cyberkind.models.Act`
    value) with its ``probability``, and every act's probability in ``probabilities``."""

    act: str
    probability: float
    probabilities: Mapping[str, float]


def act_features(
    text: str,
    scores: Mapping[str, float],
    meaning_vector: Sequence[float] | npt.NDArray[np.float32] | None = None,
) -> dict[str, float]:
    """The act reader's inputs for one message: its stored ``scores`` as they are, what the text
    rules alone read (``rule:<field>``: 1.0 where :func:`read_message` without scores finds it),
    the cheap text features (``text:<feature>``) and, where given, the message's meaning vector
    (``meaning:<i>``, :func:`cyberkind.classifiers.meaning.queries`)."""
    rules = read_message(text)
    out = {k: float(v) for k, v in scores.items()}
    for name in _RULES:
        value = rules.distress if name in ("grief", "distress") else getattr(rules, name)
        found = value == name if name in ("grief", "distress") else bool(value)
        out[f"rule:{name}"] = float(found)
    out.update(text_features(text))
    if meaning_vector is not None:
        out.update(meaning.features(meaning_vector))
    return out


@functools.cache
def _shipped_reader() -> ActReader | None:
    return ActReader.load() if ActReader.available() else None


def read_act(
    text: str, scores: Mapping[str, float], reader: ActReader | None = None
) -> ActGuess | None:
    """The act reader's guess for a comment on the user's work, or ``None`` where it cannot
    read it: no act reader is shipped, or the scores lack a head it reads (the fast tier, or
    the reading cascade's sure texts), so triage keeps its rules.

    **Usage**::

        >>> read_act("I disagree: notes can feel intrusive.", Scorer("reading").read([...])[0])
        ActGuess(act='discuss', probability=0.91, ...)
    """
    reader = reader or _shipped_reader()
    if reader is None:
        return None
    heads = reader.score_heads()
    if any(not math.isfinite(scores.get(h, math.nan)) for h in heads):
        return None
    vector = meaning.query(text) if reader.reads_meaning else None
    probs = reader.predict_proba([act_features(text, scores, vector)])[0]
    table = {act: float(p) for act, p in zip(reader.classes, probs, strict=True)}
    top = max(table, key=lambda act: table[act])
    return ActGuess(top, table[top], table)
