"""Where the inbox lives: items, cursors and opportunities behind one :class:`Store` protocol.

**Usage**::

    from cyberkind.store import open_store

    with open_store() as store:        # the db setting, CYBERKIND_DB, or the user data folder
        print(store.cursors())

    with open_store("postgresql://team@db.example/cyberkind") as store:   # a team store
        print(store.claims())
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from .base import LinkMatch, Member, OutboxEntry, Store, StoredItem, UpsertCounts
from .sqlite import SQLiteStore, default_db_path
from .transfer import copy_store

if TYPE_CHECKING:
    from .postgres import PostgresStore

__all__ = [
    "LinkMatch",
    "Member",
    "OutboxEntry",
    "SQLiteStore",
    "Store",
    "StoredItem",
    "UpsertCounts",
    "copy_store",
    "default_db_path",
    "open_store",
    "resolve_db_path",
]


def resolve_db_path(db: str | Path | None = None) -> Path:
    """``db`` (``--db`` or the ``db`` setting) if given, else :func:`default_db_path`.

    ``sqlite:///inbox.db`` is the file ``inbox.db``; ``sqlite:////srv/inbox.db`` is absolute.
    """
    if db and str(db).lower().startswith("sqlite://"):
        rest = str(db)[len("sqlite://") :]
        if not rest.startswith("/") or rest == "/":
            raise StoreError(
                f"{db} is not a SQLite URL cyberkind understands. You can fix this by writing "
                "sqlite:///relative/path.db or sqlite:////absolute/path.db, or a plain path."
            )
        db = rest[1:]
    return Path(db).expanduser() if db else default_db_path()


def open_store(db: str | Path | None = None) -> SQLiteStore | PostgresStore:
    """Open (creating and migrating as needed) the store that ``db`` names.

    A ``postgresql://`` (or ``postgres://``) URL opens a :class:`PostgresStore`
    (``pip install 'cyberkind[postgres]'``); a path, ``sqlite:///path`` or
    ``":memory:"`` opens a :class:`SQLiteStore`; ``None`` opens the default file.
    """
    if db is not None and str(db).lower().startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(str(db))
    return SQLiteStore(":memory:" if str(db) == ":memory:" else resolve_db_path(db))
