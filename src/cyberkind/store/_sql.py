"""The dialect hooks both stores fill in, and the helpers every table mixin shares.

:class:`SQLTables` holds transaction nesting and the hooks a backend fills in (how to
run a statement, a few SQL fragments where the dialects truly differ). SQL in the
mixins is written with ``?`` placeholders; the PostgreSQL store turns them into ``%s``.
The mixins, one noun each: items and cursors (:mod:`._items`), opportunities and what
hangs on them (:mod:`._opportunities`), the link library (:mod:`._links`), the ideas wall
(:mod:`._wall`), team members (:mod:`._members`); :mod:`._common` puts them together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from ..errors import StoreError
from ..models import (
    Item,
)

# A row by column name: sqlite3.Row on SQLite, a dict on PostgreSQL.
Row = Any


def to_iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 text for the database (naive datetimes are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


T = TypeVar("T")


def from_row(cls: type[T], row: Row, columns: str, times: str = "", **values: Any) -> T:
    """``cls`` built from a row: each of the space-separated ``columns`` as it is stored,
    each of ``times`` read from ISO 8601 text (:func:`from_iso`), and ``values`` as given.

    The reverse of :func:`cyberkind.models.json_fields`, for the stores' row readers.
    """
    fields = {name: row[name] for name in columns.split()}
    fields.update((name, from_iso(row[name])) for name in times.split())
    return cls(**fields, **values)


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
