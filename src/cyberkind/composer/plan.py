"""The reply plan: one reply per message, as ordered moves, each drawn from its variants.

The inbox gives each item one primary act (:mod:`cyberkind.derivation`); the plan reads the
message again (:func:`cyberkind.triage.read_message`: the news, the question, the idea, the
detail praised, the friend who shared the post) and composes the reply as moves in order:

1. a **greeting** by name (:func:`~cyberkind.composer.compose.greeting_name`);
2. the **lead** of the act: thanks (for the comment, the news, the question, the idea),
   sympathy for grief and distress, a calm opening for criticism, encouragement for a
   discouraged author, appreciation of a host;
3. **responses** to what they said, in this order: congratulations on their news; praise of
   a detail answered ("I'm so glad you liked the photo"); agreement with a whole clause of
   theirs; the answer to their question, with a link from the library (the user's own posts
   first) or, when none fits, a plain word that says what is missing; thanks to the friend
   they name as sharing the post; credit for an idea, with an offer to put it on the wall;
4. the **gold star**, in the words of their theme where one stands out (two for an idea);
5. a closing line where the user writes long replies, and the **sign-off**.

A draft quotes at most one whole clause of theirs, and never for hostile comments, spam,
criticism or grief. Hostile comments and spam (``needs_care``) get a calm line about the
post, never thanks, a star or a quote; criticism (``discuss``) a calm reply that engages the
point, without a star or praise; grief and distress (``hug``) sympathy without a star.

**Usage**::

    >>> from cyberkind.models import Act
    >>> from cyberkind.triage import read_message
    >>> plan = plan_reply(Act.CELEBRATE, read_message("I passed my driving test today!"),
    ...                   name="Jules", quote="I passed my driving test today",
    ...                   pick=lambda key, options: options[0])
    >>> [m.name for m in plan.moves]
    ['greeting', 'thank_news', 'congratulate_quote', 'close']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Act, Link
from ..phrases import key_phrase, topic_stems
from ..triage import Reading
from .moves import MOVES
from .templates import STAR_LINES, THEMED_STAR_LINES, THEMES

if TYPE_CHECKING:
    from ..links.answers import LinkMatcher

__all__ = [
    "CALM_MOVES",
    "Answer",
    "Move",
    "Picker",
    "ReplyPlan",
    "find_answer",
    "plan_reply",
    "uncalm",
]

Picker = Callable[[str, Sequence[str]], str]
"""Draws one variant of a move: ``pick(key, variants)`` (seeded, no repeats per batch)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A link that answers a question: ``own`` marks one of the user's own posts."""

    title: str
    url: str
    own: bool = False
    why: str = ""


def find_answer(
    question: str,
    own: Sequence[Link],
    library: Sequence[Link],
    *,
    matcher: LinkMatcher | None = None,
    message: str = "",
) -> Answer | None:
    """The link that answers ``question``: the user's own posts first, then the library.

    A link answers when it covers more than half of the question's topic words (its content
    words, less the words of asking such as "find", "guide" or "link"), compared by their
    first five letters so "bridges" meets "bridge". Where none does and a ``matcher`` is
    given, a message that asks for a resource (``message``, the whole comment; default the
    question) may be answered by meaning (:class:`~cyberkind.links.answers.LinkMatcher`).
    ``None`` when no link fits.

    **Usage**::

        >>> posts = [Link("https://k.example/cal", "A kindness calendar for November")]
        >>> find_answer("Where is the printable kindness calendar?", posts, []).url
        'https://k.example/cal'
        >>> find_answer("How do I start a community fridge?", [],
        ...             [Link("https://k.example/g", "Starting a community garden")]) is None
        True
    """
    found = _answer_by_words(question, own, library)
    if found is None and matcher is not None:
        links = [*own, *library]
        matched = matcher.answer(message or question, links)
        if matched is not None:
            link, cosine = matched
            is_own = any(link is x for x in own)
            why = f"asks for it in other words (meaning match {cosine:.2f})"
            found = Answer(link.title or link.url, link.url, is_own, why)
    return found


def _answer_by_words(question: str, own: Sequence[Link], library: Sequence[Link]) -> Answer | None:
    topic = topic_stems(question)
    if not topic:
        return None
    best: tuple[int, int, Answer] | None = None
    for rank, (link, is_own) in enumerate([(x, True) for x in own] + [(x, False) for x in library]):
        covered = topic & topic_stems(link.words)
        if len(covered) * 2 <= len(topic):
            continue
        # More of the topic wins; on a tie the earlier one (own posts come first).
        key = (len(covered), -rank)
        if best is None or key > best[:2]:
            why = "matches " + ", ".join(f"'{w}'" for w in sorted(covered))
            best = (*key, Answer(link.title or link.url, link.url, is_own, why))
    return best[2] if best is not None else None


@dataclass(frozen=True, slots=True)
class Move:
    """One step of a reply: its ``name`` (``"thank"``, ``"congratulate"``...) and words."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class ReplyPlan:
    """A reply as ordered moves, with the quote it uses ('' for none) and notes for the user."""

    act: Act
    moves: tuple[Move, ...]
    quote: str = ""
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The moves' names, in order."""
        return tuple(m.name for m in self.moves)

    def text(self, sign_off: str | None = None, exclaim: bool = True, run_on: bool = False) -> str:
        """The reply: the greeting, then the body in one paragraph, then the sign-off.

        No sentence is said twice; ``exclaim=False`` turns "!" into "." (a quiet voice);
        ``run_on`` continues the body on the greeting's line (a learned thank-you opening).
        """
        greeting = [m.text for m in self.moves if m.name == "greeting"]
        said: set[str] = set()
        body: list[str] = []
        for move in self.moves:
            if move.name == "greeting":
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", move.text):
                key = " ".join(re.findall(r"[\w'\u2019]+", sentence.lower()))
                if key and key not in said:
                    said.add(key)
                    body.append(sentence)
        text = " ".join(body)
        if not exclaim:
            text = text.replace("!", ".")
        if run_on and greeting:
            greeting, text = [], f"{greeting[0]} {text}".strip()
        parts = [*greeting, text] + ([sign_off] if sign_off else [])
        return "\n\n".join(p for p in parts if p)


CALM_MOVES: dict[Act, frozenset[str]] = {
    Act.NEEDS_CARE: frozenset({"greeting", "care_spam", "care_hostile", "care_hostile_ask"}),
    Act.DISCUSS: frozenset({"greeting", "discuss_open", "discuss_engage", "discuss_ask"}),
    Act.HUG: frozenset({"greeting", "sympathy_grief", "sympathy", "understand", "hug"}),
}
"""The only moves a plan for these acts may make, whatever it is given (stars, a quote, an
answer): none of their variants thanks, praises, congratulates, quotes or gives a star, so a
hostile comment, spam, criticism, grief or distress can never get one (issue 15)."""

_THANK_WORDS = re.compile(r"\b(?:thank\w*|grateful|appreciat\w*)", re.I)
_PRAISE_WORDS = re.compile(
    r"\b(?:stars?|congratulat\w*|well done|hooray|well deserved|celebrat\w*|made my day"
    r"|made me smile|so well put|put it so well|lovely|loved|what a kind|such a good point"
    r"|yes, exactly|stayed with me)\b",
    re.I,
)


def uncalm(act: Act, text: str) -> str:
    """What in ``text`` a reply for ``act`` must not say ('' when nothing): for
    ``needs_care`` and ``discuss``, thanks, praise, congratulations or a star; for ``hug``,
    praise, congratulations or a star. Other acts may say all of it.

    **Usage**::

        >>> uncalm(Act.DISCUSS, "Thanks for the pushback!")
        'Thanks'
        >>> uncalm(Act.HUG, "Thank you for telling me; I'm so sorry.")
        ''
    """
    if act not in CALM_MOVES:
        return ""
    found = _PRAISE_WORDS.search(text)
    if found is None and act is not Act.HUG:
        found = _THANK_WORDS.search(text)
    return found.group(0) if found is not None else ""


_THANKS = {
    Act.THANK_COMMENTER: "thank",
    Act.CELEBRATE: "thank_news",
    Act.SEND_LINK: "thank_question",
    Act.THANK_FOR_SHARING_WHAT_MATTERS: "thank_idea",
}
# The acts whose drafts may quote a clause of theirs.
QUOTING = frozenset(
    {
        Act.THANK_COMMENTER,
        Act.CELEBRATE,
        Act.SEND_LINK,
        Act.THANK_FOR_SHARING_WHAT_MATTERS,
        Act.ENCOURAGE_POST,
        Act.PROMOTE_WORK,
        Act.APPRECIATE_HOST,
    }
)
FOCUS = {Act.CELEBRATE: "milestone", Act.PROMOTE_WORK: "milestone", Act.SEND_LINK: "question"}
"""The clause a draft quotes, per act (see :func:`cyberkind.phrases.key_phrase`)."""


def quote_phrase(act: Act, text: str, reading: Reading) -> str:
    """The phrase of ``text`` a draft for ``act`` would quote ('' when it quotes nothing)."""
    if act not in QUOTING or not text:
        return ""
    if act is Act.THANK_FOR_SHARING_WHAT_MATTERS and reading.idea:
        # "Idea: what if we all..." is quoted from its proposal, without the label.
        idea = re.sub(r"^(?:idea|suggestion)\s*[:\-\u2013]\s*", "", reading.idea, flags=re.I)
        return idea.rstrip("\u2026").rstrip(" .!?")
    if act is Act.CELEBRATE and reading.news:
        return key_phrase(reading.news, "milestone")
    if act is Act.SEND_LINK and reading.question:
        return reading.question.rstrip("?").strip()
    return key_phrase(text, FOCUS.get(act))


def _star(pick: Picker, count: int, name: str, theme: str) -> str:
    key = str(min(count, 3))
    if theme:
        # The star takes its wording from their theme: "a bridge of gold stars".
        stars = THEMES[theme][1]
        line = pick(f"stars:theme:{key}", THEMED_STAR_LINES[key])
        return line.format(name=name, stars=stars, Stars=stars[:1].upper() + stars[1:])
    return pick(f"stars:{key}", STAR_LINES[key]).format(name=name)


def _calm(act: Act, moves: Sequence[Move], notes: Sequence[str]) -> ReplyPlan:
    """The plan of a calm act: only its :data:`CALM_MOVES`, no quote, no star."""
    allowed = CALM_MOVES[act]
    return ReplyPlan(act, tuple(m for m in moves if m.name in allowed), "", tuple(notes))


def plan_reply(
    act: Act,
    reading: Reading,
    *,
    name: str,
    pick: Picker,
    quote: str = "",
    greeting: str = "Hi {name},",
    answer: Answer | None = None,
    stars: int = 0,
    theme: str = "",
    long: bool = True,
    post: bool = False,
    opening: bool = False,
    warm: bool = True,
) -> ReplyPlan:
    """The moves of the reply for ``act`` to a message read as ``reading``.

    ``quote`` is the whole clause of theirs the draft may quote (checked by the caller with
    :func:`~cyberkind.composer.compose.quotable`); ``answer`` the link for their question;
    ``stars`` the gold stars to give (0 for none); ``theme`` the theme of their words;
    ``long`` adds a closing line (for users whose replies run long); ``post`` says the
    message is a post by someone the user follows, not a comment to them (news there is
    congratulated with an offer to share it, not thanked); ``opening`` says ``greeting`` is
    the user's own thank-you opening, which stands in for the thanks line; ``warm`` says the
    message gave something warm to answer (:func:`~cyberkind.composer.compose.reads_warm`):
    without it a thank-you does not agree with or praise their words.
    """
    moves: list[Move] = [Move("greeting", greeting.format(name=name))]
    notes: list[str] = []
    quoted = ""

    def say(key: str, **fields: str) -> None:
        line = pick(f"plan:{key}", MOVES[key])
        moves.append(Move(key, line.format(**fields) if fields else line))

    def with_quote(key: str, plain: str | None) -> None:
        nonlocal quoted
        if quote and not quoted:
            quoted = quote
            say(f"{key}_quote" if f"{key}_quote" in MOVES else key, quote=quote)
        elif plain is not None:
            say(plain)

    if act is Act.NEEDS_CARE:
        if reading.spam:
            say("care_spam")
            notes.append("spam: let it be, mark it as spam on the platform, or send this")
        else:
            say("care_hostile")
            say("care_hostile_ask")
            notes.append(
                "hostile: let it be, moderate it (hold, mute or report on the platform), or "
                "send this calm reply about the issue"
            )
        return _calm(act, moves, notes)
    if act is Act.DISCUSS:
        say("discuss_open")
        say("discuss_engage")
        say("discuss_ask")
        notes.append("add your own view on the point they raise")
        return _calm(act, moves, notes)
    if act is Act.HUG:
        say("sympathy_grief" if reading.distress == "grief" else "sympathy")
        say("understand")
        say("hug")
        return _calm(act, moves, notes)
    if act is Act.ENCOURAGE_POST and reading.discouraged:
        say("encourage")
        say("encourage_more")
    elif act is Act.ENCOURAGE_POST:
        say("enjoyed")
        with_quote("enjoyed", None)
    elif act is Act.APPRECIATE_HOST:
        say("host" if reading.hosting else "appreciate_reply")
        if reading.hosting:
            say("host_join")
        else:
            with_quote("agree", None)
    elif act is Act.PROMOTE_WORK:
        say("promote")
        with_quote("enjoyed", None)
    elif act is Act.CELEBRATE and post:
        with_quote("congratulate", "congratulate")
    else:
        lead = _THANKS.get(act, "thank")
        if act is Act.THANK_COMMENTER and not warm:
            lead = "thank_neutral"  # never "such a thoughtful comment" for what was not read warm
        if act is Act.THANK_FOR_SHARING_WHAT_MATTERS and not reading.idea:
            lead = "thank_kindness"
        if not (opening and lead in ("thank", "thank_neutral", "thank_question")):
            say(lead)
        if lead == "thank_kindness":
            notes.append("finish 'it matters to me because ...' in your own words")
            with_quote("agree", None)
    # Supporting moves, in the order a blogger makes them.
    congratulated = any(m.name.startswith("congratulate") for m in moves)
    if not congratulated and (
        act is Act.CELEBRATE or (reading.news and act in (Act.THANK_COMMENTER, Act.SEND_LINK))
    ):
        with_quote("congratulate", "congratulate")
    if reading.praised and act in (Act.THANK_COMMENTER, Act.SEND_LINK, Act.CELEBRATE):
        thing = (
            reading.praised
            if reading.praised.lower().startswith("number")
            else (f"the {reading.praised}")
        )
        line = pick("plan:praised", MOVES["praised"])
        moves.append(Move("praised", line.format(thing=thing, Thing=thing[:1].upper() + thing[1:])))
        if re.search(r"photo|picture|pic|image|illustration|drawing|painting", reading.praised):
            notes.append(f"say who made {thing}")
    if reading.question and act in (Act.SEND_LINK, Act.THANK_COMMENTER, Act.CELEBRATE):
        if answer is not None:
            say("answer_own" if answer.own else "answer_link", title=answer.title, url=answer.url)
            notes.append(f"suggested link {answer.url}: {answer.why}")
        elif act is Act.SEND_LINK:
            with_quote("answer_missing", "answer_missing")
            notes.append(
                "no post or link of yours answers this question: add one, or answer in your "
                "own words (`cyberkind links import` fills the library)"
            )
    if act is Act.THANK_COMMENTER and warm and not any(m.name.startswith("congrat") for m in moves):
        praised = any(m.name == "praised" for m in moves)
        with_quote("agree", None if reading.question or praised else "agree_plain")
    if reading.third_party and act not in (Act.APPRECIATE_HOST,):
        say("third_party", name=reading.third_party)
    if reading.idea and act in (Act.THANK_FOR_SHARING_WHAT_MATTERS, Act.THANK_COMMENTER):
        with_quote("idea", "idea_plain")
        say("wall")
    if act is Act.CELEBRATE and post:
        say("promote_offer")
    if stars:
        moves.append(Move("stars", _star(pick, stars, name, theme)))
    if long:
        say("close")
    return ReplyPlan(act, tuple(moves), quoted, tuple(notes))
