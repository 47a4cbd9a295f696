"""Moving a store to another backend without loss: ``cyberkind db copy SRC DST``.

:func:`copy_store` copies every table of :data:`TABLES`, column for column and ids
included, from one store to another (SQLite file to PostgreSQL, or back), then
verifies it. It is **all-or-nothing**: the destination must be empty, and every
row goes in inside one destination transaction that commits only after the
per-table counts and checksums of the destination equal the source's. A copy that
fails or is interrupted leaves the destination as it was (empty), so it is simply
run again. The source is only read, from one snapshot (``Store.snapshot``: SQLite's WAL
read transaction, PostgreSQL's REPEATABLE READ), so syncs may go on during the copy.

A table's checksum (:func:`table_checksums`) is the SHA-256 of its rows, each
serialised as canonical JSON (the columns of :data:`TABLES` in order; integers,
text and nulls as JSON), sorted by code point and joined by newlines. Both stores
keep the same values (ISO 8601 text for times, 0/1 for flags, JSON text for
mappings), so equal data gives equal checksums on either backend. Text is summed with
U+0000 read as U+FFFD, as both stores write it (:mod:`cyberkind.store._text`), so a
SQLite store written before that rule still verifies against its PostgreSQL copy.

**Usage**::

    from cyberkind.store import open_store
    from cyberkind.store.transfer import copy_store

    with open_store("inbox.db") as src, open_store("postgresql://team@db/ck") as dst:
        report = copy_store(src, dst)
    print(report.tables["items"])
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import StoreError
from ._text import text_without_nul

__all__ = ["TABLES", "CopyReport", "TableSum", "copy_store", "table_checksums"]

# Every table of the schema that holds data, parents before children (foreign keys), with
# its columns. tests/test_cli_db.py checks this against the tables the migrations make.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "items",
        (
            "id",
            "source",
            "remote_id",
            "kind",
            "author_handle",
            "author_name",
            "author_url",
            "text",
            "url",
            "parent_remote_id",
            "thread_key",
            "thread_id",
            "created_at",
            "is_own",
            "raw",
            "content_hash",
            "scores",
        ),
    ),
    ("cursors", ("source", "cursor", "updated_at")),
    (
        "opportunities",
        (
            "id",
            "act",
            "person",
            "source",
            "thread_key",
            "item_ids",
            "reason",
            "priority",
            "state",
            "snooze_until",
            "is_idea",
            "url",
            "created_at",
        ),
    ),
    ("opportunity_items", ("opportunity_id", "item_id")),
    ("feeds", ("url", "comments", "added_at")),
    ("drafts", ("opportunity_id", "payload", "created_at")),
    (
        "stars",
        (
            "id",
            "person",
            "handle",
            "count",
            "reason",
            "opportunity_id",
            "source",
            "item_id",
            "awarded_at",
        ),
    ),
    ("accounts", ("name", "platform", "url", "handle", "options", "added_at")),
    ("links", ("id", "url", "title", "description", "tags", "origin", "added_at")),
    (
        "outbox",
        (
            "key",
            "opportunity_id",
            "source",
            "parent_remote_id",
            "state",
            "remote_id",
            "attempts",
            "created_at",
            "updated_at",
        ),
    ),
    ("ideas", ("id", "text", "status", "reason", "thanks", "created_at", "updated_at")),
    (
        "idea_submissions",
        ("id", "idea_id", "author", "text", "client", "nonce", "submitted_at", "url"),
    ),
    ("idea_stars", ("idea_id", "voter", "starred_at")),
    ("web_config", ("key", "value")),
    ("claims", ("opportunity_id", "member", "claimed_at")),
    ("team_settings", ("key", "value", "updated_by", "updated_at")),
    ("members", ("name", "display_name", "role", "password_hash", "created_at", "disabled")),
)


class CopyableStore(Protocol):
    """What :func:`copy_store` needs of a store (both built-in stores have it)."""

    def transaction(self) -> AbstractContextManager[None]: ...

    def snapshot(self) -> AbstractContextManager[None]: ...

    def dump_rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]: ...

    def load_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None: ...

    def schema_version(self) -> int: ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class TableSum:
    """A table's row count and checksum."""

    rows: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What :func:`copy_store` copied: per table, the source's and the destination's sums."""

    source: str
    destination: str
    version: int
    tables: dict[str, TableSum] = field(default_factory=dict)
    copied: dict[str, TableSum] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.tables == self.copied

    def to_json(self) -> dict[str, Any]:
        """The JSON that ``cyberkind db copy`` prints."""
        return {
            "source": self.source,
            "destination": self.destination,
            "schema_version": self.version,
            "verified": self.verified,
            "tables": {
                name: {
                    "rows": total.rows,
                    "source_sha256": total.sha256,
                    "destination_sha256": self.copied[name].sha256,
                }
                for name, total in self.tables.items()
            },
        }


def _canonical(value: Any) -> Any:
    if value is None:
        return value
    if isinstance(value, str):
        return text_without_nul(value)
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _checksum(rows: Iterable[Sequence[Any]]) -> TableSum:
    lines = sorted(
        json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        for row in rows
    )
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return TableSum(len(lines), digest)


def table_checksums(store: CopyableStore) -> dict[str, TableSum]:
    """Every table's row count and checksum (see the module docstring), in :data:`TABLES` order."""
    return {name: _checksum(store.dump_rows(name, columns)) for name, columns in TABLES}


def copy_store(source: CopyableStore, destination: CopyableStore) -> CopyReport:
    """Copy every row of ``source`` into the empty ``destination``, all or nothing; verify it.

    Raises :class:`~cyberkind.errors.StoreError` (and leaves the destination
    unchanged) when the schema versions differ, the destination holds data, or
    the copy does not verify.
    """
    version = source.schema_version()
    if destination.schema_version() != version:
        raise StoreError(
            f"the source has schema version {version} and the destination "
            f"{destination.schema_version()}. You can fix this by running `cyberkind db "
            "migrate` on both with the same cyberkind."
        )
    report = CopyReport(source.describe(), destination.describe(), version)
    with source.snapshot(), destination.transaction():
        # One consistent snapshot of the source for the copy and its sums, even while
        # others write to it (their new rows are simply not copied).
        occupied = {name: n for name, n in _counts(destination).items() if n}
        if occupied:
            listed = ", ".join(f"{n} in {name}" for name, n in occupied.items())
            raise StoreError(
                f"the destination {destination.describe()} already holds data ({listed}). "
                "You can fix this by copying into a new, empty database (a copy never "
                "merges into one that is in use)."
            )
        report.tables.update(table_checksums(source))
        for name, columns in TABLES:
            destination.load_rows(name, columns, source.dump_rows(name, columns))
        report.copied.update(table_checksums(destination))
        if not report.verified:
            differ = [n for n in report.tables if report.tables[n] != report.copied.get(n)]
            raise StoreError(
                f"the copy does not match its source in {', '.join(differ)}, so nothing was "
                "written. You can fix this by reporting it as a bug, with the output of "
                "`cyberkind db copy`."
            )
    return report


def _counts(store: CopyableStore) -> dict[str, int]:
    return {name: sum(1 for _ in store.dump_rows(name, columns[:1])) for name, columns in TABLES}
