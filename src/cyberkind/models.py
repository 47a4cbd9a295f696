"""The nouns of the kindness inbox: who wrote what, and which kind act fits.

- :class:`Author`: a person or site, by handle and display name.
- :class:`Item`: one thing that happened in a conversation (a post, comment,
  reply, mention, boost, like, pingback...), identified by ``(source, remote_id)``.
- :class:`Opportunity`: a moment for a kind act (an :class:`Act`), with a
  reason, a :class:`Priority` and a :class:`State` the user moves along.

All are frozen: the store hands out values, never live rows.

**Usage**::

    >>> from cyberkind.models import Author, Item, ItemKind
    >>> item = Item("wordpress:kind.example", "comment:12", ItemKind.COMMENT,
    ...             Author("ana@example.org", "Ana Lima"), "Lovely post!")
    >>> item.key
    ('wordpress:kind.example', 'comment:12')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "CLOSED_STATES",
    "GROUPED_KINDS",
    "IDEA_STATUSES",
    "Account",
    "Act",
    "Author",
    "Batch",
    "Feed",
    "Idea",
    "IdeaSubmission",
    "Item",
    "ItemKind",
    "Link",
    "Opportunity",
    "Priority",
    "Problem",
    "Reply",
    "Resource",
    "StarAward",
    "State",
    "json_fields",
]


def json_fields(obj: object, names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for each of the space-separated ``names`` (as
    :func:`collections.namedtuple` takes them), in order, with values as JSON wants them.

    The one rule behind every ``to_json``: a datetime becomes ISO 8601 text, an enum its
    value, a tuple a list, a mapping a dict, an object with ``to_json`` its JSON; ``None``
    and plain values stay as they are.

    **Usage**::

        >>> json_fields(Link("https://example.org", tags=("a", "b")), "url tags")
        {'url': 'https://example.org', 'tags': ['a', 'b']}
    """
    return {name: _json_value(getattr(obj, name)) for name in names.split()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    to_json = getattr(value, "to_json", None)
    return to_json() if callable(to_json) else value


class ItemKind(enum.StrEnum):
    """What an :class:`Item` is. Connectors map their platform's types onto these."""

    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    QUOTE = "quote"
    BOOST = "boost"
    LIKE = "like"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"
    FOLLOW = "follow"
    SHARE = "share"


GROUPED_KINDS = frozenset(
    {ItemKind.BOOST, ItemKind.LIKE, ItemKind.PINGBACK, ItemKind.TRACKBACK, ItemKind.SHARE}
)
"""Kinds without words of their own: thanked together, one opportunity per post."""


class Act(enum.StrEnum):
    """The kind acts the inbox suggests. Each member's docstring says when it fits."""

    THANK_READER = "thank_reader"
    """Someone liked your work or followed you: thank them for reading."""
    THANK_COMMENTER = "thank_commenter"
    """Someone commented on or replied to your work (or mentioned you) and you have not answered."""
    THANK_SHARER = "thank_sharer"
    """Someone boosted, shared, or linked to your post (pingback, trackback): thank them."""
    THANK_FOR_SHARING_WHAT_MATTERS = "thank_for_sharing_what_matters"
    """Someone shared an idea for a kind act, or words of care or encouragement for others."""
    CELEBRATE = "celebrate"
    """A milestone, award or good news (the engine's ``celebration`` signal)."""
    HUG = "hug"
    """The writer is having a hard time (``distress``): a virtual hug, and maybe a DM."""
    OFFER_DM = "offer_dm"
    """Risk of self-harm (``crisis``): reach out privately, with safety resources at hand."""
    APPRECIATE_HOST = "appreciate_host"
    """The author of a post you commented on replied to you: appreciate your host."""
    SEND_LINK = "send_link"
    """Someone asks a question (``question``) outside your own posts: send a useful link."""
    ENCOURAGE_POST = "encourage_post"
    """Someone you follow published a post: a word of encouragement."""
    PROMOTE_WORK = "promote_work"
    """Someone you follow announces work or good news in a post: boost or recommend it."""
    DISCUSS = "discuss"
    """Criticism or disagreement with your work or ideas: a calm reply about the issue."""
    NEEDS_CARE = "needs_care"
    """A hostile or trolling comment, or spam: never a thank-you, a star or a quote. Let it
    be, moderate it, or answer calmly about the issue."""


class Priority(enum.IntEnum):
    """How urgent an opportunity is; lower comes first in the inbox."""

    CRISIS = 1
    DISTRESS = 2
    UNANSWERED = 3
    QUESTION = 4
    MILESTONE = 5
    MENTION = 6
    IDEA = 7
    SHARES = 8
    FOLLOWED = 9


class State(enum.StrEnum):
    """Where an opportunity stands. ``dismissed`` ones never come back."""

    OPEN = "open"
    DRAFTED = "drafted"
    DONE = "done"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"


CLOSED_STATES = frozenset({State.DONE, State.DISMISSED})


@dataclass(frozen=True, slots=True)
class Author:
    """A person or site: a stable ``handle`` (login, @user@host, URL...) and a display ``name``."""

    handle: str
    name: str
    url: str | None = None

    @property
    def display(self) -> str:
        """The name to show, falling back to the handle."""
        return self.name or self.handle


@dataclass(frozen=True, slots=True)
class Item:
    """One event in a conversation the user is part of.

    ``remote_id`` is the platform's id, unique within ``source``; the parent and
    thread (root) are remote ids in the same source. ``is_own`` marks what the
    user wrote. ``raw`` keeps extra metadata (JSON-serialisable, never secrets).
    """

    source: str
    remote_id: str
    kind: ItemKind
    author: Author
    text: str = ""
    url: str | None = None
    parent_remote_id: str | None = None
    thread_id: str | None = None
    created_at: datetime | None = None
    is_own: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """The stable identity ``(source, remote_id)``."""
        return (self.source, self.remote_id)

    @property
    def thread_key(self) -> str:
        """The thread this item belongs to: its root's remote id, or its own."""
        return self.thread_id or self.remote_id


@dataclass(frozen=True, slots=True)
class Problem:
    """A record a connector could not read: its 1-based line (or position) and why."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Batch:
    """What one step of :meth:`Connector.fetch` returns: items, then the cursor after them.

    The store writes a batch, its opportunities and its cursor in one transaction.
    """

    items: tuple[Item, ...]
    cursor: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    """An RSS or Atom feed the user follows; ``comments`` marks a comment feed of their blog.

    **Usage**::

        >>> Feed("https://kind.example/comments/feed/", comments=True).source
        'rss:https://kind.example/comments/feed/'
    """

    url: str
    comments: bool = False

    @property
    def source(self) -> str:
        """The items' source: ``rss:`` and the feed URL (also the key of its cursor)."""
        return f"rss:{self.url}"


@dataclass(frozen=True, slots=True)
class Account:
    """A live platform account the user connected: never a secret, only where and who.

    ``platform`` is the name of the connector that serves it (``"wordpress"``,
    ``"mastodon"``, ``"bluesky"``, or a plug-in's); ``name`` is the user's label
    for it and keys its items (``source``), its cursor and its secrets in
    :mod:`cyberkind.credentials`. ``options`` holds non-secret settings a
    connector understands (strings only, so every store can keep them).

    **Usage**::

        >>> Account("kindcorner", "wordpress", "https://kind.example", handle="ana").source
        'wordpress:kindcorner'
    """

    name: str
    platform: str
    url: str
    handle: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The items' source (also the key of its cursor): platform and account name."""
        return f"{self.platform}:{self.name}"

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind accounts list --json``); holds no secret."""
        return json_fields(self, "name platform url handle options source")


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply to publish through a connector.

    ``idempotency_key`` is stable across retries of the same send (cyberkind
    derives it from the opportunity and the draft): a connector uses it so that
    a retry after a timeout never posts twice (Mastodon's ``Idempotency-Key``
    header, a deterministic Bluesky record key, or a look-up before posting).
    ``to`` names the handles addressed besides the parent's author (a grouped
    thank-you), for platforms that address people in the text (Mastodon's
    @mentions); ``private`` asks for a direct message, which only connectors whose
    ``private_replies`` is true can send.
    """

    source: str
    parent_remote_id: str
    text: str
    thread_id: str | None = None
    idempotency_key: str | None = None
    to: tuple[str, ...] = ()
    private: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A useful link in the user's library: their own post, a bookmark, or a CSV row.

    ``url`` is its identity (importing it again updates it); ``tags`` come from the
    bookmark folders or the CSV's ``tags`` column; ``origin`` says where it came from
    (``post``, ``bookmarks`` or ``csv``).

    **Usage**::

        >>> Link("https://kind.example/notes", "Leaving kind notes", tags=("kindness",)).origin
        'csv'
    """

    url: str
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    origin: str = "csv"
    added_at: datetime | None = None

    @property
    def words(self) -> str:
        """Title, description and tags as one text: what matching a question by its topic
        words reads (the composer's word match and the link judge)."""
        return f"{self.title} {self.description} {' '.join(self.tags)}"

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind links list --json``)."""
        return json_fields(self, "url title description tags origin added_at")


@dataclass(frozen=True, slots=True)
class Resource:
    """A safety resource shown with every crisis opportunity."""

    name: str
    contact: str
    url: str | None
    where: str


@dataclass(frozen=True, slots=True)
class StarAward:
    """One line of the gold-star ledger: who got how many stars, for what, why and when.

    ``opportunity_id`` (and the item's ``source``/``item_id``) is set when the stars came
    from a draft that was sent or marked done; stars awarded by hand may leave them empty.
    """

    person: str
    count: int
    reason: str = ""
    handle: str | None = None
    opportunity_id: str | None = None
    source: str | None = None
    item_id: str | None = None
    awarded_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind stars --ledger --json``)."""
        return json_fields(
            self, "person handle count reason opportunity_id source item_id awarded_at"
        )


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A moment for a kind act. ``item_ids`` are remote ids in ``source``.

    ``id`` is stable: the same items give the same id on every import, so the
    state the user chose (done, snoozed, dismissed) survives re-syncs.
    """

    id: str
    act: Act
    person: str
    source: str
    item_ids: tuple[str, ...]
    reason: str
    priority: Priority
    state: State = State.OPEN
    snooze_until: datetime | None = None
    is_idea: bool = False
    thread_key: str = ""
    url: str | None = None
    created_at: datetime | None = None
    resources: tuple[Resource, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind inbox --json``)."""
        return {
            **json_fields(self, "id act person source item_ids reason priority"),
            "priority_name": self.priority.name.lower(),
            **json_fields(self, "state snooze_until is_idea url"),
            "resources": [json_fields(r, "name contact url where") for r in self.resources],
        }


IDEA_STATUSES = ("published", "pending", "rejected")
"""An idea on the wall is shown (``published``), waits for the owner (``pending``), or not."""


@dataclass(frozen=True, slots=True)
class IdeaSubmission:
    """One submission to the ideas wall, as stored (exactly once, even when merged)."""

    id: int
    idea_id: int
    author: str
    text: str
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Idea:
    """An idea on the wall: its words, every author credited, and its stars.

    ``stars`` is one gold star per author plus one per visitor who starred it (``votes``).
    ``reason`` says why a ``pending`` idea waits for moderation.
    """

    id: int
    text: str
    status: str
    authors: tuple[str, ...]
    votes: int = 0
    reason: str = ""
    thanks: str = ""
    created_at: datetime | None = None
    author_urls: tuple[str, ...] = ()
    """A link back to each author's source item (``""`` for none), parallel to ``authors``."""

    @property
    def credits(self) -> list[tuple[str, str]]:
        """``(author, url)`` for every author; ``url`` is ``""`` when there is no link."""
        urls = list(self.author_urls) + [""] * (len(self.authors) - len(self.author_urls))
        return list(zip(self.authors, urls, strict=False))

    @property
    def stars(self) -> int:
        """Gold stars: one for each author, one for each visitor's star."""
        return len(self.authors) + self.votes

    @property
    def author(self) -> str:
        """Every author, as one credit line ("Ana and Ben")."""
        names = list(self.authors)
        if len(names) <= 2:
            return " and ".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``/api/ideas``)."""
        return {
            **json_fields(self, "id text author authors"),
            "credits": [{"name": name, "url": url or None} for name, url in self.credits],
            **json_fields(self, "stars votes thanks status created_at"),
        }
