"""RSS and Atom feeds, fetched over HTTP from a real local server.

Every test here talks to a real HTTP server on 127.0.0.1 started by
pytest-httpserver (werkzeug), through a real ``httpx.Client``: conditional GET
with ETag and Last-Modified, 304s, a 429 with Retry-After, 500s, broken and
hostile XML, a connection dropped mid-body, and an unreachable host (a closed
port on 127.0.0.1). Only the waits between retries are faked, so the tests
stay fast.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cyberkind.connectors.http import retry_after_seconds
from cyberkind.connectors.rss import FeedCursor, RSSConnector
from cyberkind.errors import SourceError
from cyberkind.models import Act, Feed, ItemKind
from cyberkind.pipeline import sync, sync_sources
from cyberkind.store.sqlite import SQLiteStore

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Ana's garden</title>
  <link>https://ana.example/</link>
  <description>Small kind things</description>
  {items}
</channel>
</rss>
"""
RSS_ITEM = """<item>
    <title>{title}</title>
    <link>https://ana.example/{slug}/</link>
    <guid isPermaLink="false">https://ana.example/?p={n}</guid>
    <dc:creator>Ana Lima</dc:creator>
    <pubDate>Fri, 20 Nov 2026 10:0{n}:00 +0000</pubDate>
    <description><![CDATA[<p>{body}</p>]]></description>
  </item>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Bo writes</title>
  <link href="https://bo.example/"/>
  <id>https://bo.example/atom.xml</id>
  <updated>2026-11-21T09:00:00Z</updated>
  <entry>
    <title>My first zine is out</title>
    <link href="https://bo.example/zine/"/>
    <id>tag:bo.example,2026:zine</id>
    <updated>2026-11-21T09:00:00Z</updated>
    <author><name>Bo Chen</name></author>
    <content type="html">&lt;p&gt;It took a year of evenings.&lt;/p&gt;</content>
  </entry>
</feed>
"""

COMMENTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <title>Comments for Kind Corner</title>
  <link href="https://kind.example/"/>
  <id>https://kind.example/comments/feed/atom/</id>
  <updated>2026-11-21T09:00:00Z</updated>
  <entry>
    <title>Comment on Ten tiny kindnesses by Ana</title>
    <link rel="alternate" href="https://kind.example/ten/#comment-12"/>
    <author><name>Ana</name><uri>https://ana.example</uri></author>
    <id>https://kind.example/ten/#comment-12</id>
    <updated>2026-11-21T08:00:00Z</updated>
    <thr:in-reply-to ref="https://kind.example/?p=5" href="https://kind.example/ten/"/>
    <content type="html">&lt;p&gt;Lovely post, thank you!&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Comment on Ten tiny kindnesses by Sam</title>
    <link rel="alternate" href="https://kind.example/ten/#comment-13"/>
    <author><name>Sam</name></author>
    <id>https://kind.example/ten/#comment-13</id>
    <updated>2026-11-21T08:30:00Z</updated>
    <thr:in-reply-to ref="https://kind.example/ten/#comment-12"
                     href="https://kind.example/ten/#comment-12"/>
    <content type="html">&lt;p&gt;Agreed with Ana!&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Comment on Ten tiny kindnesses by Me</title>
    <link rel="alternate" href="https://kind.example/ten/#comment-14"/>
    <author><name>Me</name><uri>https://kind.example</uri></author>
    <id>https://kind.example/ten/#comment-14</id>
    <updated>2026-11-21T09:00:00Z</updated>
    <thr:in-reply-to ref="https://kind.example/ten/#comment-12"
                     href="https://kind.example/ten/#comment-12"/>
    <content type="html">&lt;p&gt;Thank you Ana!&lt;/p&gt;</content>
  </entry>
</feed>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title><link>https://x.example/</link>
<item><title>&lol3;</title><guid>1</guid></item></channel></rss>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><link>https://x.example/</link>
<item><title>&xxe;</title><guid>1</guid></item></channel></rss>
"""


def rss(*posts: tuple[int, str, str]) -> str:
    items = "\n".join(
        RSS_ITEM.format(n=n, title=title, slug=title.lower().replace(" ", "-"), body=body)
        for n, title, body in posts
    )
    return RSS.format(items=items)


POSTS = ((1, "Kind notes", "I left notes."), (2, "Coffee for a stranger", "It was fun."))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


@pytest.fixture
def sleeps() -> list[float]:
    return []


def connector(
    server: HTTPServer,
    client: httpx.Client,
    sleeps: list[float],
    path: str = "/feed/",
    **kw: Any,
) -> RSSConnector:
    return RSSConnector(Feed(server.url_for(path), **kw), client=client, sleep=sleeps.append)


def test_rss_feed_yields_posts_then_304_keeps_the_cursor(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 sends an ETag, then answers 304 to If-None-Match."""
    headers = {"ETag": '"v1"', "Content-Type": "application/rss+xml"}
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS), headers=headers)
    httpserver.expect_ordered_request(
        "/feed/", headers={"If-None-Match": '"v1"'}
    ).respond_with_data("", status=304)
    conn = connector(httpserver, client, sleeps)

    batches = list(conn.fetch(None))
    assert len(batches) == 1
    items = batches[0].items
    assert [i.kind for i in items] == [ItemKind.POST, ItemKind.POST]
    assert items[0].remote_id == "https://ana.example/?p=1"
    assert items[0].text == "Kind notes\n\nI left notes."
    assert items[0].author.name == "Ana Lima"
    assert items[0].url == "https://ana.example/kind-notes/"
    assert not items[0].is_own
    cursor = FeedCursor.loads(batches[0].cursor)
    assert cursor.etag == '"v1"'
    assert set(cursor.seen) == {"https://ana.example/?p=1", "https://ana.example/?p=2"}

    assert list(conn.fetch(batches[0].cursor)) == []  # 304: nothing, cursor untouched
    httpserver.check_assertions()


def test_atom_feed_and_last_modified(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 sends Last-Modified; the next GET sends If-Modified-Since."""
    stamp = "Sat, 21 Nov 2026 09:00:00 GMT"
    httpserver.expect_ordered_request("/atom.xml").respond_with_data(
        ATOM, headers={"Last-Modified": stamp, "Content-Type": "application/atom+xml"}
    )
    httpserver.expect_ordered_request(
        "/atom.xml", headers={"If-Modified-Since": stamp}
    ).respond_with_data("", status=304)
    conn = connector(httpserver, client, sleeps, "/atom.xml")
    (batch,) = conn.fetch(None)
    (item,) = batch.items
    assert item.remote_id == "tag:bo.example,2026:zine"
    assert item.author.name == "Bo Chen"
    assert item.text == "My first zine is out\n\nIt took a year of evenings."
    assert item.created_at is not None and item.created_at.year == 2026
    assert FeedCursor.loads(batch.cursor).last_modified == stamp
    assert list(conn.fetch(batch.cursor)) == []
    httpserver.check_assertions()


def test_resync_never_duplicates_and_new_posts_become_encourage_post(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float], db_path: Path, stub_scorer
) -> None:
    """A real server on 127.0.0.1 without validators: every sync refetches the whole feed."""
    url = httpserver.url_for("/feed/")
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS))
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS))
    more = (*POSTS, (3, "A bench in the park", "Fixed it."))
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*more))
    with SQLiteStore(db_path) as store:
        store.add_feed(url)
        first = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
        again = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
        third = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
        assert (first.new, first.opportunities_new) == (2, 2)
        assert (again.new, again.opportunities_new) == (0, 0)
        assert (third.new, third.opportunities_new) == (1, 1)
        assert len(store.items(f"rss:{url}")) == 3
        opps = store.opportunities(sources=[f"rss:{url}"])
        assert {o.act for o in opps} == {Act.ENCOURAGE_POST}
        assert {o.person for o in opps} == {"Ana Lima"}
        assert all(o.reason == "a new post from someone you follow" for o in opps)


def test_comment_feed_feeds_the_comment_rules(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float], stub_scorer
) -> None:
    """A real server on 127.0.0.1 serves a WordPress-style Atom comment feed with thr:in-reply-to.

    Ana's comment is answered by the user ("Me"), Sam's reply is not.
    """
    httpserver.expect_request("/comments/feed/").respond_with_data(COMMENTS)
    conn = RSSConnector(
        Feed(httpserver.url_for("/comments/feed/"), comments=True),
        client=client,
        identity=["https://kind.example"],
        sleep=sleeps.append,
    )
    store = SQLiteStore(":memory:")
    report = sync(store, conn, stub_scorer)
    assert report.error is None
    stored = {s.item.remote_id: s.item for s in store.items(conn.source)}
    post = stored["https://kind.example/ten/"]
    assert post.is_own and post.kind is ItemKind.POST
    assert post.raw["title"] == "Ten tiny kindnesses"
    sam = stored["https://kind.example/ten/#comment-13"]
    assert sam.kind is ItemKind.REPLY
    assert sam.parent_remote_id == "https://kind.example/ten/#comment-12"
    assert sam.thread_id == "https://kind.example/ten/"
    assert stored["https://kind.example/ten/#comment-14"].is_own
    opps = store.opportunities(sources=[conn.source])
    assert [(o.act, o.person) for o in opps] == [(Act.THANK_COMMENTER, "Sam")]
    assert "unanswered reply on your post 'Ten tiny kindnesses'" in opps[0].reason


def test_429_with_retry_after_then_success(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 answers 429 Retry-After: 7, then the feed."""
    httpserver.expect_ordered_request("/feed/").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS))
    (batch,) = connector(httpserver, client, sleeps).fetch(None)
    assert len(batch.items) == 2
    assert sleeps == [7.0]


def test_429_forever_gives_a_clear_error_after_bounded_retries(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 keeps answering 429."""
    httpserver.expect_request("/feed/").respond_with_data(
        "no", status=429, headers={"Retry-After": "2"}
    )
    conn = connector(httpserver, client, sleeps)
    with pytest.raises(SourceError, match=r"kept answering 429 .* after 3 retries") as info:
        list(conn.fetch(None))
    assert conn.url in str(info.value)
    assert sleeps == [2.0, 2.0, 2.0]


def test_500_is_retried_then_reported_and_nothing_is_stored(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float], stub_scorer
) -> None:
    """A real server on 127.0.0.1 answers 500 every time."""
    httpserver.expect_request("/feed/").respond_with_data("oops", status=500)
    url = httpserver.url_for("/feed/")
    store = SQLiteStore(":memory:")
    store.add_feed(url)
    report = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
    (failed,) = report.errors
    assert failed.error is not None and "answered 500" in failed.error and url in failed.error
    assert sleeps == [1.0, 2.0, 4.0]
    assert store.items(f"rss:{url}") == []
    assert store.get_cursor(f"rss:{url}") is None


def test_500_then_success(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 has one bad moment, then serves the feed."""
    httpserver.expect_ordered_request("/feed/").respond_with_data("oops", status=503)
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS))
    (batch,) = connector(httpserver, client, sleeps).fetch(None)
    assert len(batch.items) == 2 and sleeps == [1.0]


def test_404_is_a_clear_error_without_retries(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 has no such feed."""
    httpserver.expect_request("/feed/").respond_with_data("nope", status=404)
    with pytest.raises(SourceError, match=r"answered 404 NOT FOUND.*feeds remove"):
        list(connector(httpserver, client, sleeps).fetch(None))
    assert sleeps == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<rss><channel><title>broken", "did not send well-formed XML"),
        ("<html><body><p>Hello</p></body></html>", "is not an RSS or Atom feed"),
        (BILLION_LAUGHS, "declares the XML entity 'lol'"),
        (XXE, "declares the XML entity 'xxe'"),
    ],
    ids=["broken-xml", "html-page", "billion-laughs", "xxe"],
)
def test_broken_and_hostile_feeds_are_refused(
    httpserver: HTTPServer,
    client: httpx.Client,
    sleeps: list[float],
    stub_scorer,
    body: str,
    message: str,
) -> None:
    """A real server on 127.0.0.1 serves a broken, non-feed or hostile body; nothing is stored."""
    httpserver.expect_request("/feed/").respond_with_data(body)
    conn = connector(httpserver, client, sleeps)
    store = SQLiteStore(":memory:")
    with pytest.raises(SourceError, match=message) as info:
        sync(store, conn, stub_scorer)
    assert conn.url in str(info.value)
    assert store.items(conn.source) == []
    assert store.get_cursor(conn.source) is None


def test_an_external_dtd_is_never_fetched(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float]
) -> None:
    """A real server on 127.0.0.1 serves a feed whose DTD and entities point back at it.

    A parameter entity is refused before parsing; a bare external DTD is allowed
    (old RSS 0.91 feeds name Netscape's) but never fetched: the server sees no
    request for it.
    """
    dtd = httpserver.url_for("/evil.dtd")
    httpserver.expect_request("/evil.dtd").respond_with_data('<!ENTITY leak "LEAKED">')
    hostile = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % x SYSTEM "{dtd}"> %x;]>\n'
        '<rss version="2.0"><channel><title>x</title></channel></rss>'
    )
    bare = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd}">\n'
        '<rss version="2.0"><channel><title>x</title><link>https://x.example/</link>'
        "<item><title>Hello</title><guid>1</guid></item></channel></rss>"
    )
    httpserver.expect_ordered_request("/feed/").respond_with_data(hostile)
    httpserver.expect_ordered_request("/feed/").respond_with_data(bare)
    conn = connector(httpserver, client, sleeps)
    with pytest.raises(SourceError, match="refused the feed"):
        list(conn.fetch(None))
    (batch,) = conn.fetch(None)
    assert [i.text for i in batch.items] == ["Hello"]
    assert [r.path for r, _ in httpserver.log] == ["/feed/", "/feed/"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_host_is_a_clear_error(client: httpx.Client, sleeps: list[float]) -> None:
    """A closed port on 127.0.0.1: connection refused, retried, then a clear error."""
    url = f"http://127.0.0.1:{_closed_port()}/feed/"
    conn = RSSConnector(Feed(url), client=client, sleep=sleeps.append)
    with pytest.raises(SourceError, match=r"cannot reach http://127\.0\.0\.1:\d+/feed/"):
        list(conn.fetch(None))
    assert len(sleeps) == 3


def _truncated(_request: Request) -> Response:
    body = rss(*POSTS).encode()
    response = Response(body[: len(body) // 2], content_type="application/rss+xml")
    response.headers["Content-Length"] = str(len(body))  # promises more than it sends
    return response


def test_connection_dropped_mid_body_loses_and_duplicates_nothing(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float], stub_scorer
) -> None:
    """A real server on 127.0.0.1 closes the connection halfway through the body, every time.

    The first sync fails with nothing stored; once the server recovers, the
    next sync stores each post exactly once.
    """
    url = httpserver.url_for("/feed/")
    httpserver.expect_ordered_request("/feed/").respond_with_handler(_truncated)
    httpserver.expect_ordered_request("/feed/").respond_with_handler(_truncated)
    httpserver.expect_ordered_request("/feed/").respond_with_handler(_truncated)
    httpserver.expect_ordered_request("/feed/").respond_with_handler(_truncated)
    httpserver.expect_ordered_request("/feed/").respond_with_data(rss(*POSTS))
    store = SQLiteStore(":memory:")
    store.add_feed(url)
    failed = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
    (error,) = failed.errors
    assert error.error is not None and "dropped before the whole feed arrived" in error.error
    assert store.items(f"rss:{url}") == [] and store.get_cursor(f"rss:{url}") is None
    done = sync_sources(store, client, scorer=stub_scorer, sleep=sleeps.append)
    assert done.new == 2 and not done.errors
    assert len(store.items(f"rss:{url}")) == 2


def test_a_sync_killed_mid_feed_resumes_without_duplicates(
    httpserver: HTTPServer, client: httpx.Client, sleeps: list[float], stub_scorer
) -> None:
    """A real server on 127.0.0.1; the first sync stops after its first batch of one entry."""
    url = httpserver.url_for("/feed/")
    httpserver.expect_request("/feed/").respond_with_data(rss(*POSTS), headers={"ETag": '"v1"'})
    store = SQLiteStore(":memory:")
    conn = RSSConnector(Feed(url), client=client, batch_size=1, sleep=sleeps.append)
    first = next(iter(conn.fetch(None)))
    with store.transaction():
        store.upsert_items(first.items, {})
        store.set_cursor(conn.source, first.cursor)
    # The intermediate cursor keeps no validators, so the next fetch is not a 304.
    assert FeedCursor.loads(first.cursor).etag is None
    report = sync(store, conn, stub_scorer)
    assert report.new == 1
    assert len(store.items(conn.source)) == 2
    assert FeedCursor.loads(store.get_cursor(conn.source)).etag == '"v1"'


def test_sync_sources_picks_one_source_and_rejects_unknown(
    httpserver: HTTPServer, client: httpx.Client, stub_scorer
) -> None:
    """A real server on 127.0.0.1 serves two feeds; ``only`` syncs one of them."""
    httpserver.expect_request("/a/").respond_with_data(rss(*POSTS))
    httpserver.expect_request("/b/").respond_with_data(ATOM)
    store = SQLiteStore(":memory:")
    store.add_feed(httpserver.url_for("/a/"))
    store.add_feed(httpserver.url_for("/b/"))
    report = sync_sources(store, client, only=httpserver.url_for("/b/"), scorer=stub_scorer)
    assert [r.source for r in report.sources] == [f"rss:{httpserver.url_for('/b/')}"]
    from cyberkind.errors import ConfigError

    with pytest.raises(ConfigError, match="feeds list"):
        sync_sources(store, client, only="rss:https://nowhere.example/", scorer=stub_scorer)


def test_feeds_are_stored_and_removed(fresh_db: SQLiteStore) -> None:
    assert fresh_db.add_feed("https://a.example/feed/") is True
    assert fresh_db.add_feed("https://a.example/feed/", comments=True) is False
    assert fresh_db.feeds() == [Feed("https://a.example/feed/", comments=True)]
    assert fresh_db.remove_feed("https://a.example/feed/") is True
    assert fresh_db.remove_feed("https://a.example/feed/") is False
    assert fresh_db.feeds() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)],
)
def test_retry_after_seconds(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_a_foreign_cursor_starts_over() -> None:
    assert FeedCursor.loads('{"sha256": "x", "position": 3}') == FeedCursor()
    assert FeedCursor.loads("not json") == FeedCursor()
