"""Where the inbox lives: items, cursors and opportunities behind one :class:`Store` protocol.

**Usage**::

    from cyberkind.store import open_store

    with open_store() as store:        # the db setting, CYBERKIND_DB, or the user data folder
        print(store.cursors())

    with open_store("postgresql://team@db.example/cyberkind") as store:   # a team store
        print(store.claims())
"""

from __future__ import annotations

from ._open import open_store, resolve_db_path
from .base import LinkMatch, Member, OutboxEntry, Store, StoredItem, UpsertCounts
from .pool import StorePool
from .sqlite import SQLiteStore, default_db_path
from .transfer import copy_store

__all__ = [
    "LinkMatch",
    "Member",
    "OutboxEntry",
    "SQLiteStore",
    "Store",
    "StorePool",
    "StoredItem",
    "UpsertCounts",
    "copy_store",
    "default_db_path",
    "open_store",
    "resolve_db_path",
]
