"""The live WordPress connector against a real WordPress.

Real parts: Debian's ``wordpress`` package served by ``php -S`` on 127.0.0.1,
MariaDB (``mariadbd`` in a temporary folder), both started once per session by
:mod:`wordpress_server`; the site is installed with ``wp_install()`` and seeded
by PHP (posts, comments, threaded replies, a pingback, a trackback, a held and a
spam comment, an Application Password); a real ``httpx.Client``; real SQLite
stores; WordPress's own WXR export for the comparison with the file importer.
Faults (a 429, a connection dropped mid-page, a server without ``/wp-json/``)
are injected by an httpx transport wrapped around the real one, so WordPress
still answers every request that gets through. Only the waits between retries
are faked, so the tests stay fast.

The ``wordpress`` fixture (tests/conftest.py) skips the tests locally without
the packages, and fails them when ``CI`` or ``CYBERKIND_REQUIRE_SERVERS=1`` is
set (``.ci/run`` installs the packages and sets it).
"""

from __future__ import annotations

import html
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from wordpress_server import HERE, WordPressServer

from cyberkind.connectors import connector_registry
from cyberkind.connectors.base import Connector
from cyberkind.connectors.wordpress import CommentCursor, WordPressConnector
from cyberkind.connectors.wxr import WXRConnector
from cyberkind.credentials import EnvCredentials
from cyberkind.errors import AuthError, ConfigError, SourceError
from cyberkind.inbox import Inbox
from cyberkind.models import Account, Act, Batch, ItemKind, Reply, State
from cyberkind.pipeline import sync
from cyberkind.store.sqlite import SQLiteStore


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as c:
        yield c


def connect(
    wp: WordPressServer, client: httpx.Client, *, password: str | None = None, **options: Any
) -> WordPressConnector:
    account = Account("kindcorner", "wordpress", wp.url, handle=wp.user)
    credentials = EnvCredentials({"CYBERKIND_KINDCORNER_APP_PASSWORD": password or wp.app_password})
    return WordPressConnector(account, credentials=credentials, client=client, **options)


def rows(store: SQLiteStore, source: str = "wordpress:kindcorner") -> dict[str, Any]:
    """Every stored item of the source, by remote id, as comparable tuples."""
    return {
        s.item.remote_id: (
            s.item.kind,
            s.item.author.handle,
            s.item.author.name,
            s.item.text,
            s.item.parent_remote_id,
            s.item.thread_id,
            s.item.created_at,
            s.item.is_own,
        )
        for s in store.items(source)
    }


def comment_ids(wp: WordPressServer, *names: str) -> set[str]:
    return {f"comment:{wp.comments[n]}" for n in names}


class FaultTransport(httpx.BaseTransport):
    """The real transport, except where ``fault(request, n)`` answers or raises instead.

    ``n`` counts the requests for the same path and ``page`` so far, from 1.
    """

    def __init__(self, fault: Callable[[httpx.Request, int], httpx.Response | None]) -> None:
        self.inner = httpx.HTTPTransport()
        self.fault = fault
        self.seen: dict[tuple[str, str | None], int] = {}
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        key = (
            request.url.path + request.url.params.get("rest_route", ""),
            request.url.params.get("page"),
        )
        self.seen[key] = self.seen.get(key, 0) + 1
        self.requests.append(request)
        answer = self.fault(request, self.seen[key])
        if answer is not None:
            return answer
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class _Dropped(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'[{"id": 1, "po'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def dropped_page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers={"Content-Type": "application/json"}, stream=_Dropped(), request=request
    )


def is_comments_page(request: httpx.Request, page: str) -> bool:
    return request.url.path.endswith("/wp/v2/comments") and request.url.params.get("page") == page


# -- the plug-in -----------------------------------------------------------------------------


def test_registers_like_a_plugin() -> None:
    assert connector_registry()["wordpress"] is WordPressConnector
    assert WordPressConnector.secret_keys == ("app_password",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"date_gmt": "2026-11-20T09:34:00", "id": 7}', CommentCursor("2026-11-20T09:34:00", 7)),
        (None, None),
        ("", None),
        ('{"etag": "x", "seen": []}', None),  # another connector's cursor: start again
        ('{"date_gmt": "yesterday", "id": 7}', None),
        ("not json", None),
    ],
)
def test_cursor_round_trip_and_foreign_cursors(
    text: str | None, expected: CommentCursor | None
) -> None:
    assert CommentCursor.loads(text) == expected
    if expected is not None:
        assert CommentCursor.loads(expected.dumps()) == expected


@pytest.mark.parametrize(
    ("url", "handle", "message"),
    [
        ("kind.example", "ana", "not a web address"),
        ("https://kind.example", None, "has no user name"),
    ],
)
def test_account_settings_are_checked(url: str, handle: str | None, message: str) -> None:
    account = Account("kindcorner", "wordpress", url, handle=handle)
    with pytest.raises(ConfigError, match=message):
        WordPressConnector(account, credentials=EnvCredentials({}))


def test_a_reply_must_answer_a_wordpress_item() -> None:
    account = Account("kindcorner", "wordpress", "https://kind.example", handle="ana")
    with (
        WordPressConnector(account, credentials=EnvCredentials({})) as conn,
        pytest.raises(ConfigError, match="not a WordPress post or comment"),
    ):
        conn.publish(Reply("wordpress:kindcorner", "toot:12", "hi"))


# -- sync ------------------------------------------------------------------------------------


def test_sync_reads_posts_comments_replies_and_pings(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    store = SQLiteStore(tmp_path / "inbox.db")
    report = sync(store, connect(wordpress, client), stub_scorer)
    items = {s.item.remote_id: s.item for s in store.items("wordpress:kindcorner")}
    wp = wordpress
    seeded = comment_ids(wp, *(n for n in wp.comments if n != "spam"))
    assert seeded <= set(items)  # every comment but the spam one
    assert f"comment:{wp.comments['spam']}" not in items
    assert {f"post:{p}" for p in wp.posts.values()} <= set(items)
    assert report.new == len(items)

    def item(name: str) -> Any:
        return items[f"comment:{wp.comments[name]}"]

    tiny = f"post:{wp.posts['tiny']}"
    assert items[tiny].is_own and items[tiny].kind is ItemKind.POST
    assert items[tiny].text.startswith("Ten tiny kindnesses\n\nHold the door. Say thank you & mean")
    assert not items[f"post:{wp.posts['bo']}"].is_own  # Bo's post
    assert items[f"post:{wp.posts['bo']}"].author.name == "Bo Chen"
    assert item("ben").kind is ItemKind.COMMENT and item("ben").parent_remote_id == tiny
    assert item("ben").thread_id == tiny and not item("ben").is_own
    assert item("ben").raw["post_title"] == "Ten tiny kindnesses"
    assert item("ana_cleo").kind is ItemKind.REPLY and item("ana_cleo").is_own
    assert item("ana_cleo").parent_remote_id == f"comment:{wp.comments['cleo']}"
    assert item("dee").parent_remote_id == f"comment:{wp.comments['ana_cleo']}"
    assert item("ping").kind is ItemKind.PINGBACK and not item("ping").is_own
    assert item("track").kind is ItemKind.TRACKBACK
    assert item("selfping").is_own  # a link between the user's own posts
    assert item("fay").raw["approved"] == "0"  # awaiting moderation, kept as WXR keeps it
    assert item("cleo").text == "I tried number four today & it worked."
    assert item("ben").author.handle.startswith("email:")
    assert "ben@example.org" not in json.dumps([str(v) for v in rows(store).values()])
    assert CommentCursor.loads(store.get_cursor("wordpress:kindcorner")) is not None


def test_resync_changes_nothing_and_asks_only_for_the_recent_window(
    wordpress: WordPressServer, tmp_path: Path, stub_scorer: Any
) -> None:
    store = SQLiteStore(tmp_path / "inbox.db")
    transport = FaultTransport(lambda request, n: None)
    with httpx.Client(transport=transport, timeout=20) as client:
        sync(store, connect(wordpress, client, batch_size=4), stub_scorer)
        before = rows(store)
        opportunities = store.opportunities(states=None)
        transport.requests.clear()
        again = sync(store, connect(wordpress, client, batch_size=4), stub_scorer)
    assert rows(store) == before
    assert store.opportunities(states=None) == opportunities
    assert (again.new, again.updated) == (0, 0)
    asked = [r for r in transport.requests if r.url.path.endswith("/wp/v2/comments")]
    assert asked and all("after" in r.url.params for r in asked)


def test_a_sync_killed_after_a_page_resumes_without_duplicates(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    class Killed(Exception):
        pass

    class KilledAfterFirstPage(Connector):
        def __init__(self, inner: WordPressConnector) -> None:
            self.inner = inner
            self.source = inner.source

        def fetch(self, cursor: str | None) -> Iterator[Batch]:
            for batch in self.inner.fetch(cursor):
                yield batch
                raise Killed

    whole = SQLiteStore(tmp_path / "whole.db")
    sync(whole, connect(wordpress, client, batch_size=3), stub_scorer)

    store = SQLiteStore(tmp_path / "inbox.db")
    with pytest.raises(Killed):
        sync(store, KilledAfterFirstPage(connect(wordpress, client, batch_size=3)), stub_scorer)
    first = {k for k in rows(store) if k.startswith("comment:")}
    assert len(first) == 3
    cursor = store.get_cursor("wordpress:kindcorner")

    resumed: list[str] = []
    conn = connect(wordpress, client, batch_size=3)
    for batch in conn.fetch(cursor):
        resumed += [i.remote_id for i in batch.items if i.remote_id.startswith("comment:")]
    assert not first & set(resumed)  # the resumed run starts after the stored page
    assert len(resumed) == len(set(resumed))

    sync(store, connect(wordpress, client, batch_size=3), stub_scorer)
    assert rows(store) == rows(whole)
    assert store.opportunities(states=None) == whole.opportunities(states=None)


def test_comments_at_the_same_second_across_a_page_boundary(
    wordpress: WordPressServer, client: httpx.Client
) -> None:
    """The pingback and trackback share a second; every page size keeps both, once."""
    expected = None
    for size in (1, 5, 100):
        seen: list[str] = []
        cursor = None
        # One page per run: each run starts from the cursor the previous one left.
        while True:
            batch = next(iter(connect(wordpress, client, batch_size=size).fetch(cursor)), None)
            if batch is None:
                break
            seen += [i.remote_id for i in batch.items if i.remote_id.startswith("comment:")]
            cursor = batch.cursor
        assert len(seen) == len(set(seen))
        expected = expected or set(seen)
        assert set(seen) == expected
    assert expected is not None and comment_ids(wordpress, "ping", "track") <= expected


def test_the_inbox_lists_exactly_the_unanswered_comments(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    store = SQLiteStore(tmp_path / "inbox.db")
    sync(store, connect(wordpress, client, batch_size=5), stub_scorer)
    inbox = Inbox(store)
    # One opportunity per unanswered comment: a thank-you, or (Eli's idea) credit for it.
    replies = inbox.opportunities(acts=[Act.THANK_COMMENTER, Act.THANK_FOR_SHARING_WHAT_MATTERS])
    unanswered = {i for o in replies for i in o.item_ids}
    # Ben, Dee (on Ana's reply), Eli and Fay wait for an answer; Cleo and Gus were answered,
    # Hal commented on Bo's post, the spam never arrives. Comments added by other tests of
    # this session are answered by them.
    assert comment_ids(wordpress, "ben", "dee", "eli", "fay") == unanswered - added(wordpress)
    sharers = inbox.opportunities(acts=[Act.THANK_SHARER])
    assert [set(o.item_ids) for o in sharers] == [comment_ids(wordpress, "ping", "track")]
    ideas = inbox.opportunities(ideas_only=True)
    assert [o.item_ids for o in ideas] == [(f"comment:{wordpress.comments['eli']}",)]


def added(wp: WordPressServer) -> set[str]:
    """Comments that tests added to the shared site (see test_reply_...)."""
    return {f"comment:{i}" for i in ADDED}


ADDED: list[int] = []


def test_items_match_the_wxr_export_of_the_same_site(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    """A live sync and an import of WordPress's own export give the inbox the same items."""
    live = SQLiteStore(tmp_path / "live.db")
    sync(live, connect(wordpress, client), stub_scorer)
    export = tmp_path / "kindcorner.xml"
    export.write_text(wordpress.export())
    imported = SQLiteStore(tmp_path / "imported.db")
    # identity: on a multi-author blog the importer needs it to tell Ana's posts from Bo's;
    # the live connector knows from /users/me.
    with WXRConnector(export, identity=["ana"]) as wxr:
        sync(imported, wxr, stub_scorer)
        source = wxr.source
    assert rows(live) == rows(imported, source)
    assert [(o.act, o.item_ids, o.reason) for o in live.opportunities(states=None)] == [
        (o.act, o.item_ids, o.reason) for o in imported.opportunities(states=None)
    ]


# -- replies ---------------------------------------------------------------------------------


def add_comment(wp: WordPressServer, post: str, author: str, text: str, *extra: str) -> int:
    """A visitor's comment on ``post`` (``extra``: a type such as pingback, and its URL)."""
    found = int(wp.php(HERE / "comment.php", str(wp.posts[post]), author, text, *extra))
    ADDED.append(found)
    return found


def test_reply_appears_in_wordpress_once_and_closes_the_opportunity(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    wp = wordpress
    ivy = add_comment(wp, "small", "Ivy", "Reading this on the bus, smiling.")
    store = SQLiteStore(tmp_path / "inbox.db")
    sync(store, connect(wp, client), stub_scorer)
    inbox = Inbox(store)
    opened = [o for o in inbox.opportunities() if o.item_ids == (f"comment:{ivy}",)]
    assert [o.act for o in opened] == [Act.THANK_COMMENTER]

    reply = Reply(
        "wordpress:kindcorner",
        f"comment:{ivy}",
        "Thank you, Ivy & safe travels!",
        thread_id=f"post:{wp.posts['small']}",
        idempotency_key="opp-ivy-1",
    )
    conn = connect(wp, client)
    assert conn.published(reply) is None
    remote_id = conn.publish(reply)
    assert conn.published(reply) == remote_id
    # A retried send (the first answer was lost) finds the reply instead of posting twice.
    assert conn.publish(reply) == remote_id

    number = remote_id.removeprefix("comment:")
    got = client.get(f"{wp.url}/wp-json/wp/v2/comments/{number}", params={"context": "view"}).json()
    assert (got["post"], got["parent"], got["author"]) == (wp.posts["small"], ivy, wp.user_id)
    assert "Thank you, Ivy & safe travels!" in html.unescape(got["content"]["rendered"])
    mine = client.get(
        f"{wp.url}/wp-json/wp/v2/comments", params={"parent": ivy, "per_page": 100}
    ).json()
    assert [c["id"] for c in mine] == [int(number)]

    sync(store, connect(wp, client), stub_scorer)
    assert store.items("wordpress:kindcorner", remote_ids=[remote_id])[0].item.is_own
    states = {o.state for o in inbox.opportunities(states=None) if o.id == opened[0].id}
    assert states <= {State.DONE}  # answered: gone from the open inbox
    assert not [o for o in inbox.opportunities() if o.item_ids == (f"comment:{ivy}",)]


def test_reply_to_a_post_without_a_thread_id(
    wordpress: WordPressServer, client: httpx.Client
) -> None:
    conn = connect(wordpress, client)
    jin = add_comment(wordpress, "tiny", "Jin", "Printed this for my fridge.")
    reply = Reply("wordpress:kindcorner", f"comment:{jin}", "That is the best compliment, Jin.")
    remote_id = conn.publish(reply)  # the post is looked up from the parent comment
    number = int(remote_id.removeprefix("comment:"))
    got = client.get(f"{wordpress.url}/wp-json/wp/v2/comments/{number}").json()
    assert (got["post"], got["parent"]) == (wordpress.posts["tiny"], jin)


# -- errors ----------------------------------------------------------------------------------


def test_a_wrong_application_password_is_an_auth_error(
    wordpress: WordPressServer, client: httpx.Client
) -> None:
    conn = connect(wordpress, client, password="abcd efgh ijkl mnop qrst uvwx")
    with pytest.raises(AuthError) as caught:
        list(conn.fetch(None))
    message = str(caught.value)
    assert "Application Password" in message and "WP_ENVIRONMENT_TYPE" in message
    assert "CYBERKIND_KINDCORNER_APP_PASSWORD" in message
    assert "abcd" not in message
    with pytest.raises(AuthError):
        conn.publish(Reply("wordpress:kindcorner", f"post:{wordpress.posts['tiny']}", "hi"))


def test_a_missing_application_password_says_how_to_set_it(
    wordpress: WordPressServer, client: httpx.Client
) -> None:
    account = Account("kindcorner", "wordpress", wordpress.url, handle="ana")
    conn = WordPressConnector(account, credentials=EnvCredentials({}), client=client)
    with pytest.raises(AuthError, match="CYBERKIND_KINDCORNER_APP_PASSWORD"):
        list(conn.fetch(None))


def test_an_unreachable_host(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    waits: list[float] = []
    account = Account("kindcorner", "wordpress", f"http://127.0.0.1:{port}", handle="ana")
    creds = EnvCredentials({"CYBERKIND_KINDCORNER_APP_PASSWORD": "x"})
    with httpx.Client(timeout=5) as client:
        conn = WordPressConnector(account, credentials=creds, client=client, sleep=waits.append)
        store = SQLiteStore(tmp_path / "inbox.db")
        with pytest.raises(SourceError, match="cannot reach the WordPress site"):
            sync(store, conn, _NoScorer())
    assert waits == [1.0, 2.0, 4.0]
    assert store.get_cursor("wordpress:kindcorner") is None


def test_a_site_without_the_rest_api(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("<html>Not WordPress</html>", status=404)
    httpserver.expect_request("/wp-json/wp/v2/users/me").respond_with_data(
        "<html>Not found</html>", status=404, content_type="text/html"
    )
    account = Account("kindcorner", "wordpress", httpserver.url_for("/"), handle="ana")
    creds = EnvCredentials({"CYBERKIND_KINDCORNER_APP_PASSWORD": "x"})
    with httpx.Client(timeout=5) as client:
        conn = WordPressConnector(account, credentials=creds, client=client)
        with pytest.raises(SourceError, match="REST API"):
            list(conn.fetch(None))


def test_falls_back_to_rest_route_when_wp_json_is_not_routed(
    wordpress: WordPressServer, tmp_path: Path, stub_scorer: Any
) -> None:
    """A server without rewrites answers 404 to /wp-json/; ?rest_route= still works."""

    def no_rewrites(request: httpx.Request, n: int) -> httpx.Response | None:
        if request.url.path.startswith("/wp-json/"):
            return httpx.Response(404, text="<html>Not Found</html>", request=request)
        return None

    transport = FaultTransport(no_rewrites)
    with httpx.Client(transport=transport, timeout=20) as client:
        store = SQLiteStore(tmp_path / "inbox.db")
        sync(store, connect(wordpress, client, batch_size=5), stub_scorer)
    assert comment_ids(wordpress, "ben", "ping", "hal") <= set(rows(store))
    assert any("rest_route" in r.url.params for r in transport.requests)


def test_429_waits_for_retry_after(
    wordpress: WordPressServer, tmp_path: Path, stub_scorer: Any
) -> None:
    def limited(request: httpx.Request, n: int) -> httpx.Response | None:
        if is_comments_page(request, "2") and n == 1:
            return httpx.Response(429, headers={"Retry-After": "7"}, request=request)
        return None

    waits: list[float] = []
    with httpx.Client(transport=FaultTransport(limited), timeout=20) as client:
        store = SQLiteStore(tmp_path / "inbox.db")
        sync(store, connect(wordpress, client, batch_size=4, sleep=waits.append), stub_scorer)
    assert waits == [7.0]
    assert comment_ids(wordpress, *(n for n in wordpress.comments if n != "spam")) <= set(
        rows(store)
    )


def test_a_connection_dropped_mid_page_loses_and_duplicates_nothing(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    whole = SQLiteStore(tmp_path / "whole.db")
    sync(whole, connect(wordpress, client, batch_size=4), stub_scorer)

    # Once: the page is fetched again after a second and the sync completes.
    def once(request: httpx.Request, n: int) -> httpx.Response | None:
        return dropped_page(request) if is_comments_page(request, "2") and n == 1 else None

    waits: list[float] = []
    with httpx.Client(transport=FaultTransport(once), timeout=20) as flaky:
        store = SQLiteStore(tmp_path / "once.db")
        sync(store, connect(wordpress, flaky, batch_size=4, sleep=waits.append), stub_scorer)
    assert waits == [1.0]
    assert rows(store) == rows(whole)

    # Always: the sync fails on page 2 with page 1 stored; the next sync completes it.
    def always(request: httpx.Request, n: int) -> httpx.Response | None:
        return dropped_page(request) if is_comments_page(request, "2") else None

    store = SQLiteStore(tmp_path / "always.db")
    with (
        httpx.Client(transport=FaultTransport(always), timeout=20) as broken,
        pytest.raises(SourceError, match="dropped"),
    ):
        sync(store, connect(wordpress, broken, batch_size=4, sleep=lambda s: None), stub_scorer)
    assert 0 < len(rows(store)) < len(rows(whole))
    sync(store, connect(wordpress, client, batch_size=4), stub_scorer)
    assert rows(store) == rows(whole)
    assert store.opportunities(states=None) == whole.opportunities(states=None)


class _NoScorer:
    def thresholds(self) -> dict[str, float]:
        return {}

    def score(self, texts: Any) -> list[dict[str, float]]:
        raise AssertionError("nothing should be scored")


def test_5xx_is_retried_after_a_pause(
    wordpress: WordPressServer, tmp_path: Path, stub_scorer: Any
) -> None:
    def unwell(request: httpx.Request, n: int) -> httpx.Response | None:
        if is_comments_page(request, "1") and n <= 2:
            return httpx.Response(503, text="<h1>Busy</h1>", request=request)
        return None

    waits: list[float] = []
    with httpx.Client(transport=FaultTransport(unwell), timeout=20) as client:
        store = SQLiteStore(tmp_path / "inbox.db")
        sync(store, connect(wordpress, client, sleep=waits.append), stub_scorer)
    assert waits == [1.0, 2.0]
    assert comment_ids(wordpress, "ben", "hal") <= set(rows(store))


def test_a_reply_whose_answer_was_lost_is_found_not_posted_again(
    wordpress: WordPressServer,
) -> None:
    """The POST reaches WordPress but the connection drops before its answer arrives."""
    kim = add_comment(wordpress, "small", "Kim", "Sharing this with my class.")
    reply = Reply(
        "wordpress:kindcorner",
        f"comment:{kim}",
        "Thank you, Kim. Say hi to the class!",
        thread_id=f"post:{wordpress.posts['small']}",
        idempotency_key="opp-kim-1",
    )

    def lose_the_answer(request: httpx.Request, n: int) -> httpx.Response | None:
        if request.method == "POST":
            transport.inner.handle_request(request).read()  # WordPress stores the comment
            return dropped_page(request)
        return None

    transport = FaultTransport(lose_the_answer)
    waits: list[float] = []
    with httpx.Client(transport=transport, timeout=20) as client:
        conn = connect(wordpress, client, sleep=waits.append)
        with pytest.raises(SourceError, match="dropped"):
            conn.publish(reply)
        assert waits == []  # a POST whose outcome is unknown is not blindly sent again
        found = conn.published(reply)
    assert found is not None
    with httpx.Client(timeout=20) as client:
        assert connect(wordpress, client).publish(reply) == found  # the retried send
        answers = client.get(
            f"{wordpress.url}/wp-json/wp/v2/comments", params={"parent": kim}
        ).json()
    assert [f"comment:{c['id']}" for c in answers] == [found]


def test_pages_without_the_total_pages_header(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any
) -> None:
    """A proxy that drops X-WP-TotalPages: full pages still lead to the next one."""

    def strip(request: httpx.Request, n: int) -> httpx.Response | None:
        answer = transport.inner.handle_request(request)
        answer.read()
        headers = {k: v for k, v in answer.headers.items() if not k.lower().startswith("x-wp-")}
        headers.pop("content-encoding", None)
        headers.pop("content-length", None)
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)

    transport = FaultTransport(strip)
    whole = SQLiteStore(tmp_path / "whole.db")
    sync(whole, connect(wordpress, client, batch_size=4), stub_scorer)
    store = SQLiteStore(tmp_path / "inbox.db")
    with httpx.Client(transport=transport, timeout=20) as stripped:
        sync(store, connect(wordpress, stripped, batch_size=4), stub_scorer)
    assert rows(store) == rows(whole)


# -- sending (cyberkind.sending and `cyberkind send`) ------------------------------------------
# These run last: they answer comments on the shared site, and each adds its own comments
# (add_comment) so the seeded ones stay as the tests above expect.

WP_ENV = "CYBERKIND_KINDCORNER_APP_PASSWORD"


@pytest.fixture(scope="module")
def guard(scorer: Any) -> Any:
    from cyberkind.guard import Guard

    return Guard(scorer=scorer)


def synced_store(wp: WordPressServer, client: httpx.Client, path: Path, scorer: Any) -> Any:
    """A real SQLite store with the site connected as a stored account, synced once."""
    store = SQLiteStore(path)
    store.add_account(Account("kindcorner", "wordpress", wp.url, handle=wp.user))
    sync(store, connect(wp, client), scorer)
    return store


def opportunity_for(store: SQLiteStore, remote_id: str) -> Any:
    [found] = [o for o in store.opportunities() if remote_id in o.item_ids]
    return found


def comments_under(client: httpx.Client, wp: WordPressServer, **params: Any) -> list[Any]:
    """Comments as WordPress's REST API lists them to anyone (approved ones)."""
    answer = client.get(f"{wp.url}/wp-json/wp/v2/comments", params={"per_page": 100, **params})
    answer.raise_for_status()
    found: list[Any] = answer.json()
    return found


def test_send_draft_posts_a_comment_reply_with_post_and_parent(
    wordpress: WordPressServer,
    client: httpx.Client,
    tmp_path: Path,
    stub_scorer: Any,
    guard: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cyberkind.composer import Composer
    from cyberkind.sending import idempotency_key, send_draft

    wp = wordpress
    lea = add_comment(wp, "small", "Lea", "I left a note on my neighbour's door today.")
    store = synced_store(wp, client, tmp_path / "inbox.db", stub_scorer)
    opp = opportunity_for(store, f"comment:{lea}")
    assert opp.act is Act.THANK_COMMENTER
    draft = Composer(store, guard=guard).draft(opp, save=True)
    monkeypatch.setenv(WP_ENV, wp.app_password)  # the account's credentials, as a user sets them
    result = send_draft(store, opp.id, guard=guard)

    got = read_comment(client, wp, result.remote_id)
    assert (got["post"], got["parent"], got["author"]) == (wp.posts["small"], lea, wp.user_id)
    assert got["content"]["raw"] == draft.text
    assert store.get_opportunity(opp.id).state is State.DONE
    assert result.stars_recorded == draft.stars > 0
    assert [a.person for a in store.star_awards()] == ["Lea"]
    [entry] = store.outbox(opp.id)
    assert (entry.state, entry.remote_id, entry.attempts) == ("sent", result.remote_id, 1)
    assert entry.key == idempotency_key(opp.id, draft.text)

    again = send_draft(store, opp.id, guard=guard)
    assert again.already_sent and again.remote_id == result.remote_id
    assert [f"comment:{c['id']}" for c in comments_under(client, wp, parent=lea)] == [
        result.remote_id
    ]
    assert len(store.star_awards()) == 1
    # The next sync stores the reply as the user's own; Lea is answered, not in the inbox.
    sync(store, connect(wp, client), stub_scorer)
    assert store.items("wordpress:kindcorner", remote_ids=[result.remote_id])[0].item.is_own
    about_lea = [(o.id, o.state) for o in store.opportunities(states=None)]
    assert (opp.id, State.DONE) in about_lea
    assert not [o for o in Inbox(store).opportunities() if f"comment:{lea}" in o.item_ids]


def read_comment(client: httpx.Client, wp: WordPressServer, remote_id: str) -> Any:
    """The comment as WordPress stores it (``context=edit``: its raw words), as ana."""
    number = remote_id.removeprefix("comment:")
    answer = client.get(
        f"{wp.url}/wp-json/wp/v2/comments/{number}",
        params={"context": "edit"},
        auth=httpx.BasicAuth(wp.user, wp.app_password),
    )
    answer.raise_for_status()
    return answer.json()


def test_a_send_whose_answer_was_lost_is_found_on_retry_not_posted_twice(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any, guard: Any
) -> None:
    """A real proxy on 127.0.0.1 lets WordPress store the comment, then drops the answer."""
    from _mastodon_support import FaultyProxy

    from cyberkind.sending import send_draft

    wp = wordpress
    mo = add_comment(wp, "tiny", "Mo", "Number seven is my favourite.")
    store = synced_store(wp, client, tmp_path / "inbox.db", stub_scorer)
    opp = opportunity_for(store, f"comment:{mo}")
    text = "Thank you, Mo! Seven is mine too."
    proxy = FaultyProxy(wp.url)
    proxy.plan = [("POST", "/wp-json/wp/v2/comments", "drop")]
    with proxy.running(), httpx.Client(timeout=20) as through:
        flaky = connect_at(wp, proxy.url, through)
        with pytest.raises(SourceError, match="dropped before the whole answer arrived"):
            send_draft(store, opp.id, connector=flaky, guard=guard, text=text)
        # WordPress did post it; the answer never came. The outbox knows it is pending.
        [posted] = comments_under(client, wp, parent=mo)
        [entry] = store.outbox(opp.id)
        assert (entry.state, entry.attempts) == ("pending", 1)
        assert store.get_opportunity(opp.id).state is not State.DONE
        assert store.star_awards() == []

        retry = connect_at(wp, proxy.url, through)
        result = send_draft(store, opp.id, connector=retry, guard=guard, text=text)
    assert [a for _, _, a in proxy.seen] == ["drop"]
    assert [c["id"] for c in comments_under(client, wp, parent=mo)] == [posted["id"]]
    assert result.remote_id == f"comment:{posted['id']}" and not result.already_sent
    [entry] = store.outbox(opp.id)
    assert (entry.state, entry.attempts, entry.remote_id) == ("sent", 2, result.remote_id)
    assert store.get_opportunity(opp.id).state is State.DONE
    assert [a.person for a in store.star_awards()] == ["Mo"]


def connect_at(wp: WordPressServer, url: str, client: httpx.Client) -> WordPressConnector:
    """The site's account, reached at ``url`` (a proxy in front of it), without retries."""
    account = Account("kindcorner", "wordpress", url, handle=wp.user)
    credentials = EnvCredentials({WP_ENV: wp.app_password})
    return WordPressConnector(account, credentials=credentials, client=client, max_retries=0)


def test_cli_send_yes_posts_the_reply_once(
    wordpress: WordPressServer,
    client: httpx.Client,
    tmp_path: Path,
    stub_scorer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from cyberkind.cli import cli

    wp = wordpress
    noa = add_comment(wp, "small", "Noa", "My daughter read this with me.")
    db = tmp_path / "inbox.db"
    store = synced_store(wp, client, db, stub_scorer)
    opp = opportunity_for(store, f"comment:{noa}")
    store.close()
    monkeypatch.setenv(WP_ENV, wp.app_password)
    args = ["send", opp.id, "--text", "Thank you, Noa! Hello to your daughter.", "--db", str(db)]
    first = CliRunner().invoke(cli, [*args, "--yes", "--json"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert payload["already_sent"] is False and payload["outbox"]["state"] == "sent"
    again = CliRunner().invoke(cli, [*args, "--yes"])
    assert again.exit_code == 0, again.output
    assert "nothing was posted again" in again.stdout
    [posted] = comments_under(client, wp, parent=noa)
    assert payload["remote_id"] == f"comment:{posted['id']}"
    assert (posted["post"], posted["author"]) == (wp.posts["small"], wp.user_id)
    assert wp.app_password not in first.output + again.output
    with SQLiteStore(db) as reopened:
        assert reopened.get_opportunity(opp.id).state is State.DONE


def test_a_grouped_thank_you_for_pingbacks_is_one_comment_on_the_post(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any, guard: Any
) -> None:
    """Pingbacks have no words to answer and their authors are sites, not commenters: the
    thank-you is one top-level comment on the linked post (``parent`` 0), its stars go to
    every linking site."""
    from cyberkind.composer import Composer
    from cyberkind.sending import prepare_send, send_draft

    wp = wordpress
    pings = [
        add_comment(wp, "small", name, "[...] small acts [...]", "pingback", url)
        for name, url in (
            ("Quiet Reader", "https://quiet.example/links/"),
            ("Warm Week", "https://warm.example/week-9/"),
        )
    ]
    store = synced_store(wp, client, tmp_path / "inbox.db", stub_scorer)
    [group] = [
        o
        for o in store.opportunities(acts=[Act.THANK_SHARER.value])
        if set(o.item_ids) == {f"comment:{i}" for i in pings}
    ]
    draft = Composer(store, guard=guard).draft(group, save=True)
    assert set(draft.recipients) == {"Quiet Reader", "Warm Week"} and draft.stars > 0
    prepared = prepare_send(store, group.id)
    assert prepared.reply.parent_remote_id == f"post:{wp.posts['small']}"
    assert prepared.reply.to == ("https://quiet.example/links/", "https://warm.example/week-9/")
    result = send_draft(store, group.id, connector=connect(wp, client), guard=guard)
    got = read_comment(client, wp, result.remote_id)
    assert (got["post"], got["parent"], got["author"]) == (wp.posts["small"], 0, wp.user_id)
    assert got["content"]["raw"] == draft.text
    assert store.get_opportunity(group.id).state is State.DONE
    awards = sorted((a.person, a.count) for a in store.star_awards())
    assert awards == [("Quiet Reader", draft.stars), ("Warm Week", draft.stars)]
    assert result.stars_recorded == 2 * draft.stars
    # Sent once: a second send posts nothing and records no more stars.
    assert send_draft(store, group.id, connector=connect(wp, client), guard=guard).already_sent
    mine = client.get(
        f"{wp.url}/wp-json/wp/v2/comments",
        params={"post": wp.posts["small"], "parent": 0, "author": wp.user_id, "context": "edit"},
        auth=httpx.BasicAuth(wp.user, wp.app_password),
    ).json()
    assert [c["id"] for c in mine if c["content"]["raw"] == draft.text] == [got["id"]]
    assert len(store.star_awards()) == 2


def test_a_comment_awaiting_moderation_is_not_answered(
    wordpress: WordPressServer, client: httpx.Client, tmp_path: Path, stub_scorer: Any, guard: Any
) -> None:
    """Fay's comment is held: WordPress would publish a reply under a parent nobody sees."""
    from cyberkind.sending import send_draft

    wp = wordpress
    fay = wp.comments["fay"]
    store = synced_store(wp, client, tmp_path / "inbox.db", stub_scorer)
    opp = opportunity_for(store, f"comment:{fay}")
    with pytest.raises(ConfigError, match="is awaiting moderation, so a reply would be"):
        send_draft(store, opp.id, connector=connect(wp, client), guard=guard, text="Thanks, Fay!")
    held = client.get(
        f"{wp.url}/wp-json/wp/v2/comments",
        params={"parent": fay, "status": "all", "context": "edit"},
        auth=httpx.BasicAuth(wp.user, wp.app_password),
    ).json()
    assert held == []
    assert read_comment(client, wp, f"comment:{fay}")["status"] == "hold"  # left to the user
    assert store.get_opportunity(opp.id).state is not State.DONE
    assert store.star_awards() == []
    # The attempt stays pending: once Fay's comment is approved, sending again checks first.
    assert [e.state for e in store.outbox(opp.id)] == ["pending"]


# -- moderation (the needs-care lane) ---------------------------------------------------------


def care_for(store: SQLiteStore, wp: WordPressServer, number: int, person: str) -> str:
    """A needs-care opportunity for the synced comment ``number`` (as derivation will store
    for a hostile comment): its own thread, so the test leaves the others alone."""
    from cyberkind.models import Opportunity, Priority

    opp_id = f"care{number:08d}"
    opp = Opportunity(
        opp_id,
        Act.NEEDS_CARE,
        person,
        "wordpress:kindcorner",
        (f"comment:{number}",),
        "hostile",
        Priority.UNANSWERED,
        thread_key=f"care:{number}",
    )
    store.save_thread_opportunities("wordpress:kindcorner", f"care:{number}", [opp])
    return opp_id


def test_moderation_holds_spams_and_trashes_once_and_only_when_confirmed(
    wordpress: WordPressServer,
    client: httpx.Client,
    tmp_path: Path,
    stub_scorer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cyberkind.moderation import moderate, moderation_choices

    wp = wordpress
    troll = add_comment(wp, "small", "Troll", "Nobody cares about your notes, idiot.")
    store = synced_store(wp, client, tmp_path / "inbox.db", stub_scorer)
    opp_id = care_for(store, wp, troll, "Troll")
    choices = moderation_choices(store, opp_id)
    assert (choices.platform, choices.actions) == ("WordPress", ("hold", "spam", "trash"))
    monkeypatch.setenv(WP_ENV, wp.app_password)
    with pytest.raises(ConfigError, match="you did not confirm"):
        moderate(store, opp_id, "hold", confirmed=False)
    assert read_comment(client, wp, f"comment:{troll}")["status"] == "approved"  # untouched
    assert store.get_opportunity(opp_id).state is State.OPEN
    held = moderate(store, opp_id, "hold", confirmed=True)
    assert held.changed and read_comment(client, wp, f"comment:{troll}")["status"] == "hold"
    assert store.get_opportunity(opp_id).state is State.DISMISSED  # to the done lane
    again = moderate(store, opp_id, "hold", confirmed=True, connector=connect(wp, client))
    assert again.changed is False
    trashed = moderate(store, opp_id, "trash", confirmed=True, connector=connect(wp, client))
    assert trashed.changed and read_comment(client, wp, f"comment:{troll}")["status"] == "trash"
    twice = moderate(store, opp_id, "trash", confirmed=True, connector=connect(wp, client))
    assert twice.changed is False
    assert read_comment(client, wp, f"comment:{troll}")["status"] == "trash"  # not deleted
    # No other action exists.
    with pytest.raises(ConfigError, match="not a moderation cyberkind can do"):
        moderate(store, opp_id, "delete", confirmed=True)


def test_moderation_from_the_web_confirms_first_and_from_the_cli(
    wordpress: WordPressServer,
    client: httpx.Client,
    tmp_path: Path,
    stub_scorer: Any,
    scorer: Any,
    serve_in_thread: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    from click.testing import CliRunner

    from cyberkind.cli import cli
    from cyberkind.web.app import create_app

    wp = wordpress
    spam = add_comment(wp, "small", "Deals", "Cheap pills at pills.example, best prices!!!")
    rude = add_comment(wp, "small", "Rude", "This blog is garbage and so are you.")
    db = tmp_path / "inbox.db"
    store = synced_store(wp, client, db, stub_scorer)
    spam_id = care_for(store, wp, spam, "Deals")
    rude_id = care_for(store, wp, rude, "Rude")
    store.close()
    monkeypatch.setenv(WP_ENV, wp.app_password)
    with serve_in_thread(create_app(scorer, db=db)) as url, httpx.Client(base_url=url) as web:
        page = web.get("/inbox", params={"lane": "needs_care"}).text
        assert f'action="/inbox/{spam_id}/moderate"' in page
        assert 'name="action" value="spam"' in page
        confirm = web.get(f"/inbox/{spam_id}/moderate", params={"action": "spam"})
        assert confirm.status_code == 200 and "Mark as spam?" in confirm.text
        assert "Cheap pills at pills.example" in confirm.text
        assert read_comment(client, wp, f"comment:{spam}")["status"] == "approved"  # not yet
        found = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
        assert found
        form = {"csrf": found.group(1), "action": "spam"}
        unconfirmed = web.post(f"/inbox/{spam_id}/moderate", data=form)
        assert unconfirmed.status_code == 409
        forged = web.post(
            f"/inbox/{spam_id}/moderate", data={**form, "csrf": "forged", "confirm": "yes"}
        )
        assert forged.status_code == 403
        assert read_comment(client, wp, f"comment:{spam}")["status"] == "approved"
        done = web.post(f"/inbox/{spam_id}/moderate", data={**form, "confirm": "yes"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/inbox/{spam_id}?moderated=spam"
        assert read_comment(client, wp, f"comment:{spam}")["status"] == "spam"
        assert "The comment was marked as spam" in web.get(done.headers["location"]).text
        again = web.post(f"/inbox/{spam_id}/moderate", data={**form, "confirm": "yes"})
        assert again.headers["location"].endswith("&again=1")
        api = web.post(f"/api/inbox/{rude_id}/moderate", json={"action": "hold", "confirm": True})
        assert api.status_code == 200 and api.json()["changed"] is True
        assert read_comment(client, wp, f"comment:{rude}")["status"] == "hold"
        lanes = web.get("/api/inbox", params={"lane": "done"}).json()
        assert {spam_id, rude_id} <= {o["id"] for o in lanes}
    # the CLI: the same owner; "no" moderates nothing, --yes does it, once
    said_no = CliRunner().invoke(
        cli, ["moderate", rude_id, "--action", "trash", "--db", str(db)], input="n\n"
    )
    assert said_no.exit_code == 1 and "you did not confirm" in said_no.output
    assert read_comment(client, wp, f"comment:{rude}")["status"] == "hold"
    yes = CliRunner().invoke(
        cli, ["moderate", rude_id, "--action", "trash", "--yes", "--json", "--db", str(db)]
    )
    assert yes.exit_code == 0, yes.output
    assert json.loads(yes.stdout)["changed"] is True
    assert read_comment(client, wp, f"comment:{rude}")["status"] == "trash"
    assert wp.app_password not in said_no.output + yes.output
