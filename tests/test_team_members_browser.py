"""Two team members in a real browser: Playwright drives Debian's chromium (headless) in two
browser contexts (two separate cookie jars) against a real uvicorn server on 127.0.0.1
(``serve_in_thread``) and a real SQLite store. Ana (owner) and Bob (member) log in with the
login form, both open one opportunity, Ana claims it first, and Bob's stale "I'll answer
this one" is refused, naming Ana; Bob cannot open the settings.

Needs ``playwright`` (the ``test`` extra) and ``/usr/bin/chromium``; without them it skips,
except where ``CI``, ``CYBERKIND_REQUIRE_BROWSER=1`` or ``CYBERKIND_REQUIRE_SERVERS=1`` is
set (as tests/test_web_browser.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cyberkind.members import add_member
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority
from cyberkind.store.sqlite import SQLiteStore
from cyberkind.web.app import create_app
from cyberkind.web.context import RateLimits

pytestmark = pytest.mark.browser


def _tab(browser: Any) -> Any:
    tab = browser.new_context(viewport={"width": 960, "height": 720}).new_page()
    tab.set_default_timeout(15_000)
    return tab


def _log_in(tab: Any, url: str, name: str, password: str) -> None:
    tab.goto(f"{url}/inbox")
    assert "/login" in tab.url
    tab.fill("#name", name)
    tab.fill("#password", password)
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/inbox$"))


def test_two_members_in_two_browsers(
    browser: Any, scorer: Any, serve_in_thread: Any, tmp_path: Path
) -> None:
    db = tmp_path / "team.db"
    with SQLiteStore(db) as store:
        store.upsert_items([Item("blog", "c1", ItemKind.COMMENT, Author("h", "Cy"), "hi!")], {})
        store.save_thread_opportunities(
            "blog",
            "t",
            [
                Opportunity(
                    "aaaa1111",
                    Act.THANK_COMMENTER,
                    "Cy",
                    "blog",
                    ("c1",),
                    "why",
                    Priority.UNANSWERED,
                )
            ],
        )
        add_member(store, "ana", "ana-browser-pass", role="owner", display_name="Ana")
        add_member(store, "bob", "bob-browser-pass", display_name="Bob")
    app = create_app(scorer, db=db, public=True, limits=RateLimits.off())
    with serve_in_thread(app) as url:
        ana, bob = _tab(browser), _tab(browser)
        try:
            _log_in(ana, url, "ana", "ana-browser-pass")
            _log_in(bob, url, "bob", "bob-browser-pass")
            assert "Ana (owner)" in ana.locator("#who").inner_text()
            assert bob.locator("#who").inner_text() == "Bob"
            assert bob.locator("nav a", has_text="Settings").count() == 0
            for tab in (ana, bob):
                tab.goto(f"{url}/inbox/aaaa1111")
            ana.locator("#claim-it").click()
            ana.wait_for_url(re.compile(r"claimed=1"))
            assert "You are answering this one" in ana.locator("#claimed-by").inner_text()
            bob.locator("#claim-it").click()  # his page is stale: Ana got there first
            assert "ana is already answering this one" in bob.locator("main").inner_text()
            bob.goto(f"{url}/inbox/aaaa1111")
            assert "ana is answering this one" in bob.locator("#claimed-by").inner_text()
            assert bob.locator("#release").count() == 0
            bob.goto(f"{url}/settings")
            assert "Only the team's owners" in bob.locator("main").inner_text()
            ana.goto(f"{url}/settings")
            assert ana.locator("h1").inner_text() == "Settings"
        finally:
            ana.context.close()
            bob.context.close()
    with SQLiteStore(db) as store:
        assert store.claims() == {"aaaa1111": "ana"}
