"""The store interface: what the pipeline and the inbox need from a database.

:class:`cyberkind.store.sqlite.SQLiteStore` is the default;
:class:`cyberkind.store.postgres.PostgresStore` (``cyberkind[postgres]``) implements
the same :class:`Store` protocol for teams (docs/teams.md). Every method works on values
from :mod:`cyberkind.models`, never on rows or cursors of a driver.

The contract every backend keeps:

- An item's identity is ``(source, remote_id)``; writing it again updates it in
  place (an upsert), so re-imports and re-syncs never duplicate.
- Writes inside ``with store.transaction():`` commit together or not at all.
  The pipeline writes a batch of items, their opportunities and the source's
  cursor in one transaction, so a sync killed at any point resumes cleanly.
- An opportunity's ``state`` belongs to the user: re-deriving opportunities
  never reopens a ``done`` or ``dismissed`` one.
- No credentials: accounts keep secrets in the OS keyring or the environment.
- A claim is exclusive: of several members claiming one opportunity at once,
  exactly one holds it (the others are told who does).

**Usage**::

    from cyberkind.store import open_store

    with open_store("inbox.db") as store:
        with store.transaction():
            store.upsert_items(items, scores={})
            store.set_cursor("wordpress:kind.example", cursor)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, Self, runtime_checkable

from ..models import (
    Account,
    Feed,
    Idea,
    IdeaSubmission,
    Item,
    Link,
    Opportunity,
    StarAward,
    State,
    json_fields,
)

__all__ = [
    "MEMBER_ROLES",
    "LinkMatch",
    "Member",
    "OutboxEntry",
    "Store",
    "StoredItem",
    "UpsertCounts",
]


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as stored, with the engine's scores (``None`` when it was not scored)."""

    item: Item
    scores: Mapping[str, float] | None


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many items a write added, changed, or found unchanged."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class LinkMatch:
    """A link found by a full-text search: its bm25 ``score`` (higher is better) and the
    words of the link that matched (``matched``, as written in the link) and its ``tags``
    that matched."""

    link: Link
    score: float
    matched: tuple[str, ...] = ()
    matched_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One send in the outbox: recorded ``pending`` before posting, ``sent`` with the remote id.

    ``key`` is the send's idempotency key; ``attempts`` counts the tries to post it.
    """

    key: str
    opportunity_id: str
    source: str
    parent_remote_id: str
    state: str
    remote_id: str | None
    attempts: int
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind send --json``)."""
        return json_fields(
            self, "key opportunity_id source parent_remote_id state remote_id attempts"
        )


MEMBER_ROLES = ("owner", "member")
"""A team member's roles: owners also manage settings, moderation and members."""


@dataclass(frozen=True, slots=True)
class Member:
    """A team member with their own web login (docs/teams.md).

    ``password_hash`` is an argon2id hash (never the password), or ``None`` for a member
    who only works from the command line. It is left out of :meth:`to_json` and ``repr``.
    """

    name: str
    display_name: str
    role: str
    password_hash: str | None = field(default=None, repr=False)
    created_at: datetime | None = None
    disabled: bool = False

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (``cyberkind team members --json``): no hash."""
        return {
            **json_fields(self, "name display_name role"),
            "has_password": self.password_hash is not None,
            **json_fields(self, "created_at disabled"),
        }


@runtime_checkable
class Store(Protocol):
    """What a backend implements. See the module docstring for the contract."""

    def transaction(self) -> AbstractContextManager[None]:
        """A context in which every write commits together (nested: joins the outer one)."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A context whose reads all see one consistent snapshot; no writes inside."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def describe(self) -> str:
        """Where the store is, for messages (``sqlite:///path``, a redacted URL)."""
        ...

    def __enter__(self) -> Self:
        """``with store:`` closes the store at the end."""
        ...

    def __exit__(self, *exc_info: object) -> None: ...

    def item_hashes(self, source: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """``{remote_id: content_hash}`` of the given items that are already stored."""
        ...

    def upsert_items(
        self, items: Sequence[Item], scores: Mapping[str, Mapping[str, float]]
    ) -> UpsertCounts:
        """Insert or update items; ``scores`` by remote id (kept when absent for an item)."""
        ...

    def items(
        self,
        source: str | None = None,
        *,
        thread_key: str | None = None,
        remote_ids: Iterable[str] | None = None,
    ) -> list[StoredItem]:
        """Stored items, filtered, in a stable order (created_at, then remote id)."""
        ...

    def items_by(
        self,
        source: str,
        column: str,
        values: Iterable[str],
        *,
        kinds: Iterable[str] | None = None,
    ) -> list[StoredItem]:
        """``source``'s items whose ``column`` (``remote_id``, ``thread_key`` or
        ``parent_remote_id``) is one of ``values``, optionally of ``kinds``; one query."""
        ...

    def answered(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """Those of ``remote_ids`` that have a direct reply written by the user."""
        ...

    def thread_keys(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """The thread keys of the given stored items."""
        ...

    def own_items_fingerprint(self) -> tuple[Any, ...]:
        """A cheap value that changes when the user's own items are added or changed."""
        ...

    def get_cursor(self, source: str) -> str | None:
        """The source's cursor, or ``None`` before its first sync."""
        ...

    def set_cursor(self, source: str, cursor: str) -> None:
        """Record where the source's next fetch starts."""
        ...

    def cursors(self) -> dict[str, str]:
        """Every source's cursor."""
        ...

    def add_feed(self, url: str, *, comments: bool = False) -> bool:
        """Follow a feed (or change its ``comments`` flag); ``True`` if it was new."""
        ...

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; ``True`` if it was followed. Its items stay."""
        ...

    def feeds(self) -> list[Feed]:
        """The followed feeds, by URL."""
        ...

    def add_account(self, account: Account) -> bool:
        """Connect an account (or update its url, handle and options); ``True`` if new."""
        ...

    def remove_account(self, name: str) -> bool:
        """Forget an account; ``True`` if it existed. Its items and cursor stay."""
        ...

    def accounts(self) -> list[Account]:
        """The connected accounts, by name."""
        ...

    def get_account(self, name: str) -> Account:
        """The account called ``name``; raise NotFoundError."""
        ...

    def save_thread_opportunities(
        self, source: str, thread_key: str, opportunities: Sequence[Opportunity]
    ) -> None:
        """Replace the derived opportunities of one thread, keeping the user's states."""
        ...

    def save_derived(
        self,
        source: str,
        derived: Mapping[str, Sequence[Opportunity]],
        scopes: Mapping[str, Collection[str]] | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        """Save many threads' derived opportunities at once; ``scopes`` limits what is replaced
        to the opportunities of the items derived again (``candidates``: their possible ids)."""
        ...

    def opportunities(
        self,
        *,
        acts: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        states: Iterable[State] | None = None,
        thread_key: str | None = None,
    ) -> list[Opportunity]:
        """Stored opportunities, by priority then age."""
        ...

    def thread_opportunities(
        self, source: str, thread_keys: Iterable[str], *, acts: Iterable[str] | None = None
    ) -> list[Opportunity]:
        """The stored opportunities of these threads of ``source`` (of ``acts``), one query."""
        ...

    def get_opportunity(self, id_or_prefix: str) -> Opportunity:
        """The opportunity with this id (or unique id prefix); raise NotFoundError."""
        ...

    def set_state(
        self, opportunity_id: str, state: State, snooze_until: datetime | None = None
    ) -> Opportunity:
        """Move an opportunity to ``state``; return it updated."""
        ...

    def wake_snoozed(self, now: datetime) -> int:
        """Reopen snoozed opportunities whose time has come; return how many."""
        ...

    def save_draft(self, opportunity_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the latest draft of an opportunity (a JSON-serialisable mapping)."""
        ...

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The latest saved draft of an opportunity, or ``None``."""
        ...

    def award_stars(self, award: StarAward) -> bool:
        """Add a line to the gold-star ledger; ``False`` when a draft's stars were already in."""
        ...

    def star_awards(self, person: str | None = None) -> list[StarAward]:
        """The ledger, oldest first, optionally for one person."""
        ...

    def upsert_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Insert or update links by URL, with their full-text index, in one transaction."""
        ...

    def links(self, origin: str | None = None) -> list[Link]:
        """The link library (optionally one origin: post, bookmarks, csv), by title."""
        ...

    def remove_link(self, url: str) -> bool:
        """Remove a link (and its index entry); ``True`` if it was there."""
        ...

    def search_links(self, terms: Sequence[str], limit: int = 10) -> list[LinkMatch]:
        """Links matching any of ``terms`` (words), best bm25 first, with what matched."""
        ...

    def outbox_begin(
        self, key: str, opportunity_id: str, source: str, parent_remote_id: str
    ) -> OutboxEntry:
        """Record an attempt to post ``key`` (``pending`` if new; counts the attempt); return it."""
        ...

    def outbox_sent(self, key: str, remote_id: str) -> OutboxEntry:
        """Mark the send ``key`` as posted, with the platform's id of the new item."""
        ...

    def outbox(self, opportunity_id: str | None = None) -> list[OutboxEntry]:
        """The outbox, oldest first, optionally for one opportunity."""
        ...

    # -- the ideas wall (cyberkind.wall) ----------------------------------------------------

    def ideas(self, statuses: Iterable[str] | None = ("published",)) -> list[Idea]:
        """Ideas with these statuses (``None``: all), newest first."""
        ...

    def idea_texts(
        self,
        statuses: Iterable[str] = ("published", "pending"),
        *,
        after: int = 0,
        ids: Iterable[int] | None = None,
    ) -> list[tuple[int, str]]:
        """``(id, text)`` of the ideas with these statuses, oldest first; only ids over
        ``after``, and only among ``ids`` when given."""
        ...

    def get_idea(self, idea_id: int) -> Idea:
        """One idea by id; raise NotFoundError."""
        ...

    def add_idea(
        self,
        text: str,
        author: str,
        *,
        status: str = "published",
        reason: str = "",
        thanks: str = "",
        client: str = "",
        nonce: str | None = None,
        when: datetime | None = None,
        url: str | None = None,
    ) -> IdeaSubmission:
        """Store a new idea with its first submission."""
        ...

    def add_idea_submission(
        self,
        idea_id: int,
        author: str,
        text: str,
        *,
        client: str = "",
        nonce: str | None = None,
        when: datetime | None = None,
        url: str | None = None,
    ) -> IdeaSubmission:
        """Record a submission merged into an existing idea (its author is credited)."""
        ...

    def submission_by_nonce(self, nonce: str) -> IdeaSubmission | None:
        """The submission a form post with this nonce made, if any."""
        ...

    def idea_submissions(self, idea_id: int | None = None) -> list[IdeaSubmission]:
        """Every stored submission (of one idea), oldest first."""
        ...

    def count_submissions(self, client: str, since: datetime) -> int:
        """How many submissions this client made since ``since``."""
        ...

    def set_idea_status(self, idea_id: int, status: str, reason: str | None = None) -> Idea:
        """Publish, hold or reject an idea; return it updated."""
        ...

    def star_idea(self, idea_id: int, voter: str) -> bool:
        """Add a visitor's star; ``False`` when this visitor already starred the idea."""
        ...

    def get_config(self, key: str) -> str | None:
        """A web setting (or the owner's password hash), or ``None``."""
        ...

    def set_config(self, key: str, value: str | None) -> None:
        """Set (or, with ``None``, remove) a web setting."""
        ...

    # -- team mode: claims and shared settings ----------------------------------------------

    def claim(self, opportunity_id: str, member: str) -> str:
        """Claim an opportunity for ``member`` unless someone holds it; return the holder."""
        ...

    def release(self, opportunity_id: str, member: str | None = None) -> bool:
        """Drop the claim on an opportunity (only ``member``'s, if given); ``True`` if dropped."""
        ...

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        ...

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity_id: member}``."""
        ...

    def team_setting(self, key: str) -> str | None:
        """A value the team shares (e.g. ``policy``), or ``None``."""
        ...

    def set_team_setting(self, key: str, value: str | None, member: str | None = None) -> None:
        """Set (or, with ``None``, remove) a value the team shares."""
        ...

    # -- team members (m010) -----------------------------------------------------------------

    def members(self) -> list[Member]:
        """Every team member, by name (disabled ones included)."""
        ...

    def get_member(self, name: str) -> Member | None:
        """The member called ``name``, or ``None``."""
        ...

    def add_member(self, member: Member) -> Member:
        """Add a member; a :class:`~cyberkind.errors.StoreError` if the name is taken."""
        ...

    def update_member(
        self,
        name: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Member:
        """Change a member's password hash, role or disabled flag; return it updated."""
        ...

    def remove_member(self, name: str) -> bool:
        """Remove a member (their claims stay); ``True`` if there was one."""
        ...
