"""Inbox ideas go to the ideas wall, over real HTTP: a uvicorn server on 127.0.0.1
(serve_in_thread), a real SQLite store file filled by the real import pipeline (the hashtag
stub scorer of conftest.py scores the items), the shipped guard (which holds hostile ideas
for moderation), and httpx. Also the library call (:meth:`cyberkind.wall.Wall.add_from_inbox`)
on a real store file, and the OpenAPI description of the new routes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cyberkind.inbox import Inbox
from cyberkind.pipeline import import_file
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.wall import Wall
from cyberkind.web.app import create_app
from cyberkind.web.context import RateLimits
from cyberkind.web.login import set_password

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
IDEA = "Great post! Idea: what if we all left a kind note for a neighbour this week?"
URL = "https://blog.example/zines#comment-9"


def _comment(rid: str, text: str, author: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": "comment",
        "author": author,
        "text": text,
        "parent_id": "p1",
        "thread_id": "p1",
        **extra,
    }


@pytest.fixture
def db(tmp_path: Path, stub_scorer: Any) -> Path:
    path = tmp_path / "ideas.db"
    rows = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "My post", "title": "Zines"},
        _comment("c1", IDEA, "Lee", url=URL),
        _comment("c2", "Idea: we could all tell those pathetic idiots to be kind", "Rex"),
        _comment("c3", "Idea - let's all thank a teacher today", "Mia", url="mailto:x@y.z"),
        _comment("c4", "I loved your zine", "Ana"),
    ]
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with SQLiteStore(path) as store:
        import_file(store, items, scorer=stub_scorer, source="blog")
    return path


def opp_id(db: Path, person: str, *, idea: bool = True) -> str:
    with SQLiteStore(db) as store:
        found = Inbox(store).opportunities(states=None)
    return next(o.id for o in found if o.person == person and o.is_idea is idea)


@pytest.fixture
def client(scorer: Any, serve_in_thread: Any, db: Path) -> Iterator[httpx.Client]:
    app = create_app(scorer, db=db, limits=RateLimits.off())
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match
    return match.group(1)


def test_the_owner_puts_an_inbox_idea_on_the_wall_by_form(client: httpx.Client, db: Path) -> None:
    oid = opp_id(db, "Lee")
    page = client.get(f"/inbox/{oid}").text
    assert f'action="/inbox/{oid}/wall"' in page
    assert "What if we all left a kind note for a neighbour this week?</textarea>" in page
    # no CSRF token: refused, nothing on the wall
    refused = client.post(f"/inbox/{oid}/wall", data={"text": "x"})
    assert refused.status_code == 403
    assert client.get("/api/ideas").json() == []

    done = client.post(f"/inbox/{oid}/wall", data={"csrf": csrf(client, f"/inbox/{oid}")})
    assert done.status_code == 303
    assert done.headers["location"] == f"/inbox/{oid}?wall=published#wall"
    [idea] = client.get("/api/ideas").json()
    assert idea["text"] == "What if we all left a kind note for a neighbour this week?"
    assert idea["author"] == "Lee" and idea["stars"] == 1
    assert idea["credits"] == [{"name": "Lee", "url": URL}]
    assert "gold star" in idea["thanks"].lower() and "Lee" in idea["thanks"]
    wall = client.get("/wall").text
    assert f'<a href="{URL}" rel="nofollow ugc noopener" target="_top">Lee</a>' in wall
    after = client.get(f"/inbox/{oid}?wall=published").text
    assert "On the wall, with Lee's gold star." in after
    assert 'aria-label="1 gold star"' in after and 'href="/wall#idea-' in after

    # idempotent: again by form and by JSON adds nothing
    # (the done opportunity has no forms left: the token comes from another page)
    again = client.post(f"/inbox/{oid}/wall", data={"csrf": csrf(client, "/compose")})
    assert again.headers["location"] == f"/inbox/{oid}?wall=again#wall"
    repeat = client.post(f"/api/inbox/{oid}/wall", json={})
    assert repeat.status_code == 200 and repeat.json()["repeat"] is True
    assert len(client.get("/api/ideas").json()) == 1
    with SQLiteStore(db) as store:
        assert store.get_opportunity(oid).state.value == "done"
        lines = [a for a in store.star_awards("Lee")]
        assert [(a.count, a.opportunity_id, a.item_id) for a in lines] == [(1, oid, "c1")]
        assert len(store.idea_submissions()) == 1
    assert client.get(f"/api/inbox/{oid}").json()["wall"]["idea"]["id"] == idea["id"]


def test_the_guard_still_holds_an_owner_approved_idea(client: httpx.Client, db: Path) -> None:
    oid = opp_id(db, "Rex")
    held = client.post(f"/api/inbox/{oid}/wall", json={})
    assert held.status_code == 202
    body = held.json()
    assert body["status"] == "pending" and "the guard says" in body["idea"]["reason"]
    assert client.get("/api/ideas").json() == []
    [queued] = client.get("/api/moderation").json()
    assert queued["author"] == "Rex" and queued["id"] == body["idea"]["id"]
    with SQLiteStore(db) as store:
        assert store.get_opportunity(oid).state.value == "done"
        assert store.star_awards("Rex") == []  # stars come when the owner approves it
    page = client.get(f"/inbox/{oid}?wall=pending").text
    assert "The guard held this idea for moderation" in page
    approved = client.post(f"/api/moderation/{queued['id']}/approve", json={})
    assert approved.json()["idea"]["status"] == "published"
    with SQLiteStore(db) as store:
        assert sum(a.count for a in store.star_awards("Rex")) == 1


def test_a_near_duplicate_merges_and_credits_both(client: httpx.Client, db: Path) -> None:
    token = TOKEN.search(client.get("/wall").text)
    assert token
    visitor = client.post(
        "/wall", data={"token": token.group(1), "text": "Thank a teacher today!", "author": "Jo"}
    )
    assert visitor.status_code == 201
    oid = opp_id(db, "Mia")
    merged = client.post(f"/api/inbox/{oid}/wall", json={})
    assert merged.status_code == 201 and merged.json()["status"] == "merged"
    [idea] = client.get("/api/ideas").json()
    assert idea["author"] == "Jo and Mia" and idea["stars"] == 2
    # a link that is not http(s) is not shown
    assert idea["credits"] == [{"name": "Jo", "url": None}, {"name": "Mia", "url": None}]


def test_the_owners_edit_and_the_errors(client: httpx.Client, db: Path) -> None:
    oid = opp_id(db, "Lee")
    assert client.post(f"/api/inbox/{oid}/wall", content=b"{}").status_code == 415
    bad = client.post(f"/api/inbox/{oid}/wall", json={"text": 3})
    assert bad.status_code == 400 and bad.json()["ok"] is False
    assert client.post("/api/inbox/nope/wall", json={}).status_code == 404
    not_idea = client.post(f"/api/inbox/{opp_id(db, 'Ana', idea=False)}/wall", json={})
    assert not_idea.status_code == 400 and "not an idea" in not_idea.json()["error"]
    edited = client.post(
        f"/api/inbox/{oid}/wall", json={"text": "Leave a kind note  for a neighbour"}
    )
    assert edited.status_code == 201
    assert edited.json()["idea"]["text"] == "Leave a kind note for a neighbour"


def test_flood_limit_is_skipped_but_links_are_not(db: Path) -> None:
    with SQLiteStore(db) as store:
        wall = Wall(store, flood_limit=0)
        assert wall.submit("Smile at a stranger", "V", client="c1").status == "pending"
        ok = wall.add_from_inbox(opp_id(db, "Lee"))
        assert ok.status == "published" and not ok.repeat
        linked = wall.add_from_inbox(opp_id(db, "Mia"), text="Thank teachers at www.spam.example")
        assert linked.status == "pending" and "link" in linked.idea.reason


def test_public_server_needs_the_owner(scorer: Any, serve_in_thread: Any, db: Path) -> None:
    with SQLiteStore(db) as store:
        set_password(store, "correct horse battery")
    app = create_app(scorer, db=db, public=True, limits=RateLimits.off())
    oid = opp_id(db, "Lee")
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.post(f"/api/inbox/{oid}/wall", json={}).status_code == 401
        assert c.post(f"/inbox/{oid}/wall", data={}).status_code == 401
        assert c.get("/api/ideas").json() == []


def test_openapi_describes_the_routes(client: httpx.Client) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    post = spec["paths"]["/api/inbox/{opp_id}/wall"]["post"]
    assert post["operationId"] == "inboxIdeaToWall" and {"201", "202", "200"} <= set(
        post["responses"]
    )
    assert "/inbox/{opp_id}/wall" in spec["paths"]
    assert "credits" in spec["components"]["schemas"]["Idea"]["properties"]


def test_a_store_before_m009_gains_source_links(tmp_path: Path) -> None:
    """m009 upgrades a store whose wall already has ideas; their credits have no links."""
    import sqlite3

    from cyberkind.store.migrations import MIGRATIONS, m009_idea_submission_urls

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    before = MIGRATIONS[: MIGRATIONS.index(m009_idea_submission_urls)]
    for version, migration in enumerate(before, start=1):
        migration(conn)
        conn.execute("INSERT INTO schema_version VALUES (?, ?, 'x')", (version, migration.__name__))
    stamp = "2026-01-01T00:00:00+00:00"
    conn.execute(
        "INSERT INTO ideas (text, created_at, updated_at) VALUES ('Smile', ?, ?)", (stamp, stamp)
    )
    conn.execute(
        "INSERT INTO idea_submissions (idea_id, author, text, submitted_at) "
        "VALUES (1, 'Jo', 'Smile', '2026-01-01T00:00:00+00:00')"
    )
    conn.close()
    with SQLiteStore(path) as store:
        [idea] = store.ideas()
        assert idea.credits == [("Jo", "")]
        store.add_idea_submission(1, "Lee", "smile!", url="https://blog.example/#c1")
        assert store.get_idea(1).to_json()["credits"] == [
            {"name": "Jo", "url": None},
            {"name": "Lee", "url": "https://blog.example/#c1"},
        ]


def test_concurrent_posts_put_it_on_the_wall_once(client: httpx.Client, db: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    oid = opp_id(db, "Lee")
    base = str(client.base_url)

    def post(_: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as c:
            return c.post(f"/api/inbox/{oid}/wall", json={}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(post, range(8)))
    assert statuses == [200] * 7 + [201]
    with SQLiteStore(db) as store:
        assert len(store.idea_submissions()) == 1
        assert len(store.star_awards("Lee")) == 1


def test_add_from_inbox_on_each_backend(store: Any, tmp_path: Path, stub_scorer: Any) -> None:
    """The library call on SQLite and on a real PostgreSQL (conftest's ``store`` fixture)."""
    rows = [
        {"id": "p1", "kind": "post", "is_own": True, "text": "My post", "title": "Zines"},
        _comment("c1", IDEA, "Lee", url=URL),
    ]
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    import_file(store, items, scorer=stub_scorer, source="blog")
    oid = next(o.id for o in Inbox(store).opportunities() if o.is_idea)
    wall = Wall(store)
    first = wall.add_from_inbox(oid)
    assert first.status == "published" and not first.repeat
    assert first.idea.credits == [("Lee", URL)]
    again = wall.add_from_inbox(oid)
    assert again.repeat and again.idea.id == first.idea.id
    assert store.ideas()[0].to_json()["credits"] == [{"name": "Lee", "url": URL}]
    assert store.get_opportunity(oid).state.value == "done"
    assert [a.opportunity_id for a in store.star_awards("Lee")] == [oid]
