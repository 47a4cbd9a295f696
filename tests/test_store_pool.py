"""The store pool behind the web app: connections kept open and lent one thread at a time,
the write-ahead log checkpointed in the background rather than by a commit or a close."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cyberkind.store import StorePool, open_store


def _wal(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def _wal_frames(db: Path) -> tuple[int, int]:
    """(frames in the WAL, frames of them checkpointed), read without checkpointing."""
    with open_store(db) as store:
        # A passive checkpoint of nothing new reports the log as it stands.
        row = store.execute("PRAGMA wal_checkpoint(PASSIVE)")[0]
        return int(row[1]), int(row[2])


def test_a_pool_reuses_its_connections_and_lends_each_to_one_thread(tmp_path: Path) -> None:
    pool = StorePool(tmp_path / "p.db")
    try:
        with pool.store() as first:
            pass
        with pool.store() as again:
            assert again is first
        seen: list[object] = []
        inside = threading.Barrier(3)

        def borrow() -> None:
            with pool.store() as store:
                seen.append(store)
                inside.wait(10)  # all three held at once

        threads = [threading.Thread(target=borrow) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len({id(s) for s in seen}) == 3
        with pool.store() as store:  # a connection made in another thread serves this one
            store.set_config("k", "v")
            assert store.get_config("k") == "v"
    finally:
        pool.close()


def test_commits_through_a_pool_leave_checkpoints_to_its_background_thread(
    tmp_path: Path,
) -> None:
    """Before: each request opened its own connection, and the close of the last one
    checkpointed the whole WAL and deleted it (11 ms on the request's path); a commit past
    1,000 pages checkpointed too."""
    db = tmp_path / "p.db"
    pool = StorePool(db, checkpoint_every=0.2)
    try:
        with pool.store() as store:
            assert store.execute("PRAGMA wal_autocheckpoint")[0][0] == 0
            store.set_config("k", "v" * 50_000)
        assert _wal(db).exists()  # the close of a request's connection kept it
        deadline = time.monotonic() + 10
        while True:
            frames, done = _wal_frames(db)
            if frames and frames == done:
                break  # checkpointed, by the pool's thread alone
            assert time.monotonic() < deadline, (frames, done)
            time.sleep(0.05)
    finally:
        pool.close()
    assert not _wal(db).exists()  # the last close checkpointed and removed it
    with open_store(db) as store:
        assert store.get_config("k") == "v" * 50_000


def test_a_connection_whose_block_raised_is_closed_not_lent_again(tmp_path: Path) -> None:
    pool = StorePool(tmp_path / "p.db")
    try:
        with pool.store() as first:
            pass
        try:
            with pool.store() as failed:
                assert failed is first
                raise RuntimeError("the connection may be what failed")
        except RuntimeError:
            pass
        with pool.store() as fresh:
            assert fresh is not first
            assert fresh.get_config("k") is None
    finally:
        pool.close()
