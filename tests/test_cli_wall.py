"""``cyberkind wall add|list|approve|reject|export``: the ideas wall from the terminal.

Real parts: a real SQLite store file filled by the real import pipeline (the hashtag stub
scorer of conftest.py), the shipped guard (``wall add`` holds hostile ideas for moderation),
and click's CliRunner on the real command group.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cyberkind.cli import cli
from cyberkind.inbox import Inbox
from cyberkind.pipeline import import_file
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.wall import Wall


@pytest.fixture
def db(db_path: Path, tmp_path: Path, stub_scorer: Any) -> Path:
    rows = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "My post", "title": "Zines"},
        {
            "id": "c1",
            "kind": "comment",
            "author": "Lee",
            "parent_id": "p1",
            "thread_id": "p1",
            "url": "https://blog.example/p1#c1",
            "text": "Idea: what if we all left a kind note for a neighbour?",
        },
        {
            "id": "c2",
            "kind": "comment",
            "author": "Rex",
            "parent_id": "p1",
            "thread_id": "p1",
            "text": "Idea: we could all tell those pathetic idiots to be kind",
        },
        {
            "id": "c3",
            "kind": "comment",
            "author": "Ana",
            "parent_id": "p1",
            "thread_id": "p1",
            "text": "I loved it",
        },
    ]
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with SQLiteStore(db_path) as store:
        import_file(store, items, scorer=stub_scorer, source="blog")
        Wall(store).submit("Smile at a stranger", "Jo")
    return db_path


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def opp(db: Path, person: str, *, idea: bool = True) -> str:
    with SQLiteStore(db) as store:
        found = Inbox(store).opportunities(states=None)
    return next(o.id for o in found if o.person == person and o.is_idea is idea)


def test_wall_add_puts_an_inbox_idea_on_the_wall_once(db: Path) -> None:
    oid = opp(db, "Lee")
    added = run(db, "wall", "add", oid)
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Idea 2 is on the wall: ")
    assert "Lee" in added.output and "gold star" in added.output.lower()
    again = run(db, "wall", "add", oid, "--json")
    assert again.exit_code == 0
    body = json.loads(again.output)
    assert body["repeat"] is True and body["status"] == "published"
    assert body["idea"]["credits"] == [{"name": "Lee", "url": "https://blog.example/p1#c1"}]
    assert run(db, "wall", "add", oid).output == (
        "Already on the wall as idea 2 (published); nothing was added.\n"
    )
    with SQLiteStore(db) as store:
        assert store.get_opportunity(oid).state.value == "done"
        assert [(a.person, a.opportunity_id) for a in store.star_awards("Lee")] == [("Lee", oid)]
        assert len(store.ideas(None)) == 2


def test_wall_add_holds_what_the_guard_flags_and_refuses_non_ideas(db: Path) -> None:
    held = run(db, "wall", "add", opp(db, "Rex"))
    assert held.exit_code == 0
    assert held.output.startswith("Idea 2 waits for moderation: the guard says")
    assert held.output.rstrip().endswith("Approve it with `cyberkind wall approve 2`.")
    not_idea = run(db, "wall", "add", opp(db, "Ana", idea=False))
    assert not_idea.exit_code == 1
    assert "is not an idea for a kind act. You can fix this" in not_idea.output
    missing = run(db, "wall", "add", "zzzz")
    assert missing.exit_code == 1 and missing.output.startswith("Error: no opportunity")


def test_list_approve_reject_export(db: Path) -> None:
    run(db, "wall", "add", opp(db, "Rex"))
    pending = run(db, "wall", "list", "--status", "pending")
    assert pending.exit_code == 0
    lines = pending.output.splitlines()
    assert lines[0].split()[:4] == ["2", "pending", "1", "gold"]
    assert lines[1].strip().startswith("held because the guard says")
    as_json = json.loads(run(db, "wall", "list", "--json").output)
    assert [(i["id"], i["status"]) for i in as_json] == [(2, "pending"), (1, "published")]
    assert run(db, "wall", "list", "--status", "rejected").output == "No ideas.\n"
    assert run(db, "wall", "list", "--status", "gone").exit_code == 2

    approved = run(db, "wall", "approve", "2")
    assert approved.exit_code == 0 and approved.output.split()[:2] == ["2", "published"]
    with SQLiteStore(db) as store:
        assert sum(a.count for a in store.star_awards("Rex")) == 1
    rejected = run(db, "wall", "reject", "1")
    assert rejected.output.split()[:2] == ["1", "rejected"]
    assert run(db, "wall", "approve", "99").exit_code == 1

    exported = run(db, "wall", "export", "--csv")
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [(r["id"], r["status"], r["author"]) for r in rows] == [
        ("1", "rejected", "Jo"),
        ("2", "published", "Rex"),
    ]
    assert rows[0]["text"] == "Smile at a stranger"
    default = json.loads(run(db, "wall", "export").output)
    assert [i["id"] for i in default] == [1, 2]
    assert json.loads(run(db, "wall", "export", "--json").output) == default
