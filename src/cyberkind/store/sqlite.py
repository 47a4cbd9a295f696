"""The default store: one SQLite file in WAL mode, with foreign keys on.

The file lives in the user's data folder (platformdirs) unless the ``db``
setting, ``--db PATH`` or ``CYBERKIND_DB`` names another. Opening a store runs
any pending :mod:`migrations <cyberkind.store.migrations>`.

**Usage**::

    >>> from cyberkind.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(":memory:")
    >>> store.cursors()
    {}
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, StoreError
from ..models import (
    CLOSED_STATES,
    Account,
    Act,
    Author,
    Feed,
    Item,
    ItemKind,
    Link,
    Opportunity,
    Priority,
    StarAward,
    State,
)
from ._members import MemberTables
from ._wall import WallTables
from .base import LinkMatch, OutboxEntry, StoredItem, UpsertCounts
from .migrations import migrate

__all__ = ["SQLiteStore", "content_hash", "default_db_path"]

_MIN_PREFIX = 4
# A row by column name: sqlite3.Row here, a dict from the PostgreSQL store.
Row = Any


def default_db_path() -> Path:
    """``inbox.db`` in the user's data folder (e.g. ``~/.local/share/cyberkind``)."""
    import platformdirs

    return platformdirs.user_data_path("cyberkind") / "inbox.db"


def to_iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 text for the database (naive datetimes are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def content_hash(item: Item) -> str:
    """A hash of everything an import can change about an item (not its identity)."""
    payload = json.dumps(
        [
            item.kind.value,
            item.author.handle,
            item.author.name,
            item.author.url,
            item.text,
            item.url,
            item.parent_remote_id,
            item.thread_id,
            to_iso(item.created_at),
            item.is_own,
            dict(item.raw),
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SQLiteStore(WallTables, MemberTables):
    """The :class:`~cyberkind.store.base.Store` protocol on one SQLite file.

    ``path`` may be ``":memory:"`` (tests). The parent folder is created. The ideas wall's
    methods come from :class:`~cyberkind.store._wall.WallTables`.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = path
        if str(path) != ":memory:":
            target = Path(path).expanduser()
            if target.is_dir():
                raise StoreError(
                    f"{target} is a folder, not a database file. You can fix this by passing "
                    f"a file path, e.g. --db {target / 'inbox.db'}."
                )
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder for the store {target} ({exc.strerror}). You can "
                    "fix this by passing --db with a writable path, or setting CYBERKIND_DB."
                ) from exc
            self.path = target
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a batch is one transaction.
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the store {self.path} ({exc}). You can fix this by passing --db "
                "with the path of a cyberkind store, or of a new file."
            ) from exc
        self._depth = 0

    # -- connection and transactions --------------------------------------------------------

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit everything inside together; roll back on any exception. Nests."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run raw SQL and return every row (for tests and debugging)."""
        return list(self._conn.execute(sql, params))

    # -- items ------------------------------------------------------------------------------

    def item_hashes(self, source: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """``{remote_id: content_hash}`` of the given items that are already stored."""
        rows = self._select_in(
            "SELECT remote_id, content_hash FROM items WHERE source = ? AND remote_id IN ({})",
            (source,),
            remote_ids,
        )
        return {r["remote_id"]: r["content_hash"] for r in rows}

    def upsert_items(
        self, items: Sequence[Item], scores: Mapping[str, Mapping[str, float]]
    ) -> UpsertCounts:
        """Insert or update items by ``(source, remote_id)``; never duplicates."""
        new = updated = unchanged = 0
        with self.transaction():
            for item in items:
                digest = content_hash(item)
                row = self._conn.execute(
                    "SELECT content_hash FROM items WHERE source = ? AND remote_id = ?",
                    item.key,
                ).fetchone()
                item_scores = scores.get(item.remote_id)
                if row is not None and row["content_hash"] == digest and item_scores is None:
                    unchanged += 1
                    continue
                new, updated = (new + 1, updated) if row is None else (new, updated + 1)
                self._conn.execute(
                    """
                    INSERT INTO items (source, remote_id, kind, author_handle, author_name,
                        author_url, text, url, parent_remote_id, thread_key, thread_id,
                        created_at, is_own, raw, content_hash, scores)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source, remote_id) DO UPDATE SET
                        kind = excluded.kind, author_handle = excluded.author_handle,
                        author_name = excluded.author_name, author_url = excluded.author_url,
                        text = excluded.text, url = excluded.url,
                        parent_remote_id = excluded.parent_remote_id,
                        thread_key = excluded.thread_key, thread_id = excluded.thread_id,
                        created_at = excluded.created_at, is_own = excluded.is_own,
                        raw = excluded.raw, content_hash = excluded.content_hash,
                        scores = COALESCE(excluded.scores, items.scores)
                    """,
                    (
                        item.source,
                        item.remote_id,
                        item.kind.value,
                        item.author.handle,
                        item.author.name,
                        item.author.url,
                        item.text,
                        item.url,
                        item.parent_remote_id,
                        item.thread_key,
                        item.thread_id,
                        to_iso(item.created_at),
                        int(item.is_own),
                        json.dumps(dict(item.raw), sort_keys=True, default=str),
                        digest,
                        json.dumps(dict(item_scores), sort_keys=True) if item_scores else None,
                    ),
                )
        return UpsertCounts(new, updated, unchanged)

    def items(
        self,
        source: str | None = None,
        *,
        thread_key: str | None = None,
        remote_ids: Iterable[str] | None = None,
    ) -> list[StoredItem]:
        """Stored items, filtered, ordered by creation time then remote id."""
        where, params = [], []
        if source is not None:
            where.append("source = ?")
            params.append(source)
        if thread_key is not None:
            where.append("thread_key = ?")
            params.append(thread_key)
        ids = None if remote_ids is None else list(remote_ids)
        if ids is not None:
            if not ids:
                return []
            where.append(f"remote_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = "SELECT * FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY source, created_at IS NULL, created_at, remote_id"
        return [_stored_item(row) for row in self._conn.execute(sql, params)]

    def answered(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """Those of ``remote_ids`` with a direct reply written by the user."""
        rows = self._select_in(
            "SELECT DISTINCT parent_remote_id FROM items WHERE source = ? AND is_own = 1 "
            "AND parent_remote_id IN ({})",
            (source,),
            remote_ids,
        )
        return {r[0] for r in rows}

    def thread_keys(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """The thread keys of the given stored items."""
        rows = self._select_in(
            "SELECT DISTINCT thread_key FROM items WHERE source = ? AND remote_id IN ({})",
            (source,),
            remote_ids,
        )
        return {r[0] for r in rows}

    # -- cursors ----------------------------------------------------------------------------

    def get_cursor(self, source: str) -> str | None:
        """The source's cursor, or ``None`` before its first sync."""
        sql = "SELECT cursor FROM cursors WHERE source = ?"
        row = self._conn.execute(sql, (source,)).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, source: str, cursor: str) -> None:
        """Record where the source's next fetch starts."""
        self._conn.execute(
            "INSERT INTO cursors (source, cursor, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (source, cursor, to_iso(datetime.now(UTC))),
        )

    def cursors(self) -> dict[str, str]:
        """Every source's cursor."""
        rows = self._conn.execute("SELECT source, cursor FROM cursors ORDER BY source")
        return {r[0]: r[1] for r in rows}

    # -- opportunities ----------------------------------------------------------------------

    # -- followed feeds ---------------------------------------------------------------------

    def add_feed(self, url: str, *, comments: bool = False) -> bool:
        """Follow a feed (or change its ``comments`` flag); ``True`` if it was new."""
        with self.transaction():
            known = self._conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone()
            self._conn.execute(
                "INSERT INTO feeds (url, comments, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET comments = excluded.comments",
                (url, int(comments), to_iso(datetime.now(UTC))),
            )
        return known is None

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; ``True`` if it was followed. Its items stay."""
        with self.transaction():
            cursor = self._conn.execute("DELETE FROM feeds WHERE url = ?", (url,))
        return cursor.rowcount > 0

    def feeds(self) -> list[Feed]:
        """The followed feeds, by URL."""
        rows = self._conn.execute("SELECT url, comments FROM feeds ORDER BY url").fetchall()
        return [Feed(row["url"], bool(row["comments"])) for row in rows]

    def add_account(self, account: Account) -> bool:
        """Connect an account (or update its url, handle and options); ``True`` if new."""
        with self.transaction():
            known = self._conn.execute(
                "SELECT 1 FROM accounts WHERE name = ?", (account.name,)
            ).fetchone()
            if known is not None:
                stored = self.get_account(account.name)
                if stored.platform != account.platform:
                    raise StoreError(
                        f"the account {account.name!r} is already a {stored.platform} account. "
                        "You can fix this by choosing another name, or removing it first with "
                        f"`cyberkind accounts remove {account.name}`."
                    )
            self._conn.execute(
                "INSERT INTO accounts (name, platform, url, handle, options, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET url = excluded.url, "
                "handle = excluded.handle, options = excluded.options",
                (
                    account.name,
                    account.platform,
                    account.url,
                    account.handle,
                    json.dumps(dict(account.options), sort_keys=True),
                    to_iso(datetime.now(UTC)),
                ),
            )
        return known is None

    def remove_account(self, name: str) -> bool:
        """Forget an account; ``True`` if it existed. Its items and cursor stay."""
        with self.transaction():
            cursor = self._conn.execute("DELETE FROM accounts WHERE name = ?", (name,))
        return cursor.rowcount > 0

    def accounts(self) -> list[Account]:
        """The connected accounts, by name."""
        rows = self._conn.execute(
            "SELECT name, platform, url, handle, options FROM accounts ORDER BY name"
        ).fetchall()
        return [_account(row) for row in rows]

    def get_account(self, name: str) -> Account:
        """The account called ``name``; raise NotFoundError."""
        row = self._conn.execute(
            "SELECT name, platform, url, handle, options FROM accounts WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no account is called {name!r}. You can fix this by choosing one from "
                "`cyberkind accounts list`."
            )
        return _account(row)

    def save_thread_opportunities(
        self, source: str, thread_key: str, opportunities: Sequence[Opportunity]
    ) -> None:
        """Replace one thread's derived opportunities, keeping what the user decided.

        New ones open; existing ones get fresh reasons and items unless done or
        dismissed. One that no longer applies (say, the user answered the
        comment) disappears while still open, and counts as done if the user
        had drafted or snoozed it.
        """
        with self.transaction():
            rows = self._conn.execute(
                "SELECT id, state, item_ids FROM opportunities WHERE source = ? AND thread_key = ?",
                (source, thread_key),
            ).fetchall()
            existing = {r["id"]: State(r["state"]) for r in rows}
            linked = {r["id"]: tuple(json.loads(r["item_ids"])) for r in rows}
            for opp in opportunities:
                state = existing.get(opp.id)
                if state in CLOSED_STATES:
                    continue
                values = (
                    opp.act.value,
                    opp.person,
                    json.dumps(list(opp.item_ids)),
                    opp.reason,
                    int(opp.priority),
                    int(opp.is_idea),
                    opp.url,
                    to_iso(opp.created_at),
                )
                if state is None:
                    self._conn.execute(
                        "INSERT INTO opportunities (act, person, item_ids, reason, priority, "
                        "is_idea, url, created_at, id, source, thread_key) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, opp.id, source, thread_key),
                    )
                else:
                    self._conn.execute(
                        "UPDATE opportunities SET act = ?, person = ?, item_ids = ?, reason = ?, "
                        "priority = ?, is_idea = ?, url = ?, created_at = ? WHERE id = ?",
                        (*values, opp.id),
                    )
                if linked.get(opp.id) != opp.item_ids:
                    self._link_items(opp)
            derived = {opp.id for opp in opportunities}
            for opp_id, state in existing.items():
                if opp_id in derived or state in CLOSED_STATES:
                    continue
                if state is State.OPEN:
                    self._conn.execute("DELETE FROM opportunities WHERE id = ?", (opp_id,))
                else:
                    self._conn.execute(
                        "UPDATE opportunities SET state = 'done', snooze_until = NULL WHERE id = ?",
                        (opp_id,),
                    )

    def _select_in(
        self, sql: str, params: tuple[str, ...], values: Iterable[str]
    ) -> list[sqlite3.Row]:
        """Run ``sql`` with its ``{}`` filled by as many ``?`` as ``values``, in chunks.

        SQLite caps the parameters of one statement, so long lists run as several
        statements; the rows of all of them are returned together.
        """
        rows: list[sqlite3.Row] = []
        for chunk in _chunks(list(values)):
            marks = ",".join("?" * len(chunk))
            rows.extend(self._conn.execute(sql.format(marks), (*params, *chunk)))
        return rows

    def _link_items(self, opp: Opportunity) -> None:
        self._conn.execute("DELETE FROM opportunity_items WHERE opportunity_id = ?", (opp.id,))
        self._select_in(
            "INSERT INTO opportunity_items (opportunity_id, item_id) SELECT ?, id FROM items "
            "WHERE source = ? AND remote_id IN ({})",
            (opp.id, opp.source),
            opp.item_ids,
        )

    def opportunities(
        self,
        *,
        acts: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        states: Iterable[State] | None = None,
        thread_key: str | None = None,
    ) -> list[Opportunity]:
        """Stored opportunities, most urgent first, then oldest first."""
        where: list[str] = []
        params: list[Any] = []
        for column, values in (("act", acts), ("source", sources), ("state", states)):
            if values is not None:
                chosen = [str(v) for v in values]
                where.append(f"{column} IN ({','.join('?' * len(chosen))})" if chosen else "0")
                params.extend(chosen)
        if thread_key is not None:
            where.append("thread_key = ?")
            params.append(thread_key)
        sql = "SELECT * FROM opportunities"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Undated items keep the order they were imported in (their first item's row id).
        sql += (
            " ORDER BY priority, created_at IS NULL, created_at, (SELECT MIN(item_id) FROM "
            "opportunity_items WHERE opportunity_id = opportunities.id), id"
        )
        return [_opportunity(row) for row in self._conn.execute(sql, params)]

    def get_opportunity(self, id_or_prefix: str) -> Opportunity:
        """The opportunity with this id, or with this unique prefix (4 characters or more)."""
        wanted = id_or_prefix.strip().lower()
        rows = self._conn.execute("SELECT * FROM opportunities WHERE id = ?", (wanted,)).fetchall()
        if not rows and len(wanted) >= _MIN_PREFIX and wanted.isalnum():
            rows = self._conn.execute(
                "SELECT * FROM opportunities WHERE id LIKE ? LIMIT 2", (wanted + "%",)
            ).fetchall()
        if len(rows) > 1:
            raise NotFoundError(
                f"more than one opportunity has an id starting with {wanted!r}. You can fix "
                "this by giving more of the id, as listed by `cyberkind inbox`."
            )
        if not rows:
            raise NotFoundError(
                f"no opportunity has the id {id_or_prefix!r}. You can fix this by copying an "
                "id from `cyberkind inbox --state all`."
            )
        return _opportunity(rows[0])

    def set_state(
        self, opportunity_id: str, state: State, snooze_until: datetime | None = None
    ) -> Opportunity:
        """Move an opportunity to ``state`` (``snooze_until`` only with ``snoozed``)."""
        if (state is State.SNOOZED) != (snooze_until is not None):
            raise StoreError(
                "a snoozed opportunity needs a time to wake, and only a snoozed one. "
                "You can fix this by passing --until or --for with snooze."
            )
        opp = self.get_opportunity(opportunity_id)
        with self.transaction():
            self._conn.execute(
                "UPDATE opportunities SET state = ?, snooze_until = ? WHERE id = ?",
                (state.value, to_iso(snooze_until), opp.id),
            )
        return self.get_opportunity(opp.id)

    def wake_snoozed(self, now: datetime) -> int:
        """Reopen snoozed opportunities whose time has come; return how many."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE opportunities SET state = 'open', snooze_until = NULL "
                "WHERE state = 'snoozed' AND snooze_until <= ?",
                (to_iso(now),),
            )
        return cursor.rowcount

    # -- drafts and the gold-star ledger ------------------------------------------------------

    def save_draft(self, opportunity_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the latest draft of an opportunity (a JSON-serialisable mapping)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO drafts (opportunity_id, payload, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (opportunity_id) DO UPDATE SET payload = excluded.payload, "
                "created_at = excluded.created_at",
                (opportunity_id, json.dumps(dict(payload)), to_iso(datetime.now(UTC))),
            )

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The latest saved draft of an opportunity, or ``None``."""
        row = self._conn.execute(
            "SELECT payload FROM drafts WHERE opportunity_id = ?", (opportunity_id,)
        ).fetchone()
        if row is None:
            return None
        payload: dict[str, Any] = json.loads(row["payload"])
        return payload

    def award_stars(self, award: StarAward) -> bool:
        """Add a line to the gold-star ledger; ``False`` when a draft's stars were already in."""
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO stars (person, handle, count, reason, opportunity_id, "
                "source, item_id, awarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    award.person,
                    award.handle,
                    award.count,
                    award.reason,
                    award.opportunity_id,
                    award.source,
                    award.item_id,
                    to_iso(award.awarded_at or datetime.now(UTC)),
                ),
            )
        return cursor.rowcount > 0

    def star_awards(self, person: str | None = None) -> list[StarAward]:
        """The ledger, oldest first, optionally for one person."""
        sql = "SELECT * FROM stars"
        params: list[Any] = []
        if person is not None:
            sql += " WHERE person = ?"
            params.append(person)
        rows = self._conn.execute(sql + " ORDER BY awarded_at, id", params)
        return [
            StarAward(
                person=row["person"],
                count=row["count"],
                reason=row["reason"],
                handle=row["handle"],
                opportunity_id=row["opportunity_id"],
                source=row["source"],
                item_id=row["item_id"],
                awarded_at=from_iso(row["awarded_at"]),
            )
            for row in rows
        ]

    # -- the outbox ---------------------------------------------------------------------------

    def outbox_begin(
        self, key: str, opportunity_id: str, source: str, parent_remote_id: str
    ) -> OutboxEntry:
        """Record an attempt to post ``key`` (``pending`` if new; counts the attempt); return it."""
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            self._conn.execute(
                "INSERT INTO outbox (key, opportunity_id, source, parent_remote_id, state, "
                "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                (key, opportunity_id, source, parent_remote_id, now, now),
            )
            self._conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ? "
                "WHERE key = ? AND state = 'pending'",
                (now, key),
            )
        return self._outbox_entry(key)

    def outbox_sent(self, key: str, remote_id: str) -> OutboxEntry:
        """Mark the send ``key`` as posted, with the platform's id of the new item."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE outbox SET state = 'sent', remote_id = ?, updated_at = ? WHERE key = ?",
                (remote_id, to_iso(datetime.now(UTC)), key),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(
                    f"no send with the key {key!r} is in the outbox. You can fix this by "
                    "recording it with outbox_begin() before posting."
                )
        return self._outbox_entry(key)

    def outbox(self, opportunity_id: str | None = None) -> list[OutboxEntry]:
        """The outbox, oldest first, optionally for one opportunity."""
        sql = "SELECT * FROM outbox"
        params: list[Any] = []
        if opportunity_id is not None:
            sql += " WHERE opportunity_id = ?"
            params.append(opportunity_id)
        rows = self._conn.execute(sql + " ORDER BY created_at, key", params)
        return [_outbox_entry(row) for row in rows]

    def _outbox_entry(self, key: str) -> OutboxEntry:
        row = self._conn.execute("SELECT * FROM outbox WHERE key = ?", (key,)).fetchone()
        return _outbox_entry(row)

    # -- team mode: claims and shared settings ------------------------------------------------

    def claim(self, opportunity_id: str, member: str) -> str:
        """Claim an opportunity for ``member`` unless someone holds it; return the holder.

        ``BEGIN IMMEDIATE`` serialises writers, and the claim is the table's primary
        key, so of several members claiming at once exactly one wins.
        """
        with self.transaction():
            opp = self.get_opportunity(opportunity_id)
            _check_claimable(opp, member)
            self._conn.execute(
                "INSERT INTO claims (opportunity_id, member, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (opportunity_id) DO NOTHING",
                (opp.id, member, to_iso(datetime.now(UTC))),
            )
            holder = self.claim_holder(opp.id)
        assert holder is not None
        return holder

    def release(self, opportunity_id: str, member: str | None = None) -> bool:
        """Drop the claim on an opportunity (only ``member``'s, if given); ``True`` if dropped."""
        opp = self.get_opportunity(opportunity_id)
        sql, params = "DELETE FROM claims WHERE opportunity_id = ?", [opp.id]
        if member is not None:
            sql += " AND member = ?"
            params.append(member)
        with self.transaction():
            cursor = self._conn.execute(sql, params)
        return cursor.rowcount > 0

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        row = self._conn.execute(
            "SELECT member FROM claims WHERE opportunity_id = ?", (opportunity_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity_id: member}``."""
        rows = self._conn.execute("SELECT opportunity_id, member FROM claims ORDER BY 1")
        return {r[0]: r[1] for r in rows}

    def team_setting(self, key: str) -> str | None:
        """A value the team shares (e.g. ``policy``), or ``None``."""
        row = self._conn.execute("SELECT value FROM team_settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_team_setting(self, key: str, value: str | None, member: str | None = None) -> None:
        """Set (or, with ``None``, remove) a value the team shares."""
        with self.transaction():
            if value is None:
                self._conn.execute("DELETE FROM team_settings WHERE key = ?", (key,))
                return
            self._conn.execute(
                "INSERT INTO team_settings (key, value, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (key, value, member, to_iso(datetime.now(UTC))),
            )

    # -- copying between stores (cyberkind db copy) ------------------------------------------

    def dump_rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table`` (``columns`` in order), for :mod:`cyberkind.store.transfer`."""
        cursor = self._conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
        while batch := cursor.fetchmany(1000):
            yield from (tuple(row) for row in batch)

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows as they are (ids included), inside the caller's transaction."""
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        with self.transaction():
            self._conn.executemany(sql, rows)

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(row.fetchone()[0])

    def describe(self) -> str:
        """Where the store is, for messages (``sqlite:///path``)."""
        return f"sqlite:///{self.path}"

    # -- the link library ---------------------------------------------------------------------

    def upsert_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Insert or update links by URL; the FTS5 index follows through triggers."""
        new = updated = unchanged = 0
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            for link in links:
                values = (link.title, link.description, " ".join(link.tags), link.origin)
                row = self._conn.execute(
                    "SELECT title, description, tags, origin FROM links WHERE url = ?",
                    (link.url,),
                ).fetchone()
                if row is None:
                    new += 1
                    self._conn.execute(
                        "INSERT INTO links (title, description, tags, origin, url, added_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (*values, link.url, to_iso(link.added_at) or now),
                    )
                elif tuple(row) == values:
                    unchanged += 1
                else:
                    updated += 1
                    self._conn.execute(
                        "UPDATE links SET title = ?, description = ?, tags = ?, origin = ? "
                        "WHERE url = ?",
                        (*values, link.url),
                    )
        return UpsertCounts(new, updated, unchanged)

    def links(self, origin: str | None = None) -> list[Link]:
        """The link library (optionally one origin), by title then URL."""
        sql = "SELECT * FROM links"
        params: list[Any] = []
        if origin is not None:
            sql += " WHERE origin = ?"
            params.append(origin)
        rows = self._conn.execute(sql + " ORDER BY lower(title), url", params)
        return [_link(row) for row in rows]

    def remove_link(self, url: str) -> bool:
        """Remove a link (its index entry goes with it); ``True`` if it was there."""
        with self.transaction():
            cursor = self._conn.execute("DELETE FROM links WHERE url = ?", (url,))
        return cursor.rowcount > 0

    def search_links(self, terms: Sequence[str], limit: int = 10) -> list[LinkMatch]:
        """Links matching any of ``terms``, best bm25 first (title weighs most, then tags)."""
        words = [w for w in dict.fromkeys(t.strip().lower() for t in terms) if w]
        if not words or limit <= 0:
            return []
        # Each word is quoted, so FTS5 syntax in a message (AND, NEAR, *, ") stays text.
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self._conn.execute(
            "SELECT links.*, bm25(links_fts, 5.0, 1.0, 3.0) AS rank, "
            "highlight(links_fts, 0, char(2), char(3)) AS h0, "
            "highlight(links_fts, 1, char(2), char(3)) AS h1, "
            "highlight(links_fts, 2, char(2), char(3)) AS h2 "
            "FROM links_fts JOIN links ON links.id = links_fts.rowid "
            "WHERE links_fts MATCH ? ORDER BY rank, links.id LIMIT ?",
            (query, limit),
        ).fetchall()
        found: list[LinkMatch] = []
        for row in rows:
            hits = [h for col in ("h0", "h1", "h2") for h in _HIGHLIGHT.findall(row[col] or "")]
            # One word per stem: "routine" and "routines" matched the same query word.
            stems: dict[str, str] = {}
            for hit in hits:
                stems.setdefault(_stem(hit.lower()), hit.lower())
            matched = tuple(stems.values())
            # A tag such as "mental-health" is indexed as two words; name the whole tag.
            in_tags = {h.lower() for h in _HIGHLIGHT.findall(row["h2"] or "")}
            link = _link(row)
            tags = tuple(t for t in link.tags if in_tags & set(re.split(r"[\W_]+", t.lower())))
            found.append(LinkMatch(link, -float(row["rank"]), matched, tags))
        return found


def _check_claimable(opp: Opportunity, member: str) -> None:
    """Refuse an empty member name, and claims on opportunities that are closed."""
    if not member.strip():
        raise StoreError(
            "a claim needs the member's name. You can fix this by passing --as NAME, or "
            "setting CYBERKIND_USER."
        )
    if opp.state in CLOSED_STATES:
        raise StoreError(
            f"the opportunity {opp.id} is {opp.state.value}, so there is nothing to claim. "
            "You can fix this by choosing an open one from `cyberkind inbox --unclaimed`."
        )


def _stem(word: str) -> str:
    """A rough stem, only to name each matched word once (FTS5's porter did the matching)."""
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_HIGHLIGHT = re.compile("\x02(.*?)\x03", re.DOTALL)


def _link(row: Row) -> Link:
    return Link(
        url=row["url"],
        title=row["title"],
        description=row["description"],
        tags=tuple(row["tags"].split()),
        origin=row["origin"],
        added_at=from_iso(row["added_at"]),
    )


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    # SQLite caps the number of ? parameters in one statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _stored_item(row: Row) -> StoredItem:
    item = Item(
        source=row["source"],
        remote_id=row["remote_id"],
        kind=ItemKind(row["kind"]),
        author=Author(row["author_handle"], row["author_name"], row["author_url"]),
        text=row["text"],
        url=row["url"],
        parent_remote_id=row["parent_remote_id"],
        thread_id=row["thread_id"],
        created_at=from_iso(row["created_at"]),
        is_own=bool(row["is_own"]),
        raw=json.loads(row["raw"]),
    )
    scores = json.loads(row["scores"]) if row["scores"] else None
    return StoredItem(item, scores)


def _opportunity(row: Row) -> Opportunity:
    return Opportunity(
        id=row["id"],
        act=Act(row["act"]),
        person=row["person"],
        source=row["source"],
        item_ids=tuple(json.loads(row["item_ids"])),
        reason=row["reason"],
        priority=Priority(row["priority"]),
        state=State(row["state"]),
        snooze_until=from_iso(row["snooze_until"]),
        is_idea=bool(row["is_idea"]),
        thread_key=row["thread_key"],
        url=row["url"],
        created_at=from_iso(row["created_at"]),
    )


def _account(row: Row) -> Account:
    options = json.loads(row["options"] or "{}")
    return Account(
        name=row["name"],
        platform=row["platform"],
        url=row["url"],
        handle=row["handle"],
        options={str(k): str(v) for k, v in options.items()},
    )


def _outbox_entry(row: Row) -> OutboxEntry:
    return OutboxEntry(
        key=row["key"],
        opportunity_id=row["opportunity_id"],
        source=row["source"],
        parent_remote_id=row["parent_remote_id"],
        state=row["state"],
        remote_id=row["remote_id"],
        attempts=row["attempts"],
        created_at=from_iso(row["created_at"]),
        updated_at=from_iso(row["updated_at"]),
    )
