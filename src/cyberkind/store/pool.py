"""Connections to one store, kept open and shared by a server's worker threads.

Opening a SQLite connection per request cost the wall's submissions twice over: the
opening itself, and, whenever the closing connection was the file's last, a checkpoint of
the whole write-ahead log (WAL) and its deletion, about 11 ms, on the request's path. A
:class:`StorePool` keeps its connections open for the server's life, so the WAL is never
checkpointed on close while the server runs. Its SQLite connections also never checkpoint
when they commit (``wal_autocheckpoint`` off): a background thread of the pool does it
every ``checkpoint_every`` seconds, off every request's path. A PostgreSQL store is pooled
the same way (its server does its own checkpoints).

**Usage**::

    pool = StorePool("inbox.db")
    with pool.store() as store:      # a connection no other thread holds meanwhile
        store.ideas()
    pool.close()
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoreError
from ._open import open_store
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from .postgres import PostgresStore

__all__ = ["StorePool"]

log = logging.getLogger(__name__)


class StorePool:
    """Up to ``size`` idle connections to the store at ``db``, lent one thread at a time.

    A thread that finds none idle opens another; one returned to a full pool is closed, and
    so is one whose block raised (its connection may be what failed: a PostgreSQL server
    that restarted), so the next borrower opens a fresh one.
    """

    def __init__(self, db: str | Path, *, size: int = 16, checkpoint_every: float = 1.0) -> None:
        self.db = db
        self.size = size
        self.checkpoint_every = checkpoint_every
        self._idle: queue.LifoQueue[SQLiteStore | PostgresStore] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._closed = False
        self._checkpointer: threading.Thread | None = None

    def _open(self) -> SQLiteStore | PostgresStore:
        store = open_store(self.db, any_thread=True, autocheckpoint=False)
        if isinstance(store, SQLiteStore) and str(store.path) != ":memory:":
            self._start_checkpointer(store.path)
        return store

    @contextmanager
    def store(self) -> Iterator[SQLiteStore | PostgresStore]:
        """Lend a connection for the block, then take it back."""
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = self._open()
        try:
            yield store
        except BaseException:
            store.close()
            raise
        self._give_back(store)

    def _give_back(self, store: SQLiteStore | PostgresStore) -> None:
        with self._lock:
            if not self._closed and self._idle.qsize() < self.size:
                self._idle.put(store)
                return
        store.close()

    def close(self) -> None:
        """Close every idle connection and stop checkpointing (a last checkpoint first)."""
        with self._lock:
            self._closed = True
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(30)
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break

    def _start_checkpointer(self, path: str | Path) -> None:
        with self._lock:
            if self._checkpointer is not None or self._closed:
                return
            # The thread holds the pool weakly: a pool dropped without close() still ends it.
            thread = threading.Thread(
                target=_checkpoint_loop,
                args=(path, self.checkpoint_every, self._stop, weakref.ref(self)),
                name=f"cyberkind-checkpoint {path}",
                daemon=True,
            )
            self._checkpointer = thread
        thread.start()


def _checkpoint_loop(
    path: str | Path, every: float, stop: threading.Event, pool: weakref.ref[StorePool]
) -> None:
    # Its own connection: it also keeps the file open, so no request's close is the last.
    # A failure here must not end the server, nor pass unseen: it is logged, and the next
    # tick tries again (SQLite's own checkpoint on the last close remains).
    try:
        keeper = SQLiteStore(path, autocheckpoint=False)
    except StoreError:
        log.warning("cannot open %s to checkpoint it in the background", path, exc_info=True)
        return
    try:
        while not stop.wait(every) and pool() is not None:
            _checkpoint(keeper)
        _checkpoint(keeper)
    finally:
        keeper.close()


def _checkpoint(keeper: SQLiteStore) -> None:
    try:
        keeper.checkpoint()
    except sqlite3.Error:
        log.warning("a background checkpoint of %s failed", keeper.path, exc_info=True)
