"""Opening a store by its ``--db`` value: a path, a ``sqlite://`` URL or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from .sqlite import SQLiteStore, default_db_path

if TYPE_CHECKING:
    from .postgres import PostgresStore

__all__ = ["open_store", "resolve_db_path"]


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


def open_store(
    db: str | Path | None = None, *, any_thread: bool = False, autocheckpoint: bool = True
) -> SQLiteStore | PostgresStore:
    """Open (creating and migrating as needed) the store that ``db`` names.

    A ``postgresql://`` (or ``postgres://``) URL opens a :class:`PostgresStore`
    (``pip install 'cyberkind[postgres]'``); a path, ``sqlite:///path`` or
    ``":memory:"`` opens a :class:`SQLiteStore`; ``None`` opens the default file.
    ``any_thread`` and ``autocheckpoint`` are :class:`SQLiteStore`'s (a pool's connections).
    """
    if db is not None and str(db).lower().startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(str(db))
    path = ":memory:" if str(db) == ":memory:" else resolve_db_path(db)
    return SQLiteStore(path, any_thread=any_thread, autocheckpoint=autocheckpoint)
