"""Team members with their own accounts: the ``members`` table, ``team`` member commands,
``--as`` checked against the members, and per-member web logins.

Real parts: every test runs on both backends (the ``db_url``/``store`` fixtures: a real
SQLite file, and a fresh database on a real PostgreSQL server, tests/postgres_server.py);
the CLI runs through click's runner on that store; the web tests serve the real app under
uvicorn on 127.0.0.1 (``serve_in_thread``) and log in over HTTP with httpx, two members in
two clients racing from two threads. Passwords are hashed with the real argon2id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.errors import InputError, StoreError
from cyberkind.members import add_member, authenticate, check_member, set_member_password
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority
from cyberkind.sending import idempotency_key
from cyberkind.store import open_store
from cyberkind.store.base import Member
from cyberkind.web.app import create_app
from cyberkind.web.context import RateLimits
from cyberkind.web.login import set_password

SRC = "test:blog"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ANA_PW = "ana-pass-7c1e-correct"
BOB_PW = "bob-pass-93d2-horse"


def _seed(store: Any, *ids: str) -> None:
    """One comment and one open opportunity per id."""
    items = [Item(SRC, f"c{i}", ItemKind.COMMENT, Author("h", "Cy"), "thanks!") for i in ids]
    store.upsert_items(items, {})
    store.save_thread_opportunities(
        SRC,
        "t",
        [
            Opportunity(i, Act.THANK_COMMENTER, "Cy", SRC, (f"c{i}",), "why", Priority.UNANSWERED)
            for i in ids
        ],
    )


def _cli(db: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, [*args, "--db", db], env=env, catch_exceptions=False)


# -- the store and the rules ------------------------------------------------------------------


def test_members_crud_on_the_store(store: Any) -> None:
    assert store.members() == []
    assert store.get_member("ana") is None
    ana = store.add_member(Member("ana", "Ana A.", "owner", password_hash="$argon2id$x"))
    assert ana.created_at is not None and not ana.disabled
    store.add_member(Member("bob", "Bob", "member"))
    with pytest.raises(StoreError, match="already a member called 'bob'"):
        store.add_member(Member("bob", "Other Bob", "member"))
    with pytest.raises(StoreError, match="unknown role"):
        store.add_member(Member("cy", "Cy", "admin"))
    assert [m.name for m in store.members()] == ["ana", "bob"]
    bob = store.update_member("bob", disabled=True, role="owner", password_hash="$argon2id$y")
    assert (bob.disabled, bob.role, bob.password_hash) == (True, "owner", "$argon2id$y")
    assert store.update_member("bob", disabled=False).disabled is False
    with pytest.raises(StoreError, match="no member called 'zed'"):
        store.update_member("zed", disabled=True)
    assert store.remove_member("bob") is True
    assert store.remove_member("bob") is False
    # the hash never leaves through repr or JSON
    assert "argon2" not in repr(ana)
    assert "argon2" not in str(ana.to_json()) and ana.to_json()["has_password"] is True


def test_rules_first_owner_last_owner_and_authentication(store: Any) -> None:
    with pytest.raises(InputError, match="first member must be one"):
        add_member(store, "bob", BOB_PW)
    with pytest.raises(InputError, match="not a member name"):
        add_member(store, "Ana Smith", ANA_PW, role="owner")
    with pytest.raises(InputError, match="shorter than 8"):
        add_member(store, "ana", "short", role="owner")
    add_member(store, "ana", ANA_PW, role="owner", display_name="Ana")
    add_member(store, "bob", BOB_PW)
    assert authenticate(store, "ana", ANA_PW) is not None
    assert authenticate(store, "ana", BOB_PW) is None
    assert authenticate(store, "nobody", ANA_PW) is None
    from cyberkind.members import remove_member, set_member_disabled

    with pytest.raises(InputError, match="last owner"):
        remove_member(store, "ana")
    with pytest.raises(InputError, match="last owner"):
        set_member_disabled(store, "ana", True)
    set_member_disabled(store, "bob", True)
    assert authenticate(store, "bob", BOB_PW) is None
    with pytest.raises(StoreError, match=r"'bob' is disabled.*one of: ana"):
        check_member(store, "bob")
    with pytest.raises(StoreError, match=r"'carl' is not a member.*one of: ana"):
        check_member(store, "carl")
    assert check_member(store, "ana") == "ana"
    old = store.get_member("ana").password_hash
    set_member_password(store, "ana", "a-brand-new-password")
    assert store.get_member("ana").password_hash != old
    assert authenticate(store, "ana", ANA_PW) is None


def test_without_members_any_name_goes(store: Any) -> None:
    assert check_member(store, "whoever") == "whoever"


# -- the CLI -----------------------------------------------------------------------------------


def _stored_bytes(db_url: str) -> bytes:
    """Every byte the store holds for members: the SQLite file and its WAL, or on
    PostgreSQL every row of the table as text."""
    if db_url.startswith("postgresql"):
        with open_store(db_url) as store:
            rows = store.execute("SELECT m::text AS row FROM members m")
        return "\n".join(r["row"] for r in rows).encode()
    from pathlib import Path

    return b"".join(
        p.read_bytes() for p in Path(db_url).parent.glob(Path(db_url).name + "*") if p.is_file()
    )


def test_cli_member_commands_and_hashes_never_plain(db_url: str) -> None:
    env = {"ANA_PW": ANA_PW, "BOB_PW": BOB_PW}
    added = _cli(
        db_url,
        "team",
        "add-member",
        "ana",
        "--role",
        "owner",
        "--password-from-env",
        "ANA_PW",
        env=env,
    )
    assert added.exit_code == 0, added.output
    prompted = CliRunner().invoke(
        cli, ["team", "add-member", "bob", "--db", db_url], input=f"{BOB_PW}\n{BOB_PW}\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert BOB_PW not in prompted.output  # the prompt hides it
    listed = _cli(db_url, "team", "members", "--json")
    import json

    members = json.loads(listed.output)
    assert [(m["name"], m["role"], m["has_password"]) for m in members] == [
        ("ana", "owner", True),
        ("bob", "member", True),
    ]
    assert "argon2" not in listed.output
    raw = _stored_bytes(db_url)
    assert ANA_PW.encode() not in raw and BOB_PW.encode() not in raw
    assert raw.count(b"$argon2id$") >= 2
    missing = _cli(db_url, "team", "set-password", "bob", "--password-from-env", "NOPE")
    assert missing.exit_code == 1 and "NOPE is not set" in missing.output
    last = _cli(db_url, "team", "remove-member", "ana")
    assert last.exit_code == 1 and "last owner" in last.output
    assert _cli(db_url, "team", "disable-member", "bob").exit_code == 0
    assert "disabled" in _cli(db_url, "team", "members").output
    assert _cli(db_url, "team", "remove-member", "bob").exit_code == 0
    with open_store(db_url) as store:
        assert [m.name for m in store.members()] == ["ana"]


def test_claim_and_send_as_must_name_an_enabled_member(db_url: str) -> None:
    with open_store(db_url) as store:
        _seed(store, "aaaa1111", "bbbb2222")
    # no members yet: any name claims, as before
    assert _cli(db_url, "claim", "aaaa1111", "--as", "anyone").exit_code == 0
    assert _cli(db_url, "unclaim", "aaaa1111", "--as", "anyone").exit_code == 0
    with open_store(db_url) as store:
        add_member(store, "ana", ANA_PW, role="owner")
        add_member(store, "bob", None)
    refused = _cli(db_url, "claim", "aaaa1111", "--as", "carl")
    assert refused.exit_code == 1
    assert "'carl' is not a member" in refused.output and "ana, bob" in refused.output
    sent = _cli(db_url, "send", "aaaa1111", "--as", "carl", "--yes")
    assert sent.exit_code == 1 and "'carl' is not a member" in sent.output
    assert _cli(db_url, "claim", "aaaa1111", "--as", "bob").exit_code == 0
    taken = _cli(db_url, "claim", "aaaa1111", "--as", "ana")
    assert taken.exit_code == 1 and "already claimed by bob" in taken.output
    with open_store(db_url) as store:
        store.update_member("bob", disabled=True)
    disabled = _cli(db_url, "claim", "bbbb2222", "--as", "bob")
    assert disabled.exit_code == 1 and "'bob' is disabled" in disabled.output
    with open_store(db_url) as store:
        assert store.claims() == {"aaaa1111": "bob"}


# -- the web app: per-member logins -------------------------------------------------------------


def _login(client: httpx.Client, password: str, name: str | None = None) -> httpx.Response:
    page = client.get("/login")
    found = CSRF.search(page.text)
    assert found, page.text
    data = {"csrf": found.group(1), "password": password}
    if name is not None:
        data["name"] = name
    return client.post("/login", data=data)


def _token(client: httpx.Client, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found
    return found.group(1)


@pytest.fixture
def team_server(scorer: Any, serve_in_thread: Any, db_url: str) -> Iterator[str]:
    with open_store(db_url) as store:
        _seed(store, "aaaa1111", "bbbb2222")
        add_member(store, "ana", ANA_PW, role="owner", display_name="Ana")
        add_member(store, "bob", BOB_PW, display_name="Bob")
    app = create_app(scorer, db=db_url, public=True, limits=RateLimits.off())
    with serve_in_thread(app) as url:
        yield url


def test_two_members_race_to_claim_one_wins(team_server: str, db_url: str) -> None:
    with (
        httpx.Client(base_url=team_server, timeout=30) as ana,
        httpx.Client(base_url=team_server, timeout=30) as bob,
    ):
        assert _login(ana, BOB_PW, "ana").status_code == 401  # wrong password
        assert _login(ana, ANA_PW).status_code == 401  # a team login needs the name
        assert _login(ana, ANA_PW, "ana").status_code == 303
        assert _login(bob, BOB_PW, "bob").status_code == 303
        assert 'id="who">Ana (owner)' in ana.get("/inbox").text
        tokens = {"ana": _token(ana, "/inbox"), "bob": _token(bob, "/inbox")}
        clients = {"ana": ana, "bob": bob}
        barrier = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def claim(name: str) -> None:
            barrier.wait()
            answers[name] = clients[name].post("/inbox/aaaa1111/claim", data={"csrf": tokens[name]})

        threads = [threading.Thread(target=claim, args=(n,)) for n in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in answers.values())
        assert statuses == [303, 409], {n: r.text for n, r in answers.items()}
        winner = next(n for n, r in answers.items() if r.status_code == 303)
        loser = "bob" if winner == "ana" else "ana"
        assert f"{winner} is already answering this one" in answers[loser].text
        with open_store(db_url) as store:
            assert store.claims() == {"aaaa1111": winner}

        w, lo = clients[winner], clients[loser]
        assert f"{winner} is answering this one" in lo.get("/inbox/aaaa1111").text
        assert "You are answering this one" in w.get("/inbox/aaaa1111").text
        assert [o["id"] for o in w.get("/api/inbox?claim=mine").json()] == ["aaaa1111"]
        assert lo.get("/api/inbox?claim=mine").json() == []
        unclaimed = lo.get("/api/inbox?claim=unclaimed").json()
        assert [o["id"] for o in unclaimed] == ["bbbb2222"]
        claimed = {o["id"]: o["claimed_by"] for o in lo.get("/api/inbox").json()}
        assert claimed == {"aaaa1111": winner, "bbbb2222": None}
        assert f'data-claimed-by="{winner}"' in lo.get("/inbox").text

        # the loser cannot send it: neither the confirm step nor the send itself
        token = _token(lo, "/inbox/aaaa1111")
        text = "Thank you, Cy!"
        confirm = lo.post("/inbox/aaaa1111/confirm", data={"csrf": token, "text": text})
        assert confirm.status_code == 409 and f"{winner} is answering" in confirm.text
        send = lo.post(
            "/inbox/aaaa1111/send",
            data={"csrf": token, "text": text, "key": idempotency_key("aaaa1111", text)},
        )
        assert send.status_code == 409 and f"claimed by {winner}" in send.text
        api = lo.post("/api/inbox/aaaa1111/send", json={"text": text})
        assert api.status_code == 409
        with open_store(db_url) as store:
            assert store.outbox("aaaa1111") == []
        # a member cannot release someone else's claim; the holder can
        if loser == "bob":
            refused = lo.post("/inbox/aaaa1111/release", data={"csrf": token})
            assert refused.status_code == 409
        released = w.post("/inbox/aaaa1111/release", data={"csrf": _token(w, "/inbox")})
        assert released.status_code == 303
        # CSRF still guards the claim form
        assert lo.post("/inbox/aaaa1111/claim", data={"csrf": "forged"}).status_code == 403
        with open_store(db_url) as store:
            assert store.claims() == {}


def test_members_cannot_reach_owner_pages(team_server: str, db_url: str) -> None:
    with (
        httpx.Client(base_url=team_server, timeout=30) as ana,
        httpx.Client(base_url=team_server, timeout=30) as bob,
    ):
        assert bob.get("/settings").status_code == 303  # not logged in: to /login
        _login(ana, ANA_PW, "ana")
        _login(bob, BOB_PW, "bob")
        for path in ("/settings", "/moderation", "/api/settings", "/api/moderation"):
            assert bob.get(path).status_code == 403, path
            assert ana.get(path).status_code == 200, path
        assert bob.post("/api/accounts", json={"name": "x"}).status_code == 403
        page = bob.get("/inbox").text
        assert 'href="/settings"' not in page and 'href="/moderation"' not in page
        assert 'href="/settings"' in ana.get("/inbox").text
        # disabling bob ends his session at once; a new password ends ana's
        with open_store(db_url) as store:
            store.update_member("bob", disabled=True)
            set_member_password(store, "ana", "ana-second-password")
        assert bob.get("/api/inbox").status_code == 401
        assert ana.get("/api/inbox").status_code == 401
        assert _login(ana, "ana-second-password", "ana").status_code == 303
        assert ana.get("/api/inbox").status_code == 200


def test_the_single_owner_password_works_until_members_exist(
    scorer: Any, serve_in_thread: Any, db_url: str
) -> None:
    with open_store(db_url) as store:
        _seed(store, "aaaa1111")
        set_password(store, "the-old-owner-password")
    app = create_app(scorer, db=db_url, public=True, limits=RateLimits.off())
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as owner:
        assert 'name="name"' not in owner.get("/login").text  # no members: password only
        assert _login(owner, "the-old-owner-password").status_code == 303
        assert owner.get("/settings").status_code == 200
        claimed = owner.post("/inbox/aaaa1111/claim", data={"csrf": _token(owner, "/inbox")})
        assert claimed.status_code == 303
        # the migration path: add an owner member; the old password then stops working
        with open_store(db_url) as store:
            add_member(store, "ana", ANA_PW, role="owner")
        assert owner.get("/settings").status_code == 303
        assert 'name="name"' in owner.get("/login").text
        assert _login(owner, "the-old-owner-password").status_code == 401
        assert _login(owner, ANA_PW, "ana").status_code == 303
        assert owner.get("/settings").status_code == 200


def test_login_attempts_stay_rate_limited(scorer: Any, serve_in_thread: Any, db_url: str) -> None:
    with open_store(db_url) as store:
        add_member(store, "ana", ANA_PW, role="owner")
    app = create_app(scorer, db=db_url, public=True, limits=RateLimits(login=2))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        assert _login(c, "wrong-password-1", "ana").status_code == 401
        assert _login(c, "wrong-password-2", "ana").status_code == 401
        assert _login(c, ANA_PW, "ana").status_code == 429


def test_owners_manage_members_on_the_web(team_server: str, db_url: str) -> None:
    with (
        httpx.Client(base_url=team_server, timeout=30) as ana,
        httpx.Client(base_url=team_server, timeout=30) as bob,
    ):
        _login(ana, ANA_PW, "ana")
        _login(bob, BOB_PW, "bob")
        assert bob.get("/members").status_code == 403
        assert bob.get("/api/members").status_code == 403
        token = _token(ana, "/members")
        forbidden = bob.post(
            "/members", data={"csrf": _token(bob, "/inbox"), "name": "eve", "password": "x" * 9}
        )
        assert forbidden.status_code == 403
        added = ana.post(
            "/members",
            data={
                "csrf": token,
                "name": "cy",
                "display_name": "<b>Cy</b>",
                "password": "cy-pass-123",
            },
        )
        assert added.status_code == 303
        page = ana.get("/members").text
        assert "&lt;b&gt;Cy&lt;/b&gt;" in page and "<b>Cy</b>" not in page  # escaped
        assert "argon2" not in page and "cy-pass-123" not in page
        listed = ana.get("/api/members").json()["members"]
        assert [m["name"] for m in listed] == ["ana", "bob", "cy"]
        assert all("password_hash" not in m for m in listed)
        assert ana.post("/members/cy/disable", data={"csrf": "forged"}).status_code == 403
        assert ana.post("/members/bob/disable", data={"csrf": token}).status_code == 303
        assert bob.get("/api/inbox").status_code == 401  # disabled: logged out
        last = ana.post("/members/ana/remove", data={"csrf": token})
        assert last.status_code == 400 and "last owner" in last.text
        assert ana.post("/members/cy/remove", data={"csrf": token}).status_code == 303
        with open_store(db_url) as store:
            assert [(m.name, m.disabled) for m in store.members()] == [
                ("ana", False),
                ("bob", True),
            ]


def test_a_member_going_home_lands_in_the_inbox(team_server: str) -> None:
    with httpx.Client(base_url=team_server, timeout=30) as bob:
        _login(bob, BOB_PW, "bob")
        home = bob.get("/", headers={"accept": "text/html"})
        assert home.status_code == 303 and home.headers["location"] == "/inbox"
