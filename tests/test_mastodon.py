"""The Mastodon connector against a real Mastodon API server, driven by real Mastodon.py.

Real parts: mastodon-mock (a FastAPI server implementing Mastodon's client API, with
SQLite state) under real uvicorn on 127.0.0.1, its fault-injection rules for 429s, a
real reverse proxy on 127.0.0.1 that cuts a response in half (a connection dropped
mid-page), a real closed port (an unreachable host), a real SQLite store file, and the
real pipeline and inbox. Activity on the server (posts, favourites, boosts, follows,
replies, mentions) is made by real Mastodon.py clients of the other seeded users.
The engine is the conftest stub scorer (hashtags), so the inbox rules are what is
tested. mastodon-mock emits mention, reblog, favourite and follow notifications; the
``status``, ``quote`` and ``update`` types are mapped from JSON in the shape of
Mastodon's API documentation (test_status_quote_and_update_notifications_map_to_items).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _mastodon_support import FaultyProxy, add_fault, client, reset, start_mock, statuses_of
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.connectors.base import connector_registry
from cyberkind.connectors.mastodon import MastodonConnector, MastodonCursor
from cyberkind.credentials import EnvCredentials
from cyberkind.errors import AuthError, SourceError
from cyberkind.models import Account, Act, ItemKind, Priority, Reply, State
from cyberkind.pipeline import sync, sync_sources
from cyberkind.store.sqlite import SQLiteStore

TOKEN = {"CYBERKIND_SOCIAL_ACCESS_TOKEN": "alice_token"}


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    mock = start_mock()
    yield mock
    mock.stop()


@pytest.fixture
def base_url(server: Any) -> str:
    reset(server.base_url)
    return str(server.base_url)


@pytest.fixture
def store(db_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(db_path) as s:
        yield s


def connector(url: str, token: str = "alice_token", **kwargs: Any) -> MastodonConnector:
    account = Account("social", "mastodon", url, handle="alice")
    creds = EnvCredentials({"CYBERKIND_SOCIAL_ACCESS_TOKEN": token})
    return MastodonConnector(account, credentials=creds, **kwargs)


def kindness_post(url: str) -> tuple[Any, dict[str, Any]]:
    """Alice posts; Bob likes it and follows her; Carol boosts it and replies; Dan mentions her."""
    alice, bob, carol, dan = (client(url, u) for u in ("alice", "bob", "carol", "dan"))
    post = alice.status_post("Ten tiny kindnesses for a grey Monday")
    bob.status_favourite(post.id)
    carol.status_reblog(post.id)
    bob.account_follow(alice.me().id)
    reply = carol.status_post("@alice Lovely post, thank you!", in_reply_to_id=post.id)
    mention = dan.status_post("@alice what do you think about kindness walls?")
    return post, {"reply": reply, "mention": mention, "alice": alice}


def test_the_connector_is_registered() -> None:
    assert connector_registry()["mastodon"] is MastodonConnector
    assert MastodonConnector.secret_keys == ("access_token",)


def test_notifications_become_items_and_opportunities(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    post, made = kindness_post(base_url)
    with connector(base_url) as conn:
        report = sync(store, conn, stub_scorer)
    items = {s.item.remote_id: s.item for s in store.items("mastodon:social")}
    kinds = sorted(i.kind.value for i in items.values())
    assert kinds == ["boost", "follow", "like", "mention", "post", "reply"]
    own = items[str(post.id)]
    assert own.is_own and own.raw["title"] == "Ten tiny kindnesses for a grey Monday"
    reply = items[str(made["reply"].id)]
    assert reply.parent_remote_id == str(post.id)
    assert reply.author.handle == f"@carol@{base_url.split('//')[1]}"
    assert reply.text == "@alice Lovely post, thank you!"
    opps = {(o.act, o.person): o for o in store.opportunities(states=[State.OPEN])}
    assert set(opps) == {
        (Act.THANK_COMMENTER, "Carol"),
        (Act.THANK_COMMENTER, "Dan"),
        (Act.THANK_READER, "Bob"),  # the like, and the follow
        (Act.THANK_SHARER, "Carol"),
    }
    assert len(store.opportunities(acts=["thank_reader"], states=[State.OPEN])) == 2
    carol = opps[(Act.THANK_COMMENTER, "Carol")]
    assert carol.priority is Priority.UNANSWERED
    assert "Ten tiny kindnesses for a grey Monday" in carol.reason
    assert opps[(Act.THANK_COMMENTER, "Dan")].priority is Priority.MENTION
    assert report.new == 6

    # Syncing again fetches nothing new and changes nothing.
    with connector(base_url) as conn:
        again = sync(store, conn, stub_scorer)
    assert (again.new, again.updated) == (0, 0)


def _open_commenters(store: SQLiteStore) -> set[str]:
    return {o.person for o in store.opportunities(acts=["thank_commenter"], states=[State.OPEN])}


def test_a_mention_the_user_answered_is_no_longer_open(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    _, made = kindness_post(base_url)
    with connector(base_url) as conn:
        sync(store, conn, stub_scorer)
    open_people = {
        o.person for o in store.opportunities(acts=["thank_commenter"], states=[State.OPEN])
    }
    assert open_people == {"Carol", "Dan"}
    made["alice"].status_post(
        "@dan Kindness walls are wonderful!", in_reply_to_id=made["mention"].id
    )
    with connector(base_url) as conn:
        report = sync(store, conn, stub_scorer)
    assert report.new == 1
    open_people = {
        o.person for o in store.opportunities(acts=["thank_commenter"], states=[State.OPEN])
    }
    assert open_people == {"Carol"}


def test_paging_follows_link_headers_oldest_first(base_url: str) -> None:
    bob = client(base_url, "bob")
    posted = [str(bob.status_post(f"@alice kind note number {n}").id) for n in range(12)]
    with connector(base_url, batch_size=5) as conn:
        batches = list(conn.fetch(None))
    ids = [i.remote_id for b in batches for i in b.items]
    assert ids == posted  # oldest first, each once
    assert [len(b.items) for b in batches] == [5, 5, 2]
    cursors = [MastodonCursor.loads(b.cursor).notifications for b in batches]
    assert cursors == sorted(cursors, key=lambda c: (len(c or ""), c)) and len(set(cursors)) == 3
    # From the last cursor nothing is new; from the first, only what follows it.
    with connector(base_url, batch_size=5) as conn:
        assert [b.items for b in conn.fetch(batches[-1].cursor)] == []
        rest = [i.remote_id for b in conn.fetch(batches[0].cursor) for i in b.items]
    assert rest == posted[5:]


def test_a_killed_sync_resumes_without_losing_or_duplicating(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    bob = client(base_url, "bob")
    posted = {str(bob.status_post(f"@alice kind note number {n}").id) for n in range(12)}

    def kill_after_two(done: int, total: int) -> None:
        if done >= 10:
            raise KeyboardInterrupt

    with connector(base_url, batch_size=5) as conn, pytest.raises(KeyboardInterrupt):
        sync(store, conn, stub_scorer, progress=kill_after_two)
    assert len(store.items("mastodon:social")) == 10
    with connector(base_url, batch_size=5) as conn:
        report = sync(store, conn, stub_scorer)
    assert report.new == 2
    stored = [s.item.remote_id for s in store.items("mastodon:social")]
    assert sorted(stored) == sorted(posted) and len(stored) == 12


def test_a_429_backs_off_for_the_time_the_server_asks_and_loses_nothing(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    kindness_post(base_url)
    add_fault(
        base_url,
        {
            "match": {"methods": ["GET"], "path": "/api/v1/notifications"},
            "effect": {"type": "ratelimit", "headers": {"Retry-After": "7"}},
            "count": 1,
        },
    )
    waits: list[float] = []
    with connector(base_url, sleep=waits.append) as conn:
        report = sync(store, conn, stub_scorer)
    assert waits == [7.0]
    assert report.new == 6 and report.error is None


def test_a_429_that_persists_fails_clearly_and_keeps_what_was_stored(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    kindness_post(base_url)
    add_fault(
        base_url,
        {
            "match": {"methods": ["GET"], "path": "/api/v1/notifications"},
            "effect": {"type": "ratelimit", "headers": {"Retry-After": "1"}},
        },
    )
    waits: list[float] = []
    with (
        connector(base_url, sleep=waits.append, max_retries=2) as conn,
        pytest.raises(SourceError, match="kept answering 429"),
    ):
        sync(store, conn, stub_scorer)
    assert waits == [1.0, 1.0]
    # The own statuses were stored with their cursor; no notification was.
    assert [s.item.kind for s in store.items("mastodon:social")] == [ItemKind.POST]
    assert MastodonCursor.loads(store.get_cursor("mastodon:social")).notifications is None
    httpx.delete(f"{base_url}/api/v1/_mock/faults").raise_for_status()
    with connector(base_url) as conn:
        report = sync(store, conn, stub_scorer)
    assert report.new == 5 and len(store.items("mastodon:social")) == 6


def test_a_429_asking_for_too_long_a_wait_is_not_waited_for(base_url: str) -> None:
    add_fault(
        base_url,
        {"match": {"path": "/api/v1/accounts/verify_credentials"}, "effect": {"type": "ratelimit"}},
    )
    waits: list[float] = []
    with (
        connector(base_url, sleep=waits.append, max_wait=60) as conn,
        pytest.raises(SourceError, match="429"),
    ):
        list(conn.fetch(None))
    assert waits == []  # Retry-After: 300 is more than max_wait


def test_a_spent_quota_pauses_until_its_reset_before_the_next_request(base_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    reset_at = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    add_fault(
        base_url,
        {
            "match": {"methods": ["GET"], "path": "/api/v1/notifications"},
            "effect": {
                "type": "status",
                "status": 200,
                "body": [],
                "headers": {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset_at},
            },
            "count": 1,
        },
    )
    waits: list[float] = []
    with connector(base_url, sleep=waits.append) as conn:
        assert list(conn.fetch(None)) == []
    [wait] = waits
    assert 25 < wait <= 30


def test_a_wrong_token_raises_an_auth_error_that_says_how_to_fix_it(base_url: str) -> None:
    with connector(base_url, token="not-a-token") as conn, pytest.raises(AuthError) as caught:
        list(conn.fetch(None))
    message = str(caught.value)
    assert "refused the access token of the Mastodon account 'social'" in message
    assert "cyberkind accounts add mastodon social" in message
    assert "CYBERKIND_SOCIAL_ACCESS_TOKEN" in message
    assert "not-a-token" not in message


def test_a_missing_token_says_where_to_set_it() -> None:
    account = Account("social", "mastodon", "http://127.0.0.1:9")
    conn = MastodonConnector(account, credentials=EnvCredentials({}))
    with pytest.raises(AuthError, match=r"no access_token is set .* CYBERKIND_SOCIAL_ACCESS_TOKEN"):
        list(conn.fetch(None))


def test_an_unreachable_host_is_retried_a_bounded_number_of_times() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    waits: list[float] = []
    with (
        connector(f"http://127.0.0.1:{port}", sleep=waits.append, timeout=2) as conn,
        pytest.raises(SourceError, match=f"cannot reach http://127.0.0.1:{port}"),
    ):
        list(conn.fetch(None))
    assert waits == [1.0, 2.0, 4.0]


def test_a_connection_dropped_mid_page_is_retried_without_loss(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    kindness_post(base_url)
    proxy = FaultyProxy(base_url)
    proxy.plan = [("GET", "/api/v1/notifications", "truncate")]
    waits: list[float] = []
    with proxy.running(), connector(proxy.url, sleep=waits.append) as conn:
        report = sync(store, conn, stub_scorer)
    assert [action for _, _, action in proxy.seen] == ["truncate"]
    assert waits == [1.0]
    assert report.new == 6
    assert len({s.item.remote_id for s in store.items("mastodon:social")}) == 6


def test_status_quote_and_update_notifications_map_to_items() -> None:
    conn = connector("https://social.example")
    conn._me = {"id": "1", "acct": "alice"}
    ana = {"id": "7", "acct": "ana@kind.example", "display_name": "Ana Lima", "url": "u"}
    me = {"id": "1", "acct": "alice", "username": "alice"}

    def status(sid: str, **extra: Any) -> dict[str, Any]:
        base = {
            "id": sid,
            "account": ana,
            "content": "<p>Hello <b>there</b></p>",
            "created_at": "2026-11-01T10:00:00.000Z",
            "visibility": "public",
            "mentions": [],
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "url": f"https://kind.example/@ana/{sid}",
        }
        return {**base, **extra}

    [post] = conn.notification_items({"id": "50", "type": "status", "status": status("100")})
    assert (post.kind, post.text, post.is_own) == (ItemKind.POST, "Hello there", False)
    assert post.author.handle == "@ana@kind.example" and post.author.name == "Ana Lima"
    quoted = {"state": "accepted", "quoted_status": status("90", account=me)}
    [quote] = conn.notification_items(
        {"id": "51", "type": "quote", "status": status("101", quote=quoted)}
    )
    assert (quote.kind, quote.parent_remote_id) == (ItemKind.QUOTE, "90")
    edited = status("101", content="<p>Edited</p>", quote=quoted)
    [update] = conn.notification_items({"id": "52", "type": "update", "status": edited})
    assert (update.remote_id, update.text) == ("101", "Edited")  # same item, updated in place
    assert conn.notification_items({"id": "53", "type": "poll", "status": status("102")}) == []
    mention = status("103", mentions=[{"id": "1"}], in_reply_to_id="80")
    [item] = conn.notification_items({"id": "54", "type": "mention", "status": mention})
    assert (item.kind, item.parent_remote_id) == (ItemKind.MENTION, "80")


def test_publish_replies_once_per_idempotency_key(base_url: str) -> None:
    bob = client(base_url, "bob")
    question = bob.status_post("@alice any tips for a kindness wall?")
    reply = Reply("mastodon:social", str(question.id), "Start small!", idempotency_key="k-1")
    with connector(base_url) as conn:
        first = conn.publish(reply)
        second = conn.publish(reply)
    assert first == second
    [posted] = statuses_of(base_url, "alice")
    assert str(posted.id) == first
    assert str(posted.in_reply_to_id) == str(question.id)
    assert "Start small!" in posted.content and "@bob" in posted.content
    assert posted.visibility == "public"


def test_a_private_reply_is_a_direct_message(base_url: str) -> None:
    dan = client(base_url, "dan")
    worry = dan.status_post("@alice I am not ok")
    reply = Reply("mastodon:social", str(worry.id), "I'm here for you.", private=True)
    with connector(base_url) as conn:
        conn.publish(reply)
    [posted] = statuses_of(base_url, "alice")
    assert posted.visibility == "direct"


def test_sync_sources_syncs_accounts_and_reports_each_error(
    base_url: str, store: SQLiteStore, stub_scorer: Any
) -> None:
    kindness_post(base_url)
    store.add_account(Account("social", "mastodon", base_url, handle="alice"))
    store.add_account(Account("broken", "mastodon", base_url, handle="bob"))
    creds = EnvCredentials({**TOKEN, "CYBERKIND_BROKEN_ACCESS_TOKEN": "wrong"})
    seen: list[tuple[int, int, str]] = []
    with httpx.Client() as http:
        report = sync_sources(
            store,
            http,
            scorer=stub_scorer,
            credentials=creds,
            progress=lambda d, t, s: seen.append((d, t, s)),
        )
    by_source = {r.source: r for r in report.sources}
    assert by_source["mastodon:social"].new == 6
    assert "refused the access token of the Mastodon account 'broken'" in str(
        by_source["mastodon:broken"].error
    )
    assert seen == [(0, 2, "mastodon:broken"), (1, 2, "mastodon:social"), (2, 2, "")]


def test_cli_sync_reports_an_auth_error_and_syncs_the_rest(
    base_url: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kindness_post(base_url)
    with SQLiteStore(db_path) as s:
        s.add_account(Account("social", "mastodon", base_url, handle="alice"))
        s.add_account(Account("broken", "mastodon", base_url))
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", "alice_token")
    monkeypatch.setenv("CYBERKIND_BROKEN_ACCESS_TOKEN", "wrong-secret-value")
    result = CliRunner().invoke(cli, ["sync", "--json", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "wrong-secret-value" not in result.output
    assert "Error: " in result.stderr and "'broken'" in result.stderr
    payload = json.loads(result.stdout)
    assert {s["source"]: s["new_items"] for s in payload["sources"]} == {
        "mastodon:broken": 0,
        "mastodon:social": 6,
    }
    only = CliRunner().invoke(cli, ["sync", "social", "--db", str(db_path)])
    assert only.exit_code == 0, only.output
    assert only.stdout.startswith("Synced 1 source: 0 new items")


def test_the_token_never_reaches_the_logs_or_the_store(
    base_url: str, store: SQLiteStore, stub_scorer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    kindness_post(base_url)
    with connector(base_url) as conn:
        sync(store, conn, stub_scorer)
    with connector(base_url, token="wrong-token-value") as conn, pytest.raises(AuthError):
        list(conn.fetch(None))
    assert caplog.records  # urllib3 logged the requests
    assert "alice_token" not in caplog.text and "wrong-token-value" not in caplog.text
    dump = "\n".join(store._conn.iterdump())
    assert "alice_token" not in dump


def test_a_trickling_server_cannot_hold_a_sync_past_its_deadline(
    base_url: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real proxy on 127.0.0.1 sends one Mastodon account's notifications a byte every
    0.2 s. Before: only the per-read timeout applied within a request, so the sync waited
    out the whole trickle (30 s here; forever for an endless one). Now the sync_deadline
    holds within the request: that account is reported at 2 s, the other one syncs, and
    the slow one's notifications cursor stays unset."""
    kindness_post(base_url)
    proxy = FaultyProxy(base_url)
    proxy.plan = [("GET", "/api/v1/notifications", "trickle")]
    with SQLiteStore(db_path) as s:
        s.add_account(Account("slow", "mastodon", proxy.url, handle="alice"))
        s.add_account(Account("social", "mastodon", base_url, handle="alice"))
    monkeypatch.setenv("CYBERKIND_SLOW_ACCESS_TOKEN", "alice_token")
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", "alice_token")
    with proxy.running():
        started = time.monotonic()
        result = CliRunner().invoke(
            cli, ["sync", "--json", "--db", str(db_path), "--setting", "sync_deadline", "2"]
        )
        elapsed = time.monotonic() - started
    assert [action for _, _, action in proxy.seen] == ["trickle"]
    assert elapsed < 8, elapsed
    assert result.exit_code == 1, result.output
    by_source = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert "mastodon:slow took longer than its 2 s deadline" in by_source["mastodon:slow"]["error"]
    assert by_source["mastodon:social"]["new_items"] == 6
    assert by_source["mastodon:social"]["error"] is None
    with SQLiteStore(db_path) as s:
        cursors = s.cursors()
    # Its statuses came first and committed; its notifications wait for the next sync.
    assert json.loads(cursors["mastodon:slow"])["notifications"] is None
    assert json.loads(cursors["mastodon:social"])["notifications"] is not None
