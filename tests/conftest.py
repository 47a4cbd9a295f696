"""Shared fixtures. Tests that read ../shared/data skip when it is absent."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from cyberkind.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
WXR = DATA / "kindcorner.wxr.xml"


def _data_dir() -> Path:
    env = os.environ.get("CYBERKIND_DATA_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _data_dir()
    if not (path / "README.md").is_file():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(autouse=True, scope="session")
def fast_guard_for_fixtures() -> Iterator[None]:
    """The fast guard for module- and session-scoped fixtures too (they are built before a
    test's own fixtures run); :func:`clean_environ` keeps it per test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CYBERKIND_GUARD_TIER", "fast")
        patch.setenv("CYBERKIND_SCORE_TIER", "fast")
        yield


@pytest.fixture(autouse=True)
def clean_environ(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Clear the CYBERKIND_* variables we read, except the data folder tests rely on.

    The guard reads with the fine-tuned encoder by default (``guard_tier`` = ``reading``).
    Most tests pin exact verdicts, spans and rewrites of the fast tier's rules, and the exact
    scores ``cyberkind score`` writes, so they run with ``CYBERKIND_GUARD_TIER=fast`` and
    ``CYBERKIND_SCORE_TIER=fast`` (``score`` reads with ``reading-cascade`` by default); a test
    marked ``guard_default`` sees the real defaults (tests/test_guard_default.py).
    """
    for name in list(os.environ):
        if name.startswith("CYBERKIND_") and name != "CYBERKIND_DATA_DIR":
            monkeypatch.delenv(name)
    if request.node.get_closest_marker("guard_default") is None:
        monkeypatch.setenv("CYBERKIND_GUARD_TIER", "fast")
        monkeypatch.setenv("CYBERKIND_SCORE_TIER", "fast")
    yield


@pytest.fixture(autouse=True)
def private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user data folder (the default store lives there)."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))


class StubScorer:
    """Scores by hashtag: "#crisis" in a text gives crisis 0.9, every other label 0.01.

    Keeps pipeline and inbox tests independent of the model; the acceptance test uses the
    real engine.
    """

    def __init__(self) -> None:
        from cyberkind.labels import label_names

        self.labels = label_names()
        self.calls: list[list[str]] = []

    def thresholds(self) -> dict[str, float]:
        return dict.fromkeys(self.labels, 0.5)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls.append(list(texts))
        return [
            {label: 0.9 if f"#{label}" in text else 0.01 for label in self.labels} for text in texts
        ]


@pytest.fixture
def stub_scorer() -> StubScorer:
    return StubScorer()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a real SQLite store file."""
    return tmp_path / "inbox.db"


@pytest.fixture
def fresh_db() -> Iterator[SQLiteStore]:
    """An empty in-memory store."""
    store = SQLiteStore(":memory:")
    yield store
    store.close()


@pytest.fixture(scope="session")
def scorer():  # type: ignore[no-untyped-def]
    import cyberkind

    return cyberkind.Scorer()


def pytest_configure(config: pytest.Config) -> None:
    import sys

    sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    import sys

    if hasattr(sys, "_called_from_test"):
        del sys._called_from_test


@pytest.fixture(scope="session")
def serve_in_thread() -> Any:
    """``with serve_in_thread(app) as url:`` runs ``app`` under real uvicorn on 127.0.0.1."""
    return _serve_in_thread


@contextlib.contextmanager
def _serve_in_thread(app: object) -> Iterator[str]:
    """Run ``app`` under a real uvicorn server on 127.0.0.1 in a thread; yield its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Read at import: the autouse clean_environ fixture clears CYBERKIND_* before each test.
REQUIRE_SERVERS = bool(os.environ.get("CI")) or os.environ.get("CYBERKIND_REQUIRE_SERVERS") == "1"


@pytest.fixture(scope="session")
def wordpress() -> Iterator[Any]:
    """A real, seeded WordPress on 127.0.0.1 (tests/wordpress_server.py), shared by the session.

    Skips without Debian's wordpress, php-cli, php-mysql and mariadb-server, except in CI
    (``CI`` or ``CYBERKIND_REQUIRE_SERVERS=1``), where that is a failure.
    """
    from wordpress_server import missing, start_wordpress

    absent = missing()
    if absent is not None:
        if REQUIRE_SERVERS:
            pytest.fail(f"a real WordPress is required here (CI): {absent}")
        pytest.skip(f"no real WordPress: {absent}")
    server = start_wordpress()
    try:
        yield server
    finally:
        server.stop()


def integrity_errors() -> tuple[type[Exception], ...]:
    """What a unique violation raises: sqlite3's error, and psycopg's when installed."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)


def table_columns(store: Any, table: str) -> set[str]:
    """The column names of ``table`` in either store."""
    if isinstance(store, SQLiteStore):
        return {row[1] for row in store.execute(f"PRAGMA table_info({table})")}
    rows = store.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
    )
    return {row["column_name"] for row in rows}


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A real PostgreSQL cluster on 127.0.0.1 (tests/postgres_server.py), shared by the session.

    Skips without Debian's postgresql (or psycopg), except in CI (``CI`` or
    ``CYBERKIND_REQUIRE_SERVERS=1``), where that is a failure.
    """
    from postgres_server import missing, start_postgres

    absent = missing()
    if absent is not None:
        if REQUIRE_SERVERS:
            pytest.fail(f"a real PostgreSQL is required here (CI): {absent}")
        pytest.skip(f"no real PostgreSQL: {absent}")
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres: Any) -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database, dropped after the test."""
    url = postgres.fresh_database()
    yield url
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What ``--db`` takes, for each backend: a SQLite file's path, or a PostgreSQL URL."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        return url
    return str(tmp_path / "inbox.db")


@pytest.fixture
def store(db_url: str) -> Iterator[Any]:
    """An empty store on each backend (SQLite file, PostgreSQL database)."""
    from cyberkind.store import open_store

    with open_store(db_url) as opened:
        yield opened


CHROMIUM = Path("/usr/bin/chromium")
# Read at import: the autouse clean_environ fixture clears CYBERKIND_* before each test.
REQUIRE_BROWSER = (
    bool(os.environ.get("CI"))
    or os.environ.get("CYBERKIND_REQUIRE_BROWSER") == "1"
    or os.environ.get("CYBERKIND_REQUIRE_SERVERS") == "1"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (headless), one per test module.

    Skips without ``playwright`` or ``/usr/bin/chromium``, except where ``CI``,
    ``CYBERKIND_REQUIRE_BROWSER=1`` or ``CYBERKIND_REQUIRE_SERVERS=1`` makes that a failure.
    """
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[test]')"
    if problem is None and not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem is not None:
        if REQUIRE_BROWSER:
            pytest.fail(f"browser tests cannot run: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()
