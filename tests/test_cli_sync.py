"""``cyberkind feeds add|list|remove`` and ``cyberkind sync`` against a real local server.

The feeds are served by pytest-httpserver, a real HTTP server on 127.0.0.1;
the sync goes through a real ``httpx.Client`` and the real engine's fast tier.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from cyberkind.cli import cli
from cyberkind.cli._sync import _summary, _sync_progress
from cyberkind.pipeline import SyncReport
from cyberkind.store import open_store

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Ana's garden</title><link>https://ana.example/</link>
<item><title>Kind notes</title><link>https://ana.example/notes/</link>
<guid>https://ana.example/?p=1</guid><author>ana@example.org (Ana Lima)</author>
<description>I left kind notes on the bus.</description></item>
</channel></rss>
"""


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def test_feeds_add_list_remove(db_path: Path) -> None:
    assert run(db_path, "feeds", "add", "https://ana.example/feed/")[1] == (
        "Following feed https://ana.example/feed/.\n"
    )
    assert run(db_path, "feeds", "add", "https://kind.example/comments/feed/", "--comments")[1] == (
        "Following comment feed https://kind.example/comments/feed/.\n"
    )
    assert run(db_path, "feeds", "list")[1] == (
        "https://ana.example/feed/\nhttps://kind.example/comments/feed/  (comments)\n"
    )
    code, out, _ = run(db_path, "feeds", "list", "--json")
    assert code == 0
    assert json.loads(out)[0] == {
        "url": "https://ana.example/feed/",
        "comments": False,
        "source": "rss:https://ana.example/feed/",
    }
    assert run(db_path, "feeds", "remove", "https://ana.example/feed/")[1] == (
        "Stopped following https://ana.example/feed/.\n"
    )
    code, _, err = run(db_path, "feeds", "remove", "https://ana.example/feed/")
    assert code == 1 and "Error: you do not follow https://ana.example/feed/" in err


def test_feeds_add_refuses_a_non_url(db_path: Path) -> None:
    code, _, err = run(db_path, "feeds", "add", "ana.example/feed")
    assert code == 2 and "is not an http(s) URL" in err


def test_sync_with_no_feeds(db_path: Path) -> None:
    code, out, _ = run(db_path, "sync")
    assert code == 0
    assert out.startswith("Nothing to sync: no feeds followed and no accounts connected.")


def test_sync_fetches_then_304_and_inbox_lists_encourage_post(
    httpserver: HTTPServer, db_path: Path
) -> None:
    """A real server on 127.0.0.1 serves the feed with an ETag, then 304."""
    url = httpserver.url_for("/feed/")
    httpserver.expect_ordered_request("/feed/").respond_with_data(FEED, headers={"ETag": '"a"'})
    httpserver.expect_ordered_request("/feed/", headers={"If-None-Match": '"a"'}).respond_with_data(
        "", status=304
    )
    run(db_path, "feeds", "add", url)
    code, out, _ = run(db_path, "sync", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["new_items"], report["new_opportunities"]) == (1, 1)
    assert report["sources"][0]["source"] == f"rss:{url}"
    code, out, _ = run(db_path, "sync")
    assert (code, out) == (0, "Synced 1 source: 0 new items, 0 new opportunities.\n")
    code, out, _ = run(db_path, "inbox", "--json")
    (opp,) = json.loads(out)
    assert opp["act"] == "encourage_post"
    assert opp["source"] == f"rss:{url}"
    assert opp["reason"] == "a new post from someone you follow"
    httpserver.check_assertions()


def test_sync_reports_a_failing_feed_and_exits_1(httpserver: HTTPServer, db_path: Path) -> None:
    """A real server on 127.0.0.1 answers 404 for the feed."""
    url = httpserver.url_for("/gone/")
    httpserver.expect_request("/gone/").respond_with_data("", status=404)
    run(db_path, "feeds", "add", url)
    code, out, err = run(db_path, "sync", url)
    assert code == 1
    assert out == "Synced 0 sources: 0 new items, 0 new opportunities.\n"
    assert f"Error: {url} answered 404 NOT FOUND" in err


def test_sync_unknown_source(db_path: Path) -> None:
    code, _, err = run(db_path, "sync", "https://nowhere.example/feed/")
    assert code == 1
    assert (
        "no followed source or connected account is called 'https://nowhere.example/feed/'" in err
    )


def test_summary_words() -> None:
    assert _summary(SyncReport()).startswith("Nothing to sync")


def test_sync_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with _sync_progress() as progress:
        assert progress is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _sync_progress() as progress:
        assert progress is not None
        progress(0, 2, "rss:a")
        progress(2, 2, "")


class _TrickleHandler(BaseHTTPRequestHandler):
    """/a-slow/: one byte every 0.2 s for up to 30 s (never trips a per-read timeout);
    /b-big/: a feed larger than the cap, at once; /c-ok/: a good feed."""

    def do_GET(self) -> None:
        if self.path == "/c-ok/":
            body = FEED.encode()
        elif self.path == "/b-big/":
            body = FEED.replace("bus.", "bus." + " " * 10_000).encode()
        else:
            body = b""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if body:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.end_headers()  # no length: the body ends when the connection does
        started = time.monotonic()
        with contextlib.suppress(OSError):
            for char in FEED.encode()[:150]:
                if time.monotonic() - started > 30:
                    break
                self.wfile.write(bytes([char]))
                self.wfile.flush()
                time.sleep(0.2)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TrickleHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_trickling_feed_times_out_and_the_others_still_sync(
    trickle_server: str, db_path: Path
) -> None:
    """A real server on 127.0.0.1 trickles one feed a byte at a time and sends another past
    the size cap; within the sync_deadline both are reported, the third feed syncs, and the
    failed feeds' cursors stay unset."""
    slow, big, ok = (f"{trickle_server}/{p}/" for p in ("a-slow", "b-big", "c-ok"))
    for url in (slow, big, ok):
        run(db_path, "feeds", "add", url)
    started = time.monotonic()
    limits = ["--setting", "sync_deadline", "2", "--setting", "feed_max_bytes", "4096"]
    result = CliRunner().invoke(cli, ["sync", "--json", "--db", str(db_path), *limits])
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source[f"rss:{ok}"]["new_items"] == 1 and by_source[f"rss:{ok}"]["error"] is None
    assert f"{slow} took longer than its 2 s deadline" in by_source[f"rss:{slow}"]["error"]
    assert "--setting sync_deadline 4" in by_source[f"rss:{slow}"]["error"]
    assert f"{big} sent more than 4,096 bytes" in by_source[f"rss:{big}"]["error"]
    assert f"Error: {slow} took longer than its 2 s deadline" in result.stderr
    with open_store(db_path) as store:
        assert set(store.cursors()) == {f"rss:{ok}"}


def test_a_source_budget_cuts_timeouts_and_refuses_to_start_late() -> None:
    import httpx

    from cyberkind.connectors.http import source_budget
    from cyberkind.errors import SourceError

    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, content=b"ok")

    with httpx.Client(transport=httpx.MockTransport(handler), timeout=20) as client:
        with source_budget(client, "rss:x", 5) as budget:
            client.get("https://x.example/")
            assert all(0 < t <= 5 for t in seen[0].values())
            object.__setattr__(budget, "deadline", time.monotonic() - 1)
            with pytest.raises(SourceError, match="rss:x took longer than its 5 s deadline"):
                client.get("https://x.example/")
        assert client.event_hooks == {"request": [], "response": []}
        client.get("https://x.example/")  # no budget: the client's own timeouts
        assert seen[-1]["read"] == 20


def test_a_budget_session_holds_requests_to_the_deadline_and_the_cap(
    trickle_server: str,
) -> None:
    """The ``requests`` twin of the budgeted httpx client (Mastodon.py's HTTP), against the
    real trickling server: the deadline holds within one request, the cap within a body,
    no request starts late, and outside a budget the session is a plain one."""
    import httpx

    from cyberkind.connectors.http import budget_session, source_budget
    from cyberkind.errors import SourceError

    session = budget_session()
    with httpx.Client() as client:
        with source_budget(client, "mastodon:slow", 1.5):
            started = time.monotonic()
            with pytest.raises(SourceError, match=r"mastodon:slow took longer than its 1\.5 s"):
                session.get(f"{trickle_server}/a-slow/", timeout=20)
            assert time.monotonic() - started < 3
        with source_budget(client, "mastodon:big", 30, max_bytes=4096):
            with pytest.raises(SourceError, match="mastodon:big sent more than 4,096 bytes"):
                session.get(f"{trickle_server}/b-big/", timeout=20)
            good = session.get(f"{trickle_server}/c-ok/", timeout=20)
            assert good.status_code == 200 and good.text == FEED
        with source_budget(client, "mastodon:late", 5) as budget:
            object.__setattr__(budget, "deadline", time.monotonic() - 1)
            with pytest.raises(SourceError, match="mastodon:late took longer than its 5 s"):
                session.get(f"{trickle_server}/c-ok/", timeout=20)
    assert session.get(f"{trickle_server}/b-big/", timeout=20).status_code == 200  # no budget
    session.close()


def test_a_source_past_its_deadline_stops_after_a_committed_batch(
    db_path: Path, stub_scorer: Any
) -> None:
    """A source whose HTTP bypasses the budgeted client (Mastodon.py uses requests) still
    stops at the first batch boundary past the deadline; that batch and its cursor stay."""
    import httpx

    from cyberkind.connectors.base import Connector
    from cyberkind.connectors.http import source_budget
    from cyberkind.errors import SourceError
    from cyberkind.models import Author, Batch, Item, ItemKind
    from cyberkind.pipeline import sync

    class Slow(Connector):
        source = "slow:pages"

        def fetch(self, cursor: str | None) -> Iterator[Batch]:
            for page in range(5):
                time.sleep(1.0)
                item = Item(self.source, f"m{page}", ItemKind.MENTION, Author("a", "A"), "hi")
                yield Batch((item,), f"page-{page}")

    expired = pytest.raises(SourceError, match=r"took longer than its 1\.5 s deadline")
    with open_store(db_path) as store, httpx.Client() as client:
        with expired, source_budget(client, "slow:pages", 1.5):
            sync(store, Slow(), stub_scorer)
        assert store.cursors() == {"slow:pages": "page-1"}
        assert [s.item.remote_id for s in store.items()] == ["m0", "m1"]
