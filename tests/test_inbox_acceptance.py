"""Issue 4's acceptance test, on a hand-written WordPress export and the real engine.

The export (tests/data/kindcorner.wxr.xml) has one post with comments: 101 and
104 answered by the author (201 by user id, 202 by email only), 102, 103, 105
(a reply to the author's reply) and 106 (a reader answering a reader) not;
103 proposes a kind act; 301-302 are pingbacks and 303 a trackback from other
sites, 304 a pingback from the blog itself, 107 spam.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.inbox import Inbox
from cyberkind.pipeline import import_file
from cyberkind.store import open_store

WXR = Path(__file__).parent / "data" / "kindcorner.wxr.xml"
SOURCE = "wordpress:kindcorner.example"
UNANSWERED = {"comment:102", "comment:105", "comment:106"}  # 103 is an idea: its own act
LINKS = {"comment:301", "comment:302", "comment:303"}


def _rows(db: Path) -> dict[str, Any]:
    store = open_store(db)
    try:
        return {
            "items": [tuple(r) for r in store.execute("SELECT * FROM items ORDER BY id")],
            "opportunities": [
                tuple(r) for r in store.execute("SELECT * FROM opportunities ORDER BY id")
            ],
            "links": [
                tuple(r) for r in store.execute("SELECT * FROM opportunity_items ORDER BY 1, 2")
            ],
            "cursors": store.cursors(),
        }
    finally:
        store.close()


def _inbox_json(db: Path, *extra: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["inbox", "--json", "--db", str(db), *extra])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_inbox_from_a_wordpress_export(db_path: Path, scorer: Any) -> None:
    with open_store(db_path) as store:
        report = import_file(store, WXR, scorer=scorer)
    assert (report.new, report.problems) == (14, [])

    found = _inbox_json(db_path)
    thanks = [o for o in found if o["act"] == "thank_commenter"]
    # Exactly the unanswered comments, one opportunity each, each on the user's post; the idea
    # (103) is thanked inside its own opportunity, not a second one (issue 15).
    assert sorted(i for o in thanks for i in o["item_ids"]) == sorted(UNANSWERED)
    assert all(o["priority"] == 3 and o["state"] == "open" for o in thanks)
    assert {o["person"] for o in thanks} == {"Ben Okafor", "Ana Lima", "Emma Novak"}
    assert all(o["source"] == SOURCE for o in found)

    # One grouped thank-you for the links; the blog's own pingback is not among them.
    shares = [o for o in found if o["act"] == "thank_sharer"]
    assert len(shares) == 1
    assert set(shares[0]["item_ids"]) == LINKS
    assert shares[0]["reason"] == (
        "3 sites linked to your post 'Ten tiny kindnesses': thank them together?"
    )

    # The comment that proposes a kind act is an idea.
    ideas = [o for o in found if o["is_idea"]]
    assert [o["item_ids"] for o in ideas] == [["comment:103"]]
    assert ideas[0]["reason"].startswith("shares an idea for a kind act: 'Idea: what if we all")

    # Nothing about answered comments, the author's own words, spam, or crisis.
    mentioned = {i for o in found for i in o["item_ids"]}
    assert not mentioned & {"comment:101", "comment:104", "comment:107", "comment:201"}
    assert not mentioned & {"comment:202", "comment:304", "post:42", "post:2"}
    assert {o["act"] for o in found} == {
        "thank_commenter",
        "thank_sharer",
        "thank_for_sharing_what_matters",
    }
    assert list(found[0]) == [
        "id",
        "act",
        "person",
        "source",
        "item_ids",
        "reason",
        "priority",
        "priority_name",
        "state",
        "snooze_until",
        "is_idea",
        "url",
        "resources",
    ]


def test_reimporting_the_same_export_changes_nothing(db_path: Path, scorer: Any) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["import", str(WXR), "--db", str(db_path)])
    assert first.exit_code == 0, first.output
    shares = _inbox_json(db_path, "--act", "thank_sharer")
    dismissed = runner.invoke(cli, ["dismiss", shares[0]["id"], "--db", str(db_path)])
    assert dismissed.exit_code == 0, dismissed.output
    before = _rows(db_path)

    again = runner.invoke(cli, ["import", str(WXR), "--db", str(db_path)])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == {
        "source": SOURCE,
        "read": 14,
        "new": 0,
        "updated": 0,
        "unchanged": 14,
        "skipped": 0,
        "open_opportunities": 4,
    }
    assert _rows(db_path) == before
    assert _inbox_json(db_path, "--act", "thank_sharer") == []
    assert [o["state"] for o in _inbox_json(db_path, "--state", "dismissed")] == ["dismissed"]


def test_library_api_gives_the_same_inbox(db_path: Path, scorer: Any) -> None:
    with open_store(db_path) as store:
        import_file(store, WXR, scorer=scorer)
        listed = [o.to_json() for o in Inbox(store).opportunities()]
    assert listed == _inbox_json(db_path)
