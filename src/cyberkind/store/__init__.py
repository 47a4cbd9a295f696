"""Where the inbox lives: items, cursors and opportunities behind one :class:`Store` protocol.

**Usage**::

    from cyberkind.store import open_store

    with open_store() as store:        # the db setting, CYBERKIND_DB, or the user data folder
        print(store.cursors())
"""

from __future__ import annotations

from pathlib import Path

from .base import LinkMatch, Store, StoredItem, UpsertCounts
from .sqlite import SQLiteStore, default_db_path

__all__ = [
    "LinkMatch",
    "SQLiteStore",
    "Store",
    "StoredItem",
    "UpsertCounts",
    "default_db_path",
    "open_store",
    "resolve_db_path",
]


def resolve_db_path(db: str | Path | None = None) -> Path:
    """``db`` (``--db`` or the ``db`` setting) if given, else :func:`default_db_path`."""
    return Path(db).expanduser() if db else default_db_path()


def open_store(db: str | Path | None = None) -> SQLiteStore:
    """Open (creating and migrating as needed) the SQLite store at ``db`` or the default path."""
    return SQLiteStore(":memory:" if str(db) == ":memory:" else resolve_db_path(db))
