"""The stores: migrations, identity, transactions, cursors, opportunity states, accounts.

Backend-neutral tests take the ``store`` fixture, so each runs twice: on a real SQLite
file and on a fresh database of a real PostgreSQL server (started by the ``postgres``
session fixture; tests/postgres_server.py). SQLite-only tests (WAL, the file) take
``fresh_db`` or ``db_path``.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import integrity_errors, table_columns

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


def test_every_store_implements_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)


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


def test_upsert_never_duplicates(store: Store) -> None:
    counts = store.upsert_items([_item("1"), _item("2")], {})
    assert (counts.new, counts.updated, counts.unchanged) == (2, 0, 0)
    counts = store.upsert_items([_item("1"), _item("2", "edited")], {})
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    assert [s.item.text for s in store.items(SRC)] == ["hello", "edited"]
    with pytest.raises(integrity_errors()):
        store.execute(
            "INSERT INTO items (source, remote_id, kind, author_handle, author_name, thread_key, "
            f"is_own, content_hash) VALUES ('{SRC}', '1', 'comment', 'h', 'A', '1', 0, 'x')"
        )


def test_scores_are_kept_when_an_update_brings_none(store: Store) -> None:
    store.upsert_items([_item("1")], {"1": {"gratitude": 0.9}})
    store.upsert_items([_item("1", "changed")], {})
    assert store.items(SRC)[0].scores == {"gratitude": 0.9}


def test_items_round_trip(store: Store) -> None:
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
    store.upsert_items([item], {})
    assert store.items(SRC, remote_ids=["9"])[0].item == item
    assert store.items(SRC, thread_key="p")[0].item == item
    assert store.items(SRC, remote_ids=[]) == []
    assert store.answered(SRC, ["p", "q"]) == {"p"}
    assert store.thread_keys(SRC, ["9"]) == {"p"}


def test_transaction_rolls_back_everything(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_items([_item("1")], {})
        store.set_cursor(SRC, "c1")
        raise RuntimeError("boom")
    assert store.items() == [] and store.cursors() == {}


def test_cursors_are_per_source(store: Store) -> None:
    assert store.get_cursor(SRC) is None
    store.set_cursor(SRC, "a")
    store.set_cursor("other", "b")
    store.set_cursor(SRC, "c")
    assert store.cursors() == {SRC: "c", "other": "b"}


def test_saving_opportunities_keeps_user_states(store: Store) -> None:
    store.upsert_items([_item("1"), _item("2"), _item("3")], {})
    store.save_thread_opportunities(
        SRC, "t", [_opp("aaaa1", "1"), _opp("bbbb2", "2"), _opp("cccc3", "3")]
    )
    store.set_state("aaaa1", State.DISMISSED)
    store.set_state("bbbb2", State.DRAFTED)
    # Re-derived: 1 and 2 no longer apply (say, answered), 3 still does, with a new reason.
    store.save_thread_opportunities(SRC, "t", [_opp("cccc3", "3")])
    states = {o.id: o.state for o in store.opportunities()}
    assert states == {"aaaa1": State.DISMISSED, "bbbb2": State.DONE, "cccc3": State.OPEN}
    store.save_thread_opportunities(SRC, "t", [])
    assert "cccc3" not in {o.id for o in store.opportunities()}
    store.save_thread_opportunities(SRC, "t", [_opp("aaaa1", "1")])
    assert store.get_opportunity("aaaa1").state is State.DISMISSED
    links = store.execute("SELECT opportunity_id FROM opportunity_items ORDER BY 1")
    assert [r["opportunity_id"] for r in links] == ["aaaa1", "bbbb2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("abcd1234", "abcd1234"), ("abcd", None), ("ABCD12", "abcd1234"), ("abce", "abce9999")],
)
def test_get_opportunity_by_id_or_unique_prefix(
    store: Store, query: str, expected: str | None
) -> None:
    store.save_thread_opportunities(
        SRC, "t", [_opp("abcd1234"), _opp("abcd5678"), _opp("abce9999")]
    )
    if expected is None:
        with pytest.raises(NotFoundError, match="more than one opportunity"):
            store.get_opportunity(query)
    else:
        assert store.get_opportunity(query).id == expected


@pytest.mark.parametrize("query", ["zzzz9999", "abc", ""])
def test_unknown_opportunity_is_not_found(store: Store, query: str) -> None:
    store.save_thread_opportunities(SRC, "t", [_opp("abcd1234")])
    with pytest.raises(NotFoundError, match=r"no opportunity has the id.*cyberkind inbox"):
        store.get_opportunity(query)


def test_snooze_needs_a_time_and_wakes(store: Store) -> None:
    store.save_thread_opportunities(SRC, "t", [_opp("abcd1234")])
    with pytest.raises(StoreError, match="needs a time"):
        store.set_state("abcd1234", State.SNOOZED)
    soon = datetime.now(UTC) + timedelta(days=1)
    assert store.set_state("abcd1234", State.SNOOZED, soon).snooze_until is not None
    assert store.wake_snoozed(datetime.now(UTC)) == 0
    assert store.wake_snoozed(soon + timedelta(seconds=1)) == 1
    opp = store.get_opportunity("abcd1234")
    assert (opp.state, opp.snooze_until) == (State.OPEN, None)


def test_opportunity_filters(store: Store) -> None:
    store.save_thread_opportunities(SRC, "t", [_opp("abcd1234"), _opp("bcde2345")])
    store.set_state("bcde2345", State.DONE)
    assert [o.id for o in store.opportunities(states=[State.OPEN])] == ["abcd1234"]
    assert store.opportunities(states=[]) == []
    assert store.opportunities(acts=["hug"]) == []
    assert len(store.opportunities(sources=[SRC], thread_key="t")) == 2


def test_accounts_round_trip_without_secrets(store: Store) -> None:
    from cyberkind.models import Account

    work = Account("work", "mastodon", "https://social.example", "ana", {"visibility": "public"})
    assert store.add_account(work) is True
    assert store.add_account(Account("blog", "wordpress", "https://kind.example", "ana"))
    moved = Account("work", "mastodon", "https://moved.example", "ana")
    assert store.add_account(moved) is False
    assert [a.name for a in store.accounts()] == ["blog", "work"]
    assert store.get_account("work") == moved
    assert store.get_account("work").source == "mastodon:work"
    with pytest.raises(StoreError, match="already a mastodon account"):
        store.add_account(Account("work", "bluesky", "https://bsky.social"))
    assert store.remove_account("work") is True
    assert store.remove_account("work") is False
    with pytest.raises(NotFoundError, match="accounts list"):
        store.get_account("work")
    assert not table_columns(store, "accounts") & {"password", "token", "secret"}


def test_postgres_migrations_mirror_the_sqlite_list(pg_url: str) -> None:
    """Same versions, same names: a new SQLite migration needs its PostgreSQL twin."""
    from cyberkind.store import pg_migrations
    from cyberkind.store.postgres import PostgresStore

    names = [m.__name__ for m in MIGRATIONS]
    assert [m.__name__ for m in pg_migrations.MIGRATIONS] == names
    assert pg_migrations.SCHEMA_VERSION == SCHEMA_VERSION
    with PostgresStore(pg_url) as store:
        rows = store.execute("SELECT version, name FROM schema_version ORDER BY version")
        assert [(r["version"], r["name"]) for r in rows] == list(enumerate(names, start=1))
    PostgresStore(pg_url).close()  # idempotent
    with PostgresStore(pg_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert len(store.execute("SELECT * FROM schema_version")) == len(names)
        store.execute("INSERT INTO schema_version VALUES (999, 'future', 'x')")
    with pytest.raises(StoreError, match=r"newer than this cyberkind knows.*upgrading"):
        PostgresStore(pg_url)


def test_concurrent_first_opens_migrate_once(postgres: Any) -> None:
    """Several members opening a new, empty team database at once: each migration runs once."""
    import threading

    from cyberkind.store.postgres import PostgresStore

    postgres.admin("CREATE DATABASE empty_team")
    url = postgres.url("empty_team")
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            PostgresStore(url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        with PostgresStore(url) as store:
            assert store.schema_version() == SCHEMA_VERSION
            assert len(store.execute("SELECT * FROM schema_version")) == SCHEMA_VERSION
    finally:
        postgres.drop_database(url)


@pytest.mark.parametrize(
    ("db", "expected"),
    [("sqlite:///inbox.db", "inbox.db"), ("sqlite:////srv/team/inbox.db", "/srv/team/inbox.db")],
)
def test_sqlite_urls_name_files(db: str, expected: str) -> None:
    assert resolve_db_path(db) == Path(expected)


def test_a_bad_sqlite_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="sqlite:///relative"):
        resolve_db_path("sqlite://inbox.db")


def test_a_postgres_url_without_a_server_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=r"cannot connect to the PostgreSQL store.*:\*\*\*@") as e:
        open_store(f"postgresql://ana:hunter2@127.0.0.1:{port}/team")
    assert "hunter2" not in str(e.value)


def test_the_db_setting_keeps_a_url_whole() -> None:
    from cyberkind.settings import resolve

    url = "postgresql://team@127.0.0.1:5432/cyberkind"
    assert resolve({"db": url})["db"] == url
    assert resolve({}, {"CYBERKIND_DB": url})["db"] == url
    assert resolve({"db": "~/x.db"})["db"] == Path("~/x.db").expanduser()


def test_an_item_twice_in_one_batch_counts_as_written_then_updated(store: Store) -> None:
    counts = store.upsert_items([_item("1"), _item("1", "edited"), _item("1", "edited")], {})
    assert (counts.new, counts.updated, counts.unchanged) == (1, 1, 1)
    assert [s.item.text for s in store.items(SRC)] == ["edited"]
    counts = store.upsert_items([_item("2"), _item("1", "edited")], {"1": {"gratitude": 0.5}})
    assert (counts.new, counts.updated, counts.unchanged) == (1, 1, 0)
    assert store.items(SRC, remote_ids=["1"])[0].scores == {"gratitude": 0.5}


def test_a_postgres_url_without_psycopg_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cyberkind.errors import ConfigError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"pip install 'cyberkind\[postgres\]'"):
        open_store("postgresql://team@127.0.0.1:5432/cyberkind")


def test_nul_bytes_in_text_become_replacement_characters_on_every_store(store: Store) -> None:
    """PostgreSQL refuses U+0000 in text; SQLite would keep it. Both stores replace it with
    U+FFFD (same length, so span offsets hold) on the way in, also in lookups."""
    item = Item(
        SRC,
        "a\x00b",
        ItemKind.COMMENT,
        Author("h\x00", "Ana\x00"),
        "bad\x00text",
        url="https://x/\x00",
        parent_remote_id="p\x00",
        thread_id="p\x00",
        raw={"note": "raw\x00value"},  # JSON text escapes it as \u0000: kept as is
    )
    counts = store.upsert_items([item], {"a\x00b": {"gratitude": 0.5}})
    assert counts.new == 1
    stored = store.items(SRC, remote_ids=["a\x00b"])
    assert len(stored) == 1
    got = stored[0].item
    assert (got.remote_id, got.text, got.url) == ("a\ufffdb", "bad\ufffdtext", "https://x/\ufffd")
    assert (got.author.handle, got.author.name) == ("h\ufffd", "Ana\ufffd")
    assert (got.parent_remote_id, got.thread_id) == ("p\ufffd", "p\ufffd")
    assert got.raw == {"note": "raw\x00value"}
    assert stored[0].scores == {"gratitude": 0.5}
    # The same item again is unchanged: its content hash is taken before the replacement.
    assert store.upsert_items([item], {}).unchanged == 1
    store.set_cursor("src\x00", "cur\x00sor")
    assert store.get_cursor("src\x00") == "cur\ufffdsor"
    assert store.cursors() == {"src\ufffd": "cur\ufffdsor"}


def test_an_ambiguous_prefix_lists_the_matching_ids(store: Store) -> None:
    """Every caller (draft, send, claim, the web) gets the matches, not just a refusal."""
    store.save_thread_opportunities(
        SRC, "t", [_opp("abcd1234"), _opp("abcd5678"), _opp("abce9999")]
    )
    with pytest.raises(NotFoundError) as err:
        store.get_opportunity("abc")
    assert "abcd1234, abcd5678, abce9999" in str(err.value)
    with pytest.raises(NotFoundError, match="no opportunity has the id 'abcex'"):
        store.get_opportunity("abcex")
    with pytest.raises(NotFoundError, match="no opportunity has the id 'abc9'"):
        store.get_opportunity("abc9")
