"""The needs-care lane from real hostile comments: derived, not stored by hand (docs/web.md).

Real parts only: mastodon_mock under real uvicorn on 127.0.0.1 (tests/_mastodon_support.py),
synced from the web app's "Sync now" (the real pipeline, the shipped reading model, the real
derivation), the app under real uvicorn, httpx. Bluesky's links are checked on the rendered
page of a comment read by the reading model and derived by the inbox (the Bluesky tests run
against recorded cassettes, not a server). Examples written for these tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _mastodon_support import client as mastodon_client
from _mastodon_support import reset, start_mock

from cyberkind.classifiers.reading_tier import reading_available
from cyberkind.engine import Scorer
from cyberkind.inbox import Inbox
from cyberkind.models import Account, Author, Item, ItemKind
from cyberkind.pipeline import configured_inbox_scorer
from cyberkind.settings import resolve
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app

pytestmark = pytest.mark.skipif(
    not reading_available(), reason="the reading model or onnxruntime/tokenizers is missing"
)

HOSTILE = "@alice You clown, nobody wants your sappy drivel. Delete your blog."
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def mastodon() -> Iterator[str]:
    pytest.importorskip("mastodon_mock")
    mock = start_mock()
    reset(str(mock.base_url))
    yield str(mock.base_url)
    mock.stop()


def _card(page: str, opp_id: str) -> str:
    start = page.index(f'id="opp-{opp_id}"')
    ends = [page.find(m, start) for m in ('<li class="opp card', "</main>")]
    return page[start : min(e for e in ends if e >= 0)]


def _draft(html: str, opp_id: str) -> str:
    found = re.search(rf'<textarea id="draft-{opp_id}"[^>]*>([^<]*)</textarea>', html)
    assert found, html
    return found.group(1)


def _calm(draft: str) -> None:
    """A calm reply: no thank-you, no gold star, no quote of their words."""
    lowered = draft.lower()
    assert draft.strip()
    assert "thank" not in lowered and "star" not in lowered and "⭐" not in draft
    assert not any(w in lowered for w in ("clown", "drivel", "sappy"))
    assert not any(q in draft for q in ('"', "“", "”", "&#34;", "&quot;"))


def test_a_hostile_mastodon_mention_synced_from_the_web_needs_care_with_links(
    mastodon: str,
    scorer: Any,
    serve_in_thread: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mastodon_client(mastodon, "bob").status_post(HOSTILE)
    db = tmp_path / "care.db"
    with SQLiteStore(db) as store:
        store.add_account(Account("social", "mastodon", mastodon, handle="alice"))
    monkeypatch.setenv("CYBERKIND_SOCIAL_ACCESS_TOKEN", "alice_token")
    app = create_app(scorer, db=db)  # imports read with the inbox_tier setting: reading
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        found = CSRF.search(client.get("/inbox").text)
        assert found
        synced = client.post("/inbox/sync", data={"csrf": found.group(1)})
        assert synced.status_code == 303
        assert (
            "Synced 1 source: 1 new item, 1 new opportunity."
            in client.get(synced.headers["location"]).text
        )
        [care] = client.get("/api/inbox", params={"lane": "needs_care"}).json()
        assert care["act"] == "needs_care" and care["person"] == "Bob"
        with SQLiteStore(db) as store:
            [stored] = [s for s in store.items("mastodon:social") if not s.item.is_own]
        assert stored.item.kind is ItemKind.MENTION
        assert stored.scores and "target:ad_hominem" in stored.scores  # the reading tier's
        # The choices: let it be, links to the post and its author with Mastodon's own
        # Mute and Report (no moderate buttons, no API call), and a calm reply.
        moderation = care["moderation"]
        assert moderation["actions"] == []
        assert [link["url"] for link in moderation["links"]] == [
            stored.item.url,
            stored.item.author.url,
        ]
        # The server's own addresses of the status and of Bob's profile.
        assert stored.item.url and stored.item.url.endswith(f"/@bob/{stored.item.remote_id}")
        assert stored.item.author.url and stored.item.author.url.endswith("/@bob")
        assert "Mute, Block and Report" in moderation["hint"]
        page = client.get("/inbox", params={"lane": "needs_care"}).text
        html = _card(page, care["id"])
        assert "Three choices" in html and ">Let it be</button>" in html
        assert f'href="{stored.item.url}"' in html and ">Open it in Mastodon</a>" in html
        assert f'href="{stored.item.author.url}"' in html and " in Mastodon</a>" in html
        assert "the post&#39;s ⋯ menu has Mute, Block and Report" in html
        assert 'name="action"' not in html and "Or reply calmly about the issue" in html
        _calm(_draft(html, care["id"]))
        refused = client.post(
            f"/api/inbox/{care['id']}/moderate", json={"action": "spam", "confirm": True}
        )
        assert refused.status_code == 409


def test_a_hostile_bluesky_mention_derived_by_the_inbox_shows_bluesky_links(
    scorer: Any, serve_in_thread: Any, tmp_path: Path
) -> None:
    reader: Scorer = configured_inbox_scorer(resolve({}))
    assert reader.tier == "reading"
    source = "bluesky:sky"
    post_url = "https://bsky.app/profile/rex.example/post/3kxyz"
    item = Item(
        source,
        "at://did:plc:rex/app.bsky.feed.post/3kxyz",
        ItemKind.MENTION,
        Author("rex.example", "Rex", "https://bsky.app/profile/rex.example"),
        HOSTILE.removeprefix("@alice "),
        url=post_url,
    )
    db = tmp_path / "sky.db"
    with SQLiteStore(db) as store:
        store.add_account(Account("sky", "bluesky", "https://bsky.social", handle="me.example"))
        scores = {item.remote_id: reader.read([item.text])[0]}
        with store.transaction():
            store.upsert_items([item], scores)
            Inbox(store).refresh_items(source, [item], reader.thresholds())
        [opp] = store.opportunities(sources=[source])
    assert opp.act.value == "needs_care"
    with serve_in_thread(create_app(scorer, db=db)) as url, httpx.Client(base_url=url) as client:
        html = _card(client.get("/inbox", params={"lane": "needs_care"}).text, opp.id)
        assert f'href="{post_url}"' in html and ">Open it in Bluesky</a>" in html
        assert (
            'href="https://bsky.app/profile/rex.example"' in html and ">Rex in Bluesky</a>" in html
        )
        assert "Mute thread, Report post and Block account" in html
        assert 'name="action"' not in html and ">Let it be</button>" in html
        _calm(_draft(html, opp.id))
        detail = client.get(f"/api/inbox/{opp.id}").json()
        assert detail["moderation"]["actions"] == []
