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

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ._common import content_hash, from_iso, to_iso
from ._members import MemberTables
from ._text import NulFreeTables, rows_without_nul, without_nul
from ._wall import WallTables
from .migrations import migrate

__all__ = ["SQLiteStore", "content_hash", "default_db_path", "from_iso", "to_iso"]


def default_db_path() -> Path:
    """``inbox.db`` in the user's data folder (e.g. ``~/.local/share/cyberkind``)."""
    import platformdirs

    return platformdirs.user_data_path("cyberkind") / "inbox.db"


class SQLiteStore(NulFreeTables, WallTables, MemberTables):
    """The :class:`~cyberkind.store.base.Store` protocol on one SQLite file.

    ``path`` may be ``":memory:"`` (tests). The parent folder is created. The logic is
    :class:`~cyberkind.store._common.StoreTables` (shared with the PostgreSQL store), the
    ideas wall's :class:`~cyberkind.store._wall.WallTables` and the team's
    :class:`~cyberkind.store._members.MemberTables`; here are SQLite's hooks.
    """

    def __init__(
        self, path: str | Path, *, any_thread: bool = False, autocheckpoint: bool = True
    ) -> None:
        """``any_thread`` lets one connection serve several threads in turn (a pool hands it
        to one at a time); ``autocheckpoint=False`` leaves the WAL's checkpoints to
        :meth:`checkpoint`, so that no commit of this connection pays for one."""
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
            self._conn = sqlite3.connect(
                str(self.path),
                isolation_level=None,
                timeout=30,
                check_same_thread=not any_thread,
            )
            self._conn.row_factory = sqlite3.Row
            _use_wal(self._conn)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not autocheckpoint:
                self._conn.execute("PRAGMA wal_autocheckpoint = 0")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the store {self.path} ({exc}). You can fix this by passing --db "
                "with the path of a cyberkind store, or of a new file."
            ) from exc
        self._depth = 0

    def __enter__(self) -> SQLiteStore:
        return self

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self._conn.close()

    def checkpoint(self) -> None:
        """Copy the WAL's committed pages into the database file (a passive checkpoint: it
        waits for no reader or writer, and does what it can now)."""
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run raw SQL and return every row (for tests and debugging)."""
        return list(self._conn.execute(sql, params))

    # -- SQLite's hooks ---------------------------------------------------------------------

    @contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves; IMMEDIATE serialises writers.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    @contextmanager
    def _snapshot_transaction(self) -> Iterator[None]:
        # A deferred, read-only transaction: in WAL mode it reads one snapshot (taken at its
        # first read) while writers go on; query_only makes a write inside it an error.
        self._conn.execute("PRAGMA query_only = ON")
        try:
            self._conn.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                self._conn.execute("COMMIT")
        finally:
            self._conn.execute("PRAGMA query_only = OFF")

    # Every statement's text parameters go through _text: NUL becomes U+FFFD, as on PostgreSQL.

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, without_nul(params)).fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.transaction():
            return self._conn.execute(sql, without_nul(params)).rowcount

    def _write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.transaction():
            self._conn.executemany(sql, rows_without_nul(rows))

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        with self.transaction():
            return int(self._conn.execute(sql, without_nul(params)).lastrowid or 0)

    def _in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        if not values:
            return "0", []
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    def _search_rows(self, words: Sequence[str], limit: int) -> list[sqlite3.Row]:
        # Each word is quoted, so FTS5 syntax in a message (AND, NEAR, *, ") stays text.
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        return self._rows(
            "SELECT links.*, -bm25(links_fts, 5.0, 1.0, 3.0) AS rank, "
            "highlight(links_fts, 0, char(2), char(3)) AS h0, "
            "highlight(links_fts, 1, char(2), char(3)) AS h1, "
            "highlight(links_fts, 2, char(2), char(3)) AS h2 "
            "FROM links_fts JOIN links ON links.id = links_fts.rowid "
            "WHERE links_fts MATCH ? ORDER BY rank DESC, links.id LIMIT ?",
            (query, limit),
        )

    # -- copying between stores (cyberkind db copy) -----------------------------------------

    def dump_rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table`` (``columns`` in order), for :mod:`cyberkind.store.transfer`."""
        cursor = self._conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
        while batch := cursor.fetchmany(1000):
            yield from (tuple(row) for row in batch)

    def load_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows as they are (ids included), inside the caller's transaction."""
        marks = ", ".join("?" * len(columns))
        self._write_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def describe(self) -> str:
        """Where the store is, for messages (``sqlite:///path``)."""
        return f"sqlite:///{self.path}"


def _use_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch a store to WAL, waiting out other connections that are opening it too.

    Changing the journal mode needs a moment alone with the file, and SQLite answers
    "database is locked" at once instead of calling the busy handler, so several
    processes opening a brand-new store together must retry. WAL then persists in the
    file, and later opens change nothing.
    """
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * min(attempt + 1, 20))
