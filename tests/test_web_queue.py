"""The web inbox as a reply queue, over real HTTP: a uvicorn server on 127.0.0.1, a real SQLite
store filled by the real import pipeline (the hashtag stub scorer of conftest.py), the real
composer, httpx. Cards show who, their words, the act in plain words and the draft inline;
approve-and-send only where cyberkind can post; lanes with counts; the needs-care choices;
team controls only in team mode; the opportunity page's order; CSRF and escaping.

A needs-care opportunity is stored directly (the rules that derive it belong to
``derivation.py``), for a hostile comment imported like any other.
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

from cyberkind.cli import cli
from cyberkind.inbox import Inbox, Lane, lane
from cyberkind.members import add_member, team_mode
from cyberkind.models import (
    Account,
    Act,
    Author,
    Item,
    ItemKind,
    Opportunity,
    Priority,
    State,
)
from cyberkind.pipeline import import_file
from cyberkind.sending import cannot_send
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HOSTILE = "You clearly know nothing, idiot <script>alert('x')</script>"
CARE_ID = "ca7e00000001"


def _comment(rid: str, text: str, author: str, thread: str = "p1", **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": "comment",
        "author": author,
        "text": text,
        "parent_id": thread,
        "thread_id": thread,
        **extra,
    }


def needs_care(store: SQLiteStore, source: str, remote_id: str, person: str, thread: str) -> None:
    """Store a needs-care opportunity for a stored item (as derivation will)."""
    opp = Opportunity(
        CARE_ID,
        Act.NEEDS_CARE,
        person,
        source,
        (remote_id,),
        "hostile 0.97 >= 0.60",
        Priority.UNANSWERED,
        thread_key=thread,
    )
    store.save_thread_opportunities(source, thread, [opp])


@pytest.fixture
def db(tmp_path: Path, stub_scorer: Any) -> Path:
    path = tmp_path / "queue.db"
    rows = [
        {
            "id": "p1",
            "kind": "post",
            "is_own": True,
            "text": "My post",
            "title": "Zines",
            "url": "https://blog.example/zines",
        },
        _comment(
            "c1",
            "I loved your zine about <b>kindness</b>",
            "Ana",
            url="https://blog.example/zines#c1",
        ),
        _comment("c2", "I can't go on any more #crisis", "Sam"),
        _comment("c3", "And me too! <i>so</i> good", "Bo", parent_id="c1"),
        *[_comment(f"x{i}", f"Filler comment number {i}", f"Reader {i}") for i in range(25)],
        {"id": "p2", "kind": "post", "is_own": True, "text": "Plants", "title": "Ferns"},
        _comment("h1", HOSTILE, "Troll", thread="p2", url="https://blog.example/ferns#h1"),
    ]
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with SQLiteStore(path) as store:
        import_file(store, items, scorer=stub_scorer, source="blog")
        needs_care(store, "blog", "h1", "Troll", "p2")
    return path


@pytest.fixture
def client(scorer: Any, serve_in_thread: Any, db: Path) -> Iterator[httpx.Client]:
    app = create_app(scorer, db=db, region="uk")
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def token(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match
    return match.group(1)


def card(page: str, opp_id: str) -> str:
    """The HTML of one card of the inbox page."""
    found = re.search(rf'<li class="opp card[^"]*" id="opp-{opp_id}"', page)
    assert found, opp_id
    ends = [page.find(m, found.end()) for m in ('<li class="opp card', "</main>")]
    return page[found.start() : min(e for e in ends if e >= 0)]


def outside_details(html: str) -> str:
    return re.sub(r"<details[\s\S]*?</details>", "", html)


def by_person(client: httpx.Client, person: str, lane_: str = "to_reply") -> dict[str, Any]:
    rows = client.get("/api/inbox", params={"lane": lane_}).json()
    return next(o for o in rows if o["person"] == person)


def test_cards_show_their_words_the_act_and_the_draft_not_scores(client: httpx.Client) -> None:
    page = client.get("/inbox").text
    ana = by_person(client, "Ana")
    html = card(page, ana["id"])
    assert "I loved your zine about &lt;b&gt;kindness&lt;/b&gt;" in html  # their words, escaped
    assert "<b>kindness" not in html
    assert "Thank them for their comment" in html
    assert f'<label for="draft-{ana["id"]}">Your reply to Ana</label>' in html
    draft = re.search(rf'<textarea id="draft-{ana["id"]}"[^>]*>([^<]+)</textarea>', html)
    assert draft and "Ana" in draft.group(1)
    # An imported comment: no approve-and-send (it could only fail), but copy and open.
    assert "Approve and send" not in html
    assert f'data-copy="draft-{ana["id"]}" hidden>Copy</button>' in html
    assert 'href="https://blog.example/zines#c1"' in html and "Open in the original site" in html
    # Model scores only behind "why"; the crisis card shows its words, not "crisis 0.97".
    sam = by_person(client, "Sam")
    assert "&gt;=" in card(page, sam["id"])  # the reason is there, folded away
    assert "&gt;=" not in outside_details(page)
    assert "I can&#39;t go on any more" in card(page, sam["id"])
    assert "safety resources" in card(page, sam["id"])
    # No team: no claim controls, no claim filter.
    assert "answer this one" not in page and 'id="claim"' not in page


def test_a_card_saves_its_draft_inline_with_csrf_and_escaping(
    client: httpx.Client, db: Path
) -> None:
    ana = by_person(client, "Ana")
    csrf = token(client, "/inbox")
    text = "Thank you, Ana! <img src=x onerror=alert(1)>"
    form = {"csrf": csrf, "text": text, "back": "inbox", "lane": "to_reply"}
    saved = client.post(f"/inbox/{ana['id']}/draft", data=form)
    assert saved.status_code == 303
    target = saved.headers["location"]
    assert target == f"/inbox?lane=to_reply&saved={ana['id']}#opp-{ana['id']}"
    html = card(client.get(target).text, ana["id"])
    assert "Draft saved." in html and "(saved)" in html
    assert "Thank you, Ana! &lt;img src=x onerror=alert(1)&gt;</textarea>" in html
    assert "<img src=x" not in html
    with SQLiteStore(db) as store:
        assert store.get_opportunity(ana["id"]).state is State.DRAFTED
        assert (store.saved_draft(ana["id"]) or {})["text"] == text
    # Without the token, or with a forged one, nothing is saved.
    without = {k: v for k, v in form.items() if k != "csrf"}
    for bad in (without, {**form, "csrf": "forged"}):
        refused = client.post(f"/inbox/{ana['id']}/draft", data={**bad, "text": "x"})
        assert refused.status_code == 403
    with SQLiteStore(db) as store:
        assert (store.saved_draft(ana["id"]) or {})["text"] == text
    # An address outside the app is never a redirect target: "back" only names a lane.
    odd = client.post(
        f"/inbox/{ana['id']}/draft", data={**form, "lane": "//evil.example", "text": "Hi"}
    )
    assert odd.headers["location"].startswith("/inbox?lane=to_reply&")


def test_lanes_with_counts_and_the_rule_cli_and_web_share(client: httpx.Client, db: Path) -> None:
    page = client.get("/inbox").text
    counts = dict(re.findall(r'id="lane-(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>', page))
    with SQLiteStore(db) as store:
        inbox = Inbox(store)
        expected = {k.value: v for k, v in inbox.lane_counts().items()}
        assert counts == {k: str(v) for k, v in expected.items()}
        assert expected["needs_care"] == 1 and expected["done"] == 0
        assert all(lane(o) is Lane.TO_REPLY for o in inbox.opportunities(lane="to_reply"))
    assert 'id="lane-to_reply" aria-current="page"' in page
    care = client.get("/api/inbox", params={"lane": "needs_care"}).json()
    assert [(o["id"], o["lane"]) for o in care] == [(CARE_ID, "needs_care")]
    assert CARE_ID not in {o["id"] for o in client.get("/api/inbox").json()}
    assert client.get("/inbox", params={"lane": "bogus"}).status_code == 400
    # the same lane from the CLI
    cli_rows = CliRunner().invoke(cli, ["inbox", "--lane", "needs_care", "--json", "--db", str(db)])
    assert cli_rows.exit_code == 0, cli_rows.output
    assert [o["id"] for o in json.loads(cli_rows.output)] == [CARE_ID]
    # "let it be": to the done lane, from the web; the CLI sees it there too
    csrf = token(client, "/inbox?lane=needs_care")
    let_be = client.post(f"/inbox/{CARE_ID}/dismiss", data={"csrf": csrf, "lane": "needs_care"})
    assert let_be.status_code == 303 and let_be.headers["location"] == "/inbox?lane=needs_care"
    done = client.get("/api/inbox", params={"lane": "done"}).json()
    assert [(o["id"], o["state"]) for o in done] == [(CARE_ID, "dismissed")]
    done_page = client.get("/inbox", params={"lane": "done"}).text
    assert "dismissed" in card(done_page, CARE_ID) and "<textarea" not in card(done_page, CARE_ID)
    cli_done = CliRunner().invoke(cli, ["inbox", "--lane", "done", "--db", str(db)])
    assert CARE_ID in cli_done.output and "needs_care [dismissed]" in cli_done.output


def test_the_needs_care_card_offers_three_choices(client: httpx.Client) -> None:
    page = client.get("/inbox", params={"lane": "needs_care"}).text
    html = card(page, CARE_ID)
    assert "idiot &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in page
    assert "Three choices" in html
    assert ">Let it be</button>" in html
    assert f'action="/inbox/{CARE_ID}/dismiss"' in html
    # an imported comment: cyberkind cannot moderate it, and offers no button that would fail
    assert "cannot moderate it from here" in html and 'name="action"' not in html
    assert f'<label for="draft-{CARE_ID}">A calm reply to Troll</label>' in html
    refused = client.get(f"/inbox/{CARE_ID}/moderate", params={"action": "spam"})
    assert refused.status_code == 400
    csrf = token(client, "/inbox")
    post = client.post(
        f"/inbox/{CARE_ID}/moderate", data={"csrf": csrf, "action": "spam", "confirm": "yes"}
    )
    assert post.status_code == 409 and "cannot moderate it itself" in post.text
    unconfirmed = client.post(f"/inbox/{CARE_ID}/moderate", data={"csrf": csrf, "action": "spam"})
    assert unconfirmed.status_code == 409 and "needs your confirmation" in unconfirmed.text
    forged = client.post(
        f"/inbox/{CARE_ID}/moderate", data={"csrf": "forged", "action": "spam", "confirm": "yes"}
    )
    assert forged.status_code == 403
    api = client.post(f"/api/inbox/{CARE_ID}/moderate", json={"action": "spam"})
    assert api.status_code == 409 and api.json()["ok"] is False


def test_the_opportunity_page_puts_the_draft_first_and_folds_the_thread(
    client: httpx.Client,
) -> None:
    bo = by_person(client, "Bo")
    page = client.get(f"/inbox/{bo['id']}").text
    assert page.index('id="draft-h"') < page.index('id="words-h"') < page.index('id="rest"')
    words = page[page.index('id="their-words"') : page.index('id="rest"')]
    assert "And me too! &lt;i&gt;so&lt;/i&gt; good" in words
    assert 'id="parent"' in words and "I loved your zine" in words  # its parent
    assert '<a href="https://blog.example/zines"' in words and ">Zines</a>" in words  # the post
    assert "Filler comment" not in words
    rest = page[page.index('id="rest"') :]
    assert "(26 more)" in rest  # Sam and 25 readers, folded away
    assert rest.count("Filler comment number") == 25
    assert page.index("Filler comment number") > page.index('id="draft"')
    assert "answer this one" not in page  # no team
    detail = client.get(f"/api/inbox/{bo['id']}").json()
    assert detail["lane"] == "to_reply" and detail["can_send"] is False
    assert "not a connected account" in detail["send_blocked"]


def test_team_controls_appear_in_team_mode_only(
    scorer: Any, serve_in_thread: Any, db: Path
) -> None:
    with SQLiteStore(db) as store:
        assert team_mode(store) is False
        opp = next(o for o in Inbox(store).opportunities() if o.person == "Ana")
        store.claim(opp.id, "ana")  # a claim makes it a team's inbox
        assert team_mode(store) is True
        store.release(opp.id)
        add_member(store, "ana", "ana-queue-password", role="owner", display_name="Ana")
        assert team_mode(store) is True
    app = create_app(scorer, db=db)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        page = c.get("/inbox").text
        assert "answer this one</button>" in page and 'id="claim"' in page
        assert 'id="claim-it"' in c.get(f"/inbox/{opp.id}").text


def test_approve_and_send_only_where_the_account_can_post(
    scorer: Any, serve_in_thread: Any, tmp_path: Path
) -> None:
    db = tmp_path / "accounts.db"
    with SQLiteStore(db) as store:
        store.add_account(Account("social", "mastodon", "https://social.example", handle="me"))
        store.add_account(Account("odd", "nowhere", "https://odd.example", handle="me"))
        for source, opp_id in (("mastodon:social", "aaaa00000001"), ("nowhere:odd", "bbbb0000")):
            store.upsert_items(
                [Item(source, "m1", ItemKind.MENTION, Author("@bo@x", "Bo"), "Loved it!")], {}
            )
            store.save_thread_opportunities(
                source,
                "m1",
                [
                    Opportunity(
                        opp_id,
                        Act.THANK_COMMENTER,
                        "Bo",
                        source,
                        ("m1",),
                        "unanswered mention",
                        Priority.MENTION,
                        thread_key="m1",
                    )
                ],
            )
        assert cannot_send(store, "aaaa00000001") is None
        reason = cannot_send(store, "bbbb0000")
        assert reason and "no installed connector that posts replies" in reason
    with serve_in_thread(create_app(scorer, db=db)) as url, httpx.Client(base_url=url) as c:
        page = c.get("/inbox").text
        assert 'id="approve-aaaa00000001"' in card(page, "aaaa00000001")
        assert "Approve and send" not in card(page, "bbbb0000")
        assert "Copy</button>" in card(page, "bbbb0000")
        assert 'id="approve"' in c.get("/inbox/aaaa00000001").text
        assert 'id="approve"' not in c.get("/inbox/bbbb0000").text
