"""Approve and send from the web app, over real HTTP, to a real Mastodon-compatible server.

Real parts: the web app under real uvicorn on 127.0.0.1 (httpx as the browser, forms and
CSRF tokens as a browser sends them); mastodon-mock (Mastodon's client API) under real
uvicorn on 127.0.0.1, read back with real Mastodon.py; its fault rules (a post refused once) for
a post that fails; a real SQLite store file filled through the real
Mastodon connector and pipeline (the conftest stub scorer picks the acts); the shipped
guard (the session scorer) and the real gold-star ledger. The account's token comes from
the environment (``CYBERKIND_SOCIAL_ACCESS_TOKEN``), as a user would set it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _mastodon_support import add_fault, client, reset, start_mock, statuses_of

from cyberkind.connectors.mastodon import MastodonConnector
from cyberkind.credentials import EnvCredentials
from cyberkind.models import Account, Act, State
from cyberkind.pipeline import sync
from cyberkind.sending import idempotency_key
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')
HOSTILE = "You are a pathetic idiot and this post is stupid."


@pytest.fixture(scope="module")
def mastodon() -> Iterator[Any]:
    mock = start_mock()
    yield mock
    mock.stop()


@pytest.fixture
def base_url(mastodon: Any) -> str:
    reset(mastodon.base_url)
    return str(mastodon.base_url)


@pytest.fixture
def db(tmp_path: Path, base_url: str, stub_scorer: Any) -> Path:
    """A store with the Mastodon account ``social`` (alice) and a mention from Bob synced."""
    path = tmp_path / "send.db"
    post = client(base_url, "alice").status_post("Ten tiny kindnesses")
    client(base_url, "bob").status_post(
        "@alice Your list of tiny kindnesses made my week!", in_reply_to_id=post.id
    )
    account = Account("social", "mastodon", base_url, handle="alice")
    creds = EnvCredentials({"CYBERKIND_SOCIAL_ACCESS_TOKEN": "alice_token"})
    with SQLiteStore(path) as store:
        store.add_account(account)
        with MastodonConnector(account, credentials=creds) as conn:
            sync(store, conn, stub_scorer)
    return path


@pytest.fixture
def web(
    scorer: Any, serve_in_thread: Any, db: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[httpx.Client]:
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", "alice_token")
    with (
        serve_in_thread(create_app(scorer, db=db)) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        yield c


def bobs(db: Path) -> str:
    with SQLiteStore(db) as store:
        [opp] = [
            o for o in store.opportunities(acts=[Act.THANK_COMMENTER.value]) if o.person == "Bob"
        ]
        return opp.id


def csrf(web: httpx.Client, path: str) -> str:
    match = CSRF.search(web.get(path).text)
    assert match
    return match.group(1)


def replies(base_url: str) -> list[Any]:
    return [s for s in statuses_of(base_url, "alice") if s.in_reply_to_id is not None]


def confirm(web: httpx.Client, opp_id: str, text: str) -> httpx.Response:
    token = csrf(web, f"/inbox/{opp_id}")
    return web.post(f"/inbox/{opp_id}/confirm", data={"csrf": token, "text": text})


def send_form(page: str) -> dict[str, str]:
    """The confirm page's send form, as a browser would post it."""
    form = page.split('id="send-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert set(fields) == {"csrf", "text", "key"}
    import html

    return {k: html.unescape(v) for k, v in fields.items()}


def test_confirm_shows_what_as_whom_and_to_whom_then_sends_once(
    web: httpx.Client, db: Path, base_url: str
) -> None:
    opp_id = bobs(db)
    text = "Thank you, Bob! That means a lot to me."
    page = confirm(web, opp_id, text)
    assert page.status_code == 200
    assert f'<blockquote class="to-post" id="to-post" aria-labelledby="post-h">{text}' in page.text
    assert "@alice on mastodon:social" in page.text  # as whom
    assert "Bob" in page.text and "(public reply)" in page.text  # to whom
    assert "made my week" in page.text  # what it answers
    assert replies(base_url) == []  # confirming posts nothing
    with SQLiteStore(db) as store:  # the edited draft is saved
        assert store.saved_draft(opp_id)["text"] == text  # type: ignore[index]
        assert store.get_opportunity(opp_id).state is State.DRAFTED
    form = send_form(page.text)
    assert form["key"] == idempotency_key(opp_id, text)
    sent = web.post(f"/inbox/{opp_id}/send", data=form)
    assert sent.status_code == 303 and sent.headers["location"] == f"/inbox/{opp_id}?sent=1"
    [posted] = replies(base_url)
    assert text in posted.content and posted.content.startswith("<p>@bob")
    shown = web.get(sent.headers["location"]).text
    assert '<span id="opp-state">done</span>' in shown
    assert f"Sent (as {posted.id})" in shown
    stars = web.get("/api/stars").json()
    assert [e["person"] for e in stars["ledger"]] == ["Bob"] and stars["total"] >= 1
    # a double-submit (the same form again): nothing more is posted
    again = web.post(f"/inbox/{opp_id}/send", data=form)
    assert again.status_code == 303 and again.headers["location"].endswith("?sent=again")
    assert "Already sent" in web.get(again.headers["location"]).text
    assert len(replies(base_url)) == 1
    assert web.get("/api/stars").json()["total"] == stars["total"]


def test_simultaneous_submits_post_once(web: httpx.Client, db: Path, base_url: str) -> None:
    opp_id = bobs(db)
    form = send_form(confirm(web, opp_id, "Thank you so much, Bob!").text)
    answers: list[int] = []

    def submit() -> None:
        answers.append(web.post(f"/inbox/{opp_id}/send", data=form).status_code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [303] * 4
    assert len(replies(base_url)) == 1
    with SQLiteStore(db) as store:
        [entry] = store.outbox(opp_id)
        assert (entry.state, entry.attempts) == ("sent", 1)


def test_the_guard_holds_a_hostile_reply_and_offers_the_kinder_one(
    web: httpx.Client, db: Path, base_url: str
) -> None:
    opp_id = bobs(db)
    page = confirm(web, opp_id, HOSTILE)
    assert page.status_code == 200
    assert "The guard holds this back" in page.text
    assert 'id="send-form"' not in page.text  # no way to send it from here
    assert '<ul class="reasons"><li>' in page.text
    rewrite = re.search(r'class="rewrite-text">([^<]+)</q>', page.text)
    assert rewrite and "idiot" not in rewrite.group(1)
    # a forged send of the hostile words (with the right key) is held too, and says why
    token = csrf(web, f"/inbox/{opp_id}")
    held = web.post(
        f"/inbox/{opp_id}/send",
        data={"csrf": token, "text": HOSTILE, "key": idempotency_key(opp_id, HOSTILE)},
    )
    assert held.status_code == 422
    assert "The guard held it back" in held.text and "the guard says" in held.text
    assert "Use the kinder version" in held.text and "Traceback" not in held.text
    assert statuses_of(base_url, "alice")[0].in_reply_to_id is None  # only the seed post
    # taking the kinder version brings a confirm page that can send
    kinder = web.post(f"/inbox/{opp_id}/confirm", data={"csrf": token, "text": rewrite.group(1)})
    assert 'id="send-form"' in kinder.text


def test_the_text_sent_is_the_text_confirmed(web: httpx.Client, db: Path, base_url: str) -> None:
    opp_id = bobs(db)
    form = send_form(confirm(web, opp_id, "Thank you, Bob!").text)
    tampered = web.post(f"/inbox/{opp_id}/send", data={**form, "text": "Something else"})
    assert tampered.status_code == 409 and "not the ones you confirmed" in tampered.text
    assert web.post(f"/inbox/{opp_id}/send", data={**form, "csrf": "x"}).status_code == 403
    assert replies(base_url) == []


def test_a_failed_post_says_it_is_safe_to_retry_and_the_retry_posts_once(
    web: httpx.Client, db: Path, base_url: str
) -> None:
    opp_id = bobs(db)
    add_fault(
        base_url,
        {
            "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
            "effect": {"type": "status", "status": 422},  # the server refuses, once
            "count": 1,
        },
    )
    form = send_form(confirm(web, opp_id, "Thank you, Bob!").text)
    failed = web.post(f"/inbox/{opp_id}/send", data=form)
    assert failed.status_code == 502
    assert "Not posted yet" in failed.text and "trying again is safe" in failed.text
    assert "Traceback" not in failed.text and "alice_token" not in failed.text
    assert replies(base_url) == []
    with SQLiteStore(db) as store:
        assert store.get_opportunity(opp_id).state is not State.DONE
    # The thread page and its JSON say the send did not finish, and that retrying is safe.
    page = web.get(f"/inbox/{opp_id}")
    assert 'id="pending-send"' in page.text and "(1 try, last " in page.text
    assert "Sending again is safe" in page.text
    assert web.get(f"/api/inbox/{opp_id}").json()["pending_send"]["attempts"] == 1
    retry = dict(re.findall(r'name="(\w+)" value="([^"]*)"', failed.text.split('id="retry"')[0]))
    again = web.post(f"/inbox/{opp_id}/send", data={**form, **retry})
    assert again.status_code == 303
    assert len(replies(base_url)) == 1
    done = web.get(f"/inbox/{opp_id}")
    assert 'id="pending-send"' not in done.text and 'id="sent"' in done.text
    assert web.get(f"/api/inbox/{opp_id}").json()["pending_send"] is None


def test_a_source_without_an_account_is_refused_kindly(
    web: httpx.Client, db: Path, base_url: str
) -> None:
    opp_id = bobs(db)
    with SQLiteStore(db) as store:
        store.remove_account("social")
    page = confirm(web, opp_id, "Thank you, Bob!")
    assert page.status_code == 409
    assert "not a connected account" in page.text and "Not sent" in page.text


def test_json_api_previews_and_sends_once(web: httpx.Client, db: Path, base_url: str) -> None:
    opp_id = bobs(db)
    text = "Thank you, Bob! Have a lovely week."
    assert web.post(f"/api/inbox/{opp_id}/send", data={"text": text}).status_code == 415
    preview = web.post(f"/api/inbox/{opp_id}/preview", json={"text": text}).json()
    assert preview["ok"] and preview["text"] == text and preview["as"] == "alice"
    assert preview["can_send"] is True and preview["guard"]["verdict"] == "ok"
    assert preview["answering"]["author"] == "Bob" and preview["private"] is False
    held = web.post(f"/api/inbox/{opp_id}/send", json={"text": HOSTILE})
    assert held.status_code == 422
    assert set(held.json()) == {"ok", "error", "errors", "status"}
    wrong = web.post(f"/api/inbox/{opp_id}/send", json={"text": text, "key": "nope"})
    assert wrong.status_code == 409
    assert replies(base_url) == []
    sent = web.post(f"/api/inbox/{opp_id}/send", json={"text": text, "key": preview["key"]})
    assert sent.status_code == 200
    body = sent.json()
    assert body["ok"] and body["already_sent"] is False and body["outbox"]["state"] == "sent"
    again = web.post(f"/api/inbox/{opp_id}/send", json={"text": text}).json()
    assert again["already_sent"] is True and again["remote_id"] == body["remote_id"]
    [posted] = replies(base_url)
    assert str(posted.id) == body["remote_id"]
    assert web.get(f"/api/inbox/{opp_id}").json()["opportunity"]["state"] == "done"
    assert web.post("/api/inbox/nope0000/send", json={}).status_code == 404
    spec = web.get("/openapi.json").json()
    assert spec["paths"]["/api/inbox/{opp_id}/send"]["post"]["operationId"] == "sendReply"
    assert "/inbox/{opp_id}/confirm" in spec["paths"]
