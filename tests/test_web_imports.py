"""Bringing comments in from the web reads as the CLI does (docs/web.md, "Bring in new comments").

Real parts only: a uvicorn server on 127.0.0.1 (``serve_in_thread``), the shipped reading model
(the ``inbox_tier`` setting's default), real SQLite stores, the real pipeline and derivation, a
real feed server (pytest-httpserver on 127.0.0.1) and the real CLI. The web app is built with
no inbox scorer, so it loads the one the settings name, as ``cyberkind serve`` does. Examples
written for these tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from cyberkind.classifiers.reading_tier import EXTRA_HEADS, reading_available
from cyberkind.cli import cli
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import MAX_IMPORT_BYTES, create_app

needs_reading = pytest.mark.skipif(
    not reading_available(), reason="the reading model or onnxruntime/tokenizers is missing"
)

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SPAM = "Grow your channel fast: 10k real subscribers for $9 at subsboost.example, DM me now"
KIND = "Your note about the bus driver made me call my gran tonight. Thank you for it."
HOSTILE = "You clown, nobody wants your sappy drivel. Delete your blog."
QUESTION = "How do you find the time to write these every week?"


def _rows() -> list[dict[str, Any]]:
    post = {"id": "p1", "kind": "post", "is_own": True, "text": "Ten tiny kindnesses",
            "title": "Ten tiny kindnesses"}  # fmt: skip
    people = (("c1", "Promo Bot", SPAM), ("c2", "Ines", KIND), ("c3", "Rex", HOSTILE),
              ("c4", "Lou", QUESTION))  # fmt: skip
    comments = [
        {"id": rid, "kind": "comment", "author": who, "text": text, "parent_id": "p1",
         "thread_id": "p1"} for rid, who, text in people
    ]  # fmt: skip
    return [post, *comments]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "comments.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    return path


@pytest.fixture
def web(serve_in_thread: Any, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    db = tmp_path / "web.db"
    with serve_in_thread(create_app(db=db)) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c, db


def _token(client: httpx.Client) -> str:
    found = CSRF.search(client.get("/inbox").text)
    assert found
    return found.group(1)


def _opportunities(db: Path) -> list[tuple[Any, ...]]:
    with SQLiteStore(db) as store:
        return sorted(
            (o.id, o.act.value, o.person, o.item_ids, o.reason, o.priority.name)
            for o in store.opportunities(states=None)
        )


def _scores(db: Path, source: str) -> dict[str, dict[str, float]]:
    with SQLiteStore(db) as store:
        return {s.item.remote_id: dict(s.scores or {}) for s in store.items(source) if s.scores}


@needs_reading
def test_a_file_imported_through_the_web_gets_the_cli_opportunities_with_the_reading_tier(
    web: tuple[httpx.Client, Path], export: Path, tmp_path: Path
) -> None:
    client, db = web
    cli_db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["import", str(export), "--db", str(cli_db)])
    assert result.exit_code == 0, result.output
    # The inbox page's upload form, as a browser sends it (multipart, with the CSRF token).
    sent = client.post(
        "/inbox/import",
        data={"csrf": _token(client)},
        files={"file": ("comments.jsonl", export.read_bytes(), "application/x-ndjson")},
    )
    assert sent.status_code == 303
    note = client.get(sent.headers["location"]).text
    assert "Imported comments.jsonl: 5 new items, 4 new opportunities." in note
    expected = _opportunities(cli_db)
    assert _opportunities(db) == expected
    acts = {(act, person) for _id, act, person, *_rest in expected}
    assert acts == {("needs_care", "Promo Bot"), ("needs_care", "Rex"),
                    ("thank_commenter", "Ines"), ("send_link", "Lou")}  # fmt: skip
    # The reading tier read them: its extra heads are stored, to the digit the CLI's are.
    stored = _scores(db, "import:comments")
    assert set(stored) == {"c1", "c2", "c3", "c4"}
    assert all(set(EXTRA_HEADS) <= set(s) for s in stored.values())
    assert stored == _scores(cli_db, "import:comments")
    assert stored["c1"]["spam"] >= 0.5 > stored["c2"]["spam"]
    # Rex and the spam wait in the needs-care lane, on the page too.
    care = client.get("/api/inbox", params={"lane": "needs_care"}).json()
    assert sorted(o["person"] for o in care) == ["Promo Bot", "Rex"]
    # The JSON twin gives the same, and importing again changes nothing.
    again = client.post(
        "/api/inbox/import",
        json={"filename": "comments.jsonl", "text": export.read_text(encoding="utf-8")},
    )
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["ok"] is True and body["source"] == "import:comments"
    assert (body["new"], body["new_opportunities"], body["problems"]) == (0, 0, [])
    assert _opportunities(db) == expected


@needs_reading
def test_a_feed_synced_through_the_web_gets_the_cli_opportunities_with_the_reading_tier(
    web: tuple[httpx.Client, Path], httpserver: HTTPServer, tmp_path: Path
) -> None:
    entries = "".join(
        f"""<entry><title>Comment by {who}</title>
        <link rel="alternate" href="https://kind.example/ten/#comment-{n}"/>
        <author><name>{who}</name></author><id>https://kind.example/ten/#comment-{n}</id>
        <updated>2026-11-21T08:0{n}:00Z</updated>
        <thr:in-reply-to ref="https://kind.example/?p=5" href="https://kind.example/ten/"/>
        <content type="html">{text}</content></entry>"""
        for n, who, text in ((1, "Promo Bot", SPAM), (2, "Ines", KIND), (3, "Rex", HOSTILE))
    )
    httpserver.expect_request("/comments/feed/").respond_with_data(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0"><title>Comments</title>'
        '<link href="https://kind.example/"/><id>https://kind.example/comments/</id>'
        f"<updated>2026-11-21T09:00:00Z</updated>{entries}</feed>",
        content_type="application/atom+xml",
    )
    url = httpserver.url_for("/comments/feed/")
    client, db = web
    cli_db = tmp_path / "cli.db"
    for args in (["feeds", "add", url, "--comments"], ["sync", "--json"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(cli_db)])
        assert result.exit_code == 0, result.output
    token = _token(client)
    followed = client.post("/settings/feeds", data={"csrf": token, "url": url, "comments": "on"})
    assert followed.status_code == 303
    synced = client.post("/inbox/sync", data={"csrf": token})
    assert synced.status_code == 303
    note = client.get(synced.headers["location"]).text
    assert "Synced 1 source: 4 new items, 3 new opportunities." in note
    expected = _opportunities(cli_db)
    assert _opportunities(db) == expected
    assert {(act, person) for _id, act, person, *_rest in expected} == {
        ("needs_care", "Promo Bot"), ("needs_care", "Rex"), ("thank_commenter", "Ines")
    }  # fmt: skip
    stored = _scores(db, f"rss:{url}")
    assert len(stored) == 3 and all(set(EXTRA_HEADS) <= set(s) for s in stored.values())
    assert stored == _scores(cli_db, f"rss:{url}")
    # The JSON twin: an unchanged feed brings nothing new; an unknown source is a 400.
    body = client.post("/api/inbox/sync", json={}).json()
    assert body["ok"] is True and body["new_items"] == 0
    assert [s["source"] for s in body["sources"]] == [f"rss:{url}"]
    unknown = client.post("/api/inbox/sync", json={"source": "nowhere"})
    assert unknown.status_code == 400 and unknown.json()["ok"] is False
    assert "no followed source or connected account" in unknown.json()["error"]


def test_imports_refuse_what_the_cli_refuses_and_change_nothing(
    scorer: Any, serve_in_thread: Any, tmp_path: Path, export: Path, stub_scorer: Any
) -> None:
    db = tmp_path / "web.db"
    app = create_app(scorer, db=db, inbox_scorer=stub_scorer)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        token = _token(client)
        files = {"file": ("comments.jsonl", export.read_bytes(), "application/x-ndjson")}
        assert client.post("/inbox/import", files=files).status_code == 403
        forged = client.post("/inbox/import", data={"csrf": "forged"}, files=files)
        assert forged.status_code == 403
        none = client.post("/inbox/import", data={"csrf": token, "format": "jsonl"})
        assert none.status_code == 400 and "no file was chosen" in none.text
        odd = client.post("/inbox/import", data={"csrf": token, "format": "pdf"}, files=files)
        assert odd.status_code == 400 and "unknown format" in odd.text
        empty = client.post(
            "/api/inbox/import", json={"filename": "../../etc/empty.jsonl", "text": "\n\n"}
        )
        assert empty.status_code == 400 and "empty.jsonl holds no records" in empty.json()["error"]
        assert client.post("/api/inbox/import", json={"filename": "x.jsonl"}).status_code == 400
        big = client.post(
            "/api/inbox/import",
            content=b'{"filename": "big.jsonl", "text": "' + b"a" * MAX_IMPORT_BYTES + b'"}',
            headers={"content-type": "application/json"},
        )
        assert big.status_code == 413
        # A cross-site form cannot post JSON: the JSON twins take only application/json.
        form = client.post("/api/inbox/import", data={"filename": "x", "text": "y"})
        assert form.status_code == 415
        assert client.post("/inbox/sync", data={}).status_code == 403
        with SQLiteStore(db) as store:
            assert store.opportunities(states=None) == []
            assert store.items("import:comments") == []
        # A bad row is skipped with its line, as on the command line (exit status 3 there).
        bad = export.read_text(encoding="utf-8") + "{not json\n"
        done = client.post(
            "/inbox/import",
            data={"csrf": token, "source": "blog"},
            files={"file": ("comments.jsonl", bad.encode(), "application/x-ndjson")},
        )
        assert done.status_code == 303
        assert (
            "5 new items, 4 new opportunities; 1 row skipped."
            in client.get(done.headers["location"]).text
        )
        with SQLiteStore(db) as store:
            assert len(store.items("blog")) == 5


@needs_reading
@pytest.mark.parametrize("how", ["setting", "serve"])
def test_the_guard_reads_with_the_guard_tier_setting(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CYBERKIND_GUARD_TIER", "reading")
    if how == "setting":
        app: Any = create_app(db=tmp_path / "guard.db")
        assert app.state.scorer.tier == "reading"
        return
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "g.db"), "--get", "/"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tier"] == "reading"
