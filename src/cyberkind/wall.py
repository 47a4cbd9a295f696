"""The ideas wall: "share your creative ideas for random acts of cyber-kindness; every idea
gets a virtual gold star", made real (docs/web.md).

Anyone submits an idea with a name. A clean idea is published at once with a gold star and
a kind, varied thank-you (the composer's star wording). A near-duplicate of an idea already
on the wall is merged into it and both authors are credited. Ideas the guard flags, and
spam (links, floods of submissions from one client), wait in a moderation queue for the
owner to approve or reject.

**Near-duplicates.** Ideas are one or two sentences, so the measure must forgive what
people change when they say the same thing twice: plurals and tenses ("comment" /
"comments"), word order ("thank a teacher today" / "today, thank a teacher"), punctuation,
case, filler words and typos. :func:`similarity` is the Jaccard index of the character
trigrams of the ideas' content words (function words dropped, words in sorted order).
Character trigrams absorb inflections and typos (a one-letter change touches at most three
trigrams); sorting the words makes order irrelevant; dropping function words stops "a", "to"
and "the" from making unrelated ideas look alike. Two ideas are merged at
:data:`DUPLICATE_THRESHOLD` (0.6) or above: tests/test_wall.py checks rephrasings above it
and different acts with the same frame ("thank a nurse" / "thank a teacher") below it.

**Usage**::

    >>> from cyberkind.store.sqlite import SQLiteStore
    >>> wall = Wall(SQLiteStore(":memory:"))
    >>> first = wall.submit("Leave a kind comment on a stranger's blog", "Ana")
    >>> first.status, first.idea.stars
    ('published', 1)
    >>> wall.submit("leave kind comments on strangers' blogs!", "Ben").idea.author
    'Ana and Ben'
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import math
import random
import re
import threading
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .composer.templates import STAR_LINES
from .errors import CyberkindError, InputError, NotFoundError
from .models import Idea, Opportunity, StarAward, State
from .store.base import Store

if TYPE_CHECKING:
    from .guard import Guard, Verdict

__all__ = [
    "DUPLICATE_THRESHOLD",
    "MAX_AUTHOR_CHARS",
    "MAX_IDEA_CHARS",
    "Submission",
    "Wall",
    "guard_check",
    "inbox_idea",
    "inbox_idea_on_wall",
    "reasons_to_hold",
    "similarity",
    "spam_reasons",
    "stars_on",
    "thank_you",
]

DUPLICATE_THRESHOLD = 0.6
"""Ideas at least this similar (:func:`similarity`) are merged."""

MAX_IDEA_CHARS = 500
MAX_AUTHOR_CHARS = 60
FLOOD_LIMIT = 5
"""Submissions from one client within :data:`FLOOD_WINDOW` before the rest wait for review."""
FLOOD_WINDOW = timedelta(minutes=10)

_FUNCTION_TEXT = """
    a an the and or but to of in on at for with by from as into onto about your you my
    our their his her its it this that these those some any every each i we they he she me
    us them be is are was were been am do does did so if then than too very just also
    can could would should will shall may might must up out
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_LINK = re.compile(
    r"(?:https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|ru|io|xyz|info|biz|top|co|ly|me|link"
    r"|click|site|online|shop)\b)",
    re.IGNORECASE,
)
_REPEATS = re.compile(r"(.)\1{9,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_OPENINGS = (
    "Thank you, {name}!",
    "What a lovely idea, {name}.",
    "{name}, thank you for sharing this.",
    "Oh, this is a good one, {name}!",
    "Thank you for making the web kinder, {name}.",
    "{name}, this idea made our day.",
)
_MERGED = (
    "Great minds, {name}: someone had this idea too, so you share the credit.",
    "{name}, you're in good company: this idea was already on the wall, and now it's yours too.",
    "Kind minds think alike, {name}! Your name is on this idea now as well.",
)
_HELD = (
    "Thank you, {name}. Your idea will appear once the wall's owner has had a look.",
    "Thanks, {name}! The owner reads every idea first when it has a link or strong words; "
    "yours will show up soon.",
)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    return [w.replace("'", "") for w in _WORD.findall(folded)]


@functools.lru_cache(maxsize=1 << 14)
def _trigrams(text: str) -> frozenset[str]:
    # Cached: a text's trigrams are wanted again when it is indexed (_TrigramIndex) and when
    # it is compared (similarity), inside the store's write transaction.
    words = _words(text)
    content = sorted(w for w in words if w not in _FUNCTION_WORDS) or sorted(words)
    grams: set[str] = set()
    for word in content:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _jaccard(ga: frozenset[str], gb: frozenset[str]) -> float:
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)
    return shared / (len(ga) + len(gb) - shared)


def similarity(a: str, b: str) -> float:
    """Jaccard index of the character trigrams of two ideas' content words, 0 to 1.

    See the module docstring for why this measure.

    >>> round(similarity("Thank a teacher today", "today, thank teachers!"), 2)
    0.84
    >>> similarity("Thank a nurse", "Thank a teacher") < DUPLICATE_THRESHOLD
    True
    """
    return _jaccard(_trigrams(a), _trigrams(b))


def spam_reasons(text: str, author: str = "") -> list[str]:
    """Why a submission looks like spam (links, runs of one character), or ``[]``."""
    reasons = []
    if _LINK.search(text) or _LINK.search(author):
        reasons.append("it contains a link")
    if _REPEATS.search(text):
        reasons.append("it repeats one character many times")
    return reasons


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def thank_you(name: str, text: str, *, stars: bool = True, merged: bool = False) -> str:
    """A kind, varied thank-you for an idea, with the composer's gold-star wording.

    The same idea and name always get the same words (so a retried post reads the same);
    different ideas get different ones. ``stars=False`` leaves the star line out.
    """
    rng = _rng(name, text, "merged" if merged else "new")
    opening = rng.choice(_MERGED if merged else _OPENINGS).format(name=name)
    if not stars:
        return opening
    return f"{opening} {rng.choice(STAR_LINES['1']).format(name=name)}"


@dataclass(frozen=True, slots=True)
class Submission:
    """What happened to a submission.

    ``status`` is ``published``, ``merged`` (into an idea on the wall) or ``pending``
    (moderation); ``message`` is the thank-you to show the submitter; ``repeat`` is true
    when the same form post (nonce) was already stored, so nothing new was written.
    """

    idea: Idea
    status: str
    message: str
    submission_id: int
    repeat: bool = False


class GuardCheck(Protocol):
    """The guard's reasons for holding texts back (``[]`` when all are fine).

    The wall passes an idea and its author's name in one call, so that a shared guard (the
    web app's, behind one lock) is held once per submission, not once per text.
    """

    def __call__(self, *texts: str) -> list[str]: ...


Screened = tuple[str, str, list[str]]
"""What :meth:`Wall.screen` finds: the cleaned words, the cleaned name, reasons to hold."""


def reasons_to_hold(verdict: Verdict) -> list[str]:
    """The wall's reasons to hold a text back, from the guard's verdict (``[]`` when ok)."""
    if verdict.verdict == "ok":
        return []
    return [f"the guard says: {r.message}" for r in verdict.reasons] or ["the guard flagged it"]


def guard_check(guard: Guard) -> GuardCheck:
    """The wall's :data:`GuardCheck` from a guard: its reasons when the verdict is not ok.

    The web app and ``cyberkind wall add`` both hold ideas back with this.
    """

    def check(*texts: str) -> list[str]:
        reasons: list[str] = []
        for text in texts:
            try:
                verdict = guard.check(text, suggest=False)
            except CyberkindError as err:
                reasons.append(str(err))
                continue
            reasons.extend(reasons_to_hold(verdict))
        return reasons

    return check


def stars_on(store: Store) -> bool:
    """Whether thank-yous use the gold-star wording (the settings page's choice)."""
    return store.get_config("setting.stars") != "off"


class Wall:
    """The wall's library API on a :class:`~cyberkind.store.base.Store`.

    ``check`` is the guard (reasons to hold a text back, or ``[]``); ``stars`` switches the
    gold-star wording of thank-yous; ``threshold`` is the near-duplicate threshold.
    """

    def __init__(
        self,
        store: Store,
        *,
        check: GuardCheck | None = None,
        stars: bool = True,
        threshold: float = DUPLICATE_THRESHOLD,
        flood_limit: int = FLOOD_LIMIT,
        flood_window: timedelta = FLOOD_WINDOW,
    ) -> None:
        self.store = store
        self.check = check
        self.stars = stars
        self.threshold = threshold
        self.flood_limit = flood_limit
        self.flood_window = flood_window

    def ideas(self, statuses: tuple[str, ...] = ("published",)) -> list[Idea]:
        """Ideas on the wall (or in the moderation queue: ``("pending",)``), newest first."""
        return self.store.ideas(statuses)

    def submit(
        self,
        text: str,
        author: str,
        *,
        client: str = "",
        nonce: str | None = None,
        now: datetime | None = None,
        screened: Screened | None = None,
    ) -> Submission:
        """Publish, merge or hold an idea; every accepted submission is stored exactly once.

        ``screened`` is :meth:`screen`'s answer for the same words, when the caller ran the
        guard first (the web app does, before it queues for the store's write lock).
        """
        return self._submit(text, author, client=client, nonce=nonce, now=now, screened=screened)

    def screen(self, text: str, author: str) -> Screened:
        """The cleaned words and name, and every reason to hold them (spam, the guard)."""
        return self._screen(text, author)

    def add_from_inbox(self, opportunity_id: str, *, text: str | None = None) -> Submission:
        """Put an inbox idea on the wall, credited to its author (the owner's approval).

        The same rules as a visitor's submission apply (near-duplicates merge; the guard and
        the spam rules hold it for moderation), except the flood limit: the owner chose it.
        A link in the idea's own words still holds it, but ``url`` (the source item's public
        address, shown as a link on the author's name) does not. Doing it twice adds nothing
        (``repeat`` is true). The opportunity is marked done and, when the idea is on the
        wall, the author's gold star is in the ledger under the opportunity (once); an idea
        the guard holds gets its stars when the owner approves it.

        ``text`` replaces the idea's words (the owner's edit); by default they are the
        source comment's from where the idea starts (:func:`inbox_idea`).
        """
        from .inbox import Inbox

        opportunity = self.store.get_opportunity(opportunity_id)
        if not opportunity.is_idea:
            raise InputError(
                f"opportunity {opportunity.id} is not an idea for a kind act. You can fix this "
                "by picking one that `cyberkind inbox --ideas` lists."
            )
        found, url = inbox_idea(self.store, opportunity)
        text = found if text is None or not text.strip() else text
        screened = self._screen(text, opportunity.person)  # the guard runs outside the lock
        with self.store.transaction():
            result = self._submit(
                text,
                opportunity.person,
                nonce=f"inbox:{opportunity.id}",
                url=url,
                opportunity=opportunity,
                screened=screened,
            )
            if self.store.get_opportunity(opportunity.id).state is not State.DONE:
                Inbox(self.store).done(opportunity.id)
            return result

    def _screen(self, text: str, author: str) -> Screened:
        """The cleaned words and name, and every reason to hold them (spam, the guard)."""
        text, author = clean_idea(text), clean_author(author)
        held = spam_reasons(text, author)
        if self.check is not None:
            held.extend(self.check(text, author))
        return text, author, held

    def _submit(
        self,
        text: str,
        author: str,
        *,
        client: str = "",
        nonce: str | None = None,
        now: datetime | None = None,
        url: str | None = None,
        opportunity: Opportunity | None = None,
        screened: Screened | None = None,
    ) -> Submission:
        text, author, held = screened or self._screen(text, author)
        held = list(held)
        moment = now or datetime.now(UTC)
        with self.store.transaction():
            if nonce is not None:
                earlier = self.store.submission_by_nonce(nonce)
                if earlier is not None:
                    idea = self.store.get_idea(earlier.idea_id)
                    status = (
                        idea.status
                        if opportunity is not None
                        else ("pending" if idea.status == "pending" else "published")
                    )
                    message = self._message(idea, author, text)
                    return Submission(idea, status, message, earlier.id, repeat=True)
            if (
                opportunity is None
                and client
                and self.store.count_submissions(client, moment - self.flood_window)
                >= (self.flood_limit)
            ):
                held.append(
                    f"more than {self.flood_limit} ideas came from one visitor within "
                    f"{int(self.flood_window.total_seconds() // 60)} minutes"
                )
            match = None if held else self._near_duplicate(text)
            if match is not None:
                sub = self.store.add_idea_submission(
                    match.id, author, text, client=client, nonce=nonce, when=moment, url=url
                )
                if match.status == "published":
                    self._award(author, opportunity)
                idea = self.store.get_idea(match.id)
                status = "merged" if idea.status == "published" else "pending"
                message = (
                    thank_you(author, text, stars=self.stars, merged=True)
                    if status == "merged"
                    else self._held_message(author, text)
                )
                return Submission(idea, status, message, sub.id)
            status = "pending" if held else "published"
            thanks = thank_you(author, text, stars=self.stars)
            sub = self.store.add_idea(
                text,
                author,
                status=status,
                reason="; ".join(dict.fromkeys(held)),
                thanks=thanks,
                client=client,
                nonce=nonce,
                when=moment,
                url=url,
            )
            if status == "published":
                self._award(author, opportunity)
            idea = self.store.get_idea(sub.idea_id)
            message = thanks if status == "published" else self._held_message(author, text)
            return Submission(idea, status, message, sub.id)

    def approve(self, idea_id: int) -> Idea:
        """Publish a held idea; each of its authors gets their gold star in the ledger."""
        with self.store.transaction():
            idea = self.store.get_idea(idea_id)
            if idea.status != "published":
                idea = self.store.set_idea_status(idea_id, "published")
                for name in idea.authors:
                    self._award(name)
            return idea

    def reject(self, idea_id: int) -> Idea:
        """Keep an idea off the wall for good."""
        return self.store.set_idea_status(idea_id, "rejected")

    def star(self, idea_id: int, voter: str) -> tuple[Idea, bool]:
        """A visitor stars a published idea, once; return it and whether the star was new."""
        with self.store.transaction():
            idea = self.store.get_idea(idea_id)
            if idea.status != "published":
                raise NotFoundError(
                    f"idea {idea_id} is not on the wall. You can fix this by starring an idea "
                    "listed at /api/ideas."
                )
            added = self.store.star_idea(idea_id, voter)
            return self.store.get_idea(idea_id), added

    def _near_duplicate(self, text: str) -> Idea | None:
        """The most similar idea at or above the threshold (the oldest of equals), or None.

        Through the store's trigram index (:class:`_TrigramIndex`): the ideas stored since
        the last search are read by id (an index read), never every idea's words, and only
        the ideas sharing one of the new idea's rarest trigrams are compared with it.
        """
        mine = _trigrams(text)
        scores = _INDEX.candidates(self.store, mine, self.threshold)
        if not scores:
            return None
        live = {i for i, _ in self.store.idea_texts(("published", "pending"), ids=sorted(scores))}
        ranked = sorted((-score, idea_id) for idea_id, score in scores.items() if idea_id in live)
        return self.store.get_idea(ranked[0][1]) if ranked else None

    def _award(self, name: str, opportunity: Opportunity | None = None) -> None:
        if opportunity is None:
            award = StarAward(person=name, count=1, reason="idea on the ideas wall")
        else:
            award = StarAward(
                person=name,
                count=1,
                reason="idea on the ideas wall",
                opportunity_id=opportunity.id,
                source=opportunity.source,
                item_id=opportunity.item_ids[0] if opportunity.item_ids else None,
            )
        self.store.award_stars(award)

    def _message(self, idea: Idea, author: str, text: str) -> str:
        if idea.status == "pending":
            return self._held_message(author, text)
        return thank_you(author, text, stars=self.stars, merged=idea.text != text)

    @staticmethod
    def _held_message(author: str, text: str) -> str:
        return _rng(author, text, "held").choice(_HELD).format(name=author)


class _StoreGrams:
    """One store's ideas as trigram sets and postings (which ideas hold each trigram)."""

    def __init__(self) -> None:
        self.grams: dict[int, frozenset[str]] = {}
        self.postings: dict[str, list[int]] = {}
        self.last: tuple[int, str] = (0, "")
        """The newest idea read (id, words): the next read starts there and checks it."""

    def clear(self) -> None:
        self.grams, self.postings, self.last = {}, {}, (0, "")

    def add(self, idea_id: int, text: str) -> None:
        grams = _trigrams(text)
        self.grams[idea_id] = grams
        for gram in grams:
            self.postings.setdefault(gram, []).append(idea_id)
        self.last = (idea_id, text)


class _TrigramIndex:
    """Each store's ideas by trigram, kept in the process, so that near-duplicate search
    neither reads every idea's words nor compares the new idea with every one.

    **Kept current by id.** One index per store: by its address (a SQLite file's with its
    inode, so a file made anew at the same path is another store), an in-memory store by
    the object. Ideas are only ever added (their words never change), so each search reads
    just the ideas with ids over the newest one indexed, starting with that newest one
    itself: if it is gone or has other words (its transaction rolled back), the index is
    rebuilt. Statuses are not kept here; the caller reads those of the few ideas that match.

    **Prefix filtering.** Ideas ``x`` and ``y`` with Jaccard index at least ``t`` share at
    least ``t*|x|`` of ``x``'s trigrams, so any ``|x| - ceil(t*|x|) + 1`` of them include one
    that ``y`` holds. The search looks up only that many, the rarest, and compares ``x``
    with the ideas found there (and of a size within ``[t*|x|, |x|/t]``): exactly the
    ideas that comparing with every idea would find, for a fraction of the work.
    """

    STORES = 8
    """Stores kept (the least recently searched is dropped first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[str, _StoreGrams] = {}
        self._memory: weakref.WeakKeyDictionary[Store, _StoreGrams] = weakref.WeakKeyDictionary()

    def _index(self, store: Store) -> _StoreGrams:
        key = store.describe()
        if key.endswith(":memory:"):  # one database per connection: indexed per object
            return self._memory.setdefault(store, _StoreGrams())
        path = getattr(store, "path", None)
        if isinstance(path, Path):  # a file made anew at the same path is another store
            with contextlib.suppress(OSError):
                key += f"#{path.stat().st_ino}"
        index = self._stores.pop(key, None) or _StoreGrams()
        self._stores[key] = index  # most recently used last
        while len(self._stores) > self.STORES:
            del self._stores[next(iter(self._stores))]
        return index

    def _refreshed(self, store: Store) -> _StoreGrams:
        index = self._index(store)
        newest, words = index.last
        rows = store.idea_texts(_ALL_STATUSES, after=max(newest - 1, 0))
        if newest and (not rows or rows[0] != (newest, words)):
            index.clear()  # not the ideas indexed: start over
            rows = store.idea_texts(_ALL_STATUSES)
        for idea_id, text in rows:
            if idea_id not in index.grams:
                index.add(idea_id, text)
        return index

    def candidates(self, store: Store, mine: frozenset[str], threshold: float) -> dict[int, float]:
        """``{idea id: similarity}`` of the store's ideas (any status) at or above
        ``threshold`` with the trigrams ``mine``."""
        if not mine:
            return {}
        with self._lock:
            index = self._refreshed(store)
            size = len(mine)
            probes = sorted(mine, key=lambda g: len(index.postings.get(g, ())))
            probes = probes[: size - math.ceil(threshold * size) + 1]
            hits = Counter(itertools.chain.from_iterable(index.postings.get(g, ()) for g in probes))
            low, high = threshold * size, size / threshold if threshold > 0 else math.inf
            unprobed = size - len(probes)
            out = {}
            for idea_id, hit in hits.items():
                theirs = index.grams[idea_id]
                if not low <= len(theirs) <= high:
                    continue
                # J >= t needs shared >= t(|x| + |y|) / (1 + t); at most hit + unprobed
                # are shared, which rules most candidates out before comparing sets.
                if hit + unprobed < threshold * (size + len(theirs)) / (1 + threshold):
                    continue
                score = _jaccard(mine, theirs)
                if score >= threshold:
                    out[idea_id] = score
            return out


_ALL_STATUSES = ("published", "pending", "rejected")
_INDEX = _TrigramIndex()


_IDEA_PREFIX = re.compile(r"^(?:kindness )?idea\s*[:\-\u2013]\s*", re.IGNORECASE)


def inbox_idea(store: Store, opportunity: Opportunity) -> tuple[str, str | None]:
    """An inbox idea's words for the wall and its source item's public URL (or ``None``).

    The words are the comment's from where the idea starts (:func:`cyberkind.inbox.find_idea`,
    up to :data:`MAX_IDEA_CHARS`), without an "Idea:" prefix; the URL is the item's (or the
    opportunity's) when it is an ``http(s)`` address.
    """
    from .inbox import find_idea

    stored = store.items(opportunity.source, remote_ids=opportunity.item_ids)
    if not stored:
        raise NotFoundError(
            f"the comment behind opportunity {opportunity.id} is not in the store. You can fix "
            "this by running `cyberkind sync` (or importing the file) again."
        )
    item = stored[0].item
    words = find_idea(item.text, limit=MAX_IDEA_CHARS) or item.text
    words = _IDEA_PREFIX.sub("", words.strip())
    words = words[:1].upper() + words[1:]
    url = item.url or opportunity.url
    if not url or not url.startswith(("https://", "http://")):
        url = None
    return words, url


def inbox_idea_on_wall(store: Store, opportunity: Opportunity) -> dict[str, Any]:
    """What the opportunity page shows of an inbox idea: its ``text`` and ``url`` for the
    wall (:func:`inbox_idea`) and, once shared (:meth:`Wall.add_from_inbox`), its ``idea``."""
    words, url = inbox_idea(store, opportunity)
    earlier = store.submission_by_nonce(f"inbox:{opportunity.id}")
    idea = store.get_idea(earlier.idea_id) if earlier is not None else None
    return {"text": words, "url": url, "idea": idea}


def clean_idea(text: str) -> str:
    """The idea's words with control characters dropped and spaces collapsed; or InputError."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    if len(cleaned) < 3:
        raise InputError("the idea is empty. You can fix this by writing a few words.")
    if len(cleaned) > MAX_IDEA_CHARS:
        raise InputError(
            f"the idea is {len(cleaned)} characters long; the wall takes {MAX_IDEA_CHARS}. "
            "You can fix this by shortening it."
        )
    return cleaned


def clean_author(name: str) -> str:
    """The submitter's name, cleaned like an idea; or InputError."""
    cleaned = " ".join(_CONTROL.sub(" ", name).split())
    if not cleaned:
        raise InputError("no name given. You can fix this by adding your name (any name).")
    if len(cleaned) > MAX_AUTHOR_CHARS:
        raise InputError(
            f"the name is {len(cleaned)} characters long; the wall takes {MAX_AUTHOR_CHARS}. "
            "You can fix this by shortening it."
        )
    return cleaned
