"""Bluesky through the real ``atproto`` SDK, against HTTP recorded from a real local network.

Real parts: the ``atproto`` SDK and ``httpx`` build and parse every request; the
answers are **cassettes recorded from a real Bluesky network** started by
``@atproto/dev-env`` (its PLC, PDS and AppView on PostgreSQL and Redis, with the
PDS's rate limits on), seeded by ``scripts/bluesky_devenv.js`` and recorded by
``scripts/record_bluesky_cassettes.py``, which runs this very module with
``BLUESKY_RECORD_NETWORK`` set: then every test talks to the live network and
vcrpy writes ``tests/cassettes/bluesky/<test>.yaml`` (tokens and passwords
scrubbed). Without that variable the tests replay the cassettes, and a request
the recording did not make fails the test. The store is a real SQLite file and
syncs run through :func:`cyberkind.pipeline.sync`. One test puts a real uvicorn proxy on
127.0.0.1 (``serve_in_thread``) in front of the network to refuse logins with a 429; the
session tests use the installed keyring backend, kept under the test's ``XDG_DATA_HOME``.

Why ``make test`` replays cassettes: dev-env needs Node, a 475-package npm install
with native builds (better-sqlite3), PostgreSQL and Redis, which a developer's
machine may lack. CI (``.ci/run``) installs all of that and then runs this module
live against a fresh network too; see docs/inbox.md.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr

from cyberkind.connectors import connector_registry
from cyberkind.connectors.bluesky import (
    LINK_FACET,
    MENTION_FACET,
    BlueskyConnector,
    KeyringSessions,
    MemorySessions,
    NotificationCursor,
    tid_from_key,
)
from cyberkind.credentials import EnvCredentials, Secret, env_var
from cyberkind.errors import AuthError, SourceError
from cyberkind.models import Account, Act, ItemKind, Reply
from cyberkind.pipeline import sync
from cyberkind.store.sqlite import SQLiteStore

CASSETTES = Path(
    os.environ.get("BLUESKY_CASSETTES") or Path(__file__).parent / "cassettes" / "bluesky"
)
"""Where cassettes are read (and written while recording); a live check can write elsewhere."""
SCRUBBED = "scrubbed-app-password"
FAR_FUTURE = 4_102_444_800  # 2100-01-01: scrubbed tokens never look expired on replay


@dataclass(frozen=True)
class Network:
    """The dev-env network: live while recording, else what the recording saw."""

    pds: str
    user: str
    other: str
    app_password: str
    password: str
    live: bool


@pytest.fixture
def network() -> Network:
    live = os.environ.get("BLUESKY_RECORD_NETWORK")
    if live:
        data = json.loads(Path(live).read_text())
        return Network(
            data["pds"],
            data["user"],
            data["handles"]["dinah"],
            data["app_password"],
            data["password"],
            True,
        )
    data = json.loads((CASSETTES / "network.json").read_text())
    return Network(data["pds"], data["user"], data["other"], SCRUBBED, SCRUBBED, False)


def _fake_jwt(token: str) -> str:
    """The token's claims with a far-future expiry and no signature."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    except (IndexError, ValueError):
        payload = {}
    payload["exp"] = FAR_FUTURE

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}.c2NydWJiZWQ"


def _scrub_request(request: Any) -> Any:
    if request.body and b'"password"' in (
        request.body if isinstance(request.body, bytes) else request.body.encode()
    ):
        body = json.loads(request.body)
        body["password"] = SCRUBBED
        request.body = json.dumps(body).encode()
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response["body"]["string"]
    if b"accessJwt" in body or b"refreshJwt" in body:
        data = json.loads(body)
        for key in ("accessJwt", "refreshJwt"):
            if key in data:
                data[key] = _fake_jwt(data[key])
        response["body"]["string"] = json.dumps(data).encode()
    for name in list(response["headers"]):
        if name.lower() in ("set-cookie", "content-length", "content-encoding"):
            del response["headers"][name]
    return response


def _recorder(network: Network, name: str) -> Any:
    """A vcrpy cassette: rewritten from scratch while recording, replayed otherwise."""
    if network.live:
        (CASSETTES / name).unlink(missing_ok=True)
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if network.live else "none",
        match_on=("method", "scheme", "host", "port", "path", "query"),
        filter_headers=["authorization", "atproto-proxy"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
        ignore_hosts=("127.0.0.1",),  # the test's own fault-injecting proxy, below
    ).use_cassette(name)


@pytest.fixture
def cassette(request: pytest.FixtureRequest, network: Network) -> Iterator[Any]:
    with _recorder(network, f"{request.node.name}.yaml") as recorded:
        yield recorded


@pytest.fixture
def calls() -> list[str]:
    """The XRPC method of every request the connector sends, in order."""
    return []


@pytest.fixture
def client(calls: list[str]) -> Iterator[httpx.Client]:
    def log(request: httpx.Request) -> None:
        calls.append(request.url.path.removeprefix("/xrpc/"))

    with httpx.Client(timeout=30, event_hooks={"request": [log]}) as http:
        yield http


def connector(
    network: Network,
    client: httpx.Client,
    *,
    sessions: MemorySessions | None = None,
    password: str | None = None,
    handle: str | None = None,
    **options: Any,
) -> BlueskyConnector:
    account = Account("me", "bluesky", network.pds, handle=handle or network.user)
    secret = password if password is not None else network.app_password
    creds = EnvCredentials({env_var("me", "app_password"): secret})
    return BlueskyConnector(
        account,
        credentials=creds,
        client=client,
        sessions=sessions if sessions is not None else MemorySessions(),
        **options,
    )


EXPECTED_KINDS = {
    ItemKind.LIKE: 4,
    ItemKind.BOOST: 1,
    ItemKind.FOLLOW: 3,
    ItemKind.REPLY: 2,
    ItemKind.MENTION: 1,
    ItemKind.QUOTE: 1,
}
"""What bluesky_devenv.js seeds for ana: 3 likes on her first post and 1 on her second, a
repost, 3 follows, 2 replies, a mention and a quote."""


def _others(store: SQLiteStore) -> list[Any]:
    return [s.item for s in store.items("bluesky:me") if not s.item.is_own]


def test_the_connector_is_registered() -> None:
    assert connector_registry()["bluesky"] is BlueskyConnector
    assert BlueskyConnector.secret_keys == ("app_password",)


def test_sessions_live_in_the_keyring_not_the_store(tmp_path: Path) -> None:
    """Real keyring: the installed backend, with its files under the test's XDG_DATA_HOME."""
    import keyring

    first = KeyringSessions()
    first.set("me", Secret("handle|did|access|refresh"))
    assert keyring.get_password("cyberkind", "me:session") == "handle|did|access|refresh"
    assert KeyringSessions().get("me") == Secret("handle|did|access|refresh")
    first.delete("me")
    assert KeyringSessions().get("me") is None
    assert keyring.get_password("cyberkind", "me:session") is None


def test_without_a_keyring_the_session_lasts_for_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring -> ImportError
    sessions = KeyringSessions()
    sessions.set("me", Secret("s"))
    assert sessions.get("me") == Secret("s")
    assert KeyringSessions().get("me") is None


def test_tid_from_key_is_a_valid_stable_record_key() -> None:
    keys = [tid_from_key(f"opportunity-{n}") for n in range(200)]
    assert len(set(keys)) == 200
    assert all(len(k) == 13 and k[0] in "234567abcdefghij" for k in keys)
    assert tid_from_key("opportunity-1") == keys[1]


def test_sync_maps_every_notification_type(
    network: Network, cassette: Any, client: httpx.Client, db_path: Path, stub_scorer: Any
) -> None:
    with SQLiteStore(db_path) as store:
        report = sync(store, connector(network, client), stub_scorer)
        others = _others(store)
        own = {s.item.remote_id: s.item for s in store.items("bluesky:me") if s.item.is_own}
        opps = store.opportunities(sources=["bluesky:me"])

    kinds: dict[ItemKind, int] = {}
    for item in others:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    assert kinds == EXPECTED_KINDS
    assert report.new == len(others) + len(own)
    # The user's own posts the notifications point at, and her replies (getAuthorFeed).
    assert sorted(i.text for i in own.values()) == [
        "So glad it helped, Bodhi!",
        "Ten tiny kindnesses you can do before lunch",
        "Thank you, Dinah!",
        "Why I leave notes for my neighbours",
    ]
    first = next(i for i in own.values() if i.text.startswith("Ten tiny"))
    second = next(i for i in own.values() if i.text.startswith("Why I"))
    ana_reply = next(i for i in own.values() if i.text.startswith("So glad"))
    assert first.kind is ItemKind.POST and ana_reply.kind is ItemKind.REPLY
    by_text = {i.text: i for i in others if i.text}
    bodhi = by_text["This made my morning, thank you!"]
    cyrus = by_text["Idea: what if we all left a kind note for a stranger?"]
    assert (bodhi.parent_remote_id, bodhi.thread_id) == (first.remote_id, first.remote_id)
    assert (cyrus.parent_remote_id, cyrus.thread_id) == (ana_reply.remote_id, first.remote_id)
    assert ana_reply.parent_remote_id == bodhi.remote_id
    quote = next(i for i in others if i.kind is ItemKind.QUOTE)
    assert (quote.text, quote.parent_remote_id) == ("Everyone should read this", second.remote_id)
    mention = next(i for i in others if i.kind is ItemKind.MENTION)
    assert mention.author.handle.startswith("dinah.") and "@ana.test" in mention.text
    likes = [i for i in others if i.kind is ItemKind.LIKE]
    assert sorted(i.author.name for i in likes if i.thread_id == first.remote_id) == [
        "Bodhi Chen",
        "Cyrus Okafor",
        "Dinah Novak",
    ]
    assert all(i.remote_id.startswith("at://did:plc:") for i in others)

    by_act: dict[Act, list[str]] = {}
    for opp in opps:
        by_act.setdefault(opp.act, []).append(opp.reason)
    # Likes of one post are one group; Bodhi's reply is answered (Ana replied), Cyrus's is not.
    assert "3 people liked your post 'Ten tiny kindnesses you can do before lunch'" in " ".join(
        by_act[Act.THANK_READER]
    )
    # Bodhi's reply and Dinah's mention were answered on Bluesky; Cyrus's reply and Bodhi's
    # quote were not. Cyrus's reply is an idea: one opportunity, credit for the idea.
    thanked = {o.item_ids: o.person for o in opps if o.act is Act.THANK_COMMENTER}
    assert thanked == {(quote.remote_id,): "Bodhi Chen"}
    credited = {o.item_ids: o.person for o in opps if o.act is Act.THANK_FOR_SHARING_WHAT_MATTERS}
    assert credited == {(cyrus.remote_id,): "Cyrus Okafor"}
    answer = next(i for i in own.values() if i.text == "Thank you, Dinah!")
    assert answer.parent_remote_id == mention.remote_id
    assert any(o.is_idea and o.person == "Cyrus Okafor" for o in opps)
    assert sum(1 for o in opps if o.reason == "followed you") == 3


def test_resync_adds_nothing_and_reuses_the_session(
    network: Network,
    cassette: Any,
    client: httpx.Client,
    calls: list[str],
    db_path: Path,
    stub_scorer: Any,
) -> None:
    sessions = MemorySessions()
    with SQLiteStore(db_path) as store:
        first = sync(store, connector(network, client, sessions=sessions), stub_scorer)
        assert calls.count("com.atproto.server.createSession") == 1
        assert sessions.get("me") is not None
        calls.clear()
        again = sync(store, connector(network, client, sessions=sessions), stub_scorer)
        assert first.new > 0
        assert (again.new, again.opportunities_new, again.batches) == (0, 0, 0)
        assert len(_others(store)) == sum(EXPECTED_KINDS.values())
    # The second connector resumed the saved session: no new login.
    assert "com.atproto.server.createSession" not in calls
    assert calls[0] == "com.atproto.server.getSession"
    assert "app.bsky.notification.listNotifications" in calls


class Killed(Exception):
    """Stands for the process dying after a committed batch."""


def test_a_killed_sync_resumes_without_loss_or_duplicates(
    network: Network,
    cassette: Any,
    client: httpx.Client,
    calls: list[str],
    db_path: Path,
    stub_scorer: Any,
) -> None:
    sessions = MemorySessions()
    fetched: list[str] = []

    class Counting(BlueskyConnector):
        def fetch(self, cursor: str | None) -> Iterator[Any]:
            for batch in super().fetch(cursor):
                fetched.extend(i.remote_id for i in batch.items if not i.is_own)
                yield batch

    def die_after_two(done: int, total: int) -> None:
        if done >= 8:
            raise Killed

    def make() -> Counting:
        account = Account("me", "bluesky", network.pds, handle=network.user)
        creds = EnvCredentials({env_var("me", "app_password"): network.app_password})
        return Counting(
            account, credentials=creds, client=client, sessions=sessions, batch_size=4, page_size=5
        )

    with SQLiteStore(db_path) as store:
        with pytest.raises(Killed):
            sync(store, make(), stub_scorer, progress=die_after_two)
        stored = len(_others(store))
        assert 0 < stored < sum(EXPECTED_KINDS.values())
        cursor = NotificationCursor.loads(store.get_cursor("bluesky:me"))
        assert cursor.indexed_at is not None and cursor.seen
        # 12 in pages of 5, 5 and 2; the last still has a cursor, so an empty 4th page ends it.
        assert calls.count("app.bsky.notification.listNotifications") == 4
        calls.clear()
        sync(store, make(), stub_scorer)
        assert len(_others(store)) == sum(EXPECTED_KINDS.values())
        # The 4 newest are new: the first page (5) reaches the watermark, so paging stops.
        assert calls.count("app.bsky.notification.listNotifications") == 1
    assert len(fetched) == len(set(fetched)) == sum(EXPECTED_KINDS.values())


def _record(http: httpx.Client, pds: str, uri: str) -> dict[str, Any]:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    answer = http.get(
        f"{pds}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


async def _relay(http: httpx.Client, upstream: str, request: Any) -> httpx.Response:
    """Send a proxy's incoming (Starlette) ``request`` on to ``upstream`` with ``http``."""
    from starlette.concurrency import run_in_threadpool

    body = await request.body()
    skip = {"host", "content-length", "accept-encoding", "connection"}
    # In a worker thread: vcrpy records a sync request made inside a running event loop
    # only as a task that never runs (vcrpy 7.0), so the recording would miss it.
    answer: httpx.Response = await run_in_threadpool(
        http.request,
        request.method,
        upstream + request.url.path,
        params=list(request.query_params.multi_items()),
        content=body,
        headers={k: v for k, v in request.headers.items() if k.lower() not in skip},
    )
    return answer


def _relayed(answer: httpx.Response) -> Any:
    """The upstream ``answer`` as the proxy's Starlette response."""
    from starlette.responses import Response

    drop = {"content-length", "content-encoding", "transfer-encoding", "connection"}
    headers = {k: v for k, v in answer.headers.items() if k.lower() not in drop}
    return Response(answer.content, status_code=answer.status_code, headers=headers)


def _losing_proxy(upstream: str, http: httpx.Client) -> Any:
    """A real ASGI proxy to the network whose link goes down right after the first post.

    It forwards every request; the first ``createRecord`` reaches the PDS (the post is
    written) but the proxy answers ``504 Gateway Timeout``, and from then on it answers
    ``502 Bad Gateway`` without forwarding: a send whose outcome the client never learns.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    down = [False]

    async def forward(request: Request) -> Response:
        if down[0]:
            return JSONResponse({"error": "BadGateway", "message": "upstream down"}, 502)
        answer = await _relay(http, upstream, request)
        if request.url.path.endswith("com.atproto.repo.createRecord"):
            down[0] = True
            return JSONResponse({"error": "GatewayTimeout", "message": "timed out"}, 504)
        return _relayed(answer)

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST"])])


def test_send_draft_replies_to_a_reply_once_and_closes_the_opportunity(
    network: Network,
    cassette: Any,
    client: httpx.Client,
    serve_in_thread: Any,
    db_path: Path,
    stub_scorer: Any,
    scorer: Any,
) -> None:
    """``cyberkind.sending.send_draft`` end to end: sync, draft, a send whose answer is lost
    (a real uvicorn proxy on 127.0.0.1), the retry, and a second send that posts nothing."""
    from cyberkind.composer import Composer
    from cyberkind.guard import Guard
    from cyberkind.models import State
    from cyberkind.sending import send_draft

    guard = Guard(scorer=scorer)
    sessions = MemorySessions()
    text = "What a lovely idea, Cyrus! Count me in."
    with SQLiteStore(db_path) as store:
        store.add_account(Account("me", "bluesky", network.pds, handle=network.user))
        sync(store, connector(network, client, sessions=sessions), stub_scorer)
        items = {s.item.text: s.item for s in store.items("bluesky:me")}
        cyrus = items["Idea: what if we all left a kind note for a stranger?"]
        root = items["Ten tiny kindnesses you can do before lunch"]
        [opp] = [
            o
            for o in store.opportunities(acts=[Act.THANK_FOR_SHARING_WHAT_MATTERS.value])
            if o.item_ids == (cyrus.remote_id,)
        ]
        draft = Composer(store, guard=guard).draft(opp, save=True)
        assert draft.stars > 0

        with (
            httpx.Client(timeout=30) as upstream,
            serve_in_thread(_losing_proxy(network.pds, upstream)) as url,
        ):
            account = Account("me", "bluesky", url, handle=network.user)
            creds = EnvCredentials({env_var("me", "app_password"): network.app_password})
            flaky = BlueskyConnector(
                account, credentials=creds, client=client, sessions=MemorySessions()
            )
            with pytest.raises(SourceError, match="502"):
                send_draft(store, opp.id, text=text, connector=flaky, guard=guard)
        [entry] = store.outbox(opp.id)
        assert (entry.state, entry.attempts) == ("pending", 1)
        assert store.get_opportunity(opp.id).state is not State.DONE
        assert store.star_awards() == []

        retry = connector(network, client, sessions=sessions)
        result = send_draft(store, opp.id, text=text, connector=retry, guard=guard)
        assert not result.already_sent
        [entry] = store.outbox(opp.id)
        assert (entry.state, entry.attempts, entry.remote_id) == ("sent", 2, result.remote_id)
        assert store.get_opportunity(opp.id).state is State.DONE
        assert [(a.person, a.count) for a in store.star_awards()] == [("Cyrus Okafor", draft.stars)]
        again = send_draft(store, opp.id, text=text, connector=retry, guard=guard)
        assert again.already_sent and again.remote_id == result.remote_id
        assert len(store.star_awards()) == 1

    record = _record(client, network.pds, result.remote_id)
    refs = record["value"]["reply"]
    assert (refs["parent"]["uri"], refs["parent"]["cid"]) == (cyrus.remote_id, cyrus.raw["cid"])
    assert (refs["root"]["uri"], refs["root"]["cid"]) == (root.remote_id, root.raw["cid"])
    assert record["value"]["text"] == text
    # Exactly one post: the record key is the send's, and the feed holds it once.
    assert result.remote_id.endswith("/" + tid_from_key(entry.key))
    feed = client.get(
        f"{network.pds}/xrpc/com.atproto.repo.listRecords",
        params={"repo": retry.did, "collection": "app.bsky.feed.post", "limit": 100},
    ).json()["records"]
    assert [r["uri"] for r in feed if r["value"]["text"] == text] == [result.remote_id]


def group_items(store: SQLiteStore, opp: Any) -> list[Any]:
    return [s.item for s in store.items(opp.source, remote_ids=opp.item_ids)]


def test_send_draft_thanks_a_group_of_likes_with_one_reply_to_the_post(
    network: Network,
    cassette: Any,
    client: httpx.Client,
    db_path: Path,
    stub_scorer: Any,
    scorer: Any,
) -> None:
    """Three likes of Ana's first post: one reply to that post (root and parent), without
    mention facets (the likers are thanked in public, not pinged). A like earns no gold
    star (thank_reader is not a star act), so the ledger stays empty."""
    from cyberkind.composer import Composer
    from cyberkind.guard import Guard
    from cyberkind.models import State
    from cyberkind.sending import send_draft

    guard = Guard(scorer=scorer)
    with SQLiteStore(db_path) as store:
        store.add_account(Account("me", "bluesky", network.pds, handle=network.user))
        conn = connector(network, client)
        sync(store, conn, stub_scorer)
        items = {s.item.text: s.item for s in store.items("bluesky:me")}
        first = items["Ten tiny kindnesses you can do before lunch"]
        [group] = [
            o for o in store.opportunities(acts=[Act.THANK_READER.value]) if len(o.item_ids) == 3
        ]
        draft = Composer(store, guard=guard).draft(group, save=True)
        assert draft.text.startswith("Hi everyone,") and draft.stars == 0
        result = send_draft(store, group.id, connector=conn, guard=guard)
        assert sorted(result.to) == sorted(i.author.handle for i in group_items(store, group))
        people = {i.author.handle: i.raw["did"] for i in group_items(store, group)}
        assert store.get_opportunity(group.id).state is State.DONE
        assert (result.stars_recorded, store.star_awards()) == (0, [])
        again = send_draft(store, group.id, connector=conn, guard=guard)
        assert again.already_sent and again.remote_id == result.remote_id
    record = _record(client, network.pds, result.remote_id)["value"]
    for ref in (record["reply"]["root"], record["reply"]["parent"]):
        assert (ref["uri"], ref["cid"]) == (first.remote_id, first.raw["cid"])
    # Each person thanked is @mentioned with a facet naming their DID, so Bluesky notifies
    # them (the post's author, the user, is not).
    prefix = "".join(f"@{h} " for h in result.to)
    assert record["text"] == prefix + draft.text
    raw = record["text"].encode()
    mentions = {
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]["did"]
        for f in record["facets"]
    }
    assert mentions == {f"@{h}": did for h, did in people.items()}
    assert {f["features"][0]["$type"] for f in record["facets"]} == {MENTION_FACET}


def test_a_reply_to_a_reply_points_at_the_thread_root(
    network: Network, cassette: Any, client: httpx.Client
) -> None:
    conn = connector(network, client)
    items = [i for batch in conn.fetch(None) for i in batch.items]
    cyrus = next(i for i in items if i.text.startswith("Idea: what if"))
    root = next(i for i in items if i.text.startswith("Ten tiny"))

    uri = conn.publish(
        Reply("bluesky:me", cyrus.remote_id, "What a lovely idea!", idempotency_key="t1:d1")
    )

    record = _record(client, network.pds, uri)
    refs = record["value"]["reply"]
    assert refs["parent"]["uri"] == cyrus.remote_id
    assert refs["parent"]["cid"] == cyrus.raw["cid"]
    assert refs["root"]["uri"] == root.remote_id
    assert refs["root"]["cid"] == root.raw["cid"]
    assert record["value"]["text"] == "What a lovely idea!"
    assert uri.endswith("/app.bsky.feed.post/" + tid_from_key("t1:d1"))

    # A reply to a top-level post: the post is both root and parent. A link and a mention
    # typed into the text get facets, so Bluesky shows a link and notifies the person.
    text = f"Thanks all! @{network.other} made this: https://kind.example/ten-tiny."
    uri2 = conn.publish(Reply("bluesky:me", root.remote_id, text))
    value = _record(client, network.pds, uri2)["value"]
    for ref in (value["reply"]["root"], value["reply"]["parent"]):
        assert (ref["uri"], ref["cid"]) == (root.remote_id, root.raw["cid"])
    raw = value["text"].encode()
    assert value["text"] == text
    [mention, link] = value["facets"]
    assert raw[mention["index"]["byteStart"] : mention["index"]["byteEnd"]].decode() == (
        f"@{network.other}"
    )
    assert mention["features"][0]["did"].startswith("did:plc:")
    assert link["features"] == [{"$type": LINK_FACET, "uri": "https://kind.example/ten-tiny"}]


def test_publish_is_idempotent(
    network: Network, cassette: Any, client: httpx.Client, calls: list[str]
) -> None:
    conn = connector(network, client)
    items = [i for batch in conn.fetch(None) for i in batch.items]
    bodhi = next(i for i in items if i.text.startswith("This made my morning"))
    reply = Reply("bluesky:me", bodhi.remote_id, "Thank you, Bodhi!", idempotency_key="t2:d1")

    assert conn.published(reply) is None
    calls.clear()
    first = conn.publish(reply)
    assert calls.count("com.atproto.repo.createRecord") == 1
    calls.clear()
    again = conn.publish(reply)  # a retry after a timeout: found, not posted twice
    assert again == first
    assert "com.atproto.repo.createRecord" not in calls
    assert conn.published(reply) == first

    class LostAnswer(BlueskyConnector):
        """The look-up before posting missed the first attempt (it was still in flight)."""

        checks = 0

        def published(self, reply: Reply) -> str | None:
            self.checks += 1
            return None if self.checks == 1 else super().published(reply)

    racer = LostAnswer(
        conn.account, credentials=conn.credentials, client=client, sessions=conn.sessions
    )
    calls.clear()
    assert racer.publish(reply) == first  # the PDS refuses the taken record key (a 500)
    assert calls.count("com.atproto.repo.createRecord") == 1

    other = conn.publish(Reply("bluesky:me", bodhi.remote_id, "Thanks!", idempotency_key="t2:d2"))
    assert other != first


def test_a_revoked_saved_session_logs_in_again(
    network: Network, cassette: Any, client: httpx.Client, calls: list[str]
) -> None:
    from atproto_client.client.session import Session

    sessions = MemorySessions()
    # A session string whose tokens the server never issued (revoked, or from another PDS).
    token = _fake_jwt("x.eyJzdWIiOiJkaWQ6cGxjOnJldm9rZWQifQ.x")
    stale = Session(network.user, "did:plc:revoked", token, token, network.pds).encode()
    sessions.set("me", Secret(stale))

    conn = connector(network, client, sessions=sessions)
    assert conn.did.startswith("did:plc:")
    assert calls[:2] == ["com.atproto.server.getSession", "com.atproto.server.createSession"]
    saved = sessions.get("me")
    assert saved is not None and saved.reveal() != stale


def test_a_wrong_app_password_is_an_auth_error(
    network: Network, cassette: Any, client: httpx.Client
) -> None:
    password = "wrong-app-password" if network.live else SCRUBBED
    conn = connector(network, client, password=password)
    with pytest.raises(AuthError) as caught:
        list(conn.fetch(None))
    message = str(caught.value)
    assert "refused the app password" in message
    assert "You can fix this by creating a new app password" in message
    assert password not in message


def test_a_missing_app_password_says_how_to_set_it(network: Network, client: httpx.Client) -> None:
    account = Account("me", "bluesky", network.pds, handle=network.user)
    conn = BlueskyConnector(
        account, credentials=EnvCredentials({}), client=client, sessions=MemorySessions()
    )
    with pytest.raises(AuthError, match="CYBERKIND_ME_APP_PASSWORD"):
        conn.did  # noqa: B018 - logging in is the point


def test_429_waits_for_ratelimit_reset_then_gives_up(
    network: Network, client: httpx.Client, calls: list[str]
) -> None:
    """The PDS allows 30 logins per 5 minutes per account: the 31st gets a real 429."""
    if network.live:
        with httpx.Client(timeout=30) as raw:
            for _ in range(30):
                raw.post(
                    f"{network.pds}/xrpc/com.atproto.server.createSession",
                    json={"identifier": network.other, "password": network.password},
                )
    sleeps: list[float] = []
    with _recorder(network, "test_429_waits_for_ratelimit_reset.yaml") as recorded:
        conn = connector(
            network,
            client,
            handle=network.other,
            password=network.password,
            sleep=sleeps.append,
            max_retries=2,
            max_wait=600,
        )
        with pytest.raises(SourceError, match="kept answering 429 Too Many Requests") as caught:
            conn.did  # noqa: B018 - logging in is the point
        statuses = [r["status"]["code"] for r in recorded.responses]
        headers = {k.lower(): v for k, v in recorded.responses[0]["headers"].items()}
    assert statuses == [429, 429, 429]
    assert calls == ["com.atproto.server.createSession"] * 3
    assert headers["ratelimit-remaining"] == ["0"]
    from email.utils import parsedate_to_datetime

    served = parsedate_to_datetime(headers["date"][0]).timestamp()
    expected = float(headers["ratelimit-reset"][0]) - served
    assert 0 < expected <= 300
    assert sleeps[0] == pytest.approx(expected, abs=1)
    assert len(sleeps) == 2
    assert "RateLimit-Reset" in str(caught.value)


def _throttling_proxy(upstream: str, http: httpx.Client, *, refusals: int, reset_in: int) -> Any:
    """A real ASGI proxy to the network that first refuses ``refusals`` logins with a 429.

    Its 429s carry Bluesky's headers (``RateLimit-Limit/Remaining/Reset`` with the reset in
    epoch seconds, ``RateLimit-Policy``) and a ``Date``; everything else is forwarded.
    """
    import time

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    left = [refusals]

    async def forward(request: Request) -> Response:
        if request.url.path.endswith("com.atproto.server.createSession") and left[0] > 0:
            left[0] -= 1
            now = int(time.time())
            return JSONResponse(
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                status_code=429,
                headers={
                    "RateLimit-Limit": "30",
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(now + reset_in),
                    "RateLimit-Policy": "30;w=300",
                },  # uvicorn adds the Date header: the server's clock
            )
        return _relayed(await _relay(http, upstream, request))

    methods = ["GET", "POST"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)])


def test_a_429_on_login_waits_for_the_reset_then_the_sync_completes(
    network: Network,
    cassette: Any,
    serve_in_thread: Any,
    db_path: Path,
    stub_scorer: Any,
) -> None:
    """Real parts: a uvicorn proxy on 127.0.0.1 in front of the (recorded) dev-env network."""
    from email.utils import parsedate_to_datetime

    sleeps: list[float] = []
    refused: list[float] = []

    def seen(response: httpx.Response) -> None:
        if response.status_code == 429:
            served = parsedate_to_datetime(response.headers["Date"]).timestamp()
            refused.append(float(response.headers["RateLimit-Reset"]) - served)

    with (
        httpx.Client(timeout=30) as upstream,
        httpx.Client(timeout=30, event_hooks={"response": [seen]}) as client,
    ):
        app = _throttling_proxy(network.pds, upstream, refusals=2, reset_in=7)
        with serve_in_thread(app) as url, SQLiteStore(db_path) as store:
            account = Account("me", "bluesky", url, handle=network.user)
            creds = EnvCredentials({env_var("me", "app_password"): network.app_password})
            conn = BlueskyConnector(
                account,
                credentials=creds,
                client=client,
                sessions=MemorySessions(),
                sleep=sleeps.append,
            )
            report = sync(store, conn, stub_scorer)
            stored = len(_others(store))
    # Each wait is RateLimit-Reset (epoch seconds) minus the 429's own Date header.
    # uvicorn refreshes its Date once a second, so it may lag the reset base by a second or so.
    assert len(refused) == 2 and all(7 <= wait <= 12 for wait in refused)
    assert sleeps == refused
    assert stored == sum(EXPECTED_KINDS.values())
    assert report.new >= stored


def test_mentions_skip_the_user_repeats_unknown_handles_and_the_length_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """How a grouped reply's @mentions and every facet are chosen (no network: DIDs from a
    table)."""
    account = Account("me", "bluesky", "https://pds.example", handle="ana.test")
    conn = BlueskyConnector(account, credentials=EnvCredentials({}), sessions=MemorySessions())
    dids = {"bob.test": "did:plc:bob", "cara.test": "did:plc:cara", "dé.test": "did:plc:de"}
    asked: list[str] = []

    def resolve(handle: str) -> str | None:
        asked.append(handle)
        return dids.get(handle.lower())

    monkeypatch.setattr(conn, "_resolve", resolve)
    text, known = conn._mentions(
        "Thank you all!", ["bob.test", "@ana.test", "bob.test", "ghost.test", "dé.test"]
    )
    assert text == "@bob.test @dé.test Thank you all!"
    assert known == {"bob.test": "did:plc:bob", "dé.test": "did:plc:de"}
    # Already mentioned in the text: not again.
    assert conn._mentions("Thanks @Bob.test!", ["bob.test"]) == ("Thanks @Bob.test!", {})
    # Never past Bluesky's 300 characters: later mentions are left out.
    long = "x" * 285
    text, known = conn._mentions(long, ["bob.test", "cara.test"])
    assert text == "@bob.test " + long and list(known) == ["bob.test"]

    # Facets: mentions that resolve and links, at UTF-8 byte offsets, in text order; no
    # second look-up for a handle already resolved; e-mail addresses are not mentions.
    asked.clear()
    draft = (
        "@bob.test Für dich, @cara.test: https://kind.example/a_(b)?x=1. "
        "Mail ana@kind.example, not @ghost.test (see https://kind.example/c)."
    )
    facets = conn._facets(draft, {"bob.test": "did:plc:bob"})
    raw = draft.encode()
    found = [
        (raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(), f["features"][0])
        for f in facets
    ]
    assert found == [
        ("@bob.test", {"$type": MENTION_FACET, "did": "did:plc:bob"}),
        ("@cara.test", {"$type": MENTION_FACET, "did": "did:plc:cara"}),
        ("https://kind.example/a_(b)?x=1",
         {"$type": LINK_FACET, "uri": "https://kind.example/a_(b)?x=1"}),
        ("https://kind.example/c", {"$type": LINK_FACET, "uri": "https://kind.example/c"}),
    ]  # fmt: skip
    assert asked == ["cara.test", "ghost.test"]
