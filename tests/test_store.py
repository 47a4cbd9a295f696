"""The SQLite store: migrations, identity, transactions, cursors, opportunity states."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cyberkind.errors import NotFoundError, StoreError
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority, State
from cyberkind.store import Store, open_store, resolve_db_path
from cyberkind.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from cyberkind.store.sqlite import SQLiteStore

SRC = "test:blog"


def _item(remote_id: str, text: str = "hello", **kw: object) -> Item:
    return Item(SRC, remote_id, ItemKind.COMMENT, Author("h", "Ana"), text, **kw)  # type: ignore[arg-type]


def _opp(opp_id: str, *item_ids: str, thread: str = "t") -> Opportunity:
    return Opportunity(
        opp_id,
        Act.THANK_COMMENTER,
        "Ana",
        SRC,
        item_ids,
        "because",
        Priority.UNANSWERED,
        thread_key=thread,
    )


def test_sqlite_store_implements_the_protocol(fresh_db: SQLiteStore) -> None:
    assert isinstance(fresh_db, Store)


def test_file_store_uses_wal_and_foreign_keys(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.execute("PRAGMA journal_mode")[0][0] == "wal"
        assert store.execute("PRAGMA foreign_keys")[0][0] == 1
    assert db_path.is_file()


def test_migrations_are_recorded_and_idempotent(db_path: Path) -> None:
    SQLiteStore(db_path).close()
    SQLiteStore(db_path).close()
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT version, name FROM schema_version").fetchall()
    assert rows == [(i, m.__name__) for i, m in enumerate(MIGRATIONS, start=1)]
    assert migrate(conn) == SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_version_1_store_gains_drafts_and_stars(db_path: Path) -> None:
    """Migration 2 upgrades a store written before the composer, keeping its items."""
    from cyberkind.models import StarAward
    from cyberkind.store.migrations import m001_items_cursors_opportunities

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    m001_items_cursors_opportunities(conn)
    conn.execute("INSERT INTO schema_version VALUES (1, 'm001_items_cursors_opportunities', 'x')")
    conn.close()
    with SQLiteStore(db_path) as store:
        assert store.execute("SELECT MAX(version) FROM schema_version")[0][0] == SCHEMA_VERSION
        assert store.award_stars(StarAward("Ana", 1, "by hand", opportunity_id="o1"))
        assert not store.award_stars(StarAward("Ana", 1, "again", opportunity_id="o1"))
        assert store.award_stars(StarAward("Ana", 2, "by hand"))
        assert [a.count for a in store.star_awards("Ana")] == [1, 2]
        store.save_draft("o1", {"text": "Hi", "stars": 1})
        store.save_draft("o1", {"text": "Hi again", "stars": 1})
        assert store.saved_draft("o1") == {"text": "Hi again", "stars": 1}
        assert store.saved_draft("o2") is None


def test_a_newer_schema_is_refused(db_path: Path) -> None:
    SQLiteStore(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'x')")
    with pytest.raises(StoreError, match=r"newer than this cyberkind knows.*upgrading"):
        SQLiteStore(db_path)


@pytest.mark.parametrize("content", [b"not a database at all, just text" * 100])
def test_a_file_that_is_not_a_store_is_a_clear_error(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match=r"cannot open the store .*You can fix this by"):
        SQLiteStore(db_path)


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        SQLiteStore(tmp_path)


def test_default_path_is_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temporary folder.
    assert resolve_db_path(None).name == "inbox.db"
    assert "cyberkind" in resolve_db_path(None).parts
    assert resolve_db_path(tmp_path / "x.db") == tmp_path / "x.db"


def test_upsert_never_duplicates(fresh_db: SQLiteStore) -> None:
    counts = fresh_db.upsert_items([_item("1"), _item("2")], {})
    assert (counts.new, counts.updated, counts.unchanged) == (2, 0, 0)
    counts = fresh_db.upsert_items([_item("1"), _item("2", "edited")], {})
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    assert [s.item.text for s in fresh_db.items(SRC)] == ["hello", "edited"]
    with pytest.raises(sqlite3.IntegrityError):
        fresh_db.execute(
            "INSERT INTO items (source, remote_id, kind, author_handle, author_name, thread_key, "
            "is_own, content_hash) VALUES (?, '1', 'comment', 'h', 'A', '1', 0, 'x')",
            (SRC,),
        )


def test_scores_are_kept_when_an_update_brings_none(fresh_db: SQLiteStore) -> None:
    fresh_db.upsert_items([_item("1")], {"1": {"gratitude": 0.9}})
    fresh_db.upsert_items([_item("1", "changed")], {})
    assert fresh_db.items(SRC)[0].scores == {"gratitude": 0.9}


def test_items_round_trip(fresh_db: SQLiteStore) -> None:
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    item = _item(
        "9",
        url="https://x",
        parent_remote_id="p",
        thread_id="p",
        created_at=when,
        is_own=True,
        raw={"title": "T"},
    )
    fresh_db.upsert_items([item], {})
    assert fresh_db.items(SRC, remote_ids=["9"])[0].item == item
    assert fresh_db.items(SRC, thread_key="p")[0].item == item
    assert fresh_db.items(SRC, remote_ids=[]) == []
    assert fresh_db.answered(SRC, ["p", "q"]) == {"p"}
    assert fresh_db.thread_keys(SRC, ["9"]) == {"p"}


def test_transaction_rolls_back_everything(fresh_db: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), fresh_db.transaction():
        fresh_db.upsert_items([_item("1")], {})
        fresh_db.set_cursor(SRC, "c1")
        raise RuntimeError("boom")
    assert fresh_db.items() == [] and fresh_db.cursors() == {}


def test_cursors_are_per_source(fresh_db: SQLiteStore) -> None:
    assert fresh_db.get_cursor(SRC) is None
    fresh_db.set_cursor(SRC, "a")
    fresh_db.set_cursor("other", "b")
    fresh_db.set_cursor(SRC, "c")
    assert fresh_db.cursors() == {SRC: "c", "other": "b"}


def test_saving_opportunities_keeps_user_states(fresh_db: SQLiteStore) -> None:
    fresh_db.upsert_items([_item("1"), _item("2"), _item("3")], {})
    fresh_db.save_thread_opportunities(
        SRC, "t", [_opp("aaaa1", "1"), _opp("bbbb2", "2"), _opp("cccc3", "3")]
    )
    fresh_db.set_state("aaaa1", State.DISMISSED)
    fresh_db.set_state("bbbb2", State.DRAFTED)
    # Re-derived: 1 and 2 no longer apply (say, answered), 3 still does, with a new reason.
    fresh_db.save_thread_opportunities(SRC, "t", [_opp("cccc3", "3")])
    states = {o.id: o.state for o in fresh_db.opportunities()}
    assert states == {"aaaa1": State.DISMISSED, "bbbb2": State.DONE, "cccc3": State.OPEN}
    fresh_db.save_thread_opportunities(SRC, "t", [])
    assert "cccc3" not in {o.id for o in fresh_db.opportunities()}
    fresh_db.save_thread_opportunities(SRC, "t", [_opp("aaaa1", "1")])
    assert fresh_db.get_opportunity("aaaa1").state is State.DISMISSED
    links = fresh_db.execute("SELECT opportunity_id FROM opportunity_items ORDER BY 1")
    assert [r[0] for r in links] == ["aaaa1", "bbbb2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("abcd1234", "abcd1234"), ("abcd", None), ("ABCD12", "abcd1234"), ("abce", "abce9999")],
)
def test_get_opportunity_by_id_or_unique_prefix(
    fresh_db: SQLiteStore, query: str, expected: str | None
) -> None:
    fresh_db.save_thread_opportunities(
        SRC, "t", [_opp("abcd1234"), _opp("abcd5678"), _opp("abce9999")]
    )
    if expected is None:
        with pytest.raises(NotFoundError, match="more than one opportunity"):
            fresh_db.get_opportunity(query)
    else:
        assert fresh_db.get_opportunity(query).id == expected


@pytest.mark.parametrize("query", ["zzzz9999", "abc", ""])
def test_unknown_opportunity_is_not_found(fresh_db: SQLiteStore, query: str) -> None:
    fresh_db.save_thread_opportunities(SRC, "t", [_opp("abcd1234")])
    with pytest.raises(NotFoundError, match=r"no opportunity has the id.*cyberkind inbox"):
        fresh_db.get_opportunity(query)


def test_snooze_needs_a_time_and_wakes(fresh_db: SQLiteStore) -> None:
    fresh_db.save_thread_opportunities(SRC, "t", [_opp("abcd1234")])
    with pytest.raises(StoreError, match="needs a time"):
        fresh_db.set_state("abcd1234", State.SNOOZED)
    soon = datetime.now(UTC) + timedelta(days=1)
    assert fresh_db.set_state("abcd1234", State.SNOOZED, soon).snooze_until is not None
    assert fresh_db.wake_snoozed(datetime.now(UTC)) == 0
    assert fresh_db.wake_snoozed(soon + timedelta(seconds=1)) == 1
    opp = fresh_db.get_opportunity("abcd1234")
    assert (opp.state, opp.snooze_until) == (State.OPEN, None)


def test_opportunity_filters(fresh_db: SQLiteStore) -> None:
    fresh_db.save_thread_opportunities(SRC, "t", [_opp("abcd1234"), _opp("bcde2345")])
    fresh_db.set_state("bcde2345", State.DONE)
    assert [o.id for o in fresh_db.opportunities(states=[State.OPEN])] == ["abcd1234"]
    assert fresh_db.opportunities(states=[]) == []
    assert fresh_db.opportunities(acts=["hug"]) == []
    assert len(fresh_db.opportunities(sources=[SRC], thread_key="t")) == 2


def test_accounts_round_trip_without_secrets(fresh_db: SQLiteStore, db_path: Path) -> None:
    from cyberkind.models import Account

    work = Account("work", "mastodon", "https://social.example", "ana", {"visibility": "public"})
    assert fresh_db.add_account(work) is True
    assert fresh_db.add_account(Account("blog", "wordpress", "https://kind.example", "ana"))
    moved = Account("work", "mastodon", "https://moved.example", "ana")
    assert fresh_db.add_account(moved) is False
    assert [a.name for a in fresh_db.accounts()] == ["blog", "work"]
    assert fresh_db.get_account("work") == moved
    assert fresh_db.get_account("work").source == "mastodon:work"
    with pytest.raises(StoreError, match="already a mastodon account"):
        fresh_db.add_account(Account("work", "bluesky", "https://bsky.social"))
    assert fresh_db.remove_account("work") is True
    assert fresh_db.remove_account("work") is False
    with pytest.raises(NotFoundError, match="accounts list"):
        fresh_db.get_account("work")
    columns = {row[1] for row in fresh_db._conn.execute("PRAGMA table_info(accounts)")}
    assert not columns & {"password", "token", "secret"}
