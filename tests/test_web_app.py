"""The web app over real HTTP: a uvicorn server on 127.0.0.1 (serve_in_thread), a real store
on each backend (a SQLite file, and a database on a real PostgreSQL server started by the
tests), the shipped guard, and httpx. Covers the ideas wall and every defence the wall
needs on the internet: CSRF, escaping, CSP and framing, body and rate limits, no stack
traces, the owner's login when public, and concurrent submissions losing nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cyberkind.store import open_store
from cyberkind.web.app import MAX_FORM_BYTES, create_app
from cyberkind.web.context import RateLimits
from cyberkind.web.login import set_password

TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def db(db_url: str) -> str:
    """The app's store on each backend: a SQLite file, and a real PostgreSQL database."""
    return db_url


@pytest.fixture
def server(scorer: Any, serve_in_thread: Any, db: str) -> Iterator[str]:
    with serve_in_thread(create_app(scorer, db=db, limits=RateLimits.off())) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def wall_token(client: httpx.Client) -> str:
    match = TOKEN.search(client.get("/wall").text)
    assert match
    return match.group(1)


def csrf(client: httpx.Client, path: str = "/compose") -> str:
    match = CSRF.search(client.get(path).text)
    assert match
    return match.group(1)


def submit(client: httpx.Client, text: str, author: str, **extra: str) -> httpx.Response:
    data = {"token": wall_token(client), "text": text, "author": author, **extra}
    return client.post("/wall", data=data)


def test_submit_an_idea_and_see_it_with_its_gold_star(client: httpx.Client) -> None:
    response = submit(client, "Leave a kind comment on a stranger's blog", "Ana")
    assert response.status_code == 201
    assert "gold star" in response.text.lower() and "Ana" in response.text
    ideas = client.get("/api/ideas").json()
    assert ideas == [
        {
            **ideas[0],
            "text": "Leave a kind comment on a stranger's blog",
            "author": "Ana",
            "stars": 1,
        }
    ]
    page = client.get("/wall").text
    assert "Leave a kind comment on a stranger&#39;s blog" in page
    assert 'aria-label="1 gold star"' in page
    feed = client.get("/wall/feed.json")
    assert feed.headers["content-type"].startswith("application/feed+json")
    assert feed.json()["items"][0]["authors"] == [{"name": "Ana"}]
    assert client.get("/wall.json").json() == ideas


def test_near_duplicates_merge_over_http(client: httpx.Client) -> None:
    submit(client, "Thank a teacher today", "Ana")
    response = client.post("/api/ideas", json={"text": "Today, thank teachers!", "author": "Ben"})
    assert response.status_code == 201
    assert response.json()["status"] == "merged"
    [idea] = client.get("/api/ideas").json()
    assert idea["authors"] == ["Ana", "Ben"] and idea["author"] == "Ana and Ben"
    assert idea["stars"] == 2


def test_flagged_and_spam_go_to_moderation(client: httpx.Client) -> None:
    hostile = submit(client, "You are all pathetic idiots", "Troll")
    assert hostile.status_code == 202
    assert "owner" in hostile.text
    spam = client.post(
        "/api/ideas", json={"text": "Kindness at http://spam.example", "author": "B"}
    )
    assert spam.status_code == 202 and spam.json()["idea"] is None
    assert client.get("/api/ideas").json() == []
    queue = client.get("/api/moderation").json()
    assert {i["text"] for i in queue} == {
        "You are all pathetic idiots",
        "Kindness at http://spam.example",
    }
    assert any("link" in i["reason"] for i in queue)
    page = client.get("/moderation").text
    assert "pathetic idiots" in page
    token = CSRF.search(page)
    assert token
    spam_id = next(i["id"] for i in queue if "spam" in i["text"])
    hostile_id = next(i["id"] for i in queue if "idiots" in i["text"])
    # without a CSRF token nothing happens
    assert client.post(f"/moderation/{spam_id}/approve", data={}).status_code == 403
    assert (
        client.post(f"/moderation/{spam_id}/reject", data={"csrf": token.group(1)}).status_code
        == 303
    )
    assert (
        client.post(f"/moderation/{hostile_id}/approve", data={"csrf": token.group(1)}).status_code
        == 303
    )
    assert [i["text"] for i in client.get("/api/ideas").json()] == ["You are all pathetic idiots"]
    assert client.get("/api/moderation").json() == []


def test_stars_once_per_visitor(client: httpx.Client) -> None:
    submit(client, "Hug a friend", "Ana")
    [idea] = client.get("/api/ideas").json()
    token = wall_token(client)
    first = client.post(f"/wall/{idea['id']}/star", data={"token": token})
    assert first.status_code == 303 and "star=added" in first.headers["location"]
    again = client.post(f"/wall/{idea['id']}/star", data={"token": token})
    assert "star=already" in again.headers["location"]
    api = client.post(f"/api/ideas/{idea['id']}/star", json={})
    assert api.json()["added"] is False and api.json()["idea"]["stars"] == 2
    assert client.post("/api/ideas/999/star", json={}).status_code == 404


def test_wall_forms_need_their_token(client: httpx.Client) -> None:
    data = {"text": "Hug a friend", "author": "Ana"}
    assert client.post("/wall", data=data).status_code == 403
    assert client.post("/wall", data={**data, "token": "forged.token.x"}).status_code == 403
    assert client.get("/api/ideas").json() == []
    # JSON posts need a JSON content type, which a cross-site form cannot send
    response = client.post("/api/ideas", content='{"text": "Hug", "author": "A"}')
    assert response.status_code == 415


def test_owner_forms_need_the_session_csrf(client: httpx.Client) -> None:
    assert client.post("/compose", data={"text": "hi"}).status_code == 403
    assert client.post("/settings", data={"stars": "off"}).status_code == 403
    with httpx.Client(base_url=str(client.base_url)) as other:
        # a token from another session is refused
        assert other.post("/compose", data={"text": "hi", "csrf": csrf(client)}).status_code == 403
    assert client.post("/compose", data={"text": "hi", "csrf": csrf(client)}).status_code == 200


def test_user_input_is_escaped(client: httpx.Client) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    submit(client, f"Be kind {evil}", evil)
    page = client.get("/wall").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    compose = client.post("/compose", data={"text": evil, "csrf": csrf(client)}).text
    assert "<script>alert" not in compose


def test_security_headers_and_framing(client: httpx.Client) -> None:
    wall = client.get("/wall")
    assert "set-cookie" not in wall.headers  # visitors of an embedded wall get no cookie
    csp = wall.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors *" in csp
    assert "x-frame-options" not in wall.headers
    assert wall.headers["x-content-type-options"] == "nosniff"
    for path in ("/compose", "/inbox", "/stars", "/settings", "/moderation", "/api/ideas"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY", path
    # no inline script anywhere: every <script> has a src
    for path in ("/wall", "/compose", "/inbox", "/stars", "/settings"):
        assert re.search(r"<script(?![^>]*\bsrc=)", client.get(path).text) is None, path
        assert " style=" not in client.get(path).text, path


def test_request_size_limit(client: httpx.Client) -> None:
    big = "x" * (MAX_FORM_BYTES + 10)
    response = client.post("/wall", data={"text": big, "author": "A", "token": wall_token(client)})
    assert response.status_code == 413
    assert response.json()["status"] == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"text=" + b"y" * 2000

    streamed = client.post(
        "/api/ideas", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert client.get("/api/ideas").json() == []


def test_rate_limits(scorer: Any, serve_in_thread: Any, db: str) -> None:
    app = create_app(scorer, db=db, limits=RateLimits(submit=3, star=2, login=2))
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        codes = [
            c.post("/api/ideas", json={"text": f"Kind idea {w}", "author": "A"}).status_code
            for w in ("alpha", "bravo", "charlie", "delta")
        ]
        assert codes == [201, 201, 201, 429]
        limited = c.post("/api/ideas", json={"text": "Kind idea echo", "author": "A"})
        assert int(limited.headers["retry-after"]) >= 1
        assert set(limited.json()) == {"ok", "error", "errors", "status"}
        form = c.post("/wall", data={"text": "x y z", "author": "A", "token": wall_token(c)})
        assert form.status_code == 429
        idea = c.get("/api/ideas").json()[0]["id"]
        stars = [c.post(f"/api/ideas/{idea}/star", json={}).status_code for _ in range(3)]
        assert stars == [200, 200, 429]
        assert len(c.get("/api/ideas").json()) == 3


def test_no_stack_traces(scorer: Any, serve_in_thread: Any, db: str) -> None:
    app = create_app(scorer, db=db)

    def explode(store: Any) -> Any:
        raise RuntimeError("secret internals /home/owner/inbox.db")

    app.state.web.setting = lambda *a: explode(None)  # the wall reads a setting on submit
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        html = c.post("/wall", data={"text": "Hug", "author": "A", "token": wall_token(c)})
        assert html.status_code == 500
        assert "Traceback" not in html.text and "secret internals" not in html.text
        assert "Something went wrong" in html.text
        api = c.post("/api/ideas", json={"text": "Hug", "author": "A"})
        assert api.status_code == 500 and "secret" not in api.text
        assert set(api.json()) == {"ok", "error", "errors", "status"}
        missing = c.get("/no/such/page", headers={"accept": "text/html"})
        assert missing.status_code == 404 and "<h1>Not found</h1>" in missing.text


def test_public_needs_login_except_the_wall(scorer: Any, serve_in_thread: Any, db: str) -> None:
    with open_store(db) as store:
        set_password(store, "correct horse battery")
        stored = store.get_config("password_hash")
    assert stored is not None and stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    app = create_app(scorer, db=db, public=True)
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        assert c.get("/wall").status_code == 200
        assert c.get("/api/ideas").status_code == 200
        for path in ("/inbox", "/compose", "/stars", "/settings", "/moderation"):
            response = c.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == f"/login?next={path}"
        for path in ("/api/inbox", "/api/moderation", "/openapi.json"):
            assert c.get(path).status_code == 401, path
        assert c.post("/v1/check", json={"text": "hi"}).status_code == 401
        login = c.get("/login")
        token = CSRF.search(login.text)
        assert token
        wrong = c.post("/login", data={"csrf": token.group(1), "password": "nope", "next": "/"})
        assert wrong.status_code == 401 and "not right" in wrong.text
        no_csrf = c.post("/login", data={"password": "correct horse battery"})
        assert no_csrf.status_code == 403
        ok = c.post(
            "/login",
            data={"csrf": token.group(1), "password": "correct horse battery", "next": "/stars"},
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/stars"
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http; see the https test below
        assert c.get("/inbox").status_code == 200
        assert c.post("/v1/check", json={"text": "hi"}).status_code == 200
        logout_token = CSRF.search(c.get("/inbox").text)
        assert logout_token
        out = c.post("/logout", data={"csrf": logout_token.group(1)})
        assert out.status_code == 303
        assert c.get("/inbox").status_code == 303
        # an open redirect is refused
        token = CSRF.search(c.get("/login").text)
        assert token
        evil = c.post(
            "/login",
            data={"csrf": token.group(1), "password": "correct horse battery", "next": "//evil"},
        )
        assert evil.headers["location"] == "/inbox"


def test_session_cookie_is_secure_behind_https(scorer: Any, serve_in_thread: Any, db: str) -> None:
    app = create_app(scorer, db=db)
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, as from a local TLS proxy
        response = c.get("/compose", headers={"x-forwarded-proto": "https"})
        assert "Secure" in response.headers["set-cookie"]
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        assert "strict-transport-security" not in c.get("/compose").headers


def test_login_rate_limited(scorer: Any, serve_in_thread: Any, db: str) -> None:
    with open_store(db) as store:
        set_password(store, "correct horse battery")
    app = create_app(scorer, db=db, public=True, limits=RateLimits(login=3))
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        token = CSRF.search(c.get("/login").text)
        assert token
        codes = [
            c.post("/login", data={"csrf": token.group(1), "password": "guess"}).status_code
            for _ in range(4)
        ]
        assert codes == [401, 401, 401, 429]


def test_concurrent_submissions_lose_nothing(client: httpx.Client, db: str) -> None:
    threads, per_thread = 12, 10
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    errors: list[str] = []

    def post(worker: int) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=60) as c:
            for n in range(per_thread):
                text = f"Idea {worker}-{n}: kindness number {worker * 100 + n}"
                r = c.post(
                    "/api/ideas",
                    json={"text": text, "author": f"W{worker}", "nonce": f"{worker}.{n}"},
                )
                with lock:
                    results.append((r.status_code, text))
                    if r.status_code != 201:
                        errors.append(r.text)

    workers = [threading.Thread(target=post, args=(w,)) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(results) == threads * per_thread
    assert errors == []
    assert {code for code, _ in results} == {201}
    with open_store(db) as store:
        stored = [s.text for s in store.idea_submissions()]
    assert sorted(stored) == sorted(text for _, text in results)


def test_forged_session_cookies_are_refused(scorer: Any, serve_in_thread: Any, db: str) -> None:
    import json
    from base64 import b64encode

    from itsdangerous import TimestampSigner

    with open_store(db) as store:
        set_password(store, "correct horse battery")
    app = create_app(scorer, db=db, public=True, secret_key="the-real-key")
    payload = b64encode(json.dumps({"owner": True}).encode())
    forged = TimestampSigner("a-guessed-key", salt="cyberkind.session").sign(payload).decode()
    genuine = TimestampSigner("the-real-key", salt="cyberkind.session").sign(payload).decode()
    with serve_in_thread(app) as url:
        for value, status in ((forged, 303), ("garbage", 303), (genuine, 200)):
            with httpx.Client(base_url=url, cookies={"cyberkind_session": value}) as c:
                assert c.get("/inbox").status_code == status, value


def test_frame_ancestors_can_be_narrowed(scorer: Any, serve_in_thread: Any, db: str) -> None:
    app = create_app(scorer, db=db, frame_ancestors="https://blog.example")
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as c:
        csp = c.get("/wall").headers["content-security-policy"]
        assert csp.endswith("frame-ancestors https://blog.example")
        assert "frame-ancestors 'none'" in c.get("/inbox").headers["content-security-policy"]
