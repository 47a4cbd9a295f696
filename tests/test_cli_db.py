"""``cyberkind db migrate`` and ``cyberkind db copy``: a real SQLite file copied into a real
PostgreSQL database (tests/postgres_server.py) and back, verified by counts and checksums.

The data is an imported WordPress export (tests/data/kindcorner.wxr.xml, scored by the
stub scorer) plus every other table filled through the store API: drafts, stars,
links, accounts, the outbox, feeds, cursors, claims and the team policy, with NULLs,
non-ASCII text and a snoozed opportunity.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import WXR

from cyberkind.cli import cli
from cyberkind.errors import StoreError
from cyberkind.models import Account, Link, StarAward, State
from cyberkind.pipeline import import_file
from cyberkind.store import SQLiteStore, open_store
from cyberkind.store.base import Member
from cyberkind.store.migrations import SCHEMA_VERSION
from cyberkind.store.transfer import TABLES, copy_store, table_checksums


def _fill(store: Any, scorer: Any) -> None:
    import_file(store, WXR, scorer=scorer, identity=["kindcorner"])
    opps = store.opportunities()
    assert len(opps) >= 3, "the WXR fixture should give a few opportunities"
    first, second, third = opps[:3]
    store.save_draft(first.id, {"text": "Danke schön, Zoë! 🌻", "stars": 2})
    store.award_stars(StarAward(first.person, 2, "thanked", opportunity_id=first.id))
    store.award_stars(StarAward("Ana", 1, "by hand — ünïcode"))
    store.set_state(second.id, State.SNOOZED, datetime.now(UTC) + timedelta(days=2))
    store.claim(third.id, "bob")
    store.set_team_setting("policy", 'version = 1\n[terms]\nblocked = ["x"]\n', "ana")
    store.add_member(Member("ana", "Ana Ü.", "owner", password_hash="$argon2id$v=19$fake"))
    store.add_member(Member("bob", "Bob", "member", disabled=True))
    store.add_account(Account("social", "mastodon", "https://social.example", "ana", {"v": "1"}))
    store.add_feed("https://kind.example/feed", comments=True)
    store.set_cursor("rss:https://kind.example/feed", "2026-11-20T09:00:00+00:00")
    store.upsert_links(
        [
            Link("https://a.example/sleep", "Sleep routines", "How to rest", ("sleep", "health")),
            Link("https://b.example/", "", "", (), origin="bookmarks"),
        ]
    )
    idea = store.add_idea("Leave a kind note on a neighbour's door", "Zoë", client="c1", nonce="n1")
    store.add_idea_submission(idea.idea_id, "Sam", "Kind notes for neighbours", client="c2")
    store.star_idea(idea.idea_id, "voter-hash")
    store.set_config("wall_title", "Kindness ideas")
    entry = store.outbox_begin("k1", first.id, first.source, "p1")
    store.outbox_sent(entry.key, "remote-1")
    store.outbox_begin("k2", third.id, third.source, "p2")


def _schema_tables(store: Any) -> dict[str, set[str]]:
    if isinstance(store, SQLiteStore):
        names = [
            r[0]
            for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith(("sqlite_", "links_fts"))
        ]
        return {n: {r[1] for r in store.execute(f"PRAGMA table_info({n})")} for n in names}
    rows = store.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public'"
    )
    found: dict[str, set[str]] = {}
    for r in rows:
        if r["column_name"] != "search":  # the links' generated tsvector, not data
            found.setdefault(r["table_name"], set()).add(r["column_name"])
    return found


def test_tables_cover_every_column_of_the_schema(store: Any) -> None:
    """A new migration's table must join TABLES, or `db copy` would leave it behind."""
    schema = _schema_tables(store)
    schema.pop("schema_version")
    assert {name: set(columns) for name, columns in TABLES} == schema


def test_db_migrate_prints_the_version(db_url: str) -> None:
    result = CliRunner().invoke(cli, ["db", "migrate", "--db", db_url])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["schema_version"] == SCHEMA_VERSION
    assert printed["db"] == (db_url if "://" in db_url else f"sqlite:///{db_url}")
    again = CliRunner().invoke(cli, ["db", "migrate", "--db", db_url])
    assert json.loads(again.output) == printed


def test_copy_sqlite_to_postgres_and_back_loses_nothing(
    tmp_path: Path, pg_url: str, stub_scorer: Any
) -> None:
    src = tmp_path / "inbox.db"
    with open_store(src) as store:
        _fill(store, stub_scorer)
        sums = table_checksums(store)
        items, opps = store.items(), store.opportunities()
        stars, links, claims = store.star_awards(), store.links(), store.claims()
    assert all(sums[name].rows > 0 for name, _ in TABLES), sums

    result = CliRunner().invoke(cli, ["db", "copy", str(src), pg_url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["verified"] is True and report["schema_version"] == SCHEMA_VERSION
    for name, total in sums.items():
        row = report["tables"][name]
        assert row == {
            "rows": total.rows,
            "source_sha256": total.sha256,
            "destination_sha256": total.sha256,
        }

    with open_store(pg_url) as pg:
        # Checksums computed independently on PostgreSQL; the data reads back the same.
        assert table_checksums(pg) == sums
        assert pg.items() == items and pg.opportunities() == opps
        assert pg.star_awards() == stars and pg.links() == links
        assert pg.claims() == claims and list(claims.values()) == ["bob"]
        assert [m.link.url for m in pg.search_links(["sleeping"])] == ["https://a.example/sleep"]
        # The id sequences moved past the copied ids: new rows do not collide.
        assert pg.award_stars(StarAward("Ana", 3, "after the copy"))
        assert pg.upsert_links([Link("https://c.example/", "New")]).new == 1

    back = tmp_path / "back.db"
    result = CliRunner().invoke(cli, ["db", "copy", pg_url, str(back)])
    assert result.exit_code == 0, result.output
    assert "Verified: every table's count and checksum match." in result.output
    assert "stars" in result.output and "DIFFERS" not in result.output
    with open_store(back) as store:
        after = table_checksums(store)
    assert after["stars"].rows == sums["stars"].rows + 1
    assert {n: s for n, s in after.items() if n not in ("stars", "links")} == {
        n: s for n, s in sums.items() if n not in ("stars", "links")
    }


def test_copy_refuses_a_destination_that_holds_data(tmp_path: Path, db_url: str) -> None:
    with open_store(tmp_path / "src.db") as src:
        src.set_cursor("a", "1")
    with open_store(db_url) as dst:
        dst.set_cursor("mine", "keep")
    result = CliRunner().invoke(cli, ["db", "copy", str(tmp_path / "src.db"), db_url])
    assert result.exit_code == 1
    assert "already holds data (1 in cursors)" in result.output
    assert "You can fix this by copying into a new, empty database" in result.output
    with open_store(db_url) as dst:
        assert dst.cursors() == {"mine": "keep"}


def test_copy_is_all_or_nothing(
    tmp_path: Path, db_url: str, stub_scorer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy that fails part-way (here: while loading links) leaves the destination empty."""
    with open_store(tmp_path / "src.db") as src, open_store(db_url) as dst:
        _fill(src, stub_scorer)
        real_load = dst.load_rows

        def load_until_links(table: str, columns: Any, rows: Any) -> None:
            if table == "links":
                raise StoreError("disk full (simulated)")
            real_load(table, columns, rows)

        monkeypatch.setattr(dst, "load_rows", load_until_links)
        with pytest.raises(StoreError, match="simulated"):
            copy_store(src, dst)
        assert all(total.rows == 0 for total in table_checksums(dst).values())
        monkeypatch.setattr(dst, "load_rows", real_load)
        assert copy_store(src, dst).verified  # and run again, it goes through


def test_checksums_see_a_changed_value(store: Any) -> None:
    store.set_cursor("a", "1")
    before = table_checksums(store)["cursors"]
    store.set_cursor("a", "2")
    after = table_checksums(store)["cursors"]
    assert before.rows == after.rows == 1 and before.sha256 != after.sha256


def test_a_snapshot_reads_one_state_while_another_connection_writes(
    store: Any, db_url: str
) -> None:
    """Store.snapshot, the source side of `db copy`: a second connection's commits during it
    are not seen and not blocked; writing inside it is refused. On a real SQLite file (WAL)
    and a real PostgreSQL server."""
    store.set_cursor("a", "1")
    columns = ("source", "cursor")
    with open_store(db_url) as other:
        with store.snapshot():
            before = sorted(store.dump_rows("cursors", columns))
            other.set_cursor("b", "2")  # commits at once: the snapshot does not block writers
            during = sorted(store.dump_rows("cursors", columns))
            assert table_checksums(store)["cursors"].rows == 1
        assert before == during == [("a", "1")]
        assert sorted(store.dump_rows("cursors", columns)) == [("a", "1"), ("b", "2")]
        with pytest.raises(Exception, match=r"(?i)read.?only"), store.snapshot():
            store.set_cursor("c", "3")
        assert store.cursors() == {"a": "1", "b": "2"}  # usable again afterwards
    with (
        store.transaction(),
        pytest.raises(StoreError, match="inside a transaction"),
        store.snapshot(),
    ):
        pass


def test_import_with_nul_bytes_works_on_every_store(
    store: Any, tmp_path: Path, stub_scorer: Any
) -> None:
    """A NUL in an export (JSON ``\\u0000``) is stored as U+FFFD on SQLite and PostgreSQL alike,
    instead of failing the import on PostgreSQL; importing the file again changes nothing."""
    export = tmp_path / "nul.jsonl"
    rows = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "My zine"},
        {
            "id": "c\u00001",
            "kind": "comment",
            "author": "Re\u0000ader",
            "parent_id": "p1",
            "thread_id": "p1",
            "text": "Thank\u0000 you! #gratitude",
        },
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_file(store, export, scorer=stub_scorer)
    assert (report.new, report.problems) == (2, [])
    comment = store.items(remote_ids=["c\x001"])[0].item
    assert (comment.remote_id, comment.author.name) == ("c\ufffd1", "Re\ufffdader")
    assert comment.text == "Thank\ufffd you! #gratitude"
    again = import_file(store, export, scorer=stub_scorer)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_copy_a_sqlite_store_holding_nul_bytes_into_postgres(
    tmp_path: Path, pg_url: str, stub_scorer: Any
) -> None:
    """A SQLite store written before NULs were replaced still holds them; `db copy` moves it to
    PostgreSQL (which refuses U+0000 in text) with U+FFFD in their place, and verifies."""
    src = tmp_path / "inbox.db"
    with open_store(src) as store:
        _fill(store, stub_scorer)
        # Raw SQL, as an older cyberkind wrote them: the store's own writes replace NULs now.
        store.execute("UPDATE items SET text = text || char(0) || 'tail' WHERE kind = 'comment'")
        store.execute("INSERT INTO cursors VALUES ('old' || char(0), 'c' || char(0), 'x')")
        assert store.execute("SELECT COUNT(*) FROM items WHERE instr(text, char(0))")[0][0] > 0
        sums = table_checksums(store)
    result = CliRunner().invoke(cli, ["db", "copy", str(src), pg_url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["verified"] is True
    assert {n: t["rows"] for n, t in report["tables"].items()} == {
        n: s.rows for n, s in sums.items()
    }
    with open_store(pg_url) as pg:
        assert table_checksums(pg) == sums
        assert pg.cursors()["old\ufffd"] == "c\ufffd"
        texts = [s.item.text for s in pg.items() if s.item.kind.value == "comment"]
        assert texts and all(t.endswith("\ufffdtail") for t in texts)
