"""The settings page's accounts, feeds and voice, over real HTTP: a uvicorn server on 127.0.0.1
(serve_in_thread), a real SQLite store file, and the ``keyring`` library with the keyrings.alt
plain-text file backend (a real backend that works headless, as in tests/test_cli_accounts.py)
or keyring's "fail" backend (no keyring). The secret's bytes are searched for in the SQLite
file and its WAL, in every HTML and JSON answer, and in the captured logs.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cyberkind.credentials import KeyringCredentials
from cyberkind.pipeline import import_file
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app
from cyberkind.web.context import RateLimits
from cyberkind.web.login import set_password

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SECRET = "web-s3cr3t-token-never-shown-7f2a"
ENCODED = base64.b64encode(SECRET.encode())


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Any]:
    """A real file-backed keyring in this test's folder, set as keyring's backend."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "settings.db"


@pytest.fixture
def client(scorer: Any, serve_in_thread: Any, db: Path) -> Iterator[httpx.Client]:
    app = create_app(scorer, db=db, limits=RateLimits.off())
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def csrf(client: httpx.Client) -> str:
    match = CSRF.search(client.get("/settings").text)
    assert match
    return match.group(1)


def files_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_connect_and_remove_an_account_secret_only_in_the_keyring(
    client: httpx.Client, db: Path, file_keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    page = client.get("/settings").text
    assert 'name="secret.access_token" type="password"' in page
    assert "Connect a mastodon account" in page and "Connect a bluesky account" in page
    form = {
        "platform": "mastodon",
        "name": "social",
        "url": "https://social.example",
        "handle": "ana",
        "secret.access_token": SECRET,
    }
    # no CSRF token: refused, nothing stored anywhere
    assert client.post("/settings/accounts", data=form).status_code == 403
    assert KeyringCredentials().get("social", "access_token") is None
    answers = []
    added = client.post("/settings/accounts", data={**form, "csrf": csrf(client)})
    assert added.status_code == 303
    assert added.headers["location"] == "/settings?account=added&name=social#accounts-h"
    shown = client.get(added.headers["location"])
    answers += [added.text, shown.text]
    assert "Connected social." in shown.text
    assert "mastodon:social" in shown.text and "access_token: found in the keyring" in shown.text
    secret = KeyringCredentials().get("social", "access_token")
    assert secret is not None and secret.reveal() == SECRET
    listed = client.get("/api/accounts")
    answers.append(listed.text)
    assert [
        (a["source"], a["handle"], a["secrets"]["access_token"]["where"]) for a in listed.json()
    ] == [("mastodon:social", "ana", "keyring")]
    # the secret is in the keyring's file, and nowhere else
    assert ENCODED in Path(file_keyring.file_path).read_bytes()  # keyrings.alt keeps base64
    stored = files_bytes(db)  # the SQLite file and its WAL, while the server runs
    assert SECRET.encode() not in stored and ENCODED not in stored

    # updating without a secret keeps the stored one
    updated = client.post(
        "/settings/accounts", data={**form, "secret.access_token": "", "csrf": csrf(client)}
    )
    assert updated.headers["location"].startswith("/settings?account=updated")
    assert KeyringCredentials().get("social", "access_token") == secret

    removed = client.post("/settings/accounts/social/remove", data={"csrf": csrf(client)})
    assert removed.headers["location"] == "/settings?account=removed&name=social#accounts-h"
    answers.append(client.get(removed.headers["location"]).text)
    assert KeyringCredentials().get("social", "access_token") is None
    assert client.get("/api/accounts").json() == []
    for answer in answers:
        assert SECRET not in answer
    assert SECRET not in caplog.text
    with SQLiteStore(db):
        pass  # close: checkpoint the WAL into the file
    assert SECRET.encode() not in files_bytes(db)


def test_accounts_json_api(
    client: httpx.Client, db: Path, file_keyring: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {
        "platform": "wordpress",
        "name": "blog",
        "url": "https://blog.example",
        "secrets": {"app_password": SECRET},
    }
    assert client.post("/api/accounts", content=json.dumps(body)).status_code == 415
    added = client.post("/api/accounts", json=body)
    assert added.status_code == 201
    assert added.json() == {
        "ok": True,
        "account": {**added.json()["account"], "source": "wordpress:blog"},
        "new": True,
        "stored": ["app_password"],
        "set_env": [],
    }
    again = client.post("/api/accounts", json=body)
    assert again.status_code == 200 and again.json()["new"] is False
    for bad, words in [
        ({**body, "platform": "myspace"}, "not a live platform"),
        ({**body, "name": "a b/c"}, "account name"),
        ({**body, "url": "ftp://x"}, "http(s)"),
        ({**body, "secrets": {"app_password": 5}}, "'secrets'"),
    ]:
        refused = client.post("/api/accounts", json=bad)
        assert refused.status_code == 400 and words in refused.json()["error"]
        assert SECRET not in refused.text
    gone = client.delete("/api/accounts/blog")
    assert gone.json()["deleted"] == ["app_password"]
    assert client.delete("/api/accounts/blog").status_code == 404
    assert SECRET not in added.text + again.text + gone.text + caplog.text
    assert SECRET.encode() not in files_bytes(db)


def test_no_keyring_names_the_environment_variable(
    client: httpx.Client, db: Path, no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    form = {
        "csrf": csrf(client),
        "platform": "mastodon",
        "name": "social",
        "url": "https://social.example",
        "secret.access_token": SECRET,
    }
    refused = client.post("/settings/accounts", data=form)
    assert refused.status_code == 400
    assert "CYBERKIND_SOCIAL_ACCESS_TOKEN" in refused.text
    assert SECRET not in refused.text and SECRET not in caplog.text
    assert client.get("/api/accounts").json() == []  # nothing half-saved
    # without a secret it connects and says which variable to set
    added = client.post("/api/accounts", json={k: v for k, v in form.items() if "." not in k})
    assert added.status_code == 201 and added.json()["set_env"] == ["CYBERKIND_SOCIAL_ACCESS_TOKEN"]
    page = client.get("/settings").text
    assert "missing (set CYBERKIND_SOCIAL_ACCESS_TOKEN)" in page
    assert SECRET.encode() not in files_bytes(db)


def test_follow_and_unfollow_feeds(client: httpx.Client) -> None:
    url = "https://friend.example/feed/"
    assert client.post("/settings/feeds", data={"url": url}).status_code == 403
    followed = client.post(
        "/settings/feeds", data={"csrf": csrf(client), "url": url, "comments": "on"}
    )
    assert followed.headers["location"] == "/settings?feed=followed#feeds-h"
    page = client.get("/settings?feed=followed").text
    assert "Feed followed." in page and f"{url} <span" in page
    assert client.get("/api/feeds").json() == [{"url": url, "comments": True}]
    api = client.post("/api/feeds", json={"url": "https://other.example/rss"})
    assert api.status_code == 201
    assert client.post("/api/feeds", json={"url": "javascript:alert(1)"}).status_code == 400
    gone = client.post("/settings/feeds/remove", data={"csrf": csrf(client), "url": url})
    assert gone.headers["location"] == "/settings?feed=unfollowed#feeds-h"
    assert client.post("/api/feeds/remove", json={"url": url}).status_code == 404
    assert (
        client.post("/api/feeds/remove", json={"url": "https://other.example/rss"}).json()[
            "followed"
        ]
        is False
    )
    assert client.get("/api/feeds").json() == []


def test_voice_profile_is_shown_with_a_sample(
    scorer: Any, serve_in_thread: Any, db: Path, tmp_path: Path, stub_scorer: Any
) -> None:
    rows = [
        {"id": f"r{i}", "kind": "comment", "is_own": True, "text": text}
        for i, text in enumerate(
            [
                "Thank you so much, Ana! This means a lot 🌱\n\nWarmly, Jo",
                "Thank you so much, Ben! So glad it helped.\n\nWarmly, Jo",
                "Thank you so much, Cy! 🌱\n\nWarmly, Jo",
            ]
        )
    ]
    items = tmp_path / "own.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with SQLiteStore(db) as store:
        import_file(store, items, scorer=stub_scorer, source="blog")
    with serve_in_thread(create_app(scorer, db=db)) as url, httpx.Client(base_url=url) as c:
        page = c.get("/settings").text
    voice = page[page.index('id="voice"') : page.index('id="voice-sample"') + 200]
    assert "3 of your own past replies" in page
    assert "<dt>Sign-off</dt><dd>Warmly</dd>" in voice
    assert "<dt>Emoji</dt><dd>in 67% of replies</dd>" in voice
    assert "<dt>Length</dt><dd>about 11 words</dd>" in voice
    assert "Your comment made my day!\n\nWarmly</blockquote>" in voice


def test_accounts_are_the_owners_alone_when_public(
    scorer: Any, serve_in_thread: Any, db: Path, file_keyring: Any
) -> None:
    with SQLiteStore(db) as store:
        set_password(store, "correct horse battery")
    app = create_app(scorer, db=db, public=True, limits=RateLimits.off())
    body = {"platform": "mastodon", "name": "x", "url": "https://s.example"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.post("/api/accounts", json=body).status_code == 401
        assert c.post("/settings/accounts", data=body).status_code == 401
        assert c.get("/api/accounts").status_code == 401
        assert c.post("/settings/feeds", data={"url": "https://a.example/f"}).status_code == 401
        login = CSRF.search(c.get("/login").text)
        assert login
        c.post("/login", data={"csrf": login.group(1), "password": "correct horse battery"})
        assert c.post("/api/accounts", json=body).status_code == 201


def test_a_secret_passed_as_an_option_is_refused_and_never_echoed(
    client: httpx.Client, db: Path, file_keyring: Any
) -> None:
    """Issue 14 #7: the API and the form refuse secret-like option names (400)."""
    body = {
        "platform": "mastodon",
        "name": "social",
        "url": "https://social.example",
        "options": {"visibility": "unlisted", "access_token": SECRET},
    }
    refused = client.post("/api/accounts", json=body)
    assert refused.status_code == 400
    assert "'access_token' looks like a secret" in refused.json()["error"]
    assert "keyring" in refused.json()["error"]
    assert SECRET not in refused.text
    form = {
        "csrf": csrf(client),
        "platform": "mastodon",
        "name": "social",
        "url": "https://social.example",
        "option.password": SECRET,
    }
    page = client.post("/settings/accounts", data=form)
    assert page.status_code == 400 and SECRET not in page.text
    assert client.get("/api/accounts").json() == []
    # a plain option is kept and shown
    added = client.post("/api/accounts", json={**body, "options": {"visibility": "unlisted"}})
    assert added.status_code == 201
    [row] = client.get("/api/accounts").json()
    assert row["options"] == {"visibility": "unlisted"}
    assert SECRET.encode() not in files_bytes(db)


def test_a_secret_option_stored_before_is_never_shown(client: httpx.Client, db: Path) -> None:
    from cyberkind.models import Account

    with SQLiteStore(db) as store:
        options = {"visibility": "unlisted", "api_key": SECRET}
        store.add_account(Account("social", "mastodon", "https://s.example", options=options))
    answer = client.get("/api/accounts")
    assert answer.status_code == 200
    assert answer.json()[0]["options"] == {"visibility": "unlisted"}
    assert SECRET not in answer.text + client.get("/settings").text


def test_the_settings_page_names_a_plain_text_keyring_escaped(
    client: httpx.Client, tmp_path: Path
) -> None:
    """Before: only a log line on the server's stderr said that secrets sit in a file."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "<b>keys&co</b>" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        page = client.get("/settings").text
    finally:
        keyring.set_keyring(previous)
    warning = re.search(r'<p class="notice" role="alert" id="keyring-warning">(.*?)</p>', page)
    assert warning is not None, page
    shown = warning.group(1)
    assert shown.startswith("Warning: the keyring backend keyrings.alt.file.PlaintextKeyring")
    assert "&lt;b&gt;keys&amp;co&lt;/b&gt;" in shown and "<b>" not in shown
    assert "pip uninstall keyrings.alt" in shown


def test_the_settings_page_says_nothing_of_an_os_keyring(
    client: httpx.Client, no_keyring: None
) -> None:
    assert 'id="keyring-warning"' not in client.get("/settings").text
