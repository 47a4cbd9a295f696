"""Items and per-source cursors: a mixin of both stores, on their dialect hooks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..models import (
    Author,
    Item,
    ItemKind,
)
from ._sql import Row, SQLTables, _item_fields, content_hash, from_iso, to_iso
from .base import StoredItem, UpsertCounts

__all__ = ["ItemTables"]

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


class ItemTables(SQLTables):
    """Items (upserted by ``(source, remote_id)``) and the sources' cursors."""

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
