"""fetch -> classify -> store: one transaction per batch, resumable, idempotent.

The kill tests run an import in a child process that SIGKILLs itself inside the
transaction of its third batch (after that batch's items are written, before
its cursor and commit), then resume in this process and compare every row with
an import that was never interrupted.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberkind.connectors.base import Connector, FileCursor
from cyberkind.connectors.tabular import JSONLConnector
from cyberkind.models import Batch, Item
from cyberkind.pipeline import import_file, sync
from cyberkind.store.sqlite import SQLiteStore

WXR = Path(__file__).parent / "data" / "kindcorner.wxr.xml"
BATCH = 3

CHILD = r"""
import os, signal, sys
from pathlib import Path
from cyberkind.labels import label_names
from cyberkind.pipeline import import_file
from cyberkind.store.sqlite import SQLiteStore

class Stub:
    def thresholds(self):
        return dict.fromkeys(label_names(), 0.5)
    def score(self, texts):
        return [{l: 0.9 if f"#{l}" in t else 0.01 for l in label_names()} for t in texts]

class DiesInThirdBatch(SQLiteStore):
    batches = 0
    def set_cursor(self, source, cursor):
        DiesInThirdBatch.batches += 1
        if DiesInThirdBatch.batches == 3:
            # The batch's items and opportunities are written but not committed.
            assert self._conn.in_transaction
            os.kill(os.getpid(), signal.SIGKILL)
        super().set_cursor(source, cursor)

store = DiesInThirdBatch(sys.argv[1])
import_file(store, Path(sys.argv[2]), scorer=Stub(), batch_size=int(sys.argv[3]))
print("finished without being killed")
"""


def conversation_jsonl(path: Path) -> Path:
    """A thread on the user's post: comments, answers, boosts, likes, a crisis, a question."""
    rows: list[dict[str, Any]] = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "My first zine is out"},
    ]
    for n in range(1, 9):
        rows.append(
            {
                "id": f"c{n}",
                "kind": "comment",
                "author": f"Reader {n}",
                "parent_id": "p1",
                "thread_id": "p1",
                "text": "Thank you! #gratitude" if n % 2 else "Where can I buy it? #question",
                "created_at": f"2026-11-0{n}T10:00:00Z",
            }
        )
        if n % 3 == 0:
            rows.append(
                {
                    "id": f"r{n}",
                    "kind": "reply",
                    "is_own": True,
                    "parent_id": f"c{n}",
                    "thread_id": "p1",
                    "text": "Thanks so much!",
                }
            )
    rows += [
        {"id": f"b{n}", "kind": "boost", "author": f"Booster {n}", "thread_id": "p1"}
        for n in range(1, 5)
    ]
    rows += [{"id": "l1", "kind": "like", "author": "Liker", "thread_id": "p1"}]
    rows += [{"id": "m1", "kind": "mention", "author": "Sad", "text": "I can't go on #crisis"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def snapshot(db: Path) -> dict[str, Any]:
    with SQLiteStore(db) as store:
        return {
            table: [tuple(r) for r in store.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in ("items", "opportunities", "opportunity_items")
        } | {"cursors": store.cursors()}


@pytest.fixture(params=["wxr", "jsonl"])
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return WXR if request.param == "wxr" else conversation_jsonl(tmp_path / "thread.jsonl")


def test_import_killed_mid_batch_resumes_to_the_same_rows(
    export: Path, tmp_path: Path, stub_scorer: Any
) -> None:
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(killed), str(export), str(BATCH)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr

    # Exactly the two committed batches survived, with their cursor; the third left no trace.
    with SQLiteStore(killed) as store:
        assert store.execute("PRAGMA integrity_check")[0][0] == "ok"
        source = next(iter(store.cursors()))
        cursor = FileCursor.loads(store.get_cursor(source))
        assert cursor is not None and not cursor.complete
        assert store.execute("SELECT COUNT(*) FROM items")[0][0] == 2 * BATCH == cursor.position
        resumed = import_file(store, export, scorer=stub_scorer, batch_size=BATCH)

    with SQLiteStore(clean) as store:
        whole = import_file(store, export, scorer=stub_scorer, batch_size=BATCH)
    assert resumed.read == whole.read - 2 * BATCH  # resumed from the cursor, not from the top
    assert snapshot(killed) == snapshot(clean)


class _Explodes(Connector):
    """Yields the JSONL batches, then raises while fetching batch ``fail_at``."""

    def __init__(self, inner: JSONLConnector, fail_at: int | None) -> None:
        self.inner, self.fail_at, self.source = inner, fail_at, inner.source

    def fetch(self, cursor: str | None) -> Iterator[Batch]:
        for n, batch in enumerate(self.inner.fetch(cursor), start=1):
            if n == self.fail_at:
                raise ConnectionError("connection dropped mid-page")
            yield batch


def test_an_error_between_batches_loses_and_duplicates_nothing(
    tmp_path: Path, stub_scorer: Any
) -> None:
    data = conversation_jsonl(tmp_path / "thread.jsonl")
    broken, clean = tmp_path / "broken.db", tmp_path / "clean.db"
    with SQLiteStore(broken) as store:
        with pytest.raises(ConnectionError):
            sync(store, _Explodes(JSONLConnector(data, batch_size=4), 3), stub_scorer)
        assert store.execute("SELECT COUNT(*) FROM items")[0][0] == 8
        sync(store, _Explodes(JSONLConnector(data, batch_size=4), None), stub_scorer)
    with SQLiteStore(clean) as store:
        sync(store, JSONLConnector(data, batch_size=4), stub_scorer)
    assert snapshot(broken) == snapshot(clean)


def test_an_error_inside_the_transaction_rolls_the_batch_back(
    fresh_db: SQLiteStore, tmp_path: Path, stub_scorer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = conversation_jsonl(tmp_path / "thread.jsonl")

    def broken_cursor(source: str, cursor: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fresh_db, "set_cursor", broken_cursor)
    with pytest.raises(OSError, match="disk full"):
        import_file(fresh_db, data, scorer=stub_scorer)
    assert fresh_db.execute("SELECT COUNT(*) FROM items")[0][0] == 0
    assert fresh_db.execute("SELECT COUNT(*) FROM opportunities")[0][0] == 0


def test_reimport_scores_only_new_or_changed_texts(tmp_path: Path, stub_scorer: Any) -> None:
    data = conversation_jsonl(tmp_path / "thread.jsonl")
    with SQLiteStore(tmp_path / "s.db") as store:
        first = import_file(store, data, scorer=stub_scorer)
        scored_first = sum(len(c) for c in stub_scorer.calls)
        again = import_file(store, data, scorer=stub_scorer)
        assert (again.new, again.updated, again.unchanged) == (0, 0, first.new)
        assert sum(len(c) for c in stub_scorer.calls) == scored_first  # nothing rescored
        rows = data.read_text().splitlines()
        rows[1] = rows[1].replace("Thank you!", "Thank you again!")
        data.write_text("\n".join(rows) + "\n")
        third = import_file(store, data, scorer=stub_scorer)
        assert (third.new, third.updated) == (0, 1)
        assert stub_scorer.calls[-1] == ["Thank you again! #gratitude"]
        assert store.execute("SELECT COUNT(*) FROM items")[0][0] == first.new


def test_same_id_twice_in_a_batch_is_one_item(fresh_db: SQLiteStore, stub_scorer: Any) -> None:
    from cyberkind.models import Author, ItemKind

    item = Item("s", "1", ItemKind.MENTION, Author("a", "A"), "hi")

    class Twice(Connector):
        source = "s"

        def fetch(self, cursor: str | None) -> Iterator[Batch]:
            yield Batch((item, item), "end")

    report = sync(fresh_db, Twice(), stub_scorer)
    assert report.new == 1
    assert fresh_db.cursors() == {"s": "end"}


def test_pipeline_does_not_import_click() -> None:
    code = (
        "import sys, cyberkind.pipeline, cyberkind.inbox, cyberkind.store\n"
        "print([m for m in ('click', 'rich', 'jinja2', 'cyberkind.cli') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
