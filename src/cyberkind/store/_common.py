"""What the SQLite and PostgreSQL stores share: one implementation, small dialect hooks.

:class:`SQLTables` holds transaction nesting and the hooks a backend fills in (how to
run a statement, a few SQL fragments where the dialects truly differ); :class:`StoreTables`
holds the logic of the :class:`~cyberkind.store.base.Store` protocol on top of them. SQL
here is written with ``?`` placeholders; the PostgreSQL store turns them into ``%s``.
The ideas wall (:mod:`cyberkind.store._wall`) and team members
(:mod:`cyberkind.store._members`) are mixins on the same hooks.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
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
from .base import LinkMatch, OutboxEntry, StoredItem, UpsertCounts

# A row by column name: sqlite3.Row on SQLite, a dict on PostgreSQL.
Row = Any

_MIN_PREFIX = 4
# Both backends' search marks each matched word between these.
_HIGHLIGHT = re.compile("\x02(.*?)\x03", re.DOTALL)


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
        [*_item_fields(item), item.is_own, dict(item.raw)], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _item_fields(item: Item) -> list[Any]:
    """What an import can change about an item, but for ``is_own`` and ``raw``."""
    return [
        item.kind.value,
        item.author.handle,
        item.author.name,
        item.author.url,
        item.text,
        item.url,
        item.parent_remote_id,
        item.thread_id,
        to_iso(item.created_at),
    ]


class SQLTables:
    """Transaction nesting and the dialect hooks every table mixin works through."""

    _depth: int
    # SQL fragments where the dialects differ (SQLite's values here).
    _COLLATE = ""  # ' COLLATE "C"': order text by code point, as SQLite does
    _FOR_UPDATE = ""  # lock the rows read before a write (PostgreSQL)
    _INSERT_IGNORE = "INSERT OR IGNORE"  # with _IGNORE_CONFLICT: skip a duplicate row
    _IGNORE_CONFLICT = ""
    _IN_CHUNK: int | None = 500  # the most values one IN list takes (None: no cap)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - see the stores
        raise NotImplementedError("close")

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
            with self._outer_transaction():
                yield
        finally:
            self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read everything inside from one consistent snapshot, without blocking writers.

        For reading a whole store while others may write to it (``cyberkind db copy`` of a
        store in use): rows committed by others after the first read are not seen, and
        nothing inside may write. Not inside a transaction.
        """
        if self._depth:
            raise StoreError(
                "a snapshot cannot start inside a transaction. You can fix this by taking "
                "the snapshot first."
            )
        self._depth = 1
        try:
            with self._snapshot_transaction():
                yield
        finally:
            self._depth = 0

    # -- the hooks a backend fills in -------------------------------------------------------

    def _outer_transaction(self) -> AbstractContextManager[None]:  # pragma: no cover
        raise NotImplementedError("_outer_transaction")

    def _snapshot_transaction(self) -> AbstractContextManager[None]:  # pragma: no cover
        raise NotImplementedError("_snapshot_transaction")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:  # pragma: no cover
        raise NotImplementedError("_rows")

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:  # pragma: no cover
        """Run one write; return the number of rows it touched."""
        raise NotImplementedError("_write")

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:  # pragma: no cover
        raise NotImplementedError("_write_many")

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:  # pragma: no cover
        """Run one ``INSERT`` and return the new row's ``id``."""
        raise NotImplementedError("_insert_id")

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:  # pragma: no cover
        """A condition that ``column`` is one of ``values``, and its parameters."""
        raise NotImplementedError("_in")

    # -- helpers on the hooks ---------------------------------------------------------------

    def _select_where(self, table: str, column: str, value: Any, order: str) -> list[Row]:
        """Every row of ``table`` (only those whose ``column`` is ``value``, unless that is
        ``None``), ordered by ``order``."""
        if value is None:
            return self._rows(f"SELECT * FROM {table} ORDER BY {order}")
        return self._rows(f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {order}", (value,))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _select_in(
        self, sql: str, params: Sequence[Any], column: str, values: Iterable[Any]
    ) -> list[Row]:
        """Run ``sql`` with its ``{}`` filled by ``column``'s condition on ``values``.

        Where the backend caps the parameters of one statement (SQLite), long lists
        run as several statements; the rows of all of them are returned together.
        """
        chosen = list(values)
        size = self._IN_CHUNK or max(len(chosen), 1)
        rows: list[Row] = []
        for start in range(0, len(chosen), size):
            condition, extra = self._in(column, chosen[start : start + size])
            rows.extend(self._rows(sql.format(condition), (*params, *extra)))
        return rows


_UPSERT_ITEM = """
    INSERT INTO items (source, remote_id, thread_key, kind, author_handle, author_name,
        author_url, text, url, parent_remote_id, thread_id, created_at, is_own, raw,
        content_hash, scores)
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
"""


class StoreTables(SQLTables):
    """The :class:`~cyberkind.store.base.Store` protocol's logic, once for both backends."""

    # A new opportunity's INSERT ends with this (PostgreSQL: an upsert that keeps closed rows).
    _OPPORTUNITY_CONFLICT = ""

    def _search_rows(self, words: Sequence[str], limit: int) -> list[Row]:  # pragma: no cover
        """Rows of ``links`` matching any of ``words``, best first, with ``rank`` (higher is
        better) and ``h0``..``h2``: title, description and tags with matches marked."""
        raise NotImplementedError("_search_rows")

    # -- items ------------------------------------------------------------------------------

    def item_hashes(self, source: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """``{remote_id: content_hash}`` of the given items that are already stored."""
        rows = self._select_in(
            "SELECT remote_id, content_hash FROM items WHERE source = ? AND {}",
            (source,),
            "remote_id",
            remote_ids,
        )
        return {r["remote_id"]: r["content_hash"] for r in rows}

    def upsert_items(
        self, items: Sequence[Item], scores: Mapping[str, Mapping[str, float]]
    ) -> UpsertCounts:
        """Insert or update items by ``(source, remote_id)``; never duplicates.

        One query reads the stored hashes of the batch, and one ``executemany``
        writes what changed: two round trips per batch, not two per item.
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
                        item.thread_key,
                        *_item_fields(item),
                        int(item.is_own),
                        json.dumps(dict(item.raw), sort_keys=True, default=str),
                        digest,
                        json.dumps(dict(item_scores), sort_keys=True) if item_scores else None,
                    )
                )
            if rows:
                self._write_many(_UPSERT_ITEM, rows)
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
            where.append("source = ?")
            params.append(source)
        if thread_key is not None:
            where.append("thread_key = ?")
            params.append(thread_key)
        if remote_ids is not None:
            ids = list(remote_ids)
            if not ids:
                return []
            condition, extra = self._in("remote_id", ids)
            where.append(condition)
            params.extend(extra)
        sql = "SELECT * FROM items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        c = self._COLLATE
        sql += f" ORDER BY source{c}, created_at IS NULL, created_at{c}, remote_id{c}"
        return [_stored_item(row) for row in self._rows(sql, params)]

    def items_by(
        self,
        source: str,
        column: str,
        values: Iterable[str],
        *,
        kinds: Iterable[str] | None = None,
    ) -> list[StoredItem]:
        """``source``'s items whose ``column`` (``remote_id``, ``thread_key`` or
        ``parent_remote_id``) is one of ``values`` (and whose kind is one of ``kinds``), in
        the order of :meth:`items`: the inbox's one query per batch for many threads."""
        if column not in ("remote_id", "thread_key", "parent_remote_id"):
            raise ValueError(f"items_by cannot filter on {column!r}")
        sql = "SELECT * FROM items WHERE source = ? AND "
        params: list[Any] = [source]
        if kinds is not None:
            chosen = [str(k) for k in kinds]
            if not chosen:
                return []
            condition, extra = self._in("kind", chosen)
            sql += condition.replace("{", "{{").replace("}", "}}") + " AND "
            params.extend(extra)
        sql += "{}"
        found = [_stored_item(row) for row in self._select_in(sql, params, column, values)]
        # The order of items(): created_at (undated last), then remote id, by code point.
        found.sort(
            key=lambda s: (
                s.item.created_at is None,
                to_iso(s.item.created_at) if s.item.created_at else "",
                s.item.remote_id,
            )
        )
        return found

    def answered(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """Those of ``remote_ids`` with a direct reply written by the user."""
        return self._item_values(
            "parent_remote_id", source, "parent_remote_id", remote_ids, own=True
        )

    def thread_keys(self, source: str, remote_ids: Iterable[str]) -> set[str]:
        """The thread keys of the given stored items."""
        return self._item_values("thread_key", source, "remote_id", remote_ids)

    def own_items_fingerprint(self) -> tuple[Any, ...]:
        """A cheap fingerprint of the user's own items, which changes when one is added or
        changed: what the composer's cached voice profile is keyed by.

        One aggregate query: the count, the last row id, and, per hex digit, how often it
        occurs in the items' content hashes (an edit changes its item's hash, and so these
        sums, unless the new hash has exactly the old one's digit counts).
        """
        digits = ", ".join(
            f"COALESCE(SUM(LENGTH(content_hash) - LENGTH(REPLACE(content_hash, '{d}', ''))), 0)"
            f" AS d{d}"
            for d in "0123456789abcdef"
        )
        row = self._one(
            f"SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last, {digits} "
            "FROM items WHERE is_own = 1"
        )
        assert row is not None
        return tuple(int(row[k]) for k in ("n", "last", *(f"d{d}" for d in "0123456789abcdef")))

    def _item_values(
        self, column: str, source: str, key: str, values: Iterable[str], *, own: bool = False
    ) -> set[str]:
        """The distinct ``column`` of ``source``'s items (the user's own, with ``own``) whose
        ``key`` is one of ``values``."""
        mine = "is_own = 1 AND " if own else ""
        rows = self._select_in(
            f"SELECT DISTINCT {column} FROM items WHERE source = ? AND {mine}{{}}",
            (source,),
            key,
            values,
        )
        return {r[column] for r in rows}

    # -- cursors ----------------------------------------------------------------------------

    def get_cursor(self, source: str) -> str | None:
        """The source's cursor, or ``None`` before its first sync."""
        row = self._one("SELECT cursor FROM cursors WHERE source = ?", (source,))
        return None if row is None else str(row["cursor"])

    def set_cursor(self, source: str, cursor: str) -> None:
        """Record where the source's next fetch starts."""
        self._write(
            "INSERT INTO cursors (source, cursor, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (source, cursor, to_iso(datetime.now(UTC))),
        )

    def cursors(self) -> dict[str, str]:
        """Every source's cursor."""
        rows = self._rows(f"SELECT source, cursor FROM cursors ORDER BY source{self._COLLATE}")
        return {r["source"]: r["cursor"] for r in rows}

    # -- followed feeds and accounts --------------------------------------------------------

    def add_feed(self, url: str, *, comments: bool = False) -> bool:
        """Follow a feed (or change its ``comments`` flag); ``True`` if it was new."""
        with self.transaction():
            known = self._one("SELECT 1 AS one FROM feeds WHERE url = ?", (url,))
            self._write(
                "INSERT INTO feeds (url, comments, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET comments = excluded.comments",
                (url, int(comments), to_iso(datetime.now(UTC))),
            )
        return known is None

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; ``True`` if it was followed. Its items stay."""
        return self._write("DELETE FROM feeds WHERE url = ?", (url,)) > 0

    def feeds(self) -> list[Feed]:
        """The followed feeds, by URL."""
        rows = self._rows(f"SELECT url, comments FROM feeds ORDER BY url{self._COLLATE}")
        return [Feed(row["url"], bool(row["comments"])) for row in rows]

    def add_account(self, account: Account) -> bool:
        """Connect an account (or update its url, handle and options); ``True`` if new."""
        with self.transaction():
            known = self._one(
                f"SELECT platform FROM accounts WHERE name = ?{self._FOR_UPDATE}", (account.name,)
            )
            if known is not None and known["platform"] != account.platform:
                raise StoreError(
                    f"the account {account.name!r} is already a {known['platform']} account. "
                    "You can fix this by choosing another name, or removing it first with "
                    f"`cyberkind accounts remove {account.name}`."
                )
            self._write(
                "INSERT INTO accounts (name, platform, url, handle, options, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
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
        return self._write("DELETE FROM accounts WHERE name = ?", (name,)) > 0

    def accounts(self) -> list[Account]:
        """The connected accounts, by name."""
        rows = self._rows(
            "SELECT name, platform, url, handle, options FROM accounts "
            f"ORDER BY name{self._COLLATE}"
        )
        return [_account(row) for row in rows]

    def get_account(self, name: str) -> Account:
        """The account called ``name``; raise NotFoundError."""
        row = self._one(
            "SELECT name, platform, url, handle, options FROM accounts WHERE name = ?", (name,)
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

        New ones open; existing ones get fresh reasons and items unless done or
        dismissed. One that no longer applies (say, the user answered the
        comment) disappears while still open, and counts as done if the user
        had drafted or snoozed it. On PostgreSQL the thread's rows are locked
        (``FOR UPDATE``) so that two members syncing the same source at once apply
        their derivations one after the other.
        """
        self.save_derived(source, {thread_key: opportunities})

    def save_derived(
        self,
        source: str,
        derived: Mapping[str, Sequence[Opportunity]],
        scopes: Mapping[str, Collection[str]] | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        """:meth:`save_thread_opportunities` for many threads at once (one read for all).

        ``scopes[thread_key]``, when given, names the items whose opportunities were derived
        again: only the thread's existing opportunities whose items all lie in it are
        replaced, the others stay as they are. Then only the rows with the derived ids or the
        ``candidates`` ids (every id the scoped items' opportunities can have) are read, not
        the whole thread. Rows whose values did not change are not written again.
        """
        if not derived:
            return
        with self.transaction():
            if scopes is None:
                by, wanted = "thread_key", sorted(derived)
            else:  # only the rows these items' opportunities can have: theirs and the derived
                derived_ids = {o.id for opps in derived.values() for o in opps}
                by, wanted = "id", sorted(set(candidates) | derived_ids)
            rows = self._select_in(
                "SELECT id, thread_key, state, item_ids, act, person, reason, priority, "
                "is_idea, url, created_at FROM opportunities WHERE source = ? AND {}"
                + self._FOR_UPDATE,
                (source,),
                by,
                wanted,
            )
            if scopes is not None:
                rows = [r for r in rows if r["thread_key"] in derived]
            stored = {r["id"]: r for r in rows}
            for thread_key, opp in ((k, o) for k, opps in derived.items() for o in opps):
                row = stored.get(opp.id)
                state = None if row is None else State(row["state"])
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
                if row is None:
                    self._write(
                        "INSERT INTO opportunities (act, person, item_ids, reason, priority, "
                        "is_idea, url, created_at, id, source, thread_key) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + self._OPPORTUNITY_CONFLICT,
                        (*values, opp.id, source, thread_key),
                    )
                    self._link_items(opp)
                    continue
                before = (
                    row["act"],
                    row["person"],
                    row["item_ids"],
                    row["reason"],
                    int(row["priority"]),
                    int(row["is_idea"]),
                    row["url"],
                    row["created_at"],
                )
                if before != values:
                    self._write(
                        "UPDATE opportunities SET act = ?, person = ?, item_ids = ?, reason = ?, "
                        "priority = ?, is_idea = ?, url = ?, created_at = ? WHERE id = ?",
                        (*values, opp.id),
                    )
                if tuple(json.loads(row["item_ids"])) != opp.item_ids:
                    self._link_items(opp)
            kept = {opp.id for opps in derived.values() for opp in opps}
            for opp_id, row in stored.items():
                state = State(row["state"])
                if opp_id in kept or state in CLOSED_STATES:
                    continue
                scope = None if scopes is None else scopes.get(row["thread_key"])
                if scope is not None and not set(json.loads(row["item_ids"])) <= set(scope):
                    continue  # not derived again: it stays as it is
                if state is State.OPEN:
                    self._write("DELETE FROM opportunities WHERE id = ?", (opp_id,))
                else:
                    self._write(
                        "UPDATE opportunities SET state = 'done', snooze_until = NULL WHERE id = ?",
                        (opp_id,),
                    )

    def _link_items(self, opp: Opportunity) -> None:
        self._write("DELETE FROM opportunity_items WHERE opportunity_id = ?", (opp.id,))
        self._select_in(
            "INSERT INTO opportunity_items (opportunity_id, item_id) SELECT ?, id FROM items "
            "WHERE source = ? AND {}" + self._IGNORE_CONFLICT,
            (opp.id, opp.source),
            "remote_id",
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
                condition, extra = self._in(column, [str(v) for v in values])
                where.append(condition)
                params.extend(extra)
        if thread_key is not None:
            where.append("thread_key = ?")
            params.append(thread_key)
        sql = "SELECT * FROM opportunities"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Undated items keep the order they were imported in (their first item's row id).
        c = self._COLLATE
        sql += (
            f" ORDER BY priority, created_at IS NULL, created_at{c}, (SELECT MIN(item_id) FROM "
            f"opportunity_items WHERE opportunity_id = opportunities.id), id{c}"
        )
        return [_opportunity(row) for row in self._rows(sql, params)]

    def thread_opportunities(
        self, source: str, thread_keys: Iterable[str], *, acts: Iterable[str] | None = None
    ) -> list[Opportunity]:
        """The stored opportunities of these threads of ``source`` (of ``acts``, if given),
        in one query, by id."""
        sql = "SELECT * FROM opportunities WHERE source = ? AND "
        params: list[Any] = [source]
        if acts is not None:
            condition, extra = self._in("act", [str(a) for a in acts])
            sql += condition + " AND "
            params.extend(extra)
        rows = self._select_in(sql + "{}", params, "thread_key", thread_keys)
        return sorted((_opportunity(row) for row in rows), key=lambda o: o.id)

    def get_opportunity(self, id_or_prefix: str) -> Opportunity:
        """The opportunity with this id, or with this unique prefix (4 characters or more)."""
        wanted = id_or_prefix.strip().lower()
        rows = self._rows("SELECT * FROM opportunities WHERE id = ?", (wanted,))
        if not rows and len(wanted) >= _MIN_PREFIX and wanted.isalnum():
            rows = self._rows(
                "SELECT * FROM opportunities WHERE id LIKE ? LIMIT 2", (wanted + "%",)
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
            "UPDATE opportunities SET state = ?, snooze_until = ? WHERE id = ?",
            (state.value, to_iso(snooze_until), opp.id),
        )
        return self.get_opportunity(opp.id)

    def wake_snoozed(self, now: datetime) -> int:
        """Reopen snoozed opportunities whose time has come; return how many."""
        return self._write(
            "UPDATE opportunities SET state = 'open', snooze_until = NULL "
            "WHERE state = 'snoozed' AND snooze_until <= ?",
            (to_iso(now),),
        )

    # -- drafts and the gold-star ledger ----------------------------------------------------

    def save_draft(self, opportunity_id: str, payload: Mapping[str, Any]) -> None:
        """Keep the latest draft of an opportunity (a JSON-serialisable mapping)."""
        self._write(
            "INSERT INTO drafts (opportunity_id, payload, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (opportunity_id) DO UPDATE SET payload = excluded.payload, "
            "created_at = excluded.created_at",
            (opportunity_id, json.dumps(dict(payload)), to_iso(datetime.now(UTC))),
        )

    def saved_draft(self, opportunity_id: str) -> dict[str, Any] | None:
        """The latest saved draft of an opportunity, or ``None``."""
        row = self._one("SELECT payload FROM drafts WHERE opportunity_id = ?", (opportunity_id,))
        if row is None:
            return None
        payload: dict[str, Any] = json.loads(row["payload"])
        return payload

    def award_stars(self, award: StarAward) -> bool:
        """Add a line to the gold-star ledger; ``False`` when a draft's stars were already in."""
        touched = self._write(
            f"{self._INSERT_IGNORE} INTO stars (person, handle, count, reason, opportunity_id, "
            "source, item_id, awarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + self._IGNORE_CONFLICT,
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
        return touched > 0

    def star_awards(self, person: str | None = None) -> list[StarAward]:
        """The ledger, oldest first, optionally for one person."""
        rows = self._select_where("stars", "person", person, f"awarded_at{self._COLLATE}, id")
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
                "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                (key, opportunity_id, source, parent_remote_id, now, now),
            )
            self._write(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ? "
                "WHERE key = ? AND state = 'pending'",
                (now, key),
            )
        return self._outbox_entry(key)

    def outbox_sent(self, key: str, remote_id: str) -> OutboxEntry:
        """Mark the send ``key`` as posted, with the platform's id of the new item."""
        touched = self._write(
            "UPDATE outbox SET state = 'sent', remote_id = ?, updated_at = ? WHERE key = ?",
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
        c = self._COLLATE
        rows = self._select_where(
            "outbox", "opportunity_id", opportunity_id, f"created_at{c}, key{c}"
        )
        return [_outbox_entry(row) for row in rows]

    def _outbox_entry(self, key: str) -> OutboxEntry:
        return _outbox_entry(self._one("SELECT * FROM outbox WHERE key = ?", (key,)))

    # -- team mode: claims and shared settings ----------------------------------------------

    def claim(self, opportunity_id: str, member: str) -> str:
        """Claim an opportunity for ``member`` unless someone holds it; return the holder.

        The claim is the table's primary key, and a concurrent insert waits for the
        first one to commit (SQLite's ``BEGIN IMMEDIATE`` serialises writers; on
        PostgreSQL ``INSERT ... ON CONFLICT DO NOTHING`` waits, then inserts nothing),
        so of several members claiming at once exactly one wins.
        """
        with self.transaction():
            opp = self.get_opportunity(opportunity_id)
            _check_claimable(opp, member)
            self._write(
                "INSERT INTO claims (opportunity_id, member, claimed_at) VALUES (?, ?, ?) "
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
        sql, params = "DELETE FROM claims WHERE opportunity_id = ?", [opp.id]
        if member is not None:
            sql += " AND member = ?"
            params.append(member)
        return self._write(sql, params) > 0

    def claim_holder(self, opportunity_id: str) -> str | None:
        """Who holds the claim on an opportunity, or ``None``."""
        row = self._one("SELECT member FROM claims WHERE opportunity_id = ?", (opportunity_id,))
        return None if row is None else str(row["member"])

    def claims(self) -> dict[str, str]:
        """Every claim: ``{opportunity_id: member}``."""
        rows = self._rows(
            f"SELECT opportunity_id, member FROM claims ORDER BY opportunity_id{self._COLLATE}"
        )
        return {r["opportunity_id"]: r["member"] for r in rows}

    def team_setting(self, key: str) -> str | None:
        """A value the team shares (e.g. ``policy``), or ``None``."""
        row = self._one("SELECT value FROM team_settings WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_team_setting(self, key: str, value: str | None, member: str | None = None) -> None:
        """Set (or, with ``None``, remove) a value the team shares."""
        if value is None:
            self._write("DELETE FROM team_settings WHERE key = ?", (key,))
            return
        self._write(
            "INSERT INTO team_settings (key, value, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (key, value, member, to_iso(datetime.now(UTC))),
        )

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        row = self._one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")
        return int(row["v"]) if row else 0

    # -- the link library -------------------------------------------------------------------

    def upsert_links(self, links: Sequence[Link]) -> UpsertCounts:
        """Insert or update links by URL; the search index follows by itself."""
        new = updated = unchanged = 0
        now = to_iso(datetime.now(UTC))
        with self.transaction():
            for link in links:
                values = (link.title, link.description, " ".join(link.tags), link.origin)
                row = self._one(
                    f"SELECT title, description, tags, origin FROM links WHERE url = ?"
                    f"{self._FOR_UPDATE}",
                    (link.url,),
                )
                if row is None:
                    new += 1
                    self._write(
                        "INSERT INTO links (title, description, tags, origin, url, added_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (*values, link.url, to_iso(link.added_at) or now),
                    )
                elif (row["title"], row["description"], row["tags"], row["origin"]) == values:
                    unchanged += 1
                else:
                    updated += 1
                    self._write(
                        "UPDATE links SET title = ?, description = ?, tags = ?, origin = ? "
                        "WHERE url = ?",
                        (*values, link.url),
                    )
        return UpsertCounts(new, updated, unchanged)

    def links(self, origin: str | None = None) -> list[Link]:
        """The link library (optionally one origin), by title then URL."""
        c = self._COLLATE
        rows = self._select_where("links", "origin", origin, f"lower(title){c}, url{c}")
        return [_link(row) for row in rows]

    def remove_link(self, url: str) -> bool:
        """Remove a link (its index entry goes with it); ``True`` if it was there."""
        return self._write("DELETE FROM links WHERE url = ?", (url,)) > 0

    def search_links(self, terms: Sequence[str], limit: int = 10) -> list[LinkMatch]:
        """Links matching any of ``terms``, best first (title weighs most, then tags)."""
        words = [w for w in dict.fromkeys(t.strip().lower() for t in terms) if w]
        if not words or limit <= 0:
            return []
        found: list[LinkMatch] = []
        for row in self._search_rows(words, limit):
            hits = [h for col in ("h0", "h1", "h2") for h in _HIGHLIGHT.findall(row[col] or "")]
            # One word per stem: "routine" and "routines" matched the same query word.
            stems: dict[str, str] = {}
            for hit in hits:
                stems.setdefault(_stem(hit.lower()), hit.lower())
            # A tag such as "mental-health" is indexed as two words; name the whole tag.
            in_tags = {h.lower() for h in _HIGHLIGHT.findall(row["h2"] or "")}
            link = _link(row)
            tags = tuple(t for t in link.tags if in_tags & set(re.split(r"[\W_]+", t.lower())))
            found.append(LinkMatch(link, float(row["rank"]), tuple(stems.values()), tags))
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
    """A rough stem, only to name each matched word once (the search did the matching)."""
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _link(row: Row) -> Link:
    return Link(
        url=row["url"],
        title=row["title"],
        description=row["description"],
        tags=tuple(row["tags"].split()),
        origin=row["origin"],
        added_at=from_iso(row["added_at"]),
    )


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
