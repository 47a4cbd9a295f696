"""Rough store timings: upserts on SQLite vs PostgreSQL, then db copy SQLite -> PostgreSQL.

Starts a throwaway PostgreSQL cluster the way the tests do (tests/postgres_server.py), so it
needs Debian's postgresql and cyberkind[postgres]. Run from the repository root:

    PYTHONPATH=src python scripts/store_timings.py 20000

The figures in docs/teams.md come from it.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, "tests")
from postgres_server import start_postgres

from cyberkind.models import Author, Item, ItemKind
from cyberkind.store import open_store
from cyberkind.store.transfer import copy_store, table_checksums

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
items = [
    Item(
        "bench:src",
        str(i),
        ItemKind.COMMENT,
        Author(f"h{i % 97}", f"Person {i % 97}"),
        f"Thank you so much for post {i} — it made my day ✨",
        thread_id=f"t{i // 20}",
    )
    for i in range(N)
]
server = start_postgres()
tmp = Path(tempfile.mkdtemp())
try:
    pg_a, pg_b = server.fresh_database(), server.fresh_database()
    for name, db in (("sqlite", str(tmp / "a.db")), ("postgres", pg_a)):
        with open_store(db) as s:
            t = time.perf_counter()
            for k in range(0, N, 200):
                s.upsert_items(items[k : k + 200], {})
            dt = time.perf_counter() - t
            t = time.perf_counter()
            s.upsert_items(items[:2000], {})
            dt2 = time.perf_counter() - t
            print(f"{name}: upsert {N} new items {dt:.2f}s ({N / dt:.0f}/s)")
            print(f"{name}: upsert 2000 unchanged items {dt2:.2f}s")
    with open_store(str(tmp / "a.db")) as src, open_store(pg_b) as dst:
        t = time.perf_counter()
        table_checksums(src)
        tc = time.perf_counter() - t
        t = time.perf_counter()
        rep = copy_store(src, dst)
        dt = time.perf_counter() - t
        print(f"checksums of the SQLite store: {tc:.2f}s")
        print(f"db copy SQLite->PostgreSQL of {N} items, with checksums of both sides: {dt:.2f}s")
        print(f"verified: {rep.verified}")
finally:
    server.stop()
