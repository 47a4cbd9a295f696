"""The team store: the :class:`~cyberkind.store.base.Store` protocol on PostgreSQL.

Selected by a database URL (``--db postgresql://team@db.example/cyberkind``, the
``db`` setting or ``CYBERKIND_DB``); needs ``pip install 'cyberkind[postgres]'``
(psycopg 3). Opening a store runs any pending :mod:`migrations
<cyberkind.store.pg_migrations>`, which have the SQLite list's versions and names.

The connection is in autocommit mode: a method that writes several rows opens a
transaction, and ``with store.transaction():`` joins every write inside it into
one (nested transactions join the outer one, as in the SQLite store). Passwords
never go in the URL: libpq reads ``PGPASSWORD`` or ``~/.pgpass`` (docs/teams.md).

Differences from the SQLite store, by design:

- Link search ranks with ``ts_rank`` over a weighted ``tsvector`` (title, tags,
  description) instead of FTS5's bm25, so scores and the order of near-ties can
  differ; what matches (English stemming of any of the words) is the same.
- Text is ordered with the ``"C"`` collation (code points), as SQLite orders it.

**Usage**::

    from cyberkind.store.postgres import PostgresStore

    with PostgresStore("postgresql://team@127.0.0.1/cyberkind") as store:
        print(store.cursors())
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..errors import ConfigError, NotFoundError, StoreError
from ..models import CLOSED_STATES, Account, Feed, Item, Link, Opportunity, StarAward, State
from ._members import PgMemberTables
from ._pg_wall import PgWallTables
from .base import LinkMatch, OutboxEntry, StoredItem, UpsertCounts
from .pg_migrations import migrate
from .sqlite import (
    _HIGHLIGHT,
    _account,
    _check_claimable,
    _link,
    _opportunity,
    _outbox_entry,
    _stem,
    _stored_item,
    content_hash,
    from_iso,
    to_iso,
)

__all__ = ["PostgresStore", "is_postgres_url", "redact_url"]

_MIN_PREFIX = 4
_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
# ts_headline marks each matched word between these, as FTS5's highlight() does.
_HEADLINE = "StartSel=\x02, StopSel=\x03, HighlightAll=true"
# ts_rank weights {D, C, B, A}: title (A) 1.0, tags (B) 0.6, description (C) 0.2.
_WEIGHTS = "{0.1, 0.2, 0.6, 1.0}"


_UPSERT_ITEM = """
    INSERT INTO items (source, remote_id, kind, author_handle, author_name, author_url, text,
        url, parent_remote_id, thread_key, thread_id, created_at, is_own, raw, content_hash,
        scores)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (source, remote_id) DO UPDATE SET
        kind = excluded.kind, author_handle = excluded.author_handle,
        author_name = excluded.author_name, author_url = excluded.author_url,
        text = excluded.text, url = excluded.url,
        parent_remote_id = excluded.parent_remote_id,
        thread_key = excluded.thread_key, thread_id = excluded.thread_id,
        created_at = excluded.created_at, is_own = excluded.is_own,
        raw = excluded.raw, content_hash = excluded.content_hash,
        scores = COALESCE(excluded.scores, items.scores)
"""


def is_postgres_url(db: object) -> bool:
    """Whether ``db`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return bool(_URL.match(str(db)))


def redact_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url, flags=re.IGNORECASE)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "a PostgreSQL store needs psycopg. You can fix this by installing the extra: "
            "pip install 'cyberkind[postgres]'."
        ) from None
    return psycopg


class PostgresStore(PgWallTables, PgMemberTables):
    """The :class:`~cyberkind.store.base.Store` protocol on a PostgreSQL database.

    The ideas wall's methods come from :class:`~cyberkind.store._pg_wall.PgWallTables`.
    """

    def __init__(self, url: str) -> None:
        psycopg = _psycopg()
        self.url = url
        self._errors = psycopg.Error
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=15)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store {redact_url(url)} "
                f"({str(exc).strip()}). You can fix this by checking that the server is "
                "running and the URL, user and database are right (the password comes from "
                "PGPASSWORD or ~/.pgpass)."
            ) from exc
        try:
            migrate(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._depth = 0

    # -- connection and transactions --------------------------------------------------------

    def __enter__(self) -> PostgresStore:
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
        self._depth = 1
        try:
            with self._conn.transaction():
                yield
        finally:
            self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run raw SQL (``%s`` placeholders) and return every row as a dict (tests, debugging)."""
        from psycopg.rows import dict_row

        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params or None)
            return list(cur.fetchall()) if cur.description else []

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.execute(sql, params)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write; return the number of rows it touched."""
        with self._conn.cursor() as cur:
            cur.execute(sql, params or None)
            return int(cur.rowcount)

    # -- items ------------------------------------------------------------------------------

    def item_hashes(self, source: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """``{remote_id: content_hash}`` of the given items that are already stored."""
        rows = self._rows(
            "SELECT remote_id, content_hash FROM items WHERE source = %s AND remote_id = ANY(%s)",
            (source, list(remote_ids)),
        )
        return {r["remote_id"]: r["content_hash"] for r in rows}

    def upsert_items(
        self, items: Sequence[Item], scores: Mapping[str, Mapping[str, float]]
    ) -> UpsertCounts:
        """Insert or update items by ``(source, remote_id)``; never duplicates.

        One query reads the stored hashes of the batch, and one pipelined
        ``executemany`` writes what changed: two round trips per batch, not two per item.
        """
        new = updated = unchanged = 0
        with self.transaction():
            known: dict[tuple[str, str], str] = {}
            for source in dict.fromkeys(item.source for item in items):
                ids = [item.remote_id for item in items if item.source == source]
                known.update(((source, rid), h) for rid, h in self.item_hashes(source, ids).items())
            rows: list[tuple[Any, ...]] = []
            for item in items:
                digest = content_hash(item)
                stored = known.get(item.key)
                item_scores = scores.get(item.remote_id)
                if stored == digest and item_scores is None:
                    unchanged += 1
                    continue
                new, updated = (new + 1, updated) if stored is None else (new, updated + 1)
                known[item.key] = digest  # a repeat later in the batch sees this write
                rows.append(
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
                    )
                )
            if rows:
                with self._conn.cursor() as cur:
                    cur.executemany(_UPSERT_ITEM, rows)
        return UpsertCounts(new, updated, unchanged)

    def items(
        self,
        source: str | None = None,
        *,
        thread_key: str | None = None,
        remote_ids: Iterable[str] | None = None,
    ) -> list[StoredItem]:
        """Stored items, filtered, ordered by creation time then remote id."""
        where: list[str] = []
        params: list[Any] = []
        if source is not None:
            where.append("source = %s")
            params.append(source)
        if thread_key is not None:
            where.append("thread_key = %s")
            params.append(thread_key)
        if remote_ids is not None:
            ids = list(remote_ids)
            if not ids:
                return []
            where.append("remote_id = ANY(%s)")
            params.append(ids)
        sql = "SELECT * FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            ' ORDER BY source COLLATE "C", created_at IS NULL, created_at COLLATE "C", '
            'remote_id COLLATE "C"'
        )
        return [_stored_item(row) for row in self._rows(sql, params)]

    def answered(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """Those of ``remote_ids`` with a direct reply written by the user."""
        rows = self._rows(
            "SELECT DISTINCT parent_remote_id FROM items WHERE source = %s AND is_own = 1 "
            "AND parent_remote_id = ANY(%s)",
            (source, list(remote_ids)),
        )
        return {r["parent_remote_id"] for r in rows}

    def thread_keys(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """The thread keys of the given stored items."""
        rows = self._rows(
            "SELECT DISTINCT thread_key FROM items WHERE source = %s AND remote_id = ANY(%s)",
            (source, list(remote_ids)),
        )
        return {r["thread_key"] for r in rows}

    # -- cursors ----------------------------------------------------------------------------

    def get_cursor(self, source: str) -> str | None:
        """The source's cursor, or ``None`` before its first sync."""
        row = self._one("SELECT cursor FROM cursors WHERE source = %s", (source,))
        return None if row is None else str(row["cursor"])

    def set_cursor(self, source: str, cursor: str) -> None:
        """Record where the source's next fetch starts."""
        self._write(
            "INSERT INTO cursors (source, cursor, updated_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (source, cursor, to_iso(datetime.now(UTC))),
        )

    def cursors(self) -> dict[str, str]:
        """Every source's cursor."""
        rows = self._rows('SELECT source, cursor FROM cursors ORDER BY source COLLATE "C"')
        return {r["source"]: r["cursor"] for r in rows}

    # -- followed feeds and accounts --------------------------------------------------------

    def add_feed(self, url: str, *, comments: bool = False) -> bool:
        """Follow a feed (or change its ``comments`` flag); ``True`` if it was new."""
        with self.transaction():
            known = self._one("SELECT 1 FROM feeds WHERE url = %s", (url,))
            self._write(
                "INSERT INTO feeds (url, comments, added_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (url) DO UPDATE SET comments = excluded.comments",
                (url, int(comments), to_iso(datetime.now(UTC))),
            )
        return known is None

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; ``True`` if it was followed. Its items stay."""
        return self._write("DELETE FROM feeds WHERE url = %s", (url,)) > 0

    def feeds(self) -> list[Feed]:
        """The followed feeds, by URL."""
        rows = self._rows('SELECT url, comments FROM feeds ORDER BY url COLLATE "C"')
        return [Feed(row["url"], bool(row["comments"])) for row in rows]

    def add_account(self, account: Account) -> bool:
        """Connect an account (or update its url, handle and options); ``True`` if new."""
        with self.transaction():
            known = self._one(
                "SELECT platform FROM accounts WHERE name = %s FOR UPDATE", (account.name,)
            )
            if known is not None and known["platform"] != account.platform:
                raise StoreError(
                    f"the account {account.name!r} is already a {known['platform']} account. "
                    "You can fix this by choosing another name, or removing it first with "
                    f"`cyberkind accounts remove {account.name}`."
                )
            self._write(
                "INSERT INTO accounts (name, platform, url, handle, options, added_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
                "url = excluded.url, handle = excluded.handle, options = excluded.options",
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
        return self._write("DELETE FROM accounts WHERE name = %s", (name,)) > 0

    def accounts(self) -> list[Account]:
        """The connected accounts, by name."""
        rows = self._rows(
            'SELECT name, platform, url, handle, options FROM accounts ORDER BY name COLLATE "C"'
        )
        return [_account(row) for row in rows]

    def get_account(self, name: str) -> Account:
        """The account called ``name``; raise NotFoundError."""
        row = self._one(
            "SELECT name, platform, url, handle, options FROM accounts WHERE name = %s", (name,)
        )
        if row is None:
            raise NotFoundError(
                f"no account is called {name!r}. You can fix this by choosing one from "
                "`cyberkind accounts list`."
            )
        return _account(row)

    # -- opportunities ----------------------------------------------------------------------

    def save_thread_opportunities(
        self, source: str, thread_key: str, opportunities: Sequence[Opportunity]
    ) -> None:
        """Replace one thread's derived opportunities, keeping what the user decided.

        The thread's rows are locked (``FOR UPDATE``) so that two members syncing
        the same source at once apply their derivations one after the other.
        """
        with self.transaction():
            rows = self._rows(
                "SELECT id, state, item_ids FROM opportunities "
                "WHERE source = %s AND thread_key = %s FOR UPDATE",
                (source, thread_key),
            )
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
                    self._write(
                        "INSERT INTO opportunities (act, person, item_ids, reason, priority, "
                        "is_idea, url, created_at, id, source, thread_key) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET act = excluded.act, "
                        "person = excluded.person, item_ids = excluded.item_ids, "
                        "reason = excluded.reason, priority = excluded.priority, "
                        "is_idea = excluded.is_idea, url = excluded.url, "
                        "created_at = excluded.created_at "
                        "WHERE opportunities.state NOT IN ('done', 'dismissed')",
                        (*values, opp.id, source, thread_key),
                    )
                else:
                    self._write(
                        "UPDATE opportunities SET act = %s, person = %s, item_ids = %s, "
                        "reason = %s, priority = %s, is_idea = %s, url = %s, created_at = %s "
                        "WHERE id = %s",
                        (*values, opp.id),
                    )
                if linked.get(opp.id) != opp.item_ids:
                    self._link_items(opp)
            derived = {opp.id for opp in opportunities}
            for opp_id, state in existing.items():
                if opp_id in derived or state in CLOSED_STATES:
                    continue
                if state is State.OPEN:
                    self._write("DELETE FROM opportunities WHERE id = %s", (opp_id,))
                else:
                    self._write(
                        "UPDATE opportunities SET state = 'done', snooze_until = NULL "
                        "WHERE id = %s",
                        (opp_id,),
                    )

    def _link_items(self, opp: Opportunity) -> None:
        self._write("DELETE FROM opportunity_items WHERE opportunity_id = %s", (opp.id,))
        self._write(
            "INSERT INTO opportunity_items (opportunity_id, item_id) SELECT %s, id FROM items "
            "WHERE source = %s AND remote_id = ANY(%s) ON CONFLICT DO NOTHING",
            (opp.id, opp.source, list(opp.item_ids)),
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
                where.append(f"{column} = ANY(%s)")
                params.append([str(v) for v in values])
        if thread_key is not None:
            where.append("thread_key = %s")
            params.append(thread_key)
        sql = "SELECT * FROM opportunities"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            ' ORDER BY priority, created_at IS NULL, created_at COLLATE "C", (SELECT MIN(item_id) '
            'FROM opportunity_items WHERE opportunity_id = opportunities.id), id COLLATE "C"'
        )
        return [_opportunity(row) for row in self._rows(sql, params)]

    def get_opportunity(self, id_or_prefix: str) -> Opportunity:
        """The opportunity with this id, or with this unique prefix (4 characters or more)."""
        wanted = id_or_prefix.strip().lower()
        rows = self._rows("SELECT * FROM opportunities WHERE id = %s", (wanted,))
        if not rows and len(wanted) >= _MIN_PREFIX and wanted.isalnum():
            rows = self._rows(
                "SELECT * FROM opportunities WHERE id LIKE %s LIMIT 2", (wanted + "%",)
            )
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
        self._write(
            "UPDATE opportunities SET state = %s, snooze_until = %s WHERE id = %s",
            (state.value, to_iso(snooze_until), opp.id),
        )
        return self.get_opportunity(opp.id)

    def wake_snoozed(self, now: datetime) -> int:
        """Reopen snoozed opportunities whose time has come; return how many."""
        return self._write(
            "UPDATE opportunities SET state = 'open', snooze_until = NULL "
            "WHERE state = 'snoozed' AND snooze_until <= %s",
            (to_iso(now),),
        )

    # -- drafts and the gold-star ledger ----------------------------------------------------

    def save_draft(self, opportunity_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the latest draft of an opportunity (a JSON-serialisable mapping)."""
        self._write(
            "INSERT INTO drafts (opportunity_id, payload, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (opportunity_id) DO UPDATE SET payload = excluded.payload, "
            "created_at = excluded.created_at",
            (opportunity_id, json.dumps(dict(payload)), to_iso(datetime.now(UTC))),
        )

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The latest saved draft of an opportunity, or ``None``."""
        row = self._one("SELECT payload FROM drafts WHERE opportunity_id = %s", (opportunity_id,))
        if row is None:
            return None
        payload: dict[str, Any] = json.loads(row["payload"])
        return payload

    def award_stars(self, award: StarAward) -> bool:
        """Add a line to the gold-star ledger; ``False`` when a draft's stars were already in."""
        return (
            self._write(
                "INSERT INTO stars (person, handle, count, reason, opportunity_id, source, "
                "item_id, awarded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
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
            > 0
        )

    def star_awards(self, person: str | None = None) -> list[StarAward]:
        """The ledger, oldest first, optionally for one person."""
        sql = "SELECT * FROM stars"
        params: list[Any] = []
        if person is not None:
            sql += " WHERE person = %s"
            params.append(person)
        rows = self._rows(sql + ' ORDER BY awarded_at COLLATE "C", id', params)
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

    # -- the outbox -------------------------------------------------------------------------

    def outbox_begin(
        self, key: str, opportunity_id: str, source: str, parent_remote_id: str
    ) -> OutboxEntry:
        """Record an attempt to post ``key`` (``pending`` if new; counts the attempt); return it."""
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            self._write(
                "INSERT INTO outbox (key, opportunity_id, source, parent_remote_id, state, "
                "attempts, created_at, updated_at) VALUES (%s, %s, %s, %s, 'pending', 0, %s, %s) "
                "ON CONFLICT (key) DO NOTHING",
                (key, opportunity_id, source, parent_remote_id, now, now),
            )
            self._write(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = %s "
                "WHERE key = %s AND state = 'pending'",
                (now, key),
            )
        return self._outbox_entry(key)

    def outbox_sent(self, key: str, remote_id: str) -> OutboxEntry:
        """Mark the send ``key`` as posted, with the platform's id of the new item."""
        touched = self._write(
            "UPDATE outbox SET state = 'sent', remote_id = %s, updated_at = %s WHERE key = %s",
            (remote_id, to_iso(datetime.now(UTC)), key),
        )
        if touched == 0:
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
            sql += " WHERE opportunity_id = %s"
            params.append(opportunity_id)
        rows = self._rows(sql + ' ORDER BY created_at COLLATE "C", key COLLATE "C"', params)
        return [_outbox_entry(row) for row in rows]

    def _outbox_entry(self, key: str) -> OutboxEntry:
        row = self._one("SELECT * FROM outbox WHERE key = %s", (key,))
        return _outbox_entry(row)

    # -- team mode: claims and shared settings ----------------------------------------------

    def claim(self, opportunity_id: str, member: str) -> str:
        """Claim an opportunity for ``member`` unless someone holds it; return the holder.

        The claim is the table's primary key: a concurrent ``INSERT ... ON CONFLICT
        DO NOTHING`` waits for the first one to commit, then inserts nothing, so of
        several members claiming at once exactly one wins. The holder is read after.
        """
        opp = self.get_opportunity(opportunity_id)
        _check_claimable(opp, member)
        with self.transaction():
            self._write(
                "INSERT INTO claims (opportunity_id, member, claimed_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (opportunity_id) DO NOTHING",
                (opp.id, member, to_iso(datetime.now(UTC))),
            )
            holder = self.claim_holder(opp.id)
        if holder is None:  # the opportunity went away between the two statements
            raise NotFoundError(
                f"the opportunity {opp.id} is no longer in the inbox. You can fix this by "
                "choosing another from `cyberkind inbox --unclaimed`."
            )
        return holder

    def release(self, opportunity_id: str, member: str | None = None) -> bool:
        """Drop the claim on an opportunity (only ``member``'s, if given); ``True`` if dropped."""
        opp = self.get_opportunity(opportunity_id)
        sql, params = "DELETE FROM claims WHERE opportunity_id = %s", [opp.id]
        if member is not None:
            sql += " AND member = %s"
            params.append(member)
        return self._write(sql, params) > 0

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        row = self._one("SELECT member FROM claims WHERE opportunity_id = %s", (opportunity_id,))
        return None if row is None else str(row["member"])

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity_id: member}``."""
        rows = self._rows(
            'SELECT opportunity_id, member FROM claims ORDER BY opportunity_id COLLATE "C"'
        )
        return {r["opportunity_id"]: r["member"] for r in rows}

    def team_setting(self, key: str) -> str | None:
        """A value the team shares (e.g. ``policy``), or ``None``."""
        row = self._one("SELECT value FROM team_settings WHERE key = %s", (key,))
        return None if row is None else str(row["value"])

    def set_team_setting(self, key: str, value: str | None, member: str | None = None) -> None:
        """Set (or, with ``None``, remove) a value the team shares."""
        if value is None:
            self._write("DELETE FROM team_settings WHERE key = %s", (key,))
            return
        self._write(
            "INSERT INTO team_settings (key, value, updated_by, updated_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (key, value, member, to_iso(datetime.now(UTC))),
        )

    # -- copying between stores (cyberkind db copy) -----------------------------------------

    def dump_rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table`` (``columns`` in order), for :mod:`cyberkind.store.transfer`."""
        # A server-side (named) cursor streams; it needs a transaction around it.
        with self.transaction(), self._conn.cursor(name=f"dump_{table}") as cur:
            cur.itersize = 1000
            cur.execute(f"SELECT {', '.join(columns)} FROM {table}")
            yield from (tuple(row) for row in cur)

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows as they are (ids included), then move the table's id sequence past them."""
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        with self.transaction():
            with self._conn.cursor() as cur:
                batch: list[Sequence[Any]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 1000:
                        cur.executemany(sql, batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
            sequence = (
                self._one("SELECT pg_get_serial_sequence(%s, 'id') AS s", (table,))
                if "id" in columns
                else None
            )
            if sequence and sequence["s"]:
                self._conn.execute(
                    f"SELECT setval('{sequence['s']}', "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        row = self._one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        return int(row["v"]) if row else 0

    def describe(self) -> str:
        """Where the store is, for messages (the URL without its password)."""
        return redact_url(self.url)

    # -- the link library -------------------------------------------------------------------

    def upsert_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Insert or update links by URL; the ``tsvector`` column follows by itself."""
        new = updated = unchanged = 0
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            for link in links:
                values = (link.title, link.description, " ".join(link.tags), link.origin)
                row = self._one(
                    "SELECT title, description, tags, origin FROM links WHERE url = %s FOR UPDATE",
                    (link.url,),
                )
                if row is None:
                    new += 1
                    self._write(
                        "INSERT INTO links (title, description, tags, origin, url, added_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s)",
                        (*values, link.url, to_iso(link.added_at) or now),
                    )
                elif tuple(row.values()) == values:
                    unchanged += 1
                else:
                    updated += 1
                    self._write(
                        "UPDATE links SET title = %s, description = %s, tags = %s, origin = %s "
                        "WHERE url = %s",
                        (*values, link.url),
                    )
        return UpsertCounts(new, updated, unchanged)

    def links(self, origin: str | None = None) -> list[Link]:
        """The link library (optionally one origin), by title then URL."""
        sql = "SELECT * FROM links"
        params: list[Any] = []
        if origin is not None:
            sql += " WHERE origin = %s"
            params.append(origin)
        rows = self._rows(sql + ' ORDER BY lower(title) COLLATE "C", url COLLATE "C"', params)
        return [_link(row) for row in rows]

    def remove_link(self, url: str) -> bool:
        """Remove a link (its index entry goes with it); ``True`` if it was there."""
        return self._write("DELETE FROM links WHERE url = %s", (url,)) > 0

    def search_links(self, terms: Sequence[str], limit: int = 10) -> list[LinkMatch]:
        """Links matching any of ``terms``, best ``ts_rank`` first (title, then tags, weigh most).

        Each word goes through ``plainto_tsquery`` as a parameter, so query syntax in a
        message (``&``, ``|``, ``!``, quotes) stays text; the words are OR'ed.
        """
        words = [w for w in dict.fromkeys(t.strip().lower() for t in terms) if w]
        if not words or limit <= 0:
            return []
        query = " || ".join(["plainto_tsquery('english', %s)"] * len(words))
        rows = self._rows(
            f"WITH q AS (SELECT {query} AS query) "
            "SELECT links.*, ts_rank(%s, links.search, q.query, 1) AS rank, "
            "ts_headline('english', links.title, q.query, %s) AS h0, "
            "ts_headline('english', links.description, q.query, %s) AS h1, "
            "ts_headline('english', links.tags, q.query, %s) AS h2 "
            "FROM links, q WHERE links.search @@ q.query "
            "ORDER BY rank DESC, links.id LIMIT %s",
            (*words, _WEIGHTS, _HEADLINE, _HEADLINE, _HEADLINE, limit),
        )
        found: list[LinkMatch] = []
        for row in rows:
            hits = [h for col in ("h0", "h1", "h2") for h in _HIGHLIGHT.findall(row[col] or "")]
            stems: dict[str, str] = {}
            for hit in hits:
                stems.setdefault(_stem(hit.lower()), hit.lower())
            in_tags = {h.lower() for h in _HIGHLIGHT.findall(row["h2"] or "")}
            link = _link(row)
            tags = tuple(t for t in link.tags if in_tags & set(re.split(r"[\W_]+", t.lower())))
            found.append(LinkMatch(link, float(row["rank"]), tuple(stems.values()), tags))
        return found
